//! Typed filter inputs (one input object per record type and nested object, one per value
//! type) and the predicate tree they compile to.
//!
//! There is deliberately no catch-all (JSON) filter: a field or operator the real API does not
//! document fails GraphQL validation.

use async_graphql::{Enum, InputObject, MaybeUndefined};

use super::record::{Env, GvKind, Kind, Record, Val};
use super::scalar::Long;

/// A compiled filter over one record type (field indexes refer to that type's field table).
#[derive(Clone, Debug)]
pub(crate) enum Pred {
    All(Vec<Pred>),
    Any(Vec<Pred>),
    Leaf(usize, Op),
    /// True when any nested record matches.
    Children(Box<Pred>),
    /// True when any global variable of the kind matches both parts.
    Global {
        kind: GvKind,
        name: Vec<Op>,
        value: Vec<Op>,
    },
}

#[derive(Clone, Debug)]
pub(crate) enum Op {
    Eq(Lit),
    Ne(Lit),
    IsNull,
    NotNull,
    Match(String),
    Contains(String),
    Gt(f64),
    Gte(f64),
    Lt(f64),
    Lte(f64),
}

#[derive(Clone, Debug)]
pub(crate) enum Lit {
    Str(String),
    Num(f64),
    Bool(bool),
}

impl Op {
    pub(crate) fn test(&self, value: &Val<'_>) -> bool {
        match self {
            Op::Eq(lit) => equals(lit, value),
            Op::Ne(lit) => !equals(lit, value),
            Op::IsNull => matches!(value, Val::Null),
            Op::NotNull => !matches!(value, Val::Null),
            Op::Match(pattern) => match value {
                Val::Str(s) => word_match(s, pattern),
                _ => false,
            },
            Op::Contains(part) => match value {
                Val::Str(s) => s.to_lowercase().contains(&part.to_lowercase()),
                _ => false,
            },
            Op::Gt(n) => number(value).is_some_and(|v| v > *n),
            Op::Gte(n) => number(value).is_some_and(|v| v >= *n),
            Op::Lt(n) => number(value).is_some_and(|v| v < *n),
            Op::Lte(n) => number(value).is_some_and(|v| v <= *n),
        }
    }
}

fn number(value: &Val<'_>) -> Option<f64> {
    match value {
        Val::Num(n) => Some(*n),
        _ => None,
    }
}

fn equals(lit: &Lit, value: &Val<'_>) -> bool {
    match (lit, value) {
        (Lit::Str(a), Val::Str(b)) => a == b.as_ref(),
        (Lit::Num(a), Val::Num(b)) => a == b,
        (Lit::Bool(a), Val::Bool(b)) => a == b,
        _ => false,
    }
}

/// `match`: every word of the pattern occurs as a word of the value, ignoring case and
/// punctuation.
fn word_match(value: &str, pattern: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let have = words(value);
    let want = words(pattern);
    !want.is_empty() && want.iter().all(|w| have.contains(w))
}

impl Pred {
    /// Whether the record matches.
    pub(crate) fn test<R: Record>(&self, record: &R, env: &Env) -> bool {
        match self {
            Pred::All(preds) => preds.iter().all(|p| p.test(record, env)),
            Pred::Any(preds) => preds.iter().any(|p| p.test(record, env)),
            Pred::Leaf(field, op) => op.test(&record.get(*field, env)),
            Pred::Children(pred) => record
                .children(env)
                .iter()
                .any(|child| pred.test(child, env)),
            Pred::Global { kind, name, value } => record.globals(*kind).iter().any(|(n, v)| {
                let n = Val::Str((*n).into());
                name.iter().all(|op| op.test(&n)) && value.iter().all(|op| op.test(v))
            }),
        }
    }

    /// How many leaf conditions the filter holds (the service caps them at 1,000).
    pub(crate) fn size(&self) -> usize {
        match self {
            Pred::All(preds) | Pred::Any(preds) => preds.iter().map(Pred::size).sum(),
            Pred::Leaf(..) => 1,
            Pred::Children(pred) => pred.size(),
            Pred::Global { name, value, .. } => name.len() + value.len(),
        }
    }
}

/// Collects the predicates of one filter input at `path` for record type `R`.
pub(crate) trait Filter {
    fn preds<R: Record>(&self, path: &str, out: &mut Vec<Pred>) -> Result<(), String>;

