//! `GET /v1/units` and `GET /v1/units/{id}`.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::CALLER_SEES_INTERNAL;
use super::params::{self, FilterParams, NoParams};
use super::views::{UnitDetail, UnitSummary};
use crate::directory::Cursor;
use crate::domain::{Invalid, shown, today};
use crate::error::{AppError, AppResult, Problem};
use crate::startup::AppState;

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
}

/// List and search units.
///
/// Without `q`, units come in Swedish alphabetical order; with `q`, best match first (the
/// exact name before everything else). Pages never skip or repeat a unit.
#[utoipa::path(
    context_path = "/v1",
    tag = "units",
    params(ListParams),
    responses(
        (status = 200, description = "One page of units", body = UnitPage),
        (status = 400, description = "A bad parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/units")]
async fn list_units(state: web::Data<AppState>, query: web::Query<ListParams>) -> AppResult<HttpResponse> {
    let p = query.into_inner();
    let directory = state.directory.current();
    let limit = params::limit(p.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    let cursor = p
        .cursor
        .as_deref()
        .map(Cursor::decode)
        .transpose()
        .map_err(|e| AppError::invalid("cursor", e))?;
    let filter = params::filter(
        &directory,
        FilterParams {
            q: p.q.as_deref(),
            kind: p.kind.as_deref(),
            area: p.area.as_deref(),
            organisation: p.organisation.as_deref(),
            active: p.active.as_deref(),
        },
    )?;
    let page = directory
        .find(&filter, cursor.as_ref(), limit)
        .map_err(|e| AppError::invalid("cursor", e))?;
    Ok(HttpResponse::Ok().json(UnitPage {
        items: page
            .units
            .iter()
            .map(|u| UnitSummary::new(&directory, u, filter.on, CALLER_SEES_INTERNAL))
            .collect(),
        total: page.total,
        next_cursor: page.next.map(|c| c.encode()),
    }))
}

/// One unit with all the contact points the caller may see.
#[utoipa::path(
    context_path = "/v1",
    tag = "units",
    params(("id" = Uuid, Path, description = "The unit's id")),
    responses(
        (status = 200, description = "The unit", body = UnitDetail),
        (status = 400, description = "The id is not a UUID", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/units/{id}")]
async fn get_unit(
    state: web::Data<AppState>,
    id: web::Path<String>,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    let id = parse_unit_id(&id)?;
    let directory = state.directory.current();
    let unit = directory.unit(id).ok_or_else(|| {
        AppError::not_found(
            format!("det finns ingen enhet med id {id}"),
            format!("there is no unit with id {id}"),
        )
    })?;
    Ok(HttpResponse::Ok().json(UnitDetail::new(&directory, unit, today(), CALLER_SEES_INTERNAL)))
}

fn parse_unit_id(raw: &str) -> AppResult<Uuid> {
    Uuid::parse_str(raw).map_err(|_| {
        AppError::invalid(
            "id",
            Invalid::new(
                format!("'{}' är inget enhets-id (en UUID)", shown(raw)),
                format!("'{}' is not a unit id (a UUID)", shown(raw)),
            ),
        )
    })
}
