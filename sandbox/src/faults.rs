//! Fault injection: make chosen requests fail, stall, return broken JSON or lose their
//! connection.

use std::time::Duration;

use crate::rng::Rng;

/// What an injected fault does.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer with this status (and this body, or the route's usual error body).
    Status {
        /// The HTTP status code.
        code: u16,
        /// The body; JSON bodies are sent as `application/json`.
        body: Option<String>,
    },
    /// Wait this long, then handle the request normally.
    Delay(Duration),
    /// Answer `200` with `Content-Type: application/json` and a truncated, unparsable body.
    MalformedJson,
    /// Close the connection without sending a response.
    DropConnection,
}

/// How often a fault fires.
#[derive(Clone, Debug, PartialEq)]
enum Budget {
    Always,
    Times(u32),
    Probability(f64),
}

/// A fault to inject with [`crate::Sandbox::inject`].
///
/// A fault matches requests by method and path (`on`) and fires on every matching request,
/// on the next `times(n)` only, or with a seeded `probability(p)`. When several faults match,
/// the one injected first fires. Faults act before authentication and rate limiting, like a
/// failing gateway or network would, and every request they touch appears in
/// [`crate::Sandbox::requests`].
///
/// Path patterns are full paths as sent (`/wxcc/v1/tasks`), where `*` matches one segment,
/// `{name}` also matches one segment, and a trailing `**` matches the rest:
/// `/engage/api/v1/conversations/*/messages`, `/wxcc/**`.
///
/// ```
/// use std::time::Duration;
/// use wxcc_sandbox::Fault;
///
/// let outage = Fault::status(503).on("POST", "/wxcc/v1/tasks").times(2);
/// let slow = Fault::delay(Duration::from_millis(300)).on("*", "/wxcc/search");
/// let flaky = Fault::drop_connection().on("GET", "/wxcc/v1/ewt").probability(0.2);
/// # let _ = (outage, slow, flaky);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    kind: FaultKind,
    headers: Vec<(String, String)>,
    method: Option<String>,
    path: Option<String>,
    budget: Budget,
}

impl Fault {
    fn new(kind: FaultKind) -> Fault {
        Fault {
            kind,
            headers: Vec::new(),
            method: None,
            path: None,
            budget: Budget::Always,
        }
    }

    /// Answer with an HTTP status (with the route's usual error body unless [`Fault::body`]
    /// sets one).
    pub fn status(code: u16) -> Fault {
        Fault::new(FaultKind::Status { code, body: None })
    }

    /// Delay the request, then handle it normally.
    pub fn delay(duration: Duration) -> Fault {
        Fault::new(FaultKind::Delay(duration))
    }

    /// Answer `200` with a body that is not valid JSON.
    pub fn malformed_json() -> Fault {
        Fault::new(FaultKind::MalformedJson)
    }

    /// Close the connection without a response. The server accepts and reads the request,
    /// then aborts the connection before writing anything; the client sees the connection
    /// closed (an incomplete message), as when a proxy or the network drops it.
    pub fn drop_connection() -> Fault {
        Fault::new(FaultKind::DropConnection)
    }

    /// The body of a status fault (ignored by other kinds).
    #[must_use]
    pub fn body(mut self, body: impl Into<String>) -> Fault {
        if let FaultKind::Status { body: b, .. } = &mut self.kind {
            *b = Some(body.into());
        }
        self
    }

    /// A response header of a status fault (for example `Retry-After`).
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Fault {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Only requests with this method (`"*"` for any) and path pattern.
    #[must_use]
    pub fn on(mut self, method: impl Into<String>, path: impl Into<String>) -> Fault {
        let method = method.into();
        self.method = (method != "*").then(|| method.to_ascii_uppercase());
        self.path = Some(path.into());
        self
    }

    /// Fire on the next `n` matching requests, then retire.
    #[must_use]
    pub fn times(mut self, n: u32) -> Fault {
        self.budget = Budget::Times(n);
        self
    }

    /// Fire on each matching request with probability `p` (0 to 1), drawn from the sandbox's
    /// seeded generator.
    #[must_use]
    pub fn probability(mut self, p: f64) -> Fault {
        self.budget = Budget::Probability(p.clamp(0.0, 1.0));
        self
    }

    /// What the fault does.
    pub fn kind(&self) -> &FaultKind {
        &self.kind
    }

    /// Whether the fault applies to a request with this method and path.
    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m == method)
            && self
                .path
                .as_deref()
                .is_none_or(|pattern| path_matches(pattern, path))
    }
}

/// What fires for one request.
#[derive(Clone, Debug)]
pub(crate) struct Fired {
    pub kind: FaultKind,
    pub headers: Vec<(String, String)>,
}

/// The active faults.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    list: Vec<Fault>,
}

impl Faults {
    pub(crate) fn add(&mut self, fault: Fault) {
        self.list.push(fault);
    }

    pub(crate) fn clear(&mut self) {
        self.list.clear();
    }

    /// The fault that fires for a request, if any, consuming one use of it.
    pub(crate) fn take(&mut self, method: &str, path: &str, rng: &mut Rng) -> Option<Fired> {
        let mut fired = None;
        for (i, fault) in self.list.iter_mut().enumerate() {
            if !fault.matches(method, path) {
                continue;
            }
            let fires = match &mut fault.budget {
                Budget::Always => true,
                Budget::Times(n) => {
                    *n = n.saturating_sub(1);
                    true
                }
                Budget::Probability(p) => rng.chance(*p),
            };
            if fires {
                fired = Some((
                    i,
                    Fired {
                        kind: fault.kind.clone(),
                        headers: fault.headers.clone(),
                    },
                ));
                break;
            }
        }
        self.list.retain(|f| f.budget != Budget::Times(0));
        fired.map(|(_, f)| f)
    }
}

/// Whether a path matches a pattern (`*` or `{name}`: one segment; trailing `**`: the rest).
pub(crate) fn path_matches(pattern: &str, path: &str) -> bool {
    let mut want = pattern.trim_end_matches('/').split('/');
    let mut have = path.trim_end_matches('/').split('/');
    loop {
        match (want.next(), have.next()) {
            (Some("**"), _) => return true,
            (Some(w), Some(h)) => {
                let wildcard = w == "*" || (w.starts_with('{') && w.ends_with('}'));
                if !wildcard && w != h {
                    return false;
                }
            }
            (None, None) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(path_matches("/wxcc/v1/tasks", "/wxcc/v1/tasks"));
        assert!(path_matches("/wxcc/v1/tasks/", "/wxcc/v1/tasks"));
        assert!(!path_matches("/wxcc/v1/tasks", "/wxcc/v1/tasks/x"));
        assert!(path_matches("/wxcc/**", "/wxcc/v1/tasks/x"));
        assert!(path_matches("/e/c/*/messages", "/e/c/abc/messages"));
        assert!(path_matches("/e/c/{id}/messages", "/e/c/abc/messages"));
        assert!(!path_matches("/e/c/*/messages", "/e/c/abc/close"));
    }

    #[test]
    fn counted_faults_retire() {
        let mut faults = Faults::default();
        faults.add(Fault::status(503).on("POST", "/a").times(2));
        let mut rng = Rng::new(1);
        assert!(faults.take("GET", "/a", &mut rng).is_none());
        assert!(faults.take("POST", "/a", &mut rng).is_some());
        assert!(faults.take("POST", "/a", &mut rng).is_some());
        assert!(faults.take("POST", "/a", &mut rng).is_none());
    }
}
