//! The generated customer rows, shared by `gen_customers` and `benches/row-cost/row_cost.rs`.

use std::io::{self, Write};

pub const HEADER: &str = "external_id,company_name,domain,email,culture,language,first_name,last_name,phone_number,address_line1,address_line2,city,state,postal_code,country,registration_number";

/// (culture, language, city, state, postal_code, country, registration_number)
pub const TEMPLATES: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
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
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Write the header and `rows` rows; with `invalid_percent > 0`, that share
/// of rows (chosen by `rng`) gets an impossible postal code.
pub fn write_rows(
    out: &mut impl Write,
    rows: u64,
    invalid_percent: u64,
    rng: &mut Rng,
) -> io::Result<()> {
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
    Ok(())
}
