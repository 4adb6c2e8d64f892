//! Webhook deliveries: what happens in the sandbox (a task created, answered, ended; an agent
//! state change) is posted, signed, to every active subscription that lists its event type.
//!
//! Like WxCC, delivery is at least once: a delivery that fails or is answered with anything
//! but `2xx` is retried (after 1 s, then 2 s; three attempts in all), a seeded fraction of
//! deliveries is sent twice, and each is delayed by a random fraction of a bound, so later
//! events can arrive first. Receivers therefore have to deduplicate by event id and not rely
//! on order. Every attempt is logged ([`WebhookDelivery`]).
//!
//! Facts: the envelope (`id`, `specversion`, `type`, `source`, `comciscoorgid`,
//! `comciscotimestamp` in epoch milliseconds, `data`) and the headers (`X-WebexCC-Signature`,
//! the hex HMAC-SHA256 of the body keyed with the subscription's secret; `X-WebexCC-Timestamp`
//! on version 2 deliveries) are those `wxcc-sdk`'s verifier checks. Not documented, so the
//! sandbox's choices: the `source` value, the fields inside `data` (`taskId` and `agentId`;
//! for state changes the fields of the websocket's `AgentStateChangeSuccess`) and the retry
//! schedule. The sandbox only ever posts to loopback destinations (which it accepts over plain
//! `http`); deliveries to any other host are logged as not sent, so no test reaches the network.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use super::subscriptions::Subscription;
use crate::data::now_ms;
use crate::rng::Rng;
use crate::sync::lock;

/// Attempts per delivery, and the wait before the second (doubling after).
const ATTEMPTS: u32 = 3;
const FIRST_RETRY: Duration = Duration::from_secs(1);
/// How many attempts the log keeps.
const LOG_CAPACITY: usize = 10_000;

/// One delivery attempt, as [`crate::Sandbox::webhook_deliveries`] lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebhookDelivery {
    /// The subscription delivered to.
    pub subscription_id: String,
    /// The event's id (the same for every attempt and duplicate of one event).
    pub event_id: String,
    /// The event type (`task:new`, ...).
    pub event_type: String,
    /// The attempt number, from 1.
    pub attempt: u32,
    /// Whether this is the deliberate second copy of the delivery.
    pub duplicate: bool,
    /// The receiver's status; `None` when it did not answer or nothing was sent.
    pub status: Option<u16>,
    /// Why nothing was sent or answered.
    pub error: Option<String>,
    /// The body as posted.
    pub body: String,
    /// The `X-WebexCC-Signature` sent (none without a secret).
    pub signature: Option<String>,
    /// The `X-WebexCC-Timestamp` sent (version 2 only).
    pub timestamp: Option<String>,
}

/// Where one subscription's deliveries go.
#[derive(Clone, Debug)]
struct Target {
    id: String,
    version: u8,
    event_types: Vec<String>,
    destination: String,
    secret: Option<String>,
}

/// How unkind delivery is.
#[derive(Clone, Copy, Debug)]
struct Chaos {
    duplicates: f64,
    max_delay: Duration,
}

/// The deliveries: targets (kept in step with the subscriptions), the log, the randomness.
#[derive(Debug)]
pub(crate) struct Outbox {
    http: Option<reqwest::Client>,
    org_id: String,
    targets: Mutex<Vec<Target>>,
    log: Mutex<VecDeque<WebhookDelivery>>,
    rng: Mutex<Rng>,
    chaos: Mutex<Chaos>,
}

