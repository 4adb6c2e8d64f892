//! Property tests: nothing a server sends makes the SDK panic. Error bodies, webhook
//! deliveries (v1 and v2 envelopes), Search pages, statistics and estimated wait times are decoded from
//! generated JSON (biased towards the fields each decoder reads and towards extreme numbers),
//! and from arbitrary bytes.

use crate::common;

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use httpmock::Method::GET;
use httpmock::MockServer;
use proptest::prelude::*;
use serde_json::{Map, Number, Value};
use wxcc_sdk::webhooks::{WebhookError, WebhookVerifier};
use wxcc_sdk::{ApiError, Error};

/// Bounded, so the suite stays fast; every run draws new cases.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Fewer cases where each one is an HTTP round trip.
fn http_config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        ..config()
    }
}

/// The keys the decoders look at, so generated objects reach their branches.
const KEYS: &[&str] = &[
    "trackingId",
    "trackingID",
    "error",
    "key",
    "reason",
    "message",
    "description",
    "status",
    "code",
    "errors",
    "id",
    "type",
    "source",
    "specversion",
    "comciscoorgid",
    "comciscotimestamp",
    "data",
    "meta",
    "estimatedWaitTime",
    "queueId",
    "agentId",
    "intervalStartTime",
    "averageHandledTime",
    "totalAcceptedTasks",
];

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::from(i64::MIN)),
        Just(Value::from(i64::MAX)),
        Just(Value::from(u64::MAX)),
        Just(Value::from(0)),
        Just(Value::from(-1)),
        Just(Value::from(f64::MAX)),
        Just(Value::from(f64::MIN)),
        Just(Value::from(1e300)),
        Just(Value::from(-1e300)),
        Just(Value::from(f64::MIN_POSITIVE)),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(i64::MIN.to_string()),
        Just(u64::MAX.to_string()),
        Just("400 BAD_REQUEST".to_owned()),
        Just("9999-12-31T23:59:59Z".to_owned()),
        Just("-262144-01-01T00:00:00Z".to_owned()),
        "\\PC{0,40}",
        // Long and multi-byte, for truncation at 2 KiB.
        "[é€😀x]{2000,2100}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        text().prop_map(Value::String),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(KEYS).prop_map(str::to_owned),
        1 => "\\PC{0,8}",
    ]
}

/// Any JSON value, biased towards objects with the keys above.
fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A body: generated JSON, truncated JSON, or arbitrary bytes.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => json().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        1 => (json(), any::<usize>()).prop_map(|(v, cut)| {
            let bytes = serde_json::to_vec(&v).unwrap();
            let cut = cut % (bytes.len() + 1);
            bytes[..cut].to_vec()
        }),
        1 => proptest::collection::vec(any::<u8>(), 0..256),
    ]
}

/// A webhook envelope: v1 (no timestamp) or v2 (`comciscotimestamp`), with generated fields.
fn envelope() -> impl Strategy<Value = Value> {
    (
        prop_oneof![text().prop_map(Value::String), leaf()],
        prop_oneof![
            Just(Value::from("task:ended")),
            Just(Value::from("agent:state_change")),
            leaf()
        ],
        proptest::option::of(prop_oneof![
            number(),
            text().prop_map(Value::String),
            json()
        ]),
        proptest::option::of(leaf()),
        json(),
    )
        .prop_map(|(id, event_type, timestamp, org, data)| {
            let mut map = Map::new();
            map.insert("id".into(), id);
            map.insert("type".into(), event_type);
            map.insert("specversion".into(), Value::from("1.0"));
            if let Some(timestamp) = timestamp {
                map.insert("comciscotimestamp".into(), timestamp);
            }
            if let Some(org) = org {
                map.insert("comciscoorgid".into(), org);
            }
            map.insert("data".into(), data);
            Value::Object(map)
        })
}

/// Any instant chrono can represent.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    prop_oneof![
        Just(DateTime::<Utc>::MIN_UTC),
        Just(DateTime::<Utc>::MAX_UTC),
        Just(Utc::now()),
        (DateTime::<Utc>::MIN_UTC.timestamp()..=DateTime::<Utc>::MAX_UTC.timestamp())
            .prop_map(|s| Utc.timestamp_opt(s, 0).single().unwrap()),
    ]
}

