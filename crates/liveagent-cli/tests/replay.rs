//! The `liveagent` binary against the replay server: every recording of every operation is
//! sent through its subcommand, and the exit code and output must be what the client itself
//! gives for the same request; plus the documented examples, `--all` (also against synthetic
//! servers that cap pages below the size asked for), `--envelope`, bad input (exit 2, nothing
//! sent), secrets kept out of the output, a body flag over `--json-body` (against a plain
//! mock server, which shows what was sent) and the size of `-h`.

use std::collections::BTreeSet;
use std::process::{Command, Output};

use api_tests::capped::{self, ids};
use api_tests::{cli, Call, SpecIndex};
use helpdesk_client_runtime::RetryPolicy;
use mock_server::{Options, ReplayServer};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_liveagent");
const KEY: &str = "cli-test-api-key-not-a-secret";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

/// Runs the binary with the credentials of `base_url` in the environment.
fn run(base_url: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--no-retries")
        .env_clear()
        .env("LIVEAGENT_BASE_URL", base_url)
        .env("LIVEAGENT_API_KEY", KEY)
        .output()
        .expect("the binary runs")
}

fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

#[test]
fn every_recording_through_its_subcommand() {
    let rt = runtime();
    let spec = SpecIndex::of(&api_tests::LIVEAGENT).unwrap();
    let mut exercised = BTreeSet::new();
    let mut failures = Vec::new();
    for rec in api_tests::load_all("liveagent").unwrap() {
        let server = rt
            .block_on(ReplayServer::start(
                Options::new(&api_tests::LIVEAGENT).prefer_case(&rec.case),
            ))
            .unwrap();
        let client = liveagent::ClientBuilder::new(server.uri(), liveagent::ApiKey::new(KEY))
            .retry(RetryPolicy::none())
            .rate_limit(None)
            .build()
            .unwrap();
        for exchange in rec.exchanges() {
            let operation = rec.operation_of(exchange);
            let call = Call::new(spec, operation, &exchange.request);
            let outcome = rt.block_on(api_tests::dispatch::liveagent::call(&client, &call));
            let dir = tempfile::tempdir().unwrap();
            let args = cli::args(spec, operation, &exchange.request, dir.path()).unwrap();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let output = run(&server.uri(), &args);
            let name = format!("{} ({})", rec.name(), args.join(" "));
            let code = output.status.code();
            if code != Some(cli::expected_exit(&outcome)) {
                failures.push(format!(
                    "{name}: exit {code:?}, the client's outcome {outcome}; stderr {}",
                    String::from_utf8_lossy(&output.stderr)
                ));
                continue;
            }
            if let Some(body) = outcome.get("ok") {
                let payload = body.get("response").unwrap_or(body);
                if &stdout_json(&output) != payload {
                    failures.push(format!("{name}: printed something else than {payload}"));
                }
            } else {
                let stderr = String::from_utf8_lossy(&output.stderr);
                if stderr.lines().count() != 1 || !output.stdout.is_empty() {
                    failures.push(format!("{name}: an error is one line of stderr: {stderr}"));
                }
            }
            exercised.insert(operation.to_owned());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let all: BTreeSet<String> = spec.operation_ids().into_iter().collect();
    assert_eq!(exercised, all, "every operation goes through the CLI");
}

#[test]
fn get_tag_prints_the_tag_and_envelope_the_body() {
    let rt = runtime();
    let server = rt
        .block_on(ReplayServer::start(Options::new(&api_tests::LIVEAGENT)))
        .unwrap();
    let output = run(&server.uri(), &["get-tag", "--tagid", "sh3j"]);
    assert!(output.status.success(), "{output:?}");
    let tag = stdout_json(&output);
    assert_eq!(tag["id"], "sh3j");
    assert_eq!(tag["name"], "VIP");
    let output = run(&server.uri(), &["get-tag", "--tagid", "sh3j", "--envelope"]);
    assert_eq!(stdout_json(&output)["response"]["name"], "VIP");
}

#[test]
fn all_streams_every_page_as_json_lines() {
    let rt = runtime();
    let server = rt
        .block_on(ReplayServer::start(Options::new(&api_tests::LIVEAGENT)))
        .unwrap();
    let output = run(
        &server.uri(),
        &["list-conversations", "--all", "--limit", "2"],
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        column(&output, "conversationid"),
        ["s4y7t5s7", "5h7t58d9", "k2m4n6p8", "q1w2e3r4", "z9x8c7v6"],
        "three pages with rows, in order (the empty fourth ends the stream)"
    );
    assert!(output.stderr.is_empty(), "no progress bar off a terminal");
}

/// The `field` of every JSON line of `output`'s stdout.
fn column(output: &Output, field: &str) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let row: Value = serde_json::from_str(line).unwrap();
            row[field].as_str().unwrap().to_owned()
        })
        .collect()
}

