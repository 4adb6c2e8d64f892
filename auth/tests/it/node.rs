//! Node authorizations against a mocked Engage token endpoint.

use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use httpmock::Method::POST;
use httpmock::{Mock, MockServer};
use serde_json::json;
use wxcc_auth::{
    Credentials, Error, ErrorKind, ExposeSecret, MemoryStore, NodeAuthorizations, SecretString,
    Status, StoredTokens, TokenSource, TokenStore,
};

fn registry(server: &MockServer, store: Arc<dyn TokenStore>) -> NodeAuthorizations {
    NodeAuthorizations::builder(server.url("/api/v1/oauth/token"))
        .store(store)
        .build()
        .unwrap()
}

async fn accepts<'a>(server: &'a MockServer, secret: &str, token: &str) -> Mock<'a> {
    let (secret, token) = (secret.to_owned(), token.to_owned());
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v1/oauth/token")
                .form_urlencoded_tuple("grant_type", "client_credentials")
                .form_urlencoded_tuple("client_id", "tenant")
                .form_urlencoded_tuple("client_secret", secret);
            then.status(200).json_body(json!({
                "access_token": token, "expires_in": 3600, "token_type": "Bearer",
                "scope": ["conversations:read", "conversations:write"]
            }));
        })
        .await
}

async fn rejects_everything_else(server: &MockServer) -> Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v1/oauth/token");
            then.status(401).json_body(
                json!({"error": "invalid_client", "error_description": "bad client secret"}),
            );
        })
        .await
}

fn value(token: &wxcc_auth::AccessToken) -> String {
    token.secret().expose_secret().to_owned()
}

#[tokio::test]
async fn tokens_are_fetched_with_client_credentials_and_carry_the_fingerprint() {
    let server = MockServer::start_async().await;
    let ok = accepts(&server, "secret-1", "tok-1").await;
    let store = Arc::new(MemoryStore::new());
    let registry = registry(&server, store.clone());
    let credentials = Credentials::client_credentials("tenant", "secret-1");
    let fingerprint = credentials.fingerprint();
    let engage = registry.add("engage-us", credentials).unwrap();
    assert!(matches!(
        registry.add("engage-us", Credentials::access_key("k")),
        Err(Error::NameTaken { .. })
    ));

    let token = engage.token().await.unwrap();
    assert_eq!(value(&token), "tok-1");
    assert_eq!(
        token.scopes(),
        ["conversations:read", "conversations:write"]
    );
    engage.token().await.unwrap();
    ok.assert_calls_async(1).await;
    let stored = store.load(engage.store_key()).await.unwrap().unwrap();
    assert_eq!(stored.fingerprint.as_deref(), Some(fingerprint.as_str()));
    assert!(!fingerprint.contains("secret-1"));
    assert_eq!(engage.status(), Status::Authorized);
}

#[tokio::test]
async fn tokens_of_old_credentials_are_never_used() {
    let server = MockServer::start_async().await;
    let ok = accepts(&server, "secret-2", "tok-new").await;
    let store = Arc::new(MemoryStore::new());
    // Left behind by a run with the old secret, and still unexpired.
    store
        .save(
            "engage-us",
            StoredTokens {
                access_token: Some(SecretString::from("tok-old")),
                access_expires_at: Some(Utc::now() + TimeDelta::hours(1)),
                refresh_token: None,
                refresh_expires_at: None,
                scopes: vec![],
                fingerprint: Some(
                    Credentials::client_credentials("tenant", "secret-1").fingerprint(),
                ),
                updated_at: Utc::now(),
            },
        )
        .await
        .unwrap();
    let registry = registry(&server, store.clone());
    let engage = registry
        .add(
            "engage-us",
            Credentials::client_credentials("tenant", "secret-2"),
        )
        .unwrap();
    assert_eq!(value(&engage.token().await.unwrap()), "tok-new");
    ok.assert_calls_async(1).await;
}

