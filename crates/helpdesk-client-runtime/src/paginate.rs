//! Pagination as a `futures::Stream` of rows: lazy (a page is fetched when the previous one
//! is used up), each error yielded once, stopping after the last page.
//!
//! `cargo xtask generate` writes a `stream()` method on the builder of every operation whose
//! spec declares `x-pagination`; this module is the paging logic behind it, one [`Style`] per
//! way the APIs page:
//!
//! - [`Style::Cursor`]: each row carries a cursor; the next request passes the last row's
//!   (LiveAgent's `listConversations`);
//! - [`Style::Offset`]: the next request starts after the rows seen so far (LiveAgent's
//!   `limit`/`offset` lists and `limitcount`/`limitfrom` reports);
//! - [`Style::Page`]: 1-based page numbers, up to the `pages` the server reports (Contiple).
//!
//! # When a stream ends
//!
//! A stream never ends on a guess. It ends on an empty page, or when the API's own figures say
//! there is nothing more: the payload's number of pages ([`Page::pages`]: this was the last
//! page) or total number of rows ([`Page::total`]: that many have arrived), or, cursor-style,
//! when the last row has no cursor or repeats the cursor just passed. A page shorter than the
//! page size asked for ends nothing: servers may cap pages below the size asked for, and
//! nothing in either API's docs promises the size asked for. Where no figure ends the stream,
//! a last full page costs one more request, answered with an empty page; that request is the
//! accepted price of losing no row.
//!
//! Counts from the server are untrusted: a negative or absent figure is ignored, a huge one
//! only means the stream goes on until an empty page, and page numbers and row counts use
//! checked or saturating arithmetic (a page number that would overflow ends the stream).
//!
//! [`page_size`] is the size a stream asks for: the caller's own limit if set, else the
//! stream's default, clamped to the documented maximum. [`counting_pages`] counts the pages
//! the streams read by one future fetch (a progress display's figure).

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub use futures::stream::BoxStream;
use futures::stream::{StreamExt, TryStreamExt};

use crate::api::Api;
use crate::Error;

/// How an operation pages.
pub enum Style<T> {
    /// The next page starts after the last row's cursor (`None`: no more pages).
    Cursor(fn(&T) -> Option<String>),
    /// The next page starts at the number of rows seen so far.
    Offset,
    /// The next page is the next page number, starting at 1.
    Page,
}

impl<T> Clone for Style<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Style<T> {}

impl<T> Style<T> {
    /// Where the page after `page` (requested at `position`) starts, or `None` after the last
    /// page. `seen` counts the rows so far, this page's included. The page's length against
    /// the page size asked for plays no part: see the module docs.
    fn next(self, position: &Position, page: &Page<T>, seen: u64) -> Option<Position> {
        if page.rows.is_empty() || page.total.is_some_and(|total| seen >= total) {
            return None;
        }
        match self {
            Self::Cursor(cursor_of) => page
                .rows
                .last()
                .and_then(cursor_of)
                .filter(|cursor| !matches!(position, Position::Cursor(last) if last == cursor))
                .map(Position::Cursor),
            Self::Offset => Some(Position::Offset(seen)),
            Self::Page => {
                let number = match position {
                    Position::Page(number) => *number,
                    _ => 1,
                };
                if page.pages.is_some_and(|pages| number >= pages) {
                    return None;
                }
                number.checked_add(1).map(Position::Page)
            }
        }
    }
}

/// Where the next page starts, for the request of that page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Position {
    /// The first page: no cursor, offset 0 or page 1, as the style has it.
    First,
    /// After this cursor.
    Cursor(String),
    /// From this row number.
    Offset(u64),
    /// This page number (1-based).
    Page(u64),
}

/// One page: its rows and the figures the server gives about all pages, where it gives them.
pub struct Page<T> {
    /// The rows.
    pub rows: Vec<T>,
    /// How many pages there are, if the server says (Contiple's `pages`).
    pub pages: Option<u64>,
    /// How many rows there are over all pages, if the server says (Contiple's `total`).
    pub total: Option<u64>,
}

/// The page size a stream asks for: `requested` (the limit the caller set on the builder), if
/// any, else `default`; at least 1 (a page of no rows would end the stream at once) and at
/// most `maximum` (the limit parameter's documented maximum), if there is one.
pub fn page_size<N: Into<i128>>(requested: Option<N>, default: u64, maximum: Option<u64>) -> u64 {
    let size = requested.map_or(default, |n| {
        let n: i128 = n.into();
        // Negative: 0, raised to 1 below; past `u64`: the maximum, if any, clamps it.
        u64::try_from(n.max(0)).unwrap_or(u64::MAX)
    });
    let size = size.max(1);
    maximum.map_or(size, |maximum| size.min(maximum.max(1)))
}

/// The rows of a page as the generated types hold them.
pub trait IntoRows<T> {
    /// The rows (none when absent).
    fn into_rows(self) -> Vec<T>;
}

impl<T> IntoRows<T> for Vec<T> {
    fn into_rows(self) -> Vec<T> {
        self
    }
}

