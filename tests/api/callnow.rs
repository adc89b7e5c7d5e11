//! "Who do I call now?" over HTTP: the calendar, call-now with telephone hours and the on-call
//! fallback on the demo data, and editing hours and fallbacks.

use actix_web::http::{Method, StatusCode};
use kontaktnav::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, query};

const SODRA_TORGET: &str = "Närhälsan Södra Torget vårdcentral";
const ON_CALL: &str = "Läkare i beredskap, närområde Borås";

async fn call_now(app: &TestApp, unit: &str, at: &str, purpose: Option<&str>) -> crate::helpers::Response {
    let id = app.unit_id(unit);
    let mut pairs = vec![("at", at)];
    if let Some(p) = purpose {
        pairs.push(("purpose", p));
    }
    app.get(&format!("/v1/units/{id}/call-now?{}", query(&pairs)))
        .await
}

#[actix_web::test]
async fn the_calendar_lists_a_years_holidays_with_swedish_names() {
    let app = TestApp::new();
    let res = app.get("/v1/calendar/2026").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let days = res.body["holidays"].as_array().expect("holidays");
    assert_eq!(days.len(), 16);
    assert!(days.contains(&json!({"date": "2026-04-03", "name": "Långfredagen", "public_holiday": true})));
    assert!(days.contains(&json!({"date": "2026-06-19", "name": "Midsommarafton", "public_holiday": false})));
    for bad in ["1800", "tjugotjugosju", "2026.5"] {
        assert_problem(
            &app.get(&format!("/v1/calendar/{bad}")).await,
            StatusCode::BAD_REQUEST,
        );
    }
    assert_problem(
        &app.get_as("/v1/calendar/2026", None).await,
        StatusCode::UNAUTHORIZED,
    );
}

#[actix_web::test]
async fn in_telefontid_the_vardcentral_answers_itself() {
    let app = TestApp::new();
    let res = call_now(&app, SODRA_TORGET, "2026-11-24T09:00:00+01:00", None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["open"], true);
    assert_eq!(res.body["unit"]["name"], SODRA_TORGET);
    assert_eq!(res.body["call"]["purpose"], "vag_in");
    assert_eq!(
        res.body["why"],
        "telefontid vardagar 08:00–12:00, vardagar 13:00–16:30"
    );
    assert_eq!(res.body["until"], "2026-11-24T12:00:00+01:00");
    assert_eq!(res.body["at"], "2026-11-24T09:00:00+01:00");
    assert_eq!(res.body["path"].as_array().map(Vec::len), Some(1));
    // The direct number for acute assessments keeps office hours until 17:00.
    let res = call_now(
        &app,
        SODRA_TORGET,
        "2026-11-24T16:45:00+01:00",
        Some("direct_acute"),
    )
    .await;
    assert_eq!(res.body["call"]["purpose"], "direct_acute");
    assert_eq!(res.body["open"], true);
    assert_eq!(res.body["until"], "2026-11-24T17:00:00+01:00");
}

