//! The filter DSL: builds Search filters whose values always travel as GraphQL variables.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::text::{Tree, render_value};
pub(crate) use super::text::{Variables, check_name};
use crate::error::{Error, Result};

/// The GraphQL type of a filterable field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// Text: `equals`, `notequals`, `match`, `contains`.
    String,
    /// 64-bit integer (times in epoch ms, durations in ms): `equals`, `notequals`, `gt`, `gte`,
    /// `lt`, `lte`.
    Long,
    /// 32-bit integer (counts): as `Long`.
    Int,
    /// Floating point: as `Long`.
    Float,
    /// `true`/`false`: `equals`, `notequals`.
    Boolean,
    /// An enum of the schema, written unquoted (`channelType: {equals: telephony}`):
    /// `equals`, `notequals`.
    Enum,
}

impl FieldType {
    pub(super) fn variable_type(self) -> Option<&'static str> {
        match self {
            FieldType::String => Some("String!"),
            FieldType::Long => Some("Long!"),
            FieldType::Int => Some("Int!"),
            FieldType::Float => Some("Float!"),
            FieldType::Boolean => Some("Boolean!"),
            FieldType::Enum => None,
        }
    }

    fn allows(self, op: Op) -> bool {
        match self {
            FieldType::String => {
                matches!(op, Op::Equals | Op::NotEquals | Op::Match | Op::Contains)
            }
            FieldType::Long | FieldType::Int | FieldType::Float => {
                !matches!(op, Op::Match | Op::Contains)
            }
            FieldType::Boolean | FieldType::Enum => matches!(op, Op::Equals | Op::NotEquals),
        }
    }
}

/// A comparison operator of Search filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `equals`
    Equals,
    /// `notequals`
    NotEquals,
    /// `match` (pattern)
    Match,
    /// `contains`
    Contains,
    /// `gt`
    Gt,
    /// `gte`
    Gte,
    /// `lt`
    Lt,
    /// `lte`
    Lte,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Equals => "equals",
            Op::NotEquals => "notequals",
            Op::Match => "match",
            Op::Contains => "contains",
            Op::Gt => "gt",
            Op::Gte => "gte",
            Op::Lt => "lt",
            Op::Lte => "lte",
        }
    }
}

/// A value to compare a field with.
#[derive(Clone, Debug, PartialEq)]
pub enum FilterValue {
    /// Text.
    String(String),
    /// A 64-bit integer.
    Long(i64),
    /// A 32-bit integer.
    Int(i32),
    /// A floating point number.
    Float(f64),
    /// A boolean.
    Boolean(bool),
    /// An enum value of the schema, such as `telephony`.
    Enum(String),
    /// `null`, as in `{notequals: null}`.
    Null,
}

impl From<&str> for FilterValue {
    fn from(v: &str) -> Self {
        FilterValue::String(v.to_owned())
    }
}
impl From<String> for FilterValue {
    fn from(v: String) -> Self {
        FilterValue::String(v)
    }
}
impl From<&String> for FilterValue {
    fn from(v: &String) -> Self {
        FilterValue::String(v.clone())
    }
}
impl From<i64> for FilterValue {
    fn from(v: i64) -> Self {
        FilterValue::Long(v)
    }
}
impl From<i32> for FilterValue {
    fn from(v: i32) -> Self {
        FilterValue::Int(v)
    }
}
impl From<f64> for FilterValue {
    fn from(v: f64) -> Self {
        FilterValue::Float(v)
    }
}
impl From<bool> for FilterValue {
    fn from(v: bool) -> Self {
        FilterValue::Boolean(v)
    }
}
impl From<chrono::DateTime<chrono::Utc>> for FilterValue {
    fn from(v: chrono::DateTime<chrono::Utc>) -> Self {
        FilterValue::Long(v.timestamp_millis())
    }
}

