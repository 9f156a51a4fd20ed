//! The command lines (`liveagent`, `contiple`) under test, one harness for both: a
//! [`CommandLine`] runs its binary with a base URL and the recordings' credentials in an
//! otherwise empty environment, sends every recording through its subcommand and compares the
//! exit code and output with the client's outcome of the same request ([`args`] makes the
//! arguments that send exactly that request, [`expected_exit`] the exit code an outcome calls
//! for), and checks what both CLIs promise alike: bad input is one line and exit 2 with
//! nothing sent, the secret never shows, a body flag overrides the `--json-body` file, `-h` is
//! short. Used by the CLI crates' tests against the replay server.

use std::collections::BTreeSet;
use std::future::Future;
use std::path::Path;
use std::process::{Command, Output};

use base64::Engine as _;
use heck::{ToKebabCase, ToSnakeCase};
use mock_server::{Options, ReplayServer};
use recording::Api;
use serde_json::Value;

use crate::{Call, RecordedRequest, SpecIndex};

/// The LiveAgent CLI's API key in these tests: made up, never a real one.
const LIVEAGENT_KEY: &str = "cli-test-api-key-not-a-secret";

/// A command line under test: its binary, the API it calls, and the environment that gives it
/// a base URL and credentials.
pub struct CommandLine {
    bin: &'static str,
    api: &'static Api,
    base_url_var: &'static str,
    credentials: Vec<(&'static str, String)>,
    secret: String,
    envelope: &'static str,
}

impl CommandLine {
    /// The `liveagent` binary at `bin`, with a made-up API key (the replay server checks only
    /// that one is sent); it prints the `response` member of the envelope.
    pub fn liveagent(bin: &'static str) -> Self {
        Self {
            bin,
            api: &crate::LIVEAGENT,
            base_url_var: "LIVEAGENT_BASE_URL",
            credentials: vec![("LIVEAGENT_API_KEY", LIVEAGENT_KEY.to_owned())],
            secret: LIVEAGENT_KEY.to_owned(),
            envelope: "response",
        }
    }

    /// The `contiple` binary at `bin`, with the recordings' credentials (the replay server
    /// checks each signature with them; the binary signs with the system clock); it prints
    /// the `result` member of the envelope.
    pub fn contiple(bin: &'static str) -> Self {
        let credentials = crate::contiple_credentials();
        Self {
            bin,
            api: &crate::CONTIPLE,
            base_url_var: "CONTIPLE_BASE_URL",
            secret: credentials.security_key.clone(),
            credentials: vec![
                ("CONTIPLE_SERVICE_ID", credentials.service_id),
                ("CONTIPLE_ORGANIZATION_ID", credentials.organization_id),
                ("CONTIPLE_SECURITY_KEY", credentials.security_key),
            ],
            envelope: "result",
        }
    }

    /// The secret of the credentials (API key or security key), which no output may show.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The whole environment of a run against `base_url`: the base URL, then the credentials.
    pub fn env(&self, base_url: &str) -> Vec<(&'static str, String)> {
        let mut env = vec![(self.base_url_var, base_url.to_owned())];
        env.extend(self.credentials.iter().cloned());
        env
    }

    /// Runs the binary against `base_url` with `args` and `--no-retries`.
    pub fn run(&self, base_url: &str, args: &[&str]) -> Output {
        Command::new(self.bin)
            .args(args)
            .arg("--no-retries")
            .env_clear()
            .envs(self.env(base_url))
            .output()
            .expect("the binary runs")
    }

    /// Runs the binary with `args` and no environment but `env`.
    pub fn run_with_env<K: AsRef<std::ffi::OsStr>, V: AsRef<std::ffi::OsStr>>(
        &self,
        env: &[(K, V)],
        args: &[&str],
    ) -> Output {
        Command::new(self.bin)
            .args(args)
            .env_clear()
            .envs(env.iter().map(|(k, v)| (k, v)))
            .output()
            .expect("the binary runs")
    }

    /// The replay server of the API's recordings, answering with `case` where an operation has
    /// it (mock-server's `prefer_case`).
    pub fn replay_server(&self, case: Option<&str>) -> Served<ReplayServer> {
        let mut options = Options::new(self.api);
        if let Some(case) = case {
            options = options.prefer_case(case);
        }
        Served::start(async {
            ReplayServer::start(options)
                .await
                .expect("the replay server starts")
        })
    }

