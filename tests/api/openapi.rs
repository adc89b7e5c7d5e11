use actix_web::http::StatusCode;

use crate::helpers::TestApp;

const CHECKED_IN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");

/// `openapi/openapi.json` must equal what the code generates. Run
/// `UPDATE_OPENAPI=1 cargo test --test api openapi` to rewrite it after an API change.
#[test]
fn the_checked_in_openapi_document_matches_the_code() {
    let generated = kontaktnav::openapi::document();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(CHECKED_IN, &generated).unwrap();
    }
    let checked_in = std::fs::read_to_string(CHECKED_IN).unwrap_or_default();
    assert!(
        checked_in == generated,
        "openapi/openapi.json is stale: run UPDATE_OPENAPI=1 cargo test --test api openapi"
    );
}

#[actix_web::test]
async fn the_document_and_swagger_ui_are_served() {
    let app = TestApp::new();
    let res = app.get("/api-docs/openapi.json").await;
    assert_eq!(res.status, StatusCode::OK);
    let generated: serde_json::Value = serde_json::from_str(&kontaktnav::openapi::document()).unwrap();
    assert_eq!(res.body, generated);
    for path in [
        "/v1/lookup",
        "/v1/units",
        "/v1/units/{id}",
        "/v1/organisations",
        "/v1/areas",
        "/v1/kinds",
        "/healthz",
        "/readyz",
    ] {
        assert!(res.body["paths"][path].is_object(), "{path} is not documented");
    }
    let res = app.get("/swagger-ui/").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.content_type.starts_with("text/html"));
}

#[test]
fn every_schema_reference_resolves() {
    fn refs(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v.as_str()) {
                        ("$ref", Some(r)) => out.push(r.to_owned()),
                        _ => refs(v, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let doc: serde_json::Value = serde_json::from_str(&kontaktnav::openapi::document()).unwrap();
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for r in found {
        let pointer = r.strip_prefix('#').expect("a reference inside the document");
        assert!(
            doc.pointer(pointer).is_some_and(serde_json::Value::is_object),
            "{r} does not resolve"
        );
    }
}
