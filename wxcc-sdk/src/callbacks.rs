//! Scheduled callbacks.

use reqwest::Method;
use wxcc_api::types::{
    ScheduleCallbackRequest, ScheduledCallback, ScheduledCallbackListResponse,
    UpdateScheduledCallbackRequest,
};

use crate::Client;
use crate::error::{Error, Result};

/// The largest `pageSize` the service documents for scheduled callbacks.
const MAX_PAGE_SIZE: u32 = 100;

fn path(org: &str, id: Option<&str>) -> Result<String> {
    let org = segment("organization id", org)?;
    Ok(match id {
        Some(id) => format!(
            "/v1/callbacks/organization/{org}/scheduled-callback/{}",
            segment("callback id", id)?
        ),
        None => format!("/v1/callbacks/organization/{org}/scheduled-callback"),
    })
}

/// Encodes `value` as exactly one path segment: everything but RFC 3986's unreserved
/// characters is percent-encoded (`/`, `?`, `#` and `%` included), and the values a URL parser
/// would not keep as a segment of their own are refused: `.` and `..` (even percent-encoded,
/// `%2E%2E` is still a dot segment to the parser, which would resolve it and send the request
/// elsewhere, as `DELETE /v1/subscriptions/..` becomes `DELETE /v1/`), and the empty string.
pub(crate) fn segment(field: &str, value: &str) -> Result<String> {
    if value.is_empty() || value == "." || value == ".." {
        return Err(Error::InvalidRequest(format!(
            "the {field} `{value}` cannot be a path segment (empty, `.` and `..` are refused)"
        )));
    }
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(out)
}

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
        let path = path(self.require_org_id()?, None)?;
        self.call(
            "create_scheduled_callback",
            Method::POST,
            &path,
            &[],
            Some(request),
        )
        .await
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
        let path = path(self.require_org_id()?, None)?;
        let mut params = vec![
            ("page", page.to_string()),
            ("pageSize", page_size.to_string()),
        ];
        if let Some(number) = callback_number {
            params.push(("callbackNumber", number.to_owned()));
        }
        self.call(
            "list_scheduled_callbacks",
            Method::GET,
            &path,
            &params,
            None,
        )
        .await
    }

    /// One scheduled callback.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] for an id that cannot be a path segment (empty, `.`, `..`);
    /// otherwise as [`Client::schedule_callback`].
    pub async fn scheduled_callback(&self, id: &str) -> Result<ScheduledCallback> {
        let path = path(self.require_org_id()?, Some(id))?;
        self.call("get_scheduled_callback", Method::GET, &path, &[], None)
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
        let path = path(self.require_org_id()?, Some(id))?;
        self.call(
            "update_scheduled_callback",
            Method::PUT,
            &path,
            &[],
            Some(request),
        )
        .await
    }

    /// Cancels a scheduled callback.
    ///
    /// # Errors
    ///
    /// As [`Client::schedule_callback`].
    pub async fn cancel_scheduled_callback(&self, id: &str) -> Result<()> {
        let path = path(self.require_org_id()?, Some(id))?;
        self.send(
            "delete_scheduled_callback",
            Method::DELETE,
            &path,
            &[],
            None,
        )
        .await
        .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(segment("id", "a b/c?d").unwrap(), "a%20b%2Fc%3Fd");
        assert_eq!(segment("id", "#%").unwrap(), "%23%25");
        assert_eq!(segment("id", "...").unwrap(), "...");
        assert_eq!(
            path("org-1", Some("../x")).unwrap(),
            "/v1/callbacks/organization/org-1/scheduled-callback/..%2Fx"
        );
    }

    #[test]
    fn dot_and_empty_segments_are_refused() {
        for value in ["", ".", ".."] {
            assert!(matches!(
                segment("id", value),
                Err(Error::InvalidRequest(_))
            ));
        }
        assert!(path("..", None).is_err());
        assert!(path("org-1", Some(".")).is_err());
    }
}
