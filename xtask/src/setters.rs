//! Post-processing of typify's output: the setters of the generated body builders
//! (`types::builder::*`, what `body_map(|b| …)` hands the caller) take the values callers
//! have.
//!
//! Why: typify writes every setter as `fn field<T>(self, value: T) where T: TryInto<X>`, with
//! `X` the field's type. For an optional field `X` is `Option<Y>`, so `.color("FFFFFF")` does
//! not compile (`Option<String>: From<&str>` does not exist; one conversion is all `TryInto`
//! does), and for a field sent as JSON text `X` is `JsonEncoded<Y>`, so callers wrap the
//! value themselves. typify and progenitor have no setting for either, so this module
//! rewrites those two kinds of setter, and only those:
//!
//! - optional fields (`Option<Y>`): `T: client_runtime::OptionalValue<Y, Form>`, which takes
//!   anything convertible into `Y`, or an `Option` of it (skipped for `serde_json::Value`,
//!   which converts from `Option` itself, so both forms would apply);
//! - JSON-text fields (`JsonEncoded<Y>`, `Option<JsonEncoded<Y>>`): the same, with `Y`'s
//!   value wrapped by the setter.
//!
//! The operation builders' setters (progenitor's `builder` module) already take the inner
//! type of optional parameters and are left alone.

use quote::{format_ident, ToTokens};

/// Rewrites the setters of `types::builder` in `file`; returns how many were rewritten.
pub fn rewrite_body_setters(file: &mut syn::File) -> anyhow::Result<usize> {
    let types = find_module(&mut file.items, "types")
        .ok_or_else(|| anyhow::anyhow!("progenitor's output has no `types` module"))?;
    let builders = find_module(types, "builder")
        .ok_or_else(|| anyhow::anyhow!("typify's output has no `types::builder` module"))?;
    let mut rewritten = 0;
    for item in builders {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        for member in &mut block.items {
            if let syn::ImplItem::Fn(setter) = member {
                rewritten += usize::from(rewrite_setter(setter)?);
            }
        }
    }
    Ok(rewritten)
}

/// The items of the inline module `name` among `items`.
fn find_module<'a>(items: &'a mut [syn::Item], name: &str) -> Option<&'a mut Vec<syn::Item>> {
    items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// What a setter's field holds, as far as the rewrite cares.
enum FieldKind {
    /// `Option<Y>`.
    Optional(syn::Type),
    /// `JsonEncoded<Y>`.
    JsonText(syn::Type),
    /// `Option<JsonEncoded<Y>>`.
    OptionalJsonText(syn::Type),
}

