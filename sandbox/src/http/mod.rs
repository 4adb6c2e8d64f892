//! The HTTP layer the services share: routes as data and their matching, the request a
//! handler sees and what it answers, admission against the identity layer, and each API
//! group's error bodies.
//!
//! It knows no service: a service hands it a route table and its own state, so the services
//! depend on this layer and never the other way round.

mod admission;
mod call;
pub(crate) mod errors;
mod routing;

use axum::http::HeaderMap;

pub(crate) use admission::{AuthRules, admit};
pub(crate) use call::{Call, Fail, Handler, Reply, render};
pub(crate) use errors::Shape;
pub(crate) use routing::{Route, find, percent_decode, query_pairs};

/// The error shape of the API group a full path (as sent) belongs to; for answers given
/// before any service's route is known (unknown paths, injected faults).
pub(crate) fn shape_for(path: &str) -> Shape {
    if path.starts_with("/engage/") {
        Shape::Engage
    } else if path.starts_with("/oauth/") {
        Shape::OAuth
    } else if path.starts_with("/wxcc/v1/subscriptions")
        || path.starts_with("/wxcc/v2/subscriptions")
        || path.starts_with("/wxcc/v1/event-types")
        || path.starts_with("/wxcc/v2/event-types")
    {
        Shape::Subscription
    } else {
        Shape::Api
    }
}

/// A request's `TrackingId` header, if any, which error bodies echo.
pub(crate) fn tracking_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get("trackingid")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}
