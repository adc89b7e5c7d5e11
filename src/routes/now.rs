//! `GET /v1/units/{id}/call-now` and `GET /v1/calendar/{year}`.

use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::NoParams;
use super::units::{parse_instant, parse_unit_id};
use super::views::CallNowView;
use crate::auth::Caller;
use crate::db::units::unit_not_found;
use crate::domain::calendar::{Holiday, holidays};
use crate::domain::{Invalid, Purpose, shown};
use crate::error::{AppError, AppResult, Problem};
use crate::startup::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(call_now).service(calendar);
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
async fn call_now(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<CallNowParams>,
) -> AppResult<HttpResponse> {
    let internal = caller.reader()?;
    let id = parse_unit_id(&id)?;
    let at = match &query.at {
        Some(raw) => parse_instant("at", raw)?.and_utc(),
        None => Utc::now(),
    };
    let purpose = match &query.purpose {
        Some(raw) => Purpose::parse(raw).map_err(|e| AppError::invalid("purpose", e))?,
        None => Purpose::VagIn,
    };
    let directory = state.directory.current();
    let unit = directory.unit(id).ok_or_else(|| unit_not_found(id))?;
    let answer = directory.call_now(unit, purpose, at, internal).ok_or_else(|| {
        AppError::not_found(
            format!("enheten har inget nummer med syftet {purpose} som du får se"),
            format!("the unit has no number with purpose {purpose} that you may see"),
        )
    })?;
    Ok(HttpResponse::Ok().json(CallNowView::new(&directory, &answer, at)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Calendar {
    pub year: i32,
    /// Public holidays and the eves the joint plan counts as holidays, in date order.
    pub holidays: Vec<Holiday>,
}

/// The Swedish holiday calendar of a year.
///
/// Public holidays (helgdagar) and, marked `public_holiday: false`, the eves that the joint
/// plan counts as holidays: midsommarafton, julafton, nyårsafton.
#[utoipa::path(
    context_path = "/v1",
    tag = "lookup",
    params(("year" = i32, Path, minimum = 1900, maximum = 2200)),
    security(("bearer" = []), ()),
    responses(
        (status = 200, description = "The year's holidays", body = Calendar),
        (status = 400, description = "Not a year from 1900 to 2200", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/calendar/{year}")]
async fn calendar(
    caller: Caller,
    year: web::Path<String>,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    caller.reader()?;
    let year = year
        .parse::<i32>()
        .ok()
        .filter(|y| (1900..=2200).contains(y))
        .ok_or_else(|| {
            AppError::invalid(
                "year",
                Invalid::new(
                    format!("'{}' är inget år mellan 1900 och 2200", shown(&year)),
                    format!("'{}' is not a year from 1900 to 2200", shown(&year)),
                ),
            )
        })?;
    Ok(HttpResponse::Ok().json(Calendar {
        year,
        holidays: holidays(year),
    }))
}
