//! The WxCC route table: every operation served, with the method, path template and scopes of
//! `specs/wxcc` and the handler that runs it. Data, so `served_routes` can list it for the
//! test that compares it with the spec.

use super::{Op, callbacks, captures, config, notifications, statistics, subscriptions, tasks};
use crate::http::{Route, Shape};

const CONFIG_READ: &[&str] = &["cjp:config", "cjp:config_read"];
const USER: &[&str] = &["cjp:user"];
const USER_OR_CONFIG: &[&str] = &["cjp:user", "cjp:config", "cjp:config_read"];
const CONFIG_OR_USER: &[&str] = &["cjp:config", "cjp:config_read", "cjp:user"];
const SUBSCRIPTIONS_READ: &[&str] = &["cjp:config_read"];
const SUBSCRIPTIONS_WRITE: &[&str] = &["cjp:config_write"];
const NOTIFICATIONS: &[&str] = &["cjp:user", "cloud-contact-center:pod_conv"];

const fn route(
    method: &'static str,
    path: &'static str,
    scopes: &'static [&'static str],
    shape: Shape,
    op: Op,
) -> Route<Op> {
    Route {
        method,
        path,
        scopes,
        shape,
        op,
    }
}

const A: Shape = Shape::Api;
const S: Shape = Shape::Subscription;
const CALLBACKS: &str = "/v1/callbacks/organization/{orgId}/scheduled-callback";
const CALLBACK: &str = "/v1/callbacks/organization/{orgId}/scheduled-callback/{id}";

/// Every WxCC route (paths relative to the WxCC base), with the scopes of `specs/wxcc`.
/// More specific paths come first: the first match wins.
pub(super) static ROUTES: &[Route<Op>] = &[
    route("POST", "/search", CONFIG_READ, A, Op::Search),
    route("POST", "/v1/tasks", USER, A, Op::Sync(tasks::create_task)),
    route(
        "GET",
        "/v1/tasks",
        USER_OR_CONFIG,
        A,
        Op::Sync(tasks::list_tasks),
    ),
    route(
        "POST",
        "/v1/notification/subscribe",
        NOTIFICATIONS,
        S,
        Op::Sync(notifications::subscribe),
    ),
    route(
        "PUT",
        "/v1/agents/session/state",
        USER,
        A,
        Op::Sync(notifications::set_agent_state),
    ),
    route(
        "GET",
        "/v1/ewt",
        CONFIG_OR_USER,
        A,
        Op::Sync(statistics::estimated_wait_time),
    ),
    route(
        "GET",
        "/v1/queues/statistics",
        CONFIG_READ,
        A,
        Op::Sync(statistics::queue_statistics),
    ),
    route(
        "GET",
        "/v1/agents/statistics",
        CONFIG_READ,
        A,
        Op::Sync(statistics::agent_statistics),
    ),
    route(
        "POST",
        "/v1/captures/query",
        CONFIG_OR_USER,
        A,
        Op::Sync(captures::query_captures),
    ),
    route(
        "GET",
        CALLBACKS,
        USER,
        A,
        Op::Sync(callbacks::list_callbacks),
    ),
    route(
        "POST",
        CALLBACKS,
        USER,
        A,
        Op::Sync(callbacks::create_callback),
    ),
    route("GET", CALLBACK, USER, A, Op::Sync(callbacks::get_callback)),
    route(
        "PUT",
        CALLBACK,
        USER,
        A,
        Op::Sync(callbacks::update_callback),
    ),
    route(
        "DELETE",
        CALLBACK,
        USER,
        A,
        Op::Sync(callbacks::delete_callback),
    ),
    route(
        "GET",
        "/v1/subscriptions",
        SUBSCRIPTIONS_READ,
        S,
        Op::Sync(subscriptions::list_v1),
    ),
    route(
        "POST",
        "/v1/subscriptions",
        SUBSCRIPTIONS_WRITE,
        S,
        Op::Sync(subscriptions::create_v1),
    ),
    route(
        "GET",
        "/v1/subscriptions/{id}",
        SUBSCRIPTIONS_READ,
        S,
        Op::Sync(subscriptions::get_v1),
    ),
    route(
        "PATCH",
        "/v1/subscriptions/{id}",
        SUBSCRIPTIONS_WRITE,
        S,
        Op::Sync(subscriptions::update_v1),
    ),
    route(
        "DELETE",
        "/v1/subscriptions/{id}",
        SUBSCRIPTIONS_WRITE,
        S,
        Op::Sync(subscriptions::delete_v1),
    ),
    route(
        "GET",
        "/v1/event-types",
        SUBSCRIPTIONS_READ,
        S,
        Op::Sync(subscriptions::event_types_v1),
    ),
    route(
        "GET",
        "/v2/subscriptions",
        SUBSCRIPTIONS_READ,
        S,
        Op::Sync(subscriptions::list_v2),
    ),
    route(
        "POST",
        "/v2/subscriptions",
        SUBSCRIPTIONS_WRITE,
        S,
        Op::Sync(subscriptions::create_v2),
    ),
    route(
        "GET",
        "/v2/subscriptions/{id}",
        SUBSCRIPTIONS_READ,
        S,
        Op::Sync(subscriptions::get_v2),
    ),
    route(
        "PATCH",
        "/v2/subscriptions/{id}",
        SUBSCRIPTIONS_WRITE,
        S,
        Op::Sync(subscriptions::update_v2),
    ),
    route(
        "DELETE",
        "/v2/subscriptions/{id}",
        SUBSCRIPTIONS_WRITE,
        S,
        Op::Sync(subscriptions::delete_v2),
    ),
    route(
        "GET",
        "/v2/event-types",
        SUBSCRIPTIONS_READ,
        S,
        Op::Sync(subscriptions::event_types_v2),
    ),
    route(
        "GET",
        "/organization/{orgid}/user/by-ci-user-id/{id}",
        CONFIG_READ,
        A,
        Op::Sync(config::get_user_by_ci_id),
    ),
    route(
        "GET",
        "/organization/{orgid}/v2/{resource}",
        CONFIG_READ,
        A,
        Op::Sync(config::list_v2),
    ),
    route(
        "GET",
        "/organization/{orgid}/{resource}/{id}",
        CONFIG_READ,
        A,
        Op::Sync(config::get_one),
    ),
    route(
        "GET",
        "/organization/{orgid}/{resource}",
        CONFIG_READ,
        A,
        Op::Sync(config::list_v1),
    ),
];

/// Every route as (method, path template, scopes), the generic configuration routes once per
/// resource they serve.
pub(crate) fn served() -> impl Iterator<Item = (&'static str, String, &'static [&'static str])> {
    ROUTES.iter().flat_map(|route| {
        let paths: Vec<String> = if route.path.contains("{resource}") {
            config::RESOURCES
                .iter()
                .map(|resource| route.path.replace("{resource}", resource))
                .collect()
        } else {
            vec![route.path.to_owned()]
        };
        paths
            .into_iter()
            .map(|path| (route.method, path, route.scopes))
    })
}
