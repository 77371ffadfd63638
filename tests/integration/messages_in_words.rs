//! Messages that say what to type: no raw regex, the
//! expected shape in words with an example, the zeros Excel dropped from a
//! number, no country format claimed for the generic rule, and suggestions
//! for a province typed in Chinese that share its characters.

use std::path::Path;

use serde_json::Value;

use crate::support::*;

const HEADER: &str = "company_name,domain,email,culture,language,first_name,last_name,phone_number,address_line1,city,state,postal_code,country,registration_number";

/// The problems' messages of each row of `rows`, checked offline.
fn messages(dir: &Path, rows: &[&str]) -> Vec<String> {
    let input = dir.join("in.csv");
    std::fs::write(&input, format!("{HEADER}\n{}\n", rows.join("\n"))).unwrap();
    let out = run_plain(&["validate", input.to_str().unwrap(), "--json"]);
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|row| row["error"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn messages_say_the_shape_in_words_name_dropped_zeros_and_never_quote_a_regex() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        "Contoso Ltda,brazil1,ap@br.example,pt-BR,pt,Ana,Lima,+55 11 5555 0100,Av Paulista 1,São Paulo,SP,01310-100,BR,4252011000110",
        "Contoso LLC,emirates1,ap@ae.example,en-US,en,Ann,Lee,+971 4 555 0100,1 Main St,Dubai,DU,,AE,12",
        "Contoso Inc,boston1,ap@us.example,en-US,en,Ann,Lee,,1 Main St,Boston,MA,2134,US,",
        "Contoso Inc,hoboken1,ap@us2.example,en-US,en,Ann,Lee,,1 Main St,Hoboken,NJ,7030,US,",
        "Contoso AS,oslo1,ap@no.example,nb-NO,nb,Ola,Nordmann,,Karl Johans gate 1,Oslo,,800,NO,",
    ];
    let m = messages(dir.path(), &rows);
    for message in &m {
        assert!(
            !message.contains('^') && !message.contains("\\d"),
            "no regex: {message}"
        );
    }
    assert!(m[0].starts_with("registration_number \"4252011000110\" does not have the BR format: 14 characters written NN.NNN.NNN/NNNN-NN"), "{}", m[0]);
    assert!(
        m[0].contains("e.g. 11.222.333/0001-81; if it began with 0, Excel dropped it"),
        "{}",
        m[0]
    );
    assert!(m[0].ends_with("type 04252011000110"), "{}", m[0]);
    assert!(
        !m[1].contains("the AE format"),
        "the generic rule: {}",
        m[1]
    );
    assert!(m[1].contains("5 to 50 letters, digits"), "{}", m[1]);
    assert!(m[2].ends_with("type 02134"), "{}", m[2]);
    assert!(m[3].ends_with("type 07030"), "{}", m[3]);
    assert!(m[4].ends_with("type 0800"), "{}", m[4]);
}

#[test]
fn a_chinese_province_typed_in_chinese_is_suggested_by_its_characters() {
    let dir = tempfile::tempdir().unwrap();
    let row = |state: &str| {
        format!(
            "Contoso,cn{},ap@cn.example,zh-CN,zh,Wei,Wang,,1 Road,Beijing,{state},100000,CN,",
            state.len()
        )
    };
    let (typo, city) = (row("北京省"), row("广州"));
    let m = messages(dir.path(), &[&typo, &city]);
    assert!(
        m[0].ends_with("did you mean \"北京市\" (CN-BJ)?"),
        "{}",
        m[0]
    );
    assert!(!m[1].contains("did you mean"), "广州 is a city: {}", m[1]);
}
