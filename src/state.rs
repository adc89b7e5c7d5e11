//! What every handler can reach (`AppState`), and the two ways to the database from a
//! handler: a read, or a write that serves a fresh snapshot before it answers.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::web;

use crate::auth::passwords::LoginThrottle;
use crate::auth::{Auth, Gate};
use crate::db::{self, DbPool, repo};
use crate::directory::{Directory, DirectoryHandle};
use crate::error::{AppError, AppResult};

/// What every handler can reach.
#[derive(Debug)]
pub struct AppState {
    pub pool: DbPool,
    /// The directory as served: an in-memory snapshot of the database.
    pub directory: DirectoryHandle,
    pub auth: Auth,
    pub throttle: LoginThrottle,
    /// Held while a fresh snapshot is read and swapped in, so that snapshots are swapped in
    /// the order they were read and the last one is never older than the last write.
    reload_lock: Mutex<()>,
    /// A write's turn in this process, taken *before* it takes a database connection: writers
    /// wait here in order (the database's own write lock orders them between instances), so
    /// that writers waiting for their turn never hold the connections readers need.
    write_turn: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Set when a reload after a write failed: the served snapshot lags behind the database
    /// until a reload succeeds (`/readyz` tries, and answers 503 while it cannot).
    pub stale: AtomicBool,
}

impl AppState {
    /// Reads the directory again and serves it.
    pub fn reload(&self, conn: &mut db::DbConnection) -> anyhow::Result<()> {
        let _guard = self.reload_lock.lock().unwrap_or_else(|p| p.into_inner());
        let started = std::time::Instant::now();
        let snapshot = repo::load_snapshot(conn).inspect_err(|_| self.stale.store(true, Ordering::SeqCst))?;
        let read = started.elapsed();
        self.directory.replace(Directory::build(snapshot));
        self.stale.store(false, Ordering::SeqCst);
        log::debug!(
            "directory reloaded in {} ms ({} ms reading the database)",
            started.elapsed().as_millis(),
            read.as_millis()
        );
        Ok(())
    }
}

/// Runs a database read off the async workers.
pub async fn read<T: Send + 'static, E: Send + 'static>(
    state: &web::Data<AppState>,
    f: impl FnOnce(&mut db::DbConnection) -> Result<T, E> + Send + 'static,
) -> AppResult<T>
where
    AppError: From<E>,
{
    let state = state.clone();
    web::block(move || {
        let mut conn = state.pool.get()?;
        Ok(f(&mut conn)?)
    })
    .await?
}

/// Runs a write (a repository function that does its own transaction) off the async
/// workers, then serves a fresh snapshot, so the writer's next read sees the change.
pub async fn write<T: Send + 'static, E: Send + 'static>(
    state: &web::Data<AppState>,
    f: impl FnOnce(&mut db::DbConnection) -> Result<T, E> + Send + 'static,
) -> AppResult<T>
where
    AppError: From<E>,
{
    // Owned and moved into the blocking task: a client that goes away while the write runs
    // does not hand the turn to the next writer early.
    let turn = state.write_turn.clone().lock_owned().await;
    let state = state.clone();
    web::block(move || {
        let _turn = turn;
        let mut conn = state.pool.get()?;
        let out = f(&mut conn)?;
        // The write is committed; a failed reload only delays when readers see it.
        if let Err(e) = state.reload(&mut conn) {
            log::error!("reloading the directory after a write: {e:#}");
        }
        Ok(out)
    })
    .await?
}

/// A write, or for a dry run the same work as a read: the work itself then changes nothing
/// (it rolls back or only looks), and no fresh snapshot is served.
pub async fn write_unless_dry<T: Send + 'static, E: Send + 'static>(
    state: &web::Data<AppState>,
    dry_run: bool,
    f: impl FnOnce(&mut db::DbConnection) -> Result<T, E> + Send + 'static,
) -> AppResult<T>
where
    AppError: From<E>,
{
    if dry_run {
        read(state, f).await
    } else {
        write(state, f).await
    }
}

/// Reads the directory again, off the async workers.
pub async fn refresh(state: &web::Data<AppState>) -> AppResult<()> {
    let state = state.clone();
    web::block(move || {
        let mut conn = state.pool.get()?;
        state.reload(&mut conn).map_err(AppError::Unexpected)
    })
    .await?
}

impl AppState {
    pub fn new(pool: DbPool, directory: DirectoryHandle, auth: Auth) -> Self {
        Self {
            pool,
            directory,
            auth,
            throttle: LoginThrottle::default(),
            reload_lock: Mutex::new(()),
            write_turn: std::sync::Arc::new(tokio::sync::Mutex::new(())),
            stale: AtomicBool::new(false),
        }
    }
}

impl Gate for AppState {
    fn auth(&self) -> &Auth {
        &self.auth
    }

    fn account(&self, username: &str) -> Option<(i64, bool)> {
        self.directory.current().account(username)
    }
}

/// The id of the request being served (in the request's extensions).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);
