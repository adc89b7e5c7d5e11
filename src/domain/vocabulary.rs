//! The search vocabulary: a word staff type that stands for other words ("vc" → vårdcentral,
//! "säbo" → särskilt boende). Data, edited by admins; the search expands a query word by it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::text::{fold, words};
use super::{FieldError, Invalid, bounded_text};

/// Longest word, in characters.
pub const MAX_WORD_CHARS: usize = 40;
/// Longest expansion, in characters.
pub const MAX_EXPANSION_CHARS: usize = 100;
/// Most expansions of one word.
pub const MAX_EXPANSIONS: usize = 10;

/// One entry. The domain value is also the state the audit history keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"word": "säbo", "expansions": ["särskilt boende", "vård- och omsorgsboende"], "version": 1}))]
pub struct Synonym {
    /// One word, lower case, as staff type it.
    pub word: String,
    /// What it stands for: each one or more words ("särskilt boende").
    pub expansions: Vec<String>,
    /// Incremented by every write; the ETag of the API.
    #[serde(default = "first")]
    pub version: i64,
}

fn first() -> i64 {
    1
}

/// The word: one word (letters and digits, folded it is what the search compares), 1–40
/// characters, stored in lower case.
pub fn word(raw: &str) -> Result<String, Invalid> {
    let text = bounded_text(raw, MAX_WORD_CHARS, "ordet", "the word")?;
    let folded = fold(&text);
    let parts: Vec<&str> = words(&folded).collect();
    if parts.len() != 1 || !text.chars().all(char::is_alphanumeric) {
        return Err(Invalid::rule(
            format!(
                "'{}' är inte ett ord; ange ett ord utan mellanslag eller skiljetecken",
                super::shown(raw)
            ),
            format!(
                "'{}' is not one word; give one word without spaces or punctuation",
                super::shown(raw)
            ),
        ));
    }
    let lower = text.to_lowercase();
    // Lower case can be longer than the word as typed ("İ" is two characters in lower case).
    if lower.chars().count() > MAX_WORD_CHARS {
        return Err(Invalid::rule(
            format!("ordet är längre än {MAX_WORD_CHARS} tecken med gemener"),
            format!("the word is longer than {MAX_WORD_CHARS} characters in lower case"),
        ));
    }
    Ok(lower)
}

/// The expansions: 1–10, each 1–100 characters with at least one word, none twice (ignoring
/// case and accents), none the word itself alone.
pub fn expansions(raw: &[String], word: &str) -> Result<Vec<String>, Vec<FieldError>> {
    let mut errors = Vec::new();
    if raw.is_empty() || raw.len() > MAX_EXPANSIONS {
        errors.push(
            Invalid::new(
                format!("ange 1–{MAX_EXPANSIONS} ord eller uttryck som ordet står för"),
                format!("give 1–{MAX_EXPANSIONS} words or phrases the word stands for"),
            )
            .at("expansions"),
        );
    }
    let mut out: Vec<String> = Vec::new();
    for (i, e) in raw.iter().enumerate() {
        match bounded_text(e, MAX_EXPANSION_CHARS, "uttrycket", "the phrase") {
            Ok(text) if words(&fold(&text)).next().is_none() => errors.push(
                Invalid::rule("uttrycket har inga ord", "the phrase has no words")
                    .at(format!("expansions[{i}]")),
            ),
            Ok(text) if fold(&text) == fold(word) && raw.len() == 1 => errors.push(
                Invalid::rule(
                    "ordet kan inte bara stå för sig självt",
                    "the word cannot stand only for itself",
                )
                .at(format!("expansions[{i}]")),
            ),
            Ok(text) if out.iter().any(|o| fold(o) == fold(&text)) => errors.push(
                Invalid::rule(
                    format!("'{text}' står två gånger"),
                    format!("'{text}' is given twice"),
                )
                .at(format!("expansions[{i}]")),
            ),
            Ok(text) => out.push(text),
            Err(e) => errors.push(e.at(format!("expansions[{i}]"))),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// A new entry, checked.
pub fn synonym(raw_word: &str, raw_expansions: &[String]) -> Result<Synonym, Vec<FieldError>> {
    let word = word(raw_word).map_err(|e| vec![e.at("word")])?;
    let expansions = expansions(raw_expansions, &word)?;
    Ok(Synonym {
        word,
        expansions,
        version: 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_is_one_word_and_its_expansions_are_phrases() {
        let s = synonym(
            " Säbo ",
            &["särskilt boende".into(), "vård- och omsorgsboende".into()],
        )
        .unwrap();
        assert_eq!(s.word, "säbo");
        assert_eq!(s.expansions.len(), 2);
        assert!(synonym("två ord", &["x".into()]).is_err());
        assert!(synonym("vc/", &["vårdcentral".into()]).is_err());
        assert!(synonym(&"İ".repeat(40), &["x".into()]).is_err());
        assert!(synonym("vc", &[]).is_err());
        assert!(synonym("vc", &["Vårdcentral".into(), "vardcentral".into()]).is_err());
        assert!(synonym("vc", &["vc".into()]).is_err());
        assert!(synonym("vc", &["--".into()]).is_err());
    }
}
