//! "Who answers now?" right every minute of the year: the lunch gap and the half hour before
//! the on-call doctor, dated closures with a redirect, numbers without hours, spans past
//! midnight, notices, and what the writes of them check. Over HTTP, on both databases.

use std::collections::HashMap;

use actix_web::http::{Method, StatusCode};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone};
use chrono_tz::Europe::Stockholm;
use kontaktnav::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, names, query};

const SJOBO: &str = "Närhälsan Sjöbo vårdcentral";
const BODA: &str = "Närhälsan Boda vårdcentral";
const ON_CALL: &str = "Läkare i beredskap, närområde Borås";

/// Borås wall-clock time as RFC 3339.
fn local(day: NaiveDate, minute: u32) -> String {
    let naive = day.and_hms_opt(minute / 60, minute % 60, 0).expect("time");
    Stockholm
        .from_local_datetime(&naive)
        .earliest()
        .expect("a local time")
        .to_rfc3339()
}

fn moment(raw: &Value) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(raw.as_str().expect("a moment")).expect("RFC 3339")
}

async fn call_now(app: &TestApp, unit: uuid::Uuid, at: &str, purpose: &str) -> Value {
    let res = app
        .get(&format!(
            "/v1/units/{unit}/call-now?{}",
            query(&[("at", at), ("purpose", purpose)])
        ))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.body
}

/// A web page, signed in with `token` as the session cookie.
async fn page_as(app: &TestApp, uri: &str, token: &str) -> crate::helpers::Response {
    app.request(actix_web::test::TestRequest::get().uri(uri).insert_header((
        actix_web::http::header::COOKIE,
        format!("{}={token}", kontaktnav::auth::SESSION_COOKIE),
    )))
    .await
}

