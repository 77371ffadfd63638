//! Suite 2: speed-up over one customer after another (`--concurrency 1`).

use std::path::Path;

use super::{Report, Sandbox, created, generate, run};

pub(crate) fn baseline(work: &Path, quick: bool, report: &mut Report) {
    println!("## 2. Against the sequential baseline\n");
    println!(
        "One `New-PartnerCustomer` after another is `--concurrency 1`. Sandbox `--quota 0 --latency 300`, `--rate 60000` (no limiter in the way); each concurrency gets {} rows per worker and a fresh sandbox.\n",
        if quick { 8 } else { 40 }
    );
    println!("| --concurrency | rows | wall s | rows/s | speed-up | speed-up ÷ concurrency |");
    println!("|---|---|---|---|---|---|");
    let per_worker: u64 = if quick { 8 } else { 40 };
    let mut base = None;
    for c in [1u64, 4, 8, 16, 32] {
        let rows = per_worker * c;
        let input = work.join(format!("baseline-{c}.csv"));
        generate(&input, rows, 0);
        let sb = Sandbox::start(&["--quota", "0", "--latency", "300"]);
        let (m, s) = run(
            work,
            &sb,
            &input,
            &["--rate", "60000", "--concurrency", &c.to_string()],
        );
        drop(sb);
        let rps = created(&s) as f64 / m.wall;
        let base_rps = *base.get_or_insert(rps);
        let speedup = rps / base_rps;
        println!(
            "| {c} | {rows} | {:.2} | {rps:.2} | {speedup:.2} | {:.3} |",
            m.wall,
            speedup / c as f64
        );
        if c > 1 {
            let ok = m.code == 0 && created(&s) == rows;
            if c <= 16 {
                report.target(
                    ok && speedup >= 0.9 * c as f64,
                    format!(
                        "speed-up at concurrency {c}: {speedup:.2} (≥ {:.1})",
                        0.9 * c as f64
                    ),
                );
            } else {
                report.target(
                    ok,
                    format!("speed-up at concurrency {c} (no target): {speedup:.2}"),
                );
            }
        }
    }
    println!();
}

// ------------------------------------------------------------ 3. validate
