//! The directory as a CSV file, out and in (vCards: `formats::vcard`): one row per number, the unit's columns repeated on
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

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::db::audit::{self, Entity, Event, WriteMeta};
use crate::db::schema::{areas, contact_points, organisations, units};
use crate::db::units::{check_stored, load_unit, save_unchecked};
use crate::db::{DbConnection, repo, write_transaction};
use crate::directory::Directory;
use crate::domain::edit::{Refusal, UnitPatch};
use crate::domain::hours::{Notice, Period, TelephoneHours};
use crate::domain::responsibility::Responsibility;
use crate::domain::text::fold;
use crate::domain::{
    Address, ContactPoint, ContactPointDraft, FieldError, HsaId, Invalid, Purpose, Unit, UnitKind,
    Visibility, review, shown, today,
};
use crate::error::AppError;

/// The columns, in the order the export writes them. An import takes them in any order.
pub const COLUMNS: [&str; 26] = [
    "unit_id",
    "hsa_id",
    "name",
    "kind",
    "organisation_id",
    "area_ids",
    "street",
    "postal_code",
    "city",
    "active_from",
    "active_to",
    "reviewed_at",
    "review_interval_months",
    "note",
    "fallback_contact_point_id",
    "responsibility",
    "preschools",
    "unit_periods",
    "notices",
    "contact_point_id",
    "purpose",
    "label",
    "visibility",
    "number",
    "hours",
    "periods",
];

/// The columns before `contact_point_id` describe the unit: the same on each of its rows.
const UNIT_COLUMNS: usize = 19;

/// Columns an import cannot do without.
const REQUIRED: [&str; 6] = ["name", "kind", "organisation_id", "purpose", "label", "number"];

/// Lists inside one cell (`area_ids`, `preschools`) are separated by semicolons.
const LIST_SEPARATOR: char = ';';

/// Characters that make a spreadsheet read a cell as a formula. The export puts an apostrophe
/// before a cell that starts with one (so it opens as text); the import takes it away again.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn defused(cell: String) -> String {
    if cell.starts_with(FORMULA_START) {
        format!("'{cell}")
    } else {
        cell
    }
}

fn undefused(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => cell,
    }
}

/// The whole directory (every unit, active or not, ordered by id) as CSV.
pub fn export_csv(directory: &Directory) -> anyhow::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    let mut units: Vec<&Unit> = directory.units().iter().collect();
    units.sort_by_key(|u| u.id);
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let json = |v: Option<String>| v.unwrap_or_default();
    for unit in units {
        let responsibility = unit
            .responsibility
            .as_ref()
            .map(serde_json::to_string)
            .transpose()?;
        let list = |items: String| if items == "[]" { String::new() } else { items };
        let unit_periods = list(serde_json::to_string(&unit.periods)?);
        let notices = list(serde_json::to_string(&unit.notices)?);
        for point in &unit.contact_points {
            let hours = point.hours.as_ref().map(serde_json::to_string).transpose()?;
            let periods = list(serde_json::to_string(&point.periods)?);
            writer.write_record(
                [
                    unit.id.to_string(),
                    unit.hsa_id
                        .as_ref()
                        .map(|h| h.as_str().to_owned())
                        .unwrap_or_default(),
                    unit.name.clone(),
                    unit.kind.code().to_owned(),
                    unit.organisation_id.clone(),
                    unit.area_ids.join("; "),
                    unit.address.street.clone().unwrap_or_default(),
                    unit.address.postal_code.clone().unwrap_or_default(),
                    unit.address.city.clone().unwrap_or_default(),
                    unit.active_from.to_string(),
                    date(unit.active_to),
                    date(unit.reviewed_at),
                    unit.review_interval_months.to_string(),
                    unit.note.clone().unwrap_or_default(),
                    unit.fallback_contact_point_id
                        .map(|id| id.to_string())
                        .unwrap_or_default(),
                    json(responsibility.clone()),
                    unit.preschools.join("; "),
                    unit_periods.clone(),
                    notices.clone(),
                    point.id.to_string(),
                    point.purpose.code().to_owned(),
                    point.label.clone(),
                    point.visibility.code().to_owned(),
                    point.number.national().to_owned(),
                    json(hours),
                    periods,
                ]
                .map(defused),
            )?;
        }
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

/// A problem in the file: where, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LineError {
    /// The line in the file (the header is line 1).
    pub line: u64,
    /// The column, as named in the header; empty when the whole row is meant.
    pub column: String,
    pub sv: String,
    pub en: String,
}

