//! Changing units and their contact points: create, PATCH, deactivate, revert; add, change
//! and remove numbers. Every change names the version it read (`If-Match`) and leaves one
//! audit event; see `db::units`.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, delete, patch, post, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::units::parse_unit_id;
use super::views::UnitDetail;
use super::{IfMatch, present, with_etag};
use crate::auth::SignedIn;
use crate::db::units::{self as repo, UnitEdit, edit, revert_to, unit_not_found};
use crate::domain::edit::{ContactPointPatch, UnitPatch};
use crate::domain::hours::{Notice, Period, TelephoneHours};
use crate::domain::responsibility::Responsibility;
use crate::domain::{Address, ContactPointDraft, Purpose, Unit, UnitDraft, UnitKind, Visibility, today};
use crate::error::{AppError, AppResult, Problem};
use crate::service::write_meta;
use crate::state::{self, AppState};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create_unit)
        .service(update_unit)
        .service(deactivate_unit)
        .service(revert_unit)
        .service(confirm_unit)
        .service(add_contact_point)
        .service(update_contact_point)
        .service(remove_contact_point);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    street: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
}

/// A number to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"purpose": "switchboard", "label": "Växel", "visibility": "public", "number": "031-390 06 10", "reason": "ny växel från 1 mars"}))]
pub struct NewContactPoint {
    purpose: Purpose,
    label: String,
    /// Default `internal`.
    #[serde(default = "internal")]
    visibility: Visibility,
    /// As people write it: `031-390 06 10`, `+46 31 390 06 10`.
    number: String,
    /// When it is answered (telefontid); absent: not recorded (unknown). A number answered
    /// day and night says so: `every_day` `00:00`–`24:00`.
    hours: Option<TelephoneHours>,
    /// Dated periods: other hours or closed, a redirect, a note for callers.
    #[serde(default)]
    periods: Vec<Period>,
    /// Why (kept in the history).
    reason: Option<String>,
}

fn internal() -> Visibility {
    Visibility::Internal
}

impl NewContactPoint {
    fn draft(self) -> (ContactPointDraft, Option<String>) {
        (
            ContactPointDraft {
                purpose: self.purpose,
                label: self.label,
                visibility: self.visibility,
                number: self.number,
                hours: self.hours,
                periods: self.periods,
            },
            self.reason,
        )
    }
}

/// A new unit with its numbers: exactly one with purpose `vag_in`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Hemtjänst Norrby (exempel)",
    "kind": "hemtjanst",
    "organisation_id": "boras-stad-vaf",
    "area_ids": ["mote-1"],
    "contact_points": [{"purpose": "vag_in", "label": "En väg in", "visibility": "internal", "number": "031-390 06 50"}],
    "reason": "ny grupp"
}))]
pub struct NewUnit {
    name: String,
    kind: UnitKind,
    organisation_id: String,
    #[serde(default)]
    area_ids: Vec<String>,
    #[schema(example = "SE2321000131-E000000007860")]
    hsa_id: Option<String>,
    address: Option<AddressInput>,
    /// Default: today.
    active_from: Option<NaiveDate>,
    reviewed_at: Option<NaiveDate>,
    note: Option<String>,
    contact_points: Vec<NewContactInput>,
    reason: Option<String>,
}

/// A number of a new unit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContactInput {
    purpose: Purpose,
    label: String,
    #[serde(default = "internal")]
    visibility: Visibility,
    number: String,
    /// When it is answered; absent: not recorded (unknown).
    hours: Option<TelephoneHours>,
    #[serde(default)]
    periods: Vec<Period>,
}

/// Address parts of a PATCH; `null` clears one.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressPatch {
    #[serde(default, deserialize_with = "present")]
    street: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    postal_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    city: Option<Option<String>>,
}

