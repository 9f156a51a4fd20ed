//! The registry of APIs: the one list of the workspace's APIs that the replay tests, the fuzz
//! tests, the recordings' checks and the replay server (`mock-server`) read. It holds no facts
//! of its own: an API is a spec under `spec/` with a top-level `x-sdk` (the SDK's facts about
//! the API, which `cargo xtask generate` reads too), and everything the recordings' tools need
//! to know about it is read from that spec on first use ([`Api`]): its name from `x-sdk`, how
//! requests are authenticated from its security schemes, the error body from `x-sdk`'s error
//! envelope. Its operations are the spec's, never counted by hand.

use std::ops::Deref;
use std::sync::OnceLock;

use anyhow::{bail, Context as _};
use serde_json::{json, Map, Value};

use crate::spec::{spec_dir, SpecIndex};

/// What the recordings' tools need to know about one API, read from its spec.
#[derive(Debug)]
pub struct Api {
    /// The directory under `tests/recordings/`, and the client crate's name (`x-sdk.crate`).
    pub name: &'static str,
    /// The spec's file under `spec/`.
    pub spec_file: &'static str,
    /// A query parameter the client adds for authentication (LiveAgent's `apikey`: the spec's
    /// `apiKey` security scheme `in: query`): it is left out of recorded queries, and must be
    /// sent exactly once.
    pub auth_query: Option<&'static str>,
    /// Headers the client adds to sign a request (Contiple's `authorization`,
    /// `x-tc-timestamp`: the spec's `apiKey` security schemes `in: header`, lowercase): a
    /// recorded request that holds none of them must be sent without them (operations the
    /// spec does not secure are not signed). An API with signature headers keeps its test
    /// credentials in `tests/recordings/<api>/credentials.json`.
    pub signature_headers: &'static [&'static str],
    /// The shape of the API's error body (`x-sdk.error-envelope`).
    pub error_envelope: ErrorEnvelope,
}

/// The members of an API's error body that the replay server fills in: the spec's
/// `x-sdk.error-envelope`.
#[derive(Debug)]
pub struct ErrorEnvelope {
    /// The error body's member holding the error payload (`response`, `header`).
    pub payload_member: String,
    /// The payload's member that tells an error from a success (`status`, `isSuccessful`).
    pub marker: String,
    /// The marker's value that means an error (`"ERROR"`, `false`).
    pub error_when: Value,
    /// The payload's member holding the error code.
    pub code: String,
    /// The payload's member holding the error message.
    pub message: String,
}

impl Api {
    /// Whether the API signs its requests (and so has test credentials).
    pub fn is_signed(&self) -> bool {
        !self.signature_headers.is_empty()
    }

    /// The API's error envelope with a status code and message, e.g. LiveAgent's
    /// `{"response": {"status": "ERROR", "statuscode": 404, "errormessage": "…"}}`.
    pub fn error_body(&self, code: u16, message: &str) -> Value {
        let envelope = &self.error_envelope;
        let mut payload = Map::new();
        payload.insert(envelope.marker.clone(), envelope.error_when.clone());
        payload.insert(envelope.code.clone(), json!(code));
        payload.insert(envelope.message.clone(), json!(message));
        json!({ envelope.payload_member.as_str(): payload })
    }

    /// The API of one spec, or `None` for a spec without `x-sdk`.
    fn read(spec_file: &str) -> anyhow::Result<Option<Self>> {
        let document = SpecIndex::loaded(spec_file)?.document();
        let Some(sdk) = document.get("x-sdk") else {
            return Ok(None);
        };
        let error = &sdk["error-envelope"];
        let error_envelope = ErrorEnvelope {
            payload_member: text(error, "payload-member")?.to_owned(),
            marker: text(error, "marker")?.to_owned(),
            error_when: error["error-when"].clone(),
            code: text(error, "code")?.to_owned(),
            message: text(error, "message")?.to_owned(),
        };
        let mut auth_query = None;
        let mut signature_headers = Vec::new();
        let schemes = document["components"]["securitySchemes"].as_object();
        for (scheme_name, scheme) in schemes.into_iter().flatten() {
            let name = text(scheme, "name").with_context(|| format!("scheme {scheme_name}"));
            match (scheme["type"].as_str(), scheme["in"].as_str()) {
                (Some("apiKey"), Some("query")) if auth_query.is_none() => auth_query = Some(name?),
                (Some("apiKey"), Some("header")) => {
                    signature_headers.push(&*String::leak(name?.to_ascii_lowercase()));
                }
                _ => bail!(
                    "security scheme {scheme_name}: the recordings' tools know one `apiKey` \
                     `in: query` and `apiKey` schemes `in: header`"
                ),
            }
        }
        Ok(Some(Api {
            name: text(sdk, "crate").context("x-sdk")?,
            spec_file: String::leak(spec_file.to_owned()),
            auth_query,
            signature_headers: Vec::leak(signature_headers),
            error_envelope,
        }))
    }
}

