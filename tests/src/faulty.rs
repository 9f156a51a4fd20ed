//! A local HTTP/1.1 server that misbehaves on purpose, for resilience tests: each request is
//! answered by a handler that sees the request number and the request line, and may reset the
//! connection instead of answering, answer late, or answer with raw bytes that need not be
//! HTTP at all (arbitrary header bytes, duplicate headers, a lying `Content-Length`, chunked
//! garbage).
//!
//! Requests are read whole (their `Content-Length` or chunked body included) before the
//! handler answers, so a kept-alive connection stays in step: the server is a
//! [`loopback`](crate::loopback) server.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::loopback;

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

/// Starts the server; returns its base URL and a counter of the requests it got.
pub async fn serve_faulty(
    handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    let handler = Arc::new(handler);
    let base_url = loopback::serve(move |mut connection| {
        let handler = handler.clone();
        let counter = counter.clone();
        async move {
            loop {
                let Some(target) = connection.read_request().await else {
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
                        connection.reset();
                        return;
                    }
                    Reply::Raw(bytes) => {
                        let socket = connection.socket();
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
                        if connection
                            .socket()
                            .write_all(response.as_bytes())
                            .await
                            .is_err()
                        {
                            return;
                        }
                    }
                }
            }
        }
    })
    .await;
    (base_url, count)
}
