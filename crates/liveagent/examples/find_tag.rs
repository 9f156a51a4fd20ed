//! Looks up a tag by id; a tag that does not exist is `None`, not an error.
//!
//! ```sh
//! LIVEAGENT_BASE_URL=https://example.ladesk.com/api LIVEAGENT_API_KEY=... \
//!     cargo run -p liveagent --example find_tag -- sh3j
//! ```

use liveagent::types::TagDetails;
use liveagent::{ApiKey, Client, ResultExt};

/// The tag `tagid`, or `None` if LiveAgent answers 404.
pub async fn find_tag(
    client: &Client,
    tagid: &str,
) -> Result<Option<TagDetails>, liveagent::Error> {
    match client.get_tag().tagid(tagid).send().await.payload().await {
        Ok(tag) => Ok(Some(tag)),
        Err(err) if err.status().is_some_and(|status| status.as_u16() == 404) => Ok(None),
        Err(err) => Err(err),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tagid = std::env::args().nth(1).ok_or("usage: find_tag <tag id>")?;
    let api_key = ApiKey::new(std::env::var("LIVEAGENT_API_KEY")?);
    let client = Client::new(&std::env::var("LIVEAGENT_BASE_URL")?, api_key)?;
    match find_tag(&client, &tagid).await {
        Ok(Some(tag)) => println!("{}: {}", tag.id, tag.name.unwrap_or_default()),
        Ok(None) => println!("no tag {tagid}"),
        Err(err) if err.is_retryable() => eprintln!("LiveAgent is unavailable, try later: {err}"),
        Err(err) => return Err(err.into()),
    }
    Ok(())
}
