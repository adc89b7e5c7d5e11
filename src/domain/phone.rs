//! Telephone numbers, parsed once with the `phonenumber` crate and valid everywhere after.

use serde::{Deserialize, Serialize};

use super::Invalid;

/// Longest input we try to parse; anything longer is not a phone number.
const MAX_INPUT_LEN: usize = 40;

/// A Swedish (or international) telephone number in E.164 with its national display form.
/// Its serde form (`{"e164", "national"}`) is for stored states, which were valid when
/// written; what people send is parsed with [`PhoneNumber::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PhoneNumber {
    #[schema(example = "+46313900627")]
    e164: String,
    #[schema(example = "031-390 06 27")]
    national: String,
}

impl PhoneNumber {
    /// Parses what a person types: `033-357 00 00`, `+46 33 357 00 00`, `0046333570000`.
    /// Numbers without a country code are read as Swedish.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(Invalid::new(
                "telefonnumret saknas",
                "the phone number is missing",
            ));
        }
        if input.chars().count() > MAX_INPUT_LEN {
            return Err(Invalid::new(
                format!("telefonnumret är längre än {MAX_INPUT_LEN} tecken"),
                format!("the phone number is longer than {MAX_INPUT_LEN} characters"),
            ));
        }
        if let Some(bad) = trimmed
            .chars()
            .find(|c| !(c.is_ascii_digit() || " -+()/.".contains(*c)))
        {
            return Err(Invalid::new(
                format!("'{trimmed}' innehåller tecknet '{bad}' som inte hör hemma i ett telefonnummer"),
                format!(
                    "'{trimmed}' contains the character '{bad}', which does not belong in a phone number"
                ),
            ));
        }
        let parsed = phonenumber::parse(Some(phonenumber::country::Id::SE), trimmed).map_err(|e| {
            Invalid::rule(
                format!("'{trimmed}' kan inte tolkas som ett telefonnummer ({e})"),
                format!("'{trimmed}' cannot be read as a phone number ({e})"),
            )
        })?;
        if !phonenumber::is_valid(&parsed) {
            return Err(Invalid::rule(
                format!("'{trimmed}' är inte ett giltigt nummer (fel antal siffror eller okänt riktnummer)"),
                format!("'{trimmed}' is not a valid number (wrong number of digits or unknown area code)"),
            ));
        }
        let e164 = parsed.format().mode(phonenumber::Mode::E164).to_string();
        let national = if e164.starts_with("+46") {
            parsed.format().mode(phonenumber::Mode::National).to_string()
        } else {
            parsed.format().mode(phonenumber::Mode::International).to_string()
        };
        Ok(Self { e164, national })
    }

    /// Parses a number a person typed, as [`PhoneNumber::parse`]; one whose digits look
    /// mistyped ([`PhoneNumber::doubt`]) is refused (422) unless the person has `confirmed` it.
    /// `confirm_field` names where they say so, for the message.
    pub fn typed(input: &str, confirmed: bool, confirm_field: &str) -> Result<Self, Invalid> {
        let number = Self::parse(input)?;
        match number.doubt(input) {
            Some(why) if !confirmed => Err(Invalid::rule(
                format!("{} Bekräfta numret om det stämmer.", why.sv),
                format!(
                    "{} Confirm the number ({confirm_field}: true) if it is right.",
                    why.en
                ),
            )),
            _ => Ok(number),
        }
    }

    /// Why `typed` (which reads as this number) may be a slip, e.g. a digit missing: "Menade
    /// du 031-39 00 62? …". Two signs, by the Swedish numbering plan:
    /// - the digits were grouped as no Swedish number is: a group of one digit, or more than
    ///   three, after the area code, or the area code split (`031-390 06 2` reads as
    ///   031-39 00 62: a digit left out or added moves the groups). The number's own form and
    ///   the other usual groupings (`0980-319 250` for 0980-31 92 50) raise none;
    /// - more or fewer digits after the area code than is usual for an area code of its
    ///   length (08: 7–8, 0xx: 6–7, 0xxx: 5–6), for a fixed line: other kinds (mobile, 010,
    ///   020 …) have the lengths their series allow, which [`PhoneNumber::parse`] holds them to.
    ///
    /// Numbers outside Sweden, and typed forms without grouping (`0313900062`), raise none.
    pub fn doubt(&self, typed: &str) -> Option<Invalid> {
        let (area, subscriber) = self.national.split_once('-')?;
        if !self.e164.starts_with("+46") {
            return None;
        }
        let mut sv = Vec::new();
        let mut en = Vec::new();
        let digits = subscriber.chars().filter(char::is_ascii_digit).count();
        let usual = match area.len() {
            2 => 7..=8,
            3 => 6..=7,
            _ => 5..=6,
        };
        let fixed_line = self.is_fixed_line();
        if fixed_line && !usual.contains(&digits) {
            let (fewer_sv, fewer_en) = if digits < *usual.start() {
                ("färre", "fewer")
            } else {
                ("fler", "more")
            };
            sv.push(format!("Numret har {fewer_sv} siffror än vanligt för {area}."));
            en.push(format!("The number has {fewer_en} digits than usual for {area}."));
        }
        let area_digits = fixed_line.then(|| area.len() - 1);
        if !grouped_as_a_number(typed, &self.national, area_digits) {
            sv.push(format!(
                "Inget svenskt nummer grupperas som '{}'.",
                super::shown(typed)
            ));
            en.push(format!(
                "No Swedish number is grouped as '{}'.",
                super::shown(typed)
            ));
        }
        (!sv.is_empty()).then(|| {
            Invalid::rule(
                format!("Menade du {}? {}", self.national, sv.join(" ")),
                format!("Did you mean {}? {}", self.national, en.join(" ")),
            )
        })
    }

    /// A fixed line (a geographic number, with an area code), as the numbering plan says.
    fn is_fixed_line(&self) -> bool {
        phonenumber::parse(None, &self.e164)
            .is_ok_and(|n| n.number_type(&phonenumber::metadata::DATABASE) == phonenumber::Type::FixedLine)
    }

    /// Rebuilds a number that was validated before it was stored.
    pub fn from_stored(e164: String, national: String) -> Self {
        Self { e164, national }
    }

    pub fn e164(&self) -> &str {
        &self.e164
    }

    /// The form staff read and dial: `031-390 06 00`.
    pub fn national(&self) -> &str {
        &self.national
    }

    /// RFC 3966 URI, for a click-to-call link.
    pub fn tel_uri(&self) -> String {
        format!("tel:{}", self.e164)
    }

    /// True when the number lies in a range that Post- och telestyrelsen keeps for fiction
    /// (see DOMAIN.md). Demo data, tests and documentation use only such numbers.
    pub fn is_fictional(&self) -> bool {
        let Some(national_digits) = self.e164.strip_prefix("+46") else {
            return false;
        };
        let Ok(n) = national_digits.parse::<u64>() else {
            return false;
        };
        const RANGES: [(u64, u64); 5] = [
            (701740605, 701740699), // 070-174 06 05 .. 99
            (313900600, 313900699), // 031-390 06 00 .. 99
            (846500400, 846500499), // 08-465 004 00 .. 99
            (406280400, 406280499), // 040-628 04 00 .. 99
            (980319200, 980319299), // 0980-319 200 .. 299
        ];
        RANGES.iter().any(|(lo, hi)| (*lo..=*hi).contains(&n))
    }
}

