//! An in-process LSP test harness (in the manner of typos-lsp and ruff): the server runs on a tokio
//! task over `tokio::io::duplex`; the test sends requests and notifications and awaits what comes
//! back. Every message the server sends must be consumed: `finish()` shuts the server down and fails
//! the test if anything went unread, and dropping a harness without `finish()` fails the test too.

#![allow(dead_code)]

pub mod fixture;
pub mod process;

use claimls_lsp::{ServerOptions, serve};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf,
};
use tokio::task::JoinHandle;

pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct TestServer {
    to_server: WriteHalf<DuplexStream>,
    from_server: BufReader<ReadHalf<DuplexStream>>,
    next_id: i64,
    /// Messages read while waiting for something else, not yet consumed by the test.
    unread: VecDeque<Value>,
    task: Option<JoinHandle<()>>,
    finished: bool,
}

impl TestServer {
    /// A server with the fixture code data, not yet initialized.
    pub fn start() -> TestServer {
        TestServer::start_with(ServerOptions {
            data: Some(Arc::new(fixture::code_data())),
            ..ServerOptions::default()
        })
    }

    pub fn start_with(options: ServerOptions) -> TestServer {
        let (client, server) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server);
        let task = tokio::spawn(async move {
            serve(server_read, server_write, options).await;
        });
        let (from_server, to_server) = tokio::io::split(client);
        TestServer {
            to_server,
            from_server: BufReader::new(from_server),
            next_id: 1,
            unread: VecDeque::new(),
            task: Some(task),
            finished: false,
        }
    }

    /// A started and initialized server (`initialize` + `initialized`).
    pub async fn initialized() -> TestServer {
        let mut s = TestServer::start();
        s.initialize(json!({})).await;
        s
    }

    pub async fn initialize(&mut self, capabilities: Value) -> Value {
        self.initialize_with(
            json!({ "capabilities": capabilities, "processId": null, "rootUri": null }),
        )
        .await
    }

    pub async fn initialize_with(&mut self, params: Value) -> Value {
        let result = self.request("initialize", params).await;
        self.notify("initialized", json!({})).await;
        result
    }

    pub async fn send_raw(&mut self, body: &str) {
        let msg = format!("Content-Length: {}\r\n\r\n{}", body.len(), body);
        self.to_server
            .write_all(msg.as_bytes())
            .await
            .expect("the server closed its input");
        self.to_server.flush().await.expect("flush");
    }

    /// Write bytes as they are (framing included, or not: for tests of malformed input).
    pub async fn send_bytes(&mut self, bytes: &[u8]) {
        self.to_server
            .write_all(bytes)
            .await
            .expect("the server closed its input");
        self.to_server.flush().await.expect("flush");
    }

    async fn send(&mut self, v: &Value) {
        self.send_raw(&v.to_string()).await;
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    /// Send a request and return its whole response (`result` or `error`).
    pub async fn send_request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        self.await_message(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
            .await
    }

    /// Send a request and return its `result`, failing on an error response.
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.send_request(method, params).await;
        if let Some(e) = response.get("error") {
            panic!("{method} failed: {e}");
        }
        response.get("result").cloned().unwrap_or(Value::Null)
    }

    /// Read one message from the server (with a timeout).
    async fn read_message(&mut self) -> Option<Value> {
        let read = async {
            let mut length: Option<usize> = None;
            loop {
                let mut header = String::new();
                let n = self.from_server.read_line(&mut header).await.ok()?;
                if n == 0 {
                    return None;
                }
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                if let Some(v) = header.strip_prefix("Content-Length: ") {
                    length = v.trim().parse().ok();
                }
            }
            let mut body = vec![0u8; length?];
            self.from_server.read_exact(&mut body).await.ok()?;
            serde_json::from_slice(&body).ok()
        };
        tokio::time::timeout(TIMEOUT, read)
            .await
            .expect("timed out waiting for a server message")
    }

    /// The first message (unread ones first) matching `pred`; others are kept for later.
    pub async fn await_message(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.unread.iter().position(&pred) {
            return self.unread.remove(i).expect("index from position");
        }
        loop {
            let m = self
                .read_message()
                .await
                .expect("the server closed its output");
            if pred(&m) {
                return m;
            }
            self.unread.push_back(m);
        }
    }

    /// The params of the next notification `method`.
    pub async fn await_notification(&mut self, method: &str) -> Value {
        let m = self
            .await_message(|m| m.get("method") == Some(&json!(method)) && m.get("id").is_none())
            .await;
        m.get("params").cloned().unwrap_or(Value::Null)
    }

    /// The next `publishDiagnostics` for `uri`.
    pub async fn await_diagnostics(&mut self, uri: &str) -> Value {
        let mut m = self
            .await_message(|m| {
                m.get("method") == Some(&json!("textDocument/publishDiagnostics"))
                    && m["params"]["uri"] == json!(uri)
            })
            .await;
        // Taken, not cloned: a publish of a large document is half a megabyte of JSON.
        m["params"].take()
    }

    /// A request from the server to the client (`client/registerCapability`…), to answer.
    pub async fn await_server_request(&mut self, method: &str) -> Value {
        self.await_message(|m| m.get("method") == Some(&json!(method)) && m.get("id").is_some())
            .await
    }

    pub async fn respond(&mut self, id: Value, result: Value) {
        self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}))
            .await;
    }

    pub async fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "claim", "version": 1, "text": text}}),
        )
        .await;
    }

    /// `didChange` with one ranged edit.
    pub async fn change(&mut self, uri: &str, version: i32, range: [u32; 4], text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{
                    "range": {"start": {"line": range[0], "character": range[1]},
                              "end": {"line": range[2], "character": range[3]}},
                    "text": text
                }]
            }),
        )
        .await;
    }

    /// Open a document and consume its first diagnostics.
    pub async fn open_checked(&mut self, uri: &str, text: &str) -> Value {
        self.open(uri, text).await;
        self.await_diagnostics(uri).await
    }

    pub fn unread(&self) -> &VecDeque<Value> {
        &self.unread
    }

    /// Drop unread messages a test does not care about (say so where it is called).
    pub fn discard_unread(&mut self, pred: impl Fn(&Value) -> bool) {
        self.unread.retain(|m| !pred(m));
    }

    /// `shutdown` + `exit`; the server must stop, and every message it sent must have been read.
    pub async fn finish(self) {
        self.finish_except(|_| false).await;
    }

    /// `finish`, where messages that `late` accepts may still arrive (diagnostics a settings change
    /// scheduled, say) and are dropped; any other unread message fails the test.
    pub async fn finish_except(mut self, late: impl Fn(&Value) -> bool) {
        let r = self.send_request("shutdown", Value::Null).await;
        assert!(r.get("error").is_none(), "shutdown failed: {r}");
        self.notify("exit", Value::Null).await;
        // Whatever is still in flight must not be a message the test did not expect.
        while let Some(m) = self.read_message_until_eof().await {
            self.unread.push_back(m);
        }
        self.unread.retain(|m| !late(m));
        let task = self.task.take().expect("the server task");
        tokio::time::timeout(TIMEOUT, task)
            .await
            .expect("the server did not stop after exit")
            .expect("the server task panicked");
        self.finished = true;
        assert!(
            self.unread.is_empty(),
            "the server sent messages the test did not read: {:#?}",
            self.unread
        );
    }

    async fn read_message_until_eof(&mut self) -> Option<Value> {
        tokio::time::timeout(Duration::from_secs(2), self.read_message())
            .await
            .ok()
            .flatten()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if !self.finished && !std::thread::panicking() {
            panic!(
                "TestServer dropped without finish(); unread messages: {:#?}",
                self.unread
            );
        }
    }
}

