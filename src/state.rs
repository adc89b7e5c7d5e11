//! What every handler can reach (`AppState`), and the two ways to the database from a
//! handler: a read, or a write that serves a fresh snapshot before it answers.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

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
    /// Held while changes are read and the next snapshot is swapped in, so that snapshots are
    /// swapped in the order they were read and the last one is never older than the last write.
    reload_lock: Mutex<()>,
    /// How often the whole directory was read again after start: a write (this instance's or
    /// another's) applies only its change, so this grows only when a gap in the events was
    /// found, a read failed, or one change named very many units.
    pub full_reloads: AtomicU64,
    /// Set while the search index is built whole in the background.
    merging: AtomicBool,
    /// A write's turn in this process, taken *before* it takes a database connection: writers
    /// wait here in order (the database's own write lock orders them between instances), so
    /// that writers waiting for their turn never hold the connections readers need.
    write_turn: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Set when a reload after a write failed: the served snapshot lags behind the database
    /// until a reload succeeds (`/readyz` tries, and answers 503 while it cannot).
    pub stale: AtomicBool,
}

impl AppState {
    /// Reads the whole directory again and serves it: the fallback when the snapshot may have
    /// missed a change (start-up, a gap in the events, a failed read before).
    pub fn reload(&self, conn: &mut db::DbConnection) -> anyhow::Result<()> {
        let _guard = self.reload_lock.lock().unwrap_or_else(|p| p.into_inner());
        self.reload_locked(conn)
    }

    fn reload_locked(&self, conn: &mut db::DbConnection) -> anyhow::Result<()> {
        let started = std::time::Instant::now();
        // A second connection, if one is free at once, reads beside this one.
        let mut helper = self.pool.try_get();
        let snapshot = repo::load_snapshot_with(conn, helper.as_deref_mut())
            .inspect_err(|_| self.stale.store(true, Ordering::SeqCst))?;
        drop(helper);
        let read = started.elapsed();
        self.directory.replace(Directory::build(snapshot));
        release_freed_memory();
        self.stale.store(false, Ordering::SeqCst);
        let reloads = self.full_reloads.fetch_add(1, Ordering::SeqCst) + 1;
        log::info!(
            "directory read whole in {} ms ({} ms reading the database; full read {reloads} since start)",
            started.elapsed().as_millis(),
            read.as_millis()
        );
        Ok(())
    }

    /// Applies to the served snapshot what the audit events after it changed: the units,
    /// organisations, areas, accounts and words they name, read again. With `check_count`,
    /// also counts the events, and reads everything again when the count shows one that
    /// became visible out of id order (what the watcher does; a write skips the count, which
    /// grows with the history).
    pub fn catch_up(&self, conn: &mut db::DbConnection, check_count: bool) -> anyhow::Result<()> {
        let _guard = self.reload_lock.lock().unwrap_or_else(|p| p.into_inner());
        if self.stale.load(Ordering::SeqCst) {
            return self.reload_locked(conn);
        }
        let started = std::time::Instant::now();
        let current = self.directory.current();
        let changes = repo::changes_since(conn, current.last_event_id(), check_count)
            .inspect_err(|_| self.stale.store(true, Ordering::SeqCst))?;
        let Some(changes) = changes else {
            return self.reload_locked(conn);
        };
        if changes
            .counted
            .is_some_and(|all| all != current.event_count() + changes.events)
        {
            log::warn!("the audit events have a gap the snapshot missed; reading the directory whole");
            return self.reload_locked(conn);
        }
        if changes.is_empty() {
            return Ok(());
        }
        let events = changes.events;
        self.directory.replace(current.apply(changes));
        log::debug!(
            "{events} events applied to the directory in {} µs",
            started.elapsed().as_micros()
        );
        Ok(())
    }
}

impl AppState {
    /// Builds the search index whole again when enough units changed since it was (see
    /// `Directory::wants_search_merge`), and serves it with the changes made meanwhile.
    /// Slow: runs in the background ([`merge_in_background`]), never in a write.
    pub fn merge_search(&self) {
        let from = self.directory.current();
        if !from.wants_search_merge() {
            return;
        }
        let started = std::time::Instant::now();
        let base = from.build_search_base();
        let _guard = self.reload_lock.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(next) = self.directory.current().with_search_base(&from, base) {
            self.directory.replace(next);
            drop(from);
            release_freed_memory();
            log::info!(
                "search index built whole again in {} ms",
                started.elapsed().as_millis()
            );
        }
    }
}

/// Hands the memory a large build freed (rows read, the index's scratch maps) back to the
/// system at once rather than when the allocator next gets round to it: a million units free
/// hundreds of megabytes at the end of a start-up.
pub fn release_freed_memory() {
    // SAFETY: mi_collect has no preconditions: it only returns mimalloc's free pages (when
    // mimalloc is not the program's allocator, as in the tests, it has none).
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// Starts [`AppState::merge_search`] on a thread of its own if it is wanted and not running.
pub fn merge_in_background(state: &web::Data<AppState>) {
    if !state.directory.current().wants_search_merge() || state.merging.swap(true, Ordering::SeqCst) {
        return;
    }
    let merging = state.clone();
    let spawned = std::thread::Builder::new()
        .name("kontaktnav-merge".into())
        .spawn(move || {
            // A panic here must not leave `merging` set for good.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| merging.merge_search()));
            merging.merging.store(false, Ordering::SeqCst);
        });
    if let Err(e) = spawned {
        log::error!("cannot start building the search index: {e}");
        state.merging.store(false, Ordering::SeqCst);
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
        // The write is committed; a failed read only delays when readers see it.
        if let Err(e) = state.catch_up(&mut conn, false) {
            log::error!("applying a write to the directory: {e:#}");
        }
        merge_in_background(&state);
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

/// Brings the served snapshot up to date with the database, off the async workers.
pub async fn refresh(state: &web::Data<AppState>) -> AppResult<()> {
    let state = state.clone();
    web::block(move || {
        let mut conn = state.pool.get()?;
        state.catch_up(&mut conn, true).map_err(AppError::Unexpected)
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
            full_reloads: AtomicU64::new(0),
            merging: AtomicBool::new(false),
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

    fn session_ended(&self, session: &str) -> Result<bool, AppError> {
        let mut conn = self.pool.get()?;
        Ok(db::sessions::ended(&mut conn, session)?)
    }
}

/// The id of the request being served (in the request's extensions).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);
