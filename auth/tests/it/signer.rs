//! The signer: what it adds to requests, what it refuses, and that no secret ever reaches
//! `Debug` output or logs.

use std::io::Write;
use std::sync::{Arc, Mutex};

use httpmock::MockServer;
use wxcc_auth::{
    Access, AccessLevel, AccessToken, Error, Operation, OperationTable, SecretString, Signer,
    StaticToken, TokenFuture, TokenSource,
};

static OPS: OperationTable = OperationTable::new(&[
    Operation {
        id: "create_task",
        method: "POST",
        path: "/v1/tasks",
        access: Access::Write,
        scopes: &[],
    },
    Operation {
        id: "search",
        method: "POST",
        path: "/search",
        access: Access::Read,
        scopes: &[],
    },
]);

const SECRET: &str = "s3cr3t-t0ken-value";

fn request(url: &str) -> reqwest::Request {
    let mut request = reqwest::Request::new(reqwest::Method::POST, url.parse().unwrap());
    request
        .headers_mut()
        .insert("api-version", "1.0.0".parse().unwrap());
    request
}

#[tokio::test]
async fn authorize_adds_bearer_and_tracking_id_and_drops_api_version() {
    let signer = Signer::new(StaticToken::new("ops", SECRET), OPS);
    let mut req = request("http://localhost/search");
    signer.authorize(&mut req, "search").await.unwrap();
    let headers = req.headers();
    assert_eq!(
        headers["authorization"],
        format!("Bearer {SECRET}").as_str()
    );
    assert!(
        headers["authorization"].is_sensitive(),
        "hidden from reqwest's Debug"
    );
    let tracking = headers["trackingid"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(tracking).is_ok(), "{tracking}");
    assert!(!headers.contains_key("api-version"));
}

#[tokio::test]
async fn read_only_sources_refuse_writes_and_unknown_operations() {
    let signer = Signer::new(StaticToken::new("reports", SECRET).read_only(), OPS);
    let mut req = request("http://localhost/v1/tasks");
    let error = signer.authorize(&mut req, "create_task").await.unwrap_err();
    assert!(matches!(
        error,
        Error::AccessDenied {
            access: Access::Write,
            level: AccessLevel::ReadOnly,
            ..
        }
    ));
    assert!(
        error.to_string().contains("configure a read-write source"),
        "{error}"
    );
    assert!(
        !req.headers().contains_key("authorization"),
        "the request is left untouched"
    );
    // An operation the table does not know is treated as a write.
    assert!(
        signer
            .authorize(&mut req, "brand_new_operation")
            .await
            .is_err()
    );
    assert!(signer.authorize(&mut req, "search").await.is_ok());
}

#[tokio::test]
async fn tokens_that_cannot_be_header_values_are_refused_without_echoing_them() {
    for bad in ["", "line\nbreak"] {
        let signer = Signer::new(StaticToken::new("file-token", bad), OPS);
        let mut req = request("http://localhost/search");
        let error = signer.authorize(&mut req, "search").await.unwrap_err();
        assert!(
            matches!(error, Error::InvalidTokenValue { .. }),
            "{error:?}"
        );
        if !bad.is_empty() {
            assert!(!error.to_string().contains(bad));
        }
    }
}

/// A source that issues a new token each time the current one is invalidated.
#[derive(Debug)]
struct Rotating {
    current: Mutex<u32>,
}

impl TokenSource for Rotating {
    fn name(&self) -> &str {
        "rotating"
    }

    fn token(&self) -> TokenFuture<'_> {
        let n = *self.current.lock().unwrap();
        Box::pin(async move { Ok(AccessToken::new(format!("{SECRET}-{n}"))) })
    }

    fn invalidate(&self, rejected: &SecretString) {
        use wxcc_auth::ExposeSecret;
        let mut current = self.current.lock().unwrap();
        if rejected.expose_secret() == format!("{SECRET}-{current}") {
            *current += 1;
        }
    }
}

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
async fn no_secret_in_debug_output_or_logs_across_a_401_retry() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start_async().await;
    let rejected = server
        .mock_async(|when, then| {
            when.path("/search")
                .header("authorization", format!("Bearer {SECRET}-0"));
            then.status(401);
        })
        .await;
    let accepted = server
        .mock_async(|when, then| {
            when.path("/search")
                .header("authorization", format!("Bearer {SECRET}-1"));
            then.status(200).body("{}");
        })
        .await;

    let signer = Signer::new(
        Rotating {
            current: Mutex::new(0),
        },
        OPS,
    );
    let http = reqwest::Client::new();
    let mut req = request(&format!("{}/search", server.base_url()));
    signer.authorize(&mut req, "search").await.unwrap();
    let debug_request = format!("{req:?}");
    let response = signer.send(&http, req, "search").await.unwrap();
    assert_eq!(response.status(), 200);
    rejected.assert_calls_async(1).await;
    accepted.assert_calls_async(1).await;

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("wxcc.request"),
        "the request was traced: {logs}"
    );
    assert!(
        logs.contains("status=401") || logs.contains("401"),
        "{logs}"
    );

    let token = AccessToken::new(SECRET).with_scopes(["cjp:config_read"]);
    let static_source = StaticToken::new("ops", SECRET);
    let outputs = [
        debug_request,
        logs,
        format!("{token:?}"),
        format!("{static_source:?}"),
        format!("{:?}", Signer::new(static_source.clone(), OPS)),
        format!(
            "{:?}",
            Error::InvalidTokenValue {
                source_name: "ops".into()
            }
        ),
        Error::InvalidTokenValue {
            source_name: "ops".into(),
        }
        .to_string(),
    ];
    for output in outputs {
        assert!(!output.contains(SECRET), "secret leaked into: {output}");
    }
}

/// A source whose token endpoint never answers.
#[derive(Debug)]
struct Hanging;

impl TokenSource for Hanging {
    fn name(&self) -> &str {
        "hanging"
    }

    fn token(&self) -> TokenFuture<'_> {
        Box::pin(std::future::pending())
    }
}

/// Calls through the generated clients sign with `authorize` before `send`: a hanging token
/// endpoint must not hold them past the overall deadline.
#[tokio::test(start_paused = true)]
async fn getting_a_token_for_a_signed_request_stops_at_the_deadline() {
    let policy =
        wxcc_auth::RetryPolicy::default().with_deadline(Some(std::time::Duration::from_secs(3)));
    let signer = Signer::new(Hanging, OPS).with_retry_policy(policy);
    let started = tokio::time::Instant::now();
    let mut req = request("http://localhost/search");
    let error = signer.authorize(&mut req, "search").await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert_eq!(started.elapsed(), std::time::Duration::from_secs(3));
    assert!(!req.headers().contains_key("authorization"));
}
