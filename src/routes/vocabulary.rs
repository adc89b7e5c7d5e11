//! The search vocabulary: `GET /v1/vocabulary` for anyone who may read, and adding, changing
//! and removing words for admins (ETag/If-Match, audited).

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::params::NoParams;
use super::{IfMatch, with_etag};
use crate::auth::{Caller, SignedIn};
use crate::db::vocabulary as repo;
use crate::domain::vocabulary::Synonym;
use crate::error::{AppError, AppResult, Problem};
use crate::formats::csv;
use crate::service::{vocabulary, write_meta};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct VocabularyList {
    /// Every word, in order.
    pub items: Vec<Synonym>,
}

/// A new word of the vocabulary.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"word": "kortis", "expansions": ["korttidsboende", "korttidsenhet"], "reason": "vanlig förkortning"}))]
pub struct NewWord {
    /// One word, as staff type it.
    word: String,
    /// What it stands for: 1–10 words or phrases.
    expansions: Vec<String>,
    reason: Option<String>,
}

/// New expansions for a word (they replace the old ones).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"expansions": ["särskilt boende", "vård- och omsorgsboende"], "reason": "samma ord som planen"}))]
pub struct WordChanges {
    expansions: Vec<String>,
    reason: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReasonParam {
    /// Why (kept in the history).
    reason: Option<String>,
}

fn word_response(synonym: &Synonym, status: StatusCode) -> HttpResponse {
    let mut builder = with_etag(HttpResponse::build(status), synonym.version);
    if status == StatusCode::CREATED {
        let word = percent_encoding::utf8_percent_encode(&synonym.word, percent_encoding::NON_ALPHANUMERIC);
        builder.insert_header((LOCATION, format!("/v1/vocabulary/{word}")));
    }
    builder.json(synonym)
}

fn word_path(raw: &str) -> AppResult<String> {
    repo::word_param(raw).map_err(|e| AppError::Validation(vec![e]))
}

const PROBLEMS: &str = "400 invalid, 401 no token, 403 not an admin, 404 no such word, 409 the word exists, 412 stale If-Match, 428 no If-Match";

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `json` (the default), or `csv`: one row per word and expansion (`word,expansion`), the
    /// file `PUT /v1/vocabulary` takes.
    #[param(value_type = Option<String>, pattern = "^(json|csv)$")]
    format: Option<String>,
}

