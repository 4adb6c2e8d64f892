//! The Engage route table: the conversation operations of `specs/engage` with their scopes
//! and handlers. Data, so `served_routes` can list it for the test that compares it with the
//! spec.

use super::{E, Op, conversations, lifecycle};
use crate::http::Route;

const READ: &[&str] = &["conversations:read"];
const WRITE: &[&str] = &["conversations:write"];
const MESSAGES_READ: &[&str] = &["conversations-messages:read"];
const MESSAGES_WRITE: &[&str] = &["conversations-messages:write"];
const ONE: &str = "/conversations/{conversationId}";

const fn route(
    method: &'static str,
    path: &'static str,
    scopes: &'static [&'static str],
    op: Op,
) -> Route<Op> {
    Route {
        method,
        path,
        scopes,
        shape: E,
        op,
    }
}

/// The conversation routes (relative to the Engage base).
pub(super) static ROUTES: &[Route<Op>] = &[
    route("GET", "/conversations", READ, conversations::search),
    route("POST", "/conversations", WRITE, conversations::create),
    route("GET", ONE, READ, conversations::get),
    route("PATCH", ONE, WRITE, conversations::update),
    route(
        "POST",
        "/conversations/{conversationId}/close",
        WRITE,
        lifecycle::close,
    ),
    route(
        "POST",
        "/conversations/{conversationId}/reopen",
        WRITE,
        lifecycle::reopen,
    ),
    route(
        "POST",
        "/conversations/{conversationId}/hold",
        WRITE,
        lifecycle::hold,
    ),
    route(
        "POST",
        "/conversations/{conversationId}/transfer",
        WRITE,
        lifecycle::transfer,
    ),
    route(
        "POST",
        "/conversations/{conversationId}/messages",
        MESSAGES_WRITE,
        conversations::append,
    ),
    route(
        "GET",
        "/conversations/{conversationId}/messages",
        MESSAGES_READ,
        conversations::transcript,
    ),
    route(
        "POST",
        "/conversations/{conversationId}/participants",
        WRITE,
        lifecycle::add_participant,
    ),
    route(
        "DELETE",
        "/conversations/{conversationId}/participants/{participantId}",
        WRITE,
        lifecycle::remove_participant,
    ),
];

/// Every route as (method, path template, scopes).
pub(crate) fn served() -> impl Iterator<Item = (&'static str, String, &'static [&'static str])> {
    ROUTES
        .iter()
        .map(|route| (route.method, route.path.to_owned(), route.scopes))
}
