//! Field access on Search records by path (`lastAgent.id`), shared by filters, group-by,
//! aggregations and the rendering of results. Each record kind lists its fields once, with a
//! getter; which fields exist, and what Search may do with them, comes from `facts.tsv`: a field
//! the facts name but no getter serves reads as `null`.

use std::borrow::Cow;
use std::sync::Arc;

use crate::data::{self, Channel, Dataset, Leg, Session, Task};

/// A field value as filters and aggregations see it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val<'a> {
    Null,
    Str(Cow<'a, str>),
    Num(f64),
    Bool(bool),
}

impl<'a> Val<'a> {
    fn s(value: &'a str) -> Self {
        Val::Str(Cow::Borrowed(value))
    }

    fn os(value: Option<&'a str>) -> Self {
        value.map_or(Val::Null, Val::s)
    }

    fn owned(value: Option<String>) -> Self {
        value.map_or(Val::Null, |v| Val::Str(Cow::Owned(v)))
    }

    fn n(value: i64) -> Self {
        Val::Num(value as f64)
    }

    fn on(value: Option<i64>) -> Self {
        value.map_or(Val::Null, Val::n)
    }

    fn b(value: bool) -> Self {
        Val::Bool(value)
    }
}

/// What getters may read besides the record.
pub(crate) struct Env {
    pub data: Arc<Dataset>,
    /// Tasks created through the API (searchable like seeded ones).
    pub created: Vec<Task>,
    /// Now, epoch milliseconds.
    pub now: i64,
}

/// Reads one field of a record.
pub(crate) type Getter<R> = for<'a> fn(&'a R, &'a Env) -> Val<'a>;

/// A field: its path (relative to its record) and getter.
pub(crate) type Field<R> = (&'static str, Getter<R>);

/// The kinds of global variables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum GvKind {
    String,
    Integer,
    Boolean,
    Double,
    Long,
}

impl GvKind {
    /// The kind of a `...GlobalVariables` field name.
    pub(crate) fn of_field(name: &str) -> Option<GvKind> {
        Some(match name {
            "stringGlobalVariables" => GvKind::String,
            "integerGlobalVariables" => GvKind::Integer,
            "booleanGlobalVariables" => GvKind::Boolean,
            "doubleGlobalVariables" => GvKind::Double,
            "longGlobalVariables" => GvKind::Long,
            _ => return None,
        })
    }

    pub(crate) const ALL: [(GvKind, &'static str); 5] = [
        (GvKind::String, "stringGlobalVariables"),
        (GvKind::Integer, "integerGlobalVariables"),
        (GvKind::Boolean, "booleanGlobalVariables"),
        (GvKind::Double, "doubleGlobalVariables"),
        (GvKind::Long, "longGlobalVariables"),
    ];
}

/// Which records a root query reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// Tasks and their activities (`task`, `taskDetails`).
    Tasks,
    /// Agent sessions, their channels and the channels' activities.
    Sessions,
    /// Task legs.
    Legs,
}

/// A compiled field reference: which record level it reads and how.
#[derive(Clone, Copy)]
pub(crate) enum Access {
    Task(Getter<Task>),
    Activity(Getter<Activity>),
    Session(Getter<Session>),
    Channel(Getter<ChannelInfo>),
    AgentActivity(Getter<AgentActivity>),
    Leg(Getter<Leg>),
    /// A documented field the sandbox has no data for.
    Null,
}

impl std::fmt::Debug for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Access::Task(_) => "Task",
            Access::Activity(_) => "Activity",
            Access::Session(_) => "Session",
            Access::Channel(_) => "Channel",
            Access::AgentActivity(_) => "AgentActivity",
            Access::Leg(_) => "Leg",
            Access::Null => "Null",
        })
    }
}

/// The path prefix of task activities (CAR) and of a channel's activities (AAR).
pub(crate) const ACTIVITIES: &str = "activities.nodes.";
/// The path prefix of a session's channels.
pub(crate) const CHANNELS: &str = "channelInfo.";

fn lookup<R>(table: &'static [Field<R>], path: &str) -> Option<Getter<R>> {
    table
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(_, g)| *g)
}

impl Source {
    /// How deep a path reads (0 for the root record) and how, or `None` for a path no
    /// record of this source has a getter for (the caller decides whether the facts know it).
    pub(crate) fn access(self, path: &str) -> (u8, Access) {
        let found = match self {
            Source::Tasks => match path.strip_prefix(ACTIVITIES) {
                Some(rest) => (1, lookup(ACTIVITY_FIELDS, rest).map(Access::Activity)),
                None => (0, lookup(TASK_FIELDS, path).map(Access::Task)),
            },
            Source::Sessions => match path.strip_prefix(CHANNELS) {
                Some(rest) => match rest.strip_prefix(ACTIVITIES) {
                    Some(rest) => (
                        2,
                        lookup(AGENT_ACTIVITY_FIELDS, rest).map(Access::AgentActivity),
                    ),
                    None => (1, lookup(CHANNEL_INFO_FIELDS, rest).map(Access::Channel)),
                },
                None => (0, lookup(SESSION_FIELDS, path).map(Access::Session)),
            },
            Source::Legs => (0, lookup(LEG_FIELDS, path).map(Access::Leg)),
        };
        (found.0, found.1.unwrap_or(Access::Null))
    }
}

