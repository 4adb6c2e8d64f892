//! Search filters: a `filter`, `extFilter`, aggregation `filter` or `predicate` argument,
//! compiled into a predicate over records and tested against them.
//!
//! The GraphQL schema (built from `facts.tsv`) has already refused any field or operator Cisco
//! does not document; compiling only resolves paths and literals, and bounds the work.

use async_graphql::Value;
use regex::Regex;

use super::facts::{self, Rec, Ty};
use super::record::{Access, Env, GvKind, Item, Source, Val};

/// A compiled filter.
#[derive(Clone, Debug)]
pub(crate) enum Pred {
    All(Vec<Pred>),
    Any(Vec<Pred>),
    Not(Box<Pred>),
    Leaf(Access, Op),
    /// A record `depth` levels below the root (an activity, a channel) matches: the record
    /// itself when it is one, else any of its records at that depth. All the conditions of
    /// one `activities: { nodes: {...} }` or `channelInfo: {...}` object hold for the same
    /// record.
    At(u8, Box<Pred>),
    /// A global variable of this kind matches every name and every value condition.
    Global {
        kind: GvKind,
        name: Vec<Op>,
        value: Vec<Op>,
    },
    /// One of the agent's skills matches every name and every level condition.
    Skill {
        name: Vec<Op>,
        level: Vec<Op>,
    },
}

/// One comparison.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    Eq(Lit),
    Ne(Lit),
    Match(Regex),
    Contains(String),
    Gt(f64),
    Gte(f64),
    Lt(f64),
    Lte(f64),
}

/// A literal of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Lit {
    Null,
    Str(String),
    Num(f64),
    Bool(bool),
}

impl Op {
    pub(crate) fn test(&self, value: &Val<'_>) -> bool {
        match self {
            Op::Eq(lit) => equals(lit, value),
            Op::Ne(lit) => !equals(lit, value),
            Op::Match(pattern) => matches!(value, Val::Str(s) if pattern.is_match(s)),
            Op::Contains(part) => matches!(value, Val::Str(s) if s.contains(part.as_str())),
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
        (Lit::Null, Val::Null) => true,
        (Lit::Str(a), Val::Str(b)) => a == b.as_ref(),
        (Lit::Num(a), Val::Num(b)) => a == b,
        (Lit::Bool(a), Val::Bool(b)) => a == b,
        _ => false,
    }
}

impl Pred {
    /// Whether the record matches.
    pub(crate) fn test(&self, item: &Item<'_>, env: &Env) -> bool {
        match self {
            Pred::All(preds) => preds.iter().all(|p| p.test(item, env)),
            Pred::Any(preds) => preds.iter().any(|p| p.test(item, env)),
            Pred::Not(pred) => !pred.test(item, env),
            Pred::Leaf(access, op) => op.test(&item.get(*access, env)),
            Pred::At(depth, pred) => {
                if item.depth() >= *depth {
                    pred.test(item, env)
                } else {
                    item.children(env).iter().any(|child| self.test(child, env))
                }
            }
            Pred::Global { kind, name, value } => item.globals(*kind, env).iter().any(|(n, v)| {
                let n = Val::Str((*n).into());
                name.iter().all(|op| op.test(&n)) && value.iter().all(|op| op.test(v))
            }),
            Pred::Skill { name, level } => item.skills(env).iter().any(|(n, l)| {
                let n = Val::Str((*n).into());
                let l = Val::Num(*l as f64);
                name.iter().all(|op| op.test(&n)) && level.iter().all(|op| op.test(&l))
            }),
        }
    }

    /// The name conditions of a global-variable predicate (aggregation `predicate`).
    pub(crate) fn global_names(&self, of: GvKind) -> Option<Vec<Op>> {
        match self {
            Pred::Global { kind, name, .. } if *kind == of => Some(name.clone()),
            Pred::All(preds) | Pred::Any(preds) => preds.iter().find_map(|p| p.global_names(of)),
            _ => None,
        }
    }
}

/// The most conditions a query may hold across its filters and predicates (Cisco's default).
pub(crate) const MAX_ARGUMENTS: usize = 1_000;
/// How deeply `and`/`or` may nest: well beyond any real query, and far from the stack's end.
const MAX_DEPTH: usize = 32;

/// Compiles filters of one root, counting their conditions.
pub(crate) struct Compiler {
    source: Source,
    recs: &'static [Rec],
    /// Conditions compiled so far.
    pub conditions: usize,
}

impl Compiler {
    pub(crate) fn new(source: Source, recs: &'static [Rec]) -> Self {
        Self {
            source,
            recs,
            conditions: 0,
        }
    }

