//! Keeping the numbers right (editors): a unit's editing page, saving a number through
//! `service::units` (a stale edit shows the unit as stored now), and its history.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, get, post, web};
use serde::Deserialize;
use uuid::Uuid;

use crate::db::audit;
use crate::db::audit::Entity;
use crate::domain::FieldError;
use crate::error::AppError;
use crate::service::units::UnitChange;
use crate::service::{Author, units};
use crate::state;
use crate::state::AppState;

use super::forms::{NumberInput, UnitInput, VersionForm};
use super::session::{Session, WebError, WebResult, may_edit, session_view};
use super::{html, ok, pages, parse_uuid, see_other, unit_not_found, unit_of};

#[derive(Debug, Default, Deserialize)]
pub struct EditParams {
    #[serde(default)]
    sparat: Option<String>,
}

/// Editing a unit's numbers and telephone hours (editors of its organisation).
#[get("/enhet/{id}/redigera")]
pub(super) async fn edit_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    params: web::Query<EditParams>,
) -> WebResult {
    let user = session.signed_in(&req)?;
    let directory = state.directory.current();
    let unit = unit_of(&directory, &id)?;
    may_edit(&session, user, &directory, unit)?;
    let notice = params.sparat.as_deref().map(saved);
    ok(pages::edit(
        &session_view(&session),
        &directory,
        unit,
        notice,
        None,
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct NumberCheck {
    #[serde(default)]
    nummer: String,
    /// The name of the box that confirms a number that looks mistyped.
    #[serde(default)]
    ruta: String,
}

/// As a number is typed: how it will be saved, or "Menade du …?" (the block under a number
/// field, see [`pages::number_check`]).
#[get("/nummer")]
pub(super) async fn number_check(params: web::Query<NumberCheck>) -> WebResult {
    let confirm = match params.ruta.as_str() {
        "proposed_number_confirmed" => "proposed_number_confirmed",
        _ => "number_confirmed",
    };
    ok(pages::number_check(&params.nummer, confirm, false))
}

#[derive(Debug, Deserialize)]
pub struct HoursCheck {
    #[serde(default)]
    tider: String,
}

/// As hours are typed: how they will be saved, or why they cannot be read.
#[get("/telefontid")]
pub(super) async fn hours_check(params: web::Query<HoursCheck>) -> WebResult {
    ok(pages::hours_check(&params.tider))
}

/// Saves one number: the same change as `PATCH /v1/units/{id}/contact-points/{point}`.
#[post("/enhet/{id}/nummer/{point}")]
pub(super) async fn save_number(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    form: web::Form<Vec<(String, String)>>,
) -> WebResult {
    let point = parse_uuid(&path.1)?;
    let form = NumberInput::from_pairs(form.into_inner());
    number_write(&state, &session, &req, &path.0, Some(point), &form).await
}

/// Adds a number: `POST /v1/units/{id}/contact-points`.
#[post("/enhet/{id}/nummer")]
pub(super) async fn add_number(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> WebResult {
    let form = NumberInput::from_pairs(form.into_inner());
    number_write(&state, &session, &req, &id, None, &form).await
}

/// A number's form (`which`: a stored number, or a new one) as one write; refused, the page
/// again with what was typed and why; stale, what changed meanwhile.
async fn number_write(
    state: &web::Data<AppState>,
    session: &Session,
    req: &HttpRequest,
    unit_id: &str,
    which: pages::FormFor,
    form: &NumberInput,
) -> WebResult {
    let user = session.writer(req, &form.csrf)?.clone();
    let directory = state.directory.current();
    let unit = unit_of(&directory, unit_id)?;
    may_edit(session, &user, &directory, unit)?;
    let again = |errors: Vec<FieldError>| {
        let page = pages::edit(
            &session_view(session),
            &directory,
            unit,
            None,
            Some((which, errors, form)),
        );
        Ok(html(StatusCode::BAD_REQUEST, page))
    };
    let built = match which {
        Some(point) => {
            let stored = unit.contact_points.iter().find(|c| c.id == point);
            let stored = stored.ok_or_else(|| WebError::NotFound("Numret finns inte längre.".into()))?;
            form.change(&directory, stored)
        }
        None => form.new_number(&directory).map(|change| (change, "nytt")),
    };
    let (change, saved) = match built {
        Ok(built) => built,
        Err(errors) => return again(errors),
    };
    let by = Author::with_reason(&user, req, &form.reason);
    // A reason not fit to keep: the error page, as for a bad form.
    by.meta().map_err(WebError::from)?;
    match units::change(state, by, unit.id, Ok(form.version), change).await {
        Ok(after) => {
            let known = |id: &Uuid| unit.contact_points.iter().any(|c| c.id == *id);
            let point = which.or_else(|| after.contact_points.iter().map(|c| c.id).find(|id| !known(id)));
            let anchor = point.map_or_else(String::new, |p| format!("#nummer-{p}"));
            Ok(see_other(&format!(
                "/enhet/{}/redigera?sparat={saved}{anchor}",
                unit.id
            )))
        }
        Err(AppError::Validation(errors)) => again(errors),
        Err(AppError::PreconditionFailed { .. }) => {
            stale_edit(state, session, unit.id, form.version, Some((which, form))).await
        }
        Err(other) => Err(other.into()),
    }
}

/// Removes a number (not the one way in): `DELETE /v1/units/{id}/contact-points/{point}`.
#[post("/enhet/{id}/nummer/{point}/ta-bort")]
pub(super) async fn remove_number(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    form: web::Form<VersionForm>,
) -> WebResult {
    let user = session.writer(&req, &form.csrf)?.clone();
    let point = parse_uuid(&path.1)?;
    let directory = state.directory.current();
    let unit = unit_of(&directory, &path.0)?;
    may_edit(&session, &user, &directory, unit)?;
    let by = Author::with_reason(&user, &req, "");
    let change = UnitChange::RemoveNumber(point);
    match units::change(&state, by, unit.id, Ok(form.version), change).await {
        Ok(_) => Ok(see_other(&format!(
            "/enhet/{}/redigera?sparat=borttaget",
            unit.id
        ))),
        Err(AppError::PreconditionFailed { .. }) => {
            stale_edit(&state, &session, unit.id, form.version, None).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The editing page again, as stored now, after someone else changed the unit first: what
/// they changed since `version` (the one the page was made from), and what the editor typed
/// (`kept`: the number and its form) kept in its form against the latest.
pub(super) async fn stale_edit(
    state: &web::Data<AppState>,
    session: &Session,
    id: Uuid,
    version: i64,
    kept: Option<(pages::FormFor, &NumberInput)>,
) -> WebResult {
    let now = state.directory.current();
    let unit = now.unit(id).ok_or_else(unit_not_found)?;
    let meanwhile = meanwhile(state, &now, unit, version).await;
    let failed = kept.map(|(point, form)| (point, Vec::new(), form));
    let page = pages::edit(
        &session_view(session),
        &now,
        unit,
        Some(pages::Notice::Stale(meanwhile)),
        failed,
    );
    Ok(html(StatusCode::PRECONDITION_FAILED, page))
}

/// A unit's history: who changed what, when, and why.
#[get("/enhet/{id}/historik")]
pub(super) async fn history_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
) -> WebResult {
    let user = session.signed_in(&req)?;
    let directory = state.directory.current();
    let unit = unit_of(&directory, &id)?;
    let may_revert = user.editor_of(&directory, &unit.organisation_id).is_ok();
    let id = unit.id;
    let rows = state::read(&state, move |conn| {
        audit::history(conn, Entity::Unit, &id.to_string())
    })
    .await?;
    ok(pages::history(
        &session_view(&session),
        &directory,
        unit,
        &rows,
        may_revert,
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct RevertForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
    /// The unit's version the page was made from (If-Match).
    version: i64,
    /// The version to go back to.
    till: i64,
}

/// Goes back to an earlier version from the history (itself a new, audited version):
/// `POST /v1/units/{id}/revert`.
#[post("/enhet/{id}/aterstall")]
pub(super) async fn revert_unit(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    form: web::Form<RevertForm>,
) -> WebResult {
    let user = session.writer(&req, &form.csrf)?.clone();
    let directory = state.directory.current();
    let unit = unit_of(&directory, &id)?;
    may_edit(&session, &user, &directory, unit)?;
    let by = Author::with_reason(&user, &req, &form.reason);
    let change = UnitChange::Revert(form.till);
    units::change(&state, by, unit.id, Ok(form.version), change).await?;
    Ok(see_other(&format!(
        "/enhet/{}/historik?aterstalld={}",
        unit.id, form.till
    )))
}

/// What someone else changed in unit `id` since `version`, in words (none when that version
/// cannot be read).
async fn meanwhile(
    state: &web::Data<AppState>,
    now: &crate::directory::Directory,
    unit: &crate::domain::Unit,
    version: i64,
) -> Vec<String> {
    let id = unit.id;
    let then = state::read(state, move |conn| {
        crate::db::units::unit_version(conn, id, version)
    })
    .await;
    then.map(|then| pages::changes_in_words(now, &then, unit))
        .unwrap_or_default()
}

/// A unit's own fields (editors of its organisation): `PATCH /v1/units/{id}`.
#[get("/enhet/{id}/uppgifter")]
pub(super) async fn unit_fields_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    params: web::Query<EditParams>,
) -> WebResult {
    let user = session.signed_in(&req)?;
    let directory = state.directory.current();
    let unit = unit_of(&directory, &id)?;
    may_edit(&session, user, &directory, unit)?;
    let notice = params.sparat.as_deref().map(saved);
    let input = UnitInput::of(&directory, unit);
    ok(pages::unit_form(
        &session_view(&session),
        &directory,
        user,
        Some(unit),
        &input,
        notice,
        &[],
    ))
}

/// Saves a unit's own fields (and, "Spara och markera som granskad", its review) as one write.
#[post("/enhet/{id}/uppgifter")]
pub(super) async fn save_unit_fields(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> WebResult {
    let mut input = UnitInput::from_pairs(form.into_inner());
    let user = session.writer(&req, &input.csrf)?.clone();
    let directory = state.directory.current();
    let unit = unit_of(&directory, &id)?;
    may_edit(&session, &user, &directory, unit)?;
    let view = session_view(&session);
    let refused = match input.change(&directory, unit) {
        Err(errors) => errors,
        Ok((change, word)) => {
            let by = Author::with_reason(&user, &req, &input.reason);
            by.meta().map_err(WebError::from)?;
            match units::change(&state, by, unit.id, Ok(input.version), change).await {
                Ok(_) => return Ok(see_other(&format!("/enhet/{}/uppgifter?sparat={word}", unit.id))),
                Err(AppError::Validation(errors)) => errors,
                Err(AppError::PreconditionFailed { .. }) => {
                    let now = state.directory.current();
                    let latest = now.unit(unit.id).ok_or_else(unit_not_found)?;
                    let top = pages::Notice::Stale(meanwhile(&state, &now, latest, input.version).await);
                    input.version = latest.version;
                    let page = pages::unit_form(&view, &now, &user, Some(latest), &input, Some(top), &[]);
                    return Ok(html(StatusCode::PRECONDITION_FAILED, page));
                }
                Err(other) => return Err(other.into()),
            }
        }
    };
    let page = pages::unit_form(&view, &directory, &user, Some(unit), &input, None, &refused);
    Ok(html(StatusCode::BAD_REQUEST, page))
}

/// A new unit (editors, in an organisation of theirs): `POST /v1/units`.
#[get("/ny-enhet")]
pub(super) async fn new_unit_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
) -> WebResult {
    let user = session.signed_in(&req)?;
    let directory = state.directory.current();
    let mut input = UnitInput {
        active_from: crate::domain::today().to_string(),
        vag_in_label: "En väg in".into(),
        ..UnitInput::default()
    };
    input.organisation_id = user.organisations.first().cloned().unwrap_or_default();
    ok(pages::unit_form(
        &session_view(&session),
        &directory,
        user,
        None,
        &input,
        None,
        &[],
    ))
}

/// Creates the unit, and opens its numbers' page.
#[post("/ny-enhet")]
pub(super) async fn create_unit(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> WebResult {
    let input = UnitInput::from_pairs(form.into_inner());
    let user = session.writer(&req, &input.csrf)?.clone();
    let directory = state.directory.current();
    let refused = match input.draft(&directory) {
        Err(errors) => errors,
        Ok(draft) => {
            match units::create(&state, Author::with_reason(&user, &req, &input.reason), draft).await {
                Ok(unit) => return Ok(see_other(&format!("/enhet/{}/redigera?sparat=skapad", unit.id))),
                Err(AppError::Validation(errors)) => errors,
                Err(other) => return Err(other.into()),
            }
        }
    };
    let page = pages::unit_form(
        &session_view(&session),
        &directory,
        &user,
        None,
        &input,
        None,
        &refused,
    );
    Ok(html(StatusCode::BAD_REQUEST, page))
}

/// The notice after a save, by the word in the page's address.
fn saved(what: &str) -> pages::Notice {
    pages::Notice::Ok(
        match what {
            "granskad" => "Ändringen är sparad och enheten är markerad som granskad.",
            "nytt" => "Numret är tillagt.",
            "borttaget" => "Numret är borttaget.",
            "skapad" => "Enheten är skapad. Lägg till fler nummer och telefontider nedan.",
            "avslutad" => "Enheten är avslutad. Den finns kvar i historiken.",
            _ => "Ändringen är sparad.",
        }
        .into(),
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct DeactivateForm {
    #[serde(default)]
    csrf: String,
    version: i64,
    /// The first day it no longer runs (`YYYY-MM-DD`); blank: today.
    #[serde(default)]
    fran: String,
    #[serde(default)]
    reason: String,
}

/// Ends a unit (nothing is deleted): `POST /v1/units/{id}/deactivate`.
#[post("/enhet/{id}/avsluta")]
pub(super) async fn deactivate_unit(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    form: web::Form<DeactivateForm>,
) -> WebResult {
    let user = session.writer(&req, &form.csrf)?.clone();
    let directory = state.directory.current();
    let unit = unit_of(&directory, &id)?;
    may_edit(&session, &user, &directory, unit)?;
    let day = match form.fran.trim() {
        "" => None,
        raw => Some(chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
            WebError::App(AppError::invalid(
                "fran",
                crate::domain::Invalid::new(
                    format!("'{}' är inget datum (ÅÅÅÅ-MM-DD)", crate::domain::shown(raw)),
                    "not a date",
                ),
            ))
        })?),
    };
    let by = Author::with_reason(&user, &req, &form.reason);
    units::change(&state, by, unit.id, Ok(form.version), UnitChange::Deactivate(day)).await?;
    Ok(see_other(&format!(
        "/enhet/{}/uppgifter?sparat=avslutad",
        unit.id
    )))
}
