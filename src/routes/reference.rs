//! The reference lists: organisations, areas, unit kinds.

use actix_web::{HttpResponse, get, web};

use super::params::NoParams;
use super::views::{AreaList, AreaView, KindList, OrganisationList, OrganisationView};
use crate::domain::UnitKind;
use crate::startup::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_organisations)
        .service(list_areas)
        .service(list_kinds);
}

/// Organisations: Borås Stad and its administrations, the region, private providers.
#[utoipa::path(context_path = "/v1", tag = "reference", responses((status = 200, description = "Every organisation, by name", body = OrganisationList)))]
#[get("/organisations")]
async fn list_organisations(state: web::Data<AppState>, _: web::Query<NoParams>) -> HttpResponse {
    let directory = state.directory.current();
    HttpResponse::Ok().json(OrganisationList {
        items: directory
            .organisations()
            .iter()
            .map(OrganisationView::from)
            .collect(),
    })
}

/// Areas: the meeting areas Möte 1 and Möte 2, and districts.
#[utoipa::path(context_path = "/v1", tag = "reference", responses((status = 200, description = "Every area", body = AreaList)))]
#[get("/areas")]
async fn list_areas(state: web::Data<AppState>, _: web::Query<NoParams>) -> HttpResponse {
    let directory = state.directory.current();
    HttpResponse::Ok().json(AreaList {
        items: directory.areas().iter().map(AreaView::from).collect(),
    })
}

/// Unit kinds with Swedish and English labels.
#[utoipa::path(context_path = "/v1", tag = "reference", responses((status = 200, description = "Every unit kind", body = KindList)))]
#[get("/kinds")]
async fn list_kinds(_: web::Query<NoParams>) -> HttpResponse {
    HttpResponse::Ok().json(KindList {
        items: UnitKind::ALL.iter().copied().map(Into::into).collect(),
    })
}
