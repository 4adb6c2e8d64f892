//! Streaming many pages: throughput and whether memory grows with the number of pages.

use std::net::SocketAddr;
use std::time::Instant;

use chrono::TimeDelta;
use futures_util::StreamExt;
use wxcc_auth::StaticToken;
use wxcc_sdk::Client;
use wxcc_sdk::search::{Query, Window};

use crate::stats::memory_kib;

pub struct PagingResults {
    /// What keeping every record would take at the least: the records' own size, without the
    /// strings they point to.
    pub keep_all_lower_bound_kib: u64,
    pub pages: usize,
    pub records: usize,
    pub pages_per_second: f64,
    pub rss_after_first_tenth_kib: u64,
    pub rss_at_end_kib: u64,
    pub peak_kib: u64,
}

pub async fn run(addr: SocketAddr, expected_pages: usize) -> Result<PagingResults, String> {
    let client = Client::builder()
        .base_url(format!("http://{addr}"))
        .token_source(StaticToken::new("bench", "bench-token"))
        // 400 pages in seconds: far beyond WxCC's 300 a minute, so the limit is off here.
        .rate_limit(None)
        .build()
        .map_err(|e| e.to_string())?;
    let mut pages = client
        .search(Query::task_details(Window::last(TimeDelta::days(1))))
        .pages();
    let started = Instant::now();
    let (mut count, mut records, mut tenth) = (0usize, 0usize, 0u64);
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| e.to_string())?;
        count += 1;
        records += page.records.len();
        if count == expected_pages / 10 {
            tenth = memory_kib().map_or(0, |m| m.0);
        }
    }
    let elapsed = started.elapsed();
    let (rss, peak) = memory_kib().unwrap_or((0, 0));
    if count != expected_pages {
        return Err(format!("streamed {count} pages, expected {expected_pages}"));
    }
    let keep_all_lower_bound_kib =
        (records * std::mem::size_of::<wxcc_sdk::search::Task>() / 1024) as u64;
    Ok(PagingResults {
        keep_all_lower_bound_kib,
        pages: count,
        records,
        pages_per_second: count as f64 / elapsed.as_secs_f64(),
        rss_after_first_tenth_kib: tenth,
        rss_at_end_kib: rss,
        peak_kib: peak,
    })
}
