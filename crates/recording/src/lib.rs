//! The recorded HTTP exchanges of `tests/recordings/`, shared by the replay tests (`api-tests`)
//! and the replay server (`mock-server`): the format and its loading ([`Recording`]), the
//! spec each API's recordings are read against ([`SpecIndex`]: a recording leaves out a
//! response that is its operation's documented example, and loading takes it from there), the
//! registry of APIs ([`APIS`]), and requests as a mock server received them ([`SentRequest`]).

mod apis;
mod format;
mod received;
mod spec;

pub use apis::{api, parse_api, Api, ErrorEnvelope, NamedApi, Registry, APIS, CONTIPLE, LIVEAGENT};
pub use format::{
    contiple_credentials, load, load_all, load_as, load_case, load_case_from, load_credentials,
    load_dir, load_from, recordings_dir, recordings_root, ContipleCredentials, Exchange,
    RecordedRequest, RecordedResponse, Recording,
};
pub use received::{multipart_file, parse_sent, SentRequest};
pub use spec::{spec_dir, SpecIndex};
