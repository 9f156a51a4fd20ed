//! `contiple::inbound` played by the help center: the axum router (`tower::ServiceExt::oneshot`)
//! and the same endpoints served by the core alone (a plain `tower::Service`), and the
//! server-side remote login against a wiremock `remote.json` that recomputes the member token
//! with its own HMAC (not `contiple::member`) and enforces the 180-second window.
//!
//! Every case is synthetic: the members, cookies and the remote login's access token are made
//! up; the organization key and the docs' sample member are the guide's.

use std::convert::Infallible;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use base64::Engine as _;
use contiple::inbound::{
    router, Config, Directory, Endpoints, HelpCenterOrigins, Paths, RemoteLogin,
};
use contiple::member::Member;
use contiple::types::CustomerDataResultData;
use hmac::{Hmac, Mac};
use http::request::Parts;
use http::{header, Method, Request, Response, StatusCode};
use http_body_util::BodyExt as _;
use sha2::Sha256;
use tower::ServiceExt as _;

/// The guide's organization key (its token sample's).
const KEY: &str = "7cf2828608274a49a3f06152b2188927";
const SERVICE: &str = "hangame";
const HELP_CENTER: &str = "https://nhn-cs.oc.nhncloud.com";
/// The injected clock's time, epoch milliseconds.
const NOW: i64 = 1_700_000_000_000;

/// A synthetic service: `sid=alice-session` is Alice's session; Bob exists but is not logged in.
struct Members;

fn alice() -> Member {
    Member {
        service_id: SERVICE.to_owned(),
        usercode: "alice".to_owned(),
        username: Some("Alice Kim".to_owned()),
        email: Some("alice+help@example.com".to_owned()),
        phone: Some("01012345678".to_owned()),
        ..Member::default()
    }
}

impl Directory for Members {
    async fn logged_in(&self, request: &Parts) -> Option<Member> {
        let cookies = request.headers.get(header::COOKIE)?.to_str().ok()?;
        cookies
            .split(';')
            .any(|c| c.trim() == "sid=alice-session")
            .then(alice)
    }

    async fn member(&self, usercode: &str) -> Option<Member> {
        match usercode {
            "alice" => Some(alice()),
            "bob" => Some(Member {
                service_id: SERVICE.to_owned(),
                usercode: "bob".to_owned(),
                ..Member::default()
            }),
            _ => None,
        }
    }

    async fn customer_data(&self, tel_no: &str) -> Option<CustomerDataResultData> {
        (tel_no == "0312345678").then(|| {
            CustomerDataResultData::new("C-1001", "Alice Kim")
                .field("grade", "VIP")
                .field("contractNo", "K-778")
                .field("region", "Seoul")
                .field("points", 1200)
                .field("lastOrder", "2024-05-01")
        })
    }
}

fn config() -> Config {
    Config::new(
        SERVICE,
        KEY,
        HelpCenterOrigins::organization("nhn-cs").unwrap(),
        "https://service.example/signin",
    )
    .clock(|| NOW)
}

