//! A number that looks mistyped ("031-390 06 2": a digit missing) is never saved as another
//! valid-looking number without the person confirming it: every way a typed number gets in
//! asks "Menade du 031-39 00 62?" (422) until the request says it is right, and an import
//! lists it as a warning. The web forms are in `web.rs`.

use std::collections::BTreeSet;

use actix_web::http::{Method, StatusCode};
use actix_web::test::TestRequest;
use kontaktnav::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{Response, TestApp, assert_problem};

const SODRA_TORGET: &str = "ffdabf88-ae49-5eb7-974e-f67910051deb";
const HEIMDAL: &str = "527a387b-99ad-588a-af9a-2f933d6b71ed";
const SLIP: &str = "031-390 06 2";
const MEANT: &str = "031-39 00 62";

/// The $refs a schema reaches, by name.
fn reached(doc: &Value, schema: &Value, seen: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(name) = map.get("$ref").and_then(Value::as_str) {
                let name = name.trim_start_matches("#/components/schemas/").to_owned();
                if seen.insert(name.clone()) {
                    reached(doc, &doc["components"]["schemas"][&name], seen);
                }
            }
            map.values().for_each(|v| reached(doc, v, seen));
        }
        Value::Array(items) => items.iter().for_each(|v| reached(doc, v, seen)),
        _ => {}
    }
}

/// The class, not only the cases below: every request body of the API that takes a number
/// as typed text also takes its confirmation, so no way in can skip the question.
#[actix_web::test]
async fn every_request_body_with_a_typed_number_takes_its_confirmation() {
    let doc: Value = serde_json::from_str(&kontaktnav::openapi::document()).expect("document");
    let mut bodies = BTreeSet::new();
    for item in doc["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("item").values() {
            reached(&doc, &op["requestBody"], &mut bodies);
        }
    }
    let mut typed = Vec::new();
    for name in &bodies {
        let props = &doc["components"]["schemas"][name]["properties"];
        for (field, schema) in props.as_object().into_iter().flatten() {
            let text = schema["type"] == "string"
                || schema["type"]
                    .as_array()
                    .is_some_and(|t| t.contains(&json!("string")));
            if field.ends_with("number") && text {
                let confirm = &props[format!("{field}_confirmed")];
                assert_eq!(
                    confirm["type"], "boolean",
                    "{name}.{field} has no {field}_confirmed"
                );
                typed.push(format!("{name}.{field}"));
            }
        }
    }
    assert_eq!(
        typed,
        [
            "AcceptBody.number",
            "ContactPointChangesBody.number",
            "NewContactInput.number",
            "NewContactPoint.number",
            "NewCorrection.proposed_number",
        ],
        "each is tried below"
    );
}

/// Sends `body` (with `confirm` false, then true): the first is refused with the question and
/// changes nothing, the second goes through.
async fn refused_until_confirmed(
    app: &TestApp,
    token: &str,
    (method, uri, if_match): (Method, &str, Option<&str>),
    body: Value,
    (field, confirm, meant): (&str, &str, &str),
) -> Response {
    let events = app.audit_count();
    let res = app
        .send(method.clone(), uri, Some(token), if_match, Some(body.clone()))
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    let detail = res.body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains(&format!("Menade du {meant}?")), "{uri}: {detail}");
    assert!(detail.contains(&format!("{confirm}: true")), "{uri}: {detail}");
    assert_eq!(res.body["errors"][0]["field"], field, "{uri}");
    assert_eq!(app.audit_count(), events, "{uri}: nothing was written");
    let mut confirmed = body;
    let target = match field.split_once('.') {
        Some(_) => &mut confirmed["contact_points"][0],
        None => &mut confirmed,
    };
    target[confirm.rsplit('.').next().unwrap_or(confirm)] = json!(true);
    let res = app
        .send(method, uri, Some(token), if_match, Some(confirmed))
        .await;
    assert!(res.status.is_success(), "{uri}: {} {}", res.status, res.body);
    res
}

