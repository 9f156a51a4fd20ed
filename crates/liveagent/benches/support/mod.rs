//! What the LiveAgent benches share: synthetic pages built from the docs' example row, a
//! loopback HTTP server (hyper) and where raw measurements are written for `cargo xtask bench`.

#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

/// One synthetic conversation: the docs' example row of `GET /conversations` with the id,
/// code, cursor and texts varied by `i`; `subject` replaces the subject when given.
pub fn conversation(i: usize, subject: Option<&str>) -> serde_json::Value {
    let subject = subject.map_or_else(|| format!("Test ticket {i}"), str::to_owned);
    serde_json::json!({
        "conversationid": format!("s4y{i:05}"), "code": format!("AX4-B4T-{i:05}"),
        "datecreated": "2012-03-02 11:21:04", "datechanged": "2012-03-02 11:21:05",
        "departmentname": "Department 1", "departmentid": "a5j9t4d8", "status": "A",
        "ownername": format!("John Owner {i}"), "owneremail": "john@owner.com",
        "subject": subject, "preview": format!("this is test ticket number {i}"),
        "publicurlcode": format!("bI5fR3oN{i:08}"), "tags": "tagid1,tagid2",
        "channel_type": "E", "messagegroupsin": "2", "messagegroupsout": "5",
        "cursor": format!("k{i}")
    })
}

/// A `listConversations` body with the rows `range` (synthetic).
pub fn conversations_page(range: std::ops::Range<usize>) -> Bytes {
    let rows: Vec<_> = range.map(|i| conversation(i, None)).collect();
    Bytes::from(
        serde_json::to_vec(&serde_json::json!({"response": {"conversations": rows}})).unwrap(),
    )
}

/// A loopback HTTP/1.1 server on its own thread and runtime, answering every request with
/// `respond(path_and_query)` as a 200 JSON body. Lives as long as the process.
pub fn serve<F>(respond: F) -> SocketAddr
where
    F: Fn(&str) -> Bytes + Send + Sync + 'static,
{
    let respond = Arc::new(respond);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                stream.set_nodelay(true).unwrap();
                let respond = respond.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request: hyper::Request<_>| {
                        let target = request
                            .uri()
                            .path_and_query()
                            .map_or_else(String::new, |p| p.as_str().to_owned());
                        let body = respond(&target);
                        async move {
                            Ok::<_, Infallible>(
                                hyper::Response::builder()
                                    .header("content-type", "application/json")
                                    .body(Full::new(body))
                                    .unwrap(),
                            )
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    rx.recv().unwrap()
}

/// The value of query parameter `name` in a request target (`/path?a=1&b=2`).
pub fn query(target: &str, name: &str) -> Option<String> {
    let query = target.split_once('?')?.1;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

/// Where raw measurements go: `$XTASK_BENCH_OUT`, else `target/bench/raw` beside the bench
/// binary (`target/release/deps/<bench>` → `target/bench/raw`).
pub fn raw_dir() -> PathBuf {
    let dir = std::env::var_os("XTASK_BENCH_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let exe = std::env::current_exe().unwrap();
            exe.ancestors().nth(3).unwrap().join("bench/raw")
        });
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Whether `cargo xtask bench --quick` (or `BENCH_QUICK=1`) asked for a smoke run.
pub fn quick() -> bool {
    std::env::var_os("BENCH_QUICK").is_some_and(|v| v == "1")
}
