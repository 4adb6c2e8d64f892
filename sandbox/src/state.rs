//! Mutable sandbox state shared by the handlers and the control methods: tokens, rate limits,
//! faults, the request log and what the APIs created.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::Credentials;
use crate::RequestRecord;
use crate::data::{Dataset, Task};
use crate::engage::EngageState;
use crate::faults::Faults;
use crate::rng::Rng;
use crate::search::SearchSchema;
use crate::wxcc::Runtime;

/// Locks a mutex, ignoring poisoning (a panicked handler leaves consistent enough state for an
/// emulator, and the sandbox must keep serving).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Scopes every seeded Webex client may be granted.
pub(crate) const WEBEX_SCOPES: &[&str] = &[
    "cjp:config",
    "cjp:config_read",
    "cjp:config_write",
    "cjp:user",
    "cloud-contact-center:pod_conv",
    "cjds:admin_org_read",
    "cjds:admin_org_write",
    "spark:applications_token",
    "spark:kms",
    "spark:people_read",
];

/// Scopes an Engage token carries.
pub(crate) const ENGAGE_SCOPES: &[&str] = &[
    "conversations:read",
    "conversations:write",
    "conversations-messages:read",
    "conversations-messages:write",
    "conversations-participants:read",
    "conversations-participants:write",
];

/// Who a token was issued to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Audience {
    /// Webex (WxCC APIs).
    Webex,
    /// Engage, for one generation of the tenant secret.
    Engage { generation: u64 },
}

/// An issued access token.
#[derive(Clone, Debug)]
pub(crate) struct Grant {
    pub client_id: String,
    pub scopes: Vec<String>,
    pub expires_at: Instant,
    pub audience: Audience,
    /// The user or machine account acting (its email).
    pub subject: String,
}

impl Grant {
    pub(crate) fn has_any(&self, scopes: &[&str]) -> bool {
        scopes.is_empty() || scopes.iter().any(|s| self.scopes.iter().any(|g| g == s))
    }
}

/// An issued refresh token.
#[derive(Clone, Debug)]
pub(crate) struct RefreshGrant {
    pub client_id: String,
    pub scopes: Vec<String>,
    pub expires_at: Instant,
    pub subject: String,
}

/// An authorization code waiting to be exchanged.
#[derive(Clone, Debug)]
pub(crate) struct Code {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub challenge: Option<String>,
    pub expires_at: Instant,
}

/// Every token and code the sandbox issued.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    pub access: HashMap<String, Grant>,
    pub refresh: HashMap<String, RefreshGrant>,
    pub codes: HashMap<String, Code>,
}

impl Tokens {
    /// Drops expired entries once the maps grow (bounded memory for long runs).
    pub(crate) fn sweep(&mut self, now: Instant) {
        if self.access.len() > 5_000 {
            self.access.retain(|_, g| g.expires_at > now);
        }
        if self.refresh.len() > 5_000 {
            self.refresh.retain(|_, g| g.expires_at > now);
        }
        if self.codes.len() > 1_000 {
            self.codes.retain(|_, c| c.expires_at > now);
        }
    }
}

/// Settings the control methods change at run time.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub access_lifetime: Duration,
    pub refresh_lifetime: Duration,
    pub rate_limit: Option<u32>,
}

/// Token buckets per client id: `limit` requests per minute, refilled continuously, with a
/// burst of `limit`.
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    buckets: HashMap<String, (f64, Instant)>,
}

impl Limiter {
    /// Takes one request from the client's bucket, or says how many seconds to wait.
    pub(crate) fn take(&mut self, client: &str, limit: u32, now: Instant) -> Result<(), u64> {
        let capacity = f64::from(limit.max(1));
        let per_second = capacity / 60.0;
        let (tokens, last) = self
            .buckets
            .entry(client.to_owned())
            .or_insert((capacity, now));
        let elapsed = now.saturating_duration_since(*last).as_secs_f64();
        *tokens = (*tokens + elapsed * per_second).min(capacity);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - *tokens) / per_second;
            Err(wait.ceil().max(1.0) as u64)
        }
    }

    pub(crate) fn reset(&mut self) {
        self.buckets.clear();
    }
}

/// Everything the server and the [`crate::Sandbox`] handle share.
pub(crate) struct Shared {
    pub data: Arc<Dataset>,
    pub schema: SearchSchema,
    pub base: String,
    pub credentials: Mutex<Credentials>,
    pub engage_generation: Mutex<u64>,
    pub settings: Mutex<Settings>,
    pub tokens: Mutex<Tokens>,
    pub limiter: Mutex<Limiter>,
    pub faults: Mutex<Faults>,
    pub log: Mutex<RequestLog>,
    pub runtime: Mutex<Runtime>,
    pub engage: Mutex<EngageState>,
    /// Randomness for fault probabilities (seeded, so a test run is repeatable).
    pub rng: Mutex<Rng>,
}

/// The request log: the last [`LOG_LIMIT`] requests in order of arrival. Requests are logged
/// when they arrive, before any fault delays them, so a request the client gave up on (and
/// whose handling was then cancelled) is still counted; the status is filled in when the
/// answer is sent.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    records: VecDeque<RequestRecord>,
    /// How many records were removed from the front (the limit, or a clear): the sequence
    /// number of the first record kept.
    removed: u64,
}

