//! Open enums: the Rust code for every enum component of a spec (the model's
//! [`EnumComponent`]s, whose rules are the model's).
//!
//! typify's enums reject values they do not list, but servers add values over time. For each
//! enum component the spec names, this module emits an enum with one variant per documented
//! value (named by `x-enum-varnames`, documented by `x-enum-descriptions`) and a final
//! `Unknown(String)` variant that keeps any other value verbatim. The generator is told to
//! use these types in place of its own (`with_replacement`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::EnumComponent;

/// The enum's definition and impls, to be placed in the generated `types` module.
pub fn tokens(open_enum: &EnumComponent) -> TokenStream {
    let name = format_ident!("{}", open_enum.name);
    let doc = &open_enum.description;
    let idents: Vec<_> = open_enum
        .varnames
        .iter()
        .map(|v| format_ident!("{}", v))
        .collect();
    let values = &open_enum.values;
    let variant_docs: Vec<String> = open_enum
        .values
        .iter()
        .zip(&open_enum.descriptions)
        .map(|(value, desc)| format!("`{value}`: {desc}"))
        .collect();
    let known = values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let schema_doc = format!("{doc} Known values: {known}; other values are kept as given.");
    let name_str = &open_enum.name;
    let feature = super::json_schema::FEATURE;
    quote! {
        #[doc = #doc]
        ///
        /// Values the spec does not list decode into `Unknown` instead of failing.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #idents,
            )*
            /// A value the spec does not list, kept as sent.
            Unknown(::std::string::String),
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_str()))
            }
        }

        impl #name {
            /// Every value the spec lists, in its order.
            pub const KNOWN: &'static [Self] = &[#(Self::#idents),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #values,)*
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#idents,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        #[cfg(feature = #feature)]
        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::string::String {
                #name_str.to_owned()
            }

            fn json_schema(_: &mut ::schemars::gen::SchemaGenerator) -> ::schemars::schema::Schema {
                ::schemars::schema::SchemaObject {
                    instance_type: Some(::schemars::schema::InstanceType::String.into()),
                    metadata: Some(Box::new(::schemars::schema::Metadata {
                        description: Some(#schema_doc.to_owned()),
                        ..Default::default()
                    })),
                    ..Default::default()
                }
                .into()
            }
        }
    }
}
