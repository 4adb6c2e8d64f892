//! Field access on Search records by path (`lastAgent.id`), shared by filters, group-by and
//! aggregations. Each record type lists its fields once, with their kind and a getter.

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
}

/// The kind of a field, checked when a query names it in an aggregation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Str,
    Num,
    Bool,
}

/// What getters may read besides the record.
pub(crate) struct Env {
    pub data: Arc<Dataset>,
    /// Now, epoch milliseconds.
    pub now: i64,
}

/// Reads one field of a record.
pub(crate) type Getter<R> = for<'a> fn(&'a R, &'a Env) -> Val<'a>;

/// A field: its path, kind and getter.
pub(crate) type Field<R> = (&'static str, Kind, Getter<R>);

/// The kinds of global variables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum GvKind {
    String,
    Integer,
    Boolean,
    Double,
    Long,
}

/// A record type Search can filter, group and aggregate.
pub(crate) trait Record: Sized + 'static {
    /// Nested records reachable by an any-match filter (task activities, session channels).
    type Child: Record;

    /// Every filterable and groupable field.
    fn fields() -> &'static [Field<Self>];

    /// The nested records.
    fn children(&self, _env: &Env) -> Vec<Self::Child> {
        Vec::new()
    }

    /// The record's global variables of one kind, as (name, value).
    fn globals(&self, _kind: GvKind) -> Vec<(&'static str, Val<'static>)> {
        Vec::new()
    }

    /// The record's id, the final sort key.
    fn id(&self) -> &str;

    /// The index of a field by path.
    fn field_index(path: &str) -> Option<usize> {
        Self::fields().iter().position(|(name, _, _)| *name == path)
    }

    /// Reads a field by index (`Null` for an unknown index).
    fn get<'a>(&'a self, index: usize, env: &'a Env) -> Val<'a> {
        Self::fields()
            .get(index)
            .map_or(Val::Null, |(_, _, getter)| getter(self, env))
    }
}

/// A record type without nested records.
pub(crate) struct NoChild;

impl Record for NoChild {
    type Child = NoChild;

