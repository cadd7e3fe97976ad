//! A guard in front of the LSP reader. tower-lsp-server's reader stops for good after the first
//! message it cannot decode (tokio-util's `FramedRead` ends the stream after a decoder error), which
//! would let one malformed message end the session. This guard frames the input itself and turns a
//! body that is not JSON into a request for `claimls/parseError`, and JSON that is not a JSON-RPC
//! message into one for `claimls/invalidRequest`; both answer with the JSON-RPC error the
//! specification asks for (`-32700`, `-32600`, with a null id), and the session goes on.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// Bodies larger than this are skipped (and answered as invalid) rather than buffered.
const MAX_BODY: usize = 256 << 20;

pub const PARSE_ERROR_METHOD: &str = "claimls/parseError";
pub const INVALID_REQUEST_METHOD: &str = "claimls/invalidRequest";

fn substitute(method: &str) -> Vec<u8> {
    format!(r#"{{"jsonrpc":"2.0","id":null,"method":"{method}"}}"#).into_bytes()
}

/// The body to pass on: the message itself when it is a JSON-RPC message, else a substitute.
fn check(body: Vec<u8>) -> Vec<u8> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return substitute(PARSE_ERROR_METHOD);
    };
    let Some(obj) = value.as_object() else {
        return substitute(INVALID_REQUEST_METHOD);
    };
    let is_call = obj.get("method").is_some_and(|m| m.is_string());
    let is_response =
        obj.contains_key("id") && (obj.contains_key("result") || obj.contains_key("error"));
    if is_call || is_response {
        body
    } else {
        substitute(INVALID_REQUEST_METHOD)
    }
}

/// Copy framed messages from `input` to `output`, substituting malformed ones. Returns at the end of
/// the input (or when the output is closed).
pub async fn pump<I, O>(input: I, mut output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    pump_frames(input, &mut output).await;
    // Dropping one half of a `tokio::io::simplex` does not end the stream: shut it down, so the
    // server reading the other half sees the end of the input and stops.
    let _ = output.shutdown().await;
}

async fn pump_frames<I, O>(input: I, output: &mut O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut reader = BufReader::new(input);
    loop {
        let mut length: Option<usize> = None;
        let mut saw_header = false;
        loop {
            let mut line = Vec::new();
            match reader.read_until(b'\n', &mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim();
            if text.is_empty() {
                if saw_header {
                    break;
                }
                continue;
            }
            saw_header = true;
            if let Some((name, value)) = text.split_once(':')
                && name.trim().eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().ok();
            }
        }
        let Some(length) = length else {
            // No length: the body cannot be delimited; what follows is read as the next header.
            if send(output, substitute(PARSE_ERROR_METHOD)).await.is_err() {
                return;
            }
            continue;
        };
        let body = if length > MAX_BODY {
            let mut rest = (&mut reader).take(length as u64);
            if tokio::io::copy(&mut rest, &mut tokio::io::sink())
                .await
                .is_err()
            {
                return;
            }
            substitute(INVALID_REQUEST_METHOD)
        } else {
            let mut body = vec![0u8; length];
            if reader.read_exact(&mut body).await.is_err() {
                return;
            }
            check(body)
        };
        if send(output, body).await.is_err() {
            return;
        }
    }
}

async fn send<O: AsyncWrite + Unpin>(output: &mut O, body: Vec<u8>) -> std::io::Result<()> {
    output
        .write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
        .await?;
    output.write_all(&body).await?;
    output.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_pass_and_garbage_is_substituted() {
        let ok = br#"{"jsonrpc":"2.0","id":1,"method":"x"}"#.to_vec();
        assert_eq!(check(ok.clone()), ok);
        assert_eq!(check(b"{".to_vec()), substitute(PARSE_ERROR_METHOD));
        assert_eq!(check(b"[1]".to_vec()), substitute(INVALID_REQUEST_METHOD));
        assert_eq!(
            check(b"{\"id\":1}".to_vec()),
            substitute(INVALID_REQUEST_METHOD)
        );
    }
}
