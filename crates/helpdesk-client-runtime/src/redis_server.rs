//! A `redis-server` of a test's own (features `redis` and `test-support`): on a free loopback
//! port, in a temporary directory, without persistence, stopped when dropped. Without Debian's
//! `redis-server` package installed, starting one panics with a message naming the package: the
//! tests that need it fail rather than pass silently.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `redis-server`, stopped (and its directory removed) on drop.
#[derive(Debug)]
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
}

impl RedisServer {
    /// Starts one on a free port of 127.0.0.1 and waits until it answers `PING`.
    pub fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free loopback port")
            .port();
        static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "helpdesk-redis-{}-{port}-{}",
            std::process::id(),
            STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let mut server = Self {
            child: None,
            port,
            dir,
        };
        server.restart();
        server
    }

    /// `redis://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kills the server (SIGKILL: no clean shutdown), as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port (empty: nothing is persisted), after [`Self::kill`].
    pub fn restart(&mut self) {
        self.kill();
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .arg("--dir")
            .arg(&self.dir)
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ])
            .args(["--enable-debug-command", "local"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match child {
            Ok(child) => child,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => panic!(
                "`redis-server` is not installed: the shared-quota tests need a real Redis; \
                 install Debian's `redis-server` package (`apt-get install redis-server`)"
            ),
            Err(err) => panic!("starting redis-server: {err}"),
        };
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let client = redis::Client::open(self.url()).expect("a valid URL");
            let ping = client
                .get_connection_with_timeout(Duration::from_millis(200))
                .and_then(|mut connection| redis::cmd("PING").query::<String>(&mut connection));
            if ping.is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "redis-server did not answer on port {} within 10 s",
                self.port
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Every key and its serialized value (`SCAN`, then `DUMP` of each).
    pub fn keyspace(&self) -> std::collections::BTreeMap<Vec<u8>, Vec<u8>> {
        let mut connection = self.connection();
        let keys: Vec<Vec<u8>> = redis::cmd("SCAN")
            .cursor_arg(0)
            .arg("COUNT")
            .arg(1000)
            .clone()
            .iter::<Vec<u8>>(&mut connection)
            .expect("SCAN")
            .collect::<Result<_, _>>()
            .expect("SCAN");
        let mut connection = self.connection();
        keys.into_iter()
            .map(|key| {
                let value: Vec<u8> = redis::cmd("DUMP")
                    .arg(&key)
                    .query(&mut connection)
                    .expect("DUMP");
                (key, value)
            })
            .collect()
    }

    /// Whether a key matches `pattern` (`KEYS`); false when the server does not answer.
    pub fn has_key_matching(&self, pattern: &str) -> bool {
        let Ok(client) = redis::Client::open(self.url()) else {
            return false;
        };
        client
            .get_connection_with_timeout(Duration::from_millis(100))
            .and_then(|mut connection| {
                redis::cmd("KEYS")
                    .arg(pattern)
                    .query::<Vec<Vec<u8>>>(&mut connection)
            })
            .is_ok_and(|keys| !keys.is_empty())
    }

    /// Stalls the server for whole seconds (`DEBUG SLEEP`, from a connection of its own);
    /// blocks until it answers again.
    pub fn stall(&self, seconds: u32) {
        let mut connection = self.connection();
        let _: redis::RedisResult<()> = redis::cmd("DEBUG")
            .arg("SLEEP")
            .arg(seconds)
            .query(&mut connection);
    }

    /// A blocking connection, for a test's own commands.
    pub fn connection(&self) -> redis::Connection {
        redis::Client::open(self.url())
            .expect("a valid URL")
            .get_connection_with_timeout(Duration::from_secs(5))
            .expect("a connection to the test's redis-server")
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
