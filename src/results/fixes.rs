//! What an `error_code` means and how to fix it: the coded rows of the
//! troubleshooting table in `docs/operations.md`, once, for the summary
//! sheet of a results workbook.
//!
//! The text is the document's, Markdown and all (a test reads the document
//! and compares, so the two cannot drift); [`plain`] drops the backticks for
//! a spreadsheet cell.

use std::borrow::Cow;

/// One coded row of the troubleshooting table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fix {
    /// The codes the row is about, as the document writes them: digits, or
    /// a class such as `5xx`.
    pub(crate) codes: &'static [&'static str],
    /// What the code means (the `meaning` column).
    pub(crate) meaning: &'static str,
    /// What to do (the `fix` column).
    pub(crate) fix: &'static str,
}

/// The rows of the troubleshooting table whose first column names a code,
/// in the document's order.
pub(crate) const FIXES: &[Fix] = &[
    Fix {
        codes: &["600049"],
        meaning: "registration number missing where the country requires one (AM, AZ, BY, BR, HU, IN, KG, KZ, MD, PL, RU, TJ, UA, UZ, ZA, ...)",
        fix: "fill `registration_number` (INN, CNPJ, PAN, ...)",
    },
    Fix {
        codes: &["600050"],
        meaning: "registration number format wrong; the message gives the format",
        fix: "correct the number; in Excel, keep it as text so leading zeros stay",
    },
    Fix {
        codes: &["600051"],
        meaning: "phone number missing where a registration number is required",
        fix: "fill `phone_number`",
    },
    Fix {
        codes: &["600002"],
        meaning: "registration number given for a country that does not take one",
        fix: "empty `registration_number` for that row",
    },
    Fix {
        codes: &["600006"],
        meaning: "the call needs an App+User token (indirect reseller via `associated_partner_id`, the legacy MCA flow), or an app-only one (the enhanced MCA attestation)",
        fix: "sign in (`pc-onboard login`) or set `PC_REFRESH_TOKEN` with `PC_CLIENT_ID`; for the MCA attestation set the app-only `PC_TENANT_ID`, `PC_CLIENT_ID`, `PC_CLIENT_SECRET`",
    },
    Fix {
        codes: &["13605"],
        meaning: "the legacy MCA flow is retired: a partner confirmation must come from an enhanced attestation, or the customer accepts in the admin center",
        fix: "run again with `--mca-flow enhanced` (the default) and send the customers their links",
    },
    Fix {
        codes: &["600061"],
        meaning: "the agreement was already attested with these details",
        fix: "nothing: counted as already attested",
    },
    Fix {
        codes: &["800018"],
        meaning: "integration sandbox customer limit reached (75)",
        fix: "you are on an integration sandbox account: delete test customers, or use the production tenant",
    },
    Fix {
        codes: &["409", "900409"],
        meaning: "`exists`: the customer is already yours (found by domain); `rejected` (`invalid` online, code `409`): a tenant outside your customers owns the domain, perhaps the customer's own",
        fix: "`exists` needs nothing (unless `error` names another company: check it); otherwise, if the customer owns that tenant, send them the reseller relationship invitation in `customer_link`, else choose another `domain` prefix",
    },
    Fix {
        codes: &["900402"],
        meaning: "a request ID was reused with a different body",
        fix: "should not happen (IDs come from the body); report it with the row and the correlation ID",
    },
    Fix {
        codes: &["2001", "27002", "20000"],
        meaning: "a value missing, malformed or a country not supported (checked offline, nothing sent)",
        fix: "fix the value named in `error`",
    },
    Fix {
        codes: &[
            "27010", "27011", "27012", "27013", "27014", "27015", "27016", "27017",
        ],
        meaning: "a name or e-mail Partner Center refuses: one character, special characters only, spaces only, `1 2 3`, a legal form alone, `999`, an `@microsoft.com` address or one on the partner's own domain (`partner_domains`)",
        fix: "type the registered legal name, the contact's full name, an address of the customer's own organization (the workbook's note says which)",
    },
    Fix {
        codes: &["27018"],
        meaning: "a domain extension in a company name (`Contoso.com`), which Partner Center discourages; the row is sent",
        fix: "use the registered legal name without the web address next time",
    },
    Fix {
        codes: &["27019"],
        meaning: "a control character (NUL, ESC, a tab or a line break) inside a value; the message names the character and its position",
        fix: "retype the value on one line (`=CLEAN(cell)` in Excel); a second address line goes in `address_line2`",
    },
    Fix {
        codes: &["401", "900401"],
        meaning: "the token was refused after one refresh",
        fix: "check the credentials; then `--resume`",
    },
    Fix {
        codes: &["401", "900420"],
        meaning: "the token was issued for the retired Azure AD Graph audience",
        fix: "this tool asks for `https://api.partnercenter.microsoft.com`; a `PC_ACCESS_TOKEN` must be minted for that resource",
    },
    Fix {
        codes: &["429"],
        meaning: "over the partner tenant's quota; every worker pauses for `Retry-After`",
        fix: "many of them: lower `--rate`, look for other tools using the same tenant",
    },
    Fix {
        codes: &["5xx"],
        meaning: "Partner Center did not answer; retried up to `--max-attempts`, then looked up by domain",
        fix: "run the results file again later; nothing is created twice",
    },
];

