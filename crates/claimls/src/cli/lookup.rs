//! `claimls lookup <code|ndc|drug>`: what the code data knows, as text (the same text the editors get
//! from the server's `claimls/lookup` request and its hover).

use claimls_data::CodeData;
use claimls_lsp::lookup::{not_found, render};
use std::process::ExitCode;

pub fn run(query: &str) -> ExitCode {
    let data = CodeData::load();
    match render(&data, query) {
        Some(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("{}", not_found(&data, query));
            ExitCode::from(1)
        }
    }
}
