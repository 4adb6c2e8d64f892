//! Turning frames and deliveries into [`Event`]s: total functions over any JSON, so nothing a
//! server sends can make them fail or panic (a property test feeds them arbitrary JSON).

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;

use super::{AgentEvent, Event, EventKind, Origin, TaskEvent};
use crate::webhooks::WebhookEvent;

/// A frame of the notification websocket. Events carry their name in `data.type`, and some
/// (`Welcome`, `AGENT_MULTI_LOGIN`, `AgentStateChange`) in the top-level `type` as well or
/// instead, as Cisco's SDK reads them; the data's name wins when both are there.
pub(super) fn notification(frame: &Value) -> Event {
    let data = frame.get("data").unwrap_or(&Value::Null);
    let outer = frame
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let inner = data.get("type").and_then(Value::as_str);
    // The multi-login notice ends the session whatever its data says.
    let name = if outer == "AGENT_MULTI_LOGIN" {
        outer
    } else {
        inner.unwrap_or(outer)
    };
    let id = field_str(frame, "trackingId").or_else(|| field_str(data, "trackingId"));
    let org_id = field_str(frame, "orgId").or_else(|| field_str(data, "orgId"));
    let kind = classify(name, data).unwrap_or_else(|| EventKind::Unknown {
        name: name.to_owned(),
        data: frame.clone(),
    });
    Event {
        id,
        org_id,
        origin: Origin::Notification,
        kind,
    }
}

/// A verified webhook delivery: the CloudEvents `type` names the event, `data` is its payload.
pub(super) fn webhook(delivery: &WebhookEvent) -> Event {
    let name = delivery.event_type.as_str();
    let kind = classify(name, &delivery.data).unwrap_or_else(|| EventKind::Unknown {
        name: name.to_owned(),
        data: delivery.data.clone(),
    });
    Event {
        id: Some(delivery.id.clone()),
        org_id: delivery.org_id.clone(),
        origin: Origin::Webhook,
        kind,
    }
}

fn classify(name: &str, data: &Value) -> Option<EventKind> {
    if let Some(agent) = AgentEvent::decode(name, data) {
        return Some(EventKind::Agent(agent));
    }
    if let Some(task) = TaskEvent::decode(name, data) {
        return Some(EventKind::Task(task));
    }
    // Cisco's SDK files every event naming an interaction under that task; so does this one.
    if !name.is_empty() && data.get("interactionId").is_some() {
        return Some(EventKind::Task(TaskEvent::Other {
            name: name.to_owned(),
            data: data.clone(),
        }));
    }
    None
}

