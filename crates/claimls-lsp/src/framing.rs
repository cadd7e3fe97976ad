//! A guard in front of the LSP reader. tower-lsp-server's reader stops for good after the first
//! message it cannot decode (tokio-util's `FramedRead` ends the stream after a decoder error), which
//! would let one malformed message end the session. This guard frames the input itself, checks every
//! message the way the library will decode it, and passes on only messages the library accepts,
//! rebuilt from the fields JSON-RPC defines:
//!
//! - a body that is not JSON becomes a request for `claimls/parseError` (answered `-32700`);
//! - JSON that is not a valid JSON-RPC 2.0 request (not an object, `jsonrpc` missing or not `"2.0"`,
//!   `method` not a string, an `id` that is an object, an array, a float or an integer beyond i64)
//!   becomes a request for `claimls/invalidRequest` (answered `-32600`, with the request's id when
//!   it is a valid one, else `null`);
//! - a malformed response to one of the server's own requests is passed on as an error response
//!   when its id is valid (so the request waiting for it ends), and dropped otherwise.
//!
//! Framing errors re-synchronise: after a header block that cannot be read (no `Content-Length`,
//! an unreadable or too large length, a header line longer than [`MAX_HEADER_BYTES`]), or a body
//! that is not JSON because its declared length was wrong, the guard answers `-32700` once and
//! scans for the next `Content-Length:` header, so the next message is read as it was sent. A body
//! that stops arriving for [`BODY_STALL`] is answered the same way. Nothing is buffered beyond
//! [`MAX_HEADER_BYTES`] of header or [`MAX_BODY`] of body.

use serde_json::{Map, Value};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp_server::jsonrpc;

/// The largest message body accepted. A larger declared `Content-Length` is answered with a parse
/// error at once (nothing of it is buffered) and the guard scans for the next header.
pub const MAX_BODY: usize = 64 << 20;

/// The largest header block (all header lines of one message) accepted; LSP headers are a few dozen
/// bytes. A longer one, or a line without its newline after this many bytes, is garbage.
pub const MAX_HEADER_BYTES: usize = 4096;

/// How long a body may stop arriving before the guard gives up on it: a `Content-Length` larger
/// than what the client sent must not leave the server waiting for bytes that never come.
pub const BODY_STALL: Duration = Duration::from_secs(3);

pub const PARSE_ERROR_METHOD: &str = "claimls/parseError";
pub const INVALID_REQUEST_METHOD: &str = "claimls/invalidRequest";

const MARKER: &[u8] = b"content-length:";

fn substitute(method: &str, id: &Value) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({"jsonrpc": "2.0", "id": id, "method": method}))
        .unwrap_or_default()
}

fn parse_error() -> Vec<u8> {
    substitute(PARSE_ERROR_METHOD, &Value::Null)
}

/// A JSON-RPC id the library can represent: `null`, a string, or an integer within i64.
fn valid_id(id: &Value) -> bool {
    match id {
        Value::Null | Value::String(_) => true,
        Value::Number(n) => n.as_i64().is_some(),
        _ => false,
    }
}

/// What to do with one message body.
#[derive(Debug, PartialEq)]
enum Checked {
    /// Pass this (rebuilt) message on.
    Pass(Vec<u8>),
    /// Not JSON; the body may hold the start of the next message at this offset.
    NotJson(Option<usize>),
    /// Nothing to pass on (a malformed response without a usable id).
    Drop,
}

