//! One event model for both ways WxCC tells a bot what happened: frames of the agent
//! notification websocket ([`Client::notifications`](crate::Client::notifications)) and verified
//! webhook deliveries ([`webhooks`](crate::webhooks)).
//!
//! An [`Event`] names its [`Origin`], its id when the wire gives one, and a [`EventKind`]: an
//! [`AgentEvent`] (login, logout, state), a [`TaskEvent`] (offered, assigned, held, resumed,
//! transferred, ended, wrap-up, ...) or [`EventKind::Unknown`]. Each family has an `Other` arm,
//! and every typed payload keeps the event's `data` object as received, so an event the crate
//! does not know yet loses nothing. Decoding never fails and never panics: anything that is not
//! an event becomes [`EventKind::Unknown`].
//!
//! Where the names come from (facts, not text, taken from Cisco's material): the websocket event
//! names (`AgentOfferContact`, `AgentContactAssigned`, `AgentContactHeld`, `ContactEnded`,
//! `AgentWrapup`, `AgentStateChange`, ...) and the fields read from them (`data.type`,
//! `data.interactionId`, `data.agentId`, `data.interaction.mediaType`, `data.interaction.state`,
//! `data.agentSessionId`, `data.status`, `data.subStatus`, `data.auxCodeId`,
//! `data.lastStateChangeTimestamp`, `data.lastStateChangeReason`, `data.reason`,
//! `data.reasonCode`, the top-level `trackingId` and `orgId`) are those of Cisco's
//! `@webex/contact-center` SDK; the webhook event types (`agent:login`, `task:new`,
//! `capture:available`, ...) and the CloudEvents envelope are those [`webhooks`](crate::webhooks)
//! already verifies. Cisco does not document the fields inside a webhook's `data`; the task id is
//! read from `taskId` (or `interactionId`), the agent id from `agentId`, and everything else is
//! left in `data`.
//!
//! ```
//! use wxcc_sdk::events::{Event, EventKind, TaskEvent};
//!
//! let frame = serde_json::json!({
//!     "type": "RoutingMessage",
//!     "trackingId": "notifs_1",
//!     "data": { "type": "AgentOfferContact", "interactionId": "t1", "agentId": "a1",
//!               "interaction": { "mediaType": "telephony", "state": "new" } }
//! });
//! let event = Event::from_notification(&frame);
//! let EventKind::Task(TaskEvent::Offered(task)) = &event.kind else { panic!("{event:?}") };
//! assert_eq!(task.task_id.as_deref(), Some("t1"));
//! assert_eq!(task.media_type.as_deref(), Some("telephony"));
//! ```

mod agent;
mod decode;
mod dedupe;
mod task;

use serde_json::Value;

pub use agent::{AgentDetails, AgentEvent};
pub use dedupe::{Deduplicator, Handled};
pub use task::{TaskDetails, TaskEvent, TransferKind};

/// How an event arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Origin {
    /// A frame of the agent notification websocket.
    Notification,
    /// A verified webhook delivery (version 1 or 2).
    Webhook,
}

/// Something that happened in the contact center.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Event {
    /// The event's id: a webhook's CloudEvents `id`, or a frame's `trackingId`. Cisco does not
    /// say whether a frame's tracking id is unique per event, so deduplication by it is a
    /// best effort; `None` when the wire carries none.
    pub id: Option<String>,
    /// The organization, when the wire names it.
    pub org_id: Option<String>,
    /// How it arrived.
    pub origin: Origin,
    /// What happened.
    pub kind: EventKind,
}

/// What an [`Event`] is about.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum EventKind {
    /// An agent's login, logout or state.
    Agent(AgentEvent),
    /// A task (contact, interaction) and its lifecycle.
    Task(TaskEvent),
    /// Anything else: the name as sent (empty when the frame has none) and the whole frame or
    /// delivery data.
    Unknown {
        /// The event's name as sent.
        name: String,
        /// The frame, or the delivery's `data`.
        data: Value,
    },
}

impl Event {
    /// Decodes one frame of the notification websocket (its JSON). Never fails: a frame that is
    /// no event the crate knows becomes [`EventKind::Unknown`].
    ///
    /// ```
    /// use wxcc_sdk::events::{AgentEvent, Event, EventKind};
    ///
    /// let frame = serde_json::json!({"type": "AgentStateChange", "data": {
    ///     "type": "AgentStateChangeSuccess", "agentId": "a1", "subStatus": "Available" }});
    /// let EventKind::Agent(AgentEvent::StateChanged(agent)) = Event::from_notification(&frame).kind
    /// else { panic!() };
    /// assert_eq!(agent.sub_status.as_deref(), Some("Available"));
    /// ```
    pub fn from_notification(frame: &Value) -> Event {
        decode::notification(frame)
    }

    /// Decodes a verified webhook delivery into the same types the websocket yields. Also
    /// available as `Event::from(webhook_event)`.
    ///
    /// ```
    /// use wxcc_sdk::events::{Event, EventKind, TaskEvent};
    /// # fn demo(delivery: wxcc_sdk::webhooks::WebhookEvent) {
    /// if let EventKind::Task(TaskEvent::Ended(task)) = Event::from_webhook(&delivery).kind {
    ///     println!("task {:?} ended", task.task_id);
    /// }
    /// # }
    /// ```
    pub fn from_webhook(delivery: &crate::webhooks::WebhookEvent) -> Event {
        decode::webhook(delivery)
    }

    /// The event's name as sent (`AgentOfferContact`, `task:ended`, ...).
    pub fn name(&self) -> &str {
        match &self.kind {
            EventKind::Agent(agent) => agent.name(),
            EventKind::Task(task) => task.name(),
            EventKind::Unknown { name, .. } => name,
        }
    }

    /// The task the event is about, when it is a task event that names one.
    pub fn task_id(&self) -> Option<&str> {
        match &self.kind {
            EventKind::Task(task) => task.details().and_then(|d| d.task_id.as_deref()),
            _ => None,
        }
    }
}

impl From<crate::webhooks::WebhookEvent> for Event {
    fn from(delivery: crate::webhooks::WebhookEvent) -> Event {
        decode::webhook(&delivery)
    }
}

impl From<&crate::webhooks::WebhookEvent> for Event {
    fn from(delivery: &crate::webhooks::WebhookEvent) -> Event {
        decode::webhook(delivery)
    }
}
