//! Checking the webhook deliveries WxCC sends (subscribing is
//! [`Client::create_subscription`](crate::Client::create_subscription) and its neighbours).
//!
//! WxCC signs each delivery with `X-WebexCC-Signature`: the hex HMAC-SHA256 of the raw request
//! body, keyed with the subscription's secret. Version 2 deliveries also carry
//! `X-WebexCC-Timestamp`. [`WebhookVerifier`] checks the signature in constant time, refuses
//! a delivery whose signed time (`comciscotimestamp`, inside the body the signature covers) is
//! stale or in the future, and refuses one whose event id it has already accepted (a replay)
//! while that time is within the tolerance. The header is not signed, so it is checked but
//! never trusted on its own.
//!
//! Cisco documents the header names, not every detail of the signing rule: the verifier
//! assumes the signature covers the body alone (as all known implementations do).

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;
use wxcc_auth::{ExposeSecret, SecretString};

/// Header carrying the hex HMAC-SHA256 of the body.
pub const SIGNATURE_HEADER: &str = "X-WebexCC-Signature";
/// Header carrying the delivery time (version 2), in epoch milliseconds or seconds.
pub const TIMESTAMP_HEADER: &str = "X-WebexCC-Timestamp";

/// Types of webhook events. Values the API adds later arrive as [`EventType::Other`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventType {
    /// `agent:login`
    AgentLogin,
    /// `agent:logout`
    AgentLogout,
    /// `agent:state_change`
    AgentStateChange,
    /// `agent:channel_state_change`
    AgentChannelStateChange,
    /// `capture:available`: a recording can be fetched with [`Client::captures`](crate::Client::captures).
    CaptureAvailable,
    /// `task:new`
    TaskNew,
    /// `task:connected`
    TaskConnected,
    /// `task:ended`
    TaskEnded,
    /// `task:failed`
    TaskFailed,
    /// `task-message:appended`
    TaskMessageAppended,
    /// Any other type.
    Other(String),
}

impl EventType {
    /// The type as the API spells it.
    pub fn as_str(&self) -> &str {
        match self {
            EventType::AgentLogin => "agent:login",
            EventType::AgentLogout => "agent:logout",
            EventType::AgentStateChange => "agent:state_change",
            EventType::AgentChannelStateChange => "agent:channel_state_change",
            EventType::CaptureAvailable => "capture:available",
            EventType::TaskNew => "task:new",
            EventType::TaskConnected => "task:connected",
            EventType::TaskEnded => "task:ended",
            EventType::TaskFailed => "task:failed",
            EventType::TaskMessageAppended => "task-message:appended",
            EventType::Other(other) => other,
        }
    }

    pub(crate) fn parse(value: &str) -> Self {
        [
            EventType::AgentLogin,
            EventType::AgentLogout,
            EventType::AgentStateChange,
            EventType::AgentChannelStateChange,
            EventType::CaptureAvailable,
            EventType::TaskNew,
            EventType::TaskConnected,
            EventType::TaskEnded,
            EventType::TaskFailed,
            EventType::TaskMessageAppended,
        ]
        .into_iter()
        .find(|t| t.as_str() == value)
        .unwrap_or_else(|| EventType::Other(value.to_owned()))
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A verified webhook delivery (a CloudEvents envelope).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct WebhookEvent {
    /// The event id (unique per event).
    pub id: String,
    /// What happened.
    pub event_type: EventType,
    /// Which service sent it.
    pub source: Option<String>,
    /// The organization.
    pub org_id: Option<String>,
    /// CloudEvents version.
    pub spec_version: Option<String>,
    /// When it happened (version 2).
    pub timestamp: Option<DateTime<Utc>>,
    /// The event's data; its shape depends on the type.
    pub data: Value,
}

#[derive(Deserialize)]
struct Envelope {
    id: String,
    #[serde(rename = "type")]
    event_type: String,
    source: Option<String>,
    comciscoorgid: Option<String>,
    specversion: Option<String>,
    comciscotimestamp: Option<Value>,
    #[serde(default)]
    data: Value,
}

/// Why a delivery was refused, or a verifier could not be made. Answer the sender with `401`
/// for a missing or bad signature, a replay or a missing timestamp, `400` for a malformed body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// No signature header, or not hex.
    #[error("the delivery has no valid {SIGNATURE_HEADER} header")]
    MissingSignature,
    /// The signature does not match the body: forged, altered, or signed with another secret.
    #[error("the signature does not match the body")]
    BadSignature,
    /// A timestamp is outside the tolerance, the event was already accepted, or the replay
    /// cache is full of ids still inside their window.
    #[error("the delivery was replayed or is stale: {0}")]
    Replayed(String),
    /// The body is not a CloudEvents JSON document, or its `comciscotimestamp` is not a time.
    #[error("the body is not a webhook event: {0}")]
    Malformed(String),
    /// The signed body has no `comciscotimestamp`, so a replay of it could not be told from a
    /// fresh delivery once its id is forgotten. See
    /// [`WebhookVerifier::require_signed_timestamp`].
    #[error(
        "the delivery carries no signed timestamp (comciscotimestamp), so a replay cannot be ruled out"
    )]
    MissingTimestamp,
    /// [`WebhookVerifier::new`] was given an empty secret: anyone can sign with an empty key,
    /// so every forgery would pass.
    #[error("the webhook secret is empty; use the subscription's secret")]
    EmptySecret,
}