/// The first row of [`FIXES`] about `code` (an `error_code` cell, trimmed):
/// an exact match, or a class such as `5xx` for a three-digit code.
pub(crate) fn fix_for(code: &str) -> Option<&'static Fix> {
    let code = code.trim();
    FIXES
        .iter()
        .find(|fix| fix.codes.iter().any(|pattern| matches(pattern, code)))
}

fn matches(pattern: &str, code: &str) -> bool {
    match pattern.strip_suffix("xx") {
        Some(class) => {
            code.len() == 3 && code.starts_with(class) && code.bytes().all(|b| b.is_ascii_digit())
        }
        None => pattern == code,
    }
}

/// Markdown text as a spreadsheet cell shows it: without backticks.
pub(crate) fn plain(markdown: &str) -> Cow<'_, str> {
    if markdown.contains('`') {
        Cow::Owned(markdown.replace('`', ""))
    } else {
        Cow::Borrowed(markdown)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap (src/lib.rs)
mod tests {
    use super::*;

    /// The coded rows of the troubleshooting table in `docs/operations.md`:
    /// (codes, meaning, fix), where codes are the backticked digits (or
    /// `Nxx`) of the first column.
    fn documented() -> Vec<(Vec<String>, String, String)> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/operations.md");
        let doc = std::fs::read_to_string(path).unwrap();
        let at = doc
            .find("## Troubleshooting")
            .expect("a Troubleshooting section");
        let mut rows = Vec::new();
        for line in doc[at..].lines().skip(1) {
            if line.starts_with("## ") {
                break;
            }
            if !line.starts_with("| `") {
                continue;
            }
            let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
            assert_eq!(cells.len(), 4, "{line}");
            let codes: Vec<String> = cells[0]
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|token| is_code(token))
                .map(str::to_owned)
                .collect();
            if !codes.is_empty() {
                rows.push((
                    codes,
                    cells[2].trim().to_owned(),
                    cells[3].trim().to_owned(),
                ));
            }
        }
        rows
    }

    fn is_code(token: &str) -> bool {
        let digits = token.strip_suffix("xx").unwrap_or(token);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    }

    #[test]
    fn the_table_in_code_is_the_table_in_the_operations_guide() {
        let documented = documented();
        let in_code: Vec<(Vec<String>, String, String)> = FIXES
            .iter()
            .map(|f| {
                let codes = f.codes.iter().map(|c| (*c).to_owned()).collect();
                (codes, f.meaning.to_owned(), f.fix.to_owned())
            })
            .collect();
        assert!(documented.len() >= 10, "{documented:?}");
        assert_eq!(
            in_code, documented,
            "src/results/fixes.rs and the Troubleshooting table of docs/operations.md differ: \
             change both"
        );
    }

    #[test]
    fn codes_find_their_fix_exactly_or_by_class() {
        assert_eq!(fix_for("600049").unwrap().codes, ["600049"]);
        assert_eq!(
            fix_for(" 27002 ").unwrap().codes,
            ["2001", "27002", "20000"]
        );
        assert_eq!(fix_for("900409").unwrap().codes, ["409", "900409"]);
        assert_eq!(fix_for("503").unwrap().codes, ["5xx"]);
        assert_eq!(fix_for("500").unwrap().codes, ["5xx"]);
        // The first row about 401 wins.
        assert_eq!(fix_for("401").unwrap().codes, ["401", "900401"]);
        assert_eq!(fix_for("900420").unwrap().codes, ["401", "900420"]);
        for unknown in ["5000", "50", "5x3", "", "403", "600049x"] {
            assert_eq!(fix_for(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn plain_text_has_no_backticks() {
        assert_eq!(plain("fill `phone_number`"), "fill phone_number");
        assert!(matches!(plain("nothing"), Cow::Borrowed("nothing")));
    }
}
