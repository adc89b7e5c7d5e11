//! Editing over HTTP: who may write what, lost-update protection, validation, and that every
//! accepted write leaves exactly one audit event (and a refused one none).

use actix_web::http::{Method, StatusCode};
use chrono::Utc;
use kontaktnav::db::accounts::{self, Account};
use kontaktnav::db::audit::WriteMeta;
use kontaktnav::db::reference;
use kontaktnav::domain::{Area, AreaKind, Organisation, OrganisationKind, Role};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Response, TestApp, assert_problem};

const NORR: &str = "Hemtjänst Norr (exempel)";

/// The id of a unit's contact point with this purpose.
async fn point_id(app: &TestApp, unit: Uuid, purpose: &str) -> String {
    let res = app.get(&format!("/v1/units/{unit}")).await;
    res.body["contact_points"]
        .as_array()
        .expect("points")
        .iter()
        .find(|p| p["purpose"] == purpose)
        .map(|p| p["contact_point_id"].as_str().expect("id").to_owned())
        .expect("a point with that purpose")
}

/// Things the admin routes act on, made before the run (each starts at version 1).
fn arrange_admin_targets(app: &TestApp) {
    let meta = WriteMeta::system("test", Utc::now().naive_utc());
    let mut conn = app.conn();
    let org = Organisation {
        id: "avvecklas".into(),
        name: "Organisation som avvecklas".into(),
        short_name: None,
        kind: OrganisationKind::Private,
        parent_id: None,
        active_to: None,
        version: 1,
    };
    reference::create_organisation(&mut conn, &meta, &org).expect("org");
    let area = Area {
        id: "tomt-omrade".into(),
        name: "Tomt område".into(),
        kind: AreaKind::District,
        active_to: None,
        version: 1,
        streets: vec![],
    };
    reference::create_area(&mut conn, &meta, &area).expect("area");
    let account = Account {
        username: "testkonto".into(),
        display_name: "Testkonto".into(),
        role: Role::Reader,
        organisations: vec![],
        disabled: false,
        version: 1,
        password_changed: false,
    };
    accounts::create(&mut conn, &meta, &account, "$argon2id$unused").expect("account");
    drop(conn);
    app.reload();
}

struct Route {
    name: &'static str,
    method: Method,
    uri: String,
    body: Option<Value>,
    /// Whether an editor of Borås Stad (above VÄF) may do it.
    for_editors: bool,
}

