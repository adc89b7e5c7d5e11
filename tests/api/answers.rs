//! Ready-made answers (the bytes of recent reads, kept with the snapshot they were made from)
//! are exactly what the service makes fresh, and a write is in the very next answer.

use actix_web::http::header::AUTHORIZATION;
use actix_web::http::{Method, StatusCode};
use actix_web::test;
use kontaktnav::auth::AuthSettings;
use kontaktnav::domain::Role;
use kontaktnav::settings::DatabaseSettings;
use kontaktnav::startup;
use serde_json::{Value, json};

use crate::helpers::{TestApp, query};

/// Status, ETag and the body's bytes of a GET, as the service sends them.
async fn raw(
    state: &actix_web::web::Data<kontaktnav::state::AppState>,
    uri: &str,
    token: Option<&str>,
) -> (StatusCode, Option<String>, Vec<u8>) {
    let app = test::init_service(startup::app(state.clone())).await;
    let mut req = test::TestRequest::get().uri(uri);
    if let Some(token) = token {
        req = req.insert_header((AUTHORIZATION, format!("Bearer {token}")));
    }
    let res = test::call_service(&app, req.to_request()).await;
    let status = res.status();
    let etag = res
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, etag, test::read_body(res).await.to_vec())
}

/// The body without the moment it was asked at (`at`, to the second): a lookup or call-now
/// made a second later says so, and is otherwise the same.
fn without_moment(bytes: &[u8]) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                map.remove("at");
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut value: Value = serde_json::from_slice(bytes).expect("JSON");
    strip(&mut value);
    value
}

/// The class "a kept answer that is not what the service would answer now": every unit by id
/// and its call-now, pages of searches (followed by their cursors) and lookups, each for a
/// reader who sees internal numbers and for an anonymous caller who does not, read twice from
/// the service that keeps answers (made, then kept) and once from one that keeps none, on the
/// same database.
#[actix_web::test]
async fn ready_made_answers_are_byte_for_byte_what_the_service_makes_fresh() {
    let app = TestApp::with_auth(|a| AuthSettings {
        anonymous_read: true,
        ..a
    });
    let fresh = startup::prepare(
        &DatabaseSettings {
            database_url: app.database_url.clone(),
        },
        &AuthSettings {
            anonymous_read: true,
            ..AuthSettings::standalone(app.dir.path().join("auth-secret"))
        },
        false,
        false,
    )
    .expect("a second service on the same database, keeping no answers");
    let reader = app.token(Role::Reader, &[]);
    let mut uris = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut uri = "/v1/units?active=all&limit=100".to_owned();
        if let Some(c) = &cursor {
            uri.push_str(&format!("&cursor={c}"));
        }
        let page = app.get(&uri).await.body;
        for unit in page["items"].as_array().expect("items") {
            let id = unit["id"].as_str().expect("id");
            uris.push(format!("/v1/units/{id}"));
            uris.push(format!("/v1/units/{id}/call-now"));
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert!(uris.len() > 40, "the demo directory has its units");
    for q in [
        "vård",
        "herk",
        "södra torget",
        "031-390 06 27",
        "vc",
        "brämhlut",
        "allégatan 14",
        "nothing-like-it",
    ] {
        let mut cursor: Option<String> = None;
        for _ in 0..3 {
            let mut pairs = vec![("q", q), ("limit", "2")];
            if let Some(c) = &cursor {
                pairs.push(("cursor", c));
            }
            let uri = format!("/v1/units?{}", query(&pairs));
            uris.push(uri.clone());
            match app.get(&uri).await.body["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        uris.push(format!("/v1/lookup?{}", query(&[("q", q)])));
        uris.push(format!(
            "/v1/units?{}",
            query(&[("q", q), ("kind", "vardcentral,rehab")])
        ));
    }
    for uri in &uris {
        for token in [Some(reader.as_str()), None] {
            let made = raw(&app.state, uri, token).await;
            let kept = raw(&app.state, uri, token).await;
            let fresh = raw(&fresh, uri, token).await;
            let who = if token.is_some() { "reader" } else { "anonymous" };
            assert_eq!(
                (made.0, &made.1),
                (fresh.0, &fresh.1),
                "{uri} as {who}: status and ETag"
            );
            assert_eq!(
                (kept.0, &kept.1),
                (fresh.0, &fresh.1),
                "{uri} as {who}: status and ETag, kept"
            );
            if uri.contains("call-now") || uri.starts_with("/v1/lookup") {
                assert_eq!(
                    without_moment(&kept.2),
                    without_moment(&fresh.2),
                    "{uri} as {who}"
                );
                assert_eq!(
                    without_moment(&made.2),
                    without_moment(&fresh.2),
                    "{uri} as {who}"
                );
            } else {
                assert_eq!(
                    String::from_utf8_lossy(&made.2),
                    String::from_utf8_lossy(&fresh.2),
                    "{uri} as {who}"
                );
                assert_eq!(
                    String::from_utf8_lossy(&kept.2),
                    String::from_utf8_lossy(&fresh.2),
                    "{uri} as {who}, kept"
                );
            }
        }
    }
}

/// A kept answer never outlives the snapshot it was made from: the writer's next read, its
/// next search and lookup all have the write.
#[actix_web::test]
async fn a_write_is_in_the_very_next_answer() {
    let app = TestApp::new();
    let id = app.unit_id("Herkules vårdcentral");
    let editor = app.token(Role::Admin, &[]);
    let uri = format!("/v1/units/{id}");
    let search = format!("/v1/units?{}", query(&[("q", "herkules")]));
    let lookup = format!("/v1/lookup?{}", query(&[("q", "herkules")]));
    for _ in 0..2 {
        app.get(&uri).await;
        app.get(&search).await;
        app.get(&lookup).await;
    }
    let before = app.get(&uri).await;
    let res = app
        .send(
            Method::PATCH,
            &uri,
            Some(&editor),
            before.etag.as_deref(),
            Some(json!({"name": "Herkules vårdcentral (ny)", "reason": "test"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let after = app.get(&uri).await;
    assert_eq!(after.body["name"], "Herkules vårdcentral (ny)");
    assert_ne!(after.etag, before.etag);
    let found = app.get(&search).await.body;
    assert_eq!(found["items"][0]["name"], "Herkules vårdcentral (ny)", "{found}");
    let looked_up = app.get(&lookup).await.body;
    assert_eq!(
        looked_up["results"][0]["name"], "Herkules vårdcentral (ny)",
        "{looked_up}"
    );
}
