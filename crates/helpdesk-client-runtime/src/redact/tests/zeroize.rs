//! The zeroize-on-drop the README promises, checked through memory: this module installs the
//! global allocator of the runtime's unit-test binary, the system's with one addition. While a
//! test has armed it, every block freed is searched, before it is freed, for a watched key as
//! `Vec<char>` holds it (one native-endian `u32` per character). A [`Secrets`] dropped with its
//! copies zeroized frees no such block; one whose copies are not zeroized (a `Vec<char>` in
//! place of `Zeroizing<Vec<char>>`, a drop that skips the clearing) does, and the test fails.
//!
//! Disarmed, the allocator costs one atomic load per `dealloc`. Tests running in parallel
//! free other blocks while it is armed; none of them holds the watched key, which only this
//! module uses.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::super::{Secrets, MASK};

/// A synthetic key no other test uses.
const WATCHED: &str = "zeroize-watch-Q7x2-L9p4";

static ARMED: AtomicBool = AtomicBool::new(false);
static FREED_WITH_KEY: AtomicUsize = AtomicUsize::new(0);

struct Watching;

#[global_allocator]
static ALLOCATOR: Watching = Watching;

// SAFETY: every call is forwarded to `System` with the same arguments; `dealloc` first reads
// the block it is handed, which is allocated and `layout.size()` bytes long until it is freed.
// The default `realloc` allocates, copies and calls `dealloc`, so a block given up by a
// growing vector is searched too.
unsafe impl GlobalAlloc for Watching {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARMED.load(Ordering::SeqCst) {
            // SAFETY: see the impl; the slice is not used after the block is freed.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if holds_watched_key(block) {
                FREED_WITH_KEY.fetch_add(1, Ordering::SeqCst);
            }
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Whether `block` holds [`WATCHED`] as a `Vec<char>` does. Allocates nothing (it runs inside
/// the allocator).
fn holds_watched_key(block: &[u8]) -> bool {
    let chars = WATCHED.chars().count();
    block.windows(chars * 4).any(|window| {
        window
            .chunks_exact(4)
            .zip(WATCHED.chars())
            .all(|(bytes, c)| {
                u32::from_ne_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) == c as u32
            })
    })
}

#[test]
fn a_dropped_secrets_frees_no_copy_of_the_key() {
    ARMED.store(true, Ordering::SeqCst);
    // The control: a copy freed without zeroizing is seen.
    let before = FREED_WITH_KEY.load(Ordering::SeqCst);
    let plain: Vec<char> = std::hint::black_box(WATCHED.chars().collect());
    drop(plain);
    let control = FREED_WITH_KEY.load(Ordering::SeqCst) - before;

    // Two copies of the key (the duplicate is left out, and dropped, by `Secrets::new`),
    // used, cloned, and dropped with the last clone.
    let before = FREED_WITH_KEY.load(Ordering::SeqCst);
    let secrets = Secrets::new([WATCHED, WATCHED]);
    let clone = secrets.clone();
    assert_eq!(
        secrets.redact_string(&format!("key {WATCHED}")),
        format!("key {MASK}")
    );
    let watch = secrets.watch();
    drop(secrets);
    drop(clone);
    let seen = FREED_WITH_KEY.load(Ordering::SeqCst) - before;
    ARMED.store(false, Ordering::SeqCst);

    assert_eq!(
        control, 1,
        "the allocator sees a plain copy of the key freed"
    );
    assert!(watch.is_dropped(), "the last clone freed the key");
    assert_eq!(
        seen, 0,
        "a copy of the key was freed without being zeroized"
    );
}
