//! No secret value ever shows in `Debug` output, error messages or `tracing` output, across a
//! full authorize-refresh-reject cycle of every lifecycle.

use std::io::Write;
use std::sync::{Arc, Mutex};

use httpmock::Method::POST;
use httpmock::MockServer;
use serde_json::json;
use wxcc_auth::{
    AccessToken, Connector, Credentials, FileStore, MemoryStore, NodeAuthorizations,
    OperationTable, ServiceApp, Signer, StaticToken, TokenCache, TokenSource, TokenStore,
};

const SECRETS: [&str; 7] = [
    "client-s3cret",
    "access-t0ken-1",
    "access-t0ken-2",
    "refresh-t0ken-1",
    "refresh-t0ken-2",
    "tenant-s3cret",
    "engage-t0ken",
];

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn secrets_stay_out_of_debug_errors_and_logs() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/access_token").form_urlencoded_tuple("grant_type", "authorization_code");
            then.status(200).json_body(json!({"access_token": "access-t0ken-1", "expires_in": 3600, "refresh_token": "refresh-t0ken-1"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v1/access_token").form_urlencoded_tuple("refresh_token", "refresh-t0ken-1");
            then.status(200).json_body(json!({"access_token": "access-t0ken-2", "expires_in": 3600, "refresh_token": "refresh-t0ken-2"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v1/access_token")
                .form_urlencoded_tuple("refresh_token", "refresh-t0ken-2");
            then.status(400)
                .json_body(json!({"error": "invalid_grant", "error_description": "revoked"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/engage/oauth/token")
                .form_urlencoded_tuple("client_secret", "tenant-s3cret");
            then.status(200)
                .json_body(json!({"access_token": "engage-t0ken", "expires_in": 3600}));
        })
        .await;

    let dir = std::env::temp_dir().join(format!("wxcc-secrets-{}", uuid::Uuid::new_v4().simple()));
    let file_store = FileStore::new(dir.join("tokens.json"));
    let connector = Connector::builder("ops", "cid", "client-s3cret", "https://bot.example.com/cb")
        .oauth_base(server.url("/v1"))
        .store(Arc::new(file_store.clone()))
        .build()
        .unwrap();
    let request = connector.authorization_request(true).unwrap();
    connector
        .complete(&request, request.state(), "code")
        .await
        .unwrap();
    let first = connector.token().await.unwrap();
    connector.invalidate(first.secret());
    let second = connector.token().await.unwrap();
    connector.invalidate(second.secret());
    let revoked = connector.token().await.unwrap_err();

    let registry = NodeAuthorizations::builder(server.url("/engage/oauth/token"))
        .build()
        .unwrap();
    let node = registry
        .add(
            "engage",
            Credentials::client_credentials("tenant", "tenant-s3cret"),
        )
        .unwrap();
    node.token().await.unwrap();

    let app = ServiceApp::builder("app", "app-id", "cid", "client-s3cret", "org")
        .refresh_token("refresh-t0ken-1")
        .build()
        .unwrap();
    let stored = file_store
        .load(connector.store_key())
        .await
        .unwrap()
        .unwrap();
    let memory = MemoryStore::new();
    memory.save("ops", stored.clone()).await.unwrap();

    let outputs = [
        format!("{connector:?}"),
        format!("{request:?}"),
        format!("{first:?} {second:?}"),
        format!("{revoked:?} {revoked}"),
        format!("{registry:?} {node:?}"),
        format!(
            "{:?}",
            Credentials::client_credentials("tenant", "tenant-s3cret")
        ),
        format!("{app:?}"),
        format!("{stored:?} {memory:?} {file_store:?}"),
        format!("{:?}", StaticToken::new("s", "access-t0ken-1")),
        format!(
            "{:?}",
            Signer::new(connector.clone(), OperationTable::empty())
        ),
        format!("{:?}", TokenCache::new(Fetcher)),
        String::from_utf8(capture.0.lock().unwrap().clone()).unwrap(),
    ];
    assert!(
        outputs.last().unwrap().contains("token fetched"),
        "the cycle was logged"
    );
    for output in &outputs {
        for secret in SECRETS {
            assert!(!output.contains(secret), "`{secret}` leaked into: {output}");
        }
    }
}

#[derive(Debug)]
struct Fetcher;

impl wxcc_auth::TokenFetcher for Fetcher {
    fn name(&self) -> &str {
        "f"
    }
    fn fetch(&self, _: wxcc_auth::FetchRequest) -> wxcc_auth::TokenFuture<'_> {
        Box::pin(async { Ok(AccessToken::new("access-t0ken-1")) })
    }
}

/// One request as received: body, and headers.
type Request = (String, Vec<(String, String)>);

/// Every request the echoing endpoint received, as sent.
#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<Request>>>);

impl Received {
    /// Each secret the requests carried, decoded, and each form it took on the wire.
    fn secrets(&self) -> Vec<String> {
        const FIELDS: [&str; 6] = [
            "client_secret",
            "refresh_token",
            "code",
            "code_verifier",
            "password",
            "clientSecret",
        ];
        let mut secrets = Vec::new();
        for (body, headers) in self.0.lock().unwrap().iter() {
            let form = reqwest::Url::parse(&format!("http://x/?{body}")).unwrap();
            for (key, value) in form.query_pairs() {
                if FIELDS.contains(&key.as_ref()) {
                    secrets.push(value.into_owned());
                }
            }
            for pair in body.split('&') {
                if let Some((key, raw)) = pair.split_once('=')
                    && FIELDS.contains(&key)
                {
                    secrets.push(raw.to_owned());
                }
            }
            if let Ok(serde_json::Value::Object(json)) = serde_json::from_str(body) {
                for field in FIELDS {
                    if let Some(value) = json.get(field).and_then(|v| v.as_str()) {
                        secrets.push(value.to_owned());
                        let escaped = serde_json::to_string(value).unwrap();
                        secrets.push(escaped.trim_matches('"').to_owned());
                    }
                }
            }
            for (name, value) in headers {
                if name.eq_ignore_ascii_case("authorization") {
                    secrets.push(value.trim_start_matches("Bearer ").to_owned());
                }
            }
        }
        secrets.sort();
        secrets.dedup();
        secrets
    }
}

/// A token endpoint that echoes each request, body and `Authorization` header, in every field
/// of its answer: a refusal with `status`, or (status 200) a token whose scope is the echo.
async fn echoing<'a>(
    server: &'a MockServer,
    path: &str,
    status: u16,
    received: &Received,
) -> httpmock::Mock<'a> {
    let received = received.clone();
    let path = path.to_owned();
    server
        .mock_async(move |when, then| {
            when.method(POST).path(path);
            then.respond_with(move |req: &httpmock::HttpMockRequest| {
                let body = req.body_string();
                let headers = req.headers_vec().clone();
                let echo = format!(
                    "you sent {body} with {}",
                    headers
                        .iter()
                        .map(|(k, v)| format!("{k}: {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                received.0.lock().unwrap().push((body, headers));
                let answer = if status == 200 {
                    json!({"access_token": "echo-t0ken", "expires_in": 3600, "scope": echo, "token_type": echo})
                } else {
                    json!({"error": "invalid_grant", "error_description": echo, "message": echo, "error_uri": echo})
                };
                httpmock::HttpMockResponse::builder()
                    .status(status)
                    .header("content-type", "application/json")
                    .body(answer.to_string())
                    .build()
            });
        })
        .await
}

#[tokio::test]
async fn token_endpoints_that_echo_the_request_leak_nothing_anywhere() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start_async().await;
    let received = Received::default();
    // Secrets with characters that change when form- or JSON-encoded.
    let client_secret = "cl!ent s3cret/+&=\"\\é";
    echoing(&server, "/exchange/access_token", 400, &received).await;
    echoing(&server, "/refresh/access_token", 401, &received).await;
    echoing(&server, "/app/access_token", 400, &received).await;
    echoing(&server, "/minted/applications/app-id/token", 401, &received).await;
    echoing(&server, "/engage/oauth/token", 401, &received).await;
    echoing(&server, "/password/oauth/token", 400, &received).await;
    echoing(&server, "/scoped/oauth/token", 200, &received).await;

    let mut outputs = Vec::new();
    let mut show = |what: String| outputs.push(what);

    // Connector: code exchange (client secret, code, PKCE verifier).
    let exchanging = Connector::builder("ops", "cid", client_secret, "https://bot.example.com/cb")
        .oauth_base(server.url("/exchange"))
        .build()
        .unwrap();
    let request = exchanging.authorization_request(true).unwrap();
    let error = exchanging
        .complete(&request, request.state(), "auth c0de/+&=")
        .await
        .unwrap_err();
    assert!(
        matches!(&error, wxcc_auth::Error::TokenEndpoint { code: Some(code), .. } if code == "invalid_grant"),
        "{error:?}"
    );
    show(format!(
        "{error} {error:?} {exchanging:?} {:?}",
        exchanging.status()
    ));

    // Connector: refresh (client secret, refresh token).
    let store = Arc::new(MemoryStore::new());
    store
        .save(
            "ops",
            wxcc_auth::StoredTokens {
                access_token: Some("expired-acc3ss".into()),
                access_expires_at: Some(chrono::Utc::now() - chrono::TimeDelta::minutes(1)),
                refresh_token: Some("r3fresh t0ken/+&=".into()),
                refresh_expires_at: None,
                scopes: vec![],
                fingerprint: None,
                updated_at: chrono::Utc::now(),
            },
        )
        .await
        .unwrap();
    let refreshing = Connector::builder("ops", "cid", client_secret, "https://bot.example.com/cb")
        .oauth_base(server.url("/refresh"))
        .store(store)
        .build()
        .unwrap();
    let error = refreshing.token().await.unwrap_err();
    assert!(
        matches!(error, wxcc_auth::Error::ReauthorizationRequired { .. }),
        "{error:?}"
    );
    show(format!(
        "{error} {error:?} {refreshing:?} {:?}",
        refreshing.status()
    ));

    // Service app: refresh with the portal's token, then mint with a minter's bearer.
    let app = ServiceApp::builder("app", "app-id", "cid", client_secret, "org")
        .oauth_base(server.url("/app"))
        .refresh_token("p0rtal refresh/+&=")
        .build()
        .unwrap();
    let error = app.token().await.unwrap_err();
    show(format!("{error} {error:?} {app:?} {:?}", app.status()));
    let minted = ServiceApp::builder("minted", "app-id", "cid", client_secret, "org")
        .oauth_base(server.url("/minted"))
        .minted_with(Arc::new(StaticToken::new("admin", "m1nter b3arer/+")))
        .build()
        .unwrap();
    let error = minted.token().await.unwrap_err();
    show(format!(
        "{error} {error:?} {minted:?} {:?}",
        minted.status()
    ));

    // Node authorizations: client credentials, password, a token whose scope is the echo, and
    // a refused reauthorize.
    let registry = NodeAuthorizations::builder(server.url("/engage/oauth/token"))
        .build()
        .unwrap();
    let node = registry
        .add(
            "engage",
            Credentials::client_credentials("tenant", "t3nant s3cret/+&="),
        )
        .unwrap();
    let error = node.token().await.unwrap_err();
    show(format!(
        "{error} {error:?} {node:?} {registry:?} {:?}",
        node.status()
    ));
    let error = registry
        .reauthorize(
            "engage",
            Credentials::client_credentials("tenant", "n3w s3cret/+&="),
        )
        .await
        .unwrap_err();
    show(format!("{error} {error:?} {node:?}"));
    let passwords = NodeAuthorizations::builder(server.url("/password/oauth/token"))
        .build()
        .unwrap();
    let node = passwords
        .add(
            "bot",
            Credentials::Password {
                username: "bot".into(),
                password: "p4ss w0rd/+&=".into(),
                client_id: Some("cid".into()),
                client_secret: Some(client_secret.into()),
            },
        )
        .unwrap();
    let error = node.token().await.unwrap_err();
    show(format!("{error} {error:?} {node:?} {:?}", node.status()));
    let scoped = NodeAuthorizations::builder(server.url("/scoped/oauth/token"))
        .build()
        .unwrap();
    let node = scoped
        .add(
            "scoped",
            Credentials::client_credentials("tenant", "sc0ped s3cret/+&="),
        )
        .unwrap();
    let token = node.token().await.unwrap();
    show(format!("{token:?} {:?} {node:?}", token.scopes()));

    show(String::from_utf8(capture.0.lock().unwrap().clone()).unwrap());
    assert!(
        outputs.last().unwrap().contains("WARN"),
        "refusals were logged"
    );

    assert!(
        outputs.iter().all(|o| o.contains("[redacted]")),
        "every lifecycle's answer was echoed, then redacted: {outputs:?}"
    );
    assert!(
        outputs[0].contains("(invalid_grant)"),
        "the OAuth code is kept: {}",
        outputs[0]
    );
    let secrets = received.secrets();
    for expected in [
        client_secret,
        "auth c0de/+&=",
        "r3fresh t0ken/+&=",
        "p0rtal refresh/+&=",
        "m1nter b3arer/+",
        "t3nant s3cret/+&=",
        "n3w s3cret/+&=",
        "p4ss w0rd/+&=",
    ] {
        assert!(
            secrets.iter().any(|s| s == expected),
            "the endpoint saw `{expected}`: {secrets:?}"
        );
    }
    assert!(
        secrets.len() > 12,
        "encoded forms and the PKCE verifier too: {secrets:?}"
    );
    for output in &outputs {
        for secret in &secrets {
            assert!(
                !output.contains(secret.as_str()),
                "`{secret}` leaked into: {output}"
            );
        }
    }
}
