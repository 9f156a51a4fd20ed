//! Pagination streams: for every operation whose spec declares `x-pagination`, a `stream()`
//! (and `stream_with_page_size(n)`) method on its generated builder that yields the rows of
//! every page, built on `client_runtime::paginate`. progenitor 0.15 generates streams only for
//! dropshot-style APIs, so the paging style is declared in the spec:
//!
//! ```yaml
//! x-pagination:
//!   style: cursor | offset | page
//!   items: conversations   # the payload member holding the rows (an array of a component)
//!   limit: limit           # the page-size parameter
//!   cursor: cursor         # cursor: the parameter, and the row member holding each row's cursor
//!   offset: limitfrom      # offset: the first-row parameter
//!   page: page             # page: the 1-based page parameter
//!   pages: pages           # page, optional: the payload member holding the number of pages
//!   total: total           # optional: the payload member holding the number of rows
//! ```
//!
//! The methods go inside progenitor's `builder` module, beside the builder, so that `stream()`
//! can read the limit the caller set (the builder's fields are private to that module): that
//! limit is the page size, else the limit parameter's `maximum`, else its `default`, else 100;
//! any page size is clamped to the `maximum`. How a stream ends is `client_runtime::paginate`'s
//! (an empty page or the server's figures, never a short page alone); the doc comment of each
//! `stream()` says so.

use anyhow::{bail, Context};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::apis::Api;
use crate::dispatch::setter_name;

/// A `$ref`'s component name.
fn ref_name(schema: &Value) -> Option<&str> {
    let reference = schema
        .get("$ref")
        .or_else(|| schema["allOf"].get(0).and_then(|s| s.get("$ref")))?
        .as_str()?;
    reference.rsplit('/').next()
}

/// The stream methods of every paginated operation of a spec.
pub fn streams(api: &Api, raw: &Value) -> anyhow::Result<Vec<syn::Item>> {
    let components = &raw["components"]["schemas"];
    let envelope_field = api.settings.envelope_field;
    let error_payload = format_ident!("{}", api.settings.error_envelope.2);
    let mut items = Vec::new();
    for item in raw["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            let Some(paging) = op.get("x-pagination") else {
                continue;
            };
            let id = op["operationId"]
                .as_str()
                .context("operation without operationId")?;
            let item = stream_impl(id, op, paging, components, envelope_field, &error_payload)
                .with_context(|| format!("{id}: x-pagination"))?;
            items.push(syn::parse2(item)?);
        }
    }
    Ok(items)
}