    fn fields() -> &'static [Field<Self>] {
        &[]
    }

    fn id(&self) -> &str {
        ""
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

const TASK_FIELDS: &[Field<Task>] = &[
    ("id", Kind::Str, |t, _| Val::s(&t.id)),
    ("status", Kind::Str, |t, _| Val::s(t.state.as_str())),
    ("channelType", Kind::Str, |t, _| Val::s(t.channel.as_str())),
    ("channelSubType", Kind::Str, |_, _| Val::Null),
    ("direction", Kind::Str, |t, _| Val::s(direction(t))),
    ("origin", Kind::Str, |t, e| Val::owned(e.data.origin(t))),
    ("destination", Kind::Str, |t, e| {
        Val::owned(e.data.destination(t))
    }),
    ("isActive", Kind::Bool, |t, _| Val::Bool(t.is_active())),
    ("createdTime", Kind::Num, |t, _| Val::n(t.created)),
    ("endedTime", Kind::Num, |t, _| Val::on(t.ended)),
    ("terminationType", Kind::Str, |t, _| {
        if t.ended.is_some() {
            Val::s(t.termination.as_str())
        } else {
            Val::Null
        }
    }),
    ("terminationReason", Kind::Str, |t, _| {
        Val::os(termination_reason(t))
    }),
    ("contactReason", Kind::Str, |t, _| {
        Val::os(data::REASONS.get(usize::from(t.reason)).copied())
    }),
    ("isCallback", Kind::Bool, |t, _| Val::Bool(t.is_callback)),
    ("isCampaign", Kind::Bool, |t, _| Val::Bool(t.is_campaign)),
    ("isContactHandled", Kind::Bool, |t, _| {
        Val::Bool(t.handled())
    }),
    ("isWithInServiceLevel", Kind::Bool, |t, e| {
        Val::Bool(within_service_level(t, e))
    }),
    ("lastWrapupCodeName", Kind::Str, |t, e| {
        Val::os(e.data.wrap_up_name(t))
    }),
    ("csatScore", Kind::Num, |t, _| {
        t.csat.map_or(Val::Null, |c| Val::Num(f64::from(c)))
    }),
    ("firstQueueName", Kind::Str, |t, e| {
        Val::os(e.data.queue(t.prev_queue.or(t.queue)).map(|q| q.name))
    }),
    ("previousAgentId", Kind::Str, |t, e| {
        Val::os(e.data.agent(t.prev_agent).map(|a| a.id.as_str()))
    }),
    ("preferredAgentSystemId", Kind::Str, |_, _| Val::Null),
    ("captureRequested", Kind::Bool, |t, _| Val::Bool(t.capture)),
    ("totalDuration", Kind::Num, |t, _| Val::on(t.total_ms())),
    ("selfserviceDuration", Kind::Num, |t, _| {
        Val::n(t.selfservice_ms)
    }),
    ("queueDuration", Kind::Num, |t, _| Val::n(t.queue_ms)),
    ("ringingDuration", Kind::Num, |t, _| Val::n(t.ringing_ms)),
    ("connectedDuration", Kind::Num, |t, _| {
        Val::n(t.connected_ms)
    }),
    ("holdDuration", Kind::Num, |t, _| Val::n(t.hold_ms)),
    ("wrapupDuration", Kind::Num, |t, _| Val::n(t.wrapup_ms)),
    ("consultDuration", Kind::Num, |t, _| Val::n(t.consult_ms)),
    ("conferenceDuration", Kind::Num, |t, _| {
        Val::n(t.conference_ms)
    }),
    ("holdCount", Kind::Num, |t, _| {
        Val::n(i64::from(t.hold_count))
    }),
    ("transferCount", Kind::Num, |t, _| {
        Val::n(i64::from(t.transfer_count))
    }),
    ("blindTransferCount", Kind::Num, |t, _| {
        Val::n(i64::from(t.blind_transfer_count))
    }),
    ("consultCount", Kind::Num, |t, _| {
        Val::n(i64::from(t.consult_count))
    }),
    ("conferenceCount", Kind::Num, |t, _| {
        Val::n(i64::from(t.conference_count))
    }),
    ("queueCount", Kind::Num, |t, _| Val::n(queue_count(t))),
    ("lastAgent.id", Kind::Str, |t, e| {
        Val::os(e.data.agent(t.agent).map(|a| a.id.as_str()))
    }),
    ("lastAgent.name", Kind::Str, |t, e| agent_name(e, t.agent)),
    ("lastAgent.signInId", Kind::Str, |t, e| {
        Val::os(e.data.agent(t.agent).map(|a| a.email.as_str()))
    }),
    ("lastAgent.sessionId", Kind::Str, |t, e| {
        Val::os(e.data.session_at(t.agent, t.created).map(|s| s.id.as_str()))
    }),
    ("lastAgent.phoneNumber", Kind::Str, |t, e| {
        Val::os(e.data.agent(t.agent).map(|a| a.phone.as_str()))
    }),
    ("lastAgent.channelId", Kind::Str, |t, e| {
        Val::os(
            e.data
                .agent(t.agent)
                .and_then(|a| a.channel_ids.get(t.channel.index()))
                .map(String::as_str),
        )
    }),
    ("owner.id", Kind::Str, |t, e| {
        Val::os(e.data.agent(t.agent).map(|a| a.id.as_str()))
    }),
    ("owner.name", Kind::Str, |t, e| agent_name(e, t.agent)),
    ("lastQueue.id", Kind::Str, |t, e| {
        Val::os(e.data.queue(t.queue).map(|q| q.id.as_str()))
    }),
    ("lastQueue.name", Kind::Str, |t, e| {
        Val::os(e.data.queue(t.queue).map(|q| q.name))
    }),
    ("lastQueue.duration", Kind::Num, |t, _| {
        if t.queue.is_some() {
            Val::n(t.queue_ms)
        } else {
            Val::Null
        }
    }),
    ("previousQueue.id", Kind::Str, |t, e| {
        Val::os(e.data.queue(t.prev_queue).map(|q| q.id.as_str()))
    }),
    ("previousQueue.name", Kind::Str, |t, e| {
        Val::os(e.data.queue(t.prev_queue).map(|q| q.name))
    }),
    ("lastTeam.id", Kind::Str, |t, e| {
        Val::os(e.data.team_of(t.agent).map(|x| x.id.as_str()))
    }),
    ("lastTeam.name", Kind::Str, |t, e| {
        Val::os(e.data.team_of(t.agent).map(|x| x.name))
    }),
    ("lastSite.id", Kind::Str, |t, e| {
        Val::os(e.data.site_of(t.agent).map(|x| x.id.as_str()))
    }),
    ("lastSite.name", Kind::Str, |t, e| {
        Val::os(e.data.site_of(t.agent).map(|x| x.name))
    }),
    ("lastEntryPoint.id", Kind::Str, |t, e| {
        Val::os(e.data.entry_point(t).map(|x| x.id.as_str()))
    }),
    ("lastEntryPoint.name", Kind::Str, |t, e| {
        Val::os(e.data.entry_point(t).map(|x| x.name))
    }),
    ("customer.name", Kind::Str, |t, e| {
        Val::os(e.data.customer(t).map(|c| c.name.as_str()))
    }),
    ("customer.phoneNumber", Kind::Str, |t, e| {
        Val::os(e.data.customer(t).map(|c| c.phone.as_str()))
    }),
    ("customer.email", Kind::Str, |t, e| {
        Val::os(e.data.customer(t).map(|c| c.email.as_str()))
    }),
    ("callbackData.callbackRequestTime", Kind::Num, |t, _| {
        Val::on(t.callback.as_ref().map(|c| c.requested))
    }),
    ("callbackData.callbackConnectTime", Kind::Num, |t, _| {
        Val::on(t.callback.as_ref().and_then(|c| c.connected))
    }),
    ("callbackData.callbackNumber", Kind::Str, |t, e| {
        if t.callback.is_some() {
            Val::os(e.data.customer(t).map(|c| c.phone.as_str()))
        } else {
            Val::Null
        }
    }),
    ("callbackData.callbackStatus", Kind::Str, |t, _| {
        Val::os(t.callback.as_ref().map(|c| c.status))
    }),
    ("callbackData.callbackOrigin", Kind::Str, |t, _| {
        Val::os(t.callback.as_ref().map(|_| "ivr"))
    }),
    ("callbackData.callbackType", Kind::Str, |t, _| {
        Val::os(t.callback.as_ref().map(|_| "immediate"))
    }),
    ("callbackData.callbackQueueName", Kind::Str, |t, e| {
        if t.callback.is_some() {
            Val::os(e.data.queue(t.queue).map(|q| q.name))
        } else {
            Val::Null
        }
    }),
    ("callbackData.callbackAgentName", Kind::Str, |t, e| {
        if t.callback.is_some() {
            agent_name(e, t.agent)
        } else {
            Val::Null
        }
    }),
    ("callbackData.callbackTeamName", Kind::Str, |t, e| {
        if t.callback.is_some() {
            Val::os(e.data.team_of(t.agent).map(|x| x.name))
        } else {
            Val::Null
        }
    }),
    ("callbackData.callbackRetryCount", Kind::Num, |t, _| {
        Val::on(t.callback.as_ref().map(|c| i64::from(c.retries)))
    }),
    ("channelMetaData.email.subject", Kind::Str, |t, _| {
        if t.channel == Channel::Email {
            Val::os(data::REASONS.get(usize::from(t.reason)).copied())
        } else {
            Val::Null
        }
    }),
    ("channelMetaData.chat.chatReason", Kind::Str, |t, _| {
        if t.channel == Channel::Chat {
            Val::os(data::REASONS.get(usize::from(t.reason)).copied())
        } else {
            Val::Null
        }
    }),
];

impl Record for Task {
    type Child = Activity;

    fn fields() -> &'static [Field<Self>] {
        TASK_FIELDS
    }

    fn children(&self, env: &Env) -> Vec<Activity> {
        activities(self, env)
    }

    fn globals(&self, kind: GvKind) -> Vec<(&'static str, Val<'static>)> {
        match kind {
            GvKind::String => vec![
                (
                    "Global_Language",
                    Val::os(data::LANGUAGES.get(usize::from(self.language)).copied()),
                ),
                (
                    "AccountTier",
                    Val::os(data::TIERS.get(usize::from(self.tier)).copied()),
                ),
            ],
            GvKind::Integer => vec![("Priority", Val::n(i64::from(self.priority)))],
            GvKind::Boolean => vec![("VipCustomer", Val::Bool(self.vip))],
            GvKind::Double | GvKind::Long => Vec::new(),
        }
    }

    fn id(&self) -> &str {
        &self.id
    }
}

