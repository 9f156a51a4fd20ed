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
//! - optional fields (`Option<Y>`): `T: helpdesk_client_runtime::OptionalValue<Y, Form>`, which takes
//!   anything convertible into `Y`, or an `Option` of it (skipped for `serde_json::Value`,
//!   which converts from `Option` itself, so both forms would apply);
//! - JSON-text fields (`JsonEncoded<Y>`, `Option<JsonEncoded<Y>>`): the same, with `Y`'s
//!   value wrapped by the setter.
//!
//! The operation builders' setters (progenitor's `builder` module) already take the inner
//! type of optional parameters and are left alone.
//!
//! Every builder field of those two kinds must have its setter rewritten: a setter of a shape
//! this module does not know fails generation instead of being left as typify wrote it.

use quote::{format_ident, ToTokens};

use super::ast::{self, expect_changes, first_type_argument, try_into_target};

/// Rewrites the setters of `types::builder` in `file`: one per builder field of a kind this
/// module handles (fails otherwise); returns how many were rewritten.
pub fn rewrite_body_setters(file: &mut syn::File) -> anyhow::Result<usize> {
    let builders = ast::module(ast::module(&mut file.items, "types")?, "builder")?;
    let (mut expected, mut rewritten) = (0, 0);
    for item in builders {
        match item {
            syn::Item::Struct(builder) => {
                expected += builder
                    .fields
                    .iter()
                    .filter_map(|field| unwrap_named(&field.ty, "Result"))
                    .filter(|ty| field_kind(ty).is_some())
                    .count();
            }
            syn::Item::Impl(block) => {
                for member in &mut block.items {
                    if let syn::ImplItem::Fn(setter) = member {
                        rewritten += usize::from(rewrite_setter(setter)?);
                    }
                }
            }
            _ => {}
        }
    }
    expect_changes("setters", rewritten, expected)?;
    Ok(rewritten)
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
    let Some(target) = try_into_target(&setter.sig, "T") else {
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
            syn::parse_quote! { T: ::helpdesk_client_runtime::OptionalValue<#inner, Form> },
            syn::parse_quote! { ::helpdesk_client_runtime::OptionalValue::into_optional(value) },
        ),
        FieldKind::JsonText(inner) => (
            syn::parse_quote! { T: ::std::convert::TryInto<#inner> },
            syn::parse_quote! {
                value.try_into().map(crate::JsonEncoded).map_err(|e| e.to_string())
            },
        ),
        FieldKind::OptionalJsonText(inner) => (
            syn::parse_quote! { T: ::helpdesk_client_runtime::OptionalValue<#inner, Form> },
            syn::parse_quote! {
                ::helpdesk_client_runtime::OptionalValue::into_optional(value)
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

/// `Some(Y)` if `ty` is a path type named `name` (its last segment) whose first argument is
/// `Y`: `Option<Y>`, `JsonEncoded<Y>`, `Result<Y, E>`.
fn unwrap_named(ty: &syn::Type, name: &str) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    (last.ident == name)
        .then(|| first_type_argument(last))
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

    /// A builder module with one struct of `fields` and an impl of `setters`.
    fn builder(fields: &str, setters: &str) -> syn::File {
        syn::parse_str(&format!(
            "pub mod types {{ pub mod builder {{ pub struct Body {{ {fields} }} impl Body {{ {setters} }} }} }}"
        ))
        .unwrap()
    }

    fn rewritten(field: &str, setter: &str) -> String {
        let mut file = builder(&format!("f: Result<{field}, String>"), setter);
        assert_eq!(rewrite_body_setters(&mut file).unwrap(), 1);
        file.to_token_stream().to_string()
    }

    #[test]
    fn optional_fields_take_the_inner_value() {
        let text = rewritten(
            "Option<String>",
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
                "T : :: helpdesk_client_runtime :: OptionalValue < :: std :: string :: String , Form >"
            ),
            "{text}"
        );
        assert!(text.contains("self . color = :: helpdesk_client_runtime :: OptionalValue :: into_optional (value) . map_err"), "{text}");
    }

    #[test]
    fn json_text_fields_take_the_value_to_encode() {
        let text = rewritten(
            "JsonEncoded<Values>",
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
        let mut file = builder(
            "name: Result<String, String>, extra: Result<Option<::serde_json::Value>, String>",
            r#"
                pub fn name<T>(mut self, value: T) -> Self
                where T: ::std::convert::TryInto<::std::string::String>, T::Error: ::std::fmt::Display,
                { self.name = value.try_into().map_err(|e| format!("{e}")); self }
                pub fn extra<T>(mut self, value: T) -> Self
                where T: ::std::convert::TryInto<::std::option::Option<::serde_json::Value>>, T::Error: ::std::fmt::Display,
                { self.extra = value.try_into().map_err(|e| format!("{e}")); self }
            "#,
        );
        assert_eq!(rewrite_body_setters(&mut file).unwrap(), 0);
    }

    #[test]
    fn a_setter_of_an_unknown_shape_fails_generation() {
        // typify changed how it writes setters: the optional field's setter is not rewritten.
        let mut file = builder(
            "color: Result<Option<String>, String>",
            "pub fn color(mut self, value: impl Into<Option<String>>) -> Self { self.color = Ok(value.into()); self }",
        );
        let error = rewrite_body_setters(&mut file).unwrap_err().to_string();
        assert!(error.contains("changed 0 places"), "{error}");
    }
}
