//! Telephone hours (telefontid): when a number is answered, in Europe/Stockholm wall-clock
//! time, aware of the holiday calendar. Data, not code: the on-call doctor's coverage is the
//! same kind of value as a vårdcentral's telefontid (see [`TelephoneHours::on_call`]).

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Europe::Stockholm;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::calendar::{holiday, is_weekend, is_workday};
use uuid::Uuid;

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
    pub const ALL: [Days; 10] = [
        Days::Mon,
        Days::Tue,
        Days::Wed,
        Days::Thu,
        Days::Fri,
        Days::Sat,
        Days::Sun,
        Days::Workdays,
        Days::NonWorkdays,
        Days::EveryDay,
    ];

    /// As the API writes it: `mon` … `sun`, `workdays`, `non_workdays`, `every_day`.
    pub fn code(self) -> &'static str {
        match self {
            Days::Mon => "mon",
            Days::Tue => "tue",
            Days::Wed => "wed",
            Days::Thu => "thu",
            Days::Fri => "fri",
            Days::Sat => "sat",
            Days::Sun => "sun",
            Days::Workdays => "workdays",
            Days::NonWorkdays => "non_workdays",
            Days::EveryDay => "every_day",
        }
    }

    pub fn parse(code: &str) -> Option<Days> {
        Days::ALL.into_iter().find(|d| d.code() == code)
    }

    pub fn matches(self, day: NaiveDate) -> bool {
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

/// Open from `from` to `to` on the given days. A span whose `to` is before its `from`
/// passes midnight: `16:00`–`01:00` on a Friday is Friday 16:00 to Saturday 01:00. A span
/// belongs to the day it starts on.
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

/// A span within one day (or, when `to` is before `from`, until `to` the next day).
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

impl Mode {
    /// `open_during` or `closed_during`, as the API writes it.
    pub fn parse(code: &str) -> Option<Mode> {
        match code {
            "open_during" => Some(Mode::OpenDuring),
            "closed_during" => Some(Mode::ClosedDuring),
            _ => None,
        }
    }
}

/// When a contact point is answered. A number without any is "telefontid saknas": unknown,
/// never "always"; a number answered day and night says so (`every_day` `00:00`–`24:00`).
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

/// Longest note of a dated period or text of a notice.
pub const MAX_PERIOD_NOTE_CHARS: usize = 300;

/// Most dated periods on one number or unit.
pub const MAX_PERIODS: usize = 50;

/// A dated period: from one date to another (both included, either end open), other hours
/// (or closed) for the whole period, optionally another number that takes the calls while this
/// one is closed, and a note callers see. On a number it applies to that number; on a unit, to
/// each of the unit's numbers that has no period of its own on the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "from": "2027-07-12",
    "to": "2027-08-08",
    "weekly": [],
    "redirect_to": "3f1c2a9e-8c4b-5d6e-9f00-112233445566",
    "note": "Sommarstängt v. 28–31. Ring Närhälsan Boda."
}))]
pub struct Period {
    /// First day (included); absent: already begun.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Last day (included); absent: until further notice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    /// When the number is answered during the period; empty: closed the whole period.
    #[serde(default)]
    pub weekly: Vec<WeeklySpan>,
    /// A contact point (of any unit) that takes the calls while this number is closed during
    /// the period; followed before the unit's fallback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_to: Option<Uuid>,
    /// For callers, in Swedish: "Sommarstängt v. 28–31. Ring Närhälsan Boda."
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Period {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= day) && self.to.is_none_or(|t| day <= t)
    }

    /// Over: it ended before `day` (it drops out of the served answer the day after its end).
    pub fn is_over(&self, day: NaiveDate) -> bool {
        self.to.is_some_and(|t| t < day)
    }

    /// "2027-07-12–2027-08-08", "från 2027-07-12", "till 2027-08-08".
    pub fn dates(&self) -> String {
        match (self.from, self.to) {
            (Some(f), Some(t)) if f == t => f.to_string(),
            (Some(f), Some(t)) => format!("{f}–{t}"),
            (Some(f), None) => format!("från {f}"),
            (None, Some(t)) => format!("till {t}"),
            (None, None) => "tills vidare".to_owned(),
        }
    }

    /// In Swedish, for people and the history: "Sommarstängt v. 28–31 (2027-07-12–2027-08-08):
    /// stängt". The redirect is named by whoever knows what it points to.
    pub fn describe(&self) -> String {
        let hours = self.describe_hours();
        match &self.note {
            Some(note) => format!("{note} ({}): {hours}", self.dates()),
            None => format!(
                "{} {}: {hours}",
                if self.weekly.is_empty() {
                    "Stängt"
                } else {
                    "Ändrade tider"
                },
                self.dates()
            ),
        }
    }

    /// "stängt", "telefontid vardagar 09:00–12:00".
    pub fn describe_hours(&self) -> String {
        if self.weekly.is_empty() {
            "stängt".to_owned()
        } else {
            format!("telefontid {}", describe_spans(&self.weekly))
        }
    }

    /// A short name for the period, for `why`: its note, or "stängt 2027-07-12–2027-08-08".
    pub fn title(&self) -> String {
        match &self.note {
            Some(note) => note.clone(),
            None if self.weekly.is_empty() => format!("stängt {}", self.dates()),
            None => format!("ändrade tider {}", self.dates()),
        }
    }
}

