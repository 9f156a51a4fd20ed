//! `--jq EXPR`: a jq program run on the payload (or on each row with `--all`) by jaq, the jq
//! implementation in Rust: jq's core, standard library and JSON functions, plus `@csv` and
//! `@tsv` defined here as jq defines them.
//!
//! The program is compiled before anything is sent: a syntax error or an undefined filter is
//! bad input (exit 2) naming its line and column in the expression. An error raised while the
//! program runs (`error("…")`, `.a.b` on a string) is exit 2 too.

use jaq_core::load::{self, Arena, File, Loader};
use jaq_core::{data, unwrap_valr, Compiler, Ctx, Vars};
use jaq_json::Val;
use serde_json::Value;

use crate::Usage;

/// The data jaq runs on: JSON values, no global data but the filters.
type Data = data::JustLut<Val>;

/// `@csv` and `@tsv` as jq 1.7 defines them (jaq has them in its `jaq-fmts` crate, with
/// readers and writers of several formats this command line does not need).
const FORMATS: &str = r#"
def @csv: if type != "array" then error("\(type) (\(tojson)) cannot be csv-formatted, only an array can be") else
  map(if type == "string" then "\"" + (split("\"") | join("\"\"")) + "\""
      elif type == "number" or type == "boolean" then tostring
      elif type == "null" then ""
      else error("\(type) (\(tojson)) is not valid in a csv row") end) | join(",") end;
def @tsv: if type != "array" then error("\(type) (\(tojson)) cannot be tsv-formatted, only an array can be") else
  map(if type == "string" then split("\\") | join("\\\\") | split("\t") | join("\\t") | split("\n") | join("\\n") | split("\r") | join("\\r")
      elif type == "number" or type == "boolean" then tostring
      elif type == "null" then ""
      else error("\(type) (\(tojson)) is not valid in a tsv row") end) | join("\t") end;
"#;

/// A compiled `--jq` program.
pub struct JqProgram {
    filter: jaq_core::compile::Filter<jaq_core::Native<Data>>,
}

impl std::fmt::Debug for JqProgram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JqProgram")
    }
}

/// `line:column` (both from 1) of the byte offset `at` of `code`.
fn position(code: &str, at: usize) -> String {
    let before = &code[..at.min(code.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .count()
        + 1;
    format!("{line}:{column}")
}

/// `found "x"` for the text at an error, `found the end` when there is none.
fn found(part: &str) -> String {
    let token: String = part.chars().take(20).collect();
    if token.is_empty() {
        "found the end of the expression".to_owned()
    } else {
        format!("found `{token}`")
    }
}

impl JqProgram {
    /// Compiles `code`; its syntax errors and undefined names are [`Usage`] errors with their
    /// position.
    pub fn compile(code: &str) -> Result<Self, Usage> {
        let formats = load::parse(FORMATS, |p| p.defs()).expect("the formats parse");
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs())
            .chain(formats);
        let funs = jaq_core::funs::<Data>()
            .chain(jaq_std::funs::<Data>())
            .chain(jaq_json::funs::<Data>());
        let arena = Arena::default();
        let loader = Loader::new(defs);
        let modules = loader
            .load(&arena, File { code, path: () })
            .map_err(|errors| {
                // What the lexer or the parser expected at `part` of the program.
                let expected = |expect: &str, part: &str| {
                    format!(
                        "{}: expected {expect}, {}",
                        position(code, load::span(code, part).start),
                        found(part)
                    )
                };
                let mut messages = Vec::new();
                for (_, error) in errors {
                    match error {
                        load::Error::Io(items) => {
                            messages.extend(items.into_iter().map(|(path, err)| {
                                format!(
                                    "{}: cannot load `{path}`: {err}",
                                    position(code, load::span(code, path).start)
                                )
                            }));
                        }
                        load::Error::Lex(items) => messages.extend(
                            items
                                .into_iter()
                                .map(|(expect, part)| expected(expect.as_str(), part)),
                        ),
                        load::Error::Parse(items) => messages.extend(
                            items
                                .into_iter()
                                .map(|(expect, part)| expected(expect.as_str(), part)),
                        ),
                    }
                }
                Usage(format!("--jq: {}", messages.join("; ")))
            })?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| {
                let messages: Vec<String> = errors
                    .into_iter()
                    .flat_map(|(_, items)| items)
                    .map(|(name, undefined)| {
                        format!(
                            "{}: undefined {} `{name}`",
                            position(code, load::span(code, name).start),
                            undefined.as_str()
                        )
                    })
                    .collect();
                Usage(format!("--jq: {}", messages.join("; ")))
            })?;
        Ok(Self { filter })
    }

    /// Every output of the program on `input`; an error raised by the program is a [`Usage`]
    /// error.
    pub fn run(&self, input: &Value) -> Result<Vec<Value>, Usage> {
        let text = serde_json::to_vec(input).expect("JSON values serialise");
        let input = jaq_json::read::parse_single(&text)
            .map_err(|err| Usage(format!("--jq: reading the input: {err}")))?;
        let ctx = Ctx::<Data>::new(&self.filter.lut, Vars::new([]));
        let mut outputs = Vec::new();
        for output in self.filter.id.run((ctx, input)).map(unwrap_valr) {
            let output = output.map_err(|err| Usage(format!("--jq: {err}")))?;
            outputs.push(to_json(&output)?);
        }
        Ok(outputs)
    }
}

/// A jaq value as JSON (a byte string as text, as jq has none).
fn to_json(value: &Val) -> Result<Value, Usage> {
    match value {
        Val::TStr(bytes) | Val::BStr(bytes) => {
            Ok(Value::String(String::from_utf8_lossy(bytes).into_owned()))
        }
        Val::Num(_) => {
            let text = value.to_string();
            // NaN and the infinities, which JSON has not: jq prints null and the largest
            // finite number.
            Ok(
                serde_json::from_str(&text).unwrap_or_else(|_| match text.as_str() {
                    "Infinity" => Value::from(f64::MAX),
                    "-Infinity" => Value::from(f64::MIN),
                    _ => Value::Null,
                }),
            )
        }
        _ => {
            let text = value.to_string();
            serde_json::from_str(&text)
                .map_err(|err| Usage(format!("--jq: an output is not JSON ({err}): {text}")))
        }
    }
}