/// One record with the records it belongs to.
#[derive(Clone, Debug)]
pub(crate) enum Item<'a> {
    Task(&'a Task),
    Activity(&'a Task, Activity),
    Session(&'a Session),
    Channel(&'a Session, ChannelInfo),
    AgentActivity(&'a Session, ChannelInfo, AgentActivity),
    Leg(&'a Leg),
}

impl<'a> Item<'a> {
    /// 0 for a root record, 1 for its activities or channels, 2 for a channel's activities.
    pub(crate) fn depth(&self) -> u8 {
        match self {
            Item::Task(_) | Item::Session(_) | Item::Leg(_) => 0,
            Item::Activity(..) | Item::Channel(..) => 1,
            Item::AgentActivity(..) => 2,
        }
    }

    /// Reads a field of this record or of a record it belongs to (`Null` for a deeper one).
    pub(crate) fn get<'b>(&'b self, access: Access, env: &'b Env) -> Val<'b> {
        match (self, access) {
            (Item::Task(t) | Item::Activity(t, _), Access::Task(g)) => g(t, env),
            (Item::Activity(_, a), Access::Activity(g)) => g(a, env),
            (
                Item::Session(s) | Item::Channel(s, _) | Item::AgentActivity(s, ..),
                Access::Session(g),
            ) => g(s, env),
            (Item::Channel(_, c) | Item::AgentActivity(_, c, _), Access::Channel(g)) => g(c, env),
            (Item::AgentActivity(.., a), Access::AgentActivity(g)) => g(a, env),
            (Item::Leg(l), Access::Leg(g)) => g(l, env),
            _ => Val::Null,
        }
    }

    /// The records one level down: a task's activities (newest first), a session's channels,
    /// a channel's activities (newest first).
    pub(crate) fn children(&self, env: &Env) -> Vec<Item<'a>> {
        match self {
            Item::Task(t) => {
                let mut list = activities(t, env);
                list.reverse();
                list.into_iter().map(|a| Item::Activity(t, a)).collect()
            }
            Item::Session(s) => channel_info(s, env)
                .into_iter()
                .map(|c| Item::Channel(s, c))
                .collect(),
            Item::Channel(s, c) => {
                let mut list = agent_activities(s, c, env);
                list.reverse();
                list.into_iter()
                    .map(|a| Item::AgentActivity(s, c.clone(), a))
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// The record's global variables of one kind, as (name, value); task legs carry their
    /// task's.
    pub(crate) fn globals(&self, kind: GvKind, env: &Env) -> Vec<(&'static str, Val<'static>)> {
        match self {
            Item::Task(t) | Item::Activity(t, _) => task_globals(t, kind),
            Item::Leg(l) => leg_task(l, env).map_or_else(Vec::new, |t| task_globals(t, kind)),
            _ => Vec::new(),
        }
    }

    /// An agent's skills (agent sessions only), as (name, level).
    pub(crate) fn skills(&self, env: &Env) -> Vec<(&'static str, i64)> {
        match self {
            Item::Session(s) | Item::Channel(s, _) | Item::AgentActivity(s, ..) => {
                session_skills(s, env)
            }
            _ => Vec::new(),
        }
    }

    /// The record's id, the last sort key.
    pub(crate) fn id(&self) -> &str {
        match self {
            Item::Task(t) => &t.id,
            Item::Activity(_, a) => &a.id,
            Item::Session(s) => &s.id,
            Item::Channel(_, c) => &c.channel_id,
            Item::AgentActivity(.., a) => &a.id,
            Item::Leg(l) => &l.id,
        }
    }

    /// When the record starts: activities page and sort by it.
    pub(crate) fn start(&self) -> i64 {
        match self {
            Item::Task(t) => t.created,
            Item::Activity(_, a) => a.created,
            Item::Session(s) | Item::Channel(s, _) => s.start,
            Item::AgentActivity(.., a) => a.start,
            Item::Leg(l) => l.created,
        }
    }
}

fn agent_name<'a>(env: &'a Env, agent: Option<u8>) -> Val<'a> {
    Val::os(env.data.agent(agent).map(|a| a.name.as_str()))
}

fn direction(task: &Task) -> &'static str {
    if task.outbound { "outbound" } else { "inbound" }
}

fn termination_reason(task: &Task) -> Option<&'static str> {
    task.ended?;
    Some(match task.termination {
        data::Termination::Abandoned => "customer_abandoned",
        data::Termination::SelfService => "selfservice_completed",
        data::Termination::Normal if task.id.as_bytes().last().is_some_and(|b| b % 2 == 0) => {
            "customer_ended"
        }
        data::Termination::Normal => "agent_ended",
    })
}

fn within_service_level(task: &Task, env: &Env) -> bool {
    task.handled()
        && env
            .data
            .queue(task.queue)
            .is_some_and(|q| task.queue_ms <= q.service_level_s * 1_000)
}

fn queue_count(task: &Task) -> i64 {
    i64::from(task.queue.is_some()) + i64::from(task.prev_queue.is_some())
}

impl Task {
    pub(crate) fn direction(&self) -> &'static str {
        direction(self)
    }
}

/// How the task ended, as Cisco's `contactHandleType` and `handleType` values read.
fn handle_type(task: &Task) -> Option<&'static str> {
    task.ended?;
    Some(match task.termination {
        data::Termination::Abandoned => "abandoned",
        data::Termination::SelfService => "self_service",
        data::Termination::Normal => "normal",
    })
}

/// Which side ended the task, as Cisco's `terminatingEnd` values read.
fn terminating_end(task: &Task) -> Option<&'static str> {
    Some(match termination_reason(task)? {
        "agent_ended" => "Agent",
        "selfservice_completed" => "System",
        _ => "Customer",
    })
}