fn sign(secret: &str, body: &[u8]) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn error_bodies_never_panic(status in 100u16..=599, body in body(), fallback in proptest::option::of("\\PC{0,12}")) {
        let error = ApiError::parse(status, &body, fallback);
        let shown = error.to_string();
        let prefix = format!("HTTP {status}");
        prop_assert!(shown.starts_with(&prefix), "{}", shown);
        if let Some(raw) = &error.raw {
            prop_assert!(raw.len() <= 2048 + '…'.len_utf8());
        }
        let error = Error::Api(Box::new(error));
        let _ = (error.to_string(), error.is_retryable(), error.tracking_id());
    }

    #[test]
    fn webhook_deliveries_never_panic(
        envelope in envelope(),
        header in proptest::option::of(text()),
        now in instant(),
        tolerance in prop_oneof![Just(Duration::MAX), Just(Duration::ZERO), any::<u64>().prop_map(Duration::from_secs)],
        require_signed_timestamp in any::<bool>(),
        capacity in prop_oneof![Just(0usize), Just(1), Just(100_000)],
    ) {
        let verifier = WebhookVerifier::new("s3cret")
            .unwrap()
            .tolerance(tolerance)
            .require_signed_timestamp(require_signed_timestamp)
            .capacity(capacity);
        let body = serde_json::to_vec(&envelope).unwrap();
        let signature = sign("s3cret", &body);
        let first = verifier.verify_at(&body, Some(&signature), header.as_deref(), now);
        if let Ok(event) = &first {
            let _ = event.event_type.to_string();
            // A delivery once accepted is never accepted again within the window.
            let again = verifier.verify_at(&body, Some(&signature), header.as_deref(), now);
            prop_assert!(matches!(again, Err(WebhookError::Replayed(_))), "{again:?}");
        }
    }

    #[test]
    fn unsigned_or_garbled_deliveries_never_panic(
        body in body(),
        signature in proptest::option::of("[0-9a-fA-F=sha256]{0,70}"),
        header in proptest::option::of(text()),
        now in instant(),
    ) {
        let verifier = WebhookVerifier::new("s3cret").unwrap();
        let result = verifier.verify_at(&body, signature.as_deref(), header.as_deref(), now);
        // Only a correct signature gets past the first check.
        if signature.as_deref() != Some(sign("s3cret", &body).as_str()) {
            prop_assert!(result.is_err());
        }
    }
}

/// One mock server and runtime for the HTTP properties; each case installs its response on
/// its property's own path and removes it afterwards.
static HTTP: std::sync::LazyLock<Http> = std::sync::LazyLock::new(Http::new);

struct Http {
    runtime: tokio::runtime::Runtime,
    server: MockServer,
}

impl Http {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(MockServer::start_async());
        Self { runtime, server }
    }

    /// Serves `body` with `status` on `path` while `call` runs.
    fn serve<T>(
        &self,
        path: &str,
        status: u16,
        body: &[u8],
        call: impl AsyncFnOnce(wxcc_sdk::Client) -> T,
    ) -> T {
        self.serve_method(GET, path, status, body, call)
    }

    /// As [`Http::serve`], for another method.
    fn serve_method<T>(
        &self,
        method: httpmock::Method,
        path: &str,
        status: u16,
        body: &[u8],
        call: impl AsyncFnOnce(wxcc_sdk::Client) -> T,
    ) -> T {
        self.runtime.block_on(async {
            let mock = self
                .server
                .mock_async(|when, then| {
                    when.method(method).path(path);
                    then.status(status)
                        .header("content-type", "application/json")
                        .body(body);
                })
                .await;
            let client = common::client_with(
                &self.server,
                wxcc_auth::StaticToken::new("test", "token"),
                wxcc_auth::RetryPolicy::none(),
            );
            let out = call(client).await;
            mock.delete_async().await;
            out
        })
    }
}

