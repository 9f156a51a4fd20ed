//! The columns `--format table` and `--format csv` show for each list operation when
//! `--fields` is not given (each operation's `--help` names them under `--fields`): the row's
//! identity, then what a support engineer scans first. Other operations show the first row's
//! text, number and boolean members.

/// Subcommand → its default columns.
pub const DEFAULT_FIELDS: &[(&str, &[&str])] = &[
    (
        "list-conversations",
        &[
            "conversationid",
            "code",
            "status",
            "subject",
            "ownername",
            "departmentname",
            "datecreated",
        ],
    ),
    (
        "list-knowledgebase-articles",
        &["kb_entry_id", "title", "rstatus", "urlcode"],
    ),
    (
        "list-knowledgebase-entries",
        &["kb_entry_id", "rtype", "title", "rstatus"],
    ),
    ("list-knowledgebases", &["kb_id", "name"]),
    (
        "get-agents-report",
        &[
            "contactid",
            "firstname",
            "lastname",
            "answers",
            "calls",
            "worktime",
        ],
    ),
    (
        "get-channels-report",
        &["id", "channelName", "answers", "chats", "calls"],
    ),
    (
        "get-departments-report",
        &["id", "departmentName", "answers", "chats", "calls"],
    ),
    (
        "get-performance-report",
        &["datetime", "answers", "chats", "calls"],
    ),
    (
        "get-tags-report",
        &["id", "tagName", "answers", "chats", "calls"],
    ),
    (
        "get-tickets-agents-availability-report",
        &[
            "contactid",
            "firstname",
            "lastname",
            "department_name",
            "hours_online",
        ],
    ),
    (
        "get-tickets-load-report",
        &["date", "avgQueue", "maxQueue", "avgService"],
    ),
    (
        "get-tickets-sla-compliance-report",
        &["date", "fulfilled", "unfulfilled", "avgFulfilledTime"],
    ),
    (
        "get-tickets-sla-log-report",
        &[
            "conversationid",
            "code",
            "sla_level_name",
            "date_created",
            "date_due",
            "date_closed",
        ],
    ),
];

/// The default columns of subcommand `name`, if it is a list operation.
pub fn of(name: &str) -> Option<&'static [&'static str]> {
    DEFAULT_FIELDS
        .iter()
        .find(|(operation, _)| *operation == name)
        .map(|(_, fields)| *fields)
}
