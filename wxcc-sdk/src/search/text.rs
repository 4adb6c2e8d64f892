//! Writing Search filters and queries as GraphQL text: values as declared variables, names
//! checked before they are written, nested input objects merged by path.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::filter::{FieldType, FilterValue};
use crate::error::{Error, Result};

/// Nested input fields merged by path, so several conditions on one object render as one
/// object (GraphQL input objects cannot repeat a field).
#[derive(Default)]
pub(super) struct Tree(Vec<(String, Node)>);

pub(super) enum Node {
    Branch(Tree),
    /// `op: value` pairs of one field, comma-joined.
    Leaf(Vec<String>),
}

impl Tree {
    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn branch(&mut self, segment: &str) -> Result<&mut Tree> {
        check_name(segment, "field name")?;
        let index = match self.0.iter().position(|(name, _)| name == segment) {
            Some(i) => i,
            None => {
                self.0
                    .push((segment.to_owned(), Node::Branch(Tree::default())));
                self.0.len() - 1
            }
        };
        match &mut self.0[index].1 {
            Node::Branch(tree) => Ok(tree),
            Node::Leaf(_) => Err(Error::InvalidRequest(format!(
                "`{segment}` is compared as a value and used as an object"
            ))),
        }
    }

    /// Adds `op: value` at a dotted path.
    pub(super) fn insert(&mut self, path: &str, op_value: String) -> Result<()> {
        let (parents, leaf) = path.rsplit_once('.').map_or(("", path), |(p, l)| (p, l));
        let mut tree = self;
        for segment in parents.split('.').filter(|s| !s.is_empty()) {
            tree = tree.branch(segment)?;
        }
        check_name(leaf, "field name")?;
        match tree.0.iter_mut().find(|(name, _)| name == leaf) {
            Some((_, Node::Leaf(ops))) => ops.push(op_value),
            Some((_, Node::Branch(_))) => {
                return Err(Error::InvalidRequest(format!(
                    "`{leaf}` is used as an object and compared as a value"
                )));
            }
            None => tree.0.push((leaf.to_owned(), Node::Leaf(vec![op_value]))),
        }
        Ok(())
    }

    /// Adds raw `key: value` text inside the object at a dotted path.
    pub(super) fn insert_raw(&mut self, path: &str, text: String) -> Result<()> {
        let mut tree = self;
        let mut segments = path.split('.').peekable();
        while let Some(segment) = segments.next() {
            if segments.peek().is_none() {
                check_name(segment, "field name")?;
                tree.0.push((segment.to_owned(), Node::Leaf(vec![text])));
                return Ok(());
            }
            tree = tree.branch(segment)?;
        }
        Ok(())
    }

    /// Puts `inner` at a dotted path.
    pub(super) fn nest(&mut self, path: &str, inner: Tree) -> Result<()> {
        let (parents, last) = path.rsplit_once('.').map_or(("", path), |(p, l)| (p, l));
        let mut tree = self;
        for segment in parents.split('.').filter(|s| !s.is_empty()) {
            tree = tree.branch(segment)?;
        }
        check_name(last, "field name")?;
        tree.0.push((last.to_owned(), Node::Branch(inner)));
        Ok(())
    }

    pub(super) fn write(&self, out: &mut String) {
        out.push('{');
        for (i, (name, node)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "{name}: ");
            match node {
                Node::Branch(tree) => tree.write(out),
                Node::Leaf(ops) => {
                    out.push('{');
                    out.push_str(&ops.join(", "));
                    out.push('}');
                }
            }
        }
        out.push('}');
    }
}

pub(super) fn render_value(
    ty: FieldType,
    value: &FilterValue,
    vars: &mut Variables,
    out: &mut String,
    what: &str,
) -> Result<()> {
    let mismatch = || {
        Error::InvalidRequest(format!(
            "`{what}` is a {ty:?} field and cannot be compared with {value:?}"
        ))
    };
    let json = match (ty, value) {
        (_, FilterValue::Null) => {
            out.push_str("null");
            return Ok(());
        }
        (FieldType::Enum, FilterValue::Enum(name) | FilterValue::String(name)) => {
            check_name(name, "enum value")?;
            // GraphQL reads these names as literals, not enum values: `equals: null` would
            // change the filter's meaning.
            if matches!(name.as_str(), "null" | "true" | "false") {
                return Err(Error::InvalidRequest(format!(
                    "`{name}` cannot be an enum value (GraphQL reads it as a literal)"
                )));
            }
            out.push_str(name);
            return Ok(());
        }
        (FieldType::String, FilterValue::String(s)) => Value::String(s.clone()),
        (FieldType::Long, FilterValue::Long(n)) => Value::from(*n),
        (FieldType::Long, FilterValue::Int(n)) => Value::from(i64::from(*n)),
        (FieldType::Int, FilterValue::Int(n)) => Value::from(*n),
        (FieldType::Int, FilterValue::Long(n)) => {
            Value::from(i32::try_from(*n).map_err(|_| mismatch())?)
        }
        (FieldType::Float, FilterValue::Float(n)) => serde_json::Number::from_f64(*n)
            .map(Value::Number)
            .ok_or_else(mismatch)?,
        (FieldType::Float, FilterValue::Long(n)) => Value::from(*n as f64),
        (FieldType::Float, FilterValue::Int(n)) => Value::from(f64::from(*n)),
        (FieldType::Boolean, FilterValue::Boolean(b)) => Value::Bool(*b),
        _ => return Err(mismatch()),
    };
    let Some(graphql_type) = ty.variable_type() else {
        return Err(mismatch());
    };
    let name = vars.add(graphql_type, json);
    let _ = write!(out, "${name}");
    Ok(())
}

/// Variables collected while rendering a query: `$v0: String!`, ...
#[derive(Debug, Default)]
pub(crate) struct Variables {
    declarations: Vec<(String, &'static str)>,
    values: Map<String, Value>,
    generated: usize,
}

impl Variables {
    /// Adds a value under a fresh name and returns the name (without `$`).
    pub fn add(&mut self, graphql_type: &'static str, value: Value) -> String {
        let name = format!("v{}", self.generated);
        self.generated += 1;
        self.declare(&name, graphql_type, value);
        name
    }

    /// Adds a value under a chosen name.
    pub fn declare(&mut self, name: &str, graphql_type: &'static str, value: Value) {
        self.declarations.push((name.to_owned(), graphql_type));
        self.values.insert(name.to_owned(), value);
    }

    /// `($from: Long!, $to: Long!, ...)`.
    pub fn signature(&self) -> String {
        let list: Vec<String> = self
            .declarations
            .iter()
            .map(|(n, t)| format!("${n}: {t}"))
            .collect();
        format!("({})", list.join(", "))
    }

    pub fn into_values(self) -> Map<String, Value> {
        self.values
    }
}

/// Checks that a name from the caller is a GraphQL name (`[_A-Za-z][_0-9A-Za-z]*`), so it can
/// be written into the query text without changing its meaning.
pub(crate) fn check_name(name: &str, what: &str) -> Result<()> {
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric());
    if valid {
        Ok(())
    } else {
        Err(Error::InvalidRequest(format!(
            "`{name}` is not a valid GraphQL {what}"
        )))
    }
}
