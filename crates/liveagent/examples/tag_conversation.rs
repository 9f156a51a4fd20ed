//! Tags a conversation and prints the tags it now has.
//!
//! ```sh
//! LIVEAGENT_BASE_URL=https://example.ladesk.com/api LIVEAGENT_API_KEY=... \
//!     cargo run -p liveagent --example tag_conversation -- <conversation id> VIP
//! ```

use liveagent::types::ConversationTag;
use liveagent::{ApiKey, Client, ResultExt};

/// Assigns the tag named `tag` to the conversation; returns the conversation's tags.
pub async fn tag_conversation(
    client: &Client,
    conversation_id: &str,
    tag: &str,
) -> Result<Vec<ConversationTag>, liveagent::Error> {
    client
        .add_conversation_tag()
        .conversationid(conversation_id)
        .body_map(|b| b.name(tag))
        .send()
        .await?;
    let tags = client
        .list_conversation_tags()
        .conversationid(conversation_id)
        .send()
        .await
        .payload()
        .await?;
    Ok(tags.tags)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let usage = "usage: tag_conversation <conversation id> <tag name>";
    let mut args = std::env::args().skip(1);
    let (conversation_id, tag) = (args.next().ok_or(usage)?, args.next().ok_or(usage)?);
    let api_key = ApiKey::new(std::env::var("LIVEAGENT_API_KEY")?);
    let client = Client::new(&std::env::var("LIVEAGENT_BASE_URL")?, api_key)?;
    for tag in tag_conversation(&client, &conversation_id, &tag).await? {
        println!("{} {}", tag.id, tag.name.unwrap_or_default());
    }
    Ok(())
}
