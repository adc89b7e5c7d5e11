//! Storage: the connection pool, embedded migrations, and the repository functions.
//!
//! SQLite is the embedded default. PostgreSQL arrives behind the same repository functions
//! (issue 4); until then a `postgres://` URL is refused at start-up with a clear message.

pub mod accounts;
pub mod audit;
pub mod demo;
pub mod models;
pub mod reference;
pub mod repo;
pub mod schema;
pub mod units;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub type DbConnection = SqliteConnection;
pub type DbPool = Pool<ConnectionManager<DbConnection>>;
pub type PooledConn = PooledConnection<ConnectionManager<DbConnection>>;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Where the data lives, read from `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    SqliteFile(PathBuf),
}

impl DatabaseLocation {
    /// Accepts `sqlite://path`, `sqlite:path` or a plain file path.
    pub fn parse(url: &str) -> anyhow::Result<Self> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            bail!(
                "PostgreSQL is not supported by this version yet; use a SQLite file (DATABASE_URL=sqlite://kontaktnav.db)"
            );
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
}

/// Settings every SQLite connection needs: foreign keys on (they carry the one-`vag_in` rule),
/// WAL so readers do not block the writer, and a busy timeout instead of immediate errors.
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(
            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Opens (creating if needed) the database and runs pending migrations.
pub fn connect(location: &DatabaseLocation) -> anyhow::Result<DbPool> {
    let DatabaseLocation::SqliteFile(path) = location;
    create_parent_dir(path)?;
    let manager = ConnectionManager::<SqliteConnection>::new(path.to_string_lossy());
    let pool = Pool::builder()
        .max_size(8)
        .connection_timeout(Duration::from_secs(5))
        .connection_customizer(Box::new(SqlitePragmas))
        .build(manager)
        .with_context(|| format!("opening SQLite database {}", path.display()))?;
    let mut conn = pool.get().context("getting a connection to run migrations")?;
    run_migrations(&mut conn)?;
    Ok(pool)
}

/// Runs `f` in one write transaction. On SQLite it takes the write lock at the start
/// (`BEGIN IMMEDIATE`), so that two writers queue up instead of one failing halfway.
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    conn.immediate_transaction(f)
}

pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<()> {
    let applied = conn
        .run_pending_migrations(SQLITE_MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("running database migrations: {e}"))?;
    for version in applied {
        log::info!("applied migration {version}");
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
        assert!(DatabaseLocation::parse("postgres://x/y").is_err());
        assert!(DatabaseLocation::parse("sqlite://:memory:").is_err());
        assert!(DatabaseLocation::parse("").is_err());
    }
}
