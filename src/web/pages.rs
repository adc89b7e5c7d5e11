//! The markup of the web pages (maud: escaped by default, checked at compile time).

use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, html};

use super::ASSET_VERSION;
use super::forms::percent;
use super::forms::{
    NoticeInput, NumberInput, PeriodInput, ReferenceInput, ResponsibilityInput, SearchForm, SessionView,
    UnitInput,
};
use crate::auth::User;
use crate::db::models::AuditEventRow;
use crate::directory::Directory;
use crate::directory::callnow::{CallNow, when};
use crate::domain::calendar::local_time;
use crate::domain::codes::{Interval, MeetingForm, Weekday};
use crate::domain::correction::Correction;
use crate::domain::history::{changes, stored_state};
use crate::domain::hours::{Answers, Period};
use crate::domain::review::ReviewStatus;
use crate::domain::{
    ContactPoint, FieldError, PhoneNumber, Purpose, Role, Unit, UnitKind, Visibility, today,
};
use crate::error::AppError;
use crate::service::search::{self, FilterParams, FoundBy, FoundByKind};

/// A message at the top of a page.
pub enum Notice {
    Ok(String),
    /// Someone else changed the unit first: what they changed, in words.
    Stale(Vec<String>),
    /// Not done, and why.
    Refused(String),
}

fn notice(n: Option<&Notice>) -> Markup {
    match n {
        None => html! {},
        Some(Notice::Ok(m)) => html! { div.notice.ok role="status" { (m) } },
        Some(Notice::Refused(why)) => html! { div.notice.error role="alert" { (why) } },
        Some(Notice::Stale(meanwhile)) => html! {
            div.notice.error role="alert" {
                p { "Någon annan har ändrat enheten sedan du öppnade sidan, så din ändring sparades inte ännu." }
                @if !meanwhile.is_empty() {
                    p { "Det här ändrades under tiden:" }
                    ul { @for change in meanwhile { li { (change) } } }
                }
                p { "Det du skrev står kvar i formuläret nedan, mot de senaste uppgifterna. Kontrollera och spara igen." }
            }
        },
    }
}

/// What changed between two states of a unit, a line each in words ("Växel: nummer:
/// 031-390 06 35 → 031-390 06 39").
pub fn changes_in_words(directory: &Directory, before: &Unit, after: &Unit) -> Vec<String> {
    let json = |u: &Unit| serde_json::to_value(u).unwrap_or_default();
    changes(&json(before), &json(after))
        .iter()
        .filter(|c| !c.field.ends_with(".e164"))
        .map(|c| {
            let (from, to) = (
                in_words(directory, &c.field, &c.from),
                in_words(directory, &c.field, &c.to),
            );
            format!("{}: {from} → {to}", field_sv(&c.field))
        })
        .collect()
}

fn layout(session: &SessionView, title: &str, body: Markup) -> Markup {
    let editor = session.user.as_ref().is_some_and(|u| u.role != Role::Reader);
    let admin = session.user.as_ref().is_some_and(|u| u.role == Role::Admin);
    html! {
        (DOCTYPE)
        html lang="sv" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – kontaktnav" }
                link rel="stylesheet" href=(format!("/static/app.css?v={}", *ASSET_VERSION));
                script src=(format!("/static/app.js?v={}", *ASSET_VERSION)) defer {}
            }
            body {
                a.skip href="#innehall" { "Hoppa till innehållet" }
                header.top {
                    a.brand href="/" { "kontaktnav" }
                    nav aria-label="Huvudmeny" {
                        a href="/" { "Sök nummer" }
                        a href="/gata" { "Sök gata" }
                        @if session.user.is_some() { a href="/v1/export?format=html" { "Utskriftsvänlig lista" } }
                        @if editor { a href="/granska" { "Att granska" } a href="/ny-enhet" { "Ny enhet" } }
                        @if admin {
                            a href="/import" { "Importera" } a href="/organisationer" { "Organisationer" } a href="/omraden" { "Områden" }
                            a href="/konton" { "Konton" } a href="/logg" { "Logg" } a href="/ord" { "Sökord" }
                        }
                    }
                    div.who {
                        @if let Some(user) = &session.user {
                            span { (user.name.as_deref().unwrap_or(&user.sub)) " (" (role_sv(user.role)) ")" }
                            form method="post" action="/logga-ut" {
                                input type="hidden" name="csrf" value=(session.csrf);
                                button type="submit" { "Logga ut" }
                            }
                        } @else if session.known {
                            a href="/logga-in" { "Logga in" }
                        }
                    }
                }
                main id="innehall" {
                    @if session.expired {
                        div.notice.info role="status" { "Din inloggning har gått ut. " a href="/logga-in" { "Logga in igen" } "." }
                    }
                    (body)
                }
            }
        }
    }
}

fn role_sv(role: Role) -> &'static str {
    match role {
        Role::Reader => "läsare",
        Role::Editor => "redaktör",
        Role::Admin => "administratör",
    }
}

/// The unit's address on one line, if it has one.
fn address_line(unit: &Unit) -> Option<String> {
    let parts = [
        &unit.address.street,
        &unit.address.postal_code,
        &unit.address.city,
    ];
    let line = parts
        .iter()
        .filter_map(|p| p.as_deref())
        .collect::<Vec<_>>()
        .join(", ");
    (!line.is_empty()).then_some(line)
}

/// Why `user` may not change `unit`, in words: who they are, whose the unit is, who may.
pub fn may_not_edit(session: &SessionView, directory: &Directory, user: &User, unit: &Unit) -> Markup {
    let owner = organisation_name(directory, unit);
    let own: Vec<&str> = user
        .organisations
        .iter()
        .map(|id| {
            directory
                .organisation(id)
                .map_or(id.as_str(), |o| o.name.as_str())
        })
        .collect();
    let who = match user.role {
        Role::Reader => "Du är inloggad som läsare och kan inte ändra uppgifter.".to_owned(),
        _ if own.is_empty() => "Du är redaktör men inte för någon organisation ännu.".to_owned(),
        _ => format!("Du är redaktör för {}.", own.join(", ")),
    };
    let body = html! {
        h1 { "Inte tillåtet" }
        div.notice.error role="alert" {
            p { (who) " " (unit.name) " hör till " (owner) ", och dess uppgifter ändras av redaktörer för " (owner) " eller av en administratör." }
        }
        p { a href=(format!("/enhet/{}", unit.id)) { "Tillbaka till " (unit.name) } " · "
            a href=(format!("/enhet/{}#rapportera", unit.id)) { "Rapportera fel uppgift" } " · "
            a href="/logga-in" { "Logga in med ett annat konto" } }
    };
    layout(session, "Inte tillåtet", body)
}

/// An error page made without the session: its header names no one.
pub fn error_page(status: StatusCode, message: &str) -> Markup {
    let session = SessionView {
        user: None,
        csrf: String::new(),
        expired: false,
        known: false,
    };
    refused(&session, status, message)
}

/// What went wrong, under the caller's header.
pub fn refused(session: &SessionView, status: StatusCode, message: &str) -> Markup {
    layout(
        session,
        "Fel",
        html! {
            h1 { (status.canonical_reason().map_or("Fel", |_| match status.as_u16() {
                403 => "Inte tillåtet",
                404 => "Finns inte",
                409 => "Går inte",
                412 => "Ändrat av någon annan",
                429 => "För många försök",
                503 => "Inte tillgänglig just nu",
                s if s < 500 => "Något stämmer inte",
                _ => "Något gick fel",
            })) }
            div.notice.error role="alert" { (message) }
            p { a href="/" { "Till sökningen" } }
        },
    )
}

/// The lookup page.
pub fn lookup(session: &SessionView, directory: &Directory, form: &SearchForm, results: Markup) -> Markup {
    layout(
        session,
        "Sök nummer",
        html! {
            h1 { "Vem ringer jag?" }
            form.search id="search" method="get" action="/" role="search" {
                div.q {
                    label for="q" { "Sök enhet, verksamhet eller nummer" }
                    input.big type="search" id="q" name="q" value=(form.q) autocomplete="off" autofocus
                        placeholder="till exempel södra torget, hemtjänst norr, 031-390 06 33";
                }
                div {
                    label for="kind" { "Typ" }
                    select id="kind" name="kind" {
                        option value="" { "Alla typer" }
                        @for kind in UnitKind::ALL {
                            option value=(kind.code()) selected[form.kind == kind.code()] { (kind.label_sv()) }
                        }
                    }
                }
                div {
                    label for="area" { "Område" }
                    select id="area" name="area" {
                        option value="" { "Alla områden" }
                        @for area in directory.areas() {
                            option value=(area.id) selected[form.area == area.id] { (area.name) }
                        }
                    }
                }
                div { button type="submit" { "Sök" } }
            }
            // Read out: only how many were found, not every card at each keystroke.
            p.visually-hidden id="status" aria-live="polite" {}
            div id="results" { (results) }
        },
    )
}

/// The results of a search (the page's and the script's).
pub fn search_results(
    directory: &Directory,
    form: &SearchForm,
    internal: bool,
    now: DateTime<Utc>,
) -> Markup {
    fn blank(s: &str) -> Option<&str> {
        Some(s.trim()).filter(|s| !s.is_empty())
    }
    if blank(&form.q).is_none() && blank(&form.kind).is_none() && blank(&form.area).is_none() {
        return html! { p.empty { "Skriv en del av namnet, gatan eller numret; resultaten kommer medan du skriver." } };
    }
    let filter = search::filter(
        directory,
        FilterParams {
            q: blank(&form.q),
            kind: blank(&form.kind),
            area: blank(&form.area),
            ..FilterParams::default()
        },
        internal,
    );
    let filter = match filter {
        Ok(f) => f,
        Err(e) => return html! { div.notice.error role="alert" { (app_message(&e)) } },
    };
    // The API's cursor: "Visa fler" asks for the page after this one.
    let cursor = match blank(&form.cursor)
        .map(crate::directory::Cursor::decode)
        .transpose()
    {
        Ok(c) => c,
        Err(e) => {
            return html! {
                div.notice.error role="alert" { (e.sv) }
                p { a href=(form.link(None)) { "Börja om från första sidan" } }
            };
        }
    };
    let page = match directory.find(&filter, cursor.as_ref(), PAGE) {
        Ok(p) => p,
        Err(e) => {
            return html! {
                div.notice.error role="alert" { (e.sv) }
                p { a href=(form.link(None)) { "Börja om från första sidan" } }
            };
        }
    };
    let first = page.start + 1;
    if page.units.is_empty() {
        let near = directory.suggestions(&filter, 3);
        return html! {
            p { "Ingen aktiv enhet matchar." }
            @if !near.is_empty() {
                p { "Menade du: "
                    @for (i, u) in near.iter().enumerate() {
                        @if i > 0 { ", " }
                        a href=(format!("/enhet/{}", u.id)) { (u.name) }
                    }
                    "?"
                }
            }
        };
    }
    let last = first + page.units.len() - 1;
    html! {
        p.meta data-count { (page.total) @if page.total == 1 { " träff" } @else { " träffar" }
            @if page.total > page.units.len() { ", " (first) "–" (last) " visas" } }
        @if !page.ignored_words.is_empty() {
            p.meta { "Inga träffar på "
                @for (i, w) in page.ignored_words.iter().enumerate() {
                    @if i > 0 { ", " }
                    "”" (w) "”"
                }
                "; de orden är utelämnade." }
        }
        ul.results {
            @for unit in &page.units {
                @let found = FoundBy::of(directory, filter.query.as_ref(), page.address.as_deref(), unit, internal);
                li { (card_found(directory, unit, internal, now, found.as_ref())) }
            }
        }
        @if let Some(next) = &page.next {
            p.more {
                a.button href=(form.link(Some(&next.encode()))) { "Visa fler (" (last + 1) "–" ((last + PAGE).min(page.total)) " av " (page.total) ")" }
            }
        }
        @if page.start > 0 {
            p { a href=(form.link(None)) { "Till första sidan" } }
        }
    }
}

/// Results per page.
const PAGE: usize = 12;

