//! What the service does, for the API's routes and the web pages alike: each use case once,
//! so that a page and an endpoint that do the same thing share the same checks, transaction
//! and audit event. Neither routes nor pages import each other; both import this. (Issue 15
//! moves the rest of the writes here.)

pub mod accounts;
pub mod corrections;
pub mod demo;
pub mod import;
pub mod reference;
pub mod search;
pub mod units;
pub mod vocabulary;

use actix_web::HttpMessage;
use actix_web::HttpRequest;

use crate::auth::User;
use crate::db::audit::WriteMeta;
use crate::domain::edit;
use crate::error::{AppError, AppResult};
use crate::state::RequestId;

/// Who writes and why: the signed-in user, the request (its id goes into the audit event) and
/// the reason given. Read only once the write is allowed, so that a refusal comes first.
#[derive(Clone, Copy)]
pub struct Author<'a> {
    pub user: &'a User,
    pub req: &'a HttpRequest,
    pub reason: Option<&'a str>,
}

impl<'a> Author<'a> {
    /// With the reason a form's field gives (blank: none).
    pub fn with_reason(user: &'a User, req: &'a HttpRequest, reason: &'a str) -> Self {
        let reason = Some(reason).filter(|r| !r.trim().is_empty());
        Self { user, req, reason }
    }

    /// What the audit event records; 400 for a reason that is not fit to keep.
    pub fn meta(&self) -> AppResult<WriteMeta> {
        write_meta(self.user, self.req, self.reason)
    }
}

/// Who writes, why, and in which request: what the audit event records.
pub fn write_meta(user: &User, req: &HttpRequest, reason: Option<&str>) -> AppResult<WriteMeta> {
    let reason = edit::reason(reason).map_err(|e| AppError::invalid("reason", e))?;
    Ok(WriteMeta {
        actor_sub: user.sub.clone(),
        actor_issuer: Some(user.issuer.clone()),
        actor_name: user.name.clone(),
        actor_role: user.role.code().to_owned(),
        reason,
        request_id: req.extensions().get::<RequestId>().map(|r| r.0.clone()),
        at: crate::db::now(),
        batch_id: None,
    })
}
