//! The client pass: progenitor's client `crates/<api>/src/generated.rs` from the spec model.
//!
//! progenitor reads the spec as openapiv3 parsed it, without the operations the API's
//! settings name as hand-written. What progenitor does not know comes from the model: enum
//! components become open enums (see [`super::enums`]), components with one of the API's
//! custom formats are replaced by the crate's hand-written types (absolute paths,
//! `::<api>::…`, through the crate's `extern crate self as <api>;`), the success bodies are
//! decoded strictly (see [`super::strict_decoding`]), the body builders' setters take plain
//! values (see [`super::setters`]), paginated operations get streams (see
//! [`super::pagination`]), and the per-API glue is appended: the `Envelope` and `ErrorBody`
//! impls, the `ClientHooks` and `ApiClient` impls, and the lists of secured and raw-body
//! operations, taken from the `OperationInfo` literals progenitor generated.

use std::collections::BTreeSet;

use anyhow::Context;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use quote::format_ident;
use syn::visit_mut::VisitMut;

use super::ast::{self, expect_changes};
use crate::model::Spec;

/// One API's generated client.
pub struct Rendered {
    /// The complete text of `generated.rs`.
    pub text: String,
    /// The file as generated, before formatting.
    pub file: syn::File,
    /// The generator settings, for the CLI and mocks generated from the same spec.
    pub settings: GenerationSettings,
    /// The spec as progenitor read it (hand-written operations removed).
    pub openapi: openapiv3::OpenAPI,
}

/// The spec as progenitor reads it: without the operations the crate writes by hand.
fn progenitor_input(spec: &Spec) -> anyhow::Result<openapiv3::OpenAPI> {
    let mut openapi = spec.openapi.clone();
    for op in spec
        .operations
        .iter()
        .filter(|op| op.hand_written.is_some())
    {
        let Some(openapiv3::ReferenceOr::Item(item)) = openapi.paths.paths.get_mut(&op.path) else {
            anyhow::bail!("{}: no path item {}", op.id, op.path);
        };
        let slot = match op.method.as_str() {
            "get" => &mut item.get,
            "put" => &mut item.put,
            "post" => &mut item.post,
            "delete" => &mut item.delete,
            "options" => &mut item.options,
            "head" => &mut item.head,
            "patch" => &mut item.patch,
            _ => &mut item.trace,
        };
        *slot = None;
        if item.iter().next().is_none() {
            openapi.paths.paths.shift_remove(&op.path);
        }
    }
    Ok(openapi)
}

/// Removes progenitor's `Client::new(baseurl, inner)`: it builds its own `reqwest::Client`
/// (following redirects, unwrapping the build, keeping the base URL unchecked). Each crate's
/// hand-written layer defines `Client::new` instead, on top of the kept `new_with_client`.
fn remove_default_constructor(file: &mut syn::File) -> anyhow::Result<()> {
    let mut removed = 0;
    for item in &mut file.items {
        if let syn::Item::Impl(block) = item {
            let is_client =
                matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
            if is_client && block.trait_.is_none() {
                let before = block.items.len();
                block
                    .items
                    .retain(|i| !matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
                removed += before - block.items.len();
            }
        }
    }
    expect_changes("default-constructor", removed, 1)
}

/// The `operation_id` of every `OperationInfo { operation_id: "…", … }` literal.
struct OperationInfoIds(BTreeSet<String>);

impl VisitMut for OperationInfoIds {
    fn visit_expr_struct_mut(&mut self, expr: &mut syn::ExprStruct) {
        if expr
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "OperationInfo")
        {
            for field in &expr.fields {
                let named = matches!(&field.member, syn::Member::Named(m) if m == "operation_id");
                if let (
                    true,
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(id),
                        ..
                    }),
                ) = (named, &field.expr)
                {
                    self.0.insert(id.value());
                }
            }
        }
        syn::visit_mut::visit_expr_struct_mut(self, expr);
    }
}

