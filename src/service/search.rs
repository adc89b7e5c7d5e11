//! A search as staff make it: the filter from the query's parameters (every bad one reported
//! at once), and why each result was found when it was not by its own name or numbers.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::directory::{ActiveFilter, Directory, Page, Query, UnitFilter};
use crate::domain::review::ReviewStatus;
use crate::domain::text::{fold, words as text_words};
use crate::domain::{AreaRef, FieldError, Invalid, Unit, UnitKind, Visibility, shown, today};
use crate::error::{AppError, AppResult};

/// The raw filter parameters shared by listing and lookup.
#[derive(Debug, Default)]
pub struct FilterParams<'a> {
    pub q: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub area: Option<&'a str>,
    pub organisation: Option<&'a str>,
    pub active: Option<&'a str>,
    pub review: Option<&'a str>,
}

/// Builds a filter from query parameters, reporting every bad parameter at once.
pub fn filter(directory: &Directory, p: FilterParams<'_>, include_internal: bool) -> AppResult<UnitFilter> {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut check = |field: &str, result: Result<(), Invalid>| {
        if let Err(e) = result {
            errors.push(e.at(field));
        }
    };
    let mut query = None;
    if let Some(q) = p.q {
        check("q", Query::parse(q).map(|parsed| query = parsed));
    }
    let mut kinds = Vec::new();
    if let Some(k) = p.kind {
        check("kind", parse_kinds(k).map(|parsed| kinds = parsed));
    }
    if let Some(a) = p.area {
        check(
            "area",
            crate::domain::edit::known(
                a,
                directory.area(a),
                Invalid::rule(
                    format!("okänt område '{}'; se GET /v1/areas", shown(a)),
                    format!("unknown area '{}'; see GET /v1/areas", shown(a)),
                ),
            )
            .map(drop),
        );
    }
    if let Some(o) = p.organisation {
        check("organisation", known_organisation(directory, o).map(drop));
    }
    let mut active = ActiveFilter::Active;
    check("active", parse_active(p.active).map(|parsed| active = parsed));
    let mut review = None;
    if let Some(r) = p.review {
        check(
            "review",
            ReviewStatus::parse(r).map(|parsed| review = Some(parsed)),
        );
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(UnitFilter {
        query,
        kinds,
        area: p.area.map(str::to_owned),
        organisation: p.organisation.map(str::to_owned),
        active,
        on: today(),
        include_internal,
        review,
    })
}

/// `vardcentral,rehab`: known kinds, none empty, each once.
/// The organisation a parameter names: 400 for an id of the wrong form, 422 for one that names
/// none.
pub fn known_organisation<'a>(
    directory: &'a Directory,
    raw: &str,
) -> Result<&'a crate::domain::Organisation, Invalid> {
    crate::domain::edit::known(
        raw,
        directory.organisation(raw),
        Invalid::rule(
            format!("okänd organisation '{}'; se GET /v1/organisations", shown(raw)),
            format!("unknown organisation '{}'; see GET /v1/organisations", shown(raw)),
        ),
    )
}

fn parse_kinds(raw: &str) -> Result<Vec<UnitKind>, Invalid> {
    let mut kinds = Vec::new();
    for part in raw.split(',') {
        if part.trim().is_empty() {
            return Err(Invalid::new(
                "tomt värde; ange en eller flera enhetstyper åtskilda med komma",
                "empty value; give one or more unit kinds separated by commas",
            ));
        }
        let kind = UnitKind::parse(part)?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    Ok(kinds)
}

fn parse_active(raw: Option<&str>) -> Result<ActiveFilter, Invalid> {
    match raw.map(str::trim) {
        None | Some("true") => Ok(ActiveFilter::Active),
        Some("false") => Ok(ActiveFilter::Inactive),
        Some("all") => Ok(ActiveFilter::Any),
        Some(other) => Err(Invalid::new(
            format!(
                "'{}' är inget giltigt värde; tillåtna: true, false, all",
                shown(other)
            ),
            format!(
                "'{}' is not a valid value; allowed: true, false, all",
                shown(other)
            ),
        )),
    }
}

/// How a search found a unit other than by its own name or numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FoundByKind {
    /// The query is a street: the unit serves the district the street table gives.
    Address,
    /// The query is a number the unit had before.
    ReplacedNumber,
    /// The query names one of the unit's preschools (a BVC).
    Preschool,
}

