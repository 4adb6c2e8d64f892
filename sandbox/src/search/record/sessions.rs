//! Agent session (ASR) fields, a session's channels and their agent activities (AAR).

use super::tasks::agent_name;
use super::{Env, Field, Val};
use crate::data::{self, Channel, Session};

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

pub(super) fn idle_code(session: &Session, env: &Env) -> Option<&'static str> {
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
pub(super) fn session_skills(session: &Session, env: &Env) -> Vec<(&'static str, i64)> {
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

pub(super) const AGENT_ACTIVITY_FIELDS: &[Field<AgentActivity>] = &[
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

pub(super) const CHANNEL_INFO_FIELDS: &[Field<ChannelInfo>] = &[
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

pub(super) const SESSION_FIELDS: &[Field<Session>] = &[
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
