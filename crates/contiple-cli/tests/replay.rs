//! The `contiple` binary against the replay server, through the CLI harness
//! (`api_tests::cli`): every recording of every operation is sent through its subcommand (the
//! upload through the hand-written `upload-ticket-attachment`), and the exit code and output
//! must be what the client itself gives for the same request. The binary signs with the system
//! clock; the server checks each signature with the recordings' credentials. Plus downloads,
//! `--all` against synthetic servers that cap pages below the size asked for, bad input (exit
//! 2, nothing sent), a wrong key, the key kept out of the output, a download to stdout, a body
//! flag over `--json-body` (against a plain mock server, which shows what was sent) and the
//! size of `-h`.

use api_tests::capped::{self, ids};
use api_tests::cli::{self, BadInput, CommandLine};
use base64::Engine as _;
use serde_json::Value;

fn contiple() -> CommandLine {
    CommandLine::contiple(env!("CARGO_BIN_EXE_contiple"))
}

#[test]
fn every_recording_through_its_subcommand() {
    contiple().assert_every_recording_replays();
}

#[test]
fn a_wrong_key_is_refused_by_the_server() {
    let contiple = contiple();
    let server = contiple.replay_server(None);
    let mut env = contiple.env(&server.uri());
    for (name, value) in &mut env {
        if *name == "CONTIPLE_SECURITY_KEY" {
            *value = "another-security-key-0123456789".to_owned();
        }
    }
    let output = contiple.run_with_env(&env, &["get-agent", "--id", "10058", "--no-retries"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("signature"), "{stderr}");
    assert!(!stderr.contains("another-security-key"), "{stderr}");
    let output = contiple.run(&server.uri(), &["get-agent", "--id", "10058"]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(cli::stdout_json(&output)["content"]["userId"], 10058);
}

#[test]
fn bad_input_is_one_line_exit_2_and_nothing_is_sent() {
    let contiple = contiple();
    let server = cli::unreached();
    let env = contiple.env(&server.uri());
    let full: Vec<(&str, &str)> = env.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let without = |name: &str| -> Vec<(&str, &str)> {
        full.iter().copied().filter(|(n, _)| *n != name).collect()
    };
    let mut no_scheme = without("CONTIPLE_BASE_URL");
    no_scheme.push(("CONTIPLE_BASE_URL", "nhn-cs.oc.nhncloud.com"));
    let cases: Vec<BadInput> = vec![
        (
            without("CONTIPLE_SECURITY_KEY"),
            vec!["get-agent", "--id", "7"],
            "CONTIPLE_SECURITY_KEY",
        ),
        (
            without("CONTIPLE_SERVICE_ID"),
            vec!["get-agent", "--id", "7"],
            "CONTIPLE_SERVICE_ID",
        ),
        (
            without("CONTIPLE_ORGANIZATION_ID"),
            vec!["get-agent", "--id", "7"],
            "CONTIPLE_ORGANIZATION_ID",
        ),
        (no_scheme, vec!["get-agent", "--id", "7"], "http://"),
        (full.clone(), vec!["get-agnet"], "get-agnet"),
        (full.clone(), vec!["get-agent", "--id", "seven"], "--id"),
        (
            full.clone(),
            vec!["upload-ticket-attachment", "--file", "/nonexistent/x.png"],
            "--file",
        ),
    ];
    contiple.assert_bad_input(&server, &cases);
}

#[test]
fn the_key_never_shows() {
    let server = contiple().replay_server(None);
    contiple().assert_secret_never_shows(
        &server.uri(),
        &[
            &["--help"],
            &["get-agent", "--help"],
            &["get-agent", "--id", "404"],
            &["list-agents"],
        ],
    );
}

#[test]
fn all_yields_every_row_of_a_server_that_caps_pages() {
    // Synthetic servers (`api_tests::capped`): every page holds at most 3 rows, whatever the
    // page size asked for; a short page must end nothing.
    const ROWS: usize = 10;
    let contiple = contiple();
    let server = cli::Served::start(capped::contiple_tickets(ROWS));
    for args in [
        &["list-customer-tickets", "--usercode", "user1", "--all"][..],
        &[
            "list-customer-tickets",
            "--usercode",
            "user1",
            "--all",
            "--page-size",
            "5",
        ],
    ] {
        contiple.assert_rows(&server.uri(), args, "ticketId", &ids("T", ROWS));
    }
    // No paging figures: only the empty page ends the stream.
    let server = cli::Served::start(capped::contiple_agents(ROWS));
    contiple.assert_rows(
        &server.uri(),
        &["list-agents", "--all"],
        "usercode",
        &ids("u", ROWS),
    );
}

#[test]
fn output_dash_writes_the_download_to_stdout_unchanged() {
    let server = contiple().replay_server(None);
    let recording: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/recordings/contiple/getFaqAttachment/ok.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let expected = base64::engine::general_purpose::STANDARD
        .decode(recording["response"]["body_base64"].as_str().unwrap())
        .unwrap();
    let output = contiple().run(
        &server.uri(),
        &[
            "get-faq-attachment",
            "--id",
            "badf8fac176e42cc85e232e19759ad2f",
            "--type",
            "open",
            "--output",
            "-",
        ],
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(output.stdout, expected, "the file's bytes, nothing else");
    assert!(output.stderr.is_empty(), "{output:?}");
}

#[test]
fn a_body_flag_overrides_that_field_of_the_json_body_file() {
    // The documented example response of `addAgent`, with the role the flag asks for.
    let added = serde_json::json!({
        "header": {"resultCode": 200, "resultMessage": "", "isSuccessful": true},
        "result": {"content": {
            "userId": 10058, "usercode": "example", "username": "Example",
            "uuid": "ef1bd956-6c13-4391-8256-1eb0d840355a", "role": "ROLE_FRONT_AGENT"
        }}
    });
    let (_, sent) = contiple().run_with_json_body(
        added,
        r#"{"id": "ef1bd956-6c13-4391-8256-1eb0d840355a", "role": "ROLE_FRONT_ADMIN"}"#,
        "add-agent",
        &["--role", "ROLE_FRONT_AGENT"],
    );
    let sent: Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"id": "ef1bd956-6c13-4391-8256-1eb0d840355a", "role": "ROLE_FRONT_AGENT"}),
        "the flag's role, the file's id"
    );
}

#[test]
fn dash_h_fits_on_a_screen() {
    // 32 operations, `upload-ticket-attachment`, `auth`, `completion` and `help`, 10 options,
    // 7 lines of usage and headings: 53 lines, a 55-line screen.
    contiple().assert_short_help(53, "add-agent", "Add agent");
}
