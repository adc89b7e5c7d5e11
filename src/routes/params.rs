//! Query parameters: parsed into domain values here, so handlers stay thin and every bad
//! parameter gets the same kind of answer (400, naming the parameter, quoting at most 40
//! characters of what was sent).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::directory::{ActiveFilter, Directory, Query, UnitFilter};
use crate::domain::review::ReviewStatus;
use crate::domain::{FieldError, Invalid, UnitKind, shown, today};
use crate::error::{AppError, AppResult};

/// For endpoints without query parameters: anything sent is refused rather than ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// The values of the `active` parameter (for the OpenAPI document).
#[derive(Debug, Serialize, ToSchema)]
pub enum ActiveParam {
    /// Active today (the default).
    #[serde(rename = "true")]
    True,
    /// Not active today: ended, or not yet started.
    #[serde(rename = "false")]
    False,
    /// Both.
    #[serde(rename = "all")]
    All,
}

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

/// Parses a `limit` query parameter: 1..=max, `default` when absent.
pub fn limit(raw: Option<&str>, default: usize, max: usize) -> AppResult<usize> {
    let Some(raw) = raw else {
        return Ok(default);
    };
    match raw.trim().parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(AppError::invalid(
            "limit",
            Invalid::new(
                format!(
                    "'{}' är ingen giltig sidstorlek; ange ett heltal 1–{max}",
                    shown(raw)
                ),
                format!(
                    "'{}' is not a valid page size; give a whole number 1–{max}",
                    shown(raw)
                ),
            ),
        )),
    }
}