/// Rewrites one setter if its field is of a kind this module handles.
fn rewrite_setter(setter: &mut syn::ImplItemFn) -> anyhow::Result<bool> {
    let Some(target) = try_into_target(&setter.sig) else {
        return Ok(false);
    };
    let Some(kind) = field_kind(&target) else {
        return Ok(false);
    };
    let field = assigned_field(setter).ok_or_else(|| {
        anyhow::anyhow!(
            "setter `{}` does not start with `self.<field> = …`",
            setter.sig.ident
        )
    })?;
    let message = format!("error converting supplied value for {field}: {{e}}");
    let (bound, value): (syn::WherePredicate, syn::Expr) = match kind {
        FieldKind::Optional(inner) => (
            syn::parse_quote! { T: ::client_runtime::OptionalValue<#inner, Form> },
            syn::parse_quote! { ::client_runtime::OptionalValue::into_optional(value) },
        ),
        FieldKind::JsonText(inner) => (
            syn::parse_quote! { T: ::std::convert::TryInto<#inner> },
            syn::parse_quote! {
                value.try_into().map(crate::JsonEncoded).map_err(|e| e.to_string())
            },
        ),
        FieldKind::OptionalJsonText(inner) => (
            syn::parse_quote! { T: ::client_runtime::OptionalValue<#inner, Form> },
            syn::parse_quote! {
                ::client_runtime::OptionalValue::into_optional(value)
                    .map(|value| value.map(crate::JsonEncoded))
            },
        ),
    };
    let uses_form = bound.to_token_stream().to_string().contains("Form");
    if uses_form {
        setter.sig.generics.params.push(syn::parse_quote! { Form });
    }
    let clause = setter.sig.generics.make_where_clause();
    clause.predicates.clear();
    clause.predicates.push(bound);
    if !uses_form {
        clause
            .predicates
            .push(syn::parse_quote! { T::Error: ::std::fmt::Display });
    }
    let field = format_ident!("{}", field);
    setter.block = syn::parse_quote! {{
        self.#field = #value.map_err(|e| format!(#message));
        self
    }};
    Ok(true)
}

/// `X` of the setter's `T: TryInto<X>` bound.
fn try_into_target(sig: &syn::Signature) -> Option<syn::Type> {
    sig.generics
        .where_clause
        .as_ref()?
        .predicates
        .iter()
        .find_map(|predicate| {
            let syn::WherePredicate::Type(predicate) = predicate else {
                return None;
            };
            if !matches!(&predicate.bounded_ty, syn::Type::Path(p) if p.path.is_ident("T")) {
                return None;
            }
            predicate.bounds.iter().find_map(|bound| {
                let syn::TypeParamBound::Trait(bound) = bound else {
                    return None;
                };
                let last = bound.path.segments.last()?;
                (last.ident == "TryInto")
                    .then(|| single_type_argument(last))
                    .flatten()
            })
        })
}

/// The one type argument of `Name<Arg>`.
fn single_type_argument(segment: &syn::PathSegment) -> Option<syn::Type> {
    let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(ty) if args.args.len() == 1 => Some(ty.clone()),
        _ => None,
    }
}

/// `Some(Y)` if `ty` is a path type named `name` (its last segment) with one argument `Y`.
fn unwrap_named(ty: &syn::Type, name: &str) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    (last.ident == name)
        .then(|| single_type_argument(last))
        .flatten()
}

/// Which kind of field a setter's target type is, if one this module rewrites.
fn field_kind(target: &syn::Type) -> Option<FieldKind> {
    if let Some(inner) = unwrap_named(target, "JsonEncoded") {
        return Some(FieldKind::JsonText(inner));
    }
    let inner = unwrap_named(target, "Option")?;
    if let Some(json) = unwrap_named(&inner, "JsonEncoded") {
        return Some(FieldKind::OptionalJsonText(json));
    }
    let text = inner.to_token_stream().to_string();
    if text.contains("serde_json") {
        return None;
    }
    Some(FieldKind::Optional(inner))
}

/// The field a typify setter assigns: `self.<field> = …` as its first statement.
fn assigned_field(setter: &syn::ImplItemFn) -> Option<String> {
    let syn::Stmt::Expr(syn::Expr::Assign(assign), _) = setter.block.stmts.first()? else {
        return None;
    };
    let syn::Expr::Field(field) = &*assign.left else {
        return None;
    };
    match &field.member {
        syn::Member::Named(ident) => Some(ident.to_string()),
        syn::Member::Unnamed(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::rewrite_body_setters;

    fn rewritten(setter: &str) -> String {
        let mut file: syn::File = syn::parse_str(&format!(
            "pub mod types {{ pub mod builder {{ impl Body {{ {setter} }} }} }}"
        ))
        .unwrap();
        assert_eq!(rewrite_body_setters(&mut file).unwrap(), 1);
        file.to_token_stream().to_string()
    }

    #[test]
    fn optional_fields_take_the_inner_value() {
        let text = rewritten(
            r#"pub fn color<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.color = value.try_into().map_err(|e| format!("error converting supplied value for color: {e}"));
                self
            }"#,
        );
        assert!(text.contains("pub fn color < T , Form >"), "{text}");
        assert!(
            text.contains(
                "T : :: client_runtime :: OptionalValue < :: std :: string :: String , Form >"
            ),
            "{text}"
        );
        assert!(text.contains("self . color = :: client_runtime :: OptionalValue :: into_optional (value) . map_err"), "{text}");
    }

    #[test]
    fn json_text_fields_take_the_value_to_encode() {
        let text = rewritten(
            r#"pub fn customfields<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<crate::JsonEncoded<crate::types::CustomFieldValues>>,
                T::Error: ::std::fmt::Display,
            {
                self.customfields = value.try_into().map_err(|e| format!("error converting supplied value for customfields: {e}"));
                self
            }"#,
        );
        assert!(
            text.contains(
                "T : :: std :: convert :: TryInto < crate :: types :: CustomFieldValues >"
            ),
            "{text}"
        );
        assert!(text.contains("map (crate :: JsonEncoded)"), "{text}");
    }

    #[test]
    fn other_setters_are_left_alone() {
        let mut file: syn::File = syn::parse_str(
            r#"pub mod types { pub mod builder { impl Body {
                pub fn name<T>(mut self, value: T) -> Self
                where T: ::std::convert::TryInto<::std::string::String>, T::Error: ::std::fmt::Display,
                { self.name = value.try_into().map_err(|e| format!("{e}")); self }
                pub fn extra<T>(mut self, value: T) -> Self
                where T: ::std::convert::TryInto<::std::option::Option<::serde_json::Value>>, T::Error: ::std::fmt::Display,
                { self.extra = value.try_into().map_err(|e| format!("{e}")); self }
            } } }"#,
        )
        .unwrap();
        assert_eq!(rewrite_body_setters(&mut file).unwrap(), 0);
    }
}
