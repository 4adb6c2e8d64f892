//! `cargo xtask spec-sync UPSTREAM`: bring the workspace's spec folder up to a new version of
//! Cisco's published spec.
//!
//! The folder keeps what is ours: descriptions, summaries, operation ids, `x-wxcc-access` and
//! `x-wxcc-scopes` marks, and which file holds what. From Cisco's document it takes facts only:
//!
//! - **Operations the folder does not have** are added, to the file that already holds their
//!   resource (by the first path word after `/organization/{orgid}` and versions) or to a new
//!   file named after it. Each gets a name derived from its method and path (the same in every
//!   version, see [`crate::normalize::Naming`]), a short summary of our own made from the method
//!   and path, a read/write class ([`crate::access`]) and the scopes its neighbours use where
//!   they are known. Cisco's descriptions, summaries and examples are never copied: responses
//!   get a plain phrase for their status, schemas and parameters none.
//! - **Operations it has** get Cisco's parameters (missing ones added; required-ness and types
//!   updated) and the required-ness of their request fields. Where one of our schemas serves a
//!   request and a response, and Cisco's request schema leaves out fields (response-only ones:
//!   ids, timestamps, links) or requires fields the response may omit, the request gets a schema
//!   of its own, `<Name>Request`, so neither side is typed with the other's rules.
//! - **Schemas** the new operations use are imported under Cisco's names, without descriptions,
//!   examples or titles; a name the folder already defines keeps the folder's schema.
//!
//! What it does not do yet, and says in its output: it never removes an operation or a field
//! Cisco dropped (the spec-diff it prints shows them), and it does not merge enum values or
//! field types inside schemas the folder already has.

mod schemas;
mod words;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::access::{self, Access, AccessRules};
use crate::diff::{self, Format};
use crate::error::{Error, Result};
use crate::load;
use crate::normalize::{METHODS, derived_name, ident_key};
use crate::paths::{self, template};

/// The `x-wxcc-origin` of operations and schemas `spec-sync` added.
pub const ORIGIN: &str = "spec-sync";

/// Options of `spec-sync`.
#[derive(Clone, Debug)]
pub struct Options {
    /// Cisco's spec (JSON or YAML).
    pub upstream: PathBuf,
    /// The folder of spec fragments to update (`specs/wxcc`).
    pub specs: PathBuf,
}

/// What a sync did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// `METHOD /path` of every operation added.
    pub added: Vec<String>,
    /// `METHOD /path: what` for every operation whose facts changed.
    pub updated: Vec<String>,
    /// Request schemas split off a shared schema: `Name → NameRequest`.
    pub split: Vec<String>,
    /// Schemas imported from Cisco's spec.
    pub imported: usize,
    /// Files written, relative to the folder.
    pub files: Vec<String>,
    /// The spec-diff of the folder before and after, as Markdown.
    pub diff: String,
}

/// One fragment file of the folder.
struct Fragment {
    /// Comment lines at the top, kept as they are.
    header: String,
    doc: Value,
    changed: bool,
}

/// The folder as files, and where each operation and schema lives.
struct Folder {
    files: BTreeMap<String, Fragment>,
    /// `(method, path template)` → (file, path as written).
    operations: BTreeMap<(String, String), (String, String)>,
    /// Schema name → file.
    schemas: BTreeMap<String, String>,
}

