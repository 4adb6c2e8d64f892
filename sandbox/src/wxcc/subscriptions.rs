//! Webhook subscriptions (v1 and v2; each version sees only its own) and event types.

use axum::http::{StatusCode, Uri};
use serde::Deserialize;
use serde_json::{Value, json};

use super::WxccState;
use crate::data::now_ms;
use crate::http::{Call, Fail, Reply};
use crate::sync::lock;

/// The event types a subscription may name: (name, resource, action).
const EVENT_TYPES: &[(&str, &str, &str)] = &[
    ("agent:login", "agent", "login"),
    ("agent:logout", "agent", "logout"),
    ("agent:state_change", "agent", "state_change"),
    (
        "agent:channel_state_change",
        "agent",
        "channel_state_change",
    ),
    ("capture:available", "capture", "available"),
    ("task:new", "task", "new"),
    ("task:connected", "task", "connected"),
    ("task:ended", "task", "ended"),
    ("task:failed", "task", "failed"),
    ("task-message:appended", "task-message", "appended"),
    (
        "task-message:append-failed",
        "task-message",
        "append-failed",
    ),
];

/// Resource versions a v2 subscription may pin.
const RESOURCE_VERSIONS: &[(&str, &str)] = &[
    ("agent", "1.0.0"),
    ("capture", "1.0.0"),
    ("task", "1.0.0"),
    ("task-message", "1.0.0"),
];

/// A stored subscription.
#[derive(Clone, Debug)]
pub(super) struct Subscription {
    pub version: u8,
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub event_types: Vec<String>,
    pub destination_url: String,
    /// Kept as the service keeps it (for signing deliveries); never returned.
    pub secret: Option<String>,
    pub status: String,
    pub resource_version: Option<String>,
    pub created_time: i64,
    pub created_by: String,
    pub last_updated_time: i64,
    pub last_updated_by: String,
}

