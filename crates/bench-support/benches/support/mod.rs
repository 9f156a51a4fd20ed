//! What the LiveAgent benches share: synthetic pages built from the docs' example row (the
//! workspace's `bench-support` has the rest).

#![allow(dead_code)]
use bytes::Bytes;

/// One synthetic conversation: the docs' example row of `GET /conversations` with the id,
/// code, cursor and texts varied by `i`; `subject` replaces the subject when given.
pub fn conversation(i: usize, subject: Option<&str>) -> serde_json::Value {
    let subject = subject.map_or_else(|| format!("Test ticket {i}"), str::to_owned);
    serde_json::json!({
        "conversationid": format!("s4y{i:05}"), "code": format!("AX4-B4T-{i:05}"),
        "datecreated": "2012-03-02 11:21:04", "datechanged": "2012-03-02 11:21:05",
        "departmentname": "Department 1", "departmentid": "a5j9t4d8", "status": "A",
        "ownername": format!("John Owner {i}"), "owneremail": "john@owner.com",
        "subject": subject, "preview": format!("this is test ticket number {i}"),
        "publicurlcode": format!("bI5fR3oN{i:08}"), "tags": "tagid1,tagid2",
        "channel_type": "E", "messagegroupsin": "2", "messagegroupsout": "5",
        "cursor": format!("k{i}")
    })
}

/// A `listConversations` body with the rows `range` (synthetic); row `error_subject_at`, if
/// given, has the subject `"ERROR"`.
pub fn conversations_page(range: std::ops::Range<usize>, error_subject_at: Option<usize>) -> Bytes {
    let rows: Vec<_> = range
        .map(|i| conversation(i, (Some(i) == error_subject_at).then_some("ERROR")))
        .collect();
    Bytes::from(
        serde_json::to_vec(&serde_json::json!({"response": {"conversations": rows}})).unwrap(),
    )
}
