//! Profiles in a temporary home directory: `auth login --with-token` writes the credentials
//! file with mode 0600, a credentials file others may read is refused (exit 2, nothing sent),
//! flags beat the environment, which beats the selected profile, which beats the default one
//! (the key a wiremock server receives says which won), `auth status` masks every key and
//! names the source that won, and `auth logout` removes a profile.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use api_tests::cli::runtime;
use mock_server::{Options, ReplayServer};

const BIN: &str = env!("CARGO_BIN_EXE_liveagent");
const KEY_A: &str = "profile-a-key-not-a-secret-0001";
const KEY_B: &str = "profile-b-key-not-a-secret-0002";
const KEY_ENV: &str = "environment-key-not-a-secret-03";
const KEY_FLAG: &str = "flag-key-not-a-secret-00000004";

/// Runs the binary with only `HOME` (and `env`) in the environment, `stdin` on its stdin.
fn run(home: &Path, env: &[(&str, &str)], args: &[&str], stdin: &str) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env_clear()
        .env("HOME", home)
        .envs(env.iter().copied());
    api_tests::cli::output_with_stdin(command, stdin)
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Logs in as `profile` with `key` and `base_url`, through stdin.
fn login(home: &Path, profile: &str, base_url: &str, key: &str) {
    let output = run(
        home,
        &[],
        &[
            "auth",
            "login",
            "--with-token",
            "--profile",
            profile,
            "--base-url",
            base_url,
        ],
        &format!("{key}\n"),
    );
    assert!(output.status.success(), "{}", text(&output));
    assert!(!text(&output).contains(key), "login shows the key");
}

fn credentials(home: &Path) -> PathBuf {
    home.join(".config/liveagent/credentials.yaml")
}

#[test]
fn login_with_token_writes_a_credentials_file_only_its_owner_reads() {
    let home = tempfile::tempdir().unwrap();
    login(home.path(), "a", "https://a.example.com/api", KEY_A);
    let path = credentials(home.path());
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{}", path.display());
    let dir_mode = std::fs::metadata(path.parent().unwrap())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(dir_mode, 0o700);
    assert!(std::fs::read_to_string(&path).unwrap().contains(KEY_A));
    let config =
        std::fs::read_to_string(home.path().join(".config/liveagent/config.yaml")).unwrap();
    assert!(config.contains("https://a.example.com/api"), "{config}");
    assert!(
        config.contains("default-profile: a"),
        "the first profile is the default: {config}"
    );
    assert!(
        !config.contains(KEY_A),
        "the key is not in the settings file"
    );
}

#[test]
fn a_credentials_file_others_may_read_is_refused_with_exit_2() {
    let rt = runtime();
    let server = rt.block_on(wiremock::MockServer::start());
    let home = tempfile::tempdir().unwrap();
    login(home.path(), "a", &server.uri(), KEY_A);
    let path = credentials(home.path());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    for args in [&["get-tag", "--tagid", "x"][..], &["auth", "status"]] {
        let output = run(home.path(), &[], args, "");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("chmod 600"), "{stderr}");
        assert!(stderr.contains("0644"), "{stderr}");
        assert!(!text(&output).contains(KEY_A));
    }
    let received = rt.block_on(server.received_requests()).unwrap();
    assert!(received.is_empty(), "nothing sent: {received:?}");
}

/// The `apikey` of the last request `server` received.
fn last_key(rt: &tokio::runtime::Runtime, server: &wiremock::MockServer) -> String {
    let received = rt.block_on(server.received_requests()).unwrap();
    let request = received.last().expect("a request was sent");
    request
        .url
        .query_pairs()
        .find(|(name, _)| name == "apikey")
        .map(|(_, value)| value.into_owned())
        .expect("an apikey")
}

/// A precedence case: its name, the environment, the arguments and the key that must be sent.
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<&'a str>, &'a str);

