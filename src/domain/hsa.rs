//! HSA-id: the national identifier of a health or social care unit in the HSA catalogue.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Invalid;

/// `SE` + a ten-digit organisation number + `-` + a local part of letters and digits,
/// at most 31 characters in all, e.g. `SE2321000131-E000000007860`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HsaId(String);

impl TryFrom<String> for HsaId {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value).map_err(|e| e.en)
    }
}

impl From<HsaId> for String {
    fn from(id: HsaId) -> Self {
        id.0
    }
}

const MAX_LEN: usize = 31;

impl HsaId {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let value = input.trim().to_ascii_uppercase();
        let bad = || {
            Invalid::new(
                format!(
                    "'{}' är inget giltigt HSA-id: väntat SE + tio siffror + '-' + bokstäver/siffror, högst {MAX_LEN} tecken (t.ex. SE2321000131-E000000007860)",
                    input.trim()
                ),
                format!(
                    "'{}' is not a valid HSA-id: expected SE + ten digits + '-' + letters/digits, at most {MAX_LEN} characters (e.g. SE2321000131-E000000007860)",
                    input.trim()
                ),
            )
        };
        if value.len() > MAX_LEN || !value.is_ascii() {
            return Err(bad());
        }
        let rest = value.strip_prefix("SE").ok_or_else(bad)?;
        let (org, local) = rest.split_once('-').ok_or_else(bad)?;
        let org_ok = org.len() == 10 && org.bytes().all(|b| b.is_ascii_digit());
        let local_ok = !local.is_empty() && local.bytes().all(|b| b.is_ascii_alphanumeric());
        if org_ok && local_ok {
            Ok(Self(value))
        } else {
            Err(bad())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HsaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_catalogue_format_and_normalises_case() {
        assert_eq!(
            HsaId::parse(" se2321000131-e000000007860 ").unwrap().as_str(),
            "SE2321000131-E000000007860"
        );
        assert!(HsaId::parse("SE2321000131-1234").is_ok());
    }

    #[test]
    fn rejects_wrong_shapes() {
        for bad in [
            "",
            "SE232100013-E000000007860",
            "SE23210001311-E1",
            "NO2321000131-E1",
            "SE2321000131E000000007860",
            "SE2321000131-",
            "SE2321000131-E0000_7860",
            "SE2321000131-E00000000000000000000",
            "SE2321000131-Ö1",
        ] {
            let err = HsaId::parse(bad).unwrap_err();
            assert!(err.en.contains("not a valid HSA-id"), "{bad}");
        }
    }
}
