//! Talking to OAuth token endpoints: the form and JSON token calls, reading their answers
//! without panicking or echoing secrets, and the small helpers every token source shares.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::{Clock, Error};

/// Webex's OAuth base, used by connectors and service apps unless configured otherwise.
pub const WEBEX_OAUTH_BASE: &str = "https://webexapis.com/v1";

/// What a token endpoint returned, with expiries made absolute on receipt.
pub(crate) struct Issued {
    pub access_token: SecretString,
    pub access_expires_at: Option<DateTime<Utc>>,
    pub refresh_token: Option<SecretString>,
    pub refresh_expires_at: Option<DateTime<Utc>>,
    pub scopes: Vec<String>,
}

#[derive(Deserialize)]
struct Wire {
    access_token: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    refresh_token: Option<String>,
    #[serde(default)]
    refresh_token_expires_in: Option<serde_json::Value>,
    #[serde(default)]
    scope: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
struct WireError {
    error: Option<String>,
    error_description: Option<String>,
    message: Option<String>,
}

/// A token endpoint and the HTTP client that calls it.
#[derive(Clone, Debug)]
pub(crate) struct Endpoint {
    pub http: reqwest::Client,
    pub url: reqwest::Url,
}

impl Endpoint {
    /// A form POST (`application/x-www-form-urlencoded`), the standard OAuth call. `secrets`
    /// are the secret values the form carries: some endpoints echo the request in their error
    /// text, so they are cut out of whatever comes back.
    pub async fn form(
        &self,
        source_name: &str,
        form: &[(&str, &str)],
        secrets: &[&str],
        clock: &dyn Clock,
    ) -> Result<Issued, Error> {
        let request = self.http.post(self.url.clone()).form(form);
        self.send(source_name, request, secrets, clock).await
    }

    /// A JSON POST with an optional bearer, as the Webex service-app token call wants. The
    /// bearer and `secrets` (the secret values in `body`) are cut out of the answer.
    pub async fn json(
        &self,
        source_name: &str,
        body: &serde_json::Value,
        secrets: &[&str],
        bearer: Option<&SecretString>,
        clock: &dyn Clock,
    ) -> Result<Issued, Error> {
        let mut request = self.http.post(self.url.clone()).json(body);
        let mut all = secrets.to_vec();
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer.expose_secret());
            all.push(bearer.expose_secret());
        }
        self.send(source_name, request, &all, clock).await
    }

    async fn send(
        &self,
        source_name: &str,
        request: reqwest::RequestBuilder,
        secrets: &[&str],
        clock: &dyn Clock,
    ) -> Result<Issued, Error> {
        let transport = |e: reqwest::Error| Error::Transport {
            source_name: source_name.to_owned(),
            message: crate::runtime::describe(&e),
        };
        // Lifetimes count from when the request left, not from when the answer arrived: the
        // server started the token's life somewhere in between, so this is the one estimate
        // that never outlives the server's own expiry. Under load the answer can take seconds,
        // and counting from its arrival would plan refreshes for after the token died.
        let sent = clock.now();
        let response = request
            .header("accept", "application/json")
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(transport)?;
        decode(source_name, status.as_u16(), &bytes, sent, secrets)
    }
}

