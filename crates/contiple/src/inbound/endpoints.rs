//! The endpoints themselves, on plain `http` types: [`Config`] (what the service registered),
//! [`Directory`] (what only the service knows) and [`Endpoints`], which answers a request for
//! any of them. A framework calls [`Endpoints::handle`] (dispatch by path) or
//! [`Endpoints::answer`] (one endpoint it routed itself).

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use http::request::Parts;
use http::{HeaderValue, Method, Request, Response, StatusCode};

use super::cors::HelpCenterOrigins;
use super::remote_login::{access_token_url, form_page};
use super::reply::{
    customer_data_body, json_response, login_status_body, text_response, token_verification_body,
};
use super::verify::{MemberQuery, Verdict, Verifier};
use crate::member::Member;
use crate::types::{
    CustomerDataResponse, CustomerDataResultData, MemberLoginStatus, MemberTokenVerification,
};
use crate::Client;

/// What only the service knows. Every method may look at a database or a session store.
pub trait Directory: Send + Sync + 'static {
    /// The member logged in for this request (from its session cookie), or `None`. Its
    /// `time_ms` and `return_url` are ignored: the endpoints set them.
    fn logged_in(&self, request: &Parts) -> impl Future<Output = Option<Member>> + Send;

    /// The member `usercode` as the service signed the help-center links it made for them
    /// (service id, usercode, username, email, phone, memberno), or `None` for an unknown
    /// usercode. Its `time_ms` is the time of the last link made, used when the help center's
    /// verification call carries no `time`. A token is valid when it is this member's, made
    /// with the organization key, and its time is inside the verifier's window.
    fn member(&self, usercode: &str) -> impl Future<Output = Option<Member>> + Send;

    /// The customer data for the phone number `tel_no` of a call inquiry, or `None`: its
    /// variables must be named after the ticket field codes configured in the console.
    fn customer_data(
        &self,
        tel_no: &str,
    ) -> impl Future<Output = Option<CustomerDataResultData>> + Send;
}

/// One of the endpoints a service serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// The login status URL (POST method): who is logged in, by session cookie, with CORS.
    LoginStatus,
    /// The token verification URL (GET method): is `token` the member `usercode`'s.
    TokenVerification,
    /// The login URL (POST method): log in if needed, then remote-login to `returnUrl`.
    Login,
    /// The customer data URL: the customer of `telNo`.
    CustomerData,
}

/// The paths the service serves the endpoints at (the URLs it registers in the console are
/// its origin plus these).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paths {
    /// The login status URL's path.
    pub login_status: String,
    /// The token verification URL's path.
    pub token_verification: String,
    /// The login URL's path.
    pub login: String,
    /// The customer data URL's path.
    pub customer_data: String,
}

impl Default for Paths {
    /// `/contiple/login-status`, `/contiple/token`, `/contiple/login` and
    /// `/contiple/customer`.
    fn default() -> Self {
        Self {
            login_status: "/contiple/login-status".to_owned(),
            token_verification: "/contiple/token".to_owned(),
            login: "/contiple/login".to_owned(),
            customer_data: "/contiple/customer".to_owned(),
        }
    }
}

impl Paths {
    /// The endpoint served at `path`.
    pub fn endpoint(&self, path: &str) -> Option<Endpoint> {
        [
            (&self.login_status, Endpoint::LoginStatus),
            (&self.token_verification, Endpoint::TokenVerification),
            (&self.login, Endpoint::Login),
            (&self.customer_data, Endpoint::CustomerData),
        ]
        .into_iter()
        .find(|(p, _)| *p == path)
        .map(|(_, endpoint)| endpoint)
    }
}

/// How the login URL hands a logged-in member to the help center.
#[derive(Clone, Debug)]
pub enum RemoteLogin {
    /// The browser posts an auto-submitted form to the help center (client side).
    Form,
    /// The service's server calls remote login with this client, then sends the browser to
    /// `returnUrl` with `accessToken` (server side).
    Server(Client),
}

/// What the service registered and signs with.
///
/// `Debug` never shows the organization key.
#[derive(Clone, Debug)]
pub struct Config {
    service_id: String,
    organization_key: secrecy::SecretString,
    origins: HelpCenterOrigins,
    login_page: String,
    paths: Paths,
    remote_login: RemoteLogin,
    verifier: Verifier,
}

