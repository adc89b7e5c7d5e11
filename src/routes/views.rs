//! The JSON shapes of the read API, built from domain values and the directory around them.

use chrono::{DateTime, NaiveDate, Utc};

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::directory::Directory;
use crate::domain::hours::{Answers, Notice, Period};
use crate::domain::{
    Area, AreaKind, ContactPoint, KindCategory, Organisation, OrganisationKind, Purpose, Unit, UnitKind,
    Visibility,
};

/// A number to call.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "contact_point_id": "0b9c1f7e-2f7a-4c1e-9a51-2d1f6f0d6a10",
    "purpose": "vag_in",
    "purpose_label": "En väg in",
    "label": "En väg in för socialtjänsten",
    "visibility": "internal",
    "e164": "+46313900633",
    "national": "031-390 06 33",
    "tel_uri": "tel:+46313900633"
}))]
pub struct NumberView {
    pub contact_point_id: Uuid,
    pub purpose: Purpose,
    /// The purpose in Swedish.
    pub purpose_label: &'static str,
    pub label: String,
    pub visibility: Visibility,
    /// E.164, for systems: `+46313900600`.
    pub e164: String,
    /// National form, for people: `031-390 06 00`.
    pub national: String,
    /// RFC 3966 URI for click-to-call: `tel:+46313900600`.
    pub tel_uri: String,
    /// When it is answered (Europe/Stockholm); absent: not recorded ("telefontid saknas"),
    /// which is unknown, not "always".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<crate::domain::hours::TelephoneHours>,
    /// Whether telephone hours are recorded for the number.
    pub hours_recorded: bool,
    /// The hours in Swedish: "vardagar 08:00–17:00", "dygnet runt", or "telefontid saknas".
    pub hours_text: String,
    /// The number's dated periods that are not over yet (other hours, closure, redirect).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<PeriodView>,
}

/// A dated period (see `Period`), with its description. Its own schema: `Period` is a
/// request shape that refuses unknown fields, so `text` cannot be composed onto it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodView {
    /// First day (included); absent: already begun.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// Last day (included); absent: until further notice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    /// When the number is answered during the period; empty: closed the whole period.
    pub weekly: Vec<crate::domain::hours::WeeklySpan>,
    /// The contact point that takes the calls while the number is closed during the period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_to: Option<Uuid>,
    /// For callers, in Swedish.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// In Swedish: "Sommarstängt v. 28–31 (2027-07-12–2027-08-08): stängt".
    pub text: String,
}

impl From<&Period> for PeriodView {
    fn from(p: &Period) -> Self {
        Self {
            from: p.from,
            to: p.to,
            weekly: p.weekly.clone(),
            redirect_to: p.redirect_to,
            note: p.note.clone(),
            text: p.describe(),
        }
    }
}

/// The periods a caller still needs: not over on `day`.
pub fn current_periods(periods: &[Period], day: NaiveDate) -> Vec<PeriodView> {
    periods
        .iter()
        .filter(|p| !p.is_over(day))
        .map(PeriodView::from)
        .collect()
}

/// The notices shown on `day`.
pub fn notices_on(notices: &[Notice], day: NaiveDate) -> Vec<String> {
    notices
        .iter()
        .filter(|n| n.shown_on(day))
        .map(|n| n.text.clone())
        .collect()
}

