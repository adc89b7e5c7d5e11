use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, IF_MATCH};
use actix_web::{test, web};
use chrono::{NaiveDate, Utc};
use kontaktnav::auth::{AuthSettings, User};
use kontaktnav::db::audit::WriteMeta;
use kontaktnav::db::repo;
use kontaktnav::directory::Directory;
use kontaktnav::domain::{Address, ContactPointDraft, Purpose, Role, Unit, UnitDraft, UnitKind, Visibility};
use kontaktnav::settings::DatabaseSettings;
use kontaktnav::startup;
use kontaktnav::state::AppState;
use serde_json::Value;
use tempfile::TempDir;
use uuid::Uuid;

/// The service on a fresh database with the demo directory loaded: a SQLite file of its own,
/// or, when `TEST_DATABASE_URL` names a PostgreSQL server, a database of its own there.
pub struct TestApp {
    pub state: web::Data<AppState>,
    pub dir: TempDir,
    pub database_url: String,
    /// A reader's token, sent by `get`.
    reader: String,
}

pub struct Response {
    pub status: StatusCode,
    pub content_type: String,
    pub request_id: Option<String>,
    pub etag: Option<String>,
    pub headers: actix_web::http::header::HeaderMap,
    pub body: Value,
}

impl TestApp {
    pub fn new() -> Self {
        Self::build(0, |s| s)
    }

    /// An empty database: no demo data, no organisations, nothing.
    pub fn empty() -> Self {
        Self::build_with(false, 0, |s| s)
    }

    /// Demo data plus `count` generated units.
    pub fn with_generated(count: usize) -> Self {
        Self::build(count, |s| s)
    }

    /// With authentication settings changed from the standalone defaults.
    pub fn with_auth(change: impl FnOnce(AuthSettings) -> AuthSettings) -> Self {
        Self::build(0, change)
    }

    fn build(count: usize, change: impl FnOnce(AuthSettings) -> AuthSettings) -> Self {
        Self::build_with(true, count, change)
    }

    fn build_with(demo: bool, count: usize, change: impl FnOnce(AuthSettings) -> AuthSettings) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = fresh_database_url(&dir);
        let database = DatabaseSettings {
            database_url: database_url.clone(),
        };
        let auth = change(AuthSettings::standalone(dir.path().join("auth-secret")));
        let state = startup::prepare(&database, &auth, demo, true).expect("start-up");
        if count > 0 {
            let mut conn = state.pool.get().expect("connection");
            kontaktnav::db::generate::generate(&mut conn, count).expect("generated units");
        }
        let mut app = Self {
            state,
            dir,
            database_url,
            reader: String::new(),
        };
        app.reader = app.token(Role::Reader, &[]);
        app.reload();
        app
    }

    /// A token from the service's own key, as `kontaktnav token` makes them.
    pub fn token(&self, role: Role, orgs: &[&str]) -> String {
        let user = User::new(
            format!("test-{role}-{}", orgs.join("+")),
            Some(format!("Test {role}")),
            role,
            orgs.iter().map(|o| o.to_string()).collect(),
        );
        self.state
            .auth
            .issue(&user, Duration::from_secs(600))
            .expect("token")
    }

    /// Rebuilds the served snapshot after a change made straight in the database.
    pub fn reload(&self) {
        let mut conn = self.state.pool.get().expect("connection");
        let snapshot = repo::load_snapshot(&mut conn).expect("snapshot");
        self.state.directory.replace(Directory::build(snapshot));
    }

    pub fn conn(&self) -> kontaktnav::db::PooledConn {
        self.state.pool.get().expect("connection")
    }

    /// Stores a unit (valid by the domain rules) and serves it.
    pub fn add_unit(&self, unit: &Unit) {
        let meta = WriteMeta::system("test", Utc::now().naive_utc());
        repo::insert_unit(&mut self.conn(), &meta, unit).expect("insert unit");
        self.reload();
    }

    pub async fn request(&self, req: test::TestRequest) -> Response {
        let app = test::init_service(startup::app(self.state.clone())).await;
        let res = test::call_service(&app, req.to_request()).await;
        let status = res.status();
        let headers = res.headers().clone();
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let content_type = header("content-type").unwrap_or_default();
        let request_id = header("x-request-id");
        let etag = header("etag");
        let bytes = test::read_body(res).await;
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        Response {
            status,
            content_type,
            request_id,
            etag,
            headers,
            body,
        }
    }

    /// GET as a signed-in reader.
    pub async fn get(&self, uri: &str) -> Response {
        self.get_as(uri, Some(&self.reader.clone())).await
    }

    /// GET with the given token, or none.
    pub async fn get_as(&self, uri: &str, token: Option<&str>) -> Response {
        let mut req = test::TestRequest::get().uri(uri);
        if let Some(token) = token {
            req = req.insert_header((AUTHORIZATION, format!("Bearer {token}")));
        }
        self.request(req).await
    }

    /// A write: method, path, token, If-Match, JSON body.
    pub async fn send(
        &self,
        method: actix_web::http::Method,
        uri: &str,
        token: Option<&str>,
        if_match: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut req = test::TestRequest::default().method(method).uri(uri);
        if let Some(token) = token {
            req = req.insert_header((AUTHORIZATION, format!("Bearer {token}")));
        }
        if let Some(tag) = if_match {
            req = req.insert_header((IF_MATCH, tag.to_owned()));
        }
        if let Some(body) = body {
            req = req.set_json(body);
        }
        self.request(req).await
    }

    /// The id of the unit whose name is `name` (from the served snapshot).
    pub fn unit_id(&self, name: &str) -> Uuid {
        let directory = self.state.directory.current();
        let filter = kontaktnav::directory::UnitFilter {
            query: kontaktnav::directory::Query::parse(name).expect("query"),
            kinds: vec![],
            area: None,
            organisation: None,
            active: kontaktnav::directory::ActiveFilter::Any,
            on: kontaktnav::domain::today(),
            include_internal: true,
            review: None,
        };
        let page = directory.find(&filter, None, 1).expect("find");
        assert_eq!(page.units[0].name, name);
        page.units[0].id
    }

    /// Creates a built-in account through the API (as `admin`), with `password`.
    pub async fn add_account(&self, admin: &str, username: &str, password: &str, role: &str) {
        let res = self
            .send(
                actix_web::http::Method::POST,
                "/v1/accounts",
                Some(admin),
                None,
                Some(serde_json::json!({"username": username, "display_name": username, "password": password, "role": role})),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }

    /// How many audit events there are.
    pub fn audit_count(&self) -> i64 {
        kontaktnav::db::audit::count(&mut self.conn()).expect("count")
    }
}

