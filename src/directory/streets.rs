//! The street table as the snapshot serves it: from an address as typed ("Kungsg 12",
//! "Allégatan 14 B") to the district that serves it, for the address lookup and the main search.

use std::collections::HashMap;

use crate::domain::Area;
use crate::domain::streets::{Naming, StreetSpan, TypedAddress};
use crate::domain::text::{fold, words};

/// Every street of every district, by folded name.
#[derive(Debug, Default)]
pub struct StreetTable {
    /// Folded name → the street's parts: (position of the district, the part).
    parts: HashMap<String, Vec<(usize, StreetSpan)>>,
    /// Each folded name's words, by its first letter: what an abbreviation is tried against
    /// (every typed word begins its word of the name, so the first letters agree).
    by_initial: HashMap<char, Vec<(String, Vec<String>)>>,
}

/// What the table says of an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreetAnswer {
    /// The street's name as the table writes it.
    pub street: String,
    /// The house number typed, if any.
    pub number: Option<u32>,
    /// How the typed words named the street.
    pub naming: Naming,
    /// The parts that serve the address, with their districts' positions: one, or every
    /// part of a split street when no house number (or one no part has) was given.
    pub parts: Vec<(usize, StreetSpan)>,
    /// `parts` holds the one district that serves the address.
    pub resolved: bool,
}

impl StreetAnswer {
    /// The districts' positions, each once, in the order of the street's parts (which does
    /// not depend on how the areas were numbered).
    pub fn districts(&self) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for (d, _) in &self.parts {
            if !out.contains(d) {
                out.push(*d);
            }
        }
        out
    }
}

impl StreetTable {
    pub fn build(areas: &[Area]) -> Self {
        let mut parts: HashMap<String, Vec<(usize, StreetSpan)>> = HashMap::new();
        for (i, area) in areas.iter().enumerate() {
            for span in &area.streets {
                parts
                    .entry(fold(span.name()))
                    .or_default()
                    .push((i, span.clone()));
            }
        }
        for list in parts.values_mut() {
            // Ties by the area's id, not its number: the order is the same however the
            // numbers were given.
            list.sort_by(|(a, s), (b, t)| {
                (s.from(), s.side() as u8, &areas[*a].id).cmp(&(t.from(), t.side() as u8, &areas[*b].id))
            });
        }
        let mut by_initial: HashMap<char, Vec<(String, Vec<String>)>> = HashMap::new();
        for key in parts.keys() {
            if let Some(initial) = key.chars().next() {
                let name = words(key).map(str::to_owned).collect();
                by_initial.entry(initial).or_default().push((key.clone(), name));
            }
        }
        Self { parts, by_initial }
    }

    /// The street an address names, and which of its parts serve it. `None`: no street by
    /// that name (or the abbreviation fits several streets).
    pub fn find(&self, typed: &TypedAddress) -> Option<StreetAnswer> {
        let joined = typed.words.join(" ");
        let (key, naming) = match self.parts.get_key_value(&joined) {
            Some((key, _)) => (key, Naming::Exact),
            None => {
                let initial = joined.chars().next()?;
                let mut found = self.by_initial.get(&initial)?.iter().filter_map(|(key, name)| {
                    let name: Vec<&str> = name.iter().map(String::as_str).collect();
                    typed.names(&name).map(|n| (key, n))
                });
                let first = found.next()?;
                if found.next().is_some() {
                    return None;
                }
                first
            }
        };
        let all = self.parts.get(key)?;
        let street = all.first()?.1.name().to_owned();
        let chosen: Vec<(usize, StreetSpan)> = match typed.number {
            Some(n) => all.iter().filter(|(_, s)| s.contains(n)).cloned().collect(),
            None => Vec::new(),
        };
        let one_district = all.iter().all(|(d, _)| *d == all[0].0);
        let (parts, resolved) = if !chosen.is_empty() {
            (chosen, true)
        } else if typed.number.is_none() && one_district {
            (all.clone(), true)
        } else {
            (all.clone(), false)
        };
        Some(StreetAnswer {
            street,
            number: typed.number,
            naming,
            parts,
            resolved,
        })
    }

    /// Street names close to `raw`, for "did you mean".
    pub fn similar(&self, raw: &str, max: usize) -> Vec<&str> {
        let folded = TypedAddress::parse(raw).map_or_else(|| fold(raw), |t| t.words.join(" "));
        let mut scored: Vec<(f64, &str)> = self
            .parts
            .iter()
            .filter_map(|(key, parts)| Some((key, parts.first()?.1.name())))
            .map(|(key, name)| (strsim::jaro_winkler(&folded, key), name))
            .filter(|(score, _)| *score >= 0.8)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        scored.into_iter().take(max).map(|(_, name)| name).collect()
    }
}
