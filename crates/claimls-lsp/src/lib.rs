//! The language server (`claimls lsp`): the engine of `claimls check`, live in the editor.
//!
//! Code map:
//! - `server` — the `LanguageServer` implementation: document store, diagnostics scheduling,
//!   configuration reloads; each request handler is a thin call into a feature module.
//! - `document` — one open document: rope, version, incrementally reparsed tree-sitter tree.
//! - `analysis` — checking by claim, cached by claim text, so an edit re-checks one claim.
//! - `requests`, `lookup` — the custom requests `claimls/lookup` and `claimls/explain` that the
//!   editors use instead of running the CLI (`claimls lookup` prints the same text).
//! - `convert` — the only place that builds LSP positions, diagnostics and text edits.
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
pub mod outline;
pub mod requests;
mod server;
pub mod statement;

pub use server::{Backend, ServerOptions, Snapshot, SyntaxTreeParams, semantic_legend};

use std::process::ExitCode;
use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

/// Serve LSP over any byte streams (stdio for `claimls lsp`, `tokio::io::duplex` in tests) until the
/// client sends `exit` or closes the input.
pub async fn serve<I, O>(input: I, output: O, options: ServerOptions)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) = LspService::build(|client| Backend::new(client, options))
        .custom_method("$/setTrace", Backend::set_trace)
        .custom_method("claimls/syntaxTree", Backend::syntax_tree)
        .custom_method(requests::LOOKUP_METHOD, Backend::lookup)
        .custom_method(requests::EXPLAIN_METHOD, Backend::explain)
        .custom_method(framing::PARSE_ERROR_METHOD, Backend::parse_error)
        .custom_method(framing::INVALID_REQUEST_METHOD, Backend::invalid_request)
        .finish();
    // Malformed input must not end the session: a guard frames the input first.
    let (guarded_read, guarded_write) = tokio::io::simplex(1 << 16);
    let server = Server::new(guarded_read, output, socket).serve(service);
    let pump = framing::pump(input, guarded_write);
    tokio::pin!(server);
    tokio::pin!(pump);
    tokio::select! {
        _ = &mut server => return,
        _ = &mut pump => {}
    }
    // The input ended: the server reads to the end of what was passed on, then stops.
    server.await;
}

/// `claimls lsp`: serve over stdio.
pub fn run() -> ExitCode {
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
    runtime.block_on(serve(
        tokio::io::stdin(),
        tokio::io::stdout(),
        ServerOptions::default(),
    ));
    // The stdin reader is a blocking thread that may be waiting for input that never comes (clients
    // need not close stdin after `exit`): do not wait for it.
    runtime.shutdown_background();
    ExitCode::SUCCESS
}
