//! The language server (`claimls lsp`): the engine of `claimls check`, live in the editor.
//!
//! Code map:
//! - `server` — the `LanguageServer` implementation: document store, diagnostics scheduling,
//!   configuration reloads; each request handler is a thin call into a feature module.
//! - `snapshot` — one version of one document and its checker: what every feature works on.
//! - `document` — one open document: rope, version, tree-sitter tree parsed on request.
//! - `analysis` — checking by claim, cached by claim text, so an edit re-checks one claim.
//! - `requests`, `lookup` — the custom requests `claimls/lookup` and `claimls/explain` that the
//!   editors use instead of running the CLI (`claimls lookup` prints the same text).
//! - `convert` — the only place that builds LSP positions, diagnostics and text edits; each claim's
//!   diagnostics are converted and serialised once and re-used, at new line numbers, while it moves.
//! - `outbox` — the one output stream: the library's messages first, then each document's newest
//!   publish, withdrawn when an edit overtakes it and held while a request waits for its answer.
//! - `statement`, `context` — the line lexer and the claim around the cursor, for features that
//!   must work on half-typed text.
//! - features: `completion`, `hover`, `actions` (quick fixes), `inlay`, `outline` (symbols, folding,
//!   go to definition), `format`, `highlight` (semantic tokens).
//!
//! Invariant: this layer computes no billing fact. Diagnostics are `rules::check` findings, quick
//! fixes are their fixes, and the units arithmetic comes from `rules::units_arithmetic` / `rules::units_amount`.

pub mod actions;
pub mod analysis;
pub mod completion;
pub mod context;
pub mod convert;
pub mod document;
pub mod format;
pub mod framing;
pub mod highlight;
pub mod hover;
pub mod inlay;
pub mod log;
pub mod lookup;
pub mod outbox;
pub mod outline;
pub mod requests;
mod server;
pub mod snapshot;
pub mod statement;

pub use server::{Backend, ServerOptions, SyntaxTreeParams, semantic_legend};
pub use snapshot::Snapshot;

use futures::FutureExt;
use futures::future::BoxFuture;
use std::panic::AssertUnwindSafe;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Request, Response};
use tower_lsp_server::{LspService, Server};
use tower_service::Service;

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ended {
    /// Whether the client sent `shutdown` (and it was answered) before `exit` or the end of input.
    pub after_shutdown: bool,
}

impl Ended {
    /// The process exit code the LSP specification asks for: 0 after `shutdown`, else 1.
    pub fn exit_code(self) -> ExitCode {
        if self.after_shutdown {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}

/// The language service, with every handler's panic caught: a request whose handler panics is
/// answered with an internal error (`-32603`) and the session goes on; a notification's panic is
/// logged. The log names the method only (a panic message may quote document text).
struct CatchPanic<S> {
    inner: S,
    shutdown: Arc<AtomicBool>,
    panic_on: Option<String>,
}

impl<S> Service<Request> for CatchPanic<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = BoxFuture<'static, std::result::Result<Option<Response>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<std::result::Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let id = request.id().cloned();
        let method = request.method().to_string();
        let inject = self.panic_on.as_deref() == Some(method.as_str());
        let shutdown = self.shutdown.clone();
        let inner = &mut self.inner;
        let call = std::panic::catch_unwind(AssertUnwindSafe(|| inner.call(request)));
        async move {
            let outcome = match call {
                Ok(future) => {
                    AssertUnwindSafe(async move {
                        if inject {
                            panic!("a panic injected by ServerOptions::panic_on");
                        }
                        future.await
                    })
                    .catch_unwind()
                    .await
                }
                Err(payload) => Err(payload),
            };
            match outcome {
                Ok(result) => {
                    if method == "shutdown"
                        && let Ok(Some(response)) = &result
                        && response.is_ok()
                    {
                        shutdown.store(true, Ordering::Release);
                    }
                    result
                }
                Err(_) => {
                    eprintln!(
                        "claimls: the handler of {method} panicked (a bug); the session goes on"
                    );
                    Ok(id.map(|id| {
                        Response::from_error(
                            id,
                            Error {
                                code: ErrorCode::InternalError,
                                message: format!("claimls: internal error in {method}").into(),
                                data: None,
                            },
                        )
                    }))
                }
            }
        }
        .boxed()
    }
}

/// Serve LSP over any byte streams (stdio for `claimls lsp`, `tokio::io::duplex` in tests) until the
/// client sends `exit` or closes the input.
pub async fn serve<I, O>(input: I, output: O, options: ServerOptions) -> Ended
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let panic_on = options.panic_on.clone();
    let outbox = Arc::new(outbox::Outbox::default());
    let backend_outbox = outbox.clone();
    let (service, socket) =
        LspService::build(|client| Backend::new(client, options, backend_outbox))
            .custom_method("$/setTrace", Backend::set_trace)
            .custom_method("claimls/syntaxTree", Backend::syntax_tree)
            .custom_method(requests::LOOKUP_METHOD, Backend::lookup)
            .custom_method(requests::EXPLAIN_METHOD, Backend::explain)
            .custom_method(framing::PARSE_ERROR_METHOD, Backend::parse_error)
            .custom_method(framing::INVALID_REQUEST_METHOD, Backend::invalid_request)
            .finish();
    let shutdown = Arc::new(AtomicBool::new(false));
    let service = CatchPanic {
        inner: service,
        shutdown: shutdown.clone(),
        panic_on,
    };
    // Malformed input must not end the session: a guard frames the input first.
    let (guarded_read, guarded_write) = tokio::io::simplex(1 << 16);
    // The library writes into a pipe; the outbox's pump writes its messages and the publishes out.
    let (library_read, library_write) = tokio::io::simplex(1 << 16);
    let server = Server::new(guarded_read, library_write, socket).serve(service);
    // The guard tells the outbox of every request it passes on, so publishes wait for its answer.
    let pump = framing::pump(input, guarded_write, || outbox.request_received());
    let serving = async {
        tokio::pin!(server);
        tokio::pin!(pump);
        tokio::select! {
            _ = &mut server => {}
            _ = &mut pump => {
                // The input ended: the server reads to the end of what was passed on, then stops.
                server.await;
            }
        }
    };
    // The server's end closes the pipe, which ends the output pump.
    tokio::join!(serving, outbox::pump(&outbox, library_read, output));
    Ended {
        after_shutdown: shutdown.load(Ordering::Acquire),
    }
}

/// Panics print where they happened, never their message: a message may quote document text
/// (a string slice out of bounds shows the string).
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_else(|| "an unknown place".to_string());
        eprintln!("claimls: internal error (a bug) at {at}");
    }));
}

/// `claimls lsp`: serve over stdio. Exits 0 after `shutdown` + `exit`, 1 when the session ended
/// without `shutdown` (as the LSP specification asks).
pub fn run() -> ExitCode {
    install_panic_hook();
    log::init_stderr();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("claimls lsp: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let ended = runtime.block_on(serve(
        tokio::io::stdin(),
        tokio::io::stdout(),
        ServerOptions::default(),
    ));
    // The stdin reader is a blocking thread that may be waiting for input that never comes (clients
    // need not close stdin after `exit`): do not wait for it.
    runtime.shutdown_background();
    ended.exit_code()
}