/// The secured and the raw-body operations, as progenitor names them in its `OperationInfo`
/// literals (and the hand-written ones in theirs). Fails unless progenitor's names are exactly
/// the model's generated operations, so no operation can lose its authentication to a naming
/// difference.
fn operation_lists(spec: &Spec, file: &mut syn::File) -> anyhow::Result<[Vec<String>; 2]> {
    let mut generated = OperationInfoIds(BTreeSet::new());
    generated.visit_file_mut(file);
    let expected: BTreeSet<String> = spec
        .operations
        .iter()
        .filter(|op| op.hand_written.is_none())
        .map(|op| op.snake_id.clone())
        .collect();
    anyhow::ensure!(
        generated.0 == expected,
        "progenitor's OperationInfo names disagree with the spec's operations: generated only \
         {:?}, in the spec only {:?}",
        generated.0.difference(&expected).collect::<Vec<_>>(),
        expected.difference(&generated.0).collect::<Vec<_>>()
    );
    // The hand-written operations name themselves in their own `OperationInfo`.
    let mut ids = generated.0;
    ids.extend(
        spec.operations
            .iter()
            .filter(|op| op.hand_written.is_some())
            .map(|op| op.snake_id.clone()),
    );
    let named = |keep: fn(&crate::model::Operation) -> bool| -> Vec<String> {
        ids.iter()
            .filter(|id| {
                spec.operations
                    .iter()
                    .any(|op| &op.snake_id == *id && keep(op))
            })
            .cloned()
            .collect()
    };
    Ok([named(|op| op.secured), named(|op| op.raw_body)])
}

