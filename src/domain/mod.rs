//! Types that are valid by construction. No I/O and no web framework; the one outside input
//! they read is the clock (`today()`, for what "active" and "due" mean today).

pub mod codes;
pub mod hsa;
pub mod phone;
pub mod text;
pub mod utc;

pub mod calendar;
pub mod correction;
pub mod edit;
pub mod history;
pub mod hours;
pub mod responsibility;
pub mod review;
pub mod streets;
pub mod telefontid;
pub mod vocabulary;

use chrono::{NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use codes::{
    AreaKind, CorrectionStatus, Interval, KindCategory, MeetingForm, OrganisationKind, Purpose, Role,
    UnitKind, Visibility,
};
pub use hsa::HsaId;
pub use phone::PhoneNumber;

/// Why a value was refused, in Swedish and English.
/// Why a value is refused, in Swedish and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub sv: String,
    pub en: String,
    /// The value has the form the OpenAPI document describes but breaks a rule the document
    /// cannot state: it names something that does not exist, is no number in any numbering
    /// plan, contradicts another field. Answered 422; a value of the wrong form is 400.
    pub rule: bool,
}

/// A value as it may be quoted back in an error message: at most 40 characters.
pub fn shown(value: &str) -> String {
    const MAX: usize = 40;
    let value = value.trim();
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

impl Invalid {
    /// A value of the wrong form (400).
    pub fn new(sv: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            sv: sv.into(),
            en: en.into(),
            rule: false,
        }
    }

    /// A value of the right form that breaks a rule of the directory (422).
    pub fn rule(sv: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            rule: true,
            ..Self::new(sv, en)
        }
    }

    /// The same message, as a broken rule (422).
    pub fn as_rule(self) -> Self {
        Self { rule: true, ..self }
    }

    /// Names the field the message is about.
    pub fn at(self, field: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            sv: self.sv,
            en: self.en,
            rule: self.rule,
        }
    }
}

/// A refused value and where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub sv: String,
    pub en: String,
    /// See [`Invalid::rule`].
    pub rule: bool,
}

/// 404: no unit has the id.
pub fn unit_not_found(id: Uuid) -> edit::Refusal {
    edit::Refusal::NotFound(Invalid::new(
        format!("det finns ingen enhet med id {id}"),
        format!("there is no unit with id {id}"),
    ))
}

/// Refusals of a reference to something the directory does not hold, each saying where the
/// API lists what it does hold: the same words from an edit, an import and the web.
pub mod unknown {
    use uuid::Uuid;

    use super::Invalid;
    use super::edit::Refusal;

    /// `id` as it is to be quoted (the import shortens it with [`super::shown`]).
    pub fn organisation(id: &str) -> Invalid {
        Invalid::new(
            format!("okänd organisation '{id}'; se GET /v1/organisations"),
            format!("unknown organisation '{id}'; see GET /v1/organisations"),
        )
    }

    pub fn area(id: &str) -> Invalid {
        Invalid::new(
            format!("okänt område '{id}'; se GET /v1/areas"),
            format!("unknown area '{id}'; see GET /v1/areas"),
        )
    }

    /// 404: the unit's history has no such version.
    pub fn version(id: Uuid, version: i64) -> Refusal {
        Refusal::NotFound(Invalid::new(
            format!("enheten {id} har ingen version {version}; se GET /v1/units/{id}/history"),
            format!("unit {id} has no version {version}; see GET /v1/units/{id}/history"),
        ))
    }
}

/// Today's date in Borås (Europe/Stockholm), which decides whether a unit is active.
pub fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .date_naive()
}

/// The domain values are also the states the audit history keeps (as JSON), so their serde
/// form is a stored format: add fields with defaults, never rename.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// Stable, readable id: `narhalsan`, `boras-stad-vaf`.
    pub id: String,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: OrganisationKind,
    pub parent_id: Option<String>,
    /// First day the organisation is no longer active.
    #[serde(default)]
    pub active_to: Option<NaiveDate>,
    /// Incremented by every write; the ETag of the API.
    #[serde(default = "first_version")]
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    /// Stable, readable id: `mote-1`.
    pub id: String,
    pub name: String,
    pub kind: AreaKind,
    #[serde(default)]
    pub active_to: Option<NaiveDate>,
    #[serde(default = "first_version")]
    pub version: i64,
    /// For a district: its streets, or parts of them, for the address lookup.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub streets: Vec<streets::StreetSpan>,
}

/// An area as answers name it: its id and name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AreaRef {
    pub id: String,
    pub name: String,
}

fn first_version() -> i64 {
    1
}

