//! Pagination streams: for every operation whose spec declares `x-pagination`, a `stream()`
//! (and `stream_with_page_size(n)`) method on its generated builder that yields the rows of
//! every page, built on `helpdesk_client_runtime::paginate`. progenitor 0.15 generates streams only for
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
//! What `x-pagination` may say, and that the parameters and members it names exist, are the
//! model's rules ([`crate::model::Pagination`]); this pass only writes the code.
//!
//! The methods go inside progenitor's `builder` module, beside the builder, so that `stream()`
//! can read the limit the caller set (the builder's fields are private to that module): that
//! limit is the page size, else the limit parameter's `maximum`, else its `default`, else 100;
//! any page size is clamped to the `maximum`. How a stream ends is `helpdesk_client_runtime::paginate`'s
//! (an empty page or the server's figures, never a short page alone); the doc comment of each
//! `stream()` says so.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::ast::setter_name;
use crate::model::{Operation, PageStyle, Pagination, Spec};

/// The stream methods of every paginated operation of a spec.
pub fn streams(spec: &Spec) -> anyhow::Result<Vec<syn::Item>> {
    // The crate's own alias of the runtime's error (`::liveagent::Error`).
    let error: TokenStream = format!("::{}::Error", spec.api.name())
        .parse()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut paginated: Vec<(&Operation, &Pagination)> = spec
        .operations
        .iter()
        .filter_map(|op| Some((op, op.pagination.as_ref()?)))
        .collect();
    // In the order of the spec's paths, then methods.
    paginated.sort_by(|(a, _), (b, _)| (&a.path, &a.method).cmp(&(&b.path, &b.method)));
    let streams = paginated
        .into_iter()
        .map(|(op, paging)| stream_impl(op, paging, &error));
    Ok(streams.map(syn::parse2).collect::<Result<_, _>>()?)
}

fn stream_impl(op: &Operation, paging: &Pagination, error: &TokenStream) -> TokenStream {
    let (style, limit, default_size, maximum) = (
        paging.style.name(),
        &paging.limit,
        paging.default_size,
        paging.maximum,
    );
    let maximum_tokens = match maximum {
        Some(maximum) => quote! { Some(#maximum) },
        None => quote! { None },
    };
    let builder = format_ident!(
        "{}",
        heck::ToUpperCamelCase::to_upper_camel_case(op.id.as_str())
    );
    let row_type = format_ident!("{}", paging.row);
    let items_ident = format_ident!("{}", setter_name(&paging.items));
    let limit_setter = format_ident!("{}", setter_name(limit));
    let limit_field = &limit_setter;
    let paginate = quote! { ::helpdesk_client_runtime::__private::paginate };

    // A payload member holding a figure (`pages`, `total`), as a count.
    let count_member = |member: &Option<String>| {
        member.as_deref().map(|member| {
            let member = format_ident!("{}", setter_name(member));
            quote! { #paginate::AsCount::as_count(&payload.#member) }
        })
    };
    let total = count_member(&paging.total);
    let pages = count_member(&paging.pages);
    let setter = format_ident!("{}", setter_name(paging.style.parameter()));
    let (style_tokens, position_arm) = match &paging.style {
        PageStyle::Cursor(_) => (
            quote! { #paginate::Style::Cursor(|row: &types::#row_type| #paginate::AsCursor::as_cursor(&row.#setter)) },
            quote! { #paginate::Position::Cursor(cursor) => template.clone().#setter(cursor), },
        ),
        PageStyle::Offset(_) => (
            quote! { #paginate::Style::Offset },
            quote! { #paginate::Position::Offset(offset) => template.clone().#setter(offset), },
        ),
        PageStyle::Page(_) => (
            quote! { #paginate::Style::Page },
            quote! { #paginate::Position::Page(page) => template.clone().#setter(page), },
        ),
    };
    let ends = {
        let mut ends = vec!["on an empty page".to_owned()];
        if let PageStyle::Cursor(cursor) = &paging.style {
            ends.push(format!(
                "when the last row has no `{cursor}` or repeats the one just passed"
            ));
        }
        if let Some(member) = &paging.pages {
            ends.push(format!(
                "when the payload's `{member}` says this was the last page"
            ));
        }
        if let Some(member) = &paging.total {
            ends.push(format!("when its `{member}` says every row has arrived"));
        }
        match ends.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{}, or {last}", rest.join(", ")),
            _ => ends.join(""),
        }
    };
    let bound = match maximum {
        Some(maximum) => format!("at least 1 and at most {maximum}, the documented maximum"),
        None => "at least 1; the spec sets no maximum".to_owned(),
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
    let row = quote! { ::std::result::Result<types::#row_type, #error> };
    quote! {
        impl<'a> #builder<'a> {
            #(#[doc = #doc_stream])*
            pub fn stream(self) -> ::helpdesk_client_runtime::reexports::BoxStream<'a, #row> {
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
            pub fn stream_with_page_size(self, page_size: u64) -> ::helpdesk_client_runtime::reexports::BoxStream<'a, #row> {
                let page_size = #paginate::page_size(Some(page_size), #default_size, #maximum_tokens);
                Self::stream_pages(self.#limit_setter(page_size))
            }

            /// The stream of `template`'s pages (its page size already set).
            fn stream_pages(template: Self) -> ::helpdesk_client_runtime::reexports::BoxStream<'a, #row> {
                #paginate::rows(#style_tokens, move |position| {
                    let request = match position {
                        #position_arm
                        _ => template.clone(),
                    };
                    async move {
                        let payload = ::helpdesk_client_runtime::ResultExt::payload(request.send().await).await?;
                        Ok(#paginate::Page {
                            pages: #pages,
                            total: #total,
                            rows: #paginate::IntoRows::into_rows(payload.#items_ident),
                        })
                    }
                })
            }
        }
    }
}
