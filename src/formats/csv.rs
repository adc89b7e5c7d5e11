//! The directory as a CSV file: one row per number, the unit's columns repeated on each of
//! its rows. Written from the served directory, read and checked as far as a file can be
//! without the database; the import (`transfer`) checks the rest and writes. Pure: no
//! database, no HTTP.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::directory::Directory;
use crate::domain::edit::UnitPatch;
use crate::domain::hours::{Notice, Period, TelephoneHours};
use crate::domain::responsibility::Responsibility;
use crate::domain::text::fold;
use crate::domain::*;

/// At most this many problems are reported: a file with more is not the right file.
pub const MAX_PROBLEMS: usize = 1000;

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
pub const UNIT_COLUMNS: usize = 19;

/// Columns an import cannot do without.
pub const REQUIRED: [&str; 6] = ["name", "kind", "organisation_id", "purpose", "label", "number"];

/// Lists inside one cell (`area_ids`, `preschools`) are separated by semicolons.
pub const LIST_SEPARATOR: char = ';';

/// Characters that make a spreadsheet read a cell as a formula. The export puts an apostrophe
/// before a cell that starts with one (so it opens as text); the import takes it away again.
pub const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// What the export guards: a formula's start, and the guard itself (a text that begins with
/// an apostrophe gets one more, so that the import, taking exactly one away, gives it back).
fn guarded(cell: &str) -> bool {
    cell.starts_with(FORMULA_START) || cell.starts_with('\'')
}

/// A cell as the export writes it: an apostrophe before a formula's start or an apostrophe.
pub fn defused(cell: String) -> String {
    if guarded(&cell) { format!("'{cell}") } else { cell }
}

/// A cell as the import reads it: exactly what [`defused`] added is taken away, nothing else
/// (a text of its own that begins with an apostrophe and a letter stays as it is).
pub fn undefused(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if guarded(rest) => rest,
        _ => cell,
    }
}

/// The whole directory (every unit, active or not, ordered by id) as CSV.
pub fn export_csv(directory: &Directory) -> anyhow::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    let mut units: Vec<&Unit> = directory.units().collect();
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
    pub fn new(line: u64, column: &str, why: Invalid) -> Self {
        Self {
            line,
            column: column.to_owned(),
            sv: why.sv,
            en: why.en,
        }
    }

    /// A domain error, named by its field, on the line of the unit's first row.
    pub fn from_field(line: u64, error: FieldError) -> Self {
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
pub fn column_of_field(field: &str) -> &str {
    let field = field.strip_prefix("address.").unwrap_or(field);
    let end = field.find(['.', '[']).unwrap_or(field.len());
    let name = &field[..end];
    COLUMNS.iter().find(|c| **c == name).copied().unwrap_or("")
}

/// The file, read and checked as far as it can be without the database.
#[derive(Debug)]
pub struct ParsedFile {
    pub rows: usize,
    pub units: Vec<UnitRows>,
    /// What is wrong in rows that could be read (the units of such rows are left out); the
    /// import reports these together with what the database finds, then stops.
    pub errors: Vec<LineError>,
    /// What may be a slip but is imported as it stands (a number that looks mistyped:
    /// "Menade du 031-39 00 62?"), for the report and the preview.
    pub warnings: Vec<LineError>,
}

impl ParsedFile {
    pub fn unit_count(&self) -> usize {
        self.units.len()
    }
}

/// How a group of rows finds its stored unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UnitKey {
    Id(Uuid),
    Hsa(String),
    Name(String, String),
}

/// The rows of one unit.
#[derive(Debug)]
pub struct UnitRows {
    pub line: u64,
    pub key: UnitKey,
    pub unit_id: Option<Uuid>,
    pub hsa_id: Option<HsaId>,
    pub kind: UnitKind,
    pub organisation_id: String,
    /// The folded name, to match by organisation and name.
    pub name_key: String,
    pub patch: UnitPatch,
    /// The raw unit cells of the first row, to check the others against.
    pub cells: Vec<String>,
    pub points: Vec<PointRow>,
}

