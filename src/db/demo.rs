//! Demo data: the Borås directory from DOMAIN.md, loaded into an empty database on first start.
//!
//! Every number comes from the ranges Post- och telestyrelsen keeps for fiction; no person is
//! named. The vårdcentraler, rehab clinics and organisations are the real parties of närområde
//! Borås; the municipal units are examples, marked "(exempel)" in their names and notes.
//! A generator for large directories (benchmarks) lives here too.

use anyhow::{Context, anyhow};
use chrono::{NaiveDate, NaiveDateTime};
use uuid::Uuid;

use super::DbConnection;
use super::audit::WriteMeta;
use super::repo;
use crate::domain::streets::{Side, StreetSpan};
use crate::domain::{
    Address, Area, AreaKind, ContactPointDraft, Organisation, OrganisationKind, Purpose, UnitDraft, UnitKind,
    Visibility,
};

/// Namespace for the demo data's stable unit ids (UUID v5 of the unit name).
pub(super) const DEMO_NAMESPACE: Uuid = Uuid::from_u128(0x6b6f_6e74_616b_746e_6176_2d64_656d_6f00);

/// The stable id a demo unit gets, so that documentation and tests can name it.
pub fn demo_unit_id(name: &str) -> Uuid {
    Uuid::new_v5(&DEMO_NAMESPACE, name.as_bytes())
}

/// Hands out numbers from the fiction ranges, in order, never the same one twice.
struct FictionNumbers {
    landline: Box<dyn Iterator<Item = String>>,
    mobile: Box<dyn Iterator<Item = String>>,
}

impl FictionNumbers {
    fn new() -> Self {
        let gbg = (0..100).map(|n| format!("031-390 06 {n:02}"));
        let sthlm = (0..100).map(|n| format!("08-465 004 {n:02}"));
        let malmo = (0..100).map(|n| format!("040-628 04 {n:02}"));
        let norrland = (200..300).map(|n| format!("0980-319 {n}"));
        Self {
            landline: Box::new(gbg.chain(sthlm).chain(malmo).chain(norrland)),
            mobile: Box::new((5..100).map(|n| format!("070-174 06 {n:02}"))),
        }
    }

    fn next(&mut self, purpose: Purpose) -> anyhow::Result<String> {
        let source = if purpose == Purpose::Sms {
            &mut self.mobile
        } else {
            &mut self.landline
        };
        source
            .next()
            .ok_or_else(|| anyhow!("the fiction number ranges are used up"))
    }
}

fn org(
    id: &str,
    name: &str,
    short: Option<&str>,
    kind: OrganisationKind,
    parent: Option<&str>,
) -> Organisation {
    Organisation {
        id: id.into(),
        name: name.into(),
        short_name: short.map(Into::into),
        kind,
        parent_id: parent.map(Into::into),
        active_to: None,
        version: 1,
    }
}

fn organisations() -> Vec<Organisation> {
    use OrganisationKind::*;
    vec![
        org("boras-stad", "Borås Stad", Some("Borås Stad"), Municipality, None),
        org(
            "boras-stad-vaf",
            "Vård- och äldreförvaltningen",
            Some("VÄF"),
            Administration,
            Some("boras-stad"),
        ),
        org(
            "boras-stad-sof",
            "Sociala omsorgsförvaltningen",
            Some("SOF"),
            Administration,
            Some("boras-stad"),
        ),
        org(
            "boras-stad-ifo",
            "Individ- och familjeomsorgsförvaltningen",
            Some("IFO"),
            Administration,
            Some("boras-stad"),
        ),
        org(
            "boras-stad-alf",
            "Arbetslivsförvaltningen",
            Some("ALF"),
            Administration,
            Some("boras-stad"),
        ),
        org("vgr", "Västra Götalandsregionen", Some("VGR"), Region, None),
        org("narhalsan", "Närhälsan", Some("Närhälsan"), Region, Some("vgr")),
        org("sas", "Södra Älvsborgs sjukhus", Some("SÄS"), Region, Some("vgr")),
        org(
            "bramhults-vardcentral",
            "Brämhults vårdcentral",
            None,
            Private,
            None,
        ),
        org("viskaforskliniken", "Viskaforskliniken", None, Private, None),
        org("praktikertjanst", "Praktikertjänst", None, Private, None),
        org("citylakarna", "Cityläkarna", None, Private, None),
        org("vega", "Vega vårdcentral", Some("Vega"), Private, None),
        org("boras-vardcentral", "Borås vårdcentral", None, Private, None),
        org(
            "herkules",
            "Herkules vårdcentral",
            Some("Herkules"),
            Private,
            None,
        ),
        org("alleklinken", "Allékliniken", None, Private, None),
        org("rehab-amicus", "Rehab Amicus", None, Private, None),
    ]
}