/// A dated notice on a unit, with no change of hours: "Nytt nummer från 1 december".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"from": "2026-11-15", "to": "2026-12-31", "text": "Nytt nummer till växeln från 1 december: 031-390 06 20."}))]
pub struct Notice {
    /// First day it is shown (included); absent: from now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Last day it is shown (included); absent: until removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    /// In Swedish, for callers.
    pub text: String,
}

impl Notice {
    pub fn shown_on(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= day) && self.to.is_none_or(|t| day <= t)
    }

    /// Not over yet on `day` (shown now or later).
    pub fn is_current_or_coming(&self, day: NaiveDate) -> bool {
        self.to.is_none_or(|t| day <= t)
    }

    /// "Nytt nummer … (2026-11-15–2026-12-31)", for the history.
    pub fn describe(&self) -> String {
        let period = Period {
            from: self.from,
            to: self.to,
            weekly: Vec::new(),
            redirect_to: None,
            note: None,
        };
        format!("{} ({})", self.text, period.dates())
    }
}

/// Whether a number answers at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Answers {
    /// It answers by its recorded hours.
    Open,
    /// It does not answer by its recorded hours.
    Closed,
    /// No hours are recorded ("telefontid saknas"): it may answer.
    Unknown,
}

/// How far ahead `next_change` looks: a number closed for longer is "closed until further
/// notice".
const HORIZON_DAYS: i64 = 31;

/// One minute past the end of a day, counted from its start.
const DAY: u32 = 24 * 60;

/// What decides the hours of one day.
#[derive(Debug)]
enum DayRule {
    Unknown,
    Spans {
        mode: Mode,
        /// `(start, end)` in minutes from the day's start; `end` past [`DAY`] runs into the
        /// next day.
        spans: Vec<(u32, u32)>,
    },
}

fn span_minutes(from: Clock, to: Clock) -> (u32, u32) {
    let (f, t) = (u32::from(from.0), u32::from(to.0));
    if t > f { (f, t) } else { (f, t + DAY) }
}

fn weekly_on(weekly: &[WeeklySpan], day: NaiveDate) -> Vec<(u32, u32)> {
    weekly
        .iter()
        .filter(|s| s.days.iter().any(|d| d.matches(day)))
        .map(|s| span_minutes(s.from, s.to))
        .collect()
}

/// Everything that decides when one number is answered: its telefontid (none: unknown), its
/// own dated periods and its unit's. Precedence on a day: the number's own period, then the
/// unit's period, then a date exception, then the weekly hours.
#[derive(Debug, Clone, Copy)]
pub struct Schedule<'a> {
    pub hours: Option<&'a TelephoneHours>,
    pub periods: &'a [Period],
    pub unit_periods: &'a [Period],
}

impl<'a> Schedule<'a> {
    /// Hours alone, without periods.
    pub fn of(hours: Option<&'a TelephoneHours>) -> Self {
        Self {
            hours,
            periods: &[],
            unit_periods: &[],
        }
    }

