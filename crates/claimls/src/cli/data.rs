//! `claimls data import|status|fetch`: official code files in, a compact index out.

use claimls_data::import::fetch::{FetchError, FetchLimits, download};
use claimls_data::import::{self, ImportError, Part, PartKind, build_editions};
use claimls_data::{CodeData, SetSize, store};
use clap::Subcommand;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Import official CMS/CDC files (files or folders; formats recognised from content).
    Import {
        paths: Vec<PathBuf>,
        /// Import even when a file holds far fewer records than the edition it replaces (less than
        /// 80%): without it such a file is refused as cut short.
        #[arg(long)]
        force: bool,
    },
    /// List the editions in use, with counts and effective periods.
    Status,
    /// Download the current official files and import them.
    Fetch {
        /// Base address of a mirror laid out like `shared/refdata` (http:// or https://), instead of
        /// the official CMS/CDC https:// addresses. Also read from CLAIMLS_FETCH_BASE.
        #[arg(long)]
        from: Option<String>,
    },
}

/// Why a `claimls data` command failed.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(
        "no data directory: set CLAIMLS_DATA_DIR to the folder claimls should keep imported code data in"
    )]
    NoDataDir,
    #[error(
        "nothing to import: name the official files or folders, e.g. `claimls data import ~/Downloads/cms`"
    )]
    NothingToImport,
    #[error(transparent)]
    Download(#[from] FetchError),
    #[error("{url}: expected the {expected} file, got something else; check the address")]
    UnexpectedFile { url: String, expected: String },
    #[error("{file}: refused: {message}")]
    TooFewRecords { file: String, message: String },
    #[error("cannot write the summary: {0}")]
    Output(#[from] std::io::Error),
}

pub fn run(cmd: DataCommand) -> ExitCode {
    let Some(dir) = store::data_dir() else {
        eprintln!("claimls data: {}", DataError::NoDataDir);
        return ExitCode::from(2);
    };
    let mut out = std::io::stdout().lock();
    match execute(cmd, &dir, &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("claimls data: {e}");
            ExitCode::from(1)
        }
    }
}

/// Run a `data` command against the data directory `dir`, writing the summary to `out`.
pub fn execute(cmd: DataCommand, dir: &Path, out: &mut dyn Write) -> Result<(), DataError> {
    match cmd {
        DataCommand::Import { paths, force } => {
            if paths.is_empty() {
                return Err(DataError::NothingToImport);
            }
            let found = import::read_paths(&paths)?;
            for s in &found.skipped {
                writeln!(
                    out,
                    "skipped {}: not an official file claimls reads",
                    import::escaped(s)
                )?;
            }
            import_parts(found.parts, dir, out, force)
        }
        DataCommand::Status => status(dir, out),
        DataCommand::Fetch { from } => {
            let base = from.or_else(|| {
                std::env::var("CLAIMLS_FETCH_BASE")
                    .ok()
                    .filter(|b| !b.is_empty())
            });
            let parts = fetch(base.as_deref(), out)?;
            import_parts(parts, dir, out, false)
        }
    }
}

/// A new file holding less than this share of the records of the edition it replaces is refused
/// (unless `--force`): quarterly editions change by a few percent, a cut file by much more.
const MIN_SHARE_PERCENT: usize = 80;

/// Refuse a part that holds far fewer records than the stored edition it replaces (the same kind and
/// date, else the newest stored one of its kind before it).
fn check_counts(stored: &[Part], new: &[Part]) -> Result<(), DataError> {
    for part in new {
        let replaced = stored
            .iter()
            .filter(|s| s.kind() == part.kind())
            .filter(|s| s.effective <= part.effective)
            .max_by_key(|s| s.effective);
        let Some(old) = replaced else { continue };
        let (n, was) = (part.records.len(), old.records.len());
        if n * 100 < was * MIN_SHARE_PERCENT {
            return Err(DataError::TooFewRecords {
                file: part.name.clone(),
                message: format!(
                    "{} {noun} would replace {} {noun} of {} — less than {MIN_SHARE_PERCENT}%, the file \
                     looks cut short. Download it again, or import with `claimls data import --force` if \
                     the edition really is that much smaller",
                    thousands(n),
                    thousands(was),
                    old.name,
                    noun = part.records.noun()
                ),
            });
        }
    }
    Ok(())
}

