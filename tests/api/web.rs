//! The web pages over HTTP (the browser tests are in tests/web): sessions, CSRF, headers,
//! refusals, and that a page's writes are the API's writes.

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, COOKIE, ORIGIN};
use actix_web::test::TestRequest;
use kontaktnav::auth::{SESSION_COOKIE, csrf_token};
use kontaktnav::domain::Role;

use crate::helpers::{Response, TestApp};

const SODRA_TORGET: &str = "ffdabf88-ae49-5eb7-974e-f67910051deb";

fn text(res: &Response) -> &str {
    res.body.as_str().unwrap_or_default()
}

async fn page(app: &TestApp, uri: &str, session: Option<&str>) -> Response {
    let mut req = TestRequest::get().uri(uri);
    if let Some(token) = session {
        req = req.insert_header((COOKIE, format!("{SESSION_COOKIE}={token}")));
    }
    app.request(req).await
}

async fn form(app: &TestApp, uri: &str, session: Option<&str>, fields: &[(&str, &str)]) -> Response {
    let mut req = TestRequest::post()
        .uri(uri)
        .insert_header((ORIGIN, "http://localhost:8080"))
        .insert_header((CONTENT_TYPE, "application/x-www-form-urlencoded"))
        .set_payload(serde_urlencoded::to_string(fields).expect("form"));
    if let Some(token) = session {
        req = req.insert_header((COOKIE, format!("{SESSION_COOKIE}={token}")));
    }
    app.request(req).await
}

/// The switchboard number of Södra Torget and the unit's version.
async fn switchboard(app: &TestApp) -> (String, String, String) {
    let unit = app.get(&format!("/v1/units/{SODRA_TORGET}")).await;
    let point = unit.body["contact_points"]
        .as_array()
        .expect("points")
        .iter()
        .find(|c| c["purpose"] == "switchboard")
        .expect("switchboard")
        .clone();
    (
        point["contact_point_id"].as_str().expect("id").to_owned(),
        point["national"].as_str().expect("number").to_owned(),
        unit.etag.expect("etag").trim_matches('"').to_owned(),
    )
}

