//! Forgiving free-text search over unit names, the way staff type.
//!
//! Text is folded (case, accents) on both sides. Each query word must match some word of a
//! unit: exactly, as a prefix ("herk" → Herkules), as a Swedish inflection ("vårdcentralen" →
//! vårdcentral), inside a compound ("central" → vårdcentral), or with one typo ("Brämhlut" →
//! Brämhults, an optimal-string-alignment distance of one). Name words weigh more than the
//! kind, organisation and address words. The whole name typed exactly ranks first. A query that
//! looks like a phone number finds the unit that has that number.

use foldhash::HashMap;
use std::sync::Arc;

use super::slots::Slots;
use crate::domain::text::{fold, words as words_of};
use crate::domain::vocabulary::Synonym;
use crate::domain::{Invalid, Organisation, PhoneNumber, ReplacedNumber, Unit, Visibility};

/// Longest accepted query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most words in one query.
const MAX_QUERY_WORDS: usize = 12;

/// Score for typing the whole name exactly.
const EXACT_NAME: u32 = 10_000;
/// Score for typing the beginning of the name.
const NAME_PREFIX: u32 = 2_000;
/// Score for a matching phone number.
const PHONE_MATCH: u32 = 20_000;
/// Score for a number the unit had before (the query names no current number).
const PHONE_REPLACED: u32 = 18_000;
/// Score for a number that ends with the digits typed (at least [`MIN_PARTIAL_DIGITS`]).
const PHONE_SUFFIX: u32 = 15_000;
/// Score for a unit of the district that serves the address a query names (a street and a
/// house number; plus 4, 3, 2 for hemtjänst, funktionsstöd, myndighet, 1 for the rest): above
/// any words, below the whole name typed.
pub const ADDRESS: u32 = 5_000;
/// Fewest digits a partial number needs: fewer would match too many numbers.
const MIN_PARTIAL_DIGITS: usize = 6;

/// A parsed search query.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Query {
    folded: String,
    tokens: Vec<String>,
    phone: Option<String>,
    /// The digits of a query that looks like (part of) a phone number: "390 06 27" →
    /// `3900627`, matched as the end of a stored number.
    digits: Option<String>,
    /// The query is digits (and phone punctuation) only: a number, not words.
    phone_like: bool,
}

impl Query {
    /// `Ok(None)` for a query with nothing to search for (empty, only punctuation).
    pub fn parse(raw: &str) -> Result<Option<Self>, Invalid> {
        if raw.chars().count() > MAX_QUERY_CHARS {
            return Err(Invalid::new(
                format!("sökfrågan är längre än {MAX_QUERY_CHARS} tecken"),
                format!("the query is longer than {MAX_QUERY_CHARS} characters"),
            ));
        }
        let folded = fold(raw);
        let tokens: Vec<String> = words_of(&folded).map(str::to_owned).collect();
        if tokens.is_empty() {
            return Ok(None);
        }
        if tokens.len() > MAX_QUERY_WORDS {
            // Words are what folding leaves, which the document's pattern cannot count.
            return Err(Invalid::rule(
                format!("sökfrågan har fler än {MAX_QUERY_WORDS} ord"),
                format!("the query has more than {MAX_QUERY_WORDS} words"),
            ));
        }
        let looks_like_phone = raw.chars().filter(char::is_ascii_digit).count() >= 6
            && raw.chars().all(|c| c.is_ascii_digit() || " -+()/.".contains(c));
        let phone = looks_like_phone
            .then(|| PhoneNumber::parse(raw).ok())
            .flatten()
            .map(|n| n.e164().to_owned());
        let digits = looks_like_phone
            .then(|| raw.chars().filter(char::is_ascii_digit).collect::<String>())
            // A national number typed in part ("031-390 06 2") is no suffix; drop the trunk 0
            // so "0313900627" still ends "+46313900627".
            .map(|d| d.strip_prefix('0').map_or(d.clone(), str::to_owned))
            .filter(|d| d.len() >= MIN_PARTIAL_DIGITS);
        Ok(Some(Self {
            folded,
            tokens,
            phone,
            digits,
            phone_like: looks_like_phone,
        }))
    }

    /// The folded query, e.g. for a fingerprint.
    pub fn folded(&self) -> &str {
        &self.folded
    }

    /// The number typed, in E.164, when the query is a whole number.
    pub fn phone(&self) -> Option<&str> {
        self.phone.as_deref()
    }

    /// The digits of a partial number (trunk 0 dropped), matched as the end of a number.
    pub fn digits(&self) -> Option<&str> {
        self.digits.as_deref()
    }

    /// A number (digits and phone punctuation only), not words.
    pub fn is_number(&self) -> bool {
        self.phone_like
    }

