//! What `Strict` passes through unchanged besides refusing sequences for structs: the
//! deserializer's human-readable flag, the size hints of sequences and maps, the `null` a unit
//! variant must carry, and, on the tapped path, only the member named (not a member of the
//! same name under a sibling).

use std::cell::Cell;
use std::fmt;
use std::net::Ipv4Addr;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::Strict;
use crate::exec::Marker;

/// Synthetic: a type that decodes to the size hint its sequence or map access gives.
#[derive(Debug, PartialEq)]
struct Hint(Option<usize>);

impl<'de> Deserialize<'de> for Hint {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct HintVisitor;
        impl<'de> Visitor<'de> for HintVisitor {
            type Value = Hint;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence or a map")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Hint, A::Error> {
                let hint = seq.size_hint();
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Hint(hint))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Hint, A::Error> {
                let hint = map.size_hint();
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Hint(hint))
            }
        }
        deserializer.deserialize_any(HintVisitor)
    }
}

#[test]
fn size_hints_pass_through() {
    // serde_json's `Value` knows its lengths (its text deserializer gives no hint).
    for (value, hint) in [
        (serde_json::json!([]), Some(0)),
        (serde_json::json!([1, 2, 3]), Some(3)),
        (serde_json::json!({}), Some(0)),
        (serde_json::json!({"a": 1, "b": [2], "c": {}}), Some(3)),
    ] {
        assert_eq!(
            Hint::deserialize(Strict::new(value.clone())).unwrap(),
            Hint(hint),
            "{value}"
        );
        assert_eq!(Hint::deserialize(value.clone()).unwrap(), Hint(hint));
    }
    let text: Hint = crate::decode::json(b"[1, 2]").unwrap();
    assert_eq!(text, Hint(None));
}

/// Synthetic: a compact (not human-readable) deserializer of one `u8`, as a binary format
/// would be.
struct Compact;

impl<'de> Deserializer<'de> for Compact {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_u8(1)
    }

    fn is_human_readable(&self) -> bool {
        false
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

#[test]
fn the_human_readable_flag_passes_through() {
    assert!(!Strict::new(Compact).is_human_readable());
    assert_eq!(u8::deserialize(Strict::new(Compact)), Ok(1));
    // A human-readable deserializer reads an address as text; a compact one as four numbers.
    let address: Ipv4Addr = crate::decode::json(br#""192.0.2.1""#).unwrap();
    assert_eq!(address, Ipv4Addr::new(192, 0, 2, 1));
    let mut deserializer = serde_json::Deserializer::from_str(r#""192.0.2.1""#);
    assert!(Strict::new(&mut deserializer).is_human_readable());
}

#[derive(Debug, PartialEq, serde::Deserialize)]
enum Kind {
    Unit,
    Newtype(u8),
    Tuple(u8, u8),
    Struct { a: u8 },
}

#[test]
fn enum_variants_decode_as_without_strict_and_a_unit_variant_carries_only_null() {
    for (body, expected) in [
        (r#""Unit""#, Kind::Unit),
        (r#"{"Unit":null}"#, Kind::Unit),
        (r#"{"Newtype":7}"#, Kind::Newtype(7)),
        (r#"{"Tuple":[1,2]}"#, Kind::Tuple(1, 2)),
        (r#"{"Struct":{"a":3}}"#, Kind::Struct { a: 3 }),
    ] {
        assert_eq!(
            crate::decode::json::<Kind>(body.as_bytes()).unwrap(),
            expected
        );
        let value: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(Kind::deserialize(Strict::new(value)).unwrap(), expected);
    }
    let err = crate::decode::json::<Kind>(br#"{"Unit":5}"#).unwrap_err();
    assert!(
        err.to_string()
            .contains("invalid type: integer `5`, expected unit"),
        "{err}"
    );
    let value = serde_json::json!({"Unit": 5});
    assert!(Kind::deserialize(Strict::new(value)).is_err());
    // A struct variant is a struct: not from a sequence.
    assert!(crate::decode::json::<Kind>(br#"{"Struct":[3]}"#).is_err());
}

fn marker(body: &str, path: &'static [&'static str]) -> Option<Marker> {
    let found = Cell::new(None);
    let mut deserializer = serde_json::Deserializer::from_str(body);
    IgnoredAny::deserialize(Strict::tapped(&mut deserializer, path, &found)).unwrap();
    found.take()
}

#[test]
fn the_tap_follows_only_the_members_on_its_path() {
    const PATH: &[&str] = &["response", "status"];
    for (body, expected) in [
        // Synthetic: a sibling object with a member of the wanted name comes first.
        (
            r#"{"other":{"status":"ERROR"},"response":{"status":"OK"}}"#,
            Some(Marker::Str("OK".to_owned())),
        ),
        (
            r#"{"response":{"other":{"status":"ERROR"},"status":"OK"}}"#,
            Some(Marker::Str("OK".to_owned())),
        ),
        (r#"{"other":{"status":"ERROR"}}"#, None),
        (r#"{"status":"ERROR","response":{}}"#, None),
        (r#"{"response":{"status":7}}"#, Some(Marker::Number(7.0))),
        (r#"{"response":{"status":-7}}"#, Some(Marker::Number(-7.0))),
        (r#"{"response":{"status":0.5}}"#, Some(Marker::Number(0.5))),
        (r#"{"response":{"status":[1]}}"#, Some(Marker::Composite)),
        // The first value read at the path is the marker.
        (
            r#"{"response":{"status":"A","status":"B"}}"#,
            Some(Marker::Str("A".to_owned())),
        ),
    ] {
        assert_eq!(marker(body, PATH), expected, "{body}");
    }
    // The top level itself.
    assert_eq!(marker("true", &[]), Some(Marker::Bool(true)));
    assert_eq!(marker("{}", &[]), Some(Marker::Composite));
}
