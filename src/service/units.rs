//! Writing units and their numbers, for the API and the web pages alike: create a unit, or
//! change one (its fields, a number, deactivate, confirm, revert). Each write authorises the
//! caller on the unit's organisation, checks the version the caller read, and stores the
//! change with its audit event in one transaction (`db::units`); the served directory is fresh
//! before the answer.

use actix_web::web;
use chrono::NaiveDate;
use uuid::Uuid;

use super::Author;
use crate::db::units::{self as repo, UnitEdit, edit, revert_to};
use crate::domain::edit::{ContactPointPatch, UnitPatch};
use crate::domain::unit_not_found;
use crate::domain::{ContactPoint, Unit, UnitDraft, today};
use crate::error::{AppError, AppResult};
use crate::state::{self, AppState};

/// One change to an existing unit: each is one audited version with its own action name.
pub enum UnitChange {
    /// The unit's own fields.
    Update(Box<UnitPatch>),
    /// Its active period ends on this day (default today).
    Deactivate(Option<NaiveDate>),
    /// "Checked, still correct": `reviewed_at` becomes today.
    Confirm,
    /// Back to an earlier version from the history.
    Revert(i64),
    AddNumber(Box<ContactPoint>),
    ChangeNumber(Uuid, Box<ContactPointPatch>),
    RemoveNumber(Uuid),
    /// The change, and the unit confirmed as reviewed today, in one version ("Spara och
    /// markera som granskad").
    AndConfirm(Box<UnitChange>),
}

impl UnitChange {
    /// The action the audit event records.
    fn action(&self) -> &'static str {
        match self {
            UnitChange::Update(_) => "unit.update",
            UnitChange::Deactivate(_) => "unit.deactivate",
            UnitChange::Confirm => "unit.confirm",
            UnitChange::Revert(_) => "unit.revert",
            UnitChange::AddNumber(_) => "contact_point.create",
            UnitChange::ChangeNumber(..) => "contact_point.update",
            UnitChange::RemoveNumber(_) => "contact_point.remove",
            UnitChange::AndConfirm(change) => change.action(),
        }
    }

    fn into_edit(self) -> UnitEdit {
        match self {
            UnitChange::Update(patch) => edit(move |u| patch.apply(u)),
            UnitChange::Deactivate(day) => {
                let day = day.unwrap_or_else(today);
                edit(move |u| u.deactivated(day))
            }
            UnitChange::Confirm => {
                let day = today();
                edit(move |u| Ok(u.confirmed(day)))
            }
            UnitChange::Revert(version) => revert_to(version),
            UnitChange::AddNumber(point) => edit(move |u| u.with_contact_point(*point)),
            UnitChange::ChangeNumber(point, patch) => {
                edit(move |u| u.with_contact_point_changed(point, *patch))
            }
            UnitChange::RemoveNumber(point) => edit(move |u| u.without_contact_point(point)),
            UnitChange::AndConfirm(change) => {
                let (change, day) = (change.into_edit(), today());
                Box::new(move |conn, u| Ok(change(conn, u)?.confirmed(day)))
            }
        }
    }
}

/// Creates a unit with its numbers: the caller must edit its organisation.
pub async fn create(state: &web::Data<AppState>, by: Author<'_>, draft: UnitDraft) -> AppResult<Unit> {
    by.user
        .editor_of(&state.directory.current(), &draft.organisation_id)?;
    let meta = by.meta()?;
    let unit = draft
        .validate(Uuid::new_v4(), meta.at)
        .map_err(AppError::Validation)?;
    state::write(state, move |conn| repo::create_unit(conn, &meta, &unit)).await
}

/// Changes unit `id`. `version` is the version the caller read, or why the request names none;
/// it counts only once the unit exists and the caller may edit it (404 and 403 come first). A
/// change that changes nothing is no write.
pub async fn change(
    state: &web::Data<AppState>,
    by: Author<'_>,
    id: Uuid,
    version: AppResult<i64>,
    change: UnitChange,
) -> AppResult<Unit> {
    let directory = state.directory.current();
    let unit = directory.unit(id).ok_or_else(|| unit_not_found(id))?;
    by.user.editor_of(&directory, &unit.organisation_id)?;
    let version = version?;
    let meta = by.meta()?;
    // Moving a unit needs the right to edit the organisation it moves to as well.
    let user = by.user.clone();
    let may_move = move |org: &str| user.editor_of(&directory, org).map(drop);
    let action = change.action();
    let edit = change.into_edit();
    state::write(state, move |conn| {
        repo::change_unit(conn, &meta, id, version, action, may_move, edit)
    })
    .await
}