/// The body to pass on: the message rebuilt from its JSON-RPC fields when the library will decode
/// it, else a substitute that the server answers with the right error.
fn check(body: &[u8]) -> Checked {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Checked::NotJson(find_marker(body, 1));
    };
    let Value::Object(obj) = value else {
        return Checked::Pass(substitute(INVALID_REQUEST_METHOD, &Value::Null));
    };
    let version_ok = obj.get("jsonrpc").and_then(Value::as_str) == Some("2.0");
    let id = obj.get("id");
    let usable_id = id.filter(|i| valid_id(i)).cloned().unwrap_or(Value::Null);
    let invalid = || Checked::Pass(substitute(INVALID_REQUEST_METHOD, &usable_id));
    if let Some(method) = obj.get("method") {
        if !version_ok || !method.is_string() || id.is_some_and(|i| !valid_id(i)) {
            return invalid();
        }
        let mut out = Map::new();
        out.insert("jsonrpc".into(), "2.0".into());
        out.insert("method".into(), method.clone());
        if let Some(params) = obj.get("params") {
            out.insert("params".into(), params.clone());
        }
        if let Some(id) = id {
            out.insert("id".into(), id.clone());
        }
        return pass_if_decodable::<jsonrpc::Request>(out, invalid);
    }
    if obj.contains_key("result") || obj.contains_key("error") {
        // A response to one of the server's requests. A malformed one still ends the request
        // waiting for it, as an error, when its id says which request that is.
        let Some(id) = id.filter(|i| valid_id(i) && !i.is_null()) else {
            return Checked::Drop;
        };
        let malformed = || {
            let mut out = Map::new();
            out.insert("jsonrpc".into(), "2.0".into());
            out.insert("id".into(), id.clone());
            out.insert(
                "error".into(),
                serde_json::json!({"code": -32600, "message": "malformed response from the client"}),
            );
            Checked::Pass(serde_json::to_vec(&Value::Object(out)).unwrap_or_default())
        };
        let mut out = Map::new();
        out.insert("jsonrpc".into(), "2.0".into());
        out.insert("id".into(), id.clone());
        match (obj.get("result"), obj.get("error")) {
            (Some(result), None) if version_ok => {
                out.insert("result".into(), result.clone());
            }
            (None, Some(error))
                if version_ok
                    && serde_json::from_value::<jsonrpc::Error>(error.clone()).is_ok() =>
            {
                out.insert("error".into(), error.clone());
            }
            _ => return malformed(),
        }
        return pass_if_decodable::<jsonrpc::Response>(out, malformed);
    }
    invalid()
}

/// The rebuilt message, after checking that the library decodes it as `T`.
fn pass_if_decodable<T: serde::de::DeserializeOwned>(
    out: Map<String, Value>,
    otherwise: impl FnOnce() -> Checked,
) -> Checked {
    let value = Value::Object(out);
    match serde_json::to_vec(&value) {
        Ok(bytes) if serde_json::from_slice::<T>(&bytes).is_ok() => Checked::Pass(bytes),
        _ => otherwise(),
    }
}

/// Where the JSON value at the start of `body` ends, when something other than whitespace follows.
fn first_value_end(body: &[u8]) -> Option<usize> {
    let mut values =
        serde_json::Deserializer::from_slice(body).into_iter::<serde::de::IgnoredAny>();
    values.next()?.ok()?;
    let end = values.byte_offset();
    body[end..]
        .iter()
        .any(|b| !b.is_ascii_whitespace())
        .then_some(end)
}

/// The offset of the first `Content-Length:` (any case) in `bytes` at or after `from`.
fn find_marker(bytes: &[u8], from: usize) -> Option<usize> {
    if bytes.len() < MARKER.len() {
        return None;
    }
    (from..=bytes.len() - MARKER.len())
        .find(|&i| bytes[i..i + MARKER.len()].eq_ignore_ascii_case(MARKER))
}

/// Bytes read from the input and not yet used.
struct Input<I> {
    input: I,
    buf: Vec<u8>,
}

impl<I: AsyncRead + Unpin> Input<I> {
    /// Read more input; false at its end (or on a read error).
    async fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 1 << 14];
        match self.input.read(&mut chunk).await {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }

    /// Like `fill`, but `None` when nothing arrives for [`BODY_STALL`].
    async fn fill_or_stall(&mut self) -> Option<bool> {
        tokio::time::timeout(BODY_STALL, self.fill()).await.ok()
    }

    /// Drop input up to the next `Content-Length:` header (keeping a tail that may be the start of
    /// one). False at the end of the input.
    async fn resync(&mut self) -> bool {
        loop {
            if let Some(at) = find_marker(&self.buf, 0) {
                self.buf.drain(..at);
                return true;
            }
            let keep = self.buf.len().min(MARKER.len() - 1);
            self.buf.drain(..self.buf.len() - keep);
            if !self.fill().await {
                return false;
            }
        }
    }
}

/// One header block, read.
enum Header {
    Length(usize),
    /// Unreadable: answer a parse error and re-synchronise (at least its first byte is consumed,
    /// so re-synchronising does not find the same header again).
    Garbage,
    End,
}

