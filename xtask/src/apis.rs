//! Which specs exist and what each one generates: the per-API settings of the generator.
//!
//! Adding an API is one [`Settings`] entry here, its spec under `spec/` and a thin crate that
//! defines the hook state type, its custom formats' Rust types and its error detection.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

/// Custom formats every API may use: the Rust types come from `client-runtime`, re-exported
/// by each crate. `{item}` stands for the type named by the component's `x-item`.
pub const SHARED_FORMATS: &[(&str, &str)] = &[
    ("comma-list", "crate::CommaList<{item}>"),
    ("json-text", "crate::JsonEncoded<{item}>"),
    ("byte", "crate::Base64Data"),
];

/// Custom formats whose Rust types parse from text (`FromStr`), so that progenitor's CLI
/// generator gives their fields a flag (`--data` of LiveAgent's `uploadFile`).
pub const TEXT_PARSABLE_FORMATS: &[&str] = &["byte"];

/// An operation progenitor cannot generate, written by hand in the crate.
pub struct HandWritten {
    /// The spec's operationId.
    pub operation_id: &'static str,
    /// Why it is written by hand.
    pub why: &'static str,
    /// The replay dispatcher's call of the hand-written method: an expression over `client`
    /// and `call` (`api_tests::Call`) that evaluates to the outcome `Value`.
    pub replay_call: &'static str,
}

/// The generator settings of one API.
pub struct Settings {
    /// The API's name: the crate's directory under `crates/` and its Rust crate name.
    pub name: &'static str,
    /// The spec's file name under `spec/`.
    pub spec: &'static str,
    /// The Rust type of the client's hook state (`with_inner_type`): the API's credentials,
    /// implementing `client_runtime::Credentials`, defined in the crate's hand-written layer.
    pub inner_type: &'static str,
    /// The type implementing `client_runtime::Api` for the API (its name, credentials and
    /// error envelope), defined in the crate's hand-written layer.
    pub protocol: &'static str,
    /// The vendor's published rate limit, the client's default.
    pub rate_limit_per_minute: Option<u32>,
    /// Formats starting with this prefix are the API's own; one not in `formats` is an error.
    pub format_prefix: &'static str,
    /// The API's custom formats and the Rust types that replace components using them.
    pub formats: &'static [(&'static str, &'static str)],
    /// The member of an `x-envelope` component that holds the payload.
    pub envelope_field: &'static str,
    /// The error body component, the member holding its payload, and the payload component.
    pub error_envelope: (&'static str, &'static str, &'static str),
    /// Operations left out of progenitor's input and written by hand.
    pub hand_written: &'static [HandWritten],
}

/// Every API of the workspace.
pub const APIS: &[Settings] = &[
    Settings {
        name: "liveagent",
        spec: "liveagent-v1.yaml",
        inner_type: "crate::ApiKey",
        protocol: "crate::LiveAgent",
        // 180 requests per minute per API key: the limit LiveAgent publishes for its API (not in
        // the v1 reference in shared/seeds; taken from the resilience issue, #10).
        rate_limit_per_minute: Some(180),
        format_prefix: "la-",
        formats: &[
            ("la-int", "crate::LaInt"),
            ("la-datetime", "crate::LaDateTime"),
            ("la-opdatetime", "crate::OpDateTime"),
        ],
        envelope_field: "response",
        error_envelope: ("ErrorEnvelope", "response", "Error"),
        hand_written: &[],
    },
    Settings {
        name: "contiple",
        spec: "contiple.yaml",
        inner_type: "crate::Credentials",
        protocol: "crate::Contiple",
        // The Open API guide publishes no limit.
        rate_limit_per_minute: None,
        format_prefix: "oc-",
        formats: &[("oc-epoch-millis", "crate::EpochMillis")],
        envelope_field: "result",
        error_envelope: ("ErrorEnvelope", "header", "ResponseHeader"),
        hand_written: &[HandWritten {
            operation_id: "uploadTicketAttachment",
            why: "progenitor 0.15 cannot generate multipart/form-data bodies",
            replay_call: "crate::outcome(client.upload_ticket_attachment(call.file_name(), call.file_bytes()).await)",
        }],
    },
];

/// One API found under `spec/`, with its settings and paths.
pub struct Api {
    /// The API's settings.
    pub settings: &'static Settings,
    /// Path of the spec, e.g. `spec/liveagent-v1.yaml`.
    pub spec_path: PathBuf,
    /// Path of the generated client, e.g. `crates/liveagent/src/generated.rs`.
    pub generated_path: PathBuf,
    /// Path of the generated replay dispatcher, e.g. `tests/src/dispatch/liveagent.rs`.
    pub dispatch_path: PathBuf,
    root: PathBuf,
}

impl Api {
    /// The spec's path relative to the workspace root, for messages and headers.
    pub fn spec_relative(&self) -> String {
        self.relative(&self.spec_path)
    }

    /// A path relative to the workspace root, for messages.
    pub fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }

    /// The Rust type replacing components with `format`, given the component's `x-item`
    /// type; `Ok(None)` for a format that is not custom.
    pub fn format_type(
        &self,
        component: &str,
        format: &str,
        item: impl FnOnce() -> anyhow::Result<String>,
    ) -> anyhow::Result<Option<String>> {
        let found = self
            .settings
            .formats
            .iter()
            .chain(SHARED_FORMATS)
            .find(|(name, _)| *name == format);
        match found {
            Some((_, rust)) if rust.contains("{item}") => {
                Ok(Some(rust.replace("{item}", &item()?)))
            }
            Some((_, rust)) => Ok(Some((*rust).to_owned())),
            None if format.starts_with(self.settings.format_prefix) => bail!(
                "component {component}: unknown custom format `{format}` (see xtask/src/apis.rs)"
            ),
            None => Ok(None),
        }
    }
}

/// Finds every `spec/*.yaml` and pairs it with its settings; a spec without settings is an
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
        let file = spec_path
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let Some(settings) = APIS.iter().find(|s| s.spec == file) else {
            bail!(
                "{}: no API settings name this spec (see xtask/src/apis.rs)",
                spec_path.display()
            );
        };
        apis.push(Api {
            settings,
            generated_path: root
                .join("crates")
                .join(settings.name)
                .join("src/generated.rs"),
            dispatch_path: root
                .join("tests/src/dispatch")
                .join(format!("{}.rs", settings.name)),
            spec_path,
            root: root.to_path_buf(),
        });
    }
    Ok(apis)
}
