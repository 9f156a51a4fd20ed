//! [`Api`]: everything the shared runtime needs to know about one API, in one impl per API
//! crate; and [`api_glue!`](crate::api_glue): the glue between an API's generated client and
//! the runtime, written once here and invoked by each generated client.
//!
//! An API crate implements two traits by hand: [`crate::Credentials`] on its credentials (how
//! a request is authenticated) and [`Api`] on a marker type (its name, its credentials type,
//! its error envelope). `cargo xtask generate` then ends the generated client with one
//! `api_glue!` invocation, which writes from the spec's facts (the envelope components, the
//! error body, the secured and file operations) the impls that connect the two: the client's
//! hooks (progenitor's `ClientHooks`), [`crate::ApiClient`], [`crate::Envelope`] for every
//! envelope, and [`crate::ErrorBody`] and [`crate::ApiError`] for the error envelope and its
//! payload.

use std::fmt;

use crate::exec::Marker;

/// One API, as the shared runtime needs to know it: implemented once by each API crate on a
/// marker type (`liveagent::LiveAgent`, `contiple::Contiple`).
pub trait Api: Send + Sync + 'static {
    /// The API's name in messages (`LiveAgent`, `Contiple`).
    const NAME: &'static str;

    /// The API crate's name, in logs and the default `User-Agent` (`liveagent`, `contiple`): its impl
    /// says `env!("CARGO_PKG_NAME")`.
    const CRATE: &'static str;

    /// The credentials the client authenticates requests with (the generated client's hook
    /// state).
    type Credentials: crate::Credentials;

    /// What the API's error envelope carries (the generated type of its payload).
    type ErrorPayload: fmt::Debug + Send + Sync + 'static;

    /// How an error envelope is told from a success, and what its code is called.
    const ERROR_ENVELOPE: ErrorEnvelope;

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
/// - progenitor's `ClientHooks` for the client: its `pre` hook authenticates the secured
///   operations ([`crate::Credentials::authenticate`]), its `exec` hook is
///   [`crate::exec::execute`];
/// - [`crate::ApiClient`], for [`crate::ClientBuilder`] and [`crate::RawRequest`]: the default
///   `User-Agent` (`<crate>-rs/<version>`) and rate limit, the base URL the credentials choose,
///   the error body and the envelope's payload member;
/// - the client's `raw(method, path)` method ([`crate::RawRequest`]);
/// - [`crate::Envelope`] for every envelope component (`null_envelopes`: those whose payload
///   is always `null`), [`crate::ErrorBody`] for the error envelope and [`crate::ApiError`] for
///   its payload, from the API's [`Api`] impl.
///
/// `secured_operations` and `raw_body_operations` are operation ids as in
/// `OperationInfo::operation_id`: those whose spec names a security scheme, and those whose
/// success body is a file (passed on unbuffered).
///
/// ```ignore
/// ::helpdesk_client_runtime::api_glue! {
///     api: crate::LiveAgent,
///     client: Client,
///     rate_limit_per_minute: Some(180),
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
        rate_limit_per_minute: $rate_limit:expr,
        error_body: $error_body:ty { $error_field:ident },
        envelopes: $field:ident { $($envelope:ty => $payload:ty),* $(,)? },
        null_envelopes: [$($null_envelope:ty),* $(,)?],
        secured_operations: [$($secured:literal),* $(,)?],
        raw_body_operations: [$($raw_body:literal),* $(,)?] $(,)?
    ) => {
        $(
            impl $crate::Envelope for $envelope {
                type Payload = $payload;

                fn into_payload(self) -> Self::Payload {
                    self.$field
                }
            }
        )*

        $(
            /// The envelope's payload is always `null`: there is nothing to unwrap.
            impl $crate::Envelope for $null_envelope {
                type Payload = ();

                fn into_payload(self) {}
            }
        )*

        impl $crate::ErrorBody for $error_body {
            type Error = <$api as $crate::__private::Api>::ErrorPayload;

            fn into_error(self) -> Self::Error {
                self.$error_field
            }
        }

        impl $crate::ApiError for <$api as $crate::__private::Api>::ErrorPayload {
            const API: &'static str = <$api as $crate::__private::Api>::NAME;
            const CODE_FIELD: &'static str =
                <$api as $crate::__private::Api>::ERROR_ENVELOPE.code_field;

            fn code(&self) -> ::std::option::Option<::std::string::String> {
                <$api as $crate::__private::Api>::error_code(self)
            }

            fn message(&self) -> ::std::option::Option<::std::string::String> {
                <$api as $crate::__private::Api>::error_message(self)
            }

            fn from_loose_json(
                body: &$crate::__private::serde_json::Value,
            ) -> ::std::option::Option<Self> {
                <$api as $crate::__private::Api>::loose_error(body)
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
                $crate::__private::exec::execute::<$api, _>(
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
            ) -> $crate::RawRequest<'_, Self> {
                $crate::RawRequest::new(self, method, path)
            }
        }

        #[doc(hidden)]
        impl $crate::__private::ApiClient for $client {
            type Api = $api;
            type ErrorBody = $error_body;

            const PAYLOAD_MEMBER: &'static str = stringify!($field);

            const USER_AGENT: &'static str =
                concat!(env!("CARGO_PKG_NAME"), "-rs/", env!("CARGO_PKG_VERSION"));

            const RATE_LIMIT: ::std::option::Option<$crate::RateLimit> =
                match $rate_limit {
                    Some(requests) => Some($crate::RateLimit::per_minute(requests)),
                    None => None,
                };

            fn from_parts(
                base_url: &str,
                http: ::reqwest::Client,
                state: $crate::__private::State<<$api as $crate::__private::Api>::Credentials>,
            ) -> Self {
                let base_url = $crate::__private::Credentials::base_url(state.credentials(), base_url);
                $client::new_with_client(&base_url, http, state)
            }
        }
    };
}

/// An API for the runtime's own tests: LiveAgent's error envelope, no authentication.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Api, ErrorEnvelope, MarkerValue};

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
        const CRATE: &'static str = "test";
        type Credentials = NoAuth;
        type ErrorPayload = ();
        const ERROR_ENVELOPE: ErrorEnvelope = ErrorEnvelope {
            marker: &["response", "status"],
            error_when: MarkerValue::Str("ERROR"),
            code_field: "statuscode",
        };

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

    impl crate::ApiError for () {
        const API: &'static str = "Test";
        const CODE_FIELD: &'static str = "statuscode";

        fn code(&self) -> Option<String> {
            None
        }

        fn message(&self) -> Option<String> {
            None
        }

        fn from_loose_json(_: &serde_json::Value) -> Option<()> {
            None
        }
    }

    /// An error body without a payload.
    #[derive(serde::Deserialize, serde::Serialize)]
    #[allow(dead_code)] // named as a type only
    pub(crate) struct NoErrorBody {}

    impl crate::ErrorBody for NoErrorBody {
        type Error = ();

        fn into_error(self) {}
    }
}