/// What the script shows when the session has run out while typing.
pub fn signed_out_fragment() -> Markup {
    html! { div.notice.info data-count { "Din inloggning har gått ut. " a href="/logga-in" { "Logga in igen" } "." } }
}

/// A unit as a result: the one number to call now, big, and the others below.
fn card(directory: &Directory, unit: &Unit, internal: bool, now: DateTime<Utc>) -> Markup {
    card_found(directory, unit, internal, now, None)
}

/// A result card that also says why the search found it (by address, an old number, a
/// preschool).
fn card_found(
    directory: &Directory,
    unit: &Unit,
    internal: bool,
    now: DateTime<Utc>,
    found: Option<&FoundBy>,
) -> Markup {
    let answer = directory.call_now(unit, Purpose::VagIn, now, internal);
    let shown: Vec<uuid::Uuid> = answer.as_ref().map_or_else(Vec::new, |a| {
        let mut ids: Vec<uuid::Uuid> = a.answer.iter().map(|(_, c)| c.id).collect();
        ids.extend(a.alternatives.iter().map(|alt| alt.point.id));
        ids
    });
    html! {
        article.card {
            h2 { a href=(format!("/enhet/{}", unit.id)) { (unit.name) } }
            p.meta { (unit.kind.label_sv()) " · " (organisation_name(directory, unit)) (areas(directory, unit)) }
            @if let Some(f) = found {
                p.found-by {
                    (match f.by {
                        FoundByKind::Address => "Hittad via adressen: ",
                        FoundByKind::ReplacedNumber => "Hittad via ett tidigare nummer: ",
                        FoundByKind::Preschool => "Hittad via förskolan: ",
                    })
                    (f.text)
                }
            }
            @if let Some(a) = &answer {
                (call_now_block(a, now, true))
            } @else {
                p.empty { "Inget nummer du kan se." }
            }
            (numbers(unit, internal, &shown, now))
        }
    }
}

/// Who answers now, honestly: "Ring nu" only for a number that answers now; a number without
/// recorded hours as "kan svara"; otherwise the closed state, when the asked number opens and
/// what is open meanwhile. The unit page and the search cards show the same.
/// `live`: the answer is for now (else for a moment the page was asked about).
pub fn call_now_block(a: &CallNow<'_>, now: DateTime<Utc>, live: bool) -> Markup {
    html! {
        @for note in &a.notes { p.notice.info { (note) } }
        @match (a.answers, a.answer) {
            (Answers::Open, Some((unit, point))) => {
                p.callhead { (if live { "Ring nu:" } else { "Svarar då:" }) }
                a.call href=(point.number.tel_uri())
                    aria-label=(format!("Ring {} på {}", unit.name, point.number.national())) {
                    (point.number.national())
                }
                p.why {
                    (a.why)
                    @if let Some(until) = a.until { " – svarar till " (when(until, now)) }
                }
            }
            (_, Some((unit, point))) => {
                p.callhead { "Kan svara – telefontid saknas:" }
                a.call.unknown href=(point.number.tel_uri())
                    aria-label=(format!("Ring {} på {} (telefontid saknas)", unit.name, point.number.national())) {
                    (point.number.national())
                }
                p.why { (a.why) }
            }
            _ => {
                p.closed-now { strong { "Ingen svarar " (if live { "just nu" } else { "då" }) } " på " (a.asked.label) " (" (a.asked.number.national()) ")." }
                p.why {
                    @if let Some(period) = a.period { (period.title()) ". " }
                    @match a.next_open {
                        Some(t) => { "Öppnar " (when(t, now)) "." }
                        None => { "Öppnar inte inom en månad." }
                    }
                }
            }
        }
        @if !a.alternatives.is_empty() {
            ul.alternatives aria-label="Andra nummer" {
                @for alt in &a.alternatives {
                    li {
                        @if alt.open { span.open-now { (if live { "Öppet nu: " } else { "Öppet: " }) } } @else { span.later { "Tar över: " } }
                        @if alt.unit.id != a.asked_unit.id { (alt.unit.name) } @else { (alt.point.label) }
                        " – "
                        a href=(alt.point.number.tel_uri()) { (alt.point.number.national()) }
                        @if let Some(until) = alt.until.filter(|_| alt.open) { ", svarar till " (when(until, now)) }
                        @if let Some(from) = alt.from { ", från " (when(from, now)) }
                    }
                }
            }
        }
    }
}

fn organisation_name<'d>(directory: &'d Directory, unit: &'d Unit) -> &'d str {
    directory
        .organisation(&unit.organisation_id)
        .map_or(unit.organisation_id.as_str(), |o| o.name.as_str())
}

fn areas(directory: &Directory, unit: &Unit) -> String {
    let names: Vec<&str> = unit
        .area_ids
        .iter()
        .filter_map(|a| directory.area(a))
        .map(|a| a.name.as_str())
        .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!(" · {}", names.join(", "))
    }
}

fn visible(point: &ContactPoint, internal: bool) -> bool {
    internal || point.visibility == Visibility::Public
}

fn hours_text(point: &ContactPoint) -> String {
    crate::domain::hours::hours_text(point.hours.as_ref())
}

/// "stängt nu", "öppet nu" or "telefontid saknas" for a number at `now`.
fn state_now(unit: &Unit, point: &ContactPoint, now: DateTime<Utc>, live: bool) -> &'static str {
    match (point.schedule(unit).answers(now), live) {
        (Answers::Open, true) => "öppet nu",
        (Answers::Open, false) => "öppet då",
        (Answers::Closed, true) => "stängt nu",
        (Answers::Closed, false) => "stängt då",
        (Answers::Unknown, _) => "kan svara, tider okända",
    }
}

/// The unit's other numbers.
fn numbers(unit: &Unit, internal: bool, except: &[uuid::Uuid], now: DateTime<Utc>) -> Markup {
    let others: Vec<&ContactPoint> = unit
        .contact_points
        .iter()
        .filter(|c| visible(c, internal) && !except.contains(&c.id))
        .collect();
    html! {
        @if !others.is_empty() {
            ul.numbers {
                @for c in others {
                    li {
                        span.label { (c.label) ": " }
                        @if c.purpose == Purpose::Sms {
                            a href=(format!("sms:{}", c.number.e164())) { (c.number.national()) }
                        } @else {
                            a href=(c.number.tel_uri()) { (c.number.national()) }
                        }
                        " (" (hours_text(c))
                        @if c.hours.is_some() || c.schedule(unit).period_at(now).is_some() { ", " (state_now(unit, c, now, true)) }
                        ")"
                    }
                }
            }
        }
    }
}

/// A unit's or a number's dated periods that are not over, in words, with the redirect's
/// unit and number named.
fn periods_list(directory: &Directory, periods: &[Period], day: chrono::NaiveDate) -> Markup {
    html! {
        @let current: Vec<&Period> = periods.iter().filter(|p| !p.is_over(day)).collect();
        @if !current.is_empty() {
            ul.periods {
                @for p in current {
                    li {
                        (p.describe())
                        @if let Some((u, c)) = p.redirect_to.and_then(|r| directory.contact_point(r)) {
                            "; samtalen går till " (u.name) " " a href=(c.number.tel_uri()) { (c.number.national()) }
                        }
                    }
                }
            }
        }
    }
}

/// What the report form shows.
#[derive(Default)]
pub struct ReportForm {
    /// The number the report is about ("" the unit in general), its id.
    pub contact_point_id: String,
    pub message: String,
    pub proposed_number: String,
    pub proposed_number_confirmed: bool,
    pub errors: Vec<FieldError>,
    pub done: bool,
}

/// The messages about one field, in one element the field names with `aria-describedby`.
fn field_error(errors: &[FieldError], field: &str) -> Markup {
    let messages: Vec<&str> = errors
        .iter()
        .filter(|e| e.field == field || e.field.starts_with(&format!("{field}.")))
        .map(|e| e.sv.as_str())
        .collect();
    html! {
        @if !messages.is_empty() { p.field-error id=(format!("fel-{field}")) { (messages.join(" ")) } }
    }
}

/// Under a number field: the number as it will be saved, and when it looks mistyped the
/// question "Menade du …?" with a box `confirm` to tick if it is right as typed. The page's
/// script asks for this again (`/nummer`) as the number is typed.
pub fn number_check(typed: &str, confirm: &str, confirmed: bool) -> Markup {
    let typed = typed.trim();
    let parsed = (!typed.is_empty()).then(|| PhoneNumber::parse(typed));
    html! {
        @match parsed {
            None => {}
            Some(Err(_)) => p.hint { "Inget giltigt nummer ännu." }
            Some(Ok(number)) => @match number.doubt(typed) {
                None => p.hint { "Sparas som " strong { (number.national()) } }
                Some(doubt) => div.doubt {
                    p { (doubt.sv) }
                    label.check {
                        input type="checkbox" name=(confirm) value="ja" checked[confirmed];
                        " Numret stämmer: spara " (number.national())
                    }
                }
            }
        }
    }
}

fn has_error(errors: &[FieldError], field: &str) -> bool {
    errors
        .iter()
        .any(|e| e.field == field || e.field.starts_with(&format!("{field}.")))
}

