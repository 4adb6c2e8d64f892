//! The GraphQL schema of `POST /search`: the three documented root queries, their arguments,
//! and the record types with the documented fields only.

use std::sync::Arc;

use async_graphql::{
    ComplexObject, Context, EmptyMutation, EmptySubscription, Enum, InputObject, Object, Schema,
    SimpleObject, context::SelectionField,
};

use super::engine::{self, AggSpec, AggregationType, GroupKey, IntervalType, Item, Spec};
use super::filter::{
    AgentSessionV2Filters, Filter, Pred, TaskLegV2Filters, TaskV2ExtFilters, TaskV2Filters, join,
};
use super::record::{self, Env, GvKind, Kind, Record, Val};
use super::scalar::Long;
use crate::data::{DAY, Dataset, Leg, Session, Task};
use crate::tz::Zone;

/// The schema type.
pub(crate) type SearchSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// Builds the schema (once per sandbox).
pub(crate) fn build() -> SearchSchema {
    Schema::build(QueryRoot, EmptyMutation, EmptySubscription)
        .limit_depth(16)
        .limit_complexity(20_000)
        .finish()
}

/// Per-request data: the data set, tasks created through the API, and now.
pub(crate) struct SearchData {
    pub data: Arc<Dataset>,
    pub created: Vec<Task>,
    pub now: i64,
}

/// A rejection the HTTP layer answers with an `ApiErrorResponse` of this status instead of a
/// GraphQL error (the real service validates windows and arguments before running queries).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HttpReject(pub u16);

pub(crate) fn reject(status: u16, message: impl Into<String>) -> async_graphql::Error {
    let mut error = async_graphql::Error::new(message);
    error.source = Some(Arc::new(HttpReject(status)));
    error
}

const RAW_TASK_PAGE: usize = 250;
const RAW_SESSION_PAGE: usize = 250;
const RAW_LEG_PAGE: usize = 500;
const AGGREGATION_PAGE: usize = 1_000;
const RAW_MAX_RECORDS: usize = 100_000;
const MAX_GROUP_BY: usize = 10;
const MAX_ARGUMENTS: usize = 1_000;

/// Which time a window selects on.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum QueryTimeType {
    /// Creation time (the default).
    #[graphql(name = "createdTime")]
    CreatedTime,
    /// End time.
    #[graphql(name = "endedTime")]
    EndedTime,
}

/// Sort order of a sortable field.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(rename_items = "lowercase")]
pub(crate) enum Sort {
    /// Oldest first.
    Asc,
    /// Newest first (the default for `createdTime`).
    Desc,
}

/// Which page to return.
#[derive(InputObject, Clone, Debug, Default)]
pub(crate) struct Pagination {
    /// The `endCursor` of the previous page; omit (or `"NA"`) for the first page.
    pub cursor: Option<String>,
}

/// Splits aggregations into time intervals.
#[derive(InputObject, Clone, Debug)]
pub(crate) struct AggregationInterval {
    /// The interval length. Windows up to one day allow every length, up to seven days
    /// `THIRTY_MINUTES` and longer, beyond that `DAILY`, `WEEKLY` and `MONTHLY`.
    pub interval: IntervalType,
    /// IANA time zone for interval boundaries (default UTC).
    pub timezone: Option<String>,
}

