//! What `--resume` says: in the user's terms, rows
//! finished and kept, rows sent again and why, never bytes; and after
//! Ctrl-C one next command.

use crate::support::*;

/// The results of a finished run of 10 rows, made to look like a run
/// stopped part-way: row 7 never started (`cancelled`), rows 8 to 10
/// finished after it (written in order, behind it), and the last line cut
/// short as a kill leaves it.
fn stopped_results(results: &std::path::Path) {
    let text = std::fs::read_to_string(results).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let status = header.iter().position(|h| *h == "status").unwrap();
    let mut cells: Vec<String> = lines[6].split(',').map(str::to_owned).collect();
    for cell in cells.iter_mut().skip(status) {
        cell.clear();
    }
    cells[status] = "cancelled".to_owned();
    lines[6] = cells.join(",");
    let last = lines.pop().unwrap();
    let mut cut = lines.join("\n");
    cut.push('\n');
    cut.push_str(&last[..last.len() / 2]);
    std::fs::write(results, cut).unwrap();
}

#[tokio::test]
async fn resume_says_what_it_kept_and_what_it_sends_again_and_creates_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    write_customers(&input, 10, "wording");
    let results = dir.path().join("results.csv");
    let sb = sandbox(quiet()).await;
    let out = run_against(&sb, &run_args(&input, &results, &[])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    stopped_results(&results);
    let out = run_against(&sb, &run_args(&input, &results, &["--resume"])).await;
    assert_eq!(code(&out), 0, "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "resumed: 5 rows finished before the stop were kept; 3 rows were being sent when the \
             run stopped and finished after a row it never started: sent again with the same \
             request IDs, so none is created twice; the last row was being written when the run \
             stopped: done again"
        ),
        "{err}"
    );
    assert!(!err.contains("bytes"), "{err}");
    let r = Results::read(&results);
    assert_eq!(r.count("created"), 10);
    assert_eq!(sb.state().customers().len(), 10, "none created twice");
}
