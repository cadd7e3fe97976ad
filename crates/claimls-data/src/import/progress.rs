//! A progress bar on stderr while a long file is read, shown only when stderr is a terminal.

use std::io::{IsTerminal, Write};

/// Prints `name [#####     ] 52%` on stderr, redrawn in place, for files over 1 MB.
pub struct Progress {
    name: String,
    total: usize,
    shown: Option<usize>,
    enabled: bool,
}

impl Progress {
    pub fn new(name: &str, total: usize) -> Progress {
        Progress {
            name: name.to_string(),
            total,
            shown: None,
            enabled: total > 1_000_000 && std::io::stderr().is_terminal(),
        }
    }

    pub fn update(&mut self, done: usize) {
        if !self.enabled || self.total == 0 {
            return;
        }
        let percent = done.min(self.total) * 100 / self.total;
        if self.shown.is_some_and(|s| s >= percent) {
            return;
        }
        self.shown = Some(percent);
        let filled = percent / 5;
        let bar = format!("{}{}", "#".repeat(filled), " ".repeat(20 - filled));
        let mut err = std::io::stderr().lock();
        // Progress output is best-effort: a closed stderr must not stop an import.
        let _ = write!(err, "\r{} [{bar}] {percent:3}%", self.name);
        let _ = err.flush();
    }

    pub fn finish(&mut self) {
        if self.enabled && self.shown.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err);
        }
        self.shown = None;
        self.enabled = false;
    }
}