#[test]
fn flags_beat_the_environment_which_beats_the_profile_which_beats_the_default() {
    let rt = runtime();
    let server = rt.block_on(wiremock::MockServer::start());
    rt.block_on(
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "response": {"id": "sh3j", "name": "VIP", "color": "FFFFFF", "bg_color": "0000FF"}
            })))
            .mount(&server),
    );
    let home = tempfile::tempdir().unwrap();
    let uri = server.uri();
    login(home.path(), "a", &uri, KEY_A);
    login(home.path(), "b", &uri, KEY_B);
    let get = ["get-tag", "--tagid", "sh3j", "--no-retries"];
    let with = |extra: &[&'static str]| -> Vec<&str> { get.iter().chain(extra).copied().collect() };
    let env_key = [("LIVEAGENT_API_KEY", KEY_ENV)];
    let env_profile = [("LIVEAGENT_PROFILE", "b")];
    let cases: Vec<Case> = vec![
        (
            "flag over environment and profile",
            vec![env_key[0], env_profile[0]],
            with(&["--api-key", KEY_FLAG, "--profile", "b"]),
            KEY_FLAG,
        ),
        (
            "environment over the selected profile",
            vec![env_key[0]],
            with(&["--profile", "b"]),
            KEY_ENV,
        ),
        (
            "--profile b over the default profile",
            vec![],
            with(&["--profile", "b"]),
            KEY_B,
        ),
        (
            "LIVEAGENT_PROFILE over the default profile",
            vec![env_profile[0]],
            with(&[]),
            KEY_B,
        ),
        ("the default profile", vec![], with(&[]), KEY_A),
    ];
    for (case, env, args, key) in cases {
        let output = run(home.path(), &env, &args, "");
        assert!(output.status.success(), "{case}: {}", text(&output));
        assert_eq!(last_key(&rt, &server), key, "{case}");
        assert!(!text(&output).contains(key), "{case}: the key shows");
    }
    // A profile that does not exist is bad input, nothing sent.
    let before = rt.block_on(server.received_requests()).unwrap().len();
    let output = run(home.path(), &[], &with(&["--profile", "c"]), "");
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no profile `c`"));
    assert_eq!(
        rt.block_on(server.received_requests()).unwrap().len(),
        before
    );
}

#[test]
fn auth_status_masks_the_keys_checks_each_profile_and_names_the_winning_source() {
    let rt = runtime();
    let server = rt
        .block_on(ReplayServer::start(Options::new(&api_tests::LIVEAGENT)))
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    login(home.path(), "a", &server.uri(), KEY_A);
    login(home.path(), "b", &server.uri(), KEY_B);
    let output = run(home.path(), &[], &["auth", "status", "--profile", "b"], "");
    let all = text(&output);
    assert!(output.status.success(), "{all}");
    for key in [KEY_A, KEY_B] {
        assert!(!all.contains(key), "status shows a key: {all}");
        assert!(
            all.contains(&format!("****{}", &key[key.len() - 4..])),
            "{all}"
        );
    }
    assert_eq!(all.matches("check            ok").count(), 2, "{all}");
    assert!(all.contains("a (default)"), "{all}");
    assert!(all.contains("from profile b (--profile)"), "{all}");
    let output = run(
        home.path(),
        &[("LIVEAGENT_API_KEY", KEY_ENV)],
        &["auth", "status"],
        "",
    );
    let all = text(&output);
    assert!(!all.contains(KEY_ENV), "{all}");
    assert!(all.contains("from environment LIVEAGENT_API_KEY"), "{all}");
    assert!(all.contains("from default profile a"), "{all}");
}

#[test]
fn auth_logout_removes_a_profile() {
    let home = tempfile::tempdir().unwrap();
    login(home.path(), "a", "https://a.example.com/api", KEY_A);
    login(home.path(), "b", "https://b.example.com/api", KEY_B);
    let output = run(home.path(), &[], &["auth", "logout", "--profile", "b"], "");
    assert!(output.status.success(), "{}", text(&output));
    let secrets = std::fs::read_to_string(credentials(home.path())).unwrap();
    assert!(
        !secrets.contains(KEY_B) && secrets.contains(KEY_A),
        "{secrets}"
    );
    let output = run(home.path(), &[], &["auth", "logout", "--profile", "b"], "");
    assert_eq!(output.status.code(), Some(2));
    let output = run(home.path(), &[], &["auth", "login"], "");
    assert_eq!(
        output.status.code(),
        Some(2),
        "no terminal, no --with-token"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("--with-token"));
}