impl Config {
    /// The endpoints of service `service_id`, signing with the OC organization key, trusting
    /// the help-center `origins`; a visitor who is not logged in is sent to `login_page` (the
    /// service's own login page) with the login URL to come back to as `returnUrl`. Defaults:
    /// [`Paths::default`], [`RemoteLogin::Form`], a 3-minute window on the system clock.
    pub fn new(
        service_id: impl Into<String>,
        organization_key: impl Into<String>,
        origins: HelpCenterOrigins,
        login_page: impl Into<String>,
    ) -> Self {
        let organization_key: String = organization_key.into();
        Self {
            service_id: service_id.into(),
            verifier: Verifier::new(organization_key.clone()),
            organization_key: organization_key.into(),
            origins,
            login_page: login_page.into(),
            paths: Paths::default(),
            remote_login: RemoteLogin::Form,
        }
    }

    /// Serves the endpoints at `paths`.
    #[must_use]
    pub fn paths(mut self, paths: Paths) -> Self {
        self.paths = paths;
        self
    }

    /// Hands members over with `remote_login`.
    #[must_use]
    pub fn remote_login(mut self, remote_login: RemoteLogin) -> Self {
        self.remote_login = remote_login;
        self
    }

    /// Reads the time (epoch milliseconds) from `clock`.
    #[must_use]
    pub fn clock(mut self, clock: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        self.verifier = self.verifier.with_clock(clock);
        self
    }

    /// How old a token's `time` may be (3 minutes by default).
    #[must_use]
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.verifier = self.verifier.with_max_age(max_age);
        self
    }

    /// The paths served.
    pub fn served_paths(&self) -> &Paths {
        &self.paths
    }

    /// The token verifier (organization key, clock, window).
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The trusted help-center origins.
    pub fn origins(&self) -> &HelpCenterOrigins {
        &self.origins
    }
}

/// The endpoints of one service: cheap to clone (shared).
pub struct Endpoints<D> {
    shared: Arc<(Config, D)>,
}

impl<D> Clone for Endpoints<D> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<D> fmt::Debug for Endpoints<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoints")
            .field("config", &self.shared.0)
            .finish_non_exhaustive()
    }
}

