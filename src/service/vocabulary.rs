//! The search vocabulary (admins write): add a word, change what it stands for, remove it, or
//! make the whole vocabulary what a file says. Each write is one transaction with its audit
//! events; the directory (and so the search) is fresh before the answer.

use actix_web::web;
use serde::Deserialize;

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

/// Makes the vocabulary exactly `wanted` (a dry run: says what that would change; confirmed
/// from a preview: refused if a word changed since).
pub async fn replace(
    state: &web::Data<AppState>,
    meta: WriteMeta,
    wanted: Vec<Synonym>,
    mode: crate::service::import::Mode,
) -> AppResult<Replaced> {
    let (dry_run, based_on) = mode.parts();
    state::write_unless_dry(state, dry_run, move |conn| {
        repo::replace_all(conn, &meta, &wanted, dry_run, based_on)
    })
    .await
}

/// One row of the vocabulary file.
#[derive(Debug, Deserialize)]
struct WordRow {
    #[serde(alias = "ord")]
    word: String,
    #[serde(alias = "uttryck")]
    expansion: String,
}

/// The file's entries, checked: every problem with its line.
pub fn read_file(body: &str) -> Result<Vec<Synonym>, Vec<crate::domain::FieldError>> {
    use crate::domain::Invalid;
    use crate::domain::text::fold;
    let mut errors = Vec::new();
    /// A word as the file first writes it, its first line, and its expansions with their lines.
    type Rows = Vec<(String, usize, Vec<(usize, String)>)>;
    // In the order words first appear.
    let mut rows: Rows = Vec::new();
    let mut reader = crate::formats::csv::table_reader(
        body,
        &[("word", "ord"), ("expansion", "uttryck")],
        "rubrikraden ska vara word,expansion (eller ord,uttryck)",
        "the header must be word,expansion (or ord,uttryck)",
    )?;
    for (i, record) in reader.deserialize::<WordRow>().enumerate() {
        let line = i + 2;
        match record {
            Ok(row) => match rows.iter_mut().find(|(w, _, _)| fold(w) == fold(&row.word)) {
                Some((_, _, list)) => list.push((line, row.expansion)),
                None => rows.push((row.word, line, vec![(line, row.expansion)])),
            },
            Err(e) => errors.push(
                Invalid::new(
                    format!("raden kan inte läsas (rubrikraden ska vara word,expansion): {e}"),
                    format!("the row cannot be read (the header must be word,expansion): {e}"),
                )
                .at(format!("line {line}")),
            ),
        }
    }
    let mut out = Vec::new();
    for (word, first, list) in rows {
        let expansions: Vec<String> = list.iter().map(|(_, e)| e.clone()).collect();
        match crate::domain::vocabulary::synonym(&word, &expansions) {
            Ok(s) => out.push(s),
            Err(problems) => errors.extend(problems.into_iter().map(|e| {
                // `expansions[3]` is the fourth row of the word.
                let line = e
                    .field
                    .strip_prefix("expansions[")
                    .and_then(|rest| rest.trim_end_matches(']').parse::<usize>().ok())
                    .and_then(|k| list.get(k))
                    .map_or(first, |(l, _)| *l);
                let column = if e.field == "word" { "word" } else { "expansion" };
                crate::domain::FieldError {
                    field: format!("line {line}: {column}"),
                    ..e
                }
            })),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        crate::formats::csv::by_line(&mut errors);
        Err(errors)
    }
}
