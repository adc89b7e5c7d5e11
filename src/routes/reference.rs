//! The reference lists: organisations, areas, unit kinds.

use actix_web::{HttpResponse, get, web};

use super::params::NoParams;
use super::views::{AreaList, AreaView, KindList, OrganisationList, OrganisationView};
use crate::auth::Caller;
use crate::domain::UnitKind;
use crate::error::AppResult;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_organisations)
        .service(list_areas)
        .service(list_kinds);
}

/// Organisations: Borås Stad and its administrations, the region, private providers.
#[utoipa::path(context_path = "/v1", tag = "reference", security(("bearer" = []), ()), responses((status = 200, description = "Every organisation, by name", body = OrganisationList)))]
#[get("/organisations")]
async fn list_organisations(
    state: web::Data<AppState>,
    caller: Caller,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    caller.reader()?;
    let directory = state.directory.current();
    Ok(HttpResponse::Ok().json(OrganisationList {
        items: directory
            .organisations()
            .iter()
            .map(OrganisationView::from)
            .collect(),
    }))
}

/// Areas: the meeting areas Möte 1 and Möte 2, and districts.
#[utoipa::path(context_path = "/v1", tag = "reference", security(("bearer" = []), ()), responses((status = 200, description = "Every area", body = AreaList)))]
#[get("/areas")]
async fn list_areas(
    state: web::Data<AppState>,
    caller: Caller,
    _: web::Query<NoParams>,
) -> AppResult<HttpResponse> {
    caller.reader()?;
    let directory = state.directory.current();
    Ok(HttpResponse::Ok().json(AreaList {
        items: directory.areas().iter().map(AreaView::from).collect(),
    }))
}

/// Unit kinds with Swedish and English labels.
#[utoipa::path(context_path = "/v1", tag = "reference", security(("bearer" = []), ()), responses((status = 200, description = "Every unit kind", body = KindList)))]
#[get("/kinds")]
async fn list_kinds(caller: Caller, _: web::Query<NoParams>) -> AppResult<HttpResponse> {
    caller.reader()?;
    Ok(HttpResponse::Ok().json(KindList {
        items: UnitKind::ALL.iter().copied().map(Into::into).collect(),
    }))
}
