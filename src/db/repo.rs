//! Repository functions: whole operations, each in one transaction, in domain types.

use std::collections::HashMap;

use anyhow::{Context, anyhow};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::models::{AreaRow, ContactPointRow, NewUnitRow, OrganisationRow, UnitAreaRow, UnitRow};
use super::schema::{areas, contact_points, organisations, unit_areas, units};
use crate::domain::{
    Address, Area, AreaKind, ContactPoint, HsaId, Organisation, OrganisationKind, PhoneNumber, Purpose, Unit,
    UnitKind, Visibility,
};

/// Everything the directory holds, as domain values.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub organisations: Vec<Organisation>,
    pub areas: Vec<Area>,
    pub units: Vec<Unit>,
}

/// Reads the whole directory in one read transaction (a consistent view).
pub fn load_snapshot(conn: &mut DbConnection) -> anyhow::Result<Snapshot> {
    conn.transaction(|conn| {
        let organisations = organisations::table
            .select(OrganisationRow::as_select())
            .load(conn)?;
        let areas = areas::table.select(AreaRow::as_select()).load(conn)?;
        let units = units::table.select(UnitRow::as_select()).load(conn)?;
        let unit_areas = unit_areas::table.select(UnitAreaRow::as_select()).load(conn)?;
        let points = contact_points::table
            .select(ContactPointRow::as_select())
            .load(conn)?;
        Ok::<_, diesel::result::Error>((organisations, areas, units, unit_areas, points))
    })
    .context("reading the directory from the database")
    .and_then(|(organisations, areas, units, unit_areas, points)| {
        snapshot_from_rows(organisations, areas, units, unit_areas, points)
    })
}

