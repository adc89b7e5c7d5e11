//! The search vocabulary: shorthand staff type finds what it stands for, and admins keep the
//! list (ETag/If-Match, audited).

use actix_web::http::{Method, StatusCode};
use kontaktnav::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, names, query};

async fn search(app: &TestApp, q: &str) -> Value {
    let res = app
        .get(&format!("/v1/units?{}", query(&[("q", q), ("limit", "100")])))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{q}: {}", res.body);
    res.body
}

#[actix_web::test]
async fn shorthand_finds_what_it_stands_for() {
    let app = TestApp::new();
    // "vc": every vårdcentral.
    let vc = search(&app, "vc").await;
    let kinds: Vec<&Value> = vc["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|u| &u["kind"])
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "vardcentral").count(),
        16,
        "{:?}",
        names(&vc)
    );
    assert!(vc.get("ignored_words").is_none());
    // With a name: that one first, and only it matches both words.
    for (q, first) in [
        ("sjöbo vc", "Närhälsan Sjöbo vårdcentral"),
        ("Södra torget vc", "Närhälsan Södra Torget vårdcentral"),
        ("kortis", "Korttidsenhet (exempel)"),
        ("jour", "Läkare i beredskap, närområde Borås"),
    ] {
        let found = search(&app, q).await;
        assert_eq!(found["items"][0]["name"], first, "{q}: {:?}", names(&found));
    }
    for (q, kind) in [
        ("säbo", "sarskilt_boende"),
        ("våbo", "sarskilt_boende"),
        ("hemsjukvård", "kommunal_primarvard"),
    ] {
        let found = search(&app, q).await;
        assert_eq!(found["items"][0]["kind"], kind, "{q}: {:?}", names(&found));
    }
}

