//! The directory a write leaves served is built by applying the write's change to the one
//! before (issue 17). After any sequence of writes of every kind, it must equal the directory
//! read whole from the database: the same units, organisations, areas, the same search pages
//! with the same cursors, suggestions, streets and call-now answers.

use actix_web::http::{Method, StatusCode};
use actix_web::test::TestRequest;
use chrono::{Duration, Utc};
use kontaktnav::db::repo;
use kontaktnav::directory::{ActiveFilter, Directory, Query, UnitFilter};
use kontaktnav::domain::{Purpose, Role, UnitKind};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::TestApp;

/// A small deterministic generator (xorshift): the same seed, the same writes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const NAMES: [&str; 12] = [
    "Vårdcentral Testberga",
    "Hemtjänst Testberga",
    "Herkules testenhet",
    "Södra Torget nya",
    "Brämhult test",
    "Rehab Test",
    "Aaa först i listan",
    "Öööö sist i listan",
    "Vårdcentralen Norr test",
    "Hemtjänst Norr 2",
    "Boende Test",
    "Myndighet test",
];

struct Writer<'a> {
    app: &'a TestApp,
    admin: String,
    rng: Rng,
    numbers: Vec<String>,
    organisations: Vec<String>,
    areas: Vec<String>,
    made: usize,
}

