//! The administrators' pages: importing units and their numbers from a CSV file, with a
//! preview of what each unit gets, loses and changes before anything is written; the
//! built-in accounts.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, get, post, web};
use futures_util::StreamExt;

use crate::auth::User;
use crate::db::audit::WriteMeta;
use crate::error::AppError;
use crate::service::accounts;
use crate::service::{Author, import, vocabulary};
use crate::state::AppState;

use super::forms::{AccountInput, SessionView};
use super::session::{Session, WebError, WebResult, same_origin, session_view};
use super::{html, ok, pages};

/// An admin, or the page that says this page is for admins.
pub(super) fn admin<'s>(session: &'s Session, req: &HttpRequest) -> Result<&'s User, WebError> {
    let user = session.signed_in(req)?;
    match user.admin() {
        Ok(user) => Ok(user),
        Err(_) => {
            let why = "Sidan är för administratörer.";
            let page = pages::refused(&session_view(session), StatusCode::FORBIDDEN, why);
            Err(WebError::Page(StatusCode::FORBIDDEN, page))
        }
    }
}

/// "Importera": choose a CSV file.
#[get("/import")]
pub(super) async fn import_page(session: Session, req: HttpRequest) -> WebResult {
    admin(&session, &req)?;
    ok(pages::import_form(&session_view(&session), None))
}

/// What the import form sends: the file (first step), or the previewed text back (to import).
#[derive(Default, Clone)]
pub(super) struct ImportUpload {
    csrf: String,
    /// What the file holds: `enheter` (units and their numbers, the default), `gator` (the
    /// street table) or `ord` (the search vocabulary).
    kind: String,
    /// The file's text.
    text: String,
    reason: String,
    /// The preview was seen and the import confirmed.
    confirmed: bool,
    /// The moment of the directory the confirmed preview was made from.
    based_on: Option<i64>,
}

impl ImportUpload {
    /// Reads the form (`multipart/form-data`): every field at most as large as the API takes.
    async fn read(mut form: Multipart) -> Result<Self, WebError> {
        let unreadable = || {
            WebError::App(AppError::invalid(
                "fil",
                crate::domain::Invalid::new(
                    "Formuläret eller filen kunde inte läsas. Välj filen och försök igen.",
                    "the form or the file could not be read",
                ),
            ))
        };
        let mut upload = Self::default();
        while let Some(field) = form.next().await {
            let mut field = field.map_err(|_| unreadable())?;
            let name = field.name().unwrap_or_default().to_owned();
            // The previewed file comes back in base64: a third larger.
            let limit = import::MAX_FILE / 3 * 4 + 4;
            let bytes = match field.bytes(limit).await {
                Ok(Ok(bytes)) => bytes,
                Ok(Err(_)) => return Err(unreadable()),
                Err(_) => return Err(too_large()),
            };
            let text = || String::from_utf8(bytes.to_vec()).map_err(|_| not_utf8());
            match name.as_str() {
                "csrf" => upload.csrf = text()?,
                "vad" => upload.kind = text()?,
                "fil" if bytes.len() > import::MAX_FILE => return Err(too_large()),
                "fil" if !bytes.is_empty() => upload.text = text()?,
                // The previewed file, back as it was read (base64: no line break changes).
                "innehall" => {
                    use base64::Engine;
                    let raw = base64::engine::general_purpose::STANDARD
                        .decode(&bytes)
                        .map_err(|_| unreadable())?;
                    upload.text = String::from_utf8(raw).map_err(|_| not_utf8())?;
                }
                "reason" => upload.reason = text()?,
                "bekrafta" => upload.confirmed = true,
                "grund" => upload.based_on = Some(text()?.trim().parse().map_err(|_| unreadable())?),
                _ => {}
            }
        }
        Ok(upload)
    }
}

fn too_large() -> WebError {
    let mib = import::MAX_FILE / (1024 * 1024);
    WebError::App(AppError::invalid(
        "fil",
        crate::domain::Invalid::new(
            format!("Filen är större än {mib} MiB."),
            format!("the file is larger than {mib} MiB"),
        ),
    ))
}

fn not_utf8() -> WebError {
    WebError::App(AppError::invalid(
        "fil",
        crate::domain::Invalid::new(
            "Filen är inte i UTF-8. Spara den i Excel som ”CSV UTF-8 (kommaavgränsad)” och försök igen.",
            "the file is not UTF-8",
        ),
    ))
}