/// An independent member token: HMAC-SHA256 over the guide's message, Base64.
fn hmac_token(message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(KEY.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

fn get(uri: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut builder = Request::builder().method(Method::GET).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Body::empty()).unwrap()
}

async fn via_axum(config: Config, request: Request<Body>) -> (Response<()>, String) {
    let response = router::<()>(config, Members)
        .oneshot(request)
        .await
        .unwrap();
    split(response).await
}

async fn split(response: Response<Body>) -> (Response<()>, String) {
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    (
        Response::from_parts(parts, ()),
        String::from_utf8(bytes.to_vec()).unwrap(),
    )
}

fn header<'a>(response: &'a Response<()>, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn login_status_for_an_allowed_origin_with_a_session_cookie() {
    let request = get(
        "/contiple/login-status",
        &[
            ("origin", HELP_CENTER),
            ("cookie", "theme=dark; sid=alice-session"),
        ],
    );
    let (response, body) = via_axum(config(), request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body, r#"{"login":"true","usercode":"alice"}"#);
    assert_eq!(
        header(&response, "access-control-allow-origin"),
        Some(HELP_CENTER)
    );
    assert_eq!(
        header(&response, "access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(header(&response, "vary"), Some("Origin"));
    assert_eq!(
        header(&response, "content-type"),
        Some("application/json;charset=UTF-8")
    );
}

#[tokio::test]
async fn a_foreign_origin_gets_no_cors_headers() {
    for origin in ["https://evil.example", "https://other-org.oc.nhncloud.com"] {
        let request = get(
            "/contiple/login-status",
            &[("origin", origin), ("cookie", "sid=alice-session")],
        );
        let (response, _) = via_axum(config(), request).await;
        assert_eq!(
            header(&response, "access-control-allow-origin"),
            None,
            "{origin}"
        );
        assert_eq!(header(&response, "access-control-allow-credentials"), None);
        assert_eq!(header(&response, "vary"), Some("Origin"));
    }
}

#[tokio::test]
async fn no_cookie_is_logged_out_with_a_null_usercode() {
    let request = get(
        "/contiple/login-status",
        &[("origin", "https://nhn-cs.oc.alpha-nhncloud.com")],
    );
    let (response, body) = via_axum(config(), request).await;
    assert_eq!(body, r#"{"login":"false","usercode":null}"#);
    assert_eq!(
        header(&response, "access-control-allow-origin"),
        Some("https://nhn-cs.oc.alpha-nhncloud.com")
    );
}

#[tokio::test]
async fn the_preflight_is_answered() {
    let request = Request::builder()
        .method(Method::OPTIONS)
        .uri("/contiple/login-status")
        .header("origin", HELP_CENTER)
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "x-requested-with")
        .body(Body::empty())
        .unwrap();
    let (response, body) = via_axum(config(), request).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(body.is_empty());
    assert_eq!(
        header(&response, "access-control-allow-origin"),
        Some(HELP_CENTER)
    );
    assert_eq!(
        header(&response, "access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(
        header(&response, "access-control-allow-methods"),
        Some("GET, OPTIONS")
    );
    assert_eq!(
        header(&response, "access-control-allow-headers"),
        Some("x-requested-with")
    );
    assert_eq!(header(&response, "vary"), Some("Origin"));
}

/// The token-verification query the help center sends for Alice, her token made at `time`.
fn verification_uri(usercode: &str, time: i64, token: &str) -> String {
    format!(
        "/contiple/token?usercode={usercode}&time={time}&token={}",
        encode(token)
    )
}

fn alice_token(time: i64) -> String {
    hmac_token(&format!(
        "{SERVICE}&alice&Alice Kim&alice+help@example.com&01012345678&{time}"
    ))
}

#[tokio::test]
async fn token_verification_accepts_the_members_token_and_refuses_the_rest() {
    let time = NOW - 60_000;
    let token = alice_token(time);
    let verify = |uri: String| async move {
        let (response, body) = via_axum(config(), get(&uri, &[])).await;
        assert_eq!(response.status(), StatusCode::OK);
        body
    };
    let logged_out = r#"{"login":"false","usercode":null}"#;
    assert_eq!(
        verify(verification_uri("alice", time, &token)).await,
        r#"{"login":"true","usercode":"alice"}"#
    );
    // A `+` of the token sent unencoded.
    let raw_plus = format!("/contiple/token?usercode=alice&time={time}&token={token}");
    assert_eq!(
        verify(raw_plus).await,
        r#"{"login":"true","usercode":"alice"}"#
    );

    let mut tampered = token.clone().into_bytes();
    tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    assert_eq!(
        verify(verification_uri("alice", time, &tampered)).await,
        logged_out
    );

    let old = NOW - 180_001;
    assert_eq!(
        verify(verification_uri("alice", old, &alice_token(old))).await,
        logged_out,
        "older than 3 minutes by the injected clock"
    );
    assert_eq!(
        verify(verification_uri("bob", time, &token)).await,
        logged_out
    );
    assert_eq!(
        verify(verification_uri("mallory", time, &token)).await,
        logged_out
    );
    assert_eq!(
        verify("/contiple/token?usercode=alice".to_owned()).await,
        logged_out
    );
}

fn hidden_fields(page: &str) -> Vec<(String, String)> {
    page.lines()
        .filter_map(|line| line.strip_prefix("<input type=\"hidden\" name=\""))
        .map(|rest| {
            let (name, rest) = rest.split_once("\" value=\"").unwrap();
            let value = rest.strip_suffix("\">").unwrap();
            (name.to_owned(), value.replace("&amp;", "&"))
        })
        .collect()
}

#[tokio::test]
async fn the_login_url_posts_the_member_to_the_help_center() {
    let return_url = format!("{HELP_CENTER}/{SERVICE}/hc/ticket/list/?page=2&x=1");
    let uri = format!("/contiple/login?returnUrl={}", encode(&return_url));
    let (response, page) = via_axum(config(), get(&uri, &[("cookie", "sid=alice-session")])).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header(&response, "content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(page.contains(&format!(
        "<form method=\"post\" action=\"{HELP_CENTER}/v2/enduser/remote.json\""
    )));
    assert!(page.contains("onload=\"document.forms[0].submit()\""));
    let expected_token = hmac_token(&format!(
        "{SERVICE}&alice&Alice Kim&alice+help@example.com&01012345678&{return_url}&{NOW}"
    ));
    let fields = hidden_fields(&page);
    let expected: Vec<(String, String)> = [
        ("service", SERVICE),
        ("usercode", "alice"),
        ("username", "Alice Kim"),
        ("email", "alice+help@example.com"),
        ("phone", "01012345678"),
        ("time", &NOW.to_string()),
        ("token", &expected_token),
        ("returnUrl", &return_url),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(fields, expected);
}

#[tokio::test]
async fn the_login_url_sends_a_visitor_to_the_services_login_page() {
    let return_url = format!("{HELP_CENTER}/{SERVICE}/hc/");
    let uri = format!("/contiple/login?returnUrl={}", encode(&return_url));
    let (response, _) = via_axum(config(), get(&uri, &[])).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        header(&response, "location").unwrap(),
        format!("https://service.example/signin?returnUrl={}", encode(&uri))
    );
}

#[tokio::test]
async fn a_return_url_on_another_host_is_refused() {
    for return_url in [
        "https://evil.example/hangame/hc/",
        "https://nhn-cs.oc.nhncloud.com.evil.example/",
        "//evil.example/",
        "javascript:alert(1)",
    ] {
        let uri = format!("/contiple/login?returnUrl={}", encode(return_url));
        let (response, page) =
            via_axum(config(), get(&uri, &[("cookie", "sid=alice-session")])).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{return_url}");
        assert!(!page.contains("token"), "{return_url}");
    }
}

const CUSTOMER: &str = r#"{"resultData":{"custId":"C-1001","custName":"Alice Kim","contractNo":"K-778","grade":"VIP","lastOrder":"2024-05-01","points":1200,"region":"Seoul"},"resultCode":"0","resultMsg":"success"}"#;

#[tokio::test]
async fn customer_data_keeps_every_field_code() {
    let (response, body) =
        via_axum(config(), get("/contiple/customer?telNo=0312345678", &[])).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body, CUSTOMER);
    let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(parsed["resultData"].as_object().unwrap().len(), 2 + 5);

    let (_, body) = via_axum(config(), get("/contiple/customer?telNo=0000", &[])).await;
    assert_eq!(
        body,
        r#"{"resultData":null,"resultCode":"1","resultMsg":"no customer for this number"}"#
    );
}

#[tokio::test]
async fn the_paths_are_the_services() {
    let paths = Paths {
        login_status: "/sso/status".to_owned(),
        token_verification: "/sso/verify".to_owned(),
        login: "/sso/login".to_owned(),
        customer_data: "/cti/customer".to_owned(),
    };
    let config = config().paths(paths);
    let (_, body) = via_axum(config.clone(), get("/cti/customer?telNo=0312345678", &[])).await;
    assert_eq!(body, CUSTOMER);
    let (response, _) = via_axum(config, get("/contiple/customer?telNo=0312345678", &[])).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

/// The core without axum: `Endpoints::handle` behind a plain `tower::Service`, on
/// `http::Request<()>`.
#[tokio::test]
async fn the_core_answers_without_axum() {
    let endpoints = Endpoints::new(config(), Members);
    let service = tower::service_fn(move |request: Request<()>| {
        let endpoints = endpoints.clone();
        async move { Ok::<_, Infallible>(endpoints.handle(request).await) }
    });
    let request = |uri: &str, headers: &[(&str, &str)]| {
        let mut builder = Request::builder().uri(uri);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).unwrap()
    };

    let response = service
        .clone()
        .oneshot(request(
            "/contiple/login-status",
            &[("origin", HELP_CENTER), ("cookie", "sid=alice-session")],
        ))
        .await
        .unwrap();
    assert_eq!(response.body(), r#"{"login":"true","usercode":"alice"}"#);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        HELP_CENTER
    );
    assert_eq!(response.headers()["vary"], "Origin");

    let time = NOW - 1_000;
    let response = service
        .clone()
        .oneshot(request(
            &verification_uri("alice", time, &alice_token(time)),
            &[],
        ))
        .await
        .unwrap();
    assert_eq!(response.body(), r#"{"login":"true","usercode":"alice"}"#);

    let response = service
        .clone()
        .oneshot(request("/contiple/customer?telNo=0312345678", &[]))
        .await
        .unwrap();
    assert_eq!(response.body(), CUSTOMER);

    let response = service.oneshot(request("/elsewhere", &[])).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

/// A synthetic `remote.json` (server side): it recomputes the token over the guide's
/// server-side message (no `returnUrl`) with its own HMAC and accepts a `time` at most 180
/// seconds old by the system clock.
struct RemoteJson;

impl wiremock::Respond for RemoteJson {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        let form: Vec<(String, String)> = url::form_urlencoded::parse(&request.body)
            .into_owned()
            .collect();
        let get = |name: &str| form.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        let mut message: Vec<String> = vec![
            get("service").unwrap_or_default(),
            get("usercode").unwrap_or_default(),
        ];
        for name in ["username", "email", "phone", "memberno"] {
            message.extend(get(name).filter(|v| !v.trim().is_empty()));
        }
        let time = get("time").unwrap_or_default();
        message.push(time.clone());
        let now = i64::try_from(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_millis(),
        )
        .unwrap();
        let fresh = time
            .parse::<i64>()
            .is_ok_and(|time| (now - time).abs() <= 180_000);
        let authentic = get("token") == Some(hmac_token(&message.join("&")));
        let (code, content) = if !authentic {
            (401, None)
        } else if !fresh {
            (408, None)
        } else {
            (200, Some("synthetic+access/token"))
        };
        wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "header": {"resultCode": code, "resultMessage": "", "isSuccessful": code == 200},
            "result": content.map(|content| serde_json::json!({"content": content})),
        }))
    }
}

