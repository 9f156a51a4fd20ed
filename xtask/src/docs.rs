//! `cargo xtask docs`: a static HTML reference per API, rendered by `@redocly/cli build-docs`
//! from its portable bundle into `target/docs/<spec>.html`, with Redoc's script inlined so the
//! page works offline; `target/docs/index.html` links them. Vendor extensions, `x-docs-notes`
//! among them, are not shown (Redoc's `showExtensions` stays off).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::{apis, bundle, consumers, process};

/// Builds every page; returns the paths written.
pub fn build(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let node_bin = consumers::ensure_node(root)?;
    let out = root.join("target/docs");
    std::fs::create_dir_all(&out)?;
    let mut pages = Vec::new();
    let mut index = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>API reference</title></head>\n<body>\n<h1>API reference</h1>\n<ul>\n",
    );
    for api in apis::discover(root)? {
        let bundle_path = bundle::existing_bundle(&api)?;
        let stem = bundle::spec_stem(&api);
        let spec: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&bundle_path)?)?;
        let title = spec["info"]["title"].as_str().unwrap_or(&stem).to_owned();
        let page = out.join(format!("{stem}.html"));
        process::run(
            consumers::redocly(root, &node_bin, &["build-docs", "--inlineBundle"])
                .arg("--title")
                .arg(&title)
                .arg("-o")
                .arg(&page)
                .arg(&bundle_path),
        )?;
        println!("{}: written", api.relative(&page));
        let _ = writeln!(
            index,
            "<li><a href=\"{stem}.html\">{}</a> (<code>spec/dist/{stem}.json</code>)</li>",
            escape(&title)
        );
        pages.push(page);
    }
    index.push_str("</ul>\n</body>\n</html>\n");
    std::fs::write(out.join("index.html"), index)?;
    println!("target/docs/index.html: written");
    Ok(pages)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
