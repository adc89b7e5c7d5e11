//! The built-in accounts (`/v1/accounts`, admins): list, create, change, through
//! `service::accounts`.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::SignedIn;
use crate::db::accounts;
use crate::db::accounts::Account;
use crate::error::{AppError, AppResult, Problem};
use crate::service::accounts::{AccountChangesBody, NewAccount};
use crate::service::{accounts as service, write_meta};
use crate::state;
use crate::state::AppState;

use super::organisations::PROBLEMS;
use super::params::NoParams;
use super::{IfMatch, with_etag};

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountList {
    pub items: Vec<Account>,
}

/// The built-in accounts (admins).
#[utoipa::path(context_path = "/v1", tag = "admin", security(("bearer" = [])),
    responses((status = 200, description = "Every account", body = AccountList),
              (status = "4XX", description = "401 no token, 403 not an admin", body = Problem, content_type = "application/problem+json")))]
#[get("/accounts")]
pub async fn list_accounts(
    state: web::Data<AppState>,
    user: SignedIn,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    user.admin()?;
    let items = state::read(&state, accounts::list).await?;
    Ok(HttpResponse::Ok().json(AccountList { items }))
}

/// Create a built-in account (admins).
#[utoipa::path(context_path = "/v1", tag = "admin", request_body = NewAccount, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Account, headers(("ETag" = String))),
              (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json")))]
#[post("/accounts")]
pub async fn create_account(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    body: super::Json<NewAccount>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let user = user.admin()?;
    let b = body.into_inner();
    let meta = write_meta(user, &req, b.reason.as_deref())?;
    let account = service::create(&state, meta, b).await?;
    Ok(with_etag(HttpResponse::Created(), account.version).json(account))
}

/// Change a built-in account (admins): name, password, role, organisations, disabled.
#[utoipa::path(context_path = "/v1", tag = "admin", params(("username" = String, Path), ("If-Match" = String, Header)),
    request_body = AccountChangesBody, security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = Account, headers(("ETag" = String))),
              (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json")))]
#[patch("/accounts/{username}")]
pub async fn update_account(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    username: web::Path<String>,
    if_match: IfMatch,
    body: super::Json<AccountChangesBody>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let user = user.admin()?;
    // The request's own form first: a precondition only counts for a request that could
    // otherwise succeed (RFC 9110, 13.2.1).
    let username = accounts::username(&username).map_err(|e| AppError::invalid("username", e))?;
    let version = if_match.required()?;
    let b = body.into_inner();
    let meta = write_meta(user, &req, b.reason.as_deref())?;
    let account = service::change(&state, meta, username, version, b).await?;
    Ok(with_etag(HttpResponse::Ok(), account.version).json(account))
}
