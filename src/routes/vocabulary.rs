//! The search vocabulary: `GET /v1/vocabulary` for anyone who may read, and adding, changing
//! and removing words for admins (ETag/If-Match, audited).

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::params::NoParams;
use super::{IfMatch, with_etag, write_meta};
use crate::auth::{Caller, SignedIn};
use crate::db::vocabulary as repo;
use crate::domain::vocabulary::Synonym;
use crate::error::{AppError, AppResult, Problem};
use crate::startup::{self, AppState};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_vocabulary)
        .service(create_word)
        .service(update_word)
        .service(remove_word);
}

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

/// The search vocabulary.
///
/// Words staff type that stand for other words: a query word is also searched as what it
/// stands for ("vc" finds every vårdcentral), ranked a little below a unit that has the word
/// itself.
#[utoipa::path(context_path = "/v1", tag = "reference", security(("bearer" = []), ()),
    responses((status = 200, description = "Every word", body = VocabularyList),
              (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json")))]
#[get("/vocabulary")]
async fn list_vocabulary(
    state: web::Data<AppState>,
    caller: Caller,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    caller.reader()?;
    let directory = state.directory.current();
    Ok(HttpResponse::Ok().json(VocabularyList {
        items: directory.vocabulary().to_vec(),
    }))
}

/// Add a word to the vocabulary (admins).
#[utoipa::path(context_path = "/v1", tag = "admin", request_body = NewWord, security(("bearer" = [])),
    responses((status = 201, description = "Added", body = Synonym, headers(("ETag" = String), ("Location" = String))),
              (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json")))]
#[post("/vocabulary")]
async fn create_word(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    body: super::Json<NewWord>,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    let user = user.admin()?;
    let b = body.into_inner();
    let meta = write_meta(user, &req, b.reason.as_deref())?;
    let synonym = crate::domain::vocabulary::synonym(&b.word, &b.expansions).map_err(AppError::Validation)?;
    let synonym = startup::write(&state, move |conn| repo::create(conn, &meta, &synonym)).await?;
    Ok(word_response(&synonym, StatusCode::CREATED))
}

/// Change what a word stands for (admins).
#[utoipa::path(context_path = "/v1", tag = "admin",
    params(("word" = String, Path), ("If-Match" = String, Header, description = "The ETag from the list or the last write")),
    request_body = WordChanges, security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = Synonym, headers(("ETag" = String))),
              (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json")))]
#[patch("/vocabulary/{word}")]
async fn update_word(
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
    let changed = startup::write(&state, move |conn| {
        repo::change(conn, &meta, &word, version, Some(b.expansions))
    })
    .await?;
    let synonym =
        changed.ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("a change returned no word")))?;
    Ok(word_response(&synonym, StatusCode::OK))
}

/// Remove a word from the vocabulary (admins); the history keeps it.
#[utoipa::path(context_path = "/v1", tag = "admin",
    params(("word" = String, Path), ("If-Match" = String, Header, description = "The ETag from the list or the last write"), ReasonParam),
    security(("bearer" = [])),
    responses((status = 204, description = "Removed"),
              (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json")))]
#[delete("/vocabulary/{word}")]
async fn remove_word(
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
    startup::write(&state, move |conn| {
        repo::change(conn, &meta, &word, version, None)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
