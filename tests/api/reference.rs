use actix_web::http::StatusCode;

use crate::helpers::TestApp;

#[actix_web::test]
async fn organisations_areas_and_kinds_are_listed_with_swedish_labels() {
    let app = TestApp::new();
    let res = app.get("/v1/organisations").await;
    assert_eq!(res.status, StatusCode::OK);
    let orgs = res.body["items"].as_array().unwrap();
    let vaf = orgs.iter().find(|o| o["id"] == "boras-stad-vaf").unwrap();
    assert_eq!(vaf["short_name"], "VÄF");
    assert_eq!(vaf["parent_id"], "boras-stad");
    assert_eq!(vaf["kind_label"], "Förvaltning");
    for id in ["boras-stad-sof", "boras-stad-ifo", "boras-stad-alf", "narhalsan"] {
        assert!(orgs.iter().any(|o| o["id"] == id), "{id}");
    }

    let res = app.get("/v1/areas").await;
    let areas: Vec<_> = res.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(&areas[..2], ["Möte 1", "Möte 2"]);

    let res = app.get("/v1/kinds").await;
    let kinds = res.body["items"].as_array().unwrap();
    let vc = kinds.iter().find(|k| k["code"] == "vardcentral").unwrap();
    assert_eq!(vc["label_sv"], "Vårdcentral");
    assert_eq!(vc["category"], "health_care");
    assert!(kinds.iter().any(|k| k["code"] == "on_call_doctor"));
}

#[actix_web::test]
async fn health_and_readiness_answer() {
    let app = TestApp::new();
    let res = app.get("/healthz").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body["units"].as_u64().unwrap() > 40);
    let res = app.get("/readyz").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body["status"], "ready");
}
