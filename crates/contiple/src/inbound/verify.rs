//! Checking a member token: the HMAC compared in constant time, the age of its `time` against
//! an injectable clock, and a [`Member`] read from a help-center query string.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use crate::member::Member;
use crate::signing::{system_clock_ms, Clock};

/// How old a token's `time` may be by default: the POST method's guide shows a timeout when
/// "the call time exceeds 3 minutes".
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(180);

/// How far in the future a token's `time` may be by default (clocks of two servers differ).
pub const DEFAULT_MAX_SKEW: Duration = Duration::from_secs(30);

/// What checking a token said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The token is the member's, and its `time` is inside the window.
    Valid,
    /// The token is the member's, but its `time` is older than the maximum age, or later
    /// than now plus the allowed skew; `age_ms` is now minus `time` (negative: in the future).
    Expired {
        /// Now minus the token's `time`, in milliseconds.
        age_ms: i64,
    },
    /// The token is well formed but is not the member's (tampered, another member's, or made
    /// with another key).
    BadToken,
    /// The token is not a Base64 HMAC-SHA256 (32 bytes) at all.
    Malformed,
}

impl Verdict {
    /// Whether the member may be treated as logged in.
    pub fn is_valid(&self) -> bool {
        matches!(self, Self::Valid)
    }
}

