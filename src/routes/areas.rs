//! Areas and districts (`/v1/areas`): read, create, change, end; and the districts' streets
//! from a CSV file (`POST /v1/streets`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Caller, SignedIn};
use crate::domain::edit::{AreaDraft, AreaPatch};
use crate::domain::{Area, AreaKind};
use crate::error::{AppResult, Problem};
use crate::service::{import, reference};
use crate::state::AppState;

use super::organisations::{EndBody, PROBLEMS, not_found};
use super::params::NoParams;
use super::views::{AreaList, AreaView};
use super::{AdminWrite, present, with_etag};

/// Areas: the meeting areas Möte 1 and Möte 2, and districts.
#[utoipa::path(context_path = "/v1", tag = "reference", security(("bearer" = []), ()), responses((status = 200, description = "Every area", body = AreaList)))]
#[get("/areas")]
pub async fn list_areas(
    state: web::Data<AppState>,
    caller: Caller,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    caller.reader()?;
    let directory = state.directory.current();
    Ok(HttpResponse::Ok().json(AreaList {
        items: directory.areas().map(AreaView::from).collect(),
    }))
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

impl NewArea {
    fn draft(self) -> (AreaDraft, Option<String>) {
        let draft = AreaDraft {
            id: self.id,
            name: self.name,
            kind: self.kind,
        };
        (draft, self.reason)
    }
}

impl AreaChangesBody {
    fn patch(self) -> (AreaPatch, Option<String>) {
        let patch = AreaPatch {
            name: self.name,
            kind: self.kind,
            active_to: self.active_to,
            streets: self.streets,
        };
        (patch, self.reason)
    }
}

fn area_response(area: &crate::domain::Area, status: StatusCode) -> HttpResponse {
    with_etag(HttpResponse::build(status), area.version).json(AreaView::from(area))
}

/// One area, with its version as `ETag`.
#[utoipa::path(context_path = "/v1", tag = "reference", params(("id" = String, Path)), security(("bearer" = []), ()),
    responses((status = 200, description = "The area", body = AreaView, headers(("ETag" = String))),
              (status = "4XX", description = "401 no token, 404 not found", body = Problem, content_type = "application/problem+json")))]
#[get("/areas/{id}")]
pub async fn get_area(
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
pub async fn create_area(
    write: AdminWrite,
    body: super::Json<NewArea>,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    let (draft, reason) = body.into_inner().draft();
    let meta = write.created(reason.as_deref())?;
    let area = reference::create::<Area>(&write.state, meta, draft).await?;
    Ok(area_response(&area, StatusCode::CREATED))
}

/// Change an area (admins).
#[utoipa::path(context_path = "/v1", tag = "admin", params(("id" = String, Path), ("If-Match" = String, Header)),
    request_body = AreaChangesBody, security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = AreaView, headers(("ETag" = String))),
              (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json")))]
#[patch("/areas/{id}")]
pub async fn update_area(
    write: AdminWrite,
    id: web::Path<String>,
    body: super::Json<AreaChangesBody>,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    let (patch, reason) = body.into_inner().patch();
    let (meta, version) = write.changed(reason.as_deref())?;
    let area = reference::update::<Area>(&write.state, meta, id.into_inner(), version, patch).await?;
    Ok(area_response(&area, StatusCode::OK))
}

/// Deactivate an area (admins): refused while active units belong to it.
#[utoipa::path(context_path = "/v1", tag = "admin", params(("id" = String, Path), ("If-Match" = String, Header)),
    request_body = EndBody, security(("bearer" = [])),
    responses((status = 200, description = "Deactivated", body = AreaView, headers(("ETag" = String))),
              (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json")))]
#[post("/areas/{id}/deactivate")]
pub async fn deactivate_area(
    write: AdminWrite,
    id: web::Path<String>,
    body: super::Json<EndBody>,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let (meta, version) = write.changed(b.reason.as_deref())?;
    let area = reference::end::<Area>(&write.state, meta, id.into_inner(), version, b.active_to).await?;
    Ok(area_response(&area, StatusCode::OK))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `true`: check the file and report every problem, change nothing.
    dry_run: Option<bool>,
    /// `true`: empty the whole street table on purpose (the file then has no rows). Without it
    /// a file without rows is refused, so that an empty upload never wipes the table.
    clear: Option<bool>,
    /// Why (kept in the history).
    reason: Option<String>,
    /// The `based_on` of the preview (dry run) this import confirms: if an area has changed
    /// since, the import answers 409 and changes nothing.
    #[param(minimum = 0)]
    based_on: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StreetImport {
    pub dry_run: bool,
    /// Streets in the file.
    pub streets: usize,
    /// Districts whose street list changed (each got a new version and an audit event).
    pub changed_districts: Vec<String>,
    /// The moment of the directory this was checked against; send it back as `based_on` to
    /// import exactly what the preview showed.
    #[schema(example = 1234)]
    pub based_on: i64,
}

/// Import the street table (admins): CSV with the columns `street,district` (or
/// `gata,distrikt`), one row per street; a street split between districts has a row per
/// part, with the optional columns `from,to,side` (`från,till,sida`): house numbers from–to
/// (either may be empty: from 1, no end) and `odd`/`even` (`udda`/`jämna`; empty: both). It replaces the whole table: a
/// district the file does not name ends up with no streets. With `dry_run=true` it only
/// reports the problems, each with its line.
#[utoipa::path(
    context_path = "/v1",
    tag = "admin",
    params(ImportParams),
    request_body(content = String, content_type = "text/csv", example = "street,district,from,to,side\nSandwalls plats,distrikt-norr,,,\nAllégatan,distrikt-norr,1,39,odd\nAllégatan,distrikt-centrum,2,,even\n"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Imported (or checked)", body = StreetImport),
        (status = 400, description = "Not CSV, or not UTF-8", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An area changed after the confirmed preview (`based_on`); nothing changed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Problems in the file, each with its line (overlapping parts with both lines); nothing changed", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/streets")]
pub async fn import_streets(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    query: web::Query<ImportParams>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let meta = super::upload::begin(
        &user,
        &req,
        ("gatutabellen", "the street table"),
        query.reason.as_deref(),
    )?;
    let based_on = super::upload::based_on(query.based_on)?;
    let text = import::utf8_text(&body)?;
    let directory = state.directory.current();
    let (by_district, streets) = import::read_streets(&directory, text).map_err(import::problems)?;
    import::check_clear(
        streets,
        query.clear.unwrap_or(false),
        ("gator", "gatutabellen"),
        ("streets", "street table"),
    )?;
    let dry_run = query.dry_run.unwrap_or(false);
    let mode = import::Mode::of(dry_run, based_on);
    let changed_districts = import::streets(&state, meta, by_district, mode).await?;
    Ok(HttpResponse::Ok().json(StreetImport {
        dry_run,
        streets,
        changed_districts,
        based_on: directory.last_event_id(),
    }))
}
