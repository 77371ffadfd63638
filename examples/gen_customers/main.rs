//! Generate N customer rows (CSV on stdout) for benchmarks and soak tests.
//!
//! `cargo run --release --example gen_customers -- 1000000 [--invalid-percent 10] [--seed 1]`
//!
//! Rows cycle through a set of valid templates across countries (including
//! registration-number countries); domains and external ids are unique. With
//! `--invalid-percent P`, P% of rows (chosen by a seeded generator) get one
//! broken field.

use std::io::{self, BufWriter, Write};

mod rows;

use rows::{Rng, write_rows};

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rows: u64 = args
        .first()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    let invalid_percent = flag("--invalid-percent").unwrap_or(0);
    let mut rng = Rng(flag("--seed").unwrap_or(1) | 1);
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    write_rows(&mut out, rows, invalid_percent, &mut rng)?;
    out.flush()
}
