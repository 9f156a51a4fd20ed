//! Remote login, the last step of the login URL: the member's details and token handed to
//! the help center, either by the browser (an auto-submitted form posted to
//! `https://{domain}.oc.nhncloud.com/v2/enduser/remote.json`) or by the service's server
//! (`POST /api/v2/enduser/remote.json`, whose `result.content` the browser then carries to the
//! help center as `?accessToken=`).
//!
//! The two token messages differ: the form's includes `returnUrl` (the POST guide's
//! client-side formula), the server-side call's does not (its formula ends
//! `memberno & time`).

use std::fmt::Write as _;

use progenitor_client::{ClientInfo, OperationInfo};
use serde::Deserialize;

use crate::hooks::Contiple;
use crate::member::Member;
use crate::{Client, Error};

/// The path of the browser's remote login, on the help-center origin.
pub const FORM_PATH: &str = "/v2/enduser/remote.json";
/// The path of the server-side remote login, on the help-center origin.
pub const SERVER_PATH: &str = "/api/v2/enduser/remote.json";

/// A `returnUrl` that is not on an allowed help-center origin (an open redirect otherwise).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RejectedReturnUrl;

impl std::fmt::Display for RejectedReturnUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("returnUrl is not on an allowed help-center origin")
    }
}

impl std::error::Error for RejectedReturnUrl {}

/// The form parameters of remote login, in the guide's order: `service`, `usercode`, then
/// `username`, `email`, `phone`, `memberno` when not blank, `time`, `token`, and (form only)
/// `returnUrl`.
pub fn parameters(member: &Member, token: &str) -> Vec<(&'static str, String)> {
    let mut fields = vec![
        ("service", member.service_id.clone()),
        ("usercode", member.usercode.clone()),
    ];
    for (name, value) in [
        ("username", &member.username),
        ("email", &member.email),
        ("phone", &member.phone),
        ("memberno", &member.memberno),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            fields.push((name, value.to_owned()));
        }
    }
    fields.push(("time", member.time_ms.to_string()));
    fields.push(("token", token.to_owned()));
    if let Some(url) = member
        .return_url
        .as_deref()
        .filter(|v| !v.trim().is_empty())
    {
        fields.push(("returnUrl", url.to_owned()));
    }
    fields
}

/// The HTML page that posts the member to `{help_center}/v2/enduser/remote.json` as soon as
/// it loads (a button does it without JavaScript). `member` carries its `time` and
/// `returnUrl`; `token` is its token over both. Every value is HTML-escaped.
pub fn form_page(help_center: &str, member: &Member, token: &str) -> String {
    let action = format!("{}{FORM_PATH}", help_center.trim_end_matches('/'));
    let mut page = String::from(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Help center</title></head>\n\
         <body onload=\"document.forms[0].submit()\">\n",
    );
    let _ = writeln!(
        page,
        "<form method=\"post\" action=\"{}\" accept-charset=\"UTF-8\">",
        escape(&action)
    );
    for (name, value) in parameters(member, token) {
        let _ = writeln!(
            page,
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            escape(&value)
        );
    }
    page.push_str(
        "<noscript><button type=\"submit\">Continue</button></noscript>\n</form>\n</body></html>\n",
    );
    page
}

/// `text` with `&`, `<`, `>`, `"` and `'` as character references.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Where the browser goes after a server-side remote login: `return_url` with
/// `accessToken={access_token}` added to its query.
pub fn access_token_url(return_url: &str, access_token: &str) -> Result<String, RejectedReturnUrl> {
    let mut url = url::Url::parse(return_url).map_err(|_| RejectedReturnUrl)?;
    url.query_pairs_mut()
        .append_pair("accessToken", access_token);
    Ok(url.into())
}

#[derive(Deserialize)]
struct RemoteLoginEnvelope {
    result: Option<RemoteLoginResult>,
}

#[derive(Deserialize)]
struct RemoteLoginResult {
    content: Option<String>,
}

impl Client {
    /// Server-side remote login (`POST {help center}/api/v2/enduser/remote.json`, the
    /// client's base URL without its service id): logs `member` in and returns the access
    /// token (`result.content`), which the browser carries to the help center as
    /// `?accessToken=` ([`access_token_url`]).
    ///
    /// The token is made here from `member` (its `time_ms` is the token's `time`; its
    /// `returnUrl` is not part of this call) with the OC organization key. The request is not
    /// signed with the service's security key (the token authenticates it), but otherwise goes
    /// through the client as a generated operation does: timeouts, retries, the body cap,
    /// redaction and [`Error`].
    pub async fn remote_login(
        &self,
        member: &Member,
        organization_key: &str,
    ) -> Result<String, Error> {
        let mut member = member.clone();
        member.return_url = None;
        let token = member.token(organization_key);
        let service: String =
            url::form_urlencoded::byte_serialize(member.service_id.as_bytes()).collect();
        let base = self.baseurl();
        let origin = base.strip_suffix(&format!("/{service}")).unwrap_or(base);
        let request = self
            .client()
            .post(format!("{origin}{SERVER_PATH}"))
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&parameters(&member, &token))
            .build()
            .map_err(Error::from_transport)?;
        let info = OperationInfo {
            operation_id: "remote_login",
        };
        let response = helpdesk_client_runtime::__private::exec::execute::<Contiple>(
            self.client(),
            self.inner(),
            request,
            &info,
            false,
        )
        .await;
        let envelope: RemoteLoginEnvelope =
            helpdesk_client_runtime::__private::decode_response::<Contiple, _>(response).await?;
        envelope
            .result
            .and_then(|result| result.content)
            .filter(|content| !content.is_empty())
            .ok_or_else(|| {
                Error::InvalidRequest(
                    "remote login answered without an access token (`result.content`)".to_owned(),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_is_escaped() {
        let member = Member {
            service_id: "svc".to_owned(),
            usercode: "u\"><script>alert(1)</script>".to_owned(),
            username: Some("Kim & 'Lee'".to_owned()),
            return_url: Some("https://nhn-cs.oc.nhncloud.com/svc/hc/?a=1&b=2".to_owned()),
            time_ms: 1,
            ..Member::default()
        };
        let page = form_page("https://nhn-cs.oc.nhncloud.com", &member, "t+k=");
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains(
            "name=\"usercode\" value=\"u&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""
        ));
        assert!(page.contains("name=\"username\" value=\"Kim &amp; &#39;Lee&#39;\""));
        assert!(page.contains("value=\"https://nhn-cs.oc.nhncloud.com/svc/hc/?a=1&amp;b=2\""));
        assert!(page.contains("action=\"https://nhn-cs.oc.nhncloud.com/v2/enduser/remote.json\""));
        assert!(!page.contains("name=\"email\""));
    }

    #[test]
    fn the_access_token_joins_the_return_url() {
        assert_eq!(
            access_token_url("https://nhn-cs.oc.nhncloud.com/hangame/hc/", "a+b").unwrap(),
            "https://nhn-cs.oc.nhncloud.com/hangame/hc/?accessToken=a%2Bb"
        );
        assert_eq!(
            access_token_url("https://nhn-cs.oc.nhncloud.com/hangame/hc/ticket/?x=1", "t").unwrap(),
            "https://nhn-cs.oc.nhncloud.com/hangame/hc/ticket/?x=1&accessToken=t"
        );
    }
}
