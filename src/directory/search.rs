//! Forgiving free-text search over unit names, the way staff type.
//!
//! Text is folded (case, accents) on both sides. Each query word must match some word of a
//! unit: exactly, as a prefix ("herk" → Herkules), as a Swedish inflection ("vårdcentralen" →
//! vårdcentral), inside a compound ("central" → vårdcentral), or with one typo ("Brämhlut" →
//! Brämhults, an optimal-string-alignment distance of one). Name words weigh more than the
//! kind, organisation and address words. The whole name typed exactly ranks first. A query that
//! looks like a phone number finds the unit that has that number.

use std::collections::HashMap;

use crate::domain::text::{fold, words as words_of};
use crate::domain::{Invalid, Organisation, PhoneNumber, Unit, Visibility};

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

    /// The folded words, in order (bit `k` of [`Scored::masks`] is word `k`).
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
/// string (one SIMD substring search finds exact, prefix and compound matches at once), with
/// their first characters and lengths in flat arrays (the typo check reads word bytes only for
/// plausible candidates).
#[derive(Debug, Default)]
struct Vocabulary {
    /// `" word0 word1 word2 "`.
    text: String,
    /// Byte offset of each word in `text`.
    starts: Vec<u32>,
    chars: Vec<u16>,
    heads: Vec<[char; 2]>,
    /// For each word, the units (and field) it occurs in.
    postings: Vec<Vec<(u32, Field)>>,
}

impl Vocabulary {
    fn build(mut words: HashMap<String, Vec<(u32, Field)>>) -> Self {
        let mut sorted: Vec<String> = words.keys().cloned().collect();
        sorted.sort_unstable();
        let mut v = Self {
            text: String::from(SEPARATOR),
            ..Self::default()
        };
        for word in sorted {
            v.starts.push(v.text.len() as u32);
            v.text.push_str(&word);
            v.text.push(SEPARATOR);
            v.chars.push(word.chars().count().min(u16::MAX as usize) as u16);
            v.heads.push(head(&word));
            v.postings.push(words.remove(&word).unwrap_or_default());
        }
        v
    }

    fn word(&self, i: usize) -> &str {
        let start = self.starts[i] as usize;
        let end = self.text[start..]
            .find(SEPARATOR)
            .map_or(self.text.len(), |e| start + e);
        &self.text[start..end]
    }