/// The file: a preview first (the import's dry run: per unit what it gets, loses and
/// changes, problems and warnings per line), then, confirmed, the import itself.
#[post("/import")]
pub(super) async fn import_file(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    form: Multipart,
) -> WebResult {
    // Who and from where first (headers only), then the file, then its CSRF token.
    same_origin(&req)?;
    admin(&session, &req)?;
    let upload = ImportUpload::read(form).await?;
    let user = session.writer(&req, &upload.csrf)?;
    let view = session_view(&session);
    if upload.text.trim().is_empty() {
        return Ok(html(
            StatusCode::BAD_REQUEST,
            pages::import_form(&view, Some("Välj en fil.")),
        ));
    }
    let meta = Author::with_reason(user, &req, &upload.reason).meta()?;
    match upload.kind.as_str() {
        "gator" | "ord" => import_table(&state, &view, meta, &upload).await,
        _ => import_units(&state, &view, meta, &upload).await,
    }
}

/// Units and their numbers from a file: the preview, or, confirmed, the import of what the
/// preview showed; if a unit of the file changed since, nothing is imported and the preview
/// comes again as the file would change the directory now (409).
async fn import_units(
    state: &web::Data<AppState>,
    view: &SessionView,
    meta: WriteMeta,
    upload: &ImportUpload,
) -> WebResult {
    let bytes = web::Bytes::from(upload.text.clone());
    let mode = match (upload.confirmed, upload.based_on) {
        (false, _) => import::Mode::DryRun,
        (true, based_on) => import::Mode::Confirmed { based_on },
    };
    let (report, notice) = match import::units(state, meta.clone(), bytes.clone(), mode).await {
        Ok(report) => (Ok(report), None),
        Err(AppError::Conflict { sv, .. }) if upload.confirmed => (
            import::units(state, meta, bytes, import::Mode::DryRun).await,
            Some(format!(
                "Inget importerades: {sv}. Här är förhandsgranskningen som den ser ut nu."
            )),
        ),
        Err(other) => (Err(other), None),
    };
    match report {
        Ok(report) => Ok(html(
            if notice.is_some() {
                StatusCode::CONFLICT
            } else {
                StatusCode::OK
            },
            pages::import_report(
                view,
                &state.directory.current(),
                &report,
                &upload.text,
                &upload.reason,
                notice.as_deref(),
            ),
        )),
        Err(AppError::Validation(problems)) => Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::import_problems(view, &problems),
        )),
        Err(other) => Err(other.into()),
    }
}

/// A table file (the street table or the vocabulary): its preview, or, confirmed, its
/// import. Confirmed from a preview that no longer holds (the table changed since), nothing is
/// imported and the preview comes again as the file would change the table now (409).
async fn import_table(
    state: &web::Data<AppState>,
    view: &SessionView,
    meta: WriteMeta,
    upload: &ImportUpload,
) -> WebResult {
    let step = |upload: ImportUpload, notice: Option<String>| {
        let meta = meta.clone();
        async move {
            match upload.kind.as_str() {
                "gator" => streets_step(state, view, meta, &upload, notice).await,
                _ => vocabulary_step(state, view, meta, &upload, notice).await,
            }
        }
    };
    match step(upload.clone(), None).await {
        Err(WebError::App(AppError::Conflict { sv, .. })) if upload.confirmed => {
            let preview = ImportUpload {
                confirmed: false,
                based_on: None,
                ..upload.clone()
            };
            let notice = format!("Inget importerades: {sv}. Här är förhandsgranskningen som den ser ut nu.");
            let mut res = step(preview, Some(notice)).await?;
            *res.status_mut() = StatusCode::CONFLICT;
            Ok(res)
        }
        other => other,
    }
}

/// The street table from a file: per district the streets it gets and loses, then, confirmed,
/// the import (`POST /v1/streets`).
async fn streets_step(
    state: &web::Data<AppState>,
    view: &SessionView,
    meta: WriteMeta,
    upload: &ImportUpload,
    notice: Option<String>,
) -> WebResult {
    let directory = state.directory.current();
    let (table, rows) = match import::read_streets(&directory, &upload.text) {
        Ok(read) => read,
        Err(problems) => {
            return Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                pages::import_problems(view, &problems),
            ));
        }
    };
    if rows == 0 {
        let why = "Filen har inga gator. En fil utan rader skulle tömma hela gatutabellen.";
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::import_form(view, Some(why)),
        ));
    }
    let diff = import::street_diff(&directory, &table);
    let sections = diff
        .into_iter()
        .map(|d| pages::FileSection {
            title: d.name,
            added: d.added,
            changed: Vec::new(),
            removed: d.removed,
        })
        .collect();
    let mode = import::Mode::of(!upload.confirmed, upload.based_on);
    match import::streets(state, meta, table, mode).await {
        Ok(_) => {}
        Err(AppError::Validation(problems)) => {
            return Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                pages::import_problems(view, &problems),
            ));
        }
        Err(other) => return Err(other.into()),
    }
    let summary = format!("{rows} gator eller delar av gator i filen.");
    ok(pages::file_report(
        view,
        upload_view(upload, "gatutabellen", directory.last_event_id(), notice),
        &summary,
        sections,
    ))
}

