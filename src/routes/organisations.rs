//! Organisations (`/v1/organisations`): read, create, change, end (admins write).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::domain::edit::{OrganisationDraft, OrganisationPatch};
use crate::domain::{Organisation, OrganisationKind};
use crate::error::{AppError, AppResult, Problem};
use crate::service::reference;
use crate::state::AppState;

use super::params::NoParams;
use super::views::{OrganisationList, OrganisationView};
use super::{AdminWrite, present, with_etag};

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
        items: directory.organisations().map(OrganisationView::from).collect(),
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

impl NewOrganisation {
    fn draft(self) -> (OrganisationDraft, Option<String>) {
        let draft = OrganisationDraft {
            id: self.id,
            name: self.name,
            short_name: self.short_name,
            kind: self.kind,
            parent_id: self.parent_id,
        };
        (draft, self.reason)
    }
}

impl OrganisationChangesBody {
    fn patch(self) -> (OrganisationPatch, Option<String>) {
        let patch = OrganisationPatch {
            name: self.name,
            short_name: self.short_name,
            kind: self.kind,
            parent_id: self.parent_id,
            active_to: self.active_to,
        };
        (patch, self.reason)
    }
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
    write: AdminWrite,
    body: super::Json<NewOrganisation>,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    let (draft, reason) = body.into_inner().draft();
    let meta = write.created(reason.as_deref())?;
    let organisation = reference::create::<Organisation>(&write.state, meta, draft).await?;
    Ok(organisation_response(&organisation, StatusCode::CREATED))
}

/// Change an organisation (admins).
#[utoipa::path(context_path = "/v1", tag = "admin", params(("id" = String, Path), ("If-Match" = String, Header)),
    request_body = OrganisationChangesBody, security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = OrganisationView, headers(("ETag" = String))),
              (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json")))]
#[patch("/organisations/{id}")]
pub async fn update_organisation(
    write: AdminWrite,
    id: web::Path<String>,
    body: super::Json<OrganisationChangesBody>,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    let (patch, reason) = body.into_inner().patch();
    let (meta, version) = write.changed(reason.as_deref())?;
    let organisation =
        reference::update::<Organisation>(&write.state, meta, id.into_inner(), version, patch).await?;
    Ok(organisation_response(&organisation, StatusCode::OK))
}

/// Deactivate an organisation (admins): refused while it has active units or sub-organisations.
#[utoipa::path(context_path = "/v1", tag = "admin", params(("id" = String, Path), ("If-Match" = String, Header)),
    request_body = EndBody, security(("bearer" = [])),
    responses((status = 200, description = "Deactivated", body = OrganisationView, headers(("ETag" = String))),
              (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json")))]
#[post("/organisations/{id}/deactivate")]
pub async fn deactivate_organisation(
    write: AdminWrite,
    id: web::Path<String>,
    body: super::Json<EndBody>,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let (meta, version) = write.changed(b.reason.as_deref())?;
    let organisation =
        reference::end::<Organisation>(&write.state, meta, id.into_inner(), version, b.active_to).await?;
    Ok(organisation_response(&organisation, StatusCode::OK))
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