const TASK_FIELDS: &[Field<Task>] = &[
    ("contactHandleType", |t, _| Val::os(handle_type(t))),
    ("terminatingEnd", |t, _| Val::os(terminating_end(t))),
    ("isWithinSLA", |t, e| Val::b(within_service_level(t, e))),
    ("isOutdial", |t, _| Val::b(t.outbound)),
    ("lastWrapUpCodeId", |t, e| {
        Val::os(
            t.wrapup
                .and_then(|i| e.data.aux_codes.get(usize::from(i)))
                .map(|c| c.id.as_str()),
        )
    }),
    ("connectedCount", |t, _| Val::n(i64::from(t.handled()))),
    ("selfserviceCount", |t, _| {
        Val::n(i64::from(t.selfservice_ms > 0))
    }),
    ("recordingLocation", |t, _| {
        Val::owned(t.capture.then(|| format!("recordings/{}.wav", t.id)))
    }),
    ("id", |t, _| Val::s(&t.id)),
    ("status", |t, _| Val::s(t.state.as_str())),
    ("channelType", |t, _| Val::s(t.channel.as_str())),
    ("channelSubType", |_, _| Val::Null),
    ("direction", |t, _| Val::s(direction(t))),
    ("origin", |t, e| Val::owned(e.data.origin(t))),
    ("destination", |t, e| Val::owned(e.data.destination(t))),
    ("isActive", |t, _| Val::Bool(t.is_active())),
    ("createdTime", |t, _| Val::n(t.created)),
    ("endedTime", |t, _| Val::on(t.ended)),
    ("terminationType", |t, _| {
        if t.ended.is_some() {
            Val::s(t.termination.as_str())
        } else {
            Val::Null
        }
    }),
    ("terminationReason", |t, _| Val::os(termination_reason(t))),
    ("contactReason", |t, _| {
        Val::os(data::REASONS.get(usize::from(t.reason)).copied())
    }),
    ("isCallback", |t, _| Val::Bool(t.is_callback)),
    ("isCampaign", |t, _| Val::Bool(t.is_campaign)),
    ("isContactHandled", |t, _| Val::Bool(t.handled())),
    ("isWithInServiceLevel", |t, e| {
        Val::Bool(within_service_level(t, e))
    }),
    ("lastWrapupCodeName", |t, e| Val::os(e.data.wrap_up_name(t))),
    ("csatScore", |t, _| {
        t.csat.map_or(Val::Null, |c| Val::Num(f64::from(c)))
    }),
    ("firstQueueName", |t, e| {
        Val::os(e.data.queue(t.prev_queue.or(t.queue)).map(|q| q.name))
    }),
    ("previousAgentId", |t, e| {
        Val::os(e.data.agent(t.prev_agent).map(|a| a.id.as_str()))
    }),
    ("preferredAgentSystemId", |_, _| Val::Null),
    ("captureRequested", |t, _| Val::Bool(t.capture)),
    ("totalDuration", |t, _| Val::on(t.total_ms())),
    ("selfserviceDuration", |t, _| Val::n(t.selfservice_ms)),
    ("queueDuration", |t, _| Val::n(t.queue_ms)),
    ("ringingDuration", |t, _| Val::n(t.ringing_ms)),
    ("connectedDuration", |t, _| Val::n(t.connected_ms)),
    ("holdDuration", |t, _| Val::n(t.hold_ms)),
    ("wrapupDuration", |t, _| Val::n(t.wrapup_ms)),
    ("consultDuration", |t, _| Val::n(t.consult_ms)),
    ("conferenceDuration", |t, _| Val::n(t.conference_ms)),
    ("holdCount", |t, _| Val::n(i64::from(t.hold_count))),
    ("transferCount", |t, _| Val::n(i64::from(t.transfer_count))),
    ("blindTransferCount", |t, _| {
        Val::n(i64::from(t.blind_transfer_count))
    }),
    ("consultCount", |t, _| Val::n(i64::from(t.consult_count))),
    ("conferenceCount", |t, _| {
        Val::n(i64::from(t.conference_count))
    }),
    ("queueCount", |t, _| Val::n(queue_count(t))),
    ("lastAgent.id", |t, e| {
        Val::os(e.data.agent(t.agent).map(|a| a.id.as_str()))
    }),
    ("lastAgent.name", |t, e| agent_name(e, t.agent)),
    ("lastAgent.signInId", |t, e| {
        Val::os(e.data.agent(t.agent).map(|a| a.email.as_str()))
    }),
    ("lastAgent.sessionId", |t, e| {
        Val::os(e.data.session_at(t.agent, t.created).map(|s| s.id.as_str()))
    }),
    ("lastAgent.phoneNumber", |t, e| {
        Val::os(e.data.agent(t.agent).map(|a| a.phone.as_str()))
    }),
    ("lastAgent.channelId", |t, e| {
        Val::os(
            e.data
                .agent(t.agent)
                .and_then(|a| a.channel_ids.get(t.channel.index()))
                .map(String::as_str),
        )
    }),
    ("owner.id", |t, e| {
        Val::os(e.data.agent(t.agent).map(|a| a.id.as_str()))
    }),
    ("owner.name", |t, e| agent_name(e, t.agent)),
    ("owner.signInId", |t, e| {
        Val::os(e.data.agent(t.agent).map(|a| a.email.as_str()))
    }),
    ("owner.sessionId", |t, e| {
        Val::os(e.data.session_at(t.agent, t.created).map(|s| s.id.as_str()))
    }),
    ("owner.phoneNumber", |t, e| {
        Val::os(e.data.agent(t.agent).map(|a| a.phone.as_str()))
    }),
    ("owner.channelId", |t, e| {
        Val::os(
            e.data
                .agent(t.agent)
                .and_then(|a| a.channel_ids.get(t.channel.index()))
                .map(String::as_str),
        )
    }),
    ("entryPoint.id", |t, e| {
        Val::os(e.data.entry_point(t).map(|x| x.id.as_str()))
    }),
    ("entryPoint.name", |t, e| {
        Val::os(e.data.entry_point(t).map(|x| x.name))
    }),
    ("lastQueue.id", |t, e| {
        Val::os(e.data.queue(t.queue).map(|q| q.id.as_str()))
    }),
    ("lastQueue.name", |t, e| {
        Val::os(e.data.queue(t.queue).map(|q| q.name))
    }),
    ("lastQueue.duration", |t, _| {
        if t.queue.is_some() {
            Val::n(t.queue_ms)
        } else {
            Val::Null
        }
    }),
    ("previousQueue.id", |t, e| {
        Val::os(e.data.queue(t.prev_queue).map(|q| q.id.as_str()))
    }),
    ("previousQueue.name", |t, e| {
        Val::os(e.data.queue(t.prev_queue).map(|q| q.name))
    }),
    ("lastTeam.id", |t, e| {
        Val::os(e.data.team_of(t.agent).map(|x| x.id.as_str()))
    }),
    ("lastTeam.name", |t, e| {
        Val::os(e.data.team_of(t.agent).map(|x| x.name))
    }),
    ("lastSite.id", |t, e| {
        Val::os(e.data.site_of(t.agent).map(|x| x.id.as_str()))
    }),
    ("lastSite.name", |t, e| {
        Val::os(e.data.site_of(t.agent).map(|x| x.name))
    }),
    ("lastEntryPoint.id", |t, e| {
        Val::os(e.data.entry_point(t).map(|x| x.id.as_str()))
    }),
    ("lastEntryPoint.name", |t, e| {
        Val::os(e.data.entry_point(t).map(|x| x.name))
    }),
    ("customer.name", |t, e| {
        Val::os(e.data.customer(t).map(|c| c.name.as_str()))
    }),
    ("customer.phoneNumber", |t, e| {
        Val::os(e.data.customer(t).map(|c| c.phone.as_str()))
    }),
    ("customer.email", |t, e| {
        Val::os(e.data.customer(t).map(|c| c.email.as_str()))
    }),
    ("callbackData.callbackRequestTime", |t, _| {
        Val::on(t.callback.as_ref().map(|c| c.requested))
    }),
    ("callbackData.callbackConnectTime", |t, _| {
        Val::on(t.callback.as_ref().and_then(|c| c.connected))
    }),
    ("callbackData.callbackNumber", |t, e| {
        if t.callback.is_some() {
            Val::os(e.data.customer(t).map(|c| c.phone.as_str()))
        } else {
            Val::Null
        }
    }),
    ("callbackData.callbackStatus", |t, _| {
        Val::os(t.callback.as_ref().map(|c| c.status))
    }),
    ("callbackData.callbackOrigin", |t, _| {
        Val::os(t.callback.as_ref().map(|_| "ivr"))
    }),
    ("callbackData.callbackType", |t, _| {
        Val::os(t.callback.as_ref().map(|_| "immediate"))
    }),
    ("callbackData.callbackQueueName", |t, e| {
        if t.callback.is_some() {
            Val::os(e.data.queue(t.queue).map(|q| q.name))
        } else {
            Val::Null
        }
    }),
    ("callbackData.callbackAgentName", |t, e| {
        if t.callback.is_some() {
            agent_name(e, t.agent)
        } else {
            Val::Null
        }
    }),
    ("callbackData.callbackTeamName", |t, e| {
        if t.callback.is_some() {
            Val::os(e.data.team_of(t.agent).map(|x| x.name))
        } else {
            Val::Null
        }
    }),
    ("callbackData.callbackRetryCount", |t, _| {
        Val::on(t.callback.as_ref().map(|c| i64::from(c.retries)))
    }),
    ("channelMetaData.email.subject", |t, _| {
        if t.channel == Channel::Email {
            Val::os(data::REASONS.get(usize::from(t.reason)).copied())
        } else {
            Val::Null
        }
    }),
    ("channelMetaData.chat.chatReason", |t, _| {
        if t.channel == Channel::Chat {
            Val::os(data::REASONS.get(usize::from(t.reason)).copied())
        } else {
            Val::Null
        }
    }),
];

