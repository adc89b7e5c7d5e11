//! Builds the application: opens the database and the state, routes, middleware, OpenAPI;
//! binds and runs.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{ErrorHandlers, Logger, Next, from_fn};
use actix_web::{App, HttpMessage, HttpServer, web};
use anyhow::Context;
use utoipa_swagger_ui::SwaggerUi;
use uuid::Uuid;

use crate::auth::{Auth, AuthSettings};
use crate::db::{self, DatabaseLocation, repo};
use crate::directory::{Directory, DirectoryHandle};
use crate::error::{self, problem_for_bare_errors};
use crate::routes;
use crate::service::demo;
use crate::settings::{DatabaseSettings, ServeSettings};
use crate::state::{AppState, RequestId};

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
    let started = std::time::Instant::now();
    // A second connection reads the units' points and areas beside the units.
    let mut helper = pool.try_get();
    let snapshot = repo::load_snapshot_with(&mut conn, helper.as_deref_mut())?;
    drop(helper);
    let read = started.elapsed();
    let baselines = db::repo::record_baselines(&mut conn, &snapshot, db::now())
        .context("recording the first history events of data stored before the audit history")?;
    if baselines > 0 {
        log::info!("recorded {baselines} baseline events for data stored before the audit history");
    }
    drop(conn);
    let (units, organisations) = (snapshot.units.len(), snapshot.organisations.len());
    let started = std::time::Instant::now();
    let directory = Directory::build(snapshot);
    crate::state::release_freed_memory();
    log::info!(
        "serving {units} units of {organisations} organisations (read in {} ms, indexed in {} ms)",
        read.as_millis(),
        started.elapsed().as_millis()
    );
    Ok(web::Data::new(AppState::new(
        pool,
        DirectoryHandle::new(directory, search_cache),
        auth,
    )))
}

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

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
    // The callers' checks (auth) see the state through what they need of it.
    let gate: std::sync::Arc<dyn crate::auth::Gate> = state.clone().into_inner();
    App::new()
        .app_data(state)
        .app_data(web::Data::from(gate))
        .app_data(method_table())
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
        // …which pages answer as pages do: in HTML.
        .wrap(from_fn(crate::web::refusals_as_html))
        // A web session in use is renewed (its cookie again, SESSION_IDLE from now).
        .wrap(from_fn(crate::web::renew_session))
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
        .configure(crate::openapi::configure_root)
        .service(web::scope("/v1").configure(crate::openapi::configure_v1))
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

/// Every address and its methods, for `Allow`, `OPTIONS` and 405 (made once): the OpenAPI
/// document's paths, the web pages, and the document and Swagger UI themselves.
pub fn method_table() -> web::Data<routes::methods::MethodTable> {
    use actix_web::http::Method;
    use utoipa::OpenApi;
    static TABLE: std::sync::OnceLock<web::Data<routes::methods::MethodTable>> = std::sync::OnceLock::new();
    TABLE
        .get_or_init(|| {
            let doc = crate::openapi::ApiDoc::openapi();
            let documented = doc.paths.paths.iter().map(|(path, item)| {
                let methods = [
                    (Method::GET, item.get.is_some()),
                    (Method::POST, item.post.is_some()),
                    (Method::PUT, item.put.is_some()),
                    (Method::PATCH, item.patch.is_some()),
                    (Method::DELETE, item.delete.is_some()),
                ];
                let methods = methods.into_iter().filter(|(_, has)| *has).map(|(m, _)| m);
                (path.clone(), methods.collect())
            });
            let other: &[(&str, &[Method])] = &[
                ("/api-docs/openapi.json", &[Method::GET]),
                ("/swagger-ui/*", &[Method::GET]),
            ];
            let pages = crate::web::PAGES
                .iter()
                .chain(other)
                .map(|(path, methods)| ((*path).to_owned(), methods.to_vec()));
            web::Data::new(routes::methods::MethodTable::new(documented.chain(pages)))
        })
        .clone()
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
    db::read_ahead::in_another_process(&location);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_of_documented_and_page_addresses() {
        let table = method_table();
        let names = |p: &str| {
            table
                .allowed(p)
                .map(|m| m.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(", "))
        };
        assert_eq!(names("/healthz").as_deref(), Some("GET, HEAD"));
        assert_eq!(names("/v1/units").as_deref(), Some("GET, POST, HEAD"));
        assert_eq!(names("/v1/units/x").as_deref(), Some("GET, PATCH, HEAD"));
        assert_eq!(names("/swagger-ui/index.html").as_deref(), Some("GET, HEAD"));
        assert_eq!(names("/nowhere"), None);
    }
}
