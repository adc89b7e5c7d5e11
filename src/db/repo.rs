//! Repository functions: whole operations, each in one transaction, in domain types.

use std::collections::HashSet;

use anyhow::{Context, anyhow};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::DbConnection;
use super::audit::{self, Audited, WriteMeta};
use super::models::{AreaRow, ContactPointRow, NewUnitRow, OrganisationRow, UnitAreaRow, UnitRow};
use super::schema::{accounts, areas, audit_events, contact_points, organisations, unit_areas, units};
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
    /// Built-in accounts: user name, version, disabled (for checking sign-in tokens).
    pub accounts: Vec<(String, i64, bool)>,
    /// How many audit events the snapshot includes. Every write appends one and none is ever
    /// deleted, so a larger count in the database means the snapshot is behind. (A count, not
    /// the newest id: PostgreSQL hands out ids before commit, so a later commit can carry a
    /// smaller id than one already seen.)
    pub event_count: i64,
    /// The search vocabulary.
    pub vocabulary: Vec<crate::domain::vocabulary::Synonym>,
    /// Numbers units had before, oldest first.
    pub replaced: Vec<crate::domain::ReplacedNumber>,
    /// The newest audit event the snapshot includes (0: none): what the next
    /// [`changes_since`] starts after.
    pub last_event_id: i64,
}

/// What the audit events after a given one touched, each read again as it stands now: the
/// change a write (or another instance's write) made, for the served directory to apply
/// instead of reading everything again.
#[derive(Debug, Default)]
pub struct Changes {
    /// The newest event read (unchanged when there was none).
    pub last_event_id: i64,
    /// How many events were read.
    pub events: i64,
    /// How many events there are in all, when asked for: the snapshot's count plus
    /// `events`, unless an event became visible out of id order.
    pub counted: Option<i64>,
    /// The units the events name, as they are now.
    pub units: Vec<Unit>,
    /// Every replaced number of those units, oldest first.
    pub replaced: Vec<crate::domain::ReplacedNumber>,
    pub organisations: Vec<Organisation>,
    pub areas: Vec<Area>,
    /// All accounts, when an event touched one.
    pub accounts: Option<Vec<(String, i64, bool)>>,
    /// The whole vocabulary, when an event touched a word.
    pub vocabulary: Option<Vec<crate::domain::vocabulary::Synonym>>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.events == 0
    }
}

/// The most units one change may name before reading everything again is the cheaper way (a
/// large import).
pub const MOST_CHANGED_UNITS: usize = 20_000;

