//! How diagnostics leave the server: a publish that a newer version has overtaken is not sent, no
//! publish is older than one sent before it, each is what a fresh check of its version finds, and
//! a request sent right after a keystroke is answered before that keystroke's publish.

mod lsp_support;

use claimls_lsp::ServerOptions;
use lsp_support::fixture::{INFLIXIMAB, OCREVUS};
use lsp_support::*;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

const URI: &str = "file:///work/publish.claim";
const FRESH: &str = "file:///work/fresh.claim";

fn server(debounce: Duration) -> TestServer {
    TestServer::start_with(ServerOptions {
        data: Some(Arc::new(fixture::code_data())),
        debounce,
        ..ServerOptions::default()
    })
}

fn is_publish(m: &Value) -> bool {
    m["method"] == "textDocument/publishDiagnostics"
}

/// The diagnostics of a publish with the document's address taken out (related places name it).
fn diagnostics(params: &Value) -> String {
    let uri = params["uri"].as_str().unwrap_or_default();
    params["diagnostics"].to_string().replace(uri, "<doc>")
}

/// The text after replacing `old` (first occurrence after byte `from`) with `new`, and the LSP
/// range of that replacement in the text before.
fn replace(text: &str, from: usize, old: &str, new: &str) -> (String, [u32; 4]) {
    let at = from + text[from..].find(old).expect("the value to edit");
    let line = text[..at].matches('\n').count() as u32;
    let col = (at - text[..at].rfind('\n').map_or(0, |i| i + 1)) as u32;
    let mut out = text.to_string();
    out.replace_range(at..at + old.len(), new);
    (out, [line, col, line, col + old.len() as u32])
}

/// With no debounce, checks of many quick edits race each other: whatever is published comes in
/// version order, ends with the last version, and matches a fresh check of that version's text.
#[tokio::test]
async fn publishes_never_go_back_and_each_is_its_versions_findings() {
    let mut s = server(Duration::ZERO);
    s.initialize(json!({})).await;
    let mut text = format!("{OCREVUS}\n{INFLIXIMAB}\n{OCREVUS}");
    s.open_checked(URI, &text).await;
    let mut texts: Vec<(i64, String)> = vec![(1, text.clone())];
    let units = ["units 35", "units 36", "units 40", "units 35"];
    for version in 2..=21 {
        // Edit a value (the units of the infliximab line), so findings come and go.
        let from = text.find("claim IFX").expect("the infliximab claim");
        let old = units
            .iter()
            .find(|u| text[from..].contains(*u))
            .expect("a units value");
        let new = units[version as usize % units.len()];
        let (next, range) = replace(&text, from, old, new);
        s.change(URI, version, range, new).await;
        text = next;
        texts.push((i64::from(version), text.clone()));
    }
    let mut seen = Vec::new();
    loop {
        let d = s.await_diagnostics(URI).await;
        let v = d["version"].as_i64().expect("a version");
        seen.push((v, d));
        if v == 21 {
            break;
        }
    }
    let versions: Vec<i64> = seen.iter().map(|(v, _)| *v).collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    for (v, published) in &seen {
        let (_, t) = texts
            .iter()
            .find(|(tv, _)| tv == v)
            .expect("a sent version");
        s.open(FRESH, t).await;
        let fresh = s.await_diagnostics(FRESH).await;
        assert_eq!(diagnostics(published), diagnostics(&fresh), "version {v}");
        s.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": FRESH}}),
        )
        .await;
        let closed = s.await_diagnostics(FRESH).await;
        assert_eq!(closed["diagnostics"], json!([]));
    }
    s.finish().await;
}

/// Edits faster than the debounce: the first of the burst is checked at once (it followed a pause)
/// and may be published before the next arrives, the others wait for the burst to pause, and only
/// the last of them is published; `finish` fails on any other message left unread, so a publish of
/// an overtaken version would fail this test.
#[tokio::test]
async fn a_publish_overtaken_by_a_newer_version_is_not_sent() {
    let mut s = server(Duration::from_millis(60));
    s.initialize(json!({})).await;
    s.open_checked(URI, INFLIXIMAB).await;
    let line = INFLIXIMAB
        .lines()
        .position(|l| l.contains("units 35"))
        .expect("the units line") as u32;
    let col = INFLIXIMAB
        .lines()
        .nth(line as usize)
        .expect("line")
        .find("35")
        .expect("35") as u32;
    for version in 2..=6 {
        let digit = if version % 2 == 0 { "6" } else { "5" };
        s.change(URI, version, [line, col + 1, line, col + 2], digit)
            .await;
    }
    let mut d = s.await_diagnostics(URI).await;
    if d["version"] == 2 {
        d = s.await_diagnostics(URI).await;
    }
    assert_eq!(d["version"], 6, "{d}");
    s.finish().await;
}

/// A lone edit is checked at once: with a debounce far longer than a check, its publish still comes
/// well before the debounce, and a second edit right after it waits for the debounce.
#[tokio::test]
async fn a_lone_edit_is_checked_without_waiting_for_the_debounce() {
    let debounce = Duration::from_secs(3);
    let mut s = server(debounce);
    s.initialize(json!({})).await;
    let text = format!("{OCREVUS}\n{INFLIXIMAB}");
    s.open_checked(URI, &text).await;
    let (next, range) = replace(&text, 0, "pos 11", "pos 12");
    let started = std::time::Instant::now();
    s.change(URI, 2, range, "pos 12").await;
    let d = s.await_diagnostics(URI).await;
    assert_eq!(d["version"], 2);
    assert!(started.elapsed() < debounce, "{:?}", started.elapsed());
    // Two edits in a burst: the second waits for the debounce.
    let (_, range) = replace(&next, 0, "pos 12", "pos 11");
    s.change(URI, 3, range, "pos 11").await;
    let started = std::time::Instant::now();
    let (_, range) = replace(&next, 0, "pos 12", "pos 12");
    s.change(URI, 4, range, "pos 12").await;
    let mut d = s.await_diagnostics(URI).await;
    if d["version"] == 3 {
        d = s.await_diagnostics(URI).await;
    }
    assert_eq!(d["version"], 4);
    assert!(started.elapsed() >= debounce, "{:?}", started.elapsed());
    s.finish().await;
}

/// A completion sent right after a keystroke is answered before that keystroke's diagnostics.
#[tokio::test]
async fn completion_right_after_a_keystroke_answers_before_its_publish() {
    let mut s = server(Duration::from_millis(20));
    s.initialize(json!({})).await;
    let text = format!("{OCREVUS}\n{INFLIXIMAB}");
    s.open_checked(URI, &text).await;
    let (_, range) = replace(&text, 0, "pos 11", "pos ");
    s.change(URI, 2, range, "pos ").await;
    let pos = json!({"line": range[0], "character": range[1] + 4});
    s.send_raw(
        &json!({"jsonrpc": "2.0", "id": 900, "method": "textDocument/completion",
                "params": {"textDocument": {"uri": URI}, "position": pos}})
        .to_string(),
    )
    .await;
    let first = s
        .await_message(|m| m["id"] == 900 || (is_publish(m) && m["params"]["version"] == 2))
        .await;
    assert_eq!(first["id"], 900, "the publish came first: {first}");
    assert!(
        first["result"].is_object() || first["result"].is_array(),
        "{first}"
    );
    let d = s.await_diagnostics(URI).await;
    assert_eq!(d["version"], 2);
    s.finish().await;
}
