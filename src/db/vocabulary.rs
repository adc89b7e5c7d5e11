//! The search vocabulary as stored: read into the snapshot, written by admins with a version
//! check and an audit event in the same transaction.

use diesel::prelude::*;

use super::audit::{self, Entity, Event, WriteMeta};
use super::schema::{audit_events, vocabulary};
use super::versioned::{self, Versioned};
use super::{DbConnection, write_transaction};
use super::{StoreError, StoreResult};
use crate::domain::text::fold;
use crate::domain::vocabulary::Synonym;
use crate::domain::{FieldError, Invalid, shown};

/// Every entry, by word.
pub fn load_all(conn: &mut DbConnection) -> QueryResult<Vec<Synonym>> {
    let rows: Vec<(String, String, i64)> = vocabulary::table
        .order(vocabulary::word)
        .select((vocabulary::word, vocabulary::expansions, vocabulary::version))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(word, expansions, version)| Synonym {
            word,
            // Written by this module from a checked list; an unreadable one reads as empty.
            expansions: serde_json::from_str(&expansions).unwrap_or_default(),
            version,
        })
        .collect())
}

pub fn not_found(word: &str) -> StoreError {
    StoreError::not_found(
        format!("ordet '{}' finns inte i ordlistan", shown(word)),
        format!("the word '{}' is not in the vocabulary", shown(word)),
    )
}

/// The entry for `word`, ignoring case and accents ("sabo" finds "säbo").
fn load(conn: &mut DbConnection, word: &str) -> QueryResult<Option<Synonym>> {
    Ok(load_all(conn)?.into_iter().find(|s| fold(&s.word) == fold(word)))
}

fn json(expansions: &[String]) -> String {
    // Serialising a list of strings cannot fail.
    serde_json::to_string(expansions).unwrap_or_else(|_| "[]".into())
}

/// Adds a word. One that another entry already has (ignoring case and accents) is 409.
/// Returns the entry as stored.
pub fn create(conn: &mut DbConnection, meta: &WriteMeta, synonym: &Synonym) -> StoreResult<Synonym> {
    write_transaction(conn, |conn| {
        if let Some(other) = load_all(conn)?
            .into_iter()
            .find(|s| fold(&s.word) == fold(&synonym.word))
        {
            return Err(StoreError::conflict(
                format!("ordet finns redan som '{}'; ändra det i stället", other.word),
                format!(
                    "the word is already there as '{}'; change that instead",
                    other.word
                ),
            ));
        }
        Ok(insert(conn, meta, synonym)?)
    })
}

/// Inside a write transaction: stores a word the vocabulary does not have, with its event.
fn insert(conn: &mut DbConnection, meta: &WriteMeta, synonym: &Synonym) -> QueryResult<Synonym> {
    // A word added again goes on from its last version in the history, so that an ETag read
    // before it was removed never matches the new entry.
    let last: Option<i64> = audit_events::table
        .filter(audit_events::entity_type.eq(Entity::Vocabulary.code()))
        .filter(audit_events::entity_id.eq(&synonym.word))
        .select(diesel::dsl::max(audit_events::entity_version))
        .first(conn)?;
    let synonym = Synonym {
        version: last.map_or(synonym.version, |v| v + 1),
        ..synonym.clone()
    };
    diesel::insert_into(vocabulary::table)
        .values((
            vocabulary::word.eq(&synonym.word),
            vocabulary::expansions.eq(json(&synonym.expansions)),
            vocabulary::version.eq(synonym.version),
            vocabulary::created_at.eq(meta.at),
            vocabulary::updated_at.eq(meta.at),
        ))
        .execute(conn)?;
    audit::record(conn, meta, "vocabulary.create", None, &synonym)?;
    Ok(synonym)
}

/// Inside a write transaction: removes a word, with its event.
fn remove(conn: &mut DbConnection, meta: &WriteMeta, before: &Synonym) -> QueryResult<()> {
    diesel::delete(vocabulary::table.find(&before.word)).execute(conn)?;
    audit::append(
        conn,
        meta,
        Event {
            action: "vocabulary.remove",
            entity: Entity::Vocabulary,
            entity_id: &before.word,
            version: before.version + 1,
            organisation_id: None,
            before: Some(before),
            after: None::<&Synonym>,
        },
    )
}

/// Inside a write transaction: gives a word new expansions (the next version), with its event.
fn update(
    conn: &mut DbConnection,
    meta: &WriteMeta,
    before: &Synonym,
    expansions: Vec<String>,
) -> QueryResult<Synonym> {
    let after = Synonym {
        expansions,
        version: before.version + 1,
        ..before.clone()
    };
    store_row(conn, meta, &after)?;
    audit::record(conn, meta, "vocabulary.update", Some(before), &after)?;
    Ok(after)
}

