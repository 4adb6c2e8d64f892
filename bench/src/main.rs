//! `cargo run --release -p wxcc-bench -- [all|overhead|tokens|paging|burst|events|build]`
//!
//! Measures what the wxcc crates cost over raw HTTP, in one process, and prints ratios. See
//! BENCHMARKS.md for what each number means.

mod build;
mod burst;
mod events;
mod overhead;
mod paging;
mod server;
mod stats;
mod tokens;

use std::process::ExitCode;
use std::time::Duration;

use server::Pages;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let which = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    if which == "burst-replica" {
        // A child of the shared-limit burst, not a section.
        return match burst::replica().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("burst replica: {e}");
                ExitCode::FAILURE
            }
        };
    }
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
    if all || which == "burst" {
        failed |= report("rate-limited burst", burst_section().await);
    }
    if all || which == "events" {
        failed |= report("notification stream", events_section().await);
    }
    if all || which == "build" {
        failed |= report("build cost", build_section());
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
    let r = overhead::run(addr, 20, 500).await?;
    println!("== per-call overhead: one Search page of 25 tasks, sequential, keep-alive, loopback");
    for (name, s) in [
        ("raw, JSON tree", r.raw_value),
        ("raw, typed records", r.raw_typed),
        ("wxcc-sdk", r.sdk),
        ("wxcc-sdk, no timeouts", r.sdk_untimed),
    ] {
        println!(
            "  {name:<22} {:>8.0} calls/s   p50 {:>7.1} µs   p99 {:>7.1} µs   ({} calls)",
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
        "  throughput ratio sdk without timeouts / raw typed: {:.3}   (query rendering alone: {:.1} µs)",
        r.sdk_untimed.per_second / r.raw_typed.per_second,
        r.render.as_secs_f64() * 1e6
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
        "  {:.0} pages/s ({:.0} tasks/s), server included",
        r.pages_per_second,
        r.pages_per_second * 250.0
    );
    println!(
        "  resident memory after 40 pages {} KiB, after 400 pages {} KiB (growth {growth} KiB), peak {} KiB",
        r.rss_after_first_tenth_kib, r.rss_at_end_kib, r.peak_kib
    );
    // Memory that grew with the pages would grow by most of the records kept; 5 % of the least
    // that keeping them takes is far below that and above allocator noise.
    let bound = r.keep_all_lower_bound_kib as i64 / 20;
    println!(
        "  keeping all records would take at least {} KiB; growth stays under 5 % of that ({bound} KiB)  {}",
        r.keep_all_lower_bound_kib,
        verdict(growth < bound)
    );
    Ok(())
}

async fn burst_section() -> Result<(), String> {
    let (calls, per_minute, concurrency) = (1000, 300, 50);
    println!(
        "== rate-limited burst: {calls} EWT calls, {concurrency} in flight, against the sandbox at {per_minute}/min"
    );
    for (name, limit, goal) in [
        ("without a client-side limit", burst::Limit::Off, false),
        (
            "with the client's default limit (300/min)",
            burst::Limit::Local,
            true,
        ),
    ] {
        let r = burst::run(calls, per_minute, concurrency, limit).await?;
        print_burst(name, &r);
        if goal {
            println!(
                "    goal: at most 10 429s, within 1.01x of the minimum  {}",
                verdict(r.throttled <= 10 && r.ratio() <= 1.01)
            );
        }
    }
    let redis = std::env::var("WXCC_BENCH_REDIS_URL")
        .or_else(|_| std::env::var("WXCC_TEST_REDIS_URL"))
        .ok()
        .filter(|u| !u.is_empty());
    match redis {
        None => println!(
            "  4 processes sharing a Redis limit: skipped (set WXCC_BENCH_REDIS_URL=redis://127.0.0.1:<port>/)"
        ),
        Some(url) => {
            let r = burst::run_replicas(4, calls / 4, per_minute, concurrency, &url).await?;
            print_burst("4 processes sharing one limit through Redis", &r);
            let share = r.throttled as f64 / r.calls as f64;
            println!(
                "    429s are {:.2} % of calls (goal at most 1 %)  {}",
                share * 100.0,
                verdict(share <= 0.01)
            );
        }
    }
    Ok(())
}

fn print_burst(name: &str, r: &burst::BurstResults) {
    println!("  {name}:");
    println!(
        "    failures: {}  {}   429 answers: {}",
        r.failures,
        verdict(r.failures == 0),
        r.throttled
    );
    println!(
        "    total {:.1} s against a theoretical minimum of {:.1} s (ratio {:.3})",
        r.elapsed.as_secs_f64(),
        r.minimum.as_secs_f64(),
        r.ratio()
    );
}

fn build_section() -> Result<(), String> {
    let r = build::measure()?;
    println!("== build cost");
    println!(
        "  cold `cargo build --release -p wxcc-sdk` (fresh target folder, every dependency): {:.0} s",
        r.cold_release.as_secs_f64()
    );
    for (krate, bytes, lines) in &r.generated {
        println!(
            "  {krate}/src/generated.rs: {:.0} KiB, {lines} lines",
            *bytes as f64 / 1024.0
        );
    }
    println!(
        "  `cargo xtask codegen --check` (debug xtask, built): {:.1} s",
        r.codegen_check.as_secs_f64()
    );
    Ok(())
}

fn verdict(ok: bool) -> &'static str {
    if ok { "[met]" } else { "[NOT MET]" }
}

async fn events_section() -> Result<(), String> {
    let count = 100_000;
    println!(
        "== notification stream: {count} event frames over a loopback websocket, buffer 1,024"
    );
    for (name, work) in [
        ("consumer doing no work", Duration::ZERO),
        (
            "slow consumer, 20 µs of work each",
            Duration::from_micros(20),
        ),
    ] {
        let r = events::run(count, work, 1024).await?;
        println!(
            "  {name:<32} {:>8.0} events/s handled   {:>6} handled   {:>6} dropped (Lagged)   {:.2} s",
            r.events as f64 / r.wall.as_secs_f64().max(f64::EPSILON),
            r.events,
            r.missed,
            r.wall.as_secs_f64()
        );
        println!(
            "  {:<32} resident memory {} KiB before, {} KiB after, process peak {} KiB",
            "", r.rss_before_kib, r.rss_after_kib, r.peak_kib
        );
        if r.events + r.missed != count {
            return Err(format!(
                "{} handled + {} dropped is not {count}",
                r.events, r.missed
            ));
        }
    }
    Ok(())
}
