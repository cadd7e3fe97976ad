//! `claimls check`: find the files, read each with its configuration, run the engine, print.
//!
//! A file is read a few megabytes at a time, cut at `claim` lines, and each claim parsed, lowered,
//! checked and rendered on its own, claims and files in parallel (rayon); the output is written in
//! input order as it is ready, so memory stays bounded whatever the size of the file or folder.

use super::{Format, output};
use claimls_data::CodeData;
use claimls_rules::config::Config;
use claimls_rules::{self as rules, Finding, Severity};
use claimls_syntax as syntax;
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// At most this many findings of one file are printed by default (the first by position); the
/// output says how many more there were, and `--max-findings 0` prints them all. A pathological file
/// (a line of 300,000 repeated modifiers) must not print gigabytes to a terminal.
pub const MAX_FINDINGS_PER_FILE: usize = 1000;

/// How much of a file is read and checked at a time (whole claims; a longer claim is one piece).
/// Measured at 10k and 100k claims: 512 KiB pieces (about 900 claims, enough for the pool to share)
/// keep the two in flight (one written while the next is checked) to ~21 MB of peak RSS, where 2 MiB
/// pieces took 52–84 MB and 4% more CPU in page faults; the last piece's write, which no check
/// overlaps, is short too.
pub const BATCH_BYTES: usize = 1 << 19;

/// One file as it is printed: its findings (the first [`Job::limit`] by position), each located and,
/// for the text and SARIF formats, rendered. The text is not kept: a file is read a few megabytes at
/// a time and checked claim by claim; the first piece is checked before the report is handed out
/// (several files at once), the others as the writer asks for them ([`FileReport::advance`]), so a
/// file of a million claims is never held in memory, nor are its findings.
pub struct FileReport<'a> {
    /// The path as it is printed: as given on the command line, or joined onto the given directory.
    pub path: String,
    /// The findings checked and not yet written (a writer takes them; SARIF keeps them all).
    pub findings: Vec<output::Located>,
    /// The findings beyond the limit, counted (not printed); the exit code and the summary count
    /// them.
    pub omitted: Summary,
    /// The most findings printed (`None`: all).
    limit: Option<usize>,
    /// How many findings were put in `findings` so far, written or not.
    listed: usize,
    /// The pieces of the file not yet checked.
    rest: Option<Rest<'a>>,
    tally: &'a Tally,
}

/// What checking the rest of a file needs.
struct Rest<'a> {
    path: PathBuf,
    batches: syntax::split::Batches<std::fs::File>,
    config: Arc<Config>,
    job: Job<'a>,
    imported: bool,
}