fn areas() -> anyhow::Result<Vec<Area>> {
    let area = |id: &str, name: &str, kind| -> anyhow::Result<Area> {
        Ok(Area {
            id: id.into(),
            name: name.into(),
            kind,
            active_to: None,
            version: 1,
            streets: demo_streets(id)?,
        })
    };
    [
        area("mote-1", "Möte 1", AreaKind::MeetingArea),
        area("mote-2", "Möte 2", AreaKind::MeetingArea),
        area("distrikt-norr", "Distrikt Norr (exempel)", AreaKind::District),
        area("distrikt-soder", "Distrikt Söder (exempel)", AreaKind::District),
        area("distrikt-oster", "Distrikt Öster (exempel)", AreaKind::District),
        area("distrikt-vaster", "Distrikt Väster (exempel)", AreaKind::District),
        area(
            "distrikt-centrum",
            "Distrikt Centrum (exempel)",
            AreaKind::District,
        ),
    ]
    .into_iter()
    .collect()
}

/// One demo unit: name, kind, organisation, areas, city, and its numbers as
/// (purpose, label, visibility).
struct DemoUnit {
    name: &'static str,
    kind: UnitKind,
    org: &'static str,
    areas: &'static [&'static str],
    city: &'static str,
    numbers: &'static [(Purpose, &'static str, Visibility)],
}

const VC_NUMBERS: &[(Purpose, &str, Visibility)] = &[
    (
        Purpose::VagIn,
        "En väg in för socialtjänsten",
        Visibility::Internal,
    ),
    (
        Purpose::DirectAcute,
        "Direktnummer akuta bedömningar, vardagar dagtid",
        Visibility::Internal,
    ),
    (Purpose::Switchboard, "Växel och tidsbokning", Visibility::Public),
];
const REHAB_NUMBERS: &[(Purpose, &str, Visibility)] = &[(
    Purpose::VagIn,
    "Rehabmottagningen, tidsbokning och frågor",
    Visibility::Public,
)];
const HEMTJANST_NUMBERS: &[(Purpose, &str, Visibility)] = &[
    (
        Purpose::VagIn,
        "Hemtjänstgruppen, samordnare",
        Visibility::Internal,
    ),
    (Purpose::Sms, "Sms till gruppens telefon", Visibility::Internal),
];
const BVC_NUMBERS: &[(Purpose, &str, Visibility)] = &[(
    Purpose::VagIn,
    "BVC, rådgivning och tidsbokning",
    Visibility::Public,
)];
const INTERNAL_ONE: &[(Purpose, &str, Visibility)] =
    &[(Purpose::VagIn, "Verksamhetens telefon", Visibility::Internal)];
const BOENDE_NUMBERS: &[(Purpose, &str, Visibility)] = &[
    (
        Purpose::VagIn,
        "Omvårdnadspersonal, dygnet runt",
        Visibility::Internal,
    ),
    (Purpose::Other, "Sjuksköterska på boendet", Visibility::Internal),
];
const PUBLIC_ONE: &[(Purpose, &str, Visibility)] = &[(Purpose::VagIn, "Telefon", Visibility::Public)];

