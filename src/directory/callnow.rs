//! "Who do I call now?": a unit's number for a purpose if it is answered at that moment,
//! otherwise the unit's fallback (another unit's number, e.g. the on-call doctor), following
//! fallbacks until one answers; with why, and until when the answer holds.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::Directory;
use crate::domain::hours::{Mode, period};
use crate::domain::{ContactPoint, Purpose, Unit, Visibility};

/// One number looked at on the way to the answer.
#[derive(Debug)]
pub struct Step<'a> {
    pub unit: &'a Unit,
    pub point: &'a ContactPoint,
    pub open: bool,
}

/// The answer.
#[derive(Debug)]
pub struct CallNow<'a> {
    pub unit: &'a Unit,
    pub point: &'a ContactPoint,
    /// False when nobody answers: then the answer is the unit's own number.
    pub open: bool,
    /// In Swedish: "telefontid vardagar 08:00–17:00", "Läkare i beredskap: dag före helgdag".
    pub why: String,
    /// When the answer may change next (a number in the path opens or closes).
    pub until: Option<DateTime<Utc>>,
    /// Every number looked at, the asked unit's first.
    pub path: Vec<Step<'a>>,
}

fn answers(point: &ContactPoint, at: DateTime<Utc>) -> bool {
    point.hours.as_ref().is_none_or(|h| h.is_open(at))
}

impl Directory {
    /// The unit and contact point a contact point id belongs to.
    pub fn contact_point(&self, id: uuid::Uuid) -> Option<(&Unit, &ContactPoint)> {
        let unit = &self.units[*self.point_owner.get(&id)?];
        unit.contact_points.iter().find(|c| c.id == id).map(|c| (unit, c))
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
        let mut path = vec![Step {
            unit,
            point: first,
            open: answers(first, at),
        }];
        let mut visited = HashSet::from([unit.id]);
        while let Some(last) = path.last().filter(|s| !s.open) {
            let Some((next_unit, next_point)) = last
                .unit
                .fallback_contact_point_id
                .and_then(|id| self.contact_point(id))
                .filter(|(u, c)| visible(c) && visited.insert(u.id))
            else {
                break;
            };
            path.push(Step {
                unit: next_unit,
                point: next_point,
                open: answers(next_point, at),
            });
        }
        let until = path
            .iter()
            .filter_map(|s| s.point.hours.as_ref().and_then(|h| h.next_change(at)))
            .min();
        let answer = path.iter().find(|s| s.open);
        let why = match answer {
            None => "ingen svarar just nu enligt telefontiderna; ring när de öppnar".to_owned(),
            Some(step) => {
                let how = match &step.point.hours {
                    None => "svarar alltid (inga telefontider angivna)".to_owned(),
                    Some(h) if h.mode == Mode::ClosedDuring => period(at),
                    Some(h) => format!("telefontid {}", h.describe()),
                };
                if std::ptr::eq(step.point, first) {
                    how
                } else {
                    format!("{}: {how} ({} har stängt)", step.unit.name, unit.name)
                }
            }
        };
        let (answer_unit, answer_point, open) =
            answer.map_or((unit, first, false), |s| (s.unit, s.point, true));
        Some(CallNow {
            unit: answer_unit,
            point: answer_point,
            open,
            why,
            until,
            path,
        })
    }
}
