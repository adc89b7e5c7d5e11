//! Text folding for search: the way staff type ("sodra torget", "Vard", "BRÄMHULT") must meet
//! the way names are written ("Södra Torget", "vård", "Brämhults").

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::Invalid;

/// Why a character may not be in stored or searched text: NUL and the other control characters
/// (tab and line breaks excepted), and the bidirectional overrides and isolates that make text
/// show in another order than it is stored (U+202A–U+202E, U+2066–U+2069).
fn forbidden(c: char) -> Option<(&'static str, &'static str)> {
    match c {
        '\t' | '\n' | '\r' => None,
        '\0' => Some(("NUL-tecken", "a NUL character")),
        c if c.is_control() => Some(("ett styrtecken", "a control character")),
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => Some((
            "ett tecken som vänder textriktningen",
            "a character that overrides the text direction",
        )),
        _ => None,
    }
}

/// Characters that show nothing: white space, and the zero-width and other format characters.
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(c, '\u{00ad}' | '\u{034f}' | '\u{061c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
            | '\u{180b}'..='\u{180f}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{206a}'..='\u{206f}'
            | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{ffa0}')
}

/// Checks text that people send, the same on every backend: no control characters, no
/// direction overrides, and not only invisible characters (a blank value is left to the
/// field's own rule, which reads it as empty).
pub fn check(value: &str) -> Result<(), Invalid> {
    if let Some((position, (sv, en))) = value
        .chars()
        .enumerate()
        .find_map(|(i, c)| forbidden(c).map(|w| (i + 1, w)))
    {
        return Err(Invalid::new(
            format!("texten innehåller {sv} (tecken {position}); ta bort det"),
            format!("the text contains {en} (character {position}); remove it"),
        ));
    }
    if value.chars().all(invisible) && !value.chars().all(char::is_whitespace) {
        return Err(Invalid::new(
            "texten består bara av osynliga tecken",
            "the text consists of invisible characters only",
        ));
    }
    Ok(())
}

/// Lower case, accents removed (å, ä → a; ö, ø → o; é → e), every run of characters that are
/// not letters or digits turned into one space.
pub fn fold(input: &str) -> String {
    if input.is_ascii() {
        fold_ascii(input)
    } else {
        fold_unicode(input)
    }
}

/// [`fold`] of ASCII text, without decomposing: most names and streets (start-up folds every
/// field of every unit).
fn fold_ascii(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    {
        for c in input.chars() {
            if c.is_ascii_alphanumeric() {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c.to_ascii_lowercase());
            } else {
                pending_space = true;
            }
        }
    }
    out
}

fn fold_unicode(input: &str) -> String {
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
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            'å' => out.push('\u{7b}'),
            'ä' | 'æ' => out.push('\u{7c}'),
            'ö' | 'ø' => out.push('\u{7d}'),
            c if c.is_ascii() => out.push(c),
            c => out.extend(std::iter::once(c).nfd().filter(|c| !is_combining_mark(*c))),
        }
    }
    out
}

/// The words of an already folded text.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(' ').filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_shortcuts_fold_and_sort_as_the_whole_way_does() {
        let printable: Vec<char> = (0x20u8..0x7f).map(char::from).collect();
        let mut texts: Vec<String> = Vec::new();
        for a in &printable {
            for b in &printable {
                texts.push(format!("{a}{b}x"));
            }
        }
        texts.extend(["Herkules VC", "  Södra-Torget  ", "A.B.C 12", "x--y", ""].map(str::to_owned));
        for text in texts.iter().filter(|t| t.is_ascii()) {
            assert_eq!(fold_ascii(text), fold_unicode(text), "{text:?}");
            let whole: String = text
                .chars()
                .flat_map(char::to_lowercase)
                .collect::<String>()
                .nfd()
                .filter(|c| !is_combining_mark(*c))
                .collect();
            assert_eq!(sort_key(text), whole, "{text:?}");
        }
    }

    #[test]
    fn control_direction_and_invisible_only_text_is_refused() {
        for bad in [
            "ad\0min",
            "a\u{1b}[31m",
            "\u{7f}",
            "x\u{85}",
            "abc\u{202e}fed",
            "\u{2066}a",
            "\u{200b}",
            " \u{feff}\u{200d} ",
        ] {
            assert!(check(bad).is_err(), "{bad:?}");
        }
        for good in [
            "Södra Torget",
            "rad 1\nrad 2\tslut\r\n",
            "",
            "   ",
            "a\u{200d}b",
            "عربي",
            "😀",
        ] {
            assert!(check(good).is_ok(), "{good:?}");
        }
        assert!(check("ab\0").unwrap_err().en.contains("character 3"));
    }

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