impl LineError {
    fn new(line: u64, column: &str, why: Invalid) -> Self {
        Self {
            line,
            column: column.to_owned(),
            sv: why.sv,
            en: why.en,
        }
    }

    /// A domain error, named by its field, on the line of the unit's first row.
    fn from_field(line: u64, error: FieldError) -> Self {
        Self {
            line,
            column: column_of_field(&error.field).to_owned(),
            sv: error.sv,
            en: error.en,
        }
    }

    /// As a field of a problem document: `line 7: number`.
    pub fn into_field_error(self) -> FieldError {
        let field = if self.column.is_empty() {
            format!("line {}", self.line)
        } else {
            format!("line {}: {}", self.line, self.column)
        };
        // The document says only "text/csv": what is wrong inside the file is a broken rule.
        Invalid::rule(self.sv, self.en).at(field)
    }
}

/// The CSV column a domain field path comes from: `address.street` → `street`,
/// `preschools[2]` → `preschools`, `hours.spans[0].from` → `hours`.
fn column_of_field(field: &str) -> &str {
    let field = field.strip_prefix("address.").unwrap_or(field);
    let end = field.find(['.', '[']).unwrap_or(field.len());
    let name = &field[..end];
    COLUMNS.iter().find(|c| **c == name).copied().unwrap_or("")
}

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
}

/// Why an import stopped.
#[derive(Debug)]
pub enum ImportError {
    /// Problems in the file, each with its line; nothing was written.
    Problems(Vec<LineError>),
    Failed(AppError),
    /// A dry run went through: everything was written, checked and rolled back.
    DryRunDone,
}

impl From<AppError> for ImportError {
    fn from(e: AppError) -> Self {
        ImportError::Failed(e)
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
            ImportError::DryRunDone => {
                AppError::Unexpected(anyhow::anyhow!("a dry run was taken for a failure"))
            }
        }
    }
}

/// The file, read and checked as far as it can be without the database.
#[derive(Debug)]
pub struct ParsedFile {
    rows: usize,
    units: Vec<UnitRows>,
    /// What is wrong in rows that could be read (the units of such rows are left out); the
    /// import reports these together with what the database finds, then stops.
    errors: Vec<LineError>,
}

impl ParsedFile {
    pub fn unit_count(&self) -> usize {
        self.units.len()
    }
}

/// How a group of rows finds its stored unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum UnitKey {
    Id(Uuid),
    Hsa(String),
    Name(String, String),
}

/// The rows of one unit.
#[derive(Debug)]
struct UnitRows {
    line: u64,
    key: UnitKey,
    unit_id: Option<Uuid>,
    hsa_id: Option<HsaId>,
    kind: UnitKind,
    organisation_id: String,
    /// The folded name, to match by organisation and name.
    name_key: String,
    patch: UnitPatch,
    /// The raw unit cells of the first row, to check the others against.
    cells: Vec<String>,
    points: Vec<PointRow>,
}

#[derive(Debug)]
struct PointRow {
    line: u64,
    id: Option<Uuid>,
    point: ContactPoint,
    /// The header has no `visibility` column: a stored number keeps its own.
    keep_visibility: bool,
    /// The header has no `hours` column: a stored number keeps its own.
    keep_hours: bool,
    /// Nor a `periods` column: a stored number keeps its periods.
    keep_periods: bool,
}

