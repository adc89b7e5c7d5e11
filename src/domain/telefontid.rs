//! Telephone hours as people write them, and back: "vardagar 08:00–12:00, 13:00–16:30, lör
//! 10–14" and "2026-12-24 stängt (julafton)". The pages show a number's hours in these words
//! and read them back from the same field, so a form saved without touching its hours stores
//! exactly what it showed (`spans(&hours::describe_spans(s)) == s` for every list of spans; a test goes
//! through every set of days).
//!
//! Days are the directory's day kinds, never a range: "mån–fre" is refused with a hint, because
//! staff mean the working days ("vardagar", no holidays) and a range would say open on
//! Christmas Day.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::hours::{
    Clock, DateException, DaySpan, Days, OVERNIGHT_WORDS, WeeklySpan, date_rule, day_word, overnight,
    span_rule, span_text, weekly_rule,
};
#[cfg(test)]
use super::hours::{describe_exception, describe_spans};
use super::{Invalid, shown};

/// The words for each kind of day, longest first where one starts another.
const DAY_WORDS: &[(&str, Days)] = &[
    ("helger och helgdagar", Days::NonWorkdays),
    ("alla dagar", Days::EveryDay),
    ("varje dag", Days::EveryDay),
    ("dagligen", Days::EveryDay),
    ("vardagar", Days::Workdays),
    ("vardag", Days::Workdays),
    ("helgdagar", Days::NonWorkdays),
    ("helgdag", Days::NonWorkdays),
    ("helger", Days::NonWorkdays),
    ("helg", Days::NonWorkdays),
    ("måndagar", Days::Mon),
    ("måndag", Days::Mon),
    ("mån", Days::Mon),
    ("tisdagar", Days::Tue),
    ("tisdag", Days::Tue),
    ("tis", Days::Tue),
    ("onsdagar", Days::Wed),
    ("onsdag", Days::Wed),
    ("ons", Days::Wed),
    ("torsdagar", Days::Thu),
    ("torsdag", Days::Thu),
    ("tors", Days::Thu),
    ("tor", Days::Thu),
    ("fredagar", Days::Fri),
    ("fredag", Days::Fri),
    ("fre", Days::Fri),
    ("lördagar", Days::Sat),
    ("lördag", Days::Sat),
    ("lör", Days::Sat),
    ("söndagar", Days::Sun),
    ("söndag", Days::Sun),
    ("sön", Days::Sun),
];

/// The weekly spans a text names: days, then one or more times; the days hold until other days
/// are named. "vardagar 8–12, 13–16.30, lör 10–14".
pub fn spans(text: &str) -> Result<Vec<WeeklySpan>, Invalid> {
    let tokens = tokens(text);
    let mut out = Vec::new();
    let mut days = BTreeSet::new();
    // Whether the days were just named (a further day word adds to them) or have been used by
    // a time (a further day word starts new days).
    let mut naming = false;
    let mut i = 0;
    while i < tokens.len() {
        if let Some((day, used)) = day_at(&tokens[i..]) {
            if !naming {
                days.clear();
            }
            days.insert(day);
            naming = true;
            i += used;
            if tokens.get(i).is_some_and(|t| t == "-") && day_at(&tokens[i + 1..]).is_some() {
                return Err(Invalid::new(
                    "skriv inte dagar som ett intervall: skriv ”vardagar” (måndag–fredag utom helgdagar) eller dagarna var för sig, till exempel ”mån, tis, ons”",
                    "do not write days as a range: write \"vardagar\" (Monday to Friday except holidays) or the days one by one, e.g. \"mån, tis, ons\"",
                ));
            }
            continue;
        }
        if tokens[i] == "och" && naming {
            i += 1;
            continue;
        }
        let (from, to, used) = span_at(&tokens[i..])?;
        if days.is_empty() {
            return Err(Invalid::new(
                format!(
                    "skriv vilka dagar {} gäller, till exempel ”vardagar 08:00–16:30”",
                    span_text(from, to)
                ),
                format!(
                    "say which days {} applies to, e.g. \"vardagar 08:00–16:30\"",
                    span_text(from, to)
                ),
            ));
        }
        out.push(WeeklySpan {
            days: days.clone(),
            from,
            to,
        });
        naming = false;
        i += used;
    }
    if naming {
        let named: Vec<&str> = days.iter().map(|d| day_word(*d)).collect();
        return Err(Invalid::new(
            format!(
                "”{}” har ingen tid; skriv till exempel ”{} 10:00–14:00”",
                named.join(", "),
                named.join(", ")
            ),
            format!(
                "\"{}\" has no time; write e.g. \"{} 10:00–14:00\"",
                named.join(", "),
                named.join(", ")
            ),
        ));
    }
    // The rules of the saved hours, here already: the preview says what the save would.
    weekly_rule(&out).map_err(|(_, why)| why)?;
    Ok(out)
}

