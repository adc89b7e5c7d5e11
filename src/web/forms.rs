//! What the pages' forms and links send, read into values the pages and handlers share: the
//! search, a report, a number with its hours, the notices after a redirect.

use serde::Deserialize;

use crate::auth::User;
use crate::domain::edit::{ContactPointPatch, UnitPatch};
use crate::domain::hours::{Clock, Days, Mode, TelephoneHours, WeeklySpan};
use crate::domain::{
    ContactPointDraft, FieldError, Invalid, Purpose, UnitDraft, UnitKind, Visibility, shown,
};
use crate::service::accounts::{AccountChangesBody, NewAccount};
use crate::service::units::UnitChange;

#[derive(Debug, Default, Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    pub(super) q: String,
    #[serde(default)]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) area: String,
    /// The API's cursor for the next page ("Visa fler").
    #[serde(default)]
    pub(super) cursor: String,
}

impl SearchForm {
    /// The address of this search, at `cursor` (none: the first page).
    pub(super) fn link(&self, cursor: Option<&str>) -> String {
        let mut link = format!(
            "/?q={}&kind={}&area={}",
            percent(&self.q),
            percent(&self.kind),
            percent(&self.area)
        );
        if let Some(c) = cursor {
            link.push_str(&format!("&cursor={}", percent(c)));
        }
        link
    }
}

/// What the layout needs to know about the caller.
pub struct SessionView {
    pub user: Option<User>,
    pub csrf: String,
    pub expired: bool,
    /// Whether the page knows who is signed in (an error page made without the session
    /// shows neither "Logga in" nor "Logga ut").
    pub known: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct ReportInput {
    #[serde(default)]
    pub(super) csrf: String,
    #[serde(default)]
    pub(super) message: String,
    #[serde(default)]
    pub(super) proposed_number: String,
    /// Ticked: the proposed number is right as typed, although it looks mistyped.
    pub(super) proposed_number_confirmed: Option<String>,
}

/// A button's form that writes: the session's CSRF token and the version it was made from.
#[derive(Debug, Default, Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    pub(super) csrf: String,
    pub(super) version: i64,
}

/// One number as the edit form sends it.
#[derive(Debug, Default, Deserialize)]
pub struct NumberInput {
    #[serde(default)]
    pub(super) csrf: String,
    /// The unit's version the form was made from (If-Match).
    pub(super) version: i64,
    /// A new number's purpose (`switchboard`, `fax` …).
    #[serde(default)]
    pub(super) purpose: String,
    #[serde(default)]
    pub(super) label: String,
    #[serde(default)]
    pub(super) number: String,
    /// Ticked: the number is right as typed, although it looks mistyped.
    pub(super) number_confirmed: Option<String>,
    #[serde(default)]
    pub(super) visibility: String,
    /// `unknown` (not recorded), `always` (day and night), `open_during`, `closed_during` or
    /// `keep`.
    #[serde(default)]
    pub(super) hours_mode: String,
    #[serde(default)]
    pub(super) days_1: String,
    #[serde(default)]
    pub(super) from_1: String,
    #[serde(default)]
    pub(super) to_1: String,
    #[serde(default)]
    pub(super) days_2: String,
    #[serde(default)]
    pub(super) from_2: String,
    #[serde(default)]
    pub(super) to_2: String,
    #[serde(default)]
    pub(super) days_3: String,
    #[serde(default)]
    pub(super) from_3: String,
    #[serde(default)]
    pub(super) to_3: String,
    #[serde(default)]
    pub(super) reason: String,
    /// "Spara och markera som granskad": the unit is confirmed as reviewed in the same write.
    pub(super) granskad: Option<String>,
}

impl NumberInput {
    /// The write the form asks for to the number `stored` (and, with "Spara och markera
    /// enheten som granskad", the review), and the word the saved page shows it by.
    pub(super) fn change(
        &self,
        stored: &crate::domain::ContactPoint,
    ) -> Result<(UnitChange, &'static str), FieldError> {
        let change = UnitChange::ChangeNumber(stored.id, Box::new(self.patch(stored)?));
        Ok(match self.granskad {
            Some(_) => (UnitChange::AndConfirm(Box::new(change)), "granskad"),
            None => (change, "1"),
        })
    }