/// The changes of every audit event after `after_id`, read in one read transaction; `None`
/// when they name more than [`MOST_CHANGED_UNITS`] units (read the whole directory instead).
///
/// Every write takes the database's write lock before it appends its event (`BEGIN
/// IMMEDIATE`, an advisory lock on PostgreSQL), so events become visible in id order and the
/// events after the newest one seen are exactly the ones not yet applied. What could still
/// break that order (a bulk load beside the service) shows in the event count, which the
/// watcher compares.
pub fn changes_since(conn: &mut DbConnection, after_id: i64, count: bool) -> anyhow::Result<Option<Changes>> {
    super::read_transaction(conn, |conn| {
        let events: Vec<(i64, String, String)> = audit_events::table
            .filter(audit_events::id.gt(after_id))
            .order(audit_events::id)
            .select((
                audit_events::id,
                audit_events::entity_type,
                audit_events::entity_id,
            ))
            .load(conn)?;
        let mut changes = Changes {
            last_event_id: events.last().map_or(after_id, |e| e.0),
            events: events.len() as i64,
            counted: if count { Some(event_count(conn)?) } else { None },
            ..Changes::default()
        };
        let (mut unit_ids, mut org_ids, mut area_ids) = (Vec::new(), Vec::new(), Vec::new());
        let mut seen = HashSet::new();
        for (_, entity, id) in events {
            if !seen.insert((entity.clone(), id.clone())) {
                continue;
            }
            match audit::Entity::parse(&entity) {
                Some(audit::Entity::Unit) => unit_ids.push(id),
                Some(audit::Entity::Organisation) => org_ids.push(id),
                Some(audit::Entity::Area) => area_ids.push(id),
                Some(audit::Entity::Account) if changes.accounts.is_none() => {
                    changes.accounts = Some(
                        accounts::table
                            .select((accounts::username, accounts::version, accounts::disabled))
                            .load(conn)?,
                    );
                }
                Some(audit::Entity::Vocabulary) if changes.vocabulary.is_none() => {
                    changes.vocabulary = Some(super::vocabulary::load_all(conn)?);
                }
                // Reports and imports as such are not part of the directory (an import's
                // units have events of their own).
                _ => {}
            }
        }
        if unit_ids.len() > MOST_CHANGED_UNITS {
            return Ok(None);
        }
        let mut rows = (Vec::new(), Vec::new(), Vec::new());
        // In slices: a statement may hold only so many parameters.
        for ids in unit_ids.chunks(500) {
            rows.0.extend(
                units::table
                    .filter(units::id.eq_any(ids))
                    .select(UnitRow::as_select())
                    .load(conn)?,
            );
            rows.1.extend(
                unit_areas::table
                    .filter(unit_areas::unit_id.eq_any(ids))
                    .select(UnitAreaRow::as_select())
                    .load(conn)?,
            );
            rows.2.extend(
                contact_points::table
                    .filter(contact_points::unit_id.eq_any(ids))
                    .filter(contact_points::removed_at.is_null())
                    .select(ContactPointRow::as_select())
                    .load(conn)?,
            );
            changes.replaced.extend(super::numbers::load_of_units(conn, ids)?);
        }
        let organisations = organisations::table
            .filter(organisations::id.eq_any(&org_ids))
            .select(OrganisationRow::as_select())
            .load(conn)?;
        let areas = areas::table
            .filter(areas::id.eq_any(&area_ids))
            .select(AreaRow::as_select())
            .load(conn)?;
        Ok::<_, diesel::result::Error>(Some((changes, organisations, areas, rows)))
    })
    .context("reading what changed in the directory")?
    .map(
        |(mut changes, organisations, areas, (units, unit_areas, points))| {
            let read = snapshot_from_rows(organisations, areas, units, unit_areas, points)?;
            changes.units = read.units;
            changes.organisations = read.organisations;
            changes.areas = read.areas;
            Ok(changes)
        },
    )
    .transpose()
}

/// Reads the whole directory as it stood at one moment of the database.
pub fn load_snapshot(conn: &mut DbConnection) -> anyhow::Result<Snapshot> {
    load_snapshot_with(conn, None)
}