/// A field that filters can compare. The `search::task`, `search::agent_session` and
/// `search::task_leg` modules define the documented ones; [`Field::new`] names any other.
///
/// ```
/// use wxcc_sdk::search::{task, Field, FieldType, Filter};
///
/// let f = Filter::and([
///     task::CHANNEL_TYPE.equals(wxcc_sdk::search::ChannelType::Telephony),
///     task::LAST_AGENT_ID.equals("agent-1"),
///     Field::new("queueDuration", FieldType::Long).gt(60_000i64),
/// ]);
/// # let _ = f;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    path: Cow<'static, str>,
    ty: FieldType,
}

macro_rules! comparisons {
    ($($(#[$doc:meta])* $name:ident => $op:ident),* $(,)?) => {
        $(
            $(#[$doc])*
            pub fn $name(&self, value: impl Into<FilterValue>) -> Filter {
                Filter::Compare { field: self.clone(), op: Op::$op, value: value.into() }
            }
        )*
    };
}

impl Field {
    /// A field at a dotted path (`lastAgent.id`), of the given type.
    pub fn new(path: impl Into<Cow<'static, str>>, ty: FieldType) -> Self {
        Self {
            path: path.into(),
            ty,
        }
    }

    /// A documented field; used for the constants of this crate.
    pub const fn known(path: &'static str, ty: FieldType) -> Self {
        Self {
            path: Cow::Borrowed(path),
            ty,
        }
    }

    /// The dotted path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The field's type.
    pub fn field_type(&self) -> FieldType {
        self.ty
    }

    comparisons! {
        /// `equals`.
        equals => Equals,
        /// `notequals`.
        not_equals => NotEquals,
        /// `match`: a pattern (strings only).
        matches => Match,
        /// `contains` (strings only).
        contains => Contains,
        /// `gt` (numbers only).
        gt => Gt,
        /// `gte` (numbers only).
        gte => Gte,
        /// `lt` (numbers only).
        lt => Lt,
        /// `lte` (numbers only).
        lte => Lte,
    }
}

/// How deeply `and`/`or` may nest: far beyond any real query, and far from the stack's end.
pub const MAX_FILTER_DEPTH: usize = 32;

/// Which typed global variables a filter compares (`stringGlobalVariables`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GlobalVariableType {
    /// `stringGlobalVariables`
    String,
    /// `integerGlobalVariables`
    Integer,
    /// `longGlobalVariables`
    Long,
    /// `doubleGlobalVariables`
    Double,
    /// `booleanGlobalVariables`
    Boolean,
}

impl GlobalVariableType {
    pub(crate) fn root(self) -> &'static str {
        match self {
            GlobalVariableType::String => "stringGlobalVariables",
            GlobalVariableType::Integer => "integerGlobalVariables",
            GlobalVariableType::Long => "longGlobalVariables",
            GlobalVariableType::Double => "doubleGlobalVariables",
            GlobalVariableType::Boolean => "booleanGlobalVariables",
        }
    }

    fn value_type(self) -> FieldType {
        match self {
            GlobalVariableType::String => FieldType::String,
            GlobalVariableType::Integer => FieldType::Int,
            GlobalVariableType::Long => FieldType::Long,
            GlobalVariableType::Double => FieldType::Float,
            GlobalVariableType::Boolean => FieldType::Boolean,
        }
    }
}

/// A Search filter: comparisons combined with `and`/`or`, nested as deep as needed.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Filter {
    /// `{field: {op: value}}`, nested objects walked to the leaf.
    Compare {
        /// The field.
        field: Field,
        /// The comparison.
        op: Op,
        /// The value (sent as a variable, except enum values and `null`).
        value: FilterValue,
    },
    /// All of these.
    And(Vec<Filter>),
    /// Any of these.
    Or(Vec<Filter>),
    /// A global (flow) variable with this name whose value compares with `value`.
    GlobalVariable {
        /// Its type.
        kind: GlobalVariableType,
        /// Its name.
        name: String,
        /// How the value compares (`equals` for [`Filter::global_variable`]).
        op: Op,
        /// The value it is compared with.
        value: FilterValue,
    },
    /// Several conditions that hold for the same nested object or list element at `path`
    /// (a skill's name and level together: `{agentSkills: {name: ..., intVal: ...}}`). The
    /// fields of the inner comparisons are relative to `path`.
    Same {
        /// The object or list (`agentSkills`, `channelInfo`, `activities.nodes`).
        path: Cow<'static, str>,
        /// Comparisons on its fields.
        conditions: Vec<Filter>,
    },
    /// Object-level `equals` / `notequals` (`owner: {notequals: {id: null}}`, as Cisco's
    /// samples write it): every given field of the object equals its value, or not.
    Object {
        /// The object (`owner`, `callbackData`).
        path: Cow<'static, str>,
        /// `equals` or `notequals`.
        negated: bool,
        /// Field names and values, with their types.
        fields: Vec<(Field, FilterValue)>,
    },
}

