//! Files an admin uploads: units and their numbers (the CSV of the export), and the districts'
//! streets. All or nothing, one transaction and one audit batch; a dry run checks everything
//! and changes nothing. A file that replaces a whole table (the street table, the vocabulary):
//! the header checked first, every problem with its line and in line order, problems inside
//! the file as broken rules (422: the document can only say "text/csv"), and an empty file
//! that empties the table only when asked (`clear=true`). The API and the pages read uploads
//! here, the same way.

use std::collections::BTreeMap;

use actix_web::web;

use crate::db::audit::WriteMeta;
use crate::db::reference::replace_streets;
use crate::db::scratch::Scratch;
use serde::Deserialize;

use crate::directory::Directory;
use crate::domain::streets::{Side, StreetSpan, sort};
use crate::domain::text::fold;
use crate::domain::{AreaKind, FieldError, Invalid, shown};
use crate::error::{AppError, AppResult};
use crate::state::{self, AppState};
use crate::transfer::{self, ImportError, ImportReport};

/// The largest CSV file an import takes, through the API or the page (the 20,000-unit
/// benchmark directory is about 8 MiB).
pub const MAX_FILE: usize = 64 * 1024 * 1024;

/// What an import of units is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Check everything and report what would change (a preview); change nothing.
    DryRun,
    /// Import. `based_on`: the moment of the preview that was confirmed (its report's
    /// `based_on`); a unit the file touches that changed after it refuses the import.
    Confirmed { based_on: Option<i64> },
}

impl Mode {
    /// A dry run; the preview's moment, if confirmed from one.
    pub fn parts(self) -> (bool, Option<i64>) {
        match self {
            Mode::DryRun => (true, None),
            Mode::Confirmed { based_on } => (false, based_on),
        }
    }

    /// A preview (`dry_run`), or an import of what the preview at `based_on` showed.
    pub fn of(dry_run: bool, based_on: Option<i64>) -> Self {
        match dry_run {
            true => Mode::DryRun,
            false => Mode::Confirmed { based_on },
        }
    }
}

/// Imports units from a CSV file (`bytes`, read off the async workers with the import, as a
/// large file takes a while): see `transfer`.
pub async fn units(
    state: &web::Data<AppState>,
    meta: WriteMeta,
    bytes: web::Bytes,
    mode: Mode,
) -> AppResult<ImportReport> {
    let (dry_run, based_on) = mode.parts();
    check_size(&bytes)?;
    state::write_unless_dry(state, dry_run, move |conn| {
        let file = transfer::parse(&bytes).map_err(|e| AppError::from(ImportError::Problems(e)))?;
        // A dry run writes to a private copy of a SQLite file, so that no writer waits for it.
        let mut scratch = match dry_run {
            true => Scratch::of(conn).map_err(AppError::Unexpected)?,
            false => None,
        };
        let target = match scratch.as_mut() {
            Some(copy) => &mut copy.conn,
            None => conn,
        };
        transfer::import(target, &meta, file, dry_run, based_on, &mut |_, _| {}).map_err(AppError::from)
    })
    .await
}

/// The most lines a CSV file of units may have (a region's directory is a few thousand; the
/// 20,000-unit benchmark directory about 60,000). With [`MAX_FILE`], what reading one holds in
/// memory stays bounded.
pub const MAX_ROWS: usize = 200_000;

/// A file of more than [`MAX_ROWS`] lines is refused (413) before it is read.
fn check_size(bytes: &[u8]) -> AppResult<()> {
    let lines = memchr::memchr_iter(b'\n', bytes).count();
    if lines > MAX_ROWS + 1 {
        return Err(AppError::TooLarge {
            sv: format!("filen har {lines} rader; en import tar högst {MAX_ROWS}. Dela upp den"),
            en: format!("the file has {lines} lines; an import takes at most {MAX_ROWS}. Split it"),
        });
    }
    Ok(())
}

