//! The yearly review: status per unit, the filter, confirming, and the list per organisation.

use actix_web::http::{Method, StatusCode};
use kontaktnav::domain::Role;
use serde_json::json;

use crate::helpers::{TestApp, assert_problem};

const NORR: &str = "Hemtjänst Norr (exempel)";

async fn total(app: &TestApp, review: &str) -> u64 {
    let res = app
        .get(&format!("/v1/units?review={review}&organisation=boras-stad-vaf"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.body["total"].as_u64().expect("total")
}

#[actix_web::test]
async fn units_are_reviewed_confirmed_and_listed_per_organisation() {
    let app = TestApp::new();
    let editor = app.token(Role::Editor, &["boras-stad-vaf"]);
    let id = app.unit_id(NORR);
    let uri = format!("/v1/units/{id}");

    // The demo data was last checked in October 2025: a year on, everything is overdue.
    let unit = app.get(&uri).await.body;
    assert_eq!(unit["review"]["status"], "overdue");
    assert_eq!(unit["review"]["due"], "2026-10-15");
    assert_eq!(unit["review"]["interval_months"], 12);
    let overdue = total(&app, "overdue").await;
    assert!(overdue > 0);
    assert_eq!(total(&app, "current").await, 0);
    assert_problem(
        &app.get("/v1/units?review=sometime").await,
        StatusCode::BAD_REQUEST,
    );

    // Confirming needs If-Match and the right to edit, like any write.
    let confirm = format!("{uri}/confirm");
    let res = app
        .send(Method::POST, &confirm, Some(&editor), None, Some(json!({})))
        .await;
    assert_problem(&res, StatusCode::PRECONDITION_REQUIRED);
    let stranger = app.token(Role::Editor, &["narhalsan"]);
    let res = app
        .send(
            Method::POST,
            &confirm,
            Some(&stranger),
            Some("\"1\""),
            Some(json!({})),
        )
        .await;
    assert_problem(&res, StatusCode::FORBIDDEN);
    let before = app.audit_count();
    let res = app
        .send(
            Method::POST,
            &confirm,
            Some(&editor),
            Some("\"1\""),
            Some(json!({"reason": "årlig granskning"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["review"]["status"], "current");
    assert_eq!(app.audit_count(), before + 1);
    let history = app.get(&format!("{uri}/history")).await.body;
    assert_eq!(history["versions"][0]["action"], "unit.confirm");
    assert_eq!(history["versions"][0]["changes"][0]["field"], "reviewed_at");
    assert_eq!(total(&app, "current").await, 1);
    assert_eq!(total(&app, "overdue").await, overdue - 1);

    // The editor's list: VÄF, with the confirmed unit current and the rest to review.
    let res = app.get_as("/v1/reviews", Some(&editor)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let orgs = res.body["organisations"].as_array().expect("organisations");
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0]["organisation"]["id"], "boras-stad-vaf");
    assert_eq!(orgs[0]["summary"]["current"], 1);
    assert_eq!(orgs[0]["summary"]["overdue"], overdue - 1);
    assert_eq!(
        orgs[0]["to_review"].as_array().map(Vec::len),
        Some((overdue - 1) as usize)
    );
    assert!(
        orgs[0]["to_review"]
            .as_array()
            .expect("list")
            .iter()
            .all(|u| u["name"] != NORR)
    );
    assert_eq!(
        orgs[0]["summary"]["oldest"]["review"]["reviewed_at"],
        "2025-10-15"
    );
    // Admins see every organisation; readers have nothing to review; strangers are refused.
    let admin = app.token(Role::Admin, &[]);
    let all = app.get_as("/v1/reviews", Some(&admin)).await;
    assert!(all.body["organisations"].as_array().expect("organisations").len() > 5);
    assert_problem(&app.get("/v1/reviews").await, StatusCode::FORBIDDEN);
    assert_problem(
        &app.get_as("/v1/reviews?organisation=narhalsan", Some(&editor))
            .await,
        StatusCode::FORBIDDEN,
    );
    assert_problem(
        &app.get_as("/v1/reviews?organisation=finns-inte", Some(&admin))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );

    // A longer interval moves the due date.
    let other = format!("/v1/units/{}", app.unit_id("Hemtjänst Öster (exempel)"));
    let res = app
        .send(
            Method::PATCH,
            &other,
            Some(&editor),
            Some("\"1\""),
            Some(json!({"review_interval_months": 0})),
        )
        .await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    let res = app
        .send(
            Method::PATCH,
            &other,
            Some(&editor),
            Some("\"1\""),
            Some(json!({"review_interval_months": 24})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["review"]["due"], "2027-10-15");
    assert_eq!(res.body["review"]["status"], "current");
}
