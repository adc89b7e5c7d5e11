//! The audit history: one event per accepted write, appended in the write's own transaction.
//! Nothing here updates or deletes an event, and the database refuses it too (triggers).

use std::borrow::Cow;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::DbConnection;
use super::models::{AuditEventRow, NewAuditEventRow};
use super::schema::audit_events;
use crate::domain::vocabulary::Synonym;
use crate::domain::{Area, Organisation, Unit};

/// Who made a change, and why: what every write records.
#[derive(Debug, Clone)]
pub struct WriteMeta {
    pub actor_sub: String,
    /// The token's issuer; `None` for the service's own writes.
    pub actor_issuer: Option<String>,
    pub actor_name: Option<String>,
    /// `reader`, `editor`, `admin`, or `system` for the service's own writes (demo data).
    pub actor_role: String,
    pub reason: Option<String>,
    pub request_id: Option<String>,
    pub at: NaiveDateTime,
    /// The import this write is part of.
    pub batch_id: Option<String>,
}

impl WriteMeta {
    /// The service itself, e.g. loading the demo directory.
    pub fn system(what: &str, at: NaiveDateTime) -> Self {
        Self {
            actor_sub: format!("kontaktnav:{what}"),
            actor_issuer: None,
            actor_name: Some("kontaktnav".into()),
            actor_role: "system".into(),
            reason: None,
            request_id: None,
            at,
            batch_id: None,
        }
    }
}

/// What kind of thing an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Unit,
    Organisation,
    Area,
    Account,
    /// A report that a unit's information is wrong.
    Correction,
    /// One CSV import: the events of its units carry its id as `batch_id`.
    Import,
    /// A word of the search vocabulary.
    Vocabulary,
}

impl Entity {
    const ALL: [Entity; 7] = [
        Entity::Unit,
        Entity::Organisation,
        Entity::Area,
        Entity::Account,
        Entity::Correction,
        Entity::Import,
        Entity::Vocabulary,
    ];
    pub const ALL_CODES: &'static str = "unit, organisation, area, account, correction, import, vocabulary";

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == raw.trim())
    }

    pub fn code(self) -> &'static str {
        match self {
            Entity::Unit => "unit",
            Entity::Organisation => "organisation",
            Entity::Area => "area",
            Entity::Account => "account",
            Entity::Correction => "correction",
            Entity::Import => "import",
            Entity::Vocabulary => "vocabulary",
        }
    }
}

/// One change, as recorded.
#[derive(Debug)]
pub struct Event<'a, T: Serialize> {
    pub action: &'a str,
    pub entity: Entity,
    pub entity_id: &'a str,
    pub version: i64,
    pub organisation_id: Option<&'a str>,
    pub before: Option<&'a T>,
    pub after: Option<&'a T>,
}

/// A stored thing the audit history records, and how the history names it.
pub trait Audited: Serialize {
    const ENTITY: Entity;
    /// Its id, as the history names it.
    fn entity_id(&self) -> Cow<'_, str>;
    fn version(&self) -> i64;
    /// The organisation its events belong to (what an organisation's editors may read).
    fn organisation_id(&self) -> Option<&str> {
        None
    }
}

impl Audited for Organisation {
    const ENTITY: Entity = Entity::Organisation;
    fn entity_id(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn organisation_id(&self) -> Option<&str> {
        Some(&self.id)
    }
}

impl Audited for Area {
    const ENTITY: Entity = Entity::Area;
    fn entity_id(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }
    fn version(&self) -> i64 {
        self.version
    }
}

impl Audited for Unit {
    const ENTITY: Entity = Entity::Unit;
    fn entity_id(&self) -> Cow<'_, str> {
        Cow::Owned(self.id.to_string())
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn organisation_id(&self) -> Option<&str> {
        Some(&self.organisation_id)
    }
}

impl Audited for Synonym {
    const ENTITY: Entity = Entity::Vocabulary;
    fn entity_id(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.word)
    }
    fn version(&self) -> i64 {
        self.version
    }
}