/// One activity (CAR entry) of a task, computed from the task on demand.
#[derive(Clone, Debug)]
pub(crate) struct Activity {
    pub id: String,
    pub event: &'static str,
    pub created: i64,
    pub ended: Option<i64>,
    pub agent: Option<u8>,
    pub queue: Option<u8>,
    /// The task's entry point (index into the data set's entry points).
    pub entry: u8,
}

impl Activity {
    pub(crate) fn duration(&self) -> Option<i64> {
        self.ended.map(|e| e - self.created)
    }
}

/// A task's activities in time order, named as the activities in Cisco's published responses:
/// `new` (self-service), `parked` (queued), `connect` (offered), `connected`, `on-hold` and
/// `hold-done`, `WrapUp` and `ended`, as far as the task got.
pub(crate) fn activities(task: &Task, env: &Env) -> Vec<Activity> {
    let now = env.now;
    let mut out = Vec::with_capacity(8);
    let mut push = |event: &'static str, start: i64, length: i64, agent, queue| {
        let ended = start + length;
        out.push(Activity {
            id: String::new(),
            event,
            created: start,
            ended: (task.ended.is_some() || ended < now).then_some(ended),
            agent,
            queue,
            entry: task.entry_point,
        });
    };
    let mut at = task.created;
    push("new", at, task.selfservice_ms, None, None);
    at += task.selfservice_ms;
    if task.queue.is_some() && task.state != data::TaskState::Created {
        push("parked", at, task.queue_ms, None, task.queue);
        at += task.queue_ms;
    }
    if task.agent.is_some() {
        push("connect", at, task.ringing_ms, task.agent, task.queue);
        at += task.ringing_ms;
        push("connected", at, task.connected_ms, task.agent, task.queue);
        let holds = i64::from(task.hold_count);
        for k in 0..holds {
            let start = at + (k + 1) * task.connected_ms / (holds + 1);
            push(
                "on-hold",
                start,
                task.hold_ms / holds,
                task.agent,
                task.queue,
            );
            push(
                "hold-done",
                start + task.hold_ms / holds,
                0,
                task.agent,
                task.queue,
            );
        }
        if task.ended.is_some() {
            push(
                "WrapUp",
                at + task.connected_ms,
                task.wrapup_ms,
                task.agent,
                task.queue,
            );
        }
    }
    if let Some(end) = task.ended {
        push("ended", end, 0, task.agent, task.queue);
    }
    out.sort_by_key(|a| a.created);
    for (i, activity) in out.iter_mut().enumerate() {
        activity.id = format!("{}-{}-{}", task.id, activity.created, i + 1);
    }
    out
}

