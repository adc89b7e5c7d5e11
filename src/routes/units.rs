//! Units: `/v1/units` and `/v1/units/{id}` (read, as of a moment, its history, who answers
//! now, its responsible vårdcentral, its vCard), and every change to a unit's own fields
//! (create, PATCH, deactivate, confirm, revert), each through `service::units`. The unit kinds
//! (`/v1/kinds`).

use std::future::{Ready, ready};

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_DISPOSITION, LOCATION};
use actix_web::{FromRequest, HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::{Caller, SignedIn};
use crate::db::audit;
use crate::db::audit::Entity;
use crate::db::units::unit_as_of;
use crate::directory::answers::{Moment, Read};
use crate::directory::{Cursor, Directory};
use crate::domain::edit::UnitPatch;
use crate::domain::history::{Change, changes, stored_state};
use crate::domain::hours::{Notice, Period, TelephoneHours};
use crate::domain::responsibility::{DoctorTime, Responsibility};
use crate::domain::{
    Address, ContactPointDraft, MeetingForm, Purpose, Unit, UnitDraft, UnitKind, Visibility, today,
    unit_not_found,
};
use crate::error::{AppError, AppResult, Problem};
use crate::service::search::{FilterParams, FoundBy};
use crate::service::units::UnitChange;
use crate::service::{Author, search, units};
use crate::state;
use crate::state::AppState;

use super::audit::{Actor, actor, utc};
use super::params::{NoParams, moment, parse_instant, parse_unit_id};
use super::views::{CallNowView, KindList, NumberView, UnitDetail, UnitRef, UnitSummary, local_time};
use super::{IfMatch, answered, json_bytes, params, present, with_etag};

const DEFAULT_LIMIT: usize = 20;
const MAX_LIMIT: usize = 100;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Free text: forgiving of case, accents, word beginnings and one typo; a phone number
    /// finds the unit that has it. Best match first.
    #[param(example = "sodra torget", max_length = 200)]
    q: Option<String>,
    /// One or more unit kinds, comma-separated (see `GET /v1/kinds`).
    #[param(example = "vardcentral,rehab")]
    kind: Option<String>,
    /// An area id (see `GET /v1/areas`).
    #[param(example = "mote-2")]
    area: Option<String>,
    /// An organisation id (see `GET /v1/organisations`); includes its sub-organisations.
    #[param(example = "boras-stad")]
    organisation: Option<String>,
    /// `true` (default): active today; `false`: no longer or not yet active; `all`: both.
    #[param(value_type = Option<params::ActiveParam>)]
    active: Option<String>,
    /// Only units in this state of the yearly review: `current`, `due_soon` (within 30 days)
    /// or `overdue`.
    #[param(value_type = Option<crate::domain::review::ReviewStatus>)]
    review: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, example = 20)]
    limit: Option<String>,
    /// `next_cursor` from the previous page.
    cursor: Option<String>,
}

/// One page of units.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitPage {
    pub items: Vec<UnitSummary>,
    /// How many units match in all.
    pub total: usize,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// Words of `q` (folded) that matched no unit and were left out: the units listed match
    /// the most of the others.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_words: Vec<String>,
}

/// List and search units.
///
/// Without `q`, units come in Swedish alphabetical order; with `q`, best match first (the
/// exact name before everything else). With several words, the units that match the most of
/// them; a word that matches nothing is listed in `ignored_words` instead of emptying the
/// result. Pages never skip or repeat a unit.
#[utoipa::path(
    context_path = "/v1",
    tag = "units",
    params(ListParams),
    security(("bearer" = []), ()),
    responses(
        (status = 200, description = "One page of units", body = UnitPage),
        (status = 400, description = "A bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token (and anonymous reading is off)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/units")]
