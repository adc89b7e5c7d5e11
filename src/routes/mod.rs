//! HTTP routes: one module per resource, each with `configure`.

pub mod lookup;
pub mod reference;
pub mod units;
pub mod views;

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::repo;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult, Problem};
use crate::startup::AppState;

/// Until authentication arrives (issue 3) every caller is treated as signed-in staff and sees
/// internal numbers. The service binds to 127.0.0.1 by default for that reason.
pub(crate) const CALLER_SEES_INTERNAL: bool = true;

/// Everything under `/v1`.
pub fn configure_v1(cfg: &mut web::ServiceConfig) {
    cfg.configure(units::configure)
        .configure(lookup::configure)
        .configure(reference::configure);
}

/// Health checks, outside `/v1`.
pub fn configure_health(cfg: &mut web::ServiceConfig) {
    cfg.service(healthz).service(readyz);
}

/// Parses a `limit` query parameter: 1..=max, `default` when absent.
pub(crate) fn parse_limit(raw: Option<&str>, default: usize, max: usize) -> AppResult<usize> {
    let Some(raw) = raw else {
        return Ok(default);
    };
    match raw.trim().parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(AppError::invalid(
            "limit",
            Invalid::new(
                format!("'{raw}' är ingen giltig sidstorlek; ange ett heltal 1–{max}"),
                format!("'{raw}' is not a valid page size; give a whole number 1–{max}"),
            ),
        )),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
    /// Units in the served snapshot.
    pub units: usize,
}

/// Liveness: the process is up and serving.
#[utoipa::path(tag = "health", responses((status = 200, description = "Alive", body = Health)))]
#[get("/healthz")]
async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        units: state.directory.current().unit_count(),
    })
}

/// Readiness: the database answers.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "The database does not answer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let pool = state.pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        repo::ping(&mut conn)?;
        Ok::<_, anyhow::Error>(())
    })
    .await?
    .map_err(AppError::Unavailable)?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ready",
        units: state.directory.current().unit_count(),
    }))
}