const ACTIVITY_FIELDS: &[Field<Activity>] = &[
    ("id", |a, _| Val::s(&a.id)),
    ("activityName", |a, _| Val::s(a.event)),
    ("agentSessionId", |a, e| {
        Val::os(e.data.session_at(a.agent, a.created).map(|s| s.id.as_str()))
    }),
    ("siteId", |a, e| {
        Val::os(e.data.site_of(a.agent).map(|x| x.id.as_str()))
    }),
    ("siteName", |a, e| {
        Val::os(e.data.site_of(a.agent).map(|x| x.name))
    }),
    ("lastActivityTime", |a, _| {
        Val::n(a.ended.unwrap_or(a.created))
    }),
    ("entrypointId", |a, e| {
        Val::os(
            e.data
                .entry_points
                .get(usize::from(a.entry))
                .map(|x| x.id.as_str()),
        )
    }),
    ("entrypointName", |a, e| {
        Val::os(
            e.data
                .entry_points
                .get(usize::from(a.entry))
                .map(|x| x.name),
        )
    }),
    ("eventName", |a, _| Val::s(a.event)),
    ("createdTime", |a, _| Val::n(a.created)),
    ("endedTime", |a, _| Val::on(a.ended)),
    ("duration", |a, _| Val::on(a.duration())),
    ("isActive", |a, _| Val::Bool(a.ended.is_none())),
    ("agentId", |a, e| {
        Val::os(e.data.agent(a.agent).map(|x| x.id.as_str()))
    }),
    ("agentName", |a, e| agent_name(e, a.agent)),
    ("queueId", |a, e| {
        Val::os(e.data.queue(a.queue).map(|x| x.id.as_str()))
    }),
    ("queueName", |a, e| {
        Val::os(e.data.queue(a.queue).map(|x| x.name))
    }),
    ("teamId", |a, e| {
        Val::os(e.data.team_of(a.agent).map(|x| x.id.as_str()))
    }),
    ("teamName", |a, e| {
        Val::os(e.data.team_of(a.agent).map(|x| x.name))
    }),
];