impl<'a> FileReport<'a> {
    pub(super) fn new(path: String, limit: Option<usize>, tally: &'a Tally) -> FileReport<'a> {
        FileReport {
            path,
            findings: Vec::new(),
            omitted: Summary::default(),
            limit,
            listed: 0,
            rest: None,
            tally,
        }
    }

    /// Whether the limit is reached (later findings are only counted).
    fn full(&self) -> bool {
        self.limit.is_some_and(|limit| self.listed >= limit)
    }

    /// How many more findings are listed before the limit.
    fn room(&self) -> usize {
        self.limit
            .map_or(usize::MAX, |limit| limit.saturating_sub(self.listed))
    }

    pub(super) fn push(&mut self, found: Vec<output::Located>) {
        let mut counted = Summary::default();
        for l in found {
            counted.add(std::slice::from_ref(&l.finding));
            if self.full() {
                self.omitted.add(std::slice::from_ref(&l.finding));
            } else {
                self.findings.push(l);
                self.listed += 1;
            }
        }
        self.tally.add(&counted);
    }

    /// Check the next piece of the file; its findings are added to [`FileReport::findings`]. False
    /// when the whole file is checked. A piece that cannot be read (not UTF-8 part-way through) is
    /// reported on stderr and ends the file: what was checked before it is still printed, and the
    /// exit code is 2.
    pub fn advance(&mut self) -> bool {
        let Some(rest) = self.rest.as_mut() else {
            return false;
        };
        let Some(b) = rest.batches.next() else {
            self.rest = None;
            return false;
        };
        let (config, job, imported) = (rest.config.clone(), rest.job, rest.imported);
        match b {
            Ok(b) => {
                check_batch(b, &config, job, imported, self);
                true
            }
            Err(e) => {
                let message = batch_error(&rest.path, e);
                self.rest = None;
                eprintln!("claimls: {message}");
                self.tally.fail();
                false
            }
        }
    }

    /// Hand the findings checked so far to `write` while the next piece is checked on another
    /// thread, so the cores are not idle while one thread writes. False when the whole file is
    /// checked (and written, if `write` succeeded). A failed write is returned once the piece in
    /// progress is checked.
    pub fn write_and_advance<E>(
        &mut self,
        write: impl FnOnce(Vec<output::Located>) -> Result<(), E>,
    ) -> Result<bool, E> {
        let written = std::mem::take(&mut self.findings);
        if self.rest.is_none() {
            return write(written).map(|()| false);
        }
        std::thread::scope(|s| {
            let next = s.spawn(|| self.advance());
            let wrote = write(written);
            let more = next
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            wrote.map(|()| more)
        })
    }

    /// Check what is left of the file, keeping every finding.
    pub fn finish(&mut self) {
        while self.advance() {}
    }

    /// How many findings were left out.
    pub fn omitted_count(&self) -> usize {
        self.omitted.errors + self.omitted.warnings + self.omitted.information
    }

    /// The limit, for the note that says findings were left out.
    pub fn limit(&self) -> Option<usize> {
        self.limit
    }
}

/// The counts of a whole run, added to as files are checked (from the writer's thread and from
/// the threads that check first pieces), and whether anything failed.
#[derive(Debug, Default)]
pub struct Tally {
    summary: std::sync::Mutex<Summary>,
    failed: std::sync::atomic::AtomicBool,
}

impl Tally {
    pub fn summary(&self) -> Summary {
        *self.summary.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn add(&self, counts: &Summary) {
        let mut s = self.summary.lock().unwrap_or_else(|e| e.into_inner());
        s.files += counts.files;
        s.errors += counts.errors;
        s.warnings += counts.warnings;
        s.information += counts.information;
    }

    fn fail(&self) {
        self.failed
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn failed(&self) -> bool {
        self.failed.load(std::sync::atomic::Ordering::Relaxed)
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
    pub(super) fn add(&mut self, findings: &[Finding]) {
        for f in findings {
            match f.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Information => self.information += 1,
            }
        }
    }
}

fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.span.start, a.span.end, a.severity, a.rule).cmp(&(
            b.span.start,
            b.span.end,
            b.severity,
            b.rule,
        ))
    });
}

/// Check one text whole: parse, lower, run every rule. Findings sorted by position.
pub fn check_text(text: &str, data: &CodeData, config: &Config) -> Vec<Finding> {
    let doc = syntax::document(text);
    let mut findings = rules::check(&doc, data, config);
    sort_findings(&mut findings);
    findings
}

thread_local! {
    /// One parser per worker thread, reused for every claim it checks.
    static PARSER: RefCell<syntax::Parser> = RefCell::new(syntax::parser());
}

/// Check one claim (or the text before the first claim) on its own: findings with spans into `text`,
/// in the order [`check_text`] (or the imported-draft check) gives them, and the claims' starts and ids.
fn check_piece(
    text: &str,
    data: &CodeData,
    config: &Config,
    imported: bool,
    want_claims: bool,
) -> (Vec<Finding>, Vec<(usize, String)>) {
    if imported {
        let found = claimls_x12::check::check_imported_draft(text, data, config);
        let claims = if want_claims {
            output::claim_ids(text)
        } else {
            Vec::new()
        };
        return (found, claims);
    }
    let doc = PARSER.with_borrow_mut(|p| syntax::document_with(p, text));
    let mut found = rules::check(&doc, data, config);
    sort_findings(&mut found);
    let claims = if want_claims {
        doc.claims
            .iter()
            .map(|c| (c.span.start, c.id.value.clone()))
            .collect()
    } else {
        Vec::new()
    };
    (found, claims)
}

