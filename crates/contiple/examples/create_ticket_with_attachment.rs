//! Opens a ticket for a customer with a file attached.
//!
//! ```sh
//! CONTIPLE_BASE_URL=https://nhn-cs.oc.nhncloud.com CONTIPLE_SERVICE_ID=... \
//! CONTIPLE_ORGANIZATION_ID=... CONTIPLE_SECURITY_KEY=... \
//!     cargo run -p contiple --example create_ticket_with_attachment -- <category id> <email> <name> invoice.pdf
//! ```

use contiple::types::{CreateTicketAttachment, CreateTicketEndUser};
use contiple::{Client, ResultExt};

/// Uploads `file` and opens a ticket in the category (submission type) `category_id` for the
/// customer, with the file attached; returns the new ticket's id.
pub async fn create_ticket_with_attachment(
    client: &Client,
    category_id: i64,
    email: &str,
    name: &str,
    file_name: &str,
    file: Vec<u8>,
) -> Result<String, contiple::Error> {
    let uploaded = client.upload_ticket_attachment(file_name, file).await?;
    let created = client
        .create_ticket()
        .body_map(|b| {
            b.category_id(category_id)
                .subject("Question about my invoice")
                .content("Please see the attached invoice.")
                .end_user(CreateTicketEndUser::builder().email(email).username(name))
                .attachments(vec![CreateTicketAttachment {
                    attachment_id: uploaded.result.content.attachment_id,
                }])
        })
        .send()
        .await
        .payload()
        .await?;
    Ok(created.content.ticket_id)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let usage = "usage: create_ticket_with_attachment <category id> <email> <name> <path>";
    let mut args = std::env::args().skip(1);
    let category_id: i64 = args.next().ok_or(usage)?.parse()?;
    let (email, name, path) = (
        args.next().ok_or(usage)?,
        args.next().ok_or(usage)?,
        args.next().ok_or(usage)?,
    );
    let file = std::fs::read(&path)?;
    let client = Client::new(
        &std::env::var("CONTIPLE_BASE_URL")?,
        &std::env::var("CONTIPLE_SERVICE_ID")?,
        &std::env::var("CONTIPLE_ORGANIZATION_ID")?,
        &std::env::var("CONTIPLE_SECURITY_KEY")?,
    )?;
    let ticket_id =
        create_ticket_with_attachment(&client, category_id, &email, &name, &path, file).await?;
    println!("created ticket {ticket_id}");
    Ok(())
}
