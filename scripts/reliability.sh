#!/usr/bin/env bash
# The reliability suite: every test of tests/integration/reliability_*.rs,
# the slow (#[ignore]d) ones included, in release mode. `cargo test` (CI) runs only
# their short versions. Figures and what each test checks: docs/reliability.md.
#
#   scripts/reliability.sh                 # all (about 2 minutes after the build)
#   scripts/reliability.sh chaos soak      # some: chaos soak dead bad_input fuzz lock secrets
#
# Knobs: PC_FUZZ_CASES=N (fuzz cases, default 1000), SOAK_SEED=N (fault sequence).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
# Wall-clock bounds are asserted here only (tests/integration/support.rs, timing_bound).
export PC_TIMING_BOUNDS=1
all=(chaos soak dead bad_input fuzz lock secrets operator)
picked=("$@")
[[ ${#picked[@]} == 0 ]] && picked=("${all[@]}")
for name in "${picked[@]}"; do
    [[ -f tests/integration/reliability_$name.rs ]] || { echo "no tests/integration/reliability_$name.rs (have: ${all[*]})" >&2; exit 1; }
done
cargo test --release --test integration --no-run
for name in "${picked[@]}"; do
    cargo test --release --no-fail-fast --test integration "reliability_$name::" -- --include-ignored --nocapture --test-threads 1
done