/// Changes to a unit's own fields: what is absent stays as it is, `null` clears. Its numbers
/// are changed through `/contact-points`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "Nytt nummer från 1 mars", "reviewed_at": "2026-11-23", "reason": "årlig granskning"}))]
pub struct UnitChangesBody {
    name: Option<String>,
    kind: Option<UnitKind>,
    /// Moving a unit needs the right to edit both organisations.
    organisation_id: Option<String>,
    area_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    hsa_id: Option<Option<String>>,
    address: Option<AddressPatch>,
    active_from: Option<NaiveDate>,
    /// `null` makes a deactivated unit active again.
    #[serde(default, deserialize_with = "present")]
    active_to: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "present")]
    reviewed_at: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "present")]
    note: Option<Option<String>>,
    /// A contact point of another unit that takes the calls when this unit's own numbers
    /// are closed (`null`: none).
    #[serde(default, deserialize_with = "present")]
    fallback_contact_point_id: Option<Option<Uuid>>,
    /// For a boende: its ansvarig vårdcentral, fixed doctor time and meeting form (`null`:
    /// none).
    #[serde(default, deserialize_with = "present")]
    responsibility: Option<Option<Responsibility>>,
    /// For a BVC: every preschool it is responsible for (replaces the list).
    preschools: Option<Vec<String>>,
    /// How often the unit must be checked, 1–60 months (default 12).
    #[schema(minimum = 1, maximum = 60)]
    review_interval_months: Option<u32>,
    /// Dated periods for each of the unit's numbers without a period of its own (replaces
    /// the list; `[]`: none): a summer closure with a redirect to another unit's number.
    #[schema(example = json!([{"from": "2027-07-12", "to": "2027-08-08", "redirect_to": "3f1c2a9e-8c4b-5d6e-9f00-112233445566", "note": "Sommarstängt v. 28–31. Ring Närhälsan Boda."}]))]
    periods: Option<Vec<Period>>,
    /// Dated notices for callers (replaces the list; `[]`: none).
    notices: Option<Vec<Notice>>,
    reason: Option<String>,
}

/// Ending a unit's active period.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"active_to": "2026-12-31", "reason": "enheten läggs ned"}))]
pub struct DeactivateBody {
    /// The first day it is no longer active; default today.
    active_to: Option<NaiveDate>,
    reason: Option<String>,
}

/// Going back to an earlier version (from `GET /v1/units/{id}/history`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"version": 3, "reason": "felaktig ändring"}))]
pub struct RevertBody {
    /// The version to go back to (see `GET /v1/units/{id}/history`).
    #[schema(minimum = 1)]
    version: i64,
    reason: Option<String>,
}

