//! `--all`: every row of every page as JSON lines on stdout, with a progress bar on stderr
//! when stderr is a terminal ("1,234 rows, 13 pages, 120 rows/s, 00:00:04"), which leaves one
//! summary line when it clears ("1,234 rows in 13 pages, 4.2 s").
//!
//! Pages are counted, not estimated: a page is one request of the stream, and the runtime
//! sends every request in one `api_request` tracing span (see
//! `helpdesk_client_runtime::exec::execute`). A minimal tracing subscriber counts those spans
//! for the task that consumes the stream (a tokio task-local counter), so nothing else the
//! process sends is counted. The empty page that ends a stream is a page. After an error, or
//! if another subscriber was installed first, the summary gives rows and time only.

use std::fmt;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use helpdesk_client_runtime::paginate::BoxStream;
use helpdesk_client_runtime::ApiError;
use serde::Serialize;

use crate::Output;

/// The name of the tracing span the runtime opens for each request it sends.
const REQUEST_SPAN: &str = "api_request";

tokio::task_local! {
    /// The requests of the stream being consumed by this task.
    static REQUESTS: Arc<AtomicU64>;
}

/// Counts the runtime's request spans of the task consuming a stream ([`REQUESTS`]); every
/// other span and event is disabled.
struct RequestCounter;

impl tracing::Subscriber for RequestCounter {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.is_span() && metadata.name() == REQUEST_SPAN
    }

    fn new_span(&self, _span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let _ = REQUESTS.try_with(|requests| requests.fetch_add(1, Ordering::Relaxed));
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _span: &tracing::span::Id, _values: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _span: &tracing::span::Id, _follows: &tracing::span::Id) {}

    fn event(&self, _event: &tracing::Event<'_>) {}

    fn enter(&self, _span: &tracing::span::Id) {}

    fn exit(&self, _span: &tracing::span::Id) {}
}

/// Installs [`RequestCounter`] as the process's subscriber, once; `false` if another
/// subscriber was there first (then pages are not counted).
fn counting_requests() -> bool {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    *INSTALLED.get_or_init(|| tracing::subscriber::set_global_default(RequestCounter).is_ok())
}

/// What one `--all` run delivered: rows, pages (when counted) and time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tally {
    /// Rows written.
    pub rows: u64,
    /// Pages received, if counted (not after an error).
    pub pages: Option<u64>,
    /// Time from the first request to the end of the stream.
    pub elapsed: Duration,
}

/// `1 row`, `1,234 rows`: a count with thousands separators and the noun in the right number.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        indicatif::HumanCount(n),
        if n == 1 { one } else { many }
    )
}

/// `4.2 s` under a minute, `2 min 05 s` under an hour, `1 h 02 min` after.
pub fn duration(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs();
    match seconds {
        0..60 => format!("{:.1} s", elapsed.as_secs_f64()),
        60..3600 => format!("{} min {:02} s", seconds / 60, seconds % 60),
        _ => format!("{} h {:02} min", seconds / 3600, seconds % 3600 / 60),
    }
}

/// The summary line: `1,234 rows in 13 pages, 4.2 s` (`1,234 rows, 4.2 s` without pages).
impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&count(self.rows, "row", "rows"))?;
        if let Some(pages) = self.pages {
            write!(f, " in {}", count(pages, "page", "pages"))?;
        }
        write!(f, ", {}", duration(self.elapsed))
    }
}

/// The progress bar on a terminal: spinner, rows, pages (as its message), whole rows a
/// second, elapsed time.
fn progress_bar() -> indicatif::ProgressBar {
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    let style = indicatif::ProgressStyle::with_template("{spinner} {rows}{msg}, {rate}, {elapsed}")
        .expect("a valid template")
        .with_key(
            "rows",
            |state: &indicatif::ProgressState, w: &mut dyn fmt::Write| {
                let _ = w.write_str(&count(state.pos(), "row", "rows"));
            },
        )
        .with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn fmt::Write| {
                let _ = write!(w, "{:.0} rows/s", state.per_sec());
            },
        );
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// `--all`: every row of every page (the builder's generated `stream()`), one JSON line each,
/// with a progress bar on stderr when stderr is a terminal, which leaves the summary line.
pub async fn all_pages<T, E>(
    rows: BoxStream<'_, Result<T, helpdesk_client_runtime::Error<E>>>,
) -> anyhow::Result<()>
where
    T: Serialize,
    E: ApiError,
{
    let terminal = std::io::stderr().is_terminal();
    let progress = if terminal {
        progress_bar()
    } else {
        indicatif::ProgressBar::hidden()
    };
    let output = Output::new(false, "");
    let (tally, result) = write_rows(rows, &progress, |row| output.row(row)).await;
    progress.finish_and_clear();
    if terminal {
        eprintln!("{tally}");
    }
    result
}

/// Consumes `rows`, handing each to `write` (the progress bar suspended) and counting it on
/// `progress` (its message: the pages so far); returns the tally and the stream's error, if
/// any.
pub async fn write_rows<T, E>(
    mut rows: BoxStream<'_, Result<T, helpdesk_client_runtime::Error<E>>>,
    progress: &indicatif::ProgressBar,
    mut write: impl FnMut(&T),
) -> (Tally, anyhow::Result<()>)
where
    E: ApiError,
{
    let requests = Arc::new(AtomicU64::new(0));
    let counted = counting_requests();
    let started = Instant::now();
    let mut written = 0u64;
    let result = REQUESTS
        .scope(requests.clone(), async {
            loop {
                match rows.try_next().await {
                    Ok(Some(row)) => {
                        progress.suspend(|| write(&row));
                        progress.inc(1);
                        written += 1;
                        if counted {
                            let pages = requests.load(Ordering::Relaxed);
                            progress.set_message(format!(", {}", count(pages, "page", "pages")));
                        }
                    }
                    Ok(None) => break Ok(()),
                    Err(err) => break Err(anyhow::Error::new(err)),
                }
            }
        })
        .await;
    let tally = Tally {
        rows: written,
        pages: (counted && result.is_ok()).then(|| requests.load(Ordering::Relaxed)),
        elapsed: started.elapsed(),
    };
    (tally, result)
}
