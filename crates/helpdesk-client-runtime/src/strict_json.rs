//! [`Strict`]: a deserializer wrapper under which a struct only decodes from a JSON object.
//!
//! serde's derived `Deserialize` of a struct also accepts a sequence (`[]`, `["a", 1]`), field
//! by field in declaration order; a struct whose fields are all optional or defaulted then
//! decodes from `[]` as an empty value. A proxy's or a broken server's `{"response": []}` would
//! read as "no conversations". Under [`Strict`], a struct met as a sequence is an error
//! (`invalid type: sequence, expected struct ConversationList`), at any depth; everything
//! else decodes exactly as without it.
//!
//! The wrapper forwards every call to the wrapped deserializer and wraps what comes back
//! (visitors, seeds, sequence, map and enum access) so that nested values are strict too.
//!
//! It can also *tap* one member while decoding: [`Strict::tapped`] records the scalar at a
//! JSON path from the top level (an API's error marker, `response.status`) as the decoder
//! passes it, whether the decoded type has that field or skips it. The tap follows only the
//! members on the path, so the rest of the body decodes as fast as without it: the client
//! tells an error envelope sent with a success status from a success in the one decoding pass.
//! The tap is the runtime's only reader of the error marker: a body that is not decoded
//! (an error status) is skipped under a tap ([`crate::exec::probe`]).
//!
//! Off the path the tap is a zero-sized type ([`Off`]), so the wrappers there are the same size
//! as without a tap: a tap carried by value through every wrapper made the whole decode about
//! 10% slower.

use std::cell::Cell;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Unexpected,
    VariantAccess, Visitor,
};

use crate::exec::Marker;

/// A deserializer under which structs decode only from maps (JSON objects); `T` says whether
/// the value is on the tapped path ([`On`]) or not ([`Off`]).
pub(crate) struct Strict<D, T = Off> {
    de: D,
    tap: T,
}

impl<D> Strict<D, Off> {
    /// `de`, strict.
    pub(crate) fn new(de: D) -> Self {
        Strict { de, tap: Off }
    }
}

impl<'t, D> Strict<D, On<'t>> {
    /// `de`, strict, recording into `found` the first scalar met at `path` (object members
    /// from the top level); an object or array there is [`Marker::Composite`].
    pub(crate) fn tapped(
        de: D,
        path: &'static [&'static str],
        found: &'t Cell<Option<Marker>>,
    ) -> Self {
        Strict {
            de,
            tap: On::Path(path, found),
        }
    }
}

/// What a value being decoded is to the tap.
pub(crate) trait Tap: Copy {
    /// Whether the value may be on the tapped path (`false` for [`Off`], known at compile time).
    const ACTIVE: bool;

    /// Records `marker` if this is the tapped value and nothing was recorded yet.
    fn record(self, marker: impl FnOnce() -> Marker);

    /// Notes an object key read under this tap.
    fn key(self, key: &str);

    /// For an object on the path: the member wanted in it, and the tap of that member's value.
    fn descend(self) -> Option<(&'static str, Self)>;
}

/// Not on the tapped path: zero-sized, every check compiled away.
#[derive(Clone, Copy)]
pub(crate) struct Off;

impl Tap for Off {
    const ACTIVE: bool = false;

    fn record(self, _: impl FnOnce() -> Marker) {}

    fn key(self, _: &str) {}

    fn descend(self) -> Option<(&'static str, Self)> {
        None
    }
}

/// On the tapped path.
#[derive(Clone, Copy)]
pub(crate) enum On<'t> {
    /// A value on the path, with the members still to descend (none: the tapped value itself).
    Path(&'static [&'static str], &'t Cell<Option<Marker>>),
    /// An object key on the path's level: sets the flag to whether it is the wanted name.
    Key(&'static str, &'t Cell<bool>),
}

