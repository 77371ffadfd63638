//! Suite 3: `validate` throughput against the floor of merely reading the
//! file with the `csv` crate (this bench re-executed as `__csv_floor`).

use std::path::Path;

use super::{Report, bin, generate, median, timed};

pub(crate) fn csv_floor(path: &Path) {
    let mut reader = csv::ReaderBuilder::new()
        .from_path(path)
        .expect("open input");
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    while reader.read_byte_record(&mut record).expect("read") {
        rows += 1;
    }
    std::hint::black_box(rows);
}

pub(crate) fn validate(work: &Path, quick: bool, report: &mut Report) {
    println!("## 3. Validation throughput\n");
    let rows: u64 = if quick { 100_000 } else { 1_000_000 };
    let repeats = 3;
    println!(
        "Median of {repeats} runs (peak RSS: the largest). Floor: the `csv` crate reading every record of the same file into one reused `ByteRecord`, in its own process.\n"
    );
    println!("| input | command | wall s | ÷ floor | rows/s | peak RSS MiB |");
    println!("|---|---|---|---|---|---|");
    let me = std::env::current_exe().expect("current exe");
    for invalid in [0u32, 10] {
        let input = work.join(format!("validate-{invalid}.csv"));
        generate(&input, rows, invalid);
        let size = std::fs::metadata(&input).map_or(0, |m| m.len());
        let label = format!(
            "{} rows, {invalid} % invalid, {:.0} MB",
            rows,
            size as f64 / 1e6
        );
        let path = input.display().to_string();
        let floor = median(
            (0..repeats)
                .map(|_| timed(work, &me, &["__csv_floor".into(), path.clone()], &[]))
                .collect(),
        );
        println!(
            "| {label} | csv crate floor | {:.2} | 1.00 | {:.0} | {:.1} |",
            floor.wall,
            rows as f64 / floor.wall,
            floor.rss_mib
        );
        let out = work.join("validate-out.csv").display().to_string();
        for (name, args) in [
            ("`validate`", vec!["validate".to_owned(), path.clone()]),
            (
                "`validate --results out.csv`",
                vec![
                    "validate".to_owned(),
                    path.clone(),
                    "--results".into(),
                    out.clone(),
                ],
            ),
        ] {
            let m = median(
                (0..repeats)
                    .map(|_| timed(work, &bin(), &args, &[]))
                    .collect(),
            );
            let expected = if invalid == 0 { 0 } else { 2 };
            println!(
                "| {label} | {name} | {:.2} | {:.2} | {:.0} | {:.1} |",
                m.wall,
                m.wall / floor.wall,
                rows as f64 / m.wall,
                m.rss_mib
            );
            report.target(
                m.code == expected && m.wall <= 3.0 && m.rss_mib <= 64.0,
                format!(
                    "{name} on {label}: {:.2} s (≤ 3 s), {:.1} MiB (≤ 64), exit {} ({expected}), {:.2}× the csv floor",
                    m.wall,
                    m.rss_mib,
                    m.code,
                    m.wall / floor.wall
                ),
            );
        }
    }
    println!();
}

// ------------------------------------------------------------ 4. overhead
