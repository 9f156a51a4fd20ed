//! The exec-hook plumbing: sends a request, buffers the response body and checks what
//! generation cannot express, in one pass over the body.
//!
//! A body that is not JSON (an HTML error page, a truncated body), an error status, or an API
//! error envelope sent with a success status reaches the generated code as a body read failure
//! carrying a [`BodyProblem`], which [`crate::Error`] turns back into a typed error with the
//! HTTP status, headers and raw body. Each API says how its error envelope is recognised by
//! implementing [`Protocol`].

use std::fmt;

use bytes::Bytes;
use http::HeaderMap;
use progenitor_client::OperationInfo;
use reqwest::StatusCode;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// How an API marks an error envelope: implemented by each API crate.
pub trait Protocol: Send + Sync + 'static {
    /// The API's name, for logs (`liveagent`).
    const NAME: &'static str;

    /// The JSON path, from the top-level object, of the member that tells an error envelope
    /// from a success (`["response", "status"]`, `["header", "isSuccessful"]`).
    const ERROR_MARKER: &'static [&'static str];

    /// Whether the marker's value, found in a success-status body, means an error.
    fn is_error(marker: &Marker) -> bool;
}

/// The scalar found at [`Protocol::ERROR_MARKER`].
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

/// Why a response could not be handed to the generated decoder as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ProblemKind {
    /// The body is not JSON (an HTML error page, a truncated body).
    NotJson(String),
    /// An error status, or a success status with the API's error marker: [`crate::Error`]
    /// decodes the envelope from the raw body.
    ErrorEnvelope,
}

/// A response body the exec hook rejected, with what the caller needs to see.
#[derive(Debug, Clone)]
pub(crate) struct BodyProblem {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) kind: ProblemKind,
}

impl fmt::Display for BodyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}: {:?}", self.status, self.kind)
    }
}

impl std::error::Error for BodyProblem {}

impl BodyProblem {
    /// The problem inside a body read error, if the exec hook put one there.
    pub(crate) fn find(err: &reqwest::Error) -> Option<&BodyProblem> {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
        while let Some(current) = source {
            if let Some(problem) = current.downcast_ref::<BodyProblem>() {
                return Some(problem);
            }
            source = current.source();
        }
        None
    }
}

/// Checks a buffered body; `None` when it can go to the decoder as it is.
///
/// One pass: the syntax of the whole body is checked while looking for the error marker,
/// without building a value.
pub(crate) fn inspect<P: Protocol>(status: StatusCode, body: &[u8]) -> Option<ProblemKind> {
    let marker = match probe(body, P::ERROR_MARKER) {
        Ok(marker) => marker,
        Err(err) => return Some(ProblemKind::NotJson(err.to_string())),
    };
    if status.is_client_error() || status.is_server_error() {
        return Some(ProblemKind::ErrorEnvelope);
    }
    (status.is_success() && marker.as_ref().is_some_and(P::is_error))
        .then_some(ProblemKind::ErrorEnvelope)
}

/// Parses `body` as JSON and returns the scalar at `path` (object members from the top
/// level), if there is one. Fails only when the body is not JSON.
pub fn probe(body: &[u8], path: &[&str]) -> Result<Option<Marker>, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let marker = Probe { path }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(marker)
}

/// Walks one JSON value, descending only into the member named by `path[0]`.
struct Probe<'p> {
    path: &'p [&'p str],
}

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = Option<Marker>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Probe<'_> {
    type Value = Option<Marker>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(self.path.is_empty().then_some(Marker::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(self.path.is_empty().then_some(Marker::Number(v as f64)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(self.path.is_empty().then_some(Marker::Number(v as f64)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(self.path.is_empty().then_some(Marker::Number(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.path.is_empty().then(|| Marker::Str(v.to_owned())))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(self.path.is_empty().then_some(Marker::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.path.is_empty().then_some(Marker::Composite))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Some((wanted, rest)) = self.path.split_first() else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Some(Marker::Composite));
        };
        let mut found = None;
        while let Some(matches) = map.next_key_seed(KeyIs(wanted))? {
            if matches && found.is_none() {
                found = map.next_value_seed(Probe { path: rest })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// Compares an object key with a name without allocating.
struct KeyIs<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, v: &str) -> Result<bool, E> {
        Ok(v == self.0)
    }
}

/// Sends `request` with `http` and inspects the response for API `P`.
///
/// `raw_body` marks operations whose success body is a file (not JSON): their 2xx responses
/// are passed on unbuffered. Transport errors are returned without their URL.
pub async fn execute<P: Protocol>(
    http: &reqwest::Client,
    request: reqwest::Request,
    info: &OperationInfo,
    raw_body: bool,
) -> reqwest::Result<reqwest::Response> {
    tracing::debug!(
        operation = info.operation_id,
        method = %request.method(),
        path = request.url().path(),
        "{} request",
        P::NAME
    );
    let response = http
        .execute(request)
        .await
        .map_err(reqwest::Error::without_url)?;
    let status = response.status();
    if raw_body && status.is_success() {
        tracing::debug!(
            operation = info.operation_id,
            status = status.as_u16(),
            "{} response (streamed)",
            P::NAME
        );
        return Ok(response);
    }
    let version = response.version();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(reqwest::Error::without_url)?;
    tracing::debug!(
        operation = info.operation_id,
        status = status.as_u16(),
        bytes = body.len(),
        "{} response",
        P::NAME
    );
    let body = match inspect::<P>(status, &body) {
        None => reqwest::Body::from(body),
        Some(kind) => {
            let problem = BodyProblem {
                status,
                headers: headers.clone(),
                body,
                kind,
            };
            reqwest::Body::wrap_stream(futures::stream::once(
                async move { Err::<Bytes, _>(problem) },
            ))
        }
    };
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
}

#[cfg(test)]
mod tests {
    use super::{inspect, probe, Marker, ProblemKind, Protocol};
    use reqwest::StatusCode;

    struct Status;

    impl Protocol for Status {
        const NAME: &'static str = "test";
        const ERROR_MARKER: &'static [&'static str] = &["response", "status"];

        fn is_error(marker: &Marker) -> bool {
            *marker == Marker::Str("ERROR".to_owned())
        }
    }

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
        assert!(matches!(
            inspect::<Status>(StatusCode::NO_CONTENT, b""),
            Some(ProblemKind::NotJson(_))
        ));
    }
}
