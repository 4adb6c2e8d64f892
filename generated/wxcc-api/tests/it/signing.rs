//! The generated client's requests go through the `wxcc-auth` signer: bearer token, tracking id,
//! no `api-version`, access level enforced locally, and one retry with a fresh token on `401`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use httpmock::Method::POST;
use httpmock::MockServer;
use serde_json::json;
use wxcc_api::types::{CreateTaskRequest, SearchRequest};
use wxcc_api::{Client, Error, OPERATIONS};
use wxcc_auth::{
    Access, AccessToken, ExposeSecret, SecretString, StaticToken, TokenFuture, TokenSource,
};

fn search_body() -> SearchRequest {
    SearchRequest {
        query: "query { taskDetails(from: 0, to: 1) { tasks { id } } }".into(),
        variables: Default::default(),
    }
}

#[tokio::test]
async fn requests_carry_bearer_and_tracking_id_but_no_api_version() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/search")
                .header("authorization", "Bearer token-1")
                .header_exists("trackingid")
                .header_missing("api-version");
            then.status(200)
                .json_body(json!({"data": {"taskDetails": {"tasks": []}}}));
        })
        .await;
    let client =
        Client::with_token_source(&server.base_url(), StaticToken::new("t", "token-1")).unwrap();
    let response = client.search().body(search_body()).send().await.unwrap();
    assert_eq!(
        response.data.as_ref().unwrap()["taskDetails"]["tasks"],
        json!([])
    );
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_caller_supplied_tracking_id_is_kept() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/search")
                .header("trackingid", "INTEGRATION-abc");
            then.status(200).json_body(json!({"data": {}}));
        })
        .await;
    let client =
        Client::with_token_source(&server.base_url(), StaticToken::new("t", "token-1")).unwrap();
    client
        .search()
        .tracking_id("INTEGRATION-abc")
        .body(search_body())
        .send()
        .await
        .unwrap();
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_read_only_source_refuses_writes_before_sending() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(201).json_body(json!({"data": {"id": "t1"}}));
        })
        .await;
    let client = Client::with_token_source(
        &server.base_url(),
        StaticToken::new("reporting", "token-1").read_only(),
    )
    .unwrap();
    let body = CreateTaskRequest::builder()
        .destination("+14085550100")
        .entry_point_id("ep-1")
        .media_type("telephony");
    let error = client.create_task().body(body).send().await.unwrap_err();
    let Error::Custom(message) = error else {
        panic!("expected a local refusal, got {error:?}")
    };
    assert!(
        message.contains("create_task") && message.contains("read-only"),
        "{message}"
    );
    assert_eq!(any.calls_async().await, 0, "nothing may leave the process");

    // Reads still work with the same client.
    client
        .search()
        .body(search_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(any.calls_async().await, 1);
}

/// A source that hands out `old` until told it was rejected, then `new`.
#[derive(Debug, Default)]
struct Rotating {
    rejected: Mutex<Vec<String>>,
    fetches: AtomicUsize,
}

impl TokenSource for Rotating {
    fn name(&self) -> &str {
        "rotating"
    }

    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            self.fetches.fetch_add(1, Ordering::SeqCst);
            let value = if self.rejected.lock().unwrap().is_empty() {
                "old"
            } else {
                "new"
            };
            Ok(AccessToken::new(value))
        })
    }

    fn invalidate(&self, rejected: &SecretString) {
        self.rejected
            .lock()
            .unwrap()
            .push(rejected.expose_secret().to_owned());
    }
}

#[tokio::test]
async fn a_401_invalidates_that_token_and_resends_once_with_a_fresh_one() {
    let server = MockServer::start_async().await;
    let rejected = server
        .mock_async(|when, then| {
            when.path("/search").header("authorization", "Bearer old");
            then.status(401)
                .json_body(json!({"trackingId": "x", "error": {"key": "401"}}));
        })
        .await;
    let accepted = server
        .mock_async(|when, then| {
            when.path("/search").header("authorization", "Bearer new");
            then.status(200).json_body(json!({"data": {"ok": true}}));
        })
        .await;
    let source = std::sync::Arc::new(Rotating::default());
    let signer = wxcc_auth::Signer::from_shared(source.clone(), OPERATIONS);
    let client = Client::new(&server.base_url(), signer);
    let response = client.search().body(search_body()).send().await.unwrap();
    assert_eq!(response.data.as_ref().unwrap()["ok"], true);
    rejected.assert_calls_async(1).await;
    accepted.assert_calls_async(1).await;
    assert_eq!(*source.rejected.lock().unwrap(), ["old"]);
    assert_eq!(source.fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_static_token_that_is_rejected_is_not_retried() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/search");
            then.status(401)
                .json_body(json!({"trackingId": "T-1", "error": {"key": "401"}}));
        })
        .await;
    let client =
        Client::with_token_source(&server.base_url(), StaticToken::new("t", "stale")).unwrap();
    let error = client
        .search()
        .body(search_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let Error::ErrorResponse(body) = error else {
        panic!("expected the typed error body")
    };
    assert_eq!(body.tracking_id.as_deref(), Some("T-1"));
    mock.assert_calls_async(1).await;
}

#[test]
fn the_operation_table_classifies_every_operation() {
    assert!(OPERATIONS.is_sorted(), "lookups rely on sorted ids");
    assert!(OPERATIONS.len() >= 400, "{}", OPERATIONS.len());
    assert_eq!(OPERATIONS.access("search"), Some(Access::Read));
    assert_eq!(OPERATIONS.access("query_captures"), Some(Access::Read));
    assert_eq!(OPERATIONS.access("create_task"), Some(Access::Write));
    assert_eq!(OPERATIONS.access("list_teams"), Some(Access::Read));
    let search = OPERATIONS.get("search").unwrap();
    assert_eq!((search.method, search.path), ("POST", "/search"));
    assert!(search.scopes.contains(&"cjp:config_read"));
    // Cisco's spec names no scopes; ours come from Cisco's guides and samples, which cover the
    // configuration API and the areas we describe by hand. The rest say "not known" (empty).
    let unknown: Vec<_> = OPERATIONS
        .iter()
        .filter(|op| op.scopes.is_empty())
        .map(|op| op.path)
        .collect();
    assert!(
        unknown
            .iter()
            .all(|path| !path.starts_with("/organization/")),
        "{unknown:?}"
    );
    assert!(unknown.len() < 80, "{}", unknown.len());
}

/// The id every generated operation reports to the hooks is in the table, so the signer never
/// has to guess an operation's access class (an unknown id would count as a write).
#[test]
fn every_id_the_hooks_see_is_in_the_table() {
    let generated = include_str!("../../src/generated.rs");
    let ids: Vec<&str> = generated
        .split("operation_id: \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(
        ids.len(),
        wxcc_api::OPERATIONS.len(),
        "one id per operation"
    );
    let unknown: Vec<&&str> = ids
        .iter()
        .filter(|id| wxcc_api::OPERATIONS.get(id).is_none())
        .collect();
    assert!(
        unknown.is_empty(),
        "ids the signer does not know: {unknown:?}"
    );
}