/// The clock a verifier reads in [`WebhookVerifier::verify`].
type Clock = Box<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Checks webhook deliveries for one subscription secret.
///
/// A delivery is accepted when its signature matches the body, its signed time
/// (`comciscotimestamp` in the body) is within the tolerance of now (default 5 minutes, either
/// way), the unsigned [`TIMESTAMP_HEADER`] (when sent) is too, and its event id has not been
/// accepted before. Ids are remembered until their signed time falls out of the tolerance, when
/// the time check refuses a replay on its own; so the memory is bounded by the deliveries of
/// one tolerance window, and by [`capacity`](WebhookVerifier::capacity) (default 100,000) at
/// most. The memory is per verifier: replicas behind a load balancer each keep their own.
///
/// ```
/// use chrono::Utc;
/// use hmac::{Hmac, KeyInit, Mac};
/// use sha2::Sha256;
/// use wxcc_sdk::webhooks::{EventType, WebhookVerifier};
///
/// let verifier = WebhookVerifier::new("subscription-secret")?;
/// let body = format!(
///     r#"{{"id":"e1","specversion":"1.0","type":"task:ended","source":"wxcc","comciscotimestamp":{},"data":{{"taskId":"t1"}}}}"#,
///     Utc::now().timestamp_millis()
/// );
/// let mut mac = Hmac::<Sha256>::new_from_slice(b"subscription-secret").unwrap();
/// mac.update(body.as_bytes());
/// let signature: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
///
/// let event = verifier.verify(body.as_bytes(), Some(&signature), None)?;
/// assert_eq!(event.event_type, EventType::TaskEnded);
/// assert!(verifier.verify(body.as_bytes(), Some(&signature), None).is_err(), "a replay is refused");
/// # Ok::<(), wxcc_sdk::webhooks::WebhookError>(())
/// ```
pub struct WebhookVerifier {
    secret: SecretString,
    tolerance: Duration,
    require_signed_timestamp: bool,
    clock: Clock,
    seen: Mutex<ReplayCache>,
}

impl WebhookVerifier {
    /// A verifier for `secret` with a 5-minute tolerance, requiring a signed timestamp, that
    /// remembers up to 100,000 event ids.
    ///
    /// # Errors
    ///
    /// [`WebhookError::EmptySecret`] for an empty secret.
    pub fn new(secret: impl Into<SecretString>) -> Result<Self, WebhookError> {
        let secret = secret.into();
        if secret.expose_secret().is_empty() {
            return Err(WebhookError::EmptySecret);
        }
        Ok(Self {
            secret,
            tolerance: Duration::from_secs(300),
            require_signed_timestamp: true,
            clock: Box::new(Utc::now),
            seen: Mutex::new(ReplayCache::new(100_000)),
        })
    }

    /// How far a timestamp may be from now, either way; ids are remembered this long past
    /// their signed time.
    #[must_use]
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// How many event ids the verifier remembers at most. When that many are inside their
    /// window, further deliveries are refused as [`WebhookError::Replayed`] (WxCC retries them)
    /// rather than forgetting an id whose replay would then pass.
    #[must_use]
    pub fn capacity(self, capacity: usize) -> Self {
        let seen = Mutex::new(ReplayCache::new(capacity));
        Self { seen, ..self }
    }

    /// Whether a delivery without `comciscotimestamp` in its signed body is refused (the
    /// default) as [`WebhookError::MissingTimestamp`]. Turn it off only for subscriptions whose
    /// deliveries carry none: their ids are then remembered for the tolerance from arrival, and
    /// a replay after that cannot be detected.
    #[must_use]
    pub fn require_signed_timestamp(mut self, required: bool) -> Self {
        self.require_signed_timestamp = required;
        self
    }

