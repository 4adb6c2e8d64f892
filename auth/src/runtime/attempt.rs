//! The transport stage: one attempt, under a span of its own.

use reqwest::{Request, Response};
use tracing::Instrument;

/// Sends `request` once as attempt `n` of its call. The span `wxcc.attempt` sits under the
/// call's `wxcc.request` span and carries the attempt number and the response status (field
/// names from OpenTelemetry's HTTP conventions where one exists).
pub(crate) async fn send(
    client: &reqwest::Client,
    request: Request,
    n: u32,
) -> reqwest::Result<Response> {
    // The call's span keeps the latest attempt and status, as it always has; the attempt's own
    // span keeps them per attempt.
    let call = tracing::Span::current();
    call.record("attempt", n);
    let span = tracing::debug_span!(
        "wxcc.attempt",
        http.request.resend_count = n.saturating_sub(1),
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
