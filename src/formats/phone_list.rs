//! The printable phone list (`GET /v1/export?format=html`): every active unit, grouped by
//! kind, ordered by area and name, one line each with its one way in and telefontid. Plain
//! HTML that prints on A4, with nothing to load and no script.

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
th:nth-child(1) { width: 29%; } th:nth-child(2) { width: 15%; } th:nth-child(3) { width: 16%; }
th:nth-child(4) { width: 18%; } th:nth-child(5) { width: 22%; }
th, td { text-align: left; vertical-align: top; padding: 1mm 2mm 1mm 0; border-bottom: 0.2mm solid #999; overflow-wrap: anywhere; }
tr { break-inside: avoid; }
td.nr { white-space: nowrap; font-weight: bold; }";

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
                p { "En väg in: ett nummer per enhet. Utskriven " (day) "; den aktuella listan finns i kontaktnav." }
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
        .iter()
        .filter(|u| u.kind == kind && u.is_active_on(day))
        .collect();
    if units.is_empty() {
        return None;
    }
    units.sort_by_key(|u| (sort_key(&area_names(u)), sort_key(&u.name)));
    Some(html! {
        h2 { (kind.label_sv()) }
        table {
            tr { th { "Enhet" } th { "Område" } th { "Organisation" } th { "En väg in" } th { "Telefontid" } }
            "\n"
            @for unit in units {
                @let marks = footnote_marks(unit, day, footnotes);
                @let organisation = directory
                    .organisation(&unit.organisation_id)
                    .map_or(unit.organisation_id.as_str(), |o| o.short_name.as_deref().unwrap_or(&o.name));
                tr {
                    td { (unit.name) @for mark in marks { sup { (mark) } } }
                    td { (area_names(unit)) }
                    td { (organisation) }
                    td.nr { (unit.vag_in().map_or("", |c| c.number.national())) }
                    td { (unit.vag_in().map(|c| hours_text(c.hours.as_ref())).unwrap_or_default()) }
                }
                "\n"
            }
        }
    })
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
