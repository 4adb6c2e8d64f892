//! Runtime WxCC operations: tasks, estimated wait time, statistics, captures and scheduled
//! callbacks.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use chrono::{NaiveDate, NaiveTime, TimeDelta};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{WxccState, same_org};
use crate::data::{Channel, DAY, MINUTE, Task, TaskState, Termination, now_ms};
use crate::http::{Call, Fail, Reply};
use crate::sync::lock;
use crate::tz::Zone;

fn meta(call: &Call<'_, WxccState>) -> Value {
    json!({ "orgId": call.state.data.org_id })
}

/// Every task: the seeded ones and those created through the API.
fn with_tasks<T>(
    call: &Call<'_, WxccState>,
    f: impl FnOnce(&mut dyn Iterator<Item = &Task>) -> T,
) -> T {
    let created = call.state.created_tasks();
    let mut all = call.state.data.tasks.iter().chain(created.iter());
    f(&mut all)
}

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

fn bounded(
    call: &Call<'_, WxccState>,
    name: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Result<Option<i64>, Fail> {
    let value = call.query_i64(name)?;
    if let Some(v) = value
        && !range.contains(&v)
    {
        return Err(Fail::bad(format!(
            "`{name}` must be between {} and {}",
            range.start(),
            range.end()
        )));
    }
    Ok(value)
}

/// `GET /v1/ewt`: the mean queue time of the tasks that left the queue for an agent in the
/// look-back window; `204` with too few samples, too much variation (only when `maxCV` is
/// given) or an unknown queue.
pub(super) fn estimated_wait_time(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
    let queue_id = call
        .query("queueId")
        .ok_or_else(|| Fail::bad("`queueId` is required"))?
        .to_owned();
    let lookback = bounded(call, "lookbackMinutes", 5..=240)?
        .ok_or_else(|| Fail::bad("`lookbackMinutes` is required"))?;
    let max_cv = bounded(call, "maxCV", 1..=100)?;
    let min_samples = bounded(call, "minValidSamples", 1..=100)?.unwrap_or(5);
    let data = &call.state.data;
    let Some(queue) = data.queues.iter().position(|q| q.id == queue_id) else {
        return Ok(Reply::Empty(StatusCode::NO_CONTENT));
    };
    let now = now_ms();
    let since = now - lookback * MINUTE;
    let samples: Vec<f64> = with_tasks(call, |tasks| {
        tasks
            .filter(|t| t.queue == Some(queue as u8) && t.agent.is_some())
            .filter(|t| {
                let left_queue = t.created + t.selfservice_ms + t.queue_ms;
                left_queue >= since && left_queue <= now
            })
            .map(|t| t.queue_ms as f64)
            .collect()
    });
    if (samples.len() as i64) < min_samples {
        return Ok(Reply::Empty(StatusCode::NO_CONTENT));
    }
    let mean = samples.iter().sum::<f64>() / samples.len() as f64;
    if let Some(max_cv) = max_cv {
        let variance =
            samples.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / samples.len() as f64;
        let cv = if mean > 0.0 {
            variance.sqrt() / mean * 100.0
        } else {
            0.0
        };
        if cv > max_cv as f64 {
            return Ok(Reply::Empty(StatusCode::NO_CONTENT));
        }
    }
    Ok(Reply::Json(
        StatusCode::OK,
        json!({ "estimatedWaitTime": mean.round() }),
    ))
}

/// Validates a statistics window: rounded down to 15 minutes, under 24 hours, interval
/// 15, 30 or 60.
fn statistics_window(call: &Call<'_, WxccState>) -> Result<(i64, i64, i64), Fail> {
    let quarter = 15 * MINUTE;
    let from = call
        .query_i64("from")?
        .ok_or_else(|| Fail::bad("`from` is required"))?;
    let to = call
        .query_i64("to")?
        .ok_or_else(|| Fail::bad("`to` is required"))?;
    let from = from - from.rem_euclid(quarter);
    let to = to - to.rem_euclid(quarter);
    if to <= from {
        return Err(Fail::bad("`to` must be at least 15 minutes after `from`"));
    }
    if to - from >= DAY {
        return Err(Fail::bad(
            "`from` and `to` must be less than 24 hours apart",
        ));
    }
    let interval = call.query_i64("interval")?.unwrap_or(15);
    if !matches!(interval, 15 | 30 | 60) {
        return Err(Fail::bad("`interval` must be 15, 30 or 60"));
    }
    Ok((from, to, interval * MINUTE))
}

fn ids_param(call: &Call<'_, WxccState>, name: &str) -> Result<Vec<String>, Fail> {
    let ids = call.query_list(name);
    if ids.len() > 100 {
        return Err(Fail::bad(format!("at most 100 `{name}`")));
    }
    Ok(ids)
}

fn average(values: &[i64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<i64>() as f64 / values.len() as f64
    }
}

/// `GET /v1/queues/statistics`: per queue, channel and interval (intervals without tasks are
/// left out).
pub(super) fn queue_statistics(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
    let (from, to, interval) = statistics_window(call)?;
    let queue_ids = ids_param(call, "queueIds")?;
    let data = &call.state.data;
    let mut groups: BTreeMap<(i64, u8), Vec<Task>> = BTreeMap::new();
    with_tasks(call, |tasks| {
        for task in tasks {
            let Some(queue) = task.queue else { continue };
            if task.created < from || task.created >= to {
                continue;
            }
            let id = data
                .queue(Some(queue))
                .map(|q| q.id.as_str())
                .unwrap_or_default();
            if !queue_ids.is_empty() && !queue_ids.iter().any(|q| q == id) {
                continue;
            }
            let start = from + (task.created - from) / interval * interval;
            groups.entry((start, queue)).or_default().push(task.clone());
        }
    });
    let items: Vec<Value> = groups
        .iter()
        .map(|((start, queue), tasks)| {
            let q = data.queue(Some(*queue));
            let handled: Vec<&Task> = tasks.iter().filter(|t| t.handled()).collect();
            let enqueued: Vec<i64> = tasks.iter().filter(|t| t.queue_ms > 0).map(|t| t.queue_ms).collect();
            let handle_times: Vec<i64> = handled.iter().filter(|t| t.ended.is_some()).map(|t| t.connected_ms).collect();
            let within = handled
                .iter()
                .filter(|t| q.is_some_and(|q| t.queue_ms <= q.service_level_s * 1_000))
                .count();
            json!({
                "intervalStartTime": start,
                "queueId": q.map(|q| q.id.as_str()),
                "queueName": q.map(|q| q.name),
                "channelType": q.map(|q| q.channel.as_str()),
                "totalOfferedTasks": handled.len(),
                "totalEnqueuedTasks": enqueued.len(),
                "totalAssignedTasks": 0,
                "totalAcceptedTasks": handled.len(),
                "totalRejectedTasks": 0,
                "totalAbandonedTasks": tasks.iter().filter(|t| t.termination == Termination::Abandoned).count(),
                "averageEnqueuedTime": average(&enqueued),
                "averageHandledTime": average(&handle_times),
                "serviceLevelThresholdPercentage": if handled.is_empty() { 0.0 } else { within as f64 * 100.0 / handled.len() as f64 },
            })
        })
        .collect();
    Ok(Reply::Json(
        StatusCode::OK,
        json!({ "meta": meta(call), "data": items }),
    ))
}

/// `GET /v1/agents/statistics`: per agent and interval, with a block per channel worked.
pub(super) fn agent_statistics(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
    let (from, to, interval) = statistics_window(call)?;
    let agent_ids = ids_param(call, "agentIds")?;
    let data = &call.state.data;
    let mut groups: BTreeMap<(i64, u8), Vec<Task>> = BTreeMap::new();
    with_tasks(call, |tasks| {
        for task in tasks {
            let Some(agent) = task.agent else { continue };
            if task.created < from || task.created >= to {
                continue;
            }
            let id = data
                .agent(Some(agent))
                .map(|a| a.id.as_str())
                .unwrap_or_default();
            if !agent_ids.is_empty() && !agent_ids.iter().any(|a| a == id) {
                continue;
            }
            let start = from + (task.created - from) / interval * interval;
            groups.entry((start, agent)).or_default().push(task.clone());
        }
    });
    let items: Vec<Value> = groups
        .iter()
        .map(|((start, agent), tasks)| {
            let a = data.agent(Some(*agent));
            let team = data.team_of(Some(*agent));
            let channels: Vec<Value> = Channel::ALL
                .iter()
                .filter_map(|channel| {
                    let of: Vec<&Task> = tasks.iter().filter(|t| t.channel == *channel).collect();
                    if of.is_empty() {
                        return None;
                    }
                    let engaged: i64 = of.iter().map(|t| t.connected_ms).sum();
                    let wrapup: i64 = of.iter().map(|t| t.wrapup_ms).sum();
                    let handled: Vec<i64> = of.iter().map(|t| t.connected_ms).collect();
                    Some(json!({
                        "channelType": channel.as_str(),
                        "totalAssignedTasks": of.len(),
                        "totalOfferedTasks": of.len(),
                        "totalAcceptedTasks": of.len(),
                        "totalRejectedTasks": 0,
                        "totalTransferredTasks": of.iter().filter(|t| t.transfer_count > 0).count(),
                        "totalEngagedDuration": engaged.min(i64::from(i32::MAX)),
                        "totalHoldDuration": of.iter().map(|t| t.hold_ms).sum::<i64>(),
                        "totalWrapUpDuration": wrapup,
                        "totalAvailableTime": (interval - engaged - wrapup).max(0),
                        "totalUnAvailableTime": 0,
                        "averageHandledTime": average(&handled),
                    }))
                })
                .collect();
            json!({
                "intervalStartTime": start,
                "agentId": a.map(|a| a.id.as_str()),
                "agentName": a.map(|a| a.name.as_str()),
                "teamId": team.map(|t| t.id.as_str()),
                "teamName": team.map(|t| t.name),
                "channels": channels,
            })
        })
        .collect();
    Ok(Reply::Json(
        StatusCode::OK,
        json!({ "meta": meta(call), "data": items }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CaptureQuery {
    org_id: Option<String>,
    url_expiration: Option<i64>,
    task_ids: Option<Vec<String>>,
    include_segments: Option<bool>,
}

#[derive(Deserialize)]
struct CaptureRequest {
    query: Option<CaptureQuery>,
}

/// `POST /v1/captures/query`: recordings of handled calls; unknown ids get empty arrays.
pub(super) fn query_captures(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
    let request: CaptureRequest = call.json()?;
    let query = request
        .query
        .ok_or_else(|| Fail::bad("`query` is required"))?;
    if query
        .org_id
        .as_deref()
        .is_some_and(|org| org != call.state.data.org_id)
    {
        return Err(Fail::forbidden(
            "the token is not authorized for that organization",
        ));
    }
    let expiration = query.url_expiration.unwrap_or(10);
    if !(1..=60).contains(&expiration) {
        return Err(Fail::bad(
            "`urlExpiration` must be between 1 and 60 minutes",
        ));
    }
    let ids = query
        .task_ids
        .filter(|ids| !ids.is_empty())
        .ok_or_else(|| Fail::bad("`taskIds` is required"))?;
    if ids.len() > 10 {
        return Err(Fail::bad("at most 10 `taskIds`"));
    }
    let data = &call.state.data;
    let expires = now_ms() + expiration * MINUTE;
    let segments = query.include_segments.unwrap_or(false);
    let items: Vec<Value> = ids
        .iter()
        .map(|id| {
            let task = data
                .tasks
                .iter()
                .find(|t| t.id == *id)
                .filter(|t| t.capture && t.ended.is_some());
            let recording: Vec<Value> = task
                .map(|t| {
                    let start = t.created + t.selfservice_ms + t.queue_ms + t.ringing_ms;
                    let stop = t.ended.unwrap_or(start);
                    let agent = data.agent(t.agent).map(|a| a.email.clone()).unwrap_or_default();
                    let customer = data.customer(t).map(|c| c.phone.clone()).unwrap_or_default();
                    let parts: Vec<(i64, i64)> = if segments && t.transfer_count > 0 {
                        let middle = start + (stop - start) / 3;
                        vec![(start, middle), (middle, stop)]
                    } else {
                        vec![(start, stop)]
                    };
                    let count = parts.len();
                    parts
                        .into_iter()
                        .enumerate()
                        .map(|(i, (s, e))| {
                            let name = format!("{}-{}.wav", t.id, i + 1);
                            json!({
                                "id": format!("{}-rec-{}", t.id, i + 1),
                                "segment": count > 1,
                                "attributes": {
                                    "fileName": name,
                                    "filePath": format!("{}/captures/{}?expires={}", call.state.base, name, expires),
                                    "startTime": s,
                                    "stopTime": e,
                                    "participants": [agent.clone(), customer.clone()],
                                    "channel1": "agent",
                                    "channel2": "customer",
                                    "callType": t.direction(),
                                    "sensitive": false,
                                }
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            json!({ "taskId": id, "recording": recording, "transcription": [] })
        })
        .collect();
    Ok(Reply::Json(
        StatusCode::OK,
        json!({
            "meta": { "orgId": data.org_id, "urlExpiration": expiration },
            "data": items,
        }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CallbackRequest {
    id: Option<String>,
    customer_name: Option<String>,
    callback_number: Option<String>,
    timezone: Option<String>,
    schedule_date: Option<String>,
    start_time: Option<String>,
    end_time: Option<String>,
    queue_id: Option<String>,
    callback_reason: Option<String>,
    source_interaction: Option<String>,
    assignee_agent: Option<String>,
}

fn parse_time(name: &str, value: &str) -> Result<NaiveTime, Fail> {
    NaiveTime::parse_from_str(value, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(value, "%H:%M"))
        .map_err(|_| Fail::bad(format!("`{name}` must be HH:MM or HH:MM:SS")))
}

fn required(value: Option<String>, name: &str) -> Result<String, Fail> {
    value
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| Fail::bad(format!("`{name}` is required")))
}

/// Validates a callback request and builds the stored record.
fn callback_record(
    call: &Call<'_, WxccState>,
    request: CallbackRequest,
    id: String,
    created: i64,
) -> Result<Value, Fail> {
    let customer_name = required(request.customer_name, "customerName")?;
    let callback_number = required(request.callback_number, "callbackNumber")?;
    let timezone = required(request.timezone, "timezone")?;
    let schedule_date = required(request.schedule_date, "scheduleDate")?;
    let start_time = required(request.start_time, "startTime")?;
    let end_time = required(request.end_time, "endTime")?;
    let queue_id = required(request.queue_id, "queueId")?;
    let data = &call.state.data;
    if !data.queues.iter().any(|q| q.id == queue_id) {
        return Err(Fail::bad(format!("queue `{queue_id}` was not found")));
    }
    if let Some(agent) = &request.assignee_agent
        && !data.agents.iter().any(|a| a.id == *agent)
    {
        return Err(Fail::bad(format!("agent `{agent}` was not found")));
    }
    let zone = match Zone::parse(&timezone) {
        Some(zone) => zone,
        None if timezone.contains('/') => Zone::utc(),
        None => return Err(Fail::bad(format!("`{timezone}` is not a time zone"))),
    };
    let date = NaiveDate::parse_from_str(&schedule_date, "%Y-%m-%d")
        .map_err(|_| Fail::bad("`scheduleDate` must be YYYY-MM-DD"))?;
    let start = parse_time("startTime", &start_time)?;
    let end = parse_time("endTime", &end_time)?;
    let window = end - start;
    if window < TimeDelta::minutes(30) || window > TimeDelta::hours(8) {
        return Err(Fail::bad(
            "`endTime` must be 30 minutes to 8 hours after `startTime`",
        ));
    }
    let now = now_ms();
    let start_at = zone.instant(date.and_time(start)).timestamp_millis();
    if start_at < now + 30 * MINUTE {
        return Err(Fail::bad(
            "`startTime` must be at least 30 minutes from now",
        ));
    }
    if start_at > now + 31 * DAY {
        return Err(Fail::bad("`scheduleDate` may be at most 31 days ahead"));
    }
    let mut record = json!({
        "id": id,
        "customerName": customer_name,
        "callbackNumber": callback_number,
        "timezone": timezone,
        "scheduleDate": schedule_date,
        "startTime": start.format("%H:%M:%S").to_string(),
        "endTime": end.format("%H:%M:%S").to_string(),
        "queueId": queue_id,
        "callbackOrigin": "API",
        "createdTimestamp": created,
        "lastUpdatedTimestamp": now,
        "orgId": data.org_id,
        "_startAt": start_at,
    });
    if let Some(object) = record.as_object_mut() {
        if let Some(reason) = request.callback_reason {
            object.insert("callbackReason".into(), json!(reason));
        }
        if let Some(source) = request.source_interaction {
            object.insert("sourceInteraction".into(), json!(source));
        }
        if let Some(agent) = request.assignee_agent {
            object.insert("assigneeAgent".into(), json!(agent));
            object.insert("assignedTime".into(), json!(now));
        }
    }
    Ok(record)
}

/// A stored callback without internal fields.
fn public(record: &Value) -> Value {
    let mut record = record.clone();
    if let Some(object) = record.as_object_mut() {
        object.remove("_startAt");
    }
    record
}

/// `POST .../scheduled-callback`.
pub(super) fn create_callback(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
    same_org(call, "orgId")?;
    let request: CallbackRequest = call.json()?;
    let id = uuid::Uuid::new_v4().to_string();
    let record = callback_record(call, request, id, now_ms())?;
    let reply = public(&record);
    lock(&call.state.runtime).callbacks.push(record);
    Ok(Reply::Json(StatusCode::CREATED, reply))
}

/// `GET .../scheduled-callback`: filter, sort, page.
pub(super) fn list_callbacks(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
    same_org(call, "orgId")?;
    let page = call.query_i64("page")?.unwrap_or(0);
    let page_size = call.query_i64("pageSize")?.unwrap_or(50);
    if page < 0 || !(1..=100).contains(&page_size) {
        return Err(Fail::bad(
            "`page` must be 0 or more and `pageSize` 1 to 100",
        ));
    }
    let sort_by = call.query("sortBy").unwrap_or("scheduledTime");
    let key = match sort_by {
        "customerName" => "customerName",
        "scheduledTime" => "_startAt",
        "assignedTime" => "assignedTime",
        other => return Err(Fail::bad(format!("cannot sort by `{other}`"))),
    };
    let descending = match call.query("sortOrder").unwrap_or("asc") {
        "asc" => false,
        "desc" => true,
        other => return Err(Fail::bad(format!("sortOrder `{other}` is not asc or desc"))),
    };
    let number = call.query("callbackNumber");
    let assignee = call.query("assigneeAgent");
    let mut records: Vec<Value> = lock(&call.state.runtime)
        .callbacks
        .iter()
        .filter(|r| number.is_none_or(|n| r["callbackNumber"] == n))
        .filter(|r| assignee.is_none_or(|a| r["assigneeAgent"] == a))
        .cloned()
        .collect();
    records.sort_by(|a, b| {
        let order = match (&a[key], &b[key]) {
            (Value::String(x), Value::String(y)) => x.cmp(y),
            (x, y) => x
                .as_i64()
                .unwrap_or(i64::MAX)
                .cmp(&y.as_i64().unwrap_or(i64::MAX)),
        };
        if descending { order.reverse() } else { order }
    });
    let (page, page_size) = (page as usize, page_size as usize);
    let total = records.len();
    let pages = total.div_ceil(page_size);
    let data: Vec<Value> = records
        .iter()
        .skip(page * page_size)
        .take(page_size)
        .map(public)
        .collect();
    let org = &call.state.data.org_id;
    let link = |p: usize| {
        format!("/v1/callbacks/organization/{org}/scheduled-callback?page={p}&pageSize={page_size}")
    };
    let mut links =
        json!({ "self": link(page), "first": link(0), "last": link(pages.saturating_sub(1)) });
    if page + 1 < pages {
        links["next"] = json!(link(page + 1));
    }
    if page > 0 {
        links["prev"] = json!(link(page - 1));
    }
    Ok(Reply::Json(
        StatusCode::OK,
        json!({
            "meta": {
                "orgId": org, "page": page, "pageSize": page_size,
                "totalPages": pages, "totalRecords": total, "links": links,
            },
            "data": data,
        }),
    ))
}

fn callback_index(call: &Call<'_, WxccState>) -> Result<usize, Fail> {
    let id = call.param("id");
    lock(&call.state.runtime)
        .callbacks
        .iter()
        .position(|r| r["id"] == id)
        .ok_or_else(|| Fail::not_found(format!("no scheduled callback `{id}`")))
}

/// `GET .../scheduled-callback/{id}`.
pub(super) fn get_callback(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
    same_org(call, "orgId")?;
    let index = callback_index(call)?;
    let runtime = lock(&call.state.runtime);
    let record = runtime
        .callbacks
        .get(index)
        .ok_or_else(|| Fail::not_found("no such scheduled callback"))?;
    Ok(Reply::Json(StatusCode::OK, public(record)))
}

/// `PUT .../scheduled-callback/{id}`: replaces the callback.
pub(super) fn update_callback(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
    same_org(call, "orgId")?;
    let index = callback_index(call)?;
    let request: CallbackRequest = call.json()?;
    let id = call.param("id").to_owned();
    if request.id.as_deref() != Some(id.as_str()) {
        return Err(Fail::bad("the body's `id` must match the path"));
    }
    let created = lock(&call.state.runtime)
        .callbacks
        .get(index)
        .and_then(|r| r["createdTimestamp"].as_i64())
        .unwrap_or_else(now_ms);
    let record = callback_record(call, request, id, created)?;
    let reply = public(&record);
    if let Some(slot) = lock(&call.state.runtime).callbacks.get_mut(index) {
        *slot = record;
    }
    Ok(Reply::Json(StatusCode::OK, reply))
}

/// `DELETE .../scheduled-callback/{id}`.
pub(super) fn delete_callback(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
    same_org(call, "orgId")?;
    let index = callback_index(call)?;
    let mut runtime = lock(&call.state.runtime);
    if index < runtime.callbacks.len() {
        runtime.callbacks.remove(index);
    }
    Ok(Reply::Empty(StatusCode::NO_CONTENT))
}
