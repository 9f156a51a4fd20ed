//! Lists a customer's tickets, most recently updated first.
//!
//! ```sh
//! CONTIPLE_BASE_URL=https://nhn-cs.oc.nhncloud.com CONTIPLE_SERVICE_ID=... \
//! CONTIPLE_ORGANIZATION_ID=... CONTIPLE_SECURITY_KEY=... \
//!     cargo run -p contiple --example list_customer_tickets -- <usercode>
//! ```

use contiple::types::CustomerTicketSummary;
use contiple::{Client, ResultExt};

/// The first 20 tickets of the customer `usercode`.
pub async fn customer_tickets(
    client: &Client,
    usercode: &str,
) -> Result<Vec<CustomerTicketSummary>, contiple::Error> {
    let page = client
        .list_customer_tickets()
        .usercode(usercode)
        .page_size(20)
        .send()
        .await
        .payload()
        .await?;
    Ok(page.contents)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let usercode = std::env::args()
        .nth(1)
        .ok_or("usage: list_customer_tickets <usercode>")?;
    let client = Client::new(
        &std::env::var("CONTIPLE_BASE_URL")?,
        &std::env::var("CONTIPLE_SERVICE_ID")?,
        &std::env::var("CONTIPLE_ORGANIZATION_ID")?,
        &std::env::var("CONTIPLE_SECURITY_KEY")?,
    )?;
    for ticket in customer_tickets(&client, &usercode).await? {
        println!(
            "{} {} {}",
            ticket.ticket_id,
            ticket.status_name.unwrap_or_default(),
            ticket.subject.unwrap_or_default()
        );
    }
    Ok(())
}
