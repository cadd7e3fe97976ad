//! `cargo bench -p claimls --bench lsp`: the language server's latencies and footprint.
//!
//! Prints: edit → published diagnostics on a 30,000-line document (median, p99); completion latency
//! (p50, p99) over the data the server loads (the embedded set, plus the imported editions when a
//! data directory holds some); launch → `initialize` answered for the spawned binary; resident memory
//! of the spawned binary with the 30,000-line document open.
//! Goals: p50 edit→diagnostics < 10 ms, completion p99 < 5 ms, initialize < 30 ms, < 40 MB resident.

#[path = "../../claimls-lsp/tests/lsp_support/mod.rs"]
mod lsp_support;

use claimls_data::CodeData;
use claimls_lsp::ServerOptions;
use lsp_support::fixture::{INFLIXIMAB, OCREVUS};
use lsp_support::process::Spawned;
use lsp_support::{TestServer, position_of};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

const URI: &str = "file:///bench/big.claim";

fn big_document() -> (String, usize) {
    let mut text = String::new();
    let mut n = 0;
    while text.lines().count() < 30_000 {
        let example = if n % 2 == 0 { OCREVUS } else { INFLIXIMAB };
        text.push_str(
            &example
                .replace("OCR-2026-0142", &format!("OCR-{n}"))
                .replace("IFX-2026-0007", &format!("IFX-{n}")),
        );
        text.push('\n');
        n += 1;
    }
    (text, n)
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i.min(samples.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

async fn edits_to_diagnostics(data: Arc<CodeData>) {
    let mut s = TestServer::start_with(ServerOptions {
        data: Some(data),
        ..ServerOptions::default()
    });
    s.initialize(json!({})).await;
    let (text, claims) = big_document();
    let lines = text.lines().count();
    let d = s.open_checked(URI, &text).await;
    let count = d["diagnostics"].as_array().map(Vec::len).unwrap_or(0);
    let mut samples = Vec::new();
    let mut version = 1;
    // Alternately type and delete a character in a `note`-free spot: the claim id of a claim.
    for i in 0..200 {
        let line = ((i * 7919) % (lines - 1)) as u32;
        version += 1;
        let started = Instant::now();
        s.change(URI, version, [line, 0, line, 0], "#").await;
        wait_version(&mut s, version).await;
        samples.push(started.elapsed());
        version += 1;
        s.change(URI, version, [line, 0, line, 1], "").await;
        wait_version(&mut s, version).await;
    }
    println!(
        "edit → diagnostics ({lines} lines, {claims} claims, {count} diagnostics): median {}, p99 {}",
        ms(percentile(&mut samples, 0.5)),
        ms(percentile(&mut samples, 0.99))
    );
    s.finish().await;
}

async fn wait_version(s: &mut TestServer, version: i32) {
    loop {
        let d = s.await_diagnostics(URI).await;
        if d["version"] == version {
            return;
        }
    }
}

async fn completion_latency(data: Arc<CodeData>, label: &str) {
    let mut s = TestServer::start_with(ServerOptions {
        data: Some(data),
        ..ServerOptions::default()
    });
    s.initialize(json!({})).await;
    let (text, _) = big_document();
    let marker_doc = format!(
        "{text}claim END\n  dx A G35.A\n  admin ocrelizumab\n    vial ▮V\n  line ▮L\n  line ocre▮O\n  line J2350 ▮M\n  dx ▮D\n  dx mult▮T\n  pos ▮P\n"
    );
    let doc = marker_doc.replace(['▮'], "");
    s.open_checked(URI, &doc).await;
    let mut positions: Vec<Value> = Vec::new();
    for m in ["V", "L", "O", "M", "D", "T", "P"] {
        // The position of the marker letter's slot in the unmarked text.
        let marked = marker_doc.replace(&format!("▮{m}"), "\u{1}");
        let p = position_of(&marked.replace(['▮'], ""), "\u{1}");
        positions.push(p);
    }
    let mut samples = Vec::new();
    let mut by_context: Vec<Vec<Duration>> = vec![Vec::new(); positions.len()];
    for i in 0..700 {
        let pos = &positions[i % positions.len()];
        let started = Instant::now();
        let r = s
            .request(
                "textDocument/completion",
                json!({"textDocument": {"uri": URI}, "position": pos}),
            )
            .await;
        samples.push(started.elapsed());
        by_context[i % positions.len()].push(started.elapsed());
        assert!(r.is_object() || r.is_null());
    }
    println!(
        "completion ({label}): p50 {}, p99 {}",
        ms(percentile(&mut samples, 0.5)),
        ms(percentile(&mut samples, 0.99))
    );
    let names = [
        "vial",
        "line",
        "line ocre",
        "modifier",
        "dx",
        "dx mult",
        "pos",
    ];
    let parts: Vec<String> = by_context
        .iter_mut()
        .zip(names)
        .map(|(v, n)| format!("{n} {}", ms(percentile(v, 0.99))))
        .collect();
    println!("  p99 by context: {}", parts.join(", "));
    s.finish().await;
}

fn spawned() {
    let exe = env!("CARGO_BIN_EXE_claimls");
    let mut samples = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let Ok(mut s) = Spawned::start(exe, &[]) else {
            println!("launch → initialize: cannot spawn {exe}");
            return;
        };
        let Ok(id) = s.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        ) else {
            println!("launch → initialize: n/a (`claimls lsp` is not wired in the CLI)");
            return;
        };
        if s.response(id, Duration::from_secs(10)).is_none() {
            println!(
                "launch → initialize: n/a (`claimls lsp` did not answer; is it wired in the CLI?)"
            );
            return;
        }
        samples.push(started.elapsed());
        let _ = s.stop();
    }
    println!(
        "launch → initialize answered (spawned binary): median {}, p99 {}",
        ms(percentile(&mut samples, 0.5)),
        ms(percentile(&mut samples, 0.99))
    );
    let Ok(mut s) = Spawned::start(exe, &[]) else {
        return;
    };
    let Ok(id) = s.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    ) else {
        return;
    };
    let _ = s.response(id, Duration::from_secs(10));
    let _ = s.notify("initialized", json!({}));
    let idle = s.rss_kb();
    let (text, _) = big_document();
    let _ = s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "claim", "version": 1, "text": text}}),
    );
    let _ = s.wait_for(Duration::from_secs(30), |m| {
        m["method"] == "textDocument/publishDiagnostics"
    });
    let open = s.rss_kb();
    let mb = |kb: Option<u64>| {
        kb.map(|k| format!("{:.1} MB", k as f64 / 1024.0))
            .unwrap_or("n/a".into())
    };
    println!(
        "resident memory (VmRSS, spawned binary): {} after initialize, {} with the 30,000-line document open",
        mb(idle),
        mb(open)
    );
    let _ = s.stop();
}

