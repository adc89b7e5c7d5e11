//! What the pages' forms and links send, read into values the pages and handlers share: the
//! search, a report, a number with its hours, the notices after a redirect.

use serde::Deserialize;

use crate::auth::User;
use crate::domain::edit::{
    AreaDraft, AreaPatch, ContactPointPatch, OrganisationDraft, OrganisationPatch, UnitPatch,
};
use crate::domain::{AreaKind, OrganisationKind};
use uuid::Uuid;

use crate::directory::Directory;
use crate::domain::codes::{Interval, MeetingForm, Weekday};
use crate::domain::hours::{self, Clock, Mode, Notice, Period, TelephoneHours};
use crate::domain::phone::PhoneNumber;
use crate::domain::responsibility::{DoctorTime, Responsibility};
use crate::domain::streets::{StreetInput, StreetSpan};
use crate::domain::telefontid;
use crate::domain::{
    ContactPointDraft, FieldError, Invalid, Purpose, Unit, UnitDraft, UnitKind, Visibility, shown,
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
    /// The number the report is about; blank: the unit in general.
    #[serde(default)]
    pub(super) contact_point_id: String,
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

/// One number as the edit form sends it: its fields, its telefontid in words, the dates with
/// other hours (one a line) and its dated periods (a row each).
#[derive(Debug, Default)]
pub struct NumberInput {
    pub(super) csrf: String,
    /// The unit's version the form was made from (If-Match).
    pub(super) version: i64,
    /// The number's purpose (`switchboard`, `fax` …).
    pub(super) purpose: String,
    pub(super) label: String,
    pub(super) number: String,
    /// Ticked: the number is right as typed, although it looks mistyped.
    pub(super) number_confirmed: bool,
    pub(super) visibility: String,
    /// `unknown` (not recorded), `always` (day and night), `open_during` or `closed_during`.
    pub(super) hours_mode: String,
    /// "vardagar 08:00–12:00, 13:00–16:30" ([`telefontid::spans`]).
    pub(super) hours: String,
    /// "2026-12-24 stängt (julafton)", one a line ([`telefontid::exceptions`]). This and the
    /// fields below: absent from the form (not blank), the stored value is kept.
    pub(super) exceptions: Option<String>,
    pub(super) valid_from: Option<String>,
    /// The last day the hours apply (the API's `valid_to` is the day after).
    pub(super) valid_until: Option<String>,
    pub(super) periods: Option<Vec<PeriodInput>>,
    pub(super) reason: String,
    /// "Spara och markera som granskad": the unit is confirmed as reviewed in the same write.
    pub(super) granskad: bool,
}

impl NumberInput {
    /// The form as sent (`application/x-www-form-urlencoded` pairs, in order: the n-th
    /// `period_from` belongs with the n-th `period_to` …).
    pub(super) fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut input = Self::default();
        let mut rows = Rows::new(PERIOD_FIELDS);
        for (key, value) in pairs {
            match key.as_str() {
                "csrf" => input.csrf = value,
                "version" => input.version = value.trim().parse().unwrap_or(-1),
                "purpose" => input.purpose = value,
                "label" => input.label = value,
                "number" => input.number = value,
                "number_confirmed" => input.number_confirmed = true,
                "visibility" => input.visibility = value,
                "hours_mode" => input.hours_mode = value,
                "hours" => input.hours = value,
                "exceptions" => input.exceptions = Some(value),
                "valid_from" => input.valid_from = Some(value),
                "valid_until" => input.valid_until = Some(value),
                "reason" => input.reason = value,
                "granskad" => input.granskad = true,
                other => {
                    rows.take(other, &value);
                }
            }
        }
        input.periods = rows
            .into_rows()
            .map(|r| r.into_iter().map(PeriodInput::from_cells).collect());
        input
    }

    /// The form as it shows a stored number.
    pub(super) fn of(directory: &Directory, c: &crate::domain::ContactPoint) -> Self {
        let hours = c.hours.as_ref();
        let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        Self {
            purpose: c.purpose.code().to_owned(),
            label: c.label.clone(),
            number: c.number.national().to_owned(),
            visibility: c.visibility.code().to_owned(),
            hours_mode: match hours {
                None => "unknown",
                Some(h) if shown_as_always(h) => "always",
                Some(h) if h.mode == Mode::ClosedDuring => "closed_during",
                Some(_) => "open_during",
            }
            .to_owned(),
            hours: hours
                .filter(|h| !shown_as_always(h))
                .map(|h| hours::describe_spans(&h.weekly))
                .unwrap_or_default(),
            exceptions: Some(
                hours
                    .map(|h| {
                        h.exceptions
                            .iter()
                            .map(hours::describe_exception)
                            .collect::<Vec<_>>()
                            .join("\n")
                    })
                    .unwrap_or_default(),
            ),
            valid_from: Some(day(hours.and_then(|h| h.valid_from))),
            valid_until: Some(day(hours.and_then(|h| h.valid_to).and_then(|d| d.pred_opt()))),
            periods: Some(c.periods.iter().map(|p| PeriodInput::of(directory, p)).collect()),
            ..Self::default()
        }
    }

    /// A new number's form, empty.
    pub(super) fn blank() -> Self {
        Self {
            purpose: Purpose::Switchboard.code().to_owned(),
            visibility: "internal".to_owned(),
            hours_mode: "open_during".to_owned(),
            ..Self::default()
        }
    }

    /// The write the form asks for to the number `stored` (and, with "Spara och markera
    /// enheten som granskad", the review), and the word the saved page shows it by.
    pub(super) fn change(
        &self,
        directory: &Directory,
        stored: &crate::domain::ContactPoint,
    ) -> Result<(UnitChange, &'static str), Vec<FieldError>> {
        let change = UnitChange::ChangeNumber(stored.id, Box::new(self.patch(directory, Some(stored))?));
        Ok(match self.granskad {
            true => (UnitChange::AndConfirm(Box::new(change)), "granskad"),
            false => (change, "1"),
        })
    }

    /// The new number the form describes (a unit's numbers are added one by one).
    pub(super) fn new_number(&self, directory: &Directory) -> Result<UnitChange, Vec<FieldError>> {
        let patch = self.patch(directory, None)?;
        let draft = ContactPointDraft {
            purpose: Purpose::parse(&self.purpose).map_err(|e| vec![e.at("purpose")])?,
            label: self.label.clone(),
            visibility: patch.visibility.unwrap_or(Visibility::Internal),
            number: self.number.clone(),
            number_confirmed: self.number_confirmed,
            hours: patch.hours.flatten(),
            periods: patch.periods.unwrap_or_default(),
        };
        Ok(UnitChange::AddNumber(Box::new(draft.validate("")?)))
    }

    /// The visibility the form sends; none when it sends none (kept as stored).
    fn visibility(&self) -> Result<Option<Visibility>, FieldError> {
        match self.visibility.as_str() {
            "" => Ok(None),
            "public" => Ok(Some(Visibility::Public)),
            "internal" => Ok(Some(Visibility::Internal)),
            other => Err(Invalid::new(
                format!("okänd synlighet '{}'", shown(other)),
                format!("unknown visibility '{}'", shown(other)),
            )
            .at("visibility")),
        }
    }

    /// The number as the form has it, to the number `stored` (none: a new one): every field
    /// the form sends; one it leaves out keeps its stored value.
    pub(super) fn patch(
        &self,
        directory: &Directory,
        stored: Option<&crate::domain::ContactPoint>,
    ) -> Result<ContactPointPatch, Vec<FieldError>> {
        let mut errors = Vec::new();
        let purpose = match self.purpose.as_str() {
            "" => Some(None),
            raw => Purpose::parse(raw)
                .map(Some)
                .map_err(|e| errors.push(e.at("purpose")))
                .ok(),
        };
        let hours = self
            .hours(stored.and_then(|c| c.hours.as_ref()))
            .map_err(|e| errors.push(e))
            .ok();
        let visibility = self.visibility().map_err(|e| errors.push(e)).ok();
        let periods = match &self.periods {
            None => Some(None),
            Some(rows) => {
                let stored = stored.map(|c| c.periods.as_slice()).unwrap_or_default();
                periods(directory, rows, stored, "periods")
                    .map(Some)
                    .map_err(|e| errors.extend(e))
                    .ok()
            }
        };
        let (Some(purpose), Some(hours), Some(periods), Some(visibility)) =
            (purpose, hours, periods, visibility)
        else {
            return Err(errors);
        };
        Ok(ContactPointPatch {
            purpose,
            label: Some(self.label.clone()),
            number: Some(self.number.clone()),
            number_confirmed: self.number_confirmed,
            visibility,
            hours,
            periods,
        })
    }

    /// The telephone hours of the form (mode, spans in words, dates with other hours,
    /// validity), what it leaves out kept from `stored`; `None`: no change.
    pub(super) fn hours(
        &self,
        stored: Option<&TelephoneHours>,
    ) -> Result<Option<Option<TelephoneHours>>, FieldError> {
        let at = |e: Invalid| e.at("hours");
        let exceptions = match &self.exceptions {
            Some(text) => telefontid::exceptions(text).map_err(|e| e.at("exceptions"))?,
            None => stored.map(|h| h.exceptions.clone()).unwrap_or_default(),
        };
        let valid_from = match &self.valid_from {
            Some(raw) => date(raw, "valid_from")?,
            None => stored.and_then(|h| h.valid_from),
        };
        let valid_to = match &self.valid_until {
            Some(raw) => date(raw, "valid_until")?.and_then(|d| d.succ_opt()),
            None => stored.and_then(|h| h.valid_to),
        };
        let mut hours = match self.hours_mode.as_str() {
            "" => return Ok(None),
            "unknown" if exceptions.is_empty() && valid_from.is_none() && valid_to.is_none() => {
                return Ok(Some(None));
            }
            "unknown" => {
                return Err(at(Invalid::new(
                    "en okänd telefontid kan inte ha avvikande dagar eller giltighet: välj när numret svarar",
                    "hours not recorded cannot have dates with other hours or validity: choose when the number answers",
                )));
            }
            "always" => TelephoneHours::always(),
            mode => {
                let mode = Mode::parse(mode).ok_or_else(|| {
                    at(Invalid::new(
                        format!("okänt val av telefontid: {}", shown(mode)),
                        format!("unknown choice of hours: {}", shown(mode)),
                    ))
                })?;
                let weekly = telefontid::spans(&self.hours).map_err(at)?;
                // No times: closed but on the dates below, or (jour) answered at all times.
                let said = mode == Mode::ClosedDuring
                    || !exceptions.is_empty()
                    || valid_from.is_some()
                    || valid_to.is_some();
                if weekly.is_empty() && !said {
                    return Err(at(Invalid::new(
                        "skriv när numret svarar, till exempel ”vardagar 08:00–12:00, 13:00–16:30”, eller välj ”dygnet runt” eller ”telefontid saknas”",
                        "write when the number answers, e.g. \"vardagar 08:00–12:00, 13:00–16:30\", or choose day and night or hours not recorded",
                    )));
                }
                TelephoneHours {
                    mode,
                    weekly,
                    exceptions: Vec::new(),
                    valid_from: None,
                    valid_to: None,
                }
            }
        };
        hours.exceptions = exceptions;
        hours.valid_from = valid_from;
        hours.valid_to = valid_to;
        Ok(Some(Some(hours)))
    }
}