impl RequestLog {
    fn push(&mut self, record: RequestRecord) -> u64 {
        if self.records.len() >= LOG_LIMIT {
            self.records.pop_front();
            self.removed += 1;
        }
        self.records.push_back(record);
        self.removed + self.records.len() as u64 - 1
    }

    fn set_status(&mut self, sequence: u64, status: u16) {
        let record = sequence
            .checked_sub(self.removed)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| self.records.get_mut(i));
        // A record already pushed out of the log or cleared has nobody left to tell.
        if let Some(record) = record {
            record.status = Some(status);
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &RequestRecord> {
        self.records.iter()
    }

    pub(crate) fn clear(&mut self) {
        self.removed += self.records.len() as u64;
        self.records.clear();
    }
}

/// How many requests the log keeps.
pub(crate) const LOG_LIMIT: usize = 100_000;

impl Shared {
    pub(crate) fn now_ms() -> i64 {
        crate::data::now_ms()
    }

    /// Tasks created through `POST /v1/tasks` so far.
    pub(crate) fn created_tasks(&self) -> Vec<Task> {
        lock(&self.runtime).tasks.clone()
    }

    /// Issues an access token.
    pub(crate) fn issue_access(
        &self,
        client_id: &str,
        scopes: Vec<String>,
        audience: Audience,
        subject: &str,
        lifetime: Duration,
    ) -> String {
        let token = match &audience {
            // Webex tokens end in `_<cluster>_<orgId>`, as samples that split them expect.
            Audience::Webex => format!("{}_P0A1_{}", random_token(), self.data.org_id),
            Audience::Engage { .. } => random_token(),
        };
        let now = Instant::now();
        let mut tokens = lock(&self.tokens);
        tokens.sweep(now);
        tokens.access.insert(
            token.clone(),
            Grant {
                client_id: client_id.to_owned(),
                scopes,
                expires_at: now + lifetime,
                audience,
                subject: subject.to_owned(),
            },
        );
        token
    }

    /// Issues a refresh token.
    pub(crate) fn issue_refresh(
        &self,
        client_id: &str,
        scopes: Vec<String>,
        subject: &str,
    ) -> String {
        let token = format!("{}{}", random_token(), random_token());
        let lifetime = lock(&self.settings).refresh_lifetime;
        let now = Instant::now();
        let mut tokens = lock(&self.tokens);
        tokens.sweep(now);
        tokens.refresh.insert(
            token.clone(),
            RefreshGrant {
                client_id: client_id.to_owned(),
                scopes,
                expires_at: now + lifetime,
                subject: subject.to_owned(),
            },
        );
        token
    }

    /// The grant behind a bearer token, if it is known and unexpired.
    pub(crate) fn grant(&self, token: &str) -> Option<Grant> {
        let grant = lock(&self.tokens).access.get(token).cloned()?;
        if grant.expires_at <= Instant::now() {
            return None;
        }
        if let Audience::Engage { generation } = grant.audience
            && generation != *lock(&self.engage_generation)
        {
            return None;
        }
        Some(grant)
    }

    /// Applies the rate limit to a client; `Err` holds the `Retry-After` seconds.
    pub(crate) fn rate_limit(&self, client: &str) -> Result<(), u64> {
        let Some(limit) = lock(&self.settings).rate_limit else {
            return Ok(());
        };
        lock(&self.limiter).take(client, limit, Instant::now())
    }

    /// Logs a request as it arrives and returns its sequence number, for
    /// [`Shared::answered`].
    pub(crate) fn record(&self, record: RequestRecord) -> u64 {
        lock(&self.log).push(record)
    }

    /// Sets the status of a logged request once it is answered.
    pub(crate) fn answered(&self, sequence: u64, status: u16) {
        lock(&self.log).set_status(sequence, status);
    }
}

/// 64 hex characters of OS randomness (two v4 UUIDs).
pub(crate) fn random_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(path: &str) -> RequestRecord {
        RequestRecord {
            method: "GET".into(),
            path: path.into(),
            query: None,
            status: None,
            authorization: false,
            tracking_id: None,
        }
    }

    #[test]
    fn a_late_status_lands_on_its_own_record_even_after_a_clear() {
        let mut log = RequestLog::default();
        let first = log.push(record("/a"));
        let second = log.push(record("/b"));
        log.set_status(second, 200);
        assert_eq!(
            log.iter().map(|r| r.status).collect::<Vec<_>>(),
            [None, Some(200)]
        );
        log.clear();
        let third = log.push(record("/c"));
        // Answers to requests logged before the clear find nothing to change.
        log.set_status(first, 500);
        assert_eq!(log.iter().map(|r| r.status).collect::<Vec<_>>(), [None]);
        log.set_status(third, 204);
        assert_eq!(
            log.iter().map(|r| r.status).collect::<Vec<_>>(),
            [Some(204)]
        );
    }

    #[test]
    fn the_bucket_allows_a_burst_then_asks_to_wait() {
        let mut limiter = Limiter::default();
        let now = Instant::now();
        for _ in 0..60 {
            assert!(limiter.take("c", 60, now).is_ok());
        }
        assert_eq!(limiter.take("c", 60, now), Err(1));
        assert!(limiter.take("other", 60, now).is_ok(), "per client");
        let later = now + Duration::from_secs(2);
        assert!(limiter.take("c", 60, later).is_ok(), "refilled");
    }
}
