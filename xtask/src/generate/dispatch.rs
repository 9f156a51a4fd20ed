//! The replay dispatcher of the tests (`tests/src/dispatch/<api>.rs`), generated from the spec
//! and the generated client: one match arm per operation that calls the operation's builder
//! with the parameters of a recorded request, so no test restates an operation's parameters.
//!
//! Each setter's Rust type is read from the generated builder's `TryInto<T>` bound, so the
//! dispatcher always matches what progenitor generated.

use std::collections::BTreeMap;

use anyhow::Context;
use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::ast::{self, setter_name, try_into_target};
use crate::model::Spec;

/// Setter name → the Rust type it converts into, per builder struct.
type Setters = BTreeMap<String, BTreeMap<String, syn::Type>>;

/// Reads every builder's setters from the generated client.
fn builder_setters(file: &syn::File) -> anyhow::Result<Setters> {
    let mut items = file.items.clone();
    let mut setters = Setters::new();
    for item in ast::module(&mut items, "builder")?.iter() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(self_ty) = &*block.self_ty else {
            continue;
        };
        let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        let entry = setters.entry(name).or_default();
        for item in &block.items {
            let syn::ImplItem::Fn(function) = item else {
                continue;
            };
            if let Some(target) = try_into_target(&function.sig, "V") {
                entry.insert(function.sig.ident.to_string(), target);
            }
        }
    }
    Ok(setters)
}

/// Generates the dispatcher of one API.
pub fn render(spec: &Spec, file: &syn::File) -> anyhow::Result<String> {
    let api = &spec.api;
    let setters = builder_setters(file)?;
    let krate = format_ident!("{}", api.settings.name);

    let mut arms = Vec::new();
    for op in &spec.operations {
        let id = &op.id;
        if let Some(hand) = op.hand_written {
            let call: TokenStream = hand
                .replay_call
                .parse()
                .map_err(|e| anyhow::anyhow!("replay call of {id}: {e}"))?;
            arms.push(quote! { #id => #call, });
            continue;
        }
        let builder_name = id.to_upper_camel_case();
        let builder = setters
            .get(&builder_name)
            .with_context(|| format!("{id}: no builder `{builder_name}` was generated"))?;
        let method = format_ident!("{}", op.snake_id);
        let mut steps = Vec::new();
        for parameter in &op.parameters {
            let setter = setter_name(&parameter.name);
            let ty = builder
                .get(&setter)
                .with_context(|| format!("{id}: no setter `{setter}` for `{}`", parameter.name))?;
            let setter = format_ident!("{}", setter);
            let name = &parameter.name;
            let lookup = match parameter.location.as_str() {
                "path" => quote! { call.path(#name) },
                "query" => quote! { call.query(#name) },
                "header" => quote! { call.header(#name) },
                other => anyhow::bail!("{id}: parameters in `{other}` are not supported"),
            };
            steps.push(quote! {
                if let Some(value) = #lookup {
                    builder = builder.#setter(crate::parse_param::<#ty>(#name, value));
                }
            });
        }
        if !op.raw["requestBody"].is_null() {
            let ty = builder
                .get("body")
                .with_context(|| format!("{id}: no `body` setter was generated"))?;
            steps.push(quote! {
                if let Some(body) = call.body::<#ty>() {
                    builder = builder.body(body);
                }
            });
        }
        let finish = if op.raw_body {
            quote! { crate::download_outcome(builder.send().await.download().await) }
        } else {
            quote! { crate::outcome(builder.send().await.into_value().await) }
        };
        arms.push(quote! {
            #id => {
                #[allow(unused_mut)]
                let mut builder = client.#method();
                #(#steps)*
                #finish
            }
        });
    }

    // Every operation's success type, for `decode`.
    let protocol: syn::Type = syn::parse_str(api.settings.protocol).context("protocol type")?;
    let error_body = format_ident!("{}", api.settings.error_envelope.0);
    let mut decode_arms = Vec::new();
    for op in &spec.operations {
        let (id, Some(success)) = (&op.id, &op.success) else {
            continue;
        };
        let success = format_ident!("{}", success);
        decode_arms.push(quote! {
            #id => crate::outcome(
                ::client_runtime::exec::decode_bytes::<#protocol, #krate::types::#success, #krate::types::#error_body>(status, body).await,
            ),
        });
    }

    let doc = format!(
        " Calls the operation of a recorded request on the `{krate}` client and returns the \
         outcome as JSON."
    );
    let tokens = quote! {
        #[allow(unused_imports)]
        use client_runtime::{DownloadExt, ResultExt};
        use #krate::types;

        #[doc = #doc]
        pub async fn call(client: &#krate::Client, call: &crate::Call<'_>) -> serde_json::Value {
            match call.operation() {
                #(#arms)*
                other => panic!("operation {other} is not in the spec"),
            }
        }

        /// Decodes a response body as the operation's success type would be, without a
        /// network, and returns the outcome as JSON; `None` for operations whose success body
        /// is not JSON.
        pub async fn decode(
            operation: &str,
            status: ::reqwest::StatusCode,
            body: ::bytes::Bytes,
        ) -> Option<serde_json::Value> {
            Some(match operation {
                #(#decode_arms)*
                _ => return None,
            })
        }
    };
    let file: syn::File = syn::parse2(tokens).context("parsing the dispatcher")?;
    let header = format!(
        "//! Replay dispatcher for `{krate}`: generated by `cargo xtask generate` from {spec}.\n\
         //! Do not edit it by hand: change the spec and run `cargo xtask generate`.\n\n",
        spec = api.spec_relative()
    );
    Ok(header + &prettyplease::unparse(&file))
}
