//! The directory as NDJSON, the record `GET /v1/export` writes and `GET /v1/changes` carries:
//! the stored state of an organisation, area or unit (the JSON the audit history keeps), or of
//! a word of the search vocabulary, with its `type`.

use serde::Serialize;
use serde_json::Value;

use crate::directory::Directory;

/// One record: `{"type": "unit", …the unit…}`.
pub fn record(kind: &str, state: &impl Serialize) -> serde_json::Result<Value> {
    Ok(typed(kind, serde_json::to_value(state)?))
}

/// A state as the audit history stores it (JSON text), as a record; `null` for none (a word
/// removed from the vocabulary).
pub fn stored_record(kind: &str, stored: Option<&str>) -> serde_json::Result<Value> {
    let state: Option<Value> = stored.map(serde_json::from_str).transpose()?;
    Ok(state.map_or(Value::Null, |s| typed(kind, s)))
}

fn typed(kind: &str, mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        map.insert("type".into(), Value::String(kind.into()));
    }
    value
}

/// The whole directory, one record per line: every organisation, area and unit (by id), then
/// the search vocabulary (keyed by `word`).
pub fn directory(directory: &Directory) -> serde_json::Result<String> {
    let mut body = String::new();
    let mut line = |value: Value| {
        body.push_str(&value.to_string());
        body.push('\n');
    };
    for org in directory.organisations() {
        line(record("organisation", org)?);
    }
    for area in directory.areas() {
        line(record("area", area)?);
    }
    let mut units: Vec<&crate::domain::Unit> = directory.units().collect();
    units.sort_by_key(|u| u.id);
    for unit in units {
        line(record("unit", unit)?);
    }
    for synonym in directory.vocabulary() {
        line(record("vocabulary", synonym)?);
    }
    Ok(body)
}
