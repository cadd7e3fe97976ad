//! Protocol abuse: malformed JSON-RPC messages, broken framing, oversized headers and bodies, a
//! panicking handler, out-of-order versions. After each, the server must answer as JSON-RPC asks
//! (or not at all, for responses) and then answer a valid request: the session goes on.

mod lsp_support;

use claimls_lsp::ServerOptions;
use claimls_lsp::framing::{BODY_STALL, MAX_BODY, MAX_HEADER_BYTES};
use lsp_support::fixture::{OCREVUS, code_data};
use lsp_support::*;
use serde_json::{Value, json};
use std::sync::Arc;

const URI: &str = "file:///work/abuse.claim";

/// An initialized server with the Ocrevus example open.
async fn server() -> TestServer {
    let mut s = TestServer::initialized().await;
    s.open_checked(URI, OCREVUS).await;
    s
}

/// The server answers a valid request correctly.
async fn assert_alive(s: &mut TestServer) {
    let symbols = s
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": URI}}),
        )
        .await;
    assert_eq!(symbols[0]["name"], "claim OCR-2026-0142", "{symbols}");
}

/// The next error response (not a request from the server).
async fn next_error(s: &mut TestServer) -> Value {
    s.await_message(|m| m.get("error").is_some() && m.get("method").is_none())
        .await
}

fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Send one framed body; expect an error answer with `code` and `id`; then the server is alive.
async fn answered(body: &str, code: i64, id: Value) {
    let mut s = server().await;
    s.send_bytes(&framed(body.as_bytes())).await;
    let e = next_error(&mut s).await;
    assert_eq!(e["error"]["code"], code, "{body}: {e}");
    assert_eq!(e["id"], id, "{body}: {e}");
    assert_alive(&mut s).await;
    s.finish().await;
}

/// Send raw bytes; expect exactly one parse error (id null); then the server is alive.
async fn one_parse_error(bytes: &[u8]) {
    let mut s = server().await;
    s.send_bytes(bytes).await;
    let e = next_error(&mut s).await;
    assert_eq!(e["error"]["code"], -32700, "{e}");
    assert_eq!(e["id"], Value::Null, "{e}");
    assert_alive(&mut s).await;
    s.finish().await;
}

// ---- The six messages of issue 12 that ended the session.

#[tokio::test]
async fn an_object_id_is_an_invalid_request() {
    answered(
        r#"{"jsonrpc":"2.0","id":{"a":1},"method":"textDocument/hover"}"#,
        -32600,
        Value::Null,
    )
    .await;
}

#[tokio::test]
async fn a_float_id_is_an_invalid_request() {
    answered(
        r#"{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}"#,
        -32600,
        Value::Null,
    )
    .await;
}

#[tokio::test]
async fn an_id_beyond_i64_is_an_invalid_request() {
    answered(
        r#"{"jsonrpc":"2.0","id":18446744073709551615,"method":"shutdown"}"#,
        -32600,
        Value::Null,
    )
    .await;
}

#[tokio::test]
async fn jsonrpc_1_0_is_an_invalid_request_answered_with_its_id() {
    answered(
        r#"{"jsonrpc":"1.0","id":41,"method":"shutdown"}"#,
        -32600,
        json!(41),
    )
    .await;
}

