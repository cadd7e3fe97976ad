//! The `claimls` command line: `check`, `explain`, `lookup`, `lsp`, `data`.

pub mod data;

use std::process::ExitCode;

pub fn main() -> ExitCode {
    ExitCode::SUCCESS
}