fn system_now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

#[tokio::test]
async fn server_side_remote_login_passes_the_independent_check() {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path("/api/v2/enduser/remote.json"))
        .respond_with(RemoteJson)
        .mount(&server)
        .await;
    let client = contiple::ClientBuilder::new(
        server.uri(),
        contiple::Credentials::new(SERVICE, "org-id", "security-key"),
    )
    .retry(contiple::RetryPolicy::none())
    .build()
    .unwrap();

    // Through the router, on the system clock (the mock checks the window against it).
    let config = Config::new(
        SERVICE,
        KEY,
        HelpCenterOrigins::organization("nhn-cs").unwrap(),
        "https://service.example/signin",
    )
    .remote_login(RemoteLogin::Server(client.clone()));
    let return_url = format!("{HELP_CENTER}/{SERVICE}/hc/ticket/");
    let uri = format!("/contiple/login?returnUrl={}", encode(&return_url));
    let (response, _) = via_axum(config, get(&uri, &[("cookie", "sid=alice-session")])).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        header(&response, "location"),
        Some(format!("{return_url}?accessToken=synthetic%2Baccess%2Ftoken").as_str())
    );

    // The call alone: fresh passes, 181 seconds old is refused by the mock.
    let mut member = alice();
    member.time_ms = system_now();
    assert_eq!(
        client.remote_login(&member, KEY).await.unwrap(),
        "synthetic+access/token"
    );
    member.time_ms = system_now() - 181_000;
    let error = client.remote_login(&member, KEY).await.unwrap_err();
    assert_eq!(error.api_code().as_deref(), Some("408"), "{error}");
    member.time_ms = system_now();
    let error = client
        .remote_login(&member, "another-key")
        .await
        .unwrap_err();
    assert_eq!(error.api_code().as_deref(), Some("401"), "{error}");
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}
