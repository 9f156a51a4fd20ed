//! `--format`, `--fields` and `--jq` (the CSV export of 500 rows is in contiple-cli's tests:
//! LiveAgent's client keeps to 180 requests a minute): a cell holding commas, quotes and line
//! breaks round-tripping through the csv crate, nested field paths, YAML and JSON lines read back, a table off a terminal,
//! and `--jq` checked against Debian's `jq` (the oracle) on the recorded payloads, on the
//! whole payload and on each row of `--all`; its errors are exit 2 with their position,
//! nothing sent.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use api_tests::cli::runtime;
use mock_server::{Options, ReplayServer};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_liveagent");
const KEY: &str = "cli-test-api-key-not-a-secret";

/// The arguments that send the request of the recording `case` of `listConversations` (the
/// replay server answers it with that recording's payload).
fn recorded(case: &str) -> Vec<String> {
    let spec = api_tests::SpecIndex::of(&api_tests::LIVEAGENT).unwrap();
    let recording = api_tests::load_all("liveagent")
        .unwrap()
        .into_iter()
        .find(|r| r.operation == "listConversations" && r.case == case)
        .expect("the recording");
    let request = &recording.exchanges()[0].request;
    let dir = tempfile::tempdir().unwrap();
    api_tests::cli::args(spec, "listConversations", request, dir.path()).unwrap()
}

/// `recorded("ok")` followed by `extra`.
fn ok_request(extra: &[&str]) -> Vec<String> {
    let mut args = recorded("ok");
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    args
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
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

fn ok(output: Output, what: &str) -> String {
    assert!(
        output.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The records of a CSV text, the header first.
fn records(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn a_cell_with_commas_quotes_and_line_breaks_round_trips_and_paths_nest() {
    let rt = runtime();
    let server = rt.block_on(wiremock::MockServer::start());
    let subject = "Re: \"refund\", order 12,\nsecond line\r\nthird";
    rt.block_on(
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "response": {"conversations": [
                    {"conversationid": "c1", "subject": subject, "status": "A", "tags": "vip,refund"},
                    {"conversationid": "c2", "subject": "plain", "status": "C"}
                ]}
            })))
            .mount(&server),
    );
    let text = ok(
        run(
            &server.uri(),
            &[
                "list-conversations",
                "--format",
                "csv",
                "--fields",
                "conversationid,subject,tags",
            ],
        ),
        "csv",
    );
    let rows = records(&text);
    assert_eq!(rows.len(), 3, "{text}");
    assert_eq!(rows[1], ["c1", subject, "vip,refund"]);
    assert_eq!(
        rows[2],
        ["c2", "plain", ""],
        "a missing member is an empty cell"
    );
    // Paths nest, and a number indexes an array: the whole body is one row.
    let text = ok(
        run(
            &server.uri(),
            &[
                "list-conversations",
                "--envelope",
                "--format",
                "csv",
                "--fields",
                "response.conversations.1.conversationid,response.conversations.0.subject",
            ],
        ),
        "csv",
    );
    assert_eq!(records(&text)[1], ["c2", subject]);
    // The default columns of list-conversations, documented in its --help.
    let text = ok(
        run(&server.uri(), &["list-conversations", "--format", "csv"]),
        "csv",
    );
    assert_eq!(
        records_header(&text),
        [
            "conversationid",
            "code",
            "status",
            "subject",
            "ownername",
            "departmentname",
            "datecreated"
        ]
    );
    // Off a terminal, a table is as wide as its content.
    let table = ok(
        run(
            &server.uri(),
            &[
                "list-conversations",
                "--format",
                "table",
                "--fields",
                "conversationid,status",
            ],
        ),
        "table",
    );
    assert!(
        table.contains("conversationid") && table.contains("c2"),
        "{table}"
    );
    assert!(table
        .lines()
        .all(|l| l.chars().count() == table.lines().next().unwrap().chars().count()));
}

fn records_header(text: &str) -> Vec<String> {
    records(text).remove(0)
}

#[test]
fn yaml_and_json_lines_read_back_as_the_payload() {
    let rt = runtime();
    let server = rt
        .block_on(ReplayServer::start(Options::new(&api_tests::LIVEAGENT)))
        .unwrap();
    let payload: Value =
        serde_json::from_str(&ok(run(&server.uri(), &strs(&ok_request(&[]))), "json")).unwrap();
    let yaml: Value = serde_yaml::from_str(&ok(
        run(&server.uri(), &strs(&ok_request(&["--format", "yaml"]))),
        "yaml",
    ))
    .unwrap();
    assert_eq!(yaml, payload);
    let lines: Vec<Value> = ok(
        run(&server.uri(), &strs(&ok_request(&["--format", "jsonl"]))),
        "jsonl",
    )
    .lines()
    .map(|l| serde_json::from_str(l).unwrap())
    .collect();
    assert_eq!(
        &Value::Array(lines),
        &payload["conversations"],
        "one line per row"
    );
}

