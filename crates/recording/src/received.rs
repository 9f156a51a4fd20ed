//! Requests as a mock server received them, in the recordings' shape, so that a test or the
//! replay server can compare them with recorded requests.

use std::collections::BTreeMap;

use anyhow::Context;
use base64::Engine as _;
use serde::Serialize;

use crate::RecordedRequest;

/// What the client sent, as seen by the mock server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SentRequest {
    /// The request in the recording's shape (the stripped auth parameter removed from
    /// `query`; only the recorded headers kept in `headers`).
    pub request: RecordedRequest,
    /// The stripped auth query parameter (`apikey`), if there was exactly one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apikey: Option<String>,
    /// How many stripped auth parameters the request carried.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apikey_count: Option<usize>,
    /// The body's content type, if any.
    pub content_type: Option<String>,
    /// Every header sent, lower-case names (for checks; not snapshotted).
    #[serde(skip)]
    pub all_headers: BTreeMap<String, String>,
}

/// A request as a mock server received it, in the recordings' shape: `strip_query` taken out
/// of the query and counted, only the headers named in `keep_headers` kept in
/// `request.headers` (all of them are in `all_headers`).
pub fn parse_sent(
    request: &wiremock::Request,
    strip_query: Option<&str>,
    keep_headers: &BTreeMap<String, String>,
) -> anyhow::Result<SentRequest> {
    let mut query = BTreeMap::new();
    let mut stripped = Vec::new();
    for (name, value) in request.url.query_pairs() {
        if Some(name.as_ref()) == strip_query {
            stripped.push(value.into_owned());
        } else {
            anyhow::ensure!(
                query
                    .insert(name.clone().into_owned(), value.into_owned())
                    .is_none(),
                "query parameter `{name}` sent twice"
            );
        }
    }
    let all_headers: BTreeMap<String, String> = request
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_ascii_lowercase(),
                value.to_str().unwrap_or("<not UTF-8>").to_owned(),
            )
        })
        .collect();
    let headers = keep_headers
        .keys()
        .filter_map(|name| Some((name.clone(), all_headers.get(name)?.clone())))
        .collect();
    let content_type = all_headers.get("content-type").cloned();
    let mut sent = RecordedRequest {
        method: request.method.to_string(),
        path: request.url.path().to_owned(),
        query,
        headers,
        ..RecordedRequest::default()
    };
    if !request.body.is_empty() {
        let kind = content_type.as_deref().unwrap_or_default();
        if kind.starts_with("application/x-www-form-urlencoded") {
            let mut fields = BTreeMap::new();
            for (name, value) in url::form_urlencoded::parse(&request.body) {
                anyhow::ensure!(
                    fields
                        .insert(name.clone().into_owned(), value.into_owned())
                        .is_none(),
                    "form field `{name}` sent twice"
                );
            }
            sent.form = Some(fields);
        } else if kind.starts_with("multipart/form-data") {
            let (file_name, bytes) = multipart_file(kind, &request.body)?;
            sent.file_name = Some(file_name);
            sent.file_base64 = Some(base64::engine::general_purpose::STANDARD.encode(bytes));
        } else {
            sent.body_text = Some(
                String::from_utf8(request.body.clone()).context("the request body is not UTF-8")?,
            );
        }
    }
    Ok(SentRequest {
        request: sent,
        apikey_count: strip_query.map(|_| stripped.len()),
        apikey: stripped.pop(),
        content_type,
        all_headers,
    })
}

/// The file name and bytes of the `file` part of a multipart body.
pub fn multipart_file(content_type: &str, body: &[u8]) -> anyhow::Result<(String, Vec<u8>)> {
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .context("multipart content type without boundary")?
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let text = body;
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(at) = find(rest, delimiter.as_bytes()) {
        rest = &rest[at + delimiter.len()..];
        if rest.starts_with(b"--") {
            break;
        }
        let end = find(rest, delimiter.as_bytes()).context("unterminated multipart part")?;
        parts.push(&rest[..end]);
    }
    for part in parts {
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let split = find(part, b"\r\n\r\n").context("multipart part without headers")?;
        let head = String::from_utf8_lossy(&part[..split]);
        if !head.contains("name=\"file\"") {
            continue;
        }
        let file_name = head
            .split("filename=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_default()
            .to_owned();
        let content = &part[split + 4..];
        let content = content.strip_suffix(b"\r\n").unwrap_or(content);
        return Ok((file_name, content.to_vec()));
    }
    anyhow::bail!("multipart body without a `file` part")
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
