//! `wxcc-sandbox`: runs the sandbox as a process for other tools' tests.
//!
//! ```text
//! wxcc-sandbox [--host ADDR] [--port N] [--seed S] [--token-lifetime SECONDS] [--rate-limit N|off]
//! ```
//!
//! Prints the base URLs and the seeded credentials, then serves until Ctrl-C.

use std::process::ExitCode;
use std::time::Duration;

use secrecy::ExposeSecret;
use wxcc_sandbox::{RefreshTokens, Sandbox};

const USAGE: &str = "usage: wxcc-sandbox [--host ADDR] [--port N] [--seed S] [--token-lifetime SECONDS] [--rate-limit N|off]

Runs the WxCC / Engage / Webex OAuth emulator until Ctrl-C. See the crate's README for a curl
session (a token in one request, a WxCC call, a Search query, an Engage call).
  --host ADDR              address to listen on (default 127.0.0.1; 0.0.0.0 for containers)
  --port N                 port to listen on (default 0: any free port)
  --seed S                 data seed (default 42)
  --token-lifetime SECONDS access token lifetime (default 43200)
  --rate-limit N|off       requests per minute per client id (default 300)
  --rotate-refresh-tokens  each refresh issues a new refresh token and spends the old one;
                           reusing a spent one revokes the grant (default: refresh tokens
                           are kept, as a Cisco sample's log shows Webex doing)";

struct Args {
    host: std::net::IpAddr,
    port: u16,
    seed: u64,
    token_lifetime: Option<u64>,
    rate_limit: Option<Option<u32>>,
    rotate: bool,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        host: std::net::IpAddr::from([127, 0, 0, 1]),
        port: 0,
        seed: 42,
        token_lifetime: None,
        rate_limit: None,
        rotate: false,
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (arg.clone(), None),
        };
        if matches!(name.as_str(), "-h" | "--help") {
            return Ok(None);
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "--host" => {
                parsed.host = value()?.parse().map_err(|_| {
                    "--host must be an IP address such as 127.0.0.1 or 0.0.0.0".to_owned()
                })?;
            }
            "--port" => {
                parsed.port = value()?
                    .parse()
                    .map_err(|_| "--port must be a number from 0 to 65535".to_owned())?;
            }
            "--seed" => {
                parsed.seed = value()?
                    .parse()
                    .map_err(|_| "--seed must be a non-negative integer".to_owned())?;
            }
            "--token-lifetime" => {
                parsed.token_lifetime = Some(
                    value()?
                        .parse()
                        .map_err(|_| "--token-lifetime must be a number of seconds".to_owned())?,
                );
            }
            "--rate-limit" => {
                let v = value()?;
                parsed.rate_limit = Some(if v == "off" {
                    None
                } else {
                    Some(v.parse().map_err(|_| {
                        "--rate-limit must be a number of requests per minute or `off`".to_owned()
                    })?)
                });
            }
            "--rotate-refresh-tokens" if inline.is_none() => parsed.rotate = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Some(parsed))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("wxcc-sandbox: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut builder = Sandbox::builder()
        .host(args.host)
        .port(args.port)
        .seed(args.seed);
    if let Some(seconds) = args.token_lifetime {
        builder = builder.token_lifetime(Duration::from_secs(seconds));
    }
    if let Some(limit) = args.rate_limit {
        builder = builder.rate_limit_per_minute(limit);
    }
    if args.rotate {
        builder = builder.refresh_tokens(RefreshTokens::Rotated);
    }
    let sandbox = match builder.start().await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("wxcc-sandbox: {error}");
            return ExitCode::FAILURE;
        }
    };
    let c = sandbox.credentials();
    println!(
        "wxcc-sandbox listening (seed {}, started in {:?})",
        sandbox.seed(),
        sandbox.startup_time()
    );
    println!();
    println!("  OAuth base       {}", sandbox.oauth_base());
    println!("  WxCC base        {}", sandbox.wxcc_base());
    println!("  Engage base      {}", sandbox.engage_base());
    println!("  Engage token URL {}", sandbox.engage_token_url());
    println!();
    println!("  org id           {}", c.org_id);
    println!(
        "  integration      client_id     {}",
        c.integration.client_id
    );
    println!(
        "                   client_secret {}",
        c.integration.client_secret.expose_secret()
    );
    println!(
        "                   redirect_uri  {}",
        c.integration.redirect_uri
    );
    println!(
        "  service app      application_id {}",
        c.service_app.application_id
    );
    println!(
        "                   client_id      {}",
        c.service_app.client_id
    );
    println!(
        "                   client_secret  {}",
        c.service_app.client_secret.expose_secret()
    );
    println!(
        "                   target_org_id  {}",
        c.service_app.target_org_id
    );
    println!("  engage tenant    tenant_id     {}", c.engage.tenant_id);
    println!(
        "                   tenant_secret {}",
        c.engage.tenant_secret.expose_secret()
    );
    println!();
    println!(
        "  repeat caller    {} ({} calls), last agent {} ({})",
        c.known.repeat_caller_ani,
        c.known.repeat_caller_calls,
        c.known.last_agent_name,
        c.known.last_agent_id
    );
    println!(
        "  queue            {} ({})",
        c.known.queue_name, c.known.queue_id
    );
    println!(
        "  entry point      {} ({})",
        c.known.entry_point_name, c.known.entry_point_id
    );
    println!(
        "  team             {} ({})",
        c.known.team_name, c.known.team_id
    );
    println!();
    println!(
        "  WxCC scopes      {}",
        wxcc_sandbox::WEBEX_SCOPES.join(" ")
    );
    println!(
        "  Engage scopes    {}",
        wxcc_sandbox::ENGAGE_SCOPES.join(" ")
    );
    println!();
    let base = sandbox.base_url();
    println!("  a token          curl -s -X POST {base}/_sandbox/token");
    println!("  an Engage token  curl -s -X POST '{base}/_sandbox/token?audience=engage'");
    println!("  health           curl -s {base}/_sandbox/health");
    println!("  request log      curl -s {base}/_sandbox/requests");
    println!();
    println!("Ctrl-C stops the sandbox.");
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("wxcc-sandbox: cannot wait for Ctrl-C ({error}); stopping");
    }
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}