    /// The clock [`WebhookVerifier::verify`] reads (default [`Utc::now`]), for tests of code
    /// that verifies deliveries.
    #[must_use]
    pub fn clock(mut self, clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// Verifies a delivery: `body` exactly as received, and the values of
    /// [`SIGNATURE_HEADER`] and [`TIMESTAMP_HEADER`].
    ///
    /// # Errors
    ///
    /// A [`WebhookError`] saying why the delivery must be refused.
    pub fn verify(
        &self,
        body: &[u8],
        signature: Option<&str>,
        timestamp: Option<&str>,
    ) -> Result<WebhookEvent, WebhookError> {
        self.verify_at(body, signature, timestamp, (self.clock)())
    }

    /// [`WebhookVerifier::verify`] as of `now`.
    ///
    /// # Errors
    ///
    /// As [`WebhookVerifier::verify`].
    pub fn verify_at(
        &self,
        body: &[u8],
        signature: Option<&str>,
        timestamp: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<WebhookEvent, WebhookError> {
        let expected = signature
            .map(str::trim)
            .and_then(decode_hex)
            .ok_or(WebhookError::MissingSignature)?;
        let mut mac = Hmac::<Sha256>::new_from_slice(self.secret.expose_secret().as_bytes())
            .map_err(|_| WebhookError::BadSignature)?;
        mac.update(body);
        // `verify_slice` compares in constant time.
        mac.verify_slice(&expected)
            .map_err(|_| WebhookError::BadSignature)?;

        let envelope: Envelope =
            serde_json::from_slice(body).map_err(|e| WebhookError::Malformed(e.to_string()))?;
        let tolerance = TimeDelta::from_std(self.tolerance).unwrap_or(TimeDelta::MAX);
        let within = |at: DateTime<Utc>, what: &str| {
            if (now - at).abs() > tolerance {
                Err(WebhookError::Replayed(format!(
                    "{what} {at} is more than {:?} from now",
                    self.tolerance
                )))
            } else {
                Ok(at)
            }
        };
        // The header is not signed: anyone replaying a delivery can set it to now. It is
        // checked when sent, but only the signed time below tells a replay from a delivery.
        let sent_at = match timestamp {
            Some(raw) => Some(within(
                parse_time(raw).ok_or_else(|| {
                    WebhookError::Replayed(format!("unreadable timestamp header `{raw}`"))
                })?,
                "the timestamp header",
            )?),
            None => None,
        };
        let signed_at = match &envelope.comciscotimestamp {
            None | Some(Value::Null) => None,
            Some(value) => {
                let at = match value {
                    Value::Number(n) => n.as_i64().and_then(from_epoch),
                    Value::String(s) => parse_time(s),
                    _ => None,
                }
                .ok_or_else(|| {
                    WebhookError::Malformed(format!("comciscotimestamp {value} is not a time"))
                })?;
                Some(within(at, "the signed timestamp")?)
            }
        };
        if signed_at.is_none() && self.require_signed_timestamp {
            return Err(WebhookError::MissingTimestamp);
        }
        // Remember the id while a replay would still pass the time check.
        let expires = signed_at
            .unwrap_or(now)
            .checked_add_signed(tolerance)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        self.seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(&envelope.id, expires, now)?;
        Ok(WebhookEvent {
            id: envelope.id,
            event_type: EventType::parse(&envelope.event_type),
            source: envelope.source,
            org_id: envelope.comciscoorgid,
            spec_version: envelope.specversion,
            timestamp: signed_at.or(sent_at),
            data: envelope.data,
        })
    }
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("secret", &"[REDACTED]")
            .field("tolerance", &self.tolerance)
            .field("require_signed_timestamp", &self.require_signed_timestamp)
            .finish_non_exhaustive()
    }
}

/// The ids of accepted deliveries, each until its expiry, at most `capacity` of them. Expired
/// ids are dropped in expiry order, so each delivery costs `O(log n)` however full it is.
struct ReplayCache {
    capacity: usize,
    expiry_of: HashMap<String, DateTime<Utc>>,
    by_expiry: BTreeSet<(DateTime<Utc>, String)>,
}

impl ReplayCache {
    fn new(capacity: usize) -> Self {
        Self {
            capacity,
            expiry_of: HashMap::new(),
            by_expiry: BTreeSet::new(),
        }
    }

