//! Latency summaries.

use std::time::Duration;

/// Throughput and latency percentiles of one series of calls.
#[derive(Clone, Copy, Debug)]
pub struct Summary {
    pub calls: usize,
    pub per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
}

pub fn summarize(mut latencies: Vec<Duration>, wall: Duration) -> Summary {
    latencies.sort_unstable();
    let pick = |q: f64| {
        if latencies.is_empty() {
            return Duration::ZERO;
        }
        let i = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies[i.min(latencies.len() - 1)]
    };
    Summary {
        calls: latencies.len(),
        per_second: latencies.len() as f64 / wall.as_secs_f64().max(f64::EPSILON),
        p50: pick(0.50),
        p99: pick(0.99),
    }
}

/// Resident memory now and at its peak, from `/proc/self/status` (Linux), in KiB.
pub fn memory_kib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}
