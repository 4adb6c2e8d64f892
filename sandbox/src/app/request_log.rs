//! The request log: what was asked and answered, in order of arrival, for tests that count
//! attempts (retries, requests a client gave up on).

use std::collections::VecDeque;

/// One request the sandbox received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    /// The HTTP method.
    pub method: String,
    /// The path, as sent (`/wxcc/v1/tasks`).
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// The status answered; `None` while the request is being handled, and for good when no
    /// answer was sent: an injected fault dropped the connection, or the client gave up first
    /// (during a delay fault, say).
    pub status: Option<u16>,
    /// Whether the request carried an `Authorization` header.
    pub authorization: bool,
    /// The request's `TrackingId` header, if any.
    pub tracking_id: Option<String>,
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
    pub(super) fn push(&mut self, record: RequestRecord) -> u64 {
        if self.records.len() >= LOG_LIMIT {
            self.records.pop_front();
            self.removed += 1;
        }
        self.records.push_back(record);
        self.removed + self.records.len() as u64 - 1
    }

    pub(super) fn set_status(&mut self, sequence: u64, status: u16) {
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
}