/// One channel of an agent session.
#[derive(Clone, Debug)]
pub(crate) struct ChannelInfo {
    pub channel: Channel,
    /// `idle`, `available` or `connected` for an open session; `None` once it ended.
    pub current_state: Option<&'static str>,
    /// The idle code of the session's idle periods.
    pub idle_code: Option<&'static str>,
    pub channel_id: String,
    pub total_ms: i64,
    pub available_ms: i64,
    pub idle_ms: i64,
    pub idle_count: u32,
    pub totals: data::ChannelTotals,
}

fn idle_code(session: &Session, env: &Env) -> Option<&'static str> {
    let idle: Vec<&data::AuxCode> = env.data.aux_codes.iter().filter(|c| !c.wrap_up).collect();
    let pick = session
        .id
        .as_bytes()
        .first()
        .copied()
        .map_or(0, usize::from);
    idle.get(pick % idle.len().max(1)).map(|c| c.name)
}

/// An agent's skills: two per team, levels derived from the agent so filters on a skill's
/// name and level together select some agents and not others.
fn session_skills(session: &Session, env: &Env) -> Vec<(&'static str, i64)> {
    let Some(agent) = env.data.agent(Some(session.agent)) else {
        return Vec::new();
    };
    let count = env.data.skills.len().max(1);
    (0..2)
        .filter_map(|k| {
            let skill = env.data.skills.get((agent.team * 2 + k) % count)?;
            Some((
                skill.name,
                1 + ((i64::from(session.agent) + k as i64 * 3) % 10),
            ))
        })
        .collect()
}

pub(crate) fn channel_info(session: &Session, env: &Env) -> Vec<ChannelInfo> {
    Channel::ALL
        .iter()
        .map(|channel| {
            let i = channel.index();
            ChannelInfo {
                channel: *channel,
                channel_id: env
                    .data
                    .agent(Some(session.agent))
                    .and_then(|a| a.channel_ids.get(i))
                    .cloned()
                    .unwrap_or_default(),
                total_ms: session.duration_ms(env.now),
                available_ms: session.available_ms(i, env.now),
                idle_ms: session.idle_ms,
                idle_count: session.idle_count,
                totals: session.channels.get(i).copied().unwrap_or_default(),
                current_state: session.end.is_none().then_some(match i {
                    0 => "connected",
                    1 => "available",
                    _ => "idle",
                }),
                idle_code: idle_code(session, env),
            }
        })
        .collect()
}

/// The activities (AAR records) of one channel of a session, in time order: the login
/// (`available`), idle periods, then `ringing`, `connected` and `wrapup` for each task of that
/// channel the agent handled during the session, and `logged-out` when the session ended.
/// States are named as in Cisco's published agent activity records.
pub(crate) fn agent_activities(
    session: &Session,
    channel: &ChannelInfo,
    env: &Env,
) -> Vec<AgentActivity> {
    let end = session.end.unwrap_or(env.now);
    let mut out: Vec<AgentActivity> = Vec::new();
    let mut push = |state: &'static str, start: i64, length: i64, task: Option<&str>| {
        let stop = start + length;
        out.push(AgentActivity {
            id: String::new(),
            state,
            start,
            end: (stop <= end && (session.end.is_some() || stop < env.now)).then_some(stop),
            task_id: task.map(str::to_owned),
            login: state == "available" && start == session.start,
            logout: state == "logged-out",
        });
    };
    let idle_each = session.idle_ms / i64::from(session.idle_count.max(1));
    push("available", session.start, 60_000, None);
    for k in 0..i64::from(session.idle_count) {
        let at =
            session.start + (k + 1) * (end - session.start) / (i64::from(session.idle_count) + 1);
        push("idle", at, idle_each, None);
    }
    let tasks = &env.data.tasks;
    let first = tasks.partition_point(|t| t.created < session.start);
    for task in tasks.get(first..).unwrap_or_default() {
        if task.created >= end {
            break;
        }
        if task.agent != Some(session.agent) || task.channel != channel.channel {
            continue;
        }
        let offered = task.created + task.selfservice_ms + task.queue_ms;
        push("ringing", offered, task.ringing_ms, Some(&task.id));
        push(
            "connected",
            offered + task.ringing_ms,
            task.connected_ms,
            Some(&task.id),
        );
        if task.ended.is_some() {
            let wrap = offered + task.ringing_ms + task.connected_ms;
            push("wrapup", wrap, task.wrapup_ms, Some(&task.id));
        }
    }
    if let Some(ended) = session.end {
        push("logged-out", ended, 0, None);
    }
    out.sort_by_key(|a| a.start);
    for activity in &mut out {
        activity.id = format!(
            "{}-{}-{}-{}",
            channel.channel_id,
            channel.channel.as_str(),
            activity.start,
            activity.state
        );
    }
    out
}

