//! How the generated types' fields become rows, counts and cursors (`IntoRows`, `AsCount`,
//! `AsCursor`: absent, negative and empty values are none), where a page-numbered stream ends on
//! the server's page count, and what `counting_pages` counts.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use futures::StreamExt;

use super::super::{counting_pages, rows, AsCount, AsCursor, IntoRows, Page, Position, Style};

#[test]
fn rows_are_the_vector_or_none_when_absent() {
    assert_eq!(IntoRows::<u8>::into_rows(vec![1u8, 2, 3]), vec![1, 2, 3]);
    assert_eq!(
        IntoRows::<u8>::into_rows(Vec::<u8>::new()),
        Vec::<u8>::new()
    );
    assert_eq!(IntoRows::<u8>::into_rows(Some(vec![4u8, 5])), vec![4, 5]);
    assert_eq!(IntoRows::<u8>::into_rows(None::<Vec<u8>>), Vec::<u8>::new());
}

#[test]
fn counts_are_the_non_negative_figures() {
    for (value, count) in [
        (0i64, Some(0)),
        (1, Some(1)),
        (7, Some(7)),
        (i64::MAX, Some(i64::MAX as u64)),
        (-1, None),
        (i64::MIN, None),
    ] {
        assert_eq!(value.as_count(), count, "{value}");
        assert_eq!(Some(value).as_count(), count, "Some({value})");
    }
    for value in [0u64, 1, 7, u64::MAX] {
        assert_eq!(value.as_count(), Some(value));
        assert_eq!(Some(value).as_count(), Some(value));
    }
    assert_eq!(None::<i64>.as_count(), None);
    assert_eq!(None::<u64>.as_count(), None);
}

#[test]
fn cursors_are_the_non_empty_strings() {
    for (cursor, expected) in [("", None), ("k", Some("k")), ("k1:2", Some("k1:2"))] {
        let expected = expected.map(str::to_owned);
        assert_eq!(cursor.to_owned().as_cursor(), expected, "{cursor:?}");
        assert_eq!(Some(cursor.to_owned()).as_cursor(), expected, "{cursor:?}");
    }
    assert_eq!(None::<String>.as_cursor(), None);
}

#[test]
fn the_page_count_ends_a_page_numbered_stream_on_its_last_page() {
    let page = |pages| Page {
        rows: vec![1u8],
        pages: Some(pages),
        total: None,
    };
    // (position, pages reported, next)
    for (position, pages, next) in [
        (Position::First, 1, None),
        (Position::First, 2, Some(Position::Page(2))),
        (Position::Page(1), 1, None),
        (Position::Page(1), 2, Some(Position::Page(2))),
        (Position::Page(2), 2, None),
        (Position::Page(2), 3, Some(Position::Page(3))),
        (Position::Page(5), 3, None),
        (Position::Page(0), 0, None),
    ] {
        assert_eq!(
            Style::Page.next(&position, &page(pages), 1),
            next,
            "{position:?} of {pages}"
        );
    }
}

#[test]
fn the_total_ends_a_stream_once_that_many_rows_arrived() {
    let page = Page {
        rows: vec![1u8],
        pages: None,
        total: Some(10),
    };
    for (seen, next) in [(9, Some(Position::Offset(9))), (10, None), (11, None)] {
        assert_eq!(
            Style::Offset.next(&Position::First, &page, seen),
            next,
            "{seen}"
        );
    }
}

/// Synthetic: a server with 5 rows, 2 a page, no figures: 3 pages and the empty one.
#[tokio::test]
async fn counting_pages_counts_every_page_fetched_the_last_empty_one_included() {
    let stream = || {
        rows::<u64, crate::api::testing::Status, _, _>(Style::Offset, |position| async move {
            let start = match position {
                Position::Offset(offset) => offset,
                _ => 0,
            };
            Ok(Page {
                rows: (start..5.min(start + 2)).collect(),
                pages: None,
                total: None,
            })
        })
    };
    let pages = Arc::new(AtomicU64::new(0));
    let read = counting_pages(pages.clone(), stream().collect::<Vec<_>>()).await;
    assert_eq!(read.len(), 5);
    assert_eq!(pages.load(Ordering::Relaxed), 4);
    // Outside `counting_pages`, nothing is counted (and nothing fails).
    assert_eq!(stream().collect::<Vec<_>>().await.len(), 5);
    assert_eq!(pages.load(Ordering::Relaxed), 4);
}