/// The position (line, UTF-16 column) of the first `marker` in `text`.
pub fn position_of(text: &str, marker: &str) -> Value {
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker:?} not in the text"));
    let before = &text[..at];
    let line = before.matches('\n').count();
    let col = before[before.rfind('\n').map(|i| i + 1).unwrap_or(0)..]
        .encode_utf16()
        .count();
    json!({"line": line, "character": col})
}

/// `text` with a `▮` cursor marker removed, and the cursor's position.
pub fn cursor(text_with_cursor: &str) -> (String, Value) {
    let pos = position_of(text_with_cursor, "▮");
    (text_with_cursor.replacen('▮', "", 1), pos)
}

/// Apply LSP text edits (UTF-16 ranges) to a text.
pub fn apply_edits(text: &str, edits: &[Value]) -> String {
    let offset = |pos: &Value| -> usize {
        let line = pos["line"].as_u64().unwrap_or(0) as usize;
        let ch = pos["character"].as_u64().unwrap_or(0) as usize;
        let mut start = 0;
        for (i, l) in text.split_inclusive('\n').enumerate() {
            if i == line {
                let mut cu = 0;
                for (b, c) in l.char_indices() {
                    if cu >= ch || c == '\n' || c == '\r' {
                        return start + b;
                    }
                    cu += c.len_utf16();
                }
                return start + l.trim_end_matches(['\n', '\r']).len();
            }
            start += l.len();
        }
        text.len()
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (s, e, t) in spans {
        out.replace_range(s..e, &t);
    }
    out
}