    /// Compiles one filter object (`None` for an absent or `null` argument).
    pub(crate) fn compile(&mut self, value: Option<&Value>) -> Result<Option<Pred>, String> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(value) => self.object(value, "", 0).map(Some),
        }
    }

    fn object(&mut self, value: &Value, base: &str, depth: usize) -> Result<Pred, String> {
        if depth > MAX_DEPTH {
            return Err(format!("filters may nest at most {MAX_DEPTH} levels deep"));
        }
        let Value::Object(fields) = value else {
            return Err(format!("`{base}` must be an object"));
        };
        let mut all = Vec::with_capacity(fields.len());
        for (key, value) in fields {
            let key = key.as_str();
            if value == &Value::Null {
                continue;
            }
            let pred = match key {
                "and" | "or" => {
                    let Value::List(items) = value else {
                        return Err(format!("`{key}` takes a list of filters"));
                    };
                    let preds = items
                        .iter()
                        .map(|item| self.object(item, base, depth + 1))
                        .collect::<Result<Vec<_>, _>>()?;
                    if key == "and" {
                        Pred::All(preds)
                    } else {
                        Pred::Any(preds)
                    }
                }
                "equals" | "notequals" if !base.is_empty() => {
                    let pred = self.object_equals(value, base)?;
                    if key == "equals" {
                        pred
                    } else {
                        Pred::Not(Box::new(pred))
                    }
                }
                _ => {
                    if let Some(kind) = GvKind::of_field(key) {
                        self.global(kind, value)?
                    } else if base.is_empty() && key == "agentSkills" {
                        self.skill(value)?
                    } else {
                        let path = join(base, key);
                        match facts::find(self.recs, &path) {
                            Some(fact) if fact.ty != Ty::Json => {
                                self.leaf(&path, fact.ty, value)?
                            }
                            _ => self.nested(&path, value, depth)?,
                        }
                    }
                }
            };
            all.push(pred);
        }
        Ok(if all.len() == 1 {
            all.pop().unwrap_or(Pred::All(Vec::new()))
        } else {
            Pred::All(all)
        })
    }

    /// A composite field (`lastAgent: {...}`, `activities: { nodes: {...} }`).
    fn nested(&mut self, path: &str, value: &Value, depth: usize) -> Result<Pred, String> {
        let pred = self.object(value, path, depth + 1)?;
        let prefix = format!("{path}.");
        let level = self.source.access(&format!("{prefix}x")).0;
        let parent = self.source.access(path).0;
        // Crossing into activities or channels: the object's conditions are about one of them.
        Ok(if level > parent && self.boundary(path) {
            Pred::At(level, Box::new(pred))
        } else {
            pred
        })
    }

    fn boundary(&self, path: &str) -> bool {
        matches!(
            (self.source, path),
            (Source::Tasks, "activities.nodes")
                | (Source::Sessions, "channelInfo")
                | (Source::Sessions, "channelInfo.activities.nodes")
        )
    }

    /// Object-level `equals`/`notequals`: every given sub-field equals its value.
    fn object_equals(&mut self, value: &Value, base: &str) -> Result<Pred, String> {
        let Value::Object(fields) = value else {
            return Err(format!(
                "`{base}: {{equals}}` takes an object of field values"
            ));
        };
        let mut all = Vec::new();
        for (key, literal) in fields {
            let path = join(base, key.as_str());
            let fact = facts::find(self.recs, &path)
                .ok_or_else(|| format!("`{path}` is not a field of `{base}`"))?;
            self.count()?;
            let (_, access) = self.source.access(&path);
            all.push(Pred::Leaf(access, Op::Eq(literal_of(literal, fact.ty)?)));
        }
        Ok(Pred::All(all))
    }

    fn leaf(&mut self, path: &str, ty: Ty, ops: &Value) -> Result<Pred, String> {
        let (_, access) = self.source.access(path);
        let ops = self.ops(path, ty, ops)?;
        Ok(Pred::All(
            ops.into_iter().map(|op| Pred::Leaf(access, op)).collect(),
        ))
    }

    fn global(&mut self, kind: GvKind, value: &Value) -> Result<Pred, String> {
        let Value::Object(fields) = value else {
            return Err("a global variable filter takes `name` and `value`".into());
        };
        let ty = match kind {
            GvKind::String => Ty::String,
            GvKind::Integer => Ty::Int,
            GvKind::Boolean => Ty::Boolean,
            GvKind::Double => Ty::Float,
            GvKind::Long => Ty::Long,
        };
        let mut name = Vec::new();
        let mut values = Vec::new();
        for (key, ops) in fields {
            match key.as_str() {
                "name" => name = self.ops("name", Ty::String, ops)?,
                "value" => values = self.ops("value", ty, ops)?,
                other => return Err(format!("global variables have no `{other}`")),
            }
        }
        Ok(Pred::Global {
            kind,
            name,
            value: values,
        })
    }

    fn skill(&mut self, value: &Value) -> Result<Pred, String> {
        let Value::Object(fields) = value else {
            return Err("`agentSkills` takes conditions on `name` and `intVal`".into());
        };
        let mut name = Vec::new();
        let mut level = Vec::new();
        for (key, ops) in fields {
            match key.as_str() {
                "name" => name = self.ops("agentSkills.name", Ty::String, ops)?,
                "intVal" => level = self.ops("agentSkills.intVal", Ty::Int, ops)?,
                other => return Err(format!("agent skills have no `{other}`")),
            }
        }
        Ok(Pred::Skill { name, level })
    }

    fn ops(&mut self, path: &str, ty: Ty, value: &Value) -> Result<Vec<Op>, String> {
        let Value::Object(ops) = value else {
            return Err(format!("`{path}` takes an object of operators"));
        };
        let mut out = Vec::with_capacity(ops.len());
        for (name, operand) in ops {
            self.count()?;
            let number = || {
                literal_of(operand, ty).and_then(|lit| match lit {
                    Lit::Num(n) => Ok(n),
                    _ => Err(format!("`{path}: {{{name}}}` takes a number")),
                })
            };
            out.push(match name.as_str() {
                "equals" => Op::Eq(literal_of(operand, ty)?),
                "notequals" => Op::Ne(literal_of(operand, ty)?),
                "match" => Op::Match(pattern(text_of(operand, path)?)?),
                "contains" => Op::Contains(text_of(operand, path)?.to_owned()),
                "gt" => Op::Gt(number()?),
                "gte" => Op::Gte(number()?),
                "lt" => Op::Lt(number()?),
                "lte" => Op::Lte(number()?),
                other => return Err(format!("`{other}` is not a Search operator")),
            });
        }
        Ok(out)
    }

    fn count(&mut self) -> Result<(), String> {
        self.conditions += 1;
        if self.conditions > MAX_ARGUMENTS {
            Err(format!(
                "a query may hold at most {MAX_ARGUMENTS} conditions across its filters and predicates"
            ))
        } else {
            Ok(())
        }
    }
}