/// Reads a token endpoint's answer: a token response for a 2xx status, an OAuth (or Webex)
/// error body otherwise. Nothing a server sends makes it panic, and no text taken from the
/// answer keeps any of `secrets` (the secret values the request carried). Lifetimes count
/// from `sent`, when the request left.
fn decode(
    source_name: &str,
    status: u16,
    bytes: &[u8],
    sent: DateTime<Utc>,
    secrets: &[&str],
) -> Result<Issued, Error> {
    if !(200..300).contains(&status) {
        let body: WireError = serde_json::from_slice(bytes).unwrap_or_default();
        let scrub = |text: String| scrub(&text, secrets);
        return Err(Error::TokenEndpoint {
            source_name: source_name.to_owned(),
            status,
            code: body.error.map(scrub),
            description: body.error_description.or(body.message).map(scrub),
        });
    }
    let invalid = |message: &str| Error::InvalidTokenResponse {
        source_name: source_name.to_owned(),
        message: message.to_owned(),
    };
    let wire: Wire = serde_json::from_slice(bytes)
        .map_err(|_| invalid("the body is not a JSON token response"))?;
    let access_token = wire
        .access_token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| invalid("no access_token"))?;
    Ok(Issued {
        access_token: SecretString::from(access_token),
        access_expires_at: seconds(wire.expires_in.as_ref()).and_then(|s| after(sent, s)),
        refresh_token: wire
            .refresh_token
            .filter(|t| !t.is_empty())
            .map(SecretString::from),
        refresh_expires_at: seconds(wire.refresh_token_expires_in.as_ref())
            .and_then(|s| after(sent, s)),
        // Scopes show in Debug output; an endpoint that echoes the request could put it here.
        scopes: match wire.scope {
            Some(serde_json::Value::String(s)) => s
                .split_whitespace()
                .map(|scope| scrub(scope, secrets))
                .collect(),
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(|scope| scrub(scope, secrets)))
                .collect(),
            _ => Vec::new(),
        },
    })
}

/// What replaces a secret in text taken from a server.
pub(crate) const REDACTED: &str = "[redacted]";

/// The longest text kept from a server's error answer, in characters.
pub(crate) const MAX_SERVER_TEXT: usize = 512;

/// Text from a server made fit for errors and logs: every occurrence of each secret (as sent,
/// form-encoded, percent-encoded or JSON-escaped, as an echo of the request would carry it)
/// replaced by [`REDACTED`], control characters (which could forge log lines) replaced by
/// spaces, and the result cut at [`MAX_SERVER_TEXT`] characters. Redaction comes first so
/// that a cut never leaves the start of a secret behind.
pub(crate) fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut forms: Vec<String> = secrets
        .iter()
        .filter(|s| !s.is_empty())
        .flat_map(|s| encodings(s))
        .collect();
    // Longest first, so a secret that contains another is replaced whole.
    forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    forms.dedup();
    let mut text = text.to_owned();
    for form in &forms {
        if text.contains(form.as_str()) {
            text = text.replace(form.as_str(), REDACTED);
        }
    }
    let mut kept: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_SERVER_TEXT)
        .collect();
    if text.chars().nth(MAX_SERVER_TEXT).is_some() {
        kept.push('…');
    }
    kept
}

/// The forms a secret takes in a request: as is, `application/x-www-form-urlencoded` (what
/// `reqwest` sends), RFC 3986 percent-encoding, both with lower-case hex, and JSON-escaped.
fn encodings(secret: &str) -> Vec<String> {
    fn percent(secret: &str, keep: &[u8], space: &str, upper: bool) -> String {
        let mut out = String::with_capacity(secret.len());
        for &b in secret.as_bytes() {
            if b.is_ascii_alphanumeric() || keep.contains(&b) {
                out.push(char::from(b));
            } else if b == b' ' {
                out.push_str(space);
            } else if upper {
                out.push_str(&format!("%{b:02X}"));
            } else {
                out.push_str(&format!("%{b:02x}"));
            }
        }
        out
    }
    let mut forms = vec![secret.to_owned()];
    for upper in [true, false] {
        forms.push(percent(secret, b"*-._", "+", upper));
        forms.push(percent(secret, b"-._~", "%20", upper));
    }
    if let Ok(json) = serde_json::to_string(secret) {
        forms.push(
            json.trim_start_matches('"')
                .trim_end_matches('"')
                .to_owned(),
        );
    }
    forms
}

/// The longest lifetime taken from a token endpoint: ten years. A server that says more (up to
/// `u64::MAX` seconds, which no date type holds) gets this: a token thought to expire early is
/// only refreshed early, while an unchecked value would overflow the date arithmetic.
pub(crate) const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(10 * 365 * 24 * 60 * 60);

