//! Property tests: nothing Engage sends makes the SDK panic. Search results, create and change
//! receipts, transcript pages and error bodies are decoded from generated JSON (biased towards
//! the fields each decoder reads, their enum spellings and extreme numbers) and from arbitrary
//! bytes.

use crate::common;

use engage_sdk::{Client, Customer, Error, HasOutcome, Message, NewConversation, Timeouts};
use httpmock::MockServer;
use proptest::prelude::*;
use serde_json::{Map, Number, Value, json};
use wxcc_auth::RetryPolicy;

fn config() -> ProptestConfig {
    ProptestConfig {
        // Each case is an HTTP round trip to a loopback mock.
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The keys the decoders look at, so generated objects reach their branches.
const KEYS: &[&str] = &[
    "id",
    "status",
    "aliasId",
    "teamId",
    "userId",
    "channel",
    "updatedAt",
    "createdAt",
    "transId",
    "conversationId",
    "totalCount",
    "messages",
    "type",
    "direction",
    "text",
    "attachments",
    "fileUrl",
    "fileName",
    "mimeType",
    "timestamp",
    "wabInteractiveResponse",
    "wabButtons",
    "wabList",
    "code",
    "description",
    "message",
    "error",
    "error_description",
];

/// Spellings of the enums Engage sends, and near misses.
const WORDS: &[&str] = &[
    "queued",
    "active",
    "onhold",
    "closed",
    "Closed",
    "sms",
    "whatsapp",
    "livechat",
    "inbound",
    "outbound",
    "announcement",
    "text",
    "text-with-attachments",
    "attachments",
    "wab-interactive-response",
    "wab-buttons",
    "wab-list",
    "2024-02-29T12:00:00Z",
    "+262143-12-31T23:59:59Z",
    "",
];

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::from(i64::MIN)),
        Just(Value::from(i64::MAX)),
        Just(Value::from(u64::MAX)),
        Just(Value::from(u64::from(u32::MAX) + 1)),
        Just(Value::from(-1)),
        Just(Value::from(0)),
        Just(Value::from(1e300)),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(WORDS).prop_map(str::to_owned),
        2 => "\\PC{0,24}",
        1 => "[é€😀x]{2000,2100}",
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
        5 => proptest::sample::select(KEYS).prop_map(str::to_owned),
        1 => "\\PC{0,8}",
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::vec((key(), inner), 0..10)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A body: generated JSON, JSON shaped like the operation's answer, truncated JSON, or bytes.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => json().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        // Search results: an array of summaries.
        2 => proptest::collection::vec(json(), 0..4)
            .prop_map(|items| serde_json::to_vec(&Value::Array(items)).unwrap()),
        // Transcript pages.
        2 => (number(), proptest::collection::vec(json(), 0..4)).prop_map(|(total, messages)| {
            serde_json::to_vec(&json!({"totalCount": total, "messages": messages})).unwrap()
        }),
        1 => (json(), any::<usize>()).prop_map(|(v, cut)| {
            let bytes = serde_json::to_vec(&v).unwrap();
            bytes[..cut % (bytes.len() + 1)].to_vec()
        }),
        1 => proptest::collection::vec(any::<u8>(), 0..128),
    ]
}

/// One mock server and runtime for every case; each case installs its answer and removes it.
struct Http {
    runtime: tokio::runtime::Runtime,
    server: MockServer,
    client: Client,
}

static HTTP: std::sync::LazyLock<Http> = std::sync::LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(MockServer::start_async());
    let client = runtime
        .block_on(async { common::static_client(&server, RetryPolicy::none(), Timeouts::none()) });
    Http {
        runtime,
        server,
        client,
    }
});

/// The operations whose answers are decoded, by index.
async fn call(client: &Client, operation: u8) -> Result<String, Error> {
    let customer = Customer::sms("+14155550100", "+14155550199");
    match operation % 5 {
        0 => client.search(&customer).await.map(|found| {
            let _ = (found.conversation_id(), found.is_open());
            found.outcome().to_string()
        }),
        1 => {
            let hello = Message::inbound_text("hello").unwrap();
            client
                .create(NewConversation::new(customer).message(hello))
                .await
                .map(|c| c.outcome().to_string())
        }
        2 => client
            .close(common::CONVERSATION)
            .await
            .map(|r| r.outcome().to_string()),
        3 => client
            .transcript_page(common::CONVERSATION, 0, 500)
            .await
            .map(|page| {
                for message in &page.messages {
                    let _ = (message.text(), message.direction(), format!("{message:?}"));
                }
                page.outcome().to_string()
            }),
        _ => {
            use futures_util::TryStreamExt;
            let messages: Vec<Message> = client
                .transcript(common::CONVERSATION)
                .limit(2)
                .try_collect()
                .await?;
            Ok(messages.len().to_string())
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn engage_answers_and_error_bodies_never_panic(
        status in prop_oneof![3 => Just(200u16), 1 => Just(204u16), 2 => 300u16..=599],
        body in body(),
        operation in any::<u8>(),
    ) {
        let http = &*HTTP;
        let result = http.runtime.block_on(async {
            let mock = http
                .server
                .mock_async(|when, then| {
                    when.path_prefix(common::API);
                    then.status(status)
                        .header("content-type", "application/json")
                        .body(&body);
                })
                .await;
            let result = call(&http.client, operation).await;
            mock.delete_async().await;
            result
        });
        match result {
            Ok(shown) => prop_assert!(!shown.is_empty()),
            Err(error) => {
                // Every failure still answers a node outcome and prints.
                let _ = (error.outcome(), error.status(), error.operation());
                prop_assert!(!error.to_string().is_empty());
            }
        }
    }
}

/// The generated cases reach the decoders: a well-formed answer decodes (on a server of its
/// own, as the property's server changes answers between cases).
#[tokio::test]
async fn a_well_formed_transcript_page_decodes() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path_prefix(common::API);
            then.status(200).json_body(json!({
                "totalCount": 1,
                "messages": [{"type": "text", "direction": "inbound", "text": "hi"}]
            }));
        })
        .await;
    let client = common::static_client(&server, RetryPolicy::none(), Timeouts::none());
    let page = client
        .transcript_page(common::CONVERSATION, 0, 500)
        .await
        .unwrap();
    assert_eq!(page.total_count, 1);
    assert_eq!(page.messages[0].text(), Some("hi"));
}
