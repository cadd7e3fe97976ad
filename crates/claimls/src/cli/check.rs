//! `claimls check`: find the files, read each with its configuration, run the engine, print.

use super::{Format, output};
use claimls_data::CodeData;
use claimls_rules::config::Config;
use claimls_rules::{self as rules, Finding, Severity};
use claimls_syntax::{self as syntax, LineIndex};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;

/// One checked file: its text (for source excerpts) and its findings, sorted by position.
#[derive(Debug)]
pub struct CheckedFile {
    /// The path as it is printed: as given on the command line, or joined onto the given directory.
    pub path: String,
    pub text: String,
    pub index: LineIndex,
    pub findings: Vec<Finding>,
    /// The findings beyond [`MAX_FINDINGS_PER_FILE`], counted (not printed); the exit code and the
    /// summary count them.
    pub omitted: Summary,
}

/// At most this many findings of one file are printed (the first by position); the output says
/// how many more there were. A pathological file (a line of 300,000 repeated modifiers) must not
/// print gigabytes.
pub const MAX_FINDINGS_PER_FILE: usize = 1000;

impl CheckedFile {
    /// A checked file, its findings capped at [`MAX_FINDINGS_PER_FILE`].
    pub fn new(path: String, text: String, mut findings: Vec<Finding>) -> CheckedFile {
        let mut omitted = Summary::default();
        if findings.len() > MAX_FINDINGS_PER_FILE {
            omitted.add(&findings[MAX_FINDINGS_PER_FILE..]);
            findings.truncate(MAX_FINDINGS_PER_FILE);
            findings.shrink_to_fit();
        }
        CheckedFile {
            path,
            index: LineIndex::new(&text),
            text,
            findings,
            omitted,
        }
    }

    /// How many findings were left out.
    pub fn omitted_count(&self) -> usize {
        self.omitted.errors + self.omitted.warnings + self.omitted.information
    }
}

/// Counts for the summary line and the exit code.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub information: usize,
}

impl Summary {
    pub fn of(files: &[CheckedFile]) -> Summary {
        let mut s = Summary {
            files: files.len(),
            ..Summary::default()
        };
        for f in files {
            s.add(&f.findings);
            s.errors += f.omitted.errors;
            s.warnings += f.omitted.warnings;
            s.information += f.omitted.information;
        }
        s
    }

    fn add(&mut self, findings: &[Finding]) {
        for f in findings {
            match f.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Information => self.information += 1,
            }
        }
    }
}

/// Check one text: parse, lower, run every rule. Findings sorted by position.
pub fn check_text(text: &str, data: &CodeData, config: &Config) -> Vec<Finding> {
    let doc = syntax::document(text);
    let mut findings = rules::check(&doc, data, config);
    findings.sort_by(|a, b| {
        (a.span.start, a.span.end, a.severity, a.rule).cmp(&(
            b.span.start,
            b.span.end,
            b.severity,
            b.rule,
        ))
    });
    findings
}

/// `claimls check`.
pub fn run(paths: &[PathBuf], config: Option<&Path>, format: Format) -> ExitCode {
    let mut failed = false;
    let explicit = match config {
        Some(path) => match Config::load(path) {
            Ok(c) => Some(Rc::new(c)),
            Err(e) => {
                eprintln!("claimls: {e}");
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let files = collect(paths, &mut failed);
    let data = CodeData::load();
    let mut configs = ConfigCache::default();
    let mut checked = Vec::with_capacity(files.len());
    for path in files {
        let text = match read_text(&path) {
            Ok(t) => t,
            Err(message) => {
                eprintln!("claimls: {message}");
                failed = true;
                continue;
            }
        };
        let config = match &explicit {
            Some(c) => c.clone(),
            None => match configs.for_file(&path) {
                Ok(c) => c,
                Err(()) => {
                    failed = true;
                    continue;
                }
            },
        };
        let findings = if super::x12::is_837p(&path, &text) {
            claimls_x12::check_837p(&text, &data, &config)
        } else if claimls_x12::check::is_imported_draft(&text) {
            claimls_x12::check::check_imported_draft(&text, &data, &config)
        } else {
            check_text(&text, &data, &config)
        };
        checked.push(CheckedFile::new(path.display().to_string(), text, findings));
    }
    let summary = Summary::of(&checked);
    let out = match format {
        Format::Text => output::text(&checked, &summary, output::Colors::for_stdout()),
        Format::Json => output::json(&checked, &summary),
        Format::Sarif => output::sarif(&checked),
    };
    print!("{out}");
    if failed {
        ExitCode::from(2)
    } else if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The files to check, in order: each path given; directories searched for `*.claim` (and 837P files:
/// `*.837`, `*.x12`, `*.edi`), sorted.
/// Paths that cannot be read are reported and set `failed`.
pub(super) fn collect(paths: &[PathBuf], failed: &mut bool) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                let before = files.len();
                walk(path, &mut files, failed);
                files[before..].sort();
                if files.len() == before {
                    // A mistyped CI path must not pass: nothing checked is a failure.
                    eprintln!(
                        "claimls: {}: no .claim files in this folder; give a .claim file or a folder that holds some",
                        path.display()
                    );
                    *failed = true;
                }
            }
            Ok(_) => files.push(path.clone()),
            Err(e) => {
                eprintln!("claimls: {}: {}", path.display(), io_reason(&e));
                *failed = true;
            }
        }
    }
    files
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, failed: &mut bool) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("claimls: {}: {}", dir.display(), io_reason(&e));
            *failed = true;
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let is_hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if is_hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, files, failed);
        } else if path.extension().is_some_and(|e| e == "claim")
            || super::x12::has_x12_extension(&path)
        {
            files.push(path);
        }
    }
}

/// The text of a file, or the message that names it and says what is wrong.
pub(super) fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("{}: cannot read: {}", path.display(), io_reason(&e)))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
        format!(
            "{}:{line}: not UTF-8 text (byte {valid}); save the file as UTF-8",
            path.display()
        )
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// `claimls.toml` files found above the checked files, each read once. A bad one is reported once;
/// the files under it are not checked.
#[derive(Default)]
pub(super) struct ConfigCache {
    by_path: HashMap<PathBuf, Result<Rc<Config>, ()>>,
    default: Option<Rc<Config>>,
}

impl ConfigCache {
    pub(super) fn for_file(&mut self, file: &Path) -> Result<Rc<Config>, ()> {
        let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        let workspace = std::env::current_dir().ok();
        let Some(found) = Config::find_within(&absolute, workspace.as_deref()) else {
            return Ok(self.default.get_or_insert_with(Default::default).clone());
        };
        self.by_path
            .entry(found.clone())
            .or_insert_with(|| match Config::load(&found) {
                Ok(c) => Ok(Rc::new(c)),
                Err(e) => {
                    eprintln!("claimls: {e}");
                    Err(())
                }
            })
            .clone()
    }
}