/// Why a search found a unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FoundBy {
    pub by: FoundByKind,
    /// For people, in Swedish: "Allégatan 14 hör till Distrikt Centrum (exempel)",
    /// "031-390 06 99 är ersatt av 031-390 06 27 sedan 2026-12-01".
    pub text: String,
    /// `address`: the street as the street table writes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// `address`: the house number typed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub house_number: Option<u32>,
    /// `address`: the district that serves the street (or this part of it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<AreaRef>,
    /// `replaced_number`: the number typed (E.164), which the unit no longer has.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "+46313900699")]
    pub number: Option<String>,
    /// `replaced_number`: the number that took its place (E.164); absent when it was removed
    /// without a successor, or when the caller may not see the successor.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "+46313900627")]
    pub replaced_by: Option<String>,
    /// `replaced_number`: the day it was replaced (Europe/Stockholm).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<NaiveDate>,
    /// `preschool`: the preschool's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preschool: Option<String>,
}

impl FoundBy {
    fn new(by: FoundByKind, text: String) -> Self {
        Self {
            by,
            text,
            street: None,
            house_number: None,
            district: None,
            number: None,
            replaced_by: None,
            since: None,
            preschool: None,
        }
    }

    /// Why each unit of `page`, found by `filter`, is there (in page order).
    pub fn each(
        directory: &Directory,
        filter: &UnitFilter,
        page: &Page,
        include_internal: bool,
    ) -> Vec<Option<Self>> {
        let query = filter.query.as_ref();
        let address = page.address.as_deref();
        page.units
            .iter()
            .map(|unit| Self::of(directory, query, address, unit, include_internal))
            .collect()
    }

    /// Why `unit` is among the results of a search for `query` that named `address`, told
    /// with the numbers the caller may see (`include_internal`).
    pub fn of(
        directory: &Directory,
        query: Option<&crate::directory::Query>,
        address: Option<&crate::directory::StreetAnswer>,
        unit: &Unit,
        include_internal: bool,
    ) -> Option<Self> {
        if let Some(answer) = address
            && let Some(district) = directory.serves(answer, unit)
        {
            let typed = match answer.number {
                Some(n) => format!("{} {n}", answer.street),
                None => answer.street.clone(),
            };
            return Some(Self {
                street: Some(answer.street.clone()),
                house_number: answer.number,
                district: Some(AreaRef {
                    id: district.id.clone(),
                    name: district.name.clone(),
                }),
                ..Self::new(
                    FoundByKind::Address,
                    format!("{typed} hör till {}", district.name),
                )
            });
        }
        let query = query?;
        if let Some(r) = directory.replaced_number(query, unit, include_internal) {
            // The successor only if the caller may see it among the unit's numbers now.
            let replaced_by = r.replaced_by.clone().filter(|next| {
                unit.contact_points.iter().any(|c| {
                    c.number.e164() == next && (include_internal || c.visibility == Visibility::Public)
                })
            });
            let national = |e164: &str| {
                crate::domain::PhoneNumber::parse(e164)
                    .map(|n| n.national().to_owned())
                    .unwrap_or_else(|_| e164.to_owned())
            };
            let since = r
                .replaced_at
                .and_utc()
                .with_timezone(&chrono_tz::Europe::Stockholm)
                .date_naive();
            let text = match (&replaced_by, &r.replaced_by) {
                (Some(next), _) => format!(
                    "{} är ersatt av {} sedan {since}",
                    national(&r.number),
                    national(next)
                ),
                (None, Some(_)) => format!(
                    "{} är ersatt sedan {since}; se enhetens nummer",
                    national(&r.number)
                ),
                (None, None) => format!("{} är borttaget sedan {since}", national(&r.number)),
            };
            return Some(Self {
                number: Some(r.number.clone()),
                replaced_by,
                since: Some(since),
                ..Self::new(FoundByKind::ReplacedNumber, text)
            });
        }
        let words = query.words();
        let preschool = unit.preschools.iter().find(|p| {
            let folded = crate::domain::text::fold(p);
            let names: Vec<&str> = crate::domain::text::words(&folded).collect();
            !words.is_empty()
                && words
                    .iter()
                    .all(|w| names.iter().any(|n| n.starts_with(w.as_str())))
        })?;
        Some(Self {
            preschool: Some(preschool.clone()),
            ..Self::new(
                FoundByKind::Preschool,
                format!("{preschool} hör till {}", unit.name),
            )
        })
    }
}