    /// The whole filter as one predicate.
    fn compile<R: Record>(&self) -> Result<Pred, String> {
        let mut out = Vec::new();
        self.preds::<R>("", &mut out)?;
        Ok(Pred::All(out))
    }
}

pub(crate) fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn leaf<R: Record>(
    path: &str,
    kind: Kind,
    ops: Vec<Op>,
    out: &mut Vec<Pred>,
) -> Result<(), String> {
    let index = R::field_index(path).ok_or_else(|| format!("`{path}` cannot be filtered"))?;
    if let Some((_, actual, _)) = R::fields().get(index)
        && *actual != kind
    {
        return Err(format!("`{path}` has another type"));
    }
    out.extend(ops.into_iter().map(|op| Pred::Leaf(index, op)));
    Ok(())
}

fn eq_op(value: &MaybeUndefined<Lit>, negate: bool, ops: &mut Vec<Op>) {
    match (value, negate) {
        (MaybeUndefined::Value(lit), false) => ops.push(Op::Eq(lit.clone())),
        (MaybeUndefined::Value(lit), true) => ops.push(Op::Ne(lit.clone())),
        (MaybeUndefined::Null, false) => ops.push(Op::IsNull),
        (MaybeUndefined::Null, true) => ops.push(Op::NotNull),
        (MaybeUndefined::Undefined, _) => {}
    }
}

fn lit<T: Clone>(value: &MaybeUndefined<T>, f: impl Fn(T) -> Lit) -> MaybeUndefined<Lit> {
    match value {
        MaybeUndefined::Value(v) => MaybeUndefined::Value(f(v.clone())),
        MaybeUndefined::Null => MaybeUndefined::Null,
        MaybeUndefined::Undefined => MaybeUndefined::Undefined,
    }
}

/// Conditions on a text field. `equals: null` tests for a missing value, `notequals: null`
/// for a present one.
#[derive(InputObject, Clone, Debug, Default)]
pub(crate) struct StringFilter {
    /// Exactly this value (case-sensitive).
    pub equals: MaybeUndefined<String>,
    /// Anything but this value (missing values included).
    pub notequals: MaybeUndefined<String>,
    /// Every word of the pattern appears in the value (case-insensitive).
    #[graphql(name = "match")]
    pub matches: Option<String>,
    /// The value contains this text (case-insensitive).
    pub contains: Option<String>,
}

impl StringFilter {
    pub(crate) fn ops(&self) -> Vec<Op> {
        let mut ops = Vec::new();
        eq_op(&lit(&self.equals, Lit::Str), false, &mut ops);
        eq_op(&lit(&self.notequals, Lit::Str), true, &mut ops);
        if let Some(p) = &self.matches {
            ops.push(Op::Match(p.clone()));
        }
        if let Some(p) = &self.contains {
            ops.push(Op::Contains(p.clone()));
        }
        ops
    }
}

impl Filter for StringFilter {
    fn preds<R: Record>(&self, path: &str, out: &mut Vec<Pred>) -> Result<(), String> {
        leaf::<R>(path, Kind::Str, self.ops(), out)
    }
}

