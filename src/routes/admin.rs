//! What admins keep: organisations, areas and the built-in accounts. Same rules as units:
//! `If-Match` on every change, one audit event per write, nothing deleted.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::params::NoParams;
use super::views::{AreaView, OrganisationView};
use super::{IfMatch, present, with_etag};
use crate::auth::{Caller, SignedIn};
use crate::db::accounts::{self, Account};
use crate::db::reference as repo;
use crate::domain::edit::{AreaDraft, AreaPatch, OrganisationDraft, OrganisationPatch};
use crate::domain::{AreaKind, OrganisationKind, today};
use crate::error::{AppError, AppResult, Problem};
use crate::service::accounts::{self as service, AccountChangesBody, NewAccount};
use crate::service::write_meta;
use crate::state::{self, AppState};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(get_organisation)
        .service(create_organisation)
        .service(update_organisation)
        .service(deactivate_organisation)
        .service(get_area)
        .service(create_area)
        .service(update_area)
        .service(deactivate_area)
        .service(list_accounts)
        .service(create_account)
        .service(update_account);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "vardcentral-exempel", "name": "Exempelkliniken AB", "kind": "private", "reason": "ny vårdgivare"}))]
pub struct NewOrganisation {
    id: String,
    name: String,
    short_name: Option<String>,
    kind: OrganisationKind,
    parent_id: Option<String>,
    reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationChangesBody {
    name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    short_name: Option<Option<String>>,
    kind: Option<OrganisationKind>,
    #[serde(default, deserialize_with = "present")]
    parent_id: Option<Option<String>>,
    /// `null` makes a deactivated organisation active again.
    #[serde(default, deserialize_with = "present")]
    active_to: Option<Option<NaiveDate>>,
    reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewArea {
    id: String,
    name: String,
    kind: AreaKind,
    reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaChangesBody {
    name: Option<String>,
    kind: Option<AreaKind>,
    /// For a district: all its streets (replaces the list). A whole street is its name; part
    /// of one is an object with house numbers `from`–`to` and a `side` (`odd`, `even`).
    streets: Option<Vec<crate::domain::streets::StreetInput>>,
    #[serde(default, deserialize_with = "present")]
    active_to: Option<Option<NaiveDate>>,
    reason: Option<String>,
}

/// Ending an active period (organisations, areas).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndBody {
    /// The first day no longer active; default today.
    active_to: Option<NaiveDate>,
    reason: Option<String>,
}

fn not_found(what_sv: &str, what_en: &str, id: &str) -> AppError {
    AppError::not_found(
        format!("det finns {what_sv} med id {id}"),
        format!("there is no {what_en} with id {id}"),
    )
}

fn organisation_response(org: &crate::domain::Organisation, status: StatusCode) -> HttpResponse {
    with_etag(HttpResponse::build(status), org.version).json(OrganisationView::from(org))
}

fn area_response(area: &crate::domain::Area, status: StatusCode) -> HttpResponse {
    with_etag(HttpResponse::build(status), area.version).json(AreaView::from(area))
}

const PROBLEMS: &str = "400 invalid, 401 no token, 403 not an admin, 404 not found, 409 breaks a rule, 412 stale If-Match, 428 no If-Match";

/// One organisation, with its version as `ETag`.
#[utoipa::path(context_path = "/v1", tag = "reference", params(("id" = String, Path)), security(("bearer" = []), ()),
    responses((status = 200, description = "The organisation", body = OrganisationView, headers(("ETag" = String))),
              (status = "4XX", description = "401 no token, 404 not found", body = Problem, content_type = "application/problem+json")))]
#[get("/organisations/{id}")]
async fn get_organisation(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    caller.reader()?;
    let directory = state.directory.current();
    let org = directory
        .organisation(&id)
        .ok_or_else(|| not_found("ingen organisation", "organisation", &id))?;
    Ok(organisation_response(org, StatusCode::OK))
}