/// The spans of one day: "08:00–12:00, 13:00–15:00".
pub fn day_spans(text: &str) -> Result<Vec<DaySpan>, Invalid> {
    let tokens = tokens(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let (from, to, used) = span_at(&tokens[i..])?;
        out.push(DaySpan { from, to });
        i += used;
    }
    date_rule(&out).map_err(|(_, why)| why)?;
    Ok(out)
}

/// Dates with other hours, one a line, as [`describe_exception`] writes them; blank lines are
/// skipped. An error names its line.
pub fn exceptions(text: &str) -> Result<Vec<DateException>, Invalid> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        out.push(exception(line).map_err(|e| {
            Invalid::new(
                format!("rad {}: {}", n + 1, e.sv),
                format!("line {}: {}", n + 1, e.en),
            )
        })?);
    }
    Ok(out)
}

fn exception(line: &str) -> Result<DateException, Invalid> {
    let (date, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| {
        Invalid::new(
            format!("börja med datumet (ÅÅÅÅ-MM-DD), inte ”{}”", shown(date)),
            format!("start with the date (YYYY-MM-DD), not \"{}\"", shown(date)),
        )
    })?;
    let mut rest = rest.trim();
    let mut note = None;
    if let Some(open) = rest.rfind('(')
        && rest.ends_with(')')
    {
        note = Some(rest[open + 1..rest.len() - 1].trim().to_owned()).filter(|n| !n.is_empty());
        rest = rest[..open].trim();
    }
    // One date a line, one note in brackets at its end: anything else would be read as
    // something other than was meant.
    if rest.contains(['(', ')']) || note.as_deref().is_some_and(|n| n.contains(['(', ')'])) {
        return Err(Invalid::new(
            "en rad är ett datum, dess tider (eller ”stängt”) och en anteckning inom parentes sist, till exempel ”2026-12-24 stängt (julafton)”",
            "a line is one date, its spans (or \"stängt\") and one note in brackets at its end, e.g. \"2026-12-24 stängt (julafton)\"",
        ));
    }
    let spans = match rest.to_lowercase().as_str() {
        "" | "stängt" => Vec::new(),
        times => day_spans(times)?,
    };
    Ok(DateException { date, spans, note })
}

/// Composed (NFC: an å typed as a and a ring is å), lower case, dashes as `-` tokens of
/// their own, commas and semicolons as spaces.
fn tokens(text: &str) -> Vec<String> {
    use unicode_normalization::UnicodeNormalization;
    let mut spaced = String::with_capacity(text.len() + 8);
    for c in text.nfc().collect::<String>().to_lowercase().chars() {
        match c {
            '-' | '–' | '—' | '−' => spaced.push_str(" - "),
            ',' | ';' => spaced.push(' '),
            c => spaced.push(c),
        }
    }
    spaced.split_whitespace().map(str::to_owned).collect()
}

/// The kind of day the tokens start with, and how many tokens it takes.
fn day_at(tokens: &[String]) -> Option<(Days, usize)> {
    DAY_WORDS.iter().find_map(|(words, day)| {
        let words: Vec<&str> = words.split(' ').collect();
        let matches = tokens.len() >= words.len() && words.iter().zip(tokens).all(|(w, t)| w == t);
        matches.then_some((*day, words.len()))
    })
}

