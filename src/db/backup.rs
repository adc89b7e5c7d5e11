//! A consistent copy of a SQLite database while the service runs: `kontaktnav backup FILE`.
//!
//! The copy is made by SQLite itself (`VACUUM INTO`) in a read transaction of its own
//! process, so writers go on meanwhile and the copy is one moment of the database, its WAL
//! included. Never copy the file with `cp`: the newest writes may still be in `-wal`. (A
//! PostgreSQL database is backed up with the server's own `pg_dump`.)

use std::path::Path;

use anyhow::{Context, bail};
use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};

use super::DatabaseLocation;

/// Writes a copy of the database at `location` to `to` (which must not exist yet); returns
/// its size in bytes.
pub fn backup(location: &DatabaseLocation, to: &Path) -> anyhow::Result<u64> {
    let DatabaseLocation::SqliteFile(from) = location else {
        bail!("a PostgreSQL database is backed up with the server's own pg_dump");
    };
    if to.exists() {
        bail!("{} exists already; name a new file", to.display());
    }
    if !from.exists() {
        bail!("{} does not exist", from.display());
    }
    let target = to
        .to_str()
        .context("the backup's file name must be UTF-8")?
        .replace('\'', "''");
    let mut conn = SqliteConnection::establish(&from.to_string_lossy())
        .with_context(|| format!("opening {}", from.display()))?;
    conn.batch_execute(&format!("PRAGMA busy_timeout = 5000; VACUUM INTO '{target}'"))
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    Ok(std::fs::metadata(to)?.len())
}
