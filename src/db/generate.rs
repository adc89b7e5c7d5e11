//! A large directory for benchmarks and scale tests: `kontaktnav generate --units N` adds
//! units built from the demo data's organisations and areas, deterministically.

use anyhow::{Context, anyhow};
use chrono::NaiveDate;
use diesel::Connection;
use uuid::Uuid;

use super::DbConnection;
use super::audit::WriteMeta;
use super::repo;
use crate::domain::{Address, ContactPointDraft, Purpose, UnitDraft, UnitKind, Visibility};

/// Namespace of the demo data's and the generated units' stable ids (UUID v5 of the name).
pub const DEMO_NAMESPACE: Uuid = Uuid::from_u128(0x6b6f_6e74_616b_746e_6176_2d64_656d_6f00);

/// Adds `count` generated units (for benchmarks): names built from a small vocabulary, spread
/// over every kind, organisation and area of the demo data, numbers from the fiction ranges
/// (repeated; numbers need not be unique). Deterministic for a given count.
pub fn generate(conn: &mut DbConnection, count: usize) -> anyhow::Result<()> {
    const PLACES: &[&str] = &[
        "Norrby",
        "Hässleholmen",
        "Sjöbo",
        "Hulta",
        "Göta",
        "Byttorp",
        "Trandared",
        "Kristineberg",
        "Norrmalm",
        "Brämhult",
        "Sandared",
        "Fristad",
        "Dalsjöfors",
        "Viskafors",
        "Gånghester",
        "Borgstena",
        "Sparsör",
        "Målsryd",
        "Svaneholm",
        "Tosseryd",
        "Hedvigsberg",
        "Göteborgsvägen",
    ];
    const KINDS: &[(UnitKind, &str, &str)] = &[
        (UnitKind::Vardcentral, "vårdcentral", "narhalsan"),
        (UnitKind::Rehab, "rehabmottagning", "vega"),
        (UnitKind::Hemtjanst, "hemtjänst", "boras-stad-vaf"),
        (UnitKind::Funktionsstod, "funktionsstöd", "boras-stad-sof"),
        (
            UnitKind::SarskiltBoende,
            "vård- och omsorgsboende",
            "boras-stad-vaf",
        ),
        (UnitKind::LssBoende, "LSS-bostad", "boras-stad-sof"),
        (UnitKind::KommunalPrimarvard, "hemsjukvård", "boras-stad-vaf"),
        (UnitKind::Myndighet, "biståndsenhet", "boras-stad-ifo"),
    ];
    let now = super::now();
    let active_from = NaiveDate::from_ymd_opt(2021, 1, 1).context("start date")?;
    let landline: Vec<String> = (0..100).map(|n| format!("031-390 06 {n:02}")).collect();
    let mut units = Vec::with_capacity(count);
    for i in 0..count {
        let (kind, word, org) = KINDS[i % KINDS.len()];
        let place = PLACES[(i / KINDS.len()) % PLACES.len()];
        let name = format!("{place} {word} {}", i + 1);
        let draft = UnitDraft {
            name: name.clone(),
            kind,
            organisation_id: org.into(),
            area_ids: vec![if i % 2 == 0 { "mote-1" } else { "mote-2" }.into()],
            hsa_id: None,
            address: Address {
                street: Some(format!("{place}gatan {}", i % 90 + 1)),
                postal_code: None,
                city: Some("Borås".into()),
            },
            active_from,
            reviewed_at: None,
            note: Some("Genererad testdata för prestandamätning.".into()),
            contact_points: vec![ContactPointDraft {
                number_confirmed: true,
                purpose: Purpose::VagIn,
                label: "En väg in".into(),
                visibility: Visibility::Internal,
                number: landline[i % landline.len()].clone(),
                hours: None,
                periods: Vec::new(),
            }],
        };
        let id = Uuid::new_v5(&DEMO_NAMESPACE, format!("generated-{i}").as_bytes());
        units.push(
            draft
                .validate(id, now)
                .map_err(|e| anyhow!("generated unit {name} is invalid: {e:?}"))?,
        );
    }
    let meta = WriteMeta::system("generate", now);
    conn.transaction(|conn| {
        for u in &units {
            repo::insert_unit(conn, &meta, u)?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .context("inserting generated units")
}
