//! Records derived from the tasks: agent sessions (with the totals of the tasks each agent
//! handled) and task legs (one per queue or agent segment).

use super::model::{Agent, ChannelTotals, Leg, Session, Task};
use super::time::{DAY, HOUR, MINUTE};
use super::{Dataset, HISTORY_DAYS};
use crate::rng::Rng;

/// One session per agent per working day, with totals taken from the tasks they handled.
pub(super) fn sessions(
    rng: &mut Rng,
    anchor: i64,
    agents: &mut [Agent],
    tasks: &[Task],
) -> Vec<Session> {
    let today = anchor - anchor.rem_euclid(DAY);
    let mut sessions = Vec::new();
    for (a, agent) in agents.iter_mut().enumerate() {
        let mut day = today - HISTORY_DAYS * DAY;
        while day <= today {
            // Five days out of seven, by agent, so teams are staffed every day.
            let weekday = (day / DAY + a as i64) % 7;
            if weekday < 5 {
                let start = day + 12 * HOUR + rng.between(0, 120) * MINUTE;
                let end = start + 8 * HOUR + rng.between(0, 90) * MINUTE;
                if start < anchor {
                    agent.sessions.push(sessions.len());
                    sessions.push(Session {
                        id: rng.uuid().to_string(),
                        agent: a as u8,
                        start,
                        end: (end < anchor).then_some(end),
                        channels: [ChannelTotals::default(); 3],
                        idle_ms: rng.between(15, 75) * MINUTE,
                        idle_count: rng.between(1, 5) as u32,
                    });
                }
            }
            day += DAY;
        }
    }
    // Attribute every handled task to the session its agent was in (or the nearest before).
    for task in tasks {
        let Some(agent) = task.agent.and_then(|i| agents.get(usize::from(i))) else {
            continue;
        };
        let pos = agent
            .sessions
            .partition_point(|&s| sessions.get(s).is_some_and(|s| s.start <= task.created));
        let Some(&index) = pos.checked_sub(1).and_then(|p| agent.sessions.get(p)) else {
            continue;
        };
        if let Some(session) = sessions.get_mut(index)
            && let Some(totals) = session.channels.get_mut(task.channel.index())
        {
            totals.connected_ms += task.connected_ms;
            totals.hold_ms += task.hold_ms;
            totals.wrapup_ms += task.wrapup_ms;
            totals.ringing_ms += task.ringing_ms;
            totals.tasks += 1;
        }
    }
    sessions
}

/// Legs: one per queue or agent segment of each task.
pub(super) fn legs(data: &Dataset) -> Vec<Leg> {
    let mut rng = Rng::new(data.seed).fork(7);
    let mut legs = Vec::with_capacity(data.tasks.len() + data.tasks.len() / 8);
    for (i, task) in data.tasks.iter().enumerate() {
        let start = task.created + task.selfservice_ms;
        if task.transfer_count > 0 && task.prev_agent.is_some() {
            // The first agent's segment, then the transfer target's.
            let first_ms = task.connected_ms / 3;
            legs.push(Leg {
                id: rng.uuid().to_string(),
                task: i as u32,
                created: start,
                ended: Some(start + task.queue_ms + task.ringing_ms + first_ms),
                queue: task.prev_queue.or(task.queue),
                agent: task.prev_agent,
                queue_ms: task.queue_ms,
                ringing_ms: task.ringing_ms,
                connected_ms: first_ms,
                hold_ms: 0,
                wrapup_ms: 0,
                handled: true,
            });
            let second_start = start + task.queue_ms + task.ringing_ms + first_ms;
            legs.push(Leg {
                id: rng.uuid().to_string(),
                task: i as u32,
                created: second_start,
                ended: task.ended,
                queue: task.queue,
                agent: task.agent,
                queue_ms: 0,
                ringing_ms: 0,
                connected_ms: task.connected_ms - first_ms,
                hold_ms: task.hold_ms,
                wrapup_ms: task.wrapup_ms,
                handled: task.handled(),
            });
        } else {
            legs.push(Leg {
                id: rng.uuid().to_string(),
                task: i as u32,
                created: start,
                ended: task.ended,
                queue: task.queue,
                agent: task.agent,
                queue_ms: task.queue_ms,
                ringing_ms: task.ringing_ms,
                connected_ms: task.connected_ms,
                hold_ms: task.hold_ms,
                wrapup_ms: task.wrapup_ms,
                handled: task.handled(),
            });
        }
    }
    legs.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
    legs
}