/// Hours the form shows as "Dygnet runt": exactly what that choice saves (with whatever dates
/// the form shows beside it). Other hours that also answer all day are shown as they are.
fn shown_as_always(h: &TelephoneHours) -> bool {
    h.mode == Mode::OpenDuring && h.weekly == TelephoneHours::always().weekly
}

/// A dated period as a row of a form: dates, hours in words (blank: closed), the number that
/// takes the calls (typed as a number), a note for callers.
#[derive(Debug, Default, Clone)]
pub struct PeriodInput {
    pub(super) from: String,
    pub(super) to: String,
    pub(super) hours: String,
    pub(super) redirect: String,
    pub(super) note: String,
}

impl PeriodInput {
    pub(super) fn of(directory: &Directory, p: &Period) -> Self {
        let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        Self {
            from: day(p.from),
            to: day(p.to),
            // "stängt", so that a period with nothing else (closed until further notice) is no
            // blank row, which would remove it.
            hours: match p.weekly.is_empty() {
                true => "stängt".to_owned(),
                false => hours::describe_spans(&p.weekly),
            },
            redirect: p
                .redirect_to
                .and_then(|id| directory.contact_point(id))
                .map(|(_, c)| c.number.national().to_owned())
                .unwrap_or_default(),
            note: p.note.clone().unwrap_or_default(),
        }
    }

