//! Signing in with a built-in account, and "who am I".

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::params::NoParams;
use crate::auth::passwords::verify_password;
use crate::auth::{SignedIn, User};
use crate::db::accounts;
use crate::error::{AppError, AppResult, Problem};
use crate::state::{self, AppState};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(issue_token).service(me);
}

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
async fn issue_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: super::Json<Credentials>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let Credentials { username, password } = body.into_inner();
    let (token, ttl) = sign_in(&state, &req, &username, password).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(TokenResponse {
            access_token: token,
            token_type: "Bearer",
            expires_in: ttl.as_secs(),
        }))
}

/// Who the token speaks for.
/// Checks a built-in account's password (with the sign-in brake) and issues its token: for
/// `POST /v1/auth/token` and the web page's sign-in.
pub async fn sign_in(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    username: &str,
    password: String,
) -> AppResult<(String, std::time::Duration)> {
    let Some(ttl) = state.auth.token_ttl() else {
        return Err(AppError::not_found(
            "tjänsten utfärdar inga egna token; logga in hos identitetsleverantören",
            "this service does not issue tokens; sign in with the identity provider",
        ));
    };
    crate::domain::text::check(username).map_err(|e| AppError::invalid("username", e))?;
    let client = state.auth.client_address(req);
    let name: String = username.trim().to_lowercase().chars().take(64).collect();
    let attempt = state
        .throttle
        .begin(&client, &name)
        .map_err(|wait| AppError::TooManyRequests {
            retry_after_seconds: wait.as_secs().max(1),
        })?;
    let _permit = state
        .throttle
        .checks
        .acquire()
        .await
        .map_err(|e| AppError::Unexpected(e.into()))?;
    let found = state::read(state, move |conn| accounts::find(conn, &name)).await?;
    let verified = web::block(move || {
        let ok = verify_password(&password, found.as_ref().map(|(_, hash)| hash.as_str()));
        found
            .filter(|(account, _)| ok && !account.disabled)
            .map(|(a, _)| a)
    })
    .await?;
    let Some(account) = verified else {
        if let Some(wait) = state.throttle.locked(&attempt) {
            log::warn!("sign-in locked for a client after repeated failures");
            return Err(AppError::TooManyRequests {
                retry_after_seconds: wait.as_secs().max(1),
            });
        }
        return Err(AppError::unauthorized(
            "fel användarnamn eller lösenord, eller ett avstängt konto",
            "wrong user name or password, or a disabled account",
        ));
    };
    state.throttle.succeeded(attempt);
    // An account made outside the service (`kontaktnav user add`) is not in the served
    // snapshot yet, and its token would be refused: read the directory again first.
    if state.directory.current().account(&account.username) != Some((account.version, false)) {
        state::refresh(state).await?;
    }
    let user = User {
        account_version: Some(account.version),
        ..User::new(
            account.username,
            Some(account.display_name),
            account.role,
            account.organisations,
        )
    };
    let token = state.auth.issue(&user, ttl).map_err(AppError::Unexpected)?;
    Ok((token, ttl))
}

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
async fn me(user: SignedIn, _: web::Query<NoParams>) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(&user.0))
}
