//! Scheduled callbacks.

use wxcc_api::operations as ops;
use wxcc_api::types::{
    ScheduleCallbackRequest, ScheduledCallback, ScheduledCallbackListResponse,
    UpdateScheduledCallbackRequest,
};
use wxcc_auth::{Call, Operation};

use crate::Client;
use crate::error::{Error, Result};

/// The largest `pageSize` the service documents for scheduled callbacks.
const MAX_PAGE_SIZE: u32 = 100;

impl Client {
    /// Schedules a callback (the organization id comes from the client). The service checks
    /// the schedule: at most 31 days ahead, starting at least 30 minutes from now, lasting 30
    /// minutes to 8 hours.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) without an organization id; the
    /// call's error otherwise.
    pub async fn schedule_callback(
        &self,
        request: &ScheduleCallbackRequest,
    ) -> Result<ScheduledCallback> {
        let org = self.require_org_id()?;
        let call = Call::new(&ops::CREATE_SCHEDULED_CALLBACK).path_param("orgId", org);
        self.call(call.json(request)).await
    }

    /// Lists scheduled callbacks, optionally for one number, one page at a time (0-based) of
    /// 1 to 100 callbacks.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for a page size outside 1 to 100 (nothing is sent); otherwise
    /// as [`Client::schedule_callback`].
    pub async fn scheduled_callbacks(
        &self,
        callback_number: Option<&str>,
        page: u32,
        page_size: u32,
    ) -> Result<ScheduledCallbackListResponse> {
        if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
            return Err(Error::InvalidRequest(format!(
                "the page size must be 1 to {MAX_PAGE_SIZE}; got {page_size}"
            )));
        }
        let org = self.require_org_id()?;
        let mut params = vec![
            ("page", page.to_string()),
            ("pageSize", page_size.to_string()),
        ];
        if let Some(number) = callback_number {
            params.push(("callbackNumber", number.to_owned()));
        }
        let call = Call::new(&ops::LIST_SCHEDULED_CALLBACKS).path_param("orgId", org);
        self.call(call.query(&params)).await
    }

    /// One scheduled callback.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for an id that cannot be a path segment (empty, `.`, `..`);
    /// otherwise as [`Client::schedule_callback`].
    pub async fn scheduled_callback(&self, id: &str) -> Result<ScheduledCallback> {
        self.call(self.callback(&ops::GET_SCHEDULED_CALLBACK, id)?)
            .await
    }

    /// Changes a scheduled callback.
    ///
    /// # Errors
    ///
    /// As [`Client::schedule_callback`].
    pub async fn update_scheduled_callback(
        &self,
        id: &str,
        request: &UpdateScheduledCallbackRequest,
    ) -> Result<ScheduledCallback> {
        let call = self.callback(&ops::UPDATE_SCHEDULED_CALLBACK, id)?;
        self.call(call.json(request)).await
    }

    /// Cancels a scheduled callback.
    ///
    /// # Errors
    ///
    /// As [`Client::schedule_callback`].
    pub async fn cancel_scheduled_callback(&self, id: &str) -> Result<()> {
        let call = self.callback(&ops::DELETE_SCHEDULED_CALLBACK, id)?;
        self.send(call).await.map(|_| ())
    }

    /// A call of one scheduled callback of the client's organization.
    fn callback<'a>(&'a self, operation: &'static Operation, id: &'a str) -> Result<Call<'a>> {
        let org = self.require_org_id()?;
        Ok(Call::new(operation)
            .path_param("orgId", org)
            .path_param("id", id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(org: &str, id: &str) -> std::result::Result<String, Error> {
        Call::new(&ops::GET_SCHEDULED_CALLBACK)
            .path_param("orgId", org)
            .path_param("id", id)
            .path()
            .map_err(|e| Error::from(wxcc_auth::CallError::Path(e)))
    }

    #[test]
    fn path_segments_are_encoded() {
        let base = "/v1/callbacks/organization/org-1/scheduled-callback/";
        assert_eq!(
            one("org-1", "a b/c?d").unwrap(),
            format!("{base}a%20b%2Fc%3Fd")
        );
        assert_eq!(one("org-1", "#%").unwrap(), format!("{base}%23%25"));
        assert_eq!(one("org-1", "...").unwrap(), format!("{base}..."));
        assert_eq!(one("org-1", "../x").unwrap(), format!("{base}..%2Fx"));
    }

    #[test]
    fn dot_and_empty_segments_are_refused() {
        for value in ["", ".", ".."] {
            assert!(matches!(one("org-1", value), Err(Error::InvalidRequest(_))));
        }
        assert!(one("..", "c-1").is_err());
        assert!(one("org-1", ".").is_err());
    }
}
