//! "Who do I call now?": a unit's number for a purpose if it is answered at that moment,
//! otherwise where its calls go (a dated period's redirect, else the unit's fallback, e.g. the
//! on-call doctor), followed until one answers; with why, until when the answer holds, when
//! the asked number itself opens, and what else is open now.
//!
//! Honest by construction: a number is only ever the answer when its hours say it answers
//! ([`Answers::Open`]) or when no hours are recorded ([`Answers::Unknown`], said as such);
//! when nobody answers there is no answer number, only the asked number's own next opening
//! and the alternatives.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Stockholm;

use super::Directory;
use crate::domain::hours::{Answers, Mode, Period, period};
use crate::domain::{ContactPoint, Purpose, Unit, Visibility};

/// How a step was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// The asked number.
    Asked,
    /// A dated period of the number before it sends the calls here.
    Redirect,
    /// The unit before it has this as its fallback.
    Fallback,
}

/// One number looked at on the way to the answer.
#[derive(Debug)]
pub struct Step<'a> {
    pub unit: &'a Unit,
    pub point: &'a ContactPoint,
    pub answers: Answers,
    /// The dated period that decides the number's hours at that moment.
    pub period: Option<&'a Period>,
    pub via: Via,
}

impl Step<'_> {
    pub fn open(&self) -> bool {
        self.answers == Answers::Open
    }
}

/// A number that may help when the asked one does not answer: open now, or taking over soon.
#[derive(Debug)]
pub struct Alternative<'a> {
    pub unit: &'a Unit,
    pub point: &'a ContactPoint,
    /// Whether it answers now; if not, `from` says when it starts.
    pub open: bool,
    pub from: Option<DateTime<Utc>>,
    /// When it stops answering (if within a month).
    pub until: Option<DateTime<Utc>>,
    /// In Swedish: "Direktnummer akuta bedömningar: 031-390 06 02, svarar till 17:00".
    pub text: String,
}

/// The answer.
#[derive(Debug)]
pub struct CallNow<'a> {
    /// The asked unit and its number for the purpose.
    pub asked_unit: &'a Unit,
    pub asked: &'a ContactPoint,
    /// Whether the answer number answers: `Open`, `Unknown` (no hours recorded: it may), or
    /// `Closed` (nobody in the chain answers; then there is no answer number).
    pub answers: Answers,
    /// The number to call and its unit; `None` when nobody answers.
    pub answer: Option<(&'a Unit, &'a ContactPoint)>,
    /// In Swedish: "telefontid vardagar 08:00–17:00", "Läkare i beredskap: dag före helgdag".
    pub why: String,
    /// When the answer may change next (a number in the path opens or closes).
    pub until: Option<DateTime<Utc>>,
    /// When the asked number itself next answers, if it does not now (within a month).
    pub next_open: Option<DateTime<Utc>>,
    /// The dated period that decides the asked number's hours at that moment.
    pub period: Option<&'a Period>,
    /// Every number looked at, the asked one first.
    pub path: Vec<Step<'a>>,
    /// When the answer is not a number that is open now: what is open now, or takes over
    /// before the asked number opens.
    pub alternatives: Vec<Alternative<'a>>,
    /// What callers should read: the periods' notes and the unit's notices for the day.
    pub notes: Vec<String>,
}

impl CallNow<'_> {
    pub fn open(&self) -> bool {
        self.answers == Answers::Open
    }
}

/// "17:00" on the day of `at`, else "tis 24/11 08:00".
pub fn when(t: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let (local, asked) = (t.with_timezone(&Stockholm), at.with_timezone(&Stockholm));
    if local.date_naive() == asked.date_naive() {
        local.format("%H:%M").to_string()
    } else {
        const DAYS: [&str; 7] = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"];
        use chrono::Datelike;
        format!(
            "{} {}",
            DAYS[local.weekday().num_days_from_monday() as usize],
            local.format("%-d/%-m %H:%M")
        )
    }
}

/// Numbers a caller can ring (not fax, not text messages).
fn callable(point: &ContactPoint) -> bool {
    !matches!(point.purpose, Purpose::Fax | Purpose::Sms)
}

