//! `cargo xtask bench --peer`: build cost against the openapi-generator `rust` client of the
//! same bundle. (Being written.)

use std::path::Path;

use super::Row;

/// Measures the build-cost rows.
pub fn run(_root: &Path, _quick: bool) -> anyhow::Result<Vec<Row>> {
    anyhow::bail!("--peer is not written yet")
}
