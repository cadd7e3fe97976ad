//! The `claimls` command line: `check`, `explain`, `lookup`, `lsp`, `data`, `export`, `import`.
//!
//! Each subcommand is a module; this one parses the arguments and dispatches. Output goes to stdout,
//! problems with the invocation or the files to stderr. Exit codes: 0 fine, 1 findings with errors (or
//! nothing found for `lookup`), 2 usage or I/O failure.

pub mod check;
pub mod data;
pub mod explain;
pub mod lookup;
mod output;
pub mod x12;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "claimls",
    version,
    about = "Checks drug-administration claim drafts (.claim) the way a senior billing reviewer would"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check .claim files and 837P files (directories are searched for *.claim, *.837, *.x12, *.edi).
    Check {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Use this claimls.toml instead of the one found above each file.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Print at most N findings of a file (the first by position; the rest are counted in the
        /// summary and the exit code). 0 prints them all.
        #[arg(long, value_name = "N", default_value_t = check::MAX_FINDINGS_PER_FILE)]
        max_findings: usize,
        /// Files or directories.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Explain a rule: what it checks, why it matters for payment, how to fix it.
    Explain {
        /// A rule id, e.g. waste-jw-missing.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        rule: Option<String>,
        /// Print the whole rule catalogue (the text of docs/rules.md).
        #[arg(long)]
        all: bool,
    },
    /// Look up a HCPCS/CPT code, modifier, ICD-10-CM code, place of service, NDC or drug name.
    Lookup {
        /// J2350, JW, G35.A, 11, 50242-0150-01, ocrelizumab, Ocrevus…
        query: String,
    },
    /// Run the language server on stdin/stdout.
    Lsp,
    /// Manage the official code data (import, status, fetch).
    #[command(subcommand)]
    Data(data::DataCommand),
    /// Export checked drafts (837p: an ANSI X12 837P interchange).
    #[command(subcommand)]
    Export(x12::ExportCommand),
    /// Import claims into drafts (837p: from ANSI X12 837P files).
    #[command(subcommand)]
    Import(x12::ImportCommand),
}

/// The output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable, like rustc or ruff.
    Text,
    /// One JSON document with every file's diagnostics.
    Json,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout with exit 0 and usage errors to stderr with 2.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Check {
            format,
            config,
            max_findings,
            paths,
        } => check::run(
            &paths,
            config.as_deref(),
            format,
            (max_findings > 0).then_some(max_findings),
        ),
        Command::Explain { rule, all } => explain::run(rule.as_deref(), all),
        Command::Lookup { query } => lookup::run(&query),
        Command::Lsp => claimls_lsp::run(),
        Command::Data(cmd) => data::run(cmd),
        Command::Export(cmd) => x12::run_export(cmd),
        Command::Import(cmd) => x12::run_import(cmd),
    }
}
