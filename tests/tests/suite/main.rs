//! The workspace's integration tests that share a process, as modules of one test binary: one
//! link of the clients, the replay server and the test servers instead of one per file, which
//! was most of the time `cargo test` spent on a fresh clone (README, "Benchmarks").
//!
//! Tests that hold process-wide state stay binaries of their own beside this one:
//! `logs.rs` (a global `log` bridge), `multi_tenant.rs` (the process-wide count of shared
//! limiters), `resilience.rs` (a counting global allocator) and the two replay harnesses.

mod call_sites;
mod contiple_client;
mod contiple_signing;
mod errors;
mod examples;
mod export;
mod garbage;
mod hostile_headers;
mod inbound;
mod inbound_readme;
mod liveagent_client;
mod liveagent_types;
mod pagination;
mod per_call;
mod readme_snippets;
mod record;
mod recordings;
mod secrets;
