//! `claimls export 837p` and `claimls import 837p`: drafts to an 837P interchange and back
//! (the mapping is in claimls-x12 and docs/x12-837p.md; this module finds files, prints and exits).

use super::check::{self, ConfigCache};
use claimls_data::CodeData;
use claimls_model::Date;
use claimls_rules::Severity;
use claimls_rules::config::Config;
use claimls_x12::{DraftFile, Envelope, Patients};
use clap::Subcommand;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write one ANSI X12 837P (005010X222A1) interchange for the claims given.
    #[command(name = "837p")]
    P837 {
        /// The claimls.toml with `[organization]` and `[x12]` (default: the one above the first path).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// The patients file (names, birth dates, addresses by patient id; docs/x12-837p.md).
        #[arg(long, value_name = "FILE")]
        patients: Option<PathBuf>,
        /// Write the interchange here instead of to stdout.
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Export claims even when `claimls check` finds errors in them.
        #[arg(long)]
        force: bool,
        /// ISA13/GS06 control number (default: from the clock, seconds of the day and day of the year).
        #[arg(long, value_name = "N")]
        control_number: Option<u32>,
        /// .claim files or directories.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Write `.claim` drafts from 837P files (one draft file per 837P file).
    #[command(name = "837p")]
    P837 {
        /// Write the drafts into this folder (`<name>.claim`) instead of to stdout.
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Use this claimls.toml (its `[x12.payers]` map payer ids back to payer names).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// 837P files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

/// Whether a file is checked as an 837P: by its extension, or by its content starting with `ISA`.
pub fn is_837p(path: &Path, text: &str) -> bool {
    has_x12_extension(path) || claimls_x12::segment::looks_like_x12(text)
}

pub fn has_x12_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["837", "x12", "edi"].contains(&e.to_ascii_lowercase().as_str()))
}

fn load_config(explicit: Option<&Path>, near: &Path) -> Result<Config, String> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => Config::find(&std::path::absolute(near).unwrap_or_else(|_| near.to_path_buf())),
    };
    match path {
        Some(p) => Config::load(&p).map_err(|e| e.to_string()),
        None => Ok(Config::default()),
    }
}

