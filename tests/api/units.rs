use std::collections::HashSet;

use actix_web::http::StatusCode;
use chrono::NaiveDate;
use kontaktnav::domain::UnitKind;

use crate::helpers::{TestApp, assert_problem, names, query, test_unit};

async fn search(app: &TestApp, pairs: &[(&str, &str)]) -> Vec<String> {
    let res = app.get(&format!("/v1/units?{}", query(pairs))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    names(&res.body)
}

#[actix_web::test]
async fn search_ignores_case_and_accents_in_both_directions() {
    let app = TestApp::new();
    app.add_unit(&test_unit("Vardagsrehab Testgatan", UnitKind::Rehab, None));
    for q in ["sodra torget", "SÖDRA TORGET", "Södra torget"] {
        assert_eq!(
            search(&app, &[("q", q)]).await[0],
            "Närhälsan Södra Torget vårdcentral",
            "{q}"
        );
    }
    // Unaccented query finds the accented name ...
    assert!(
        search(&app, &[("q", "Vard"), ("limit", "100")])
            .await
            .contains(&"Herkules vårdcentral".to_owned())
    );
    // ... and an accented query finds the unaccented name.
    assert!(
        search(&app, &[("q", "Vård"), ("limit", "100")])
            .await
            .contains(&"Vardagsrehab Testgatan".to_owned())
    );
}

#[actix_web::test]
async fn search_matches_word_beginnings_and_inflections() {
    let app = TestApp::new();
    assert_eq!(
        search(&app, &[("q", "herk")]).await,
        // Equal matches: the vårdcentral first.
        ["Herkules vårdcentral", "Herkules rehab"]
    );
    let found = search(&app, &[("q", "Heimdal vårdcentralen")]).await;
    assert_eq!(found[0], "Närhälsan Heimdal vårdcentral");
}

#[actix_web::test]
async fn search_tolerates_one_typo() {
    let app = TestApp::new();
    for q in ["Brämhlut", "Bramhult", "Herkles", "Trandarde"] {
        let found = search(&app, &[("q", q), ("kind", "vardcentral")]).await;
        assert_eq!(found.len(), 1, "{q}: {found:?}");
    }
    assert_eq!(
        search(&app, &[("q", "Brämhlut"), ("kind", "vardcentral")]).await,
        ["Brämhults vårdcentral"]
    );
}

#[actix_web::test]
async fn the_exact_name_ranks_first() {
    let app = TestApp::new();
    // Many units are vårdcentraler in Borås; the one named exactly so comes first.
    let found = search(&app, &[("q", "Borås vårdcentral")]).await;
    assert!(found.len() > 1);
    assert_eq!(found[0], "Borås vårdcentral");
    let found = search(&app, &[("q", "vega rehab")]).await;
    assert_eq!(found[0], "Vega rehab");
}

#[actix_web::test]
async fn filters_by_kind_area_and_organisation_with_its_sub_organisations() {
    let app = TestApp::new();
    let total = |pairs: Vec<(&'static str, &'static str)>| {
        let app = &app;
        async move {
            let res = app.get(&format!("/v1/units?{}", query(&pairs))).await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.body);
            res.body["total"].as_u64().unwrap()
        }
    };
    assert_eq!(total(vec![("kind", "vardcentral")]).await, 16);
    assert_eq!(total(vec![("kind", "vardcentral"), ("area", "mote-1")]).await, 8);
    assert_eq!(
        total(vec![("kind", "vardcentral,rehab"), ("area", "mote-2")]).await,
        8 + 4
    );
    // Eight vårdcentraler, rehab R7 and the (example) BVC.
    assert_eq!(total(vec![("organisation", "narhalsan")]).await, 8 + 1 + 1);
    let vaf = total(vec![("organisation", "boras-stad-vaf")]).await;
    let sof = total(vec![("organisation", "boras-stad-sof")]).await;
    let whole_city = total(vec![("organisation", "boras-stad")]).await;
    assert!(
        vaf > 0 && sof > 0 && whole_city > vaf + sof,
        "{vaf} {sof} {whole_city}"
    );
}

