//! `GET /v1/lookup`: the one-way-in answer.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::units::build_filter;
use super::views::{AreaRef, NumberView, OrganisationRef, UnitSummary};
use super::{CALLER_SEES_INTERNAL, parse_limit};
use crate::directory::ActiveFilter;
use crate::domain::{Invalid, UnitKind};
use crate::error::{AppError, AppResult, Problem, Suggestion};
use crate::startup::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(lookup);
}

const DEFAULT_LIMIT: usize = 3;
const MAX_LIMIT: usize = 20;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LookupParams {
    /// What to look for, typed the way people type: "sodra torget", "herk", "Brämhlut".
    #[param(example = "sodra torget", max_length = 200)]
    q: Option<String>,
    /// Only units of these kinds, comma-separated.
    #[param(example = "vardcentral")]
    kind: Option<String>,
    /// Only units in this area.
    area: Option<String>,
    /// How many answers at most, 1–20 (default 3).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 20, example = 3)]
    limit: Option<String>,
}

/// A unit and the one number to call it on.
#[derive(Debug, Serialize, ToSchema)]
pub struct LookupResult {
    pub id: Uuid,
    pub name: String,
    pub kind: UnitKind,
    pub kind_label: &'static str,
    pub organisation: OrganisationRef,
    pub areas: Vec<AreaRef>,
    /// The unit's `vag_in` number: the one way in.
    pub call: NumberView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LookupResponse {
    /// The query as received.
    pub query: String,
    /// Best match first.
    pub results: Vec<LookupResult>,
}

/// The one number to call.
///
/// Finds the active units that best match `q` and answers, for each, exactly one number: its
/// `vag_in` (one way in), in E.164 and national form and as a `tel:` URI. When nothing
/// matches, the 404 problem lists the nearest names in `suggestions`.
#[utoipa::path(
    context_path = "/v1",
    tag = "lookup",
    params(LookupParams),
    responses(
        (status = 200, description = "The best matches, each with its one number", body = LookupResponse),
        (status = 400, description = "Missing or bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Nothing matches; see `suggestions`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/lookup")]
async fn lookup(state: web::Data<AppState>, params: web::Query<LookupParams>) -> AppResult<HttpResponse> {
    let p = params.into_inner();
    let directory = state.directory.current();
    let limit = parse_limit(p.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    let filter = build_filter(
        &directory,
        p.q.as_deref(),
        p.kind.as_deref(),
        p.area.as_deref(),
        None,
        ActiveFilter::Active,
    )
    .map_err(AppError::Validation)?;
    if filter.query.is_none() {
        return Err(AppError::invalid(
            "q",
            Invalid::new("ange vad du söker efter i q", "say what to look for in q"),
        ));
    }
    let page = directory
        .find(&filter, None, limit)
        .map_err(|e| AppError::invalid("q", e))?;
    let results: Vec<LookupResult> = page
        .units
        .iter()
        .filter_map(|unit| {
            let s = UnitSummary::new(&directory, unit, filter.on, CALLER_SEES_INTERNAL);
            Some(LookupResult {
                call: s.vag_in?,
                id: s.id,
                name: s.name,
                kind: s.kind,
                kind_label: s.kind_label,
                organisation: s.organisation,
                areas: s.areas,
            })
        })
        .collect();
    if results.is_empty() {
        let q = p.q.unwrap_or_default();
        return Err(AppError::NotFound {
            sv: format!("ingen aktiv enhet matchar '{q}'"),
            en: format!("no active unit matches '{q}'"),
            suggestions: directory
                .suggestions(&filter, 3)
                .into_iter()
                .map(|u| Suggestion {
                    id: u.id,
                    name: u.name.clone(),
                })
                .collect(),
        });
    }
    Ok(HttpResponse::Ok().json(LookupResponse {
        query: p.q.unwrap_or_default(),
        results,
    }))
}
