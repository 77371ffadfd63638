//! What the summaries say besides the counts by status ([`Notices`]): the
//! customers created with Default GDAP (which roles that grants, what to do
//! next), the rows whose domain belongs to a tenant that is not a customer
//! of the partner (the reseller relationship invitation), the `exists`
//! rows whose customer has another company name, and the MCA acceptances
//! waiting for the customer (each with its link, to send) or expired.
//! Counted from the rows of
//! a run (the run summary, `--summary-json`) or of a results journal (the
//! workbook's summary sheet), and said the same way for both.

use serde_json::{Value, json};

use super::schema::{McaStatus, RowResult, Status};
use crate::input::{InputRow, Layout};
use crate::partner_center::default_gdap::{NEXT_STEP, describe_roles};
use crate::validate::{DefaultGdap, Field, ProblemKind};

/// How many rows each notice lists.
const LISTED: usize = 5;

/// Where the invitation link is when the run could not get it.
const PORTAL_HINT: &str = "sign in with `pc-onboard login` and run again to get its link in \
customer_link, or take it from the Partner Center portal: Customers, Request a reseller relationship";

/// What one row tells the notices.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowFacts<'a> {
    /// Spreadsheet row number.
    pub(crate) row: u64,
    /// The row's `domain`, as typed.
    pub(crate) domain: &'a str,
    /// The row is for an indirect reseller (`associated_partner_id`).
    pub(crate) for_reseller: bool,
    /// Its status.
    pub(crate) status: Status,
    /// `default_gdap_sent`.
    pub(crate) default_gdap_sent: Option<DefaultGdap>,
    /// `customer_link`.
    pub(crate) customer_link: &'a str,
    /// `error`.
    pub(crate) error: &'a str,
    /// Its domain belongs to a tenant that is not a customer of the partner
    /// (a `domain_taken` problem).
    pub(crate) domain_taken: bool,
    /// `mca_status`.
    pub(crate) mca_status: &'a McaStatus,
}

impl<'a> RowFacts<'a> {
    /// The facts of `row` (read with `layout`) and its `result`.
    pub(crate) fn of(row: &'a InputRow, layout: &Layout, result: &'a RowResult) -> Self {
        RowFacts {
            row: row.number,
            domain: row.field(layout, Field::Domain),
            for_reseller: !row.field(layout, Field::AssociatedPartnerId).is_empty(),
            status: result.status,
            default_gdap_sent: result.default_gdap_sent,
            customer_link: &result.customer_link,
            error: &result.error,
            domain_taken: result
                .problems
                .iter()
                .any(|p| p.kind == ProblemKind::DomainTaken),
            mca_status: &result.mca_status,
        }
    }
}

/// An MCA acceptance waiting for the customer: the row and the link to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PendingAcceptance {
    /// Spreadsheet row number.
    pub(crate) row: u64,
    /// The row's `domain`, as typed.
    pub(crate) domain: String,
    /// `customer_link`: where the customer accepts.
    pub(crate) link: String,
}

/// Customers by what their create body asked for Default GDAP.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct GdapCounts {
    /// With Default GDAP.
    pub(crate) on: u64,
    /// Of them, for an indirect reseller (nine roles, not eleven).
    pub(crate) on_for_resellers: u64,
    /// Without.
    pub(crate) off: u64,
}

/// Some rows, counted, and the first few of them (row number, domain).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ListedRows {
    /// How many.
    pub(crate) count: u64,
    /// The first ones.
    pub(crate) first: Vec<(u64, String)>,
}

impl ListedRows {
    fn add(&mut self, row: u64, domain: &str) {
        self.count += 1;
        if self.first.len() < LISTED {
            self.first.push((row, domain.to_owned()));
        }
    }

    /// `row 4 (contoso), row 9 (fabrikam), ...`.
    fn describe(&self) -> String {
        let mut rows: Vec<String> = self
            .first
            .iter()
            .map(|(row, domain)| format!("row {row} ({domain})"))
            .collect();
        if self.count > self.first.len() as u64 {
            rows.push("...".to_owned());
        }
        rows.join(", ")
    }

