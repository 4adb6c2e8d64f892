//! Regression tests from the hardening audit: base URLs that used to leak credentials or
//! misroute, and ids that used to escape their path segment.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;

use engage_sdk::{Client, Error};
use wxcc_auth::StaticToken;

fn builder(base: &str) -> engage_sdk::ClientBuilder {
    Client::builder()
        .base_url(base)
        .token_source(StaticToken::new("static", "tok-static"))
}

#[test]
fn a_base_url_with_userinfo_is_refused_and_its_password_never_shown() {
    for base in [
        "https://tenant:hunter2@api-us-site-1.imiengage.io/api/v1",
        "https://:hunter2@api-us-site-1.imiengage.io/api/v1",
        "https://hunter2@api-us-site-1.imiengage.io",
    ] {
        let builder = builder(base);
        let shown = format!("{builder:?}");
        assert!(!shown.contains("hunter2"), "the builder shows it: {shown}");
        let result = builder.build();
        let Err(error) = &result else {
            panic!("{base} was accepted: {result:?}");
        };
        assert!(matches!(error, Error::Config(_)), "{base}: {error:?}");
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("credentials"), "{shown}");
    }
    // Even a URL that does not parse is never echoed (it may hold a password).
    let error = builder("https://tenant:hunter2@exa mple.com")
        .build()
        .unwrap_err();
    assert!(!format!("{error} {error:?}").contains("hunter2"), "{error}");
}

#[test]
fn a_base_url_with_a_query_or_fragment_or_another_scheme_is_refused() {
    for base in [
        "https://api-us-site-1.imiengage.io/api/v1?tenant=1",
        "https://api-us-site-1.imiengage.io/api/v1?",
        "https://api-us-site-1.imiengage.io/api/v1#x",
        "ftp://api-us-site-1.imiengage.io/api/v1",
    ] {
        let result = builder(base).build();
        assert!(
            matches!(result, Err(Error::Config(_))),
            "{base}: {result:?}"
        );
    }
    let client = builder(" http://127.0.0.1:9/api/v1/ ").build().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9/api/v1");
}
