//! The `liveagent` binary against the replay server, through the CLI harness
//! (`api_tests::cli`): every recording of every operation is sent through its subcommand, and
//! the exit code and output must be what the client itself gives for the same request; plus
//! the documented examples, `--all` (also against synthetic servers that cap pages below the
//! size asked for), `--envelope`, bad input (exit 2, nothing sent), secrets kept out of the
//! output, a body flag over `--json-body` (against a plain mock server, which shows what was
//! sent) and the size of `-h`.

use api_tests::capped::{self, ids};
use api_tests::cli::{self, BadInput, CommandLine};

fn liveagent() -> CommandLine {
    CommandLine::liveagent(env!("CARGO_BIN_EXE_liveagent"))
}

#[test]
fn every_recording_through_its_subcommand() {
    liveagent().assert_every_recording_replays();
}

#[test]
fn get_tag_prints_the_tag_and_envelope_the_body() {
    let server = liveagent().replay_server(None);
    let output = liveagent().run(&server.uri(), &["get-tag", "--tagid", "sh3j"]);
    assert!(output.status.success(), "{output:?}");
    let tag = cli::stdout_json(&output);
    assert_eq!(tag["id"], "sh3j");
    assert_eq!(tag["name"], "VIP");
    let output = liveagent().run(&server.uri(), &["get-tag", "--tagid", "sh3j", "--envelope"]);
    assert_eq!(cli::stdout_json(&output)["response"]["name"], "VIP");
}

#[test]
fn all_streams_every_page_as_json_lines() {
    let server = liveagent().replay_server(None);
    let output = liveagent().run(
        &server.uri(),
        &["list-conversations", "--all", "--limit", "2"],
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        cli::column(&output, "conversationid"),
        ["s4y7t5s7", "5h7t58d9", "k2m4n6p8", "q1w2e3r4", "z9x8c7v6"],
        "three pages with rows, in order (the empty fourth ends the stream)"
    );
    assert!(output.stderr.is_empty(), "no progress bar off a terminal");
}

#[test]
fn all_yields_every_row_of_a_server_that_caps_pages() {
    // Synthetic servers (`api_tests::capped`): every page holds at most 3 rows, whatever the
    // page size asked for; a short page must end nothing.
    const ROWS: usize = 10;
    let liveagent = liveagent();
    let server = cli::Served::start(capped::liveagent_conversations(ROWS));
    for args in [
        &["list-conversations", "--all"][..],
        &["list-conversations", "--all", "--limit", "5"],
    ] {
        liveagent.assert_rows(&server.uri(), args, "conversationid", &ids("c", ROWS));
    }
    let server = cli::Served::start(capped::liveagent_knowledgebases(ROWS));
    liveagent.assert_rows(
        &server.uri(),
        &["list-knowledgebases", "--all"],
        "kb_id",
        &ids("kb", ROWS),
    );
    let server = cli::Served::start(capped::liveagent_agents_report(ROWS));
    liveagent.assert_rows(
        &server.uri(),
        &[
            "get-agents-report",
            "--all",
            "--date-from",
            "2024-01-01 00:00:00",
            "--date-to",
            "2024-02-01 00:00:00",
        ],
        "contactid",
        &ids("a", ROWS),
    );
}

#[test]
fn bad_input_is_one_line_exit_2_and_nothing_is_sent() {
    let liveagent = liveagent();
    let key = liveagent.secret();
    let server = cli::unreached();
    let uri = server.uri();
    let cases: Vec<BadInput> = vec![
        (
            vec![("LIVEAGENT_BASE_URL", &uri)],
            vec!["get-tag", "--tagid", "x"],
            "LIVEAGENT_API_KEY",
        ),
        (
            vec![("LIVEAGENT_API_KEY", key)],
            vec!["get-tag", "--tagid", "x"],
            "LIVEAGENT_BASE_URL",
        ),
        (
            vec![
                ("LIVEAGENT_BASE_URL", "example.ladesk.com/api"),
                ("LIVEAGENT_API_KEY", key),
            ],
            vec!["get-tag", "--tagid", "x"],
            "http://",
        ),
        (
            vec![("LIVEAGENT_BASE_URL", &uri), ("LIVEAGENT_API_KEY", key)],
            vec!["get-tagz"],
            "get-tagz",
        ),
        (
            vec![("LIVEAGENT_BASE_URL", &uri), ("LIVEAGENT_API_KEY", key)],
            vec!["list-conversations", "--limit", "many"],
            "--limit",
        ),
        (
            vec![("LIVEAGENT_BASE_URL", &uri), ("LIVEAGENT_API_KEY", key)],
            vec!["get-tag"],
            "--tagid",
        ),
    ];
    liveagent.assert_bad_input(&server, &cases);
}

#[test]
fn the_key_never_shows() {
    let liveagent = liveagent();
    let server = liveagent.replay_server(Some("error_500"));
    liveagent.assert_secret_never_shows(
        &server.uri(),
        &[
            &["--help"],
            &["get-tag", "--help"],
            &["get-agent", "--agentidentifier", liveagent.secret()],
            &["get-tag", "--tagid", "unknown"],
        ],
    );
}

/// The fields of a form body whose names and values need no decoding.
fn form_fields(body: &[u8]) -> std::collections::BTreeMap<String, String> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

#[test]
fn a_body_flag_overrides_that_field_of_the_json_body_file() {
    // The documented example response of `createTag`.
    let created = serde_json::json!({"response": {
        "status": "OK", "statuscode": "0", "id": "sh3j",
        "name": "Flag", "color": "FFFFFF", "bg_color": "0000FF"
    }});
    let (output, sent) = liveagent().run_with_json_body(
        created,
        r#"{"name": "VIP", "color": "FFFFFF", "bg_color": "0000FF"}"#,
        "create-tag",
        &["--name", "Flag"],
    );
    assert_eq!(cli::stdout_json(&output)["name"], "Flag");
    assert_eq!(sent.url.path(), "/tags");
    let expected = [
        ("bg_color", "0000FF"),
        ("color", "FFFFFF"),
        ("name", "Flag"),
    ];
    let expected = expected
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(
        form_fields(&sent.body),
        expected,
        "the flag's name, the file's other fields"
    );
}

#[test]
fn dash_h_is_one_line_per_operation() {
    // 45 operations, `auth`, `completion` and `help`, 8 options, 7 lines of usage and headings.
    liveagent().assert_short_help(63, "create-tag", "Add a tag");
}
