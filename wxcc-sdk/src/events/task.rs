//! Task events: a task (contact, interaction) from offer to wrap-up.

use serde_json::Value;

use super::decode::{field_str, reason_code};

/// Something that happened to a task.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum TaskEvent {
    /// A task was created (webhook `task:new`).
    Created(TaskDetails),
    /// A task was reserved for the agent (`AgentContactReserved`).
    Reserved(TaskDetails),
    /// A task was offered to the agent (`AgentOfferContact`).
    Offered(TaskDetails),
    /// The agent did not answer the offer in time (`AgentOfferContactRona`).
    NotAnswered(TaskDetails),
    /// The task was assigned to (answered by) the agent (`AgentContactAssigned`; webhook
    /// `task:connected`).
    Assigned(TaskDetails),
    /// The customer was put on hold (`AgentContactHeld`).
    Held(TaskDetails),
    /// The customer was taken off hold (`AgentContactUnheld`).
    Resumed(TaskDetails),
    /// The task was transferred.
    Transferred {
        /// How.
        kind: TransferKind,
        /// The task.
        task: TaskDetails,
    },
    /// The task left the agent (`AgentContactUnassigned`).
    Unassigned(TaskDetails),
    /// The task ended (`ContactEnded`; webhook `task:ended`). `agentsPendingWrapUp` in `data`
    /// lists the agents who still wrap it up.
    Ended(TaskDetails),
    /// The agent entered wrap-up (`AgentWrapup`).
    WrapUpStarted(TaskDetails),
    /// The agent finished wrap-up (`AgentWrappedUp`).
    WrappedUp(TaskDetails),
    /// The task's data changed (`ContactUpdated`), or the service restated it (`AgentContact`,
    /// sent for tasks already in progress, for example after a reconnect).
    Updated(TaskDetails),
    /// An operation on the task, or the task itself, failed (`AgentContactAssignFailed`,
    /// `AgentInviteFailed`, `AgentOutboundFailed`, `AgentContactHoldFailed`,
    /// `AgentContactUnHoldFailed`, `AgentBlindTransferFailed`, `AgentVteamTransferFailed`,
    /// `AgentConsultTransferFailed`, `AgentContactEndFailed`, `AgentWrapupFailed`; webhook
    /// `task:failed`). `name`, `reason` and `reason_code` say which and why.
    Failed(TaskDetails),
    /// A recording of the task can be fetched (webhook `capture:available`; see
    /// [`Client::captures`](crate::Client::captures)).
    RecordingAvailable(TaskDetails),
    /// A message was appended to a digital task (webhook `task-message:appended`).
    MessageAppended(TaskDetails),
    /// Appending a message failed (webhook `task-message:append-failed`).
    MessageAppendFailed(TaskDetails),
    /// Any other task event (consults, conferences, recording control, campaigns, ...), as sent.
    Other {
        /// The event's name.
        name: String,
        /// The event's `data`.
        data: Value,
    },
}

/// How a task was transferred.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransferKind {
    /// To a number or agent without a consult (`AgentBlindTransferred`).
    Blind,
    /// To a queue (`AgentVteamTransferred`).
    Queue,
    /// After a consult (`AgentConsultTransferred`).
    Consult,
    /// A conference handed over (`AgentConferenceTransferred`).
    Conference,
}

impl TaskEvent {
    /// The event's name as sent.
    pub fn name(&self) -> &str {
        match self.details() {
            Some(details) => &details.name,
            None => match self {
                TaskEvent::Other { name, .. } => name,
                _ => "",
            },
        }
    }

    /// The typed payload, for every arm but [`TaskEvent::Other`].
    pub fn details(&self) -> Option<&TaskDetails> {
        match self {
            TaskEvent::Created(d)
            | TaskEvent::Reserved(d)
            | TaskEvent::Offered(d)
            | TaskEvent::NotAnswered(d)
            | TaskEvent::Assigned(d)
            | TaskEvent::Held(d)
            | TaskEvent::Resumed(d)
            | TaskEvent::Transferred { task: d, .. }
            | TaskEvent::Unassigned(d)
            | TaskEvent::Ended(d)
            | TaskEvent::WrapUpStarted(d)
            | TaskEvent::WrappedUp(d)
            | TaskEvent::Updated(d)
            | TaskEvent::Failed(d)
            | TaskEvent::RecordingAvailable(d)
            | TaskEvent::MessageAppended(d)
            | TaskEvent::MessageAppendFailed(d) => Some(d),
            TaskEvent::Other { .. } => None,
        }
    }

