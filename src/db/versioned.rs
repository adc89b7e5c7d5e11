//! The one shape of a change to a stored thing that has versions: read it, let the edit make
//! the next state (the change's own form is checked first), require the version the caller
//! read, write nothing when nothing changes, else store the next version with its audit event,
//! all in one write transaction. Organisations, areas, accounts and vocabulary words change
//! this way; a unit adds checks of its own (`db::units`).

use super::audit::{self, Audited, WriteMeta};
use super::{DbConnection, StoreError, StoreResult, expect_version, write_transaction};
use crate::domain::edit::Refusal;

/// A stored thing that changes in versions.
pub trait Versioned: Audited + Clone + PartialEq + Sized {
    fn set_version(&mut self, version: i64);
    /// Gives an edited state the identity of the stored one: an edit cannot rename what it
    /// changes.
    fn keep_identity(&mut self, stored: &Self);
    /// As stored now.
    fn load(conn: &mut DbConnection, key: &str) -> StoreResult<Option<Self>>;
    fn not_found(key: &str) -> StoreError;
}

/// Changes `key` from `expected_version` by `edit`; `store` writes the next state's row, after
/// the checks only the database can make. Returns the state as stored (the stored one when the
/// edit changes nothing: no new version, no event).
pub fn change<T: Versioned>(
    conn: &mut DbConnection,
    meta: &WriteMeta,
    key: &str,
    expected_version: i64,
    action: &str,
    edit: impl FnOnce(&T) -> Result<T, Refusal>,
    store: impl FnOnce(&mut DbConnection, &T, &T) -> StoreResult<()>,
) -> StoreResult<T> {
    write_transaction(conn, |conn| {
        let before = T::load(conn, key)?.ok_or_else(|| T::not_found(key))?;
        // The change's own form first, then the precondition (RFC 9110, 13.2.1).
        let mut after = edit(&before)?;
        expect_version(before.version(), expected_version)?;
        after.keep_identity(&before);
        after.set_version(before.version());
        if after == before {
            return Ok(before);
        }
        after.set_version(before.version() + 1);
        store(conn, &before, &after)?;
        audit::record(conn, meta, action, Some(&before), &after)?;
        Ok(after)
    })
}
