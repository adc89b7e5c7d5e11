//! One error type for the whole service, answered as `application/problem+json` (RFC 9457).
//! Every message is in Swedish and English: `detail` carries both, `errors` names each field.

use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, ETAG, HeaderValue, RETRY_AFTER, WWW_AUTHENTICATE};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::edit::Refusal;
use crate::domain::{FieldError, Invalid};

pub type AppResult<T> = Result<T, AppError>;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// The ETag of a version: a strong entity tag, `"7"`.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request is malformed or a value has the wrong form; 422 when each refused value
    /// has the documented form and breaks a rule of the directory.
    #[error("invalid request: {0:?}")]
    Validation(Vec<FieldError>),
    /// 401: no token where one is needed, or a token that does not verify.
    #[error("unauthorized: {en}")]
    Unauthorized { sv: String, en: String },
    /// 403: signed in, but the role does not allow this.
    #[error("forbidden: {en}")]
    Forbidden { sv: String, en: String },
    /// 409: the change would break a rule of the directory.
    #[error("conflict: {en}")]
    Conflict { sv: String, en: String },
    /// 428: a write without `If-Match`.
    #[error("precondition required")]
    PreconditionRequired,
    /// 412: `If-Match` names a version that is no longer current.
    #[error("precondition failed")]
    PreconditionFailed { current_version: Option<i64> },
    /// 405: the address exists, the method does not (`Allow` is added by the caller).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 429: too many failed sign-ins from this client.
    #[error("too many requests")]
    TooManyRequests { retry_after_seconds: u64 },
    /// 404: nothing by that id or query; may carry "did you mean" suggestions.
    #[error("not found: {en}")]
    NotFound {
        sv: String,
        en: String,
        suggestions: Vec<Suggestion>,
    },
    /// 413: a request larger than the service takes (an import's file, in rows).
    #[error("too large: {en}")]
    TooLarge { sv: String, en: String },
    /// 503: the database is not answering; try again shortly.
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// 500: a bug or an unforeseen failure. The cause is logged, never sent.
    #[error("unexpected error")]
    Unexpected(#[source] anyhow::Error),
}

impl AppError {
    /// A 400 about one field or query parameter.
    pub fn invalid(field: &str, why: Invalid) -> Self {
        Self::Validation(vec![why.at(field)])
    }

    pub fn unauthorized(sv: impl Into<String>, en: impl Into<String>) -> Self {
        Self::Unauthorized {
            sv: sv.into(),
            en: en.into(),
        }
    }

    /// 401 for a call without a token where one is needed.
    pub fn missing_token() -> Self {
        Self::unauthorized(
            "logga in: skicka en token i huvudet Authorization: Bearer <token>",
            "sign in: send a token in the header Authorization: Bearer <token>",
        )
    }

    pub fn conflict(why: Invalid) -> Self {
        Self::Conflict {
            sv: why.sv,
            en: why.en,
        }
    }

    pub fn not_found(sv: impl Into<String>, en: impl Into<String>) -> Self {
        Self::NotFound {
            sv: sv.into(),
            en: en.into(),
            suggestions: Vec::new(),
        }
    }

