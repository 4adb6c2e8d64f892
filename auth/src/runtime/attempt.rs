//! The transport stage: one attempt, under a span of its own.

use reqwest::{Request, Response};
use tracing::Instrument;

/// Sends `request` once as attempt `n` of its call; `reason` says why an attempt after the
/// first was made. The span `wxcc.attempt` sits under the call's `wxcc.request` span (which
/// has the operation id) and carries the attempt number, the tracking id, the retry reason and
/// the response status, with OpenTelemetry's HTTP field names where one exists
/// (`http.request.resend_count`, `http.response.status_code`).
pub(crate) async fn send(
    client: &reqwest::Client,
    request: Request,
    n: u32,
    reason: Option<&'static str>,
) -> reqwest::Result<Response> {
    // The call's span keeps the latest attempt and status, as it always has; the attempt's own
    // span keeps them per attempt.
    let call = tracing::Span::current();
    call.record("attempt", n);
    let tracking_id = request
        .headers()
        .get(super::TRACKING_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let span = tracing::debug_span!(
        "wxcc.attempt",
        attempt = n,
        http.request.resend_count = n.saturating_sub(1),
        tracking_id = %tracking_id,
        retry.reason = reason.unwrap_or(""),
        http.response.status_code = tracing::field::Empty,
    );
    async {
        let result = client.execute(request).await;
        match &result {
            Ok(response) => {
                let status = response.status().as_u16();
                call.record("status", status);
                tracing::Span::current().record("http.response.status_code", status);
                tracing::debug!(status, attempt = n, "response");
            }
            Err(error) => {
                tracing::debug!(error = %super::describe(error), attempt = n, "transport error");
            }
        }
        result
    }
    .instrument(span)
    .await
}
