//! The README's first example: a signing client from four environment variables, one call.
//!
//! ```sh
//! CONTIPLE_BASE_URL=https://nhn-cs.oc.nhncloud.com CONTIPLE_SERVICE_ID=... \
//! CONTIPLE_ORGANIZATION_ID=... CONTIPLE_SECURITY_KEY=... \
//!     cargo run -p contiple --example print_tickets -- <usercode>
//! ```

use contiple::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(
        &std::env::var("CONTIPLE_BASE_URL")?,
        &std::env::var("CONTIPLE_SERVICE_ID")?,
        &std::env::var("CONTIPLE_ORGANIZATION_ID")?,
        &std::env::var("CONTIPLE_SECURITY_KEY")?,
    )?;
    let usercode = std::env::args()
        .nth(1)
        .ok_or("usage: print_tickets <usercode>")?;
    print_tickets(&client, &usercode).await?;
    Ok(())
}

/// Prints the customer's 20 most recently updated tickets; returns how many it printed.
pub async fn print_tickets(client: &Client, usercode: &str) -> Result<usize, contiple::Error> {
    let request = client.list_customer_tickets().usercode(usercode);
    let page = request.page_size(20).send().await.payload().await?;
    for ticket in &page.contents {
        let subject = ticket.subject.as_deref().unwrap_or_default();
        println!("{} {subject}", ticket.ticket_id);
    }
    Ok(page.contents.len())
}