pub fn run_export(cmd: ExportCommand) -> ExitCode {
    let ExportCommand::P837 {
        config,
        patients,
        output,
        force,
        control_number,
        paths,
    } = cmd;
    let config = match load_config(config.as_deref(), &paths[0]) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("claimls: {e}");
            return ExitCode::from(2);
        }
    };
    let patients = match patients.as_deref().map(Patients::load).transpose() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("claimls: {e}");
            return ExitCode::from(2);
        }
    };
    let mut failed = false;
    let files = check::collect(&paths, &mut failed);
    if failed {
        return ExitCode::from(2);
    }
    let data = CodeData::load();
    let mut texts = Vec::new();
    for path in &files {
        match check::read_text(path) {
            Ok(t) => texts.push((path.display().to_string(), t)),
            Err(message) => {
                eprintln!("claimls: {message}");
                return ExitCode::from(2);
            }
        }
    }
    // A claim with error findings stays out of the interchange (unless --force); the others go.
    // Each claim is read from its own piece of the file, as `claimls check` reads it: one parse of
    // the whole file could let a broken line run into the next `claim` line and lose that claim,
    // so what is exported is what `check` checked.
    let mut skipped = 0;
    // The pieces that keep a claim: (file, byte range, the line the piece starts on, its claims).
    let mut kept: Vec<(
        usize,
        std::ops::Range<usize>,
        usize,
        Vec<claimls_model::Claim>,
    )> = Vec::new();
    for (file, (path, text)) in texts.iter().enumerate() {
        // The findings `claimls check` prints for the file.
        let findings = check::check_streamed(text, &data, &config, check::BATCH_BYTES);
        // The error findings by where they start, each with its place in `check`'s order (the first
        // of a claim's in that order is the one named): a claim's are then found by two binary
        // searches, not by a pass over the whole file's findings per claim.
        let mut errors: Vec<(usize, usize)> = findings
            .iter()
            .enumerate()
            .filter(|(_, f)| f.severity == Severity::Error)
            .map(|(i, f)| (f.span.start, i))
            .collect();
        errors.sort_unstable();
        let index = claimls_syntax::LineIndex::new(text);
        for r in claimls_syntax::split::claim_ranges(text) {
            let doc = claimls_syntax::document(&text[r.clone()]);
            let mut claims = Vec::new();
            for claim in doc.claims {
                let (start, end) = (r.start + claim.span.start, r.start + claim.span.end);
                let within = &errors[errors.partition_point(|&(s, _)| s < start)
                    ..errors.partition_point(|&(s, _)| s <= end)];
                if let Some(&(_, first)) = within.iter().min_by_key(|&&(_, i)| i) {
                    let first = &findings[first];
                    let line = index.line_of(first.span.start) + 1;
                    let verb = if force {
                        "exported anyway (--force)"
                    } else {
                        "not exported"
                    };
                    eprintln!(
                        "claimls: {path}:{line}: claim {}: {} error finding{} ({}): {verb}; `claimls check {path}` shows them",
                        claim.id.value,
                        within.len(),
                        if within.len() == 1 { "" } else { "s" },
                        first.rule
                    );
                    if !force {
                        skipped += 1;
                        continue;
                    }
                }
                claims.push(claim);
            }
            if !claims.is_empty() {
                let line = index.line_of(r.start);
                kept.push((file, r, line, claims));
            }
        }
    }
    if kept.is_empty() {
        eprintln!("claimls: no claim to export");
        return ExitCode::from(1);
    }
    let drafts: Vec<DraftFile> = kept
        .iter()
        .map(|(file, r, line, claims)| {
            let (path, text) = &texts[*file];
            DraftFile {
                path,
                text: &text[r.clone()],
                line: *line,
                claims,
            }
        })
        .collect();
    let envelope = envelope_now(control_number);
    let interchange =
        match claimls_x12::export(&drafts, &data, &config, patients.as_ref(), envelope) {
            Ok(s) => s,
            Err(errors) => {
                for e in errors {
                    eprintln!("claimls: {e}");
                }
                return ExitCode::from(1);
            }
        };
    match output {
        Some(out) => {
            if let Err(e) = std::fs::write(&out, interchange) {
                eprintln!("claimls: {}: cannot write: {e}", out.display());
                return ExitCode::from(2);
            }
        }
        None => print!("{interchange}"),
    }
    if skipped > 0 {
        eprintln!(
            "claimls: {skipped} claim{} with errors left out; fix them, or pass --force to export them anyway",
            if skipped == 1 { "" } else { "s" }
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// Today's date and time (UTC) and a control number from the clock unless one is given.
fn envelope_now(control_number: Option<u32>) -> Envelope {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let of_day = secs % 86_400;
    let date = civil_from_days(days);
    let time = ((of_day / 3600) as u8, ((of_day % 3600) / 60) as u8);
    // Day of the year's hundreds + seconds of the day: unique per second within a year.
    let day_of_year = (days - civil_to_days(date.year, 1, 1)) as u64;
    let control = control_number.unwrap_or(((day_of_year + 1) * 100_000 + of_day) as u32);
    Envelope {
        control_number: control.max(1),
        date,
        time,
    }
}

/// Days since 1970-01-01 → date (Howard Hinnant's civil_from_days).
fn civil_from_days(days: i64) -> Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    Date { year, month, day }
}

fn civil_to_days(year: i32, month: u8, day: u8) -> i64 {
    Date { year, month, day }.days()
}

pub fn run_import(cmd: ImportCommand) -> ExitCode {
    let ImportCommand::P837 {
        output,
        config,
        files,
    } = cmd;
    let explicit = match config.as_deref().map(Config::load).transpose() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("claimls: {e}");
            return ExitCode::from(2);
        }
    };
    let mut configs = ConfigCache::default();
    let mut status = ExitCode::SUCCESS;
    for file in &files {
        let text = match check::read_text(file) {
            Ok(t) => t,
            Err(message) => {
                eprintln!("claimls: {message}");
                status = ExitCode::from(2);
                continue;
            }
        };
        let config = match &explicit {
            Some(c) => std::sync::Arc::new(c.clone()),
            None => match configs.for_file(file) {
                Ok(c) => c,
                Err(()) => {
                    status = ExitCode::from(2);
                    continue;
                }
            },
        };
        let imported = claimls_x12::import(&text, &config);
        for p in &imported.problems {
            eprintln!("claimls: {}:{}: {p}", file.display(), p.line);
        }
        if !imported.problems.is_empty() && status == ExitCode::SUCCESS {
            status = ExitCode::from(1);
        }
        if imported.claims.is_empty() {
            eprintln!("claimls: {}: no claim (CLM) found", file.display());
            status = ExitCode::from(1);
            continue;
        }
        match &output {
            Some(dir) => {
                let stem = file
                    .file_stem()
                    .map_or("imported".into(), |s| s.to_string_lossy());
                let target = dir.join(format!("{stem}.claim"));
                if let Err(e) = std::fs::create_dir_all(dir)
                    .and_then(|()| std::fs::write(&target, &imported.text))
                {
                    eprintln!("claimls: {}: cannot write: {e}", target.display());
                    return ExitCode::from(2);
                }
                eprintln!(
                    "claimls: {}: {} claim{} → {}",
                    file.display(),
                    imported.claims.len(),
                    if imported.claims.len() == 1 { "" } else { "s" },
                    target.display()
                );
            }
            None => print!("{}", imported.text),
        }
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(
            civil_from_days(0),
            Date {
                year: 1970,
                month: 1,
                day: 1
            }
        );
        let d = Date {
            year: 2026,
            month: 12,
            day: 1,
        };
        assert_eq!(civil_from_days(d.days()), d);
    }
}
