//! Hand-written Rust types for the custom `format`s used in the LiveAgent v1
//! OpenAPI spec.
//!
//! The generated client code (built by progenitor/typify) does not define
//! these types itself: the spec marks the affected schemas with custom
//! formats, and progenitor's type replacement/conversion maps them onto the
//! types in this module. They exist because LiveAgent's JSON is loose:
//!
//! * [`LaInt`]: integers that arrive as JSON numbers (`0`) or as strings of
//!   digits (`"12456"`), sometimes both for the same field.
//! * [`LaDateTime`]: `YYYY-MM-DD HH:MM:SS` timestamps without a zone (the
//!   account's time zone), bare dates, and odd values such as `"now"`.
//! * [`OpDateTime`]: date/time query filters with an operator prefix
//!   (`gt:2009-11-12 05:02:01`, `btw:a,b`, ...).
//!
//! [`LaInt`] and [`LaDateTime`] serialize back to exactly the
//! JSON they were decoded from, so a response can be decoded and re-encoded
//! without changes. [`OpDateTime`] is meant for requests and always writes
//! an explicit operator prefix.

#[cfg(feature = "json-schema")]
use std::borrow::Cow;
use std::cmp::Ordering;
use std::convert::Infallible;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
#[cfg(feature = "json-schema")]
use schemars::schema::{
    InstanceType, Metadata, Schema, SchemaObject, StringValidation, SubschemaValidation,
};
#[cfg(feature = "json-schema")]
use schemars::{JsonSchema, SchemaGenerator};
use serde::de::{self, Unexpected, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Builds a `{"type": "string", "format": ..., "description": ...}` schema.
#[cfg(feature = "json-schema")]
fn string_schema(format: &str, description: &str) -> Schema {
    SchemaObject {
        metadata: Some(Box::new(Metadata {
            description: Some(description.to_owned()),
            ..Metadata::default()
        })),
        instance_type: Some(InstanceType::String.into()),
        format: Some(format.to_owned()),
        ..SchemaObject::default()
    }
    .into()
}

// ---------------------------------------------------------------------------
// Parse errors
// ---------------------------------------------------------------------------

/// Error returned by the [`FromStr`] implementations of this module
/// ([`LaInt`], [`OpDateTime`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseFormatError {
    what: &'static str,
    input: String,
    reason: &'static str,
}

impl ParseFormatError {
    fn new(what: &'static str, input: &str, reason: &'static str) -> Self {
        Self {
            what,
            input: input.to_owned(),
            reason,
        }
    }

    /// The text that failed to parse.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// Why the text was rejected.
    pub fn reason(&self) -> &str {
        self.reason
    }
}

impl fmt::Display for ParseFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {} {:?}: {}", self.what, self.input, self.reason)
    }
}

impl std::error::Error for ParseFormatError {}

// ---------------------------------------------------------------------------
// LaInt
// ---------------------------------------------------------------------------

/// What the [`LaInt`] visitor expects, used in error messages.
const LA_INT_EXPECTING: &str = "an integer or a string of digits";
/// The string form: digits with an optional `-`, or empty (no value).
#[cfg(feature = "json-schema")]
const LA_INT_PATTERN: &str = "^(-?[0-9]+)?$";
/// Reason used when a digit string does not fit in an `i64`.
const LA_INT_RANGE: &str = "an integer that fits in a 64-bit signed integer";

/// Why a string could not be read as a [`LaInt`].
enum LaIntStrError {
    /// Not an optional `-` followed by one or more ASCII digits.
    Syntax,
    /// Syntactically fine but outside the `i64` range.
    Range,
}

/// Parses an optional `-` followed by one or more ASCII digits.
fn parse_la_int_str(s: &str) -> Result<i64, LaIntStrError> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(LaIntStrError::Syntax);
    }
    // The grammar has been checked, so the only possible failure is overflow.
    s.parse::<i64>().map_err(|_| LaIntStrError::Range)
}

