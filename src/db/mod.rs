//! Storage: the connection pool, embedded migrations, and the repository functions.
//!
//! SQLite (embedded, the default) and PostgreSQL (production, several instances) behind one
//! connection type, so every query is written once. The two schemas under `migrations/` have
//! the same migration names and mean the same: same tables, same constraints.

pub mod accounts;
pub mod audit;
pub mod audit_states;
pub mod backup;
pub mod corrections;
pub mod generate;
pub mod models;
pub mod numbers;
pub mod read_ahead;
pub mod reference;
pub mod repo;
pub mod schema;
pub mod scratch;
pub mod sessions;
pub mod units;
pub mod versioned;
pub mod vocabulary;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use diesel::RunQueryDsl;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{CustomizeConnection, ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::domain::edit::Refusal;
use crate::domain::{FieldError, Invalid};

/// Why storage did not do what was asked, in storage's own words: it names no HTTP status and
/// no route. `error.rs` maps it to an answer, once.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed, or refused a statement (a constraint, a trigger).
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    /// The change is refused: a value, a rule of the directory, or a thing that does not exist.
    #[error("refused: {0:?}")]
    Refused(Refusal),
    /// The version the change names is no longer the stored one (`stored` is).
    #[error("stale: version {stored} is stored")]
    Stale { stored: i64 },
    /// Stored data that does not read back: a bug or a hand edit.
    #[error("stored data: {0:#}")]
    Corrupt(anyhow::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<Refusal> for StoreError {
    fn from(refusal: Refusal) -> Self {
        Self::Refused(refusal)
    }
}

impl StoreError {
    pub fn not_found(sv: impl Into<String>, en: impl Into<String>) -> Self {
        Self::Refused(Refusal::NotFound(Invalid::new(sv, en)))
    }

    pub fn conflict(sv: impl Into<String>, en: impl Into<String>) -> Self {
        Self::Refused(Refusal::Conflict(Invalid::new(sv, en)))
    }

    /// The values are fine, but the change would break a rule of the directory.
    pub fn broken_rule(why: Invalid) -> Self {
        Self::Refused(Refusal::Conflict(why))
    }

    pub fn invalid(errors: Vec<FieldError>) -> Self {
        Self::Refused(Refusal::Invalid(errors))
    }
}

/// A connection to either backend.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

pub type DbPool = Pool<Manager>;
pub type PooledConn = PooledConnection<Manager>;

/// Opens connections of the one backend `DATABASE_URL` names. (diesel's manager for a
/// `MultiConnection` tries every backend and, when all fail, says only "Invalid connection url
/// for multiconnection"; this one passes on the server's own words: refused, wrong password,
/// no such database.)
#[derive(Debug)]
pub struct Manager {
    url: String,
    postgres: bool,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        use diesel::Connection;
        let conn = if self.postgres {
            PgConnection::establish(&self.url).map(DbConnection::Postgresql)
        } else {
            SqliteConnection::establish(&self.url).map(DbConnection::Sqlite)
        };
        conn.map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Where the data lives, read from `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    SqliteFile(PathBuf),
    /// A `postgres://` or `postgresql://` URL.
    Postgres(String),
}

impl DatabaseLocation {
    /// Accepts `postgres://…`, `postgresql://…`, `sqlite://path`, `sqlite:path` or a plain
    /// file path.
    pub fn parse(url: &str) -> anyhow::Result<Self> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() {
            bail!("DATABASE_URL is empty");
        }
        if path == ":memory:" {
            bail!(
                "an in-memory SQLite database is not supported: every pooled connection would see its own empty database"
            );
        }
        Ok(Self::SqliteFile(PathBuf::from(path)))
    }

    /// For logs and errors: the URL without a password.
    pub fn redacted(&self) -> String {
        match self {
            Self::SqliteFile(path) => format!("SQLite file {}", path.display()),
            Self::Postgres(url) => match (url.find("://"), url.rfind('@')) {
                (Some(scheme), Some(at)) if at > scheme => {
                    format!("PostgreSQL {}://…@{}", &url[..scheme], &url[at + 1..])
                }
                _ => format!("PostgreSQL {url}"),
            },
        }
    }
}

/// Settings every connection needs. SQLite: foreign keys on (they carry the one-`vag_in`
/// rule), WAL so readers do not block the writer, a busy timeout instead of immediate errors.
/// PostgreSQL: a statement timeout, so that nothing waits forever on a lock.
#[derive(Debug)]
struct SessionSettings;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for SessionSettings {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        let sql = match conn {
            DbConnection::Sqlite(_) => {
                "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
            }
            DbConnection::Postgresql(_) => POSTGRES_SESSION,
        };
        conn.batch_execute(sql).map_err(diesel::r2d2::Error::QueryError)
    }
}

