//! The organisations and areas of a snapshot, with the street table: small next to the units,
//! so a change to one of them builds this part again whole, keeping every organisation's and
//! area's number (what the per-unit data refers to them by) from one snapshot to the next.

use std::collections::HashMap;

use crate::domain::text::sort_key;
use crate::domain::{Area, Organisation};

use super::streets::StreetTable;

#[derive(Debug, Default)]
pub struct Reference {
    /// By number: a number, once given, stays with its organisation.
    pub organisations: Vec<Organisation>,
    /// Numbers in name order.
    pub organisation_order: Vec<u32>,
    pub organisation_number: HashMap<String, u32>,
    /// Organisation number → the numbers of its direct sub-organisations.
    pub children: Vec<Vec<u32>>,
    /// By number, as organisations.
    pub areas: Vec<Area>,
    /// Numbers in (kind, name) order.
    pub area_order: Vec<u32>,
    pub area_number: HashMap<String, u32>,
    /// Street name → the parts, by area number.
    pub streets: StreetTable,
}

impl Reference {
    /// Numbers given in name order.
    pub fn build(mut organisations: Vec<Organisation>, mut areas: Vec<Area>) -> Self {
        organisations.sort_by_cached_key(|o| (sort_key(&o.name), o.id.clone()));
        areas.sort_by_cached_key(|a| (a.kind, sort_key(&a.name), a.id.clone()));
        Self::numbered(organisations, areas)
    }

    /// This with `organisations` and `areas` changed or added (by id).
    pub fn with(&self, organisations: &[Organisation], areas: &[Area]) -> Self {
        let mut all_organisations = self.organisations.clone();
        for o in organisations {
            match self.organisation_number.get(&o.id) {
                Some(&n) => all_organisations[n as usize] = o.clone(),
                None => all_organisations.push(o.clone()),
            }
        }
        let mut all_areas = self.areas.clone();
        for a in areas {
            match self.area_number.get(&a.id) {
                Some(&n) => all_areas[n as usize] = a.clone(),
                None => all_areas.push(a.clone()),
            }
        }
        Self::numbered(all_organisations, all_areas)
    }

    /// Numbers as the lists stand.
    fn numbered(organisations: Vec<Organisation>, areas: Vec<Area>) -> Self {
        let organisation_number: HashMap<String, u32> = organisations
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.clone(), i as u32))
            .collect();
        let mut children = vec![Vec::new(); organisations.len()];
        for (i, o) in organisations.iter().enumerate() {
            if let Some(parent) = o.parent_id.as_ref().and_then(|p| organisation_number.get(p)) {
                children[*parent as usize].push(i as u32);
            }
        }
        let mut organisation_order: Vec<u32> = (0..organisations.len() as u32).collect();
        organisation_order.sort_by_cached_key(|&i| {
            let o = &organisations[i as usize];
            (sort_key(&o.name), o.id.clone())
        });
        let mut area_order: Vec<u32> = (0..areas.len() as u32).collect();
        area_order.sort_by_cached_key(|&i| {
            let a = &areas[i as usize];
            (a.kind, sort_key(&a.name), a.id.clone())
        });
        Self {
            area_number: areas
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id.clone(), i as u32))
                .collect(),
            streets: StreetTable::build(&areas),
            organisation_number,
            children,
            organisation_order,
            area_order,
            organisations,
            areas,
        }
    }

    pub fn organisation(&self, id: &str) -> Option<&Organisation> {
        self.organisation_number
            .get(id)
            .map(|n| &self.organisations[*n as usize])
    }

    pub fn area(&self, id: &str) -> Option<&Area> {
        self.area_number.get(id).map(|n| &self.areas[*n as usize])
    }
}