#[tokio::test]
async fn rejected_credentials_fail_fast_until_reauthorized_with_good_ones() {
    let server = MockServer::start_async().await;
    let good = accepts(&server, "secret-2", "tok-2").await;
    let bad = rejects_everything_else(&server).await;
    let registry = registry(&server, Arc::new(MemoryStore::new()));
    // The tenant secret was rotated: the configured one is no longer valid.
    let engage = registry
        .add(
            "engage-us",
            Credentials::client_credentials("tenant", "secret-1"),
        )
        .unwrap();

    let error = engage.token().await.unwrap_err();
    assert!(
        matches!(error, Error::ReauthorizationRequired { .. }),
        "{error}"
    );
    // Engage's node outcome for it (`onAuthorizationFailure`) is tested in engage-sdk.
    assert_eq!(error.kind(), ErrorKind::ReauthorizationRequired);
    for _ in 0..10 {
        assert!(engage.token().await.is_err());
    }
    bad.assert_calls_async(1).await;

    // Wrong new credentials: refused, and nothing changes.
    let refused = registry
        .reauthorize(
            "engage-us",
            Credentials::client_credentials("tenant", "secret-3"),
        )
        .await;
    assert!(refused.is_err());
    bad.assert_calls_async(2).await;
    assert!(matches!(
        engage.status(),
        Status::ReauthorizationRequired { .. }
    ));
    assert!(engage.token().await.is_err());
    bad.assert_calls_async(2).await;

    // The right ones: verified first, then every holder of the authorization recovers.
    registry
        .reauthorize(
            "engage-us",
            Credentials::client_credentials("tenant", "secret-2"),
        )
        .await
        .unwrap();
    good.assert_calls_async(1).await;
    assert_eq!(engage.status(), Status::Authorized);
    assert_eq!(value(&engage.token().await.unwrap()), "tok-2");
    good.assert_calls_async(1).await;
}

#[tokio::test]
async fn an_authorization_in_use_is_only_removed_when_forced() {
    let server = MockServer::start_async().await;
    let registry = registry(&server, Arc::new(MemoryStore::new()));
    let held = registry
        .add("engage-us", Credentials::access_key("key-1"))
        .unwrap();
    let error = registry.remove("engage-us", false).await.unwrap_err();
    assert!(matches!(error, Error::InUse { users: 1, .. }), "{error}");
    assert_eq!(value(&held.token().await.unwrap()), "key-1");

    registry.remove("engage-us", true).await.unwrap();
    assert!(registry.names().is_empty());
    assert!(matches!(
        held.token().await,
        Err(Error::ReauthorizationRequired { .. })
    ));

    let unused = registry
        .add("spare", Credentials::access_key("key-2"))
        .unwrap();
    drop(unused);
    registry.remove("spare", false).await.unwrap();
    assert!(matches!(
        registry.get("spare"),
        Err(Error::UnknownAuthorization { .. })
    ));
}

#[tokio::test]
async fn a_rejected_access_key_needs_a_new_one() {
    let server = MockServer::start_async().await;
    let registry = registry(&server, Arc::new(MemoryStore::new()));
    let node = registry
        .add("legacy", Credentials::access_key("key-1"))
        .unwrap();
    let key = node.token().await.unwrap();
    node.invalidate(key.secret());
    assert!(matches!(
        node.token().await,
        Err(Error::ReauthorizationRequired { .. })
    ));
    registry
        .reauthorize("legacy", Credentials::access_key("key-2"))
        .await
        .unwrap();
    assert_eq!(value(&node.token().await.unwrap()), "key-2");
}

#[test]
fn credentials_never_show_secrets() {
    let all = [
        Credentials::client_credentials("tenant", "s3cret-a"),
        Credentials::Password {
            username: "bot".into(),
            password: SecretString::from("s3cret-b"),
            client_id: Some("c".into()),
            client_secret: Some(SecretString::from("s3cret-c")),
        },
        Credentials::access_key("s3cret-d"),
    ];
    for credentials in all {
        let debug = format!("{credentials:?}");
        assert!(!debug.contains("s3cret"), "{debug}");
        assert_eq!(credentials.fingerprint().len(), 64);
    }
}

