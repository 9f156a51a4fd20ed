//! Each API's command-line interface (`crates/<api>-cli/src/generated.rs`): progenitor's CLI
//! generator (`Generator::cli`) run with the client's own [`GenerationSettings`], so every
//! argument has the type of the client's setter, then adjusted where progenitor 0.15 stops
//! short:
//!
//! - the client crate's items are imported by name; progenitor's `Error` and `ResponseValue`
//!   come from `progenitor_client` (the API crates name their own `Error` type);
//! - operations whose spec declares `x-pagination` get `--all`, which streams every page
//!   through the builder's generated `stream()` (`helpdesk_cli_support::all_pages`, in the
//!   format of the config's `Output`, which the generated `CliConfig` trait gains a method
//!   for), with the operation's page-size argument, if given, as the page size (clamped to
//!   the documented maximum); `ROWS_MEMBER` names the payload member holding their rows (for
//!   `--format table` and `csv` without `--all`);
//! - operations whose success body is a file, for which progenitor emits `todo!()`, get
//!   `--output` and write the file (`helpdesk_cli_support::download`);
//! - the placeholder `--json-body-template` flag (help text "XXX", no effect) is dropped;
//! - `--json-body` sets the whole body before the flags set its fields (progenitor sets it
//!   after them, dropping them), so a flag given beside the file overrides that field, as
//!   its help says;
//! - `helpdesk_cli_support::Output` implements the generated `CliConfig`: the payload on
//!   stdout in the `--format` asked for.
//!
//! Operations the API's settings name as hand-written (Contiple's multipart upload) are not
//! in progenitor's input; the CLI crate writes their subcommand by hand.
//!
//! [`GenerationSettings`]: progenitor::GenerationSettings

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Context;
use heck::ToKebabCase;
use progenitor::Generator;
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;

use super::ast::{self, expect_changes, setter_name};
use super::client::Rendered;
use crate::model::Spec;