/// An integer that LiveAgent sends either as a JSON number (`0`) or as a JSON
/// string of digits (`"12456"`).
///
/// Lenient where LiveAgent is loose: the empty string `""` decodes as an
/// absent value ([`LaInt::value`] is `None`, [`LaInt::get`] 0), a
/// whole-number float (`60.0`) as its integer, and negative values are kept
/// although the docs describe `int` as "greater or equal to zero" (the spec
/// and the JSON schema say the same). Fractions and other text are errors.
///
/// The value remembers which form it was decoded from and serializes back in
/// the same form; for the string form the original text is kept, so
/// `"007"` round-trips exactly. Comparison, ordering and hashing look only
/// at the integer value, so `LaInt` decoded from `"5"` equals one decoded
/// from `5`.
#[derive(Clone, Default)]
pub struct LaInt {
    value: i64,
    /// The original text when the value came as a string.
    raw: Option<Box<str>>,
}

impl LaInt {
    /// Creates a value that serializes as a JSON number.
    pub const fn new(value: i64) -> Self {
        Self { value, raw: None }
    }

    /// Returns the integer value (0 for the empty string).
    pub const fn get(&self) -> i64 {
        self.value
    }

    /// Returns the integer value, or `None` when the server sent `""`.
    pub fn value(&self) -> Option<i64> {
        (!self.is_empty()).then_some(self.value)
    }

    /// Returns `true` if the server sent the empty string (no value).
    pub fn is_empty(&self) -> bool {
        self.raw.as_deref() == Some("")
    }

    /// Returns the original text if the value was given as a string,
    /// or `None` if it is in number form.
    pub fn as_raw_str(&self) -> Option<&str> {
        self.raw.as_deref()
    }

    /// Returns `true` if the value serializes as a JSON string.
    pub fn is_string_form(&self) -> bool {
        self.raw.is_some()
    }
}

impl fmt::Debug for LaInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.raw {
            None => f.debug_tuple("LaInt").field(&self.value).finish(),
            Some(raw) => f.debug_tuple("LaInt").field(raw).finish(),
        }
    }
}

impl fmt::Display for LaInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.value, f)
    }
}

impl From<i64> for LaInt {
    fn from(value: i64) -> Self {
        Self::new(value)
    }
}

impl From<LaInt> for i64 {
    fn from(value: LaInt) -> Self {
        value.value
    }
}

/// Parses an optional `-` followed by ASCII digits. The result is in
/// string form and keeps the text verbatim (so it serializes back as the
/// same JSON string).
impl FromStr for LaInt {
    type Err = ParseFormatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match parse_la_int_str(s) {
            Ok(value) => Ok(Self {
                value,
                raw: Some(s.into()),
            }),
            Err(LaIntStrError::Syntax) => Err(ParseFormatError::new(
                "integer",
                s,
                "expected an optional '-' followed by ASCII digits",
            )),
            Err(LaIntStrError::Range) => Err(ParseFormatError::new(
                "integer",
                s,
                "out of range for a 64-bit signed integer",
            )),
        }
    }
}

