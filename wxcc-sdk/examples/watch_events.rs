//! Watch an agent's real-time events: tasks offered, answered, ended, wrapped up; state
//! changes; the connection dropping and coming back.
//!
//! ```sh
//! cargo run -p wxcc-sdk --example watch_events              # offline, against the sandbox
//! WXCC_TOKEN=... WXCC_REGION=us1 cargo run -p wxcc-sdk --example watch_events -- --max 20
//! ```
//!
//! With no tenant configured, the example starts the local sandbox, opens the notification
//! stream, creates a task through the API and prints its lifecycle as the sandbox plays it
//! (about ten seconds), changes the agent's state, and drops the socket once to show the
//! reconnect. Against your organization it prints events as they come until `--max` of them
//! (default: until interrupted). Set:
//!
//! | Variable | Meaning |
//! |---|---|
//! | `WXCC_TOKEN` | an access token of the user (agent) to watch, with the `cjp:user` scope |
//! | `WXCC_REGION` | `us1`, `eu1`, `eu2`, `anz1`, `ca1`, `jp1` or `sg1` (or `WXCC_BASE_URL`) |
//! | `WXCC_ORG_ID` | your organization id (optional) |
//!
//! Words: a *task* is one contact (call, chat, email) from offer to wrap-up; the
//! *notification websocket* is where WxCC sends an agent's events, registered with
//! `POST /v1/notification/subscribe`. `RUST_LOG=debug` shows each request and the socket's
//! reconnects.

use std::time::Duration;

use futures_util::StreamExt;
use wxcc_api::types::AgentStateChangeRequest;
use wxcc_auth::StaticToken;
use wxcc_sdk::events::{AgentEvent, Event, EventKind, TaskEvent};
use wxcc_sdk::notifications::{Notification, Notifications};
use wxcc_sdk::{Client, NewTask, Region, TypedErrors};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const USAGE: &str = "usage: watch_events [--max N]

Prints an agent's real-time events (tasks offered, assigned, ended, wrapped up; state changes;
reconnects) from the WxCC notification websocket. Offline by default: a local sandbox plays a
task's lifecycle. Set WXCC_TOKEN and WXCC_REGION (or WXCC_BASE_URL) to watch your organization;
--max N stops after N events. RUST_LOG=debug shows each request and reconnect.";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return std::process::ExitCode::SUCCESS;
    }
    init_tracing();
    match run(&args).await {
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

/// Logs to stderr, filtered by `RUST_LOG`; warnings only when it is unset.
fn init_tracing() {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|value| value.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::WARN));
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(filter)
        .init();
}

async fn run(args: &[String]) -> Result<(), BoxError> {
    let max = match args {
        [] => None,
        [flag, n] if flag == "--max" => {
            Some(n.parse::<usize>().map_err(|_| "--max takes a number")?)
        }
        _ => return Err(format!("unexpected arguments {args:?}\n\n{USAGE}").into()),
    };
    match std::env::var("WXCC_TOKEN") {
        Ok(token) => tenant(token, max).await,
        Err(_) => offline().await,
    }
}

/// Your organization: print events as they come.
async fn tenant(token: String, max: Option<usize>) -> Result<(), BoxError> {
    let mut builder = Client::builder().token_source(StaticToken::new("watch-events", token));
    builder = match std::env::var("WXCC_BASE_URL") {
        Ok(url) => builder.base_url(url),
        Err(_) => builder.region(
            std::env::var("WXCC_REGION")
                .map_err(|_| "set WXCC_REGION or WXCC_BASE_URL")?
                .parse::<Region>()?,
        ),
    };
    if let Ok(org) = std::env::var("WXCC_ORG_ID") {
        builder = builder.org_id(org);
    }
    let client = builder.build()?;
    let mut events = client
        .notifications()
        .client_type("watch-events")
        .connect()
        .await?;
    println!(
        "Watching agent {}",
        events.agent_id().unwrap_or("(unnamed)")
    );
    let mut seen = 0;
    while max.is_none_or(|max| seen < max) {
        let Some(item) = events.next().await else {
            break;
        };
        if let Notification::Event(_) = print(item?) {
            seen += 1;
        }
    }
    Ok(())
}

