//! The seeded data set: the organization's configuration (sites, teams, agents, queues, entry
//! points, skills, idle and wrap-up codes) and its history (tasks, agent sessions, task legs).
//!
//! Everything is derived from the seed. Timestamps are offsets from an anchor, the start instant
//! rounded down to 15 minutes, so two sandboxes started with the same seed within the same
//! quarter hour hold identical data, and at other times the same ids in the same order.

use std::sync::OnceLock;

use crate::rng::Rng;

/// Milliseconds per unit.
pub(crate) const SECOND: i64 = 1_000;
pub(crate) const MINUTE: i64 = 60 * SECOND;
pub(crate) const HOUR: i64 = 60 * MINUTE;
pub(crate) const DAY: i64 = 24 * HOUR;

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

/// The well-known repeat caller's number (E.164).
pub(crate) const REPEAT_CALLER_ANI: &str = "+14085550123";

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
    /// Indexes into [`Dataset::sessions`] of this agent's sessions, by start time.
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

/// Contact reasons (the `contactReason` field and the chat reason / email subject).
pub(crate) const REASONS: [&str; 8] = [
    "Billing question",
    "Order status",
    "Technical issue",
    "New purchase",
    "Cancel service",
    "Change address",
    "Password reset",
    "Complaint",
];
/// Values of the `Global_Language` string global variable.
pub(crate) const LANGUAGES: [&str; 3] = ["en-US", "es-US", "fr-CA"];
/// Values of the `AccountTier` string global variable.
pub(crate) const TIERS: [&str; 3] = ["Gold", "Silver", "Bronze"];

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
    /// Index into [`Dataset::tasks`].
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

const SITE_NAMES: [&str; 2] = ["Austin", "Dublin"];
const TEAM_NAMES: [&str; 6] = [
    "Sales East",
    "Sales West",
    "Billing",
    "Support Tier 1",
    "Support Tier 2",
    "Digital",
];
const FIRST_NAMES: [&str; 30] = [
    "Ava", "Ben", "Chloe", "Diego", "Elena", "Farid", "Grace", "Hiro", "Isla", "Jonas", "Keiko",
    "Liam", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor",
    "Wen", "Ximena", "Yusuf", "Zoe", "Aaron", "Bianca", "Carlos", "Dana",
];
const LAST_NAMES: [&str; 30] = [
    "Nguyen",
    "Okafor",
    "Schmidt",
    "Rossi",
    "Kowalski",
    "Haddad",
    "Lindqvist",
    "Tanaka",
    "Murphy",
    "Dubois",
    "Sato",
    "Walsh",
    "Patel",
    "Garcia",
    "Ivanova",
    "Sharma",
    "Baker",
    "Moreno",
    "Chen",
    "Aziz",
    "Brennan",
    "Costa",
    "Li",
    "Reyes",
    "Demir",
    "Fischer",
    "Kaplan",
    "Ferreira",
    "Alvarez",
    "Novak",
];
const CUSTOMER_FIRST: [&str; 20] = [
    "Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Parker", "Quincy",
    "Harper", "Rowan", "Emerson", "Finley", "Hayden", "Kendall", "Logan", "Reese", "Sawyer",
    "Skyler",
];
const CUSTOMER_LAST: [&str; 20] = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Thomas", "Moore", "Martin", "Jackson", "White", "Harris", "Clark", "Lewis", "Young", "Hall",
    "King",
];
/// (name, channel, service level threshold in seconds)
const QUEUES: [(&str, Channel, i64); 8] = [
    ("Sales", Channel::Telephony, 30),
    ("Billing", Channel::Telephony, 45),
    ("Tech Support", Channel::Telephony, 60),
    ("Premium", Channel::Telephony, 20),
    ("Chat Sales", Channel::Chat, 60),
    ("Chat Support", Channel::Chat, 90),
    ("Email Support", Channel::Email, 14_400),
    ("Email Billing", Channel::Email, 14_400),
];
/// (name, channel, outbound, address)
const ENTRY_POINTS: [(&str, Channel, bool, &str); 5] = [
    ("Main Line", Channel::Telephony, false, "+18005550100"),
    ("Support Line", Channel::Telephony, false, "+18005550111"),
    ("Outdial", Channel::Telephony, true, "+18005550199"),
    ("Web Chat", Channel::Chat, false, "chat.sandbox.example.com"),
    (
        "Email Support",
        Channel::Email,
        false,
        "support@sandbox.example.com",
    ),
];
const SKILLS: [(&str, &str); 5] = [
    ("English", "Proficiency"),
    ("Spanish", "Proficiency"),
    ("French", "Proficiency"),
    ("Billing Expert", "Boolean"),
    ("VIP Handling", "Boolean"),
];
const IDLE_CODES: [&str; 4] = ["Lunch", "Meeting", "Training", "Break"];
const WRAP_UP_CODES: [&str; 5] = [
    "Resolved",
    "Follow-up needed",
    "Escalated",
    "Sale completed",
    "No answer",
];

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
                phone: format!("+1512555{:04}", 2000 + i),
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
            let phone = if i == 0 {
                REPEAT_CALLER_ANI.to_owned()
            } else {
                // Area codes of a few US cities; numbers unique by construction.
                const AREAS: [u32; 6] = [212, 312, 415, 512, 617, 206];
                let area = AREAS[i % AREAS.len()];
                format!("+1{area}{:07}", 2_000_000 + i * 37)
            };
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

    /// Task legs, generated on first use (most sandboxes never ask).
    pub(crate) fn legs(&self) -> &[Leg] {
        self.legs.get_or_init(|| legs(self))
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

struct Generator<'a> {
    rng: Rng,
    anchor: i64,
    queues: &'a [Queue],
    agents_len: usize,
    wrap_up_codes: Vec<u8>,
}

