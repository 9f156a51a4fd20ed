//! Exports every ticket of one Contiple customer as JSON lines.
//!
//! ```sh
//! CONTIPLE_BASE_URL=https://nhn-cs.oc.nhncloud.com CONTIPLE_SERVICE_ID=… \
//! CONTIPLE_ORGANIZATION_ID=… CONTIPLE_SECURITY_KEY=… CONTIPLE_USERCODE=… \
//!     cargo run -p contiple --example export_tickets > tickets.jsonl
//! ```
//!
//! Streams the customer's tickets page by page (`page`/`pageSize`, up to the reported `pages`)
//! and prints one JSON object per ticket to stdout; progress and retries go to stderr. The
//! client retries 503s, 429s with `Retry-After` and reset connections.

use contiple::Client;
use futures::TryStreamExt as _;

/// Writes every ticket of `usercode` to `out`, one JSON object per line, with a
/// progress line on stderr every 1,000 rows; returns how many.
pub async fn export(
    client: &Client,
    usercode: &str,
    mut out: impl std::io::Write,
) -> Result<usize, Box<dyn std::error::Error + Send + Sync>> {
    let mut tickets = client.list_customer_tickets().usercode(usercode).stream();
    let mut count = 0;
    while let Some(ticket) = tickets.try_next().await? {
        contiple::serde_json::to_writer(&mut out, &ticket)?;
        out.write_all(b"\n")?;
        count += 1;
        if count % 1000 == 0 {
            eprintln!("{count} tickets written");
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
    let var = |name: &str| std::env::var(name).map_err(|_| format!("set {name}"));
    let client = Client::new(
        &var("CONTIPLE_BASE_URL")?,
        &var("CONTIPLE_SERVICE_ID")?,
        &var("CONTIPLE_ORGANIZATION_ID")?,
        &var("CONTIPLE_SECURITY_KEY")?,
    )?;
    let count = export(
        &client,
        &var("CONTIPLE_USERCODE")?,
        std::io::stdout().lock(),
    )
    .await?;
    eprintln!("done: {count} tickets");
    Ok(())
}
