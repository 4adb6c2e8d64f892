//! Transcript paging: every message, in order, one page in memory and each page fetched only
//! when needed.

use crate::common;

use common::{API, CONVERSATION};
use engage_sdk::{Content, Direction, HasOutcome, Outcome, Timeouts};
use futures_util::{StreamExt, TryStreamExt};
use httpmock::{Method, Mock, MockServer};
use serde_json::{Value, json};
use wxcc_auth::RetryPolicy;

const TOTAL: usize = 1234;

fn message(n: usize) -> Value {
    if n % 100 == 99 {
        json!({"direction": "inbound", "type": "attachments", "aliasId": format!("m-{n}"),
               "attachments": [{"fileName": "photo.jpg", "mimeType": "image/jpeg", "fileUrl": "", "dropped": true}]})
    } else {
        let direction = if n.is_multiple_of(2) {
            "inbound"
        } else {
            "outbound"
        };
        json!({"direction": direction, "type": "text", "aliasId": format!("m-{n}"), "text": format!("message {n}")})
    }
}

async fn page(server: &MockServer, offset: usize, limit: usize) -> Mock<'_> {
    let messages: Vec<Value> = (offset..TOTAL.min(offset + limit)).map(message).collect();
    server
        .mock_async(|when, then| {
            when.method(Method::GET)
                .path(format!("{API}/conversations/{CONVERSATION}/messages"))
                .query_param("offset", offset.to_string())
                .query_param("limit", limit.to_string());
            then.status(200)
                .json_body(json!({"totalCount": TOTAL, "messages": messages}));
        })
        .await
}

#[tokio::test]
async fn paging_1234_messages_by_500_yields_all_in_order_with_three_requests_made_when_needed() {
    let server = MockServer::start_async().await;
    let pages = [
        page(&server, 0, 500).await,
        page(&server, 500, 500).await,
        page(&server, 1000, 500).await,
    ];
    let client = common::static_client(&server, RetryPolicy::none(), Timeouts::none());
    let mut transcript = client.transcript(CONVERSATION).limit(500);
    let calls = || async {
        let mut calls = Vec::new();
        for page in &pages {
            calls.push(page.calls_async().await);
        }
        calls
    };
    assert_eq!(
        calls().await,
        [0, 0, 0],
        "nothing is sent before the stream is polled"
    );

    let mut seen = Vec::with_capacity(TOTAL);
    while let Some(message) = transcript.try_next().await.unwrap() {
        let n = seen.len();
        match n {
            0 | 499 => assert_eq!(calls().await, [1, 0, 0], "at message {n}"),
            500 | 999 => assert_eq!(calls().await, [1, 1, 0], "at message {n}"),
            1000 | 1233 => assert_eq!(calls().await, [1, 1, 1], "at message {n}"),
            _ => {}
        }
        seen.push(message);
    }
    assert_eq!(seen.len(), TOTAL);
    for (n, message) in seen.iter().enumerate() {
        assert_eq!(message.alias_id(), Some(format!("m-{n}").as_str()));
        if n % 100 == 99 {
            let attachment = &message.attachments()[0];
            assert!(attachment.is_dropped() && attachment.file_url().is_none());
        } else {
            assert!(matches!(message.content(), Content::Text(t) if *t == format!("message {n}")));
            let direction = if n.is_multiple_of(2) {
                Direction::Inbound
            } else {
                Direction::Outbound
            };
            assert_eq!(message.direction(), direction);
        }
    }
    assert_eq!(
        calls().await,
        [1, 1, 1],
        "three requests, no fourth after the last page"
    );
}

#[tokio::test]
async fn pages_report_the_total_and_the_transcript_outcome() {
    let server = MockServer::start_async().await;
    page(&server, 0, 500).await;
    page(&server, 500, 500).await;
    page(&server, 1000, 500).await;
    let client = common::static_client(&server, RetryPolicy::none(), Timeouts::none());
    let pages: Vec<_> = client
        .transcript(CONVERSATION)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let sizes: Vec<_> = pages.iter().map(|p| (p.offset, p.messages.len())).collect();
    assert_eq!(sizes, [(0, 500), (500, 500), (1000, 234)]);
    assert!(pages.iter().all(|p| p.total_count == 1234));
    assert_eq!(pages[0].outcome(), Outcome::TranscriptSuccess);
    assert_eq!(pages[0].outcome().to_string(), "success");
}

#[tokio::test]
async fn an_offset_and_a_smaller_limit_page_from_there() {
    let server = MockServer::start_async().await;
    let tail = [page(&server, 1200, 20).await, page(&server, 1220, 20).await];
    let client = common::static_client(&server, RetryPolicy::none(), Timeouts::none());
    let messages: Vec<_> = client
        .transcript(CONVERSATION)
        .offset(1200)
        .limit(20)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(messages.len(), 34);
    assert_eq!(messages[0].alias_id(), Some("m-1200"));
    assert_eq!(messages[33].alias_id(), Some("m-1233"));
    for mock in &tail {
        mock.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn an_error_ends_the_stream_after_the_messages_already_read() {
    let server = MockServer::start_async().await;
    page(&server, 0, 500).await;
    server
        .mock_async(|when, then| {
            when.query_param("offset", "500");
            then.status(404).json_body(json!({"description": "gone"}));
        })
        .await;
    let client = common::static_client(&server, RetryPolicy::none(), Timeouts::none());
    let results: Vec<_> = client.transcript(CONVERSATION).collect().await;
    assert_eq!(results.len(), 501);
    assert!(results[..500].iter().all(Result::is_ok));
    let error = results[500].as_ref().unwrap_err();
    assert_eq!(error.outcome(), Outcome::Failure);
}

#[tokio::test]
async fn a_server_that_promises_more_than_it_sends_cannot_make_the_stream_loop() {
    let server = MockServer::start_async().await;
    let empty = server
        .mock_async(|when, then| {
            when.path(format!("{API}/conversations/{CONVERSATION}/messages"));
            then.status(200)
                .json_body(json!({"totalCount": 10, "messages": []}));
        })
        .await;
    let client = common::static_client(&server, RetryPolicy::none(), Timeouts::none());
    let messages: Vec<_> = client.transcript(CONVERSATION).try_collect().await.unwrap();
    assert!(messages.is_empty());
    empty.assert_calls_async(1).await;
}