fn garbage(buf: &mut Vec<u8>) -> Header {
    if !buf.is_empty() {
        buf.drain(..1);
    }
    Header::Garbage
}

/// Whether `name` is an HTTP header name (a token).
fn is_token(name: &[u8]) -> bool {
    !name.is_empty()
        && name
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b))
}

async fn read_header<I: AsyncRead + Unpin>(input: &mut Input<I>) -> Header {
    // Blank lines between messages are skipped.
    loop {
        let blank = input
            .buf
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        input.buf.drain(..blank);
        if !input.buf.is_empty() {
            break;
        }
        if !input.fill().await {
            return Header::End;
        }
    }
    let mut at = 0;
    let mut length: Option<Option<usize>> = None;
    loop {
        let Some(nl) = input.buf[at..].iter().position(|&b| b == b'\n') else {
            if input.buf.len() > MAX_HEADER_BYTES {
                return garbage(&mut input.buf);
            }
            if !input.fill().await {
                return Header::End;
            }
            continue;
        };
        let line_end = at + nl;
        if line_end > MAX_HEADER_BYTES {
            return garbage(&mut input.buf);
        }
        let line = input.buf[at..line_end]
            .strip_suffix(b"\r")
            .unwrap_or(&input.buf[at..line_end]);
        if line.is_empty() {
            input.buf.drain(..=line_end);
            return match length {
                Some(Some(n)) if n <= MAX_BODY => Header::Length(n),
                _ => Header::Garbage,
            };
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return garbage(&mut input.buf);
        };
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        if !is_token(name) {
            return garbage(&mut input.buf);
        }
        if name.eq_ignore_ascii_case(b"content-length") {
            let value = std::str::from_utf8(value).unwrap_or("").trim();
            length = Some(value.parse::<usize>().ok());
        }
        at = line_end + 1;
    }
}

/// Whether a message passed on is a request (a `method` and an `id`, `null` included: the library
/// answers every one), read without building it.
fn is_request(message: &[u8]) -> bool {
    fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        <serde::de::IgnoredAny as serde::Deserialize>::deserialize(d).map(|_| true)
    }
    #[derive(serde::Deserialize)]
    struct Probe {
        method: Option<serde::de::IgnoredAny>,
        #[serde(default, deserialize_with = "present")]
        id: bool,
    }
    serde_json::from_slice::<Probe>(message).is_ok_and(|p| p.method.is_some() && p.id)
}

/// Copy framed messages from `input` to `output`, substituting malformed ones, and call
/// `on_request` before passing on each request (the outbox holds publishes until it is answered:
/// counted here, as soon as it is read, a request sent right after a keystroke is counted before
/// that keystroke's check can finish). Returns at the end of the input (or when the output is
/// closed).
pub async fn pump<I, O>(input: I, mut output: O, on_request: impl Fn())
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    pump_frames(input, &mut output, &on_request).await;
    // Dropping one half of a `tokio::io::simplex` does not end the stream: shut it down, so the
    // server reading the other half sees the end of the input and stops.
    let _ = output.shutdown().await;
}

async fn pump_frames<I, O>(input: I, output: &mut O, on_request: &impl Fn())
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut input = Input {
        input,
        buf: Vec::new(),
    };
    // Set after a body answered as not JSON: the garbage that follows it (the rest of a body whose
    // length was too short) is the same error, answered once.
    let mut answered = false;
    loop {
        let length = match read_header(&mut input).await {
            Header::End => return,
            Header::Length(n) => n,
            Header::Garbage => {
                if !std::mem::take(&mut answered) {
                    // A request (with a null id): the library answers it.
                    on_request();
                    if send(output, &parse_error()).await.is_err() {
                        return;
                    }
                }
                if !input.resync().await {
                    return;
                }
                continue;
            }
        };
        while input.buf.len() < length {
            match input.fill_or_stall().await {
                Some(true) => {}
                Some(false) => return,
                None => break,
            }
        }
        // The body stopped coming: its length was wrong. What came is read as the body (a whole
        // message is answered, anything else is a parse error).
        let length = length.min(input.buf.len());
        let mut body: Vec<u8> = input.buf.drain(..length).collect();
        answered = false;
        // A length too long: the body is a whole message followed by the start of the next one,
        // which is read again as the next message.
        if let Some(end) = first_value_end(&body) {
            let mut rest = body.split_off(end);
            rest.append(&mut input.buf);
            input.buf = rest;
        }
        let message = match check(&body) {
            Checked::Pass(m) => m,
            Checked::Drop => continue,
            Checked::NotJson(next) => {
                // A length too long swallowed the start of the next message: read it again.
                if let Some(at) = next {
                    let mut rest = body[at..].to_vec();
                    rest.append(&mut input.buf);
                    input.buf = rest;
                } else {
                    answered = true;
                }
                parse_error()
            }
        };
        if is_request(&message) {
            on_request();
        }
        if send(output, &message).await.is_err() {
            return;
        }
    }
}

