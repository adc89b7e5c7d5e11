//! Builds the application: state, routes, middleware, OpenAPI; binds and runs.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{ErrorHandlers, Logger, Next, from_fn};
use actix_web::{App, HttpMessage, HttpServer, web};
use anyhow::Context;
use utoipa_swagger_ui::SwaggerUi;
use uuid::Uuid;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::auth::passwords::LoginThrottle;
use crate::auth::{Auth, AuthSettings};
use crate::db::{self, DatabaseLocation, DbPool, demo, repo};
use crate::directory::{Directory, DirectoryHandle};
use crate::error::{self, AppError, AppResult, problem_for_bare_errors};
use crate::routes;
use crate::settings::{DatabaseSettings, ServeSettings};

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
pub async fn read<T: Send + 'static>(
    state: &web::Data<AppState>,
    f: impl FnOnce(&mut db::DbConnection) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let state = state.clone();
    web::block(move || {
        let mut conn = state.pool.get()?;
        f(&mut conn)
    })
    .await?
}

/// Runs a write (a repository function that does its own transaction) off the async
/// workers, then serves a fresh snapshot, so the writer's next read sees the change.
pub async fn write<T: Send + 'static>(
    state: &web::Data<AppState>,
    f: impl FnOnce(&mut db::DbConnection) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
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

/// Reads the directory again, off the async workers.
pub async fn refresh(state: &web::Data<AppState>) -> AppResult<()> {
    let state = state.clone();
    web::block(move || {
        let mut conn = state.pool.get()?;
        state.reload(&mut conn).map_err(AppError::Unexpected)
    })
    .await?
}

/// Opens and migrates the database, loads demo data if asked and the database is empty, and
/// reads the directory into memory.
pub fn prepare(
    database: &DatabaseSettings,
    auth: &AuthSettings,
    demo_data: bool,
    search_cache: bool,
) -> anyhow::Result<web::Data<AppState>> {
    let auth = Auth::from_settings(auth)?;
    let location = DatabaseLocation::parse(&database.database_url)?;
    log::info!("database: {}", location.redacted());
    let pool = db::connect(&location)?;
    let mut conn = pool.get().context("connecting to the database")?;
    if demo_data && demo::load_if_empty(&mut conn)? {
        log::info!("loaded the Borås demo directory into the empty database");
    }
    let snapshot = repo::load_snapshot(&mut conn)?;
    let baselines = db::audit::record_baselines(&mut conn, &snapshot, db::now())
        .context("recording the first history events of data stored before the audit history")?;
    if baselines > 0 {
        log::info!("recorded {baselines} baseline events for data stored before the audit history");
    }
    drop(conn);
    log::info!(
        "serving {} units of {} organisations",
        snapshot.units.len(),
        snapshot.organisations.len()
    );
    Ok(web::Data::new(AppState {
        pool,
        directory: DirectoryHandle::new(Directory::build(snapshot), search_cache),
        auth,
        throttle: LoginThrottle::default(),
        reload_lock: Mutex::new(()),
        write_turn: std::sync::Arc::new(tokio::sync::Mutex::new(())),
        stale: AtomicBool::new(false),
    }))
}

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being served (in the request's extensions).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The request id a caller sent (if it is short and plain), or a new one. Echoed in the
/// response and written to the log line of the request.
async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> actix_web::Result<ServiceResponse<impl MessageBody>> {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| Uuid::new_v4().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut res = next.call(req).await?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(res)
}

/// The whole application. Used by `run` and by the tests, so both see the same service.
pub fn app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(state)
        .app_data(web::QueryConfig::default().error_handler(error::query_error))
        .app_data(web::PathConfig::default().error_handler(error::path_error))
        .app_data(web::FormConfig::default().error_handler(crate::web::form_error))
        .app_data(
            web::JsonConfig::default()
                .limit(256 * 1024)
                .error_handler(error::json_error),
        )
        // Innermost first: errors become problem documents, then get their request id, then
        // the logger (outermost) sees the final response.
        .wrap(ErrorHandlers::new().default_handler(problem_for_bare_errors))
        .wrap(from_fn(routes::text_guard))
        // HEAD as GET (OPTIONS, 405 and 404 come from the default service below).
        .wrap(from_fn(routes::methods::head_as_get))
        .wrap(from_fn(request_id))
        // No response is ever to be read as another type than it says (JSON as HTML ...).
        .wrap(
            actix_web::middleware::DefaultHeaders::new()
                .add((actix_web::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff")),
        )
        .wrap(
            // Path only: query strings may hold search text or phone numbers.
            Logger::new("%{method_path}xi %s %b %Dms id=%{x-request-id}o")
                .custom_request_replace("method_path", |req| format!("{} {}", req.method(), req.path())),
        )
        .configure(routes::configure_health)
        .service(web::scope("/v1").configure(routes::configure_v1))
        // The web pages (Swedish), at the root.
        .configure(crate::web::configure)
        // Serves the document at /api-docs/openapi.json and the UI (vendored, works offline).
        .route("/api-docs/openapi.json", web::get().to(openapi_document))
        .service(
            SwaggerUi::new("/swagger-ui/{_:.*}")
                .config(utoipa_swagger_ui::Config::from("/api-docs/openapi.json")),
        )
        .default_service(web::to(routes::methods::unrouted))
}

/// The OpenAPI document, made once.
async fn openapi_document() -> actix_web::HttpResponse {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    actix_web::HttpResponse::Ok()
        .content_type("application/json")
        .body(DOCUMENT.get_or_init(crate::openapi::document).clone())
}

/// Serves until stopped.
pub async fn run(database: DatabaseSettings, auth: AuthSettings, serve: ServeSettings) -> anyhow::Result<()> {
    let location = DatabaseLocation::parse(&database.database_url)?;
    let state = web::block(move || {
        prepare(&database, &auth, serve.demo_data, serve.search_cache).map(|s| (s, serve))
    })
    .await
    .context("start-up task")?;
    let (state, serve) = state?;
    crate::watch::spawn(state.clone(), &location).context("starting the change watcher")?;
    let mut server = HttpServer::new(move || app(state.clone()));
    if let Some(workers) = serve.workers {
        server = server.workers(usize::from(workers));
    }
    let server = server
        .bind(&serve.bind)
        .with_context(|| format!("binding to {}", serve.bind))?;
    log::info!("kontaktnav listening on http://{}", serve.bind);
    server.run().await.context("running the HTTP server")
}
