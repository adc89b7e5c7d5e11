//! Forgiving free-text search over unit names, the way staff type.
//!
//! Text is folded (case, accents) on both sides. Each query word must match some word of a
//! unit: exactly, as a prefix ("herk" → Herkules), as a Swedish inflection ("vårdcentralen" →
//! vårdcentral), inside a compound ("central" → vårdcentral), or with one typo ("Brämhlut" →
//! Brämhults, an optimal-string-alignment distance of one). Name words weigh more than the
//! kind, organisation and address words. The whole name typed exactly ranks first. A query that
//! looks like a phone number finds the unit that has that number.

use std::collections::HashMap;

use crate::domain::text::{fold, words};
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

/// A parsed search query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    folded: String,
    tokens: Vec<String>,
    phone: Option<String>,
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
        let tokens: Vec<String> = words(&folded).map(str::to_owned).collect();
        if tokens.is_empty() {
            return Ok(None);
        }
        if tokens.len() > MAX_QUERY_WORDS {
            return Err(Invalid::new(
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
        Ok(Some(Self {
            folded,
            tokens,
            phone,
        }))
    }

    /// The folded query, e.g. for a fingerprint.
    pub fn folded(&self) -> &str {
        &self.folded
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    Other,
}

/// An inverted index over the words of every unit.
#[derive(Debug, Default)]
pub struct SearchIndex {
    /// Distinct words and, for each, the units (and field) it occurs in.
    vocabulary: Vec<(String, Vec<(u32, Field)>)>,
    /// Folded full name per unit.
    names: Vec<String>,
    /// E.164 number → units with that number and its visibility.
    numbers: HashMap<String, Vec<(u32, Visibility)>>,
}

impl SearchIndex {
    pub fn build(units: &[Unit], organisations: &HashMap<&str, &Organisation>) -> Self {
        let mut positions: HashMap<String, usize> = HashMap::new();
        let mut vocabulary: Vec<(String, Vec<(u32, Field)>)> = Vec::new();
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
                for word in words(&fold(text)) {
                    let pos = *positions.entry(word.to_owned()).or_insert_with(|| {
                        vocabulary.push((word.to_owned(), Vec::new()));
                        vocabulary.len() - 1
                    });
                    let postings = &mut vocabulary[pos].1;
                    if postings.last() != Some(&(i, field)) {
                        postings.push((i, field));
                    }
                }
            };
            add(&name, Field::Name);
            for text in other.into_iter().flatten() {
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
        Self {
            vocabulary,
            names,
            numbers,
        }
    }

    /// A score per unit (same order as the units given to `build`); 0 means no match.
    /// `include_internal` decides whether internal numbers can be found by a phone query.
    pub fn scores(&self, query: &Query, include_internal: bool) -> Vec<u32> {
        let n = self.names.len();
        let mut total = vec![0u32; n];
        if let Some(e164) = &query.phone {
            for (unit, visibility) in self.numbers.get(e164).into_iter().flatten() {
                if include_internal || *visibility == Visibility::Public {
                    total[*unit as usize] = PHONE_MATCH;
                }
            }
            if total.iter().any(|s| *s > 0) {
                return total;
            }
        }
        let mut best = vec![0u32; n];
        for (t, token) in query.tokens.iter().enumerate() {
            best.iter_mut().for_each(|b| *b = 0);
            for (word, postings) in &self.vocabulary {
                let score = word_score(token, word);
                if score == 0 {
                    continue;
                }
                for (unit, field) in postings {
                    let weighted = match field {
                        Field::Name => score,
                        Field::Other => score * 2 / 5,
                    };
                    let slot = &mut best[*unit as usize];
                    *slot = (*slot).max(weighted);
                }
            }
            for (sum, b) in total.iter_mut().zip(&best) {
                // Every query word must match: a unit that missed one stays at 0.
                *sum = if *b == 0 || (t > 0 && *sum == 0) {
                    0
                } else {
                    *sum + b
                };
            }
        }
        for (i, sum) in total.iter_mut().enumerate() {
            if *sum > 0 {
                if self.names[i] == query.folded {
                    *sum += EXACT_NAME;
                } else if self.names[i].starts_with(&query.folded) {
                    *sum += NAME_PREFIX;
                }
            }
        }
        total
    }

    /// How alike a query is to a unit's name, 0..=1, for "did you mean" suggestions.
    pub fn similarity(&self, query: &Query, unit: usize) -> f64 {
        let name = &self.names[unit];
        let per_token: f64 = query
            .tokens
            .iter()
            .map(|t| {
                words(name)
                    .map(|w| strsim::jaro_winkler(t, w))
                    .fold(0.0, f64::max)
            })
            .sum();
        per_token / query.tokens.len() as f64
    }
}

/// How well one query word matches one indexed word; 0 for not at all.
fn word_score(token: &str, word: &str) -> u32 {
    if word == token {
        return 100;
    }
    if word.starts_with(token) {
        return 60;
    }
    let (t_len, w_len) = (token.chars().count(), word.chars().count());
    // "vårdcentralen", "vårdcentralerna" → vårdcentral
    if w_len >= 4 && t_len > w_len && t_len - w_len <= 4 && token.starts_with(word) {
        return 40;
    }
    if t_len >= 4 && word.contains(token) {
        return 30;
    }
    if t_len >= 4 && t_len.abs_diff(w_len) <= 1 && strsim::osa_distance(token, word) <= 1 {
        return 25;
    }
    // A typo while still typing: compare with the word's beginning.
    if t_len >= 5 && w_len > t_len {
        let head: String = word.chars().take(t_len).collect();
        if strsim::osa_distance(token, &head) <= 1 {
            return 15;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn queries_are_bounded_and_phone_numbers_recognised() {
        assert_eq!(Query::parse(" - ").unwrap(), None);
        assert!(Query::parse(&"a".repeat(201)).is_err());
        assert!(Query::parse(&"ab ".repeat(13)).is_err());
        let q = Query::parse("031-390 06 00").unwrap().unwrap();
        assert_eq!(q.phone.as_deref(), Some("+46313900600"));
        assert_eq!(Query::parse("R7").unwrap().unwrap().phone, None);
    }
}