/// Gives every district the streets `by_district` lists (none for a district it leaves out);
/// returns the districts whose list changed. A dry run changes nothing and names none.
/// Confirmed from a preview made at `based_on` (the served directory's newest event then:
/// the preview is read from it), it is refused if an area changed since.
pub async fn streets(
    state: &web::Data<AppState>,
    meta: WriteMeta,
    by_district: BTreeMap<String, Vec<StreetSpan>>,
    mode: Mode,
) -> AppResult<Vec<String>> {
    match mode {
        Mode::DryRun => Ok(Vec::new()),
        Mode::Confirmed { based_on } => {
            state::write(state, move |conn| {
                replace_streets(conn, &meta, &by_district, based_on)
            })
            .await
        }
    }
}

/// What is wrong inside a file breaks a rule (422).
pub fn problems(errors: Vec<FieldError>) -> AppError {
    AppError::Validation(
        errors
            .into_iter()
            .map(|e| FieldError { rule: true, ..e })
            .collect(),
    )
}

/// A file without rows would empty the whole table: only with `clear`, and `clear` only with
/// a file without rows. `what_sv`/`what_en` name the rows and the table: ("gator",
/// "gatutabellen"), ("streets", "street table").
pub fn check_clear(rows: usize, clear: bool, what_sv: (&str, &str), what_en: (&str, &str)) -> AppResult<()> {
    match (rows, clear) {
        (0, false) => Err(AppError::invalid(
            "body",
            Invalid::rule(
                format!(
                    "filen har inga {}; en uppladdning utan rader skulle tömma hela {}. Vill du det, skicka clear=true",
                    what_sv.0, what_sv.1
                ),
                format!(
                    "the file has no {}; an upload without rows would empty the whole {}. To do that on purpose, send clear=true",
                    what_en.0, what_en.1
                ),
            ),
        )),
        (n, true) if n > 0 => Err(AppError::invalid(
            "clear",
            Invalid::rule(
                format!(
                    "clear=true tömmer {} och tar en fil utan rader (bara rubrikraden)",
                    what_sv.1
                ),
                format!(
                    "clear=true empties the {} and takes a file without rows (the header only)",
                    what_en.1
                ),
            ),
        )),
        _ => Ok(()),
    }
}

/// The body as text: a CSV file must be UTF-8. A file saved as Latin-1 or Windows-1252 (as
/// older spreadsheets do) is refused with the line of its first such byte and how to save it.
pub fn utf8_text(bytes: &[u8]) -> AppResult<&str> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        let why = Invalid::new(
            format!(
                "filen är inte UTF-8 (rad {line} har ett tecken i en annan teckenkodning, troligen Latin-1); spara den som \"CSV UTF-8\""
            ),
            format!(
                "the file is not UTF-8 (line {line} has a character in another encoding, probably Latin-1); save it as \"CSV UTF-8\""
            ),
        )
        .at(format!("line {line}"));
        AppError::Validation(vec![why])
    })
}

/// One row of the street table: a street, or part of one, and its district.
#[derive(Debug, Deserialize)]
struct StreetRow {
    #[serde(alias = "gata")]
    street: String,
    #[serde(alias = "distrikt")]
    district: String,
    /// First house number; empty: 1.
    #[serde(default, alias = "från", alias = "fran")]
    from: Option<String>,
    /// Last house number; empty: no end.
    #[serde(default, alias = "till")]
    to: Option<String>,
    /// odd/even/both (udda/jämna/alla); empty: both.
    #[serde(default, alias = "sida")]
    side: Option<String>,
}

impl StreetRow {
    fn span(&self) -> Result<StreetSpan, FieldError> {
        let number = |raw: &Option<String>, field: &str| -> Result<Option<u32>, FieldError> {
            match raw.as_deref().map(str::trim) {
                None | Some("") => Ok(None),
                Some(n) => n.parse().map(Some).map_err(|_| {
                    Invalid::new(
                        format!("'{}' är inget husnummer", shown(n)),
                        format!("'{}' is no house number", shown(n)),
                    )
                    .at(field)
                }),
            }
        };
        let from = number(&self.from, "from")?;
        let to = number(&self.to, "to")?;
        let side = Side::parse(self.side.as_deref().unwrap_or_default()).map_err(|e| e.at("side"))?;
        StreetSpan::new(&self.street, from, to, side).map_err(|e| e.at("street"))
    }
}