impl Writer<'_> {
    fn number(&mut self) -> String {
        let n = self.rng.below(95) + 5;
        let number = if self.rng.below(2) == 0 {
            format!("031-390 06 {n:02}")
        } else {
            format!("070-174 06 {n:02}")
        };
        self.numbers.push(number.clone());
        number
    }

    fn unit(&mut self) -> Uuid {
        let directory = self.app.state.directory.current();
        let ids: Vec<Uuid> = directory.units().map(|u| u.id).collect();
        *self.rng.pick(&ids)
    }

    async fn etag(&self, path: &str) -> String {
        self.app.get(path).await.etag.expect("etag")
    }

    async fn send(&self, method: Method, path: &str, body: Value) -> StatusCode {
        let tag = if method == Method::POST && !path.contains("/revert") && !path.contains("/deactivate") {
            None
        } else {
            Some(
                self.etag(path.trim_end_matches("/revert").trim_end_matches("/deactivate"))
                    .await,
            )
        };
        let res = self
            .app
            .send(method, path, Some(&self.admin), tag.as_deref(), Some(body))
            .await;
        assert!(res.status.as_u16() < 500, "{path}: {} {}", res.status, res.body);
        res.status
    }

    async fn upload(&self, path: &str, csv: String) -> StatusCode {
        let res = self
            .app
            .request(
                TestRequest::post()
                    .uri(path)
                    .insert_header(("authorization", format!("Bearer {}", self.admin)))
                    .insert_header(("content-type", "text/csv; charset=utf-8"))
                    .set_payload(csv),
            )
            .await;
        assert!(res.status.as_u16() < 500, "{path}: {} {}", res.status, res.body);
        res.status
    }

    /// One random write; what it was, and whether it was accepted.
    async fn write(&mut self) -> (String, bool) {
        self.made += 1;
        let made = self.made;
        let op = self.rng.below(13);
        let name = format!("{} {made}", self.rng.pick(&NAMES));
        let status = match op {
            0 | 1 => {
                let kind = *self
                    .rng
                    .pick(&["vardcentral", "hemtjanst", "rehab", "funktionsstod"]);
                let organisation = self.rng.pick(&self.organisations).clone();
                let area = self.rng.pick(&self.areas).clone();
                let number = self.number();
                let body = json!({"name": name, "kind": kind, "organisation_id": organisation,
                    "area_ids": [area], "address": {"street": "Testgatan 4", "city": "Borås"},
                    "contact_points": [{"purpose": "vag_in", "label": "En väg in", "number": number}]});
                self.send(Method::POST, "/v1/units", body).await
            }
            2 | 3 => {
                let unit = self.unit();
                let body = match self.rng.below(3) {
                    0 => json!({"name": name, "reason": "test"}),
                    1 => json!({"note": format!("anteckning {made}")}),
                    _ => json!({"address": {"street": format!("Allégatan {made}"), "city": "Borås"}}),
                };
                self.send(Method::PATCH, &format!("/v1/units/{unit}"), body).await
            }
            4 => {
                let unit = self.unit();
                let directory = self.app.state.directory.current();
                let Some(point) = directory
                    .unit(unit)
                    .and_then(|u| u.contact_points.first())
                    .map(|c| c.id)
                else {
                    return ("no number to change".into(), false);
                };
                let number = self.number();
                let path = format!("/v1/units/{unit}/contact-points/{point}");
                let tag = self.etag(&format!("/v1/units/{unit}")).await;
                let res = self
                    .app
                    .send(
                        Method::PATCH,
                        &path,
                        Some(&self.admin),
                        Some(&tag),
                        Some(json!({"number": number})),
                    )
                    .await;
                assert!(res.status.as_u16() < 500, "{}", res.body);
                res.status
            }
            5 => {
                let unit = self.unit();
                self.send(
                    Method::POST,
                    &format!("/v1/units/{unit}/deactivate"),
                    json!({"reason": "test"}),
                )
                .await
            }
            6 => {
                let unit = self.unit();
                self.send(
                    Method::POST,
                    &format!("/v1/units/{unit}/revert"),
                    json!({"version": 1}),
                )
                .await
            }
            7 => {
                let (a, b) = (self.number(), self.number());
                let organisation = self.rng.pick(&self.organisations).clone();
                let area = self.rng.pick(&self.areas).clone();
                let csv = format!(
                    "name;kind;organisation_id;area_ids;purpose;label;number\n{name} import;hemtjanst;{organisation};{area};vag_in;En väg in;{a}\n{name} import två;funktionsstod;{organisation};{area};vag_in;En väg in;{b}\n"
                );
                self.upload("/v1/import", csv).await
            }
            8 => {
                let (a, b) = (
                    self.rng.pick(&self.areas).clone(),
                    self.rng.pick(&self.areas).clone(),
                );
                let csv = format!(
                    "street,district,from,to,side\nTestgatan,{a},1,19,odd\nTestgatan,{b},2,,even\nAllégatan,{a},,,\nSandwalls plats,{b},,,\n"
                );
                self.upload("/v1/streets?reason=test", csv).await
            }
            9 => {
                let organisation = self.rng.pick(&self.organisations).clone();
                let body = match self.rng.below(2) {
                    0 => json!({"name": format!("Omdöpt vårdgivare {made}")}),
                    _ => json!({"short_name": format!("OV{made}")}),
                };
                self.send(Method::PATCH, &format!("/v1/organisations/{organisation}"), body)
                    .await
            }
            10 => {
                let id = format!("test-org-{made}");
                let status = self
                    .send(
                        Method::POST,
                        "/v1/organisations",
                        json!({"id": id, "name": format!("Testvård {made} AB"), "kind": "private"}),
                    )
                    .await;
                self.organisations.push(id);
                let area = format!("test-area-{made}");
                self.send(
                    Method::POST,
                    "/v1/areas",
                    json!({"id": area, "name": format!("Distrikt Test {made}"), "kind": "district"}),
                )
                .await;
                self.areas.push(area);
                status
            }
            11 => {
                let word = format!("tst{made}");
                let expansion = *self.rng.pick(&["vårdcentral", "hemtjänst", "läkare i beredskap"]);
                self.send(
                    Method::POST,
                    "/v1/vocabulary",
                    json!({"word": word, "expansions": [expansion], "reason": "test"}),
                )
                .await
            }
            _ => {
                let area = self.rng.pick(&self.areas).clone();
                let body = json!({"name": format!("Område {made}")});
                self.send(Method::PATCH, &format!("/v1/areas/{area}"), body).await
            }
        };
        (format!("write {made} (kind {op})"), status.is_success())
    }
}

fn filter(query: Option<&str>, active: ActiveFilter) -> UnitFilter {
    UnitFilter {
        query: query.and_then(|q| Query::parse(q).expect("query")),
        kinds: Vec::new(),
        area: None,
        organisation: None,
        active,
        on: kontaktnav::domain::today(),
        include_internal: true,
        review: None,
    }
}

/// Every page of `filter`, as (ids, total, start, next cursor, ignored words, street).
fn pages(d: &Directory, filter: &UnitFilter) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor = None;
    for _ in 0..8 {
        let page = d.find(filter, cursor.as_ref(), 7).expect("find");
        let ids: Vec<Uuid> = page.units.iter().map(|u| u.id).collect();
        // The district each unit was found by, when the query named a street.
        let serves: Vec<Option<&str>> = page
            .units
            .iter()
            .map(|u| {
                page.address
                    .as_ref()
                    .and_then(|a| d.serves(a, u))
                    .map(|a| a.id.as_str())
            })
            .collect();
        out.push(format!(
            "{ids:?} {} {} {:?} {:?} {:?} {serves:?}",
            page.total,
            page.start,
            page.next.as_ref().map(|c| c.encode()),
            page.ignored_words,
            page.address.as_ref().map(|a| &a.street)
        ));
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    out
}