impl From<&ContactPoint> for NumberView {
    fn from(c: &ContactPoint) -> Self {
        Self {
            contact_point_id: c.id,
            purpose: c.purpose,
            purpose_label: c.purpose.label_sv(),
            label: c.label.clone(),
            visibility: c.visibility,
            e164: c.number.e164().to_owned(),
            national: c.number.national().to_owned(),
            tel_uri: c.number.tel_uri(),
            hours: c.hours.clone(),
            hours_recorded: c.hours.is_some(),
            hours_text: hours_text(c.hours.as_ref()),
            // Most numbers have no periods: no clock read for them (every list builds these).
            periods: if c.periods.is_empty() {
                Vec::new()
            } else {
                current_periods(&c.periods, crate::domain::today())
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationRef {
    pub id: String,
    pub name: String,
    pub short_name: Option<String>,
}

pub use crate::domain::AreaRef;
pub use crate::domain::calendar::local_time;
pub use crate::domain::hours::hours_text;
use crate::service::search::FoundBy;

/// Who a unit is: the fields every unit answer starts with.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitRef {
    pub id: Uuid,
    pub name: String,
    pub kind: UnitKind,
    /// The kind in Swedish.
    pub kind_label: &'static str,
    pub organisation: OrganisationRef,
    pub areas: Vec<AreaRef>,
}

impl UnitRef {
    pub fn new(directory: &Directory, unit: &Unit) -> Self {
        let organisation = directory.organisation(&unit.organisation_id);
        Self {
            id: unit.id,
            name: unit.name.clone(),
            kind: unit.kind,
            kind_label: unit.kind.label_sv(),
            organisation: OrganisationRef {
                id: unit.organisation_id.clone(),
                name: organisation.map(|o| o.name.clone()).unwrap_or_default(),
                short_name: organisation.and_then(|o| o.short_name.clone()),
            },
            areas: unit
                .area_ids
                .iter()
                .filter_map(|id| directory.area(id))
                .map(|a| AreaRef {
                    id: a.id.clone(),
                    name: a.name.clone(),
                })
                .collect(),
        }
    }
}

/// A unit in a list: who it is and its one way in.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitSummary {
    #[serde(flatten)]
    pub unit: UnitRef,
    #[schema(example = "SE2321000131-E000000007860")]
    pub hsa_id: Option<String>,
    pub city: Option<String>,
    /// Whether the unit is active today.
    pub active: bool,
    /// The one number to call. Absent only when the caller may not see it.
    pub vag_in: Option<NumberView>,
    /// Where the unit stands in the yearly review.
    pub review: ReviewView,
    /// Notices for callers shown today ("nytt nummer från 1 december").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
    /// Why a search found the unit when it was not by its own name or numbers: by address,
    /// by a number it had before, by one of its preschools. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found_by: Option<FoundBy>,
}

/// Where a unit stands in the yearly review.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewView {
    pub status: crate::domain::review::ReviewStatus,
    /// Checked last.
    pub reviewed_at: Option<NaiveDate>,
    /// To be checked by.
    pub due: NaiveDate,
    pub interval_months: u8,
}

impl ReviewView {
    pub fn new(unit: &Unit, today: NaiveDate) -> Self {
        Self {
            status: unit.review_status(today),
            reviewed_at: unit.reviewed_at,
            due: unit.review_due(),
            interval_months: unit.review_interval_months,
        }
    }
}

impl UnitSummary {
    pub fn new(directory: &Directory, unit: &Unit, today: NaiveDate, include_internal: bool) -> Self {
        Self {
            unit: UnitRef::new(directory, unit),
            hsa_id: unit.hsa_id.as_ref().map(|h| h.to_string()),
            city: unit.address.city.clone(),
            active: unit.is_active_on(today),
            vag_in: unit
                .vag_in()
                .filter(|c| visible(c, include_internal))
                .map(NumberView::from),
            review: ReviewView::new(unit, today),
            notices: notices_on(&unit.notices, today),
            found_by: None,
        }
    }

