//! Post-processing of typify's output: `schemars::JsonSchema` only under the crate's
//! `json-schema` feature.
//!
//! Why: the command lines need a JSON Schema of every payload (progenitor's CLI bounds its
//! output on `schemars::JsonSchema`), a library user does not. progenitor's
//! `GenerationSettings::with_derive` adds a derive to every type unconditionally, so this pass
//! moves `schemars::JsonSchema` out of each derive list of `types` into
//! `#[cfg_attr(feature = "json-schema", derive(schemars::JsonSchema))]`: without the feature,
//! schemars is not compiled at all.
//!
//! The pass is counted: every struct and enum typify wrote (each derives serde's traits) must
//! carry the derive, and each one is moved.

use syn::punctuated::Punctuated;

use super::ast::{self, expect_changes};

/// The cargo feature that turns the derives on (in every API crate's Cargo.toml).
pub const FEATURE: &str = "json-schema";

/// Whether a derive path is `schemars::JsonSchema`.
fn is_json_schema(path: &syn::Path) -> bool {
    let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    names == ["schemars", "JsonSchema"]
}

/// Moves the derive of one item's attributes under the feature; whether it did.
fn move_derive(attrs: &mut Vec<syn::Attribute>) -> anyhow::Result<bool> {
    let mut moved = false;
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let paths =
            attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)?;
        if !paths.iter().any(is_json_schema) {
            continue;
        }
        let kept: Vec<&syn::Path> = paths.iter().filter(|p| !is_json_schema(p)).collect();
        *attr = syn::parse_quote! { #[derive(#(#kept),*)] };
        moved = true;
    }
    if moved {
        attrs.push(syn::parse_quote! {
            #[cfg_attr(feature = #FEATURE, derive(schemars::JsonSchema))]
        });
    }
    Ok(moved)
}

/// Whether an item derives serde's traits (every type typify writes does).
fn derives_serde(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("derive")
            && attr
                .parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                .is_ok_and(|paths| {
                    paths.iter().any(|p| {
                        p.segments
                            .last()
                            .is_some_and(|s| s.ident == "Serialize" || s.ident == "Deserialize")
                    })
                })
    })
}

/// Moves every `schemars::JsonSchema` derive of `types` under [`FEATURE`]; returns how many.
pub fn gate_derives(file: &mut syn::File) -> anyhow::Result<usize> {
    let types = ast::module(&mut file.items, "types")?;
    let (mut expected, mut moved) = (0, 0);
    for item in types.iter_mut() {
        let attrs = match item {
            syn::Item::Struct(s) => &mut s.attrs,
            syn::Item::Enum(e) => &mut e.attrs,
            _ => continue,
        };
        expected += usize::from(derives_serde(attrs));
        moved += usize::from(move_derive(attrs)?);
    }
    expect_changes("json-schema", moved, expected)?;
    Ok(moved)
}
