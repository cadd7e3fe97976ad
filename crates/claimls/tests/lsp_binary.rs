//! The real binary: `claimls lsp` over stdio.

#[path = "../../claimls-lsp/tests/lsp_support/mod.rs"]
mod lsp_support;

use lsp_support::fixture::OCREVUS;
use lsp_support::process::Spawned;
use serde_json::{Value, json};
use std::time::Duration;

const EXE: &str = env!("CARGO_BIN_EXE_claimls");
/// Embedded data only: what a developer imported must not change what is expected.
const NO_IMPORTS: (&str, &str) = (
    "CLAIMLS_DATA_DIR",
    concat!(env!("CARGO_TARGET_TMPDIR"), "/no-imported-data"),
);
const WAIT: Duration = Duration::from_secs(20);

/// Fails the test: the server did not answer (saying whether it exited or hung).
fn no_answer(s: &mut Spawned) -> ! {
    let exited = s.exited_within(Duration::from_secs(5));
    panic!("`claimls lsp` did not answer within {WAIT:?} (exited: {exited})");
}

/// A spawned and initialized server.
fn start() -> Spawned {
    let mut s = Spawned::start(EXE, &[NO_IMPORTS]).expect("spawn claimls");
    let id = s.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    let Some(r) = id.ok().and_then(|id| s.response(id, WAIT)) else {
        no_answer(&mut s)
    };
    assert!(r.get("error").is_none(), "{r}");
    s.notify("initialized", json!({})).expect("initialized");
    s
}

#[test]
fn the_binary_answers_initialize_publishes_diagnostics_and_exits_cleanly() {
    let mut s = start();
    let uri = "file:///tmp/binary.claim";
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "claim", "version": 1, "text": OCREVUS}}),
    )
    .expect("didOpen");
    let d = s
        .wait_for(WAIT, |m| m["method"] == "textDocument/publishDiagnostics")
        .expect("diagnostics");
    assert_eq!(d["params"]["uri"], uri);
    for diag in d["params"]["diagnostics"].as_array().into_iter().flatten() {
        assert_eq!(diag["source"], "claimls");
        assert!(diag["code"].is_string());
    }
    let id = s
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .expect("symbols");
    let r = s.response(id, WAIT).expect("symbols answer");
    assert_eq!(r["result"][0]["name"], "claim OCR-2026-0142");
    let status = s.stop().expect("the server stops after exit");
    assert!(status.success(), "{status:?}");
}

#[test]
fn the_binary_survives_garbage_and_refuses_requests_before_initialize() {
    let mut s = Spawned::start(EXE, &[NO_IMPORTS]).expect("spawn claimls");
    let id = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///x"}, "position": {"line": 0, "character": 0}}),
    );
    let Some(r) = id.ok().and_then(|id| s.response(id, WAIT)) else {
        no_answer(&mut s)
    };
    assert_eq!(r["error"]["code"], -32002);
    s.send(&json!("not a message")).expect("write");
    let e = s
        .wait_for(WAIT, |m| m.get("error").is_some())
        .expect("an error answer");
    assert_eq!(e["id"], Value::Null);
    let id = s
        .request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        )
        .expect("write");
    assert!(
        s.response(id, WAIT)
            .is_some_and(|r| r.get("result").is_some())
    );
    s.notify("initialized", json!({})).expect("initialized");
    let status = s.stop().expect("stops");
    assert!(status.success());
}

/// An editor that dies without `exit` closes the server's input: the server must not linger.
#[test]
fn the_binary_exits_when_its_input_closes() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_claimls"))
        // Embedded data only: what a developer imported must not change what is expected.
        .env(
            "CLAIMLS_DATA_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/no-imported-data"),
        )
        .arg("lsp")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn claimls lsp");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let _ = status;
            return;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("claimls lsp did not exit within 10 s of its input closing");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The LSP specification: `exit` without a `shutdown` before it ends the process with code 1.
