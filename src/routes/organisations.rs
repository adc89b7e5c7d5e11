//! Organisations (`/v1/organisations`): read, create, change, end (admins write).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::{Caller, SignedIn};
use crate::db::reference as repo;
use crate::domain::edit::{OrganisationDraft, OrganisationPatch};
use crate::domain::{OrganisationKind, today};
use crate::error::{AppError, AppResult, Problem};
use crate::service::write_meta;
use crate::state;
use crate::state::AppState;

use super::params::NoParams;
use super::views::{OrganisationList, OrganisationView};
use super::{IfMatch, present, with_etag};

/// Organisations: Borås Stad and its administrations, the region, private providers.
#[utoipa::path(context_path = "/v1", tag = "reference", security(("bearer" = []), ()), responses((status = 200, description = "Every organisation, by name", body = OrganisationList)))]
#[get("/organisations")]
pub async fn list_organisations(
    state: web::Data<AppState>,
    caller: Caller,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    caller.reader()?;
    let directory = state.directory.current();
    Ok(HttpResponse::Ok().json(OrganisationList {
        items: directory
            .organisations()
            .iter()
            .map(OrganisationView::from)
            .collect(),
    }))
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

fn organisation_response(org: &crate::domain::Organisation, status: StatusCode) -> HttpResponse {
    with_etag(HttpResponse::build(status), org.version).json(OrganisationView::from(org))
}

/// One organisation, with its version as `ETag`.
#[utoipa::path(context_path = "/v1", tag = "reference", params(("id" = String, Path)), security(("bearer" = []), ()),
    responses((status = 200, description = "The organisation", body = OrganisationView, headers(("ETag" = String))),
              (status = "4XX", description = "401 no token, 404 not found", body = Problem, content_type = "application/problem+json")))]
#[get("/organisations/{id}")]
pub async fn get_organisation(
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
pub async fn create_organisation(
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
pub async fn update_organisation(
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
pub async fn deactivate_organisation(
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

/// Ending an active period (organisations, areas).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndBody {
    /// The first day no longer active; default today.
    pub(super) active_to: Option<NaiveDate>,
    pub(super) reason: Option<String>,
}

pub(super) fn not_found(what_sv: &str, what_en: &str, id: &str) -> AppError {
    AppError::not_found(
        format!("det finns {what_sv} med id {id}"),
        format!("there is no {what_en} with id {id}"),
    )
}

pub(super) const PROBLEMS: &str = "400 invalid, 401 no token, 403 not an admin, 404 not found, 409 breaks a rule, 412 stale If-Match, 428 no If-Match";
