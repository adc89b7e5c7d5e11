//! The yearly review: when a unit's information must be checked again, and how it stands.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Invalid, Unit};

/// The joint plan's agreements are renewed every year.
pub const DEFAULT_INTERVAL_MONTHS: u8 = 12;
/// "Due soon": within this many days.
pub const DUE_SOON_DAYS: i64 = 30;

pub fn default_interval() -> u8 {
    DEFAULT_INTERVAL_MONTHS
}

/// 1–60 months.
pub fn interval(months: u32) -> Result<u8, Invalid> {
    u8::try_from(months)
        .ok()
        .filter(|m| (1..=60).contains(m))
        .ok_or_else(|| {
            Invalid::new(
                format!("{months} är inget granskningsintervall; ange 1–60 månader"),
                format!("{months} is not a review interval; give 1–60 months"),
            )
        })
}

/// Where a unit stands in the review cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Checked within its interval.
    Current,
    /// Due within 30 days.
    DueSoon,
    /// Past its due date, or never checked.
    Overdue,
}

impl ReviewStatus {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw.trim() {
            "current" => Ok(Self::Current),
            "due_soon" => Ok(Self::DueSoon),
            "overdue" => Ok(Self::Overdue),
            other => Err(Invalid::new(
                format!(
                    "'{}' är ingen granskningsstatus; tillåtna: current, due_soon, overdue",
                    super::shown(other)
                ),
                format!(
                    "'{}' is not a review status; allowed: current, due_soon, overdue",
                    super::shown(other)
                ),
            )),
        }
    }
}

/// The day a unit must be checked by: its last review plus its interval; never reviewed:
/// due since it started.
pub fn due(reviewed_at: Option<NaiveDate>, interval_months: u8, active_from: NaiveDate) -> NaiveDate {
    reviewed_at
        .and_then(|r| r.checked_add_months(Months::new(u32::from(interval_months))))
        .unwrap_or(active_from)
}

pub fn status(due: NaiveDate, today: NaiveDate) -> ReviewStatus {
    if today >= due {
        ReviewStatus::Overdue
    } else if (due - today).num_days() <= DUE_SOON_DAYS {
        ReviewStatus::DueSoon
    } else {
        ReviewStatus::Current
    }
}

impl Unit {
    pub fn review_due(&self) -> NaiveDate {
        due(self.reviewed_at, self.review_interval_months, self.active_from)
    }

    pub fn review_status(&self, today: NaiveDate) -> ReviewStatus {
        status(self.review_due(), today)
    }

    /// "Checked, still correct" on `day`.
    pub fn confirmed(&self, day: NaiveDate) -> Unit {
        Unit {
            reviewed_at: Some(day),
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_unit_is_current_then_due_soon_then_overdue() {
        let due = due(Some(d(2025, 11, 30)), 12, d(2020, 1, 1));
        assert_eq!(due, d(2026, 11, 30));
        assert_eq!(status(due, d(2026, 10, 30)), ReviewStatus::Current);
        assert_eq!(status(due, d(2026, 10, 31)), ReviewStatus::DueSoon);
        assert_eq!(status(due, d(2026, 11, 29)), ReviewStatus::DueSoon);
        assert_eq!(status(due, d(2026, 11, 30)), ReviewStatus::Overdue);
        // Never reviewed: overdue from the start.
        assert_eq!(
            status(super::due(None, 12, d(2020, 1, 1)), d(2026, 1, 1)),
            ReviewStatus::Overdue
        );
        // A short interval, and the end of a month.
        assert_eq!(super::due(Some(d(2026, 1, 31)), 1, d(2020, 1, 1)), d(2026, 2, 28));
        assert!(interval(0).is_err() && interval(61).is_err() && interval(6).is_ok());
    }
}