/// `expires_in` arrives as a number or, from some servers, as a numeric string. Negative,
/// fractional-negative or non-numeric values mean "unknown"; values too large for a `u64`
/// saturate (and are clamped by [`after`]).
fn seconds(value: Option<&serde_json::Value>) -> Option<u64> {
    match value? {
        serde_json::Value::Number(n) => n.as_u64().or_else(|| {
            // Floats (`3599.5`, `1e30`): truncated; `as` saturates at u64::MAX.
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .map(|f| f as u64)
        }),
        serde_json::Value::String(s) => {
            let s = s.trim();
            match s.parse::<u64>() {
                Ok(n) => Some(n),
                Err(_) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => Some(u64::MAX),
                Err(_) => None,
            }
        }
        _ => None,
    }
}

fn after(now: DateTime<Utc>, seconds: u64) -> Option<DateTime<Utc>> {
    let seconds = seconds.min(MAX_TOKEN_LIFETIME.as_secs());
    now.checked_add_signed(TimeDelta::try_seconds(i64::try_from(seconds).ok()?)?)
}

/// Whether a token endpoint's refusal means the grant or the credentials are no good (as
/// opposed to a passing failure): OAuth's `invalid_grant`, `invalid_client`,
/// `unauthorized_client`, `invalid_token`, or any 400/401 without a more specific code.
pub(crate) fn is_rejection(error: &Error) -> bool {
    match error {
        Error::TokenEndpoint { status, code, .. } => {
            matches!(
                code.as_deref(),
                Some("invalid_grant" | "invalid_client" | "unauthorized_client" | "invalid_token")
            ) || (matches!(status, 400 | 401) && code.as_deref() != Some("invalid_request"))
        }
        _ => false,
    }
}