macro_rules! aggregation_input {
    ($(#[$meta:meta])* $name:ident, $filter:ty $(, $ext:ty)?) => {
        $(#[$meta])*
        #[derive(InputObject, Clone, Debug)]
        pub(crate) struct $name {
            /// The field to aggregate, as named in the record type (nested with dots, such as
            /// `lastQueue.duration`). `count` may use `id` to count records.
            pub field: String,
            /// The aggregation function.
            #[graphql(name = "type")]
            pub kind: AggregationType,
            /// The name the value is reported under (defaults to the field).
            pub name: Option<String>,
            /// Only records matching this filter count towards this aggregation.
            pub filter: Option<$filter>,
            $(
                /// Only records whose activities match count towards this aggregation.
                #[graphql(name = "extFilter")]
                pub ext_filter: Option<$ext>,
            )?
        }
    };
}

aggregation_input!(
    /// One aggregation over task records.
    TaskV2Aggregation,
    TaskV2Filters,
    TaskV2ExtFilters
);
aggregation_input!(
    /// One aggregation over agent session records.
    AgentSessionV2Aggregation,
    AgentSessionV2Filters
);
aggregation_input!(
    /// One aggregation over task leg records.
    TaskLegV2Aggregation,
    TaskLegV2Filters
);

/// Paging state of a result.
#[derive(SimpleObject, Clone, Debug)]
pub(crate) struct PageInfo {
    /// Whether another page follows.
    pub has_next_page: bool,
    /// Pass as `pagination: { cursor }` to get the next page.
    pub end_cursor: Option<String>,
}

/// The interval settings an aggregation ran with.
#[derive(SimpleObject, Clone, Debug)]
pub(crate) struct IntervalInfo {
    /// The interval length.
    pub interval: IntervalType,
    /// The time zone of the interval boundaries.
    pub timezone: String,
}

/// One aggregated value of a group.
#[derive(SimpleObject, Clone, Debug)]
pub(crate) struct AggregationValue {
    /// The aggregation's name.
    pub name: String,
    /// The value (`null` for the minimum, maximum or average of nothing).
    pub value: Option<f64>,
}

/// Reads fields of one (possibly absent) record through its field table.
struct Reader<'a, R> {
    rec: Option<&'a R>,
    env: &'a Env,
}

impl<R: Record> Reader<'_, R> {
    fn val(&self, path: &str) -> Val<'_> {
        match (self.rec, R::field_index(path)) {
            (Some(rec), Some(index)) => rec.get(index, self.env),
            _ => Val::Null,
        }
    }

    fn s(&self, path: &str) -> Option<String> {
        match self.val(path) {
            Val::Str(s) => Some(s.into_owned()),
            _ => None,
        }
    }

    fn f(&self, path: &str) -> Option<f64> {
        match self.val(path) {
            Val::Num(n) => Some(n),
            _ => None,
        }
    }

    fn l(&self, path: &str) -> Option<Long> {
        self.f(path).map(|n| Long(n as i64))
    }

    fn i(&self, path: &str) -> Option<i32> {
        self.f(path).map(|n| n as i32)
    }

    fn b(&self, path: &str) -> Option<bool> {
        match self.val(path) {
            Val::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn entity(&self, prefix: &str) -> Option<EntityDetails> {
        let id = self.s(&join(prefix, "id"))?;
        Some(EntityDetails {
            id: Some(id),
            name: self.s(&join(prefix, "name")),
        })
    }
}

/// A referenced entity.
#[derive(SimpleObject, Clone, Debug)]
pub(crate) struct EntityDetails {
    /// Its id.
    pub id: Option<String>,
    /// Its name.
    pub name: Option<String>,
}

/// The agent who last handled a task.
#[derive(SimpleObject, Clone, Debug)]
pub(crate) struct TaskAgentDetails {
    /// The agent's user id.
    pub id: Option<String>,
    /// The agent's name.
    pub name: Option<String>,
    /// The agent's sign-in (email).
    pub sign_in_id: Option<String>,
    /// The agent session during which the agent handled the task.
    pub session_id: Option<String>,
    /// The agent's phone number.
    pub phone_number: Option<String>,
    /// The agent's channel id for the task's channel.
    pub channel_id: Option<String>,
}

/// The queue a task last waited in.
#[derive(SimpleObject, Clone, Debug)]
pub(crate) struct TaskQueueDetails {
    /// Queue id.
    pub id: Option<String>,
    /// Queue name.
    pub name: Option<String>,
    /// Time spent in the queue, milliseconds.
    pub duration: Option<Long>,
}

/// The customer of a task.
#[derive(SimpleObject, Clone, Debug)]
pub(crate) struct CustomerDetails {
    /// Customer name.
    pub name: Option<String>,
    /// Customer phone number (E.164).
    pub phone_number: Option<String>,
    /// Customer email address.
    pub email: Option<String>,
}

/// Callback details of a callback task.
#[derive(SimpleObject, Clone, Debug)]
pub(crate) struct CallbackData {
    /// When the callback was requested, epoch milliseconds.
    pub callback_request_time: Option<Long>,
    /// When the callback connected, epoch milliseconds.
    pub callback_connect_time: Option<Long>,
    /// The number called back.
    pub callback_number: Option<String>,
    /// The outcome.
    pub callback_status: Option<String>,
    /// Where the callback was requested.
    pub callback_origin: Option<String>,
    /// Immediate or scheduled.
    pub callback_type: Option<String>,
    /// The queue of the callback.
    pub callback_queue_name: Option<String>,
    /// The agent who made the callback.
    pub callback_agent_name: Option<String>,
    /// That agent's team.
    pub callback_team_name: Option<String>,
    /// Retries made.
    pub callback_retry_count: Option<i32>,
}

/// Email metadata of a task.
#[derive(SimpleObject, Clone, Debug)]
pub(crate) struct EmailMetaData {
    /// The subject line.
    pub subject: Option<String>,
    /// Further metadata as text, when present.
    pub metadata: Option<String>,
}

/// Chat metadata of a task.
#[derive(SimpleObject, Clone, Debug)]
pub(crate) struct ChatMetaData {
    /// The reason the customer gave.
    pub chat_reason: Option<String>,
}

/// Channel-specific metadata of a task.
#[derive(SimpleObject, Clone, Debug)]
pub(crate) struct ChannelMetaData {
    /// Email tasks.
    pub email: Option<EmailMetaData>,
    /// Chat tasks.
    pub chat: Option<ChatMetaData>,
}

macro_rules! global_output {
    ($(#[$meta:meta])* $name:ident, $value:ty) => {
        $(#[$meta])*
        #[derive(SimpleObject, Clone, Debug)]
        pub(crate) struct $name {
            /// Variable name.
            pub name: String,
            /// Variable value.
            pub value: Option<$value>,
        }
    };
}

global_output!(
    /// A string global variable.
    StringGlobalVariable,
    String
);
global_output!(
    /// An integer global variable.
    IntegerGlobalVariable,
    i32
);
global_output!(
    /// A boolean global variable.
    BooleanGlobalVariable,
    bool
);
global_output!(
    /// A double global variable.
    DoubleGlobalVariable,
    f64
);
global_output!(
    /// A long global variable.
    LongGlobalVariable,
    Long
);

/// One activity (state change) of a task.
#[derive(SimpleObject, Clone, Debug)]
pub(crate) struct Activity {
    /// Activity id.
    pub id: Option<String>,
    /// The state entered: `created`, `parked`, `ringing`, `connected`, `hold`, `wrapup`, `ended`.
    pub event_name: Option<String>,
    /// Start, epoch milliseconds.
    pub created_time: Option<Long>,
    /// End, epoch milliseconds.
    pub ended_time: Option<Long>,
    /// Length, milliseconds.
    pub duration: Option<Long>,
    /// Whether it is still going on.
    pub is_active: Option<bool>,
    /// The agent involved.
    pub agent_id: Option<String>,
    /// The agent's name.
    pub agent_name: Option<String>,
    /// The queue involved.
    pub queue_id: Option<String>,
    /// The queue's name.
    pub queue_name: Option<String>,
    /// The agent's team.
    pub team_id: Option<String>,
    /// The team's name.
    pub team_name: Option<String>,
}

/// A page of a task's activities.
#[derive(SimpleObject, Clone, Debug)]
pub(crate) struct ActivityConnection {
    /// How many activities the task has.
    pub total_count: i32,
    /// This page.
    pub nodes: Vec<Activity>,
    /// Paging state.
    pub page_info: PageInfo,
}

/// A task record (contact session record).
#[derive(SimpleObject, Clone, Debug, Default)]
#[graphql(name = "Task", complex)]
pub(crate) struct TaskRecord {
    /// Task id.
    pub id: Option<String>,
    /// `created`, `parked`, `connected` or `ended`.
    pub status: Option<String>,
    /// `telephony`, `chat`, `email` or `social`.
    pub channel_type: Option<String>,
    /// Sub-type of the channel.
    pub channel_sub_type: Option<String>,
    /// `inbound` or `outbound`.
    pub direction: Option<String>,
    /// Caller number (E.164), chat visitor or sender address.
    pub origin: Option<String>,
    /// Dialed number, chat asset or mailbox.
    pub destination: Option<String>,
    /// Whether the task is still open.
    pub is_active: Option<bool>,
    #[graphql(skip)]
    pub created: Option<Long>,
    #[graphql(skip)]
    pub ended: Option<Long>,
    /// `normal`, `abandoned` or `selfservice`.
    pub termination_type: Option<String>,
    /// Who or what ended the task.
    pub termination_reason: Option<String>,
    /// Why the customer got in touch.
    pub contact_reason: Option<String>,
    /// Whether the task is a callback.
    pub is_callback: Option<bool>,
    /// Whether the task belongs to an outbound campaign.
    pub is_campaign: Option<bool>,
    /// Whether an agent handled the task.
    pub is_contact_handled: Option<bool>,
    /// Whether the task was answered within the queue's service level.
    pub is_with_in_service_level: Option<bool>,
    /// The last wrap-up code.
    pub last_wrapup_code_name: Option<String>,
    /// Customer satisfaction score.
    pub csat_score: Option<f64>,
    /// The first queue the task entered.
    pub first_queue_name: Option<String>,
    /// The agent before a transfer.
    pub previous_agent_id: Option<String>,
    /// The preferred agent, when routing asked for one.
    pub preferred_agent_system_id: Option<String>,
    /// Whether a recording was requested.
    pub capture_requested: Option<bool>,
    /// Creation to end, milliseconds.
    pub total_duration: Option<Long>,
    /// Time in self-service, milliseconds.
    pub selfservice_duration: Option<Long>,
    /// Time in queue, milliseconds.
    pub queue_duration: Option<Long>,
    /// Time offered to agents, milliseconds.
    pub ringing_duration: Option<Long>,
    /// Time connected to agents, milliseconds.
    pub connected_duration: Option<Long>,
    /// Time on hold, milliseconds.
    pub hold_duration: Option<Long>,
    /// Wrap-up time, milliseconds.
    pub wrapup_duration: Option<Long>,
    /// Consult time, milliseconds.
    pub consult_duration: Option<Long>,
    /// Conference time, milliseconds.
    pub conference_duration: Option<Long>,
    /// Holds.
    pub hold_count: Option<i32>,
    /// Transfers.
    pub transfer_count: Option<i32>,
    /// Blind transfers.
    pub blind_transfer_count: Option<i32>,
    /// Consults.
    pub consult_count: Option<i32>,
    /// Conferences.
    pub conference_count: Option<i32>,
    /// Queues entered.
    pub queue_count: Option<i32>,
    /// The agent who last handled the task.
    pub last_agent: Option<TaskAgentDetails>,
    /// The task's owner (its last agent).
    pub owner: Option<EntityDetails>,
    /// The last queue.
    pub last_queue: Option<TaskQueueDetails>,
    /// The queue before the last.
    pub previous_queue: Option<EntityDetails>,
    /// The last agent's team.
    pub last_team: Option<EntityDetails>,
    /// The last agent's site.
    pub last_site: Option<EntityDetails>,
    /// The entry point.
    pub last_entry_point: Option<EntityDetails>,
    /// The customer.
    pub customer: Option<CustomerDetails>,
    /// Callback details (callback tasks).
    pub callback_data: Option<CallbackData>,
    /// Channel-specific metadata.
    pub channel_meta_data: Option<ChannelMetaData>,
    /// Aggregated values (aggregation queries).
    pub aggregation: Option<Vec<AggregationValue>>,
    /// Start of the interval (aggregation queries with an interval), epoch milliseconds.
    pub interval_start_time: Option<Long>,
    #[graphql(skip)]
    pub activities: Vec<Activity>,
    #[graphql(skip)]
    pub globals: Vec<(GvKind, &'static str, Val<'static>)>,
}

fn first_after(first: Option<i32>, after: Option<String>) -> async_graphql::Result<(usize, usize)> {
    let first = first.unwrap_or(25);
    if !(1..=100).contains(&first) {
        return Err(reject(400, "activities: `first` must be between 1 and 100"));
    }
    let offset = match after {
        None => 0,
        Some(cursor) => engine::decode_cursor(Some(&cursor)).map_err(|e| reject(400, e))?,
    };
    Ok((first as usize, offset))
}

fn global<'a>(
    globals: &'a [(GvKind, &'static str, Val<'static>)],
    kind: GvKind,
    name: &str,
) -> Option<&'a Val<'static>> {
    globals
        .iter()
        .find(|(k, n, _)| *k == kind && *n == name)
        .map(|(_, _, v)| v)
}

fn num(value: Option<&Val<'_>>) -> Option<f64> {
    match value {
        Some(Val::Num(n)) => Some(*n),
        _ => None,
    }
}

#[ComplexObject]
impl TaskRecord {
    /// Creation time, epoch milliseconds. `sort: asc|desc` orders raw results (default desc).
    async fn created_time(&self, #[graphql(name = "sort")] _sort: Option<Sort>) -> Option<Long> {
        self.created
    }

    /// End time, epoch milliseconds. `sort: asc|desc` orders raw results.
    async fn ended_time(&self, #[graphql(name = "sort")] _sort: Option<Sort>) -> Option<Long> {
        self.ended
    }

    /// The task's activities (CAR records), 25 per page by default, at most 100.
    async fn activities(
        &self,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<ActivityConnection> {
        let (first, offset) = first_after(first, after)?;
        let end = offset.saturating_add(first).min(self.activities.len());
        let nodes = self
            .activities
            .get(offset.min(end)..end)
            .unwrap_or_default()
            .to_vec();
        Ok(ActivityConnection {
            total_count: self.activities.len() as i32,
            nodes,
            page_info: PageInfo {
                has_next_page: end < self.activities.len(),
                end_cursor: Some(engine::encode_cursor(end)),
            },
        })
    }

    /// A string global variable by name.
    async fn string_global_variables(&self, name: String) -> Option<StringGlobalVariable> {
        let value = global(&self.globals, GvKind::String, &name)?;
        Some(StringGlobalVariable {
            value: match value {
                Val::Str(s) => Some(s.to_string()),
                _ => None,
            },
            name,
        })
    }

    /// An integer global variable by name.
    async fn integer_global_variables(&self, name: String) -> Option<IntegerGlobalVariable> {
        let value = num(Some(global(&self.globals, GvKind::Integer, &name)?));
        Some(IntegerGlobalVariable {
            value: value.map(|n| n as i32),
            name,
        })
    }

    /// A boolean global variable by name.
    async fn boolean_global_variables(&self, name: String) -> Option<BooleanGlobalVariable> {
        let value = global(&self.globals, GvKind::Boolean, &name)?;
        Some(BooleanGlobalVariable {
            value: match value {
                Val::Bool(b) => Some(*b),
                _ => None,
            },
            name,
        })
    }

    /// A double global variable by name.
    async fn double_global_variables(&self, name: String) -> Option<DoubleGlobalVariable> {
        let value = num(Some(global(&self.globals, GvKind::Double, &name)?));
        Some(DoubleGlobalVariable { value, name })
    }

    /// A long global variable by name.
    async fn long_global_variables(&self, name: String) -> Option<LongGlobalVariable> {
        let value = num(Some(global(&self.globals, GvKind::Long, &name)?));
        Some(LongGlobalVariable {
            value: value.map(|n| Long(n as i64)),
            name,
        })
    }
}

const GLOBAL_KINDS: [GvKind; 5] = [
    GvKind::String,
    GvKind::Integer,
    GvKind::Boolean,
    GvKind::Double,
    GvKind::Long,
];

fn task_record(
    task: Option<&Task>,
    env: &Env,
    with_activities: bool,
    aggregation: Option<Vec<AggregationValue>>,
    interval: Option<i64>,
) -> TaskRecord {
    let r = Reader { rec: task, env };
    let agent = r.s("lastAgent.id").map(|id| TaskAgentDetails {
        id: Some(id),
        name: r.s("lastAgent.name"),
        sign_in_id: r.s("lastAgent.signInId"),
        session_id: r.s("lastAgent.sessionId"),
        phone_number: r.s("lastAgent.phoneNumber"),
        channel_id: r.s("lastAgent.channelId"),
    });
    let queue = r.s("lastQueue.id").map(|id| TaskQueueDetails {
        id: Some(id),
        name: r.s("lastQueue.name"),
        duration: r.l("lastQueue.duration"),
    });
    let customer = task.map(|_| CustomerDetails {
        name: r.s("customer.name"),
        phone_number: r.s("customer.phoneNumber"),
        email: r.s("customer.email"),
    });
    let callback = task.filter(|t| t.is_callback).map(|_| CallbackData {
        callback_request_time: r.l("callbackData.callbackRequestTime"),
        callback_connect_time: r.l("callbackData.callbackConnectTime"),
        callback_number: r.s("callbackData.callbackNumber"),
        callback_status: r.s("callbackData.callbackStatus"),
        callback_origin: r.s("callbackData.callbackOrigin"),
        callback_type: r.s("callbackData.callbackType"),
        callback_queue_name: r.s("callbackData.callbackQueueName"),
        callback_agent_name: r.s("callbackData.callbackAgentName"),
        callback_team_name: r.s("callbackData.callbackTeamName"),
        callback_retry_count: r.i("callbackData.callbackRetryCount"),
    });
    let subject = r.s("channelMetaData.email.subject");
    let chat_reason = r.s("channelMetaData.chat.chatReason");
    let meta = (subject.is_some() || chat_reason.is_some()).then(|| ChannelMetaData {
        email: subject.map(|subject| EmailMetaData {
            subject: Some(subject),
            metadata: None,
        }),
        chat: chat_reason.map(|reason| ChatMetaData {
            chat_reason: Some(reason),
        }),
    });
    let activities = match task {
        Some(task) if with_activities => record::activities(task, env)
            .iter()
            .map(|a| {
                let r = Reader { rec: Some(a), env };
                Activity {
                    id: r.s("id"),
                    event_name: r.s("eventName"),
                    created_time: r.l("createdTime"),
                    ended_time: r.l("endedTime"),
                    duration: r.l("duration"),
                    is_active: r.b("isActive"),
                    agent_id: r.s("agentId"),
                    agent_name: r.s("agentName"),
                    queue_id: r.s("queueId"),
                    queue_name: r.s("queueName"),
                    team_id: r.s("teamId"),
                    team_name: r.s("teamName"),
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    let globals = task
        .map(|t| {
            GLOBAL_KINDS
                .iter()
                .flat_map(|kind| {
                    t.globals(*kind)
                        .into_iter()
                        .map(move |(name, value)| (*kind, name, value))
                })
                .collect()
        })
        .unwrap_or_default();
    TaskRecord {
        id: r.s("id"),
        status: r.s("status"),
        channel_type: r.s("channelType"),
        channel_sub_type: r.s("channelSubType"),
        direction: r.s("direction"),
        origin: r.s("origin"),
        destination: r.s("destination"),
        is_active: r.b("isActive"),
        created: r.l("createdTime"),
        ended: r.l("endedTime"),
        termination_type: r.s("terminationType"),
        termination_reason: r.s("terminationReason"),
        contact_reason: r.s("contactReason"),
        is_callback: r.b("isCallback"),
        is_campaign: r.b("isCampaign"),
        is_contact_handled: r.b("isContactHandled"),
        is_with_in_service_level: r.b("isWithInServiceLevel"),
        last_wrapup_code_name: r.s("lastWrapupCodeName"),
        csat_score: r.f("csatScore"),
        first_queue_name: r.s("firstQueueName"),
        previous_agent_id: r.s("previousAgentId"),
        preferred_agent_system_id: r.s("preferredAgentSystemId"),
        capture_requested: r.b("captureRequested"),
        total_duration: r.l("totalDuration"),
        selfservice_duration: r.l("selfserviceDuration"),
        queue_duration: r.l("queueDuration"),
        ringing_duration: r.l("ringingDuration"),
        connected_duration: r.l("connectedDuration"),
        hold_duration: r.l("holdDuration"),
        wrapup_duration: r.l("wrapupDuration"),
        consult_duration: r.l("consultDuration"),
        conference_duration: r.l("conferenceDuration"),
        hold_count: r.i("holdCount"),
        transfer_count: r.i("transferCount"),
        blind_transfer_count: r.i("blindTransferCount"),
        consult_count: r.i("consultCount"),
        conference_count: r.i("conferenceCount"),
        queue_count: r.i("queueCount"),
        last_agent: agent,
        owner: r.entity("owner"),
        last_queue: queue,
        previous_queue: r.entity("previousQueue"),
        last_team: r.entity("lastTeam"),
        last_site: r.entity("lastSite"),
        last_entry_point: r.entity("lastEntryPoint"),
        customer,
        callback_data: callback,
        channel_meta_data: meta,
        aggregation,
        interval_start_time: interval.map(Long),
        activities,
        globals,
    }
}

/// One channel of an agent session.
#[derive(SimpleObject, Clone, Debug)]
pub(crate) struct ChannelInfo {
    /// The agent's channel id.
    pub channel_id: Option<String>,
    /// The channel.
    pub channel_type: Option<String>,
    /// Session length, milliseconds.
    pub total_duration: Option<Long>,
    /// Time available on this channel, milliseconds.
    pub available_duration: Option<Long>,
    /// Time idle, milliseconds.
    pub idle_duration: Option<Long>,
    /// Times the agent went idle.
    pub idle_count: Option<i32>,
    /// Time connected to tasks of this channel, milliseconds.
    pub connected_duration: Option<Long>,
    /// Time with customers on hold, milliseconds.
    pub hold_duration: Option<Long>,
    /// Time in wrap-up, milliseconds.
    pub wrapup_duration: Option<Long>,
    /// Time being offered tasks, milliseconds.
    pub ringing_duration: Option<Long>,
    /// Tasks handled on this channel.
    pub connected_count: Option<i32>,
}

/// An agent session record (sign-in to sign-out).
#[derive(SimpleObject, Clone, Debug, Default)]
#[graphql(name = "AgentSession", complex)]
pub(crate) struct AgentSessionRecord {
    /// Session id.
    pub agent_session_id: Option<String>,
    /// The agent's user id.
    pub agent_id: Option<String>,
    /// The agent's name.
    pub agent_name: Option<String>,
    /// The agent's team.
    pub team_id: Option<String>,
    /// The team's name.
    pub team_name: Option<String>,
    /// The agent's site.
    pub site_id: Option<String>,
    /// The site's name.
    pub site_name: Option<String>,
    #[graphql(skip)]
    pub start: Option<Long>,
    #[graphql(skip)]
    pub end: Option<Long>,
    /// Whether the agent is still signed in.
    pub is_active: Option<bool>,
    /// Per-channel figures.
    pub channel_info: Option<Vec<ChannelInfo>>,
    /// Aggregated values (aggregation queries).
    pub aggregation: Option<Vec<AggregationValue>>,
    /// Start of the interval (aggregation queries with an interval), epoch milliseconds.
    pub interval_start_time: Option<Long>,
}

#[ComplexObject]
impl AgentSessionRecord {
    /// Sign-in time, epoch milliseconds. `sort: asc|desc` orders raw results (default desc).
    async fn start_time(&self, #[graphql(name = "sort")] _sort: Option<Sort>) -> Option<Long> {
        self.start
    }

    /// Sign-out time, epoch milliseconds. `sort: asc|desc` orders raw results.
    async fn end_time(&self, #[graphql(name = "sort")] _sort: Option<Sort>) -> Option<Long> {
        self.end
    }
}

fn session_record(
    session: Option<&Session>,
    env: &Env,
    aggregation: Option<Vec<AggregationValue>>,
    interval: Option<i64>,
) -> AgentSessionRecord {
    let r = Reader { rec: session, env };
    let channels = session.map(|s| {
        record::channel_info(s, env)
            .iter()
            .map(|c| {
                let r = Reader { rec: Some(c), env };
                ChannelInfo {
                    channel_id: r.s("channelId"),
                    channel_type: r.s("channelType"),
                    total_duration: r.l("totalDuration"),
                    available_duration: r.l("availableDuration"),
                    idle_duration: r.l("idleDuration"),
                    idle_count: r.i("idleCount"),
                    connected_duration: r.l("connectedDuration"),
                    hold_duration: r.l("holdDuration"),
                    wrapup_duration: r.l("wrapupDuration"),
                    ringing_duration: r.l("ringingDuration"),
                    connected_count: r.i("connectedCount"),
                }
            })
            .collect()
    });
    AgentSessionRecord {
        agent_session_id: r.s("agentSessionId"),
        agent_id: r.s("agentId"),
        agent_name: r.s("agentName"),
        team_id: r.s("teamId"),
        team_name: r.s("teamName"),
        site_id: r.s("siteId"),
        site_name: r.s("siteName"),
        start: r.l("startTime"),
        end: r.l("endTime"),
        is_active: r.b("isActive"),
        channel_info: channels,
        aggregation,
        interval_start_time: interval.map(Long),
    }
}

/// A task leg record (one queue or agent segment of a task).
#[derive(SimpleObject, Clone, Debug, Default)]
#[graphql(name = "TaskLeg", complex)]
pub(crate) struct TaskLegRecord {
    /// Leg id.
    pub id: Option<String>,
    /// The task the leg belongs to.
    pub task_id: Option<String>,
    /// `active` or `ended`.
    pub status: Option<String>,
    /// The task's channel.
    pub channel_type: Option<String>,
    /// `inbound` or `outbound`.
    pub direction: Option<String>,
    /// The task's origin.
    pub origin: Option<String>,
    /// The task's destination.
    pub destination: Option<String>,
    /// Whether the leg is still open.
    pub is_active: Option<bool>,
    /// Whether an agent handled the leg.
    pub is_contact_handled: Option<bool>,
    #[graphql(skip)]
    pub created: Option<Long>,
    #[graphql(skip)]
    pub ended: Option<Long>,
    /// Leg length, milliseconds.
    pub total_duration: Option<Long>,
    /// Time in queue, milliseconds.
    pub queue_duration: Option<Long>,
    /// Time offered, milliseconds.
    pub ringing_duration: Option<Long>,
    /// Time connected, milliseconds.
    pub connected_duration: Option<Long>,
    /// Time on hold, milliseconds.
    pub hold_duration: Option<Long>,
    /// Wrap-up time, milliseconds.
    pub wrapup_duration: Option<Long>,
    /// The leg's agent.
    pub agent: Option<EntityDetails>,
    /// The leg's queue.
    pub queue: Option<EntityDetails>,
    /// The agent's team.
    pub team: Option<EntityDetails>,
    /// The agent's site.
    pub site: Option<EntityDetails>,
    /// The task's entry point.
    pub entry_point: Option<EntityDetails>,
    /// Aggregated values (aggregation queries).
    pub aggregation: Option<Vec<AggregationValue>>,
    /// Start of the interval (aggregation queries with an interval), epoch milliseconds.
    pub interval_start_time: Option<Long>,
}

#[ComplexObject]
impl TaskLegRecord {
    /// Start of the leg, epoch milliseconds. `sort: asc|desc` orders raw results (default desc).
    async fn created_time(&self, #[graphql(name = "sort")] _sort: Option<Sort>) -> Option<Long> {
        self.created
    }

    /// End of the leg, epoch milliseconds. `sort: asc|desc` orders raw results.
    async fn ended_time(&self, #[graphql(name = "sort")] _sort: Option<Sort>) -> Option<Long> {
        self.ended
    }
}

fn leg_record(
    leg: Option<&Leg>,
    env: &Env,
    aggregation: Option<Vec<AggregationValue>>,
    interval: Option<i64>,
) -> TaskLegRecord {
    let r = Reader { rec: leg, env };
    TaskLegRecord {
        id: r.s("id"),
        task_id: r.s("taskId"),
        status: r.s("status"),
        channel_type: r.s("channelType"),
        direction: r.s("direction"),
        origin: r.s("origin"),
        destination: r.s("destination"),
        is_active: r.b("isActive"),
        is_contact_handled: r.b("isContactHandled"),
        created: r.l("createdTime"),
        ended: r.l("endedTime"),
        total_duration: r.l("totalDuration"),
        queue_duration: r.l("queueDuration"),
        ringing_duration: r.l("ringingDuration"),
        connected_duration: r.l("connectedDuration"),
        hold_duration: r.l("holdDuration"),
        wrapup_duration: r.l("wrapupDuration"),
        agent: r.entity("agent"),
        queue: r.entity("queue"),
        team: r.entity("team"),
        site: r.entity("site"),
        entry_point: r.entity("entryPoint"),
        aggregation,
        interval_start_time: interval.map(Long),
    }
}

/// The result of `taskDetails`.
#[derive(SimpleObject)]
pub(crate) struct TaskDetailsResult {
    /// Task records (or groups, for aggregation queries).
    pub tasks: Vec<TaskRecord>,
    /// Paging state.
    pub page_info: PageInfo,
    /// The interval settings, for aggregation queries with an interval.
    pub interval_info: Option<IntervalInfo>,
}

/// The result of `agentSession`.
#[derive(SimpleObject)]
pub(crate) struct AgentSessionResult {
    /// Agent session records (or groups, for aggregation queries).
    pub agent_sessions: Vec<AgentSessionRecord>,
    /// Paging state.
    pub page_info: PageInfo,
    /// The interval settings, for aggregation queries with an interval.
    pub interval_info: Option<IntervalInfo>,
}

/// The result of `taskLegDetails`.
#[derive(SimpleObject)]
pub(crate) struct TaskLegResult {
    /// Task leg records (or groups, for aggregation queries).
    pub task_legs: Vec<TaskLegRecord>,
    /// Paging state.
    pub page_info: PageInfo,
    /// The interval settings, for aggregation queries with an interval.
    pub interval_info: Option<IntervalInfo>,
}

/// The root query type.
pub(crate) struct QueryRoot;

/// What every root query shares.
struct Common {
    from: Long,
    to: Long,
    aggregation_interval: Option<AggregationInterval>,
    cursor: Option<String>,
}

/// Which record list a root query returns, and its rules.
struct Kinds {
    list: &'static str,
    raw_page: usize,
    max_records: Option<usize>,
    /// Sortable fields; the first is the default (descending).
    sortable: &'static [&'static str],
}

const MONTHS_BACK: u32 = 36;

fn window(from: i64, to: i64, now: i64) -> async_graphql::Result<(i64, i64)> {
    let to = to.min(now);
    if from >= to {
        return Err(reject(400, "`from` must be before `to` (and before now)"));
    }
    let oldest = chrono::DateTime::from_timestamp_millis(now)
        .and_then(|n| n.checked_sub_months(chrono::Months::new(MONTHS_BACK)))
        .map_or(i64::MIN, |d| d.timestamp_millis());
    if from < oldest {
        return Err(reject(
            400,
            "`from` may reach back at most 36 months from now",
        ));
    }
    if to - from > 365 * DAY {
        return Err(reject(
            400,
            "the window between `from` and `to` is limited to 365 days",
        ));
    }
    Ok((from, to))
}

fn interval_allowed(interval: IntervalType, span: i64) -> bool {
    use IntervalType::*;
    if span <= DAY {
        true
    } else if span <= 7 * DAY {
        !matches!(interval, FifteenMinutes)
    } else {
        matches!(interval, Daily | Weekly | Monthly)
    }
}

/// The selections of the record list (`tasks`, ...) in the current root field.
fn list_selections<'a>(ctx: &'a Context<'_>, list: &str) -> Vec<SelectionField<'a>> {
    ctx.field()
        .selection_set()
        .filter(|f| f.name() == list)
        .collect()
}

fn global_kind(name: &str) -> Option<GvKind> {
    Some(match name {
        "stringGlobalVariables" => GvKind::String,
        "integerGlobalVariables" => GvKind::Integer,
        "booleanGlobalVariables" => GvKind::Boolean,
        "doubleGlobalVariables" => GvKind::Double,
        "longGlobalVariables" => GvKind::Long,
        _ => return None,
    })
}

fn argument(
    field: &SelectionField<'_>,
    name: &str,
) -> async_graphql::Result<Option<async_graphql::Value>> {
    Ok(field
        .arguments()?
        .into_iter()
        .find(|(n, _)| n.as_str() == name)
        .map(|(_, v)| v))
}

/// Group-by keys: every selected field except the aggregation and interval fields.
fn group_keys<R: Record>(
    fields: &[SelectionField<'_>],
    prefix: &str,
    out: &mut Vec<GroupKey>,
) -> async_graphql::Result<()> {
    for field in fields {
        let name = field.name();
        if matches!(name, "__typename" | "aggregation" | "intervalStartTime") {
            continue;
        }
        if let Some(kind) = global_kind(name).filter(|_| prefix.is_empty()) {
            if let Some(async_graphql::Value::String(var)) = argument(field, "name")? {
                out.push(GroupKey::Global(kind, var));
            }
            continue;
        }
        let path = join(prefix, name);
        let children: Vec<SelectionField<'_>> = field.selection_set().collect();
        if children.is_empty() {
            let index = R::field_index(&path).ok_or_else(|| {
                reject(400, format!("aggregation queries cannot group by `{path}`"))
            })?;
            out.push(GroupKey::Field(index));
        } else {
            group_keys::<R>(&children, &path, out)?;
        }
    }
    Ok(())
}

/// The raw sort: the first sortable field selected with a `sort` argument, else the default.
fn sort_of<R: Record>(
    selections: &[SelectionField<'_>],
    kinds: &Kinds,
) -> async_graphql::Result<(usize, bool)> {
    for list in selections {
        for field in list.selection_set() {
            if !kinds.sortable.contains(&field.name()) {
                continue;
            }
            let order = match argument(&field, "sort")? {
                Some(async_graphql::Value::Enum(order)) => order.to_string(),
                Some(async_graphql::Value::String(order)) => order,
                _ => continue,
            };
            let index = R::field_index(field.name()).unwrap_or(0);
            return Ok((index, order == "desc"));
        }
    }
    let default = kinds.sortable.first().copied().unwrap_or("createdTime");
    Ok((R::field_index(default).unwrap_or(0), true))
}

fn selects(selections: &[SelectionField<'_>], name: &str) -> bool {
    selections
        .iter()
        .any(|list| list.selection_set().any(|f| f.name() == name))
}

struct AggInput {
    field: String,
    kind: AggregationType,
    name: Option<String>,
    filter: Option<Pred>,
}

/// Validates the common arguments and builds the query spec.
fn spec<'c, R: Record>(
    ctx: &'c Context<'_>,
    now: i64,
    common: Common,
    time_field: &str,
    filter: Option<Pred>,
    aggregations: Vec<AggInput>,
    kinds: &Kinds,
) -> async_graphql::Result<(Spec, Vec<SelectionField<'c>>)> {
    let (from, to) = window(common.from.0, common.to.0, now)?;
    let selections = list_selections(ctx, kinds.list);
    let time_field = R::field_index(time_field).unwrap_or(0);
    let mut size = filter.as_ref().map_or(0, Pred::size);
    let mut specs = Vec::with_capacity(aggregations.len());
    for agg in aggregations {
        size += agg.filter.as_ref().map_or(0, Pred::size);
        let index = R::field_index(&agg.field).ok_or_else(|| {
            reject(
                400,
                format!("`{}` is not a field that can be aggregated", agg.field),
            )
        })?;
        let numeric = matches!(
            agg.kind,
            AggregationType::Min
                | AggregationType::Max
                | AggregationType::Sum
                | AggregationType::Average
        );
        if numeric && R::fields().get(index).map(|(_, k, _)| *k) != Some(Kind::Num) {
            return Err(reject(
                400,
                format!(
                    "`{}` is not numeric; `{:?}` needs a numeric field",
                    agg.field, agg.kind
                ),
            ));
        }
        specs.push(AggSpec {
            name: agg.name.unwrap_or_else(|| agg.field.clone()),
            kind: agg.kind,
            field: (agg.field != "id" || agg.kind != AggregationType::Count).then_some(index),
            filter: agg.filter,
        });
    }
    if size > MAX_ARGUMENTS {
        return Err(reject(400, "too many filter arguments (at most 1,000)"));
    }
    let interval = match common.aggregation_interval {
        None => None,
        Some(_) if specs.is_empty() => {
            return Err(reject(400, "`aggregationInterval` needs `aggregations`"));
        }
        Some(interval) => {
            if !interval_allowed(interval.interval, to - from) {
                return Err(reject(
                    400,
                    format!(
                        "interval {:?} is not allowed for a window of this length",
                        interval.interval
                    ),
                ));
            }
            let zone = match interval.timezone.as_deref() {
                None | Some("") => Zone::utc(),
                Some(name) => Zone::parse(name)
                    .ok_or_else(|| reject(400, format!("unknown time zone `{name}`")))?,
            };
            Some((interval.interval, zone))
        }
    };
    let mut group_by = Vec::new();
    if !specs.is_empty() {
        for list in &selections {
            let fields: Vec<SelectionField<'_>> = list.selection_set().collect();
            group_keys::<R>(&fields, "", &mut group_by)?;
        }
        group_by.dedup();
        if group_by.len() > MAX_GROUP_BY {
            return Err(reject(400, "at most 10 group-by fields"));
        }
    }
    let offset = engine::decode_cursor(common.cursor.as_deref()).map_err(|e| reject(400, e))?;
    let sort = sort_of::<R>(&selections, kinds)?;
    let raw = specs.is_empty();
    Ok((
        Spec {
            from,
            to,
            time_field,
            filter,
            aggregations: specs,
            interval,
            group_by,
            sort,
            offset,
            page_size: if raw {
                kinds.raw_page
            } else {
                AGGREGATION_PAGE
            },
            max_records: if raw { kinds.max_records } else { None },
        },
        selections,
    ))
}

fn search_data<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a SearchData> {
    ctx.data::<SearchData>()
}

fn compile<F: Filter, R: Record>(filter: Option<&F>) -> async_graphql::Result<Option<Pred>> {
    filter
        .map(|f| f.compile::<R>().map_err(|e| reject(400, e)))
        .transpose()
}

fn both(a: Option<Pred>, b: Option<Pred>) -> Option<Pred> {
    match (a, b) {
        (Some(a), Some(b)) => Some(Pred::All(vec![a, b])),
        (a, b) => a.or(b),
    }
}

fn page_info<R>(page: &engine::Page<'_, R>) -> PageInfo {
    PageInfo {
        has_next_page: page.has_next,
        end_cursor: page.end_cursor.clone(),
    }
}

fn interval_info(spec: &Spec) -> Option<IntervalInfo> {
    spec.interval.as_ref().map(|(interval, zone)| IntervalInfo {
        interval: *interval,
        timezone: zone.name.clone(),
    })
}

fn values(values: Vec<(String, Option<f64>)>) -> Vec<AggregationValue> {
    values
        .into_iter()
        .map(|(name, value)| AggregationValue { name, value })
        .collect()
}

#[Object]
impl QueryRoot {
    /// Task records (contact sessions) created (or ended, per `timeComparator`) in the
    /// window `[from, to)`. Raw pages hold 250 tasks (at most 100,000 reachable); aggregation
    /// pages 1,000 groups.
    #[allow(clippy::too_many_arguments)]
    async fn task_details(
        &self,
        ctx: &Context<'_>,
        from: Long,
        to: Long,
        time_comparator: Option<QueryTimeType>,
        filter: Option<TaskV2Filters>,
        ext_filter: Option<TaskV2ExtFilters>,
        aggregations: Option<Vec<TaskV2Aggregation>>,
        aggregation_interval: Option<AggregationInterval>,
        pagination: Option<Pagination>,
    ) -> async_graphql::Result<TaskDetailsResult> {
        let data = search_data(ctx)?;
        let filter_pred = compile::<_, Task>(filter.as_ref())?;
        let ext_pred = ext_filter
            .as_ref()
            .map(|f| f.compile_for::<Task>().map_err(|e| reject(400, e)))
            .transpose()?;
        let mut aggs = Vec::new();
        for agg in aggregations.unwrap_or_default() {
            let filter = compile::<_, Task>(agg.filter.as_ref())?;
            let ext = agg
                .ext_filter
                .as_ref()
                .map(|f| f.compile_for::<Task>().map_err(|e| reject(400, e)))
                .transpose()?;
            aggs.push(AggInput {
                field: agg.field,
                kind: agg.kind,
                name: agg.name,
                filter: both(filter, ext),
            });
        }
        let kinds = Kinds {
            list: "tasks",
            raw_page: RAW_TASK_PAGE,
            max_records: Some(RAW_MAX_RECORDS),
            sortable: &["createdTime", "endedTime"],
        };
        let time_field = match time_comparator.unwrap_or(QueryTimeType::CreatedTime) {
            QueryTimeType::CreatedTime => "createdTime",
            QueryTimeType::EndedTime => "endedTime",
        };
        let has_ext = ext_pred.is_some();
        let (spec, selections) = spec::<Task>(
            ctx,
            data.now,
            Common {
                from,
                to,
                aggregation_interval,
                cursor: pagination.and_then(|p| p.cursor),
            },
            time_field,
            both(filter_pred, ext_pred),
            aggs,
            &kinds,
        )?;
        let with_activities = selects(&selections, "activities");
        if spec.aggregations.is_empty()
            && (has_ext || with_activities)
            && spec.to - spec.from > 30 * DAY
        {
            return Err(reject(
                400,
                "raw queries on activities (extFilter or activities) are limited to 30 days",
            ));
        }
        let env = Env {
            data: Arc::clone(&data.data),
            now: data.now,
        };
        let page = engine::run(
            data.data.tasks.iter().chain(data.created.iter()),
            &spec,
            &env,
        );
        let tasks = page
            .items
            .iter()
            .map(|item| match item {
                Item::Raw(task) => task_record(Some(task), &env, with_activities, None, None),
                Item::Group {
                    rep,
                    interval,
                    values: v,
                } => task_record(*rep, &env, false, Some(values(v.clone())), *interval),
            })
            .collect();
        Ok(TaskDetailsResult {
            tasks,
            page_info: page_info(&page),
            interval_info: interval_info(&spec),
        })
    }

    /// Agent session records that started in the window `[from, to)`. Raw pages hold 250
    /// sessions; aggregation pages 1,000 groups.
    #[allow(clippy::too_many_arguments)]
    async fn agent_session(
        &self,
        ctx: &Context<'_>,
        from: Long,
        to: Long,
        filter: Option<AgentSessionV2Filters>,
        aggregations: Option<Vec<AgentSessionV2Aggregation>>,
        aggregation_interval: Option<AggregationInterval>,
        pagination: Option<Pagination>,
    ) -> async_graphql::Result<AgentSessionResult> {
        let data = search_data(ctx)?;
        let filter_pred = compile::<_, Session>(filter.as_ref())?;
        let mut aggs = Vec::new();
        for agg in aggregations.unwrap_or_default() {
            aggs.push(AggInput {
                filter: compile::<_, Session>(agg.filter.as_ref())?,
                field: agg.field,
                kind: agg.kind,
                name: agg.name,
            });
        }
        let kinds = Kinds {
            list: "agentSessions",
            raw_page: RAW_SESSION_PAGE,
            max_records: None,
            sortable: &["startTime", "endTime"],
        };
        let (spec, _) = spec::<Session>(
            ctx,
            data.now,
            Common {
                from,
                to,
                aggregation_interval,
                cursor: pagination.and_then(|p| p.cursor),
            },
            "startTime",
            filter_pred,
            aggs,
            &kinds,
        )?;
        let env = Env {
            data: Arc::clone(&data.data),
            now: data.now,
        };
        let page = engine::run(data.data.sessions.iter(), &spec, &env);
        let agent_sessions = page
            .items
            .iter()
            .map(|item| match item {
                Item::Raw(s) => session_record(Some(s), &env, None, None),
                Item::Group {
                    rep,
                    interval,
                    values: v,
                } => session_record(*rep, &env, Some(values(v.clone())), *interval),
            })
            .collect();
        Ok(AgentSessionResult {
            agent_sessions,
            page_info: page_info(&page),
            interval_info: interval_info(&spec),
        })
    }

    /// Task leg records created (or ended, per `timeComparator`) in the window `[from, to)`.
    /// Raw pages hold 500 legs (at most 100,000 reachable); aggregation pages 1,000 groups.
    #[allow(clippy::too_many_arguments)]
    async fn task_leg_details(
        &self,
        ctx: &Context<'_>,
        from: Long,
        to: Long,
        time_comparator: Option<QueryTimeType>,
        filter: Option<TaskLegV2Filters>,
        aggregations: Option<Vec<TaskLegV2Aggregation>>,
        aggregation_interval: Option<AggregationInterval>,
        pagination: Option<Pagination>,
    ) -> async_graphql::Result<TaskLegResult> {
        let data = search_data(ctx)?;
        let filter_pred = compile::<_, Leg>(filter.as_ref())?;
        let mut aggs = Vec::new();
        for agg in aggregations.unwrap_or_default() {
            aggs.push(AggInput {
                filter: compile::<_, Leg>(agg.filter.as_ref())?,
                field: agg.field,
                kind: agg.kind,
                name: agg.name,
            });
        }
        let kinds = Kinds {
            list: "taskLegs",
            raw_page: RAW_LEG_PAGE,
            max_records: Some(RAW_MAX_RECORDS),
            sortable: &["createdTime", "endedTime"],
        };
        let time_field = match time_comparator.unwrap_or(QueryTimeType::CreatedTime) {
            QueryTimeType::CreatedTime => "createdTime",
            QueryTimeType::EndedTime => "endedTime",
        };
        let (spec, _) = spec::<Leg>(
            ctx,
            data.now,
            Common {
                from,
                to,
                aggregation_interval,
                cursor: pagination.and_then(|p| p.cursor),
            },
            time_field,
            filter_pred,
            aggs,
            &kinds,
        )?;
        let env = Env {
            data: Arc::clone(&data.data),
            now: data.now,
        };
        let page = engine::run(data.data.legs().iter(), &spec, &env);
        let task_legs = page
            .items
            .iter()
            .map(|item| match item {
                Item::Raw(l) => leg_record(Some(l), &env, None, None),
                Item::Group {
                    rep,
                    interval,
                    values: v,
                } => leg_record(*rep, &env, Some(values(v.clone())), *interval),
            })
            .collect();
        Ok(TaskLegResult {
            task_legs,
            page_info: page_info(&page),
            interval_info: interval_info(&spec),
        })
    }
}
