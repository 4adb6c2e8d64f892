//! Call recordings and transcripts.

use std::time::Duration;

use wxcc_api::operations as ops;
use wxcc_api::types::{CaptureQuery, CaptureQueryRequest, CaptureQueryResponse, TaskCaptures};
use wxcc_auth::Call;

use crate::Client;
use crate::error::{Error, Result};

/// One recording file of a task, with its pre-signed download URL.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordingUrl {
    /// The task.
    pub task_id: uuid::Uuid,
    /// The file name.
    pub file_name: Option<String>,
    /// The pre-signed URL; it expires after the requested time.
    pub url: String,
}

impl Client {
    /// The captures (recordings and transcripts) of up to 10 tasks, with download URLs valid
    /// for `url_expiration` (whole minutes, at most 60). Unknown task ids come back with no
    /// recordings.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for more than 10 tasks or an expiry outside 1 to 60 minutes.
    pub async fn captures(
        &self,
        task_ids: &[uuid::Uuid],
        url_expiration: Duration,
    ) -> Result<Vec<TaskCaptures>> {
        if task_ids.is_empty() || task_ids.len() > 10 {
            return Err(Error::InvalidRequest(
                "ask for the captures of 1 to 10 tasks at a time".into(),
            ));
        }
        let minutes = url_expiration.as_secs() / 60;
        if !(1..=60).contains(&minutes) {
            return Err(Error::InvalidRequest(
                "URL expiry must be 1 to 60 minutes".into(),
            ));
        }
        let body = CaptureQueryRequest {
            query: CaptureQuery {
                include_segments: None,
                include_va_recordings: None,
                org_id: self.org_id().map(str::to_owned),
                task_ids: task_ids.to_vec(),
                url_expiration: i32::try_from(minutes).ok(),
            },
        };
        let response: CaptureQueryResponse = self
            .call(Call::new(&ops::QUERY_CAPTURES).json(&body))
            .await?;
        Ok(response.data)
    }

    /// Just the recording URLs of [`Client::captures`], in order.
    ///
    /// # Errors
    ///
    /// As [`Client::captures`].
    pub async fn recording_urls(
        &self,
        task_ids: &[uuid::Uuid],
        url_expiration: Duration,
    ) -> Result<Vec<RecordingUrl>> {
        let captures = self.captures(task_ids, url_expiration).await?;
        Ok(captures
            .into_iter()
            .flat_map(|task| {
                let task_id = task.task_id.unwrap_or_default();
                task.recording.into_iter().filter_map(move |r| {
                    Some(RecordingUrl {
                        task_id,
                        file_name: r.attributes.file_name,
                        url: r.attributes.file_path?,
                    })
                })
            })
            .collect())
    }
}
