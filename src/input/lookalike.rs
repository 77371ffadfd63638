//! Headers that almost name a known column: `State/Province`, `Zip/Postal
//! Code`, `Postleitzahl`, `Code postal`, `郵便番号`. Such a column is not
//! read as the field (a guess could take the wrong column); the commands
//! warn once per column, naming the field, the rename and the config file's
//! `[columns]` line that maps it as it is ([`Lookalike::advice`]), and a
//! missing required column names its look-alike.
//!
//! A header looks like a field when, folded ([`fold`]: case, accents,
//! width, spaces and punctuation ignored), it is one of the field's
//! synonyms ([`SYNONYMS`]: the headers of other tools and of the languages
//! of the country data's locales), or close to one of its accepted
//! spellings by edit distance ([`similarity`]).

use std::collections::HashMap;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::validate::{Field, normalize_header};

/// Header words of other tools and other languages, per field, folded
/// ([`fold`]) when compared. A field's canonical name and aliases are
/// mapped silently and need no entry here.
#[rustfmt::skip]
const SYNONYMS: &[(Field, &[&str])] = &[
    (Field::ExternalId, &["customer number", "account number", "crm key", "kundennummer"]),
    (Field::CompanyName, &["organization", "organisation", "organization name", "customer name",
        "account name", "business name", "legal name", "firma", "firmenname", "unternehmen",
        "raison sociale", "societe", "entreprise", "empresa", "nombre de la empresa",
        "razon social", "razao social", "ragione sociale", "azienda", "bedrijfsnaam", "bedrijf",
        "nazwa firmy", "cegnev", "компания", "название компании", "организация", "会社名", "企業名",
        "公司名称", "公司"]),
    (Field::Domain, &["tenant domain", "onmicrosoft domain", "domain name", "domain prefix name"]),
    (Field::Email, &["mail", "e mail address", "courriel", "correo", "correo electronico",
        "posta elettronica", "e mailadres", "электронная почта", "почта", "メールアドレス", "メール",
        "电子邮件", "邮箱"]),
    (Field::Culture, &["locale", "gebietsschema", "langue region"]),
    (Field::Language, &["sprache", "langue", "idioma", "lingua", "taal", "jezyk", "язык", "言語",
        "语言"]),
    (Field::FirstName, &["given name", "forename", "vorname", "prenom", "nombre", "nome",
        "voornaam", "imie", "keresztnev", "имя", "名", "名前"]),
    (Field::LastName, &["surname", "family name", "nachname", "familienname", "nom",
        "nom de famille", "apellido", "apellidos", "cognome", "sobrenome", "achternaam",
        "nazwisko", "vezeteknev", "фамилия", "姓", "氏名", "姓氏"]),
    (Field::PhoneNumber, &["telephone", "tel", "mobile", "telefon", "telefonnummer",
        "telephone number", "numero de telephone", "telefono", "telefone", "telefoon",
        "telefoonnummer", "телефон", "電話番号", "电话", "电话号码"]),
    (Field::AddressLine1, &["address", "street", "street address", "address 1", "strasse",
        "anschrift", "adresse", "rue", "direccion", "calle", "indirizzo", "endereco", "rua",
        "adres", "straat", "ulica", "utca", "адрес", "улица", "住所", "地址"]),
    (Field::AddressLine2, &["address 2", "adresszusatz", "complement d adresse"]),
    (Field::AddressLine3, &["address 3"]),
    (Field::City, &["town", "locality", "ort", "stadt", "ville", "ciudad", "localidad", "citta",
        "comune", "cidade", "municipio", "plaats", "woonplaats", "miasto", "varos", "город",
        "市区町村", "市", "城市"]),
    (Field::State, &["province", "state province", "state or province", "region", "state region",
        "prefecture", "bundesland", "kanton", "departement", "provincia", "estado", "regione",
        "provincie", "wojewodztwo", "megye", "область", "регион", "都道府県", "省", "省份"]),
    (Field::PostalCode, &["zip postal code", "postal code zip", "post code", "postal",
        "postleitzahl", "plz", "code postal", "cp", "codigo postal", "cap", "codice postale",
        "cep", "kod pocztowy", "iranyitoszam", "индекс", "почтовый индекс", "郵便番号", "邮编", "邮政编码"]),
    (Field::Country, &["country region", "country code", "nation", "staat", "pays", "pais",
        "paese", "nazione", "kraj", "orszag", "страна", "国", "国家"]),
    (Field::RegistrationNumber, &["company registration number", "tax id", "tin", "cnpj", "nip",
        "adoszam", "edrpou", "инн", "огрн"]),
    (Field::AssociatedPartnerId, &["reseller id", "reseller tenant id", "indirect reseller"]),
];

