//! `--format json|jsonl|yaml|table|csv`, `--fields` and `--jq`: how an operation's payload, or
//! `--all`'s rows, are printed.
//!
//! - `json` (the default): the payload as pretty JSON; with `--all`, one JSON line per row.
//! - `jsonl`: one JSON line per row (the rows of a list's payload, else the payload).
//! - `yaml`: the payload as YAML; with `--all`, one YAML document per row.
//! - `table`: the rows as a table fitted to the terminal's width; with `--all` it holds every
//!   row until the last page (it has to measure every column).
//! - `csv`: RFC 4180, a header line then one line per row.
//!
//! With `--all`, `json`, `jsonl`, `yaml` and `csv` write each row as it arrives, holding no
//! more than a page. `--jq` runs before the format: each output of the program is printed (a
//! string as raw text in `json` and `jsonl`, as gh does), or is a row (`table`, `csv`).

use std::io::Write;

use serde_json::Value;

use crate::fields::{self, FieldPath};
use crate::jq::JqProgram;
use crate::{Failure, Usage};

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Pretty JSON (JSON lines with `--all`).
    Json,
    /// One JSON line per row.
    Jsonl,
    /// YAML (one document per row with `--all`).
    Yaml,
    /// A table as wide as the terminal.
    Table,
    /// RFC 4180 CSV with a header line.
    Csv,
}

impl Format {
    /// The names `--format` takes.
    pub const NAMES: [&'static str; 5] = ["json", "jsonl", "yaml", "table", "csv"];

    /// The format of a `--format` value.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "json" => Self::Json,
            "jsonl" => Self::Jsonl,
            "yaml" => Self::Yaml,
            "table" => Self::Table,
            "csv" => Self::Csv,
            _ => return None,
        })
    }
}

/// Where the output arguments show in an operation's help: after its own and before the
/// global ones.
const OUTPUT_ORDER: usize = 900;

/// `--format`, `--fields` and `--jq`, added to every operation that prints a payload;
/// `default_fields` (a list operation's columns) are named in the help of `--fields`.
pub fn output_args(default_fields: Option<&[&str]>) -> Vec<clap::Arg> {
    let fields_help = match default_fields {
        Some(list) => format!(
            "Columns of table and csv: paths into a row, comma-separated (customer.email) [default: {}]",
            list.join(",")
        ),
        None => "Columns of table and csv: paths into a row, comma-separated (customer.email) \
                 [default: the first row's text, number and boolean members]"
            .to_owned(),
    };
    vec![
        clap::Arg::new("format")
            .long("format")
            .value_name("FORMAT")
            .display_order(OUTPUT_ORDER)
            .value_parser(Format::NAMES)
            .help("Output format [default: json]")
            .long_help(
                "Output format: json (the default; JSON lines with --all), jsonl (one JSON line \
                 per row), yaml, table (fitted to the terminal; with --all it holds every row \
                 until the last page), csv (RFC 4180, a header line). With --all, json, jsonl, \
                 yaml and csv print each row as it arrives.",
            ),
        clap::Arg::new("fields")
            .long("fields")
            .value_name("A,B,C.D")
            .display_order(OUTPUT_ORDER)
            .help(fields_help),
        clap::Arg::new("jq")
            .long("jq")
            .value_name("EXPR")
            .display_order(OUTPUT_ORDER)
            .help("A jq program run on the payload (on each row with --all); strings print as raw text"),
    ]
}

/// How one command prints: the format, the columns and the jq program, checked before
/// anything is sent.
#[derive(Debug)]
pub struct Rendering {
    format: Format,
    fields: Option<Vec<FieldPath>>,
    jq: Option<JqProgram>,
    rows_member: Option<&'static str>,
}

impl Default for Rendering {
    fn default() -> Self {
        Self {
            format: Format::Json,
            fields: None,
            jq: None,
            rows_member: None,
        }
    }
}

impl Rendering {
    /// The rendering the operation's arguments ask for: `default_fields` when `--fields` is
    /// not given; `rows_member`, the payload member holding a list's rows. A bad `--fields`
    /// or `--jq` is a [`Usage`] error.
    pub fn from_matches(
        matches: &clap::ArgMatches,
        default_fields: Option<&[&str]>,
        rows_member: Option<&'static str>,
    ) -> Result<Self, Usage> {
        let has = |name: &str| matches.try_get_one::<String>(name).ok().flatten().cloned();
        let format = has("format")
            .as_deref()
            .map_or(Some(Format::Json), Format::parse)
            .ok_or_else(|| Usage("--format: one of json, jsonl, yaml, table, csv".to_owned()))?;
        let fields = match has("fields") {
            Some(text) => Some(fields::parse_list(&text)?),
            None => default_fields
                .map(|list| {
                    list.iter()
                        .map(|f| FieldPath::parse(f))
                        .collect::<Result<_, _>>()
                })
                .transpose()?,
        };
        let jq = has("jq").as_deref().map(JqProgram::compile).transpose()?;
        Ok(Self {
            format,
            fields,
            jq,
            rows_member,
        })
    }

    /// The format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The values to print for one payload or row: the jq program's outputs, else the value.
    fn filtered(&self, value: Value) -> Result<Vec<Value>, Usage> {
        match &self.jq {
            Some(program) => program.run(&value),
            None => Ok(vec![value]),
        }
    }

