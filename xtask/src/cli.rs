//! Each API's command-line interface (`crates/<api>-cli/src/generated.rs`): progenitor's CLI
//! generator (`Generator::cli`) run with the client's own [`GenerationSettings`], so every
//! argument has the type of the client's setter, then adjusted where progenitor 0.15 stops
//! short:
//!
//! - paths of the client crate (`crate::…`, the replacement types) point at the API crate;
//!   progenitor's `Error` and `ResponseValue` come from `progenitor_client` (the API crates
//!   name their own `Error` type);
//! - operations whose spec declares `x-pagination` get `--all`, which streams every page
//!   through the builder's generated `stream()` (`cli_support::all_pages`), with the
//!   operation's page-size argument, if given, as the page size (clamped to the documented
//!   maximum);
//! - operations whose success body is a file, for which progenitor emits `todo!()`, get
//!   `--output` and write the file (`cli_support::download`);
//! - the placeholder `--json-body-template` flag (help text "XXX", no effect) is dropped;
//! - `cli_support::Output` implements the generated `CliConfig`: JSON on stdout.
//!
//! Operations the API's settings name as hand-written (Contiple's multipart upload) are not
//! in progenitor's input; the CLI crate writes their subcommand by hand.
//!
//! [`GenerationSettings`]: progenitor::GenerationSettings

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use anyhow::Context;
use heck::{ToKebabCase, ToSnakeCase};
use progenitor::Generator;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::visit_mut::VisitMut;

use crate::apis::Api;
use crate::dispatch::CratePaths;
use crate::generate::Rendered;

/// The CLI crate of an API: `crates/<api>-cli`.
pub fn crate_dir(api: &Api, suffix: &str) -> PathBuf {
    let crates = api
        .generated_path
        .ancestors()
        .nth(3)
        .expect("crates/<api>/src/generated.rs");
    crates.join(format!("{}-{suffix}", api.settings.name))
}

/// Where the generated CLI goes: `crates/<api>-cli/src/generated.rs`.
pub fn path(api: &Api) -> PathBuf {
    crate_dir(api, "cli").join("src/generated.rs")
}

/// The operations whose spec declares `x-pagination` (snake-case id → the argument of its
/// page-size parameter), and those whose success body is not JSON (snake-case ids).
pub(crate) fn special_operations(raw: &Value) -> (BTreeMap<String, String>, BTreeSet<String>) {
    let mut paginated = BTreeMap::new();
    let mut downloads = BTreeSet::new();
    for item in raw["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            let Some(id) = op["operationId"].as_str() else {
                continue;
            };
            if let Some(limit) = op["x-pagination"]["limit"].as_str() {
                let arg = crate::dispatch::setter_name(limit).to_kebab_case();
                paginated.insert(id.to_snake_case(), arg);
            }
            if op["responses"]["200"]["content"]
                .as_object()
                .is_some_and(|c| !c.is_empty() && !c.keys().any(|m| m.contains("json")))
            {
                downloads.insert(id.to_snake_case());
            }
        }
    }
    (paginated, downloads)
}

