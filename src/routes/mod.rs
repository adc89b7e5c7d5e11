//! HTTP routes: one module per resource. `openapi.rs` lists every operation once, and
//! routes and documents it from that list.

pub mod accounts;
pub mod areas;
pub mod audit;
pub mod contact_points;
pub mod corrections;
pub mod export;
pub mod lookup;
pub mod methods;
pub mod organisations;
pub mod params;
pub mod reviews;
pub mod session;
pub mod units;
pub mod upload;
pub mod views;
pub mod vocabulary;

use std::future::{Ready, ready};

use actix_web::http::header::{ETAG, IF_MATCH};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, HttpResponseBuilder, get, web};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use crate::db::audit::WriteMeta;
use crate::db::repo;
use crate::domain::{Invalid, text};
use crate::error::{AppError, AppResult, Problem, etag};
use crate::service::write_meta;
use crate::state::AppState;
use params::NoParams;

/// The version a write was based on, from `If-Match`. Extracting never fails, so that the
/// handler can authorise first; `required()` then answers 428 or 400.
#[derive(Debug, Clone)]
pub struct IfMatch(Option<Result<i64, String>>);

impl IfMatch {
    /// The version named by `If-Match`: 428 without it (or with `*`), 400 for a value that
    /// is not a list of entity tags (RFC 9110). Tags that cannot name a version (weak,
    /// several, not a number) read as a version that never matches: 412 from the write.
    pub fn required(&self) -> AppResult<i64> {
        match &self.0 {
            None => Err(AppError::PreconditionRequired),
            // `*` ("whatever is there") is exactly what lost-update protection must not accept.
            Some(Err(raw)) if raw == "*" => Err(AppError::PreconditionRequired),
            Some(Ok(version)) => Ok(*version),
            // Tags that cannot name a version (weak, several, not a number) are a version that
            // never matches: the write's own version check answers 412 with the current ETag,
            // after the request's form has been checked (RFC 9110, 13.2.1: a precondition
            // counts only for a request that could otherwise succeed).
            Some(Err(raw)) if is_entity_tag_list(raw) => Ok(NO_VERSION),
            Some(Err(raw)) => Err(AppError::invalid(
                "If-Match",
                Invalid::new(
                    format!(
                        "'{}' är ingen ETag; skicka ETag-värdet från GET oförändrat",
                        crate::domain::shown(raw)
                    ),
                    format!(
                        "'{}' is not an ETag; send the ETag from GET unchanged",
                        crate::domain::shown(raw)
                    ),
                ),
            )),
        }
    }
}

/// A version no stored thing has (versions start at 1).
const NO_VERSION: i64 = i64::MIN;

/// `"a", W/"b"`: entity tags (optionally weak) separated by commas and blanks (RFC 9110,
/// 8.8.3 and 13.1.1); a comma may stand inside the quotes.
fn is_entity_tag_list(raw: &str) -> bool {
    let mut rest = raw.trim_matches([' ', '\t']);
    loop {
        let tag = rest.strip_prefix("W/").unwrap_or(rest);
        let Some(inner) = tag.strip_prefix('"') else {
            return false;
        };
        let Some(end) = inner.find('"') else { return false };
        if !inner[..end]
            .bytes()
            .all(|b| b == 0x21 || (0x23..=0x7e).contains(&b) || b >= 0x80)
        {
            return false;
        }
        rest = inner[end + 1..].trim_start_matches([' ', '\t']);
        if rest.is_empty() {
            return true;
        }
        let Some(next) = rest.strip_prefix(',') else {
            return false;
        };
        rest = next.trim_start_matches([' ', '\t']);
    }
}

impl FromRequest for IfMatch {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(Ok(IfMatch::of(req)))
    }
}

impl IfMatch {
    /// The request's `If-Match`, as sent (checked by [`IfMatch::required`]).
    pub fn of(req: &HttpRequest) -> Self {
        let value = req.headers().get(IF_MATCH).map(|v| {
            let raw = v.to_str().unwrap_or_default().trim().to_owned();
            // Strong comparison: exactly the tag GET sent (`"3"`, not `"03"` or `"+3"`).
            raw.strip_prefix('"')
                .and_then(|r| r.strip_suffix('"'))
                .and_then(|n| n.parse::<i64>().ok())
                .filter(|n| crate::error::etag(*n) == raw)
                .ok_or(raw)
        });
        IfMatch(value)
    }
}

/// What an admin's change to an organisation or area extracts. Nothing is checked here:
/// [`AdminWrite::changed`] checks in the API's order, after the body has been read.
pub struct AdminWrite {
    pub state: web::Data<AppState>,
    user: crate::auth::SignedIn,
    req: HttpRequest,
    if_match: IfMatch,
}

