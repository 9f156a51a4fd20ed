//! Request signing, exactly as the server checks it (the overview's "Authentication Method for
//! OC"), and the [`Credentials`] a client signs with.
//!
//! Signed calls (`/{serviceId}/openapi/v1/*` and `/{serviceId}/hc/openapi/v1/*`) carry
//! `Authorization: Base64(HmacSHA256(security key, message))` and `X-TC-Timestamp` (epoch
//! milliseconds, valid for 5 minutes). The message is the concatenation, without separators,
//! of the organization id, the request URI as sent (path including `/{serviceId}`, no host, no
//! query), then
//!
//! - for a multipart upload: the hex MD5 of the file, nothing else;
//! - otherwise: the query parameter values sorted by parameter name (case-sensitive, the first
//!   value of a repeated name) joined with `&`, then, when a body is sent, `&` (only if there
//!   were parameters) and the body text exactly as sent;
//!
//! and finally the timestamp. [`signing_message`], [`upload_signing_message`] and
//! [`signature`] are public so that users can debug a signature the server rejects.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use secrecy::{ExposeSecret as _, SecretString};
use sha2::Sha256;

/// The header carrying the signature.
pub const AUTHORIZATION: &str = "Authorization";
/// The header carrying the signing time.
pub const TIMESTAMP_HEADER: &str = "X-TC-Timestamp";

/// The message signed for a request that is not a multipart upload.
///
/// `path` is the request URI as sent (percent-encoded, with the service id, without the query);
/// `query` the decoded query parameters in the order sent; `body` the body text exactly as
/// sent, if any.
pub fn signing_message<'a>(
    organization_id: &str,
    path: &str,
    query: impl IntoIterator<Item = (&'a str, &'a str)>,
    body: Option<&str>,
    timestamp_ms: i64,
) -> String {
    // Like the server's `TreeMap<String, String[]>`: sorted by name, first value of a name.
    let mut sorted: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, value) in query {
        sorted.entry(name).or_insert(value);
    }
    let mut message = String::new();
    message.push_str(organization_id);
    message.push_str(path);
    let values: Vec<&str> = sorted.into_values().collect();
    message.push_str(&values.join("&"));
    if let Some(body) = body {
        if !values.is_empty() {
            message.push('&');
        }
        message.push_str(body);
    }
    message.push_str(&timestamp_ms.to_string());
    message
}

/// The message signed for a multipart upload: organization id, path, the hex MD5 of the file,
/// timestamp.
pub fn upload_signing_message(
    organization_id: &str,
    path: &str,
    file: &[u8],
    timestamp_ms: i64,
) -> String {
    let digest = Md5::digest(file);
    let mut message = String::new();
    message.push_str(organization_id);
    message.push_str(path);
    for byte in digest {
        message.push_str(&format!("{byte:02x}"));
    }
    message.push_str(&timestamp_ms.to_string());
    message
}