/// Records that `after` replaced `before` (`None`: `after` is new), with its version. Call
/// inside the transaction of the write it records.
pub fn record<T: Audited>(
    conn: &mut DbConnection,
    meta: &WriteMeta,
    action: &str,
    before: Option<&T>,
    after: &T,
) -> QueryResult<()> {
    let id = after.entity_id();
    append(
        conn,
        meta,
        Event {
            action,
            entity: T::ENTITY,
            entity_id: &id,
            version: after.version(),
            organisation_id: after.organisation_id(),
            before,
            after: Some(after),
        },
    )
}

/// Appends one event. Call inside the transaction of the write it records.
pub fn append<T: Serialize>(
    conn: &mut DbConnection,
    meta: &WriteMeta,
    event: Event<'_, T>,
) -> QueryResult<()> {
    let state = |value: Option<&T>| -> QueryResult<Option<serde_json::Value>> {
        value
            .map(serde_json::to_value)
            .transpose()
            .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
    };
    let (before_state, after_state) = super::audit_states::encode(
        conn,
        event.entity.code(),
        event.entity_id,
        state(event.before)?,
        state(event.after)?,
    )?;
    diesel::insert_into(audit_events::table)
        .values(NewAuditEventRow {
            occurred_at: meta.at,
            actor_sub: &meta.actor_sub,
            actor_issuer: meta.actor_issuer.as_deref(),
            actor_name: meta.actor_name.as_deref(),
            actor_role: &meta.actor_role,
            action: event.action,
            entity_type: event.entity.code(),
            entity_id: event.entity_id,
            entity_version: event.version,
            organisation_id: event.organisation_id,
            before_state,
            after_state,
            reason: meta.reason.as_deref(),
            request_id: meta.request_id.as_deref(),
            batch_id: meta.batch_id.as_deref(),
        })
        .execute(conn)
        .map(drop)
}

/// Every event of one entity, newest first.
pub fn history(conn: &mut DbConnection, entity: Entity, id: &str) -> QueryResult<Vec<AuditEventRow>> {
    audit_events::table
        .filter(audit_events::entity_type.eq(entity.code()))
        .filter(audit_events::entity_id.eq(id))
        .order(audit_events::id.desc())
        .select(AuditEventRow::as_select())
        .load(conn)
        .and_then(|rows| whole(conn, rows, true))
}

/// The event that made `version` of an entity.
pub fn version(
    conn: &mut DbConnection,
    entity: Entity,
    id: &str,
    version: i64,
) -> QueryResult<Option<AuditEventRow>> {
    audit_events::table
        .filter(audit_events::entity_type.eq(entity.code()))
        .filter(audit_events::entity_id.eq(id))
        .filter(audit_events::entity_version.eq(version))
        .order(audit_events::id.desc())
        .select(AuditEventRow::as_select())
        .first(conn)
        .optional()
        .and_then(|row| whole_one(conn, row))
}

/// The last event of an entity at or before `at`.
pub fn as_of(
    conn: &mut DbConnection,
    entity: Entity,
    id: &str,
    at: NaiveDateTime,
) -> QueryResult<Option<AuditEventRow>> {
    audit_events::table
        .filter(audit_events::entity_type.eq(entity.code()))
        .filter(audit_events::entity_id.eq(id))
        .filter(audit_events::occurred_at.le(at))
        .order(audit_events::id.desc())
        .select(AuditEventRow::as_select())
        .first(conn)
        .optional()
        .and_then(|row| whole_one(conn, row))
}

/// Rows with their whole states (see `audit_states`).
fn whole(
    conn: &mut DbConnection,
    mut rows: Vec<AuditEventRow>,
    contiguous: bool,
) -> QueryResult<Vec<AuditEventRow>> {
    super::audit_states::decode(conn, &mut rows, contiguous)?;
    Ok(rows)
}

