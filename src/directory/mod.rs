//! The directory as the read API serves it: an immutable in-memory snapshot of the database,
//! indexed for search, swapped whole when the data changes. Reads never wait for the database.

pub mod answers;
pub mod callnow;
mod reference;
pub mod search;
mod slots;
pub mod streets;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::repo::{Changes, Snapshot};
use crate::domain::text::sort_key;
use crate::domain::{Area, Invalid, Organisation, Unit, UnitKind};
use reference::Reference;
pub use search::Query;
use search::SearchIndex;
use slots::Slots;
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

/// A search's full result: the sort keys of every match, and the words it had to leave out.
#[derive(Debug)]
struct Ranking {
    keys: Mutex<Ordered>,
    /// How many units match.
    total: usize,
    ignored: Vec<String>,
    /// How many of the query's words each result matches (0: one word, or no query).
    most: u32,
    /// The street the query names: the units of its districts are in the results.
    address: Option<Arc<StreetAnswer>>,
}

/// The sort keys of a search's matches, put in order only as far as the pages asked for so far
/// need: the first page of a search that finds most of the directory costs a selection, not a
/// sort of every match; paging on sorts the next stretch, twice as long each time, so walking
/// every page still sorts each key about once.
#[derive(Debug)]
struct Ordered {
    /// `keys[..sorted]` are the `sorted` smallest, in order; the rest are larger, in no order.
    keys: Vec<u64>,
    sorted: usize,
}

impl Ordered {
    /// Puts at least the first `count` keys in order (all of them if there are fewer).
    fn order(&mut self, count: usize) {
        let len = self.keys.len();
        if count <= self.sorted || self.sorted == len {
            return;
        }
        let target = count.max(self.sorted * 2).max(64).min(len);
        let rest = &mut self.keys[self.sorted..];
        let take = target - self.sorted;
        if take < rest.len() {
            rest.select_nth_unstable(take);
        }
        rest[..take].sort_unstable();
        self.sorted = target;
    }
}

impl Ranking {
    /// The position of the first match after `after` (a sort key; from the first match
    /// without one) and up to `limit` matches from there.
    fn page(&self, after: Option<u64>, limit: usize) -> (usize, Vec<u64>) {
        // A poisoned lock means a panic mid-sort; the keys are all still there, and a sort
        // that stopped half-way leaves `sorted` as it was.
        let mut ordered = self.keys.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let start = match after {
            None => 0,
            Some(after) => {
                // Order until the keys before `after` are all in the ordered part.
                while ordered.sorted < ordered.keys.len()
                    && (ordered.sorted == 0 || ordered.keys[ordered.sorted - 1] < after)
                {
                    let more = ordered.sorted + 1;
                    ordered.order(more);
                }
                ordered.keys[..ordered.sorted].partition_point(|m| *m < after)
            }
        };
        ordered.order(start + limit);
        let end = (start + limit).min(ordered.sorted);
        (start, ordered.keys[start..end].to_vec())
    }
}

/// A unit a search considers: what its words scored, which of the query's words it matches
/// (a query of several words), whether it is in a district the query's address names.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    slot: u32,
    score: u32,
    mask: Option<u16>,
    in_district: bool,
}

/// The units a search considers, read where they are (a broad query finds most of the
/// directory: no list of them is made before the filter keeps some).
enum Candidates<'a> {
    /// Every unit: the slots below this.
    Every(u32),
    /// These units (an area's; none for an unknown area).
    Listed(Option<&'a imbl::OrdSet<u32>>),
    /// The units a query found, and those of the districts (sorted) its address names.
    Found {
        scored: search::Scored,
        districts: Vec<u32>,
    },
}

impl Candidates<'_> {
    /// How many there are at most.
    fn len(&self) -> usize {
        match self {
            Self::Every(n) => *n as usize,
            Self::Listed(units) => units.map_or(0, imbl::OrdSet::len),
            Self::Found { scored, districts } => scored.found() + districts.len(),
        }
    }

    fn for_each(self, mut visit: impl FnMut(Candidate)) {
        let plain = |slot| Candidate {
            slot,
            score: 0,
            mask: None,
            in_district: false,
        };
        match self {
            Self::Every(n) => (0..n).for_each(|slot| visit(plain(slot))),
            Self::Listed(units) => units.into_iter().flatten().for_each(|&slot| visit(plain(slot))),
            Self::Found { scored, districts } => {
                scored.for_each(|slot, score, mask| {
                    visit(Candidate {
                        slot,
                        score,
                        mask,
                        in_district: districts.binary_search(&slot).is_ok(),
                    });
                });
                for slot in districts {
                    if !scored.contains(slot) {
                        visit(Candidate {
                            slot,
                            score: 0,
                            mask: scored.masked().then_some(0),
                            in_district: true,
                        });
                    }
                }
            }
        }
    }
}

