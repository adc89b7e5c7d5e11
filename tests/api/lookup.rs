use actix_web::http::StatusCode;
use kontaktnav::domain::PhoneNumber;
use serde_json::Value;

use crate::helpers::{TestApp, assert_problem, query};

#[actix_web::test]
async fn sodra_torget_answers_with_exactly_one_fictional_number_in_both_forms() {
    let app = TestApp::new();
    let res = app.get("/v1/lookup?q=sodra%20torget").await;
    assert_eq!(res.status, StatusCode::OK);
    let results = res.body["results"].as_array().unwrap();
    // The name first; Södra Torget is also a street, so the district's units follow, each
    // saying so.
    assert!(
        results[1..].iter().all(|r| r["found_by"]["by"] == "address"),
        "{}",
        res.body
    );
    let hit = &results[0];
    assert!(hit.get("found_by").is_none());
    assert_eq!(hit["name"], "Närhälsan Södra Torget vårdcentral");
    assert_eq!(hit["organisation"]["id"], "narhalsan");
    let call = &hit["call"];
    assert_eq!(call["purpose"], "vag_in");
    let e164 = call["e164"].as_str().unwrap();
    let national = call["national"].as_str().unwrap();
    assert_eq!(call["tel_uri"], format!("tel:{e164}"));
    let parsed = PhoneNumber::parse(national).unwrap();
    assert_eq!(parsed.e164(), e164);
    assert!(parsed.is_fictional(), "{national} is not in a fiction range");
}

#[actix_web::test]
async fn lookup_forgives_typos_and_ranks_the_exact_name_first() {
    let app = TestApp::new();
    let res = app
        .get(&format!(
            "/v1/lookup?{}",
            query(&[("q", "Brämhlut"), ("kind", "vardcentral")])
        ))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body["results"][0]["name"], "Brämhults vårdcentral");

    let res = app
        .get(&format!("/v1/lookup?{}", query(&[("q", "herkules rehab")])))
        .await;
    assert_eq!(res.body["results"][0]["name"], "Herkules rehab");
}