#[actix_web::test]
async fn pages_need_a_session_and_carry_strict_headers() {
    let app = TestApp::new();
    let anonymous = page(&app, "/?q=sodra", None).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(
        anonymous.headers.get("location").and_then(|l| l.to_str().ok()),
        Some("/logga-in?next=/%3Fq%3Dsodra")
    );
    let reader = app.token(Role::Reader, &[]);
    let res = page(&app, "/?q=sodra%20torget", Some(&reader)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.content_type.starts_with("text/html"));
    let csp = res
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok());
    assert!(
        csp.is_some_and(|c| c.contains("script-src 'self'") && !c.contains("unsafe")),
        "{csp:?}"
    );
    assert_eq!(
        res.headers
            .get("x-content-type-options")
            .and_then(|v| v.to_str().ok()),
        Some("nosniff")
    );
    assert_eq!(
        res.headers.get("cache-control").and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    assert!(
        text(&res).contains("href=\"tel:+46313900633\""),
        "Södra Torget's one way in"
    );
    assert!(text(&res).contains("lang=\"sv\""));
    // No inline script or style for the policy to allow.
    assert!(!text(&res).contains("<script>") && !text(&res).contains("style="));
    // The fragment for results as you type.
    let fragment = page(&app, "/sok?q=herk", Some(&reader)).await;
    assert!(text(&fragment).contains("Herkules vårdcentral") && !text(&fragment).contains("<html"));
    // Assets from the binary, cached for a year (their URL changes with them).
    for (path, kind) in [
        ("/static/app.css", "text/css"),
        ("/static/app.js", "text/javascript"),
    ] {
        let res = page(&app, path, None).await;
        assert_eq!(res.status, StatusCode::OK);
        assert!(res.content_type.starts_with(kind));
        let cache = res.headers.get("cache-control").and_then(|v| v.to_str().ok());
        assert_eq!(cache, Some("public, max-age=31536000, immutable"));
    }
    // The API reads with the session cookie too (the printable list, vCards), but never writes.
    let list = page(&app, "/v1/export?format=html", Some(&reader)).await;
    assert_eq!(list.status, StatusCode::OK);
    let write = app
        .request(
            TestRequest::post()
                .uri(&format!("/v1/units/{SODRA_TORGET}/confirm"))
                .insert_header((
                    COOKIE,
                    format!("{SESSION_COOKIE}={}", app.token(Role::Admin, &[])),
                ))
                .insert_header(("if-match", "\"1\""))
                .set_json(serde_json::json!({})),
        )
        .await;
    assert_eq!(write.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn signing_in_sets_a_strict_cookie_and_refuses_bad_input() {
    let app = TestApp::new();
    let token = app.token(Role::Editor, &["narhalsan"]);
    let res = form(
        &app,
        "/logga-in",
        None,
        &[("token", &token), ("next", "/granska")],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers.get("location").and_then(|l| l.to_str().ok()),
        Some("/granska")
    );
    let cookie = res
        .headers
        .get("set-cookie")
        .and_then(|c| c.to_str().ok())
        .expect("a cookie");
    assert!(cookie.starts_with(&format!("{SESSION_COOKIE}={token}")));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"));
    // Never a redirect to another site.
    for next in [
        "//evil.example/",
        "/\t/evil.example",
        "https://evil.example",
        "/\\evil.example",
    ] {
        let res = form(&app, "/logga-in", None, &[("token", &token), ("next", next)]).await;
        assert_eq!(
            res.headers.get("location").and_then(|l| l.to_str().ok()),
            Some("/"),
            "{next}"
        );
    }
    // A wrong password or a bad token: the page again, in Swedish.
    let res = form(
        &app,
        "/logga-in",
        None,
        &[("username", "ingen"), ("password", "fel")],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(
        text(&res).contains("fel användarnamn eller lösenord"),
        "{}",
        text(&res)
    );
    let res = form(&app, "/logga-in", None, &[("token", "inte.en.token")]).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    // Signing in from another site's page, or from nowhere a browser would say, is refused.
    let res = app
        .request(
            TestRequest::post()
                .uri("/logga-in")
                .insert_header((CONTENT_TYPE, "application/x-www-form-urlencoded"))
                .set_payload(format!("token={token}")),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .request(
            TestRequest::post()
                .uri("/logga-in")
                .insert_header((ORIGIN, "https://evil.example"))
                .insert_header((CONTENT_TYPE, "application/x-www-form-urlencoded"))
                .set_payload(format!("token={token}")),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn a_number_is_changed_from_the_edit_page_as_an_audited_write() {
    let app = TestApp::new();
    let (point, number, version) = switchboard(&app).await;
    assert_eq!(number, "031-390 06 35");
    let editor = app.token(Role::Editor, &["narhalsan"]);
    let csrf = csrf_token(&editor);
    let uri = format!("/enhet/{SODRA_TORGET}/nummer/{point}");
    let fields = |csrf: &str, version: &str, number: &str| -> Vec<(String, String)> {
        [
            ("csrf", csrf),
            ("version", version),
            ("label", "Växel och tidsbokning"),
            ("number", number),
            ("visibility", "public"),
            ("hours_mode", "always"),
            ("reason", "nytt växelnummer"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    let post = |fields: Vec<(String, String)>, token: String| {
        let uri = uri.clone();
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            form(app, &uri, Some(&token), &pairs).await
        }
    };
    let events = app.audit_count();

    // Without the session's CSRF token, or from a reader: refused, nothing changes.
    let res = post(fields("", &version, "031-390 06 39"), editor.clone()).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = post(fields("0123abcd", &version, "031-390 06 39"), editor.clone()).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let reader = app.token(Role::Reader, &[]);
    let res = post(
        fields(&csrf_token(&reader), &version, "031-390 06 39"),
        reader.clone(),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        page(&app, &format!("/enhet/{SODRA_TORGET}/redigera"), Some(&reader))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert!(!text(&page(&app, &format!("/enhet/{SODRA_TORGET}"), Some(&reader)).await).contains("/redigera"));
    assert_eq!(
        page(&app, "/granska", Some(&reader)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.audit_count(), events);

    // A bad number: the form again with the reason in Swedish.
    let res = post(fields(&csrf, &version, "12345"), editor.clone()).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        text(&res).contains("är inte ett giltigt nummer"),
        "{}",
        text(&res)
    );
    assert!(text(&res).contains("value=\"12345\""), "what was typed stays");
    // Bad hours: the same.
    let mut bad_hours = fields(&csrf, &version, "031-390 06 39");
    bad_hours.retain(|(k, _)| k != "hours_mode");
    bad_hours.extend([
        ("hours_mode".to_string(), "open_during".to_string()),
        ("hours".to_string(), "vardagar 8–17:0".to_string()),
    ]);
    let res = post(bad_hours, editor.clone()).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        text(&res).contains("”17:0” är ingen tid; skriv TT:MM"),
        "{}",
        text(&res)
    );
    assert!(
        text(&res).contains("value=\"vardagar 8–17:0\""),
        "what was typed stays"
    );
    assert_eq!(app.audit_count(), events);

    // The change, then its history.
    let res = post(fields(&csrf, &version, "031-390 06 39"), editor.clone()).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    assert_eq!(app.audit_count(), events + 1);
    let (_, now, _) = switchboard(&app).await;
    assert_eq!(now, "031-390 06 39");
    let history = page(&app, &format!("/enhet/{SODRA_TORGET}/historik"), Some(&editor)).await;
    assert!(
        text(&history).contains("Växel och tidsbokning: nummer: 031-390 06 35 → 031-390 06 39"),
        "{}",
        text(&history)
    );
    assert!(text(&history).contains("nytt växelnummer"));

    // The same form again (its version is now stale): explained with what changed meanwhile,
    // nothing overwritten, what was typed kept against the latest version.
    let res = post(fields(&csrf, &version, "031-390 06 38"), editor.clone()).await;
    assert_eq!(res.status, StatusCode::PRECONDITION_FAILED);
    assert!(
        text(&res).contains("Någon annan har ändrat enheten"),
        "{}",
        text(&res)
    );
    assert!(
        text(&res).contains("Växel och tidsbokning: nummer: 031-390 06 35 → 031-390 06 39"),
        "what changed meanwhile: {}",
        text(&res)
    );
    assert!(
        text(&res).contains("value=\"031-390 06 38\""),
        "what was typed stays"
    );
    assert_eq!(app.audit_count(), events + 1);
    let latest = (app.get(&format!("/v1/units/{SODRA_TORGET}")).await.etag)
        .expect("etag")
        .trim_matches('"')
        .to_owned();
    assert!(
        text(&res).contains(&format!("name=\"version\" value=\"{latest}\"")),
        "saving again saves over the latest"
    );
    let res = post(fields(&csrf, &latest, "031-390 06 38"), editor.clone()).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
}

#[actix_web::test]
async fn a_report_from_the_unit_page_reaches_the_review_page_and_is_accepted_there() {
    let app = TestApp::new();
    let reader = app.token(Role::Reader, &[]);
    let uri = format!("/enhet/{SODRA_TORGET}/rapport");
    let res = form(
        &app,
        &uri,
        Some(&reader),
        &[("csrf", &csrf_token(&reader)), ("message", " ")],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        text(&res).contains("meddelandet får inte vara tomt"),
        "{}",
        text(&res)
    );
    let res = form(
        &app,
        &uri,
        Some(&reader),
        &[
            ("csrf", &csrf_token(&reader)),
            ("message", "Växeln har bytt nummer."),
            ("proposed_number", "031-390 06 37"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let editor = app.token(Role::Editor, &["narhalsan"]);
    let review = page(&app, "/granska", Some(&editor)).await;
    assert_eq!(review.status, StatusCode::OK);
    assert!(text(&review).contains("Växeln har bytt nummer."));
    assert!(text(&review).contains("Enheter att granska"));
    let list = app.get_as("/v1/corrections?status=open", Some(&editor)).await;
    let id = list.body["items"][0]["id"]
        .as_str()
        .expect("the report")
        .to_owned();
    let res = form(
        &app,
        &format!("/rattelse/{id}"),
        Some(&editor),
        &[
            ("csrf", &csrf_token(&editor)),
            ("version", "1"),
            ("decision", "godta"),
            ("number", "031-390 06 37"),
            ("reason", "stämmer"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let unit = app.get(&format!("/v1/units/{SODRA_TORGET}")).await;
    assert_eq!(unit.body["contact_points"][0]["national"], "031-390 06 37");
    let mine = app.get_as(&format!("/v1/corrections/{id}"), Some(&reader)).await;
    assert_eq!(mine.body["status"], "accepted");
}

#[actix_web::test]
async fn the_review_page_confirms_and_the_other_pages_show_what_staff_need() {
    let app = TestApp::new();
    let editor = app.token(Role::Editor, &["narhalsan"]);
    let review = page(&app, "/granska", Some(&editor)).await;
    assert!(
        text(&review).contains("Närhälsan Södra Torget vårdcentral"),
        "overdue in the demo data"
    );
    assert!(
        !text(&review).contains("Hemtjänst Norr"),
        "not Närhälsan's to review"
    );
    // What "Stämmer" confirms is on the page: each number with its telefontid.
    let (_, number, version) = switchboard(&app).await;
    let card = text(&review)
        .split("<article")
        .find(|card| card.contains(SODRA_TORGET) && card.contains("bekrafta"))
        .expect("Södra Torget's card");
    assert!(card.contains(&number), "{card}");
    assert!(
        card.contains("Växel och tidsbokning") && card.contains("vardagar"),
        "{card}"
    );
    assert!(
        card.contains(&format!("/enhet/{SODRA_TORGET}/redigera")),
        "and a way to change it"
    );
    let res = form(
        &app,
        &format!("/enhet/{SODRA_TORGET}/bekrafta"),
        Some(&editor),
        &[("csrf", &csrf_token(&editor)), ("version", &version)],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let unit = app.get(&format!("/v1/units/{SODRA_TORGET}")).await;
    assert_eq!(unit.body["review"]["status"], "current", "{}", unit.body);
    let review = page(&app, "/granska?klart=bekraftad", Some(&editor)).await;
    assert!(text(&review).contains("Enheten är bekräftad."));
    assert!(!text(&review).contains(&format!("/enhet/{SODRA_TORGET}/bekrafta")));

    // A boende's page names its ansvarig vårdcentral; a street finds its hemtjänst group.
    let reader = app.token(Role::Reader, &[]);
    let boende = app.unit_id("Särskilt boende Exempelgården (exempel)");
    let res = page(&app, &format!("/enhet/{boende}"), Some(&reader)).await;
    assert!(
        text(&res).contains("Ansvarig vårdcentral") && text(&res).contains("Läkartid"),
        "{}",
        text(&res)
    );
    // …with the vårdcentral's direct number and the next doctor time, as the API says them;
    // and the vårdcentral's page names the boenden it is responsible for.
    let responsible = app.get(&format!("/v1/units/{boende}/responsible")).await;
    let direct = responsible.body["direct_acute"]["national"]
        .as_str()
        .expect("direct number");
    assert!(text(&res).contains(direct), "{direct}: {}", text(&res));
    let next = responsible.body["doctor_time"]["next"]
        .as_str()
        .expect("next doctor time");
    assert!(
        text(&res).contains(&format!("Nästa: {} {}", &next[..10], &next[11..16])),
        "{next}: {}",
        text(&res)
    );
    let vc = responsible.body["vardcentral"]["id"]
        .as_str()
        .expect("vårdcentral");
    let res = page(&app, &format!("/enhet/{vc}"), Some(&reader)).await;
    assert!(text(&res).contains("Ansvarig vårdcentral för"), "{}", text(&res));
    assert!(text(&res).contains("Särskilt boende Exempelgården (exempel)"));
    let res = page(&app, "/gata?gata=Sandwalls%20plats%2012", Some(&reader)).await;
    assert!(text(&res).contains("Hemtjänst Norr (exempel)"), "{}", text(&res));
    let res = page(&app, "/gata?gata=Sandwals%20plats", Some(&reader)).await;
    assert!(text(&res).contains("Menade du") && text(&res).contains("Sandwalls plats"));
    // Unknown pages and units: a Swedish page, not JSON.
    let res = page(&app, "/enhet/00000000-0000-4000-8000-000000000000", Some(&reader)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.content_type.starts_with("text/html") && text(&res).contains("Enheten finns inte."));
}

#[actix_web::test]
async fn forms_keep_what_they_cannot_show_and_refuse_what_they_cannot_read() {
    let app = TestApp::new();
    let (point, _, version) = switchboard(&app).await;
    let admin = app.token(Role::Admin, &[]);
    // A form that does not send the hours (a span on two kinds of day here) keeps them.
    let hours = serde_json::json!({"weekly": [{"days": ["mon", "wed"], "from": "08:00", "to": "10:00"}]});
    let res = app
        .send(
            actix_web::http::Method::PATCH,
            &format!("/v1/units/{SODRA_TORGET}/contact-points/{point}"),
            Some(&admin),
            Some(&format!("\"{version}\"")),
            Some(serde_json::json!({"hours": hours})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let version = res.etag.expect("etag").trim_matches('"').to_owned();
    let editor = app.token(Role::Editor, &["narhalsan"]);
    let edit = page(&app, &format!("/enhet/{SODRA_TORGET}/redigera"), Some(&editor)).await;
    assert!(
        text(&edit).contains("value=\"mån, ons 08:00–10:00\""),
        "the form shows every span: {}",
        text(&edit)
    );
    let csrf = csrf_token(&editor);
    let res = form(
        &app,
        &format!("/enhet/{SODRA_TORGET}/nummer/{point}"),
        Some(&editor),
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("label", "Växel"),
            ("number", "031-390 06 35"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let unit = app.get(&format!("/v1/units/{SODRA_TORGET}")).await;
    let stored = unit.body["contact_points"]
        .as_array()
        .expect("points")
        .iter()
        .find(|c| c["contact_point_id"] == point.as_str())
        .expect("the switchboard")
        .clone();
    assert_eq!(stored["label"], "Växel");
    assert_eq!(
        stored["visibility"], "public",
        "a form that does not send the visibility keeps it"
    );
    assert_eq!(
        stored["hours"]["weekly"][0]["days"],
        serde_json::json!(["mon", "wed"]),
        "kept"
    );

    // A form without its version: a page that says so, not JSON, and nothing changes.
    let events = app.audit_count();
    let res = form(
        &app,
        &format!("/enhet/{SODRA_TORGET}/bekrafta"),
        Some(&editor),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.content_type.starts_with("text/html"), "{}", res.content_type);
    // A decision must say which; accepting with the number field emptied changes no number.
    let reader = app.token(Role::Reader, &[]);
    form(
        &app,
        &format!("/enhet/{SODRA_TORGET}/rapport"),
        Some(&reader),
        &[
            ("csrf", &csrf_token(&reader)),
            ("message", "Fel nummer?"),
            ("proposed_number", "031-390 06 31"),
        ],
    )
    .await;
    let list = app.get_as("/v1/corrections?status=open", Some(&editor)).await;
    let id = list.body["items"][0]["id"].as_str().expect("report").to_owned();
    let before = app.get(&format!("/v1/units/{SODRA_TORGET}")).await.etag;
    let decide = |decision: &'static str| {
        let (app, editor, csrf, id) = (&app, editor.clone(), csrf.clone(), id.clone());
        async move {
            form(
                app,
                &format!("/rattelse/{id}"),
                Some(&editor),
                &[
                    ("csrf", &csrf),
                    ("version", "1"),
                    ("decision", decision),
                    ("number", ""),
                ],
            )
            .await
        }
    };
    assert_eq!(decide("kanske").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(decide("godta").await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&format!("/v1/units/{SODRA_TORGET}")).await.etag, before);
    assert_eq!(app.audit_count(), events + 2, "the report and its decision only");

    // Results as you type after the session ran out: a fragment that says so.
    let res = page(&app, "/sok?q=herk", Some("utgången.token")).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(text(&res).contains("Logga in igen") && !text(&res).contains("<html"));
}

/// The `href` values of `class="…"` links in a page, in order.
fn links(html: &str, marker: &str) -> Vec<String> {
    html.split(marker)
        .skip(1)
        .filter_map(|rest| {
            let start = rest.find("href=\"")? + 6;
            let end = rest[start..].find('"')? + start;
            Some(rest[start..end].replace("&amp;", "&"))
        })
        .collect()
}

#[actix_web::test]
async fn the_result_list_pages_with_the_apis_cursor_until_every_match_is_shown() {
    let app = TestApp::new();
    let reader = app.token(Role::Reader, &[]);
    // Every unit of a kind, page by page ("Visa fler"), none twice, all of them.
    let api = app.get("/v1/units?kind=vardcentral&limit=100").await;
    let expected: std::collections::BTreeSet<String> = crate::helpers::names(&api.body).into_iter().collect();
    assert!(expected.len() > 12, "more than one page: {}", expected.len());
    let mut seen = Vec::new();
    let mut next = Some("/?q=&kind=vardcentral&area=".to_owned());
    let mut pages = 0;
    while let Some(uri) = next.take() {
        pages += 1;
        let res = page(&app, &uri, Some(&reader)).await;
        assert_eq!(res.status, StatusCode::OK, "{uri}");
        let html = text(&res);
        assert!(
            html.contains(&format!("{} träffar", expected.len())),
            "the total on every page: {uri}"
        );
        for name in html
            .split("<article class=\"card\"><h2><a href=\"/enhet/")
            .skip(1)
        {
            let name = name
                .split("\">")
                .nth(1)
                .and_then(|n| n.split('<').next())
                .expect("name");
            seen.push(name.replace("&amp;", "&"));
        }
        next = links(html, "class=\"button\"")
            .into_iter()
            .find(|l| l.contains("cursor="));
        if pages > 1 {
            assert!(html.contains("Till första sidan"));
        }
        assert!(pages < 10);
    }
    let unique: std::collections::BTreeSet<String> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "no unit twice: {seen:?}");
    assert_eq!(unique, expected);
    assert!(pages >= 2);
    // A cursor that was tampered with: a message and a way back, not an error page.
    let res = page(&app, "/?q=&kind=vardcentral&area=&cursor=xyz", Some(&reader)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(text(&res).contains("Börja om från första sidan"));
}

#[actix_web::test]
async fn the_search_page_says_why_a_result_was_found() {
    let app = TestApp::new();
    let reader = app.token(Role::Reader, &[]);
    let res = page(&app, "/sok?q=All%C3%A9gatan%2014", Some(&reader)).await;
    let html = text(&res);
    assert!(
        html.contains("Hittad via adressen: Allégatan 14 hör till Distrikt Centrum (exempel)"),
        "{html}"
    );
    assert!(html.find("Hemtjänst Centrum (exempel)") < html.find("Funktionsstöd boendestöd"));
    let res = page(&app, "/sok?q=solrosen", Some(&reader)).await;
    assert!(
        text(&res).contains("Hittad via förskolan: Förskolan Solrosen (exempel)"),
        "{}",
        text(&res)
    );
}

/// Every form that takes a number asks "Menade du …?" when it looks mistyped, keeps what was
/// typed, saves nothing, and saves the number once the box is ticked. As it is typed, the
/// page's script asks `/nummer` for the same block.
#[actix_web::test]
async fn a_number_that_looks_mistyped_is_asked_about_on_every_form() {
    let app = TestApp::new();
    let (point, _, version) = switchboard(&app).await;
    let editor = app.token(Role::Editor, &["narhalsan"]);
    let csrf = csrf_token(&editor);
    let events = app.audit_count();

    let check = page(&app, "/nummer?nummer=031-390%2006%202", None).await;
    assert!(
        text(&check).contains("Menade du 031-39 00 62?"),
        "{}",
        text(&check)
    );
    assert!(text(&check).contains("name=\"number_confirmed\""));
    let check = page(
        &app,
        "/nummer?nummer=%2B46313900639&ruta=proposed_number_confirmed",
        None,
    )
    .await;
    assert!(
        text(&check).contains("Sparas som <strong>031-390 06 39</strong>"),
        "{}",
        text(&check)
    );

    // The edit form.
    let uri = format!("/enhet/{SODRA_TORGET}/nummer/{point}");
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("label", "Växel och tidsbokning"),
        ("number", "031-390 06 2"),
        ("visibility", "public"),
        ("hours_mode", "always"),
    ];
    let res = form(&app, &uri, Some(&editor), &fields).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(text(&res).contains("Menade du 031-39 00 62?"), "{}", text(&res));
    assert!(text(&res).contains("name=\"number_confirmed\""));
    assert!(
        text(&res).contains("value=\"031-390 06 2\""),
        "what was typed stays"
    );
    assert_eq!(app.audit_count(), events);
    fields.push(("number_confirmed", "ja"));
    let res = form(&app, &uri, Some(&editor), &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    assert_eq!(switchboard(&app).await.1, "031-39 00 62");

    // The report form.
    let reader = app.token(Role::Reader, &[]);
    let uri = format!("/enhet/{SODRA_TORGET}/rapport");
    let reader_csrf = csrf_token(&reader);
    let mut fields = vec![
        ("csrf", reader_csrf.as_str()),
        ("message", "Fel nummer."),
        ("proposed_number", "031-390 06 5"),
    ];
    let res = form(&app, &uri, Some(&reader), &fields).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(text(&res).contains("Menade du 031-39 00 65?"), "{}", text(&res));
    assert!(text(&res).contains("name=\"proposed_number_confirmed\""));
    fields.push(("proposed_number_confirmed", "ja"));
    let res = form(&app, &uri, Some(&reader), &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));

    // The review page's accept, with another number typed.
    let list = app.get_as("/v1/corrections?status=open", Some(&editor)).await;
    let id = list.body["items"][0]["id"]
        .as_str()
        .expect("the report")
        .to_owned();
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("version", "1"),
        ("decision", "godta"),
        ("number", "031-390 06 7"),
    ];
    let res = form(&app, &format!("/rattelse/{id}"), Some(&editor), &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", text(&res));
    assert!(text(&res).contains("Menade du 031-39 00 67?"), "{}", text(&res));
    // The review page again, the report's form as typed, with the box to tick.
    assert!(text(&res).contains("Rapporten godtogs inte"), "{}", text(&res));
    assert!(text(&res).contains("value=\"031-390 06 7\""), "{}", text(&res));
    assert!(text(&res).contains("name=\"number_confirmed\""), "{}", text(&res));
    assert!(text(&res).contains("Att granska"));
    fields.push(("number_confirmed", "ja"));
    let res = form(&app, &format!("/rattelse/{id}"), Some(&editor), &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
}

/// The session cookie an answer sets: its token and `Max-Age`, if any.
fn session_set(res: &Response) -> Option<(String, Option<i64>)> {
    let cookie = res
        .headers
        .get_all("set-cookie")
        .filter_map(|c| c.to_str().ok())
        .find(|c| c.starts_with(&format!("{SESSION_COOKIE}=")))?;
    let value = cookie
        .split(';')
        .next()?
        .trim_start_matches(&format!("{SESSION_COOKIE}="))
        .to_owned();
    let max_age = cookie
        .split(';')
        .find_map(|part| part.trim().strip_prefix("Max-Age="))
        .and_then(|age| age.parse().ok());
    Some((value, max_age))
}

/// A token's claims, unchecked (the service checked them).
fn claims(token: &str) -> serde_json::Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64");
    serde_json::from_slice(&bytes).expect("claims")
}

/// Staff on a phone stay signed in while they use the pages: each use (at most once a minute)
/// renews the session for SESSION_IDLE (60 min), never past SESSION_MAX (10 h) after signing
/// in; an idle or expired session, a token from elsewhere, a changed account and signing out
/// are not renewed.
#[actix_web::test]
async fn a_web_session_is_renewed_while_in_use_up_to_a_working_day() {
    const SECRET: &str = "a test secret of at least thirty-two bytes";
    let app = TestApp::with_auth(|s| kontaktnav::auth::AuthSettings {
        auth_secret: Some(SECRET.into()),
        ..s
    });
    let now = jsonwebtoken::get_current_timestamp();
    let session = |signed_in: Option<u64>, iat: u64, exp: u64| {
        let mut claims = serde_json::json!({"iss": "kontaktnav", "aud": "kontaktnav", "sub": "test-reader",
            "role": "reader", "iat": iat, "nbf": iat, "exp": exp});
        if let Some(at) = signed_in {
            claims["auth_time"] = serde_json::json!(at);
            claims["kn_sid"] = serde_json::json!(format!("a-session-of-the-test-{at}"));
        }
        let key = jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes());
        jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).expect("token")
    };
    let near = |a: i64, b: i64| (a - b).abs() <= 5;

    // In use: signed in two hours ago, renewed two minutes ago, five minutes left.
    let signed_in = now - 2 * 3600;
    let res = page(&app, "/", Some(&session(Some(signed_in), now - 120, now + 300))).await;
    assert_eq!(res.status, StatusCode::OK);
    let (token, max_age) = session_set(&res).expect("renewed");
    let renewed = claims(&token);
    assert!(
        near(renewed["exp"].as_i64().expect("exp"), (now + 3600) as i64),
        "{renewed}"
    );
    assert_eq!(renewed["auth_time"], signed_in, "the sign-in time travels on");
    assert!(near(max_age.expect("Max-Age"), 3600));
    assert_eq!(
        page(&app, "/", Some(&token)).await.status,
        StatusCode::OK,
        "the new token works"
    );
    // A page made before the renewal still saves: the session keeps its CSRF token.
    let before = session(Some(signed_in), now - 120, now + 300);
    assert_eq!(
        csrf_token(&before),
        csrf_token(&token),
        "one CSRF token through renewals"
    );
    let res = form(&app, "/logga-ut", Some(&token), &[("csrf", &csrf_token(&before))]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));

    // Near the end of the working day: only up to ten hours after signing in.
    let signed_in = now - 10 * 3600 + 100;
    let res = page(&app, "/", Some(&session(Some(signed_in), now - 120, now + 60))).await;
    let (token, max_age) = session_set(&res).expect("renewed");
    assert_eq!(claims(&token)["exp"], signed_in + 10 * 3600);
    assert!(max_age.expect("Max-Age") <= 100);

    // Not renewed: within a minute of the last renewal; a token without a sign-in time (the
    // identity provider's, `kontaktnav token`); one that ran out while idle (the page asks to
    // sign in again).
    for (why, token) in [
        ("just renewed", session(Some(now - 3600), now - 10, now + 3000)),
        ("not a session", session(None, now - 3000, now + 600)),
        ("ran out", session(Some(now - 3 * 3600), now - 3700, now - 100)),
    ] {
        let res = page(&app, "/", Some(&token)).await;
        assert_eq!(session_set(&res), None, "{why}");
    }

    // Signing in on the page starts a session of SESSION_IDLE that knows when it began.
    let admin = app.token(Role::Admin, &[]);
    app.add_account(&admin, "sjukskoterska", "ett långt lösenord", "reader")
        .await;
    let res = form(
        &app,
        "/logga-in",
        None,
        &[("username", "sjukskoterska"), ("password", "ett långt lösenord")],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let (token, max_age) = session_set(&res).expect("the session");
    assert!(near(max_age.expect("Max-Age"), 3600));
    let started = claims(&token);
    assert!(near(
        started["auth_time"].as_i64().expect("auth_time"),
        now as i64
    ));

    // Signing out ends it: the answer removes the cookie and renews nothing.
    let res = form(&app, "/logga-ut", Some(&token), &[("csrf", &csrf_token(&token))]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(session_set(&res).map(|(value, _)| value), Some(String::new()));
}

/// Signing out ends the session on the server: the old cookie opens no page and posts no
/// form, its token is no bearer token, a renewal of it (same session, newer token) is refused
/// and never renewed again, and all of that also in a second service on the same database
/// (another instance, or this one after a restart).
#[actix_web::test]
async fn a_signed_out_session_is_refused_everywhere_at_once() {
    const SECRET: &str = "a test secret of at least thirty-two bytes";
    let settings = |s| kontaktnav::auth::AuthSettings {
        auth_secret: Some(SECRET.into()),
        ..s
    };
    let app = TestApp::with_auth(settings);
    let admin = app.token(Role::Admin, &[]);
    app.add_account(&admin, "sjukskoterska", "ett långt lösenord", "reader")
        .await;
    let res = form(
        &app,
        "/logga-in",
        None,
        &[("username", "sjukskoterska"), ("password", "ett långt lösenord")],
    )
    .await;
    let (token, _) = session_set(&res).expect("the session");
    let csrf = csrf_token(&token);
    assert_eq!(page(&app, "/", Some(&token)).await.status, StatusCode::OK);
    assert_eq!(
        app.get_as("/v1/auth/me", Some(&token)).await.status,
        StatusCode::OK
    );
    // The same session renewed (as the service renews it while in use): a newer token.
    let mut renewed = claims(&token);
    renewed["jti"] = serde_json::json!("renewed");
    renewed["exp"] = serde_json::json!(renewed["exp"].as_u64().expect("exp") + 61);
    let key = jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes());
    let renewed = jsonwebtoken::encode(&jsonwebtoken::Header::default(), &renewed, &key).expect("token");
    assert_eq!(page(&app, "/", Some(&renewed)).await.status, StatusCode::OK);

    let res = form(&app, "/logga-ut", Some(&token), &[("csrf", &csrf)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    let second = kontaktnav::startup::prepare(
        &kontaktnav::settings::DatabaseSettings {
            database_url: app.database_url.clone(),
        },
        &settings(kontaktnav::auth::AuthSettings::standalone(
            app.dir.path().join("auth-secret"),
        )),
        false,
        true,
    )
    .expect("a second service on the same database");
    for (which, state) in [("this instance", app.state.clone()), ("another instance", second)] {
        let call = |req: TestRequest| {
            let state = state.clone();
            async move {
                let service = actix_web::test::init_service(kontaktnav::startup::app(state)).await;
                actix_web::test::call_service(&service, req.to_request()).await
            }
        };
        for (what, token) in [("the cookie", &token), ("its renewal", &renewed)] {
            let cookie = (COOKIE, format!("{SESSION_COOKIE}={token}"));
            let res = call(TestRequest::get().uri("/").insert_header(cookie.clone())).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{which}, {what}: a page");
            assert!(
                res.headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .is_some_and(|l| l.starts_with("/logga-in")),
                "{which}, {what}: to the sign-in page"
            );
            assert!(
                !res.headers()
                    .get_all("set-cookie")
                    .filter_map(|c| c.to_str().ok())
                    .any(|c| c.starts_with(&format!("{SESSION_COOKIE}=ey"))),
                "{which}, {what}: never renewed"
            );
            let res = call(
                TestRequest::get()
                    .uri("/v1/auth/me")
                    .insert_header((actix_web::http::header::AUTHORIZATION, format!("Bearer {token}"))),
            )
            .await;
            assert_eq!(
                res.status(),
                StatusCode::UNAUTHORIZED,
                "{which}, {what}: as a bearer token"
            );
            let res = call(
                TestRequest::post()
                    .uri(&format!("/enhet/{SODRA_TORGET}/rapport"))
                    .insert_header((ORIGIN, "http://localhost:8080"))
                    .insert_header((CONTENT_TYPE, "application/x-www-form-urlencoded"))
                    .insert_header(cookie)
                    .set_payload(
                        serde_urlencoded::to_string([("csrf", csrf.as_str()), ("message", "Fel nummer.")])
                            .expect("form"),
                    ),
            )
            .await;
            assert!(
                res.headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .is_some_and(|l| l.starts_with("/logga-in")),
                "{which}, {what}: a form is sent to the sign-in page, not taken"
            );
        }
    }
    let reports = app.get_as("/v1/corrections", Some(&admin)).await;
    assert_eq!(
        reports.body["items"],
        serde_json::json!([]),
        "no report was taken"
    );
}

/// A refusal says in words who the caller is, whose the unit is and who may change it, under
/// the caller's own header (never "Logga in" when signed in); an error page made without the
/// session names no one.
#[actix_web::test]
async fn a_refusal_explains_itself_in_names_under_the_callers_own_header() {
    let app = TestApp::new();
    let edit = format!("/enhet/{SODRA_TORGET}/redigera");
    let reader = app.token(Role::Reader, &[]);
    let res = page(&app, &edit, Some(&reader)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let body = text(&res);
    assert!(body.contains("Du är inloggad som läsare"), "{body}");
    assert!(body.contains("hör till Närhälsan"), "{body}");
    assert!(body.contains("Logga ut"), "the header knows who is signed in");
    assert!(!body.contains(">Logga in<"), "{body}");
    let said = body
        .split("role=\"alert\">")
        .nth(1)
        .and_then(|s| s.split("</div>").next())
        .expect("the refusal");
    for raw in ["reader", "narhalsan", "rollen"] {
        assert!(!said.contains(raw), "no raw word {raw}: {said}");
    }
    let other = app.token(Role::Editor, &["boras-stad-vaf"]);
    let body = text(&page(&app, &edit, Some(&other)).await).to_owned();
    assert!(
        body.contains("Du är redaktör för Vård- och äldreförvaltningen."),
        "{body}"
    );
    assert!(!body.contains("boras-stad-vaf"), "{body}");
    let res = page(&app, "/granska", Some(&reader)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        text(&res).contains("Du är inloggad som läsare."),
        "{}",
        text(&res)
    );
    assert!(text(&res).contains("Logga ut"));
    // Without the session (a unit that does not exist): no "Logga in" either.
    let res = page(&app, "/enhet/inte-ett-id", Some(&reader)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(!text(&res).contains(">Logga in<"), "{}", text(&res));
}

/// "Spara och markera enheten som granskad": the number and the review in one version.
#[actix_web::test]
async fn a_number_saved_and_marked_as_reviewed_is_one_version() {
    let app = TestApp::new();
    let (point, _, version) = switchboard(&app).await;
    let editor = app.token(Role::Editor, &["narhalsan"]);
    let csrf = csrf_token(&editor);
    let events = app.audit_count();
    let res = form(
        &app,
        &format!("/enhet/{SODRA_TORGET}/nummer/{point}"),
        Some(&editor),
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("label", "Växel och tidsbokning"),
            ("number", "031-390 06 39"),
            ("visibility", "public"),
            ("hours_mode", "always"),
            ("granskad", "ja"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let to = res
        .headers
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("location")
        .to_owned();
    assert!(to.contains("sparat=granskad"), "{to}");
    assert!(text(&page(&app, &to, Some(&editor)).await).contains("markerad som granskad"));
    assert_eq!(app.audit_count(), events + 1, "one write");
    let unit = app.get(&format!("/v1/units/{SODRA_TORGET}")).await;
    assert_eq!(unit.body["review"]["status"], "current", "{}", unit.body);
    assert_eq!(switchboard(&app).await.1, "031-390 06 39");
    assert_eq!(
        unit.etag.as_deref(),
        Some(format!("\"{}\"", version.parse::<i64>().expect("version") + 1).as_str())
    );
}

/// The history reads as words: telefontider as people say them, lists as lists, areas and
/// organisations by name, never JSON.
#[actix_web::test]
async fn the_history_page_reads_in_words() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let (point, _, version) = switchboard(&app).await;
    let unit = format!("/v1/units/{SODRA_TORGET}");
    let hours = serde_json::json!({"mode": "open_during", "weekly": [
        {"days": ["workdays"], "from": "08:00", "to": "12:00"},
        {"days": ["workdays"], "from": "13:00", "to": "16:30"}],
        "exceptions": [{"date": "2027-01-05", "spans": [], "note": "Personalmöte"}]});
    let res = app
        .send(
            actix_web::http::Method::PATCH,
            &format!("{unit}/contact-points/{point}"),
            Some(&admin),
            Some(&format!("\"{version}\"")),
            Some(serde_json::json!({"hours": hours, "reason": "lunchstängt"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let tag = res.etag.expect("etag");
    let res = app
        .send(
            actix_web::http::Method::PATCH,
            &unit,
            Some(&admin),
            Some(&tag),
            Some(serde_json::json!({"area_ids": ["mote-1", "mote-2"], "preschools": ["Förskolan Solen"]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let history = page(&app, &format!("/enhet/{SODRA_TORGET}/historik"), Some(&admin)).await;
    let body = text(&history);
    let changes: Vec<&str> = body
        .split("<li>")
        .skip(1)
        .map(|li| li.split("</li>").next().unwrap_or_default())
        .collect();
    for change in &changes {
        assert!(
            !change.contains('{') && !change.contains('[') && !change.contains("&quot;"),
            "JSON in {change}"
        );
    }
    let said = |wanted: &str| {
        assert!(
            changes.iter().any(|c| c.contains(wanted)),
            "{wanted}: {changes:#?}"
        )
    };
    said(
        "Växel och tidsbokning: telefontid: vardagar 08:00–17:00 → vardagar 08:00–12:00, vardagar 13:00–16:30; 2027-01-05 stängt (Personalmöte)",
    );
    said("områden: Möte 2 → Möte 1, Möte 2");
    said("förskolor: – → Förskolan Solen");
}

/// A `multipart/form-data` body of `(name, file name, content)` parts, and its content type.
fn multipart(parts: &[(&str, Option<&str>, &str)]) -> (String, String) {
    let boundary = "----kontaktnavtestboundary";
    let mut body = String::new();
    for (name, file, content) in parts {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\""
        ));
        if let Some(file) = file {
            body.push_str(&format!("; filename=\"{file}\"\r\nContent-Type: text/csv"));
        }
        body.push_str(&format!("\r\n\r\n{content}\r\n"));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &TestApp, session: &str, parts: &[(&str, Option<&str>, &str)]) -> Response {
    let (content_type, body) = multipart(parts);
    app.request(
        TestRequest::post()
            .uri("/import")
            .insert_header((ORIGIN, "http://localhost:8080"))
            .insert_header((CONTENT_TYPE, content_type))
            .insert_header((COOKIE, format!("{SESSION_COOKIE}={session}")))
            .set_payload(body),
    )
    .await
}

/// An admin imports on the web: the file, a preview per unit (what each unit gets, loses and
/// changes, warnings and problems by line), nothing written until confirmed, then the import.
#[actix_web::test]
async fn an_admin_imports_a_file_on_the_web_after_a_preview() {
    const HEIMDAL: &str = "527a387b-99ad-588a-af9a-2f933d6b71ed";
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let reader = app.token(Role::Reader, &[]);
    let res = page(&app, "/import", Some(&reader)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(text(&res).contains("Sidan är för administratörer."));
    let res = page(&app, "/import", Some(&admin)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(text(&res).contains("enctype=\"multipart/form-data\""));

    // A one-row file for Heimdal, a digit missing from its number.
    let export = app.get_as("/v1/export?format=csv", Some(&admin)).await;
    let file = export.body.as_str().expect("csv").to_owned();
    let header = file.lines().next().expect("header");
    let row = file
        .lines()
        .find(|l| l.starts_with(HEIMDAL) && l.contains(",vag_in,"))
        .expect("Heimdal's one way in");
    let stored = app.get(&format!("/v1/units/{HEIMDAL}")).await;
    let number = stored.body["contact_points"]
        .as_array()
        .expect("points")
        .iter()
        .find(|p| p["purpose"] == "vag_in")
        .and_then(|p| p["national"].as_str())
        .expect("number")
        .to_owned();
    let one_row = format!("{header}\n{}\n", row.replace(&number, "031-390 06 5"));
    let csrf = csrf_token(&admin);
    let events = app.audit_count();

    let res = upload(
        &app,
        &admin,
        &[
            ("fil", Some("heimdal.csv"), &one_row),
            ("reason", None, "årlig uppdatering"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "no CSRF token");
    let res = upload(
        &app,
        &admin,
        &[
            ("csrf", None, &csrf),
            ("fil", Some("heimdal.csv"), &one_row),
            ("reason", None, "årlig uppdatering"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", text(&res));
    let preview = text(&res).to_owned();
    assert!(preview.contains("Förhandsgranskning"), "{preview}");
    assert!(
        preview.contains("Tas bort"),
        "the numbers the file leaves out: {preview}"
    );
    assert!(
        preview.contains("Menade du 031-39 00 65?"),
        "the warning: {preview}"
    );
    assert!(
        preview.contains(&format!("{number} → 031-39 00 65")),
        "the change: {preview}"
    );
    assert_eq!(app.audit_count(), events, "a preview writes nothing");

    let kept = preview
        .split("name=\"innehall\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the previewed file, kept in the form")
        .to_owned();
    let based_on = |page: &str| {
        page.split("name=\"grund\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the preview's moment, kept in the form")
            .to_owned()
    };
    let grund = based_on(&preview);
    // Meanwhile an editor changes the unit on the web: the confirmed preview no longer shows
    // what the file would do, so nothing is imported and the preview comes again, fresh.
    let unit = app.get(&format!("/v1/units/{HEIMDAL}")).await;
    let edited = app
        .send(
            actix_web::http::Method::PATCH,
            &format!("/v1/units/{HEIMDAL}"),
            Some(&app.token(Role::Admin, &[])),
            unit.etag.as_deref(),
            Some(serde_json::json!({"note": "ändrad under förhandsgranskningen"})),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    let events = app.audit_count();
    let confirm = |grund: String| {
        let (app, admin, csrf, kept) = (&app, &admin, &csrf, &kept);
        async move {
            upload(
                app,
                admin,
                &[
                    ("csrf", None, csrf),
                    ("innehall", None, kept),
                    ("reason", None, "årlig uppdatering"),
                    ("bekrafta", None, "ja"),
                    ("grund", None, &grund),
                ],
            )
            .await
        }
    };
    let res = confirm(grund).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", text(&res));
    assert!(text(&res).contains("Inget importerades"), "{}", text(&res));
    assert!(text(&res).contains("Förhandsgranskning"), "{}", text(&res));
    assert!(
        text(&res).contains("ändrad under förhandsgranskningen"),
        "the fresh preview shows that the file would undo the edit: {}",
        text(&res)
    );
    assert_eq!(app.audit_count(), events, "nothing was imported");
    let res = confirm(based_on(text(&res))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", text(&res));
    assert!(text(&res).contains("Importen är klar"), "{}", text(&res));
    let after = app.get(&format!("/v1/units/{HEIMDAL}")).await;
    assert_eq!(after.body["contact_points"].as_array().expect("points").len(), 1);
    assert_eq!(after.body["contact_points"][0]["national"], "031-39 00 65");

    // A file with a problem: every problem by line, nothing changed.
    let events = app.audit_count();
    let bad = format!("{header}\n{}\n", row.replace(",vardcentral,", ",sjukhus,"));
    let res = upload(
        &app,
        &admin,
        &[("csrf", None, &csrf), ("fil", Some("fel.csv"), &bad)],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", text(&res));
    assert!(
        text(&res).contains("Filen kan inte importeras") && text(&res).contains("rad 2"),
        "{}",
        text(&res)
    );
    assert_eq!(app.audit_count(), events);
}

/// An editor adds a number (a fax) on the page and removes it again: the API's writes, with
/// the same refusals.
#[actix_web::test]
async fn an_editor_adds_and_removes_a_number_on_the_page() {
    let app = TestApp::new();
    let (_, _, version) = switchboard(&app).await;
    let editor = app.token(Role::Editor, &["narhalsan"]);
    let csrf = csrf_token(&editor);
    let add = format!("/enhet/{SODRA_TORGET}/nummer");
    let fax = |purpose: &'static str, version: &str| -> Vec<(&'static str, String)> {
        vec![
            ("csrf", csrf.clone()),
            ("version", version.to_owned()),
            ("purpose", purpose.to_owned()),
            ("label", "Fax".to_owned()),
            ("number", "031-390 06 40".to_owned()),
            ("visibility", "internal".to_owned()),
            ("hours_mode", "unknown".to_owned()),
        ]
    };
    let send = |fields: &Vec<(&'static str, String)>| {
        fields.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()
    };
    let events = app.audit_count();

    // Another organisation's editor: refused in words, nothing written.
    let other = app.token(Role::Editor, &["boras-stad-vaf"]);
    let fields = send(&fax("fax", &version));
    let mut as_other: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let other_csrf = csrf_token(&other);
    as_other[0] = ("csrf", &other_csrf);
    let res = form(&app, &add, Some(&other), &as_other).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(text(&res).contains("Du är redaktör för"), "{}", text(&res));
    // A purpose the form does not offer: the form again, as typed.
    let fields = send(&fax("telegraf", &version));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = form(&app, &add, Some(&editor), &pairs).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", text(&res));
    assert!(
        text(&res).contains("value=\"031-390 06 40\""),
        "what was typed stays"
    );
    assert_eq!(app.audit_count(), events);

    let fields = send(&fax("fax", &version));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = form(&app, &add, Some(&editor), &pairs).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let to = res
        .headers
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("location")
        .to_owned();
    assert!(to.contains("sparat=nytt#nummer-"), "{to}");
    assert!(text(&page(&app, &to, Some(&editor)).await).contains("Numret är tillagt."));
    let unit = app.get(&format!("/v1/units/{SODRA_TORGET}")).await;
    let added = unit.body["contact_points"]
        .as_array()
        .expect("points")
        .iter()
        .find(|c| c["purpose"] == "fax")
        .expect("the fax")
        .clone();
    assert_eq!(added["national"], "031-390 06 40");
    assert_eq!(app.audit_count(), events + 1);

    // Removed again; the one way in cannot be.
    let version = unit.etag.expect("etag").trim_matches('"').to_owned();
    let id = added["contact_point_id"].as_str().expect("id");
    let res = form(
        &app,
        &format!("/enhet/{SODRA_TORGET}/nummer/{id}/ta-bort"),
        Some(&editor),
        &[("csrf", &csrf), ("version", &version)],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let unit = app.get(&format!("/v1/units/{SODRA_TORGET}")).await;
    assert!(
        unit.body["contact_points"]
            .as_array()
            .expect("points")
            .iter()
            .all(|c| c["purpose"] != "fax")
    );
    let vag_in = unit.body["contact_points"]
        .as_array()
        .expect("points")
        .iter()
        .find(|c| c["purpose"] == "vag_in")
        .and_then(|c| c["contact_point_id"].as_str())
        .expect("vag_in")
        .to_owned();
    let version = unit.etag.expect("etag").trim_matches('"').to_owned();
    let res = form(
        &app,
        &format!("/enhet/{SODRA_TORGET}/nummer/{vag_in}/ta-bort"),
        Some(&editor),
        &[("csrf", &csrf), ("version", &version)],
    )
    .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", text(&res));
    let edit = page(&app, &format!("/enhet/{SODRA_TORGET}/redigera"), Some(&editor)).await;
    assert!(
        !text(&edit).contains(&format!("/nummer/{vag_in}/ta-bort")),
        "no button to remove the one way in"
    );
}

/// An editor changes a unit's own fields on the page (name, areas, address, note) and creates
/// a unit with its one way in: the API's writes, with their refusals in Swedish.
#[actix_web::test]
async fn an_editor_changes_a_units_fields_and_creates_a_unit_on_the_page() {
    let app = TestApp::new();
    let editor = app.token(Role::Editor, &["narhalsan"]);
    let csrf = csrf_token(&editor);
    let uri = format!("/enhet/{SODRA_TORGET}/uppgifter");
    let res = page(&app, &uri, Some(&editor)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        text(&res).contains("value=\"Närhälsan Södra Torget vårdcentral\""),
        "{}",
        text(&res)
    );
    let reader = app.token(Role::Reader, &[]);
    assert_eq!(
        page(&app, &uri, Some(&reader)).await.status,
        StatusCode::FORBIDDEN
    );

    let unit = app.get(&format!("/v1/units/{SODRA_TORGET}")).await;
    let version = unit.etag.expect("etag").trim_matches('"').to_owned();
    let org = "narhalsan".to_owned();
    let fields = |name: &'static str, from: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("csrf", csrf.clone()),
            ("version", version.clone()),
            ("name", name.to_owned()),
            ("kind", "vardcentral".to_owned()),
            ("organisation_id", org.clone()),
            ("area", "mote-1".to_owned()),
            ("area", "mote-2".to_owned()),
            ("street", "Södra Torget 1".to_owned()),
            ("city", "Borås".to_owned()),
            ("note", "Ingång från torget.".to_owned()),
            ("active_from", from.to_owned()),
            ("review_interval_months", "12".to_owned()),
            ("reason", "ny adress".to_owned()),
        ]
    };
    let pairs = |f: &Vec<(&'static str, String)>| f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let events = app.audit_count();
    // A bad date and an empty name: the form again with both reasons, what was typed kept.
    let sent = pairs(&fields(" ", "1 mars"));
    let refs: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = form(&app, &uri, Some(&editor), &refs).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", text(&res));
    assert!(text(&res).contains("inget datum"), "{}", text(&res));
    assert!(text(&res).contains("Ingång från torget."), "what was typed stays");
    assert_eq!(app.audit_count(), events);

    let sent = pairs(&fields("Närhälsan Södra Torget vårdcentral", "2020-01-01"));
    let refs: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = form(&app, &uri, Some(&editor), &refs).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let after = app.get(&format!("/v1/units/{SODRA_TORGET}")).await;
    assert_eq!(
        after.body["address"]["street"], "Södra Torget 1",
        "{}",
        after.body
    );
    assert_eq!(after.body["note"], "Ingång från torget.");
    assert_eq!(app.audit_count(), events + 1);
    // The same form again, now stale: what changed meanwhile, what was typed kept.
    let res = form(&app, &uri, Some(&editor), &refs).await;
    assert_eq!(res.status, StatusCode::PRECONDITION_FAILED, "{}", text(&res));
    assert!(
        text(&res).contains("Det här ändrades under tiden"),
        "{}",
        text(&res)
    );

    // Back to the version before, from the history page (a new version of its own).
    let history = page(&app, &format!("/enhet/{SODRA_TORGET}/historik"), Some(&editor)).await;
    assert!(
        text(&history).contains(&format!("Återställ till version {version}")),
        "{}",
        text(&history)
    );
    let reader_history = page(&app, &format!("/enhet/{SODRA_TORGET}/historik"), Some(&reader)).await;
    assert!(!text(&reader_history).contains("Återställ"), "only editors may");
    let now = (version.parse::<i64>().expect("version") + 1).to_string();
    let res = form(
        &app,
        &format!("/enhet/{SODRA_TORGET}/aterstall"),
        Some(&editor),
        &[("csrf", &csrf), ("version", &now), ("till", &version)],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let back = app.get(&format!("/v1/units/{SODRA_TORGET}")).await;
    assert!(back.body["address"]["street"].is_null(), "{}", back.body);
    assert_eq!(
        back.etag.as_deref(),
        Some(format!("\"{}\"", version.parse::<i64>().expect("v") + 2).as_str())
    );

    // A new unit with its one way in, beginning today (the service's day is Stockholm's).
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .date_naive();
    let later = (today + chrono::Duration::days(30)).to_string();
    let today = today.to_string();
    let res = page(&app, "/ny-enhet", Some(&editor)).await;
    assert_eq!(res.status, StatusCode::OK);
    let new = [
        ("csrf", csrf.as_str()),
        ("version", "0"),
        ("name", "Närhälsan Provenhet (exempel)"),
        ("kind", "rehab"),
        ("organisation_id", "narhalsan"),
        ("area", "mote-1"),
        ("active_from", today.as_str()),
        ("vag_in_label", "En väg in"),
        ("vag_in_number", "031-390 06 41"),
    ];
    let res = form(&app, "/ny-enhet", Some(&editor), &new).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let to = res
        .headers
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("location")
        .to_owned();
    assert!(to.ends_with("/redigera?sparat=skapad"), "{to}");
    let id = to.trim_start_matches("/enhet/").split('/').next().expect("id");
    let created = app.get(&format!("/v1/units/{id}")).await;
    assert_eq!(created.body["name"], "Närhälsan Provenhet (exempel)");
    assert_eq!(created.body["contact_points"][0]["national"], "031-390 06 41");
    // Ended again, from its fields page: not deleted, no longer active.
    let version = created.etag.expect("etag").trim_matches('"').to_owned();
    let end = format!("/enhet/{id}/avsluta");
    let res = form(
        &app,
        &end,
        Some(&editor),
        &[("csrf", &csrf), ("version", &version), ("fran", "1 jan")],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", text(&res));
    // Today is its first day: it cannot end before it has begun (the API's rule, in Swedish).
    let res = form(
        &app,
        &end,
        Some(&editor),
        &[("csrf", &csrf), ("version", &version)],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", text(&res));
    assert!(
        text(&res).contains("måste vara efter startdatum"),
        "{}",
        text(&res)
    );
    let res = form(
        &app,
        &end,
        Some(&editor),
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("fran", later.as_str()),
            ("reason", "flyttad"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let ended = app.get(&format!("/v1/units/{id}")).await;
    assert_eq!(ended.body["active_to"], later.as_str(), "{}", ended.body);
    // Not in an organisation of theirs.
    let mut elsewhere = new.to_vec();
    elsewhere[4] = ("organisation_id", "boras-stad-vaf");
    let res = form(&app, "/ny-enhet", Some(&editor), &elsewhere).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", text(&res));
}

/// What the web can do against what the API can: every write operation of the API and every
/// field of its two big change bodies is either done by a page's form, or in the list of what
/// the pages cannot do yet. The lists must match exactly, so a new operation or field, or a
/// page that starts to offer one, shows here (and the gap shrinks on purpose).
#[actix_web::test]
async fn every_write_of_the_api_has_a_form_that_sends_every_field_of_its_body() {
    use std::collections::BTreeSet;
    let doc: serde_json::Value = serde_json::from_str(&kontaktnav::openapi::document()).expect("document");
    // Each form that writes, and the API operation it performs.
    let forms: &[(&str, &str)] = &[
        ("POST /enhet/{id}/nummer", "POST /v1/units/{id}/contact-points"),
        (
            "POST /enhet/{id}/nummer/{point}",
            "PATCH /v1/units/{id}/contact-points/{point_id}",
        ),
        (
            "POST /enhet/{id}/nummer/{point}/ta-bort",
            "DELETE /v1/units/{id}/contact-points/{point_id}",
        ),
        ("POST /enhet/{id}/uppgifter", "PATCH /v1/units/{id}"),
        ("POST /ny-enhet", "POST /v1/units"),
        ("POST /enhet/{id}/bekrafta", "POST /v1/units/{id}/confirm"),
        ("POST /enhet/{id}/aterstall", "POST /v1/units/{id}/revert"),
        ("POST /enhet/{id}/avsluta", "POST /v1/units/{id}/deactivate"),
        ("POST /enhet/{id}/rapport", "POST /v1/units/{id}/corrections"),
        ("POST /rattelse/{id}", "POST /v1/corrections/{id}/accept"),
        ("POST /rattelse/{id}", "POST /v1/corrections/{id}/reject"),
        ("POST /import", "POST /v1/import"),
        ("POST /import", "POST /v1/streets"),
        ("POST /import", "PUT /v1/vocabulary"),
        ("POST /organisationer", "POST /v1/organisations"),
        ("POST /organisationer/{id}", "PATCH /v1/organisations/{id}"),
        (
            "POST /organisationer/{id}",
            "POST /v1/organisations/{id}/deactivate",
        ),
        ("POST /omraden", "POST /v1/areas"),
        ("POST /omraden/{id}", "PATCH /v1/areas/{id}"),
        ("POST /omraden/{id}", "POST /v1/areas/{id}/deactivate"),
        ("POST /konton", "POST /v1/accounts"),
        ("POST /konton/{username}", "PATCH /v1/accounts/{username}"),
        ("POST /ord", "POST /v1/vocabulary"),
        ("POST /ord/{word}", "PATCH /v1/vocabulary/{word}"),
        ("POST /ord/{word}", "DELETE /v1/vocabulary/{word}"),
        ("POST /logga-in", "POST /v1/auth/token"),
        ("POST /byt-losenord", "POST /v1/auth/password"),
    ];
    // The API's writes no page offers yet: none left.
    let not_yet: BTreeSet<&str> = BTreeSet::new();
    let mut writes = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("item").keys() {
            if ["post", "patch", "put", "delete"].contains(&method.as_str()) {
                writes.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    let done: BTreeSet<String> = forms.iter().map(|(_, api)| api.to_string()).collect();
    assert!(
        done.is_subset(&writes),
        "a form names an operation the API does not have: {done:?}"
    );
    let lacking: BTreeSet<String> = writes.difference(&done).cloned().collect();
    let not_yet: BTreeSet<String> = not_yet.iter().map(|s| s.to_string()).collect();
    assert_eq!(lacking, not_yet, "the API's writes the pages do not offer");
    // Every page that writes is one of the forms above: nothing the pages do that the API
    // cannot (signing out ends the session, which holds no data).
    for (path, methods) in kontaktnav::web::PAGES {
        if methods.contains(&actix_web::http::Method::POST) && *path != "/logga-ut" {
            let form = format!("POST {path}");
            assert!(
                forms.iter().any(|(f, _)| *f == form),
                "{form} writes through no API operation"
            );
        }
    }
    // Field by field: every property of every JSON body the API's writes take is sent by the
    // form that performs the operation (some forms show a field only for the units it
    // applies to: a boende's responsibility, a BVC's preschools).
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let reader = app.token(Role::Reader, &[]);
    app.add_account(&admin, "kalle", "ett langt testlosenord", "reader")
        .await;
    let reader_csrf = csrf_token(&reader);
    let res = form(
        &app,
        &format!("/enhet/{SODRA_TORGET}/rapport"),
        Some(&reader),
        &[("csrf", &reader_csrf), ("message", "Fel nummer?")],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let report = app.get_as("/v1/corrections?status=open", Some(&admin)).await.body["items"][0]["id"]
        .as_str()
        .expect("the report")
        .to_owned();
    let (point, _, _) = switchboard(&app).await;
    const BOENDE: &str = "37f8c083-6119-54be-9b1e-ee2559795393";
    const BVC: &str = "131e3da0-7fd0-58b3-bed6-6abf3b90e8a9";
    let s = SODRA_TORGET;
    let hours: &[&str] = &["hours_mode", "hours", "exceptions", "valid_from", "valid_until"];
    let periods: &[&str] = &[
        "period_from",
        "period_to",
        "period_hours",
        "period_redirect",
        "period_note",
    ];
    let number_fields = [
        ("hours", hours),
        ("label", &["label"][..]),
        ("number", &["number"][..]),
        ("number_confirmed", &["number_confirmed"][..]),
        ("periods", periods),
        ("purpose", &["purpose"][..]),
        ("reason", &["reason"][..]),
        ("visibility", &["visibility"][..]),
    ];
    // Opening an ended one again ("oppna") shows on ended rows only; a test above uses it.
    let reference_end = [
        ("active_to", &["active_to", "avsluta"][..]),
        ("reason", &["reason"][..]),
    ];
    // Body → the pages (address, the form's action) whose forms send it, and each property's
    // fields ("fixed": the page sends it itself).
    type Fields<'a> = Vec<(&'a str, &'a [&'a str])>;
    type Pages = Vec<(String, String)>;
    let table: Vec<(&str, Pages, Fields)> = vec![
        (
            "Credentials",
            vec![("/logga-in".into(), "/logga-in".into())],
            vec![("username", &["username"][..]), ("password", &["password"][..])],
        ),
        (
            "PasswordChange",
            vec![("/byt-losenord".into(), "/byt-losenord".into())],
            vec![
                ("present_password", &["present_password"][..]),
                ("new_password", &["new_password"][..]),
            ],
        ),
        (
            "NewAccount",
            vec![("/konton".into(), "/konton".into())],
            vec![
                ("username", &["username"][..]),
                ("display_name", &["display_name"][..]),
                ("password", &["password"][..]),
                ("role", &["role"][..]),
                ("organisations", &["org"][..]),
                ("reason", &["reason"][..]),
            ],
        ),
        (
            "AccountChangesBody",
            vec![("/konton".into(), "/konton/kalle".into())],
            vec![
                ("display_name", &["display_name"][..]),
                ("password", &["password"][..]),
                ("role", &["role"][..]),
                ("organisations", &["org"][..]),
                ("disabled", &["disabled"][..]),
                ("reason", &["reason"][..]),
            ],
        ),
        (
            "NewOrganisation",
            vec![("/organisationer".into(), "/organisationer".into())],
            vec![
                ("id", &["id"][..]),
                ("name", &["name"][..]),
                ("short_name", &["short_name"][..]),
                ("kind", &["kind"][..]),
                ("parent_id", &["parent_id"][..]),
                ("reason", &["reason"][..]),
            ],
        ),
        (
            "OrganisationChangesBody",
            vec![("/organisationer".into(), "/organisationer/narhalsan".into())],
            vec![
                ("name", &["name"][..]),
                ("short_name", &["short_name"][..]),
                ("kind", &["kind"][..]),
                ("parent_id", &["parent_id"][..]),
                reference_end[0],
                reference_end[1],
            ],
        ),
        (
            "NewArea",
            vec![("/omraden".into(), "/omraden".into())],
            vec![
                ("id", &["id"][..]),
                ("name", &["name"][..]),
                ("kind", &["kind"][..]),
                ("reason", &["reason"][..]),
            ],
        ),
        (
            "AreaChangesBody",
            vec![("/omraden".into(), "/omraden/distrikt-norr".into())],
            vec![
                ("name", &["name"][..]),
                ("kind", &["kind"][..]),
                ("streets", &["streets"][..]),
                reference_end[0],
                reference_end[1],
            ],
        ),
        (
            "EndBody",
            vec![
                ("/omraden".into(), "/omraden/distrikt-norr".into()),
                ("/organisationer".into(), "/organisationer/narhalsan".into()),
            ],
            reference_end.to_vec(),
        ),
        (
            "AcceptBody",
            vec![("/granska".into(), format!("/rattelse/{report}"))],
            vec![
                ("number", &["number"][..]),
                ("number_confirmed", &["number_confirmed"][..]),
                ("reason", &["reason"][..]),
            ],
        ),
        (
            "RejectBody",
            vec![("/granska".into(), format!("/rattelse/{report}"))],
            vec![("reason", &["reason"][..])],
        ),
        (
            "ConfirmBody",
            vec![("/granska".into(), format!("/enhet/{BVC}/bekrafta"))],
            vec![("reason", &["fixed"][..])],
        ),
        (
            "NewUnit",
            vec![("/ny-enhet".into(), "/ny-enhet".into())],
            vec![
                ("name", &["name"][..]),
                ("kind", &["kind"][..]),
                ("organisation_id", &["organisation_id"][..]),
                ("area_ids", &["area"][..]),
                ("hsa_id", &["hsa_id"][..]),
                ("address", &["street", "postal_code", "city"][..]),
                ("note", &["note"][..]),
                ("active_from", &["active_from"][..]),
                ("reviewed_at", &["granskad"][..]),
                ("reason", &["reason"][..]),
                (
                    "contact_points",
                    &["vag_in_label", "vag_in_number", "number_confirmed"][..],
                ),
            ],
        ),
        (
            "UnitChangesBody",
            [s, BOENDE, BVC]
                .iter()
                .map(|u| (format!("/enhet/{u}/uppgifter"), format!("/enhet/{u}/uppgifter")))
                .collect(),
            vec![
                ("name", &["name"][..]),
                ("kind", &["kind"][..]),
                ("organisation_id", &["organisation_id"][..]),
                ("area_ids", &["area"][..]),
                ("hsa_id", &["hsa_id"][..]),
                ("address", &["street", "postal_code", "city"][..]),
                ("note", &["note"][..]),
                ("active_from", &["active_from"][..]),
                ("active_to", &["active_to"][..]),
                ("reviewed_at", &["granskad"][..]),
                ("review_interval_months", &["review_interval_months"][..]),
                ("preschools", &["preschools"][..]),
                ("fallback_contact_point_id", &["fallback"][..]),
                ("notices", &["notice_from", "notice_to", "notice_text"][..]),
                ("periods", periods),
                ("reason", &["reason"][..]),
                (
                    "responsibility",
                    &[
                        "vardcentral_id",
                        "doctor_weekday",
                        "doctor_time",
                        "doctor_interval",
                        "meeting_form",
                    ][..],
                ),
            ],
        ),
        (
            "DeactivateBody",
            vec![(format!("/enhet/{s}/uppgifter"), format!("/enhet/{s}/avsluta"))],
            vec![("active_to", &["fran"][..]), ("reason", &["reason"][..])],
        ),
        (
            "RevertBody",
            vec![(format!("/enhet/{s}/historik"), format!("/enhet/{s}/aterstall"))],
            vec![("version", &["till"][..]), ("reason", &["reason"][..])],
        ),
        (
            "NewContactPoint",
            vec![(format!("/enhet/{s}/redigera"), format!("/enhet/{s}/nummer"))],
            number_fields.to_vec(),
        ),
        (
            "ContactPointChangesBody",
            vec![(
                format!("/enhet/{s}/redigera"),
                format!("/enhet/{s}/nummer/{point}"),
            )],
            number_fields.to_vec(),
        ),
        (
            "NewCorrection",
            vec![(format!("/enhet/{s}"), format!("/enhet/{s}/rapport"))],
            vec![
                ("message", &["message"][..]),
                ("contact_point_id", &["contact_point_id"][..]),
                ("proposed_number", &["proposed_number"][..]),
                ("proposed_number_confirmed", &["proposed_number_confirmed"][..]),
            ],
        ),
        (
            "NewWord",
            vec![("/ord".into(), "/ord".into())],
            vec![
                ("word", &["word"][..]),
                ("expansions", &["expansions"][..]),
                ("reason", &["reason"][..]),
            ],
        ),
        (
            "WordChanges",
            vec![("/ord".into(), format!("/ord/{}", "s%C3%A4bo"))],
            vec![("expansions", &["expansions"][..]), ("reason", &["reason"][..])],
        ),
    ];
    // A revertible history: one change first.
    let version = app.get(&format!("/v1/units/{s}")).await.etag.expect("etag");
    let res = app
        .send(
            actix_web::http::Method::PATCH,
            &format!("/v1/units/{s}"),
            Some(&admin),
            Some(&version),
            Some(serde_json::json!({"note": "ändrad"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let mut bodies = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            if ["post", "patch", "put", "delete"].contains(&method.as_str())
                && let Some(body) =
                    op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str()
            {
                let body = body.rsplit('/').next().expect("name").to_owned();
                assert!(
                    table.iter().any(|(b, _, _)| *b == body),
                    "{} {path}: its body {body} has no form",
                    method.to_uppercase()
                );
                bodies.insert(body);
            }
        }
    }
    for (body, pages, fields) in &table {
        assert!(bodies.contains(*body), "{body} is no body of the API");
        let properties: BTreeSet<&str> = doc["components"]["schemas"][*body]["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .map(String::as_str)
            .collect();
        let mapped: BTreeSet<&str> = fields.iter().map(|(p, _)| *p).collect();
        assert_eq!(
            properties, mapped,
            "{body}: every property has the fields that send it"
        );
        let mut sent = BTreeSet::new();
        for (uri, action) in pages {
            let html = text(&page(&app, uri, Some(&admin)).await).to_owned();
            sent.extend(field_names(&html, action));
        }
        for (property, names) in fields {
            for name in names.iter().filter(|n| **n != "fixed") {
                assert!(
                    sent.contains(*name),
                    "{body}.{property}: no field {name} in the forms {pages:?}: {sent:?}"
                );
            }
        }
    }
}

/// The names every form with `action` on the page can send: its fields and buttons, and the
/// boxes the number check adds (`data-check`).
fn field_names(html: &str, action: &str) -> std::collections::BTreeSet<String> {
    let mut names = std::collections::BTreeSet::new();
    let mut rest = html;
    while let Some(at) = rest.find(&format!(" action=\"{action}\"")) {
        let start = rest[..at].rfind("<form").expect("form tag");
        let end = start + rest[start..].find("</form>").expect("form end");
        let body = &rest[start..end];
        for part in body.split('<').skip(1) {
            let tag = &part[..part.find('>').unwrap_or(part.len())];
            if ["input ", "select ", "textarea ", "button "]
                .iter()
                .any(|t| tag.starts_with(t))
            {
                names.extend(attribute(tag, "name"));
                names.extend(attribute(tag, "data-check"));
            }
        }
        rest = &rest[end..];
    }
    names
}
/// An admin manages the built-in accounts on the page: a new editor for an organisation, who
/// can then sign in; a changed role and organisations; a disabled account; refusals in words.
#[actix_web::test]
async fn an_admin_manages_accounts_on_the_page() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let csrf = csrf_token(&admin);
    let editor = app.token(Role::Editor, &["narhalsan"]);
    assert_eq!(
        page(&app, "/konton", Some(&editor)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(page(&app, "/konton", Some(&admin)).await.status, StatusCode::OK);

    let new = [
        ("csrf", csrf.as_str()),
        ("username", "redaktor.sjobo"),
        ("display_name", "Redaktör Sjöbo"),
        ("role", "editor"),
        ("org", "narhalsan"),
        ("password", "kort"),
    ];
    let res = form(&app, "/konton", Some(&admin), &new).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", text(&res));
    assert!(
        text(&res).contains("value=\"redaktor.sjobo\""),
        "what was typed stays"
    );
    let mut new = new.to_vec();
    new[5] = ("password", "ett långt lösenord");
    let res = form(&app, "/konton", Some(&admin), &new).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let list = page(&app, "/konton?klart=skapat", Some(&admin)).await;
    assert!(
        text(&list).contains("Kontot är skapat.")
            && text(&list).contains("Redaktör Sjöbo (redaktör): Närhälsan"),
        "{}",
        text(&list)
    );
    let signed_in = form(
        &app,
        "/logga-in",
        None,
        &[("username", "redaktor.sjobo"), ("password", "ett långt lösenord")],
    )
    .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "the new editor signs in");

    // An admin now, for two organisations; then disabled: cannot sign in.
    let change = [
        ("csrf", csrf.as_str()),
        ("version", "1"),
        ("display_name", "Redaktör Sjöbo"),
        ("role", "admin"),
        ("org", "narhalsan"),
        ("org", "boras-stad-vaf"),
        ("password", ""),
    ];
    let res = form(&app, "/konton/redaktor.sjobo", Some(&admin), &change).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let list = app.get_as("/v1/accounts", Some(&admin)).await;
    let account = list.body["items"]
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["username"] == "redaktor.sjobo")
        .expect("the account")
        .clone();
    assert_eq!(account["role"], "admin", "{account}");
    assert_eq!(
        account["organisations"],
        serde_json::json!(["narhalsan", "boras-stad-vaf"])
    );
    let res = form(&app, "/konton/redaktor.sjobo", Some(&admin), &change).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a stale form");
    assert!(
        text(&res).contains("Någon annan har ändrat kontot"),
        "{}",
        text(&res)
    );
    let mut disable = change.to_vec();
    disable[1] = ("version", "2");
    disable.push(("disabled", "ja"));
    let res = form(&app, "/konton/redaktor.sjobo", Some(&admin), &disable).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let refused = form(
        &app,
        "/logga-in",
        None,
        &[("username", "redaktor.sjobo"), ("password", "ett långt lösenord")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
}

/// Admins read every change on the web, newest first, in words, page by page.
#[actix_web::test]
async fn an_admin_reads_the_whole_audit_log_on_the_page() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let reader = app.token(Role::Reader, &[]);
    assert_eq!(
        page(&app, "/logg", Some(&reader)).await.status,
        StatusCode::FORBIDDEN
    );
    let (point, _, version) = switchboard(&app).await;
    let res = app
        .send(
            actix_web::http::Method::PATCH,
            &format!("/v1/units/{SODRA_TORGET}/contact-points/{point}"),
            Some(&admin),
            Some(&format!("\"{version}\"")),
            Some(serde_json::json!({"number": "031-390 06 39", "reason": "nytt växelnummer"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let log = page(&app, "/logg", Some(&admin)).await;
    assert_eq!(log.status, StatusCode::OK);
    let body = text(&log);
    let first = body
        .split("<tbody>")
        .nth(1)
        .and_then(|b| b.split("</tr>").next())
        .expect("the newest row");
    assert!(
        first.contains("Nummer ändrat") && first.contains("nytt växelnummer"),
        "{first}"
    );
    assert!(
        first.contains("Växel och tidsbokning: nummer: 031-390 06 35 → 031-390 06 39"),
        "{first}"
    );
    let older = body
        .split("href=\"/logg?fore=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to older changes");
    let res = page(&app, &format!("/logg?fore={older}"), Some(&admin)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(!text(&res).contains("nytt växelnummer"), "the next page is older");
}

/// Admins keep the search vocabulary on the page: a new word, a changed one, a removed one,
/// and the search follows.
#[actix_web::test]
async fn an_admin_keeps_the_search_vocabulary_on_the_page() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let csrf = csrf_token(&admin);
    let editor = app.token(Role::Editor, &["narhalsan"]);
    assert_eq!(
        page(&app, "/ord", Some(&editor)).await.status,
        StatusCode::FORBIDDEN
    );
    let res = page(&app, "/ord", Some(&admin)).await;
    assert!(text(&res).contains("säbo"), "the shipped words: {}", text(&res));

    let res = form(
        &app,
        "/ord",
        Some(&admin),
        &[
            ("csrf", &csrf),
            ("word", "torgkliniken"),
            ("expansions", "södra torget"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let found = app.get("/v1/units?q=torgkliniken").await;
    assert!(
        crate::helpers::names(&found.body)
            .iter()
            .any(|n| n == "Närhälsan Södra Torget vårdcentral"),
        "{}",
        found.body
    );
    let res = form(
        &app,
        "/ord",
        Some(&admin),
        &[
            ("csrf", &csrf),
            ("word", "torgkliniken"),
            ("expansions", "södra torget"),
        ],
    )
    .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the word is there already: {}",
        text(&res)
    );

    let res = form(
        &app,
        "/ord/torgkliniken",
        Some(&admin),
        &[
            ("csrf", &csrf),
            ("version", "1"),
            ("expansions", "södra torget, torget"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let words = app.get("/v1/vocabulary").await;
    let word = words.body["items"]
        .as_array()
        .expect("words")
        .iter()
        .find(|w| w["word"] == "torgkliniken")
        .expect("the word")
        .clone();
    assert_eq!(word["expansions"], serde_json::json!(["södra torget", "torget"]));
    let res = form(
        &app,
        "/ord/torgkliniken",
        Some(&admin),
        &[("csrf", &csrf), ("version", "1"), ("expansions", "x")],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a stale form");
    let res = form(
        &app,
        "/ord/torgkliniken",
        Some(&admin),
        &[
            ("csrf", &csrf),
            ("version", "2"),
            ("expansions", "torget"),
            ("ta_bort", "ja"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let words = app.get("/v1/vocabulary").await;
    assert!(
        words.body["items"]
            .as_array()
            .expect("words")
            .iter()
            .all(|w| w["word"] != "torgkliniken")
    );
}

/// A tag's attribute, unescaped (maud escapes `& < > "`).
fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = start + tag[start..].find('"')?;
    Some(unescape(&tag[start..end]))
}

fn unescape(raw: &str) -> String {
    raw.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// What the form with `id` sends when submitted as the page shows it: its inputs (boxes only
/// when ticked, no buttons), each select's chosen option (else its first), its textareas.
fn form_as_shown(html: &str, id: &str) -> Vec<(String, String)> {
    let at = html
        .find(&format!(" id=\"{id}\""))
        .unwrap_or_else(|| panic!("no form {id}"));
    let start = html[..at].rfind("<form").expect("form tag");
    let end = start + html[start..].find("</form>").expect("form end");
    let body = &html[start..end];
    let mut fields = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let tag = &rest[..rest.find('>').expect("tag end")];
        let Some(name) = attribute(tag, "name") else {
            continue;
        };
        if tag.starts_with("input ") {
            let kind = attribute(tag, "type").unwrap_or_else(|| "text".into());
            let ticked = tag.split_whitespace().any(|w| w == "checked");
            if kind == "checkbox" && !ticked {
                continue;
            }
            fields.push((name, attribute(tag, "value").unwrap_or_default()));
        } else if tag.starts_with("textarea ") {
            let content = &rest[rest.find('>').expect("end") + 1..rest.find("</textarea>").expect("close")];
            fields.push((name, unescape(content)));
        } else if tag.starts_with("select ") {
            let options = &rest[..rest.find("</select>").expect("close")];
            let chosen = options
                .split("<option")
                .skip(1)
                .find(|o| o[..o.find('>').expect("end")].contains(" selected"))
                .or_else(|| options.split("<option").nth(1))
                .map(|o| attribute(&o[..o.find('>').expect("end")], "value").unwrap_or_default());
            fields.push((name, chosen.unwrap_or_default()));
        }
    }
    fields
}

async fn submit(app: &TestApp, uri: &str, session: &str, fields: &[(String, String)]) -> Response {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    form(app, uri, Some(session), &pairs).await
}

/// The class of "the page shows the stored value in a way that saves as another": every form
/// of every unit, submitted as its page shows it, is no change (no new version, no event),
/// with hours, date exceptions, periods, notices, a fallback and a responsibility of every
/// kind the API stores, most of them ones the first forms could not show.
#[actix_web::test]
async fn every_form_saved_as_shown_changes_nothing() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let (point, _, version) = switchboard(&app).await;
    let boda = app.get("/v1/units/7485a69a-3e36-569e-9981-86a16d53294d").await;
    let boda_switchboard = boda.body["contact_points"][2]["contact_point_id"].clone();
    let res = app
        .send(
            actix_web::http::Method::PATCH,
            &format!("/v1/units/{SODRA_TORGET}/contact-points/{point}"),
            Some(&admin),
            Some(&format!("\"{version}\"")),
            Some(serde_json::json!({
                "hours": {
                    "mode": "open_during",
                    "weekly": [
                        {"days": ["mon", "wed"], "from": "08:00", "to": "10:00"},
                        {"days": ["workdays"], "from": "10:30", "to": "12:00"},
                        {"days": ["workdays"], "from": "13:00", "to": "15:00"},
                        {"days": ["sat", "non_workdays"], "from": "09:00", "to": "11:00"},
                        {"days": ["every_day"], "from": "22:00", "to": "02:00"}
                    ],
                    "exceptions": [
                        {"date": "2026-12-24", "spans": [], "note": "julafton"},
                        {"date": "2026-12-31", "spans": [{"from": "08:00", "to": "12:00"}, {"from": "13:00", "to": "14:00"}]}
                    ],
                    "valid_from": "2026-01-01",
                    "valid_to": "2028-06-01"
                },
                "periods": [
                    {"from": "2027-07-12", "to": "2027-08-08", "weekly": [], "redirect_to": boda_switchboard, "note": "Sommarstängt v. 28–31."},
                    {"from": "2027-12-27", "weekly": [{"days": ["workdays"], "from": "09:00", "to": "12:00"}]}
                ]
            })),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let version = res.etag.expect("etag").trim_matches('"').to_owned();
    let res = app
        .send(
            actix_web::http::Method::PATCH,
            &format!("/v1/units/{SODRA_TORGET}"),
            Some(&admin),
            Some(&format!("\"{version}\"")),
            Some(serde_json::json!({
                "fallback_contact_point_id": boda_switchboard,
                "notices": [{"from": "2026-11-15", "to": "2027-12-31", "text": "Nytt nummer till växeln från 1 december."}, {"text": "Tills vidare"}],
                "periods": [{"from": "2027-06-01", "to": "2027-06-02", "weekly": [{"days": ["every_day"], "from": "10:00", "to": "11:00"}], "note": "Utbildning"}]
            })),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // The other numbers: closed until further notice (a period with nothing but itself), a
    // jour with no times (answered always), all day and more, dates without weekly times.
    let unit = app.get(&format!("/v1/units/{SODRA_TORGET}")).await;
    let mut version = unit.etag.expect("etag");
    let points = unit.body["contact_points"].as_array().expect("points").clone();
    let others: Vec<&serde_json::Value> = points
        .iter()
        .filter(|c| c["contact_point_id"] != point.as_str())
        .collect();
    for (c, body) in others.iter().zip([
        serde_json::json!({"hours": {"mode": "closed_during", "weekly": []}, "periods": [{}]}),
        serde_json::json!({"hours": {"weekly": [{"days": ["sat"], "from": "00:00", "to": "24:00"}, {"days": ["mon"], "from": "08:00", "to": "12:00"}]}}),
    ]) {
        let res = app
            .send(
                actix_web::http::Method::PATCH,
                &format!("/v1/units/{SODRA_TORGET}/contact-points/{}", c["contact_point_id"].as_str().expect("id")),
                Some(&admin),
                Some(&version),
                Some(body),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        version = res.etag.expect("etag");
    }

    let units = app.get_as("/v1/units?limit=100&active=all", Some(&admin)).await;
    let ids: Vec<String> = units.body["items"]
        .as_array()
        .or_else(|| units.body.as_array())
        .expect("units")
        .iter()
        .map(|u| u["id"].as_str().expect("id").to_owned())
        .collect();
    assert!(ids.len() > 20, "{}", units.body);
    let events = app.audit_count();
    let mut forms = 0;
    for id in &ids {
        let before_unit = app.get(&format!("/v1/units/{id}")).await;
        let before = before_unit.etag.clone();
        let fields = text(&page(&app, &format!("/enhet/{id}/uppgifter"), Some(&admin)).await).to_owned();
        let shown = form_as_shown(&fields, "uppgifter");
        let res = submit(&app, &format!("/enhet/{id}/uppgifter"), &admin, &shown).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{id}: {}", text(&res));
        let edit = text(&page(&app, &format!("/enhet/{id}/redigera"), Some(&admin)).await).to_owned();
        let unit = app.get(&format!("/v1/units/{id}")).await;
        for c in unit.body["contact_points"].as_array().expect("points") {
            let point = c["contact_point_id"].as_str().expect("id");
            let shown = form_as_shown(&edit, &format!("nummer-{point}"));
            let res = submit(&app, &format!("/enhet/{id}/nummer/{point}"), &admin, &shown).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{id} {point}: {}", text(&res));
            forms += 1;
        }
        let after = app.get(&format!("/v1/units/{id}")).await;
        assert_eq!(
            after.etag, before,
            "{id}: a form as shown changed the unit:\n{}\n{}",
            before_unit.body, after.body
        );
        assert_eq!(app.audit_count(), events, "{id}: a form as shown wrote");
    }
    assert!(forms > 40, "{forms} number forms");
    // And the pages showed what they kept: the hours, dates, periods and notices in words.
    let edit = text(&page(&app, &format!("/enhet/{SODRA_TORGET}/redigera"), Some(&admin)).await).to_owned();
    for shown in [
        "value=\"mån, ons 08:00–10:00, vardagar 10:30–12:00, vardagar 13:00–15:00, lör, helger och helgdagar 09:00–11:00, alla dagar 22:00–02:00 över natten\"",
        "2026-12-24 stängt (julafton)\n2026-12-31 08:00–12:00, 13:00–14:00",
        "name=\"valid_until\" value=\"2028-05-31\"",
        "name=\"period_redirect\" value=\"031-390 06 02\"",
        ">Sommarstängt v. 28–31.</textarea>",
    ] {
        assert!(edit.contains(shown), "{shown}");
    }
    let fields =
        text(&page(&app, &format!("/enhet/{SODRA_TORGET}/uppgifter"), Some(&admin)).await).to_owned();
    for shown in [
        "name=\"fallback\" value=\"031-390 06 02\"",
        "Tills vidare",
        ">Utbildning</textarea>",
    ] {
        assert!(fields.contains(shown), "{shown}");
    }
}

/// Replaces the value of the first field `name` (of the `nth` with that name).
fn set(fields: &mut [(String, String)], name: &str, nth: usize, value: &str) {
    let field = fields
        .iter_mut()
        .filter(|(k, _)| k == name)
        .nth(nth)
        .unwrap_or_else(|| panic!("no field {name} #{nth}"));
    field.1 = value.to_owned();
}

#[actix_web::test]
async fn an_editor_writes_hours_periods_notices_fallback_and_responsibility_in_words() {
    let app = TestApp::new();
    let editor = app.token(Role::Editor, &["narhalsan"]);
    let (point, _, _) = switchboard(&app).await;
    let edit_uri = format!("/enhet/{SODRA_TORGET}/redigera");
    let edit = text(&page(&app, &edit_uri, Some(&editor)).await).to_owned();
    let mut fields = form_as_shown(&edit, &format!("nummer-{point}"));
    set(&mut fields, "purpose", 0, "other");
    set(&mut fields, "hours_mode", 0, "open_during");
    set(
        &mut fields,
        "hours",
        0,
        "vardagar 8–12, 13–16.30, mån och ons 17–19, lör 10–14, sön 10–12",
    );
    set(
        &mut fields,
        "exceptions",
        0,
        "2026-12-24 stängt (julafton)\n2026-12-31 8–12",
    );
    set(&mut fields, "valid_until", 0, "2027-12-31");
    set(&mut fields, "period_from", 0, "2027-07-12");
    set(&mut fields, "period_to", 0, "2027-08-08");
    set(&mut fields, "period_redirect", 0, "031-390 06 02");
    set(&mut fields, "period_note", 0, "Sommarstängt");
    let uri = format!("/enhet/{SODRA_TORGET}/nummer/{point}");

    // Refused in words, what was typed kept: a number no unit has, a range of days.
    let mut wrong = fields.clone();
    set(&mut wrong, "period_redirect", 0, "031-390 06 99");
    set(&mut wrong, "hours", 0, "mån–fre 8–17");
    let events = app.audit_count();
    let res = submit(&app, &uri, &editor, &wrong).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    for says in [
        "inget nummer i katalogen är 031-390 06 99",
        "skriv inte dagar som ett intervall",
        "value=\"mån–fre 8–17\"",
    ] {
        assert!(text(&res).contains(says), "{says}: {}", text(&res));
    }
    assert_eq!(app.audit_count(), events);

    let res = submit(&app, &uri, &editor, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let unit = app.get(&format!("/v1/units/{SODRA_TORGET}")).await;
    let stored = unit.body["contact_points"]
        .as_array()
        .expect("points")
        .iter()
        .find(|c| c["contact_point_id"] == point.as_str())
        .expect("the number")
        .clone();
    assert_eq!(stored["purpose"], "other");
    assert_eq!(stored["hours"]["weekly"].as_array().expect("spans").len(), 5);
    assert_eq!(
        stored["hours"]["weekly"][2]["days"],
        serde_json::json!(["mon", "wed"])
    );
    assert_eq!(stored["hours"]["exceptions"][0]["note"], "julafton");
    assert_eq!(
        stored["hours"]["valid_to"], "2028-01-01",
        "the last day shown, the day after stored"
    );
    let boda_switchboard = "3242208c-56e0-4b2a-8a69-a07800371931";
    assert_eq!(stored["periods"][0]["redirect_to"], boda_switchboard);
    assert_eq!(
        stored["periods"][0]["weekly"],
        serde_json::json!([]),
        "blank hours: closed"
    );

    // The unit's own: fallback, notices, a period; the responsibility of a boende.
    let fields_uri = format!("/enhet/{SODRA_TORGET}/uppgifter");
    let page_now = text(&page(&app, &fields_uri, Some(&editor)).await).to_owned();
    assert!(
        !page_now.contains("name=\"vardcentral_id\""),
        "a vårdcentral has no ansvarig vårdcentral"
    );
    let mut fields = form_as_shown(&page_now, "uppgifter");
    set(&mut fields, "fallback", 0, "031-390 06 02");
    set(&mut fields, "notice_from", 0, "2026-12-01");
    set(
        &mut fields,
        "notice_text",
        0,
        "Nytt nummer till växeln från 1 januari.",
    );
    set(&mut fields, "period_from", 0, "2027-06-01");
    set(&mut fields, "period_to", 0, "2027-06-01");
    set(&mut fields, "period_hours", 0, "alla dagar 10–11");
    let res = submit(&app, &fields_uri, &editor, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let unit = app.get(&format!("/v1/units/{SODRA_TORGET}")).await;
    assert_eq!(unit.body["fallback_contact_point_id"], boda_switchboard);
    let unit = app
        .get_as(&format!("/v1/units/{SODRA_TORGET}"), Some(&editor))
        .await;
    assert_eq!(
        unit.body["all_notices"][0]["text"], "Nytt nummer till växeln från 1 januari.",
        "{}",
        unit.body
    );
    assert_eq!(
        unit.body["periods"][0]["weekly"][0]["days"],
        serde_json::json!(["every_day"])
    );

    let boende = "37f8c083-6119-54be-9b1e-ee2559795393";
    let sof = app.token(Role::Editor, &["boras-stad-vaf"]);
    let fields_uri = format!("/enhet/{boende}/uppgifter");
    let mut fields = form_as_shown(text(&page(&app, &fields_uri, Some(&sof)).await), "uppgifter");
    set(&mut fields, "doctor_weekday", 0, "thu");
    set(&mut fields, "doctor_time", 0, "10:30");
    set(&mut fields, "doctor_interval", 0, "odd_weeks");
    set(&mut fields, "meeting_form", 0, "video");
    let res = submit(&app, &fields_uri, &sof, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let unit = app.get_as(&format!("/v1/units/{boende}"), Some(&sof)).await;
    assert_eq!(
        unit.body["responsibility"],
        serde_json::json!({"vardcentral_id": SODRA_TORGET, "doctor_time": {"weekday": "thu", "time": "10:30", "interval": "odd_weeks"}, "meeting_form": "video"}),
        "{}",
        unit.body
    );
    set(&mut fields, "doctor_time", 0, "halv elva");
    let res = submit(&app, &fields_uri, &sof, &fields).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        text(&res).contains("skriv läkartiden som TT:MM"),
        "{}",
        text(&res)
    );
    let history =
        text(&page(&app, &format!("/enhet/{SODRA_TORGET}/historik"), Some(&editor)).await).to_owned();
    assert!(
        history.contains("mån, ons 17:00–19:00"),
        "the history in words: {history}"
    );
}

#[actix_web::test]
async fn an_admin_keeps_organisations_areas_streets_and_the_vocabulary_on_the_pages() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let editor = app.token(Role::Editor, &["narhalsan"]);
    for uri in ["/organisationer", "/omraden"] {
        assert_eq!(
            page(&app, uri, Some(&editor)).await.status,
            StatusCode::FORBIDDEN,
            "{uri}"
        );
    }
    let csrf = csrf_token(&admin);
    let events = app.audit_count();

    // Every row, saved as its page shows it (a district with its streets too), changes nothing.
    for (list, path) in [
        ("/organisationer", "/v1/organisations"),
        ("/omraden", "/v1/areas"),
    ] {
        let shown = text(&page(&app, list, Some(&admin)).await).to_owned();
        let all = app.get_as(path, Some(&admin)).await;
        let items = all
            .body
            .as_array()
            .or_else(|| all.body["items"].as_array())
            .expect("list")
            .clone();
        assert!(items.len() > 5, "{}", all.body);
        for item in items {
            let id = item["id"].as_str().expect("id");
            let row = form_as_shown(&shown, &format!("rad-{id}"));
            let res = submit(&app, &format!("{list}/{id}"), &admin, &row).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{id}: {}", text(&res));
        }
    }
    assert_eq!(app.audit_count(), events, "a row saved as shown wrote");
    assert!(
        text(&page(&app, "/omraden", Some(&admin)).await)
            .contains("Allégatan udda nummer\nKungsgatan från 30"),
        "a district's streets in words"
    );

    // A district's streets changed on the page: a problem by line, then saved.
    let shown = text(&page(&app, "/omraden", Some(&admin)).await).to_owned();
    let mut norr = form_as_shown(&shown, "rad-distrikt-norr");
    set(&mut norr, "streets", 0, "Sandwalls plats\nAllégatan 12–3");
    let res = submit(&app, "/omraden/distrikt-norr", &admin, &norr).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text(&res).contains("rad 2: Allégatan: husnummer till (3) ligger före från (12)"),
        "{}",
        text(&res)
    );
    set(
        &mut norr,
        "streets",
        0,
        "Sandwalls plats\nAllégatan udda nummer\nKungsgatan från 30\nNygatan från 30",
    );
    let res = submit(&app, "/omraden/distrikt-norr", &admin, &norr).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let lookup = app
        .get_as("/v1/lookup/address?street=Nygatan%2032", Some(&admin))
        .await;
    assert!(
        lookup.body.to_string().contains("distrikt-norr"),
        "{}",
        lookup.body
    );
    let events = app.audit_count();

    // A new organisation under Närhälsan, then its name changed.
    let res = form(
        &app,
        "/organisationer",
        Some(&admin),
        &[
            ("csrf", &csrf),
            ("id", "testvard"),
            ("name", "Testvård"),
            ("kind", "private"),
            ("parent_id", "narhalsan"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let stored = app.get_as("/v1/organisations/testvard", Some(&admin)).await;
    assert_eq!(stored.body["parent_id"], "narhalsan", "{}", stored.body);
    let list = text(&page(&app, "/organisationer", Some(&admin)).await).to_owned();
    let mut row = form_as_shown(&list, "rad-testvard");
    set(&mut row, "name", 0, "Testvården");
    let res = submit(&app, "/organisationer/testvard", &admin, &row).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    assert_eq!(
        app.get_as("/v1/organisations/testvard", Some(&admin)).await.body["name"],
        "Testvården"
    );
    // The same form again is stale: said so, what was typed kept, nothing written.
    set(&mut row, "name", 0, "Testvård AB");
    let written = app.audit_count();
    let res = submit(&app, "/organisationer/testvard", &admin, &row).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text(&res).contains("Någon annan har ändrat organisationen"),
        "{}",
        text(&res)
    );
    assert!(text(&res).contains("value=\"Testvård AB\""));
    assert_eq!(app.audit_count(), written);
    // Ending one that still has active units is refused in words; an empty one ends, and opens
    // again.
    let list = text(&page(&app, "/organisationer", Some(&admin)).await).to_owned();
    let mut narhalsan = form_as_shown(&list, "rad-narhalsan");
    narhalsan.push(("avsluta".into(), "ja".into()));
    let res = submit(&app, "/organisationer/narhalsan", &admin, &narhalsan).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", text(&res));
    assert!(
        text(&res).contains("organisationen har 10 aktiva enheter och 1 aktiva underorganisationer"),
        "{}",
        text(&res)
    );
    let mut end = form_as_shown(&list, "rad-testvard");
    end.push(("avsluta".into(), "ja".into()));
    let res = submit(&app, "/organisationer/testvard", &admin, &end).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    assert!(app.get_as("/v1/organisations/testvard", Some(&admin)).await.body["active_to"].is_string());
    let list = text(&page(&app, "/organisationer", Some(&admin)).await).to_owned();
    let mut open = form_as_shown(&list, "rad-testvard");
    open.push(("oppna".into(), "ja".into()));
    let res = submit(&app, "/organisationer/testvard", &admin, &open).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    assert!(app.get_as("/v1/organisations/testvard", Some(&admin)).await.body["active_to"].is_null());

    // A new district.
    let res = form(
        &app,
        "/omraden",
        Some(&admin),
        &[
            ("csrf", &csrf),
            ("id", "distrikt-test"),
            ("name", "Distrikt Test"),
            ("kind", "district"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    assert_eq!(
        app.get_as("/v1/areas/distrikt-test", Some(&admin)).await.body["kind"],
        "district"
    );
    assert!(app.audit_count() > events);

    // The street table from a file: problems by line; then a preview per district; then the import.
    let bad = "gata,distrikt\nTestgatan,distrikt-finns-inte\n";
    let res = upload(
        &app,
        &admin,
        &[
            ("csrf", None, &csrf),
            ("vad", None, "gator"),
            ("fil", Some("gator.csv"), bad),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", text(&res));
    assert!(
        text(&res).contains("rad 2") && text(&res).contains("okänt distrikt"),
        "{}",
        text(&res)
    );
    let file = "gata,distrikt\nTestgatan,distrikt-test\nSandwalls plats,distrikt-norr\n";
    let parts = [
        ("csrf", None, csrf.as_str()),
        ("vad", None, "gator"),
        ("fil", Some("gator.csv"), file),
        ("reason", None, "nya gator"),
    ];
    let before = app.audit_count();
    let res = upload(&app, &admin, &parts).await;
    assert_eq!(res.status, StatusCode::OK, "{}", text(&res));
    let preview = text(&res).to_owned();
    for says in [
        "Förhandsgranskning: gatutabellen",
        "Distrikt Test",
        "Läggs till (1)",
        "Testgatan",
        "Tas bort",
        "name=\"vad\" value=\"gator\"",
    ] {
        assert!(preview.contains(says), "{says}: {preview}");
    }
    assert_eq!(app.audit_count(), before, "a preview writes nothing");
    let mut confirm = form_as_shown(&preview, "bekrafta-import");
    confirm.retain(|(k, _)| k != "csrf");
    let confirm: Vec<(&str, Option<&str>, &str)> = std::iter::once(("csrf", None, csrf.as_str()))
        .chain(confirm.iter().map(|(k, v)| (k.as_str(), None, v.as_str())))
        .collect();
    let res = upload(&app, &admin, &confirm).await;
    assert_eq!(res.status, StatusCode::OK, "{}", text(&res));
    assert!(
        text(&res).contains("Importen av gatutabellen är klar"),
        "{}",
        text(&res)
    );
    let test_district = app.get_as("/v1/areas/distrikt-test", Some(&admin)).await;
    assert_eq!(
        test_district.body["streets"][0]["street"], "Testgatan",
        "{}",
        test_district.body
    );
    assert!(app.audit_count() > before);

    // The vocabulary from a file, the same way.
    let file = "ord,uttryck\nsäbo,särskilt boende\nvc,vårdcentral\n";
    let res = upload(
        &app,
        &admin,
        &[
            ("csrf", None, &csrf),
            ("vad", None, "ord"),
            ("fil", Some("ord.csv"), file),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", text(&res));
    let preview = text(&res).to_owned();
    assert!(
        preview.contains("Förhandsgranskning: ordlistan") && preview.contains("Tas bort"),
        "{preview}"
    );
    let confirm: Vec<(String, String)> = form_as_shown(&preview, "bekrafta-import");
    let confirm: Vec<(&str, Option<&str>, &str)> = confirm
        .iter()
        .map(|(k, v)| (k.as_str(), None, v.as_str()))
        .collect();
    // A word added meanwhile: the confirmed preview no longer holds; nothing is imported
    // and the preview comes again, now with the new word to be removed.
    let res = app
        .send(
            actix_web::http::Method::POST,
            "/v1/vocabulary",
            Some(&admin),
            None,
            Some(serde_json::json!({"word": "nattis", "expansions": ["nattpatrull"]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = upload(&app, &admin, &confirm).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", text(&res));
    let again = text(&res).to_owned();
    assert!(
        again.contains("Inget importerades") && again.contains("nattis"),
        "{again}"
    );
    let confirm: Vec<(String, String)> = form_as_shown(&again, "bekrafta-import");
    let confirm: Vec<(&str, Option<&str>, &str)> = confirm
        .iter()
        .map(|(k, v)| (k.as_str(), None, v.as_str()))
        .collect();
    let res = upload(&app, &admin, &confirm).await;
    assert_eq!(res.status, StatusCode::OK, "{}", text(&res));
    let words = app.get_as("/v1/vocabulary", Some(&admin)).await;
    let count = words
        .body
        .as_array()
        .or_else(|| words.body["items"].as_array())
        .map(Vec::len);
    assert_eq!(count, Some(2), "{}", words.body);
}

#[actix_web::test]
async fn the_last_fields_the_pages_lacked_reach_the_api() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let csrf = csrf_token(&admin);
    let (point, _, _) = switchboard(&app).await;
    // A report about one number.
    let res = form(
        &app,
        &format!("/enhet/{SODRA_TORGET}/rapport"),
        Some(&admin),
        &[
            ("csrf", &csrf),
            ("message", "Växeln svarar inte"),
            ("contact_point_id", &point),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let open = app.get_as("/v1/corrections?status=open", Some(&admin)).await;
    assert_eq!(
        open.body["items"][0]["contact_point_id"],
        point.as_str(),
        "{}",
        open.body
    );
    // A number the unit does not have: refused, not stored.
    let res = form(
        &app,
        &format!("/enhet/{SODRA_TORGET}/rapport"),
        Some(&admin),
        &[
            ("csrf", &csrf),
            ("message", "Fel"),
            ("contact_point_id", "inget-id"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", text(&res));
    // A revert with its reason in the history.
    let version = app
        .get(&format!("/v1/units/{SODRA_TORGET}"))
        .await
        .etag
        .expect("etag");
    let res = app
        .send(
            actix_web::http::Method::PATCH,
            &format!("/v1/units/{SODRA_TORGET}"),
            Some(&admin),
            Some(&version),
            Some(serde_json::json!({"note": "fel"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let version = res.etag.expect("etag").trim_matches('"').to_owned();
    let res = form(
        &app,
        &format!("/enhet/{SODRA_TORGET}/aterstall"),
        Some(&admin),
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("till", "1"),
            ("reason", "anteckningen var fel"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let history =
        text(&page(&app, &format!("/enhet/{SODRA_TORGET}/historik"), Some(&admin)).await).to_owned();
    assert!(history.contains("anteckningen var fel"), "{history}");
    // A new unit created and marked as reviewed.
    let res = form(
        &app,
        "/ny-enhet",
        Some(&admin),
        &[
            ("csrf", &csrf),
            ("version", "0"),
            ("name", "Hemtjänst Granskad (exempel)"),
            ("kind", "hemtjanst"),
            ("organisation_id", "boras-stad-vaf"),
            ("area", "mote-1"),
            ("vag_in_label", "En väg in"),
            ("vag_in_number", "031-390 06 98"),
            ("granskad", "ja"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let id = app.unit_id("Hemtjänst Granskad (exempel)");
    let unit = app.get_as(&format!("/v1/units/{id}"), Some(&admin)).await;
    assert_eq!(
        unit.body["reviewed_at"],
        kontaktnav::domain::today().to_string(),
        "{}",
        unit.body
    );
    // A word changed with its reason.
    let words = app.get_as("/v1/vocabulary", Some(&admin)).await;
    let version = words
        .body
        .as_array()
        .or_else(|| words.body["items"].as_array())
        .expect("words")
        .iter()
        .find(|w| w["word"] == "säbo")
        .map(|w| w["version"].to_string())
        .expect("säbo");
    let res = form(
        &app,
        "/ord/s%C3%A4bo",
        Some(&admin),
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("expansions", "särskilt boende, äldreboende"),
            ("reason", "fler ord"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    let log = text(&page(&app, "/logg", Some(&admin)).await).to_owned();
    assert!(log.contains("fler ord"), "{log}");
}

/// An account whose password was set under the old rules (10 characters, nothing else) keeps
/// working, and is asked for a new one at its next sign-in: the API says so in the token's
/// answer, the page sends the user to "Byt lösenord" first. The change checks the present
/// password and the rules, ends the account's other sessions and carries on signed in.
#[actix_web::test]
async fn an_old_easy_password_still_signs_in_and_is_asked_to_change() {
    use argon2::password_hash::PasswordHasher;
    let app = TestApp::new();
    let old_hash = argon2::Argon2::default()
        .hash_password(b"aaaaaaaaaa")
        .expect("hash")
        .to_string();
    let account = kontaktnav::db::accounts::Account {
        username: "gammal.redaktor".into(),
        display_name: "Gammal redaktör".into(),
        role: Role::Reader,
        organisations: vec![],
        disabled: false,
        version: 1,
        password_changed: false,
    };
    let meta = kontaktnav::db::audit::WriteMeta::system("test", kontaktnav::db::now());
    kontaktnav::db::accounts::create(&mut app.conn(), &meta, &account, &old_hash).expect("account");

    let token = |password: &'static str| {
        let app = &app;
        async move {
            app.send(
                actix_web::http::Method::POST,
                "/v1/auth/token",
                None,
                None,
                Some(serde_json::json!({"username": "gammal.redaktor", "password": password})),
            )
            .await
        }
    };
    let res = token("aaaaaaaaaa").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["password_change_required"], true);

    let sign_in = |password: &'static str| {
        let app = &app;
        async move {
            form(
                app,
                "/logga-in",
                None,
                &[
                    ("username", "gammal.redaktor"),
                    ("password", password),
                    ("next", "/gata"),
                ],
            )
            .await
        }
    };
    let res = sign_in("aaaaaaaaaa").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let location = res
        .headers
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default();
    assert_eq!(location, "/byt-losenord?krav=ja&next=/gata");
    let (old_session, _) = session_set(&res).expect("signed in");
    let res = page(&app, location, Some(&old_session)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(text(&res).contains("följer inte de regler"), "{}", text(&res));

    let change = |present: &'static str, new: &'static str, again: &'static str| {
        let (app, old_session) = (&app, &old_session);
        async move {
            form(
                app,
                "/byt-losenord",
                Some(old_session),
                &[
                    ("csrf", &csrf_token(old_session)),
                    ("present_password", present),
                    ("new_password", new),
                    ("again", again),
                    ("next", "/gata"),
                    ("krav", "ja"),
                ],
            )
            .await
        }
    };
    for (present, new, again, says) in [
        (
            "fel lösenord",
            "häst batteri häftklammer",
            "häst batteri häftklammer",
            "stämmer inte",
        ),
        ("aaaaaaaaaa", "bbbbbbbbbbbb", "bbbbbbbbbbbb", "lätt att gissa"),
        (
            "aaaaaaaaaa",
            "häst batteri häftklammer",
            "häst batteri häftklammre",
            "inte lika",
        ),
    ] {
        let res = change(present, new, again).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{says}");
        assert!(text(&res).contains(says), "{says}: {}", text(&res));
    }
    let res = change(
        "aaaaaaaaaa",
        "häst batteri häftklammer",
        "häst batteri häftklammer",
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", text(&res));
    assert_eq!(
        res.headers.get("location").and_then(|l| l.to_str().ok()),
        Some("/gata")
    );
    let (new_session, _) = session_set(&res).expect("a new session");
    assert_eq!(
        page(&app, "/gata", Some(&new_session)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        page(&app, "/gata", Some(&old_session)).await.status,
        StatusCode::SEE_OTHER,
        "the session from before the change has ended"
    );
    assert_eq!(token("aaaaaaaaaa").await.status, StatusCode::UNAUTHORIZED);
    let res = token("häst batteri häftklammer").await;
    assert_eq!(res.body["password_change_required"], false);
    let res = sign_in("häst batteri häftklammer").await;
    assert_eq!(
        res.headers.get("location").and_then(|l| l.to_str().ok()),
        Some("/gata")
    );
}

/// The hours as they will be saved, shown while typing, and the save itself read with one
/// parser and one set of rules: what one refuses the other refuses in the same words (a span
/// that starts and ends together, 24:00 as a start, overlapping or repeated spans, a span past
/// midnight not written so); decomposed letters read as composed ones; a refused query text
/// gets a fragment, not the API's problem document.
#[actix_web::test]
async fn the_hours_preview_and_the_save_refuse_alike() {
    let app = TestApp::new();
    let editor = app.token(Role::Editor, &["narhalsan"]);
    let (point, number, version) = switchboard(&app).await;
    let preview = |text: &str| {
        let (app, editor) = (&app, &editor);
        let uri = format!(
            "/telefontid?{}",
            serde_urlencoded::to_string([("tider", text)]).expect("query")
        );
        async move { page(app, &uri, Some(editor)).await }
    };
    for (hours, says) in [
        ("mån 8-8", "börjar och slutar samtidigt"),
        ("mån 24:00-01:00", "kan inte börja 24:00"),
        ("mån 24-24", "börjar och slutar samtidigt"),
        ("mån 8-12, mån 10-14", "överlappar"),
        ("mån 8-12, mån 8-12", "överlappar"),
        ("mån 12-8", "går över midnatt"),
    ] {
        let shown = preview(hours).await;
        assert!(
            text(&shown).contains(says),
            "preview of {hours}: {}",
            text(&shown)
        );
        assert!(!text(&shown).contains("Sparas som"), "{hours}");
        let saved = form(
            &app,
            &format!("/enhet/{SODRA_TORGET}/nummer/{point}"),
            Some(&editor),
            &[
                ("csrf", &csrf_token(&editor)),
                ("version", &version),
                ("label", "Växel"),
                ("number", &number),
                ("hours_mode", "open_during"),
                ("hours", hours),
            ],
        )
        .await;
        assert_ne!(saved.status, StatusCode::SEE_OTHER, "{hours} was saved");
        assert!(text(&saved).contains(says), "save of {hours}: {}", text(&saved));
    }
    // Written so, a night is taken; decomposed letters are read as composed ones.
    let shown = preview("mån 22-06 över natten").await;
    assert!(!text(&shown).contains("field-error"), "{}", text(&shown));
    let shown = preview("lo\u{308}r 10-14").await;
    assert!(text(&shown).contains("lör 10:00–14:00"), "{}", text(&shown));
    // A direction override in the query: refused, as a fragment of the page.
    let shown = preview("mån 8-12\u{202e}").await;
    assert_eq!(shown.status, StatusCode::BAD_REQUEST);
    assert!(
        shown.content_type.starts_with("text/html"),
        "{}",
        shown.content_type
    );
    assert!(text(&shown).contains("field-error"), "{}", text(&shown));
}
