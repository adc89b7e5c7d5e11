//! The yearly review (editors): what to check, "Stämmer" through `service::units`, and the
//! reports of wrong information to accept or reject through `service::corrections`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, get, post, web};
use serde::Deserialize;

use crate::db::corrections as correction_repo;
use crate::domain::correction::Correction;
use crate::domain::{CorrectionStatus, Invalid};
use crate::error::AppError;
use crate::service::corrections::{Accepted, Decision, decide};
use crate::service::units::UnitChange;
use crate::service::{Author, units};
use crate::state;
use crate::state::AppState;

use super::forms::{NoticeParams, VersionForm};
use super::session::{Session, WebError, WebResult, meta, session_view};
use super::{html, ok, pages, parse_uuid, see_other};

/// "Att granska": the units to review, and the open reports, of the editor's organisations.
#[get("/granska")]
pub(super) async fn review_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    notice: web::Query<NoticeParams>,
) -> WebResult {
    let user = session.signed_in(&req)?;
    if user.role == crate::domain::Role::Reader {
        let why = "Du är inloggad som läsare. Sidan är för redaktörer och administratörer: de granskar sina enheters uppgifter och rapporterna om dem.";
        let page = pages::refused(&session_view(&session), StatusCode::FORBIDDEN, why);
        return Err(WebError::Page(StatusCode::FORBIDDEN, page));
    }
    let notice = notice.klart.as_deref().map(|what| {
        pages::Notice::Ok(match what {
            "bekraftad" => "Enheten är bekräftad.".into(),
            "godtagen" => "Rapporten är godtagen.".into(),
            _ => "Rapporten är avvisad.".into(),
        })
    });
    let page = review(&state, &session, user, notice, None).await?;
    ok(page)
}

/// The review page: the units due and the open reports the editor may decide (`refused`: a
/// decision sent back, shown with what was typed and why).
async fn review(
    state: &web::Data<AppState>,
    session: &Session,
    user: &crate::auth::User,
    notice: Option<pages::Notice>,
    refused: Option<pages::RefusedDecision>,
) -> Result<maud::Markup, WebError> {
    let directory = state.directory.current();
    let open = state::read(state, |conn| {
        correction_repo::list(conn, Some(CorrectionStatus::Open), None)
    })
    .await?;
    let open: Vec<Correction> = open
        .into_iter()
        .filter(|c| {
            directory
                .unit(c.unit_id)
                .is_some_and(|u| user.editor_of(&directory, &u.organisation_id).is_ok())
        })
        .collect();
    Ok(pages::review(
        &session_view(session),
        &directory,
        user,
        &open,
        notice,
        refused.as_ref(),
    ))
}

/// "Kontrollerad, stämmer": the yearly review's confirm.
#[post("/enhet/{id}/bekrafta")]
pub(super) async fn confirm_unit(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    form: web::Form<VersionForm>,
) -> WebResult {
    let user = session.writer(&req, &form.csrf)?;
    let id = parse_uuid(&id)?;
    let by = Author {
        user,
        req: &req,
        reason: Some("årlig granskning"),
    };
    units::change(&state, by, id, Ok(form.version), UnitChange::Confirm).await?;
    Ok(see_other("/granska?klart=bekraftad"))
}

#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    version: i64,
    /// `godta` or `avvisa`.
    #[serde(default)]
    decision: String,
    #[serde(default)]
    number: String,
    /// Ticked: the number is right as typed, although it looks mistyped.
    number_confirmed: Option<String>,
    #[serde(default)]
    reason: String,
}

/// Accept or reject a report.
#[post("/rattelse/{id}")]
pub(super) async fn decide_correction(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    id: web::Path<String>,
    form: web::Form<DecisionForm>,
) -> WebResult {
    let user = session.writer(&req, &form.csrf)?;
    let id = parse_uuid(&id)?;
    let reason = Some(form.reason.as_str()).filter(|r| !r.trim().is_empty());
    let meta = meta(user, &req, reason)?;
    let decided = match form.decision(meta.reason.is_some()) {
        Ok((decision, done)) => decide(&state, user, meta, id, form.version, decision)
            .await
            .map(|_| done),
        Err(e) => Err(e),
    };
    let (status, errors) = match decided {
        Ok(done) => return Ok(see_other(&format!("/granska?klart={done}"))),
        Err(e) => why_not(e)?,
    };
    let refused = pages::RefusedDecision {
        id,
        reject: form.decision == "avvisa",
        number: form.number.clone(),
        confirmed: form.number_confirmed.is_some(),
        reason: form.reason.clone(),
        errors,
    };
    let page = review(&state, &session, user, None, Some(refused)).await?;
    Ok(html(status, page))
}

/// Why a decision was not taken, in Swedish, with the page's status; any other error stays
/// an error.
fn why_not(e: AppError) -> Result<(StatusCode, Vec<String>), WebError> {
    Ok(match e {
        // A form the page never sends (400), or a decision that breaks a rule (422).
        AppError::Validation(errors) => (
            match errors.iter().all(|e| e.rule) {
                true => StatusCode::UNPROCESSABLE_ENTITY,
                false => StatusCode::BAD_REQUEST,
            },
            errors.into_iter().map(|e| e.sv).collect(),
        ),
        AppError::Conflict { sv, .. } => (StatusCode::CONFLICT, vec![sv]),
        AppError::PreconditionFailed { .. } => (
            StatusCode::PRECONDITION_FAILED,
            vec![
                "Rapporten eller enheten har ändrats sedan du öppnade sidan. Sidan visar nu det senaste."
                    .to_owned(),
            ],
        ),
        other => return Err(other.into()),
    })
}

impl DecisionForm {
    /// The decision the form asks for, and the word for it in the page's address.
    pub(super) fn decision(&self, has_reason: bool) -> Result<(Decision, &'static str), AppError> {
        match self.decision.as_str() {
            // An empty field: accept without changing any number.
            "godta" => {
                let number = Some(self.number.trim().to_owned()).filter(|n| !n.is_empty());
                let accepted = Accepted {
                    number: Some(number),
                    confirmed: self.number_confirmed.is_some(),
                };
                Ok((Decision::Accept(accepted), "godtagen"))
            }
            "avvisa" if has_reason => Ok((Decision::Reject, "avvisad")),
            "avvisa" => Err(AppError::invalid(
                "reason",
                Invalid::new(
                    "Skriv varför rapporten avvisas; den som rapporterade ser det.",
                    "say why the report is rejected",
                ),
            )),
            _ => Err(AppError::invalid(
                "decision",
                Invalid::new("Välj godta eller avvisa.", "choose accept or reject"),
            )),
        }
    }
}
