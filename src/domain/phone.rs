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