/// A column whose header looks like a known field's, while the file has
/// no column for that field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lookalike {
    /// Zero-based column.
    pub(crate) column: usize,
    /// The header as written.
    pub(crate) header: String,
    /// The field it looks like.
    pub(crate) field: Field,
}

impl Lookalike {
    /// What to do, in words the user can paste: rename the column, or the
    /// config file's `[columns]` line that maps it as it is.
    pub(crate) fn advice(&self) -> String {
        format!(
            "column `{}` looks like `{}` but is not read as it: rename the header to `{}`, or \
             map it under [columns] in the config file (--config): {}",
            self.header,
            self.field,
            self.field,
            columns_line(self.field, &self.header)
        )
    }
}

/// `postal_code = "Zip/Postal Code"`: the line of the config file's
/// `[columns]` table that maps `header` to `field` (a TOML basic string).
pub(crate) fn columns_line(field: Field, header: &str) -> String {
    let quoted: String = header
        .chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            c if c.is_control() => format!("\\u{:04X}", u32::from(c)).chars().collect(),
            c => vec![c],
        })
        .collect();
    format!("{field} = \"{quoted}\"")
}

/// The field `header` looks like, or `None` for a header that is plainly
/// something else: a synonym, a misspelling (at most a quarter of its
/// letters edited), or a header containing a spelling of 5 letters or more.
/// Stricter than [`score_for`]: this warns about a column nothing asked for.
pub(crate) fn looks_like(header: &str) -> Option<Field> {
    let folded = fold(header);
    if folded.is_empty() {
        return None;
    }
    if let Some(field) = synonym(&folded) {
        return Some(field);
    }
    let mut best: Option<(Field, f64)> = None;
    for field in Field::ALL {
        let score = spellings(field)
            .iter()
            .filter_map(|spelling| misspelling(&folded, spelling))
            .reduce(f64::max);
        if let Some(score) = score
            && best.is_none_or(|(_, s)| score > s)
        {
            best = Some((field, score));
        }
    }
    best.map(|(field, _)| field)
}

/// How much `header` looks like `field` (1.0 for a synonym; else the
/// [`similarity`] to its closest spelling), if at all: for naming the
/// column that a missing required field may be in.
pub(crate) fn score_for(field: Field, header: &Folded) -> Option<f64> {
    let folded = header.0.as_str();
    if folded.is_empty() {
        return None;
    }
    if synonym(folded) == Some(field) {
        return Some(1.0);
    }
    spellings(field)
        .iter()
        .filter_map(|spelling| similarity(folded, spelling))
        .reduce(f64::max)
}

/// A header folded once ([`fold`]), for comparing it with every field.
pub(crate) struct Folded(String);

impl Folded {
    pub(crate) fn new(header: &str) -> Folded {
        Folded(fold(header))
    }
}

/// The field's canonical name and aliases, normalized: computed once.
fn spellings(field: Field) -> &'static [String] {
    static SPELLINGS: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| {
        Field::ALL
            .into_iter()
            .map(|field| {
                std::iter::once(normalize_header(field.name()))
                    .chain(field.aliases().iter().map(|a| (*a).to_owned()))
                    .collect()
            })
            .collect()
    });
    &SPELLINGS[field.index()]
}

/// `candidate` as a misspelling of `spelling` (both folded): at most a
/// quarter of the longer one's letters edited (transpositions count once),
/// or containing a spelling of 5 letters or more. Scored by closeness.
fn misspelling(candidate: &str, spelling: &str) -> Option<f64> {
    let len = candidate.chars().count().max(spelling.chars().count());
    let edits = strsim::osa_distance(candidate, spelling);
    if edits * 4 <= len {
        return Some(1.0 - edits as f64 / len as f64);
    }
    (spelling.chars().count() >= 5 && candidate.contains(spelling)).then_some(0.5)
}

/// The field whose synonym `folded` is: the synonyms are folded once, into
/// one map (the first field listing a word keeps it).
fn synonym(folded: &str) -> Option<Field> {
    static FOLDED: LazyLock<HashMap<String, Field>> = LazyLock::new(|| {
        let mut map = HashMap::new();
        for (field, words) in SYNONYMS {
            for word in *words {
                map.entry(fold(word)).or_insert(*field);
            }
        }
        map
    });
    FOLDED.get(folded).copied()
}

