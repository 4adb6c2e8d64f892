//! A bot that takes an inbound customer message into Webex Engage the way a Webex Connect flow
//! does with the Engage nodes: search the conversation, append to it (reopening a closed one)
//! or create it, add an agent, and close it. Every step prints the node outcome a flow author
//! would see.
//!
//! ```sh
//! cargo run -p engage-sdk --example bot
//! cargo run -p engage-sdk --example bot -- '{"channel": "whatsapp", "from": "+447700900123", "to": "+447700900000", "text": "Hello"}'
//! ```
//!
//! With no tenant configured it starts the local sandbox (`wxcc-sandbox`) and runs against it.
//! To run against a real Engage tenant, set:
//!
//! - `ENGAGE_TENANT_ID`, `ENGAGE_TENANT_SECRET`: the tenant's client credentials;
//! - `ENGAGE_REGION` (`us-oregon`, `us-azure`, `uk-london`, `eu-ireland`, `ca-toronto`,
//!   `anz-sydney`, `apac-mumbai`, `uk-private`; default `us-oregon`) or `ENGAGE_BASE_URL`;
//! - `ENGAGE_TOKEN_URL` if the token endpoint is not `<base URL>/oauth/token`;
//! - `ENGAGE_AGENT_ID`: the WxCC agent to add to the conversation.
//!
//! The inbound message is the first argument, as JSON with `channel` (`sms`, `whatsapp`,
//! `messenger`, `apple_business_chat`, `api`, `email` with `subject`, `livechat` with
//! `thread`), `from`, `to` and `text`; without one, a sample SMS is used. The conversation paths
//! are this project's model of the Engage API (Cisco does not publish them), so a real tenant
//! may answer differently; the bot then prints the outcome and the error.

use std::error::Error as StdError;

use engage_sdk::{
    Client, Customer, EngageRegion, Error, HasOutcome, Message, NewConversation, SearchOutcome,
};
use futures_util::TryStreamExt;
use serde::Deserialize;
use wxcc_auth::{Credentials, NodeAuthorizations};

type BoxError = Box<dyn StdError + Send + Sync>;

/// An inbound message as a channel webhook would deliver it.
#[derive(Clone, Debug, Deserialize)]
struct Inbound {
    channel: String,
    from: String,
    to: String,
    text: String,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    thread: Option<String>,
}

impl Inbound {
    fn sample() -> Self {
        Self {
            channel: "sms".into(),
            from: "+14155550100".into(),
            to: "+14155550199".into(),
            text: "Hi, where is my order A-10023?".into(),
            subject: None,
            thread: None,
        }
    }

    fn customer(&self) -> Result<Customer, BoxError> {
        let (from, to) = (self.from.as_str(), self.to.as_str());
        Ok(match self.channel.as_str() {
            "sms" => Customer::sms(from, to),
            "whatsapp" => Customer::whatsapp(from, to),
            "messenger" => Customer::messenger(from, to),
            "apple_business_chat" => Customer::apple_business(from, to),
            "api" => Customer::api(from, to),
            "email" => Customer::email(from, to).subject(self.subject.clone().unwrap_or_default()),
            "livechat" => Customer::live_chat(from, to, self.thread.clone().unwrap_or_default()),
            other => return Err(format!("unknown channel `{other}`").into()),
        })
    }
}

/// Where the bot talks to: the sandbox (kept running while it is held) or a real tenant.
struct Target {
    client: Client,
    agent_id: String,
    _sandbox: Option<wxcc_sandbox::Sandbox>,
}

async fn connect() -> Result<Target, BoxError> {
    let Ok(tenant_id) = std::env::var("ENGAGE_TENANT_ID") else {
        let sandbox = wxcc_sandbox::Sandbox::start().await?;
        let credentials = sandbox.credentials();
        println!(
            "No ENGAGE_TENANT_ID set: using the local sandbox at {}",
            sandbox.engage_base()
        );
        let registry = NodeAuthorizations::builder(sandbox.engage_token_url()).build()?;
        let node = registry.add(
            "engage-sandbox",
            Credentials::client_credentials(
                credentials.engage.tenant_id,
                credentials.engage.tenant_secret,
            ),
        )?;
        let client = Client::builder()
            .base_url(sandbox.engage_base())
            .node_authorization(node)
            .build()?;
        return Ok(Target {
            client,
            agent_id: credentials.known.last_agent_id,
            _sandbox: Some(sandbox),
        });
    };
    let secret = std::env::var("ENGAGE_TENANT_SECRET")?;
    let base = match std::env::var("ENGAGE_BASE_URL") {
        Ok(base) => base,
        Err(_) => {
            let region: EngageRegion = std::env::var("ENGAGE_REGION")
                .unwrap_or_else(|_| "us-oregon".into())
                .parse()?;
            region.base_url().to_owned()
        }
    };
    let token_url = std::env::var("ENGAGE_TOKEN_URL")
        .unwrap_or_else(|_| format!("{}/oauth/token", base.trim_end_matches('/')));
    let registry = NodeAuthorizations::builder(token_url).build()?;
    let node = registry.add("engage", Credentials::client_credentials(tenant_id, secret))?;
    let client = Client::builder()
        .base_url(base)
        .node_authorization(node)
        .build()?;
    Ok(Target {
        client,
        agent_id: std::env::var("ENGAGE_AGENT_ID")?,
        _sandbox: None,
    })
}

