//! `GET /v1/reviews`: what each organisation must review this year, for its editors.

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::views::{OrganisationRef, ReviewView, UnitRef};
use crate::auth::{SignedIn, User};
use crate::db::corrections;
use crate::directory::Directory;
use crate::domain::correction::Correction;
use crate::domain::review::ReviewStatus;
use crate::domain::{CorrectionStatus, Organisation, Role, Unit, text::sort_key, today};
use crate::error::{AppError, AppResult, Problem};
use crate::state::{self, AppState};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReviewParams {
    /// An organisation (with those under it); default: the caller's own (admins: all).
    #[param(example = "boras-stad-vaf")]
    organisation: Option<String>,
}

/// How an organisation stands.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ReviewSummary {
    pub current: usize,
    pub due_soon: usize,
    pub overdue: usize,
    /// The unit checked longest ago (or never).
    pub oldest: Option<ReviewItem>,
    /// Reports of wrong information about the organisation's units still to decide
    /// (`GET /v1/corrections?status=open`).
    pub open_corrections: usize,
    /// Numbers of active units without recorded telephone hours ("telefontid saknas"): to
    /// fill in (see `missing_hours`).
    pub numbers_without_hours: usize,
}

/// A number without recorded telephone hours: call-now can only say "may answer".
#[derive(Debug, Serialize, ToSchema)]
pub struct MissingHours {
    pub unit_id: uuid::Uuid,
    pub unit_name: String,
    pub contact_point_id: uuid::Uuid,
    pub label: String,
    pub purpose: crate::domain::Purpose,
    pub national: String,
}

/// A unit to review.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewItem {
    #[serde(flatten)]
    pub unit: UnitRef,
    pub review: ReviewView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationReview {
    pub organisation: OrganisationRef,
    pub summary: ReviewSummary,
    /// Overdue and due-soon units, the earliest due first.
    pub to_review: Vec<ReviewItem>,
    /// Numbers without recorded telephone hours, by unit name: to fill in.
    pub missing_hours: Vec<MissingHours>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewList {
    pub on: NaiveDate,
    /// One entry per organisation that has active units.
    pub organisations: Vec<OrganisationReview>,
}

/// The yearly review: per organisation, how many active units are current, due within 30
/// days or overdue, the one checked longest ago, and the list to work through (confirm each
/// with `POST /v1/units/{id}/confirm`, or correct it); and the numbers without recorded
/// telephone hours, to fill in.
#[utoipa::path(
    context_path = "/v1",
    tag = "editing",
    params(ReviewParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What to review", body = ReviewList),
        (status = 400, description = "Unknown organisation", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an editor of that organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reviews")]
pub async fn reviews(
    state: web::Data<AppState>,
    user: SignedIn,
    query: web::Query<ReviewParams>,
) -> AppResult<HttpResponse> {
    let directory = state.directory.current();
    let scope = scope(&directory, &user, query.organisation.as_deref())?;
    let open = state::read(&state, |conn| {
        corrections::list(conn, Some(CorrectionStatus::Open), None)
    })
    .await?;
    let day = today();
    let organisations = directory
        .organisations()
        .filter(|o| scope.contains(&o.id))
        .filter_map(|org| OrganisationReview::of(&directory, org, &open, day))
        .collect();
    Ok(HttpResponse::Ok().json(ReviewList {
        on: day,
        organisations,
    }))
}

/// The organisations a review covers: the one asked for (with those under it), or the
/// caller's own (admins: all).
fn scope(directory: &Directory, user: &User, organisation: Option<&str>) -> AppResult<Vec<String>> {
    let roots: Vec<String> = match (organisation, user.role) {
        (Some(org), _) => {
            crate::service::search::known_organisation(directory, org)
                .map_err(|e| AppError::invalid("organisation", e))?;
            user.editor_of(directory, org)?;
            vec![org.to_owned()]
        }
        (None, Role::Admin) => directory
            .organisations()
            .filter(|o| o.parent_id.is_none())
            .map(|o| o.id.clone())
            .collect(),
        (None, Role::Editor) => user.organisations.clone(),
        (None, Role::Reader) => {
            return Err(AppError::Forbidden {
                sv: "läsare har inget att granska".into(),
                en: "readers have nothing to review".into(),
            });
        }
    };
    let mut scope: Vec<String> = roots
        .iter()
        .flat_map(|r| directory.organisation_and_descendants(r))
        .collect();
    scope.sort();
    scope.dedup();
    Ok(scope)
}

impl OrganisationReview {
    /// How `org` stands on `day`, given the reports still open; `None` without active units.
    fn of(directory: &Directory, org: &Organisation, open: &[Correction], day: NaiveDate) -> Option<Self> {
        let units: Vec<&Unit> = directory
            .units()
            .filter(|u| u.organisation_id == org.id && u.is_active_on(day))
            .collect();
        if units.is_empty() {
            return None;
        }
        let item = |u: &Unit| ReviewItem {
            unit: UnitRef::new(directory, u),
            review: ReviewView::new(u, day),
        };
        let mut summary = ReviewSummary::default();
        for u in &units {
            match u.review_status(day) {
                ReviewStatus::Current => summary.current += 1,
                ReviewStatus::DueSoon => summary.due_soon += 1,
                ReviewStatus::Overdue => summary.overdue += 1,
            }
        }
        summary.open_corrections = open
            .iter()
            .filter(|c| units.iter().any(|u| u.id == c.unit_id))
            .count();
        summary.oldest = units
            .iter()
            .min_by_key(|u| (u.reviewed_at, sort_key(&u.name)))
            .map(|u| item(u));
        let missing_hours = MissingHours::of(&units);
        summary.numbers_without_hours = missing_hours.len();
        let mut to_review: Vec<&Unit> = units
            .into_iter()
            .filter(|u| u.review_status(day) != ReviewStatus::Current)
            .collect();
        to_review.sort_by_key(|u| (u.review_due(), sort_key(&u.name)));
        Some(OrganisationReview {
            organisation: OrganisationRef {
                id: org.id.clone(),
                name: org.name.clone(),
                short_name: org.short_name.clone(),
            },
            summary,
            to_review: to_review.into_iter().map(item).collect(),
            missing_hours,
        })
    }
}

impl MissingHours {
    /// The numbers of `units` without recorded hours, by unit name and label.
    fn of(units: &[&Unit]) -> Vec<Self> {
        let mut missing: Vec<MissingHours> = units
            .iter()
            .flat_map(|u| {
                u.contact_points
                    .iter()
                    .filter(|c| c.hours.is_none())
                    .map(|c| MissingHours {
                        unit_id: u.id,
                        unit_name: u.name.clone(),
                        contact_point_id: c.id,
                        label: c.label.clone(),
                        purpose: c.purpose,
                        national: c.number.national().to_owned(),
                    })
            })
            .collect();
        missing.sort_by_key(|m| (sort_key(&m.unit_name), m.label.clone()));
        missing
    }
}
