//! A CRM key headed `Customer ID`, mapped in the config's `[columns]` as
//! `external_id`: its results file (which then has both `Customer ID` and
//! the result column `customer_id`) is itself a valid input again, with
//! the same config, as every results file is.

use std::path::Path;

use crate::support::*;

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[tokio::test]
async fn the_results_of_a_mapped_customer_id_column_run_again_with_the_same_config() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("crm.csv");
    let mut csv = String::from(
        "Customer ID,company_name,domain,email,culture,language,first_name,last_name,address_line1,city,state,postal_code,country\n",
    );
    for i in 0..3 {
        csv.push_str(&format!(
            "CRM-{i},Crm {i} Inc,crmkey{i},ap{i}@example.com,en-US,en,Ann,Lee,1 Main St,Redmond,WA,98052,US\n"
        ));
    }
    std::fs::write(&input, csv).unwrap();
    let config = dir.path().join("pc-onboard.toml");
    std::fs::write(&config, "[columns]\nexternal_id = \"Customer ID\"\n").unwrap();
    let (first, second) = (dir.path().join("r.csv"), dir.path().join("r2.csv"));
    let sb = sandbox(quiet()).await;
    let out = run_against(&sb, &run_args(&input, &first, &["--config", s(&config)])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let out = run_against(&sb, &run_args(&first, &second, &["--config", s(&config)])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r = Results::read(&second);
    assert_eq!(r.column("Customer ID"), ["CRM-0", "CRM-1", "CRM-2"]);
    assert_eq!(r.count("created"), 3);
    assert_eq!(
        r.column("customer_id"),
        Results::read(&first).column("customer_id")
    );
    assert_eq!(sb.state().customers().len(), 3, "nothing sent again");
    let out = run_plain(&["--config", s(&config), "validate", s(&second)]);
    assert_eq!(code(&out), 0, "{}", text(&out));
}