    fn json(&self) -> Value {
        let first: Vec<Value> = self
            .first
            .iter()
            .map(|(row, domain)| json!({"row": row, "domain": domain}))
            .collect();
        json!({"rows": self.count, "first": first})
    }
}

/// The notices of a run or of a results file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Notices {
    /// `created` rows by `default_gdap_sent`.
    pub(crate) created: GdapCounts,
    /// `would_create` rows (a dry run) by `default_gdap_sent`.
    pub(crate) planned: GdapCounts,
    /// Rows whose domain belongs to a tenant that is not a customer.
    pub(crate) other_tenant: ListedRows,
    /// The invitation links on those rows, each once.
    pub(crate) links: Vec<String>,
    /// `exists` rows whose customer has another company name (a non-empty
    /// `error` on an `exists` row).
    pub(crate) other_company: ListedRows,
    /// Every `pending` MCA acceptance, in row order (the terminal shows
    /// the first five, `--summary-json` and the workbook all).
    pub(crate) mca_pending: Vec<PendingAcceptance>,
    /// Rows whose acceptance link expired unaccepted.
    pub(crate) mca_expired: ListedRows,
}

impl Notices {
    /// Count one row.
    pub(crate) fn add(&mut self, facts: &RowFacts<'_>) {
        let gdap = match facts.status {
            Status::Created => Some(&mut self.created),
            Status::WouldCreate => Some(&mut self.planned),
            _ => None,
        };
        if let (Some(gdap), Some(sent)) = (gdap, facts.default_gdap_sent) {
            match sent {
                DefaultGdap::On => {
                    gdap.on += 1;
                    gdap.on_for_resellers += u64::from(facts.for_reseller);
                }
                DefaultGdap::Off => gdap.off += 1,
            }
        }
        if facts.domain_taken {
            self.other_tenant.add(facts.row, facts.domain);
            let link = facts.customer_link.trim();
            if !link.is_empty() && !self.links.iter().any(|l| l == link) {
                self.links.push(link.to_owned());
            }
        }
        if facts.status == Status::Exists && !facts.error.trim().is_empty() {
            self.other_company.add(facts.row, facts.domain);
        }
        match facts.mca_status {
            McaStatus::Pending => self.mca_pending.push(PendingAcceptance {
                row: facts.row,
                domain: facts.domain.to_owned(),
                link: facts.customer_link.trim().to_owned(),
            }),
            McaStatus::Expired => self.mca_expired.add(facts.row, facts.domain),
            _ => {}
        }
    }