fn stream_impl(
    id: &str,
    op: &Value,
    paging: &Value,
    components: &Value,
    envelope_field: &str,
    error_payload: &syn::Ident,
) -> anyhow::Result<TokenStream> {
    let field = |name: &str| -> anyhow::Result<&str> {
        paging[name]
            .as_str()
            .with_context(|| format!("`{name}` is required"))
    };
    let parameter = |name: &str| -> anyhow::Result<&Value> {
        op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == name)
            .with_context(|| format!("names the parameter `{name}`, which the operation lacks"))
    };
    let style = field("style")?;
    let items_member = field("items")?;
    let limit = field("limit")?;
    let limit_schema = &parameter(limit)?["schema"];
    let maximum = limit_schema["maximum"].as_u64();
    let default_size = maximum
        .or_else(|| limit_schema["default"].as_u64())
        .unwrap_or(100);
    let maximum_tokens = match maximum {
        Some(maximum) => quote! { Some(#maximum) },
        None => quote! { None },
    };

    // The payload component, and the row component of its items.
    let envelope = ref_name(&op["responses"]["200"]["content"]["application/json"]["schema"])
        .context("the 200 response must reference an envelope component")?;
    let payload = ref_name(&components[envelope]["properties"][envelope_field])
        .with_context(|| format!("{envelope}.{envelope_field} must reference a component"))?;
    let rows = &components[payload]["properties"][items_member];
    anyhow::ensure!(
        rows["type"] == "array",
        "{payload}.{items_member} must be an array"
    );
    let row = ref_name(&rows["items"])
        .with_context(|| format!("{payload}.{items_member} items must reference a component"))?;

    let builder = format_ident!("{}", heck::ToUpperCamelCase::to_upper_camel_case(id));
    let row_type = format_ident!("{}", row);
    let items_ident = format_ident!("{}", setter_name(items_member));
    let limit_setter = format_ident!("{}", setter_name(limit));
    let limit_field = &limit_setter;
    let paginate = quote! { ::client_runtime::paginate };

    // The payload member holding a figure (`pages`, `total`), as a count.
    let count_member = |key: &str| -> anyhow::Result<Option<TokenStream>> {
        let Some(member) = paging[key].as_str() else {
            return Ok(None);
        };
        anyhow::ensure!(
            !components[payload]["properties"][member].is_null(),
            "{payload} has no `{member}` member"
        );
        let member = format_ident!("{}", setter_name(member));
        Ok(Some(
            quote! { #paginate::AsCount::as_count(&payload.#member) },
        ))
    };
    let total = count_member("total")?;
    let (style_tokens, position_arm, pages) = match style {
        "cursor" => {
            let cursor = field("cursor")?;
            parameter(cursor)?;
            anyhow::ensure!(
                !components[row]["properties"][cursor].is_null(),
                "the row component {row} has no `{cursor}` member"
            );
            let setter = format_ident!("{}", setter_name(cursor));
            (
                quote! { #paginate::Style::Cursor(|row: &types::#row_type| #paginate::AsCursor::as_cursor(&row.#setter)) },
                quote! { #paginate::Position::Cursor(cursor) => template.clone().#setter(cursor), },
                None,
            )
        }
        "offset" => {
            let setter = format_ident!("{}", setter_name(field("offset")?));
            parameter(field("offset")?)?;
            (
                quote! { #paginate::Style::Offset },
                quote! { #paginate::Position::Offset(offset) => template.clone().#setter(offset), },
                None,
            )
        }
        "page" => {
            let setter = format_ident!("{}", setter_name(field("page")?));
            parameter(field("page")?)?;
            (
                quote! { #paginate::Style::Page },
                quote! { #paginate::Position::Page(page) => template.clone().#setter(page), },
                count_member("pages")?,
            )
        }
        other => bail!("unknown style `{other}` (cursor, offset or page)"),
    };
    anyhow::ensure!(
        style == "page" || paging["pages"].is_null(),
        "`pages` is for the page style"
    );
    let ends = {
        let mut ends = vec!["on an empty page".to_owned()];
        if style == "cursor" {
            ends.push(format!(
                "when the last row has no `{}` or repeats the one just passed",
                field("cursor")?
            ));
        }
        if let (Some(_), Some(member)) = (&pages, paging["pages"].as_str()) {
            ends.push(format!(
                "when the payload's `{member}` says this was the last page"
            ));
        }
        if let (Some(_), Some(member)) = (&total, paging["total"].as_str()) {
            ends.push(format!("when its `{member}` says every row has arrived"));
        }
        match ends.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{}, or {last}", rest.join(", ")),
            _ => ends.join(""),
        }
    };
    let bound = match maximum {
        Some(maximum) => format!("at least 1 and at most {maximum}, the documented maximum"),
        None => "at least 1; the docs give no maximum".to_owned(),
    };
    let doc_stream = [
        format!(
            " Every row of every page, as a stream ({style} style): pages are fetched one at a \
             time as the rows are used; an error is yielded once and ends the stream."
        ),
        String::new(),
        format!(
            " The page size (the `{limit}` parameter) is the value given to \
             `.{limit_setter}(n)` on this builder, else {default_size}; {bound}. (A value \
             that does not convert is reported by the first request.)"
        ),
        String::new(),
        format!(
            " The stream ends {ends}; never on a page shorter than the page size alone, as \
             servers may send fewer rows than asked for. Where nothing else ends it, a last \
             full page costs one more request, answered with an empty page: an accepted cost \
             of losing no row."
        ),
    ];
    let doc_sized = format!(
        " [`Self::stream`] with pages of `page_size` rows (the `{limit}` parameter, {bound}), \
         whatever `{limit}` this builder holds."
    );
    let pages = pages.unwrap_or_else(|| quote! { None });
    let total = total.unwrap_or_else(|| quote! { None });
    let row = quote! { ::std::result::Result<types::#row_type, ::client_runtime::Error<types::#error_payload>> };
    Ok(quote! {
        impl<'a> #builder<'a> {
            #(#[doc = #doc_stream])*
            pub fn stream(self) -> #paginate::BoxStream<'a, #row> {
                let requested = match &self.#limit_field {
                    Ok(limit) => *limit,
                    Err(_) => None,
                };
                let page_size = #paginate::page_size(requested, #default_size, #maximum_tokens);
                // A limit that did not convert stays: the first request reports it.
                let template = if self.#limit_field.is_ok() {
                    self.#limit_setter(page_size)
                } else {
                    self
                };
                Self::stream_pages(template)
            }

            #[doc = #doc_sized]
            pub fn stream_with_page_size(self, page_size: u64) -> #paginate::BoxStream<'a, #row> {
                let page_size = #paginate::page_size(Some(page_size), #default_size, #maximum_tokens);
                Self::stream_pages(self.#limit_setter(page_size))
            }

            /// The stream of `template`'s pages (its page size already set).
            fn stream_pages(template: Self) -> #paginate::BoxStream<'a, #row> {
                #paginate::rows(#style_tokens, move |position| {
                    let request = match position {
                        #position_arm
                        _ => template.clone(),
                    };
                    async move {
                        let payload = ::client_runtime::ResultExt::payload(request.send().await).await?;
                        Ok(#paginate::Page {
                            pages: #pages,
                            total: #total,
                            rows: #paginate::IntoRows::into_rows(payload.#items_ident),
                        })
                    }
                })
            }
        }
    })
}
