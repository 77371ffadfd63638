//! The `mca_status` column: what happened to a row's Microsoft Customer
//! Agreement attestation ([`McaStatus`]) and the one table of its keywords
//! ([`McaOutcome`]).

use std::borrow::Cow;
use std::fmt;

use crate::validate::normalize_header;

/// What happened to a row's Microsoft Customer Agreement attestation (the
/// `mca_status` column).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(crate) enum McaStatus {
    /// The row has no `mca_*` values: nothing to attest (empty cell).
    #[default]
    None,
    /// An enhanced attestation exists and the customer has not accepted it
    /// at `customer_link` yet. A re-run checks it and finishes it once
    /// accepted. Not a failure: the customer is the one to act.
    Pending,
    /// The acceptance link expired unaccepted. A re-run starts a new
    /// attestation (a new link to send).
    Expired,
    /// The customer had already accepted the MCA (directly in the admin
    /// center, or an earlier agreement): nothing to attest.
    Accepted,
    /// Attested by this tool (this run or an earlier one).
    Attested,
    /// Partner Center already had this attestation (error 600061).
    AlreadyAttested,
    /// The attestation failed; the customer stays created. A re-run of the
    /// results file tries again (attestation only, no create call).
    Failed(String),
    /// The run stopped (Ctrl-C, a fatal error, the retry budget) before the
    /// attestation was done; the customer stays created. A re-run tries again.
    Cancelled,
    /// Not attempted: dry run, `validate`, or the customer was not created.
    Skipped,
}

/// The `mca_status` keywords, without a failure's reason: the one table of
/// them (the cell text, counting, the exit code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum McaOutcome {
    /// `pending`.
    Pending,
    /// `expired`.
    Expired,
    /// `accepted`.
    Accepted,
    /// `attested`.
    Attested,
    /// `already_attested`.
    AlreadyAttested,
    /// `failed` (`failed: <reason>` in the cell).
    Failed,
    /// `cancelled`.
    Cancelled,
    /// `skipped`.
    Skipped,
}

impl McaOutcome {
    /// Number of outcomes.
    pub(crate) const COUNT: usize = 8;

    /// Every outcome, in declaration order (the contract's table order).
    pub(crate) const ALL: [McaOutcome; McaOutcome::COUNT] = [
        McaOutcome::Pending,
        McaOutcome::Expired,
        McaOutcome::Accepted,
        McaOutcome::Attested,
        McaOutcome::AlreadyAttested,
        McaOutcome::Failed,
        McaOutcome::Cancelled,
        McaOutcome::Skipped,
    ];

    /// Position in [`McaOutcome::ALL`].
    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    /// The keyword in the `mca_status` cell.
    pub(crate) const fn keyword(self) -> &'static str {
        match self {
            McaOutcome::Pending => "pending",
            McaOutcome::Expired => "expired",
            McaOutcome::Accepted => "accepted",
            McaOutcome::Attested => "attested",
            McaOutcome::AlreadyAttested => "already_attested",
            McaOutcome::Failed => "failed",
            McaOutcome::Cancelled => "cancelled",
            McaOutcome::Skipped => "skipped",
        }
    }

    /// The attestation is not done and the partner has to act: the row
    /// needs attention (exit code 2) and a re-run does something about it
    /// (tries again, or issues a new link for an expired one, which a
    /// scheduled job must notice: the customer has to get the new link).
    /// `pending` waits for the customer and does not count.
    pub(crate) const fn needs_attention(self) -> bool {
        matches!(
            self,
            McaOutcome::Failed | McaOutcome::Cancelled | McaOutcome::Expired
        )
    }
}

impl McaStatus {
    /// The keyword of this status; `None` for an empty cell.
    pub(crate) fn outcome(&self) -> Option<McaOutcome> {
        Some(match self {
            McaStatus::None => return None,
            McaStatus::Pending => McaOutcome::Pending,
            McaStatus::Expired => McaOutcome::Expired,
            McaStatus::Accepted => McaOutcome::Accepted,
            McaStatus::Attested => McaOutcome::Attested,
            McaStatus::AlreadyAttested => McaOutcome::AlreadyAttested,
            McaStatus::Failed(_) => McaOutcome::Failed,
            McaStatus::Cancelled => McaOutcome::Cancelled,
            McaStatus::Skipped => McaOutcome::Skipped,
        })
    }

    /// `attested`, `already_attested` or `accepted`: a re-run does not
    /// attest again.
    pub(crate) fn is_done(&self) -> bool {
        matches!(
            self,
            McaStatus::Attested | McaStatus::AlreadyAttested | McaStatus::Accepted
        )
    }

    /// `failed: ...`.
    #[cfg(test)]
    pub(crate) fn is_failed(&self) -> bool {
        matches!(self, McaStatus::Failed(_))
    }

    /// Read an `mca_status` cell: empty, a keyword of [`McaOutcome`], or
    /// `failed: <reason>` (case, `_`, `-` and spaces ignored in the
    /// keywords). Any other text reads as a failure with that text.
    pub(crate) fn parse(text: &str) -> McaStatus {
        let text = text.trim();
        if text.is_empty() {
            return McaStatus::None;
        }
        let key = normalize_header(text);
        let keyword = McaOutcome::ALL
            .into_iter()
            .find(|o| *o != McaOutcome::Failed && normalize_header(o.keyword()) == key);
        match keyword {
            Some(McaOutcome::Pending) => return McaStatus::Pending,
            Some(McaOutcome::Expired) => return McaStatus::Expired,
            Some(McaOutcome::Accepted) => return McaStatus::Accepted,
            Some(McaOutcome::Attested) => return McaStatus::Attested,
            Some(McaOutcome::AlreadyAttested) => return McaStatus::AlreadyAttested,
            Some(McaOutcome::Cancelled) => return McaStatus::Cancelled,
            Some(McaOutcome::Skipped) => return McaStatus::Skipped,
            Some(McaOutcome::Failed) | None => {}
        }
        let reason = match text.get(..6) {
            Some(head) if head.eq_ignore_ascii_case("failed") => {
                text[6..].trim_start().trim_start_matches(':').trim()
            }
            _ => text,
        };
        McaStatus::Failed(reason.to_owned())
    }

    /// The cell text.
    pub(crate) fn as_cell(&self) -> Cow<'_, str> {
        match (self, self.outcome()) {
            (McaStatus::Failed(reason), _) if !reason.is_empty() => {
                Cow::Owned(format!("failed: {reason}"))
            }
            (_, Some(outcome)) => Cow::Borrowed(outcome.keyword()),
            (_, None) => Cow::Borrowed(""),
        }
    }
}

impl fmt::Display for McaStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_cell())
    }
}
