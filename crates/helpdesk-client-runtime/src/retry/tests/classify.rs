//! What is retried and why: the methods a policy allows, the statuses worth another attempt,
//! the transport errors (connection failures told from timeouts, on real sockets on
//! 127.0.0.1), how a reason is shown in the log, and `RetryPolicy::none`'s single attempt.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use tokio::io::AsyncReadExt as _;

use super::super::{is_retryable_status, run, transport_reason, RetryPolicy, RetryReason};
use super::unavailable;

#[test]
fn the_policy_allows_the_idempotent_methods_and_the_others_only_when_opted_in() {
    let extension = Method::from_bytes(b"PURGE").unwrap();
    for (method, idempotent) in [
        (Method::GET, true),
        (Method::HEAD, true),
        (Method::PUT, true),
        (Method::DELETE, true),
        (Method::OPTIONS, true),
        (Method::POST, false),
        (Method::PATCH, false),
        (Method::TRACE, false),
        (Method::CONNECT, false),
        (extension, false),
    ] {
        assert_eq!(
            RetryPolicy::default().allows(&method),
            idempotent,
            "{method}"
        );
        let opted = RetryPolicy {
            retry_non_idempotent: true,
            ..RetryPolicy::default()
        };
        assert!(opted.allows(&method), "{method} opted in");
    }
}

#[test]
fn the_defaults_and_none() {
    let policy = RetryPolicy::default();
    assert_eq!(
        (
            policy.max_attempts,
            policy.max_elapsed,
            policy.min_delay,
            policy.max_delay,
            policy.retry_non_idempotent
        ),
        (
            4,
            Duration::from_secs(60),
            Duration::from_millis(250),
            Duration::from_secs(30),
            false
        )
    );
    assert_eq!(
        RetryPolicy::none(),
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    );
}

#[tokio::test(start_paused = true)]
async fn none_makes_one_attempt_of_a_retryable_failure() {
    let calls = AtomicU32::new(0);
    let result = run(&RetryPolicy::none(), true, "test", |_| {
        calls.fetch_add(1, Ordering::SeqCst);
        async { unavailable(None) }
    })
    .await;
    assert_eq!((result, calls.load(Ordering::SeqCst)), (503, 1));
}

#[test]
fn only_429_502_503_and_504_are_retryable_statuses() {
    for code in 100..=599u16 {
        let status = StatusCode::from_u16(code).unwrap();
        assert_eq!(
            is_retryable_status(status),
            matches!(code, 429 | 502 | 503 | 504),
            "{code}"
        );
    }
}

#[test]
fn reasons_read_well_in_the_log() {
    for (reason, shown) in [
        (
            RetryReason::Status(StatusCode::TOO_MANY_REQUESTS),
            "HTTP 429 Too Many Requests",
        ),
        (RetryReason::Connection, "connection failed"),
        (RetryReason::Timeout, "timed out"),
    ] {
        assert_eq!(reason.to_string(), shown);
    }
}

/// A listener on 127.0.0.1 that accepts connections and does `serve` with each.
async fn server<F, Fut>(serve: F) -> String
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream));
        }
    });
    format!("http://{address}/")
}

async fn error_of(url: &str, timeout: Option<Duration>) -> reqwest::Error {
    let mut client = reqwest::Client::builder();
    if let Some(timeout) = timeout {
        client = client.timeout(timeout);
    }
    client.build().unwrap().get(url).send().await.unwrap_err()
}

#[tokio::test]
async fn transport_errors_are_told_apart() {
    // Refused: a port that was just free.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", listener.local_addr().unwrap())
    };
    let refused = error_of(&closed, None).await;
    assert!(refused.is_connect(), "{refused:?}");
    assert_eq!(transport_reason(&refused), Some(RetryReason::Connection));

    // Connected, then closed without an answer: a request error that is not a connect error.
    let hang_up = server(|mut stream| async move {
        let mut buffer = [0u8; 1024];
        let _ = stream.read(&mut buffer).await;
    })
    .await;
    let reset = error_of(&hang_up, None).await;
    assert!(!reset.is_connect() && !reset.is_timeout(), "{reset:?}");
    assert_eq!(transport_reason(&reset), Some(RetryReason::Connection));

    // Connected, never answered: the client's timeout.
    let silent = server(|stream| async move {
        tokio::time::sleep(Duration::from_secs(5)).await;
        drop(stream);
    })
    .await;
    let timeout = error_of(&silent, Some(Duration::from_millis(50))).await;
    assert_eq!(transport_reason(&timeout), Some(RetryReason::Timeout));

    // Not a transport failure: a URL the client cannot build a request for.
    let builder = error_of("http://exa mple.com/", None).await;
    assert!(builder.is_builder(), "{builder:?}");
    assert_eq!(transport_reason(&builder), None);
}