/// Active on `day`: not yet ended (`active_to` is the first day it is no longer active).
pub fn not_ended(active_to: Option<NaiveDate>, day: NaiveDate) -> bool {
    active_to.is_none_or(|to| day < to)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
}

impl Address {
    pub fn is_empty(&self) -> bool {
        self.street.is_none() && self.postal_code.is_none() && self.city.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPoint {
    pub id: Uuid,
    pub purpose: Purpose,
    pub label: String,
    pub visibility: Visibility,
    pub number: PhoneNumber,
    /// When it is answered; none: not recorded ("telefontid saknas"), which is unknown,
    /// never "always".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<hours::TelephoneHours>,
    /// Dated periods of other hours, closure or redirect (no two overlapping).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<hours::Period>,
}

impl ContactPoint {
    /// What decides when it is answered, with the periods of the unit it belongs to.
    pub fn schedule<'a>(&'a self, unit: &'a Unit) -> hours::Schedule<'a> {
        hours::Schedule {
            hours: self.hours.as_ref(),
            periods: &self.periods,
            unit_periods: &unit.periods,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub id: Uuid,
    pub name: String,
    pub kind: UnitKind,
    pub organisation_id: String,
    pub area_ids: Vec<String>,
    pub hsa_id: Option<HsaId>,
    pub address: Address,
    pub active_from: NaiveDate,
    /// First day the unit is no longer active; `None` while it runs.
    pub active_to: Option<NaiveDate>,
    pub reviewed_at: Option<NaiveDate>,
    pub note: Option<String>,
    /// Ordered: the `vag_in` point first, then by purpose and label.
    pub contact_points: Vec<ContactPoint>,
    #[serde(with = "utc")]
    pub updated_at: NaiveDateTime,
    /// Incremented by every write to the unit or its contact points; the ETag of the API.
    #[serde(default = "first_version")]
    pub version: i64,
    /// Where calls go when the unit's own numbers are closed: a contact point of another
    /// unit (the on-call doctor for a vårdcentral, TIB for the municipality).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_contact_point_id: Option<Uuid>,
    /// For a boende: its ansvarig vårdcentral, fixed doctor time and meeting form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsibility: Option<responsibility::Responsibility>,
    /// For a BVC: the preschools it is responsible for (barnhälsovård).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preschools: Vec<String>,
    /// How often the unit's information must be checked, in months.
    #[serde(default = "review::default_interval")]
    pub review_interval_months: u8,
    /// Dated periods that apply to each of the unit's numbers without a period of its own
    /// (a summer closure with a redirect).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<hours::Period>,
    /// Dated notices for callers, with no change of hours ("nytt nummer från 1 december").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<hours::Notice>,
}

impl Unit {
    /// The first version of a unit with only its id, kind and organisation: no name, no
    /// numbers, active from today, the default review interval; what a new unit is built on.
    pub fn first(id: Uuid, kind: UnitKind, organisation_id: String, now: NaiveDateTime) -> Unit {
        Unit {
            id,
            name: String::new(),
            kind,
            organisation_id,
            area_ids: Vec::new(),
            hsa_id: None,
            address: Address::default(),
            active_from: today(),
            active_to: None,
            reviewed_at: None,
            note: None,
            contact_points: Vec::new(),
            updated_at: now,
            version: 1,
            fallback_contact_point_id: None,
            responsibility: None,
            preschools: Vec::new(),
            review_interval_months: review::DEFAULT_INTERVAL_MONTHS,
            periods: Vec::new(),
            notices: Vec::new(),
        }
    }

    /// The number to start from with an acute question: the direct acute number if the unit
    /// has one, else its one way in.
    pub fn acute_purpose(&self) -> Purpose {
        if self
            .contact_points
            .iter()
            .any(|c| c.purpose == Purpose::DirectAcute)
        {
            Purpose::DirectAcute
        } else {
            Purpose::VagIn
        }
    }

    pub fn is_active_on(&self, day: NaiveDate) -> bool {
        self.active_from <= day && not_ended(self.active_to, day)
    }

    /// The one way in. The database guarantees that every unit has exactly one.
    pub fn vag_in(&self) -> Option<&ContactPoint> {
        self.contact_points.iter().find(|c| c.purpose == Purpose::VagIn)
    }
}

pub(crate) const MAX_NAME_CHARS: usize = 200;
pub(crate) const MAX_LABEL_CHARS: usize = 100;
pub(crate) const MAX_NOTE_CHARS: usize = 2000;
pub(crate) const MAX_ADDRESS_CHARS: usize = 200;

/// A contact point as submitted, before validation.
#[derive(Debug, Clone)]
pub struct ContactPointDraft {
    pub purpose: Purpose,
    pub label: String,
    pub visibility: Visibility,
    pub number: String,
    /// The number is right as typed, although it looks mistyped ([`PhoneNumber::doubt`]).
    pub number_confirmed: bool,
    pub hours: Option<hours::TelephoneHours>,
    pub periods: Vec<hours::Period>,
}

/// A unit as submitted, before validation. [`UnitDraft::validate`] is the only way to a [`Unit`]
/// that has not been stored yet.
#[derive(Debug, Clone)]
pub struct UnitDraft {
    pub name: String,
    pub kind: UnitKind,
    pub organisation_id: String,
    pub area_ids: Vec<String>,
    pub hsa_id: Option<String>,
    pub address: Address,
    pub active_from: NaiveDate,
    pub reviewed_at: Option<NaiveDate>,
    pub note: Option<String>,
    pub contact_points: Vec<ContactPointDraft>,
}

/// Trimmed text of 1..=`max` characters.
pub(crate) fn bounded_text(value: &str, max: usize, what_sv: &str, what_en: &str) -> Result<String, Invalid> {
    text::check(value)?;
    // Counted as sent, blanks around included, as the OpenAPI document's maxLength counts.
    if value.chars().count() > max {
        return Err(Invalid::new(
            format!("{what_sv} är längre än {max} tecken"),
            format!("{what_en} is longer than {max} characters"),
        ));
    }
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Invalid::new(
            format!("{what_sv} får inte vara tomt"),
            format!("{what_en} must not be empty"),
        ));
    }
    Ok(trimmed.to_owned())
}

impl ContactPointDraft {
    /// A new contact point; `field` prefixes the field names in errors.
    pub fn validate(self, field: &str) -> Result<ContactPoint, Vec<FieldError>> {
        let mut errors = Vec::new();
        let label = edit::label(&self.label).map_err(|e| errors.push(e.at(format!("{field}label"))));
        let confirm = format!("{field}number_confirmed");
        let number = PhoneNumber::typed(&self.number, self.number_confirmed, &confirm)
            .map_err(|e| errors.push(e.at(format!("{field}number"))));
        if let Some(Err(e)) = self.hours.as_ref().map(|h| h.validate(&format!("{field}hours"))) {
            errors.extend(e);
        }
        let id = Uuid::new_v4();
        if let Err(e) = hours::validate_periods(&self.periods, Some(id), &format!("{field}periods")) {
            errors.extend(e);
        }
        match (label, number) {
            (Ok(label), Ok(number)) if errors.is_empty() => Ok(ContactPoint {
                id,
                purpose: self.purpose,
                label,
                visibility: self.visibility,
                number,
                hours: self.hours,
                periods: self.periods,
            }),
            _ => Err(errors),
        }
    }
}

impl UnitDraft {
    /// Checks every field and reports every problem at once, each with its field path.
    pub fn validate(self, id: Uuid, now: NaiveDateTime) -> Result<Unit, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut keep = |r: Result<(), FieldError>| {
            if let Err(e) = r {
                errors.push(e);
            }
        };
        let mut name = String::new();
        keep(edit::name(&self.name).map(|v| name = v).map_err(|e| e.at("name")));
        let mut hsa_id = None;
        keep(
            edit::hsa_id(self.hsa_id.as_deref())
                .map(|v| hsa_id = v)
                .map_err(|e| e.at("hsa_id")),
        );
        let mut note = None;
        keep(
            edit::note(self.note.as_deref())
                .map(|v| note = v)
                .map_err(|e| e.at("note")),
        );
        let mut address = Address::default();
        match edit::address(&self.address) {
            Ok(a) => address = a,
            Err(e) => errors.extend(e),
        }
        let mut contact_points = Vec::with_capacity(self.contact_points.len());
        for (i, draft) in self.contact_points.into_iter().enumerate() {
            match draft.validate(&format!("contact_points[{i}].")) {
                Ok(point) => contact_points.push(point),
                Err(e) => errors.extend(e),
            }
        }
        let vag_in_count = contact_points
            .iter()
            .filter(|c| c.purpose == Purpose::VagIn)
            .count();
        if vag_in_count != 1 && errors.is_empty() {
            errors.push(
                Invalid::rule(
                    format!("en enhet ska ha exakt ett nummer med syftet vag_in (en väg in), inte {vag_in_count}"),
                    format!("a unit must have exactly one contact point with purpose vag_in (one way in), not {vag_in_count}"),
                )
                .at("contact_points"),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut unit = Unit {
            name,
            area_ids: self.area_ids,
            hsa_id,
            address,
            active_from: self.active_from,
            reviewed_at: self.reviewed_at,
            note,
            contact_points,
            ..Unit::first(id, self.kind, self.organisation_id, now)
        };
        unit.normalise();
        Ok(unit)
    }
}

/// A number a unit no longer has, and the number that took its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplacedNumber {
    /// E.164.
    pub number: String,
    pub unit_id: Uuid,
    pub contact_point_id: Uuid,
    pub purpose: Purpose,
    pub visibility: Visibility,
    /// E.164 of the same contact point's new number, else of the unit's number with the same
    /// purpose; none when the number went without a successor.
    pub replaced_by: Option<String>,
    pub replaced_at: NaiveDateTime,
}

impl Unit {
    /// The numbers `self` has that `after` (its next version, written at `at`) has not.
    pub fn numbers_replaced_by(&self, after: &Unit, at: NaiveDateTime) -> Vec<ReplacedNumber> {
        self.contact_points
            .iter()
            .filter(|old| {
                !after
                    .contact_points
                    .iter()
                    .any(|c| c.number.e164() == old.number.e164())
            })
            .map(|old| ReplacedNumber {
                number: old.number.e164().to_owned(),
                unit_id: self.id,
                contact_point_id: old.id,
                purpose: old.purpose,
                visibility: old.visibility,
                replaced_by: after
                    .contact_points
                    .iter()
                    .find(|c| c.id == old.id)
                    .or_else(|| after.contact_points.iter().find(|c| c.purpose == old.purpose))
                    .map(|c| c.number.e164().to_owned()),
                replaced_at: at,
            })
            .collect()
    }

    /// Puts the lists in their canonical order: areas sorted and unique, the `vag_in` first.
    pub fn normalise(&mut self) {
        self.area_ids.sort();
        self.area_ids.dedup();
        self.contact_points
            .sort_by(|a, b| (a.purpose, &a.label, a.id).cmp(&(b.purpose, &b.label, b.id)));
        let tidy = |periods: &mut Vec<hours::Period>| {
            periods.sort_by_key(|p| p.from);
            for p in periods {
                p.note = p
                    .note
                    .take()
                    .map(|n| n.trim().to_owned())
                    .filter(|n| !n.is_empty());
            }
        };
        for point in &mut self.contact_points {
            tidy(&mut point.periods);
        }
        tidy(&mut self.periods);
        self.notices.sort_by_key(|n| n.from);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A hemtjänst unit with these numbers (for the domain's tests).
    pub(crate) fn draft(points: Vec<(Purpose, &str)>) -> UnitDraft {
        UnitDraft {
            name: " Testenhet ".into(),
            kind: UnitKind::Hemtjanst,
            organisation_id: "boras-stad-vaf".into(),
            area_ids: vec!["mote-1".into()],
            hsa_id: None,
            address: Address::default(),
            active_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            reviewed_at: None,
            note: None,
            contact_points: points
                .into_iter()
                .map(|(purpose, number)| ContactPointDraft {
                    purpose,
                    label: "Nummer".into(),
                    visibility: Visibility::Internal,
                    number: number.into(),
                    number_confirmed: false,
                    hours: None,
                    periods: Vec::new(),
                })
                .collect(),
        }
    }

    fn now() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 1)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    }

    #[test]
    fn a_valid_draft_becomes_a_unit_with_its_vag_in_first() {
        let unit = draft(vec![
            (Purpose::Fax, "031-390 06 01"),
            (Purpose::VagIn, "031-390 06 00"),
        ])
        .validate(Uuid::nil(), now())
        .unwrap();
        assert_eq!(unit.name, "Testenhet");
        assert_eq!(unit.contact_points[0].purpose, Purpose::VagIn);
        assert_eq!(unit.vag_in().unwrap().number.e164(), "+46313900600");
    }

    #[test]
    fn a_draft_without_or_with_two_vag_in_is_refused() {
        for points in [
            vec![(Purpose::Fax, "031-390 06 01")],
            vec![
                (Purpose::VagIn, "031-390 06 00"),
                (Purpose::VagIn, "031-390 06 01"),
            ],
        ] {
            let errors = draft(points).validate(Uuid::nil(), now()).unwrap_err();
            assert_eq!(errors[0].field, "contact_points");
            assert!(errors[0].en.contains("exactly one"));
        }
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let mut d = draft(vec![(Purpose::VagIn, "12")]);
        d.name = "  ".into();
        d.hsa_id = Some("SE1-2".into());
        let errors = d.validate(Uuid::nil(), now()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "hsa_id", "contact_points[0].number"]);
    }
}