const M1: &[&str] = &["mote-1"];
const M2: &[&str] = &["mote-2"];
const BOTH: &[&str] = &["mote-1", "mote-2"];
/// The units every example district has (with its own hemtjänst group): funktionsstöd and
/// myndighet serve them all.
const EVERY_DISTRICT: &[&str] = &[
    "mote-1",
    "mote-2",
    "distrikt-norr",
    "distrikt-soder",
    "distrikt-oster",
    "distrikt-vaster",
    "distrikt-centrum",
];
const NURSES_NORTH: &[&str] = &["mote-1", "distrikt-norr", "distrikt-oster"];
const NURSES_SOUTH: &[&str] = &["mote-2", "distrikt-soder", "distrikt-vaster", "distrikt-centrum"];

fn units() -> Vec<DemoUnit> {
    use UnitKind::*;
    let u = |name, kind, org, areas, city, numbers| DemoUnit {
        name,
        kind,
        org,
        areas,
        city,
        numbers,
    };
    vec![
        // The 16 vårdcentraler that the documents name (they speak of 17; the 17th is not named).
        u(
            "Närhälsan Boda vårdcentral",
            Vardcentral,
            "narhalsan",
            M1,
            "Borås",
            VC_NUMBERS,
        ),
        u(
            "Närhälsan Trandared vårdcentral",
            Vardcentral,
            "narhalsan",
            M1,
            "Borås",
            VC_NUMBERS,
        ),
        u(
            "Närhälsan Dalsjöfors vårdcentral",
            Vardcentral,
            "narhalsan",
            M1,
            "Dalsjöfors",
            VC_NUMBERS,
        ),
        u(
            "Närhälsan Sandared vårdcentral",
            Vardcentral,
            "narhalsan",
            M1,
            "Sandared",
            VC_NUMBERS,
        ),
        u(
            "Brämhults vårdcentral",
            Vardcentral,
            "bramhults-vardcentral",
            M1,
            "Borås",
            VC_NUMBERS,
        ),
        u(
            "Viskaforskliniken",
            Vardcentral,
            "viskaforskliniken",
            M1,
            "Viskafors",
            VC_NUMBERS,
        ),
        u(
            "Praktikertjänst Forsen vårdcentral",
            Vardcentral,
            "praktikertjanst",
            M1,
            "Borås",
            VC_NUMBERS,
        ),
        u(
            "Cityläkarna Borås",
            Vardcentral,
            "citylakarna",
            M1,
            "Borås",
            VC_NUMBERS,
        ),
        u(
            "Närhälsan Fristad vårdcentral",
            Vardcentral,
            "narhalsan",
            M2,
            "Fristad",
            VC_NUMBERS,
        ),
        u(
            "Närhälsan Sjöbo vårdcentral",
            Vardcentral,
            "narhalsan",
            M2,
            "Borås",
            VC_NUMBERS,
        ),
        u(
            "Närhälsan Heimdal vårdcentral",
            Vardcentral,
            "narhalsan",
            M2,
            "Borås",
            VC_NUMBERS,
        ),
        u(
            "Närhälsan Södra Torget vårdcentral",
            Vardcentral,
            "narhalsan",
            M2,
            "Borås",
            VC_NUMBERS,
        ),
        u(
            "Vega vårdcentral Fristad",
            Vardcentral,
            "vega",
            M2,
            "Fristad",
            VC_NUMBERS,
        ),
        u(
            "Borås vårdcentral",
            Vardcentral,
            "boras-vardcentral",
            M2,
            "Borås",
            VC_NUMBERS,
        ),
        u(
            "Herkules vårdcentral",
            Vardcentral,
            "herkules",
            M2,
            "Borås",
            VC_NUMBERS,
        ),
        u(
            "Allékliniken Sleipner vårdcentral",
            Vardcentral,
            "alleklinken",
            M2,
            "Borås",
            VC_NUMBERS,
        ),
        // Regional rehab clinics (vårdval rehab).
        u(
            "Brämhults rehabmottagning",
            Rehab,
            "bramhults-vardcentral",
            M1,
            "Borås",
            REHAB_NUMBERS,
        ),
        u(
            "Viskaforskliniken rehab",
            Rehab,
            "viskaforskliniken",
            M1,
            "Viskafors",
            REHAB_NUMBERS,
        ),
        u(
            "Älvsborgs rehabcenter",
            Rehab,
            "citylakarna",
            M1,
            "Borås",
            REHAB_NUMBERS,
        ),
        u("Vega rehab", Rehab, "vega", M2, "Fristad", REHAB_NUMBERS),
        u("Herkules rehab", Rehab, "herkules", M2, "Borås", REHAB_NUMBERS),
        u("Rehab Amicus", Rehab, "rehab-amicus", M2, "Borås", REHAB_NUMBERS),
        u(
            "Närhälsan rehab R7 Borås",
            Rehab,
            "narhalsan",
            BOTH,
            "Borås",
            REHAB_NUMBERS,
        ),
        // Hospital.
        u(
            "Södra Älvsborgs sjukhus (SÄS)",
            Hospital,
            "sas",
            BOTH,
            "Borås",
            &[(Purpose::VagIn, "Växel", Visibility::Public)],
        ),
        // Municipal units: examples, not the real organisation of Borås Stad.
        u(
            "Hemtjänst Norr (exempel)",
            Hemtjanst,
            "boras-stad-vaf",
            &["mote-1", "distrikt-norr"],
            "Borås",
            HEMTJANST_NUMBERS,
        ),
        u(
            "Hemtjänst Öster (exempel)",
            Hemtjanst,
            "boras-stad-vaf",
            &["mote-1", "distrikt-oster"],
            "Borås",
            HEMTJANST_NUMBERS,
        ),
        u(
            "Hemtjänst Söder (exempel)",
            Hemtjanst,
            "boras-stad-vaf",
            &["mote-2", "distrikt-soder"],
            "Borås",
            HEMTJANST_NUMBERS,
        ),
        u(
            "Hemtjänst Väster (exempel)",
            Hemtjanst,
            "boras-stad-vaf",
            &["mote-2", "distrikt-vaster"],
            "Borås",
            HEMTJANST_NUMBERS,
        ),
        u(
            "Hemtjänst Centrum (exempel)",
            Hemtjanst,
            "boras-stad-vaf",
            &["mote-2", "distrikt-centrum"],
            "Borås",
            HEMTJANST_NUMBERS,
        ),
        u(
            "Kommunal primärvård, sjuksköterskor Norr (exempel)",
            KommunalPrimarvard,
            "boras-stad-vaf",
            NURSES_NORTH,
            "Borås",
            INTERNAL_ONE,
        ),
        u(
            "Kommunal primärvård, sjuksköterskor Söder (exempel)",
            KommunalPrimarvard,
            "boras-stad-vaf",
            NURSES_SOUTH,
            "Borås",
            INTERNAL_ONE,
        ),
        u(
            "Kommunal rehabilitering, arbetsterapeuter och fysioterapeuter (exempel)",
            KommunalPrimarvard,
            "boras-stad-vaf",
            BOTH,
            "Borås",
            INTERNAL_ONE,
        ),
        u(
            "Biståndshandläggare äldreomsorg (exempel)",
            Myndighet,
            "boras-stad-vaf",
            EVERY_DISTRICT,
            "Borås",
            PUBLIC_ONE,
        ),
        u(
            "Särskilt boende Exempelgården (exempel)",
            SarskiltBoende,
            "boras-stad-vaf",
            M1,
            "Borås",
            BOENDE_NUMBERS,
        ),
        u(
            "Särskilt boende Provhemmet (exempel)",
            SarskiltBoende,
            "boras-stad-vaf",
            M2,
            "Borås",
            BOENDE_NUMBERS,
        ),
        u(
            "Korttidsenhet (exempel)",
            Korttidsboende,
            "boras-stad-vaf",
            BOTH,
            "Borås",
            BOENDE_NUMBERS,
        ),
        u(
            "Funktionsstöd boendestöd (exempel)",
            Funktionsstod,
            "boras-stad-sof",
            EVERY_DISTRICT,
            "Borås",
            INTERNAL_ONE,
        ),
        u(
            "Daglig verksamhet (exempel)",
            Funktionsstod,
            "boras-stad-sof",
            BOTH,
            "Borås",
            INTERNAL_ONE,
        ),
        u(
            "LSS-bostad Exempelvägen (exempel)",
            LssBoende,
            "boras-stad-sof",
            M1,
            "Borås",
            BOENDE_NUMBERS,
        ),
        u(
            "Socialpsykiatri, boende (exempel)",
            Socialpsykiatri,
            "boras-stad-sof",
            M2,
            "Borås",
            BOENDE_NUMBERS,
        ),
        u(
            "Myndighet SOF, LSS-handläggare (exempel)",
            Myndighet,
            "boras-stad-sof",
            EVERY_DISTRICT,
            "Borås",
            PUBLIC_ONE,
        ),
        u(
            "IFO mottagning vuxna (exempel)",
            Myndighet,
            "boras-stad-ifo",
            BOTH,
            "Borås",
            PUBLIC_ONE,
        ),
        u(
            "Arbetslivsförvaltningen, mottagning (exempel)",
            Myndighet,
            "boras-stad-alf",
            BOTH,
            "Borås",
            PUBLIC_ONE,
        ),
        // Functions and duty roles.
        u(
            "MAS, Vård- och äldreförvaltningen",
            Mas,
            "boras-stad-vaf",
            BOTH,
            "Borås",
            INTERNAL_ONE,
        ),
        u(
            "MAS, Sociala omsorgsförvaltningen",
            Mas,
            "boras-stad-sof",
            BOTH,
            "Borås",
            INTERNAL_ONE,
        ),
        u(
            "MAR, Borås Stad",
            Mar,
            "boras-stad-vaf",
            BOTH,
            "Borås",
            INTERNAL_ONE,
        ),
        u(
            "TIB, tjänsteman i beredskap Borås Stad",
            Tib,
            "boras-stad",
            BOTH,
            "Borås",
            INTERNAL_ONE,
        ),
        u(
            "Närhälsan barnavårdscentral Centrum (exempel)",
            Bvc,
            "narhalsan",
            M2,
            "Borås",
            BVC_NUMBERS,
        ),
        u(
            "Läkare i beredskap, närområde Borås",
            OnCallDoctor,
            "vgr",
            BOTH,
            "Borås",
            INTERNAL_ONE,
        ),
    ]
}