/// The string member `key` of an object of a spec (which is loaded for good).
fn text(object: &'static Value, key: &str) -> anyhow::Result<&'static str> {
    match object[key].as_str() {
        Some(text) => Ok(text),
        None => bail!("`{key}` must be a string"),
    }
}

/// Every API of the workspace, read once per process: the specs under `spec/` that have an
/// `x-sdk`, in file-name order.
///
/// # Panics
///
/// When a spec cannot be read, or its `x-sdk` or security schemes are not as
/// [`Api`] expects: the recordings' tools cannot run without the registry.
fn registry() -> &'static [&'static Api] {
    static REGISTRY: OnceLock<Vec<&'static Api>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let read = || -> anyhow::Result<Vec<&'static Api>> {
            let dir = spec_dir();
            let mut files: Vec<String> = std::fs::read_dir(&dir)
                .with_context(|| format!("reading {}", dir.display()))?
                .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
                .filter(|file| file.ends_with(".yaml") || file.ends_with(".yml"))
                .collect();
            files.sort();
            let mut apis = Vec::new();
            for file in files {
                let api = Api::read(&file).with_context(|| format!("spec/{file}"))?;
                apis.extend(api.map(|api| &*Box::leak(Box::new(api))));
            }
            Ok(apis)
        };
        read().unwrap_or_else(|err| panic!("the registry of APIs: {err:#}"))
    })
}

/// The registry's list of APIs: `for api in APIS`, `APIS.iter()`.
#[derive(Debug, Clone, Copy)]
pub struct Registry;

/// Every API of the workspace.
pub const APIS: Registry = Registry;

impl Deref for Registry {
    type Target = [&'static Api];

    fn deref(&self) -> &Self::Target {
        registry()
    }
}

impl IntoIterator for Registry {
    type Item = &'static Api;
    type IntoIter = std::iter::Copied<std::slice::Iter<'static, &'static Api>>;

    fn into_iter(self) -> Self::IntoIter {
        registry().iter().copied()
    }
}

/// An API of the registry named in code: it dereferences to its [`Api`] (`&LIVEAGENT` is an
/// `&'static Api`), read from its spec on first use.
#[derive(Debug)]
pub struct NamedApi(&'static str);

impl Deref for NamedApi {
    type Target = Api;

    fn deref(&self) -> &Api {
        api(self.0)
            .unwrap_or_else(|| panic!("no spec under spec/ says `x-sdk: {{crate: {}}}`", self.0))
    }
}

/// LiveAgent v1 (`spec/liveagent-v1.yaml`): authenticated by the `apikey` query parameter.
pub static LIVEAGENT: NamedApi = NamedApi("liveagent");

/// Contiple (`spec/contiple.yaml`): `openapi/v1` calls signed with `authorization` and
/// `x-tc-timestamp` (see `tests/recordings/contiple/credentials.json`).
pub static CONTIPLE: NamedApi = NamedApi("contiple");

/// The API of a name (`liveagent`, `contiple`).
pub fn api(name: &str) -> Option<&'static Api> {
    registry().iter().copied().find(|api| api.name == name)
}

/// An API of the registry by name, as a command line's value parser: the error lists the
/// names.
pub fn parse_api(name: &str) -> Result<&'static Api, String> {
    api(name).ok_or_else(|| {
        let names: Vec<&str> = APIS.iter().map(|api| api.name).collect();
        format!("not an API: expected one of {}", names.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{APIS, CONTIPLE, LIVEAGENT};

    #[test]
    fn every_api_is_read_from_its_spec() {
        let names: Vec<&str> = APIS.iter().map(|api| api.name).collect();
        assert_eq!(names, ["contiple", "liveagent"]);
        assert_eq!(LIVEAGENT.spec_file, "liveagent-v1.yaml");
        assert_eq!(LIVEAGENT.auth_query, Some("apikey"));
        assert!(!LIVEAGENT.is_signed());
        assert_eq!(CONTIPLE.auth_query, None);
        assert_eq!(
            CONTIPLE.signature_headers,
            ["authorization", "x-tc-timestamp"]
        );
    }

    #[test]
    fn the_error_body_is_the_error_envelope_of_the_spec() {
        assert_eq!(
            LIVEAGENT.error_body(404, "Tag not found"),
            json!({"response": {"status": "ERROR", "statuscode": 404, "errormessage": "Tag not found"}})
        );
        assert_eq!(
            CONTIPLE.error_body(403, "Access Denied"),
            json!({"header": {"isSuccessful": false, "resultCode": 403, "resultMessage": "Access Denied"}})
        );
    }
}
