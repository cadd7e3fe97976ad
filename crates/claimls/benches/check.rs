//! `cargo bench -p claimls --bench check`: throughput of `claimls check` on a generated file of
//! 100,000 claims (variants of the examples), next to tree-sitter's bare parse of the same text.
//! Goal: the whole check (parse + lower + every rule) costs no more than twice the bare parse.
//!
//! `CLAIMLS_BENCH_CLAIMS=<n>` changes the number of claims; `CLAIMLS_BENCH_RUNS=<n>` the runs (best of).

use claimls_data::CodeData;
use claimls_rules as rules;
use claimls_rules::config::Config;
use claimls_syntax as syntax;
use std::time::{Duration, Instant};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `n` claims cycling through the examples, each with its own claim id and dates shifted by a day
/// per cycle so that no two claims are identical.
fn generate(n: usize) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("examples/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "claim"))
        .collect();
    paths.sort();
    let examples: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("example"))
        .collect();
    let mut out = String::new();
    for i in 0..n {
        let example = &examples[i % examples.len()];
        let day = 1 + (i / examples.len()) % 28;
        for line in example.lines() {
            let trimmed = line.trim_start();
            if let Some(rest) = trimmed.strip_prefix("claim ") {
                out.push_str(&format!("claim {rest}-{i}\n"));
            } else if let Some(rest) = trimmed.strip_prefix("start ") {
                // `start 2026-11-20 09:30` → the day varies.
                let (date, time) = rest.split_once(' ').unwrap_or((rest, "09:00"));
                let month = &date[..8.min(date.len())];
                out.push_str(&format!("    start {month}{day:02} {time}\n"));
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
        out.push('\n');
    }
    out
}

fn timed<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let value = f();
    (start.elapsed(), value)
}

fn main() {
    let claims = env_usize("CLAIMLS_BENCH_CLAIMS", 100_000);
    let runs = env_usize("CLAIMLS_BENCH_RUNS", 3);
    let text = generate(claims);
    let mb = text.len() as f64 / 1_000_000.0;
    let data = CodeData::load();
    let config = Config::default();
    println!(
        "claimls check benchmark: {claims} claims, {mb:.1} MB, {} lines, best of {runs}",
        text.lines().count()
    );

    // The three measurements are interleaved run by run, so a busy machine slows them alike.
    let mut parser = syntax::parser();
    let (mut parse, mut lower, mut check) = (Duration::MAX, Duration::MAX, Duration::MAX);
    let (mut nodes, mut claims_lowered, mut findings) = (0, 0, 0);
    for _ in 0..runs.max(1) {
        let (d, n) = timed(|| {
            let tree = syntax::parse_with(&mut parser, &text, None);
            tree.root_node().descendant_count()
        });
        (parse, nodes) = (parse.min(d), n);
        let (d, n) = timed(|| {
            let tree = syntax::parse_with(&mut parser, &text, None);
            syntax::lower(&tree, &text).claims.len()
        });
        (lower, claims_lowered) = (lower.min(d), n);
        let (d, n) = timed(|| {
            let tree = syntax::parse_with(&mut parser, &text, None);
            let doc = syntax::lower(&tree, &text);
            rules::check(&doc, &data, &config).len()
        });
        (check, findings) = (check.min(d), n);
    }
    assert_eq!(claims_lowered, claims, "every generated claim lowers");

    let row = |name: &str, d: Duration| {
        let s = d.as_secs_f64();
        println!(
            "  {name:<28} {:>8.3} s  {:>8.1} MB/s  {:>10.0} claims/s",
            s,
            mb / s,
            claims as f64 / s
        );
    };
    row("tree-sitter parse", parse);
    row("parse + lower", lower);
    row("check (parse+lower+rules)", check);
    println!("  tree nodes: {nodes}, findings: {findings}");
    let ratio = check.as_secs_f64() / parse.as_secs_f64();
    println!(
        "  check / parse = {ratio:.2} (goal ≤ 2.00: {})",
        if ratio <= 2.0 { "met" } else { "NOT met" }
    );
}
