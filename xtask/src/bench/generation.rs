//! Generation time and run-to-run determinism of `cargo xtask generate`. (Being written.)

use std::path::Path;

use super::Row;

/// Measures the generation rows.
pub fn run(_root: &Path) -> anyhow::Result<Vec<Row>> {
    Ok(Vec::new())
}
