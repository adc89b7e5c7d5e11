//! A private copy of a SQLite database, for work that writes and then throws its writes away:
//! an import's dry run. On the live file that work would hold SQLite's one write lock for as
//! long as it runs (a 100,000-row dry run: 18 s, every writer meanwhile waiting and then
//! refused); on a copy nobody waits. The copy is made by SQLite itself (`VACUUM INTO`, a read
//! transaction: writers go on meanwhile) in a directory of its own beside the database, and
//! removed with it when the work is done.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::DbConnection;

/// The copy and its connection; dropping it removes the copy.
pub struct Scratch {
    pub conn: DbConnection,
    _dir: tempfile::TempDir,
}

#[derive(QueryableByName)]
struct Database {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    file: String,
}

impl Scratch {
    /// A copy of the SQLite database `conn` is connected to, as it is now; `None` on
    /// PostgreSQL (see `transfer::import` for its dry run).
    pub fn of(conn: &mut DbConnection) -> anyhow::Result<Option<Self>> {
        use anyhow::Context;
        let DbConnection::Sqlite(live) = conn else {
            return Ok(None);
        };
        let databases: Vec<Database> = diesel::sql_query("PRAGMA database_list").load(live)?;
        let file = databases
            .into_iter()
            .find(|d| d.name == "main")
            .map(|d| std::path::PathBuf::from(d.file))
            .context("the database has no main file")?;
        let beside = file
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map(std::path::Path::to_path_buf);
        let dir = tempfile::Builder::new()
            .prefix(".kontaktnav-dry-run-")
            .tempdir_in(beside.unwrap_or_else(std::env::temp_dir))
            .context("a directory for the dry run's copy")?;
        let copy = dir.path().join("copy.db");
        let target = copy
            .to_str()
            .context("the copy's path is not UTF-8")?
            .replace('\'', "''");
        live.batch_execute(&format!("VACUUM INTO '{target}'"))
            .context("copying the database for the dry run")?;
        let mut scratch = SqliteConnection::establish(&copy.to_string_lossy())?;
        scratch.batch_execute("PRAGMA foreign_keys = ON; PRAGMA synchronous = OFF;")?;
        Ok(Some(Self {
            conn: DbConnection::Sqlite(scratch),
            _dir: dir,
        }))
    }
}
