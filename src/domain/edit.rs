//! Edits: how a submitted change turns a valid value into another valid value, or is refused
//! with a reason. Pure, like the rest of the domain: the handlers parse requests into these
//! types, the repository stores what they return.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{
    Address, Area, AreaKind, ContactPoint, FieldError, HsaId, Invalid, MAX_ADDRESS_CHARS, MAX_LABEL_CHARS,
    MAX_NAME_CHARS, MAX_NOTE_CHARS, Organisation, OrganisationKind, PhoneNumber, Purpose, Unit, UnitKind,
    Visibility, bounded_text, shown,
};

/// Why an edit was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// 400: a value is invalid.
    Invalid(Vec<FieldError>),
    /// 409: the values are fine, but the change would break a rule of the directory.
    Conflict(Invalid),
    /// 404: the thing to change does not exist.
    NotFound(Invalid),
}

impl From<Vec<FieldError>> for Refusal {
    fn from(errors: Vec<FieldError>) -> Self {
        Refusal::Invalid(errors)
    }
}

impl From<FieldError> for Refusal {
    fn from(error: FieldError) -> Self {
        Refusal::Invalid(vec![error])
    }
}

/// Longest short name of an organisation.
pub const MAX_SHORT_NAME_CHARS: usize = 50;

/// Longest reason for a change.
pub const MAX_REASON_CHARS: usize = 500;

// Field rules, shared by creation and patches so that both accept exactly the same values.

pub fn name(raw: &str) -> Result<String, Invalid> {
    bounded_text(raw, MAX_NAME_CHARS, "namnet", "the name")
}

pub fn label(raw: &str) -> Result<String, Invalid> {
    bounded_text(raw, MAX_LABEL_CHARS, "etiketten", "the label")
}

/// An optional text: absent or blank means none.
fn optional_text(
    raw: Option<&str>,
    max: usize,
    what_sv: &str,
    what_en: &str,
) -> Result<Option<String>, Invalid> {
    match raw {
        None => Ok(None),
        // Blank is none, but not a blank longer than the field (the document's maxLength).
        Some(text) if text.trim().is_empty() && text.chars().count() <= max => {
            super::text::check(text).map(|()| None)
        }
        Some(text) => bounded_text(text, max, what_sv, what_en).map(Some),
    }
}

pub fn note(raw: Option<&str>) -> Result<Option<String>, Invalid> {
    optional_text(raw, MAX_NOTE_CHARS, "anteckningen", "the note")
}

pub fn reason(raw: Option<&str>) -> Result<Option<String>, Invalid> {
    optional_text(raw, MAX_REASON_CHARS, "motiveringen", "the reason")
}

pub fn hsa_id(raw: Option<&str>) -> Result<Option<HsaId>, Invalid> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => HsaId::parse(text).map(Some),
    }
}

pub fn address(raw: &Address) -> Result<Address, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut part = |value: &Option<String>, field: &str, sv: &str, en: &str| {
        optional_text(value.as_deref(), MAX_ADDRESS_CHARS, sv, en)
            .map_err(|e| errors.push(e.at(format!("address.{field}"))))
            .unwrap_or_default()
    };
    let address = Address {
        street: part(&raw.street, "street", "gatuadressen", "the street address"),
        postal_code: part(&raw.postal_code, "postal_code", "postnumret", "the postal code"),
        city: part(&raw.city, "city", "orten", "the city"),
    };
    if errors.is_empty() {
        Ok(address)
    } else {
        Err(errors)
    }
}

/// A stable, readable id for organisations and areas: `boras-stad-vaf`, `mote-1`.
pub fn slug(raw: &str) -> Result<String, Invalid> {
    let ok = (1..=64).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !raw.starts_with('-')
        && !raw.ends_with('-');
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(Invalid::new(
            format!(
                "'{}' är inget giltigt id: 1–64 tecken a–z, 0–9 och bindestreck (t.ex. boras-stad-vaf)",
                shown(raw)
            ),
            format!(
                "'{}' is not a valid id: 1–64 characters a–z, 0–9 and hyphens (e.g. boras-stad-vaf)",
                shown(raw)
            ),
        ))
    }
}

