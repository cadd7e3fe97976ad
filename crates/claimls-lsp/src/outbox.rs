//! The server's one output stream, shared by what tower-lsp-server writes (responses, the server's
//! own requests and messages) and the diagnostics this server publishes.
//!
//! tower-lsp-server turns a notification's parameters into a `serde_json::Value` tree and encodes it
//! on the task that also reads the input, so a 0.5 MB `publishDiagnostics` would hold up every
//! request behind it. Diagnostics therefore do not go through the library: the server renders each
//! publish to its finished bytes (`convert::publish_frame`) and leaves it here, one per document.
//! The pump writes the library's messages as they come, and a publish only when
//!
//! - it is still the newest for its document: a newer one replaces it, and an edit withdraws it
//!   ([`Outbox::withdraw`]), so a publish that a newer version has overtaken is never sent;
//! - no request is waiting for its answer (completion and hover right after a keystroke answer
//!   first), or it has waited [`HOLD`] for them (a slow request does not hide diagnostics for long).

use serde::Deserialize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::Notify;

/// How long a publish waits for requests still being answered before it goes anyway.
pub const HOLD: Duration = Duration::from_millis(30);

/// One document's finished `publishDiagnostics` message, framed.
struct Publish {
    uri: String,
    frame: Vec<u8>,
    queued: Instant,
}

#[derive(Default)]
pub struct Outbox {
    /// At most one per document, oldest first.
    pending: Mutex<Vec<Publish>>,
    wake: Notify,
    /// Requests received whose answer has not been written yet.
    unanswered: AtomicUsize,
    /// Notified when an answer is written.
    answer_written: Notify,
}

impl Outbox {
    /// Leave the publish `frame` for document `uri`, replacing one not yet sent.
    pub fn put(&self, uri: &str, frame: Vec<u8>) {
        let mut pending = self.lock();
        pending.retain(|p| p.uri != uri);
        pending.push(Publish {
            uri: uri.to_string(),
            frame,
            queued: Instant::now(),
        });
        drop(pending);
        self.wake.notify_one();
    }

    /// The document changed: its publish not yet sent is out of date.
    pub fn withdraw(&self, uri: &str) {
        self.lock().retain(|p| p.uri != uri);
    }

    /// A request came in; publishes wait until it is answered (or for [`HOLD`]).
    pub fn request_received(&self) {
        self.unanswered.fetch_add(1, Ordering::AcqRel);
    }

    fn answered(&self) {
        // Saturating: an answer to input that was never counted must not wrap the count.
        let _ = self
            .unanswered
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
        self.answer_written.notify_waiters();
    }

    /// Resolves when no request waits for its answer, or after `at_most`. A check that is about to
    /// run waits here, so a completion or hover sent right after a keystroke has the CPU to itself
    /// (its publish would wait for the answer anyway).
    pub async fn requests_answered(&self, at_most: Duration) {
        let deadline = tokio::time::Instant::now() + at_most;
        loop {
            let written = self.answer_written.notified();
            tokio::pin!(written);
            written.as_mut().enable();
            if self.unanswered.load(Ordering::Acquire) == 0 {
                return;
            }
            if tokio::time::timeout_at(deadline, written).await.is_err() {
                return;
            }
        }
    }