/// Reads the CSV and finds every problem it can without the database, each with line and
/// column (kept in the file, for [`import`] to report with the rest). `Err` when the file
/// cannot be read at all: a bad header, no rows. The separator may be a comma or (as a Swedish
/// spreadsheet saves it) a semicolon.
pub fn parse(bytes: &[u8]) -> Result<ParsedFile, Vec<LineError>> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let header_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter = if header_line.contains(&b';') && !header_line.contains(&b',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let mut errors = Vec::new();
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(vec![unreadable(1, &e)]),
    };
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    for (i, name) in headers.iter().enumerate() {
        if errors.len() >= MAX_PROBLEMS {
            errors.push(LineError::new(
                1,
                "",
                Invalid::new(
                    format!("läsningen slutade efter {MAX_PROBLEMS} fel i rubrikraden; är det rätt fil?"),
                    format!(
                        "reading stopped after {MAX_PROBLEMS} problems in the header; is this the right file?"
                    ),
                ),
            ));
            return Err(errors);
        }
        match COLUMNS.iter().find(|c| **c == name) {
            Some(c) if index.contains_key(c) => errors.push(LineError::new(
                1,
                c,
                Invalid::new("kolumnen står två gånger", "the column is given twice"),
            )),
            Some(c) => {
                index.insert(c, i);
            }
            None => errors.push(LineError::new(
                1,
                name,
                Invalid::new(
                    format!(
                        "okänd kolumn '{}'; kolumnerna är: {}",
                        shown(name),
                        COLUMNS.join(", ")
                    ),
                    format!(
                        "unknown column '{}'; the columns are: {}",
                        shown(name),
                        COLUMNS.join(", ")
                    ),
                ),
            )),
        }
    }
    for required in REQUIRED.iter().filter(|c| !index.contains_key(*c)) {
        errors.push(LineError::new(
            1,
            required,
            Invalid::new("kolumnen saknas", "the column is missing"),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let present: HashSet<&'static str> = index.keys().copied().collect();
    let mut units: Vec<UnitRows> = Vec::new();
    let mut by_key: HashMap<UnitKey, usize> = HashMap::new();
    let mut hsa_owner: HashMap<String, (Option<Uuid>, u64)> = HashMap::new();
    let mut point_ids: HashMap<Uuid, u64> = HashMap::new();
    let mut failed: HashSet<UnitKey> = HashSet::new();
    let mut rows = 0;
    for record in reader.records() {
        if errors.len() >= MAX_PROBLEMS {
            errors.push(LineError::new(
                rows as u64 + 2,
                "",
                Invalid::new(
                    format!("läsningen slutade efter {MAX_PROBLEMS} fel; är det rätt fil?"),
                    format!("reading stopped after {MAX_PROBLEMS} problems; is this the right file?"),
                ),
            ));
            return Err(errors);
        }
        rows += 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(rows as u64 + 1, |p| p.line());
                errors.push(unreadable(line, &e));
                continue;
            }
        };
        let line = record.position().map_or(rows as u64 + 1, |p| p.line());
        let cells_of_row = Cells {
            record: &record,
            index: &index,
        };
        let cell = |column: &str| cells_of_row.get(column);
        let mut row = RowReader {
            line,
            errors: &mut errors,
        };
        let unit_id = row.uuid("unit_id", cell("unit_id"));
        let hsa_id = row.hsa(cell("hsa_id"));
        let kind = row.coded("kind", cell("kind"), UnitKind::parse);
        let organisation_id = cell("organisation_id").to_owned();
        if organisation_id.is_empty() {
            row.missing("organisation_id");
        }
        let patch = row.patch(&cells_of_row, &present);
        let point = row.point(&cells_of_row);
        let point_id = row.uuid("contact_point_id", cell("contact_point_id"));
        let cells: Vec<String> = COLUMNS[..UNIT_COLUMNS]
            .iter()
            .map(|c| cell(c).to_owned())
            .collect();
        let key = match (unit_id, &hsa_id) {
            (Some(id), _) => UnitKey::Id(id),
            (None, Some(hsa)) => UnitKey::Hsa(hsa.as_str().to_owned()),
            (None, None) => UnitKey::Name(organisation_id.clone(), fold(cell("name"))),
        };
        if let Some(hsa) = &hsa_id {
            match hsa_owner.get(hsa.as_str()) {
                Some((owner, first)) if *owner != unit_id => errors.push(LineError::new(
                    line,
                    "hsa_id",
                    Invalid::new(
                        format!("dubblett: HSA-id {hsa} har en annan enhet på rad {first}"),
                        format!("duplicate key: HSA-id {hsa} belongs to another unit on line {first}"),
                    ),
                )),
                Some(_) => {}
                None => {
                    hsa_owner.insert(hsa.as_str().to_owned(), (unit_id, line));
                }
            }
        }
        if let Some(id) = point_id
            && let Some(first) = point_ids.insert(id, line)
        {
            errors.push(LineError::new(
                line,
                "contact_point_id",
                Invalid::new(
                    format!("dubblett: numret {id} står redan på rad {first}"),
                    format!("duplicate key: the number {id} is on line {first} already"),
                ),
            ));
        }
        let (Some(kind), Some(patch), Some(point)) = (kind, patch, point) else {
            // The unit's other rows are not checked on their own: they would only repeat it.
            failed.insert(key);
            continue;
        };
        let point = PointRow {
            line,
            id: point_id,
            point,
            keep_visibility: !present.contains("visibility"),
            keep_hours: !present.contains("hours"),
            keep_periods: !present.contains("periods"),
        };
        match by_key.get(&key) {
            Some(&i) => {
                let unit = &mut units[i];
                if let Some(c) = (0..UNIT_COLUMNS).find(|c| unit.cells[*c] != cells[*c]) {
                    errors.push(LineError::new(
                        line,
                        COLUMNS[c],
                        Invalid::new(
                            format!(
                                "enheten står på rad {} med ett annat värde; upprepa samma enhetsuppgifter på varje rad",
                                unit.line
                            ),
                            format!(
                                "the unit is on line {} with another value; repeat the same unit columns on each row",
                                unit.line
                            ),
                        ),
                    ));
                    continue;
                }
                unit.points.push(point);
            }
            None => {
                by_key.insert(key.clone(), units.len());
                units.push(UnitRows {
                    line,
                    key,
                    unit_id,
                    hsa_id,
                    kind,
                    name_key: fold(cell("name")),
                    organisation_id,
                    patch,
                    cells,
                    points: vec![point],
                });
            }
        }
    }
    if rows == 0 {
        return Err(vec![LineError::new(
            2,
            "",
            Invalid::new("filen har inga rader", "the file has no rows"),
        )]);
    }
    units.retain(|u| !failed.contains(&u.key));
    for unit in &units {
        check_vag_in(unit, &mut errors);
    }
    Ok(ParsedFile { rows, units, errors })
}