#[derive(Debug)]
pub struct PointRow {
    pub line: u64,
    pub id: Option<Uuid>,
    pub point: ContactPoint,
    /// The header has no `visibility` column: a stored number keeps its own.
    pub keep_visibility: bool,
    /// The header has no `hours` column: a stored number keeps its own.
    pub keep_hours: bool,
    /// Nor a `periods` column: a stored number keeps its periods.
    pub keep_periods: bool,
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
    let mut warnings = Vec::new();
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
            warnings: &mut warnings,
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
    Ok(ParsedFile {
        rows,
        units,
        errors,
        warnings,
    })
}

pub fn unreadable(line: u64, e: &csv::Error) -> LineError {
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
pub fn check_vag_in(unit: &UnitRows, errors: &mut Vec<LineError>) {
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
pub struct Cells<'a> {
    pub record: &'a csv::StringRecord,
    pub index: &'a HashMap<&'static str, usize>,
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
pub struct RowReader<'e> {
    pub line: u64,
    pub errors: &'e mut Vec<LineError>,
    pub warnings: &'e mut Vec<LineError>,
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
            // A file is not asked back: a number that looks mistyped is a warning.
            number_confirmed: true,
            hours,
            periods: periods.unwrap_or_default(),
        };
        if let Some(doubt) = PhoneNumber::parse(&draft.number)
            .ok()
            .and_then(|n| n.doubt(&draft.number))
        {
            self.warnings.push(LineError::new(self.line, "number", doubt));
        }
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

/// The search vocabulary as CSV: `word,expansion`, one row per expansion (the file
/// `PUT /v1/vocabulary` reads).
pub fn vocabulary(words: &[crate::domain::vocabulary::Synonym]) -> anyhow::Result<Vec<u8>> {
    let mut out = ::csv::Writer::from_writer(Vec::new());
    out.write_record(["word", "expansion"])?;
    for s in words {
        for e in &s.expansions {
            out.write_record([s.word.as_str(), e.as_str()])?;
        }
    }
    out.into_inner().map_err(|e| anyhow::anyhow!("writing CSV: {e}"))
}

/// A reader over `body` whose header has every one of `columns` (each an English name and its
/// Swedish alias); otherwise `header_sv`/`header_en` as the problem of line 1.
pub fn table_reader<'a>(
    body: &'a str,
    columns: &[(&str, &str)],
    header_sv: &str,
    header_en: &str,
) -> Result<csv::Reader<&'a [u8]>, Vec<FieldError>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map(|h| h.iter().map(str::to_owned).collect())
        .unwrap_or_default();
    let has = |(a, b): &(&str, &str)| header.iter().any(|h| h == a || h == b);
    if columns.iter().all(has) {
        Ok(reader)
    } else {
        Err(vec![Invalid::new(header_sv, header_en).at("line 1")])
    }
}

/// Puts problems in the order of their lines (`line 7: number` is line 7).
pub fn by_line(errors: &mut [FieldError]) {
    errors.sort_by_key(|e| {
        e.field
            .split(':')
            .next()
            .and_then(|l| l.trim_start_matches("line ").parse::<usize>().ok())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_formula_guard_round_trips_every_text() {
        for text in [
            "=x", "'=x", "''=x", "'", "''", "'abc", "abc", "+46 31", "-", "@home", "\tx", "'\t", "a'=b", "",
        ] {
            let exported = defused(text.to_owned());
            assert!(!exported.starts_with(FORMULA_START), "{text:?} opens as text");
            assert_eq!(undefused(&exported), text, "{text:?} comes back as it was");
        }
        // A hand-written cell that the export would not have written is read as it is.
        assert_eq!(undefused("'abc"), "'abc");
    }

    #[test]
    fn field_paths_name_their_columns() {
        assert_eq!(column_of_field("address.street"), "street");
        assert_eq!(column_of_field("preschools[2]"), "preschools");
        assert_eq!(column_of_field("hours.spans[0].from"), "hours");
        assert_eq!(column_of_field("number"), "number");
        assert_eq!(column_of_field("something_else"), "");
    }
}
