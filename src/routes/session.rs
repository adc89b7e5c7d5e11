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
    /// The password meets the rules of when it was set, not today's (12 characters, not
    /// easy to guess): choose a new one (`PATCH /v1/accounts/{username}` by an admin, or
    /// "Byt lösenord" on the pages). The token works meanwhile.
    pub password_change_required: bool,
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
    let issued = accounts::issue_token(&state, &req, &username, password).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(TokenResponse {
            access_token: issued.token,
            token_type: "Bearer",
            expires_in: issued.ttl.as_secs(),
            password_change_required: issued.password_change_required,
        }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"present_password": "ett långt lösenord", "new_password": "häst batteri häftklammer"}))]
pub struct PasswordChange {
    present_password: String,
    /// 12–200 characters, not the user name, not easy to guess (a common password, a
    /// keyboard run, repeats).
    new_password: String,
}

/// Change your own password (a built-in account): the present one is checked as at sign-in
/// (with the same brake on failures), the new one against the rules. Every token of the
/// account issued before stops working; the answer is a new one.
#[utoipa::path(
    context_path = "/v1",
    tag = "auth",
    request_body = PasswordChange,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed; a new bearer token", body = TokenResponse),
        (status = 400, description = "The new password is too short or too long", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token, or the present password is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Signed in with the identity provider: the password is changed there", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The new password breaks a rule (white space only, the user name, easy to guess)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    body: super::Json<PasswordChange>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let PasswordChange {
        present_password,
        new_password,
    } = body.into_inner();
    let (user, ttl) =
        accounts::change_own_password(&state, &req, &user, present_password, new_password).await?;
    let token = state
        .auth
        .issue(&user, ttl)
        .map_err(crate::error::AppError::Unexpected)?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(TokenResponse {
            access_token: token,
            token_type: "Bearer",
            expires_in: ttl.as_secs(),
            password_change_required: false,
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