/// Changes to one number; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"number": "031-390 06 11", "reason": "ny växel från 1 mars"}))]
pub struct ContactPointChangesBody {
    purpose: Option<Purpose>,
    label: Option<String>,
    visibility: Option<Visibility>,
    number: Option<String>,
    /// When it is answered; `null`: not recorded (unknown).
    #[serde(default, deserialize_with = "present")]
    hours: Option<Option<TelephoneHours>>,
    /// Dated periods of the number (replaces the list; `[]`: none). No two may overlap.
    #[schema(example = json!([{"from": "2027-12-20", "to": "2027-12-31", "weekly": [{"days": ["workdays"], "from": "09:00", "to": "12:00"}], "note": "Begränsade telefontider under jul."}]))]
    periods: Option<Vec<Period>>,
    reason: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReasonParam {
    /// Why (kept in the history).
    reason: Option<String>,
}

/// The answer to every unit write: the unit as stored now, its version as `ETag`.
fn unit_response(state: &AppState, unit: &Unit, status: StatusCode) -> HttpResponse {
    let directory = state.directory.current();
    let mut builder = with_etag(HttpResponse::build(status), unit.version);
    if status == StatusCode::CREATED {
        builder.insert_header((LOCATION, format!("/v1/units/{}", unit.id)));
    }
    builder.json(UnitDetail::new(&directory, unit, today(), true))
}

/// The shared path of every change to an existing unit: authorise on the unit's
/// organisation, require `If-Match`, then let `db::units::change_unit` do the rest.
/// (The arguments are what each handler extracted; bundling them would only rename them.)
#[allow(clippy::too_many_arguments)]
async fn change(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    raw_id: &str,
    if_match: IfMatch,
    reason: Option<String>,
    action: &'static str,
    edit: UnitEdit,
) -> AppResult<HttpResponse> {
    let id = parse_unit_id(raw_id)?;
    let directory = state.directory.current();
    let unit = directory.unit(id).ok_or_else(|| unit_not_found(id))?;
    user.editor_of(&directory, &unit.organisation_id)?;
    let version = if_match.required()?;
    let meta = write_meta(&user, &req, reason.as_deref())?;
    let may_move = move |org: &str| user.editor_of(&directory, org).map(drop);
    let unit = state::write(&state, move |conn| {
        repo::change_unit(conn, &meta, id, version, action, may_move, edit)
    })
    .await?;
    Ok(unit_response(&state, &unit, StatusCode::OK))
}

const PROBLEMS: &str = "400 invalid, 401 no token, 403 not allowed, 404 no such unit, 409 breaks a rule, 412 stale If-Match, 428 no If-Match";

/// Create a unit with its numbers (exactly one `vag_in`).
#[utoipa::path(
    context_path = "/v1",
    tag = "editing",
    request_body = NewUnit,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = UnitDetail, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Invalid values", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an editor of the organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "HSA-id taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/units")]
async fn create_unit(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    body: super::Json<NewUnit>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let user = user.editor_of(&state.directory.current(), &b.organisation_id)?;
    let meta = write_meta(user, &req, b.reason.as_deref())?;
    let address = b.address.map_or_else(Address::default, |a| Address {
        street: a.street,
        postal_code: a.postal_code,
        city: a.city,
    });
    let draft = UnitDraft {
        name: b.name,
        kind: b.kind,
        organisation_id: b.organisation_id,
        area_ids: b.area_ids,
        hsa_id: b.hsa_id,
        address,
        active_from: b.active_from.unwrap_or_else(today),
        reviewed_at: b.reviewed_at,
        note: b.note,
        contact_points: b
            .contact_points
            .into_iter()
            .map(|c| ContactPointDraft {
                purpose: c.purpose,
                label: c.label,
                visibility: c.visibility,
                number: c.number,
                hours: c.hours,
                periods: c.periods,
            })
            .collect(),
    };
    let unit = draft
        .validate(Uuid::new_v4(), meta.at)
        .map_err(AppError::Validation)?;
    let unit = state::write(&state, move |conn| repo::create_unit(conn, &meta, &unit)).await?;
    Ok(unit_response(&state, &unit, StatusCode::CREATED))
}

/// Change a unit's own fields.
#[utoipa::path(
    context_path = "/v1",
    tag = "editing",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from GET")),
    request_body = UnitChangesBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = UnitDetail, headers(("ETag" = String))),
        (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/units/{id}")]
async fn update_unit(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    id: web::Path<String>,
    if_match: IfMatch,
    body: super::Json<UnitChangesBody>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let address = b.address.unwrap_or_default();
    let patch = UnitPatch {
        name: b.name,
        kind: b.kind,
        organisation_id: b.organisation_id,
        area_ids: b.area_ids,
        hsa_id: b.hsa_id,
        street: address.street,
        postal_code: address.postal_code,
        city: address.city,
        active_from: b.active_from,
        active_to: b.active_to,
        reviewed_at: b.reviewed_at,
        note: b.note,
        fallback_contact_point_id: b.fallback_contact_point_id,
        responsibility: b.responsibility,
        preschools: b.preschools,
        review_interval_months: b.review_interval_months,
        periods: b.periods,
        notices: b.notices,
    };
    change(
        state,
        user,
        req,
        &id,
        if_match,
        b.reason,
        "unit.update",
        edit(move |u| patch.apply(u)),
    )
    .await
}

/// Deactivate a unit: its active period ends (nothing is deleted).
#[utoipa::path(
    context_path = "/v1",
    tag = "editing",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from GET")),
    request_body = DeactivateBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Deactivated", body = UnitDetail, headers(("ETag" = String))),
        (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/units/{id}/deactivate")]
async fn deactivate_unit(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    id: web::Path<String>,
    if_match: IfMatch,
    body: super::Json<DeactivateBody>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let day = b.active_to.unwrap_or_else(today);
    change(
        state,
        user,
        req,
        &id,
        if_match,
        b.reason,
        "unit.deactivate",
        edit(move |u| u.deactivated(day)),
    )
    .await
}

/// "Checked, still correct".
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "årlig granskning 2026"}))]
pub struct ConfirmBody {
    reason: Option<String>,
}

