//! Writing organisations and areas. Same shape as units: version check, domain edit,
//! database checks, one audit event, all in one transaction.

use diesel::prelude::*;

use super::audit::{self, WriteMeta};
use super::models::{AreaRow, OrganisationRow};
use super::repo::{area_from_row, insert_area, insert_organisation, organisation_from_row, streets_json};
use super::schema::{areas, organisations, unit_areas, units};
use super::versioned::Versioned;
use super::{DbConnection, write_transaction};
use super::{StoreError, StoreResult};
use crate::domain::streets::{StreetSpan, first_overlap};
use crate::domain::{Area, Invalid, Organisation};

fn organisation_not_found(id: &str) -> StoreError {
    StoreError::not_found(
        format!("det finns ingen organisation med id {id}"),
        format!("there is no organisation with id {id}"),
    )
}

fn area_not_found(id: &str) -> StoreError {
    StoreError::not_found(
        format!("det finns inget område med id {id}"),
        format!("there is no area with id {id}"),
    )
}

fn load_organisation(conn: &mut DbConnection, id: &str) -> StoreResult<Option<Organisation>> {
    let row = organisations::table
        .find(id)
        .select(OrganisationRow::as_select())
        .first(conn)
        .optional()?;
    row.map(|r| organisation_from_row(r).map_err(StoreError::Corrupt))
        .transpose()
}

fn load_area(conn: &mut DbConnection, id: &str) -> StoreResult<Option<Area>> {
    let row = areas::table
        .find(id)
        .select(AreaRow::as_select())
        .first(conn)
        .optional()?;
    row.map(|r| area_from_row(r).map_err(StoreError::Corrupt))
        .transpose()
}

fn id_taken(what_sv: &str, what_en: &str, id: &str) -> StoreError {
    StoreError::conflict(
        format!("det finns redan {what_sv} med id {id}"),
        format!("there is already {what_en} with id {id}"),
    )
}

/// The parent must exist, and must not be the organisation itself or one below it.
fn check_parent(conn: &mut DbConnection, org: &Organisation) -> StoreResult<()> {
    let Some(parent) = &org.parent_id else {
        return Ok(());
    };
    let mut current = Some(parent.clone());
    let mut steps = 0;
    while let Some(id) = current {
        if id == org.id || steps > 64 {
            return Err(StoreError::broken_rule(Invalid::new(
                format!(
                    "organisationen {} kan inte ligga under sig själv (cirkel via {parent})",
                    org.id
                ),
                format!(
                    "organisation {} cannot sit below itself (a cycle through {parent})",
                    org.id
                ),
            )));
        }
        let next: Option<Option<String>> = organisations::table
            .find(&id)
            .select(organisations::parent_id)
            .first(conn)
            .optional()?;
        match next {
            None if id == *parent => {
                return Err(StoreError::invalid(vec![
                    Invalid::rule(
                        format!("okänd överordnad organisation '{parent}'"),
                        format!("unknown parent organisation '{parent}'"),
                    )
                    .at("parent_id"),
                ]));
            }
            None => return Ok(()),
            Some(up) => current = up,
        }
        steps += 1;
    }
    Ok(())
}

pub fn create_organisation(conn: &mut DbConnection, meta: &WriteMeta, org: &Organisation) -> StoreResult<()> {
    write_transaction(conn, |conn| {
        if load_organisation(conn, &org.id)?.is_some() {
            return Err(id_taken("en organisation", "an organisation", &org.id));
        }
        check_parent(conn, org)?;
        insert_organisation(conn, meta, org)?;
        Ok(())
    })
}

impl Versioned for Organisation {
    fn set_version(&mut self, version: i64) {
        self.version = version;
    }
    fn keep_identity(&mut self, stored: &Self) {
        self.id.clone_from(&stored.id);
    }
    fn load(conn: &mut DbConnection, key: &str) -> StoreResult<Option<Self>> {
        load_organisation(conn, key)
    }
    fn not_found(key: &str) -> StoreError {
        organisation_not_found(key)
    }
}

/// Stores an organisation's next state, after what only the database can check: its parent,
/// and (when it ends) that no active units or organisations remain under it.
pub fn store_organisation(
    conn: &mut DbConnection,
    meta: &WriteMeta,
    before: &Organisation,
    after: &Organisation,
) -> StoreResult<()> {
    if after.parent_id != before.parent_id {
        check_parent(conn, after)?;
    }
    if let Some(day) = after.active_to.filter(|_| after.active_to != before.active_to) {
        check_organisation_empty(conn, &after.id, day)?;
    }
    diesel::update(organisations::table.find(&after.id))
        .set((
            organisations::name.eq(&after.name),
            organisations::short_name.eq(&after.short_name),
            organisations::kind.eq(after.kind.code()),
            organisations::parent_id.eq(&after.parent_id),
            organisations::active_to.eq(after.active_to),
            organisations::version.eq(after.version),
            organisations::updated_at.eq(meta.at),
        ))
        .execute(conn)?;
    Ok(())
}

/// An organisation may end on `day` only without active units or organisations under it.
fn check_organisation_empty(conn: &mut DbConnection, id: &str, day: chrono::NaiveDate) -> StoreResult<()> {
    let active_units: i64 = units::table
        .filter(units::organisation_id.eq(id))
        .filter(units::active_to.is_null().or(units::active_to.gt(day)))
        .count()
        .get_result(conn)?;
    let active_children: i64 = organisations::table
        .filter(organisations::parent_id.eq(id))
        .filter(
            organisations::active_to
                .is_null()
                .or(organisations::active_to.gt(day)),
        )
        .count()
        .get_result(conn)?;
    if active_units + active_children > 0 {
        return Err(StoreError::broken_rule(Invalid::new(
            format!(
                "organisationen har {active_units} aktiva enheter och {active_children} aktiva underorganisationer efter {day}; avsluta eller flytta dem först"
            ),
            format!(
                "the organisation has {active_units} active units and {active_children} active sub-organisations after {day}; end or move them first"
            ),
        )));
    }
    Ok(())
}