#[actix_web::test]
async fn admins_keep_the_vocabulary_with_etags_and_history() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let reader = app.token(Role::Reader, &[]);
    let list = app.get("/v1/vocabulary").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body["items"].as_array().expect("items").len() >= 30);
    let word = json!({"word": "Xyzzyk", "expansions": ["läkare i beredskap"], "reason": "test"});
    let res = app
        .send(
            Method::POST,
            "/v1/vocabulary",
            Some(&reader),
            None,
            Some(word.clone()),
        )
        .await;
    assert_problem(&res, StatusCode::FORBIDDEN);
    let res = app.get(&format!("/v1/units?{}", query(&[("q", "xyzzyk")]))).await;
    assert_eq!(res.body["total"], 0, "{}", res.body);
    let events = app.audit_count();
    let res = app
        .send(
            Method::POST,
            "/v1/vocabulary",
            Some(&admin),
            None,
            Some(word.clone()),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.etag.as_deref(), Some("\"1\""));
    assert_eq!(res.body["word"], "xyzzyk");
    assert_eq!(app.audit_count(), events + 1);
    assert_eq!(
        search(&app, "xyzzyk").await["items"][0]["name"],
        "Läkare i beredskap, närområde Borås"
    );
    // The same word again, even spelt otherwise: 409.
    let res = app
        .send(
            Method::POST,
            "/v1/vocabulary",
            Some(&admin),
            None,
            Some(json!({"word": "XYZZYK", "expansions": ["tib"]})),
        )
        .await;
    assert_problem(&res, StatusCode::CONFLICT);
    // Bad input, nothing written.
    for (body, status) in [
        (
            json!({"word": "två ord", "expansions": ["x"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (json!({"word": "tomt", "expansions": []}), StatusCode::BAD_REQUEST),
        (
            json!({"word": "själv", "expansions": ["Själv"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let res = app
            .send(
                Method::POST,
                "/v1/vocabulary",
                Some(&admin),
                None,
                Some(body.clone()),
            )
            .await;
        assert_problem(&res, status);
    }
    assert_eq!(app.audit_count(), events + 1);
    // Change: If-Match needed, a stale one refused.
    let uri = "/v1/vocabulary/xyzzyk";
    let change = json!({"expansions": ["tjänsteman i beredskap"]});
    let res = app
        .send(Method::PATCH, uri, Some(&admin), None, Some(change.clone()))
        .await;
    assert_eq!(res.status, StatusCode::PRECONDITION_REQUIRED, "{}", res.body);
    let res = app
        .send(
            Method::PATCH,
            uri,
            Some(&admin),
            Some("\"7\""),
            Some(change.clone()),
        )
        .await;
    assert_problem(&res, StatusCode::PRECONDITION_FAILED);
    let res = app
        .send(
            Method::PATCH,
            uri,
            Some(&admin),
            Some("\"1\""),
            Some(change.clone()),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.etag.as_deref(), Some("\"2\""));
    assert_eq!(
        search(&app, "xyzzyk").await["items"][0]["name"],
        "TIB, tjänsteman i beredskap Borås Stad"
    );
    // Remove: the word finds nothing again; the history has all three events.
    let res = app
        .send(Method::DELETE, uri, Some(&admin), Some("\"2\""), None)
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let res = app.get(&format!("/v1/units?{}", query(&[("q", "xyzzyk")]))).await;
    assert_eq!(res.body["total"], 0, "{}", res.body);
    let res = app
        .send(Method::DELETE, uri, Some(&admin), Some("\"3\""), None)
        .await;
    assert_problem(&res, StatusCode::NOT_FOUND);
    // Added again: it goes on from its last version, so an old ETag never matches it.
    let res = app
        .send(
            Method::POST,
            "/v1/vocabulary",
            Some(&admin),
            None,
            Some(json!({"word": "xyzzyk", "expansions": ["tib"]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.etag.as_deref(), Some("\"4\""));
    let res = app
        .send(
            Method::POST,
            "/v1/vocabulary",
            Some(&admin),
            None,
            Some(json!({"word": "vc/", "expansions": ["tib"]})),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    let audit = app
        .get_as("/v1/audit?entity_type=vocabulary&limit=10", Some(&admin))
        .await;
    assert_eq!(audit.status, StatusCode::OK, "{}", audit.body);
    let actions: Vec<&str> = audit.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["entity_id"] == "xyzzyk")
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(
        actions,
        [
            "vocabulary.create",
            "vocabulary.remove",
            "vocabulary.update",
            "vocabulary.create"
        ]
    );
}

async fn put_csv(app: &TestApp, token: &str, query: &str, csv: &str) -> crate::helpers::Response {
    app.request(
        actix_web::test::TestRequest::put()
            .uri(&format!("/v1/vocabulary{query}"))
            .insert_header(("authorization", format!("Bearer {token}")))
            .insert_header(("content-type", "text/csv; charset=utf-8"))
            .set_payload(csv.to_owned()),
    )
    .await
}

#[actix_web::test]
async fn the_vocabulary_is_exported_and_imported_as_a_file() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let res = app.get("/v1/vocabulary?format=csv").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.content_type.starts_with("text/csv"));
    let file = res.body.as_str().expect("csv").to_owned();
    assert!(file.starts_with("word,expansion\n"), "{file}");
    assert!(file.contains("säbo,särskilt boende\n"), "{file}");
    // The file as read changes nothing.
    let before = app.audit_count();
    let res = put_csv(&app, &admin, "", &file).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        (&res.body["added"], &res.body["changed"], &res.body["removed"]),
        (&json!([]), &json!([]), &json!([]))
    );
    assert_eq!(app.audit_count(), before);
    // Edited: a word added, one changed, one left out. The dry run says so and writes nothing.
    let edited = file
        .lines()
        .filter(|l| !l.starts_with("kortis,"))
        .map(|l| {
            if l == "vc,vårdcentral" {
                "vc,vårdcentral\nvc,hälsocentral"
            } else {
                l
            }
        })
        .chain(["hemsjuk,kommunal primärvård", "hemsjuk,hemsjukvård"])
        .collect::<Vec<_>>()
        .join("\n");
    let res = put_csv(&app, &admin, "?dry_run=true", &edited).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["dry_run"], true);
    assert_eq!(res.body["added"], json!(["hemsjuk"]));
    assert_eq!(res.body["changed"], json!(["vc"]));
    assert_eq!(res.body["removed"], json!(["kortis"]));
    assert_eq!(app.audit_count(), before);
    let res = put_csv(&app, &admin, "?reason=ny%20ordlista", &edited).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(app.audit_count(), before + 3);
    let list = app.get("/v1/vocabulary").await;
    let items = list.body["items"].as_array().expect("items");
    let entry = |w: &str| items.iter().find(|i| i["word"] == w).cloned();
    assert_eq!(
        entry("hemsjuk").expect("added")["expansions"],
        json!(["kommunal primärvård", "hemsjukvård"])
    );
    assert_eq!(entry("vc").expect("changed")["version"], 2);
    assert!(entry("kortis").is_none());
    // The search uses it at once.
    let res = app.get("/v1/units?q=hemsjuk").await;
    assert_eq!(
        res.body["items"][0]["kind"], "kommunal_primarvard",
        "{}",
        res.body
    );

    // Problems, each with its line; nothing written.
    let bad = "word,expansion\ntvå ord,något\nvc,\nok,bra\n";
    let res = put_csv(&app, &admin, "", bad).await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = res.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["line 2: word", "line 3: expansion"], "{}", res.body);
    // A file that is no vocabulary is refused, even one without rows.
    let res = put_csv(&app, &admin, "?clear=true", "{}").await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.body["errors"][0]["field"], "line 1");
    // An empty file empties nothing unless asked; only admins; only CSV; known formats.
    assert_problem(
        &put_csv(&app, &admin, "", "word,expansion\n").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    let editor = app.token(Role::Editor, &["boras-stad"]);
    assert_problem(&put_csv(&app, &editor, "", &file).await, StatusCode::FORBIDDEN);
    assert_problem(
        &app.get("/v1/vocabulary?format=xml").await,
        StatusCode::BAD_REQUEST,
    );
    assert_eq!(app.audit_count(), before + 3);
    let res = put_csv(&app, &admin, "?clear=true", "word,expansion\n").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(app.get("/v1/vocabulary").await.body["items"], json!([]));
}

/// A vocabulary file confirmed from its preview imports exactly what the preview showed: a
/// word changed since refuses it (409, nothing changed); the preview made again goes through.
#[actix_web::test]
async fn a_vocabulary_file_confirmed_from_a_preview_refuses_what_changed_since() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let file = app
        .get("/v1/vocabulary?format=csv")
        .await
        .body
        .as_str()
        .expect("csv")
        .to_owned();
    let edited = format!("{file}hemsjuk,hemsjukvård\n");
    let preview = put_csv(&app, &admin, "?dry_run=true", &edited).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let based_on = preview.body["based_on"].as_i64().expect("based_on");
    // Meanwhile a word is added on its own; the file would take it out again.
    let res = app
        .send(
            Method::POST,
            "/v1/vocabulary",
            Some(&admin),
            None,
            Some(json!({"word": "nattis", "expansions": ["nattpatrull"]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let events = app.audit_count();
    let res = put_csv(&app, &admin, &format!("?based_on={based_on}"), &edited).await;
    assert_problem(&res, StatusCode::CONFLICT);
    assert_eq!(app.audit_count(), events, "nothing was imported");
    let preview = put_csv(&app, &admin, "?dry_run=true", &edited).await;
    assert_eq!(preview.body["removed"], json!(["nattis"]), "{}", preview.body);
    let based_on = preview.body["based_on"].as_i64().expect("based_on");
    let res = put_csv(&app, &admin, &format!("?based_on={based_on}"), &edited).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_problem(
        &put_csv(&app, &admin, "?based_on=-1", &edited).await,
        StatusCode::BAD_REQUEST,
    );
}