/// One activity (CAR entry) of a task, computed from the task on demand.
#[derive(Clone, Debug)]
pub(crate) struct Activity {
    pub id: String,
    pub event: &'static str,
    pub created: i64,
    pub ended: Option<i64>,
    pub agent: Option<u8>,
    pub queue: Option<u8>,
}

impl Activity {
    pub(crate) fn duration(&self) -> Option<i64> {
        self.ended.map(|e| e - self.created)
    }
}

/// A task's activities in time order: self-service, queue (`parked`), offer (`ringing`),
/// `connected`, holds, `wrapup` and `ended`, as far as the task got.
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
        });
    };
    let mut at = task.created;
    push("created", at, task.selfservice_ms, None, None);
    at += task.selfservice_ms;
    if task.queue.is_some() && task.state != data::TaskState::Created {
        push("parked", at, task.queue_ms, None, task.queue);
        at += task.queue_ms;
    }
    if task.agent.is_some() {
        push("ringing", at, task.ringing_ms, task.agent, task.queue);
        at += task.ringing_ms;
        push("connected", at, task.connected_ms, task.agent, task.queue);
        let holds = i64::from(task.hold_count);
        for k in 0..holds {
            let start = at + (k + 1) * task.connected_ms / (holds + 1);
            push("hold", start, task.hold_ms / holds, task.agent, task.queue);
        }
        if task.ended.is_some() {
            push(
                "wrapup",
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
        activity.id = format!("{}-{}", task.id, i + 1);
    }
    out
}

const ACTIVITY_FIELDS: &[Field<Activity>] = &[
    ("id", Kind::Str, |a, _| Val::s(&a.id)),
    ("eventName", Kind::Str, |a, _| Val::s(a.event)),
    ("createdTime", Kind::Num, |a, _| Val::n(a.created)),
    ("endedTime", Kind::Num, |a, _| Val::on(a.ended)),
    ("duration", Kind::Num, |a, _| Val::on(a.duration())),
    ("isActive", Kind::Bool, |a, _| Val::Bool(a.ended.is_none())),
    ("agentId", Kind::Str, |a, e| {
        Val::os(e.data.agent(a.agent).map(|x| x.id.as_str()))
    }),
    ("agentName", Kind::Str, |a, e| agent_name(e, a.agent)),
    ("queueId", Kind::Str, |a, e| {
        Val::os(e.data.queue(a.queue).map(|x| x.id.as_str()))
    }),
    ("queueName", Kind::Str, |a, e| {
        Val::os(e.data.queue(a.queue).map(|x| x.name))
    }),
    ("teamId", Kind::Str, |a, e| {
        Val::os(e.data.team_of(a.agent).map(|x| x.id.as_str()))
    }),
    ("teamName", Kind::Str, |a, e| {
        Val::os(e.data.team_of(a.agent).map(|x| x.name))
    }),
];

impl Record for Activity {
    type Child = NoChild;

    fn fields() -> &'static [Field<Self>] {
        ACTIVITY_FIELDS
    }

    fn id(&self) -> &str {
        &self.id
    }
}