    /// The folded words, in order (bit `k` of the masks [`Scored::for_each`] gives is word `k`).
    pub fn words(&self) -> &[String] {
        &self.tokens
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    Other,
}

/// The first two characters, `'\0'` where the word is shorter.
fn head(word: &str) -> [char; 2] {
    let mut chars = word.chars();
    [chars.next().unwrap_or('\0'), chars.next().unwrap_or('\0')]
}

/// Separates the words in [`Vocabulary::text`]; never part of a folded word.
const SEPARATOR: char = ' ';

/// The distinct words of the index, sorted, stored for cache-friendly scans: all words in one
/// string, with their first characters and lengths in flat arrays (the typo check reads word
/// bytes only for plausible candidates). A query word is looked for only where it can match:
/// exact and prefix matches are one range of the sorted words; inside a compound, only among
/// the words with as many non-digits in a row (one SIMD substring search); with one typo, only
/// among the words that begin with one of its first two characters or have one of them second.
/// (At a million units most words are numbers: a unit's HSA id, a house number. A word of
/// letters never matches inside them, and they took most of a search's time.)
#[derive(Debug, Default)]
struct Vocabulary {
    /// `" word0 word1 word2 "`.
    text: String,
    /// Byte offset of each word in `text`.
    starts: Vec<u32>,
    chars: Vec<u16>,
    /// The first two characters of each word; sorted by the first, as the words are.
    heads: Vec<[char; 2]>,
    /// The words whose second character is no digit, by their second character (then in word
    /// order): a typo check's candidates with a given second character are one range.
    by_second: Vec<u32>,
    /// `" word word "`: the words with at least [`INNER_MIN`] non-digits in a row, the only
    /// ones a query word without digits can be found inside; `inner_ids[k]` is the `k`th's
    /// index, `inner_starts[k]` its offset in `inner`.
    inner: String,
    inner_starts: Vec<u32>,
    inner_ids: Vec<u32>,
    /// The units (and field) each word occurs in, word after word: word `i`'s are
    /// `postings[posting_starts[i]..posting_starts[i + 1]]` (one array, not one per word: at
    /// a million units most words are a unit's own number, and a list each cost 60 bytes).
    postings: Vec<(u32, Field)>,
    posting_starts: Vec<u32>,
}

/// Shortest query word looked for inside longer words ("central" → vårdcentral).
const INNER_MIN: usize = 4;

/// Whether `word` has `n` characters in a row that are not digits.
fn has_non_digit_run(word: &str, n: usize) -> bool {
    let mut run = 0;
    for c in word.chars() {
        run = if c.is_ascii_digit() { 0 } else { run + 1 };
        if run >= n {
            return true;
        }
    }
    false
}

impl Vocabulary {
    fn build(words: HashMap<String, Vec<(u32, Field)>>) -> Self {
        let mut sorted: Vec<(String, Vec<(u32, Field)>)> = words.into_iter().collect();
        sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut v = Self {
            text: String::from(SEPARATOR),
            posting_starts: vec![0],
            ..Self::default()
        };
        v.postings
            .reserve_exact(sorted.iter().map(|(_, p)| p.len()).sum());
        v.inner.push(SEPARATOR);
        for (word, postings) in sorted {
            let index = v.starts.len() as u32;
            v.starts.push(v.text.len() as u32);
            v.text.push_str(&word);
            v.text.push(SEPARATOR);
            v.chars.push(word.chars().count().min(u16::MAX as usize) as u16);
            v.heads.push(head(&word));
            if has_non_digit_run(&word, INNER_MIN) {
                v.inner_starts.push(v.inner.len() as u32);
                v.inner_ids.push(index);
                v.inner.push_str(&word);
                v.inner.push(SEPARATOR);
            }
            v.postings.extend(postings);
            v.posting_starts.push(v.postings.len() as u32);
        }
        v.by_second = (0..v.starts.len() as u32)
            .filter(|&i| !v.heads[i as usize][1].is_ascii_digit())
            .collect();
        v.by_second.sort_by_key(|&i| v.heads[i as usize][1]);
        v.text.shrink_to_fit();
        v.inner.shrink_to_fit();
        v
    }

    /// The units (and field) word `i` occurs in.
    fn postings(&self, i: usize) -> &[(u32, Field)] {
        &self.postings[self.posting_starts[i] as usize..self.posting_starts[i + 1] as usize]
    }

    fn word(&self, i: usize) -> &str {
        let start = self.starts[i] as usize;
        // Each word is followed by one separator, the last by the text's end.
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.text.len(), |&next| next as usize)
            - 1;
        &self.text[start..end]
    }

