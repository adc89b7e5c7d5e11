//! Reports of wrong information: anyone signed in reports, the unit's editors accept (applying
//! the proposed number as a normal audited write) or reject with a reason, and the reporter
//! sees the outcome.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::params::parse_unit_id;
use super::{IfMatch, with_etag};
use crate::auth::{SignedIn, User};
use crate::db::corrections::{self as repo, not_found};
use crate::directory::Directory;
use crate::domain::correction::Correction;
use crate::domain::edit;
use crate::domain::unit_not_found;
use crate::domain::{CorrectionStatus, Invalid, Role, shown};
use crate::error::{AppError, AppResult, Problem};
use crate::service::corrections::{Accepted, Decision, Report, decide, report};
use crate::service::write_meta;
use crate::state::{self, AppState};

/// "This is wrong".
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"message": "Numret går till en telefonsvarare som säger att det är avstängt.", "proposed_number": "031-390 06 99"}))]
pub struct NewCorrection {
    /// What is wrong, 1–2000 characters.
    message: String,
    /// The number that is wrong; absent: the unit in general (an acceptance then changes
    /// its one way in).
    contact_point_id: Option<Uuid>,
    /// The right number, if the reporter knows it.
    proposed_number: Option<String>,
    /// `proposed_number` is right as typed, although it looks mistyped (422 "Menade du …?"
    /// without it).
    #[serde(default)]
    proposed_number_confirmed: bool,
}

/// A report with the unit it is about, and whether the caller may decide it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CorrectionView {
    #[serde(flatten)]
    pub correction: Correction,
    pub unit_name: String,
    pub organisation_id: String,
    /// Whether the caller may accept or reject it (an editor of the unit, while it is open).
    pub may_decide: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CorrectionList {
    /// Newest first.
    pub items: Vec<CorrectionView>,
}

/// Who sees a report: its reporter, the editors of its unit, admins.
fn may_see(user: &User, directory: &Directory, c: &Correction) -> bool {
    c.reporter.sub == user.sub && c.reporter.issuer.as_deref().is_none_or(|i| i == user.issuer)
        || organisation_of(directory, c).is_some_and(|org| user.editor_of(directory, org).is_ok())
}

fn organisation_of<'d>(directory: &'d Directory, c: &Correction) -> Option<&'d str> {
    directory.unit(c.unit_id).map(|u| u.organisation_id.as_str())
}

fn view(directory: &Directory, user: &User, correction: Correction) -> CorrectionView {
    let unit = directory.unit(correction.unit_id);
    let organisation_id = unit.map(|u| u.organisation_id.clone()).unwrap_or_default();
    CorrectionView {
        unit_name: unit.map(|u| u.name.clone()).unwrap_or_default(),
        may_decide: correction.status == CorrectionStatus::Open
            && user.editor_of(directory, &organisation_id).is_ok(),
        organisation_id,
        correction,
    }
}

fn respond(state: &AppState, user: &User, correction: Correction, status: StatusCode) -> HttpResponse {
    let mut builder = with_etag(HttpResponse::build(status), correction.version);
    if status == StatusCode::CREATED {
        builder.insert_header((LOCATION, format!("/v1/corrections/{}", correction.id)));
    }
    builder.json(view(&state.directory.current(), user, correction))
}

fn parse_id(raw: &str) -> AppResult<Uuid> {
    Uuid::parse_str(raw.trim()).map_err(|_| {
        AppError::invalid(
            "id",
            Invalid::new(
                format!("'{}' är inget rapport-id (UUID)", shown(raw)),
                format!("'{}' is not a report id (UUID)", shown(raw)),
            ),
        )
    })
}

/// Report that a unit's information is wrong (anyone signed in, readers too). The unit's
/// editors find it in `GET /v1/corrections?status=open`.
#[utoipa::path(
    context_path = "/v1",
    tag = "corrections",
    params(("id" = Uuid, Path, description = "The unit")),
    request_body = NewCorrection,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Reported", body = CorrectionView, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "No text, an unknown number, or an invalid proposed number", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/units/{id}/corrections")]