/// Whether a destination is on this machine (the only place the sandbox posts to).
pub(super) fn is_loopback(url: &str) -> bool {
    let Ok(uri) = url.parse::<axum::http::Uri>() else {
        return false;
    };
    let host = uri.host().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn sign(secret: &str, body: &str) -> Option<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(body.as_bytes());
    Some(
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

impl Outbox {
    pub(super) fn new(org_id: String, rng: Rng) -> Outbox {
        // No proxy: a proxy from the environment would take loopback posts off the machine.
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(5))
            .build()
            .ok();
        Outbox {
            http,
            org_id,
            targets: Mutex::default(),
            log: Mutex::default(),
            rng: Mutex::new(rng),
            chaos: Mutex::new(Chaos {
                duplicates: 0.1,
                max_delay: Duration::from_millis(250),
            }),
        }
    }

    /// Takes the subscriptions' current destinations, secrets and event types.
    pub(super) fn sync(&self, subscriptions: &[Subscription]) {
        *lock(&self.targets) = subscriptions
            .iter()
            .filter(|s| s.status == "active")
            .map(|s| Target {
                id: s.id.clone(),
                version: s.version,
                event_types: s.event_types.clone(),
                destination: s.destination_url.clone(),
                secret: s.secret.clone(),
            })
            .collect();
    }

    pub(crate) fn set_chaos(&self, duplicates: f64, max_delay: Duration) {
        *lock(&self.chaos) = Chaos {
            duplicates: duplicates.clamp(0.0, 1.0),
            max_delay,
        };
    }

    pub(crate) fn deliveries(&self) -> Vec<WebhookDelivery> {
        lock(&self.log).iter().cloned().collect()
    }

    fn record(&self, delivery: WebhookDelivery) {
        let mut log = lock(&self.log);
        if log.len() >= LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(delivery);
    }

    /// Delivers one event to every subscription listing its type.
    pub(super) fn emit(self: &Arc<Self>, event_type: &str, data: Value) {
        let targets: Vec<Target> = lock(&self.targets)
            .iter()
            .filter(|t| t.event_types.iter().any(|e| e == event_type))
            .cloned()
            .collect();
        if targets.is_empty() {
            return;
        }
        let event_id = uuid::Uuid::new_v4().to_string();
        let body = json!({
            "id": event_id,
            "specversion": "1.0",
            "type": event_type,
            "source": "wxcc-sandbox",
            "comciscoorgid": self.org_id,
            "comciscotimestamp": now_ms(),
            "data": data,
        })
        .to_string();
        let chaos = *lock(&self.chaos);
        for target in targets {
            let copies = {
                let mut rng = lock(&self.rng);
                let twice = rng.chance(chaos.duplicates);
                let delays: Vec<Duration> = (0..if twice { 2 } else { 1 })
                    .map(|_| chaos.max_delay.mul_f64(rng.unit().clamp(0.0, 1.0)))
                    .collect();
                delays
            };
            for (copy, delay) in copies.into_iter().enumerate() {
                let outbox = Arc::clone(self);
                let (target, body, event_id) = (target.clone(), body.clone(), event_id.clone());
                let event_type = event_type.to_owned();
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    outbox
                        .deliver(&target, &event_id, &event_type, &body, copy > 0)
                        .await;
                });
            }
        }
    }

    /// Posts one copy of a delivery, retrying until it is acknowledged or attempts run out.
    async fn deliver(
        &self,
        target: &Target,
        event_id: &str,
        event_type: &str,
        body: &str,
        duplicate: bool,
    ) {
        let signature = target.secret.as_deref().and_then(|s| sign(s, body));
        let mut wait = FIRST_RETRY;
        for attempt in 1..=ATTEMPTS {
            let timestamp = (target.version == 2).then(|| now_ms().to_string());
            let mut entry = WebhookDelivery {
                subscription_id: target.id.clone(),
                event_id: event_id.to_owned(),
                event_type: event_type.to_owned(),
                attempt,
                duplicate,
                status: None,
                error: None,
                body: body.to_owned(),
                signature: signature.clone(),
                timestamp: timestamp.clone(),
            };
            let Some(http) = self
                .http
                .as_ref()
                .filter(|_| is_loopback(&target.destination))
            else {
                entry.error =
                    Some("not sent: the sandbox delivers to loopback destinations only".to_owned());
                self.record(entry);
                return;
            };
            let mut request = http
                .post(&target.destination)
                .header("content-type", "application/json")
                .body(body.to_owned());
            if let Some(signature) = &signature {
                request = request.header("X-WebexCC-Signature", signature);
            }
            if let Some(timestamp) = &timestamp {
                request = request.header("X-WebexCC-Timestamp", timestamp);
            }
            match request.send().await {
                Ok(response) => entry.status = Some(response.status().as_u16()),
                Err(error) => entry.error = Some(error.to_string()),
            }
            let delivered = entry.status.is_some_and(|s| (200..300).contains(&s));
            self.record(entry);
            if delivered {
                return;
            }
            tokio::time::sleep(wait).await;
            wait = wait.saturating_mul(2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_destinations_are_posted_to() {
        assert!(is_loopback("http://127.0.0.1:8080/hook"));
        assert!(is_loopback("http://localhost/hook"));
        assert!(is_loopback("http://[::1]:9/hook"));
        assert!(!is_loopback("https://hooks.example.com/hook"));
        assert!(!is_loopback("http://10.0.0.1/hook"));
        assert!(!is_loopback("not a url"));
    }
}