    fn is_blank(&self) -> bool {
        blank(&[&self.from, &self.to, &self.hours, &self.redirect, &self.note])
    }
}

/// Repeated fields of a form as rows: the n-th value of each name belongs to the n-th row
/// (a form sends every field of a row, blank or not, in order).
pub(super) struct Rows {
    names: &'static [&'static str],
    columns: Vec<Vec<String>>,
}

impl Rows {
    pub(super) fn new(names: &'static [&'static str]) -> Self {
        Self {
            names,
            columns: vec![Vec::new(); names.len()],
        }
    }

    /// Takes the field if it is one of the rows'; whether it was.
    pub(super) fn take(&mut self, key: &str, value: &str) -> bool {
        let Some(column) = self.names.iter().position(|n| *n == key) else {
            return false;
        };
        self.columns[column].push(value.to_owned());
        true
    }

    /// The rows, or `None` when the form sent none of their fields (keep what is stored).
    pub(super) fn into_rows(self) -> Option<Vec<Vec<String>>> {
        let n = self.columns.iter().map(Vec::len).max().unwrap_or(0);
        (n > 0).then(|| {
            (0..n)
                .map(|i| {
                    self.columns
                        .iter()
                        .map(|c| c.get(i).cloned().unwrap_or_default())
                        .collect()
                })
                .collect()
        })
    }
}

