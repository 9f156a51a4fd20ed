//! Which specs exist and what each one generates: every API's facts, each read from one place.
//!
//! - **The spec's `x-sdk`** ([`SdkFacts`]): the API's name (its crate), its published rate
//!   limit, the member of its envelopes that holds the payload, and the shape of its error
//!   envelope. These are facts about the API on the wire, so they sit beside the components
//!   they name, and `cargo xtask validate` checks them against those components. The runtime
//!   test tools read the same object (`crates/recording/src/apis.rs`); the bundle leaves it out.
//! - **[`Settings`], here**: how the crate's hand-written layer binds the API in Rust (its
//!   credentials and `Api` types, its custom formats' types, the operations written by hand,
//!   the replay tests' credentials), found by the spec's `x-sdk.crate`.
//! - **Derived** ([`Outputs`]): the files generation writes, from the name and the crates
//!   that exist (`crates/<name>-cli`, `crates/<name>-httpmock`).
//!
//! Adding an API is its spec under `spec/` (with its `x-sdk`), one [`Settings`] entry here,
//! and a thin crate that declares `extern crate self as <name>;` (the generated code names its
//! types by absolute paths, `::<name>::…`, so the same paths work in the client, its CLI and
//! its mocks) and defines the credentials type, its custom formats' Rust types and its `Api`
//! impl. The tests' dispatchers, the replay client included, are generated; the recordings'
//! tools find the API by its spec.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Deserialize;

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

/// The spec's top-level extension holding [`SdkFacts`].
pub const SDK_EXTENSION: &str = "x-sdk";

/// The directory of the tests' replay dispatchers, one `<name>.rs` per API and their `mod.rs`.
pub const DISPATCH_DIR: &str = "tests/src/dispatch";

/// What the SDK needs to know about an API that OpenAPI cannot say: the spec's top-level
/// `x-sdk` object. The model checks that the members it names exist (`cargo xtask validate`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SdkFacts {
    /// `crate`: the API's name, the crate's directory under `crates/`, its Rust crate name
    /// and its recordings' directory under `tests/recordings/`.
    #[serde(rename = "crate")]
    pub name: String,
    /// The vendor's published rate limit, the client's default; absent when none is published.
    pub rate_limit_per_minute: Option<u32>,
    /// The member of every `x-envelope` component that holds the payload.
    pub payload_member: String,
    /// How an error body looks.
    pub error_envelope: ErrorEnvelopeFacts,
}

/// The `error-envelope` of [`SdkFacts`]: the body of an error, which the API may send with a
/// success status.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ErrorEnvelopeFacts {
    /// The error body's component (`ErrorEnvelope`).
    pub component: String,
    /// Its member holding the error payload, a reference to the payload's component.
    pub payload_member: String,
    /// The payload's member that tells an error from a success (`status`, `isSuccessful`).
    pub marker: String,
    /// The marker's value that means an error (`ERROR`, `false`).
    pub error_when: MarkerValue,
    /// The payload's member holding the API's error code.
    pub code: String,
    /// The payload's member holding the error message.
    pub message: String,
}

/// The value of an error marker that means an error.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum MarkerValue {
    /// A boolean (Contiple's `false`).
    Bool(bool),
    /// A string (LiveAgent's `ERROR`).
    Str(String),
}

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

/// How one API's crate binds it in Rust: the items of its hand-written layer that the
/// generated code names.
pub struct Settings {
    /// The API's name, as its spec's `x-sdk.crate` says: the key this entry is found by.
    pub name: &'static str,
    /// The Rust type of the client's hook state (`with_inner_type`): the API's credentials,
    /// implementing `helpdesk_client_runtime::__private::Credentials`.
    pub credentials_type: &'static str,
    /// The type implementing the runtime's `helpdesk_client_runtime::__private::Api` for the
    /// API (its name, credentials and error envelope), given to `api_glue!` and the decoders.
    pub api_type: &'static str,
    /// The credentials of the replay tests' client: an expression of the `api-tests` crate
    /// (`crate::…`) that evaluates to a `credentials_type` (fixed fake keys: recordings
    /// compare what the client sends, signatures included).
    pub test_credentials: &'static str,
    /// The API's custom formats and the Rust types that replace components using them.
    pub formats: &'static [(&'static str, &'static str)],
    /// Operations left out of progenitor's input and written by hand.
    pub hand_written: &'static [HandWritten],
}

