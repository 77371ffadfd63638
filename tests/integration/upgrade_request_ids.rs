//! Upgrading across a change of the create body (README, "Upgrading"):
//! since `enableGDAPByDefault` is in every body, every row's request id is
//! new. Rows already `created`/`exists` are copied and never sent again; a
//! row an earlier attempt left `failed` is sent under its new id, and the
//! customer that attempt created is found by domain: `created`, not
//! `exists`.

use crate::support::*;

#[tokio::test]
async fn a_row_an_older_body_left_failed_is_sent_under_its_new_id_and_found_created() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 2, "upgrade");
    let sb = sandbox(quiet()).await;
    // The first run's bodies differ from the next run's, as an older
    // version's did (there: no enableGDAPByDefault at all).
    let first = dir.path().join("first.csv");
    let args = run_args(&input, &first, &["--default-gdap", "off"]);
    let out = run_against(&sb, &args).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let created = Results::read(&first);
    // Its answer for the first row was lost: `failed` after one attempt.
    let older = dir.path().join("older.csv");
    let mut w = csv::Writer::from_path(&older).unwrap();
    w.write_record(&created.header).unwrap();
    for (i, row) in created.rows.iter().enumerate() {
        let mut row = row.clone();
        if i == 0 {
            for name in ["customer_id", "tenant_id", "commerce_id", "admin_user"] {
                row[created.col(name)].clear();
            }
            row[created.col("status")] = "failed".to_owned();
            row[created.col("error")] = "Service Unavailable".to_owned();
        }
        w.write_record(&row).unwrap();
    }
    w.flush().unwrap();
    let again = dir.path().join("again.csv");
    let before = sb.state().stats();
    let out = run_against(&sb, &run_args(&older, &again, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let r = Results::read(&again);
    assert_eq!(r.column("status"), ["created", "created"]);
    assert_eq!(
        r.column("customer_id"),
        created.column("customer_id"),
        "the same customers"
    );
    let ids = r.column("request_id");
    assert_ne!(
        ids[0],
        created.column("request_id")[0],
        "sent under its new id"
    );
    assert_eq!(r.column("attempts")[0], "1");
    assert_eq!(r.column("error")[0], "");
    assert_eq!(
        r.column("default_gdap_sent"),
        ["", "off"],
        "what the creating attempt asked is not known; the copied row keeps its own"
    );
    let after = sb.state().stats();
    assert_eq!(
        after.customers_created, before.customers_created,
        "nothing created twice"
    );
    assert_eq!(
        after.calls_to("POST /v1/customers") - before.calls_to("POST /v1/customers"),
        1,
        "the created row is copied, never sent again"
    );
    assert_eq!(after.domain_conflicts - before.domain_conflicts, 1);
}
