//! [`JsonEncoded`]: a value sent as JSON text inside one form field.

use serde::{de::DeserializeOwned, Deserialize, Deserializer, Serialize, Serializer};

/// A value that travels as JSON text inside a single form field or string, such as a form
/// parameter whose value is a JSON array (`fields=[{"code":"x","value":"y"}]`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct JsonEncoded<T>(pub T);

impl<T> From<T> for JsonEncoded<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

/// The JSON text; empty if `T` cannot be serialised (a map with non-string keys).
impl<T: Serialize> std::fmt::Display for JsonEncoded<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&serde_json::to_string(&self.0).unwrap_or_default())
    }
}

impl<T: Serialize> Serialize for JsonEncoded<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(&self.0).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for JsonEncoded<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        serde_json::from_str(&text)
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "json-schema")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for JsonEncoded<T> {
    fn schema_name() -> String {
        format!("JsonEncoded_of_{}", T::schema_name())
    }

    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            format: Some("json-text".to_owned()),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::JsonEncoded;

    #[test]
    fn travels_as_json_text() {
        let value = JsonEncoded(vec![("code", "x")]);
        let form = serde_urlencoded::to_string([("customfields", &value)]).unwrap();
        assert_eq!(form, "customfields=%5B%5B%22code%22%2C%22x%22%5D%5D");
        let back: JsonEncoded<Vec<(String, String)>> =
            serde_json::from_str(r#""[[\"code\",\"x\"]]""#).unwrap();
        assert_eq!(back.0, vec![("code".to_owned(), "x".to_owned())]);
    }
}
