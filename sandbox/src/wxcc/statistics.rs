//! Figures computed from the tasks: the estimated wait time of a queue and the queue and
//! agent statistics per interval.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::{WxccState, meta, with_tasks};
use crate::data::{Channel, DAY, MINUTE, Task, Termination, now_ms};
use crate::http::{Call, Fail, Reply};

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
