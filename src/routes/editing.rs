//! Changing units and their contact points: create, PATCH, deactivate, revert; add, change
//! and remove numbers. Every change names the version it read (`If-Match`) and leaves one
//! audit event; see `db::units`.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, HttpResponse, delete, patch, post, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::params::parse_unit_id;
use super::views::UnitDetail;
use super::{IfMatch, present, with_etag};
use crate::auth::SignedIn;
use crate::domain::edit::{ContactPointPatch, UnitPatch};
use crate::domain::hours::{Notice, Period, TelephoneHours};
use crate::domain::responsibility::Responsibility;
use crate::domain::{Address, ContactPointDraft, Purpose, Unit, UnitDraft, UnitKind, Visibility, today};
use crate::error::{AppError, AppResult, Problem};
use crate::service::Author;
use crate::service::units::{self, UnitChange};
use crate::state::AppState;

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

impl NewUnit {
    fn draft(self) -> (UnitDraft, Option<String>) {
        let address = self.address.map_or_else(Address::default, |a| Address {
            street: a.street,
            postal_code: a.postal_code,
            city: a.city,
        });
        let draft = UnitDraft {
            name: self.name,
            kind: self.kind,
            organisation_id: self.organisation_id,
            area_ids: self.area_ids,
            hsa_id: self.hsa_id,
            address,
            active_from: self.active_from.unwrap_or_else(today),
            reviewed_at: self.reviewed_at,
            note: self.note,
            contact_points: self
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
        (draft, self.reason)
    }
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

impl UnitChangesBody {
    fn patch(self) -> (UnitPatch, Option<String>) {
        let address = self.address.unwrap_or_default();
        let patch = UnitPatch {
            name: self.name,
            kind: self.kind,
            organisation_id: self.organisation_id,
            area_ids: self.area_ids,
            hsa_id: self.hsa_id,
            street: address.street,
            postal_code: address.postal_code,
            city: address.city,
            active_from: self.active_from,
            active_to: self.active_to,
            reviewed_at: self.reviewed_at,
            note: self.note,
            fallback_contact_point_id: self.fallback_contact_point_id,
            responsibility: self.responsibility,
            preschools: self.preschools,
            review_interval_months: self.review_interval_months,
            periods: self.periods,
            notices: self.notices,
        };
        (patch, self.reason)
    }
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

impl ContactPointChangesBody {
    fn patch(self) -> (ContactPointPatch, Option<String>) {
        let patch = ContactPointPatch {
            purpose: self.purpose,
            label: self.label,
            visibility: self.visibility,
            number: self.number,
            hours: self.hours,
            periods: self.periods,
        };
        (patch, self.reason)
    }
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

/// What every change to an existing unit extracts: who asks, which unit (and number), and
/// the version read (`If-Match`). Nothing is checked here: `service::units::change` checks in
/// its order (the unit, the right to edit it, then the version).
pub struct UnitWrite {
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    if_match: IfMatch,
}

impl FromRequest for UnitWrite {
    type Error = AppError;
    type Future = Ready<AppResult<Self>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let mut write = || {
            Ok(UnitWrite {
                state: req
                    .app_data::<web::Data<AppState>>()
                    .cloned()
                    .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("application state is missing")))?,
                user: SignedIn::from_request(req, payload).into_inner()?,
                req: req.clone(),
                if_match: IfMatch::of(req),
            })
        };
        ready(write())
    }
}

impl UnitWrite {
    /// The number the path names (`{point_id}`).
    fn point(&self) -> AppResult<Uuid> {
        parse_unit_id(self.req.match_info().get("point_id").unwrap_or_default())
    }

    /// Applies `change` to the unit the path names and answers with the unit as stored.
    async fn apply(self, reason: Option<String>, change: UnitChange) -> AppResult<HttpResponse> {
        let id = parse_unit_id(self.req.match_info().get("id").unwrap_or_default())?;
        let by = Author {
            user: &self.user,
            req: &self.req,
            reason: reason.as_deref(),
        };
        let unit = units::change(&self.state, by, id, self.if_match.required(), change).await?;
        Ok(unit_response(&self.state, &unit, StatusCode::OK))
    }
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
    let (draft, reason) = body.into_inner().draft();
    let by = Author {
        user: &user,
        req: &req,
        reason: reason.as_deref(),
    };
    let unit = units::create(&state, by, draft).await?;
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
    write: UnitWrite,
    body: super::Json<UnitChangesBody>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let (patch, reason) = body.into_inner().patch();
    write.apply(reason, UnitChange::Update(Box::new(patch))).await
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
    write: UnitWrite,
    body: super::Json<DeactivateBody>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    write.apply(b.reason, UnitChange::Deactivate(b.active_to)).await
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
    write: UnitWrite,
    body: super::Json<ConfirmBody>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    write.apply(body.into_inner().reason, UnitChange::Confirm).await
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
    write: UnitWrite,
    body: super::Json<RevertBody>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    write.apply(b.reason, UnitChange::Revert(b.version)).await
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
    write: UnitWrite,
    body: super::Json<NewContactPoint>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let (draft, reason) = body.into_inner().draft();
    let point = draft.validate("").map_err(AppError::Validation)?;
    write.apply(reason, UnitChange::AddNumber(Box::new(point))).await
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
    write: UnitWrite,
    body: super::Json<ContactPointChangesBody>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let point = write.point()?;
    let (patch, reason) = body.into_inner().patch();
    write
        .apply(reason, UnitChange::ChangeNumber(point, Box::new(patch)))
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
async fn remove_contact_point(write: UnitWrite, query: web::Query<ReasonParam>) -> AppResult<HttpResponse> {
    let point = write.point()?;
    write
        .apply(query.into_inner().reason, UnitChange::RemoveNumber(point))
        .await
}
