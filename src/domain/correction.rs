//! "This is wrong": a report by anyone signed in that a unit's information is wrong, optionally
//! with the right number, decided by an editor of the unit. The reporter sees the outcome.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{CorrectionStatus, FieldError, Invalid, PhoneNumber, Unit, bounded_text};

/// The longest report.
pub const MAX_MESSAGE_CHARS: usize = 2000;

/// Who reported or decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Person {
    pub sub: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The token's issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
}

/// A report, as stored and as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Correction {
    pub id: Uuid,
    pub unit_id: Uuid,
    /// The number the report is about; none: the unit in general.
    pub contact_point_id: Option<Uuid>,
    pub message: String,
    /// The number the reporter says is right.
    pub proposed_number: Option<PhoneNumber>,
    pub reporter: Person,
    pub status: CorrectionStatus,
    #[serde(with = "crate::domain::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
    pub decided_by: Option<Person>,
    #[serde(with = "crate::domain::utc::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub decided_at: Option<NaiveDateTime>,
    /// Why it was rejected (required), or a note on the acceptance.
    pub decision_reason: Option<String>,
    /// The unit's version the acceptance made; none when nothing had to change.
    pub applied_version: Option<i64>,
    /// The ETag of the report: deciding it needs `If-Match`.
    pub version: i64,
}

impl Correction {
    /// A new report on `unit`: the text is 1–2000 characters, a named number must be one of
    /// the unit's, and a proposed number must be a valid Swedish number.
    pub fn report(
        unit: &Unit,
        message: &str,
        contact_point_id: Option<Uuid>,
        proposed_number: Option<&str>,
        proposed_number_confirmed: bool,
        reporter: Person,
        at: NaiveDateTime,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let message = bounded_text(message, MAX_MESSAGE_CHARS, "meddelandet", "the message")
            .map_err(|e| errors.push(e.at("message")))
            .unwrap_or_default();
        if let Some(id) = contact_point_id
            && !unit.contact_points.iter().any(|c| c.id == id)
        {
            errors.push(
                Invalid::rule(
                    format!("enheten har inget nummer med id {id}"),
                    format!("the unit has no contact point with id {id}"),
                )
                .at("contact_point_id"),
            );
        }
        let proposed_number = match proposed_number.map(str::trim).filter(|n| !n.is_empty()) {
            None => None,
            Some(raw) => {
                match PhoneNumber::typed(raw, proposed_number_confirmed, "proposed_number_confirmed") {
                    Ok(n) => Some(n),
                    Err(e) => {
                        errors.push(e.at("proposed_number"));
                        None
                    }
                }
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            id: Uuid::new_v4(),
            unit_id: unit.id,
            contact_point_id,
            message,
            proposed_number,
            reporter,
            status: CorrectionStatus::Open,
            created_at: at,
            decided_by: None,
            decided_at: None,
            decision_reason: None,
            applied_version: None,
            version: 1,
        })
    }

    /// The number an acceptance changes: the one reported, else the unit's one way in.
    pub fn target(&self, unit: &Unit) -> Option<Uuid> {
        self.contact_point_id.or_else(|| unit.vag_in().map(|c| c.id))
    }

    /// Refuses a decision on a report that is decided already.
    pub fn expect_open(&self) -> Result<(), Invalid> {
        if self.status == CorrectionStatus::Open {
            Ok(())
        } else {
            Err(Invalid::new(
                format!(
                    "rapporten är redan avgjord ({})",
                    self.status.label_sv().to_lowercase()
                ),
                format!("the report has been decided already ({})", self.status),
            ))
        }
    }

    /// The report decided: `status` by `by` at `at`.
    pub fn decided(
        &self,
        status: CorrectionStatus,
        by: Person,
        at: NaiveDateTime,
        reason: Option<String>,
        applied_version: Option<i64>,
    ) -> Self {
        Self {
            status,
            decided_by: Some(by),
            decided_at: Some(at),
            decision_reason: reason,
            applied_version,
            version: self.version + 1,
            ..self.clone()
        }
    }
}