pub fn create_area(conn: &mut DbConnection, meta: &WriteMeta, area: &Area) -> StoreResult<()> {
    write_transaction(conn, |conn| {
        if load_area(conn, &area.id)?.is_some() {
            return Err(id_taken("ett område", "an area", &area.id));
        }
        insert_area(conn, meta, area)?;
        Ok(())
    })
}

impl Versioned for Area {
    fn set_version(&mut self, version: i64) {
        self.version = version;
    }
    fn keep_identity(&mut self, stored: &Self) {
        self.id.clone_from(&stored.id);
    }
    fn load(conn: &mut DbConnection, key: &str) -> StoreResult<Option<Self>> {
        load_area(conn, key)
    }
    fn not_found(key: &str) -> StoreError {
        area_not_found(key)
    }
}

/// Stores an area's next state, after what only the database can check: its streets belong
/// to no other district, and (when it ends) no active units still belong to it.
pub fn store_area(conn: &mut DbConnection, meta: &WriteMeta, before: &Area, after: &Area) -> StoreResult<()> {
    if after.streets != before.streets {
        check_streets_free(conn, after)?;
    }
    if let Some(day) = after.active_to.filter(|_| after.active_to != before.active_to) {
        let active_units: i64 = unit_areas::table
            .inner_join(units::table)
            .filter(unit_areas::area_id.eq(&after.id))
            .filter(units::active_to.is_null().or(units::active_to.gt(day)))
            .count()
            .get_result(conn)?;
        if active_units > 0 {
            return Err(StoreError::broken_rule(Invalid::new(
                format!("området har {active_units} aktiva enheter efter {day}; flytta dem först"),
                format!("the area has {active_units} active units after {day}; move them first"),
            )));
        }
    }
    diesel::update(areas::table.find(&after.id))
        .set((
            areas::name.eq(&after.name),
            areas::kind.eq(after.kind.code()),
            areas::active_to.eq(after.active_to),
            areas::version.eq(after.version),
            areas::streets.eq(streets_json(after)),
            areas::updated_at.eq(meta.at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Every area, as stored now.
fn load_areas(conn: &mut DbConnection) -> StoreResult<Vec<Area>> {
    areas::table
        .select(AreaRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|r| area_from_row(r).map_err(StoreError::Corrupt))
        .collect()
}

/// A house number belongs to one district: none of `area`'s streets may share one with
/// another district's.
fn check_streets_free(conn: &mut DbConnection, area: &Area) -> StoreResult<()> {
    for other in load_areas(conn)?.iter().filter(|o| o.id != area.id) {
        if let Some((ours, theirs)) = first_overlap(&area.streets, &other.streets) {
            return Err(StoreError::conflict(
                format!(
                    "{} hör redan till {} ({})",
                    ours.text_sv(),
                    other.name,
                    theirs.text_sv()
                ),
                format!(
                    "{} belongs to {} already ({})",
                    ours.text_sv(),
                    other.name,
                    theirs.text_sv()
                ),
            ));
        }
    }
    Ok(())
}

/// Replaces the streets of every district with `by_district` (district id → valid, sorted
/// streets and parts of streets; a district not named gets none). One transaction; each district whose list
/// changes gets a new version and an audit event. Returns the districts that changed.
pub fn replace_streets(
    conn: &mut DbConnection,
    meta: &WriteMeta,
    by_district: &std::collections::BTreeMap<String, Vec<StreetSpan>>,
    based_on: Option<i64>,
) -> StoreResult<Vec<String>> {
    write_transaction(conn, |conn| {
        if let Some(based_on) = based_on
            && super::audit::any_since(conn, based_on, super::audit::Entity::Area)?
        {
            return Err(StoreError::conflict(
                "områdena har ändrats sedan förhandsgranskningen; inget importerades. Gör en ny förhandsgranskning och bekräfta den",
                "the areas have changed since the preview; nothing was imported. Make a new preview and confirm that",
            ));
        }
        let all = load_areas(conn)?;
        let unknown: Vec<&String> = by_district
            .keys()
            .filter(|id| {
                !all.iter()
                    .any(|a| &a.id == *id && a.kind == crate::domain::AreaKind::District)
            })
            .collect();
        if let Some(id) = unknown.first() {
            return Err(StoreError::invalid(vec![
                Invalid::rule(
                    format!("inget distrikt har id {id}"),
                    format!("no district has the id {id}"),
                )
                .at("district"),
            ]));
        }
        let mut changed = Vec::new();
        for before in all.iter().filter(|a| a.kind == crate::domain::AreaKind::District) {
            let streets = by_district.get(&before.id).cloned().unwrap_or_default();
            if streets == before.streets {
                continue;
            }
            let after = Area {
                streets,
                version: before.version + 1,
                ..before.clone()
            };
            diesel::update(areas::table.find(&after.id))
                .set((
                    areas::streets.eq(streets_json(&after)),
                    areas::version.eq(after.version),
                    areas::updated_at.eq(meta.at),
                ))
                .execute(conn)?;
            audit::record(conn, meta, "area.streets", Some(before), &after)?;
            changed.push(after.id);
        }
        Ok(changed)
    })
}
