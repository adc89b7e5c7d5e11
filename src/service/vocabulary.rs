//! The search vocabulary (admins write): add a word, change what it stands for, remove it, or
//! make the whole vocabulary what a file says. Each write is one transaction with its audit
//! events; the directory (and so the search) is fresh before the answer.

use actix_web::web;

use crate::db::audit::WriteMeta;
use crate::db::vocabulary::{self as repo, Replaced};
use crate::domain::vocabulary::{self as rules, Synonym};
use crate::error::{AppError, AppResult};
use crate::state::{self, AppState};

/// Adds `word` standing for `expansions`; 409 when the vocabulary has it already.
pub async fn add(
    state: &web::Data<AppState>,
    meta: WriteMeta,
    word: &str,
    expansions: &[String],
) -> AppResult<Synonym> {
    let synonym = rules::synonym(word, expansions).map_err(AppError::Validation)?;
    state::write(state, move |conn| repo::create(conn, &meta, &synonym)).await
}

/// Gives `word` (at `version`) new expansions.
pub async fn change(
    state: &web::Data<AppState>,
    meta: WriteMeta,
    word: String,
    version: i64,
    expansions: Vec<String>,
) -> AppResult<Synonym> {
    let changed = state::write(state, move |conn| {
        repo::change(conn, &meta, &word, version, Some(expansions))
    })
    .await?;
    changed.ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("a change returned no word")))
}

/// Removes `word` (at `version`); its history stays.
pub async fn remove(
    state: &web::Data<AppState>,
    meta: WriteMeta,
    word: String,
    version: i64,
) -> AppResult<()> {
    state::write(state, move |conn| repo::change(conn, &meta, &word, version, None)).await?;
    Ok(())
}

/// Makes the vocabulary exactly `wanted` (with `dry_run`: says what that would change).
pub async fn replace(
    state: &web::Data<AppState>,
    meta: WriteMeta,
    wanted: Vec<Synonym>,
    dry_run: bool,
) -> AppResult<Replaced> {
    state::write_unless_dry(state, dry_run, move |conn| {
        repo::replace_all(conn, &meta, &wanted, dry_run)
    })
    .await
}