    /// The position of the first word not below `word` (in byte order).
    fn lower_bound(&self, word: &str) -> usize {
        let (mut low, mut high) = (0, self.starts.len());
        while low < high {
            let middle = (low + high) / 2;
            if self.word(middle) < word {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }

    /// The index of `word`, if it is in the vocabulary.
    fn find(&self, word: &str) -> Option<usize> {
        let i = self.lower_bound(word);
        (i < self.starts.len() && self.word(i) == word).then_some(i)
    }

    /// The words whose first character is `c`: a range, as the words are sorted.
    fn first_is(&self, c: char) -> std::ops::Range<usize> {
        self.heads.partition_point(|h| h[0] < c)..self.heads.partition_point(|h| h[0] <= c)
    }

    /// The words whose second character is `c` (no digit), as positions in `by_second`.
    fn second_is(&self, c: char) -> std::ops::Range<usize> {
        let second = |k: &u32| self.heads[*k as usize][1];
        self.by_second.partition_point(|k| second(k) < c)..self.by_second.partition_point(|k| second(k) <= c)
    }

    /// The words one edit from a word beginning `[t0, t1]` can be: one edit cannot move both
    /// of the first two characters, so a candidate begins with `t0` or `t1` or has one of
    /// them second. Each once, in no particular order.
    fn typo_candidates(&self, [t0, t1]: [char; 2]) -> Vec<usize> {
        if t0.is_ascii_digit() || t1.is_ascii_digit() {
            // `by_second` leaves out the words with a digit second: scan them all.
            return (0..self.heads.len())
                .filter(|&i| {
                    let [w0, w1] = self.heads[i];
                    t0 == w0 || t1 == w1 || t1 == w0 || t0 == w1
                })
                .collect();
        }
        let firsts: &[char] = if t0 == t1 { &[t0] } else { &[t0, t1] };
        let mut found: Vec<usize> = firsts.iter().flat_map(|&c| self.first_is(c)).collect();
        for &c in firsts {
            found.extend(
                self.by_second[self.second_is(c)]
                    .iter()
                    .map(|&k| k as usize)
                    .filter(|&i| !firsts.contains(&self.heads[i][0])),
            );
        }
        found
    }

    /// Every word that matches `token`, with how well, as (word index, score).
    fn matches(&self, token: &str) -> Vec<(usize, u32)> {
        let t_len = token.chars().count();
        let mut found: HashMap<usize, u32> = HashMap::default();
        let mut note = |i: usize, score: u32| {
            let slot = found.entry(i).or_insert(0);
            *slot = (*slot).max(score);
        };
        // Exact and prefix: the words from the first not below `token` on, while they begin
        // with it.
        for i in self.lower_bound(token)..self.starts.len() {
            let start = self.starts[i] as usize;
            if !self.text.as_bytes()[start..].starts_with(token.as_bytes()) {
                break;
            }
            note(i, if self.chars[i] as usize == t_len { 100 } else { 60 });
        }
        // Inside a compound ("central" → vårdcentral): a word of letters only among the
        // words with as many letters in a row.
        if t_len >= INNER_MIN {
            let (text, starts, ids) = if token.bytes().any(|b| b.is_ascii_digit()) {
                (&self.text, &self.starts, None)
            } else {
                (&self.inner, &self.inner_starts, Some(&self.inner_ids))
            };
            for offset in memchr::memmem::find_iter(text.as_bytes(), token.as_bytes()) {
                let k = starts
                    .partition_point(|&s| s as usize <= offset)
                    .saturating_sub(1);
                if offset != starts[k] as usize {
                    note(ids.map_or(k, |ids| ids[k] as usize), 30);
                }
            }
        }
        // Swedish endings: "vårdcentralen", "vårdcentralerna" → vårdcentral.
        for (cut, _) in token
            .char_indices()
            .skip(4)
            .filter(|(cut, _)| token.len() - cut <= 4)
        {
            if let Some(i) = self.find(&token[..cut]) {
                note(i, 40);
            }
        }
        // One typo: whole word, or the beginning of a longer word while still typing.
        if t_len >= 4 {
            for i in self.typo_candidates(head(token)) {
                let w_len = self.chars[i] as usize;
                if t_len.abs_diff(w_len) <= 1 && strsim::osa_distance(token, self.word(i)) <= 1 {
                    note(i, 25);
                } else if t_len >= 5 && w_len > t_len {
                    let word = self.word(i);
                    let cut = word.char_indices().nth(t_len).map_or(word.len(), |(c, _)| c);
                    if strsim::osa_distance(token, &word[..cut]) <= 1 {
                        note(i, 15);
                    }
                }
            }
        }
        found.into_iter().collect()
    }
}

/// The units a query matches, each with its score and, for a query of several words, which
/// of its words the unit matches (bit `k` for word `k`): the caller keeps, among the units its
/// filter allows, those that match the most words, and names the words none of them matches.
/// Only the units that match are listed (a search costs what it finds, not the directory), and
/// they are read where the scoring left them (no copy of a list that can hold most units).
#[derive(Debug)]
pub struct Scored {
    total: Scratch,
    /// Whether the masks say which words each unit matches; not when every unit found
    /// matches the whole query (one word, a number).
    masked: bool,
}

impl Scored {
    /// Calls `visit` with (slot, score > 0, which words) of each unit found, once: in slot
    /// order when the query found many units (what is read per unit is then read front to
    /// back, which memory serves several times faster than in the order the words found them).
    pub fn for_each(&self, mut visit: impl FnMut(u32, u32, Option<u16>)) {
        let total = &*self.total;
        let mask = |at: usize| self.masked.then(|| total.masks[at]);
        if total.touched.len() > total.values.len() / DENSE {
            for (at, &score) in total.values.iter().enumerate() {
                if score > 0 {
                    visit(at as u32, score, mask(at));
                }
            }
        } else {
            for &slot in &total.touched {
                let at = slot as usize;
                visit(slot, total.values[at], mask(at));
            }
        }
    }

    /// How many units were found.
    pub fn found(&self) -> usize {
        self.total.touched.len()
    }

    /// Whether the unit at `slot` was found.
    pub fn contains(&self, slot: u32) -> bool {
        self.total.values.get(slot as usize).is_some_and(|v| *v > 0)
    }

    /// Whether the masks tell which words each unit matches.
    pub fn masked(&self) -> bool {
        self.masked
    }
}

/// A query that finds more than one unit in this many is read in slot order.
const DENSE: usize = 16;

/// A value per unit slot for the units a query touches: a dense array (kept between queries
/// on the same thread, so it is neither allocated nor cleared whole per query) and the slots
/// set, which are all a query reads and all it clears again.
#[derive(Debug, Default)]
struct Sparse {
    values: Vec<u32>,
    /// Used by the totals of a query of several words only.
    masks: Vec<u16>,
    /// Each slot whose value is not 0, once.
    touched: Vec<u32>,
}

impl Sparse {
    /// Raises the value at `slot` to `value` (never 0: a slot set stays set).
    fn raise(&mut self, slot: u32, value: u32) {
        debug_assert!(value > 0, "a score is never 0");
        let v = &mut self.values[slot as usize];
        if *v == 0 {
            self.touched.push(slot);
        }
        *v = (*v).max(value);
    }

    fn get(&self, slot: u32) -> u32 {
        self.values[slot as usize]
    }

    /// The set slots with their values.
    fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.touched.iter().map(|&s| (s, self.values[s as usize]))
    }

    /// Zeroes what was set, and makes room for `units` slots.
    fn reset(&mut self, units: usize) {
        for &slot in &self.touched {
            self.values[slot as usize] = 0;
            if let Some(m) = self.masks.get_mut(slot as usize) {
                *m = 0;
            }
        }
        self.touched.clear();
        if self.values.len() < units {
            self.values.resize(units, 0);
        }
    }
}

thread_local! {
    /// Scratch arrays of this thread's earlier queries.
    static SCRATCH: std::cell::RefCell<Vec<Sparse>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A zeroed [`Sparse`] with room for `units` slots, from this thread's scratch; it goes back
/// when dropped.
#[derive(Debug)]
struct Scratch(Option<Sparse>);

impl Scratch {
    fn take(units: usize) -> Self {
        let mut sparse = SCRATCH.with(|s| s.borrow_mut().pop()).unwrap_or_default();
        sparse.reset(units);
        Self(Some(sparse))
    }
}

impl std::ops::Deref for Scratch {
    type Target = Sparse;
    fn deref(&self) -> &Sparse {
        // Taken out only in drop.
        self.0.as_ref().unwrap_or_else(|| unreachable!())
    }
}

impl std::ops::DerefMut for Scratch {
    fn deref_mut(&mut self) -> &mut Sparse {
        self.0.as_mut().unwrap_or_else(|| unreachable!())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(mut sparse) = self.0.take() {
            sparse.reset(0);
            // A thread keeps a few (one query uses at most three at once).
            SCRATCH.with(|s| {
                let mut pool = s.borrow_mut();
                if pool.len() < 4 {
                    pool.push(sparse);
                }
            });
        }
    }
}

/// One inverted index over the words of some units (by slot): the whole directory as it was
/// when it was built ([`SearchIndex::base`]), or the units changed since ([`SearchIndex::delta`]).
#[derive(Debug, Default)]
struct Segment {
    vocabulary: Vocabulary,
    /// (folded name, unit), sorted: the units whose name begins with the query are one range.
    /// The name is the one in [`SearchIndex::names`] (shared, not a copy).
    names_sorted: Vec<(Arc<str>, u32)>,
    /// E.164 number → units with that number and its visibility.
    numbers: HashMap<String, Vec<(u32, Visibility)>>,
    /// E.164 number → units that had it before, with its visibility then.
    former: HashMap<String, Vec<(u32, Visibility)>>,
}

impl Segment {
    /// Current numbers, or numbers units had before.
    fn numbers(&self, former: bool) -> &HashMap<String, Vec<(u32, Visibility)>> {
        if former { &self.former } else { &self.numbers }
    }

    /// `units`: (slot, unit, its organisation, the numbers it had before), each unit once;
    /// `names`: the folded name of every slot.
    fn build<'a>(
        units: impl Iterator<Item = (u32, &'a Unit, Option<&'a Organisation>, &'a [ReplacedNumber])>,
        names: &Slots<Arc<str>>,
    ) -> Self {
        let mut words: HashMap<String, Vec<(u32, Field)>> = HashMap::default();
        let mut names_sorted = Vec::new();
        let mut numbers: HashMap<String, Vec<(u32, Visibility)>> = HashMap::default();
        let mut former: HashMap<String, Vec<(u32, Visibility)>> = HashMap::default();
        // The words of the texts many units share (their organisation, kind, city), folded
        // once per text rather than once per unit.
        let mut words_of_text: HashMap<&'a str, Vec<String>> = HashMap::default();
        for (i, unit, org, replaced) in units {
            let name = Arc::clone(&names[i as usize]);
            let shared = [
                Some(unit.kind.label_sv()),
                org.and_then(|o| o.short_name.as_deref()),
                org.map(|o| o.name.as_str()),
                unit.address.city.as_deref(),
            ];
            let own = [
                unit.address.street.as_deref(),
                unit.hsa_id.as_ref().map(|h| h.as_str()),
            ];
            let mut add = |word: &str, field: Field| {
                let postings = match words.get_mut(word) {
                    Some(postings) => postings,
                    None => words.entry(word.to_owned()).or_default(),
                };
                // A unit's words are added together, its name before its other fields, so a
                // repeat of (unit, field) can only be the last entry. (Scanning the whole list
                // made building quadratic in common words such as the city.)
                if postings.last() != Some(&(i, field)) {
                    postings.push((i, field));
                }
            };
            for word in words_of(&name) {
                add(word, Field::Name);
            }
            for text in shared.into_iter().flatten() {
                let folded = words_of_text
                    .entry(text)
                    .or_insert_with(|| words_of(&fold(text)).map(str::to_owned).collect());
                for word in folded.iter() {
                    add(word, Field::Other);
                }
            }
            // A BVC is also found by its preschools' names.
            for text in own
                .into_iter()
                .flatten()
                .chain(unit.preschools.iter().map(String::as_str))
            {
                for word in words_of(&fold(text)) {
                    add(word, Field::Other);
                }
            }
            for point in &unit.contact_points {
                numbers
                    .entry(point.number.e164().to_owned())
                    .or_default()
                    .push((i, point.visibility));
            }
            for r in replaced {
                let holders = former.entry(r.number.clone()).or_default();
                if !holders.contains(&(i, r.visibility)) {
                    holders.push((i, r.visibility));
                }
            }
            names_sorted.push((name, i));
        }
        names_sorted.sort_unstable();
        Self {
            vocabulary: Vocabulary::build(words),
            names_sorted,
            numbers,
            former,
        }
    }
}

/// A set of unit slots, one bit each.
#[derive(Debug, Default, Clone)]
struct SlotSet(Vec<u64>);

impl SlotSet {
    fn contains(&self, slot: u32) -> bool {
        self.0
            .get(slot as usize / 64)
            .is_some_and(|w| w & (1 << (slot % 64)) != 0)
    }

    fn insert(&mut self, slot: u32) {
        let word = slot as usize / 64;
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1 << (slot % 64);
    }
}

/// How many changed units the small index may hold before the whole index is built again
/// with them, in the background (the small one is built again on every write, so this
/// bounds a write's work).
const MERGE_AT: usize = 2048;

/// A large index built whole (in the background), to take the place of one with many changes.
#[derive(Debug)]
pub struct Base(Arc<Segment>);

/// What a unit is indexed with: itself, its organisation, the numbers it had before.
pub type Indexed<'a> = (u32, &'a Unit, Option<&'a Organisation>, &'a [ReplacedNumber]);

/// An inverted index over the words of every unit: a large index of the directory as it was
/// when it was built, and a small one of the units changed since (those units' entries in the
/// large one are skipped). A write builds the small one again, not the large one.
#[derive(Debug, Default, Clone)]
pub struct SearchIndex {
    base: Arc<Segment>,
    delta: Arc<Segment>,
    /// The units whose entries in `base` are out of date (they are in `delta`).
    stale: Arc<SlotSet>,
    /// The same, as a sorted list.
    stale_slots: Arc<Vec<u32>>,
    /// Folded full name per unit slot.
    names: Slots<Arc<str>>,
    /// The vocabulary, folded: a word → what it stands for, each a list of words.
    synonyms: Arc<HashMap<String, Vec<Vec<String>>>>,
    /// [`MERGE_AT`], or less in tests of the merge.
    merge_at: usize,
}

/// An expansion's match counts this much of a direct one ("vc" finds vårdcentral, but a unit
/// that has the word "vc" itself ranks first).
const EXPANSION_WEIGHT: (u32, u32) = (4, 5);

impl SearchIndex {
    /// `units`: every unit, by slot from 0.
    pub fn build<'a>(units: impl Iterator<Item = Indexed<'a>> + Clone, vocabulary: &[Synonym]) -> Self {
        let names: Slots<Arc<str>> = units
            .clone()
            .map(|(_, u, _, _)| Arc::from(fold(&u.name)))
            .collect();
        Self {
            base: Arc::new(Segment::build(units, &names)),
            names,
            delta: Arc::default(),
            stale: Arc::default(),
            stale_slots: Arc::default(),
            synonyms: Arc::new(folded_synonyms(vocabulary)),
            merge_at: MERGE_AT,
        }
    }

