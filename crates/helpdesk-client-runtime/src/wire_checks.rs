//! Checks for wire-format types (feature `test-support`): a value decodes the same from text
//! and from a `serde_json::Value` and re-encodes to the same text; a bad value fails the same
//! way from both. Used by the tests of the formats here and in the API crates.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Decodes `json` as `T` from a slice and from a `Value` (owned and
/// borrowed), and checks it re-serializes to the same text.
pub fn round_trip<T>(json: &str) -> T
where
    T: Serialize + for<'de> Deserialize<'de> + PartialEq + fmt::Debug,
{
    let from_slice: T = serde_json::from_slice(json.as_bytes()).expect("decode slice");
    assert_eq!(serde_json::to_string(&from_slice).expect("encode"), json);
    let value: Value = serde_json::from_str(json).expect("value");
    let from_ref = T::deserialize(&value).expect("decode &Value");
    assert_eq!(serde_json::to_string(&from_ref).expect("encode"), json);
    let from_value: T = serde_json::from_value(value).expect("decode Value");
    assert_eq!(serde_json::to_string(&from_value).expect("encode"), json);
    assert_eq!(from_slice, from_value);
    from_slice
}

/// Decodes `json` (which must be invalid for `T`) from text and from a `Value`, checks both
/// errors agree, and returns the `Value` one.
pub fn decode_err<T: for<'de> Deserialize<'de> + fmt::Debug>(json: &str) -> String {
    let slice_err = serde_json::from_str::<T>(json)
        .expect_err("should fail")
        .to_string();
    let value: Value = serde_json::from_str(json).expect("value");
    let value_err = serde_json::from_value::<T>(value)
        .expect_err("should fail")
        .to_string();
    assert!(
        slice_err.starts_with(&value_err),
        "{slice_err:?} vs {value_err:?}"
    );
    value_err
}
