//! Storing reports of wrong information and their decisions. Each report and each decision is
//! a write with its audit event (entity `correction`); accepting one changes the unit in the
//! same transaction, through [`super::units::store_change`], so the unit's history shows it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::audit::{self, Entity, Event, WriteMeta};
use super::schema::corrections;
use super::{DbConnection, write_transaction};
use super::{StoreError, StoreResult};
use crate::domain::correction::{Correction, Person};
use crate::domain::{CorrectionStatus, PhoneNumber};

#[derive(Debug, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = corrections, treat_none_as_null = true)]
struct CorrectionRow {
    id: String,
    unit_id: String,
    contact_point_id: Option<String>,
    message: String,
    proposed_number: Option<String>,
    reporter_sub: String,
    reporter_issuer: Option<String>,
    reporter_name: Option<String>,
    status: String,
    decided_by_sub: Option<String>,
    decided_by_issuer: Option<String>,
    decided_by_name: Option<String>,
    decided_at: Option<NaiveDateTime>,
    decision_reason: Option<String>,
    applied_version: Option<i64>,
    created_at: NaiveDateTime,
    version: i64,
}

impl From<&Correction> for CorrectionRow {
    fn from(c: &Correction) -> Self {
        Self {
            id: c.id.to_string(),
            unit_id: c.unit_id.to_string(),
            contact_point_id: c.contact_point_id.map(|id| id.to_string()),
            message: c.message.clone(),
            proposed_number: c.proposed_number.as_ref().map(|n| n.e164().to_owned()),
            reporter_sub: c.reporter.sub.clone(),
            reporter_issuer: c.reporter.issuer.clone(),
            reporter_name: c.reporter.name.clone(),
            status: c.status.code().to_owned(),
            decided_by_sub: c.decided_by.as_ref().map(|p| p.sub.clone()),
            decided_by_issuer: c.decided_by.as_ref().and_then(|p| p.issuer.clone()),
            decided_by_name: c.decided_by.as_ref().and_then(|p| p.name.clone()),
            decided_at: c.decided_at,
            decision_reason: c.decision_reason.clone(),
            applied_version: c.applied_version,
            created_at: c.created_at,
            version: c.version,
        }
    }
}

impl TryFrom<CorrectionRow> for Correction {
    type Error = anyhow::Error;

    fn try_from(row: CorrectionRow) -> anyhow::Result<Self> {
        let uuid =
            |raw: &str| Uuid::parse_str(raw).map_err(|e| anyhow::anyhow!("correction {}: {e}", row.id));
        Ok(Self {
            id: uuid(&row.id)?,
            unit_id: uuid(&row.unit_id)?,
            contact_point_id: row.contact_point_id.as_deref().map(uuid).transpose()?,
            message: row.message.clone(),
            proposed_number: row
                .proposed_number
                .as_deref()
                .map(PhoneNumber::parse)
                .transpose()
                .map_err(|e| anyhow::anyhow!("correction {}: {}", row.id, e.en))?,
            reporter: Person {
                sub: row.reporter_sub.clone(),
                name: row.reporter_name.clone(),
                issuer: row.reporter_issuer.clone(),
            },
            status: CorrectionStatus::parse(&row.status)
                .map_err(|e| anyhow::anyhow!("correction {}: {}", row.id, e.en))?,
            created_at: row.created_at,
            decided_by: row.decided_by_sub.clone().map(|sub| Person {
                sub,
                name: row.decided_by_name.clone(),
                issuer: row.decided_by_issuer.clone(),
            }),
            decided_at: row.decided_at,
            decision_reason: row.decision_reason.clone(),
            applied_version: row.applied_version,
            version: row.version,
        })
    }
}

pub fn not_found(id: Uuid) -> StoreError {
    StoreError::not_found(
        format!("det finns ingen rapport med id {id}"),
        format!("there is no report with id {id}"),
    )
}

fn record(
    conn: &mut DbConnection,
    meta: &WriteMeta,
    action: &str,
    organisation_id: &str,
    before: Option<&Correction>,
    after: &Correction,
) -> QueryResult<()> {
    audit::append(
        conn,
        meta,
        Event {
            action,
            entity: Entity::Correction,
            entity_id: &after.id.to_string(),
            version: after.version,
            organisation_id: Some(organisation_id),
            before,
            after: Some(after),
        },
    )
}

/// Stores a new report and its audit event. `organisation_id` is the unit's.
pub fn report(
    conn: &mut DbConnection,
    meta: &WriteMeta,
    correction: &Correction,
    organisation_id: &str,
) -> StoreResult<()> {
    write_transaction(conn, |conn| {
        diesel::insert_into(corrections::table)
            .values(CorrectionRow::from(correction))
            .execute(conn)?;
        record(conn, meta, "correction.report", organisation_id, None, correction)?;
        Ok(())
    })
}

pub fn load(conn: &mut DbConnection, id: Uuid) -> StoreResult<Option<Correction>> {
    corrections::table
        .find(id.to_string())
        .select(CorrectionRow::as_select())
        .first(conn)
        .optional()?
        .map(Correction::try_from)
        .transpose()
        .map_err(StoreError::Corrupt)
}

/// Reports, newest first: with a status, only those; with a reporter, only theirs.
pub fn list(
    conn: &mut DbConnection,
    status: Option<CorrectionStatus>,
    reporter: Option<&str>,
) -> StoreResult<Vec<Correction>> {
    let mut query = corrections::table.into_boxed();
    if let Some(status) = status {
        query = query.filter(corrections::status.eq(status.code()));
    }
    if let Some(sub) = reporter {
        query = query.filter(corrections::reporter_sub.eq(sub.to_owned()));
    }
    query
        .order((corrections::created_at.desc(), corrections::id))
        .select(CorrectionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Correction::try_from)
        .collect::<anyhow::Result<_>>()
        .map_err(StoreError::Corrupt)
}

/// Decides a report in one transaction: the version the caller read (`If-Match`) must be
/// the stored one and the report still open; `decide` computes the decided report (and may
/// change the unit through the same connection) and returns it with the unit's organisation.
pub fn decide<E: From<StoreError> + From<diesel::result::Error>>(
    conn: &mut DbConnection,
    meta: &WriteMeta,
    id: Uuid,
    expected_version: i64,
    action: &str,
    decide: impl FnOnce(&mut DbConnection, &Correction) -> Result<(Correction, String), E>,
) -> Result<Correction, E> {
    write_transaction(conn, |conn| {
        let before = load(conn, id)?.ok_or_else(|| not_found(id))?;
        super::expect_version(before.version, expected_version)?;
        before.expect_open().map_err(StoreError::broken_rule)?;
        let (after, organisation_id) = decide(conn, &before)?;
        diesel::update(corrections::table.find(id.to_string()))
            .set(CorrectionRow::from(&after))
            .execute(conn)?;
        record(conn, meta, action, &organisation_id, Some(&before), &after)?;
        Ok(after)
    })
}
