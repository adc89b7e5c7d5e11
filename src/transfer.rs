//! The directory as a CSV file, out and in (the file itself: `formats::csv`; vCards:
//! `formats::vcard`): one row per number, the unit's columns repeated on
//! each of its rows. `GET /v1/export?format=csv` writes it; `POST /v1/import` and
//! `kontaktnav import FILE.csv` read it back.
//!
//! An import is all or nothing. It reads the whole file, reports every problem with its line
//! and column, and writes only a file without problems, in one transaction, as one batch in
//! the audit history (each unit's event carries the batch id; one `import` event sums up).
//! A dry run does all of it, including the checks only the database can make, and rolls back.
//!
//! Rows are matched to stored units by `unit_id`, else by `hsa_id`, else by organisation and
//! name; numbers by `contact_point_id`, else by purpose and label (the one `vag_in` by its
//! purpose alone). A unit's rows are its whole list of numbers: a stored number the file leaves
//! out is removed. So importing the same file twice changes nothing the second time.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::audit::{self, Entity, Event, WriteMeta};
use crate::db::schema::{areas, contact_points, organisations, units};
use crate::db::units::{check_stored, load_unit, save_unchecked};
use crate::db::{DbConnection, StoreError, repo, write_transaction};
use crate::domain::edit::{Refusal, UnitPatch};
use crate::domain::history::{Change, changes};
use crate::domain::text::fold;
use crate::domain::{ContactPoint, FieldError, Invalid, Purpose, Unit, shown, unknown};
use crate::error::AppError;
pub use crate::formats::csv::{COLUMNS, LineError, ParsedFile, export_csv, parse};
use crate::formats::csv::{MAX_PROBLEMS, PointRow, UnitKey};

/// What an import did, or (dry run) would do.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    /// Rows read (not counting the header).
    pub rows: usize,
    /// Units in the file.
    pub units: usize,
    pub created: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// The batch in the audit history (`GET /v1/audit?batch=…`); absent for a dry run and
    /// for an import that changed nothing.
    pub batch_id: Option<String>,
    /// What may be a slip but is imported as it stands, each with its line: a number that
    /// looks mistyped ("Menade du 031-39 00 62? …").
    pub warnings: Vec<LineError>,
    /// Each unit the file creates or changes, in the order of the file (at most
    /// 10,000: see `diff_complete`).
    pub diff: Vec<UnitDiff>,
    /// False when more units change than `diff` lists.
    pub diff_complete: bool,
    /// The moment of the directory this report was made from (the newest event of the audit
    /// history then). Send it back with the import (`based_on`) to import exactly what this
    /// preview showed: if a unit the file touches has changed since, the import answers 409
    /// and changes nothing.
    #[schema(example = 1234)]
    pub based_on: i64,
}

/// The most units an import report lists one by one.
const MAX_DIFF_UNITS: usize = 10_000;

/// One unit an import creates or changes: its numbers added and removed (a number the file
/// leaves out is removed), and every changed field as the unit's history will show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitDiff {
    /// The unit's first line in the file.
    pub line: u64,
    pub unit_id: Uuid,
    pub name: String,
    pub created: bool,
    /// Numbers it gets that it did not have.
    pub added_numbers: Vec<NumberLine>,
    /// Numbers it has that the file leaves out: they are removed.
    pub removed_numbers: Vec<NumberLine>,
    /// For a changed unit, each changed field: `contact_points[Växel].number.national`,
    /// from, to (the differences of `GET /v1/units/{id}/history`).
    pub changes: Vec<Change>,
}

/// A number, as a diff names it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NumberLine {
    pub purpose: Purpose,
    pub label: String,
    #[schema(example = "031-390 06 27")]
    pub number: String,
}

impl NumberLine {
    fn of(point: &ContactPoint) -> Self {
        Self {
            purpose: point.purpose,
            label: point.label.clone(),
            number: point.number.national().to_owned(),
        }
    }
}