/// The sandbox: a task's lifecycle, a state change and a reconnect.
async fn offline() -> Result<(), BoxError> {
    let sandbox = wxcc_sandbox::Sandbox::start().await?;
    println!(
        "No WXCC_TOKEN set: using the local sandbox at {}",
        sandbox.base_url()
    );
    let credentials = sandbox.credentials();
    let token = sandbox.mint_access_token(&["cjp:user", "cjp:config_read"]);
    let client = Client::builder()
        .base_url(sandbox.wxcc_base())
        .token_source(StaticToken::new("sandbox", token))
        .org_id(credentials.org_id.clone())
        .build()?;
    // The sandbox hands out ws://127.0.0.1 URLs; against Cisco only wss:// on Cisco's domains
    // is accepted.
    let mut events = client
        .notifications()
        .trust_loopback(true)
        .connect()
        .await?;
    println!(
        "Watching agent {}",
        events.agent_id().unwrap_or("(unnamed)")
    );

    let task = client
        .create_task(NewTask::outdial(
            "+14085550199",
            &credentials.known.entry_point_id,
            "+14085550100",
        ))
        .await?;
    println!("Created task {task}; the sandbox offers it to this agent");
    until(&mut events, |event| {
        matches!(event.kind, EventKind::Task(TaskEvent::WrappedUp(_)))
    })
    .await?;

    // No facade call for agent state yet: the generated operation, with the SDK's errors.
    let change = AgentStateChangeRequest {
        agent_id: None,
        aux_code_id: "0".into(),
        last_state_change_reason: Some("break".into()),
        state: "Idle".into(),
    };
    client
        .api()
        .set_agent_state()
        .body(change)
        .send()
        .typed()
        .await?;
    until(&mut events, |event| {
        matches!(event.kind, EventKind::Agent(AgentEvent::StateChanged(_)))
    })
    .await?;

    println!("Dropping the socket, as a network failure would");
    sandbox.drop_notification_sockets();
    loop {
        let item = tokio::time::timeout(Duration::from_secs(30), events.next())
            .await
            .map_err(|_| "no reconnect within 30 s")?
            .ok_or("the stream ended")?;
        if let Notification::Reconnected { .. } = print(item?) {
            return Ok(());
        }
    }
}

/// Prints items until an event passes `done`.
async fn until(events: &mut Notifications, done: impl Fn(&Event) -> bool) -> Result<(), BoxError> {
    loop {
        let item = tokio::time::timeout(Duration::from_secs(30), events.next())
            .await
            .map_err(|_| "no event within 30 s")?
            .ok_or("the stream ended")?;
        if let Notification::Event(event) = print(item?)
            && done(&event)
        {
            return Ok(());
        }
    }
}

/// Prints one item in a line and hands it back.
fn print(item: Notification) -> Notification {
    match &item {
        Notification::Event(event) => match &event.kind {
            EventKind::Task(task) => {
                let details = task.details();
                let id = details.and_then(|d| d.task_id.as_deref()).unwrap_or("?");
                let what = match task {
                    TaskEvent::Offered(_) => "offered",
                    TaskEvent::Assigned(_) => "assigned (answered)",
                    TaskEvent::Held(_) => "on hold",
                    TaskEvent::Resumed(_) => "resumed",
                    TaskEvent::Transferred { .. } => "transferred",
                    TaskEvent::Ended(_) => "ended",
                    TaskEvent::WrapUpStarted(_) => "in wrap-up",
                    TaskEvent::WrappedUp(_) => "wrapped up",
                    _ => task.name(),
                };
                println!("  task {id}: {what}");
            }
            EventKind::Agent(agent) => {
                let details = agent.details();
                let state = details.and_then(|d| d.sub_status.as_deref()).unwrap_or("?");
                println!("  agent: {} (now {state})", agent.name());
            }
            _ => println!("  event {}", event.name()),
        },
        Notification::Disconnected { reason } => println!("  disconnected: {reason}"),
        Notification::Reconnected { missed_for } => {
            println!("  reconnected; events may have been missed for {missed_for:?}");
        }
        Notification::Lagged { missed } => println!("  too slow: {missed} items dropped"),
        _ => println!("  {item:?}"),
    }
    item
}