fn ewt_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => prop_oneof![number(), leaf(), json()].prop_map(|v| {
            serde_json::to_vec(&serde_json::json!({"estimatedWaitTime": v})).unwrap()
        }),
        // Exponents serde_json reads as f64 infinity or zero.
        1 => "-?[0-9]{1,3}(\\.[0-9]{0,3})?e[+-]?[0-9]{1,4}"
            .prop_map(|n| format!(r#"{{"estimatedWaitTime": {n}}}"#).into_bytes()),
        1 => body(),
    ]
}

/// Search pages: an envelope whose records and page info are generated (biased to the fields
/// the typed records read), GraphQL errors, or arbitrary bytes.
fn search_body() -> impl Strategy<Value = Vec<u8>> {
    let record = proptest::collection::btree_map(
        prop_oneof![
            Just("id".to_owned()),
            Just("createdTime".to_owned()),
            Just("endedTime".to_owned()),
            Just("lastAgent".to_owned()),
            Just("owner".to_owned()),
            Just("aggregation".to_owned()),
            Just("intervalStartTime".to_owned()),
            Just("origin".to_owned()),
            "[a-zA-Z]{1,8}",
        ],
        prop_oneof![number(), leaf(), json()],
        0..6,
    )
    .prop_map(|m| Value::Object(m.into_iter().collect()));
    prop_oneof![
        3 => (proptest::collection::vec(record, 0..4), json(), json()).prop_map(|(records, has_next, cursor)| {
            serde_json::to_vec(&serde_json::json!({"data": {"taskDetails": {
                "tasks": records,
                "pageInfo": {"hasNextPage": has_next, "endCursor": cursor}
            }}}))
            .unwrap()
        }),
        1 => json().prop_map(|errors| serde_json::to_vec(&serde_json::json!({"data": null, "errors": errors})).unwrap()),
        1 => body(),
    ]
}

fn statistics_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => proptest::collection::vec(json(), 0..4).prop_map(|data| {
            serde_json::to_vec(&serde_json::json!({"data": data, "meta": {}})).unwrap()
        }),
        1 => body(),
    ]
}

proptest! {
    #![proptest_config(http_config())]

    #[test]
    fn search_pages_never_panic(status in prop_oneof![Just(200u16), 400u16..=599], body in search_body(), aggregate in any::<bool>()) {
        use wxcc_sdk::search::{Aggregation, Query, Window};
        let http = &*HTTP;
        let window = Window::last(chrono::TimeDelta::hours(1));
        if aggregate {
            let query = Query::task_details(window).aggregate([Aggregation::count("n")], ["lastAgent.id"]);
            let result = http.serve_method(httpmock::Method::POST, "/search", status, &body, async |client| {
                client.search(query).first_page().await
            });
            let _ = result.map_err(|e| e.to_string());
        } else {
            let result = http.serve_method(httpmock::Method::POST, "/search", status, &body, async |client| {
                let page = client.search(Query::task_details(window)).first_page().await?;
                Ok::<_, Error>(page.records.iter().filter_map(|t| t.created_at()).count())
            });
            let _ = result.map_err(|e| e.to_string());
        }
    }

    #[test]
    fn estimated_wait_times_never_panic(status in prop_oneof![Just(200u16), Just(204), 400u16..=599], body in ewt_body()) {
        let http = &*HTTP;
        let result = http.serve("/v1/ewt", status, &body, async |client| {
            client.estimated_wait_time("q-1", Duration::from_secs(3600)).await
        });
        if let Ok(Some(wait)) = result {
            prop_assert!(wait < Duration::MAX);
        }
    }

    #[test]
    fn statistics_never_panic(status in prop_oneof![Just(200u16), 400u16..=599], body in statistics_body(), agents in any::<bool>()) {
        let http = &*HTTP;
        let to = Utc::now();
        let from = to - chrono::TimeDelta::hours(1);
        if agents {
            let result = http.serve("/v1/agents/statistics", status, &body, async |client| {
                client.agent_statistics(from, to, None, &[]).await
            });
            let _ = result.map_err(|e| e.to_string());
        } else {
            let result = http.serve("/v1/queues/statistics", status, &body, async |client| {
                client.queue_statistics(from, to, None, &[]).await
            });
            let _ = result.map_err(|e| e.to_string());
        }
    }
}