/// The time a write records: UTC, to the microsecond (what PostgreSQL keeps; SQLite would keep
/// more, and the two must answer alike).
pub fn now() -> chrono::NaiveDateTime {
    use chrono::SubsecRound;
    chrono::Utc::now().naive_utc().trunc_subsecs(6)
}

/// Nothing waits forever on PostgreSQL: a statement gives up after 10 s, a lock after 5 s
/// (and the request answers 503 with `Retry-After`).
const POSTGRES_SESSION: &str = "SET statement_timeout = '10s'; SET lock_timeout = '5s';";

/// How long a request waits for a connection before it answers 503.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(3);

/// Opens (creating if needed) the database and runs pending migrations.
pub fn connect(location: &DatabaseLocation) -> anyhow::Result<DbPool> {
    let url = match location {
        DatabaseLocation::SqliteFile(path) => {
            create_parent_dir(path)?;
            path.to_string_lossy().into_owned()
        }
        DatabaseLocation::Postgres(url) => with_connect_timeout(url),
    };
    let pool = Pool::builder()
        .max_size(8)
        .min_idle(Some(1))
        .connection_timeout(CONNECTION_TIMEOUT)
        .connection_customizer(Box::new(SessionSettings))
        .build(Manager {
            url,
            postgres: matches!(location, DatabaseLocation::Postgres(_)),
        })
        .with_context(|| format!("opening {}", location.redacted()))?;
    let mut conn = pool.get().context("getting a connection to run migrations")?;
    run_migrations(&mut conn)?;
    Ok(pool)
}

/// libpq waits for an unreachable server, or for the answer of one that vanished without a
/// word (a crashed host, a network split), as long as the operating system lets it: minutes.
/// A few seconds are enough to say 503. Parameters the URL sets itself are left alone.
pub(crate) fn with_connect_timeout(url: &str) -> String {
    let mut url = url.to_owned();
    for (key, value) in [
        ("connect_timeout", "3"),
        ("keepalives", "1"),
        ("keepalives_idle", "5"),
        ("keepalives_interval", "2"),
        ("keepalives_count", "3"),
        ("tcp_user_timeout", "10000"),
    ] {
        if !url.contains(&format!("{key}=")) {
            let separator = if url.contains('?') { '&' } else { '?' };
            url = format!("{url}{separator}{key}={value}");
        }
    }
    url
}

/// Runs `f` in one write transaction, one writer at a time: on SQLite the write lock is taken
/// at the start (`BEGIN IMMEDIATE`), so that two writers queue up instead of one failing
/// halfway; on PostgreSQL an advisory lock does the same. So a version read inside `f` is the
/// one the write replaces ([`expect_version`]), and audit ids commit in order.
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    transaction(conn, "BEGIN IMMEDIATE", "BEGIN", |conn| {
        // A write also checks rows it does not change (an organisation still active, an
        // area's units), which row locks would not protect. Writes are few; the lock waits at
        // most `lock_timeout`, then the write answers 503.
        if let DbConnection::Postgresql(c) = conn {
            diesel::sql_query(format!("SELECT pg_advisory_xact_lock({WRITE_LOCK})")).execute(c)?;
        }
        f(conn)
    })
}

/// Runs `f`, which writes only to roll back (a dry run), in one transaction that does not take
/// the writers' turn: on PostgreSQL no advisory lock, and READ COMMITTED, so that a writer's
/// commit meanwhile is no serialization failure (the rows it changes stay locked until it
/// rolls back: a writer of the same unit waits; other writers go on); on SQLite the write
/// lock of the connection's file, which for a dry run is a private copy
/// ([`scratch::Scratch`]).
pub fn dry_transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    transaction(conn, "BEGIN IMMEDIATE", "BEGIN ISOLATION LEVEL READ COMMITTED", f)
}

/// Runs `f` in one transaction that sees one moment of the database throughout: on
/// PostgreSQL `REPEATABLE READ` (its default, READ COMMITTED, lets each statement see newer
/// commits), on SQLite any transaction.
pub fn read_transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    transaction(
        conn,
        "BEGIN",
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        f,
    )
}

fn transaction<T, E>(
    conn: &mut DbConnection,
    sqlite_begin: &str,
    postgres_begin: &str,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, sqlite_begin)?,
        DbConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction_sql(c, postgres_begin)?,
    }
    match f(conn) {
        Ok(value) => {
            <DbConnection as diesel::Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            // A connection that broke mid-write cannot roll back either; the first error is
            // the one that says what happened (and the database drops the transaction itself).
            if let Err(rollback) =
                <DbConnection as diesel::Connection>::TransactionManager::rollback_transaction(conn)
            {
                log::warn!("rolling back after a failed write: {rollback}");
            }
            Err(e)
        }
    }
}