    /// The lines the summaries print, each a sentence (empty when there is
    /// nothing to say).
    pub(crate) fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (gdap, done, verb) in [
            (&self.created, "created", "have it"),
            (&self.planned, "to create", "would get it"),
        ] {
            lines.extend(gdap_lines(gdap, done, verb));
        }
        if self.other_tenant.count > 0 {
            let invite = match self.links.as_slice() {
                [] => format!("send them a reseller relationship invitation ({PORTAL_HINT})"),
                [link] => format!("send them the reseller relationship invitation: {link}"),
                _ => "send them the reseller relationship invitation in customer_link".to_owned(),
            };
            let n = self.other_tenant.count;
            let rows = if n == 1 { "row has" } else { "rows have" };
            lines.push(format!(
                "{n} {rows} a domain that belongs to a Microsoft tenant that is not your customer: {}; if the customer owns that tenant, {invite}; otherwise choose another domain prefix and run the results file again",
                self.other_tenant.describe()
            ));
        }
        if self.other_company.count > 0 {
            let n = self.other_company.count;
            let rows = if n == 1 { "row" } else { "rows" };
            lines.push(format!(
                "{n} `exists` {rows} found a customer with another company name than the row's: {}; check that it is the same company (see error)",
                self.other_company.describe()
            ));
        }
        lines.extend(self.mca_lines());
        lines
    }

    /// The MCA acceptances waiting (the first few, with their links) and
    /// the expired ones.
    fn mca_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let n = self.mca_pending.len();
        if n > 0 {
            let (customers, send) = if n == 1 {
                ("customer has", "send it its link")
            } else {
                ("customers have", "send each its link")
            };
            let mut listed: Vec<String> = self
                .mca_pending
                .iter()
                .take(LISTED)
                .map(|p| format!("row {} ({}): {}", p.row, p.domain, p.link))
                .collect();
            if n > LISTED {
                listed.push(format!("and {} more in customer_link", n - LISTED));
            }
            lines.push(format!(
                "{n} {customers} to accept the Microsoft Customer Agreement: {send} (customer_link): {}; re-run the results file to finish the accepted ones",
                listed.join("; ")
            ));
        }
        if self.mca_expired.count > 0 {
            let n = self.mca_expired.count;
            let (links, new) = if n == 1 {
                ("link", "a new link, then send it")
            } else {
                ("links", "new links, then send them")
            };
            lines.push(format!(
                "{n} MCA acceptance {links} expired unaccepted: {}; re-run the results file for {new}",
                self.mca_expired.describe()
            ));
        }
        lines
    }

    /// The notices as JSON (`--summary-json`).
    pub(crate) fn json(&self) -> Value {
        let gdap = |g: &GdapCounts| json!({"on": g.on, "on_for_resellers": g.on_for_resellers, "off": g.off});
        json!({
            "default_gdap": {
                "created": gdap(&self.created),
                "would_create": gdap(&self.planned),
                "roles": crate::partner_center::default_gdap::ROLES,
                "roles_for_resellers": crate::partner_center::default_gdap::roles(true),
                "next_step": NEXT_STEP,
            },
            "domain_of_another_tenant": {
                "rows": self.other_tenant.count,
                "first": self.other_tenant.json()["first"],
                "invitation_links": self.links,
            },
            "exists_other_company": self.other_company.json(),
            "mca_pending": {
                "rows": self.mca_pending.len(),
                "acceptances": self.mca_pending.iter().map(|p| json!({"row": p.row, "domain": p.domain, "link": p.link})).collect::<Vec<_>>(),
            },
            "mca_expired": self.mca_expired.json(),
        })
    }
}