#[actix_web::test]
async fn on_skartorsdag_evening_the_on_call_doctor_answers_until_tuesday() {
    let app = TestApp::new();
    let res = call_now(&app, SODRA_TORGET, "2026-04-02T17:30:00+02:00", None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["open"], true);
    assert_eq!(res.body["unit"]["name"], ON_CALL);
    assert_eq!(res.body["unit"]["kind"], "on_call_doctor");
    let why = res.body["why"].as_str().expect("why");
    assert!(why.starts_with(&format!("{ON_CALL}: dag före helgdag")), "{why}");
    assert_eq!(res.body["until"], "2026-04-07T08:00:00+02:00");
    let path: Vec<(Value, Value)> = res.body["path"]
        .as_array()
        .expect("path")
        .iter()
        .map(|s| (s["unit_name"].clone(), s["open"].clone()))
        .collect();
    assert_eq!(
        path,
        [(json!(SODRA_TORGET), json!(false)), (json!(ON_CALL), json!(true))]
    );
    // Långfredagen at noon, and a Saturday in November after the summer-time switch.
    let res = call_now(&app, SODRA_TORGET, "2026-04-03T12:00:00+02:00", None).await;
    assert!(
        res.body["why"]
            .as_str()
            .expect("why")
            .contains("helgdag: Långfredagen")
    );
    let res = call_now(&app, SODRA_TORGET, "2026-11-28T12:00:00+01:00", None).await;
    assert!(res.body["why"].as_str().expect("why").contains(": helg"));
    assert_eq!(res.body["until"], "2026-11-30T08:00:00+01:00");
    // Bad input.
    let res = call_now(&app, SODRA_TORGET, "i morgon", None).await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    let res = call_now(&app, SODRA_TORGET, "2026-04-02T17:30:00+02:00", Some("telefax")).await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    let res = call_now(&app, SODRA_TORGET, "2026-04-02T17:30:00+02:00", Some("fax")).await;
    assert_problem(&res, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn the_lookup_says_who_answers_right_now() {
    let app = TestApp::new();
    // Now, whatever the clock says: the vårdcentral, the on-call doctor, or (in the lunch hour
    // between the telefontider) nobody, with when it opens. (This assumed someone always
    // answers, and failed when CI ran between 12 and 13.)
    let res = app.get("/v1/lookup?q=sodra%20torget").await;
    let first = &res.body["results"][0];
    assert_eq!(first["call"]["purpose"], "vag_in");
    assert!(first["call"]["hours_text"].as_str().is_some());
    let now = &first["call_now"];
    assert!(now["why"].as_str().is_some_and(|w| !w.is_empty()), "{now}");
    match now["unit"]["name"].as_str() {
        Some(name) => assert!([SODRA_TORGET, ON_CALL].contains(&name), "{now}"),
        None => assert!(now["next_open"].is_string(), "{now}"),
    }
}

#[actix_web::test]
async fn hours_and_fallbacks_are_edited_checked_and_kept_in_the_history() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let herkules = app.unit_id("Herkules vårdcentral");
    let uri = format!("/v1/units/{herkules}");
    let unit = app.get(&uri).await.body;
    let switchboard = unit["contact_points"]
        .as_array()
        .expect("points")
        .iter()
        .find(|p| p["purpose"] == "switchboard")
        .expect("switchboard")["contact_point_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let point = format!("{uri}/contact-points/{switchboard}");
    let send = |method: Method, path: String, tag: &'static str, body: Option<Value>| {
        let admin = admin.clone();
        let app = &app;
        async move { app.send(method, &path, Some(&admin), Some(tag), body).await }
    };

    // Hours that start and end at the same time (a span may pass midnight, 17:00–08:00, but
    // 17:00–17:00 says nothing).
    let res = send(
        Method::PATCH,
        point.clone(),
        "\"1\"",
        Some(json!({"hours": {"weekly": [{"days": ["workdays"], "from": "17:00", "to": "17:00"}]}})),
    )
    .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.body["errors"][0]["field"], "hours.weekly[0]");
    let res = send(
        Method::PATCH,
        point.clone(),
        "\"1\"",
        Some(json!({"hours": {"weekly": [{"days": ["someday"], "from": "08:00", "to": "17:00"}]}})),
    )
    .await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    // Good hours.
    let res = send(Method::PATCH, point.clone(), "\"1\"", Some(json!({"hours": {"weekly": [{"days": ["mon", "wed"], "from": "09:00", "to": "11:00"}]}, "reason": "växeln har kortare tider"}))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let history = app.get(&format!("{uri}/history")).await.body;
    let fields: Vec<&str> = history["versions"][0]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["contact_points[Växel och tidsbokning].hours"]);
    // In words, not JSON.
    assert_eq!(
        history["versions"][0]["changes"][0]["from"],
        "vardagar 08:00–17:00"
    );
    assert_eq!(history["versions"][0]["changes"][0]["to"], "mån, ons 09:00–11:00");

    // A fallback among the unit's own numbers, or an unknown one, is refused.
    let res = send(
        Method::PATCH,
        uri.clone(),
        "\"2\"",
        Some(json!({"fallback_contact_point_id": switchboard})),
    )
    .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    let res = send(
        Method::PATCH,
        uri.clone(),
        "\"2\"",
        Some(json!({"fallback_contact_point_id": "00000000-0000-0000-0000-000000000001"})),
    )
    .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.body["errors"][0]["field"], "fallback_contact_point_id");

    // Södra Torget's calls go to the on-call doctor; the on-call doctor's going back to Södra
    // Torget would be a circle.
    let on_call = app.unit_id(ON_CALL);
    let sodra = app
        .get(&format!("/v1/units/{}", app.unit_id(SODRA_TORGET)))
        .await
        .body;
    let sodra_vag_in = sodra["vag_in"]["contact_point_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let res = send(
        Method::PATCH,
        format!("/v1/units/{on_call}"),
        "\"1\"",
        Some(json!({"fallback_contact_point_id": sodra_vag_in})),
    )
    .await;
    assert_problem(&res, StatusCode::CONFLICT);
    assert!(res.body["detail"].as_str().expect("detail").contains("circle"));

    // Herkules' calls go to Södra Torget's switchboard; then that number cannot be removed.
    let sodra_switchboard = sodra["contact_points"]
        .as_array()
        .expect("points")
        .iter()
        .find(|p| p["purpose"] == "switchboard")
        .expect("switchboard")["contact_point_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let res = send(
        Method::PATCH,
        uri.clone(),
        "\"2\"",
        Some(json!({"fallback_contact_point_id": sodra_switchboard})),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let sodra_id = app.unit_id(SODRA_TORGET);
    let res = send(
        Method::DELETE,
        format!("/v1/units/{sodra_id}/contact-points/{sodra_switchboard}"),
        "\"1\"",
        None,
    )
    .await;
    assert_problem(&res, StatusCode::CONFLICT);
    assert!(res.body["detail"].as_str().expect("detail").contains("Herkules"));
}

