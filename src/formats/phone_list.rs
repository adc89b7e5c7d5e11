//! The printable phone list (`GET /v1/export?format=html`): every active unit, grouped by
//! kind, ordered by area and name, one line each with its one way in and telefontid, its
//! direct number for acute questions, and who answers otherwise (the on-call doctor, TIB).
//! Plain HTML that prints on A4 and reads on a phone (one block per unit), with nothing to
//! load and no script.

use chrono::NaiveDate;
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::directory::Directory;
use crate::domain::hours::hours_text;
use crate::domain::text::sort_key;
use crate::domain::{Unit, UnitKind};

const PRINT_STYLE: &str = "@page { size: A4; margin: 15mm; }
body { font: 10pt/1.35 system-ui, sans-serif; color: #000; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
h2 { font-size: 11.5pt; margin: 6mm 0 1mm; break-after: avoid; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th:nth-child(1) { width: 25%; } th:nth-child(2) { width: 12%; } th:nth-child(3) { width: 14%; }
th:nth-child(4) { width: 20%; } th:nth-child(5) { width: 29%; }
th, td { text-align: left; vertical-align: top; padding: 1mm 2mm 1mm 0; border-bottom: 0.2mm solid #999; overflow-wrap: anywhere; }
tbody { break-inside: avoid; }
tbody tr:not(:last-child) td:nth-last-child(-n+2) { border-bottom: 0; }
td.nr { white-space: nowrap; font-weight: bold; }
.also { font-weight: normal; }
@media screen and (max-width: 40rem) {
  table, tbody, tr, td { display: block; width: auto; }
  thead { display: none; }
  tbody { padding: 2mm 0; border-bottom: 0.2mm solid #999; }
  td { border: 0; padding: 0; }
  td.nr { font-size: 13pt; }
  td[rowspan]:first-child { font-weight: bold; }
}";

/// The list's Content-Security-Policy, as strict as the pages': nothing loads, no script
/// runs; only its own `<style>` block, named by its hash.
pub fn csp() -> String {
    use base64::Engine;
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("\n{PRINT_STYLE}\n").as_bytes());
    let hash = base64::engine::general_purpose::STANDARD.encode(digest);
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )
}

/// The list as of `day`. Notices and dated periods that are not over are footnotes, each
/// marked on its unit's line.
pub fn phone_list(directory: &Directory, day: NaiveDate) -> String {
    let mut footnotes: Vec<String> = Vec::new();
    let tables: Vec<Markup> = UnitKind::ALL
        .iter()
        .filter_map(|kind| kind_table(directory, *kind, day, &mut footnotes))
        .collect();
    html! {
        (DOCTYPE)
        html lang="sv" {
            head {
                meta charset="utf-8";
                title { "Kontaktlista närvård Borås " (day) }
                style { (PreEscaped(format!("\n{PRINT_STYLE}\n"))) }
            }
            body {
                h1 { "Kontaktlista närvård Borås" }
                p { "En väg in: ett nummer per enhet; under det enhetens direktnummer för akuta frågor och vem som svarar när den inte gör det. Utskriven " (day) "; den aktuella listan finns i kontaktnav." }
                @for table in tables { "\n" (table) }
                @if !footnotes.is_empty() {
                    h2 { "Meddelanden och perioder" }
                    ol { @for note in &footnotes { li { (note) } "\n" } }
                }
            }
        }
    }
    .into_string()
}

/// The table of one kind's active units, or `None` when it has none.
fn kind_table(
    directory: &Directory,
    kind: UnitKind,
    day: NaiveDate,
    footnotes: &mut Vec<String>,
) -> Option<Markup> {
    let area_names = |u: &Unit| -> String {
        let names: Vec<&str> = u
            .area_ids
            .iter()
            .filter_map(|a| directory.area(a))
            .map(|a| a.name.as_str())
            .collect();
        names.join(", ")
    };
    let mut units: Vec<&Unit> = directory
        .units()
        .filter(|u| u.kind == kind && u.is_active_on(day))
        .collect();
    if units.is_empty() {
        return None;
    }
    units.sort_by_key(|u| (sort_key(&area_names(u)), sort_key(&u.name)));
    Some(html! {
        h2 { (kind.label_sv()) }
        table {
            thead { tr { th { "Enhet" } th { "Område" } th { "Organisation" } th { "Nummer" } th { "Telefontid" } } }
            "\n"
            @for unit in units {
                @let marks = footnote_marks(unit, day, footnotes);
                @let organisation = directory
                    .organisation(&unit.organisation_id)
                    .map_or(unit.organisation_id.as_str(), |o| o.short_name.as_deref().unwrap_or(&o.name));
                @let lines = number_lines(directory, unit);
                @let rows = lines.len().max(1);
                tbody {
                    @for (i, (what, number, hours)) in lines.iter().enumerate() {
                        tr {
                            @if i == 0 {
                                td rowspan=(rows) { (unit.name) @for mark in &marks { sup { (mark) } } }
                                td rowspan=(rows) { (area_names(unit)) }
                                td rowspan=(rows) { (organisation) }
                            }
                            td.nr { @if i > 0 { span.also { (what) ": " } } (number) }
                            td { (hours) }
                        }
                    }
                }
                "\n"
            }
        }
    })
}

/// The numbers of a unit's line: its one way in, its direct number for acute questions (if it
/// has one), and who answers when it does not (its fallback: the on-call doctor, TIB), each
/// as (what, number, telefontid).
fn number_lines(directory: &Directory, unit: &Unit) -> Vec<(String, String, String)> {
    let line = |what: &str, c: &crate::domain::ContactPoint| {
        (
            what.to_owned(),
            c.number.national().to_owned(),
            hours_text(c.hours.as_ref()),
        )
    };
    let mut lines: Vec<_> = unit.vag_in().map(|c| line("En väg in", c)).into_iter().collect();
    lines.extend(
        unit.contact_points
            .iter()
            .filter(|c| c.purpose == crate::domain::Purpose::DirectAcute)
            .map(|c| line("Akut", c)),
    );
    if let Some((other, c)) = unit
        .fallback_contact_point_id
        .and_then(|id| directory.contact_point(id))
    {
        let (what, number, hours) = line("Annars", c);
        lines.push((what, number, format!("{}: {hours}", other.name)));
    }
    lines
}

/// Adds the unit's current and coming notices and periods to `footnotes`; their numbers.
fn footnote_marks(unit: &Unit, day: NaiveDate, footnotes: &mut Vec<String>) -> Vec<usize> {
    let periods = unit
        .vag_in()
        .into_iter()
        .flat_map(|c| &c.periods)
        .chain(&unit.periods);
    unit.notices
        .iter()
        .filter(|n| n.is_current_or_coming(day))
        .map(|n| n.describe())
        .chain(periods.filter(|p| !p.is_over(day)).map(|p| p.describe()))
        .map(|note| {
            footnotes.push(format!("{}: {note}", unit.name));
            footnotes.len()
        })
        .collect()
}