/// One unit, all it has.
pub fn unit(
    session: &SessionView,
    directory: &Directory,
    unit: &Unit,
    internal: bool,
    asked: Option<DateTime<Utc>>,
    report: &ReportForm,
) -> Markup {
    let now = asked.unwrap_or_else(Utc::now);
    let may_edit = session
        .user
        .as_ref()
        .is_some_and(|u| u.editor_of(directory, &unit.organisation_id).is_ok());
    let answer = directory.call_now(unit, Purpose::VagIn, now, internal);
    html! {
        h1 { (unit.name) }
        p.meta { (unit.kind.label_sv()) " · " (organisation_name(directory, unit)) (areas(directory, unit))
            @if !unit.is_active_on(today()) { " · " strong { "inte aktiv" } } }
        @if let Some(t) = asked {
            p.meta { "Visar vem som svarar " strong { (local_time(t).format("%Y-%m-%d %H:%M")) } ". "
                a href=(format!("/enhet/{}", unit.id)) { "Visa just nu" } }
        }
        @if let Some(a) = &answer {
            (call_now_block(a, now, asked.is_none()))
        }
        form.when method="get" action=(format!("/enhet/{}", unit.id)) {
            label for="vid" { "Vem svarar vid en annan tid?" }
            div.row {
                div { input type="datetime-local" id="vid" name="vid"
                    value=(local_time(now).format("%Y-%m-%dT%H:%M")); }
                div { button.secondary type="submit" { "Visa" } }
            }
        }
        @let day = local_time(now).date_naive();
        @let notices: Vec<_> = unit.notices.iter().filter(|n| n.is_current_or_coming(day) && !n.shown_on(day)).collect();
        @if !notices.is_empty() {
            h2 { "Kommande meddelanden" }
            ul { @for n in notices { li { (n.describe()) } } }
        }
        @if unit.periods.iter().any(|p| !p.is_over(day)) {
            h2 { "Perioder för hela enheten" }
            (periods_list(directory, &unit.periods, day))
        }
        h2 { "Nummer" }
        table {
            thead { tr { th scope="col" { "Nummer" } th scope="col" { "Vad" } th scope="col" { "Telefontid" } } }
            tbody {
                @for c in unit.contact_points.iter().filter(|c| visible(c, internal)) {
                    tr {
                        td.nr {
                            @if c.purpose == Purpose::Sms {
                                a href=(format!("sms:{}", c.number.e164())) { (c.number.national()) }
                            } @else {
                                a href=(c.number.tel_uri()) { (c.number.national()) }
                            }
                        }
                        td { (c.label) br; span.meta { (c.purpose.label_sv())
                            @if c.visibility == Visibility::Internal { ", internt" } } }
                        td {
                            @if c.hours.is_none() { span.unknown { (hours_text(c)) } } @else { (hours_text(c)) }
                            br; span.meta { (state_now(unit, c, now, asked.is_none())) }
                            (periods_list(directory, &c.periods, day))
                        }
                    }
                }
            }
        }
        @if let Some(r) = &unit.responsibility {
            @let vc = directory.unit(r.vardcentral_id);
            h2 { "Ansvarig vårdcentral" }
            p {
                @if let Some(vc) = vc {
                    a href=(format!("/enhet/{}", vc.id)) { (vc.name) }
                } @else { (r.vardcentral_id) }
            }
            ul.numbers {
                @if let Some(point) = vc.and_then(|vc| vc.contact_points.iter().find(|c| c.purpose == vc.acute_purpose())).filter(|c| visible(c, internal)) {
                    li {
                        span.label { (point.label) ": " }
                        a href=(point.number.tel_uri()) { (point.number.national()) }
                        " (" (hours_text(point)) ")"
                    }
                }
                @if let Some(t) = &r.doctor_time {
                    @let next = t.when(now, vc);
                    li {
                        span.label { "Läkartid: " } (t.describe())
                        @if let Some(at) = next.at { ". Nästa: " (local_time(at).format("%Y-%m-%d %H:%M")) }
                        @if let Some(h) = &next.holiday { " (" (h) ")" }
                        @if let Some(c) = &next.closure { " (" (c) ")" }
                        @if let (Some(held), true) = (next.held, next.at != next.held) {
                            "; nästa på en arbetsdag: " (local_time(held).format("%Y-%m-%d %H:%M"))
                        }
                    }
                }
                @if let Some(m) = r.meeting_form { li { span.label { "Mötesform: " } (m.label_sv()) } }
            }
        }
        @let boenden: Vec<&Unit> = directory.units()
            .filter(|b| b.responsibility.as_ref().is_some_and(|r| r.vardcentral_id == unit.id) && b.is_active_on(now.date_naive()))
            .collect();
        @if !boenden.is_empty() {
            h2 { "Ansvarig vårdcentral för" }
            ul { @for b in &boenden { li { a href=(format!("/enhet/{}", b.id)) { (b.name) } } } }
        }
        @if !unit.preschools.is_empty() {
            h2 { "Förskolor (barnhälsovård)" }
            p { (unit.preschools.join(", ")) }
        }
        @if let Some(address) = address_line(unit) { h2 { "Adress" } p { (address) } }
        @if let Some(note) = &unit.note { h2 { "Anteckning" } p { (note) } }
        p {
            a href=(format!("/v1/units/{}/vcard", unit.id)) { "Spara som kontakt (vCard)" }
            @if session.user.is_some() { " · " a href=(format!("/enhet/{}/historik", unit.id)) { "Historik" } }
            @if may_edit {
                " · " a href=(format!("/enhet/{}/redigera", unit.id)) { "Ändra nummer" }
                " · " a href=(format!("/enhet/{}/uppgifter", unit.id)) { "Ändra uppgifter" }
            }
        }
        @if session.user.is_some() {
            h2 id="rapportera" { "Rapportera fel uppgift" }
            @if report.done {
                div.notice.ok role="status" { "Tack! Rapporten har skickats till enhetens redaktörer." }
            }
            form method="post" action=(format!("/enhet/{}/rapport", unit.id)) {
                input type="hidden" name="csrf" value=(session.csrf);
                label for="message" { "Vad är fel?" }
                @let bad = has_error(&report.errors, "message");
                textarea id="message" name="message" required maxlength="2000" autofocus[bad]
                    aria-invalid=[bad.then_some("true")] aria-describedby=[bad.then_some("fel-message")] { (report.message) }
                (field_error(&report.errors, "message"))
                label for="contact_point_id" { "Gäller numret" }
                select id="contact_point_id" name="contact_point_id" {
                    option value="" selected[report.contact_point_id.is_empty()] { "Enheten i stort" }
                    @for c in unit.contact_points.iter().filter(|c| visible(c, internal)) {
                        @let id = c.id.to_string();
                        option value=(id) selected[report.contact_point_id == id] { (c.label) " (" (c.number.national()) ")" }
                    }
                }
                label for="proposed_number" { "Rätt nummer, om du vet det" }
                @let bad = has_error(&report.errors, "proposed_number");
                input type="text" id="proposed_number" name="proposed_number" value=(report.proposed_number)
                    inputmode="tel" aria-invalid=[bad.then_some("true")]
                    aria-describedby=[bad.then_some("fel-proposed_number")] data-check="proposed_number_confirmed";
                (field_error(&report.errors, "proposed_number"))
                div.number-check aria-live="polite" {
                    (number_check(&report.proposed_number, "proposed_number_confirmed", report.proposed_number_confirmed))
                }
                p { button type="submit" { "Skicka rapport" } }
            }
        }
    }
    .pipe(|body| layout(session, &unit.name, body))
}

/// Markup as a value that can be passed on (keeps the page functions one expression).
trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}
impl Pipe for Markup {}

/// The street lookup.
pub fn street(
    session: &SessionView,
    directory: &Directory,
    raw: &str,
    internal: bool,
    now: DateTime<Utc>,
) -> Markup {
    let found = (!raw.trim().is_empty()).then(|| directory.street(raw)).flatten();
    let day = today();
    let body = html! {
        h1 { "Vilken hemtjänstgrupp har gatan?" }
        form.search method="get" action="/gata" role="search" {
            div.q {
                label for="gata" { "Gata och husnummer" }
                input.big type="search" id="gata" name="gata" value=(raw) autocomplete="off";
            }
            div { button type="submit" { "Sök" } }
        }
        @match &found {
            Some(answer) if answer.resolved => {
                @let area = directory.area_at(answer.parts[0].0);
                p {
                    strong { (answer.street) @if let Some(n) = answer.number { " " (n) } }
                    " hör till " strong { (area.name) } "."
                }
                ul.results {
                    @for u in directory.units_in_area(&area.id, day) {
                        li { (card(directory, u, internal, now)) }
                    }
                }
            }
            Some(answer) => {
                p {
                    @if let Some(n) = answer.number {
                        "Husnummer " (n) " på " strong { (answer.street) } " finns inte i gatutabellen. "
                    } @else {
                        strong { (answer.street) } " är delad mellan distrikt: ange husnummer. "
                    }
                    "Gatans delar:"
                }
                ul {
                    @for (d, part) in &answer.parts {
                        li {
                            (part.numbers_sv().unwrap_or_else(|| "alla nummer".into()))
                            ": " (directory.area_at(*d).name)
                        }
                    }
                }
            }
            None if !raw.trim().is_empty() => {
                p { "Gatan finns inte i gatutabellen." }
                @let near = directory.similar_streets(raw, 5);
                @if !near.is_empty() {
                    p { "Menade du: "
                        @for (i, s) in near.iter().enumerate() {
                            @if i > 0 { ", " }
                            a href=(format!("/gata?gata={}", percent(s))) { (s) }
                        }
                        "?"
                    }
                }
            }
            None => {}
        }
    };
    layout(session, "Sök gata", body)
}

pub fn login(session: &SessionView, next: &str, error: Option<&str>) -> Markup {
    layout(
        session,
        "Logga in",
        html! {
            h1 { "Logga in" }
            @if let Some(e) = error { div.notice.error role="alert" { (e) } }
            form method="post" action="/logga-in" {
                input type="hidden" name="next" value=(next);
                fieldset {
                    legend { "Med ditt konto i kontaktnav" }
                    label for="username" { "Användarnamn" }
                    input type="text" id="username" name="username" autocomplete="username";
                    label for="password" { "Lösenord" }
                    input type="password" id="password" name="password" autocomplete="current-password";
                }
                details {
                    summary { "Eller med en token från inloggningstjänsten" }
                    label for="token" { "Token" }
                    textarea id="token" name="token" autocomplete="off" {}
                }
                p { button type="submit" { "Logga in" } }
            }
        },
    )
}

/// "Byt lösenord": the present password and a new one, twice; `required` when the sign-in
/// sent the user here because the password falls short of today's rules.
pub fn change_password(
    session: &SessionView,
    user: &crate::auth::User,
    next: &str,
    required: bool,
    error: Option<&str>,
) -> Markup {
    layout(
        session,
        "Byt lösenord",
        html! {
            h1 { "Byt lösenord" }
            @if required {
                div.notice role="status" {
                    "Ditt lösenord följer inte de regler som gäller nu: minst 12 tecken och inte lätt att gissa. Välj ett nytt innan du går vidare."
                }
            }
            @if let Some(e) = error { div.notice.error role="alert" { (e) } }
            form method="post" action="/byt-losenord" {
                input type="hidden" name="csrf" value=(session.csrf);
                input type="hidden" name="next" value=(next);
                @if required { input type="hidden" name="krav" value="ja"; }
                input type="hidden" name="username" value=(user.sub) autocomplete="username";
                label for="present_password" { "Nuvarande lösenord" }
                input type="password" id="present_password" name="present_password" autocomplete="current-password" required;
                label for="new_password" { "Nytt lösenord" }
                p.hint id="new-hint" { "Minst 12 tecken. Fyra ord som inte hör ihop är lätta att minnas och svåra att gissa." }
                input type="password" id="new_password" name="new_password" autocomplete="new-password" minlength="12" required aria-describedby="new-hint";
                label for="again" { "Nytt lösenord en gång till" }
                input type="password" id="again" name="again" autocomplete="new-password" minlength="12" required;
                p { button type="submit" { "Byt lösenord" } }
            }
        },
    )
}

/// Which number a refused form was for: one of the unit's, or a new one.
pub type FormFor = Option<uuid::Uuid>;

pub fn edit(
    session: &SessionView,
    directory: &Directory,
    unit: &Unit,
    top: Option<Notice>,
    failed: Option<(FormFor, Vec<FieldError>, &NumberInput)>,
) -> Markup {
    let sent = |id: FormFor| match &failed {
        Some((which, errors, form)) if *which == id => Some((*form, errors.as_slice())),
        _ => None,
    };
    let stored: Vec<NumberInput> = unit
        .contact_points
        .iter()
        .map(|c| NumberInput::of(directory, c))
        .collect();
    let blank = NumberInput::blank();
    let body = html! {
        h1 { "Ändra nummer: " (unit.name) }
        (notice(top.as_ref()))
        p { a href=(format!("/enhet/{}", unit.id)) { "Tillbaka till enheten" } " · "
            a href=(format!("/enhet/{}/uppgifter", unit.id)) { "Ändra uppgifter" } " · "
            a href=(format!("/enhet/{}/historik", unit.id)) { "Historik" } }
        @for (c, shown) in unit.contact_points.iter().zip(&stored) {
            @let (row, errors) = sent(Some(c.id)).unwrap_or((shown, &[][..]));
            (number_form(session, unit, Some(c), row, errors))
        }
        h2 id="nytt-nummer" { "Lägg till ett nummer" }
        @let (row, errors) = sent(None).unwrap_or((&blank, &[][..]));
        (number_form(session, unit, None, row, errors))
    };
    layout(session, &format!("Ändra {}", unit.name), body)
}

