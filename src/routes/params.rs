//! Query parameters: parsed into domain values here, so handlers stay thin and every bad
//! parameter gets the same kind of answer (400, naming the parameter, quoting at most 40
//! characters of what was sent).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use uuid::Uuid;

use crate::domain::{Invalid, shown};
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

/// An RFC 3339 moment, as UTC.
pub fn parse_instant(field: &str, raw: &str) -> AppResult<chrono::NaiveDateTime> {
    chrono::DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.naive_utc())
        .map_err(|_| {
            AppError::invalid(
                field,
                Invalid::new(
                    format!(
                        "'{}' är ingen tidpunkt enligt RFC 3339 (t.ex. 2026-03-01T08:00:00+01:00)",
                        shown(raw)
                    ),
                    format!(
                        "'{}' is not an RFC 3339 moment (e.g. 2026-03-01T08:00:00+01:00)",
                        shown(raw)
                    ),
                ),
            )
        })
}

pub fn parse_unit_id(raw: &str) -> AppResult<Uuid> {
    Uuid::parse_str(raw).map_err(|_| {
        AppError::invalid(
            "id",
            Invalid::new(
                format!("'{}' är inget enhets-id (en UUID)", shown(raw)),
                format!("'{}' is not a unit id (a UUID)", shown(raw)),
            ),
        )
    })
}

/// The moment `at` names (RFC 3339), or now.
pub fn moment(raw: Option<&str>) -> AppResult<chrono::DateTime<chrono::Utc>> {
    Ok(match raw {
        Some(raw) => parse_instant("at", raw)?.and_utc(),
        None => chrono::Utc::now(),
    })
}

/// 400 for a `format` this operation does not write.
pub fn unknown_format(format: &str, allowed: &[&str]) -> AppError {
    let allowed = allowed.join(", ");
    AppError::invalid(
        "format",
        Invalid::new(
            format!("formatet '{}' finns inte; tillåtna: {allowed}", shown(format)),
            format!(
                "the format '{}' is not available; allowed: {allowed}",
                shown(format)
            ),
        ),
    )
}