/// Whether `typed` groups its digits as a Swedish number may be grouped: as its own form
/// `national` does, or with its area code whole and groups of two or three digits after it.
/// `area`: the area code's digits (without the 0) of a fixed line; other numbers take their
/// first typed group as the prefix (`0771-24 24 24`).
fn grouped_as_a_number(typed: &str, national: &str, area: Option<usize>) -> bool {
    let typed = groups(typed);
    let own = groups(national);
    if typed.iter().all(|at| own.contains(at)) {
        return true;
    }
    let Some(area) = area.or(typed.first().copied()) else {
        return true;
    };
    let mut starts: Vec<usize> = typed.into_iter().filter(|at| *at != area).collect();
    if starts.iter().any(|at| *at < area) {
        return false;
    }
    starts.insert(0, area);
    starts.push(national.chars().filter(char::is_ascii_digit).count() - 1);
    starts
        .windows(2)
        .all(|w| w[1] > w[0] && (2..=3).contains(&(w[1] - w[0])))
}

/// Where a typed Swedish number's groups start, counted in its digits after the country
/// code and the leading 0 (`031-390 06 27` and `+46 31 390 06 27` both give 2, 5, 7).
fn groups(typed: &str) -> Vec<usize> {
    let typed = typed.trim().trim_start_matches(['(', ' ']);
    let mut digits = 0;
    let mut starts = Vec::new();
    let mut gap = false;
    for c in typed.chars() {
        if c.is_ascii_digit() {
            if gap && digits > 0 {
                starts.push(digits);
            }
            gap = false;
            digits += 1;
        } else {
            gap = true;
        }
    }
    let all: String = typed.chars().filter(char::is_ascii_digit).collect();
    // What comes before the number proper: the country code, then a leading 0 ("(0)").
    let mut skip = if typed.starts_with('+') && all.starts_with("46") {
        2
    } else if all.starts_with("0046") {
        4
    } else {
        0
    };
    if all[skip..].starts_with('0') {
        skip += 1;
    }
    starts
        .into_iter()
        .filter(|at| *at > skip)
        .map(|at| at - skip)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_input_gives_e164_and_display_form() {
        let n = PhoneNumber::parse("031-390 06 00").unwrap();
        assert_eq!(n.e164(), "+46313900600");
        assert_eq!(n.national(), "031-390 06 00");
        assert_eq!(n.tel_uri(), "tel:+46313900600");
        assert!(n.is_fictional());
    }

    #[test]
    fn international_and_compact_inputs_agree() {
        for input in [
            "+46 31 390 06 00",
            "0313900600",
            "+46313900600",
            "(031) 390 06 00",
        ] {
            assert_eq!(
                PhoneNumber::parse(input).unwrap().e164(),
                "+46313900600",
                "{input}"
            );
        }
    }

    #[test]
    fn every_fiction_range_parses_and_is_fictional() {
        for input in [
            "070-174 06 05",
            "070-174 06 99",
            "08-465 004 00",
            "040-628 04 99",
            "0980-319 250",
        ] {
            let n = PhoneNumber::parse(input).unwrap();
            assert!(n.is_fictional(), "{input} -> {}", n.e164());
        }
    }

    #[test]
    fn numbers_outside_the_fiction_ranges_are_not_fictional() {
        for input in ["033-357 00 00", "070-174 06 04", "031-390 07 00"] {
            assert!(!PhoneNumber::parse(input).unwrap().is_fictional(), "{input}");
        }
    }

    #[test]
    fn a_number_typed_as_its_own_groups_or_without_groups_raises_no_doubt() {
        for typed in [
            "031-390 06 27",
            "0313900627",
            "031-3900627",
            "+46 31 390 06 27",
            "+46313900627",
            "0046 31 390 06 27",
            "+46 (0)31-390 06 27",
            "(031) 390 06 27",
            "08-465 004 00",
            "070-174 06 05",
            "0701740605",
            "0980-319 250",
            "0980-31 92 50",
            "033-35 70 00",
            "033-357 00 00",
            "08-46 500 400",
            "08-12 34 56 78",
            "(+46) 31 390 06 27",
            "(+46) 031 390 06 27",
            "010-441 00 00",
            "020-12 34 56",
            "0771-24 24 24",
        ] {
            let n = PhoneNumber::parse(typed).unwrap();
            assert_eq!(n.doubt(typed), None, "{typed}");
            assert_eq!(n.doubt(n.national()), None, "{typed} as {}", n.national());
            assert!(PhoneNumber::typed(typed, false, "number_confirmed").is_ok());
        }
    }

    #[test]
    fn a_digit_left_out_or_added_asks_did_you_mean() {
        for (typed, meant, why) in [
            // The case that was saved as another number: a digit missing moves the groups.
            ("031-390 06 2", "031-39 00 62", "group"),
            ("031-390 06 5", "031-39 00 65", "group"),
            ("031-390 6 27", "031-39 06 27", "group"),
            // Too few digits for the area code, typed without groups.
            ("08465004", "08-46 50 04", "fewer digits than usual for 08"),
            ("03335700", "033-357 00", "fewer digits than usual for 033"),
        ] {
            let n = PhoneNumber::parse(typed).unwrap();
            assert_eq!(n.national(), meant, "{typed}");
            let doubt = n.doubt(typed).unwrap_or_else(|| panic!("{typed}: no doubt"));
            assert!(
                doubt.sv.starts_with(&format!("Menade du {meant}?")),
                "{}",
                doubt.sv
            );
            assert!(doubt.en.contains(why), "{typed}: {}", doubt.en);
            let refused = PhoneNumber::typed(typed, false, "number_confirmed").unwrap_err();
            assert!(refused.rule, "422, not 400");
            assert!(refused.en.contains("number_confirmed: true"), "{}", refused.en);
            assert_eq!(PhoneNumber::typed(typed, true, "number_confirmed").unwrap(), n);
        }
    }

    #[test]
    fn garbage_is_rejected_with_a_reason() {
        for (input, needle) in [
            ("", "missing"),
            ("abc", "character 'a'"),
            ("031-39", "not a valid number"),
            ("1234567890123456789012345678901234567890123", "longer than"),
        ] {
            let err = PhoneNumber::parse(input).unwrap_err();
            assert!(err.en.contains(needle), "{input}: {}", err.en);
            assert!(!err.sv.is_empty());
        }
    }
}
