//! HTTP routes: one module per resource, each with `configure`.

pub mod admin;
pub mod corrections;
pub mod editing;
pub mod history;
pub mod lookup;
pub mod now;
pub mod params;
pub mod reference;
pub mod reviews;
pub mod session;
pub mod streets;
pub mod sync;
pub mod units;
pub mod views;

use std::future::{Ready, ready};

use actix_web::http::header::{ETAG, IF_MATCH};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, HttpResponseBuilder, get, web};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use crate::auth::User;
use crate::db::audit::WriteMeta;
use crate::db::repo;
use crate::domain::{Invalid, edit};
use crate::error::{AppError, AppResult, Problem, etag};
use crate::startup::{AppState, RequestId};
use params::NoParams;

/// Everything under `/v1`.
pub fn configure_v1(cfg: &mut web::ServiceConfig) {
    cfg.configure(session::configure)
        .configure(editing::configure)
        .configure(history::configure)
        .configure(now::configure)
        .configure(streets::configure)
        .configure(reviews::configure)
        .configure(corrections::configure)
        .configure(sync::configure)
        .configure(units::configure)
        .configure(lookup::configure)
        .configure(reference::configure)
        .configure(admin::configure);
}

/// The version a write was based on, from `If-Match`. Extracting never fails, so that the
/// handler can authorise first; `required()` then answers 428 or 400.
#[derive(Debug, Clone)]
pub struct IfMatch(Option<Result<i64, String>>);

impl IfMatch {
    /// The version named by `If-Match`: 428 without it, 412 for a weak or unknown tag.
    pub fn required(&self) -> AppResult<i64> {
        match &self.0 {
            // `*` ("whatever is there") is exactly what lost-update protection must not accept.
            None => Err(AppError::PreconditionRequired),
            Some(Err(raw)) if raw == "*" => Err(AppError::PreconditionRequired),
            Some(Ok(version)) => Ok(*version),
            Some(Err(raw)) if raw.starts_with("W/") || raw.contains(',') => {
                Err(AppError::PreconditionFailed {
                    current_version: None,
                })
            }
            Some(Err(raw)) => Err(AppError::invalid(
                "If-Match",
                Invalid::new(
                    format!(
                        "'{}' är ingen ETag; skicka ETag-värdet från GET oförändrat",
                        crate::domain::shown(raw)
                    ),
                    format!(
                        "'{}' is not an ETag; send the ETag from GET unchanged",
                        crate::domain::shown(raw)
                    ),
                ),
            )),
        }
    }
}

impl FromRequest for IfMatch {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let value = req.headers().get(IF_MATCH).map(|v| {
            let raw = v.to_str().unwrap_or_default().trim().to_owned();
            raw.strip_prefix('"')
                .and_then(|r| r.strip_suffix('"'))
                .and_then(|n| n.parse::<i64>().ok())
                .ok_or(raw)
        });
        ready(Ok(IfMatch(value)))
    }
}

/// Who writes, why, and in which request: what the audit event records.
pub fn write_meta(user: &User, req: &HttpRequest, reason: Option<&str>) -> AppResult<WriteMeta> {
    let reason = edit::reason(reason).map_err(|e| AppError::invalid("reason", e))?;
    Ok(WriteMeta {
        actor_sub: user.sub.clone(),
        actor_issuer: Some(user.issuer.clone()),
        actor_name: user.name.clone(),
        actor_role: user.role.code().to_owned(),
        reason,
        request_id: req.extensions().get::<RequestId>().map(|r| r.0.clone()),
        at: crate::db::now(),
        batch_id: None,
    })
}

/// Refuses a body that is not sent as CSV (`text/csv`, or `text/plain`); `what` names it.
pub fn require_csv(req: &HttpRequest, what_sv: &str, what_en: &str) -> AppResult<()> {
    let csv = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/csv") || t.starts_with("text/plain"));
    if csv {
        Ok(())
    } else {
        Err(AppError::invalid(
            "Content-Type",
            Invalid::new(
                format!("skicka {what_sv} som text/csv"),
                format!("send {what_en} as text/csv"),
            ),
        ))
    }
}

/// A response that carries the version it shows as its ETag.
pub fn with_etag(mut builder: HttpResponseBuilder, version: i64) -> HttpResponseBuilder {
    builder.insert_header((ETAG, etag(version)));
    builder
}

/// For PATCH bodies: a field that is present (even as `null`) becomes `Some(..)`, so that
/// `Option<Option<T>>` tells "leave as it is" (absent) from "clear" (`null`).
pub fn present<'de, T, D>(d: D) -> Result<Option<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    T::deserialize(d).map(Some)
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
    let served = state.clone();
    web::block(move || {
        let mut conn = served.pool.get()?;
        repo::ping(&mut conn)?;
        if served.stale.load(std::sync::atomic::Ordering::SeqCst) {
            served.reload(&mut conn)?;
        }
        Ok::<_, anyhow::Error>(())
    })
    .await?
    .map_err(AppError::Unavailable)?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ready",
        units: state.directory.current().unit_count(),
    }))
}
