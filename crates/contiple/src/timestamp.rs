//! [`EpochMillis`]: Contiple's times, UTC milliseconds since the Unix epoch (spec format
//! `oc-epoch-millis`).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, TimeZone, Utc};
#[cfg(feature = "json-schema")]
use schemars::schema::{InstanceType, Metadata, Schema, SchemaObject};
#[cfg(feature = "json-schema")]
use schemars::{JsonSchema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A time as Contiple sends it: UTC milliseconds since the Unix epoch (`1660095873001`).
///
/// Kept as the integer the server sent, so it re-encodes unchanged; [`EpochMillis::to_utc`]
/// converts to `chrono`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EpochMillis(pub i64);

impl EpochMillis {
    /// The milliseconds.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// The time as a `chrono` UTC date-time; `None` if out of chrono's range.
    pub fn to_utc(self) -> Option<DateTime<Utc>> {
        Utc.timestamp_millis_opt(self.0).single()
    }
}

impl From<i64> for EpochMillis {
    fn from(millis: i64) -> Self {
        Self(millis)
    }
}

impl From<EpochMillis> for i64 {
    fn from(time: EpochMillis) -> Self {
        time.0
    }
}

impl<Tz: TimeZone> From<DateTime<Tz>> for EpochMillis {
    fn from(time: DateTime<Tz>) -> Self {
        Self(time.timestamp_millis())
    }
}

impl fmt::Display for EpochMillis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for EpochMillis {
    type Err = std::num::ParseIntError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Self)
    }
}

impl Serialize for EpochMillis {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for EpochMillis {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        i64::deserialize(deserializer).map(Self)
    }
}

#[cfg(feature = "json-schema")]
impl JsonSchema for EpochMillis {
    fn schema_name() -> String {
        "EpochMillis".to_owned()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        SchemaObject {
            metadata: Some(Box::new(Metadata {
                description: Some("UTC time in milliseconds since the Unix epoch.".to_owned()),
                ..Metadata::default()
            })),
            instance_type: Some(InstanceType::Integer.into()),
            format: Some("oc-epoch-millis".to_owned()),
            ..SchemaObject::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::EpochMillis;

    #[test]
    fn converts_to_chrono_and_round_trips() {
        let time: EpochMillis = serde_json::from_str("1660095873001").unwrap();
        assert_eq!(
            time.to_utc().unwrap().to_rfc3339(),
            "2022-08-10T01:44:33.001+00:00"
        );
        assert_eq!(serde_json::to_string(&time).unwrap(), "1660095873001");
        assert_eq!(EpochMillis::from(time.to_utc().unwrap()), time);
        assert!(serde_json::from_str::<EpochMillis>("\"1\"").is_err());
    }

    /// Any integer a server sends decodes; outside chrono's range `to_utc` is `None`, never a
    /// panic. Values past `i64` are decode errors.
    #[test]
    fn extreme_values_do_not_panic() {
        for (json, in_range) in [
            ("-9223372036854775808", false),
            ("9223372036854775807", false),
            ("-9000000000000000", false),
            ("253402300799999", true),
            ("-62135596800000", true),
            ("0", true),
        ] {
            let time: EpochMillis = serde_json::from_str(json).unwrap();
            assert_eq!(time.to_utc().is_some(), in_range, "{json}");
            assert_eq!(time.to_string(), json);
        }
        for json in ["9223372036854775808", "1e300", "-1.5", "null"] {
            assert!(serde_json::from_str::<EpochMillis>(json).is_err(), "{json}");
        }
    }
}
