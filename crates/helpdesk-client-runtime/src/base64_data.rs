//! [`Base64Data`]: bytes that travel base64-encoded in a text field (`format: byte`), such as
//! LiveAgent's `uploadFile` `data`. Callers give the bytes; the encoding is the type's job.

use std::fmt;

use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Bytes sent and received as one base64 string (standard alphabet, padded).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Base64Data(pub Vec<u8>);

impl Base64Data {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, consuming `self`.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

impl From<Vec<u8>> for Base64Data {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for Base64Data {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

impl<const N: usize> From<&[u8; N]> for Base64Data {
    fn from(bytes: &[u8; N]) -> Self {
        Self(bytes.to_vec())
    }
}

impl From<bytes::Bytes> for Base64Data {
    fn from(bytes: bytes::Bytes) -> Self {
        Self(bytes.to_vec())
    }
}

/// The base64 text.
impl fmt::Display for Base64Data {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

/// Parses base64 text (standard alphabet, padded), as a command line passes it.
impl std::str::FromStr for Base64Data {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Self)
            .map_err(|err| format!("invalid base64 data: {err}"))
    }
}

impl Serialize for Base64Data {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Base64Data {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Self)
            .map_err(|err| serde::de::Error::custom(format!("invalid base64 data: {err}")))
    }
}

#[cfg(feature = "json-schema")]
impl schemars::JsonSchema for Base64Data {
    fn schema_name() -> String {
        "Base64Data".to_owned()
    }

    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            format: Some("byte".to_owned()),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::Base64Data;

    #[test]
    fn travels_as_base64_text() {
        let data = Base64Data::from(b"hello");
        assert_eq!(data.to_string(), "aGVsbG8=");
        assert_eq!(
            serde_urlencoded::to_string([("data", &data)]).unwrap(),
            "data=aGVsbG8%3D"
        );
        let back: Base64Data = serde_json::from_str(r#""aGVsbG8=""#).unwrap();
        assert_eq!(back.as_bytes(), b"hello");
        let err = serde_json::from_str::<Base64Data>(r#""not base64!""#).unwrap_err();
        assert!(err.to_string().starts_with("invalid base64 data"), "{err}");
    }
}
