//! Member integration: the member authentication token a service computes for the help
//! center, the help-center URL that logs a member in (GET method), and what the service's
//! token-verification and login-status URLs return.
//!
//! The token is `Base64(HmacSHA256(OC organization key, message))` where the message joins
//! with `&`, in this order: service id, usercode, then username, email, phone, memberno and
//! returnUrl each only when not blank, then the time in milliseconds. The key is the "OC
//! Organization Key" (Global Management → Contract Service Status → Organization Information),
//! not the Open API security key.

use crate::signing::signature;
use crate::types::{MemberLoginFlag, MemberLoginStatus, MemberTokenVerification};

/// The member a help-center link is for, and when it was made.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Member {
    /// The service id (`service`).
    pub service_id: String,
    /// The member's unique user id (`usercode`).
    pub usercode: String,
    /// `username`, optional.
    pub username: Option<String>,
    /// `email` (required by the GET page, optional on the POST page).
    pub email: Option<String>,
    /// `phone`, optional.
    pub phone: Option<String>,
    /// `memberno` (membership number), optional.
    pub memberno: Option<String>,
    /// `returnUrl`, optional.
    pub return_url: Option<String>,
    /// `time`: when the link is made, epoch milliseconds (the help center rejects old ones).
    pub time_ms: i64,
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.trim().is_empty())
}

impl Member {
    /// The message the token signs.
    pub fn token_message(&self) -> String {
        let mut parts: Vec<&str> = vec![&self.service_id, &self.usercode];
        parts.extend(
            [
                &self.username,
                &self.email,
                &self.phone,
                &self.memberno,
                &self.return_url,
            ]
            .into_iter()
            .filter_map(present),
        );
        let time = self.time_ms.to_string();
        parts.push(&time);
        parts.join("&")
    }

    /// The member authentication token, signed with the OC organization key.
    pub fn token(&self, organization_key: &str) -> String {
        signature(organization_key, &self.token_message())
    }

    /// The help-center URL that logs this member in (GET method): `help_center` is
    /// `https://{org}.oc.nhncloud.com` (or the alpha/beta host); parameters are URL-encoded,
    /// the token included.
    pub fn help_center_url(
        &self,
        help_center: &str,
        page: HelpCenterPage,
        organization_key: &str,
    ) -> String {
        let token = self.token(organization_key);
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("usercode", &self.usercode);
        for (name, value) in [
            ("username", &self.username),
            ("email", &self.email),
            ("phone", &self.phone),
            ("memberno", &self.memberno),
            ("returnUrl", &self.return_url),
        ] {
            if let Some(value) = present(value) {
                query.append_pair(name, value);
            }
        }
        query.append_pair("time", &self.time_ms.to_string());
        query.append_pair("token", &token);
        let service: String =
            url::form_urlencoded::byte_serialize(self.service_id.as_bytes()).collect();
        format!(
            "{}/{service}/hc/{}?{}",
            help_center.trim_end_matches('/'),
            page.path(),
            query.finish()
        )
    }
}

/// The help-center page a member link opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HelpCenterPage {
    /// `/hc/`: the help center's home.
    Home,
    /// `/hc/ticket/`: the inquiry page.
    Ticket,
    /// `/hc/ticket/list/`: the inquiry history.
    TicketList,
}

impl HelpCenterPage {
    fn path(self) -> &'static str {
        match self {
            Self::Home => "",
            Self::Ticket => "ticket/",
            Self::TicketList => "ticket/list/",
        }
    }
}

impl MemberTokenVerification {
    /// What the token-verification URL answers for a logged-in member.
    pub fn logged_in(usercode: impl Into<String>) -> Self {
        Self {
            login: MemberLoginFlag::True,
            usercode: Some(usercode.into()),
        }
    }

    /// What it answers when the token does not verify.
    pub fn logged_out() -> Self {
        Self {
            login: MemberLoginFlag::False,
            usercode: None,
        }
    }
}

impl MemberLoginStatus {
    /// What the login-status URL answers for a logged-in member.
    pub fn logged_in(usercode: impl Into<String>) -> Self {
        Self {
            login: MemberLoginFlag::True,
            usercode: Some(usercode.into()),
        }
    }

    /// What it answers for a visitor who is not logged in.
    pub fn logged_out() -> Self {
        Self {
            login: MemberLoginFlag::False,
            usercode: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{HelpCenterPage, Member};

    mod links;

    fn docs_sample() -> Member {
        Member {
            service_id: "hangame".to_owned(),
            usercode: "testusercode".to_owned(),
            username: Some("testUsername".to_owned()),
            email: Some("test@email.com".to_owned()),
            phone: Some("123456789".to_owned()),
            memberno: None,
            return_url: None,
            time_ms: 1_660_095_873_001,
        }
    }

    #[test]
    fn the_docs_sample_token() {
        let member = docs_sample();
        assert_eq!(
            member.token_message(),
            "hangame&testusercode&testUsername&test@email.com&123456789&1660095873001"
        );
        assert_eq!(
            member.token("7cf2828608274a49a3f06152b2188927"),
            "Ah9M58CQ9RFTShjFuqziQr+0MjmJxN6+bzWxMD71moo="
        );
    }

    #[test]
    fn blank_values_are_left_out() {
        let mut member = docs_sample();
        member.username = Some("  ".to_owned());
        member.phone = None;
        assert_eq!(
            member.token_message(),
            "hangame&testusercode&test@email.com&1660095873001"
        );
    }

    #[test]
    fn help_center_url_encodes_the_token() {
        let url = docs_sample().help_center_url(
            "https://nhn-cs.oc.nhncloud.com/",
            HelpCenterPage::TicketList,
            "7cf2828608274a49a3f06152b2188927",
        );
        assert_eq!(
            url,
            "https://nhn-cs.oc.nhncloud.com/hangame/hc/ticket/list/?usercode=testusercode\
             &username=testUsername&email=test%40email.com&phone=123456789&time=1660095873001\
             &token=Ah9M58CQ9RFTShjFuqziQr%2B0MjmJxN6%2BbzWxMD71moo%3D"
        );
    }
}