impl<T> IntoRows<T> for Option<Vec<T>> {
    fn into_rows(self) -> Vec<T> {
        self.unwrap_or_default()
    }
}

/// A count (a number of pages) as the generated types hold it.
pub trait AsCount {
    /// The count, if present and not negative.
    fn as_count(&self) -> Option<u64>;
}

impl AsCount for i64 {
    fn as_count(&self) -> Option<u64> {
        u64::try_from(*self).ok()
    }
}

impl AsCount for u64 {
    fn as_count(&self) -> Option<u64> {
        Some(*self)
    }
}

impl<N: AsCount> AsCount for Option<N> {
    fn as_count(&self) -> Option<u64> {
        self.as_ref().and_then(AsCount::as_count)
    }
}

/// A row's cursor as the generated types hold it.
pub trait AsCursor {
    /// The cursor, if present and not empty.
    fn as_cursor(&self) -> Option<String>;
}

impl AsCursor for String {
    fn as_cursor(&self) -> Option<String> {
        (!self.is_empty()).then(|| self.clone())
    }
}

impl<C: AsCursor> AsCursor for Option<C> {
    fn as_cursor(&self) -> Option<String> {
        self.as_ref().and_then(AsCursor::as_cursor)
    }
}

struct State<F> {
    fetch: F,
    next: Option<Position>,
    seen: u64,
}

tokio::task_local! {
    /// The pages fetched by the streams that [`counting_pages`]'s future reads.
    static PAGES: Arc<AtomicU64>;
}

/// Runs `work` and adds to `pages` every page that the streams of this module fetch while
/// `work` reads them (the empty page that ends a stream included), as each page arrives.
pub async fn counting_pages<F: Future>(pages: Arc<AtomicU64>, work: F) -> F::Output {
    PAGES.scope(pages, work).await
}

