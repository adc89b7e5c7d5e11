//! CSV export and import (API and CLI), and vCards.

use std::process::Command;

use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, CONTENT_TYPE};
use actix_web::test::TestRequest;
use chrono::Utc;
use kontaktnav::db::audit::WriteMeta;
use kontaktnav::db::repo;
use kontaktnav::domain::Role;
use serde_json::Value;

use crate::helpers::{Response, TestApp, assert_problem};

const BIN: &str = env!("CARGO_BIN_EXE_kontaktnav");

async fn export(app: &TestApp, format: &str) -> Response {
    let admin = app.token(Role::Admin, &[]);
    app.get_as(&format!("/v1/export?format={format}"), Some(&admin))
        .await
}

async fn export_csv(app: &TestApp) -> String {
    let res = export(app, "csv").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.content_type.starts_with("text/csv"), "{}", res.content_type);
    res.body.as_str().expect("csv text").to_owned()
}

async fn import_as(app: &TestApp, token: &str, query: &str, csv: &str) -> Response {
    app.request(
        TestRequest::post()
            .uri(&format!("/v1/import{query}"))
            .insert_header((AUTHORIZATION, format!("Bearer {token}")))
            .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
            .set_payload(csv.to_owned()),
    )
    .await
}

async fn import(app: &TestApp, query: &str, csv: &str) -> Response {
    import_as(app, &app.token(Role::Admin, &[]), query, csv).await
}

/// The organisations and areas of `from`, stored into `to` (parents first): what an import
/// of units needs to exist.
fn copy_reference_data(from: &TestApp, to: &TestApp) {
    let directory = from.state.directory.current();
    let meta = WriteMeta::system("test", Utc::now().naive_utc());
    let mut conn = to.conn();
    let mut pending: Vec<_> = directory.organisations().cloned().collect();
    let mut stored: Vec<String> = Vec::new();
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|org| {
            if org.parent_id.as_ref().is_none_or(|p| stored.contains(p)) {
                repo::insert_organisation(&mut conn, &meta, org).expect("organisation");
                stored.push(org.id.clone());
                false
            } else {
                true
            }
        });
        assert!(pending.len() < before, "organisations form a tree");
    }
    for area in directory.areas() {
        repo::insert_area(&mut conn, &meta, area).expect("area");
    }
    drop(conn);
    to.reload();
}

/// The rows of a CSV text, header first.
fn rows(csv: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes())
        .records()
        .map(|r| r.expect("row").iter().map(str::to_owned).collect())
        .collect()
}

fn write_rows(rows: &[Vec<String>]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.write_record(row).expect("row");
    }
    String::from_utf8(writer.into_inner().expect("csv")).expect("utf-8")
}

fn column(rows: &[Vec<String>], name: &str) -> usize {
    rows[0].iter().position(|c| c == name).expect("column")
}

#[actix_web::test]
async fn export_then_import_into_an_empty_database_then_export_gives_the_same_file() {
    let source = TestApp::new();
    let file = export_csv(&source).await;
    let table = rows(&file);
    let units = source.state.directory.current().unit_count();
    assert_eq!(table[0].len(), kontaktnav::transfer::COLUMNS.len());
    assert!(
        table.len() > units,
        "one row per number, several numbers per unit"
    );

    let target = TestApp::empty();
    assert_eq!(target.state.directory.current().unit_count(), 0);
    copy_reference_data(&source, &target);
    let res = import(&target, "?reason=flytt", &file).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["created"], units);
    assert_eq!(res.body["rows"], table.len() - 1);
    let batch = res.body["batch_id"].as_str().expect("batch id").to_owned();
    assert_eq!(
        export_csv(&target).await,
        file,
        "export → import → export changes nothing"
    );

    // The batch can be inspected: one event per unit and the summary.
    let admin = target.token(Role::Admin, &[]);
    let log = target
        .get_as(&format!("/v1/audit?batch={batch}&limit=200"), Some(&admin))
        .await;
    assert_eq!(log.status, StatusCode::OK);
    let events = log.body["items"].as_array().expect("events");
    assert_eq!(events.len(), units + 1);
    assert!(events.iter().all(|e| e["batch_id"] == batch.as_str()));
    assert_eq!(events[0]["entity_type"], "import");
    assert_eq!(events[0]["after"]["created"], units);
    assert_eq!(events[1]["reason"], "flytt");

    // The same file again: nothing changes, nothing is recorded.
    let events_before = target.audit_count();
    let again = import(&target, "", &file).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.body["created"], 0);
    assert_eq!(again.body["changed"], 0);
    assert_eq!(again.body["unchanged"], units);
    assert!(again.body["batch_id"].is_null());
    assert_eq!(target.audit_count(), events_before);
}