const EXEMPELGARDEN: &str = "Särskilt boende Exempelgården (exempel)";

#[actix_web::test]
async fn a_boende_answers_with_its_responsible_vardcentral_and_who_to_call_now() {
    let app = TestApp::new();
    let id = app.unit_id(EXEMPELGARDEN);
    let uri = |at: &str| format!("/v1/units/{id}/responsible?{}", query(&[("at", at)]));
    // A Tuesday morning: the vårdcentral's direct number answers; the doctor comes at 13:00.
    let res = app.get(&uri("2026-11-24T10:00:00+01:00")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["boende"]["name"], EXEMPELGARDEN);
    assert_eq!(res.body["vardcentral"]["name"], SODRA_TORGET);
    assert_eq!(res.body["doctor_time"]["text"], "tisdagar 13:00, varje vecka");
    assert_eq!(res.body["doctor_time"]["next"], "2026-11-24T13:00:00+01:00");
    assert_eq!(res.body["meeting_form"], "on_site");
    assert_eq!(res.body["meeting_form_label"], "På plats");
    assert_eq!(res.body["direct_acute"]["purpose"], "direct_acute");
    assert_eq!(res.body["call_now"]["unit"]["name"], SODRA_TORGET);
    assert_eq!(res.body["call_now"]["why"], "telefontid vardagar 08:00–17:00");
    // Julafton: the on-call doctor.
    let res = app.get(&uri("2026-12-24T10:00:00+01:00")).await;
    assert_eq!(res.body["call_now"]["unit"]["name"], ON_CALL);
    assert!(
        res.body["call_now"]["why"]
            .as_str()
            .expect("why")
            .contains("helgdag: Julafton")
    );
    // An ordinary week: the next time is on a working day.
    let res = app.get(&uri("2026-11-24T10:00:00+01:00")).await;
    assert_eq!(
        res.body["doctor_time"]["next_is_holiday"],
        serde_json::Value::Null
    );
    assert_eq!(
        res.body["doctor_time"]["next_on_a_workday"],
        "2026-11-24T13:00:00+01:00"
    );
    // Tuesday 6 June 2028 is Sveriges nationaldag: said, and the Tuesday after given.
    let res = app.get(&uri("2028-06-05T09:00:00+02:00")).await;
    assert_eq!(res.body["doctor_time"]["next"], "2028-06-06T13:00:00+02:00");
    assert_eq!(res.body["doctor_time"]["next_is_holiday"], "Sveriges nationaldag");
    assert_eq!(
        res.body["doctor_time"]["next_on_a_workday"],
        "2028-06-13T13:00:00+02:00"
    );
    // A unit without a responsible vårdcentral.
    let herkules = app.unit_id("Herkules vårdcentral");
    assert_problem(
        &app.get(&format!("/v1/units/{herkules}/responsible")).await,
        StatusCode::NOT_FOUND,
    );
}