    /// Builds the whole index again once more than `changes` units changed.
    pub fn merging_at(self, changes: usize) -> Self {
        Self {
            merge_at: changes,
            ..self
        }
    }

    /// The index after the units at `changed` slots changed (or were added at the end).
    /// `indexed` gives what any slot is indexed with now.
    pub fn with_changes<'a>(&self, changed: &[u32], indexed: impl Fn(u32) -> Indexed<'a>) -> Self {
        let mut next = self.clone();
        let mut stale_slots = (*self.stale_slots).clone();
        for &slot in changed {
            let (_, unit, _, _) = indexed(slot);
            let name: Arc<str> = Arc::from(fold(&unit.name));
            if (slot as usize) < next.names.len() {
                next.names.set(slot as usize, name);
            } else {
                next.names.push(name);
            }
            stale_slots.push(slot);
        }
        stale_slots.sort_unstable();
        stale_slots.dedup();
        let mut stale = (*self.stale).clone();
        for &slot in changed {
            stale.insert(slot);
        }
        next.delta = Arc::new(Segment::build(
            stale_slots.iter().map(|&s| indexed(s)),
            &next.names,
        ));
        next.stale = Arc::new(stale);
        next.stale_slots = Arc::new(stale_slots);
        next
    }

    /// Whether so many units changed that the whole index should be built again.
    pub fn wants_merge(&self) -> bool {
        self.stale_slots.len() > self.merge_at
    }

    /// The whole index built from `all`, every unit of this index (slow).
    pub fn build_base<'a>(&self, all: impl Iterator<Item = Indexed<'a>>) -> Base {
        Base(Arc::new(Segment::build(all, &self.names)))
    }

    /// This index with `base` as its large part; `stale` tells which of the units changed
    /// since are not as `base` has them (those go on in the small part).
    pub fn with_base<'a>(
        &self,
        base: Base,
        stale: impl Fn(u32) -> bool,
        indexed: impl Fn(u32) -> Indexed<'a>,
    ) -> Self {
        let stale_slots: Vec<u32> = self.stale_slots.iter().copied().filter(|s| stale(*s)).collect();
        let mut set = SlotSet::default();
        for &slot in &stale_slots {
            set.insert(slot);
        }
        Self {
            base: base.0,
            delta: Arc::new(Segment::build(
                stale_slots.iter().map(|&s| indexed(s)),
                &self.names,
            )),
            stale: Arc::new(set),
            stale_slots: Arc::new(stale_slots),
            ..self.clone()
        }
    }

    /// The index with another vocabulary.
    pub fn with_vocabulary(&self, vocabulary: &[Synonym]) -> Self {
        Self {
            synonyms: Arc::new(folded_synonyms(vocabulary)),
            ..self.clone()
        }
    }

    /// The two segments, each with whether a slot's entries in it are current.
    fn segments(&self) -> [(&Segment, Option<&SlotSet>); 2] {
        [(&self.base, Some(&self.stale)), (&self.delta, None)]
    }

    /// A score per unit (same order as the units given to `build`); 0 means no match.
    /// `include_internal` decides whether internal numbers can be found by a phone query.
    ///
    /// Best effort with many words: the units that match the most of the query's words are
    /// the matches (all of them, in the usual case that some unit matches every word), and a
    /// word that matches no unit at all is `ignored` rather than the end of the search.
    pub fn scores(&self, query: &Query, include_internal: bool) -> Scored {
        let n = self.names.len();
        let mut total = Scratch::take(n);
        if query.phone_like {
            self.score_number(query, include_internal, &mut total);
            return Scored { total, masked: false };
        }
        if let [token] = query.tokens.as_slice()
            && !self.synonyms.contains_key(token)
        {
            // One word, no shorthand (the common case): straight into the totals.
            self.score_token(token, &mut total);
            self.add_name_bonus(query, &mut total);
            return Scored { total, masked: false };
        }
        let units = total.values.len();
        total.masks.resize(units, 0);
        let mut best = Scratch::take(n);
        let mut word = Scratch::take(n);
        for (k, token) in query.tokens.iter().enumerate() {
            best.reset(n);
            self.score_token(token, &mut best);
            // What the token stands for ("vc" → vårdcentral): a unit matches an expansion when
            // it matches each of its words; it counts a little less than a direct match.
            for expansion in self.synonyms.get(token).into_iter().flatten() {
                // (slot, sum of its parts' scores) of the units that match every part so far.
                let mut expanded: Vec<(u32, u32)> = Vec::new();
                for (k, part) in expansion.iter().enumerate() {
                    word.reset(n);
                    self.score_token(part, &mut word);
                    if k == 0 {
                        expanded = word.iter().collect();
                    } else {
                        expanded.retain_mut(|(slot, sum)| {
                            let w = word.get(*slot);
                            *sum += w;
                            w > 0
                        });
                    }
                }
                let parts = expansion.len() as u32;
                let (num, den) = EXPANSION_WEIGHT;
                for (slot, sum) in expanded {
                    let weighted = sum / parts * num / den;
                    if weighted > 0 {
                        best.raise(slot, weighted);
                    }
                }
            }
            for (slot, b) in best.iter() {
                let at = slot as usize;
                if total.values[at] == 0 {
                    total.touched.push(slot);
                }
                total.values[at] += b;
                total.masks[at] |= 1 << k;
            }
        }
        self.add_name_bonus(query, &mut total);
        // No unit found, no masks (the units of an address's districts then count as matching
        // no word rather than none of the words).
        let masked = !total.touched.is_empty();
        Scored { total, masked }
    }

    /// A whole number a unit has, else one a unit had; else the end of a number a unit has,
    /// else of one a unit had. A number that no unit has is not searched for as words (its
    /// digits would match house numbers).
    fn score_number(&self, query: &Query, include_internal: bool, total: &mut Sparse) {
        let mark = |total: &mut Sparse, holders: &[(u32, Visibility)], skip: Option<&SlotSet>, score: u32| {
            let mut found = false;
            for (unit, visibility) in holders {
                let visible = include_internal || *visibility == Visibility::Public;
                if visible && !skip.is_some_and(|s| s.contains(*unit)) {
                    total.raise(*unit, score);
                    found = true;
                }
            }
            found
        };
        for (former, score) in [(false, PHONE_MATCH), (true, PHONE_REPLACED)] {
            let mut found = false;
            for (segment, skip) in self.segments() {
                if let Some(holders) = query
                    .phone
                    .as_ref()
                    .and_then(|e164| segment.numbers(former).get(e164))
                {
                    found |= mark(total, holders, skip, score);
                }
            }
            if found {
                return;
            }
        }
        let Some(digits) = &query.digits else {
            return;
        };
        for former in [false, true] {
            let mut found = false;
            for (segment, skip) in self.segments() {
                for (e164, holders) in segment.numbers(former) {
                    if e164.ends_with(digits.as_str()) {
                        found |= mark(total, holders, skip, PHONE_SUFFIX);
                    }
                }
            }
            if found {
                return;
            }
        }
    }

    /// The whole name typed exactly ranks first, the beginning of the name next (for units
    /// that match at all).
    fn add_name_bonus(&self, query: &Query, total: &mut Sparse) {
        for (segment, skip) in self.segments() {
            let from = segment
                .names_sorted
                .partition_point(|(name, _)| &**name < query.folded.as_str());
            for (name, unit) in segment.names_sorted[from..]
                .iter()
                .take_while(|(name, _)| name.starts_with(&query.folded))
            {
                if skip.is_some_and(|s| s.contains(*unit)) {
                    continue;
                }
                let sum = &mut total.values[*unit as usize];
                if *sum > 0 {
                    *sum += if **name == *query.folded {
                        EXACT_NAME
                    } else {
                        NAME_PREFIX
                    };
                }
            }
        }
    }

    /// Raises each unit's entry in `best` to how well its words match `token`.
    fn score_token(&self, token: &str, best: &mut Sparse) {
        for (segment, skip) in self.segments() {
            for (word, score) in segment.vocabulary.matches(token) {
                for (unit, field) in segment.vocabulary.postings(word) {
                    if skip.is_some_and(|s| s.contains(*unit)) {
                        continue;
                    }
                    let weighted = match field {
                        Field::Name => score,
                        Field::Other => score * 2 / 5,
                    };
                    best.raise(*unit, weighted);
                }
            }
        }
    }

    /// How alike a query is to a unit's name, 0..=1, for "did you mean" suggestions.
    pub fn similarity(&self, query: &Query, unit: usize) -> f64 {
        let name = &*self.names[unit];
        let per_token: f64 = query
            .tokens
            .iter()
            .map(|t| {
                words_of(name)
                    .map(|w| strsim::jaro_winkler(t, w))
                    .fold(0.0, f64::max)
            })
            .sum();
        per_token / query.tokens.len() as f64
    }
}

