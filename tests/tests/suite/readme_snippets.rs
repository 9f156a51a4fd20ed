//! The READMEs' Rust snippets are the examples' code. Every ```` ```rust ```` block of the
//! workspace README, the guide (`docs/guide.md`) and the crates' READMEs follows an `<!-- example: <path> -->` line, and its
//! lines (those not hidden with `# `) appear verbatim and contiguously in that file: an example
//! under `crates/*/examples/`, or a user crate's source under `tests/` (`client.raw`'s snippet
//! is `tests/user-liveagent`'s); every example under `crates/*/examples/` is shown in the
//! workspace README. The snippets also compile as doctests (`tests/src/lib.rs`), the examples
//! run against the recordings (`examples.rs`) and the user crates' tests run their code.

use std::path::{Path, PathBuf};

const READMES: &[&str] = &[
    "README.md",
    "docs/guide.md",
    "crates/liveagent/README.md",
    "crates/contiple/README.md",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The Rust snippets of a README: (the example it names, the snippet's visible text).
fn snippets(readme: &str) -> Vec<(Option<String>, String)> {
    let text = std::fs::read_to_string(workspace().join(readme)).expect("README exists");
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some(path) = line
            .strip_prefix("<!-- example: ")
            .and_then(|rest| rest.strip_suffix(" -->"))
        {
            marker = Some(path.to_owned());
            continue;
        }
        if line.starts_with("```rust") {
            let visible: Vec<&str> = lines
                .by_ref()
                .take_while(|l| !l.starts_with("```"))
                .filter(|l| *l != "#" && !l.starts_with("# "))
                .collect();
            out.push((marker.take(), visible.join("\n")));
        } else if !line.trim().is_empty() {
            marker = None;
        }
    }
    out
}

#[test]
fn every_snippet_is_an_examples_code() {
    let mut checked = 0;
    for readme in READMES {
        for (example, snippet) in snippets(readme) {
            let Some(example) = example else {
                panic!("{readme}: a Rust snippet without `<!-- example: … -->`:\n{snippet}");
            };
            let code = std::fs::read_to_string(workspace().join(&example))
                .unwrap_or_else(|err| panic!("{readme}: {example}: {err}"));
            assert!(
                code.contains(&snippet),
                "{readme}: the snippet marked {example} is not that example's code:\n{snippet}"
            );
            checked += 1;
        }
    }
    assert!(checked > 0);
}

#[test]
fn the_readme_shows_every_example() {
    // The README's quickstarts and the guide's long examples, together.
    let shown: Vec<String> = ["README.md", "docs/guide.md"]
        .into_iter()
        .flat_map(snippets)
        .filter_map(|(example, _)| example)
        .collect();
    for krate in ["liveagent", "contiple"] {
        let dir = workspace().join("crates").join(krate).join("examples");
        for entry in std::fs::read_dir(&dir).expect("examples directory") {
            let name = entry.expect("entry").file_name();
            let path = format!("crates/{krate}/examples/{}", name.to_string_lossy());
            assert!(
                shown.contains(&path),
                "neither README.md nor docs/guide.md shows {path}"
            );
        }
    }
}
