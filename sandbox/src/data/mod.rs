//! The seeded data set: the organization's configuration (sites, teams, agents, queues, entry
//! points, skills, idle and wrap-up codes) and its history (tasks, agent sessions, task legs).
//!
//! Everything is derived from the seed. Timestamps are offsets from an anchor, the start instant
//! rounded down to 15 minutes, so two sandboxes started with the same seed within the same
//! quarter hour hold identical data, and at other times the same ids in the same order.

mod catalogue;
mod derived;
mod generate;
mod model;
mod tasks;
mod time;

use std::sync::OnceLock;

pub(crate) use catalogue::{LANGUAGES, REASONS, REPEAT_CALLER_ANI, TIERS};
use model::{Agent, Customer, EntryPoint, Queue, Site, Team};
pub(crate) use model::{
    AuxCode, Channel, ChannelTotals, Leg, Session, Skill, Task, TaskState, Termination,
};
pub(crate) use time::{DAY, MINUTE, now_ms};

/// How far back the history reaches.
pub(crate) const HISTORY_DAYS: i64 = 182;
/// Tasks spread over the whole history.
const BASE_TASKS: usize = 38_000;
/// Extra tasks in the last 24 hours (so statistics and wait-time estimates have samples).
const RECENT_TASKS: usize = 2_000;
/// Calls of the well-known repeat caller.
const REPEAT_CALLS: usize = 30;
/// Customers in the pool.
const CUSTOMERS: usize = 12_000;
/// The first customers after the well-known one call often.
const FREQUENT_CUSTOMERS: usize = 400;

/// The whole seeded data set. Immutable once generated (tasks created through the API live in
/// the runtime state).
#[derive(Debug)]
pub(crate) struct Dataset {
    pub seed: u64,
    pub anchor: i64,
    pub org_id: String,
    pub admin_email: String,
    pub sites: Vec<Site>,
    pub teams: Vec<Team>,
    pub agents: Vec<Agent>,
    pub queues: Vec<Queue>,
    pub entry_points: Vec<EntryPoint>,
    pub skills: Vec<Skill>,
    pub aux_codes: Vec<AuxCode>,
    pub customers: Vec<Customer>,
    pub tasks: Vec<Task>,
    pub sessions: Vec<Session>,
    legs: OnceLock<Vec<Leg>>,
    /// The well-known repeat caller's last agent (index into `agents`).
    pub repeat_caller_agent: usize,
}

impl Dataset {
    /// Task legs, generated on first use (most sandboxes never ask).
    pub(crate) fn legs(&self) -> &[Leg] {
        self.legs.get_or_init(|| derived::legs(self))
    }

    pub(crate) fn agent(&self, index: Option<u8>) -> Option<&Agent> {
        index.and_then(|i| self.agents.get(usize::from(i)))
    }

    pub(crate) fn queue(&self, index: Option<u8>) -> Option<&Queue> {
        index.and_then(|i| self.queues.get(usize::from(i)))
    }

    pub(crate) fn team_of(&self, agent: Option<u8>) -> Option<&Team> {
        self.agent(agent).and_then(|a| self.teams.get(a.team))
    }

    pub(crate) fn site_of(&self, agent: Option<u8>) -> Option<&Site> {
        self.team_of(agent).and_then(|t| self.sites.get(t.site))
    }

    pub(crate) fn customer(&self, task: &Task) -> Option<&Customer> {
        self.customers.get(task.customer as usize)
    }

    pub(crate) fn entry_point(&self, task: &Task) -> Option<&EntryPoint> {
        self.entry_points.get(usize::from(task.entry_point))
    }

    /// The agent's session a task at `at` belongs to: the latest that started at or before it
    /// (the one its work was attributed to).
    pub(crate) fn session_at(&self, agent: Option<u8>, at: i64) -> Option<&Session> {
        let agent = self.agent(agent)?;
        let pos = agent
            .sessions
            .partition_point(|&s| self.sessions.get(s).is_some_and(|s| s.start <= at));
        let index = *agent.sessions.get(pos.checked_sub(1)?)?;
        self.sessions.get(index)
    }

    /// The task's originating address: the caller's number, the chat visitor or the sender.
    pub(crate) fn origin(&self, task: &Task) -> Option<String> {
        if let Some(addresses) = &task.addresses {
            return Some(addresses.0.clone());
        }
        let customer = self.customer(task)?;
        Some(match (task.channel, task.outbound) {
            (Channel::Telephony, true) => self.entry_point(task)?.address.to_owned(),
            (Channel::Telephony, false) => customer.phone.clone(),
            (Channel::Chat | Channel::Email, _) => customer.email.clone(),
        })
    }

    /// The task's destination: the dialed number, chat asset or mailbox (the customer's number
    /// for outbound calls).
    pub(crate) fn destination(&self, task: &Task) -> Option<String> {
        if let Some(addresses) = &task.addresses {
            return Some(addresses.1.clone());
        }
        Some(match (task.channel, task.outbound) {
            (Channel::Telephony, true) => self.customer(task)?.phone.clone(),
            _ => self.entry_point(task)?.address.to_owned(),
        })
    }

    pub(crate) fn wrap_up_name(&self, task: &Task) -> Option<&'static str> {
        task.wrapup
            .and_then(|i| self.aux_codes.get(usize::from(i)))
            .map(|c| c.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_shaped() {
        let now = 1_780_000_000_000;
        let a = Dataset::generate(42, now);
        let b = Dataset::generate(42, now + 1_000);
        assert_eq!(a.org_id, b.org_id);
        assert_eq!(a.tasks.len(), b.tasks.len());
        assert!(a.tasks.iter().zip(&b.tasks).all(|(x, y)| x.id == y.id));
        assert_eq!(a.agents.len(), 30);
        assert_eq!(a.teams.len(), 6);
        assert_eq!(a.queues.len(), 8);
        assert_eq!(a.sites.len(), 2);
        assert!(a.tasks.len() >= 40_000);
        assert!(a.tasks.iter().all(|t| t.created < a.anchor));
        let c = Dataset::generate(43, now);
        assert_ne!(a.org_id, c.org_id);
    }

    #[test]
    fn the_repeat_caller_calls_often_and_last_spoke_to_the_known_agent() {
        let data = Dataset::generate(7, 1_780_000_000_000);
        let calls: Vec<&Task> = data.tasks.iter().filter(|t| t.customer == 0).collect();
        assert_eq!(calls.len(), REPEAT_CALLS);
        let last = calls.last().map(|t| t.agent);
        assert_eq!(last, Some(Some(data.repeat_caller_agent as u8)));
        // Minutes old and over, for every seed: a one-day look-back finds it.
        for seed in 0..50 {
            let data = Dataset::generate(seed, 1_780_000_000_000);
            let last = data.tasks.iter().rfind(|t| t.customer == 0);
            let last = last.unwrap_or_else(|| panic!("seed {seed}"));
            assert!(last.ended.is_some(), "seed {seed}: the last call has ended");
            assert!(data.anchor - last.created < DAY, "seed {seed}");
            assert!(last.agent.is_some(), "seed {seed}");
        }
        let agents: std::collections::HashSet<_> = calls.iter().map(|t| t.agent).collect();
        assert!(agents.len() > 5, "handled by different agents");
        assert!(
            calls
                .iter()
                .all(|t| data.origin(t).as_deref() == Some(REPEAT_CALLER_ANI))
        );
    }
}
