//! `--all`: every row of every page on stdout (JSON lines, or the rows of `--format`), with a progress bar on stderr
//! when stderr is a terminal ("1,234 rows, 13 pages, 120 rows/s, 00:00:04"), which leaves one
//! summary line when it clears ("1,234 rows in 13 pages, 4.2 s").
//!
//! Pages are counted, not estimated: the runtime's paging loop counts every page it fetches
//! for the future that reads the stream (`paginate::counting_pages`), the empty page that ends
//! a stream included. After an error the summary gives rows and time only.

use std::fmt;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use helpdesk_client_runtime::__private::paginate::counting_pages;
use helpdesk_client_runtime::__private::Api;
use helpdesk_client_runtime::reexports::BoxStream;
use serde::Serialize;

use crate::Output;

/// What one `--all` run delivered: rows, pages (when counted) and time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tally {
    /// Rows written.
    pub rows: u64,
    /// Pages received (not counted after an error).
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

/// `--all`: every row of every page (the builder's generated `stream()`) through `output`'s
/// `--jq` and format, each row written as it arrives (a table: at the end), with a progress
/// bar on stderr when stderr is a terminal, which leaves the summary line.
pub async fn all_pages<T, A>(
    output: &Output,
    rows: BoxStream<'_, Result<T, helpdesk_client_runtime::Error<A>>>,
) -> anyhow::Result<()>
where
    T: Serialize,
    A: Api,
{
    let terminal = std::io::stderr().is_terminal();
    let progress = if terminal {
        progress_bar()
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut stdout = std::io::stdout().lock();
    let mut writer = output.rendering().row_writer(&mut stdout);
    let (tally, result) = try_write_rows(rows, &progress, |row| {
        let value = serde_json::to_value(row).expect("generated types serialise");
        writer.write_filtered(value)
    })
    .await;
    progress.finish_and_clear();
    if terminal {
        eprintln!("{tally}");
    }
    match result {
        Ok(()) => {}
        Err(Stopped(err, true)) => {
            drop(writer);
            drop(stdout);
            crate::exit_on_output_error(&err);
        }
        Err(Stopped(err, false)) => return Err(err),
    }
    if let Err(err) = writer.finish() {
        drop(stdout);
        crate::exit_on_output_error(&err);
    }
    Ok(())
}

/// Consumes `rows`, handing each to `write` (the progress bar suspended) and counting it on
/// `progress` (its message: the pages so far); returns the tally and the stream's error, if
/// any.
pub async fn write_rows<T, A>(
    rows: BoxStream<'_, Result<T, helpdesk_client_runtime::Error<A>>>,
    progress: &indicatif::ProgressBar,
    mut write: impl FnMut(&T),
) -> (Tally, anyhow::Result<()>)
where
    A: Api,
{
    let (tally, result) = try_write_rows(rows, progress, |row| {
        write(row);
        Ok(())
    })
    .await;
    (tally, result.map_err(|err| err.0))
}

/// Why [`try_write_rows`] stopped: the stream's error, or `write`'s (`by_writer`).
#[derive(Debug)]
pub struct Stopped(pub anyhow::Error, pub bool);

/// [`write_rows`] with a fallible `write`: its first error stops the stream (no further page
/// is fetched).
pub async fn try_write_rows<T, A>(
    mut rows: BoxStream<'_, Result<T, helpdesk_client_runtime::Error<A>>>,
    progress: &indicatif::ProgressBar,
    mut write: impl FnMut(&T) -> anyhow::Result<()>,
) -> (Tally, Result<(), Stopped>)
where
    A: Api,
{
    let pages = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut written = 0u64;
    let result = counting_pages(pages.clone(), async {
        loop {
            match rows.try_next().await {
                Ok(Some(row)) => {
                    if let Err(err) = progress.suspend(|| write(&row)) {
                        break Err(Stopped(err, true));
                    }
                    progress.inc(1);
                    written += 1;
                    let pages = pages.load(Ordering::Relaxed);
                    progress.set_message(format!(", {}", count(pages, "page", "pages")));
                }
                Ok(None) => break Ok(()),
                Err(err) => break Err(Stopped(anyhow::Error::new(err), false)),
            }
        }
    })
    .await;
    let tally = Tally {
        rows: written,
        pages: result.is_ok().then(|| pages.load(Ordering::Relaxed)),
        elapsed: started.elapsed(),
    };
    (tally, result)
}