/// Every API crate of the workspace.
pub const APIS: &[Settings] = &[
    Settings {
        name: "liveagent",
        credentials_type: "::liveagent::ApiKey",
        api_type: "::liveagent::LiveAgent",
        test_credentials: "::liveagent::ApiKey::new(crate::replay::TEST_API_KEY)",
        formats: &[
            ("la-int", "::liveagent::LaInt"),
            ("la-datetime", "::liveagent::LaDateTime"),
            ("la-opdatetime", "::liveagent::OpDateTime"),
        ],
        hand_written: &[],
    },
    Settings {
        name: "contiple",
        credentials_type: "::contiple::Credentials",
        api_type: "::contiple::Contiple",
        // The fixed fake keys and frozen clock of `tests/recordings/contiple/credentials.json`.
        test_credentials:
            "crate::ClientCredentials::client_credentials(&crate::contiple_credentials())",
        formats: &[("oc-epoch-millis", "::contiple::EpochMillis")],
        hand_written: &[HandWritten {
            operation_id: "uploadTicketAttachment",
            why: "progenitor 0.15 cannot generate multipart/form-data bodies",
            replay_call: "crate::outcome(client.upload_ticket_attachment(call.file_name(), call.file_bytes()).await)",
        }],
    },
];

/// The files `cargo xtask generate` writes for one API, relative to the workspace root:
/// derived from its name and the crates that exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outputs {
    /// The client: `crates/<name>/src/generated.rs`.
    pub client: String,
    /// The tests' replay dispatcher: `tests/src/dispatch/<name>.rs`, a module of the generated
    /// `tests/src/dispatch/mod.rs`.
    pub dispatch: String,
    /// The CLI's commands, `crates/<name>-cli/src/generated.rs`, if that crate exists.
    pub cli: Option<String>,
    /// The typed mocks, `crates/<name>-httpmock/src/generated.rs`, if that crate exists.
    pub httpmock: Option<String>,
}

impl Outputs {
    /// The outputs of the API `name` in the workspace at `root`.
    pub fn of(root: &Path, name: &str) -> Self {
        let companion = |suffix: &str| {
            let dir = format!("crates/{name}-{suffix}");
            root.join(&dir)
                .is_dir()
                .then(|| format!("{dir}/src/generated.rs"))
        };
        Outputs {
            client: format!("crates/{name}/src/generated.rs"),
            dispatch: format!("{DISPATCH_DIR}/{name}.rs"),
            cli: companion("cli"),
            httpmock: companion("httpmock"),
        }
    }
}

/// One API found under `spec/`: its facts, its settings and its paths.
pub struct Api {
    /// The spec's `x-sdk`.
    pub sdk: SdkFacts,
    /// The settings of its crate.
    pub settings: &'static Settings,
    /// What generation writes for it.
    pub outputs: Outputs,
    /// Path of the spec, e.g. `spec/liveagent-v1.yaml`.
    pub spec_path: PathBuf,
    root: PathBuf,
}

impl Api {
    /// The API of a spec's text that is not read from disk (tests parse a text); it writes
    /// only its client and dispatcher.
    #[cfg(test)]
    pub fn in_memory(text: &str) -> anyhow::Result<Self> {
        let sdk = sdk_facts(text)?;
        Ok(Api {
            settings: settings_of(&sdk)?,
            outputs: Outputs {
                cli: None,
                httpmock: None,
                ..Outputs::of(Path::new(""), &sdk.name)
            },
            sdk,
            spec_path: PathBuf::from("spec/test.yaml"),
            root: PathBuf::new(),
        })
    }