    /// The new number the form describes (a unit's numbers are added one by one).
    pub(super) fn new_number(&self) -> Result<UnitChange, Vec<FieldError>> {
        let purpose = Purpose::parse(&self.purpose).map_err(|e| vec![e.at("purpose")])?;
        let draft = ContactPointDraft {
            purpose,
            label: self.label.clone(),
            visibility: self.visibility(),
            number: self.number.clone(),
            number_confirmed: self.number_confirmed.is_some(),
            hours: self.hours(None).map_err(|e| vec![e])?,
            periods: Vec::new(),
        };
        Ok(UnitChange::AddNumber(Box::new(draft.validate("")?)))
    }

    fn visibility(&self) -> Visibility {
        match self.visibility.as_str() {
            "public" => Visibility::Public,
            _ => Visibility::Internal,
        }
    }

    /// The change the form asks for to the number `stored`.
    pub(super) fn patch(
        &self,
        stored: &crate::domain::ContactPoint,
    ) -> Result<ContactPointPatch, FieldError> {
        let visibility = self.visibility();
        Ok(ContactPointPatch {
            label: Some(self.label.clone()),
            number: Some(self.number.clone()),
            number_confirmed: self.number_confirmed.is_some(),
            visibility: Some(visibility),
            hours: Some(self.hours(stored.hours.as_ref())?),
            ..ContactPointPatch::default()
        })
    }

    /// The telephone hours of the form, keeping what the form does not show (date exceptions,
    /// validity) from the stored hours.
    pub(super) fn hours(
        &self,
        stored: Option<&TelephoneHours>,
    ) -> Result<Option<TelephoneHours>, FieldError> {
        if self.hours_mode == "unknown" {
            return Ok(None);
        }
        if self.hours_mode == "always" {
            // Day and night as data, keeping the dated exceptions and validity.
            let mut always = TelephoneHours::always();
            if let Some(stored) = stored {
                always.exceptions = stored.exceptions.clone();
                always.valid_from = stored.valid_from;
                always.valid_to = stored.valid_to;
            }
            return Ok(Some(always));
        }
        if self.hours_mode == "keep" {
            return Ok(stored.cloned());
        }
        let rows = [
            (&self.days_1, &self.from_1, &self.to_1),
            (&self.days_2, &self.from_2, &self.to_2),
            (&self.days_3, &self.from_3, &self.to_3),
        ];
        let mut filled = Vec::new();
        for (days, from, to) in rows {
            let (from, to) = (from.trim(), to.trim());
            if days.is_empty() && from.is_empty() && to.is_empty() {
                continue;
            }
            if days.is_empty() {
                return Err(Invalid::new(
                    "välj vilka dagar tiden gäller",
                    "choose the days the span applies to",
                )
                .at("hours"));
            }
            filled.push((days.as_str(), from, to));
        }
        if filled.is_empty() {
            return Err(Invalid::new(
                "ange minst en tid då numret svarar, eller välj ”dygnet runt” eller ”telefontid saknas”",
                "give at least one span, or choose day and night or hours not recorded",
            )
            .at("hours"));
        }
        let unreadable = |what: &str| {
            Invalid::new(
                format!("telefontiden kan inte läsas: {}", shown(what)),
                format!("the hours cannot be read: {}", shown(what)),
            )
            .at("hours")
        };
        let mode = Mode::parse(&self.hours_mode).ok_or_else(|| unreadable(&self.hours_mode))?;
        let clock = |raw: &str| {
            Clock::try_from(raw.to_owned())
                .map_err(|e| Invalid::new("skriv tiderna som TT:MM, till exempel 08:00", e).at("hours"))
        };
        let mut weekly = Vec::new();
        for (days, from, to) in filled {
            weekly.push(WeeklySpan {
                days: [Days::parse(days).ok_or_else(|| unreadable(days))?].into(),
                from: clock(from)?,
                to: clock(to)?,
            });
        }
        Ok(Some(TelephoneHours {
            mode,
            weekly,
            exceptions: stored.map(|s| s.exceptions.clone()).unwrap_or_default(),
            valid_from: stored.and_then(|s| s.valid_from),
            valid_to: stored.and_then(|s| s.valid_to),
        }))
    }
}

