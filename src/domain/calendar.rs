//! The Swedish public holiday calendar, computed for any year, with the joint plan's own rule:
//! midsommarafton, julafton and nyårsafton count as holidays too.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Serialize;
use utoipa::ToSchema;

/// A day off: a public holiday (helgdag) or one of the eves the plan counts as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Holiday {
    #[schema(value_type = String, format = Date, example = "2026-04-03")]
    pub date: NaiveDate,
    #[schema(example = "Långfredagen")]
    pub name: &'static str,
    /// `false` for the eves that the plan counts (midsommarafton, julafton, nyårsafton).
    pub public_holiday: bool,
}

/// Easter Sunday (Gregorian; the anonymous algorithm, "Meeus/Jones/Butcher").
pub fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // The algorithm only yields March or April days.
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).unwrap_or(NaiveDate::MIN)
}

/// The first `weekday` on or after `month`/`day`.
fn first_on_or_after(year: i32, month: u32, day: u32, weekday: Weekday) -> NaiveDate {
    let start = NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN);
    let ahead = (7 + weekday.num_days_from_monday() - start.weekday().num_days_from_monday()) % 7;
    start + Duration::days(i64::from(ahead))
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// Every holiday of `year` in date order: the public holidays, and the plan's three eves.
pub fn holidays(year: i32) -> Vec<Holiday> {
    let easter = easter(year);
    let public = |date, name| Holiday {
        date,
        name,
        public_holiday: true,
    };
    let eve = |date, name| Holiday {
        date,
        name,
        public_holiday: false,
    };
    let midsommardagen = first_on_or_after(year, 6, 20, Weekday::Sat);
    let mut days = vec![
        public(date(year, 1, 1), "Nyårsdagen"),
        public(date(year, 1, 6), "Trettondedag jul"),
        public(easter - Duration::days(2), "Långfredagen"),
        public(easter, "Påskdagen"),
        public(easter + Duration::days(1), "Annandag påsk"),
        public(date(year, 5, 1), "Första maj"),
        public(easter + Duration::days(39), "Kristi himmelsfärdsdag"),
        public(easter + Duration::days(49), "Pingstdagen"),
        public(date(year, 6, 6), "Sveriges nationaldag"),
        eve(midsommardagen - Duration::days(1), "Midsommarafton"),
        public(midsommardagen, "Midsommardagen"),
        public(first_on_or_after(year, 10, 31, Weekday::Sat), "Alla helgons dag"),
        eve(date(year, 12, 24), "Julafton"),
        public(date(year, 12, 25), "Juldagen"),
        public(date(year, 12, 26), "Annandag jul"),
        eve(date(year, 12, 31), "Nyårsafton"),
    ];
    days.sort_by_key(|h| h.date);
    days
}

/// The holiday on `day`, if it is one (the plan's eves included).
pub fn holiday(day: NaiveDate) -> Option<Holiday> {
    holidays(day.year()).into_iter().find(|h| h.date == day)
}

pub fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Whether `day` is a holiday or an eve the plan counts: the same days as [`holidays`],
/// without building the year's list (telephone hours ask this for every day they look at).
pub fn is_holiday(day: NaiveDate) -> bool {
    let (month, date) = (day.month(), day.day());
    if matches!(
        (month, date),
        (1, 1) | (1, 6) | (5, 1) | (6, 6) | (12, 24) | (12, 25) | (12, 26) | (12, 31)
    ) {
        return true;
    }
    match month {
        3..=6 => {
            let from_easter = (day - easter(day.year())).num_days();
            // Midsommarafton is the Friday 19–25 June, midsommardagen the Saturday after.
            let midsommar = month == 6
                && ((day.weekday() == Weekday::Fri && (19..=25).contains(&date))
                    || (day.weekday() == Weekday::Sat && (20..=26).contains(&date)));
            matches!(from_easter, -2 | 0 | 1 | 39 | 49) || midsommar
        }
        // Alla helgons dag: the Saturday 31 October – 6 November.
        10 | 11 => {
            day.weekday() == Weekday::Sat && ((month == 10 && date == 31) || (month == 11 && date <= 6))
        }
        _ => false,
    }
}

/// A working day in the plan's sense: Monday to Friday, and no holiday or counted eve.
pub fn is_workday(day: NaiveDate) -> bool {
    !is_weekend(day) && !is_holiday(day)
}

/// A moment as people in Borås read it: local time with its offset.
pub fn local_time(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::FixedOffset> {
    use chrono::SubsecRound;
    // Whole seconds: a moment for people (and one RFC 3339 form, not nanoseconds of "now").
    t.trunc_subsecs(0)
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .fixed_offset()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_quick_holiday_test_agrees_with_the_list_on_every_day_of_two_centuries() {
        let mut day = d(1950, 1, 1);
        while day < d(2150, 1, 1) {
            assert_eq!(is_holiday(day), holiday(day).is_some(), "{day}");
            day = day.succ_opt().unwrap();
        }
    }

    #[test]
    fn easter_falls_on_the_known_sundays() {
        for (year, m, day) in [
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2028, 4, 16),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(easter(year), d(year, m, day), "{year}");
        }
    }

    #[test]
    fn the_2026_and_2027_calendars() {
        let named = |y| {
            holidays(y)
                .into_iter()
                .map(|h| (h.date, h.name))
                .collect::<Vec<_>>()
        };
        let y2026 = named(2026);
        for expected in [
            (d(2026, 4, 3), "Långfredagen"),
            (d(2026, 4, 6), "Annandag påsk"),
            (d(2026, 5, 14), "Kristi himmelsfärdsdag"),
            (d(2026, 5, 24), "Pingstdagen"),
            (d(2026, 6, 19), "Midsommarafton"),
            (d(2026, 6, 20), "Midsommardagen"),
            (d(2026, 10, 31), "Alla helgons dag"),
        ] {
            assert!(y2026.contains(&expected), "{expected:?}");
        }
        let y2027 = named(2027);
        for expected in [
            (d(2027, 3, 26), "Långfredagen"),
            (d(2027, 3, 29), "Annandag påsk"),
            (d(2027, 5, 6), "Kristi himmelsfärdsdag"),
            (d(2027, 5, 16), "Pingstdagen"),
            (d(2027, 6, 25), "Midsommarafton"),
            (d(2027, 6, 26), "Midsommardagen"),
            (d(2027, 11, 6), "Alla helgons dag"),
        ] {
            assert!(y2027.contains(&expected), "{expected:?}");
        }
        assert_eq!(y2026.len(), 16);
        assert!(y2026.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn workdays_follow_the_plan() {
        for (day, workday) in [
            (d(2026, 4, 2), true),    // Skärtorsdag: a working day
            (d(2026, 4, 3), false),   // Långfredagen
            (d(2026, 4, 6), false),   // Annandag påsk
            (d(2026, 4, 7), true),    // the Tuesday after
            (d(2026, 5, 14), false),  // Kristi himmelsfärdsdag
            (d(2026, 5, 15), true),   // the Friday after (a "klämdag", still a working day)
            (d(2026, 6, 19), false),  // Midsommarafton counts as a holiday
            (d(2026, 12, 24), false), // Julafton counts
            (d(2026, 12, 28), true),  // the Monday between Christmas and New Year
            (d(2026, 12, 31), false), // Nyårsafton counts
            (d(2027, 1, 6), false),   // Trettondedag jul
            (d(2027, 1, 7), true),
            (d(2026, 11, 21), false), // a Saturday
        ] {
            assert_eq!(is_workday(day), workday, "{day}");
        }
    }
}
