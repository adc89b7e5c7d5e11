//! Query parameters: parsed into domain values here, so handlers stay thin and every bad
//! parameter gets the same kind of answer (400, naming the parameter, quoting at most 40
//! characters of what was sent).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
