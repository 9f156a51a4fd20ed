//! The registry of APIs: the one list of the workspace's APIs that the replay tests, the fuzz
//! tests, the recordings' checks and the replay server (`mock-server`) read. Adding an API adds
//! one entry to [`APIS`]; its operations are the spec's, never counted by hand.

use serde_json::{json, Value};

/// What the recordings' tools need to know about one API.
#[derive(Debug)]
pub struct Api {
    /// The directory under `tests/recordings/`, and the client crate's name.
    pub name: &'static str,
    /// The spec's file under `spec/`.
    pub spec_file: &'static str,
    /// A query parameter the client adds for authentication (LiveAgent's `apikey`): it is
    /// left out of recorded queries, and must be sent exactly once.
    pub auth_query: Option<&'static str>,
    /// Headers the client adds to sign a request (Contiple's `authorization`,
    /// `x-tc-timestamp`): a recorded request that holds none of them must be sent without
    /// them (operations the spec does not secure are not signed). An API with signature
    /// headers keeps its test credentials in `tests/recordings/<api>/credentials.json`.
    pub signature_headers: &'static [&'static str],
    /// The API's error envelope with a status code and message.
    pub error_body: fn(code: u16, message: &str) -> Value,
}

impl Api {
    /// Whether the API signs its requests (and so has test credentials).
    pub fn is_signed(&self) -> bool {
        !self.signature_headers.is_empty()
    }
}

/// LiveAgent v1: authenticated by the `apikey` query parameter.
pub const LIVEAGENT: Api = Api {
    name: "liveagent",
    spec_file: "liveagent-v1.yaml",
    auth_query: Some("apikey"),
    signature_headers: &[],
    error_body: |code, message| {
        json!({"response": {
            "status": "ERROR",
            "statuscode": code,
            "errormessage": message,
            "debugmessage": "",
        }})
    },
};

/// Contiple: `openapi/v1` calls signed with `authorization` and `x-tc-timestamp` (see
/// `tests/recordings/contiple/credentials.json`).
pub const CONTIPLE: Api = Api {
    name: "contiple",
    spec_file: "contiple.yaml",
    auth_query: None,
    signature_headers: &["authorization", "x-tc-timestamp"],
    error_body: |code, message| {
        json!({
            "header": {"resultCode": code, "resultMessage": message, "isSuccessful": false},
            "result": null,
        })
    },
};

/// Every API of the workspace.
pub const APIS: &[&Api] = &[&LIVEAGENT, &CONTIPLE];

/// The API of a name (`liveagent`, `contiple`).
pub fn api(name: &str) -> Option<&'static Api> {
    APIS.iter().copied().find(|api| api.name == name)
}
