//! The recorder against the replay server: record an operation from it (the replay server
//! playing the live API), check the recording is the one it was served from, then replay
//! what was recorded. Contiple's recording must carry the signature of the test credentials
//! and frozen clock although the "live" call was signed with the real clock. Bad input exits
//! with 2 and sends nothing.

use std::path::Path;
use std::process::{Command, Output};

use api_tests::cli::runtime;
use api_tests::{Api, Recording, CONTIPLE, LIVEAGENT};
use mock_server::{Options, ReplayServer};

const BIN: &str = env!("CARGO_BIN_EXE_mock-record");

fn record(env: &[(&str, &str)], args: &[&str], recordings: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--recordings")
        .arg(recordings)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

/// The exchange of a single-exchange recording, for comparison.
fn exchange(rec: &Recording) -> serde_json::Value {
    let exchange = &rec.exchanges()[0];
    serde_json::json!({
        "request": exchange.request,
        "status": exchange.response.status,
        "body": exchange.response.body,
        "body_base64": exchange.response.body_base64,
    })
}

fn round_trip(api: &'static Api, env: &[(&str, &str)], args: &[&str], original: &str) {
    let rt = runtime();
    let tmp = tempfile::tempdir().unwrap();
    if api.is_signed() {
        std::fs::create_dir_all(tmp.path().join("contiple")).unwrap();
        std::fs::copy(
            api_tests::recordings_dir("contiple").join("credentials.json"),
            tmp.path().join("contiple/credentials.json"),
        )
        .unwrap();
    }
    let args = [args, &["--case", "captured"]].concat();
    let args = args.as_slice();
    let output = record(env, args, tmp.path());
    assert!(output.status.success(), "{output:?}");
    let written = String::from_utf8(output.stdout).unwrap();
    let written = Path::new(written.trim());
    assert!(written.starts_with(tmp.path()), "{written:?}");

    let recorded = api_tests::load(written).unwrap();
    let operation = args[1];
    let source = api_tests::load_case(api.name, operation, original).unwrap();
    assert_eq!(
        exchange(&recorded),
        exchange(&source),
        "recorded what was served"
    );
    assert!(!recorded.synthetic);
    // A documented response is not written twice: loading takes it from the spec.
    assert_eq!(recorded.is_documented(), source.is_documented());

    // A second run refuses to overwrite, and writes with --force.
    let again = record(env, args, tmp.path());
    assert_eq!(again.status.code(), Some(2), "{again:?}");
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    let mut forced: Vec<&str> = args.to_vec();
    forced.push("--force");
    assert!(record(env, &forced, tmp.path()).status.success());

    // Replay what was recorded: the replay server over the new recordings answers the same.
    let replay = rt
        .block_on(ReplayServer::start(
            Options::new(api).recordings(tmp.path().join(api.name)),
        ))
        .unwrap();
    let new_env: Vec<(&str, &str)> = env
        .iter()
        .map(|(name, value)| {
            if name.ends_with("_BASE_URL") {
                (*name, "")
            } else {
                (*name, *value)
            }
        })
        .collect();
    let uri = replay.uri();
    let mut new_env: Vec<(&str, &str)> =
        new_env.into_iter().filter(|(_, v)| !v.is_empty()).collect();
    let base = if api.auth_query.is_some() {
        "LIVEAGENT_BASE_URL"
    } else {
        "CONTIPLE_BASE_URL"
    };
    new_env.push((base, &uri));
    let mut replay_args = args.to_vec();
    replay_args.pop();
    replay_args.push("replayed");
    let replayed = record(&new_env, &replay_args, tmp.path());
    assert!(replayed.status.success(), "{replayed:?}");
    let replayed = api_tests::load_case_from(tmp.path(), api.name, operation, "replayed").unwrap();
    assert_eq!(
        exchange(&replayed),
        exchange(&source),
        "replaying the recording answers the same"
    );
}

#[test]
fn liveagent_round_trip() {
    let rt = runtime();
    let live = rt
        .block_on(ReplayServer::start(Options::new(&LIVEAGENT)))
        .unwrap();
    let uri = live.uri();
    let env = [
        ("LIVEAGENT_BASE_URL", uri.as_str()),
        ("LIVEAGENT_API_KEY", "recorder-test-live-key"),
    ];
    round_trip(
        &LIVEAGENT,
        &env,
        &["liveagent", "getTag", "--param", "tagid=sh3j"],
        "ok",
    );
    // A form body.
    round_trip(
        &LIVEAGENT,
        &env,
        &[
            "liveagent",
            "createTag",
            "--param",
            "name=VIP",
            "--param",
            "color=FFFFFF",
            "--param",
            "bg_color=0000FF",
        ],
        "ok",
    );
}

#[test]
fn contiple_round_trip_keeps_the_test_signature() {
    let rt = runtime();
    let live = rt
        .block_on(ReplayServer::start(Options::new(&CONTIPLE)))
        .unwrap();
    let uri = live.uri();
    let c = api_tests::contiple_credentials();
    let env = [
        ("CONTIPLE_BASE_URL", uri.as_str()),
        ("CONTIPLE_SERVICE_ID", c.service_id.as_str()),
        ("CONTIPLE_ORGANIZATION_ID", c.organization_id.as_str()),
        ("CONTIPLE_SECURITY_KEY", c.security_key.as_str()),
    ];
    round_trip(
        &CONTIPLE,
        &env,
        &["contiple", "getAgent", "--param", "id=10058"],
        "ok",
    );
}

/// The environment, the arguments, and what the one-line error must name.
type BadInput<'a> = (Vec<(&'a str, &'a str)>, Vec<&'a str>, &'a str);

#[test]
fn bad_input_exits_2_and_sends_nothing() {
    let rt = runtime();
    let server = rt.block_on(wiremock::MockServer::start());
    let uri = server.uri();
    let tmp = tempfile::tempdir().unwrap();
    let env = [
        ("LIVEAGENT_BASE_URL", uri.as_str()),
        ("LIVEAGENT_API_KEY", "recorder-test-live-key"),
    ];
    let cases: Vec<BadInput> = vec![
        (env.to_vec(), vec!["liveagent", "getTagz"], "getTagz"),
        (
            env.to_vec(),
            vec!["liveagent", "getTag", "--param", "tagid"],
            "NAME=VALUE",
        ),
        (
            env.to_vec(),
            vec!["liveagent", "getTag", "--param", "colour=red"],
            "colour",
        ),
        (env.to_vec(), vec!["liveagent", "getTag"], "tagid"),
        (
            env[1..].to_vec(),
            vec!["liveagent", "getTag", "--param", "tagid=x"],
            "LIVEAGENT_BASE_URL",
        ),
        (
            vec![("LIVEAGENT_BASE_URL", "example.ladesk.com/api"), env[1]],
            vec!["liveagent", "getTag", "--param", "tagid=x"],
            "http://",
        ),
        (
            env.to_vec(),
            vec!["liveagent", "listConversations", "--param", "limit=many"],
            "limit",
        ),
        (env.to_vec(), vec!["jira", "getTag"], "jira"),
    ];
    for (env, args, names) in cases {
        let output = record(&env, &args, tmp.path());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(names), "{args:?} names {names}: {stderr}");
    }
    let received = rt.block_on(server.received_requests()).unwrap();
    assert!(received.is_empty(), "nothing sent: {received:?}");
}
