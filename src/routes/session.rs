//! Signing in with a built-in account, and "who am I".

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::params::NoParams;
use crate::auth::{SignedIn, User};
use crate::error::{AppResult, Problem};
use crate::service::accounts;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "redaktor.vaf", "password": "ett långt lösenord"}))]
pub struct Credentials {
    username: String,
    password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: u64,
}

/// Sign in with a built-in account: user name and password give a short-lived token.
///
/// Five failed attempts at one user name from one client within 15 minutes (or twenty at
/// any names) lock that client out for 15 minutes (429 with `Retry-After`).
#[utoipa::path(
    context_path = "/v1",
    tag = "auth",
    request_body = Credentials,
    security(()),
    responses(
        (status = 200, description = "A bearer token", body = TokenResponse),
        (status = 401, description = "Wrong user name or password, or a disabled account", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "This service does not issue tokens (LOCAL_AUTH=false)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/token")]
pub async fn issue_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: super::Json<Credentials>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let Credentials { username, password } = body.into_inner();
    let (token, ttl) = accounts::issue_token(&state, &req, &username, password).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(TokenResponse {
            access_token: token,
            token_type: "Bearer",
            expires_in: ttl.as_secs(),
        }))
}

/// Who the token speaks for.
#[utoipa::path(
    context_path = "/v1",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = User),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/auth/me")]
pub async fn me(user: SignedIn, _: web::Query<NoParams>) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(&user.0))
}