impl Filter {
    /// All of `filters`.
    pub fn and(filters: impl IntoIterator<Item = Filter>) -> Filter {
        Filter::And(filters.into_iter().collect())
    }

    /// Any of `filters`.
    pub fn or(filters: impl IntoIterator<Item = Filter>) -> Filter {
        Filter::Or(filters.into_iter().collect())
    }

    /// A global variable of `kind` named `name` equal to `value`.
    pub fn global_variable(
        kind: GlobalVariableType,
        name: impl Into<String>,
        value: impl Into<FilterValue>,
    ) -> Filter {
        Self::global_variable_cmp(kind, name, Op::Equals, value)
    }

    /// A global variable of `kind` named `name` whose value compares with `value` by `op`
    /// (a CSAT score `gte` 4).
    ///
    /// ```
    /// use wxcc_sdk::search::{Filter, GlobalVariableType, Op};
    ///
    /// let satisfied = Filter::global_variable_cmp(GlobalVariableType::Double, "CSAT", Op::Gte, 4.0);
    /// # let _ = satisfied;
    /// ```
    pub fn global_variable_cmp(
        kind: GlobalVariableType,
        name: impl Into<String>,
        op: Op,
        value: impl Into<FilterValue>,
    ) -> Filter {
        Filter::GlobalVariable {
            kind,
            name: name.into(),
            op,
            value: value.into(),
        }
    }

    /// Conditions that hold for the same object or list element at `path`; the inner
    /// comparisons name fields relative to it.
    ///
    /// ```
    /// use wxcc_sdk::search::{Field, FieldType, Filter};
    ///
    /// // Agents with Python at level 9 or more (not Python at any level and anything at 9).
    /// let python = Filter::same("agentSkills", [
    ///     Field::new("name", FieldType::String).equals("Python"),
    ///     Field::new("intVal", FieldType::Int).gte(9),
    /// ]);
    /// # let _ = python;
    /// ```
    pub fn same(
        path: impl Into<Cow<'static, str>>,
        conditions: impl IntoIterator<Item = Filter>,
    ) -> Filter {
        Filter::Same {
            path: path.into(),
            conditions: conditions.into_iter().collect(),
        }
    }

    /// Object-level comparison: `owner: {notequals: {id: null}}` is
    /// `Filter::object("owner", true, [(Field::new("id", FieldType::String), FilterValue::Null)])`.
    pub fn object(
        path: impl Into<Cow<'static, str>>,
        negated: bool,
        fields: impl IntoIterator<Item = (Field, FilterValue)>,
    ) -> Filter {
        Filter::Object {
            path: path.into(),
            negated,
            fields: fields.into_iter().collect(),
        }
    }

    /// Writes the filter as a GraphQL input value, adding its values to `vars`.
    pub(crate) fn render(&self, vars: &mut Variables, out: &mut String) -> Result<()> {
        self.render_nested(vars, out, 0)
    }