#[actix_web::test]
async fn a_dry_run_reports_every_problem_with_its_line_and_column_and_changes_nothing() {
    let app = TestApp::new();
    let events = app.audit_count();
    let before = export_csv(&app).await;
    let id = "0b6f3c1e-5a2d-4c8e-9f10-2a3b4c5d6e7f";
    let file = format!(
        "name,kind,organisation_id,area_ids,contact_point_id,purpose,label,number
Hemtjänst Ett,hemtjanst,boras-stad-vaf,mote-1,{id},vag_in,En väg in,031-390 06 50
Hemtjänst Två,hemtjanst,boras-stad-vaf,mote-1,,vag_in,En väg in,12345
Hemtjänst Tre,hemtjanst,ingen-sadan-org,mote-1,,vag_in,En väg in,031-390 06 51
Hemtjänst Fyra,hemtjanst,boras-stad-vaf,mote-1,,vag_in,En väg in,031-390 06 52
Hemtjänst Fyra,hemtjanst,boras-stad-vaf,mote-1,,vag_in,Växel,031-390 06 53
Hemtjänst Fem,hemtjanst,boras-stad-vaf,mote-1,{id},vag_in,En väg in,031-390 06 54
Hemtjänst Sex,hemtjanstt,boras-stad-vaf,mote-1,,vag_in,En väg in,031-390 06 55
"
    );
    for query in ["?dry_run=true", ""] {
        let res = import(&app, query, &file).await;
        assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = res.body["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| e["field"].as_str().expect("field"))
            .collect();
        assert_eq!(
            fields,
            [
                "line 3: number",
                "line 4: organisation_id",
                "line 6: purpose",
                "line 7: contact_point_id",
                "line 8: kind"
            ],
            "{}",
            res.body
        );
        let detail = res.body["errors"].to_string();
        assert!(detail.contains("duplicate key"), "{detail}");
        assert!(detail.contains("one way in only"), "{detail}");
    }
    assert_eq!(app.audit_count(), events);
    assert_eq!(export_csv(&app).await, before);

    // The CLI reports the same, one line each, and exits with an error.
    let path = app.dir.path().join("fel.csv");
    std::fs::write(&path, &file).expect("write file");
    let out = Command::new(BIN)
        .args(["import", path.to_str().expect("path"), "--dry-run"])
        .env("DATABASE_URL", &app.database_url)
        .output()
        .expect("run kontaktnav import");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "fel.csv:3 [number]",
        "fel.csv:4 [organisation_id]",
        "fel.csv:6 [purpose]",
        "fel.csv:7 [contact_point_id]",
        "fel.csv:8 [kind]",
        "5 problem(s) in",
    ] {
        assert!(stderr.contains(expected), "{expected} in {stderr}");
    }
    assert_eq!(app.audit_count(), events);
}