    fn problem(&self) -> Problem {
        match self {
            AppError::Validation(errors) => {
                let (sv, en) = match errors.as_slice() {
                    [one] => (
                        format!("Ogiltigt värde i {}: {}", one.field, one.sv),
                        format!("Invalid value in {}: {}", one.field, one.en),
                    ),
                    many => (
                        format!("{} fel i förfrågan, se errors", many.len()),
                        format!("{} problems in the request, see errors", many.len()),
                    ),
                };
                let status = self.status_code();
                let (slug, title) = match status {
                    StatusCode::UNPROCESSABLE_ENTITY => ("unprocessable", "Unprocessable content"),
                    _ => ("invalid-request", "Invalid request"),
                };
                Problem::new(status, slug, title, sv, en).with_errors(errors)
            }
            AppError::Unauthorized { sv, en } => {
                Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", "Unauthorized", sv, en)
            }
            AppError::Forbidden { sv, en } => {
                Problem::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", sv, en)
            }
            AppError::Conflict { sv, en } => {
                Problem::new(StatusCode::CONFLICT, "conflict", "Conflict", sv, en)
            }
            AppError::TooLarge { sv, en } => Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "Payload too large",
                sv,
                en,
            ),
            AppError::PreconditionRequired => Problem::new(
                StatusCode::PRECONDITION_REQUIRED,
                "precondition-required",
                "Precondition required",
                "ändringar kräver huvudet If-Match med den ETag som GET gav, så att ingen annans ändring skrivs över",
                "changes need an If-Match header with the ETag from GET, so that nobody else's change is overwritten",
            ),
            AppError::PreconditionFailed { current_version } => Problem::new(
                StatusCode::PRECONDITION_FAILED,
                "precondition-failed",
                "Precondition failed",
                format!(
                    "någon annan har ändrat detta sedan du läste det (aktuell version {}); läs in igen och gör om ändringen. Inget ändrades",
                    current_version.map_or("-".into(), etag)
                ),
                format!(
                    "someone else has changed this since you read it (current version {}); read it again and redo the change. Nothing was changed",
                    current_version.map_or("-".into(), etag)
                ),
            ),
            AppError::MethodNotAllowed => Problem::for_status(StatusCode::METHOD_NOT_ALLOWED),
            AppError::TooManyRequests { retry_after_seconds } => Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-requests",
                "Too many requests",
                format!("för många misslyckade inloggningar; försök igen om {retry_after_seconds} sekunder"),
                format!("too many failed sign-ins; try again in {retry_after_seconds} seconds"),
            ),
            AppError::NotFound { sv, en, suggestions } => {
                let mut p = Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", sv, en);
                p.suggestions = suggestions.clone();
                p
            }
            AppError::Unavailable(_) => Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Service unavailable",
                "Databasen svarar inte just nu; försök igen om en stund",
                "The database is not answering right now; try again shortly",
            ),
            AppError::Unexpected(_) => Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
                "Ett oväntat fel inträffade; det är loggat",
                "An unexpected error occurred; it has been logged",
            ),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            // 422 when every refused value has the documented form and breaks a rule the
            // document cannot state (see `Invalid::rule`); 400 when any has the wrong form.
            AppError::Validation(errors) if !errors.is_empty() && errors.iter().all(|e| e.rule) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            AppError::Validation(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            AppError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::NotFound { .. } => StatusCode::NOT_FOUND,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Unavailable(cause) => log::warn!("database unavailable: {cause:#}"),
            AppError::Unexpected(cause) => log::error!("unexpected error: {cause:#}"),
            _ => {}
        }
        let mut response = self.problem().response();
        let headers = response.headers_mut();
        match self {
            AppError::Unavailable(_) => {
                headers.insert(RETRY_AFTER, HeaderValue::from_static("5"));
            }
            AppError::TooManyRequests { retry_after_seconds } => {
                headers.insert(RETRY_AFTER, HeaderValue::from(*retry_after_seconds));
            }
            AppError::Unauthorized { .. } => {
                headers.insert(
                    WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"kontaktnav\""),
                );
            }
            AppError::PreconditionFailed {
                current_version: Some(version),
            } => {
                if let Ok(value) = HeaderValue::from_str(&etag(*version)) {
                    headers.insert(ETAG, value);
                }
            }
            _ => {}
        }
        response
    }
}

impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Invalid(errors) => AppError::Validation(errors),
            Refusal::Conflict(why) => AppError::conflict(why),
            Refusal::NotFound(why) => AppError::NotFound {
                sv: why.sv,
                en: why.en,
                suggestions: Vec::new(),
            },
        }
    }
}

