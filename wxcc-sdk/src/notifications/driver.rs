//! The task that owns a notification socket: subscribe, connect, keep alive, notice silence,
//! reconnect, and hand each frame to the stream through a bounded broadcast buffer (which drops
//! the oldest items for a slow consumer and tells it how many).

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio::sync::{broadcast, oneshot};
use tokio::time::{Instant, sleep, sleep_until, timeout};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use wxcc_api::operations as ops;
use wxcc_auth::Call;

use super::trust::Trust;
use super::{Notification, NotificationError, Notifications};
use crate::Client;
use crate::events::{AgentEvent, Event, EventKind};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;
type Item = Result<Notification, NotificationError>;

/// The keepalive both sides send.
const KEEPALIVE: &str = r#"{"keepalive":"true"}"#;
/// How long the service has to say `Welcome` (Cisco's SDK waits 30 s).
const WELCOME_WITHIN: Duration = Duration::from_secs(30);

/// The subscribe body (`AgentNotificationSubscribeRequest`).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Subscribe {
    pub force: bool,
    /// Always on: this client sends keepalives, and the service then watches for them.
    pub is_keep_alive_enabled: bool,
    pub client_type: String,
    pub allow_multi_login: bool,
}

/// The subscribe answer. `subscriptionId` is read as text: nothing here needs it as a UUID,
/// and a stricter type would turn a harmless format change into a failure.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Subscribed {
    web_socket_url: String,
}

/// Everything the driver is told by the builder.
#[derive(Clone, Debug)]
pub(super) struct Settings {
    pub subscribe: Subscribe,
    pub trust: Trust,
    pub buffer: usize,
    pub keepalive_every: Duration,
    pub silence_limit: Duration,
    pub backoff_initial: Duration,
    pub backoff_max: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            subscribe: Subscribe {
                force: false,
                is_keep_alive_enabled: true,
                client_type: "wxcc-sdk-rust".to_owned(),
                allow_multi_login: false,
            },
            trust: Trust::default(),
            buffer: 1024,
            keepalive_every: Duration::from_secs(4),
            silence_limit: Duration::from_secs(8),
            backoff_initial: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
        }
    }
}

/// Why opening a session failed: worth another attempt, or not.
enum OpenError {
    Retry(String),
    Fatal(NotificationError),
}

impl OpenError {
    fn into_error(self) -> NotificationError {
        match self {
            OpenError::Retry(reason) => NotificationError::Connect { reason },
            OpenError::Fatal(error) => error,
        }
    }
}

/// The first session, then the task that keeps it.
pub(super) async fn start(
    client: Client,
    settings: Settings,
) -> Result<Notifications, NotificationError> {
    let (socket, agent_id) = open(&client, &settings)
        .await
        .map_err(OpenError::into_error)?;
    let (tx, rx) = broadcast::channel(settings.buffer);
    let (stop_tx, stop_rx) = oneshot::channel();
    tokio::spawn(drive(client, settings, socket, tx, stop_rx));
    let items = futures_util::stream::unfold(rx, |mut rx| async move {
        match rx.recv().await {
            Ok(item) => Some((item, rx)),
            Err(broadcast::error::RecvError::Lagged(missed)) => {
                Some((Ok(Notification::Lagged { missed }), rx))
            }
            Err(broadcast::error::RecvError::Closed) => None,
        }
    });
    Ok(Notifications {
        items: Box::pin(items),
        agent_id,
        _stop: stop_tx,
    })
}

/// Subscribes, checks the URL, connects, sends the first keepalive and waits for `Welcome`.
async fn open(client: &Client, settings: &Settings) -> Result<(Socket, Option<String>), OpenError> {
    let call = Call::new(&ops::SUBSCRIBE_AGENT_NOTIFICATIONS).json(&settings.subscribe);
    let subscribed: Subscribed = client.call(call).await.map_err(|error| {
        // Server trouble and rate limits pass; a refusal (401 after a fresh token, 403, 400)
        // would be refused again.
        if error.is_retryable() || error.status().is_some_and(|s| s >= 500) {
            OpenError::Retry(error.to_string())
        } else {
            OpenError::Fatal(NotificationError::Subscribe(Arc::new(error)))
        }
    })?;
    let url = settings
        .trust
        .check(&subscribed.web_socket_url)
        .map_err(OpenError::Fatal)?;
    let host = url.host_str().unwrap_or_default().to_owned();
    let handshake = async {
        let (mut socket, _) = tokio_tungstenite::connect_async(url.as_str())
            .await
            .map_err(|e| format!("cannot open the socket on {host}: {e}"))?;
        socket
            .send(Message::text(KEEPALIVE))
            .await
            .map_err(|e| format!("the socket on {host} failed: {e}"))?;
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => {
                    let frame: Value = serde_json::from_str(text.as_str()).unwrap_or_default();
                    if frame.get("type").and_then(Value::as_str) == Some("Welcome") {
                        let agent = frame
                            .pointer("/data/agentId")
                            .and_then(Value::as_str)
                            .map(str::to_owned);
                        return Ok((socket, agent));
                    }
                }
                Some(Ok(Message::Close(_))) | None => {
                    return Err(format!("the socket on {host} closed before Welcome"));
                }
                Some(Err(e)) => return Err(format!("the socket on {host} failed: {e}")),
                Some(Ok(_)) => {}
            }
        }
    };
    match timeout(WELCOME_WITHIN, handshake).await {
        Ok(Ok(opened)) => {
            tracing::debug!(%host, "notification socket open");
            Ok(opened)
        }
        Ok(Err(reason)) => Err(OpenError::Retry(reason)),
        Err(_) => Err(OpenError::Retry(format!(
            "the socket on {host} sent no Welcome within {WELCOME_WITHIN:?}"
        ))),
    }
}

