//! What changed between two versions, in words: the history's field-by-field difference of
//! two stored states, for the API's history and audit log and the web's history page.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// One changed field: `contact_points[Växel].number.national`, from, to.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Change {
    #[schema(example = "contact_points[Växel].number.national")]
    pub field: String,
    /// Any JSON value: a string, number, list, object, or null (absent before).
    pub from: Value,
    /// Any JSON value: a string, number, list, object, or null (absent after).
    pub to: Value,
}

/// A state as the audit history keeps it (JSON text), or null.
pub fn stored_state(raw: &Option<String>) -> Value {
    raw.as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null)
}

/// The readable difference of two stored states.
pub fn changes(before: &Value, after: &Value) -> Vec<Change> {
    let mut from = BTreeMap::new();
    let mut to = BTreeMap::new();
    flatten("", before, &mut from);
    flatten("", after, &mut to);
    // Things in lists are keyed `[#id]` while comparing; people read them by their name (the
    // name under the same key, newest first), stored under the bare key itself.
    let readable = |field: &str| -> String {
        let mut out = String::new();
        let mut rest = field;
        while let Some(start) = rest.find("[#") {
            let Some(len) = rest[start..].find(']') else { break };
            let key = &field[..field.len() - rest.len() + start + len + 1];
            let name = to
                .get(key)
                .or_else(|| from.get(key))
                .and_then(Value::as_str)
                .unwrap_or_default();
            out.push_str(&rest[..start]);
            out.push_str(&format!("[{name}]"));
            rest = &rest[start + len + 1..];
        }
        out.push_str(rest);
        out
    };
    let mut fields: Vec<&String> = from.keys().chain(to.keys()).collect();
    fields.sort();
    fields.dedup();
    let mut changes: Vec<Change> = fields
        .into_iter()
        .filter(|field| !field.ends_with(']'))
        .filter_map(|field| {
            let a = from.get(field).cloned().unwrap_or(Value::Null);
            let b = to.get(field).cloned().unwrap_or(Value::Null);
            (a != b).then(|| Change {
                field: readable(field),
                from: a,
                to: b,
            })
        })
        .collect();
    changes.sort_by(|a, b| a.field.cmp(&b.field));
    changes
}

/// Bookkeeping, not content: left out of the differences.
const NOT_CONTENT: &[&str] = &["updated_at", "version", "e164", "id", "password_changed"];

/// Telephone hours, dated periods and notices read as words in the history
/// ("Sommarstängt v. 28–31 (2027-07-12–2027-08-08): stängt"), not as JSON.
fn in_words(key: &str, value: &Value) -> Option<Value> {
    use crate::domain::hours::{Notice, Period, TelephoneHours};
    let text = match key {
        "hours" => serde_json::from_value::<TelephoneHours>(value.clone())
            .ok()?
            .describe_all(),
        "periods" => serde_json::from_value::<Vec<Period>>(value.clone())
            .ok()?
            .iter()
            .map(|p| match p.redirect_to {
                Some(r) => format!("{}; samtalen går till nummer {r}", p.describe()),
                None => p.describe(),
            })
            .collect::<Vec<_>>()
            .join(" | "),
        "notices" => serde_json::from_value::<Vec<Notice>>(value.clone())
            .ok()?
            .iter()
            .map(Notice::describe)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => return None,
    };
    Some(Value::String(text))
}

fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if NOT_CONTENT.contains(&key.as_str()) {
                    continue;
                }
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                match in_words(key, v) {
                    Some(words) => {
                        out.insert(path, words);
                    }
                    None => flatten(&path, v, out),
                }
            }
        }
        // Lists of things with ids (contact points) are compared thing by thing: matched by id,
        // named by label (with the id's start when two share a label).
        Value::Array(items) if !items.is_empty() && items.iter().all(|i| i.get("id").is_some()) => {
            let label = |item: &Value| {
                item.get("label")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            for item in items {
                let id = item.get("id").and_then(Value::as_str).unwrap_or_default();
                let shared = items.iter().filter(|other| label(other) == label(item)).count() > 1;
                let name = if shared || label(item).is_empty() {
                    format!("{} #{}", label(item), id.get(..8).unwrap_or(id))
                } else {
                    label(item)
                };
                out.insert(format!("{prefix}[#{id}]"), Value::String(name));
                flatten(&format!("{prefix}[#{id}]"), item, out);
            }
        }
        other => {
            out.insert(prefix.to_owned(), other.clone());
        }
    }
}