/// The numbers of a unit's areas.
fn area_numbers(unit: &Unit, reference: &Reference) -> Vec<u32> {
    unit.area_ids
        .iter()
        .filter_map(|a| reference.area_number.get(a).copied())
        .collect()
}

/// The numbers of a unit's areas, one list shared by every unit with the same areas (most
/// units of a region have one of a few sets: a list per unit took 40 MB at a million).
fn areas_of(unit: &Unit, reference: &Reference, shared: &mut foldhash::HashSet<Arc<[u32]>>) -> Arc<[u32]> {
    let numbers = area_numbers(unit, reference);
    match shared.get(numbers.as_slice()) {
        Some(list) => Arc::clone(list),
        None => {
            let list: Arc<[u32]> = Arc::from(numbers);
            shared.insert(Arc::clone(&list));
            list
        }
    }
}

/// Full rankings by filter fingerprint and day, with the bytes their keys take in all.
type RankingCache = Mutex<(HashMap<(u64, NaiveDate), Arc<Ranking>>, usize)>;

/// What the rarer filters (organisation, review) read of each unit, compact and contiguous
/// (the full `Unit` is large and scattered; reading 20,000 of them per search costs more than
/// the search itself). What every search reads is in [`Hot`].
#[derive(Debug, Clone)]
struct Facet {
    organisation: u32,
    review_due: NaiveDate,
}

impl Facet {
    fn of(unit: &Unit, reference: &Reference) -> Self {
        Self {
            // The database's foreign key guarantees the organisation is known.
            organisation: reference
                .organisation_number
                .get(&unit.organisation_id)
                .copied()
                .unwrap_or(u32::MAX),
            review_due: unit.review_due(),
        }
    }
}

/// What every search reads of each unit it considers, in 16 bytes, four to a cache line (at a
/// million units a broad query considers most of them, and reading their facets and labels
/// from two arrays of 24 and 8 bytes took most of its time): the unit's place in name order
/// (its label) and its kind in one integer, and the days it is active.
#[derive(Debug, Clone, Copy)]
struct Hot {
    /// The label in the low 44 bits ([`LABEL_END`]), the kind's index in the top byte.
    label_kind: u64,
    active_from: NaiveDate,
    /// The first day it is no longer active; [`NaiveDate::MAX`] when it has no end.
    active_to: NaiveDate,
}

impl Hot {
    fn new(label: u64, unit: &Unit) -> Self {
        let kind = UnitKind::ALL.iter().position(|k| *k == unit.kind).unwrap_or(0) as u64;
        Self {
            label_kind: label | (kind << 56),
            active_from: unit.active_from,
            active_to: unit.active_to.unwrap_or(NaiveDate::MAX),
        }
    }

    fn label(&self) -> u64 {
        self.label_kind & (LABEL_END - 1)
    }

    fn with_label(self, label: u64) -> Self {
        Self {
            label_kind: (self.label_kind & !(LABEL_END - 1)) | label,
            ..self
        }
    }

    fn kind(&self) -> UnitKind {
        UnitKind::ALL[(self.label_kind >> 56) as usize % UnitKind::ALL.len()]
    }

    fn is_active_on(&self, day: NaiveDate) -> bool {
        self.active_from <= day && day < self.active_to
    }
}

/// The directory as one snapshot. Cloning it is cheap (every part is shared), which is how
/// [`Directory::apply`] makes the next snapshot: it copies only what a change touches.
#[derive(Debug, Default)]
pub struct Directory {
    reference: Arc<reference::Reference>,
    /// By slot: a unit keeps its slot for good (units are never deleted).
    units: Slots<Arc<Unit>>,
    facets: Slots<Facet>,
    /// Area numbers of each unit.
    unit_areas: Slots<Arc<[u32]>>,
    /// By area number: the slots of its units (what `unit_areas` says, the other way round).
    area_units: Arc<Vec<imbl::OrdSet<u32>>>,
    /// Swedish sort key of each unit's name.
    name_keys: Slots<Arc<str>>,
    /// Each unit's place in (name key, id) order, as a number with gaps between neighbours,
    /// so ranking compares integers and a renamed or new unit takes a free number between
    /// its neighbours instead of moving every unit after it: kept in [`Hot`], with the rest
    /// of what every search reads of each unit.
    hot: Slots<Hot>,
    /// Numbers each unit had before, oldest first (also inside `search`).
    former: Slots<Option<Arc<[crate::domain::ReplacedNumber]>>>,
    unit_slot: slots::ShardedMap<Uuid, u32>,
    /// (name key, id) → slot, in name order.
    by_name: imbl::OrdMap<(Arc<str>, Uuid), u32>,
    /// Label → slot.
    by_label: imbl::OrdMap<u64, u32>,
    /// Room between the labels when they were last given, for a unit added after the last.
    label_gap: u64,
    /// Contact point id → slot of its unit.
    point_owner: slots::ShardedMap<Uuid, u32>,
    /// Full rankings of recent searches, valid for this snapshot (it never changes).
    rankings: RankingCache,
    cache_rankings: bool,
    /// The bytes of recent answers made from this snapshot (kept when rankings are).
    answers: answers::Answers,
    /// Built-in accounts: user name → (version, disabled).
    accounts: Arc<HashMap<String, (i64, bool)>>,
    /// How many audit events the snapshot includes.
    event_count: i64,
    /// The newest audit event it includes.
    last_event_id: i64,
    search: SearchIndex,
    /// The search vocabulary (also inside `search`, folded), as stored.
    vocabulary: Arc<Vec<crate::domain::vocabulary::Synonym>>,
    /// Which directory read whole this one descends from (by applying changes).
    lineage: u64,
    /// How many times an organisation's names changed since (what its units are indexed with).
    renames: u64,
}