impl PartialEq for LaInt {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl Eq for LaInt {}

impl PartialEq<i64> for LaInt {
    fn eq(&self, other: &i64) -> bool {
        self.value == *other
    }
}

impl Hash for LaInt {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl PartialOrd for LaInt {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for LaInt {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl Serialize for LaInt {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.raw {
            None => serializer.serialize_i64(self.value),
            Some(raw) => serializer.serialize_str(raw),
        }
    }
}

/// Visitor accepting JSON integers and strings of digits.
struct LaIntVisitor;

impl LaIntVisitor {
    fn parse<E: de::Error>(&self, v: &str) -> Result<i64, E> {
        if v.is_empty() {
            return Ok(0);
        }
        parse_la_int_str(v).map_err(|err| match err {
            LaIntStrError::Syntax => E::invalid_type(Unexpected::Str(v), self),
            LaIntStrError::Range => E::invalid_value(Unexpected::Str(v), &LA_INT_RANGE),
        })
    }
}

impl<'de> Visitor<'de> for LaIntVisitor {
    type Value = LaInt;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(LA_INT_EXPECTING)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<LaInt, E> {
        Ok(LaInt::new(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<LaInt, E> {
        i64::try_from(v)
            .map(LaInt::new)
            .map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &LA_INT_RANGE))
    }

    /// A whole-number float (`60.0`) is its integer.
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<LaInt, E> {
        let in_range = v >= -(2f64.powi(63)) && v < 2f64.powi(63);
        if v.fract() == 0.0 && in_range {
            Ok(LaInt::new(v as i64))
        } else {
            Err(E::invalid_type(Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<LaInt, E> {
        let value = self.parse(v)?;
        Ok(LaInt {
            value,
            raw: Some(v.into()),
        })
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<LaInt, E> {
        self.visit_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<LaInt, E> {
        let value = self.parse(&v)?;
        Ok(LaInt {
            value,
            raw: Some(v.into_boxed_str()),
        })
    }
}

impl<'de> Deserialize<'de> for LaInt {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LaIntVisitor)
    }
}

#[cfg(feature = "json-schema")]
impl JsonSchema for LaInt {
    fn schema_name() -> String {
        "LaInt".to_owned()
    }

    fn schema_id() -> Cow<'static, str> {
        Cow::Borrowed(concat!(module_path!(), "::LaInt"))
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        let integer = SchemaObject {
            instance_type: Some(InstanceType::Integer.into()),
            ..SchemaObject::default()
        };
        let whole_number = SchemaObject {
            instance_type: Some(InstanceType::Number.into()),
            number: Some(Box::new(schemars::schema::NumberValidation {
                multiple_of: Some(1.0),
                ..Default::default()
            })),
            ..SchemaObject::default()
        };
        let digits = SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            string: Some(Box::new(StringValidation {
                pattern: Some(LA_INT_PATTERN.to_owned()),
                ..StringValidation::default()
            })),
            ..SchemaObject::default()
        };
        SchemaObject {
            metadata: Some(Box::new(Metadata {
                description: Some(
                    "An integer sent either as a JSON number (a whole-number float is accepted) \
                     or as a string of digits; the empty string means no value."
                        .to_owned(),
                ),
                ..Metadata::default()
            })),
            subschemas: Some(Box::new(SubschemaValidation {
                any_of: Some(vec![integer.into(), whole_number.into(), digits.into()]),
                ..SubschemaValidation::default()
            })),
            ..SchemaObject::default()
        }
        .into()
    }
}

// ---------------------------------------------------------------------------
// LaDateTime
// ---------------------------------------------------------------------------

/// `chrono` format of a LiveAgent date/time.
const DATETIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";
/// `chrono` format of a LiveAgent date.
const DATE_FORMAT: &str = "%Y-%m-%d";

/// A LiveAgent date/time string, normally `YYYY-MM-DD HH:MM:SS` in the
/// account's time zone (no zone is given), sometimes a bare `YYYY-MM-DD`.
///
/// The string is kept verbatim: deserialization accepts any JSON string
/// (servers send values like `"now"` or `"0000-00-00 00:00:00"`) and
/// serialization writes it back unchanged. Use [`to_naive_datetime`] or
/// [`to_naive_date`] to interpret it. Comparison and ordering are on the raw
/// text.
///
/// [`to_naive_datetime`]: LaDateTime::to_naive_datetime
/// [`to_naive_date`]: LaDateTime::to_naive_date
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LaDateTime(String);

impl LaDateTime {
    /// Wraps a raw string without checking it.
    pub fn from_raw(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    /// Returns the raw string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Returns the raw string, consuming `self`.
    pub fn into_string(self) -> String {
        self.0
    }

    /// Returns `true` if the value is the literal `now` (used for
    /// open-ended ranges).
    pub fn is_now(&self) -> bool {
        self.0 == "now"
    }

    /// Interprets the value as `YYYY-MM-DD HH:MM:SS`, or a bare `YYYY-MM-DD`
    /// as midnight of that day. Returns `None` for anything else (including
    /// `now` and `0000-00-00 00:00:00`).
    pub fn to_naive_datetime(&self) -> Option<NaiveDateTime> {
        NaiveDateTime::parse_from_str(&self.0, DATETIME_FORMAT)
            .ok()
            .or_else(|| {
                NaiveDate::parse_from_str(&self.0, DATE_FORMAT)
                    .ok()
                    .map(|date| date.and_time(NaiveTime::MIN))
            })
    }

    /// Returns the date part of a `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DD`
    /// value, or `None` for anything else.
    pub fn to_naive_date(&self) -> Option<NaiveDate> {
        self.to_naive_datetime().map(|dt| dt.date())
    }
}

/// Writes the date as `YYYY-MM-DD`.
fn write_date(out: &mut String, date: NaiveDate) {
    use std::fmt::Write as _;
    // Writing into a `String` cannot fail.
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}",
        date.year(),
        date.month(),
        date.day()
    );
}

/// Formats as `YYYY-MM-DD HH:MM:SS` (sub-second precision is dropped).
impl From<NaiveDateTime> for LaDateTime {
    fn from(dt: NaiveDateTime) -> Self {
        use std::fmt::Write as _;
        let mut out = String::with_capacity(19);
        write_date(&mut out, dt.date());
        // Writing into a `String` cannot fail.
        let _ = write!(
            out,
            " {:02}:{:02}:{:02}",
            dt.hour(),
            dt.minute(),
            dt.second()
        );
        Self(out)
    }
}

/// Formats as `YYYY-MM-DD`.
impl From<NaiveDate> for LaDateTime {
    fn from(date: NaiveDate) -> Self {
        let mut out = String::with_capacity(10);
        write_date(&mut out, date);
        Self(out)
    }
}

impl From<String> for LaDateTime {
    fn from(raw: String) -> Self {
        Self(raw)
    }
}

impl From<&str> for LaDateTime {
    fn from(raw: &str) -> Self {
        Self(raw.to_owned())
    }
}

impl From<LaDateTime> for String {
    fn from(value: LaDateTime) -> Self {
        value.0
    }
}

impl AsRef<str> for LaDateTime {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LaDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Stores the text verbatim; never fails.
impl FromStr for LaDateTime {
    type Err = Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

impl Serialize for LaDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Visitor accepting any string.
struct LaDateTimeVisitor;

impl<'de> Visitor<'de> for LaDateTimeVisitor {
    type Value = LaDateTime;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date/time string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<LaDateTime, E> {
        Ok(LaDateTime(v.to_owned()))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<LaDateTime, E> {
        self.visit_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<LaDateTime, E> {
        Ok(LaDateTime(v))
    }
}

impl<'de> Deserialize<'de> for LaDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_string(LaDateTimeVisitor)
    }
}

#[cfg(feature = "json-schema")]
impl JsonSchema for LaDateTime {
    fn schema_name() -> String {
        "LaDateTime".to_owned()
    }

    fn schema_id() -> Cow<'static, str> {
        Cow::Borrowed(concat!(module_path!(), "::LaDateTime"))
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        string_schema(
            "la-datetime",
            "A date/time `YYYY-MM-DD HH:MM:SS` in the account's time zone, or a \
             date `YYYY-MM-DD`; other strings (such as `now`) are kept verbatim.",
        )
    }
}

// ---------------------------------------------------------------------------
// OpDateTime
// ---------------------------------------------------------------------------

/// A date/time filter with a comparison operator, as used in query strings.
///
/// The wire form is `<op>:<datetime>`, e.g. `gt:2009-11-12 05:02:01`, or
/// `btw:<from>,<to>` for a range. A value without an operator prefix means
/// [`OpDateTime::Eq`]. Serialization and [`Display`](fmt::Display) always
/// write the explicit prefix (including `eq:`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OpDateTime {
    /// Equal to (`eq:`).
    Eq(LaDateTime),
    /// Greater than (`gt:`).
    Gt(LaDateTime),
    /// Less than (`lt:`).
    Lt(LaDateTime),
    /// Greater than or equal to (`gte:`).
    Gte(LaDateTime),
    /// Less than or equal to (`lte:`).
    Lte(LaDateTime),
    /// Between the two values (`btw:<from>,<to>`).
    Btw(LaDateTime, LaDateTime),
}

impl OpDateTime {
    /// `eq:<value>`.
    pub fn eq(value: impl Into<LaDateTime>) -> Self {
        Self::Eq(value.into())
    }

    /// `gt:<value>`.
    pub fn gt(value: impl Into<LaDateTime>) -> Self {
        Self::Gt(value.into())
    }

    /// `lt:<value>`.
    pub fn lt(value: impl Into<LaDateTime>) -> Self {
        Self::Lt(value.into())
    }

    /// `gte:<value>`.
    pub fn gte(value: impl Into<LaDateTime>) -> Self {
        Self::Gte(value.into())
    }

    /// `lte:<value>`.
    pub fn lte(value: impl Into<LaDateTime>) -> Self {
        Self::Lte(value.into())
    }

    /// `btw:<from>,<to>`.
    pub fn between(from: impl Into<LaDateTime>, to: impl Into<LaDateTime>) -> Self {
        Self::Btw(from.into(), to.into())
    }

    /// The operator keyword: `eq`, `gt`, `lt`, `gte`, `lte` or `btw`.
    pub fn operator(&self) -> &'static str {
        match self {
            Self::Eq(_) => "eq",
            Self::Gt(_) => "gt",
            Self::Lt(_) => "lt",
            Self::Gte(_) => "gte",
            Self::Lte(_) => "lte",
            Self::Btw(_, _) => "btw",
        }
    }
}

/// An equality filter (`eq:<value>`).
impl From<LaDateTime> for OpDateTime {
    fn from(value: LaDateTime) -> Self {
        Self::Eq(value)
    }
}

impl fmt::Display for OpDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Eq(v) | Self::Gt(v) | Self::Lt(v) | Self::Gte(v) | Self::Lte(v) => {
                write!(f, "{}:{}", self.operator(), v)
            }
            Self::Btw(from, to) => write!(f, "btw:{from},{to}"),
        }
    }
}

impl FromStr for OpDateTime {
    type Err = ParseFormatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| ParseFormatError::new("date/time filter", s, reason);
        let operand = |v: &str| {
            if v.is_empty() {
                Err(err("missing date/time value"))
            } else {
                Ok(LaDateTime::from_raw(v))
            }
        };
        if let Some(range) = s.strip_prefix("btw:") {
            let Some((from, to)) = range.split_once(',') else {
                return Err(err("`btw:` needs two values separated by a comma"));
            };
            if to.contains(',') {
                return Err(err("`btw:` needs exactly two values separated by a comma"));
            }
            return Ok(Self::Btw(operand(from)?, operand(to)?));
        }
        let (make, rest): (fn(LaDateTime) -> Self, &str) = if let Some(rest) = s.strip_prefix("eq:")
        {
            (Self::Eq, rest)
        } else if let Some(rest) = s.strip_prefix("gt:") {
            (Self::Gt, rest)
        } else if let Some(rest) = s.strip_prefix("lt:") {
            (Self::Lt, rest)
        } else if let Some(rest) = s.strip_prefix("gte:") {
            (Self::Gte, rest)
        } else if let Some(rest) = s.strip_prefix("lte:") {
            (Self::Lte, rest)
        } else {
            (Self::Eq, s)
        };
        operand(rest).map(make)
    }
}

