#!/usr/bin/env bash
# Results workbook: render ROWS rows (default 100,000) of results
# as .xlsx and report wall time and peak RSS (GNU time), three runs each.
#
#   benches/xlsx.sh [ROWS] [INVALID_PERCENT]     # default: 100000 10
#
# The journal is what `run`/`validate` write before rendering: a results CSV,
# and beside it the problems file (the typed problems of the invalid rows),
# here from an offline `run --dry-run` on rows of examples/gen_customers
# (INVALID_PERCENT of them invalid, so their offending cell gets a highlight
# and a note). `validate --results journal.csv` times the journal's cost.
# `render_workbook` is examples/render_workbook.rs: the renderer alone.
# When `validate --results out.xlsx` is wired, it is timed too (journal and
# workbook, the whole command). Target: <= 10 s and <= 512 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
invalid=${2:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --bin pc-onboard --example gen_customers --example render_workbook
bin=./target/release/pc-onboard
./target/release/examples/gen_customers "$rows" --invalid-percent "$invalid" > "$work/in.csv"
journal="$work/out.xlsx.journal.csv"
echo "input: $rows rows, ${invalid}% invalid"
# measure LABEL OUTPUT COMMAND...: three runs; wall and CPU time, peak RSS, OUTPUT's size.
measure() {
    local label=$1 output=$2; shift 2
    for run in 1 2 3; do
        rm -f "$output"
        local rc=0
        /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" > /dev/null 2> "$work/stderr" || rc=$?
        # validate exits 2 when some rows are invalid: that is a finished run.
        if [[ $rc != 0 && $rc != 2 ]] || [[ ! -f "$output" ]]; then
            echo "$label: exit $rc: $(tail -n 1 "$work/stderr")"
            return 0
        fi
        # GNU time puts "Command exited with non-zero status" first: the figures are last.
        read -r secs user sys kib < <(tail -n 1 "$work/time")
        printf '%-36s run %d %6.2f s wall %6.2f s CPU %7.1f MiB  output %s\n' "$label" "$run" \
            "$secs" "$(echo "$user + $sys" | bc -l)" "$(echo "$kib / 1024" | bc -l)" \
            "$(du -h "$output" | cut -f1)"
    done
}
measure "validate --results journal.csv" "$journal" \
    "$bin" validate "$work/in.csv" --results "$journal"
# The journal and problems file the renderer reads: written by a dry run.
"$bin" run "$work/in.csv" --dry-run --no-progress --results "$work/planned.xlsx" \
    > /dev/null 2>&1 || [[ $? == 2 ]]
measure "render_workbook (journal -> .xlsx)" "$work/out.xlsx" \
    ./target/release/examples/render_workbook "$work/planned.xlsx.journal.csv" "$work/out.xlsx"
measure "validate --results out.xlsx" "$work/out.xlsx" \
    "$bin" validate "$work/in.csv" --results "$work/out.xlsx"