/// `8623` → `8,623`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Validate, summarise and store parts read from official files.
fn import_parts(
    parts: Vec<Part>,
    dir: &Path,
    out: &mut dyn Write,
    force: bool,
) -> Result<(), DataError> {
    if parts.is_empty() {
        return Err(DataError::NothingToImport);
    }
    for p in &parts {
        writeln!(out, "{}: {}; {}", p.name, p.records.counts(), period(p))?;
    }
    let stored = match store::load(dir) {
        Ok(parts) => parts.unwrap_or_default(),
        Err(e) => {
            writeln!(out, "note: {e}; starting a new index")?;
            Vec::new()
        }
    };
    if !force {
        check_counts(&stored, &parts)?;
    }
    let merged = store::merge(stored, parts);
    let built = build_editions(&merged, &claimls_data::CodeSet::embedded());
    if !built.warnings.is_empty() {
        writeln!(
            out,
            "{} billing-unit mismatches between files (not fatal):",
            built.warnings.len()
        )?;
        for w in built.warnings.iter().take(25) {
            writeln!(out, "  {w}")?;
        }
        if built.warnings.len() > 25 {
            writeln!(out, "  … and {} more", built.warnings.len() - 25)?;
        }
    }
    let path = store::save_built(dir, &merged, &built)?;
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    writeln!(
        out,
        "index written: {} ({:.1} MB, {} files; {} code/place editions, {} ICD-10-CM editions)",
        path.display(),
        size as f64 / 1_048_576.0,
        merged.len(),
        built.sets.len(),
        built.tables.len()
    )?;
    Ok(())
}

fn period(p: &Part) -> String {
    match (p.effective, p.until) {
        (Some(f), Some(u)) => format!("effective {f} to {u}"),
        (Some(f), None) => format!("effective from {f}"),
        (None, _) => "for every date of service".to_string(),
    }
}

fn status(dir: &Path, out: &mut dyn Write) -> Result<(), DataError> {
    let parts = store::load(dir)?;
    let Some(parts) = parts else {
        writeln!(
            out,
            "no official files imported into {}: the embedded curated set answers.",
            dir.display()
        )?;
        writeln!(
            out,
            "Import them with `claimls data import PATH...` or `claimls data fetch`."
        )?;
        return Ok(());
    };
    writeln!(
        out,
        "imported files ({}):",
        store::index_path(dir).display()
    )?;
    for p in &parts {
        writeln!(out, "  {}: {}; {}", p.name, p.records.counts(), period(p))?;
    }
    let data = CodeData::load_from(dir);
    writeln!(out, "editions in use (chosen by date of service):")?;
    for s in data.imported_sets() {
        writeln!(out, "  {}", set_line(s.edition(), s.size()))?;
    }
    for t in data.diagnosis_tables() {
        let from = t
            .edition
            .effective
            .map_or("any date".to_string(), |d| format!("from {d}"));
        writeln!(
            out,
            "  {} [{from}]: {} ICD-10-CM entries",
            t.edition.name,
            t.len()
        )?;
    }
    for t in data.addon_tables() {
        let from = t
            .edition
            .effective
            .map_or("any date".to_string(), |d| format!("from {d}"));
        writeln!(
            out,
            "  {} [{from}]: {} add-on codes",
            t.edition.name,
            t.edits.len()
        )?;
    }
    writeln!(
        out,
        "  then the embedded curated set: {}",
        counts(data.embedded_set().size())
    )?;
    Ok(())
}