    /// Records `id` until `expires`, or refuses it as a replay (or for want of room).
    fn insert(
        &mut self,
        id: &str,
        expires: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), WebhookError> {
        while let Some((at, _)) = self.by_expiry.first()
            && *at < now
        {
            if let Some((_, old)) = self.by_expiry.pop_first() {
                self.expiry_of.remove(&old);
            }
        }
        if self.expiry_of.contains_key(id) {
            return Err(WebhookError::Replayed(format!(
                "event `{id}` was already accepted"
            )));
        }
        if self.expiry_of.len() >= self.capacity {
            return Err(WebhookError::Replayed(
                "too many deliveries to track; refusing until older ones age out".into(),
            ));
        }
        self.expiry_of.insert(id.to_owned(), expires);
        self.by_expiry.insert((expires, id.to_owned()));
        Ok(())
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let text = text.strip_prefix("sha256=").unwrap_or(text);
    if !text.len().is_multiple_of(2) || text.is_empty() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Epoch milliseconds (13 digits and more) or seconds, or RFC 3339.
fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    match raw.parse::<i64>() {
        Ok(n) => from_epoch(n),
        Err(_) => DateTime::parse_from_rfc3339(raw)
            .ok()
            .map(|t| t.with_timezone(&Utc)),
    }
}

fn from_epoch(n: i64) -> Option<DateTime<Utc>> {
    // `unsigned_abs`: `i64::MIN.abs()` overflows (a panic in debug builds).
    if n.unsigned_abs() >= 100_000_000_000 {
        Utc.timestamp_millis_opt(n).single()
    } else {
        Utc.timestamp_opt(n, 0).single()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body);
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// A verifier for the v1-style fixtures below, which carry no signed timestamp.
    fn lenient() -> WebhookVerifier {
        WebhookVerifier::new("s3cret")
            .unwrap()
            .require_signed_timestamp(false)
    }

    const BODY: &[u8] = br#"{"id":"evt-1","specversion":"1.0","type":"capture:available","source":"/wxcc","comciscoorgid":"org","data":{"taskId":"t1"}}"#;

    #[test]
    fn a_genuine_delivery_is_accepted_and_typed() {
        let v = lenient();
        let event = v.verify(BODY, Some(&sign("s3cret", BODY)), None).unwrap();
        assert_eq!(event.event_type, EventType::CaptureAvailable);
        assert_eq!(event.org_id.as_deref(), Some("org"));
        assert_eq!(event.data["taskId"], "t1");
    }

    #[test]
    fn forged_altered_or_unsigned_deliveries_are_refused() {
        let v = lenient();
        assert_eq!(
            v.verify(BODY, Some(&sign("other", BODY)), None)
                .unwrap_err(),
            WebhookError::BadSignature
        );
        let mut altered = BODY.to_vec();
        altered[10] ^= 1;
        assert_eq!(
            v.verify(&altered, Some(&sign("s3cret", BODY)), None)
                .unwrap_err(),
            WebhookError::BadSignature
        );
        assert_eq!(
            v.verify(BODY, None, None).unwrap_err(),
            WebhookError::MissingSignature
        );
        assert_eq!(
            v.verify(BODY, Some("zz"), None).unwrap_err(),
            WebhookError::MissingSignature
        );
    }

    #[test]
    fn replays_and_stale_timestamps_are_refused() {
        let v = lenient();
        let now = Utc::now();
        let signature = sign("s3cret", BODY);
        let fresh = now.timestamp_millis().to_string();
        v.verify_at(BODY, Some(&signature), Some(&fresh), now)
            .unwrap();
        assert!(matches!(
            v.verify_at(BODY, Some(&signature), Some(&fresh), now),
            Err(WebhookError::Replayed(_))
        ));
        let other = br#"{"id":"evt-2","type":"task:new","data":{}}"#;
        let stale = (now - TimeDelta::minutes(10)).timestamp().to_string();
        assert!(matches!(
            v.verify_at(other, Some(&sign("s3cret", other)), Some(&stale), now),
            Err(WebhookError::Replayed(_))
        ));
        // Once the memory window has passed, the id is forgotten.
        let later = now + TimeDelta::minutes(6);
        assert!(v.verify_at(BODY, Some(&signature), None, later).is_ok());
    }

    #[test]
    fn unknown_event_types_are_kept() {
        assert_eq!(
            EventType::parse("agent:brand_new"),
            EventType::Other("agent:brand_new".into())
        );
        assert!(!format!("{:?}", lenient()).contains("s3cret"));
    }
}