#[actix_web::test]
async fn a_failed_import_leaves_the_database_unchanged() {
    let app = TestApp::new();
    let events = app.audit_count();
    let before = export_csv(&app).await;
    let mut table = rows(&before);
    let number = column(&table, "number");
    let fallback = column(&table, "fallback_contact_point_id");
    // Good changes first (a number, a new unit) ...
    table[1][number] = "031-390 06 99".into();
    let mut new_unit = table[1].clone();
    for (i, name) in table[0].clone().iter().enumerate() {
        if name.ends_with("_id") && name != "organisation_id" && name != "area_ids" || name == "hsa_id" {
            new_unit[i].clear();
        }
    }
    new_unit[column(&table, "name")] = "Helt ny enhet".into();
    new_unit[column(&table, "purpose")] = "vag_in".into();
    table.push(new_unit);
    // ... and last a fallback to a number that does not exist, which only the database can
    // tell once everything else is written.
    let last = table.len() - 2;
    table[last][fallback] = "11111111-2222-4333-8444-555555555555".into();
    let unit_of_last = table[last][0].clone();
    for row in table.iter_mut().skip(1).filter(|r| r[0] == unit_of_last) {
        row[fallback] = "11111111-2222-4333-8444-555555555555".into();
    }
    let res = import(&app, "", &write_rows(&table)).await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body["errors"][0]["field"]
            .as_str()
            .is_some_and(|f| f.ends_with("fallback_contact_point_id")),
        "{}",
        res.body
    );
    assert_eq!(app.audit_count(), events, "no event of the rolled-back writes");
    app.reload();
    assert_eq!(export_csv(&app).await, before, "nothing of the import stayed");
}