fn point(unit: &Value, purpose: &str) -> Value {
    unit["contact_points"]
        .as_array()
        .expect("points")
        .iter()
        .find(|c| c["purpose"] == purpose)
        .expect("point")
        .clone()
}

#[actix_web::test]
async fn a_number_that_looks_mistyped_is_refused_on_every_way_in_until_confirmed() {
    let app = TestApp::new();
    let editor = app.token(Role::Editor, &["narhalsan", "boras-stad-vaf"]);
    let admin = app.token(Role::Admin, &[]);
    let unit = format!("/v1/units/{SODRA_TORGET}");

    // Changing a number.
    let before = app.get(&unit).await;
    let switchboard = point(&before.body, "switchboard");
    let id = switchboard["contact_point_id"].as_str().expect("id");
    let tag = before.etag.clone().expect("etag");
    let res = refused_until_confirmed(
        &app,
        &editor,
        (Method::PATCH, &format!("{unit}/contact-points/{id}"), Some(&tag)),
        json!({"number": SLIP}),
        ("number", "number_confirmed", MEANT),
    )
    .await;
    assert_eq!(point(&res.body, "switchboard")["national"], MEANT);

    // Adding one.
    let tag = res.etag.clone().expect("etag");
    refused_until_confirmed(
        &app,
        &editor,
        (Method::POST, &format!("{unit}/contact-points"), Some(&tag)),
        json!({"purpose": "fax", "label": "Fax", "number": "031-390 06 1"}),
        ("number", "number_confirmed", "031-39 00 61"),
    )
    .await
    .pipe(|res| assert_eq!(point(&res.body, "fax")["national"], "031-39 00 61"));

    // A new unit's numbers.
    let res = refused_until_confirmed(
        &app,
        &editor,
        (Method::POST, "/v1/units", None),
        json!({"name": "Hemtjänst Prov (exempel)", "kind": "hemtjanst", "organisation_id": "boras-stad-vaf",
               "contact_points": [{"purpose": "vag_in", "label": "En väg in", "number": SLIP}]}),
        (
            "contact_points[0].number",
            "contact_points[0].number_confirmed",
            MEANT,
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED);

    // A report's proposed number, and the number an editor accepts instead.
    let reader = app.token(Role::Reader, &[]);
    let res = refused_until_confirmed(
        &app,
        &reader,
        (Method::POST, &format!("/v1/units/{HEIMDAL}/corrections"), None),
        json!({"message": "Växeln har nytt nummer.", "proposed_number": SLIP}),
        ("proposed_number", "proposed_number_confirmed", MEANT),
    )
    .await;
    assert_eq!(res.body["proposed_number"]["national"], MEANT);
    let report = res.body["id"].as_str().expect("id").to_owned();
    refused_until_confirmed(
        &app,
        &admin,
        (
            Method::POST,
            &format!("/v1/corrections/{report}/accept"),
            Some("\"1\""),
        ),
        json!({"number": SLIP}),
        ("number", "number_confirmed", MEANT),
    )
    .await;
    // The accepted number is the one way in now (the report named no number).
    let heimdal = app.get(&format!("/v1/units/{HEIMDAL}")).await;
    assert_eq!(point(&heimdal.body, "vag_in")["national"], MEANT);
}

trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}
impl<T> Pipe for T {}

