//! One notification websocket: `Welcome` first, then the hub's frames and the service's
//! keepalives; the connection is dropped when the client's keepalives stop for 16 seconds
//! (sessions registered with `isKeepAliveEnabled`), when a fault says so, or after the
//! multi-login notice.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::time::{Instant, sleep_until};

use super::RouterState;
use super::notifications::{Command, Connected, Hub, frame};
use crate::http::{Shape, errors};

/// How long the service waits for a client keepalive before dropping the socket (Cisco's
/// SDK: 16 seconds).
const CLIENT_SILENCE: Duration = Duration::from_secs(16);
/// How often the service sends its own keepalive (not documented; the client's interval).
const KEEPALIVE_EVERY: Duration = Duration::from_secs(4);

/// `GET /notifs/v1/{subscriptionId}`: the websocket of a registered session.
pub(super) async fn upgrade(
    State(wxcc): State<RouterState>,
    Path(id): Path<String>,
    ws: WebSocketUpgrade,
) -> Response {
    let hub = Arc::clone(&wxcc.state.notifications);
    let Some(connected) = hub.connect(&id) else {
        return errors::respond(
            Shape::Subscription,
            StatusCode::NOT_FOUND,
            None,
            "no registered session with that id, or it was used; subscribe again",
        );
    };
    let org = wxcc.state.data.org_id.clone();
    ws.on_upgrade(move |socket| async move {
        run(socket, connected, &org).await;
        hub.disconnected(&id);
    })
    .into_response()
}

fn is_keepalive(text: &str) -> bool {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v.get("keepalive").cloned())
        .is_some_and(|k| k == "true" || k == true)
}

async fn run(mut socket: WebSocket, session: Connected, org: &str) {
    let Connected {
        agent_id,
        keepalive,
        mut commands,
    } = session;
    let welcome = frame("Welcome", org, json!({ "agentId": agent_id })).to_string();
    if socket.send(Message::Text(welcome.into())).await.is_err() {
        return;
    }
    let keepalive_frame = json!({ "keepalive": "true" }).to_string();
    let mut heard_at = Instant::now();
    let mut next_keepalive = Instant::now() + KEEPALIVE_EVERY;
    let mut stalled = false;
    loop {
        tokio::select! {
            command = commands.recv() => match command {
                Some(Command::Frame(text)) => {
                    if !stalled && socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                Some(Command::Last(text)) => {
                    let _ = socket.send(Message::Text(text.into())).await;
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
                Some(Command::Stall) => stalled = true,
                // Dropping the socket closes the TCP connection without a close frame.
                Some(Command::Drop) | None => return,
            },
            message = socket.recv() => match message {
                Some(Ok(Message::Text(text))) => {
                    if is_keepalive(text.as_str()) {
                        heard_at = Instant::now();
                    }
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
            () = sleep_until(next_keepalive) => {
                next_keepalive += KEEPALIVE_EVERY;
                if !stalled
                    && socket.send(Message::Text(keepalive_frame.clone().into())).await.is_err()
                {
                    return;
                }
            }
            () = sleep_until(heard_at + CLIENT_SILENCE), if keepalive => {
                tracing::debug!(agent_id, "no keepalive for 16 s: dropping the socket");
                return;
            }
        }
    }
}

/// Drops the sockets of sessions whose socket path matches a fault's pattern.
pub(crate) fn drop_matching(hub: &Hub, matches: impl Fn(&str) -> bool) -> usize {
    hub.drop_sockets(|id| {
        matches(&super::notifications::SOCKET_PATH.replace("{subscriptionId}", id))
    })
}
