//! Secret redaction: every secret a client is built with is masked wherever it appears in
//! text this crate renders (errors' `Display` and `Debug`, body excerpts, log fields).
//!
//! Servers echo keys back in messages, as JSON values or inside a wrongly typed field that a
//! decoder then quotes, so masking a pattern such as `apikey=` is not enough: the literal
//! value is masked. Secrets are registered once per process by the API crates' credential
//! types ([`register_secret`]); redaction then needs no access to the client that produced
//! the text, which is what lets an error be rendered safely anywhere.

use std::sync::{OnceLock, RwLock};

/// What a masked secret is replaced with.
pub const MASK: &str = "<redacted>";

/// Secrets shorter than this are not masked literally: masking a one-letter test key would
/// garble every message, and real keys are far longer (LiveAgent's and Contiple's are 32
/// characters).
pub const MIN_SECRET_LEN: usize = 8;

fn registry() -> &'static RwLock<Vec<String>> {
    static SECRETS: OnceLock<RwLock<Vec<String>>> = OnceLock::new();
    SECRETS.get_or_init(|| RwLock::new(Vec::new()))
}

/// Registers a secret so that [`redact`] masks it, verbatim and in its percent-encoded form.
/// Idempotent; secrets shorter than [`MIN_SECRET_LEN`] are ignored.
pub fn register_secret(secret: &str) {
    if secret.chars().count() < MIN_SECRET_LEN {
        return;
    }
    let encoded: String = url_encode(secret);
    let mut secrets = registry().write().unwrap_or_else(|e| e.into_inner());
    for form in [secret.to_owned(), encoded] {
        if !secrets.contains(&form) {
            secrets.push(form);
        }
    }
    // Longest first, so a secret containing another is masked whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Masks every registered secret, and the value of every `apikey=` query parameter, in
/// `text`.
pub fn redact(text: &str) -> String {
    let mut out = mask_query_values(text, "apikey=");
    let secrets = registry().read().unwrap_or_else(|e| e.into_inner());
    for secret in secrets.iter() {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), MASK);
        }
    }
    out
}

/// [`redact`] of a body rendered as (lossy) UTF-8.
pub fn redact_bytes(bytes: &[u8]) -> String {
    redact(&String::from_utf8_lossy(bytes))
}

/// Masks the value after every occurrence of `key` (e.g. `apikey=`).
fn mask_query_values(message: &str, key: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(key) {
        out.push_str(&rest[..at + key.len()]);
        out.push_str(MASK);
        rest = &rest[at + key.len()..];
        let end = rest
            .find(|c: char| c == '&' || c == '#' || c.is_whitespace() || c == '"' || c == ')')
            .unwrap_or(rest.len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::{redact, register_secret};

    #[test]
    fn masks_apikey_parameters() {
        assert_eq!(
            redact("GET http://h/api/tags?apikey=s3cret&x=1 and apikey=other"),
            "GET http://h/api/tags?apikey=<redacted>&x=1 and apikey=<redacted>"
        );
        assert_eq!(redact("no key here"), "no key here");
    }

    #[test]
    fn masks_registered_secrets_wherever_they_appear() {
        register_secret("redact-test-secret/+1");
        assert_eq!(
            redact(
                r#"{"message":"bad key redact-test-secret/+1","echo":"redact-test-secret%2F%2B1"}"#
            ),
            r#"{"message":"bad key <redacted>","echo":"<redacted>"}"#
        );
        register_secret("short");
        assert_eq!(redact("short"), "short");
    }
}
