//! Handling each event once: WxCC delivers webhooks at least once, retries them, and a bot may
//! see one event both from the websocket and from a webhook, so handlers are keyed by event id.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::Mutex;

use super::Event;

/// What [`Deduplicator::handle`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub enum Handled<T> {
    /// The event was new: the handler ran and returned this.
    Ran(T),
    /// The event's id was seen before: the handler did not run.
    Duplicate,
}

/// Remembers the ids of the last `capacity` events handled, and runs a handler only for an
/// event whose id it has not seen. Memory is bounded: past `capacity`, the oldest ids are
/// forgotten (first in, first out), so a duplicate arriving after `capacity` newer events runs
/// again. Events without an id cannot be told apart and always run. Shareable across tasks
/// (`&self`; a lock inside, never held while a handler runs).
///
/// ```
/// use wxcc_sdk::events::{Deduplicator, Event, Handled};
///
/// let dedupe = Deduplicator::new(10_000);
/// let frame = serde_json::json!({"trackingId": "n1", "data": {"type": "ContactEnded", "interactionId": "t1"}});
/// let event = Event::from_notification(&frame);
/// assert_eq!(dedupe.handle(&event, |e| e.name().to_owned()), Handled::Ran("ContactEnded".into()));
/// assert_eq!(dedupe.handle(&event, |_| unreachable!()), Handled::Duplicate);
/// ```
pub struct Deduplicator {
    seen: Mutex<Seen>,
}

struct Seen {
    capacity: usize,
    ids: HashSet<String>,
    order: VecDeque<String>,
}

impl Deduplicator {
    /// Remembers up to `capacity` ids (at least one).
    pub fn new(capacity: usize) -> Deduplicator {
        Deduplicator {
            seen: Mutex::new(Seen {
                capacity: capacity.max(1),
                ids: HashSet::new(),
                order: VecDeque::new(),
            }),
        }
    }

    /// Whether `event` is new, recording its id if so. Events without an id are always new.
    pub fn first_time(&self, event: &Event) -> bool {
        let Some(id) = event.id.as_deref() else {
            return true;
        };
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.ids.contains(id) {
            return false;
        }
        while seen.order.len() >= seen.capacity {
            if let Some(old) = seen.order.pop_front() {
                seen.ids.remove(&old);
            }
        }
        seen.ids.insert(id.to_owned());
        seen.order.push_back(id.to_owned());
        true
    }

    /// Runs `handler` if `event` is new. The id is recorded before the handler runs, so two
    /// tasks handed the same event at once run it once; if the handler fails and the event
    /// should run again when redelivered, call [`Deduplicator::forget`].
    pub fn handle<T>(&self, event: &Event, handler: impl FnOnce(&Event) -> T) -> Handled<T> {
        if self.first_time(event) {
            Handled::Ran(handler(event))
        } else {
            Handled::Duplicate
        }
    }

    /// Forgets an id, so its next delivery runs.
    pub fn forget(&self, id: &str) {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.ids.remove(id) {
            seen.order.retain(|old| old != id);
        }
    }

    /// How many ids are remembered.
    pub fn len(&self) -> usize {
        self.seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .ids
            .len()
    }

    /// Whether no id is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for Deduplicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seen = self
            .seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f.debug_struct("Deduplicator")
            .field("capacity", &seen.capacity)
            .field("remembered", &seen.ids.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::Utc;
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::Sha256;

    use super::*;
    use crate::webhooks::WebhookVerifier;

    fn sign(body: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
        mac.update(body.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// WxCC retries a delivery until it is acknowledged; behind a load balancer the retry can
    /// reach another replica, whose verifier has not seen it. The shared deduplicator runs the
    /// handler once.
    #[test]
    fn a_webhook_delivered_twice_is_handled_once() {
        let body = format!(
            r#"{{"id":"evt-7","specversion":"1.0","type":"task:ended","comciscoorgid":"o","comciscotimestamp":{},"data":{{"taskId":"t1"}}}}"#,
            Utc::now().timestamp_millis()
        );
        let replicas = [
            WebhookVerifier::new("s3cret").unwrap(),
            WebhookVerifier::new("s3cret").unwrap(),
        ];
        let dedupe = Deduplicator::new(100);
        let mut handled = 0;
        for verifier in &replicas {
            let delivery = verifier
                .verify(body.as_bytes(), Some(&sign(&body)), None)
                .unwrap();
            let _ = dedupe.handle(&Event::from(delivery), |_| handled += 1);
        }
        assert_eq!(handled, 1);
    }

    #[test]
    fn memory_is_bounded_and_ids_can_be_forgotten() {
        let dedupe = Deduplicator::new(3);
        let event = |id: &str| {
            Event::from_notification(&serde_json::json!({"trackingId": id, "type": "x"}))
        };
        for i in 0..10 {
            assert!(dedupe.first_time(&event(&i.to_string())));
        }
        assert_eq!(dedupe.len(), 3);
        assert!(!dedupe.first_time(&event("9")));
        assert!(dedupe.first_time(&event("0")), "the oldest were forgotten");
        dedupe.forget("9");
        assert!(dedupe.first_time(&event("9")));
        let anonymous = Event::from_notification(&serde_json::json!({"type": "x"}));
        assert!(dedupe.first_time(&anonymous) && dedupe.first_time(&anonymous));
    }
}
