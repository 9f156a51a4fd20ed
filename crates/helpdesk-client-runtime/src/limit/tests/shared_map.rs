//! The map of shared limiters: dead entries (no client holds the limiter any more) stay until
//! the map reaches its pruning size and then go, live ones stay shared through a pruning, the
//! pruning size doubles past the live entries (amortised O(1) per new limiter), and
//! `Limiter::shared_count` counts only live ones.
//!
//! The map is the process's, shared with the other tests of the crate, which add a few
//! entries of their own: the assertions leave room for those, and the scenarios run in one
//! test, in order.

use std::sync::Arc;

use super::super::{shared_map, Limiter, RateLimit};

fn entries() -> usize {
    shared_map().lock().unwrap().limiters.len()
}

fn prune_at() -> usize {
    shared_map().lock().unwrap().prune_at
}

#[tokio::test]
async fn dead_entries_go_when_the_map_grows_and_live_ones_stay_shared() {
    // A limit no other test uses.
    let limit = RateLimit::per_minute(61);
    let contains = |key: &str| {
        shared_map()
            .lock()
            .unwrap()
            .limiters
            .contains_key(&(key.to_owned(), limit))
    };

    // A dropped client's entry stays until the map reaches the pruning size: no pruning (an
    // O(n) pass) on every new limiter.
    drop(Limiter::shared("prune-test:dropped", limit));
    let next = Limiter::shared("prune-test:next", limit);
    assert!(contains("prune-test:dropped"));
    drop(next);

    // 150 live limiters: every one stays shared through the prunings, and the pruning size
    // ends well past them (twice the live entries at the last pruning).
    let key = |i: usize| format!("prune-test:live-{i}");
    let held: Vec<Limiter> = (0..150).map(|i| Limiter::shared(&key(i), limit)).collect();
    for (i, limiter) in held.iter().enumerate() {
        let again = Limiter::shared(&key(i), limit);
        assert!(Arc::ptr_eq(&again.gcra, &limiter.gcra), "{}", key(i));
    }
    let (size, at) = (entries(), prune_at());
    assert!(
        size >= 150 && at >= size + 20,
        "{size} entries, pruning at {at}"
    );
    assert!(!contains("prune-test:dropped"), "pruned on the way");

    // All dropped, then 300 new limiters dropped at once: the dead entries go, and the
    // pruning size falls back.
    drop(held);
    for i in 0..300 {
        drop(Limiter::shared(&format!("prune-test:dead-{i}"), limit));
    }
    let (size, at) = (entries(), prune_at());
    assert!(size <= 70 && at <= 80, "{size} entries, pruning at {at}");

    // The count is of live limiters only: 100 made, 60 dropped.
    let mut counted: Vec<Limiter> = (0..100)
        .map(|i| Limiter::shared(&format!("prune-test:count-{i}"), limit))
        .collect();
    counted.truncate(40);
    let count = Limiter::shared_count();
    assert!((40..55).contains(&count), "{count} live");
}
