//! The meaning of each of Cisco's published Search sample queries, expressed with the typed
//! builder and run against the sandbox. The samples themselves stay in
//! `../shared/reference/search-samples` (read here only for their names and windows); without
//! that folder the test says so and passes, unless `WXCC_REQUIRE_FIXTURES` is set.

use std::path::{Path, PathBuf};

use chrono::TimeDelta;
use wxcc_auth::StaticToken;
use wxcc_sandbox::Sandbox;
use wxcc_sdk::search::{
    AgentSession, AggregateRow, Aggregation, AggregationType as A, ChannelType, Field,
    FieldType as T, Filter, FilterValue, GlobalVariableType as G, Interval, Query, SortOrder, Task,
    TaskLeg, TimeComparator, Window, task,
};
use wxcc_sdk::{Client, Timeouts};

fn samples() -> Option<PathBuf> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference/search-samples");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("WXCC_REQUIRE_FIXTURES").is_none(),
        "{} is missing and WXCC_REQUIRE_FIXTURES is set",
        dir.display()
    );
    eprintln!("note: {} not found; test skipped", dir.display());
    None
}

fn graphql_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            graphql_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "graphql") {
            out.push(path);
        }
    }
}

/// The span of a sample's literal window.
fn span_of(text: &str) -> TimeDelta {
    let number_after = |key: &str| -> i64 {
        let mut at = 0;
        while let Some(pos) = text[at..].find(key) {
            let start = at + pos + key.len();
            at = start;
            let rest = text[start..].trim_start();
            if let Some(rest) = rest.strip_prefix(':') {
                let digits: String = rest
                    .trim_start()
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                if digits.len() >= 10 {
                    return digits.parse().unwrap();
                }
            }
        }
        panic!("no `{key}` in {text}")
    };
    TimeDelta::milliseconds(number_after("to") - number_after("from"))
}

fn s(path: &'static str) -> Field {
    Field::new(path, T::String)
}
fn b(path: &'static str) -> Field {
    Field::new(path, T::Boolean)
}

