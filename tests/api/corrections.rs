//! Reports of wrong information: anyone signed in reports, the unit's editors decide, the
//! reporter sees the outcome.

use actix_web::http::{Method, StatusCode};
use kontaktnav::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};

const SODRA_TORGET: &str = "Närhälsan Södra Torget vårdcentral";

fn reader_token(app: &TestApp, who: &str) -> String {
    let user = kontaktnav::auth::User::new(who, Some(format!("Personal {who}")), Role::Reader, vec![]);
    app.state
        .auth
        .issue(&user, std::time::Duration::from_secs(600))
        .expect("token")
}

async fn report(app: &TestApp, token: &str, body: Value) -> crate::helpers::Response {
    let unit = app.unit_id(SODRA_TORGET);
    app.send(
        Method::POST,
        &format!("/v1/units/{unit}/corrections"),
        Some(token),
        None,
        Some(body),
    )
    .await
}

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_owned())
        .collect::<Vec<String>>()
}

#[actix_web::test]
async fn a_report_reaches_the_units_editors_who_accept_it_as_an_audited_write() {
    let app = TestApp::new();
    let unit = app.unit_id(SODRA_TORGET);
    let anna = reader_token(&app, "anna");
    let events = app.audit_count();

    // Anyone signed in may report; what they send is checked.
    assert_problem(
        &report(&app, "", json!({"message": "fel"})).await,
        StatusCode::UNAUTHORIZED,
    );
    let empty = report(&app, &anna, json!({"message": "  "})).await;
    assert_problem(&empty, StatusCode::BAD_REQUEST);
    assert_eq!(empty.body["errors"][0]["field"], "message");
    let bad = report(
        &app,
        &anna,
        json!({"message": "fel nummer", "proposed_number": "12345", "contact_point_id": "00000000-0000-4000-8000-000000000000"}),
    )
    .await;
    assert_problem(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = bad.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["contact_point_id", "proposed_number"]);
    assert_eq!(app.audit_count(), events, "refused reports leave nothing");

    let res = report(
        &app,
        &anna,
        json!({"message": "Numret går till en telefonsvarare: avstängt.", "proposed_number": "031-390 06 99"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.etag.as_deref(), Some("\"1\""));
    assert_eq!(res.body["status"], "open");
    assert_eq!(res.body["proposed_number"]["national"], "031-390 06 99");
    assert_eq!(res.body["reporter"]["sub"], "anna");
    assert_eq!(res.body["may_decide"], false);
    assert_eq!(app.audit_count(), events + 1);
    let id = res.body["id"].as_str().expect("id").to_owned();
    let location = res.headers.get("location").and_then(|l| l.to_str().ok());
    assert_eq!(location, Some(format!("/v1/corrections/{id}").as_str()));

    // Who sees it.
    let narhalsan = app.token(Role::Editor, &["narhalsan"]);
    let vaf = app.token(Role::Editor, &["boras-stad-vaf"]);
    let admin = app.token(Role::Admin, &[]);
    let bertil = reader_token(&app, "bertil");
    let open = app.get_as("/v1/corrections?status=open", Some(&narhalsan)).await;
    assert_eq!(ids(&open.body), [id.as_str()]);
    assert_eq!(open.body["items"][0]["may_decide"], true);
    assert_eq!(open.body["items"][0]["unit_name"], SODRA_TORGET);
    assert!(ids(&app.get_as("/v1/corrections?status=open", Some(&vaf)).await.body).is_empty());
    assert!(ids(&app.get_as("/v1/corrections", Some(&bertil)).await.body).is_empty());
    assert_eq!(
        ids(&app.get_as("/v1/corrections", Some(&anna)).await.body),
        [id.as_str()]
    );
    assert_eq!(
        ids(&app.get_as("/v1/corrections", Some(&admin)).await.body),
        [id.as_str()]
    );
    assert_problem(
        &app.get_as(&format!("/v1/corrections/{id}"), Some(&bertil)).await,
        StatusCode::FORBIDDEN,
    );
    assert_problem(
        &app.get_as("/v1/corrections?status=wrong", Some(&admin)).await,
        StatusCode::BAD_REQUEST,
    );

    assert_eq!(
        open_in_review(&app, &narhalsan).await,
        1,
        "the yearly review counts it"
    );

    // Deciding: an editor of the unit, with If-Match.
    let accept = format!("/v1/corrections/{id}/accept");
    assert_problem(
        &app.send(Method::POST, &accept, Some(&narhalsan), None, Some(json!({})))
            .await,
        StatusCode::PRECONDITION_REQUIRED,
    );
    assert_problem(
        &app.send(Method::POST, &accept, Some(&vaf), Some("\"1\""), Some(json!({})))
            .await,
        StatusCode::FORBIDDEN,
    );
    assert_problem(
        &app.send(Method::POST, &accept, Some(&anna), Some("\"1\""), Some(json!({})))
            .await,
        StatusCode::FORBIDDEN,
    );
    assert_eq!(app.audit_count(), events + 1);
    let res = app
        .send(
            Method::POST,
            &accept,
            Some(&narhalsan),
            Some("\"1\""),
            Some(json!({"reason": "kontrollerat med enheten"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["status"], "accepted");
    assert_eq!(res.body["applied_version"], 2);
    assert_eq!(res.etag.as_deref(), Some("\"2\""));
    assert_eq!(
        app.audit_count(),
        events + 3,
        "the unit's change and the decision"
    );
    let shown = app.get(&format!("/v1/units/{unit}")).await;
    assert_eq!(shown.body["contact_points"][0]["national"], "031-390 06 99");
    let history = app.get(&format!("/v1/units/{unit}/history")).await;
    assert_eq!(history.body["versions"][0]["action"], "unit.correction");
    assert_eq!(
        history.body["versions"][0]["reason"],
        format!("kontrollerat med enheten (rättelse {id})")
    );

    // Decided once: a stale tag is 412, the current one 409; nothing changes.
    assert_problem(
        &app.send(Method::POST, &accept, Some(&narhalsan), Some("\"1\""), None)
            .await,
        StatusCode::PRECONDITION_FAILED,
    );
    assert_problem(
        &app.send(Method::POST, &accept, Some(&narhalsan), Some("\"2\""), None)
            .await,
        StatusCode::CONFLICT,
    );
    assert_eq!(app.audit_count(), events + 3);

    // The reporter sees the outcome.
    let mine = app.get_as(&format!("/v1/corrections/{id}"), Some(&anna)).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.body["status"], "accepted");
    assert_eq!(mine.body["decided_by"]["sub"], "test-editor-narhalsan");
    assert!(
        ids(&app
            .get_as("/v1/corrections?status=open", Some(&narhalsan))
            .await
            .body)
        .is_empty()
    );
    assert_eq!(open_in_review(&app, &narhalsan).await, 0);
}

/// Närhälsan's count of open reports in `GET /v1/reviews`.
async fn open_in_review(app: &TestApp, token: &str) -> u64 {
    let res = app
        .get_as("/v1/reviews?organisation=narhalsan", Some(token))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.body["organisations"]
        .as_array()
        .expect("organisations")
        .iter()
        .find(|o| o["organisation"]["id"] == "narhalsan")
        .and_then(|o| o["summary"]["open_corrections"].as_u64())
        .expect("Närhälsan's summary")
}

#[actix_web::test]
async fn a_rejection_needs_a_reason_that_the_reporter_sees() {
    let app = TestApp::new();
    let unit = app.unit_id(SODRA_TORGET);
    let before = app.get(&format!("/v1/units/{unit}")).await;
    let anna = reader_token(&app, "anna");
    let res = report(&app, &anna, json!({"message": "Telefontiden stämmer inte."})).await;
    assert_eq!(res.status, StatusCode::CREATED);
    let id = res.body["id"].as_str().expect("id").to_owned();
    let narhalsan = app.token(Role::Editor, &["narhalsan"]);
    let reject = format!("/v1/corrections/{id}/reject");
    assert_problem(
        &app.send(
            Method::POST,
            &reject,
            Some(&narhalsan),
            Some("\"1\""),
            Some(json!({"reason": " "})),
        )
        .await,
        StatusCode::BAD_REQUEST,
    );
    let res = app
        .send(
            Method::POST,
            &reject,
            Some(&narhalsan),
            Some("\"1\""),
            Some(json!({"reason": "Telefontiden är 08–12 och 13–16.30, som listan säger."})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["status"], "rejected");
    let seen = app.get_as(&format!("/v1/corrections/{id}"), Some(&anna)).await;
    assert_eq!(seen.body["status"], "rejected");
    assert_eq!(
        seen.body["decision_reason"],
        "Telefontiden är 08–12 och 13–16.30, som listan säger."
    );
    let after = app.get(&format!("/v1/units/{unit}")).await;
    assert_eq!(after.etag, before.etag, "a rejection leaves the unit as it was");

    // A report without a number, accepted: only marked so.
    let res = report(&app, &anna, json!({"message": "Adressen saknas."})).await;
    let id = res.body["id"].as_str().expect("id").to_owned();
    let res = app
        .send(
            Method::POST,
            &format!("/v1/corrections/{id}/accept"),
            Some(&narhalsan),
            Some("\"1\""),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body["applied_version"].is_null());
    assert_eq!(app.get(&format!("/v1/units/{unit}")).await.etag, before.etag);

    // The audit log has every report and decision.
    let admin = app.token(Role::Admin, &[]);
    let log = app.get_as("/v1/audit?entity_type=correction", Some(&admin)).await;
    let actions: Vec<&str> = log.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(
        actions,
        [
            "correction.accept",
            "correction.report",
            "correction.reject",
            "correction.report"
        ]
    );
}
