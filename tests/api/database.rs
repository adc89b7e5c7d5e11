//! The one-`vag_in` rule is the database's, not only the code's: these tests go around the
//! service and write SQL straight into its database file.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use kontaktnav::db::repo;

use crate::helpers::TestApp;

/// Runs statements in one transaction and returns the database's error, if any.
fn try_sql(app: &TestApp, sql: &str) -> Result<(), String> {
    let mut conn = app.conn();
    conn.transaction(|c| c.batch_execute(sql))
        .map_err(|e| e.to_string())
}

fn herkules_vag_in(app: &TestApp) -> (String, String) {
    let directory = app.state.directory.current();
    let page = directory
        .find(
            &kontaktnav::directory::UnitFilter {
                query: kontaktnav::directory::Query::parse("Herkules vårdcentral").unwrap(),
                kinds: vec![],
                area: None,
                organisation: None,
                active: kontaktnav::directory::ActiveFilter::Active,
                on: kontaktnav::domain::today(),
                include_internal: true,
                review: None,
            },
            None,
            1,
        )
        .unwrap();
    let unit = page.units[0];
    (unit.id.to_string(), unit.vag_in().unwrap().id.to_string())
}

const NOW: &str = "'2026-11-22 12:00:00'";

#[actix_web::test]
async fn a_second_vag_in_number_is_refused_by_the_database() {
    let app = TestApp::new();
    let (unit, _) = herkules_vag_in(&app);
    let err = try_sql(
        &app,
        &format!(
            "INSERT INTO contact_points (id, unit_id, purpose, label, visibility, e164, national, created_at, updated_at, removed_at) VALUES ('11111111-1111-1111-1111-111111111111', '{unit}', 'vag_in', 'Andra', 'public', '+46313900699', '031-390 06 99', {NOW}, {NOW}, NULL);"
        ),
    )
    .unwrap_err();
    assert!(err.to_lowercase().contains("unique"), "{err}");
}

#[actix_web::test]
async fn a_unit_without_a_vag_in_number_is_refused_by_the_database() {
    let app = TestApp::new();
    // Pointing at nothing.
    let err = try_sql(
        &app,
        &format!(
            "INSERT INTO units (id, name, kind, organisation_id, active_from, vag_in_id, created_at, updated_at) VALUES ('22222222-2222-2222-2222-222222222222', 'Utan nummer', 'hemtjanst', 'boras-stad-vaf', '2026-01-01', '33333333-3333-3333-3333-333333333333', {NOW}, {NOW});"
        ),
    )
    .unwrap_err();
    assert!(err.to_lowercase().contains("foreign key"), "{err}");
    // Pointing at another unit's vag_in.
    let (_, other_vag_in) = herkules_vag_in(&app);
    let err = try_sql(
        &app,
        &format!(
            "INSERT INTO units (id, name, kind, organisation_id, active_from, vag_in_id, created_at, updated_at) VALUES ('22222222-2222-2222-2222-222222222222', 'Lånat nummer', 'hemtjanst', 'boras-stad-vaf', '2026-01-01', '{other_vag_in}', {NOW}, {NOW});"
        ),
    )
    .unwrap_err();
    assert!(err.to_lowercase().contains("foreign key"), "{err}");
}

#[actix_web::test]
async fn the_vag_in_number_cannot_be_removed_or_demoted() {
    let app = TestApp::new();
    let (_, vag_in) = herkules_vag_in(&app);
    for sql in [
        format!("UPDATE contact_points SET purpose = 'other' WHERE id = '{vag_in}';"),
        format!("DELETE FROM contact_points WHERE id = '{vag_in}';"),
    ] {
        let err = try_sql(&app, &sql).unwrap_err();
        assert!(err.to_lowercase().contains("foreign key"), "{sql}: {err}");
    }
    // Nothing changed.
    let snapshot = repo::load_snapshot(&mut app.conn()).unwrap();
    assert!(snapshot.units.iter().all(|u| u.vag_in().is_some()));
}

#[actix_web::test]
async fn a_unit_with_its_vag_in_is_accepted_in_one_transaction() {
    let app = TestApp::new();
    try_sql(
        &app,
        &format!(
            "INSERT INTO units (id, name, kind, organisation_id, active_from, vag_in_id, created_at, updated_at) VALUES ('44444444-4444-4444-4444-444444444444', 'Med nummer', 'hemtjanst', 'boras-stad-vaf', '2026-01-01', '55555555-5555-5555-5555-555555555555', {NOW}, {NOW});
             INSERT INTO contact_points (id, unit_id, purpose, label, visibility, e164, national, created_at, updated_at, removed_at) VALUES ('55555555-5555-5555-5555-555555555555', '44444444-4444-4444-4444-444444444444', 'vag_in', 'En väg in', 'internal', '+46313900698', '031-390 06 98', {NOW}, {NOW}, NULL);"
        ),
    )
    .unwrap();
    app.reload();
    let res = app.get("/v1/lookup?q=med%20nummer").await;
    assert_eq!(res.body["results"][0]["call"]["national"], "031-390 06 98");
}

