//! Whether an operation reads or writes, for the operation table the signer checks.
//!
//! A read-only token source refuses writes before they are sent, so every operation must be
//! classified. A spec can say it with `x-wxcc-access: read|write` (this workspace's specs do);
//! without it the HTTP method decides, which is wrong for the POSTs that only read: GraphQL
//! Search and the captures query among them. [`AccessRules`] fill that gap: a maintained table
//! of Cisco's known ones ([`AccessRules::cisco`]) and a file of the user's own
//! (`codegen --access FILE`), in the same format:
//!
//! ```text
//! # comment
//! read POST /search
//! write GET /v1/odd/{id}/trigger
//! ```
//!
//! Parameter names in paths do not matter (`{orgid}` matches `{orgId}`), so a rule survives a
//! spec update that renames one.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::paths::template;

/// Read or write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Reads only; allowed with a read-only token.
    Read,
    /// Changes something.
    Write,
}

/// Where an operation's classification came from, for the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The user's `--access` file.
    Override,
    /// The spec's `x-wxcc-access`.
    Spec,
    /// The maintained table of Cisco's read-only POSTs.
    KnownReads,
    /// The HTTP method (GET, HEAD and OPTIONS read).
    Method,
}

/// One `access METHOD PATH` line.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Rule {
    access: Access,
    method: String,
    path: String,
}

/// A list of classifications, matched by method and path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccessRules {
    rules: Vec<Rule>,
}

const CISCO_READS: &str = include_str!("access/cisco-reads.txt");

impl AccessRules {
    /// The maintained table of operations in Cisco's WxCC spec that use POST but only read.
    pub fn cisco() -> Self {
        // The table is part of this crate and parsed by a test, so this cannot fail at runtime;
        // an empty table is still a safe answer (those POSTs stay writes).
        Self::parse(CISCO_READS, Path::new("xtask/src/access/cisco-reads.txt")).unwrap_or_default()
    }

    /// Reads rules from a file.
    ///
    /// # Errors
    ///
    /// When the file cannot be read or a line is not `read|write METHOD /path`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.into(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses rules; `origin` names the file in errors.
    ///
    /// # Errors
    ///
    /// [`Error::Spec`] naming the line that is not `read|write METHOD /path`.
    pub fn parse(text: &str, origin: &Path) -> Result<Self> {
        let mut rules = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            let bad = |what: &str| Error::Spec {
                path: PathBuf::from(origin),
                place: format!("line {}", n + 1),
                message: format!(
                    "{what}; write `read METHOD /path` or `write METHOD /path`, as in `read POST /search`"
                ),
            };
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [access, method, path] = fields[..] else {
                return Err(bad("expected three fields"));
            };
            let access = match access {
                "read" => Access::Read,
                "write" => Access::Write,
                other => return Err(bad(&format!("`{other}` is neither `read` nor `write`"))),
            };
            let method = method.to_ascii_lowercase();
            if !crate::normalize::METHODS.contains(&method.as_str()) {
                return Err(bad(&format!("`{method}` is not an HTTP method")));
            }
            if !path.starts_with('/') {
                return Err(bad(&format!("`{path}` does not start with `/`")));
            }
            rules.push(Rule {
                access,
                method,
                path: template(path),
            });
        }
        Ok(Self { rules })
    }

    /// Adds `other`'s rules after these; the earlier rule wins where both match.
    #[must_use]
    pub fn then(mut self, other: AccessRules) -> Self {
        self.rules.extend(other.rules);
        self
    }

    /// The classification of `method path`, if a rule names it.
    pub fn get(&self, method: &str, path: &str) -> Option<Access> {
        let path = template(path);
        self.rules
            .iter()
            .find(|r| r.method.eq_ignore_ascii_case(method) && r.path == path)
            .map(|r| r.access)
    }

    /// How many rules there are.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// Classifies one operation: the user's rules, then the spec's mark, then Cisco's table, then
/// the method.
pub fn classify(
    overrides: &AccessRules,
    mark: Option<&str>,
    method: &str,
    path: &str,
) -> (Access, Basis) {
    if let Some(access) = overrides.get(method, path) {
        return (access, Basis::Override);
    }
    match mark {
        Some("read") => return (Access::Read, Basis::Spec),
        Some(_) => return (Access::Write, Basis::Spec),
        None => {}
    }
    if let Some(access) = known().get(method, path) {
        return (access, Basis::KnownReads);
    }
    let read = matches!(
        method.to_ascii_lowercase().as_str(),
        "get" | "head" | "options"
    );
    (
        if read { Access::Read } else { Access::Write },
        Basis::Method,
    )
}

fn known() -> &'static AccessRules {
    static KNOWN: std::sync::OnceLock<AccessRules> = std::sync::OnceLock::new();
    KNOWN.get_or_init(AccessRules::cisco)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_maintained_table_parses_and_names_searches_and_the_captures_query() {
        let table = AccessRules::parse(CISCO_READS, Path::new("cisco-reads.txt")).unwrap();
        assert!(table.len() >= 10, "{}", table.len());
        assert_eq!(AccessRules::cisco(), table);
        assert_eq!(table.get("POST", "/search"), Some(Access::Read));
        assert_eq!(table.get("post", "/v1/captures/query"), Some(Access::Read));
        assert_eq!(
            table.get(
                "POST",
                "/organization/{orgId}/user/fetch-user-details-by-ids"
            ),
            Some(Access::Read),
            "parameter names do not matter"
        );
        assert_eq!(table.get("POST", "/v1/tasks"), None);
    }

    #[test]
    fn user_rules_come_first_then_the_spec_then_the_table_then_the_method() {
        let user = AccessRules::parse(
            "write POST /search # our gateway logs\nread PUT /x/{id}",
            Path::new("a.txt"),
        )
        .unwrap();
        let none = AccessRules::default();
        assert_eq!(
            classify(&user, None, "post", "/search"),
            (Access::Write, Basis::Override)
        );
        assert_eq!(
            classify(&user, Some("write"), "put", "/x/{y}"),
            (Access::Read, Basis::Override)
        );
        assert_eq!(
            classify(&none, Some("write"), "post", "/search"),
            (Access::Write, Basis::Spec)
        );
        assert_eq!(
            classify(&none, None, "post", "/search"),
            (Access::Read, Basis::KnownReads)
        );
        assert_eq!(
            classify(&none, None, "post", "/v1/tasks"),
            (Access::Write, Basis::Method)
        );
        assert_eq!(
            classify(&none, None, "get", "/v1/tasks"),
            (Access::Read, Basis::Method)
        );
    }

    #[test]
    fn a_bad_line_is_refused_with_its_number_and_what_to_write() {
        for (text, what) in [
            ("read POST", "three fields"),
            ("maybe POST /a", "neither"),
            ("read FETCH /a", "HTTP method"),
            ("read POST a", "start with"),
        ] {
            let error = AccessRules::parse(&format!("# c\n\n{text}"), Path::new("rules.txt"))
                .unwrap_err()
                .to_string();
            assert!(error.contains("rules.txt: line 3"), "{error}");
            assert!(error.contains(what), "{error}");
            assert!(error.contains("read POST /search"), "{error}");
        }
    }
}