/// A few streets of central Borås in each example district (the districts are examples, not
/// Borås Stad's real ones). Allégatan is split by side and Kungsgatan by house number, as real
/// street tables split streets between districts.
fn demo_streets(district: &str) -> anyhow::Result<Vec<StreetSpan>> {
    use Side::{Both, Even, Odd};
    let streets: &[(&str, Option<u32>, Option<u32>, Side)] = match district {
        "distrikt-norr" => &[
            ("Sandwalls plats", None, None, Both),
            ("Allégatan", None, None, Odd),
            ("Norrby Långgata", None, None, Both),
            ("Kungsgatan", Some(30), None, Both),
        ],
        "distrikt-oster" => &[
            ("Hässlehusgatan", None, None, Both),
            ("Sjöbo Torg", None, None, Both),
            ("Göteborgsvägen", None, None, Both),
        ],
        "distrikt-soder" => &[
            ("Södra Torget", None, None, Both),
            ("Stora Brogatan", None, None, Both),
            ("Järnvägsgatan", None, None, Both),
        ],
        "distrikt-vaster" => &[
            ("Västerbrogatan", None, None, Both),
            ("Bäckängsgatan", None, None, Both),
        ],
        "distrikt-centrum" => &[
            ("Stora Torget", None, None, Both),
            ("Lilla Brogatan", None, None, Both),
            ("Österlånggatan", None, None, Both),
            ("Allégatan", None, None, Even),
            ("Kungsgatan", Some(1), Some(29), Both),
        ],
        _ => &[],
    };
    let mut spans = streets
        .iter()
        .map(|(name, from, to, side)| {
            StreetSpan::new(name, *from, *to, *side)
                .map_err(|e| anyhow::anyhow!("demo street {name}: {}", e.en))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    // In the order an edit keeps them, so that sending back what was read changes nothing.
    crate::domain::streets::sort(&mut spans);
    Ok(spans)
}

fn hours_clock(raw: &str) -> Result<crate::domain::hours::Clock, String> {
    crate::domain::hours::Clock::try_from(raw.to_owned())
}

fn demo_note(name: &str) -> String {
    if name.contains("(exempel)") {
        "Demodata: exempelenhet med fiktiva nummer, inte Borås Stads verkliga organisation.".into()
    } else {
        "Demodata: numren är fiktiva (PTS nummerserier för fiktion).".into()
    }
}

/// Every demo unit as a validated domain unit.
pub fn demo_units(now: NaiveDateTime) -> anyhow::Result<Vec<crate::domain::Unit>> {
    let mut numbers = FictionNumbers::new();
    let active_from = NaiveDate::from_ymd_opt(2020, 1, 1).context("demo start date")?;
    let reviewed_at = NaiveDate::from_ymd_opt(2025, 10, 15).context("demo review date")?;
    units()
        .into_iter()
        .map(|d| {
            let contact_points = d
                .numbers
                .iter()
                .map(|(purpose, label, visibility)| {
                    Ok(ContactPointDraft {
                        purpose: *purpose,
                        label: (*label).into(),
                        visibility: *visibility,
                        number: numbers.next(*purpose)?,
                        hours: None,
                        periods: Vec::new(),
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            UnitDraft {
                name: d.name.into(),
                kind: d.kind,
                organisation_id: d.org.into(),
                area_ids: d.areas.iter().map(|a| (*a).into()).collect(),
                hsa_id: None,
                address: Address {
                    street: None,
                    postal_code: None,
                    city: Some(d.city.into()),
                },
                active_from,
                reviewed_at: Some(reviewed_at),
                note: Some(demo_note(d.name)),
                contact_points,
            }
            .validate(demo_unit_id(d.name), now)
            .map_err(|errors| anyhow!("demo unit {} is invalid: {errors:?}", d.name))
        })
        .collect::<anyhow::Result<Vec<_>>>()
        .map(with_hours_and_fallbacks)
}

/// The plan's rhythm on the demo data: a vårdcentral's one way in has a telefontid and its
/// direct number for acute assessments office hours on working days, and both hand over to
/// the on-call doctor (läkare i beredskap) outside them; the municipality's authority units
/// keep office hours and hand over to TIB, who answers outside office hours. Every boende has
/// an ansvarig vårdcentral with a fixed doctor time, and the BVC a few (invented) preschools.
fn with_hours_and_fallbacks(mut units: Vec<crate::domain::Unit>) -> Vec<crate::domain::Unit> {
    use crate::domain::codes::{Interval, MeetingForm, Weekday};
    use crate::domain::responsibility::{DoctorTime, Responsibility};
    let vardcentral = |name: &str| demo_unit_id(name);
    let responsibilities = [
        (
            "Särskilt boende Exempelgården (exempel)",
            "Närhälsan Södra Torget vårdcentral",
            Weekday::Tue,
            "13:00",
            Interval::Weekly,
            MeetingForm::OnSite,
        ),
        (
            "Särskilt boende Provhemmet (exempel)",
            "Herkules vårdcentral",
            Weekday::Wed,
            "09:00",
            Interval::EvenWeeks,
            MeetingForm::OnSite,
        ),
        (
            "Korttidsenhet (exempel)",
            "Närhälsan Boda vårdcentral",
            Weekday::Mon,
            "14:00",
            Interval::Weekly,
            MeetingForm::Video,
        ),
        (
            "LSS-bostad Exempelvägen (exempel)",
            "Brämhults vårdcentral",
            Weekday::Thu,
            "10:30",
            Interval::OddWeeks,
            MeetingForm::OnSite,
        ),
        (
            "Socialpsykiatri, boende (exempel)",
            "Borås vårdcentral",
            Weekday::Fri,
            "11:00",
            Interval::EvenWeeks,
            MeetingForm::Phone,
        ),
    ];
    for (boende, vc, weekday, time, interval, form) in responsibilities {
        let Ok(time) = hours_clock(time) else { continue };
        if let Some(unit) = units.iter_mut().find(|u| u.name == boende) {
            unit.responsibility = Some(Responsibility {
                vardcentral_id: vardcentral(vc),
                doctor_time: Some(DoctorTime {
                    weekday,
                    time,
                    interval,
                }),
                meeting_form: Some(form),
            });
        }
    }
    if let Some(bvc) = units.iter_mut().find(|u| u.kind == UnitKind::Bvc) {
        bvc.preschools = vec![
            "Förskolan Myran (exempel)".into(),
            "Förskolan Solrosen (exempel)".into(),
            "Förskolan Tallkotten (exempel)".into(),
        ];
    }
    use crate::domain::hours::{Days, Period, TelephoneHours};
    let vag_in_of = |kind: UnitKind, units: &[crate::domain::Unit]| {
        units
            .iter()
            .find(|u| u.kind == kind)
            .and_then(|u| u.vag_in())
            .map(|c| c.id)
    };
    let on_call = vag_in_of(UnitKind::OnCallDoctor, &units);
    let tib = vag_in_of(UnitKind::Tib, &units);
    let telefontid: TelephoneHours = serde_json::from_value(serde_json::json!({
        "weekly": [
            {"days": ["workdays"], "from": "08:00", "to": "12:00"},
            {"days": ["workdays"], "from": "13:00", "to": "16:30"}
        ]
    }))
    .unwrap_or_else(|_| TelephoneHours::workdays(8, 16));
    // Every number has its hours as data: "dygnet runt" where staff answer day and night,
    // never left out (a number without hours reads as "telefontid saknas").
    let days = |days: Days, from: &str, to: &str| -> TelephoneHours {
        let minutes = |raw: &str| hours_clock(raw).map_or(0, |c| c.minutes());
        TelephoneHours::daily(days, minutes(from), minutes(to))
    };
    let split = |first: (&str, &str), second: (&str, &str)| -> TelephoneHours {
        let mut hours = days(Days::Workdays, first.0, first.1);
        hours
            .weekly
            .extend(days(Days::Workdays, second.0, second.1).weekly);
        hours
    };
    let nurse = days(Days::EveryDay, "07:00", "21:30");
    for unit in &mut units {
        let (own, fallback) = match unit.kind {
            UnitKind::OnCallDoctor | UnitKind::Tib => (TelephoneHours::on_call(), None),
            UnitKind::Vardcentral => (telefontid.clone(), on_call),
            UnitKind::Myndighet => (TelephoneHours::workdays(8, 17), tib),
            UnitKind::Rehab => (split(("08:00", "12:00"), ("13:00", "16:00")), None),
            UnitKind::Bvc => (split(("08:00", "12:00"), ("13:00", "16:00")), None),
            UnitKind::Hospital => (TelephoneHours::always(), None),
            UnitKind::Hemtjanst => (days(Days::EveryDay, "07:00", "22:00"), None),
            UnitKind::KommunalPrimarvard if unit.name.contains("sjuksköterskor") => (nurse.clone(), None),
            UnitKind::Funktionsstod if unit.name.contains("boendestöd") => {
                (days(Days::EveryDay, "07:00", "22:00"), None)
            }
            UnitKind::SarskiltBoende
            | UnitKind::Korttidsboende
            | UnitKind::LssBoende
            | UnitKind::Socialpsykiatri => (TelephoneHours::always(), None),
            _ => (days(Days::Workdays, "08:00", "16:30"), None),
        };
        for point in &mut unit.contact_points {
            point.hours = Some(match point.purpose {
                Purpose::VagIn | Purpose::Sms => own.clone(),
                Purpose::DirectAcute => TelephoneHours::workdays(8, 17),
                Purpose::Switchboard => TelephoneHours::workdays(8, 17),
                Purpose::Other if unit.kind.category() == crate::domain::KindCategory::Boende => {
                    nurse.clone()
                }
                Purpose::Fax => TelephoneHours::always(),
                Purpose::Other => own.clone(),
            });
        }
        unit.fallback_contact_point_id = fallback;
    }
    // A summer closure with a redirect, to show how one reads (2027: it drops out after it).
    let r7 = units
        .iter()
        .find(|u| u.name == "Närhälsan rehab R7 Borås")
        .and_then(|u| u.vag_in())
        .map(|c| c.id);
    if let Some(clinic) = units.iter_mut().find(|u| u.name == "Viskaforskliniken rehab") {
        clinic.periods = vec![Period {
            from: NaiveDate::from_ymd_opt(2027, 7, 5),
            to: NaiveDate::from_ymd_opt(2027, 8, 1),
            weekly: Vec::new(),
            redirect_to: r7,
            note: Some("Sommarstängt v. 27–30. Ring Närhälsan rehab R7 Borås.".into()),
        }];
    }
    units
}

/// The demo unit whose one way in was renumbered, and the number it had.
const RENUMBERED: &str = "Närhälsan Heimdal vårdcentral";
const FORMER_NUMBER: &str = "031-390 06 90";

/// Loads the demo directory if the database is empty. Returns whether it did.
pub fn load_if_empty(conn: &mut DbConnection) -> anyhow::Result<bool> {
    let now = super::now();
    let units = demo_units(now)?;
    let areas = areas()?;
    let meta = WriteMeta::system("demo", now);
    super::write_transaction(conn, |conn| {
        super::start_up_lock(conn)?;
        if !repo::is_empty(conn)? {
            return Ok(false);
        }
        for o in organisations() {
            repo::insert_organisation(conn, &meta, &o)?;
        }
        for a in &areas {
            repo::insert_area(conn, &meta, a)?;
        }
        // Heimdal had another number until the demo was loaded: its history says so, and the
        // old number still finds it ("ersatt av …").
        let renumbered = units.iter().find(|u| u.name == RENUMBERED);
        for u in units.iter().filter(|u| u.name != RENUMBERED) {
            repo::insert_unit(conn, &meta, u)?;
        }
        if let Some(current) = renumbered {
            let mut before = current.clone();
            if let Some(point) = before
                .contact_points
                .iter_mut()
                .find(|c| c.purpose == Purpose::VagIn)
            {
                point.number = crate::domain::PhoneNumber::parse(FORMER_NUMBER)
                    .map_err(|e| anyhow!("demo number {FORMER_NUMBER}: {}", e.en))?;
            }
            repo::insert_unit(conn, &meta, &before)?;
            let after = crate::domain::Unit {
                version: before.version + 1,
                ..current.clone()
            };
            let renumber = WriteMeta {
                reason: Some("Nytt nummer till en väg in (demodata)".into()),
                ..meta.clone()
            };
            super::units::save_unchecked(conn, &renumber, "unit.update", &before, &after)
                .map_err(|e| anyhow!("renumbering the demo unit: {e}"))?;
        }
        Ok::<_, anyhow::Error>(true)
    })
    .context("loading the demo directory")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_number_is_fictional_and_unique() {
        let units = demo_units(crate::db::now()).unwrap();
        let mut seen = std::collections::HashSet::new();
        for unit in &units {
            for point in &unit.contact_points {
                assert!(
                    point.number.is_fictional(),
                    "{}: {}",
                    unit.name,
                    point.number.e164()
                );
                assert!(
                    seen.insert(point.number.e164().to_owned()),
                    "{} repeats",
                    point.number.e164()
                );
            }
        }
    }

    #[test]
    fn the_sixteen_named_vardcentraler_are_there() {
        let units = demo_units(crate::db::now()).unwrap();
        let vc = units.iter().filter(|u| u.kind == UnitKind::Vardcentral).count();
        assert_eq!(vc, 16);
    }

    #[test]
    fn demo_units_refer_to_known_organisations_and_areas() {
        let orgs: Vec<_> = organisations().into_iter().map(|o| o.id).collect();
        let area_ids: Vec<_> = areas().unwrap().into_iter().map(|a| a.id).collect();
        for u in units() {
            assert!(orgs.iter().any(|o| o == u.org), "{}", u.name);
            assert!(
                u.areas.iter().all(|a| area_ids.iter().any(|x| x == a)),
                "{}",
                u.name
            );
        }
    }
}