#[actix_web::test]
async fn an_import_changes_what_differs_and_records_one_batch() {
    let app = TestApp::new();
    let unit = app.unit_id("Närhälsan Södra Torget vårdcentral");
    let original = export_csv(&app).await;
    let mut table = rows(&original);
    let number = column(&table, "number");
    let purpose = column(&table, "purpose");
    let row = table
        .iter()
        .position(|r| r[0] == unit.to_string() && r[purpose] == "vag_in")
        .expect("the vag_in row");
    table[row][number] = "031-390 06 98".into();
    // A new unit with no ids at all: matched by organisation and name the next time.
    let header = table[0].clone();
    let new_row: Vec<String> = header
        .iter()
        .map(|c| match c.as_str() {
            "name" => "Hemtjänst Nyby (import)",
            "kind" => "hemtjanst",
            "organisation_id" => "boras-stad-vaf",
            "area_ids" => "mote-1",
            "purpose" => "vag_in",
            "label" => "En väg in",
            "number" => "031-390 06 97",
            _ => "",
        })
        .map(str::to_owned)
        .collect();
    table.push(new_row);
    let file = write_rows(&table);

    // Only admins import.
    for token in [
        app.token(Role::Reader, &[]),
        app.token(Role::Editor, &["narhalsan"]),
    ] {
        assert_problem(&import_as(&app, &token, "", &file).await, StatusCode::FORBIDDEN);
    }
    let wrong_type = app
        .request(
            TestRequest::post()
                .uri("/v1/import")
                .insert_header((AUTHORIZATION, format!("Bearer {}", app.token(Role::Admin, &[]))))
                .set_json(serde_json::json!({"csv": "no"})),
        )
        .await;
    assert_problem(&wrong_type, StatusCode::BAD_REQUEST);

    let events = app.audit_count();
    let dry = import(&app, "?dry_run=true", &file).await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
    assert_eq!(dry.body["dry_run"], true);
    assert_eq!(dry.body["changed"], 1);
    assert_eq!(dry.body["created"], 1);
    assert!(dry.body["batch_id"].is_null());
    assert_eq!(app.audit_count(), events);
    assert_eq!(export_csv(&app).await, original);

    let res = import(&app, "?reason=%C3%A5rlig%20lista", &file).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["changed"], 1);
    assert_eq!(res.body["created"], 1);
    assert_eq!(app.audit_count(), events + 3);
    let shown = app.get(&format!("/v1/units/{unit}")).await;
    assert_eq!(shown.body["contact_points"][0]["national"], "031-390 06 98");
    let history = app.get(&format!("/v1/units/{unit}/history")).await;
    let last: &Value = &history.body["versions"][0];
    assert_eq!(last["action"], "unit.import", "{}", history.body);
    assert_eq!(last["reason"], "årlig lista");

    // Again: nothing changes, and the new unit is not made twice.
    let again = import(&app, "", &file).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(
        (again.body["created"].as_u64(), again.body["changed"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(app.audit_count(), events + 3);

    // The CLI, with the number back as it was.
    let path = app.dir.path().join("tillbaka.csv");
    std::fs::write(&path, &original).expect("write file");
    let out = Command::new(BIN)
        .args(["import", path.to_str().expect("path")])
        .env("DATABASE_URL", &app.database_url)
        .output()
        .expect("run kontaktnav import");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("0 were created, 1 changed"), "{stdout}");
    app.reload();
    let shown = app.get(&format!("/v1/units/{unit}")).await;
    assert_eq!(shown.body["contact_points"][0]["national"], "031-390 06 33");
}

#[actix_web::test]
async fn a_semicolon_file_from_a_spreadsheet_is_read_too() {
    let app = TestApp::new();
    let file = "\u{feff}name;kind;organisation_id;area_ids;purpose;label;number\r\nHemtjänst Semikolon;hemtjanst;boras-stad-vaf;mote-1;vag_in;En väg in;031-390 06 96\r\n";
    let res = import(&app, "", file).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["created"], 1);
    let unknown = import(&app, "", "name,kind,organisation_id,purpose,label,nummer\n").await;
    assert_problem(&unknown, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = unknown.body["errors"].to_string();
    assert!(
        fields.contains("line 1: nummer") && fields.contains("line 1: number"),
        "{fields}"
    );
}

#[actix_web::test]
async fn units_export_as_vcards_with_their_numbers_and_purposes() {
    let app = TestApp::new();
    let unit = app.unit_id("Närhälsan Södra Torget vårdcentral");
    let res = app.get(&format!("/v1/units/{unit}/vcard")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.content_type.starts_with("text/vcard"));
    let card = res.body.as_str().expect("text").to_owned();
    assert!(card.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"), "{card}");
    assert!(card.ends_with("END:VCARD\r\n"));
    for line in card.split("\r\n") {
        assert!(line.len() <= 75, "{line:?}");
    }
    let unfolded = card.replace("\r\n ", "");
    assert!(
        unfolded.contains("FN:Närhälsan Södra Torget vårdcentral\r\n"),
        "{unfolded}"
    );
    assert!(unfolded.contains(&format!("UID:urn:uuid:{unit}\r\n")));
    assert!(
        unfolded
            .contains("item1.TEL;VALUE=uri;TYPE=\"work,voice\";PREF=1;X-PURPOSE=vag_in:tel:+46313900633\r\n"),
        "{unfolded}"
    );
    assert!(unfolded.contains("item1.X-ABLABEL:En väg in: "), "{unfolded}");
    assert!(
        unfolded.contains("ORG:Närhälsan;Närhälsan Södra Torget vårdcentral"),
        "{unfolded}"
    );

    let all = export(&app, "vcard").await;
    assert_eq!(all.status, StatusCode::OK);
    let text = all.body.as_str().expect("text");
    let active = app
        .state
        .directory
        .current()
        .units()
        .filter(|u| u.is_active_on(kontaktnav::domain::today()))
        .count();
    assert_eq!(text.matches("BEGIN:VCARD\r\n").count(), active);
    assert_eq!(text.matches("END:VCARD\r\n").count(), active);

    let missing = app
        .get("/v1/units/00000000-0000-4000-8000-000000000000/vcard")
        .await;
    assert_problem(&missing, StatusCode::NOT_FOUND);
    let anonymous = app.get_as(&format!("/v1/units/{unit}/vcard"), None).await;
    assert_problem(&anonymous, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn the_readmes_sample_file_imports() {
    let app = TestApp::new();
    let file = include_str!("../fixtures/import-sample.csv");
    let dry = import(&app, "?dry_run=true", file).await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.body);
    assert_eq!(
        (dry.body["rows"].as_u64(), dry.body["units"].as_u64()),
        (Some(3), Some(2))
    );
    let res = import(&app, "", file).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["created"], 2);
    let unit = app.unit_id("Hemtjänst Exempelby (exempel)");
    let shown = app.get(&format!("/v1/units/{unit}")).await;
    assert_eq!(shown.body["contact_points"][0]["national"], "031-390 06 90");
    let areas: Vec<&str> = shown.body["areas"]
        .as_array()
        .expect("areas")
        .iter()
        .map(|a| a["id"].as_str().expect("id"))
        .collect();
    assert_eq!(areas, ["distrikt-norr", "mote-1"], "{}", shown.body);
    let again = import(&app, "", file).await;
    assert_eq!(again.body["unchanged"], 2, "{}", again.body);
}

#[actix_web::test]
async fn a_file_from_another_database_matches_numbers_by_purpose_and_label() {
    // Two databases with the same units, but every number has another id in the other (the
    // demo data's ids are fixed, so the file gets new ones, used wherever the file names them).
    let one = TestApp::new();
    let other = TestApp::new();
    let file = with_other_number_ids(&export_csv(&one).await);
    assert_ne!(file, export_csv(&other).await);
    let units = other.state.directory.current().unit_count();
    let events = other.audit_count();
    let res = import(&other, "", &file).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["unchanged"], units, "{}", res.body);
    assert_eq!(other.audit_count(), events);
}

/// `file` as another database would write it: every number's id replaced by a new one, in
/// every column that names it (fallbacks, redirects).
fn with_other_number_ids(file: &str) -> String {
    let table = rows(file);
    let column = column(&table, "contact_point_id");
    let mut out = file.to_owned();
    for row in &table[1..] {
        out = out.replace(&row[column], &uuid::Uuid::new_v4().to_string());
    }
    out
}

/// Only some columns: what the header leaves out stays as stored; the one way in keeps its
/// purpose; a name two units share needs an id; formulas stay text in a spreadsheet.
#[actix_web::test]
async fn a_partial_file_changes_only_its_columns() {
    let app = TestApp::new();
    let unit = app.unit_id("Närhälsan Södra Torget vårdcentral");
    let full = rows(&export_csv(&app).await);
    let keep = [
        "name",
        "kind",
        "organisation_id",
        "purpose",
        "label",
        "number",
        "contact_point_id",
    ];
    let index: Vec<usize> = keep.iter().map(|c| column(&full, c)).collect();
    let of_unit: Vec<Vec<String>> = std::iter::once(&full[0])
        .chain(full.iter().filter(|r| r[0] == unit.to_string()))
        .map(|r| index.iter().map(|i| r[*i].clone()).collect())
        .collect();
    let before = app.get(&format!("/v1/units/{unit}")).await;
    let res = import(&app, "", &write_rows(&of_unit)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        res.body["unchanged"], 1,
        "hours, visibility, areas … stay: {}",
        res.body
    );
    assert_eq!(app.get(&format!("/v1/units/{unit}")).await.etag, before.etag);

    // The vag_in row turned into a switchboard, a new row as the vag_in: refused on its line.
    let mut demoted = of_unit.clone();
    let purpose = 3;
    let vag_in = demoted
        .iter()
        .position(|r| r[purpose] == "vag_in")
        .expect("vag_in row");
    demoted[vag_in][purpose] = "switchboard".into();
    let mut new_row = demoted[vag_in].clone();
    new_row[purpose] = "vag_in".into();
    new_row[4] = "Ny väg in".into();
    new_row[5] = "031-390 06 95".into();
    new_row[6].clear();
    demoted.push(new_row);
    let res = import(&app, "?dry_run=true", &write_rows(&demoted)).await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        res.body["errors"][0]["field"],
        format!("line {}: purpose", vag_in + 1)
    );

    // A formula in a note leaves as text and comes back as it was.
    let etag = before.etag.clone().expect("etag");
    let admin = app.token(Role::Admin, &[]);
    let patched = app
        .send(
            actix_web::http::Method::PATCH,
            &format!("/v1/units/{unit}"),
            Some(&admin),
            Some(&etag),
            Some(serde_json::json!({"note": "=HYPERLINK(\"http://example.com\")"})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    let file = export_csv(&app).await;
    assert!(file.contains("'=HYPERLINK"), "defused for spreadsheets");
    let again = import(&app, "", &file).await;
    assert_eq!(again.body["changed"], 0, "{}", again.body);
    let note = app.get(&format!("/v1/units/{unit}")).await.body["note"].clone();
    assert_eq!(note, "=HYPERLINK(\"http://example.com\")");
    // A text that begins with the guard itself (an apostrophe, then a formula's start, or
    // not) also comes back as it was, and a second round finds nothing to change.
    for text in ["'=x", "'abc", "''+1"] {
        let etag = app.get(&format!("/v1/units/{unit}")).await.etag.expect("etag");
        let patched = app
            .send(
                actix_web::http::Method::PATCH,
                &format!("/v1/units/{unit}"),
                Some(&admin),
                Some(&etag),
                Some(serde_json::json!({ "note": text })),
            )
            .await;
        assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
        let file = export_csv(&app).await;
        let again = import(&app, "", &file).await;
        assert_eq!(again.body["changed"], 0, "{text}: {}", again.body);
        assert_eq!(app.get(&format!("/v1/units/{unit}")).await.body["note"], text);
    }

    // Two units of one name in one organisation: a row without an id cannot choose.
    let twin = app
        .send(
            actix_web::http::Method::POST,
            "/v1/units",
            Some(&admin),
            None,
            Some(serde_json::json!({
                "name": "Närhälsan Södra Torget vårdcentral",
                "kind": "vardcentral",
                "organisation_id": "narhalsan",
                "contact_points": [{"purpose": "vag_in", "label": "En väg in", "number": "031-390 06 94"}]
            })),
        )
        .await;
    assert_eq!(twin.status, StatusCode::CREATED, "{}", twin.body);
    let res = import(&app, "?dry_run=true", &write_rows(&of_unit)).await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.body["errors"][0]["field"], "line 2: name", "{}", res.body);
}

/// A confirmed preview imports exactly what it showed: the dry run names the moment it was
/// made from (`based_on`); an import that sends it back after a unit of the file changed
/// answers 409 and changes nothing, also for a unit the file leaves as it is (which the file
/// would otherwise quietly undo). A change elsewhere in the directory does not stop it.
#[actix_web::test]
async fn an_import_confirmed_from_a_preview_refuses_what_changed_since() {
    let app = TestApp::new();
    let admin = app.token(Role::Admin, &[]);
    let file = export_csv(&app).await;
    let mut table = rows(&file);
    let name = column(&table, "name");
    let note = column(&table, "note");
    for row in table
        .iter_mut()
        .filter(|r| r[name] == "Närhälsan Södra Torget vårdcentral")
    {
        row[note] = "ny anteckning från filen".into();
    }
    // Only Södra Torget and Sjöbo in the file: one changed, one as stored.
    let of_two: Vec<Vec<String>> = table
        .iter()
        .enumerate()
        .filter(|(i, r)| {
            *i == 0
                || r[name] == "Närhälsan Södra Torget vårdcentral"
                || r[name] == "Närhälsan Sjöbo vårdcentral"
        })
        .map(|(_, r)| r.clone())
        .collect();
    let csv = write_rows(&of_two);
    let preview = import(&app, "?dry_run=true", &csv).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert_eq!(preview.body["changed"], 1);
    let based_on = preview.body["based_on"].as_i64().expect("based_on");

    let patch = |uri: String, note: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            let etag = app.get(&uri).await.etag.expect("etag");
            let res = app
                .send(
                    actix_web::http::Method::PATCH,
                    &uri,
                    Some(admin),
                    Some(&etag),
                    Some(serde_json::json!({ "note": note })),
                )
                .await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        }
    };
    // A unit the file does not name changes: the preview still holds.
    patch(
        format!("/v1/units/{}", app.unit_id("Närhälsan Sandared vårdcentral")),
        "annan enhet",
    )
    .await;
    // Sjöbo, which the file leaves as it was, changes on the web.
    let sjobo = format!("/v1/units/{}", app.unit_id("Närhälsan Sjöbo vårdcentral"));
    patch(sjobo.clone(), "ändrad på webben").await;
    let events = app.audit_count();
    let res = import(&app, &format!("?based_on={based_on}"), &csv).await;
    assert_problem(&res, StatusCode::CONFLICT);
    assert!(
        res.body["detail"]
            .as_str()
            .expect("detail")
            .contains("Närhälsan Sjöbo vårdcentral"),
        "{}",
        res.body
    );
    assert_eq!(app.audit_count(), events, "nothing was imported");
    assert_eq!(app.get(&sjobo).await.body["note"], "ändrad på webben");

    // A fresh preview shows both changes; confirmed, it imports them.
    let preview = import(&app, "?dry_run=true", &csv).await;
    assert_eq!(preview.body["changed"], 2, "{}", preview.body);
    let based_on = preview.body["based_on"].as_i64().expect("based_on");
    let res = import(&app, &format!("?based_on={based_on}"), &csv).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["changed"], 2);
    // A negative moment is no moment.
    assert_problem(&import(&app, "?based_on=-1", &csv).await, StatusCode::BAD_REQUEST);
}