/// A string field, or a number written as one (ids and codes arrive both ways).
pub(super) fn field_str(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An epoch-milliseconds field (a number or a string of digits).
pub(super) fn field_time(value: &Value, key: &str) -> Option<DateTime<Utc>> {
    let millis = match value.get(key)? {
        Value::Number(n) => n.as_i64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    Utc.timestamp_millis_opt(millis).single()
}

/// `reasonCode`, a number or a string of digits.
pub(super) fn reason_code(value: &Value) -> Option<i64> {
    match value.get("reasonCode")? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::events::{TaskDetails, TransferKind};

    fn task(frame: Value) -> TaskEvent {
        match notification(&frame).kind {
            EventKind::Task(task) => task,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_task_lifecycle_decodes() {
        let frame = |name: &str| {
            json!({"type": "RoutingMessage", "trackingId": format!("x-{name}"), "orgId": "o",
            "data": {"type": name, "interactionId": "t1", "agentId": "a1",
                     "interaction": {"mediaType": "telephony", "state": "connected"}}})
        };
        assert!(matches!(
            task(frame("AgentOfferContact")),
            TaskEvent::Offered(_)
        ));
        assert!(matches!(
            task(frame("AgentContactAssigned")),
            TaskEvent::Assigned(_)
        ));
        assert!(matches!(
            task(frame("AgentContactHeld")),
            TaskEvent::Held(_)
        ));
        assert!(matches!(
            task(frame("AgentContactUnheld")),
            TaskEvent::Resumed(_)
        ));
        assert!(matches!(
            task(frame("AgentVteamTransferred")),
            TaskEvent::Transferred {
                kind: TransferKind::Queue,
                ..
            }
        ));
        assert!(matches!(task(frame("ContactEnded")), TaskEvent::Ended(_)));
        assert!(matches!(
            task(frame("AgentWrapup")),
            TaskEvent::WrapUpStarted(_)
        ));
        let TaskEvent::WrappedUp(TaskDetails {
            task_id,
            agent_id,
            state,
            ..
        }) = task(frame("AgentWrappedUp"))
        else {
            panic!()
        };
        assert_eq!(task_id.as_deref(), Some("t1"));
        assert_eq!(agent_id.as_deref(), Some("a1"));
        assert_eq!(state.as_deref(), Some("connected"));
        let event = notification(&frame("AgentConsulting"));
        assert_eq!(event.id.as_deref(), Some("x-AgentConsulting"));
        assert_eq!(event.org_id.as_deref(), Some("o"));
        assert!(matches!(
            event.kind,
            EventKind::Task(TaskEvent::Other { .. })
        ));
        assert_eq!(event.task_id(), None, "Other keeps the data untyped");
    }

    #[test]
    fn agent_frames_and_the_session_notices_decode() {
        let state = json!({"type": "AgentStateChange", "data": {"type": "AgentStateChangeSuccess",
            "agentId": "a1", "auxCodeId": 0, "lastStateChangeTimestamp": 1_700_000_000_000_i64}});
        let EventKind::Agent(AgentEvent::StateChanged(details)) = notification(&state).kind else {
            panic!()
        };
        assert_eq!(details.aux_code_id.as_deref(), Some("0"));
        assert_eq!(details.changed_at.unwrap().timestamp(), 1_700_000_000);
        let multi = json!({"type": "AGENT_MULTI_LOGIN", "data": {"type": "whatever"}});
        assert!(matches!(
            notification(&multi).kind,
            EventKind::Agent(AgentEvent::MultiLogin(_))
        ));
        let welcome = json!({"type": "Welcome", "data": {"agentId": "a1"}});
        assert!(
            matches!(notification(&welcome).kind, EventKind::Unknown { ref name, .. } if name == "Welcome")
        );
    }

    #[test]
    fn webhooks_map_to_the_same_types() {
        let delivery = |kind: &str| WebhookEvent {
            id: "e1".into(),
            event_type: crate::webhooks::EventType::parse(kind),
            source: None,
            org_id: Some("o".into()),
            spec_version: Some("1.0".into()),
            timestamp: None,
            data: json!({"taskId": "t9", "agentId": "a1"}),
        };
        let ended = Event::from(delivery("task:ended"));
        assert_eq!(ended.origin, Origin::Webhook);
        assert_eq!(ended.id.as_deref(), Some("e1"));
        assert_eq!(ended.task_id(), Some("t9"));
        assert!(matches!(ended.kind, EventKind::Task(TaskEvent::Ended(_))));
        assert!(matches!(
            Event::from(delivery("agent:login")).kind,
            EventKind::Agent(AgentEvent::LoggedIn(_))
        ));
        assert!(matches!(
            Event::from(delivery("capture:available")).kind,
            EventKind::Task(TaskEvent::RecordingAvailable(_))
        ));
        assert!(matches!(
            Event::from(delivery("brand:new")).kind,
            EventKind::Unknown { .. }
        ));
    }

    fn arbitrary_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            // Known names and keys, so the typed paths are reached, not only the fallbacks.
            prop_oneof![
                Just("AgentOfferContact"),
                Just("ContactEnded"),
                Just("AGENT_MULTI_LOGIN"),
                Just("AgentStateChange"),
                Just("task:ended"),
                Just("interaction"),
                Just("x"),
            ]
            .prop_map(Value::from),
            ".*".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec(
                    (
                        prop_oneof![
                            Just("type".to_owned()),
                            Just("data".to_owned()),
                            Just("interactionId".to_owned()),
                            Just("agentId".to_owned()),
                            Just("interaction".to_owned()),
                            Just("mediaType".to_owned()),
                            Just("reasonCode".to_owned()),
                            Just("trackingId".to_owned()),
                            Just("lastStateChangeTimestamp".to_owned()),
                            ".*",
                        ],
                        inner
                    ),
                    0..6
                )
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_json_decodes_without_panicking(frame in arbitrary_json()) {
            let event = notification(&frame);
            let _ = (event.name(), event.task_id());
            let delivery = WebhookEvent {
                id: "e".into(),
                event_type: crate::webhooks::EventType::parse(
                    frame.get("type").and_then(Value::as_str).unwrap_or("task:new"),
                ),
                source: None,
                org_id: None,
                spec_version: None,
                timestamp: None,
                data: frame.get("data").cloned().unwrap_or(frame.clone()),
            };
            let event = webhook(&delivery);
            let _ = (event.name(), event.task_id());
        }

        #[test]
        fn any_text_frame_decodes_without_panicking(text in ".*") {
            if let Ok(value) = serde_json::from_str::<Value>(&text) {
                let _ = notification(&value);
            }
        }
    }
}