/// A span `from - to` (or `from till to`) at the start of the tokens.
fn span_at(tokens: &[String]) -> Result<(Clock, Clock, usize), Invalid> {
    let unreadable = |t: &str| {
        Invalid::new(
            format!(
                "”{}” kan inte läsas som dagar eller en tid; skriv till exempel ”vardagar 08:00–12:00, 13:00–16:30”",
                shown(t)
            ),
            format!(
                "\"{}\" is neither days nor a time; write e.g. \"vardagar 08:00–12:00, 13:00–16:30\"",
                shown(t)
            ),
        )
    };
    let from = clock(&tokens[0]).ok_or_else(|| unreadable(&tokens[0]))?;
    let dash = tokens.get(1).map(String::as_str);
    let to = tokens.get(2).map(|t| (t, clock(t)));
    match (dash, to) {
        (Some("-" | "till"), Some((_, Some(to)))) => {
            span_rule(from, to)?;
            if !overnight(from, to) {
                return Ok((from, to, 3));
            }
            // Past midnight only when written so: "12–8" is more often a slip than a night.
            let said = tokens.len() >= 5 && tokens[3..5].iter().zip(OVERNIGHT_WORDS).all(|(t, w)| t == w);
            if said {
                return Ok((from, to, 5));
            }
            let span = format!("{}–{}", String::from(from), String::from(to));
            Err(Invalid::rule(
                format!(
                    "”{span}” går över midnatt; menar du det, skriv ”{span} över natten”, annars rätta tiden"
                ),
                format!(
                    "\"{span}\" passes midnight; if that is meant, write \"{span} över natten\", else correct the time"
                ),
            ))
        }
        (Some("-" | "till"), Some((t, None))) => Err(Invalid::new(
            format!("”{}” är ingen tid; skriv TT:MM, till exempel 16:30", shown(t)),
            format!("\"{}\" is not a time; write HH:MM, e.g. 16:30", shown(t)),
        )),
        _ => Err(Invalid::new(
            format!(
                "tiden som börjar {} har inget slut; skriv till exempel ”{}–16:30”",
                String::from(from),
                String::from(from)
            ),
            format!(
                "the span starting {} has no end; write e.g. \"{}–16:30\"",
                String::from(from),
                String::from(from)
            ),
        )),
    }
}