#[tokio::test]
async fn a_connector_and_a_node_authorization_of_the_same_name_keep_their_own_tokens() {
    let server = MockServer::start_async().await;
    let ok = accepts(&server, "secret-1", "tok-node").await;
    let refresh = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/access_token")
                .form_urlencoded_tuple("refresh_token", "connector-refresh");
            then.status(200)
                .json_body(json!({"access_token": "tok-connector-2", "expires_in": 3600}));
        })
        .await;
    let store = Arc::new(MemoryStore::new());
    let connector =
        wxcc_auth::Connector::builder("shared", "cid", "cs", "https://bot.example.com/cb")
            .oauth_base(server.url("/v1"))
            .store(store.clone())
            .build()
            .unwrap();
    let authorize = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/access_token")
                .form_urlencoded_tuple("grant_type", "authorization_code");
            then.status(200).json_body(json!({
                "access_token": "tok-connector-1", "expires_in": 3600, "refresh_token": "connector-refresh"
            }));
        })
        .await;
    let request = connector.authorization_request(false).unwrap();
    connector
        .complete(&request, request.state(), "code")
        .await
        .unwrap();
    authorize.assert_calls_async(1).await;

    let registry = registry(&server, store.clone());
    let node = registry
        .add(
            "shared",
            Credentials::client_credentials("tenant", "secret-1"),
        )
        .unwrap();
    assert_eq!(value(&node.token().await.unwrap()), "tok-node");
    ok.assert_calls_async(1).await;

    // The connector's refresh token survived the node authorization's first fetch.
    connector.invalidate(&SecretString::from("tok-connector-1"));
    assert_eq!(value(&connector.token().await.unwrap()), "tok-connector-2");
    refresh.assert_calls_async(1).await;
    assert_eq!(connector.status(), Status::Authorized);
}

/// A memory store whose next `lock` or `save` can be held at a gate, so that a test decides
/// exactly what runs while a token call is in flight.
#[derive(Debug, Default)]
struct Gated {
    inner: MemoryStore,
    lock_gate: Gate,
    save_gate: Gate,
}

#[derive(Debug, Default)]
struct Gate {
    armed: std::sync::atomic::AtomicBool,
    reached: tokio::sync::Notify,
    open: tokio::sync::Notify,
}