fn whole_one(conn: &mut DbConnection, row: Option<AuditEventRow>) -> QueryResult<Option<AuditEventRow>> {
    match row {
        Some(row) => Ok(whole(conn, vec![row], false)?.pop()),
        None => Ok(None),
    }
}

/// What `GET /v1/audit` filters on.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub actor: Option<String>,
    /// Events of these organisations (an organisation and those under it).
    pub organisations: Option<Vec<String>>,
    pub entity_type: Option<Entity>,
    pub entity_id: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    /// Only events older than this id (the cursor).
    pub before_id: Option<i64>,
    /// The events of one import.
    pub batch_id: Option<String>,
}

/// Matching events, newest first, at most `limit`.
pub fn list(conn: &mut DbConnection, filter: &AuditFilter, limit: i64) -> QueryResult<Vec<AuditEventRow>> {
    let mut query = audit_events::table.into_boxed();
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_events::actor_sub.eq(actor.clone()));
    }
    if let Some(orgs) = &filter.organisations {
        query = query.filter(audit_events::organisation_id.eq_any(orgs.clone()));
    }
    if let Some(entity) = filter.entity_type {
        query = query.filter(audit_events::entity_type.eq(entity.code()));
    }
    if let Some(id) = &filter.entity_id {
        query = query.filter(audit_events::entity_id.eq(id.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_events::occurred_at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_events::occurred_at.lt(to));
    }
    if let Some(batch) = &filter.batch_id {
        query = query.filter(audit_events::batch_id.eq(batch.clone()));
    }
    if let Some(before) = filter.before_id {
        query = query.filter(audit_events::id.lt(before));
    }
    let rows = query
        .order(audit_events::id.desc())
        .limit(limit)
        .select(AuditEventRow::as_select())
        .load(conn)?;
    whole(conn, rows, false)
}

/// Events after `id` about these kinds of entity, oldest first, at most `limit`.
pub fn after(
    conn: &mut DbConnection,
    id: i64,
    entities: &[Entity],
    limit: i64,
) -> QueryResult<Vec<AuditEventRow>> {
    let kinds: Vec<&str> = entities.iter().map(|e| e.code()).collect();
    audit_events::table
        .filter(audit_events::id.gt(id))
        .filter(audit_events::entity_type.eq_any(kinds))
        .order(audit_events::id.asc())
        .limit(limit)
        .select(AuditEventRow::as_select())
        .load(conn)
        .and_then(|rows| whole(conn, rows, false))
}

/// The id of the newest event (0 when there is none): the moment of the history a preview
/// was made at.
pub fn newest_id(conn: &mut DbConnection) -> QueryResult<i64> {
    audit_events::table
        .select(diesel::dsl::max(audit_events::id))
        .first::<Option<i64>>(conn)
        .map(|id| id.unwrap_or(0))
}

/// Whether any entity of this kind has an event after `id`.
pub fn any_since(conn: &mut DbConnection, id: i64, entity: Entity) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        audit_events::table
            .filter(audit_events::id.gt(id))
            .filter(audit_events::entity_type.eq(entity.code())),
    ))
    .get_result(conn)
}

/// The ids among `entity_ids` (of one kind of entity) that have an event after `id`.
pub fn changed_since(
    conn: &mut DbConnection,
    id: i64,
    entity: Entity,
    entity_ids: &[String],
) -> QueryResult<Vec<String>> {
    let mut changed = Vec::new();
    // In slices, so that no statement has more parameters than SQLite takes.
    for ids in entity_ids.chunks(10_000) {
        changed.extend(
            audit_events::table
                .filter(audit_events::id.gt(id))
                .filter(audit_events::entity_type.eq(entity.code()))
                .filter(audit_events::entity_id.eq_any(ids))
                .select(audit_events::entity_id)
                .distinct()
                .load::<String>(conn)?,
        );
    }
    Ok(changed)
}

/// How many events there are in all.
pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    audit_events::table.count().get_result(conn)
}
