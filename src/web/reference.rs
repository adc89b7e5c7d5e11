//! The administrators' pages for organisations and areas: each to change, end or open again,
//! and a new one. The same service functions as `/v1/organisations` and `/v1/areas`, so the
//! same checks (a parent that exists, nothing active left in what ends), versions and audit.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, get, post, web};

use crate::domain::{Area, Organisation};
use crate::error::AppError;
use crate::service::Author;
use crate::service::reference::{self, Reference};
use crate::state::AppState;

use super::admin::{admin, refusal};
use super::forms::ReferenceInput;
use super::session::{Session, WebResult, session_view};
use super::{html, ok, pages};

#[derive(Debug, Default, serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    klart: Option<String>,
}

fn saved(done: &Done) -> Option<pages::Notice> {
    done.klart.as_deref().map(|word| {
        pages::Notice::Ok(
            match word {
                "skapad" => "Det nya är sparat.",
                "avslutad" => "Avslutat. Det finns kvar i historiken.",
                _ => "Ändringen är sparad.",
            }
            .into(),
        )
    })
}

/// "Organisationer" (admins).
#[get("/organisationer")]
pub(super) async fn organisations_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    done: web::Query<Done>,
) -> WebResult {
    list_page(&state, &session, &req, pages::Register::Organisations, &done)
}

/// "Områden" (admins).
#[get("/omraden")]
pub(super) async fn areas_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    done: web::Query<Done>,
) -> WebResult {
    list_page(&state, &session, &req, pages::Register::Areas, &done)
}

/// The list of `register` for an admin, with the notice of what was just saved.
fn list_page(
    state: &web::Data<AppState>,
    session: &Session,
    req: &HttpRequest,
    register: pages::Register,
    done: &Done,
) -> WebResult {
    admin(session, req)?;
    let directory = state.directory.current();
    ok(pages::references(
        &session_view(session),
        &directory,
        register,
        saved(done),
        None,
    ))
}

/// A new organisation: `POST /v1/organisations`.
#[post("/organisationer")]
pub(super) async fn create_organisation(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    form: web::Form<ReferenceInput>,
) -> WebResult {
    let user = session.writer(&req, &form.csrf)?;
    admin(&session, &req)?;
    let written = create::<Organisation>(&state, user, &req, &form, ReferenceInput::organisation);
    written_page(
        &state,
        &session,
        pages::Register::Organisations,
        written.await,
        None,
        &form,
    )
    .await
}

/// A new area: `POST /v1/areas`.
#[post("/omraden")]
pub(super) async fn create_area(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    form: web::Form<ReferenceInput>,
) -> WebResult {
    let user = session.writer(&req, &form.csrf)?;
    admin(&session, &req)?;
    let written = create::<Area>(&state, user, &req, &form, ReferenceInput::area);
    written_page(
        &state,
        &session,
        pages::Register::Areas,
        written.await,
        None,
        &form,
    )
    .await
}

/// A new one from the form (`draft`), and the word for the notice after it. The caller has
/// checked the session (CSRF, admin).
async fn create<T: Reference + Sync>(
    state: &web::Data<AppState>,
    user: &crate::auth::User,
    req: &HttpRequest,
    form: &ReferenceInput,
    draft: fn(&ReferenceInput) -> Result<T::Draft, AppError>,
) -> Result<&'static str, AppError> {
    let meta = Author::with_reason(user, req, &form.reason).meta()?;
    reference::create::<T>(state, meta, draft(form)?).await?;
    Ok("skapad")
}

/// Changes an organisation, ends it or opens it again: `PATCH /v1/organisations/{id}` or
/// `POST /v1/organisations/{id}/deactivate`.
#[post("/organisationer/{id}")]
pub(super) async fn change_organisation(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    form: web::Form<ReferenceInput>,
) -> WebResult {
    let user = session.writer(&req, &form.csrf)?;
    admin(&session, &req)?;
    let register = pages::Register::Organisations;
    let written = change::<Organisation>(
        &state,
        user,
        &req,
        &id,
        &form,
        ReferenceInput::organisation_changes,
    );
    written_page(&state, &session, register, written.await, Some(&id), &form).await
}

/// Changes an area, ends it or opens it again: `PATCH /v1/areas/{id}` or
/// `POST /v1/areas/{id}/deactivate`.
#[post("/omraden/{id}")]
pub(super) async fn change_area(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    form: web::Form<ReferenceInput>,
) -> WebResult {
    let user = session.writer(&req, &form.csrf)?;
    admin(&session, &req)?;
    let register = pages::Register::Areas;
    let written = change::<Area>(&state, user, &req, &id, &form, ReferenceInput::area_changes);
    written_page(&state, &session, register, written.await, Some(&id), &form).await
}

/// One row's form as one write: the end button ends it, else its fields (`patch`) change it;
/// the word for the notice after it. The caller has checked the session (CSRF, admin).
async fn change<T: Reference>(
    state: &web::Data<AppState>,
    user: &crate::auth::User,
    req: &HttpRequest,
    id: &str,
    form: &ReferenceInput,
    patch: fn(&ReferenceInput) -> Result<T::Patch, AppError>,
) -> Result<&'static str, AppError> {
    let meta = Author::with_reason(user, req, &form.reason).meta()?;
    let (id, version) = (id.to_owned(), form.version.unwrap_or(-1));
    if form.avsluta.is_some() {
        reference::end::<T>(state, meta, id, version, form.end_day()?).await?;
        return Ok("avslutad");
    }
    reference::update::<T>(state, meta, id, version, patch(form)?).await?;
    Ok("andrad")
}

/// After a write: back to the list, or the list with why not and what was typed (`id`: the
/// row it was typed in; none: the new one).
async fn written_page(
    state: &web::Data<AppState>,
    session: &Session,
    register: pages::Register,
    written: Result<&str, AppError>,
    id: Option<&str>,
    form: &ReferenceInput,
) -> WebResult {
    let (status, why) = match written {
        Ok(done) => return Ok(super::see_other(&format!("{}?klart={done}", register.path()))),
        Err(AppError::NotFound { sv, .. }) => (StatusCode::NOT_FOUND, sv),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, refusal(e, register.what())?),
    };
    let directory = state.directory.current();
    let top = Some(pages::Notice::Refused(why));
    let typed = Some((id.unwrap_or_default(), form));
    let page = pages::references(&session_view(session), &directory, register, top, typed);
    Ok(html(status, page))
}
