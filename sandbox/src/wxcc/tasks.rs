//! `POST /v1/tasks` (a new task, checked as the service checks it and searchable afterwards)
//! and `GET /v1/tasks` (tasks by creation time and channel).

use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{WxccState, meta, with_tasks};
use crate::data::{Channel, Task, TaskState, Termination, now_ms};
use crate::http::{Call, Fail, Reply};
use crate::sync::lock;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateTask {
    destination: Option<String>,
    entry_point_id: Option<String>,
    media_type: Option<String>,
    outbound_type: Option<String>,
    origin: Option<String>,
    attributes: Option<Map<String, Value>>,
    callback: Option<Value>,
    custom_attributes: Option<Map<String, Value>>,
}

/// `POST /v1/tasks`.
pub(super) fn create_task(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
    let request: CreateTask = call.json()?;
    let destination = request
        .destination
        .filter(|d| !d.is_empty())
        .ok_or_else(|| Fail::bad("`destination` is required"))?;
    if destination.len() > 36 {
        return Err(Fail::bad("`destination` is longer than 36 characters"));
    }
    let entry_point_id = request
        .entry_point_id
        .ok_or_else(|| Fail::bad("`entryPointId` is required"))?;
    let data = &call.state.data;
    let entry_point = data
        .entry_points
        .iter()
        .position(|e| e.id == entry_point_id)
        .ok_or_else(|| Fail::bad(format!("entry point `{entry_point_id}` was not found")))?;
    match request.media_type.as_deref() {
        Some("telephony") => {}
        Some(other) => {
            return Err(Fail::bad(format!(
                "mediaType `{other}` is not supported; use telephony"
            )));
        }
        None => return Err(Fail::bad("`mediaType` is required")),
    }
    let outbound_type = request.outbound_type.as_deref();
    if let Some(kind) = outbound_type
        && !matches!(kind, "CALLBACK" | "OUTDIAL" | "EXECUTE_FLOW")
    {
        return Err(Fail::bad(format!(
            "outboundType `{kind}` is not one of CALLBACK, OUTDIAL, EXECUTE_FLOW"
        )));
    }
    if matches!(outbound_type, Some("OUTDIAL" | "EXECUTE_FLOW"))
        && request.origin.as_deref().is_none_or(str::is_empty)
    {
        return Err(Fail::bad(
            "`origin` is required for OUTDIAL and EXECUTE_FLOW",
        ));
    }
    if outbound_type == Some("CALLBACK") {
        let callback = request
            .callback
            .as_ref()
            .ok_or_else(|| Fail::bad("`callback` is required for CALLBACK"))?;
        for field in ["callbackOrigin", "callbackType"] {
            if callback.get(field).and_then(Value::as_str).is_none() {
                return Err(Fail::bad(format!("`callback.{field}` is required")));
            }
        }
    }
    if let Some(attributes) = &request.attributes {
        if attributes.len() > 30 {
            return Err(Fail::bad("at most 30 attributes"));
        }
        for (key, value) in attributes {
            let size = match value {
                Value::String(s) => s.len(),
                other => other.to_string().len(),
            };
            if key.len() > 200 || size > 1024 {
                return Err(Fail::bad(format!(
                    "attribute `{key}` is too long (keys 200 bytes, values 1024 bytes)"
                )));
            }
        }
    }
    if let Some(custom) = &request.custom_attributes {
        let size: usize = custom
            .iter()
            .map(|(k, v)| k.len() + v.to_string().len())
            .sum();
        if custom.len() > 20 || size > 1100 {
            return Err(Fail::bad(
                "at most 20 custom attributes of 1100 bytes in all",
            ));
        }
    }
    let id = uuid::Uuid::new_v4().to_string();
    let origin = request.origin.unwrap_or_else(|| {
        data.entry_points
            .get(entry_point)
            .map(|e| e.address.to_owned())
            .unwrap_or_default()
    });
    let customer = data
        .customers
        .iter()
        .position(|c| c.phone == destination)
        .unwrap_or(1) as u32;
    let task = Task {
        id: id.clone(),
        created: now_ms(),
        ended: None,
        channel: Channel::Telephony,
        outbound: outbound_type.is_some(),
        customer,
        entry_point: entry_point as u8,
        queue: None,
        prev_queue: None,
        agent: None,
        prev_agent: None,
        state: TaskState::Created,
        termination: Termination::Normal,
        selfservice_ms: 0,
        queue_ms: 0,
        ringing_ms: 0,
        connected_ms: 0,
        hold_ms: 0,
        wrapup_ms: 0,
        consult_ms: 0,
        conference_ms: 0,
        hold_count: 0,
        transfer_count: 0,
        blind_transfer_count: 0,
        consult_count: 0,
        conference_count: 0,
        is_callback: outbound_type == Some("CALLBACK"),
        is_campaign: false,
        capture: false,
        csat: None,
        wrapup: None,
        reason: 0,
        language: 0,
        tier: 0,
        priority: 3,
        vip: false,
        callback: None,
        addresses: Some(Box::new((origin, destination))),
    };
    lock(&call.state.runtime).tasks.push(task);
    call.state.outbox.emit("task:new", json!({ "taskId": id }));
    super::notifications::task_created(
        &call.state.notifications,
        &call.state.outbox,
        &data.org_id,
        &id,
        Channel::Telephony.as_str(),
    );
    Ok(Reply::Json(
        StatusCode::CREATED,
        json!({ "meta": meta(call), "data": { "id": id } }),
    ))
}