/// District id → its streets and parts of streets, valid and sorted.
pub type StreetTable = BTreeMap<String, Vec<StreetSpan>>;

/// Reads the CSV into the table and the number of rows: every problem with its line.
pub fn read_streets(directory: &Directory, body: &str) -> Result<(StreetTable, usize), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out = StreetTable::new();
    // Folded street name → the line and span of each part read so far, for overlaps.
    let mut seen: BTreeMap<String, Vec<(usize, StreetSpan)>> = BTreeMap::new();
    let mut reader = crate::formats::csv::table_reader(
        body,
        &[("street", "gata"), ("district", "distrikt")],
        "rubrikraden ska vara street,district (eller gata,distrikt), och för en del av en gata from,to,side (från,till,sida)",
        "the header must be street,district (or gata,distrikt), and for part of a street from,to,side (från,till,sida)",
    )?;
    let mut count = 0;
    for record in reader.deserialize::<StreetRow>() {
        let line = count + 2;
        count += 1;
        let row = match record {
            Ok(row) => row,
            Err(e) => {
                errors.push(
                    Invalid::new(
                        format!("raden kan inte läsas: {e}"),
                        format!("the row cannot be read: {e}"),
                    )
                    .at(format!("line {line}")),
                );
                continue;
            }
        };
        match directory.area(&row.district) {
            Some(a) if a.kind == AreaKind::District => {}
            _ => errors.push(
                Invalid::new(
                    format!("okänt distrikt '{}'; se GET /v1/areas", shown(&row.district)),
                    format!("unknown district '{}'; see GET /v1/areas", shown(&row.district)),
                )
                .at(format!("line {line}: district")),
            ),
        }
        let span = match row.span() {
            Ok(span) => span,
            Err(e) => {
                errors.push(FieldError {
                    field: format!("line {line}: {}", e.field),
                    ..e
                });
                continue;
            }
        };
        // A house number belongs to one district, once.
        let parts = seen.entry(fold(span.name())).or_default();
        if let Some((first, other)) = parts.iter().find(|(_, o)| span.overlaps(o)) {
            errors.push(
                Invalid::new(
                    format!("{} överlappar {} på rad {first}", span.text_sv(), other.text_sv()),
                    format!("{} overlaps {} on line {first}", span.text_sv(), other.text_sv()),
                )
                .at(format!("line {line}: street")),
            );
            continue;
        }
        parts.push((line, span.clone()));
        out.entry(row.district).or_default().push(span);
    }
    if !errors.is_empty() {
        crate::formats::csv::by_line(&mut errors);
        return Err(errors);
    }
    for spans in out.values_mut() {
        sort(spans);
    }
    Ok((out, count))
}

/// What a street file changes in one district: its streets (or parts) added and removed, in
/// words ("Allégatan 1–39, udda").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistrictChange {
    pub id: String,
    pub name: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// What the street table `table` would change, district by district (a district the file does
/// not name loses all its streets); districts it leaves as they are are not listed.
pub fn street_diff(directory: &Directory, table: &StreetTable) -> Vec<DistrictChange> {
    directory
        .areas()
        .filter(|a| a.kind == AreaKind::District)
        .filter_map(|area| {
            let before: Vec<String> = area.streets.iter().map(StreetSpan::text_sv).collect();
            let after: Vec<String> = table
                .get(&area.id)
                .map(|spans| spans.iter().map(StreetSpan::text_sv).collect())
                .unwrap_or_default();
            let added: Vec<String> = after.iter().filter(|s| !before.contains(s)).cloned().collect();
            let removed: Vec<String> = before.iter().filter(|s| !after.contains(s)).cloned().collect();
            (!added.is_empty() || !removed.is_empty()).then(|| DistrictChange {
                id: area.id.clone(),
                name: area.name.clone(),
                added,
                removed,
            })
        })
        .collect()
}