pub async fn list_units(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ListParams>,
) -> AppResult<HttpResponse> {
    let internal = caller.reader()?;
    let directory = state.directory.current();
    let page = || units_page(&directory, query.into_inner(), internal);
    let body = directory.answer(
        Read::Units,
        req.query_string(),
        internal,
        Moment::Day(today()),
        page,
    )?;
    Ok(answered(HttpResponse::Ok(), body))
}

/// The page of units the parameters ask for, as JSON.
fn units_page(directory: &Directory, p: ListParams, internal: bool) -> AppResult<web::Bytes> {
    let limit = params::limit(p.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    let cursor = p.cursor.as_deref().map(Cursor::decode).transpose();
    let cursor = cursor.map_err(|e| AppError::invalid("cursor", e))?;
    let filter = search::filter(directory, p.filter(), internal)?;
    let page = directory
        .find(&filter, cursor.as_ref(), limit)
        .map_err(|e| AppError::invalid("cursor", e))?;
    let why = FoundBy::each(directory, &filter, &page, internal);
    let items = page.units.iter().zip(why);
    json_bytes(&UnitPage {
        items: items
            .map(|(u, why)| UnitSummary::new(directory, u, filter.on, internal).found_by(why))
            .collect(),
        total: page.total,
        next_cursor: page.next.map(|c| c.encode()),
        ignored_words: page.ignored_words,
    })
}

impl ListParams {
    fn filter(&self) -> FilterParams<'_> {
        FilterParams {
            q: self.q.as_deref(),
            kind: self.kind.as_deref(),
            area: self.area.as_deref(),
            organisation: self.organisation.as_deref(),
            active: self.active.as_deref(),
            review: self.review.as_deref(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GetUnitParams {
    /// The unit as it was at this moment (RFC 3339), from its history. Signed-in callers only.
    #[param(value_type = Option<String>, format = DateTime, example = "2026-03-01T08:00:00+01:00")]
    as_of: Option<String>,
}

/// One unit with all the contact points the caller may see.
///
/// The `ETag` header names the unit's version; send it back as `If-Match` when changing the
/// unit. With `as_of`, the unit as it was then (no `ETag`: the past cannot be edited).
#[utoipa::path(
    context_path = "/v1",
    tag = "units",
    params(("id" = Uuid, Path, description = "The unit's id"), GetUnitParams),
    security(("bearer" = []), ()),
    responses(
        (status = 200, description = "The unit", body = UnitDetail, headers(("ETag" = String, description = "The unit's version"))),
        (status = 400, description = "The id is not a UUID, or a bad `as_of`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unit (then)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/units/{id}")]
pub async fn get_unit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<GetUnitParams>,
) -> AppResult<HttpResponse> {
    let internal = caller.reader()?;
    let id = parse_unit_id(&id)?;
    let directory = state.directory.current();
    if let Some(raw) = &query.as_of {
        caller.signed_in()?;
        let at = parse_instant("as_of", raw)?;
        let unit = state::read(&state, move |conn| unit_as_of(conn, id, at)).await?;
        let unit = unit.ok_or_else(|| {
            AppError::not_found(
                format!("enheten {id} fanns inte vid {raw}"),
                format!("unit {id} did not exist at {raw}"),
            )
        })?;
        let on = at.date();
        return Ok(HttpResponse::Ok().json(UnitDetail::new(&directory, &unit, on, internal)));
    }
    let unit = directory.unit(id).ok_or_else(|| unit_not_found(id))?;
    let day = today();
    let body = directory.answer(Read::Unit, &id.to_string(), internal, Moment::Day(day), || {
        json_bytes(&UnitDetail::new(&directory, unit, day, internal))
    })?;
    Ok(answered(with_etag(HttpResponse::Ok(), unit.version), body))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    street: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
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
                    number_confirmed: c.number_confirmed,
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
    /// The number is right as typed, although it looks mistyped: without it such a number is
    /// refused (422, "Menade du 031-39 00 62? …").
    #[serde(default)]
    number_confirmed: bool,
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
    /// The path's values, decoded as `web::Path` decodes them.
    path: UnitPath,
}

/// `{id}`, and `{point_id}` for a number's address.
#[derive(Debug, Deserialize)]
struct UnitPath {
    id: String,
    point_id: Option<String>,
}

impl FromRequest for UnitWrite {
    type Error = AppError;
    type Future = Ready<AppResult<Self>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let mut write = || {
            Ok(UnitWrite {
                state: super::state_of(req)?,
                user: SignedIn::from_request(req, payload).into_inner()?,
                req: req.clone(),
                if_match: IfMatch::of(req),
                path: web::Path::<UnitPath>::from_request(req, payload)
                    .into_inner()
                    .map_err(|e| AppError::Unexpected(anyhow::anyhow!("reading the path: {e}")))?
                    .into_inner(),
            })
        };
        ready(write())
    }
}

impl UnitWrite {
    /// The number the path names (`{point_id}`).
    pub(super) fn point(&self) -> AppResult<Uuid> {
        parse_unit_id(self.path.point_id.as_deref().unwrap_or_default())
    }

    /// Applies `change` to the unit the path names and answers with the unit as stored.
    pub(super) async fn apply(self, reason: Option<String>, change: UnitChange) -> AppResult<HttpResponse> {
        let id = parse_unit_id(&self.path.id)?;
        let by = Author {
            user: &self.user,
            req: &self.req,
            reason: reason.as_deref(),
        };
        let unit = units::change(&self.state, by, id, self.if_match.required(), change).await?;
        Ok(unit_response(&self.state, &unit, StatusCode::OK))
    }
}

/// The default visibility of a new number.
pub(super) fn internal() -> Visibility {
    Visibility::Internal
}

pub(super) const PROBLEMS: &str = "400 invalid, 401 no token, 403 not allowed, 404 no such unit, 409 breaks a rule, 412 stale If-Match, 428 no If-Match";

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
pub async fn create_unit(
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
pub async fn update_unit(
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
pub async fn deactivate_unit(
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
pub async fn confirm_unit(
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
pub async fn revert_unit(
    write: UnitWrite,
    body: super::Json<RevertBody>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    write.apply(b.reason, UnitChange::Revert(b.version)).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CallNowParams {
    /// The moment (RFC 3339); default now.
    #[param(value_type = Option<String>, format = DateTime, example = "2026-04-02T17:30:00+02:00")]
    at: Option<String>,
    /// Which of the unit's numbers to start from; default `vag_in`.
    #[param(value_type = Option<Purpose>)]
    purpose: Option<String>,
}

/// The one number to call at a moment.
///
/// The unit's number for `purpose` if it is answered then (its telephone hours, in
/// Europe/Stockholm time, by the Swedish holiday calendar); otherwise the unit's fallback
/// (another unit's number, e.g. the on-call doctor), followed until one answers. Says why, and
/// until when the answer holds.
#[utoipa::path(
    context_path = "/v1",
    tag = "lookup",
    params(("id" = Uuid, Path), CallNowParams),
    security(("bearer" = []), ()),
    responses(
        (status = 200, description = "Who to call", body = CallNowView),
        (status = 400, description = "A bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unit, or it has no number for that purpose", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/units/{id}/call-now")]
pub async fn call_now(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<CallNowParams>,
) -> AppResult<HttpResponse> {
    let internal = caller.reader()?;
    let id = parse_unit_id(&id)?;
    // Now to the second, as the answer says it: the same answer all that second.
    let now = Utc::now().trunc_subsecs(0);
    let at = match &query.at {
        Some(raw) => parse_instant("at", raw)?.and_utc(),
        None => now,
    };
    let purpose = match &query.purpose {
        Some(raw) => Purpose::parse(raw).map_err(|e| AppError::invalid("purpose", e))?,
        None => Purpose::VagIn,
    };
    let directory = state.directory.current();
    let unit = directory.unit(id).ok_or_else(|| unit_not_found(id))?;
    let params = format!("{id}?{}", req.query_string());
    let moment = Moment::Second(now.timestamp());
    let body = directory.answer(Read::CallNow, &params, internal, moment, || {
        let answer = directory.call_now(unit, purpose, at, internal).ok_or_else(|| {
            AppError::not_found(
                format!("enheten har inget nummer med syftet {purpose} som du får se"),
                format!("the unit has no number with purpose {purpose} that you may see"),
            )
        })?;
        json_bytes(&CallNowView::new(&directory, &answer, at))
    })?;
    Ok(answered(HttpResponse::Ok(), body))
}

/// The fixed doctor time, and when it is next.
#[derive(Debug, Serialize, ToSchema)]
pub struct DoctorTimeView {
    #[serde(flatten)]
    pub time: DoctorTime,
    /// "tisdagar 13:00, jämna veckor".
    pub text: String,
    /// The next time as scheduled.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// When `next` falls on a holiday (or an eve kept free): its Swedish name, e.g.
    /// "Annandag påsk". The doctor time is then usually not held; see `next_on_a_workday`.
    pub next_is_holiday: Option<String>,
    /// When `next` falls inside a dated period in which the vårdcentral is closed: the
    /// period, e.g. "Sommarstängt v. 28–31". See `next_on_a_workday`.
    pub next_in_closure: Option<String>,
    /// The next time that falls on a working day outside the vårdcentral's closures (the
    /// same as `next` in an ordinary week).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_on_a_workday: Option<chrono::DateTime<chrono::FixedOffset>>,
}

impl DoctorTimeView {
    /// `vardcentral`: whose closures count.
    pub fn new(
        time: &DoctorTime,
        at: chrono::DateTime<Utc>,
        vardcentral: Option<&crate::domain::Unit>,
    ) -> Self {
        let next = time.when(at, vardcentral);
        Self {
            time: time.clone(),
            text: time.describe(),
            next: next.at.map(local_time),
            next_is_holiday: next.holiday,
            next_in_closure: next.closure,
            next_on_a_workday: next.held.map(local_time),
        }
    }
}

/// Who is responsible for a boende, and how to reach them now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponsibleView {
    pub boende: UnitRef,
    pub vardcentral: UnitRef,
    pub doctor_time: Option<DoctorTimeView>,
    pub meeting_form: Option<MeetingForm>,
    pub meeting_form_label: Option<&'static str>,
    /// The vårdcentral's direct number for acute assessments (its one way in if it has none).
    pub direct_acute: NumberView,
    /// Who answers at that moment, starting from that number: the vårdcentral on working
    /// days, the on-call doctor otherwise.
    pub call_now: CallNowView,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AtParam {
    /// The moment (RFC 3339); default now.
    #[param(value_type = Option<String>, format = DateTime)]
    at: Option<String>,
}

/// Who is responsible for a boende: the ansvarig vårdcentral, its fixed doctor time and
/// meeting form, its direct number, and who answers now.
#[utoipa::path(
    context_path = "/v1",
    tag = "lookup",
    params(("id" = Uuid, Path, description = "A boende (särskilt boende, korttid, LSS, socialpsykiatri)"), AtParam),
    security(("bearer" = []), ()),
    responses(
        (status = 200, description = "The responsible vårdcentral", body = ResponsibleView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unit, or no responsible vårdcentral recorded", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/units/{id}/responsible")]
pub async fn responsible(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<AtParam>,
) -> AppResult<HttpResponse> {
    let internal = caller.reader()?;
    let id = parse_unit_id(&id)?;
    let at = moment(query.at.as_deref())?;
    let directory = state.directory.current();
    let boende = directory.unit(id).ok_or_else(|| unit_not_found(id))?;
    let missing = || {
        AppError::not_found(
            format!("ingen ansvarig vårdcentral är angiven för {}", boende.name),
            format!("no responsible vårdcentral is recorded for {}", boende.name),
        )
    };
    let r = boende.responsibility.as_ref().ok_or_else(missing)?;
    let vardcentral = directory.unit(r.vardcentral_id).ok_or_else(missing)?;
    let answer = directory
        .call_now(vardcentral, vardcentral.acute_purpose(), at, internal)
        .ok_or_else(missing)?;
    let first = answer.asked;
    Ok(HttpResponse::Ok().json(ResponsibleView {
        boende: UnitRef::new(&directory, boende),
        vardcentral: UnitRef::new(&directory, vardcentral),
        doctor_time: r
            .doctor_time
            .as_ref()
            .map(|t| DoctorTimeView::new(t, at, Some(vardcentral))),
        meeting_form: r.meeting_form,
        meeting_form_label: r.meeting_form.map(|m| m.label_sv()),
        direct_acute: NumberView::from(first),
        call_now: CallNowView::new(&directory, &answer, at),
    }))
}

/// One version of a unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub version: i64,
    /// The audit event that made this version.
    pub event_id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor: Actor,
    #[schema(example = "contact_point.update")]
    pub action: String,
    pub reason: Option<String>,
    pub request_id: Option<String>,
    /// What this version changed from the one before.
    pub changes: Vec<Change>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitHistory {
    pub unit_id: uuid::Uuid,
    /// Newest first.
    pub versions: Vec<HistoryEntry>,
}

/// A unit's versions, newest first, each with what it changed.
#[utoipa::path(
    context_path = "/v1",
    tag = "history",
    params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The versions", body = UnitHistory),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/units/{id}/history")]
pub async fn unit_history(
    state: web::Data<AppState>,
    _user: SignedIn,
    id: web::Path<String>,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    let id = parse_unit_id(&id)?;
    let rows = state::read(&state, move |conn| {
        audit::history(conn, Entity::Unit, &id.to_string())
    })
    .await?;
    if rows.is_empty() {
        return Err(unit_not_found(id).into());
    }
    let versions = rows
        .iter()
        .map(|row| HistoryEntry {
            version: row.entity_version,
            event_id: row.id,
            occurred_at: utc(row.occurred_at),
            actor: actor(row),
            action: row.action.clone(),
            reason: row.reason.clone(),
            request_id: row.request_id.clone(),
            changes: changes(&stored_state(&row.before_state), &stored_state(&row.after_state)),
        })
        .collect();
    Ok(HttpResponse::Ok().json(UnitHistory {
        unit_id: id,
        versions,
    }))
}

/// One unit as a vCard 4.0 (RFC 6350): name, organisation, address and the numbers the caller
/// may see, each with its purpose; the one way in preferred. For a phone's address book.
#[utoipa::path(
    context_path = "/v1",
    tag = "sync",
    params(("id" = Uuid, Path)),
    security(("bearer" = []), ()),
    responses(
        (status = 200, description = "The vCard", body = String, content_type = "text/vcard"),
        (status = 400, description = "The id is not a UUID", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/units/{id}/vcard")]
pub async fn unit_vcard(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let internal = caller.reader()?;
    let id = parse_unit_id(&id)?;
    let directory = state.directory.current();
    let unit = directory.unit(id).ok_or_else(|| unit_not_found(id))?;
    Ok(HttpResponse::Ok()
        .content_type("text/vcard; charset=utf-8")
        .insert_header((CONTENT_DISPOSITION, format!("attachment; filename=\"{id}.vcf\"")))
        .body(crate::formats::vcard::vcard(&directory, unit, internal)))
}

/// Unit kinds with Swedish and English labels.
#[utoipa::path(context_path = "/v1", tag = "reference", security(("bearer" = []), ()), responses((status = 200, description = "Every unit kind", body = KindList)))]
#[get("/kinds")]
pub async fn list_kinds(caller: Caller, _: web::Query<NoParams>) -> AppResult<HttpResponse> {
    caller.reader()?;
    Ok(HttpResponse::Ok().json(KindList {
        items: UnitKind::ALL.iter().copied().map(Into::into).collect(),
    }))
}
