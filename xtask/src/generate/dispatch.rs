//! The replay dispatchers of the tests, generated from the spec and the generated client:
//!
//! - `tests/src/dispatch/<api>.rs` ([`render`]): one match arm per operation that calls the
//!   operation's builder with the parameters of a recorded request, so no test restates an
//!   operation's parameters; the decoding of each operation's success body; the replay
//!   client (the settings' `test_credentials`, no retries, no rate limit);
//! - `tests/src/dispatch/mod.rs` ([`render_index`]): the modules, and the same calls by API
//!   name, so one replay harness and the fuzz tests serve every API of the registry.
//!
//! Each setter's Rust type is read from the generated builder's `TryInto<T>` bound, so the
//! dispatcher always matches what progenitor generated.

use std::collections::BTreeMap;

use anyhow::Context;
use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::ast::{self, setter_name, try_into_target};
use crate::apis::DISPATCH_DIR;
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
    let krate = format_ident!("{}", api.name());

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
    let api_type: syn::Type = syn::parse_str(api.settings.api_type).context("the Api type")?;
    let mut decode_arms = Vec::new();
    for op in &spec.operations {
        let (id, Some(success)) = (&op.id, &op.success) else {
            continue;
        };
        let success = format_ident!("{}", success);
        decode_arms.push(quote! {
            #id => crate::outcome(
                ::helpdesk_client_runtime::__private::exec::decode_bytes::<#api_type, #krate::types::#success>(status, body).await,
            ),
        });
    }

    let doc = format!(
        " Calls the operation of a recorded request on the `{krate}` client and returns the \
         outcome as JSON."
    );
    let credentials: syn::Expr = syn::parse_str(api.settings.test_credentials)
        .with_context(|| format!("the test credentials of {krate}"))?;
    let tokens = quote! {
        #[allow(unused_imports)]
        use helpdesk_client_runtime::{DownloadExt, ResultExt};
        use #krate::types;

        /// The replay tests' client builder at `base_url`: the recordings' test credentials,
        /// no retries and no rate limit (a recording is its exchanges).
        pub fn test_client(base_url: &str) -> #krate::ClientBuilder {
            ::helpdesk_client_runtime::ClientBuilder::new(base_url, #credentials)
                .retry(::helpdesk_client_runtime::RetryPolicy::none())
                .rate_limit(None)
        }

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

/// Generates `mod.rs` of the dispatchers, beside them in [`DISPATCH_DIR`]: their modules, and
/// `call` and `decode` by API name. Returns its path relative to the workspace root, and its
/// text.
pub fn render_index(names: &[String]) -> anyhow::Result<(String, String)> {
    anyhow::ensure!(!names.is_empty(), "no API to dispatch to");
    let mut modules = Vec::new();
    let mut call_arms = Vec::new();
    let mut decode_arms = Vec::new();
    for name in names {
        let module = format_ident!("{}", name);
        modules.push(quote! { pub mod #module; });
        call_arms.push(quote! {
            #name => #module::call(
                &#module::test_client(base_url).build().expect("the test client builds"),
                call,
            ).await,
        });
        decode_arms.push(quote! {
            #name => #module::decode(operation, status, body).await,
        });
    }
    let tokens = quote! {
        #(#modules)*

        /// Calls the operation of a recorded request on the replay client of `api` at
        /// `base_url` (each module's `test_client`) and returns the outcome as JSON.
        ///
        /// # Panics
        ///
        /// For an API without generator settings (`xtask/src/apis.rs`).
        pub async fn call(
            api: &::recording::Api,
            base_url: &str,
            call: &crate::Call<'_>,
        ) -> serde_json::Value {
            match api.name {
                #(#call_arms)*
                other => panic!("the API {other} has no generator settings in xtask/src/apis.rs"),
            }
        }

        /// Decodes a response to an operation of `api` exactly as its client does: `None` for
        /// an operation whose success body is not JSON.
        ///
        /// # Panics
        ///
        /// For an API without generator settings (`xtask/src/apis.rs`).
        pub async fn decode(
            api: &::recording::Api,
            operation: &str,
            status: ::reqwest::StatusCode,
            body: ::bytes::Bytes,
        ) -> Option<serde_json::Value> {
            match api.name {
                #(#decode_arms)*
                other => panic!("the API {other} has no generator settings in xtask/src/apis.rs"),
            }
        }
    };
    let file: syn::File = syn::parse2(tokens).context("parsing the dispatchers' index")?;
    let header = "//! The replay dispatchers of the tests, one module per API, and their calls by API name:\n\
         //! generated by `cargo xtask generate` from the APIs' settings (`xtask/src/apis.rs`).\n\
         //! Do not edit it by hand.\n\n";
    let path = format!("{DISPATCH_DIR}/mod.rs");
    Ok((path, header.to_owned() + &prettyplease::unparse(&file)))
}

#[cfg(test)]
mod tests {
    use super::render_index;
    use crate::apis::APIS;

    #[test]
    fn the_index_has_a_module_and_an_arm_per_api() {
        let names: Vec<String> = APIS
            .iter()
            .map(|settings| settings.name)
            .chain(["bare"])
            .map(str::to_owned)
            .collect();
        let (path, text) = render_index(&names).unwrap();
        assert_eq!(path, "tests/src/dispatch/mod.rs");
        for name in &names {
            assert!(text.contains(&format!("pub mod {name};")), "{text}");
            assert!(
                text.contains(&format!("{name}::test_client(base_url)")),
                "{text}"
            );
            assert!(
                text.contains(&format!("\"{name}\" => {name}::decode(")),
                "{text}"
            );
        }
    }
}
