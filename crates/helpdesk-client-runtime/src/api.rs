//! [`Api`]: everything the shared runtime needs to know about one API, in one impl per API
//! crate; and [`api_glue!`](crate::api_glue): what the generated client adds to it, written
//! once here and invoked at the end of each generated client.
//!
//! The glue is three traits: [`Api`] on a marker type (`liveagent::LiveAgent`), written by
//! hand with the facts `cargo xtask generate` derives from the spec ([`SpecFacts`]);
//! [`crate::Credentials`] on its credentials type (how a request is authenticated); and
//! [`crate::Envelope`] on every envelope component, written by `api_glue!`, which also writes
//! the client's hooks (progenitor's `ClientHooks`) and its `raw` method. Everything generic in
//! the runtime ([`crate::Error`], [`crate::ClientBuilder`], [`crate::RawRequest`], the exec
//! hook) takes the API's marker type as its parameter.

use std::fmt;

use progenitor_client::ClientInfo;
use serde::de::DeserializeOwned;

use crate::exec::Marker;
use crate::{Envelope, RateLimit, State};

/// One API, as the shared runtime needs to know it: implemented once by each API crate on a
/// marker type (`liveagent::LiveAgent`, `contiple::Contiple`).
pub trait Api: Sized + Send + Sync + 'static {
    /// The API's name in messages (`LiveAgent`, `Contiple`).
    const NAME: &'static str;

    /// What the spec says that the runtime uses (generated into the crate's `generated.rs`
    /// from the spec's `x-sdk`).
    const SPEC: SpecFacts;

    /// The credentials the client authenticates requests with (the generated client's hook
    /// state).
    type Credentials: crate::Credentials;

    /// The generated client.
    type Client: ClientInfo<State<Self::Credentials>> + Send + Sync;

    /// The generated type of the API's error body: the envelope around
    /// [`Api::ErrorPayload`], which [`Envelope::into_payload`] unwraps.
    type ErrorBody: Envelope<Api = Self, Payload = Self::ErrorPayload>
        + DeserializeOwned
        + serde::Serialize
        + Send;

    /// What the API's error envelope carries (the generated type of its payload).
    type ErrorPayload: fmt::Debug + Send + Sync + 'static;

    /// The generated client for the API at `base_url` (checked, without a trailing `/`, and
    /// as [`crate::Credentials::base_url`] chose it), sending with `http`.
    fn client(
        base_url: &str,
        http: reqwest::Client,
        state: State<Self::Credentials>,
    ) -> Self::Client;

    /// The API's own error code in a payload, if it has one.
    fn error_code(error: &Self::ErrorPayload) -> Option<String>;

    /// The API's own error message in a payload, if it has one.
    fn error_message(error: &Self::ErrorPayload) -> Option<String>;

    /// The payload read leniently from an error body whose fields have odd types (a code
    /// sent as `""`, a message as a number), so that it still surfaces as an API error;
    /// `None` when the body is not the API's error envelope at all. `__private::loose_text`
    /// reads a scalar as text.
    fn loose_error(body: &serde_json::Value) -> Option<Self::ErrorPayload>;
}

/// What an API's spec says that the runtime uses, from its `x-sdk` member: `cargo xtask
/// generate` writes it as the crate's `generated::SPEC`, which the crate's [`Api::SPEC`] is.
#[derive(Clone, Copy, Debug)]
pub struct SpecFacts {
    /// The API crate's name, in logs (`liveagent`).
    pub crate_name: &'static str,
    /// The `User-Agent` header sent unless the caller sets another (`<crate>-rs/<version>`).
    pub user_agent: &'static str,
    /// The vendor's published rate limit, applied unless the caller sets another (or none).
    pub rate_limit: Option<RateLimit>,
    /// The member of the API's success envelope that holds the payload (`response`).
    pub payload_member: &'static str,
    /// How the API's error envelope is told from a success.
    pub error_envelope: ErrorEnvelope,
}

/// How an API's error envelope is told from a success body: the member that says so and the
/// value that means an error. Both APIs may send an error envelope with a success status.
#[derive(Clone, Copy, Debug)]
pub struct ErrorEnvelope {
    /// The JSON path, from the top-level object, of the member that tells an error envelope
    /// from a success (`["response", "status"]`, `["header", "isSuccessful"]`).
    pub marker: &'static [&'static str],
    /// The marker's value that means an error.
    pub error_when: MarkerValue,
    /// The name of the payload's code member, for messages (`statuscode`).
    pub code_field: &'static str,
}

/// The value of an error marker that means an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerValue {
    /// This string (LiveAgent's `"ERROR"`).
    Str(&'static str),
    /// This boolean (Contiple's `false`).
    Bool(bool),
}