async fn routes(app: &TestApp) -> Vec<Route> {
    let unit = app.unit_id(NORR);
    let sms = point_id(app, unit, "sms").await;
    let u = |path: &str| format!("/v1/units/{unit}{path}");
    let r = |name, method, uri: String, body: Option<Value>, for_editors| Route {
        name,
        method,
        uri,
        body,
        for_editors,
    };
    vec![
        r(
            "create unit",
            Method::POST,
            "/v1/units".into(),
            Some(json!({
            "name": "Hemtjänst Ny (exempel)", "kind": "hemtjanst", "organisation_id": "boras-stad-vaf",
            "area_ids": ["mote-1"], "contact_points": [{"purpose": "vag_in", "label": "En väg in", "number": "031-390 06 77"}]})),
            true,
        ),
        r(
            "patch unit",
            Method::PATCH,
            u(""),
            Some(json!({"note": "Ny anteckning", "reason": "test"})),
            true,
        ),
        r(
            "deactivate unit",
            Method::POST,
            u("/deactivate"),
            Some(json!({"reason": "läggs ned"})),
            true,
        ),
        r(
            "revert unit",
            Method::POST,
            u("/revert"),
            Some(json!({"version": 1})),
            true,
        ),
        r(
            "add number",
            Method::POST,
            u("/contact-points"),
            Some(json!({"purpose": "fax", "label": "Fax", "number": "031-390 06 78"})),
            true,
        ),
        r(
            "patch number",
            Method::PATCH,
            u(&format!("/contact-points/{sms}")),
            Some(json!({"number": "070-174 06 50"})),
            true,
        ),
        r(
            "remove number",
            Method::DELETE,
            u(&format!("/contact-points/{sms}?reason=ur%20bruk")),
            None,
            true,
        ),
        r(
            "create organisation",
            Method::POST,
            "/v1/organisations".into(),
            Some(json!({"id": "ny-vardgivare", "name": "Ny vårdgivare AB", "kind": "private"})),
            false,
        ),
        r(
            "patch organisation",
            Method::PATCH,
            "/v1/organisations/avvecklas".into(),
            Some(json!({"short_name": "AVV"})),
            false,
        ),
        r(
            "deactivate organisation",
            Method::POST,
            "/v1/organisations/avvecklas/deactivate".into(),
            Some(json!({})),
            false,
        ),
        r(
            "create area",
            Method::POST,
            "/v1/areas".into(),
            Some(json!({"id": "distrikt-nytt", "name": "Distrikt Nytt", "kind": "district"})),
            false,
        ),
        r(
            "patch area",
            Method::PATCH,
            "/v1/areas/tomt-omrade".into(),
            Some(json!({"name": "Tomt område 2"})),
            false,
        ),
        r(
            "deactivate area",
            Method::POST,
            "/v1/areas/tomt-omrade/deactivate".into(),
            Some(json!({})),
            false,
        ),
        r(
            "create account",
            Method::POST,
            "/v1/accounts".into(),
            Some(
                json!({"username": "ny.anvandare", "display_name": "Ny", "password": "ett långt lösenord", "role": "reader"}),
            ),
            false,
        ),
        r(
            "patch account",
            Method::PATCH,
            "/v1/accounts/testkonto".into(),
            Some(json!({"display_name": "Testkonto 2"})),
            false,
        ),
    ]
}

async fn call(app: &TestApp, route: &Route, token: Option<&str>) -> Response {
    app.send(
        route.method.clone(),
        &route.uri,
        token,
        Some("\"1\""),
        route.body.clone(),
    )
    .await
}

#[actix_web::test]
async fn every_write_route_for_every_role() {
    // Refusals, all on one service: nothing may change, no event may appear.
    let app = TestApp::new();
    arrange_admin_targets(&app);
    let routes = routes(&app).await;
    assert_eq!(routes.len(), 15);
    let reader = app.token(Role::Reader, &[]);
    let narhalsan = app.token(Role::Editor, &["narhalsan"]);
    let boras = app.token(Role::Editor, &["boras-stad"]);
    let unit = app.unit_id(NORR);
    let unit_before = app.get(&format!("/v1/units/{unit}")).await.body;
    let events_before = app.audit_count();
    for route in &routes {
        assert_problem(&call(&app, route, None).await, StatusCode::UNAUTHORIZED);
        assert_problem(&call(&app, route, Some(&reader)).await, StatusCode::FORBIDDEN);
        assert_problem(&call(&app, route, Some(&narhalsan)).await, StatusCode::FORBIDDEN);
        if !route.for_editors {
            assert_problem(&call(&app, route, Some(&boras)).await, StatusCode::FORBIDDEN);
        }
    }
    assert_eq!(app.audit_count(), events_before, "a refused write left an event");
    assert_eq!(app.get(&format!("/v1/units/{unit}")).await.body, unit_before);

    // Each allowed write on a fresh service: it succeeds and leaves one event (a revert to
    // the current version changes nothing and leaves none).
    for (i, route) in routes.iter().enumerate() {
        for role in ["editor", "admin"] {
            if role == "editor" && !route.for_editors {
                continue;
            }
            let app = TestApp::new();
            arrange_admin_targets(&app);
            let route = &routes_for(&app, i).await;
            let token = match role {
                "editor" => app.token(Role::Editor, &["boras-stad"]),
                _ => app.token(Role::Admin, &[]),
            };
            let before = app.audit_count();
            let res = call(&app, route, Some(&token)).await;
            assert!(
                res.status.is_success(),
                "{role} {}: {} {}",
                route.name,
                res.status,
                res.body
            );
            let expected = if route.name == "revert unit" { 0 } else { 1 };
            assert_eq!(app.audit_count() - before, expected, "{role} {}", route.name);
        }
    }
}

