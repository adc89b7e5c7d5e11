//! `GET /v1/units` and `GET /v1/units/{id}`.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::{self, parse_instant, parse_unit_id};
use super::views::{UnitDetail, UnitSummary};
use super::with_etag;
use crate::auth::Caller;
use crate::db::units::unit_as_of;
use crate::directory::Cursor;
use crate::domain::today;
use crate::domain::unit_not_found;
use crate::error::{AppError, AppResult, Problem};
use crate::service::search::{self, FilterParams, FoundBy};
use crate::state::{self, AppState};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_units).service(get_unit);
}

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
async fn list_units(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ListParams>,
) -> AppResult<HttpResponse> {
    let internal = caller.reader()?;
    let p = query.into_inner();
    let directory = state.directory.current();
    let limit = params::limit(p.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    let cursor = p.cursor.as_deref().map(Cursor::decode).transpose();
    let cursor = cursor.map_err(|e| AppError::invalid("cursor", e))?;
    let filter = search::filter(&directory, p.filter(), internal)?;
    let page = directory
        .find(&filter, cursor.as_ref(), limit)
        .map_err(|e| AppError::invalid("cursor", e))?;
    let why = FoundBy::each(&directory, &filter, &page, internal);
    let items = page.units.iter().zip(why);
    Ok(HttpResponse::Ok().json(UnitPage {
        items: items
            .map(|(u, why)| UnitSummary::new(&directory, u, filter.on, internal).found_by(why))
            .collect(),
        total: page.total,
        next_cursor: page.next.map(|c| c.encode()),
        ignored_words: page.ignored_words,
    }))
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
async fn get_unit(
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
    Ok(
        with_etag(HttpResponse::Ok(), unit.version).json(UnitDetail::new(
            &directory,
            unit,
            today(),
            internal,
        )),
    )
}