/// Confirm a unit's information after the yearly review: `reviewed_at` becomes today (a new,
/// audited version; confirming twice on one day is one version).
#[utoipa::path(
    context_path = "/v1",
    tag = "editing",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from GET")),
    request_body = ConfirmBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Confirmed", body = UnitDetail, headers(("ETag" = String))),
        (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/units/{id}/confirm")]
async fn confirm_unit(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    id: web::Path<String>,
    if_match: IfMatch,
    body: super::Json<ConfirmBody>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let day = today();
    change(
        state,
        user,
        req,
        &id,
        if_match,
        body.into_inner().reason,
        "unit.confirm",
        edit(move |u| Ok(u.confirmed(day))),
    )
    .await
}

/// Go back to an earlier version of a unit (itself a new, audited version).
#[utoipa::path(
    context_path = "/v1",
    tag = "editing",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag from GET")),
    request_body = RevertBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Reverted", body = UnitDetail, headers(("ETag" = String))),
        (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/units/{id}/revert")]
async fn revert_unit(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    id: web::Path<String>,
    if_match: IfMatch,
    body: super::Json<RevertBody>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    change(
        state,
        user,
        req,
        &id,
        if_match,
        b.reason,
        "unit.revert",
        revert_to(b.version),
    )
    .await
}

/// Add a number to a unit.
#[utoipa::path(
    context_path = "/v1",
    tag = "editing",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The unit's ETag")),
    request_body = NewContactPoint,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The unit with the new number", body = UnitDetail, headers(("ETag" = String))),
        (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/units/{id}/contact-points")]
async fn add_contact_point(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    id: web::Path<String>,
    if_match: IfMatch,
    body: super::Json<NewContactPoint>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let (draft, reason) = body.into_inner().draft();
    let point = draft.validate("").map_err(AppError::Validation)?;
    change(
        state,
        user,
        req,
        &id,
        if_match,
        reason,
        "contact_point.create",
        edit(move |u| u.with_contact_point(point)),
    )
    .await
}

/// Change one number of a unit. The `vag_in` number keeps its purpose.
#[utoipa::path(
    context_path = "/v1",
    tag = "editing",
    params(("id" = Uuid, Path), ("point_id" = Uuid, Path), ("If-Match" = String, Header, description = "The unit's ETag")),
    request_body = ContactPointChangesBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The unit with the changed number", body = UnitDetail, headers(("ETag" = String))),
        (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/units/{id}/contact-points/{point_id}")]
async fn update_contact_point(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: super::Json<ContactPointChangesBody>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let (id, point) = path.into_inner();
    let point = parse_unit_id(&point)?;
    let b = body.into_inner();
    let patch = ContactPointPatch {
        purpose: b.purpose,
        label: b.label,
        visibility: b.visibility,
        number: b.number,
        hours: b.hours,
        periods: b.periods,
    };
    change(
        state,
        user,
        req,
        &id,
        if_match,
        b.reason,
        "contact_point.update",
        edit(move |u| u.with_contact_point_changed(point, patch)),
    )
    .await
}

/// Remove a number from a unit (the history keeps it; a revert brings it back). The `vag_in`
/// number cannot be removed.
#[utoipa::path(
    context_path = "/v1",
    tag = "editing",
    params(("id" = Uuid, Path), ("point_id" = Uuid, Path), ("If-Match" = String, Header, description = "The unit's ETag"), ReasonParam),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The unit without the number", body = UnitDetail, headers(("ETag" = String))),
        (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/units/{id}/contact-points/{point_id}")]
async fn remove_contact_point(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    query: web::Query<ReasonParam>,
) -> AppResult<HttpResponse> {
    let (id, point) = path.into_inner();
    let point = parse_unit_id(&point)?;
    let reason = query.into_inner().reason;
    change(
        state,
        user,
        req,
        &id,
        if_match,
        reason,
        "contact_point.remove",
        edit(move |u| u.without_contact_point(point)),
    )
    .await
}