/// Runs the sync and writes the changed files.
///
/// # Errors
///
/// When a file cannot be read, parsed or written, or Cisco's document has no `paths`.
pub fn sync(options: &Options) -> Result<Outcome> {
    let before = load::load(&options.specs)?;
    let upstream = load::load(&options.upstream)?;
    let mut folder = Folder::read(&options.specs)?;
    let mut outcome = Outcome::default();
    let up = &upstream.doc;
    let Some(paths) = up.get("paths").and_then(Value::as_object) else {
        return Err(Error::Spec {
            path: options.upstream.clone(),
            place: "/paths".into(),
            message: "Cisco's document has no paths".into(),
        });
    };

    let taken: BTreeSet<String> = folder
        .operation_ids()
        .iter()
        .map(|i| ident_key(i))
        .collect();
    let mut taken = taken;
    let mut imports = schemas::Imports::new(up, &folder.schemas);
    let mut notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method).filter(|o| o.is_object()) else {
                continue;
            };
            let key = (method.to_owned(), template(path));
            let label = format!("{} {path}", method.to_uppercase());
            match folder.operations.get(&key).cloned() {
                Some((file, ours)) => {
                    let found = update_parameters(&mut folder, &file, &ours, method, item, op);
                    notes.entry(label).or_default().extend(found);
                }
                None => {
                    let file = folder.file_for(path);
                    let new = new_operation(
                        &folder,
                        &file,
                        method,
                        path,
                        item,
                        op,
                        &mut taken,
                        &mut imports,
                    );
                    folder.insert_operation(&file, path, method, new);
                    outcome.added.push(label);
                }
            }
        }
    }
    outcome.imported = imports.write(&mut folder);
    // Request schemas are aligned once every operation and schema is in place, so the
    // components just imported (Cisco's, often shared by a request and a response) are split
    // in the same run as ours. Splits add no response, so the set of schemas responses use
    // is read once.
    let responses = schemas::response_schemas(&folder);
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method).filter(|o| o.is_object()) else {
                continue;
            };
            let Some((file, ours)) = folder
                .operations
                .get(&(method.to_owned(), template(path)))
                .cloned()
            else {
                continue;
            };
            let label = format!("{} {path}", method.to_uppercase());
            let found = schemas::align_request(
                &mut folder,
                &file,
                &ours,
                method,
                op,
                up,
                &responses,
                &mut imports,
                &mut outcome,
            );
            if !outcome.added.contains(&label) {
                notes.entry(label).or_default().extend(found);
            }
        }
    }
    outcome.imported += imports.write(&mut folder);
    outcome.updated = notes
        .into_iter()
        .filter(|(_, n)| !n.is_empty())
        .map(|(label, n)| format!("{label}: {}", n.join("; ")))
        .collect();
    folder.ensure_tags();
    outcome.files = folder.write(&options.specs)?;
    let after = load::load(&options.specs)?;
    let diff = diff::diff_specs(&before, &after)?;
    outcome.diff = diff::render(&diff, Format::Markdown);
    Ok(outcome)
}

/// The resource a path is about: its first word after a tenant scope and versions.
fn resource(path: &str) -> (bool, String) {
    let segments = paths::segments(path);
    let scope = paths::tenant_scope(&segments);
    let word = segments[scope..]
        .iter()
        .find(|s| !s.starts_with('{') && !paths::is_version(s))
        .copied()
        .unwrap_or("root");
    (scope > 0, word.to_owned())
}