/// `8`, `08`, `8.30`, `8:30`, `08:30`, `24`.
fn clock(raw: &str) -> Option<Clock> {
    let (h, m) = raw.split_once([':', '.']).unwrap_or((raw, "00"));
    let digits =
        |s: &str, max: usize| !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h, 2) || !digits(m, 2) || m.len() != 2 {
        return None;
    }
    Clock::try_from(format!("{h:0>2}:{m}")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(raw: &str) -> Clock {
        Clock::try_from(raw.to_owned()).unwrap()
    }

    fn span(days: &[Days], from: &str, to: &str) -> WeeklySpan {
        WeeklySpan {
            days: days.iter().copied().collect(),
            from: c(from),
            to: c(to),
        }
    }

    #[test]
    fn reads_hours_as_staff_write_them() {
        assert_eq!(
            spans("vardagar 8–12, 13-16.30, lör 10:00 till 14:00").unwrap(),
            vec![
                span(&[Days::Workdays], "08:00", "12:00"),
                span(&[Days::Workdays], "13:00", "16:30"),
                span(&[Days::Sat], "10:00", "14:00"),
            ]
        );
        assert_eq!(
            spans("Måndagar och onsdagar 18–20; helger och helgdagar 10–14").unwrap(),
            vec![
                span(&[Days::Mon, Days::Wed], "18:00", "20:00"),
                span(&[Days::NonWorkdays], "10:00", "14:00"),
            ]
        );
        assert_eq!(spans("  ").unwrap(), vec![]);
        assert_eq!(
            spans("alla dagar 16:00–01:00 över natten").unwrap(),
            vec![span(&[Days::EveryDay], "16:00", "01:00")]
        );
        // Decomposed letters (an ö typed as o and two dots) read as the composed ones.
        assert_eq!(
            spans("lo\u{308}r 10–14").unwrap(),
            vec![span(&[Days::Sat], "10:00", "14:00")]
        );
        assert_eq!(
            spans("alla dagar 00:00–24:00").unwrap(),
            vec![span(&[Days::EveryDay], "00:00", "24:00")]
        );
    }

    /// The preview reads with the save's rules: what one refuses, the other refuses too,
    /// in the same words (`Hours::validate` says them for the API).
    #[test]
    fn refuses_what_the_save_would_refuse_in_its_words() {
        for (text, says) in [
            ("mån 8-8", "börjar och slutar samtidigt"),
            ("mån 24-24", "börjar och slutar samtidigt"),
            ("mån 24:00-01:00", "kan inte börja 24:00"),
            ("mån 8-12, mån 10-14", "överlappar"),
            ("mån 8-12, mån 8-12", "överlappar"),
            ("vardagar 8-17, mån 16-18", "överlappar"),
            ("alla dagar 22-02 över natten, lör 23-23.30", "överlappar"),
            ("mån 12-8", "över midnatt"),
        ] {
            let e = spans(text).unwrap_err();
            assert!(e.sv.contains(says), "{text}: {}", e.sv);
        }
        // Not overlapping: other days, or one after the other.
        assert!(spans("mån 8-12, tis 8-12, mån 12-16, lör 8-12").is_ok());
        let e = exceptions("2026-12-31 8-12, 10-14").unwrap_err();
        assert!(e.sv.contains("överlappar"), "{}", e.sv);
        // The API's check of the same hours says the same words.
        let text = "mån 8-12, mån 10-14";
        let weekly: Vec<WeeklySpan> = text
            .split(", ")
            .map(|part| spans(part).unwrap().remove(0))
            .collect();
        let hours = crate::domain::hours::TelephoneHours {
            weekly,
            ..crate::domain::hours::TelephoneHours::always()
        };
        let errors = hours.validate("hours").unwrap_err();
        assert_eq!(errors[0].sv, spans(text).unwrap_err().sv);
    }

    #[test]
    fn refuses_what_it_cannot_read_and_says_why() {
        for (text, says) in [
            ("mån–fre 8–17", "vardagar"),
            ("8–17", "vilka dagar"),
            ("vardagar 8", "inget slut"),
            ("vardagar 8–12, lör", "ingen tid"),
            ("vardagar 8–25", "ingen tid"),
            ("ibland 8–12", "kan inte läsas"),
            ("vardagar 8:5–12", "kan inte läsas"),
        ] {
            let e = spans(text).unwrap_err();
            assert!(e.sv.contains(says), "{text}: {}", e.sv);
            assert!(!e.en.is_empty());
        }
    }

    #[test]
    fn every_set_of_days_reads_back_as_written() {
        for mask in 1u32..(1 << Days::ALL.len()) {
            let days: Vec<Days> = Days::ALL
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, d)| *d)
                .collect();
            let written = vec![
                span(&days, "08:00", "12:00"),
                span(&days, "13:00", "16:30"),
                span(&[Days::Sun], "22:00", "02:00"),
            ];
            let text = describe_spans(&written);
            assert_eq!(spans(&text).unwrap(), written, "{text}");
        }
    }

    #[test]
    fn date_exceptions_read_back_as_written() {
        let text = "2026-12-24 stängt (julafton)\n\n2026-12-31 08:00–12:00, 13:00-14:00\n2027-01-05 (trettondagsafton)";
        let read = exceptions(text).unwrap();
        assert_eq!(read.len(), 3);
        assert_eq!(read[0].note.as_deref(), Some("julafton"));
        assert!(read[0].spans.is_empty() && read[2].spans.is_empty());
        assert_eq!(read[1].spans.len(), 2);
        let again: Vec<String> = read.iter().map(describe_exception).collect();
        assert_eq!(exceptions(&again.join("\n")).unwrap(), read);
        let e = exceptions("2026-12-24 stängt\n24 dec stängt").unwrap_err();
        assert!(e.sv.starts_with("rad 2: börja med datumet"), "{}", e.sv);
        // Two dates on one line are refused, not read as one with a long note.
        let e = exceptions("2026-12-31 8-12 (nyårsafton) 2027-01-01 stängt (nyårsdagen)").unwrap_err();
        assert!(e.sv.contains("en rad är ett datum"), "{}", e.sv);
    }
}