/// An id that names an organisation or area: of the wrong form, 400 ([`slug`]); of the right
/// form but naming nothing (`found` is `None`), 422 with `unknown`.
pub fn known<T>(raw: &str, found: Option<T>, unknown: Invalid) -> Result<T, Invalid> {
    slug(raw)?;
    found.ok_or(unknown.as_rule())
}

fn check_period(from: NaiveDate, to: Option<NaiveDate>) -> Result<(), FieldError> {
    match to {
        Some(to) if to <= from => Err(Invalid::rule(
            format!("slutdatum {to} måste vara efter startdatum {from}"),
            format!("the end date {to} must be after the start date {from}"),
        )
        .at("active_to")),
        _ => Ok(()),
    }
}

/// A change to a unit's own fields (not its contact points). `None`: leave as it is;
/// `Some(None)`: clear a field that may be empty.
#[derive(Debug, Clone, Default)]
pub struct UnitPatch {
    pub name: Option<String>,
    pub kind: Option<UnitKind>,
    pub organisation_id: Option<String>,
    pub area_ids: Option<Vec<String>>,
    pub hsa_id: Option<Option<String>>,
    pub street: Option<Option<String>>,
    pub postal_code: Option<Option<String>>,
    pub city: Option<Option<String>>,
    pub active_from: Option<NaiveDate>,
    pub active_to: Option<Option<NaiveDate>>,
    pub reviewed_at: Option<Option<NaiveDate>>,
    pub note: Option<Option<String>>,
    pub fallback_contact_point_id: Option<Option<Uuid>>,
    pub responsibility: Option<Option<super::responsibility::Responsibility>>,
    pub preschools: Option<Vec<String>>,
    pub review_interval_months: Option<u32>,
    pub periods: Option<Vec<super::hours::Period>>,
    pub notices: Option<Vec<super::hours::Notice>>,
}

impl UnitPatch {
    /// The unit with the patch applied, every changed field checked by the rules of creation.
    pub fn apply(self, unit: &Unit) -> Result<Unit, Refusal> {
        let mut errors = Vec::new();
        let mut next = unit.clone();
        if let Some(raw) = self.name {
            match name(&raw) {
                Ok(v) => next.name = v,
                Err(e) => errors.push(e.at("name")),
            }
        }
        if let Some(kind) = self.kind {
            next.kind = kind;
        }
        if let Some(org) = self.organisation_id {
            next.organisation_id = org;
        }
        if let Some(areas) = self.area_ids {
            next.area_ids = areas;
        }
        if let Some(raw) = self.hsa_id {
            match hsa_id(raw.as_deref()) {
                Ok(v) => next.hsa_id = v,
                Err(e) => errors.push(e.at("hsa_id")),
            }
        }
        let raw_address = Address {
            street: self.street.unwrap_or_else(|| unit.address.street.clone()),
            postal_code: self
                .postal_code
                .unwrap_or_else(|| unit.address.postal_code.clone()),
            city: self.city.unwrap_or_else(|| unit.address.city.clone()),
        };
        match address(&raw_address) {
            Ok(a) => next.address = a,
            Err(e) => errors.extend(e),
        }
        if let Some(from) = self.active_from {
            next.active_from = from;
        }
        if let Some(to) = self.active_to {
            next.active_to = to;
        }
        if let Err(e) = check_period(next.active_from, next.active_to) {
            errors.push(e);
        }
        if let Some(reviewed) = self.reviewed_at {
            next.reviewed_at = reviewed;
        }
        if let Some(raw) = self.note {
            match note(raw.as_deref()) {
                Ok(v) => next.note = v,
                Err(e) => errors.push(e.at("note")),
            }
        }
        if let Some(fallback) = self.fallback_contact_point_id {
            if fallback.is_some_and(|f| unit.contact_points.iter().any(|c| c.id == f)) {
                errors.push(
                    Invalid::rule(
                        "reservnumret ska tillhöra en annan enhet; enhetens egna nummer är de som är stängda",
                        "the fallback must be another unit's number; the unit's own numbers are the closed ones",
                    )
                    .at("fallback_contact_point_id"),
                );
            }
            next.fallback_contact_point_id = fallback;
        }
        if let Some(months) = self.review_interval_months {
            match super::review::interval(months) {
                Ok(v) => next.review_interval_months = v,
                Err(e) => errors.push(e.at("review_interval_months")),
            }
        }
        if let Some(responsibility) = self.responsibility {
            next.responsibility = responsibility;
        }
        if next.responsibility.is_some() && next.kind.category() != super::KindCategory::Boende {
            errors.push(
                Invalid::rule(
                    format!(
                        "bara ett boende har en ansvarig vårdcentral, inte en enhet av typen {}",
                        next.kind
                    ),
                    format!(
                        "only a boende has a responsible vårdcentral, not a unit of kind {}",
                        next.kind
                    ),
                )
                .at("responsibility"),
            );
        }
        if let Some(names) = self.preschools {
            match preschools(&names) {
                Ok(v) => next.preschools = v,
                Err(e) => errors.extend(e),
            }
        }
        if !next.preschools.is_empty() && !matches!(next.kind, UnitKind::Bvc | UnitKind::Vardcentral) {
            errors.push(
                Invalid::rule(
                    format!(
                        "bara en BVC (eller vårdcentral) ansvarar för förskolor, inte en enhet av typen {}",
                        next.kind
                    ),
                    format!(
                        "only a BVC (or vårdcentral) is responsible for preschools, not a unit of kind {}",
                        next.kind
                    ),
                )
                .at("preschools"),
            );
        }
        if let Some(periods) = self.periods {
            match super::hours::validate_periods(&periods, None, "periods") {
                Ok(()) => next.periods = periods,
                Err(e) => errors.extend(e),
            }
            if let Some(i) = next.periods.iter().position(|p| {
                p.redirect_to
                    .is_some_and(|r| next.contact_points.iter().any(|c| c.id == r))
            }) {
                errors.push(
                    Invalid::rule(
                        "en period för hela enheten skickar samtalen till en annan enhets nummer; enhetens egna nummer är de som är stängda",
                        "a period of the whole unit sends the calls to another unit's number; the unit's own numbers are the closed ones",
                    )
                    .at(format!("periods[{i}].redirect_to")),
                );
            }
        }
        if let Some(notices) = self.notices {
            match super::hours::validate_notices(&notices, "notices") {
                Ok(()) => {
                    next.notices = notices
                        .into_iter()
                        .map(|n| super::hours::Notice {
                            text: n.text.trim().to_owned(),
                            ..n
                        })
                        .collect()
                }
                Err(e) => errors.extend(e),
            }
        }
        if !errors.is_empty() {
            return Err(Refusal::Invalid(errors));
        }
        next.normalise();
        Ok(next)
    }
}

