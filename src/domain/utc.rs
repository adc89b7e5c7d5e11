//! Times the service stores as naive UTC, sent with their offset: RFC 3339 with `Z`, the one
//! timestamp form of the API (`2026-11-25T16:18:34.120789Z`). Reading accepts that form and,
//! for states stored before it, the same time without an offset.

use chrono::{NaiveDateTime, SecondsFormat};
use serde::{Deserialize, Deserializer, Serializer};

/// The API's form of a stored time.
pub fn format(at: NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn parse<E: serde::de::Error>(raw: &str) -> Result<NaiveDateTime, E> {
    chrono::DateTime::parse_from_rfc3339(raw)
        .map(|t| t.naive_utc())
        .or_else(|_| raw.parse::<NaiveDateTime>())
        .map_err(|e| E::custom(format!("'{raw}' is not an RFC 3339 time: {e}")))
}

pub fn serialize<S: Serializer>(at: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format(*at))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
    parse(&String::deserialize(d)?)
}

/// The same for an optional time.
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(at: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => s.serialize_str(&format(*at)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDateTime>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|raw| parse(&raw))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_with_z_and_read_with_or_without_it() {
        let at: NaiveDateTime = "2026-11-25T16:18:34.120789".parse().unwrap();
        assert_eq!(format(at), "2026-11-25T16:18:34.120789Z");
        for raw in [
            "2026-11-25T16:18:34.120789Z",
            "2026-11-25T17:18:34.120789+01:00",
            "2026-11-25T16:18:34.120789",
        ] {
            assert_eq!(parse::<serde_json::Error>(raw).unwrap(), at, "{raw}");
        }
    }
}
