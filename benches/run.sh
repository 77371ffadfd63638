#!/usr/bin/env bash
# End-to-end benchmarks: build, then measure against `pc-onboard sandbox`
# processes on loopback and print Markdown tables (docs/benchmarks.md has the
# published figures and how to read them).
#
#   benches/run.sh                    # all end-to-end suites (~17 minutes)
#   benches/run.sh rate baseline      # some: rate, warmup, baseline, validate, overhead
#   benches/run.sh --quick            # small sizes: a smoke test, targets not judged
#   benches/run.sh row_cost           # criterion: per-row CPU of the offline stages
#
# Needs GNU time at /usr/bin/time. Exit code 3: a target was missed.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
criterion=0
suites=()
for arg in "$@"; do
    case "$arg" in
        row_cost) criterion=1 ;;
        *) suites+=("$arg") ;;
    esac
done
cargo build --release --quiet --bin pc-onboard --example gen_customers
if [[ $criterion == 1 ]]; then
    cargo bench --quiet -p pc-onboard-row-cost --bench row_cost
    [[ ${#suites[@]} == 0 ]] && exit 0
fi
cargo bench --quiet --bench e2e -- ${suites[@]+"${suites[@]}"}