/// The form of one number (`point`), or of a new one; for a stored number other than the one
/// way in, also the button that removes it.
fn number_form(
    session: &SessionView,
    unit: &Unit,
    point: Option<&ContactPoint>,
    row: &NumberInput,
    errors: &[FieldError],
) -> Markup {
    let p = point.map_or_else(|| "ny".to_owned(), |c| c.id.simple().to_string());
    let action = match point {
        Some(c) => format!("/enhet/{}/nummer/{}", unit.id, c.id),
        None => format!("/enhet/{}/nummer", unit.id),
    };
    let anchor = point.map_or_else(|| "nummer-ny".to_owned(), |c| format!("nummer-{}", c.id));
    let bad = |field: &str| has_error(errors, field);
    let described = |field: &str| bad(field).then(|| format!("fel-{p}"));
    let vag_in = point.is_some_and(|c| c.purpose == Purpose::VagIn);
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let (exceptions, valid_from, valid_until) = (
        text(&row.exceptions),
        text(&row.valid_from),
        text(&row.valid_until),
    );
    let more_open = bad("exceptions")
        || bad("valid_from")
        || bad("valid_until")
        || !exceptions.is_empty()
        || !valid_from.is_empty()
        || !valid_until.is_empty();
    html! {
        form method="post" action=(action) id=(anchor) {
            fieldset {
                @match point {
                    Some(c) => legend { (c.purpose.label_sv()) ": " (c.label) },
                    None => legend { "Nytt nummer" },
                }
                @if !errors.is_empty() {
                    div.notice.error role="alert" id=(format!("fel-{p}")) {
                        "Numret sparades inte:"
                        ul { @for e in errors { li { (e.sv) } } }
                    }
                }
                input type="hidden" name="csrf" value=(session.csrf);
                input type="hidden" name="version" value=(unit.version);
                div.row {
                    div {
                        label for=(format!("purpose-{p}")) { "Typ" }
                        select id=(format!("purpose-{p}")) name="purpose"
                            aria-invalid=[bad("purpose").then_some("true")] aria-describedby=[described("purpose")] {
                            @for purpose in Purpose::ALL.iter().filter(|p| (**p == Purpose::VagIn) == vag_in) {
                                option value=(purpose.code()) selected[row.purpose == purpose.code()] { (purpose.label_sv()) }
                            }
                        }
                    }
                    div {
                        label for=(format!("label-{p}")) { "Beskrivning" }
                        input type="text" id=(format!("label-{p}")) name="label" value=(row.label) required
                            aria-invalid=[bad("label").then_some("true")] aria-describedby=[described("label")]
                            autofocus[bad("label")];
                    }
                    div.number {
                        label for=(format!("number-{p}")) { "Nummer" }
                        input type="text" id=(format!("number-{p}")) name="number" value=(row.number) required inputmode="tel"
                            aria-invalid=[bad("number").then_some("true")] aria-describedby=[described("number")]
                            autofocus[bad("number")] data-check="number_confirmed";
                        div.number-check aria-live="polite" { (number_check(&row.number, "number_confirmed", row.number_confirmed)) }
                    }
                    div {
                        label for=(format!("visibility-{p}")) { "Synlighet" }
                        select id=(format!("visibility-{p}")) name="visibility" {
                            option value="internal" selected[row.visibility == "internal"] { "Internt (inloggade)" }
                            option value="public" selected[row.visibility == "public"] { "Offentligt" }
                        }
                    }
                }
                div.row {
                    div {
                        label for=(format!("mode-{p}")) { "Telefontid" }
                        select id=(format!("mode-{p}")) name="hours_mode"
                            aria-invalid=[bad("hours").then_some("true")] aria-describedby=[described("hours")] {
                            option value="unknown" selected[row.hours_mode == "unknown"] { "Telefontid saknas (okänd)" }
                            option value="always" selected[row.hours_mode == "always"] { "Dygnet runt, alla dagar" }
                            option value="open_during" selected[row.hours_mode == "open_during"] { "Svarar under tiderna" }
                            option value="closed_during" selected[row.hours_mode == "closed_during"] { "Svarar utom tiderna (jour)" }
                        }
                    }
                    div.wide {
                        label for=(format!("hours-{p}")) { "Tider" }
                        input type="text" id=(format!("hours-{p}")) name="hours" value=(row.hours)
                            aria-invalid=[bad("hours").then_some("true")] aria-describedby=(format!("tider-{p}"))
                            autofocus[bad("hours")] data-hours;
                        div.hours-check id=(format!("tider-{p}")) aria-live="polite" { (hours_check(&row.hours)) }
                    }
                }
                details open[more_open] {
                    summary { "Avvikande dagar och giltighet" }
                    div.row {
                        div.wide {
                            label for=(format!("exceptions-{p}")) { "Dagar med andra tider, en per rad" }
                            textarea id=(format!("exceptions-{p}")) name="exceptions"
                                aria-invalid=[bad("exceptions").then_some("true")] aria-describedby=(format!("exc-hint-{p}")) { (exceptions) }
                            p.hint id=(format!("exc-hint-{p}")) { "Till exempel: 2026-12-24 stängt (julafton) eller 2026-12-31 08:00–12:00. Helgdagar räknas redan som helger." }
                        }
                    }
                    div.row {
                        div {
                            label for=(format!("valid-from-{p}")) { "Tiderna gäller från" }
                            input type="date" id=(format!("valid-from-{p}")) name="valid_from" value=(valid_from)
                                aria-invalid=[bad("valid_from").then_some("true")];
                        }
                        div {
                            label for=(format!("valid-until-{p}")) { "till och med" }
                            input type="date" id=(format!("valid-until-{p}")) name="valid_until" value=(valid_until)
                                aria-invalid=[bad("valid_until").then_some("true")];
                        }
                    }
                }
                (period_rows(&p, row.periods.as_deref().unwrap_or_default(), errors, "periods"))
                div.row {
                    div {
                        label for=(format!("reason-{p}")) { "Varför (syns i historiken)" }
                        input type="text" id=(format!("reason-{p}")) name="reason" maxlength="500" value=(row.reason);
                    }
                }
                p.buttons {
                    @match point {
                        Some(c) => {
                            button type="submit" { "Spara " (c.label) }
                            button.secondary type="submit" name="granskad" value="ja" { "Spara och markera enheten som granskad" }
                        }
                        None => button type="submit" { "Lägg till numret" },
                    }
                }
            }
        }
        @if let Some(c) = point.filter(|c| c.purpose != Purpose::VagIn) {
            form.remove method="post" action=(format!("/enhet/{}/nummer/{}/ta-bort", unit.id, c.id)) {
                input type="hidden" name="csrf" value=(session.csrf);
                input type="hidden" name="version" value=(unit.version);
                button.secondary type="submit" { "Ta bort " (c.label) " (" (c.number.national()) ")" }
            }
        }
    }
}

/// Under the hours field: the hours as they will be saved, or why they cannot be read. The
/// page's script asks for this again (`/telefontid`) as the hours are typed.
pub fn hours_check(text: &str) -> Markup {
    html! {
        @if !text.trim().is_empty() {
            @match crate::domain::telefontid::spans(text).map(|s| crate::domain::hours::describe_spans(&s)) {
                // Written as it will be saved: nothing to say.
                Ok(saved) if saved == text.trim() => {}
                Ok(saved) => p.hint { "Sparas som " strong { (saved) } }
                Err(e) => p.field-error { (e.sv) }
            }
        } @else {
            p.hint { "Till exempel: vardagar 08:00–12:00, 13:00–16:30, lör 10–14" }
        }
    }
}

/// A boende's ansvarig vårdcentral and its fixed doctor time.
fn responsibility_fields(directory: &Directory, r: &ResponsibilityInput, errors: &[FieldError]) -> Markup {
    let invalid = has_error(errors, "responsibility").then_some("true");
    // The stored one always (even ended, or of another kind now), so that saving keeps it.
    let vardcentraler = directory.units().filter(|u| {
        (u.kind == UnitKind::Vardcentral && u.active_to.is_none()) || u.id.to_string() == r.vardcentral_id
    });
    html! {
        fieldset {
            legend { "Ansvarig vårdcentral och läkartid" }
            (field_error(errors, "responsibility"))
            div.row {
                div.wide {
                    label for="vardcentral_id" { "Ansvarig vårdcentral" }
                    select id="vardcentral_id" name="vardcentral_id" aria-invalid=[invalid] {
                        option value="" selected[r.vardcentral_id.is_empty()] { "Ingen angiven" }
                        @for u in vardcentraler {
                            @let id = u.id.to_string();
                            option value=(id) selected[r.vardcentral_id == id] { (u.name) }
                        }
                    }
                }
                div {
                    label for="meeting_form" { "Mötesform" }
                    select id="meeting_form" name="meeting_form" {
                        option value="" selected[r.meeting_form.is_empty()] { "Inte angiven" }
                        @for m in MeetingForm::ALL {
                            option value=(m.code()) selected[r.meeting_form == m.code()] { (m.label_sv()) }
                        }
                    }
                }
            }
            div.row {
                div {
                    label for="doctor_weekday" { "Fast läkartid" }
                    select id="doctor_weekday" name="doctor_weekday" {
                        option value="" selected[r.weekday.is_empty()] { "Ingen" }
                        @for d in Weekday::ALL {
                            option value=(d.code()) selected[r.weekday == d.code()] { (d.label_sv()) }
                        }
                    }
                }
                div {
                    label for="doctor_time" { "Klockan" }
                    input type="text" id="doctor_time" name="doctor_time" value=(r.time) placeholder="TT:MM" inputmode="numeric";
                }
                div {
                    label for="doctor_interval" { "Hur ofta" }
                    select id="doctor_interval" name="doctor_interval" {
                        @for i in Interval::ALL {
                            option value=(i.code()) selected[r.interval == i.code() || (r.interval.is_empty() && *i == Interval::Weekly)] { (i.label_sv()) }
                        }
                    }
                }
            }
        }
    }
}

/// A unit's dated notices as rows (the stored ones and one empty): from, to, text.
fn notice_rows(rows: &[NoticeInput], errors: &[FieldError]) -> Markup {
    let blank = NoticeInput::default();
    html! {
        details open[has_error(errors, "notices") || !rows.is_empty()] {
            summary { "Meddelanden (till exempel nytt nummer från ett datum)" }
            p.hint { "Visas för den som slår upp enheten, från och med första till och med sista dagen. Töm en rad för att ta bort meddelandet." }
            @for (i, row) in rows.iter().chain(std::iter::once(&blank)).enumerate() {
                @let id = |part: &str| format!("notice-{part}-{i}");
                @let bad = |part: &str| has_error(errors, &format!("notices[{i}].{part}")) || has_error(errors, &format!("notices[{i}]"));
                div.period {
                    div {
                        label for=(id("from")) { "Från" }
                        input type="date" id=(id("from")) name="notice_from" value=(row.from) aria-invalid=[bad("from").then_some("true")];
                    }
                    div {
                        label for=(id("to")) { "Till och med" }
                        input type="date" id=(id("to")) name="notice_to" value=(row.to) aria-invalid=[bad("to").then_some("true")];
                    }
                    div.wide {
                        label for=(id("text")) { "Meddelande" }
                        textarea.short id=(id("text")) name="notice_text" maxlength="300" aria-invalid=[bad("text").then_some("true")] { (row.text) }
                    }
                }
            }
        }
    }
}

/// Dated periods as rows (the stored ones and one empty for a new one): from, to, hours in
/// words (blank: closed), the number that takes the calls, a note for callers. `p` keeps the
/// ids of several forms on one page apart; errors are named `field[i].…`.
fn period_rows(p: &str, rows: &[PeriodInput], errors: &[FieldError], field: &str) -> Markup {
    let blank = PeriodInput::default();
    let bad = |i: usize, part: &str| {
        has_error(errors, &format!("{field}[{i}].{part}")) || has_error(errors, &format!("{field}[{i}]"))
    };
    let any_bad = has_error(errors, field);
    html! {
        details open[any_bad || !rows.is_empty()] {
            summary { "Perioder med andra tider (till exempel sommarstängt)" }
            p.hint { "Gäller från och med första till och med sista dagen. Tomma tider: stängt hela perioden. Töm en rad för att ta bort perioden." }
            @for (i, row) in rows.iter().chain(std::iter::once(&blank)).enumerate() {
                @let id = |part: &str| format!("period-{part}-{i}-{p}");
                div.period {
                    div {
                        label for=(id("from")) { "Från" }
                        input type="date" id=(id("from")) name="period_from" value=(row.from) aria-invalid=[bad(i, "from").then_some("true")];
                    }
                    div {
                        label for=(id("to")) { "Till och med" }
                        input type="date" id=(id("to")) name="period_to" value=(row.to) aria-invalid=[bad(i, "to").then_some("true")];
                    }
                    div.wide {
                        label for=(id("hours")) { "Tider under perioden" }
                        input type="text" id=(id("hours")) name="period_hours" value=(row.hours) placeholder="stängt"
                            aria-invalid=[bad(i, "weekly").then_some("true")];
                    }
                    div {
                        label for=(id("redirect")) { "Samtalen går till nummer" }
                        input type="text" id=(id("redirect")) name="period_redirect" value=(row.redirect) inputmode="tel"
                            aria-invalid=[bad(i, "redirect_to").then_some("true")];
                    }
                    div.wide {
                        label for=(id("note")) { "Meddelande till den som ringer" }
                        textarea.short id=(id("note")) name="period_note" maxlength="300"
                            aria-invalid=[bad(i, "note").then_some("true")] { (row.note) }
                    }
                }
            }
        }
    }
}