/// A row's cells are all blank: nothing to store.
fn blank(cells: &[&String]) -> bool {
    cells.iter().all(|v| v.trim().is_empty())
}

pub(super) const PERIOD_FIELDS: &[&str] = &[
    "period_from",
    "period_to",
    "period_hours",
    "period_redirect",
    "period_note",
];
pub(super) const NOTICE_FIELDS: &[&str] = &["notice_from", "notice_to", "notice_text"];

impl PeriodInput {
    pub(super) fn from_cells(cells: Vec<String>) -> Self {
        let mut cells = cells.into_iter();
        let mut next = || cells.next().unwrap_or_default();
        Self {
            from: next(),
            to: next(),
            hours: next(),
            redirect: next(),
            note: next(),
        }
    }
}

/// A dated notice on a unit as a row of its form.
#[derive(Debug, Default, Clone)]
pub struct NoticeInput {
    pub(super) from: String,
    pub(super) to: String,
    pub(super) text: String,
}

impl NoticeInput {
    fn of(n: &Notice) -> Self {
        let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        Self {
            from: day(n.from),
            to: day(n.to),
            text: n.text.clone(),
        }
    }

    fn from_cells(cells: Vec<String>) -> Self {
        let mut cells = cells.into_iter();
        let mut next = || cells.next().unwrap_or_default();
        Self {
            from: next(),
            to: next(),
            text: next(),
        }
    }
}

