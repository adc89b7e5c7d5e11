use actix_web::http::StatusCode;
use actix_web::test::TestRequest;

use crate::helpers::{TestApp, assert_problem, query};

#[actix_web::test]
async fn bad_parameters_are_400_problems_that_name_the_parameter() {
    let app = TestApp::new();
    let long = "å".repeat(201);
    let cases: Vec<(String, &str, &str)> = vec![
        ("/v1/units?colour=red".into(), "query", "unknown field"),
        (
            "/v1/units?kind=vardcentraal".into(),
            "kind",
            "allowed values: vardcentral",
        ),
        (
            "/v1/units?kind=vardcentral,nope".into(),
            "kind",
            "unknown unit kind 'nope'",
        ),
        ("/v1/units?area=mote-9".into(), "area", "unknown area"),
        (
            "/v1/units?organisation=acme".into(),
            "organisation",
            "unknown organisation",
        ),
        ("/v1/units?active=yes".into(), "active", "true, false, all"),
        ("/v1/units?limit=0".into(), "limit", "1–100"),
        ("/v1/units?limit=101".into(), "limit", "1–100"),
        ("/v1/units?limit=abc".into(), "limit", "1–100"),
        ("/v1/units?cursor=%%%".into(), "cursor", "cursor is invalid"),
        ("/v1/units?cursor=bm9wZQ".into(), "cursor", "cursor is invalid"),
        (
            format!("/v1/units?{}", query(&[("q", &long)])),
            "q",
            "longer than 200",
        ),
        ("/v1/units?kind=rehab&kind=bvc".into(), "query", "duplicate field"),
        ("/v1/lookup?q=x&limit=21".into(), "limit", "1–20"),
        (
            "/v1/lookup?q=x&organisation=narhalsan".into(),
            "query",
            "unknown field",
        ),
    ];
    for (uri, field, needle) in cases {
        let res = app.get(&uri).await;
        // Well-formed ids that name nothing break a rule (422); the rest have the wrong form.
        let unknown = needle.starts_with("unknown area")
            || needle.starts_with("unknown organisation")
            || needle == "cursor is invalid";
        let status = if unknown {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::BAD_REQUEST
        };
        assert_problem(&res, status);
        assert_eq!(res.body["errors"][0]["field"], field, "{uri}: {}", res.body);
        let en = res.body["errors"][0]["en"].as_str().unwrap();
        assert!(en.contains(needle), "{uri}: {en}");
        assert!(!res.body["errors"][0]["sv"].as_str().unwrap().is_empty());
    }
}

#[actix_web::test]
async fn long_bad_values_are_quoted_back_shortened() {
    let app = TestApp::new();
    let long = "x".repeat(5000);
    for param in ["kind", "area", "organisation", "active", "limit"] {
        let res = app.get(&format!("/v1/units?{param}={long}")).await;
        assert_problem(&res, StatusCode::BAD_REQUEST);
        let en = res.body["errors"][0]["en"].as_str().unwrap();
        assert!(en.contains("…") && !en.contains(&"x".repeat(41)), "{param}: {en}");
    }
}

#[actix_web::test]
async fn several_bad_parameters_are_reported_together() {
    let app = TestApp::new();
    let res = app.get("/v1/units?kind=x&area=y&organisation=z").await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    let fields: Vec<_> = res.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["kind", "area", "organisation"]);
}

#[actix_web::test]
async fn a_cursor_from_another_search_is_refused() {
    let app = TestApp::new();
    let res = app.get("/v1/units?kind=vardcentral&limit=2").await;
    let cursor = res.body["next_cursor"].as_str().unwrap().to_owned();
    let res = app
        .get(&format!("/v1/units?kind=rehab&limit=2&cursor={cursor}"))
        .await;
    assert_problem(&res, StatusCode::BAD_REQUEST);
    assert!(res.body["detail"].as_str().unwrap().contains("another search"));
}

#[actix_web::test]
async fn unknown_paths_and_methods_are_problems_too() {
    let app = TestApp::new();
    let res = app.get("/v2/units").await;
    assert_problem(&res, StatusCode::NOT_FOUND);
    let res = app.request(TestRequest::delete().uri("/v1/units")).await;
    assert!(res.status.is_client_error(), "{}", res.status);
    assert_problem(&res, res.status);
}

#[actix_web::test]
async fn no_input_makes_the_service_fail() {
    let app = TestApp::new();
    let long = "x".repeat(200);
    let nasty = [
        "\u{0}",
        "'; DROP TABLE units; --",
        "%",
        "🚑🚑",
        "\u{202e}dlrow",
        "a b c d e f g h i j k l",
        "ǅ",
        "ﬁ",
        "İstanbul",
        "ß",
        "0",
        "+",
        "+46",
        "+4631390060000000",
        "031-390 06 00 ext 5",
        "((((",
        "\\",
        "\u{FEFF}",
        "ååååååååååååå",
        long.as_str(),
    ];
    for q in nasty {
        for path in ["/v1/units", "/v1/lookup"] {
            let res = app.get(&format!("{path}?{}", query(&[("q", q)]))).await;
            assert!(
                res.status == StatusCode::OK
                    || res.status == StatusCode::NOT_FOUND
                    || res.status == StatusCode::BAD_REQUEST
                    || res.status == StatusCode::UNPROCESSABLE_ENTITY,
                "{path} q={q:?}: {} {}",
                res.status,
                res.body
            );
        }
    }
    for raw in [
        "/v1/units?q=%FF%FE",
        "/v1/units?limit=-1",
        "/v1/units?limit=99999999999999999999",
        "/v1/units/%00",
        "/v1/units?cursor=",
    ] {
        let res = app.get(raw).await;
        assert!(
            res.status.is_client_error() || res.status.is_success(),
            "{raw}: {}",
            res.status
        );
    }
}