fn set_line(edition: &claimls_data::Edition, size: SetSize) -> String {
    let from = edition
        .effective
        .map_or("any date".to_string(), |d| format!("from {d}"));
    format!("{} [{from}]: {}", edition.name, counts(size))
}

fn counts(s: SetSize) -> String {
    let mut counts = Vec::new();
    for (n, what) in [
        (s.codes, "codes"),
        (s.modifiers, "modifiers"),
        (s.products, "NDCs"),
        (s.diagnoses, "ICD-10-CM entries"),
        (s.places, "places of service"),
    ] {
        if n > 0 {
            counts.push(format!("{n} {what}"));
        }
    }
    if counts.is_empty() {
        return "empty".to_string();
    }
    counts.join(", ")
}

/// One official file `fetch` downloads: where CMS/CDC publish it, and its path under a mirror
/// (`--from`), laid out like `shared/refdata`.
struct Source {
    kind: PartKind,
    official: &'static str,
    mirror: &'static str,
}

const SOURCES: [Source; 7] = [
    Source {
        kind: PartKind::Hcpcs,
        official: "https://www.cms.gov/files/zip/january-2026-alpha-numeric-hcpcs-file.zip",
        mirror: "hcpcs/january-2026-alpha-numeric-hcpcs-file.zip",
    },
    Source {
        kind: PartKind::AspPricing,
        official: "https://www.cms.gov/files/zip/october-2025-asp-pricing-file.zip",
        mirror: "asp/2025-10/asp_pricing.csv",
    },
    Source {
        kind: PartKind::AspCrosswalk,
        official: "https://www.cms.gov/files/zip/october-2025-asp-ndc-hcpcs-crosswalk.zip",
        mirror: "asp/2025-10/asp_crosswalk.csv.gz",
    },
    Source {
        kind: PartKind::Mue,
        official: "https://www.cms.gov/files/zip/medicare-ncci-2026-q2-practitioner-services-mue-table.zip",
        mirror: "mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv.gz",
    },
    Source {
        kind: PartKind::Icd10Codes,
        official: "https://ftp.cdc.gov/pub/Health_Statistics/NCHS/Publications/ICD10CM/2026/icd10cm-codes-2026.txt",
        mirror: "icd10cm/fy2026-oct2025/icd10cm-codes-2026.txt.gz",
    },
    Source {
        kind: PartKind::Icd10Tabular,
        official: "https://ftp.cdc.gov/pub/Health_Statistics/NCHS/Publications/ICD10CM/2026-update/icd10cm-tabular-April-1-2026.xml",
        mirror: "icd10cm/fy2026-apr2026/icd10c-tabular-April-1-2026.xml.gz",
    },
    Source {
        kind: PartKind::PlaceOfService,
        official: "https://raw.githubusercontent.com/HL7/UTG/master/input/sourceOfTruth/external/hta/codeSystems/complete/cs-CMS-PlaceofServiceCodes.xml",
        mirror: "pos/cs-CMS-PlaceofServiceCodes.xml",
    },
];

/// Download every official file, check each is the file expected (its format recognised, every
/// record valid), and return the parts. Nothing is stored unless every file passes.
fn fetch(base: Option<&str>, out: &mut dyn Write) -> Result<Vec<Part>, DataError> {
    let mut parts = Vec::new();
    for source in &SOURCES {
        let url = match base {
            Some(b) => format!("{}/{}", b.trim_end_matches('/'), source.mirror),
            None => source.official.to_string(),
        };
        let bytes = download(&url, &FetchLimits::default())?;
        let name = url.rsplit('/').next().unwrap_or(&url).to_string();
        writeln!(out, "downloaded {url} ({} bytes)", bytes.len())?;
        let found = import::read_bytes(&url, &name, bytes)?;
        if !found.iter().any(|p| p.kind() == source.kind) {
            return Err(DataError::UnexpectedFile {
                url,
                expected: source.kind.label().to_string(),
            });
        }
        parts.extend(found);
    }
    Ok(parts)
}