/// How an open number's hours read: "telefontid vardagar 08:00–17:00", "kväll och natt",
/// "Sommaröppet (2027-07-12–2027-08-08): telefontid vardagar 09:00–12:00".
fn how(step: &Step<'_>, at: DateTime<Utc>) -> String {
    if let Some(p) = step.period {
        return format!("{}: {}", p.title(), p.describe_hours());
    }
    match &step.point.hours {
        None => "telefontid saknas: numret kan svara, men tiderna är inte registrerade".to_owned(),
        Some(h) if h.mode == Mode::ClosedDuring => period(at),
        Some(h) if h.is_always() => "dygnet runt".to_owned(),
        Some(h) => format!("telefontid {}", h.describe()),
    }
}

impl Directory {
    /// The unit and contact point a contact point id belongs to.
    pub fn contact_point(&self, id: uuid::Uuid) -> Option<(&Unit, &ContactPoint)> {
        let unit = &*self.units[*self.point_owner.get(&id)? as usize];
        unit.contact_points.iter().find(|c| c.id == id).map(|c| (unit, c))
    }

    /// The numbers of active units with these digits (E.164), for a form where a number is
    /// named by typing it (a fallback, a period's redirect).
    pub fn points_with_number(&self, e164: &str) -> Vec<(&Unit, &ContactPoint)> {
        let today = crate::domain::today();
        self.units()
            .filter(|u| u.is_active_on(today))
            .flat_map(|u| u.contact_points.iter().map(move |c| (u, c)))
            .filter(|(_, c)| c.number.e164() == e164)
            .collect()
    }