/// Who changed what and when.
pub fn history(
    session: &SessionView,
    directory: &Directory,
    unit: &Unit,
    rows: &[AuditEventRow],
    may_revert: bool,
) -> Markup {
    let body = html! {
        h1 { "Historik: " (unit.name) }
        p { a href=(format!("/enhet/{}", unit.id)) { "Tillbaka till enheten" } }
        (events_table(directory, rows, |row| html! {
            (action_sv(&row.action)) @if let Some(r) = &row.reason { br; span.meta { (r) } }
            @if may_revert && row.entity_version != unit.version && row.after_state.is_some() {
                form method="post" action=(format!("/enhet/{}/aterstall", unit.id)) {
                    input type="hidden" name="csrf" value=(session.csrf);
                    input type="hidden" name="version" value=(unit.version);
                    input type="hidden" name="till" value=(row.entity_version);
                    label.visually-hidden for=(format!("varfor-{}", row.entity_version)) { "Varför återställa till version " (row.entity_version) " (syns i historiken)" }
                    input.small type="text" id=(format!("varfor-{}", row.entity_version)) name="reason" maxlength="500" placeholder="Varför (syns i historiken)";
                    button.secondary.small type="submit" { "Återställ till version " (row.entity_version) }
                }
            }
        }))
    };
    layout(session, &format!("Historik {}", unit.name), body)
}

/// History events, a row each: when, who, what (`what` makes that cell), the changes in words.
fn events_table(
    directory: &Directory,
    rows: &[AuditEventRow],
    what: impl Fn(&AuditEventRow) -> Markup,
) -> Markup {
    html! {
        table {
            thead { tr { th scope="col" { "När" } th scope="col" { "Vem" } th scope="col" { "Vad" } th scope="col" { "Ändringar" } } }
            tbody {
                @for row in rows {
                    tr { (when_and_who(row)) td { (what(row)) } (changes_cell(directory, row)) }
                }
            }
        }
    }
}

/// An event's first two cells: when (Borås time) and who (name and role).
fn when_and_who(row: &AuditEventRow) -> Markup {
    let role =
        Role::parse(&row.actor_role).map_or_else(|_| row.actor_role.clone(), |r| role_sv(r).to_owned());
    html! {
        td { (local_time(row.occurred_at.and_utc()).format("%Y-%m-%d %H:%M")) }
        td { (row.actor_name.as_deref().unwrap_or(&row.actor_sub)) br; span.meta { (role) } }
    }
}

/// An event's changes, a line each in words ("Skapad" for a first version).
fn changes_cell(directory: &Directory, row: &AuditEventRow) -> Markup {
    let diff = changes(&stored_state(&row.before_state), &stored_state(&row.after_state));
    html! {
        td {
            @if row.before_state.is_none() { "Skapad" } @else {
                ul.numbers {
                    @for c in diff.iter().filter(|c| !c.field.ends_with(".e164")) {
                        li { (field_sv(&c.field)) ": " (in_words(directory, &c.field, &c.from)) " → " (in_words(directory, &c.field, &c.to)) }
                    }
                }
            }
        }
    }
}

/// A value of the history as words: areas and organisations by name, lists as lists, yes or
/// no, never JSON (telefontider, periods and notices come in words already).
fn in_words(directory: &Directory, field: &str, value: &serde_json::Value) -> String {
    use serde_json::Value;
    let key = field.rsplit('.').next().unwrap_or(field);
    match value {
        Value::Null => "–".into(),
        Value::Bool(true) => "ja".into(),
        Value::Bool(false) => "nej".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => match key {
            "area_ids" => directory.area(s).map_or_else(|| s.clone(), |a| a.name.clone()),
            "organisation_id" | "parent_id" => directory
                .organisation(s)
                .map_or_else(|| s.clone(), |o| o.name.clone()),
            _ => s.clone(),
        },
        Value::Array(items) if items.is_empty() => "inga".into(),
        Value::Array(items) => items
            .iter()
            .map(|item| in_words(directory, field, item))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{}: {}", field_sv(k), in_words(directory, k, v)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// A changed field as people say it: `contact_points[Växel].number.national` → "Växel: nummer".
fn field_sv(field: &str) -> String {
    let (owner, rest) = match field
        .strip_prefix("contact_points[")
        .and_then(|r| r.split_once("]."))
    {
        Some((label, rest)) => (Some(label), rest),
        None => (None, field),
    };
    let name = match rest.split('.').next().unwrap_or(rest) {
        "number" => "nummer",
        "label" => "beskrivning",
        "purpose" => "syfte",
        "visibility" => "synlighet",
        "hours" => "telefontid",
        "name" => "namn",
        "kind" => "typ",
        "organisation_id" => "organisation",
        "area_ids" => "områden",
        "hsa_id" => "HSA-id",
        "address" => "adress",
        "active_from" => "aktiv från",
        "active_to" => "aktiv till",
        "reviewed_at" => "granskad",
        "review_interval_months" => "granskningsintervall",
        "note" => "anteckning",
        "fallback_contact_point_id" => "reservnummer",
        "responsibility" => "ansvarig vårdcentral",
        "preschools" => "förskolor",
        other => other,
    };
    match owner {
        Some(label) => format!("{label}: {name}"),
        None => name.to_owned(),
    }
}

fn action_sv(action: &str) -> String {
    match action {
        "unit.create" => "Skapad".into(),
        "unit.update" => "Ändrad".into(),
        "unit.deactivate" => "Avslutad".into(),
        "unit.revert" => "Återställd".into(),
        "unit.confirm" => "Granskad och bekräftad".into(),
        "unit.import" => "Ändrad genom import".into(),
        "unit.correction" => "Rättad efter rapport".into(),
        "unit.baseline" => "Första versionen".into(),
        "contact_point.create" => "Nummer tillagt".into(),
        "contact_point.update" => "Nummer ändrat".into(),
        "contact_point.remove" => "Nummer borttaget".into(),
        other => other.into(),
    }
}

/// "Att granska": units due for review and open reports, for the editor's organisations.
/// A decision on a report that came back: which report, what was typed, and why not.
pub struct RefusedDecision {
    pub id: uuid::Uuid,
    /// The reject form (else the accept form).
    pub reject: bool,
    pub number: String,
    pub confirmed: bool,
    pub reason: String,
    pub errors: Vec<String>,
}

pub fn review(
    session: &SessionView,
    directory: &Directory,
    user: &User,
    open: &[Correction],
    top: Option<Notice>,
    refused: Option<&RefusedDecision>,
) -> Markup {
    let day = today();
    let mut due: Vec<&Unit> = directory
        .units()
        .filter(|u| u.is_active_on(day))
        .filter(|u| u.review_status(day) != ReviewStatus::Current)
        .filter(|u| user.editor_of(directory, &u.organisation_id).is_ok())
        .collect();
    due.sort_by_key(|u| (u.review_due(), crate::domain::text::sort_key(&u.name)));
    let body = html! {
        h1 { "Att granska" }
        (notice(top.as_ref()))
        // A decision on a report that is no longer open (someone decided it meanwhile).
        @if let Some(r) = refused.filter(|r| !open.iter().any(|c| c.id == r.id)) {
            div.notice.error role="alert" {
                "Rapporten är redan avgjord eller finns inte längre:"
                ul { @for e in &r.errors { li { (e) } } }
            }
        }
        h2 { "Rapporter om fel (" (open.len()) ")" }
        @if open.is_empty() { p.empty { "Inga öppna rapporter." } }
        @for c in open {
            @let unit = directory.unit(c.unit_id);
            article.card {
                h3 { @if let Some(u) = unit { a href=(format!("/enhet/{}", u.id)) { (u.name) } } }
                p.meta { "Från " (c.reporter.name.as_deref().unwrap_or(&c.reporter.sub)) ", "
                    (local_time(c.created_at.and_utc()).format("%Y-%m-%d %H:%M")) }
                p { (c.message) }
                @if let Some(n) = &c.proposed_number { p { "Föreslaget nummer: " strong { (n.national()) } } }
                @let id = c.id.simple();
                @let back = refused.filter(|r| r.id == c.id);
                @if let Some(r) = back {
                    div.notice.error role="alert" id=(format!("beslut-{id}")) {
                        @if r.reject { "Rapporten avvisades inte:" } @else { "Rapporten godtogs inte:" }
                        ul { @for e in &r.errors { li { (e) } } }
                    }
                }
                @let accept_back = back.filter(|r| !r.reject);
                form method="post" action=(format!("/rattelse/{}", c.id)) id=(format!("godta-{id}")) {
                    input type="hidden" name="csrf" value=(session.csrf);
                    input type="hidden" name="version" value=(c.version);
                    input type="hidden" name="decision" value="godta";
                    div.row {
                        div {
                            label for=(format!("number-{id}")) { "Nummer att sätta (tomt: inget nummer ändras)" }
                            @let proposed = match accept_back {
                                Some(r) => r.number.clone(),
                                None => c.proposed_number.as_ref().map(|n| n.national().to_owned()).unwrap_or_default(),
                            };
                            input type="text" id=(format!("number-{id}")) name="number" inputmode="tel"
                                value=(proposed) data-check="number_confirmed" autofocus[accept_back.is_some()]
                                aria-invalid=[accept_back.map(|_| "true")] aria-describedby=[back.map(|_| format!("beslut-{id}"))];
                            div.number-check aria-live="polite" { (number_check(&proposed, "number_confirmed", accept_back.is_some_and(|r| r.confirmed))) }
                        }
                        div {
                            label for=(format!("note-{id}")) { "Kommentar (frivillig)" }
                            input type="text" id=(format!("note-{id}")) name="reason" maxlength="500" value=(accept_back.map(|r| r.reason.as_str()).unwrap_or_default());
                        }
                        div { button type="submit" { "Godta" } }
                    }
                }
                form method="post" action=(format!("/rattelse/{}", c.id)) {
                    input type="hidden" name="csrf" value=(session.csrf);
                    input type="hidden" name="version" value=(c.version);
                    input type="hidden" name="decision" value="avvisa";
                    div.row {
                        div {
                            label for=(format!("reason-{id}")) { "Varför avvisas rapporten? (den som rapporterade ser det)" }
                            @let reject_back = back.filter(|r| r.reject);
                            input type="text" id=(format!("reason-{id}")) name="reason" maxlength="500" required
                                value=(reject_back.map(|r| r.reason.as_str()).unwrap_or_default()) autofocus[reject_back.is_some()];
                        }
                        div { button.secondary type="submit" { "Avvisa" } }
                    }
                }
            }
        }
        h2 { "Enheter att granska (" (due.len()) ")" }
        @if due.is_empty() { p.empty { "Allt är granskat." } } @else {
            p { "Kontrollera enhetens uppgifter nedan. Stämmer allt: ”Stämmer”. Annars: ”Ändra”, och spara med ”Spara och markera enheten som granskad”." }
            @for u in &due {
                article.card.review {
                    h3 { a href=(format!("/enhet/{}", u.id)) { (u.name) } }
                    p.meta {
                        "Senast granskad " (u.reviewed_at.map_or_else(|| "aldrig".to_owned(), |d| d.to_string()))
                        " · ska granskas " (u.review_due())
                        @if u.review_status(day) == ReviewStatus::Overdue { " (försenad)" }
                    }
                    @if let Some(address) = address_line(u) { p { (address) } }
                    table.review-numbers {
                        caption.visually-hidden { "Nummer och telefontider för " (u.name) }
                        thead { tr { th scope="col" { "Nummer" } th scope="col" { "Beskrivning" } th scope="col" { "Telefontid" } } }
                        tbody {
                            @for c in &u.contact_points {
                                tr {
                                    td.nr { (c.number.national()) }
                                    td { (c.label) br; span.meta { (c.purpose.label_sv()) ", "
                                        @if c.visibility == Visibility::Internal { "internt" } @else { "offentligt" } } }
                                    td { (hours_text(c)) }
                                }
                            }
                        }
                    }
                    @if let Some(note) = &u.note { p.meta { "Anteckning: " (note) } }
                    div.row {
                        form method="post" action=(format!("/enhet/{}/bekrafta", u.id)) {
                            input type="hidden" name="csrf" value=(session.csrf);
                            input type="hidden" name="version" value=(u.version);
                            button type="submit" aria-label=(format!("Stämmer: bekräfta {}", u.name)) { "Stämmer" }
                        }
                        a.button.secondary href=(format!("/enhet/{}/redigera", u.id)) aria-label=(format!("Ändra {}", u.name)) { "Ändra" }
                    }
                }
            }
        }
        @let missing: Vec<(&Unit, &ContactPoint)> = directory
            .units()
            .filter(|u| u.is_active_on(day) && user.editor_of(directory, &u.organisation_id).is_ok())
            .flat_map(|u| u.contact_points.iter().filter(|c| c.hours.is_none()).map(move |c| (u, c)))
            .collect();
        h2 { "Nummer utan telefontid (" (missing.len()) ")" }
        @if missing.is_empty() { p.empty { "Alla nummer har telefontid." } } @else {
            p { "Utan telefontid kan ingen säga om numret svarar just nu. Fyll i tiderna (eller ”dygnet runt”)." }
            ul {
                @for (u, c) in &missing {
                    li {
                        a href=(format!("/enhet/{}/redigera", u.id)) { (u.name) } ": " (c.label) " "
                        span.nr { (c.number.national()) }
                    }
                }
            }
        }
    };
    layout(session, "Att granska", body)
}

pub(super) fn app_message(e: &AppError) -> String {
    match e {
        AppError::Validation(errors) => errors.iter().map(|e| e.sv.clone()).collect::<Vec<_>>().join(" "),
        AppError::Conflict { sv, .. } => sv.clone(),
        AppError::PreconditionFailed { .. } => {
            "Någon annan har ändrat uppgifterna sedan du öppnade sidan. Ladda om sidan och gör ändringen igen.".into()
        }
        AppError::TooManyRequests { retry_after_seconds } => {
            format!("För många försök. Vänta {retry_after_seconds} sekunder och försök igen.")
        }
        AppError::Unavailable(_) => "Databasen svarar inte just nu. Försök igen om en stund.".into(),
        _ => "Något gick fel. Försök igen; hör av dig till förvaltningen om det händer igen.".into(),
    }
}

/// "Importera": the CSV file, and why (kept in the history).
pub fn import_form(session: &SessionView, error: Option<&str>) -> Markup {
    let body = html! {
        h1 { "Importera från en fil" }
        p { "Först visas vad importen skulle ändra. Inget sparas förrän du bekräftar." }
        @if let Some(error) = error { div.notice.error role="alert" { (error) } }
        form method="post" action="/import" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(session.csrf);
            fieldset {
                legend { "Vad innehåller filen?" }
                label.check { input type="radio" name="vad" value="enheter" checked; " Enheter och nummer" }
                p.hint { "Exportens kolumner, t.ex. " a href="/v1/export?format=csv" { "hela katalogen som CSV" }
                    " ändrad i Excel. En enhets rader är hela dess lista med nummer: ett nummer som filen inte tar med tas bort. Enheter som inte står i filen berörs inte." }
                label.check { input type="radio" name="vad" value="gator"; " Gatutabellen (gata, distrikt)" }
                p.hint { "Kolumnerna gata,distrikt och för en del av en gata från,till,sida (udda/jämna). Filen ersätter hela tabellen: ett distrikt som filen inte nämner blir utan gator." }
                label.check { input type="radio" name="vad" value="ord"; " Sökord (ord, uttryck)" }
                p.hint { "Kolumnerna ord,uttryck, en rad per betydelse. Filen ersätter hela ordlistan." }
            }
            label for="fil" { "CSV-fil (UTF-8, komma eller semikolon)" }
            input type="file" id="fil" name="fil" accept=".csv,text/csv" required;
            label for="reason" { "Varför (syns i historiken)" }
            input type="text" id="reason" name="reason" maxlength="500" placeholder="t.ex. årlig uppdatering 2027";
            p { button type="submit" { "Förhandsgranska" } }
        }
    };
    layout(session, "Importera", body)
}

/// What an import would do (a preview, with the button that imports) or did: the counts, the
/// warnings, and per unit its numbers added and removed and its changed fields.
pub fn import_report(
    session: &SessionView,
    directory: &Directory,
    report: &crate::transfer::ImportReport,
    text: &str,
    reason: &str,
    notice: Option<&str>,
) -> Markup {
    use base64::Engine;
    let changes = report.created + report.changed;
    let body = html! {
        @if report.dry_run { h1 { "Förhandsgranskning av importen" } } @else { h1 { "Importen är klar" } }
        @if let Some(notice) = notice { div.notice.error role="alert" { (notice) } }
        p { (report.rows) " rader, " (report.units) " enheter: " strong { (report.created) " nya, " (report.changed) " ändras" }
            ", " (report.unchanged) " oförändrade." }
        @if !report.warnings.is_empty() {
            h2 { "Varningar (" (report.warnings.len()) ")" }
            p { "Raderna importeras som de står, men kontrollera dem:" }
            ul { @for w in &report.warnings { li { "Rad " (w.line) ": " (w.sv) } } }
        }
        @if report.dry_run {
            @if changes == 0 { div.notice.ok role="status" { "Filen ändrar inget." } } @else {
                form method="post" action="/import" enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(session.csrf);
                    input type="hidden" name="innehall" value=(base64::engine::general_purpose::STANDARD.encode(text));
                    input type="hidden" name="reason" value=(reason);
                    input type="hidden" name="bekrafta" value="ja";
                    input type="hidden" name="grund" value=(report.based_on);
                    p.buttons {
                        button type="submit" { "Importera: " (report.created) " nya, " (report.changed) " ändrade" }
                        a.button.secondary href="/import" { "Avbryt" }
                    }
                }
            }
        }
        @if changes > 0 { h2 { "Enhet för enhet" } }
        @if !report.diff_complete { p { "Listan visar de " (report.diff.len()) " första enheterna." } }
        @for unit in &report.diff { (unit_diff(directory, unit)) }
    };
    layout(session, "Importera", body)
}