    /// Sends every recording of the API through its subcommand, against the replay server
    /// preferring the recording's case: the exit code must be the one the client's outcome of
    /// the same request calls for; a success prints the envelope's payload as the client
    /// decodes it (a download, written with `--output`, is the client's bytes), an error is
    /// one line of stderr and nothing on stdout. Every operation must be exercised.
    pub fn assert_every_recording_replays(&self) {
        let spec = SpecIndex::of(self.api).unwrap();
        let mut exercised = BTreeSet::new();
        let mut failures = Vec::new();
        for rec in crate::load_all(self.api.name).unwrap() {
            let server = self.replay_server(Some(&rec.case));
            for exchange in rec.exchanges() {
                let operation = rec.operation_of(exchange);
                let call = Call::new(spec, operation, &exchange.request);
                let outcome =
                    server.block_on(crate::dispatch::call(self.api, &server.uri(), &call));
                let dir = tempfile::tempdir().unwrap();
                let mut args = args(spec, operation, &exchange.request, dir.path()).unwrap();
                let download = dir.path().join("download.bin");
                if spec.returns_file(operation) {
                    args.extend(["--output".to_owned(), download.display().to_string()]);
                }
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let output = self.run(&server.uri(), &args);
                let name = format!("{} ({})", rec.name(), args.join(" "));
                let code = output.status.code();
                if code != Some(expected_exit(&outcome)) {
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
                        let payload = body.get(self.envelope).unwrap_or(body);
                        if &stdout_json(&output) != payload {
                            failures.push(format!("{name}: printed something else than {payload}"));
                        }
                    }
                    None => {
                        let stderr = String::from_utf8_lossy(&output.stderr);
                        if stderr.lines().count() != 1 || !output.stdout.is_empty() {
                            failures
                                .push(format!("{name}: an error is one line of stderr: {stderr}"));
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

    /// Runs `args` against `base_url`: it must succeed and print one JSON line per row, the
    /// rows' `field`s being `expected`, in order.
    pub fn assert_rows(&self, base_url: &str, args: &[&str], field: &str, expected: &[String]) {
        let output = self.run(base_url, args);
        assert!(output.status.success(), "{args:?}: {output:?}");
        assert_eq!(column(&output, field), expected, "{args:?}");
    }

    /// Runs each case with no environment but its own, against nothing (`server`, from
    /// [`unreached`], must get no request): exit 2, one line of stderr naming what the case
    /// says, nothing on stdout.
    pub fn assert_bad_input(&self, server: &Served<wiremock::MockServer>, cases: &[BadInput]) {
        for (env, args, names) in cases {
            let output = self.run_with_env(env, args);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{args:?}: one line: {stderr}");
            assert!(stderr.contains(names), "{args:?}: names {names}: {stderr}");
            assert!(output.stdout.is_empty());
        }
        let received = server.block_on(server.received_requests()).unwrap();
        assert!(received.is_empty(), "nothing sent: {received:?}");
    }

    /// Runs each of `runs` against `base_url`: neither stdout nor stderr shows the secret.
    pub fn assert_secret_never_shows(&self, base_url: &str, runs: &[&[&str]]) {
        for args in runs {
            let output = self.run(base_url, args);
            for stream in [&output.stdout, &output.stderr] {
                let text = String::from_utf8_lossy(stream);
                assert!(
                    !text.contains(self.secret()),
                    "{args:?} shows the key: {text}"
                );
            }
        }
    }

    /// Runs `subcommand --json-body <file> flags…`, the file holding `file_text`, against a
    /// plain mock server that answers every `POST` with `response`: the run must succeed and
    /// send one request. Returns the output and that request, which shows what was sent.
    pub fn run_with_json_body(
        &self,
        response: Value,
        file_text: &str,
        subcommand: &str,
        flags: &[&str],
    ) -> (Output, wiremock::Request) {
        let server = Served::start(wiremock::MockServer::start());
        server.block_on(
            wiremock::Mock::given(wiremock::matchers::method("POST"))
                .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(response))
                .mount(&server),
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("body.json");
        std::fs::write(&file, file_text).unwrap();
        let file = file.display().to_string();
        let mut args = vec![subcommand, "--json-body", &file];
        args.extend(flags);
        let output = self.run(&server.uri(), &args);
        assert!(output.status.success(), "{output:?}");
        let mut received = server.block_on(server.received_requests()).unwrap();
        assert_eq!(received.len(), 1);
        (output, received.remove(0))
    }

    /// Checks the short help: `-h` has at most `max_lines` lines, one per operation with its
    /// summary (`subcommand` listed with `summary` on its line), and `--help` adds the exit
    /// codes.
    pub fn assert_short_help(&self, max_lines: usize, subcommand: &str, summary: &str) {
        let output = Command::new(self.bin)
            .arg("-h")
            .env_clear()
            .output()
            .unwrap();
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
        let long = Command::new(self.bin)
            .arg("--help")
            .env_clear()
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&long.stdout).contains("Exit codes:"));
    }
}

/// A bad-input case: the environment, the arguments, and what the one-line error must name.
pub type BadInput<'a> = (Vec<(&'a str, &'a str)>, Vec<&'a str>, &'a str);

/// A server with the runtime it runs on, so that it answers while the test's thread waits for
/// a binary; it derefs to the server.
pub struct Served<S> {
    // Dropped before the runtime it runs on.
    server: S,
    rt: tokio::runtime::Runtime,
}

impl<S> Served<S> {
    /// Starts the server `start` makes, on a runtime of its own ([`runtime`]).
    pub fn start(start: impl Future<Output = S>) -> Self {
        let rt = runtime();
        let server = rt.block_on(start);
        Self { server, rt }
    }

    /// Runs `future` on the server's runtime.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.rt.block_on(future)
    }
}

impl<S> std::ops::Deref for Served<S> {
    type Target = S;

    fn deref(&self) -> &S {
        &self.server
    }
}

/// A plain mock server, the base URL of the bad-input cases: it must receive nothing.
pub fn unreached() -> Served<wiremock::MockServer> {
    Served::start(wiremock::MockServer::start())
}

/// The runtime the tests drive servers and clients on: one worker thread, so that a server
/// keeps answering while the test waits for a binary.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

/// Runs `command` (its arguments and environment set by the caller) with `stdin` on its
/// standard input and its output captured.
pub fn output_with_stdin(mut command: Command, stdin: &str) -> Output {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("a piped stdin")
        .write_all(stdin.as_bytes())
        .expect("stdin is written");
    child.wait_with_output().expect("the binary's output")
}

/// The binary's stdout as one JSON value.
pub fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// The `field` of every JSON line of `output`'s stdout.
pub fn column(output: &Output, field: &str) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let row: Value = serde_json::from_str(line).unwrap();
            row[field].as_str().unwrap().to_owned()
        })
        .collect()
}

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
