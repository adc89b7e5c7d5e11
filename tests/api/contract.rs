//! The edges of the contract (issue 12): every address answers every method as the OpenAPI
//! document and the pages say; what a hostile client sends at the edges is refused with a
//! problem that names the field, and nothing refused is written. On both backends.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use actix_web::http::header::{AUTHORIZATION, CONTENT_TYPE, IF_MATCH};
use actix_web::http::{Method, StatusCode};
use actix_web::test::TestRequest;
use kontaktnav::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};

const METHODS: [Method; 5] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];

/// A path of the document with its `{…}` filled by something of the right shape.
fn concrete(template: &str) -> String {
    template
        .split('/')
        .map(|segment| match segment {
            "{year}" => "2026",
            s if s.starts_with('{') => "00000000-0000-4000-8000-000000000000",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn documented_methods(item: &Value) -> Vec<Method> {
    METHODS
        .iter()
        .filter(|m| item.get(m.as_str().to_lowercase()).is_some())
        .cloned()
        .collect()
}

/// The "no resource at this address" problem that only an unknown address answers.
fn is_unknown_address(res: &crate::helpers::Response) -> bool {
    res.status == StatusCode::NOT_FOUND
        && res.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("no resource at this address"))
}

#[actix_web::test]
async fn every_address_answers_its_methods_and_405_with_allow_for_the_others() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let doc: Value = serde_json::from_str(&kontaktnav::openapi::document()).expect("document");
    let mut addresses: Vec<(String, Vec<Method>)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .map(|(path, item)| (concrete(path), documented_methods(item)))
        .collect();
    addresses.extend(kontaktnav::web::PAGES.iter().map(|(path, methods)| {
        (
            concrete(path).replace("00000000-0000-4000-8000-000000000000", "x"),
            methods.to_vec(),
        )
    }));
    assert!(addresses.len() > 50);
    for (path, methods) in &addresses {
        let mut allow: Vec<&str> = methods.iter().map(Method::as_str).collect();
        if methods.contains(&Method::GET) {
            allow.push("HEAD");
        }
        let allow = allow.join(", ");
        for method in &METHODS {
            let req = TestRequest::default()
                .method(method.clone())
                .uri(path)
                .insert_header((AUTHORIZATION, format!("Bearer {admin}")));
            let res = app.request(req).await;
            if methods.contains(method) {
                assert!(
                    res.status != StatusCode::METHOD_NOT_ALLOWED && !is_unknown_address(&res),
                    "{method} {path} is documented but answers {}: {}",
                    res.status,
                    res.body
                );
            } else {
                assert_problem(&res, StatusCode::METHOD_NOT_ALLOWED);
                assert_eq!(
                    res.headers.get("allow").and_then(|v| v.to_str().ok()),
                    Some(allow.as_str()),
                    "{method} {path}"
                );
            }
        }
        let res = app
            .request(TestRequest::default().method(Method::OPTIONS).uri(path))
            .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "OPTIONS {path}");
        assert_eq!(
            res.headers.get("allow").and_then(|v| v.to_str().ok()),
            Some(allow.as_str())
        );
    }
    // The acceptance's own example, and an address that does not exist at all.
    let res = app.request(TestRequest::delete().uri("/healthz")).await;
    assert_problem(&res, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        res.headers.get("allow").and_then(|v| v.to_str().ok()),
        Some("GET, HEAD")
    );
    let res = app.request(TestRequest::delete().uri("/v1/nowhere")).await;
    assert_problem(&res, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn every_operation_refuses_an_unknown_parameter_with_400_and_writes_nothing() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let events = app.audit_count();
    let doc: Value = serde_json::from_str(&kontaktnav::openapi::document()).expect("document");
    let mut seen = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in documented_methods(item) {
            let uri = format!("{}?zz_unknown=1", concrete(path));
            let req = TestRequest::default()
                .method(method.clone())
                .uri(&uri)
                .insert_header((AUTHORIZATION, format!("Bearer {admin}")))
                .insert_header((IF_MATCH, "\"1\""));
            let res = app.request(req).await;
            assert_problem(&res, StatusCode::BAD_REQUEST);
            let op = &item[method.as_str().to_lowercase()];
            assert!(
                op["responses"].get("400").is_some(),
                "{method} {path} answers 400 but does not say so"
            );
            seen += 1;
        }
    }
    assert!(seen >= 47, "{seen} operations");
    assert_eq!(app.audit_count(), events);
}