pub(super) fn percent(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct NoticeParams {
    #[serde(default)]
    pub(super) klart: Option<String>,
    /// "Who answers at …": a Borås time (`2026-11-25T12:30`, as a datetime-local field
    /// sends it) or an RFC 3339 moment; default now.
    #[serde(default)]
    pub(super) vid: Option<String>,
}

/// A unit's own fields as the unit form sends them (a ticked area box sends `area`, once per
/// box; preschools one per line).
#[derive(Debug, Default)]
pub struct UnitInput {
    pub(super) csrf: String,
    /// The unit's version the form was made from (0 for a new unit).
    pub(super) version: i64,
    pub(super) name: String,
    pub(super) kind: String,
    pub(super) organisation_id: String,
    pub(super) areas: Vec<String>,
    pub(super) hsa_id: String,
    pub(super) street: String,
    pub(super) postal_code: String,
    pub(super) city: String,
    pub(super) note: String,
    pub(super) active_from: String,
    pub(super) active_to: String,
    pub(super) review_interval_months: String,
    pub(super) preschools: String,
    pub(super) reason: String,
    /// "Spara och markera som granskad".
    pub(super) granskad: bool,
    /// A new unit's one way in: its description and number.
    pub(super) vag_in_label: String,
    pub(super) vag_in_number: String,
    pub(super) number_confirmed: bool,
}

impl UnitInput {
    /// The form as sent (`application/x-www-form-urlencoded` pairs, in order).
    pub(super) fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut input = Self::default();
        for (key, value) in pairs {
            match key.as_str() {
                "csrf" => input.csrf = value,
                "version" => input.version = value.trim().parse().unwrap_or(-1),
                "name" => input.name = value,
                "kind" => input.kind = value,
                "organisation_id" => input.organisation_id = value,
                "area" => input.areas.push(value),
                "hsa_id" => input.hsa_id = value,
                "street" => input.street = value,
                "postal_code" => input.postal_code = value,
                "city" => input.city = value,
                "note" => input.note = value,
                "active_from" => input.active_from = value,
                "active_to" => input.active_to = value,
                "review_interval_months" => input.review_interval_months = value,
                "preschools" => input.preschools = value,
                "reason" => input.reason = value,
                "granskad" => input.granskad = true,
                "vag_in_label" => input.vag_in_label = value,
                "vag_in_number" => input.vag_in_number = value,
                "number_confirmed" => input.number_confirmed = true,
                _ => {}
            }
        }
        input
    }

    /// The form as it shows a stored unit.
    pub(super) fn of(unit: &crate::domain::Unit) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Self {
            version: unit.version,
            name: unit.name.clone(),
            kind: unit.kind.code().to_owned(),
            organisation_id: unit.organisation_id.clone(),
            areas: unit.area_ids.clone(),
            hsa_id: unit.hsa_id.as_ref().map(|h| h.to_string()).unwrap_or_default(),
            street: text(&unit.address.street),
            postal_code: text(&unit.address.postal_code),
            city: text(&unit.address.city),
            note: text(&unit.note),
            active_from: unit.active_from.to_string(),
            active_to: unit.active_to.map(|d| d.to_string()).unwrap_or_default(),
            review_interval_months: unit.review_interval_months.to_string(),
            preschools: unit.preschools.join("\n"),
            ..Self::default()
        }
    }

    /// The unit's fields as the form has them: every field the form shows, blank clears.
    pub(super) fn patch(&self) -> Result<UnitPatch, Vec<FieldError>> {
        let mut errors = Vec::new();
        let optional = |v: &str| Some(v.trim()).filter(|v| !v.is_empty()).map(str::to_owned);
        let kind = UnitKind::parse(&self.kind)
            .map_err(|e| errors.push(e.at("kind")))
            .ok();
        let active_from = date(&self.active_from, "active_from")
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let active_to = date(&self.active_to, "active_to")
            .map_err(|e| errors.push(e))
            .ok();
        let months = match self.review_interval_months.trim() {
            "" => None,
            raw => raw
                .parse::<u32>()
                .map_err(|_| {
                    errors.push(
                        Invalid::new(
                            format!("'{}' är inget antal månader", shown(raw)),
                            format!("'{}' is not a number of months", shown(raw)),
                        )
                        .at("review_interval_months"),
                    )
                })
                .ok(),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(UnitPatch {
            name: Some(self.name.clone()),
            kind,
            organisation_id: Some(self.organisation_id.clone()),
            area_ids: Some(self.areas.clone()),
            hsa_id: Some(optional(&self.hsa_id)),
            street: Some(optional(&self.street)),
            postal_code: Some(optional(&self.postal_code)),
            city: Some(optional(&self.city)),
            active_from,
            active_to,
            note: Some(optional(&self.note)),
            preschools: Some(
                self.preschools
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
            review_interval_months: months,
            ..UnitPatch::default()
        })
    }

    /// The write the form asks for (with "Spara och markera som granskad", the review too),
    /// and the word the saved page shows it by.
    pub(super) fn change(&self) -> Result<(UnitChange, &'static str), Vec<FieldError>> {
        let change = UnitChange::Update(Box::new(self.patch()?));
        Ok(match self.granskad {
            true => (UnitChange::AndConfirm(Box::new(change)), "granskad"),
            false => (change, "1"),
        })
    }

    /// A new unit from the form: its fields and its one way in.
    pub(super) fn draft(&self) -> Result<UnitDraft, Vec<FieldError>> {
        let patch = self.patch()?;
        let kind = patch.kind.ok_or_else(Vec::new)?;
        Ok(UnitDraft {
            name: self.name.clone(),
            kind,
            organisation_id: self.organisation_id.clone(),
            area_ids: self.areas.clone(),
            hsa_id: patch.hsa_id.flatten(),
            address: crate::domain::Address {
                street: patch.street.flatten(),
                postal_code: patch.postal_code.flatten(),
                city: patch.city.flatten(),
            },
            active_from: patch.active_from.unwrap_or_else(crate::domain::today),
            reviewed_at: None,
            note: patch.note.flatten(),
            contact_points: vec![ContactPointDraft {
                purpose: Purpose::VagIn,
                label: self.vag_in_label.clone(),
                visibility: Visibility::Internal,
                number: self.vag_in_number.clone(),
                number_confirmed: self.number_confirmed,
                hours: None,
                periods: Vec::new(),
            }],
        })
    }
}

/// A date field (`YYYY-MM-DD`, as a date input sends it); blank is none.
fn date(raw: &str, field: &str) -> Result<Option<chrono::NaiveDate>, FieldError> {
    match raw.trim() {
        "" => Ok(None),
        raw => chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                Invalid::new(
                    format!("'{}' är inget datum (ÅÅÅÅ-MM-DD)", shown(raw)),
                    format!("'{}' is not a date (YYYY-MM-DD)", shown(raw)),
                )
                .at(field)
            }),
    }
}

