//! Puts the generated `schemars::JsonSchema` derives and impls behind the API crates'
//! `schemars` feature.
//!
//! progenitor (through typify) adds every `with_derive` trait to every generated type
//! unconditionally and has no way to emit `cfg_attr`; yet JSON Schemas are only needed by the
//! CLIs (progenitor's CLI bounds its output types by `JsonSchema`) and by users who ask for
//! them, while deriving them for every type costs a tenth of a clean build of a user's crate
//! (see `cargo xtask bench --peer`). So after generation this pass rewrites the syntax tree:
//! `JsonSchema` leaves each `#[derive(...)]` for a
//! `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]`, and each
//! `impl JsonSchema for ...` (the open enums', [`crate::enums`]) gets
//! `#[cfg(feature = "schemars")]`.

use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;

/// Gates every `JsonSchema` derive and impl of the file on the `schemars` feature; returns how
/// many were gated.
pub fn gate_schemars(file: &mut syn::File) -> usize {
    let mut gate = Gate { count: 0 };
    gate.visit_file_mut(file);
    gate.count
}

struct Gate {
    count: usize,
}

fn is_json_schema(path: &syn::Path) -> bool {
    path.segments
        .last()
        .is_some_and(|segment| segment.ident == "JsonSchema")
}

impl Gate {
    /// Moves `JsonSchema` out of the item's `#[derive(...)]` attributes into a `cfg_attr`.
    fn derives(&mut self, attrs: &mut Vec<syn::Attribute>) {
        let mut gated = false;
        attrs.retain_mut(|attr| {
            if !attr.path().is_ident("derive") {
                return true;
            }
            let Ok(paths) =
                attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            else {
                return true;
            };
            if !paths.iter().any(is_json_schema) {
                return true;
            }
            gated = true;
            let kept: Vec<&syn::Path> = paths.iter().filter(|p| !is_json_schema(p)).collect();
            if kept.is_empty() {
                return false;
            }
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
            true
        });
        if gated {
            self.count += 1;
            attrs.push(syn::parse_quote!(
                #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
            ));
        }
    }
}

impl VisitMut for Gate {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        self.derives(&mut item.attrs);
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        self.derives(&mut item.attrs);
    }

    fn visit_item_union_mut(&mut self, item: &mut syn::ItemUnion) {
        self.derives(&mut item.attrs);
    }

    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        if item
            .trait_
            .as_ref()
            .is_some_and(|(_, path, _)| is_json_schema(path))
        {
            self.count += 1;
            item.attrs
                .push(syn::parse_quote!(#[cfg(feature = "schemars")]));
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::gate_schemars;

    #[test]
    fn derives_and_impls_move_behind_the_feature() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod types {
                #[derive(Clone, Debug, schemars::JsonSchema, PartialEq)]
                #[serde(deny_unknown_fields)]
                pub struct A { pub x: i64 }
                #[derive(::schemars::JsonSchema)]
                pub enum B { X }
                #[derive(Clone)]
                pub struct C;
                impl ::schemars::JsonSchema for B {
                    fn schema_name() -> String { String::new() }
                    fn json_schema(_: &mut ::schemars::gen::SchemaGenerator) -> ::schemars::schema::Schema {
                        unimplemented!()
                    }
                }
            }
        })
        .unwrap();
        assert_eq!(gate_schemars(&mut file), 3);
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("#[derive(Clone, Debug, PartialEq)]\n    #[serde(deny_unknown_fields)]\n    #[cfg_attr(feature = \"schemars\", derive(schemars::JsonSchema))]\n    pub struct A"),
            "{text}"
        );
        assert!(
            text.contains("    #[cfg_attr(feature = \"schemars\", derive(schemars::JsonSchema))]\n    pub enum B"),
            "{text}"
        );
        assert!(
            text.contains("#[derive(Clone)]\n    pub struct C;"),
            "{text}"
        );
        assert!(
            text.contains("#[cfg(feature = \"schemars\")]\n    impl ::schemars::JsonSchema for B"),
            "{text}"
        );
        assert!(!text.contains("derive(::schemars"), "{text}");
    }
}