/// Checks member tokens: the OC organization key, a clock and the window a token's `time`
/// must fall in (3 minutes old at most by default).
///
/// `Debug` never shows the key.
#[derive(Clone)]
pub struct Verifier {
    organization_key: Arc<SecretString>,
    clock: Clock,
    max_age: Duration,
    max_skew: Duration,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("organization_key", &"<redacted>")
            .field("max_age", &self.max_age)
            .field("max_skew", &self.max_skew)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier for tokens signed with the OC organization key (Global Management →
    /// Contract Service Status → Organization Information), on the system clock, with the
    /// default window ([`DEFAULT_MAX_AGE`], [`DEFAULT_MAX_SKEW`]).
    pub fn new(organization_key: impl Into<String>) -> Self {
        Self {
            organization_key: Arc::new(SecretString::from(organization_key.into())),
            clock: Arc::new(system_clock_ms),
            max_age: DEFAULT_MAX_AGE,
            max_skew: DEFAULT_MAX_SKEW,
        }
    }

    /// Reads the time (epoch milliseconds) from `clock` instead of the system clock.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How old a token's `time` may be.
    #[must_use]
    pub fn with_max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// How far in the future a token's `time` may be.
    #[must_use]
    pub fn with_max_skew(mut self, max_skew: Duration) -> Self {
        self.max_skew = max_skew;
        self
    }

    /// The clock's current time, epoch milliseconds.
    pub fn now_ms(&self) -> i64 {
        (self.clock)()
    }

    /// The token of `member` (its `time_ms` included), as [`Member::token`] computes it.
    pub fn token(&self, member: &Member) -> String {
        member.token(self.organization_key.expose_secret())
    }

    /// Checks `token` against `member` (whose `time_ms` is the token's `time`): the HMAC in
    /// constant time first, then the age. A `+` that arrived as a space is read as `+`.
    pub fn verify(&self, member: &Member, token: &str) -> Verdict {
        let token = token.trim().replace(' ', "+");
        let Ok(tag) = base64::engine::general_purpose::STANDARD.decode(token.as_bytes()) else {
            return Verdict::Malformed;
        };
        if tag.len() != 32 {
            return Verdict::Malformed;
        }
        let Ok(mut mac) =
            Hmac::<Sha256>::new_from_slice(self.organization_key.expose_secret().as_bytes())
        else {
            return Verdict::Malformed;
        };
        mac.update(member.token_message().as_bytes());
        if mac.verify_slice(&tag).is_err() {
            return Verdict::BadToken;
        }
        let age_ms = self.now_ms().saturating_sub(member.time_ms);
        let too_old = age_ms > millis(self.max_age);
        let too_new = age_ms < -millis(self.max_skew);
        if too_old || too_new {
            return Verdict::Expired { age_ms };
        }
        Verdict::Valid
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Why a query string does not describe a member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MalformedQuery {
    /// A required parameter (`usercode`, `token`, or `time` where a time is needed) is
    /// missing or blank.
    Missing(&'static str),
    /// `time` is not a whole number of milliseconds.
    BadTime,
}

impl fmt::Display for MalformedQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing(name) => write!(f, "the query has no `{name}`"),
            Self::BadTime => f.write_str("the query's `time` is not epoch milliseconds"),
        }
    }
}

impl std::error::Error for MalformedQuery {}

/// The member parameters of a help-center query string (the GET method's
/// `usercode`, `username`, `email`, `phone`, `memberno`, `returnUrl`, `time` and `token`),
/// percent-decoded; the service id is not among them.
#[derive(Clone, PartialEq, Eq)]
pub struct MemberQuery {
    /// `usercode`.
    pub usercode: String,
    /// `username`, when given and not blank.
    pub username: Option<String>,
    /// `email`, when given and not blank.
    pub email: Option<String>,
    /// `phone`, when given and not blank.
    pub phone: Option<String>,
    /// `memberno`, when given and not blank.
    pub memberno: Option<String>,
    /// `returnUrl`, when given and not blank.
    pub return_url: Option<String>,
    /// `time`, epoch milliseconds, when given.
    pub time_ms: Option<i64>,
    /// `token`, with a space (a `+` sent unencoded and decoded as form data) read as `+`.
    pub token: String,
}

impl fmt::Debug for MemberQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemberQuery")
            .field("usercode", &self.usercode)
            .field("time_ms", &self.time_ms)
            .field("token", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl MemberQuery {
    /// Reads a query string (without the `?`); the first value of a repeated name counts.
    pub fn parse(query: &str) -> Result<Self, MalformedQuery> {
        let mut values: Vec<(String, String)> = Vec::new();
        for (name, value) in url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
            if !values.iter().any(|(n, _)| *n == name) {
                values.push((name.into_owned(), value.into_owned()));
            }
        }
        let get = |name: &str| {
            values
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .filter(|v| !v.trim().is_empty())
        };
        let usercode = get("usercode").ok_or(MalformedQuery::Missing("usercode"))?;
        let token = get("token")
            .ok_or(MalformedQuery::Missing("token"))?
            .trim()
            .replace(' ', "+");
        let time_ms = match get("time") {
            Some(time) => Some(time.trim().parse().map_err(|_| MalformedQuery::BadTime)?),
            None => None,
        };
        Ok(Self {
            usercode,
            username: get("username"),
            // An address has no space: one here was a `+` sent unencoded.
            email: get("email").map(|email| email.replace(' ', "+")),
            phone: get("phone"),
            memberno: get("memberno"),
            return_url: get("returnUrl"),
            time_ms,
            token,
        })
    }

    /// The member of service `service_id` these parameters describe; fails without `time`.
    pub fn member(&self, service_id: &str) -> Result<Member, MalformedQuery> {
        Ok(Member {
            service_id: service_id.to_owned(),
            usercode: self.usercode.clone(),
            username: self.username.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            memberno: self.memberno.clone(),
            return_url: self.return_url.clone(),
            time_ms: self.time_ms.ok_or(MalformedQuery::Missing("time"))?,
        })
    }
}

impl Member {
    /// The member and token of a help-center query string (`usercode=…&time=…&token=…`) for
    /// service `service_id`. See [`MemberQuery::parse`].
    pub fn from_query(query: &str, service_id: &str) -> Result<(Member, String), MalformedQuery> {
        let query = MemberQuery::parse(query)?;
        let member = query.member(service_id)?;
        Ok((member, query.token))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "7cf2828608274a49a3f06152b2188927";
    const TOKEN: &str = "Ah9M58CQ9RFTShjFuqziQr+0MjmJxN6+bzWxMD71moo=";
    const TIME: i64 = 1_660_095_873_001;

    fn docs_sample() -> Member {
        Member {
            service_id: "hangame".to_owned(),
            usercode: "testusercode".to_owned(),
            username: Some("testUsername".to_owned()),
            email: Some("test@email.com".to_owned()),
            phone: Some("123456789".to_owned()),
            memberno: None,
            return_url: None,
            time_ms: TIME,
        }
    }

    fn verifier_at(now: i64) -> Verifier {
        Verifier::new(KEY).with_clock(move || now)
    }

    #[test]
    fn the_docs_sample_is_valid_within_three_minutes() {
        let member = docs_sample();
        assert_eq!(verifier_at(TIME).verify(&member, TOKEN), Verdict::Valid);
        assert_eq!(
            verifier_at(TIME + 180_000).verify(&member, TOKEN),
            Verdict::Valid
        );
        assert_eq!(
            verifier_at(TIME + 180_001).verify(&member, TOKEN),
            Verdict::Expired { age_ms: 180_001 }
        );
        assert_eq!(
            verifier_at(TIME - 30_001).verify(&member, TOKEN),
            Verdict::Expired { age_ms: -30_001 }
        );
        let longer = verifier_at(TIME + 600_000).with_max_age(Duration::from_secs(600));
        assert_eq!(longer.verify(&member, TOKEN), Verdict::Valid);
    }

    #[test]
    fn tampering_and_garbage_are_told_apart() {
        let member = docs_sample();
        let verifier = verifier_at(TIME);
        let tampered = TOKEN.replacen('A', "B", 1);
        assert_eq!(verifier.verify(&member, &tampered), Verdict::BadToken);
        let mut other = member.clone();
        other.usercode = "someoneelse".to_owned();
        assert_eq!(verifier.verify(&other, TOKEN), Verdict::BadToken);
        assert_eq!(verifier.verify(&member, "not base64!"), Verdict::Malformed);
        assert_eq!(verifier.verify(&member, "AAAA"), Verdict::Malformed);
        // A `+` decoded as a space.
        assert_eq!(
            verifier.verify(&member, &TOKEN.replace('+', " ")),
            Verdict::Valid
        );
    }

    #[test]
    fn a_query_with_an_unencoded_plus_gives_the_member_back() {
        let query = "usercode=testusercode&username=testUsername&email=test@email.com\
                     &phone=123456789&time=1660095873001\
                     &token=Ah9M58CQ9RFTShjFuqziQr+0MjmJxN6+bzWxMD71moo=";
        let (member, token) = Member::from_query(query, "hangame").unwrap();
        assert_eq!(member, docs_sample());
        assert_eq!(token, TOKEN);
        assert_eq!(verifier_at(TIME).verify(&member, &token), Verdict::Valid);

        let encoded = docs_sample().help_center_url(
            "https://nhn-cs.oc.nhncloud.com",
            crate::member::HelpCenterPage::Home,
            KEY,
        );
        let (_, query) = encoded.split_once('?').unwrap();
        assert_eq!(
            Member::from_query(query, "hangame").unwrap(),
            (docs_sample(), TOKEN.to_owned())
        );
    }

    #[test]
    fn malformed_queries_are_typed() {
        assert_eq!(
            MemberQuery::parse("token=x").unwrap_err(),
            MalformedQuery::Missing("usercode")
        );
        assert_eq!(
            MemberQuery::parse("usercode=a").unwrap_err(),
            MalformedQuery::Missing("token")
        );
        assert_eq!(
            MemberQuery::parse("usercode=a&token=x&time=soon").unwrap_err(),
            MalformedQuery::BadTime
        );
        assert_eq!(
            Member::from_query("usercode=a&token=x", "s").unwrap_err(),
            MalformedQuery::Missing("time")
        );
    }

    #[test]
    fn debug_hides_the_key_and_the_token() {
        let text = format!("{:?}", Verifier::new(KEY));
        assert!(!text.contains(KEY), "{text}");
        let query = MemberQuery::parse("usercode=a&token=secrettoken").unwrap();
        assert!(!format!("{query:?}").contains("secrettoken"));
    }
}