    /// The task event called `name`, or `None` when the name is no task event the crate knows
    /// (a frame whose data names an `interactionId` is still a task's: see `decode`).
    pub(super) fn decode(name: &str, data: &Value) -> Option<TaskEvent> {
        let d = || TaskDetails::read(name, data);
        let transferred = |kind| TaskEvent::Transferred { kind, task: d() };
        Some(match name {
            "task:new" => TaskEvent::Created(d()),
            "AgentContactReserved" => TaskEvent::Reserved(d()),
            "AgentOfferContact" => TaskEvent::Offered(d()),
            "AgentOfferContactRona" => TaskEvent::NotAnswered(d()),
            "AgentContactAssigned" | "task:connected" => TaskEvent::Assigned(d()),
            "AgentContactHeld" => TaskEvent::Held(d()),
            "AgentContactUnheld" => TaskEvent::Resumed(d()),
            "AgentBlindTransferred" => transferred(TransferKind::Blind),
            "AgentVteamTransferred" => transferred(TransferKind::Queue),
            "AgentConsultTransferred" => transferred(TransferKind::Consult),
            "AgentConferenceTransferred" => transferred(TransferKind::Conference),
            "AgentContactUnassigned" => TaskEvent::Unassigned(d()),
            "ContactEnded" | "task:ended" => TaskEvent::Ended(d()),
            "AgentWrapup" => TaskEvent::WrapUpStarted(d()),
            "AgentWrappedUp" => TaskEvent::WrappedUp(d()),
            "ContactUpdated" | "AgentContact" => TaskEvent::Updated(d()),
            "AgentContactAssignFailed"
            | "AgentInviteFailed"
            | "AgentOutboundFailed"
            | "AgentContactHoldFailed"
            | "AgentContactUnHoldFailed"
            | "AgentBlindTransferFailed"
            | "AgentVteamTransferFailed"
            | "AgentConsultTransferFailed"
            | "AgentContactEndFailed"
            | "AgentWrapupFailed"
            | "task:failed" => TaskEvent::Failed(d()),
            "capture:available" => TaskEvent::RecordingAvailable(d()),
            "task-message:appended" => TaskEvent::MessageAppended(d()),
            "task-message:append-failed" => TaskEvent::MessageAppendFailed(d()),
            other if other.starts_with("task:") || other.starts_with("task-message:") => {
                TaskEvent::Other {
                    name: name.to_owned(),
                    data: data.clone(),
                }
            }
            _ => return None,
        })
    }
}

/// What a task event says about the task. Every field is optional: the wire may omit any of
/// them, and `data` keeps the rest.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct TaskDetails {
    /// The event's name as sent.
    pub name: String,
    /// The task: `interactionId` on the websocket; `taskId` (or `interactionId`) in webhook
    /// data, whose fields Cisco does not document.
    pub task_id: Option<String>,
    /// `agentId`.
    pub agent_id: Option<String>,
    /// `interaction.mediaType` (`telephony`, `chat`, `email`, `social`).
    pub media_type: Option<String>,
    /// `interaction.state` (`new` for a task just offered, for example).
    pub state: Option<String>,
    /// A failure's `reason`.
    pub reason: Option<String>,
    /// A failure's `reasonCode`.
    pub reason_code: Option<i64>,
    /// The event's `data` as received.
    pub data: Value,
}

impl TaskDetails {
    fn read(name: &str, data: &Value) -> TaskDetails {
        let interaction = data.get("interaction").unwrap_or(&Value::Null);
        TaskDetails {
            name: name.to_owned(),
            task_id: field_str(data, "interactionId").or_else(|| field_str(data, "taskId")),
            agent_id: field_str(data, "agentId"),
            media_type: field_str(interaction, "mediaType")
                .or_else(|| field_str(data, "mediaType")),
            state: field_str(interaction, "state"),
            reason: field_str(data, "reason"),
            reason_code: reason_code(data),
            data: data.clone(),
        }
    }
}
