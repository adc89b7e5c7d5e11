//! The export and the change feed: a client that follows the feed rebuilds the export.

use std::collections::BTreeMap;

use actix_web::http::{Method, StatusCode};
use kontaktnav::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};

/// The export as records keyed by (type, id), a vocabulary word by (type, word).
async fn export(app: &TestApp) -> BTreeMap<(String, String), Value> {
    let res = app
        .request(
            actix_web::test::TestRequest::get()
                .uri("/v1/export?format=ndjson")
                .insert_header((
                    "authorization",
                    format!("Bearer {}", app.token(Role::Reader, &[])),
                )),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.content_type.starts_with("application/x-ndjson"));
    let text = res.body.as_str().expect("ndjson text").to_owned();
    text.lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("a JSON line");
            let key = (
                v["type"].as_str().expect("type").to_owned(),
                v["id"]
                    .as_str()
                    .or(v["word"].as_str())
                    .expect("id or word")
                    .to_owned(),
            );
            (key, v)
        })
        .collect()
}

/// Follows the feed from `cursor`, `limit` per page, applying each state; returns the cursor.
async fn follow(
    app: &TestApp,
    copy: &mut BTreeMap<(String, String), Value>,
    mut cursor: String,
    limit: usize,
) -> String {
    loop {
        let res = app
            .get(&format!("/v1/changes?since={cursor}&limit={limit}"))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        for change in res.body["items"].as_array().expect("items") {
            let state = change["state"].clone();
            let key = (
                change["entity_type"].as_str().expect("type").to_owned(),
                change["entity_id"].as_str().expect("id").to_owned(),
            );
            // A word removed from the vocabulary: no state.
            if state.is_null() {
                copy.remove(&key);
            } else {
                copy.insert(key, state);
            }
        }
        cursor = res.body["next_cursor"].as_str().expect("cursor").to_owned();
        if res.body["more"] == false {
            return cursor;
        }
    }
}

#[actix_web::test]
async fn following_the_change_feed_rebuilds_the_export() {
    let app = TestApp::new();
    let mut copy = BTreeMap::new();
    let cursor = follow(&app, &mut copy, "0".into(), 7).await;
    assert_eq!(copy, export(&app).await);

    // Changes of every kind, then the feed from where the client stopped.
    let admin = app.token(Role::Admin, &[]);
    let norr = app.unit_id("Hemtjänst Norr (exempel)");
    let res = app
        .send(
            Method::PATCH,
            &format!("/v1/units/{norr}"),
            Some(&admin),
            Some("\"1\""),
            Some(json!({"note": "ändrad"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let soder = app.unit_id("Hemtjänst Söder (exempel)");
    let res = app
        .send(
            Method::POST,
            &format!("/v1/units/{soder}/deactivate"),
            Some(&admin),
            Some("\"1\""),
            Some(json!({})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .send(Method::POST, "/v1/units", Some(&admin), None, Some(json!({"name": "Hemtjänst Ny (exempel)", "kind": "hemtjanst",
            "organisation_id": "boras-stad-vaf", "contact_points": [{"purpose": "vag_in", "label": "En väg in", "number": "031-390 06 77"}]})))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = app
        .send(
            Method::PATCH,
            "/v1/areas/distrikt-norr",
            Some(&admin),
            Some("\"1\""),
            Some(json!({"streets": ["Vevgatan"]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .send(
            Method::PATCH,
            "/v1/organisations/boras-stad-alf",
            Some(&admin),
            Some("\"1\""),
            Some(json!({"short_name": "ALF2"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // The vocabulary: a word added, one changed, one removed.
    let res = app
        .send(
            Method::POST,
            "/v1/vocabulary",
            Some(&admin),
            None,
            Some(json!({"word": "hemsjuk", "expansions": ["kommunal primärvård"]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = app
        .send(
            Method::PATCH,
            "/v1/vocabulary/vc",
            Some(&admin),
            Some("\"1\""),
            Some(json!({"expansions": ["vårdcentral", "vårdcentralen"]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .send(
            Method::DELETE,
            "/v1/vocabulary/kortis",
            Some(&admin),
            Some("\"1\""),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let end = follow(&app, &mut copy, cursor.clone(), 2).await;
    let exported = export(&app).await;
    assert!(exported.contains_key(&("vocabulary".to_owned(), "hemsjuk".to_owned())));
    assert!(!exported.contains_key(&("vocabulary".to_owned(), "kortis".to_owned())));
    assert_eq!(copy, exported);
    assert_ne!(end, cursor);
    // Nothing new: an empty page that keeps the cursor.
    let res = app.get(&format!("/v1/changes?since={end}")).await;
    assert_eq!(res.body["items"], json!([]));
    assert_eq!(res.body["next_cursor"], end);
    // Account changes are not directory data and stay out of the feed.
    assert!(copy.keys().all(|(kind, _)| kind != "account"));

    assert_problem(
        &app.get("/v1/changes?since=minus").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_problem(&app.get("/v1/export?format=xml").await, StatusCode::BAD_REQUEST);
    assert_problem(&app.get_as("/v1/changes", None).await, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn the_printable_phone_list_has_every_active_unit_with_its_one_way_in() {
    let app = TestApp::new();
    app.add_unit(&crate::helpers::test_unit(
        "Hemtjänst A & B <natt>",
        kontaktnav::domain::UnitKind::Hemtjanst,
        None,
    ));
    let ended = chrono::NaiveDate::from_ymd_opt(2021, 1, 1);
    app.add_unit(&crate::helpers::test_unit(
        "Nedlagd grupp",
        kontaktnav::domain::UnitKind::Hemtjanst,
        ended,
    ));
    let res = app.get("/v1/export?format=html").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.content_type.starts_with("text/html"));
    let html = res.body.as_str().expect("html");
    assert!(html.contains(&format!("Utskriven {}", kontaktnav::domain::today())));
    assert!(html.contains("<h2>Vårdcentral</h2>"));
    let row = html
        .lines()
        .find(|l| l.contains("Närhälsan Södra Torget vårdcentral"))
        .expect("Södra Torget's row");
    assert!(
        row.contains("031-390 06 33") && row.contains("vardagar 08:00–12:00"),
        "{row}"
    );
    // …with its direct number for acute questions, and who answers when it does not.
    let unit = app.get("/v1/units/ffdabf88-ae49-5eb7-974e-f67910051deb").await;
    let acute = unit.body["contact_points"]
        .as_array()
        .expect("points")
        .iter()
        .find(|c| c["purpose"] == "direct_acute")
        .and_then(|c| c["national"].as_str())
        .expect("a direct acute number")
        .to_owned();
    assert!(row.contains(&format!("Akut: </span>{acute}")), "{row}");
    assert!(
        unit.body["fallback_contact_point_id"].is_string(),
        "Södra Torget has a fallback"
    );
    assert!(
        row.contains("Annars: </span>031-390 06 85</td><td>Läkare i beredskap"),
        "{row}"
    );
    assert!(html.contains("Hemtjänst A &amp; B &lt;natt&gt;"));
    assert!(!html.contains("<natt>"));
    assert!(!html.contains("Nedlagd grupp"));
    // Every active unit has its line.
    let active = app.get("/v1/units?limit=1").await.body["total"]
        .as_u64()
        .expect("total");
    assert_eq!(html.matches("<tbody>").count() as u64, active);
}