impl UnitDiff {
    /// What `after` changes of `before` (none: a new unit).
    fn of(line: u64, before: Option<&Unit>, after: &Unit) -> Self {
        let had = |p: &ContactPoint| before.is_some_and(|b| b.contact_points.iter().any(|q| q.id == p.id));
        let kept = |p: &ContactPoint| after.contact_points.iter().any(|q| q.id == p.id);
        let as_json = |u: &Unit| serde_json::to_value(u).unwrap_or_default();
        Self {
            line,
            unit_id: after.id,
            name: after.name.clone(),
            created: before.is_none(),
            added_numbers: after
                .contact_points
                .iter()
                .filter(|p| !had(p))
                .map(NumberLine::of)
                .collect(),
            removed_numbers: before
                .map(|b| {
                    b.contact_points
                        .iter()
                        .filter(|p| !kept(p))
                        .map(NumberLine::of)
                        .collect()
                })
                .unwrap_or_default(),
            changes: before
                .map(|b| changes(&as_json(b), &as_json(after)))
                .unwrap_or_default(),
        }
    }
}

/// The import's event in the audit history: the counts (each unit has its own event).
#[derive(Serialize)]
struct ImportEvent<'a> {
    dry_run: bool,
    rows: usize,
    units: usize,
    created: usize,
    changed: usize,
    unchanged: usize,
    batch_id: &'a Option<String>,
}

/// Why an import stopped.
#[derive(Debug)]
pub enum ImportError {
    /// Problems in the file, each with its line; nothing was written.
    Problems(Vec<LineError>),
    Failed(AppError),
    /// A dry run went through: everything was written, checked and rolled back; what it did.
    DryRunDone(Box<ImportReport>),
    /// Units the file touches changed after the preview the import was confirmed from (their
    /// names); nothing was written.
    Moved(Vec<String>),
}

impl From<AppError> for ImportError {
    fn from(e: AppError) -> Self {
        ImportError::Failed(e)
    }
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::Failed(e.into())
    }
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        ImportError::Failed(e.into())
    }
}

impl From<ImportError> for AppError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Problems(errors) => {
                AppError::Validation(errors.into_iter().map(LineError::into_field_error).collect())
            }
            ImportError::Failed(e) => e,
            ImportError::DryRunDone(_) => {
                AppError::Unexpected(anyhow::anyhow!("a dry run was taken for a failure"))
            }
            ImportError::Moved(names) => {
                let shown = names.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
                let more = names.len().saturating_sub(5);
                let (more_sv, more_en) = match more {
                    0 => (String::new(), String::new()),
                    n => (format!(" och {n} till"), format!(" and {n} more")),
                };
                AppError::Conflict {
                    sv: format!(
                        "enheter i filen har ändrats sedan förhandsvisningen ({shown}{more_sv}); inget importerades. Gör en ny förhandsvisning (dry_run=true) och bekräfta den"
                    ),
                    en: format!(
                        "units in the file have changed since the preview ({shown}{more_en}); nothing was imported. Make a new preview (dry_run=true) and confirm that"
                    ),
                }
            }
        }
    }
}

/// What the database knows that a file is checked against.
struct Known {
    organisations: HashSet<String>,
    areas: HashSet<String>,
    /// HSA-id → the unit that has it.
    hsa: HashMap<String, String>,
    /// (organisation, folded name) → the units of that name.
    names: HashMap<(String, String), Vec<Uuid>>,
}

impl Known {
    fn load(conn: &mut DbConnection) -> diesel::QueryResult<Self> {
        Ok(Self {
            organisations: organisations::table
                .select(organisations::id)
                .load::<String>(conn)?
                .into_iter()
                .collect(),
            areas: areas::table
                .select(areas::id)
                .load::<String>(conn)?
                .into_iter()
                .collect(),
            hsa: units::table
                .filter(units::hsa_id.is_not_null())
                .select((units::hsa_id.assume_not_null(), units::id))
                .load::<(String, String)>(conn)?
                .into_iter()
                .collect(),
            names: {
                let mut names: HashMap<(String, String), Vec<Uuid>> = HashMap::new();
                for (id, org, name) in units::table
                    .select((units::id, units::organisation_id, units::name))
                    .load::<(String, String, String)>(conn)?
                {
                    if let Ok(id) = Uuid::parse_str(&id) {
                        names.entry((org, fold(&name))).or_default().push(id);
                    }
                }
                names
            },
        })
    }
}

/// One unit's part of the import.
struct Planned {
    line: u64,
    before: Option<Unit>,
    after: Unit,
}

