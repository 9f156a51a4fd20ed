//! The endpoints as an axum `Router` (feature `axum`): each at the path the [`Config`] names,
//! answered by the framework-agnostic [`Endpoints`].

use axum::body::Body;
use axum::extract::Request;
use axum::routing::any;
use axum::Router;

use super::endpoints::{Config, Directory, Endpoint, Endpoints};

/// A `Router` serving the login status, token verification, login and customer data
/// endpoints at `config`'s paths, answering from `directory`. Merge it into the service's
/// router, or nest it.
pub fn router<S>(config: Config, directory: impl Directory) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let paths = config.served_paths().clone();
    let endpoints = Endpoints::new(config, directory);
    let mut router = Router::new();
    for (path, endpoint) in [
        (paths.login_status, Endpoint::LoginStatus),
        (paths.token_verification, Endpoint::TokenVerification),
        (paths.login, Endpoint::Login),
        (paths.customer_data, Endpoint::CustomerData),
    ] {
        let endpoints = endpoints.clone();
        router = router.route(
            &path,
            any(move |request: Request| async move {
                let (parts, _body) = request.into_parts();
                endpoints.answer(endpoint, &parts).await.map(Body::from)
            }),
        );
    }
    router
}
