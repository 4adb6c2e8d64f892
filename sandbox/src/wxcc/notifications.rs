//! The agent notification service: `POST /v1/notification/subscribe` registers a websocket
//! session, the socket (`socket.rs`) carries its frames, and the hub here decides who hears
//! what. Events come from the sandbox's own state: a task created through `POST /v1/tasks` is
//! offered, assigned, ended and wrapped up; `PUT /v1/agents/session/state` changes the state.
//!
//! Facts (from Cisco's spec and `@webex/contact-center` SDK): the subscribe body
//! (`force`, `isKeepAliveEnabled`, `clientType`, `allowMultiLogin`) and answer (`webSocketUrl`,
//! `subscriptionId`); the first frame is `{"type": "Welcome", "data": {"agentId"}}`; both sides
//! send `{"keepalive": "true"}`, the client about every 4 seconds, and the service drops a
//! socket after 16 seconds without one; frames are `{type, orgId, trackingId, data}` with the
//! event's name in `data.type`; another session of the same user without multi-login ends the
//! older one with `AGENT_MULTI_LOGIN`. Not documented, so the sandbox's own choices: the socket
//! path, how often the service itself sends keepalives (4 s here), the top-level `type` of
//! task frames (the data's name repeated), the contents of `AGENT_MULTI_LOGIN`'s data (`{}`),
//! how the service closes a socket (the sandbox drops the connection), session limits and
//! `force` (not modeled), and the pace of a task's lifecycle (below).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::WxccState;
use super::deliveries::Outbox;
use crate::data::now_ms;
use crate::http::{Call, Fail, Reply};
use crate::sync::lock;

/// How long a task rings before the agent answers, talks, and wraps up in the sandbox.
const RINGING: Duration = Duration::from_secs(2);
const TALKING: Duration = Duration::from_secs(5);
const WRAPPING_UP: Duration = Duration::from_secs(2);

/// What the hub tells one socket.
#[derive(Debug)]
pub(crate) enum Command {
    /// Send this text frame.
    Frame(String),
    /// Send this text frame, then end the session.
    Last(String),
    /// End the connection at once, without a close frame (a network fault).
    Drop,
    /// Stop sending anything, keepalives included, but keep the connection open.
    Stall,
}

/// A registered session, connected or not yet.
#[derive(Debug)]
struct Session {
    agent_id: String,
    user: String,
    client_type: String,
    keepalive: bool,
    /// The socket's command channel once connected.
    socket: Option<mpsc::UnboundedSender<Command>>,
    /// Whether a socket has ever connected: a URL is good for one connection, as a client
    /// reconnecting subscribes again.
    used: bool,
}

/// Who is registered and connected.
#[derive(Debug, Default)]
pub(crate) struct Hub {
    sessions: Mutex<HashMap<String, Session>>,
}

/// What a socket needs to know about its session when it connects.
#[derive(Debug)]
pub(crate) struct Connected {
    pub agent_id: String,
    pub keepalive: bool,
    pub commands: mpsc::UnboundedReceiver<Command>,
}

impl Hub {
    /// Claims a registered, unused session for a socket.
    pub(crate) fn connect(&self, id: &str) -> Option<Connected> {
        let mut sessions = lock(&self.sessions);
        let session = sessions.get_mut(id).filter(|s| !s.used)?;
        let (tx, rx) = mpsc::unbounded_channel();
        session.used = true;
        session.socket = Some(tx);
        Some(Connected {
            agent_id: session.agent_id.clone(),
            keepalive: session.keepalive,
            commands: rx,
        })
    }

    /// Forgets a session whose socket closed.
    pub(crate) fn disconnected(&self, id: &str) {
        lock(&self.sessions).remove(id);
    }

    /// Sends a command to every open socket whose session passes `filter`; returns how many.
    fn each(
        &self,
        filter: impl Fn(&str, &Session) -> bool,
        command: impl Fn() -> Command,
    ) -> usize {
        lock(&self.sessions)
            .iter()
            .filter(|(id, s)| filter(id, s))
            .filter_map(|(_, s)| s.socket.as_ref())
            .filter(|tx| tx.send(command()).is_ok())
            .count()
    }