#[tokio::test]
async fn a_missing_jsonrpc_field_is_an_invalid_request_answered_with_its_id() {
    answered(r#"{"id":"x-1","method":"shutdown"}"#, -32600, json!("x-1")).await;
}

#[tokio::test]
async fn a_response_with_an_array_id_is_dropped_and_the_session_goes_on() {
    let mut s = server().await;
    s.send_raw(r#"{"jsonrpc":"2.0","id":[1,2],"result":null}"#)
        .await;
    // Nothing answers a response; `finish` fails if anything was sent.
    assert_alive(&mut s).await;
    s.finish().await;
}

// ---- Other malformed messages.

#[tokio::test]
async fn a_method_that_is_not_a_string_is_an_invalid_request() {
    answered(r#"{"jsonrpc":"2.0","id":5,"method":42}"#, -32600, json!(5)).await;
}

#[tokio::test]
async fn a_batch_array_is_an_invalid_request() {
    answered(
        r#"[{"jsonrpc":"2.0","id":1,"method":"shutdown"}]"#,
        -32600,
        Value::Null,
    )
    .await;
}

#[tokio::test]
async fn json_null_and_a_bare_string_are_invalid_requests() {
    answered("null", -32600, Value::Null).await;
    answered(r#""shutdown""#, -32600, Value::Null).await;
}

#[tokio::test]
async fn a_body_that_is_not_utf8_is_a_parse_error() {
    one_parse_error(&framed(
        b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xff\xfe\"}",
    ))
    .await;
}

#[tokio::test]
async fn an_empty_body_is_a_parse_error() {
    one_parse_error(b"Content-Length: 0\r\n\r\n").await;
}

#[tokio::test]
async fn duplicate_keys_do_not_end_the_session() {
    let mut s = server().await;
    let body = format!(
        r#"{{"jsonrpc":"2.0","jsonrpc":"2.0","id":77,"id":78,"method":"textDocument/documentSymbol","params":{{"textDocument":{{"uri":"{URI}"}}}}}}"#
    );
    s.send_raw(&body).await;
    let r = s.await_message(|m| m.get("id") == Some(&json!(78))).await;
    assert_eq!(r["result"][0]["name"], "claim OCR-2026-0142", "{r}");
    assert_alive(&mut s).await;
    s.finish().await;
}

#[tokio::test]
async fn a_request_with_params_of_the_wrong_shape_is_answered_invalid_params() {
    answered(
        r#"{"jsonrpc":"2.0","id":9,"method":"textDocument/hover","params":"nope"}"#,
        -32602,
        json!(9),
    )
    .await;
}

#[tokio::test]
async fn a_malformed_error_response_and_a_response_to_no_request_are_ignored() {
    let mut s = server().await;
    s.send_raw(r#"{"jsonrpc":"2.0","id":12345,"error":"not an object"}"#)
        .await;
    s.send_raw(r#"{"jsonrpc":"2.0","id":"never-asked","result":{}}"#)
        .await;
    assert_alive(&mut s).await;
    s.finish().await;
}

#[tokio::test]
async fn notifications_with_broken_params_are_ignored() {
    let mut s = server().await;
    s.notify("textDocument/didOpen", json!({"textDocument": 3}))
        .await;
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///never-opened.claim", "version": 2}, "contentChanges": [{"text": "x"}]}),
    )
    .await;
    assert_alive(&mut s).await;
    s.finish().await;
}

// ---- Framing.

#[tokio::test]
async fn a_content_length_10_bytes_short_resynchronises_on_the_next_header() {
    let mut s = server().await;
    let body = br#"{"jsonrpc":"2.0","id":500,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///work/abuse.claim"}}}"#;
    let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len() - 10).into_bytes();
    bytes.extend_from_slice(body);
    s.send_bytes(&bytes).await;
    let e = next_error(&mut s).await;
    assert_eq!(e["error"]["code"], -32700, "{e}");
    // The next message is read as sent (and the garbage was answered once).
    assert_alive(&mut s).await;
    s.finish().await;
}

#[tokio::test]
async fn a_content_length_10_bytes_long_resynchronises_on_the_swallowed_header() {
    let mut s = server().await;
    let body = br#"{"jsonrpc":"2.0","id":501,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///work/abuse.claim"}}}"#;
    let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len() + 10).into_bytes();
    bytes.extend_from_slice(body);
    s.send_bytes(&bytes).await;
    // The frame holds the whole message (answered) and the first 10 bytes of the next one, which
    // is still read and answered.
    assert_alive(&mut s).await;
    let r = s.await_message(|m| m.get("id") == Some(&json!(501))).await;
    assert_eq!(r["result"][0]["name"], "claim OCR-2026-0142", "{r}");
    s.finish().await;
}

#[tokio::test]
async fn a_content_length_of_u64_max_is_refused_at_once() {
    // Nothing follows the header before the next message: its header must not be lost.
    one_parse_error(format!("Content-Length: {}\r\n\r\n", u64::MAX).as_bytes()).await;
}

#[tokio::test]
async fn a_content_length_beyond_u64_is_refused_at_once() {
    one_parse_error(b"Content-Length: 99999999999999999999999999\r\n\r\n{}").await;
}

#[tokio::test]
async fn a_declared_200_mb_body_is_refused_without_waiting_for_it() {
    const { assert!(200 << 20 > MAX_BODY) };
    one_parse_error(format!("Content-Length: {}\r\n\r\n{{\"x\":", 200 << 20).as_bytes()).await;
}

#[tokio::test]
async fn a_header_line_without_a_newline_is_not_buffered_without_limit() {
    let mut s = server().await;
    // Four times the header limit of garbage with no newline, then a valid message.
    s.send_bytes(&vec![b'x'; 4 * MAX_HEADER_BYTES]).await;
    let e = next_error(&mut s).await;
    assert_eq!(e["error"]["code"], -32700, "{e}");
    assert_alive(&mut s).await;
    s.finish().await;
}

#[tokio::test]
async fn a_megabyte_of_garbage_between_messages_is_one_error() {
    let mut s = server().await;
    let mut garbage = b"GET / HTTP/1.1\r\n".to_vec();
    garbage.extend(std::iter::repeat_n(b"nonsense line\r\n", 1 << 16).flatten());
    s.send_bytes(&garbage).await;
    assert_alive(&mut s).await;
    let e = next_error(&mut s).await;
    assert_eq!(e["error"]["code"], -32700, "{e}");
    s.finish().await;
}

#[tokio::test]
async fn a_header_block_without_content_length_is_a_parse_error() {
    one_parse_error(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}").await;
}

#[tokio::test]
async fn a_content_length_that_is_not_a_number_is_a_parse_error() {
    one_parse_error(b"Content-Length: twelve\r\n\r\n{}").await;
}

#[tokio::test]
async fn lowercase_headers_lf_line_ends_and_an_odd_charset_are_read() {
    let mut s = server().await;
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":600,"method":"textDocument/documentSymbol","params":{{"textDocument":{{"uri":"{URI}"}}}}}}"#
    );
    let bytes = format!(
        "content-length: {}\ncontent-type: application/json; charset=latin1\n\n{body}",
        body.len()
    );
    s.send_bytes(bytes.as_bytes()).await;
    let r = s.await_message(|m| m.get("id") == Some(&json!(600))).await;
    assert_eq!(r["result"][0]["name"], "claim OCR-2026-0142", "{r}");
    s.finish().await;
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_given_up_after_the_stall_limit() {
    let mut s = server().await;
    s.send_bytes(b"Content-Length: 5000\r\n\r\n{\"jsonrpc\":\"2.0\"")
        .await;
    let started = std::time::Instant::now();
    let e = next_error(&mut s).await;
    assert_eq!(e["error"]["code"], -32700, "{e}");
    assert!(started.elapsed() + std::time::Duration::from_millis(100) >= BODY_STALL);
    assert_alive(&mut s).await;
    s.finish().await;
}

// ---- Handlers and documents.

#[tokio::test]
async fn a_panicking_handler_is_answered_with_an_internal_error_and_the_session_goes_on() {
    let mut s = TestServer::start_with(ServerOptions {
        data: Some(Arc::new(code_data())),
        panic_on: Some("textDocument/hover".to_string()),
        ..ServerOptions::default()
    });
    s.initialize(json!({})).await;
    s.open_checked(URI, OCREVUS).await;
    for _ in 0..5 {
        let r = s
            .send_request(
                "textDocument/hover",
                json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}),
            )
            .await;
        assert_eq!(r["error"]["code"], -32603, "{r}");
        // The answer names the method, never a panic message (which may quote document text).
        assert_eq!(
            r["error"]["message"],
            "claimls: internal error in textDocument/hover"
        );
    }
    assert_alive(&mut s).await;
    s.finish().await;
}

#[tokio::test]
async fn a_change_with_an_older_version_is_applied_so_the_text_never_diverges() {
    let mut s = TestServer::initialized().await;
    let text = "claim A\n  dx G35\n";
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "claim", "version": 5, "text": text}}),
    )
    .await;
    s.await_diagnostics(URI).await;
    // An out-of-order version number: the change is still the next edit of the client's text.
    s.change(URI, 3, [0, 7, 0, 7], "B").await;
    s.change(URI, 3, [1, 0, 1, 0], "claim C\n").await;
    let d = s.await_diagnostics(URI).await;
    assert_eq!(d["version"], 3);
    let symbols = s
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": URI}}),
        )
        .await;
    let names: Vec<&str> = symbols
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names, ["claim AB", "claim C"], "{symbols}");
    s.discard_unread(|m| m["method"] == "textDocument/publishDiagnostics");
    s.finish().await;
}

#[tokio::test]
async fn many_abuses_in_one_session_leave_it_serving() {
    let mut s = server().await;
    let bodies = [
        r#"{"jsonrpc":"2.0","id":{"a":1},"method":"x"}"#,
        r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#,
        r#"{"jsonrpc":"1.0","id":3,"method":"x"}"#,
        r#"{"id":4,"method":"x"}"#,
        "{",
        "[]",
    ];
    for b in bodies {
        s.send_raw(b).await;
    }
    s.send_raw(r#"{"jsonrpc":"2.0","id":[1],"result":1}"#).await;
    for _ in bodies {
        let e = next_error(&mut s).await;
        assert!(
            matches!(e["error"]["code"].as_i64(), Some(-32600 | -32700)),
            "{e}"
        );
    }
    assert_alive(&mut s).await;
    s.finish().await;
}
