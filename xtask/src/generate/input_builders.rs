//! Post-processing of typify's output: struct builders only for the types a caller builds.
//!
//! Why: progenitor's builder interface turns on typify's struct builders for every type
//! (`TypeSpaceSettings::with_struct_builder`, all or nothing), so every response type gets a
//! `types::builder::X` with its setters, `Default`, `TryFrom` and `From` impls and an
//! `X::builder()`, although callers only read responses: about half of a client's generated
//! lines, paid for at every compile. Neither typify 0.8 nor progenitor 0.15 can choose per type,
//! so this pass removes the builders of every type that is not request input.
//!
//! Request input is what a caller hands an operation: the bodies whose builders progenitor's
//! operation builders hold (`Result<types::builder::X, String>`, what `body_map(|b| …)` gives
//! the caller), and every struct reachable from their fields (a caller builds a nested value
//! too, e.g. a ticket's end user). Response types keep their derives, docs and fields; a test
//! still builds one from JSON.
//!
//! The pass is counted: it removes exactly the builders of the types outside that set (five
//! items each in `types::builder`, one `builder()` impl in `types`), and fails generation
//! when the output has another shape.

use std::collections::BTreeSet;

use quote::ToTokens;
use syn::visit_mut::VisitMut;

use super::ast::{self, expect_changes};

/// What the pass did.
#[derive(Debug)]
pub struct Kept {
    /// Types that keep their builder (request input).
    pub kept: BTreeSet<String>,
    /// Types whose builder was removed.
    pub removed: BTreeSet<String>,
}

/// Every identifier in a piece of syntax (the last segments of paths among them).
#[derive(Default)]
struct Idents(BTreeSet<String>);

impl VisitMut for Idents {
    fn visit_ident_mut(&mut self, ident: &mut syn::Ident) {
        self.0.insert(ident.to_string());
    }
}

/// The `X` of every `types::builder::X` in the operation builders (the body builders).
fn body_builders(items: &mut [syn::Item]) -> BTreeSet<String> {
    struct Bodies(BTreeSet<String>);
    impl VisitMut for Bodies {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            if let [.., types, builder, name] = names.as_slice() {
                if types == "types" && builder == "builder" {
                    self.0.insert(name.clone());
                }
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
    }
    let mut bodies = Bodies(BTreeSet::new());
    for item in items {
        if matches!(item, syn::Item::Mod(m) if m.ident == "builder") {
            bodies.visit_item_mut(item);
        }
    }
    bodies.0
}

/// The type an `impl` block is for, by its last path segment (`super::X` → `X`).
fn self_type(block: &syn::ItemImpl) -> Option<String> {
    match &*block.self_ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The first type argument's last segment of an impl's trait (`TryFrom<X>` → `X`).
fn trait_argument(block: &syn::ItemImpl) -> Option<String> {
    let (_, path, _) = block.trait_.as_ref()?;
    match ast::first_type_argument(path.segments.last()?)? {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Whether an inherent impl is typify's `impl X { pub fn builder() -> builder::X }` alone.
fn is_builder_constructor(block: &syn::ItemImpl) -> bool {
    block.trait_.is_none()
        && block.items.len() == 1
        && matches!(&block.items[0], syn::ImplItem::Fn(f) if f.sig.ident == "builder")
}

/// Removes the builders of the types that are not request input; fails unless it removed
/// exactly five items per such type in `types::builder` and one constructor in `types`.
pub fn keep_input_builders(file: &mut syn::File) -> anyhow::Result<Kept> {
    let roots = body_builders(&mut file.items);
    let types = ast::module(&mut file.items, "types")?;
    let structs: Vec<(String, Idents)> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => {
                let mut idents = Idents::default();
                idents.visit_fields_mut(&mut s.fields.clone());
                Some((s.ident.to_string(), idents))
            }
            _ => None,
        })
        .collect();
    // Request input: the bodies, then every struct their fields name, to a fixed point.
    let mut kept = roots.clone();
    loop {
        let before = kept.len();
        for (name, idents) in &structs {
            if kept.contains(name) {
                let named: Vec<String> = structs
                    .iter()
                    .filter(|(other, _)| idents.0.contains(other))
                    .map(|(other, _)| other.clone())
                    .collect();
                kept.extend(named);
            }
        }
        if kept.len() == before {
            break;
        }
    }
    let builders = ast::module(types, "builder")?;
    let with_builder: BTreeSet<String> = builders
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    anyhow::ensure!(
        roots.is_subset(&with_builder),
        "body builders without a typify builder: {:?}",
        roots.difference(&with_builder).collect::<Vec<_>>()
    );
    let removed: BTreeSet<String> = with_builder.difference(&kept).cloned().collect();
    let drop_builder_item = |item: &syn::Item| -> bool {
        match item {
            syn::Item::Struct(s) => removed.contains(&s.ident.to_string()),
            // `impl Default for X`, `impl X`, `impl From<super::X> for X` (self type X), and
            // `impl TryFrom<X> for super::X` (self type `super::X`, trait argument X).
            syn::Item::Impl(block) => {
                self_type(block).is_some_and(|name| removed.contains(&name))
                    || trait_argument(block).is_some_and(|name| removed.contains(&name))
            }
            _ => false,
        }
    };
    let before = builders.len();
    builders.retain(|item| !drop_builder_item(item));
    let dropped_in_builder = before - builders.len();
    let before = types.len();
    types.retain(|item| match item {
        syn::Item::Impl(block) => {
            !(is_builder_constructor(block)
                && self_type(block).is_some_and(|name| removed.contains(&name)))
        }
        _ => true,
    });
    let dropped_constructors = before - types.len();
    expect_changes("input-builders", dropped_in_builder, removed.len() * 5)?;
    expect_changes("input-builders", dropped_constructors, removed.len())?;
    // What is left in `types::builder` names only kept types.
    for item in ast::module(ast::module(&mut file.items, "types")?, "builder")? {
        if let syn::Item::Struct(s) = item {
            anyhow::ensure!(
                kept.contains(&s.ident.to_string()),
                "builder {} left behind",
                s.ident.to_token_stream()
            );
        }
    }
    Ok(Kept {
        kept: with_builder.intersection(&kept).cloned().collect(),
        removed,
    })
}
