//! Exports every conversation of a LiveAgent account as JSON lines.
//!
//! ```sh
//! LIVEAGENT_BASE_URL=https://example.ladesk.com/api LIVEAGENT_API_KEY=… \
//!     cargo run -p liveagent --example export_conversations > conversations.jsonl
//! ```
//!
//! Streams the conversations page by page (cursor pagination) and prints one JSON object per
//! conversation to stdout: the conversation as decoded, re-encoded (every field the spec
//! declares; absent values are left out). Progress and retries (the client's `warn` logs) go
//! to stderr. 503s, 429s with `Retry-After` and reset connections are retried by the client,
//! so a flaky server loses or duplicates no row.

use futures::TryStreamExt as _;
use liveagent::{ApiKey, Client};

/// Writes every conversation to `out`, one JSON object per line, with a
/// progress line on stderr every 1,000 rows; returns how many.
pub async fn export(
    client: &Client,
    mut out: impl std::io::Write,
) -> Result<usize, Box<dyn std::error::Error + Send + Sync>> {
    let mut conversations = client.list_conversations().stream();
    let mut count = 0;
    while let Some(conversation) = conversations.try_next().await? {
        liveagent::serde_json::to_writer(&mut out, &conversation)?;
        out.write_all(b"\n")?;
        count += 1;
        if count % 1000 == 0 {
            eprintln!("{count} conversations written");
        }
    }
    out.flush()?;
    Ok(count)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    // Retries are logged at `warn`: to stderr, beside the progress.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    let base_url = std::env::var("LIVEAGENT_BASE_URL").map_err(|_| "set LIVEAGENT_BASE_URL")?;
    let key = std::env::var("LIVEAGENT_API_KEY").map_err(|_| "set LIVEAGENT_API_KEY")?;
    let client = Client::new(&base_url, ApiKey::new(key))?;
    let count = export(&client, std::io::stdout().lock()).await?;
    eprintln!("done: {count} conversations");
    Ok(())
}
