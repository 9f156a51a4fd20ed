//! [`OptionalValue`]: what the setters of optional fields in the generated body builders
//! accept.
//!
//! typify's setter of an optional field takes `T: TryInto<Option<X>>`, so `.color("FFFFFF")`
//! does not compile (`Option<String>: From<&str>` does not exist) and callers write
//! `.color("FFFFFF".to_string())` or `.color(Some(...))`. `cargo xtask generate` rewrites those
//! setters to take `T: OptionalValue<X, Form>` instead (see `xtask/src/setters.rs`): anything
//! that converts into `X` (`"FFFFFF"`, `5`, `["a", "b"]`), or an `Option` of it. The `Form`
//! marker only keeps the two impls apart; it is always inferred.
//!
//! A bare `None` needs its type: `.color(None::<String>)`. The field is `None` until set, so
//! that is only needed to reset it.

use std::fmt::Display;

/// A value for a setter of an optional `X` field: an `X` (or anything that converts into it),
/// or an `Option` of one.
pub trait OptionalValue<X, Form> {
    /// The field's value, or why the conversion failed.
    fn into_optional(self) -> Result<Option<X>, String>;
}

/// [`OptionalValue`] form of a value given as it is: `.color("FFFFFF")`.
#[derive(Debug)]
pub enum Given {}

/// [`OptionalValue`] form of a value given as an `Option`: `.color(Some("FFFFFF"))`, or an
/// `Option<String>` the caller already holds.
#[derive(Debug)]
pub enum MaybeGiven {}

impl<X, V> OptionalValue<X, Given> for V
where
    V: TryInto<X>,
    V::Error: Display,
{
    fn into_optional(self) -> Result<Option<X>, String> {
        self.try_into().map(Some).map_err(|err| err.to_string())
    }
}

impl<X, V> OptionalValue<X, MaybeGiven> for Option<V>
where
    V: TryInto<X>,
    V::Error: Display,
{
    fn into_optional(self) -> Result<Option<X>, String> {
        self.map(|value| value.try_into().map_err(|err| err.to_string()))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::OptionalValue;
    use crate::CommaList;

    /// Stands for a rewritten setter of an optional field.
    fn set<X, Form>(value: impl OptionalValue<X, Form>) -> Result<Option<X>, String> {
        value.into_optional()
    }

    #[test]
    fn values_options_and_conversions() {
        assert_eq!(set::<String, _>("FFFFFF"), Ok(Some("FFFFFF".to_owned())));
        assert_eq!(
            set::<String, _>("FFFFFF".to_owned()),
            Ok(Some("FFFFFF".to_owned()))
        );
        assert_eq!(
            set::<String, _>(Some("FFFFFF")),
            Ok(Some("FFFFFF".to_owned()))
        );
        assert_eq!(set::<String, _>(None::<&str>), Ok(None));
        let held: Option<String> = None;
        assert_eq!(set::<String, _>(held), Ok(None));
        assert_eq!(set::<i64, _>(5), Ok(Some(5)));
        assert_eq!(set::<u8, _>(300i64).map_err(|e| !e.is_empty()), Err(true));
        assert_eq!(
            set::<CommaList<String>, _>(["a", "b"])
                .unwrap()
                .unwrap()
                .to_string(),
            "a,b"
        );
        assert_eq!(
            set::<CommaList<String>, _>("a,b").unwrap().unwrap().len(),
            2
        );
    }
}