/// Storage's refusals and failures, answered: the one place where they become HTTP.
impl From<crate::db::StoreError> for AppError {
    fn from(e: crate::db::StoreError) -> Self {
        use crate::db::StoreError;
        match e {
            StoreError::Query(e) => e.into(),
            StoreError::Refused(refusal) => refusal.into(),
            StoreError::Stale { stored } => AppError::PreconditionFailed {
                current_version: Some(stored),
            },
            StoreError::Corrupt(e) => AppError::Unexpected(e),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as K, Error as E};
        match e {
            E::NotFound => AppError::not_found("det finns inte", "it does not exist"),
            // The database's own words (SQL, table names) go to the log; the answer names the
            // field and the rule in words.
            E::DatabaseError(K::UniqueViolation, ref info) => broken_constraint(
                info.as_ref(),
                "värdet finns redan och måste vara unikt",
                "the value exists already and must be unique",
            ),
            E::DatabaseError(K::ForeignKeyViolation | K::CheckViolation | K::NotNullViolation, ref info) => {
                broken_constraint(
                    info.as_ref(),
                    "värdet bryter mot en regel i katalogen (finns det som det hänvisar till, är det inom gränserna?)",
                    "the value breaks a rule of the directory (does what it refers to exist, is it within bounds?)",
                )
            }
            // The schema's own triggers (append-only audit, the vag_in that stays): their
            // messages are written for people.
            E::DatabaseError(_, ref info)
                if info.message().contains("append-only") || info.message().contains("cannot be removed") =>
            {
                let message = info.message().to_owned();
                AppError::Conflict {
                    sv: format!("ändringen bryter mot en regel i katalogen ({message})"),
                    en: format!("the change breaks a rule of the directory ({message})"),
                }
            }
            E::DatabaseError(K::ClosedConnection | K::UnableToSendCommand, _) => {
                AppError::Unavailable(anyhow::Error::new(e))
            }
            // libpq's words when the server went away under a running statement,
            // PostgreSQL's when a statement gave up waiting, and SQLite's when the write lock
            // stayed taken for the whole busy timeout (SQLITE_BUSY): try again shortly.
            E::DatabaseError(_, ref info)
                if [
                    "database is locked",
                    "database table is locked",
                    "server closed the connection",
                    "terminating connection",
                    "no connection to the server",
                    "could not connect",
                    "canceling statement due to lock timeout",
                    "canceling statement due to statement timeout",
                    "deadlock detected",
                    "could not serialize access",
                ]
                .iter()
                .any(|m| info.message().contains(m)) =>
            {
                AppError::Unavailable(anyhow::Error::new(e))
            }
            E::BrokenTransactionManager | E::RollbackErrorOnCommit { .. } => {
                AppError::Unavailable(anyhow::Error::new(e))
            }
            other => AppError::Unexpected(anyhow::Error::new(other)),
        }
    }
}

/// 409 for a constraint the database enforced: the field and the rule in words; the database's
/// own words (SQL, table names) only in the log.
fn broken_constraint(info: &dyn diesel::result::DatabaseErrorInformation, sv: &str, en: &str) -> AppError {
    log::info!("constraint violation: {}", info.message());
    let field = violated_field(info);
    AppError::Conflict {
        sv: format!("{field}: {sv}"),
        en: format!("{field}: {en}"),
    }
}