/// Runs Debian's `jq -c -r` on `input`.
fn jq(expression: &str, input: &str) -> Output {
    let mut child = Command::new("jq")
        .args(["-c", "-r", expression])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| {
            panic!("this test needs jq (Debian package `jq`: apt-get install jq): {err}")
        });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// A line of output as JSON with every number as f64 (jq and jaq print `1.0` differently),
/// or as text when it is not JSON (a raw string).
fn normalised(line: &str) -> Value {
    fn numbers(value: Value) -> Value {
        match value {
            Value::Number(n) => serde_json::json!(n.as_f64()),
            Value::Array(items) => Value::Array(items.into_iter().map(numbers).collect()),
            Value::Object(map) => {
                Value::Object(map.into_iter().map(|(k, v)| (k, numbers(v))).collect())
            }
            other => other,
        }
    }
    serde_json::from_str(line).map_or_else(|_| Value::String(line.to_owned()), numbers)
}

/// Expressions over `list-conversations`' payload.
const ON_THE_PAYLOAD: &[&str] = &[
    ".conversations | length",
    ".conversations[] | select(.subject | startswith(\"My\")) | .conversationid",
    ".conversations | map(.conversationid)",
    "[paths] | length",
    "[paths(type == \"string\")] | .[0:4]",
    ".conversations[] | \"\\(.conversationid): \\(.subject // \"-\")\"",
    ".conversations[] | [.conversationid, .status, .subject] | @csv",
    ".conversations[] | [.conversationid, .subject] | @tsv",
    ".conversations | group_by(.status) | map({status: .[0].status, n: length})",
    ".conversations | sort_by(.datecreated) | map(.conversationid)",
    "keys",
    ".conversations[0] | to_entries | map(select(.value != null)) | from_entries | keys",
    "[.conversations[] | .datecreated // \"\" | .[0:7]] | unique",
    ".conversations | any(.status == \"C\")",
    ".conversations[0] | with_entries(.key |= ascii_upcase) | keys",
    "[.conversations[].conversationid] | join(\",\")",
    ".conversations | map(select(.subject != null and (.subject | test(\"[a-z]\")))) | length",
    "[.conversations[] | .tags // [] | length] | add",
    "reduce .conversations[] as $c ({}; .[$c.status] += 1)",
];

/// Expressions run on each row of `list-conversations --all`.
const ON_EACH_ROW: &[&str] = &[
    "select(.conversationid < \"m\") | .conversationid",
    "{id: .conversationid, s: .status}",
    "[.conversationid, .status] | @csv",
    ".conversationid | ascii_upcase",
];

#[test]
fn jq_agrees_with_debian_jq_on_the_recorded_payloads() {
    let rt = runtime();
    // A payload of several conversations; the three pages of `--all --limit 2`.
    let payload = rt
        .block_on(ReplayServer::start(Options::new(&api_tests::LIVEAGENT)))
        .unwrap();
    let pages = rt
        .block_on(ReplayServer::start(Options::new(&api_tests::LIVEAGENT)))
        .unwrap();
    let mut checked = 0;
    for (uri, args, expressions) in [
        (payload.uri(), ok_request(&[]), ON_THE_PAYLOAD),
        (
            pages.uri(),
            ["list-conversations", "--all", "--limit", "2"]
                .map(str::to_owned)
                .to_vec(),
            ON_EACH_ROW,
        ),
    ] {
        let args = strs(&args);
        let input = ok(run(&uri, &args), "the payload");
        for expression in expressions {
            let oracle = jq(expression, &input);
            assert!(oracle.status.success(), "jq {expression}: {oracle:?}");
            let expected: Vec<Value> = String::from_utf8_lossy(&oracle.stdout)
                .lines()
                .map(normalised)
                .collect();
            let mut ours = args.to_vec();
            ours.extend(["--jq", expression, "--format", "jsonl"]);
            let actual: Vec<Value> = ok(run(&uri, &ours), expression)
                .lines()
                .map(normalised)
                .collect();
            assert!(!expected.is_empty(), "{expression}: jq printed nothing");
            assert_eq!(actual, expected, "--jq {expression} (args {args:?})");
            checked += 1;
        }
    }
    assert!(checked >= 15);
}

#[test]
fn jq_errors_are_exit_2_with_their_position_and_nothing_is_sent() {
    let rt = runtime();
    let server = rt.block_on(wiremock::MockServer::start());
    for (expression, names) in [
        (".conversations | map(.id", "1:"),
        (".a | nosuchfilter", "1:6"),
        ("{a:1,,}", "1:"),
    ] {
        let output = run(&server.uri(), &["list-conversations", "--jq", expression]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{expression}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("--jq") && stderr.contains(names),
            "{expression}: {stderr}"
        );
    }
    assert!(rt.block_on(server.received_requests()).unwrap().is_empty());
    // An error raised while running is exit 2 too.
    let server = rt
        .block_on(ReplayServer::start(Options::new(&api_tests::LIVEAGENT)))
        .unwrap();
    let output = run(
        &server.uri(),
        &strs(&ok_request(&["--jq", "error(\"stop here\")"])),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("stop here"));
}