/// Random URL-safe text (for `state` and PKCE verifiers).
pub(crate) fn random_text(bytes: usize) -> Result<String, Error> {
    use base64::Engine as _;
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|e| Error::Config(format!("no OS randomness: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer))
}

/// Parses a configured URL into a clear error.
pub(crate) fn parse_url(what: &str, url: &str) -> Result<reqwest::Url, Error> {
    reqwest::Url::parse(url).map_err(|e| Error::Config(format!("{what} `{url}` is not a URL: {e}")))
}

/// The HTTP client for token calls: short timeouts and no redirects (following a redirect
/// from a token endpoint could hand credentials to another host).
pub(crate) fn token_http() -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

    use proptest::prelude::*;

    use super::*;

    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        prop_oneof![
            Just(DateTime::<Utc>::MIN_UTC),
            Just(DateTime::<Utc>::MAX_UTC),
            (DateTime::<Utc>::MIN_UTC.timestamp()..=DateTime::<Utc>::MAX_UTC.timestamp())
                .prop_map(|s| DateTime::from_timestamp(s, 0).unwrap_or_default()),
        ]
    }

    /// Every shape a duration field has been seen in, and a few it should never be in.
    fn duration_field() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        prop_oneof![
            any::<u64>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            Just(Value::from(9_300_000_000_000_000u64)),
            Just(Value::from(u64::MAX)),
            "[0-9]{0,40}".prop_map(Value::from),
            " ?-?[0-9]{1,25}(\\.[0-9]{0,5})? ?".prop_map(Value::from),
            any::<String>().prop_map(Value::from),
            Just(Value::Null),
            Just(serde_json::json!({"seconds": 1})),
        ]
    }

    /// Reads ten seconds later each time it is asked: an answer that took that long.
    #[derive(Debug, Default)]
    struct SlowAnswers(std::sync::atomic::AtomicI64);

    impl Clock for SlowAnswers {
        fn now(&self) -> DateTime<Utc> {
            let step = self.0.fetch_add(10, std::sync::atomic::Ordering::SeqCst);
            DateTime::from_timestamp(1_000_000 + step, 0).unwrap()
        }
    }

    #[tokio::test]
    async fn a_lifetime_counts_from_when_the_request_left() {
        let server = httpmock::MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method("POST").path("/access_token");
                then.status(200).json_body(serde_json::json!({
                    "access_token": "a", "expires_in": 60,
                    "refresh_token": "r", "refresh_token_expires_in": 600,
                }));
            })
            .await;
        let endpoint = Endpoint {
            http: reqwest::Client::new(),
            url: server.url("/access_token").parse().unwrap(),
        };
        let clock = SlowAnswers::default();
        let issued = endpoint
            .form("p", &[("grant_type", "refresh_token")], &[], &clock)
            .await
            .unwrap();
        // The clock read 1,000,000 when the request left; had the lifetimes counted from the
        // answer, they would end ten seconds after the server's.
        let at = |s| DateTime::from_timestamp(s, 0);
        assert_eq!(issued.access_expires_at, at(1_000_060));
        assert_eq!(issued.refresh_expires_at, at(1_000_600));
    }

    #[test]
    fn long_descriptions_are_cut_on_a_character_boundary_after_redaction() {
        let text = format!("{}s3cret\nand more", "é".repeat(600));
        let scrubbed = scrub(&text, &["s3cret"]);
        assert_eq!(scrubbed.chars().count(), MAX_SERVER_TEXT + 1);
        assert!(scrubbed.ends_with('…'));
        let short = scrub(
            "you sent client_secret=s3cret%2B1\r\nX-Forged: yes",
            &["s3cret+1"],
        );
        assert_eq!(short, "you sent client_secret=[redacted]  X-Forged: yes");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_body_with_any_status_decodes_or_fails_without_panicking(
            status in any::<u16>(),
            body in proptest::collection::vec(any::<u8>(), 0..256),
            now in instant(),
        ) {
            match decode("p", status, &body, now, &["s3cret"]) {
                Ok(issued) => prop_assert!((200..300).contains(&status) && !issued.access_token.expose_secret().is_empty()),
                Err(error) => { let _ = format!("{error} {error:?}"); }
            }
        }

        #[test]
        fn token_responses_with_any_durations_decode_with_clamped_expiries(
            expires_in in duration_field(),
            refresh_in in duration_field(),
            scope in prop_oneof![any::<String>().prop_map(serde_json::Value::from), Just(serde_json::json!(["a", 1, null])), Just(serde_json::Value::Null)],
            now in instant(),
        ) {
            let body = serde_json::json!({
                "access_token": "a", "expires_in": expires_in,
                "refresh_token": "r", "refresh_token_expires_in": refresh_in, "scope": scope,
            });
            let issued = decode("p", 200, body.to_string().as_bytes(), now, &[]).unwrap();
            let latest = now.checked_add_signed(TimeDelta::from_std(MAX_TOKEN_LIFETIME).unwrap());
            for at in [issued.access_expires_at, issued.refresh_expires_at].into_iter().flatten() {
                prop_assert!(at >= now);
                prop_assert!(latest.is_none_or(|latest| at <= latest));
            }
        }

        #[test]
        fn scrubbed_text_keeps_no_form_of_any_secret_and_stays_short(
            before in "[ -~é€]{0,600}",
            after in "[ -~é€]{0,600}",
            secret in "[A-Za-z0-9/+=&%._~!\"\\\\é -]{4,40}",
        ) {
            prop_assume!(!REDACTED.contains(secret.as_str()));
            for form in encodings(&secret) {
                let text = format!("{before}{form}{after}");
                let scrubbed = scrub(&text, &[&secret]);
                prop_assert!(!scrubbed.contains(secret.as_str()), "{scrubbed}");
                prop_assert!(!scrubbed.contains(form.as_str()), "{scrubbed}");
                prop_assert!(scrubbed.chars().count() <= MAX_SERVER_TEXT + 1);
            }
        }

        #[test]
        fn oauth_error_bodies_of_any_content_become_token_endpoint_errors(
            status in 400u16..600,
            error in proptest::option::of(any::<String>()),
            description in proptest::option::of(any::<String>()),
            message in proptest::option::of(any::<String>()),
        ) {
            let body = serde_json::json!({"error": error, "error_description": description, "message": message});
            let decoded = decode("p", status, body.to_string().as_bytes(), Utc::now(), &[]);
            let Err(error @ Error::TokenEndpoint { .. }) = decoded else {
                return Err(TestCaseError::fail("an error status is a token endpoint error"));
            };
            let _ = format!("{error} {error:?}");
        }
    }
}
