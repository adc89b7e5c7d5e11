//! The audit history stores what changed (JSON Patches against the entity's previous state,
//! a whole state now and then: `src/db/audit_states.rs`) and still gives every version back
//! whole: a property test over random sequences of writes through the API, and the size of
//! the history per one-field change.

use actix_web::http::{Method, StatusCode};
use diesel::prelude::*;
use kontaktnav::db::audit::{self, Entity};
use kontaktnav::domain::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::TestApp;

/// A small deterministic generator (xorshift): the same sequence of writes every run, a
/// different one per seed.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % sides as u64) as usize
    }
}

fn served(app: &TestApp, id: Uuid) -> Value {
    serde_json::to_value(app.state.directory.current().unit(id).expect("the unit")).expect("json")
}

fn parsed(state: &Option<String>) -> Value {
    state.as_deref().map_or(Value::Null, |s| {
        serde_json::from_str(s).expect("a stored state reads")
    })
}

/// For three seeds, 60 random writes to three units (a note, a number's label, a number
/// added, a number removed, a revert to an earlier version, the unit confirmed): every
/// version read back from the history (whole, one by one, and as of its time) is the state
/// the service served right after that write, and every event's before is the version
/// before it.
#[actix_web::test]
async fn every_version_is_rebuilt_exactly_from_the_stored_changes() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let units: Vec<Uuid> = [
        "Närhälsan Södra Torget vårdcentral",
        "Närhälsan Sjöbo vårdcentral",
        "Närhälsan Sandared vårdcentral",
    ]
    .iter()
    .map(|name| app.unit_id(name))
    .collect();
    let mut expected: Vec<(Uuid, i64, Value)> = units
        .iter()
        .map(|&id| {
            let state = served(&app, id);
            (id, state["version"].as_i64().expect("version"), state)
        })
        .collect();
    let numbers: Vec<String> = (10..100).map(|n| format!("08-465 004 {n}")).collect();
    let mut next_number = 0;
    for seed in [0x9e37_79b9_7f4a_7c15_u64, 42, 2026] {
        let mut dice = Dice(seed);
        for step in 0..60 {
            let id = units[dice.roll(units.len())];
            let uri = format!("/v1/units/{id}");
            let current = served(&app, id);
            let etag = format!("\"{}\"", current["version"]);
            let points = current["contact_points"].as_array().expect("points").clone();
            let removable: Vec<&Value> = points.iter().filter(|p| p["purpose"] != "vag_in").collect();
            let (method, path, body) = match dice.roll(6) {
                0 => (
                    Method::PATCH,
                    uri.clone(),
                    json!({"note": format!("anteckning {seed} {step}")}),
                ),
                1 => {
                    let point = &points[dice.roll(points.len())];
                    (
                        Method::PATCH,
                        format!("{uri}/contact-points/{}", point["id"].as_str().expect("id")),
                        json!({"label": format!("Nummer {step}")}),
                    )
                }
                2 if next_number < numbers.len() => {
                    next_number += 1;
                    (
                        Method::POST,
                        format!("{uri}/contact-points"),
                        json!({"purpose": "other", "label": format!("Extra {step}"), "number": numbers[next_number - 1]}),
                    )
                }
                3 if !removable.is_empty() => {
                    let point = removable[dice.roll(removable.len())];
                    (
                        Method::DELETE,
                        format!("{uri}/contact-points/{}", point["id"].as_str().expect("id")),
                        json!({}),
                    )
                }
                4 => {
                    let version = current["version"].as_i64().expect("version");
                    let to = 1 + dice.roll(version as usize) as i64;
                    (Method::POST, format!("{uri}/revert"), json!({"version": to}))
                }
                _ => (Method::POST, format!("{uri}/confirm"), json!({})),
            };
            let res = app
                .send(method.clone(), &path, Some(&admin), Some(&etag), Some(body))
                .await;
            if res.status == StatusCode::CONFLICT || res.status == StatusCode::UNPROCESSABLE_ENTITY {
                continue; // a revert to the version it is, say: no write, no event
            }
            assert!(
                res.status.is_success(),
                "{method} {path}: {} {}",
                res.status,
                res.body
            );
            let state = served(&app, id);
            let version = state["version"].as_i64().expect("version");
            expected.push((id, version, state));
        }
    }
    eprintln!("{} versions written", expected.len() - units.len());
    assert!(expected.len() - units.len() > 100, "most writes went through");
    let mut conn = app.conn();
    for &id in &units {
        let mine: Vec<&(Uuid, i64, Value)> = expected.iter().filter(|(u, _, _)| *u == id).collect();
        // The whole history at once, oldest first.
        let mut history = audit::history(&mut conn, Entity::Unit, &id.to_string()).expect("history");
        history.reverse();
        let by_version: std::collections::BTreeMap<i64, &kontaktnav::db::models::AuditEventRow> =
            history.iter().map(|row| (row.entity_version, row)).collect();
        for (_, version, state) in &mine {
            let row = by_version.get(version).expect("an event of every version");
            assert_eq!(
                &parsed(&row.after_state),
                state,
                "version {version} of {id}, from the whole history"
            );
            let one = audit::version(&mut conn, Entity::Unit, &id.to_string(), *version)
                .expect("version")
                .expect("the event");
            assert_eq!(
                &parsed(&one.after_state),
                state,
                "version {version} of {id}, read alone"
            );
            let then = audit::as_of(&mut conn, Entity::Unit, &id.to_string(), one.occurred_at)
                .expect("as of")
                .expect("the event");
            assert_eq!(
                parsed(&then.after_state)["version"],
                parsed(&one.after_state)["version"]
            );
        }
        for pair in history.windows(2) {
            assert_eq!(
                parsed(&pair[1].before_state),
                parsed(&pair[0].after_state),
                "the before of event {} is the after of event {}",
                pair[1].id,
                pair[0].id
            );
        }
    }
    // The change feed and the audit log read the same states.
    let log = app
        .get_as("/v1/audit?entity_type=unit&limit=100", Some(&admin))
        .await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
}

