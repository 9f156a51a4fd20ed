//! The command line in a terminal and a shell: in an 80-column tmux pane (Debian's `tmux`), a
//! table fits the pane and `--all`'s progress bar leaves exactly its summary line; bash loads
//! the completion script (`source <(liveagent completion bash)`), and the zsh, fish,
//! PowerShell and Elvish scripts are generated; the hidden `man-page` prints the man page.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use api_tests::capped;
use api_tests::cli::runtime;

const BIN: &str = env!("CARGO_BIN_EXE_liveagent");
const KEY: &str = "cli-test-api-key-not-a-secret";

/// A tmux server of its own (socket in a temporary directory), killed when dropped.
struct Tmux {
    socket: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmux {
    fn start(width: u16, height: u16, command: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let tmux = Self {
            socket: dir.path().join("socket"),
            _dir: dir,
        };
        let status = tmux
            .command()
            .args([
                "new-session",
                "-d",
                "-s",
                "t",
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
                command,
            ])
            .status()
            .unwrap_or_else(|err| {
                panic!("this test needs tmux (Debian package `tmux`: apt-get install tmux): {err}")
            });
        assert!(status.success());
        tmux
    }

    fn command(&self) -> Command {
        let mut command = Command::new("tmux");
        command.arg("-S").arg(&self.socket);
        command
    }

    /// The pane's text, once `marker` shows (at most 30 s).
    fn screen_after(&self, marker: &str) -> String {
        let started = Instant::now();
        loop {
            let output = self
                .command()
                .args(["capture-pane", "-p", "-J", "-t", "t"])
                .output()
                .unwrap();
            let screen = String::from_utf8_lossy(&output.stdout).into_owned();
            if screen.contains(marker) {
                return screen;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "no {marker}: {screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.command().arg("kill-server").status();
    }
}

#[test]
fn in_an_80_column_pane_a_table_fits_and_the_progress_bar_leaves_its_summary() {
    let rt = runtime();
    // One page of conversations with long subjects (rows without cursors end the stream).
    let long = rt.block_on(wiremock::MockServer::start());
    let rows: Vec<serde_json::Value> = (0..4)
        .map(|i| {
            serde_json::json!({
                "conversationid": format!("conv{i}"),
                "status": "A",
                "subject": format!("Order {i}: the parcel arrived damaged and the customer asks for a refund or a replacement, whichever ships first, before the holidays"),
            })
        })
        .collect();
    rt.block_on(
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(
                wiremock::ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({"response": {"conversations": rows}})),
            )
            .mount(&long),
    );
    let capped = rt.block_on(capped::liveagent_conversations(30));
    let script = format!(
        "export LIVEAGENT_API_KEY={KEY}; \
         LIVEAGENT_BASE_URL={long} {BIN} list-conversations --all --no-retries --format table --fields conversationid,status,subject; \
         LIVEAGENT_BASE_URL={capped} {BIN} list-conversations --all --no-retries --format csv > /dev/null; \
         echo END-OF-TEST; sleep 60",
        long = long.uri(),
        capped = capped.uri()
    );
    let tmux = Tmux::start(80, 60, &script);
    let screen = tmux.screen_after("END-OF-TEST");
    let lines: Vec<&str> = screen.lines().collect();
    for line in &lines {
        assert!(
            line.chars().count() <= 80,
            "wider than the pane: {line:?}\n{screen}"
        );
    }
    let table: Vec<&&str> = lines
        .iter()
        .filter(|l| l.starts_with(['┌', '│', '╞', '├', '└']))
        .collect();
    assert!(
        table.iter().any(|l| l.chars().count() >= 70),
        "the table uses the pane's width: {screen}"
    );
    assert!(
        table.iter().filter(|l| l.contains("conv")).count() >= 4,
        "{screen}"
    );
    assert!(
        screen.contains("whichever"),
        "the subjects wrap, whole: {screen}"
    );
    // The progress bar of each run is cleared, leaving its one summary line.
    let summaries: Vec<&&str> = lines
        .iter()
        .filter(|l| l.contains(" in ") && l.ends_with(" s"))
        .collect();
    assert_eq!(summaries.len(), 2, "{screen}");
    assert!(summaries[0].starts_with("4 rows in 1 page, "), "{screen}");
    assert!(
        summaries[1].starts_with("30 rows in 11 pages, "),
        "{screen}"
    );
    assert!(!screen.contains("rows/s"), "no progress bar left: {screen}");
}

#[test]
fn bash_loads_the_completion_script_and_the_other_shells_get_theirs() {
    let dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("bash")
        .args([
            "-c",
            "source <(liveagent completion bash) && complete -p liveagent",
        ])
        .env("PATH", &path)
        .output()
        .expect("bash runs");
    assert!(output.status.success(), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("liveagent"));
    for (shell, mark) in [
        ("zsh", "#compdef liveagent"),
        ("fish", "complete -c liveagent"),
        ("powershell", "liveagent"),
        ("elvish", "liveagent"),
    ] {
        let output = Command::new(BIN)
            .args(["completion", shell])
            .output()
            .unwrap();
        assert!(output.status.success(), "{shell}: {output:?}");
        let script = String::from_utf8_lossy(&output.stdout);
        assert!(script.contains(mark), "{shell}: {script}");
        assert!(
            script.contains("list-conversations"),
            "{shell}: the operations"
        );
    }
    let output = Command::new(BIN)
        .args(["completion", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn the_man_page_is_roff_listing_every_operation_and_auth() {
    let output = Command::new(BIN).arg("man-page").output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let page = String::from_utf8_lossy(&output.stdout);
    assert!(page.starts_with(".ie"), "roff: {page}");
    assert!(page.contains(".TH liveagent 1"), "{page}");
    for name in ["list\\-conversations", "auth", "completion"] {
        assert!(page.contains(name), "{name}: {page}");
    }
    let help = Command::new(BIN).arg("-h").output().unwrap();
    assert!(
        !String::from_utf8_lossy(&help.stdout).contains("man-page"),
        "hidden"
    );
}
