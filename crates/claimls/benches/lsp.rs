//! `cargo bench -p claimls --bench lsp`: the language server's latencies and footprint (issue 11),
//! each row printed next to its goal.
//!
//! The documents are realistic: every example claim, renumbered, mixed so that a 30,000-line
//! document has about 800 findings (and a 300-line one about 8) with the data in use. An edit types
//! a digit into a `units` value and deletes it again (never a `#` at column 0), so the edited
//! claim's findings change. Rows:
//!
//! - edit → published diagnostics received and parsed by the client, p50 and p99, on 30,000 and on
//!   300 lines (goal p50 < 5 ms, p99 < 10 ms), with the CPU time per edit;
//! - completion sent right after a keystroke, until its answer (goal p99 < 5 ms);
//! - with every official file of ../shared/refdata imported by the binary into a temporary data
//!   directory: the spawned binary's launch → first diagnostics of a 300-line document (< 30 ms) and
//!   its resident memory with the 30,000-line document open after 50 edits (< 40 MB).
//!
//! The in-process rows run server and client in one process (the CPU figure includes the client's
//! JSON parse); the spawned rows read the server process's own CPU time from /proc. The machine is
//! shared: wall-clock figures move with its load, CPU figures much less.

#[path = "../../claimls-lsp/tests/lsp_support/mod.rs"]
mod lsp_support;

use claimls_data::CodeData;
use claimls_lsp::ServerOptions;
use claimls_lsp::analysis::Checker;
use lsp_support::TestServer;
use lsp_support::process::Spawned;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

const URI: &str = "file:///bench/big.claim";

const EXAMPLES: [&str; 6] = [
    include_str!("../../../examples/ocrevus-maintenance.claim"),
    include_str!("../../../examples/infliximab-waste.claim"),
    include_str!("../../../examples/g35-header-dx.claim"),
    include_str!("../../../examples/j1301-for-ocrelizumab.claim"),
    include_str!("../../../examples/medicaid-belimumab-ndc.claim"),
    include_str!("../../../examples/medicare-jw-missing.claim"),
];

/// A document of about `lines` lines with about `findings_per_30k / 30,000` findings per line.
struct Doc {
    text: String,
    claims: usize,
    findings: usize,
    /// Byte offsets just after a `units` number, one per claim: where the edits type.
    edit_points: Vec<usize>,
}