/// A dry run does not take the writers' turn: it goes through while another process holds
/// the database's write lock (SQLite: on a private copy of the file; PostgreSQL: without the
/// writers' advisory lock), and changes nothing.
#[actix_web::test]
async fn a_dry_run_goes_through_while_another_writer_holds_the_database() {
    use diesel::connection::SimpleConnection;
    let app = TestApp::new();
    let file = export_csv(&app).await;
    let events = app.audit_count();
    let url = app.database_url.clone();
    let (held, release) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        use diesel::Connection;
        // The writers' turn, held as another instance's long write would hold it.
        let mut conn: Box<dyn FnMut(&str)> = match crate::helpers::postgres_url() {
            Some(_) => {
                let mut c = diesel::PgConnection::establish(&url).expect("connect");
                // The lock every write transaction takes (db::write_transaction, WRITE_LOCK).
                c.batch_execute("SELECT pg_advisory_lock(1802464885)")
                    .expect("the writers' lock");
                Box::new(move |sql| c.batch_execute(sql).expect(sql))
            }
            None => {
                let mut c =
                    diesel::SqliteConnection::establish(url.trim_start_matches("sqlite://")).expect("open");
                c.batch_execute("BEGIN IMMEDIATE").expect("the write lock");
                Box::new(move |sql| c.batch_execute(sql).expect(sql))
            }
        };
        held.send(()).expect("tell");
        done_rx.recv_timeout(std::time::Duration::from_secs(30)).ok();
        conn("SELECT 1");
    });
    release.recv().expect("held");
    let res = import(&app, "?dry_run=true", &file).await;
    done_tx.send(()).ok();
    holder.join().expect("holder");
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.body["dry_run"], true);
    assert_eq!(res.body["unchanged"], res.body["units"], "{}", res.body);
    assert_eq!(app.audit_count(), events, "a dry run writes nothing");
}

/// A file of more lines than an import takes is refused as too large (413), before it is
/// read, with the limit in words.
#[actix_web::test]
async fn a_file_of_too_many_lines_is_refused_as_too_large() {
    let app = TestApp::new();
    let mut file = String::from("name,kind,organisation_id,purpose,label,number\n");
    for _ in 0..=kontaktnav::service::import::MAX_ROWS {
        file.push_str("x\n");
    }
    let res = import(&app, "?dry_run=true", &file).await;
    assert_problem(&res, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        res.body["detail"].as_str().expect("detail").contains("200000"),
        "{}",
        res.body
    );
}
