#!/usr/bin/env bash
# Validation throughput, as a ratio to Python's csv module reading the same
# file, measured in one run (the machines here are shared and noisy: compare
# figures of one run, not across runs).
#
#   benches/validate.sh [ROWS] [INVALID_PERCENT] [ROUNDS]    # default: 1000000 0 5
#   PC_ONBOARD_BASE=/path/to/pc-onboard benches/validate.sh  # also time another build
#
# Each round runs, one after the other: the floor (python3's csv.reader over
# the file: every record read, nothing else), `validate`, `validate --results
# out.csv`, and with PC_ONBOARD_BASE the same two with that binary (before and
# after a change, interleaved). Wall time, CPU time (user + system) and peak
# RSS come from GNU time. Every command's times are divided by the floor's
# of the same round; the table gives the median time, the median ratio and
# the range of the ratios over the rounds, and the largest peak RSS. On a
# machine busy with other work, wall times include waiting for a core: the
# CPU ratio is then the steadier figure.
# Target: `validate` <= 1.3 x the floor, <= 64 MiB.
# With invalid rows validate exits 2 (rows invalid): that is a result, not a
# failure; any other non-zero exit stops the script with validate's stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
invalid=${2:-0}
rounds=${3:-5}
base=${PC_ONBOARD_BASE:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --bin pc-onboard --example gen_customers
bin=./target/release/pc-onboard
./target/release/examples/gen_customers "$rows" --invalid-percent "$invalid" > "$work/in.csv"
cat > "$work/floor.py" <<'EOF'
import csv, sys
rows = 0
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for record in csv.reader(f):
        rows += 1
print(rows)
EOF
echo "input: $rows rows, ${invalid}% invalid, $(du -h "$work/in.csv" | cut -f1); $rounds rounds; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
# measure LABEL COMMAND...: print the run's figures and append
# "LABEL ROUND WALL CPU KIB" to $work/times.
measure() {
    local label=$1; shift
    local status=0
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" > /dev/null 2>"$work/stderr" || status=$?
    if [[ $status != 0 && $status != 2 ]]; then
        echo "$label: exit $status" >&2
        cat "$work/stderr" >&2
        exit 1
    fi
    # GNU time puts "Command exited with non-zero status N" before the
    # format's line when the command fails: the figures are the last line.
    local secs user sys kib cpu
    read -r secs user sys kib < <(tail -n 1 "$work/time")
    cpu=$(echo "$user + $sys" | bc -l)
    printf '%-24s round %s %8.2f s wall %8.2f s CPU %8.1f MiB  exit %s\n' "$label" "${round:-1}" \
        "$secs" "$cpu" "$(echo "$kib / 1024" | bc -l)" "$status"
    echo "$label ${round:-1} $secs $cpu $kib" >> "$work/times"
}
for round in $(seq 1 "$rounds"); do
    measure "python3-csv-floor" python3 "$work/floor.py" "$work/in.csv"
    measure "validate" "$bin" validate "$work/in.csv"
    measure "validate--results" "$bin" validate "$work/in.csv" --results "$work/out.csv"
    if [[ -n $base ]]; then
        measure "base:validate" "$base" validate "$work/in.csv"
        measure "base:validate--results" "$base" validate "$work/in.csv" --results "$work/out.csv"
    fi
done
tail -n 1 "$work/stderr"
python3 - "$work/times" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    label, rnd, wall, cpu, kib = line.split()
    runs.setdefault(label, {})[int(rnd)] = (float(wall), float(cpu), int(kib))
floor = runs["python3-csv-floor"]
print()
print("| command | wall s | ÷ floor (range) | CPU s | ÷ floor (range) | peak RSS MiB |")
print("|---|---|---|---|---|---|")
for label, by_round in runs.items():
    cells = []
    for k in (0, 1):
        ratios = [v[k] / floor[r][k] for r, v in by_round.items()]
        cells.append(f"{statistics.median(v[k] for v in by_round.values()):.2f} | "
                     f"{statistics.median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})")
    name = label.replace("--", " --").replace("--results", "--results out.csv")
    name = "python3 csv.reader (floor)" if label == "python3-csv-floor" else f"`{name}`"
    rss = max(v[2] for v in by_round.values()) / 1024
    print(f"| {name} | {cells[0]} | {cells[1]} | {rss:.1f} |")
EOF