/// An account as the accounts page's forms send it (an organisation box sends `org`, once
/// per ticked box).
#[derive(Debug, Default)]
pub struct AccountInput {
    pub(super) csrf: String,
    pub(super) version: i64,
    pub(super) username: String,
    pub(super) display_name: String,
    pub(super) password: String,
    pub(super) role: String,
    pub(super) organisations: Vec<String>,
    pub(super) disabled: bool,
}

impl AccountInput {
    pub(super) fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut input = Self::default();
        for (key, value) in pairs {
            match key.as_str() {
                "csrf" => input.csrf = value,
                "version" => input.version = value.trim().parse().unwrap_or(-1),
                "username" => input.username = value,
                "display_name" => input.display_name = value,
                "password" => input.password = value,
                "role" => input.role = value,
                "org" => input.organisations.push(value),
                "disabled" => input.disabled = true,
                _ => {}
            }
        }
        input
    }

    /// A new account as the form describes it.
    pub(super) fn new_account(&self) -> Result<NewAccount, crate::error::AppError> {
        let (name, password) = (self.display_name.clone(), self.password.clone());
        Ok(NewAccount::new(
            self.username.clone(),
            name,
            password,
            self.role()?,
            self.organisations.clone(),
        ))
    }

    /// The changes the form asks for: every field it shows, a password only when one is typed.
    pub(super) fn changes(&self) -> Result<AccountChangesBody, crate::error::AppError> {
        let password = Some(self.password.clone()).filter(|p| !p.is_empty());
        let orgs = self.organisations.clone();
        Ok(AccountChangesBody::new(
            self.display_name.clone(),
            password,
            self.role()?,
            orgs,
            self.disabled,
        ))
    }

    fn role(&self) -> Result<crate::domain::Role, crate::error::AppError> {
        crate::domain::Role::parse(&self.role).map_err(|e| crate::error::AppError::invalid("role", e))
    }
}