/// A list of names, each checked by `check`, none twice (ignoring case and accents), sorted
/// the Swedish way. Errors name `field[i]`.
fn name_list(
    names: &[String],
    field: &str,
    check: impl Fn(&str) -> Result<String, Invalid>,
) -> Result<Vec<String>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out: Vec<String> = Vec::new();
    for (i, raw) in names.iter().enumerate() {
        match check(raw) {
            Ok(name)
                if out
                    .iter()
                    .any(|n| super::text::fold(n) == super::text::fold(&name)) =>
            {
                errors.push(
                    Invalid::rule(
                        format!("'{name}' står två gånger"),
                        format!("'{name}' is given twice"),
                    )
                    .at(format!("{field}[{i}]")),
                )
            }
            Ok(name) => out.push(name),
            Err(e) => errors.push(e.at(format!("{field}[{i}]"))),
        }
    }
    out.sort_by_key(|n| super::text::sort_key(n));
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// Preschool names: each 1–200 characters, none twice.
pub fn preschools(names: &[String]) -> Result<Vec<String>, Vec<FieldError>> {
    name_list(names, "preschools", |raw| {
        bounded_text(raw, MAX_NAME_CHARS, "förskolans namn", "the preschool's name")
    })
}

/// A change to one contact point.
#[derive(Debug, Clone, Default)]
pub struct ContactPointPatch {
    pub purpose: Option<Purpose>,
    pub label: Option<String>,
    pub visibility: Option<Visibility>,
    pub number: Option<String>,
    /// The number is right as typed, although it looks mistyped ([`PhoneNumber::doubt`]).
    pub number_confirmed: bool,
    pub hours: Option<Option<super::hours::TelephoneHours>>,
    pub periods: Option<Vec<super::hours::Period>>,
}

