//! Tests of [`check`] per country class and rule.

use proptest::prelude::*;

use super::*;

/// A valid US row.
fn us_row() -> CustomerFields<'static> {
    CustomerFields::new()
        .with(Field::ExternalId, "CRM-1")
        .with(Field::CompanyName, "Contoso Ltd")
        .with(Field::Domain, "Contoso")
        .with(Field::Email, "ap@contoso.example")
        .with(Field::Culture, "EN-US")
        .with(Field::Language, "En")
        .with(Field::FirstName, "Ann")
        .with(Field::LastName, "Lee")
        .with(Field::PhoneNumber, "+1 425 555 0100")
        .with(Field::AddressLine1, "1 Main St")
        .with(Field::City, "Redmond")
        .with(Field::State, "Washington")
        .with(Field::PostalCode, "98052")
        .with(Field::Country, "US")
}

/// A row in `country` with the given state, postal code, registration number
/// and phone; everything else valid.
fn row(
    country: &'static str,
    state: &'static str,
    postal: &'static str,
    registration: &'static str,
    phone: &'static str,
) -> CustomerFields<'static> {
    us_row()
        .with(Field::Country, country)
        .with(Field::State, state)
        .with(Field::PostalCode, postal)
        .with(Field::RegistrationNumber, registration)
        .with(Field::PhoneNumber, phone)
}

fn problems(fields: CustomerFields<'_>) -> Vec<Problem> {
    check(&fields).expect_err("row should be invalid")
}

fn kinds(fields: CustomerFields<'_>) -> Vec<(Field, ProblemKind)> {
    problems(fields).iter().map(|p| (p.field, p.kind)).collect()
}

fn messages(fields: CustomerFields<'_>) -> Vec<String> {
    problems(fields).into_iter().map(|p| p.message).collect()
}

#[test]
fn accepts_a_us_row_with_state_and_zip() {
    let c = check(&us_row()).unwrap();
    assert_eq!(c.external_id.as_deref(), Some("CRM-1"));
    assert_eq!(c.domain.as_str(), "contoso.onmicrosoft.com");
    assert_eq!(c.culture.as_str(), "en-US");
    assert_eq!(c.language.as_str(), "en");
    assert_eq!(c.address.state.as_ref().map(State::as_str), Some("WA"));
    assert_eq!(
        c.address.postal_code.as_ref().map(PostalCode::as_str),
        Some("98052")
    );
    assert_eq!(c.address.country.as_str(), "US");
    assert_eq!(c.address.address_line2, "");
    assert_eq!(c.registration_number, None);
    assert_eq!(c.associated_partner_id, None);
}

#[test]
fn us_rows_need_state_and_a_valid_zip() {
    let m = messages(
        us_row()
            .with(Field::State, "")
            .with(Field::PostalCode, "98X5"),
    );
    assert_eq!(
        m,
        [
            "state is required in US",
            "postal_code \"98X5\" does not match the US format (e.g. 95014, 22162-1010)",
        ]
    );
    assert_eq!(
        kinds(us_row().with(Field::PostalCode, "")),
        [(Field::PostalCode, ProblemKind::Missing)]
    );
}

#[test]
fn gb_needs_a_postcode_but_no_state() {
    let c = check(&row("GB", "", "sw1a 1aa", "", "")).unwrap();
    assert_eq!(c.address.postal_code.unwrap().as_str(), "SW1A 1AA");
    assert_eq!(c.address.state, None);
    assert_eq!(
        kinds(row("GB", "", "", "", "")),
        [(Field::PostalCode, ProblemKind::Missing)]
    );
}

#[test]
fn de_and_nl_need_city_and_postal_code_and_take_any_state() {
    assert!(check(&row("DE", "Bayern", "80331", "", "")).is_ok());
    assert!(check(&row("NL", "", "1234 AB", "", "")).is_ok());
    assert_eq!(
        kinds(row("DE", "", "8033", "", "").with(Field::City, "")),
        [
            (Field::City, ProblemKind::Missing),
            (Field::PostalCode, ProblemKind::Invalid)
        ]
    );
}

#[test]
fn jp_needs_a_prefecture_and_postal_code_but_no_city() {
    let c = check(&row("JP", "JP-13", "154-0023", "", "").with(Field::City, "")).unwrap();
    assert_eq!(c.address.state.unwrap().as_str(), "13");
    assert_eq!(
        kinds(row("JP", "", "", "", "").with(Field::City, "")),
        [
            (Field::State, ProblemKind::Missing),
            (Field::PostalCode, ProblemKind::Missing)
        ]
    );
}

