//! Shared test setup (included by each test file).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use httpmock::MockServer;
use wxcc_auth::{RetryPolicy, StaticToken};
use wxcc_sdk::{Client, Timeouts};

/// The organization of the tests.
pub const ORG: &str = "6f2b3c1e-8a2d-4c53-9d1e-0f4b7a9c2e10";

/// A client for a mock server. No timers of its own, so tests can pause tokio's clock.
pub fn client(server: &MockServer) -> Client {
    client_with(
        server,
        StaticToken::new("test", "token"),
        RetryPolicy::default(),
    )
}

/// A client for a mock server with a given token source and retry policy.
pub fn client_with(server: &MockServer, source: StaticToken, retry: RetryPolicy) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .token_source(source)
        .org_id(ORG)
        .timeouts(Timeouts::none())
        .retry_policy(retry)
        .build()
        .unwrap()
}

/// The JSON body of a recorded request.
pub fn body_of(request: &httpmock::HttpMockRequest) -> serde_json::Value {
    serde_json::from_slice(request.body().as_ref()).unwrap()
}
