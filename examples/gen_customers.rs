//! Generate N customer rows (CSV on stdout) for benchmarks and soak tests.
//!
//! `cargo run --release --example gen_customers -- 1000000 [--invalid-percent 10] [--seed 1]`
//!
//! Rows cycle through a set of valid templates across countries (including
//! registration-number countries); domains and external ids are unique. With
//! `--invalid-percent P`, P% of rows (chosen by a seeded generator) get one
//! broken field.

use std::io::{self, BufWriter, Write};

const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,last_name,phone_number,address_line1,address_line2,city,state,postal_code,country,registration_number";

/// (culture, language, city, state, postal_code, country, registration_number)
const TEMPLATES: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    ("en-US", "en", "Redmond", "WA", "98052", "US", ""),
    ("en-GB", "en", "London", "", "EC1Y 8SY", "GB", ""),
    ("de-DE", "de", "Berlin", "", "10117", "DE", ""),
    ("nl-NL", "nl", "Amsterdam", "", "1015 CJ", "NL", ""),
    ("fr-FR", "fr", "Paris", "", "75004", "FR", ""),
    ("ja-JP", "ja", "Shibuya-ku", "13", "150-0002", "JP", ""),
    ("ru-RU", "ru", "Moskva", "MOW", "125009", "RU", "7707083893"),
    ("uk-UA", "uk", "Kyiv", "", "01001", "UA", "14360570"),
    ("en-CA", "en", "Toronto", "ON", "M5J 2J2", "CA", ""),
    (
        "pt-BR",
        "pt",
        "Sao Paulo",
        "SP",
        "01310-100",
        "BR",
        "11.222.333/0001-81",
    ),
];

/// Small deterministic generator (xorshift64*), so runs are reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

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
    writeln!(out, "{HEADER}")?;
    for i in 0..rows {
        let (culture, language, city, state, postal, country, reg) =
            TEMPLATES[(i % TEMPLATES.len() as u64) as usize];
        let broken = invalid_percent > 0 && rng.next() % 100 < invalid_percent;
        let postal = if broken { "X" } else { postal };
        writeln!(
            out,
            "CRM-{i:08},Customer {i} Ltd,cust{i:08},billing{i}@customer{i}.example,{culture},{language},Ann,Lee,+1 425 555 0100,{n} Main Street,,{city},{state},{postal},{country},{reg}",
            n = i % 997 + 1
        )?;
    }
    out.flush()
}