impl Serialize for OpDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Visitor parsing the operator syntax from a string.
struct OpDateTimeVisitor;

impl<'de> Visitor<'de> for OpDateTimeVisitor {
    type Value = OpDateTime;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date/time filter string such as `gt:2009-11-12 05:02:01`")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<OpDateTime, E> {
        v.parse().map_err(E::custom)
    }
}

impl<'de> Deserialize<'de> for OpDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(OpDateTimeVisitor)
    }
}

#[cfg(feature = "json-schema")]
impl JsonSchema for OpDateTime {
    fn schema_name() -> String {
        "OpDateTime".to_owned()
    }

    fn schema_id() -> Cow<'static, str> {
        Cow::Borrowed(concat!(module_path!(), "::OpDateTime"))
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        string_schema(
            "la-opdatetime",
            "A date/time filter `<op>:<datetime>` with op one of eq, gt, lt, gte, \
             lte, or `btw:<from>,<to>`; no prefix means eq.",
        )
    }
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use helpdesk_client_runtime::wire_checks::{decode_err, round_trip};
    use serde_json::json;

    #[derive(Debug, Serialize, Deserialize)]
    struct Pair {
        a: LaInt,
        b: LaInt,
    }

    // ----- LaInt -----

    #[test]
    fn la_int_struct_round_trip_is_byte_identical() {
        let json = r#"{"a":"12456","b":0}"#;
        let pair: Pair = serde_json::from_str(json).expect("decode");
        assert_eq!(pair.a.get(), 12456);
        assert!(pair.a.is_string_form());
        assert_eq!(pair.b.get(), 0);
        assert!(!pair.b.is_string_form());
        assert_eq!(serde_json::to_string(&pair).expect("encode"), json);

        let value = serde_json::to_value(&pair).expect("to_value");
        assert_eq!(value, json!({"a": "12456", "b": 0}));
        let again: Pair = serde_json::from_value(value).expect("from_value");
        assert_eq!(serde_json::to_string(&again).expect("encode"), json);
    }

    #[test]
    fn la_int_forms_round_trip() {
        for json in [
            "0",
            "-12",
            "9223372036854775807",
            "-9223372036854775808",
            r#""0""#,
            r#""007""#,
            r#""-5""#,
            r#""-0""#,
            r#""9223372036854775807""#,
        ] {
            round_trip::<LaInt>(json);
        }
        let v: LaInt = round_trip(r#""007""#);
        assert_eq!(v.get(), 7);
        assert_eq!(v.as_raw_str(), Some("007"));
        assert_eq!(v.to_string(), "7");
        assert_eq!(format!("{v:?}"), r#"LaInt("007")"#);
        assert_eq!(format!("{:?}", LaInt::new(3)), "LaInt(3)");
    }

    #[test]
    fn la_int_compares_by_value() {
        let s: LaInt = serde_json::from_str(r#""5""#).expect("decode");
        let n: LaInt = serde_json::from_str("5").expect("decode");
        assert_eq!(s, n);
        assert_eq!(s, 5);
        assert!(LaInt::new(4) < s);
        assert!(s.cmp(&LaInt::new(6)).is_lt());
        let mut set = std::collections::HashSet::new();
        set.insert(s);
        assert!(set.contains(&n));
        assert_eq!(i64::from(n), 5);
    }

    #[test]
    fn la_int_from_str() {
        let v: LaInt = "007".parse().expect("parse");
        assert_eq!(v.get(), 7);
        assert_eq!(serde_json::to_string(&v).expect("encode"), r#""007""#);
        assert_eq!("-3".parse::<LaInt>().expect("parse").get(), -3);
        for bad in ["", "-", "+1", " 1", "1 ", "1.5", "abc", "1e3", "٣"] {
            let err = bad.parse::<LaInt>().expect_err(bad);
            assert_eq!(err.input(), bad);
        }
        let err = "99999999999999999999".parse::<LaInt>().expect_err("range");
        assert!(err.to_string().contains("out of range"), "{err}");
    }

    #[test]
    fn la_int_errors() {
        assert_eq!(
            decode_err::<LaInt>(r#""abc""#),
            r#"invalid type: string "abc", expected an integer or a string of digits"#
        );
        assert_eq!(
            decode_err::<LaInt>("1.5"),
            "invalid type: floating point `1.5`, expected an integer or a string of digits"
        );
        assert_eq!(
            decode_err::<LaInt>("true"),
            "invalid type: boolean `true`, expected an integer or a string of digits"
        );
        assert_eq!(
            decode_err::<LaInt>("{}"),
            "invalid type: map, expected an integer or a string of digits"
        );
        assert_eq!(
            decode_err::<LaInt>("null"),
            "invalid type: null, expected an integer or a string of digits"
        );
        assert_eq!(
            decode_err::<LaInt>("9223372036854775808"),
            "invalid value: integer `9223372036854775808`, expected an integer that fits \
             in a 64-bit signed integer"
        );
        assert_eq!(
            decode_err::<LaInt>(r#""-9223372036854775809""#),
            r#"invalid value: string "-9223372036854775809", expected an integer that fits in a 64-bit signed integer"#
        );
        let err = serde_json::from_str::<Pair>(r#"{"a":"1x","b":0}"#).expect_err("bad");
        assert!(err.to_string().contains(r#"string "1x""#), "{err}");
    }

    #[test]
    fn la_int_is_lenient_where_liveagent_is_loose() {
        let empty: LaInt = round_trip(r#""""#);
        assert_eq!(
            (empty.value(), empty.get(), empty.is_empty()),
            (None, 0, true)
        );
        let float: LaInt = serde_json::from_str("60.0").expect("whole float");
        assert_eq!(float.value(), Some(60));
        let negative: LaInt = round_trip("-3");
        assert_eq!(negative.value(), Some(-3));
        assert!(serde_json::from_str::<LaInt>("1e300").is_err());
    }

    /// Floats at and past the edges of `i64` (synthetic values): the edge decodes, anything
    /// past it is an error, never a saturated value or a panic.
    #[test]
    fn la_int_float_edges() {
        let min: LaInt = serde_json::from_str("-9223372036854775808.0").expect("i64::MIN");
        assert_eq!(min.get(), i64::MIN);
        for json in [
            "9223372036854775808.0",
            "-9223372036854777856.0",
            "1e19",
            "-1e19",
            "0.5",
        ] {
            assert!(serde_json::from_str::<LaInt>(json).is_err(), "{json}");
        }
        // Not JSON, but another deserializer may hand these over.
        use serde::de::IntoDeserializer as _;
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 2f64.powi(63)] {
            let decoded: Result<LaInt, serde::de::value::Error> =
                LaInt::deserialize(value.into_deserializer());
            assert!(decoded.is_err(), "{value}");
        }
    }

    #[test]
    #[cfg(feature = "json-schema")]
    fn la_int_schema() {
        let schema = serde_json::to_value(schemars::schema_for!(LaInt)).expect("schema");
        assert_eq!(schema["title"], "LaInt");
        assert_eq!(schema["anyOf"][0], json!({"type": "integer"}));
        assert_eq!(
            schema["anyOf"][1],
            json!({"type": "number", "multipleOf": 1.0})
        );
        assert_eq!(
            schema["anyOf"][2],
            json!({"type": "string", "pattern": "^(-?[0-9]+)?$"})
        );
        assert!(schema["description"].is_string());
    }

    // ----- LaDateTime -----

    #[test]
    fn la_datetime_full() {
        let v: LaDateTime = round_trip(r#""2014-08-09 10:14:00""#);
        assert_eq!(v.as_str(), "2014-08-09 10:14:00");
        let dt = NaiveDate::from_ymd_opt(2014, 8, 9)
            .and_then(|d| d.and_hms_opt(10, 14, 0))
            .expect("valid");
        assert_eq!(v.to_naive_datetime(), Some(dt));
        assert_eq!(v.to_naive_date(), Some(dt.date()));
        assert!(!v.is_now());
        assert_eq!(LaDateTime::from(dt), v);
        assert_eq!(v.to_string(), "2014-08-09 10:14:00");
    }

    #[test]
    fn la_datetime_bare_date() {
        let v: LaDateTime = round_trip(r#""2014-01-25""#);
        let d = NaiveDate::from_ymd_opt(2014, 1, 25).expect("valid");
        assert_eq!(v.to_naive_date(), Some(d));
        assert_eq!(v.to_naive_datetime(), Some(d.and_time(NaiveTime::MIN)));
        assert_eq!(LaDateTime::from(d), v);
    }

    #[test]
    fn la_datetime_odd_strings() {
        let now: LaDateTime = round_trip(r#""now""#);
        assert!(now.is_now());
        assert_eq!(now.to_naive_datetime(), None);
        assert_eq!(now.to_naive_date(), None);
        for json in [
            r#""0000-00-00 00:00:00""#,
            r#""""#,
            r#""garbage \"quoted\"""#,
            r#""2014-13-45""#,
        ] {
            let v: LaDateTime = round_trip(json);
            assert_eq!(v.to_naive_datetime(), None, "{json}");
        }
        assert_eq!("x".parse::<LaDateTime>(), Ok(LaDateTime::from_raw("x")));
    }

    /// Dates a server may send that chrono cannot hold or that are out of range (synthetic):
    /// `None`, never a panic.
    #[test]
    fn la_datetime_out_of_range_is_none() {
        for raw in [
            "9999-12-31 23:59:59",
            "+262143-12-31 23:59:59",
            "262144-01-01 00:00:00",
            "-262145-01-01",
            "99999999999999999999-01-01",
            "1900-02-29",
            "2014-08-09 24:00:00",
            "2014-08-09 23:59:60",
            "2014-08-09 10:14:00.999999999999",
            "\u{0}",
        ] {
            let value = LaDateTime::from_raw(raw);
            let _ = value.to_naive_datetime();
            let _ = value.to_naive_date();
        }
        assert_eq!(
            LaDateTime::from_raw("9999-12-31 23:59:59")
                .to_naive_date()
                .map(|d| d.year()),
            Some(9999)
        );
        assert_eq!(LaDateTime::from_raw("1900-02-29").to_naive_date(), None);
        assert_eq!(
            LaDateTime::from_raw("99999999999999999999-01-01").to_naive_date(),
            None
        );
    }

    #[test]
    fn la_datetime_rejects_non_strings() {
        assert_eq!(
            decode_err::<LaDateTime>("20140125"),
            "invalid type: integer `20140125`, expected a date/time string"
        );
        assert_eq!(
            decode_err::<LaDateTime>("null"),
            "invalid type: null, expected a date/time string"
        );
        let opt: Option<LaDateTime> = serde_json::from_str("null").expect("null");
        assert_eq!(opt, None);
    }

    #[test]
    #[cfg(feature = "json-schema")]
    fn la_datetime_schema() {
        let schema = serde_json::to_value(schemars::schema_for!(LaDateTime)).expect("schema");
        assert_eq!(schema["type"], "string");
        assert_eq!(schema["format"], "la-datetime");
        assert_eq!(schema["title"], "LaDateTime");
    }

    // ----- OpDateTime -----

    #[test]
    fn op_datetime_every_operator() {
        let a = "2009-11-12 05:02:01";
        let b = "2010-10-11 04:01:59";
        let cases = [
            (format!("eq:{a}"), OpDateTime::eq(a)),
            (format!("gt:{a}"), OpDateTime::gt(a)),
            (format!("lt:{a}"), OpDateTime::lt(a)),
            (format!("gte:{a}"), OpDateTime::gte(a)),
            (format!("lte:{a}"), OpDateTime::lte(a)),
            (format!("btw:{a},{b}"), OpDateTime::between(a, b)),
            (
                "btw:2014-01-25,now".to_owned(),
                OpDateTime::between("2014-01-25", "now"),
            ),
        ];
        for (wire, expected) in cases {
            let parsed: OpDateTime = wire.parse().expect("parse");
            assert_eq!(parsed, expected);
            assert_eq!(parsed.to_string(), wire);
            let json = serde_json::to_string(&wire).expect("json");
            assert_eq!(round_trip::<OpDateTime>(&json), expected);
        }
    }

    #[test]
    fn op_datetime_without_prefix_is_eq() {
        let parsed: OpDateTime = "2009-11-12 05:02:01".parse().expect("parse");
        assert_eq!(
            parsed,
            OpDateTime::Eq(LaDateTime::from_raw("2009-11-12 05:02:01"))
        );
        assert_eq!(parsed.to_string(), "eq:2009-11-12 05:02:01");
        let decoded: OpDateTime = serde_json::from_str(r#""2009-11-12 05:02:01""#).expect("decode");
        assert_eq!(decoded, parsed);
        assert_eq!(
            serde_json::to_string(&decoded).expect("encode"),
            r#""eq:2009-11-12 05:02:01""#
        );
        let dt = NaiveDate::from_ymd_opt(2009, 11, 12)
            .and_then(|d| d.and_hms_opt(5, 2, 1))
            .expect("valid");
        assert_eq!(OpDateTime::gt(dt).to_string(), "gt:2009-11-12 05:02:01");
    }

    #[test]
    fn op_datetime_errors() {
        for bad in [
            "btw:2009-11-12 05:02:01",
            "btw:a,b,c",
            "btw:,b",
            "btw:a,",
            "gt:",
            "eq:",
            "",
        ] {
            let err = bad.parse::<OpDateTime>().expect_err(bad);
            assert_eq!(err.input(), bad);
        }
        let err = "btw:2009-11-12"
            .parse::<OpDateTime>()
            .expect_err("no comma");
        assert_eq!(
            err.to_string(),
            r#"invalid date/time filter "btw:2009-11-12": `btw:` needs two values separated by a comma"#
        );
        assert_eq!(
            decode_err::<OpDateTime>(r#""btw:2009-11-12""#),
            err.to_string()
        );
        assert_eq!(
            decode_err::<OpDateTime>("5"),
            "invalid type: integer `5`, expected a date/time filter string such as \
             `gt:2009-11-12 05:02:01`"
        );
    }

    #[test]
    #[cfg(feature = "json-schema")]
    fn op_datetime_schema() {
        let schema = serde_json::to_value(schemars::schema_for!(OpDateTime)).expect("schema");
        assert_eq!(schema["type"], "string");
        assert_eq!(schema["format"], "la-opdatetime");
    }

    #[test]
    fn comma_lists_of_la_ints() {
        use helpdesk_client_runtime::CommaList;

        let ints: CommaList<LaInt> = round_trip(r#""7,-1""#);
        assert_eq!(ints[0], 7);
        assert_eq!(ints[1], -1);
        // `LaInt`'s `Display` prints the integer, so leading zeros inside a
        // list are normalised.
        let zeros: CommaList<LaInt> = serde_json::from_str(r#""007""#).expect("decode");
        assert_eq!(serde_json::to_string(&zeros).expect("encode"), r#""7""#);
    }
}