/// The case: a one-row file for Heimdal with a digit missing. The dry run names the
/// number as a warning and shows per unit what would change, including the two numbers the
/// file leaves out, which would be removed.
#[actix_web::test]
async fn an_import_preview_shows_each_units_changes_and_warns_of_a_mistyped_number() {
    let app = TestApp::new();
    let export = app
        .request(
            TestRequest::get()
                .uri("/v1/export?format=csv")
                .insert_header(("Authorization", format!("Bearer {}", app.token(Role::Admin, &[])))),
        )
        .await;
    let file = export.body.as_str().expect("csv").to_owned();
    let mut lines = file.lines();
    let header = lines.next().expect("header");
    let vag_in = lines
        .find(|l| l.starts_with(HEIMDAL) && l.contains(",vag_in,"))
        .expect("Heimdal's one way in");
    let stored = app.get(&format!("/v1/units/{HEIMDAL}")).await;
    let (number, others) = {
        let points = stored.body["contact_points"].as_array().expect("points");
        let national = |p: &Value| p["national"].as_str().expect("number").to_owned();
        let vag_in = points.iter().find(|p| p["purpose"] == "vag_in").expect("vag_in");
        let mut others: Vec<String> = points
            .iter()
            .filter(|p| p["purpose"] != "vag_in")
            .map(national)
            .collect();
        others.sort();
        (national(vag_in), others)
    };
    assert!(vag_in.contains(&number));
    let one_row = format!("{header}\n{}\n", vag_in.replace(&number, "031-390 06 5"));
    let res = app
        .request(
            TestRequest::post()
                .uri("/v1/import?dry_run=true")
                .insert_header(("Authorization", format!("Bearer {}", app.token(Role::Admin, &[]))))
                .insert_header(("Content-Type", "text/csv"))
                .set_payload(one_row),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let report = &res.body;
    assert_eq!(report["changed"], 1);
    let warnings = report["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0]["line"], 2);
    assert_eq!(warnings[0]["column"], "number");
    assert!(
        warnings[0]["sv"]
            .as_str()
            .expect("sv")
            .starts_with("Menade du 031-39 00 65?")
    );
    assert_eq!(report["diff_complete"], true);
    let diff = report["diff"].as_array().expect("diff");
    assert_eq!(diff.len(), 1);
    let heimdal = &diff[0];
    assert_eq!(heimdal["unit_id"], HEIMDAL);
    assert_eq!(heimdal["created"], false);
    assert_eq!(heimdal["line"], 2);
    let removed: Vec<&str> = heimdal["removed_numbers"]
        .as_array()
        .expect("removed")
        .iter()
        .map(|n| n["number"].as_str().expect("number"))
        .collect();
    assert_eq!(removed, others);
    assert_eq!(removed.len(), 2);
    assert!(heimdal["added_numbers"].as_array().expect("added").is_empty());
    let changed = heimdal["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["to"] == "031-39 00 65")
        .expect("the one way in's new number");
    assert_eq!(changed["from"], number.as_str());
    // A dry run: nothing changed.
    let stored = app.get(&format!("/v1/units/{HEIMDAL}")).await;
    assert_eq!(stored.body["contact_points"].as_array().expect("points").len(), 3);
}

/// A number kept as it is is not asked about again (the web form sends it with every save),
/// even when it was confirmed as unusual once.
#[actix_web::test]
async fn a_confirmed_number_is_not_asked_about_again() {
    let app = TestApp::new();
    let editor = app.token(Role::Editor, &["narhalsan"]);
    let unit = format!("/v1/units/{SODRA_TORGET}");
    let before = app.get(&unit).await;
    let id = point(&before.body, "switchboard")["contact_point_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let uri = format!("{unit}/contact-points/{id}");
    let tag = before.etag.expect("etag");
    let res = app
        .send(
            Method::PATCH,
            &uri,
            Some(&editor),
            Some(&tag),
            Some(json!({"number": "08465004", "number_confirmed": true})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(point(&res.body, "switchboard")["national"], "08-46 50 04");
    let tag = res.etag.expect("etag");
    let res = app
        .send(
            Method::PATCH,
            &uri,
            Some(&editor),
            Some(&tag),
            Some(json!({"number": "08-46 50 04", "label": "Växel"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "the same number again: {}", res.body);
    // Another unusual one is asked about.
    let tag = res.etag.expect("etag");
    let res = app
        .send(
            Method::PATCH,
            &uri,
            Some(&editor),
            Some(&tag),
            Some(json!({"number": "08465005"})),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
}