/// How close `candidate` is to `spelling` (both folded), if close at all:
/// a few edits away (1 for names up to 4 letters, 2 up to 8, else 3;
/// transpositions count once), a Jaro-Winkler similarity of at least 0.88
/// (5 letters or more), or containing the spelling (spellings of 5+
/// letters: `EmailAddress`). The score is the Jaro-Winkler similarity.
pub(crate) fn similarity(candidate: &str, spelling: &str) -> Option<f64> {
    let jaro_winkler = strsim::jaro_winkler(candidate, spelling);
    let len = candidate.chars().count().max(spelling.chars().count());
    let allowed_edits = match len {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    let close = strsim::osa_distance(candidate, spelling) <= allowed_edits
        || (jaro_winkler >= 0.88 && len >= 5)
        || (spelling.len() >= 5 && candidate.contains(spelling));
    close.then_some(jaro_winkler)
}

/// A header's comparison key for look-alikes: compatibility-decomposed,
/// accents dropped, lower case, `ß` as `ss`, and only letters and digits
/// kept (`Zip/Postal Code` → `zippostalcode`, `Straße` → `strasse`,
/// `Código postal` → `codigopostal`).
pub(crate) fn fold(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| match c {
            'ß' => "ss".chars().collect::<Vec<_>>(),
            c => vec![c],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(header: &str) -> Option<Field> {
        looks_like(header)
    }

    #[test]
    fn headers_of_other_tools_and_languages_look_like_their_field() {
        let cases = [
            ("State/Province", Field::State),
            ("Province", Field::State),
            ("Zip/Postal Code", Field::PostalCode),
            ("Postleitzahl", Field::PostalCode),
            ("PLZ", Field::PostalCode),
            ("Code postal", Field::PostalCode),
            ("Código Postal", Field::PostalCode),
            ("郵便番号", Field::PostalCode),
            ("Straße", Field::AddressLine1),
            ("Strasse", Field::AddressLine1),
            ("Ort", Field::City),
            ("Ville", Field::City),
            ("Ciudad", Field::City),
            ("Woonplaats", Field::City),
            ("都道府県", Field::State),
            ("Pays", Field::Country),
            ("Country/Region", Field::Country),
            ("Vorname", Field::FirstName),
            ("Nachname", Field::LastName),
            ("Firmenname", Field::CompanyName),
            ("E-Mail-Adresse", Field::Email),
            ("Telefon", Field::PhoneNumber),
            ("ИНН", Field::RegistrationNumber),
            ("Compnay Name", Field::CompanyName),
            ("Adress Line 1", Field::AddressLine1),
        ];
        for (header, expected) in cases {
            assert_eq!(field(header), Some(expected), "{header}");
        }
    }

    #[test]
    fn plainly_unrelated_headers_look_like_nothing() {
        for header in [
            "account_manager",
            "notes",
            "signed_on",
            "Sales Rep",
            "Industry",
            "Seats",
            "Comment",
            "Priority",
            "",
            "---",
        ] {
            assert_eq!(field(header), None, "{header}");
        }
    }

    #[test]
    fn every_synonym_is_a_header_that_no_field_already_accepts() {
        for (f, words) in SYNONYMS {
            for word in *words {
                let key = normalize_header(word);
                assert_eq!(Field::from_normalized_header(&key), None, "{f}: {word}");
                assert!(!fold(word).is_empty(), "{word}");
            }
        }
        let mut seen = std::collections::HashSet::new();
        for (_, words) in SYNONYMS {
            for word in *words {
                assert!(seen.insert(fold(word)), "{word} twice");
            }
        }
    }

    #[test]
    fn the_advice_names_the_rename_and_the_config_line() {
        let lookalike = Lookalike {
            column: 3,
            header: "Zip/Postal Code".to_owned(),
            field: Field::PostalCode,
        };
        assert_eq!(
            lookalike.advice(),
            "column `Zip/Postal Code` looks like `postal_code` but is not read as it: rename the \
             header to `postal_code`, or map it under [columns] in the config file (--config): \
             postal_code = \"Zip/Postal Code\""
        );
        assert_eq!(columns_line(Field::City, "a\"b\\c"), r#"city = "a\"b\\c""#);
    }
}
