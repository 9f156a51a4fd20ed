//! Which specs exist and what each one generates: the per-API settings of the generator.
//!
//! Adding an API is one [`Settings`] entry here, its spec under `spec/`, a thin crate that
//! declares `extern crate self as <name>;` (the generated code names its types by absolute
//! paths, `::<name>::…`, so the same paths work in the client, its CLI and its mocks) and
//! defines the hook state type, its custom formats' Rust types and its error detection, and
//! the API's line in the registry of the recordings (`crates/recording/src/apis.rs`). The
//! tests' dispatchers, the replay client included, are generated from this entry.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

/// Custom formats every API may use: the Rust types come from `helpdesk-client-runtime`, re-exported
/// by each crate (`{api}` stands for the crate's name). `{item}` stands for the type named by
/// the component's `x-item`.
pub const SHARED_FORMATS: &[(&str, &str)] = &[
    ("comma-list", "::{api}::CommaList<{item}>"),
    ("json-text", "::{api}::JsonEncoded<{item}>"),
    ("byte", "::{api}::Base64Data"),
];

/// Custom formats whose Rust types parse from text (`FromStr`), so that progenitor's CLI
/// generator gives their fields a flag (`--data` of LiveAgent's `uploadFile`).
pub const TEXT_PARSABLE_FORMATS: &[&str] = &["byte"];

/// Formats of JSON Schema and the OpenAPI format registry that generators know: anything
/// else on a scalar is one of ours.
pub const STANDARD_FORMATS: &[&str] = &[
    "int32",
    "int64",
    "float",
    "double",
    "byte",
    "binary",
    "date",
    "date-time",
    "password",
    "email",
    "uri",
    "uuid",
];

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

/// The files `cargo xtask generate` writes for one API, relative to the workspace root.
pub struct Outputs {
    /// The client: `crates/<api>/src/generated.rs`.
    pub client: &'static str,
    /// The tests' replay dispatcher: `tests/src/dispatch/<api>.rs`, a module of the generated
    /// `tests/src/dispatch/mod.rs` (so its file name is the API's name).
    pub dispatch: &'static str,
    /// The CLI's commands, `crates/<api>-cli/src/generated.rs`, if the API has a CLI crate.
    pub cli: Option<&'static str>,
    /// The typed mocks, `crates/<api>-httpmock/src/generated.rs`, if the API has a mock crate.
    pub httpmock: Option<&'static str>,
}

/// The generator settings of one API.
pub struct Settings {
    /// The API's name: the crate's directory under `crates/` and its Rust crate name.
    pub name: &'static str,
    /// The spec's file name under `spec/`.
    pub spec: &'static str,
    /// What generation writes.
    pub outputs: Outputs,
    /// The Rust type of the client's hook state (`with_inner_type`): the API's credentials,
    /// implementing `helpdesk_client_runtime::__private::Credentials`, defined in the crate's hand-written layer.
    pub inner_type: &'static str,
    /// The type implementing `helpdesk_client_runtime::Api` for the API (its name, credentials and
    /// error envelope), defined in the crate's hand-written layer.
    pub protocol: &'static str,
    /// The credentials of the replay tests' client: an expression of the `api-tests` crate
    /// (`crate::…`) that evaluates to an `inner_type` (fixed fake keys: recordings compare
    /// what the client sends, signatures included).
    pub test_credentials: &'static str,
    /// The vendor's published rate limit, the client's default.
    pub rate_limit_per_minute: Option<u32>,
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
        outputs: Outputs {
            client: "crates/liveagent/src/generated.rs",
            dispatch: "tests/src/dispatch/liveagent.rs",
            cli: Some("crates/liveagent-cli/src/generated.rs"),
            httpmock: Some("crates/liveagent-httpmock/src/generated.rs"),
        },
        inner_type: "::liveagent::ApiKey",
        protocol: "::liveagent::LiveAgent",
        test_credentials: "::liveagent::ApiKey::new(crate::replay::TEST_API_KEY)",
        // 180 requests per minute per API key: the limit LiveAgent publishes for its API (not in
        // the v1 reference in shared/seeds; taken from the resilience issue, #10).
        rate_limit_per_minute: Some(180),
        formats: &[
            ("la-int", "::liveagent::LaInt"),
            ("la-datetime", "::liveagent::LaDateTime"),
            ("la-opdatetime", "::liveagent::OpDateTime"),
        ],
        envelope_field: "response",
        error_envelope: ("ErrorEnvelope", "response", "Error"),
        hand_written: &[],
    },
    Settings {
        name: "contiple",
        spec: "contiple.yaml",
        outputs: Outputs {
            client: "crates/contiple/src/generated.rs",
            dispatch: "tests/src/dispatch/contiple.rs",
            cli: Some("crates/contiple-cli/src/generated.rs"),
            httpmock: Some("crates/contiple-httpmock/src/generated.rs"),
        },
        inner_type: "::contiple::Credentials",
        protocol: "::contiple::Contiple",
        // The fixed fake keys and frozen clock of `tests/recordings/contiple/credentials.json`.
        test_credentials:
            "crate::ClientCredentials::client_credentials(&crate::contiple_credentials())",
        // The Open API guide publishes no limit.
        rate_limit_per_minute: None,
        formats: &[("oc-epoch-millis", "::contiple::EpochMillis")],
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
    root: PathBuf,
}

impl Api {
    /// An API of `settings` whose spec is not read from disk (tests parse a text).
    #[cfg(test)]
    pub fn in_memory(settings: &'static Settings) -> Self {
        Api {
            settings,
            spec_path: PathBuf::from("spec/test.yaml"),
            root: PathBuf::new(),
        }
    }

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

    /// The files generation writes for this API, in the order of [`Outputs`]' fields, the
    /// absent optional ones left out.
    pub fn output_paths(&self) -> Vec<PathBuf> {
        let out = &self.settings.outputs;
        [Some(out.client), Some(out.dispatch), out.cli, out.httpmock]
            .into_iter()
            .flatten()
            .map(|path| self.root.join(path))
            .collect()
    }

    /// The custom formats of this API, the shared ones included, with their Rust types.
    pub fn custom_formats(&self) -> impl Iterator<Item = (&'static str, String)> + '_ {
        let name = self.settings.name;
        self.settings
            .formats
            .iter()
            .chain(SHARED_FORMATS)
            .map(move |(format, rust)| (*format, rust.replace("{api}", name)))
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
            spec_path,
            root: root.to_path_buf(),
        });
    }
    Ok(apis)
}

#[cfg(test)]
mod tests {
    use super::{Api, Outputs, Settings, APIS};

    #[test]
    fn an_api_without_cli_or_mocks_writes_only_its_client_and_dispatcher() {
        let full = &APIS[0];
        static CLIENT_ONLY: std::sync::OnceLock<Settings> = std::sync::OnceLock::new();
        let settings = CLIENT_ONLY.get_or_init(|| Settings {
            outputs: Outputs {
                cli: None,
                httpmock: None,
                ..full.outputs
            },
            ..*full
        });
        let paths = Api::in_memory(settings).output_paths();
        assert_eq!(
            paths,
            [full.outputs.client, full.outputs.dispatch].map(std::path::PathBuf::from)
        );
        assert_eq!(Api::in_memory(full).output_paths().len(), 4);
    }
}