fn store_row(conn: &mut DbConnection, meta: &WriteMeta, after: &Synonym) -> QueryResult<()> {
    diesel::update(vocabulary::table.find(&after.word))
        .set((
            vocabulary::expansions.eq(json(&after.expansions)),
            vocabulary::version.eq(after.version),
            vocabulary::updated_at.eq(meta.at),
        ))
        .execute(conn)?;
    Ok(())
}

impl Versioned for Synonym {
    fn set_version(&mut self, version: i64) {
        self.version = version;
    }
    fn keep_identity(&mut self, stored: &Self) {
        self.word.clone_from(&stored.word);
    }
    /// Ignoring case and accents ("sabo" finds "säbo").
    fn load(conn: &mut DbConnection, key: &str) -> StoreResult<Option<Self>> {
        Ok(load(conn, key)?)
    }
    fn not_found(key: &str) -> StoreError {
        not_found(key)
    }
}

/// Replaces a word's expansions (`Some`) or removes the word (`None`), if `expected_version`
/// is the stored one.
pub fn change(
    conn: &mut DbConnection,
    meta: &WriteMeta,
    word: &str,
    expected_version: i64,
    expansions: Option<Vec<String>>,
) -> StoreResult<Option<Synonym>> {
    let Some(list) = expansions else {
        return write_transaction(conn, |conn| {
            let before = load(conn, word)?.ok_or_else(|| not_found(word))?;
            super::expect_version(before.version, expected_version)?;
            remove(conn, meta, &before)?;
            Ok(None)
        });
    };
    let edit = |before: &Synonym| {
        let expansions = crate::domain::vocabulary::expansions(&list, &before.word)?;
        Ok(Synonym {
            expansions,
            ..before.clone()
        })
    };
    let store = |conn: &mut DbConnection, _: &Synonym, after: &Synonym| Ok(store_row(conn, meta, after)?);
    versioned::change(
        conn,
        meta,
        word,
        expected_version,
        "vocabulary.update",
        edit,
        store,
    )
    .map(Some)
}

/// What replacing the whole vocabulary changes (or, in a dry run, would change): words in
/// order.
#[derive(Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Replaced {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    /// The moment of the vocabulary this was made from (the newest event of the audit
    /// history then): send it back with the import (`based_on`) to import exactly what this
    /// preview showed (409 if a word changed since).
    #[schema(example = 1234)]
    pub based_on: i64,
}

/// Makes the vocabulary exactly `wanted` (checked entries, no word twice), in one transaction:
/// each word added, changed or removed gets its event. A word that stays keeps its version.
/// With `dry_run` only says what would change.
pub fn replace_all(
    conn: &mut DbConnection,
    meta: &WriteMeta,
    wanted: &[Synonym],
    dry_run: bool,
    based_on: Option<i64>,
) -> StoreResult<Replaced> {
    let run = |conn: &mut DbConnection| -> StoreResult<Replaced> {
        if let Some(based_on) = based_on.filter(|_| !dry_run)
            && super::audit::any_since(conn, based_on, super::audit::Entity::Vocabulary)?
        {
            return Err(StoreError::conflict(
                "ordlistan har ändrats sedan förhandsgranskningen; inget importerades. Gör en ny förhandsgranskning och bekräfta den",
                "the vocabulary has changed since the preview; nothing was imported. Make a new preview and confirm that",
            ));
        }
        let stored = load_all(conn)?;
        let mut report = Replaced {
            based_on: super::audit::newest_id(conn)?,
            ..Replaced::default()
        };
        for before in &stored {
            match wanted.iter().find(|w| fold(&w.word) == fold(&before.word)) {
                None => {
                    report.removed.push(before.word.clone());
                    if !dry_run {
                        remove(conn, meta, before)?;
                    }
                }
                Some(w) if w.expansions == before.expansions => {}
                Some(w) => {
                    report.changed.push(before.word.clone());
                    if !dry_run {
                        update(conn, meta, before, w.expansions.clone())?;
                    }
                }
            }
        }
        for w in wanted {
            if !stored.iter().any(|s| fold(&s.word) == fold(&w.word)) {
                report.added.push(w.word.clone());
                if !dry_run {
                    insert(conn, meta, w)?;
                }
            }
        }
        report.added.sort();
        Ok(report)
    };
    if dry_run {
        super::read_transaction(conn, run)
    } else {
        write_transaction(conn, run)
    }
}

/// A word of the right form that the vocabulary does not have, as a path parameter.
pub fn word_param(raw: &str) -> Result<String, FieldError> {
    crate::domain::vocabulary::word(raw).map_err(|e: Invalid| e.at("word"))
}
