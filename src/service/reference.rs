//! Organisations and areas (admins write): create one, change it, end it. Both have the same
//! shape ([`Reference`]): a draft checked into the thing, a patch applied to it, and storage
//! that checks what only the database can (a parent, streets, active units) in the write.

use actix_web::web;
use chrono::NaiveDate;

use crate::db::audit::WriteMeta;
use crate::db::reference as repo;
use crate::db::versioned::{self, Versioned};
use crate::db::{DbConnection, StoreResult};
use crate::domain::edit::{AreaDraft, AreaPatch, OrganisationDraft, OrganisationPatch, Refusal};
use crate::domain::{Area, Organisation, today};
use crate::error::AppResult;
use crate::state::{self, AppState};

/// An organisation or an area, as the admins' writes see it.
pub trait Reference: Versioned + Send + 'static {
    type Draft: Send + 'static;
    type Patch: Send + 'static;
    /// The first word of its audit actions (`organisation.update` …).
    const NAME: &'static str;

    fn validate(draft: Self::Draft) -> Result<Self, Refusal>;
    fn apply(patch: Self::Patch, to: &Self) -> Result<Self, Refusal>;
    /// The patch that ends it on `day`.
    fn ended(day: NaiveDate) -> Self::Patch;
    fn insert(conn: &mut DbConnection, meta: &WriteMeta, new: &Self) -> StoreResult<()>;
    /// Stores the next state, after the checks only the database can make.
    fn store(conn: &mut DbConnection, meta: &WriteMeta, before: &Self, after: &Self) -> StoreResult<()>;
}

/// Organisations and areas are written the same way; only their types and storage differ.
macro_rules! reference {
    ($type:ty, $draft:ty, $patch:ty, $name:literal, $insert:path, $store:path) => {
        impl Reference for $type {
            type Draft = $draft;
            type Patch = $patch;
            const NAME: &'static str = $name;

            fn validate(draft: $draft) -> Result<Self, Refusal> {
                draft.validate()
            }
            fn apply(patch: $patch, to: &Self) -> Result<Self, Refusal> {
                patch.apply(to)
            }
            fn ended(day: NaiveDate) -> $patch {
                <$patch>::ending(day)
            }
            fn insert(conn: &mut DbConnection, meta: &WriteMeta, new: &Self) -> StoreResult<()> {
                $insert(conn, meta, new)
            }
            fn store(
                conn: &mut DbConnection,
                meta: &WriteMeta,
                before: &Self,
                after: &Self,
            ) -> StoreResult<()> {
                $store(conn, meta, before, after)
            }
        }
    };
}

reference!(
    Organisation,
    OrganisationDraft,
    OrganisationPatch,
    "organisation",
    repo::create_organisation,
    repo::store_organisation
);
reference!(
    Area,
    AreaDraft,
    AreaPatch,
    "area",
    repo::create_area,
    repo::store_area
);

/// Creates one from its draft.
pub async fn create<T: Reference + Sync>(
    state: &web::Data<AppState>,
    meta: WriteMeta,
    draft: T::Draft,
) -> AppResult<T> {
    let new = T::validate(draft)?;
    let stored = new.clone();
    state::write(state, move |conn| T::insert(conn, &meta, &stored)).await?;
    Ok(new)
}

/// Changes `id` (at `version`) by `patch`.
pub async fn update<T: Reference>(
    state: &web::Data<AppState>,
    meta: WriteMeta,
    id: String,
    version: i64,
    patch: T::Patch,
) -> AppResult<T> {
    change(state, meta, id, version, "update", patch).await
}

/// Ends `id` (at `version`) on `day` (default today): refused while something active still
/// belongs to it.
pub async fn end<T: Reference>(
    state: &web::Data<AppState>,
    meta: WriteMeta,
    id: String,
    version: i64,
    day: Option<NaiveDate>,
) -> AppResult<T> {
    change(
        state,
        meta,
        id,
        version,
        "deactivate",
        T::ended(day.unwrap_or_else(today)),
    )
    .await
}

/// One versioned change, its audit action `<name>.<verb>`.
async fn change<T: Reference>(
    state: &web::Data<AppState>,
    meta: WriteMeta,
    id: String,
    version: i64,
    verb: &str,
    patch: T::Patch,
) -> AppResult<T> {
    let action = format!("{}.{verb}", T::NAME);
    state::write(state, move |conn| {
        let edit = |t: &T| T::apply(patch, t);
        versioned::change(conn, &meta, &id, version, &action, edit, |conn, before, after| {
            T::store(conn, &meta, before, after)
        })
    })
    .await
}
