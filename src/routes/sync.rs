//! For other systems: `GET /v1/export` (the whole directory) and `GET /v1/changes` (every
//! change since a cursor, from the audit history), so a client can keep an exact copy without
//! reading the whole list again.
//!
//! Both speak the same record: the stored state of an organisation, area or unit (the JSON the
//! audit history keeps). Writes take turns under one lock, so audit events commit in the order
//! of their ids and a cursor (the last id seen) never skips one.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::params;
use crate::auth::SignedIn;
use crate::db::audit::{self, Entity};
use crate::domain::{Invalid, shown};
use crate::error::{AppError, AppResult, Problem};
use crate::startup::{self, AppState};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(export).service(changes);
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `ndjson` (the default): one JSON record per line.
    #[param(example = "ndjson")]
    format: Option<String>,
}

/// One line of the export, and the state in a change: `{"type": "unit", …the unit…}`.
fn record(kind: &str, state: &impl Serialize) -> AppResult<Value> {
    let mut value = serde_json::to_value(state).map_err(|e| AppError::Unexpected(e.into()))?;
    if let Value::Object(map) = &mut value {
        map.insert("type".into(), Value::String(kind.into()));
    }
    Ok(value)
}

/// The whole directory as NDJSON: every organisation, area and unit (with all its numbers,
/// hours, fallback and responsibilities), one JSON record per line, `type` first-class. The
/// same records as `GET /v1/changes` carries, so a copy built from either is the same.
#[utoipa::path(
    context_path = "/v1",
    tag = "sync",
    params(ExportParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The directory, one record per line", body = String, content_type = "application/x-ndjson"),
        (status = 400, description = "An unsupported format", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/export")]
async fn export(
    state: web::Data<AppState>,
    _user: SignedIn,
    query: web::Query<ExportParams>,
) -> AppResult<HttpResponse> {
    match query.format.as_deref().map(str::trim) {
        None | Some("ndjson") => {}
        Some(other) => {
            return Err(AppError::invalid(
                "format",
                Invalid::new(
                    format!("formatet '{}' finns inte (än); tillåtet: ndjson", shown(other)),
                    format!(
                        "the format '{}' is not available (yet); allowed: ndjson",
                        shown(other)
                    ),
                ),
            ));
        }
    }
    let directory = state.directory.current();
    let mut body = String::new();
    let mut line = |value: Value| {
        body.push_str(&value.to_string());
        body.push('\n');
    };
    for org in directory.organisations() {
        line(record("organisation", org)?);
    }
    for area in directory.areas() {
        line(record("area", area)?);
    }
    let mut units: Vec<&crate::domain::Unit> = directory.units().iter().collect();
    units.sort_by_key(|u| u.id);
    for unit in units {
        line(record("unit", unit)?);
    }
    Ok(HttpResponse::Ok()
        .content_type("application/x-ndjson; charset=utf-8")
        .body(body))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangesParams {
    /// `next_cursor` of the previous page; absent: from the beginning.
    since: Option<String>,
    /// Page size, 1–1000 (default 500).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
}

/// One change: the new state of one organisation, area or unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeRecord {
    /// Pass the last one as `since` to continue after it.
    pub cursor: String,
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub version: i64,
    /// The state after the change, as in `GET /v1/export` (with `type`).
    #[schema(value_type = Object)]
    pub state: Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangePage {
    /// Oldest first.
    pub items: Vec<ChangeRecord>,
    /// Where to continue: pass as `since`. Present even on the last page, so a client can
    /// poll for what comes next.
    pub next_cursor: String,
    /// Whether more changes follow right away.
    pub more: bool,
}

/// The changes since a cursor, oldest first: the new state of each organisation, area and unit
/// that changed. A client that applies them in order to an export keeps an exact copy.
#[utoipa::path(
    context_path = "/v1",
    tag = "sync",
    params(ChangesParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of changes", body = ChangePage),
        (status = 400, description = "A bad cursor or limit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/changes")]
async fn changes(
    state: web::Data<AppState>,
    _user: SignedIn,
    query: web::Query<ChangesParams>,
) -> AppResult<HttpResponse> {
    let limit = params::limit(query.limit.as_deref(), 500, 1000)?;
    let since = match query.since.as_deref() {
        None => 0,
        Some(raw) => raw
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| {
                AppError::invalid(
                    "since",
                    Invalid::new(
                        "cursor är ogiltig; använd next_cursor oförändrad",
                        "the cursor is invalid; pass next_cursor unchanged",
                    ),
                )
            })?,
    };
    let page = limit as i64;
    let rows = startup::read(&state, move |conn| {
        Ok(audit::after(
            conn,
            since,
            &[Entity::Organisation, Entity::Area, Entity::Unit],
            page + 1,
        )?)
    })
    .await?;
    let more = rows.len() > limit;
    let mut items = Vec::with_capacity(limit);
    for row in rows.into_iter().take(limit) {
        let mut state: Value = row
            .after_state
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| AppError::Unexpected(e.into()))?
            .unwrap_or(Value::Null);
        if let Value::Object(map) = &mut state {
            map.insert("type".into(), Value::String(row.entity_type.clone()));
        }
        items.push(ChangeRecord {
            cursor: row.id.to_string(),
            occurred_at: row.occurred_at.and_utc(),
            action: row.action,
            entity_type: row.entity_type,
            entity_id: row.entity_id,
            version: row.entity_version,
            state,
        });
    }
    let next_cursor = items
        .last()
        .map_or_else(|| since.to_string(), |c| c.cursor.clone());
    Ok(HttpResponse::Ok().json(ChangePage {
        items,
        next_cursor,
        more,
    }))
}
