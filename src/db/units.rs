//! Writing units and their contact points, and reading their past versions.
//!
//! Every change to a unit goes through [`change_unit`]: in one transaction it reads the
//! current unit, checks the version the caller read (`If-Match`), lets the domain compute the
//! next state, checks what only the database knows (organisation, areas, HSA-id), stores the
//! state and appends the audit event with both states. A refusal at any step leaves nothing.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::audit::{self, Entity, WriteMeta};
use super::models::{ContactPointRow, UnitChanges, UnitRow};
use super::repo::{
    contact_point_row, hours_json, insert_unit, insert_unit_areas, list_json, preschools_json,
    responsibility_json, unit_from_rows,
};
use super::schema::{areas, contact_points, organisations, unit_areas, units};
use super::{DbConnection, write_transaction};
use super::{StoreError, StoreResult};
use crate::domain::edit::Refusal;
use crate::domain::{FieldError, HsaId, Invalid, Unit, not_ended, today, unit_not_found, unknown};

/// The unit as stored now (its current contact points only), if it exists.
pub fn load_unit(conn: &mut DbConnection, id: Uuid) -> StoreResult<Option<Unit>> {
    let key = id.to_string();
    let Some(row) = units::table
        .find(&key)
        .select(UnitRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let area_ids = unit_areas::table
        .filter(unit_areas::unit_id.eq(&key))
        .select(unit_areas::area_id)
        .load(conn)?;
    let points = contact_points::table
        .filter(contact_points::unit_id.eq(&key))
        .filter(contact_points::removed_at.is_null())
        .select(ContactPointRow::as_select())
        .load(conn)?;
    unit_from_rows(row, area_ids, points)
        .map(Some)
        .map_err(StoreError::Corrupt)
}

/// Stores a new unit (already valid by the domain rules) and its audit event.
pub fn create_unit(conn: &mut DbConnection, meta: &WriteMeta, unit: &Unit) -> StoreResult<Unit> {
    write_transaction(conn, |conn| {
        check_references(conn, unit, None)?;
        insert_unit(conn, meta, unit)?;
        // Its numbers' periods may already send calls elsewhere.
        check_fallbacks(conn, &unrouted(unit), unit)?;
        Ok(unit.clone())
    })
}

/// How a unit changes: from the current state (and the connection, for edits that read the
/// history) to the next.
pub type UnitEdit = Box<dyn FnOnce(&mut DbConnection, &Unit) -> StoreResult<Unit> + Send>;

/// A plain domain edit as a [`UnitEdit`].
pub fn edit(f: impl FnOnce(&Unit) -> Result<Unit, Refusal> + Send + 'static) -> UnitEdit {
    Box::new(move |_, unit| f(unit).map_err(StoreError::from))
}

/// An edit that restores version `version` from the audit history.
pub fn revert_to(version: i64) -> UnitEdit {
    Box::new(move |conn, unit| unit_version(conn, unit.id, version))
}

/// Changes a unit: see the module documentation. `may_edit` authorises the caller for the
/// unit's organisation as stored, and for the one it moves to (its refusal, of the caller's own
/// error type `E`, is passed on as it is). A change that changes nothing is no write: no new
/// version, no event.
pub fn change_unit<E: From<StoreError> + From<diesel::result::Error>>(
    conn: &mut DbConnection,
    meta: &WriteMeta,
    id: Uuid,
    expected_version: i64,
    action: &str,
    may_edit: impl Fn(&str) -> Result<(), E>,
    edit: UnitEdit,
) -> Result<Unit, E> {
    write_transaction(conn, |conn| {
        let before = load_unit(conn, id)?.ok_or_else(|| StoreError::from(unit_not_found(id)))?;
        may_edit(&before.organisation_id)?;
        // The change's own form first, then the precondition (RFC 9110, 13.2.1).
        let after = edit(conn, &before)?;
        super::expect_version(before.version, expected_version)?;
        store_change(conn, meta, action, &before, after, may_edit)
    })
}

/// Inside a write transaction: stores `after` as the next version of `before`, after the
/// checks only the database can make, with its audit event. Returns `before` unchanged when
/// `after` changes nothing (no write, no event).
pub fn store_change<E: From<StoreError>>(
    conn: &mut DbConnection,
    meta: &WriteMeta,
    action: &str,
    before: &Unit,
    mut after: Unit,
    may_edit: impl Fn(&str) -> Result<(), E>,
) -> Result<Unit, E> {
    after.id = before.id;
    after.version = before.version;
    after.updated_at = before.updated_at;
    if after == *before {
        return Ok(before.clone());
    }
    if after.organisation_id != before.organisation_id {
        may_edit(&after.organisation_id)?;
    }
    after.version = before.version + 1;
    after.updated_at = meta.at;
    check_references(conn, &after, Some(before))?;
    check_fallbacks(conn, before, &after)?;
    save_unchecked(conn, meta, action, before, &after)?;
    Ok(after)
}

/// Inside a write transaction, for a batch that refers to itself (an import: a fallback or an
/// ansvarig vårdcentral may come later in the file): writes the next state and its audit event
/// without the reference checks. Call [`check_stored`] for every unit once the whole batch is
/// written, and roll back if one fails.
pub fn save_unchecked(
    conn: &mut DbConnection,
    meta: &WriteMeta,
    action: &str,
    before: &Unit,
    after: &Unit,
) -> StoreResult<()> {
    save_unit(conn, before, after, meta.at)?;
    super::numbers::record(conn, before, after, meta.at)?;
    audit::record(conn, meta, action, Some(before), after)?;
    Ok(())
}

/// The checks of [`store_change`] on a unit already written: `before` is its state before the
/// batch (`None` for a new unit).
pub fn check_stored(conn: &mut DbConnection, before: Option<&Unit>, after: &Unit) -> StoreResult<()> {
    check_references(conn, after, before)?;
    match before {
        Some(b) => check_fallbacks(conn, b, after),
        None => check_fallbacks(conn, &unrouted(after), after),
    }
}

/// What a new unit is compared with: no numbers, no fallback, no periods.
fn unrouted(unit: &Unit) -> Unit {
    Unit {
        contact_points: Vec::new(),
        fallback_contact_point_id: None,
        periods: Vec::new(),
        ..unit.clone()
    }
}

/// What only the database can check: the organisation exists (and is active for a new or
/// moved unit), every area exists, and no other unit has the HSA-id.
fn check_references(conn: &mut DbConnection, unit: &Unit, before: Option<&Unit>) -> StoreResult<()> {
    let mut errors: Vec<FieldError> = Vec::new();
    if before.is_none_or(|b| b.organisation_id != unit.organisation_id) {
        let org: Option<Option<chrono::NaiveDate>> = organisations::table
            .find(&unit.organisation_id)
            .select(organisations::active_to)
            .first(conn)
            .optional()?;
        match org {
            None => errors.push(
                unknown::organisation(&unit.organisation_id)
                    .as_rule()
                    .at("organisation_id"),
            ),
            Some(active_to) if !not_ended(active_to, today()) => errors.push(
                Invalid::rule(
                    format!("organisationen '{}' är avslutad", unit.organisation_id),
                    format!("the organisation '{}' has been deactivated", unit.organisation_id),
                )
                .at("organisation_id"),
            ),
            Some(_) => {}
        }
    }
    let old_areas: &[String] = before.map_or(&[], |b| &b.area_ids);
    let added: Vec<&String> = unit.area_ids.iter().filter(|a| !old_areas.contains(a)).collect();
    if !added.is_empty() {
        let known: HashMap<String, Option<chrono::NaiveDate>> = areas::table
            .filter(areas::id.eq_any(&added))
            .select((areas::id, areas::active_to))
            .load::<(String, Option<chrono::NaiveDate>)>(conn)?
            .into_iter()
            .collect();
        // Named by value: the list is stored sorted, so a position would not be the sender's.
        for area in added {
            let why = match known.get(area) {
                None => unknown::area(area).as_rule(),
                Some(active_to) if !not_ended(*active_to, today()) => Invalid::rule(
                    format!("området '{area}' är avslutat"),
                    format!("the area '{area}' has been deactivated"),
                ),
                Some(_) => continue,
            };
            errors.push(why.at("area_ids"));
        }
    }
    if let Some(r) = unit.responsibility.as_ref().filter(|r| {
        before.is_none_or(|b| b.responsibility.as_ref().map(|o| o.vardcentral_id) != Some(r.vardcentral_id))
    }) {
        let target: Option<(String, Option<chrono::NaiveDate>)> = units::table
            .find(r.vardcentral_id.to_string())
            .select((units::kind, units::active_to))
            .first(conn)
            .optional()?;
        let why = match target {
            Some((kind, active_to)) if kind == "vardcentral" && not_ended(active_to, today()) => None,
            Some((kind, _)) if kind != "vardcentral" => Some(Invalid::rule(
                format!("enheten {} är ingen vårdcentral", r.vardcentral_id),
                format!("unit {} is not a vårdcentral", r.vardcentral_id),
            )),
            Some(_) => Some(Invalid::rule(
                format!("vårdcentralen {} är avslutad", r.vardcentral_id),
                format!("the vårdcentral {} has been deactivated", r.vardcentral_id),
            )),
            None => Some(Invalid::rule(
                format!("det finns ingen enhet med id {}", r.vardcentral_id),
                format!("there is no unit with id {}", r.vardcentral_id),
            )),
        };
        if let Some(why) = why {
            errors.push(why.at("responsibility.vardcentral_id"));
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::invalid(errors));
    }
    if let Some(hsa) = unit.hsa_id.as_ref().map(HsaId::as_str)
        && before.is_none_or(|b| b.hsa_id != unit.hsa_id)
    {
        let taken: Option<String> = units::table
            .filter(units::hsa_id.eq(hsa))
            .filter(units::id.ne(unit.id.to_string()))
            .select(units::name)
            .first(conn)
            .optional()?;
        if let Some(other) = taken {
            return Err(StoreError::conflict(
                format!("HSA-id {hsa} används redan av enheten '{other}'"),
                format!("HSA-id {hsa} is already used by the unit '{other}'"),
            ));
        }
    }
    Ok(())
}

/// Where a unit's calls may go: its fallback, and the redirects of its numbers' and its own
/// dated periods. Checked on every write that changes them:
/// - a number that another unit's fallback or period redirect points to cannot be removed;
/// - a new fallback or redirect names a current number, of a unit that is active;
/// - following them never comes back round on a day that all the steps share (a cycle would
///   send a caller round in circles). Two vårdcentraler that cover each other's summer weeks
///   are fine: their periods share no day.
fn check_fallbacks(conn: &mut DbConnection, before: &Unit, after: &Unit) -> StoreResult<()> {
    for gone in before
        .contact_points
        .iter()
        .filter(|b| !after.contact_points.iter().any(|a| a.id == b.id))
    {
        let id = gone.id.to_string();
        let pattern = format!("%{id}%");
        let mut dependants: Vec<String> = units::table
            .filter(
                units::fallback_contact_point_id
                    .eq(&id)
                    .or(units::periods.like(&pattern)),
            )
            .filter(units::id.ne(after.id.to_string()))
            .select(units::name)
            .load(conn)?;
        dependants.extend(
            contact_points::table
                .inner_join(units::table)
                .filter(contact_points::periods.like(&pattern))
                .filter(contact_points::removed_at.is_null())
                .filter(units::id.ne(after.id.to_string()))
                .select(units::name)
                .load::<String>(conn)?,
        );
        let own = after
            .contact_points
            .iter()
            .flat_map(|c| &c.periods)
            .chain(&after.periods)
            .any(|p| p.redirect_to == Some(gone.id));
        if own {
            dependants.push(after.name.clone());
        }
        dependants.sort();
        dependants.dedup();
        if !dependants.is_empty() {
            let names = dependants.join(", ");
            return Err(StoreError::conflict(
                format!(
                    "numret '{}' tar emot samtal för {names} (reservnummer eller period); ändra det först",
                    gone.label
                ),
                format!(
                    "the number '{}' takes the calls of {names} (fallback or period); change that first",
                    gone.label
                ),
            ));
        }
    }
    // Every route: (field, target, first day, last day).
    type Route = (String, Uuid, Option<chrono::NaiveDate>, Option<chrono::NaiveDate>);
    let routes = |unit: &Unit| -> HashSet<Route> {
        let mut out = HashSet::new();
        if let Some(f) = unit.fallback_contact_point_id {
            out.insert(("fallback_contact_point_id".to_owned(), f, None, None));
        }
        for (i, p) in unit.periods.iter().enumerate() {
            if let Some(r) = p.redirect_to {
                out.insert((format!("periods[{i}].redirect_to"), r, p.from, p.to));
            }
        }
        for c in &unit.contact_points {
            for (i, p) in c.periods.iter().enumerate() {
                if let Some(r) = p.redirect_to {
                    out.insert((
                        format!("contact_points[{}].periods[{i}].redirect_to", c.label),
                        r,
                        p.from,
                        p.to,
                    ));
                }
            }
        }
        out
    };
    // With the field names where a route starts (the unit, or which number): a redirect moved
    // from one number to another is a change too.
    let (old, new) = (routes(before), routes(after));
    if old == new {
        return Ok(());
    }
    // Targets named for the first time must exist; the walk below runs whenever the routes
    // or their days change.
    let old_targets: HashSet<Uuid> = old.iter().map(|(_, t, _, _)| *t).collect();
    let added: Vec<(&String, Uuid)> = new
        .iter()
        .filter(|(_, t, _, _)| !old_targets.contains(t))
        .map(|(field, t, _, _)| (field, *t))
        .collect();
    let mut errors = Vec::new();
    for (field, target) in &added {
        let (field, target) = (*field, *target);
        if let Some(own) = after.contact_points.iter().find(|c| c.id == target) {
            if matches!(
                own.purpose,
                crate::domain::Purpose::Fax | crate::domain::Purpose::Sms
            ) {
                errors.push(
                    Invalid::rule(
                        format!("numret '{}' kan inte ta emot samtal", own.label),
                        format!("the number '{}' cannot take calls", own.label),
                    )
                    .at(field.clone()),
                );
            }
            continue;
        }
        let owner: Option<(String, Option<chrono::NaiveDate>, String)> = contact_points::table
            .inner_join(units::table)
            .filter(contact_points::id.eq(target.to_string()))
            .filter(contact_points::removed_at.is_null())
            .select((units::name, units::active_to, contact_points::purpose))
            .first(conn)
            .optional()?;
        match owner {
            Some((name, _, purpose)) if matches!(purpose.as_str(), "fax" | "sms") => errors.push(
                Invalid::rule(
                    format!("numret {target} hos {name} är ett {purpose}-nummer och kan inte ta emot samtal"),
                    format!(
                        "the contact point {target} of {name} is a {purpose} number and cannot take calls"
                    ),
                )
                .at(field.clone()),
            ),
            None => errors.push(
                Invalid::rule(
                    format!("det finns inget nummer med id {target}"),
                    format!("there is no contact point with id {target}"),
                )
                .at(field.clone()),
            ),
            Some((name, active_to, _)) if !not_ended(active_to, today()) => errors.push(
                Invalid::rule(
                    format!("numret {target} hör till {name}, som är avslutad"),
                    format!("the contact point {target} belongs to {name}, which has been deactivated"),
                )
                .at(field.clone()),
            ),
            Some(_) => {}
        }
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        return Err(StoreError::invalid(errors));
    }
    let mut graph = Routes {
        unit: after,
        stored: HashMap::new(),
        steps: 0,
    };
    for start in &after.contact_points {
        if graph.comes_back(conn, &mut vec![start.id], Span::ALWAYS)? {
            return Err(StoreError::conflict(
                "reservnumren och periodernas omkopplingar skulle gå i cirkel tillbaka till enheten; välj ett annat nummer",
                "the fallbacks and the periods' redirects would go round in a circle back to the unit; choose another number",
            ));
        }
    }
    Ok(())
}

/// Dates from..=to, either end open.
#[derive(Debug, Clone, Copy)]
struct Span {
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
}

impl Span {
    const ALWAYS: Span = Span { from: None, to: None };

    /// The days both share, if any.
    fn and(self, other: Span) -> Option<Span> {
        let from = self.from.max(other.from);
        let to = match (self.to, other.to) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match (from, to) {
            (Some(f), Some(t)) if t < f => None,
            _ => Some(Span { from, to }),
        }
    }
}

/// The routing graph, read as far as a walk needs it: the unit being written from memory,
/// everything else from the database.
struct Routes<'a> {
    unit: &'a Unit,
    /// point → where its calls may go, and on which days.
    stored: HashMap<Uuid, Vec<(Uuid, Span)>>,
    /// A bound on the work of one check.
    steps: usize,
}