    /// The period in force on `day`, the number's own before the unit's.
    pub fn period_on(&self, day: NaiveDate) -> Option<&'a Period> {
        self.periods
            .iter()
            .find(|p| p.covers(day))
            .or_else(|| self.unit_periods.iter().find(|p| p.covers(day)))
    }

    fn rule(&self, day: NaiveDate) -> DayRule {
        if let Some(period) = self.period_on(day) {
            return DayRule::Spans {
                mode: Mode::OpenDuring,
                spans: weekly_on(&period.weekly, day),
            };
        }
        let Some(hours) = self.hours else {
            return DayRule::Unknown;
        };
        if !hours.valid_on(day) {
            return DayRule::Spans {
                mode: Mode::OpenDuring,
                spans: Vec::new(),
            };
        }
        if let Some(e) = hours.exceptions.iter().find(|e| e.date == day) {
            // A date exception always says when it is open.
            return DayRule::Spans {
                mode: Mode::OpenDuring,
                spans: e.spans.iter().map(|s| span_minutes(s.from, s.to)).collect(),
            };
        }
        DayRule::Spans {
            mode: hours.mode,
            spans: weekly_on(&hours.weekly, day),
        }
    }

    /// Whether any span of these hours or periods runs past midnight (only then does the day
    /// before have a say).
    fn overnight(&self) -> bool {
        let weekly = |spans: &[WeeklySpan]| spans.iter().any(|s| s.to <= s.from);
        self.hours.is_some_and(|h| {
            weekly(&h.weekly) || h.exceptions.iter().flat_map(|e| &e.spans).any(|s| s.to <= s.from)
        }) || self
            .periods
            .iter()
            .chain(self.unit_periods)
            .any(|p| weekly(&p.weekly))
    }

    /// Nothing ever changes: no hours and no periods (unknown for good).
    fn is_fixed(&self) -> bool {
        self.hours.is_none() && self.periods.is_empty() && self.unit_periods.is_empty()
    }

    /// At local `minute` of `day`: a span of the day before that runs past midnight decides
    /// first (a span belongs to the day it starts on), then the day's own rule.
    fn answers_local(&self, day: NaiveDate, minute: u32) -> Answers {
        let open = |mode: Mode, inside: bool| {
            if (mode == Mode::OpenDuring) == inside {
                Answers::Open
            } else {
                Answers::Closed
            }
        };
        if self.overnight()
            && let Some(yesterday) = day.pred_opt()
            && let DayRule::Spans { mode, spans, .. } = self.rule(yesterday)
            && spans.iter().any(|(_, end)| minute + DAY < *end)
        {
            return open(mode, true);
        }
        match self.rule(day) {
            DayRule::Unknown => Answers::Unknown,
            DayRule::Spans { mode, spans, .. } => {
                open(mode, spans.iter().any(|(s, e)| *s <= minute && minute < *e))
            }
        }
    }

    /// Whether the number answers at `at`.
    pub fn answers(&self, at: DateTime<Utc>) -> Answers {
        let (day, minute) = wall_clock(at);
        self.answers_local(day, minute)
    }

    /// The period in force at `at` (by the local date).
    pub fn period_at(&self, at: DateTime<Utc>) -> Option<&'a Period> {
        self.period_on(at.with_timezone(&Stockholm).date_naive())
    }

    /// The first moment after `at` (within [`HORIZON_DAYS`]) at which the answer may change
    /// (a midnight, the start or end of a span) and `found` holds. Lazy, day by day: an edge
    /// added for a day is never before that day's midnight, so every edge before it is final
    /// once the day is added, and most answers stop on the first or second day.
    fn first_edge(&self, at: DateTime<Utc>, found: impl Fn(DateTime<Utc>) -> bool) -> Option<DateTime<Utc>> {
        if self.is_fixed() {
            return None;
        }
        let today = at.with_timezone(&Stockholm).date_naive();
        let mut pending: std::collections::BTreeSet<DateTime<Utc>> = std::collections::BTreeSet::new();
        for offset in -1..=HORIZON_DAYS + 1 {
            let Some(day) = today.checked_add_signed(Duration::days(offset)) else {
                break;
            };
            let midnight = local_instant(day, 0);
            if let Some(midnight) = midnight {
                // Everything before this day's midnight is settled.
                while let Some(first) = pending.first().copied().filter(|t| *t < midnight) {
                    pending.remove(&first);
                    if found(first) {
                        return Some(first);
                    }
                }
            }
            if offset > HORIZON_DAYS {
                break;
            }
            let mut minutes: Vec<u32> = vec![0];
            if let DayRule::Spans { spans, .. } = self.rule(day) {
                for (s, e) in spans {
                    minutes.push(s);
                    minutes.push(e);
                }
            }
            for m in minutes {
                let Some(day) = day.checked_add_signed(Duration::days(i64::from(m / DAY))) else {
                    continue;
                };
                if let Some(instant) = local_instant(day, (m % DAY) as u16)
                    && instant > at
                {
                    pending.insert(instant);
                }
            }
        }
        None
    }

    /// The next moment after `at` when [`answers`](Self::answers) changes, if within
    /// [`HORIZON_DAYS`].
    pub fn next_change(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let now = self.answers(at);
        self.first_edge(at, |t| self.answers(t) != now)
    }

    /// The next moment after `at` when the number answers, or may answer (no recorded hours
    /// once a closure ends), if within [`HORIZON_DAYS`].
    pub fn next_open(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.first_edge(at, |t| self.answers(t) != Answers::Closed)
    }

    /// The next midnight after `at` (within [`HORIZON_DAYS`]) on which another dated period
    /// (or none) takes over: a redirect can start or end then without the hours changing.
    pub fn next_period_change(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.periods.is_empty() && self.unit_periods.is_empty() {
            return None;
        }
        let today = at.with_timezone(&Stockholm).date_naive();
        let now = self.period_on(today);
        (1..=HORIZON_DAYS)
            .filter_map(|n| today.checked_add_signed(Duration::days(n)))
            .find(|day| {
                !std::ptr::eq(
                    self.period_on(*day)
                        .map_or(std::ptr::null(), |p| p as *const Period),
                    now.map_or(std::ptr::null(), |p| p as *const Period),
                )
            })
            .and_then(|day| local_instant(day, 0))
    }

    /// The end of the period in force at `at`, if it ends within [`HORIZON_DAYS`] (the first
    /// moment of the day after its last).
    pub fn period_end(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let end = self.period_at(at)?.to?.succ_opt()?;
        local_instant(end, 0)
    }
}

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
        Self::daily(Days::Workdays, from_hour * 60, to_hour * 60)
    }

    /// `from`–`to` (minutes) on `days`.
    pub fn daily(days: Days, from: u16, to: u16) -> Self {
        Self {
            mode: Mode::OpenDuring,
            weekly: vec![WeeklySpan {
                days: BTreeSet::from([days]),
                from: Clock(from),
                to: Clock(to),
            }],
            exceptions: Vec::new(),
            valid_from: None,
            valid_to: None,
        }
    }

    /// Answered day and night, every day ("dygnet runt"), stated as data.
    pub fn always() -> Self {
        Self::daily(Days::EveryDay, 0, Clock::END_OF_DAY)
    }

    /// Checks what serde cannot: spans that do not start and end at the same time, days
    /// given, dates once.
    pub fn validate(&self, field: &str) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Some((i, j)) = overlapping(&self.weekly) {
            let (a, b) = (&self.weekly[i], &self.weekly[j]);
            errors.push(
                overlap(
                    &describe_spans(std::slice::from_ref(a)),
                    &describe_spans(std::slice::from_ref(b)),
                )
                .at(format!("{field}.weekly[{j}]")),
            );
        }
        for (i, e) in self.exceptions.iter().enumerate() {
            if let Some((a, b)) = overlapping_on_a_date(&e.spans) {
                let (a, b) = (&e.spans[a], &e.spans[b]);
                errors.push(
                    overlap(&span_text(a.from, a.to), &span_text(b.from, b.to))
                        .at(format!("{field}.exceptions[{i}].spans")),
                );
            }
        }
        for (i, s) in self.weekly.iter().enumerate() {
            check_span(&mut errors, format!("{field}.weekly[{i}]"), s.from, s.to);
            if s.days.is_empty() {
                errors.push(
                    Invalid::rule("ange minst en dag", "give at least one day")
                        .at(format!("{field}.weekly[{i}].days")),
                );
            }
        }
        for (i, e) in self.exceptions.iter().enumerate() {
            for (j, s) in e.spans.iter().enumerate() {
                check_span(
                    &mut errors,
                    format!("{field}.exceptions[{i}].spans[{j}]"),
                    s.from,
                    s.to,
                );
            }
        }
        for (i, e) in self.exceptions.iter().enumerate() {
            // Every way in (the API, the CSV import's `hours` column, the pages) comes here.
            if let Err(why) = note_text(e.note.as_deref(), MAX_EXCEPTION_NOTE_CHARS) {
                errors.push(why.at(format!("{field}.exceptions[{i}].note")));
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

    /// Whether the number is answered at `at` by these hours alone.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        Schedule::of(Some(self)).answers(at) == Answers::Open
    }

    /// The next moment after `at` when [`is_open`](Self::is_open) changes, if within
    /// [`HORIZON_DAYS`].
    pub fn next_change(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        Schedule::of(Some(self)).next_change(at)
    }

    /// Day and night, every day.
    pub fn is_always(&self) -> bool {
        let all_day =
            |s: &WeeklySpan| s.days.contains(&Days::EveryDay) && s.from.0 == 0 && s.to.0 == Clock::END_OF_DAY;
        self.exceptions.is_empty()
            && self.valid_from.is_none()
            && self.valid_to.is_none()
            && match self.mode {
                Mode::OpenDuring => self.weekly.iter().any(all_day),
                Mode::ClosedDuring => self.weekly.is_empty(),
            }
    }

    /// In Swedish, for people: "vardagar 08:00–12:00, 13:00–16:30"; "dygnet runt".
    pub fn describe(&self) -> String {
        if self.is_always() {
            return "dygnet runt".to_owned();
        }
        match self.mode {
            Mode::OpenDuring if self.weekly.is_empty() => "stängt".to_owned(),
            Mode::OpenDuring => describe_spans(&self.weekly),
            Mode::ClosedDuring => format!("dygnet runt utom {}", describe_spans(&self.weekly)),
        }
    }

    /// [`describe`](Self::describe) with the exceptions and the validity, for the history:
    /// "vardagar 08:00–17:00; 2026-12-24 stängt (julafton); från 2027-01-01".
    pub fn describe_all(&self) -> String {
        let mut parts = vec![self.describe()];
        parts.extend(self.exceptions.iter().map(describe_exception));
        if let Some(from) = self.valid_from {
            parts.push(format!("från {from}"));
        }
        if let Some(to) = self.valid_to {
            parts.push(format!("till och med {}", to.pred_opt().unwrap_or(to)));
        }
        parts.join("; ")
    }
}