#[test]
fn all_yields_every_row_of_a_server_that_caps_pages() {
    // Synthetic servers (`api_tests::capped`): every page holds at most 3 rows, whatever the
    // page size asked for; a short page must end nothing.
    const ROWS: usize = 10;
    let rt = runtime();
    let server = rt.block_on(capped::liveagent_conversations(ROWS));
    for args in [
        &["list-conversations", "--all"][..],
        &["list-conversations", "--all", "--limit", "5"],
    ] {
        let output = run(&server.uri(), args);
        assert!(output.status.success(), "{args:?}: {output:?}");
        assert_eq!(
            column(&output, "conversationid"),
            ids("c", ROWS),
            "{args:?}"
        );
    }
    let server = rt.block_on(capped::liveagent_knowledgebases(ROWS));
    let output = run(&server.uri(), &["list-knowledgebases", "--all"]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(column(&output, "kb_id"), ids("kb", ROWS));
    let server = rt.block_on(capped::liveagent_agents_report(ROWS));
    let output = run(
        &server.uri(),
        &[
            "get-agents-report",
            "--all",
            "--date-from",
            "2024-01-01 00:00:00",
            "--date-to",
            "2024-02-01 00:00:00",
        ],
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(column(&output, "contactid"), ids("a", ROWS));
}

/// The environment, the arguments, and what the one-line error must name.
type BadInput<'a> = (Vec<(&'a str, &'a str)>, Vec<&'a str>, &'a str);

#[test]
fn bad_input_is_one_line_exit_2_and_nothing_is_sent() {
    let rt = runtime();
    let server = rt.block_on(wiremock::MockServer::start());
    let uri = server.uri();
    let cases: Vec<BadInput> = vec![
        (
            vec![("LIVEAGENT_BASE_URL", &uri)],
            vec!["get-tag", "--tagid", "x"],
            "LIVEAGENT_API_KEY",
        ),
        (
            vec![("LIVEAGENT_API_KEY", KEY)],
            vec!["get-tag", "--tagid", "x"],
            "LIVEAGENT_BASE_URL",
        ),
        (
            vec![
                ("LIVEAGENT_BASE_URL", "example.ladesk.com/api"),
                ("LIVEAGENT_API_KEY", KEY),
            ],
            vec!["get-tag", "--tagid", "x"],
            "http://",
        ),
        (
            vec![("LIVEAGENT_BASE_URL", &uri), ("LIVEAGENT_API_KEY", KEY)],
            vec!["get-tagz"],
            "get-tagz",
        ),
        (
            vec![("LIVEAGENT_BASE_URL", &uri), ("LIVEAGENT_API_KEY", KEY)],
            vec!["list-conversations", "--limit", "many"],
            "--limit",
        ),
        (
            vec![("LIVEAGENT_BASE_URL", &uri), ("LIVEAGENT_API_KEY", KEY)],
            vec!["get-tag"],
            "--tagid",
        ),
    ];
    for (env, args, names) in cases {
        let output = Command::new(BIN)
            .args(&args)
            .env_clear()
            .envs(env.iter().copied())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: one line: {stderr}");
        assert!(stderr.contains(names), "{args:?}: names {names}: {stderr}");
        assert!(output.stdout.is_empty());
    }
    let received = rt.block_on(server.received_requests()).unwrap();
    assert!(received.is_empty(), "nothing sent: {received:?}");
}

#[test]
fn the_key_never_shows() {
    let rt = runtime();
    let server = rt
        .block_on(ReplayServer::start(
            Options::new(&api_tests::LIVEAGENT).prefer_case("error_500"),
        ))
        .unwrap();
    for args in [
        vec!["--help"],
        vec!["get-tag", "--help"],
        vec!["get-agent", "--agentidentifier", KEY],
        vec!["get-tag", "--tagid", "unknown"],
    ] {
        let output = run(&server.uri(), &args);
        for stream in [&output.stdout, &output.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(!text.contains(KEY), "{args:?} shows the key: {text}");
        }
    }
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
    let rt = runtime();
    let server = rt.block_on(wiremock::MockServer::start());
    // The documented example response of `createTag`.
    let created = serde_json::json!({"response": {
        "status": "OK", "statuscode": "0", "id": "sh3j",
        "name": "Flag", "color": "FFFFFF", "bg_color": "0000FF"
    }});
    rt.block_on(
        wiremock::Mock::given(wiremock::matchers::method("POST"))
            .and(wiremock::matchers::path("/tags"))
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(created))
            .mount(&server),
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tag.json");
    std::fs::write(
        &file,
        r#"{"name": "VIP", "color": "FFFFFF", "bg_color": "0000FF"}"#,
    )
    .unwrap();
    let file = file.display().to_string();
    let output = run(
        &server.uri(),
        &["create-tag", "--json-body", &file, "--name", "Flag"],
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout_json(&output)["name"], "Flag");
    let received = rt.block_on(server.received_requests()).unwrap();
    assert_eq!(received.len(), 1);
    let sent = form_fields(&received[0].body);
    let expected = [
        ("bg_color", "0000FF"),
        ("color", "FFFFFF"),
        ("name", "Flag"),
    ];
    let expected = expected
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(sent, expected, "the flag's name, the file's other fields");
}

#[test]
fn dash_h_is_one_line_per_operation() {
    // 45 operations, `auth`, `completion` and `help`, 8 options, 7 lines of usage and headings.
    cli::assert_short_help(BIN, 63, "create-tag", "Add a tag");
}