pub async fn report_correction(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    id: web::Path<String>,
    body: super::Json<NewCorrection>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let id = parse_unit_id(&id)?;
    let directory = state.directory.current();
    let unit = directory.unit(id).ok_or_else(|| unit_not_found(id))?;
    let b = body.into_inner();
    let meta = write_meta(&user, &req, None)?;
    let what = Report {
        message: &b.message,
        contact_point_id: b.contact_point_id,
        proposed_number: b.proposed_number.as_deref(),
        proposed_number_confirmed: b.proposed_number_confirmed,
    };
    let correction = report(&state, unit, &user, meta, what).await?;
    Ok(respond(&state, &user, correction, StatusCode::CREATED))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CorrectionParams {
    /// `open`, `accepted` or `rejected`; absent: all.
    status: Option<String>,
    /// Only the caller's own reports (a reader sees only those anyway).
    mine: Option<bool>,
    /// Only reports about this unit.
    unit: Option<Uuid>,
}

/// Reports the caller may see: an editor those about units they may edit and their own, a
/// reader their own (with the outcome), an admin all.
#[utoipa::path(
    context_path = "/v1",
    tag = "corrections",
    params(CorrectionParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Reports, newest first", body = CorrectionList),
        (status = 400, description = "A bad status", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/corrections")]
pub async fn list_corrections(
    state: web::Data<AppState>,
    user: SignedIn,
    query: web::Query<CorrectionParams>,
) -> AppResult<HttpResponse> {
    let status = query
        .status
        .as_deref()
        .map(CorrectionStatus::parse)
        .transpose()
        .map_err(|e| AppError::invalid("status", e))?;
    let only_own = query.mine.unwrap_or(false) || user.role == Role::Reader;
    let reporter = only_own.then(|| user.sub.clone());
    let unit = query.unit;
    let rows = state::read(&state, move |conn| repo::list(conn, status, reporter.as_deref())).await?;
    let directory = state.directory.current();
    let items = rows
        .into_iter()
        .filter(|c| unit.is_none_or(|u| u == c.unit_id))
        .filter(|c| may_see(&user, &directory, c))
        .map(|c| view(&directory, &user, c))
        .collect();
    Ok(HttpResponse::Ok().json(CorrectionList { items }))
}

/// Load a report the caller may see.
async fn visible(state: &web::Data<AppState>, user: &User, raw: &str) -> AppResult<Correction> {
    let id = parse_id(raw)?;
    let correction = state::read(state, move |conn| repo::load(conn, id))
        .await?
        .ok_or_else(|| not_found(id))?;
    if may_see(user, &state.directory.current(), &correction) {
        Ok(correction)
    } else {
        Err(AppError::Forbidden {
            sv: "bara den som rapporterade och enhetens redaktörer ser rapporten".into(),
            en: "only the reporter and the unit's editors see the report".into(),
        })
    }
}

/// A report the caller may decide (an editor of its unit). The caller checks the body, then
/// `If-Match` (a precondition counts only for a request that could otherwise succeed).
async fn to_decide(state: &web::Data<AppState>, user: &User, raw: &str) -> AppResult<Correction> {
    let correction = visible(state, user, raw).await?;
    let directory = state.directory.current();
    user.editor_of(
        &directory,
        organisation_of(&directory, &correction).unwrap_or_default(),
    )?;
    Ok(correction)
}

/// One report, with its outcome.
#[utoipa::path(
    context_path = "/v1",
    tag = "corrections",
    params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report", body = CorrectionView, headers(("ETag" = String))),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the reporter nor an editor of the unit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/corrections/{id}")]
pub async fn get_correction(
    state: web::Data<AppState>,
    user: SignedIn,
    id: web::Path<String>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let correction = visible(&state, &user, &id).await?;
    Ok(respond(&state, &user, correction, StatusCode::OK))
}

/// Accepting a report.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "kontrollerat med enheten"}))]
pub struct AcceptBody {
    /// The number to set instead of the proposed one (the editor checked and knows better).
    number: Option<String>,
    /// `number` is right as typed, although it looks mistyped (422 "Menade du …?" without it).
    #[serde(default)]
    number_confirmed: bool,
    /// Kept with the decision and in the unit's history.
    reason: Option<String>,
}

/// Accept a report (an editor of the unit): its number (the proposed one, or `number`) is set
/// on the reported contact point, or the one way in, as a normal audited write of the unit in
/// the same transaction. A report without a number is only marked accepted.
#[utoipa::path(
    context_path = "/v1",
    tag = "corrections",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The report's ETag")),
    request_body = AcceptBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Accepted", body = CorrectionView, headers(("ETag" = String))),
        (status = "4XX", description = "400 invalid number, 401, 403 not an editor of the unit, 404, 409 decided already, 412 stale If-Match, 428 no If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/corrections/{id}/accept")]
pub async fn accept_correction(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    id: web::Path<String>,
    if_match: IfMatch,
    body: super::OptionalJson<AcceptBody>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let correction = to_decide(&state, &user, &id).await?;
    let b = body.0.unwrap_or_default();
    let meta = write_meta(&user, &req, b.reason.as_deref())?;
    if let Some(number) = &b.number {
        crate::domain::PhoneNumber::typed(number, b.number_confirmed, "number_confirmed")
            .map_err(|e| AppError::invalid("number", e))?;
    }
    let version = if_match.required()?;
    let decision = Decision::Accept(Accepted {
        number: b.number.map(Some),
        confirmed: b.number_confirmed,
    });
    let decided = decide(&state, &user, meta, correction.id, version, decision).await?;
    Ok(respond(&state, &user, decided, StatusCode::OK))
}

/// Rejecting a report: the reporter sees why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Numret stämmer; telefontiden är 08–12 och 13–16.30."}))]
pub struct RejectBody {
    reason: String,
}

/// Reject a report with a reason (an editor of the unit); nothing else changes.
#[utoipa::path(
    context_path = "/v1",
    tag = "corrections",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The report's ETag")),
    request_body = RejectBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Rejected", body = CorrectionView, headers(("ETag" = String))),
        (status = "4XX", description = "400 no reason, 401, 403 not an editor of the unit, 404, 409 decided already, 412 stale If-Match, 428 no If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/corrections/{id}/reject")]
pub async fn reject_correction(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    id: web::Path<String>,
    if_match: IfMatch,
    body: super::Json<RejectBody>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let correction = to_decide(&state, &user, &id).await?;
    let reason = edit::reason(Some(&body.reason))
        .map_err(|e| AppError::invalid("reason", e))?
        .ok_or_else(|| {
            AppError::invalid(
                "reason",
                Invalid::new(
                    "skriv varför rapporten avvisas; den som rapporterade ser det",
                    "say why the report is rejected; the reporter sees it",
                ),
            )
        })?;
    let meta = write_meta(&user, &req, Some(&reason))?;
    let version = if_match.required()?;
    let decided = decide(&state, &user, meta, correction.id, version, Decision::Reject).await?;
    Ok(respond(&state, &user, decided, StatusCode::OK))
}
