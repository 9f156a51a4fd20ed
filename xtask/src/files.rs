//! The files xtask generates: each is written, or with `--check` compared with the checked-in
//! one, which fails with the start of their difference when it is stale.

use std::path::Path;

use anyhow::Context;

/// Writes `generated` to `path` (`target` in messages), or with `check` compares; returns
/// whether it was fresh. `task` is the xtask command that writes it.
pub fn write_or_check(
    path: &Path,
    target: &str,
    generated: &str,
    check: bool,
    task: &str,
) -> anyhow::Result<bool> {
    let current = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => return Err(err).with_context(|| format!("reading {target}")),
    };
    if current == generated {
        println!("{target}: up to date");
        Ok(true)
    } else if check {
        println!("{target}: stale; run `cargo xtask {task}`. Difference (checked in → generated):");
        print_short_diff(&current, generated);
        Ok(false)
    } else {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(path, generated).with_context(|| format!("writing {target}"))?;
        println!("{target}: written");
        Ok(true)
    }
}

/// Prints the first lines of a unified diff between two texts.
fn print_short_diff(old: &str, new: &str) {
    const MAX_LINES: usize = 40;
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header("checked in", "generated")
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    for line in lines.iter().take(MAX_LINES) {
        println!("    {line}");
    }
    if lines.len() > MAX_LINES {
        println!("    … {} more diff lines", lines.len() - MAX_LINES);
    }
}
