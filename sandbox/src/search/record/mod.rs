//! Field access on Search records by path (`lastAgent.id`), shared by filters, group-by,
//! aggregations and the rendering of results. Each record kind lists its fields once, with a
//! getter; which fields exist, and what Search may do with them, comes from `facts.tsv`: a field
//! the facts name but no getter serves reads as `null`.

use std::borrow::Cow;
use std::sync::Arc;

use crate::data::{Dataset, Leg, Session, Task};

mod legs;
mod sessions;
mod tasks;

use legs::{LEG_FIELDS, leg_task};
use sessions::{
    AGENT_ACTIVITY_FIELDS, CHANNEL_INFO_FIELDS, SESSION_FIELDS, agent_activities, channel_info,
    session_skills,
};
pub(crate) use sessions::{AgentActivity, ChannelInfo};
pub(crate) use tasks::Activity;
use tasks::{ACTIVITY_FIELDS, TASK_FIELDS, activities, task_globals};

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
