//! Route a returning caller to the agent they last spoke to.
//!
//! ```sh
//! cargo run -p wxcc-sdk --example route_to_last_agent            # offline, against the sandbox
//! cargo run -p wxcc-sdk --example route_to_last_agent -- +14085550123
//! ```
//!
//! With no tenant configured, the example starts the local sandbox, authorizes a connector
//! there (the sandbox approves at once), and looks up one of its seeded repeat callers. To run
//! it against your own WxCC organization, set:
//!
//! | Variable | Meaning |
//! |---|---|
//! | `WXCC_CLIENT_ID`, `WXCC_CLIENT_SECRET` | your Webex integration |
//! | `WXCC_REDIRECT_URI` | its redirect URI |
//! | `WXCC_REGION` | `us1`, `eu1`, `eu2`, `anz1`, `ca1`, `jp1` or `sg1` (or `WXCC_BASE_URL`) |
//! | `WXCC_ORG_ID` | your organization id |
//! | `WXCC_TOKEN_FILE` | where tokens are kept between runs (default `wxcc-tokens.json`) |
//!
//! The first run prints an authorization URL; open it, sign in, and paste the URL Webex
//! redirects to. Later runs reuse (and refresh) the stored tokens.
//!
//! Words: a *connector* is a Webex OAuth integration a person authorizes once, after which it
//! refreshes its own tokens; *Search* is WxCC's reporting API (GraphQL over tasks, agent
//! sessions and task legs); an *ANI* is the caller's number; `cjp:` scopes are WxCC's OAuth
//! scopes (`cjp:config_read` reads configuration and runs Search; a read-only connector asks
//! for read scopes only). `RUST_LOG=debug` shows every
//! request, one `wxcc.attempt` span per attempt.

use std::io::BufRead as _;
use std::sync::Arc;

use chrono::TimeDelta;
use wxcc_auth::{AccessLevel, Connector, FileStore, Status, TokenSource};
use wxcc_sdk::{Client, Region};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const USAGE: &str = "usage: route_to_last_agent [CALLER_NUMBER]

Finds the agent a returning caller last spoke to, the way Cisco's last-agent routing does, and
prints where to route the call. Offline by default (a local sandbox with seeded callers); set
WXCC_CLIENT_ID and the variables in the example's documentation to use your organization.
RUST_LOG=debug shows each request and retry.";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    if std::env::args().skip(1).any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return std::process::ExitCode::SUCCESS;
    }
    init_tracing();
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            let mut cause = error.source();
            while let Some(inner) = cause {
                eprintln!("  caused by: {inner}");
                cause = inner.source();
            }
            std::process::ExitCode::FAILURE
        }
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (`debug`, `wxcc_auth=debug,info`, ...); warnings
/// only when it is unset.
fn init_tracing() {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::fmt::format::FmtSpan;
    use tracing_subscriber::prelude::*;
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|value| value.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::WARN));
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_span_events(FmtSpan::CLOSE),
        )
        .with(filter)
        .init();
}

async fn run() -> Result<(), BoxError> {
    let ani_argument = std::env::args().nth(1);
    // Keep the sandbox alive until the end of `main`.
    let (client, ani, _sandbox) = match std::env::var("WXCC_CLIENT_ID") {
        Ok(client_id) => {
            let (client, default_ani) = tenant(client_id).await?;
            (
                client,
                ani_argument
                    .or(default_ani)
                    .ok_or("pass the caller's number as an argument")?,
                None,
            )
        }
        Err(_) => {
            let (client, ani, sandbox) = sandbox().await?;
            (client, ani_argument.unwrap_or(ani), Some(sandbox))
        }
    };

    // One day back, as Cisco's last-agent-routing flows look (now minus a day).
    let lookback = TimeDelta::days(1);
    println!(
        "Looking up the last agent of {ani} over the last {} day(s)...",
        lookback.num_days()
    );
    match client.last_agent_for_caller(&ani, lookback).await? {
        Some(last) => {
            println!(
                "Routing decision: queue the call to agent {} ({})",
                last.agent_name.as_deref().unwrap_or("unnamed"),
                last.agent_id
            );
            if let Some(at) = last.called_at {
                println!(
                    "  they handled this caller's call {} on {}",
                    last.task_id.as_deref().unwrap_or("?"),
                    at.format("%Y-%m-%d %H:%M UTC")
                );
            }
            if let Some(queue) = last.queue.and_then(|q| q.name) {
                println!("  in queue {queue}; fall back to it if the agent is unavailable");
            }
        }
        None => println!(
            "Routing decision: no earlier call was handled by an agent; use the normal queue"
        ),
    }
    Ok(())
}

