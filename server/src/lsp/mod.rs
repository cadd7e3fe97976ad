//! The language server (`claimls lsp`).

use std::process::ExitCode;

/// Run the language server on stdin/stdout until the client exits.
///
/// A placeholder until the language server lands: it says so and exits with a usage failure.
pub fn run() -> ExitCode {
    eprintln!("claimls lsp: the language server is not built into this version yet");
    ExitCode::from(2)
}
