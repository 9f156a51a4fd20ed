//! A local HTTP/1.1 server that misbehaves on purpose, for resilience tests: each request is
//! answered by a handler that sees the request number and the request line, and may reset the
//! connection instead of answering, answer late, or answer with raw bytes that need not be
//! HTTP at all (arbitrary header bytes, duplicate headers, a lying `Content-Length`, chunked
//! garbage).
//!
//! Requests are read whole (their `Content-Length` or chunked body included) before the
//! handler answers, so a kept-alive connection stays in step.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

/// The longest request head or chunk-size line read; a longer one ends the connection.
const MAX_LINE: usize = 64 * 1024;

/// What the server does with one request.
pub enum Reply {
    /// Answers with this status, extra headers and body (sent with a `content-length`).
    Respond {
        /// HTTP status.
        status: u16,
        /// Extra headers (`content-type: application/json` is always sent).
        headers: Vec<(String, String)>,
        /// The body.
        body: String,
    },
    /// Writes these bytes as they are (status line, headers and body: anything), then closes
    /// the connection (FIN after the bytes, so that a body without a length ends there).
    Raw(Vec<u8>),
    /// Resets the connection (RST) without answering.
    Reset,
    /// Waits this long, then does the other reply.
    After(Duration, Box<Reply>),
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, body: String) -> Self {
        Self::Respond {
            status,
            headers: Vec::new(),
            body,
        }
    }
}

/// The request as the handler sees it.
pub struct Seen {
    /// 0-based number of the request, over all connections.
    pub number: usize,
    /// The request target: path and query, as sent.
    pub target: String,
}

impl Seen {
    /// A query parameter, decoded.
    pub fn query(&self, name: &str) -> Option<String> {
        let (_, query) = self.target.split_once('?')?;
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.into_owned())
    }
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
            let copied = tokio::io::copy(&mut (&mut *reader).take(size), &mut tokio::io::sink())
                .await
                .ok()?;
            if copied != size {
                return None;
            }
            read_line(reader).await?;
        }
    } else if length > 0 {
        let copied = tokio::io::copy(&mut (&mut *reader).take(length), &mut tokio::io::sink())
            .await
            .ok()?;
        if copied != length {
            return None;
        }
    }
    Some(target)
}

/// Starts the server; returns its base URL and a counter of the requests it got.
pub async fn serve_faulty(
    handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("address");
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    let handler = Arc::new(handler);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let handler = handler.clone();
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut socket = BufReader::new(socket);
                loop {
                    let Some(target) = read_request(&mut socket).await else {
                        return;
                    };
                    let number = counter.fetch_add(1, Ordering::SeqCst);
                    let mut reply = handler(&Seen { number, target });
                    while let Reply::After(wait, then) = reply {
                        tokio::time::sleep(wait).await;
                        reply = *then;
                    }
                    match reply {
                        Reply::After(..) => unreachable!("waited for above"),
                        Reply::Reset => {
                            // A zero linger does not block: closing sends RST at once.
                            #[allow(deprecated)]
                            let _ = socket.get_ref().set_linger(Some(Duration::ZERO));
                            return;
                        }
                        Reply::Raw(bytes) => {
                            let socket = socket.get_mut();
                            if socket.write_all(&bytes).await.is_err() {
                                return;
                            }
                            // FIN, then wait for the client to close: closing with unread
                            // bytes would send RST and could discard the answer.
                            let _ = socket.shutdown().await;
                            let mut rest = [0u8; 4096];
                            let drain = async {
                                while matches!(socket.read(&mut rest).await, Ok(n) if n > 0) {}
                            };
                            let _ = tokio::time::timeout(Duration::from_secs(10), drain).await;
                            return;
                        }
                        Reply::Respond {
                            status,
                            headers,
                            body,
                        } => {
                            let mut response = format!(
                                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
                                body.len()
                            );
                            for (name, value) in headers {
                                response.push_str(&format!("{name}: {value}\r\n"));
                            }
                            response.push_str("\r\n");
                            response.push_str(&body);
                            if socket
                                .get_mut()
                                .write_all(response.as_bytes())
                                .await
                                .is_err()
                            {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    (format!("http://{address}"), count)
}