#[actix_web::test]
async fn inactive_units_are_hidden_unless_asked_for() {
    let app = TestApp::new();
    let ended = test_unit(
        "Nedlagd hemtjänstgrupp",
        UnitKind::Hemtjanst,
        NaiveDate::from_ymd_opt(2021, 1, 1),
    );
    app.add_unit(&ended);
    let q = ("q", "nedlagd");
    assert!(search(&app, &[q]).await.is_empty());
    assert_eq!(
        search(&app, &[q, ("active", "false")]).await,
        ["Nedlagd hemtjänstgrupp"]
    );
    assert_eq!(
        search(&app, &[q, ("active", "all")]).await,
        ["Nedlagd hemtjänstgrupp"]
    );
    let res = app.get(&format!("/v1/units/{}", ended.id)).await;
    assert_eq!(res.body["active"], false);
    assert_eq!(res.body["active_to"], "2021-01-01");
    // Lookup answers only with units that are active.
    let res = app.get("/v1/lookup?q=nedlagd").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

/// Walks every page and checks that together they hold each matching unit exactly once.
async fn walk(app: &TestApp, base: &[(&str, &str)], limit: usize) -> (Vec<String>, u64) {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    let mut total = None;
    loop {
        let limit = limit.to_string();
        let mut pairs: Vec<(&str, &str)> = base.to_vec();
        pairs.push(("limit", &limit));
        if let Some(c) = &cursor {
            pairs.push(("cursor", c));
        }
        let res = app.get(&format!("/v1/units?{}", query(&pairs))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let page_total = res.body["total"].as_u64().unwrap();
        assert_eq!(
            *total.get_or_insert(page_total),
            page_total,
            "total changes between pages"
        );
        let items = res.body["items"].as_array().unwrap();
        assert!(items.len() <= limit.parse::<usize>().unwrap());
        ids.extend(items.iter().map(|u| u["id"].as_str().unwrap().to_owned()));
        match res.body["next_cursor"].as_str() {
            Some(c) => {
                assert!(!items.is_empty());
                cursor = Some(c.to_owned())
            }
            None => break,
        }
    }
    (ids, total.unwrap_or(0))
}

#[actix_web::test]
async fn paging_through_all_units_yields_each_exactly_once() {
    let app = TestApp::with_generated(300);
    let all_units = app.state.directory.current().unit_count() as u64;
    for (base, limit) in [
        (vec![("active", "all")], 7),
        (vec![("active", "all")], 100),
        (vec![("q", "vård"), ("active", "all")], 9),
        (vec![("kind", "hemtjanst")], 4),
    ] {
        let (ids, total) = walk(&app, &base, limit).await;
        let distinct: HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len(), "duplicates for {base:?}");
        assert_eq!(ids.len() as u64, total, "gaps for {base:?}");
        if base.len() == 1 && base[0].0 == "active" {
            assert_eq!(total, all_units);
        }
    }
}

#[actix_web::test]
async fn a_unit_is_served_with_all_its_contact_points_vag_in_first() {
    let app = TestApp::new();
    let res = app.get("/v1/lookup?q=herkules%20vardcentral").await;
    let id = res.body["results"][0]["id"].as_str().unwrap().to_owned();
    let res = app.get(&format!("/v1/units/{id}")).await;
    assert_eq!(res.status, StatusCode::OK);
    let unit = &res.body;
    assert_eq!(unit["name"], "Herkules vårdcentral");
    assert_eq!(unit["kind_label"], "Vårdcentral");
    let points = unit["contact_points"].as_array().unwrap();
    let purposes: Vec<_> = points.iter().map(|p| p["purpose"].as_str().unwrap()).collect();
    assert_eq!(purposes, ["vag_in", "direct_acute", "switchboard"]);
    assert_eq!(unit["vag_in"]["e164"], points[0]["e164"]);
    assert!(unit["note"].as_str().unwrap().starts_with("Demodata"));
    assert!(res.request_id.is_some());
}

#[actix_web::test]
async fn unknown_and_malformed_unit_ids_are_problems() {
    let app = TestApp::new();
    let res = app.get("/v1/units/00000000-0000-0000-0000-000000000000").await;
    assert_problem(&res, StatusCode::NOT_FOUND);
    let res = app.get("/v1/units/not-a-uuid").await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    assert_eq!(res.body["errors"][0]["field"], "id");
}

#[actix_web::test]
async fn a_unit_added_between_two_pages_neither_repeats_nor_hides_the_others() {
    let app = TestApp::with_generated(40);
    let first = app.get("/v1/units?kind=hemtjanst&limit=3").await;
    let seen: Vec<String> = first.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    // A new unit that sorts before the cursor (A...) and one after it (Ö...).
    app.add_unit(&test_unit("Aaa hemtjänst", UnitKind::Hemtjanst, None));
    app.add_unit(&test_unit("Öst hemtjänst", UnitKind::Hemtjanst, None));
    let (rest, _) = walk_from(&app, "/v1/units?kind=hemtjanst&limit=3", cursor).await;
    let rest_names: Vec<_> = rest.iter().map(|(_, n)| n.as_str()).collect();
    assert!(rest.iter().all(|(id, _)| !seen.contains(id)), "a unit repeated");
    assert!(rest_names.contains(&"Öst hemtjänst"));
    assert!(
        !rest_names.contains(&"Aaa hemtjänst"),
        "sorts before the cursor: belongs to page one"
    );
    assert_eq!(
        seen.len() + rest.len(),
        5 + 5 + 1,
        "every other hemtjänst unit once"
    );
}

async fn walk_from(app: &TestApp, base: &str, mut cursor: String) -> (Vec<(String, String)>, usize) {
    let mut out = Vec::new();
    let mut pages = 0;
    loop {
        let res = app.get(&format!("{base}&cursor={cursor}")).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        pages += 1;
        for u in res.body["items"].as_array().unwrap() {
            out.push((
                u["id"].as_str().unwrap().to_owned(),
                u["name"].as_str().unwrap().to_owned(),
            ));
        }
        match res.body["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => return (out, pages),
        }
    }
}
