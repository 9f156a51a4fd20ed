//! `--format table`: rows as a table as wide as the terminal (comfy-table wraps the widest
//! columns to fit); off a terminal, as wide as its content.

use comfy_table::{presets, ContentArrangement, Table};

/// The terminal's width in columns, when stdout is a terminal.
fn terminal_width() -> Option<u16> {
    console::Term::stdout()
        .size_checked()
        .map(|(_rows, columns)| columns)
        .filter(|&columns| columns > 0)
}

/// The table of `rows` under `headers`, fitted to the terminal's width.
pub fn render(headers: Vec<String>, rows: Vec<Vec<String>>) -> String {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    if let Some(width) = terminal_width() {
        table
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(width);
    }
    table.set_header(headers);
    for row in rows {
        table.add_row(row);
    }
    table.to_string()
}