/// How a session ended.
enum Ended {
    /// The stream was dropped.
    Stopped,
    /// `AGENT_MULTI_LOGIN`.
    TakenOver,
    /// Closed, failed or silent; nothing was heard since `since`.
    Lost { reason: String, since: Instant },
}

/// Keeps sessions going until the stream is dropped or a session cannot come back.
async fn drive(
    client: Client,
    settings: Settings,
    mut socket: Socket,
    tx: broadcast::Sender<Item>,
    mut stop: oneshot::Receiver<()>,
) {
    loop {
        match session(&mut socket, &tx, &settings, &mut stop).await {
            Ended::Stopped => {
                // Best effort: a peer that does not answer the close must not keep the task.
                let _ = timeout(Duration::from_secs(1), socket.close(None)).await;
                return;
            }
            Ended::TakenOver => {
                let _ = tx.send(Err(NotificationError::MultiLogin));
                return;
            }
            Ended::Lost { reason, since } => {
                tracing::warn!(%reason, "notification socket lost; reconnecting");
                // A silent socket may still be open: close it so the service can let it go.
                let _ = timeout(Duration::from_millis(200), socket.close(None)).await;
                if tx.send(Ok(Notification::Disconnected { reason })).is_err() {
                    return;
                }
                let mut attempt = 0u32;
                socket = loop {
                    attempt = attempt.saturating_add(1);
                    let wait = wxcc_auth::runtime::jittered_backoff(
                        settings.backoff_initial,
                        settings.backoff_max,
                        attempt,
                    );
                    let opened = tokio::select! {
                        _ = &mut stop => return,
                        opened = async {
                            sleep(wait).await;
                            open(&client, &settings).await
                        } => opened,
                    };
                    match opened {
                        Ok((socket, _)) => break socket,
                        Err(OpenError::Retry(reason)) => {
                            tracing::warn!(attempt, %reason, "reconnecting the notification socket failed");
                        }
                        Err(OpenError::Fatal(error)) => {
                            let _ = tx.send(Err(error));
                            return;
                        }
                    }
                };
                let missed_for = since.elapsed();
                if tx
                    .send(Ok(Notification::Reconnected { missed_for }))
                    .is_err()
                {
                    return;
                }
            }
        }
    }
}

/// One connected session: frames in, keepalives out, until it ends.
async fn session(
    socket: &mut Socket,
    tx: &broadcast::Sender<Item>,
    settings: &Settings,
    stop: &mut oneshot::Receiver<()>,
) -> Ended {
    let mut heard_at = Instant::now();
    let mut next_keepalive = Instant::now() + settings.keepalive_every;
    loop {
        tokio::select! {
            biased;
            _ = &mut *stop => return Ended::Stopped,
            message = socket.next() => {
                let lost = |reason: String| Ended::Lost { reason, since: heard_at };
                let text = match message {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Close(_))) | None => {
                        return lost("the service closed the socket".into());
                    }
                    Some(Err(e)) => return lost(format!("the socket failed: {e}")),
                    Some(Ok(_)) => {
                        heard_at = Instant::now();
                        continue;
                    }
                };
                heard_at = Instant::now();
                let Some(event) = decode(text.as_str()) else { continue };
                if matches!(event.kind, EventKind::Agent(AgentEvent::MultiLogin(_))) {
                    return Ended::TakenOver;
                }
                if tx.send(Ok(Notification::Event(event))).is_err() {
                    return Ended::Stopped;
                }
            }
            () = sleep_until(next_keepalive) => {
                next_keepalive = Instant::now() + settings.keepalive_every;
                if let Err(e) = socket.send(Message::text(KEEPALIVE)).await {
                    let reason = format!("sending a keepalive failed: {e}");
                    return Ended::Lost { reason, since: heard_at };
                }
            }
            () = sleep_until(heard_at + settings.silence_limit) => {
                let reason = format!("nothing heard for {:?}", settings.silence_limit);
                return Ended::Lost { reason, since: heard_at };
            }
        }
    }
}

/// The event in a text frame; `None` for keepalives and `Welcome`. A frame that is not JSON
/// still becomes an (unknown) event, so nothing the service sends is lost silently.
fn decode(text: &str) -> Option<Event> {
    let frame: Value = match serde_json::from_str(text) {
        Ok(frame) => frame,
        Err(_) => Value::String(text.to_owned()),
    };
    let keepalive = frame
        .get("keepalive")
        .is_some_and(|k| k == "true" || k == true);
    let welcome = frame.get("type").and_then(Value::as_str) == Some("Welcome");
    (!keepalive && !welcome).then(|| Event::from_notification(&frame))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keepalives_and_welcome_are_not_events() {
        assert!(decode(KEEPALIVE).is_none());
        assert!(decode(r#"{"type":"Welcome","data":{"agentId":"a"}}"#).is_none());
        assert!(decode("not json").is_some());
        assert!(decode(r#"{"data":{"type":"ContactEnded","interactionId":"t"}}"#).is_some());
    }
}
