//! The GraphQL schema of `POST /search`, built from `facts.tsv` when the sandbox starts: the four
//! root queries Cisco documents (`task`, `taskDetails`, `agentSession`, `taskLegDetails`), their
//! arguments and input types under the names Cisco's material declares (`TaskFilters`,
//! `TaskDetailsFilters`, `AgentSessionSpecificFilters`, `TaskV2Aggregation`, `IntervalData`,
//! ...), and record types with every documented field.
//!
//! The schema only validates: a root field's resolver runs the whole query (`exec`) and hands
//! back the finished result, which the other fields pass through by response key.

use std::collections::BTreeMap;

use async_graphql::Value;
use async_graphql::dynamic::{
    Enum, Field, FieldFuture, FieldValue, InputObject, InputValue, Object, ResolverContext, Scalar,
    Schema, TypeRef,
};

use super::engine::{AggregationType, IntervalType};
use super::exec;
use super::facts::{self, ENUMS, Fact, Rec, Ty};
use super::record::{GvKind, Source};

/// The schema type.
pub(crate) type SearchSchema = Schema;

/// One root query and the names of its types.
#[derive(Debug)]
pub(crate) struct Root {
    pub field: &'static str,
    /// The list field of its result (`tasks`).
    pub records: &'static str,
    pub list_type: &'static str,
    pub record_type: &'static str,
    pub recs: &'static [Rec],
    pub source: Source,
    pub filter_type: &'static str,
    pub ext_filter_type: Option<&'static str>,
    pub aggregation_type: &'static str,
    pub time_comparator: bool,
    /// The deprecated `aggregation` argument (task roots).
    pub legacy_aggregation: bool,
}

/// The roots. Input type names are the ones Cisco's guide and Flow Designer material declare;
/// the result and record type names (`TaskList`, `Task`, ...) are not published anywhere we
/// found and only matter to fragments, so they are our guess.
pub(crate) const ROOTS: [Root; 4] = [
    Root {
        field: "task",
        records: "tasks",
        list_type: "TaskList",
        record_type: "Task",
        recs: &[Rec::Csr, Rec::Car, Rec::Task],
        source: Source::Tasks,
        // Declared by Cisco's last-agent-routing blueprint (`$filter: TaskFilters`).
        filter_type: "TaskFilters",
        // Not published for the legacy root; named after the taskDetails one.
        ext_filter_type: Some("TaskSpecificFilters"),
        aggregation_type: "TaskV2Aggregation",
        time_comparator: true,
        legacy_aggregation: true,
    },
    Root {
        field: "taskDetails",
        records: "tasks",
        list_type: "TaskDetailsList",
        record_type: "TaskDetails",
        recs: &[Rec::Csr, Rec::Car],
        source: Source::Tasks,
        filter_type: "TaskDetailsFilters",
        ext_filter_type: Some("TaskDetailsSpecificFilters"),
        aggregation_type: "TaskV2Aggregation",
        time_comparator: true,
        // Cisco's `advanced` sample sends `aggregation: { aggr: [...] }` to taskDetails.
        legacy_aggregation: true,
    },
    Root {
        field: "agentSession",
        records: "agentSessions",
        list_type: "AgentSessions",
        record_type: "AgentSession",
        recs: &[Rec::Asr, Rec::Aar],
        source: Source::Sessions,
        filter_type: "AgentSessionFilters",
        ext_filter_type: Some("AgentSessionSpecificFilters"),
        aggregation_type: "AgentSessionV2Aggregation",
        time_comparator: false,
        legacy_aggregation: false,
    },
    Root {
        field: "taskLegDetails",
        records: "taskLegs",
        list_type: "TaskLegDetailsList",
        record_type: "TaskLegDetails",
        recs: &[Rec::Clr],
        source: Source::Legs,
        filter_type: "TaskLegDetailsFilters",
        ext_filter_type: None,
        aggregation_type: "TaskLegV2Aggregation",
        time_comparator: true,
        legacy_aggregation: false,
    },
];

/// Whether a record field holds a list of objects: a session's channels, the legacy task's
/// queues (a list in the spec's example; a task leg's `queue` is one object).
fn is_list(root: &Root, segment: &str) -> bool {
    matches!(
        (root.source, root.field, segment),
        (Source::Sessions, _, "channelInfo") | (_, "task", "queue")
    )
}

/// The enum of `sort` arguments. Its name is not published.
const SORT: &str = "SortOrder";

