//! After a `--sandbox` run, the MCA advice offers no command that cannot
//! work: the built-in sandbox starts empty each run, so a pasted re-run with
//! `--sandbox` would find neither the customer nor its attestation.

use crate::run_mca::{row, run_built_in};
use crate::support::*;

#[test]
fn a_pending_acceptance_after_a_built_in_sandbox_run_points_at_the_standalone_sandbox() {
    let mca = "Ann,Lee,ann@demopending.example,+1 425 555 0100,2026-01-15";
    let (out, results) = run_built_in(&[row("P-1", "demopending", "", mca)], &[]);
    assert_eq!(results.column("mca_status"), ["pending"]);
    let err = text(&out);
    let advice = err
        .lines()
        .find(|l| l.contains("MCA acceptance waits for the customer"))
        .unwrap_or_else(|| panic!("no pending advice: {err}"));
    assert!(
        advice.contains(
            "finish it with: a run against `pc-onboard sandbox` (PC_ENDPOINT), not --sandbox"
        ),
        "{advice}"
    );
    assert!(
        !advice.contains("pc-onboard run"),
        "no command that finds nothing: {advice}"
    );
}
