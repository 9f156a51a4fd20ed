//! `--fields a,b,c.d`: the columns of `--format table` and `--format csv`, each a path into a
//! row (`customer.email`; a number indexes an array: `tags.0`), and the text of one cell.
//!
//! Without `--fields`, an operation's documented default list is used (shown in its
//! `--help`), else the members of the first row that hold a scalar (text, number, boolean).

use serde_json::Value;

use crate::Usage;

/// One column: a path of members (or array indexes) into a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldPath {
    text: String,
    segments: Vec<String>,
}

impl FieldPath {
    /// A path such as `customer.email`; an empty segment (`a..b`, `.a`) is bad input.
    pub fn parse(text: &str) -> Result<Self, Usage> {
        let text = text.trim();
        let segments: Vec<String> = text.split('.').map(str::to_owned).collect();
        if text.is_empty() || segments.iter().any(String::is_empty) {
            return Err(Usage(format!(
                "--fields: `{text}` is not a field path (names joined by dots, e.g. customer.email)"
            )));
        }
        Ok(Self {
            text: text.to_owned(),
            segments,
        })
    }

    /// The path as given: the column's header.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The value at this path in `row`, if there is one.
    pub fn lookup<'a>(&self, row: &'a Value) -> Option<&'a Value> {
        self.segments
            .iter()
            .try_fold(row, |value, segment| match value {
                Value::Object(map) => map.get(segment),
                Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            })
    }
}

/// `a,b,c.d`: a comma-separated list of paths; an empty list is bad input.
pub fn parse_list(text: &str) -> Result<Vec<FieldPath>, Usage> {
    let fields = text
        .split(',')
        .map(FieldPath::parse)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(fields)
}

/// The columns of rows shown without `--fields` nor a default list: the members of `first`
/// that hold a scalar, in its order; a row that is not an object is one column, `value`.
pub fn of_first_row(first: &Value) -> Vec<FieldPath> {
    let scalar = |v: &Value| !matches!(v, Value::Object(_) | Value::Array(_));
    match first {
        Value::Object(map) => {
            let mut names: Vec<&String> = map
                .iter()
                .filter(|(_, v)| scalar(v))
                .map(|(k, _)| k)
                .collect();
            if names.is_empty() {
                names = map.keys().collect();
            }
            names
                .into_iter()
                .map(|name| FieldPath {
                    text: name.clone(),
                    segments: vec![name.clone()],
                })
                .collect()
        }
        _ => vec![FieldPath {
            text: "value".to_owned(),
            segments: Vec::new(),
        }],
    }
}

/// The text of a cell: a string as it is, a number or boolean as JSON, nothing for null or a
/// missing member, an array or object as compact JSON.
pub fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}