/// Numbers the directories read whole.
static LINEAGES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Labels are below this: the low bits of a ranking key (the score takes the high ones).
const LABEL_END: u64 = 1 << 44;
/// Scores are below this.
const SCORE_END: u32 = 1 << 20;
/// The least room between two labels a relabelled window leaves.
const MIN_SPACING: u64 = 1 << 10;

impl Directory {
    pub fn build(snapshot: Snapshot) -> Self {
        let Snapshot {
            organisations,
            areas,
            units,
            accounts,
            event_count,
            vocabulary,
            replaced,
            last_event_id,
        } = snapshot;
        let mut former: HashMap<Uuid, Vec<crate::domain::ReplacedNumber>> = HashMap::new();
        for r in replaced {
            former.entry(r.unit_id).or_default().push(r);
        }
        let mut directory = Self {
            reference: Arc::new(reference::Reference::build(organisations, areas)),
            accounts: Arc::new(
                accounts
                    .into_iter()
                    .map(|(name, version, disabled)| (name, (version, disabled)))
                    .collect(),
            ),
            event_count,
            last_event_id,
            vocabulary: Arc::new(vocabulary),
            cache_rankings: true,
            answers: answers::Answers::new(true),
            lineage: LINEAGES.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            ..Self::default()
        };
        directory.former = units
            .iter()
            .map(|u| former.remove(&u.id).map(Arc::from))
            .collect();
        directory.units = units.into_iter().map(Arc::new).collect();
        // The search index on a second thread while this one builds the rest: they read the
        // same units and write different parts.
        let (search, rest) = std::thread::scope(|scope| {
            let indexing = scope.spawn(|| SearchIndex::build(directory.indexed_all(), &directory.vocabulary));
            let rest = directory.per_unit_parts();
            (indexing.join(), rest)
        });
        let search = match search {
            Ok(search) => search,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        (
            directory.facets,
            directory.unit_areas,
            directory.name_keys,
            directory.unit_slot,
            directory.point_owner,
            directory.by_name,
        ) = rest;
        directory.search = search;
        let mut area_units: Vec<Vec<u32>> = vec![Vec::new(); directory.reference.areas.len()];
        for (slot, areas) in directory.unit_areas.iter().enumerate() {
            for &a in areas.iter() {
                area_units[a as usize].push(slot as u32);
            }
        }
        directory.area_units = Arc::new(area_units.into_iter().map(imbl::OrdSet::from_iter).collect());
        directory.label_afresh();
        directory
    }

    /// What [`Directory::build`] makes per unit besides the search index.
    #[allow(clippy::type_complexity)]
    fn per_unit_parts(
        &self,
    ) -> (
        Slots<Facet>,
        Slots<Arc<[u32]>>,
        Slots<Arc<str>>,
        slots::ShardedMap<Uuid, u32>,
        slots::ShardedMap<Uuid, u32>,
        imbl::OrdMap<(Arc<str>, Uuid), u32>,
    ) {
        let reference = &*self.reference;
        let name_keys: Slots<Arc<str>> = self.units.iter().map(|u| Arc::from(sort_key(&u.name))).collect();
        let by_name = self
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| ((Arc::clone(&name_keys[i]), u.id), i as u32))
            .collect();
        (
            self.units.iter().map(|u| Facet::of(u, reference)).collect(),
            {
                let mut shared = foldhash::HashSet::default();
                self.units
                    .iter()
                    .map(|u| areas_of(u, reference, &mut shared))
                    .collect()
            },
            name_keys,
            self.units
                .iter()
                .enumerate()
                .map(|(i, u)| (u.id, i as u32))
                .collect(),
            self.units
                .iter()
                .enumerate()
                .flat_map(|(i, u)| u.contact_points.iter().map(move |c| (c.id, i as u32)))
                .collect(),
            by_name,
        )
    }

