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

use contiple::paginate::{report_every, write_json_lines};
use contiple::Client;

/// Writes every ticket of `usercode` to `out`, one JSON object per line; returns how many.
pub async fn export(
    client: &Client,
    usercode: &str,
    out: impl std::io::Write,
) -> Result<usize, Box<dyn std::error::Error + Send + Sync>> {
    let tickets = client.list_customer_tickets().usercode(usercode).stream();
    write_json_lines(tickets, out, report_every(1000, "tickets")).await
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
