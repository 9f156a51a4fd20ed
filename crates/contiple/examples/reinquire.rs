//! Adds a customer's follow-up question (a re-inquiry) to one of their tickets.
//!
//! ```sh
//! CONTIPLE_BASE_URL=https://nhn-cs.oc.nhncloud.com CONTIPLE_SERVICE_ID=... \
//! CONTIPLE_ORGANIZATION_ID=... CONTIPLE_SECURITY_KEY=... \
//!     cargo run -p contiple --example reinquire -- <usercode> <ticket id> "It happened again."
//! ```

use contiple::types::CustomerTicketContent;
use contiple::{Client, ResultExt};

/// Adds `comment` to the ticket as the customer `usercode`; returns the added entry.
pub async fn reinquire(
    client: &Client,
    usercode: &str,
    ticket_id: &str,
    comment: &str,
) -> Result<CustomerTicketContent, contiple::Error> {
    let added = client
        .reinquire_ticket()
        .usercode(usercode)
        .ticket_id(ticket_id)
        .body_map(|b| b.comment(comment))
        .send()
        .await
        .payload()
        .await?;
    Ok(added.content)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let usage = "usage: reinquire <usercode> <ticket id> <comment>";
    let mut args = std::env::args().skip(1);
    let (usercode, ticket_id, comment) = (
        args.next().ok_or(usage)?,
        args.next().ok_or(usage)?,
        args.next().ok_or(usage)?,
    );
    let client = Client::new(
        &std::env::var("CONTIPLE_BASE_URL")?,
        &std::env::var("CONTIPLE_SERVICE_ID")?,
        &std::env::var("CONTIPLE_ORGANIZATION_ID")?,
        &std::env::var("CONTIPLE_SECURITY_KEY")?,
    )?;
    let added = reinquire(&client, &usercode, &ticket_id, &comment).await?;
    println!("added: {}", added.content.unwrap_or_default());
    Ok(())
}
