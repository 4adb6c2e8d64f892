//! Task leg (CLR) fields: most read from the leg's task.

use super::tasks::{agent_name, direction, handle_type, terminating_end, termination_reason};
use super::{Env, Field, Val};
use crate::data::{Leg, Task};

/// A leg with access to its task (legs read most of their fields from the task).
pub(crate) fn leg_task<'a>(leg: &Leg, env: &'a Env) -> Option<&'a Task> {
    env.data.tasks.get(leg.task as usize)
}

pub(super) const LEG_FIELDS: &[Field<Leg>] = &[
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