/// The search vocabulary.
///
/// Words staff type that stand for other words: a query word is also searched as what it
/// stands for ("vc" finds every vårdcentral), ranked a little below a unit that has the word
/// itself.
#[utoipa::path(context_path = "/v1", tag = "reference", params(ListParams), security(("bearer" = []), ()),
    responses((status = 200, description = "Every word", content(
                  (VocabularyList = "application/json"),
                  (String = "text/csv", example = "word,expansion\nsäbo,särskilt boende\nsäbo,vård- och omsorgsboende\n"))),
              (status = 400, description = "An unknown format", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json")))]
#[get("/vocabulary")]
pub async fn list_vocabulary(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ListParams>,
) -> AppResult<HttpResponse> {
    caller.reader()?;
    let directory = state.directory.current();
    match query.format.as_deref().map(str::trim) {
        None | Some("json") => Ok(HttpResponse::Ok().json(VocabularyList {
            items: directory.vocabulary().to_vec(),
        })),
        Some("csv") => Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(csv::vocabulary(directory.vocabulary()).map_err(AppError::Unexpected)?)),
        Some(other) => Err(super::params::unknown_format(other, &["json", "csv"])),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReplaceParams {
    /// `true`: check the file and say what would change, change nothing.
    dry_run: Option<bool>,
    /// `true`: empty the vocabulary on purpose (the file then has no rows). Without it a
    /// file without rows is refused, so that an empty upload never wipes the vocabulary.
    clear: Option<bool>,
    /// Why (kept in the history of every word that changes).
    reason: Option<String>,
    /// The `based_on` of the preview (dry run) this import confirms: if a word has changed
    /// since, the import answers 409 and changes nothing.
    #[param(minimum = 0)]
    based_on: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VocabularyImport {
    pub dry_run: bool,
    /// Words in the file.
    pub words: usize,
    #[serde(flatten)]
    pub changes: repo::Replaced,
}

/// Replace the whole vocabulary from a file (admins): CSV with the columns `word,expansion`
/// (or `ord,uttryck`), one row per expansion, as `GET /v1/vocabulary?format=csv` writes it.
/// Words the file does not name are removed; every word added, changed or removed gets an
/// audit event, all in one transaction. With `dry_run=true` it only says what would change.
#[utoipa::path(context_path = "/v1", tag = "admin", params(ReplaceParams),
    request_body(content = String, content_type = "text/csv", example = "word,expansion\nvc,vårdcentral\nsäbo,särskilt boende\nsäbo,vård- och omsorgsboende\n"),
    security(("bearer" = [])),
    responses((status = 200, description = "Replaced (or checked): the words added, changed and removed", body = VocabularyImport),
              (status = 400, description = "Not CSV, or not UTF-8", body = Problem, content_type = "application/problem+json"),
              (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "A word changed after the confirmed preview (`based_on`); nothing changed", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "Problems in the file, each with its line; nothing changed", body = Problem, content_type = "application/problem+json")))]
#[put("/vocabulary")]
pub async fn replace_vocabulary(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    query: web::Query<ReplaceParams>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let meta = super::upload::begin(
        &user,
        &req,
        ("ordlistan", "the vocabulary"),
        query.reason.as_deref(),
    )?;
    let based_on = super::upload::based_on(query.based_on)?;
    let text = crate::service::import::utf8_text(&body)?;
    let wanted = vocabulary::read_file(text).map_err(crate::service::import::problems)?;
    crate::service::import::check_clear(
        wanted.len(),
        query.clear.unwrap_or(false),
        ("ord", "ordlistan"),
        ("words", "vocabulary"),
    )?;
    let dry_run = query.dry_run.unwrap_or(false);
    let words = wanted.len();
    let mode = crate::service::import::Mode::of(dry_run, based_on);
    let changes = vocabulary::replace(&state, meta, wanted, mode).await?;
    Ok(HttpResponse::Ok().json(VocabularyImport {
        dry_run,
        words,
        changes,
    }))
}

/// Add a word to the vocabulary (admins).
#[utoipa::path(context_path = "/v1", tag = "admin", request_body = NewWord, security(("bearer" = [])),
    responses((status = 201, description = "Added", body = Synonym, headers(("ETag" = String), ("Location" = String))),
              (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json")))]
#[post("/vocabulary")]
pub async fn create_word(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    body: super::Json<NewWord>,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    let user = user.admin()?;
    let b = body.into_inner();
    let meta = write_meta(user, &req, b.reason.as_deref())?;
    let synonym = vocabulary::add(&state, meta, &b.word, &b.expansions).await?;
    Ok(word_response(&synonym, StatusCode::CREATED))
}

/// Change what a word stands for (admins).
#[utoipa::path(context_path = "/v1", tag = "admin",
    params(("word" = String, Path), ("If-Match" = String, Header, description = "The ETag from the list or the last write")),
    request_body = WordChanges, security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = Synonym, headers(("ETag" = String))),
              (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json")))]
#[patch("/vocabulary/{word}")]
pub async fn update_word(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    word: web::Path<String>,
    if_match: IfMatch,
    body: super::Json<WordChanges>,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    let user = user.admin()?;
    let word = word_path(&word)?;
    let b = body.into_inner();
    let meta = write_meta(user, &req, b.reason.as_deref())?;
    let version = if_match.required()?;
    let synonym = vocabulary::change(&state, meta, word, version, b.expansions).await?;
    Ok(word_response(&synonym, StatusCode::OK))
}

/// Remove a word from the vocabulary (admins); the history keeps it.
#[utoipa::path(context_path = "/v1", tag = "admin",
    params(("word" = String, Path), ("If-Match" = String, Header, description = "The ETag from the list or the last write"), ReasonParam),
    security(("bearer" = [])),
    responses((status = 204, description = "Removed"),
              (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json")))]
#[delete("/vocabulary/{word}")]
pub async fn remove_word(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    word: web::Path<String>,
    if_match: IfMatch,
    query: web::Query<ReasonParam>,
) -> AppResult<HttpResponse> {
    let user = user.admin()?;
    let word = word_path(&word)?;
    let meta = write_meta(user, &req, query.reason.as_deref())?;
    let version = if_match.required()?;
    vocabulary::remove(&state, meta, word, version).await?;
    Ok(HttpResponse::NoContent().finish())
}
