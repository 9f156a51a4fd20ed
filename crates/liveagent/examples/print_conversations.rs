//! The README's first example: a client from two environment variables, one call, one stream.
//!
//! ```sh
//! LIVEAGENT_BASE_URL=https://example.ladesk.com/api LIVEAGENT_API_KEY=... \
//!     cargo run -p liveagent --example print_conversations
//! ```

use futures::TryStreamExt as _;
use liveagent::{prelude::*, ApiKey};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let api_key = ApiKey::new(std::env::var("LIVEAGENT_API_KEY")?);
    let client = Client::new(&std::env::var("LIVEAGENT_BASE_URL")?, api_key)?;
    print_tag_and_conversations(&client).await?;
    Ok(())
}

/// Prints tag `sh3j`, then every conversation, page after page; returns how many there are.
pub async fn print_tag_and_conversations(client: &Client) -> Result<usize, liveagent::Error> {
    let request = client.get_tag().tagid("sh3j");
    let tag = request.send().await.payload().await?;
    println!("tag {}: {}", tag.id, tag.name.unwrap_or_default());
    let mut conversations = client.list_conversations().stream();
    let mut count = 0;
    while let Some(conversation) = conversations.try_next().await? {
        let subject = conversation.subject.unwrap_or_default();
        println!("{} {subject}", conversation.conversationid);
        count += 1;
    }
    Ok(count)
}
