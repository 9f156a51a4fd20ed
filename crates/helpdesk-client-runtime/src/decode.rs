//! Decoding success bodies so that a wrong body is an error, not an empty value.
//!
//! `cargo xtask generate` routes every generated operation's 200 body through
//! [`success_response`] instead of progenitor's `serde_json::from_slice`, and the hand-written
//! operations use it too. [`json`] differs from `serde_json::from_slice` in two ways:
//!
//! - a JSON array where the spec has an object is an error at any depth
//!   (see `strict_json.rs`), so `{"response": []}` does not decode as an empty payload;
//! - the error names the JSON path that failed (``at `response`: missing field
//!   `conversations` ``), also when the caller uses `?` on `send().await` directly.
//!
//! Missing required fields are caught by the generated types themselves: the spec marks the
//! fields the docs always return as `required`.
//!
//! [`success_response`] also tells an API's error envelope sent with status 200 from a
//! success in the same pass: the decoder taps the API's error marker
//! ([`crate::ErrorEnvelope::marker`]) as it goes by. The body is read once; only a body that is
//! rejected (not JSON, an error envelope, the wrong shape) is looked at again, to say why.

use std::cell::Cell;

use progenitor_client::ResponseValue;
use serde::de::{DeserializeOwned, Error as _};

use crate::api::Api;
use crate::exec::handover::{secrets_of, BodyProblem, ProblemKind};
use crate::exec::{self, Marker};
use crate::strict_json::Strict;

/// Decodes a whole JSON body as `T`: structs only from objects, no trailing data; the error
/// message starts with the JSON path that failed.
///
/// The path is tracked only when decoding fails (a second pass): tracking it costs about 60%
/// more on a 1,000-row page, and bodies that decode are the common case.
pub fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let first = T::deserialize(Strict::new(&mut deserializer))
        .and_then(|value| deserializer.end().map(|()| value));
    let Err(first) = first else {
        return first;
    };
    Err(with_path::<T>(body, first))
}

/// The error of decoding `body` as `T`, with the JSON path that failed (a second pass, for
/// bodies that failed the first one with `first`).
fn with_path<T: DeserializeOwned>(body: &[u8], first: serde_json::Error) -> serde_json::Error {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(Strict::new(&mut deserializer)) {
        Err(err) => serde_json::Error::custom(format!("at `{}`: {}", err.path(), err.inner())),
        // Only the trailing data failed.
        Ok(_) => first,
    }
}

/// Decodes a whole JSON body as `T` like [`json`], and returns with it the scalar found at
/// `marker` (object members from the top level), read in the same pass.
pub fn json_with_marker<T: DeserializeOwned>(
    body: &[u8],
    marker: &'static [&'static str],
) -> Result<(T, Option<Marker>), serde_json::Error> {
    let found = Cell::new(None);
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let first = T::deserialize(Strict::tapped(&mut deserializer, marker, &found))
        .and_then(|value| deserializer.end().map(|()| value));
    match first {
        Ok(value) => Ok((value, found.take())),
        Err(first) => Err(with_path::<T>(body, first)),
    }
}

