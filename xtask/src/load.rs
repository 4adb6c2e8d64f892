//! Reading spec files: one JSON or YAML file, or a folder of YAML fragments merged into one
//! document, remembering which file defined what so later errors can name it.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// A loaded OpenAPI document and where its parts came from.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file or folder it was loaded from.
    pub origin: PathBuf,
    /// The (merged) document.
    pub doc: Value,
    sources: Vec<(String, PathBuf)>,
}

impl Spec {
    /// A spec from an in-memory document, as if read from `origin`.
    pub fn from_value(origin: impl Into<PathBuf>, doc: Value) -> Self {
        let origin = origin.into();
        Self {
            sources: vec![(String::new(), origin.clone())],
            origin,
            doc,
        }
    }

    /// The file that defined the part of the document at `pointer` (a JSON pointer).
    pub fn file_of(&self, pointer: &str) -> &Path {
        file_of(&self.sources, pointer).unwrap_or(self.origin.as_path())
    }
}

fn file_of<'a>(sources: &'a [(String, PathBuf)], pointer: &str) -> Option<&'a Path> {
    sources
        .iter()
        .filter(|(prefix, _)| {
            pointer == prefix
                || prefix.is_empty()
                || pointer
                    .strip_prefix(prefix.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, path)| path.as_path())
}

impl Spec {
    /// An error about the part of the document at `pointer`.
    pub fn error_at(&self, pointer: &str, message: impl Into<String>) -> Error {
        Error::Spec {
            path: self.file_of(pointer).to_path_buf(),
            place: if pointer.is_empty() {
                "document root".into()
            } else {
                pointer.into()
            },
            message: message.into(),
        }
    }
}

/// Loads a spec file, or merges every `*.yaml`, `*.yml` and `*.json` file of a folder in file
/// name order.
pub fn load(path: &Path) -> Result<Spec> {
    let meta = std::fs::metadata(path).map_err(|source| Error::Read {
        path: path.into(),
        source,
    })?;
    if !meta.is_dir() {
        return Ok(Spec::from_value(path, parse_file(path)?));
    }
    let mut files = Vec::new();
    let entries = std::fs::read_dir(path).map_err(|source| Error::Read {
        path: path.into(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| Error::Read {
            path: path.into(),
            source,
        })?;
        let file = entry.path();
        let is_spec = file
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"));
        if is_spec && file.is_file() {
            files.push(file);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(Error::Spec {
            path: path.into(),
            place: "folder".into(),
            message: "no *.yaml, *.yml or *.json spec files in this folder".into(),
        });
    }
    let mut merged = Merged::default();
    for file in files {
        let part = parse_file(&file)?;
        merged.add(part, &file)?;
    }
    Ok(Spec {
        origin: path.into(),
        doc: Value::Object(merged.root),
        sources: merged.sources,
    })
}

/// Parses one file as JSON (`.json`) or YAML (anything else; YAML is a superset of JSON).
pub fn parse_file(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.into(),
        source,
    })?;
    let is_json = path.extension().and_then(|e| e.to_str()) == Some("json");
    if is_json {
        parse_json(path, &text)
    } else {
        parse_yaml(path, &text)
    }
}

/// Parses JSON text read from `path`.
pub fn parse_json(path: &Path, text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| Error::Syntax {
        path: path.into(),
        format: "JSON",
        line: Some(e.line()),
        column: Some(e.column()),
        message: e.to_string(),
    })
}

/// Parses YAML text read from `path`. Mapping keys that YAML reads as numbers or booleans
/// (response codes such as `200:`) become strings, as OpenAPI means them.
pub fn parse_yaml(path: &Path, text: &str) -> Result<Value> {
    let syntax = |e: serde_yaml_ng::Error| {
        let location = e.location();
        Error::Syntax {
            path: path.into(),
            format: "YAML",
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
            message: e.to_string(),
        }
    };
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(syntax)?;
    yaml_to_json(yaml).map_err(|message| Error::Syntax {
        path: path.into(),
        format: "YAML",
        line: None,
        column: None,
        message,
    })
}

fn yaml_to_json(value: serde_yaml_ng::Value) -> Result<Value, String> {
    use serde_yaml_ng::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| format!("the number {n} has no JSON form"))?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(yaml_to_json)
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => return Err(format!("unsupported mapping key {other:?}")),
                };
                out.insert(key, yaml_to_json(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value)?,
    })
}

/// Escapes one JSON pointer segment.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Reads one JSON pointer segment back: the inverse of [`escape`].
pub fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// A document being assembled from fragments.
#[derive(Default)]
struct Merged {
    root: Map<String, Value>,
    sources: Vec<(String, PathBuf)>,
}