/// A sample's meaning as a builder query (and the cursor it asks for).
enum Built {
    Tasks(Query<Task>),
    Sessions(Query<AgentSession>),
    Legs(Query<TaskLeg>),
    Rows(Query<AggregateRow>),
    Page(Box<Built>, &'static str),
}

use Built::{Legs, Page, Rows, Sessions, Tasks};

fn telephony() -> Filter {
    task::CHANNEL_TYPE.equals(ChannelType::Telephony)
}

fn count(name: &str) -> Aggregation {
    Aggregation::count(name)
}

fn agg(kind: A, field: &str, name: &str) -> Aggregation {
    Aggregation::new(kind, field, name)
}

fn gv(
    kind: G,
    name: &'static str,
    op: wxcc_sdk::search::Op,
    value: impl Into<FilterValue>,
) -> Filter {
    Filter::global_variable_cmp(kind, name, op, value)
}

const SESSION_CHANNEL_TOTALS: [&str; 4] = [
    "channelInfo.connectedCount",
    "channelInfo.connectedDuration",
    "channelInfo.idleCount",
    "channelInfo.idleDuration",
];

fn session_totals() -> Vec<Aggregation> {
    vec![
        agg(A::Sum, SESSION_CHANNEL_TOTALS[0], "Sum of connectedCount"),
        agg(
            A::Average,
            SESSION_CHANNEL_TOTALS[1],
            "average of connectedDuration",
        ),
        agg(A::Sum, SESSION_CHANNEL_TOTALS[2], "Sum of idleCount"),
        agg(
            A::Average,
            SESSION_CHANNEL_TOTALS[3],
            "average of idleDuration",
        ),
    ]
}

/// Each sample by its path (without `.graphql`).
fn express(name: &str, w: Window) -> Built {
    use wxcc_sdk::search::Op::{Equals, Gt};
    let tasks = || Query::task_details(w);
    let sessions = || Query::agent_sessions(w);
    let legs = || Query::task_legs(w);
    let parked = || s("activities.nodes.eventName").equals("parked");
    let aar_state = |state: &'static str| s("channelInfo.activities.nodes.state").equals(state);
    let team1 = || s("lastTeam.id").equals("team1");
    let gv_filters = || {
        Filter::and([
            gv(G::String, "GV59", Equals, "GV59"),
            gv(G::String, "GV1", Equals, "ABC123"),
            gv(G::Integer, "GV2", Gt, 100),
        ])
    };
    let with_gvs = |q: Query<Task>| {
        q.fields(["id"])
            .global_variable(G::Integer, "GV2", "integerGlobalVariables")
            .global_variable(G::String, "GV1", "GV1")
            .global_variable(G::String, "GV59", "GV59")
            .global_variable(G::Boolean, "BooleanGV", "booleanGlobalVariables")
            .global_variable(G::Long, "DateAndTime", "longGlobalVariables")
    };
    let leg_gvs = |q: Query<TaskLeg>| {
        q.fields(["id"])
            .global_variable(G::Integer, "GV2", "integerGlobalVariables")
            .global_variable(G::String, "GV1", "GV1")
            .global_variable(G::String, "GV59", "GV59")
            .global_variable(G::Boolean, "BooleanGV", "booleanGlobalVariables")
            .global_variable(G::Long, "DateAndTime", "longGlobalVariables")
    };
    let daily_by = |fields: &[&str]| {
        tasks()
            .aggregate(
                [agg(A::Count, "id", "Calls Completed")],
                fields.iter().copied(),
            )
            .interval(Interval::Daily, "UTC")
    };
    let task_fields = [
        "id",
        "queueCount",
        "ringingDuration",
        "totalDuration",
        "lastAgent.id",
        "lastAgent.name",
        "lastTeam.id",
        "lastTeam.name",
        "lastSite.id",
        "lastSite.name",
    ];
    let session_fields = [
        "agentSessionId",
        "agentId",
        "teamId",
        "siteId",
        "startTime",
        "endTime",
        "isActive",
        "channelInfo.channelId",
        "channelInfo.channelType",
        "channelInfo.idleCount",
        "channelInfo.idleDuration",
        "channelInfo.ringingCount",
        "channelInfo.ringingDuration",
        "channelInfo.totalDuration",
    ];
    let gv2_sum = || Aggregation::global(A::Sum, G::Integer, "GV2", "Sum of GV2");
    match name {
        "More Examples/FetchAgentSkill" => {
            Sessions(sessions().also_select(["skillsProfile", "agentSkills"]))
        }
        "More Examples/FilteringUsingAgentSkill" => Sessions(
            sessions()
                .filter(Filter::same(
                    "agentSkills",
                    [
                        s("name").equals("Python"),
                        Field::new("intVal", T::Int).gte(9),
                    ],
                ))
                .also_select(["skillsProfile", "agentSkills"]),
        ),
        "More Examples/GroupByAgentSkills" => Rows(sessions().aggregate(
            [agg(A::Cardinality, "agentId", "Unique agent count")],
            ["skillsProfile", "agentSkills"],
        )),
        "More Examples/advanced" => Rows(
            tasks()
                .time_comparator(TimeComparator::EndedTime)
                .filter(Filter::and([
                    telephony(),
                    task::STATUS.equals("ended"),
                    task::DIRECTION.equals("inbound"),
                    task::IS_ACTIVE.equals(false),
                ]))
                .aggregate(
                    [
                        agg(A::Sum, "totalDuration", "Total Duration"),
                        agg(
                            A::Average,
                            "connectedDuration",
                            "Average Connected Duration",
                        ),
                    ],
                    ["origin", "destination", "lastWrapupCodeName"],
                ),
        ),
        "More Examples/allAgentSessionFields" => Sessions(sessions().also_select([
            "userLoginId",
            "state",
            "channelInfo.agentToAgentTransferCount",
            "channelInfo.consultToQueueDuration",
            "channelInfo.outdialWrapupDuration",
        ])),
        "More Examples/allContactFields" => Tasks(
            tasks()
                .also_select([
                    "owner.id",
                    "owner.name",
                    "callbackData.callbackNumber",
                    "customer.email",
                    "recordingLocation",
                    "csatScore",
                    "contactReason",
                ])
                .global_variable(G::Integer, "AccountId", "integerGlobalVariables")
                .global_variable(G::String, "CustomerId", "stringGlobalVariables")
                .global_variable(G::Boolean, "VIPCustomer", "booleanGlobalVariables"),
        ),
        "More Examples/basicFields" => Tasks(tasks().also_select([
            "owner.id",
            "owner.name",
            "selfserviceDuration",
            "wrapupDuration",
            "lastWrapupCodeName",
        ])),
        "More Examples/callbackFilter" => Tasks(
            tasks()
                .filter(Filter::and([
                    Filter::object(
                        "callbackData",
                        false,
                        [(s("callbackNumber"), FilterValue::from("1234567890"))],
                    ),
                    Filter::object(
                        "callbackData",
                        false,
                        [(s("callbackStatus"), FilterValue::from("Success"))],
                    ),
                ]))
                .fields(["callbackData.callbackNumber", "callbackData.callbackStatus"]),
        ),
        "More Examples/globalVariableFilter" => Tasks(
            tasks()
                .filter(Filter::global_variable(G::String, "VIPCustomer", "YES"))
                .global_variable(G::String, "VIPCustomer", "stringGlobalVariables"),
        ),
        "More Examples/globalVariables" => {
            Tasks(tasks().global_variable(G::String, "VIPCustomer", "stringGlobalVariables"))
        }
        "More Examples/globalVariablesMultiple" => Tasks(
            tasks()
                .global_variable(
                    G::String,
                    "Global_FeedbackSurveyOptIn",
                    "stringGlobalVariables",
                )
                .global_variable(G::String, "Global_Language", "str2"),
        ),
        "More Examples/interactionDetails" => Tasks(
            tasks()
                .time_comparator(TimeComparator::CreatedTime)
                .filter(Filter::and([
                    task::ID.equals("85f0c70c-19d6-4392-ad04-1854bb757044"),
                    telephony(),
                    task::ORIGIN.equals("+12342343456"),
                    task::DESTINATION.equals("+14563454567"),
                    task::DIRECTION.equals("inbound"),
                ])),
        ),
        "More Examples/lastAgentInteraction" => Tasks(
            tasks()
                .filter(Filter::and([
                    telephony(),
                    task::ORIGIN.equals("+12345677890"),
                    task::STATUS.equals("ended"),
                    task::DIRECTION.equals("inbound"),
                    task::IS_ACTIVE.equals(false),
                    Filter::object("owner", true, [(s("id"), FilterValue::Null)]),
                ]))
                .also_select(["owner.id", "owner.name"]),
        ),
        "More Examples/realTimeQueuedTasks" => Tasks(tasks().filter(Filter::and([
            telephony(),
            task::STATUS.equals("parked"),
            task::DIRECTION.equals("inbound"),
            task::IS_ACTIVE.equals(true),
        ]))),
        "More Examples/simple" => Tasks(tasks().fields(["id"])),
        "More Examples/totalCallsByAni" => Rows(
            tasks()
                .filter(Filter::and([
                    task::ORIGIN.equals("+12344565678"),
                    task::IS_ACTIVE.equals(false),
                ]))
                .aggregate([count("Total Calls")], [] as [&str; 0]),
        ),
        "agentSession/Performing Aggregations/Aggregation Pagination" => Rows(
            sessions()
                .aggregate(
                    session_totals(),
                    ["teamId", "siteId", "channelInfo.channelType"],
                )
                .interval(Interval::Daily, "UTC"),
        ),
        "agentSession/Performing Aggregations/Aggregation Pagination 2" => Page(
            Box::new(Rows(
                sessions()
                    .aggregate(
                        session_totals(),
                        ["teamId", "siteId", "channelInfo.channelType"],
                    )
                    .interval(Interval::Daily, "UTC"),
            )),
            "intervalStartTime=1655942400000::teamId=e4563313-f504-408c-adc4-608379e5ab62::siteId=883::channelInfo.channelType=social",
        ),
        "agentSession/Performing Aggregations/Aggregation global filter query" => {
            Rows(sessions().filter(b("isActive").equals(true)).aggregate(
                [
                    agg(A::Cardinality, "agentId", "Active agent count"),
                    agg(A::Cardinality, "teamId", "Teams with atleast one agent"),
                ],
                [] as [&str; 0],
            ))
        }
        "agentSession/Performing Aggregations/Aggregation query" => {
            Rows(sessions().aggregate(session_totals().into_iter().take(2), [] as [&str; 0]))
        }
        "agentSession/Performing Aggregations/Aggregation sub-filter query" => Rows(
            sessions().filter(b("isActive").equals(true)).aggregate(
                [
                    agg(A::Cardinality, "agentId", "Agents handling telephony tasks")
                        .filter(s("channelInfo.channelType").equals("telephony")),
                    agg(A::Cardinality, "agentId", "Agents handling social tasks")
                        .filter(s("channelInfo.channelType").equals("social")),
                    agg(A::Cardinality, "agentId", "idle Agents").filter(
                        Field::new("channelInfo.currentState", T::Enum)
                            .equals(FilterValue::Enum("idle".into())),
                    ),
                    agg(
                        A::Cardinality,
                        "agentId",
                        "Number of Agents in connected state",
                    )
                    .filter(
                        Field::new("channelInfo.currentState", T::Enum)
                            .equals(FilterValue::Enum("connected".into())),
                    ),
                ],
                [] as [&str; 0],
            ),
        ),
        "agentSession/Performing Aggregations/AggregationPaginationQueryForAAR" => {
            Rows(sessions().aggregate(
                [agg(
                    A::Max,
                    "channelInfo.activities.nodes.duration",
                    "max of duration",
                )],
                [
                    "agentId",
                    "teamId",
                    "siteId",
                    "channelInfo.activities.nodes.state",
                ],
            ))
        }
        "agentSession/Performing Aggregations/AggregationPaginationQueryForAAR2" => Page(
            Box::new(Rows(sessions().aggregate(
                [agg(
                    A::Max,
                    "channelInfo.activities.nodes.duration",
                    "max of duration",
                )],
                [
                    "agentId",
                    "teamId",
                    "siteId",
                    "channelInfo.activities.nodes.state",
                ],
            ))),
            "agentId=fbd8a8c5-ed8e-4a39-9545-8822943ca22b::teamId=341227ea-a99e-4e6c-8eb8-4f167ac1cfb2::siteId=dd0b2b7c-d3c1-429b-a2f5-4335de00640c::channelInfo.activities.nodes.state=ringing",
        ),
        "agentSession/Performing Aggregations/AggregationQueryForAAR" => Rows(
            sessions()
                .aggregate(
                    [agg(
                        A::Max,
                        "channelInfo.activities.nodes.duration",
                        "max of duration",
                    )],
                    [] as [&str; 0],
                )
                .interval(Interval::Daily, "America/New_York"),
        ),
        "agentSession/Performing Aggregations/AggregationQueryWithGlobalFilterForAAR" => Rows(
            sessions()
                .filter(s("agentId").equals("0699dce3-0149-4a0a-9e3e-368a41317a3f"))
                .ext_filter(aar_state("connected"))
                .aggregate(
                    [agg(
                        A::Count,
                        "channelInfo.activities.nodes.id",
                        "Count of connected events",
                    )],
                    [] as [&str; 0],
                ),
        ),
        "agentSession/Performing Aggregations/AggregationQueryWithSubFilterForAAR" => Rows(
            sessions().aggregate(
                [
                    agg(
                        A::Count,
                        "channelInfo.activities.nodes.id",
                        "count of ringing events",
                    )
                    .ext_filter(aar_state("ringing")),
                    agg(
                        A::Count,
                        "channelInfo.activities.nodes.id",
                        "count of connected events",
                    )
                    .ext_filter(aar_state("connected")),
                ],
                [] as [&str; 0],
            ),
        ),
        "agentSession/Performing Aggregations/Group by multiple fields query" => {
            Rows(sessions().aggregate(
                session_totals(),
                ["teamId", "siteId", "channelInfo.channelType"],
            ))
        }
        "agentSession/Performing Aggregations/Group by multiple fields query2" => {
            Rows(sessions().aggregate(
                session_totals(),
                ["channelInfo.channelType", "siteId", "teamId"],
            ))
        }
        "agentSession/Performing Aggregations/Group by query" => {
            Rows(sessions().aggregate(session_totals(), ["channelInfo.channelType"]))
        }
        "agentSession/Performing Aggregations/GroupByMultipleFieldsQueryForAAR" => {
            Rows(sessions().aggregate(
                [agg(
                    A::Max,
                    "channelInfo.activities.nodes.duration",
                    "max of duration",
                )],
                ["agentId", "channelInfo.activities.nodes.state"],
            ))
        }
        "agentSession/Performing Aggregations/GroupBySingleFieldsQueryForAAR" => {
            Rows(sessions().aggregate(
                [agg(
                    A::Max,
                    "channelInfo.activities.nodes.duration",
                    "max of duration",
                )],
                ["channelInfo.activities.nodes.state"],
            ))
        }
        "agentSession/Performing Aggregations/Interval based aggregation query" => Rows(
            sessions()
                .aggregate(session_totals(), ["teamId"])
                .interval(Interval::Daily, "UTC"),
        ),
        "agentSession/Performing Aggregations/Interval timezone based aggregation query" => Rows(
            sessions()
                .aggregate(session_totals(), ["teamId"])
                .interval(Interval::Daily, "Asia/Kolkata"),
        ),
        "agentSession/Performing Aggregations/IntervalTimezoneBasedAggregationQueryForAAR" => Rows(
            sessions()
                .ext_filter(aar_state("ringing"))
                .aggregate(
                    [agg(
                        A::Max,
                        "channelInfo.activities.nodes.duration",
                        "max of ringing duration",
                    )],
                    [] as [&str; 0],
                )
                .interval(Interval::Daily, "America/New_York"),
        ),
        "agentSession/Raw Data Fetching/Filtering on object types" => Sessions(
            sessions()
                .filter(s("channelInfo.channelType").equals("telephony"))
                .fields(session_fields),
        ),
        "agentSession/Raw Data Fetching/Filtering using compound operators" => Sessions(
            sessions()
                .filter(Filter::and([
                    b("isActive").equals(true),
                    s("channelInfo.channelType").equals("telephony"),
                ]))
                .fields(session_fields),
        ),
        "agentSession/Raw Data Fetching/FitleringOnextFilter" => {
            Sessions(sessions().ext_filter(aar_state("connected")).fields([
                "agentId",
                "agentSessionId",
                "channelInfo.channelId",
                "channelInfo.activities.nodes.id",
                "channelInfo.activities.nodes.state",
                "channelInfo.activities.nodes.duration",
                "channelInfo.activities.nodes.taskId",
            ]))
        }
        "agentSession/Raw Data Fetching/Pagination " => Sessions(sessions().fields(session_fields)),
        "agentSession/Raw Data Fetching/Pagination 2" => Page(
            Box::new(Sessions(sessions().fields(session_fields))),
            "646938c8-1d15-43fe-b036-db991983094d",
        ),
        "agentSession/Raw Data Fetching/Pagination 3" => Page(
            Box::new(Sessions(sessions().fields(session_fields))),
            "c24396e3-75c9-45c1-adc2-32a194f63f33",
        ),
        "agentSession/Raw Data Fetching/Simple Filtering" => Sessions(
            sessions()
                .filter(s("agentId").equals("7a8447da-28b4-4266-8765-b19afece4326"))
                .fields(session_fields),
        ),
        "agentSession/Raw Data Fetching/Simple query" => {
            Sessions(sessions().fields(session_fields))
        }
        "agentSession/Raw Data Fetching/SimpleQueryForAARFields" => Sessions(sessions().fields([
            "agentSessionId",
            "agentId",
            "channelInfo.channelId",
            "channelInfo.activities.totalCount",
            "channelInfo.activities.nodes.id",
            "channelInfo.activities.nodes.state",
            "channelInfo.activities.nodes.startTime",
        ])),
        "agentSession/Raw Data Fetching/binaryFilterOperation" => Sessions(
            sessions()
                .filter(Filter::and([
                    b("isActive").equals(true),
                    s("channelInfo.channelType").not_equals("telephony"),
                    s("teamName").matches(".+"),
                ]))
                .fields(session_fields),
        ),
        "agentSession/Raw Data Fetching/innerPagination" => Sessions(
            sessions()
                .filter(s("channelInfo.channelId").equals("3d4750ab-e6e1-496f-a8a3-80c745bc3105"))
                .fields([
                    "agentId",
                    "agentSessionId",
                    "channelInfo.channelId",
                    "channelInfo.channelType",
                    "channelInfo.totalDuration",
                    "channelInfo.activities.totalCount",
                    "channelInfo.activities.nodes.id",
                    "channelInfo.activities.nodes.duration",
                    "channelInfo.activities.nodes.state",
                    "channelInfo.activities.nodes.startTime",
                    "channelInfo.activities.pageInfo.hasNextPage",
                    "channelInfo.activities.pageInfo.endCursor",
                ])
                .activities_page(3, Some("1698273611061"))
                .unwrap(),
        ),
        "taskDetails/Global Variables/Aggregation on global variables" => {
            Rows(tasks().aggregate([gv2_sum()], [] as [&str; 0]))
        }
        "taskDetails/Global Variables/Fetching global variables" => Tasks(with_gvs(tasks())),
        "taskDetails/Global Variables/Filter based on global variables" => {
            Tasks(with_gvs(tasks().filter(gv_filters())))
        }
        "taskDetails/Global Variables/Group by on global variables" => Rows(
            tasks()
                .global_variable(G::String, "Global_Language", "stringGlobalVariables")
                .aggregate([count("count of calls"), gv2_sum()], [] as [&str; 0]),
        ),
        "taskDetails/Performing Aggregations/Aggregation pagination query" => Rows(daily_by(&[
            "channelType",
            "lastEntryPoint.name",
            "lastSite.name",
            "lastTeam.name",
            "lastQueue.name",
            "lastAgent.name",
        ])),
        "taskDetails/Performing Aggregations/Aggregation pagination query 2" => Page(
            Box::new(Rows(daily_by(&[
                "channelType",
                "lastEntryPoint.name",
                "lastSite.name",
                "lastTeam.name",
                "lastQueue.name",
                "lastAgent.name",
            ]))),
            "intervalStartTime=1669507200000::channelType=chat::lastEntryPoint.name=Ep7::lastSite.name=Mysore::lastTeam.name=team1::lastQueue.name=queue2::lastAgent.name=deleteloadtestdata20221127-1",
        ),
        "taskDetails/Performing Aggregations/Aggregation query" => Rows(tasks().aggregate(
            [
                count("Count of Id"),
                agg(A::Average, "totalDuration", "average of totalDuration"),
            ],
            [] as [&str; 0],
        )),
        "taskDetails/Performing Aggregations/Aggregation query with filters" => Rows(
            tasks()
                .filter(task::LAST_QUEUE_NAME.equals("Arryn_Queue2"))
                .aggregate(
                    [
                        count("Count of Id"),
                        agg(A::Average, "totalDuration", "average of totalDuration"),
                    ],
                    [] as [&str; 0],
                ),
        ),
        "taskDetails/Performing Aggregations/Aggregation query with sub-filters" => Rows(
            tasks().aggregate(
                [
                    count("Calls which ended with Arryn_Queue2")
                        .filter(b("isWithinSLA").equals(true)),
                    count("Calls which ended with Arryn_Queue1")
                        .filter(task::LAST_QUEUE_NAME.equals("Arryn_Queue1")),
                    count("Calls which ended with Other Queues").filter(Filter::and([
                        task::LAST_QUEUE_NAME.not_equals("Arryn_Queue1"),
                        task::LAST_QUEUE_NAME.not_equals("Arryn_Queue2"),
                    ])),
                ],
                [] as [&str; 0],
            ),
        ),
        "taskDetails/Performing Aggregations/AggregationQueryForCAR" => Rows(tasks().aggregate(
            [agg(
                A::Cardinality,
                "activities.nodes.queueName",
                "Cardinality of queue",
            )],
            [] as [&str; 0],
        )),
        "taskDetails/Performing Aggregations/AggregationQueryWithFiltersForCAR" => {
            Rows(tasks().filter(telephony()).ext_filter(parked()).aggregate(
                [agg(A::Average, "activities.nodes.duration", "AvgDuration")],
                [] as [&str; 0],
            ))
        }
        "taskDetails/Performing Aggregations/AggregationQueryWithPaginationForCAR"
        | "taskDetails/Performing Aggregations/AggregationQueryWithPaginationForCAR2" => {
            let query = tasks()
                .ext_filter(Filter::or([
                    s("activities.nodes.eventName").equals("connected"),
                    s("activities.nodes.eventName").equals("ctq-accepted"),
                ]))
                .aggregate(
                    [agg(A::Count, "activities.nodes.id", "count of id")],
                    [
                        "activities.nodes.entrypointId",
                        "activities.nodes.queueId",
                        "activities.nodes.siteId",
                        "activities.nodes.teamId",
                        "activities.nodes.agentId",
                    ],
                )
                .interval(Interval::Daily, "UTC");
            if name.ends_with('2') {
                Page(
                    Box::new(Rows(query)),
                    "intervalStartTime=1700784000000::activities.nodes.entrypointId=fb190ec0-7943-4b1f-82c9-b9089f6d6082::activities.nodes.queueId=ee183f36-b5f8-4f91-a323-5e080c79a434::activities.nodes.siteId=dd0b2b7c-d3c1-429b-a2f5-4335de00640c::activities.nodes.teamId=8530e34b-6401-4d83-aaab-0f0c006e4418::activities.nodes.agentId=1b0e205a-6d75-4d66-8b0f-e458164d8c90",
                )
            } else {
                Rows(query)
            }
        }
        "taskDetails/Performing Aggregations/AggregationQueryWithSubFiltersForCAR" => Rows(
            tasks()
                .ext_filter(s("activities.nodes.eventName").equals("on-hold"))
                .aggregate(
                    [
                        agg(
                            A::Average,
                            "activities.nodes.duration",
                            "AvgHoldDurationDurationAgent1",
                        )
                        .ext_filter(
                            s("activities.nodes.agentId")
                                .equals("0699dce3-0149-4a0a-9e3e-368a41317a3f"),
                        ),
                        agg(
                            A::Average,
                            "activities.nodes.duration",
                            "AvgHoldDurationDurationAgent2",
                        )
                        .ext_filter(
                            s("activities.nodes.agentId")
                                .equals("0e41abb3-fc74-412e-a4b9-ab49862fa00b"),
                        ),
                    ],
                    [] as [&str; 0],
                ),
        ),
        "taskDetails/Performing Aggregations/Group by aggregation query" => {
            Rows(tasks().aggregate(
                [
                    count("Calls count"),
                    agg(A::Average, "lastQueue.duration", "Average Queue Duration"),
                ],
                ["lastQueue.id"],
            ))
        }
        "taskDetails/Performing Aggregations/Group by multiple fields" => Rows(tasks().aggregate(
            [
                count("Calls count"),
                agg(A::Average, "connectedDuration", "average connectedDuration"),
            ],
            ["lastSite.id", "lastAgent.id", "channelType"],
        )),
        "taskDetails/Performing Aggregations/Group by multiple fields 2" => {
            Rows(tasks().aggregate(
                [
                    count("Calls count"),
                    agg(A::Average, "connectedDuration", "average connectedDuration"),
                ],
                ["lastAgent.id", "lastSite.id", "channelType"],
            ))
        }
        "taskDetails/Performing Aggregations/GroupByMultipleFieldsForCAR" => Rows(
            tasks()
                .ext_filter(s("activities.nodes.eventName").equals("connect"))
                .aggregate(
                    [agg(A::Count, "activities.nodes.id", "count of id")],
                    ["activities.nodes.agentId", "activities.nodes.queueId"],
                ),
        ),
        "taskDetails/Performing Aggregations/GroupBySingleFieldsForCAR" => {
            Rows(tasks().ext_filter(parked()).aggregate(
                [agg(
                    A::Average,
                    "activities.nodes.duration",
                    "average parked duration",
                )],
                ["activities.nodes.queueName"],
            ))
        }
        "taskDetails/Performing Aggregations/Interval based aggregation query" => {
            Rows(daily_by(&["channelType", "lastSite.name"]))
        }
        "taskDetails/Performing Aggregations/Interval based timezone supported aggregation query" => {
            Rows(
                tasks()
                    .aggregate(
                        [agg(A::Count, "id", "Calls Completed")],
                        ["channelType", "lastSite.name"],
                    )
                    .interval(Interval::Daily, "Asia/Kolkata"),
            )
        }
        "taskDetails/Performing Aggregations/IntervalBasedTimezoneSupportedAggregationQueryForCAR" => {
            Rows(
                tasks()
                    .ext_filter(parked())
                    .aggregate(
                        [agg(
                            A::Average,
                            "activities.nodes.duration",
                            "average parked duration",
                        )],
                        ["activities.nodes.queueId"],
                    )
                    .interval(Interval::Daily, "America/New_York"),
            )
        }
        "taskDetails/Samples for Raw Data Fetching/Filtering on object types" => Tasks(
            tasks()
                .filter(task::LAST_TEAM_ID.equals("edee836f-ade6-4a1e-9d5f-09b0cc5b6bfb"))
                .fields([
                    "id",
                    "channelType",
                    "lastTeam.id",
                    "connectedDuration",
                    "holdDuration",
                ]),
        ),
        "taskDetails/Samples for Raw Data Fetching/Filtering using compound operators" => Tasks(
            tasks()
                .filter(Filter::and([
                    task::TOTAL_DURATION.gte(30_000i64),
                    task::TOTAL_DURATION.lte(60_000i64),
                ]))
                .fields([
                    "id",
                    "createdTime",
                    "endedTime",
                    "totalDuration",
                    "connectedDuration",
                    "terminatingEnd",
                    "terminationReason",
                    "lastTeam.id",
                    "lastAgent.id",
                    "lastSite.id",
                ]),
        ),
        "taskDetails/Samples for Raw Data Fetching/Filtering using extFilters" => Tasks(
            tasks()
                .filter(task::ID.equals("fd58e53a-a3f6-465d-93ba-fe942a4c4b7d"))
                .ext_filter(parked())
                .fields([
                    "id",
                    "activities.nodes.queueId",
                    "activities.nodes.duration",
                    "activities.nodes.eventName",
                ]),
        ),
        "taskDetails/Samples for Raw Data Fetching/Pagination query" => {
            Tasks(tasks().filter(team1()).fields(task_fields))
        }
        "taskDetails/Samples for Raw Data Fetching/Pagination query 2" => Page(
            Box::new(Tasks(tasks().filter(team1()).fields(task_fields))),
            "1",
        ),
        "taskDetails/Samples for Raw Data Fetching/Pagination query 3" => Page(
            Box::new(Tasks(tasks().filter(team1()).fields(task_fields))),
            "4",
        ),
        "taskDetails/Samples for Raw Data Fetching/Simple filtering" => Tasks(
            tasks()
                .filter(Filter::and([
                    task::IS_ACTIVE.equals(false),
                    task::DIRECTION.equals("inbound"),
                ]))
                .fields([
                    "isActive",
                    "id",
                    "direction",
                    "channelType",
                    "status",
                    "lastTeam.name",
                ]),
        ),
        "taskDetails/Samples for Raw Data Fetching/Simple query" => Tasks(tasks().fields([
            "isActive",
            "id",
            "createdTime",
            "endedTime",
            "totalDuration",
            "lastAgent.id",
            "queueCount",
            "queueDuration",
        ])),
        "taskDetails/Samples for Raw Data Fetching/SimpleQueryForCARFields" => {
            Tasks(tasks().fields([
                "id",
                "channelType",
                "activities.totalCount",
                "activities.nodes.eventName",
                "activities.nodes.duration",
                "activities.pageInfo.hasNextPage",
                "activities.pageInfo.endCursor",
            ]))
        }
        "taskDetails/Samples for Raw Data Fetching/Sorting results based on a field" => Tasks(
            tasks()
                .fields(["id", "createdTime", "endedTime"])
                .sort(SortOrder::Ascending),
        ),
        "taskDetails/Samples for Raw Data Fetching/SortingQueryForCAR" => Tasks(
            tasks()
                .filter(task::ID.equals("ad28739a-1961-4e7d-b6fc-af5c45fa8c13"))
                .fields([
                    "id",
                    "channelType",
                    "activities.totalCount",
                    "activities.nodes.id",
                ])
                .sort_by("activities.nodes.createdTime", SortOrder::Ascending),
        ),
        "taskDetails/Samples for Raw Data Fetching/binaryFilterOperators" => Tasks(
            tasks()
                .filter(Filter::and([
                    telephony(),
                    s("contactHandleType").equals("abandoned"),
                ]))
                .fields([
                    "id",
                    "createdTime",
                    "contactHandleType",
                    "channelType",
                    "lastQueue.id",
                    "lastEntryPoint.id",
                ]),
        ),
        "taskDetails/Samples for Raw Data Fetching/innerPagination" => Tasks(
            tasks()
                .filter(task::ID.equals("f29a7338-2dd0-485f-a822-49fb9e6a1981"))
                .fields([
                    "id",
                    "channelType",
                    "activities.totalCount",
                    "activities.nodes.id",
                    "activities.nodes.eventName",
                    "activities.pageInfo.hasNextPage",
                    "activities.pageInfo.endCursor",
                ])
                .activities_page(2, Some("1700719717799"))
                .unwrap(),
        ),
        "taskLegDetails/Fetching Raw Data/Filtering on object types" => Legs(
            legs()
                .filter(s("queue.id").equals("450efd53-39d6-4ce7-83ca-bb949a5c1dfb"))
                .fields([
                    "id",
                    "taskId",
                    "channelType",
                    "queue.id",
                    "queue.duration",
                    "handleType",
                ]),
        ),
        "taskLegDetails/Fetching Raw Data/Filtering using compound operators" => Legs(
            legs()
                .filter(Filter::and([
                    s("queue.name").equals("Basic-Queue"),
                    Filter::or([
                        s("owner.name").equals("agent mig4"),
                        s("owner.name").equals("Standard Agent"),
                    ]),
                ]))
                .fields(["id", "queue.name", "owner.name"]),
        ),
        "taskLegDetails/Fetching Raw Data/Pagination" => {
            Legs(legs().filter(s("team.id").equals("team1")).fields([
                "id",
                "queueCount",
                "ringingDuration",
                "queue.id",
                "queue.name",
                "entryPoint.id",
                "entryPoint.name",
                "team.id",
                "team.name",
            ]))
        }
        "taskLegDetails/Fetching Raw Data/Pagination 2" => Page(
            Box::new(Legs(legs().filter(s("team.id").equals("team1")).fields([
                "id",
                "queueCount",
                "ringingDuration",
                "queue.id",
                "queue.name",
                "entryPoint.id",
                "entryPoint.name",
                "team.id",
                "team.name",
            ]))),
            "1",
        ),
        "taskLegDetails/Fetching Raw Data/Simple Filtering" => Legs(
            legs()
                .filter(s("taskId").equals("d9eecda4-d026-48c5-b1b8-c423d6749d41"))
                .fields([
                    "id",
                    "createdTime",
                    "queue.id",
                    "owner.id",
                    "entryPoint.id",
                    "endedTime",
                ]),
        ),
        "taskLegDetails/Fetching Raw Data/Simple Query" => Legs(legs().fields([
            "id",
            "taskId",
            "createdTime",
            "queue.id",
            "entryPoint.id",
            "consultSuccessCount",
            "consultDuration",
        ])),
        "taskLegDetails/Fetching Raw Data/Sorting samples based on a field" => Legs(
            legs()
                .fields(["id", "taskId", "channelType", "createdTime"])
                .sort(SortOrder::Ascending),
        ),
        "taskLegDetails/Global Variables/Aggregation on global variables" => {
            Rows(legs().aggregate([gv2_sum()], [] as [&str; 0]))
        }
        "taskLegDetails/Global Variables/Fetching global variables" => Legs(leg_gvs(legs())),
        "taskLegDetails/Global Variables/Filtering based on global variables" => {
            Legs(leg_gvs(legs().filter(gv_filters())))
        }
        "taskLegDetails/Global Variables/Group by based on global variables" => Rows(
            legs()
                .global_variable(G::String, "Global_Language", "stringGlobalVariables")
                .aggregate([count("count of calls"), gv2_sum()], [] as [&str; 0]),
        ),
        "taskLegDetails/Performing Aggregations/Aggregation query" => Rows(legs().aggregate(
            [
                agg(A::Average, "queueDuration", "average of queueDuration"),
                agg(A::Average, "ringingDuration", "average of ringingDuration"),
            ],
            [] as [&str; 0],
        )),
        "taskLegDetails/Performing Aggregations/Aggregation query with Global Filter" => Rows(
            legs()
                .filter(s("handleType").equals("abandoned"))
                .aggregate([count("Count of abandoned taskLegs")], [] as [&str; 0]),
        ),
        "taskLegDetails/Performing Aggregations/Aggregation query with sub-filter" => Rows(
            legs().aggregate(
                [
                    agg(A::Sum, "queueCount", "Call Legs queued into queue1")
                        .filter(s("queue.id").equals("1db6df1f-6469-4493-9081-b4c0819a103e")),
                    agg(A::Sum, "queueCount", "Call Legs queued into queue2")
                        .filter(s("queue.id").equals("1f1c6150-fdd4-4dc2-b69d-368781753c3b")),
                    agg(A::Sum, "queueCount", "Call Legs queued into other queues").filter(
                        Filter::and([
                            s("queue.id").not_equals("1db6df1f-6469-4493-9081-b4c0819a103e"),
                            s("queue.id").not_equals("1f1c6150-fdd4-4dc2-b69d-368781753c3b"),
                        ]),
                    ),
                ],
                [] as [&str; 0],
            ),
        ),
        "taskLegDetails/Performing Aggregations/Aggregation with group bys" => {
            Rows(legs().aggregate(
                [
                    agg(A::Count, "consultSuccessCount", "consults into the queue"),
                    agg(A::Average, "ringingDuration", "average ringingDuration"),
                    agg(A::Average, "queueDuration", "average queueDuration"),
                ],
                ["queue.id"],
            ))
        }
        "taskLegDetails/Performing Aggregations/Group by Aggregation with Pagination"
        | "taskLegDetails/Performing Aggregations/Group by Aggregation with Pagination 2" => {
            let query = legs()
                .aggregate(
                    [
                        agg(
                            A::Average,
                            "selfserviceDuration",
                            "average of selfserviceDuration",
                        ),
                        agg(A::Max, "connectedDuration", "average of connectedDuration"),
                        agg(A::Average, "ringingDuration", "average of ringingDuration"),
                        agg(A::Average, "queueDuration", "average of queueDuration"),
                    ],
                    [
                        "channelType",
                        "intervalStartTime",
                        "queue.id",
                        "owner.id",
                        "entryPoint.id",
                        "site.id",
                        "team.id",
                    ],
                )
                .interval(Interval::Daily, "UTC");
            if name.ends_with('2') {
                Page(
                    Box::new(Rows(query)),
                    "channelType=telephony::intervalStartTime=1696982400000::queue.id=1f1c6150-fdd4-4dc2-b69d-368781753c3b::owner.id=null::entryPoint.id=fb190ec0-7943-4b1f-82c9-b9089f6d6082::site.id=null::team.id=null",
                )
            } else {
                Rows(query)
            }
        }
        "taskLegDetails/Performing Aggregations/Group bys multiple fields" => {
            Rows(legs().aggregate(
                [
                    agg(
                        A::Sum,
                        "interQueueBlindTransferCount",
                        "Count of blind transfers to the queue",
                    ),
                    agg(
                        A::Sum,
                        "interQueueConsultTransferCount",
                        "Count of Consult transfers to the queue",
                    ),
                ],
                ["queue.id", "entryPoint.id"],
            ))
        }
        "taskLegDetails/Performing Aggregations/Group bys multiple fields query 2" => {
            Rows(legs().aggregate(
                [
                    agg(
                        A::Sum,
                        "interQueueBlindTransferCount",
                        "Count of blind transfers to the queue",
                    ),
                    agg(
                        A::Sum,
                        "interQueueConsultTransferCount",
                        "Count of Consult transfers to the queue",
                    ),
                ],
                ["entryPoint.id", "queue.id"],
            ))
        }
        "taskLegDetails/Performing Aggregations/Interval Based Aggregation Query" => Rows(
            legs()
                .aggregate(
                    [
                        agg(A::Count, "id", "Count of Call Legs"),
                        agg(A::Min, "consultCount", "min of consultCount"),
                        agg(A::Max, "selfserviceDuration", "max of selfserviceDuration"),
                        agg(A::Max, "connectedDuration", "max of connectedDuration"),
                        agg(A::Average, "ringingDuration", "average of ringingDuration"),
                        agg(
                            A::Count,
                            "nextDestination.agent.name",
                            "count of nextDestination.agent.name",
                        ),
                    ],
                    ["queue.name"],
                )
                .interval(Interval::Daily, "UTC"),
        ),
        "taskLegDetails/Performing Aggregations/Interval timezone based aggregation query" => Rows(
            legs()
                .aggregate(
                    [
                        agg(A::Sum, "queueCount", "Number of calls queued"),
                        agg(
                            A::Sum,
                            "consultToQueueCount",
                            "Number of consults to the queue",
                        ),
                    ],
                    ["queue.name"],
                )
                .interval(Interval::Daily, "Asia/Kolkata"),
        ),
        other => panic!(
            "no builder expression for the sample `{other}`: add one (or a `No` with the reason)"
        ),
    }
}

async fn run(client: &Client, built: Built, cursor: Option<&str>) -> Result<usize, String> {
    let err = |e: wxcc_sdk::Error| e.to_string();
    Ok(match built {
        Tasks(q) => client
            .search(q)
            .page(cursor)
            .await
            .map_err(err)?
            .records
            .len(),
        Sessions(q) => client
            .search(q)
            .page(cursor)
            .await
            .map_err(err)?
            .records
            .len(),
        Legs(q) => client
            .search(q)
            .page(cursor)
            .await
            .map_err(err)?
            .records
            .len(),
        Rows(q) => client
            .search(q)
            .page(cursor)
            .await
            .map_err(err)?
            .records
            .len(),
        Page(inner, c) => Box::pin(run(client, *inner, Some(c))).await?,
    })
}

#[tokio::test]
async fn every_sample_query_is_expressed_with_the_builder_and_runs() {
    let Some(dir) = samples() else { return };
    let sandbox = Sandbox::start().await.unwrap();
    let client = Client::builder()
        .base_url(sandbox.wxcc_base())
        .token_source(
            StaticToken::new("samples", sandbox.mint_access_token(&["cjp:config_read"]))
                .read_only(),
        )
        .org_id(sandbox.credentials().org_id)
        .timeouts(Timeouts::none())
        .build()
        .unwrap();
    let mut files = Vec::new();
    graphql_files(&dir, &mut files);
    files.sort();
    let (mut expressed, mut with_records, mut failed) = (0, 0, Vec::new());
    for path in &files {
        let name = path
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .trim_end_matches(".graphql")
            .to_owned();
        let span = span_of(&std::fs::read_to_string(path).unwrap());
        match run(&client, express(&name, Window::last(span)), None).await {
            Ok(n) => {
                expressed += 1;
                with_records += usize::from(n > 0);
            }
            Err(e) => failed.push(format!("{name}: {e}")),
        }
    }
    println!(
        "{expressed} of {} samples expressed with the builder and run on the sandbox ({with_records} with records)",
        files.len()
    );
    assert!(
        failed.is_empty(),
        "builder queries the sandbox refused:\n{}",
        failed.join("\n")
    );
    assert!(files.len() >= 100);
    assert_eq!(expressed, files.len());
}
