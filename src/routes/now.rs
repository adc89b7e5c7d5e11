//! `GET /v1/units/{id}/call-now` and `GET /v1/calendar/{year}`.

use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::NoParams;
use super::params::{moment, parse_instant, parse_unit_id};
use super::views::{CallNowView, NumberView, UnitRef, local_time};
use crate::auth::Caller;
use crate::domain::calendar::{Holiday, holidays};
use crate::domain::responsibility::DoctorTime;
use crate::domain::unit_not_found;
use crate::domain::{Invalid, MeetingForm, Purpose, Visibility, shown};
use crate::error::{AppError, AppResult, Problem};
use crate::service::search;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(call_now)
        .service(calendar)
        .service(responsible)
        .service(preschool);
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

/// The fixed doctor time, and when it is next.
#[derive(Debug, Serialize, ToSchema)]
pub struct DoctorTimeView {
    #[serde(flatten)]
    pub time: DoctorTime,
    /// "tisdagar 13:00, jämna veckor".
    pub text: String,
    /// The next time as scheduled.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// When `next` falls on a holiday (or an eve kept free): its Swedish name, e.g.
    /// "Annandag påsk". The doctor time is then usually not held; see `next_on_a_workday`.
    pub next_is_holiday: Option<String>,
    /// When `next` falls inside a dated period in which the vårdcentral is closed: the
    /// period, e.g. "Sommarstängt v. 28–31". See `next_on_a_workday`.
    pub next_in_closure: Option<String>,
    /// The next time that falls on a working day outside the vårdcentral's closures (the
    /// same as `next` in an ordinary week).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_on_a_workday: Option<chrono::DateTime<chrono::FixedOffset>>,
}

impl DoctorTimeView {
    /// `vardcentral`: whose closures count.
    pub fn new(
        time: &DoctorTime,
        at: chrono::DateTime<Utc>,
        vardcentral: Option<&crate::domain::Unit>,
    ) -> Self {
        let next = time.next(at);
        let day = |t: chrono::DateTime<Utc>| t.with_timezone(&chrono_tz::Europe::Stockholm).date_naive();
        // Closed for a period on a day: the period that decides its one way in has no hours
        // on that day.
        let closure = |d: chrono::NaiveDate| -> Option<String> {
            let vc = vardcentral?;
            let period = vc.vag_in()?.schedule(vc).period_on(d)?;
            let weekday_open = period.weekly.iter().any(|s| s.days.iter().any(|x| x.matches(d)));
            (!weekday_open).then(|| period.title())
        };
        let next_is_holiday = next
            .filter(|t| !crate::domain::calendar::is_workday(day(*t)))
            .map(|t| {
                crate::domain::calendar::holiday(day(t))
                    .map_or_else(|| "helgdag".to_owned(), |h| h.name.to_owned())
            });
        Self {
            time: time.clone(),
            text: time.describe(),
            next: next.map(local_time),
            next_is_holiday,
            next_in_closure: next.and_then(|t| closure(day(t))),
            next_on_a_workday: time.next_held(at, |d| closure(d).is_none()).map(local_time),
        }
    }
}

/// Who is responsible for a boende, and how to reach them now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponsibleView {
    pub boende: UnitRef,
    pub vardcentral: UnitRef,
    pub doctor_time: Option<DoctorTimeView>,
    pub meeting_form: Option<MeetingForm>,
    pub meeting_form_label: Option<&'static str>,
    /// The vårdcentral's direct number for acute assessments (its one way in if it has none).
    pub direct_acute: NumberView,
    /// Who answers at that moment, starting from that number: the vårdcentral on working
    /// days, the on-call doctor otherwise.
    pub call_now: CallNowView,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AtParam {
    /// The moment (RFC 3339); default now.
    #[param(value_type = Option<String>, format = DateTime)]
    at: Option<String>,
}

/// The number a unit's callers should start from for acute questions.
fn acute_purpose(unit: &crate::domain::Unit) -> Purpose {
    if unit
        .contact_points
        .iter()
        .any(|c| c.purpose == Purpose::DirectAcute)
    {
        Purpose::DirectAcute
    } else {
        Purpose::VagIn
    }
}