fn unreadable(line: u64, e: &csv::Error) -> LineError {
    LineError::new(
        line,
        "",
        Invalid::new(
            format!("raden kan inte läsas (UTF-8 CSV väntas): {e}"),
            format!("the row cannot be read (UTF-8 CSV expected): {e}"),
        ),
    )
}

/// Exactly one `vag_in` per unit, and no purpose and label twice.
fn check_vag_in(unit: &UnitRows, errors: &mut Vec<LineError>) {
    let mut vag_in: Option<u64> = None;
    let mut labels: HashMap<(Purpose, String), u64> = HashMap::new();
    for p in &unit.points {
        if p.point.purpose == Purpose::VagIn {
            if let Some(first) = vag_in {
                errors.push(LineError::new(
                    p.line,
                    "purpose",
                    Invalid::new(
                        format!("enheten har redan ett nummer med syftet vag_in (rad {first}); en enhet har en enda väg in"),
                        format!("the unit has a vag_in number already (line {first}); a unit has one way in only"),
                    ),
                ));
            }
            vag_in.get_or_insert(p.line);
        }
        if let Some(first) = labels.insert((p.point.purpose, fold(&p.point.label)), p.line)
            && p.id.is_none()
        {
            errors.push(LineError::new(
                p.line,
                "label",
                Invalid::new(
                    format!(
                        "dubblett: samma syfte och etikett står på rad {first}; ange contact_point_id eller en annan etikett"
                    ),
                    format!(
                        "duplicate key: the same purpose and label are on line {first}; give contact_point_id or another label"
                    ),
                ),
            ));
        }
    }
    if vag_in.is_none() {
        errors.push(LineError::new(
            unit.line,
            "purpose",
            Invalid::new(
                "enheten saknar ett nummer med syftet vag_in (en väg in)",
                "the unit has no number with purpose vag_in (one way in)",
            ),
        ));
    }
}

/// The cells of one row, by column name; a column the header lacks reads as empty.
struct Cells<'a> {
    record: &'a csv::StringRecord,
    index: &'a HashMap<&'static str, usize>,
}

impl<'a> Cells<'a> {
    fn get(&self, column: &str) -> &'a str {
        self.index
            .get(column)
            .and_then(|i| self.record.get(*i))
            .map_or("", undefused)
    }
}

/// Reads the cells of one row, collecting what is wrong.
struct RowReader<'e> {
    line: u64,
    errors: &'e mut Vec<LineError>,
}