    fn render_nested(&self, vars: &mut Variables, out: &mut String, depth: usize) -> Result<()> {
        if depth > MAX_FILTER_DEPTH {
            return Err(Error::InvalidRequest(format!(
                "filters may nest `and`/`or` at most {MAX_FILTER_DEPTH} levels deep"
            )));
        }
        match self {
            Filter::Compare { field, op, value } => {
                let ty = field.ty;
                if !ty.allows(*op) {
                    return Err(Error::InvalidRequest(format!(
                        "`{}` cannot be compared with `{}`",
                        field.path,
                        op.name()
                    )));
                }
                let segments: Vec<&str> = field.path.split('.').collect();
                for segment in &segments {
                    check_name(segment, "field name")?;
                    let _ = write!(out, "{{{segment}: ");
                }
                let _ = write!(out, "{{{}: ", op.name());
                render_value(ty, value, vars, out, &field.path)?;
                for _ in 0..=segments.len() {
                    out.push('}');
                }
                Ok(())
            }
            Filter::And(filters) | Filter::Or(filters) => {
                let key = if matches!(self, Filter::And(_)) {
                    "and"
                } else {
                    "or"
                };
                if filters.is_empty() {
                    return Err(Error::InvalidRequest(format!(
                        "an `{key}` filter needs at least one filter"
                    )));
                }
                let _ = write!(out, "{{{key}: [");
                for (i, filter) in filters.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    filter.render_nested(vars, out, depth + 1)?;
                }
                out.push_str("]}");
                Ok(())
            }
            Filter::GlobalVariable {
                kind,
                name,
                op,
                value,
            } => {
                if !kind.value_type().allows(*op) {
                    return Err(Error::InvalidRequest(format!(
                        "a {kind:?} global variable cannot be compared with `{}`",
                        op.name()
                    )));
                }
                let _ = write!(out, "{{{}: {{name: {{equals: ", kind.root());
                render_value(
                    FieldType::String,
                    &FilterValue::String(name.clone()),
                    vars,
                    out,
                    "name",
                )?;
                let _ = write!(out, "}}, value: {{{}: ", op.name());
                render_value(kind.value_type(), value, vars, out, name)?;
                out.push_str("}}}");
                Ok(())
            }
            Filter::Same { path, conditions } => {
                let mut tree = Tree::default();
                for condition in conditions {
                    let Filter::Compare { field, op, value } = condition else {
                        return Err(Error::InvalidRequest(format!(
                            "the conditions on `{path}` must be field comparisons"
                        )));
                    };
                    if !field.ty.allows(*op) {
                        return Err(Error::InvalidRequest(format!(
                            "`{}` cannot be compared with `{}`",
                            field.path,
                            op.name()
                        )));
                    }
                    let mut rendered = String::new();
                    let _ = write!(rendered, "{}: ", op.name());
                    render_value(field.ty, value, vars, &mut rendered, &field.path)?;
                    tree.insert(&field.path, rendered)?;
                }
                if tree.is_empty() {
                    return Err(Error::InvalidRequest(format!(
                        "`{path}` needs at least one condition"
                    )));
                }
                let mut wrapped = Tree::default();
                wrapped.nest(path, tree)?;
                wrapped.write(out);
                Ok(())
            }
            Filter::Object {
                path,
                negated,
                fields,
            } => {
                if fields.is_empty() {
                    return Err(Error::InvalidRequest(format!(
                        "an object comparison on `{path}` needs at least one field"
                    )));
                }
                let mut literal = String::from("{");
                for (i, (field, value)) in fields.iter().enumerate() {
                    check_name(&field.path, "field name")?;
                    if i > 0 {
                        literal.push_str(", ");
                    }
                    let _ = write!(literal, "{}: ", field.path);
                    render_value(field.ty, value, vars, &mut literal, &field.path)?;
                }
                literal.push('}');
                let key = if *negated { "notequals" } else { "equals" };
                let mut tree = Tree::default();
                tree.insert_raw(path, format!("{key}: {literal}"))?;
                tree.write(out);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value};

    use super::*;

    fn render(filter: &Filter) -> (String, Map<String, Value>) {
        let mut vars = Variables::default();
        let mut out = String::new();
        filter.render(&mut vars, &mut out).unwrap();
        (out, vars.into_values())
    }

    #[test]
    fn nested_fields_and_combinators_render_with_variables() {
        let filter = Filter::and([
            Field::known("channelType", FieldType::Enum)
                .equals(FilterValue::Enum("telephony".into())),
            Field::known("lastAgent.id", FieldType::String).equals("a\"}\\\n"),
            Filter::or([
                Field::known("queueDuration", FieldType::Long).gt(5i64),
                Field::known("isActive", FieldType::Boolean).equals(false),
            ]),
            Field::known("owner.id", FieldType::String).not_equals(FilterValue::Null),
        ]);
        let (text, values) = render(&filter);
        assert_eq!(
            text,
            "{and: [{channelType: {equals: telephony}}, {lastAgent: {id: {equals: $v0}}}, \
             {or: [{queueDuration: {gt: $v1}}, {isActive: {equals: $v2}}]}, {owner: {id: {notequals: null}}}]}"
        );
        assert_eq!(values["v0"], "a\"}\\\n");
        assert_eq!(values["v1"], 5);
        assert_eq!(values["v2"], false);
    }

    #[test]
    fn deep_filters_are_refused_without_overflowing_the_stack() {
        let mut filter = Field::known("origin", FieldType::String).equals("x");
        for _ in 0..10_000 {
            filter = Filter::and([filter]);
        }
        let mut vars = Variables::default();
        let mut out = String::new();
        let result = filter.render(&mut vars, &mut out);
        assert!(
            matches!(result, Err(Error::InvalidRequest(_))),
            "{result:?}"
        );
        // Dropping it must not overflow either: unwind it level by level.
        let mut current = filter;
        while let Filter::And(mut inner) = current {
            match inner.pop() {
                Some(next) => current = next,
                None => break,
            }
        }
    }

    #[test]
    fn conditions_on_one_element_merge_into_one_object() {
        let (text, values) = render(&Filter::same(
            "agentSkills",
            [
                Field::new("name", FieldType::String).equals("Python"),
                Field::new("intVal", FieldType::Int).gte(9),
                Field::new("intVal", FieldType::Int).lte(10),
            ],
        ));
        assert_eq!(
            text,
            "{agentSkills: {name: {equals: $v0}, intVal: {gte: $v1, lte: $v2}}}"
        );
        assert_eq!(values["v0"], "Python");
        let (text, _) = render(&Filter::object(
            "owner",
            true,
            [(Field::new("id", FieldType::String), FilterValue::Null)],
        ));
        assert_eq!(text, "{owner: {notequals: {id: null}}}");
        let (text, values) = render(&Filter::global_variable_cmp(
            GlobalVariableType::Double,
            "CSAT",
            Op::Gte,
            4.0,
        ));
        assert_eq!(
            text,
            "{doubleGlobalVariables: {name: {equals: $v0}, value: {gte: $v1}}}"
        );
        assert_eq!(values["v1"], 4.0);
    }

    #[test]
    fn global_variables_compare_name_and_value() {
        let (text, values) = render(&Filter::global_variable(
            GlobalVariableType::String,
            "GV1",
            "ABC123",
        ));
        assert_eq!(
            text,
            "{stringGlobalVariables: {name: {equals: $v0}, value: {equals: $v1}}}"
        );
        assert_eq!(values["v0"], "GV1");
        assert_eq!(values["v1"], "ABC123");
    }

    #[test]
    fn invalid_filters_are_refused_before_sending() {
        let mut vars = Variables::default();
        let mut out = String::new();
        let cases = [
            Field::known("totalDuration", FieldType::Long).contains("x"),
            Field::known("origin", FieldType::String).gt(1i64),
            Field::new("bad name", FieldType::String).equals("x"),
            Field::known("channelType", FieldType::Enum).equals("tele phony"),
            Field::known("channelType", FieldType::Enum).equals(FilterValue::Enum("null".into())),
            Field::known("channelType", FieldType::Enum).equals(FilterValue::Enum("true".into())),
            Filter::and([]),
            Filter::same("agentSkills", [Filter::and([])]),
            Filter::object("owner", true, []),
        ];
        for filter in cases {
            assert!(
                matches!(
                    filter.render(&mut vars, &mut out),
                    Err(Error::InvalidRequest(_))
                ),
                "{filter:?}"
            );
        }
    }
}