fn vag_in_conflict(sv: &str, en: &str) -> Refusal {
    Refusal::Conflict(Invalid::new(
        format!(
            "{sv}; varje enhet har exakt ett nummer med syftet vag_in (en väg in): ändra det numret i stället"
        ),
        format!(
            "{en}; every unit has exactly one contact point with purpose vag_in (one way in): change that number instead"
        ),
    ))
}

fn no_such_point(unit: &Unit, id: Uuid) -> Refusal {
    Refusal::NotFound(Invalid::rule(
        format!("enheten {} har inget nummer med id {id}", unit.id),
        format!("unit {} has no contact point with id {id}", unit.id),
    ))
}

impl Unit {
    /// Ends the unit's active period on `day` (the first day it is no longer active). A unit
    /// that already ends on or before that day is left alone: 409, not a silent change.
    pub fn deactivated(&self, day: NaiveDate) -> Result<Unit, Refusal> {
        if let Some(end) = self.active_to.filter(|end| *end <= day) {
            return Err(Refusal::Conflict(Invalid::new(
                format!(
                    "enheten är redan avslutad från {end}; ändra active_to med PATCH om datumet ska flyttas"
                ),
                format!("the unit already ends on {end}; PATCH active_to to move that date"),
            )));
        }
        let mut next = self.clone();
        next.active_to = Some(day);
        check_period(next.active_from, next.active_to)?;
        Ok(next)
    }

    /// The unit with one more number. A second `vag_in` is refused.
    pub fn with_contact_point(&self, point: ContactPoint) -> Result<Unit, Refusal> {
        if point.purpose == Purpose::VagIn {
            return Err(vag_in_conflict(
                "enheten har redan sitt nummer för en väg in",
                "the unit already has its one-way-in number",
            ));
        }
        let mut next = self.clone();
        next.contact_points.push(point);
        next.normalise();
        Ok(next)
    }

    /// The unit with one number changed. The `vag_in` keeps its purpose, and no other number
    /// can take it.
    pub fn with_contact_point_changed(&self, id: Uuid, patch: ContactPointPatch) -> Result<Unit, Refusal> {
        let mut next = self.clone();
        let point = next
            .contact_points
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or_else(|| no_such_point(self, id))?;
        if let Some(purpose) = patch.purpose
            && (purpose == Purpose::VagIn) != (point.purpose == Purpose::VagIn)
        {
            return Err(if purpose == Purpose::VagIn {
                vag_in_conflict(
                    "ett annat nummer kan inte bli enhetens väg in",
                    "another number cannot become the unit's one way in",
                )
            } else {
                vag_in_conflict(
                    "numret för en väg in kan inte få ett annat syfte",
                    "the one-way-in number cannot get another purpose",
                )
            });
        }
        let mut errors = Vec::new();
        if let Some(purpose) = patch.purpose {
            point.purpose = purpose;
        }
        if let Some(visibility) = patch.visibility {
            point.visibility = visibility;
        }
        if let Some(raw) = patch.label {
            match label(&raw) {
                Ok(v) => point.label = v,
                Err(e) => errors.push(e.at("label")),
            }
        }
        if let Some(raw) = patch.number {
            // The number it has already is not asked about again (it may have been confirmed,
            // or imported with a warning).
            let confirmed =
                patch.number_confirmed || PhoneNumber::parse(&raw).is_ok_and(|n| n == point.number);
            match PhoneNumber::typed(&raw, confirmed, "number_confirmed") {
                Ok(v) => point.number = v,
                Err(e) => errors.push(e.at("number")),
            }
        }
        if let Some(hours) = patch.hours {
            if let Some(Err(e)) = hours.as_ref().map(|h| h.validate("hours")) {
                errors.extend(e);
            }
            point.hours = hours;
        }
        if let Some(periods) = patch.periods {
            if let Err(e) = super::hours::validate_periods(&periods, Some(id), "periods") {
                errors.extend(e);
            }
            point.periods = periods;
        }
        if !errors.is_empty() {
            return Err(Refusal::Invalid(errors));
        }
        next.normalise();
        Ok(next)
    }