/// One channel of an agent session.
#[derive(Clone, Debug)]
pub(crate) struct ChannelInfo {
    pub channel: Channel,
    pub channel_id: String,
    pub total_ms: i64,
    pub available_ms: i64,
    pub idle_ms: i64,
    pub idle_count: u32,
    pub totals: data::ChannelTotals,
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
            }
        })
        .collect()
}

const CHANNEL_INFO_FIELDS: &[Field<ChannelInfo>] = &[
    ("channelId", Kind::Str, |c, _| Val::s(&c.channel_id)),
    ("channelType", Kind::Str, |c, _| Val::s(c.channel.as_str())),
    ("totalDuration", Kind::Num, |c, _| Val::n(c.total_ms)),
    ("availableDuration", Kind::Num, |c, _| {
        Val::n(c.available_ms)
    }),
    ("idleDuration", Kind::Num, |c, _| Val::n(c.idle_ms)),
    ("idleCount", Kind::Num, |c, _| {
        Val::n(i64::from(c.idle_count))
    }),
    ("connectedDuration", Kind::Num, |c, _| {
        Val::n(c.totals.connected_ms)
    }),
    ("holdDuration", Kind::Num, |c, _| Val::n(c.totals.hold_ms)),
    ("wrapupDuration", Kind::Num, |c, _| {
        Val::n(c.totals.wrapup_ms)
    }),
    ("ringingDuration", Kind::Num, |c, _| {
        Val::n(c.totals.ringing_ms)
    }),
    ("connectedCount", Kind::Num, |c, _| {
        Val::n(i64::from(c.totals.tasks))
    }),
];