impl Folder {
    fn read(dir: &Path) -> Result<Self> {
        let mut files = BTreeMap::new();
        let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
            path: dir.into(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| Error::Read {
                path: dir.into(),
                source,
            })?;
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            let header: String = text
                .lines()
                .take_while(|l| l.starts_with('#'))
                .map(|l| format!("{l}\n"))
                .collect();
            let doc = load::parse_file(&path)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            files.insert(
                name,
                Fragment {
                    header,
                    doc,
                    changed: false,
                },
            );
        }
        let mut folder = Folder {
            files,
            operations: BTreeMap::new(),
            schemas: BTreeMap::new(),
        };
        folder.index();
        Ok(folder)
    }

    fn index(&mut self) {
        self.operations.clear();
        self.schemas.clear();
        for (name, fragment) in &self.files {
            if let Some(paths) = fragment.doc.get("paths").and_then(Value::as_object) {
                for (path, item) in paths {
                    for method in METHODS {
                        if item.get(method).is_some() {
                            self.operations.insert(
                                (method.to_owned(), template(path)),
                                (name.clone(), path.clone()),
                            );
                        }
                    }
                }
            }
            if let Some(schemas) = fragment
                .doc
                .pointer("/components/schemas")
                .and_then(Value::as_object)
            {
                for schema in schemas.keys() {
                    self.schemas.insert(schema.clone(), name.clone());
                }
            }
        }
    }

    fn operation_ids(&self) -> Vec<String> {
        let mut ids = Vec::new();
        for fragment in self.files.values() {
            if let Some(paths) = fragment.doc.get("paths").and_then(Value::as_object) {
                for item in paths.values() {
                    for method in METHODS {
                        if let Some(id) = item
                            .get(method)
                            .and_then(|o| o.get("operationId"))
                            .and_then(Value::as_str)
                        {
                            ids.push(id.to_owned());
                        }
                    }
                }
            }
        }
        ids
    }

    /// The file that holds (or will hold) operations on `path`'s resource.
    fn file_for(&self, path: &str) -> String {
        let (scoped, word) = resource(path);
        for ((_, other), (file, _)) in &self.operations {
            if resource(other) == (scoped, word.clone()) {
                return file.clone();
            }
        }
        let stem = words::kebab(&word);
        if scoped {
            format!("config-{stem}.yaml")
        } else {
            format!("{stem}.yaml")
        }
    }

    fn fragment(&mut self, file: &str) -> &mut Fragment {
        self.files.entry(file.to_owned()).or_insert_with(|| Fragment {
            header: format!(
                "# WxCC OpenAPI part (see specs/README.md): operations on `{}`, added by `cargo xtask spec-sync`.\n\
                 # Paths, parameters, field names, types and enum values follow Cisco's published spec;\n\
                 # summaries and operation ids are our own; Cisco's descriptions are not copied.\n",
                file.trim_end_matches(".yaml").trim_start_matches("config-")
            ),
            doc: json!({}),
            changed: true,
        })
    }

    fn insert_operation(&mut self, file: &str, path: &str, method: &str, op: Value) {
        let fragment = self.fragment(file);
        fragment.changed = true;
        let Some(doc) = fragment.doc.as_object_mut() else {
            return;
        };
        let paths = doc.entry("paths").or_insert_with(|| json!({}));
        if let Some(paths) = paths.as_object_mut() {
            let item = paths.entry(path).or_insert_with(|| json!({}));
            if let Some(item) = item.as_object_mut() {
                item.insert(method.to_owned(), op);
            }
        }
        self.operations.insert(
            (method.to_owned(), template(path)),
            (file.to_owned(), path.to_owned()),
        );
    }

    /// The tag and scopes of the first operation in `file` with the given access, if any.
    fn neighbour(&self, file: &str, write: bool) -> Option<(Value, Value)> {
        let paths = self.files.get(file)?.doc.get("paths")?.as_object()?;
        for item in paths.values() {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let op_write = op.get("x-wxcc-access").and_then(Value::as_str) != Some("read");
                if op_write == write {
                    return Some((
                        op.get("tags").cloned().unwrap_or(Value::Null),
                        op.get("x-wxcc-scopes").cloned().unwrap_or(Value::Null),
                    ));
                }
            }
        }
        None
    }

    /// Adds a tag entry to `openapi.yaml` for every tag an operation uses and none declares.
    fn ensure_tags(&mut self) {
        let mut used = BTreeSet::new();
        for fragment in self.files.values() {
            if let Some(paths) = fragment.doc.get("paths").and_then(Value::as_object) {
                for item in paths.values() {
                    for method in METHODS {
                        if let Some(tags) = item
                            .get(method)
                            .and_then(|o| o.get("tags"))
                            .and_then(Value::as_array)
                        {
                            used.extend(tags.iter().filter_map(Value::as_str).map(str::to_owned));
                        }
                    }
                }
            }
        }
        let Some(root) = self.files.get_mut("openapi.yaml") else {
            return;
        };
        let Some(doc) = root.doc.as_object_mut() else {
            return;
        };
        let tags = doc.entry("tags").or_insert_with(|| json!([]));
        let Some(tags) = tags.as_array_mut() else {
            return;
        };
        let declared: BTreeSet<String> = tags
            .iter()
            .filter_map(|t| t.get("name").and_then(Value::as_str).map(str::to_owned))
            .collect();
        for tag in used.difference(&declared) {
            tags.push(json!({
                "name": tag,
                "description": format!("Operations under `{tag}`, added from Cisco's published spec by `cargo xtask spec-sync`; not yet described here."),
            }));
            root.changed = true;
        }
    }

    /// Writes the changed files; returns their names.
    fn write(&self, dir: &Path) -> Result<Vec<String>> {
        let mut written = Vec::new();
        for (name, fragment) in &self.files {
            if !fragment.changed {
                continue;
            }
            let body = serde_yaml_ng::to_string(&fragment.doc).map_err(|e| Error::Spec {
                path: dir.join(name),
                place: "/".into(),
                message: format!("cannot write YAML: {e}"),
            })?;
            let path = dir.join(name);
            // Written beside the target and renamed over it, so an interrupted sync never
            // leaves half a file.
            let temp = dir.join(format!(".{name}.tmp"));
            std::fs::write(&temp, format!("{}{body}", fragment.header)).map_err(|source| {
                Error::Write {
                    path: temp.clone(),
                    source,
                }
            })?;
            std::fs::rename(&temp, &path).map_err(|source| Error::Write {
                path: path.clone(),
                source,
            })?;
            written.push(name.clone());
        }
        Ok(written)
    }
}