/// An uploaded file that replaces a whole table, for its report page.
pub struct Upload<'u> {
    /// `gator` or `ord`, sent again with the import.
    pub kind: &'u str,
    /// The table in Swedish ("gatutabellen").
    pub table: &'static str,
    pub text: &'u str,
    pub reason: &'u str,
    /// Imported (else a preview).
    pub done: bool,
    /// The moment of the directory the preview was made from, sent back with the import.
    pub based_on: i64,
    /// Why the preview is shown again (the import was refused), if it is.
    pub notice: Option<String>,
}

/// A part of a table file's report: a district, or the vocabulary, with what it gets, what
/// changes and what it loses.
pub struct FileSection {
    pub title: String,
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
}

impl FileSection {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// What a file that replaces a whole table would do (a preview, with the button that
/// imports) or did.
pub fn file_report(
    session: &SessionView,
    upload: Upload<'_>,
    summary: &str,
    sections: Vec<FileSection>,
) -> Markup {
    use base64::Engine;
    let list = |title: &str, items: &[String]| {
        html! {
            @if !items.is_empty() {
                p { strong { (title) " (" (items.len()) "):" } }
                ul { @for i in items { li { (i) } } }
            }
        }
    };
    let body = html! {
        @if upload.done { h1 { "Importen av " (upload.table) " är klar" } } @else { h1 { "Förhandsgranskning: " (upload.table) } }
        @if let Some(notice) = &upload.notice { div.notice.error role="alert" { (notice) } }
        p { (summary) }
        @if sections.is_empty() {
            div.notice.ok role="status" { "Filen ändrar inget." }
        } @else if !upload.done {
            form method="post" action="/import" enctype="multipart/form-data" id="bekrafta-import" {
                input type="hidden" name="csrf" value=(session.csrf);
                input type="hidden" name="vad" value=(upload.kind);
                input type="hidden" name="innehall" value=(base64::engine::general_purpose::STANDARD.encode(upload.text));
                input type="hidden" name="reason" value=(upload.reason);
                input type="hidden" name="bekrafta" value="ja";
                input type="hidden" name="grund" value=(upload.based_on);
                p.buttons {
                    button type="submit" { "Importera och ersätt " (upload.table) }
                    a.button.secondary href="/import" { "Avbryt" }
                }
            }
        }
        @for s in &sections {
            section.diff {
                h2 { (s.title) }
                (list("Läggs till", &s.added))
                (list("Ändras", &s.changed))
                (list("Tas bort", &s.removed))
            }
        }
    };
    layout(session, "Importera", body)
}

/// One unit of an import's preview.
fn unit_diff(directory: &Directory, unit: &crate::transfer::UnitDiff) -> Markup {
    let line =
        |n: &crate::transfer::NumberLine| format!("{} {} ({})", n.number, n.label, n.purpose.label_sv());
    // A number added or removed whole is listed once, not field by field.
    let whole: Vec<String> = unit
        .added_numbers
        .iter()
        .chain(&unit.removed_numbers)
        .map(|n| format!("contact_points[{}]", n.label))
        .collect();
    let fields: Vec<&crate::domain::history::Change> = unit
        .changes
        .iter()
        .filter(|c| !c.field.ends_with(".e164") && !whole.iter().any(|w| c.field.starts_with(w.as_str())))
        .collect();
    html! {
        article.card {
            h3 { (unit.name) " " span.meta { @if unit.created { "(ny)" } @else { "(ändras)" } " rad " (unit.line) } }
            @if !unit.removed_numbers.is_empty() {
                div.notice.warn {
                    p { strong { "Tas bort" } " (finns inte i filen):" }
                    ul { @for n in &unit.removed_numbers { li { (line(n)) } } }
                }
            }
            @if !unit.added_numbers.is_empty() {
                p { @if unit.created { "Nummer:" } @else { "Nya nummer:" } }
                ul { @for n in &unit.added_numbers { li { (line(n)) } } }
            }
            @if !fields.is_empty() {
                p { "Ändras:" }
                ul { @for c in fields { li { (field_sv(&c.field)) ": " (in_words(directory, &c.field, &c.from)) " → " (in_words(directory, &c.field, &c.to)) } } }
            }
        }
    }
}

/// A file the import refuses: every problem with its line; nothing changed.
pub fn import_problems(session: &SessionView, problems: &[FieldError]) -> Markup {
    let body = html! {
        h1 { "Filen kan inte importeras" }
        div.notice.error role="alert" { "Inget har ändrats. Rätta raderna nedan i filen och försök igen." }
        table {
            thead { tr { th scope="col" { "Var" } th scope="col" { "Vad är fel" } } }
            tbody {
                @for p in problems {
                    tr {
                        td { (p.field.replace("line ", "rad ")) }
                        td { (p.sv) }
                    }
                }
            }
        }
        p { a.button href="/import" { "Välj en fil igen" } }
    };
    layout(session, "Importera", body)
}

/// A unit's own fields (`unit`), or a new unit's with its one way in: name, kind,
/// organisation (those the caller may edit), areas, HSA-id, address, note, active period,
/// review interval, preschools. `errors`: why the form came back.
pub fn unit_form(
    session: &SessionView,
    directory: &Directory,
    user: &User,
    unit: Option<&Unit>,
    input: &UnitInput,
    top: Option<Notice>,
    errors: &[FieldError],
) -> Markup {
    let bad = |field: &str| has_error(errors, field);
    let invalid = |field: &str| bad(field).then_some("true");
    let described = |field: &str| bad(field).then(|| format!("fel-{field}"));
    let action = unit.map_or_else(
        || "/ny-enhet".to_owned(),
        |u| format!("/enhet/{}/uppgifter", u.id),
    );
    let title = unit.map_or_else(
        || "Ny enhet".to_owned(),
        |u| format!("Ändra uppgifter: {}", u.name),
    );
    let text = |id: &'static str, label: &'static str, value: &str, required: bool| {
        html! {
            div {
                label for=(id) { (label) }
                input type="text" id=(id) name=(id) value=(value) required[required]
                    aria-invalid=[invalid(id)] aria-describedby=[described(id)] autofocus[bad(id)];
                (field_error(errors, id))
            }
        }
    };
    let organisations: Vec<&crate::domain::Organisation> = directory
        .organisations()
        .filter(|o| user.editor_of(directory, &o.id).is_ok())
        .collect();
    let body = html! {
        h1 { (title) }
        (notice(top.as_ref()))
        @if let Some(u) = unit {
            p { a href=(format!("/enhet/{}", u.id)) { "Tillbaka till enheten" } " · "
                a href=(format!("/enhet/{}/redigera", u.id)) { "Ändra nummer" } " · "
                a href=(format!("/enhet/{}/historik", u.id)) { "Historik" } }
        }
        @if !errors.is_empty() {
            div.notice.error role="alert" { "Uppgifterna sparades inte:" ul { @for e in errors { li { (e.sv) } } } }
        }
        form method="post" action=(action) id="uppgifter" {
            input type="hidden" name="csrf" value=(session.csrf);
            input type="hidden" name="version" value=(input.version);
            div.row {
                (text("name", "Namn", &input.name, true))
                div {
                    label for="kind" { "Typ av enhet" }
                    select id="kind" name="kind" aria-invalid=[invalid("kind")] {
                        @for kind in UnitKind::ALL {
                            option value=(kind.code()) selected[input.kind == kind.code()] { (kind.label_sv()) }
                        }
                    }
                }
                div {
                    label for="organisation_id" { "Organisation" }
                    select id="organisation_id" name="organisation_id" aria-invalid=[invalid("organisation_id")]
                        aria-describedby=[described("organisation_id")] {
                        @for o in &organisations {
                            option value=(o.id) selected[input.organisation_id == o.id] { (o.name) }
                        }
                    }
                    (field_error(errors, "organisation_id"))
                }
            }
            fieldset {
                legend { "Områden" }
                div.checks {
                    @for a in directory.areas().filter(|a| a.active_to.is_none() || input.areas.contains(&a.id)) {
                        label.check {
                            input type="checkbox" name="area" value=(a.id) checked[input.areas.contains(&a.id)];
                            " " (a.name)
                        }
                    }
                }
                (field_error(errors, "area_ids"))
            }
            div.row {
                (text("street", "Gatuadress", &input.street, false))
                (text("postal_code", "Postnummer", &input.postal_code, false))
                (text("city", "Ort", &input.city, false))
                (text("hsa_id", "HSA-id", &input.hsa_id, false))
            }
            @if unit.is_none() {
                fieldset {
                    legend { "En väg in (enhetens nummer för socialtjänsten och vården)" }
                    div.row {
                        (text("vag_in_label", "Beskrivning", &input.vag_in_label, true))
                        div {
                            label for="vag_in_number" { "Nummer" }
                            input type="text" id="vag_in_number" name="vag_in_number" value=(input.vag_in_number) required inputmode="tel"
                                aria-invalid=[invalid("contact_points[0].number")] data-check="number_confirmed";
                            div.number-check aria-live="polite" { (number_check(&input.vag_in_number, "number_confirmed", input.number_confirmed)) }
                        }
                    }
                    p.hint { "Fler nummer och telefontider läggs till på sidan Ändra nummer när enheten är sparad." }
                }
            }
            div {
                label for="note" { "Anteckning (syns för alla som får se enheten)" }
                textarea id="note" name="note" maxlength="2000" aria-invalid=[invalid("note")] { (input.note) }
            }
            div.row {
                div {
                    label for="active_from" { "Aktiv från" }
                    input type="date" id="active_from" name="active_from" value=(input.active_from) aria-invalid=[invalid("active_from")];
                }
                @if unit.is_some() {
                    div {
                        label for="active_to" { "Avslutas (första dag den inte längre finns; tomt: aktiv)" }
                        input type="date" id="active_to" name="active_to" value=(input.active_to) aria-invalid=[invalid("active_to")];
                    }
                    div {
                        label for="review_interval_months" { "Granskas var … månad" }
                        input type="number" id="review_interval_months" name="review_interval_months" min="1" max="36"
                            value=(input.review_interval_months) aria-invalid=[invalid("review_interval_months")];
                    }
                }
            }
            @if input.kind == UnitKind::Bvc.code() || !input.preschools.is_empty() {
                div {
                    label for="preschools" { "Förskolor (en per rad)" }
                    textarea id="preschools" name="preschools" aria-invalid=[invalid("preschools")] { (input.preschools) }
                }
            }
            @if let Some(typed) = &input.fallback {
                fieldset {
                    legend { "Reservnummer" }
                    div.row {
                        div {
                            label for="fallback" { "När enhetens nummer inte svarar går samtalen till" }
                            input type="text" id="fallback" name="fallback" value=(typed) inputmode="tel"
                                aria-invalid=[invalid("fallback_contact_point_id")] aria-describedby="fel-fallback_contact_point_id";
                            (field_error(errors, "fallback_contact_point_id"))
                            @if let Some((u, c)) = unit.and_then(|u| u.fallback_contact_point_id).and_then(|f| directory.contact_point(f)) {
                                p.hint { "Nu: " (u.name) ", " (c.label) " " (c.number.national()) }
                            }
                            p.hint { "Skriv numret till en annan enhet (till exempel läkare i beredskap). Tomt: inget reservnummer." }
                        }
                    }
                }
            }
            @if let Some(r) = &input.responsibility {
                (responsibility_fields(directory, r, errors))
            }
            @if let Some(notices) = &input.notices {
                (notice_rows(notices, errors))
            }
            @if let Some(periods) = &input.periods {
                (period_rows("enhet", periods, errors, "periods"))
            }
            div.row {
                (text("reason", "Varför (syns i historiken)", &input.reason, false))
            }
            p.buttons {
                @if unit.is_some() {
                    button type="submit" { "Spara" }
                    button.secondary type="submit" name="granskad" value="ja" { "Spara och markera enheten som granskad" }
                } @else {
                    button type="submit" { "Skapa enheten" }
                    button.secondary type="submit" name="granskad" value="ja" { "Skapa och markera enheten som granskad" }
                }
            }
        }
        @if let Some(u) = unit.filter(|u| u.active_to.is_none()) {
            h2 { "Avsluta enheten" }
            p { "En avslutad enhet visas inte längre i sökningen och listan, men finns kvar i historiken och kan öppnas igen (tomt slutdatum ovan)." }
            form method="post" action=(format!("/enhet/{}/avsluta", u.id)) {
                input type="hidden" name="csrf" value=(session.csrf);
                input type="hidden" name="version" value=(u.version);
                div.row {
                    div { label for="fran" { "Första dag den inte finns (tomt: i dag)" } input type="date" id="fran" name="fran"; }
                    div { label for="avsluta-varfor" { "Varför (syns i historiken)" } input type="text" id="avsluta-varfor" name="reason" maxlength="500"; }
                }
                p { button.secondary type="submit" { "Avsluta " (u.name) } }
            }
        }
    };
    layout(session, &title, body)
}

/// "Konton" (admins): each built-in account with a form that changes it, and a form for a new
/// one. `sent`: a refused form's values, shown again in the new-account form.
pub fn accounts(
    session: &SessionView,
    directory: &Directory,
    accounts: &[crate::db::accounts::Account],
    top: Option<Notice>,
    sent: Option<&super::forms::AccountInput>,
) -> Markup {
    let org_name = |id: &str| {
        directory
            .organisation(id)
            .map_or_else(|| id.to_owned(), |o| o.name.clone())
    };
    let role_choice = |name: &str, chosen: &str| {
        html! {
            select id=(name) name="role" {
                @for role in [Role::Reader, Role::Editor, Role::Admin] {
                    option value=(role.code()) selected[role.code() == chosen] { (role_sv(role)) }
                }
            }
        }
    };
    let org_boxes = |chosen: &[String]| {
        html! {
            div.checks {
                @for o in directory.organisations() {
                    label.check { input type="checkbox" name="org" value=(o.id) checked[chosen.contains(&o.id)]; " " (o.name) }
                }
            }
        }
    };
    let new = sent.filter(|s| s.version == 0);
    let body = html! {
        h1 { "Konton" }
        (notice(top.as_ref()))
        p { "Inbyggda konton för dem som inte loggar in via regionens inloggning. En redaktör ändrar enheterna i sina organisationer (och deras underorganisationer); en administratör ändrar allt." }
        @for a in accounts {
            @let id = format!("konto-{}", a.username);
            details id=(id) {
                summary {
                    strong { (a.username) } " – " (a.display_name) " (" (role_sv(a.role)) ")"
                    @if !a.organisations.is_empty() { ": " (a.organisations.iter().map(|o| org_name(o)).collect::<Vec<_>>().join(", ")) }
                    @if a.disabled { " – avstängt" }
                }
                form method="post" action=(format!("/konton/{}", a.username)) {
                    input type="hidden" name="csrf" value=(session.csrf);
                    input type="hidden" name="version" value=(a.version);
                    div.row {
                        div {
                            label for=(format!("{id}-namn")) { "Namn" }
                            input type="text" id=(format!("{id}-namn")) name="display_name" value=(a.display_name) required;
                        }
                        div {
                            label for=(format!("{id}-roll")) { "Roll" }
                            (role_choice(&format!("{id}-roll"), a.role.code()))
                        }
                        div {
                            label for=(format!("{id}-losenord")) { "Nytt lösenord (tomt: oförändrat)" }
                            input type="password" id=(format!("{id}-losenord")) name="password" autocomplete="new-password" minlength="10";
                        }
                    }
                    fieldset { legend { "Organisationer (för en redaktör)" } (org_boxes(&a.organisations)) }
                    label.check { input type="checkbox" name="disabled" value="ja" checked[a.disabled]; " Avstängt (kan inte logga in)" }
                    div.row {
                        div {
                            label for=(format!("{id}-varfor")) { "Varför (syns i historiken)" }
                            input type="text" id=(format!("{id}-varfor")) name="reason" maxlength="500";
                        }
                    }
                    p { button type="submit" { "Spara " (a.username) } }
                }
            }
        }
        h2 id="nytt-konto" { "Nytt konto" }
        form method="post" action="/konton" {
            input type="hidden" name="csrf" value=(session.csrf);
            div.row {
                div {
                    label for="nytt-anvandarnamn" { "Användarnamn" }
                    input type="text" id="nytt-anvandarnamn" name="username" value=(new.map_or("", |s| s.username.as_str())) required autocomplete="off";
                }
                div {
                    label for="nytt-namn" { "Namn" }
                    input type="text" id="nytt-namn" name="display_name" value=(new.map_or("", |s| s.display_name.as_str())) required;
                }
                div {
                    label for="nytt-roll" { "Roll" }
                    (role_choice("nytt-roll", new.map_or("editor", |s| s.role.as_str())))
                }
                div {
                    label for="nytt-losenord" { "Lösenord (minst 10 tecken)" }
                    input type="password" id="nytt-losenord" name="password" required minlength="10" autocomplete="new-password";
                }
            }
            fieldset { legend { "Organisationer (för en redaktör)" } (org_boxes(new.map_or(&[][..], |s| s.organisations.as_slice()))) }
            div.row {
                div {
                    label for="nytt-varfor" { "Varför (syns i historiken)" }
                    input type="text" id="nytt-varfor" name="reason" maxlength="500" value=(new.map_or("", |s| s.reason.as_str()));
                }
            }
            p { button type="submit" { "Skapa kontot" } }
        }
    };
    layout(session, "Konton", body)
}

/// The whole audit history, newest first: when, who, what, and the changes in words.
pub fn audit_log(
    session: &SessionView,
    directory: &Directory,
    rows: &[AuditEventRow],
    older: Option<i64>,
) -> Markup {
    let body = html! {
        h1 { "Historik för alla ändringar" }
        p { "Varje sparad ändring, senaste först. Inget i historiken kan ändras." }
        (events_table(directory, rows, |row| html! {
            (action_sv(&row.action)) br;
            @if row.entity_type == "unit" {
                @match directory.unit(uuid::Uuid::parse_str(&row.entity_id).unwrap_or_default()) {
                    Some(u) => a href=(format!("/enhet/{}/historik", u.id)) { (u.name) },
                    None => span.meta { (row.entity_id) },
                }
            } @else {
                span.meta { (row.entity_type) " " (row.entity_id) }
            }
            @if let Some(r) = &row.reason { br; span.meta { (r) } }
        }))
        @if let Some(id) = older { p { a href=(format!("/logg?fore={id}")) { "Äldre ändringar" } } }
    };
    layout(session, "Historik för alla", body)
}

/// "Sökord" (admins): what each word of the search vocabulary stands for.
pub fn vocabulary(
    session: &SessionView,
    words: &[crate::domain::vocabulary::Synonym],
    top: Option<Notice>,
) -> Markup {
    let body = html! {
        h1 { "Sökord" }
        (notice(top.as_ref()))
        p { "Ord som personalen skriver och vad de står för: en sökning på ordet hittar också det det står för (”säbo” hittar särskilt boende). Flera betydelser skiljs med komma." }
        table {
            thead { tr { th scope="col" { "Ord" } th scope="col" { "Står för" } th scope="col" { span.visually-hidden { "Åtgärd" } } } }
            tbody {
                @for w in words {
                    tr {
                        td { (w.word) }
                        td colspan="2" {
                            form.inline method="post" action=(format!("/ord/{}", percent(&w.word))) {
                                input type="hidden" name="csrf" value=(session.csrf);
                                input type="hidden" name="version" value=(w.version);
                                label.visually-hidden for=(format!("ord-{}", w.word)) { "Vad " (w.word) " står för" }
                                input type="text" id=(format!("ord-{}", w.word)) name="expansions" value=(w.expansions.join(", ")) required;
                                label.visually-hidden for=(format!("ord-varfor-{}", w.word)) { "Varför (syns i historiken)" }
                                input type="text" id=(format!("ord-varfor-{}", w.word)) name="reason" maxlength="500" placeholder="Varför (syns i historiken)";
                                button type="submit" { "Spara" }
                                button.secondary type="submit" name="ta_bort" value="ja" aria-label=(format!("Ta bort {}", w.word)) { "Ta bort" }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Nytt ord" }
        form method="post" action="/ord" {
            input type="hidden" name="csrf" value=(session.csrf);
            div.row {
                div { label for="nytt-ord" { "Ord" } input type="text" id="nytt-ord" name="word" required; }
                div { label for="nytt-star-for" { "Står för (skilj med komma)" } input type="text" id="nytt-star-for" name="expansions" required; }
                div { label for="nytt-ord-varfor" { "Varför (syns i historiken)" } input type="text" id="nytt-ord-varfor" name="reason" maxlength="500"; }
            }
            p { button type="submit" { "Lägg till ordet" } }
        }
    };
    layout(session, "Sökord", body)
}

/// The admins' lists of organisations and of areas: one page each, drawn alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Register {
    Organisations,
    Areas,
}

impl Register {
    pub fn path(self) -> &'static str {
        match self {
            Register::Organisations => "/organisationer",
            Register::Areas => "/omraden",
        }
    }

    /// The thing in the definite form, for refusals: "organisationen".
    pub fn what(self) -> &'static str {
        match self {
            Register::Organisations => "organisationen",
            Register::Areas => "området",
        }
    }
}

/// One organisation or area as its row of the page shows it.
struct RegisterRow {
    id: String,
    name: String,
    short_name: Option<String>,
    kind: String,
    parent_id: Option<String>,
    active_to: Option<chrono::NaiveDate>,
    version: i64,
    /// What belongs to it: "12 enheter", "Distrikt: 40 gator".
    holds: String,
    /// A district's streets, one a line ("Allégatan 1–39, udda"); none for others.
    streets: Option<String>,
}

impl RegisterRow {
    /// The row with what was typed in it (`typed`) instead of what is stored.
    fn typed(mut self, typed: &ReferenceInput) -> Self {
        self.name = typed.name.clone();
        self.short_name = Some(typed.short_name.clone());
        self.kind = typed.kind.clone();
        self.parent_id = Some(typed.parent_id.clone());
        if typed.streets.is_some() {
            self.streets = typed.streets.clone();
        }
        self
    }
}

/// "1 aktiv enhet", "12 aktiva enheter".
fn active_units(n: usize) -> String {
    match n {
        1 => "1 aktiv enhet".to_owned(),
        n => format!("{n} aktiva enheter"),
    }
}

/// "Organisationer" or "Områden" (admins): each to change, end or open again, and a new one.
/// `typed`: the row (its id; "" the new one) a refused form came from, and what was typed.
pub fn references(
    session: &SessionView,
    directory: &Directory,
    register: Register,
    top: Option<Notice>,
    typed: Option<(&str, &ReferenceInput)>,
) -> Markup {
    let units_of = |pick: &dyn Fn(&Unit) -> bool| {
        directory
            .units()
            .filter(|u| u.active_to.is_none() && pick(u))
            .count()
    };
    let (title, kinds, rows): (&str, Vec<(&str, &str)>, Vec<RegisterRow>) = match register {
        Register::Organisations => (
            "Organisationer",
            crate::domain::OrganisationKind::ALL
                .iter()
                .map(|k| (k.code(), k.label_sv()))
                .collect(),
            directory
                .organisations()
                .map(|o| RegisterRow {
                    id: o.id.clone(),
                    name: o.name.clone(),
                    short_name: o.short_name.clone(),
                    kind: o.kind.code().to_owned(),
                    parent_id: o.parent_id.clone(),
                    active_to: o.active_to,
                    version: o.version,
                    holds: active_units(units_of(&|u| u.organisation_id == o.id)),
                    streets: None,
                })
                .collect(),
        ),
        Register::Areas => (
            "Områden",
            crate::domain::AreaKind::ALL
                .iter()
                .map(|k| (k.code(), k.label_sv()))
                .collect(),
            directory
                .areas()
                .map(|a| RegisterRow {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    short_name: None,
                    kind: a.kind.code().to_owned(),
                    parent_id: None,
                    active_to: a.active_to,
                    version: a.version,
                    holds: match a.kind {
                        crate::domain::AreaKind::District => format!(
                            "{}, {} gator eller delar av gator",
                            active_units(units_of(&|u| u.area_ids.contains(&a.id))),
                            a.streets.len()
                        ),
                        _ => active_units(units_of(&|u| u.area_ids.contains(&a.id))),
                    },
                    streets: (a.kind == crate::domain::AreaKind::District).then(|| {
                        a.streets
                            .iter()
                            .map(|s| s.text_sv())
                            .collect::<Vec<_>>()
                            .join("\n")
                    }),
                })
                .collect(),
        ),
    };
    let organisations = register == Register::Organisations;
    let typed_in = |id: &str| typed.filter(|(t, _)| *t == id).map(|(_, f)| f);
    let new = RegisterRow {
        id: typed_in("").map(|f| f.id.clone()).unwrap_or_default(),
        name: String::new(),
        short_name: None,
        kind: kinds[0].0.to_owned(),
        parent_id: None,
        active_to: None,
        version: 0,
        holds: String::new(),
        streets: None,
    };
    let new = match typed_in("") {
        Some(f) => new.typed(f),
        None => new,
    };
    let fields = |row: &RegisterRow, p: &str| {
        html! {
            div.row {
                div {
                    label for=(format!("name-{p}")) { "Namn" }
                    input type="text" id=(format!("name-{p}")) name="name" value=(row.name) required;
                }
                @if organisations {
                    div {
                        label for=(format!("short-{p}")) { "Kortnamn" }
                        input type="text" id=(format!("short-{p}")) name="short_name" value=(row.short_name.clone().unwrap_or_default());
                    }
                }
                div {
                    label for=(format!("kind-{p}")) { "Typ" }
                    select id=(format!("kind-{p}")) name="kind" {
                        @for (code, label) in &kinds {
                            option value=(code) selected[row.kind == *code] { (label) }
                        }
                    }
                }
                @if organisations {
                    div {
                        label for=(format!("parent-{p}")) { "Ingår i" }
                        select id=(format!("parent-{p}")) name="parent_id" {
                            option value="" selected[row.parent_id.as_deref().unwrap_or_default().is_empty()] { "Ingen (högst upp)" }
                            @for o in directory.organisations().filter(|o| o.id != row.id) {
                                option value=(o.id) selected[row.parent_id.as_deref() == Some(o.id.as_str())] { (o.name) }
                            }
                        }
                    }
                }
            }
        }
    };
    let body = html! {
        h1 { (title) }
        (notice(top.as_ref()))
        @if !organisations {
            p { "Ett distrikts gator ändras under ”Gator i distriktet”; hela gatutabellen kan också läsas in från en fil på sidan " a href="/import" { "Importera" } "." }
        }
        @for stored in rows {
            @let p = stored.id.clone();
            @let (id, version, active_to, holds) = (stored.id.clone(), stored.version, stored.active_to, stored.holds.clone());
            @let row = match typed_in(&id) { Some(f) => stored.typed(f), None => stored };
            form method="post" action=(format!("{}/{}", register.path(), percent(&id))) id=(format!("rad-{id}")) {
                fieldset {
                    legend { (row.name) " (" (id) ")" @if let Some(to) = active_to { ", avslutad " (to) } }
                    p.hint { (holds) }
                    input type="hidden" name="csrf" value=(session.csrf);
                    input type="hidden" name="version" value=(version);
                    (fields(&row, &p))
                    @if let Some(streets) = &row.streets {
                        details {
                            summary { "Gator i distriktet" }
                            label for=(format!("streets-{p}")) { "Gator, en per rad" }
                            textarea id=(format!("streets-{p}")) name="streets" aria-describedby=(format!("streets-hint-{p}")) { (streets) }
                            p.hint id=(format!("streets-hint-{p}")) { "Till exempel: Sandwalls plats, Allégatan 1–39, udda, Kungsgatan från 30, Torggatan jämna nummer." }
                        }
                    }
                    div.row {
                        div {
                            label for=(format!("reason-{p}")) { "Varför (syns i historiken)" }
                            input type="text" id=(format!("reason-{p}")) name="reason" maxlength="500";
                        }
                        @if active_to.is_none() {
                            div {
                                label for=(format!("end-{p}")) { "Avslutas från (tomt: i dag)" }
                                input type="date" id=(format!("end-{p}")) name="active_to";
                            }
                        }
                    }
                    p.buttons {
                        button type="submit" { "Spara " (row.name) }
                        @if active_to.is_none() {
                            button.secondary type="submit" name="avsluta" value="ja" { "Avsluta " (row.name) }
                        } @else {
                            button.secondary type="submit" name="oppna" value="ja" { "Öppna " (row.name) " igen" }
                        }
                    }
                }
            }
        }
        h2 id="ny" { @if organisations { "Ny organisation" } @else { "Nytt område" } }
        form method="post" action=(register.path()) id="rad-ny" {
            input type="hidden" name="csrf" value=(session.csrf);
            div.row {
                div {
                    label for="id-ny" { "Id (små bokstäver, siffror och bindestreck; ändras aldrig)" }
                    input type="text" id="id-ny" name="id" value=(new.id) required pattern="[a-z0-9-]+";
                }
            }
            (fields(&new, "ny"))
            div.row {
                div {
                    label for="reason-ny" { "Varför (syns i historiken)" }
                    input type="text" id="reason-ny" name="reason" maxlength="500";
                }
            }
            p { button type="submit" { @if organisations { "Lägg till organisationen" } @else { "Lägg till området" } } }
        }
    };
    layout(session, title, body)
}