/// The Default GDAP lines of `gdap` (customers `done`, who `verb`).
fn gdap_lines(gdap: &GdapCounts, done: &str, verb: &str) -> Vec<String> {
    let total = gdap.on + gdap.off;
    if total == 0 {
        return Vec::new();
    }
    let resellers = match gdap.on_for_resellers {
        0 => String::new(),
        n => format!(" ({n} of them for indirect resellers)"),
    };
    let mut lines = vec![format!(
        "Default GDAP: {} of the {total} customers {done} {verb}{resellers}",
        gdap.on
    )];
    if gdap.on > 0 {
        lines.push(format!(
            "Default GDAP gives your organisation these Entra roles in each: {}",
            describe_roles()
        ));
        lines.push(format!("next: {NEXT_STEP}"));
    }
    lines
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    fn facts(row: u64, status: Status) -> RowFacts<'static> {
        RowFacts {
            row,
            domain: "contoso",
            for_reseller: false,
            status,
            default_gdap_sent: None,
            customer_link: "",
            error: "",
            domain_taken: false,
            mca_status: &McaStatus::None,
        }
    }

    #[test]
    fn created_customers_are_counted_by_default_gdap_with_the_roles_and_the_next_step() {
        let mut notices = Notices::default();
        let on = Some(DefaultGdap::On);
        notices.add(&RowFacts {
            default_gdap_sent: on,
            ..facts(2, Status::Created)
        });
        notices.add(&RowFacts {
            default_gdap_sent: on,
            for_reseller: true,
            ..facts(3, Status::Created)
        });
        notices.add(&RowFacts {
            default_gdap_sent: Some(DefaultGdap::Off),
            ..facts(4, Status::Created)
        });
        notices.add(&facts(5, Status::Created)); // copied from an older file: unknown
        assert_eq!(
            notices.created,
            GdapCounts {
                on: 2,
                on_for_resellers: 1,
                off: 1
            }
        );
        let lines = notices.lines();
        assert_eq!(
            lines[0],
            "Default GDAP: 2 of the 3 customers created have it (1 of them for indirect resellers)"
        );
        assert!(
            lines[1].contains("Privileged Authentication Administrator"),
            "{lines:?}"
        );
        assert!(
            lines[1].contains("9 for an indirect reseller's customers"),
            "{lines:?}"
        );
        assert!(lines[2].starts_with("next: assign these roles to your own security groups"));
        let json = notices.json();
        assert_eq!(json["default_gdap"]["created"]["on"], 2);
        assert_eq!(json["default_gdap"]["roles"].as_array().unwrap().len(), 11);
        assert_eq!(
            json["default_gdap"]["roles_for_resellers"]
                .as_array()
                .unwrap()
                .len(),
            9
        );
    }

    #[test]
    fn other_tenants_list_their_rows_and_the_link_or_how_to_get_it() {
        let mut notices = Notices::default();
        notices.add(&RowFacts {
            domain_taken: true,
            ..facts(4, Status::Rejected)
        });
        let line = &notices.lines()[0];
        assert!(
            line.starts_with("1 row has a domain that belongs to a Microsoft tenant"),
            "{line}"
        );
        assert!(
            line.contains("row 4 (contoso)") && line.contains("pc-onboard login"),
            "{line}"
        );
        assert!(
            line.contains("otherwise choose another domain prefix"),
            "{line}"
        );
        let link = "https://admin.microsoft.com/x";
        for row in 5..12 {
            notices.add(&RowFacts {
                domain_taken: true,
                customer_link: link,
                ..facts(row, Status::Rejected)
            });
        }
        let line = &notices.lines()[0];
        assert!(
            line.contains(&format!("invitation: {link}")) && line.ends_with("again"),
            "{line}"
        );
        assert!(line.contains("row 8 (contoso), ..."), "{line}");
        assert_eq!(notices.json()["domain_of_another_tenant"]["rows"], 8);
    }

    #[test]
    fn pending_acceptances_are_listed_with_their_links_all_in_json_the_first_on_the_terminal() {
        let mut notices = Notices::default();
        for row in 2..10 {
            let link = format!("https://mca.example/{row}");
            notices.add(&RowFacts {
                mca_status: &McaStatus::Pending,
                customer_link: &link,
                ..facts(row, Status::Created)
            });
        }
        notices.add(&RowFacts {
            mca_status: &McaStatus::Expired,
            ..facts(10, Status::Exists)
        });
        let lines = notices.lines();
        assert!(
            lines[0].starts_with("8 customers have to accept the Microsoft Customer Agreement"),
            "{}",
            lines[0]
        );
        assert!(
            lines[0].contains("row 2 (contoso): https://mca.example/2"),
            "{}",
            lines[0]
        );
        assert!(
            lines[0].contains("and 3 more in customer_link"),
            "{}",
            lines[0]
        );
        assert!(
            !lines[0].contains("https://mca.example/7"),
            "bounded: {}",
            lines[0]
        );
        assert!(
            lines[1].starts_with("1 MCA acceptance link expired unaccepted: row 10 (contoso)"),
            "{}",
            lines[1]
        );
        let json = notices.json();
        assert_eq!(json["mca_pending"]["rows"], 8);
        assert_eq!(
            json["mca_pending"]["acceptances"].as_array().unwrap().len(),
            8
        );
        assert_eq!(
            json["mca_pending"]["acceptances"][7]["link"],
            "https://mca.example/9"
        );
        assert_eq!(json["mca_expired"]["rows"], 1);
    }

    #[test]
    fn exists_rows_with_an_error_are_another_company() {
        let mut notices = Notices::default();
        notices.add(&facts(2, Status::Exists));
        notices.add(&RowFacts {
            error: "named \"X\"",
            ..facts(3, Status::Exists)
        });
        assert_eq!(notices.other_company.count, 1);
        assert!(
            notices.lines()[0]
                .starts_with("1 `exists` row found a customer with another company name")
        );
    }
}