/// The rows of every page: `fetch` requests the page at a [`Position`] (the page size is the
/// caller's to set on the request; see [`page_size`]). Ends as the module docs say.
pub fn rows<'a, T, A, F, Fut>(style: Style<T>, fetch: F) -> BoxStream<'a, Result<T, Error<A>>>
where
    T: Send + 'a,
    A: Api,
    F: FnMut(Position) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, Error<A>>> + Send + 'a,
{
    let state = State {
        fetch,
        next: Some(Position::First),
        seen: 0,
    };
    futures::stream::try_unfold(state, move |mut state| async move {
        let Some(position) = state.next.take() else {
            return Ok::<_, Error<A>>(None);
        };
        let page = (state.fetch)(position.clone()).await?;
        let _ = PAGES.try_with(|pages| pages.fetch_add(1, Ordering::Relaxed));
        let count = u64::try_from(page.rows.len()).unwrap_or(u64::MAX);
        state.seen = state.seen.saturating_add(count);
        state.next = style.next(&position, &page, state.seen);
        Ok(Some((page.rows, state)))
    })
    .map_ok(|rows| futures::stream::iter(rows.into_iter().map(Ok)))
    .try_flatten()
    .boxed()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures::StreamExt;

    use super::{page_size, rows, AsCount, Page, Position, Style};
    use crate::Error;

    /// What a synthetic server reports besides the rows.
    #[derive(Clone, Copy)]
    enum Figures {
        /// Nothing (LiveAgent, Contiple's `listAgents`).
        None,
        /// `pages` and `total`, computed with the page size it serves (Contiple's lists).
        Both,
        /// Only `total`.
        Total,
        /// These values, whatever the rows.
        Fixed { pages: u64, total: u64 },
    }

    /// Streams `total` synthetic rows (0, 1, …) from a synthetic server that serves at most
    /// `cap` rows a page whatever the stream asks for, as `style` pages; returns the rows and
    /// the positions requested.
    async fn collect(
        style: Style<u64>,
        total: u64,
        cap: u64,
        figures: Figures,
    ) -> (Vec<u64>, Vec<Position>) {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let stream = rows::<u64, crate::api::testing::Status, _, _>(style, move |position| {
            seen.lock().unwrap().push(position.clone());
            async move {
                let start = match position {
                    Position::First => 0,
                    Position::Cursor(c) => c.parse::<u64>().unwrap() + 1,
                    Position::Offset(o) => o,
                    Position::Page(p) => (p - 1) * cap,
                };
                let rows: Vec<u64> = (start..total.min(start + cap)).collect();
                let (pages, total) = match figures {
                    Figures::None => (None, None),
                    Figures::Both => (Some(total.div_ceil(cap)), Some(total)),
                    Figures::Total => (None, Some(total)),
                    Figures::Fixed { pages, total } => (Some(pages), Some(total)),
                };
                Ok(Page { rows, pages, total })
            }
        });
        let rows: Vec<u64> = stream.map(|r| r.unwrap()).collect().await;
        let requests = requests.lock().unwrap().clone();
        (rows, requests)
    }

    fn styles() -> [Style<u64>; 3] {
        [
            Style::Cursor(|row: &u64| Some(row.to_string())),
            Style::Offset,
            Style::Page,
        ]
    }

    #[tokio::test]
    async fn a_short_page_ends_nothing_every_row_arrives_once_in_order() {
        // Synthetic: pages capped at 3 rows; a stream would ask for more.
        for style in styles() {
            let (rows, requests) = collect(style, 10, 3, Figures::None).await;
            assert_eq!(rows, (0..10).collect::<Vec<_>>());
            // 3 + 3 + 3 + 1, then the empty page that ends it.
            assert_eq!(requests.len(), 5, "{requests:?}");
        }
    }

    #[tokio::test]
    async fn the_servers_figures_end_the_page_style_without_an_extra_request() {
        for figures in [Figures::Both, Figures::Total] {
            let (rows, requests) = collect(Style::Page, 10, 3, figures).await;
            assert_eq!(rows, (0..10).collect::<Vec<_>>());
            assert_eq!(requests.len(), 4, "{requests:?}");
            assert_eq!(requests[3], Position::Page(4));
        }
        // `total` ends the other styles too, on a full page as well.
        let (rows, requests) = collect(Style::Offset, 9, 3, Figures::Total).await;
        assert_eq!((rows.len(), requests.len()), (9, 3));
    }

    #[tokio::test]
    async fn the_page_count_ends_the_stream_even_on_a_full_page() {
        // Synthetic: the server says 2 pages although it holds 10 rows: its word is final.
        let (rows, requests) = collect(
            Style::Page,
            10,
            3,
            Figures::Fixed {
                pages: 2,
                total: 10,
            },
        )
        .await;
        assert_eq!(rows, (0..6).collect::<Vec<_>>());
        assert_eq!(requests.len(), 2);
    }

    #[tokio::test]
    async fn hostile_figures_only_defer_to_the_empty_page() {
        let huge = Figures::Fixed {
            pages: u64::MAX,
            total: u64::MAX,
        };
        for style in styles() {
            let (rows, requests) = collect(style, 10, 3, huge).await;
            assert_eq!(rows, (0..10).collect::<Vec<_>>());
            assert_eq!(requests.len(), 5, "{requests:?}");
        }
        // Negative counts are no counts.
        assert_eq!((-1i64).as_count(), None);
        assert_eq!(Some(i64::MIN).as_count(), None);
    }

    #[test]
    fn a_page_number_or_row_count_at_the_limit_ends_instead_of_overflowing() {
        let page = Page {
            rows: vec![1u64],
            pages: None,
            total: None,
        };
        assert_eq!(
            Style::Page.next(&Position::Page(u64::MAX), &page, u64::MAX),
            None
        );
        assert_eq!(
            Style::Offset.next(&Position::Offset(u64::MAX - 1), &page, u64::MAX),
            Some(Position::Offset(u64::MAX))
        );
    }

    #[test]
    fn a_cursor_stream_ends_on_a_missing_or_repeated_cursor() {
        let page = |cursor: Option<&'static str>| Page {
            rows: vec![cursor],
            pages: None,
            total: None,
        };
        let style: Style<Option<&'static str>> = Style::Cursor(|row| row.map(str::to_owned));
        assert_eq!(style.next(&Position::First, &page(None), 1), None);
        assert_eq!(
            style.next(&Position::Cursor("k1".into()), &page(Some("k1")), 2),
            None
        );
        assert_eq!(
            style.next(&Position::Cursor("k1".into()), &page(Some("k2")), 2),
            Some(Position::Cursor("k2".into()))
        );
        let empty = Page {
            rows: Vec::new(),
            pages: Some(9),
            total: Some(9),
        };
        assert_eq!(style.next(&Position::First, &empty, 0), None);
    }

    #[test]
    fn the_page_size_is_the_callers_limit_clamped_to_the_documented_maximum() {
        assert_eq!(page_size(None::<i64>, 1000, Some(1000)), 1000);
        assert_eq!(page_size(Some(25i64), 1000, Some(1000)), 25);
        assert_eq!(page_size(Some(5000i64), 1000, Some(1000)), 1000);
        assert_eq!(page_size(Some(0i64), 1000, Some(1000)), 1);
        assert_eq!(page_size(Some(-7i64), 1000, Some(1000)), 1);
        assert_eq!(page_size(Some(u64::MAX), 10, None), u64::MAX);
        assert_eq!(page_size(Some(u64::MAX), 10, Some(200)), 200);
        assert_eq!(page_size(None::<u64>, 10, None), 10);
    }

    #[tokio::test]
    async fn an_error_is_yielded_once_and_ends_the_stream() {
        let stream =
            rows::<u64, crate::api::testing::Status, _, _>(Style::Offset, |position| async move {
                match position {
                    Position::First => Ok(Page {
                        rows: vec![1, 2],
                        pages: None,
                        total: None,
                    }),
                    _ => Err(Error::InvalidRequest("page 2 failed".to_owned())),
                }
            });
        let items: Vec<_> = stream.collect().await;
        assert_eq!(items.len(), 3);
        assert!(items[2].is_err());
    }
}