#[actix_web::test]
async fn lookup_filters_by_kind_and_area_and_limits_the_answers() {
    let app = TestApp::new();
    let res = app.get("/v1/lookup?q=herkules&kind=rehab").await;
    let names: Vec<_> = res.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].clone())
        .collect();
    assert_eq!(names, ["Herkules rehab"]);

    let res = app
        .get("/v1/lookup?q=narhalsan&kind=vardcentral&area=mote-1&limit=10")
        .await;
    let results = res.body["results"].as_array().unwrap();
    assert_eq!(results.len(), 4, "{}", res.body);
    assert!(results.iter().all(|r| r["areas"][0]["id"] == "mote-1"));

    let res = app.get("/v1/lookup?q=vardcentral&limit=2").await;
    assert_eq!(res.body["results"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn a_word_that_matches_nothing_is_left_out_and_named_instead_of_emptying_the_answer() {
    let app = TestApp::new();
    // The rest still finds what it can: every vårdcentral, and "sandvik" named as left out.
    let res = app
        .get(&format!(
            "/v1/lookup?{}",
            query(&[("q", "Sandvik vårdcentral"), ("limit", "20")])
        ))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["ignored_words"], serde_json::json!(["sandvik"]));
    // (Units of kind vårdcentral, and those whose organisation is called so, as for
    // "vårdcentral" alone.)
    let kinds: Vec<&Value> = res.body["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| &r["kind"])
        .collect();
    assert!(
        kinds.iter().filter(|k| **k == "vardcentral").count() == 16,
        "{kinds:?}"
    );
    // The units matching the most words, best first; the list says the same.
    for q in ["närhälsan sjöbo blaha", "sjobo vardcentral xyzzy qwerty"] {
        let res = app.get(&format!("/v1/units?{}", query(&[("q", q)]))).await;
        assert_eq!(res.status, StatusCode::OK, "{q}: {}", res.body);
        assert_eq!(res.body["items"][0]["name"], "Närhälsan Sjöbo vårdcentral", "{q}");
        assert_eq!(res.body["total"], 1, "{q}: {}", res.body);
        assert!(
            !res.body["ignored_words"].as_array().expect("ignored").is_empty(),
            "{q}"
        );
    }
    // The units the filter allows are the ones that count: with kind=rehab, "herkules
    // vårdcentral" answers Herkules rehab (one word) rather than nothing.
    let res = app
        .get(&format!(
            "/v1/units?{}",
            query(&[("q", "herkules vårdcentral xyzzy"), ("kind", "rehab")])
        ))
        .await;
    assert_eq!(res.body["items"][0]["name"], "Herkules rehab", "{}", res.body);
    // A number nobody has is not searched for as words (house numbers would match).
    let res = app
        .get(&format!("/v1/lookup?{}", query(&[("q", "08-123 45 67")])))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    // A query whose every word matches has nothing left out.
    let res = app
        .get(&format!("/v1/units?{}", query(&[("q", "sjöbo vårdcentral")])))
        .await;
    assert!(res.body.get("ignored_words").is_none(), "{}", res.body);
}

#[actix_web::test]
async fn a_query_that_matches_nothing_is_404_with_the_nearest_names() {
    let app = TestApp::new();
    let res = app
        .get(&format!("/v1/lookup?{}", query(&[("q", "Sandvik")])))
        .await;
    assert_problem(&res, StatusCode::NOT_FOUND);
    let suggestions: Vec<_> = res.body["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        !suggestions.is_empty() && suggestions.len() <= 3,
        "{suggestions:?}"
    );
    assert!(
        suggestions.contains(&"Närhälsan Sandared vårdcentral".to_owned()),
        "{suggestions:?}"
    );
}

#[actix_web::test]
async fn suggestions_stay_within_the_kind_and_area_asked_for() {
    let app = TestApp::new();
    let suggestions = |area: &'static str| {
        let app = &app;
        async move {
            let q = query(&[("q", "Sandvik"), ("area", area), ("kind", "vardcentral")]);
            let res = app.get(&format!("/v1/lookup?{q}")).await;
            assert_problem(&res, StatusCode::NOT_FOUND);
            res.body["suggestions"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|s| s["name"].as_str().unwrap().to_owned())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        }
    };
    assert!(
        suggestions("mote-1")
            .await
            .contains(&"Närhälsan Sandared vårdcentral".to_owned())
    );
    assert!(
        !suggestions("mote-2")
            .await
            .contains(&"Närhälsan Sandared vårdcentral".to_owned())
    );
}

#[actix_web::test]
async fn lookup_needs_a_query() {
    let app = TestApp::new();
    for uri in ["/v1/lookup", "/v1/lookup?q=", "/v1/lookup?q=%20-%20"] {
        let res = app.get(uri).await;
        // Blank is the wrong form; text with nothing to search for breaks a rule.
        let status = if uri.ends_with("%20") {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::BAD_REQUEST
        };
        assert_problem(&res, status);
        assert_eq!(res.body["errors"][0]["field"], "q", "{uri}");
    }
}

#[actix_web::test]
async fn lookup_by_phone_number_finds_the_unit_that_has_it() {
    let app = TestApp::new();
    let first = app.get("/v1/lookup?q=herkules%20vardcentral").await;
    let national = first.body["results"][0]["call"]["national"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .get(&format!("/v1/lookup?{}", query(&[("q", &national)])))
        .await;
    assert_eq!(res.body["results"][0]["name"], "Herkules vårdcentral");
    // Part of it, as printed on an old list: the last six or seven digits, in any spacing.
    let digits: String = national.chars().filter(char::is_ascii_digit).collect();
    for partial in [
        digits[digits.len() - 7..].to_owned(),
        format!(
            "{} {}",
            &digits[digits.len() - 6..digits.len() - 2],
            &digits[digits.len() - 2..]
        ),
    ] {
        let res = app
            .get(&format!("/v1/lookup?{}", query(&[("q", &partial)])))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{partial}: {}", res.body);
        assert_eq!(
            res.body["results"][0]["name"], "Herkules vårdcentral",
            "{partial}"
        );
        assert_eq!(res.body["results"].as_array().map(Vec::len), Some(1), "{partial}");
    }
    // Five digits are too few to mean one number.
    let res = app
        .get(&format!(
            "/v1/lookup?{}",
            query(&[("q", &digits[digits.len() - 5..])])
        ))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
}
