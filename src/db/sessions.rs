//! Web sessions that were signed out: the server's side of signing out (see the migration
//! `ended_sessions`). Only a digest of the session's id is stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::DbConnection;
use super::schema::ended_sessions;

/// What is stored of a session id: its SHA-256, in hex.
fn digest(session: &str) -> String {
    Sha256::digest(format!("kontaktnav session\n{session}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Records that `session` was signed out at `now`; it could not have lasted past `expires_at`
/// anyway. Rows of sessions that have run out by now are removed in the same transaction.
pub fn end(
    conn: &mut DbConnection,
    session: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    super::write_transaction(conn, |conn| {
        diesel::delete(ended_sessions::table.filter(ended_sessions::expires_at.lt(now))).execute(conn)?;
        // Writers take turns here, so a look first is enough (signed out twice: once).
        if ended(conn, session)? {
            return Ok(());
        }
        diesel::insert_into(ended_sessions::table)
            .values((
                ended_sessions::session.eq(digest(session)),
                ended_sessions::ended_at.eq(now),
                ended_sessions::expires_at.eq(expires_at),
            ))
            .execute(conn)
            .map(drop)
    })
}

/// Whether `session` was signed out.
pub fn ended(conn: &mut DbConnection, session: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        ended_sessions::table.filter(ended_sessions::session.eq(digest(session))),
    ))
    .get_result(conn)
}