impl ErrorEnvelope {
    /// Whether `marker`, found at [`ErrorEnvelope::marker`] in a body, means an error.
    pub fn is_error(&self, marker: &Marker) -> bool {
        match (self.error_when, marker) {
            (MarkerValue::Str(wanted), Marker::Str(found)) => wanted == found,
            (MarkerValue::Bool(wanted), Marker::Bool(found)) => wanted == *found,
            _ => false,
        }
    }
}

/// Writes the glue between a generated client and the shared runtime; `cargo xtask
/// generate` invokes it at the end of every generated client, in the module that defines
/// `Client` (which must have `progenitor_client` and `reqwest` as dependencies):
///
/// - [`crate::Envelope`] for every envelope component (`null_envelopes`: those whose payload
///   is always `null`) and for the error body (`error_body`, unwrapped to its `{ member }`);
/// - progenitor's `ClientHooks` for the client: its `pre` hook authenticates the secured
///   operations ([`crate::Credentials::authenticate`]), its `exec` hook is
///   [`crate::exec::execute`];
/// - the client's `raw(method, path)` method ([`crate::RawRequest`]) and its per-call views
///   (`with_timeout`, `with_retry`, `with_max_body_bytes`: [`view`]).
///
/// `secured_operations` and `raw_body_operations` are operation ids as in
/// `OperationInfo::operation_id`: those whose spec names a security scheme, and those whose
/// success body is a file (passed on unbuffered).
///
/// ```ignore
/// ::helpdesk_client_runtime::api_glue! {
///     api: crate::LiveAgent,
///     client: Client,
///     error_body: types::ErrorEnvelope { response },
///     envelopes: response {
///         types::TagDetailsEnvelope => types::TagDetails,
///     },
///     null_envelopes: [types::OkStatusEnvelope],
///     secured_operations: ["get_tag"],
///     raw_body_operations: [],
/// }
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! api_glue {
    (
        api: $api:ty,
        client: $client:ident,
        error_body: $error_body:ty { $error_field:ident },
        envelopes: $field:ident { $($envelope:ty => $payload:ty),* $(,)? },
        null_envelopes: [$($null_envelope:ty),* $(,)?],
        secured_operations: [$($secured:literal),* $(,)?],
        raw_body_operations: [$($raw_body:literal),* $(,)?] $(,)?
    ) => {
        $(
            impl $crate::Envelope for $envelope {
                type Api = $api;
                type Payload = $payload;

                fn into_payload(self) -> Self::Payload {
                    self.$field
                }
            }
        )*

        $(
            /// The envelope's payload is always `null`: there is nothing to unwrap.
            impl $crate::Envelope for $null_envelope {
                type Api = $api;
                type Payload = ();

                fn into_payload(self) {}
            }
        )*

        impl $crate::Envelope for $error_body {
            type Api = $api;
            type Payload = <$api as $crate::__private::Api>::ErrorPayload;

            fn into_payload(self) -> Self::Payload {
                self.$error_field
            }
        }

        /// Authenticates the operations the spec secures; sends and inspects every request
        /// with the shared runtime.
        #[doc(hidden)]
        impl ::progenitor_client::ClientHooks<
            $crate::__private::State<<$api as $crate::__private::Api>::Credentials>
        > for $client {
            async fn pre<E>(
                &self,
                request: &mut ::reqwest::Request,
                info: &::progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), ::progenitor_client::Error<E>> {
                /// Operations (as in `OperationInfo::operation_id`) whose spec names a
                /// security scheme.
                const SECURED_OPERATIONS: &[&str] = &[$($secured),*];
                if SECURED_OPERATIONS.contains(&info.operation_id) {
                    let state = ::progenitor_client::ClientInfo::inner(self);
                    $crate::__private::Credentials::authenticate(state.credentials(), request);
                }
                Ok(())
            }

            async fn exec(
                &self,
                request: ::reqwest::Request,
                info: &::progenitor_client::OperationInfo,
            ) -> ::reqwest::Result<::reqwest::Response> {
                /// Operations (as in `OperationInfo::operation_id`) whose success body is
                /// a file, not JSON: their 2xx responses are passed on unbuffered.
                const RAW_BODY_OPERATIONS: &[&str] = &[$($raw_body),*];
                let raw_body = RAW_BODY_OPERATIONS.contains(&info.operation_id);
                $crate::__private::exec::execute::<$api>(
                    ::progenitor_client::ClientInfo::client(self),
                    ::progenitor_client::ClientInfo::inner(self),
                    request,
                    info,
                    raw_body,
                )
                .await
            }
        }

        impl $client {
            /// A request to an endpoint the spec does not document: `path` is relative to the
            /// client's base URL. It goes through the same authentication, retries, rate
            /// limit, body cap, redaction and error detection as every generated operation;
            /// [`RawRequest::send`](crate::RawRequest::send) returns the envelope's payload
            /// as JSON. Example: [the crate's
            /// documentation](crate#endpoints-the-spec-does-not-have).
            pub fn raw(
                &self,
                method: $crate::reexports::Method,
                path: &str,
            ) -> $crate::RawRequest<'_, $api> {
                $crate::RawRequest::new(self, method, path)
            }

            /// A view of this client whose calls time out after `timeout` (each attempt,
            /// connect to last byte, a stream's every page and a download's whole body)
            /// instead of the builder's `timeout`. A view is cheap (no new connection pool):
            /// it shares this client's connections, rate limiter and secrets, and this client
            /// is unchanged. Example: [the crate's documentation](crate#settings-per-call).
            pub fn with_timeout(&self, timeout: ::std::time::Duration) -> Self {
                $crate::__private::view::<$api>(self, |runtime| runtime.timeout = Some(timeout))
            }

            /// A view of this client that retries as `policy` says (e.g.
            /// `RetryPolicy { retry_non_idempotent: true, ..Default::default() }` for one POST
            /// that is safe to send twice); shares everything else, as
            /// [`with_timeout`](Self::with_timeout) says.
            pub fn with_retry(&self, policy: $crate::RetryPolicy) -> Self {
                $crate::__private::view::<$api>(self, |runtime| runtime.retry = policy)
            }

            /// A view of this client that reads response bodies (a download's file included)
            /// up to `limit` bytes, failing larger ones with `Error::BodyTooLarge`; shares
            /// everything else, as [`with_timeout`](Self::with_timeout) says.
            pub fn with_max_body_bytes(&self, limit: usize) -> Self {
                $crate::__private::view::<$api>(self, |runtime| runtime.max_body_bytes = limit)
            }
        }
    };
}