/// `base.key`, or `key` at the top.
pub(crate) fn join(base: &str, key: &str) -> String {
    if base.is_empty() {
        key.to_owned()
    } else {
        format!("{base}.{key}")
    }
}

fn text_of<'v>(value: &'v Value, path: &str) -> Result<&'v str, String> {
    match value {
        Value::String(s) => Ok(s),
        _ => Err(format!("`{path}` takes a string pattern")),
    }
}

/// A literal for a field of type `ty`. `Long` fields also take epoch numbers written as
/// strings, as Flow Designer and JavaScript send them.
pub(crate) fn literal_of(value: &Value, ty: Ty) -> Result<Lit, String> {
    Ok(match value {
        Value::Null => Lit::Null,
        Value::Boolean(b) => Lit::Bool(*b),
        Value::Number(n) => Lit::Num(n.as_f64().ok_or("not a finite number")?),
        Value::String(s) if ty.is_numeric() => match s.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Lit::Num(n),
            _ => return Err(format!("`{s}` is not a number")),
        },
        Value::String(s) => Lit::Str(s.clone()),
        Value::Enum(name) => Lit::Str(name.to_string()),
        _ => return Err("a comparison takes a single value".into()),
    })
}

/// `match`: the whole value matches the pattern (a regular expression). A pattern that only
/// fails to compile because it starts with a repetition (`+1234.+`, a phone number prefix) has
/// that character taken literally.
fn pattern(text: &str) -> Result<Regex, String> {
    let build = |p: &str| {
        regex::RegexBuilder::new(&format!("^(?:{p})$"))
            .size_limit(1 << 20)
            .build()
    };
    build(text)
        .or_else(|e| match text.chars().next() {
            Some(c @ ('+' | '*' | '?')) => build(&format!("\\{c}{}", &text[1..])),
            _ => Err(e),
        })
        .map_err(|e| format!("`{text}` is not a valid pattern: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_values_and_phone_prefixes_compile() {
        let p = pattern("+12345678.+").unwrap_or_else(|e| panic!("{e}"));
        assert!(p.is_match("+123456789"));
        assert!(!p.is_match("x+123456789"));
        assert!(
            pattern(".+")
                .unwrap_or_else(|e| panic!("{e}"))
                .is_match("Sales")
        );
        assert!(pattern("(").is_err());
    }

    #[test]
    fn long_literals_take_numeric_strings() {
        assert_eq!(
            literal_of(&Value::String("1700000000000".into()), Ty::Long),
            Ok(Lit::Num(1.7e12))
        );
        assert!(literal_of(&Value::String("soon".into()), Ty::Long).is_err());
        assert_eq!(
            literal_of(&Value::String("5".into()), Ty::String),
            Ok(Lit::Str("5".into()))
        );
    }
}