fn point_of(unit: &Value, purpose: &str) -> String {
    unit["contact_points"]
        .as_array()
        .expect("points")
        .iter()
        .find(|p| p["purpose"] == purpose)
        .unwrap_or_else(|| panic!("a {purpose} number"))["contact_point_id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// The promise, checked on one answer: a number to call answers now (its step in the path
/// says so), or has no recorded hours and says that; when nobody answers there is no number
/// to call, and either something is open now or the asked number's own next opening is given.
fn check_honest(answer: &Value, context: &str) {
    let path = answer["path"].as_array().expect("path");
    match answer["answers"].as_str() {
        Some("open") => {
            let id = &answer["call"]["contact_point_id"];
            let step = path
                .iter()
                .find(|s| s["contact_point_id"] == *id)
                .unwrap_or_else(|| panic!("{context}: the number to call is in the path"));
            assert_eq!(step["answers"], "open", "{context}: {answer}");
            assert_eq!(answer["open"], true, "{context}");
        }
        Some("unknown") => {
            assert_eq!(answer["call"]["hours_recorded"], false, "{context}: {answer}");
            assert_eq!(answer["open"], false, "{context}");
        }
        Some("closed") => {
            assert!(
                answer.get("call").is_none_or(Value::is_null),
                "{context}: {answer}"
            );
            assert!(answer.get("unit").is_none_or(Value::is_null), "{context}");
            assert!(
                path.iter().all(|s| s["answers"] == "closed"),
                "{context}: {answer}"
            );
            let open_now = answer["alternatives"]
                .as_array()
                .expect("alternatives")
                .iter()
                .any(|a| a["open"] == true);
            assert!(
                open_now || answer["next_open"].is_string(),
                "{context}: neither an open alternative nor the next opening: {answer}"
            );
            assert!(
                answer["why"]
                    .as_str()
                    .expect("why")
                    .starts_with("ingen svarar just nu"),
                "{context}"
            );
        }
        other => panic!("{context}: answers is {other:?}"),
    }
}

#[actix_web::test]
async fn every_vardcentral_at_every_quarter_hour_of_four_kinds_of_day_answers_honestly() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    // A summer closure of Sjöbo, its calls to Boda.
    let sjobo = app.unit_id(SJOBO);
    let boda = app.get(&format!("/v1/units/{}", app.unit_id(BODA))).await.body;
    let res = app
        .send(
            Method::PATCH,
            &format!("/v1/units/{sjobo}"),
            Some(&admin),
            Some("\"1\""),
            Some(json!({"periods": [{"from": "2027-07-12", "to": "2027-08-08",
                "redirect_to": boda["vag_in"]["contact_point_id"], "note": "Sommarstängt v. 28–31. Ring Närhälsan Boda."}]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let list = app.get("/v1/units?kind=vardcentral&limit=100").await.body;
    let vardcentraler: Vec<(uuid::Uuid, String)> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|u| {
            (
                u["id"].as_str().expect("id").parse().expect("uuid"),
                u["name"].as_str().expect("name").to_owned(),
            )
        })
        .collect();
    assert_eq!(vardcentraler.len(), 16, "{:?}", names(&list));
    let days = [
        NaiveDate::from_ymd_opt(2026, 11, 25).expect("a Wednesday"),
        NaiveDate::from_ymd_opt(2027, 5, 5).expect("the day before Kristi himmelsfärd"),
        NaiveDate::from_ymd_opt(2027, 6, 25).expect("midsommarafton"),
        NaiveDate::from_ymd_opt(2027, 7, 20).expect("inside Sjöbo's summer closure"),
    ];
    // One service for the sweep (building the app per request would dominate).
    let service = actix_web::test::init_service(kontaktnav::startup::app(app.state.clone())).await;
    let reader = app.token(Role::Reader, &[]);
    let ask = |id: uuid::Uuid, at: String| {
        let request = actix_web::test::TestRequest::get()
            .uri(&format!(
                "/v1/units/{id}/call-now?{}",
                query(&[("at", &at), ("purpose", "vag_in")])
            ))
            .insert_header((actix_web::http::header::AUTHORIZATION, format!("Bearer {reader}")))
            .to_request();
        let service = &service;
        async move {
            let body: Value = actix_web::test::call_and_read_body_json(service, request).await;
            body
        }
    };
    // The asked number's own next opening, checked once per (unit, moment): it answers then,
    // and did not a minute before.
    let mut openings: HashMap<(uuid::Uuid, String), ()> = HashMap::new();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for day in days {
        for (id, name) in &vardcentraler {
            for quarter in 0..96 {
                let at = local(day, quarter * 15);
                let answer = ask(*id, at.clone()).await;
                let context = format!("{name} {at}");
                check_honest(&answer, &context);
                *counts
                    .entry(if answer["answers"] == "open" {
                        "open"
                    } else {
                        "closed"
                    })
                    .or_default() += 1;
                if answer["answers"] == "closed"
                    && let Some(next) = answer["next_open"].as_str()
                    && openings.insert((*id, next.to_owned()), ()).is_none()
                {
                    let then = ask(*id, next.to_owned()).await;
                    assert_eq!(then["answers"], "open", "{context}: at next_open {next}: {then}");
                    assert_eq!(
                        then["call"]["contact_point_id"], answer["asked"]["contact_point_id"],
                        "{context}: its own number opens at {next}"
                    );
                    let before = (moment(&Value::from(next)) - Duration::minutes(1)).to_rfc3339();
                    let earlier = ask(*id, before).await;
                    assert_eq!(
                        earlier["path"][0]["answers"], "closed",
                        "{context}: not open before {next}"
                    );
                }
            }
        }
    }
    // Both happen on such days; nobody is left with a closed number.
    assert!(counts["open"] > 0 && counts["closed"] > 0, "{counts:?}");
}

#[actix_web::test]
async fn the_lunch_gap_and_the_half_hour_before_the_on_call_doctor_offer_what_is_open() {
    let app = TestApp::new();
    let sjobo = app.unit_id(SJOBO);
    let unit = app.get(&format!("/v1/units/{sjobo}")).await.body;
    let acute = point_of(&unit, "direct_acute");
    // 12:30 on a Wednesday: the one way in is at lunch until 13:00, its own opening.
    let lunch = call_now(&app, sjobo, "2026-11-25T12:30:00+01:00", "vag_in").await;
    check_honest(&lunch, "lunch");
    assert_eq!(lunch["answers"], "closed");
    assert_eq!(lunch["next_open"], "2026-11-25T13:00:00+01:00");
    assert!(
        lunch["why"].as_str().expect("why").contains("öppnar 13:00"),
        "{lunch}"
    );
    let alternatives = lunch["alternatives"].as_array().expect("alternatives");
    // The direct number first (by purpose), then the switchboard; the on-call doctor does
    // not start before 13:00, so it is not offered.
    let purposes: Vec<&Value> = alternatives.iter().map(|a| &a["call"]["purpose"]).collect();
    assert_eq!(
        purposes,
        [&json!("direct_acute"), &json!("switchboard")],
        "{lunch}"
    );
    assert!(
        alternatives
            .iter()
            .all(|a| a["unit_name"] == SJOBO && a["open"] == true)
    );
    assert_eq!(alternatives[0]["call"]["contact_point_id"], acute.as_str());
    assert_eq!(alternatives[0]["open"], true);
    assert_eq!(alternatives[0]["until"], "2026-11-25T17:00:00+01:00");
    assert!(
        alternatives[0]["text"]
            .as_str()
            .expect("text")
            .ends_with("svarar till 17:00"),
        "{lunch}"
    );
    // 16:45: the one way in has closed for the day; the direct number is open until 17:00,
    // when the on-call doctor takes over. "Until 17:00" is not when Sjöbo opens.
    let late = call_now(&app, sjobo, "2026-11-25T16:45:00+01:00", "vag_in").await;
    check_honest(&late, "16:45");
    assert_eq!(late["next_open"], "2026-11-26T08:00:00+01:00");
    assert!(
        late["why"]
            .as_str()
            .expect("why")
            .contains("öppnar tor 26/11 08:00"),
        "{late}"
    );
    let alternatives = late["alternatives"].as_array().expect("alternatives");
    assert_eq!(alternatives.len(), 3, "{late}");
    assert_eq!(alternatives[0]["call"]["contact_point_id"], acute.as_str());
    assert_eq!(alternatives[2]["unit_name"], ON_CALL);
    assert_eq!(alternatives[2]["open"], false);
    assert_eq!(alternatives[2]["from"], "2026-11-25T17:00:00+01:00");
    assert!(
        alternatives[2]["text"]
            .as_str()
            .expect("text")
            .ends_with("från 17:00"),
        "{late}"
    );
    // The unit page at 12:30 (as a datetime-local field sends it): the closed state, the
    // next opening and what is open; no "Ring nu".
    let admin = app.token(Role::Admin, &[]);
    let page = page_as(&app, &format!("/enhet/{sjobo}?vid=2026-11-25T12%3A30"), &admin).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body.as_str().expect("html");
    assert!(html.contains("Ingen svarar då"), "{html}");
    assert!(
        !html.contains("Ring nu:") && !html.contains("Svarar då:"),
        "{html}"
    );
    assert!(html.contains("Öppnar 13:00."), "{html}");
    assert!(
        html.contains("Öppet: ") && html.contains("svarar till 17:00"),
        "{html}"
    );
    // 17:00: the on-call doctor answers.
    let evening = call_now(&app, sjobo, "2026-11-25T17:00:00+01:00", "vag_in").await;
    assert_eq!(evening["answers"], "open");
    assert_eq!(evening["unit"]["name"], ON_CALL);
}

#[actix_web::test]
async fn a_summer_closure_redirects_to_another_vardcentral_with_its_note_and_ends_on_its_day() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let sjobo = app.unit_id(SJOBO);
    let boda = app.get(&format!("/v1/units/{}", app.unit_id(BODA))).await.body;
    let boda_vag_in = boda["vag_in"]["contact_point_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let uri = format!("/v1/units/{sjobo}");
    let closure = json!({"from": "2027-07-12", "to": "2027-08-08", "redirect_to": boda_vag_in,
        "note": "Sommarstängt v. 28–31. Ring Närhälsan Boda."});
    let patch = |tag: &'static str, body: Value| {
        let (app, admin, uri) = (&app, admin.clone(), uri.clone());
        async move {
            app.send(Method::PATCH, &uri, Some(&admin), Some(tag), Some(body))
                .await
        }
    };
    // Refused: dates backwards, two that overlap, a redirect that names nothing, one to the
    // unit's own number; nothing is written.
    let events = app.audit_count();
    let res = patch(
        "\"1\"",
        json!({"periods": [{"from": "2027-08-08", "to": "2027-07-12"}]}),
    )
    .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.body["errors"][0]["field"], "periods[0].to");
    let res = patch(
        "\"1\"",
        json!({"periods": [closure, {"from": "2027-08-01", "to": "2027-08-20"}]}),
    )
    .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.body["errors"][0]["field"], "periods[0]");
    let res = patch(
        "\"1\"",
        json!({"periods": [{"from": "2027-07-12", "redirect_to": "00000000-0000-0000-0000-000000000001"}]}),
    )
    .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.body["errors"][0]["field"], "periods[0].redirect_to");
    let own = app.get(&uri).await.body["vag_in"]["contact_point_id"].clone();
    let res = patch(
        "\"1\"",
        json!({"periods": [{"from": "2027-07-12", "redirect_to": own}]}),
    )
    .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.audit_count(), events);

    let res = patch("\"1\"", json!({"periods": [closure], "reason": "sommar 2027"})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        res.body["periods"][0]["text"],
        "Sommarstängt v. 28–31. Ring Närhälsan Boda. (2027-07-12–2027-08-08): stängt"
    );
    // Inside the closure: Boda's number, and the note.
    let answer = call_now(&app, sjobo, "2027-07-20T10:00:00+02:00", "vag_in").await;
    check_honest(&answer, "2027-07-20 10:00");
    assert_eq!(answer["answers"], "open");
    assert_eq!(answer["unit"]["name"], BODA);
    assert_eq!(answer["call"]["contact_point_id"], boda_vag_in.as_str());
    assert_eq!(answer["path"][1]["via"], "redirect");
    assert_eq!(
        answer["period"]["note"],
        "Sommarstängt v. 28–31. Ring Närhälsan Boda."
    );
    assert_eq!(answer["notes"][0], "Sommarstängt v. 28–31. Ring Närhälsan Boda.");
    let why = answer["why"].as_str().expect("why");
    assert!(
        why.contains("samtalen går till Närhälsan Boda vårdcentral") && why.contains("Sommarstängt v. 28–31"),
        "{why}"
    );
    // At night inside the closure Boda is closed too: the on-call doctor (Boda's fallback).
    let night = call_now(&app, sjobo, "2027-07-20T22:00:00+02:00", "vag_in").await;
    assert_eq!(night["unit"]["name"], ON_CALL, "{night}");
    // The direct number follows the unit's closure too.
    let acute = call_now(&app, sjobo, "2027-07-20T10:00:00+02:00", "direct_acute").await;
    assert_eq!(acute["unit"]["name"], BODA, "{acute}");
    // The day after the last: the unit's own number again.
    let after = call_now(&app, sjobo, "2027-08-09T08:30:00+02:00", "vag_in").await;
    assert_eq!(after["answers"], "open");
    assert_eq!(after["unit"]["name"], SJOBO);
    assert!(after["period"].is_null());
    // The history says it in words.
    let history = app.get(&format!("{uri}/history")).await.body;
    let change = &history["versions"][0]["changes"][0];
    assert_eq!(change["field"], "periods");
    assert!(
        change["to"]
            .as_str()
            .expect("words")
            .starts_with("Sommarstängt v. 28–31. Ring Närhälsan Boda. (2027-07-12–2027-08-08): stängt"),
        "{change}"
    );
    // Boda covering Sjöbo's weeks while Sjöbo covers Boda's is no circle ...
    let sjobo_vag_in = app.get(&uri).await.body["vag_in"]["contact_point_id"].clone();
    let boda_uri = format!("/v1/units/{}", app.unit_id(BODA));
    let res = app
        .send(
            Method::PATCH,
            &boda_uri,
            Some(&admin),
            Some("\"1\""),
            Some(
                json!({"periods": [{"from": "2027-06-14", "to": "2027-07-11", "redirect_to": sjobo_vag_in}]}),
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // ... but on days both are closed to each other it is.
    let res = app
        .send(
            Method::PATCH,
            &boda_uri,
            Some(&admin),
            Some("\"2\""),
            Some(
                json!({"periods": [{"from": "2027-06-14", "to": "2027-07-31", "redirect_to": sjobo_vag_in}]}),
            ),
        )
        .await;
    assert_problem(&res, StatusCode::CONFLICT);
    assert!(
        res.body["detail"].as_str().expect("detail").contains("circle"),
        "{}",
        res.body
    );
    // A number that takes another unit's calls during a period cannot be removed while it
    // does: Sjöbo's direct number goes to Boda's switchboard for a week.
    let boda_switchboard = point_of(&boda, "switchboard");
    let sjobo_acute = point_of(&app.get(&uri).await.body, "direct_acute");
    let res = app
        .send(
            Method::PATCH,
            &format!("{uri}/contact-points/{sjobo_acute}"),
            Some(&admin),
            Some("\"2\""),
            Some(json!({"periods": [{"from": "2027-03-01", "to": "2027-03-07", "redirect_to": boda_switchboard}]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .send(
            Method::DELETE,
            &format!("{boda_uri}/contact-points/{boda_switchboard}"),
            Some(&admin),
            Some("\"2\""),
            None,
        )
        .await;
    assert_problem(&res, StatusCode::CONFLICT);
    assert!(
        res.body["detail"].as_str().expect("detail").contains(SJOBO),
        "{}",
        res.body
    );
    let answer = call_now(&app, sjobo, "2027-03-02T10:00:00+01:00", "direct_acute").await;
    assert_eq!(
        answer["call"]["contact_point_id"],
        boda_switchboard.as_str(),
        "{answer}"
    );
}

#[actix_web::test]
async fn a_number_without_hours_is_unknown_and_day_and_night_only_where_the_data_says_so() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let sjobo = app.unit_id(SJOBO);
    let unit = app.get(&format!("/v1/units/{sjobo}")).await.body;
    // Every demo number has its hours recorded.
    let all = app.get("/v1/export?format=ndjson").await.body;
    let text = all.as_str().expect("ndjson");
    assert!(!text.is_empty());
    let mut checked = 0;
    for line in text.lines() {
        let record: Value = serde_json::from_str(line).expect("json");
        if record["type"] != "unit" {
            continue;
        }
        for point in record["contact_points"].as_array().expect("points") {
            assert!(
                point["hours"].is_object(),
                "{} has no hours: {point}",
                record["name"]
            );
            checked += 1;
        }
    }
    assert!(checked > 90, "{checked} numbers checked");
    // A boende's staff answer day and night, said as data.
    let boende = app
        .get(&format!(
            "/v1/units/{}",
            app.unit_id("Särskilt boende Exempelgården (exempel)")
        ))
        .await
        .body;
    assert_eq!(boende["vag_in"]["hours_text"], "dygnet runt");
    // Take the switchboard's hours away: unknown, never "always".
    let switchboard = point_of(&unit, "switchboard");
    let res = app
        .send(
            Method::PATCH,
            &format!("/v1/units/{sjobo}/contact-points/{switchboard}"),
            Some(&admin),
            Some("\"1\""),
            Some(json!({"hours": null})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let point = res.body["contact_points"]
        .as_array()
        .expect("points")
        .iter()
        .find(|p| p["purpose"] == "switchboard")
        .cloned()
        .expect("switchboard");
    assert_eq!(point["hours_recorded"], false);
    assert_eq!(point["hours_text"], "telefontid saknas");
    let answer = call_now(&app, sjobo, "2026-11-25T03:00:00+01:00", "switchboard").await;
    check_honest(&answer, "switchboard at 03:00");
    assert_eq!(answer["answers"], "unknown");
    assert_eq!(answer["open"], false);
    assert!(
        answer["why"].as_str().expect("why").contains("telefontid saknas"),
        "{answer}"
    );
    // The yearly review lists it to fill in.
    let review = app
        .get_as("/v1/reviews?organisation=narhalsan", Some(&admin))
        .await
        .body;
    let narhalsan = &review["organisations"][0];
    assert_eq!(narhalsan["summary"]["numbers_without_hours"], 1, "{review}");
    assert_eq!(
        narhalsan["missing_hours"][0]["contact_point_id"],
        switchboard.as_str()
    );
    // The page says so too, and nowhere "alltid".
    let review = page_as(&app, "/granska", &admin).await;
    let html = review.body.as_str().unwrap_or_default();
    assert!(html.contains("Nummer utan telefontid (1)"), "{html}");
    let page = page_as(&app, &format!("/enhet/{sjobo}"), &admin).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body.as_str().unwrap_or_default();
    assert!(html.contains("telefontid saknas"), "{html}");
    assert!(
        !html.contains("svarar alltid") && !html.contains("(alltid"),
        "{html}"
    );
}

#[actix_web::test]
async fn a_span_past_midnight_answers_until_its_end_the_next_day_across_the_october_switch() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let sjobo = app.unit_id(SJOBO);
    let unit = app.get(&format!("/v1/units/{sjobo}")).await.body;
    let switchboard = point_of(&unit, "switchboard");
    let res = app
        .send(
            Method::PATCH,
            &format!("/v1/units/{sjobo}/contact-points/{switchboard}"),
            Some(&admin),
            Some("\"1\""),
            Some(json!({"hours": {"weekly": [{"days": ["every_day"], "from": "16:00", "to": "01:00"}]}})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    for (at, open) in [
        ("2026-11-25T23:59:00+01:00", "open"),
        ("2026-11-26T00:30:00+01:00", "open"),
        ("2026-11-26T01:00:00+01:00", "unknown_or_closed"),
        // Saturday 24 October 2026 16:00 to Sunday 01:00, still summer time (the clocks go
        // back at 03:00).
        ("2026-10-25T00:30:00+02:00", "open"),
        ("2026-10-25T01:00:00+02:00", "unknown_or_closed"),
    ] {
        let answer = call_now(&app, sjobo, at, "switchboard").await;
        check_honest(&answer, at);
        if open == "open" {
            assert_eq!(answer["answers"], "open", "{at}: {answer}");
            assert_eq!(answer["call"]["contact_point_id"], switchboard.as_str());
        } else {
            assert_eq!(answer["path"][0]["answers"], "closed", "{at}: {answer}");
        }
    }
    let evening = call_now(&app, sjobo, "2026-10-24T20:00:00+02:00", "switchboard").await;
    assert_eq!(evening["until"], "2026-10-25T01:00:00+02:00", "{evening}");
}

#[actix_web::test]
async fn a_notice_is_shown_in_lookups_the_printed_list_and_exports_while_it_runs() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let sjobo = app.unit_id(SJOBO);
    let today = chrono::Utc::now().with_timezone(&Stockholm).date_naive();
    let notice = json!({"from": (today - Duration::days(1)).to_string(), "to": (today + Duration::days(30)).to_string(),
        "text": "Nytt nummer till växeln från 1 januari (exempel)."});
    let res = app
        .send(Method::PATCH, &format!("/v1/units/{sjobo}"), Some(&admin), Some("\"1\""),
            Some(json!({"notices": [notice, {"from": (today + Duration::days(40)).to_string(), "text": "Kommer senare."}]})))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        res.body["notices"],
        json!(["Nytt nummer till växeln från 1 januari (exempel)."])
    );
    assert_eq!(res.body["all_notices"].as_array().map(Vec::len), Some(2));
    let lookup = app
        .get(&format!("/v1/lookup?{}", query(&[("q", "sjöbo")])))
        .await
        .body;
    assert_eq!(
        lookup["results"][0]["notices"][0], "Nytt nummer till växeln från 1 januari (exempel).",
        "{lookup}"
    );
    let answer = call_now(&app, sjobo, &chrono::Utc::now().to_rfc3339(), "vag_in").await;
    assert!(
        answer["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .any(|n| n.as_str().is_some_and(|n| n.starts_with("Nytt nummer"))),
        "{answer}"
    );
    let list = app.get_as("/v1/export?format=html", Some(&admin)).await.body;
    assert!(
        list.as_str()
            .expect("html")
            .contains("Närhälsan Sjöbo vårdcentral: Nytt nummer till växeln"),
        "footnote"
    );
    let csv = app.get_as("/v1/export?format=csv", Some(&admin)).await.body;
    assert!(csv.as_str().expect("csv").contains("Kommer senare."));
    // A period that ended yesterday is no longer served; the history keeps it.
    let res = app
        .send(
            Method::PATCH,
            &format!("/v1/units/{sjobo}"),
            Some(&admin),
            Some("\"2\""),
            Some(json!({"periods": [
                {"from": (today - Duration::days(10)).to_string(), "to": (today - Duration::days(1)).to_string(), "note": "Över"},
                {"from": (today + Duration::days(100)).to_string(), "note": "Kommande"}
            ]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let notes: Vec<&Value> = res.body["periods"]
        .as_array()
        .expect("periods")
        .iter()
        .map(|p| &p["note"])
        .collect();
    assert_eq!(notes, [&json!("Kommande")]);
    let history = app.get(&format!("/v1/units/{sjobo}/history")).await.body;
    assert!(
        history["versions"][0]["changes"][0]["to"]
            .as_str()
            .expect("words")
            .starts_with("Över ("),
        "{history}"
    );
    // Blank text is refused.
    let res = app
        .send(
            Method::PATCH,
            &format!("/v1/units/{sjobo}"),
            Some(&admin),
            Some("\"3\""),
            Some(json!({"notices": [{"text": "  "}]})),
        )
        .await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    assert_eq!(res.body["errors"][0]["field"], "notices[0].text");
}

#[actix_web::test]
async fn a_doctor_time_inside_a_closure_says_so_and_gives_the_one_after() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    // Exempelgården's doctor time: Tuesdays 13:00 at Södra Torget. Södra Torget is closed
    // 2027-07-12 to 2027-08-08.
    let sodra = app.unit_id("Närhälsan Södra Torget vårdcentral");
    let res = app
        .send(
            Method::PATCH,
            &format!("/v1/units/{sodra}"),
            Some(&admin),
            Some("\"1\""),
            Some(json!({"periods": [{"from": "2027-07-12", "to": "2027-08-08", "note": "Sommarstängt"}]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let boende = app.unit_id("Särskilt boende Exempelgården (exempel)");
    let res = app
        .get(&format!(
            "/v1/units/{boende}/responsible?{}",
            query(&[("at", "2027-07-19T12:00:00+02:00")])
        ))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let time = &res.body["doctor_time"];
    assert_eq!(time["next"], "2027-07-20T13:00:00+02:00");
    assert_eq!(time["next_in_closure"], "Sommarstängt");
    assert_eq!(time["next_on_a_workday"], "2027-08-10T13:00:00+02:00");
}

#[actix_web::test]
async fn redirects_go_only_to_numbers_that_take_calls_and_a_moved_redirect_is_checked_for_circles() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let sjobo = app.unit_id(SJOBO);
    let boda_id = app.unit_id(BODA);
    let (sjobo_uri, boda_uri) = (format!("/v1/units/{sjobo}"), format!("/v1/units/{boda_id}"));
    let sjobo_unit = app.get(&sjobo_uri).await.body;
    let boda = app.get(&boda_uri).await.body;
    let (acute, switchboard) = (
        point_of(&sjobo_unit, "direct_acute"),
        point_of(&sjobo_unit, "switchboard"),
    );
    let boda_switchboard = point_of(&boda, "switchboard");
    let week = |target: &str| json!({"periods": [{"from": "2027-03-01", "to": "2027-03-07", "redirect_to": target}]});
    // A fax takes no calls: refused, by field.
    let fax = app
        .send(
            Method::POST,
            &format!("{boda_uri}/contact-points"),
            Some(&admin),
            Some("\"1\""),
            Some(json!({"purpose": "fax", "label": "Fax", "number": "031-390 06 98"})),
        )
        .await;
    assert_eq!(fax.status, StatusCode::OK, "{}", fax.body);
    let fax_id = point_of(&fax.body, "fax");
    let res = app
        .send(
            Method::PATCH,
            &format!("{sjobo_uri}/contact-points/{acute}"),
            Some(&admin),
            Some("\"1\""),
            Some(week(&fax_id)),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body["errors"][0]["field"]
            .as_str()
            .expect("field")
            .ends_with("periods[0].redirect_to"),
        "{}",
        res.body
    );
    // Sjöbo's direct number to Boda's switchboard, Boda's switchboard to Sjöbo's switchboard
    // in the same week: a line, not a circle.
    let res = app
        .send(
            Method::PATCH,
            &format!("{sjobo_uri}/contact-points/{acute}"),
            Some(&admin),
            Some("\"1\""),
            Some(week(&boda_switchboard)),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = app
        .send(
            Method::PATCH,
            &format!("{boda_uri}/contact-points/{boda_switchboard}"),
            Some(&admin),
            Some("\"2\""),
            Some(week(&switchboard)),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // The same redirect copied onto Sjöbo's switchboard closes the circle: refused.
    let res = app
        .send(
            Method::PATCH,
            &format!("{sjobo_uri}/contact-points/{switchboard}"),
            Some(&admin),
            Some("\"2\""),
            Some(week(&boda_switchboard)),
        )
        .await;
    assert_problem(&res, StatusCode::CONFLICT);
    assert!(
        res.body["detail"].as_str().expect("detail").contains("circle"),
        "{}",
        res.body
    );
    // An unreadable or far-away moment on the page is no panic.
    for vid in ["%2B262142-12-31T12%3A00", "0001-01-01T00%3A00", "nonsens"] {
        let page = page_as(&app, &format!("/enhet/{sjobo}?vid={vid}"), &admin).await;
        assert_eq!(page.status, StatusCode::OK, "{vid}");
    }
}

#[actix_web::test]
async fn a_number_without_hours_may_answer_again_when_a_closure_ends() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let sjobo = app.unit_id(SJOBO);
    let unit = app.get(&format!("/v1/units/{sjobo}")).await.body;
    let switchboard = point_of(&unit, "switchboard");
    let res = app
        .send(Method::PATCH, &format!("/v1/units/{sjobo}/contact-points/{switchboard}"), Some(&admin), Some("\"1\""),
            Some(json!({"hours": null, "periods": [{"from": "2027-07-12", "to": "2027-08-08", "note": "Växeln är stängd"}]})))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let answer = call_now(&app, sjobo, "2027-08-05T10:00:00+02:00", "switchboard").await;
    check_honest(&answer, "inside the closure");
    assert_eq!(answer["answers"], "closed");
    assert_eq!(answer["next_open"], "2027-08-09T00:00:00+02:00");
    let why = answer["why"].as_str().expect("why");
    assert!(
        why.contains("Växeln är stängd") && why.contains("kan svara från mån 9/8 00:00 (telefontid saknas)"),
        "{why}"
    );
    let after = call_now(&app, sjobo, "2027-08-09T10:00:00+02:00", "switchboard").await;
    assert_eq!(after["answers"], "unknown");
}
