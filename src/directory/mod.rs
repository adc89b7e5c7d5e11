//! The directory as the read API serves it: an immutable in-memory snapshot of the database,
//! indexed for search, swapped whole when the data changes. Reads never wait for the database.

pub mod callnow;
pub mod search;
pub mod streets;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::repo::Snapshot;
use crate::domain::text::sort_key;
use crate::domain::{Area, Invalid, Organisation, Unit, UnitKind};
pub use search::Query;
use search::SearchIndex;
pub use streets::StreetAnswer;

/// Which units by their active period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ActiveFilter {
    #[default]
    Active,
    Inactive,
    Any,
}

/// What to list. Built by the routes from query parameters, already checked against the
/// directory (known organisation, known area).
#[derive(Debug, Clone)]
pub struct UnitFilter {
    pub query: Option<Query>,
    pub kinds: Vec<UnitKind>,
    pub area: Option<String>,
    pub organisation: Option<String>,
    pub active: ActiveFilter,
    /// The day "active" refers to.
    pub on: NaiveDate,
    /// Whether internal numbers may be matched by a phone-number query.
    pub include_internal: bool,
    /// Only units in this state of the yearly review (on `on`).
    pub review: Option<crate::domain::review::ReviewStatus>,
}

impl UnitFilter {
    /// Identifies the filter (not the day) so a cursor can't be replayed against another
    /// search. FNV-1a: stable across builds, so cursors survive a redeploy.
    fn fingerprint(&self) -> u64 {
        let mut text = format!("{:?}", self.query);
        for kind in &self.kinds {
            text.push_str(kind.code());
            text.push(',');
        }
        text.push_str(&format!(
            "|{:?}|{:?}|{:?}|{}|{:?}",
            self.area, self.organisation, self.active, self.include_internal, self.review
        ));
        text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    }
}

/// Where a page ends: the sort key of its last unit. Results are ordered by score (highest
/// first), then Swedish name order, then id, so this key is a total order and a cursor never
/// skips or repeats a unit, even when units are added between two pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct CursorKey {
    #[serde(rename = "f")]
    fingerprint: u64,
    #[serde(rename = "s")]
    score: u32,
    #[serde(rename = "n")]
    name_key: String,
    #[serde(rename = "i")]
    id: Uuid,
    /// How many of the query's words the results match (several words): if that changes
    /// between pages (a unit or shorthand was added), the pages would not fit together.
    #[serde(rename = "m", default)]
    most: u32,
}

/// An opaque pagination cursor, as the API hands it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(CursorKey);

impl Cursor {
    pub fn encode(&self) -> String {
        // Serialising a struct of plain fields cannot fail.
        let json = serde_json::to_vec(&self.0).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    pub fn decode(raw: &str) -> Result<Self, Invalid> {
        let bad = || {
            Invalid::rule(
                "cursor är ogiltig; använd next_cursor från föregående svar oförändrad",
                "the cursor is invalid; pass next_cursor from the previous response unchanged",
            )
        };
        if raw.len() > 1024 {
            return Err(bad());
        }
        let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).map_err(|_| bad())?;
        serde_json::from_slice(&bytes).map(Cursor).map_err(|_| bad())
    }
}

/// One page of units.
#[derive(Debug)]
pub struct Page<'a> {
    pub units: Vec<&'a Unit>,
    /// How many units match in all, over every page.
    pub total: usize,
    /// How many matches come before this page.
    pub start: usize,
    pub next: Option<Cursor>,
    /// The query's words that matched no unit (the rest were searched for).
    pub ignored_words: Vec<String>,
    /// The street the query names, when the results include its districts' units
    /// ([`Directory::serves`] tells which).
    pub address: Option<Arc<StreetAnswer>>,
}

/// A search's full result: sort keys in result order, and the words it had to leave out.
#[derive(Debug)]
struct Ranking {
    keys: Box<[u64]>,
    ignored: Vec<String>,
    /// How many of the query's words each result matches (0: one word, or no query).
    most: u32,
    /// The street the query names: the units of its districts are in the results.
    address: Option<Arc<StreetAnswer>>,
}

/// Full rankings by filter fingerprint and day.
type RankingCache = Mutex<HashMap<(u64, NaiveDate), Arc<Ranking>>>;

