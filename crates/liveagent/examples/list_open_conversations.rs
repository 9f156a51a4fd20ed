//! Lists the conversations that are new or open and changed since a date.
//!
//! ```sh
//! LIVEAGENT_BASE_URL=https://example.ladesk.com/api LIVEAGENT_API_KEY=... \
//!     cargo run -p liveagent --example list_open_conversations -- 2024-01-01
//! ```

use chrono::NaiveDate;
use liveagent::types::{ConversationStatus, ConversationSummary};
use liveagent::{ApiKey, Client, OpDateTime, ResultExt};

/// The conversations that are new or open and changed on or after `since`.
pub async fn open_conversations_since(
    client: &Client,
    since: NaiveDate,
) -> Result<Vec<ConversationSummary>, liveagent::Error> {
    let list = client
        .list_conversations()
        .status([ConversationStatus::New, ConversationStatus::Open])
        .datechanged(OpDateTime::gte(since))
        .limit(100)
        .send()
        .await
        .payload()
        .await?;
    Ok(list.conversations)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let since: NaiveDate = std::env::args()
        .nth(1)
        .ok_or("usage: list_open_conversations YYYY-MM-DD")?
        .parse()?;
    let api_key = ApiKey::new(std::env::var("LIVEAGENT_API_KEY")?);
    let client = Client::new(&std::env::var("LIVEAGENT_BASE_URL")?, api_key)?;
    for conversation in open_conversations_since(&client, since).await? {
        println!(
            "{} {}",
            conversation.conversationid,
            conversation.subject.unwrap_or_default()
        );
    }
    Ok(())
}