/// The field a constraint is about: PostgreSQL names the column or the constraint
/// (`units_name_check`); SQLite says `UNIQUE constraint failed: units.hsa_id` or `CHECK
/// constraint failed: <name or expression>`. Never more than a short identifier.
fn violated_field(info: &dyn diesel::result::DatabaseErrorInformation) -> String {
    let raw = info
        .column_name()
        .or(info.constraint_name())
        .map(str::to_owned)
        .or_else(|| {
            let rest = info.message().split_once("constraint failed: ")?.1;
            Some(rest.split(',').next()?.trim().to_owned())
        })
        .unwrap_or_default();
    let field = raw.rsplit('.').next().unwrap_or_default();
    // PostgreSQL names constraints `<table>_<column>_check`.
    let field = info
        .table_name()
        .and_then(|t| field.strip_prefix(&format!("{t}_")))
        .unwrap_or(field);
    let field = field
        .strip_suffix("_check")
        .or_else(|| field.strip_suffix("_fkey"))
        .or_else(|| field.strip_suffix("_key"))
        .unwrap_or(field);
    if !field.is_empty() && field.len() <= 64 && field.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        field.to_owned()
    } else {
        "body".to_owned()
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::Unavailable(anyhow::Error::new(e))
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Unexpected(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

/// RFC 9457 problem details, with the extension members `errors` and `suggestions`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:kontaktnav:problem:invalid-request",
    "title": "Invalid request",
    "status": 400,
    "detail": "Ogiltigt värde i kind: okänd enhetstyp 'vardcentraal'; tillåtna värden: vardcentral, rehab, … / Invalid value in kind: unknown unit kind 'vardcentraal'; allowed values: vardcentral, rehab, …",
    "errors": [{"field": "kind", "sv": "okänd enhetstyp 'vardcentraal'; …", "en": "unknown unit kind 'vardcentraal'; …"}]
}))]
pub struct Problem {
    /// A URN naming the kind of problem.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short English summary of the kind of problem.
    pub title: String,
    pub status: u16,
    /// What went wrong, in Swedish, then " / ", then in English.
    pub detail: String,
    /// One entry per refused field or parameter.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// For a lookup that found nothing: the nearest names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Suggestion>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemField {
    /// The field or query parameter, e.g. `kind` or `contact_points[0].number`.
    pub field: String,
    /// The reason in Swedish.
    pub sv: String,
    /// The reason in English.
    pub en: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Suggestion {
    pub id: Uuid,
    pub name: String,
}

impl From<&crate::domain::Unit> for Suggestion {
    fn from(unit: &crate::domain::Unit) -> Self {
        Self {
            id: unit.id,
            name: unit.name.clone(),
        }
    }
}

impl Problem {
    fn new(
        status: StatusCode,
        slug: &str,
        title: &str,
        sv: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self {
            problem_type: format!("urn:kontaktnav:problem:{slug}"),
            title: title.into(),
            status: status.as_u16(),
            detail: format!("{} / {}", sv.into(), en.into()),
            errors: Vec::new(),
            suggestions: Vec::new(),
        }
    }

    fn with_errors(mut self, errors: &[FieldError]) -> Self {
        self.errors = errors
            .iter()
            .map(|e| ProblemField {
                field: e.field.clone(),
                sv: e.sv.clone(),
                en: e.en.clone(),
            })
            .collect();
        self
    }

    fn response(&self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        HttpResponse::build(status).content_type(PROBLEM_JSON).json(self)
    }

    /// A problem for an error response that something other than our handlers produced
    /// (unknown path, wrong method, oversized payload ...).
    fn for_status(status: StatusCode) -> Self {
        let (slug, sv, en) = match status {
            StatusCode::NOT_FOUND => (
                "not-found",
                "Det finns ingen resurs på den adressen; se /api-docs/openapi.json",
                "There is no resource at this address; see /api-docs/openapi.json",
            ),
            StatusCode::METHOD_NOT_ALLOWED => (
                "method-not-allowed",
                "Metoden stöds inte för den här adressen; huvudet Allow visar de som gör det",
                "This method is not supported for this address; the Allow header lists those that are",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => (
                "payload-too-large",
                "Förfrågan är för stor",
                "The request is too large",
            ),
            s if s.is_server_error() => (
                "internal",
                "Ett oväntat fel inträffade; det är loggat",
                "An unexpected error occurred; it has been logged",
            ),
            _ => (
                "bad-request",
                "Förfrågan kunde inte behandlas",
                "The request could not be processed",
            ),
        };
        Self::new(status, slug, status.canonical_reason().unwrap_or("Error"), sv, en)
    }
}

/// Middleware hook: makes every 4xx/5xx that is not yet a problem document into one, so that
/// clients never see an empty or HTML error body.
pub fn problem_for_bare_errors<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    // Problem documents, and the web pages' own error pages, are answers already.
    let is_problem = res.headers().get(CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()) || v.as_bytes().starts_with(b"text/html")
    });
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (req, old) = res.into_parts();
    let mut response = Problem::for_status(status).response();
    for (name, value) in old.headers() {
        if name != CONTENT_TYPE && name != actix_web::http::header::CONTENT_LENGTH {
            response.headers_mut().insert(name.clone(), value.clone());
        }
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body::<B>(),
    ))
}

