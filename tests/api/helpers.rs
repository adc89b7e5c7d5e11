use actix_web::http::StatusCode;
use actix_web::{test, web};
use chrono::{NaiveDate, Utc};
use kontaktnav::db::{demo, repo};
use kontaktnav::directory::Directory;
use kontaktnav::domain::{Address, ContactPointDraft, Purpose, Unit, UnitDraft, UnitKind, Visibility};
use kontaktnav::settings::DatabaseSettings;
use kontaktnav::startup::{self, AppState};
use serde_json::Value;
use tempfile::TempDir;
use uuid::Uuid;

/// The service on a fresh database file with the demo directory loaded.
pub struct TestApp {
    pub state: web::Data<AppState>,
    _dir: TempDir,
}

pub struct Response {
    pub status: StatusCode,
    pub content_type: String,
    pub request_id: Option<String>,
    pub body: Value,
}

impl TestApp {
    pub fn new() -> Self {
        Self::with_generated(0)
    }

    /// Demo data plus `count` generated units.
    pub fn with_generated(count: usize) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let database = DatabaseSettings {
            database_url: format!("sqlite://{}", dir.path().join("test.db").display()),
        };
        let state = startup::prepare(&database, true, true).expect("start-up");
        if count > 0 {
            let mut conn = state.pool.get().expect("connection");
            demo::generate(&mut conn, count).expect("generated units");
        }
        let app = Self { state, _dir: dir };
        app.reload();
        app
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
        repo::insert_unit(&mut self.conn(), unit, Utc::now().naive_utc()).expect("insert unit");
        self.reload();
    }

    pub async fn request(&self, req: test::TestRequest) -> Response {
        let app = test::init_service(startup::app(self.state.clone())).await;
        let res = test::call_service(&app, req.to_request()).await;
        let status = res.status();
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header("content-type").unwrap_or_default();
        let request_id = header("x-request-id");
        let bytes = test::read_body(res).await;
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        Response {
            status,
            content_type,
            request_id,
            body,
        }
    }

    pub async fn get(&self, uri: &str) -> Response {
        self.request(test::TestRequest::get().uri(uri)).await
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
