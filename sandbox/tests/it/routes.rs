//! The sandbox serves the spec: every route it answers is an operation of `specs/` with the
//! same method, path template and scopes, so a test passing here cannot be a route the real
//! service does not have.

use std::collections::BTreeSet;

use wxcc_auth::OperationTable;
use wxcc_sandbox::{Service, served_routes};

/// A path template with its parameter names blanked: names never travel on the wire, so
/// `{orgid}` and `{orgId}` are the same route.
fn shape(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "{}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn check(service: Service, table: &OperationTable) {
    let mut problems = Vec::new();
    let routes: Vec<_> = served_routes()
        .into_iter()
        .filter(|r| r.service == service)
        .collect();
    assert!(!routes.is_empty());
    for route in &routes {
        let operation = table
            .iter()
            .find(|op| op.method == route.method && shape(op.path) == shape(&route.path));
        let Some(operation) = operation else {
            problems.push(format!(
                "{} {}: no such operation in the spec",
                route.method, route.path
            ));
            continue;
        };
        let served: BTreeSet<&str> = route.scopes.iter().copied().collect();
        let spec: BTreeSet<&str> = operation.scopes.iter().copied().collect();
        // An operation whose scopes no Cisco material names has none in the spec (`[]`): the
        // sandbox's choice cannot be checked, so it is not compared.
        if !spec.is_empty() && served != spec {
            problems.push(format!(
                "{} {} ({}): the sandbox accepts {served:?}, the spec says {spec:?}",
                route.method, route.path, operation.id
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} disagreements:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_wxcc_route_is_an_operation_of_the_spec_with_its_scopes() {
    check(Service::Wxcc, &wxcc_api::OPERATIONS);
}

#[test]
fn every_engage_route_is_an_operation_of_the_spec_with_its_scopes() {
    check(Service::Engage, &engage_api::OPERATIONS);
}

/// The operations the facades send are all served, so every facade call can run offline.
#[test]
fn every_operation_the_facades_send_is_served() {
    let served: BTreeSet<(String, String)> = served_routes()
        .into_iter()
        .map(|r| (r.method.to_owned(), shape(&r.path)))
        .collect();
    use engage_api::operations as e;
    use wxcc_api::operations as w;
    let facade = [
        w::SEARCH,
        w::CREATE_TASK,
        w::QUERY_CAPTURES,
        w::GET_ESTIMATED_WAIT_TIME,
        w::GET_QUEUE_STATISTICS,
        w::GET_AGENT_STATISTICS,
        w::CREATE_SCHEDULED_CALLBACK,
        w::LIST_SCHEDULED_CALLBACKS,
        w::GET_SCHEDULED_CALLBACK,
        w::UPDATE_SCHEDULED_CALLBACK,
        w::DELETE_SCHEDULED_CALLBACK,
        w::CREATE_WEBHOOK_SUBSCRIPTION,
        w::CREATE_WEBHOOK_SUBSCRIPTION_V2,
        w::LIST_WEBHOOK_SUBSCRIPTIONS,
        w::LIST_WEBHOOK_SUBSCRIPTIONS_V2,
        w::DELETE_WEBHOOK_SUBSCRIPTION,
        w::DELETE_WEBHOOK_SUBSCRIPTION_V2,
        e::SEARCH_CONVERSATIONS,
        e::CREATE_CONVERSATION,
        e::APPEND_MESSAGES,
        e::UPDATE_CONVERSATION,
        e::ADD_PARTICIPANT,
        e::REMOVE_PARTICIPANT,
        e::CLOSE_CONVERSATION,
        e::REOPEN_CONVERSATION,
        e::HOLD_CONVERSATION,
        e::TRANSFER_CONVERSATION,
        e::GET_TRANSCRIPT,
    ];
    let missing: Vec<_> = facade
        .iter()
        .filter(|op| !served.contains(&(op.method.to_owned(), shape(op.path))))
        .map(|op| op.id)
        .collect();
    assert!(missing.is_empty(), "not served: {missing:?}");
}