impl Record for ChannelInfo {
    type Child = NoChild;

    fn fields() -> &'static [Field<Self>] {
        CHANNEL_INFO_FIELDS
    }

    fn id(&self) -> &str {
        &self.channel_id
    }
}

fn session_sum(s: &Session, f: fn(&data::ChannelTotals) -> i64) -> Val<'static> {
    Val::n(s.channels.iter().map(f).sum())
}

const SESSION_FIELDS: &[Field<Session>] = &[
    ("agentSessionId", Kind::Str, |s, _| Val::s(&s.id)),
    ("agentId", Kind::Str, |s, e| {
        Val::os(e.data.agent(Some(s.agent)).map(|a| a.id.as_str()))
    }),
    ("agentName", Kind::Str, |s, e| agent_name(e, Some(s.agent))),
    ("teamId", Kind::Str, |s, e| {
        Val::os(e.data.team_of(Some(s.agent)).map(|x| x.id.as_str()))
    }),
    ("teamName", Kind::Str, |s, e| {
        Val::os(e.data.team_of(Some(s.agent)).map(|x| x.name))
    }),
    ("siteId", Kind::Str, |s, e| {
        Val::os(e.data.site_of(Some(s.agent)).map(|x| x.id.as_str()))
    }),
    ("siteName", Kind::Str, |s, e| {
        Val::os(e.data.site_of(Some(s.agent)).map(|x| x.name))
    }),
    ("startTime", Kind::Num, |s, _| Val::n(s.start)),
    ("endTime", Kind::Num, |s, _| Val::on(s.end)),
    ("isActive", Kind::Bool, |s, _| Val::Bool(s.end.is_none())),
    ("channelInfo.totalDuration", Kind::Num, |s, e| {
        Val::n(s.duration_ms(e.now))
    }),
    ("channelInfo.idleDuration", Kind::Num, |s, _| {
        Val::n(s.idle_ms)
    }),
    ("channelInfo.connectedDuration", Kind::Num, |s, _| {
        session_sum(s, |c| c.connected_ms)
    }),
    ("channelInfo.holdDuration", Kind::Num, |s, _| {
        session_sum(s, |c| c.hold_ms)
    }),
    ("channelInfo.wrapupDuration", Kind::Num, |s, _| {
        session_sum(s, |c| c.wrapup_ms)
    }),
    ("channelInfo.ringingDuration", Kind::Num, |s, _| {
        session_sum(s, |c| c.ringing_ms)
    }),
    ("channelInfo.connectedCount", Kind::Num, |s, _| {
        session_sum(s, |c| i64::from(c.tasks))
    }),
];

impl Record for Session {
    type Child = ChannelInfo;

