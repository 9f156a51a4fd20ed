//! One API key's quota shared by every replica, worker and cron job (feature `redis`): each
//! process builds its client with the same Redis, and together they keep to LiveAgent's 180
//! requests a minute.
//!
//! ```sh
//! LIVEAGENT_BASE_URL=https://example.ladesk.com/api LIVEAGENT_API_KEY=... \
//! REDIS_URL=redis://127.0.0.1:6379/ cargo run -p liveagent --features redis --example shared_quota
//! ```

use std::time::Duration;

use liveagent::{prelude::*, ApiKey, ClientBuilder, RateLimit, RedisQuota};

/// A client whose rate limit every process with the same key and Redis shares.
fn shared_client(
    base_url: &str,
    key: ApiKey,
    redis_url: &str,
) -> Result<Client, Box<dyn std::error::Error>> {
    // Keys in Redis: `my-service:{<SHA-256 of the key>}:…`, never the key. Each Redis call
    // waits at most 250 ms; while Redis fails, calls go on under this process's own limiter
    // (`.fail_closed()` makes them fail instead).
    let quota = RedisQuota::new(redis_url)?
        .namespace("my-service")
        .timeout(Duration::from_millis(250));
    let client = ClientBuilder::new(base_url, key)
        .shared_rate_limit(RateLimit::per_minute(180).shared(quota))
        .build()?;
    Ok(client)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = ApiKey::new(std::env::var("LIVEAGENT_API_KEY")?);
    let client = shared_client(
        &std::env::var("LIVEAGENT_BASE_URL")?,
        key,
        &std::env::var("REDIS_URL")?,
    )?;
    let tag = client
        .get_tag()
        .tagid("sh3j")
        .send()
        .await
        .payload()
        .await?;
    println!("{}", tag.id);
    Ok(())
}
