//! `cargo run --release -p wxcc-bench -- [all|overhead|tokens|paging|burst|build]`
//!
//! Measures what the wxcc crates cost over raw HTTP, in one process, and prints ratios. See
//! BENCHMARKS.md for what each number means.

mod overhead;
mod paging;
mod server;
mod stats;
mod tokens;

use std::process::ExitCode;

use server::Pages;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let which = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let all = which == "all";
    let mut failed = false;
    if all || which == "overhead" {
        failed |= report("per-call overhead", overhead_section().await);
    }
    if all || which == "tokens" {
        failed |= report("token hot path", tokens_section().await);
    }
    if all || which == "paging" {
        failed |= report("pagination memory", paging_section().await);
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn report(name: &str, result: Result<(), String>) -> bool {
    match result {
        Ok(()) => false,
        Err(e) => {
            eprintln!("{name}: FAILED: {e}");
            true
        }
    }
}

async fn overhead_section() -> Result<(), String> {
    let addr = server::start(Pages {
        page_size: 25,
        pages: 1,
    })
    .await
    .map_err(|e| e.to_string())?;
    let r = overhead::run(addr, 10, 500).await?;
    println!("== per-call overhead: one Search page of 25 tasks, sequential, keep-alive, loopback");
    for (name, s) in [
        ("raw, JSON tree", r.raw_value),
        ("raw, typed records", r.raw_typed),
        ("wxcc-sdk", r.sdk),
    ] {
        println!(
            "  {name:<20} {:>8.0} calls/s   p50 {:>7.1} µs   p99 {:>7.1} µs   ({} calls)",
            s.per_second,
            s.p50.as_secs_f64() * 1e6,
            s.p99.as_secs_f64() * 1e6,
            s.calls
        );
    }
    let ratio = r.sdk.per_second / r.raw_typed.per_second;
    println!(
        "  throughput ratio sdk / raw typed: {ratio:.3} (goal >= 0.95)  {}",
        verdict(ratio >= 0.95)
    );
    println!(
        "  throughput ratio sdk / raw tree:  {:.3}",
        r.sdk.per_second / r.raw_value.per_second
    );
    println!(
        "  p50 ratio sdk / raw typed: {:.3}   p99 ratio: {:.3}",
        r.sdk.p50.as_secs_f64() / r.raw_typed.p50.as_secs_f64(),
        r.sdk.p99.as_secs_f64() / r.raw_typed.p99.as_secs_f64()
    );
    Ok(())
}

async fn tokens_section() -> Result<(), String> {
    let r = tokens::run(2_000_000, 64, 10_000).await?;
    println!("== token hot path");
    println!(
        "  baseline (clone of the token)      {:>8.1} ns",
        r.baseline_ns
    );
    println!(
        "  cached valid token, uncontended    {:>8.1} ns   ratio to baseline {:.2}",
        r.cached_ns,
        r.cached_ns / r.baseline_ns
    );
    println!(
        "  cached valid token, {} tasks       {:>8.1} ns per read",
        r.tasks, r.contended_ns
    );
    println!(
        "  {} concurrent callers on an empty cache: {} token request(s)  {}",
        r.stampede_callers,
        r.stampede_fetches,
        verdict(r.stampede_fetches == 1)
    );
    Ok(())
}

async fn paging_section() -> Result<(), String> {
    let pages = 400;
    let addr = server::start(Pages {
        page_size: 250,
        pages,
    })
    .await
    .map_err(|e| e.to_string())?;
    let r = paging::run(addr, pages).await?;
    let growth = r.rss_at_end_kib as i64 - r.rss_after_first_tenth_kib as i64;
    println!(
        "== pagination: {} tasks in {} pages through records()",
        r.records, r.pages
    );
    println!(
        "  {:.0} pages/s ({:.0} tasks/s)",
        r.pages_per_second,
        r.pages_per_second * 250.0
    );
    println!(
        "  resident memory after 40 pages {} KiB, after 400 pages {} KiB (growth {growth} KiB), peak {} KiB  {}",
        r.rss_after_first_tenth_kib,
        r.rss_at_end_kib,
        r.peak_kib,
        verdict(growth < 2048)
    );
    Ok(())
}

fn verdict(ok: bool) -> &'static str {
    if ok { "[met]" } else { "[NOT MET]" }
}
