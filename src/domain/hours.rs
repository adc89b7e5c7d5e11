//! Telephone hours (telefontid): when a number is answered, in Europe/Stockholm wall-clock
//! time, aware of the holiday calendar. Data, not code: the on-call doctor's coverage is the
//! same kind of value as a vårdcentral's telefontid (see [`TelephoneHours::on_call`]).

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Europe::Stockholm;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::calendar::{holiday, is_weekend, is_workday};
use super::{FieldError, Invalid};

/// Longest note on a date exception ("julstängning").
pub const MAX_EXCEPTION_NOTE_CHARS: usize = 200;

/// Which days a span applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Days {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
    /// Monday to Friday, except holidays and the plan's eves.
    Workdays,
    /// Weekends, holidays and the plan's eves.
    NonWorkdays,
    EveryDay,
}

impl Days {
    fn matches(self, day: NaiveDate) -> bool {
        let weekday = |w: Weekday| day.weekday() == w;
        match self {
            Days::Mon => weekday(Weekday::Mon),
            Days::Tue => weekday(Weekday::Tue),
            Days::Wed => weekday(Weekday::Wed),
            Days::Thu => weekday(Weekday::Thu),
            Days::Fri => weekday(Weekday::Fri),
            Days::Sat => weekday(Weekday::Sat),
            Days::Sun => weekday(Weekday::Sun),
            Days::Workdays => is_workday(day),
            Days::NonWorkdays => !is_workday(day),
            Days::EveryDay => true,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Days::Mon => "mån",
            Days::Tue => "tis",
            Days::Wed => "ons",
            Days::Thu => "tor",
            Days::Fri => "fre",
            Days::Sat => "lör",
            Days::Sun => "sön",
            Days::Workdays => "vardagar",
            Days::NonWorkdays => "helger och helgdagar",
            Days::EveryDay => "alla dagar",
        }
    }
}

/// A time of day as `HH:MM`; `24:00` is the end of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "08:00")]
pub struct Clock(u16);

impl Clock {
    const END_OF_DAY: u16 = 24 * 60;

    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl TryFrom<String> for Clock {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, String> {
        let bad = || format!("'{raw}' is not a time of day HH:MM (00:00–24:00)");
        let trimmed = raw.trim();
        let (h, m) = trimmed.split_once(':').ok_or_else(bad)?;
        let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
        if !two_digits(h) || !two_digits(m) {
            return Err(bad());
        }
        let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if h > 24 || m > 59 || (h == 24 && m != 0) {
            return Err(bad());
        }
        Ok(Clock(h * 60 + m))
    }
}

impl From<Clock> for String {
    fn from(c: Clock) -> String {
        format!("{:02}:{:02}", c.0 / 60, c.0 % 60)
    }
}

/// Open from `from` to `to` on the given days (within one day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklySpan {
    pub days: BTreeSet<Days>,
    pub from: Clock,
    pub to: Clock,
}

/// Other hours on one date: closed, or these spans instead of the weekly ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DateException {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// Open during these on that date; empty: closed all day.
    #[serde(default)]
    pub spans: Vec<DaySpan>,
    /// Why, e.g. "personaldag".
    #[serde(default)]
    pub note: Option<String>,
}

/// A span within one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DaySpan {
    pub from: Clock,
    pub to: Clock,
}

/// Whether the spans say when the number is answered, or when it is not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Answered during the spans (a telefontid).
    #[default]
    OpenDuring,
    /// Answered at every other time (an on-call service).
    ClosedDuring,
}

/// When a contact point is answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"weekly": [{"days": ["workdays"], "from": "08:00", "to": "12:00"}, {"days": ["workdays"], "from": "13:00", "to": "16:30"}]}))]
pub struct TelephoneHours {
    #[serde(default)]
    pub mode: Mode,
    pub weekly: Vec<WeeklySpan>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<DateException>,
    /// First day these hours apply; before it the number counts as closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub valid_from: Option<NaiveDate>,
    /// First day they no longer apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub valid_to: Option<NaiveDate>,
}

/// How far ahead `next_change` looks: a number closed for longer is "closed until further
/// notice".
const HORIZON_DAYS: i64 = 31;