/// A span may pass midnight, but must not start and end at the same time, nor start at 24:00.
fn check_span(errors: &mut Vec<FieldError>, at: String, from: Clock, to: Clock) {
    if let Err(why) = span_rule(from, to) {
        errors.push(why.at(at));
    }
}

/// The rule of one span, wherever it comes from (the API, the CSV import, the pages' preview
/// and their save say the same words): it may pass midnight, but must not start and end at
/// the same time, nor start at 24:00.
pub fn span_rule(from: Clock, to: Clock) -> Result<(), Invalid> {
    let f = String::from(from);
    if from == to {
        Err(Invalid::rule(
            format!("tiden börjar och slutar samtidigt ({f}); skriv 00:00–24:00 för hela dygnet"),
            format!("the span starts and ends at the same time ({f}); write 00:00–24:00 for the whole day"),
        ))
    } else if from.0 == Clock::END_OF_DAY {
        Err(Invalid::rule(
            "en tid kan inte börja 24:00; skriv 00:00",
            "a span cannot start at 24:00; write 00:00",
        ))
    } else {
        Ok(())
    }
}

/// Whether a span passes midnight (ends on the next day).
pub fn overnight(from: Clock, to: Clock) -> bool {
    to < from
}

/// Whether two kinds of day can fall on one date: the same kind, every day with any, a
/// weekday with the working days, Saturday or Sunday with the weekends and holidays.
fn days_meet(a: Days, b: Days) -> bool {
    use Days::*;
    a == b
        || a == EveryDay
        || b == EveryDay
        || matches!(
            (a, b),
            (Workdays, Mon | Tue | Wed | Thu | Fri)
                | (Mon | Tue | Wed | Thu | Fri, Workdays)
                | (NonWorkdays, Sat | Sun)
                | (Sat | Sun, NonWorkdays)
        )
}

