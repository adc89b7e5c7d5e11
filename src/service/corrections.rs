//! Deciding a report of wrong information: accepting applies the number as a normal audited
//! write of the unit, in the same transaction as the decision; rejecting records the reason.
//! For the API and the web pages alike.

use actix_web::web;
use uuid::Uuid;

use crate::auth::User;
use crate::db::audit::WriteMeta;
use crate::db::corrections as repo;
use crate::db::units::{load_unit, store_change};
use crate::directory::Directory;
use crate::domain::correction::{Correction, Person};
use crate::domain::edit::ContactPointPatch;
use crate::domain::unit_not_found;
use crate::domain::{CorrectionStatus, Unit, shown};
use crate::error::{AppError, AppResult};
use crate::state::{self, AppState};

/// Who reports or decides, as a report records it.
pub fn person(user: &User) -> Person {
    Person {
        sub: user.sub.clone(),
        name: user.name.clone(),
        issuer: Some(user.issuer.clone()).filter(|i| !i.is_empty()),
    }
}

/// What a report says: the text, the number it is about (if one), the number proposed.
pub struct Report<'a> {
    pub message: &'a str,
    pub contact_point_id: Option<Uuid>,
    pub proposed_number: Option<&'a str>,
    /// The proposed number is right as typed, although it looks mistyped.
    pub proposed_number_confirmed: bool,
}

/// Reports that something about `unit` is wrong (anyone signed in may): one write, with its
/// audit event under the unit's organisation. 400 for a report without text or about a
/// number the unit does not have.
pub async fn report(
    state: &web::Data<AppState>,
    unit: &Unit,
    reporter: &User,
    meta: WriteMeta,
    what: Report<'_>,
) -> AppResult<Correction> {
    let correction = Correction::report(
        unit,
        what.message,
        what.contact_point_id,
        what.proposed_number,
        what.proposed_number_confirmed,
        person(reporter),
        meta.at,
    )
    .map_err(AppError::Validation)?;
    let organisation_id = unit.organisation_id.clone();
    let stored = correction.clone();
    state::write(state, move |conn| {
        repo::report(conn, &meta, &stored, &organisation_id)
    })
    .await?;
    Ok(correction)
}

/// How a report is decided.
pub enum Decision {
    Accept(Accepted),
    /// With `meta.reason`, which the reporter sees.
    Reject,
}

/// What accepting a report sets.
#[derive(Debug, Default)]
pub struct Accepted {
    /// `None` sets the proposed number (if any), `Some(None)` sets none, `Some(Some(n))` sets
    /// `n`.
    pub number: Option<Option<String>>,
    /// `n` is right as typed, although it looks mistyped (the proposed number was confirmed
    /// when it was reported).
    pub confirmed: bool,
}

/// Decides report `id` (at `version`) as one write, and serves the directory fresh.
pub async fn decide(
    state: &web::Data<AppState>,
    decider: &User,
    meta: WriteMeta,
    id: Uuid,
    version: i64,
    decision: Decision,
) -> AppResult<Correction> {
    let directory = state.directory.current();
    let decider = decider.clone();
    state::write(state, move |conn| match decision {
        Decision::Accept(accepted) => accept(conn, &meta, &decider, &directory, id, version, accepted),
        Decision::Reject => reject(conn, &meta, &decider, &directory, id, version),
    })
    .await
}

/// Accepts a report, inside one write: see `POST /v1/corrections/{id}/accept`.
fn accept(
    conn: &mut crate::db::DbConnection,
    meta: &WriteMeta,
    decider: &User,
    directory: &Directory,
    id: Uuid,
    version: i64,
    accepted: Accepted,
) -> AppResult<Correction> {
    let by = person(decider);
    let may_edit = |org: &str| decider.editor_of(directory, org).map(drop);
    repo::decide(conn, meta, id, version, "correction.accept", |conn, c| {
        let unit = load_unit(conn, c.unit_id)?.ok_or_else(|| unit_not_found(c.unit_id))?;
        may_edit(&unit.organisation_id)?;
        let (number, number_confirmed) = match &accepted.number {
            Some(number) => (number.clone(), accepted.confirmed),
            None => (c.proposed_number.as_ref().map(|n| n.national().to_owned()), true),
        };
        let applied = match (number, c.target(&unit)) {
            (Some(number), Some(target)) => {
                let after = unit.with_contact_point_changed(
                    target,
                    ContactPointPatch {
                        number: Some(number),
                        number_confirmed,
                        ..ContactPointPatch::default()
                    },
                )?;
                let mut unit_meta = meta.clone();
                // The unit's history names the report it comes from.
                unit_meta.reason = Some(match &meta.reason {
                    Some(reason) => format!("{reason} (rättelse {})", c.id),
                    None => format!("rättelse {}: {}", c.id, shown(&c.message)),
                });
                let stored = store_change(conn, &unit_meta, "unit.correction", &unit, after, may_edit)?;
                (stored.version != unit.version).then_some(stored.version)
            }
            _ => None,
        };
        Ok((
            c.decided(
                CorrectionStatus::Accepted,
                by,
                meta.at,
                meta.reason.clone(),
                applied,
            ),
            unit.organisation_id,
        ))
    })
}

/// Rejects a report with `meta.reason`, inside one write: see
/// `POST /v1/corrections/{id}/reject`.
fn reject(
    conn: &mut crate::db::DbConnection,
    meta: &WriteMeta,
    decider: &User,
    directory: &Directory,
    id: Uuid,
    version: i64,
) -> AppResult<Correction> {
    let by = person(decider);
    repo::decide(conn, meta, id, version, "correction.reject", |conn, c| {
        let unit = load_unit(conn, c.unit_id)?.ok_or_else(|| unit_not_found(c.unit_id))?;
        decider.editor_of(directory, &unit.organisation_id)?;
        Ok((
            c.decided(CorrectionStatus::Rejected, by, meta.at, meta.reason.clone(), None),
            unit.organisation_id,
        ))
    })
}