/// The whole search vocabulary from a file: the words added, changed and removed, then,
/// confirmed, the import (`PUT /v1/vocabulary`).
async fn vocabulary_step(
    state: &web::Data<AppState>,
    view: &SessionView,
    meta: WriteMeta,
    upload: &ImportUpload,
    notice: Option<String>,
) -> WebResult {
    let wanted = match vocabulary::read_file(&upload.text) {
        Ok(wanted) => wanted,
        Err(problems) => {
            return Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                pages::import_problems(view, &problems),
            ));
        }
    };
    if wanted.is_empty() {
        let why = "Filen har inga ord. En fil utan rader skulle tömma hela ordlistan.";
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::import_form(view, Some(why)),
        ));
    }
    let words = wanted.len();
    let mode = import::Mode::of(!upload.confirmed, upload.based_on);
    let replaced = vocabulary::replace(state, meta, wanted, mode).await?;
    let based_on = replaced.based_on;
    let section = pages::FileSection {
        title: "Sökord".into(),
        added: replaced.added,
        changed: replaced.changed,
        removed: replaced.removed,
    };
    let sections = if section.is_empty() {
        Vec::new()
    } else {
        vec![section]
    };
    let summary = format!("{words} ord i filen.");
    ok(pages::file_report(
        view,
        upload_view(upload, "ordlistan", based_on, notice),
        &summary,
        sections,
    ))
}

/// What the report page needs of the upload to offer the import after its preview.
fn upload_view<'u>(
    upload: &'u ImportUpload,
    table: &'static str,
    based_on: i64,
    notice: Option<String>,
) -> pages::Upload<'u> {
    pages::Upload {
        kind: &upload.kind,
        table,
        text: &upload.text,
        reason: &upload.reason,
        done: upload.confirmed,
        based_on,
        notice,
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct AccountsNotice {
    #[serde(default)]
    klart: Option<String>,
}

/// "Konton" (admins): the built-in accounts, each to change, and a new one.
#[get("/konton")]
pub(super) async fn accounts_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    notice: web::Query<AccountsNotice>,
) -> WebResult {
    admin(&session, &req)?;
    let accounts = crate::state::read(&state, crate::db::accounts::list).await?;
    let notice = notice.klart.as_deref().map(|done| {
        pages::Notice::Ok(match done {
            "skapat" => "Kontot är skapat.".into(),
            _ => "Kontot är ändrat.".into(),
        })
    });
    let page = pages::accounts(
        &session_view(&session),
        &state.directory.current(),
        &accounts,
        notice,
        None,
    );
    ok(page)
}