fn assert_same(served: &Directory, whole: &Directory, numbers: &[String], what: &str) {
    assert_eq!(served.event_count(), whole.event_count(), "{what}: events");
    assert_eq!(
        served.last_event_id(),
        whole.last_event_id(),
        "{what}: last event"
    );
    assert_eq!(served.unit_count(), whole.unit_count(), "{what}: units");
    for unit in whole.units() {
        assert_eq!(served.unit(unit.id), Some(unit), "{what}: unit {}", unit.name);
        for c in &unit.contact_points {
            assert_eq!(
                served.contact_point(c.id).map(|(u, _)| u.id),
                Some(unit.id),
                "{what}: number {}",
                c.id
            );
        }
    }
    let organisations: Vec<_> = served.organisations().collect();
    assert_eq!(
        organisations,
        whole.organisations().collect::<Vec<_>>(),
        "{what}: organisations"
    );
    assert_eq!(
        served.areas().collect::<Vec<_>>(),
        whole.areas().collect::<Vec<_>>(),
        "{what}: areas"
    );
    assert_eq!(served.vocabulary(), whole.vocabulary(), "{what}: vocabulary");
    let mut queries: Vec<String> = [
        "vård",
        "vc",
        "herk",
        "hemtjänst norr",
        "södra torget",
        "brämhlut",
        "testgatan 3",
        "allégatan",
        "borås",
        "omdöpt",
        "tst1 test",
        "rehab",
        "aaa",
        "sandwalls plats 3",
        "läkare beredskap",
    ]
    .map(str::to_owned)
    .to_vec();
    queries.extend(numbers.iter().cloned());
    queries.extend(whole.units().take(5).map(|u| u.name.clone()));
    let first_organisation = whole.organisations().next().map(|o| o.id.clone());
    let first_area = whole.areas().next().map(|a| a.id.clone());
    for query in queries.iter().map(|q| Some(q.as_str())).chain([None]) {
        for active in [ActiveFilter::Active, ActiveFilter::Any] {
            let plain = filter(query, active);
            let variants = [
                plain.clone(),
                UnitFilter {
                    kinds: vec![UnitKind::Vardcentral, UnitKind::Hemtjanst],
                    ..plain.clone()
                },
                UnitFilter {
                    organisation: first_organisation.clone(),
                    ..plain.clone()
                },
                UnitFilter {
                    area: first_area.clone(),
                    ..plain.clone()
                },
            ];
            for f in &variants {
                assert_eq!(
                    pages(served, f),
                    pages(whole, f),
                    "{what}: search {query:?} {f:?}"
                );
            }
            let ids = |d: &Directory| d.suggestions(&plain, 5).iter().map(|u| u.id).collect::<Vec<_>>();
            assert_eq!(ids(served), ids(whole), "{what}: suggestions for {query:?}");
        }
    }
    for area in whole.areas() {
        let ids = |d: &Directory| {
            d.units_in_area(&area.id, kontaktnav::domain::today())
                .iter()
                .map(|u| u.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(served), ids(whole), "{what}: units of {}", area.id);
        for span in area.streets.iter().take(5) {
            let answer = |d: &Directory| {
                d.street(&format!("{} 3", span.name())).map(|a| {
                    let districts: Vec<&str> =
                        a.parts.iter().map(|(i, _)| d.area_at(*i).id.as_str()).collect();
                    format!("{} {:?} {:?} {districts:?}", a.street, a.number, a.resolved)
                })
            };
            assert_eq!(answer(served), answer(whole), "{what}: street {}", span.name());
        }
    }
    let now = Utc::now();
    for unit in whole.units() {
        for purpose in [Purpose::VagIn, Purpose::DirectAcute] {
            for at in [now, now + Duration::hours(61)] {
                let served_unit = served.unit(unit.id).expect("unit");
                let answer = |d: &Directory, u| d.call_now(u, purpose, at, true).map(|c| format!("{c:?}"));
                assert_eq!(
                    answer(served, served_unit),
                    answer(whole, unit),
                    "{what}: call now {}",
                    unit.name
                );
            }
        }
    }
}

#[actix_web::test]
async fn after_any_sequence_of_writes_the_served_directory_equals_one_read_whole() {
    // The second run builds the whole search index again every few writes (the background
    // merge, with the writes made meanwhile kept apart).
    for (seed, merge_at) in [(0x9e37_79b9_7f4a_7c15u64, None), (0x0bad_cafe_f00d_1234, Some(3))] {
        let app = TestApp::new();
        if let Some(n) = merge_at {
            let whole = Directory::build(repo::load_snapshot(&mut app.conn()).expect("snapshot"));
            app.state.directory.replace(whole.merging_search_at(n));
        }
        let directory = app.state.directory.current();
        let mut writer = Writer {
            app: &app,
            admin: app.token(Role::Admin, &[]),
            rng: Rng(seed),
            numbers: Vec::new(),
            organisations: directory.organisations().map(|o| o.id.clone()).collect(),
            areas: directory.areas().map(|a| a.id.clone()).collect(),
            made: 0,
        };
        drop(directory);
        let reloads = app.state.full_reloads.load(std::sync::atomic::Ordering::SeqCst);
        let mut accepted = 0;
        let mut pending: Option<(std::sync::Arc<Directory>, kontaktnav::directory::search::Base)> = None;
        for round in 0..40 {
            let (what, ok) = writer.write().await;
            accepted += usize::from(ok);
            if merge_at.is_some() {
                // What the background merge does, with a write made while it built the index:
                // that write's units must stay in the small part.
                if let Some((from, base)) = pending.take() {
                    let current = app.state.directory.current();
                    if let Some(next) = current.with_search_base(&from, base) {
                        app.state.directory.replace(next);
                    }
                } else if app.state.directory.current().wants_search_merge() {
                    let from = app.state.directory.current();
                    let base = from.build_search_base();
                    pending = Some((from, base));
                }
            }
            // Read whole on one connection, and (as at start-up) on two side by side.
            let read = if round % 2 == 0 {
                repo::load_snapshot(&mut app.conn())
            } else {
                repo::load_snapshot_with(&mut app.conn(), Some(&mut app.conn()))
            };
            let whole = Directory::build(read.expect("snapshot"));
            assert_same(&app.state.directory.current(), &whole, &writer.numbers, &what);
        }
        assert!(accepted >= 25, "only {accepted} of 40 writes were accepted");
        assert_eq!(
            app.state.full_reloads.load(std::sync::atomic::Ordering::SeqCst),
            reloads,
            "no write read the whole directory"
        );
    }
}

/// Units added one after another at one place in the name order ("B 000", "B 001" … between
/// "A" and "C", then "B 299 x" … backwards) use up the room between two labels again and
/// again: each time a window of neighbours is spread out anew. The order stays the one a
/// directory built whole has, page by page.
#[test]
fn units_added_one_after_another_at_one_place_keep_the_name_order() {
    use kontaktnav::db::repo::{Changes, Snapshot};
    let unit = |name: &str| crate::helpers::test_unit(name, UnitKind::Hemtjanst, None);
    let mut all = vec![unit("A"), unit("C")];
    let mut served = Directory::build(Snapshot {
        units: all.clone(),
        ..Snapshot::default()
    });
    let names = (0..300)
        .map(|i| format!("B {i:03}"))
        .chain((0..300).rev().map(|i| format!("B 299 {i:03}")));
    for (event, name) in names.enumerate() {
        let added = unit(&name);
        all.push(added.clone());
        served = served.apply(Changes {
            last_event_id: event as i64 + 1,
            events: 1,
            units: vec![added],
            ..Changes::default()
        });
    }
    let whole = Directory::build(Snapshot {
        units: all,
        event_count: 600,
        last_event_id: 600,
        ..Snapshot::default()
    });
    for query in [None, Some("b"), Some("b 299")] {
        let f = filter(query, ActiveFilter::Any);
        let all_pages = |d: &Directory| {
            let mut out = Vec::new();
            let mut cursor = None;
            loop {
                let page = d.find(&f, cursor.as_ref(), 50).expect("find");
                out.extend(page.units.iter().map(|u| u.name.clone()));
                cursor = page.next;
                if cursor.is_none() {
                    return out;
                }
            }
        };
        let order = all_pages(&served);
        assert_eq!(order, all_pages(&whole), "{query:?}");
        assert!(order.len() >= 300, "{query:?}: {}", order.len());
    }
}
