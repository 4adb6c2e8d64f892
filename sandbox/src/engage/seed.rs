//! Conversations a test seeds directly ([`crate::Sandbox::seed_conversation`]), for transcript
//! paging without posting every message.

use chrono::Utc;
use serde_json::json;

use super::EngageState;
use super::conversation::{Conversation, Customer, Direction, Message, MessageType, Status, time};
use crate::sync::lock;

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
