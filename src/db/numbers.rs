//! Numbers units had before (`replaced_numbers`): written with every unit change that drops a
//! number, read into the snapshot, so that an old number still answers with its unit and its
//! successor.

use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::schema::{audit_events, replaced_numbers};
use crate::domain::{Purpose, ReplacedNumber, Unit, Visibility};

/// Inside the write's transaction: records the numbers `before` has and `after` has not.
pub fn record(
    conn: &mut DbConnection,
    before: &Unit,
    after: &Unit,
    at: chrono::NaiveDateTime,
) -> QueryResult<()> {
    for r in before.numbers_replaced_by(after, at) {
        diesel::insert_into(replaced_numbers::table)
            .values((
                replaced_numbers::e164.eq(&r.number),
                replaced_numbers::unit_id.eq(r.unit_id.to_string()),
                replaced_numbers::contact_point_id.eq(r.contact_point_id.to_string()),
                replaced_numbers::purpose.eq(r.purpose.code()),
                replaced_numbers::visibility.eq(r.visibility.code()),
                replaced_numbers::replaced_by.eq(r.replaced_by.as_deref()),
                replaced_numbers::replaced_at.eq(r.replaced_at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Every replaced number, oldest first.
pub fn load_all(conn: &mut DbConnection) -> QueryResult<Vec<ReplacedNumber>> {
    load(conn, None)
}

/// The replaced numbers of these units, oldest first.
pub fn load_of_units(conn: &mut DbConnection, units: &[String]) -> QueryResult<Vec<ReplacedNumber>> {
    load(conn, Some(units))
}

fn load(conn: &mut DbConnection, units: Option<&[String]>) -> QueryResult<Vec<ReplacedNumber>> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        chrono::NaiveDateTime,
    );
    let mut query = replaced_numbers::table.order(replaced_numbers::id).into_boxed();
    if let Some(units) = units {
        query = query.filter(replaced_numbers::unit_id.eq_any(units));
    }
    let rows: Vec<Row> = query
        .select((
            replaced_numbers::e164,
            replaced_numbers::unit_id,
            replaced_numbers::contact_point_id,
            replaced_numbers::purpose,
            replaced_numbers::visibility,
            replaced_numbers::replaced_by,
            replaced_numbers::replaced_at,
        ))
        .load(conn)?;
    // Written by `record` from checked values; a row that does not read is left out.
    Ok(rows
        .into_iter()
        .filter_map(
            |(number, unit, point, purpose, visibility, replaced_by, replaced_at)| {
                Some(ReplacedNumber {
                    number,
                    unit_id: Uuid::parse_str(&unit).ok()?,
                    contact_point_id: Uuid::parse_str(&point).ok()?,
                    purpose: Purpose::parse(&purpose).ok()?,
                    visibility: Visibility::parse(&visibility).ok()?,
                    replaced_by,
                    replaced_at,
                })
            },
        )
        .collect())
}

/// Fills the table from the audit history (once, when the migration that creates it runs):
/// every unit event with a before and an after state, in order. Returns how many numbers.
pub fn fill_from_history(conn: &mut DbConnection) -> anyhow::Result<usize> {
    use anyhow::Context;
    let mut count = 0;
    let mut after_id = 0i64;
    loop {
        let mut rows: Vec<super::models::AuditEventRow> = audit_events::table
            .filter(audit_events::entity_type.eq("unit"))
            .filter(audit_events::id.gt(after_id))
            .order(audit_events::id)
            .limit(1000)
            .select(super::models::AuditEventRow::as_select())
            .load(conn)
            .context("reading unit events for replaced numbers")?;
        super::audit_states::decode(conn, &mut rows, false)
            .context("reading unit events for replaced numbers")?;
        let batch: Vec<(i64, chrono::NaiveDateTime, Option<String>, Option<String>)> = rows
            .into_iter()
            .map(|r| (r.id, r.occurred_at, r.before_state, r.after_state))
            .collect();
        let Some(last) = batch.last() else { break };
        after_id = last.0;
        for (id, at, before, after) in batch {
            let (Some(before), Some(after)) = (before, after) else {
                continue;
            };
            match (
                serde_json::from_str::<Unit>(&before),
                serde_json::from_str::<Unit>(&after),
            ) {
                (Ok(before), Ok(after)) => {
                    count += before.numbers_replaced_by(&after, at).len();
                    record(conn, &before, &after, at).context("recording replaced numbers")?;
                }
                _ => log::warn!("audit event {id}: a unit state does not read; its numbers are left out"),
            }
        }
    }
    Ok(count)
}