/// The district an address as typed names ("Allégatan 14", "Kungsg 12"): the street table's
/// answer with the one part that serves it first. Otherwise why not, with what there is: 404
/// for a street the table does not have (with the nearest names) or a house number no part
/// has, 422 for a street split between districts typed without its number.
pub fn address(directory: &Directory, raw: &str) -> AppResult<crate::directory::StreetAnswer> {
    let Some(answer) = directory.street(raw) else {
        let similar = directory.similar_streets(raw, 3);
        let (sv, en) = if similar.is_empty() {
            (String::new(), String::new())
        } else {
            (
                format!("; menade du {}?", similar.join(", ")),
                format!("; did you mean {}?", similar.join(", ")),
            )
        };
        return Err(AppError::not_found(
            format!("gatan '{}' finns inte i gatutabellen{sv}", shown(raw)),
            format!("the street '{}' is not in the street table{en}", shown(raw)),
        ));
    };
    if answer.resolved {
        return Ok(answer);
    }
    let parts = answer
        .parts
        .iter()
        .map(|(d, part)| {
            format!(
                "{}: {}",
                part.numbers_sv().unwrap_or_else(|| "alla nummer".into()),
                directory.area_at(*d).name
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let street = &answer.street;
    Err(match answer.number {
        Some(n) => AppError::not_found(
            format!("husnummer {n} på {street} finns inte i gatutabellen ({parts})"),
            format!("house number {n} of {street} is not in the street table ({parts})"),
        ),
        None => AppError::invalid(
            "street",
            Invalid::rule(
                format!("{street} är delad mellan distrikt; ange husnummer ({parts})"),
                format!("{street} is split between districts; give the house number ({parts})"),
            ),
        ),
    })
}

/// The preschools called `name` (every word of it begins a word of theirs), each with the
/// active BVC responsible for it on `day`. A name must have a letter or digit and at most 200
/// characters: blank or too long is the wrong form, no letter or digit breaks a rule.
pub fn preschools<'d>(
    directory: &'d Directory,
    name: &str,
    day: NaiveDate,
) -> Result<Vec<(&'d Unit, &'d str)>, Invalid> {
    let wanted = fold(name);
    let words: Vec<&str> = text_words(&wanted).collect();
    if words.is_empty() || name.chars().count() > 200 {
        let why = Invalid::new(
            "ange förskolans namn (högst 200 tecken)",
            "give the preschool's name (at most 200 characters)",
        );
        let wrong_form = name.trim().is_empty() || name.chars().count() > 200;
        return Err(if wrong_form { why } else { why.as_rule() });
    }
    let named = |preschool: &str| {
        let folded = fold(preschool);
        words
            .iter()
            .all(|w| text_words(&folded).any(|n| n.starts_with(w)))
    };
    Ok(directory
        .units_with_preschools()
        .filter(|u| u.is_active_on(day))
        .flat_map(|bvc| bvc.preschools.iter().map(move |p| (bvc, p.as_str())))
        .filter(|(_, p)| named(p))
        .collect())
}