/// Where edit → diagnostics time goes: the incremental reparse and the cached re-check, directly.
fn breakdown(data: Arc<CodeData>) {
    use claimls_lsp::analysis::{Checker, Tracked};
    use claimls_lsp::document::OpenDocument;
    let (text, _) = big_document();
    let mut doc = OpenDocument::new(&text, 1);
    let checker = Checker::new(data, Arc::new(claimls_rules::config::Config::default()));
    let mut tracked = Tracked::from_analysis(checker.check(&text));
    let (mut reparse, mut check, mut full) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..100 {
        let at = doc.rope.line_to_char((i * 7919) % 29_000);
        let t = Instant::now();
        let (s, o, n) = doc.edit(at, at, "#");
        doc.reparse();
        reparse.push(t.elapsed());
        let t = Instant::now();
        tracked.edited(s, o, n);
        let analysis = checker.recheck(&doc.rope, &tracked);
        check.push(t.elapsed());
        tracked = Tracked::from_analysis(analysis);
        let t = Instant::now();
        checker.check(&doc.text());
        full.push(t.elapsed());
    }
    println!(
        "  breakdown (median): edit + incremental reparse {}, re-check of the edited claim {} (whole document from the cache: {})",
        ms(percentile(&mut reparse, 0.5)),
        ms(percentile(&mut check, 0.5)),
        ms(percentile(&mut full, 0.5))
    );
}

fn refdata() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("CLAIMLS_REFDATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/refdata")
        });
    dir.is_dir().then_some(dir)
}

fn use_data_dir(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).expect("a data directory");
    // SAFETY: called between phases, when no other thread of this process reads the environment.
    unsafe { std::env::set_var("CLAIMLS_DATA_DIR", dir) };
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn describe(data: &CodeData) -> String {
    std::iter::once(data.embedded_set().edition.name.clone())
        .chain(
            data.imported_sets()
                .iter()
                .map(|s| s.edition().name.clone()),
        )
        .collect::<Vec<_>>()
        .join(" + ")
}

fn main() {
    let tmp = std::env::temp_dir().join(format!("claimls-lsp-bench-{}", std::process::id()));
    // Phase 1: the embedded curated data only (a user's own imports do not count).
    use_data_dir(&tmp.join("empty"));
    let loaded = Arc::new(CodeData::load());
    println!("== embedded data: {}", describe(&loaded));
    let fixture = Arc::new(lsp_support::fixture::code_data());
    breakdown(loaded.clone());
    runtime().block_on(async {
        edits_to_diagnostics(loaded.clone()).await;
        completion_latency(loaded.clone(), "embedded data").await;
        completion_latency(fixture, "test fixture data").await;
    });
    spawned();
    // Phase 2: every official file of ../shared/refdata imported.
    match refdata() {
        None => println!(
            "== all official data: SKIPPED (../shared/refdata not found; set CLAIMLS_REFDATA)"
        ),
        Some(refdata) => {
            let dir = tmp.join("official");
            use_data_dir(&dir);
            let started = Instant::now();
            let status = claimls::cli::data::run(claimls::cli::data::DataCommand::Import {
                paths: vec![refdata],
                force: false,
            });
            println!(
                "(import took {:.1} s, {status:?})",
                started.elapsed().as_secs_f64()
            );
            let loaded = Arc::new(CodeData::load());
            println!("== all official data: {}", describe(&loaded));
            runtime().block_on(async {
                edits_to_diagnostics(loaded.clone()).await;
                completion_latency(loaded, "all official data").await;
            });
            spawned();
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
