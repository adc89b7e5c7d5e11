//! A unit's numbers: add, change and remove one (`/v1/units/{id}/contact-points`). Each is a
//! change of the unit: it names the unit's version (`If-Match`) and leaves one audit event,
//! through `service::units`.

use actix_web::{HttpResponse, delete, patch, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::domain::edit::ContactPointPatch;
use crate::domain::hours::{Period, TelephoneHours};
use crate::domain::{ContactPointDraft, Purpose, Visibility};
use crate::error::{AppError, AppResult, Problem};
use crate::service::units::UnitChange;

use super::present;
use super::units::{PROBLEMS, UnitWrite, internal};
use super::views::UnitDetail;

/// A number to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"purpose": "switchboard", "label": "Växel", "visibility": "public", "number": "031-390 06 10", "reason": "ny växel från 1 mars"}))]
pub struct NewContactPoint {
    purpose: Purpose,
    label: String,
    /// Default `internal`.
    #[serde(default = "internal")]
    visibility: Visibility,
    /// As people write it: `031-390 06 10`, `+46 31 390 06 10`.
    number: String,
    /// The number is right as typed, although it looks mistyped: without it such a number is
    /// refused (422, "Menade du 031-39 00 62? …").
    #[serde(default)]
    number_confirmed: bool,
    /// When it is answered (telefontid); absent: not recorded (unknown). A number answered
    /// day and night says so: `every_day` `00:00`–`24:00`.
    hours: Option<TelephoneHours>,
    /// Dated periods: other hours or closed, a redirect, a note for callers.
    #[serde(default)]
    periods: Vec<Period>,
    /// Why (kept in the history).
    reason: Option<String>,
}

impl NewContactPoint {
    fn draft(self) -> (ContactPointDraft, Option<String>) {
        (
            ContactPointDraft {
                purpose: self.purpose,
                label: self.label,
                visibility: self.visibility,
                number: self.number,
                number_confirmed: self.number_confirmed,
                hours: self.hours,
                periods: self.periods,
            },
            self.reason,
        )
    }
}

/// Changes to one number; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"number": "031-390 06 11", "reason": "ny växel från 1 mars"}))]
pub struct ContactPointChangesBody {
    purpose: Option<Purpose>,
    label: Option<String>,
    visibility: Option<Visibility>,
    number: Option<String>,
    /// The number is right as typed, although it looks mistyped: without it such a number is
    /// refused (422, "Menade du 031-39 00 62? …").
    #[serde(default)]
    number_confirmed: bool,
    /// When it is answered; `null`: not recorded (unknown).
    #[serde(default, deserialize_with = "present")]
    hours: Option<Option<TelephoneHours>>,
    /// Dated periods of the number (replaces the list; `[]`: none). No two may overlap.
    #[schema(example = json!([{"from": "2027-12-20", "to": "2027-12-31", "weekly": [{"days": ["workdays"], "from": "09:00", "to": "12:00"}], "note": "Begränsade telefontider under jul."}]))]
    periods: Option<Vec<Period>>,
    reason: Option<String>,
}

impl ContactPointChangesBody {
    fn patch(self) -> (ContactPointPatch, Option<String>) {
        let patch = ContactPointPatch {
            purpose: self.purpose,
            label: self.label,
            visibility: self.visibility,
            number: self.number,
            number_confirmed: self.number_confirmed,
            hours: self.hours,
            periods: self.periods,
        };
        (patch, self.reason)
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReasonParam {
    /// Why (kept in the history).
    reason: Option<String>,
}

/// Add a number to a unit.
#[utoipa::path(
    context_path = "/v1",
    tag = "editing",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The unit's ETag")),
    request_body = NewContactPoint,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The unit with the new number", body = UnitDetail, headers(("ETag" = String))),
        (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/units/{id}/contact-points")]
pub async fn add_contact_point(
    write: UnitWrite,
    body: super::Json<NewContactPoint>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let (draft, reason) = body.into_inner().draft();
    let point = draft.validate("").map_err(AppError::Validation)?;
    write.apply(reason, UnitChange::AddNumber(Box::new(point))).await
}

/// Change one number of a unit. The `vag_in` number keeps its purpose.
#[utoipa::path(
    context_path = "/v1",
    tag = "editing",
    params(("id" = Uuid, Path), ("point_id" = Uuid, Path), ("If-Match" = String, Header, description = "The unit's ETag")),
    request_body = ContactPointChangesBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The unit with the changed number", body = UnitDetail, headers(("ETag" = String))),
        (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/units/{id}/contact-points/{point_id}")]
pub async fn update_contact_point(
    write: UnitWrite,
    body: super::Json<ContactPointChangesBody>,
    _: web::Query<super::params::NoParams>,
) -> AppResult<HttpResponse> {
    let point = write.point()?;
    let (patch, reason) = body.into_inner().patch();
    write
        .apply(reason, UnitChange::ChangeNumber(point, Box::new(patch)))
        .await
}

/// Remove a number from a unit (the history keeps it; a revert brings it back). The `vag_in`
/// number cannot be removed.
#[utoipa::path(
    context_path = "/v1",
    tag = "editing",
    params(("id" = Uuid, Path), ("point_id" = Uuid, Path), ("If-Match" = String, Header, description = "The unit's ETag"), ReasonParam),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The unit without the number", body = UnitDetail, headers(("ETag" = String))),
        (status = "4XX", description = PROBLEMS, body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/units/{id}/contact-points/{point_id}")]
pub async fn remove_contact_point(
    write: UnitWrite,
    query: web::Query<ReasonParam>,
) -> AppResult<HttpResponse> {
    let point = write.point()?;
    write
        .apply(query.into_inner().reason, UnitChange::RemoveNumber(point))
        .await
}