/// Route `i`, with the ids of this service's data.
async fn routes_for(app: &TestApp, i: usize) -> Route {
    routes(app).await.swap_remove(i)
}

#[actix_web::test]
async fn an_editor_of_narhalsan_edits_its_own_units_but_cannot_move_them_away() {
    let app = TestApp::new();
    let token = app.token(Role::Editor, &["narhalsan"]);
    let id = app.unit_id("Närhälsan Södra Torget vårdcentral");
    let uri = format!("/v1/units/{id}");
    let res = app
        .send(
            Method::PATCH,
            &uri,
            Some(&token),
            Some("\"1\""),
            Some(json!({"reviewed_at": "2026-11-23"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.etag.as_deref(), Some("\"2\""));
    let before = app.audit_count();
    let res = app
        .send(
            Method::PATCH,
            &uri,
            Some(&token),
            Some("\"2\""),
            Some(json!({"organisation_id": "boras-stad-vaf"})),
        )
        .await;
    assert_problem(&res, StatusCode::FORBIDDEN);
    assert_eq!(app.audit_count(), before);
    assert_eq!(app.get(&uri).await.body["organisation"]["id"], "narhalsan");
}

#[actix_web::test]
async fn if_match_protects_against_lost_updates() {
    let app = TestApp::new();
    let anna = app.token(Role::Editor, &["boras-stad-vaf"]);
    let bo = app.token(Role::Admin, &[]);
    let id = app.unit_id(NORR);
    let uri = format!("/v1/units/{id}");
    let etag = app.get(&uri).await.etag.expect("etag");
    assert_eq!(etag, "\"1\"");

    // No If-Match: 428, nothing changes.
    let res = app
        .send(Method::PATCH, &uri, Some(&anna), None, Some(json!({"note": "A"})))
        .await;
    assert_problem(&res, StatusCode::PRECONDITION_REQUIRED);
    // Both read version 1; Anna writes first.
    let res = app
        .send(
            Method::PATCH,
            &uri,
            Some(&anna),
            Some(&etag),
            Some(json!({"note": "Annas ändring"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.etag.as_deref(), Some("\"2\""));
    // Bo's write, based on version 1, is refused and names the current version.
    let before = app.audit_count();
    let res = app
        .send(
            Method::PATCH,
            &uri,
            Some(&bo),
            Some(&etag),
            Some(json!({"note": "Bos ändring"})),
        )
        .await;
    assert_problem(&res, StatusCode::PRECONDITION_FAILED);
    assert_eq!(res.etag.as_deref(), Some("\"2\""));
    assert_eq!(app.audit_count(), before);
    assert_eq!(app.get(&uri).await.body["note"], "Annas ändring");
    // Weak and malformed tags.
    let res = app
        .send(
            Method::PATCH,
            &uri,
            Some(&bo),
            Some("W/\"2\""),
            Some(json!({"note": "x"})),
        )
        .await;
    assert_problem(&res, StatusCode::PRECONDITION_FAILED);
    let res = app
        .send(
            Method::PATCH,
            &uri,
            Some(&bo),
            Some("version-2"),
            Some(json!({"note": "x"})),
        )
        .await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    // A write on a contact point moves the unit's version too.
    let sms = point_id(&app, id, "sms").await;
    let res = app
        .send(
            Method::PATCH,
            &format!("{uri}/contact-points/{sms}"),
            Some(&bo),
            Some("\"1\""),
            Some(json!({"label": "Sms"})),
        )
        .await;
    assert_problem(&res, StatusCode::PRECONDITION_FAILED);
}

fn fields(res: &Response) -> Vec<String> {
    res.body["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|f| f["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[actix_web::test]
async fn bad_values_and_broken_rules_are_refused_with_reasons_and_change_nothing() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let id = app.unit_id(NORR);
    let uri = format!("/v1/units/{id}");
    let vag_in = point_id(&app, id, "vag_in").await;
    let before = app.audit_count();
    let send = |method: Method, path: String, body: Option<Value>| {
        let admin = admin.clone();
        let app = &app;
        async move { app.send(method, &path, Some(&admin), Some("\"1\""), body).await }
    };

    let res = send(
        Method::POST,
        format!("{uri}/contact-points"),
        Some(json!({"purpose": "fax", "label": "Fax", "number": "031-39"})),
    )
    .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&res), ["number"]);
    assert!(
        res.body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("not a valid number")
    );

    let res = send(
        Method::POST,
        format!("{uri}/contact-points"),
        Some(json!({"purpose": "vag_in", "label": "Andra", "number": "031-390 06 79"})),
    )
    .await;
    assert_problem(&res, StatusCode::CONFLICT);
    assert!(
        res.body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("already has its one-way-in number")
    );

    let res = send(Method::DELETE, format!("{uri}/contact-points/{vag_in}"), None).await;
    assert_problem(&res, StatusCode::CONFLICT);
    let res = send(
        Method::PATCH,
        format!("{uri}/contact-points/{vag_in}"),
        Some(json!({"purpose": "other"})),
    )
    .await;
    assert_problem(&res, StatusCode::CONFLICT);

    let res = send(
        Method::PATCH,
        uri.clone(),
        Some(json!({"hsa_id": "SE123-X", "name": " "})),
    )
    .await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    assert_eq!(fields(&res), ["name", "hsa_id"]);

    let res = send(
        Method::PATCH,
        uri.clone(),
        Some(json!({"area_ids": ["mote-9"], "organisation_id": "finns-inte"})),
    )
    .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&res), ["organisation_id", "area_ids"]);

    let res = send(Method::PATCH, uri.clone(), Some(json!({"contact_points": []}))).await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    assert!(
        res.body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("unknown field")
    );

    let res = send(
        Method::PATCH,
        uri.clone(),
        Some(json!({"note": "x", "reason": "r".repeat(501)})),
    )
    .await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    assert_eq!(fields(&res), ["reason"]);

    let res = send(
        Method::POST,
        "/v1/units".into(),
        Some(
            json!({"name": "Utan väg in", "kind": "hemtjanst", "organisation_id": "boras-stad-vaf",
        "contact_points": [{"purpose": "fax", "label": "Fax", "number": "031-390 06 80"}]}),
        ),
    )
    .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&res), ["contact_points"]);

    // An HSA-id another unit has: set one, then try it on a second unit.
    let other = app.unit_id("Hemtjänst Öster (exempel)");
    let res = send(
        Method::PATCH,
        uri.clone(),
        Some(json!({"hsa_id": "SE2321000131-E000000000001"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let taken_before = app.audit_count();
    let res = send(
        Method::PATCH,
        format!("/v1/units/{other}"),
        Some(json!({"hsa_id": "se2321000131-e000000000001"})),
    )
    .await;
    assert_problem(&res, StatusCode::CONFLICT);
    assert!(res.body["detail"].as_str().unwrap_or_default().contains(NORR));
    assert_eq!(app.audit_count(), taken_before);
    assert_eq!(app.audit_count(), before + 1);
    let before = app.audit_count();

    // Deactivating twice: the second would silently move the end date.
    let soder = app.unit_id("Hemtjänst Söder (exempel)");
    let path = format!("/v1/units/{soder}/deactivate");
    let res = app
        .send(
            Method::POST,
            &path,
            Some(&admin),
            Some("\"1\""),
            Some(json!({"active_to": "2027-01-01"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .send(
            Method::POST,
            &path,
            Some(&admin),
            Some("\"2\""),
            Some(json!({"active_to": "2027-02-01"})),
        )
        .await;
    assert_problem(&res, StatusCode::CONFLICT);
    // `If-Match: *` is not a version.
    let unit = format!("/v1/units/{soder}");
    let res = app
        .send(
            Method::PATCH,
            &unit,
            Some(&admin),
            Some("*"),
            Some(json!({"note": "x"})),
        )
        .await;
    assert_problem(&res, StatusCode::PRECONDITION_REQUIRED);
    // A deactivated area cannot be given to a unit.
    let area = json!({"id": "gammalt", "name": "Gammalt", "kind": "district"});
    let res = app
        .send(Method::POST, "/v1/areas", Some(&admin), None, Some(area))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = app
        .send(
            Method::POST,
            "/v1/areas/gammalt/deactivate",
            Some(&admin),
            Some("\"1\""),
            Some(json!({})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .send(
            Method::PATCH,
            &unit,
            Some(&admin),
            Some("\"2\""),
            Some(json!({"area_ids": ["mote-2", "gammalt"]})),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&res), ["area_ids"]);
    assert!(
        res.body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("'gammalt' has been deactivated")
    );
    // Three writes were accepted since: deactivate, create area, deactivate area.
    assert_eq!(app.audit_count(), before + 3);

    // Deactivating an organisation that still has active units.
    let res = send(
        Method::POST,
        "/v1/organisations/boras-stad-vaf/deactivate".into(),
        Some(json!({})),
    )
    .await;
    assert_problem(&res, StatusCode::CONFLICT);
    // A parent cycle.
    let res = send(
        Method::PATCH,
        "/v1/organisations/boras-stad".into(),
        Some(json!({"parent_id": "boras-stad-vaf"})),
    )
    .await;
    assert_problem(&res, StatusCode::CONFLICT);
}

#[actix_web::test]
async fn history_as_of_and_revert_give_the_right_states() {
    let app = TestApp::new();
    let editor = app.token(Role::Editor, &["boras-stad-vaf"]);
    let id = app.unit_id(NORR);
    let uri = format!("/v1/units/{id}");
    let v1 = app.get(&uri).await.body;
    let sms = point_id(&app, id, "sms").await;
    let old_note = v1["note"].clone();

    let res = app
        .send(
            Method::PATCH,
            &uri,
            Some(&editor),
            Some("\"1\""),
            Some(json!({"note": "Ny anteckning", "reason": "årlig granskning"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let between = Utc::now().to_rfc3339();
    let res = app
        .send(
            Method::PATCH,
            &format!("{uri}/contact-points/{sms}"),
            Some(&editor),
            Some("\"2\""),
            Some(json!({"number": "070-174 06 60", "reason": "ny mobil"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // History: newest first, who, why, and what changed from what.
    let history = app.get(&format!("{uri}/history")).await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.body);
    let versions = history.body["versions"].as_array().expect("versions");
    let numbers: Vec<i64> = versions
        .iter()
        .map(|v| v["version"].as_i64().expect("v"))
        .collect();
    assert_eq!(numbers, [3, 2, 1]);
    assert_eq!(versions[0]["action"], "contact_point.update");
    assert_eq!(versions[0]["reason"], "ny mobil");
    assert_eq!(versions[0]["actor"]["role"], "editor");
    assert_eq!(
        versions[0]["changes"],
        json!([{"field": "contact_points[Sms till gruppens telefon].number.national",
                "from": v1["contact_points"].as_array().expect("points").iter().find(|p| p["purpose"] == "sms").expect("sms")["national"],
                "to": "070-174 06 60"}])
    );
    assert_eq!(versions[1]["changes"][0]["field"], "note");
    assert_eq!(versions[2]["action"], "unit.create");
    assert_eq!(versions[2]["actor"]["sub"], "kontaktnav:demo");

    // as_of: between the two edits, the new note and the old number.
    let then = app
        .get(&format!(
            "{uri}?{}",
            crate::helpers::query(&[("as_of", &between)])
        ))
        .await;
    assert_eq!(then.status, StatusCode::OK, "{}", then.body);
    assert_eq!(then.body["note"], "Ny anteckning");
    assert_eq!(then.body["contact_points"], v1["contact_points"]);
    assert!(then.etag.is_none());
    let res = app.get(&format!("{uri}?as_of=2020-01-01T00:00:00Z")).await;
    assert_problem(&res, StatusCode::NOT_FOUND);
    let res = app.get(&format!("{uri}?as_of=ig%C3%A5r")).await;
    assert_problem(&res, StatusCode::BAD_REQUEST);

    // Revert to version 1: a new version 4 equal to version 1.
    let res = app
        .send(
            Method::POST,
            &format!("{uri}/revert"),
            Some(&editor),
            Some("\"3\""),
            Some(json!({"version": 1, "reason": "fel ändring"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.etag.as_deref(), Some("\"4\""));
    assert_eq!(res.body["note"], old_note);
    assert_eq!(res.body["contact_points"], v1["contact_points"]);
    let versions = app.get(&format!("{uri}/history")).await.body["versions"].clone();
    assert_eq!(versions[0]["version"], 4);
    assert_eq!(versions[0]["action"], "unit.revert");

    // A removed number comes back, with its id, when the version that had it is restored.
    let res = app
        .send(
            Method::DELETE,
            &format!("{uri}/contact-points/{sms}"),
            Some(&editor),
            Some("\"4\""),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["contact_points"].as_array().expect("points").len(), 1);
    let res = app
        .send(
            Method::POST,
            &format!("{uri}/revert"),
            Some(&editor),
            Some("\"5\""),
            Some(json!({"version": 4})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["contact_points"], v1["contact_points"]);
    // No such version.
    let res = app
        .send(
            Method::POST,
            &format!("{uri}/revert"),
            Some(&editor),
            Some("\"6\""),
            Some(json!({"version": 99})),
        )
        .await;
    assert_problem(&res, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn audit_events_equal_accepted_writes_after_a_mixed_run() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let editor = app.token(Role::Editor, &["boras-stad-vaf"]);
    let stranger = app.token(Role::Editor, &["narhalsan"]);
    let start = app.audit_count();
    let mut accepted = 0;
    let mut versions: std::collections::HashMap<Uuid, i64> = std::collections::HashMap::new();
    let names = [NORR, "Hemtjänst Öster (exempel)", "Hemtjänst Söder (exempel)"];
    for round in 0..6 {
        for (n, name) in names.iter().enumerate() {
            let id = app.unit_id(name);
            let version = *versions.entry(id).or_insert(1);
            let token = match (round + n) % 3 {
                0 => &admin,
                1 => &editor,
                _ => &stranger,
            };
            // Every third write is stale on purpose.
            let tag = if (round * 3 + n) % 4 == 3 {
                version - 1
            } else {
                version
            };
            let res = app
                .send(
                    Method::PATCH,
                    &format!("/v1/units/{id}"),
                    Some(token),
                    Some(&format!("\"{tag}\"")),
                    Some(json!({"note": format!("runda {round}")})),
                )
                .await;
            if res.status == StatusCode::OK {
                accepted += 1;
                versions.insert(id, version + 1);
            } else {
                assert!(
                    [StatusCode::FORBIDDEN, StatusCode::PRECONDITION_FAILED].contains(&res.status),
                    "{}",
                    res.body
                );
            }
        }
    }
    assert!(accepted >= 6, "{accepted}");
    assert_eq!(app.audit_count() - start, accepted);
    // The audit log, filtered to Borås Stad (with VÄF under it), pages through them all.
    let mut seen = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut uri = "/v1/audit?organisation=boras-stad&entity_type=unit&limit=4".to_owned();
        if let Some(c) = &cursor {
            uri.push_str(&format!("&cursor={c}"));
        }
        let res = app.get_as(&uri, Some(&admin)).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        for event in res.body["items"].as_array().expect("items") {
            if event["action"] == "unit.update" {
                seen += 1;
                assert_eq!(event["organisation_id"], "boras-stad-vaf");
                assert_eq!(event["changes"][0]["field"], "note");
            }
        }
        match res.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, accepted);
    // By actor, and by time: nothing before the run's start, everything of it after.
    let by_editor = app
        .get_as(
            "/v1/audit?actor=test-editor-boras-stad-vaf&limit=200",
            Some(&admin),
        )
        .await;
    let items = by_editor.body["items"].as_array().expect("items");
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|e| e["actor"]["sub"] == "test-editor-boras-stad-vaf")
    );
    let newest = items[0]["occurred_at"].as_str().expect("time").to_owned();
    let later = app
        .get_as(
            &format!("/v1/audit?{}", crate::helpers::query(&[("from", &newest)])),
            Some(&admin),
        )
        .await;
    assert!(
        later.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|e| e["occurred_at"].as_str() >= Some(newest.as_str()))
    );
    let before_run = app
        .get_as("/v1/audit?to=2020-01-01T00:00:00Z", Some(&admin))
        .await;
    assert_eq!(before_run.body["items"], json!([]));
    assert_problem(
        &app.get_as("/v1/audit?from=igar", Some(&admin)).await,
        StatusCode::BAD_REQUEST,
    );
    assert_problem(
        &app.get_as("/v1/audit?entity_type=person", Some(&admin)).await,
        StatusCode::BAD_REQUEST,
    );
    // Only admins read the audit log.
    assert_problem(
        &app.get_as("/v1/audit", Some(&editor)).await,
        StatusCode::FORBIDDEN,
    );
}

#[actix_web::test]
async fn the_database_refuses_to_change_or_delete_audit_events() {
    use diesel::connection::SimpleConnection;
    let app = TestApp::new();
    let before = app.audit_count();
    for sql in [
        "UPDATE audit_events SET actor_sub = 'someone else'",
        "DELETE FROM audit_events",
    ] {
        let err = app.conn().batch_execute(sql).expect_err(sql).to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(app.audit_count(), before);
    // And the vag_in number cannot be marked removed behind the service's back.
    let id = app.unit_id(NORR);
    let err = app
        .conn()
        .batch_execute(&format!(
            "UPDATE contact_points SET removed_at = '2026-11-23 12:00:00' WHERE unit_id = '{id}' AND purpose = 'vag_in'"
        ))
        .expect_err("vag_in removal")
        .to_string();
    assert!(err.contains("cannot be removed"), "{err}");
}

#[actix_web::test]
async fn a_new_unit_is_created_served_and_found() {
    let app = TestApp::new();
    let editor = app.token(Role::Editor, &["boras-stad-vaf"]);
    let res = app
        .send(
            Method::POST,
            "/v1/units",
            Some(&editor),
            None,
            Some(json!({
                "name": "Hemtjänst Hulta (exempel)", "kind": "hemtjanst", "organisation_id": "boras-stad-vaf",
                "area_ids": ["mote-2", "mote-2"], "hsa_id": "se2321000131-e000000000099",
                "address": {"street": "Hultagatan 1", "city": "Borås"},
                "contact_points": [
                    {"purpose": "sms", "label": "Sms", "number": "070-174 06 70"},
                    {"purpose": "vag_in", "label": "En väg in", "number": "031-390 06 70", "visibility": "internal"}
                ],
                "reason": "ny grupp"
            })),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.etag.as_deref(), Some("\"1\""));
    let location = res
        .headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("location")
        .to_owned();
    assert_eq!(res.body["hsa_id"], "SE2321000131-E000000000099");
    assert_eq!(res.body["areas"], json!([{"id": "mote-2", "name": "Möte 2"}]));
    assert_eq!(res.body["contact_points"][0]["purpose"], "vag_in");
    // Served at once, by id and by search.
    assert_eq!(app.get(&location).await.status, StatusCode::OK);
    let res = app.get("/v1/lookup?q=hulta").await;
    assert_eq!(res.body["results"][0]["call"]["national"], "031-390 06 70");
}
