//! Generating the data set from a seed: the organization and its people from the catalogue,
//! then the tasks (spread over the history, a busy last day, and the repeat caller's plan),
//! then the sessions their agents worked.

use std::sync::OnceLock;

use super::catalogue::{
    CUSTOMER_FIRST, CUSTOMER_LAST, ENTRY_POINTS, FIRST_NAMES, IDLE_CODES, LAST_NAMES, QUEUES,
    SITE_NAMES, SKILLS, TEAM_NAMES, WRAP_UP_CODES, agent_phone, customer_phone,
};
use super::derived::sessions;
use super::model::{Agent, AuxCode, Customer, EntryPoint, Queue, Site, Skill, Team};
use super::tasks::Generator;
use super::time::{DAY, HOUR, MINUTE, SECOND};
use super::{BASE_TASKS, CUSTOMERS, Dataset, HISTORY_DAYS, RECENT_TASKS, REPEAT_CALLS};
use crate::rng::Rng;

impl Dataset {
    /// Generates the data set for `seed`, with "now" at `now_ms` (epoch milliseconds).
    pub(crate) fn generate(seed: u64, now_ms: i64) -> Dataset {
        let anchor = now_ms - now_ms.rem_euclid(15 * MINUTE);
        let root = Rng::new(seed);
        let mut ids = root.fork(1);
        let org_id = ids.uuid().to_string();

        let sites: Vec<Site> = SITE_NAMES
            .iter()
            .map(|name| Site {
                id: ids.uuid().to_string(),
                name,
            })
            .collect();
        let teams: Vec<Team> = TEAM_NAMES
            .iter()
            .enumerate()
            .map(|(i, name)| Team {
                id: ids.uuid().to_string(),
                name,
                site: i % sites.len(),
            })
            .collect();
        let mut names = root.fork(2);
        let mut agents = Vec::with_capacity(FIRST_NAMES.len());
        for (i, first) in FIRST_NAMES.iter().enumerate() {
            let last = LAST_NAMES[(i * 7 + names.index(3)) % LAST_NAMES.len()];
            let name = format!("{first} {last}");
            agents.push(Agent {
                id: ids.uuid().to_string(),
                first,
                last,
                email: format!(
                    "{}.{}@sandbox.example.com",
                    first.to_lowercase(),
                    last.to_lowercase()
                ),
                name,
                phone: agent_phone(i),
                team: i % teams.len(),
                channel_ids: [
                    ids.uuid().to_string(),
                    ids.uuid().to_string(),
                    ids.uuid().to_string(),
                ],
                sessions: Vec::new(),
            });
        }
        let queues: Vec<Queue> = QUEUES
            .iter()
            .enumerate()
            .map(|(i, (name, channel, sl))| Queue {
                id: ids.uuid().to_string(),
                name,
                channel: *channel,
                service_level_s: *sl,
                teams: vec![i % teams.len(), (i + 3) % teams.len()],
            })
            .collect();
        let entry_points: Vec<EntryPoint> = ENTRY_POINTS
            .iter()
            .map(|(name, channel, outbound, address)| EntryPoint {
                id: ids.uuid().to_string(),
                name,
                channel: *channel,
                outbound: *outbound,
                address,
            })
            .collect();
        let skills = SKILLS
            .iter()
            .map(|(name, kind)| Skill {
                id: ids.uuid().to_string(),
                name,
                kind,
            })
            .collect();
        let mut aux_codes: Vec<AuxCode> = IDLE_CODES
            .iter()
            .map(|name| AuxCode {
                id: ids.uuid().to_string(),
                name,
                wrap_up: false,
            })
            .collect();
        aux_codes.extend(WRAP_UP_CODES.iter().map(|name| AuxCode {
            id: ids.uuid().to_string(),
            name,
            wrap_up: true,
        }));

        let mut people = root.fork(3);
        let mut customers = Vec::with_capacity(CUSTOMERS);
        for i in 0..CUSTOMERS {
            let first = CUSTOMER_FIRST[people.index(CUSTOMER_FIRST.len())];
            let last = CUSTOMER_LAST[people.index(CUSTOMER_LAST.len())];
            let phone = customer_phone(i);
            customers.push(Customer {
                email: format!(
                    "{}.{}{}@mail.example.net",
                    first.to_lowercase(),
                    last.to_lowercase(),
                    i
                ),
                name: format!("{first} {last}"),
                phone,
            });
        }

        let mut generator = Generator {
            rng: root.fork(4),
            anchor,
            queues: &queues,
            agents_len: agents.len(),
            wrap_up_codes: aux_codes
                .iter()
                .enumerate()
                .filter(|(_, c)| c.wrap_up)
                .map(|(i, _)| i as u8)
                .collect(),
        };
        let mut tasks = Vec::with_capacity(BASE_TASKS + RECENT_TASKS + REPEAT_CALLS);
        for _ in 0..BASE_TASKS {
            let day = generator.rng.between(1, HISTORY_DAYS - 1);
            let created = anchor - day * DAY + generator.time_of_day();
            let task = generator.task(created, None, None);
            tasks.push(task);
        }
        for _ in 0..RECENT_TASKS {
            let created = anchor - generator.rng.between(SECOND, DAY - SECOND);
            let task = generator.task(created, None, None);
            tasks.push(task);
        }
        // The well-known repeat caller: many inbound calls over the months, handled by
        // different agents; the latest one, minutes ago, by the well-known agent (so a
        // one-day look-back, as Cisco's last-agent flows use, finds it).
        let mut plan = root.fork(5);
        let repeat_caller_agent = plan.index(agents.len());
        for n in 0..REPEAT_CALLS {
            let created = if n + 1 == REPEAT_CALLS {
                anchor - 40 * MINUTE - plan.between(0, 15) * MINUTE
            } else {
                let day = 2 + (n as i64 * (HISTORY_DAYS - 4)) / REPEAT_CALLS as i64;
                anchor - day * DAY + plan.between(14, 21) * HOUR + plan.between(0, 59) * MINUTE
            };
            let agent = if n + 1 == REPEAT_CALLS {
                repeat_caller_agent
            } else {
                (repeat_caller_agent + 1 + n * 7) % agents.len()
            };
            let task = generator.task(created, Some(0), Some(agent as u8));
            tasks.push(task);
        }
        tasks.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));

        let sessions = sessions(&mut root.fork(6), anchor, &mut agents, &tasks);

        Dataset {
            seed,
            anchor,
            admin_email: "admin@sandbox.example.com".to_owned(),
            org_id,
            sites,
            teams,
            agents,
            queues,
            entry_points,
            skills,
            aux_codes,
            customers,
            tasks,
            sessions,
            legs: OnceLock::new(),
            repeat_caller_agent,
        }
    }
}