    fn fields() -> &'static [Field<Self>] {
        SESSION_FIELDS
    }

    fn children(&self, env: &Env) -> Vec<ChannelInfo> {
        channel_info(self, env)
    }

    fn id(&self) -> &str {
        &self.id
    }
}

/// A leg with access to its task (legs read most of their fields from the task).
pub(crate) fn leg_task<'a>(leg: &Leg, env: &'a Env) -> Option<&'a Task> {
    env.data.tasks.get(leg.task as usize)
}

const LEG_FIELDS: &[Field<Leg>] = &[
    ("id", Kind::Str, |l, _| Val::s(&l.id)),
    ("taskId", Kind::Str, |l, e| {
        Val::os(leg_task(l, e).map(|t| t.id.as_str()))
    }),
    ("status", Kind::Str, |l, _| {
        Val::s(if l.ended.is_some() { "ended" } else { "active" })
    }),
    ("channelType", Kind::Str, |l, e| {
        Val::os(leg_task(l, e).map(|t| t.channel.as_str()))
    }),
    ("direction", Kind::Str, |l, e| {
        Val::os(leg_task(l, e).map(direction))
    }),
    ("origin", Kind::Str, |l, e| {
        Val::owned(leg_task(l, e).and_then(|t| e.data.origin(t)))
    }),
    ("destination", Kind::Str, |l, e| {
        Val::owned(leg_task(l, e).and_then(|t| e.data.destination(t)))
    }),
    ("isActive", Kind::Bool, |l, _| Val::Bool(l.ended.is_none())),
    ("isContactHandled", Kind::Bool, |l, _| Val::Bool(l.handled)),
    ("createdTime", Kind::Num, |l, _| Val::n(l.created)),
    ("endedTime", Kind::Num, |l, _| Val::on(l.ended)),
    ("totalDuration", Kind::Num, |l, _| {
        Val::on(l.ended.map(|e| e - l.created))
    }),
    ("queueDuration", Kind::Num, |l, _| Val::n(l.queue_ms)),
    ("ringingDuration", Kind::Num, |l, _| Val::n(l.ringing_ms)),
    ("connectedDuration", Kind::Num, |l, _| {
        Val::n(l.connected_ms)
    }),
    ("holdDuration", Kind::Num, |l, _| Val::n(l.hold_ms)),
    ("wrapupDuration", Kind::Num, |l, _| Val::n(l.wrapup_ms)),
    ("agent.id", Kind::Str, |l, e| {
        Val::os(e.data.agent(l.agent).map(|a| a.id.as_str()))
    }),
    ("agent.name", Kind::Str, |l, e| agent_name(e, l.agent)),
    ("queue.id", Kind::Str, |l, e| {
        Val::os(e.data.queue(l.queue).map(|q| q.id.as_str()))
    }),
    ("queue.name", Kind::Str, |l, e| {
        Val::os(e.data.queue(l.queue).map(|q| q.name))
    }),
    ("team.id", Kind::Str, |l, e| {
        Val::os(e.data.team_of(l.agent).map(|x| x.id.as_str()))
    }),
    ("team.name", Kind::Str, |l, e| {
        Val::os(e.data.team_of(l.agent).map(|x| x.name))
    }),
    ("site.id", Kind::Str, |l, e| {
        Val::os(e.data.site_of(l.agent).map(|x| x.id.as_str()))
    }),
    ("site.name", Kind::Str, |l, e| {
        Val::os(e.data.site_of(l.agent).map(|x| x.name))
    }),
    ("entryPoint.id", Kind::Str, |l, e| {
        Val::os(
            leg_task(l, e)
                .and_then(|t| e.data.entry_point(t))
                .map(|x| x.id.as_str()),
        )
    }),
    ("entryPoint.name", Kind::Str, |l, e| {
        Val::os(
            leg_task(l, e)
                .and_then(|t| e.data.entry_point(t))
                .map(|x| x.name),
        )
    }),
];

impl Record for Leg {
    type Child = NoChild;

    fn fields() -> &'static [Field<Self>] {
        LEG_FIELDS
    }

    fn id(&self) -> &str {
        &self.id
    }
}