/// Cisco's parameters of an operation: the path item's, then the operation's (which win).
fn upstream_parameters(item: &Value, op: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for list in [item.get("parameters"), op.get("parameters")]
        .into_iter()
        .flatten()
    {
        for p in list.as_array().into_iter().flatten() {
            let key = (p.get("name").cloned(), p.get("in").cloned());
            out.retain(|q| (q.get("name").cloned(), q.get("in").cloned()) != key);
            out.push(p.clone());
        }
    }
    out
}

/// A parameter with facts only.
fn parameter_facts(p: &Value) -> Value {
    let mut out = Map::new();
    for key in [
        "name",
        "in",
        "required",
        "style",
        "explode",
        "deprecated",
        "allowEmptyValue",
    ] {
        if let Some(v) = p.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    if p.get("in").and_then(Value::as_str) == Some("path") {
        out.insert("required".into(), Value::Bool(true));
    }
    out.insert(
        "schema".into(),
        p.get("schema")
            .map(schemas::strip)
            .unwrap_or_else(|| json!({"type": "string"})),
    );
    Value::Object(out)
}

#[allow(clippy::too_many_arguments)]
fn new_operation(
    folder: &Folder,
    file: &str,
    method: &str,
    path: &str,
    item: &Value,
    op: &Value,
    taken: &mut BTreeSet<String>,
    imports: &mut schemas::Imports<'_>,
) -> Value {
    let mark = None;
    let (access, _) = access::classify(&AccessRules::default(), mark, method, path);
    let write = access == Access::Write;
    let mut id = derived_name(method, path, false);
    if !taken.insert(ident_key(&id)) {
        id = derived_name(method, path, true);
        taken.insert(ident_key(&id));
    }
    let (scoped, word) = resource(path);
    let (tag, scopes) = match folder.neighbour(file, write) {
        Some(found) => found,
        // Configuration paths: Cisco's spec names no scopes; its samples and guides use
        // `cjp:config` with `_read` or `_write` (../shared/reference/wxcc-api.md, "Scopes per
        // API group"), as the configuration files we wrote do.
        None if scoped => (
            json!(["config"]),
            if write {
                json!(["cjp:config", "cjp:config_write"])
            } else {
                json!(["cjp:config", "cjp:config_read"])
            },
        ),
        // Cisco's spec names no scopes for these; an empty list says "not known" rather than
        // a guess.
        None => (json!([words::kebab(&word)]), json!([])),
    };
    let mut out = Map::new();
    out.insert("operationId".into(), Value::String(id));
    if !tag.is_null() {
        out.insert("tags".into(), tag);
    }
    out.insert(
        "summary".into(),
        Value::String(words::summary(method, path)),
    );
    if op.get("deprecated") == Some(&Value::Bool(true)) {
        out.insert("deprecated".into(), Value::Bool(true));
    }
    out.insert(
        "x-wxcc-access".into(),
        Value::String(if write { "write" } else { "read" }.into()),
    );
    out.insert(
        "x-wxcc-scopes".into(),
        if scopes.is_null() { json!([]) } else { scopes },
    );
    // Says that a person has not described it yet, and lets tests tell Cisco's structure
    // (which the normalizer still fixes) from the files this project wrote by hand.
    out.insert("x-wxcc-origin".into(), Value::String(ORIGIN.into()));
    let params: Vec<Value> = upstream_parameters(item, op)
        .iter()
        .map(parameter_facts)
        .collect();
    if !params.is_empty() {
        out.insert("parameters".into(), Value::Array(params));
    }
    if let Some(body) = op.get("requestBody") {
        out.insert("requestBody".into(), content_facts(body, imports, file));
    }
    let mut responses = Map::new();
    if let Some(list) = op.get("responses").and_then(Value::as_object) {
        for (status, response) in list {
            let mut r = content_facts(response, imports, file);
            if let Some(map) = r.as_object_mut() {
                map.insert(
                    "description".into(),
                    Value::String(words::status_phrase(status)),
                );
                map.remove("required");
            }
            responses.insert(status.clone(), r);
        }
    }
    if responses.is_empty() {
        responses.insert("default".into(), json!({"description": "The response."}));
    }
    out.insert("responses".into(), Value::Object(responses));
    Value::Object(out)
}

/// A request body or response with its media types and stripped schemas; records the
/// components they use for import into `file`.
fn content_facts(body: &Value, imports: &mut schemas::Imports<'_>, file: &str) -> Value {
    let mut out = Map::new();
    if let Some(required) = body.get("required") {
        out.insert("required".into(), required.clone());
    }
    if let Some(content) = body.get("content").and_then(Value::as_object) {
        // One media type per body, as every file of ours has it: JSON where the server offers
        // it under any of its names (`*/*` and `hal+json` carry the same document), else the
        // first one offered.
        let json_like =
            |kind: &str| kind == "application/json" || kind == "*/*" || kind.ends_with("+json");
        let chosen = content
            .iter()
            .find(|(kind, _)| json_like(kind))
            .map(|(_, entry)| ("application/json".to_owned(), entry))
            .or_else(|| {
                content
                    .iter()
                    .next()
                    .map(|(kind, entry)| (kind.clone(), entry))
            });
        let mut media = Map::new();
        if let Some((kind, entry)) = chosen {
            let mut e = Map::new();
            if let Some(schema) = entry.get("schema") {
                let schema = schemas::strip(schema);
                imports.need(&schema, file);
                e.insert("schema".into(), schema);
            }
            media.insert(kind, Value::Object(e));
        }
        out.insert("content".into(), Value::Object(media));
    }
    Value::Object(out)
}

/// Takes over Cisco's parameters of an operation the folder has; returns notes.
fn update_parameters(
    folder: &mut Folder,
    file: &str,
    ours_path: &str,
    method: &str,
    item: &Value,
    op: &Value,
) -> Vec<String> {
    let mut notes = Vec::new();
    let upstream = upstream_parameters(item, op);
    {
        let fragment = folder.fragment(file);
        let Some(ours) = fragment
            .doc
            .get_mut("paths")
            .and_then(|p| p.get_mut(ours_path))
            .and_then(|i| i.get_mut(method))
            .and_then(Value::as_object_mut)
        else {
            return notes;
        };
        let list = ours.entry("parameters").or_insert_with(|| json!([]));
        if let Some(list) = list.as_array_mut() {
            for p in &upstream {
                // An object-typed query parameter is a server framework's form binding that
                // leaked into the spec (`teamDTO` beside the JSON body); it cannot be sent as a
                // query string, so it is not taken over.
                let schema = p.get("schema");
                if schema.is_some_and(|s| {
                    s.get("$ref").is_some() || s.get("type") == Some(&json!("object"))
                }) {
                    continue;
                }
                let facts = parameter_facts(p);
                let name = facts
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let place = facts.get("in").and_then(Value::as_str).unwrap_or_default();
                let found = list.iter_mut().find(|q| {
                    q.get("in").and_then(Value::as_str) == Some(place)
                        && q.get("name").and_then(Value::as_str).map(ident_key)
                            == Some(ident_key(name))
                });
                match found {
                    None => {
                        notes.push(format!("parameter `{name}` added"));
                        list.push(facts);
                    }
                    Some(q) => {
                        let want = facts.get("required").cloned().unwrap_or(Value::Bool(false));
                        let have = q.get("required").cloned().unwrap_or(Value::Bool(false));
                        if want != have {
                            notes.push(format!("parameter `{name}` required: {want}"));
                            q["required"] = want;
                        }
                        if let (Some(ours), Some(theirs)) =
                            (q.get_mut("schema"), facts.get("schema"))
                            && schemas::update_facts(ours, theirs)
                        {
                            notes.push(format!("parameter `{name}` type"));
                        }
                    }
                }
            }
            if list.is_empty() {
                ours.remove("parameters");
            }
        }
        if !notes.is_empty() {
            fragment.changed = true;
        }
    }
    notes
}

/// `cargo xtask spec-sync`'s report: what was added and changed, then the spec-diff.
pub fn report(outcome: &Outcome) -> String {
    let mut out = format!(
        "spec-sync: {} operations added, {} updated, {} request schemas split, {} schemas imported; files written: {}\n",
        outcome.added.len(),
        outcome.updated.len(),
        outcome.split.len(),
        outcome.imported,
        if outcome.files.is_empty() {
            "none".to_owned()
        } else {
            outcome.files.join(", ")
        }
    );
    for line in &outcome.updated {
        out.push_str(&format!("  updated {line}\n"));
    }
    for line in &outcome.split {
        out.push_str(&format!("  split {line}\n"));
    }
    out.push_str(
        "  not done by spec-sync: operations and fields Cisco removed stay (see the diff), and enum \
         values and field types inside schemas the folder already has are not merged.\n\n",
    );
    out.push_str(&outcome.diff);
    out
}