#[derive(QueryableByName)]
struct Bytes {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// One changed note on a unit with many numbers costs the history the size of the change,
/// not of the unit.
#[actix_web::test]
async fn a_one_field_change_costs_the_history_the_size_of_the_change() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let mut points = vec![json!({"purpose": "vag_in", "label": "En väg in", "number": "031-390 06 00"})];
    for n in 1..100 {
        points.push(
            json!({"purpose": "other", "label": format!("Nummer {n}"), "number": format!("031-390 06 {n:02}"),
            "hours": {"weekly": [{"days": ["workdays"], "from": "08:00", "to": "16:30"}]}}),
        );
    }
    let res = app
        .send(
            Method::POST,
            "/v1/units",
            Some(&admin),
            None,
            Some(json!({"name": "Hemtjänst Mät (exempel)", "kind": "hemtjanst", "organisation_id": "boras-stad-vaf", "contact_points": points})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let uri = format!("/v1/units/{}", res.body["id"].as_str().expect("id"));
    let bytes = |app: &TestApp| {
        diesel::sql_query(
            "SELECT CAST(COALESCE(SUM(LENGTH(before_state)), 0) + COALESCE(SUM(LENGTH(after_state)), 0) AS BIGINT) AS n FROM audit_events",
        )
        .get_result::<Bytes>(&mut app.conn())
        .expect("bytes")
        .n
    };
    let whole = serde_json::to_string(&res.body).expect("json").len() as i64;
    let before = bytes(&app);
    let mut etag = res.etag.expect("etag");
    for n in 0..20 {
        let res = app
            .send(
                Method::PATCH,
                &uri,
                Some(&admin),
                Some(&etag),
                Some(json!({"note": format!("ändring {n}")})),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        etag = res.etag.expect("etag");
    }
    let per_change = (bytes(&app) - before) / 20;
    eprintln!("history per one-field change: {per_change} bytes (the unit: about {whole} bytes)");
    assert!(
        per_change * 20 < whole,
        "{per_change} bytes a change for a unit of {whole} bytes"
    );
}