/// Builds the schema (once per sandbox).
pub(crate) fn build() -> Result<SearchSchema, String> {
    let mut builder = Builder::default();
    builder.common();
    let mut query = Object::new("Query");
    for root in &ROOTS {
        query = query.field(builder.root(root));
    }
    let mut schema = Schema::build("Query", None, None)
        .register(query)
        .limit_depth(24)
        .limit_complexity(50_000);
    for ty in builder.objects.into_values() {
        schema = schema.register(ty);
    }
    for ty in builder.inputs.into_values() {
        schema = schema.register(ty);
    }
    for ty in builder.enums {
        schema = schema.register(ty);
    }
    for ty in builder.scalars {
        schema = schema.register(ty);
    }
    schema
        .finish()
        .map_err(|e| format!("the Search schema does not build: {e}"))
}

#[derive(Default)]
struct Builder {
    objects: BTreeMap<String, Object>,
    inputs: BTreeMap<String, InputObject>,
    enums: Vec<Enum>,
    scalars: Vec<Scalar>,
}

/// A tree of dotted paths.
#[derive(Default)]
struct Node {
    fact: Option<&'static Fact>,
    children: BTreeMap<&'static str, Node>,
}

impl Node {
    fn of<'f>(facts: impl Iterator<Item = &'f &'static Fact>, strip: &str) -> Node {
        let mut root = Node::default();
        for fact in facts {
            let Some(path) = fact.path.strip_prefix(strip) else {
                continue;
            };
            let mut node = &mut root;
            for segment in path.split('.') {
                node = node.children.entry(segment).or_default();
            }
            node.fact = Some(fact);
        }
        root
    }
}

