//! [`CommaList`]: a list sent and received as one comma-separated string (`status=R,T,C`),
//! built from whatever a caller has: an array, a slice, a `Vec` of anything convertible into
//! the items, or the comma-separated text itself.

#[cfg(feature = "json-schema")]
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::str::FromStr;

#[cfg(feature = "json-schema")]
use schemars::schema::{InstanceType, Metadata, Schema, SchemaObject};
#[cfg(feature = "json-schema")]
use schemars::{JsonSchema, SchemaGenerator};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A list sent and received as one comma-separated string, e.g. `"R,T,C"`.
///
/// Serialization joins the items' [`Display`](fmt::Display) forms with `,`
/// (no spaces). Deserialization splits the string on `,` and parses every
/// piece verbatim with [`FromStr`] (no trimming, so `"a, b"` yields `"a"`
/// and `" b"`); the empty string is the empty list.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct CommaList<T>(pub Vec<T>);

impl<T> CommaList<T> {
    /// Creates an empty list.
    pub const fn new() -> Self {
        Self(Vec::new())
    }

    /// Returns the items, consuming `self`.
    pub fn into_inner(self) -> Vec<T> {
        self.0
    }
}

impl<T> Deref for CommaList<T> {
    type Target = Vec<T>;

    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> DerefMut for CommaList<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.0
    }
}

/// The items, each converted: `vec!["id", "name"]` into `CommaList<String>`.
impl<T, I: Into<T>> From<Vec<I>> for CommaList<T> {
    fn from(items: Vec<I>) -> Self {
        items.into_iter().map(Into::into).collect()
    }
}

/// The items, each converted: `["id", "name"]` into `CommaList<String>`,
/// `[ConversationStatus::New, "C".into()]` into `CommaList<ConversationStatus>`.
impl<T, I: Into<T>, const N: usize> From<[I; N]> for CommaList<T> {
    fn from(items: [I; N]) -> Self {
        items.into_iter().map(Into::into).collect()
    }
}

/// The items, each cloned and converted: `&["id", "name"][..]` into `CommaList<String>`.
impl<T, I: Into<T> + Clone> From<&[I]> for CommaList<T> {
    fn from(items: &[I]) -> Self {
        items.iter().cloned().map(Into::into).collect()
    }
}

/// The items, each cloned and converted: `&names` for `names: Vec<&str>`.
impl<T, I: Into<T> + Clone> From<&Vec<I>> for CommaList<T> {
    fn from(items: &Vec<I>) -> Self {
        Self::from(items.as_slice())
    }
}

/// Splits a comma-separated string, as `From<&str>` does.
impl<T: for<'a> From<&'a str>> From<String> for CommaList<T> {
    fn from(text: String) -> Self {
        Self::from(text.as_str())
    }
}

/// Splits a comma-separated string: `"a,b"` is `["a", "b"]`, `""` the empty list. For item
/// types that take any text (`String`, the open enums).
impl<T: for<'a> From<&'a str>> From<&str> for CommaList<T> {
    fn from(text: &str) -> Self {
        if text.is_empty() {
            return Self::new();
        }
        text.split(',').map(T::from).collect()
    }
}

impl<T> From<CommaList<T>> for Vec<T> {
    fn from(list: CommaList<T>) -> Self {
        list.0
    }
}

/// Collects items, each converted: `names.iter().copied().collect::<CommaList<String>>()`.
impl<T, I: Into<T>> FromIterator<I> for CommaList<T> {
    fn from_iter<It: IntoIterator<Item = I>>(iter: It) -> Self {
        Self(iter.into_iter().map(Into::into).collect())
    }
}

impl<T> IntoIterator for CommaList<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a CommaList<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut CommaList<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter_mut()
    }
}

/// Prints the items joined with `,`.
impl<T: fmt::Display> fmt::Display for CommaList<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            fmt::Display::fmt(item, f)?;
        }
        Ok(())
    }
}

impl<T: fmt::Display> Serialize for CommaList<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Visitor splitting a comma-separated string.
struct CommaListVisitor<T>(PhantomData<T>);

impl<'de, T> Visitor<'de> for CommaListVisitor<T>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    type Value = CommaList<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a comma-separated list in a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<CommaList<T>, E> {
        split_comma_list(v).map_err(E::custom)
    }
}

/// Splits `"a,b,c"` and parses each piece verbatim; `""` is the empty list.
fn split_comma_list<T>(v: &str) -> Result<CommaList<T>, String>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    if v.is_empty() {
        return Ok(CommaList::new());
    }
    v.split(',')
        .enumerate()
        .map(|(i, piece)| {
            piece.parse::<T>().map_err(|err| {
                format!("invalid item {piece:?} at position {i} of comma-separated list: {err}")
            })
        })
        .collect()
}