impl Tap for On<'_> {
    const ACTIVE: bool = true;

    fn record(self, marker: impl FnOnce() -> Marker) {
        if let On::Path([], found) = self {
            let first = found.take().unwrap_or_else(marker);
            found.set(Some(first));
        }
    }

    fn key(self, key: &str) {
        if let On::Key(wanted, matched) = self {
            matched.set(key == wanted);
        }
    }

    fn descend(self) -> Option<(&'static str, Self)> {
        match self {
            On::Path([wanted, rest @ ..], found) => Some((wanted, On::Path(rest, found))),
            _ => None,
        }
    }
}

/// Forwards `deserialize_*` methods of scalars. Off the tapped path the visitor is passed on
/// unwrapped: a scalar holds no struct to keep strict.
macro_rules! forward_scalar {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            if T::ACTIVE {
                self.de.$method(StrictVisitor::new(visitor, self.tap))
            } else {
                self.de.$method(visitor)
            }
        }
    )*};
}

/// Forwards `deserialize_*` methods that take only a visitor.
macro_rules! forward {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.de.$method(StrictVisitor::new(visitor, self.tap))
        }
    )*};
}

impl<'de, D: Deserializer<'de>, T: Tap> Deserializer<'de> for Strict<D, T> {
    type Error = D::Error;

    forward_scalar! {
        deserialize_bool
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_char deserialize_str deserialize_string
        deserialize_bytes deserialize_byte_buf deserialize_unit deserialize_identifier
    }

    forward! {
        deserialize_any deserialize_option deserialize_seq deserialize_map
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        if T::ACTIVE {
            // serde_json skips an ignored value without showing it to the visitor: a value (or
            // key) on the tapped path is read, so that the tap sees it even when the type
            // skips it.
            self.de
                .deserialize_any(StrictVisitor::new(visitor, self.tap))
        } else {
            // A skipped value builds nothing.
            self.de.deserialize_ignored_any(visitor)
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.de
            .deserialize_unit_struct(name, StrictVisitor::new(visitor, self.tap))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.de
            .deserialize_newtype_struct(name, StrictVisitor::new(visitor, self.tap))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.de
            .deserialize_tuple(len, StrictVisitor::new(visitor, self.tap))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.de
            .deserialize_tuple_struct(name, len, StrictVisitor::new(visitor, self.tap))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.de
            .deserialize_struct(name, fields, StrictVisitor::for_struct(visitor, self.tap))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.de
            .deserialize_enum(name, variants, StrictVisitor::new(visitor, Off))
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// A visitor that keeps what it visits strict; for a struct it also refuses sequences.
struct StrictVisitor<V, T> {
    inner: V,
    refuse_sequences: bool,
    tap: T,
}

impl<V, T> StrictVisitor<V, T> {
    fn new(inner: V, tap: T) -> Self {
        Self {
            inner,
            refuse_sequences: false,
            tap,
        }
    }

    fn for_struct(inner: V, tap: T) -> Self {
        Self {
            inner,
            refuse_sequences: true,
            tap,
        }
    }
}

/// Forwards `visit_*` methods of scalars, showing the value to the tap as `$marker`.
macro_rules! forward_scalars {
    ($($method:ident($ty:ty) => $marker:expr;)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            #[allow(clippy::redundant_closure_call)]
            self.tap.record(|| $marker(&v));
            self.inner.$method(v)
        }
    )*};
}