    fn step<'a>(&'a self, unit: &'a Unit, point: &'a ContactPoint, via: Via, at: DateTime<Utc>) -> Step<'a> {
        let schedule = point.schedule(unit);
        Step {
            unit,
            point,
            answers: schedule.answers(at),
            period: schedule.period_at(at),
            via,
        }
    }

    /// Who to call at `at` for `purpose` of `unit`; `None` if the unit has no such number the
    /// caller may see.
    pub fn call_now<'a>(
        &'a self,
        unit: &'a Unit,
        purpose: Purpose,
        at: DateTime<Utc>,
        include_internal: bool,
    ) -> Option<CallNow<'a>> {
        let visible = |c: &ContactPoint| include_internal || c.visibility == Visibility::Public;
        let first = unit
            .contact_points
            .iter()
            .find(|c| c.purpose == purpose && visible(c))?;
        let mut path = vec![self.step(unit, first, Via::Asked, at)];
        let mut visited = HashSet::from([first.id]);
        while let Some(last) = path.last().filter(|s| s.answers == Answers::Closed) {
            // A period's redirect first; the unit's fallback if there is none (or the caller
            // may not see it).
            let next = [
                (last.period.and_then(|p| p.redirect_to), Via::Redirect),
                (last.unit.fallback_contact_point_id, Via::Fallback),
            ]
            .into_iter()
            .find_map(|(target, via)| {
                target
                    .and_then(|id| self.contact_point(id))
                    .filter(|(_, c)| visible(c) && callable(c) && !visited.contains(&c.id))
                    .map(|(u, c)| (u, c, via))
            });
            let Some((next_unit, next_point, via)) = next else {
                break;
            };
            visited.insert(next_point.id);
            path.push(self.step(next_unit, next_point, via, at));
        }
        // A number opens or closes, or a period (and its redirect) starts or ends.
        let until = path
            .iter()
            .flat_map(|s| {
                let schedule = s.point.schedule(s.unit);
                [schedule.next_change(at), schedule.next_period_change(at)]
            })
            .flatten()
            .min();
        let asked = &path[0];
        let next_open = (asked.answers == Answers::Closed)
            .then(|| first.schedule(unit).next_open(at))
            .flatten();
        let answer_step = path.iter().find(|s| s.answers != Answers::Closed);
        let answers = answer_step.map_or(Answers::Closed, |s| s.answers);
        let why = self.why(&path, answer_step, next_open, at);
        let alternatives = if answers == Answers::Open {
            Vec::new()
        } else {
            self.alternatives(unit, &path, next_open, at, &visible)
        };
        let mut notes: Vec<String> = Vec::new();
        for step in [Some(asked), answer_step].into_iter().flatten() {
            if let Some(note) = step.period.and_then(|p| p.note.clone())
                && !notes.contains(&note)
            {
                notes.push(note);
            }
        }
        let day = at.with_timezone(&Stockholm).date_naive();
        notes.extend(
            unit.notices
                .iter()
                .filter(|n| n.shown_on(day))
                .map(|n| n.text.clone()),
        );
        Some(CallNow {
            asked_unit: unit,
            asked: first,
            answers,
            answer: answer_step.map(|s| (s.unit, s.point)),
            why,
            until,
            next_open,
            period: asked.period,
            path,
            alternatives,
            notes,
        })
    }

    fn why(
        &self,
        path: &[Step<'_>],
        answer: Option<&Step<'_>>,
        next_open: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> String {
        let asked = &path[0];
        // Why the asked number does not answer, when it does not.
        let closed = match asked.period {
            Some(p) => format!("{}: {}", asked.unit.name, p.title()),
            None => format!("{} har stängt", asked.unit.name),
        };
        match answer {
            Some(step) if step.via == Via::Asked => how(step, at),
            Some(step) => {
                let goes = if path.iter().any(|s| s.via == Via::Redirect) {
                    "samtalen går till "
                } else {
                    ""
                };
                format!("{goes}{}: {} ({closed})", step.unit.name, how(step, at))
            }
            None => {
                let schedule = asked.point.schedule(asked.unit);
                let opens = match next_open {
                    Some(t) if schedule.answers(t) == Answers::Unknown => format!(
                        "{} kan svara från {} (telefontid saknas)",
                        asked.point.label,
                        when(t, at)
                    ),
                    Some(t) => format!("{} öppnar {}", asked.point.label, when(t, at)),
                    None => format!("{} öppnar inte inom en månad", asked.point.label),
                };
                match asked.period {
                    Some(p) => format!("ingen svarar just nu ({}); {opens}", p.title()),
                    None => format!("ingen svarar just nu enligt telefontiderna; {opens}"),
                }
            }
        }
    }

    /// What is open now among the asked unit's other numbers, and who in the chain takes over
    /// before the asked number opens again.
    fn alternatives<'a>(
        &'a self,
        unit: &'a Unit,
        path: &[Step<'a>],
        next_open: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
        visible: &dyn Fn(&ContactPoint) -> bool,
    ) -> Vec<Alternative<'a>> {
        let mut out = Vec::new();
        let in_path = |c: &ContactPoint| path.iter().any(|s| s.point.id == c.id);
        for point in unit
            .contact_points
            .iter()
            .filter(|c| visible(c) && callable(c) && !in_path(c))
        {
            let schedule = point.schedule(unit);
            if schedule.answers(at) != Answers::Open {
                continue;
            }
            let until = schedule.next_change(at);
            let mut text = format!("{}: {}", point.label, point.number.national());
            if let Some(t) = until {
                text.push_str(&format!(", svarar till {}", when(t, at)));
            }
            out.push(Alternative {
                unit,
                point,
                open: true,
                from: None,
                until,
                text,
            });
        }
        // The chain after the asked number: the first that opens, if before the asked one.
        let takes_over = path[1..]
            .iter()
            .filter(|s| s.answers == Answers::Closed)
            .filter_map(|s| {
                let schedule = s.point.schedule(s.unit);
                schedule.next_open(at).map(|t| (t, s, schedule.next_change(t)))
            })
            .min_by_key(|(t, _, _)| *t)
            .filter(|(t, _, _)| next_open.is_none_or(|own| *t < own));
        if let Some((from, step, until)) = takes_over {
            out.push(Alternative {
                unit: step.unit,
                point: step.point,
                open: false,
                from: Some(from),
                until,
                text: format!(
                    "{}: {}, från {}",
                    step.unit.name,
                    step.point.number.national(),
                    when(from, at)
                ),
            });
        }
        out
    }
}
