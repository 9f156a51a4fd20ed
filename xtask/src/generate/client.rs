//! The client pass: progenitor's client `crates/<api>/src/generated.rs` from the spec model.
//!
//! progenitor reads the spec as openapiv3 parsed it, without the operations the API's
//! settings name as hand-written. What progenitor does not know comes from the model: enum
//! components become open enums (see [`super::enums`]), components with one of the API's
//! custom formats are replaced by the crate's hand-written types (absolute paths,
//! `::<api>::…`, through the crate's `extern crate self as <api>;`), the success bodies are
//! decoded strictly (see [`super::strict_decoding`]), the body builders' setters take plain
//! values (see [`super::setters`]), paginated operations get streams (see
//! [`super::pagination`]), and the per-API glue is appended: one invocation of the runtime's
//! `api_glue!` (the `Envelope` impls, the `ClientHooks` impl, `raw`) with the lists of secured
//! and raw-body operations, taken from the `OperationInfo` literals progenitor generated, and
//! the `SPEC` constant the crate's `impl Api` takes (the spec's `x-sdk`).

use std::collections::BTreeSet;

use anyhow::Context;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use syn::visit_mut::VisitMut;

use super::ast::{self, expect_changes};
use crate::apis::MarkerValue;
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
/// hand-written layer defines `Client::new` instead, on top of the kept `new_with_client`, whose
/// docs send readers there.
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
                for item in &mut block.items {
                    if let syn::ImplItem::Fn(f) = item {
                        if f.sig.ident == "new_with_client" {
                            f.attrs.retain(|a| !a.path().is_ident("doc"));
                            f.attrs.insert(
                                0,
                                syn::parse_quote! {
                                    /// Low level, for [`ClientBuilder`](crate::ClientBuilder): use [`Client::new`] or `ClientBuilder`, which check the base URL and build the state (credentials, retries, rate limit).
                                },
                            );
                        }
                    }
                }
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
    let name = spec.api.name();
    let openapi = progenitor_input(spec)?;
    let inner_type: proc_macro2::TokenStream = format!(
        "::helpdesk_client_runtime::__private::State<{}>",
        api_settings.credentials_type
    )
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
        settings.with_replacement(
            &open_enum.name,
            format!("::{name}::types::{}", open_enum.name),
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
    let builders = super::input_builders::keep_input_builders(&mut file)?;
    super::json_schema::gate_derives(&mut file)?;
    super::setters::rewrite_body_setters(&mut file)?;
    let json_operations = spec
        .operations
        .iter()
        .filter(|op| op.hand_written.is_none() && !op.raw_body)
        .count();
    let routed = super::strict_decoding::route_success_bodies(&mut file, api_settings.api_type)?;
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
    let glue = glue(spec, &secured_ops, &raw_ops)?;
    let intro = format!(
        "//! This file is generated by `cargo xtask generate` from {}.\n",
        spec.api.spec_relative()
    );
    let header = ast::header(spec, &intro, "is written by hand in the crate")
        + &format!(
            "// Struct builders (`types::builder`) for the {} request-input types only; the {} \
             types that are only read have none (xtask/src/generate/input_builders.rs).\n",
            builders.kept.len(),
            builders.removed.len()
        );
    let text = header + &prettyplease::unparse(&file) + &glue;
    Ok(Rendered {
        text,
        file,
        settings,
        openapi,
    })
}

/// The per-API glue: one invocation of the runtime's `api_glue!` with this API's facts (its
/// `Api` type, the envelopes, the error body, the secured and raw-body operations), as text
/// with one fact per line (prettyplease would run a macro's input together). The macro writes
/// the `Envelope` impls, the `ClientHooks` impl with the two lists, and `raw`. Then
/// [`spec_const`].
fn glue(spec: &Spec, secured_ops: &[String], raw_ops: &[String]) -> anyhow::Result<String> {
    let sdk = &spec.api.sdk;
    let error = &sdk.error_envelope;
    let list = |items: Vec<String>| {
        items
            .iter()
            .map(|item| format!("\n        {item},"))
            .collect::<String>()
            + if items.is_empty() { "" } else { "\n    " }
    };
    let with_payload = spec.envelopes.iter().filter_map(|envelope| {
        envelope
            .payload
            .as_ref()
            .map(|payload| format!("types::{} => types::{payload}", envelope.name))
    });
    let always_null = spec
        .envelopes
        .iter()
        .filter(|envelope| envelope.payload.is_none())
        .map(|envelope| format!("types::{}", envelope.name));
    let quoted = |ids: &[String]| ids.iter().map(|id| format!("{id:?}")).collect();
    let glue = format!(
        "::helpdesk_client_runtime::api_glue! {{\n    \
         api: {api_type},\n    \
         client: Client,\n    \
         error_body: types::{error_body} {{ {error_field} }},\n    \
         envelopes: {field} {{{envelopes}}},\n    \
         null_envelopes: [{always_null}],\n    \
         secured_operations: [{secured}],\n    \
         raw_body_operations: [{raw_body}],\n\
         }}\n",
        api_type = spec.api.settings.api_type,
        error_body = error.component,
        error_field = error.payload_member,
        field = sdk.payload_member,
        envelopes = list(with_payload.collect()),
        always_null = list(always_null.collect()),
        secured = list(quoted(secured_ops)),
        raw_body = list(quoted(raw_ops)),
    );
    syn::parse_str::<syn::ItemMacro>(&glue).context("the api_glue! invocation")?;
    Ok(glue + &spec_const(spec)?)
}

/// `SPEC`, what the runtime uses of the spec's `x-sdk` (the rate limit, the payload member, how
/// it tells the API's error envelope from a success), with the crate's name and `User-Agent`:
/// the crate's `impl Api` takes its `SPEC` from here.
fn spec_const(spec: &Spec) -> anyhow::Result<String> {
    let sdk = &spec.api.sdk;
    let error = &sdk.error_envelope;
    let error_when = match &error.error_when {
        MarkerValue::Bool(value) => format!("Bool({value})"),
        MarkerValue::Str(value) => format!("Str({value:?})"),
    };
    let rate_limit = sdk.rate_limit_per_minute.map_or_else(
        || "None".to_owned(),
        |requests| format!("Some(::helpdesk_client_runtime::RateLimit::per_minute({requests}))"),
    );
    let text = format!(
        "\n/// What the runtime uses of the spec's `x-sdk`: the `Api::SPEC` of the crate's `impl Api`.\n\
         pub(crate) const SPEC: ::helpdesk_client_runtime::__private::SpecFacts =\n    \
         ::helpdesk_client_runtime::__private::SpecFacts {{\n        \
         crate_name: env!(\"CARGO_PKG_NAME\"),\n        \
         user_agent: concat!(env!(\"CARGO_PKG_NAME\"), \"-rs/\", env!(\"CARGO_PKG_VERSION\")),\n        \
         rate_limit: {rate_limit},\n        \
         payload_member: {member:?},\n        \
         error_envelope: ::helpdesk_client_runtime::__private::ErrorEnvelope {{\n            \
         marker: &[{payload:?}, {marker:?}],\n            \
         error_when: ::helpdesk_client_runtime::__private::MarkerValue::{error_when},\n            \
         code_field: {code:?},\n        \
         }},\n    \
         }};\n",
        member = sdk.payload_member,
        payload = error.payload_member,
        marker = error.marker,
        code = error.code,
    );
    syn::parse_str::<syn::ItemConst>(&text).context("the SPEC constant")?;
    Ok(text)
}
