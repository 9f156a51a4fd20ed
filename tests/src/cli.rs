//! Driving the command lines (`liveagent`, `contiple`) with a recorded request: the arguments
//! that make the CLI send exactly that request, and the exit code the client's outcome of the
//! same request calls for. Used by the CLI crates' tests against the replay server.

use std::path::Path;
use std::process::Command;

use heck::{ToKebabCase, ToSnakeCase};
use serde_json::Value;

use crate::{RecordedRequest, SpecIndex};

/// The subcommand of an operation: its id in kebab case (`getTag` → `get-tag`).
pub fn subcommand(operation: &str) -> String {
    operation.to_snake_case().to_kebab_case()
}

/// The argument of a parameter, as progenitor's CLI names it: the setter's name in kebab
/// case (`pageSize` → `--page-size`, `type` → `--type`).
pub fn flag(parameter: &str) -> String {
    let snake = parameter
        .replace('\'', "")
        .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-")
        .to_snake_case();
    format!("--{}", snake.to_kebab_case())
}

/// The arguments that send `request` as operation `operation`: the subcommand, a flag per
/// path, query and header parameter, the body as a `--json-body` file and an upload's file as
/// `--file`, both written under `dir`.
pub fn args(
    spec: &SpecIndex,
    operation: &str,
    request: &RecordedRequest,
    dir: &Path,
) -> anyhow::Result<Vec<String>> {
    let mut args = vec![subcommand(operation)];
    let path_params = spec.path_params(operation, &request.path);
    for (name, location) in spec.parameters(operation) {
        let value = match location.as_str() {
            "path" => path_params.get(&name).cloned(),
            "query" => request.query.get(&name).cloned(),
            "header" => request.headers.get(&name.to_ascii_lowercase()).cloned(),
            _ => None,
        };
        if let Some(value) = value {
            args.push(flag(&name));
            args.push(value);
        }
    }
    if let Some(form) = &request.form {
        let path = dir.join("body.json");
        std::fs::write(&path, serde_json::to_vec(form)?)?;
        args.extend(["--json-body".to_owned(), path.display().to_string()]);
    }
    if let Some(text) = &request.body_text {
        let path = dir.join("body.json");
        std::fs::write(&path, text)?;
        args.extend(["--json-body".to_owned(), path.display().to_string()]);
    }
    if let (Some(name), Some(encoded)) = (&request.file_name, &request.file_base64) {
        use base64::Engine as _;
        let path = dir.join(name);
        std::fs::write(
            &path,
            base64::engine::general_purpose::STANDARD.decode(encoded)?,
        )?;
        args.extend(["--file".to_owned(), path.display().to_string()]);
    }
    Ok(args)
}

/// The exit code the CLI must give for an outcome of the client (`crate::outcome`): 0 for
/// `ok`, else the code of the error's kind.
pub fn expected_exit(outcome: &Value) -> i32 {
    if outcome.get("ok").is_some() {
        return 0;
    }
    match outcome["error"]["variant"].as_str().unwrap_or_default() {
        "Api" => 3,
        "Decode" | "NotJson" | "UnexpectedStatus" | "BodyTooLarge" => 4,
        "Timeout" => 5,
        "Transport" => 6,
        "InvalidRequest" => 2,
        _ => 1,
    }
}

/// Checks the short help of the command line `bin`: `-h` has at most `max_lines` lines, one
/// per operation with its summary (`subcommand` listed with `summary` on its line), and
/// `--help` adds the exit codes.
pub fn assert_short_help(bin: &str, max_lines: usize, subcommand: &str, summary: &str) {
    let output = Command::new(bin).arg("-h").env_clear().output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let help = String::from_utf8_lossy(&output.stdout);
    let lines = help.lines().count();
    assert!(lines <= max_lines, "{lines} lines:\n{help}");
    assert!(
        help.lines()
            .any(|l| l.trim_start().starts_with(&format!("{subcommand} "))
                && l.ends_with(&format!(" {summary}"))),
        "an operation and its summary on one line: {help}"
    );
    let long = Command::new(bin)
        .arg("--help")
        .env_clear()
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&long.stdout).contains("Exit codes:"));
}
