//! One task's life: channel, self-service, queue, agent, holds, transfers and wrap-up drawn
//! from the seeded stream, cut at the anchor when the task is still open.

use super::catalogue::{REASONS, TIERS};
use super::model::{CallbackInfo, Channel, Queue, Task, TaskState, Termination};
use super::time::{DAY, HOUR, SECOND};
use super::{CUSTOMERS, FREQUENT_CUSTOMERS};
use crate::rng::Rng;

/// The task draws of one data set: its own stream, so the organization's ids never shift
/// when the task model changes.
pub(super) struct Generator<'a> {
    pub rng: Rng,
    pub anchor: i64,
    pub queues: &'a [Queue],
    pub agents_len: usize,
    pub wrap_up_codes: Vec<u8>,
}

impl Generator<'_> {
    /// Milliseconds into a UTC day, mostly during North American business hours.
    pub(super) fn time_of_day(&mut self) -> i64 {
        if self.rng.chance(0.8) {
            13 * HOUR + self.rng.between(0, 10 * HOUR - 1)
        } else {
            self.rng.between(0, DAY - 1)
        }
    }

    fn queue_for(&mut self, channel: Channel) -> u8 {
        let candidates: Vec<usize> = self
            .queues
            .iter()
            .enumerate()
            .filter(|(_, q)| q.channel == channel)
            .map(|(i, _)| i)
            .collect();
        let pick = candidates
            .get(self.rng.index(candidates.len()))
            .copied()
            .unwrap_or(0);
        pick as u8
    }

    fn customer(&mut self) -> u32 {
        if self.rng.chance(0.25) {
            1 + self.rng.below(FREQUENT_CUSTOMERS as u64) as u32
        } else {
            1 + FREQUENT_CUSTOMERS as u32
                + self.rng.below((CUSTOMERS - FREQUENT_CUSTOMERS - 1) as u64) as u32
        }
    }

    /// One task created at `created`. `customer` and `agent` force the repeat-caller plan (an
    /// inbound call, always handled).
    pub(super) fn task(&mut self, created: i64, customer: Option<u32>, agent: Option<u8>) -> Task {
        let rng = &mut self.rng;
        let id = rng.uuid().to_string();
        let forced = customer.is_some();
        let roll = rng.unit();
        let channel = if forced || roll < 0.6 {
            Channel::Telephony
        } else if roll < 0.85 {
            Channel::Chat
        } else {
            Channel::Email
        };
        let outbound = !forced && channel == Channel::Telephony && rng.chance(0.1);
        let entry_point: u8 = match (channel, outbound) {
            (Channel::Telephony, true) => 2,
            (Channel::Telephony, false) => u8::from(rng.chance(0.3)),
            (Channel::Chat, _) => 3,
            (Channel::Email, _) => 4,
        };
        let rng = &mut self.rng;
        let selfservice_ms = match (channel, outbound) {
            (Channel::Telephony, false) => rng.between(8, 90) * SECOND,
            (Channel::Chat, _) => rng.between(0, 20) * SECOND,
            _ => 0,
        };
        let ivr_exit = !forced && !outbound && channel == Channel::Telephony && rng.chance(0.05);
        let queue = if outbound || ivr_exit {
            None
        } else {
            Some(self.queue_for(channel))
        };
        let rng = &mut self.rng;
        let queue_ms = match (queue, channel) {
            (None, _) => 0,
            (Some(_), Channel::Telephony) => rng.exp(55_000.0, 900_000.0) as i64,
            (Some(_), Channel::Chat) => rng.exp(35_000.0, 600_000.0) as i64,
            (Some(_), Channel::Email) => rng.exp(2.0 * HOUR as f64, DAY as f64) as i64,
        };
        let abandoned = !forced
            && queue.is_some()
            && channel != Channel::Email
            && rng.chance(if queue_ms > 120_000 { 0.25 } else { 0.05 });
        let handled = !ivr_exit && !abandoned;
        let agent = if handled {
            Some(agent.unwrap_or_else(|| rng.index(self.agents_len) as u8))
        } else {
            None
        };
        let ringing_ms = if handled {
            rng.between(2, 15) * SECOND
        } else {
            0
        };
        let connected_ms = match (handled, channel) {
            (false, _) => 0,
            (true, Channel::Telephony) => rng.between(45, 900) * SECOND,
            (true, Channel::Chat) => rng.between(180, 1_800) * SECOND,
            (true, Channel::Email) => rng.between(120, 1_200) * SECOND,
        };
        let hold_count = if handled && channel == Channel::Telephony && rng.chance(0.3) {
            rng.between(1, 2) as u8
        } else {
            0
        };
        let hold_ms = i64::from(hold_count) * rng.between(20, 150) * SECOND;
        let transferred = handled && rng.chance(0.1);
        let blind = transferred && rng.chance(0.5);
        let consult_count = u8::from(handled && rng.chance(0.08)) + u8::from(transferred && !blind);
        let conference_count =
            u8::from(handled && channel == Channel::Telephony && rng.chance(0.03));
        let prev_agent = if transferred {
            Some(rng.index(self.agents_len) as u8)
        } else {
            None
        };
        let prev_queue = if transferred && rng.chance(0.5) {
            Some(self.queue_for(channel))
        } else {
            None
        };
        let rng = &mut self.rng;
        let wrapup_ms = if handled {
            rng.between(10, 120) * SECOND
        } else {
            0
        };
        let mut end = created + selfservice_ms + queue_ms + ringing_ms + connected_ms;
        if abandoned {
            end = created + selfservice_ms + queue_ms;
        }
        let (state, ended) = if end < self.anchor {
            (TaskState::Ended, Some(end))
        } else if handled && created + selfservice_ms + queue_ms + ringing_ms <= self.anchor {
            (TaskState::Connected, None)
        } else if queue.is_some() && created + selfservice_ms <= self.anchor {
            (TaskState::Parked, None)
        } else {
            (TaskState::Created, None)
        };
        let agent = match state {
            TaskState::Ended | TaskState::Connected => agent,
            _ => None,
        };
        // An open task has only lived until the anchor: cut its durations there.
        let elapsed = self.anchor - created;
        let (selfservice_ms, queue_ms, ringing_ms, connected_ms, hold_ms, hold_count, wrapup_ms) =
            match state {
                TaskState::Ended => (
                    selfservice_ms,
                    queue_ms,
                    ringing_ms,
                    connected_ms,
                    hold_ms,
                    hold_count,
                    wrapup_ms,
                ),
                TaskState::Created => (elapsed, 0, 0, 0, 0, 0, 0),
                TaskState::Parked => (selfservice_ms, elapsed - selfservice_ms, 0, 0, 0, 0, 0),
                TaskState::Connected => {
                    let connected = elapsed - selfservice_ms - queue_ms - ringing_ms;
                    let (hold_ms, hold_count) = if hold_ms < connected / 2 {
                        (hold_ms, hold_count)
                    } else {
                        (0, 0)
                    };
                    (
                        selfservice_ms,
                        queue_ms,
                        ringing_ms,
                        connected,
                        hold_ms,
                        hold_count,
                        0,
                    )
                }
            };
        let is_callback = channel == Channel::Telephony
            && !outbound
            && !forced
            && queue_ms > 120_000
            && rng.chance(0.3);
        let callback = is_callback.then(|| {
            let requested = created + selfservice_ms + rng.between(30, 120) * SECOND;
            let connected = agent.map(|_| created + selfservice_ms + queue_ms);
            CallbackInfo {
                requested,
                connected,
                status: if connected.is_some() {
                    "Connected"
                } else {
                    "Failed"
                },
                retries: rng.between(0, 2) as u8,
            }
        });
        let termination = if ivr_exit {
            Termination::SelfService
        } else if abandoned {
            Termination::Abandoned
        } else {
            Termination::Normal
        };
        let wrap_codes = &self.wrap_up_codes;
        let wrapup = if agent.is_some() && state == TaskState::Ended {
            wrap_codes.get(rng.index(wrap_codes.len())).copied()
        } else {
            None
        };
        let csat = (state == TaskState::Ended && agent.is_some() && rng.chance(0.35))
            .then(|| rng.between(1, 5) as u8);
        Task {
            id,
            created,
            ended,
            channel,
            outbound,
            customer: customer.unwrap_or_else(|| self.customer()),
            entry_point,
            queue,
            prev_queue,
            agent,
            prev_agent,
            state,
            termination,
            selfservice_ms,
            queue_ms,
            ringing_ms,
            connected_ms,
            hold_ms,
            wrapup_ms,
            consult_ms: i64::from(consult_count) * self.rng.between(30, 180) * SECOND,
            conference_ms: i64::from(conference_count) * self.rng.between(60, 300) * SECOND,
            hold_count,
            transfer_count: u8::from(transferred),
            blind_transfer_count: u8::from(blind),
            consult_count,
            conference_count,
            is_callback,
            is_campaign: outbound && self.rng.chance(0.4),
            capture: channel == Channel::Telephony && agent.is_some(),
            csat,
            wrapup,
            reason: self.rng.index(REASONS.len()) as u8,
            language: if self.rng.chance(0.75) {
                0
            } else {
                1 + self.rng.index(2) as u8
            },
            tier: self.rng.index(TIERS.len()) as u8,
            priority: self.rng.between(1, 5) as u8,
            vip: self.rng.chance(0.08),
            callback,
            addresses: None,
        }
    }
}