/// Forwards `visit_*` methods of strings, showing the value to the tap as a key or a scalar.
macro_rules! forward_strings {
    ($($method:ident($ty:ty))*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.tap.key(&v);
            self.tap.record(|| Marker::Str(String::from(&*v)));
            self.inner.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>, T: Tap> Visitor<'de> for StrictVisitor<V, T> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    forward_scalars! {
        visit_bool(bool) => |v: &bool| Marker::Bool(*v);
        visit_i8(i8) => |v: &i8| Marker::Number(f64::from(*v));
        visit_i16(i16) => |v: &i16| Marker::Number(f64::from(*v));
        visit_i32(i32) => |v: &i32| Marker::Number(f64::from(*v));
        visit_i64(i64) => |v: &i64| Marker::Number(*v as f64);
        visit_i128(i128) => |v: &i128| Marker::Number(*v as f64);
        visit_u8(u8) => |v: &u8| Marker::Number(f64::from(*v));
        visit_u16(u16) => |v: &u16| Marker::Number(f64::from(*v));
        visit_u32(u32) => |v: &u32| Marker::Number(f64::from(*v));
        visit_u64(u64) => |v: &u64| Marker::Number(*v as f64);
        visit_u128(u128) => |v: &u128| Marker::Number(*v as f64);
        visit_f32(f32) => |v: &f32| Marker::Number(f64::from(*v));
        visit_f64(f64) => |v: &f64| Marker::Number(*v);
        visit_char(char) => |v: &char| Marker::Str(v.to_string());
        visit_bytes(&[u8]) => |_: &&[u8]| Marker::Composite;
        visit_borrowed_bytes(&'de [u8]) => |_: &&[u8]| Marker::Composite;
        visit_byte_buf(Vec<u8>) => |_: &Vec<u8>| Marker::Composite;
    }

    forward_strings! {
        visit_str(&str) visit_borrowed_str(&'de str) visit_string(String)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.tap.record(|| Marker::Null);
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.tap.record(|| Marker::Null);
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_some(Strict {
            de: deserializer,
            tap: self.tap,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        self.inner.visit_newtype_struct(Strict {
            de: deserializer,
            tap: self.tap,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        if self.refuse_sequences {
            return Err(de::Error::invalid_type(Unexpected::Seq, &self));
        }
        self.tap.record(|| Marker::Composite);
        self.inner.visit_seq(StrictSeq(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.tap.record(|| Marker::Composite);
        self.inner.visit_map(StrictMap {
            map,
            tap: self.tap,
            matched: Cell::new(false),
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_enum(StrictEnum(data))
    }
}

/// A seed whose value is decoded strictly.
struct StrictSeed<S, T = Off> {
    seed: S,
    tap: T,
}

impl<S> StrictSeed<S, Off> {
    fn new(seed: S) -> Self {
        StrictSeed { seed, tap: Off }
    }
}

impl<'de, S: DeserializeSeed<'de>, T: Tap> DeserializeSeed<'de> for StrictSeed<S, T> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(Strict {
            de: deserializer,
            tap: self.tap,
        })
    }
}

/// Sequence access whose elements are decoded strictly (never on the tapped path).
struct StrictSeq<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for StrictSeq<A> {
    type Error = A::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        self.0.next_element_seed(StrictSeed::new(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// Map access whose keys and values are decoded strictly; on the tapped path, it follows the
/// member named next on the path.
struct StrictMap<A, T> {
    map: A,
    tap: T,
    /// Whether the last key read is the wanted member.
    matched: Cell<bool>,
}

impl<'de, A: MapAccess<'de>, T: Tap> MapAccess<'de> for StrictMap<A, T> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.tap.descend() {
            Some((wanted, _)) => self.map.next_key_seed(StrictSeed {
                seed,
                tap: On::Key(wanted, &self.matched),
            }),
            None => self.map.next_key_seed(StrictSeed::new(seed)),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        match self.tap.descend() {
            Some((_, below)) if self.matched.replace(false) => {
                self.map.next_value_seed(StrictSeed { seed, tap: below })
            }
            _ => self.map.next_value_seed(StrictSeed::new(seed)),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// Enum access whose variant data is decoded strictly.
struct StrictEnum<A>(A);

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for StrictEnum<A> {
    type Error = A::Error;
    type Variant = StrictVariant<A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), A::Error> {
        self.0
            .variant_seed(StrictSeed::new(seed))
            .map(|(value, variant)| (value, StrictVariant(variant)))
    }
}

/// Variant access whose contents are decoded strictly.
struct StrictVariant<A>(A);

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for StrictVariant<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        self.0.newtype_variant_seed(StrictSeed::new(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, StrictVisitor::new(visitor, Off))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0
            .struct_variant(fields, StrictVisitor::for_struct(visitor, Off))
    }
}

#[cfg(test)]
mod tests;