#[test]
fn full_width_values_are_validated_and_sent_in_nfkc() {
    let fields = row("JP", "東京都", "１５４-００２３", "", "")
        .with(Field::CompanyName, "Ｃｏｎｔｏｓｏ株式会社")
        .with(Field::City, "ｼﾌﾞﾔ")
        .with(Field::Email, "ａｐ＠ｃｏｎｔｏｓｏ.example");
    let c = check(&fields).unwrap();
    assert_eq!(c.address.postal_code.unwrap().as_str(), "154-0023");
    assert_eq!(c.address.state.unwrap().as_str(), "13");
    assert_eq!(c.company_name, "Contoso株式会社");
    assert_eq!(c.address.city, "シブヤ");
    assert_eq!(c.email.as_str(), "ap@contoso.example");
}

#[test]
fn messages_quote_values_as_typed() {
    let m = messages(row("JP", "Ｔｏｋｉｏ", "１２３", "", ""));
    assert_eq!(
        m,
        [
            "state \"Ｔｏｋｉｏ\" is not a known JP subdivision: did you mean \"Tokyo\" (JP-13)?",
            "postal_code \"１２３\" does not match the JP format (e.g. 154-0023, 350-1106)",
        ]
    );
}

#[test]
fn postal_code_and_state_must_agree_where_the_data_has_prefixes() {
    assert_eq!(
        messages(row("US", "AL", "95014", "", "")),
        [
            "postal_code \"95014\" is not a postal code of AL (Alabama): its postal codes start with 35 or 36"
        ]
    );
    assert!(check(&row("US", "Alabama", "35004", "", "")).is_ok());
    assert!(check(&row("CA", "Québec", "H2X 1Y4", "", "")).is_ok());
    assert_eq!(
        kinds(row("CA", "QC", "M5J 2J2", "", "")),
        [(Field::PostalCode, ProblemKind::Invalid)]
    );
}

#[test]
fn postal_codes_in_the_wrong_format_are_not_also_checked_against_the_state() {
    assert_eq!(
        messages(row("US", "AL", "9501", "", "")),
        ["postal_code \"9501\" does not match the US format (e.g. 95014, 22162-1010)"]
    );
}

#[test]
fn ie_has_no_require_so_city_is_needed_and_postal_code_optional() {
    assert!(check(&row("IE", "", "", "", "")).is_ok());
    assert!(check(&row("IE", "Co. Dublin", "D02 X285", "", "")).is_ok());
    assert_eq!(
        kinds(row("IE", "", "", "", "").with(Field::City, "")),
        [(Field::City, ProblemKind::Missing)]
    );
    assert_eq!(
        kinds(row("IE", "Dublin", "", "", "")),
        [(Field::State, ProblemKind::Invalid)]
    );
}

#[test]
fn countries_without_a_zip_pattern_accept_any_postal_code() {
    let c = check(&row("AG", "", "anything 1", "", "").with(Field::City, "")).unwrap();
    assert_eq!(c.address.postal_code.unwrap().as_str(), "ANYTHING 1");
}

#[test]
fn ru_needs_registration_number_and_phone() {
    let c = check(&row(
        "RU",
        "Москва",
        "103375",
        "7707083893",
        "+7 495 123-45-67",
    ))
    .unwrap();
    assert_eq!(c.registration_number.unwrap().as_str(), "7707083893");
    assert_eq!(c.address.state.unwrap().as_str(), "MOW");
    assert_eq!(
        kinds(row("RU", "MOW", "103375", "", "")),
        [
            (Field::PhoneNumber, ProblemKind::PhoneMissing),
            (Field::RegistrationNumber, ProblemKind::RegistrationMissing),
        ]
    );
}

#[test]
fn registration_format_problem_says_the_format_in_words() {
    let p = problems(row("RU", "MOW", "103375", "123", "+7 495 1234567"));
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].kind, ProblemKind::RegistrationFormat);
    assert_eq!(p[0].kind.code(), "600050");
    assert_eq!(
        p[0].message,
        "registration_number \"123\" does not have the RU format: 10 digits (an organisation) or 12 (an individual entrepreneur), e.g. 7707083893"
    );
}

