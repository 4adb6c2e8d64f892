//! The records of the seeded data set: the configuration (sites, teams, agents, queues, entry
//! points, skills, codes, customers) and the history (tasks, agent sessions, task legs), as
//! plain data that the generator fills and the APIs read.

/// A contact center channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Channel {
    Telephony,
    Chat,
    Email,
}

impl Channel {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Channel::Telephony => "telephony",
            Channel::Chat => "chat",
            Channel::Email => "email",
        }
    }

    /// The configuration API spelling.
    pub(crate) fn config_name(self) -> &'static str {
        match self {
            Channel::Telephony => "TELEPHONY",
            Channel::Chat => "CHAT",
            Channel::Email => "EMAIL",
        }
    }

    pub(crate) const ALL: [Channel; 3] = [Channel::Telephony, Channel::Chat, Channel::Email];

    pub(crate) fn index(self) -> usize {
        match self {
            Channel::Telephony => 0,
            Channel::Chat => 1,
            Channel::Email => 2,
        }
    }
}

/// Where a task stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TaskState {
    /// In self-service (IVR or bot).
    Created,
    /// Waiting in a queue.
    Parked,
    /// With an agent.
    Connected,
    /// Over.
    Ended,
}

impl TaskState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TaskState::Created => "created",
            TaskState::Parked => "parked",
            TaskState::Connected => "connected",
            TaskState::Ended => "ended",
        }
    }
}

/// How a task ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Termination {
    Normal,
    Abandoned,
    SelfService,
}

impl Termination {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Termination::Normal => "normal",
            Termination::Abandoned => "abandoned",
            Termination::SelfService => "selfservice",
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Site {
    pub id: String,
    pub name: &'static str,
}

#[derive(Clone, Debug)]
pub(crate) struct Team {
    pub id: String,
    pub name: &'static str,
    pub site: usize,
}

#[derive(Clone, Debug)]
pub(crate) struct Agent {
    pub id: String,
    pub first: &'static str,
    pub last: &'static str,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub team: usize,
    /// One channel id per [`Channel`], in [`Channel::index`] order.
    pub channel_ids: [String; 3],
    /// Indexes into [`Dataset::sessions`](super::Dataset::sessions) of this agent's sessions, by start time.
    pub sessions: Vec<usize>,
}

#[derive(Clone, Debug)]
pub(crate) struct Queue {
    pub id: String,
    pub name: &'static str,
    pub channel: Channel,
    /// Service level threshold in seconds.
    pub service_level_s: i64,
    pub teams: Vec<usize>,
}

#[derive(Clone, Debug)]
pub(crate) struct EntryPoint {
    pub id: String,
    pub name: &'static str,
    pub channel: Channel,
    pub outbound: bool,
    /// Dialed number, chat asset address or mailbox.
    pub address: &'static str,
}

#[derive(Clone, Debug)]
pub(crate) struct Skill {
    pub id: String,
    pub name: &'static str,
    pub kind: &'static str,
}

#[derive(Clone, Debug)]
pub(crate) struct AuxCode {
    pub id: String,
    pub name: &'static str,
    pub wrap_up: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Customer {
    pub name: String,
    pub phone: String,
    pub email: String,
}

/// Callback details of a callback task.
#[derive(Clone, Debug)]
pub(crate) struct CallbackInfo {
    pub requested: i64,
    pub connected: Option<i64>,
    pub status: &'static str,
    pub retries: u8,
}

/// One task (a call, chat or email), the data behind a Search `Task` record.
#[derive(Clone, Debug)]
pub(crate) struct Task {
    pub id: String,
    pub created: i64,
    pub ended: Option<i64>,
    pub channel: Channel,
    pub outbound: bool,
    pub customer: u32,
    pub entry_point: u8,
    pub queue: Option<u8>,
    pub prev_queue: Option<u8>,
    pub agent: Option<u8>,
    pub prev_agent: Option<u8>,
    pub state: TaskState,
    pub termination: Termination,
    pub selfservice_ms: i64,
    pub queue_ms: i64,
    pub ringing_ms: i64,
    pub connected_ms: i64,
    pub hold_ms: i64,
    pub wrapup_ms: i64,
    pub consult_ms: i64,
    pub conference_ms: i64,
    pub hold_count: u8,
    pub transfer_count: u8,
    pub blind_transfer_count: u8,
    pub consult_count: u8,
    pub conference_count: u8,
    pub is_callback: bool,
    pub is_campaign: bool,
    pub capture: bool,
    pub csat: Option<u8>,
    pub wrapup: Option<u8>,
    pub reason: u8,
    pub language: u8,
    pub tier: u8,
    pub priority: u8,
    pub vip: bool,
    pub callback: Option<CallbackInfo>,
    /// Origin and destination of tasks created through the API (seeded tasks derive theirs
    /// from the customer and the entry point).
    pub addresses: Option<Box<(String, String)>>,
}

impl Task {
    pub(crate) fn is_active(&self) -> bool {
        self.ended.is_none()
    }

    pub(crate) fn handled(&self) -> bool {
        self.agent.is_some() && matches!(self.state, TaskState::Connected | TaskState::Ended)
    }

    pub(crate) fn total_ms(&self) -> Option<i64> {
        self.ended.map(|end| end - self.created)
    }
}

/// An agent session (sign-in to sign-out), the data behind a Search `AgentSession` record.
#[derive(Clone, Debug)]
pub(crate) struct Session {
    pub id: String,
    pub agent: u8,
    pub start: i64,
    pub end: Option<i64>,
    /// Per channel (in [`Channel::index`] order): connected, hold, wrap-up, ringing ms and
    /// handled task count.
    pub channels: [ChannelTotals; 3],
    pub idle_ms: i64,
    pub idle_count: u32,
}

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ChannelTotals {
    pub connected_ms: i64,
    pub hold_ms: i64,
    pub wrapup_ms: i64,
    pub ringing_ms: i64,
    pub tasks: u32,
}

impl Session {
    pub(crate) fn duration_ms(&self, now: i64) -> i64 {
        self.end.unwrap_or(now) - self.start
    }

    /// Time available for work on one channel: the session minus idle time, engaged time and
    /// wrap-up on that channel (never negative).
    pub(crate) fn available_ms(&self, channel: usize, now: i64) -> i64 {
        let c = self.channels.get(channel).copied().unwrap_or_default();
        (self.duration_ms(now) - self.idle_ms - c.connected_ms - c.wrapup_ms - c.ringing_ms).max(0)
    }
}

/// One leg of a task (one agent or queue segment), the data behind a Search `TaskLeg` record.
#[derive(Clone, Debug)]
pub(crate) struct Leg {
    pub id: String,
    /// Index into [`Dataset::tasks`](super::Dataset::tasks).
    pub task: u32,
    pub created: i64,
    pub ended: Option<i64>,
    pub queue: Option<u8>,
    pub agent: Option<u8>,
    pub queue_ms: i64,
    pub ringing_ms: i64,
    pub connected_ms: i64,
    pub hold_ms: i64,
    pub wrapup_ms: i64,
    pub handled: bool,
}