    /// The unit without one of its numbers. The `vag_in` cannot be removed.
    pub fn without_contact_point(&self, id: Uuid) -> Result<Unit, Refusal> {
        let point = self
            .contact_points
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| no_such_point(self, id))?;
        if point.purpose == Purpose::VagIn {
            return Err(vag_in_conflict(
                "numret för en väg in kan inte tas bort",
                "the one-way-in number cannot be removed",
            ));
        }
        let mut next = self.clone();
        next.contact_points.retain(|c| c.id != id);
        Ok(next)
    }
}

/// A new organisation as submitted.
#[derive(Debug, Clone)]
pub struct OrganisationDraft {
    pub id: String,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: OrganisationKind,
    pub parent_id: Option<String>,
}

fn short_name(raw: Option<&str>) -> Result<Option<String>, Invalid> {
    optional_text(raw, MAX_SHORT_NAME_CHARS, "kortnamnet", "the short name")
}

/// The organisation above: blank is none, else an id of the right form (whether it exists is
/// the database's check).
fn parent_id(raw: Option<&str>) -> Result<Option<String>, Invalid> {
    match raw {
        None => Ok(None),
        Some(p) if p.trim().is_empty() => Ok(None),
        Some(p) => slug(p).map(Some),
    }
}

impl OrganisationDraft {
    pub fn validate(self) -> Result<Organisation, Refusal> {
        let mut errors = Vec::new();
        let id = slug(&self.id).map_err(|e| errors.push(e.at("id")));
        let name = name(&self.name).map_err(|e| errors.push(e.at("name")));
        let short = short_name(self.short_name.as_deref()).map_err(|e| errors.push(e.at("short_name")));
        let parent = parent_id(self.parent_id.as_deref()).map_err(|e| errors.push(e.at("parent_id")));
        match (id, name, short, parent) {
            (Ok(id), Ok(name), Ok(short_name), Ok(parent_id)) => Ok(Organisation {
                parent_id,
                id,
                name,
                short_name,
                kind: self.kind,
                active_to: None,
                version: 1,
            }),
            _ => Err(Refusal::Invalid(errors)),
        }
    }
}

/// A change to an organisation.
#[derive(Debug, Clone, Default)]
pub struct OrganisationPatch {
    pub name: Option<String>,
    pub short_name: Option<Option<String>>,
    pub kind: Option<OrganisationKind>,
    pub parent_id: Option<Option<String>>,
    pub active_to: Option<Option<NaiveDate>>,
}

impl OrganisationPatch {
    /// Ends the organisation on `day`.
    pub fn ending(day: NaiveDate) -> Self {
        Self {
            active_to: Some(Some(day)),
            ..Self::default()
        }
    }

    pub fn apply(self, org: &Organisation) -> Result<Organisation, Refusal> {
        let mut errors = Vec::new();
        let mut next = org.clone();
        if let Some(raw) = self.name {
            match name(&raw) {
                Ok(v) => next.name = v,
                Err(e) => errors.push(e.at("name")),
            }
        }
        if let Some(raw) = self.short_name {
            match short_name(raw.as_deref()) {
                Ok(v) => next.short_name = v,
                Err(e) => errors.push(e.at("short_name")),
            }
        }
        if let Some(kind) = self.kind {
            next.kind = kind;
        }
        if let Some(parent) = self.parent_id {
            match parent_id(parent.as_deref()) {
                Ok(v) => next.parent_id = v,
                Err(e) => errors.push(e.at("parent_id")),
            }
        }
        if let Some(to) = self.active_to {
            next.active_to = to;
        }
        if errors.is_empty() {
            Ok(next)
        } else {
            Err(Refusal::Invalid(errors))
        }
    }
}

/// A new area as submitted.
#[derive(Debug, Clone)]
pub struct AreaDraft {
    pub id: String,
    pub name: String,
    pub kind: AreaKind,
}

impl AreaDraft {
    pub fn validate(self) -> Result<Area, Refusal> {
        let mut errors = Vec::new();
        let id = slug(&self.id).map_err(|e| errors.push(e.at("id")));
        let name = name(&self.name).map_err(|e| errors.push(e.at("name")));
        match (id, name) {
            (Ok(id), Ok(name)) => Ok(Area {
                id,
                name,
                kind: self.kind,
                active_to: None,
                version: 1,
                streets: Vec::new(),
            }),
            _ => Err(Refusal::Invalid(errors)),
        }
    }
}

