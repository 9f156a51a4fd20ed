//! `--all`'s tally: the summary line's wording, and pages counted as a real client fetches
//! them from a synthetic server that caps pages (`api_tests::capped`), not estimated.

use std::time::Duration;

use helpdesk_cli_support::stream::{count, duration, write_rows, Tally};

#[test]
fn the_summary_line_says_rows_pages_and_time_in_whole_words() {
    let tally = |rows, pages, millis| Tally {
        rows,
        pages,
        elapsed: Duration::from_millis(millis),
    };
    assert_eq!(
        tally(1234, Some(13), 4_210).to_string(),
        "1,234 rows in 13 pages, 4.2 s"
    );
    assert_eq!(tally(1, Some(1), 300).to_string(), "1 row in 1 page, 0.3 s");
    assert_eq!(tally(0, Some(1), 40).to_string(), "0 rows in 1 page, 0.0 s");
    assert_eq!(tally(7, None, 1_000).to_string(), "7 rows, 1.0 s");
    assert_eq!(count(1_000_000, "row", "rows"), "1,000,000 rows");
    assert_eq!(duration(Duration::from_secs(125)), "2 min 05 s");
    assert_eq!(duration(Duration::from_secs(3_725)), "1 h 02 min");
}

#[test]
fn pages_are_the_requests_the_stream_sent() {
    const ROWS: usize = 10;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(api_tests::capped::liveagent_conversations(ROWS));
    let client = liveagent::ClientBuilder::new(server.uri(), liveagent::ApiKey::new("k"))
        .rate_limit(None)
        .build()
        .unwrap();
    let mut written = 0;
    let (tally, result) = rt.block_on(write_rows(
        client.list_conversations().limit(5).stream(),
        &indicatif::ProgressBar::hidden(),
        |_| written += 1,
    ));
    result.unwrap();
    assert_eq!(written, ROWS);
    // Pages of at most 3 rows, then the empty page that ends the stream.
    assert_eq!(server.queries().len(), 5);
    assert_eq!((tally.rows, tally.pages), (10, Some(5)));
    assert!(
        tally.to_string().starts_with("10 rows in 5 pages, "),
        "{tally}"
    );
}
