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
//! Every style stops on an empty page or one shorter than the page size.

use std::future::Future;

pub use futures::stream::BoxStream;
use futures::stream::{StreamExt, TryStreamExt};

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
    /// page. `seen` counts the rows so far, this page's included.
    fn next(
        self,
        position: &Position,
        page: &Page<T>,
        seen: u64,
        page_size: u64,
    ) -> Option<Position> {
        let count = page.rows.len() as u64;
        if count == 0 || count < page_size {
            return None;
        }
        match self {
            Self::Cursor(cursor_of) => page
                .rows
                .last()
                .and_then(cursor_of)
                .filter(|cursor| *position != Position::Cursor(cursor.clone()))
                .map(Position::Cursor),
            Self::Offset => Some(Position::Offset(seen)),
            Self::Page => {
                let number = match position {
                    Position::Page(number) => *number,
                    _ => 1,
                };
                match page.pages {
                    Some(pages) if number >= pages => None,
                    _ => Some(Position::Page(number + 1)),
                }
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

/// One page: its rows and, where the server says, the number of pages.
pub struct Page<T> {
    /// The rows.
    pub rows: Vec<T>,
    /// How many pages there are, if the server says.
    pub pages: Option<u64>,
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

/// The rows of every page: `fetch` requests the page at a [`Position`] with `page_size` rows.
pub fn rows<'a, T, E, F, Fut>(
    style: Style<T>,
    page_size: u64,
    fetch: F,
) -> BoxStream<'a, Result<T, Error<E>>>
where
    T: Send + 'a,
    E: Send + 'a,
    F: FnMut(Position) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, Error<E>>> + Send + 'a,
{
    let state = State {
        fetch,
        next: Some(Position::First),
        seen: 0,
    };
    futures::stream::try_unfold(state, move |mut state| async move {
        let Some(position) = state.next.take() else {
            return Ok::<_, Error<E>>(None);
        };
        let page = (state.fetch)(position.clone()).await?;
        state.seen += page.rows.len() as u64;
        state.next = style.next(&position, &page, state.seen, page_size);
        Ok(Some((page.rows, state)))
    })
    .map_ok(|rows| futures::stream::iter(rows.into_iter().map(Ok)))
    .try_flatten()
    .boxed()
}

/// A `progress` for [`write_json_lines`] that prints `<count> <what> written` to stderr every
/// `every` rows.
pub fn report_every(every: usize, what: &'static str) -> impl FnMut(usize) {
    move |count| {
        if count % every.max(1) == 0 {
            eprintln!("{count} {what} written");
        }
    }
}

/// Writes every row of `rows` to `out` as one JSON object per line (JSON lines), calling
/// `progress` with the count after each row; returns how many rows were written. Stops at the
/// first error: the stream's (an [`Error`]) or writing's.
pub async fn write_json_lines<T, E>(
    mut rows: BoxStream<'_, Result<T, Error<E>>>,
    mut out: impl std::io::Write,
    mut progress: impl FnMut(usize),
) -> Result<usize, Box<dyn std::error::Error + Send + Sync>>
where
    T: serde::Serialize,
    E: crate::ApiError,
{
    let mut count = 0;
    while let Some(row) = rows.try_next().await? {
        serde_json::to_writer(&mut out, &row)?;
        out.write_all(b"\n")?;
        count += 1;
        progress(count);
    }
    out.flush()?;
    Ok(count)
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;

    use super::{rows, Page, Position, Style};
    use crate::Error;

    async fn collect(style: Style<u64>, total: u64, page_size: u64) -> (Vec<u64>, Vec<Position>) {
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = requests.clone();
        let stream = rows::<u64, (), _, _>(style, page_size, move |position| {
            seen.lock().unwrap().push(position.clone());
            async move {
                let start = match position {
                    Position::First => 0,
                    Position::Cursor(c) => c.parse::<u64>().unwrap() + 1,
                    Position::Offset(o) => o,
                    Position::Page(p) => (p - 1) * page_size,
                };
                let rows: Vec<u64> = (start..total.min(start + page_size)).collect();
                Ok(Page {
                    rows,
                    pages: Some(total.div_ceil(page_size)),
                })
            }
        });
        let rows: Vec<u64> = stream.map(|r| r.unwrap()).collect().await;
        let requests = requests.lock().unwrap().clone();
        (rows, requests)
    }

    #[tokio::test]
    async fn every_style_yields_every_row_once_in_order() {
        for style in [
            Style::Cursor(|row: &u64| Some(row.to_string())),
            Style::Offset,
            Style::Page,
        ] {
            let (rows, requests) = collect(style, 25, 10).await;
            assert_eq!(rows, (0..25).collect::<Vec<_>>());
            assert_eq!(requests.len(), 3, "{requests:?}");
        }
        // An exact multiple: the page count stops the page style; the others ask once more.
        let (rows, requests) = collect(Style::Page, 20, 10).await;
        assert_eq!((rows.len(), requests.len()), (20, 2));
        let (rows, requests) = collect(Style::Offset, 20, 10).await;
        assert_eq!((rows.len(), requests.len()), (20, 3));
    }

    #[tokio::test]
    async fn an_error_is_yielded_once_and_ends_the_stream() {
        let stream = rows::<u64, (), _, _>(Style::Offset, 2, |position| async move {
            match position {
                Position::First => Ok(Page {
                    rows: vec![1, 2],
                    pages: None,
                }),
                _ => Err(Error::InvalidRequest("page 2 failed".to_owned())),
            }
        });
        let items: Vec<_> = stream.collect().await;
        assert_eq!(items.len(), 3);
        assert!(items[2].is_err());
    }
}