impl Merged {
    fn first_file(&self, pointer: &str) -> PathBuf {
        file_of(&self.sources, pointer)
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    fn add(&mut self, part: Value, file: &Path) -> Result<()> {
        let Value::Object(part) = part else {
            return Err(Error::Spec {
                path: file.into(),
                place: "document root".into(),
                message: "a spec fragment must be a mapping (paths:, components:, ...)".into(),
            });
        };
        for (key, value) in part {
            match key.as_str() {
                "paths" | "components" => self.add_two_levels(file, &key, value)?,
                "tags" => {
                    let Value::Array(tags) = value else {
                        return Err(Error::Spec {
                            path: file.into(),
                            place: "/tags".into(),
                            message: "`tags` must be a list".into(),
                        });
                    };
                    if let Value::Array(list) = self
                        .root
                        .entry("tags")
                        .or_insert_with(|| Value::Array(Vec::new()))
                    {
                        list.extend(tags);
                    }
                }
                _ => {
                    let pointer = format!("/{}", escape(&key));
                    if self.root.contains_key(&key) {
                        return Err(Error::Conflict {
                            what: format!("top-level `{key}`"),
                            first: self.first_file(&pointer),
                            second: file.into(),
                        });
                    }
                    self.root.insert(key, value);
                    self.sources.push((pointer, file.into()));
                }
            }
        }
        Ok(())
    }

    /// Merges `paths` (path, then method) and `components` (section, then name) entry by entry.
    fn add_two_levels(&mut self, file: &Path, top: &str, value: Value) -> Result<()> {
        let not_a_mapping = |place: String| Error::Spec {
            path: file.into(),
            place,
            message: "must be a mapping".into(),
        };
        let Value::Object(groups) = value else {
            return Err(not_a_mapping(format!("/{top}")));
        };
        for (group, entries) in groups {
            let group_pointer = format!("/{top}/{}", escape(&group));
            let Value::Object(entries) = entries else {
                return Err(not_a_mapping(group_pointer));
            };
            for (name, entry) in entries {
                let pointer = format!("{group_pointer}/{}", escape(&name));
                let Some(target) = self
                    .root
                    .entry(top)
                    .or_insert_with(|| Value::Object(Map::new()))
                    .as_object_mut()
                    .and_then(|m| {
                        m.entry(group.clone())
                            .or_insert_with(|| Value::Object(Map::new()))
                            .as_object_mut()
                    })
                else {
                    return Err(not_a_mapping(group_pointer));
                };
                if target.contains_key(&name) {
                    let what = if top == "paths" {
                        format!("`{} {group}`", name.to_uppercase())
                    } else {
                        format!("`components.{group}.{name}`")
                    };
                    return Err(Error::Conflict {
                        what,
                        first: self.first_file(&pointer),
                        second: file.into(),
                    });
                }
                target.insert(name, entry);
                self.sources.push((pointer, file.into()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    fn tempdir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-load-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn fragments_merge_and_remember_their_files() {
        let dir = tempdir("merge");
        write(
            &dir,
            "a.yaml",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get: {responses: {200: {description: ok}}}\n",
        );
        write(
            &dir,
            "b.yaml",
            "paths:\n  /x:\n    post: {responses: {'204': {description: ok}}}\ncomponents:\n  schemas:\n    S: {type: string}\n",
        );
        let spec = load(&dir).unwrap();
        assert!(
            spec.doc.pointer("/paths/~1x/get/responses/200").is_some(),
            "numeric YAML keys become strings"
        );
        assert!(spec.doc.pointer("/paths/~1x/post").is_some());
        assert_eq!(
            spec.file_of("/paths/~1x/post/responses"),
            dir.join("b.yaml")
        );
        assert_eq!(spec.file_of("/paths/~1x/get"), dir.join("a.yaml"));
        assert_eq!(
            spec.file_of("/components/schemas/S/type"),
            dir.join("b.yaml")
        );
        assert_eq!(spec.file_of("/info/title"), dir.join("a.yaml"));
    }

    #[test]
    fn a_second_definition_names_both_files() {
        let dir = tempdir("conflict");
        write(
            &dir,
            "a.yaml",
            "components:\n  schemas:\n    S: {type: string}\n",
        );
        write(
            &dir,
            "b.yaml",
            "components:\n  schemas:\n    S: {type: integer}\n",
        );
        let message = load(&dir).unwrap_err().to_string();
        assert!(message.contains("components.schemas.S"), "{message}");
        assert!(
            message.contains("a.yaml") && message.contains("b.yaml"),
            "{message}"
        );
    }

    #[test]
    fn syntax_errors_name_file_line_and_column() {
        let dir = tempdir("syntax");
        write(&dir, "bad.yaml", "paths:\n  /x: [unclosed\n");
        let message = load(&dir.join("bad.yaml")).unwrap_err().to_string();
        assert!(message.contains("bad.yaml:"), "{message}");
        assert!(message.contains("not valid YAML"), "{message}");
        write(&dir, "bad.json", "{\"openapi\": }");
        let message = load(&dir.join("bad.json")).unwrap_err().to_string();
        assert!(message.contains("bad.json:1:"), "{message}");
        assert!(message.contains("not valid JSON"), "{message}");
    }
}
