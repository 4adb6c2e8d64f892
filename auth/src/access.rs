//! Read/write classification of operations and the access level a token source grants.

use std::fmt;

/// Whether an operation only reads or also changes state on the server.
///
/// Every operation in this family's specs carries an `x-wxcc-access` extension; operations that
/// read but use `POST` (Search, the captures query) are [`Access::Read`]. The classification
/// decides what a read-only token source may call and which failures may be retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Access {
    /// The operation changes nothing on the server.
    Read,
    /// The operation creates, changes or deletes something, or acts on a live interaction.
    Write,
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Access::Read => "read",
            Access::Write => "write",
        })
    }
}

/// What a token source is allowed to do, chosen when it is configured.
///
/// A read-only source asks only for read scopes, and the [`Signer`](crate::Signer) refuses any
/// [`Access::Write`] operation before the request leaves the process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum AccessLevel {
    /// Only operations classified [`Access::Read`].
    ReadOnly,
    /// Every operation.
    #[default]
    ReadWrite,
}

impl AccessLevel {
    /// Whether an operation with the given classification may be sent.
    ///
    /// ```
    /// use wxcc_auth::{Access, AccessLevel};
    /// assert!(AccessLevel::ReadOnly.allows(Access::Read));
    /// assert!(!AccessLevel::ReadOnly.allows(Access::Write));
    /// assert!(AccessLevel::ReadWrite.allows(Access::Write));
    /// ```
    pub const fn allows(self, access: Access) -> bool {
        matches!(
            (self, access),
            (AccessLevel::ReadWrite, _) | (AccessLevel::ReadOnly, Access::Read)
        )
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AccessLevel::ReadOnly => "read-only",
            AccessLevel::ReadWrite => "read-write",
        })
    }
}

/// One operation of a generated client, as described by its spec.
///
/// The generated crates expose a table of these (written by `cargo xtask codegen`), which the
/// [`Signer`](crate::Signer) consults by operation id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId`, as progenitor reports it to the client hooks.
    pub id: &'static str,
    /// HTTP method in upper case.
    pub method: &'static str,
    /// Path template relative to the base URL, such as `/v1/tasks/{taskId}`.
    pub path: &'static str,
    /// Read or write, from the spec's `x-wxcc-access`.
    pub access: Access,
    /// OAuth scopes, any one of which allows the call, from the spec's `x-wxcc-scopes`.
    pub scopes: &'static [&'static str],
}

/// The operations of one API, sorted by id, for lookups on every request.
///
/// ```
/// use wxcc_auth::{Access, Operation, OperationTable};
///
/// static OPS: OperationTable = OperationTable::new(&[
///     Operation { id: "createTask", method: "POST", path: "/v1/tasks", access: Access::Write, scopes: &["cjp:user"] },
///     Operation { id: "search", method: "POST", path: "/search", access: Access::Read, scopes: &["cjp:config_read"] },
/// ]);
/// assert_eq!(OPS.access("search"), Some(Access::Read));
/// assert_eq!(OPS.access("noSuchOperation"), None);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct OperationTable {
    operations: &'static [Operation],
}

impl OperationTable {
    /// Wraps a table. The slice must be sorted by [`Operation::id`]; the generated tables are,
    /// and [`OperationTable::is_sorted`] lets a test prove it.
    pub const fn new(operations: &'static [Operation]) -> Self {
        Self { operations }
    }

    /// A table with no operations: every lookup answers `None`.
    pub const fn empty() -> Self {
        Self { operations: &[] }
    }