/// One agent activity (AAR record).
#[derive(Clone, Debug)]
pub(crate) struct AgentActivity {
    pub id: String,
    pub state: &'static str,
    pub start: i64,
    pub end: Option<i64>,
    pub task_id: Option<String>,
    pub login: bool,
    pub logout: bool,
}

const AGENT_ACTIVITY_FIELDS: &[Field<AgentActivity>] = &[
    ("id", |a, _| Val::s(&a.id)),
    ("state", |a, _| Val::s(a.state)),
    ("startTime", |a, _| Val::n(a.start)),
    ("endTime", |a, _| Val::on(a.end)),
    ("duration", |a, _| Val::on(a.end.map(|e| e - a.start))),
    ("taskId", |a, _| Val::os(a.task_id.as_deref())),
    ("isLoginActivity", |a, _| Val::b(a.login)),
    ("isLogoutActivity", |a, _| Val::b(a.logout)),
    ("isCurrentActivity", |a, _| Val::b(a.end.is_none())),
    ("isOutdial", |_, _| Val::b(false)),
];

const CHANNEL_INFO_FIELDS: &[Field<ChannelInfo>] = &[
    ("currentState", |c, _| Val::os(c.current_state)),
    ("ringingCount", |c, _| Val::n(i64::from(c.totals.tasks))),
    ("wrapupCount", |c, _| Val::n(i64::from(c.totals.tasks))),
    ("availableCount", |_, _| Val::n(1)),
    ("idleCodeName", |c, _| Val::os(c.idle_code)),
    ("channelId", |c, _| Val::s(&c.channel_id)),
    ("channelType", |c, _| Val::s(c.channel.as_str())),
    ("totalDuration", |c, _| Val::n(c.total_ms)),
    ("availableDuration", |c, _| Val::n(c.available_ms)),
    ("idleDuration", |c, _| Val::n(c.idle_ms)),
    ("idleCount", |c, _| Val::n(i64::from(c.idle_count))),
    ("connectedDuration", |c, _| Val::n(c.totals.connected_ms)),
    ("holdDuration", |c, _| Val::n(c.totals.hold_ms)),
    ("wrapupDuration", |c, _| Val::n(c.totals.wrapup_ms)),
    ("ringingDuration", |c, _| Val::n(c.totals.ringing_ms)),
    ("connectedCount", |c, _| Val::n(i64::from(c.totals.tasks))),
];

const SESSION_FIELDS: &[Field<Session>] = &[
    ("userLoginId", |s, e| {
        Val::os(e.data.agent(Some(s.agent)).map(|a| a.email.as_str()))
    }),
    ("orgId", |_, e| Val::s(&e.data.org_id)),
    ("state", |s, _| {
        Val::s(if s.end.is_some() {
            "LoggedOut"
        } else {
            "Available"
        })
    }),
    ("skillsProfile", |s, e| {
        Val::os(e.data.team_of(Some(s.agent)).map(|t| t.name))
    }),
    ("agentSessionId", |s, _| Val::s(&s.id)),
    ("agentId", |s, e| {
        Val::os(e.data.agent(Some(s.agent)).map(|a| a.id.as_str()))
    }),
    ("agentName", |s, e| agent_name(e, Some(s.agent))),
    ("teamId", |s, e| {
        Val::os(e.data.team_of(Some(s.agent)).map(|x| x.id.as_str()))
    }),
    ("teamName", |s, e| {
        Val::os(e.data.team_of(Some(s.agent)).map(|x| x.name))
    }),
    ("siteId", |s, e| {
        Val::os(e.data.site_of(Some(s.agent)).map(|x| x.id.as_str()))
    }),
    ("siteName", |s, e| {
        Val::os(e.data.site_of(Some(s.agent)).map(|x| x.name))
    }),
    ("startTime", |s, _| Val::n(s.start)),
    ("endTime", |s, _| Val::on(s.end)),
    ("isActive", |s, _| Val::Bool(s.end.is_none())),
];

/// A leg with access to its task (legs read most of their fields from the task).
pub(crate) fn leg_task<'a>(leg: &Leg, env: &'a Env) -> Option<&'a Task> {
    env.data.tasks.get(leg.task as usize)
}

