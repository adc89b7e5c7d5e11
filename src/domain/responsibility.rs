//! Who is responsible: a boende's ansvarig vårdcentral, with the fixed doctor time and how it
//! is held (appendix 1 of the joint plan).

use chrono::{DateTime, Datelike, Duration, Utc};
use chrono_tz::Europe::Stockholm;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::codes::{Interval, MeetingForm, Weekday};
use super::hours::Clock;

/// The fixed doctor time: a weekday and time, every week or every other week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"weekday": "tue", "time": "13:00", "interval": "even_weeks"}))]
pub struct DoctorTime {
    pub weekday: Weekday,
    pub time: Clock,
    #[serde(default = "weekly")]
    pub interval: Interval,
}

fn weekly() -> Interval {
    Interval::Weekly
}

impl DoctorTime {
    /// "tisdagar 13:00, jämna veckor".
    pub fn describe(&self) -> String {
        format!(
            "{} {}, {}",
            self.weekday.label_sv(),
            String::from(self.time),
            self.interval.label_sv()
        )
    }

    /// The next doctor time at or after `at` (Europe/Stockholm), as scheduled: it may fall on
    /// a holiday.
    pub fn next(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.upcoming(at).next()
    }

    /// The next doctor time at or after `at` that falls on a working day (not a holiday or an
    /// eve that the calendar keeps free), within the next 10 weeks.
    pub fn next_on_a_workday(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.next_held(at, |_| true)
    }

    /// The next doctor time at or after `at` on a working day for which `open(day)` holds
    /// (the vårdcentral is not closed for a period), within the next 10 weeks.
    pub fn next_held(
        &self,
        at: DateTime<Utc>,
        open: impl Fn(chrono::NaiveDate) -> bool,
    ) -> Option<DateTime<Utc>> {
        self.upcoming(at).find(|t| {
            let day = t.with_timezone(&Stockholm).date_naive();
            super::calendar::is_workday(day) && open(day)
        })
    }

    /// When it is next after `at`, for the vårdcentral `vardcentral` (whose dated closures
    /// count): as scheduled, whether that falls on a holiday or in a closure, and the next
    /// time it is held.
    pub fn when(&self, at: DateTime<Utc>, vardcentral: Option<&super::Unit>) -> Next {
        let next = self.next(at);
        let day = |t: DateTime<Utc>| t.with_timezone(&Stockholm).date_naive();
        // Closed for a period on a day: the period that decides its one way in has no hours
        // on that day.
        let closure = |d: chrono::NaiveDate| -> Option<String> {
            let vc = vardcentral?;
            let period = vc.vag_in()?.schedule(vc).period_on(d)?;
            let weekday_open = period.weekly.iter().any(|s| s.days.iter().any(|x| x.matches(d)));
            (!weekday_open).then(|| period.title())
        };
        let holiday = next.filter(|t| !super::calendar::is_workday(day(*t))).map(|t| {
            super::calendar::holiday(day(t)).map_or_else(|| "helgdag".to_owned(), |h| h.name.to_owned())
        });
        Next {
            at: next,
            holiday,
            closure: next.and_then(|t| closure(day(t))),
            held: self.next_held(at, |d| closure(d).is_none()),
        }
    }

    /// The scheduled times at or after `at`, in order, for the next 10 weeks.
    fn upcoming(&self, at: DateTime<Utc>) -> impl Iterator<Item = DateTime<Utc>> + '_ {
        let today = at.with_timezone(&Stockholm).date_naive();
        let wanted = match self.weekday {
            Weekday::Mon => chrono::Weekday::Mon,
            Weekday::Tue => chrono::Weekday::Tue,
            Weekday::Wed => chrono::Weekday::Wed,
            Weekday::Thu => chrono::Weekday::Thu,
            Weekday::Fri => chrono::Weekday::Fri,
        };
        (0..70)
            .map(move |n| today + Duration::days(n))
            .filter(move |d| d.weekday() == wanted)
            .filter(|d| match self.interval {
                Interval::Weekly => true,
                Interval::EvenWeeks => d.iso_week().week() % 2 == 0,
                Interval::OddWeeks => d.iso_week().week() % 2 == 1,
            })
            .filter_map(|d| super::hours::local_instant(d, self.time.minutes()))
            .filter(move |t| *t >= at)
    }
}

/// When a doctor time is next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Next {
    /// As scheduled.
    pub at: Option<DateTime<Utc>>,
    /// The holiday (or eve kept free) `at` falls on: "Annandag påsk".
    pub holiday: Option<String>,
    /// The vårdcentral's closure `at` falls in: "Sommarstängt v. 28–31".
    pub closure: Option<String>,
    /// The next time on a working day outside the vårdcentral's closures.
    pub held: Option<DateTime<Utc>>,
}

/// A boende's ansvarig vårdcentral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"vardcentral_id": "ffdabf88-ae49-5eb7-974e-f67910051deb", "doctor_time": {"weekday": "tue", "time": "13:00", "interval": "even_weeks"}, "meeting_form": "on_site"}))]
pub struct Responsibility {
    /// The responsible vårdcentral (a unit of kind `vardcentral`).
    pub vardcentral_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doctor_time: Option<DoctorTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting_form: Option<MeetingForm>,
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn doctor_times_recur_on_their_weeks() {
        let t: DoctorTime = serde_json::from_value(
            serde_json::json!({"weekday": "tue", "time": "13:00", "interval": "even_weeks"}),
        )
        .unwrap();
        assert_eq!(t.describe(), "tisdagar 13:00, jämna veckor");
        // Monday 23 November 2026 is in week 48: Tuesday 24 November, 13:00.
        let monday = Stockholm
            .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let next = t.next(monday).unwrap().with_timezone(&Stockholm);
        assert_eq!(next.format("%Y-%m-%d %H:%M").to_string(), "2026-11-24 13:00");
        let odd = DoctorTime {
            interval: Interval::OddWeeks,
            ..t.clone()
        };
        let next = odd.next(monday).unwrap().with_timezone(&Stockholm);
        assert_eq!(next.format("%Y-%m-%d %H:%M").to_string(), "2026-12-01 13:00");
        assert!(
            serde_json::from_value::<DoctorTime>(serde_json::json!({"weekday": "sat", "time": "13:00"}))
                .is_err()
        );
    }

    #[test]
    fn a_doctor_time_on_a_holiday_is_followed_by_the_next_working_one() {
        let monday = DoctorTime {
            weekday: Weekday::Mon,
            time: Clock::try_from("10:00".to_owned()).unwrap(),
            interval: Interval::Weekly,
        };
        // Asked on Wednesday 1 April 2026: Monday 6 April is Annandag påsk.
        let asked = Stockholm
            .with_ymd_and_hms(2026, 4, 1, 9, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let shown = |t: Option<DateTime<Utc>>| {
            t.unwrap()
                .with_timezone(&Stockholm)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        };
        assert_eq!(shown(monday.next(asked)), "2026-04-06 10:00");
        assert_eq!(shown(monday.next_on_a_workday(asked)), "2026-04-13 10:00");
        // An ordinary week: both the same.
        let asked = Stockholm
            .with_ymd_and_hms(2026, 11, 25, 9, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(monday.next(asked), monday.next_on_a_workday(asked));
    }
}