/// The vocabulary folded as queries are: a word → what it stands for, each a list of words.
fn folded_synonyms(vocabulary: &[Synonym]) -> HashMap<String, Vec<Vec<String>>> {
    vocabulary
        .iter()
        .map(|s| {
            let expansions = s
                .expansions
                .iter()
                .map(|e| words_of(&fold(e)).map(str::to_owned).collect::<Vec<_>>())
                .filter(|e: &Vec<String>| !e.is_empty())
                .collect();
            (fold(&s.word), expansions)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word_score(token: &str, word: &str) -> u32 {
        let vocabulary = Vocabulary::build([(word.to_owned(), vec![])].into_iter().collect());
        vocabulary.matches(token).first().map_or(0, |(_, score)| *score)
    }

    #[test]
    fn word_matches_in_order_of_strength() {
        assert_eq!(word_score("herkules", "herkules"), 100);
        assert_eq!(word_score("herk", "herkules"), 60);
        assert_eq!(word_score("vardcentralen", "vardcentral"), 40);
        assert_eq!(word_score("central", "vardcentral"), 30);
        assert_eq!(word_score("bramhlut", "bramhult"), 25);
        assert_eq!(word_score("bramhlut", "bramhults"), 15);
        assert_eq!(word_score("sjobo", "sjoboo"), 60);
        assert_eq!(word_score("xyz", "herkules"), 0);
        assert_eq!(word_score("her", "kherr"), 0);
        // Edits at the very start are still found.
        assert_eq!(word_score("xerkules", "herkules"), 25);
        assert_eq!(word_score("ehrkules", "herkules"), 25);
        assert_eq!(word_score("erkules", "herkules"), 30);
        assert_eq!(word_score("hherkules", "herkules"), 25);
        assert_eq!(word_score("åäö", "aao"), 0);
    }

    /// Every word that matches `token` the plain way: one substring search over all words and
    /// the typo check against every word (what `Vocabulary::matches` must equal).
    fn matches_by_scanning_all(v: &Vocabulary, token: &str) -> Vec<(usize, u32)> {
        let t_len = token.chars().count();
        let mut found: HashMap<usize, u32> = HashMap::default();
        let mut note = |i: usize, score: u32| {
            let slot = found.entry(i).or_insert(0);
            *slot = (*slot).max(score);
        };
        for i in 0..v.starts.len() {
            let word = v.word(i);
            if word == token {
                note(i, 100);
            } else if word.starts_with(token) {
                note(i, 60);
            }
            if t_len >= 4
                && word
                    .char_indices()
                    .skip(1)
                    .any(|(at, _)| word[at..].starts_with(token))
            {
                note(i, 30);
            }
            let w_len = word.chars().count();
            if t_len >= 4 {
                if t_len.abs_diff(w_len) <= 1 && strsim::osa_distance(token, word) <= 1 {
                    note(i, 25);
                } else if t_len >= 5 && w_len > t_len {
                    let cut = word.char_indices().nth(t_len).map_or(word.len(), |(c, _)| c);
                    if strsim::osa_distance(token, &word[..cut]) <= 1 {
                        note(i, 15);
                    }
                }
            }
        }
        for (cut, _) in token
            .char_indices()
            .skip(4)
            .filter(|(cut, _)| token.len() - cut <= 4)
        {
            if let Some(i) = (0..v.starts.len()).find(|&i| v.word(i) == &token[..cut]) {
                note(i, 40);
            }
        }
        let mut all: Vec<(usize, u32)> = found.into_iter().collect();
        all.sort_unstable();
        all
    }

    /// The class of "a match the narrowed search misses": words of letters, digits, both, with
    /// å/ä/ö, and tokens cut from them with one edit, found exactly as by scanning every word.
    #[test]
    fn narrowed_word_matching_finds_what_scanning_every_word_finds() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let alphabet: Vec<char> = "aabdeklnorstvå0123456789-".chars().collect();
        for _ in 0..40 {
            let mut words: HashMap<String, Vec<(u32, Field)>> = HashMap::default();
            for _ in 0..60 {
                let len = 1 + next(9);
                let word: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
                words.insert(word, vec![]);
            }
            for fixed in [
                "vardcentral",
                "se2321000131",
                "e000000007860",
                "12a",
                "kv3varden",
                "åsa",
            ] {
                words.insert(fixed.to_owned(), vec![]);
            }
            let v = Vocabulary::build(words);
            for _ in 0..200 {
                let base = v.word(next(v.starts.len())).to_owned();
                let mut chars: Vec<char> = base.chars().collect();
                match next(5) {
                    0 if chars.len() > 1 => {
                        chars.remove(next(chars.len()));
                    }
                    1 => chars.insert(next(chars.len() + 1), alphabet[next(alphabet.len())]),
                    2 => {
                        let at = next(chars.len());
                        chars[at] = alphabet[next(alphabet.len())];
                    }
                    3 if chars.len() > 2 => {
                        let from = next(chars.len() - 1);
                        chars = chars[from..].to_vec();
                    }
                    _ => {}
                }
                let token: String = chars.into_iter().collect();
                let mut narrowed = v.matches(&token);
                narrowed.sort_unstable();
                assert_eq!(narrowed, matches_by_scanning_all(&v, &token), "token {token:?}");
            }
        }
    }

    #[test]
    fn queries_are_bounded_and_phone_numbers_recognised() {
        assert_eq!(Query::parse(" - ").unwrap(), None);
        assert!(Query::parse(&"a".repeat(201)).is_err());
        assert!(Query::parse(&"ab ".repeat(13)).is_err());
        let q = Query::parse("031-390 06 00").unwrap().unwrap();
        assert_eq!(q.phone.as_deref(), Some("+46313900600"));
        assert_eq!(Query::parse("R7").unwrap().unwrap().phone, None);
        let partial = Query::parse("390 06 27").unwrap().unwrap();
        assert_eq!(partial.digits.as_deref(), Some("3900627"));
        assert_eq!(
            Query::parse("031-390 06 27").unwrap().unwrap().digits.as_deref(),
            Some("313900627")
        );
        assert_eq!(Query::parse("06 27").unwrap().unwrap().digits, None);
    }
}