impl<D: Directory> Endpoints<D> {
    /// The endpoints of `config`, answering from `directory`.
    pub fn new(config: Config, directory: D) -> Self {
        Self {
            shared: Arc::new((config, directory)),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.shared.0
    }

    /// Answers `request` by its path; `404` for a path that is not an endpoint's. The body is
    /// not read (no endpoint has one).
    pub async fn handle<B>(&self, request: Request<B>) -> Response<String> {
        let (parts, _body) = request.into_parts();
        match self.config().paths.endpoint(parts.uri.path()) {
            Some(endpoint) => self.answer(endpoint, &parts).await,
            None => text_response(StatusCode::NOT_FOUND, "not found"),
        }
    }

    /// Answers a request for `endpoint` (which the caller routed).
    pub async fn answer(&self, endpoint: Endpoint, request: &Parts) -> Response<String> {
        let method = &request.method;
        match endpoint {
            Endpoint::LoginStatus if method == Method::OPTIONS => {
                self.config().origins.preflight(&request.headers)
            }
            _ if method != Method::GET && method != Method::HEAD => {
                let mut response =
                    text_response(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
                let allow = if endpoint == Endpoint::LoginStatus {
                    "GET, HEAD, OPTIONS"
                } else {
                    "GET, HEAD"
                };
                response
                    .headers_mut()
                    .insert(http::header::ALLOW, HeaderValue::from_static(allow));
                response
            }
            Endpoint::LoginStatus => self.login_status(request).await,
            Endpoint::TokenVerification => self.token_verification(request).await,
            Endpoint::Login => self.login(request).await,
            Endpoint::CustomerData => self.customer_data(request).await,
        }
    }

    fn directory(&self) -> &D {
        &self.shared.1
    }

    async fn login_status(&self, request: &Parts) -> Response<String> {
        let status = match self.directory().logged_in(request).await {
            Some(member) => MemberLoginStatus::logged_in(member.usercode),
            None => MemberLoginStatus::logged_out(),
        };
        let mut response = json_response(StatusCode::OK, login_status_body(&status));
        self.config()
            .origins
            .apply(&request.headers, response.headers_mut());
        response
    }

    async fn token_verification(&self, request: &Parts) -> Response<String> {
        let verdict = self.verdict(request.uri.query().unwrap_or_default()).await;
        let reply = match verdict {
            Ok((usercode, Verdict::Valid)) => MemberTokenVerification::logged_in(usercode),
            _ => MemberTokenVerification::logged_out(),
        };
        json_response(StatusCode::OK, token_verification_body(&reply))
    }

    /// The verdict on a token-verification query, with its usercode; `Err` for a malformed
    /// query or an unknown usercode.
    async fn verdict(&self, query: &str) -> Result<(String, Verdict), ()> {
        let query = MemberQuery::parse(query).map_err(|_| ())?;
        let mut member = self.directory().member(&query.usercode).await.ok_or(())?;
        member.usercode.clone_from(&query.usercode);
        member.service_id.clone_from(&self.config().service_id);
        if let Some(time) = query.time_ms {
            member.time_ms = time;
        }
        let verdict = self.config().verifier.verify(&member, &query.token);
        Ok((query.usercode, verdict))
    }

    async fn login(&self, request: &Parts) -> Response<String> {
        let config = self.config();
        let query = request.uri.query().unwrap_or_default();
        let return_url = url::form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "returnUrl")
            .map(|(_, value)| value.into_owned())
            .filter(|value| !value.trim().is_empty())
            .unwrap_or_else(|| format!("{}/{}/hc/", config.origins.primary(), config.service_id));
        if !config.origins.allows_url(&return_url) {
            return text_response(
                StatusCode::BAD_REQUEST,
                "returnUrl is not on an allowed help-center origin",
            );
        }
        let Some(mut member) = self.directory().logged_in(request).await else {
            return self.to_login_page(request);
        };
        member.service_id.clone_from(&config.service_id);
        member.time_ms = config.verifier.now_ms();
        match &config.remote_login {
            RemoteLogin::Form => {
                member.return_url = Some(return_url);
                let token = config.verifier.token(&member);
                let page = form_page(config.origins.primary(), &member, &token);
                let mut response = Response::new(page);
                let headers = response.headers_mut();
                headers.insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                );
                headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
                response
            }
            RemoteLogin::Server(client) => {
                use secrecy::ExposeSecret as _;
                member.return_url = None;
                let key = config.organization_key.expose_secret();
                match client.remote_login(&member, key).await {
                    Ok(access_token) => match access_token_url(&return_url, &access_token) {
                        Ok(location) => redirect(&location),
                        Err(_) => text_response(StatusCode::BAD_REQUEST, "bad returnUrl"),
                    },
                    Err(_) => text_response(
                        StatusCode::BAD_GATEWAY,
                        "the help center refused or did not answer the remote login",
                    ),
                }
            }
        }
    }

    /// Sends a visitor who is not logged in to the service's login page, with this request's
    /// URL (the login URL and its `returnUrl`) as the page's `returnUrl`.
    fn to_login_page(&self, request: &Parts) -> Response<String> {
        let here = request.uri.path_and_query().map_or_else(
            || self.config().paths.login.clone(),
            |pq| pq.as_str().to_owned(),
        );
        let page = &self.config().login_page;
        let separator = if page.contains('?') { '&' } else { '?' };
        let back: String = url::form_urlencoded::byte_serialize(here.as_bytes()).collect();
        redirect(&format!("{page}{separator}returnUrl={back}"))
    }

    async fn customer_data(&self, request: &Parts) -> Response<String> {
        let query = request.uri.query().unwrap_or_default();
        let tel_no = url::form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "telNo")
            .map(|(_, value)| value.trim().to_owned())
            .filter(|value| !value.is_empty());
        let reply = match tel_no {
            None => CustomerDataResponse::failed("1", "telNo is required"),
            Some(tel_no) => match self.directory().customer_data(&tel_no).await {
                Some(data) => CustomerDataResponse::found(data),
                None => CustomerDataResponse::failed("1", "no customer for this number"),
            },
        };
        json_response(StatusCode::OK, customer_data_body(&reply))
    }
}

fn redirect(location: &str) -> Response<String> {
    let mut response = Response::new(String::new());
    *response.status_mut() = StatusCode::FOUND;
    match HeaderValue::from_str(location) {
        Ok(value) => {
            response.headers_mut().insert(LOCATION, value);
            response
                .headers_mut()
                .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(_) => text_response(StatusCode::BAD_REQUEST, "bad redirect target"),
    }
}