#[actix_web::test]
async fn every_enumeration_of_the_document_is_what_the_wire_carries() {
    let app = TestApp::new();
    let doc: Value = serde_json::from_str(&kontaktnav::openapi::document()).expect("document");
    let schemas = &doc["components"]["schemas"];
    let values = |name: &str| -> Vec<String> {
        schemas[name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} is an enumeration"))
            .iter()
            .map(|v| v.as_str().expect("string").to_owned())
            .collect()
    };
    let kinds = app.get("/v1/kinds").await;
    for kind in kinds.body["items"].as_array().expect("kinds") {
        assert!(values("UnitKind").contains(&kind["code"].as_str().expect("code").to_owned()));
    }
    assert!(values("Purpose").contains(&"vag_in".to_owned()));
    assert!(values("Role").contains(&"reader".to_owned()));
    assert!(values("AreaKind").contains(&"meeting_area".to_owned()));
    // What a generated client sends is accepted: each documented purpose on call-now.
    let unit = app.unit_id("Närhälsan Södra Torget vårdcentral");
    for purpose in values("Purpose") {
        let res = app
            .get(&format!("/v1/units/{unit}/call-now?purpose={purpose}"))
            .await;
        assert!(
            res.status == StatusCode::OK || res.status == StatusCode::NOT_FOUND,
            "purpose={purpose}: {} {}",
            res.status,
            res.body
        );
    }
    // No schema anywhere lists a Rust variant name.
    let text = doc.to_string();
    for rust_name in [
        "\"VagIn\"",
        "\"MeetingArea\"",
        "\"Reader\"",
        "\"Vardcentral\"",
        "\"Open\"",
    ] {
        assert!(!text.contains(rust_name), "{rust_name} in the document");
    }
}

