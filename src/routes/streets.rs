//! Streets and districts: `GET /v1/lookup/address` (which hemtjänst group, funktionsstöd and
//! myndighet serve this street) and `POST /v1/streets` (admins: import the street table as CSV).

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::moment;
use super::require_csv;
use super::views::{AreaRef, CallNowView, UnitRef};
use crate::auth::{Caller, SignedIn};
use crate::db::reference::replace_streets;
use crate::domain::streets::{Side, StreetSpan, sort};
use crate::domain::text::fold;
use crate::domain::{AreaKind, FieldError, Invalid, Purpose, shown, today};
use crate::error::{AppError, AppResult, Problem};
use crate::service::write_meta;
use crate::state::{self, AppState};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(address).service(import_streets);
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AddressParams {
    /// A street, with its house number where the street is split between districts:
    /// "Sandwalls plats", "Allégatan 14", "Kungsg 12" (abbreviations as staff type them).
    #[param(required = true, example = "Sandwalls plats", max_length = 100)]
    street: Option<String>,
    /// The moment for `call_now` (RFC 3339); default now.
    #[param(value_type = Option<String>, format = DateTime)]
    at: Option<String>,
}

/// A unit serving the district, and who answers for it now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServingUnit {
    #[serde(flatten)]
    pub unit: UnitRef,
    pub call_now: CallNowView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AddressAnswer {
    /// The street as the table writes it.
    pub street: String,
    /// The house number asked for, if one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub house_number: Option<u32>,
    /// The part of the street the district has, when it has not the whole street:
    /// "1–39, udda".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numbers: Option<String>,
    pub district: AreaRef,
    /// The district's active units: its hemtjänst groups, then funktionsstöd, then myndighet,
    /// then any other kind organised by district (e.g. kommunal primärvård).
    pub units: Vec<ServingUnit>,
}

/// Which hemtjänst group (and funktionsstöd and myndighet unit) serves a street.
///
/// Looks the street up in the street table (maintained by admins, `POST /v1/streets`), and
/// answers with the district's units and who to call for each now. A street split between
/// districts by house number needs the number: without it (422), or with one no part has
/// (404), the problem lists the parts.
#[utoipa::path(
    context_path = "/v1",
    tag = "lookup",
    params(AddressParams),
    security(("bearer" = []), ()),
    responses(
        (status = 200, description = "The district and its units", body = AddressAnswer),
        (status = 400, description = "A bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The street (or that house number of it) is not in the table; `suggestions` are not given, see `detail`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The street is split between districts and no house number was given; `detail` lists the parts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/lookup/address")]