impl TelephoneHours {
    /// The plan's on-call doctor (läkare i beredskap): Monday–Thursday 17:00–08:00, Friday
    /// 17:00 to Monday 08:00, and from 17:00 on the day before a holiday until 08:00 on the
    /// next working day. That is: every hour except 08:00–17:00 on working days.
    pub fn on_call() -> Self {
        Self {
            mode: Mode::ClosedDuring,
            weekly: vec![WeeklySpan {
                days: BTreeSet::from([Days::Workdays]),
                from: Clock(8 * 60),
                to: Clock(17 * 60),
            }],
            exceptions: Vec::new(),
            valid_from: None,
            valid_to: None,
        }
    }

    /// Office hours on working days, `from`–`to`.
    pub fn workdays(from_hour: u16, to_hour: u16) -> Self {
        Self {
            mode: Mode::OpenDuring,
            weekly: vec![WeeklySpan {
                days: BTreeSet::from([Days::Workdays]),
                from: Clock(from_hour * 60),
                to: Clock(to_hour * 60),
            }],
            exceptions: Vec::new(),
            valid_from: None,
            valid_to: None,
        }
    }

    /// Checks what serde cannot: spans that end after they start, days given, dates once.
    pub fn validate(&self, field: &str) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut span = |at: String, from: Clock, to: Clock| {
            if to <= from {
                errors.push(
                    Invalid::rule(
                        format!(
                            "tiden slutar ({}) innan den börjar ({})",
                            String::from(to),
                            String::from(from)
                        ),
                        format!(
                            "the span ends ({}) before it starts ({})",
                            String::from(to),
                            String::from(from)
                        ),
                    )
                    .at(at),
                );
            }
        };
        for (i, s) in self.weekly.iter().enumerate() {
            span(format!("{field}.weekly[{i}]"), s.from, s.to);
        }
        for (i, e) in self.exceptions.iter().enumerate() {
            for (j, s) in e.spans.iter().enumerate() {
                span(format!("{field}.exceptions[{i}].spans[{j}]"), s.from, s.to);
            }
        }
        for (i, s) in self.weekly.iter().enumerate() {
            if s.days.is_empty() {
                errors.push(
                    Invalid::rule("ange minst en dag", "give at least one day")
                        .at(format!("{field}.weekly[{i}].days")),
                );
            }
        }
        for (i, e) in self.exceptions.iter().enumerate() {
            // Every way in (the API, the CSV import's `hours` column, the pages) comes here.
            if let Some(Err(why)) = e.note.as_deref().map(super::text::check) {
                errors.push(why.at(format!("{field}.exceptions[{i}].note")));
            }
            if e.note
                .as_ref()
                .is_some_and(|n| n.chars().count() > MAX_EXCEPTION_NOTE_CHARS)
            {
                errors.push(
                    Invalid::new(
                        format!("anteckningen är längre än {MAX_EXCEPTION_NOTE_CHARS} tecken"),
                        format!("the note is longer than {MAX_EXCEPTION_NOTE_CHARS} characters"),
                    )
                    .at(format!("{field}.exceptions[{i}].note")),
                );
            }
        }
        let mut dates: Vec<NaiveDate> = self.exceptions.iter().map(|e| e.date).collect();
        dates.sort();
        if dates.windows(2).any(|w| w[0] == w[1]) {
            errors.push(
                Invalid::rule("ett datum står två gånger", "a date is given twice")
                    .at(format!("{field}.exceptions")),
            );
        }
        if let (Some(from), Some(to)) = (self.valid_from, self.valid_to)
            && to <= from
        {
            errors.push(
                Invalid::rule(
                    "valid_to måste vara efter valid_from",
                    "valid_to must be after valid_from",
                )
                .at(format!("{field}.valid_to")),
            );
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= day) && self.valid_to.is_none_or(|t| day < t)
    }

    /// The spans of `day` in which the spans list applies (before `mode` is taken into account).
    fn spans_on(&self, day: NaiveDate) -> Vec<(u16, u16)> {
        if let Some(e) = self.exceptions.iter().find(|e| e.date == day) {
            return e.spans.iter().map(|s| (s.from.0, s.to.0)).collect();
        }
        self.weekly
            .iter()
            .filter(|s| s.days.iter().any(|d| d.matches(day)))
            .map(|s| (s.from.0, s.to.0))
            .collect()
    }

    /// Whether the number is answered at `day` `minute` (local wall-clock time).
    fn open_at_local(&self, day: NaiveDate, minute: u16) -> bool {
        if !self.valid_on(day) {
            return false;
        }
        let exception = self.exceptions.iter().any(|e| e.date == day);
        let inside = self
            .spans_on(day)
            .iter()
            .any(|(f, t)| *f <= minute && minute < *t);
        match (self.mode, exception) {
            // A date exception always says when it is open.
            (_, true) | (Mode::OpenDuring, false) => inside,
            (Mode::ClosedDuring, false) => !inside,
        }
    }

    /// Whether the number is answered at `at`.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        let local = at.with_timezone(&Stockholm).naive_local();
        self.open_at_local(local.date(), (local.hour() * 60 + local.minute()) as u16)
    }

    /// The next moment after `at` when the answer of [`is_open`](Self::is_open) changes, if
    /// within [`HORIZON_DAYS`].
    pub fn next_change(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let now_open = self.is_open(at);
        let today = at.with_timezone(&Stockholm).date_naive();
        for offset in 0..=HORIZON_DAYS {
            let day = today + Duration::days(offset);
            let mut edges: Vec<u16> = vec![0];
            for (f, t) in self.spans_on(day) {
                edges.push(f);
                edges.push(t);
            }
            edges.sort_unstable();
            edges.dedup();
            for minute in edges.into_iter().filter(|m| *m < Clock::END_OF_DAY) {
                let Some(instant) = local_instant(day, minute) else {
                    continue;
                };
                if instant > at && self.is_open(instant) != now_open {
                    return Some(instant);
                }
            }
        }
        None
    }

    /// In Swedish, for people: "vardagar 08:00–12:00, 13:00–16:30".
    pub fn describe(&self) -> String {
        let spans: Vec<String> = self
            .weekly
            .iter()
            .map(|s| {
                let days: Vec<&str> = s.days.iter().map(|d| d.label()).collect();
                format!(
                    "{} {}–{}",
                    days.join(", "),
                    String::from(s.from),
                    String::from(s.to)
                )
            })
            .collect();
        match self.mode {
            Mode::OpenDuring => spans.join(", "),
            Mode::ClosedDuring => format!("dygnet runt utom {}", spans.join(", ")),
        }
    }
}

