//! Each API's typed mocks (`crates/<api>-httpmock/src/generated.rs`): progenitor's httpmock
//! generator (`Generator::httpmock`) run with the client's own settings, so that a user's test
//! states expectations and responses with the client's types
//! (`server.get_tag(|when, then| { when.tagid("sh3j"); then.ok(&envelope); })`). Adjusted
//! where progenitor 0.15 does not know our specs:
//!
//! - a form body (`application/x-www-form-urlencoded`) is matched as the client sends it
//!   (progenitor matches every typed body as JSON);
//! - when the spec's server URL ends in a path variable that the client adds itself
//!   (Contiple's `/{serviceId}`), each path pattern accepts that one leading segment.
//!
//! The hand-written operations (Contiple's multipart upload) have no generated mock.

use std::collections::BTreeSet;

use anyhow::Context;
use heck::ToUpperCamelCase;
use progenitor::Generator;
use quote::{format_ident, ToTokens};
use syn::visit_mut::VisitMut;

use super::ast::{self, expect_changes};
use super::client::Rendered;
use crate::model::Spec;

/// Rewrites `json_body_obj(value)` into a match of the form-encoded body.
struct FormBody(usize);

impl VisitMut for FormBody {
    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        syn::visit_mut::visit_expr_method_call_mut(self, call);
        if call.method == "json_body_obj" {
            let value = call.args.first().cloned();
            call.method = format_ident!("body");
            call.args = syn::parse_quote! {
                ::serde_urlencoded::to_string(#value).expect("the form body serialises")
            };
            self.0 += 1;
        }
    }
}

/// Lets every anchored path pattern (`^/…`) start with one more segment.
struct PathPrefix(usize);

impl PathPrefix {
    fn prefixed(&mut self, lit: &syn::LitStr) -> Option<syn::LitStr> {
        let rest = lit.value().strip_prefix("^/")?.to_owned();
        self.0 += 1;
        Some(syn::LitStr::new(&format!("^/[^/]+/{rest}"), lit.span()))
    }

    /// The same inside macro invocations (`format!("^/…{}…$", value)`).
    fn rewrite(&mut self, tokens: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
        tokens
            .into_iter()
            .map(|tree| match tree {
                proc_macro2::TokenTree::Literal(literal) => {
                    let parsed = syn::parse2::<syn::LitStr>(literal.to_token_stream());
                    match parsed.ok().and_then(|lit| self.prefixed(&lit)) {
                        Some(lit) => proc_macro2::TokenTree::Literal(lit.token()),
                        None => proc_macro2::TokenTree::Literal(literal),
                    }
                }
                proc_macro2::TokenTree::Group(group) => {
                    let mut rewritten =
                        proc_macro2::Group::new(group.delimiter(), self.rewrite(group.stream()));
                    rewritten.set_span(group.span());
                    proc_macro2::TokenTree::Group(rewritten)
                }
                other => other,
            })
            .collect()
    }
}

impl VisitMut for PathPrefix {
    fn visit_lit_str_mut(&mut self, lit: &mut syn::LitStr) {
        if let Some(prefixed) = self.prefixed(lit) {
            *lit = prefixed;
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        mac.tokens = self.rewrite(mac.tokens.clone());
    }
}

/// Whether the client adds the last segment of the spec's server URL itself: it is a
/// variable (Contiple's `/{serviceId}`).
fn client_adds_segment(spec: &Spec) -> bool {
    spec.raw["servers"][0]["url"]
        .as_str()
        .and_then(|url| url.rsplit('/').next())
        .is_some_and(|last| last.starts_with('{') && last.ends_with('}'))
}

/// Generates one API's httpmock module.
pub fn render(spec: &Spec, rendered: &Rendered) -> anyhow::Result<String> {
    let api = &spec.api;
    let name = api.name();
    let mut generator = Generator::new(&rendered.settings);
    let tokens = generator
        .httpmock(&rendered.openapi, name)
        .with_context(|| format!("generating the mocks of {}", api.spec_relative()))?;
    let mut file: syn::File = syn::parse2(tokens).context("parsing progenitor's mocks")?;

    let forms: BTreeSet<String> = spec
        .operations
        .iter()
        .filter(|op| op.form_body && op.hand_written.is_none())
        .map(|op| format!("{}When", op.id.to_upper_camel_case()))
        .collect();
    let mut rewritten = 0;
    for item in ast::module(&mut file.items, "operations")? {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let is_form = matches!(&*block.self_ty, syn::Type::Path(p)
            if p.path.get_ident().is_some_and(|i| forms.contains(&i.to_string())));
        if is_form {
            let mut visitor = FormBody(0);
            visitor.visit_item_impl_mut(block);
            expect_changes("httpmock form body", visitor.0, 1)?;
            rewritten += 1;
        }
    }
    expect_changes("httpmock form bodies", rewritten, forms.len())?;
    if client_adds_segment(spec) {
        let mut prefix = PathPrefix(0);
        prefix.visit_file_mut(&mut file);
        // One pattern per operation, and one per path parameter's matcher.
        let patterns = spec
            .operations
            .iter()
            .filter(|op| op.hand_written.is_none())
            .map(|op| {
                1 + op
                    .parameters
                    .iter()
                    .filter(|p| p.location == "path")
                    .count()
            })
            .sum();
        expect_changes("httpmock path prefix", prefix.0, patterns)?;
    }

    let intro = format!(
        "//! Typed `httpmock` mocks of `{name}`, generated by `cargo xtask generate` from {spec}\n\
         //! with progenitor's httpmock generator (adjustments: xtask/src/generate/httpmock.rs).\n",
        spec = api.spec_relative()
    );
    let header = ast::header(spec, &intro, "has no generated mock");
    Ok(header + &prettyplease::unparse(&file))
}
