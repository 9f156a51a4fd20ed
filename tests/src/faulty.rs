//! A local HTTP/1.1 server that misbehaves on purpose, for resilience tests: each request is
//! answered by a handler that sees the request number and the request line, and may reset the
//! connection instead of answering.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

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
    /// Resets the connection (RST) without answering.
    Reset,
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
        while let Ok((mut socket, _)) = listener.accept().await {
            let handler = handler.clone();
            let counter = counter.clone();
            tokio::spawn(async move {
                loop {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        match socket.read(&mut byte).await {
                            Ok(1) => head.push(byte[0]),
                            _ => return,
                        }
                    }
                    let text = String::from_utf8_lossy(&head).into_owned();
                    let target = text.split(' ').nth(1).unwrap_or("/").to_owned();
                    let number = counter.fetch_add(1, Ordering::SeqCst);
                    match handler(&Seen { number, target }) {
                        Reply::Reset => {
                            // A zero linger does not block: closing sends RST at once.
                            #[allow(deprecated)]
                            let _ = socket.set_linger(Some(Duration::ZERO));
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
                            if socket.write_all(response.as_bytes()).await.is_err() {
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