#[actix_web::test]
async fn accepting_a_report_refuses_a_body_it_cannot_read_and_writes_nothing() {
    let app = TestApp::new();
    let unit = app.unit_id("Närhälsan Södra Torget vårdcentral");
    let reader = app.token(Role::Reader, &[]);
    let editor = app.token(Role::Editor, &["narhalsan"]);
    let res = app
        .send(
            Method::POST,
            &format!("/v1/units/{unit}/corrections"),
            Some(&reader),
            None,
            Some(json!({"message": "växeln har bytt nummer", "proposed_number": "031-390 06 99"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = res.body["id"].as_str().expect("id").to_owned();
    let uri = format!("/v1/corrections/{id}/accept");
    let events = app.audit_count();
    let post = |content_type: Option<&str>, body: Vec<u8>| {
        let mut req = TestRequest::post()
            .uri(&uri)
            .insert_header((AUTHORIZATION, format!("Bearer {editor}")))
            .insert_header((IF_MATCH, "\"1\""));
        if let Some(t) = content_type {
            req = req.insert_header((CONTENT_TYPE, t.to_owned()));
        }
        req.set_payload(body)
    };
    let cases: Vec<(&str, Option<&str>, Vec<u8>)> = vec![
        (
            "a misspelled field",
            Some("application/json"),
            br#"{"numbr": "031-390 06 77"}"#.to_vec(),
        ),
        ("bad JSON", Some("application/json"), b"{\"number\": ".to_vec()),
        (
            "a wrong content type",
            Some("text/plain"),
            br#"{"number": "031-390 06 77"}"#.to_vec(),
        ),
        (
            "no content type",
            None,
            br#"{"number": "031-390 06 77"}"#.to_vec(),
        ),
        ("10 MB", Some("application/json"), vec![b' '; 10 * 1024 * 1024]),
        (
            "invalid UTF-8",
            Some("application/json"),
            b"{\"reason\": \"\xff\xfe\"}".to_vec(),
        ),
        (
            "a NUL in the reason",
            Some("application/json"),
            br#"{"reason": "ok\u0000"}"#.to_vec(),
        ),
    ];
    for (what, content_type, body) in cases {
        let res = app.request(post(content_type, body)).await;
        assert_problem(&res, StatusCode::BAD_REQUEST);
        assert_eq!(app.audit_count(), events, "{what} wrote something");
    }
    let report = app.get_as(&format!("/v1/corrections/{id}"), Some(&editor)).await;
    assert_eq!(report.body["status"], "open");
    // Only a truly empty body means "as proposed".
    let res = app.request(post(Some("application/json"), Vec::new())).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["status"], "accepted");
    let unit_now = app.get(&format!("/v1/units/{unit}")).await;
    assert!(unit_now.body.to_string().contains("031-390 06 99"));
}

async fn sign_in_via(app: &TestApp, forwarded_for: &str, username: &str, password: &str) -> StatusCode {
    app.request(
        TestRequest::post()
            .uri("/v1/auth/token")
            .peer_addr("10.0.0.2:40000".parse().expect("the proxy's address"))
            .insert_header(("X-Forwarded-For", forwarded_for.to_owned()))
            .set_json(json!({"username": username, "password": password})),
    )
    .await
    .status
}

#[actix_web::test]
async fn a_forged_forwarded_for_does_not_escape_the_sign_in_brake() {
    let app = TestApp::with_auth(|mut a| {
        a.trust_forwarded_for = true;
        a
    });
    let admin = app.token(Role::Admin, &[]);
    for name in ["anna", "bertil"] {
        app.add_account(&admin, name, "rätt lösenord här", "reader").await;
    }
    // The client writes a new address at the left of every request; the proxy appends the
    // address it saw (always the same client). Only the proxy's entry counts: locked at 5.
    let mut statuses = Vec::new();
    for n in 0..40 {
        statuses.push(
            sign_in_via(
                &app,
                &format!("198.51.100.{n}, 203.0.113.7"),
                "anna",
                "fel lösenord",
            )
            .await,
        );
    }
    let first_429 = statuses.iter().position(|s| *s == StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(first_429, Some(4), "{statuses:?}");
    assert_eq!(
        sign_in_via(&app, "198.51.100.99, 203.0.113.7", "anna", "rätt lösenord här").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Guesses at one account from ever new real addresses stop at the account's own limit,
    // and then the right password waits too.
    let limit = kontaktnav::auth::passwords::MAX_ACCOUNT_FAILURES as usize;
    let mut statuses = Vec::new();
    for n in 0..limit + 5 {
        statuses.push(sign_in_via(&app, &format!("203.0.113.{}", 100 + n), "bertil", "fel lösenord").await);
    }
    assert!(
        statuses[..limit - 1]
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    assert!(
        statuses[limit..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert_eq!(
        sign_in_via(&app, "203.0.113.250", "bertil", "rätt lösenord här").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[actix_web::test]
async fn forwarded_for_counts_only_from_the_configured_proxies() {
    let app = TestApp::with_auth(|mut a| {
        a.trusted_proxies = vec!["10.0.0.0/8".into(), "2001:db8::1".into()];
        a
    });
    let admin = app.token(Role::Admin, &[]);
    app.add_account(&admin, "cecilia", "rätt lösenord här", "reader")
        .await;
    let sign_in = |peer: &'static str, forwarded: String| {
        TestRequest::post()
            .uri("/v1/auth/token")
            .peer_addr(peer.parse().expect("peer"))
            .insert_header(("X-Forwarded-For", forwarded))
            .set_json(json!({"username": "cecilia", "password": "fel lösenord"}))
    };
    // From a proxy (and through a second one in the list): the client is the right-most
    // address that is no proxy, whatever the client wrote to the left of it.
    let mut statuses = Vec::new();
    for n in 0..6 {
        let req = sign_in("10.0.0.2:4000", format!("198.51.100.{n}, 203.0.113.9, 10.1.2.3"));
        statuses.push(app.request(req).await.status);
    }
    assert_eq!(
        statuses.iter().position(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        Some(4),
        "{statuses:?}"
    );
    // Not from a proxy: the header is the client's own words; the peer is the client.
    let mut statuses = Vec::new();
    for n in 0..6 {
        let req = sign_in("192.0.2.77:4000", format!("203.0.113.{}", 10 + n));
        statuses.push(app.request(req).await.status);
    }
    assert_eq!(
        statuses.iter().position(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        Some(4),
        "{statuses:?}"
    );
}

#[actix_web::test]
async fn an_empty_street_upload_is_refused_and_clearing_needs_clear_true() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let upload = |query: &str, content_type: &str, body: Vec<u8>| {
        TestRequest::post()
            .uri(&format!("/v1/streets{query}"))
            .insert_header((AUTHORIZATION, format!("Bearer {admin}")))
            .insert_header((CONTENT_TYPE, content_type.to_owned()))
            .set_payload(body)
    };
    let events = app.audit_count();
    for (what, body) in [
        ("empty", b"".to_vec()),
        ("[]", b"[]".to_vec()),
        ("header only", b"street,district\n".to_vec()),
    ] {
        let res = app.request(upload("", "text/csv", body)).await;
        assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.audit_count(), events, "{what}");
    }
    assert_eq!(
        app.get("/v1/lookup/address?street=Sandwalls%20plats")
            .await
            .status,
        StatusCode::OK
    );
    // A Latin-1 file: the line and what to do.
    let res = app
        .request(upload(
            "",
            "text/csv",
            b"street,district\nSandwalls plats,distrikt-norr\nS\xf6dra Torget,distrikt-soder\n".to_vec(),
        ))
        .await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    assert_eq!(res.body["errors"][0]["field"], "line 3");
    assert!(res.body["detail"].as_str().expect("detail").contains("UTF-8"));
    // clear=true takes no rows, and then empties the table on purpose.
    let res = app
        .request(upload(
            "?clear=true",
            "text/csv",
            b"street,district\nSandwalls plats,distrikt-norr\n".to_vec(),
        ))
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.body["errors"][0]["field"], "clear");
    let res = app
        .request(upload("?clear=true", "text/csv", b"street,district\n".to_vec()))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_problem(
        &app.get("/v1/lookup/address?street=Sandwalls%20plats").await,
        StatusCode::NOT_FOUND,
    );
}

#[actix_web::test]
async fn control_characters_direction_overrides_and_invisible_text_are_refused_everywhere() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let unit = app.unit_id("Närhälsan Södra Torget vårdcentral");
    let events = app.audit_count();
    let bad_values = [
        "ad\u{0}min",
        "a\u{1b}[2J",
        "abc\u{202e}fed",
        "\u{2067}x",
        "\u{200b}\u{feff}",
    ];
    let unit_now = app.get(&format!("/v1/units/{unit}")).await;
    let etag = unit_now.etag.clone().expect("etag");
    let point = unit_now.body["contact_points"][0]["contact_point_id"]
        .as_str()
        .expect("point")
        .to_owned();
    for bad in bad_values {
        let cases: Vec<(Method, String, Option<&str>, Value, &str)> = vec![
            (
                Method::POST,
                "/v1/auth/token".into(),
                None,
                json!({"username": bad, "password": "x"}),
                "username",
            ),
            (
                Method::PATCH,
                format!("/v1/units/{unit}"),
                Some(&etag),
                json!({"name": bad}),
                "name",
            ),
            (
                Method::PATCH,
                format!("/v1/units/{unit}"),
                Some(&etag),
                json!({"note": bad}),
                "note",
            ),
            (
                Method::PATCH,
                format!("/v1/units/{unit}"),
                Some(&etag),
                json!({"note": "ok", "reason": bad}),
                "reason",
            ),
            (
                Method::PATCH,
                format!("/v1/units/{unit}/contact-points/{point}"),
                Some(&etag),
                json!({"label": bad}),
                "label",
            ),
            (
                Method::POST,
                format!("/v1/units/{unit}/corrections"),
                None,
                json!({"message": bad}),
                "message",
            ),
            (
                Method::POST,
                "/v1/organisations".into(),
                None,
                json!({"id": "ny-org", "name": bad, "kind": "private"}),
                "name",
            ),
            (
                Method::POST,
                "/v1/accounts".into(),
                None,
                json!({"username": "ny.person", "display_name": bad, "password": "ett långt lösenord", "role": "reader"}),
                "display_name",
            ),
        ];
        for (method, uri, if_match, body, field) in cases {
            let token = (uri != "/v1/auth/token").then_some(admin.as_str());
            let res = app.send(method.clone(), &uri, token, if_match, Some(body)).await;
            assert_problem(&res, StatusCode::BAD_REQUEST);
            assert_eq!(
                res.body["errors"][0]["field"], field,
                "{method} {uri} {bad:?}: {}",
                res.body
            );
        }
        for uri in [
            format!("/v1/units?q={}", urlencode(bad)),
            format!("/v1/lookup?q={}", urlencode(bad)),
            format!("/v1/lookup/address?street={}", urlencode(bad)),
            format!("/v1/organisations/{}", urlencode(bad)),
            format!("/v1/areas/{}", urlencode(bad)),
        ] {
            let res = app.get_as(&uri, Some(&admin)).await;
            assert_problem(&res, StatusCode::BAD_REQUEST);
        }
    }
    assert_eq!(app.audit_count(), events);
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[actix_web::test]
async fn an_import_header_of_many_unknown_columns_answers_a_short_document() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let header: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
    let body = format!("{}\n", header.join(","));
    let res = app
        .request(
            TestRequest::post()
                .uri("/v1/import?dry_run=true")
                .insert_header((AUTHORIZATION, format!("Bearer {admin}")))
                .insert_header((CONTENT_TYPE, "text/csv"))
                .set_payload(body),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    let size = res.body.to_string().len();
    assert!(size < 1_000_000, "{size} bytes");
    let errors = res.body["errors"].as_array().expect("errors");
    assert!(errors.len() <= 1_001);
    assert!(
        errors.last().expect("last")["en"]
            .as_str()
            .expect("en")
            .contains("reading stopped")
    );
}

#[actix_web::test]
async fn the_printed_list_has_the_pages_headers_and_every_answer_nosniff() {
    let app = TestApp::new();
    let res = app.get("/v1/export?format=html").await;
    assert_eq!(res.status, StatusCode::OK);
    let csp = res
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .expect("CSP");
    assert!(csp.starts_with("default-src 'none'; style-src 'sha256-"), "{csp}");
    for uri in ["/v1/export?format=html", "/v1/units", "/healthz", "/v1/nowhere"] {
        let res = app.get(uri).await;
        assert_eq!(
            res.headers
                .get("x-content-type-options")
                .and_then(|v| v.to_str().ok()),
            Some("nosniff"),
            "{uri}"
        );
    }
}

#[actix_web::test]
async fn a_forwarded_host_does_not_pass_the_forms_origin_check_without_a_trusted_proxy() {
    let app = TestApp::new();
    for forged in [
        ("X-Forwarded-Host", "evil.example"),
        ("Forwarded", "host=evil.example;proto=http"),
    ] {
        let res = app
            .request(
                TestRequest::post()
                    .uri("/logga-in")
                    .insert_header(("Host", "kontaktnav.example"))
                    .insert_header(("Origin", "http://evil.example"))
                    .insert_header(forged)
                    .set_form([("username", "x"), ("password", "y"), ("next", "/")]),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{forged:?}: {}", res.body);
    }
}

#[test]
fn a_database_that_cannot_be_reached_is_named_with_its_own_error() {
    let location = kontaktnav::db::DatabaseLocation::Postgres("postgres://nobody@127.0.0.1:1/nothing".into());
    let err = kontaktnav::db::connect(&location).expect_err("nothing listens on port 1");
    let chain = format!("{err:#}");
    assert!(chain.contains("refused"), "{chain}");
    assert!(!chain.contains("multiconnection"), "{chain}");
}

/// `HEAD` over a real connection: the release of actix's encoder is what drops the body, so
/// this starts the binary.
#[test]
fn head_answers_like_get_without_a_body() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let address = format!("127.0.0.1:{port}");
    let secret = "a secret for the HEAD test that is long enough";
    let mut child: Child = Command::new(env!("CARGO_BIN_EXE_kontaktnav"))
        .env("DATABASE_URL", format!("sqlite://{}/k.db", dir.path().display()))
        .env("BIND", &address)
        .env("AUTH_SECRET", secret)
        .env("WORKERS", "1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start");
    let token = Command::new(env!("CARGO_BIN_EXE_kontaktnav"))
        .args(["token", "--sub", "head-test", "--role", "reader"])
        .env("AUTH_SECRET", secret)
        .output()
        .expect("token");
    let token = String::from_utf8(token.stdout).expect("utf-8").trim().to_owned();
    let raw = |method: &str| -> Option<String> {
        let mut stream = TcpStream::connect(&address).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        let request = format!(
            "{method} /v1/units HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nX-Request-Id: same-id\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).ok()?;
        let mut out = Vec::new();
        stream.read_to_end(&mut out).ok()?;
        Some(String::from_utf8_lossy(&out).into_owned())
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    let get = loop {
        match raw("GET") {
            Some(r) if r.starts_with("HTTP/1.1 200") => break r,
            _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            other => panic!("the service did not answer: {other:?}"),
        }
    };
    let head = raw("HEAD").expect("HEAD");
    let _ = child.kill();
    let _ = child.wait();
    let headers = |r: &str| -> Vec<String> {
        let (head, _) = r.split_once("\r\n\r\n").expect("head");
        let mut lines: Vec<String> = head
            .lines()
            .filter(|l| !l.to_lowercase().starts_with("date:"))
            .map(str::to_lowercase)
            .collect();
        lines.sort();
        lines
    };
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(headers(&head), headers(&get));
    let (_, body) = head.split_once("\r\n\r\n").expect("head");
    assert_eq!(body, "", "HEAD sent a body");
    let (_, get_body) = get.split_once("\r\n\r\n").expect("get");
    assert!(get_body.contains("\"items\""));
}
