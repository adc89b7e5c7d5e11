//! The JSON shapes of the read API, built from domain values and the directory around them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::directory::Directory;
use crate::domain::{
    Area, AreaKind, ContactPoint, KindCategory, Organisation, OrganisationKind, Purpose, Unit, UnitKind,
    Visibility,
};

/// A number to call.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "contact_point_id": "0b9c1f7e-2f7a-4c1e-9a51-2d1f6f0d6a10",
    "purpose": "vag_in",
    "purpose_label": "En väg in",
    "label": "En väg in för socialtjänsten",
    "visibility": "internal",
    "e164": "+46313900633",
    "national": "031-390 06 33",
    "tel_uri": "tel:+46313900633"
}))]
pub struct NumberView {
    pub contact_point_id: Uuid,
    pub purpose: Purpose,
    /// The purpose in Swedish.
    pub purpose_label: &'static str,
    pub label: String,
    pub visibility: Visibility,
    /// E.164, for systems: `+46313900600`.
    pub e164: String,
    /// National form, for people: `031-390 06 00`.
    pub national: String,
    /// RFC 3966 URI for click-to-call: `tel:+46313900600`.
    pub tel_uri: String,
}

impl From<&ContactPoint> for NumberView {
    fn from(c: &ContactPoint) -> Self {
        Self {
            contact_point_id: c.id,
            purpose: c.purpose,
            purpose_label: c.purpose.label_sv(),
            label: c.label.clone(),
            visibility: c.visibility,
            e164: c.number.e164().to_owned(),
            national: c.number.national().to_owned(),
            tel_uri: c.number.tel_uri(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationRef {
    pub id: String,
    pub name: String,
    pub short_name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaRef {
    pub id: String,
    pub name: String,
}

/// Who a unit is: the fields every unit answer starts with.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitRef {
    pub id: Uuid,
    pub name: String,
    pub kind: UnitKind,
    /// The kind in Swedish.
    pub kind_label: &'static str,
    pub organisation: OrganisationRef,
    pub areas: Vec<AreaRef>,
}

impl UnitRef {
    pub fn new(directory: &Directory, unit: &Unit) -> Self {
        let organisation = directory.organisation(&unit.organisation_id);
        Self {
            id: unit.id,
            name: unit.name.clone(),
            kind: unit.kind,
            kind_label: unit.kind.label_sv(),
            organisation: OrganisationRef {
                id: unit.organisation_id.clone(),
                name: organisation.map(|o| o.name.clone()).unwrap_or_default(),
                short_name: organisation.and_then(|o| o.short_name.clone()),
            },
            areas: unit
                .area_ids
                .iter()
                .filter_map(|id| directory.area(id))
                .map(|a| AreaRef {
                    id: a.id.clone(),
                    name: a.name.clone(),
                })
                .collect(),
        }
    }
}

/// A unit in a list: who it is and its one way in.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitSummary {
    #[serde(flatten)]
    pub unit: UnitRef,
    #[schema(example = "SE2321000131-E000000007860")]
    pub hsa_id: Option<String>,
    pub city: Option<String>,
    /// Whether the unit is active today.
    pub active: bool,
    /// The one number to call. Absent only when the caller may not see it.
    pub vag_in: Option<NumberView>,
}

impl UnitSummary {
    pub fn new(directory: &Directory, unit: &Unit, today: NaiveDate, include_internal: bool) -> Self {
        Self {
            unit: UnitRef::new(directory, unit),
            hsa_id: unit.hsa_id.as_ref().map(|h| h.to_string()),
            city: unit.address.city.clone(),
            active: unit.is_active_on(today),
            vag_in: unit
                .vag_in()
                .filter(|c| visible(c, include_internal))
                .map(NumberView::from),
        }
    }
}

fn visible(point: &ContactPoint, include_internal: bool) -> bool {
    include_internal || point.visibility == Visibility::Public
}

/// A unit and the one number to call it on.
#[derive(Debug, Serialize, ToSchema)]
pub struct LookupResult {
    #[serde(flatten)]
    pub unit: UnitRef,
    /// The unit's `vag_in` number: the one way in.
    pub call: NumberView,
}

impl LookupResult {
    /// `None` when the caller may not see the unit's `vag_in` number.
    pub fn new(directory: &Directory, unit: &Unit, include_internal: bool) -> Option<Self> {
        let call = unit.vag_in().filter(|c| visible(c, include_internal))?;
        Some(Self {
            unit: UnitRef::new(directory, unit),
            call: NumberView::from(call),
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AddressView {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
}

/// A unit with everything the caller may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDetail {
    #[serde(flatten)]
    pub summary: UnitSummary,
    pub address: Option<AddressView>,
    pub active_from: NaiveDate,
    /// First day the unit is no longer active.
    pub active_to: Option<NaiveDate>,
    /// When the unit's information was last checked.
    pub reviewed_at: Option<NaiveDate>,
    pub note: Option<String>,
    /// When the unit or one of its numbers last changed.
    pub updated_at: DateTime<Utc>,
    /// Every number the caller may see, the `vag_in` first.
    pub contact_points: Vec<NumberView>,
}

impl UnitDetail {
    pub fn new(directory: &Directory, unit: &Unit, today: NaiveDate, include_internal: bool) -> Self {
        let a = &unit.address;
        Self {
            summary: UnitSummary::new(directory, unit, today, include_internal),
            address: (!a.is_empty()).then(|| AddressView {
                street: a.street.clone(),
                postal_code: a.postal_code.clone(),
                city: a.city.clone(),
            }),
            active_from: unit.active_from,
            active_to: unit.active_to,
            reviewed_at: unit.reviewed_at,
            note: unit.note.clone(),
            updated_at: unit.updated_at.and_utc(),
            contact_points: unit
                .contact_points
                .iter()
                .filter(|c| visible(c, include_internal))
                .map(NumberView::from)
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationView {
    #[schema(example = "boras-stad-vaf")]
    pub id: String,
    #[schema(example = "Vård- och äldreförvaltningen")]
    pub name: String,
    #[schema(example = "VÄF")]
    pub short_name: Option<String>,
    pub kind: OrganisationKind,
    pub kind_label: &'static str,
    #[schema(example = "boras-stad")]
    pub parent_id: Option<String>,
    /// First day no longer active; absent while active.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_to: Option<NaiveDate>,
}

impl From<&Organisation> for OrganisationView {
    fn from(o: &Organisation) -> Self {
        Self {
            id: o.id.clone(),
            name: o.name.clone(),
            short_name: o.short_name.clone(),
            kind: o.kind,
            kind_label: o.kind.label_sv(),
            parent_id: o.parent_id.clone(),
            active_to: o.active_to,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaView {
    #[schema(example = "mote-1")]
    pub id: String,
    #[schema(example = "Möte 1")]
    pub name: String,
    pub kind: AreaKind,
    pub kind_label: &'static str,
    /// First day no longer active; absent while active.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_to: Option<NaiveDate>,
}

impl From<&Area> for AreaView {
    fn from(a: &Area) -> Self {
        Self {
            id: a.id.clone(),
            name: a.name.clone(),
            kind: a.kind,
            kind_label: a.kind.label_sv(),
            active_to: a.active_to,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KindView {
    pub code: UnitKind,
    #[schema(example = "Vårdcentral")]
    pub label_sv: &'static str,
    #[schema(example = "Primary care centre")]
    pub label_en: &'static str,
    pub category: KindCategory,
}

impl From<UnitKind> for KindView {
    fn from(k: UnitKind) -> Self {
        Self {
            code: k,
            label_sv: k.label_sv(),
            label_en: k.label_en(),
            category: k.category(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationList {
    pub items: Vec<OrganisationView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaList {
    pub items: Vec<AreaView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KindList {
    pub items: Vec<KindView>,
}
