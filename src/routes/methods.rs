//! Methods per address: `HEAD` answers like `GET` (headers, no body), `OPTIONS` lists what an
//! address allows, and a method an address does not have is 405 with `Allow` rather than 404.
//!
//! actix routes each handler as its own resource, so a path that matches with the wrong method
//! falls through to the app's default service ([`unrouted`]), which looks the path up only
//! then, so routed requests never pay for it. The [`MethodTable`] is made where the app is put
//! together (`startup`): the OpenAPI document's paths (the contract other systems read, so
//! `Allow` cannot drift from it) plus the web pages' own list; `tests/api/contract.rs` sends
//! every method to every address and checks that the router and the table agree.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{ALLOW, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::error::AppError;

/// One address pattern (`/v1/units/{id}`, or a prefix ending in `/*`) and its methods.
#[derive(Debug)]
struct Route {
    segments: Vec<String>,
    prefix: bool,
    methods: Vec<Method>,
}

impl Route {
    fn new(pattern: &str, methods: Vec<Method>) -> Self {
        let (pattern, prefix) = match pattern.strip_suffix("/*") {
            Some(p) => (p, true),
            None => (pattern, false),
        };
        Self {
            segments: pattern.split('/').skip(1).map(str::to_owned).collect(),
            prefix,
            methods,
        }
    }

    fn matches(&self, path: &str) -> bool {
        let mut parts = path.split('/').skip(1);
        for segment in &self.segments {
            match parts.next() {
                Some(part) if segment.starts_with('{') && !part.is_empty() => {}
                Some(part) if part == segment => {}
                _ => return false,
            }
        }
        self.prefix || parts.next().is_none()
    }
}

/// Every address the service answers, and its methods (in the app's data).
#[derive(Debug)]
pub struct MethodTable(Vec<Route>);

impl MethodTable {
    /// From address patterns (`/v1/units/{id}`, or a prefix ending in `/*`) and their methods.
    pub fn new(addresses: impl IntoIterator<Item = (String, Vec<Method>)>) -> Self {
        Self(
            addresses
                .into_iter()
                .map(|(pattern, methods)| Route::new(&pattern, methods))
                .collect(),
        )
    }

    /// The methods `path` has, `HEAD` with `GET`; `None` for an address that does not exist.
    /// (`OPTIONS` is answered everywhere and, as is usual, not listed.) A path that several
    /// patterns match has all their methods.
    pub fn allowed(&self, path: &str) -> Option<Vec<Method>> {
        let mut methods: Vec<Method> = Vec::new();
        for route in self.0.iter().filter(|r| r.matches(path)) {
            for m in &route.methods {
                if !methods.contains(m) {
                    methods.push(m.clone());
                }
            }
        }
        if methods.is_empty() {
            return None;
        }
        if methods.contains(&Method::GET) {
            methods.push(Method::HEAD);
        }
        Some(methods)
    }
}

fn allow_header(methods: &[Method]) -> HeaderValue {
    let list = methods.iter().map(Method::as_str).collect::<Vec<_>>().join(", ");
    HeaderValue::from_str(&list).unwrap_or(HeaderValue::from_static("GET"))
}

/// Before the router: `HEAD` is served by the `GET` handler. actix's HTTP/1 encoder knows
/// the request was `HEAD` and sends the headers (Content-Length included) without the body.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> actix_web::Result<ServiceResponse<impl MessageBody>> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}

/// What answers when no route matched (the app's default service, so routed requests never
/// pay for the table): `OPTIONS` with `Allow`, a method the address does not have with 405
/// and `Allow`, an address that does not exist with 404.
pub async fn unrouted(req: HttpRequest) -> HttpResponse {
    let table = req.app_data::<web::Data<MethodTable>>();
    let Some(methods) = table.and_then(|t| t.allowed(req.path())) else {
        // Made a problem document by `error::problem_for_bare_errors`, as every bare error.
        return HttpResponse::NotFound().finish();
    };
    if req.method() == Method::OPTIONS {
        return HttpResponse::NoContent()
            .insert_header((ALLOW, allow_header(&methods)))
            .finish();
    }
    let mut res = AppError::MethodNotAllowed.error_response();
    res.headers_mut().insert(ALLOW, allow_header(&methods));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_segments() {
        let unit = Route::new("/v1/units/{id}", vec![Method::GET]);
        assert!(unit.matches("/v1/units/abc"));
        assert!(!unit.matches("/v1/units/"));
        assert!(!unit.matches("/v1/units/abc/history"));
        assert!(!unit.matches("/v1/unitsx/abc"));
        let ui = Route::new("/swagger-ui/*", vec![Method::GET]);
        assert!(ui.matches("/swagger-ui/"));
        assert!(ui.matches("/swagger-ui/index.css"));
    }
}
