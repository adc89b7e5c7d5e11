//! Queries as staff type them (tests/fixtures/search-queries.csv: the query, the expected top
//! result as a name or `kind:code`, and what it tries), each asked of `GET /v1/units`. The
//! table is data so that it grows; at least 95% must be right and none may fail the server.

use actix_web::http::StatusCode;

use crate::helpers::{TestApp, query};

#[actix_web::test]
async fn queries_as_staff_type_them_find_the_expected_unit_first() {
    let app = TestApp::new();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/search-queries.csv");
    let mut reader = csv::Reader::from_path(path).expect("the query table");
    let (mut right, mut wrong) = (0usize, Vec::new());
    for row in reader.records() {
        let row = row.expect("a row");
        let (q, expected) = (&row[0], &row[1]);
        let res = app
            .get(&format!("/v1/units?{}", query(&[("q", q), ("limit", "5")])))
            .await;
        assert!(!res.status.is_server_error(), "{q}: {}", res.status);
        let first = &res.body["items"][0];
        let ok = res.status == StatusCode::OK
            && match expected.strip_prefix("kind:") {
                Some(kind) => first["kind"] == kind,
                None => first["name"] == expected,
            };
        if ok {
            right += 1;
        } else {
            wrong.push(format!("{q:?} → {} (expected {expected})", first["name"]));
        }
    }
    let total = right + wrong.len();
    assert!(total >= 40, "the table has {total} queries");
    println!("search table: {right} of {total} right; wrong: {wrong:#?}");
    assert!(
        right * 100 >= total * 95,
        "{right} of {total} right; wrong: {wrong:#?}"
    );
}