/// What `find` filters on, per unit, compact and contiguous (the full `Unit` is large and
/// scattered; reading 20,000 of them per search costs more than the search itself).
#[derive(Debug)]
struct Facet {
    kind: UnitKind,
    organisation: u32,
    active_from: NaiveDate,
    active_to: Option<NaiveDate>,
    review_due: NaiveDate,
}

impl Facet {
    fn is_active_on(&self, day: NaiveDate) -> bool {
        self.active_from <= day && self.active_to.is_none_or(|to| day < to)
    }
}

#[derive(Debug, Default)]
pub struct Directory {
    organisations: Vec<Organisation>,
    areas: Vec<Area>,
    units: Vec<Unit>,
    facets: Vec<Facet>,
    /// Area positions of each unit.
    unit_areas: Vec<Box<[u32]>>,
    /// Full rankings of recent searches, valid for this snapshot (it never changes).
    rankings: RankingCache,
    cache_rankings: bool,
    unit_pos: HashMap<Uuid, usize>,
    organisation_pos: HashMap<String, usize>,
    area_pos: HashMap<String, usize>,
    /// Swedish sort key of each unit's name.
    name_keys: Vec<String>,
    /// Unit indices in (name key, id) order ...
    by_name: Vec<usize>,
    /// ... and each unit's position in that order, so ranking compares integers, not strings.
    name_rank: Vec<u32>,
    /// Organisation id → ids of its direct sub-organisations.
    children: HashMap<String, Vec<String>>,
    /// Built-in accounts: user name → (version, disabled).
    accounts: HashMap<String, (i64, bool)>,
    /// How many audit events the snapshot includes.
    event_count: i64,
    /// Contact point id → position of its unit.
    point_owner: HashMap<Uuid, usize>,
    streets: streets::StreetTable,
    search: SearchIndex,
    /// The search vocabulary (also inside `search`, folded), as stored.
    vocabulary: Vec<crate::domain::vocabulary::Synonym>,
    /// Numbers each unit had before, oldest first (also inside `search`).
    former: HashMap<Uuid, Vec<crate::domain::ReplacedNumber>>,
}