impl FromRequest for AdminWrite {
    type Error = AppError;
    type Future = Ready<AppResult<Self>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let mut write = || {
            Ok(AdminWrite {
                state: state_of(req)?,
                user: crate::auth::SignedIn::from_request(req, payload).into_inner()?,
                req: req.clone(),
                if_match: IfMatch::of(req),
            })
        };
        ready(write())
    }
}

impl AdminWrite {
    /// For a new thing: the caller is an admin; what the audit event records.
    pub fn created(&self, reason: Option<&str>) -> AppResult<WriteMeta> {
        let user = self.user.admin()?;
        write_meta(user, &self.req, reason)
    }

    /// For a change: the caller is an admin, the version it read (`If-Match`), and what the
    /// audit event records.
    pub fn changed(&self, reason: Option<&str>) -> AppResult<(WriteMeta, i64)> {
        let user = self.user.admin()?;
        let version = self.if_match.required()?;
        Ok((write_meta(user, &self.req, reason)?, version))
    }
}

/// The application state, as every handler gets it.
pub fn state_of(req: &HttpRequest) -> AppResult<web::Data<AppState>> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("application state is missing")))
}

/// A JSON body, read like `web::Json` (same limits and errors), whose every string and key has
/// passed [`text::check`] before it becomes `T`: NUL, control characters, direction overrides
/// and invisible-only values are refused with the field they are in, for every body of the API
/// at once, so that no backend ever sees them.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: serde::de::DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let value = web::Json::<serde_json::Value>::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move { checked_json(value.await?.into_inner(), &req).map(Json) })
    }
}

/// The checks of [`Json`] on a parsed body, then the body as `T`.
fn checked_json<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    req: &HttpRequest,
) -> actix_web::Result<T> {
    fn walk(value: &mut serde_json::Value, at: &str, errors: &mut Vec<crate::domain::FieldError>) {
        use serde_json::Value;
        let name = |at: &str| {
            if at.is_empty() {
                "body".to_owned()
            } else {
                at.to_owned()
            }
        };
        match value {
            // A number without a fraction is an integer, as JSON Schema reads it (`3.0`).
            Value::Number(n) if n.is_f64() => {
                if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15) {
                    *value = Value::from(f as i64);
                }
            }
            Value::String(s) => {
                if let Err(e) = text::check(s) {
                    errors.push(e.at(name(at)));
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    walk(item, &format!("{at}[{i}]"), errors);
                }
            }
            Value::Object(map) => {
                for (key, item) in map.iter_mut() {
                    let path = if at.is_empty() {
                        key.clone()
                    } else {
                        format!("{at}.{key}")
                    };
                    if let Err(e) = text::check(key) {
                        errors.push(e.at(name(at)));
                    }
                    walk(item, &path, errors);
                }
            }
            _ => {}
        }
    }
    let mut value = value;
    let mut errors = Vec::new();
    walk(&mut value, "", &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors).into());
    }
    serde_json::from_value(value)
        .map_err(|e| crate::error::json_error(actix_web::error::JsonPayloadError::Deserialize(e), req))
}

/// Refuses text in the query string or the path that [`text::check`] refuses (a NUL in a
/// search, a direction override in an id), naming the parameter, before any handler runs.
pub async fn text_guard(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> actix_web::Result<
    actix_web::dev::ServiceResponse<actix_web::body::EitherBody<impl actix_web::body::MessageBody>>,
> {
    // Control, direction and invisible characters can only come percent-encoded (or, where a
    // parser lets them through, as raw non-ASCII bytes): a request without either has nothing
    // to check, which is the hot path of plain reads.
    let encoded = |s: &str| s.bytes().any(|b| b == b'%' || b >= 0x80);
    if !encoded(req.path()) && !encoded(req.query_string()) {
        return next
            .call(req)
            .await
            .map(actix_web::dev::ServiceResponse::map_into_left_body);
    }
    let mut errors = Vec::new();
    if let Some(e) = req.path().split('/').find_map(|segment| {
        text::check(&percent_encoding::percent_decode_str(segment).decode_utf8_lossy()).err()
    }) {
        errors.push(e.at("path"));
    }
    if let Ok(pairs) = serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string()) {
        for (name, value) in &pairs {
            if let Err(e) = text::check(name).and_then(|()| text::check(value)) {
                errors.push(e.at(crate::domain::shown(name)));
            }
        }
    }
    if errors.is_empty() {
        next.call(req)
            .await
            .map(actix_web::dev::ServiceResponse::map_into_left_body)
    } else {
        let res = actix_web::ResponseError::error_response(&AppError::Validation(errors));
        Ok(req.into_response(res).map_into_right_body())
    }
}