#[test]
fn ua_and_hu_take_registration_numbers() {
    assert!(check(&row("UA", "", "01001", "12345678", "+380 44 123 4567")).is_ok());
    assert!(check(&row("HU", "", "1037", "12345678-2-42", "+36 1 234 5678")).is_ok());
    assert_eq!(
        kinds(row("UA", "", "01001", "1234567", "+380 44 123 4567")),
        [(Field::RegistrationNumber, ProblemKind::RegistrationFormat)]
    );
    assert_eq!(
        kinds(row("HU", "", "1037", "", "+36 1 234 5678")),
        [(Field::RegistrationNumber, ProblemKind::RegistrationMissing)]
    );
}

#[test]
fn br_from_the_newer_list_needs_registration_number() {
    let ok = row(
        "BR",
        "SP",
        "01310-100",
        "11.222.333/0001-81",
        "+55 11 1234 5678",
    );
    assert!(check(&ok).is_ok());
    let m = messages(row("BR", "SP", "01310-100", "", ""));
    assert_eq!(m.len(), 2);
    assert!(
        m[1].starts_with("registration_number is required in BR: CNPJ"),
        "{}",
        m[1]
    );
}

#[test]
fn registration_number_must_be_empty_elsewhere() {
    let p = problems(us_row().with(Field::RegistrationNumber, "123456"));
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].kind, ProblemKind::RegistrationNotAllowed);
    assert_eq!(p[0].kind.code(), "600002");
    assert!(
        p[0].message
            .starts_with("registration_number \"123456\" must be empty for US")
    );
}

#[test]
fn rejects_uk_and_suggests_gb() {
    let p = problems(row("UK", "", "SW1A 1AA", "", ""));
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].kind, ProblemKind::Invalid);
    assert_eq!(
        p[0].message,
        "country \"UK\" is not an ISO 3166 code: use GB"
    );
}

#[test]
fn zz_and_unknown_countries_are_unsupported() {
    for code in ["ZZ", "XX"] {
        let p = problems(row(code, "", "", "", ""));
        assert_eq!(p.len(), 1, "{code}");
        assert_eq!(p[0].kind, ProblemKind::CountryUnsupported);
        assert_eq!(p[0].kind.code(), "20000");
        assert_eq!(
            p[0].message,
            format!("country \"{code}\" is not a supported country")
        );
    }
}

#[test]
fn a_row_with_three_problems_gives_three_messages() {
    let fields = us_row()
        .with(Field::Email, "")
        .with(Field::Domain, "con-toso")
        .with(Field::Country, "UK");
    let m = messages(fields);
    assert_eq!(m.len(), 3, "{m:?}");
    assert_eq!(
        m[0],
        "domain \"con-toso\" may only contain letters a-z and digits before .onmicrosoft.com"
    );
    assert_eq!(m[1], "email is required");
    assert_eq!(m[2], "country \"UK\" is not an ISO 3166 code: use GB");
}

#[test]
fn an_empty_row_reports_every_required_column() {
    let p = problems(CustomerFields::new());
    let fields: Vec<Field> = p.iter().map(|p| p.field).collect();
    assert_eq!(
        fields,
        [
            Field::CompanyName,
            Field::Domain,
            Field::Email,
            Field::Culture,
            Field::Language,
            Field::FirstName,
            Field::LastName,
            Field::AddressLine1,
            Field::Country,
        ]
    );
    assert!(p.iter().all(|p| p.kind == ProblemKind::Missing));
    assert_eq!(p[0].message, "company_name is required");
}

#[test]
fn names_and_address_lines_are_bounded_in_characters() {
    let name = "é".repeat(50);
    let long_name = "é".repeat(51);
    let line = "x".repeat(200);
    let long_line = "x".repeat(201);
    let ok = us_row()
        .with(Field::FirstName, &name)
        .with(Field::AddressLine1, &line)
        .with(Field::AddressLine3, &line);
    assert!(check(&ok).is_ok());
    let bad = us_row()
        .with(Field::LastName, &long_name)
        .with(Field::AddressLine2, &long_line);
    let m = messages(bad);
    assert_eq!(m.len(), 2);
    assert!(m[0].starts_with("last_name \"éééé"), "{}", m[0]);
    assert!(
        m[0].ends_with("is too long: 51 characters, at most 50"),
        "{}",
        m[0]
    );
    assert!(
        m[1].ends_with("is too long: 201 characters, at most 200"),
        "{}",
        m[1]
    );
}