macro_rules! numeric_filter {
    ($(#[$meta:meta])* $name:ident, $ty:ty, $to_f64:expr) => {
        $(#[$meta])*
        #[derive(InputObject, Clone, Debug, Default)]
        pub(crate) struct $name {
            /// Exactly this value (`null`: the value is missing).
            pub equals: MaybeUndefined<$ty>,
            /// Anything but this value (`null`: the value is present).
            pub notequals: MaybeUndefined<$ty>,
            /// Greater than.
            pub gt: Option<$ty>,
            /// Greater than or equal.
            pub gte: Option<$ty>,
            /// Less than.
            pub lt: Option<$ty>,
            /// Less than or equal.
            pub lte: Option<$ty>,
        }

        impl $name {
            pub(crate) fn ops(&self) -> Vec<Op> {
                let f = $to_f64;
                let mut ops = Vec::new();
                eq_op(&lit(&self.equals, |v| Lit::Num(f(v))), false, &mut ops);
                eq_op(&lit(&self.notequals, |v| Lit::Num(f(v))), true, &mut ops);
                ops.extend(self.gt.clone().map(|v| Op::Gt(f(v))));
                ops.extend(self.gte.clone().map(|v| Op::Gte(f(v))));
                ops.extend(self.lt.clone().map(|v| Op::Lt(f(v))));
                ops.extend(self.lte.clone().map(|v| Op::Lte(f(v))));
                ops
            }
        }

        impl Filter for $name {
            fn preds<R: Record>(&self, path: &str, out: &mut Vec<Pred>) -> Result<(), String> {
                leaf::<R>(path, Kind::Num, self.ops(), out)
            }
        }
    };
}

numeric_filter!(
    /// Conditions on a `Long` field (times in epoch milliseconds, durations in milliseconds).
    LongFilter,
    Long,
    |v: Long| v.0 as f64
);
numeric_filter!(
    /// Conditions on an `Int` field (counts).
    IntFilter,
    i32,
    f64::from
);
numeric_filter!(
    /// Conditions on a `Float` field (scores).
    FloatFilter,
    f64,
    |v: f64| v
);

/// Conditions on a `Boolean` field.
#[derive(InputObject, Clone, Debug, Default)]
pub(crate) struct BooleanFilter {
    /// Exactly this value.
    pub equals: MaybeUndefined<bool>,
    /// The other value (or missing).
    pub notequals: MaybeUndefined<bool>,
}

impl Filter for BooleanFilter {
    fn preds<R: Record>(&self, path: &str, out: &mut Vec<Pred>) -> Result<(), String> {
        let mut ops = Vec::new();
        eq_op(&lit(&self.equals, Lit::Bool), false, &mut ops);
        eq_op(&lit(&self.notequals, Lit::Bool), true, &mut ops);
        leaf::<R>(path, Kind::Bool, ops, out)
    }
}

/// A contact channel, as Search spells it.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(rename_items = "lowercase")]
pub(crate) enum ChannelType {
    /// Voice calls.
    Telephony,
    /// Web chat.
    Chat,
    /// Email.
    Email,
    /// Social messaging channels.
    Social,
}

impl ChannelType {
    fn as_str(self) -> &'static str {
        match self {
            ChannelType::Telephony => "telephony",
            ChannelType::Chat => "chat",
            ChannelType::Email => "email",
            ChannelType::Social => "social",
        }
    }
}

/// Conditions on the channel type (values unquoted: `{ equals: telephony }`).
#[derive(InputObject, Clone, Debug, Default)]
pub(crate) struct ChannelTypeFilter {
    /// Exactly this channel.
    pub equals: Option<ChannelType>,
    /// Any other channel.
    pub notequals: Option<ChannelType>,
}

impl Filter for ChannelTypeFilter {
    fn preds<R: Record>(&self, path: &str, out: &mut Vec<Pred>) -> Result<(), String> {
        let mut ops = Vec::new();
        ops.extend(self.equals.map(|c| Op::Eq(Lit::Str(c.as_str().to_owned()))));
        ops.extend(
            self.notequals
                .map(|c| Op::Ne(Lit::Str(c.as_str().to_owned()))),
        );
        leaf::<R>(path, Kind::Str, ops, out)
    }
}

/// Declares a filter input object whose fields map to record paths. `root` objects also take
/// `and` and `or` lists of themselves.
macro_rules! filter_object {
    (
        $(#[$meta:meta])*
        $name:ident $(root $root:ident)? {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty => $path:literal, )*
            $( @children $cfield:ident : $cty:ty => $cpath:literal, )?
        }
    ) => {
        $(#[$meta])*
        #[derive(InputObject, Clone, Debug, Default)]
        pub(crate) struct $name {
            $( $(#[$fmeta])* #[graphql(name = $path)] pub $field: Option<$ty>, )*
            $(
                /// Matches when any nested record meets the condition.
                #[graphql(name = $cpath)]
                pub $cfield: Option<$cty>,
            )?
            $(
                /// All of these filters match.
                pub and: Option<Vec<$root>>,
                /// At least one of these filters matches.
                pub or: Option<Vec<$root>>,
            )?
        }

        impl Filter for $name {
            fn preds<R: Record>(&self, path: &str, out: &mut Vec<Pred>) -> Result<(), String> {
                $(
                    if let Some(f) = &self.$field {
                        f.preds::<R>(&join(path, $path), out)?;
                    }
                )*
                $(
                    if let Some(c) = &self.$cfield {
                        out.push(Pred::Children(Box::new(c.compile::<R::Child>()?)));
                    }
                )?
                filter_object!(@logic self, path, out $(, $root)?);
                Ok(())
            }
        }
    };
    (@logic $self_:ident, $path:ident, $out:ident) => {};
    (@logic $self_:ident, $path:ident, $out:ident, $root:ident) => {
        if let Some(list) = &$self_.and {
            let mut all = Vec::new();
            for f in list {
                let mut inner = Vec::new();
                f.preds::<R>($path, &mut inner)?;
                all.push(Pred::All(inner));
            }
            $out.push(Pred::All(all));
        }
        if let Some(list) = &$self_.or {
            let mut any = Vec::new();
            for f in list {
                let mut inner = Vec::new();
                f.preds::<R>($path, &mut inner)?;
                any.push(Pred::All(inner));
            }
            $out.push(Pred::Any(any));
        }
    };
}

filter_object! {
    /// Conditions on a referenced entity (`{ id name }`).
    EntityFilters {
        id: StringFilter => "id",
        name: StringFilter => "name",
    }
}

filter_object! {
    /// Conditions on the agent who last handled a task.
    TaskAgentFilters {
        id: StringFilter => "id",
        name: StringFilter => "name",
        sign_in_id: StringFilter => "signInId",
        session_id: StringFilter => "sessionId",
        phone_number: StringFilter => "phoneNumber",
        channel_id: StringFilter => "channelId",
    }
}

filter_object! {
    /// Conditions on the queue a task last waited in.
    TaskQueueFilters {
        id: StringFilter => "id",
        name: StringFilter => "name",
        duration: LongFilter => "duration",
    }
}

filter_object! {
    /// Conditions on the customer of a task.
    CustomerFilters {
        name: StringFilter => "name",
        phone_number: StringFilter => "phoneNumber",
        email: StringFilter => "email",
    }
}

filter_object! {
    /// Conditions on a task's callback details.
    CallbackDataFilters {
        callback_request_time: LongFilter => "callbackRequestTime",
        callback_connect_time: LongFilter => "callbackConnectTime",
        callback_number: StringFilter => "callbackNumber",
        callback_status: StringFilter => "callbackStatus",
        callback_origin: StringFilter => "callbackOrigin",
        callback_type: StringFilter => "callbackType",
        callback_queue_name: StringFilter => "callbackQueueName",
        callback_agent_name: StringFilter => "callbackAgentName",
        callback_team_name: StringFilter => "callbackTeamName",
        callback_retry_count: IntFilter => "callbackRetryCount",
    }
}

filter_object! {
    /// Conditions on an email task's metadata.
    EmailMetaDataFilters {
        subject: StringFilter => "subject",
    }
}

filter_object! {
    /// Conditions on a chat task's metadata.
    ChatMetaDataFilters {
        chat_reason: StringFilter => "chatReason",
    }
}

filter_object! {
    /// Conditions on channel-specific task metadata.
    ChannelMetaDataFilters {
        email: EmailMetaDataFilters => "email",
        chat: ChatMetaDataFilters => "chat",
    }
}

macro_rules! global_filter {
    ($(#[$meta:meta])* $name:ident, $value:ty, $kind:expr) => {
        $(#[$meta])*
        #[derive(InputObject, Clone, Debug, Default)]
        pub(crate) struct $name {
            /// Conditions on the variable's name.
            pub name: Option<StringFilter>,
            /// Conditions on the variable's value.
            pub value: Option<$value>,
        }

        impl $name {
            fn pred(&self) -> Pred {
                Pred::Global {
                    kind: $kind,
                    name: self.name.as_ref().map(StringFilter::ops).unwrap_or_default(),
                    value: self.value.as_ref().map(|v| v.ops()).unwrap_or_default(),
                }
            }
        }
    };
}

impl BooleanFilter {
    fn ops(&self) -> Vec<Op> {
        let mut ops = Vec::new();
        eq_op(&lit(&self.equals, Lit::Bool), false, &mut ops);
        eq_op(&lit(&self.notequals, Lit::Bool), true, &mut ops);
        ops
    }
}

global_filter!(
    /// Conditions on a string global variable (CAD variable).
    StringGlobalVariableFilter,
    StringFilter,
    GvKind::String
);
global_filter!(
    /// Conditions on an integer global variable.
    IntegerGlobalVariableFilter,
    IntFilter,
    GvKind::Integer
);
global_filter!(
    /// Conditions on a boolean global variable.
    BooleanGlobalVariableFilter,
    BooleanFilter,
    GvKind::Boolean
);
global_filter!(
    /// Conditions on a double global variable.
    DoubleGlobalVariableFilter,
    FloatFilter,
    GvKind::Double
);
global_filter!(
    /// Conditions on a long global variable.
    LongGlobalVariableFilter,
    LongFilter,
    GvKind::Long
);

filter_object! {
    /// Filters on task records (`taskDetails`). Fields combine with AND; use `and` and `or`
    /// lists to nest. `createdTime` is not filterable (the window selects on it).
    TaskV2Filters root TaskV2Filters {
        id: StringFilter => "id",
        status: StringFilter => "status",
        channel_type: ChannelTypeFilter => "channelType",
        channel_sub_type: StringFilter => "channelSubType",
        direction: StringFilter => "direction",
        origin: StringFilter => "origin",
        destination: StringFilter => "destination",
        is_active: BooleanFilter => "isActive",
        ended_time: LongFilter => "endedTime",
        termination_type: StringFilter => "terminationType",
        termination_reason: StringFilter => "terminationReason",
        contact_reason: StringFilter => "contactReason",
        is_callback: BooleanFilter => "isCallback",
        is_campaign: BooleanFilter => "isCampaign",
        is_contact_handled: BooleanFilter => "isContactHandled",
        is_with_in_service_level: BooleanFilter => "isWithInServiceLevel",
        last_wrapup_code_name: StringFilter => "lastWrapupCodeName",
        csat_score: FloatFilter => "csatScore",
        first_queue_name: StringFilter => "firstQueueName",
        previous_agent_id: StringFilter => "previousAgentId",
        preferred_agent_system_id: StringFilter => "preferredAgentSystemId",
        capture_requested: BooleanFilter => "captureRequested",
        total_duration: LongFilter => "totalDuration",
        selfservice_duration: LongFilter => "selfserviceDuration",
        queue_duration: LongFilter => "queueDuration",
        ringing_duration: LongFilter => "ringingDuration",
        connected_duration: LongFilter => "connectedDuration",
        hold_duration: LongFilter => "holdDuration",
        wrapup_duration: LongFilter => "wrapupDuration",
        consult_duration: LongFilter => "consultDuration",
        conference_duration: LongFilter => "conferenceDuration",
        hold_count: IntFilter => "holdCount",
        transfer_count: IntFilter => "transferCount",
        blind_transfer_count: IntFilter => "blindTransferCount",
        consult_count: IntFilter => "consultCount",
        conference_count: IntFilter => "conferenceCount",
        queue_count: IntFilter => "queueCount",
        last_agent: TaskAgentFilters => "lastAgent",
        owner: EntityFilters => "owner",
        last_queue: TaskQueueFilters => "lastQueue",
        previous_queue: EntityFilters => "previousQueue",
        last_team: EntityFilters => "lastTeam",
        last_site: EntityFilters => "lastSite",
        last_entry_point: EntityFilters => "lastEntryPoint",
        customer: CustomerFilters => "customer",
        callback_data: CallbackDataFilters => "callbackData",
        channel_meta_data: ChannelMetaDataFilters => "channelMetaData",
        string_global_variables: StringGlobalVariableFilter => "stringGlobalVariables",
        integer_global_variables: IntegerGlobalVariableFilter => "integerGlobalVariables",
        boolean_global_variables: BooleanGlobalVariableFilter => "booleanGlobalVariables",
        double_global_variables: DoubleGlobalVariableFilter => "doubleGlobalVariables",
        long_global_variables: LongGlobalVariableFilter => "longGlobalVariables",
    }
}

macro_rules! global_as_filter {
    ($($name:ident),*) => {
        $(
            impl Filter for $name {
                fn preds<R: Record>(&self, _path: &str, out: &mut Vec<Pred>) -> Result<(), String> {
                    out.push(self.pred());
                    Ok(())
                }
            }
        )*
    };
}

global_as_filter!(
    StringGlobalVariableFilter,
    IntegerGlobalVariableFilter,
    BooleanGlobalVariableFilter,
    DoubleGlobalVariableFilter,
    LongGlobalVariableFilter
);

filter_object! {
    /// Filters on task activities (CAR records).
    ActivityFilters root ActivityFilters {
        id: StringFilter => "id",
        event_name: StringFilter => "eventName",
        created_time: LongFilter => "createdTime",
        ended_time: LongFilter => "endedTime",
        duration: LongFilter => "duration",
        is_active: BooleanFilter => "isActive",
        agent_id: StringFilter => "agentId",
        agent_name: StringFilter => "agentName",
        queue_id: StringFilter => "queueId",
        queue_name: StringFilter => "queueName",
        team_id: StringFilter => "teamId",
        team_name: StringFilter => "teamName",
    }
}

/// Conditions on a task's activities: the task matches when any activity matches `nodes`.
#[derive(InputObject, Clone, Debug, Default)]
pub(crate) struct ActivityConnectionFilters {
    /// The condition one activity must meet.
    pub nodes: Option<ActivityFilters>,
}

/// Filters on the activity records of tasks (`extFilter` of `taskDetails`).
#[derive(InputObject, Clone, Debug, Default)]
pub(crate) struct TaskV2ExtFilters {
    /// Conditions on the task's activities.
    pub activities: Option<ActivityConnectionFilters>,
    /// All of these filters match.
    pub and: Option<Vec<TaskV2ExtFilters>>,
    /// At least one of these filters matches.
    pub or: Option<Vec<TaskV2ExtFilters>>,
}

impl TaskV2ExtFilters {
    /// Compiles for task records (activities are their children).
    pub(crate) fn compile_for<R: Record>(&self) -> Result<Pred, String> {
        let mut out = Vec::new();
        if let Some(nodes) = self.activities.as_ref().and_then(|a| a.nodes.as_ref()) {
            out.push(Pred::Children(Box::new(nodes.compile::<R::Child>()?)));
        }
        if let Some(list) = &self.and {
            let all = list
                .iter()
                .map(TaskV2ExtFilters::compile_for::<R>)
                .collect::<Result<Vec<_>, _>>()?;
            out.push(Pred::All(all));
        }
        if let Some(list) = &self.or {
            let any = list
                .iter()
                .map(TaskV2ExtFilters::compile_for::<R>)
                .collect::<Result<Vec<_>, _>>()?;
            out.push(Pred::Any(any));
        }
        Ok(Pred::All(out))
    }
}

filter_object! {
    /// Conditions on one channel of an agent session.
    ChannelInfoFilters {
        channel_id: StringFilter => "channelId",
        channel_type: ChannelTypeFilter => "channelType",
        total_duration: LongFilter => "totalDuration",
        available_duration: LongFilter => "availableDuration",
        idle_duration: LongFilter => "idleDuration",
        idle_count: IntFilter => "idleCount",
        connected_duration: LongFilter => "connectedDuration",
        hold_duration: LongFilter => "holdDuration",
        wrapup_duration: LongFilter => "wrapupDuration",
        ringing_duration: LongFilter => "ringingDuration",
        connected_count: IntFilter => "connectedCount",
    }
}

filter_object! {
    /// Filters on agent session records (`agentSession`). A `channelInfo` condition matches
    /// when any channel of the session meets it.
    AgentSessionV2Filters root AgentSessionV2Filters {
        agent_session_id: StringFilter => "agentSessionId",
        agent_id: StringFilter => "agentId",
        agent_name: StringFilter => "agentName",
        team_id: StringFilter => "teamId",
        team_name: StringFilter => "teamName",
        site_id: StringFilter => "siteId",
        site_name: StringFilter => "siteName",
        end_time: LongFilter => "endTime",
        is_active: BooleanFilter => "isActive",
        @children channel_info: ChannelInfoFilters => "channelInfo",
    }
}

filter_object! {
    /// Filters on task leg records (`taskLegDetails`).
    TaskLegV2Filters root TaskLegV2Filters {
        id: StringFilter => "id",
        task_id: StringFilter => "taskId",
        status: StringFilter => "status",
        channel_type: ChannelTypeFilter => "channelType",
        direction: StringFilter => "direction",
        origin: StringFilter => "origin",
        destination: StringFilter => "destination",
        is_active: BooleanFilter => "isActive",
        is_contact_handled: BooleanFilter => "isContactHandled",
        ended_time: LongFilter => "endedTime",
        total_duration: LongFilter => "totalDuration",
        queue_duration: LongFilter => "queueDuration",
        ringing_duration: LongFilter => "ringingDuration",
        connected_duration: LongFilter => "connectedDuration",
        hold_duration: LongFilter => "holdDuration",
        wrapup_duration: LongFilter => "wrapupDuration",
        agent: EntityFilters => "agent",
        queue: EntityFilters => "queue",
        team: EntityFilters => "team",
        site: EntityFilters => "site",
        entry_point: EntityFilters => "entryPoint",
    }
}