/// Imports a checked file: see the module documentation. `progress` hears (units done, units
/// in the file) as the writing goes on.
pub fn import(
    conn: &mut DbConnection,
    meta: &WriteMeta,
    file: ParsedFile,
    dry_run: bool,
    based_on: Option<i64>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportReport, ImportError> {
    let work = |conn: &mut DbConnection| {
        let now = audit::newest_id(conn)?;
        let mut report = import_within(conn, meta, &file, based_on, progress)?;
        report.based_on = now;
        if dry_run {
            // Everything was written and checked, also what the database checks only at
            // commit (deferred foreign keys); now it is undone.
            check_deferred(conn)?;
            return Err(ImportError::DryRunDone(Box::new(report)));
        }
        Ok(report)
    };
    // A dry run does not take the writers' turn (see `dry_transaction`).
    let outcome = match dry_run {
        true => crate::db::dry_transaction(conn, work),
        false => write_transaction(conn, work),
    };
    match outcome {
        Err(ImportError::DryRunDone(report)) => Ok(ImportReport {
            dry_run: true,
            batch_id: None,
            ..*report
        }),
        other => other,
    }
}

/// A confirmed preview made at `based_on`: refused if any unit the file touches (matched a
/// stored unit, changed or not) has an event after it.
fn moved_since(conn: &mut DbConnection, based_on: i64, planned: &[Planned]) -> Result<(), ImportError> {
    let touched: Vec<String> = planned
        .iter()
        .filter_map(|p| p.before.as_ref())
        .map(|u| u.id.to_string())
        .collect();
    let changed = audit::changed_since(conn, based_on, Entity::Unit, &touched)?;
    if changed.is_empty() {
        return Ok(());
    }
    let mut names: Vec<String> = planned
        .iter()
        .filter_map(|p| p.before.as_ref())
        .filter(|u| changed.contains(&u.id.to_string()))
        .map(|u| u.name.clone())
        .collect();
    names.sort();
    Err(ImportError::Moved(names))
}

/// Inside a write transaction: writes the file's units as one batch with its audit events
/// (refused, with `based_on`, if a unit it touches changed after that event),
/// checks what only the database can, and records the batch.
pub fn import_within(
    conn: &mut DbConnection,
    meta: &WriteMeta,
    file: &ParsedFile,
    based_on: Option<i64>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportReport, ImportError> {
    let batch_id = Uuid::new_v4().to_string();
    let meta = WriteMeta {
        batch_id: Some(batch_id.clone()),
        ..meta.clone()
    };
    let mut report = ImportReport {
        dry_run: false,
        rows: file.rows,
        units: file.units.len(),
        created: 0,
        changed: 0,
        unchanged: 0,
        batch_id: None,
        warnings: file.warnings.clone(),
        diff: Vec::new(),
        diff_complete: true,
        based_on: 0,
    };
    let known = Known::load(conn)?;
    let planned = plan(conn, &known, &meta, file)?;
    if let Some(based_on) = based_on {
        moved_since(conn, based_on, &planned)?;
    }
    let total = planned.len();
    let mut written: Vec<&Planned> = Vec::new();
    for (done, p) in planned.iter().enumerate() {
        match &p.before {
            None => {
                repo::insert_unit(conn, &meta, &p.after)?;
                report.created += 1;
                written.push(p);
            }
            Some(before) if *before == p.after => report.unchanged += 1,
            Some(before) => {
                save_unchecked(conn, &meta, "unit.import", before, &p.after)?;
                report.changed += 1;
                written.push(p);
            }
        }
        if p.before.as_ref() != Some(&p.after) {
            if report.diff.len() < MAX_DIFF_UNITS {
                report
                    .diff
                    .push(UnitDiff::of(p.line, p.before.as_ref(), &p.after));
            } else {
                report.diff_complete = false;
            }
        }
        progress(done + 1, total);
    }
    let mut problems = Vec::new();
    for p in &written {
        match check_stored(conn, p.before.as_ref(), &p.after) {
            Ok(()) => {}
            Err(StoreError::Refused(Refusal::Invalid(errors))) => {
                problems.extend(errors.into_iter().map(|e| LineError::from_field(p.line, e)))
            }
            Err(StoreError::Refused(Refusal::Conflict(why))) => {
                problems.push(LineError::new(p.line, "", Invalid::new(why.sv, why.en)))
            }
            Err(other) => return Err(other.into()),
        }
    }
    if !problems.is_empty() {
        return Err(self::problems(problems));
    }
    if !written.is_empty() {
        report.batch_id = Some(batch_id.clone());
        audit::append(
            conn,
            &meta,
            Event {
                action: "import",
                entity: Entity::Import,
                entity_id: &batch_id,
                version: 1,
                organisation_id: None,
                before: None::<&ImportEvent>,
                after: Some(&ImportEvent {
                    dry_run: report.dry_run,
                    rows: report.rows,
                    units: report.units,
                    created: report.created,
                    changed: report.changed,
                    unchanged: report.unchanged,
                    batch_id: &report.batch_id,
                }),
            },
        )?;
    }
    Ok(report)
}

/// What the database would check at commit, checked now: deferred foreign keys.
fn check_deferred(conn: &mut DbConnection) -> Result<(), ImportError> {
    #[derive(QueryableByName)]
    struct Violation {
        #[diesel(sql_type = diesel::sql_types::Text)]
        table: String,
    }
    match conn {
        DbConnection::Postgresql(c) => {
            diesel::sql_query("SET CONSTRAINTS ALL IMMEDIATE").execute(c)?;
        }
        DbConnection::Sqlite(c) => {
            let violations: Vec<Violation> = diesel::sql_query("PRAGMA foreign_key_check").load(c)?;
            if let Some(v) = violations.first() {
                return Err(ImportError::Failed(AppError::Conflict {
                    sv: format!("databasen vägrar importen: en referens i {} saknas", v.table),
                    en: format!(
                        "the database refuses the import: a reference in {} is missing",
                        v.table
                    ),
                }));
            }
        }
    }
    Ok(())
}

/// Finds each group's stored unit and computes its next state: every problem with its line.
fn plan(
    conn: &mut DbConnection,
    known: &Known,
    meta: &WriteMeta,
    file: &ParsedFile,
) -> Result<Vec<Planned>, ImportError> {
    let mut errors: Vec<LineError> = file.errors.clone();
    let mut planned = Vec::with_capacity(file.units.len());
    let mut matched: HashMap<Uuid, u64> = HashMap::new();
    // Number ids of the file that are stored under another id (see `match_points`).
    let mut remap: HashMap<Uuid, Uuid> = HashMap::new();
    // Likewise unit ids (a vårdcentral named in a boende's responsibility).
    let mut unit_remap: HashMap<Uuid, Uuid> = HashMap::new();
    for rows in &file.units {
        let fail = |errors: &mut Vec<LineError>, column: &str, why: Invalid| {
            errors.push(LineError::new(rows.line, column, why));
        };
        if !known.organisations.contains(&rows.organisation_id) {
            fail(
                &mut errors,
                "organisation_id",
                unknown::organisation(&shown(&rows.organisation_id)),
            );
        }
        for area in rows.patch.area_ids.iter().flatten() {
            if !known.areas.contains(area) {
                fail(&mut errors, "area_ids", unknown::area(&shown(area)));
            }
        }
        // By id; an id the database does not know (a new unit, or a file from another
        // database) by HSA-id, then by organisation and name.
        let stored_id = |key: &UnitKey| -> Result<Option<Uuid>, Invalid> {
            match key {
                UnitKey::Id(_) => Ok(None),
                UnitKey::Hsa(hsa) => Ok(known.hsa.get(hsa).and_then(|id| Uuid::parse_str(id).ok())),
                UnitKey::Name(org, name) => {
                    match known.names.get(&(org.clone(), name.clone())).map(Vec::as_slice) {
                        None | Some([]) => Ok(None),
                        Some([one]) => Ok(Some(*one)),
                        Some(several) => Err(Invalid::new(
                            format!(
                                "organisationen har {} enheter med det namnet; ange unit_id",
                                several.len()
                            ),
                            format!(
                                "the organisation has {} units of that name; give unit_id",
                                several.len()
                            ),
                        )),
                    }
                }
            }
        };
        let mut before = match &rows.key {
            UnitKey::Id(id) => load_unit(conn, *id)?,
            _ => None,
        };
        let mut ambiguous = None;
        if before.is_none() {
            let fallbacks = [
                rows.hsa_id.as_ref().map(|h| UnitKey::Hsa(h.as_str().to_owned())),
                Some(UnitKey::Name(rows.organisation_id.clone(), rows.name_key.clone())),
            ];
            for key in fallbacks.iter().flatten() {
                match stored_id(key) {
                    Ok(Some(id)) => {
                        // Two HSA-ids: two units, whatever their names.
                        before = load_unit(conn, id)?.filter(|b| {
                            b.hsa_id.is_none() || rows.hsa_id.is_none() || b.hsa_id == rows.hsa_id
                        });
                        break;
                    }
                    Ok(None) => {}
                    Err(why) => {
                        ambiguous = Some(why);
                        break;
                    }
                }
            }
        }
        if let Some(why) = ambiguous {
            fail(&mut errors, "name", why);
            continue;
        }
        if let (Some(b), Some(file_id)) = (&before, rows.unit_id)
            && b.id != file_id
        {
            unit_remap.insert(file_id, b.id);
        }
        let id = before
            .as_ref()
            .map(|b| b.id)
            .or(rows.unit_id)
            .unwrap_or_else(Uuid::new_v4);
        if let Some(first) = matched.insert(id, rows.line) {
            fail(
                &mut errors,
                "unit_id",
                Invalid::new(
                    format!("dubblett: raden gäller samma enhet som rad {first}"),
                    format!("duplicate key: the row is about the same unit as line {first}"),
                ),
            );
            continue;
        }
        if let Some(hsa) = &rows.hsa_id
            && let Some(owner) = known.hsa.get(hsa.as_str())
            && *owner != id.to_string()
        {
            fail(
                &mut errors,
                "hsa_id",
                Invalid::new(
                    format!("dubblett: HSA-id {hsa} har redan enheten {owner}"),
                    format!("duplicate key: HSA-id {hsa} belongs to the unit {owner} already"),
                ),
            );
        }
        let base = before
            .clone()
            .unwrap_or_else(|| Unit::first(id, rows.kind, rows.organisation_id.clone(), meta.at));
        let patch = UnitPatch {
            kind: Some(rows.kind),
            ..rows.patch.clone()
        };
        let mut after = match patch.apply(&base) {
            Ok(after) => after,
            Err(Refusal::Invalid(fields)) => {
                // The unit's periods are the `unit_periods` column (`periods` is the number's).
                let unit_field = |mut e: FieldError| {
                    if let Some(rest) = e.field.strip_prefix("periods") {
                        e.field = format!("unit_periods{rest}");
                    }
                    e
                };
                errors.extend(
                    fields
                        .into_iter()
                        .map(|e| LineError::from_field(rows.line, unit_field(e))),
                );
                continue;
            }
            Err(Refusal::Conflict(why) | Refusal::NotFound(why)) => {
                fail(&mut errors, "", why);
                continue;
            }
        };
        after.contact_points = match_points(conn, &rows.points, &base, &mut remap, &mut errors)?;
        after.normalise();
        planned.push(Planned {
            line: rows.line,
            before,
            after,
        });
    }
    for p in &mut planned {
        // A fallback named by a file id that matched a stored number under another id.
        if let Some(stored) = p.after.fallback_contact_point_id.and_then(|f| remap.get(&f)) {
            p.after.fallback_contact_point_id = Some(*stored);
        }
        if let Some(r) = p.after.responsibility.as_mut()
            && let Some(stored) = unit_remap.get(&r.vardcentral_id)
        {
            r.vardcentral_id = *stored;
        }
        // Likewise the redirects of dated periods.
        let points = p
            .after
            .contact_points
            .iter_mut()
            .flat_map(|c| c.periods.iter_mut());
        for period in points.chain(p.after.periods.iter_mut()) {
            if let Some(stored) = period.redirect_to.and_then(|r| remap.get(&r)) {
                period.redirect_to = Some(*stored);
            }
        }
        if let Some(before) = &p.before {
            // The stored version and time stay unless something changes (the write sets them).
            p.after.version = before.version;
            p.after.updated_at = before.updated_at;
            if *before != p.after {
                p.after.version = before.version + 1;
                p.after.updated_at = meta.at;
            }
        }
    }
    if errors.is_empty() {
        Ok(planned)
    } else {
        Err(problems(errors))
    }
}

/// The problems in file order, at most [`MAX_PROBLEMS`] and a last line that says how many
/// more there were.
fn problems(mut errors: Vec<LineError>) -> ImportError {
    errors.sort_by(|a, b| (a.line, &a.column).cmp(&(b.line, &b.column)));
    if errors.len() > MAX_PROBLEMS {
        let more = errors.len() - MAX_PROBLEMS;
        errors.truncate(MAX_PROBLEMS);
        errors.push(LineError::new(
            errors.last().map_or(0, |e| e.line),
            "",
            Invalid::new(
                format!("… och {more} fel till; rätta dessa först"),
                format!("… and {more} more problems; fix these first"),
            ),
        ));
    }
    ImportError::Problems(errors)
}

/// Gives each row's number its id: the one named if it is stored, else the stored number with
/// the same purpose and label (the `vag_in` by purpose alone), else the one named, else a new one.
fn match_points(
    conn: &mut DbConnection,
    rows: &[PointRow],
    base: &Unit,
    remap: &mut HashMap<Uuid, Uuid>,
    errors: &mut Vec<LineError>,
) -> Result<Vec<ContactPoint>, ImportError> {
    let mut taken: HashSet<Uuid> = rows.iter().filter_map(|r| r.id).collect();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut point = row.point.clone();
        let owner: Option<String> = match row.id {
            Some(id) => contact_points::table
                .find(id.to_string())
                .select(contact_points::unit_id)
                .first(conn)
                .optional()?,
            None => None,
        };
        point.id = match (row.id, owner) {
            (Some(id), Some(owner)) => {
                if owner != base.id.to_string() {
                    errors.push(LineError::new(
                        row.line,
                        "contact_point_id",
                        Invalid::new(
                            format!("numret {id} tillhör en annan enhet"),
                            format!("the number {id} belongs to another unit"),
                        ),
                    ));
                }
                id
            }
            // Not stored (a new number, or a file from another database): the stored number
            // with the same purpose and label is the one meant, if there is one.
            (named, _) => {
                let same = base.contact_points.iter().find(|c| {
                    !taken.contains(&c.id)
                        && c.purpose == point.purpose
                        && (point.purpose == Purpose::VagIn || fold(&c.label) == fold(&point.label))
                });
                let id = same.map(|c| c.id).or(named).unwrap_or_else(Uuid::new_v4);
                if let Some(named) = named.filter(|n| *n != id) {
                    remap.insert(named, id);
                }
                taken.insert(id);
                id
            }
        };
        if let Some(stored) = base.contact_points.iter().find(|c| c.id == point.id) {
            if row.keep_visibility {
                point.visibility = stored.visibility;
            }
            if row.keep_hours {
                point.hours = stored.hours.clone();
            }
            if row.keep_periods {
                point.periods = stored.periods.clone();
            }
            if stored.purpose == Purpose::VagIn && point.purpose != Purpose::VagIn {
                errors.push(LineError::new(
                    row.line,
                    "purpose",
                    Invalid::new(
                        "numret är enhetens väg in och behåller syftet vag_in; ändra numret i stället",
                        "the number is the unit's one way in and keeps purpose vag_in; change the number instead",
                    ),
                ));
            }
        }
        out.push(point);
    }
    if let Some(vag_in) = base.vag_in()
        && !out.iter().any(|c| c.id == vag_in.id)
    {
        let line = rows
            .iter()
            .find(|r| r.point.purpose == Purpose::VagIn)
            .map_or(rows.first().map_or(0, |r| r.line), |r| r.line);
        errors.push(LineError::new(
            line,
            "contact_point_id",
            Invalid::new(
                format!(
                    "enhetens väg in ({}) kan inte tas bort; ange dess contact_point_id och ändra numret",
                    vag_in.id
                ),
                format!(
                    "the unit's one way in ({}) cannot be removed; give its contact_point_id and change the number",
                    vag_in.id
                ),
            ),
        ));
    }
    Ok(out)
}
