//! The notification stream under load: a local websocket sends 100,000 event frames as fast as
//! it can to `client.notifications()`, once read by a consumer that keeps up and once by one
//! that does not. Reports what reached each consumer per second, how many items the bounded
//! buffer dropped for the slow one (`Lagged`), and resident memory, which the buffer keeps flat
//! however far behind the consumer falls.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use futures_util::StreamExt;
use serde_json::json;
use wxcc_auth::StaticToken;
use wxcc_sdk::notifications::Notification;
use wxcc_sdk::{Client, Timeouts};

use crate::stats::memory_kib;

/// One run's numbers.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    pub events: u64,
    pub missed: u64,
    pub wall: Duration,
    pub rss_before_kib: u64,
    pub rss_after_kib: u64,
    pub peak_kib: u64,
}

#[derive(Clone)]
struct Frames {
    addr: SocketAddr,
    count: u64,
}

/// A server that answers the subscribe call and, on the socket, sends `Welcome`, `count`
/// offers and a last frame named `BenchDone`, then keepalives until the client leaves.
async fn start(count: u64) -> Result<SocketAddr, String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let app = Router::new()
        .route("/v1/notification/subscribe", post(subscribe))
        .route("/ws", get(socket))
        .with_state(Frames { addr, count });
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(addr)
}

async fn subscribe(State(frames): State<Frames>) -> impl IntoResponse {
    axum::Json(json!({
        "webSocketUrl": format!("ws://{}/ws", frames.addr),
        "subscriptionId": "00000000-0000-4000-8000-000000000000",
    }))
}

async fn socket(State(frames): State<Frames>, ws: WebSocketUpgrade) -> impl IntoResponse {
    ws.on_upgrade(move |socket| send(socket, frames.count))
}

async fn send(mut socket: WebSocket, count: u64) {
    let welcome = json!({"type": "Welcome", "data": {"agentId": "a1"}}).to_string();
    if socket.send(Message::Text(welcome.into())).await.is_err() {
        return;
    }
    for i in 0..count {
        let frame = json!({"type": "AgentOfferContact", "orgId": "o", "trackingId": format!("n{i}"),
            "data": {"type": "AgentOfferContact", "interactionId": format!("t{i}"), "agentId": "a1",
                     "interaction": {"mediaType": "telephony", "state": "new"}}});
        if socket
            .send(Message::Text(frame.to_string().into()))
            .await
            .is_err()
        {
            return;
        }
    }
    let done = json!({"type": "BenchDone", "data": {"type": "BenchDone"}}).to_string();
    let _ = socket.send(Message::Text(done.into())).await;
    let keepalive = json!({"keepalive": "true"}).to_string();
    loop {
        tokio::time::sleep(Duration::from_secs(4)).await;
        if socket
            .send(Message::Text(keepalive.clone().into()))
            .await
            .is_err()
        {
            return;
        }
    }
}

/// Streams `count` events to a consumer that spends `work` on every event.
pub async fn run(count: u64, work: Duration, buffer: usize) -> Result<Run, String> {
    let addr = start(count).await?;
    let client = Client::builder()
        .base_url(format!("http://{addr}"))
        .token_source(StaticToken::new("bench", "token"))
        .timeouts(Timeouts::none())
        .build()
        .map_err(|e| e.to_string())?;
    let (rss_before_kib, _) = memory_kib().unwrap_or((0, 0));
    let began = Instant::now();
    let mut events = client
        .notifications()
        .trust_loopback(true)
        .buffer(buffer)
        .connect()
        .await
        .map_err(|e| e.to_string())?;
    let (mut received, mut missed) = (0u64, 0u64);
    loop {
        let item = tokio::time::timeout(Duration::from_secs(60), events.next())
            .await
            .map_err(|_| "no item within 60 s".to_owned())?
            .ok_or("the stream ended")?
            .map_err(|e| e.to_string())?;
        match item {
            Notification::Event(event) if event.name() == "BenchDone" => break,
            Notification::Event(_) => {
                received += 1;
                if !work.is_zero() {
                    // A consumer doing real work: a busy wait, not a timer, so the delay does
                    // not depend on the timer's resolution.
                    let until = Instant::now() + work;
                    while Instant::now() < until {
                        std::hint::spin_loop();
                    }
                    tokio::task::yield_now().await;
                }
            }
            Notification::Lagged { missed: n } => missed += n,
            other => return Err(format!("unexpected {other:?}")),
        }
    }
    let wall = began.elapsed();
    let (rss_after_kib, peak_kib) = memory_kib().unwrap_or((0, 0));
    Ok(Run {
        events: received,
        missed,
        wall,
        rss_before_kib,
        rss_after_kib,
        peak_kib,
    })
}