#[actix_web::test]
async fn data_stored_before_the_audit_history_gets_a_first_version() {
    let app = TestApp::new();
    try_sql(
        &app,
        &format!(
            "INSERT INTO units (id, name, kind, organisation_id, active_from, vag_in_id, created_at, updated_at) VALUES ('66666666-6666-6666-6666-666666666666', 'Från förr', 'hemtjanst', 'boras-stad-vaf', '2026-01-01', '77777777-7777-7777-7777-777777777777', {NOW}, {NOW});
             INSERT INTO contact_points (id, unit_id, purpose, label, visibility, e164, national, created_at, updated_at, removed_at) VALUES ('77777777-7777-7777-7777-777777777777', '66666666-6666-6666-6666-666666666666', 'vag_in', 'En väg in', 'internal', '+46313900697', '031-390 06 97', {NOW}, {NOW}, NULL);"
        ),
    )
    .unwrap();
    let uri = "/v1/units/66666666-6666-6666-6666-666666666666/history";
    assert_eq!(app.get(uri).await.status, actix_web::http::StatusCode::NOT_FOUND);
    // What start-up does: every entity without an event gets one.
    let snapshot = repo::load_snapshot(&mut app.conn()).unwrap();
    let now = chrono::Utc::now().naive_utc();
    assert_eq!(
        kontaktnav::db::repo::record_baselines(&mut app.conn(), &snapshot, now).unwrap(),
        1
    );
    assert_eq!(
        kontaktnav::db::repo::record_baselines(&mut app.conn(), &snapshot, now).unwrap(),
        0
    );
    let res = app.get(uri).await;
    assert_eq!(res.body["versions"][0]["action"], "unit.baseline");
    assert_eq!(res.body["versions"][0]["version"], 1);
}

#[actix_web::test]
async fn demo_data_is_loaded_once() {
    let app = TestApp::new();
    let before = app.state.directory.current().unit_count();
    assert!(!kontaktnav::service::demo::load_if_empty(&mut app.conn()).unwrap());
    let after = repo::load_snapshot(&mut app.conn()).unwrap().units.len();
    assert_eq!(before, after);
}

/// The migration that widens the audit history (corrections, imports) rebuilds the table on
/// SQLite: every event stays, with its id, and the table stays append-only.
#[test]
fn the_audit_table_rebuild_keeps_every_event() {
    use diesel::sqlite::SqliteConnection;
    use diesel_migrations::MigrationHarness;
    use kontaktnav::db::SQLITE_MIGRATIONS;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("before-issue-6.db");
    let mut conn = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    for _ in 0..4 {
        conn.run_next_migration(SQLITE_MIGRATIONS).unwrap();
    }
    conn.batch_execute(
        "INSERT INTO audit_events (occurred_at, actor_sub, actor_role, action, entity_type, entity_id, entity_version, reason)
         VALUES ('2026-01-01 10:00:00', 'anna', 'editor', 'unit.update', 'unit', 'u1', 2, 'nytt nummer'),
                ('2026-01-02 10:00:00', 'admin', 'admin', 'account.create', 'account', 'anna', 1, NULL);",
    )
    .unwrap();
    let refused = conn.batch_execute(
        "INSERT INTO audit_events (occurred_at, actor_sub, actor_role, action, entity_type, entity_id, entity_version)
         VALUES ('2026-01-03 10:00:00', 'x', 'reader', 'correction.report', 'correction', 'c1', 1)",
    );
    assert!(refused.is_err(), "the old table knows no corrections");
    conn.run_pending_migrations(SQLITE_MIGRATIONS).unwrap();

    #[derive(QueryableByName, Debug, PartialEq)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
        #[diesel(sql_type = diesel::sql_types::Text)]
        entity_type: String,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        reason: Option<String>,
    }
    let rows: Vec<Row> = diesel::sql_query("SELECT id, entity_type, reason FROM audit_events ORDER BY id")
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        rows,
        [
            Row {
                id: 1,
                entity_type: "unit".into(),
                reason: Some("nytt nummer".into())
            },
            Row {
                id: 2,
                entity_type: "account".into(),
                reason: None
            },
        ]
    );
    conn.batch_execute(
        "INSERT INTO audit_events (occurred_at, actor_sub, actor_role, action, entity_type, entity_id, entity_version, batch_id)
         VALUES ('2026-01-03 10:00:00', 'x', 'reader', 'correction.report', 'correction', 'c1', 1, NULL)",
    )
    .unwrap();
    let next: Vec<Row> = diesel::sql_query("SELECT id, entity_type, reason FROM audit_events WHERE id > 2")
        .load(&mut conn)
        .unwrap();
    assert_eq!(next[0].id, 3, "ids go on after the kept ones");
    for sql in ["UPDATE audit_events SET reason = 'x'", "DELETE FROM audit_events"] {
        let err = conn.batch_execute(sql).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
}
