//! The street table: which district serves a street, or a part of one (house numbers from–to,
//! on the odd or the even side), and an address read the way staff type it ("Kungsg 12",
//! "Göteborgsv. 3", "Allégatan 14 B").

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::text::{fold, sort_key, words};
use super::{FieldError, Invalid};

/// Highest house number the table takes.
pub const MAX_HOUSE_NUMBER: u32 = 9999;

/// Which side of a street: every house number, or only the odd or only the even ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    #[default]
    Both,
    Odd,
    Even,
}

impl Side {
    /// `both`/`odd`/`even`, or in Swedish `alla`/`udda`/`jämna`; empty is both.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        match fold(raw).as_str() {
            "" | "both" | "alla" | "bada" => Ok(Self::Both),
            "odd" | "udda" => Ok(Self::Odd),
            "even" | "jamna" => Ok(Self::Even),
            _ => Err(Invalid::new(
                format!(
                    "'{}' är ingen sida; ange udda, jämna eller alla",
                    super::shown(raw)
                ),
                format!("'{}' is no side; give odd, even or both", super::shown(raw)),
            )),
        }
    }

    fn admits(self, n: u32) -> bool {
        match self {
            Self::Both => true,
            Self::Odd => n % 2 == 1,
            Self::Even => n.is_multiple_of(2),
        }
    }

    /// The side both `self` and `other` cover, if any.
    fn common(self, other: Self) -> Option<Self> {
        match (self, other) {
            (Self::Both, s) | (s, Self::Both) => Some(s),
            (a, b) if a == b => Some(a),
            _ => None,
        }
    }
}

/// A street, or the part of it (house numbers `from`–`to`, one side or both) that belongs to a
/// district. Built only through [`StreetSpan::new`], so every span is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreetSpan {
    name: String,
    from: u32,
    to: Option<u32>,
    side: Side,
}

impl StreetSpan {
    /// The whole street.
    pub fn whole(name: &str) -> Result<Self, Invalid> {
        Self::new(name, None, None, Side::Both)
    }

    /// `from` defaults to 1, `to` to no end. Refused: a house number outside 1–9999 (the wrong
    /// form), `to` before `from`, a range with no number on its side (rules).
    pub fn new(name: &str, from: Option<u32>, to: Option<u32>, side: Side) -> Result<Self, Invalid> {
        let name = street_name(name)?;
        for n in [from, to].into_iter().flatten() {
            if !(1..=MAX_HOUSE_NUMBER).contains(&n) {
                return Err(Invalid::new(
                    format!("husnummer {n} ligger utanför 1–{MAX_HOUSE_NUMBER}"),
                    format!("house number {n} is outside 1–{MAX_HOUSE_NUMBER}"),
                ));
            }
        }
        let from = from.unwrap_or(1);
        if let Some(to) = to {
            if to < from {
                return Err(Invalid::rule(
                    format!("{name}: husnummer till ({to}) ligger före från ({from})"),
                    format!("{name}: house number to ({to}) comes before from ({from})"),
                ));
            }
            if !(from..=to).any(|n| side.admits(n)) {
                return Err(Invalid::rule(
                    format!("{name}: {from}–{to} har inget {} nummer", side_sv(side)),
                    format!("{name}: {from}–{to} has no {} number", side_en(side)),
                ));
            }
        }
        Ok(Self { name, from, to, side })
    }