/// Drops `.arg(...)` calls whose argument mentions `id` (progenitor's `--json-body-template`),
/// counting them.
struct DropArg(&'static str, usize);

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
            self.1 += 1;
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
pub fn render(spec: &Spec, rendered: &Rendered) -> anyhow::Result<String> {
    let api = &spec.api;
    let mut paginated = BTreeMap::new();
    let mut rows_members = BTreeMap::new();
    let mut downloads = BTreeSet::new();
    for op in spec
        .operations
        .iter()
        .filter(|op| op.hand_written.is_none())
    {
        if let Some(paging) = &op.pagination {
            paginated.insert(
                op.snake_id.clone(),
                setter_name(&paging.limit).to_kebab_case(),
            );
            rows_members.insert(op.snake_id.clone(), paging.items.clone());
        }
        if op.raw_body {
            downloads.insert(op.snake_id.clone());
        }
    }
    let name = api.name();
    let krate = format_ident!("{}", name);

    let mut generator = Generator::new(&rendered.settings);
    let tokens = generator
        .cli(&rendered.openapi, name)
        .with_context(|| format!("generating the CLI of {}", api.spec_relative()))?;
    let mut file: syn::File = syn::parse2(tokens).context("parsing progenitor's CLI")?;

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
            .help("Stream every page, row by row: one JSON line per row, or a row of --format (a table buffers every row until the last page); a progress bar on stderr when it is a terminal; the page-size parameter, if given, sets the page size (up to the documented maximum); only an empty page or the API's own figures end the stream")
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
                let rows = match ::helpdesk_cli_support::page_size(matches, #limit)? {
                    Some(page_size) => request.stream_with_page_size(page_size),
                    None => request.stream(),
                };
                return ::helpdesk_cli_support::all_pages(self.config.output(), rows).await;
            }
        }
    };
    let download: syn::Expr =
        syn::parse_quote! { ::helpdesk_cli_support::download(matches, r).await };

    let (mut all_branches, mut download_branches, mut json_body_templates) = (0, 0, 0);
    let (mut json_bodies_first, mut config_traits) = (0, 0);
    for item in &mut file.items {
        if let syn::Item::Trait(config) = item {
            if config.ident == "CliConfig" {
                config.items.push(syn::parse_quote! {
                    /// The output `--all` writes its rows to.
                    fn output(&self) -> &::helpdesk_cli_support::Output;
                });
                config_traits += 1;
            }
            continue;
        }
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
            let mut drop = DropArg("json-body-template", 0);
            drop.visit_impl_item_fn_mut(function);
            json_body_templates += drop.1;
            let ident = function.sig.ident.to_string();
            if let Some(op) = ident.strip_prefix("cli_") {
                if paginated.contains_key(op) {
                    add_arg(function, &all_arg)?;
                }
                if downloads.contains(op) {
                    add_arg(function, &output_arg)?;
                }
            } else if let Some(op) = ident.strip_prefix("execute_") {
                // After `let mut request = …;`: the file first, then each flag over it.
                let stmts = &mut function.block.stmts;
                if let Some(at) = stmts.iter().position(|stmt| {
                    matches!(stmt, syn::Stmt::Expr(syn::Expr::If(branch), _)
                        if quote!(#branch).to_string().contains("\"json-body\""))
                }) {
                    let json_body = stmts.remove(at);
                    stmts.insert(1, json_body);
                    json_bodies_first += 1;
                }
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
                    all_branches += 1;
                }
                if downloads.contains(op) {
                    let mut replace = ReplaceTodo(download.clone(), 0);
                    replace.visit_impl_item_fn_mut(function);
                    expect_changes(&format!("CLI download ({ident})"), replace.1, 1)?;
                    download_branches += 1;
                }
            }
        }
    }
    // progenitor gives every operation with a body the placeholder flag.
    let bodies = spec
        .operations
        .iter()
        .filter(|op| op.hand_written.is_none() && !op.raw["requestBody"].is_null())
        .count();
    expect_changes("CLI json-body-template", json_body_templates, bodies)?;
    expect_changes("CLI --json-body first", json_bodies_first, bodies)?;
    expect_changes("CLI --all", all_branches, paginated.len())?;
    expect_changes("CLI download", download_branches, downloads.len())?;
    expect_changes("CLI CliConfig::output", config_traits, 1)?;

    let envelope_field = api.sdk.payload_member.as_str();
    let paginated = paginated.keys();
    let downloads = downloads.iter();
    let (row_operations, row_members) = (rows_members.keys(), rows_members.values());
    let bounds = quote! { T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug };
    let extra: syn::File = syn::parse_quote! {
        /// The member of the success envelope holding the payload (what is printed unless
        /// `--envelope`).
        pub const ENVELOPE_FIELD: &str = #envelope_field;

        /// Operations (as in `CliCommand::operation_id`) that take `--all`.
        pub const PAGINATED: &[&str] = &[#(#paginated),*];

        /// Operations (as in `CliCommand::operation_id`) that download a file (`--output`).
        pub const DOWNLOADS: &[&str] = &[#(#downloads),*];

        /// The payload member holding the rows of each paginated operation (as in
        /// `CliCommand::operation_id`).
        pub const ROWS_MEMBER: &[(&str, &str)] = &[#((#row_operations, #row_members)),*];

        /// The payload on stdout (or the whole body with `--envelope`), in the `--format`,
        /// `--fields` and `--jq` the output was made with; errors are reported by the caller
        /// of `Cli::execute`.
        impl CliConfig for ::helpdesk_cli_support::Output {
            fn output(&self) -> &::helpdesk_cli_support::Output {
                self
            }

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

    let intro = format!(
        "//! The `{name}` command line, generated by `cargo xtask generate` from {spec} with\n\
         //! progenitor's CLI generator (adjustments: xtask/src/generate/cli.rs).\n",
        spec = api.spec_relative()
    );
    let header = ast::header(spec, &intro, "is written by hand in the CLI crate");
    let code = prettyplease::unparse(&file);
    let json_body_help = "\"Path to a file that contains the full json body.\"";
    expect_changes(
        "CLI --json-body help",
        code.matches(json_body_help).count(),
        bodies,
    )?;
    let help =
        "\"A JSON file holding the whole body; a flag given beside it overrides that field\"";
    Ok(header + &code.replace(json_body_help, help))
}