/// The PostgreSQL server of this test run, if there is one.
pub fn postgres_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())
}

/// Whether the tests run against PostgreSQL.
pub fn on_postgres() -> bool {
    postgres_url().is_some()
}

/// A new, empty database: a file in `dir`, or a new database on the test PostgreSQL server.
pub fn fresh_database_url(dir: &TempDir) -> String {
    let Some(admin) = postgres_url() else {
        return format!("sqlite://{}", dir.path().join("test.db").display());
    };
    use diesel::{Connection, RunQueryDsl};
    let name = format!("kn_{}", Uuid::new_v4().simple());
    let mut conn = diesel::PgConnection::establish(&admin).expect("the test PostgreSQL server");
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .expect("create a test database");
    let (base, query) = admin
        .split_once('?')
        .map_or((admin.as_str(), None), |(b, q)| (b, Some(q)));
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    }
}

/// URL-encodes query parameters.
pub fn query(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).expect("encodable")
}

/// Names of the items of a unit page, in order.
pub fn names(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|u| u["name"].as_str().expect("name").to_owned())
        .collect()
}

/// A valid unit for tests: one internal vag_in number from the fiction range.
pub fn test_unit(name: &str, kind: UnitKind, active_to: Option<NaiveDate>) -> Unit {
    let mut unit = UnitDraft {
        name: name.into(),
        kind,
        organisation_id: "boras-stad-vaf".into(),
        area_ids: vec!["mote-1".into()],
        hsa_id: None,
        address: Address::default(),
        active_from: NaiveDate::from_ymd_opt(2020, 1, 1).expect("date"),
        reviewed_at: None,
        note: None,
        contact_points: vec![ContactPointDraft {
            purpose: Purpose::VagIn,
            label: "En väg in".into(),
            visibility: Visibility::Internal,
            number: "0980-319 299".into(),
            number_confirmed: false,
            hours: None,
            periods: Vec::new(),
        }],
    }
    .validate(Uuid::new_v4(), Utc::now().naive_utc())
    .expect("valid test unit");
    unit.active_to = active_to;
    unit
}

pub fn assert_problem(res: &Response, status: StatusCode) {
    assert_eq!(res.status, status, "body: {}", res.body);
    assert!(
        res.content_type.starts_with("application/problem+json"),
        "content type {}",
        res.content_type
    );
    assert_eq!(res.body["status"], status.as_u16());
    assert!(
        res.body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("urn:kontaktnav:problem:"))
    );
    let detail = res.body["detail"].as_str().expect("detail");
    assert!(detail.contains(" / "), "detail has Swedish and English: {detail}");
}