fn pascal(path: &str) -> String {
    path.split('.')
        .map(|s| {
            let mut chars = s.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// Every non-root field passes through its part of the result the root computed, by response
/// key (so aliases with different arguments each get theirs).
fn pass(name: &str, ty: TypeRef) -> Field {
    Field::new(name, ty, |ctx: ResolverContext<'_>| {
        FieldFuture::new(async move {
            let key = ctx.ctx.item.node.response_key().node.as_str();
            let value = match ctx.parent_value.as_value() {
                Some(Value::Object(map)) => map.get(key).cloned(),
                _ => None,
            };
            Ok(match value {
                None | Some(Value::Null) => None,
                Some(value) => Some(FieldValue::value(value)),
            })
        })
    })
}

fn long_valid(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.is_i64() || n.is_u64(),
        // Flow Designer and JavaScript send epoch milliseconds as strings.
        Value::String(s) => s.trim().parse::<i64>().is_ok(),
        _ => false,
    }
}

impl Builder {
    fn common(&mut self) {
        self.scalars.push(
            Scalar::new("Long")
                .description("A 64-bit integer (epoch milliseconds, durations); strings of digits are accepted as input.")
                .validator(long_valid),
        );
        self.scalars.push(
            Scalar::new("JSON")
                .description("Any JSON value.")
                .validator(|_| true),
        );
        for (name, values) in ENUMS {
            self.enums
                .push(Enum::new(*name).items(values.iter().copied()));
        }
        self.enums.push(Enum::new(SORT).items(["asc", "desc"]));
        self.enums
            .push(Enum::new("QueryTimeType").items(["createdTime", "endedTime"]));
        self.enums
            .push(Enum::new("AggregationType").items(AggregationType::NAMES));
        self.enums
            .push(Enum::new("IntervalType").items(IntervalType::NAMES));
        self.inputs.insert(
            "Pagination".into(),
            InputObject::new("Pagination")
                .field(InputValue::new("cursor", TypeRef::named(TypeRef::STRING))),
        );
        self.inputs.insert(
            "IntervalData".into(),
            InputObject::new("IntervalData")
                .field(InputValue::new(
                    "interval",
                    TypeRef::named_nn("IntervalType"),
                ))
                .field(InputValue::new("timezone", TypeRef::named(TypeRef::STRING))),
        );
        self.objects.insert(
            "PageInfo".into(),
            Object::new("PageInfo")
                .field(pass("hasNextPage", TypeRef::named(TypeRef::BOOLEAN)))
                .field(pass("endCursor", TypeRef::named(TypeRef::STRING))),
        );
        self.objects.insert(
            "IntervalInfo".into(),
            Object::new("IntervalInfo")
                .field(pass("interval", TypeRef::named("IntervalType")))
                .field(pass("timezone", TypeRef::named(TypeRef::STRING))),
        );
        self.objects.insert(
            "AggregationValue".into(),
            Object::new("AggregationValue")
                .field(pass("name", TypeRef::named(TypeRef::STRING)))
                .field(pass("value", TypeRef::named(TypeRef::FLOAT))),
        );
        for (scalar, ops) in [
            ("String", &["equals", "notequals", "match", "contains"][..]),
            (
                "Long",
                &["equals", "notequals", "gt", "gte", "lt", "lte"][..],
            ),
            (
                "Int",
                &["equals", "notequals", "gt", "gte", "lt", "lte"][..],
            ),
            (
                "Float",
                &["equals", "notequals", "gt", "gte", "lt", "lte"][..],
            ),
            ("Boolean", &["equals", "notequals"][..]),
        ]
        .into_iter()
        .chain(
            ENUMS
                .iter()
                .map(|(name, _)| (*name, &["equals", "notequals"][..])),
        ) {
            let name = format!("{scalar}Filter");
            let mut input = InputObject::new(&name);
            for op in ops {
                input = input.field(InputValue::new(*op, TypeRef::named(scalar)));
            }
            self.inputs.insert(name, input);
        }
        for (kind, field) in GvKind::ALL {
            let value = gv_type(kind);
            let output = format!("{}GlobalVariable", pascal(value_kind_name(kind)));
            self.objects.insert(
                output.clone(),
                Object::new(&output)
                    .field(pass("name", TypeRef::named(TypeRef::STRING)))
                    .field(pass("value", TypeRef::named(value))),
            );
            let input = format!("{}GlobalVariableFilter", pascal(value_kind_name(kind)));
            self.inputs.insert(
                input.clone(),
                InputObject::new(&input)
                    .field(InputValue::new("name", TypeRef::named("StringFilter")))
                    .field(InputValue::new(
                        "value",
                        TypeRef::named(format!("{value}Filter")),
                    )),
            );
            let _ = field;
        }
        // `predicate` of an aggregation: which global variable it reads. The type's name is not
        // published.
        let mut predicate = InputObject::new("GlobalVariablePredicate");
        for (kind, field) in GvKind::ALL {
            predicate = predicate.field(InputValue::new(
                field,
                TypeRef::named(format!(
                    "{}GlobalVariableFilter",
                    pascal(value_kind_name(kind))
                )),
            ));
        }
        self.inputs
            .insert("GlobalVariablePredicate".into(), predicate);
        // `agentSkills` conditions on one skill (Cisco's FilteringUsingAgentSkill sample).
        self.inputs.insert(
            "AgentSkillFilter".into(),
            InputObject::new("AgentSkillFilter")
                .field(InputValue::new("name", TypeRef::named("StringFilter")))
                .field(InputValue::new("intVal", TypeRef::named("IntFilter"))),
        );
    }

    /// The root field with its arguments; registers the root's types.
    fn root(&mut self, root: &'static Root) -> Field {
        let facts: Vec<&'static Fact> = facts::of(root.recs).collect();
        let selectable = Node::of(facts.iter().filter(|f| f.select), "");
        self.record(root.record_type, &selectable, root, true);
        let mut list = Object::new(root.list_type)
            .field(pass(root.records, TypeRef::named_list(root.record_type)))
            .field(pass("pageInfo", TypeRef::named("PageInfo")));
        if root.field == "task" {
            // The interval an aggregation ran with: selected on the task root by Cisco's
            // WebexCC-SA/tools lab queries (docs/gql/gettingStarted.md, introFiltering.md); no
            // Cisco material shows it on the other roots.
            list = list.field(pass("intervalInfo", TypeRef::named("IntervalInfo")));
        }
        self.objects.insert(root.list_type.to_owned(), list);
        let filterable = Node::of(facts.iter().filter(|f| f.filter), "");
        self.filter_input(root.filter_type, &filterable, true);
        if let Some(ext) = root.ext_filter_type {
            let node = Node::of(facts.iter().filter(|f| f.ext_filter), "");
            self.filter_input(ext, &node, true);
        }
        let details_filter = if root.field == "task" {
            "TaskDetailsFilters"
        } else {
            root.filter_type
        };
        let details_ext = if root.field == "task" {
            Some("TaskDetailsSpecificFilters")
        } else {
            root.ext_filter_type
        };
        if !self.inputs.contains_key(root.aggregation_type) {
            let mut aggregation = InputObject::new(root.aggregation_type)
                .field(InputValue::new("field", TypeRef::named_nn(TypeRef::STRING)))
                .field(InputValue::new(
                    "type",
                    TypeRef::named_nn("AggregationType"),
                ))
                .field(InputValue::new("name", TypeRef::named_nn(TypeRef::STRING)))
                .field(InputValue::new("filter", TypeRef::named(details_filter)))
                .field(InputValue::new(
                    "predicate",
                    TypeRef::named("GlobalVariablePredicate"),
                ));
            if let Some(ext) = details_ext {
                aggregation = aggregation.field(InputValue::new("extFilter", TypeRef::named(ext)));
            }
            self.inputs
                .insert(root.aggregation_type.to_owned(), aggregation);
        }
        let mut field = Field::new(root.field, TypeRef::named(root.list_type), move |ctx| {
            FieldFuture::new(
                async move { exec::run(root, &ctx).map(|v| Some(FieldValue::value(v))) },
            )
        })
        .argument(InputValue::new("from", TypeRef::named_nn("Long")))
        .argument(InputValue::new("to", TypeRef::named_nn("Long")))
        .argument(InputValue::new("filter", TypeRef::named(root.filter_type)))
        .argument(InputValue::new(
            "aggregations",
            TypeRef::named_list(root.aggregation_type),
        ))
        .argument(InputValue::new(
            "aggregationInterval",
            TypeRef::named("IntervalData"),
        ))
        .argument(InputValue::new("pagination", TypeRef::named("Pagination")));
        if root.time_comparator {
            field = field.argument(InputValue::new(
                "timeComparator",
                TypeRef::named("QueryTimeType"),
            ));
        }
        if let Some(ext) = root.ext_filter_type {
            field = field.argument(InputValue::new("extFilter", TypeRef::named(ext)));
        }
        if root.legacy_aggregation {
            self.legacy_aggregation(&facts);
            field = field.argument(InputValue::new(
                "aggregation",
                TypeRef::named("TaskAggregation"),
            ));
        }
        field
    }

    /// The deprecated `aggregation: { aggr: [{ field: totalDuration, type: sum, name: "..." }] }`
    /// of Cisco's `advanced` sample: the field is an enum of the task's aggregatable fields.
    /// The type names are not published.
    fn legacy_aggregation(&mut self, facts: &[&'static Fact]) {
        if self.inputs.contains_key("TaskAggregation") {
            return;
        }
        let fields: Vec<&str> = facts
            .iter()
            .filter(|f| f.rec == Rec::Csr && f.aggregate && !f.path.contains('.'))
            .map(|f| f.path)
            .collect();
        self.enums
            .push(Enum::new("TaskAggregationField").items(fields));
        self.inputs.insert(
            "TaskAggr".into(),
            InputObject::new("TaskAggr")
                .field(InputValue::new(
                    "field",
                    TypeRef::named_nn("TaskAggregationField"),
                ))
                .field(InputValue::new(
                    "type",
                    TypeRef::named_nn("AggregationType"),
                ))
                .field(InputValue::new("name", TypeRef::named(TypeRef::STRING))),
        );
        self.inputs.insert(
            "TaskAggregation".into(),
            InputObject::new("TaskAggregation")
                .field(InputValue::new("aggr", TypeRef::named_list("TaskAggr"))),
        );
    }

    /// An output object for a node of selectable paths.
    fn record(&mut self, name: &str, node: &Node, root: &Root, top: bool) {
        let mut object = Object::new(name);
        for (segment, child) in &node.children {
            if top && GvKind::of_field(segment).is_some() {
                continue;
            }
            if child.children.is_empty() {
                if let Some(fact) = child.fact {
                    let mut field = pass(segment, TypeRef::named(fact.ty.graphql()));
                    if fact.sort {
                        field = field.argument(InputValue::new("sort", TypeRef::named(SORT)));
                    }
                    object = object.field(field);
                }
                continue;
            }
            if *segment == "activities" && child.children.contains_key("nodes") {
                let nodes_type = format!("{name}Activity");
                if let Some(nodes) = child.children.get("nodes") {
                    self.record(&nodes_type, nodes, root, false);
                }
                let connection = format!("{name}Activities");
                self.objects.insert(
                    connection.clone(),
                    Object::new(&connection)
                        .field(pass("totalCount", TypeRef::named(TypeRef::INT)))
                        .field(pass("nodes", TypeRef::named_list(&nodes_type)))
                        .field(pass("pageInfo", TypeRef::named("PageInfo"))),
                );
                object = object.field(
                    pass("activities", TypeRef::named(&connection))
                        .argument(InputValue::new("first", TypeRef::named(TypeRef::INT)))
                        .argument(InputValue::new("after", TypeRef::named(TypeRef::STRING))),
                );
                continue;
            }
            let child_type = format!("{name}{}", pascal(segment));
            self.record(&child_type, child, root, false);
            let ty = if top && is_list(root, segment) {
                TypeRef::named_list(&child_type)
            } else {
                TypeRef::named(&child_type)
            };
            object = object.field(pass(segment, ty));
        }
        if top {
            if matches!(root.source, Source::Tasks | Source::Legs) {
                for (kind, field) in GvKind::ALL {
                    object = object.field(
                        pass(
                            field,
                            TypeRef::named(format!(
                                "{}GlobalVariable",
                                pascal(value_kind_name(kind))
                            )),
                        )
                        .argument(InputValue::new("name", TypeRef::named_nn(TypeRef::STRING))),
                    );
                }
            }
            object = object
                .field(pass("aggregation", TypeRef::named_list("AggregationValue")))
                // `sort` as WebexCC-SA/tools and the Power BI sample write it; groups come
                // oldest first either way.
                .field(
                    pass("intervalStartTime", TypeRef::named("Long"))
                        .argument(InputValue::new("sort", TypeRef::named(SORT))),
                );
        }
        self.objects.insert(name.to_owned(), object);
    }

    /// A filter input for a node of filterable paths: a scalar filter per leaf, an input per
    /// composite (with object-level `equals`/`notequals`), `and`/`or` at the top.
    fn filter_input(&mut self, name: &str, node: &Node, top: bool) {
        if self.inputs.contains_key(name) {
            return;
        }
        let mut input = InputObject::new(name);
        if top {
            input = input
                .field(InputValue::new("and", TypeRef::named_list(name)))
                .field(InputValue::new("or", TypeRef::named_list(name)));
        } else {
            let values = format!("{name}Values");
            let mut literal = InputObject::new(&values);
            for (segment, child) in &node.children {
                if let Some(fact) = child
                    .fact
                    .filter(|f| child.children.is_empty() && f.ty != Ty::Json)
                {
                    literal =
                        literal.field(InputValue::new(*segment, TypeRef::named(fact.ty.graphql())));
                }
            }
            if node
                .children
                .values()
                .any(|c| c.children.is_empty() && c.fact.is_some_and(|f| f.ty != Ty::Json))
            {
                self.inputs.insert(values.clone(), literal);
                input = input
                    .field(InputValue::new("equals", TypeRef::named(&values)))
                    .field(InputValue::new("notequals", TypeRef::named(&values)));
            }
        }
        for (segment, child) in &node.children {
            if top {
                if let Some(kind) = GvKind::of_field(segment) {
                    let ty = format!("{}GlobalVariableFilter", pascal(value_kind_name(kind)));
                    input = input.field(InputValue::new(*segment, TypeRef::named(ty)));
                    continue;
                }
                if *segment == "agentSkills" {
                    input = input.field(InputValue::new(
                        "agentSkills",
                        TypeRef::named("AgentSkillFilter"),
                    ));
                    continue;
                }
            }
            if child.children.is_empty() {
                match child.fact {
                    Some(fact) if fact.ty != Ty::Json => {
                        input = input.field(InputValue::new(
                            *segment,
                            TypeRef::named(format!("{}Filter", fact.ty.graphql())),
                        ));
                    }
                    // JSON fields (matched and required skills) are filterable per Cisco, but
                    // the shape of such a filter is not published; they are left out.
                    _ => {}
                }
                continue;
            }
            let child_name = format!("{name}{}", pascal(segment));
            self.filter_input(&child_name, child, false);
            input = input.field(InputValue::new(*segment, TypeRef::named(child_name)));
        }
        self.inputs.insert(name.to_owned(), input);
    }
}

fn value_kind_name(kind: GvKind) -> &'static str {
    match kind {
        GvKind::String => "string",
        GvKind::Integer => "integer",
        GvKind::Boolean => "boolean",
        GvKind::Double => "double",
        GvKind::Long => "long",
    }
}

fn gv_type(kind: GvKind) -> &'static str {
    match kind {
        GvKind::String => "String",
        GvKind::Integer => "Int",
        GvKind::Boolean => "Boolean",
        GvKind::Double => "Float",
        GvKind::Long => "Long",
    }
}

/// The type of a global variable's value.
pub(crate) fn global_value_type(kind: GvKind) -> Ty {
    match kind {
        GvKind::String => Ty::String,
        GvKind::Integer => Ty::Int,
        GvKind::Boolean => Ty::Boolean,
        GvKind::Double => Ty::Float,
        GvKind::Long => Ty::Long,
    }
}