/// Minutes from the start of the day a span starts on: a span past midnight runs on.
fn minutes(from: Clock, to: Clock) -> (u16, u16) {
    let end = if overnight(from, to) {
        to.0 + Clock::END_OF_DAY
    } else {
        to.0
    };
    (from.0, end)
}

fn times_meet(a: (Clock, Clock), b: (Clock, Clock)) -> bool {
    let ((a0, a1), (b0, b1)) = (minutes(a.0, a.1), minutes(b.0, b.1));
    a0 < b1 && b0 < a1
}

/// The first two spans of a week that overlap (or repeat one another) on some day, by
/// index: "mån 08:00–12:00, mån 10:00–14:00" is two spans where one was meant.
pub fn overlapping(spans: &[WeeklySpan]) -> Option<(usize, usize)> {
    (0..spans.len()).find_map(|j| {
        (0..j)
            .find(|&i| {
                let (a, b) = (&spans[i], &spans[j]);
                a.days.iter().any(|x| b.days.iter().any(|y| days_meet(*x, *y)))
                    && times_meet((a.from, a.to), (b.from, b.to))
            })
            .map(|i| (i, j))
    })
}

/// The first two spans of one date that overlap, by index.
pub fn overlapping_on_a_date(spans: &[DaySpan]) -> Option<(usize, usize)> {
    (0..spans.len()).find_map(|j| {
        (0..j)
            .find(|&i| times_meet((spans[i].from, spans[i].to), (spans[j].from, spans[j].to)))
            .map(|i| (i, j))
    })
}

/// Why two spans may not both stand: `first` and `second` as people read them.
pub fn overlap(first: &str, second: &str) -> Invalid {
    Invalid::rule(
        format!("tiderna ”{first}” och ”{second}” överlappar; skriv dem som en tid eller rätta den ena"),
        format!(
            "the spans \"{first}\" and \"{second}\" overlap; write them as one span or correct one of them"
        ),
    )
}

/// The rules of a week's spans together (every span's own rule, then no two overlapping):
/// the first one broken, with the index of the span it is about.
pub fn weekly_rule(spans: &[WeeklySpan]) -> Result<(), (usize, Invalid)> {
    for (i, s) in spans.iter().enumerate() {
        span_rule(s.from, s.to).map_err(|why| (i, why))?;
    }
    match overlapping(spans) {
        Some((i, j)) => Err((
            j,
            overlap(
                &describe_spans(std::slice::from_ref(&spans[i])),
                &describe_spans(std::slice::from_ref(&spans[j])),
            ),
        )),
        None => Ok(()),
    }
}

/// The rules of one date's spans together, as [`weekly_rule`].
pub fn date_rule(spans: &[DaySpan]) -> Result<(), (usize, Invalid)> {
    for (i, s) in spans.iter().enumerate() {
        span_rule(s.from, s.to).map_err(|why| (i, why))?;
    }
    match overlapping_on_a_date(spans) {
        Some((i, j)) => Err((
            j,
            overlap(
                &span_text(spans[i].from, spans[i].to),
                &span_text(spans[j].from, spans[j].to),
            ),
        )),
        None => Ok(()),
    }
}

/// An optional note: its text checked, at most `max` characters.
fn note_text(note: Option<&str>, max: usize) -> Result<(), Invalid> {
    let Some(note) = note else { return Ok(()) };
    super::text::check(note)?;
    if note.chars().count() > max {
        return Err(Invalid::new(
            format!("anteckningen är längre än {max} tecken"),
            format!("the note is longer than {max} characters"),
        ));
    }
    Ok(())
}

