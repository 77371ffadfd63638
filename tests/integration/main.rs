//! The integration tests: one binary (one link), its suites as modules.
//!
//! `support` runs the `pc-onboard` binary against a sandbox on a free
//! loopback port; `sandbox_support` drives the sandbox router directly.
//! The `reliability_*` suites have short versions here and full, `#[ignore]`d
//! ones that `scripts/reliability.sh` runs.

mod sandbox_support;
mod support;

mod cli_options;
mod client_answers;
mod client_errors;
mod client_mock;
mod client_tokens;
mod completions;
mod conformance;
mod docs;
mod earlier_results;
mod exit_codes;
mod header_lookalikes;
mod input_encoding;
mod layering;
mod layering_strip;
mod operator_output;
mod printed_commands;
mod reliability_bad_input;
mod reliability_chaos;
mod reliability_dead;
mod reliability_fuzz;
mod reliability_lock;
mod reliability_operator;
mod reliability_secrets;
mod reliability_soak;
mod request_body;
mod request_identity;
mod result_named_columns;
mod results_contract;
mod results_workbook;
mod run_cli;
mod run_faults;
mod run_files;
mod run_full_disk;
mod run_mca;
mod run_mca_clouds;
mod run_resume;
mod run_resume_wording;
mod run_row_problems;
mod run_signals;
mod run_unrecorded;
mod sandbox_auth;
mod sandbox_cli;
mod sandbox_create;
mod sandbox_documented;
mod sandbox_fault_endpoints;
mod sandbox_fault_kinds;
mod sandbox_faults;
mod sandbox_paging;
mod sandbox_reads;
mod sandbox_state;
mod sandbox_throttle;
mod scripts;
mod service_modes;
mod template_round_trip;
mod tools;
mod typed_problems;
mod validate_cli;
mod validate_online;
mod xlsx_input;
mod xlsx_round_trip;
mod xlsx_workbook;
