//! For other systems: `GET /v1/export` (the whole directory), `GET /v1/changes` (every
//! change since a cursor, from the audit history), so a client can keep an exact copy without
//! reading the whole list again; and `POST /v1/import` (CSV, admins).
//!
//! Export and changes speak the same record: the stored state of an organisation, area or unit
//! (the JSON the audit history keeps), or of a word of the search vocabulary. Writes take turns
//! under one lock, so audit events commit in the order of their ids and a cursor (the last id
//! seen) never skips one.

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY};
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::auth::SignedIn;
use crate::db::audit;
use crate::db::audit::Entity;
use crate::db::models::AuditEventRow;
use crate::domain::{Invalid, today};
use crate::error::{AppError, AppResult, Problem};
use crate::formats::{ndjson, phone_list, vcard};
use crate::service::import;
use crate::state::AppState;
use crate::transfer::ImportReport;
use crate::{state, transfer};

use super::params;

/// The formats of `GET /v1/export`.
pub const FORMATS: [&str; 4] = ["ndjson", "csv", "vcard", "html"];

/// `POST /v1/import`: a resource of its own, for the body a whole directory needs (more than
/// the default 256 KiB). It answers other methods itself, with `Allow`, like every address.
pub fn import_service() -> actix_web::Resource {
    web::resource("/import")
        .app_data(web::PayloadConfig::new(import::MAX_FILE))
        .route(web::post().to(import))
        .default_service(web::to(super::methods::unrouted))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `ndjson` (the default): one JSON record per line; `csv`: one row per number, the file
    /// `POST /v1/import` reads; `vcard`: every active unit as a vCard 4.0; `html`: the
    /// printable phone list.
    #[param(example = "ndjson")]
    format: Option<String>,
}

/// The whole directory as NDJSON: every organisation, area and unit (with all its numbers,
/// hours, fallback and responsibilities), then the search vocabulary (`type: vocabulary`,
/// keyed by `word`), one JSON record per line, `type` first-class. The
/// same records as `GET /v1/changes` carries, so a copy built from either is the same.
#[utoipa::path(
    context_path = "/v1",
    tag = "sync",
    params(ExportParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The directory: one record per line (ndjson), one row per number (csv), vCards, or the phone list (html)", content(
            (String = "application/x-ndjson"),
            (String = "text/csv"),
            (String = "text/vcard"),
            (String = "text/html"),
        )),
        (status = 400, description = "An unsupported format", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/export")]
pub async fn export(
    state: web::Data<AppState>,
    _user: SignedIn,
    query: web::Query<ExportParams>,
) -> AppResult<HttpResponse> {
    let directory = state.directory.current();
    let day = today();
    let attachment = |ext: &str| {
        (
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"kontaktnav-{day}.{ext}\""),
        )
    };
    Ok(match query.format.as_deref().map(str::trim) {
        None | Some("ndjson") => HttpResponse::Ok()
            .content_type("application/x-ndjson; charset=utf-8")
            .body(ndjson::directory(&directory).map_err(|e| AppError::Unexpected(e.into()))?),
        Some("html") => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((CONTENT_SECURITY_POLICY, phone_list::csp()))
            .body(phone_list::phone_list(&directory, day)),
        Some("csv") => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(attachment("csv"))
            .body(transfer::export_csv(&directory).map_err(AppError::Unexpected)?),
        Some("vcard") => HttpResponse::Ok()
            .content_type("text/vcard; charset=utf-8")
            .insert_header(attachment("vcf"))
            .body(vcard::vcards(&directory, day, true)),
        Some(other) => return Err(params::unknown_format(other, &FORMATS)),
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangesParams {
    /// `next_cursor` of the previous page; absent: from the beginning.
    since: Option<String>,
    /// Page size, 1–1000 (default 500).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
}

/// One change: the new state of one organisation, area, unit or vocabulary word.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeRecord {
    /// Pass the last one as `since` to continue after it.
    pub cursor: String,
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub version: i64,
    /// The state after the change, as in `GET /v1/export` (with `type`); `null` for a word
    /// removed from the vocabulary (`entity_id` is the word).
    pub state: Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangePage {
    /// Oldest first.
    pub items: Vec<ChangeRecord>,
    /// Where to continue: pass as `since`. Present even on the last page, so a client can
    /// poll for what comes next.
    pub next_cursor: String,
    /// Whether more changes follow right away.
    pub more: bool,
}

/// The changes since a cursor, oldest first: the new state of each organisation, area, unit
/// and vocabulary word that changed. A client that applies them in order to an export keeps an exact copy.
#[utoipa::path(
    context_path = "/v1",
    tag = "sync",
    params(ChangesParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of changes", body = ChangePage),
        (status = 400, description = "A bad cursor or limit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/changes")]
pub async fn changes(
    state: web::Data<AppState>,
    _user: SignedIn,
    query: web::Query<ChangesParams>,
) -> AppResult<HttpResponse> {
    let limit = params::limit(query.limit.as_deref(), 500, 1000)?;
    let since = query.since()?;
    let page = limit as i64;
    let rows = state::read(&state, move |conn| audit::after(conn, since, &SYNCED, page + 1)).await?;
    let more = rows.len() > limit;
    let items = rows
        .into_iter()
        .take(limit)
        .map(ChangeRecord::try_from)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| AppError::Unexpected(e.into()))?;
    let next_cursor = items
        .last()
        .map_or_else(|| since.to_string(), |c| c.cursor.clone());
    Ok(HttpResponse::Ok().json(ChangePage {
        items,
        next_cursor,
        more,
    }))
}

/// What the change feed carries.
const SYNCED: [Entity; 4] = [
    Entity::Organisation,
    Entity::Area,
    Entity::Unit,
    Entity::Vocabulary,
];

impl ChangesParams {
    /// The last change the client has (`since`; 0 for none).
    fn since(&self) -> AppResult<i64> {
        let Some(raw) = self.since.as_deref() else {
            return Ok(0);
        };
        raw.trim().parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            AppError::invalid(
                "since",
                Invalid::rule(
                    "cursor är ogiltig; använd next_cursor oförändrad",
                    "the cursor is invalid; pass next_cursor unchanged",
                ),
            )
        })
    }
}

