//! Which `webSocketUrl`s the client opens. The subscribe answer names the socket to connect
//! to; a tampered or misrouted answer must not send the session (and what it reveals) to
//! anyone else, so the URL must be `wss://` on one of Cisco's domains, as Cisco's own SDK
//! requires (`cisco.com`, `ciscoccservice.com`, or a subdomain of one).

use reqwest::Url;

use super::NotificationError;

/// The domains Cisco's `@webex/contact-center` SDK accepts a `webSocketUrl` from.
pub(super) const CISCO_DOMAINS: &[&str] = &["cisco.com", "ciscoccservice.com"];

/// What the client trusts.
#[derive(Clone, Debug)]
pub(super) struct Trust {
    pub domains: Vec<String>,
    /// Also `ws://` or `wss://` on a loopback host (a local sandbox).
    pub loopback: bool,
}

impl Default for Trust {
    fn default() -> Self {
        Trust {
            domains: CISCO_DOMAINS.iter().map(|d| (*d).to_owned()).collect(),
            loopback: false,
        }
    }
}

impl Trust {
    /// The URL to connect to, or why it is refused (naming the scheme and host only: the
    /// path identifies the session).
    pub(super) fn check(&self, raw: &str) -> Result<Url, NotificationError> {
        let refuse = |reason: String| NotificationError::UntrustedUrl { reason };
        let url = Url::parse(raw.trim())
            .map_err(|e| refuse(format!("the webSocketUrl is not a URL ({e})")))?;
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refuse(format!(
                "the webSocketUrl for {host} carries credentials"
            )));
        }
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let loopback = host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if self.loopback && loopback && matches!(url.scheme(), "ws" | "wss") {
            return Ok(url);
        }
        if url.scheme() != "wss" {
            return Err(refuse(format!(
                "the webSocketUrl for {host} is {}://, not wss://",
                url.scheme()
            )));
        }
        let trusted = self.domains.iter().any(|domain| {
            let domain = domain.trim().trim_start_matches('.').to_ascii_lowercase();
            !domain.is_empty()
                && (host == domain
                    || host
                        .strip_suffix(&domain)
                        .is_some_and(|rest| rest.ends_with('.')))
        });
        if trusted {
            Ok(url)
        } else {
            Err(refuse(format!(
                "the webSocketUrl's host {host} is not in the trusted domains ({})",
                self.domains.join(", ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_wss_on_a_trusted_domain_is_opened() {
        let trust = Trust::default();
        assert!(
            trust
                .check("wss://notifs.wxcc-us1.cisco.com/ws/v1/x")
                .is_ok()
        );
        assert!(trust.check("wss://cisco.com/x").is_ok());
        assert!(trust.check("wss://a.b.ciscoccservice.com/x").is_ok());
        for bad in [
            "ws://notifs.wxcc-us1.cisco.com/x",
            "https://notifs.cisco.com/x",
            "wss://evilcisco.com/x",
            "wss://cisco.com.evil.example/x",
            "wss://u:p@notifs.cisco.com/x",
            "wss://127.0.0.1:9/x",
            "not a url",
        ] {
            let error = trust.check(bad).unwrap_err().to_string();
            assert!(!error.contains("/x"), "{error}");
        }
        let sandbox = Trust {
            loopback: true,
            ..Trust::default()
        };
        assert!(sandbox.check("ws://127.0.0.1:4000/notifs/v1/x").is_ok());
        assert!(sandbox.check("ws://[::1]:4000/x").is_ok());
        assert!(sandbox.check("ws://10.0.0.1:4000/x").is_err());
    }
}