fn snapshot_from_rows(
    organisation_rows: Vec<OrganisationRow>,
    area_rows: Vec<AreaRow>,
    unit_rows: Vec<UnitRow>,
    unit_area_rows: Vec<UnitAreaRow>,
    point_rows: Vec<ContactPointRow>,
) -> anyhow::Result<Snapshot> {
    let corrupt = |what: &str, id: &str, e: crate::domain::Invalid| {
        anyhow!("stored {what} {id} does not pass validation: {}", e.en)
    };
    let organisations = organisation_rows
        .into_iter()
        .map(|r| {
            Ok(Organisation {
                kind: OrganisationKind::parse(&r.kind).map_err(|e| corrupt("organisation", &r.id, e))?,
                id: r.id,
                name: r.name,
                short_name: r.short_name,
                parent_id: r.parent_id,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let areas = area_rows
        .into_iter()
        .map(|r| {
            Ok(Area {
                kind: AreaKind::parse(&r.kind).map_err(|e| corrupt("area", &r.id, e))?,
                id: r.id,
                name: r.name,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;

    let mut areas_of: HashMap<String, Vec<String>> = HashMap::new();
    for row in unit_area_rows {
        areas_of.entry(row.unit_id).or_default().push(row.area_id);
    }
    let mut points_of: HashMap<String, Vec<ContactPoint>> = HashMap::new();
    for r in point_rows {
        let point = ContactPoint {
            id: parse_uuid("contact point", &r.id)?,
            purpose: Purpose::parse(&r.purpose).map_err(|e| corrupt("contact point", &r.id, e))?,
            visibility: Visibility::parse(&r.visibility).map_err(|e| corrupt("contact point", &r.id, e))?,
            label: r.label,
            number: PhoneNumber::from_stored(r.e164, r.national),
        };
        points_of.entry(r.unit_id).or_default().push(point);
    }

    let units = unit_rows
        .into_iter()
        .map(|r| {
            let mut contact_points = points_of.remove(&r.id).unwrap_or_default();
            contact_points.sort_by(|a, b| (a.purpose, &a.label).cmp(&(b.purpose, &b.label)));
            let mut area_ids = areas_of.remove(&r.id).unwrap_or_default();
            area_ids.sort();
            Ok(Unit {
                id: parse_uuid("unit", &r.id)?,
                kind: UnitKind::parse(&r.kind).map_err(|e| corrupt("unit", &r.id, e))?,
                hsa_id: r
                    .hsa_id
                    .as_deref()
                    .map(HsaId::parse)
                    .transpose()
                    .map_err(|e| corrupt("unit", &r.id, e))?,
                name: r.name,
                organisation_id: r.organisation_id,
                area_ids,
                address: Address {
                    street: r.street,
                    postal_code: r.postal_code,
                    city: r.city,
                },
                active_from: r.active_from,
                active_to: r.active_to,
                reviewed_at: r.reviewed_at,
                note: r.note,
                contact_points,
                updated_at: r.updated_at,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Snapshot {
        organisations,
        areas,
        units,
    })
}

fn parse_uuid(what: &str, raw: &str) -> anyhow::Result<Uuid> {
    raw.parse()
        .with_context(|| format!("stored {what} id '{raw}' is not a UUID"))
}

/// True when no organisation exists yet: the database was just created.
pub fn is_empty(conn: &mut DbConnection) -> QueryResult<bool> {
    let count: i64 = organisations::table.count().get_result(conn)?;
    Ok(count == 0)
}

pub fn insert_organisation(
    conn: &mut DbConnection,
    org: &Organisation,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(organisations::table)
        .values(OrganisationRow {
            id: org.id.clone(),
            name: org.name.clone(),
            short_name: org.short_name.clone(),
            kind: org.kind.code().to_owned(),
            parent_id: org.parent_id.clone(),
            created_at: now,
            updated_at: now,
        })
        .execute(conn)
        .map(drop)
}

pub fn insert_area(conn: &mut DbConnection, area: &Area, now: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(areas::table)
        .values(AreaRow {
            id: area.id.clone(),
            name: area.name.clone(),
            kind: area.kind.code().to_owned(),
            created_at: now,
            updated_at: now,
        })
        .execute(conn)
        .map(drop)
}

/// Inserts a unit with its areas and contact points in one transaction. The database refuses
/// the whole unit if it lacks its `vag_in` number or has two.
pub fn insert_unit(conn: &mut DbConnection, unit: &Unit, now: NaiveDateTime) -> QueryResult<()> {
    let vag_in_id = unit
        .vag_in()
        .map(|c| c.id.to_string())
        // No vag_in: point at a number that does not exist and let the database refuse it.
        .unwrap_or_else(|| Uuid::nil().to_string());
    let unit_id = unit.id.to_string();
    conn.transaction(|conn| {
        diesel::insert_into(units::table)
            .values(NewUnitRow {
                id: unit_id.clone(),
                name: &unit.name,
                kind: unit.kind.code(),
                organisation_id: &unit.organisation_id,
                hsa_id: unit.hsa_id.as_ref().map(HsaId::as_str),
                street: unit.address.street.as_deref(),
                postal_code: unit.address.postal_code.as_deref(),
                city: unit.address.city.as_deref(),
                active_from: unit.active_from,
                active_to: unit.active_to,
                reviewed_at: unit.reviewed_at,
                note: unit.note.as_deref(),
                vag_in_id,
                created_at: now,
                updated_at: now,
            })
            .execute(conn)?;
        let points: Vec<ContactPointRow> = unit
            .contact_points
            .iter()
            .map(|c| ContactPointRow {
                id: c.id.to_string(),
                unit_id: unit_id.clone(),
                purpose: c.purpose.code().to_owned(),
                label: c.label.clone(),
                visibility: c.visibility.code().to_owned(),
                e164: c.number.e164().to_owned(),
                national: c.number.national().to_owned(),
                created_at: now,
                updated_at: now,
            })
            .collect();
        diesel::insert_into(contact_points::table)
            .values(&points)
            .execute(conn)?;
        let areas: Vec<UnitAreaRow> = unit
            .area_ids
            .iter()
            .map(|area_id| UnitAreaRow {
                unit_id: unit_id.clone(),
                area_id: area_id.clone(),
            })
            .collect();
        diesel::insert_into(unit_areas::table)
            .values(&areas)
            .execute(conn)?;
        Ok(())
    })
}

/// `SELECT 1`: is the database answering?
pub fn ping(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT 1").execute(conn).map(drop)
}
