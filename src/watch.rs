//! Keeps the served snapshot current when *another* process writes: another instance on the
//! same PostgreSQL, or `kontaktnav user add` beside a running service.
//!
//! On PostgreSQL a trigger on `audit_events` sends `NOTIFY kontaktnav_changes` at commit; a
//! listener connection hears it within [`POLL`] and the changes are applied. Every write
//! appends an audit event and none is ever deleted, so on both backends a periodic count of
//! the events ([`SAFETY_NET`]) against the count the snapshot was read with catches what a
//! listener missed (while it reconnected, say).

use std::thread;
use std::time::{Duration, Instant};

use actix_web::web;
use diesel::pg::PgConnection;
use diesel::{Connection, RunQueryDsl};

use crate::db::{DatabaseLocation, repo};
use crate::state::AppState;

/// How often the listener looks for notifications (it never blocks the database).
const POLL: Duration = Duration::from_millis(100);
/// How often the newest event is compared even without a notification.
const SAFETY_NET: Duration = Duration::from_secs(5);
/// How long to wait before connecting the listener again after it lost its connection.
const RECONNECT: Duration = Duration::from_secs(1);

/// Starts the watcher thread; it runs as long as the process.
pub fn spawn(state: web::Data<AppState>, location: &DatabaseLocation) -> std::io::Result<()> {
    let listen_url = match location {
        DatabaseLocation::Postgres(url) => Some(url.clone()),
        DatabaseLocation::SqliteFile(_) => None,
    };
    thread::Builder::new()
        .name("kontaktnav-watch".into())
        .spawn(move || watch(&state, listen_url.as_deref()))
        .map(drop)
}

fn watch(state: &web::Data<AppState>, listen_url: Option<&str>) {
    let mut watcher = Watcher {
        listener: None,
        next_listen_attempt: Instant::now(),
        next_check: Instant::now() + SAFETY_NET,
    };
    loop {
        thread::sleep(POLL);
        // A panic in one round (a bug in reading the directory, say) must not end the
        // watching: the snapshot is marked stale (`/readyz` says 503) and the next round
        // tries again.
        let round =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| watcher.round(state, listen_url)));
        if round.is_err() {
            log::error!("the change watcher panicked; marking the directory stale and going on");
            state.stale.store(true, std::sync::atomic::Ordering::SeqCst);
            watcher.listener = None;
        }
    }
}

struct Watcher {
    listener: Option<PgConnection>,
    next_listen_attempt: Instant,
    next_check: Instant,
}

impl Watcher {
    fn round(&mut self, state: &web::Data<AppState>, listen_url: Option<&str>) {
        let mut heard = false;
        if let Some(url) = listen_url {
            if self.listener.is_none() && Instant::now() >= self.next_listen_attempt {
                self.listener = listen(url)
                    .inspect_err(|e| log::warn!("cannot listen for changes (will retry): {e:#}"))
                    .ok();
                self.next_listen_attempt = Instant::now() + RECONNECT;
                // Whatever happened while nobody listened.
                heard = self.listener.is_some();
            }
            if let Some(conn) = self.listener.as_mut() {
                match drain(conn) {
                    Ok(any) => heard |= any,
                    Err(e) => {
                        log::warn!("lost the change listener's connection (will reconnect): {e}");
                        self.listener = None;
                    }
                }
            }
        }
        let stale = state.stale.load(std::sync::atomic::Ordering::SeqCst);
        if heard || stale || Instant::now() >= self.next_check {
            self.next_check = Instant::now() + SAFETY_NET;
            if let Err(e) = refresh(state) {
                log::warn!("cannot check the directory for changes: {e:#}");
            }
            crate::state::merge_in_background(state);
        }
    }
}

fn listen(url: &str) -> anyhow::Result<PgConnection> {
    let mut conn = PgConnection::establish(&crate::db::with_connect_timeout(url))?;
    diesel::sql_query("LISTEN kontaktnav_changes").execute(&mut conn)?;
    Ok(conn)
}

/// Takes every pending notification; true if there was one.
fn drain(conn: &mut PgConnection) -> diesel::QueryResult<bool> {
    let mut any = false;
    for notification in conn.notifications_iter() {
        notification?;
        any = true;
    }
    Ok(any)
}

/// Applies what the events after the served snapshot changed, when the database holds
/// events the snapshot does not. The snapshot and its count come from one moment of the
/// database and events are never deleted, so equal counts mean the same events: a
/// notification of this instance's own write, already applied, costs one count. A count that
/// still differs after the events by id were applied is a gap, and then the whole directory
/// is read again (`AppState::catch_up`).
fn refresh(state: &AppState) -> anyhow::Result<()> {
    let mut conn = state.pool.get()?;
    let behind = state.stale.load(std::sync::atomic::Ordering::SeqCst)
        || repo::event_count(&mut conn)? != state.directory.current().event_count();
    if behind {
        log::debug!("the directory changed elsewhere; applying the changes");
        state.catch_up(&mut conn, true)?;
    }
    Ok(())
}
