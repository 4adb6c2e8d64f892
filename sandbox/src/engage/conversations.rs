//! Reading and writing conversations: search, create, get, update, and the messages
//! (append, transcript pages).

use axum::http::StatusCode;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};

use super::conversation::{
    Conversation, CustomField, Customer, Message, Status, check_channel, check_custom_fields,
    check_messages,
};
use super::{EngageState, receipt};
use crate::http::{Call, Fail, Reply};
use crate::sync::lock;

/// The largest transcript page.
const MAX_TRANSCRIPT_PAGE: i64 = 500;

pub(super) fn search(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
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

pub(super) fn create(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
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

pub(super) fn get(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
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

pub(super) fn update(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
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

#[derive(Deserialize)]
struct AppendRequest {
    messages: Option<Vec<Message>>,
}

pub(super) fn append(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
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

pub(super) fn transcript(call: &Call<'_, EngageState>) -> Result<Reply, Fail> {
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
