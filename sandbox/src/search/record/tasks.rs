//! Task (CSR) and task activity (CAR) fields, and the sandbox's global variables.

use super::{Env, Field, GvKind, Val};
use crate::data::{self, Channel, Task};

pub(super) fn agent_name<'a>(env: &'a Env, agent: Option<u8>) -> Val<'a> {
    Val::os(env.data.agent(agent).map(|a| a.name.as_str()))
}

pub(super) fn direction(task: &Task) -> &'static str {
    if task.outbound { "outbound" } else { "inbound" }
}

pub(super) fn termination_reason(task: &Task) -> Option<&'static str> {
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

pub(super) fn within_service_level(task: &Task, env: &Env) -> bool {
    task.handled()
        && env
            .data
            .queue(task.queue)
            .is_some_and(|q| task.queue_ms <= q.service_level_s * 1_000)
}

pub(super) fn queue_count(task: &Task) -> i64 {
    i64::from(task.queue.is_some()) + i64::from(task.prev_queue.is_some())
}

impl Task {
    pub(crate) fn direction(&self) -> &'static str {
        direction(self)
    }
}

/// How the task ended, as Cisco's `contactHandleType` and `handleType` values read.
pub(super) fn handle_type(task: &Task) -> Option<&'static str> {
    task.ended?;
    Some(match task.termination {
        data::Termination::Abandoned => "abandoned",
        data::Termination::SelfService => "self_service",
        data::Termination::Normal => "normal",
    })
}

/// Which side ended the task, as Cisco's `terminatingEnd` values read.
pub(super) fn terminating_end(task: &Task) -> Option<&'static str> {
    Some(match termination_reason(task)? {
        "agent_ended" => "Agent",
        "selfservice_completed" => "System",
        _ => "Customer",
    })
}

pub(super) const TASK_FIELDS: &[Field<Task>] = &[
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

pub(super) const ACTIVITY_FIELDS: &[Field<Activity>] = &[
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

/// The sandbox's global variables, named as Cisco's Search samples name them (`GV1`, `GV2`,
/// `GV59`, `BooleanGV`, `DateAndTime`, `Global_Language`, `Location`, `VIPCustomer`,
/// `AccountId`, `CustomerId`, `Global_FeedbackSurveyOptIn`), plus `AccountTier` and
/// `Priority`, with values derived from the task so filters and aggregations over them mean
/// something.
pub(super) fn task_globals(task: &Task, kind: GvKind) -> Vec<(&'static str, Val<'static>)> {
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
