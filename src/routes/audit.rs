//! The audit log (`GET /v1/audit`, admins), and the actor and time of an event as a unit's
//! history shows them too.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::auth::SignedIn;
use crate::db::audit;
use crate::db::audit::{AuditFilter, Entity};
use crate::db::models::AuditEventRow;
use crate::directory::Directory;
use crate::domain::history::{Change, changes, stored_state};
use crate::domain::{Invalid, shown};
use crate::error::{AppError, AppResult, Problem};
use crate::state;
use crate::state::AppState;

use super::params;
use super::params::parse_instant;

#[derive(Debug, Serialize, ToSchema)]
pub struct Actor {
    /// The token's subject.
    pub sub: String,
    /// The token's issuer (absent for the service's own writes, such as demo data).
    pub issuer: Option<String>,
    pub name: Option<String>,
    /// `reader`, `editor`, `admin`, or `system` for the service itself (demo data).
    pub role: String,
}

/// Stored times are UTC.
pub(super) fn utc(stored: NaiveDateTime) -> DateTime<Utc> {
    stored.and_utc()
}

pub(super) fn actor(row: &AuditEventRow) -> Actor {
    Actor {
        sub: row.actor_sub.clone(),
        issuer: row.actor_issuer.clone(),
        name: row.actor_name.clone(),
        role: row.actor_role.clone(),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only events by this `sub`.
    actor: Option<String>,
    /// Only events about this organisation and those under it.
    organisation: Option<String>,
    /// `unit`, `organisation`, `area`, `account`, `correction` or `import`.
    entity_type: Option<String>,
    entity_id: Option<String>,
    /// Only the events of one import (its `batch_id`).
    batch: Option<String>,
    /// From this moment (RFC 3339), inclusive.
    #[param(format = DateTime)]
    from: Option<String>,
    /// Until this moment (RFC 3339), exclusive.
    #[param(format = DateTime)]
    to: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// One audit event with both states.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEvent {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor: Actor,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub entity_version: i64,
    pub organisation_id: Option<String>,
    pub reason: Option<String>,
    pub request_id: Option<String>,
    /// The import the event belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_id: Option<String>,
    pub changes: Vec<Change>,
    /// The entity's state before the change; null when it was created by it.
    pub before: Value,
    /// The entity's state after the change.
    pub after: Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// Newest first.
    pub items: Vec<AuditEvent>,
    pub next_cursor: Option<String>,
}

/// The audit log (admins): every accepted write, newest first.
#[utoipa::path(
    context_path = "/v1",
    tag = "history",
    params(AuditParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of events", body = AuditPage),
        (status = 400, description = "A bad parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit")]
pub async fn audit_log(
    state: web::Data<AppState>,
    user: SignedIn,
    query: web::Query<AuditParams>,
) -> AppResult<HttpResponse> {
    user.admin()?;
    let (filter, limit) = query.into_inner().filter(&state.directory.current())?;
    let page_size = limit as i64;
    let rows = state::read(&state, move |conn| audit::list(conn, &filter, page_size + 1)).await?;
    let more = rows.len() > limit;
    let items: Vec<AuditEvent> = rows.into_iter().take(limit).map(AuditEvent::from).collect();
    let next_cursor = more.then(|| items.last().map(|e| e.id.to_string())).flatten();
    Ok(HttpResponse::Ok().json(AuditPage { items, next_cursor }))
}

impl AuditParams {
    /// What the query asks for, and the page size.
    fn filter(self, directory: &Directory) -> AppResult<(AuditFilter, usize)> {
        let limit = params::limit(self.limit.as_deref(), 50, 200)?;
        let organisations = match &self.organisation {
            Some(o) => {
                crate::service::search::known_organisation(directory, o)
                    .map_err(|e| AppError::invalid("organisation", e))?;
                Some(directory.organisation_and_descendants(o))
            }
            None => None,
        };
        let entity_type = self.entity_type.as_deref().map(entity_type).transpose()?;
        let before_id = self
            .cursor
            .as_deref()
            .map(|c| c.parse::<i64>())
            .transpose()
            .map_err(|_| {
                AppError::invalid(
                    "cursor",
                    Invalid::rule("cursor är ogiltig", "the cursor is invalid"),
                )
            })?;
        let filter = AuditFilter {
            actor: self.actor,
            organisations,
            entity_type,
            entity_id: self.entity_id,
            from: self
                .from
                .as_deref()
                .map(|f| parse_instant("from", f))
                .transpose()?,
            to: self.to.as_deref().map(|t| parse_instant("to", t)).transpose()?,
            before_id,
            batch_id: self.batch,
        };
        Ok((filter, limit))
    }
}

fn entity_type(raw: &str) -> AppResult<Entity> {
    Entity::parse(raw).ok_or_else(|| {
        AppError::invalid(
            "entity_type",
            Invalid::new(
                format!("'{}' är ingen typ; tillåtna: {}", shown(raw), Entity::ALL_CODES),
                format!(
                    "'{}' is no entity type; allowed: {}",
                    shown(raw),
                    Entity::ALL_CODES
                ),
            ),
        )
    })
}

impl From<AuditEventRow> for AuditEvent {
    fn from(row: AuditEventRow) -> Self {
        let before = stored_state(&row.before_state);
        let after = stored_state(&row.after_state);
        AuditEvent {
            id: row.id,
            occurred_at: utc(row.occurred_at),
            actor: actor(&row),
            changes: changes(&before, &after),
            action: row.action,
            entity_type: row.entity_type,
            entity_id: row.entity_id,
            entity_version: row.entity_version,
            organisation_id: row.organisation_id,
            reason: row.reason,
            request_id: row.request_id,
            batch_id: row.batch_id,
            before,
            after,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn changes_name_fields_and_numbers_by_label() {
        let before = json!({"id": "u", "name": "A", "version": 1, "address": {"city": "Borås"},
            "contact_points": [{"id": "p1", "label": "Växel", "number": {"e164": "+46313900600", "national": "031-390 06 00"}}]});
        let after = json!({"id": "u", "name": "B", "version": 2, "address": {"city": "Borås"},
            "contact_points": [{"id": "p1", "label": "Växel", "number": {"e164": "+46313900601", "national": "031-390 06 01"}}]});
        assert_eq!(
            changes(&before, &after),
            [
                Change {
                    field: "contact_points[Växel].number.national".into(),
                    from: json!("031-390 06 00"),
                    to: json!("031-390 06 01")
                },
                Change {
                    field: "name".into(),
                    from: json!("A"),
                    to: json!("B")
                },
            ]
        );
        let created = changes(&Value::Null, &after);
        assert!(created.iter().any(|c| c.field == "name" && c.from.is_null()));
        // Two numbers with one label stay apart; a new label shows as a change of label.
        let two = |l1: &str, n2: &str| {
            json!({"contact_points": [
            {"id": "aaaaaaaa-1", "label": l1, "number": {"national": "031-390 06 00"}},
            {"id": "bbbbbbbb-2", "label": "Fax", "number": {"national": n2}}]})
        };
        let diff = changes(&two("Fax", "031-390 06 01"), &two("Fax", "031-390 06 02"));
        assert_eq!(diff.len(), 1);
        assert_eq!(diff[0].field, "contact_points[Fax #bbbbbbbb].number.national");
        let diff = changes(&two("Växel", "031-390 06 01"), &two("Reception", "031-390 06 01"));
        assert_eq!(diff.len(), 1);
        assert_eq!(diff[0].field, "contact_points[Reception].label");
        assert_eq!(diff[0].from, json!("Växel"));
    }
}
