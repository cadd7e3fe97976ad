//! `claimls data import|status|fetch`: official code files in, a compact index out.

use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Import official CMS/CDC files (files or folders; formats recognised from content).
    Import { paths: Vec<PathBuf> },
    /// List the editions in use, with counts and effective periods.
    Status,
    /// Download the current official files and import them.
    Fetch {
        /// Base address to fetch from instead of the CMS/CDC addresses.
        #[arg(long)]
        from: Option<String>,
    },
}

pub fn run(cmd: DataCommand) -> ExitCode {
    let _ = cmd;
    eprintln!("claimls data: not implemented yet");
    ExitCode::from(2)
}