    /// The rows of a payload: a list operation's rows member or an array's items, else the
    /// payload as one row.
    fn rows_of(&self, payload: Value) -> Vec<Value> {
        match payload {
            Value::Array(items) => items,
            Value::Object(mut map) => {
                let member = self
                    .rows_member
                    .filter(|m| matches!(map.get(*m), Some(Value::Array(_))));
                match member.and_then(|m| map.remove(m)) {
                    Some(Value::Array(items)) => items,
                    _ => vec![Value::Object(map)],
                }
            }
            other => vec![other],
        }
    }

    /// Prints one payload (not `--all`).
    pub fn print_payload(&self, payload: Value, out: &mut dyn Write) -> anyhow::Result<()> {
        let outputs = self.filtered(payload)?;
        let filtered = self.jq.is_some();
        match self.format {
            Format::Json => {
                for value in outputs {
                    match value {
                        Value::String(text) if filtered => writeln!(out, "{text}")?,
                        value => writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?,
                    }
                }
            }
            Format::Yaml => {
                for (i, value) in outputs.iter().enumerate() {
                    if i > 0 {
                        writeln!(out, "---")?;
                    }
                    write!(out, "{}", yaml(value)?)?;
                }
            }
            Format::Jsonl | Format::Table | Format::Csv => {
                let rows: Vec<Value> = if filtered {
                    outputs
                        .into_iter()
                        .flat_map(|v| match v {
                            Value::Array(items) if self.format != Format::Jsonl => items,
                            other => vec![other],
                        })
                        .collect()
                } else {
                    outputs.into_iter().flat_map(|v| self.rows_of(v)).collect()
                };
                let mut writer = RowWriter::new(self, out);
                for row in rows {
                    writer.write(row)?;
                }
                writer.finish()?;
            }
        }
        Ok(())
    }

    /// The writer of `--all`'s rows.
    pub fn row_writer<'a>(&'a self, out: &'a mut dyn Write) -> RowWriter<'a> {
        RowWriter::new(self, out)
    }
}

/// A value as a YAML document, without serde_yaml's leading `---`.
fn yaml(value: &Value) -> Result<String, Failure> {
    serde_yaml::to_string(value).map_err(|err| Failure(format!("writing YAML: {err}")))
}

/// One CSV record (RFC 4180: quoted when it holds a comma, quote or line break; CRLF-free
/// `\n` line ends, as the csv crate writes by default).
fn csv_line<I, T>(cells: I) -> anyhow::Result<Vec<u8>>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    let mut writer = csv::WriterBuilder::new()
        .buffer_capacity(1024)
        .from_writer(Vec::new());
    writer.write_record(cells)?;
    writer
        .into_inner()
        .map_err(|err| Failure(format!("writing CSV: {err}")).into())
}

/// Writes rows one at a time in a [`Rendering`]'s format: each as it comes, except a table,
/// which is printed by [`RowWriter::finish`].
pub struct RowWriter<'a> {
    rendering: &'a Rendering,
    out: &'a mut dyn Write,
    columns: Option<Vec<FieldPath>>,
    csv_header: bool,
    table: Vec<Vec<String>>,
    rows: u64,
}

impl<'a> RowWriter<'a> {
    fn new(rendering: &'a Rendering, out: &'a mut dyn Write) -> Self {
        Self {
            rendering,
            out,
            columns: rendering.fields.clone(),
            csv_header: false,
            table: Vec::new(),
            rows: 0,
        }
    }

    /// The columns: `--fields` or the default list, else those of the first row.
    fn columns(&mut self, first: &Value) -> &[FieldPath] {
        self.columns
            .get_or_insert_with(|| fields::of_first_row(first))
    }

    /// Writes one row of `--all` through `--jq`, if given.
    pub fn write_filtered(&mut self, row: Value) -> anyhow::Result<()> {
        for value in self.rendering.filtered(row)? {
            self.write(value)?;
        }
        Ok(())
    }

    /// Writes one row.
    pub fn write(&mut self, row: Value) -> anyhow::Result<()> {
        let filtered = self.rendering.jq.is_some();
        match self.rendering.format {
            Format::Json | Format::Jsonl => match row {
                Value::String(text) if filtered => writeln!(self.out, "{text}")?,
                row => writeln!(self.out, "{}", serde_json::to_string(&row)?)?,
            },
            Format::Yaml => {
                writeln!(self.out, "---")?;
                write!(self.out, "{}", yaml(&row)?)?;
            }
            Format::Csv => {
                let columns = self.columns(&row).to_vec();
                if !self.csv_header {
                    self.out
                        .write_all(&csv_line(columns.iter().map(FieldPath::as_str))?)?;
                    self.csv_header = true;
                }
                let cells = columns.iter().map(|c| fields::cell(c.lookup(&row)));
                self.out.write_all(&csv_line(cells)?)?;
            }
            Format::Table => {
                let columns = self.columns(&row).to_vec();
                self.table.push(
                    columns
                        .iter()
                        .map(|c| fields::cell(c.lookup(&row)))
                        .collect(),
                );
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Ends the output: prints the table, flushes the rest.
    pub fn finish(mut self) -> anyhow::Result<()> {
        if self.rendering.format == Format::Csv && !self.csv_header {
            // No row: the header alone, when the columns are known.
            if let Some(columns) = &self.columns {
                self.out
                    .write_all(&csv_line(columns.iter().map(FieldPath::as_str))?)?;
            }
        }
        if self.rendering.format == Format::Table {
            let headers: Vec<String> = self
                .columns
                .clone()
                .unwrap_or_default()
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect();
            let table = crate::table::render(headers, std::mem::take(&mut self.table));
            writeln!(self.out, "{table}")?;
        }
        self.out.flush()?;
        Ok(())
    }
}