    /// Sends a frame to every open socket of an agent.
    fn publish(&self, agent_id: &str, frame: &Value) -> usize {
        let text = frame.to_string();
        self.each(
            |_, s| s.agent_id == agent_id,
            || Command::Frame(text.clone()),
        )
    }

    /// Drops every open socket whose id passes `filter` (a fault); returns how many.
    pub(crate) fn drop_sockets(&self, filter: impl Fn(&str) -> bool) -> usize {
        self.each(|id, _| filter(id), || Command::Drop)
    }

    /// Silences every open socket; returns how many.
    pub(crate) fn stall_sockets(&self) -> usize {
        self.each(|_, _| true, || Command::Stall)
    }

    /// How many sockets are open.
    pub(crate) fn open_sockets(&self) -> usize {
        lock(&self.sessions)
            .values()
            .filter(|s| s.socket.as_ref().is_some_and(|tx| !tx.is_closed()))
            .count()
    }

    /// The agent of the first open socket, to offer a new task to.
    fn available_agent(&self) -> Option<String> {
        lock(&self.sessions)
            .values()
            .find(|s| s.socket.as_ref().is_some_and(|tx| !tx.is_closed()))
            .map(|s| s.agent_id.clone())
    }
}

/// The socket path of a session (the sandbox's own; Cisco documents only a `wss://` URL).
pub(crate) const SOCKET_PATH: &str = "/notifs/v1/{subscriptionId}";