    /// The street's name as the table writes it.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn from(&self) -> u32 {
        self.from
    }

    pub fn to(&self) -> Option<u32> {
        self.to
    }

    pub fn side(&self) -> Side {
        self.side
    }

    /// Every house number of the street.
    pub fn is_whole(&self) -> bool {
        self.from == 1 && self.to.is_none() && self.side == Side::Both
    }

    pub fn contains(&self, number: u32) -> bool {
        number >= self.from && self.to.is_none_or(|to| number <= to) && self.side.admits(number)
    }

    /// Both are the same street (ignoring case and accents) and some house number is in both.
    pub fn overlaps(&self, other: &Self) -> bool {
        if fold(&self.name) != fold(&other.name) {
            return false;
        }
        let Some(side) = self.side.common(other.side) else {
            return false;
        };
        let from = self.from.max(other.from);
        let to = match (self.to, other.to) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => return true,
        };
        from <= to && (from..=to.min(from + 1)).any(|n| side.admits(n))
    }

    /// The house numbers in Swedish, none for the whole street: "1–39, udda", "från 30",
    /// "jämna".
    pub fn numbers_sv(&self) -> Option<String> {
        if self.is_whole() {
            return None;
        }
        let range = match (self.from, self.to) {
            (1, None) => None,
            (from, None) => Some(format!("från {from}")),
            (from, Some(to)) if from == to => Some(format!("{from}")),
            (from, Some(to)) => Some(format!("{from}–{to}")),
        };
        let side = match self.side {
            Side::Both => None,
            Side::Odd => Some("udda"),
            Side::Even => Some("jämna"),
        };
        Some(match (range, side) {
            (Some(r), Some(s)) => format!("{r}, {s}"),
            (Some(r), None) => r,
            (None, Some(s)) => format!("{s} nummer"),
            (None, None) => String::new(),
        })
    }

    /// "Allégatan 1–39, udda" or just "Allégatan".
    pub fn text_sv(&self) -> String {
        match self.numbers_sv() {
            Some(n) => format!("{} {n}", self.name),
            None => self.name.clone(),
        }
    }

    /// Reads what [`text_sv`](Self::text_sv) writes ("Allégatan 1–39, udda", "Kungsgatan från
    /// 30", "Nygatan 7", "Torggatan jämna nummer", "Sandwalls plats"); a street's name never
    /// ends with a digit, so the house numbers are read from the end.
    pub fn parse_sv(line: &str) -> Result<Self, Invalid> {
        // Dashes as one '-' with no spaces around it ("1 – 39" is "1-39"), the side case-blind,
        // with or without its comma and "nummer".
        let mut text = line.trim().replace(['–', '—', '−'], "-");
        while let Some(at) = text.find(" -").or_else(|| text.find("- ")) {
            text.replace_range(at..at + 2, "-");
        }
        let mut rest = text.as_str();
        let mut side = Side::Both;
        for (ending, s) in [
            (" udda nummer", Side::Odd),
            (" jämna nummer", Side::Even),
            (" udda", Side::Odd),
            (" jämna", Side::Even),
        ] {
            let lower = rest.to_lowercase();
            if lower.ends_with(ending) && rest.is_char_boundary(rest.len() - ending.len()) {
                rest = rest[..rest.len() - ending.len()]
                    .trim_end()
                    .trim_end_matches(',')
                    .trim_end();
                side = s;
                break;
            }
        }
        let (name, last) = rest.rsplit_once(' ').unwrap_or(("", rest));
        let number = |raw: &str| raw.trim().parse::<u32>().ok();
        let (name, from, to) = if let Some((f, t)) = last.split_once('-')
            && let Some(f) = number(f)
        {
            match t {
                // "30-": from 30 on.
                "" => (name, Some(f), None),
                t => (name, Some(f), Some(number(t).ok_or_else(|| house_numbers(line))?)),
            }
        } else if let Some(n) = number(last) {
            match name.strip_suffix(" från").or_else(|| name.strip_suffix(" Från")) {
                Some(name) => (name, Some(n), None),
                None => (name, Some(n), Some(n)),
            }
        } else {
            (rest, None, None)
        };
        // A digit left in the name is a house number not read as one.
        if name.contains(|c: char| c.is_ascii_digit()) {
            return Err(house_numbers(line));
        }
        Self::new(name, from, to, side)
    }
}

/// Why a line of streets cannot be read.
fn house_numbers(line: &str) -> Invalid {
    Invalid::new(
        format!(
            "'{}' kan inte läsas; skriv gatan och husnumren som ”Allégatan 1–39, udda”, ”Kungsgatan från 30” eller bara gatans namn",
            super::shown(line)
        ),
        format!(
            "'{}' cannot be read; write the street and house numbers as \"Allégatan 1–39, udda\", \"Kungsgatan från 30\" or just the street's name",
            super::shown(line)
        ),
    )
}

fn side_sv(side: Side) -> &'static str {
    match side {
        Side::Both => "",
        Side::Odd => "udda",
        Side::Even => "jämnt",
    }
}

fn side_en(side: Side) -> &'static str {
    match side {
        Side::Both => "",
        Side::Odd => "odd",
        Side::Even => "even",
    }
}

/// A street or part of one, as sent: a name (the whole street) or an object.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum StreetInput {
    /// The whole street: its name, no house number.
    #[schema(example = "Sandwalls plats")]
    Whole(String),
    Part(StreetPart),
}

