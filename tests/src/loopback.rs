//! The loopback server under the tests' hand-made HTTP servers: it listens on a free port of
//! 127.0.0.1, hands every connection, numbered, to the test's handler on its own task, and
//! reads one whole HTTP/1.1 request at a time (its `Content-Length` or chunked body included),
//! so that a handler answers only once the request is in and a kept-alive connection stays in
//! step. What the handler writes back is up to the test: `faulty` answers per request; a test
//! that needs a server no reply of `faulty` describes (a body that streams or stalls) writes
//! to the socket itself.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::net::TcpStream;

/// The longest request head or chunk-size line read; a longer one ends the connection.
const MAX_LINE: usize = 64 * 1024;

/// One accepted connection.
pub struct Connection {
    /// 0-based number of the connection, in the order they were accepted.
    pub number: usize,
    socket: BufReader<TcpStream>,
}

impl Connection {
    /// Reads one request's head and body; returns its target (path and query, as sent), or
    /// `None` when the connection ended, failed or sent a line longer than [`MAX_LINE`].
    pub async fn read_request(&mut self) -> Option<String> {
        read_request(&mut self.socket).await
    }

    /// The socket, to write the answer to.
    pub fn socket(&mut self) -> &mut TcpStream {
        self.socket.get_mut()
    }

    /// Resets the connection (RST) without answering.
    pub fn reset(self) {
        // A zero linger does not block: closing sends RST at once.
        #[allow(deprecated)]
        let _ = self.socket.get_ref().set_linger(Some(Duration::ZERO));
    }
}

/// Starts the server: every connection goes to `handler` on a task of its own, for as long as
/// the runtime runs. Returns the base URL, `http://127.0.0.1:<port>`.
pub async fn serve<F, Fut>(handler: F) -> String
where
    F: Fn(Connection) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("address");
    let handler = Arc::new(handler);
    tokio::spawn(async move {
        let mut number = 0;
        while let Ok((socket, _)) = listener.accept().await {
            let connection = Connection {
                number,
                socket: BufReader::new(socket),
            };
            number += 1;
            tokio::spawn(handler(connection));
        }
    });
    format!("http://{address}")
}

/// Reads one line (up to and including `\n`); `None` at EOF, on an error or a line longer
/// than [`MAX_LINE`].
async fn read_line<R: tokio::io::AsyncBufRead + Unpin>(reader: &mut R) -> Option<Vec<u8>> {
    let mut line = Vec::new();
    let read = (&mut *reader)
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut line)
        .await
        .ok()?;
    (read > 0 && line.ends_with(b"\n")).then_some(line)
}

/// Reads `length` bytes and drops them; `None` if the connection ends first.
async fn skip<R: tokio::io::AsyncBufRead + Unpin>(reader: &mut R, length: u64) -> Option<()> {
    let copied = tokio::io::copy(&mut (&mut *reader).take(length), &mut tokio::io::sink())
        .await
        .ok()?;
    (copied == length).then_some(())
}

/// Reads one request's head and body; returns its target, `None` when the connection ended.
async fn read_request<R: tokio::io::AsyncBufRead + Unpin>(reader: &mut R) -> Option<String> {
    let request_line = read_line(reader).await?;
    let request_line = String::from_utf8_lossy(&request_line).into_owned();
    let target = request_line.split(' ').nth(1).unwrap_or("/").to_owned();
    let mut length = 0u64;
    let mut chunked = false;
    loop {
        let line = read_line(reader).await?;
        if line == b"\r\n" || line == b"\n" {
            break;
        }
        let line = String::from_utf8_lossy(&line).to_ascii_lowercase();
        if let Some((name, value)) = line.split_once(':') {
            match name.trim() {
                "content-length" => length = value.trim().parse().ok()?,
                "transfer-encoding" => chunked = value.contains("chunked"),
                _ => {}
            }
        }
    }
    if chunked {
        loop {
            let size_line = read_line(reader).await?;
            let size = String::from_utf8_lossy(&size_line);
            let size = size.trim().split(';').next().unwrap_or_default();
            let size = u64::from_str_radix(size, 16).ok()?;
            if size == 0 {
                // Trailers, then the empty line.
                while read_line(reader).await? != b"\r\n" {}
                break;
            }
            skip(reader, size).await?;
            read_line(reader).await?;
        }
    } else if length > 0 {
        skip(reader, length).await?;
    }
    Some(target)
}
