//! Units as vCard 4.0 (RFC 6350), for a phone's or mail client's address book.

use chrono::NaiveDate;

use crate::directory::Directory;
use crate::domain::{Address, Purpose, Unit, Visibility};

/// A unit as a vCard 4.0 (RFC 6350) for a phone or mail client: its name, organisation,
/// address and numbers, each number with its purpose and label (as the `TYPE` a client
/// understands, and as the `X-ABLabel` most address books show), the one way in preferred.
pub fn vcard(directory: &Directory, unit: &Unit, include_internal: bool) -> String {
    let mut card = VCard::default();
    card.line("BEGIN", &[], "VCARD");
    card.line("VERSION", &[], "4.0");
    card.line("KIND", &[], "org");
    card.line("UID", &[], &format!("urn:uuid:{}", unit.id));
    card.line("FN", &[], &text_value(&unit.name));
    let organisation = directory
        .organisation(&unit.organisation_id)
        .map_or(unit.organisation_id.as_str(), |o| o.name.as_str());
    card.line(
        "ORG",
        &[],
        &format!(
            "{};{}",
            component_value(organisation),
            component_value(&unit.name)
        ),
    );
    if unit.address != Address::default() {
        let part = |p: &Option<String>| p.as_deref().map(component_value).unwrap_or_default();
        card.line(
            "ADR",
            &["TYPE=work"],
            &format!(
                ";;{};{};;{};Sverige",
                part(&unit.address.street),
                part(&unit.address.city),
                part(&unit.address.postal_code)
            ),
        );
    }
    let mut item = 0;
    for point in unit
        .contact_points
        .iter()
        .filter(|c| include_internal || c.visibility == Visibility::Public)
    {
        item += 1;
        let kind = match point.purpose {
            Purpose::Sms => "work,text",
            Purpose::Fax => "work,fax",
            _ => "work,voice",
        };
        let mut params = vec!["VALUE=uri".to_owned(), format!("TYPE=\"{kind}\"")];
        if point.purpose == Purpose::VagIn {
            params.push("PREF=1".into());
        }
        let label = format!("{}: {}", point.purpose.label_sv(), point.label);
        params.push(format!("X-PURPOSE={}", point.purpose.code()));
        let params: Vec<&str> = params.iter().map(String::as_str).collect();
        card.line(&format!("item{item}.TEL"), &params, &point.number.tel_uri());
        card.line(&format!("item{item}.X-ABLABEL"), &[], &text_value(&label));
    }
    let mut note = Vec::new();
    if let Some(hours) = unit
        .vag_in()
        .filter(|c| include_internal || c.visibility == Visibility::Public)
        .and_then(|c| c.hours.as_ref())
    {
        note.push(format!("Telefontid: {}", hours.describe()));
    }
    if let Some(n) = &unit.note {
        note.push(n.clone());
    }
    if !note.is_empty() {
        card.line("NOTE", &[], &text_value(&note.join("\n")));
    }
    card.line("REV", &[], &unit.updated_at.format("%Y%m%dT%H%M%SZ").to_string());
    card.line("END", &[], "VCARD");
    card.out
}

/// Every active unit's vCard, one after the other (a file address books import at once).
pub fn vcards(directory: &Directory, day: NaiveDate, include_internal: bool) -> String {
    let mut units: Vec<&Unit> = directory.units().filter(|u| u.is_active_on(day)).collect();
    units.sort_by_key(|u| crate::domain::text::sort_key(&u.name));
    units
        .into_iter()
        .map(|u| vcard(directory, u, include_internal))
        .collect()
}

/// vCard lines: CRLF-terminated, folded at 75 octets without splitting a character.
#[derive(Default)]
struct VCard {
    out: String,
}

impl VCard {
    fn line(&mut self, name: &str, params: &[&str], value: &str) {
        let mut line = name.to_owned();
        for p in params {
            line.push(';');
            line.push_str(p);
        }
        line.push(':');
        line.push_str(value);
        let mut width = 0;
        for c in line.chars() {
            if width + c.len_utf8() > 75 {
                self.out.push_str("\r\n ");
                width = 1;
            }
            self.out.push(c);
            width += c.len_utf8();
        }
        self.out.push_str("\r\n");
    }
}

/// A text value with RFC 6350's escapes (backslash, comma, newline; a semicolon needs none).
fn text_value(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// One component of a compound value (`ORG`, `ADR`): a text value that also escapes `;`.
fn component_value(raw: &str) -> String {
    text_value(raw).replace(';', "\\;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vcard_lines_fold_at_75_octets_and_escape_text() {
        let mut card = VCard::default();
        let long = "Närhälsan Södra Torget vårdcentral, barnavårdscentral; och rehab ".repeat(3);
        card.line("FN", &[], &text_value(&long));
        for line in card.out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
        }
        let unfolded = card.out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("FN:{}\r\n", text_value(&long)));
        assert!(unfolded.contains("vårdcentral\\, barnavårdscentral; och"));
        assert_eq!(component_value("A;B, C"), "A\\;B\\, C");
    }
}
