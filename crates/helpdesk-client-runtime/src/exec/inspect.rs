//! Inspection: whether a buffered body can go to the generated decoder as it is.
//!
//! A body that is not JSON (an HTML error page, a truncated body), an error status, or an API
//! error envelope sent with a success status is rejected with a [`ProblemKind`], in one pass
//! that checks the syntax of the whole body while reading the API's error marker
//! ([`probe`]). A 200 body is not inspected here: the generated code decodes it with
//! [`crate::decode::success_response`], which reads the marker while decoding.

use std::cell::Cell;

use bytes::Bytes;
use http::HeaderMap;
use reqwest::StatusCode;
use serde::de::{Deserialize, IgnoredAny};

use super::handover::{rebuild, BodyProblem, ProblemKind};
use crate::api::Api;
use crate::redact::Secrets;
use crate::strict_json::Strict;

/// The scalar found at an API's error marker ([`crate::ErrorEnvelope::marker`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Marker {
    /// A string.
    Str(String),
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// `null`.
    Null,
    /// An object or array.
    Composite,
}

/// Checks a buffered body; `None` when it can go to the decoder as it is.
///
/// One pass: the syntax of the whole body is checked while looking for the error marker,
/// without building a value.
pub(crate) fn inspect<A: Api>(status: StatusCode, body: &[u8]) -> Option<ProblemKind> {
    // An empty success body is for the generated code to judge: success where the spec
    // declares no body, a decode error where it declares one.
    if status.is_success() && body.is_empty() {
        return None;
    }
    let envelope = A::SPEC.error_envelope;
    let marker = match probe(body, envelope.marker) {
        Ok(marker) => marker,
        Err(err) => return Some(ProblemKind::NotJson(err.to_string())),
    };
    if status.is_client_error() || status.is_server_error() {
        return Some(ProblemKind::ErrorEnvelope);
    }
    (status.is_success() && marker.is_some_and(|marker| envelope.is_error(&marker)))
        .then_some(ProblemKind::ErrorEnvelope)
}

/// Which statuses [`inspected`] looks at.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Inspect {
    /// Every status but 200, whose body the generated decoder checks as it decodes.
    UnlessOk,
    /// Every status.
    Always,
}

/// The response the generated code decodes: the buffered body, or the rejected response that
/// carries the [`BodyProblem`] [`inspect`] found. A 200 body is passed on as it is: the
/// generated code decodes it with [`crate::decode::success_response`], which inspects it
/// while decoding.
pub(crate) fn inspected<A: Api>(
    status: StatusCode,
    version: http::Version,
    headers: HeaderMap,
    body: Bytes,
    secrets: &Secrets,
    inspect_as: Inspect,
) -> reqwest::Response {
    let problem = if status == StatusCode::OK && inspect_as == Inspect::UnlessOk {
        None
    } else {
        inspect::<A>(status, &body)
    };
    match problem {
        None => {
            // An undocumented status keeps its body where `crate::Error` reads it without
            // another read (the generated code decodes a 200 itself).
            let buffered = (status != StatusCode::OK).then(|| body.clone());
            rebuild(
                status,
                version,
                headers,
                reqwest::Body::from(body),
                buffered,
                secrets,
            )
        }
        Some(kind) => {
            BodyProblem::new(status, headers, body, kind, secrets.clone()).into_response(version)
        }
    }
}

/// Parses `body` as JSON and returns the scalar at `path` (object members from the top
/// level), if there is one. Fails only when the body is not JSON.
///
/// The marker is read by the same tap that reads it while a 200 body decodes
/// ([`crate::decode::json_with_marker`]), here over a value that is skipped, not built.
pub fn probe(
    body: &[u8],
    path: &'static [&'static str],
) -> Result<Option<Marker>, serde_json::Error> {
    let found = Cell::new(None);
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    IgnoredAny::deserialize(Strict::tapped(&mut deserializer, path, &found))?;
    deserializer.end()?;
    Ok(found.take())
}

#[cfg(test)]
mod tests {
    use super::{inspect, probe, Marker, ProblemKind};
    use crate::api::testing::Status;
    use reqwest::StatusCode;

    #[test]
    fn probes_one_member_in_one_pass() {
        let path = &["header", "isSuccessful"];
        assert_eq!(
            probe(
                br#"{"result":{"header":1},"header":{"isSuccessful":false}}"#,
                path
            )
            .unwrap(),
            Some(Marker::Bool(false))
        );
        assert_eq!(probe(br#"[{"header":{}}]"#, path).unwrap(), None);
        assert_eq!(probe(br#""text""#, path).unwrap(), None);
        assert!(probe(br#"{"header":{"isSuccessful":true}"#, path).is_err());
        assert!(probe(br#"{"a":1} trailing"#, path).is_err());
        assert!(probe(b"<html></html>", path).is_err());
    }

    #[test]
    fn inspects_bodies() {
        let ok = StatusCode::OK;
        assert_eq!(
            inspect::<Status>(ok, br#"{"response":{"status":"OK"}}"#),
            None
        );
        assert_eq!(
            inspect::<Status>(
                ok,
                br#"{"response":{"subject":"ERROR","rows":[{"status":"ERROR"}]}}"#
            ),
            None
        );
        assert_eq!(
            inspect::<Status>(ok, br#"{"response":{"status":"ERROR"}}"#),
            Some(ProblemKind::ErrorEnvelope)
        );
        assert_eq!(
            inspect::<Status>(StatusCode::NOT_FOUND, br#"{"response":{}}"#),
            Some(ProblemKind::ErrorEnvelope)
        );
        assert!(matches!(
            inspect::<Status>(StatusCode::BAD_GATEWAY, b"<html></html>"),
            Some(ProblemKind::NotJson(_))
        ));
        assert_eq!(inspect::<Status>(StatusCode::NO_CONTENT, b""), None);
        assert!(matches!(
            inspect::<Status>(StatusCode::INTERNAL_SERVER_ERROR, b""),
            Some(ProblemKind::NotJson(_))
        ));
    }
}
