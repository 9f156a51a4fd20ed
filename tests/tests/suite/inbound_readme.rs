//! The README's "Serving the help center" example, verbatim, and a check that it serves the
//! login status (a synthetic member and session cookie).

use contiple::inbound::{router, Config, Directory, HelpCenterOrigins, InvalidOrigin};
use contiple::member::Member;
use contiple::types::CustomerDataResultData;

struct Accounts;

impl Directory for Accounts {
    async fn logged_in(&self, request: &http::request::Parts) -> Option<Member> {
        let cookies = request.headers.get("cookie")?.to_str().ok()?;
        let usercode = cookies.split("; ").find_map(|c| c.strip_prefix("sid="))?; // your session lookup
        Some(Member {
            usercode: usercode.to_owned(),
            ..Member::default()
        })
    }
    async fn member(&self, usercode: &str) -> Option<Member> {
        Some(Member {
            usercode: usercode.to_owned(),
            ..Member::default()
        }) // as your links sign it
    }
    async fn customer_data(&self, tel_no: &str) -> Option<CustomerDataResultData> {
        let data = CustomerDataResultData::new("C-1", "Alice").field("grade", "VIP");
        (tel_no == "0312345678").then_some(data) // keys = the console's ticket field codes
    }
}

pub fn help_center_routes(organization_key: &str) -> Result<axum::Router, InvalidOrigin> {
    let origins = HelpCenterOrigins::organization("nhn-cs")?;
    let login_page = "https://service.example/signin";
    Ok(router(
        Config::new("hangame", organization_key, origins, login_page),
        Accounts,
    ))
}

#[tokio::test]
async fn the_readme_example_serves_the_login_status() {
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;

    let request = http::Request::get("/contiple/login-status")
        .header("origin", "https://nhn-cs.oc.nhncloud.com")
        .header("cookie", "theme=dark; sid=alice")
        .body(axum::body::Body::empty())
        .unwrap();
    let response = help_center_routes("organization-key")
        .unwrap()
        .oneshot(request)
        .await
        .unwrap();
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://nhn-cs.oc.nhncloud.com"
    );
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], br#"{"login":"true","usercode":"alice"}"#);
}
