//! A conversation as Engage stores and answers it (status, customer, context, custom fields,
//! messages), and the checks a request's messages, channel and custom fields must pass.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::http::Fail;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Status {
    Queued,
    Active,
    Onhold,
    Closed,
}

pub(super) const CHANNELS: [&str; 7] = [
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
pub(super) enum Direction {
    Inbound,
    Outbound,
    Announcement,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) enum MessageType {
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
pub(super) struct Message {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) alias_id: Option<String>,
    pub(super) direction: Direction,
    #[serde(rename = "type")]
    pub(super) kind: MessageType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) attachments: Option<Vec<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) timestamp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) redacted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) attempt_gw_delivery: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) wab_interactive_response: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) wab_buttons: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) wab_list: Option<Value>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Customer {
    pub(super) address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) name: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub(super) struct CustomField {
    pub(super) scope: String,
    pub(super) key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) value: Option<String>,
}

#[derive(Clone, Debug)]
pub(super) struct Conversation {
    pub(super) id: String,
    pub(super) alias_id: Option<String>,
    pub(super) channel: String,
    pub(super) status: Status,
    pub(super) team_id: Option<String>,
    pub(super) user_id: Option<String>,
    pub(super) participants: Vec<String>,
    pub(super) customer: Customer,
    pub(super) biz_address: String,
    pub(super) context: Value,
    pub(super) created_at: DateTime<Utc>,
    pub(super) updated_at: DateTime<Utc>,
    pub(super) custom_fields: Vec<CustomField>,
    pub(super) messages: Vec<Message>,
}

pub(super) fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Conversation {
    pub(super) fn summary(&self) -> Value {
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

    pub(super) fn full(&self) -> Value {
        let mut v = self.summary();
        v["customer"] = json!(self.customer);
        v["bizAddress"] = json!(self.biz_address);
        v["context"] = self.context.clone();
        v["createdAt"] = json!(time(self.created_at));
        v["customFields"] = json!(self.custom_fields);
        v
    }

    pub(super) fn context(&self, key: &str) -> Option<&str> {
        self.context.get(key).and_then(Value::as_str)
    }

    pub(super) fn touch(&mut self) {
        self.updated_at = Utc::now();
    }
}

/// Validates messages and fills in missing timestamps.
pub(super) fn check_messages(
    messages: Vec<Message>,
    existing: &[Message],
) -> Result<Vec<Message>, Fail> {
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

pub(super) fn check_channel(channel: &str) -> Result<(), Fail> {
    if CHANNELS.contains(&channel) {
        Ok(())
    } else {
        Err(Fail::bad(format!(
            "channel `{channel}` is not one of {}",
            CHANNELS.join(", ")
        )))
    }
}

pub(super) fn check_custom_fields(fields: &[CustomField]) -> Result<(), Fail> {
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
