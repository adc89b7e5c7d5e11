//! Rows as diesel reads and writes them. Conversion to and from domain types happens in
//! `repo.rs`; the audit event row is also read by the history views (routes/units.rs,
//! routes/audit.rs and the web's history page).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{accounts, areas, audit_events, contact_points, organisations, unit_areas, units};

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = organisations)]
pub struct OrganisationRow {
    pub id: String,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: String,
    pub parent_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub active_to: Option<NaiveDate>,
    pub version: i64,
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = areas)]
pub struct AreaRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub active_to: Option<NaiveDate>,
    pub version: i64,
    /// Street names (a JSON array), for districts.
    pub streets: Option<String>,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = units)]
pub struct UnitRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub organisation_id: String,
    pub hsa_id: Option<String>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub active_from: NaiveDate,
    pub active_to: Option<NaiveDate>,
    pub reviewed_at: Option<NaiveDate>,
    pub note: Option<String>,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub fallback_contact_point_id: Option<String>,
    pub responsibility: Option<String>,
    pub preschools: Option<String>,
    pub review_interval_months: i32,
    /// Dated periods (a JSON list) for each of the unit's numbers; none: NULL.
    pub periods: Option<String>,
    /// Dated notices (a JSON list); none: NULL.
    pub notices: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = units)]
pub struct NewUnitRow<'a> {
    pub id: String,
    pub name: &'a str,
    pub kind: &'static str,
    pub organisation_id: &'a str,
    pub hsa_id: Option<&'a str>,
    pub street: Option<&'a str>,
    pub postal_code: Option<&'a str>,
    pub city: Option<&'a str>,
    pub active_from: NaiveDate,
    pub active_to: Option<NaiveDate>,
    pub reviewed_at: Option<NaiveDate>,
    pub note: Option<&'a str>,
    pub vag_in_id: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub fallback_contact_point_id: Option<String>,
    pub responsibility: Option<String>,
    pub preschools: Option<String>,
    pub review_interval_months: i32,
    /// Dated periods (a JSON list) for each of the unit's numbers; none: NULL.
    pub periods: Option<String>,
    /// Dated notices (a JSON list); none: NULL.
    pub notices: Option<String>,
}

/// The editable columns of a unit, for UPDATE.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = units, treat_none_as_null = true)]
pub struct UnitChanges<'a> {
    pub name: &'a str,
    pub kind: &'static str,
    pub organisation_id: &'a str,
    pub hsa_id: Option<&'a str>,
    pub street: Option<&'a str>,
    pub postal_code: Option<&'a str>,
    pub city: Option<&'a str>,
    pub active_from: NaiveDate,
    pub active_to: Option<NaiveDate>,
    pub reviewed_at: Option<NaiveDate>,
    pub note: Option<&'a str>,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub fallback_contact_point_id: Option<String>,
    pub responsibility: Option<String>,
    pub preschools: Option<String>,
    pub review_interval_months: i32,
    /// Dated periods (a JSON list) for each of the unit's numbers; none: NULL.
    pub periods: Option<String>,
    /// Dated notices (a JSON list); none: NULL.
    pub notices: Option<String>,
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = unit_areas)]
pub struct UnitAreaRow {
    pub unit_id: String,
    pub area_id: String,
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = contact_points)]
pub struct ContactPointRow {
    pub id: String,
    pub unit_id: String,
    pub purpose: String,
    pub label: String,
    pub visibility: String,
    pub e164: String,
    pub national: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub removed_at: Option<NaiveDateTime>,
    /// Telephone hours as JSON.
    pub hours: Option<String>,
    /// Dated periods as a JSON list; none: NULL.
    pub periods: Option<String>,
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub organisations: String,
    pub disabled: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_events)]
pub struct NewAuditEventRow<'a> {
    pub occurred_at: NaiveDateTime,
    pub actor_sub: &'a str,
    pub actor_issuer: Option<&'a str>,
    pub actor_name: Option<&'a str>,
    pub actor_role: &'a str,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub entity_version: i64,
    pub organisation_id: Option<&'a str>,
    pub before_state: Option<String>,
    pub after_state: Option<String>,
    pub reason: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub batch_id: Option<&'a str>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEventRow {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub actor_sub: String,
    pub actor_issuer: Option<String>,
    pub actor_name: Option<String>,
    pub actor_role: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub entity_version: i64,
    pub organisation_id: Option<String>,
    pub before_state: Option<String>,
    pub after_state: Option<String>,
    pub reason: Option<String>,
    pub request_id: Option<String>,
    pub batch_id: Option<String>,
}