impl Generator<'_> {
    /// Milliseconds into a UTC day, mostly during North American business hours.
    fn time_of_day(&mut self) -> i64 {
        if self.rng.chance(0.8) {
            13 * HOUR + self.rng.between(0, 10 * HOUR - 1)
        } else {
            self.rng.between(0, DAY - 1)
        }
    }

    fn queue_for(&mut self, channel: Channel) -> u8 {
        let candidates: Vec<usize> = self
            .queues
            .iter()
            .enumerate()
            .filter(|(_, q)| q.channel == channel)
            .map(|(i, _)| i)
            .collect();
        let pick = candidates
            .get(self.rng.index(candidates.len()))
            .copied()
            .unwrap_or(0);
        pick as u8
    }

    fn customer(&mut self) -> u32 {
        if self.rng.chance(0.25) {
            1 + self.rng.below(FREQUENT_CUSTOMERS as u64) as u32
        } else {
            1 + FREQUENT_CUSTOMERS as u32
                + self.rng.below((CUSTOMERS - FREQUENT_CUSTOMERS - 1) as u64) as u32
        }
    }

    /// One task created at `created`. `customer` and `agent` force the repeat-caller plan (an
    /// inbound call, always handled).
    fn task(&mut self, created: i64, customer: Option<u32>, agent: Option<u8>) -> Task {
        let rng = &mut self.rng;
        let id = rng.uuid().to_string();
        let forced = customer.is_some();
        let roll = rng.unit();
        let channel = if forced || roll < 0.6 {
            Channel::Telephony
        } else if roll < 0.85 {
            Channel::Chat
        } else {
            Channel::Email
        };
        let outbound = !forced && channel == Channel::Telephony && rng.chance(0.1);
        let entry_point: u8 = match (channel, outbound) {
            (Channel::Telephony, true) => 2,
            (Channel::Telephony, false) => u8::from(rng.chance(0.3)),
            (Channel::Chat, _) => 3,
            (Channel::Email, _) => 4,
        };
        let rng = &mut self.rng;
        let selfservice_ms = match (channel, outbound) {
            (Channel::Telephony, false) => rng.between(8, 90) * SECOND,
            (Channel::Chat, _) => rng.between(0, 20) * SECOND,
            _ => 0,
        };
        let ivr_exit = !forced && !outbound && channel == Channel::Telephony && rng.chance(0.05);
        let queue = if outbound || ivr_exit {
            None
        } else {
            Some(self.queue_for(channel))
        };
        let rng = &mut self.rng;
        let queue_ms = match (queue, channel) {
            (None, _) => 0,
            (Some(_), Channel::Telephony) => rng.exp(55_000.0, 900_000.0) as i64,
            (Some(_), Channel::Chat) => rng.exp(35_000.0, 600_000.0) as i64,
            (Some(_), Channel::Email) => rng.exp(2.0 * HOUR as f64, DAY as f64) as i64,
        };
        let abandoned = !forced
            && queue.is_some()
            && channel != Channel::Email
            && rng.chance(if queue_ms > 120_000 { 0.25 } else { 0.05 });
        let handled = !ivr_exit && !abandoned;
        let agent = if handled {
            Some(agent.unwrap_or_else(|| rng.index(self.agents_len) as u8))
        } else {
            None
        };
        let ringing_ms = if handled {
            rng.between(2, 15) * SECOND
        } else {
            0
        };
        let connected_ms = match (handled, channel) {
            (false, _) => 0,
            (true, Channel::Telephony) => rng.between(45, 900) * SECOND,
            (true, Channel::Chat) => rng.between(180, 1_800) * SECOND,
            (true, Channel::Email) => rng.between(120, 1_200) * SECOND,
        };
        let hold_count = if handled && channel == Channel::Telephony && rng.chance(0.3) {
            rng.between(1, 2) as u8
        } else {
            0
        };
        let hold_ms = i64::from(hold_count) * rng.between(20, 150) * SECOND;
        let transferred = handled && rng.chance(0.1);
        let blind = transferred && rng.chance(0.5);
        let consult_count = u8::from(handled && rng.chance(0.08)) + u8::from(transferred && !blind);
        let conference_count =
            u8::from(handled && channel == Channel::Telephony && rng.chance(0.03));
        let prev_agent = if transferred {
            Some(rng.index(self.agents_len) as u8)
        } else {
            None
        };
        let prev_queue = if transferred && rng.chance(0.5) {
            Some(self.queue_for(channel))
        } else {
            None
        };
        let rng = &mut self.rng;
        let wrapup_ms = if handled {
            rng.between(10, 120) * SECOND
        } else {
            0
        };
        let mut end = created + selfservice_ms + queue_ms + ringing_ms + connected_ms;
        if abandoned {
            end = created + selfservice_ms + queue_ms;
        }
        let (state, ended) = if end < self.anchor {
            (TaskState::Ended, Some(end))
        } else if handled && created + selfservice_ms + queue_ms + ringing_ms <= self.anchor {
            (TaskState::Connected, None)
        } else if queue.is_some() && created + selfservice_ms <= self.anchor {
            (TaskState::Parked, None)
        } else {
            (TaskState::Created, None)
        };
        let agent = match state {
            TaskState::Ended | TaskState::Connected => agent,
            _ => None,
        };
        // An open task has only lived until the anchor: cut its durations there.
        let elapsed = self.anchor - created;
        let (selfservice_ms, queue_ms, ringing_ms, connected_ms, hold_ms, hold_count, wrapup_ms) =
            match state {
                TaskState::Ended => (
                    selfservice_ms,
                    queue_ms,
                    ringing_ms,
                    connected_ms,
                    hold_ms,
                    hold_count,
                    wrapup_ms,
                ),
                TaskState::Created => (elapsed, 0, 0, 0, 0, 0, 0),
                TaskState::Parked => (selfservice_ms, elapsed - selfservice_ms, 0, 0, 0, 0, 0),
                TaskState::Connected => {
                    let connected = elapsed - selfservice_ms - queue_ms - ringing_ms;
                    let (hold_ms, hold_count) = if hold_ms < connected / 2 {
                        (hold_ms, hold_count)
                    } else {
                        (0, 0)
                    };
                    (
                        selfservice_ms,
                        queue_ms,
                        ringing_ms,
                        connected,
                        hold_ms,
                        hold_count,
                        0,
                    )
                }
            };
        let is_callback = channel == Channel::Telephony
            && !outbound
            && !forced
            && queue_ms > 120_000
            && rng.chance(0.3);
        let callback = is_callback.then(|| {
            let requested = created + selfservice_ms + rng.between(30, 120) * SECOND;
            let connected = agent.map(|_| created + selfservice_ms + queue_ms);
            CallbackInfo {
                requested,
                connected,
                status: if connected.is_some() {
                    "Connected"
                } else {
                    "Failed"
                },
                retries: rng.between(0, 2) as u8,
            }
        });
        let termination = if ivr_exit {
            Termination::SelfService
        } else if abandoned {
            Termination::Abandoned
        } else {
            Termination::Normal
        };
        let wrap_codes = &self.wrap_up_codes;
        let wrapup = if agent.is_some() && state == TaskState::Ended {
            wrap_codes.get(rng.index(wrap_codes.len())).copied()
        } else {
            None
        };
        let csat = (state == TaskState::Ended && agent.is_some() && rng.chance(0.35))
            .then(|| rng.between(1, 5) as u8);
        Task {
            id,
            created,
            ended,
            channel,
            outbound,
            customer: customer.unwrap_or_else(|| self.customer()),
            entry_point,
            queue,
            prev_queue,
            agent,
            prev_agent,
            state,
            termination,
            selfservice_ms,
            queue_ms,
            ringing_ms,
            connected_ms,
            hold_ms,
            wrapup_ms,
            consult_ms: i64::from(consult_count) * self.rng.between(30, 180) * SECOND,
            conference_ms: i64::from(conference_count) * self.rng.between(60, 300) * SECOND,
            hold_count,
            transfer_count: u8::from(transferred),
            blind_transfer_count: u8::from(blind),
            consult_count,
            conference_count,
            is_callback,
            is_campaign: outbound && self.rng.chance(0.4),
            capture: channel == Channel::Telephony && agent.is_some(),
            csat,
            wrapup,
            reason: self.rng.index(REASONS.len()) as u8,
            language: if self.rng.chance(0.75) {
                0
            } else {
                1 + self.rng.index(2) as u8
            },
            tier: self.rng.index(TIERS.len()) as u8,
            priority: self.rng.between(1, 5) as u8,
            vip: self.rng.chance(0.08),
            callback,
            addresses: None,
        }
    }
}

/// One session per agent per working day, with totals taken from the tasks they handled.
fn sessions(rng: &mut Rng, anchor: i64, agents: &mut [Agent], tasks: &[Task]) -> Vec<Session> {
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
fn legs(data: &Dataset) -> Vec<Leg> {
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