    /// The operation with this id, if the table has it.
    pub fn get(&self, id: &str) -> Option<&'static Operation> {
        self.operations
            .binary_search_by(|op| op.id.cmp(id))
            .ok()
            .map(|i| &self.operations[i])
    }

    /// The classification of the operation with this id, if the table has it.
    pub fn access(&self, id: &str) -> Option<Access> {
        self.get(id).map(|op| op.access)
    }

    /// Checks that a request's path has the shape of its operation's path template: the same
    /// number of segments, literal segments equal, and no parameter segment empty, `.` or
    /// `..`. A parameter of `..` or `.` would retarget the request once the URL parser resolves
    /// dot segments (`DELETE /v1/subscriptions/..` is sent as `DELETE /v1/`), and by the time
    /// a request exists the dots are gone, so the path is compared with the template. `base`
    /// is the client's base URL (its own path, such as `/api/v1`, comes first). An operation
    /// the table does not have passes (the signer refuses it).
    ///
    /// ```
    /// use wxcc_auth::{Access, Operation, OperationTable};
    ///
    /// static OPS: OperationTable = OperationTable::new(&[
    ///     Operation { id: "deleteSubscription", method: "DELETE", path: "/v1/subscriptions/{id}", access: Access::Write, scopes: &[] },
    /// ]);
    /// let ok = "https://api.example.com/v1/subscriptions/s-1".parse().unwrap();
    /// assert!(OPS.check_path("https://api.example.com", &ok, "deleteSubscription").is_ok());
    /// let escaped = "https://api.example.com/v1/".parse().unwrap(); // what `..` becomes
    /// assert!(OPS.check_path("https://api.example.com", &escaped, "deleteSubscription").is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// A message naming the operation and its template.
    pub fn check_path(
        &self,
        base: &str,
        url: &reqwest::Url,
        operation_id: &str,
    ) -> Result<(), String> {
        let baseurl = base;

        let Some(operation) = self.get(operation_id) else {
            // Not in the table: the signer refuses it anyway.
            return Ok(());
        };
        let refuse = || {
            Err(format!(
                "{operation_id}: the request path does not fit `{}`: a path parameter is empty, \
             `.` or `..`, which cannot be a path segment; nothing was sent",
                operation.path
            ))
        };
        // The base URL's own path (such as `/api/v1`), normalized as the request URL was.
        let base_path = reqwest::Url::parse(baseurl)
            .map(|base| base.path().trim_end_matches('/').to_owned())
            .unwrap_or_default();
        let Some(rest) = url.path().strip_prefix(base_path.as_str()) else {
            return refuse();
        };
        let mut have = rest.trim_start_matches('/').split('/');
        let mut want = operation.path.trim_start_matches('/').split('/');
        loop {
            match (want.next(), have.next()) {
                (None, None) => return Ok(()),
                (Some(template), Some(segment)) => {
                    let fits = if template.contains('{') {
                        !matches!(segment, "" | "." | "..")
                    } else {
                        template == segment
                    };
                    if !fits {
                        return refuse();
                    }
                }
                _ => return refuse(),
            }
        }
    }

    /// The operation whose method and path template fit a concrete `path` (relative to the base
    /// URL, without a query), preferring the template with the most literal segments when
    /// several fit (`/v1/tasks/search` over `/v1/tasks/{taskId}`).
    ///
    /// ```
    /// use wxcc_auth::{Access, Operation, OperationTable};
    ///
    /// static OPS: OperationTable = OperationTable::new(&[
    ///     Operation { id: "get_task", method: "GET", path: "/v1/tasks/{taskId}", access: Access::Read, scopes: &[] },
    /// ]);
    /// assert_eq!(OPS.find("GET", "/v1/tasks/t-1").map(|op| op.id), Some("get_task"));
    /// assert!(OPS.find("DELETE", "/v1/tasks/t-1").is_none());
    /// ```
    pub fn find(&self, method: &str, path: &str) -> Option<&'static Operation> {
        let have: Vec<&str> = path
            .trim_start_matches('/')
            .trim_end_matches('/')
            .split('/')
            .collect();
        self.operations
            .iter()
            .filter(|op| op.method.eq_ignore_ascii_case(method))
            .filter_map(|op| {
                let want: Vec<&str> = op.path.trim_start_matches('/').split('/').collect();
                if want.len() != have.len() {
                    return None;
                }
                let mut literal = 0;
                for (template, segment) in want.iter().zip(&have) {
                    if template.contains('{') {
                        if segment.is_empty() {
                            return None;
                        }
                    } else if template == segment {
                        literal += 1;
                    } else {
                        return None;
                    }
                }
                Some((literal, op))
            })
            .max_by_key(|(literal, _)| *literal)
            .map(|(_, op)| op)
    }

    /// All operations, sorted by id.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'static Operation> + use<> {
        self.operations.iter()
    }

    /// Number of operations.
    pub fn len(&self) -> usize {
        self.operations.len()
    }

    /// Whether the table has no operations.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }

    /// Whether ids are strictly increasing, which lookups rely on.
    pub fn is_sorted(&self) -> bool {
        self.operations.windows(2).all(|w| w[0].id < w[1].id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn op(id: &'static str, access: Access) -> Operation {
        Operation {
            id,
            method: "GET",
            path: "/",
            access,
            scopes: &[],
        }
    }

    static TABLE: OperationTable = OperationTable::new(&[
        op("a", Access::Read),
        op("b", Access::Write),
        op("c", Access::Read),
    ]);

    #[test]
    fn lookups_find_every_entry_and_nothing_else() {
        assert!(TABLE.is_sorted());
        assert_eq!(TABLE.access("a"), Some(Access::Read));
        assert_eq!(TABLE.access("b"), Some(Access::Write));
        assert_eq!(TABLE.access("c"), Some(Access::Read));
        assert_eq!(TABLE.access("d"), None);
        assert_eq!(TABLE.len(), 3);
        assert!(OperationTable::empty().get("a").is_none());
    }

    #[test]
    fn unsorted_tables_are_detected() {
        static BAD: OperationTable =
            OperationTable::new(&[op("b", Access::Read), op("a", Access::Read)]);
        assert!(!BAD.is_sorted());
    }
}
