//! Addresses: every district answers with hemtjänst, funktionsstöd and myndighet; streets split
//! by house number and side; streets (as staff abbreviate them) in the main search; old
//! numbers and preschools found from the main search, each result saying why.

use actix_web::http::{Method, StatusCode};
use kontaktnav::domain::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, query};

const DISTRICTS: [&str; 5] = [
    "distrikt-norr",
    "distrikt-soder",
    "distrikt-oster",
    "distrikt-vaster",
    "distrikt-centrum",
];

async fn address(app: &TestApp, street: &str) -> crate::helpers::Response {
    app.get(&format!("/v1/lookup/address?{}", query(&[("street", street)])))
        .await
}

fn kinds(body: &Value) -> Vec<&str> {
    body["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| u["kind"].as_str().expect("kind"))
        .collect()
}

#[actix_web::test]
async fn every_demo_district_answers_with_hemtjanst_funktionsstod_and_myndighet() {
    let app = TestApp::new();
    let areas = app.get("/v1/areas").await;
    for district in DISTRICTS {
        let area = areas.body["items"]
            .as_array()
            .or_else(|| areas.body.as_array())
            .expect("areas")
            .iter()
            .find(|a| a["id"] == district)
            .unwrap_or_else(|| panic!("{district} in {}", areas.body));
        // Any whole street of the district, as the area lists them.
        let street = area["streets"]
            .as_array()
            .expect("streets")
            .iter()
            .find(|s| s.get("from").is_none() && s.get("to").is_none() && s["side"] == "both")
            .and_then(|s| s["street"].as_str())
            .unwrap_or_else(|| panic!("{district} has a whole street: {area}"));
        let res = address(&app, street).await;
        assert_eq!(res.status, StatusCode::OK, "{street}: {}", res.body);
        assert_eq!(res.body["district"]["id"], district);
        let kinds = kinds(&res.body);
        // In this order, first: hemtjänst, funktionsstöd, myndighet.
        let first: Vec<&str> = kinds
            .iter()
            .copied()
            .take_while(|k| *k != "kommunal_primarvard")
            .collect();
        for kind in ["hemtjanst", "funktionsstod", "myndighet"] {
            assert!(first.contains(&kind), "{district} lacks {kind}: {kinds:?}");
        }
        let position = |k: &str| kinds.iter().position(|x| *x == k).expect("kind");
        assert!(position("hemtjanst") < position("funktionsstod"));
        assert!(position("funktionsstod") < position("myndighet"));
        assert!(
            res.body["units"]
                .as_array()
                .expect("units")
                .iter()
                .all(|u| u["call_now"]["answers"].is_string())
        );
    }
}

#[actix_web::test]
async fn a_split_street_answers_by_house_number_and_side() {
    let app = TestApp::new();
    // Allégatan: odd numbers Norr, even Centrum. Kungsgatan: 1–29 Centrum, from 30 Norr.
    for (typed, district, numbers) in [
        ("Allégatan 13", "distrikt-norr", "udda nummer"),
        ("Allégatan 14 B", "distrikt-centrum", "jämna nummer"),
        ("allegatan 2", "distrikt-centrum", "jämna nummer"),
        ("Kungsgatan 29", "distrikt-centrum", "1–29"),
        ("Kungsg 12", "distrikt-centrum", "1–29"),
        ("Kungsgt. 30", "distrikt-norr", "från 30"),
        ("kungsgatan 131", "distrikt-norr", "från 30"),
    ] {
        let res = address(&app, typed).await;
        assert_eq!(res.status, StatusCode::OK, "{typed}: {}", res.body);
        assert_eq!(res.body["district"]["id"], district, "{typed}");
        assert_eq!(res.body["numbers"], numbers, "{typed}");
        assert_eq!(kinds(&res.body)[0], "hemtjanst", "{typed}");
    }
    // Without a number the street is ambiguous: 422, naming the parts.
    let res = address(&app, "Allégatan").await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    let detail = res.body["detail"].as_str().expect("detail");
    assert!(
        detail.contains("udda nummer: Distrikt Norr") && detail.contains("jämna nummer: Distrikt Centrum"),
        "{detail}"
    );
    // A whole street ignores the number; abbreviations as staff type them.
    for typed in [
        "Göteborgsv. 3",
        "Göteborgsvägen",
        "goteborgsvg 12",
        "Sandwalls pl 3",
        "st brogatan 4",
    ] {
        let res = address(&app, typed).await;
        assert_eq!(res.status, StatusCode::OK, "{typed}: {}", res.body);
        assert!(res.body.get("numbers").is_none(), "{typed}");
    }
}

#[actix_web::test]
async fn parts_of_streets_are_edited_imported_and_checked_for_overlaps() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    // The area shows its streets in the form PATCH takes them.
    let norr = app.get("/v1/areas/distrikt-norr").await;
    let streets = norr.body["streets"].as_array().expect("streets").clone();
    assert!(
        streets.contains(&json!({"street": "Allégatan", "side": "odd"})),
        "{streets:?}"
    );
    assert!(streets.contains(&json!({"street": "Sandwalls plats", "side": "both"})));
    // Sending back what was read changes nothing.
    let tag = norr.etag.clone().expect("etag");
    let res = app
        .send(
            Method::PATCH,
            "/v1/areas/distrikt-norr",
            Some(&admin),
            Some(&tag),
            Some(json!({"streets": streets})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.etag.as_deref(), Some(tag.as_str()));
    // Taking even numbers of Allégatan as well overlaps Centrum's part: 409.
    let mut more = streets.clone();
    more.push(json!({"street": "Allégatan", "from": 100, "side": "even"}));
    let res = app
        .send(
            Method::PATCH,
            "/v1/areas/distrikt-norr",
            Some(&admin),
            Some(&tag),
            Some(json!({"streets": more})),
        )
        .await;
    assert_problem(&res, StatusCode::CONFLICT);
    // Within one district: overlapping parts, a part with no number on its side, a range
    // backwards (422); a house number out of range (400).
    for (bad, status) in [
        (
            json!(["Vevgatan", {"street": "vevgatan", "from": 3}]),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!([{"street": "Vevgatan", "from": 2, "to": 2, "side": "odd"}]),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!([{"street": "Vevgatan", "from": 9, "to": 3}]),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!([{"street": "Vevgatan", "from": 0}]),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!([{"street": "Vevgatan", "side": "left"}]),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let res = app
            .send(
                Method::PATCH,
                "/v1/areas/distrikt-norr",
                Some(&admin),
                Some(&tag),
                Some(json!({"streets": bad})),
            )
            .await;
        assert_problem(&res, status);
    }
    // The street table's CSV takes parts (from, to, side; Swedish headers and words too).
    let csv = "gata,distrikt,från,till,sida\nVevgatan,distrikt-norr,1,,udda\nVevgatan,distrikt-soder,,,jämna\nSandwalls plats,distrikt-norr,,,\n";
    let res = app
        .request(
            actix_web::test::TestRequest::post()
                .uri("/v1/streets")
                .insert_header(("authorization", format!("Bearer {admin}")))
                .insert_header(("content-type", "text/csv"))
                .set_payload(csv),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        address(&app, "Vevgatan 7").await.body["district"]["id"],
        "distrikt-norr"
    );
    assert_eq!(
        address(&app, "Vevgatan 8").await.body["district"]["id"],
        "distrikt-soder"
    );
    // Overlaps inside a file are reported with both lines.
    let csv = "street,district,from,to,side\nVevgatan,distrikt-norr,1,20,\nVevgatan,distrikt-soder,15,,odd\nVevgatan,distrikt-oster,x,,\n";
    let res = app
        .request(
            actix_web::test::TestRequest::post()
                .uri("/v1/streets?dry_run=true")
                .insert_header(("authorization", format!("Bearer {admin}")))
                .insert_header(("content-type", "text/csv"))
                .set_payload(csv),
        )
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = res.body["errors"].as_array().expect("errors");
    assert_eq!(errors[0]["field"], "line 3: street", "{}", res.body);
    assert!(
        errors[0]["en"]
            .as_str()
            .expect("en")
            .ends_with("overlaps Vevgatan 1–20 on line 2"),
        "{}",
        res.body
    );
    assert_eq!(errors[1]["field"], "line 4: from", "{}", res.body);
}

async fn search(app: &TestApp, q: &str) -> Value {
    let res = app
        .get(&format!("/v1/units?{}", query(&[("q", q), ("limit", "50")])))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{q}: {}", res.body);
    res.body
}

#[actix_web::test]
async fn the_main_search_answers_an_address_with_the_districts_units_marked_as_found_by_it() {
    let app = TestApp::new();
    for (q, district) in [
        ("Allégatan 14", "distrikt-centrum"),
        ("allegatan 13", "distrikt-norr"),
        ("Kungsg 12", "distrikt-centrum"),
        ("Sandwalls plats 3", "distrikt-norr"),
        ("Göteborgsv. 3", "distrikt-oster"),
    ] {
        let body = search(&app, q).await;
        let first = &body["items"][0];
        assert_eq!(first["kind"], "hemtjanst", "{q}: {body}");
        assert_eq!(first["found_by"]["by"], "address", "{q}");
        assert_eq!(first["found_by"]["district"]["id"], district, "{q}");
        let found: Vec<&str> = body["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|u| u["found_by"]["by"] == "address")
            .map(|u| u["kind"].as_str().expect("kind"))
            .collect();
        for kind in ["hemtjanst", "funktionsstod", "myndighet"] {
            assert!(found.contains(&kind), "{q}: {found:?}");
        }
        assert!(body.get("ignored_words").is_none(), "{q}: {body}");
    }
    // A street name that is also part of a unit's name: the unit first, then the district.
    let body = search(&app, "Södra Torget").await;
    assert_eq!(body["items"][0]["name"], "Närhälsan Södra Torget vårdcentral");
    assert!(body["items"][0].get("found_by").is_none());
    assert_eq!(body["items"][1]["found_by"]["by"], "address", "{body}");
    // A split street without a number: every part's district, each marked.
    let body = search(&app, "Allégatan").await;
    let districts: std::collections::BTreeSet<&str> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|u| u["found_by"]["district"]["id"].as_str())
        .collect();
    assert_eq!(districts, ["distrikt-centrum", "distrikt-norr"].into());
    // Four letters that begin a street are no address on their own ...
    for q in ["kung", "järn", "väst"] {
        let body = search(&app, q).await;
        assert!(
            body["items"]
                .as_array()
                .expect("items")
                .iter()
                .all(|u| u.get("found_by").is_none()),
            "{q}: {body}"
        );
    }
    // ... and a house number no part of the street has names no district.
    let admin = app.token(Role::Admin, &[]);
    let norr = app.get("/v1/areas/distrikt-norr").await;
    let mut streets = norr.body["streets"].as_array().expect("streets").clone();
    streets.push(json!({"street": "Vevgatan", "from": 1, "to": 9}));
    let res = app
        .send(
            Method::PATCH,
            "/v1/areas/distrikt-norr",
            Some(&admin),
            norr.etag.as_deref(),
            Some(json!({"streets": streets})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        search(&app, "Vevgatan 5").await["items"][0]["found_by"]["district"]["id"],
        "distrikt-norr"
    );
    let body = search(&app, "Vevgatan 20").await;
    assert!(
        body["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|u| u.get("found_by").is_none()),
        "{body}"
    );
    let res = address(&app, "Vevgatan 20").await;
    assert_problem(&res, StatusCode::NOT_FOUND);
    assert!(
        res.body["detail"]
            .as_str()
            .expect("detail")
            .contains("1–9: Distrikt Norr"),
        "{}",
        res.body
    );
}

#[actix_web::test]
async fn a_replaced_number_answers_with_its_unit_and_successor() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let sjobo = app.unit_id("Närhälsan Sjöbo vårdcentral");
    let unit = app.get_as(&format!("/v1/units/{sjobo}"), Some(&admin)).await;
    let old = unit.body["contact_points"]
        .as_array()
        .expect("points")
        .iter()
        .find(|c| c["purpose"] == "vag_in")
        .expect("vag_in")
        .clone();
    let point = old["contact_point_id"].as_str().expect("id");
    let old_national = old["national"].as_str().expect("national").to_owned();
    let res = app
        .send(
            Method::PATCH,
            &format!("/v1/units/{sjobo}/contact-points/{point}"),
            Some(&admin),
            unit.etag.as_deref(),
            Some(json!({"number": "031-390 06 99"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    for typed in [
        old_national.as_str(),
        &old_national.replace(['-', ' '], ""),
        &old_national[4..],
    ] {
        let body = search(&app, typed).await;
        let first = &body["items"][0];
        assert_eq!(first["name"], "Närhälsan Sjöbo vårdcentral", "{typed}: {body}");
        let found = &first["found_by"];
        assert_eq!(found["by"], "replaced_number", "{typed}");
        assert_eq!(found["replaced_by"], "+46313900699");
        let text = found["text"].as_str().expect("text");
        assert!(
            text.starts_with(&format!("{old_national} är ersatt av 031-390 06 99 sedan ")),
            "{text}"
        );
        // The lookup says the same.
        let res = app.get(&format!("/v1/lookup?{}", query(&[("q", typed)]))).await;
        assert_eq!(
            res.body["results"][0]["found_by"]["by"], "replaced_number",
            "{}",
            res.body
        );
    }
    // The new number is found as itself.
    let body = search(&app, "031-390 06 99").await;
    assert_eq!(body["items"][0]["name"], "Närhälsan Sjöbo vårdcentral");
    assert!(body["items"][0].get("found_by").is_none());

    // What the migration does for a database with history: at the next start the table is
    // filled from the audit events (a start that fails leaves the work for the next).
    {
        use diesel::RunQueryDsl;
        let mut conn = app.conn();
        diesel::sql_query("DELETE FROM replaced_numbers")
            .execute(&mut *conn)
            .expect("emptied");
        diesel::sql_query("INSERT INTO pending_fills (name) VALUES ('replaced_numbers')")
            .execute(&mut *conn)
            .expect("asked for");
        kontaktnav::db::run_migrations(&mut conn).expect("start");
        let left: i64 = diesel::dsl::sql::<diesel::sql_types::BigInt>("SELECT COUNT(*) FROM pending_fills")
            .get_result(&mut *conn)
            .expect("count");
        assert_eq!(left, 0);
        // Sjöbo's number, and the demo's renumbered Heimdal.
        let filled: i64 =
            diesel::dsl::sql::<diesel::sql_types::BigInt>("SELECT COUNT(*) FROM replaced_numbers")
                .get_result(&mut *conn)
                .expect("count");
        assert_eq!(filled, 2);
    }
    app.reload();
    let body = search(&app, &old_national).await;
    assert_eq!(
        body["items"][0]["found_by"]["replaced_by"], "+46313900699",
        "{body}"
    );
}

#[actix_web::test]
async fn a_preschool_is_found_from_the_main_search_with_its_bvc() {
    let app = TestApp::new();
    for q in ["Förskolan Solrosen", "solrosen", "forskolan myran"] {
        let body = search(&app, q).await;
        let first = &body["items"][0];
        assert_eq!(first["kind"], "bvc", "{q}: {body}");
        assert_eq!(first["found_by"]["by"], "preschool", "{q}");
        assert!(
            first["found_by"]["preschool"]
                .as_str()
                .expect("preschool")
                .starts_with("Förskolan")
        );
    }
}

#[actix_web::test]
async fn an_old_number_tells_the_public_only_what_the_public_may_see() {
    let app = TestApp::with_auth(|s| kontaktnav::auth::AuthSettings {
        anonymous_read: true,
        ..s
    });
    let admin = app.token(Role::Admin, &[]);
    let bist = app.unit_id("Biståndshandläggare äldreomsorg (exempel)");
    let unit = app.get_as(&format!("/v1/units/{bist}"), Some(&admin)).await;
    let point = unit.body["contact_points"]
        .as_array()
        .expect("points")
        .iter()
        .find(|c| c["visibility"] == "public")
        .expect("a public number")
        .clone();
    let old = point["national"].as_str().expect("national").to_owned();
    // Its new number is internal.
    let res = app
        .send(
            Method::PATCH,
            &format!(
                "/v1/units/{bist}/contact-points/{}",
                point["contact_point_id"].as_str().expect("id")
            ),
            Some(&admin),
            unit.etag.as_deref(),
            Some(json!({"number": "031-390 06 97", "visibility": "internal"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let ask = |token: Option<String>| {
        let app = &app;
        let old = old.clone();
        async move {
            app.get_as(&format!("/v1/units?{}", query(&[("q", &old)])), token.as_deref())
                .await
        }
    };
    // The public finds the unit by its old public number, but not the internal successor.
    let res = ask(None).await;
    let found = &res.body["items"][0]["found_by"];
    assert_eq!(found["by"], "replaced_number", "{}", res.body);
    assert!(found.get("replaced_by").is_none(), "{found}");
    let text = found["text"].as_str().expect("text");
    assert!(
        text.contains("är ersatt sedan") && !text.contains("390 06 97"),
        "{text}"
    );
    // A signed-in reader sees the successor.
    let res = ask(Some(app.token(Role::Reader, &[]))).await;
    assert_eq!(
        res.body["items"][0]["found_by"]["replaced_by"], "+46313900697",
        "{}",
        res.body
    );
    // An old internal number is not found by the public at all.
    let tag = app.get_as(&format!("/v1/units/{bist}"), Some(&admin)).await.etag;
    let res = app
        .send(
            Method::PATCH,
            &format!(
                "/v1/units/{bist}/contact-points/{}",
                point["contact_point_id"].as_str().expect("id")
            ),
            Some(&admin),
            tag.as_deref(),
            Some(json!({"number": "031-390 06 96"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let uri = format!("/v1/units?{}", query(&[("q", "031-390 06 97")]));
    assert_eq!(app.get_as(&uri, None).await.body["total"], 0);
    let res = app.get_as(&uri, Some(&app.token(Role::Reader, &[]))).await;
    assert_eq!(
        res.body["items"][0]["found_by"]["replaced_by"], "+46313900696",
        "{}",
        res.body
    );
}

/// A street table confirmed from its preview imports exactly what the preview showed: an area
/// changed since refuses it (409, nothing changed).
#[actix_web::test]
async fn a_street_table_confirmed_from_a_preview_refuses_what_changed_since() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let post = |query: String| {
        let (app, admin) = (&app, &admin);
        async move {
            app.request(
                actix_web::test::TestRequest::post()
                    .uri(&format!("/v1/streets{query}"))
                    .insert_header(("authorization", format!("Bearer {admin}")))
                    .insert_header(("content-type", "text/csv"))
                    .set_payload("street,district\nVevgatan,distrikt-norr\n"),
            )
            .await
        }
    };
    let preview = post("?dry_run=true".into()).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let based_on = preview.body["based_on"].as_i64().expect("based_on");
    let area = app.get("/v1/areas/distrikt-soder").await;
    let res = app
        .send(
            Method::PATCH,
            "/v1/areas/distrikt-soder",
            Some(&admin),
            area.etag.as_deref(),
            Some(json!({"streets": [{"street": "Nygatan"}]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let events = app.audit_count();
    assert_problem(&post(format!("?based_on={based_on}")).await, StatusCode::CONFLICT);
    assert_eq!(app.audit_count(), events, "nothing was imported");
    let preview = post("?dry_run=true".into()).await;
    let based_on = preview.body["based_on"].as_i64().expect("based_on");
    let res = post(format!("?based_on={based_on}")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}