/// A JSON body that may be left out: a request without a body (or with an empty one) is
/// `None`; a body that is there must be JSON of the right shape, or the request is refused
/// like any other (400; 413 when too large). `Option<web::Json<T>>` would read every
/// unreadable body as "no body".
#[derive(Debug)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T: serde::de::DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = actix_web::Error;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        use actix_web::error::JsonPayloadError;
        let req = req.clone();
        let bytes = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            // Too large is answered as for every JSON body (400, "the body is too large").
            let bytes = bytes
                .await
                .map_err(|e| match e.as_error::<actix_web::error::PayloadError>() {
                    Some(actix_web::error::PayloadError::Overflow) => {
                        crate::error::json_error(JsonPayloadError::Overflow { limit: 0 }, &req)
                    }
                    _ => e,
                })?;
            if bytes.is_empty() {
                return Ok(OptionalJson(None));
            }
            let json = req.mime_type().ok().flatten().is_some_and(|m| {
                m.subtype() == actix_web::mime::JSON || m.suffix() == Some(actix_web::mime::JSON)
            });
            if !json {
                return Err(crate::error::json_error(JsonPayloadError::ContentType, &req));
            }
            let value: serde_json::Value = serde_json::from_slice(&bytes)
                .map_err(|e| crate::error::json_error(JsonPayloadError::Deserialize(e), &req))?;
            checked_json(value, &req).map(|value| OptionalJson(Some(value)))
        })
    }
}

/// Refuses a body that is not sent as CSV (`text/csv`, or `text/plain`); `what` names it.
pub fn require_csv(req: &HttpRequest, what_sv: &str, what_en: &str) -> AppResult<()> {
    let csv = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/csv") || t.starts_with("text/plain"));
    if csv {
        Ok(())
    } else {
        Err(AppError::invalid(
            "Content-Type",
            Invalid::new(
                format!("skicka {what_sv} som text/csv"),
                format!("send {what_en} as text/csv"),
            ),
        ))
    }
}

/// A view's JSON, as the bytes of an answer (for [`crate::directory::Directory::answer`]).
pub fn json_bytes<T: serde::Serialize>(view: &T) -> Result<actix_web::web::Bytes, AppError> {
    serde_json::to_vec(view)
        .map(actix_web::web::Bytes::from)
        .map_err(|e| AppError::Unexpected(anyhow::Error::new(e).context("serialising an answer")))
}

/// A response with the JSON bytes of an answer as its body.
pub fn answered(mut builder: HttpResponseBuilder, body: actix_web::web::Bytes) -> HttpResponse {
    builder
        .content_type(actix_web::http::header::ContentType::json())
        .body(body)
}

/// A response that carries the version it shows as its ETag.
pub fn with_etag(mut builder: HttpResponseBuilder, version: i64) -> HttpResponseBuilder {
    builder.insert_header((ETAG, etag(version)));
    builder
}

/// For PATCH bodies: a field that is present (even as `null`) becomes `Some(..)`, so that
/// `Option<Option<T>>` tells "leave as it is" (absent) from "clear" (`null`).
pub fn present<'de, T, D>(d: D) -> Result<Option<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    T::deserialize(d).map(Some)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
    /// Units in the served snapshot.
    pub units: usize,
    /// How often this instance read the whole directory again after start. Writes, its own
    /// and other instances', are applied as changes; a full read happens only when a gap in
    /// the change history was found or a read failed.
    pub full_reloads: u64,
}

/// Liveness: the process is up and serving.
#[utoipa::path(tag = "health", responses((status = 200, description = "Alive", body = Health)))]
#[get("/healthz")]
pub async fn healthz(state: web::Data<AppState>, _: web::Query<NoParams>) -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        units: state.directory.current().unit_count(),
        full_reloads: state.full_reloads.load(std::sync::atomic::Ordering::SeqCst),
    })
}

/// Readiness: the database answers.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "The database does not answer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>, _: web::Query<NoParams>) -> AppResult<HttpResponse> {
    let served = state.clone();
    web::block(move || {
        let mut conn = served.pool.get()?;
        repo::ping(&mut conn)?;
        if served.stale.load(std::sync::atomic::Ordering::SeqCst) {
            served.reload(&mut conn)?;
        }
        Ok::<_, anyhow::Error>(())
    })
    .await?
    .map_err(AppError::Unavailable)?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ready",
        units: state.directory.current().unit_count(),
        full_reloads: state.full_reloads.load(std::sync::atomic::Ordering::SeqCst),
    }))
}