/// A per-call view of `client` (what `with_timeout`, `with_retry` and `with_max_body_bytes`
/// return): the same base URL, HTTP client (connection pool), credentials, secrets and rate
/// limiter, with the runtime settings `change` makes.
pub fn view<A: Api>(
    client: &A::Client,
    change: impl FnOnce(&mut crate::state::Runtime),
) -> A::Client {
    A::client(
        client.baseurl(),
        client.client().clone(),
        client.inner().with_runtime(change),
    )
}

/// An API for the runtime's own tests: LiveAgent's error envelope, no authentication.
#[cfg(test)]
pub(crate) mod testing {
    use progenitor_client::ClientInfo;

    use super::{Api, ErrorEnvelope, MarkerValue, SpecFacts};
    use crate::State;

    /// Credentials that add nothing.
    #[derive(Clone, Debug)]
    pub(crate) struct NoAuth;

    impl crate::Credentials for NoAuth {
        fn authenticate(&self, _: &mut reqwest::Request) {}

        fn secrets(&self) -> Vec<&str> {
            Vec::new()
        }

        fn rate_limit_key(&self) -> String {
            String::new()
        }
    }

    /// `{"response": {"status": "ERROR"}}` is an error.
    pub(crate) struct Status;

    impl Api for Status {
        const NAME: &'static str = "Test";
        const SPEC: SpecFacts = SpecFacts {
            crate_name: "test",
            user_agent: "test",
            rate_limit: None,
            payload_member: "response",
            error_envelope: ErrorEnvelope {
                marker: &["response", "status"],
                error_when: MarkerValue::Str("ERROR"),
                code_field: "statuscode",
            },
        };
        type Credentials = NoAuth;
        type Client = TestClient;
        type ErrorBody = NoErrorBody;
        type ErrorPayload = ();

        fn client(base_url: &str, http: reqwest::Client, state: State<NoAuth>) -> TestClient {
            TestClient {
                base_url: base_url.to_owned(),
                http,
                state,
            }
        }

        fn error_code(_: &()) -> Option<String> {
            None
        }

        fn error_message(_: &()) -> Option<String> {
            None
        }

        fn loose_error(_: &serde_json::Value) -> Option<()> {
            None
        }
    }

    /// What a generated client holds.
    pub(crate) struct TestClient {
        pub(crate) base_url: String,
        http: reqwest::Client,
        state: State<NoAuth>,
    }

    impl ClientInfo<State<NoAuth>> for TestClient {
        fn api_version() -> &'static str {
            "test"
        }

        fn baseurl(&self) -> &str {
            &self.base_url
        }

        fn client(&self) -> &reqwest::Client {
            &self.http
        }

        fn inner(&self) -> &State<NoAuth> {
            &self.state
        }
    }

    /// An error body without a payload.
    #[derive(serde::Deserialize, serde::Serialize)]
    pub(crate) struct NoErrorBody {}

    impl crate::Envelope for NoErrorBody {
        type Api = Status;
        type Payload = ();

        fn into_payload(self) {}
    }
}
