//! The library of `cargo xtask` (the CLI is `main.rs`): generation, validation, bundles,
//! consumers, docs, man pages, mutation testing and recording, and what the bench tool `xtask/bench` (package `xtask-bench`)
//! reuses of them: [`apis`], [`bundle`], [`consumers`], [`process`].

pub mod apis;
pub mod bundle;
pub mod consumers;
pub mod docs;
#[cfg(test)]
mod examples;
mod files;
pub mod forward;
pub mod generate;
pub mod man;
mod model;
pub mod mutants;
pub mod process;
pub mod public_api;
pub mod validate;

use std::path::PathBuf;

/// The workspace root: the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}