/// The notices of the rows that are not blank; errors name `notices[i]`.
fn notices(rows: &[NoticeInput]) -> Result<Vec<Notice>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (i, row) in rows
        .iter()
        .enumerate()
        .filter(|(_, r)| !blank(&[&r.from, &r.to, &r.text]))
    {
        let from = date(&row.from, &format!("notices[{i}].from"))
            .map_err(|e| errors.push(e))
            .ok();
        let to = date(&row.to, &format!("notices[{i}].to"))
            .map_err(|e| errors.push(e))
            .ok();
        if let (Some(from), Some(to)) = (from, to) {
            out.push(Notice {
                from,
                to,
                text: row.text.trim().to_owned(),
            });
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// The periods of the rows that are not blank (`stored`: the periods the rows were made from,
/// in order, for their redirects); errors name `field[i]`.
pub(super) fn periods(
    directory: &Directory,
    rows: &[PeriodInput],
    stored: &[Period],
    field: &str,
) -> Result<Vec<Period>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate().filter(|(_, r)| !r.is_blank()) {
        let at = format!("{field}[{i}]");
        let from = date(&row.from, &format!("{at}.from"))
            .map_err(|e| errors.push(e))
            .ok();
        let to = date(&row.to, &format!("{at}.to"))
            .map_err(|e| errors.push(e))
            .ok();
        let weekly = match row.hours.trim().to_lowercase().as_str() {
            "" | "stängt" => Ok(Vec::new()),
            text => telefontid::spans(text),
        }
        .map_err(|e| errors.push(e.at(format!("{at}.weekly"))))
        .ok();
        // The row's own stored redirect first, then the others' (rows keep their order).
        let known: Vec<Uuid> = stored
            .get(i)
            .into_iter()
            .chain(stored)
            .filter_map(|p| p.redirect_to)
            .collect();
        let redirect = number_named(directory, &row.redirect, &known, &format!("{at}.redirect_to"))
            .map_err(|e| errors.push(e))
            .ok();
        let note = Some(row.note.trim().to_owned()).filter(|n| !n.is_empty());
        if let (Some(from), Some(to), Some(weekly), Some(redirect_to)) = (from, to, weekly, redirect) {
            out.push(Period {
                from,
                to,
                weekly,
                redirect_to,
                note,
            });
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// The stored number that `typed` names (blank: none): the first of `known` (what the field
/// named when the page was made: the stored fallback, or the row's own redirect first) with
/// those digits, else the one current number with them in the directory; refused when none or
/// several units have it.
pub(super) fn number_named(
    directory: &Directory,
    typed: &str,
    known: &[Uuid],
    field: &str,
) -> Result<Option<Uuid>, FieldError> {
    if typed.trim().is_empty() {
        return Ok(None);
    }
    let number = PhoneNumber::parse(typed).map_err(|e| e.at(field))?;
    let named = |id: &&Uuid| {
        directory
            .contact_point(**id)
            .is_some_and(|(_, c)| c.number.e164() == number.e164())
    };
    if let Some(id) = known.iter().find(named) {
        return Ok(Some(*id));
    }
    let found = directory.points_with_number(number.e164());
    match found.as_slice() {
        [(_, c)] => Ok(Some(c.id)),
        [] => Err(Invalid::rule(
            format!(
                "inget nummer i katalogen är {}; lägg först till det hos enheten som svarar",
                number.national()
            ),
            format!(
                "no number in the directory is {}; add it to the unit that answers first",
                number.national()
            ),
        )
        .at(field)),
        several => {
            let names: Vec<String> = several
                .iter()
                .map(|(u, c)| format!("{} ({})", u.name, c.label))
                .collect();
            Err(Invalid::rule(
                format!(
                    "{} finns hos flera: {}; ange ett nummer som bara en enhet har",
                    number.national(),
                    names.join(", ")
                ),
                format!(
                    "{} belongs to several: {}; give a number only one unit has",
                    number.national(),
                    names.join(", ")
                ),
            )
            .at(field))
        }
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
    /// The number that takes the calls when the unit's own do not answer, typed as a number;
    /// this and the fields below: `None` when the form does not show them (kept as stored).
    pub(super) fallback: Option<String>,
    pub(super) responsibility: Option<ResponsibilityInput>,
    pub(super) periods: Option<Vec<PeriodInput>>,
    pub(super) notices: Option<Vec<NoticeInput>>,
    /// A new unit's one way in: its description and number.
    pub(super) vag_in_label: String,
    pub(super) vag_in_number: String,
    pub(super) number_confirmed: bool,
}

impl UnitInput {
    /// The form as sent (`application/x-www-form-urlencoded` pairs, in order).
    pub(super) fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut input = Self::default();
        let (mut periods, mut notices) = (Rows::new(PERIOD_FIELDS), Rows::new(NOTICE_FIELDS));
        let mut responsibility = ResponsibilityInput::default();
        let mut responsible = false;
        for (key, value) in pairs {
            if periods.take(&key, &value) || notices.take(&key, &value) {
                continue;
            }
            match key.as_str() {
                "fallback" => input.fallback = Some(value),
                "vardcentral_id" => {
                    responsible = true;
                    responsibility.vardcentral_id = value;
                }
                "doctor_weekday" => responsibility.weekday = value,
                "doctor_time" => responsibility.time = value,
                "doctor_interval" => responsibility.interval = value,
                "meeting_form" => responsibility.meeting_form = value,
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
        input.responsibility = responsible.then_some(responsibility);
        input.periods = periods
            .into_rows()
            .map(|r| r.into_iter().map(PeriodInput::from_cells).collect());
        input.notices = notices
            .into_rows()
            .map(|r| r.into_iter().map(NoticeInput::from_cells).collect());
        input
    }

    /// The form as it shows a stored unit.
    pub(super) fn of(directory: &Directory, unit: &crate::domain::Unit) -> Self {
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
            fallback: Some(national_of(directory, unit.fallback_contact_point_id)),
            responsibility: (unit.kind.category() == crate::domain::KindCategory::Boende)
                .then(|| ResponsibilityInput::of(unit.responsibility.as_ref())),
            periods: Some(
                unit.periods
                    .iter()
                    .map(|p| PeriodInput::of(directory, p))
                    .collect(),
            ),
            notices: Some(unit.notices.iter().map(NoticeInput::of).collect()),
            ..Self::default()
        }
    }

    /// The unit's fields as the form has them: every field the form shows, blank clears.
    pub(super) fn patch(
        &self,
        directory: &Directory,
        stored: Option<&Unit>,
    ) -> Result<UnitPatch, Vec<FieldError>> {
        let mut errors = Vec::new();
        let known: Vec<Uuid> = stored
            .and_then(|u| u.fallback_contact_point_id)
            .into_iter()
            .collect();
        let fallback = self.fallback.as_ref().and_then(|typed| {
            number_named(directory, typed, &known, "fallback_contact_point_id")
                .map_err(|e| errors.push(e))
                .ok()
        });
        let responsibility = self
            .responsibility
            .as_ref()
            .and_then(|r| r.responsibility().map_err(|e| errors.push(e)).ok());
        let periods = self.periods.as_ref().and_then(|rows| {
            let stored = stored.map(|u| u.periods.as_slice()).unwrap_or_default();
            periods(directory, rows, stored, "periods")
                .map_err(|e| errors.extend(e))
                .ok()
        });
        let notices = self
            .notices
            .as_ref()
            .and_then(|rows| notices(rows).map_err(|e| errors.extend(e)).ok());
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
            fallback_contact_point_id: fallback,
            responsibility,
            periods,
            notices,
            ..UnitPatch::default()
        })
    }

    /// The write the form asks for (with "Spara och markera som granskad", the review too),
    /// and the word the saved page shows it by.
    pub(super) fn change(
        &self,
        directory: &Directory,
        stored: &Unit,
    ) -> Result<(UnitChange, &'static str), Vec<FieldError>> {
        let change = UnitChange::Update(Box::new(self.patch(directory, Some(stored))?));
        Ok(match self.granskad {
            true => (UnitChange::AndConfirm(Box::new(change)), "granskad"),
            false => (change, "1"),
        })
    }

    /// A new unit from the form: its fields and its one way in.
    pub(super) fn draft(&self, directory: &Directory) -> Result<UnitDraft, Vec<FieldError>> {
        let patch = self.patch(directory, None)?;
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
            // "Skapa och markera enheten som granskad".
            reviewed_at: self.granskad.then(crate::domain::today),
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

/// The national form of the stored number `id` ("" for none).
fn national_of(directory: &Directory, id: Option<Uuid>) -> String {
    id.and_then(|id| directory.contact_point(id))
        .map(|(_, c)| c.number.national().to_owned())
        .unwrap_or_default()
}

/// A boende's ansvarig vårdcentral as its form sends it: the vårdcentral ("" none), the fixed
/// doctor time (weekday "" none) and the meeting form ("" not recorded).
#[derive(Debug, Default, Clone)]
pub struct ResponsibilityInput {
    pub(super) vardcentral_id: String,
    pub(super) weekday: String,
    pub(super) time: String,
    pub(super) interval: String,
    pub(super) meeting_form: String,
}

impl ResponsibilityInput {
    fn of(r: Option<&Responsibility>) -> Self {
        let Some(r) = r else { return Self::default() };
        let time = r.doctor_time.as_ref();
        Self {
            vardcentral_id: r.vardcentral_id.to_string(),
            weekday: time.map(|t| t.weekday.code().to_owned()).unwrap_or_default(),
            time: time.map(|t| String::from(t.time)).unwrap_or_default(),
            interval: time.map(|t| t.interval.code().to_owned()).unwrap_or_default(),
            meeting_form: r.meeting_form.map(|m| m.code().to_owned()).unwrap_or_default(),
        }
    }

    fn responsibility(&self) -> Result<Option<Responsibility>, FieldError> {
        let at = |e: Invalid| e.at("responsibility");
        if self.vardcentral_id.trim().is_empty() {
            if !self.weekday.trim().is_empty() || !self.meeting_form.trim().is_empty() {
                return Err(at(Invalid::new(
                    "välj den ansvariga vårdcentralen för läkartiden och mötesformen",
                    "choose the responsible vårdcentral for the doctor time and meeting form",
                )));
            }
            return Ok(None);
        }
        let vardcentral_id = Uuid::parse_str(self.vardcentral_id.trim()).map_err(|_| {
            at(Invalid::new(
                "välj en vårdcentral i listan",
                "choose a vårdcentral from the list",
            ))
        })?;
        let doctor_time = match self.weekday.trim() {
            "" if !self.time.trim().is_empty() => {
                return Err(at(Invalid::new(
                    "välj veckodag för läkartiden",
                    "choose the weekday of the doctor time",
                )));
            }
            "" => None,
            day => Some(DoctorTime {
                weekday: Weekday::parse(day).map_err(at)?,
                time: Clock::try_from(self.time.trim().to_owned())
                    .map_err(|e| at(Invalid::new("skriv läkartiden som TT:MM, till exempel 13:00", e)))?,
                interval: match self.interval.trim() {
                    "" => Interval::Weekly,
                    raw => Interval::parse(raw).map_err(at)?,
                },
            }),
        };
        let meeting_form = match self.meeting_form.trim() {
            "" => None,
            raw => Some(MeetingForm::parse(raw).map_err(at)?),
        };
        Ok(Some(Responsibility {
            vardcentral_id,
            doctor_time,
            meeting_form,
        }))
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
    pub(super) reason: String,
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
                "reason" => input.reason = value,
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

/// An organisation or an area as the admins' forms send it: a new one (with its id), a change,
/// or (the end button) its end.
#[derive(Debug, Default, Deserialize)]
pub struct ReferenceInput {
    #[serde(default)]
    pub(super) csrf: String,
    /// The version the form was made from; none for a new one.
    #[serde(default)]
    pub(super) version: Option<i64>,
    #[serde(default)]
    pub(super) id: String,
    #[serde(default)]
    pub(super) name: String,
    #[serde(default)]
    pub(super) short_name: String,
    #[serde(default)]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) parent_id: String,
    /// The end button's day (blank: today).
    #[serde(default)]
    pub(super) active_to: String,
    /// The end button.
    #[serde(default)]
    pub(super) avsluta: Option<String>,
    /// The button that opens an ended one again.
    #[serde(default)]
    pub(super) oppna: Option<String>,
    /// A district's streets, one a line as the page writes them ("Allégatan 1–39, udda");
    /// absent: kept.
    #[serde(default)]
    pub(super) streets: Option<String>,
    #[serde(default)]
    pub(super) reason: String,
}

fn blank_is_none(raw: &str) -> Option<String> {
    Some(raw.trim()).filter(|v| !v.is_empty()).map(str::to_owned)
}

impl ReferenceInput {
    fn coded<T>(&self, parse: fn(&str) -> Result<T, Invalid>) -> Result<T, crate::error::AppError> {
        parse(&self.kind).map_err(|e| crate::error::AppError::invalid("kind", e))
    }

    /// The day the end button ends it on (none: today).
    pub(super) fn end_day(&self) -> Result<Option<chrono::NaiveDate>, crate::error::AppError> {
        date(&self.active_to, "active_to").map_err(|e| crate::error::AppError::Validation(vec![e]))
    }

    pub(super) fn organisation(&self) -> Result<OrganisationDraft, crate::error::AppError> {
        Ok(OrganisationDraft {
            id: self.id.trim().to_owned(),
            name: self.name.clone(),
            short_name: blank_is_none(&self.short_name),
            kind: self.coded(OrganisationKind::parse)?,
            parent_id: blank_is_none(&self.parent_id),
        })
    }

    pub(super) fn organisation_changes(&self) -> Result<OrganisationPatch, crate::error::AppError> {
        Ok(OrganisationPatch {
            name: Some(self.name.clone()),
            short_name: Some(blank_is_none(&self.short_name)),
            kind: Some(self.coded(OrganisationKind::parse)?),
            parent_id: Some(blank_is_none(&self.parent_id)),
            active_to: self.oppna.as_ref().map(|_| None),
        })
    }

    pub(super) fn area(&self) -> Result<AreaDraft, crate::error::AppError> {
        Ok(AreaDraft {
            id: self.id.trim().to_owned(),
            name: self.name.clone(),
            kind: self.coded(AreaKind::parse)?,
        })
    }

    pub(super) fn area_changes(&self) -> Result<AreaPatch, crate::error::AppError> {
        Ok(AreaPatch {
            name: Some(self.name.clone()),
            kind: Some(self.coded(AreaKind::parse)?),
            active_to: self.oppna.as_ref().map(|_| None),
            streets: self.streets.as_deref().map(street_lines).transpose()?,
        })
    }
}

/// A district's streets, one a line ([`StreetSpan::parse_sv`]); blank lines skipped, every
/// problem with its line.
fn street_lines(text: &str) -> Result<Vec<StreetInput>, crate::error::AppError> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        match StreetSpan::parse_sv(line) {
            Ok(span) => out.push(StreetInput::Part((&span).into())),
            Err(e) => errors.push(
                Invalid {
                    sv: format!("rad {}: {}", n + 1, e.sv),
                    en: format!("line {}: {}", n + 1, e.en),
                    ..e
                }
                .at("streets"),
            ),
        }
    }
    match errors.is_empty() {
        true => Ok(out),
        false => Err(crate::error::AppError::Validation(errors)),
    }
}