impl TryFrom<AuditEventRow> for ChangeRecord {
    type Error = serde_json::Error;

    fn try_from(row: AuditEventRow) -> Result<Self, Self::Error> {
        Ok(ChangeRecord {
            cursor: row.id.to_string(),
            occurred_at: row.occurred_at.and_utc(),
            state: ndjson::stored_record(&row.entity_type, row.after_state.as_deref())?,
            action: row.action,
            entity_type: row.entity_type,
            entity_id: row.entity_id,
            version: row.entity_version,
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `true`: read and check everything (also what only the database can check), report
    /// what would change, and change nothing.
    dry_run: Option<bool>,
    /// Why (kept in the history of every unit the import changes).
    reason: Option<String>,
    /// The `based_on` of the preview (dry run) this import confirms: if a unit the file
    /// touches has changed since, the import answers 409 and changes nothing (make a new
    /// preview). Without it the file is applied to the directory as it is now.
    #[param(minimum = 0)]
    based_on: Option<i64>,
}

/// Import units and their numbers from CSV (admins): the columns of `GET
/// /v1/export?format=csv`, one row per number (see the README). All or nothing: a file with
/// a problem changes nothing and every problem is reported with its line and column (`errors[].field`
/// is `line 7: number`). Units are matched by `unit_id`, then `hsa_id`, then organisation and
/// name, so a second import of the same file changes nothing. The units an import changes
/// share one `batch_id` in the audit history (`GET /v1/audit?batch=…`).
#[utoipa::path(
    post,
    context_path = "/v1",
    tag = "admin",
    path = "/import",
    params(ImportParams),
    request_body(content = String, content_type = "text/csv", example = "name,kind,organisation_id,area_ids,purpose,label,visibility,number\nHemtjänst Exempel,hemtjanst,boras-stad-vaf,mote-1,vag_in,En väg in,internal,031-390 06 50\n"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Imported (or, dry run, checked)", body = ImportReport),
        (status = 400, description = "Problems, each with line and column; nothing changed", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A unit the file touches changed after the confirmed preview (`based_on`), or the import breaks a rule of the directory; nothing changed", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 64 MiB, or more than 200,000 lines", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn import(
    state: web::Data<AppState>,
    user: SignedIn,
    req: HttpRequest,
    query: web::Query<ImportParams>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let meta = super::upload::begin(&user, &req, ("filen", "the file"), query.reason.as_deref())?;
    let based_on = super::upload::based_on(query.based_on)?;
    let mode = import::Mode::of(query.dry_run.unwrap_or(false), based_on);
    let report = import::units(&state, meta, body, mode).await?;
    Ok(HttpResponse::Ok().json(report))
}