/// A new account: `POST /v1/accounts`.
#[post("/konton")]
pub(super) async fn create_account(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> WebResult {
    let input = AccountInput::from_pairs(form.into_inner());
    let user = session.writer(&req, &input.csrf)?;
    admin(&session, &req)?;
    let meta = Author::with_reason(user, &req, &input.reason).meta()?;
    let created = async {
        accounts::create(&state, meta, input.new_account()?)
            .await
            .map(drop)
    }
    .await;
    account_written(&state, &session, created, "skapat", &input).await
}

/// Changes an account: `PATCH /v1/accounts/{username}` (a password only when one is typed).
#[post("/konton/{username}")]
pub(super) async fn change_account(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    username: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> WebResult {
    let input = AccountInput::from_pairs(form.into_inner());
    let user = session.writer(&req, &input.csrf)?;
    admin(&session, &req)?;
    let meta = Author::with_reason(user, &req, &input.reason).meta()?;
    let username = username.into_inner();
    let changed = async {
        accounts::change(&state, meta, username, input.version, input.changes()?)
            .await
            .map(drop)
    }
    .await;
    account_written(&state, &session, changed, "andrat", &input).await
}

/// Why an admin's form was refused, in Swedish (`what`: "kontot", "ordet"): what it got
/// wrong, or that someone changed the thing first; any other error stays an error.
pub(super) fn refusal(e: AppError, what: &str) -> Result<String, WebError> {
    match e {
        AppError::Validation(errors) => Ok(errors.into_iter().map(|e| e.sv).collect::<Vec<_>>().join(" ")),
        AppError::PreconditionFailed { .. } => Ok(format!(
            "Någon annan har ändrat {what} sedan du öppnade sidan. Sidan visar nu de senaste uppgifterna."
        )),
        AppError::Conflict { sv, .. } => Ok(sv),
        other => Err(other.into()),
    }
}

/// After an account's write: back to the list, or the list with why not and what was typed.
async fn account_written(
    state: &web::Data<AppState>,
    session: &Session,
    written: Result<(), AppError>,
    done: &str,
    input: &AccountInput,
) -> WebResult {
    let why = match written {
        Ok(()) => return Ok(super::see_other(&format!("/konton?klart={done}"))),
        Err(e) => refusal(e, "kontot")?,
    };
    let accounts = crate::state::read(state, crate::db::accounts::list).await?;
    let top = Some(pages::Notice::Refused(why));
    let page = pages::accounts(
        &session_view(session),
        &state.directory.current(),
        &accounts,
        top,
        Some(input),
    );
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct AuditPageParams {
    /// Older than this event (the "Äldre" link).
    #[serde(default)]
    fore: Option<i64>,
}

/// "Historik för alla" (admins): every accepted write, newest first, 50 a page, each with who,
/// when, what and the changes in words (`GET /v1/audit`).
#[get("/logg")]
pub(super) async fn audit_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    params: web::Query<AuditPageParams>,
) -> WebResult {
    const PAGE: usize = 50;
    admin(&session, &req)?;
    let filter = crate::db::audit::AuditFilter {
        before_id: params.fore,
        ..Default::default()
    };
    let rows = crate::state::read(&state, move |conn| {
        crate::db::audit::list(conn, &filter, PAGE as i64 + 1)
    })
    .await?;
    let older = (rows.len() > PAGE).then(|| rows[PAGE - 1].id);
    let rows = &rows[..rows.len().min(PAGE)];
    ok(pages::audit_log(
        &session_view(&session),
        &state.directory.current(),
        rows,
        older,
    ))
}

/// A word of the search vocabulary as its forms send it.
#[derive(Debug, Default, serde::Deserialize)]
pub struct WordForm {
    #[serde(default)]
    csrf: String,
    /// The word's version (changing one), none for a new word.
    #[serde(default)]
    version: Option<i64>,
    #[serde(default)]
    word: String,
    /// What it stands for, comma-separated ("särskilt boende, säbo").
    #[serde(default)]
    expansions: String,
    /// The remove button.
    #[serde(default)]
    ta_bort: Option<String>,
    #[serde(default)]
    reason: String,
}

impl WordForm {
    fn expansions(&self) -> Vec<String> {
        self.expansions
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// "Sökord" (admins): the search vocabulary, each word to change or remove, and a new one.
#[get("/ord")]
pub(super) async fn vocabulary_page(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
) -> WebResult {
    admin(&session, &req)?;
    ok(pages::vocabulary(
        &session_view(&session),
        state.directory.current().vocabulary(),
        None,
    ))
}

/// A new word: `POST /v1/vocabulary`.
#[post("/ord")]
pub(super) async fn add_word(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    form: web::Form<WordForm>,
) -> WebResult {
    let user = session.writer(&req, &form.csrf)?;
    admin(&session, &req)?;
    let meta = Author::with_reason(user, &req, &form.reason).meta()?;
    let added = vocabulary::add(&state, meta, &form.word, &form.expansions())
        .await
        .map(drop);
    word_written(&state, &session, added).await
}

/// Changes or (the remove button) removes a word: `PATCH` or `DELETE /v1/vocabulary/{word}`.
#[post("/ord/{word}")]
pub(super) async fn change_word(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    word: web::Path<String>,
    form: web::Form<WordForm>,
) -> WebResult {
    let user = session.writer(&req, &form.csrf)?;
    admin(&session, &req)?;
    let meta = Author::with_reason(user, &req, &form.reason).meta()?;
    let (word, version) = (word.into_inner(), form.version.unwrap_or(-1));
    let written = match form.ta_bort {
        Some(_) => vocabulary::remove(&state, meta, word, version).await,
        None => vocabulary::change(&state, meta, word, version, form.expansions())
            .await
            .map(drop),
    };
    word_written(&state, &session, written).await
}

/// After a word's write: back to the list, or the list with why not.
async fn word_written(
    state: &web::Data<AppState>,
    session: &Session,
    written: Result<(), AppError>,
) -> WebResult {
    let why = match written {
        Ok(()) => return Ok(super::see_other("/ord")),
        Err(AppError::NotFound { sv, .. }) => sv,
        Err(e) => refusal(e, "ordet")?,
    };
    let page = pages::vocabulary(
        &session_view(session),
        state.directory.current().vocabulary(),
        Some(pages::Notice::Refused(why)),
    );
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page))
}