/// Drops `.arg(...)` calls whose argument mentions `id` (progenitor's `--json-body-template`).
struct DropArg(&'static str);

impl VisitMut for DropArg {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        while let syn::Expr::MethodCall(call) = expr {
            let mentions = call.method == "arg"
                && call
                    .args
                    .iter()
                    .any(|a| quote!(#a).to_string().contains(&format!("\"{}\"", self.0)));
            if !mentions {
                break;
            }
            *expr = (*call.receiver).clone();
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// Replaces `todo!()` with an expression.
struct ReplaceTodo(syn::Expr, usize);

impl VisitMut for ReplaceTodo {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::Macro(mac) = expr {
            if mac.mac.path.is_ident("todo") {
                *expr = self.0.clone();
                self.1 += 1;
                return;
            }
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// Rewrites `crate` to the API crate inside macro invocations (`value_parser!(crate::…)`),
/// which [`CratePaths`] does not see.
struct MacroCratePaths(syn::Ident);

impl MacroCratePaths {
    fn rewrite(&self, tokens: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
        tokens
            .into_iter()
            .map(|tree| match tree {
                proc_macro2::TokenTree::Ident(ident) if ident == "crate" => {
                    proc_macro2::TokenTree::Ident(self.0.clone())
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

impl VisitMut for MacroCratePaths {
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        mac.tokens = self.rewrite(mac.tokens.clone());
    }
}

/// Appends `.arg(#arg)` to the command a `cli_<op>` function returns.
fn add_arg(function: &mut syn::ImplItemFn, arg: &syn::Expr) -> anyhow::Result<()> {
    let Some(syn::Stmt::Expr(tail, None)) = function.block.stmts.last_mut() else {
        anyhow::bail!("{}: no tail expression", function.sig.ident);
    };
    let command = tail.clone();
    *tail = syn::parse_quote! { #command.arg(#arg) };
    Ok(())
}

/// Generates one API's CLI module.
pub fn render(api: &Api, rendered: &Rendered) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(&api.spec_path)?;
    let raw: Value = serde_yaml::from_str(&text)?;
    let (paginated, downloads) = special_operations(&raw);
    let name = api.settings.name;
    let krate = format_ident!("{}", name);

    let mut generator = Generator::new(&rendered.settings);
    let tokens = generator
        .cli(&rendered.spec, name)
        .with_context(|| format!("generating the CLI of {}", api.spec_relative()))?;
    let mut file: syn::File = syn::parse2(tokens).context("parsing progenitor's CLI")?;
    CratePaths(krate.clone()).visit_file_mut(&mut file);
    MacroCratePaths(krate.clone()).visit_file_mut(&mut file);

    // `use <api>::*;` would bring the API crate's own `Error` alias.
    let glob = file
        .items
        .iter()
        .position(|item| matches!(item, syn::Item::Use(u) if quote!(#u).to_string().contains('*')))
        .context("progenitor's CLI has no glob import of the client crate")?;
    file.items.splice(
        glob..=glob,
        [
            syn::parse_quote! { use #krate::{builder, types, Client}; },
            syn::parse_quote! { use progenitor_client::{Error, ResponseValue}; },
        ],
    );

    let all_arg: syn::Expr = syn::parse_quote! {
        ::clap::Arg::new("all")
            .long("all")
            .action(::clap::ArgAction::SetTrue)
            .help("Stream every page: one JSON line per row (a progress bar on stderr when it is a terminal); the page-size parameter, if given, sets the page size (up to the documented maximum); only an empty page or the API's own figures end the stream")
    };
    let output_arg: syn::Expr = syn::parse_quote! {
        ::clap::Arg::new("output")
            .long("output")
            .short('o')
            .value_name("FILE")
            .required(true)
            .value_parser(::clap::value_parser!(::std::path::PathBuf))
            .help("Write the downloaded file here (`-` for stdout)")
    };
    let all_branch = |limit: &str| -> syn::Stmt {
        syn::parse_quote! {
            if matches.get_flag("all") {
                let rows = match ::cli_support::page_size(matches, #limit)? {
                    Some(page_size) => request.stream_with_page_size(page_size),
                    None => request.stream(),
                };
                return ::cli_support::all_pages(rows).await;
            }
        }
    };
    let download: syn::Expr = syn::parse_quote! { ::cli_support::download(matches, r).await };

    let (mut seen_all, mut seen_downloads) = (BTreeSet::new(), BTreeSet::new());
    for item in &mut file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if !matches!(&*block.self_ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Cli"))
        {
            continue;
        }
        for item in &mut block.items {
            let syn::ImplItem::Fn(function) = item else {
                continue;
            };
            DropArg("json-body-template").visit_impl_item_fn_mut(function);
            let ident = function.sig.ident.to_string();
            if let Some(op) = ident.strip_prefix("cli_") {
                if paginated.contains_key(op) {
                    add_arg(function, &all_arg)?;
                }
                if downloads.contains(op) {
                    add_arg(function, &output_arg)?;
                }
            } else if let Some(op) = ident.strip_prefix("execute_") {
                if let Some(limit) = paginated.get(op) {
                    let at = function
                        .block
                        .stmts
                        .iter()
                        .position(|stmt| {
                            matches!(stmt, syn::Stmt::Local(local)
                                if matches!(&local.pat, syn::Pat::Ident(p) if p.ident == "result"))
                        })
                        .with_context(|| format!("{ident}: no `let result = …send()`"))?;
                    function.block.stmts.insert(at, all_branch(limit));
                    seen_all.insert(op.to_owned());
                }
                if downloads.contains(op) {
                    let mut replace = ReplaceTodo(download.clone(), 0);
                    replace.visit_impl_item_fn_mut(function);
                    anyhow::ensure!(replace.1 == 1, "{ident}: expected one todo!()");
                    seen_downloads.insert(op.to_owned());
                }
            }
        }
    }
    anyhow::ensure!(
        paginated.keys().eq(seen_all.iter()),
        "paginated operations without a CLI: {:?}",
        paginated
            .keys()
            .filter(|op| !seen_all.contains(*op))
            .collect::<Vec<_>>()
    );
    anyhow::ensure!(
        seen_downloads == downloads,
        "downloads without a CLI: {:?}",
        downloads.difference(&seen_downloads).collect::<Vec<_>>()
    );

    let envelope_field = api.settings.envelope_field;
    let paginated = paginated.keys();
    let downloads = downloads.iter();
    let bounds = quote! { T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug };
    let extra: syn::File = syn::parse_quote! {
        /// The member of the success envelope holding the payload (what is printed unless
        /// `--envelope`).
        pub const ENVELOPE_FIELD: &str = #envelope_field;

        /// Operations (as in `CliCommand::operation_id`) that take `--all`.
        pub const PAGINATED: &[&str] = &[#(#paginated),*];

        /// Operations (as in `CliCommand::operation_id`) that download a file (`--output`).
        pub const DOWNLOADS: &[&str] = &[#(#downloads),*];

        /// JSON on stdout: the payload, or the whole body with `--envelope`; errors are
        /// reported by the caller of `Cli::execute`.
        impl CliConfig for ::cli_support::Output {
            fn success_item<T>(&self, value: &ResponseValue<T>)
            where
                #bounds,
            {
                self.item(value.as_ref());
            }

            fn success_no_item(&self, _value: &ResponseValue<()>) {}

            fn error<T>(&self, _value: &Error<T>)
            where
                #bounds,
            {
            }

            fn list_start<T>(&self)
            where
                #bounds,
            {
            }

            fn list_item<T>(&self, value: &T)
            where
                #bounds,
            {
                self.row(value);
            }

            fn list_end_success<T>(&self)
            where
                #bounds,
            {
            }

            fn list_end_error<T>(&self, _value: &Error<T>)
            where
                #bounds,
            {
            }
        }
    };
    file.items.extend(extra.items);

    let header = format!(
        "//! The `{name}` command line, generated by `cargo xtask generate` from {spec} with\n\
         //! progenitor's CLI generator (adjustments: xtask/src/cli.rs).\n\
         //! Do not edit it by hand: change the spec and run `cargo xtask generate`.\n\n",
        spec = api.spec_relative()
    );
    let header = api
        .settings
        .hand_written
        .iter()
        .fold(header, |header, hand| {
            header
                + &format!(
                    "// `{}` is written by hand in the CLI crate: {}.\n",
                    hand.operation_id, hand.why
                )
        });
    Ok(header + &prettyplease::unparse(&file))
}