/// The findings of a text checked claim by claim, as `claimls check` streams it (pieces of `batch`
/// bytes, claims in parallel), with spans into the whole text. Equal to [`check_text`]'s.
pub fn check_streamed(text: &str, data: &CodeData, config: &Config, batch: usize) -> Vec<Finding> {
    let imported = claimls_x12::check::is_imported_draft(text);
    let mut out = Vec::new();
    for b in syntax::split::Batches::new(text.as_bytes(), batch) {
        let b = b.expect("a &str is UTF-8 and reading it cannot fail");
        let pieces: Vec<Vec<Finding>> = syntax::split::claim_ranges(&b.text)
            .into_par_iter()
            .map(|r| {
                let (found, _) = check_piece(&b.text[r.clone()], data, config, imported, false);
                found
                    .into_iter()
                    .map(|f| output::shift_finding(f, b.offset + r.start))
                    .collect()
            })
            .collect();
        out.extend(pieces.into_iter().flatten());
    }
    out
}

/// What a reader of a file needs: what to print, and the format it is printed in.
#[derive(Clone, Copy)]
pub(super) struct Job<'a> {
    pub data: &'a CodeData,
    pub format: Format,
    pub colors: output::Colors,
    /// The most findings of a file printed (`None`: all); the rest are counted.
    pub limit: Option<usize>,
}

/// Open one file and check its first piece (an 837P: the whole file); the rest is checked as the
/// report is written. The error is the message naming the file.
fn check_file<'a>(
    path: &Path,
    config: Arc<Config>,
    job: Job<'a>,
    tally: &'a Tally,
) -> Result<FileReport<'a>, String> {
    let shown = path.display().to_string();
    let report = FileReport::new(shown, job.limit, tally);
    if super::x12::has_x12_extension(path) {
        return check_whole(path, &config, job, report);
    }
    // What must be known before any claim is checked: whether `claimls import` wrote it (its marker
    // line may be anywhere). A raw search for the marker's bytes settles that for almost every file;
    // only a file that holds them is read once more as text to find the marker as a line.
    let mut batches = syntax::split::Batches::new(open(path)?, BATCH_BYTES);
    let first = match batches.next() {
        None => return Ok(report),
        Some(b) => b.map_err(|e| batch_error(path, e))?,
    };
    // An 837P without the extension: its first piece says so.
    if claimls_x12::segment::looks_like_x12(&first.text) {
        return check_whole(path, &config, job, report);
    }
    let imported = holds_import_marker(path)? && imported_draft(path)?;
    let mut report = report;
    check_batch(first, &config, job, imported, &mut report);
    report.rest = Some(Rest {
        path: path.to_path_buf(),
        batches,
        config,
        job,
        imported,
    });
    Ok(report)
}

/// Whether the bytes of the imported-draft marker occur anywhere in the file (a necessary condition
/// for [`claimls_x12::check::is_imported_draft`]; one search, no text decoding).
fn holds_import_marker(path: &Path) -> Result<bool, String> {
    use std::io::Read;
    let marker = claimls_x12::read::NO_ADMIN_RECORD.as_bytes();
    let finder = memchr::memmem::Finder::new(marker);
    let mut file = open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    // The last `marker.len() - 1` bytes of a chunk are searched again with the next one.
    let mut kept = 0;
    loop {
        let n = loop {
            match file.read(&mut buf[kept..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(format!(
                        "{}: cannot read: {}",
                        path.display(),
                        io_reason(&e)
                    ));
                }
            }
        };
        let len = kept + n;
        if finder.find(&buf[..len]).is_some() {
            return Ok(true);
        }
        if n == 0 {
            return Ok(false);
        }
        kept = (marker.len() - 1).min(len);
        buf.copy_within(len - kept..len, 0);
    }
}

/// Whether the file, read as text, is a draft `claimls import` wrote.
fn imported_draft(path: &Path) -> Result<bool, String> {
    let mut imported = false;
    for b in syntax::split::Batches::new(open(path)?, BATCH_BYTES) {
        let b = b.map_err(|e| batch_error(path, e))?;
        imported |= claimls_x12::check::is_imported_draft(&b.text);
    }
    Ok(imported)
}

