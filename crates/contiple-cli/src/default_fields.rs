//! The columns `--format table` and `--format csv` show for each list operation when
//! `--fields` is not given (each operation's `--help` names them under `--fields`): the row's
//! identity, then what a support engineer scans first. Other operations show the first row's
//! text, number and boolean members.

/// Subcommand → its default columns.
pub const DEFAULT_FIELDS: &[(&str, &[&str])] = &[
    (
        "list-notices",
        &["noticeId", "title", "categoryName", "displayDt"],
    ),
    (
        "list-faqs",
        &["helpDocId", "title", "categoryName", "updatedDt"],
    ),
    (
        "list-customer-tickets",
        &[
            "ticketId",
            "subject",
            "statusName",
            "categoryName",
            "createdDt",
        ],
    ),
    ("list-agents", &["userId", "username", "usercode", "role"]),
];

/// The default columns of subcommand `name`, if it is a list operation.
pub fn of(name: &str) -> Option<&'static [&'static str]> {
    DEFAULT_FIELDS
        .iter()
        .find(|(operation, _)| *operation == name)
        .map(|(_, fields)| *fields)
}