const LEG_FIELDS: &[Field<Leg>] = &[
    ("handleType", |l, e| {
        if l.handled {
            Val::s("normal")
        } else if l.ended.is_some() {
            Val::os(leg_task(l, e).and_then(handle_type))
        } else {
            Val::Null
        }
    }),
    ("isTaskLegHandled", |l, _| Val::b(l.handled)),
    ("isChildLeg", |_, _| Val::b(false)),
    ("queueCount", |l, _| Val::n(i64::from(l.queue.is_some()))),
    ("terminatingEnd", |l, e| {
        Val::os(leg_task(l, e).and_then(terminating_end))
    }),
    ("terminationReason", |l, e| {
        Val::os(leg_task(l, e).and_then(termination_reason))
    }),
    ("id", |l, _| Val::s(&l.id)),
    ("taskId", |l, e| {
        Val::os(leg_task(l, e).map(|t| t.id.as_str()))
    }),
    ("status", |l, _| {
        Val::s(if l.ended.is_some() { "ended" } else { "active" })
    }),
    ("channelType", |l, e| {
        Val::os(leg_task(l, e).map(|t| t.channel.as_str()))
    }),
    ("direction", |l, e| Val::os(leg_task(l, e).map(direction))),
    ("origin", |l, e| {
        Val::owned(leg_task(l, e).and_then(|t| e.data.origin(t)))
    }),
    ("destination", |l, e| {
        Val::owned(leg_task(l, e).and_then(|t| e.data.destination(t)))
    }),
    ("isActive", |l, _| Val::Bool(l.ended.is_none())),
    ("createdTime", |l, _| Val::n(l.created)),
    ("endedTime", |l, _| Val::on(l.ended)),
    ("queueDuration", |l, _| Val::n(l.queue_ms)),
    ("ringingDuration", |l, _| Val::n(l.ringing_ms)),
    ("connectedDuration", |l, _| Val::n(l.connected_ms)),
    ("holdDuration", |l, _| Val::n(l.hold_ms)),
    ("wrapupDuration", |l, _| Val::n(l.wrapup_ms)),
    ("owner.id", |l, e| {
        Val::os(e.data.agent(l.agent).map(|a| a.id.as_str()))
    }),
    ("owner.name", |l, e| agent_name(e, l.agent)),
    ("queue.id", |l, e| {
        Val::os(e.data.queue(l.queue).map(|q| q.id.as_str()))
    }),
    ("queue.name", |l, e| {
        Val::os(e.data.queue(l.queue).map(|q| q.name))
    }),
    ("team.id", |l, e| {
        Val::os(e.data.team_of(l.agent).map(|x| x.id.as_str()))
    }),
    ("team.name", |l, e| {
        Val::os(e.data.team_of(l.agent).map(|x| x.name))
    }),
    ("site.id", |l, e| {
        Val::os(e.data.site_of(l.agent).map(|x| x.id.as_str()))
    }),
    ("site.name", |l, e| {
        Val::os(e.data.site_of(l.agent).map(|x| x.name))
    }),
    ("entryPoint.id", |l, e| {
        Val::os(
            leg_task(l, e)
                .and_then(|t| e.data.entry_point(t))
                .map(|x| x.id.as_str()),
        )
    }),
    ("entryPoint.name", |l, e| {
        Val::os(
            leg_task(l, e)
                .and_then(|t| e.data.entry_point(t))
                .map(|x| x.name),
        )
    }),
];

/// The sandbox's global variables, named as Cisco's Search samples name them (`GV1`, `GV2`,
/// `GV59`, `BooleanGV`, `DateAndTime`, `Global_Language`, `Location`, `VIPCustomer`,
/// `AccountId`, `CustomerId`, `Global_FeedbackSurveyOptIn`), plus `AccountTier` and
/// `Priority`, with values derived from the task so filters and aggregations over them mean
/// something.
fn task_globals(task: &Task, kind: GvKind) -> Vec<(&'static str, Val<'static>)> {
    let language = data::LANGUAGES.get(usize::from(task.language)).copied();
    let tier = data::TIERS.get(usize::from(task.tier)).copied();
    let byte = task.id.as_bytes().first().copied().unwrap_or(0);
    match kind {
        GvKind::String => vec![
            ("Global_Language", Val::os(language)),
            ("AccountTier", Val::os(tier)),
            (
                "GV1",
                Val::os(Some(if byte % 2 == 0 { "ABC123" } else { "XYZ789" })),
            ),
            ("GV59", Val::os(Some("GV59"))),
            (
                "Location",
                Val::os(Some(if byte % 3 == 0 { "Austin" } else { "Dublin" })),
            ),
            (
                "VIPCustomer",
                Val::os(Some(if task.vip { "YES" } else { "NO" })),
            ),
            (
                "CustomerId",
                Val::owned(Some(format!("C-{}", task.customer))),
            ),
            (
                "Global_FeedbackSurveyOptIn",
                Val::os(Some(if task.csat.is_some() { "true" } else { "false" })),
            ),
        ],
        GvKind::Integer => vec![
            ("Priority", Val::n(i64::from(task.priority))),
            ("GV2", Val::n(i64::from(byte) * 7)),
            ("AccountId", Val::n(100_000 + i64::from(task.customer))),
        ],
        GvKind::Boolean => vec![
            ("VipCustomer", Val::b(task.vip)),
            ("VIPCustomer", Val::b(task.vip)),
            ("BooleanGV", Val::b(byte % 2 == 0)),
        ],
        GvKind::Long => vec![("DateAndTime", Val::n(task.created))],
        GvKind::Double => vec![(
            "CSATWeight",
            Val::Num(f64::from(task.csat.unwrap_or(0)) / 5.0),
        )],
    }
}