/// A frame in the service's shape.
pub(crate) fn frame(kind: &str, org_id: &str, data: Value) -> Value {
    json!({
        "type": kind,
        "orgId": org_id,
        "trackingId": format!("notifs_{}", uuid::Uuid::new_v4()),
        "data": data,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Subscribe {
    #[serde(default)]
    is_keep_alive_enabled: bool,
    client_type: Option<String>,
    #[serde(default)]
    allow_multi_login: bool,
    /// Accepted; session limits are not modeled, so there is nothing to force.
    #[serde(default)]
    #[allow(dead_code)]
    force: bool,
}

/// The agent a token's user is: the seeded agent with that email, else the first agent.
fn agent_of(call: &Call<'_, WxccState>) -> String {
    let agents = &call.state.data.agents;
    agents
        .iter()
        .find(|a| a.email.eq_ignore_ascii_case(&call.grant.subject))
        .or_else(|| agents.first())
        .map(|a| a.id.clone())
        .unwrap_or_default()
}

/// `POST /v1/notification/subscribe`.
pub(super) fn subscribe(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
    let body: Subscribe = if call.body.iter().all(u8::is_ascii_whitespace) {
        Subscribe {
            is_keep_alive_enabled: false,
            client_type: None,
            allow_multi_login: false,
            force: false,
        }
    } else {
        call.json()?
    };
    if body
        .client_type
        .as_ref()
        .is_some_and(|c| c.chars().count() > 20)
    {
        return Err(Fail::bad("`clientType` is longer than 20 characters"));
    }
    if body.allow_multi_login && body.client_type.is_none() {
        return Err(Fail::bad("`allowMultiLogin` needs a `clientType`"));
    }
    let client_type = body
        .client_type
        .unwrap_or_else(|| "DefaultClient".to_owned());
    let agent_id = agent_of(call);
    let user = call.grant.subject.clone();
    let id = uuid::Uuid::new_v4().to_string();
    let hub = &call.state.notifications;
    let mut sessions = lock(&hub.sessions);
    if !body.allow_multi_login {
        // The newer session wins: the older ones hear why they end.
        let notice = frame("AGENT_MULTI_LOGIN", &call.state.data.org_id, json!({})).to_string();
        sessions.retain(|_, s| {
            let same = s.user == user && s.client_type == client_type;
            if same && let Some(tx) = &s.socket {
                let _ = tx.send(Command::Last(notice.clone()));
            }
            !same
        });
    }
    sessions.insert(
        id.clone(),
        Session {
            agent_id,
            user,
            client_type,
            keepalive: body.is_keep_alive_enabled,
            socket: None,
            used: false,
        },
    );
    let ws_base = call.state.base.replacen("http", "ws", 1);
    let url = format!("{ws_base}{}", SOCKET_PATH.replace("{subscriptionId}", &id));
    Ok(Reply::Json(
        StatusCode::OK,
        json!({ "webSocketUrl": url, "subscriptionId": id }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StateChange {
    state: Option<String>,
    aux_code_id: Option<String>,
    last_state_change_reason: Option<String>,
    agent_id: Option<String>,
}

/// `PUT /v1/agents/session/state`: accepted, with the outcome over the agent's sockets.
pub(super) fn set_agent_state(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
    let body: StateChange = call.json()?;
    let state = body.state.ok_or_else(|| Fail::bad("`state` is required"))?;
    if !matches!(state.as_str(), "Available" | "Idle") {
        return Err(Fail::bad("`state` must be Available or Idle"));
    }
    let aux = body
        .aux_code_id
        .ok_or_else(|| Fail::bad("`auxCodeId` is required"))?;
    if aux.chars().count() > 36 {
        return Err(Fail::bad("`auxCodeId` is longer than 36 characters"));
    }
    let reason = body.last_state_change_reason.unwrap_or_default();
    if reason.chars().count() > 128 {
        return Err(Fail::bad(
            "`lastStateChangeReason` is longer than 128 characters",
        ));
    }
    let agent_id = body.agent_id.unwrap_or_else(|| agent_of(call));
    let org = &call.state.data.org_id;
    let now = now_ms();
    // The fields of Cisco's `AgentStateChangeSuccess`, as far as the sandbox knows them.
    let data = json!({
        "eventType": "AgentDesktopMessage",
        "type": "AgentStateChangeSuccess",
        "agentId": agent_id,
        "orgId": org,
        "auxCodeId": aux,
        "status": "LoggedIn",
        "subStatus": state,
        "lastIdleCodeChangeTimestamp": now,
        "lastStateChangeTimestamp": now,
        "lastStateChangeReason": reason,
        "changedBy": null,
        "changedById": null,
        "changedByName": null,
    });
    call.state
        .notifications
        .publish(&agent_id, &frame("AgentStateChange", org, data.clone()));
    call.state.outbox.emit("agent:state_change", data);
    Ok(Reply::Empty(StatusCode::ACCEPTED))
}

/// A task created through the API: offered to the agent of an open socket (if any), answered,
/// ended and wrapped up at the sandbox's pace, each step a frame on that agent's sockets.
pub(super) fn task_created(
    hub: &Arc<Hub>,
    outbox: &Arc<Outbox>,
    org_id: &str,
    task_id: &str,
    media_type: &str,
) {
    let Some(agent_id) = hub.available_agent() else {
        return;
    };
    let hub = Arc::clone(hub);
    let outbox = Arc::clone(outbox);
    let (org, task, media) = (org_id.to_owned(), task_id.to_owned(), media_type.to_owned());
    tokio::spawn(async move {
        let send = |name: &str, extra: Value| {
            let mut data = json!({
                "type": name,
                "interactionId": task,
                "agentId": agent_id,
                "orgId": org,
                "interaction": { "mediaType": media },
            });
            if let (Value::Object(data), Value::Object(extra)) = (&mut data, extra) {
                data.extend(extra);
            }
            hub.publish(&agent_id, &frame(name, &org, data));
        };
        let offered = json!({ "interaction": { "mediaType": media, "state": "new" } });
        send("AgentOfferContact", offered);
        tokio::time::sleep(RINGING).await;
        send("AgentContactAssigned", json!({}));
        let webhook = json!({ "taskId": task, "agentId": agent_id });
        outbox.emit("task:connected", webhook.clone());
        tokio::time::sleep(TALKING).await;
        send("ContactEnded", json!({ "agentsPendingWrapUp": [agent_id] }));
        outbox.emit("task:ended", webhook);
        send("AgentWrapup", json!({}));
        tokio::time::sleep(WRAPPING_UP).await;
        send("AgentWrappedUp", json!({}));
    });
}
