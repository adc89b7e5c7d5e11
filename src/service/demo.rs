//! Demo data: the Borås directory from DOMAIN.md, loaded into an empty database on first start.
//! It is data, not code: `demo/reference.json` (organisations, areas and districts with their
//! streets) and `demo/units.csv` (every unit and number, the file `GET /v1/export?format=csv`
//! writes), loaded through the same import as an admin's file (`transfer`); then
//! `demo/renumbered.csv`, a second import that gives Heimdal a new number, so that the demo
//! shows how an old number still finds its unit.
//!
//! Every number comes from the ranges Post- och telestyrelsen keeps for fiction; no person is
//! named. The vårdcentraler, rehab clinics and organisations are the real parties of närområde
//! Borås; the municipal units are examples, marked "(exempel)" in their names and notes.

use anyhow::{Context, anyhow};
use serde::Deserialize;
use uuid::Uuid;

use crate::db::audit::WriteMeta;
use crate::db::generate::DEMO_NAMESPACE;
use crate::db::{self, DbConnection, repo};
use crate::domain::{Area, Organisation};
use crate::error::AppError;
use crate::transfer::{self, ImportError, ParsedFile};

const REFERENCE: &str = include_str!("demo/reference.json");
const UNITS: &str = include_str!("demo/units.csv");
const RENUMBERED: &str = include_str!("demo/renumbered.csv");

/// The stable id a demo unit has (UUID v5 of its name), so that documentation and tests can
/// name it.
pub fn demo_unit_id(name: &str) -> Uuid {
    Uuid::new_v5(&DEMO_NAMESPACE, name.as_bytes())
}

/// What the units refer to.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Reference {
    organisations: Vec<Organisation>,
    areas: Vec<Area>,
}

fn reference() -> anyhow::Result<Reference> {
    serde_json::from_str(REFERENCE).context("demo/reference.json")
}

fn file(name: &str, text: &str) -> anyhow::Result<ParsedFile> {
    transfer::parse(text.as_bytes()).map_err(|problems| anyhow!("demo/{name}: {problems:?}"))
}

/// An import's refusal, in words for the log.
fn failed(name: &str, e: ImportError) -> anyhow::Error {
    match AppError::from(e) {
        AppError::Validation(problems) => anyhow!("demo/{name}: {problems:?}"),
        other => anyhow!("demo/{name}: {other}"),
    }
}

/// The organisations, each after the one it belongs to (the database checks the parent at
/// once); a parent the file does not have is an error.
fn parents_first(organisations: &[Organisation]) -> anyhow::Result<Vec<&Organisation>> {
    let mut placed: Vec<&Organisation> = Vec::new();
    while placed.len() < organisations.len() {
        let before = placed.len();
        for o in organisations {
            let parent_placed = o
                .parent_id
                .as_ref()
                .is_none_or(|p| placed.iter().any(|x| &x.id == p));
            if parent_placed && !placed.iter().any(|x| x.id == o.id) {
                placed.push(o);
            }
        }
        if placed.len() == before {
            return Err(anyhow!(
                "demo/reference.json: an organisation's parent is missing or circular"
            ));
        }
    }
    Ok(placed)
}

/// Loads the demo directory if the database is empty, in one transaction. Returns whether it
/// did.
pub fn load_if_empty(conn: &mut DbConnection) -> anyhow::Result<bool> {
    let reference = reference()?;
    let (units, renumbered) = (file("units.csv", UNITS)?, file("renumbered.csv", RENUMBERED)?);
    let meta = WriteMeta::system("demo", db::now());
    let renumber = WriteMeta {
        reason: Some("Nytt nummer till en väg in (demodata)".into()),
        ..meta.clone()
    };
    db::write_transaction(conn, |conn| {
        db::start_up_lock(conn)?;
        if !repo::is_empty(conn)? {
            return Ok(false);
        }
        for o in parents_first(&reference.organisations)? {
            repo::insert_organisation(conn, &meta, o)?;
        }
        for a in &reference.areas {
            repo::insert_area(conn, &meta, a)?;
        }
        let quiet = &mut |_, _| {};
        transfer::import_within(conn, &meta, &units, None, quiet).map_err(|e| failed("units.csv", e))?;
        transfer::import_within(conn, &renumber, &renumbered, None, quiet)
            .map_err(|e| failed("renumbered.csv", e))?;
        Ok::<_, anyhow::Error>(true)
    })
    .context("loading the demo directory")
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;
    use crate::domain::{PhoneNumber, UnitKind};

    /// The demo file's rows, by column name.
    fn rows() -> Vec<HashMap<String, String>> {
        let mut reader = csv::Reader::from_reader(UNITS.as_bytes());
        let header = reader.headers().unwrap().clone();
        reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                header
                    .iter()
                    .map(str::to_owned)
                    .zip(r.iter().map(str::to_owned))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_demo_files_read() {
        let reference = reference().unwrap();
        assert_eq!(
            parents_first(&reference.organisations).unwrap().len(),
            reference.organisations.len()
        );
        file("units.csv", UNITS).unwrap();
        file("renumbered.csv", RENUMBERED).unwrap();
    }

    #[test]
    fn every_demo_number_is_fictional_and_unique() {
        let mut seen = HashSet::new();
        for row in rows() {
            let number = PhoneNumber::parse(&row["number"]).unwrap();
            assert!(number.is_fictional(), "{}: {}", row["name"], number.e164());
            assert!(seen.insert(number.e164().to_owned()), "{} repeats", number.e164());
        }
    }

    #[test]
    fn the_sixteen_named_vardcentraler_are_there() {
        let names: HashSet<String> = rows()
            .into_iter()
            .filter(|r| r["kind"] == UnitKind::Vardcentral.code())
            .map(|r| r["name"].clone())
            .collect();
        assert_eq!(names.len(), 16);
    }

    #[test]
    fn demo_units_refer_to_known_organisations_and_areas_and_have_their_stable_ids() {
        let reference = reference().unwrap();
        for row in rows() {
            let org = &row["organisation_id"];
            assert!(
                reference.organisations.iter().any(|o| o.id == *org),
                "{}",
                row["name"]
            );
            for area in row["area_ids"]
                .split(';')
                .map(str::trim)
                .filter(|a| !a.is_empty())
            {
                assert!(
                    reference.areas.iter().any(|a| a.id == area),
                    "{}: {area}",
                    row["name"]
                );
            }
            assert_eq!(row["unit_id"], demo_unit_id(&row["name"]).to_string());
        }
    }
}