fn realistic(data: &Arc<CodeData>, lines: usize) -> Doc {
    let checker = Checker::new(
        data.clone(),
        Arc::new(claimls_rules::config::Config::default()),
    );
    let count = |t: &str| checker.check(t).findings().len();
    let per_example: Vec<usize> = EXAMPLES.iter().map(|e| count(e)).collect();
    let target_per_line = 800.0 / 30_000.0;
    let (mut text, mut claims, mut findings) = (String::new(), 0, 0);
    let mut edit_points = Vec::new();
    let mut n_lines = 0;
    let (mut clean_i, mut faulty_i) = (0usize, 0usize);
    while n_lines < lines {
        let behind = (findings as f64) < target_per_line * n_lines as f64;
        let pick = |want_faulty: bool, i: &mut usize| {
            for _ in 0..EXAMPLES.len() {
                let e = *i % EXAMPLES.len();
                *i += 1;
                if (per_example[e] > 0) == want_faulty {
                    return e;
                }
            }
            *i % EXAMPLES.len()
        };
        let e = if behind {
            pick(true, &mut faulty_i)
        } else {
            pick(false, &mut clean_i)
        };
        let claim = EXAMPLES[e].replacen("\nclaim ", &format!("\nclaim C{claims}-"), 1);
        let claim = if claim.starts_with("claim ") {
            claim.replacen("claim ", &format!("claim C{claims}-"), 1)
        } else {
            claim
        };
        if let Some(at) = claim.find(" units ") {
            let digits = claim[at + 7..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            edit_points.push(text.len() + at + 7 + digits);
        }
        findings += per_example[e];
        n_lines += claim.lines().count() + 1;
        text.push_str(&claim);
        text.push('\n');
        claims += 1;
    }
    let findings = count(&text);
    Doc {
        text,
        claims,
        findings,
        edit_points,
    }
}

/// What VS Code 1.9x (vscode-languageclient 9) declares in `initialize` for the features these rows
/// use, so the server sends what an editor receives: diagnostics with related places, documentation
/// links and tags, code action literals, markdown and snippet completions. The client also declares
/// `workspace/configuration` and watched files, so the server asks for both; the benchmark answers.
fn vscode_capabilities() -> Value {
    json!({
        "workspace": {
            "applyEdit": true,
            "workspaceEdit": {"documentChanges": true, "normalizesLineEndings": true},
            "didChangeConfiguration": {"dynamicRegistration": true},
            "didChangeWatchedFiles": {"dynamicRegistration": true, "relativePatternSupport": true},
            "configuration": true,
            "workspaceFolders": true
        },
        "textDocument": {
            "synchronization": {
                "dynamicRegistration": true, "willSave": true, "willSaveWaitUntil": true,
                "didSave": true
            },
            "publishDiagnostics": {
                "relatedInformation": true,
                "versionSupport": false,
                "tagSupport": {"valueSet": [1, 2]},
                "codeDescriptionSupport": true,
                "dataSupport": true
            },
            "completion": {
                "dynamicRegistration": true,
                "contextSupport": true,
                "completionItem": {
                    "snippetSupport": true,
                    "commitCharactersSupport": true,
                    "documentationFormat": ["markdown", "plaintext"],
                    "deprecatedSupport": true,
                    "preselectSupport": true,
                    "tagSupport": {"valueSet": [1]},
                    "insertReplaceSupport": true,
                    "resolveSupport": {"properties": ["documentation", "detail", "additionalTextEdits"]},
                    "insertTextModeSupport": {"valueSet": [1, 2]},
                    "labelDetailsSupport": true
                },
                "insertTextMode": 2,
                "completionItemKind": {"valueSet": (1..=25).collect::<Vec<u32>>()},
                "completionList": {
                    "itemDefaults": ["commitCharacters", "editRange", "insertTextFormat",
                                     "insertTextMode", "data"]
                }
            },
            "hover": {"dynamicRegistration": true, "contentFormat": ["markdown", "plaintext"]},
            "codeAction": {
                "dynamicRegistration": true,
                "isPreferredSupport": true,
                "disabledSupport": true,
                "dataSupport": true,
                "resolveSupport": {"properties": ["edit"]},
                "codeActionLiteralSupport": {"codeActionKind": {"valueSet": [
                    "", "quickfix", "refactor", "refactor.extract", "refactor.inline",
                    "refactor.rewrite", "source", "source.organizeImports"
                ]}},
                "honorsChangeAnnotations": true
            },
            "inlayHint": {"dynamicRegistration": true},
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": true}
        },
        "window": {"workDoneProgress": true, "showDocument": {"support": true}},
        "general": {"positionEncodings": ["utf-16"]}
    })
}

/// (line, UTF-16 column) of a byte offset (the documents are ASCII except for names in comments).
fn position(text: &str, at: usize) -> [u32; 2] {
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    [line as u32, text[start..at].encode_utf16().count() as u32]
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i.min(samples.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// One row: what, the figure, the goal, and whether it is met.
fn row(what: &str, figure: String, goal: &str, met: bool) {
    let verdict = if met { "met" } else { "MISSED" };
    println!("  {what:<58} {figure:<34} goal {goal:<22} {verdict}");
}

/// CPU time (user + system) of this process.
fn cpu_self() -> Duration {
    // SAFETY: getrusage writes into the struct it is given and nothing else.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// CPU time (user + system) of another process, from /proc (clock ticks of 10 ms).
fn cpu_of(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

async fn wait_version(s: &mut TestServer, version: i32) -> Value {
    loop {
        let d = s.await_diagnostics(URI).await;
        if d["version"] == version {
            return d;
        }
    }
}

/// Edits inside values of `doc`, in-process: edit → diagnostics, and completion right after a
/// keystroke. Prints its rows.
async fn edits(data: Arc<CodeData>, doc: &Doc, label: &str) {
    let mut s = TestServer::start_with(ServerOptions {
        data: Some(data),
        ..ServerOptions::default()
    });
    s.initialize(vscode_capabilities()).await;
    // What VS Code answers to the requests those capabilities bring.
    let config = s.await_server_request("workspace/configuration").await;
    s.respond(config["id"].clone(), json!([null])).await;
    let watch = s.await_server_request("client/registerCapability").await;
    s.respond(watch["id"].clone(), Value::Null).await;
    let lines = doc.text.lines().count();
    let d = s.open_checked(URI, &doc.text).await;
    let published = d["diagnostics"].as_array().map(Vec::len).unwrap_or(0);
    let bytes = serde_json::to_string(&d).map(|t| t.len()).unwrap_or(0);
    // What the client's share is: parsing one publish (into a `serde_json::Value`, as this client
    // does; VS Code parses the same JSON with `JSON.parse`).
    let publish = serde_json::to_vec(&json!({
        "jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": d
    }))
    .unwrap_or_default();
    let mut parse = Vec::new();
    for _ in 0..30 {
        let started = Instant::now();
        let v: Value = serde_json::from_slice(&publish).unwrap_or(Value::Null);
        parse.push(started.elapsed());
        assert!(v.is_object());
    }
    let mut text = doc.text.clone();
    let (mut edit, mut completion) = (Vec::new(), Vec::new());
    let mut version = 1;
    let rounds = 150;
    let cpu = cpu_self();
    for i in 0..rounds {
        let at = doc.edit_points[(i * 7919) % doc.edit_points.len()];
        let [line, col] = position(&text, at);
        // Type a digit into the units value…
        version += 1;
        let started = Instant::now();
        s.change(URI, version, [line, col, line, col], "0").await;
        if i % 2 == 0 {
            // Timed until the publish is read and parsed; freeing it comes after.
            let published = wait_version(&mut s, version).await;
            edit.push(started.elapsed());
            drop(published);
        } else {
            // …and ask for completion right away, as an editor does while typing.
            let asked = Instant::now();
            let r = s
                .request(
                    "textDocument/completion",
                    json!({"textDocument": {"uri": URI},
                           "position": {"line": line, "character": col + 1}}),
                )
                .await;
            completion.push(asked.elapsed());
            assert!(r.is_object() || r.is_array() || r.is_null());
            wait_version(&mut s, version).await;
        }
        text.insert(at, '0');
        // …then delete it (timed too).
        version += 1;
        let started = Instant::now();
        s.change(URI, version, [line, col, line, col + 1], "").await;
        let published = wait_version(&mut s, version).await;
        edit.push(started.elapsed());
        drop(published);
        text.remove(at);
    }
    let cpu_per_edit = (cpu_self() - cpu) / (2 * rounds as u32);
    println!(
        "{label}: {lines} lines, {} claims, {} findings ({published} published, {:.0} kB a publish)",
        doc.claims,
        doc.findings,
        bytes as f64 / 1024.0
    );
    let (p50, p99) = (percentile(&mut edit, 0.5), percentile(&mut edit, 0.99));
    row(
        &format!("edit → diagnostics, {lines} lines"),
        format!("p50 {}, p99 {}", ms(p50), ms(p99)),
        "p50 < 5 ms, p99 < 10 ms",
        p50 < Duration::from_millis(5) && p99 < Duration::from_millis(10),
    );
    row(
        &format!("  CPU per edit (server + client parse), {lines} lines"),
        ms(cpu_per_edit),
        "-",
        true,
    );
    row(
        &format!("  of which the client's parse of one publish, {lines} lines"),
        format!("p50 {}", ms(percentile(&mut parse, 0.5))),
        "-",
        true,
    );
    let c99 = percentile(&mut completion, 0.99);
    row(
        &format!("completion right after a keystroke, {lines} lines"),
        format!(
            "p50 {}, p99 {}",
            ms(percentile(&mut completion, 0.5)),
            ms(c99)
        ),
        "p99 < 5 ms",
        c99 < Duration::from_millis(5),
    );
    s.finish().await;
}

/// The next message `pred` accepts, answering the server's requests on the way as VS Code does
/// (`workspace/configuration` with no settings, a registration with `null`).
fn wait_answering(
    s: &mut Spawned,
    timeout: Duration,
    pred: impl Fn(&Value) -> bool,
) -> Option<Value> {
    loop {
        let m = s.wait_for(timeout, |m| {
            pred(m) || (m.get("id").is_some() && m.get("method").is_some())
        })?;
        if pred(&m) {
            return Some(m);
        }
        let result = if m["method"] == "workspace/configuration" {
            json!([null])
        } else {
            Value::Null
        };
        let _ = s.send(&json!({"jsonrpc": "2.0", "id": m["id"].clone(), "result": result}));
    }
}

/// The spawned binary with the data directory `data_dir`: launch → first diagnostics of the small
/// document, then resident memory with the big one open after 50 edits.
fn spawned(data_dir: &std::path::Path, small: &Doc, big: &Doc) {
    let exe = env!("CARGO_BIN_EXE_claimls");
    let dir = data_dir.to_string_lossy().to_string();
    let envs = [("CLAIMLS_DATA_DIR", dir.as_str())];
    let initialize =
        json!({"processId": null, "rootUri": null, "capabilities": vscode_capabilities()});
    let mut first = Vec::new();
    let mut cpu_first = Vec::new();
    for _ in 0..15 {
        let started = Instant::now();
        let Ok(mut s) = Spawned::start(exe, &envs) else {
            println!("  launch → first diagnostics: cannot spawn {exe}");
            return;
        };
        let Ok(id) = s.request("initialize", initialize.clone()) else {
            return;
        };
        let _ = s.response(id, Duration::from_secs(10));
        let _ = s.notify("initialized", json!({}));
        let _ = s.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": URI, "languageId": "claim", "version": 1, "text": small.text}}),
        );
        let got = wait_answering(&mut s, Duration::from_secs(30), |m| {
            m["method"] == "textDocument/publishDiagnostics"
        });
        if got.is_none() {
            println!("  launch → first diagnostics: none within 30 s");
            return;
        }
        first.push(started.elapsed());
        if let Some(c) = cpu_of(s.child.id()) {
            cpu_first.push(c);
        }
        let _ = s.stop();
    }
    let (p50, p99) = (percentile(&mut first, 0.5), percentile(&mut first, 0.99));
    row(
        &format!(
            "launch → first diagnostics ({} lines), spawned",
            small.text.lines().count()
        ),
        format!("p50 {}, p99 {}", ms(p50), ms(p99)),
        "< 30 ms",
        p50 < Duration::from_millis(30),
    );
    if !cpu_first.is_empty() {
        row(
            "  server CPU until then (10 ms ticks)",
            format!("p50 {}", ms(percentile(&mut cpu_first, 0.5))),
            "-",
            true,
        );
    }
    let Ok(mut s) = Spawned::start(exe, &envs) else {
        return;
    };
    let Ok(id) = s.request("initialize", initialize) else {
        return;
    };
    let _ = s.response(id, Duration::from_secs(10));
    let _ = s.notify("initialized", json!({}));
    let _ = s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "claim", "version": 1, "text": big.text}}),
    );
    let _ = wait_answering(&mut s, Duration::from_secs(30), |m| {
        m["method"] == "textDocument/publishDiagnostics"
    });
    let mut text = big.text.clone();
    let mut samples = Vec::new();
    let cpu = cpu_of(s.child.id());
    let mut at = 0;
    for i in 0..50 {
        if i % 2 == 0 {
            at = big.edit_points[(i * 104_729) % big.edit_points.len()];
        }
        let [line, col] = position(&text, at);
        let (range, new) = if i % 2 == 0 {
            ([line, col, line, col], "0")
        } else {
            ([line, col, line, col + 1], "")
        };
        let version = i as i32 + 2;
        let started = Instant::now();
        let _ = s.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": version},
                   "contentChanges": [{"range": {"start": {"line": range[0], "character": range[1]},
                                                 "end": {"line": range[2], "character": range[3]}},
                                       "text": new}]}),
        );
        let published = wait_answering(&mut s, Duration::from_secs(30), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == version
        });
        samples.push(started.elapsed());
        drop(published);
        if i % 2 == 0 {
            text.insert(at, '0');
        } else {
            text.remove(at);
        }
    }
    let cpu_per_edit = cpu
        .zip(cpu_of(s.child.id()))
        .map(|(a, b)| ms((b - a) / 50))
        .unwrap_or("n/a".into());
    row(
        &format!(
            "edit → diagnostics, {} lines, spawned (stdio)",
            big.text.lines().count()
        ),
        format!(
            "p50 {}, p99 {}",
            ms(percentile(&mut samples, 0.5)),
            ms(percentile(&mut samples, 0.99))
        ),
        "(p50 < 5 ms)",
        percentile(&mut samples, 0.5) < Duration::from_millis(5),
    );
    row("  server CPU per edit", cpu_per_edit, "-", true);
    let rss = s.rss_kb().map(|k| k as f64 / 1024.0);
    row(
        "resident memory after 50 edits, 30,000 lines, spawned",
        rss.map_or("n/a".into(), |m| format!("{m:.1} MB")),
        "< 40 MB",
        rss.is_some_and(|m| m < 40.0),
    );
    let _ = s.stop();
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