/// Reads and decodes the 200 response of an operation of API `A` with [`json`], as the
/// generated `send()` methods do, in one pass that also reads the API's error marker.
///
/// - A body that decodes and is not an error envelope is the value.
/// - An error envelope (LiveAgent's `"status": "ERROR"`, Contiple's `isSuccessful: false`)
///   or a body that is not JSON is handed back as the exec hook hands back an error status,
///   so it becomes [`crate::Error::Api`] or [`crate::Error::NotJson`].
/// - Any other body that does not decode becomes [`crate::Error::Decode`], with the
///   response's headers and the body, redacted with the secrets of the client that made the
///   request.
pub async fn success_response<A, T, E>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, progenitor_client::Error<E>>
where
    A: Api,
    T: DeserializeOwned,
{
    use http_body_util::BodyExt as _;
    let secrets = secrets_of(&response);
    let (parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    let (status, headers) = (parts.status, parts.headers);
    let body = body
        .collect()
        .await
        .map_err(progenitor_client::Error::ResponseBodyError)?
        .to_bytes();
    let envelope = A::SPEC.error_envelope;
    let failure = match json_with_marker::<T>(&body, envelope.marker) {
        Ok((inner, marker))
            if !marker
                .as_ref()
                .is_some_and(|marker| envelope.is_error(marker)) =>
        {
            return Ok(ResponseValue::new(inner, status, headers));
        }
        // The error marker: the body decoded as the success type all the same.
        Ok(_) => None,
        Err(err) => Some(err),
    };
    // Rejected: look again to say why, as the exec hook does for an error status.
    let kind = exec::inspect::<A>(status, &body).unwrap_or_else(|| {
        ProblemKind::Decode(failure.map_or_else(
            || "the API's error marker, but not its error envelope".to_owned(),
            |err| err.to_string(),
        ))
    });
    Err(progenitor_client::Error::UnexpectedResponse(
        BodyProblem::new(status, headers, body, kind, secrets).into_response(parts.version),
    ))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::json;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    struct Item {
        #[serde(default)]
        id: Option<String>,
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    struct Listing {
        #[serde(default)]
        items: Vec<Item>,
        #[serde(default)]
        first: Option<Item>,
        #[serde(default)]
        by_name: BTreeMap<String, Item>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Envelope {
        response: Listing,
    }

    #[test]
    fn plain_serde_takes_an_array_for_a_struct() {
        // What this module exists for: serde_json alone reads `[]` as an empty struct.
        let lax: Envelope = serde_json::from_str(r#"{"response":[]}"#).unwrap();
        assert_eq!(lax.response, Listing::default());
    }

    #[test]
    fn arrays_are_not_structs_at_any_depth() {
        let err = json::<Envelope>(br#"{"response":[]}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "at `response`: invalid type: sequence, expected struct Listing at line 1 column 14"
        );
        for (body, path) in [
            (r#"{"response":{"items":[[]]}}"#, "response.items[0]"),
            (r#"{"response":{"first":[]}}"#, "response.first"),
            (r#"{"response":{"by_name":{"a":[]}}}"#, "response.by_name.a"),
        ] {
            let err = json::<Envelope>(body.as_bytes()).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("at `{path}`: invalid type: sequence")),
                "{err}"
            );
        }
    }

    #[test]
    fn objects_decode_as_before() {
        let value: Envelope = json(
            br#"{"response":{"items":[{"id":"a"},{}],"first":null,"by_name":{"x":{"id":"b"}}}}"#,
        )
        .unwrap();
        assert_eq!(value.response.items.len(), 2);
        assert_eq!(value.response.by_name["x"].id.as_deref(), Some("b"));
        let list: Vec<u8> = json(b"[1, 2]").unwrap();
        assert_eq!(list, vec![1, 2]);
    }

    #[test]
    fn deep_nesting_stops_at_serde_jsons_limit() {
        // The wrappers add frames per level; serde_json's recursion limit (128) still ends it.
        let deep = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
        assert!(json::<serde_json::Value>(deep(120).as_bytes()).is_ok());
        let err = json::<serde_json::Value>(deep(10_000).as_bytes()).unwrap_err();
        assert!(err.to_string().contains("recursion limit"), "{err}");
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct WriteResult {
        status: String,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct WriteEnvelope {
        response: WriteResult,
    }

    const MARKER: &[&str] = &["response", "status"];

    #[test]
    fn the_marker_is_read_while_decoding() {
        use super::{json_with_marker, Marker};
        let marker = |body: &str| {
            json_with_marker::<Envelope>(body.as_bytes(), MARKER)
                .unwrap()
                .1
        };
        // The type has no `status`: the member is skipped and still read.
        assert_eq!(
            marker(r#"{"response":{"items":[],"status":"ERROR"}}"#),
            Some(Marker::Str("ERROR".to_owned()))
        );
        // Only the member on the path: the same text anywhere else is not the marker.
        assert_eq!(
            marker(r#"{"response":{"items":[{"id":"ERROR","status":"ERROR"}]},"status":"ERROR"}"#),
            None
        );
        assert_eq!(
            marker(r#"{"response":{"status":{"a":"ERROR"}}}"#),
            Some(Marker::Composite)
        );
        assert_eq!(
            marker(r#"{"response":{"status":null}}"#),
            Some(Marker::Null)
        );
        assert_eq!(
            marker(r#"{"response":{"status":false}}"#),
            Some(Marker::Bool(false))
        );
        // An escaped key is the same key.
        assert_eq!(
            marker(r#"{"respons\u0065":{"st\u0061tus":"ERROR"}}"#),
            Some(Marker::Str("ERROR".to_owned()))
        );
        // The type reads the member itself.
        let (value, marker) =
            json_with_marker::<WriteEnvelope>(br#"{"response":{"status":"ERROR"}}"#, MARKER)
                .unwrap();
        assert_eq!(value.response.status, "ERROR");
        assert_eq!(marker, Some(Marker::Str("ERROR".to_owned())));
        // A sibling of the envelope, as Contiple's `header` is: skipped by the type, read.
        let (_, marker) = json_with_marker::<Envelope>(
            br#"{"header":{"isSuccessful":false,"resultCode":1},"response":{}}"#,
            &["header", "isSuccessful"],
        )
        .unwrap();
        assert_eq!(marker, Some(Marker::Bool(false)));
    }

    #[test]
    fn a_body_that_fails_to_decode_names_the_path() {
        let err = super::json_with_marker::<WriteEnvelope>(br#"{"response":{"status":1}}"#, MARKER)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("at `response.status`: invalid type"),
            "{err}"
        );
    }

    #[test]
    fn missing_fields_and_trailing_data_are_errors() {
        let err = json::<Envelope>(br#"{"status":"OK"}"#).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("at `.`: missing field `response`"),
            "{err}"
        );
        assert!(json::<Envelope>(br#"{"response":{}} x"#).is_err());
    }
}
