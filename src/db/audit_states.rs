//! How the audit history stores an entity's states: as what changed, not as the whole state.
//!
//! A unit with 375 numbers is about 100 kB of JSON; stored whole before and after, one changed
//! note cost 210 kB of history (issue 29). Now an event stores its states as RFC 6902 JSON
//! Patches (the `json-patch` crate) against the *after* state of the entity's previous event:
//! `{"$patch": [...]}`; a state with no previous event is stored whole. An after state is
//! stored whole again once the patches since the last whole one weigh as much as it (so the
//! history grows by at most twice the size of the changes, never by the size of the unit per
//! change), and after at most [`CHECKPOINT`] patches in a row (so reading one state applies
//! at most that many).
//!
//! Only this module knows: [`encode`] when an event is appended, [`decode`] when rows are read
//! (`audit.rs`), so that every reader (history, as-of, revert, the change feed, the followers
//! of other instances) sees whole states as before. Rows written before this stored whole
//! states, and still read as they are.

use std::collections::HashMap;

use diesel::prelude::*;
use serde_json::Value;

use super::DbConnection;
use super::models::AuditEventRow;
use super::schema::audit_events;

/// At most this many patches in a row of one entity's after states; then a whole state.
pub const CHECKPOINT: usize = 256;

/// The key of a stored patch (no entity's state has a key that begins with `$`).
const PATCH: &str = "$patch";

/// A stored state: whole, or a patch against the previous event's after state.
enum Stored {
    Whole(Value),
    Patch(json_patch::Patch),
}

fn corrupt(what: String) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(what.into())
}

fn read(text: &str, id: i64) -> QueryResult<Stored> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| corrupt(format!("audit event {id}: a state does not read: {e}")))?;
    match value {
        Value::Object(mut map) if map.len() == 1 && map.contains_key(PATCH) => {
            let ops = map.remove(PATCH).unwrap_or(Value::Null);
            serde_json::from_value(ops)
                .map(Stored::Patch)
                .map_err(|e| corrupt(format!("audit event {id}: a patch does not read: {e}")))
        }
        whole => Ok(Stored::Whole(whole)),
    }
}

fn applied(base: &Value, patch: &json_patch::Patch, id: i64) -> QueryResult<Value> {
    let mut state = base.clone();
    apply(&mut state, patch, id)?;
    Ok(state)
}

fn apply(state: &mut Value, patch: &json_patch::Patch, id: i64) -> QueryResult<()> {
    json_patch::patch(state, patch)
        .map_err(|e| corrupt(format!("audit event {id}: a patch does not apply: {e}")))
}

fn text(value: &impl serde::Serialize) -> QueryResult<String> {
    serde_json::to_string(value).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
}

/// The newest after state of an entity, and what led to it since it was last stored whole.
struct Previous {
    state: Value,
    /// Patches in a row since the whole state.
    chain: usize,
    /// Their bytes, and those of the whole state.
    patch_bytes: usize,
    whole_bytes: usize,
}

/// The after state of the newest event of the entity before event `before_id` (`None` when
/// there is none, or it ended the entity).
fn previous_after(
    conn: &mut DbConnection,
    entity_type: &str,
    entity_id: &str,
    before_id: i64,
) -> QueryResult<Option<Previous>> {
    let rows: Vec<(i64, Option<String>)> = audit_events::table
        .filter(audit_events::entity_type.eq(entity_type))
        .filter(audit_events::entity_id.eq(entity_id))
        .filter(audit_events::id.lt(before_id))
        .order(audit_events::id.desc())
        .limit(CHECKPOINT as i64 + 1)
        .select((audit_events::id, audit_events::after_state))
        .load(conn)?;
    let mut patches = Vec::new();
    for (id, after) in &rows {
        let Some(after) = after else {
            // The entity ended (a word taken out of the vocabulary) or the event has no state.
            return match patches.is_empty() {
                true => Ok(None),
                false => Err(corrupt(format!("audit event {id}: a patch follows no state"))),
            };
        };
        match read(after, *id)? {
            Stored::Whole(mut state) => {
                // In place: a write reads this state, and a copy per patch of a large unit
                // would cost every write.
                for (id, patch, _) in patches.iter().rev() {
                    apply(&mut state, patch, *id)?;
                }
                return Ok(Some(Previous {
                    state,
                    chain: patches.len(),
                    patch_bytes: patches.iter().map(|(_, _, bytes)| bytes).sum(),
                    whole_bytes: after.len(),
                }));
            }
            Stored::Patch(patch) => patches.push((*id, patch, after.len())),
        }
    }
    match rows.first() {
        None => Ok(None),
        Some((id, _)) => Err(corrupt(format!(
            "audit event {id}: more than {CHECKPOINT} patches in a row"
        ))),
    }
}