/// A walk longer than this is refused as if it came back: nobody follows 16 redirects.
const MAX_ROUTE: usize = 16;

impl Routes<'_> {
    fn hops(&mut self, conn: &mut DbConnection, point: Uuid) -> StoreResult<Vec<(Uuid, Span)>> {
        let dated = |periods: &[crate::domain::hours::Period]| -> Vec<(Uuid, Span)> {
            periods
                .iter()
                .filter_map(|p| {
                    p.redirect_to.map(|r| {
                        (
                            r,
                            Span {
                                from: p.from,
                                to: p.to,
                            },
                        )
                    })
                })
                .collect()
        };
        if let Some(c) = self.unit.contact_points.iter().find(|c| c.id == point) {
            let mut out = dated(&c.periods);
            out.extend(dated(&self.unit.periods));
            out.extend(self.unit.fallback_contact_point_id.map(|f| (f, Span::ALWAYS)));
            return Ok(out);
        }
        if let Some(known) = self.stored.get(&point) {
            return Ok(known.clone());
        }
        let row: Option<(String, Option<String>)> = contact_points::table
            .find(point.to_string())
            .filter(contact_points::removed_at.is_null())
            .select((contact_points::unit_id, contact_points::periods))
            .first(conn)
            .optional()?;
        let mut out = Vec::new();
        if let Some((unit_id, periods)) = row {
            let read = |raw: Option<String>| -> Vec<crate::domain::hours::Period> {
                raw.and_then(|r| serde_json::from_str(&r).ok())
                    .unwrap_or_default()
            };
            out.extend(dated(&read(periods)));
            if unit_id != self.unit.id.to_string() {
                let (fallback, periods): (Option<String>, Option<String>) = units::table
                    .find(&unit_id)
                    .select((units::fallback_contact_point_id, units::periods))
                    .first(conn)?;
                out.extend(dated(&read(periods)));
                out.extend(
                    fallback
                        .and_then(|f| f.parse::<Uuid>().ok())
                        .map(|f| (f, Span::ALWAYS)),
                );
            }
        }
        self.stored.insert(point, out.clone());
        Ok(out)
    }

    /// Whether a walk on from the end of `path`, on days within `days`, reaches a number
    /// already on it.
    fn comes_back(&mut self, conn: &mut DbConnection, path: &mut Vec<Uuid>, days: Span) -> StoreResult<bool> {
        self.steps += 1;
        if path.len() > MAX_ROUTE || self.steps > 2_000 {
            return Ok(true);
        }
        let Some(&last) = path.last() else {
            return Ok(false);
        };
        for (next, span) in self.hops(conn, last)? {
            let Some(days) = days.and(span) else { continue };
            if path.contains(&next) {
                return Ok(true);
            }
            path.push(next);
            let back = self.comes_back(conn, path, days)?;
            path.pop();
            if back {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// Writes the difference between two states of a unit. Contact points that are gone are
/// marked removed, never deleted; one that comes back (a revert) is restored.
fn save_unit(conn: &mut DbConnection, before: &Unit, after: &Unit, now: NaiveDateTime) -> QueryResult<()> {
    let id = after.id.to_string();
    let vag_in_id = after
        .vag_in()
        .map(|c| c.id.to_string())
        .unwrap_or_else(|| Uuid::nil().to_string());
    diesel::update(units::table.find(&id))
        .set((
            UnitChanges {
                name: &after.name,
                kind: after.kind.code(),
                organisation_id: &after.organisation_id,
                hsa_id: after.hsa_id.as_ref().map(HsaId::as_str),
                street: after.address.street.as_deref(),
                postal_code: after.address.postal_code.as_deref(),
                city: after.address.city.as_deref(),
                active_from: after.active_from,
                active_to: after.active_to,
                reviewed_at: after.reviewed_at,
                note: after.note.as_deref(),
                updated_at: now,
                version: after.version,
                fallback_contact_point_id: after.fallback_contact_point_id.map(|id| id.to_string()),
                responsibility: responsibility_json(after),
                preschools: preschools_json(after),
                review_interval_months: i32::from(after.review_interval_months),
                periods: list_json(&after.periods),
                notices: list_json(&after.notices),
            },
            units::vag_in_id.eq(vag_in_id),
        ))
        .execute(conn)?;
    if before.area_ids != after.area_ids {
        diesel::delete(unit_areas::table.filter(unit_areas::unit_id.eq(&id))).execute(conn)?;
        insert_unit_areas(conn, &id, &after.area_ids)?;
    }
    let stored: HashSet<String> = contact_points::table
        .filter(contact_points::unit_id.eq(&id))
        .select(contact_points::id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    for point in &after.contact_points {
        let point_id = point.id.to_string();
        if !stored.contains(&point_id) {
            diesel::insert_into(contact_points::table)
                .values(contact_point_row(&id, point, now))
                .execute(conn)?;
        } else if before.contact_points.iter().find(|b| b.id == point.id) != Some(point) {
            diesel::update(contact_points::table.find(&point_id))
                .set((
                    contact_points::purpose.eq(point.purpose.code()),
                    contact_points::label.eq(&point.label),
                    contact_points::visibility.eq(point.visibility.code()),
                    contact_points::e164.eq(point.number.e164()),
                    contact_points::national.eq(point.number.national()),
                    contact_points::hours.eq(hours_json(point)),
                    contact_points::periods.eq(list_json(&point.periods)),
                    contact_points::updated_at.eq(now),
                    contact_points::removed_at.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
        }
    }
    for gone in before
        .contact_points
        .iter()
        .filter(|b| !after.contact_points.iter().any(|a| a.id == b.id))
    {
        diesel::update(contact_points::table.find(gone.id.to_string()))
            .set(contact_points::removed_at.eq(Some(now)))
            .execute(conn)?;
    }
    Ok(())
}

/// A stored state from the audit history.
pub fn state_of(row: &super::models::AuditEventRow) -> StoreResult<Option<Unit>> {
    row.after_state
        .as_deref()
        .map(serde_json::from_str::<Unit>)
        .transpose()
        .map_err(|e| {
            StoreError::Corrupt(anyhow::anyhow!(
                "audit event {} holds an unreadable unit: {e}",
                row.id
            ))
        })
}

/// The unit as it was at `at`, from the audit history.
pub fn unit_as_of(conn: &mut DbConnection, id: Uuid, at: NaiveDateTime) -> StoreResult<Option<Unit>> {
    match audit::as_of(conn, Entity::Unit, &id.to_string(), at)? {
        Some(row) => state_of(&row),
        None => Ok(None),
    }
}

/// Version `version` of the unit, from the audit history.
pub fn unit_version(conn: &mut DbConnection, id: Uuid, version: i64) -> StoreResult<Unit> {
    let row = audit::version(conn, Entity::Unit, &id.to_string(), version)?;
    let unit = row.as_ref().map(state_of).transpose()?.flatten();
    unit.ok_or_else(|| unknown::version(id, version).into())
}
