//! Text folding for search: the way staff type ("sodra torget", "Vard", "BRÄMHULT") must meet
//! the way names are written ("Södra Torget", "vård", "Brämhults").

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower case, accents removed (å, ä → a; ö, ø → o; é → e), every run of characters that are
/// not letters or digits turned into one space.
pub fn fold(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.nfd().filter(|c| !is_combining_mark(*c)) {
        let mapped: &[char] = match c {
            'ø' | 'Ø' => &['o'],
            'æ' | 'Æ' => &['a', 'e'],
            'ß' => &['s', 's'],
            _ => &[],
        };
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            if mapped.is_empty() {
                out.extend(c.to_lowercase());
            } else {
                out.extend(mapped);
            }
        } else {
            pending_space = true;
        }
    }
    out
}

/// A key that sorts names the Swedish way: case-insensitive, with å, ä, ö after z and other
/// accents ignored ("Älvsborgs rehabcenter" after "Vega rehab").
pub fn sort_key(name: &str) -> String {
    name.chars()
        .flat_map(char::to_lowercase)
        .flat_map(|c| {
            let swedish = match c {
                'å' => Some('\u{7b}'),
                'ä' | 'æ' => Some('\u{7c}'),
                'ö' | 'ø' => Some('\u{7d}'),
                _ => None,
            };
            let chars: Vec<char> = match swedish {
                Some(s) => vec![s],
                None => c.to_string().nfd().filter(|c| !is_combining_mark(*c)).collect(),
            };
            chars
        })
        .collect()
}

/// The words of an already folded text.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(' ').filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_punctuation() {
        assert_eq!(
            fold("Närhälsan Södra Torget vårdcentral"),
            "narhalsan sodra torget vardcentral"
        );
        assert_eq!(
            fold("  Vård- och äldreförvaltningen "),
            "vard och aldreforvaltningen"
        );
        assert_eq!(fold("SE2321000131-E000000007860"), "se2321000131 e000000007860");
        assert_eq!(fold("Café Øst"), "cafe ost");
        assert_eq!(fold("—"), "");
    }

    #[test]
    fn sort_key_puts_swedish_letters_after_z() {
        let mut names = [
            "Älvsborgs rehabcenter",
            "Vega rehab",
            "Örby",
            "Åsen",
            "Allé",
            "Ängen",
        ];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            [
                "Allé",
                "Vega rehab",
                "Åsen",
                "Älvsborgs rehabcenter",
                "Ängen",
                "Örby"
            ]
        );
    }

    #[test]
    fn words_skip_empties() {
        assert_eq!(words("a  b").collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(words("").count(), 0);
    }
}
