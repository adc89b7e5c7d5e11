//! HTTP routes: one module per resource, each with `configure`.

pub mod lookup;
pub mod params;
pub mod reference;
pub mod units;
pub mod views;

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::repo;
use crate::error::{AppError, AppResult, Problem};
use crate::startup::AppState;
use params::NoParams;

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
async fn healthz(state: web::Data<AppState>, _: web::Query<NoParams>) -> HttpResponse {
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
async fn readyz(state: web::Data<AppState>, _: web::Query<NoParams>) -> AppResult<HttpResponse> {
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