    /// How many publishes are waiting (for tests).
    pub fn pending(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Publish>> {
        // Every change to the list is one call on it: a poisoned lock still holds a whole list.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The oldest publish if it may go now; else how long until it may (`None`: nothing waits).
    fn take_ready(&self) -> Result<Vec<u8>, Option<Duration>> {
        let mut pending = self.lock();
        let Some(first) = pending.first() else {
            return Err(None);
        };
        let waited = first.queued.elapsed();
        if self.unanswered.load(Ordering::Acquire) > 0 && waited < HOLD {
            return Err(Some(HOLD - waited));
        }
        Ok(pending.remove(0).frame)
    }

    /// Resolves with the next publish that may be written now.
    async fn ready(&self) -> Vec<u8> {
        loop {
            let notified = self.wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            match self.take_ready() {
                Ok(frame) => return frame,
                Err(None) => notified.await,
                Err(Some(wait)) => {
                    let _ = tokio::time::timeout(wait, notified).await;
                }
            }
        }
    }
}

/// Whether a message body is a response (it has no `method`), read without building it.
fn is_response(body: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        method: Option<serde::de::IgnoredAny>,
    }
    serde_json::from_slice::<Probe>(body).is_ok_and(|p| p.method.is_none())
}

/// Read one framed message the library wrote: the whole frame, and whether it is a response.
/// `None` at the end of its output (or if it ever wrote something unframed).
async fn read_frame<R: AsyncRead + Unpin>(from: &mut BufReader<R>) -> Option<(Vec<u8>, bool)> {
    let mut frame = Vec::new();
    let mut length = None;
    loop {
        let start = frame.len();
        if from.read_until(b'\n', &mut frame).await.ok()? == 0 {
            return None;
        }
        let line = std::str::from_utf8(&frame[start..]).ok()?.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let head = frame.len();
    frame.resize(head + length?, 0);
    from.read_exact(&mut frame[head..]).await.ok()?;
    let response = is_response(&frame[head..]);
    Some((frame, response))
}

/// Write what the library writes to `from_library` and the outbox's publishes to `output`, whole
/// messages only, until the library's output ends.
pub async fn pump<R, W>(outbox: &Outbox, from_library: R, output: W)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite,
{
    tokio::pin!(output);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let read = async move {
        let mut from = BufReader::new(from_library);
        while let Some(frame) = read_frame(&mut from).await {
            if tx.send(frame).is_err() {
                return;
            }
        }
    };
    let write = async {
        write(outbox, &mut rx, output.as_mut()).await;
        // As the library does when its output ends: the client sees the end of the stream.
        let _ = output.shutdown().await;
    };
    tokio::join!(read, write);
}

async fn write<W: AsyncWrite>(
    outbox: &Outbox,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<(Vec<u8>, bool)>,
    mut output: std::pin::Pin<&mut W>,
) {
    loop {
        let (frame, response) = tokio::select! {
            biased;
            m = rx.recv() => match m {
                Some(m) => m,
                None => return,
            },
            frame = outbox.ready() => (frame, false),
        };
        if output.write_all(&frame).await.is_err() || output.flush().await.is_err() {
            return;
        }
        if response {
            outbox.answered();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    fn frame(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    async fn run(outbox: &Outbox, library: &[Vec<u8>]) -> String {
        let (lib_read, mut lib_write) = tokio::io::simplex(1 << 16);
        let (out_read, out_write) = tokio::io::simplex(1 << 20);
        let library: Vec<u8> = library.concat();
        let writer = async move {
            lib_write.write_all(&library).await.expect("write");
            // Give the pump a moment to write what is ready, then end the library's output.
            tokio::time::sleep(Duration::from_millis(50)).await;
            lib_write.shutdown().await.expect("shutdown");
        };
        let mut out = String::new();
        let reader = async {
            let mut r = out_read;
            r.read_to_string(&mut out).await.expect("read");
        };
        tokio::join!(pump(outbox, lib_read, out_write), writer, reader);
        out
    }

    #[tokio::test]
    async fn a_newer_publish_replaces_one_not_yet_sent_and_an_edit_withdraws_it() {
        let outbox = Outbox::default();
        outbox.put("file:///a", frame(r#"{"v":1}"#));
        outbox.put("file:///a", frame(r#"{"v":2}"#));
        outbox.put("file:///b", frame(r#"{"v":7}"#));
        outbox.withdraw("file:///b");
        let out = run(&outbox, &[]).await;
        assert_eq!(out, String::from_utf8(frame(r#"{"v":2}"#)).expect("utf-8"));
        assert_eq!(outbox.pending(), 0);
    }

    #[tokio::test]
    async fn a_request_waiting_for_its_answer_goes_before_a_publish() {
        let outbox = Outbox::default();
        outbox.request_received();
        outbox.put("file:///a", frame(r#"{"method":"publish"}"#));
        let answer = frame(r#"{"jsonrpc":"2.0","result":null,"id":1}"#);
        let out = run(&outbox, std::slice::from_ref(&answer)).await;
        let answer = String::from_utf8(answer).expect("utf-8");
        assert!(out.starts_with(&answer), "{out}");
        assert!(out.ends_with(r#"{"method":"publish"}"#), "{out}");
    }

    #[tokio::test]
    async fn a_publish_waits_no_longer_than_hold_for_an_unanswered_request() {
        let outbox = Outbox::default();
        outbox.request_received();
        outbox.put("file:///a", frame(r#"{"p":1}"#));
        let started = Instant::now();
        let out = run(&outbox, &[]).await;
        assert_eq!(out, String::from_utf8(frame(r#"{"p":1}"#)).expect("utf-8"));
        assert!(started.elapsed() >= HOLD);
    }

    #[tokio::test]
    async fn a_check_waits_for_a_pending_answer_but_no_longer_than_it_is_told() {
        let outbox = Outbox::default();
        let started = Instant::now();
        outbox.requests_answered(HOLD).await;
        assert!(started.elapsed() < HOLD, "nothing was pending");
        outbox.request_received();
        let started = Instant::now();
        outbox.requests_answered(HOLD).await;
        assert!(started.elapsed() >= HOLD, "the request was never answered");
        let answer = async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            outbox.answered();
        };
        let started = Instant::now();
        tokio::join!(outbox.requests_answered(Duration::from_secs(20)), answer);
        assert!(started.elapsed() < Duration::from_secs(20));
    }

    #[test]
    fn responses_are_told_from_requests_and_notifications() {
        assert!(is_response(
            br#"{"jsonrpc":"2.0","result":{"method":1},"id":3}"#
        ));
        assert!(!is_response(
            br#"{"jsonrpc":"2.0","method":"window/logMessage"}"#
        ));
        assert!(!is_response(
            br#"{"jsonrpc":"2.0","id":1,"method":"client/registerCapability"}"#
        ));
    }
}