/// Check one piece of a `.claim` text (whole claims), claims in parallel, adding what it finds
/// to `report` in order.
fn check_batch(
    b: syntax::split::Batch,
    config: &Config,
    job: Job<'_>,
    imported: bool,
    report: &mut FileReport<'_>,
) {
    let sarif = matches!(job.format, Format::Sarif);
    let mut pieces = Vec::new();
    let mut line = b.line;
    for r in syntax::split::claim_ranges(&b.text) {
        let lines = memchr::memchr_iter(b'\n', &b.text.as_bytes()[r.clone()]).count();
        pieces.push((r, line));
        line += lines;
    }
    let full = report.full();
    let shown = report.path.as_str();
    let found: Vec<Vec<output::Located>> = pieces
        .into_par_iter()
        .map(|(r, line)| {
            let text = &b.text[r.clone()];
            let (found, claims) = check_piece(text, job.data, config, imported, sarif);
            let source = output::Source {
                path: shown,
                text,
                offset: b.offset + r.start,
                line,
            };
            output::locate(&source, found, &claims, job.format, job.colors, !full)
        })
        .collect();
    for f in found {
        report.push(f);
    }
}

/// An 837P (or a file named like one): read and checked whole.
fn check_whole<'a>(
    path: &Path,
    config: &Config,
    job: Job<'a>,
    mut report: FileReport<'a>,
) -> Result<FileReport<'a>, String> {
    let text = read_text(path)?;
    let findings = if super::x12::is_837p(path, &text) {
        claimls_x12::check_837p(&text, job.data, config)
    } else if claimls_x12::check::is_imported_draft(&text) {
        claimls_x12::check::check_imported_draft(&text, job.data, config)
    } else {
        check_text(&text, job.data, config)
    };
    push_whole(&mut report, &text, findings, job);
    Ok(report)
}

/// Add the findings of a whole text (spans into it) to `report`.
fn push_whole(report: &mut FileReport<'_>, text: &str, findings: Vec<Finding>, job: Job<'_>) {
    let claims = if matches!(job.format, Format::Sarif) {
        output::claim_ids(text)
    } else {
        Vec::new()
    };
    let path = report.path.clone();
    let source = output::Source {
        path: &path,
        text,
        offset: 0,
        line: 0,
    };
    let mut first = findings;
    let rest = first.split_off(report.room().min(first.len()));
    report.push(output::locate(
        &source, first, &claims, job.format, job.colors, true,
    ));
    report.omitted.add(&rest);
    report.tally.add(&{
        let mut counted = Summary::default();
        counted.add(&rest);
        counted
    });
}

fn open(path: &Path) -> Result<std::fs::File, String> {
    std::fs::File::open(path)
        .map_err(|e| format!("{}: cannot read: {}", path.display(), io_reason(&e)))
}

fn batch_error(path: &Path, e: syntax::split::BatchError) -> String {
    match e {
        syntax::split::BatchError::Io(e) => {
            format!("{}: cannot read: {}", path.display(), io_reason(&e))
        }
        syntax::split::BatchError::NotUtf8 { offset, line } => format!(
            "{}:{}: not UTF-8 text (byte {offset}); save the file as UTF-8",
            path.display(),
            line + 1
        ),
    }
}

/// The reports of `files` in order, checked a few files at a time in parallel (each file's claims in
/// parallel too; the first piece of each file here, the rest as it is written). A file that cannot be
/// read or configured is reported on stderr, marks the run failed, and is left out. Nothing of a file
/// is kept once it is written.
struct Reports<'a> {
    files: std::vec::IntoIter<PathBuf>,
    explicit: Option<Arc<Config>>,
    configs: ConfigCache,
    job: Job<'a>,
    ready: std::collections::VecDeque<Result<FileReport<'a>, String>>,
    tally: &'a Tally,
}

impl<'a> Iterator for Reports<'a> {
    type Item = FileReport<'a>;