#[test]
fn exit_without_shutdown_exits_with_code_1() {
    let mut s = start();
    s.notify("exit", Value::Null).expect("exit");
    assert!(s.exited_within(WAIT), "the server did not exit");
    let status = s.child.wait().expect("status");
    assert_eq!(status.code(), Some(1), "{status:?}");
}

/// Over the real stdio: broken frames and malformed messages are answered, and the server goes on
/// answering (the in-process suite `claimls-lsp/tests/lsp_abuse.rs` has every scenario).
#[test]
fn the_binary_survives_broken_frames_and_malformed_ids() {
    let mut s = start();
    let framed = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
    let valid = r#"{"jsonrpc":"2.0","id":900,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///none.claim"}}}"#;
    let abuses = [
        framed(r#"{"jsonrpc":"2.0","id":{"a":1},"method":"shutdown"}"#),
        framed(r#"{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}"#),
        framed(r#"{"jsonrpc":"1.0","id":3,"method":"shutdown"}"#),
        framed(r#"{"jsonrpc":"2.0","id":[1],"result":null}"#),
        format!("Content-Length: {}\r\n\r\n{valid}", valid.len() - 10),
        format!("Content-Length: {}\r\n\r\n", u64::MAX),
        "x".repeat(100_000),
    ];
    for (i, abuse) in abuses.iter().enumerate() {
        s.send_bytes(abuse.as_bytes()).expect("write");
        let id = s
            .request(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": "file:///none.claim"}}),
            )
            .expect("write");
        let Some(r) = s.response(id, WAIT) else {
            panic!("no answer after abuse {i}");
        };
        assert!(r.get("error").is_none(), "abuse {i}: {r}");
    }
    let status = s.stop().expect("stops");
    assert_eq!(status.code(), Some(0));
}

/// At `debug`, the log shows the server's events and tower-lsp-server's own, and never document text.
#[test]
fn the_debug_log_shows_the_library_events_and_no_document_text() {
    const SENTINEL: &str = "SENTINEL-PATIENT-7Q3X";
    let log_path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("lsp-debug-log-{}.txt", std::process::id()));
    let log = std::fs::File::create(&log_path).expect("log file");
    let mut s =
        Spawned::start_with_stderr(EXE, &[("CLAIMLS_LOG", "debug"), NO_IMPORTS], log.into())
            .expect("spawn claimls");
    let id = s.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}, "trace": "off"}),
    );
    let Some(_) = id.ok().and_then(|id| s.response(id, WAIT)) else {
        no_answer(&mut s)
    };
    s.notify("initialized", json!({})).expect("initialized");
    let uri = "file:///tmp/log-sentinel.claim";
    let text = format!("claim {SENTINEL}\n  note \"{SENTINEL}\"\n{}", OCREVUS);
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "claim", "version": 1, "text": text}}),
    )
    .expect("didOpen");
    s.wait_for(WAIT, |m| m["method"] == "textDocument/publishDiagnostics")
        .expect("diagnostics");
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [{"text": format!("{text}\n  line {SENTINEL} units 1\n")}]}),
    )
    .expect("didChange");
    s.wait_for(WAIT, |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 2
    })
    .expect("diagnostics of version 2");
    // A request the library answers itself, and a cancellation of an unknown request: its events.
    let id = s
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 8}}),
        )
        .expect("hover");
    s.response(id, WAIT).expect("hover answer");
    s.notify("$/cancelRequest", json!({"id": 9999}))
        .expect("cancel");
    let status = s.stop().expect("stops");
    assert!(status.success());
    let log = std::fs::read_to_string(&log_path).expect("read the log");
    assert!(
        log.contains("tower_lsp_server")
            && log.contains("shutdown request received")
            && log.contains("but no such pending request exists"),
        "tower-lsp-server's own events are in the log:\n{log}"
    );
    assert!(
        log.contains("diagnostics in"),
        "the server's debug events are in the log:\n{log}"
    );
    assert!(
        !log.contains(SENTINEL) && !log.contains("ocrelizumab"),
        "document text in the log:\n{log}"
    );
}