/// Turns actix's query-string and path extraction errors into problem documents.
pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    let message = err.to_string();
    let message = message
        .strip_prefix("Query deserialize error: ")
        .unwrap_or(&message);
    AppError::invalid(
        "query",
        Invalid::new(
            format!("frågeparametrarna kan inte läsas: {message}"),
            format!("the query parameters cannot be read: {message}"),
        ),
    )
    .into()
}

pub fn path_error(err: actix_web::error::PathError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    AppError::invalid(
        "path",
        Invalid::new(
            format!("adressen kan inte läsas: {err}"),
            format!("the path cannot be read: {err}"),
        ),
    )
    .into()
}

/// Turns JSON body errors (syntax, wrong types, unknown fields, too large) into problem
/// documents.
pub fn json_error(
    err: actix_web::error::JsonPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as J;
    let (sv, en) = match &err {
        J::OverflowKnownLength { .. } | J::Overflow { .. } => (
            "innehållet är för stort".to_owned(),
            "the body is too large".to_owned(),
        ),
        J::ContentType => (
            "innehållet ska vara JSON (Content-Type: application/json)".to_owned(),
            "the body must be JSON (Content-Type: application/json)".to_owned(),
        ),
        J::Deserialize(e) => (
            format!("JSON-innehållet kan inte läsas: {e}"),
            format!("the JSON body cannot be read: {e}"),
        ),
        other => (
            format!("innehållet kan inte läsas: {other}"),
            format!("the body cannot be read: {other}"),
        ),
    };
    AppError::invalid("body", Invalid::new(sv, en)).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorInformation, DatabaseErrorKind, Error as DieselError};

    /// What a backend says about a broken constraint.
    struct Said {
        message: &'static str,
        table: Option<&'static str>,
        column: Option<&'static str>,
        constraint: Option<&'static str>,
    }

    impl DatabaseErrorInformation for Said {
        fn message(&self) -> &str {
            self.message
        }
        fn details(&self) -> Option<&str> {
            None
        }
        fn hint(&self) -> Option<&str> {
            None
        }
        fn table_name(&self) -> Option<&str> {
            self.table
        }
        fn column_name(&self) -> Option<&str> {
            self.column
        }
        fn constraint_name(&self) -> Option<&str> {
            self.constraint
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    fn detail(kind: DatabaseErrorKind, said: Said) -> (u16, String) {
        let error = AppError::from(DieselError::DatabaseError(kind, Box::new(said)));
        let problem = error.problem();
        (problem.status, problem.detail)
    }

    #[test]
    fn a_broken_constraint_names_the_field_and_never_the_sql() {
        let cases = [
            (
                DatabaseErrorKind::CheckViolation,
                Said {
                    message: "CHECK constraint failed: length(name) <= 200",
                    table: None,
                    column: None,
                    constraint: None,
                },
                "length(name) <= 200",
            ),
            (
                DatabaseErrorKind::CheckViolation,
                Said {
                    message: "new row for relation \"units\" violates check constraint \"units_name_check\"",
                    table: Some("units"),
                    column: None,
                    constraint: Some("units_name_check"),
                },
                "name",
            ),
            (
                DatabaseErrorKind::UniqueViolation,
                Said {
                    message: "UNIQUE constraint failed: units.hsa_id",
                    table: None,
                    column: None,
                    constraint: None,
                },
                "hsa_id",
            ),
            (
                DatabaseErrorKind::NotNullViolation,
                Said {
                    message: "null value in column \"label\" of relation \"contact_points\" violates not-null constraint",
                    table: None,
                    column: Some("label"),
                    constraint: None,
                },
                "label",
            ),
        ];
        for (kind, said, field) in cases {
            let message = said.message;
            let (status, detail) = detail(kind, said);
            assert_eq!(status, 409);
            assert!(!detail.contains(message), "{detail}");
            assert!(
                !detail.contains("relation") && !detail.contains("constraint failed"),
                "{detail}"
            );
            // A field name that is no plain identifier (an SQL expression) is not quoted.
            if field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                assert!(detail.starts_with(&format!("{field}: ")), "{detail}");
            } else {
                assert!(detail.starts_with("body: "), "{detail}");
            }
        }
    }
}
