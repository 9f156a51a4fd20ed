//! `cargo xtask man`: one man page per command line, `target/man/<program>.1`, rendered by
//! clap_mangen from the command line itself. Each CLI is built (debug) and prints its page
//! through its hidden `man-page` subcommand: xtask does not link the CLIs, whose code it
//! generates.
//!
//! Installing them is optional: `cp target/man/*.1 ~/.local/share/man/man1/` (then
//! `man liveagent`), or read one in place with `man -l target/man/liveagent.1`.

use std::path::{Path, PathBuf};

use crate::process;

/// The command lines: (package, binary).
const CLIS: &[(&str, &str)] = &[("liveagent-cli", "liveagent"), ("contiple-cli", "contiple")];

/// Builds the CLIs and writes their pages under `target/man/`; returns the pages written.
pub fn run(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut build = process::cargo();
    build.current_dir(root).args(["build", "--quiet"]);
    for (package, _) in CLIS {
        build.args(["--package", package]);
    }
    process::run(&mut build)?;
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let out = target.join("man");
    std::fs::create_dir_all(&out)?;
    let mut pages = Vec::new();
    for (_, binary) in CLIS {
        let exe = target
            .join("debug")
            .join(format!("{binary}{}", std::env::consts::EXE_SUFFIX));
        let output = process::run(std::process::Command::new(&exe).arg("man-page"))?;
        anyhow::ensure!(
            output.stdout.starts_with(b".ie"),
            "{binary} man-page printed no roff"
        );
        let page = out.join(format!("{binary}.1"));
        std::fs::write(&page, &output.stdout)?;
        println!("{}: written", page.display());
        pages.push(page);
    }
    Ok(pages)
}