    /// The word containing byte `offset` of `text`.
    fn word_at(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s as usize <= offset)
            .saturating_sub(1)
    }

    /// The index of `word`, if it is in the vocabulary.
    fn find(&self, word: &str) -> Option<usize> {
        let i = self.starts.partition_point(|&s| {
            let start = s as usize;
            let end = self.text[start..]
                .find(SEPARATOR)
                .map_or(self.text.len(), |e| start + e);
            &self.text[start..end] < word
        });
        (i < self.starts.len() && self.word(i) == word).then_some(i)
    }

    /// Every word that matches `token`, with how well, as (word index, score).
    fn matches(&self, token: &str) -> Vec<(usize, u32)> {
        let t_len = token.chars().count();
        let mut found: HashMap<usize, u32> = HashMap::new();
        let mut note = |i: usize, score: u32| {
            let slot = found.entry(i).or_insert(0);
            *slot = (*slot).max(score);
        };
        // Exact, prefix and inside a compound ("central" → vårdcentral).
        for offset in memchr::memmem::find_iter(self.text.as_bytes(), token.as_bytes()) {
            let i = self.word_at(offset);
            let at_start = offset == self.starts[i] as usize;
            if at_start && self.chars[i] as usize == t_len {
                note(i, 100);
            } else if at_start {
                note(i, 60);
            } else if t_len >= 4 {
                note(i, 30);
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
            let [t0, t1] = head(token);
            for (i, &[w0, w1]) in self.heads.iter().enumerate() {
                // One edit cannot move both of the first two characters.
                if !(t0 == w0 || t1 == w1 || t1 == w0 || t0 == w1) {
                    continue;
                }
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

/// Scores per unit and, for a query of several words, which of its words each unit matches
/// (bit `k` for word `k`): the caller keeps, among the units its filter allows, those that
/// match the most words, and names the words none of them matches.
#[derive(Debug, Clone, Default)]
pub struct Scored {
    pub scores: Vec<u32>,
    /// Empty when every unit with a score matches the whole query (one word, a number).
    pub masks: Vec<u16>,
}

/// An inverted index over the words of every unit.
#[derive(Debug, Default)]
pub struct SearchIndex {
    vocabulary: Vocabulary,
    /// Folded full name per unit.
    names: Vec<String>,
    /// (folded name, unit), sorted: the units whose name begins with the query are one range.
    names_sorted: Vec<(String, u32)>,
    /// E.164 number → units with that number and its visibility.
    numbers: HashMap<String, Vec<(u32, Visibility)>>,
    /// E.164 number → units that had it before, with its visibility then.
    former: HashMap<String, Vec<(u32, Visibility)>>,
    /// The vocabulary, folded: a word → what it stands for, each a list of words.
    synonyms: HashMap<String, Vec<Vec<String>>>,
}

/// An expansion's match counts this much of a direct one ("vc" finds vårdcentral, but a unit
/// that has the word "vc" itself ranks first).
const EXPANSION_WEIGHT: (u32, u32) = (4, 5);

impl SearchIndex {
    pub fn build(
        units: &[Unit],
        organisations: &HashMap<&str, &Organisation>,
        vocabulary: &[crate::domain::vocabulary::Synonym],
        replaced: &[crate::domain::ReplacedNumber],
    ) -> Self {
        let mut words: HashMap<String, Vec<(u32, Field)>> = HashMap::new();
        let mut names = Vec::with_capacity(units.len());
        let mut numbers: HashMap<String, Vec<(u32, Visibility)>> = HashMap::new();
        for (i, unit) in units.iter().enumerate() {
            let i = i as u32;
            let name = fold(&unit.name);
            let org = organisations.get(unit.organisation_id.as_str());
            let other = [
                Some(unit.kind.label_sv()),
                org.and_then(|o| o.short_name.as_deref()),
                org.map(|o| o.name.as_str()),
                unit.address.street.as_deref(),
                unit.address.city.as_deref(),
                unit.hsa_id.as_ref().map(|h| h.as_str()),
            ];
            let mut add = |text: &str, field: Field| {
                for word in words_of(&fold(text)) {
                    let postings = words.entry(word.to_owned()).or_default();
                    // Units are added in order, and a unit's name before its other fields, so
                    // a repeat of (unit, field) can only be the last entry. (Scanning the whole
                    // list made building quadratic in common words such as the city.)
                    if postings.last() != Some(&(i, field)) {
                        postings.push((i, field));
                    }
                }
            };
            add(&name, Field::Name);
            // A BVC is also found by its preschools' names.
            for text in other
                .into_iter()
                .flatten()
                .chain(unit.preschools.iter().map(String::as_str))
            {
                add(text, Field::Other);
            }
            for point in &unit.contact_points {
                numbers
                    .entry(point.number.e164().to_owned())
                    .or_default()
                    .push((i, point.visibility));
            }
            names.push(name);
        }
        let position: HashMap<uuid::Uuid, u32> =
            units.iter().enumerate().map(|(i, u)| (u.id, i as u32)).collect();
        let mut former: HashMap<String, Vec<(u32, Visibility)>> = HashMap::new();
        for r in replaced {
            if let Some(&i) = position.get(&r.unit_id) {
                let holders = former.entry(r.number.clone()).or_default();
                if !holders.contains(&(i, r.visibility)) {
                    holders.push((i, r.visibility));
                }
            }
        }
        let mut names_sorted: Vec<(String, u32)> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        names_sorted.sort_unstable();
        let synonyms = vocabulary
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
            .collect();
        Self {
            vocabulary: Vocabulary::build(words),
            names,
            names_sorted,
            numbers,
            former,
            synonyms,
        }
    }

    /// A score per unit (same order as the units given to `build`); 0 means no match.
    /// `include_internal` decides whether internal numbers can be found by a phone query.
    ///
    /// Best effort with many words: the units that match the most of the query's words are
    /// the matches (all of them, in the usual case that some unit matches every word), and a
    /// word that matches no unit at all is `ignored` rather than the end of the search.
    pub fn scores(&self, query: &Query, include_internal: bool) -> Scored {
        let n = self.names.len();
        let mut total = vec![0u32; n];
        if query.phone_like {
            // A whole number a unit has, then one a unit had; the end of a number a unit has, then
            // of one a unit had.
            let visible = |v: &Visibility| include_internal || *v == Visibility::Public;
            for (numbers, score) in [(&self.numbers, PHONE_MATCH), (&self.former, PHONE_REPLACED)] {
                if let Some(e164) = &query.phone {
                    for (unit, visibility) in numbers.get(e164).into_iter().flatten() {
                        if visible(visibility) {
                            total[*unit as usize] = score;
                        }
                    }
                }
                if total.iter().any(|s| *s > 0) {
                    return Scored {
                        scores: total,
                        masks: Vec::new(),
                    };
                }
            }
            for numbers in [&self.numbers, &self.former] {
                if let Some(digits) = &query.digits {
                    for (e164, units) in numbers {
                        if e164.ends_with(digits.as_str()) {
                            for (unit, visibility) in units {
                                if visible(visibility) {
                                    total[*unit as usize] = PHONE_SUFFIX;
                                }
                            }
                        }
                    }
                }
                if total.iter().any(|s| *s > 0) {
                    return Scored {
                        scores: total,
                        masks: Vec::new(),
                    };
                }
            }
            // A number that no unit has: not a search for its digits as words (they would
            // match house numbers).
            return Scored {
                scores: total,
                masks: Vec::new(),
            };
        }
        if let [token] = query.tokens.as_slice()
            && !self.synonyms.contains_key(token)
        {
            // One word, no shorthand (the common case): straight into the totals.
            self.score_token(token, &mut total);
            self.add_name_bonus(query, &mut total);
            return Scored {
                scores: total,
                masks: Vec::new(),
            };
        }
        let mut masks = vec![0u16; n];
        let mut best = Vec::new();
        let mut expanded = Vec::new();
        let mut word = Vec::new();
        for (k, token) in query.tokens.iter().enumerate() {
            best.clear();
            best.resize(n, 0);
            self.score_token(token, &mut best);
            // What the token stands for ("vc" → vårdcentral): a unit matches an expansion when
            // it matches each of its words; it counts a little less than a direct match.
            for expansion in self.synonyms.get(token).into_iter().flatten() {
                expanded.clear();
                expanded.resize(n, 0u32);
                for (k, part) in expansion.iter().enumerate() {
                    word.clear();
                    word.resize(n, 0u32);
                    self.score_token(part, &mut word);
                    for (sum, w) in expanded.iter_mut().zip(&word) {
                        *sum = if *w == 0 || (k > 0 && *sum == 0) {
                            0
                        } else {
                            *sum + w
                        };
                    }
                }
                let parts = expansion.len() as u32;
                let (num, den) = EXPANSION_WEIGHT;
                for (b, e) in best.iter_mut().zip(&expanded) {
                    *b = (*b).max(e / parts * num / den);
                }
            }
            for ((sum, mask), b) in total.iter_mut().zip(masks.iter_mut()).zip(&best) {
                if *b > 0 {
                    *sum += b;
                    *mask |= 1 << k;
                }
            }
        }
        self.add_name_bonus(query, &mut total);
        Scored { scores: total, masks }
    }

    /// The whole name typed exactly ranks first, the beginning of the name next (for units
    /// that match at all).
    fn add_name_bonus(&self, query: &Query, total: &mut [u32]) {
        let from = self
            .names_sorted
            .partition_point(|(name, _)| name.as_str() < query.folded.as_str());
        for (name, unit) in self.names_sorted[from..]
            .iter()
            .take_while(|(name, _)| name.starts_with(&query.folded))
        {
            let sum = &mut total[*unit as usize];
            if *sum > 0 {
                *sum += if *name == query.folded {
                    EXACT_NAME
                } else {
                    NAME_PREFIX
                };
            }
        }
    }

    /// Raises each unit's entry in `best` to how well its words match `token`.
    fn score_token(&self, token: &str, best: &mut [u32]) {
        for (word, score) in self.vocabulary.matches(token) {
            for (unit, field) in &self.vocabulary.postings[word] {
                let weighted = match field {
                    Field::Name => score,
                    Field::Other => score * 2 / 5,
                };
                let slot = &mut best[*unit as usize];
                *slot = (*slot).max(weighted);
            }
        }
    }

    /// How alike a query is to a unit's name, 0..=1, for "did you mean" suggestions.
    pub fn similarity(&self, query: &Query, unit: usize) -> f64 {
        let name = &self.names[unit];
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

#[cfg(test)]
mod tests {
    use super::*;

    fn word_score(token: &str, word: &str) -> u32 {
        let vocabulary = Vocabulary::build(HashMap::from([(word.to_owned(), vec![])]));
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
