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

use progenitor_client::ResponseValue;
use serde::de::{DeserializeOwned, Error as _};

use crate::strict_json::Strict;

/// Decodes a whole JSON body as `T`: structs only from objects, no trailing data; the error
/// message starts with the JSON path that failed.
///
/// The path is tracked only when decoding fails (a second pass): tracking it costs about 60%
/// more on a 1,000-row page, and bodies that decode are the common case.
pub fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let first = T::deserialize(Strict(&mut deserializer))
        .and_then(|value| deserializer.end().map(|()| value));
    let Err(first) = first else {
        return first;
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(Strict(&mut deserializer)) {
        Err(err) => Err(serde_json::Error::custom(format!(
            "at `{}`: {}",
            err.path(),
            err.inner()
        ))),
        // Only the trailing data failed.
        Ok(_) => Err(first),
    }
}

/// Reads and decodes a success response with [`json`], as the generated `send()` methods do.
/// A body that does not decode is progenitor's `InvalidResponsePayload` with the raw body, so
/// it becomes [`crate::Error::Decode`].
pub async fn success_response<T, E>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, progenitor_client::Error<E>>
where
    T: DeserializeOwned,
{
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(progenitor_client::Error::ResponseBodyError)?;
    match json(&body) {
        Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
        Err(err) => Err(progenitor_client::Error::InvalidResponsePayload(body, err)),
    }
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