/// `Base64(HmacSHA256(security_key, message))`: the `Authorization` header's value.
pub fn signature(security_key: &str, message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(security_key.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(message.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// A clock giving the current time in epoch milliseconds.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The current time in epoch milliseconds.
pub fn system_clock_ms() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}

/// What a Contiple client signs with: the service id (in every path), the NHN Cloud
/// organization id and the service's security key ("Service Key"), and a clock.
///
/// `Debug` never shows the key, and every error and log line of the client masks it.
#[derive(Clone)]
pub struct Credentials {
    service_id: String,
    organization_id: String,
    security_key: SecretString,
    clock: Clock,
}

impl Credentials {
    /// Credentials with the system clock.
    pub fn new(
        service_id: impl Into<String>,
        organization_id: impl Into<String>,
        security_key: impl Into<String>,
    ) -> Self {
        Self {
            service_id: service_id.into(),
            organization_id: organization_id.into(),
            security_key: SecretString::from(security_key.into()),
            clock: Arc::new(system_clock_ms),
        }
    }

    /// Signs with this clock instead of the system's (for tests and replays).
    pub fn with_clock(mut self, clock: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The service id.
    pub fn service_id(&self) -> &str {
        &self.service_id
    }

    /// The organization id.
    pub fn organization_id(&self) -> &str {
        &self.organization_id
    }

    /// The time a request is signed at, in epoch milliseconds.
    pub fn now_ms(&self) -> i64 {
        (self.clock)()
    }

    /// The `Authorization` value of a message.
    pub fn sign(&self, message: &str) -> String {
        signature(self.security_key.expose_secret(), message)
    }

    /// Signs a built request that is not a multipart upload: sets `Authorization` and
    /// `X-TC-Timestamp` from its path, query and body as they will be sent.
    pub fn sign_request(&self, request: &mut reqwest::Request) {
        let timestamp = self.now_ms();
        let query: Vec<(String, String)> = request
            .url()
            .query_pairs()
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        let body = request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .filter(|bytes| !bytes.is_empty())
            .map(String::from_utf8_lossy);
        let message = signing_message(
            &self.organization_id,
            request.url().path(),
            query.iter().map(|(n, v)| (n.as_str(), v.as_str())),
            body.as_deref(),
            timestamp,
        );
        self.set_headers(request, &message, timestamp);
    }

    /// Signs a multipart upload of `file` to the request's path.
    pub fn sign_upload(&self, request: &mut reqwest::Request, file: &[u8]) {
        let timestamp = self.now_ms();
        let message =
            upload_signing_message(&self.organization_id, request.url().path(), file, timestamp);
        self.set_headers(request, &message, timestamp);
    }

    fn set_headers(&self, request: &mut reqwest::Request, message: &str, timestamp: i64) {
        let headers = request.headers_mut();
        let value = reqwest::header::HeaderValue::from_str(&self.sign(message))
            .expect("Base64 is a valid header value");
        headers.insert(reqwest::header::AUTHORIZATION, value);
        headers.insert(
            TIMESTAMP_HEADER,
            reqwest::header::HeaderValue::from(timestamp),
        );
    }
}

/// The generated `pre` hook signs every operation whose spec names the `ocSignature` scheme,
/// after progenitor has added all its headers and the body, so nothing it adds can break the
/// signature.
impl helpdesk_client_runtime::__private::Credentials for Credentials {
    fn authenticate(&self, request: &mut reqwest::Request) {
        self.sign_request(request);
    }

    /// One budget per service and key.
    fn rate_limit_key(&self) -> String {
        format!(
            "contiple:{}:{}",
            self.service_id,
            helpdesk_client_runtime::__private::secret_fingerprint(
                self.security_key.expose_secret()
            )
        )
    }

    /// The security key: never sent, but a server may echo it.
    fn secrets(&self) -> Vec<&str> {
        vec![self.security_key.expose_secret()]
    }

    /// Every path starts with the service id: it goes into the base URL.
    fn base_url(&self, base_url: &str) -> String {
        let service: String =
            url::form_urlencoded::byte_serialize(self.service_id.as_bytes()).collect();
        format!("{base_url}/{service}")
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("service_id", &self.service_id)
            .field("organization_id", &self.organization_id)
            .field("security_key", &"<redacted>")
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::{signature, signing_message, upload_signing_message};

    mod credentials;

    #[test]
    fn messages_follow_the_server_side_rules() {
        // The overview's GET example: values sorted by name, joined with `&`.
        assert_eq!(
            signing_message(
                "WopqM8euoYw89B7i",
                "/APISimple/openapi/v1/ticket/enduser/usercode/list.json",
                [("language", "ko"), ("categoryId", "1")],
                None,
                1_700_000_000_000,
            ),
            "WopqM8euoYw89B7i/APISimple/openapi/v1/ticket/enduser/usercode/list.json1&ko1700000000000"
        );
        // The POST example: parameters, `&`, the body.
        assert_eq!(
            signing_message(
                "org",
                "/S/openapi/v1/ticket.json",
                [("language", "ko")],
                Some("{}"),
                5
            ),
            "org/S/openapi/v1/ticket.jsonko&{}5"
        );
        // A body and no parameters: no `&`.
        assert_eq!(
            signing_message("org", "/S/x.json", [], Some("{\"a\":1}"), 5),
            "org/S/x.json{\"a\":1}5"
        );
        // Case-sensitive order (upper case first), first value of a repeated name.
        assert_eq!(
            signing_message(
                "o",
                "/p",
                [("b", "2"), ("B", "1"), ("a", "x"), ("a", "y")],
                None,
                0
            ),
            "o/p1&x&20"
        );
    }

    #[test]
    fn uploads_sign_the_files_md5() {
        assert_eq!(
            upload_signing_message("org", "/S/u.json", b"", 7),
            "org/S/u.jsond41d8cd98f00b204e9800998ecf8427e7"
        );
    }

    #[test]
    fn signature_is_base64_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", "what do ya want for nothing?"),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="
        );
    }
}