#[test]
fn phone_is_checked_when_given() {
    assert_eq!(
        kinds(us_row().with(Field::PhoneNumber, "call me")),
        [(Field::PhoneNumber, ProblemKind::Invalid)]
    );
    assert!(check(&us_row().with(Field::PhoneNumber, "")).is_ok());
}

#[test]
fn associated_partner_id_must_be_a_guid() {
    let id = "484E548C-F5F3-4528-93A9-C16C6373CB59";
    let c = check(&us_row().with(Field::AssociatedPartnerId, id)).unwrap();
    assert_eq!(
        c.associated_partner_id.unwrap().to_string(),
        "484e548c-f5f3-4528-93a9-c16c6373cb59"
    );
    assert_eq!(
        messages(us_row().with(Field::AssociatedPartnerId, "reseller-1")),
        ["associated_partner_id \"reseller-1\" is not a GUID"]
    );
}

#[test]
fn invalid_values_are_quoted_in_messages() {
    let m = messages(
        us_row()
            .with(Field::Email, "ann at contoso")
            .with(Field::Culture, "english")
            .with(Field::Language, "eng"),
    );
    assert!(m[0].starts_with("email \"ann at contoso\" is not a valid e-mail address"));
    assert!(m[1].starts_with("culture \"english\" is not a culture like en-US"));
    assert_eq!(
        m[2],
        "language \"eng\" is not an ISO 639-1 language code (two letters, e.g. en)"
    );
}

#[test]
fn every_message_names_its_column() {
    let fields = CustomerFields::new()
        .with(Field::Domain, "a.b")
        .with(Field::Email, "x")
        .with(Field::Culture, "x")
        .with(Field::Language, "x")
        .with(Field::PhoneNumber, "x")
        .with(Field::Country, "RU")
        .with(Field::State, "x")
        .with(Field::PostalCode, "x")
        .with(Field::AssociatedPartnerId, "x");
    for p in problems(fields) {
        assert!(p.message.starts_with(p.field.name()), "{}", p.message);
    }
}

#[test]
fn external_id_is_optional() {
    let c = check(&us_row().with(Field::ExternalId, "")).unwrap();
    assert_eq!(c.external_id, None);
}

/// A value for one field: arbitrary text, or one that reaches deeper rules.
fn field_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\PC{0,300}",
        prop::sample::select(vec![
            "US",
            "RU",
            "GB",
            "JP",
            "IE",
            "BR",
            "AE",
            "ZZ",
            "UK",
            "us",
            "Москва",
            "WA",
            "98052",
            "7707083893",
            "+7 495",
            "contoso",
            "a@b.co",
            "en-US",
            "en",
            "",
        ])
        .prop_map(str::to_owned),
    ]
}

proptest! {
    #[test]
    fn check_never_panics_on_arbitrary_strings(values in prop::collection::vec(field_value(), Field::COUNT)) {
        let mut fields = CustomerFields::new();
        for (f, v) in Field::ALL.into_iter().zip(&values) {
            fields.set(f, v);
        }
        match check(&fields) {
            Ok(_) => {}
            Err(problems) => prop_assert!(!problems.is_empty()),
        }
    }
}

/// Release-mode timing sanity check:
/// `cargo test --release --lib -- --ignored check_is_fast --nocapture`.
#[test]
#[ignore = "timing; run in release mode"]
fn check_is_fast_on_a_million_rows() {
    let rows = [
        us_row(),
        row("RU", "Москва", "103375", "7707083893", "+7 495 123-45-67"),
        row("GB", "", "SW1A 1AA", "", ""),
        us_row()
            .with(Field::Email, "bad")
            .with(Field::Country, "UK"),
    ];
    for r in &rows {
        let _ = check(r);
    }
    let start = std::time::Instant::now();
    let mut ok = 0usize;
    for i in 0..1_000_000 {
        ok += usize::from(check(&rows[i % rows.len()]).is_ok());
    }
    let elapsed = start.elapsed();
    eprintln!("1,000,000 checks in {elapsed:?} ({ok} valid)");
    for (n, r) in rows.iter().enumerate() {
        let start = std::time::Instant::now();
        for _ in 0..100_000 {
            let _ = check(r);
        }
        eprintln!("row {n}: {:?} per check", start.elapsed() / 100_000);
    }
    assert!(elapsed < std::time::Duration::from_secs(1), "{elapsed:?}");
}