/// The editions in use, one per `[…]` (an imported edition's name joins the files it is built from
/// with ` + `, so one file can appear in several editions), then the embedded set.
fn describe(data: &CodeData) -> String {
    data.imported_sets()
        .iter()
        .map(|s| format!("[{}]", s.edition().name))
        .chain(std::iter::once(format!(
            "[{}]",
            data.embedded_set().edition.name
        )))
        .collect::<Vec<_>>()
        .join(", ")
}

fn phase(data: Arc<CodeData>) -> (Doc, Doc) {
    let big = realistic(&data, 30_000);
    let small = realistic(&data, 300);
    runtime().block_on(async {
        edits(data.clone(), &big, "big document").await;
        edits(data.clone(), &small, "small document").await;
    });
    (small, big)
}

fn main() {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "machine: {} cores, load average {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let tmp = std::env::temp_dir().join(format!("claimls-lsp-bench-{}", std::process::id()));
    // Phase 1: the embedded curated data only (a user's own imports do not count).
    let empty = tmp.join("empty");
    use_data_dir(&empty);
    let loaded = Arc::new(CodeData::load());
    println!("== embedded data: {}", describe(&loaded));
    phase(loaded);
    // Phase 2: every official file of ../shared/refdata imported by the binary.
    let Some(refdata) = refdata() else {
        println!(
            "== all official data: SKIPPED — ../shared/refdata not found (set CLAIMLS_REFDATA); \
             the launch and memory rows were NOT measured"
        );
        let _ = std::fs::remove_dir_all(&tmp);
        return;
    };
    let dir = tmp.join("official");
    use_data_dir(&dir);
    let started = Instant::now();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_claimls"))
        .args(["data", "import"])
        .arg(&refdata)
        .env("CLAIMLS_DATA_DIR", &dir)
        .stdout(std::process::Stdio::null())
        .status();
    println!(
        "(`claimls data import` took {:.1} s: {status:?})",
        started.elapsed().as_secs_f64()
    );
    let loaded = Arc::new(CodeData::load());
    println!("== all official data: {}", describe(&loaded));
    let (small, big) = phase(loaded);
    spawned(&dir, &small, &big);
    let _ = std::fs::remove_dir_all(&tmp);
}