/// Starts the sandbox and authorizes a read-only connector there, as a person would in a
/// browser: open the authorize URL, follow the redirect back with a code.
async fn sandbox() -> Result<(Client, String, wxcc_sandbox::Sandbox), BoxError> {
    let sandbox = wxcc_sandbox::Sandbox::start().await?;
    let credentials = sandbox.credentials();
    println!(
        "No WXCC_CLIENT_ID set: using the local sandbox at {}",
        sandbox.base_url()
    );
    let integration = &credentials.integration;
    let connector = Connector::builder(
        "sandbox",
        integration.client_id.clone(),
        integration.client_secret.clone(),
        integration.redirect_uri.clone(),
    )
    .access_level(AccessLevel::ReadOnly)
    .oauth_base(sandbox.oauth_base())
    .build()?;
    let request = connector.authorization_request(true)?;
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let redirect = browser.get(request.url().clone()).send().await?;
    let location = redirect
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .ok_or("the sandbox did not redirect")?;
    let (code, state) = code_and_state(location)?;
    connector.complete(&request, &state, &code).await?;
    println!(
        "Connector authorized (read-only scopes: {})",
        connector.scopes().join(" ")
    );

    let client = Client::builder()
        .base_url(sandbox.wxcc_base())
        .token_source(connector)
        .org_id(credentials.org_id.clone())
        .build()?;
    Ok((client, credentials.known.repeat_caller_ani.clone(), sandbox))
}

/// A real tenant: the connector's tokens live in a file; the first run authorizes.
async fn tenant(client_id: String) -> Result<(Client, Option<String>), BoxError> {
    let var = |name: &str| std::env::var(name).map_err(|_| format!("set {name}"));
    let token_file = std::env::var("WXCC_TOKEN_FILE").unwrap_or_else(|_| "wxcc-tokens.json".into());
    let connector = Connector::builder(
        "route-to-last-agent",
        client_id,
        var("WXCC_CLIENT_SECRET")?,
        var("WXCC_REDIRECT_URI")?,
    )
    .access_level(AccessLevel::ReadOnly)
    .store(Arc::new(FileStore::new(token_file)))
    .build()?;
    if let Err(wxcc_auth::Error::ReauthorizationRequired { .. }) = connector.token().await {
        let request = connector.authorization_request(true)?;
        println!(
            "Open this URL, sign in, then paste the URL you are redirected to:\n\n{}\n",
            request.url()
        );
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let (code, state) = code_and_state(line.trim())?;
        connector.complete(&request, &state, &code).await?;
    }
    if matches!(connector.status(), Status::ReauthorizationRequired { .. }) {
        return Err("the connector could not be authorized".into());
    }
    let mut builder = Client::builder()
        .token_source(connector)
        .org_id(var("WXCC_ORG_ID")?);
    builder = match std::env::var("WXCC_BASE_URL") {
        Ok(url) => builder.base_url(url),
        Err(_) => builder.region(var("WXCC_REGION")?.parse::<Region>()?),
    };
    Ok((builder.build()?, std::env::var("WXCC_CALLER_ANI").ok()))
}

fn code_and_state(redirect: &str) -> Result<(String, String), BoxError> {
    let url = reqwest::Url::parse(redirect)?;
    let get = |key: &str| {
        url.query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    };
    if let Some(error) = get("error") {
        return Err(format!("authorization refused: {error}").into());
    }
    Ok((
        get("code").ok_or("no code in the redirect")?,
        get("state").ok_or("no state in the redirect")?,
    ))
}
