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

use std::cell::Cell;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Unexpected,
    VariantAccess, Visitor,
};

use crate::exec::Marker;

/// A deserializer under which structs decode only from maps (JSON objects).
pub(crate) struct Strict<'t, D> {
    de: D,
    tap: Tap<'t>,
}

impl<D> Strict<'static, D> {
    /// `de`, strict.
    pub(crate) fn new(de: D) -> Self {
        Strict { de, tap: Tap::Off }
    }
}

impl<'t, D> Strict<'t, D> {
    /// `de`, strict, recording into `found` the first scalar met at `path` (object members
    /// from the top level); an object or array there is [`Marker::Composite`].
    pub(crate) fn tapped(
        de: D,
        path: &'static [&'static str],
        found: &'t Cell<Option<Marker>>,
    ) -> Self {
        Strict {
            de,
            tap: Tap::Path(path, found),
        }
    }
}

/// What the value being decoded is to the tap.
#[derive(Clone, Copy)]
enum Tap<'t> {
    /// Not on the tapped path.
    Off,
    /// On the path, with the members still to descend (none: the tapped value itself).
    Path(&'static [&'static str], &'t Cell<Option<Marker>>),
    /// An object key on the path's level: sets the flag to whether it is the wanted name.
    Key(&'static str, &'t Cell<bool>),
}

impl Tap<'_> {
    /// Records `marker` if this is the tapped value and nothing was recorded yet.
    fn record(self, marker: impl FnOnce() -> Marker) {
        if let Tap::Path([], found) = self {
            let first = found.take().unwrap_or_else(marker);
            found.set(Some(first));
        }
    }

    /// Notes an object key.
    fn key(self, key: &str) {
        if let Tap::Key(wanted, matched) = self {
            matched.set(key == wanted);
        }
    }
}

/// Forwards `deserialize_*` methods that take only a visitor.
macro_rules! forward {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.de.$method(StrictVisitor::new(visitor, self.tap))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Strict<'_, D> {
    type Error = D::Error;

    forward! {
        deserialize_any deserialize_bool
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_char deserialize_str deserialize_string
        deserialize_bytes deserialize_byte_buf deserialize_option deserialize_unit
        deserialize_seq deserialize_map deserialize_identifier
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        match self.tap {
            // serde_json skips an ignored value without showing it to the visitor: a value on
            // the tapped path is read, so that the tap sees it even when the type skips it.
            Tap::Path(..) => self
                .de
                .deserialize_any(StrictVisitor::new(visitor, self.tap)),
            _ => self
                .de
                .deserialize_ignored_any(StrictVisitor::new(visitor, self.tap)),
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
            .deserialize_enum(name, variants, StrictVisitor::new(visitor, self.tap))
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// A visitor that keeps what it visits strict; for a struct it also refuses sequences.
struct StrictVisitor<'t, V> {
    inner: V,
    refuse_sequences: bool,
    tap: Tap<'t>,
}

impl<'t, V> StrictVisitor<'t, V> {
    fn new(inner: V, tap: Tap<'t>) -> Self {
        Self {
            inner,
            refuse_sequences: false,
            tap,
        }
    }

    fn for_struct(inner: V, tap: Tap<'t>) -> Self {
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

impl<'de, V: Visitor<'de>> Visitor<'de> for StrictVisitor<'_, V> {
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
        let (path, found) = match self.tap {
            Tap::Path([wanted, rest @ ..], found) => (Some((*wanted, rest)), Some(found)),
            _ => (None, None),
        };
        self.inner.visit_map(StrictMap {
            map,
            path,
            found,
            matched: Cell::new(false),
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_enum(StrictEnum(data))
    }
}

/// A seed whose value is decoded strictly.
struct StrictSeed<'t, S> {
    seed: S,
    tap: Tap<'t>,
}

impl<S> StrictSeed<'static, S> {
    fn new(seed: S) -> Self {
        StrictSeed {
            seed,
            tap: Tap::Off,
        }
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for StrictSeed<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(Strict {
            de: deserializer,
            tap: self.tap,
        })
    }
}

/// Sequence access whose elements are decoded strictly.
struct StrictSeq<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for StrictSeq<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(StrictSeed::new(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// Map access whose keys and values are decoded strictly; on the tapped path, it follows the
/// member named next on the path.
struct StrictMap<'t, A> {
    map: A,
    /// The member wanted here and the path below it, when this object is on the path.
    path: Option<(&'static str, &'static [&'static str])>,
    found: Option<&'t Cell<Option<Marker>>>,
    /// Whether the last key read is the wanted member.
    matched: Cell<bool>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for StrictMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let tap = match self.path {
            Some((wanted, _)) => Tap::Key(wanted, &self.matched),
            None => Tap::Off,
        };
        self.map.next_key_seed(StrictSeed { seed, tap })
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        let tap = match (self.path, self.found) {
            (Some((_, rest)), Some(found)) if self.matched.replace(false) => Tap::Path(rest, found),
            _ => Tap::Off,
        };
        self.map.next_value_seed(StrictSeed { seed, tap })
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

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
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

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(StrictSeed::new(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0
            .tuple_variant(len, StrictVisitor::new(visitor, Tap::Off))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0
            .struct_variant(fields, StrictVisitor::for_struct(visitor, Tap::Off))
    }
}
