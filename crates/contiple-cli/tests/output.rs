//! `--format csv` with `--all`: the 500 rows of a server that caps pages at 3 (167 pages, row
//! by row) parsed back by the csv crate, with the fields asked for; and a profile of
//! `auth login --with-token` (service id, organization id, security key) used by a call, the
//! credentials file 0600 and the key never printed.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};

use api_tests::capped::{self, ids};
use api_tests::cli::runtime;

const BIN: &str = env!("CARGO_BIN_EXE_contiple");

/// Runs the binary with `env` only (and `stdin` on its stdin).
fn run(env: &[(&str, &str)], args: &[&str], stdin: &str) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .arg("--no-retries")
        .env_clear()
        .envs(env.iter().copied());
    api_tests::cli::output_with_stdin(command, stdin)
}

#[test]
fn csv_export_of_every_page_has_every_row_with_the_fields_asked_for() {
    const ROWS: usize = 500;
    let rt = runtime();
    let server = rt.block_on(capped::contiple_agents(ROWS));
    let c = api_tests::contiple_credentials();
    let env = [
        ("CONTIPLE_BASE_URL", server.uri()),
        ("CONTIPLE_SERVICE_ID", c.service_id.clone()),
        ("CONTIPLE_ORGANIZATION_ID", c.organization_id.clone()),
        ("CONTIPLE_SECURITY_KEY", c.security_key.clone()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let output = run(
        &env,
        &[
            "list-agents",
            "--all",
            "--format",
            "csv",
            "--fields",
            "usercode,username,role",
        ],
        "",
    );
    assert!(output.status.success(), "{output:?}");
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["usercode", "username", "role"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), ROWS);
    let codes: Vec<String> = rows.iter().map(|r| r[0].to_owned()).collect();
    assert_eq!(codes, ids("u", ROWS));
    assert!(rows
        .iter()
        .enumerate()
        .all(|(i, r)| r[1] == format!("User {i}") && &r[2] == "ROLE_FRONT_AGENT"));
}

#[test]
fn a_profile_of_auth_login_is_used_by_calls_and_its_key_never_shows() {
    let rt = runtime();
    let server = rt.block_on(capped::contiple_agents(2));
    let home = tempfile::tempdir().unwrap();
    let home_dir = home.path().to_str().unwrap();
    let c = api_tests::contiple_credentials();
    let uri = server.uri();
    let output = run(
        &[("HOME", home_dir)],
        &[
            "auth",
            "login",
            "--with-token",
            "--profile",
            "work",
            "--base-url",
            &uri,
            "--service-id",
            &c.service_id,
            "--organization-id",
            &c.organization_id,
        ],
        &c.security_key,
    );
    assert!(output.status.success(), "{output:?}");
    let path = home.path().join(".config/contiple/credentials.yaml");
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let output = run(
        &[("HOME", home_dir)],
        &["list-agents", "--all", "--format", "jsonl"],
        "",
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 2);
    let sent = server.queries();
    assert!(!sent.is_empty());
    let output = run(&[("HOME", home_dir)], &["auth", "status"], "");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!all.contains(&c.security_key), "{all}");
    assert!(all.contains("from default profile work"), "{all}");
}
