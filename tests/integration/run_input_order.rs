//! With one call slot (`--concurrency 1`), rows start in input order:
//! the customers are created in the order of the rows, every time. (Seen
//! in 2 runs of 8 before the driver polled the rows itself: row 1 sent
//! 14th or 15th.)

use crate::support::*;

#[tokio::test]
async fn with_one_call_slot_rows_are_created_in_input_order_every_time() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..8 {
        let tag = format!("order{round}x");
        let input = dir.path().join(format!("{tag}.csv"));
        let results = dir.path().join(format!("{tag}-results.csv"));
        write_customers(&input, 30, &tag);
        let sb = sandbox(slow(2)).await;
        let args = run_args(&input, &results, &["--concurrency", "1", "--rate", "60000"]);
        let out = run_against(&sb, &args).await;
        assert_eq!(code(&out), 0, "{}", text(&out));
        let created: Vec<String> = sb
            .state()
            .customers()
            .iter()
            .map(|c| c.company_profile.domain.clone())
            .collect();
        let expected: Vec<String> = (0..30)
            .map(|i| format!("{tag}cust{i}.onmicrosoft.com"))
            .collect();
        assert_eq!(created, expected, "round {round}");
    }
}