async fn send<O: AsyncWrite + Unpin>(output: &mut O, body: &[u8]) -> std::io::Result<()> {
    output
        .write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
        .await?;
    output.write_all(body).await?;
    output.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requests_are_told_from_notifications_and_responses() {
        assert!(is_request(
            br#"{"jsonrpc":"2.0","id":1,"method":"textDocument/completion"}"#
        ));
        assert!(
            is_request(&parse_error()),
            "a substitute has a null id and is answered"
        );
        assert!(!is_request(
            br#"{"jsonrpc":"2.0","method":"textDocument/didChange"}"#
        ));
        assert!(!is_request(
            br#"{"jsonrpc":"2.0","id":4,"result":{"method":"x"}}"#
        ));
    }

    fn passed(body: &str) -> Value {
        match check(body.as_bytes()) {
            Checked::Pass(m) => serde_json::from_slice(&m).expect("JSON"),
            other => panic!("{body}: {other:?}"),
        }
    }

    #[test]
    fn messages_pass_and_garbage_is_substituted() {
        let ok = json!({"jsonrpc":"2.0","id":1,"method":"x"});
        assert_eq!(passed(&ok.to_string()), ok);
        assert_eq!(check(b"{"), Checked::NotJson(None));
        assert_eq!(passed("[1]")["method"], INVALID_REQUEST_METHOD);
        assert_eq!(passed(r#"{"id":1}"#)["method"], INVALID_REQUEST_METHOD);
    }

    #[test]
    fn ids_the_library_cannot_represent_become_invalid_requests_with_a_null_id() {
        for id in [r#"{"a":1}"#, "1.5", "18446744073709551615", "[1]", "true"] {
            let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"x"}}"#);
            let m = passed(&body);
            assert_eq!(m["method"], INVALID_REQUEST_METHOD, "{body}");
            assert_eq!(m["id"], Value::Null, "{body}");
        }
    }

    #[test]
    fn a_wrong_version_keeps_a_valid_id_for_the_answer() {
        let m = passed(r#"{"jsonrpc":"1.0","id":7,"method":"x"}"#);
        assert_eq!(
            (m["method"].clone(), m["id"].clone()),
            (json!(INVALID_REQUEST_METHOD), json!(7))
        );
        let m = passed(r#"{"id":"a","method":"x"}"#);
        assert_eq!(m["id"], "a");
    }

    #[test]
    fn malformed_responses_end_the_waiting_request_or_are_dropped() {
        assert_eq!(
            check(br#"{"jsonrpc":"2.0","id":[1],"result":null}"#),
            Checked::Drop
        );
        let m = passed(r#"{"jsonrpc":"2.0","id":3,"error":"nope"}"#);
        assert_eq!(
            (m["id"].clone(), m["error"]["code"].clone()),
            (json!(3), json!(-32600))
        );
        let m = passed(r#"{"jsonrpc":"2.0","id":3,"result":[1],"extra":1}"#);
        assert_eq!(m, json!({"jsonrpc":"2.0","id":3,"result":[1]}));
    }

    #[test]
    fn duplicate_keys_are_rebuilt_into_one() {
        let m = passed(r#"{"jsonrpc":"2.0","jsonrpc":"2.0","id":1,"method":"x","result":1}"#);
        assert_eq!(m, json!({"jsonrpc":"2.0","id":1,"method":"x"}));
    }

    #[test]
    fn a_body_holding_the_next_header_says_where() {
        let body = b"{\"a\":1}Content-Length: 5\r\n\r\n{}";
        assert_eq!(check(body), Checked::NotJson(Some(7)));
    }
}