    /// Says why a search found it.
    pub fn found_by(self, found_by: Option<FoundBy>) -> Self {
        Self { found_by, ..self }
    }
}

fn visible(point: &ContactPoint, include_internal: bool) -> bool {
    include_internal || point.visibility == Visibility::Public
}

/// A unit and the one number to call it on.
#[derive(Debug, Serialize, ToSchema)]
pub struct LookupResult {
    #[serde(flatten)]
    pub unit: UnitRef,
    /// The unit's `vag_in` number: the one way in.
    pub call: NumberView,
    /// Who answers right now: the one way in if it is open, else where its calls go.
    pub call_now: Option<CallNowView>,
    /// Notices for callers shown today.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
    /// Why the lookup found the unit when it was not by its own name or numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found_by: Option<FoundBy>,
}

impl LookupResult {
    /// At `now`; `None` when the caller may not see the unit's `vag_in` number.
    pub fn new(
        directory: &Directory,
        unit: &Unit,
        include_internal: bool,
        now: DateTime<Utc>,
    ) -> Option<Self> {
        let call = unit.vag_in().filter(|c| visible(c, include_internal))?;
        Some(Self {
            unit: UnitRef::new(directory, unit),
            call: NumberView::from(call),
            call_now: directory
                .call_now(unit, crate::domain::Purpose::VagIn, now, include_internal)
                .map(|answer| CallNowView::new(directory, &answer, now)),
            notices: notices_on(&unit.notices, crate::domain::today()),
            found_by: None,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AddressView {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
}

/// A unit with everything the caller may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDetail {
    #[serde(flatten)]
    pub summary: UnitSummary,
    pub address: Option<AddressView>,
    pub active_from: NaiveDate,
    /// First day the unit is no longer active.
    pub active_to: Option<NaiveDate>,
    /// When the unit's information was last checked.
    pub reviewed_at: Option<NaiveDate>,
    pub note: Option<String>,
    /// When the unit or one of its numbers last changed.
    pub updated_at: DateTime<Utc>,
    /// Every number the caller may see, the `vag_in` first.
    pub contact_points: Vec<NumberView>,
    /// Where calls go when the unit's own numbers are closed (another unit's number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_contact_point_id: Option<Uuid>,
    /// For a boende: the ansvarig vårdcentral (see `/responsible`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responsibility: Option<crate::domain::responsibility::Responsibility>,
    /// For a BVC: the preschools it is responsible for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub preschools: Vec<String>,
    /// Dated periods of the whole unit that are not over yet (each of its numbers without a
    /// period of its own follows them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<PeriodView>,
    /// Every notice that is not over yet (`notices` above: those shown today).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub all_notices: Vec<Notice>,
}

impl UnitDetail {
    pub fn new(directory: &Directory, unit: &Unit, today: NaiveDate, include_internal: bool) -> Self {
        let a = &unit.address;
        Self {
            summary: UnitSummary::new(directory, unit, today, include_internal),
            address: (!a.is_empty()).then(|| AddressView {
                street: a.street.clone(),
                postal_code: a.postal_code.clone(),
                city: a.city.clone(),
            }),
            active_from: unit.active_from,
            active_to: unit.active_to,
            reviewed_at: unit.reviewed_at,
            note: unit.note.clone(),
            updated_at: unit.updated_at.and_utc(),
            contact_points: unit
                .contact_points
                .iter()
                .filter(|c| visible(c, include_internal))
                .map(NumberView::from)
                .collect(),
            fallback_contact_point_id: unit.fallback_contact_point_id,
            responsibility: unit.responsibility.clone(),
            preschools: unit.preschools.clone(),
            periods: current_periods(&unit.periods, today),
            all_notices: unit
                .notices
                .iter()
                .filter(|n| n.is_current_or_coming(today))
                .cloned()
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationView {
    #[schema(example = "boras-stad-vaf")]
    pub id: String,
    #[schema(example = "Vård- och äldreförvaltningen")]
    pub name: String,
    #[schema(example = "VÄF")]
    pub short_name: Option<String>,
    pub kind: OrganisationKind,
    pub kind_label: &'static str,
    #[schema(example = "boras-stad")]
    pub parent_id: Option<String>,
    /// First day no longer active; absent while active.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_to: Option<NaiveDate>,
}

impl From<&Organisation> for OrganisationView {
    fn from(o: &Organisation) -> Self {
        Self {
            id: o.id.clone(),
            name: o.name.clone(),
            short_name: o.short_name.clone(),
            kind: o.kind,
            kind_label: o.kind.label_sv(),
            parent_id: o.parent_id.clone(),
            active_to: o.active_to,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaView {
    #[schema(example = "mote-1")]
    pub id: String,
    #[schema(example = "Möte 1")]
    pub name: String,
    pub kind: AreaKind,
    pub kind_label: &'static str,
    /// First day no longer active; absent while active.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_to: Option<NaiveDate>,
    /// A district's streets for the address lookup, in the form `PATCH` takes them; parts of a
    /// street carry their house numbers. Absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub streets: Vec<crate::domain::streets::StreetPart>,
}

impl From<&Area> for AreaView {
    fn from(a: &Area) -> Self {
        Self {
            id: a.id.clone(),
            name: a.name.clone(),
            kind: a.kind,
            kind_label: a.kind.label_sv(),
            active_to: a.active_to,
            streets: a.streets.iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KindView {
    pub code: UnitKind,
    #[schema(example = "Vårdcentral")]
    pub label_sv: &'static str,
    #[schema(example = "Primary care centre")]
    pub label_en: &'static str,
    pub category: KindCategory,
}

impl From<UnitKind> for KindView {
    fn from(k: UnitKind) -> Self {
        Self {
            code: k,
            label_sv: k.label_sv(),
            label_en: k.label_en(),
            category: k.category(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationList {
    pub items: Vec<OrganisationView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaList {
    pub items: Vec<AreaView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KindList {
    pub items: Vec<KindView>,
}

/// One number looked at on the way to the answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallPathStep {
    pub unit_id: Uuid,
    pub unit_name: String,
    pub contact_point_id: Uuid,
    pub label: String,
    /// Whether it is answered at that moment (by its recorded hours).
    pub open: bool,
    pub answers: Answers,
    /// How it was reached: `asked`, `redirect` (a dated period of the number before) or
    /// `fallback` (the unit before has it as its fallback).
    pub via: crate::directory::callnow::Via,
}

/// A number that may help when the asked one does not answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlternativeView {
    pub unit_id: Uuid,
    pub unit_name: String,
    pub call: NumberView,
    /// Whether it answers now; if not, `from` says when it takes over.
    pub open: bool,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub from: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// When it stops answering (if within a month).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub until: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// In Swedish: "Direktnummer akuta bedömningar: 031-390 06 02, svarar till 17:00".
    pub text: String,
}

/// Who to call at a moment.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "at": "2026-11-25T16:45:00+01:00",
    "answers": "closed",
    "open": false,
    "why": "ingen svarar just nu enligt telefontiderna; En väg in för socialtjänsten öppnar tor 26/11 08:00",
    "until": "2026-11-25T17:00:00+01:00",
    "next_open": "2026-11-26T08:00:00+01:00",
    "asked": {"purpose": "vag_in", "national": "031-390 06 33", "hours_text": "vardagar 08:00–12:00, vardagar 13:00–16:30"},
    "alternatives": [
        {"unit_name": "Närhälsan Sjöbo vårdcentral", "open": true, "until": "2026-11-25T17:00:00+01:00",
         "text": "Direktnummer akuta bedömningar: 031-390 06 34, svarar till 17:00"},
        {"unit_name": "Läkare i beredskap", "open": false, "from": "2026-11-25T17:00:00+01:00",
         "text": "Läkare i beredskap: 031-390 06 99, från 17:00"}
    ],
    "notes": [],
    "path": []
}))]
pub struct CallNowView {
    /// The moment asked about (Europe/Stockholm).
    #[schema(value_type = String, format = DateTime)]
    pub at: chrono::DateTime<chrono::FixedOffset>,
    /// `open`: `call` answers now by its hours. `unknown`: `call` has no recorded hours; it
    /// may answer. `closed`: nobody answers now; there is no `call`, `next_open` says when the
    /// asked number opens and `alternatives` what is open meanwhile.
    pub answers: Answers,
    /// `answers` is `open`.
    pub open: bool,
    /// Why, in Swedish.
    pub why: String,
    /// When the answer may change next; absent if not within a month.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub until: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// When the asked number itself next answers, when it does not now (absent if not
    /// within a month).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_open: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// The unit of the number to call (the asked unit, or the one its calls go to); absent
    /// when nobody answers.
    pub unit: Option<UnitRef>,
    /// The number to call; absent when nobody answers.
    pub call: Option<NumberView>,
    /// The asked unit's number for the asked purpose.
    pub asked: NumberView,
    /// The dated period that decides the asked number's hours at that moment.
    pub period: Option<PeriodView>,
    /// When `answers` is not `open`: the asked unit's other numbers that are open now, and
    /// whoever takes the calls before the asked number opens.
    pub alternatives: Vec<AlternativeView>,
    /// For callers: the periods' notes and the unit's notices for the day.
    pub notes: Vec<String>,
    /// Every number looked at, the asked unit's first.
    pub path: Vec<CallPathStep>,
}

impl CallNowView {
    pub fn new(
        directory: &Directory,
        answer: &crate::directory::callnow::CallNow<'_>,
        at: chrono::DateTime<Utc>,
    ) -> Self {
        Self {
            at: local_time(at),
            answers: answer.answers,
            open: answer.open(),
            why: answer.why.clone(),
            until: answer.until.map(local_time),
            next_open: answer.next_open.map(local_time),
            unit: answer.answer.map(|(u, _)| UnitRef::new(directory, u)),
            call: answer.answer.map(|(_, c)| NumberView::from(c)),
            asked: NumberView::from(answer.asked),
            period: answer.period.map(PeriodView::from),
            alternatives: answer
                .alternatives
                .iter()
                .map(|a| AlternativeView {
                    unit_id: a.unit.id,
                    unit_name: a.unit.name.clone(),
                    call: NumberView::from(a.point),
                    open: a.open,
                    from: a.from.map(local_time),
                    until: a.until.map(local_time),
                    text: a.text.clone(),
                })
                .collect(),
            notes: answer.notes.clone(),
            path: answer
                .path
                .iter()
                .map(|s| CallPathStep {
                    unit_id: s.unit.id,
                    unit_name: s.unit.name.clone(),
                    contact_point_id: s.point.id,
                    label: s.point.label.clone(),
                    open: s.open(),
                    answers: s.answers,
                    via: s.via,
                })
                .collect(),
        }
    }
}