/// Create an organisation (admins).
#[utoipa::path(context_path = "/v1", tag = "admin", request_body = NewOrganisation, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = OrganisationView, headers(("ETag" = String))),
              (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json")))]
#[post("/organisations")]
async fn create_organisation(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    body: super::Json<NewOrganisation>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let user = user.admin()?;
    let b = body.into_inner();
    let meta = write_meta(user, &req, b.reason.as_deref())?;
    let org = OrganisationDraft {
        id: b.id,
        name: b.name,
        short_name: b.short_name,
        kind: b.kind,
        parent_id: b.parent_id,
    }
    .validate()?;
    let stored = org.clone();
    state::write(&state, move |conn| {
        repo::create_organisation(conn, &meta, &stored)
    })
    .await?;
    Ok(organisation_response(&org, StatusCode::CREATED))
}

/// Change an organisation (admins).
#[utoipa::path(context_path = "/v1", tag = "admin", params(("id" = String, Path), ("If-Match" = String, Header)),
    request_body = OrganisationChangesBody, security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = OrganisationView, headers(("ETag" = String))),
              (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json")))]
#[patch("/organisations/{id}")]
async fn update_organisation(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    id: web::Path<String>,
    if_match: IfMatch,
    body: super::Json<OrganisationChangesBody>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let user = user.admin()?;
    let version = if_match.required()?;
    let b = body.into_inner();
    let meta = write_meta(user, &req, b.reason.as_deref())?;
    let patch = OrganisationPatch {
        name: b.name,
        short_name: b.short_name,
        kind: b.kind,
        parent_id: b.parent_id,
        active_to: b.active_to,
    };
    let org = state::write(&state, move |conn| {
        repo::change_organisation(conn, &meta, &id, version, "organisation.update", |o| {
            patch.apply(o)
        })
    })
    .await?;
    Ok(organisation_response(&org, StatusCode::OK))
}

/// Deactivate an organisation (admins): refused while it has active units or sub-organisations.
#[utoipa::path(context_path = "/v1", tag = "admin", params(("id" = String, Path), ("If-Match" = String, Header)),
    request_body = EndBody, security(("bearer" = [])),
    responses((status = 200, description = "Deactivated", body = OrganisationView, headers(("ETag" = String))),
              (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json")))]
#[post("/organisations/{id}/deactivate")]
async fn deactivate_organisation(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    id: web::Path<String>,
    if_match: IfMatch,
    body: super::Json<EndBody>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let user = user.admin()?;
    let version = if_match.required()?;
    let b = body.into_inner();
    let meta = write_meta(user, &req, b.reason.as_deref())?;
    let day = b.active_to.unwrap_or_else(today);
    let patch = OrganisationPatch {
        active_to: Some(Some(day)),
        ..OrganisationPatch::default()
    };
    let org = state::write(&state, move |conn| {
        repo::change_organisation(conn, &meta, &id, version, "organisation.deactivate", |o| {
            patch.apply(o)
        })
    })
    .await?;
    Ok(organisation_response(&org, StatusCode::OK))
}

/// One area, with its version as `ETag`.
#[utoipa::path(context_path = "/v1", tag = "reference", params(("id" = String, Path)), security(("bearer" = []), ()),
    responses((status = 200, description = "The area", body = AreaView, headers(("ETag" = String))),
              (status = "4XX", description = "401 no token, 404 not found", body = Problem, content_type = "application/problem+json")))]
#[get("/areas/{id}")]
async fn get_area(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    caller.reader()?;
    let directory = state.directory.current();
    let area = directory
        .area(&id)
        .ok_or_else(|| not_found("inget område", "area", &id))?;
    Ok(area_response(area, StatusCode::OK))
}

/// Create an area (admins).
#[utoipa::path(context_path = "/v1", tag = "admin", request_body = NewArea, security(("bearer" = [])),
    responses((status = 201, description = "Created", body = AreaView, headers(("ETag" = String))),
              (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json")))]
#[post("/areas")]
async fn create_area(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    body: super::Json<NewArea>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let user = user.admin()?;
    let b = body.into_inner();
    let meta = write_meta(user, &req, b.reason.as_deref())?;
    let area = AreaDraft {
        id: b.id,
        name: b.name,
        kind: b.kind,
    }
    .validate()?;
    let stored = area.clone();
    state::write(&state, move |conn| repo::create_area(conn, &meta, &stored)).await?;
    Ok(area_response(&area, StatusCode::CREATED))
}

/// Change an area (admins).
#[utoipa::path(context_path = "/v1", tag = "admin", params(("id" = String, Path), ("If-Match" = String, Header)),
    request_body = AreaChangesBody, security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = AreaView, headers(("ETag" = String))),
              (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json")))]
#[patch("/areas/{id}")]
async fn update_area(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    id: web::Path<String>,
    if_match: IfMatch,
    body: super::Json<AreaChangesBody>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let user = user.admin()?;
    let version = if_match.required()?;
    let b = body.into_inner();
    let meta = write_meta(user, &req, b.reason.as_deref())?;
    let patch = AreaPatch {
        name: b.name,
        kind: b.kind,
        active_to: b.active_to,
        streets: b.streets,
    };
    let area = state::write(&state, move |conn| {
        repo::change_area(conn, &meta, &id, version, "area.update", |a| patch.apply(a))
    })
    .await?;
    Ok(area_response(&area, StatusCode::OK))
}

/// Deactivate an area (admins): refused while active units belong to it.
#[utoipa::path(context_path = "/v1", tag = "admin", params(("id" = String, Path), ("If-Match" = String, Header)),
    request_body = EndBody, security(("bearer" = [])),
    responses((status = 200, description = "Deactivated", body = AreaView, headers(("ETag" = String))),
              (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json")))]
#[post("/areas/{id}/deactivate")]
async fn deactivate_area(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    id: web::Path<String>,
    if_match: IfMatch,
    body: super::Json<EndBody>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let user = user.admin()?;
    let version = if_match.required()?;
    let b = body.into_inner();
    let meta = write_meta(user, &req, b.reason.as_deref())?;
    let day = b.active_to.unwrap_or_else(today);
    let patch = AreaPatch {
        active_to: Some(Some(day)),
        ..AreaPatch::default()
    };
    let area = state::write(&state, move |conn| {
        repo::change_area(conn, &meta, &id, version, "area.deactivate", |a| patch.apply(a))
    })
    .await?;
    Ok(area_response(&area, StatusCode::OK))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountList {
    pub items: Vec<Account>,
}

/// The built-in accounts (admins).
#[utoipa::path(context_path = "/v1", tag = "admin", security(("bearer" = [])),
    responses((status = 200, description = "Every account", body = AccountList),
              (status = "4XX", description = "401 no token, 403 not an admin", body = Problem, content_type = "application/problem+json")))]
#[get("/accounts")]
async fn list_accounts(
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
async fn create_account(
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
async fn update_account(
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