impl Directory {
    pub fn build(snapshot: Snapshot) -> Self {
        let Snapshot {
            mut organisations,
            mut areas,
            units,
            accounts,
            event_count,
            vocabulary,
            replaced,
        } = snapshot;
        organisations.sort_by_cached_key(|o| sort_key(&o.name));
        areas.sort_by_cached_key(|a| (a.kind, sort_key(&a.name)));
        let org_by_id: HashMap<&str, &Organisation> =
            organisations.iter().map(|o| (o.id.as_str(), o)).collect();
        let search = SearchIndex::build(&units, &org_by_id, &vocabulary, &replaced);
        let mut former: HashMap<Uuid, Vec<crate::domain::ReplacedNumber>> = HashMap::new();
        for r in replaced {
            former.entry(r.unit_id).or_default().push(r);
        }
        let mut children: HashMap<String, Vec<String>> = HashMap::new();
        for o in &organisations {
            if let Some(parent) = &o.parent_id {
                children.entry(parent.clone()).or_default().push(o.id.clone());
            }
        }
        let name_keys: Vec<String> = units.iter().map(|u| sort_key(&u.name)).collect();
        let mut by_name: Vec<usize> = (0..units.len()).collect();
        by_name.sort_by(|&a, &b| (&name_keys[a], units[a].id).cmp(&(&name_keys[b], units[b].id)));
        let organisation_pos: HashMap<String, usize> = organisations
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.clone(), i))
            .collect();
        let area_pos: HashMap<String, usize> =
            areas.iter().enumerate().map(|(i, a)| (a.id.clone(), i)).collect();
        let facets = units
            .iter()
            .map(|u| Facet {
                kind: u.kind,
                // The database's foreign key guarantees the organisation is known.
                organisation: organisation_pos
                    .get(&u.organisation_id)
                    .map_or(u32::MAX, |i| *i as u32),
                active_from: u.active_from,
                active_to: u.active_to,
                review_due: u.review_due(),
            })
            .collect();
        let unit_areas = units
            .iter()
            .map(|u| {
                u.area_ids
                    .iter()
                    .filter_map(|a| area_pos.get(a))
                    .map(|i| *i as u32)
                    .collect()
            })
            .collect();
        let mut name_rank = vec![0u32; units.len()];
        for (rank, &i) in by_name.iter().enumerate() {
            name_rank[i] = rank as u32;
        }
        let point_owner = units
            .iter()
            .enumerate()
            .flat_map(|(i, u)| u.contact_points.iter().map(move |c| (c.id, i)))
            .collect();
        let streets = streets::StreetTable::build(&areas);
        Self {
            streets,
            point_owner,
            unit_pos: units.iter().enumerate().map(|(i, u)| (u.id, i)).collect(),
            organisation_pos,
            area_pos,
            facets,
            unit_areas,
            rankings: Mutex::default(),
            cache_rankings: true,
            name_keys,
            by_name,
            name_rank,
            units,
            organisations,
            areas,
            children,
            search,
            accounts: accounts
                .into_iter()
                .map(|(name, version, disabled)| (name, (version, disabled)))
                .collect(),
            event_count,
            vocabulary,
            former,
        }
    }

    /// The number a query typed, when `unit` had it before and has it no longer: the most
    /// recent time it was replaced (of those the caller may see: `include_internal`).
    pub fn replaced_number(
        &self,
        query: &Query,
        unit: &Unit,
        include_internal: bool,
    ) -> Option<&crate::domain::ReplacedNumber> {
        let typed = |number: &str| match (query.phone(), query.digits()) {
            (Some(e164), _) => number == e164,
            (None, Some(digits)) => number.ends_with(digits),
            (None, None) => false,
        };
        if unit.contact_points.iter().any(|c| typed(c.number.e164())) {
            return None;
        }
        self.former
            .get(&unit.id)?
            .iter()
            .rev()
            .filter(|r| include_internal || r.visibility == crate::domain::Visibility::Public)
            .find(|r| typed(&r.number))
    }

    /// The search vocabulary, by word.
    pub fn vocabulary(&self) -> &[crate::domain::vocabulary::Synonym] {
        &self.vocabulary
    }

    /// What the street table says of an address as typed ("Sandwalls plats 3", "Kungsg 12"):
    /// `None` when it names no street.
    pub fn street(&self, raw: &str) -> Option<streets::StreetAnswer> {
        self.streets
            .find(&crate::domain::streets::TypedAddress::parse(raw)?)
    }

    /// Street names close to `raw`, for "did you mean".
    pub fn similar_streets(&self, raw: &str, max: usize) -> Vec<&str> {
        self.streets.similar(raw, max)
    }

    /// The area at a position that the street table gave.
    pub fn area_at(&self, position: usize) -> &Area {
        &self.areas[position]
    }

    /// The active units of an area: hemtjänst, funktionsstöd and myndighet first (what an
    /// address asks for), then the other kinds organised by area, each by name.
    pub fn units_in_area(&self, area: &str, day: NaiveDate) -> Vec<&Unit> {
        let mut found: Vec<&Unit> = self
            .units
            .iter()
            .filter(|u| u.is_active_on(day) && u.area_ids.iter().any(|a| a == area))
            .collect();
        found.sort_by_key(|u| (u.kind.address_rank(), u.kind.label_sv(), sort_key(&u.name)));
        found
    }

    /// The district of `answer` that `unit` serves, if any: the unit was found by address.
    pub fn serves<'a>(&'a self, answer: &StreetAnswer, unit: &Unit) -> Option<&'a Area> {
        answer
            .districts()
            .into_iter()
            .map(|d| &self.areas[d])
            .find(|area| unit.area_ids.contains(&area.id))
    }

    /// The street a query names, if its words are an address ("sandwalls plats 3", "kungsg").
    fn address_of(&self, filter: &UnitFilter) -> Option<Arc<StreetAnswer>> {
        let query = filter.query.as_ref()?;
        if query.is_number() {
            return None;
        }
        let typed =
            crate::domain::streets::TypedAddress::from_words(query.words().iter().map(String::as_str))?;
        let answer = self.streets.find(&typed)?;
        // A house number no part of the street has names no district. An abbreviation counts
        // only with a house number or a street ending typed short ("kungsg", "sandwalls pl"):
        // four letters alone ("kung", "järn") are more often the beginning of a name.
        let name = crate::domain::text::fold(&answer.street);
        let name: Vec<&str> = crate::domain::text::words(&name).collect();
        let abbreviated = typed.number.is_some() || typed.ends_short_of(&name);
        match (answer.resolved, answer.number, answer.naming) {
            (false, Some(_), _) => None,
            (_, _, crate::domain::streets::Naming::Abbreviated) if !abbreviated => None,
            _ => Some(Arc::new(answer)),
        }
    }

    /// The units that are responsible for preschools.
    pub fn units_with_preschools(&self) -> impl Iterator<Item = &Unit> {
        self.units.iter().filter(|u| !u.preschools.is_empty())
    }

    /// How many audit events the snapshot includes.
    pub fn event_count(&self) -> i64 {
        self.event_count
    }

    /// A built-in account's version and whether it is disabled.
    pub fn account(&self, username: &str) -> Option<(i64, bool)> {
        self.accounts.get(username).copied()
    }

    /// Turns the ranking cache off (to measure the uncached search path).
    pub fn without_ranking_cache(mut self) -> Self {
        self.cache_rankings = false;
        self
    }

    pub fn organisations(&self) -> &[Organisation] {
        &self.organisations
    }

    pub fn organisation(&self, id: &str) -> Option<&Organisation> {
        self.organisation_pos.get(id).map(|i| &self.organisations[*i])
    }

    pub fn areas(&self) -> &[Area] {
        &self.areas
    }

    pub fn area(&self, id: &str) -> Option<&Area> {
        self.area_pos.get(id).map(|i| &self.areas[*i])
    }

    pub fn unit(&self, id: Uuid) -> Option<&Unit> {
        self.unit_pos.get(&id).map(|i| &self.units[*i])
    }

    /// Every unit, in no particular order.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    pub fn unit_count(&self) -> usize {
        self.units.len()
    }

    /// The organisation, its parent, its parent's parent ... (stops at a cycle's 64th step).
    pub fn organisation_and_ancestors<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let mut next = Some(id);
        let mut steps = 0;
        std::iter::from_fn(move || {
            let current = next?;
            steps += 1;
            if steps > 64 {
                return None;
            }
            next = self.organisation(current).and_then(|o| o.parent_id.as_deref());
            Some(current)
        })
    }

    /// The ids of the organisation and every organisation under it.
    pub fn organisation_and_descendants(&self, id: &str) -> Vec<String> {
        self.organisation_scope(id)
            .iter()
            .zip(&self.organisations)
            .filter(|(inside, _)| **inside)
            .map(|(_, o)| o.id.clone())
            .collect()
    }

    /// The organisation and all organisations under it, as a membership table by position.
    fn organisation_scope(&self, id: &str) -> Vec<bool> {
        let mut scope = vec![false; self.organisations.len()];
        let mut stack = vec![id];
        while let Some(current) = stack.pop() {
            if let Some(&i) = self.organisation_pos.get(current)
                && !scope[i]
            {
                scope[i] = true;
                stack.extend(
                    self.children
                        .get(current)
                        .into_iter()
                        .flatten()
                        .map(String::as_str),
                );
            }
        }
        scope
    }

    /// Lists the units that match `filter`, best first, `limit` per page after `cursor`.
    pub fn find(
        &self,
        filter: &UnitFilter,
        cursor: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page<'_>, Invalid> {
        let fingerprint = filter.fingerprint();
        if let Some(c) = cursor
            && c.0.fingerprint != fingerprint
        {
            return Err(Invalid::new(
                "cursor hör till en annan sökning (andra parametrar); börja om utan cursor",
                "the cursor belongs to another search (different parameters); start again without a cursor",
            ));
        }
        let ranking = self.ranking(filter, fingerprint);
        if let Some(c) = cursor
            && c.0.most != ranking.most
        {
            return Err(Invalid::new(
                "sökresultatet har ändrats sedan förra sidan; börja om utan cursor",
                "the results have changed since the previous page; start again without a cursor",
            ));
        }
        let ranked = &ranking.keys;
        let start = match cursor {
            None => 0,
            Some(c) => {
                // The first name position after the cursor's unit; found even if it is gone.
                let boundary = self
                    .by_name
                    .partition_point(|&j| (&self.name_keys[j], self.units[j].id) <= (&c.0.name_key, c.0.id));
                let after = sort_key_of(c.0.score, 0) + boundary as u64;
                ranked.partition_point(|m| *m < after)
            }
        };
        let end = (start + limit).min(ranked.len());
        let page = &ranked[start..end];
        let next = match page.last() {
            Some(&m) if end < ranked.len() => {
                let unit = self.unit_of(m);
                Some(Cursor(CursorKey {
                    fingerprint,
                    score: u32::MAX - (m >> 32) as u32,
                    name_key: self.name_keys[unit].clone(),
                    id: self.units[unit].id,
                    most: ranking.most,
                }))
            }
            _ => None,
        };
        Ok(Page {
            units: page.iter().map(|m| &self.units[self.unit_of(*m)]).collect(),
            total: ranked.len(),
            start,
            next,
            ignored_words: if ranked.is_empty() {
                Vec::new()
            } else {
                ranking.ignored.clone()
            },
            address: ranking.address.clone(),
        })
    }

    fn unit_of(&self, sort_key: u64) -> usize {
        self.by_name[(sort_key & u64::from(u32::MAX)) as usize]
    }

    /// Every unit that matches, in result order: from the cache, or computed and cached.
    fn ranking(&self, filter: &UnitFilter, fingerprint: u64) -> Arc<Ranking> {
        let key = (fingerprint, filter.on);
        // A poisoned cache only means another request panicked while holding it; the map is
        // still a valid map.
        let cache = || {
            self.rankings
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        };
        if self.cache_rankings
            && let Some(hit) = cache().get(&key)
        {
            return Arc::clone(hit);
        }
        let address = self.address_of(filter);
        let (mut keys, ignored, most, by_address) = self.matching(filter, address.as_deref());
        keys.sort_unstable();
        let ranked = Arc::new(Ranking {
            keys: keys.into_boxed_slice(),
            ignored,
            most,
            address: address.filter(|_| by_address),
        });
        if self.cache_rankings {
            let mut cache = cache();
            if cache.len() >= RANKING_CACHE_ENTRIES {
                cache.clear();
            }
            cache.insert(key, Arc::clone(&ranked));
        }
        ranked
    }

    /// The sort keys of every unit that matches, unordered, and the query's words that
    /// matched no unit.
    /// Also: how many of the query's words each match has (0 for one word or none), and
    /// whether a unit was found by `address` (the units of the districts it names, hemtjänst,
    /// funktionsstöd and myndighet first, counted as matching every word).
    fn matching(
        &self,
        filter: &UnitFilter,
        address: Option<&StreetAnswer>,
    ) -> (Vec<u64>, Vec<String>, u32, bool) {
        let scored = filter
            .query
            .as_ref()
            .map(|q| self.search.scores(q, filter.include_internal));
        let (scores, masks) = match scored {
            Some(s) => (Some(s.scores), s.masks),
            None => (None, Vec::new()),
        };
        let scope = filter.organisation.as_deref().map(|o| self.organisation_scope(o));
        let area = filter
            .area
            .as_deref()
            .and_then(|a| self.area_pos.get(a))
            .map(|i| *i as u32);
        let districts: Vec<u32> = address
            .map(|a| a.districts().into_iter().map(|d| d as u32).collect())
            .unwrap_or_default();
        let every_word = filter
            .query
            .as_ref()
            .map_or(0, |q| (1u32 << q.words().len()).wrapping_sub(1) as u16);
        // With a house number the query is an address: its units come first. A street name
        // alone may also be part of a unit's name ("Södra Torget"): they come after the
        // units the words match (at most level with the weakest such match).
        let address_base = match address {
            Some(a) if a.number.is_some() => search::ADDRESS,
            _ => 0,
        };
        let mut by_address = false;
        let mut matches = Vec::with_capacity(self.facets.len());
        let mut kept_masks: Vec<u16> = Vec::new();
        for (i, facet) in self.facets.iter().enumerate() {
            let in_district =
                !districts.is_empty() && self.unit_areas[i].iter().any(|a| districts.contains(a));
            let score = match &scores {
                Some(s) if s[i] == 0 && !in_district => continue,
                Some(s) => s[i],
                None => 0,
            };
            let score = if in_district {
                // Hemtjänst, funktionsstöd, myndighet, the rest: 4, 3, 2, 1 above the base
                // (without a house number at most level with the weakest word match, 4).
                score.max(address_base + 4 - u32::from(facet.kind.address_rank()))
            } else {
                score
            };
            // Among equals the vårdcentral first: "herk" means Herkules vårdcentral more often
            // than its rehab (the vårdcentral is the way in the directory exists for). Doubled,
            // so that the point only breaks ties.
            let score = score * 2 + u32::from(score > 0 && facet.kind == UnitKind::Vardcentral);
            let active = facet.is_active_on(filter.on);
            let keep = (filter.kinds.is_empty() || filter.kinds.contains(&facet.kind))
                && area.is_none_or(|a| self.unit_areas[i].contains(&a))
                && scope
                    .as_ref()
                    .is_none_or(|s| s.get(facet.organisation as usize).copied().unwrap_or(false))
                && match filter.active {
                    ActiveFilter::Active => active,
                    ActiveFilter::Inactive => !active,
                    ActiveFilter::Any => true,
                }
                && filter
                    .review
                    .is_none_or(|r| crate::domain::review::status(facet.review_due, filter.on) == r);
            if keep {
                by_address |= in_district;
                matches.push(sort_key_of(score, self.name_rank[i]));
                if !masks.is_empty() {
                    kept_masks.push(if in_district { every_word } else { masks[i] });
                }
            }
        }
        if kept_masks.is_empty() {
            // One word, a number, or no query: every match matches all of it.
            return (matches, Vec::new(), 0, by_address);
        }
        // Several words: among the units the filter allows, those that match the most of
        // them; the words none of those matches are left out, and named.
        let most = kept_masks.iter().map(|m| m.count_ones()).max().unwrap_or(0);
        let kept: Vec<(u64, u16)> = matches
            .into_iter()
            .zip(kept_masks)
            .filter(|(_, m)| m.count_ones() == most)
            .collect();
        let covered = kept.iter().fold(0u16, |all, (_, m)| all | m);
        let mut ignored: Vec<String> = Vec::new();
        if covered != 0 {
            for (k, word) in filter.query.iter().flat_map(|q| q.words()).enumerate() {
                if covered & (1 << k) == 0 && !ignored.contains(word) {
                    ignored.push(word.clone());
                }
            }
        }
        (
            kept.into_iter().map(|(key, _)| key).collect(),
            ignored,
            most,
            by_address,
        )
    }

    /// Names close to a query that found nothing, for "did you mean": among the units the
    /// rest of the filter allows (kind, area, organisation, active).
    pub fn suggestions(&self, filter: &UnitFilter, max: usize) -> Vec<&Unit> {
        let Some(query) = &filter.query else {
            return Vec::new();
        };
        let without_text = UnitFilter {
            query: None,
            ..filter.clone()
        };
        let mut scored: Vec<(f64, u64)> = self
            .matching(&without_text, None)
            .0
            .into_iter()
            .map(|key| (self.search.similarity(query, self.unit_of(key)), key))
            .filter(|(similarity, _)| *similarity >= 0.6)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
            .into_iter()
            .take(max)
            .map(|(_, key)| &self.units[self.unit_of(key)])
            .collect()
    }
}