impl RowReader<'_> {
    fn fail(&mut self, column: &str, why: Invalid) {
        self.errors.push(LineError::new(self.line, column, why));
    }

    fn missing(&mut self, column: &str) {
        self.fail(column, Invalid::new("värdet saknas", "the value is missing"));
    }

    fn uuid(&mut self, column: &str, raw: &str) -> Option<Uuid> {
        if raw.is_empty() {
            return None;
        }
        Uuid::parse_str(raw)
            .inspect_err(|_| {
                self.fail(
                    column,
                    Invalid::new(
                        format!("'{}' är inget id (UUID)", shown(raw)),
                        format!("'{}' is not an id (UUID)", shown(raw)),
                    ),
                )
            })
            .ok()
    }

    fn hsa(&mut self, raw: &str) -> Option<HsaId> {
        if raw.is_empty() {
            return None;
        }
        HsaId::parse(raw).map_err(|e| self.fail("hsa_id", e)).ok()
    }

    fn coded<T>(&mut self, column: &str, raw: &str, parse: fn(&str) -> Result<T, Invalid>) -> Option<T> {
        if raw.is_empty() {
            self.missing(column);
            return None;
        }
        parse(raw).map_err(|e| self.fail(column, e)).ok()
    }

    fn date(&mut self, column: &str, raw: &str) -> Option<Option<NaiveDate>> {
        if raw.is_empty() {
            return Some(None);
        }
        match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(d) => Some(Some(d)),
            Err(_) => {
                self.fail(
                    column,
                    Invalid::new(
                        format!("'{}' är inget datum (ÅÅÅÅ-MM-DD)", shown(raw)),
                        format!("'{}' is not a date (YYYY-MM-DD)", shown(raw)),
                    ),
                );
                None
            }
        }
    }

    fn json<T: serde::de::DeserializeOwned>(&mut self, column: &str, raw: &str) -> Option<Option<T>> {
        if raw.is_empty() {
            return Some(None);
        }
        match serde_json::from_str(raw) {
            Ok(v) => Some(Some(v)),
            Err(e) => {
                self.fail(
                    column,
                    Invalid::new(
                        format!("JSON som API:t tar emot väntas: {e}"),
                        format!("the JSON the API takes is expected: {e}"),
                    ),
                );
                None
            }
        }
    }

    /// The unit's own columns as a patch; a column the header leaves out is no change.
    fn patch(&mut self, cells: &Cells<'_>, present: &HashSet<&'static str>) -> Option<UnitPatch> {
        let cell = |c: &str| cells.get(c);
        let before = self.errors.len();
        let text = |c: &str| -> Option<Option<String>> {
            present
                .contains(c)
                .then(|| Some(cell(c).to_owned()).filter(|v| !v.is_empty()))
        };
        let list = |c: &str| -> Option<Vec<String>> {
            present.contains(c).then(|| {
                cell(c)
                    .split(LIST_SEPARATOR)
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
        };
        let mut patch = UnitPatch {
            name: Some(cell("name").to_owned()),
            organisation_id: Some(cell("organisation_id").to_owned()),
            area_ids: list("area_ids"),
            hsa_id: text("hsa_id"),
            street: text("street"),
            postal_code: text("postal_code"),
            city: text("city"),
            note: text("note"),
            preschools: list("preschools"),
            ..UnitPatch::default()
        };
        if present.contains("active_from") && !cell("active_from").is_empty() {
            patch.active_from = self.date("active_from", cell("active_from")).flatten();
        }
        if present.contains("active_to") {
            patch.active_to = self.date("active_to", cell("active_to"));
        }
        if present.contains("reviewed_at") {
            patch.reviewed_at = self.date("reviewed_at", cell("reviewed_at"));
        }
        if present.contains("review_interval_months") {
            let raw = cell("review_interval_months");
            patch.review_interval_months = if raw.is_empty() {
                Some(u32::from(review::DEFAULT_INTERVAL_MONTHS))
            } else {
                raw.parse::<u32>()
                    .inspect_err(|_| {
                        self.fail(
                            "review_interval_months",
                            Invalid::new(
                                format!("'{}' är inget antal månader", shown(raw)),
                                format!("'{}' is not a number of months", shown(raw)),
                            ),
                        )
                    })
                    .ok()
            };
        }
        if present.contains("fallback_contact_point_id") {
            let raw = cell("fallback_contact_point_id");
            patch.fallback_contact_point_id = Some(self.uuid("fallback_contact_point_id", raw));
        }
        if present.contains("responsibility") {
            patch.responsibility = self.json::<Responsibility>("responsibility", cell("responsibility"));
        }
        if present.contains("unit_periods") {
            patch.periods = self
                .json::<Vec<Period>>("unit_periods", cell("unit_periods"))
                .map(Option::unwrap_or_default);
        }
        if present.contains("notices") {
            patch.notices = self
                .json::<Vec<Notice>>("notices", cell("notices"))
                .map(Option::unwrap_or_default);
        }
        (self.errors.len() == before).then_some(patch)
    }

    /// The row's number, checked by the rules of the API.
    fn point(&mut self, cells: &Cells<'_>) -> Option<ContactPoint> {
        let cell = |c: &str| cells.get(c);
        let purpose = self.coded("purpose", cell("purpose"), Purpose::parse);
        let visibility = match cell("visibility") {
            "" => Some(Visibility::Internal),
            raw => self.coded("visibility", raw, Visibility::parse),
        };
        let hours = self.json::<TelephoneHours>("hours", cell("hours"));
        let periods = self.json::<Vec<Period>>("periods", cell("periods"));
        let (Some(purpose), Some(visibility), Some(hours), Some(periods)) =
            (purpose, visibility, hours, periods)
        else {
            return None;
        };
        let draft = ContactPointDraft {
            purpose,
            label: cell("label").to_owned(),
            visibility,
            number: cell("number").to_owned(),
            hours,
            periods: periods.unwrap_or_default(),
        };
        match draft.validate("") {
            Ok(point) => Some(point),
            Err(errors) => {
                for e in errors {
                    self.errors.push(LineError::from_field(self.line, e));
                }
                None
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
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportReport, ImportError> {
    let batch_id = Uuid::new_v4().to_string();
    let meta = WriteMeta {
        batch_id: Some(batch_id.clone()),
        ..meta.clone()
    };
    let mut report = ImportReport {
        dry_run,
        rows: file.rows,
        units: file.units.len(),
        created: 0,
        changed: 0,
        unchanged: 0,
        batch_id: None,
    };
    let outcome = write_transaction(conn, |conn| {
        let known = Known::load(conn)?;
        let planned = plan(conn, &known, &meta, &file)?;
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
            progress(done + 1, total);
        }
        let mut problems = Vec::new();
        for p in &written {
            match check_stored(conn, p.before.as_ref(), &p.after) {
                Ok(()) => {}
                Err(AppError::Validation(errors)) => {
                    problems.extend(errors.into_iter().map(|e| LineError::from_field(p.line, e)))
                }
                Err(AppError::Conflict { sv, en }) => {
                    problems.push(LineError::new(p.line, "", Invalid::new(sv, en)))
                }
                Err(other) => return Err(ImportError::Failed(other)),
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
                    before: None::<&ImportReport>,
                    after: Some(&report),
                },
            )?;
        }
        if dry_run {
            // Everything was written and checked, also what the database checks only at
            // commit (deferred foreign keys); now it is undone.
            check_deferred(conn)?;
            return Err(ImportError::DryRunDone);
        }
        Ok(())
    });
    match outcome {
        Ok(()) => Ok(report),
        Err(ImportError::DryRunDone) => {
            report.batch_id = None;
            Ok(report)
        }
        Err(e) => Err(e),
    }
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
                Invalid::new(
                    format!(
                        "okänd organisation '{}'; se GET /v1/organisations",
                        shown(&rows.organisation_id)
                    ),
                    format!(
                        "unknown organisation '{}'; see GET /v1/organisations",
                        shown(&rows.organisation_id)
                    ),
                ),
            );
        }
        for area in rows.patch.area_ids.iter().flatten() {
            if !known.areas.contains(area) {
                fail(
                    &mut errors,
                    "area_ids",
                    Invalid::new(
                        format!("okänt område '{}'; se GET /v1/areas", shown(area)),
                        format!("unknown area '{}'; see GET /v1/areas", shown(area)),
                    ),
                );
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
        let base = before.clone().unwrap_or_else(|| Unit {
            id,
            name: String::new(),
            kind: rows.kind,
            organisation_id: rows.organisation_id.clone(),
            area_ids: Vec::new(),
            hsa_id: None,
            address: Address::default(),
            active_from: today(),
            active_to: None,
            reviewed_at: None,
            note: None,
            contact_points: Vec::new(),
            updated_at: meta.at,
            version: 1,
            fallback_contact_point_id: None,
            responsibility: None,
            preschools: Vec::new(),
            review_interval_months: review::DEFAULT_INTERVAL_MONTHS,
            periods: Vec::new(),
            notices: Vec::new(),
        });
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

/// At most this many problems are reported: a file with more is not the right file.
const MAX_PROBLEMS: usize = 1000;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_name_their_columns() {
        assert_eq!(column_of_field("address.street"), "street");
        assert_eq!(column_of_field("preschools[2]"), "preschools");
        assert_eq!(column_of_field("hours.spans[0].from"), "hours");
        assert_eq!(column_of_field("number"), "number");
        assert_eq!(column_of_field("something_else"), "");
    }
}
