//! Webex Engage: the client-credentials token and the conversation state machine of
//! `specs/engage` (whose paths and bodies are the project's model of the Engage nodes).
//!
//! The service keeps the tenant's conversations; its token endpoint issues through the
//! identity layer, where the HTTP layer checks every conversation call.
//!
//! States: `queued` (created, reopened, transferred, or the last participant left) →
//! `active` (a participant was added) → `onhold` → `closed`; `reopen` brings a closed
//! conversation back to `queued` (never for live chat).

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use chrono::{DateTime, SecondsFormat, Utc};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::data::Dataset;
use crate::http::{self, AuthRules, Call, Fail, Handler, Reply, Route, Shape, errors};
use crate::identity::{Audience, ENGAGE_SCOPES, Identity};
use crate::sync::lock;

/// Engage tokens last one hour (or the sandbox's access token lifetime, if shorter).
const ENGAGE_TOKEN_LIFETIME: std::time::Duration = std::time::Duration::from_secs(3600);

/// The largest transcript page.
const MAX_TRANSCRIPT_PAGE: i64 = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Status {
    Queued,
    Active,
    Onhold,
    Closed,
}

const CHANNELS: [&str; 7] = [
    "sms",
    "messenger",
    "livechat",
    "email",
    "apple_business_chat",
    "whatsapp",
    "api",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Direction {
    Inbound,
    Outbound,
    Announcement,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum MessageType {
    Text,
    TextWithAttachments,
    Attachments,
    WabInteractiveResponse,
    WabButtons,
    WabList,
}

/// A message as stored and returned (the documented fields only).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Message {
    #[serde(skip_serializing_if = "Option::is_none")]
    alias_id: Option<String>,
    direction: Direction,
    #[serde(rename = "type")]
    kind: MessageType,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attachments: Option<Vec<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    redacted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attempt_gw_delivery: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    wab_interactive_response: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    wab_buttons: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    wab_list: Option<Value>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Customer {
    address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct CustomField {
    scope: String,
    key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
}

#[derive(Clone, Debug)]
struct Conversation {
    id: String,
    alias_id: Option<String>,
    channel: String,
    status: Status,
    team_id: Option<String>,
    user_id: Option<String>,
    participants: Vec<String>,
    customer: Customer,
    biz_address: String,
    context: Value,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    custom_fields: Vec<CustomField>,
    messages: Vec<Message>,
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Conversation {
    fn summary(&self) -> Value {
        let mut v = json!({
            "id": self.id,
            "channel": self.channel,
            "status": self.status,
            "updatedAt": time(self.updated_at),
        });
        if let Some(alias) = &self.alias_id {
            v["aliasId"] = json!(alias);
        }
        if let Some(team) = &self.team_id {
            v["teamId"] = json!(team);
        }
        if let Some(user) = &self.user_id {
            v["userId"] = json!(user);
        }
        v
    }

    fn full(&self) -> Value {
        let mut v = self.summary();
        v["customer"] = json!(self.customer);
        v["bizAddress"] = json!(self.biz_address);
        v["context"] = self.context.clone();
        v["createdAt"] = json!(time(self.created_at));
        v["customFields"] = json!(self.custom_fields);
        v
    }

    fn context(&self, key: &str) -> Option<&str> {
        self.context.get(key).and_then(Value::as_str)
    }

    fn touch(&mut self) {
        self.updated_at = Utc::now();
    }
}

/// What the Engage API reads and writes.
#[derive(Debug)]
pub(crate) struct EngageState {
    /// The seeded organization: the teams conversations queue for, the agents who join them.
    data: Arc<Dataset>,
    tenant: Mutex<Tenant>,
}

impl EngageState {
    pub(crate) fn new(data: Arc<Dataset>) -> EngageState {
        EngageState {
            data,
            tenant: Mutex::default(),
        }
    }
}

/// Every conversation of the tenant.
#[derive(Debug, Default)]
struct Tenant {
    conversations: Vec<Conversation>,
    /// How many conversations [`EngageState::seed_conversation`] created.
    seeded: usize,
}

impl Tenant {
    fn get_mut(&mut self, id: &str) -> Result<&mut Conversation, Fail> {
        self.conversations
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or_else(|| Fail::not_found(format!("no conversation `{id}`")))
    }
}

fn receipt() -> Reply {
    Reply::Json(
        StatusCode::ACCEPTED,
        json!({ "transId": uuid::Uuid::new_v4().to_string() }),
    )
}

/// Validates messages and fills in missing timestamps.
fn check_messages(messages: Vec<Message>, existing: &[Message]) -> Result<Vec<Message>, Fail> {
    let mut out = Vec::with_capacity(messages.len());
    for mut m in messages {
        if m.direction == Direction::Announcement && m.kind != MessageType::Text {
            return Err(Fail::bad("announcements must be of type `text`"));
        }
        let needs = match m.kind {
            MessageType::Text => m
                .text
                .as_deref()
                .is_none_or(str::is_empty)
                .then_some("text"),
            MessageType::TextWithAttachments => (m.text.as_deref().is_none_or(str::is_empty)
                || m.attachments.as_ref().is_none_or(Vec::is_empty))
            .then_some("text and attachments"),
            MessageType::Attachments => m
                .attachments
                .as_ref()
                .is_none_or(Vec::is_empty)
                .then_some("attachments"),
            MessageType::WabInteractiveResponse => m
                .wab_interactive_response
                .is_none()
                .then_some("wabInteractiveResponse"),
            MessageType::WabButtons => m.wab_buttons.is_none().then_some("wabButtons"),
            MessageType::WabList => m.wab_list.is_none().then_some("wabList"),
        };
        if let Some(field) = needs {
            return Err(Fail::bad(format!("a message of this type needs {field}")));
        }
        if m.attempt_gw_delivery.is_some() && m.direction != Direction::Outbound {
            return Err(Fail::bad(
                "attemptGwDelivery applies to outbound messages only",
            ));
        }
        match &m.timestamp {
            Some(ts) => {
                DateTime::parse_from_rfc3339(ts)
                    .map_err(|_| Fail::bad(format!("timestamp `{ts}` is not ISO-8601")))?;
            }
            None => m.timestamp = Some(time(Utc::now())),
        }
        if let Some(alias) = &m.alias_id {
            let taken = existing
                .iter()
                .chain(out.iter())
                .any(|e: &Message| e.alias_id.as_ref() == Some(alias));
            if taken {
                return Err(Fail::conflict(format!(
                    "a message with aliasId `{alias}` already exists"
                )));
            }
        }
        out.push(m);
    }
    Ok(out)
}

fn check_channel(channel: &str) -> Result<(), Fail> {
    if CHANNELS.contains(&channel) {
        Ok(())
    } else {
        Err(Fail::bad(format!(
            "channel `{channel}` is not one of {}",
            CHANNELS.join(", ")
        )))
    }
}

fn search(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
    let channel = call
        .query("channel")
        .ok_or_else(|| Fail::bad("`channel` is required"))?;
    check_channel(channel)?;
    let customer = call
        .query("customerAddress")
        .ok_or_else(|| Fail::bad("`customerAddress` is required"))?;
    let biz = call
        .query("bizAddress")
        .ok_or_else(|| Fail::bad("`bizAddress` is required"))?;
    let state = lock(&call.state.tenant);
    let in_reply_to = call.query("inReplyTo");
    let by_reply: Vec<&Conversation> = in_reply_to
        .map(|r| {
            state
                .conversations
                .iter()
                .filter(|c| c.channel == channel && c.context("inReplyTo") == Some(r))
                .collect()
        })
        .unwrap_or_default();
    let mut found: Vec<&Conversation> = if by_reply.is_empty() {
        state
            .conversations
            .iter()
            .filter(|c| {
                c.channel == channel && c.customer.address == customer && c.biz_address == biz
            })
            .filter(|c| {
                ["threadId", "userId", "subject"]
                    .iter()
                    .all(|k| call.query(k).is_none_or(|v| c.context(k) == Some(v)))
            })
            .collect()
    } else {
        by_reply
    };
    found.sort_by_key(|c| std::cmp::Reverse(c.updated_at));
    Ok(Reply::Json(
        StatusCode::OK,
        Value::Array(found.iter().map(|c| c.summary()).collect()),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateRequest {
    alias_id: Option<String>,
    channel: Option<String>,
    customer: Option<Customer>,
    biz_address: Option<String>,
    context: Option<Value>,
    messages: Option<Vec<Message>>,
    custom_fields: Option<Vec<CustomField>>,
}

fn check_custom_fields(fields: &[CustomField]) -> Result<(), Fail> {
    for field in fields {
        if !matches!(field.scope.as_str(), "Conversation" | "Profile") {
            return Err(Fail::bad(
                "custom field scope must be Conversation or Profile",
            ));
        }
        if field.key.is_empty() {
            return Err(Fail::bad("custom field key is required"));
        }
    }
    Ok(())
}

fn create(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
    let request: CreateRequest = call.json()?;
    let channel = request
        .channel
        .ok_or_else(|| Fail::bad("`channel` is required"))?;
    check_channel(&channel)?;
    let customer = request
        .customer
        .filter(|c| !c.address.is_empty())
        .ok_or_else(|| Fail::bad("`customer.address` is required"))?;
    let biz_address = request
        .biz_address
        .filter(|b| !b.is_empty())
        .ok_or_else(|| Fail::bad("`bizAddress` is required"))?;
    let context = request.context.unwrap_or_else(|| json!({}));
    if !context.is_object() {
        return Err(Fail::bad("`context` must be an object"));
    }
    let custom_fields = request.custom_fields.unwrap_or_default();
    check_custom_fields(&custom_fields)?;
    let messages = check_messages(request.messages.unwrap_or_default(), &[])?;
    let team = call.state.data.teams.first().map(|t| t.id.clone());
    let mut state = lock(&call.state.tenant);
    let open = state.conversations.iter().any(|c| {
        c.status != Status::Closed
            && c.channel == channel
            && c.customer.address == customer.address
            && c.biz_address == biz_address
    });
    if open {
        return Err(Fail::conflict(
            "the customer already has an open conversation with this business address",
        ));
    }
    let now = Utc::now();
    let id = uuid::Uuid::new_v4().simple().to_string();
    state.conversations.push(Conversation {
        id: id.clone(),
        alias_id: request.alias_id,
        channel,
        status: Status::Queued,
        team_id: team,
        user_id: None,
        participants: Vec::new(),
        customer,
        biz_address,
        context,
        created_at: now,
        updated_at: now,
        custom_fields,
        messages,
    });
    Ok(Reply::Json(
        StatusCode::ACCEPTED,
        json!({ "transId": uuid::Uuid::new_v4().to_string(), "conversationId": id }),
    ))
}

fn get(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
    let mut state = lock(&call.state.tenant);
    let conversation = state.get_mut(call.param("conversationId"))?;
    Ok(Reply::Json(StatusCode::OK, conversation.full()))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateRequest {
    alias_id: Option<String>,
    custom_fields: Option<Vec<CustomField>>,
}

fn update(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
    let request: UpdateRequest = call.json()?;
    if let Some(fields) = &request.custom_fields {
        check_custom_fields(fields)?;
    }
    let mut state = lock(&call.state.tenant);
    let c = state.get_mut(call.param("conversationId"))?;
    if c.status == Status::Closed {
        return Err(Fail::conflict("the conversation is closed"));
    }
    if let Some(alias) = request.alias_id {
        c.alias_id = Some(alias);
    }
    for field in request.custom_fields.unwrap_or_default() {
        match c
            .custom_fields
            .iter_mut()
            .find(|f| f.scope == field.scope && f.key == field.key)
        {
            Some(existing) => existing.value = field.value,
            None => c.custom_fields.push(field),
        }
    }
    c.touch();
    Ok(receipt())
}

/// Applies a state change to one conversation.
fn change(
    call: &Call<'_, EngageState>,
    f: impl FnOnce(&mut Conversation) -> Result<(), Fail>,
) -> Result<Reply, Fail> {
    let mut state = lock(&call.state.tenant);
    let c = state.get_mut(call.param("conversationId"))?;
    f(c)?;
    c.touch();
    Ok(receipt())
}

fn close(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
    change(call, |c| {
        if c.status == Status::Closed {
            return Err(Fail::conflict("the conversation is already closed"));
        }
        c.status = Status::Closed;
        c.participants.clear();
        Ok(())
    })
}

fn reopen(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
    change(call, |c| {
        if c.status != Status::Closed {
            return Err(Fail::conflict("only a closed conversation can be reopened"));
        }
        if c.channel == "livechat" {
            return Err(Fail::conflict(
                "live chat conversations are never reopened; create a new one",
            ));
        }
        c.status = Status::Queued;
        c.user_id = None;
        Ok(())
    })
}

fn hold(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
    change(call, |c| match c.status {
        Status::Closed => Err(Fail::conflict("the conversation is closed")),
        Status::Onhold => Err(Fail::conflict("the conversation is already on hold")),
        _ => {
            c.status = Status::Onhold;
            Ok(())
        }
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TransferRequest {
    queue_type: Option<String>,
    queue_id: Option<String>,
}

fn transfer(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
    let request: TransferRequest = call.json()?;
    let queue_type = request
        .queue_type
        .ok_or_else(|| Fail::bad("`queueType` is required"))?;
    let queue_id = request
        .queue_id
        .ok_or_else(|| Fail::bad("`queueId` is required"))?;
    let data = &call.state.data;
    let known = match queue_type.as_str() {
        "team" => data.teams.iter().any(|t| t.id == queue_id),
        "skill" => data.skills.iter().any(|s| s.id == queue_id),
        _ => return Err(Fail::bad("`queueType` must be team or skill")),
    };
    if !known {
        return Err(Fail::not_found(format!(
            "no {queue_type} queue `{queue_id}`"
        )));
    }
    change(call, |c| {
        if c.status == Status::Closed {
            return Err(Fail::conflict("the conversation is closed"));
        }
        if queue_type == "team"
            && c.status == Status::Queued
            && c.team_id.as_deref() == Some(&queue_id)
        {
            return Err(Fail::conflict(
                "the conversation already waits in that queue",
            ));
        }
        if queue_type == "team" {
            c.team_id = Some(queue_id.clone());
        }
        c.status = Status::Queued;
        c.participants.clear();
        c.user_id = None;
        Ok(())
    })
}

#[derive(Deserialize)]
struct AppendRequest {
    messages: Option<Vec<Message>>,
}

fn append(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
    let request: AppendRequest = call.json()?;
    let messages = request
        .messages
        .filter(|m| !m.is_empty())
        .ok_or_else(|| Fail::bad("`messages` must hold at least one message"))?;
    let mut state = lock(&call.state.tenant);
    let c = state.get_mut(call.param("conversationId"))?;
    if c.status == Status::Closed {
        return Err(Fail::conflict("the conversation is closed"));
    }
    let checked = check_messages(messages, &c.messages)?;
    c.messages.extend(checked);
    c.touch();
    Ok(receipt())
}

fn transcript(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
    let offset = call.query_i64("offset")?.unwrap_or(0);
    let limit = call.query_i64("limit")?.unwrap_or(10);
    if offset < 0 {
        return Err(Fail::bad("`offset` must be 0 or more"));
    }
    if !(1..=MAX_TRANSCRIPT_PAGE).contains(&limit) {
        return Err(Fail::bad("`limit` must be between 1 and 500"));
    }
    let mut state = lock(&call.state.tenant);
    let c = state.get_mut(call.param("conversationId"))?;
    let messages: Vec<&Message> = c
        .messages
        .iter()
        .skip(offset as usize)
        .take(limit as usize)
        .collect();
    Ok(Reply::Json(
        StatusCode::OK,
        json!({ "totalCount": c.messages.len(), "messages": messages }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ParticipantRequest {
    participant_id: Option<String>,
}

fn add_participant(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
    let request: ParticipantRequest = call.json()?;
    let agent = request
        .participant_id
        .filter(|p| !p.is_empty())
        .ok_or_else(|| Fail::bad("`participantId` is required"))?;
    if !call.state.data.agents.iter().any(|a| a.id == agent) {
        return Err(Fail::not_found(format!("no agent `{agent}`")));
    }
    change(call, |c| {
        if c.status == Status::Closed {
            return Err(Fail::conflict("the conversation is closed"));
        }
        if c.participants.contains(&agent) {
            return Err(Fail::conflict("the agent already takes part"));
        }
        c.participants.push(agent.clone());
        c.user_id = Some(agent.clone());
        c.status = Status::Active;
        Ok(())
    })
}

fn remove_participant(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
    let agent = call.param("participantId").to_owned();
    change(call, |c| {
        let Some(at) = c.participants.iter().position(|p| *p == agent) else {
            return Err(Fail::not_found(
                "the agent does not take part in the conversation",
            ));
        };
        c.participants.remove(at);
        c.user_id = c.participants.last().cloned();
        if c.participants.is_empty() && c.status == Status::Active {
            c.status = Status::Queued;
        }
        Ok(())
    })
}

const READ: &[&str] = &["conversations:read"];
const WRITE: &[&str] = &["conversations:write"];
const MESSAGES_READ: &[&str] = &["conversations-messages:read"];
const MESSAGES_WRITE: &[&str] = &["conversations-messages:write"];
const E: Shape = Shape::Engage;
const ONE: &str = "/conversations/{conversationId}";

/// What runs an Engage route.
type Op = Handler<EngageState>;

const fn route(
    method: &'static str,
    path: &'static str,
    scopes: &'static [&'static str],
    op: Op,
) -> Route<Op> {
    Route {
        method,
        path,
        scopes,
        shape: E,
        op,
    }
}

/// The conversation routes (relative to the Engage base).
static ROUTES: &[Route<Op>] = &[
    route("GET", "/conversations", READ, search),
    route("POST", "/conversations", WRITE, create),
    route("GET", ONE, READ, get),
    route("PATCH", ONE, WRITE, update),
    route(
        "POST",
        "/conversations/{conversationId}/close",
        WRITE,
        close,
    ),
    route(
        "POST",
        "/conversations/{conversationId}/reopen",
        WRITE,
        reopen,
    ),
    route("POST", "/conversations/{conversationId}/hold", WRITE, hold),
    route(
        "POST",
        "/conversations/{conversationId}/transfer",
        WRITE,
        transfer,
    ),
    route(
        "POST",
        "/conversations/{conversationId}/messages",
        MESSAGES_WRITE,
        append,
    ),
    route(
        "GET",
        "/conversations/{conversationId}/messages",
        MESSAGES_READ,
        transcript,
    ),
    route(
        "POST",
        "/conversations/{conversationId}/participants",
        WRITE,
        add_participant,
    ),
    route(
        "DELETE",
        "/conversations/{conversationId}/participants/{participantId}",
        WRITE,
        remove_participant,
    ),
];

/// Every route as (method, path template, scopes).
pub(crate) fn served() -> impl Iterator<Item = (&'static str, String, &'static [&'static str])> {
    ROUTES
        .iter()
        .map(|route| (route.method, route.path.to_owned(), route.scopes))
}

const RULES: AuthRules = AuthRules {
    malformed: StatusCode::UNAUTHORIZED,
    audience: |a| matches!(a, Audience::Engage { .. }),
};

/// What the Engage routes reach: the identity layer (tokens, admission) and the API's state.
#[derive(Clone)]
struct RouterState {
    identity: Arc<Identity>,
    state: Arc<EngageState>,
}

/// The Engage routes, under `/engage/api/v1`.
pub(crate) fn router(identity: Arc<Identity>, state: Arc<EngageState>) -> Router {
    Router::new()
        .route("/engage/api/v1/oauth/token", post(token))
        .route("/engage/api/v1/{*rest}", any(dispatch))
        .with_state(RouterState { identity, state })
}

/// `{engage_base}/**`.
async fn dispatch(
    State(engage): State<RouterState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let full = uri.path();
    let path = full.strip_prefix("/engage/api/v1").unwrap_or(full);
    let (route, params) = match http::find(ROUTES, method.as_str(), path) {
        Ok(found) => found,
        Err(status) => {
            return errors::respond(E, status, None, &format!("no operation {method} {path}"));
        }
    };
    let grant = match http::admit(&engage.identity, route, &headers, &RULES) {
        Ok(grant) => grant,
        Err(response) => return *response,
    };
    let call = Call {
        state: &*engage.state,
        params,
        query: http::query_pairs(&uri),
        body: &body,
        grant,
    };
    http::render((route.op)(&call), E, &headers)
}

fn token_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(json!({
            "error": error,
            "error_description": description,
            "code": status.as_u16(),
            "description": description,
            "transId": uuid::Uuid::new_v4().to_string(),
        })),
    )
        .into_response()
}

/// `POST {engage_base}/oauth/token`: client credentials (tenant id and secret).
async fn token(
    State(engage): State<RouterState>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        );
    };
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let (Some(id), Some(secret), Some(grant_type)) = (
        field("client_id"),
        field("client_secret"),
        field("grant_type"),
    ) else {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_id, client_secret and grant_type are required",
        );
    };
    if grant_type != "client_credentials" {
        return token_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "only client_credentials is supported",
        );
    }
    let tenant = engage.identity.credentials().engage;
    if id != tenant.tenant_id || secret != tenant.tenant_secret.expose_secret() {
        return token_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "the client id or secret is wrong, or was rotated",
        );
    }
    let lifetime = engage
        .identity
        .settings()
        .access_lifetime
        .min(ENGAGE_TOKEN_LIFETIME);
    let generation = engage.identity.engage_generation();
    let scopes: Vec<String> = ENGAGE_SCOPES.iter().map(|s| (*s).to_owned()).collect();
    let token = engage.identity.issue_access(
        id,
        scopes.clone(),
        Audience::Engage { generation },
        id,
        lifetime,
    );
    (
        StatusCode::OK,
        axum::Json(json!({
            "access_token": token,
            "expires_in": lifetime.as_secs(),
            "token_type": "Bearer",
            "scope": scopes,
        })),
    )
        .into_response()
}

/// An Engage conversation created by [`crate::Sandbox::seed_conversation`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeededConversation {
    /// The conversation id.
    pub id: String,
    /// The channel (`api`).
    pub channel: String,
    /// The customer address.
    pub customer_address: String,
    /// The business address.
    pub biz_address: String,
    /// How many messages it holds.
    pub messages: usize,
}

impl EngageState {
    /// Creates a queued `api` conversation with `count` messages.
    pub(crate) fn seed_conversation(&self, count: usize) -> SeededConversation {
        let mut state = lock(&self.tenant);
        state.seeded += 1;
        let n = state.seeded;
        let now = Utc::now();
        let start = now - chrono::TimeDelta::seconds(count as i64);
        let messages = (0..count)
            .map(|i| Message {
                alias_id: Some(format!("seed-{n}-{}", i + 1)),
                direction: if i % 2 == 0 {
                    Direction::Inbound
                } else {
                    Direction::Outbound
                },
                kind: MessageType::Text,
                text: Some(format!("Message {} of {count}", i + 1)),
                attachments: None,
                timestamp: Some(time(start + chrono::TimeDelta::seconds(i as i64))),
                redacted: None,
                attempt_gw_delivery: None,
                wab_interactive_response: None,
                wab_buttons: None,
                wab_list: None,
            })
            .collect();
        let seeded = SeededConversation {
            id: uuid::Uuid::new_v4().simple().to_string(),
            channel: "api".to_owned(),
            customer_address: format!("sandbox-user-{n}"),
            biz_address: "sandbox-business".to_owned(),
            messages: count,
        };
        state.conversations.push(Conversation {
            id: seeded.id.clone(),
            alias_id: Some(format!("seeded-{n}")),
            channel: seeded.channel.clone(),
            status: Status::Queued,
            team_id: self.data.teams.first().map(|t| t.id.clone()),
            user_id: None,
            participants: Vec::new(),
            customer: Customer {
                address: seeded.customer_address.clone(),
                name: Some(format!("Seeded Customer {n}")),
            },
            biz_address: seeded.biz_address.clone(),
            context: json!({}),
            created_at: start,
            updated_at: now,
            custom_fields: Vec::new(),
            messages,
        });
        seeded
    }
}
