//! The `contiple` binary against the replay server: every recording of every operation is sent
//! through its subcommand (the upload through the hand-written `upload-ticket-attachment`), and
//! the exit code and output must be what the client itself gives for the same request. The
//! binary signs with the system clock; the server checks each signature with the recordings'
//! credentials. Plus downloads, `--all` against synthetic servers that cap pages below the
//! size asked for, bad input (exit 2, nothing sent), a wrong key, the key kept out of the
//! output, a download to stdout, a body flag over `--json-body` (against a plain mock server,
//! which shows what was sent) and the size of `-h`.

use std::collections::BTreeSet;
use std::process::{Command, Output};

use api_tests::capped::{self, ids};
use api_tests::{cli, Call, ClientCredentials as _, ContipleCredentials, SpecIndex};
use base64::Engine as _;
use helpdesk_client_runtime::RetryPolicy;
use mock_server::{Options, ReplayServer};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_contiple");

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn credentials() -> ContipleCredentials {
    api_tests::contiple_credentials()
}

/// Runs the binary with the recordings' credentials in the environment.
fn run(base_url: &str, args: &[&str]) -> Output {
    let c = credentials();
    Command::new(BIN)
        .args(args)
        .arg("--no-retries")
        .env_clear()
        .env("CONTIPLE_BASE_URL", base_url)
        .env("CONTIPLE_SERVICE_ID", &c.service_id)
        .env("CONTIPLE_ORGANIZATION_ID", &c.organization_id)
        .env("CONTIPLE_SECURITY_KEY", &c.security_key)
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
    let spec = SpecIndex::of(&api_tests::CONTIPLE).unwrap();
    let mut exercised = BTreeSet::new();
    let mut failures = Vec::new();
    for rec in api_tests::load_all("contiple").unwrap() {
        let server = rt
            .block_on(ReplayServer::start(
                Options::new(&api_tests::CONTIPLE).prefer_case(&rec.case),
            ))
            .unwrap();
        let client = contiple::ClientBuilder::new(server.uri(), credentials().client_credentials())
            .retry(RetryPolicy::none())
            .rate_limit(None)
            .build()
            .unwrap();
        for exchange in rec.exchanges() {
            let operation = rec.operation_of(exchange);
            let call = Call::new(spec, operation, &exchange.request);
            let outcome = rt.block_on(api_tests::dispatch::contiple::call(&client, &call));
            let dir = tempfile::tempdir().unwrap();
            let mut args = cli::args(spec, operation, &exchange.request, dir.path()).unwrap();
            let download = dir.path().join("download.bin");
            if spec.returns_file(operation) {
                args.extend(["--output".to_owned(), download.display().to_string()]);
            }
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
            match outcome.get("ok") {
                Some(file) if spec.returns_file(operation) => {
                    let expected = base64::engine::general_purpose::STANDARD
                        .decode(file["bytes_base64"].as_str().unwrap())
                        .unwrap();
                    if std::fs::read(&download).ok() != Some(expected) {
                        failures.push(format!("{name}: the downloaded file differs"));
                    }
                }
                Some(body) => {
                    let payload = body.get("result").unwrap_or(body);
                    if &stdout_json(&output) != payload {
                        failures.push(format!("{name}: printed something else than {payload}"));
                    }
                }
                None => {
                    let stderr = String::from_utf8_lossy(&output.stderr);
                    if stderr.lines().count() != 1 || !output.stdout.is_empty() {
                        failures.push(format!("{name}: an error is one line of stderr: {stderr}"));
                    }
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
fn a_wrong_key_is_refused_by_the_server() {
    let rt = runtime();
    let server = rt
        .block_on(ReplayServer::start(Options::new(&api_tests::CONTIPLE)))
        .unwrap();
    let c = credentials();
    let output = Command::new(BIN)
        .args(["get-agent", "--id", "10058", "--no-retries"])
        .env_clear()
        .env("CONTIPLE_BASE_URL", server.uri())
        .env("CONTIPLE_SERVICE_ID", &c.service_id)
        .env("CONTIPLE_ORGANIZATION_ID", &c.organization_id)
        .env("CONTIPLE_SECURITY_KEY", "another-security-key-0123456789")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("signature"), "{stderr}");
    assert!(!stderr.contains("another-security-key"), "{stderr}");
    let output = run(&server.uri(), &["get-agent", "--id", "10058"]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout_json(&output)["content"]["userId"], 10058);
}

/// The environment, the arguments, and what the one-line error must name.
type BadInput<'a> = (Vec<(&'a str, &'a str)>, Vec<&'a str>, &'a str);

#[test]
fn bad_input_is_one_line_exit_2_and_nothing_is_sent() {
    let rt = runtime();
    let server = rt.block_on(wiremock::MockServer::start());
    let uri = server.uri();
    let c = credentials();
    let full = vec![
        ("CONTIPLE_BASE_URL", uri.as_str()),
        ("CONTIPLE_SERVICE_ID", c.service_id.as_str()),
        ("CONTIPLE_ORGANIZATION_ID", c.organization_id.as_str()),
        ("CONTIPLE_SECURITY_KEY", c.security_key.as_str()),
    ];
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
        .block_on(ReplayServer::start(Options::new(&api_tests::CONTIPLE)))
        .unwrap();
    let key = credentials().security_key;
    for args in [
        vec!["--help"],
        vec!["get-agent", "--help"],
        vec!["get-agent", "--id", "404"],
        vec!["list-agents"],
    ] {
        let output = run(&server.uri(), &args);
        for stream in [&output.stdout, &output.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(!text.contains(&key), "{args:?} shows the key: {text}");
        }
    }
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
    let server = rt.block_on(capped::contiple_tickets(ROWS));
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
        let output = run(&server.uri(), args);
        assert!(output.status.success(), "{args:?}: {output:?}");
        assert_eq!(column(&output, "ticketId"), ids("T", ROWS), "{args:?}");
    }
    // No paging figures: only the empty page ends the stream.
    let server = rt.block_on(capped::contiple_agents(ROWS));
    let output = run(&server.uri(), &["list-agents", "--all"]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(column(&output, "usercode"), ids("u", ROWS));
}

#[test]
fn output_dash_writes_the_download_to_stdout_unchanged() {
    let rt = runtime();
    let server = rt
        .block_on(ReplayServer::start(Options::new(&api_tests::CONTIPLE)))
        .unwrap();
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
    let output = run(
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
    let rt = runtime();
    let server = rt.block_on(wiremock::MockServer::start());
    // The documented example response of `addAgent`, with the role the flag asks for.
    let added = serde_json::json!({
        "header": {"resultCode": 200, "resultMessage": "", "isSuccessful": true},
        "result": {"content": {
            "userId": 10058, "usercode": "example", "username": "Example",
            "uuid": "ef1bd956-6c13-4391-8256-1eb0d840355a", "role": "ROLE_FRONT_AGENT"
        }}
    });
    rt.block_on(
        wiremock::Mock::given(wiremock::matchers::method("POST"))
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(added))
            .mount(&server),
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("agent.json");
    std::fs::write(
        &file,
        r#"{"id": "ef1bd956-6c13-4391-8256-1eb0d840355a", "role": "ROLE_FRONT_ADMIN"}"#,
    )
    .unwrap();
    let file = file.display().to_string();
    let output = run(
        &server.uri(),
        &[
            "add-agent",
            "--json-body",
            &file,
            "--role",
            "ROLE_FRONT_AGENT",
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let received = rt.block_on(server.received_requests()).unwrap();
    assert_eq!(received.len(), 1);
    let sent: Value = serde_json::from_slice(&received[0].body).unwrap();
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
    cli::assert_short_help(BIN, 53, "add-agent", "Add agent");
}
