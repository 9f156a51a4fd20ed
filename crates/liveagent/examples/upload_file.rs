//! Uploads a file and sends it to the customer as the attachment of a reply.
//!
//! ```sh
//! LIVEAGENT_BASE_URL=https://example.ladesk.com/api LIVEAGENT_API_KEY=... \
//!     cargo run -p liveagent --example upload_file -- <conversation id> <agent> invoice.pdf
//! ```

use liveagent::types::File;
use liveagent::{ApiKey, Client, ResultExt};

/// Uploads `bytes` as `file_name` and posts them in the conversation as `agent`'s reply;
/// returns the uploaded file.
pub async fn send_file(
    client: &Client,
    conversation_id: &str,
    agent: &str,
    file_name: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> Result<File, liveagent::Error> {
    let file = client
        .upload_file()
        .body_map(|b| b.name(file_name).type_(content_type).data(bytes))
        .send()
        .await
        .payload()
        .await?;
    client
        .create_conversation_message()
        .conversationid(conversation_id)
        .body_map(|b| {
            b.message("Here is the file you asked for.")
                .useridentifier(agent)
                .attachments([&file.fileid])
        })
        .send()
        .await?;
    Ok(file)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let usage = "usage: upload_file <conversation id> <agent> <path>";
    let mut args = std::env::args().skip(1);
    let (conversation_id, agent, path) = (
        args.next().ok_or(usage)?,
        args.next().ok_or(usage)?,
        args.next().ok_or(usage)?,
    );
    let bytes = std::fs::read(&path)?;
    let api_key = ApiKey::new(std::env::var("LIVEAGENT_API_KEY")?);
    let client = Client::new(&std::env::var("LIVEAGENT_BASE_URL")?, api_key)?;
    let file = send_file(
        &client,
        &conversation_id,
        &agent,
        &path,
        "application/octet-stream",
        bytes,
    )
    .await?;
    println!("uploaded {} as {}", path, file.fileid);
    Ok(())
}