/// How many distinct searches' rankings a snapshot keeps (each at most 8 bytes per unit).
const RANKING_CACHE_ENTRIES: usize = 256;

/// One integer per match that sorts in result order: the score inverted in the high half
/// (best first), the Swedish name position in the low half (`by_name` maps it back to a unit).
fn sort_key_of(score: u32, name_rank: u32) -> u64 {
    (u64::from(u32::MAX - score) << 32) | u64::from(name_rank)
}

/// The current snapshot, shared by every worker. Readers take an `Arc` and never block
/// writers for longer than the pointer swap.
#[derive(Debug)]
pub struct DirectoryHandle {
    current: RwLock<Arc<Directory>>,
    cache_rankings: bool,
}

impl DirectoryHandle {
    /// `cache_rankings`: keep the full rankings of recent searches with each snapshot.
    pub fn new(directory: Directory, cache_rankings: bool) -> Self {
        Self {
            current: RwLock::new(Arc::new(Self::configure(directory, cache_rankings))),
            cache_rankings,
        }
    }

    fn configure(directory: Directory, cache_rankings: bool) -> Directory {
        if cache_rankings {
            directory
        } else {
            directory.without_ranking_cache()
        }
    }

    pub fn current(&self) -> Arc<Directory> {
        // A poisoned lock only means a writer panicked mid-swap; the Arc inside is still whole.
        match self.current.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    pub fn replace(&self, directory: Directory) {
        let fresh = Arc::new(Self::configure(directory, self.cache_rankings));
        match self.current.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
    }
}