fn list_status(task: &Task) -> &'static str {
    match (task.state, task.termination) {
        (TaskState::Created, _) => "created",
        (TaskState::Parked, _) => "queued",
        (TaskState::Connected, _) => "assigned",
        (TaskState::Ended, Termination::Normal) if task.agent.is_some() => "completed",
        (TaskState::Ended, _) => "abandoned",
    }
}

/// `GET /v1/tasks`.
pub(super) fn list_tasks(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
    let from = call
        .query_i64("from")?
        .ok_or_else(|| Fail::bad("`from` is required"))?;
    let to = call.query_i64("to")?.unwrap_or_else(now_ms);
    let page_size = call.query_i64("pageSize")?.unwrap_or(100);
    if !(1..=1000).contains(&page_size) {
        return Err(Fail::bad("`pageSize` must be between 1 and 1000"));
    }
    let channels = call.query_list("channelTypes");
    if let Some(bad) = channels
        .iter()
        .find(|c| !matches!(c.as_str(), "email" | "chat" | "telephony" | "social"))
    {
        return Err(Fail::bad(format!("unknown channel type `{bad}`")));
    }
    let data = &call.state.data;
    let items: Vec<Value> = with_tasks(call, |tasks| {
        tasks
            .filter(|t| t.created >= from && t.created < to)
            .filter(|t| channels.is_empty() || channels.iter().any(|c| c == t.channel.as_str()))
            .take(page_size as usize)
            .map(|t| {
                let agent = data.agent(t.agent);
                let queue = data.queue(t.queue);
                json!({
                    "id": t.id,
                    "attributes": {
                        "owner": { "id": agent.map_or("", |a| a.id.as_str()), "name": agent.map_or("", |a| a.name.as_str()) },
                        "queue": { "id": queue.map_or("", |q| q.id.as_str()), "name": queue.map_or("", |q| q.name) },
                        "channelType": t.channel.as_str(),
                        "status": list_status(t),
                        "createdTime": t.created,
                        "lastUpdatedTime": t.ended.unwrap_or(t.created),
                        "captureRequested": t.capture,
                        "origin": data.origin(t),
                        "destination": data.destination(t),
                        "direction": t.direction(),
                    }
                })
            })
            .collect()
    });
    Ok(Reply::Json(
        StatusCode::OK,
        json!({ "meta": meta(call), "data": items }),
    ))
}
