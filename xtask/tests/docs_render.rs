//! The rendered API reference: `cargo xtask docs` builds `target/docs/<spec>.html` from every
//! bundle, and headless Chromium opens each page, expands the navigation as a reader would and
//! finds every operation's summary in the rendered text, and no `x-docs-notes`.
//!
//! Needs Debian's `chromium` (or `CHROMIUM=/path/to/chrome`): without it the test fails, in CI
//! (`.ci/run` installs the package when it is missing) and on a developer's machine alike,
//! saying which package to install. It never passes without having rendered the pages.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is one level below the workspace root")
        .to_path_buf()
}

/// `$CHROMIUM`, else the first of Chromium's usual names on the `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// A page that loads the reference in a frame, clicks every navigation group open (again
/// while new ones appear), then writes the frame's rendered text (`innerText`) as JSON into
/// `#result`, for `--dump-dom`.
fn harness(page_url: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html><body>
<iframe id="page" src="{page_url}" style="width:1400px;height:1000px"></iframe>
<pre id="result">pending</pre>
<script>
const frame = document.getElementById('page');
frame.onload = () => {{
  const clicked = new Set();
  let quiet = 0;
  let rounds = 0;
  const step = () => {{
    const doc = frame.contentDocument;
    let fresh = 0;
    for (const label of doc.querySelectorAll(
        '[data-component-name="Menu/MenuItem"].menu-item-type-group [data-testid="menu-item-label"]')) {{
      if (!clicked.has(label.textContent)) {{ clicked.add(label.textContent); label.click(); fresh++; }}
    }}
    quiet = fresh === 0 ? quiet + 1 : 0;
    if (quiet < 3 && ++rounds < 40) {{ setTimeout(step, 300); return; }}
    document.getElementById('result').textContent =
      JSON.stringify({{ groups: clicked.size, text: doc.body.innerText }});
  }};
  setTimeout(step, 1000);
}};
</script>
</body></html>
"#
    )
}

fn unescape_html(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The rendered text of `page` after expanding its navigation.
fn rendered_text(chromium: &Path, page: &Path, scratch: &Path) -> (usize, String) {
    let page_url = format!("file://{}", page.display());
    let harness_path = scratch.join("harness.html");
    std::fs::write(&harness_path, harness(&page_url)).unwrap();
    let profile = scratch.join("profile");
    let _ = std::fs::remove_dir_all(&profile);
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--allow-file-access-from-files",
            "--virtual-time-budget=60000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", harness_path.display()))
        .output()
        .expect("running chromium");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let dom = String::from_utf8_lossy(&output.stdout);
    let start = dom
        .find("<pre id=\"result\">")
        .expect("the harness is in the dump")
        + "<pre id=\"result\">".len();
    let end = start + dom[start..].find("</pre>").expect("end of the result");
    let result = unescape_html(&dom[start..end]);
    let report: serde_json::Value = serde_json::from_str(&result)
        .unwrap_or_else(|_| panic!("the page never finished rendering: `{result}`"));
    (
        report["groups"].as_u64().unwrap_or(0) as usize,
        report["text"].as_str().unwrap_or_default().to_owned(),
    )
}

#[test]
fn every_operation_summary_is_rendered() {
    let chromium = chromium().expect(
        "no Chromium on this machine: install Debian's package `chromium` \
         (apt-get install chromium), or set CHROMIUM=/path/to/chrome",
    );
    let root = root();
    let built = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("docs")
        .output()
        .expect("running cargo xtask docs");
    assert!(
        built.status.success(),
        "cargo xtask docs failed:\n{}{}",
        String::from_utf8_lossy(&built.stdout),
        String::from_utf8_lossy(&built.stderr)
    );

    let scratch = std::env::temp_dir().join(format!("xtask-docs-render-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let mut bundles: Vec<PathBuf> = std::fs::read_dir(root.join("spec/dist"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    bundles.sort();
    assert!(!bundles.is_empty(), "no bundle under spec/dist");
    let mut described = 0;
    for bundle in bundles {
        let stem = bundle.file_stem().unwrap().to_str().unwrap().to_owned();
        let spec: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&bundle).unwrap()).unwrap();
        let summaries: Vec<String> = spec["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|item| item.as_object().unwrap().values())
            .filter_map(|op| op.get("summary").and_then(|s| s.as_str()))
            .map(squash)
            .collect();
        assert!(!summaries.is_empty());

        let page = root.join("target/docs").join(format!("{stem}.html"));
        let (groups, text) = rendered_text(&chromium, &page, &scratch);
        let text = squash(&text);
        assert!(groups > 0, "{stem}: no navigation group to open");
        assert!(
            !text.contains("Something went wrong"),
            "{stem}: Redoc failed to render: {text}"
        );
        let missing: Vec<&String> = summaries.iter().filter(|s| !text.contains(*s)).collect();
        assert!(
            missing.is_empty(),
            "{stem}: {} of {} operation summaries are not rendered: {missing:#?}",
            missing.len(),
            summaries.len()
        );
        // Notes on the vendor's docs (`x-docs-notes`) are for maintainers: Redoc leaves vendor
        // extensions out (`showExtensions` is off), while a description beside them shows.
        let mut pairs = Vec::new();
        docs_notes(&spec, &mut pairs);
        let head = |t: &str| squash(t).chars().take(60).collect::<String>();
        let shown: Vec<String> = pairs
            .iter()
            .map(|(_, n)| head(n))
            .filter(|n| text.contains(n))
            .collect();
        assert!(
            !pairs.is_empty() && shown.is_empty(),
            "{stem}: x-docs-notes rendered: {shown:#?}"
        );
        described += pairs
            .iter()
            .filter(|(d, _)| text.contains(&head(d)))
            .count();
        println!(
            "{stem}: all {} operation summaries rendered",
            summaries.len()
        );
    }
    assert!(
        described > 0,
        "no description beside an x-docs-notes is rendered"
    );
    let _ = std::fs::remove_dir_all(&scratch);
}

/// Every `(description or summary, x-docs-notes)` pair of a bundle.
fn docs_notes(value: &serde_json::Value, pairs: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(notes) = map.get("x-docs-notes").and_then(|n| n.as_str()) {
                let text = map.get("description").or(map.get("summary"));
                let text = text.and_then(|t| t.as_str()).unwrap_or_default();
                pairs.push((text.to_owned(), notes.to_owned()));
            }
            map.values().for_each(|child| docs_notes(child, pairs));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|child| docs_notes(child, pairs)),
        _ => {}
    }
}