/// The texts to store for an event's `before` and `after` states (as serialised values), as
/// patches against the entity's previous after state where there is one.
pub fn encode(
    conn: &mut DbConnection,
    entity_type: &str,
    entity_id: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> QueryResult<(Option<String>, Option<String>)> {
    let previous = previous_after(conn, entity_type, entity_id, i64::MAX)?;
    let Some(previous) = previous else {
        return Ok((
            before.as_ref().map(text).transpose()?,
            after.as_ref().map(text).transpose()?,
        ));
    };
    let patch = |state: &Value| text(&serde_json::json!({ PATCH: json_patch::diff(&previous.state, state) }));
    let smaller = |state: &Value| -> QueryResult<String> {
        let (patch, whole) = (patch(state)?, text(state)?);
        Ok(if patch.len() < whole.len() { patch } else { whole })
    };
    let before = before.as_ref().map(smaller).transpose()?;
    let after = match after {
        None => None,
        Some(state) => {
            let (patch, whole) = (patch(&state)?, text(&state)?);
            // Whole again once the patches outweigh the state, or after CHECKPOINT of them.
            let outweighs = previous.patch_bytes + patch.len() >= previous.whole_bytes.max(whole.len());
            Some(
                if outweighs || previous.chain + 1 >= CHECKPOINT || whole.len() <= patch.len() {
                    whole
                } else {
                    patch
                },
            )
        }
    };
    Ok((before, after))
}

/// Gives `rows` their whole states back (in place). Rows of one entity read together are
/// decoded from one another, oldest first; others read the previous state from the table.
/// `contiguous`: the rows hold, for each entity, every event between its first and its last
/// (a whole history), so the row before is the event before.
pub fn decode(conn: &mut DbConnection, rows: &mut [AuditEventRow], contiguous: bool) -> QueryResult<()> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| rows[i].id);
    // Per entity: the id of the newest event decoded so far and its after state.
    let mut last: HashMap<(String, String), (i64, Option<Value>)> = HashMap::new();
    for i in order {
        let row = &rows[i];
        let key = (row.entity_type.clone(), row.entity_id.clone());
        let before = row.before_state.as_deref().map(|t| read(t, row.id)).transpose()?;
        let after = row.after_state.as_deref().map(|t| read(t, row.id)).transpose()?;
        let needs_base = matches!(before, Some(Stored::Patch(_))) || matches!(after, Some(Stored::Patch(_)));
        let base: Option<Value> = if !needs_base {
            None
        } else {
            // The previous event of this entity, if it is the one just decoded.
            match last.get(&key) {
                Some((id, state)) if contiguous || previous_is(conn, &key, *id, row.id)? => state.clone(),
                _ => previous_after(conn, &key.0, &key.1, row.id)?.map(|p| p.state),
            }
        };
        let whole = |stored: Option<Stored>| -> QueryResult<Option<Value>> {
            match stored {
                None => Ok(None),
                Some(Stored::Whole(state)) => Ok(Some(state)),
                Some(Stored::Patch(patch)) => match &base {
                    Some(base) => applied(base, &patch, row.id).map(Some),
                    None => Err(corrupt(format!(
                        "audit event {}: a patch follows no state",
                        row.id
                    ))),
                },
            }
        };
        let (before, after) = (whole(before)?, whole(after)?);
        let id = row.id;
        let row = &mut rows[i];
        row.before_state = before.as_ref().map(text).transpose()?;
        row.after_state = after.as_ref().map(text).transpose()?;
        last.insert(key, (id, after));
    }
    Ok(())
}

/// Whether event `previous` is the entity's event right before event `id` (no other event of
/// the entity between them in the table).
fn previous_is(conn: &mut DbConnection, key: &(String, String), previous: i64, id: i64) -> QueryResult<bool> {
    let between: i64 = audit_events::table
        .filter(audit_events::entity_type.eq(&key.0))
        .filter(audit_events::entity_id.eq(&key.1))
        .filter(audit_events::id.gt(previous))
        .filter(audit_events::id.lt(id))
        .count()
        .get_result(conn)?;
    Ok(between == 0)
}