impl Gate {
    fn arm(&self) {
        self.armed.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    async fn pass(&self) {
        if self.armed.swap(false, std::sync::atomic::Ordering::SeqCst) {
            self.reached.notify_one();
            self.open.notified().await;
        }
    }
}

impl TokenStore for Gated {
    fn load<'a>(&'a self, key: &'a str) -> wxcc_auth::StoreFuture<'a, Option<StoredTokens>> {
        self.inner.load(key)
    }
    fn save<'a>(&'a self, key: &'a str, tokens: StoredTokens) -> wxcc_auth::StoreFuture<'a, ()> {
        Box::pin(async move {
            self.save_gate.pass().await;
            self.inner.save(key, tokens).await
        })
    }
    fn remove<'a>(&'a self, key: &'a str) -> wxcc_auth::StoreFuture<'a, ()> {
        self.inner.remove(key)
    }
    fn lock<'a>(&'a self, key: &'a str) -> wxcc_auth::StoreFuture<'a, wxcc_auth::StoreLock> {
        Box::pin(async move {
            self.lock_gate.pass().await;
            self.inner.lock(key).await
        })
    }
}

#[tokio::test]
async fn a_fetch_in_flight_during_reauthorize_never_undoes_it() {
    let server = MockServer::start_async().await;
    let old = accepts(&server, "secret-1", "tok-old").await;
    let new = accepts(&server, "secret-2", "tok-new").await;
    let store = Arc::new(Gated::default());
    let registry = registry(&server, store.clone());
    let engage = registry
        .add(
            "engage-us",
            Credentials::client_credentials("tenant", "secret-1"),
        )
        .unwrap();

    // A first token request starts under the old credentials and is held at the store.
    store.lock_gate.arm();
    let in_flight = {
        let engage = engage.clone();
        tokio::spawn(async move { engage.token().await })
    };
    store.lock_gate.reached.notified().await;
    // Meanwhile the credentials are rotated.
    registry
        .reauthorize(
            "engage-us",
            Credentials::client_credentials("tenant", "secret-2"),
        )
        .await
        .unwrap();
    store.lock_gate.open.notify_one();

    let first = in_flight.await.unwrap().unwrap();
    assert_eq!(
        value(&first),
        "tok-new",
        "the request in flight gets the new token"
    );
    assert_eq!(value(&engage.token().await.unwrap()), "tok-new");
    old.assert_calls_async(0).await;
    new.assert_calls_async(1).await;
    let stored = store.load(engage.store_key()).await.unwrap().unwrap();
    assert_eq!(
        stored.fingerprint.unwrap(),
        Credentials::client_credentials("tenant", "secret-2").fingerprint(),
        "the new credentials' tokens were neither deleted nor overwritten"
    );
    assert_eq!(engage.status(), Status::Authorized);
}

#[tokio::test]
async fn a_forced_remove_during_reauthorize_is_not_undone() {
    let server = MockServer::start_async().await;
    accepts(&server, "secret-2", "tok-new").await;
    let store = Arc::new(Gated::default());
    let registry = registry(&server, store.clone());
    let held = registry
        .add(
            "engage-us",
            Credentials::client_credentials("tenant", "secret-1"),
        )
        .unwrap();

    // Re-authorization got its token and is held while persisting it.
    store.save_gate.arm();
    let reauthorizing = {
        let registry = registry.clone();
        tokio::spawn(async move {
            registry
                .reauthorize(
                    "engage-us",
                    Credentials::client_credentials("tenant", "secret-2"),
                )
                .await
        })
    };
    store.save_gate.reached.notified().await;
    // Meanwhile the authorization is removed, though a client holds it.
    let removing = {
        let registry = registry.clone();
        tokio::spawn(async move { registry.remove("engage-us", true).await })
    };
    for _ in 0..1000 {
        if matches!(held.status(), Status::ReauthorizationRequired { .. }) {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(matches!(
        held.status(),
        Status::ReauthorizationRequired { .. }
    ));
    store.save_gate.open.notify_one();

    removing.await.unwrap().unwrap();
    let reauthorized = reauthorizing.await.unwrap();
    assert!(reauthorized.is_err(), "the removal won: {reauthorized:?}");
    assert!(registry.names().is_empty());
    assert!(matches!(
        held.status(),
        Status::ReauthorizationRequired { .. }
    ));
    assert!(matches!(
        held.token().await,
        Err(Error::ReauthorizationRequired { .. })
    ));
    assert!(
        store.load(held.store_key()).await.unwrap().is_none(),
        "nothing stored revives it"
    );
}

#[tokio::test]
async fn look_alike_names_are_one_name_and_empty_names_are_refused() {
    let server = MockServer::start_async().await;
    let registry = registry(&server, Arc::new(MemoryStore::new()));
    let cafe = registry
        .add("Café-US", Credentials::access_key("k"))
        .unwrap();
    // Case, surrounding spaces, a decomposed accent, full-width letters, and Unicode
    // confusables across scripts (Cyrillic `а` and `С` for the Latin letters).
    for twin in [
        "café-us",
        "  CAFÉ-US\t",
        "Cafe\u{301}-US",
        "\u{ff23}\u{ff41}\u{ff46}\u{e9}-US",
        "\u{421}\u{430}fé-US",
    ] {
        let error = registry
            .add(twin, Credentials::access_key("k2"))
            .unwrap_err();
        assert!(
            matches!(error, Error::NameTaken { .. }),
            "`{twin}`: {error:?}"
        );
        assert_eq!(registry.get(twin).unwrap().name(), "Café-US", "`{twin}`");
    }
    assert_eq!(registry.names(), ["Café-US"]);
    // Names that only look different stay apart.
    let other = registry
        .add("Cafe-UK", Credentials::access_key("k3"))
        .unwrap();
    registry.remove("cafe-uk", true).await.unwrap();
    drop(other);
    for empty in ["", "   ", "\u{3000}"] {
        let error = registry
            .add(empty, Credentials::access_key("k"))
            .unwrap_err();
        assert!(matches!(error, Error::Config(_)), "`{empty}`: {error:?}");
    }
    let connector =
        wxcc_auth::Connector::builder(" ", "cid", "cs", "https://bot.example.com/cb").build();
    assert!(matches!(connector, Err(Error::Config(_))));
    let app = wxcc_auth::ServiceApp::builder("", "app", "cid", "cs", "org").build();
    assert!(matches!(app, Err(Error::Config(_))));
    drop(cafe);
    registry.remove(" café-us ", false).await.unwrap();
    assert!(registry.names().is_empty());
}
