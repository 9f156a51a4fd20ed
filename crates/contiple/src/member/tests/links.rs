//! The help-center links of each page (with and without a trailing `/` on the host, optional
//! values left out when blank, everything URL-encoded) and the answers a service's
//! member-integration URLs give.

use super::super::{HelpCenterPage, Member};
use crate::types::{MemberLoginFlag, MemberLoginStatus, MemberTokenVerification};

const KEY: &str = "synthetic-organization-key";

#[test]
fn each_page_has_its_path() {
    let member = Member {
        service_id: "svc".to_owned(),
        usercode: "u 1".to_owned(),
        memberno: Some("m&1".to_owned()),
        return_url: Some("https://example.com/back?x=1".to_owned()),
        email: Some("".to_owned()),
        time_ms: 42,
        ..Member::default()
    };
    let token = member.token(KEY);
    let encoded: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
    let query = format!(
        "usercode=u+1&memberno=m%261&returnUrl=https%3A%2F%2Fexample.com%2Fback%3Fx%3D1\
         &time=42&token={encoded}"
    );
    for (host, page, path) in [
        ("https://o.oc.nhncloud.com", HelpCenterPage::Home, ""),
        (
            "https://o.oc.nhncloud.com/",
            HelpCenterPage::Ticket,
            "ticket/",
        ),
        (
            "https://o.oc.nhncloud.com//",
            HelpCenterPage::TicketList,
            "ticket/list/",
        ),
    ] {
        assert_eq!(
            member.help_center_url(host, page, KEY),
            format!("https://o.oc.nhncloud.com/svc/hc/{path}?{query}"),
            "{page:?}"
        );
    }
    assert_eq!(
        member.token_message(),
        "svc&u 1&m&1&https://example.com/back?x=1&42"
    );
}

#[test]
fn the_answers_of_the_member_integration_urls() {
    let verified = MemberTokenVerification::logged_in("u1");
    assert_eq!(
        (verified.login, verified.usercode),
        (MemberLoginFlag::True, Some("u1".to_owned()))
    );
    let refused = MemberTokenVerification::logged_out();
    assert_eq!(
        (refused.login, refused.usercode),
        (MemberLoginFlag::False, None)
    );
    let status = MemberLoginStatus::logged_in("u2");
    assert_eq!(
        (status.login, status.usercode),
        (MemberLoginFlag::True, Some("u2".to_owned()))
    );
    let visitor = MemberLoginStatus::logged_out();
    assert_eq!(
        (visitor.login, visitor.usercode),
        (MemberLoginFlag::False, None)
    );
    assert_eq!(
        serde_json::to_string(&MemberLoginStatus::logged_out()).unwrap(),
        r#"{"login":"false","usercode":null}"#
    );
}