/// A change to an area.
#[derive(Debug, Clone, Default)]
pub struct AreaPatch {
    pub name: Option<String>,
    pub kind: Option<AreaKind>,
    pub active_to: Option<Option<NaiveDate>>,
    /// For a district: all its streets or parts of them (replaces the list).
    pub streets: Option<Vec<super::streets::StreetInput>>,
}

impl AreaPatch {
    /// Ends the area on `day`.
    pub fn ending(day: NaiveDate) -> Self {
        Self {
            active_to: Some(Some(day)),
            ..Self::default()
        }
    }

    pub fn apply(self, area: &Area) -> Result<Area, Refusal> {
        let mut next = area.clone();
        if let Some(raw) = self.name {
            next.name = name(&raw).map_err(|e| e.at("name"))?;
        }
        if let Some(kind) = self.kind {
            next.kind = kind;
        }
        if let Some(to) = self.active_to {
            next.active_to = to;
        }
        if let Some(list) = self.streets {
            next.streets = super::streets::spans(&list, "streets")?;
        }
        if !next.streets.is_empty() && next.kind != AreaKind::District {
            return Err(Refusal::Invalid(vec![
                Invalid::rule("bara ett distrikt har gator", "only a district has streets").at("streets"),
            ]));
        }
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn unit() -> Unit {
        crate::domain::tests::draft(vec![
            (Purpose::VagIn, "031-390 06 00"),
            (Purpose::Fax, "031-390 06 01"),
        ])
        .validate(Uuid::nil(), chrono::Utc::now().naive_utc())
        .unwrap()
    }

    #[test]
    fn a_patch_changes_only_what_it_names_and_checks_it() {
        let u = unit();
        let next = UnitPatch {
            name: Some(" Nytt namn ".into()),
            note: Some(Some("ny växel från 1 mars".into())),
            ..UnitPatch::default()
        }
        .apply(&u)
        .unwrap();
        assert_eq!(next.name, "Nytt namn");
        assert_eq!(next.note.as_deref(), Some("ny växel från 1 mars"));
        assert_eq!(next.contact_points, u.contact_points);

        let Refusal::Invalid(errors) = UnitPatch {
            name: Some(" ".into()),
            hsa_id: Some(Some("SE1".into())),
            active_to: Some(Some(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap())),
            ..UnitPatch::default()
        }
        .apply(&u)
        .unwrap_err() else {
            panic!("expected invalid")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "hsa_id", "active_to"]);
    }

    #[test]
    fn the_vag_in_number_keeps_its_role() {
        let u = unit();
        let vag_in = u.vag_in().unwrap().id;
        let fax = u.contact_points[1].id;
        let second = ContactPoint {
            id: Uuid::new_v4(),
            purpose: Purpose::VagIn,
            label: "Andra".into(),
            visibility: Visibility::Public,
            number: PhoneNumber::parse("031-390 06 02").unwrap(),
            hours: None,
            periods: Vec::new(),
        };
        assert!(matches!(u.with_contact_point(second), Err(Refusal::Conflict(_))));
        assert!(matches!(
            u.without_contact_point(vag_in),
            Err(Refusal::Conflict(_))
        ));
        let demote = ContactPointPatch {
            purpose: Some(Purpose::Other),
            ..Default::default()
        };
        assert!(matches!(
            u.with_contact_point_changed(vag_in, demote),
            Err(Refusal::Conflict(_))
        ));
        let promote = ContactPointPatch {
            purpose: Some(Purpose::VagIn),
            ..Default::default()
        };
        assert!(matches!(
            u.with_contact_point_changed(fax, promote),
            Err(Refusal::Conflict(_))
        ));
        let renumber = ContactPointPatch {
            number: Some("031-390 06 09".into()),
            ..Default::default()
        };
        let next = u.with_contact_point_changed(vag_in, renumber).unwrap();
        assert_eq!(next.vag_in().unwrap().number.national(), "031-390 06 09");
        assert!(matches!(
            u.without_contact_point(Uuid::new_v4()),
            Err(Refusal::NotFound(_))
        ));
    }

    #[test]
    fn slugs_are_plain() {
        assert!(slug("boras-stad-vaf").is_ok());
        for bad in ["", "Borås", "a b", "-a", "a-", &"a".repeat(65)] {
            assert!(slug(bad).is_err(), "{bad}");
        }
    }
}