/// [`load_snapshot`], with the contact points and areas of the units read on a second
/// connection, beside the units (a million units: two cores instead of one). Each connection
/// reads in a read transaction (REPEATABLE READ on PostgreSQL; a read transaction on
/// SQLite), and every write adds an audit event in its transaction, so when both saw the same
/// newest event they saw the same moment; when they did not (a write in between), they read
/// again, and after a few tries the whole read runs on one connection.
pub fn load_snapshot_with(
    conn: &mut DbConnection,
    mut helper: Option<&mut DbConnection>,
) -> anyhow::Result<Snapshot> {
    for _ in 0..3 {
        let Some(second) = helper.as_deref_mut() else {
            break;
        };
        let (main, parts) = std::thread::scope(|scope| {
            let parts = scope.spawn(|| super::read_transaction(second, read_unit_parts));
            let main = super::read_transaction(conn, read_units_and_reference);
            (main, parts.join())
        });
        let parts = match parts {
            Ok(parts) => parts,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let (snapshot, (seen, mut parts)) = (main?, parts?);
        if seen == snapshot.last_event_id {
            let mut snapshot = snapshot;
            parts.assemble(&mut snapshot.units);
            return Ok(snapshot);
        }
        log::info!("the directory changed while it was read; reading it again");
    }
    super::read_transaction(conn, |conn| {
        let (_, mut parts) = read_unit_parts(conn)?;
        let mut snapshot = read_units_and_reference(conn)?;
        parts.assemble(&mut snapshot.units);
        Ok(snapshot)
    })
}

/// Each unit's areas and current contact points, by unit id.
#[derive(Default)]
struct UnitParts {
    areas: foldhash::HashMap<Uuid, Vec<String>>,
    points: foldhash::HashMap<Uuid, Vec<ContactPoint>>,
}

impl UnitParts {
    fn add_area(&mut self, row: UnitAreaRow) -> anyhow::Result<()> {
        let unit = parse_uuid("unit", &row.unit_id)?;
        self.areas.entry(unit).or_default().push(row.area_id);
        Ok(())
    }

    fn add_point(&mut self, row: PointRead) -> anyhow::Result<()> {
        let unit = parse_uuid("unit", &row.unit_id)?;
        self.points.entry(unit).or_default().push(point_from_row(row)?);
        Ok(())
    }

    /// Puts each unit's areas and points in place.
    fn assemble(&mut self, units: &mut [Unit]) {
        for unit in units {
            unit.area_ids = self.areas.remove(&unit.id).unwrap_or_default();
            // (Pushed one at a time, a unit's one area took room for four.)
            unit.area_ids.shrink_to_fit();
            unit.contact_points = self.points.remove(&unit.id).unwrap_or_default();
            unit.contact_points.shrink_to_fit();
            unit.normalise();
        }
    }
}

/// The newest audit event, and every unit's areas and current contact points, read a row at
/// a time (a million rows never stand in memory beside what is made of them).
fn read_unit_parts(conn: &mut DbConnection) -> anyhow::Result<(i64, UnitParts)> {
    use diesel::connection::DefaultLoadingMode;
    let seen = newest_event(conn)?;
    let mut parts = UnitParts::default();
    for row in unit_areas::table
        .select(UnitAreaRow::as_select())
        .load_iter::<UnitAreaRow, DefaultLoadingMode>(conn)?
    {
        parts.add_area(row?)?;
    }
    for row in contact_points::table
        .filter(contact_points::removed_at.is_null())
        .select(PointRead::as_select())
        .load_iter::<PointRead, DefaultLoadingMode>(conn)?
    {
        parts.add_point(row?)?;
    }
    Ok((seen, parts))
}

/// The units (without their areas and points) and everything else the snapshot holds.
fn read_units_and_reference(conn: &mut DbConnection) -> anyhow::Result<Snapshot> {
    use diesel::connection::DefaultLoadingMode;
    let last_event_id = newest_event(conn)?;
    let organisations = organisations::table
        .select(OrganisationRow::as_select())
        .load(conn)?
        .into_iter()
        .map(organisation_from_row)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let areas = areas::table
        .select(AreaRow::as_select())
        .load(conn)?
        .into_iter()
        .map(area_from_row)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let count: i64 = units::table.count().get_result(conn)?;
    let mut units = Vec::with_capacity(usize::try_from(count).unwrap_or_default());
    for row in units::table
        .select(UnitRow::as_select())
        .load_iter::<UnitRow, DefaultLoadingMode>(conn)?
    {
        units.push(unit_from_row(row?)?);
    }
    Ok(Snapshot {
        organisations,
        areas,
        units,
        accounts: accounts::table
            .select((accounts::username, accounts::version, accounts::disabled))
            .load(conn)?,
        event_count: event_count(conn)?,
        vocabulary: super::vocabulary::load_all(conn)?,
        replaced: super::numbers::load_all(conn)?,
        last_event_id,
    })
}

fn newest_event(conn: &mut DbConnection) -> QueryResult<i64> {
    Ok(audit_events::table
        .select(diesel::dsl::max(audit_events::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

/// What the directory reads of a contact point's row.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = contact_points)]
struct PointRead {
    id: String,
    unit_id: String,
    purpose: String,
    label: String,
    visibility: String,
    e164: String,
    national: String,
    hours: Option<String>,
    periods: Option<String>,
}

impl From<ContactPointRow> for PointRead {
    fn from(r: ContactPointRow) -> Self {
        Self {
            id: r.id,
            unit_id: r.unit_id,
            purpose: r.purpose,
            label: r.label,
            visibility: r.visibility,
            e164: r.e164,
            national: r.national,
            hours: r.hours,
            periods: r.periods,
        }
    }
}

/// How many audit events there are.
pub fn event_count(conn: &mut DbConnection) -> QueryResult<i64> {
    super::schema::audit_events::table.count().get_result(conn)
}

fn snapshot_from_rows(
    organisation_rows: Vec<OrganisationRow>,
    area_rows: Vec<AreaRow>,
    unit_rows: Vec<UnitRow>,
    unit_area_rows: Vec<UnitAreaRow>,
    point_rows: Vec<ContactPointRow>,
) -> anyhow::Result<Snapshot> {
    let organisations = organisation_rows
        .into_iter()
        .map(organisation_from_row)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let areas = area_rows
        .into_iter()
        .map(area_from_row)
        .collect::<anyhow::Result<Vec<_>>>()?;

    let mut parts = UnitParts::default();
    for row in unit_area_rows {
        parts.add_area(row)?;
    }
    for row in point_rows {
        parts.add_point(row.into())?;
    }
    let mut units = unit_rows
        .into_iter()
        .map(unit_from_row)
        .collect::<anyhow::Result<Vec<_>>>()?;
    parts.assemble(&mut units);
    Ok(Snapshot {
        organisations,
        areas,
        units,
        accounts: Vec::new(),
        event_count: 0,
        vocabulary: Vec::new(),
        replaced: Vec::new(),
        last_event_id: 0,
    })
}

/// An organisation from its row.
pub(super) fn organisation_from_row(r: OrganisationRow) -> anyhow::Result<Organisation> {
    Ok(Organisation {
        kind: OrganisationKind::parse(&r.kind).map_err(|e| corrupt("organisation", &r.id, e))?,
        id: r.id,
        name: r.name,
        short_name: r.short_name,
        parent_id: r.parent_id,
        active_to: r.active_to,
        version: r.version,
    })
}

/// An area from its row.
pub(super) fn area_from_row(r: AreaRow) -> anyhow::Result<Area> {
    Ok(Area {
        kind: AreaKind::parse(&r.kind).map_err(|e| corrupt("area", &r.id, e))?,
        streets: r
            .streets
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .with_context(|| format!("stored streets of area {} cannot be read", r.id))?
            .unwrap_or_default(),
        id: r.id,
        name: r.name,
        active_to: r.active_to,
        version: r.version,
    })
}

/// An area's streets as stored (a JSON array; none: NULL).
pub(super) fn streets_json(area: &Area) -> Option<String> {
    (!area.streets.is_empty())
        .then(|| serde_json::to_string(&area.streets).ok())
        .flatten()
}

fn corrupt(what: &str, id: &str, e: crate::domain::Invalid) -> anyhow::Error {
    anyhow!("stored {what} {id} does not pass validation: {}", e.en)
}

/// A contact point from its row.
fn point_from_row(p: PointRead) -> anyhow::Result<ContactPoint> {
    Ok(ContactPoint {
        id: parse_uuid("contact point", &p.id)?,
        purpose: Purpose::parse(&p.purpose).map_err(|e| corrupt("contact point", &p.id, e))?,
        visibility: Visibility::parse(&p.visibility).map_err(|e| corrupt("contact point", &p.id, e))?,
        hours: stored_json(p.hours.as_deref(), "hours", ("contact point", &p.id))?,
        periods: stored_json(p.periods.as_deref(), "periods", ("contact point", &p.id))?.unwrap_or_default(),
        label: p.label,
        number: PhoneNumber::from_stored(p.e164, p.national),
    })
}

/// A unit from its row, its area ids and its (current) contact point rows.
pub(super) fn unit_from_rows(
    r: UnitRow,
    area_ids: Vec<String>,
    point_rows: Vec<ContactPointRow>,
) -> anyhow::Result<Unit> {
    let mut unit = unit_from_row(r)?;
    unit.area_ids = area_ids;
    unit.contact_points = point_rows
        .into_iter()
        .map(|p| point_from_row(p.into()))
        .collect::<anyhow::Result<_>>()?;
    unit.normalise();
    Ok(unit)
}

/// A unit from its row, without its areas and contact points (which [`UnitParts::assemble`] puts in).
fn unit_from_row(r: UnitRow) -> anyhow::Result<Unit> {
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
        area_ids: Vec::new(),
        address: Address {
            street: r.street,
            postal_code: r.postal_code,
            city: r.city,
        },
        active_from: r.active_from,
        active_to: r.active_to,
        reviewed_at: r.reviewed_at,
        note: r.note,
        contact_points: Vec::new(),
        updated_at: r.updated_at,
        version: r.version,
        fallback_contact_point_id: r
            .fallback_contact_point_id
            .as_deref()
            .map(|id| parse_uuid("fallback contact point", id))
            .transpose()?,
        responsibility: stored_json(r.responsibility.as_deref(), "responsibility", ("unit", &r.id))?,
        preschools: stored_json(r.preschools.as_deref(), "preschools", ("unit", &r.id))?.unwrap_or_default(),
        review_interval_months: u8::try_from(r.review_interval_months)
            .with_context(|| format!("stored review interval of unit {} is out of range", r.id))?,
        periods: stored_json(r.periods.as_deref(), "periods", ("unit", &r.id))?.unwrap_or_default(),
        notices: stored_json(r.notices.as_deref(), "notices", ("unit", &r.id))?.unwrap_or_default(),
    })
}

/// A JSON column as stored (NULL: `None`), or an error that names what could not be read.
fn stored_json<T: serde::de::DeserializeOwned>(
    raw: Option<&str>,
    what: &str,
    (kind, id): (&str, &str),
) -> anyhow::Result<Option<T>> {
    raw.map(serde_json::from_str)
        .transpose()
        .with_context(|| format!("stored {what} of {kind} {id} cannot be read"))
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

/// Inserts an organisation and records it in the audit history.
pub fn insert_organisation(conn: &mut DbConnection, meta: &WriteMeta, org: &Organisation) -> QueryResult<()> {
    let now = meta.at;
    audit::record(conn, meta, "organisation.create", None, org)?;
    diesel::insert_into(organisations::table)
        .values(OrganisationRow {
            id: org.id.clone(),
            name: org.name.clone(),
            short_name: org.short_name.clone(),
            kind: org.kind.code().to_owned(),
            parent_id: org.parent_id.clone(),
            created_at: now,
            updated_at: now,
            active_to: org.active_to,
            version: org.version,
        })
        .execute(conn)
        .map(drop)
}

/// Inserts an area and records it in the audit history.
pub fn insert_area(conn: &mut DbConnection, meta: &WriteMeta, area: &Area) -> QueryResult<()> {
    let now = meta.at;
    audit::record(conn, meta, "area.create", None, area)?;
    diesel::insert_into(areas::table)
        .values(AreaRow {
            id: area.id.clone(),
            name: area.name.clone(),
            kind: area.kind.code().to_owned(),
            created_at: now,
            updated_at: now,
            active_to: area.active_to,
            version: area.version,
            streets: streets_json(area),
        })
        .execute(conn)
        .map(drop)
}

/// Inserts a unit with its areas and contact points in one transaction, and records it in the
/// audit history. The database refuses the whole unit if it lacks its `vag_in` number or has
/// two.
pub fn insert_unit(conn: &mut DbConnection, meta: &WriteMeta, unit: &Unit) -> QueryResult<()> {
    let now = meta.at;
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
                version: unit.version,
                fallback_contact_point_id: unit.fallback_contact_point_id.map(|id| id.to_string()),
                responsibility: responsibility_json(unit),
                preschools: preschools_json(unit),
                review_interval_months: i32::from(unit.review_interval_months),
                periods: list_json(&unit.periods),
                notices: list_json(&unit.notices),
            })
            .execute(conn)?;
        // Row by row: one statement for both backends (a multi-row VALUES is not).
        for point in &unit.contact_points {
            diesel::insert_into(contact_points::table)
                .values(contact_point_row(&unit_id, point, now))
                .execute(conn)?;
        }
        insert_unit_areas(conn, &unit_id, &unit.area_ids)?;
        audit::record(conn, meta, "unit.create", None, unit)?;
        Ok(())
    })
}

