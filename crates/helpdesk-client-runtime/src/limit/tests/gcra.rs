//! The GCRA arithmetic: the emission interval and burst tolerance each limit gives (the burst
//! is a sixth of the limit, the steady rate spreads the rest over the window), and when a
//! request may go, on tokio's paused clock: exactly at the theoretical arrival time less the
//! tolerance, not a nanosecond earlier, with the wait left until then; and a 429's pause, which
//! holds every client of the limiter until it ends.

use std::time::Duration;

use super::super::{Limiter, RateLimit};

#[test]
fn each_limit_gives_its_interval_and_tolerance() {
    let ms = Duration::from_millis;
    // (requests, window, interval, tolerance)
    for (requests, per, interval, tolerance) in [
        // 10 at once, then 50 spread over the minute.
        (60, Duration::from_secs(60), ms(1_200), ms(10_800)),
        (180, Duration::from_secs(60), ms(400), ms(11_600)),
        (12, Duration::from_secs(60), ms(6_000), ms(6_000)),
        // Fewer than 12: a burst of 1, no tolerance.
        (7, Duration::from_secs(60), ms(10_000), Duration::ZERO),
        (6, Duration::from_secs(6), ms(1_200), Duration::ZERO),
        (1, Duration::from_secs(1), ms(1_000), Duration::ZERO),
        // 0 is taken as 1.
        (0, Duration::from_secs(1), ms(1_000), Duration::ZERO),
        // Synthetic extremes: the interval never rounds down to zero.
        (
            u32::MAX,
            Duration::from_nanos(1),
            Duration::from_nanos(1),
            Duration::from_nanos(u64::from(u32::MAX / 6 - 1)),
        ),
    ] {
        let gcra = RateLimit { requests, per }.gcra();
        assert_eq!(
            (gcra.interval, gcra.tolerance),
            (interval, tolerance),
            "{requests} per {per:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_request_goes_at_the_arrival_time_less_the_tolerance() {
    let ms = Duration::from_millis;
    // 6 per 6 s: one at a time, every 1.2 s.
    let gcra = RateLimit {
        requests: 6,
        per: Duration::from_secs(6),
    }
    .gcra();
    assert_eq!(gcra.check(), Ok(()));
    assert_eq!(gcra.check(), Err(ms(1_200)));
    tokio::time::advance(ms(500)).await;
    assert_eq!(gcra.check(), Err(ms(700)));
    tokio::time::advance(ms(699)).await;
    assert_eq!(gcra.check(), Err(ms(1)));
    tokio::time::advance(ms(1)).await;
    assert_eq!(gcra.check(), Ok(()), "exactly on time");
    assert_eq!(gcra.check(), Err(ms(1_200)));
    // After a pause the budget starts again from now, not from the last arrival.
    tokio::time::advance(Duration::from_secs(100)).await;
    assert_eq!(gcra.check(), Ok(()));
    assert_eq!(gcra.check(), Err(ms(1_200)));

    // 12 a minute: a burst of 2, then one every 6 s.
    let gcra = RateLimit::per_minute(12).gcra();
    assert_eq!((gcra.check(), gcra.check()), (Ok(()), Ok(())));
    assert_eq!(gcra.check(), Err(ms(6_000)));
    tokio::time::advance(ms(6_000)).await;
    assert_eq!(gcra.check(), Ok(()));
    assert_eq!(gcra.check(), Err(ms(6_000)));
}

#[tokio::test(start_paused = true)]
async fn a_pause_holds_every_request_until_it_ends_and_never_shortens_a_wait() {
    let ms = Duration::from_millis;
    // 12 a minute: a burst of 2, then one every 6 s.
    let gcra = RateLimit::per_minute(12).gcra();
    gcra.pause(ms(2_000));
    assert_eq!(gcra.check(), Err(ms(2_000)));
    tokio::time::advance(ms(1_999)).await;
    assert_eq!(gcra.check(), Err(ms(1)));
    tokio::time::advance(ms(1)).await;
    assert_eq!(gcra.check(), Ok(()), "exactly when the pause ends");
    // The burst is spent: the next one a steady interval later.
    assert_eq!(gcra.check(), Err(ms(6_000)));
    // A shorter pause does not bring that earlier; a longer one moves it.
    gcra.pause(ms(1_000));
    assert_eq!(gcra.check(), Err(ms(6_000)));
    gcra.pause(ms(9_000));
    assert_eq!(gcra.check(), Err(ms(9_000)));
}

#[tokio::test(start_paused = true)]
async fn a_limiters_pause_holds_every_client_that_shares_it() {
    let limiter = Limiter::new(RateLimit::per_minute(60));
    let other_client = limiter.clone();
    limiter.pause(Duration::from_secs(2)).await;
    let started = tokio::time::Instant::now();
    other_client.acquire().await.unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(2) && waited < Duration::from_millis(2_100),
        "{waited:?}"
    );
}

#[test]
fn a_limiter_shows_and_keeps_its_limit() {
    let limit = RateLimit::per_minute(60);
    assert_eq!(
        limit,
        RateLimit {
            requests: 60,
            per: Duration::from_secs(60)
        }
    );
    let limiter = Limiter::new(limit);
    assert_eq!(limiter.limit(), limit);
    assert_eq!(
        format!("{limiter:?}"),
        "Limiter { limit: RateLimit { requests: 60, per: 60s } }"
    );
    let shared = Limiter::shared("limit-test:shown", RateLimit::per_minute(7));
    assert_eq!(shared.limit(), RateLimit::per_minute(7));
}
