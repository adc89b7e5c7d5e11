//! `GET /v1/lookup`: the one-way-in answer.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params;
use super::views::LookupResult;
use crate::auth::Caller;
use crate::directory::UnitFilter;
use crate::domain::{Invalid, shown};
use crate::error::{AppError, AppResult, Problem, Suggestion};
use crate::service::search::{self, FilterParams, FoundBy};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(lookup);
}

const DEFAULT_LIMIT: usize = 3;
const MAX_LIMIT: usize = 20;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LookupParams {
    /// What to look for, typed the way people type: "sodra torget", "herk", "Brämhlut", or a
    /// phone number.
    #[param(required = true, example = "sodra torget", max_length = 200)]
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

#[derive(Debug, Serialize, ToSchema)]
pub struct LookupResponse {
    /// The query as received.
    pub query: String,
    /// Best match first.
    pub results: Vec<LookupResult>,
    /// Words of `q` (folded) that matched no unit and were left out: the results match the
    /// most of the others.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_words: Vec<String>,
}

/// The one number to call.
///
/// Finds the active units that best match `q` and answers, for each, exactly one number: its
/// `vag_in` (one way in), in E.164 and national form and as a `tel:` URI. With several words,
/// the units that match the most of them, and the words that matched nothing in
/// `ignored_words`. When no word matches anything, the 404 problem lists the nearest names in
/// `suggestions`.
#[utoipa::path(
    context_path = "/v1",
    tag = "lookup",
    params(LookupParams),
    security(("bearer" = []), ()),
    responses(
        (status = 200, description = "The best matches, each with its one number", body = LookupResponse),
        (status = 400, description = "Missing or bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token (and anonymous reading is off)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Nothing matches; see `suggestions`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/lookup")]
async fn lookup(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<LookupParams>,
) -> AppResult<HttpResponse> {
    let internal = caller.reader()?;
    let p = query.into_inner();
    let directory = state.directory.current();
    let limit = params::limit(p.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT)?;
    let filter = search::filter(&directory, p.filter(), internal)?;
    p.required(&filter)?;
    let page = directory
        .find(&filter, None, limit)
        .map_err(|e| AppError::invalid("q", e))?;
    let why = FoundBy::each(&directory, &filter, &page, internal);
    let results: Vec<LookupResult> = page
        .units
        .iter()
        .zip(why)
        .filter_map(|(unit, found_by)| {
            LookupResult::new(&directory, unit, internal).map(|r| LookupResult { found_by, ..r })
        })
        .collect();
    let q = p.q.unwrap_or_default();
    if results.is_empty() {
        let nearest = directory.suggestions(&filter, 3);
        return Err(AppError::NotFound {
            sv: format!("ingen aktiv enhet matchar '{}'", shown(&q)),
            en: format!("no active unit matches '{}'", shown(&q)),
            suggestions: nearest.into_iter().map(Suggestion::from).collect(),
        });
    }
    Ok(HttpResponse::Ok().json(LookupResponse {
        query: q,
        results,
        ignored_words: page.ignored_words,
    }))
}

impl LookupParams {
    fn filter(&self) -> FilterParams<'_> {
        FilterParams {
            q: self.q.as_deref(),
            kind: self.kind.as_deref(),
            area: self.area.as_deref(),
            ..FilterParams::default()
        }
    }

    /// A lookup needs something to look for. Blank is the wrong form (400); text without a
    /// letter or digit to search for breaks a rule the document cannot state (422).
    fn required(&self, filter: &UnitFilter) -> AppResult<()> {
        if filter.query.is_some() {
            return Ok(());
        }
        let blank = self.q.as_deref().is_none_or(|q| q.trim().is_empty());
        let why = Invalid::new("ange vad du söker efter i q", "say what to look for in q");
        let why = if blank { why } else { why.as_rule() };
        Err(AppError::invalid("q", why))
    }
}