    /// The API's name (`x-sdk.crate`).
    pub fn name(&self) -> &str {
        &self.sdk.name
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
        let out = &self.outputs;
        [
            Some(&out.client),
            Some(&out.dispatch),
            out.cli.as_ref(),
            out.httpmock.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(|path| self.root.join(path))
        .collect()
    }

    /// The custom formats of this API, the shared ones included, with their Rust types.
    pub fn custom_formats(&self) -> impl Iterator<Item = (&'static str, String)> + '_ {
        let name = self.name();
        self.settings
            .formats
            .iter()
            .chain(SHARED_FORMATS)
            .map(move |(format, rust)| (*format, rust.replace("{api}", name)))
    }
}

/// The `x-sdk` of a spec's text.
fn sdk_facts(text: &str) -> anyhow::Result<SdkFacts> {
    /// The one member of a spec read here; the others are skipped.
    #[derive(Deserialize)]
    struct Head {
        #[serde(rename = "x-sdk")]
        sdk: Option<SdkFacts>,
    }
    let head: Head =
        serde_yaml::from_str(text).with_context(|| format!("reading `{SDK_EXTENSION}`"))?;
    head.sdk.with_context(|| {
        format!(
            "no top-level `{SDK_EXTENSION}`: the SDK's facts about the API (see \
             spec/README.md, \"Spec conventions\")"
        )
    })
}

/// The settings of the crate `x-sdk.crate` names.
fn settings_of(sdk: &SdkFacts) -> anyhow::Result<&'static Settings> {
    match APIS.iter().find(|settings| settings.name == sdk.name) {
        Some(settings) => Ok(settings),
        None => bail!(
            "`{SDK_EXTENSION}.crate: {}` has no settings in xtask/src/apis.rs",
            sdk.name
        ),
    }
}

/// Finds every `spec/*.yaml` and pairs it with its settings by its `x-sdk.crate`; a spec
/// without `x-sdk` or settings is an error, so a new spec cannot be silently skipped.
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
    let mut apis: Vec<Api> = Vec::new();
    for spec_path in specs {
        let text = std::fs::read_to_string(&spec_path)
            .with_context(|| format!("reading {}", spec_path.display()))?;
        let sdk = sdk_facts(&text).with_context(|| format!("{}", spec_path.display()))?;
        let settings = settings_of(&sdk).with_context(|| format!("{}", spec_path.display()))?;
        if let Some(other) = apis.iter().find(|api| api.name() == sdk.name) {
            bail!(
                "{} and {} both say `{SDK_EXTENSION}.crate: {}`",
                other.spec_path.display(),
                spec_path.display(),
                sdk.name
            );
        }
        apis.push(Api {
            outputs: Outputs::of(root, &sdk.name),
            sdk,
            settings,
            spec_path,
            root: root.to_path_buf(),
        });
    }
    Ok(apis)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{discover, Outputs};

    #[test]
    fn outputs_follow_from_the_name_and_the_crates_that_exist() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let full = Outputs::of(&root, "liveagent");
        assert_eq!(
            full,
            Outputs {
                client: "crates/liveagent/src/generated.rs".to_owned(),
                dispatch: "tests/src/dispatch/liveagent.rs".to_owned(),
                cli: Some("crates/liveagent-cli/src/generated.rs".to_owned()),
                httpmock: Some("crates/liveagent-httpmock/src/generated.rs".to_owned()),
            }
        );
        let empty = std::env::temp_dir().join(format!("xtask-apis-test-{}", std::process::id()));
        std::fs::create_dir_all(&empty).unwrap();
        let bare = Outputs::of(&empty, "liveagent");
        assert_eq!((bare.cli, bare.httpmock), (None, None));
        assert_eq!((bare.client, bare.dispatch), (full.client, full.dispatch));
        std::fs::remove_dir_all(&empty).unwrap();
    }

    #[test]
    fn every_spec_names_its_crate_and_every_crate_has_a_spec() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let apis = discover(&root).unwrap();
        let mut names: Vec<&str> = apis.iter().map(|api| api.name()).collect();
        names.sort_unstable();
        let mut settings: Vec<&str> = super::APIS.iter().map(|s| s.name).collect();
        settings.sort_unstable();
        assert_eq!(names, settings);
        for api in &apis {
            assert_eq!(api.output_paths().len(), 4, "{}", api.name());
        }
    }
}
