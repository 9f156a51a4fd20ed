//! Which specs exist and what each one generates: the per-API settings of the generator.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

/// One API: a spec under `spec/` and the client crate generated from it.
pub struct Api {
    /// Path of the spec, e.g. `spec/liveagent-v1.yaml`.
    pub spec_path: PathBuf,
    /// Path of the generated file, e.g. `crates/liveagent/src/generated.rs`.
    pub generated_path: PathBuf,
    /// The Rust type of the client's hook state (`with_inner_type`), defined in the crate's
    /// hand-written layer.
    pub inner_type: &'static str,
    root: PathBuf,
}

impl Api {
    /// The spec's path relative to the workspace root, for messages and headers.
    pub fn spec_relative(&self) -> String {
        relative(&self.root, &self.spec_path)
    }

    /// The generated file's path relative to the workspace root.
    pub fn generated_relative(&self) -> String {
        relative(&self.root, &self.generated_path)
    }
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The crate that each spec generates, keyed by the spec's file stem up to its version suffix
/// (`liveagent-v1.yaml` → `liveagent`), and that crate's hook state type.
const CRATES: &[(&str, &str)] = &[("liveagent", "crate::ApiKey")];

/// Finds every `spec/*.yaml` and pairs it with its crate; a spec without a known crate is an
/// error, so a new spec cannot be silently skipped.
pub fn discover(root: &Path) -> anyhow::Result<Vec<Api>> {
    let spec_dir = root.join("spec");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&spec_dir)
        .with_context(|| format!("reading {}", spec_dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
        })
        .collect();
    specs.sort();
    let mut apis = Vec::new();
    for spec_path in specs {
        let stem = spec_path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        // `liveagent-v1` → `liveagent`: strip a trailing `-v<digits>` version suffix only.
        let api_name = match stem.rsplit_once("-v") {
            Some((name, version))
                if !version.is_empty() && version.chars().all(|c| c.is_ascii_digit()) =>
            {
                name
            }
            _ => stem,
        };
        let Some((krate, inner_type)) = CRATES.iter().find(|(name, _)| *name == api_name) else {
            bail!(
                "{}: no client crate is configured for API `{api_name}` (see xtask/src/apis.rs)",
                spec_path.display()
            );
        };
        apis.push(Api {
            generated_path: root.join("crates").join(krate).join("src/generated.rs"),
            spec_path,
            inner_type,
            root: root.to_path_buf(),
        });
    }
    Ok(apis)
}