/// Several instances may start at once against one PostgreSQL: this lock lets one of them
/// migrate (or load demo data) while the others wait.
const START_LOCK: i64 = 0x6b6f_6e74;
/// Held by every write transaction on PostgreSQL (see [`write_transaction`]).
const WRITE_LOCK: i64 = 0x6b6f_6e75;

/// The optimistic-concurrency check of every change: the version the caller read
/// (`If-Match`) must still be the stored one. Inside a write transaction the writers take
/// turns, so what was read here is what the write replaces.
pub fn expect_version(stored: i64, expected: i64) -> StoreResult<()> {
    if stored == expected {
        Ok(())
    } else {
        Err(StoreError::Stale { stored })
    }
}

/// Inside a write transaction: makes instances that start together take turns at the
/// one-time work of start-up (demo data, baseline history). SQLite's write lock does it there.
pub fn start_up_lock(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    match conn {
        DbConnection::Sqlite(_) => Ok(()),
        DbConnection::Postgresql(c) => c.batch_execute(&format!(
            "SET LOCAL lock_timeout = 0; SET LOCAL statement_timeout = 0; SELECT pg_advisory_xact_lock({START_LOCK})"
        )),
    }
}

pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<()> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|versions| versions.iter().map(ToString::to_string).collect::<Vec<_>>())
            .map_err(|e| anyhow::anyhow!("running database migrations: {e}"))
            .and_then(|applied| {
                fill_new_tables(conn)?;
                Ok(applied)
            }),
        DbConnection::Postgresql(c) => {
            // Migrations and the wait for another instance's take as long as they take.
            c.batch_execute(&format!(
                "SET lock_timeout = 0; SET statement_timeout = 0; SELECT pg_advisory_lock({START_LOCK})"
            ))
            .context("waiting for other instances' migrations")?;
            let applied = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|versions| versions.iter().map(ToString::to_string).collect::<Vec<_>>())
                .map_err(|e| anyhow::anyhow!("running database migrations: {e}"))
                .and_then(|applied| {
                    // Still under the lock: no other instance writes meanwhile.
                    fill_new_tables(conn)?;
                    Ok(applied)
                });
            if let DbConnection::Postgresql(c) = conn
                && let Err(e) = c.batch_execute(&format!(
                    "SELECT pg_advisory_unlock({START_LOCK}); {POSTGRES_SESSION}"
                ))
            {
                log::warn!("releasing the migration lock: {e}");
            }
            applied
        }
    }?;
    for version in applied {
        log::info!("applied migration {version}");
    }
    Ok(())
}

/// Tables derived from the audit history are filled from it at the first start after the
/// migration that creates them asked for it (a row in `pending_fills`): the fill and removing
/// the row are one transaction, so a start that fails leaves the work for the next.
fn fill_new_tables(conn: &mut DbConnection) -> anyhow::Result<()> {
    use diesel::prelude::*;
    use schema::{pending_fills, replaced_numbers};
    let filled = write_transaction(conn, |conn| -> anyhow::Result<Option<usize>> {
        let pending = diesel::delete(pending_fills::table.filter(pending_fills::name.eq("replaced_numbers")))
            .execute(conn)?;
        if pending == 0 {
            return Ok(None);
        }
        diesel::delete(replaced_numbers::table).execute(conn)?;
        Ok(Some(numbers::fill_from_history(conn)?))
    })?;
    if let Some(count) = filled {
        log::info!("replaced numbers: {count} found in the audit history");
    }
    Ok(())
}

fn create_parent_dir(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating directory {} for the database", dir.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_are_read_as_sqlite_paths() {
        for (url, path) in [
            ("sqlite://data/k.db", "data/k.db"),
            ("sqlite:k.db", "k.db"),
            ("/tmp/k.db", "/tmp/k.db"),
        ] {
            assert_eq!(
                DatabaseLocation::parse(url).unwrap(),
                DatabaseLocation::SqliteFile(path.into())
            );
        }
        assert_eq!(
            DatabaseLocation::parse("postgres://k:hemligt@db:5432/kontaktnav").unwrap(),
            DatabaseLocation::Postgres("postgres://k:hemligt@db:5432/kontaktnav".into())
        );
        assert_eq!(
            DatabaseLocation::parse("postgres://k:hemligt@db:5432/kontaktnav")
                .unwrap()
                .redacted(),
            "PostgreSQL postgres://…@db:5432/kontaktnav"
        );
        assert!(DatabaseLocation::parse("sqlite://:memory:").is_err());
        assert!(DatabaseLocation::parse("").is_err());
    }
}