/// Generates one API's `generated.rs`.
pub fn render(spec: &Spec) -> anyhow::Result<Rendered> {
    let api_settings = spec.api.settings;
    let openapi = progenitor_input(spec)?;
    let inner_type: proc_macro2::TokenStream =
        format!("::client_runtime::State<{}>", api_settings.inner_type)
            .parse()
            .map_err(|e| anyhow::anyhow!("inner type: {e}"))?;
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(inner_type)
        .with_derive("PartialEq")
        .with_derive("schemars::JsonSchema");
    for open_enum in &spec.enums {
        let name = &open_enum.name;
        settings.with_replacement(
            name,
            format!("::{}::types::{name}", api_settings.name),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    for format in &spec.formats {
        let impls = if format.parses_text {
            vec![TypeImpl::Display, TypeImpl::FromStr]
        } else {
            vec![TypeImpl::Display]
        };
        settings.with_replacement(&format.name, &format.rust_type, impls.into_iter());
    }

    let mut generator = Generator::new(&settings);
    let tokens = generator.generate_tokens(&openapi).context("progenitor")?;
    let mut file: syn::File = syn::parse2(tokens).context("parsing progenitor's output")?;

    let types_module = ast::module(&mut file.items, "types")?;
    for open_enum in &spec.enums {
        let items: syn::File = syn::parse2(super::enums::tokens(open_enum))
            .with_context(|| format!("parsing enum {}", open_enum.name))?;
        types_module.extend(items.items);
    }
    remove_default_constructor(&mut file)?;
    super::setters::rewrite_body_setters(&mut file)?;
    let json_operations = spec
        .operations
        .iter()
        .filter(|op| op.hand_written.is_none() && !op.raw_body)
        .count();
    let routed = super::strict_decoding::route_success_bodies(&mut file, api_settings.protocol)?;
    expect_changes("strict-decoding", routed, json_operations)?;
    // Inside progenitor's `builder` module: `stream()` reads the builder's private fields.
    let streams = super::pagination::streams(spec)?;
    let paginated = spec
        .operations
        .iter()
        .filter(|op| op.pagination.is_some())
        .count();
    expect_changes("pagination", streams.len(), paginated)?;
    ast::module(&mut file.items, "builder")?.extend(streams);
    let [secured_ops, raw_ops] = operation_lists(spec, &mut file)?;
    file.items.extend(glue(spec)?);
    file.items.push(syn::parse_quote! {
        /// Operations (as in `OperationInfo::operation_id`) whose success body is a file, not
        /// JSON: the exec hook passes their 2xx responses on unbuffered.
        pub(crate) const RAW_BODY_OPERATIONS: &[&str] = &[#(#raw_ops),*];
    });
    file.items.push(syn::parse_quote! {
        /// Operations (as in `OperationInfo::operation_id`) whose spec names a security scheme:
        /// the `pre` hook authenticates these.
        pub(crate) const SECURED_OPERATIONS: &[&str] = &[#(#secured_ops),*];
    });
    let intro = format!(
        "//! This file is generated by `cargo xtask generate` from {}.\n",
        spec.api.spec_relative()
    );
    let header = ast::header(spec, &intro, "is written by hand in the crate");
    let text = header + &prettyplease::unparse(&file);
    Ok(Rendered {
        text,
        file,
        settings,
        openapi,
    })
}

/// The per-API glue: the `Envelope` impl of every envelope, the `ErrorBody` impl of the error
/// envelope, and the `ClientHooks` and `ApiClient` impls of the client.
fn glue(spec: &Spec) -> anyhow::Result<Vec<syn::Item>> {
    let api_settings = spec.api.settings;
    let mut items: Vec<syn::Item> = Vec::new();
    let field = format_ident!("{}", api_settings.envelope_field);
    for envelope in &spec.envelopes {
        let (envelope, payload) = (format_ident!("{}", envelope.name), &envelope.payload);
        items.push(match payload {
            Some(payload) => {
                let payload = format_ident!("{}", payload);
                syn::parse_quote! {
                    impl ::client_runtime::Envelope for types::#envelope {
                        type Payload = types::#payload;

                        fn into_payload(self) -> types::#payload {
                            self.#field
                        }
                    }
                }
            }
            None => syn::parse_quote! {
                /// The envelope's payload is always `null`: there is nothing to unwrap.
                impl ::client_runtime::Envelope for types::#envelope {
                    type Payload = ();

                    fn into_payload(self) {}
                }
            },
        });
    }
    let (error_body, error_field, error_payload) = api_settings.error_envelope;
    let error_body = format_ident!("{}", error_body);
    let error_field = format_ident!("{}", error_field);
    let error_payload = format_ident!("{}", error_payload);
    items.push(syn::parse_quote! {
        impl ::client_runtime::ErrorBody for types::#error_body {
            type Error = types::#error_payload;

            fn into_error(self) -> types::#error_payload {
                self.#error_field
            }
        }
    });
    let protocol: syn::Type = syn::parse_str(api_settings.protocol).context("protocol type")?;
    let inner: syn::Type = syn::parse_str(api_settings.inner_type).context("inner type")?;
    let user_agent = format!("{}-rs/", api_settings.name);
    let rate_limit = match api_settings.rate_limit_per_minute {
        Some(requests) => {
            quote::quote! { Some(::client_runtime::RateLimit::per_minute(#requests)) }
        }
        None => quote::quote! { None },
    };
    items.push(syn::parse_quote! {
        /// Authenticates the operations the spec secures; sends and inspects every request
        /// with the shared runtime.
        impl ClientHooks<::client_runtime::State<#inner>> for Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &OperationInfo,
            ) -> ::std::result::Result<(), Error<E>> {
                if SECURED_OPERATIONS.contains(&info.operation_id) {
                    ::client_runtime::Credentials::authenticate(self.inner().credentials(), request);
                }
                Ok(())
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                let raw_body = RAW_BODY_OPERATIONS.contains(&info.operation_id);
                ::client_runtime::exec::execute::<#protocol, _>(self.client(), self.inner(), request, info, raw_body)
                    .await
            }
        }
    });
    items.push(syn::parse_quote! {
        impl ::client_runtime::ApiClient for Client {
            type Credentials = #inner;
            type ErrorPayload = types::#error_payload;

            fn default_user_agent() -> ::std::string::String {
                concat!(#user_agent, env!("CARGO_PKG_VERSION")).to_owned()
            }

            fn default_rate_limit() -> ::std::option::Option<::client_runtime::RateLimit> {
                #rate_limit
            }

            fn from_parts(
                base_url: &str,
                http: reqwest::Client,
                state: ::client_runtime::State<#inner>,
            ) -> Self {
                let base_url = ::client_runtime::Credentials::base_url(state.credentials(), base_url);
                Client::new_with_client(&base_url, http, state)
            }
        }
    });
    Ok(items)
}