/// Checks a list of dated periods: dates in order, valid spans and notes, no two overlapping,
/// no redirect to the number itself (`own`). Errors name `field[i]`.
pub fn validate_periods(periods: &[Period], own: Option<Uuid>, field: &str) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if periods.len() > MAX_PERIODS {
        errors.push(
            Invalid::new(
                format!("högst {MAX_PERIODS} perioder"),
                format!("at most {MAX_PERIODS} periods"),
            )
            .at(field),
        );
    }
    for (i, p) in periods.iter().enumerate() {
        let at = |part: &str| format!("{field}[{i}]{part}");
        if let (Some(from), Some(to)) = (p.from, p.to)
            && to < from
        {
            errors.push(
                Invalid::rule(
                    format!("perioden slutar ({to}) innan den börjar ({from})"),
                    format!("the period ends ({to}) before it starts ({from})"),
                )
                .at(at(".to")),
            );
        }
        for (j, s) in p.weekly.iter().enumerate() {
            check_span(&mut errors, at(&format!(".weekly[{j}]")), s.from, s.to);
            if s.days.is_empty() {
                errors.push(
                    Invalid::rule("ange minst en dag", "give at least one day")
                        .at(at(&format!(".weekly[{j}].days"))),
                );
            }
        }
        if let Err(why) = note_text(p.note.as_deref(), MAX_PERIOD_NOTE_CHARS) {
            errors.push(why.at(at(".note")));
        }
        if p.redirect_to.is_some() && p.redirect_to == own {
            errors.push(
                Invalid::rule(
                    "en period kan inte skicka samtalen till numret självt",
                    "a period cannot send the calls to the number itself",
                )
                .at(at(".redirect_to")),
            );
        }
        for (j, q) in periods.iter().enumerate().skip(i + 1) {
            let starts_before_end = |a: &Period, b: &Period| match (a.from, b.to) {
                (Some(from), Some(to)) => from <= to,
                _ => true,
            };
            if starts_before_end(p, q) && starts_before_end(q, p) {
                errors.push(
                    Invalid::rule(
                        format!("perioden överlappar period {} ({})", j + 1, q.dates()),
                        format!("the period overlaps period {} ({})", j + 1, q.dates()),
                    )
                    .at(at("")),
                );
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// Checks a unit's notices: text of 1–300 characters, dates in order.
pub fn validate_notices(notices: &[Notice], field: &str) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if notices.len() > MAX_PERIODS {
        errors.push(
            Invalid::new(
                format!("högst {MAX_PERIODS} meddelanden"),
                format!("at most {MAX_PERIODS} notices"),
            )
            .at(field),
        );
    }
    for (i, n) in notices.iter().enumerate() {
        if let Err(why) = super::bounded_text(&n.text, MAX_PERIOD_NOTE_CHARS, "texten", "the text") {
            errors.push(why.at(format!("{field}[{i}].text")));
        }
        if let (Some(from), Some(to)) = (n.from, n.to)
            && to < from
        {
            errors.push(
                Invalid::rule(
                    format!("meddelandet slutar ({to}) innan det börjar ({from})"),
                    format!("the notice ends ({to}) before it starts ({from})"),
                )
                .at(format!("{field}[{i}].to")),
            );
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// The Borås day and minute of `at`, as the hours read it. In the hour that is repeated when
/// summer time ends (02:00–03:00 on the last Sunday of October), the clock has shown each
/// minute once already: the second time round reads as 02:59, so that a span ending at 02:30
/// ends once (at the first 02:30, the instant [`local_instant`] gives) and a span starting
/// then is not started twice.
fn wall_clock(at: DateTime<Utc>) -> (NaiveDate, u32) {
    let local = at.with_timezone(&Stockholm);
    let naive = local.naive_local();
    let minute = naive.hour() * 60 + naive.minute();
    let may_repeat = naive.hour() == 2 && naive.month() == 10 && naive.weekday() == Weekday::Sun;
    if may_repeat
        && let chrono::LocalResult::Ambiguous(first, _) = Stockholm.from_local_datetime(&naive)
        && first.offset() != local.offset()
    {
        return (naive.date(), 2 * 60 + 59);
    }
    (naive.date(), minute)
}

/// The instant of local wall-clock `minute` on `day`; in the hour that summer time skips, the
/// first moment after it.
pub(crate) fn local_instant(day: NaiveDate, minute: u16) -> Option<DateTime<Utc>> {
    let time = NaiveTime::from_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)?;
    let local = day.and_time(time);
    match Stockholm.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        chrono::LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        // In the skipped hour (02:00–03:00 on the last Sunday of March): its end, 03:00.
        chrono::LocalResult::None => Stockholm
            .from_local_datetime(&day.and_hms_opt(time.hour() + 1, 0, 0)?)
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

/// "vardagar 08:00–17:00", "dygnet runt", "telefontid saknas".
pub fn hours_text(hours: Option<&TelephoneHours>) -> String {
    hours.map_or_else(|| "telefontid saknas".to_owned(), |h| h.describe())
}

/// How [`describe_spans`] names a kind of day (and `telefontid::spans` reads it back).
pub fn day_word(days: Days) -> &'static str {
    match days {
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

/// "vardagar 08:00–12:00, vardagar 13:00–16:30, mån, ons 18:00–20:00".
pub fn describe_spans(spans: &[WeeklySpan]) -> String {
    spans
        .iter()
        .map(|s| {
            let days: Vec<&str> = s.days.iter().map(|d| day_word(*d)).collect();
            format!("{} {}", days.join(", "), span_text(s.from, s.to))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// "08:00–12:00"; a span past midnight says so: "22:00–06:00 över natten" (as the pages
/// read it back: an overnight span is taken only when written so).
pub fn span_text(from: Clock, to: Clock) -> String {
    let night = if overnight(from, to) {
        OVERNIGHT_WORDS_SUFFIX
    } else {
        ""
    };
    format!("{}–{}{night}", String::from(from), String::from(to))
}

/// What follows a span past midnight when people write it.
pub const OVERNIGHT_WORDS: [&str; 2] = ["över", "natten"];
const OVERNIGHT_WORDS_SUFFIX: &str = " över natten";

/// "2026-12-24 stängt (julafton)", "2026-12-31 08:00–12:00".
pub fn describe_exception(e: &DateException) -> String {
    let spans = if e.spans.is_empty() {
        "stängt".to_owned()
    } else {
        e.spans
            .iter()
            .map(|s| span_text(s.from, s.to))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match &e.note {
        Some(note) => format!("{} {spans} ({note})", e.date),
        None => format!("{} {spans}", e.date),
    }
}

#[cfg(test)]
mod codes_tests {
    use super::{Days, Mode};

    #[test]
    fn day_and_mode_codes_are_the_wire_names() {
        for day in Days::ALL {
            let wire = serde_json::to_value(day).expect("days");
            assert_eq!(wire, serde_json::json!(day.code()));
            assert_eq!(Days::parse(day.code()), Some(day));
        }
        for mode in [Mode::OpenDuring, Mode::ClosedDuring] {
            let wire = serde_json::to_value(mode).expect("mode");
            assert_eq!(Mode::parse(wire.as_str().expect("a code")), Some(mode));
        }
    }
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
            "weekly": [{"days": [], "from": "17:00", "to": "17:00"}],
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

    fn hours(value: serde_json::Value) -> TelephoneHours {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_span_past_midnight_runs_into_the_next_day_across_summer_time_switches() {
        let evening = hours(serde_json::json!({
            "weekly": [{"days": ["fri", "sat"], "from": "16:00", "to": "01:00"}]
        }));
        assert!(evening.validate("hours").is_ok());
        let s = Schedule::of(Some(&evening));
        // Friday 2026-11-27 16:00 to Saturday 01:00.
        assert_eq!(s.answers(at(2026, 11, 27, 15, 59)), Answers::Closed);
        assert_eq!(s.answers(at(2026, 11, 27, 16, 0)), Answers::Open);
        assert_eq!(s.answers(at(2026, 11, 28, 0, 30)), Answers::Open);
        assert_eq!(s.answers(at(2026, 11, 28, 1, 0)), Answers::Closed);
        // Sunday after Saturday's span: open until 01:00, then closed (no Sunday span).
        assert_eq!(s.answers(at(2026, 11, 29, 0, 59)), Answers::Open);
        assert_eq!(s.answers(at(2026, 11, 29, 1, 0)), Answers::Closed);
        assert_eq!(
            s.next_change(at(2026, 11, 27, 20, 0)).map(local).as_deref(),
            Some("2026-11-28 01:00")
        );
        // The night the clocks go back (Saturday 2026-10-24 to Sunday 25: 03:00 → 02:00).
        assert_eq!(s.answers(at(2026, 10, 25, 0, 30)), Answers::Open);
        let end = s.next_change(at(2026, 10, 24, 20, 0)).unwrap();
        assert_eq!(local(end), "2026-10-25 01:00");
        assert_eq!(
            end.format("%H:%M").to_string(),
            "23:00",
            "still summer time (UTC+2)"
        );
        // A span through the switch: 22:00–04:00 lasts seven real hours that night.
        let night = hours(serde_json::json!({"weekly": [{"days": ["sat"], "from": "22:00", "to": "04:00"}]}));
        let n = Schedule::of(Some(&night));
        let start = n.next_change(at(2026, 10, 24, 12, 0)).unwrap();
        let end = n.next_change(start).unwrap();
        assert_eq!(
            (local(start).as_str(), local(end).as_str()),
            ("2026-10-24 22:00", "2026-10-25 04:00")
        );
        assert_eq!((end - start).num_hours(), 7);
        // ... and five in March (2027-03-27 to 28: 02:00 → 03:00).
        let start = n.next_change(at(2027, 3, 27, 12, 0)).unwrap();
        let end = n.next_change(start).unwrap();
        assert_eq!((end - start).num_hours(), 5);
        assert_eq!(n.answers(at(2027, 3, 28, 3, 30)), Answers::Open);
    }

    #[test]
    fn no_hours_is_unknown_and_day_and_night_is_stated() {
        let unknown = Schedule::of(None);
        assert_eq!(unknown.answers(at(2026, 11, 25, 3, 0)), Answers::Unknown);
        assert_eq!(unknown.next_change(at(2026, 11, 25, 3, 0)), None);
        let always = TelephoneHours::always();
        assert!(always.validate("hours").is_ok());
        assert!(always.is_always());
        assert_eq!(always.describe(), "dygnet runt");
        assert!(always.is_open(at(2026, 12, 24, 3, 0)));
        assert_eq!(always.next_change(at(2026, 12, 24, 3, 0)), None);
        assert!(!TelephoneHours::workdays(8, 17).is_always());
    }

    fn dated(value: serde_json::Value) -> Period {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn periods_override_exceptions_and_weekly_hours_the_numbers_own_first() {
        let office = hours(serde_json::json!({
            "weekly": [{"days": ["workdays"], "from": "08:00", "to": "17:00"}],
            "exceptions": [{"date": "2027-07-14", "spans": [{"from": "08:00", "to": "10:00"}]}]
        }));
        let closure = [dated(
            serde_json::json!({"from": "2027-07-12", "to": "2027-08-08", "note": "Sommarstängt"}),
        )];
        let reduced = [dated(serde_json::json!({
            "from": "2027-07-19", "to": "2027-07-23",
            "weekly": [{"days": ["workdays"], "from": "09:00", "to": "12:00"}]
        }))];
        let s = Schedule {
            hours: Some(&office),
            periods: &reduced,
            unit_periods: &closure,
        };
        // Before: the weekly hours.
        assert_eq!(s.answers(at(2027, 7, 9, 10, 0)), Answers::Open);
        // The unit's closure wins over the date exception ...
        assert_eq!(s.answers(at(2027, 7, 14, 9, 0)), Answers::Closed);
        assert_eq!(
            s.period_at(at(2027, 7, 14, 9, 0)).and_then(|p| p.note.as_deref()),
            Some("Sommarstängt")
        );
        // ... the number's own period wins over the unit's.
        assert_eq!(s.answers(at(2027, 7, 20, 10, 0)), Answers::Open);
        assert_eq!(s.answers(at(2027, 7, 20, 13, 0)), Answers::Closed);
        // The last day is included; the day after, the weekly hours again.
        assert_eq!(s.answers(at(2027, 8, 8, 10, 0)), Answers::Closed);
        assert_eq!(s.answers(at(2027, 8, 9, 8, 30)), Answers::Open);
        assert_eq!(
            s.next_open(at(2027, 7, 26, 10, 0)).map(local).as_deref(),
            Some("2027-08-09 08:00")
        );
        assert_eq!(
            s.period_end(at(2027, 7, 26, 10, 0)).map(local).as_deref(),
            Some("2027-08-09 00:00")
        );
        // A period closes even a number without hours, and says so.
        let unknown = Schedule {
            hours: None,
            periods: &[],
            unit_periods: &closure,
        };
        assert_eq!(unknown.answers(at(2027, 7, 20, 10, 0)), Answers::Closed);
        assert_eq!(unknown.answers(at(2027, 8, 9, 10, 0)), Answers::Unknown);
        assert_eq!(
            closure[0].describe(),
            "Sommarstängt (2027-07-12–2027-08-08): stängt"
        );
    }

    #[test]
    fn periods_are_refused_when_they_overlap_run_backwards_or_point_at_themselves() {
        let own = Uuid::new_v4();
        let periods = [
            dated(serde_json::json!({"from": "2027-07-12", "to": "2027-08-08"})),
            dated(serde_json::json!({"from": "2027-08-08"})),
            dated(serde_json::json!({"from": "2027-09-10", "to": "2027-09-01"})),
            dated(serde_json::json!({"from": "2026-01-01", "to": "2026-01-02", "redirect_to": own})),
        ];
        let fields: Vec<String> = validate_periods(&periods, Some(own), "periods")
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "periods[0]",
                "periods[1]",
                "periods[2].to",
                "periods[3].redirect_to"
            ]
        );
        let fine = [
            dated(serde_json::json!({"to": "2027-07-11"})),
            dated(serde_json::json!({"from": "2027-07-12", "to": "2027-07-12"})),
            dated(serde_json::json!({"from": "2027-07-13"})),
        ];
        assert!(validate_periods(&fine, Some(own), "periods").is_ok());
    }

    #[test]
    fn a_span_that_ends_in_the_skipped_hour_ends_when_the_hour_does() {
        // 2027-03-28: 02:00 → 03:00. A span 22:00–02:30 ends at 03:00 that night, when the
        // local minute passes 02:30 (the answer and the moment agree).
        let night = hours(serde_json::json!({"weekly": [{"days": ["sat"], "from": "22:00", "to": "02:30"}]}));
        let s = Schedule::of(Some(&night));
        let end = s.next_change(at(2027, 3, 27, 23, 0)).unwrap();
        assert_eq!(local(end), "2027-03-28 03:00");
        assert_eq!(s.answers(end), Answers::Closed);
        assert_eq!(s.answers(end - Duration::minutes(1)), Answers::Open);
    }

    #[test]
    fn the_repeated_hour_in_october_is_read_once() {
        // 2026-10-25: 03:00 CEST → 02:00 CET. A span Saturday 22:00–02:30 ends at the first
        // 02:30 (00:30 UTC) and does not open again in the second 02:00–02:30 (01:00–01:30 UTC).
        let night = hours(serde_json::json!({"weekly": [{"days": ["sat"], "from": "22:00", "to": "02:30"}]}));
        let s = Schedule::of(Some(&night));
        let utc = |h: u32, m: u32| Utc.with_ymd_and_hms(2026, 10, 25, h, m, 0).unwrap();
        assert_eq!(s.answers(utc(0, 15)), Answers::Open, "02:15 the first time");
        assert_eq!(s.answers(utc(0, 30)), Answers::Closed, "02:30 the first time");
        assert_eq!(s.answers(utc(1, 15)), Answers::Closed, "02:15 the second time");
        let end = s.next_change(utc(0, 0)).unwrap();
        assert_eq!(end, utc(0, 30));
        // No reopening before the next Saturday 22:00.
        assert_eq!(local(s.next_change(end).unwrap()), "2026-10-31 22:00");
        // A span starting at 02:30 starts once and runs through the second round.
        let early = hours(serde_json::json!({"weekly": [{"days": ["sun"], "from": "02:30", "to": "05:00"}]}));
        let e = Schedule::of(Some(&early));
        assert_eq!(e.answers(utc(0, 15)), Answers::Closed);
        assert_eq!(e.answers(utc(0, 45)), Answers::Open);
        assert_eq!(
            e.answers(utc(1, 5)),
            Answers::Open,
            "02:05 the second time: still open"
        );
        assert_eq!(e.next_change(utc(0, 0)), Some(utc(0, 30)));
        assert_eq!(local(e.next_change(utc(0, 45)).unwrap()), "2026-10-25 05:00");
    }
}
