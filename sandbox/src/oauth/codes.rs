//! Authorization codes between the authorize step and their exchange: OAuth's own state,
//! single-use and short-lived, which no other service reads.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::identity::random_token;
use crate::sync::lock;

/// How long an authorization code stays valid.
pub(super) const CODE_LIFETIME: Duration = Duration::from_secs(600);

/// An authorization code waiting to be exchanged.
#[derive(Clone, Debug)]
pub(super) struct Code {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub challenge: Option<String>,
    pub expires_at: Instant,
}

/// The codes issued and not yet exchanged.
#[derive(Debug, Default)]
pub(crate) struct Codes {
    pending: Mutex<HashMap<String, Code>>,
}

impl Codes {
    /// Stores a code and returns its value.
    pub(super) fn issue(&self, code: Code) -> String {
        let value = random_token();
        let mut pending = lock(&self.pending);
        // Bounded memory for long runs: expired codes go once the map grows.
        if pending.len() > 1_000 {
            let now = Instant::now();
            pending.retain(|_, c| c.expires_at > now);
        }
        pending.insert(value.clone(), code);
        value
    }

    /// Takes a code out (codes are single-use: spent whatever happens next).
    pub(super) fn take(&self, value: &str) -> Option<Code> {
        lock(&self.pending).remove(value)
    }
}