/// The instant of local wall-clock `minute` on `day`; in the hour that summer time skips, the
/// first moment after it.
pub(crate) fn local_instant(day: NaiveDate, minute: u16) -> Option<DateTime<Utc>> {
    let time = NaiveTime::from_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)?;
    let local = day.and_time(time);
    match Stockholm.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        chrono::LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        chrono::LocalResult::None => Stockholm
            .from_local_datetime(&(local + Duration::hours(1)))
            .earliest()
            .map(|t| t.with_timezone(&Utc)),
    }
}

/// Why a number that follows the working-day rhythm is or is not answered at `at`, in the
/// plan's words: "helgdag: Långfredagen", "dag före helgdag", "helg", "kväll och natt",
/// "vardag dagtid".
pub fn period(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Stockholm).naive_local();
    let (day, hour) = (local.date(), local.hour());
    if let Some(h) = holiday(day) {
        return format!("helgdag: {}", h.name);
    }
    if is_weekend(day) {
        return "helg".into();
    }
    let next_workday = (1..=14)
        .map(|n| day + Duration::days(n))
        .find(|d| is_workday(*d))
        .unwrap_or(day);
    let previous = day - Duration::days(1);
    if hour < 8 {
        // The night after a weekend or a holiday ends at 08:00.
        return match holiday(previous) {
            Some(h) => format!("helgdag: {}", h.name),
            None if is_weekend(previous) => "helg".into(),
            None => "kväll och natt".into(),
        };
    }
    if hour >= 17 {
        let tomorrow = day + Duration::days(1);
        return match holiday(tomorrow) {
            Some(_) => "dag före helgdag".into(),
            None if is_weekend(tomorrow) || next_workday > tomorrow => "helg".into(),
            None => "kväll och natt".into(),
        };
    }
    "vardag dagtid".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A moment in Borås wall-clock time.
    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Stockholm
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .earliest()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn local(t: DateTime<Utc>) -> String {
        t.with_timezone(&Stockholm).format("%Y-%m-%d %H:%M").to_string()
    }

    /// (moment, on-call doctor answers, next change, period)
    #[test]
    fn the_on_call_rule_over_dated_cases_in_2026_and_2027() {
        let on_call = TelephoneHours::on_call();
        let cases = [
            // An ordinary week.
            (at(2026, 11, 23, 7, 59), true, "2026-11-23 08:00", "helg"),
            (at(2026, 11, 23, 8, 0), false, "2026-11-23 17:00", "vardag dagtid"),
            (
                at(2026, 11, 23, 16, 59),
                false,
                "2026-11-23 17:00",
                "vardag dagtid",
            ),
            (
                at(2026, 11, 23, 17, 0),
                true,
                "2026-11-24 08:00",
                "kväll och natt",
            ),
            (
                at(2026, 11, 26, 23, 0),
                true,
                "2026-11-27 08:00",
                "kväll och natt",
            ),
            (at(2026, 11, 27, 17, 0), true, "2026-11-30 08:00", "helg"),
            (at(2026, 11, 28, 12, 0), true, "2026-11-30 08:00", "helg"),
            (at(2026, 11, 30, 7, 59), true, "2026-11-30 08:00", "helg"),
            // Easter 2026: Skärtorsdag 17:00 runs to Tuesday 08:00.
            (at(2026, 4, 2, 16, 59), false, "2026-04-02 17:00", "vardag dagtid"),
            (
                at(2026, 4, 2, 17, 0),
                true,
                "2026-04-07 08:00",
                "dag före helgdag",
            ),
            (
                at(2026, 4, 3, 12, 0),
                true,
                "2026-04-07 08:00",
                "helgdag: Långfredagen",
            ),
            (
                at(2026, 4, 6, 7, 59),
                true,
                "2026-04-07 08:00",
                "helgdag: Annandag påsk",
            ),
            (
                at(2026, 4, 6, 8, 0),
                true,
                "2026-04-07 08:00",
                "helgdag: Annandag påsk",
            ),
            (at(2026, 4, 7, 8, 0), false, "2026-04-07 17:00", "vardag dagtid"),
            // Kristi himmelsfärd 2026 (Thursday) and the Friday after, a working day.
            (
                at(2026, 5, 13, 17, 0),
                true,
                "2026-05-15 08:00",
                "dag före helgdag",
            ),
            (
                at(2026, 5, 14, 10, 0),
                true,
                "2026-05-15 08:00",
                "helgdag: Kristi himmelsfärdsdag",
            ),
            (at(2026, 5, 15, 9, 0), false, "2026-05-15 17:00", "vardag dagtid"),
            (at(2026, 5, 15, 17, 0), true, "2026-05-18 08:00", "helg"),
            // Midsommar 2026: Thursday 17:00 to Monday 08:00.
            (
                at(2026, 6, 18, 17, 0),
                true,
                "2026-06-22 08:00",
                "dag före helgdag",
            ),
            (
                at(2026, 6, 19, 12, 0),
                true,
                "2026-06-22 08:00",
                "helgdag: Midsommarafton",
            ),
            // Christmas and New Year 2026/27.
            (
                at(2026, 12, 23, 17, 0),
                true,
                "2026-12-28 08:00",
                "dag före helgdag",
            ),
            (
                at(2026, 12, 24, 10, 0),
                true,
                "2026-12-28 08:00",
                "helgdag: Julafton",
            ),
            (
                at(2026, 12, 28, 10, 0),
                false,
                "2026-12-28 17:00",
                "vardag dagtid",
            ),
            (
                at(2026, 12, 30, 17, 0),
                true,
                "2027-01-04 08:00",
                "dag före helgdag",
            ),
            (
                at(2027, 1, 1, 12, 0),
                true,
                "2027-01-04 08:00",
                "helgdag: Nyårsdagen",
            ),
            (
                at(2027, 1, 5, 17, 0),
                true,
                "2027-01-07 08:00",
                "dag före helgdag",
            ),
            (at(2027, 1, 7, 8, 0), false, "2027-01-07 17:00", "vardag dagtid"),
            // Easter 2027: Långfredagen 26 March, Annandag påsk 29 March.
            (
                at(2027, 3, 25, 17, 0),
                true,
                "2027-03-30 08:00",
                "dag före helgdag",
            ),
            (
                at(2027, 3, 29, 7, 59),
                true,
                "2027-03-30 08:00",
                "helgdag: Annandag påsk",
            ),
            (at(2027, 3, 30, 8, 0), false, "2027-03-30 17:00", "vardag dagtid"),
            // Kristi himmelsfärd 2027 and midsommar 2027.
            (
                at(2027, 5, 5, 17, 0),
                true,
                "2027-05-07 08:00",
                "dag före helgdag",
            ),
            (
                at(2027, 6, 24, 17, 0),
                true,
                "2027-06-28 08:00",
                "dag före helgdag",
            ),
        ];
        for (moment, open, next, why) in cases {
            assert_eq!(on_call.is_open(moment), open, "{}", local(moment));
            assert_eq!(
                on_call.next_change(moment).map(local).as_deref(),
                Some(next),
                "{}",
                local(moment)
            );
            assert_eq!(period(moment), why, "{}", local(moment));
        }
    }

    #[test]
    fn summer_time_switches_keep_wall_clock_hours() {
        let on_call = TelephoneHours::on_call();
        // 29 March 2026: clocks go 02:00 → 03:00; Monday 08:00 is still 08:00 local (06:00 UTC).
        let saturday = at(2026, 3, 28, 12, 0);
        let change = on_call.next_change(saturday).unwrap();
        assert_eq!(local(change), "2026-03-30 08:00");
        assert_eq!(change.format("%H:%M").to_string(), "06:00");
        // 25 October 2026: 03:00 → 02:00; Monday 08:00 local is 07:00 UTC.
        let change = on_call.next_change(at(2026, 10, 24, 12, 0)).unwrap();
        assert_eq!(local(change), "2026-10-26 08:00");
        assert_eq!(change.format("%H:%M").to_string(), "07:00");
        // The same UTC hour is office time in winter and not yet in summer.
        let office = TelephoneHours::workdays(8, 17);
        assert!(office.is_open(Utc.with_ymd_and_hms(2026, 11, 23, 7, 30, 0).unwrap()));
        assert!(!office.is_open(Utc.with_ymd_and_hms(2026, 6, 22, 5, 30, 0).unwrap()));
    }

    #[test]
    fn a_telefontid_with_lunch_exceptions_and_validity() {
        let hours: TelephoneHours = serde_json::from_value(serde_json::json!({
            "weekly": [
                {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:00", "to": "12:00"},
                {"days": ["workdays"], "from": "13:00", "to": "16:30"}
            ],
            "exceptions": [{"date": "2026-12-23", "spans": [{"from": "08:00", "to": "10:00"}], "note": "julstängning"}],
            "valid_to": "2027-07-01"
        }))
        .unwrap();
        assert!(hours.validate("hours").is_ok());
        assert!(hours.is_open(at(2026, 11, 24, 9, 0)));
        assert!(!hours.is_open(at(2026, 11, 24, 12, 30)));
        assert_eq!(
            local(hours.next_change(at(2026, 11, 24, 12, 30)).unwrap()),
            "2026-11-24 13:00"
        );
        assert!(!hours.is_open(at(2026, 11, 24, 16, 30)));
        // The exception day: 08–10 only.
        assert!(hours.is_open(at(2026, 12, 23, 9, 59)));
        assert!(!hours.is_open(at(2026, 12, 23, 10, 0)));
        // Långfredagen: the Mon–Fri span still applies (it names weekdays, not workdays) ...
        assert!(hours.is_open(at(2027, 3, 26, 9, 0)));
        // ... the workdays span does not.
        assert!(!hours.is_open(at(2027, 3, 26, 14, 0)));
        // Not valid any more.
        assert!(!hours.is_open(at(2027, 7, 1, 9, 0)));
        assert_eq!(
            hours.describe(),
            "mån, tis, ons, tor, fre 08:00–12:00, vardagar 13:00–16:30"
        );
        assert_eq!(
            TelephoneHours::on_call().describe(),
            "dygnet runt utom vardagar 08:00–17:00"
        );
    }

    #[test]
    fn bad_hours_are_refused_with_their_place() {
        let hours: TelephoneHours = serde_json::from_value(serde_json::json!({
            "weekly": [{"days": [], "from": "17:00", "to": "08:00"}],
            "exceptions": [{"date": "2026-12-24"}, {"date": "2026-12-24"}]
        }))
        .unwrap();
        let fields: Vec<String> = hours
            .validate("hours")
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["hours.weekly[0]", "hours.weekly[0].days", "hours.exceptions"]
        );
        for bad in ["25:00", "8:00", "08:60", "24:30", "kl 8"] {
            assert!(Clock::try_from(bad.to_owned()).is_err(), "{bad}");
        }
        assert_eq!(Clock::try_from("24:00".to_owned()).unwrap().minutes(), 1440);
    }
}
