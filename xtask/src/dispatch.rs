//! The replay dispatcher of the tests (`tests/src/dispatch/<api>.rs`), generated from the spec
//! and the generated client: one match arm per operation that calls the operation's builder
//! with the parameters of a recorded request, so no test restates an operation's parameters.
//!
//! Each setter's Rust type is read from the generated builder's `TryInto<T>` bound, so the
//! dispatcher always matches what progenitor generated.

use std::collections::BTreeMap;

use anyhow::Context;
use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::visit_mut::VisitMut;

use crate::apis::Api;

/// Setter name → the Rust type it converts into, per builder struct.
type Setters = BTreeMap<String, BTreeMap<String, syn::Type>>;

/// Reads every builder's setters from the generated client.
fn builder_setters(file: &syn::File) -> anyhow::Result<Setters> {
    let builder = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
            _ => None,
        })
        .context("progenitor's output has no `builder` module")?;
    let mut setters = Setters::new();
    for item in &builder.1 {
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
            if let Some(target) = try_into_target(&function.sig) {
                entry.insert(function.sig.ident.to_string(), target);
            }
        }
    }
    Ok(setters)
}

/// `T` of a setter's `where V: TryInto<T>` bound.
fn try_into_target(sig: &syn::Signature) -> Option<syn::Type> {
    let clause = sig.generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|predicate| {
        let syn::WherePredicate::Type(predicate) = predicate else {
            return None;
        };
        if !matches!(&predicate.bounded_ty, syn::Type::Path(p) if p.path.is_ident("V")) {
            return None;
        }
        predicate.bounds.iter().find_map(|bound| {
            let syn::TypeParamBound::Trait(bound) = bound else {
                return None;
            };
            let last = bound.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            args.args.iter().find_map(|arg| match arg {
                syn::GenericArgument::Type(ty) => Some(ty.clone()),
                _ => None,
            })
        })
    })
}

/// Rewrites the generated crate's own paths (`crate::…`, `types::…`) into paths from outside.
struct CratePaths(syn::Ident);

impl VisitMut for CratePaths {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if path.leading_colon.is_none() {
            if let Some(first) = path.segments.first_mut() {
                if first.ident == "crate" {
                    first.ident = self.0.clone();
                } else if first.ident == "types" {
                    path.segments.insert(0, self.0.clone().into());
                }
            }
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

/// progenitor's name for a parameter's setter: snake case, non-identifier characters as
/// `_`, and a trailing `_` for keywords (`type` → `type_`).
pub(crate) fn setter_name(parameter: &str) -> String {
    let snake = parameter
        .replace('\'', "")
        .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-")
        .to_snake_case();
    if syn::parse_str::<syn::Ident>(&snake).is_ok() {
        snake
    } else {
        format!("{snake}_")
    }
}

/// One parameter of an operation.
struct Parameter {
    name: String,
    location: String,
}

/// Generates the dispatcher of one API.
pub fn render(api: &Api, file: &syn::File) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(&api.spec_path)?;
    let spec: Value = serde_yaml::from_str(&text)?;
    let setters = builder_setters(file)?;
    let krate = format_ident!("{}", api.settings.name);
    let mut rewrite = CratePaths(krate.clone());

    let mut operations: Vec<(String, &Value)> = Vec::new();
    for item in spec["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            if let Some(id) = op["operationId"].as_str() {
                operations.push((id.to_owned(), op));
            }
        }
    }
    operations.sort_by(|a, b| a.0.cmp(&b.0));

    let mut arms = Vec::new();
    for (id, op) in &operations {
        if let Some(hand) = api
            .settings
            .hand_written
            .iter()
            .find(|h| h.operation_id == id)
        {
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
        let method = format_ident!("{}", id.to_snake_case());
        let parameters: Vec<Parameter> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| {
                Some(Parameter {
                    name: p["name"].as_str()?.to_owned(),
                    location: p["in"].as_str()?.to_owned(),
                })
            })
            .collect();
        let mut steps = Vec::new();
        for parameter in &parameters {
            let setter = setter_name(&parameter.name);
            let mut ty = builder
                .get(&setter)
                .with_context(|| format!("{id}: no setter `{setter}` for `{}`", parameter.name))?
                .clone();
            rewrite.visit_type_mut(&mut ty);
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
        if !op["requestBody"].is_null() {
            let mut ty = builder
                .get("body")
                .with_context(|| format!("{id}: no `body` setter was generated"))?
                .clone();
            rewrite.visit_type_mut(&mut ty);
            steps.push(quote! {
                if let Some(body) = call.body::<#ty>() {
                    builder = builder.body(body);
                }
            });
        }
        let raw_body = op["responses"]["200"]["content"]
            .as_object()
            .is_some_and(|c| !c.is_empty() && !c.keys().any(|m| m.contains("json")));
        let finish = if raw_body {
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
    let protocol: syn::Type = {
        let mut ty = syn::parse_str(api.settings.protocol).context("protocol type")?;
        rewrite.visit_type_mut(&mut ty);
        ty
    };
    let error_body = format_ident!("{}", api.settings.error_envelope.0);
    let mut decode_arms = Vec::new();
    for (id, op) in &operations {
        let content = &op["responses"]["200"]["content"];
        let Some(reference) = content["application/json"]["schema"]["$ref"].as_str() else {
            continue;
        };
        let success = format_ident!("{}", reference.rsplit('/').next().unwrap_or(reference));
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
