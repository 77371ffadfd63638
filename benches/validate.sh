#!/usr/bin/env bash
# Validation throughput: generate N rows (default 1,000,000), time
# `pc-onboard validate` on them and report wall time and peak RSS.
# Usage: benches/validate.sh [ROWS] [INVALID_PERCENT]
# With invalid rows validate exits 2 (rows invalid): that is a result, not a
# failure; any other non-zero exit stops the script with validate's stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
invalid=${2:-0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --bin pc-onboard --example gen_customers
./target/release/examples/gen_customers "$rows" --invalid-percent "$invalid" > "$work/in.csv"
echo "input: $rows rows, ${invalid}% invalid, $(du -h "$work/in.csv" | cut -f1)"
measure() {
    local label=$1; shift
    local status=0
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2>"$work/stderr" || status=$?
    if [[ $status != 0 && $status != 2 ]]; then
        echo "$label: exit $status" >&2
        cat "$work/stderr" >&2
        exit 1
    fi
    # GNU time puts "Command exited with non-zero status N" before the
    # format's line when the command fails: the figures are the last line.
    local secs kib
    read -r secs kib < <(tail -n 1 "$work/time")
    printf '%-28s %8.2f s %8.1f MiB  exit %s\n' "$label" "$secs" "$(echo "$kib / 1024" | bc -l)" "$status"
}
measure "validate --results" ./target/release/pc-onboard validate "$work/in.csv" --results "$work/out.csv"
measure "validate (no results file)" ./target/release/pc-onboard validate "$work/in.csv"
tail -n 1 "$work/stderr"