/// Who is responsible for a boende: the ansvarig vårdcentral, its fixed doctor time and
/// meeting form, its direct number, and who answers now.
#[utoipa::path(
    context_path = "/v1",
    tag = "lookup",
    params(("id" = Uuid, Path, description = "A boende (särskilt boende, korttid, LSS, socialpsykiatri)"), AtParam),
    security(("bearer" = []), ()),
    responses(
        (status = 200, description = "The responsible vårdcentral", body = ResponsibleView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unit, or no responsible vårdcentral recorded", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/units/{id}/responsible")]
async fn responsible(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<AtParam>,
) -> AppResult<HttpResponse> {
    let internal = caller.reader()?;
    let id = parse_unit_id(&id)?;
    let at = moment(query.at.as_deref())?;
    let directory = state.directory.current();
    let boende = directory.unit(id).ok_or_else(|| unit_not_found(id))?;
    let missing = || {
        AppError::not_found(
            format!("ingen ansvarig vårdcentral är angiven för {}", boende.name),
            format!("no responsible vårdcentral is recorded for {}", boende.name),
        )
    };
    let r = boende.responsibility.as_ref().ok_or_else(missing)?;
    let vardcentral = directory.unit(r.vardcentral_id).ok_or_else(missing)?;
    let answer = directory
        .call_now(vardcentral, acute_purpose(vardcentral), at, internal)
        .ok_or_else(missing)?;
    let first = answer.asked;
    Ok(HttpResponse::Ok().json(ResponsibleView {
        boende: UnitRef::new(&directory, boende),
        vardcentral: UnitRef::new(&directory, vardcentral),
        doctor_time: r
            .doctor_time
            .as_ref()
            .map(|t| DoctorTimeView::new(t, at, Some(vardcentral))),
        meeting_form: r.meeting_form,
        meeting_form_label: r.meeting_form.map(|m| m.label_sv()),
        direct_acute: NumberView::from(first),
        call_now: CallNowView::new(&directory, &answer, at),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PreschoolParams {
    /// The preschool's name, or the beginnings of its words: "solros".
    #[param(required = true, example = "Solrosen", max_length = 200)]
    name: Option<String>,
    /// The moment for `call_now` (RFC 3339); default now.
    #[param(value_type = Option<String>, format = DateTime)]
    at: Option<String>,
}

/// A preschool and the BVC responsible for it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreschoolAnswer {
    pub preschool: String,
    pub bvc: UnitRef,
    /// The BVC's one way in.
    pub call: NumberView,
    pub call_now: CallNowView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreschoolLookup {
    pub results: Vec<PreschoolAnswer>,
}

/// Which BVC (barnhälsovård) is responsible for a preschool.
#[utoipa::path(
    context_path = "/v1",
    tag = "lookup",
    params(PreschoolParams),
    security(("bearer" = []), ()),
    responses(
        (status = 200, description = "The matching preschools and their BVC", body = PreschoolLookup),
        (status = 400, description = "A bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No preschool by that name", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/lookup/preschool")]
async fn preschool(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PreschoolParams>,
) -> AppResult<HttpResponse> {
    let internal = caller.reader()?;
    let at = moment(query.at.as_deref())?;
    let name = query.name.as_deref().unwrap_or_default();
    let directory = state.directory.current();
    let found = search::preschools(&directory, name, crate::domain::today())
        .map_err(|e| AppError::invalid("name", e))?;
    let results: Vec<PreschoolAnswer> = found
        .into_iter()
        .filter_map(|(bvc, preschool)| {
            let call = bvc
                .vag_in()
                .filter(|c| internal || c.visibility == Visibility::Public)?;
            let answer = directory.call_now(bvc, Purpose::VagIn, at, internal)?;
            Some(PreschoolAnswer {
                preschool: preschool.to_owned(),
                bvc: UnitRef::new(&directory, bvc),
                call: NumberView::from(call),
                call_now: CallNowView::new(&directory, &answer, at),
            })
        })
        .collect();
    if results.is_empty() {
        return Err(AppError::not_found(
            format!("ingen förskola heter '{}'", shown(name)),
            format!("no preschool is called '{}'", shown(name)),
        ));
    }
    Ok(HttpResponse::Ok().json(PreschoolLookup { results }))
}