impl Subscription {
    fn json(&self) -> Value {
        let mut value = json!({
            "id": self.id,
            "name": self.name,
            "eventTypes": self.event_types,
            "destinationUrl": self.destination_url,
            "createdTime": self.created_time,
            "createdBy": self.created_by,
            "status": self.status,
            "lastUpdatedTime": self.last_updated_time,
            "lastUpdatedBy": self.last_updated_by,
        });
        if let Some(description) = &self.description {
            value["description"] = json!(description);
        }
        if let Some(version) = &self.resource_version {
            value["resourceVersion"] = json!(version);
        }
        value
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    name: Option<String>,
    description: Option<String>,
    event_types: Option<Vec<String>>,
    destination_url: Option<String>,
    secret: Option<String>,
    org_id: Option<String>,
    status: Option<String>,
    resource_version: Option<String>,
}

/// HTTPS on port 443, no user info, query or fragment. The sandbox also accepts a loopback
/// receiver (`http://127.0.0.1:PORT/...`), which WxCC would not: the only kind it delivers to.
fn check_destination(url: &str) -> Result<(), Fail> {
    let bad = |why: &str| Fail::bad(format!("destinationUrl `{url}` is not allowed: {why}"));
    if url.contains('#') {
        return Err(bad("it has a fragment"));
    }
    let uri: Uri = url.parse().map_err(|_| bad("it is not a URL"))?;
    if super::deliveries::is_loopback(url)
        && matches!(uri.scheme_str(), Some("http" | "https"))
        && !uri.authority().is_some_and(|a| a.as_str().contains('@'))
    {
        return Ok(());
    }
    if uri.scheme_str() != Some("https") {
        return Err(bad("it must use https"));
    }
    let authority = uri.authority().ok_or_else(|| bad("it has no host"))?;
    if authority.as_str().contains('@') {
        return Err(bad("it carries user info"));
    }
    if authority.port_u16().is_some_and(|p| p != 443) {
        return Err(bad("only port 443 is allowed"));
    }
    if uri.query().is_some() {
        return Err(bad("it has a query"));
    }
    Ok(())
}

fn check_event_types(types: &[String]) -> Result<(), Fail> {
    if types.is_empty() {
        return Err(Fail::bad("`eventTypes` must name at least one event type"));
    }
    if let Some(unknown) = types
        .iter()
        .find(|t| !EVENT_TYPES.iter().any(|(name, _, _)| name == t))
    {
        return Err(Fail::bad(format!("unknown event type `{unknown}`")));
    }
    Ok(())
}

fn check_resource_version(version: &str) -> Result<(), Fail> {
    let known = RESOURCE_VERSIONS
        .iter()
        .any(|(resource, v)| format!("{resource}:{v}") == version);
    if known {
        Ok(())
    } else {
        Err(Fail::bad(format!(
            "unknown resourceVersion `{version}` (for example `agent:1.0.0`)"
        )))
    }
}

fn check_org(call: &Call<'_, WxccState>, org: Option<&str>) -> Result<(), Fail> {
    if org.is_some_and(|o| o != call.state.data.org_id) {
        return Err(Fail::forbidden(
            "the token is not authorized for that organization",
        ));
    }
    Ok(())
}

fn meta(call: &Call<'_, WxccState>) -> Value {
    json!({ "orgId": call.state.data.org_id })
}

fn create(call: &Call<'_, WxccState>, version: u8) -> Result<Reply, Fail> {
    let body: Body = call.json()?;
    check_org(call, body.org_id.as_deref())?;
    let name = body
        .name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| Fail::bad("`name` is required"))?;
    let event_types = body
        .event_types
        .ok_or_else(|| Fail::bad("`eventTypes` is required"))?;
    check_event_types(&event_types)?;
    let destination_url = body
        .destination_url
        .ok_or_else(|| Fail::bad("`destinationUrl` is required"))?;
    check_destination(&destination_url)?;
    let resource_version = if version == 2 {
        let v = body
            .resource_version
            .ok_or_else(|| Fail::bad("`resourceVersion` is required"))?;
        check_resource_version(&v)?;
        Some(v)
    } else {
        None
    };
    let now = now_ms();
    let subscription = Subscription {
        version,
        id: uuid::Uuid::new_v4().to_string(),
        name,
        description: body.description,
        event_types,
        destination_url,
        secret: body.secret,
        status: "active".to_owned(),
        resource_version,
        created_time: now,
        created_by: call.grant.subject.clone(),
        last_updated_time: now,
        last_updated_by: call.grant.subject.clone(),
    };
    let data = subscription.json();
    let mut runtime = lock(&call.state.runtime);
    runtime.subscriptions.push(subscription);
    call.state.outbox.sync(&runtime.subscriptions);
    Ok(Reply::Json(
        StatusCode::CREATED,
        json!({ "meta": meta(call), "data": data }),
    ))
}

fn list(call: &Call<'_, WxccState>, version: u8) -> Result<Reply, Fail> {
    let data: Vec<Value> = lock(&call.state.runtime)
        .subscriptions
        .iter()
        .filter(|s| s.version == version)
        .map(Subscription::json)
        .collect();
    Ok(Reply::Json(
        StatusCode::OK,
        json!({ "meta": meta(call), "data": data }),
    ))
}

fn index(call: &Call<'_, WxccState>, version: u8) -> Result<usize, Fail> {
    let id = call.param("id");
    lock(&call.state.runtime)
        .subscriptions
        .iter()
        .position(|s| s.version == version && s.id == id)
        .ok_or_else(|| Fail::not_found(format!("no subscription `{id}`")))
}

fn get(call: &Call<'_, WxccState>, version: u8) -> Result<Reply, Fail> {
    let i = index(call, version)?;
    let runtime = lock(&call.state.runtime);
    let data = runtime
        .subscriptions
        .get(i)
        .map(Subscription::json)
        .ok_or_else(|| Fail::not_found("no such subscription"))?;
    Ok(Reply::Json(
        StatusCode::OK,
        json!({ "meta": meta(call), "data": data }),
    ))
}

