//! Scheduled callbacks: create, list (filter, sort, page), get, replace and delete, with the
//! window and time zone rules of the service.

use axum::http::StatusCode;
use chrono::{NaiveDate, NaiveTime, TimeDelta};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{WxccState, same_org};
use crate::data::{DAY, MINUTE, now_ms};
use crate::http::{Call, Fail, Reply};
use crate::sync::lock;
use crate::tz::Zone;

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