/// Part of a street: house numbers from–to, on one side or both.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StreetPart {
    /// The street's name, no house number.
    #[schema(example = "Allégatan")]
    pub street: String,
    /// First house number (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 9999, example = 1)]
    pub from: Option<u32>,
    /// Last house number (default: no end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 9999, example = 39)]
    pub to: Option<u32>,
    /// `odd`, `even` or `both` (default).
    #[serde(default)]
    pub side: Side,
}

impl StreetInput {
    pub fn validate(&self) -> Result<StreetSpan, Invalid> {
        match self {
            Self::Whole(name) => StreetSpan::whole(name),
            Self::Part(p) => StreetSpan::new(&p.street, p.from, p.to, p.side),
        }
    }
}

impl From<&StreetSpan> for StreetPart {
    fn from(s: &StreetSpan) -> Self {
        Self {
            street: s.name.clone(),
            from: (s.from != 1).then_some(s.from),
            to: s.to,
            side: s.side,
        }
    }
}

/// Stored (and in the history) a whole street is its name, a part an object; both forms read.
impl Serialize for StreetSpan {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.is_whole() {
            serializer.serialize_str(&self.name)
        } else {
            StreetPart::from(self).serialize(serializer)
        }
    }
}

impl<'de> Deserialize<'de> for StreetSpan {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        StreetInput::deserialize(deserializer)?
            .validate()
            .map_err(|e| serde::de::Error::custom(e.en))
    }
}

/// A district's streets: each valid, no house number in two spans of the same street, sorted.
pub fn spans(inputs: &[StreetInput], field: &str) -> Result<Vec<StreetSpan>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out: Vec<StreetSpan> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        match input.validate() {
            Ok(span) => match out.iter().find(|o| o.overlaps(&span)) {
                Some(other) => errors.push(overlap(&span, other).at(format!("{field}[{i}]"))),
                None => out.push(span),
            },
            Err(e) => errors.push(e.at(format!("{field}[{i}]"))),
        }
    }
    sort(&mut out);
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// Street order: by name (Swedish), then house numbers.
pub fn sort(spans: &mut [StreetSpan]) {
    spans.sort_by_cached_key(|s| (sort_key(&s.name), s.from, s.side as u8));
}

/// The first span of `theirs` that shares a house number with one of `ours`.
pub fn first_overlap<'a>(
    ours: &'a [StreetSpan],
    theirs: &'a [StreetSpan],
) -> Option<(&'a StreetSpan, &'a StreetSpan)> {
    ours.iter()
        .find_map(|a| theirs.iter().find(|b| a.overlaps(b)).map(|b| (a, b)))
}

/// "… overlaps …" as a rule broken.
pub fn overlap(span: &StreetSpan, other: &StreetSpan) -> Invalid {
    Invalid::rule(
        format!("{} överlappar {}", span.text_sv(), other.text_sv()),
        format!("{} overlaps {}", span.text_sv(), other.text_sv()),
    )
}

/// An address as typed: the street's folded words and the house number after them, if any
/// ("Allégatan 14 B" → `["allegatan"]`, 14). Words after the number (a letter, "lgh 1102")
/// are left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedAddress {
    pub words: Vec<String>,
    pub number: Option<u32>,
}

