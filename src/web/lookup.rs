//! Looking a number up: the search page and its results as you type, a unit's page (who
//! answers now, or at another time), reporting something wrong, and a street's units.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, get, post, web};
use serde::Deserialize;
use uuid::Uuid;

use crate::domain::Invalid;
use crate::error::AppError;
use crate::service::corrections::{Report, report};
use crate::state::AppState;

use super::forms::{NoticeParams, ReportInput, SearchForm};
use super::session::{Session, WebError, WebResult, meta, session_view};
use super::{html, ok, pages, see_other, unit_of};

/// The lookup page: one search box, filters, results.
#[get("/")]
pub(super) async fn lookup_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    form: web::Query<SearchForm>,
) -> WebResult {
    let internal = session.reader(&req)?;
    let directory = state.directory.current();
    let results = pages::search_results(&directory, &form, internal, chrono::Utc::now());
    ok(pages::lookup(&session_view(&session), &directory, &form, results))
}

/// The results alone, for the script that updates them as you type.
#[get("/sok")]
pub(super) async fn results_fragment(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    form: web::Query<SearchForm>,
) -> WebResult {
    // For the script: a fragment that says to sign in, not a redirect to a whole page.
    let Ok(internal) = session.reader(&req) else {
        return Ok(html(StatusCode::UNAUTHORIZED, pages::signed_out_fragment()));
    };
    let directory = state.directory.current();
    ok(pages::search_results(
        &directory,
        &form,
        internal,
        chrono::Utc::now(),
    ))
}

/// The moment a page asks about: `vid` in Borås time or RFC 3339, else now (an unreadable
/// value is now too, and the page says which moment it shows).
pub(super) fn asked_moment(raw: Option<&str>) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::TimeZone;
    let raw = raw?.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&chrono::Utc));
    }
    // (RFC 3339 has four-digit years; the form's field is checked below.)
    let local = chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M").ok()?;
    // Years the calendar knows (as `/v1/calendar`): no date arithmetic near chrono's limits.
    if !(1900..=2200).contains(&chrono::Datelike::year(&local)) {
        return None;
    }
    chrono_tz::Europe::Stockholm
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// One unit: every number the caller may see, telefontid, who is responsible, and a form to
/// report wrong information.
#[get("/enhet/{id}")]
pub(super) async fn unit_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    notice: web::Query<NoticeParams>,
) -> WebResult {
    let internal = session.reader(&req)?;
    let directory = state.directory.current();
    let unit = unit_of(&directory, &id)?;
    let done = notice.klart.as_deref() == Some("rapport");
    ok(pages::unit(
        &session_view(&session),
        &directory,
        unit,
        internal,
        asked_moment(notice.vid.as_deref()),
        &pages::ReportForm {
            done,
            ..pages::ReportForm::default()
        },
    ))
}

/// "Rapportera fel": the corrections API's report, from the unit page.
#[post("/enhet/{id}/rapport")]
pub(super) async fn report_wrong(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    form: web::Form<ReportInput>,
) -> WebResult {
    let user = session.writer(&req, &form.csrf)?.clone();
    let directory = state.directory.current();
    let unit = unit_of(&directory, &id)?;
    let id = unit.id;
    let meta = meta(&user, &req, None)?;
    // A number of the unit, chosen from its list; anything else is no number of it.
    let point = match form.contact_point_id.trim() {
        "" => None,
        raw => Some(Uuid::parse_str(raw).unwrap_or_else(|_| Uuid::nil())),
    };
    let what = Report {
        message: &form.message,
        contact_point_id: point,
        proposed_number: Some(form.proposed_number.as_str()).filter(|p| !p.trim().is_empty()),
        proposed_number_confirmed: form.proposed_number_confirmed.is_some(),
    };
    match report(&state, unit, &user, meta, what).await {
        Err(AppError::Validation(errors)) => {
            let view = pages::ReportForm {
                contact_point_id: form.contact_point_id.clone(),
                message: form.message.clone(),
                proposed_number: form.proposed_number.clone(),
                proposed_number_confirmed: form.proposed_number_confirmed.is_some(),
                errors,
                done: false,
            };
            let page = pages::unit(&session_view(&session), &directory, unit, true, None, &view);
            Ok(html(StatusCode::BAD_REQUEST, page))
        }
        Err(other) => Err(other.into()),
        Ok(_) => Ok(see_other(&format!("/enhet/{id}?klart=rapport#rapportera"))),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct StreetForm {
    #[serde(default)]
    gata: String,
}

/// Which hemtjänst group (and funktionsstöd, myndighet) serves a street.
#[get("/gata")]
pub(super) async fn street_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    form: web::Query<StreetForm>,
) -> WebResult {
    let internal = session.reader(&req)?;
    let directory = state.directory.current();
    if form.gata.chars().count() > 100 {
        return Err(WebError::App(AppError::invalid(
            "gata",
            Invalid::new(
                "Gatunamnet är längre än 100 tecken.",
                "the street name is too long",
            ),
        )));
    }
    ok(pages::street(
        &session_view(&session),
        &directory,
        &form.gata,
        internal,
        chrono::Utc::now(),
    ))
}
