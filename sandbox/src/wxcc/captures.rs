//! `POST /v1/captures/query`: the recordings of handled calls, with expiring file URLs on
//! the sandbox's own base.

use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::WxccState;
use crate::data::{MINUTE, now_ms};
use crate::http::{Call, Fail, Reply};

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
