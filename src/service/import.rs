//! Files an admin uploads: units and their numbers (the CSV of the export), and the districts'
//! streets. All or nothing, one transaction and one audit batch; a dry run checks everything
//! and changes nothing.

use std::collections::BTreeMap;

use actix_web::web;

use crate::db::audit::WriteMeta;
use crate::db::reference::replace_streets;
use crate::domain::streets::StreetSpan;
use crate::error::{AppError, AppResult};
use crate::state::{self, AppState};
use crate::transfer::{self, ImportError, ImportReport};

/// The largest CSV file an import takes, through the API or the page (the 20,000-unit
/// benchmark directory is about 8 MiB).
pub const MAX_FILE: usize = 64 * 1024 * 1024;

/// Imports units from a CSV file (`bytes`, read off the async workers with the import, as a
/// large file takes a while): see `transfer`.
pub async fn units(
    state: &web::Data<AppState>,
    meta: WriteMeta,
    bytes: web::Bytes,
    dry_run: bool,
) -> AppResult<ImportReport> {
    state::write_unless_dry(state, dry_run, move |conn| {
        let file = transfer::parse(&bytes).map_err(|e| AppError::from(ImportError::Problems(e)))?;
        transfer::import(conn, &meta, file, dry_run, &mut |_, _| {}).map_err(AppError::from)
    })
    .await
}

/// Gives every district the streets `by_district` lists (none for a district it leaves out);
/// returns the districts whose list changed. A dry run changes nothing and names none.
pub async fn streets(
    state: &web::Data<AppState>,
    meta: WriteMeta,
    by_district: BTreeMap<String, Vec<StreetSpan>>,
    dry_run: bool,
) -> AppResult<Vec<String>> {
    if dry_run {
        return Ok(Vec::new());
    }
    state::write(state, move |conn| replace_streets(conn, &meta, &by_district)).await
}
