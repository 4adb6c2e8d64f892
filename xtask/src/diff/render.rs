//! The diff as Markdown (for a changelog) or JSON (for tools). Both are deterministic: the same
//! two specs always give the same bytes.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{Change, Effect, OperationDiff, SchemaDiff, SpecDiff, Status};

/// Output format of `spec-diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Sections Breaking and Non-breaking, counts at the top.
    Markdown,
    /// One object: summary, operations, schemas.
    Json,
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "markdown" | "md" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            other => Err(format!(
                "unknown format `{other}`; expected `markdown` or `json`"
            )),
        }
    }
}

/// Renders the diff.
pub fn render(diff: &SpecDiff, format: Format) -> String {
    match format {
        Format::Markdown => markdown(diff),
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&json_value(diff)).unwrap_or_default();
            text.push('\n');
            text
        }
    }
}

fn markdown(diff: &SpecDiff) -> String {
    let s = &diff.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# API changes from `{}` to `{}`\n",
        file_name(&diff.old),
        file_name(&diff.new)
    );
    let _ = writeln!(
        out,
        "- Operations: {} → {} ({} added, {} removed, {} changed; {} with breaking changes)",
        s.old_operations, s.new_operations, s.added, s.removed, s.changed, s.breaking_operations
    );
    let _ = writeln!(
        out,
        "- Changes: {} breaking, {} non-breaking",
        s.breaking_changes, s.non_breaking_changes
    );
    let _ = writeln!(
        out,
        "- Component schemas: {} added, {} removed, {} changed",
        s.schemas_added, s.schemas_removed, s.schemas_changed
    );
    if s.old_skipped + s.new_skipped > 0 {
        let _ = writeln!(
            out,
            "- Not compared: operations codegen leaves out ({} old, {} new)",
            s.old_skipped, s.new_skipped
        );
    }
    for breaking in [true, false] {
        section(&mut out, diff, breaking);
    }
    out
}

fn section(out: &mut String, diff: &SpecDiff, breaking: bool) {
    let _ = writeln!(
        out,
        "\n## {}\n",
        if breaking { "Breaking" } else { "Non-breaking" }
    );
    let whole = if breaking {
        Status::Removed
    } else {
        Status::Added
    };
    let whole_ops: Vec<&OperationDiff> = diff
        .operations
        .iter()
        .filter(|o| o.status == whole)
        .collect();
    let changed_ops: Vec<(&OperationDiff, Vec<&Change>)> = diff
        .operations
        .iter()
        .filter(|o| o.status == Status::Changed)
        .map(|o| {
            (
                o,
                o.changes
                    .iter()
                    .filter(|c| c.breaking == breaking)
                    .collect(),
            )
        })
        .filter(|(_, c): &(_, Vec<_>)| !c.is_empty())
        .collect();
    let whole_schemas: Vec<&SchemaDiff> =
        diff.schemas.iter().filter(|s| s.status == whole).collect();
    let changed_schemas: Vec<(&SchemaDiff, Vec<&Change>)> = diff
        .schemas
        .iter()
        .filter(|s| s.status == Status::Changed)
        .map(|s| {
            (
                s,
                s.changes
                    .iter()
                    .filter(|c| c.breaking == breaking)
                    .collect(),
            )
        })
        .filter(|(_, c): &(_, Vec<_>)| !c.is_empty())
        .collect();
    if whole_ops.is_empty()
        && changed_ops.is_empty()
        && whole_schemas.is_empty()
        && changed_schemas.is_empty()
    {
        out.push_str("None.\n");
        return;
    }
    if !whole_ops.is_empty() {
        let title = if breaking {
            "Removed operations"
        } else {
            "Added operations"
        };
        let _ = writeln!(out, "### {title}\n");
        for op in whole_ops {
            let _ = writeln!(out, "- {}", operation_title(op));
        }
        out.push('\n');
    }
    if !changed_ops.is_empty() {
        let _ = writeln!(out, "### Changed operations\n");
        for (op, changes) in changed_ops {
            let _ = writeln!(out, "#### {}\n", operation_title(op));
            for change in changes {
                let _ = writeln!(out, "- {}", change_line(change, true));
            }
            out.push('\n');
        }
    }
    if !whole_schemas.is_empty() || !changed_schemas.is_empty() {
        let _ = writeln!(out, "### Component schemas\n");
        for schema in whole_schemas {
            let what = if breaking { "removed" } else { "added" };
            let _ = writeln!(out, "- `{}`: schema {what}", schema.name);
        }
        for (schema, changes) in changed_schemas {
            for change in changes {
                let field = if change.field.is_empty() {
                    format!("`{}`", schema.name)
                } else {
                    format!("`{}.{}`", schema.name, change.field)
                };
                let _ = writeln!(
                    out,
                    "- {field}: {}{}",
                    change.detail,
                    effect_suffix(change.effect)
                );
            }
        }
        out.push('\n');
    }
}

fn operation_title(op: &OperationDiff) -> String {
    format!("`{} {}` (`{}`)", op.method, op.path, op.rust_name)
}

/// `request body `items[].name` (in `Item`): property removed`.
fn change_line(change: &Change, with_at: bool) -> String {
    let mut line = String::new();
    if with_at {
        line.push_str(&change.at);
    }
    if !change.field.is_empty() {
        let _ = write!(line, " `{}`", change.field);
    }
    if let Some(schema) = &change.schema {
        let _ = write!(line, " (in `{schema}`)");
    }
    let _ = write!(line, ": {}", change.detail);
    line.push_str(effect_suffix(change.effect));
    line.trim_start().to_owned()
}

/// How a breaking change shows, after its detail.
fn effect_suffix(effect: Effect) -> &'static str {
    match effect {
        Effect::None => "",
        Effect::Runtime => " (fails at run time)",
        Effect::Compile => " (compile error)",
    }
}

fn file_name(origin: &str) -> &str {
    origin.rsplit(['/', '\\']).next().unwrap_or(origin)
}

fn json_value(diff: &SpecDiff) -> Value {
    let s = &diff.summary;
    json!({
        "old": diff.old,
        "new": diff.new,
        "summary": {
            "old_operations": s.old_operations,
            "new_operations": s.new_operations,
            "old_skipped": s.old_skipped,
            "new_skipped": s.new_skipped,
            "added": s.added,
            "removed": s.removed,
            "changed": s.changed,
            "breaking_operations": s.breaking_operations,
            "breaking_changes": s.breaking_changes,
            "non_breaking_changes": s.non_breaking_changes,
            "schemas_added": s.schemas_added,
            "schemas_removed": s.schemas_removed,
            "schemas_changed": s.schemas_changed,
        },
        "operations": diff.operations.iter().map(|o| json!({
            "method": o.method,
            "path": o.path,
            "operation_id": o.operation_id,
            "rust_name": o.rust_name,
            "status": o.status.name(),
            "breaking": o.breaking(),
            "changes": o.changes.iter().map(change_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "schemas": diff.schemas.iter().map(|s| json!({
            "name": s.name,
            "status": s.status.name(),
            "side": s.side.name(),
            "breaking": s.breaking(),
            "changes": s.changes.iter().map(change_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn change_json(change: &Change) -> Value {
    json!({
        "kind": change.kind.tag(),
        "breaking": change.breaking,
        "effect": change.effect.name(),
        "side": change.side.name(),
        "at": change.at,
        "field": change.field,
        "schema": change.schema,
        "detail": change.detail,
    })
}
