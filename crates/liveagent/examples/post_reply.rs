//! Posts an agent's reply in a conversation.
//!
//! ```sh
//! LIVEAGENT_BASE_URL=https://example.ladesk.com/api LIVEAGENT_API_KEY=... \
//!     cargo run -p liveagent --example post_reply -- <conversation id> <agent email or id> "Thanks, fixed."
//! ```

use liveagent::types::{MessageKind, OkStatus};
use liveagent::{ApiKey, Client, ResultExt};

/// Posts `text` as the reply of `agent` (an email or user id) in the conversation; returns
/// LiveAgent's status of the call.
pub async fn post_reply(
    client: &Client,
    conversation_id: &str,
    agent: &str,
    text: &str,
) -> Result<OkStatus, liveagent::Error> {
    client
        .create_conversation_message()
        .conversationid(conversation_id)
        .body_map(|b| {
            b.message(text)
                .useridentifier(agent)
                .type_(MessageKind::Message)
        })
        .send()
        .await
        .payload()
        .await
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let usage = "usage: post_reply <conversation id> <agent> <text>";
    let mut args = std::env::args().skip(1);
    let (conversation_id, agent, text) = (
        args.next().ok_or(usage)?,
        args.next().ok_or(usage)?,
        args.next().ok_or(usage)?,
    );
    let api_key = ApiKey::new(std::env::var("LIVEAGENT_API_KEY")?);
    let client = Client::new(&std::env::var("LIVEAGENT_BASE_URL")?, api_key)?;
    let status = post_reply(&client, &conversation_id, &agent, &text).await?;
    println!("posted: {}", status.status);
    Ok(())
}