#[actix_web::test]
async fn a_preschool_answers_with_its_bvc() {
    let app = TestApp::new();
    let res = app
        .get("/v1/lookup/preschool?name=solros&at=2026-11-24T10:00:00%2B01:00")
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let hit = &res.body["results"][0];
    assert_eq!(hit["preschool"], "Förskolan Solrosen (exempel)");
    assert_eq!(hit["bvc"]["kind"], "bvc");
    assert_eq!(hit["call"]["purpose"], "vag_in");
    assert_eq!(hit["call_now"]["open"], true);
    assert_problem(
        &app.get("/v1/lookup/preschool?name=finns%20inte").await,
        StatusCode::NOT_FOUND,
    );
    assert_problem(&app.get("/v1/lookup/preschool").await, StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn responsibilities_and_preschools_are_edited_checked_and_audited() {
    let app = TestApp::new();
    let editor = app.token(Role::Editor, &["boras-stad-vaf"]);
    let boende = format!("/v1/units/{}", app.unit_id(EXEMPELGARDEN));
    let hemtjanst = format!("/v1/units/{}", app.unit_id("Hemtjänst Norr (exempel)"));
    let herkules = app.unit_id("Herkules vårdcentral").to_string();
    let norr = app.unit_id("Hemtjänst Norr (exempel)").to_string();
    let patch = |uri: String, tag: &'static str, body: Value| {
        let editor = editor.clone();
        let app = &app;
        async move {
            app.send(Method::PATCH, &uri, Some(&editor), Some(tag), Some(body))
                .await
        }
    };
    // Only a boende has a responsible vårdcentral, and it must be a vårdcentral.
    let res = patch(
        hemtjanst.clone(),
        "\"1\"",
        json!({"responsibility": {"vardcentral_id": herkules}}),
    )
    .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.body["errors"][0]["field"], "responsibility");
    let res = patch(
        boende.clone(),
        "\"1\"",
        json!({"responsibility": {"vardcentral_id": norr}}),
    )
    .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.body["errors"][0]["field"], "responsibility.vardcentral_id");
    let res = patch(boende.clone(), "\"1\"", json!({"responsibility": {"vardcentral_id": herkules, "doctor_time": {"weekday": "sun", "time": "13:00"}}})).await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    // A new responsible vårdcentral, every other week.
    let res = patch(
        boende.clone(),
        "\"1\"",
        json!({"responsibility": {"vardcentral_id": herkules, "doctor_time": {"weekday": "wed", "time": "09:30", "interval": "odd_weeks"}, "meeting_form": "video"},
               "reason": "nytt avtal från 1 januari"}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let responsible = app
        .get(&format!("{boende}/responsible?at=2026-11-23T10:00:00%2B01:00"))
        .await;
    assert_eq!(responsible.body["vardcentral"]["name"], "Herkules vårdcentral");
    assert_eq!(
        responsible.body["doctor_time"]["text"],
        "onsdagar 09:30, udda veckor"
    );
    assert_eq!(
        responsible.body["doctor_time"]["next"],
        "2026-12-02T09:30:00+01:00"
    );
    let history = app.get(&format!("{boende}/history")).await.body;
    assert_eq!(history["versions"][0]["reason"], "nytt avtal från 1 januari");
    let fields: Vec<&str> = history["versions"][0]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["field"].as_str().expect("field"))
        .collect();
    assert!(fields.contains(&"responsibility.vardcentral_id"), "{fields:?}");

    // Preschools belong to a BVC, each once.
    let admin = app.token(Role::Admin, &[]);
    let bvc = format!(
        "/v1/units/{}",
        app.unit_id("Närhälsan barnavårdscentral Centrum (exempel)")
    );
    let res = app
        .send(
            Method::PATCH,
            &bvc,
            Some(&admin),
            Some("\"1\""),
            Some(json!({"preschools": ["Förskolan Ekorren", "förskolan ekorren"]})),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.body["errors"][0]["field"], "preschools[1]");
    let res = app
        .send(
            Method::PATCH,
            &hemtjanst,
            Some(&admin),
            Some("\"1\""),
            Some(json!({"preschools": ["Förskolan Ekorren"]})),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .send(
            Method::PATCH,
            &bvc,
            Some(&admin),
            Some("\"1\""),
            Some(json!({"preschools": ["Förskolan Ekorren (exempel)"]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app.get("/v1/lookup/preschool?name=ekorr").await;
    assert_eq!(res.body["results"][0]["preschool"], "Förskolan Ekorren (exempel)");
    assert_problem(
        &app.get("/v1/lookup/preschool?name=solrosen").await,
        StatusCode::NOT_FOUND,
    );
}

#[actix_web::test]
async fn a_street_answers_with_its_districts_home_care_group() {
    let app = TestApp::new();
    let res = app
        .get("/v1/lookup/address?street=Sandwalls%20plats%203&at=2026-11-24T10:00:00%2B01:00")
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["street"], "Sandwalls plats");
    assert_eq!(res.body["district"]["id"], "distrikt-norr");
    assert_eq!(res.body["units"][0]["name"], "Hemtjänst Norr (exempel)");
    assert_eq!(res.body["units"][0]["kind"], "hemtjanst");
    assert_eq!(res.body["units"][0]["call_now"]["call"]["purpose"], "vag_in");
    // Case and accents do not matter; a typo gets a suggestion.
    let res = app.get("/v1/lookup/address?street=SODRA%20TORGET").await;
    assert_eq!(res.body["district"]["id"], "distrikt-soder");
    let res = app.get("/v1/lookup/address?street=Sandwals%20plats").await;
    assert_problem(&res, StatusCode::NOT_FOUND);
    assert!(
        res.body["detail"]
            .as_str()
            .expect("detail")
            .contains("did you mean Sandwalls plats")
    );
    assert_problem(&app.get("/v1/lookup/address").await, StatusCode::BAD_REQUEST);
}

async fn import(app: &TestApp, token: &str, csv: &str, dry_run: bool) -> crate::helpers::Response {
    app.request(
        actix_web::test::TestRequest::post()
            .uri(&format!("/v1/streets?dry_run={dry_run}&reason=ny%20gatutabell"))
            .insert_header(("authorization", format!("Bearer {token}")))
            .insert_header(("content-type", "text/csv; charset=utf-8"))
            .set_payload(csv.to_owned()),
    )
    .await
}

#[actix_web::test]
async fn the_street_table_is_imported_as_csv_with_every_problem_reported_by_line() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let before = app.audit_count();
    let bad = "street,district\nSandwalls plats,distrikt-norr\nAllégatan 12,distrikt-norr\nLilla gatan,distrikt-mitt\n,distrikt-oster\nsandwalls plats,distrikt-soder\n";
    let res = import(&app, &admin, bad, true).await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = res.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(
        fields,
        [
            "line 3: street",
            "line 4: district",
            "line 5: street",
            "line 6: street"
        ],
        "{}",
        res.body
    );
    // The real import refuses the same file whole.
    assert_problem(
        &import(&app, &admin, bad, false).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_eq!(app.audit_count(), before);

    let good = "gata,distrikt\nSandwalls plats,distrikt-oster\nNygatan,distrikt-norr\n";
    let res = import(&app, &admin, good, true).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["streets"], 2);
    assert_eq!(app.audit_count(), before);
    let res = import(&app, &admin, good, false).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let changed = res.body["changed_districts"].as_array().expect("changed").len();
    assert_eq!(changed, 5, "{}", res.body);
    assert_eq!(app.audit_count(), before + 5);
    let res = app.get("/v1/lookup/address?street=Sandwalls%20plats").await;
    assert_eq!(res.body["district"]["id"], "distrikt-oster");
    assert_problem(
        &app.get(
            "/v1/lookup/address?street=Allégatan"
                .replace('é', "%C3%A9")
                .as_str(),
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    // The same file again changes nothing.
    let res = import(&app, &admin, good, false).await;
    assert_eq!(res.body["changed_districts"], json!([]));
    assert_eq!(app.audit_count(), before + 5);
    // Audited per district, with before and after.
    let events = app
        .get_as("/v1/audit?entity_type=area&entity_id=distrikt-norr", Some(&admin))
        .await;
    assert_eq!(events.body["items"][0]["action"], "area.streets");
    assert_eq!(events.body["items"][0]["reason"], "ny gatutabell");
    // Only admins; only CSV.
    let editor = app.token(Role::Editor, &["boras-stad"]);
    assert_problem(&import(&app, &editor, good, false).await, StatusCode::FORBIDDEN);
    let res = app
        .send(
            Method::POST,
            "/v1/streets",
            Some(&admin),
            None,
            Some(json!({"street": "x"})),
        )
        .await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    // One district's streets, edited with its ETag: a street of another district is refused.
    let tag = app.get("/v1/areas/distrikt-norr").await.etag.expect("etag");
    let res = app
        .send(
            Method::PATCH,
            "/v1/areas/distrikt-norr",
            Some(&admin),
            Some(&tag),
            Some(json!({"streets": ["Nygatan", "Sandwalls plats"]})),
        )
        .await;
    assert_problem(&res, StatusCode::CONFLICT);
    let res = app
        .send(
            Method::PATCH,
            "/v1/areas/distrikt-norr",
            Some(&admin),
            Some(&tag),
            Some(json!({"streets": ["Nygatan", "Vevgatan"]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        app.get("/v1/lookup/address?street=vevgatan").await.body["district"]["id"],
        "distrikt-norr"
    );
}