fn update(call: &Call<'_, WxccState>, version: u8) -> Result<Reply, Fail> {
    let i = index(call, version)?;
    let body: Body = call.json()?;
    check_org(call, body.org_id.as_deref())?;
    if let Some(types) = &body.event_types {
        check_event_types(types)?;
    }
    if let Some(url) = &body.destination_url {
        check_destination(url)?;
    }
    if let Some(status) = &body.status
        && !matches!(status.as_str(), "active" | "inactive")
    {
        return Err(Fail::bad("`status` must be active or inactive"));
    }
    if version == 2 {
        let v = body
            .resource_version
            .as_deref()
            .ok_or_else(|| Fail::bad("`resourceVersion` is required"))?;
        check_resource_version(v)?;
    }
    let mut runtime = lock(&call.state.runtime);
    let subscription = runtime
        .subscriptions
        .get_mut(i)
        .ok_or_else(|| Fail::not_found("no such subscription"))?;
    if let Some(description) = body.description {
        subscription.description = Some(description);
    }
    if let Some(types) = body.event_types {
        subscription.event_types = types;
    }
    if let Some(url) = body.destination_url {
        subscription.destination_url = url;
    }
    if let Some(status) = body.status {
        subscription.status = status;
    }
    if let Some(secret) = body.secret {
        subscription.secret = Some(secret);
    }
    if version == 2 {
        subscription.resource_version = body.resource_version;
    }
    subscription.last_updated_time = now_ms();
    subscription.last_updated_by = call.grant.subject.clone();
    let data = subscription.json();
    call.state.outbox.sync(&runtime.subscriptions);
    Ok(Reply::Json(
        StatusCode::OK,
        json!({ "meta": meta(call), "data": data }),
    ))
}

fn delete(call: &Call<'_, WxccState>, version: u8) -> Result<Reply, Fail> {
    let i = index(call, version)?;
    let mut runtime = lock(&call.state.runtime);
    if i < runtime.subscriptions.len() {
        runtime.subscriptions.remove(i);
    }
    call.state.outbox.sync(&runtime.subscriptions);
    Ok(Reply::Empty(StatusCode::NO_CONTENT))
}

fn event_types() -> Vec<Value> {
    EVENT_TYPES
        .iter()
        .map(|(name, resource, action)| json!({ "name": name, "resource": resource, "action": action }))
        .collect()
}

macro_rules! versioned {
    ($($v1:ident, $v2:ident => $f:ident;)*) => {
        $(
            pub(super) fn $v1(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
                $f(call, 1)
            }
            pub(super) fn $v2(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
                $f(call, 2)
            }
        )*
    };
}

versioned! {
    create_v1, create_v2 => create;
    list_v1, list_v2 => list;
    get_v1, get_v2 => get;
    update_v1, update_v2 => update;
    delete_v1, delete_v2 => delete;
}

/// `GET /v1/event-types`.
pub(super) fn event_types_v1(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
    Ok(Reply::Json(
        StatusCode::OK,
        json!({ "meta": meta(call), "data": event_types() }),
    ))
}

/// `GET /v2/event-types`.
pub(super) fn event_types_v2(call: &Call<'_, WxccState>) -> Result<Reply, Fail> {
    let versions: Vec<Value> = RESOURCE_VERSIONS
        .iter()
        .map(|(resource, version)| json!({ "resource": resource, "version": version }))
        .collect();
    Ok(Reply::Json(
        StatusCode::OK,
        json!({
            "meta": { "orgId": call.state.data.org_id, "resourceVersionList": versions },
            "data": event_types(),
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations() {
        assert!(check_destination("https://hooks.example.com/wxcc").is_ok());
        assert!(check_destination("https://hooks.example.com:443/wxcc").is_ok());
        assert!(check_destination("http://hooks.example.com/wxcc").is_err());
        assert!(check_destination("https://hooks.example.com:8443/wxcc").is_err());
        assert!(check_destination("https://hooks.example.com/wxcc?x=1").is_err());
        assert!(check_destination("https://u:p@hooks.example.com/wxcc").is_err());
        assert!(check_destination("https://hooks.example.com/wxcc#f").is_err());
        assert!(check_destination("http://127.0.0.1:8080/hook").is_ok());
        assert!(check_destination("http://u:p@127.0.0.1:8080/hook").is_err());
    }
}