/// Parses the wire form, as deserialisation does.
impl<T> FromStr for CommaList<T>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        split_comma_list(s)
    }
}

impl<'de, T> Deserialize<'de> for CommaList<T>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(CommaListVisitor(PhantomData))
    }
}

#[cfg(feature = "json-schema")]
impl<T: JsonSchema> JsonSchema for CommaList<T> {
    fn schema_name() -> String {
        format!("CommaList_of_{}", T::schema_name())
    }

    fn schema_id() -> Cow<'static, str> {
        Cow::Owned(format!("{}::CommaList<{}>", module_path!(), T::schema_id()))
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        SchemaObject {
            metadata: Some(Box::new(Metadata {
                description: Some(format!(
                    "A comma-separated list of `{}` values in one string.",
                    T::schema_name()
                )),
                ..Metadata::default()
            })),
            instance_type: Some(InstanceType::String.into()),
            format: Some("comma-list".to_owned()),
            ..SchemaObject::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire_checks::{decode_err, round_trip};

    #[test]
    fn comma_list_strings() {
        let v: CommaList<String> = round_trip(r#""tagid1,tagid2""#);
        assert_eq!(*v, vec!["tagid1".to_owned(), "tagid2".to_owned()]);
        assert_eq!(v.to_string(), "tagid1,tagid2");

        let empty: CommaList<String> = round_trip(r#""""#);
        assert!(empty.is_empty());

        let spaced: CommaList<String> = round_trip(r#""a, b""#);
        assert_eq!(spaced.0, vec!["a".to_owned(), " b".to_owned()]);

        let single: CommaList<String> = round_trip(r#""R""#);
        assert_eq!(single.len(), 1);

        let blanks: CommaList<String> = round_trip(r#""a,,b,""#);
        assert_eq!(blanks.len(), 4);
    }

    #[test]
    fn comma_list_numbers() {
        let v: CommaList<u32> = round_trip(r#""1,22,333""#);
        assert_eq!(v.0, vec![1, 22, 333]);
    }

    #[test]
    fn comma_list_bad_item() {
        let err = decode_err::<CommaList<u32>>(r#""1,x,3""#);
        assert_eq!(
            err,
            r#"invalid item "x" at position 1 of comma-separated list: invalid digit found in string"#
        );
        let err = decode_err::<CommaList<u32>>(r#""1, 2""#);
        assert!(
            err.starts_with(r#"invalid item " 2" at position 1"#),
            "{err}"
        );
        assert_eq!(
            decode_err::<CommaList<String>>(r#"["a"]"#),
            "invalid type: sequence, expected a comma-separated list in a string"
        );
    }

    #[test]
    fn comma_list_conversions() {
        let mut list: CommaList<&str> = vec!["R", "T"].into();
        list.push("C");
        assert_eq!(list.to_string(), "R,T,C");
        assert_eq!(serde_json::to_string(&list).expect("encode"), r#""R,T,C""#);
        let collected: CommaList<u8> = (1..=3).collect();
        assert_eq!(collected.to_string(), "1,2,3");
        let total: u32 = (&collected).into_iter().map(|&x| u32::from(x)).sum();
        assert_eq!(total, 6);
        let back: Vec<u8> = collected.into_iter().collect();
        assert_eq!(back, vec![1, 2, 3]);
        assert_eq!(CommaList::<u8>::default().to_string(), "");
    }

    #[test]
    fn comma_lists_from_what_callers_have() {
        let expected: CommaList<String> = CommaList(vec!["id".to_owned(), "name".to_owned()]);
        assert_eq!(CommaList::<String>::from(["id", "name"]), expected);
        assert_eq!(CommaList::<String>::from(vec!["id", "name"]), expected);
        assert_eq!(CommaList::<String>::from(&["id", "name"][..]), expected);
        assert_eq!(CommaList::<String>::from(&vec!["id", "name"]), expected);
        assert_eq!(CommaList::<String>::from("id,name"), expected);
        assert_eq!(CommaList::<String>::from("id,name".to_owned()), expected);
        assert_eq!(CommaList::<String>::from(""), CommaList::new());
        let numbers: CommaList<i64> = [1i32, 2].into();
        assert_eq!(numbers.to_string(), "1,2");
        let names = ["id", "name"];
        let collected: CommaList<String> = names.iter().copied().collect();
        assert_eq!(collected.to_string(), "id,name");
    }

    #[test]
    #[cfg(feature = "json-schema")]
    fn comma_list_schema() {
        assert_eq!(CommaList::<String>::schema_name(), "CommaList_of_String");
        let schema =
            serde_json::to_value(schemars::schema_for!(CommaList<String>)).expect("schema");
        assert_eq!(schema["type"], "string");
        assert_eq!(schema["format"], "comma-list");
    }
}