    fn next(&mut self) -> Option<FileReport<'a>> {
        loop {
            if let Some(r) = self.ready.pop_front() {
                match r {
                    Ok(report) => {
                        self.tally.add(&Summary {
                            files: 1,
                            ..Summary::default()
                        });
                        return Some(report);
                    }
                    Err(message) => {
                        eprintln!("claimls: {message}");
                        self.tally.fail();
                        continue;
                    }
                }
            }
            let window = 2 * rayon::current_num_threads();
            let mut todo = Vec::new();
            for path in self.files.by_ref() {
                let config = match &self.explicit {
                    Some(c) => c.clone(),
                    None => match self.configs.for_file(&path) {
                        Ok(c) => c,
                        Err(()) => {
                            self.tally.fail();
                            continue;
                        }
                    },
                };
                todo.push((path, config));
                if todo.len() >= window {
                    break;
                }
            }
            if todo.is_empty() {
                return None;
            }
            let (job, tally) = (self.job, self.tally);
            let done: Vec<_> = todo
                .into_par_iter()
                .map(|(path, config)| check_file(&path, config, job, tally))
                .collect();
            self.ready.extend(done);
        }
    }
}

/// `claimls check`. `limit`: the most findings printed of a file (`None`: all).
pub fn run(
    paths: &[PathBuf],
    config: Option<&Path>,
    format: Format,
    limit: Option<usize>,
) -> ExitCode {
    let tally = Tally::default();
    let explicit = match config {
        Some(path) => match Config::load(path) {
            Ok(c) => Some(Arc::new(c)),
            Err(e) => {
                eprintln!("claimls: {e}");
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let mut found_failed = false;
    let files = collect(paths, &mut found_failed);
    if found_failed {
        tally.fail();
    }
    let data = CodeData::load();
    let colors = output::Colors::for_stdout();
    let reports = Reports {
        files: files.into_iter(),
        explicit,
        configs: ConfigCache::default(),
        job: Job {
            data: &data,
            format,
            colors,
            limit,
        },
        ready: Default::default(),
        tally: &tally,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let written = match format {
        Format::Text => output::write_text(&mut out, reports, &tally, colors),
        Format::Json => output::write_json(&mut out, reports, &tally),
        Format::Sarif => {
            let all: Vec<FileReport> = reports
                .map(|mut f| {
                    f.finish();
                    f
                })
                .collect();
            output::write_sarif(&mut out, &all)
        }
    };
    if written.and_then(|()| out.flush()).is_err() {
        // stdout closed (`claimls check | head`): nothing more can be said there.
        return ExitCode::from(2);
    }
    if tally.failed() {
        ExitCode::from(2)
    } else if tally.summary().errors > 0 {
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
    by_path: HashMap<PathBuf, Result<Arc<Config>, ()>>,
    default: Option<Arc<Config>>,
}

impl ConfigCache {
    pub(super) fn for_file(&mut self, file: &Path) -> Result<Arc<Config>, ()> {
        let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        let workspace = std::env::current_dir().ok();
        let Some(found) = Config::find_within(&absolute, workspace.as_deref()) else {
            return Ok(self.default.get_or_insert_with(Default::default).clone());
        };
        self.by_path
            .entry(found.clone())
            .or_insert_with(|| match Config::load(&found) {
                Ok(c) => Ok(Arc::new(c)),
                Err(e) => {
                    eprintln!("claimls: {e}");
                    Err(())
                }
            })
            .clone()
    }
}

#[cfg(test)]
#[path = "../../tests/support/generate.rs"]
mod generate;

#[cfg(test)]
mod tests {
    use super::*;

    fn examples() -> Vec<(String, String)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .expect("examples/")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "claim"))
            .collect();
        paths.sort();
        assert!(paths.len() >= 5, "the examples are found");
        paths
            .iter()
            .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
            .collect()
    }

    /// What a report printed: the findings listed, those counted past the limit, and the run's
    /// counts.
    #[derive(Debug)]
    struct Printed {
        findings: Vec<output::Located>,
        omitted: Summary,
        counts: Summary,
    }

    /// `text` checked whole (as before streaming) and streamed in pieces of `batch` bytes, with the
    /// default limit.
    fn both(text: &str, format: Format, batch: usize) -> (Printed, Printed) {
        let data = CodeData::embedded();
        let config = Config::default();
        let job = Job {
            data: &data,
            format,
            colors: output::Colors::plain(),
            limit: Some(MAX_FINDINGS_PER_FILE),
        };
        let imported = claimls_x12::check::is_imported_draft(text);
        let findings = if imported {
            claimls_x12::check::check_imported_draft(text, &data, &config)
        } else {
            check_text(text, &data, &config)
        };
        let tally = Tally::default();
        let mut whole = FileReport::new("a.claim".to_string(), job.limit, &tally);
        push_whole(&mut whole, text, findings, job);
        let whole = Printed {
            findings: whole.findings,
            omitted: whole.omitted,
            counts: tally.summary(),
        };
        let tally = Tally::default();
        let mut streamed = FileReport::new("a.claim".to_string(), job.limit, &tally);
        for b in syntax::split::Batches::new(text.as_bytes(), batch) {
            check_batch(b.unwrap(), &config, job, imported, &mut streamed);
        }
        let streamed = Printed {
            findings: streamed.findings,
            omitted: streamed.omitted,
            counts: tally.summary(),
        };
        (whole, streamed)
    }

    fn assert_same(text: &str, format: Format, batch: usize, what: &str) -> usize {
        let (whole, streamed) = both(text, format, batch);
        assert_eq!(whole.omitted, streamed.omitted, "{what}");
        assert_eq!(whole.counts, streamed.counts, "{what}");
        assert_eq!(whole.findings.len(), streamed.findings.len(), "{what}");
        for (w, s) in whole.findings.iter().zip(&streamed.findings) {
            assert_eq!(w, s, "{what}");
        }
        let omitted = whole.omitted.errors + whole.omitted.warnings + whole.omitted.information;
        whole.findings.len() + omitted
    }

    #[test]
    fn streaming_finds_what_the_whole_file_check_finds_in_the_examples() {
        let mut total = 0;
        for (path, text) in examples() {
            for format in [Format::Text, Format::Sarif] {
                for batch in [1, 200, 1 << 20] {
                    total += assert_same(&text, format, batch, &format!("{path} batch {batch}"));
                }
            }
        }
        assert!(total > 0, "the examples have findings");
    }

    #[test]
    fn streaming_finds_what_the_whole_file_check_finds_in_10000_varied_claims() {
        let text = generate::claims(10_000);
        let (whole, _) = both(&text, Format::Json, 1 << 20);
        let mut rules: Vec<&str> = whole.findings.iter().map(|l| l.finding.rule).collect();
        rules.sort();
        rules.dedup();
        assert!(rules.len() >= 8, "findings of many rules: {rules:?}");
        // Past the per-file cap only counts are kept: compare every finding on the whole list.
        let data = CodeData::embedded();
        let config = Config::default();
        let all = check_text(&text, &data, &config);
        for batch in [1 << 12, 1 << 20] {
            assert_eq!(
                check_streamed(&text, &data, &config, batch),
                all,
                "batch {batch}"
            );
        }
        assert!(all.len() > 5_000, "{} findings", all.len());
        assert_same(&text, Format::Json, 1 << 16, "10,000 claims");
        // Rendering the whole file per finding is slow: the text and SARIF forms on a slice.
        let slice = generate::claims(300);
        assert_same(&slice, Format::Text, 1 << 12, "300 claims, text");
        assert_same(&slice, Format::Sarif, 1 << 12, "300 claims, SARIF");
    }

    #[test]
    fn the_import_marker_is_found_wherever_it_lies_even_across_read_chunks() {
        let marker = claimls_x12::read::NO_ADMIN_RECORD;
        let dir = std::env::temp_dir().join(format!("claimls-marker-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.claim");
        let filler = "claim A\n  note x\n".repeat((1 << 20) / 17);
        for cut in [0, 1, marker.len() / 2, marker.len() - 1] {
            // The marker starts `cut` bytes before the end of the first 1 MiB read.
            let mut text = filler.clone();
            text.truncate((1 << 20) - cut - 1);
            text.push('\n');
            text.push_str(marker);
            text.push_str("\nclaim B\n");
            std::fs::write(&path, &text).unwrap();
            assert!(holds_import_marker(&path).unwrap(), "cut {cut}");
            assert!(imported_draft(&path).unwrap(), "cut {cut}");
        }
        // Its bytes inside a longer line are not the marker line.
        std::fs::write(&path, format!("claim A\n  note {marker}\n")).unwrap();
        assert!(holds_import_marker(&path).unwrap());
        assert!(!imported_draft(&path).unwrap());
        std::fs::write(&path, "claim A\n  note x\n").unwrap();
        assert!(!holds_import_marker(&path).unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
