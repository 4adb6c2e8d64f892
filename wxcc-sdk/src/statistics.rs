//! Estimated wait time, queue statistics and agent statistics.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use reqwest::StatusCode;
use wxcc_api::operations as ops;
use wxcc_api::types::{
    AgentIntervalStatistics, AgentStatisticsResponse, EstimatedWaitTimeResponse,
    QueueIntervalStatistics, QueueStatisticsResponse,
};
use wxcc_auth::Call;

use crate::Client;
use crate::client::decode;
use crate::error::{Error, Result, truncate};

/// The length of the statistics buckets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatisticsInterval {
    /// 15 minutes.
    FifteenMinutes,
    /// 30 minutes.
    ThirtyMinutes,
    /// 60 minutes.
    Hour,
}

impl StatisticsInterval {
    fn minutes(self) -> u32 {
        match self {
            StatisticsInterval::FifteenMinutes => 15,
            StatisticsInterval::ThirtyMinutes => 30,
            StatisticsInterval::Hour => 60,
        }
    }
}

const MAX_IDS: usize = 100;

fn statistics_params(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    interval: Option<StatisticsInterval>,
    ids_name: &'static str,
    ids: &[&str],
) -> Result<Vec<(&'static str, String)>> {
    if from >= to || to - from >= TimeDelta::hours(24) {
        return Err(Error::InvalidRequest(
            "statistics windows must end after they start and be shorter than 24 hours".into(),
        ));
    }
    if ids.len() > MAX_IDS {
        return Err(Error::InvalidRequest(format!(
            "at most {MAX_IDS} ids per statistics request"
        )));
    }
    let mut params = vec![
        ("from", from.timestamp_millis().to_string()),
        ("to", to.timestamp_millis().to_string()),
    ];
    if let Some(interval) = interval {
        params.push(("interval", interval.minutes().to_string()));
    }
    params.extend(ids.iter().map(|id| (ids_name, (*id).to_owned())));
    Ok(params)
}

/// The service's `estimatedWaitTime` (milliseconds, a JSON number) as a duration. Negative
/// and non-finite values mean "no estimate" as before; a value too large for a [`Duration`]
/// (`1e300`) is a decode error rather than the panic `Duration::from_secs_f64` would raise.
fn ewt_duration(millis: Option<f64>, body: &[u8]) -> Result<Option<Duration>> {
    let Some(ms) = millis.filter(|ms| ms.is_finite() && *ms >= 0.0) else {
        return Ok(None);
    };
    Duration::try_from_secs_f64(ms / 1000.0)
        .map(Some)
        .map_err(|_| Error::Decode {
            message: format!("estimatedWaitTime {ms} ms is out of range"),
            body: truncate(&String::from_utf8_lossy(body)),
        })
}

impl Client {
    /// The estimated wait time of a queue, from the last `lookback` (5 to 240 minutes) of its
    /// history, or `None` when the service has too few samples (it answers `204` then, also for
    /// an unknown queue).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for a lookback outside 5 to 240 minutes; [`Error::Decode`] for
    /// an estimate too large for a [`Duration`]; the call's error otherwise.
    pub async fn estimated_wait_time(
        &self,
        queue_id: &str,
        lookback: Duration,
    ) -> Result<Option<Duration>> {
        let minutes = lookback.as_secs() / 60;
        if !(5..=240).contains(&minutes) || !lookback.as_secs().is_multiple_of(60) {
            return Err(Error::InvalidRequest(
                "the lookback must be whole minutes from 5 to 240".into(),
            ));
        }
        let mut params = vec![
            ("queueId", queue_id.to_owned()),
            ("lookbackMinutes", minutes.to_string()),
        ];
        if let Some(org) = self.org_id() {
            params.push(("orgId", org.to_owned()));
        }
        let reply = self
            .send(Call::new(&ops::GET_ESTIMATED_WAIT_TIME).query(&params))
            .await?;
        if reply.status == StatusCode::NO_CONTENT || reply.body.is_empty() {
            return Ok(None);
        }
        let ewt: EstimatedWaitTimeResponse = decode(&reply.body)?;
        ewt_duration(ewt.estimated_wait_time, &reply.body)
    }

    /// Per-interval statistics of the given queues (all queues for an empty list) for a window
    /// shorter than 24 hours. The service rounds `from` and `to` to 15 minutes.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for a window of 24 hours or more, or more than 100 queues.
    pub async fn queue_statistics(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        interval: Option<StatisticsInterval>,
        queue_ids: &[&str],
    ) -> Result<Vec<QueueIntervalStatistics>> {
        let params = statistics_params(from, to, interval, "queueIds", queue_ids)?;
        let response: QueueStatisticsResponse = self
            .call(Call::new(&ops::GET_QUEUE_STATISTICS).query(&params))
            .await?;
        Ok(response.data)
    }

    /// Per-interval statistics of the given agents (all for an empty list) for a window shorter
    /// than 24 hours.
    ///
    /// # Errors
    ///
    /// As [`Client::queue_statistics`].
    pub async fn agent_statistics(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        interval: Option<StatisticsInterval>,
        agent_ids: &[&str],
    ) -> Result<Vec<AgentIntervalStatistics>> {
        let params = statistics_params(from, to, interval, "agentIds", agent_ids)?;
        let response: AgentStatisticsResponse = self
            .call(Call::new(&ops::GET_AGENT_STATISTICS).query(&params))
            .await?;
        Ok(response.data)
    }
}