async fn address(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<AddressParams>,
) -> AppResult<HttpResponse> {
    let internal = caller.reader()?;
    let street = query.street()?;
    let at = moment(query.at.as_deref())?;
    let directory = state.directory.current();
    let answer = crate::service::search::address(&directory, street)?;
    let (position, part) = &answer.parts[0];
    let district = directory.area_at(*position);
    let units = directory
        .units_in_area(&district.id, today())
        .into_iter()
        .filter_map(|unit| {
            let answer = directory.call_now(unit, Purpose::VagIn, at, internal)?;
            Some(ServingUnit {
                unit: UnitRef::new(&directory, unit),
                call_now: CallNowView::new(&directory, &answer, at),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(AddressAnswer {
        street: answer.street.clone(),
        house_number: answer.number,
        numbers: part.numbers_sv(),
        district: AreaRef {
            id: district.id.clone(),
            name: district.name.clone(),
        },
        units,
    }))
}

impl AddressParams {
    /// The street asked for: 1–100 characters, counted as sent (as the document's maxLength
    /// counts).
    fn street(&self) -> AppResult<&str> {
        let sent = self.street.as_deref().unwrap_or_default();
        if sent.trim().is_empty() || sent.chars().count() > 100 {
            return Err(AppError::invalid(
                "street",
                Invalid::new(
                    "ange ett gatunamn (högst 100 tecken)",
                    "give a street name (at most 100 characters)",
                ),
            ));
        }
        Ok(sent.trim())
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `true`: check the file and report every problem, change nothing.
    dry_run: Option<bool>,
    /// `true`: empty the whole street table on purpose (the file then has no rows). Without it
    /// a file without rows is refused, so that an empty upload never wipes the table.
    clear: Option<bool>,
    /// Why (kept in the history).
    reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StreetImport {
    pub dry_run: bool,
    /// Streets in the file.
    pub streets: usize,
    /// Districts whose street list changed (each got a new version and an audit event).
    pub changed_districts: Vec<String>,
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

/// The body as text: a CSV file must be UTF-8. A file saved as Latin-1 or Windows-1252 (as
/// older spreadsheets do) is refused with the line of its first such byte and how to save it.
pub fn utf8_text(bytes: &[u8]) -> Result<&str, FieldError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        Invalid::new(
            format!(
                "filen är inte UTF-8 (rad {line} har ett tecken i en annan teckenkodning, troligen Latin-1); spara den som \"CSV UTF-8\""
            ),
            format!(
                "the file is not UTF-8 (line {line} has a character in another encoding, probably Latin-1); save it as \"CSV UTF-8\""
            ),
        )
        .at(format!("line {line}"))
    })
}

/// District id → its streets and parts of streets, valid and sorted.
type StreetTable = BTreeMap<String, Vec<StreetSpan>>;

/// Reads the CSV into the table and the number of rows: every problem with its line.
fn read_streets(state: &AppState, body: &str) -> Result<(StreetTable, usize), Vec<FieldError>> {
    let directory = state.directory.current();
    let mut errors = Vec::new();
    let mut out = StreetTable::new();
    // Folded street name → the line and span of each part read so far, for overlaps.
    let mut seen: BTreeMap<String, Vec<(usize, StreetSpan)>> = BTreeMap::new();
    let mut reader = super::upload::reader(
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
        super::upload::by_line(&mut errors);
        return Err(errors);
    }
    for spans in out.values_mut() {
        sort(spans);
    }
    Ok((out, count))
}

/// Import the street table (admins): CSV with the columns `street,district` (or
/// `gata,distrikt`), one row per street; a street split between districts has a row per
/// part, with the optional columns `from,to,side` (`från,till,sida`): house numbers from–to
/// (either may be empty: from 1, no end) and `odd`/`even` (`udda`/`jämna`; empty: both). It replaces the whole table: a
/// district the file does not name ends up with no streets. With `dry_run=true` it only
/// reports the problems, each with its line.
#[utoipa::path(
    context_path = "/v1",
    tag = "admin",
    params(ImportParams),
    request_body(content = String, content_type = "text/csv", example = "street,district,from,to,side\nSandwalls plats,distrikt-norr,,,\nAllégatan,distrikt-norr,1,39,odd\nAllégatan,distrikt-centrum,2,,even\n"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Imported (or checked)", body = StreetImport),
        (status = 400, description = "Not CSV, or not UTF-8", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Problems in the file, each with its line (overlapping parts with both lines); nothing changed", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/streets")]
async fn import_streets(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    query: web::Query<ImportParams>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let user = user.admin()?;
    require_csv(&req, "gatutabellen", "the street table")?;
    let meta = write_meta(user, &req, query.reason.as_deref())?;
    let text = utf8_text(&body).map_err(|e| AppError::Validation(vec![e]))?;
    let (by_district, streets) = read_streets(&state, text).map_err(super::upload::problems)?;
    super::upload::check_clear(
        streets,
        query.clear.unwrap_or(false),
        ("gator", "gatutabellen"),
        ("streets", "street table"),
    )?;
    let dry_run = query.dry_run.unwrap_or(false);
    let changed_districts = if dry_run {
        Vec::new()
    } else {
        state::write(&state, move |conn| replace_streets(conn, &meta, &by_district)).await?
    };
    Ok(HttpResponse::Ok().json(StreetImport {
        dry_run,
        streets,
        changed_districts,
    }))
}
