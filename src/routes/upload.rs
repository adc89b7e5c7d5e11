//! Uploaded CSV files: the start every admin upload shares ([`begin`]). Reading a file is the
//! service's (`service::import`), so that the pages read an upload the same way.

use actix_web::HttpRequest;

use crate::auth::SignedIn;
use crate::db::audit::WriteMeta;
use crate::error::AppResult;
use crate::service::write_meta;

/// The `based_on` of a confirmed preview: the report's own, a number from 0.
pub fn based_on(raw: Option<i64>) -> AppResult<Option<i64>> {
    match raw {
        Some(b) if b < 0 => Err(crate::error::AppError::invalid(
            "based_on",
            crate::domain::Invalid::new(
                "based_on är en förhandsgransknings based_on (ett tal från 0)",
                "based_on is a preview's based_on (a number from 0)",
            ),
        )),
        other => Ok(other),
    }
}

/// The start of every admin's CSV upload (units, streets, the vocabulary), in the API's
/// order: the caller is an admin, the body is CSV (`what`: the file, in Swedish and English),
/// and what the audit event records.
pub fn begin(
    user: &SignedIn,
    req: &HttpRequest,
    what: (&str, &str),
    reason: Option<&str>,
) -> AppResult<WriteMeta> {
    let user = user.admin()?;
    super::require_csv(req, what.0, what.1)?;
    write_meta(user, req, reason)
}