/// Links a unit to its areas.
pub(super) fn insert_unit_areas(
    conn: &mut DbConnection,
    unit_id: &str,
    area_ids: &[String],
) -> QueryResult<()> {
    for area_id in area_ids {
        diesel::insert_into(unit_areas::table)
            .values(UnitAreaRow {
                unit_id: unit_id.to_owned(),
                area_id: area_id.clone(),
            })
            .execute(conn)?;
    }
    Ok(())
}

pub(super) fn contact_point_row(unit_id: &str, c: &ContactPoint, now: NaiveDateTime) -> ContactPointRow {
    ContactPointRow {
        id: c.id.to_string(),
        unit_id: unit_id.to_owned(),
        purpose: c.purpose.code().to_owned(),
        label: c.label.clone(),
        visibility: c.visibility.code().to_owned(),
        e164: c.number.e164().to_owned(),
        national: c.number.national().to_owned(),
        created_at: now,
        updated_at: now,
        removed_at: None,
        hours: hours_json(c),
        periods: list_json(&c.periods),
    }
}

/// A unit's responsibility as stored (JSON).
pub(super) fn responsibility_json(unit: &Unit) -> Option<String> {
    unit.responsibility
        .as_ref()
        .and_then(|r| serde_json::to_string(r).ok())
}