    /// Every unit as the search index takes it.
    fn indexed_all(&self) -> impl Iterator<Item = search::Indexed<'_>> + Clone {
        (0..self.units.len() as u32).map(|slot| self.indexed(slot))
    }

    fn indexed(&self, slot: u32) -> search::Indexed<'_> {
        let unit = &*self.units[slot as usize];
        (
            slot,
            unit,
            self.reference.organisation(&unit.organisation_id),
            self.former[slot as usize].as_deref().unwrap_or_default(),
        )
    }

    /// Gives every unit a label again, evenly spaced in name order, with as much room again
    /// after the last for units added at the end.
    fn label_afresh(&mut self) {
        let gap = (LABEL_END / (2 * self.units.len() as u64 + 2)).max(1);
        let mut labels = vec![0u64; self.units.len()];
        let mut by_label = imbl::OrdMap::new();
        for (rank, (_, &slot)) in self.by_name.iter().enumerate() {
            let label = (rank as u64 + 1) * gap;
            labels[slot as usize] = label;
            by_label.insert(label, slot);
        }
        self.hot = self
            .units
            .iter()
            .zip(labels)
            .map(|(unit, label)| Hot::new(label, unit))
            .collect();
        self.by_label = by_label;
        self.label_gap = gap;
    }

    /// The next snapshot: this one with `changes` (read from the database after the events
    /// this one includes) applied. Shares everything the changes do not touch; the work is
    /// proportional to the change, not to the directory.
    pub fn apply(&self, changes: Changes) -> Self {
        let mut next = self.clone_shared();
        next.event_count += changes.events;
        next.last_event_id = changes.last_event_id;
        if let Some(accounts) = changes.accounts {
            next.accounts = Arc::new(
                accounts
                    .into_iter()
                    .map(|(name, version, disabled)| (name, (version, disabled)))
                    .collect(),
            );
        }
        if let Some(vocabulary) = changes.vocabulary {
            next.search = next.search.with_vocabulary(&vocabulary);
            next.vocabulary = Arc::new(vocabulary);
        }
        let mut reindex: Vec<u32> = Vec::new();
        if !changes.organisations.is_empty() || !changes.areas.is_empty() {
            next.reference = Arc::new(self.reference.with(&changes.organisations, &changes.areas));
            // An organisation's names are indexed into each of its units.
            let renamed: Vec<u32> = changes
                .organisations
                .iter()
                .filter(|o| {
                    self.reference
                        .organisation(&o.id)
                        .is_some_and(|was| (&was.name, &was.short_name) != (&o.name, &o.short_name))
                })
                .filter_map(|o| next.reference.organisation_number.get(&o.id).copied())
                .collect();
            if !renamed.is_empty() {
                next.renames += 1;
                reindex.extend(
                    next.facets
                        .iter()
                        .enumerate()
                        .filter(|(_, f)| renamed.contains(&f.organisation))
                        .map(|(i, _)| i as u32),
                );
            }
        }
        let mut former: HashMap<Uuid, Vec<crate::domain::ReplacedNumber>> = HashMap::new();
        for r in changes.replaced {
            former.entry(r.unit_id).or_default().push(r);
        }
        for unit in changes.units {
            let numbers = former.remove(&unit.id).map(Arc::from);
            reindex.push(next.put(unit, numbers));
        }
        reindex.sort_unstable();
        reindex.dedup();
        if !reindex.is_empty() {
            let search = next.search.with_changes(&reindex, |slot| next.indexed(slot));
            next.search = search;
        }
        next
    }

    /// Whether so many units changed since the search index was built whole that it should
    /// be built whole again ([`Directory::build_search_base`], in the background).
    pub fn wants_search_merge(&self) -> bool {
        self.search.wants_merge()
    }

    /// The search index built whole from this snapshot: slow (every unit), so it runs beside
    /// the writes, and [`Directory::with_search_base`] puts it in a later snapshot.
    pub fn build_search_base(&self) -> search::Base {
        self.search.build_base(self.indexed_all())
    }

    /// This snapshot with `base`, built whole from the earlier snapshot `from`, as its search
    /// index's large part; the units changed since `from` stay in the small part. `None` when
    /// `from` is not an ancestor of this snapshot (the directory was read whole since).
    pub fn with_search_base(&self, from: &Directory, base: search::Base) -> Option<Self> {
        if from.lineage != self.lineage {
            return None;
        }
        // A unit is as `from` has it when its value is the same allocation: every change
        // puts a new one. A renamed organisation changed what its units are indexed with, so
        // after a rename every changed unit stays changed.
        let renamed = self.renames != from.renames;
        let stale = |slot: u32| {
            let slot = slot as usize;
            renamed || slot >= from.units.len() || !Arc::ptr_eq(&self.units[slot], &from.units[slot])
        };
        let mut next = self.clone_shared();
        next.search = self.search.with_base(base, stale, |slot| self.indexed(slot));
        Some(next)
    }

    /// A copy that shares every part (and starts with an empty ranking cache).
    fn clone_shared(&self) -> Self {
        Self {
            reference: Arc::clone(&self.reference),
            units: self.units.clone(),
            facets: self.facets.clone(),
            unit_areas: self.unit_areas.clone(),
            area_units: Arc::clone(&self.area_units),
            name_keys: self.name_keys.clone(),
            hot: self.hot.clone(),
            former: self.former.clone(),
            unit_slot: self.unit_slot.clone(),
            by_name: self.by_name.clone(),
            by_label: self.by_label.clone(),
            label_gap: self.label_gap,
            point_owner: self.point_owner.clone(),
            rankings: RankingCache::default(),
            cache_rankings: self.cache_rankings,
            answers: answers::Answers::new(self.cache_rankings),
            accounts: Arc::clone(&self.accounts),
            event_count: self.event_count,
            last_event_id: self.last_event_id,
            search: self.search.clone(),
            vocabulary: Arc::clone(&self.vocabulary),
            lineage: self.lineage,
            renames: self.renames,
        }
    }

    /// Puts `unit` in its slot (a new one at the end if it is new); returns the slot.
    fn put(&mut self, unit: Unit, former: Option<Arc<[crate::domain::ReplacedNumber]>>) -> u32 {
        let name_key: Arc<str> = Arc::from(sort_key(&unit.name));
        let facet = Facet::of(&unit, &self.reference);
        let numbers = area_numbers(&unit, &self.reference);
        let (slot, old_key, old_areas) = match self.unit_slot.get(&unit.id) {
            Some(&slot) => {
                let old = Arc::clone(&self.units[slot as usize]);
                for c in &old.contact_points {
                    self.point_owner.remove(&c.id);
                }
                let key = (Arc::clone(&self.name_keys[slot as usize]), old.id);
                (slot, Some(key), Arc::clone(&self.unit_areas[slot as usize]))
            }
            None => (self.units.len() as u32, None, Arc::from([])),
        };
        // The list it had, while its areas are the same (still shared with its neighbours).
        let areas: Arc<[u32]> = if *old_areas == *numbers {
            Arc::clone(&old_areas)
        } else {
            Arc::from(numbers)
        };
        if !Arc::ptr_eq(&old_areas, &areas) {
            let sets = Arc::make_mut(&mut self.area_units);
            for a in old_areas.iter().filter(|a| !areas.contains(a)) {
                if let Some(set) = sets.get_mut(*a as usize) {
                    set.remove(&slot);
                }
            }
            for &a in areas.iter().filter(|a| !old_areas.contains(a)) {
                if sets.len() <= a as usize {
                    sets.resize(a as usize + 1, imbl::OrdSet::new());
                }
                sets[a as usize].insert(slot);
            }
        }
        for c in &unit.contact_points {
            self.point_owner.insert(c.id, slot);
        }
        let key = (Arc::clone(&name_key), unit.id);
        let moved = old_key.as_ref().is_none_or(|old| old.0 != key.0);
        if (slot as usize) < self.units.len() {
            self.hot.set(slot as usize, Hot::new(self.label_of(slot), &unit));
            self.units.set(slot as usize, Arc::new(unit));
            self.facets.set(slot as usize, facet);
            self.unit_areas.set(slot as usize, areas);
            self.former.set(slot as usize, former);
        } else {
            self.unit_slot.insert(unit.id, slot);
            self.hot.push(Hot::new(0, &unit));
            self.units.push(Arc::new(unit));
            self.facets.push(facet);
            self.unit_areas.push(areas);
            self.former.push(former);
            self.name_keys.push(Arc::clone(&name_key));
        }
        if moved {
            if let Some(old) = &old_key {
                self.by_name.remove(old);
                self.by_label.remove(&self.label_of(slot));
            }
            self.name_keys.set(slot as usize, name_key);
            self.by_name.insert(key.clone(), slot);
            self.label(slot, &key);
        }
        slot
    }

    /// The label of the unit at `slot` (see `hot`).
    fn label_of(&self, slot: u32) -> u64 {
        self.hot[slot as usize].label()
    }

    fn set_label(&mut self, slot: u32, label: u64) {
        let hot = self.hot[slot as usize].with_label(label);
        self.hot.set(slot as usize, hot);
    }

    /// Gives the unit at `slot` (already in `by_name` under `key`) a label between its
    /// neighbours'. When they leave no room, spreads the labels of a window of neighbours
    /// around it evenly over the room they and their outer neighbours leave, the window
    /// doubling until the room is enough (an order-maintenance list: units added one after
    /// another at one place, "Hemtjänst Norr 1", "2", "3" …, relabel a few neighbours each time,
    /// not the whole directory).
    fn label(&mut self, slot: u32, key: &(Arc<str>, Uuid)) {
        use std::ops::Bound::{Excluded, Unbounded};
        let before = self
            .by_name
            .range((Unbounded, Excluded(key)))
            .next_back()
            .map_or(0, |(_, s)| self.label_of(*s));
        let after = self
            .by_name
            .range((Excluded(key), Unbounded))
            .next()
            .map(|(_, s)| self.label_of(*s));
        let label = match after {
            Some(after) => before + (after - before) / 2,
            None => before + self.label_gap.min((LABEL_END - 1 - before) / 2),
        };
        if label > before && Some(label) != after && label < LABEL_END - 1 {
            self.set_label(slot, label);
            self.by_label.insert(label, slot);
            return;
        }
        let mut k = 8;
        loop {
            // k units each side, and the one beyond them whose label bounds the room.
            let mut left: Vec<u32> = self
                .by_name
                .range((Unbounded, Excluded(key)))
                .rev()
                .take(k + 1)
                .map(|(_, s)| *s)
                .collect();
            let mut right: Vec<u32> = self
                .by_name
                .range((Excluded(key), Unbounded))
                .take(k + 1)
                .map(|(_, s)| *s)
                .collect();
            let low = if left.len() > k {
                left.pop().map_or(0, |s| self.label_of(s))
            } else {
                0
            };
            let high = if right.len() > k {
                right.pop().map_or(LABEL_END - 1, |s| self.label_of(s))
            } else {
                LABEL_END - 1
            };
            let window: Vec<u32> = left.iter().rev().copied().chain([slot]).chain(right).collect();
            let spacing = (high - low) / (window.len() as u64 + 1);
            if spacing >= MIN_SPACING || (low == 0 && high == LABEL_END - 1) {
                if spacing < 2 {
                    self.label_afresh();
                    return;
                }
                for &s in &window {
                    if s != slot {
                        self.by_label.remove(&self.label_of(s));
                    }
                }
                for (i, &s) in window.iter().enumerate() {
                    let label = low + (i as u64 + 1) * spacing;
                    self.set_label(s, label);
                    self.by_label.insert(label, s);
                }
                return;
            }
            k *= 2;
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
        self.former[*self.unit_slot.get(&unit.id)? as usize]
            .as_deref()?
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
        self.reference
            .streets
            .find(&crate::domain::streets::TypedAddress::parse(raw)?)
    }

    /// Street names close to `raw`, for "did you mean".
    pub fn similar_streets(&self, raw: &str, max: usize) -> Vec<&str> {
        self.reference.streets.similar(raw, max)
    }

    /// The area at a position that the street table gave.
    pub fn area_at(&self, position: usize) -> &Area {
        &self.reference.areas[position]
    }

    /// The active units of an area: hemtjänst, funktionsstöd and myndighet first (what an
    /// address asks for), then the other kinds organised by area, each by name.
    pub fn units_in_area(&self, area: &str, day: NaiveDate) -> Vec<&Unit> {
        let Some(&number) = self.reference.area_number.get(area) else {
            return Vec::new();
        };
        let mut found: Vec<&Unit> = self
            .area_units
            .get(number as usize)
            .into_iter()
            .flatten()
            .filter(|&&slot| self.hot[slot as usize].is_active_on(day))
            .map(|&slot| &*self.units[slot as usize])
            .collect();
        found.sort_by_key(|u| (u.kind.address_rank(), u.kind.label_sv(), sort_key(&u.name)));
        found
    }

    /// The district of `answer` that `unit` serves, if any: the unit was found by address.
    pub fn serves<'a>(&'a self, answer: &StreetAnswer, unit: &Unit) -> Option<&'a Area> {
        answer
            .districts()
            .into_iter()
            .map(|d| &self.reference.areas[d])
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
        let answer = self.reference.streets.find(&typed)?;
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
        self.units().filter(|u| !u.preschools.is_empty())
    }

    /// How many audit events the snapshot includes.
    pub fn event_count(&self) -> i64 {
        self.event_count
    }

    /// A built-in account's version and whether it is disabled.
    pub fn account(&self, username: &str) -> Option<(i64, bool)> {
        self.accounts.get(username).copied()
    }

    /// Builds the whole search index again once more than `changes` units changed since it
    /// was built (instead of the default); for tests of that path.
    pub fn merging_search_at(mut self, changes: usize) -> Self {
        self.search = self.search.merging_at(changes);
        self
    }

    /// The bytes of an answer made from this snapshot: kept from before, or made by `make`
    /// now (see [`answers`]).
    pub fn answer<E>(
        &self,
        read: answers::Read,
        params: &str,
        internal: bool,
        moment: answers::Moment,
        make: impl FnOnce() -> Result<bytes::Bytes, E>,
    ) -> Result<bytes::Bytes, E> {
        self.answers.get_or_make(read, params, internal, moment, make)
    }

    /// Turns the ranking cache and the ready-made answers off (to measure the uncached path).
    pub fn without_ranking_cache(mut self) -> Self {
        self.cache_rankings = false;
        self.answers = answers::Answers::new(false);
        self
    }

    /// In name order.
    pub fn organisations(&self) -> impl ExactSizeIterator<Item = &Organisation> + Clone {
        let r = &*self.reference;
        r.organisation_order.iter().map(|n| &r.organisations[*n as usize])
    }

    pub fn organisation(&self, id: &str) -> Option<&Organisation> {
        self.reference.organisation(id)
    }

    /// In (kind, name) order.
    pub fn areas(&self) -> impl ExactSizeIterator<Item = &Area> + Clone {
        let r = &*self.reference;
        r.area_order.iter().map(|n| &r.areas[*n as usize])
    }

    pub fn area(&self, id: &str) -> Option<&Area> {
        self.reference.area(id)
    }

    pub fn unit(&self, id: Uuid) -> Option<&Unit> {
        self.unit_slot.get(&id).map(|i| &*self.units[*i as usize])
    }

    /// Every unit, in no particular order.
    pub fn units(&self) -> impl Iterator<Item = &Unit> + Clone {
        self.units.iter().map(|u| &**u)
    }

    /// The newest audit event the snapshot includes.
    pub fn last_event_id(&self) -> i64 {
        self.last_event_id
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
            .zip(&self.reference.organisations)
            .filter(|(inside, _)| **inside)
            .map(|(_, o)| o.id.clone())
            .collect()
    }

    /// The organisation and all organisations under it, as a membership table by position.
    fn organisation_scope(&self, id: &str) -> Vec<bool> {
        let r = &*self.reference;
        let mut scope = vec![false; r.organisations.len()];
        let mut stack: Vec<u32> = r.organisation_number.get(id).copied().into_iter().collect();
        while let Some(current) = stack.pop() {
            if !scope[current as usize] {
                scope[current as usize] = true;
                stack.extend(&r.children[current as usize]);
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
        // After the cursor: before the first unit after the cursor's in name order (its
        // label; found even if the cursor's unit is gone).
        let after = cursor.map(|c| {
            let key = (Arc::<str>::from(c.0.name_key.as_str()), c.0.id);
            let boundary = self
                .by_name
                .range((std::ops::Bound::Excluded(&key), std::ops::Bound::Unbounded))
                .next()
                .map_or(LABEL_END - 1, |(_, slot)| self.label_of(*slot));
            sort_key_of(c.0.score, boundary)
        });
        let (start, page) = ranking.page(after, limit);
        let total = ranking.total;
        let end = start + page.len();
        let next = match page.last() {
            Some(&m) if end < total => {
                let unit = self.unit_of(m);
                Some(Cursor(CursorKey {
                    fingerprint,
                    score: score_of(m),
                    name_key: self.name_keys[unit].to_string(),
                    id: self.units[unit].id,
                    most: ranking.most,
                }))
            }
            _ => None,
        };
        Ok(Page {
            units: page.iter().map(|m| &*self.units[self.unit_of(*m)]).collect(),
            total,
            start,
            next,
            ignored_words: if total == 0 {
                Vec::new()
            } else {
                ranking.ignored.clone()
            },
            address: ranking.address.clone(),
        })
    }

    fn unit_of(&self, sort_key: u64) -> usize {
        let slot = self.by_label.get(&(sort_key % LABEL_END));
        debug_assert!(slot.is_some(), "every ranking key's label names a unit");
        slot.map_or(0, |slot| *slot as usize)
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
            && let Some(hit) = cache().0.get(&key)
        {
            return Arc::clone(hit);
        }
        let address = self.address_of(filter);
        let (keys, ignored, most, by_address) = self.matching(filter, address.as_deref());
        let ranked = Arc::new(Ranking {
            total: keys.len(),
            keys: Mutex::new(Ordered { keys, sorted: 0 }),
            ignored,
            most,
            address: address.filter(|_| by_address),
        });
        if self.cache_rankings {
            let mut cache = cache();
            let (map, bytes) = &mut *cache;
            let size = ranked.total * std::mem::size_of::<u64>();
            if map.len() >= RANKING_CACHE_ENTRIES || *bytes + size > RANKING_CACHE_BYTES {
                map.clear();
                *bytes = 0;
            }
            if size <= RANKING_CACHE_BYTES && map.insert(key, Arc::clone(&ranked)).is_none() {
                *bytes += size;
            }
        }
        ranked
    }

    /// The units a filter's query finds (each with its score, and with the words it matches
    /// when the query has several), and the units of the districts `address` names; every
    /// unit when there is no query. Only these are checked against the rest of the filter, so
    /// a search costs what its words find, not the whole directory.
    fn candidates(&self, filter: &UnitFilter, address: Option<&StreetAnswer>) -> Candidates<'_> {
        let Some(query) = &filter.query else {
            // An area's units are listed by the area's index, without the rest.
            if let Some(area) = filter.area.as_deref() {
                let units = self
                    .reference
                    .area_number
                    .get(area)
                    .and_then(|&a| self.area_units.get(a as usize));
                return Candidates::Listed(units);
            }
            return Candidates::Every(self.units.len() as u32);
        };
        let mut districts: Vec<u32> = address
            .map(|address| {
                address
                    .districts()
                    .into_iter()
                    .filter_map(|d| self.area_units.get(d))
                    .flat_map(|units| units.iter().copied())
                    .collect()
            })
            .unwrap_or_default();
        districts.sort_unstable();
        districts.dedup();
        Candidates::Found {
            scored: self.search.scores(query, filter.include_internal),
            districts,
        }
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
        let scope = filter.organisation.as_deref().map(|o| self.organisation_scope(o));
        let area = filter
            .area
            .as_deref()
            .and_then(|a| self.reference.area_number.get(a))
            .copied();
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
        let candidates = self.candidates(filter, address);
        let mut matches = Vec::with_capacity(candidates.len());
        let mut kept_masks: Vec<u16> = Vec::new();
        candidates.for_each(|candidate| {
            let Candidate {
                slot,
                score,
                mask,
                in_district,
            } = candidate;
            let i = slot as usize;
            let hot = self.hot[i];
            let kind = hot.kind();
            let score = if in_district {
                // Hemtjänst, funktionsstöd, myndighet, the rest: 4, 3, 2, 1 above the base
                // (without a house number at most level with the weakest word match, 4).
                score.max(address_base + 4 - u32::from(kind.address_rank()))
            } else {
                score
            };
            // Among equals the vårdcentral first: "herk" means Herkules vårdcentral more often
            // than its rehab (the vårdcentral is the way in the directory exists for). Doubled,
            // so that the point only breaks ties.
            let score = score * 2 + u32::from(score > 0 && kind == UnitKind::Vardcentral);
            let active = hot.is_active_on(filter.on);
            // The organisation and review day only when the filter asks (another array).
            let keep = (filter.kinds.is_empty() || filter.kinds.contains(&kind))
                && match filter.active {
                    ActiveFilter::Active => active,
                    ActiveFilter::Inactive => !active,
                    ActiveFilter::Any => true,
                }
                && area.is_none_or(|a| self.unit_areas[i].contains(&a))
                && scope.as_ref().is_none_or(|s| {
                    s.get(self.facets[i].organisation as usize)
                        .copied()
                        .unwrap_or(false)
                })
                && filter
                    .review
                    .is_none_or(|r| crate::domain::review::status(self.facets[i].review_due, filter.on) == r);
            if keep {
                by_address |= in_district;
                matches.push(sort_key_of(score, hot.label()));
                if let Some(mask) = mask {
                    kept_masks.push(if in_district { every_word } else { mask });
                }
            }
        });
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
            .map(|(_, key)| &*self.units[self.unit_of(key)])
            .collect()
    }
}

/// How many distinct searches' rankings a snapshot keeps (each at most 8 bytes per unit).
const RANKING_CACHE_ENTRIES: usize = 256;
/// And at most this many bytes of ranking keys: at a million units one broad search's
/// ranking takes megabytes, and 256 of them would take gigabytes.
const RANKING_CACHE_BYTES: usize = 32 << 20;

/// One integer per match that sorts in result order: the score inverted in the high bits
/// (best first), the unit's name label in the low ones (`by_label` maps it back to a unit).
fn sort_key_of(score: u32, label: u64) -> u64 {
    (u64::from(SCORE_END - 1 - score.min(SCORE_END - 1)) << 44) | label
}

/// The score a ranking key was made with.
fn score_of(key: u64) -> u32 {
    SCORE_END - 1 - (key >> 44) as u32
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