impl TypedAddress {
    /// `None` when there is no street word before the first number.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::from_words(words(&fold(raw)))
    }

    /// From words already folded.
    pub fn from_words<'a>(folded: impl IntoIterator<Item = &'a str>) -> Option<Self> {
        let mut out = Vec::new();
        let mut number = None;
        for word in folded {
            if word.starts_with(|c: char| c.is_ascii_digit()) {
                let digits: String = word.chars().take_while(char::is_ascii_digit).collect();
                // A number outside the table's range is no house number: the street alone.
                number = digits.parse().ok().filter(|n| (1..=MAX_HOUSE_NUMBER).contains(n));
                break;
            }
            out.push(word.to_owned());
        }
        (!out.is_empty()).then_some(Self { words: out, number })
    }

    /// The last word is the last word of `name` (folded words) with its ending shortened the
    /// way staff write it: "kungsg"/"kungsgt" for kungsgatan, "göteborgsv"/"göteborgsvg" for
    /// göteborgsvägen, "pl" for plats ("kung" is not: it is just the beginning).
    pub fn ends_short_of(&self, name: &[&str]) -> bool {
        let (Some(typed), Some(last)) = (self.words.last(), name.last()) else {
            return false;
        };
        [
            ("gt", "gatan"),
            ("g", "gatan"),
            ("vg", "vagen"),
            ("v", "vagen"),
            ("pl", "plats"),
        ]
        .iter()
        .any(|(short, long)| {
            typed
                .strip_suffix(short)
                .is_some_and(|stem| last.strip_prefix(stem) == Some(long))
        })
    }

    /// How the typed words name a street whose folded words are `name`: `Exact`, or
    /// `Abbreviated` when each typed word begins its word of the name ("kungsg" →
    /// kungsgatan, "s torget" → södra torget, "goteborgsv" → göteborgsvägen), with "gt" read
    /// as gatan and "vg" as vägen; the typed words together must be at least 4 letters.
    pub fn names(&self, name: &[&str]) -> Option<Naming> {
        if self.words.len() != name.len() {
            // "sandwallsplats" for "sandwalls plats", "kungs gatan" for "kungsgatan".
            let typed: String = self.words.concat();
            let joined: String = name.concat();
            return if typed == joined {
                Some(Naming::Exact)
            } else {
                None
            };
        }
        if self.words.iter().zip(name).all(|(t, n)| t == n) {
            return Some(Naming::Exact);
        }
        let letters: usize = self.words.iter().map(String::len).sum();
        let begins = |typed: &str, word: &str| {
            word.starts_with(typed)
                || [("gt", "gatan"), ("vg", "vagen"), ("pl", "plats")]
                    .iter()
                    .any(|(short, long)| {
                        typed.strip_suffix(short).is_some_and(|stem| {
                            !stem.is_empty() && word.starts_with(&format!("{stem}{long}"))
                        })
                    })
        };
        (letters >= 4 && self.words.iter().zip(name).all(|(t, n)| begins(t, n)))
            .then_some(Naming::Abbreviated)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Naming {
    Exact,
    Abbreviated,
}

/// A street name as the address lookup keeps it: trimmed, 1–100 characters, no house number.
fn street_name(raw: &str) -> Result<String, Invalid> {
    let name = super::bounded_text(raw, 100, "gatunamnet", "the street name")?;
    if name.chars().last().is_some_and(|c| c.is_ascii_digit()) {
        return Err(Invalid::rule(
            format!("'{}' ska vara ett gatunamn utan husnummer", super::shown(&name)),
            format!(
                "'{}' should be a street name without a house number",
                super::shown(&name)
            ),
        ));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_span_reads_back_from_its_words() {
        for side in [Side::Both, Side::Odd, Side::Even] {
            for (from, to) in [
                (None, None),
                (Some(30), None),
                (Some(1), Some(39)),
                (Some(8), Some(8)),
                (Some(2), Some(40)),
            ] {
                let Ok(span) = StreetSpan::new("Sankt Sigfrids gata", from, to, side) else {
                    continue;
                };
                assert_eq!(
                    StreetSpan::parse_sv(&span.text_sv()).as_ref(),
                    Ok(&span),
                    "{}",
                    span.text_sv()
                );
            }
        }
        assert!(StreetSpan::parse_sv("Allégatan 12-3").is_err());
        // Typed other ways, read as meant or refused, never a name with numbers in it.
        let read = |line: &str| StreetSpan::parse_sv(line).map(|s| s.text_sv());
        assert_eq!(read("Allégatan 1 – 39").unwrap(), "Allégatan 1–39");
        assert_eq!(read("Allégatan 2-40 jämna").unwrap(), "Allégatan 2–40, jämna");
        assert_eq!(read("Allégatan 1–39, Udda").unwrap(), "Allégatan 1–39, udda");
        assert_eq!(read("Kungsgatan 30-").unwrap(), "Kungsgatan från 30");
        for bad in ["Allégatan 1 3", "Allégatan 1–3x", "Väg 40 norra 5"] {
            assert!(StreetSpan::parse_sv(bad).is_err(), "{bad}");
        }
    }

    fn span(from: Option<u32>, to: Option<u32>, side: Side) -> StreetSpan {
        StreetSpan::new("Allégatan", from, to, side).unwrap()
    }

    #[test]
    fn spans_overlap_only_when_a_house_number_is_in_both() {
        let odd = span(Some(1), Some(39), Side::Odd);
        let even = span(None, None, Side::Even);
        let whole = span(None, None, Side::Both);
        let high = span(Some(40), None, Side::Both);
        assert!(!odd.overlaps(&even));
        assert!(odd.overlaps(&whole) && even.overlaps(&whole));
        assert!(!odd.overlaps(&high));
        assert!(high.overlaps(&even));
        assert!(!span(Some(41), Some(41), Side::Odd).overlaps(&span(Some(40), Some(42), Side::Even)));
        assert!(span(Some(41), Some(41), Side::Odd).overlaps(&span(Some(40), Some(42), Side::Both)));
        assert!(odd.contains(39) && !odd.contains(38) && !odd.contains(41));
        assert!(high.contains(9999) && !high.contains(39));
    }

    #[test]
    fn bad_spans_are_refused_with_the_right_kind_of_error() {
        assert!(
            !StreetSpan::new("Allégatan", Some(0), None, Side::Both)
                .unwrap_err()
                .rule
        );
        assert!(
            !StreetSpan::new("Allégatan", None, Some(10_000), Side::Both)
                .unwrap_err()
                .rule
        );
        assert!(
            StreetSpan::new("Allégatan", Some(10), Some(9), Side::Both)
                .unwrap_err()
                .rule
        );
        assert!(
            StreetSpan::new("Allégatan", Some(2), Some(2), Side::Odd)
                .unwrap_err()
                .rule
        );
        let list = [
            StreetInput::Part(StreetPart {
                street: "Allégatan".into(),
                from: Some(1),
                to: Some(39),
                side: Side::Odd,
            }),
            StreetInput::Whole("allegatan".into()),
        ];
        let errors = spans(&list, "streets").unwrap_err();
        assert_eq!(errors[0].field, "streets[1]");
    }

    #[test]
    fn stored_form_reads_back_and_whole_streets_stay_names() {
        let stored = serde_json::to_string(&[
            StreetSpan::whole("Sandwalls plats").unwrap(),
            span(Some(1), Some(39), Side::Odd),
        ])
        .unwrap();
        assert_eq!(
            stored,
            r#"["Sandwalls plats",{"street":"Allégatan","to":39,"side":"odd"}]"#
        );
        let back: Vec<StreetSpan> = serde_json::from_str(&stored).unwrap();
        assert_eq!(back[1], span(Some(1), Some(39), Side::Odd));
        assert_eq!(back[1].text_sv(), "Allégatan 1–39, udda");
        assert_eq!(
            span(Some(40), None, Side::Even).text_sv(),
            "Allégatan från 40, jämna"
        );
    }

    #[test]
    fn addresses_read_as_typed() {
        let a = TypedAddress::parse("Allégatan 14 B").unwrap();
        assert_eq!(
            (a.words.as_slice(), a.number),
            (&["allegatan".to_owned()][..], Some(14))
        );
        assert_eq!(TypedAddress::parse("Kungsg. 12a").unwrap().number, Some(12));
        assert!(TypedAddress::parse("12 Kungsgatan").is_none());
        assert_eq!(TypedAddress::parse("Kungsgatan 12345").unwrap().number, None);
        let short = |typed: &str, name: &[&str]| TypedAddress::parse(typed).unwrap().ends_short_of(name);
        assert!(short("kungsg 3", &["kungsgatan"]));
        assert!(short("Kungsgt.", &["kungsgatan"]));
        assert!(short("Göteborgsv.", &["goteborgsvagen"]));
        assert!(short("sandwalls pl", &["sandwalls", "plats"]));
        assert!(!short("kung", &["kungsgatan"]));
        assert!(!short("kungsgatan", &["kungsgatan"]));
        let names = |typed: &str, name: &str| {
            let folded = fold(name);
            TypedAddress::parse(typed).and_then(|t| t.names(&words(&folded).collect::<Vec<_>>()))
        };
        assert_eq!(names("kungsgatan 3", "Kungsgatan"), Some(Naming::Exact));
        assert_eq!(names("Kungsg 12", "Kungsgatan"), Some(Naming::Abbreviated));
        assert_eq!(names("Kungsgt 12", "Kungsgatan"), Some(Naming::Abbreviated));
        assert_eq!(
            names("Göteborgsv. 3", "Göteborgsvägen"),
            Some(Naming::Abbreviated)
        );
        assert_eq!(
            names("Göteborgsvg 3", "Göteborgsvägen"),
            Some(Naming::Abbreviated)
        );
        assert_eq!(
            names("sandwalls pl", "Sandwalls plats"),
            Some(Naming::Abbreviated)
        );
        assert_eq!(names("sandwallsplats", "Sandwalls plats"), Some(Naming::Exact));
        assert_eq!(names("st brogatan", "Stora Brogatan"), Some(Naming::Abbreviated));
        assert_eq!(names("kun", "Kungsgatan"), None);
        assert_eq!(names("västerbrog", "Kungsgatan"), None);
    }
}