fn step(name: &str, outcome: impl std::fmt::Display) {
    println!("  {name:<20} -> {outcome}");
}

/// Takes one inbound message into Engage; returns the conversation id.
async fn receive(client: &Client, inbound: &Inbound) -> Result<String, BoxError> {
    let customer = inbound.customer()?;
    let message = Message::inbound().text(inbound.text.as_str()).build()?;
    let found = client.search(&customer).await?;
    step("search", found.outcome());
    let reopenable = customer.channel() != engage_sdk::Channel::Livechat;
    match found {
        SearchOutcome::Closed(closed) if reopenable => {
            let id = closed.conversation_id;
            step("reopen", client.reopen(&id).await?.outcome());
            step("append", client.append(&id, [message]).await?.outcome());
            Ok(id)
        }
        open if open.is_open() => {
            let id = open.conversation_id().unwrap_or_default().to_owned();
            step("append", client.append(&id, [message]).await?.outcome());
            Ok(id)
        }
        _ => {
            let created = client
                .create(NewConversation::new(customer.clone()).message(message))
                .await?;
            step("create", created.outcome());
            match created.conversation_id {
                Some(id) => Ok(id),
                // Engage may know the id only later: find it.
                None => client
                    .search(&customer)
                    .await?
                    .conversation_id()
                    .map(str::to_owned)
                    .ok_or_else(|| "the new conversation cannot be found yet".into()),
            }
        }
    }
}

async fn run(target: &Target, inbound: &Inbound) -> Result<(), BoxError> {
    let client = &target.client;
    println!(
        "Inbound {} message from {}: {:?}",
        inbound.channel, inbound.from, inbound.text
    );
    let id = receive(client, inbound).await?;
    println!("Conversation {id}");

    let follow_up = Inbound {
        text: "Also, can I change the delivery address?".into(),
        ..inbound.clone()
    };
    println!("Inbound follow-up: {:?}", follow_up.text);
    let same = receive(client, &follow_up).await?;
    if same != id {
        return Err(format!("the follow-up landed in conversation {same}, not {id}").into());
    }

    let added = client.add_participant(&id, &target.agent_id).await?;
    step("add participant", added.outcome());
    let reply = Message::outbound()
        .text("Hi, this is your agent. Your order ships today; I have updated the address.")
        .deliver(true)
        .build()?;
    step(
        "append (agent)",
        client.append(&id, [reply]).await?.outcome(),
    );
    step(
        "append (notice)",
        client
            .append(
                &id,
                [Message::announcement_text(
                    "_The agent closed the conversation._",
                )?],
            )
            .await?
            .outcome(),
    );
    step("close", client.close(&id).await?.outcome());

    println!("Transcript:");
    let mut transcript = client.transcript(&id);
    while let Some(message) = transcript.try_next().await? {
        println!(
            "  {:<12} {}",
            format!("{:?}", message.direction()),
            message.text().unwrap_or("(no text)")
        );
    }
    let closed = client.search(&inbound.customer()?).await?;
    step("search again", closed.outcome());
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    if std::env::args().skip(1).any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return std::process::ExitCode::SUCCESS;
    }
    init_tracing();
    match start().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // A flow would take this edge.
            let outcome = error
                .downcast_ref::<Error>()
                .map_or_else(|| "onError".to_owned(), |e| e.outcome().to_string());
            eprintln!("failed -> {outcome}: {error}");
            let mut cause = error.source();
            while let Some(inner) = cause {
                eprintln!("  caused by: {inner}");
                cause = inner.source();
            }
            std::process::ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: bot [INBOUND_MESSAGE_JSON]

Takes one inbound customer message into Webex Engage as a Webex Connect flow does with the
Engage nodes, printing each node's outcome. The message is JSON with channel, from, to and text
(for example {\"channel\": \"sms\", \"from\": \"+14155550100\", \"to\": \"+14155550199\", \"text\": \"Hi\"});
without one, a sample SMS is used. Offline by default (a local sandbox); set ENGAGE_TENANT_ID
and the variables in the example's documentation for a real tenant. RUST_LOG=debug shows each
request and retry.";

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

async fn start() -> Result<(), BoxError> {
    let inbound = match std::env::args().nth(1) {
        Some(json) => serde_json::from_str(&json).map_err(|e| {
            format!("the message is not the JSON the bot expects ({e}); see --help")
        })?,
        None => Inbound::sample(),
    };
    let target = connect().await?;
    run(&target, &inbound).await
}