/// A unit's preschools as stored (a JSON array; none: NULL).
pub(super) fn preschools_json(unit: &Unit) -> Option<String> {
    (!unit.preschools.is_empty())
        .then(|| serde_json::to_string(&unit.preschools).ok())
        .flatten()
}

/// A contact point's hours as stored (JSON).
pub(super) fn hours_json(c: &ContactPoint) -> Option<String> {
    // Serialising plain data cannot fail.
    c.hours.as_ref().and_then(|h| serde_json::to_string(h).ok())
}

/// A list as stored: a JSON array, or NULL when empty.
pub(super) fn list_json<T: serde::Serialize>(items: &[T]) -> Option<String> {
    // Serialising plain data cannot fail.
    (!items.is_empty())
        .then(|| serde_json::to_string(items).ok())
        .flatten()
}

/// `SELECT 1`: is the database answering?
pub fn ping(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT 1").execute(conn).map(drop)
}

/// Gives every unit, organisation, area and word that has no event yet (it was stored before
/// the audit history existed) a first event with its current state, so that its history,
/// `as_of` and revert start somewhere. Returns how many it recorded.
pub fn record_baselines(
    conn: &mut DbConnection,
    snapshot: &Snapshot,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    let meta = WriteMeta::system("baseline", at);
    super::write_transaction(conn, |conn| {
        // Read what has events after the lock: an instance that started at the same moment
        // may have recorded them while this one waited.
        super::start_up_lock(conn)?;
        Ok(baselines(conn, &meta, &snapshot.organisations)?
            + baselines(conn, &meta, &snapshot.areas)?
            + baselines(conn, &meta, &snapshot.vocabulary)?
            + baselines(conn, &meta, &snapshot.units)?)
    })
}

/// The first events of those of `items` that have none.
fn baselines<T: Audited>(conn: &mut DbConnection, meta: &WriteMeta, items: &[T]) -> QueryResult<usize> {
    let code = T::ENTITY.code();
    let of_type = || audit_events::table.filter(audit_events::entity_type.eq(code));
    // Units are never deleted, so when as many units have events as there are units, every
    // unit has one: one count over the index instead of a million ids read (what made a
    // start at a million units seconds slower). Other entities may be deleted (a word of the
    // vocabulary), and are few: their ids are always read.
    if T::ENTITY == audit::Entity::Unit {
        let with_events: i64 = of_type()
            .select(diesel::dsl::count(audit_events::entity_id).aggregate_distinct())
            .first(conn)?;
        if usize::try_from(with_events).is_ok_and(|n| n == items.len()) {
            return Ok(0);
        }
    }
    let known: HashSet<String> = of_type()
        .select(audit_events::entity_id)
        .distinct()
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let action = format!("{code}.baseline");
    let mut recorded = 0;
    for item in items {
        if !known.contains(&*item.entity_id()) {
            audit::record(conn, meta, &action, None, item)?;
            recorded += 1;
        }
    }
    Ok(recorded)
}
