//! A minimal Search server on loopback: canned pages, so the client side dominates the cost.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use serde_json::{Value, json};

/// What the server answers.
#[derive(Clone)]
pub struct Pages {
    /// Records per page.
    pub page_size: usize,
    /// Pages in all; the last says `hasNextPage: false`.
    pub pages: usize,
}

fn task(n: usize) -> Value {
    json!({
        "id": format!("6b3c2a1e-0000-4000-8000-{n:012}"),
        "status": "ended",
        "channelType": "telephony",
        "direction": "inbound",
        "origin": format!("+1408555{:04}", n % 10_000),
        "destination": "+18005550100",
        "isActive": false,
        "createdTime": 1_763_700_000_000i64 - (n as i64) * 60_000,
        "endedTime": 1_763_700_300_000i64 - (n as i64) * 60_000,
        "terminationType": "normal",
        "lastAgent": {"id": format!("agent-{}", n % 30), "name": format!("Agent {}", n % 30)},
        "lastQueue": {"id": "queue-1", "name": "Support"},
        "lastTeam": {"id": "team-1", "name": "Tier 1"},
        "lastEntryPoint": {"id": "ep-1", "name": "Main line"}
    })
}

/// The JSON body of page `index` (0-based).
pub fn page_body(pages: &Pages, index: usize) -> Vec<u8> {
    let tasks: Vec<Value> = (0..pages.page_size)
        .map(|i| task(index * pages.page_size + i))
        .collect();
    let has_next = index + 1 < pages.pages;
    let cursor = if has_next {
        Value::String(format!("cursor-{}", index + 1))
    } else {
        Value::Null
    };
    serde_json::to_vec(&json!({"data": {"taskDetails": {
        "tasks": tasks,
        "pageInfo": {"hasNextPage": has_next, "endCursor": cursor}
    }}}))
    .unwrap_or_default()
}

/// Starts the server; it runs until the process ends.
pub async fn start(pages: Pages) -> std::io::Result<SocketAddr> {
    let pages = Arc::new(pages);
    let template: Arc<Vec<Vec<u8>>> = Arc::new(
        (0..pages.pages.min(2))
            .map(|i| page_body(&pages, i))
            .collect(),
    );
    let app = Router::new().route(
        "/search",
        post(move |headers: HeaderMap, body: Bytes| {
            let pages = Arc::clone(&pages);
            let template = Arc::clone(&template);
            async move { answer(&pages, &template, &headers, &body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(addr)
}

fn answer(
    pages: &Pages,
    template: &[Vec<u8>],
    headers: &HeaderMap,
    body: &[u8],
) -> axum::response::Response {
    if !headers.contains_key(header::AUTHORIZATION) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let request: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let index = request
        .pointer("/variables/cursor")
        .and_then(Value::as_str)
        .and_then(|c| c.strip_prefix("cursor-"))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    // Every page but the last is the same size; reuse the first body, changing only the cursor.
    let bytes = if index + 1 >= pages.pages {
        page_body(pages, index)
    } else if index == 0 {
        template[0].clone()
    } else {
        let text = String::from_utf8_lossy(&template[0])
            .replace("\"cursor-1\"", &format!("\"cursor-{}\"", index + 1));
        text.into_bytes()
    };
    ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}
