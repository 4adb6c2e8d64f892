//! Typed refusals through the generated clients.
//!
//! Progenitor's hooks can only fail with `progenitor_client::Error::Custom(String)`, which
//! would turn "needs re-authorization" or "refused: read-only token" into text. While a call's
//! future runs inside [`capture_refusals`], the hook of the generated crate hands the typed
//! [`Error`] over here as well, and the facade's adapter picks it up, so a `client.api()` call
//! fails with the same typed error as the facade's own calls.

use std::cell::RefCell;
use std::future::Future;

use crate::Error;

tokio::task_local! {
    static REFUSED: RefCell<Option<Error>>;
}

/// The typed error a call's hook refused it with, when it ran inside [`capture_refusals`].
#[derive(Debug, Default)]
pub struct Refused(pub Option<Error>);

/// Runs `call` (a generated operation's `send()` future), keeping the typed error any hook
/// reports through [`refusal_message`] while it runs.
///
/// ```
/// use wxcc_auth::runtime::{capture_refusals, refusal_message};
/// use wxcc_auth::Error;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let (text, refused) = capture_refusals(async { refusal_message(Error::Config("no".into())) }).await;
/// assert_eq!(text, "invalid configuration: no");
/// assert!(matches!(refused.0, Some(Error::Config(_))));
/// # }
/// ```
pub async fn capture_refusals<F: Future>(call: F) -> (F::Output, Refused) {
    REFUSED
        .scope(RefCell::new(None), async move {
            let output = call.await;
            let refused = REFUSED.with(|slot| slot.borrow_mut().take());
            (output, Refused(refused))
        })
        .await
}

/// Keeps `error` for the [`capture_refusals`] around the current call, if there is one, and
/// returns its message (what progenitor's `Error::Custom` carries).
pub fn refusal_message(error: Error) -> String {
    let message = error.to_string();
    let _ = REFUSED.try_with(|slot| *slot.borrow_mut() = Some(error));
    message
}
