//! Readers for the official CMS/CDC files as published: HCPCS Level II, ASP pricing and NDC-HCPCS
//! crosswalk, practitioner MUE, ICD-10-CM (codes file and tabular XML), place of service.
//!
//! Each reader turns one file into a [`Part`] (the file's records, its edition and dates). Parts are
//! kept in the on-disk index (`store`) and combined into editions at load time (`edition`). Formats
//! are recognised from content, not from file names; gzip and zip copies are opened transparently.

mod asp;
mod billing_unit;
mod csv;
pub(crate) mod edition;
pub mod fetch;
mod hcpcs;
mod icd10cm;
mod mue;
mod ncci;
mod pos;
mod progress;

pub use billing_unit::{parse_billing_unit, parse_dosage};
pub use edition::{Built, build_editions, build_sets, take_addons, take_tables};

pub use crate::diagnosis_table::{DiagnosisRef, PackedDiagnoses};
use claimls_model::Date;
use rust_decimal::Decimal;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why an official file could not be imported. Every variant names the file; the malformed ones name
/// the line and say what was expected there.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: cannot read it: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}, line {line}: {message}")]
    Malformed {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: {message}")]
    Unrecognised { file: String, message: String },
}

impl ImportError {
    pub(crate) fn malformed(file: &str, line: usize, message: impl Into<String>) -> ImportError {
        ImportError::Malformed {
            file: file.to_string(),
            line,
            message: message.into(),
        }
    }
}

/// Which official file a part came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PartKind {
    Hcpcs,
    AspPricing,
    AspCrosswalk,
    Mue,
    Icd10Codes,
    Icd10Tabular,
    PlaceOfService,
    /// The NCCI add-on code edits (`AOC_V2026Q2-MCR.xlsx`).
    AddOnCodes,
}

impl PartKind {
    pub const ALL: [PartKind; 8] = [
        PartKind::Hcpcs,
        PartKind::AspPricing,
        PartKind::AspCrosswalk,
        PartKind::Mue,
        PartKind::Icd10Codes,
        PartKind::Icd10Tabular,
        PartKind::PlaceOfService,
        PartKind::AddOnCodes,
    ];

    pub fn label(self) -> &'static str {
        match self {
            PartKind::Hcpcs => "HCPCS Level II",
            PartKind::AspPricing => "ASP pricing",
            PartKind::AspCrosswalk => "ASP NDC-HCPCS crosswalk",
            PartKind::Mue => "practitioner MUE",
            PartKind::Icd10Codes => "ICD-10-CM codes",
            PartKind::Icd10Tabular => "ICD-10-CM tabular",
            PartKind::PlaceOfService => "place of service",
            PartKind::AddOnCodes => "NCCI add-on code edits",
        }
    }

    pub(crate) fn tag(self) -> u8 {
        match self {
            PartKind::Hcpcs => 1,
            PartKind::AspPricing => 2,
            PartKind::AspCrosswalk => 3,
            PartKind::Mue => 4,
            PartKind::Icd10Codes => 5,
            PartKind::Icd10Tabular => 6,
            PartKind::PlaceOfService => 7,
            PartKind::AddOnCodes => 8,
        }
    }

    pub(crate) fn from_tag(tag: u8) -> Option<PartKind> {
        PartKind::ALL.into_iter().find(|k| k.tag() == tag)
    }
}

/// One HCPCS Level II procedure/supply code as the quarterly file gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct HcpcsRecord {
    pub code: String,
    pub long_description: String,
    pub short_description: String,
    pub added: Option<Date>,
    pub action_effective: Option<Date>,
    pub terminated: Option<Date>,
    /// HCPCS cross-reference codes (record layout field 15, columns 205-229, up to five): where a
    /// deleted code, or one not valid for Medicare, is crosswalked to.
    pub cross_reference: Vec<String>,
}

/// One row of the ASP payment-limit file.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceRow {
    pub code: String,
    pub short_description: String,
    /// `HCPCS Code Dosage` as written (`10 MG`).
    pub dosage: String,
    pub payment_limit: Option<Decimal>,
}

/// One row of the ASP NDC-HCPCS crosswalk.
#[derive(Debug, Clone, PartialEq)]
pub struct CrosswalkRow {
    pub code: String,
    pub labeler: String,
    /// 11 digits.
    pub ndc: String,
    pub drug_name: String,
    pub dosage: String,
    pub package_size: Option<Decimal>,
    pub package_quantity: Option<Decimal>,
    pub billing_units: Option<Decimal>,
    pub billing_units_per_package: Option<Decimal>,
}

/// One row of the practitioner MUE table.
#[derive(Debug, Clone, PartialEq)]
pub struct MueRow {
    pub code: String,
    pub value: u32,
    pub indicator: u8,
}

/// One row of the NCCI add-on code file: an add-on code and one of its primary codes.
#[derive(Debug, Clone, PartialEq)]
pub struct AddOnRow {
    pub kind: crate::AddOnKind,
    /// The add-on code (`96415`).
    pub addon: String,
    /// Last date of service of the add-on code itself, when it was deleted (`AOC_DelDT`).
    pub addon_deleted: Option<Date>,
    /// A primary code (`96413`); `CCCCC` for contractor-defined primaries.
    pub primary: String,
    /// Last date of service of the primary code, when it was deleted (`Primary_Code_DelDT`).
    pub primary_deleted: Option<Date>,
    /// First date of service of this edit (`AOC_Edit_EffDT`).
    pub effective: Option<Date>,
    /// Last date of service of this edit, when it was deleted (`AOC_Edit_DelDT`).
    pub deleted: Option<Date>,
    /// `Special_Instruction_Notes` (`96360 (Practitioner Only)`).
    pub note: Option<String>,
}

/// One ICD-10-CM entry as read: a billable code, or (tabular XML) a header.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagnosisRow {
    /// Stored key: upper case, no dot.
    pub key: String,
    pub title: String,
    pub billable: bool,
}

/// The records of one official file.
#[derive(Debug, Clone, PartialEq)]
pub enum Records {
    Hcpcs {
        codes: Vec<HcpcsRecord>,
        modifiers: Vec<HcpcsRecord>,
    },
    AspPricing(Vec<PriceRow>),
    AspCrosswalk(Vec<CrosswalkRow>),
    Mue(Vec<MueRow>),
    Icd10Codes(PackedDiagnoses),
    Icd10Tabular(PackedDiagnoses),
    PlaceOfService(Vec<(String, String)>),
    AddOns(Vec<AddOnRow>),
}

impl DiagnosisRow {
    /// Pack rows for storage and lookup.
    pub fn pack(rows: Vec<DiagnosisRow>) -> PackedDiagnoses {
        PackedDiagnoses::from_rows(rows.into_iter().map(|r| (r.key, r.title, r.billable)))
    }
}

impl Records {
    pub fn kind(&self) -> PartKind {
        match self {
            Records::Hcpcs { .. } => PartKind::Hcpcs,
            Records::AspPricing(_) => PartKind::AspPricing,
            Records::AspCrosswalk(_) => PartKind::AspCrosswalk,
            Records::Mue(_) => PartKind::Mue,
            Records::Icd10Codes(_) => PartKind::Icd10Codes,
            Records::Icd10Tabular(_) => PartKind::Icd10Tabular,
            Records::PlaceOfService(_) => PartKind::PlaceOfService,
            Records::AddOns(_) => PartKind::AddOnCodes,
        }
    }

    /// How many records the file holds (codes of a HCPCS file, rows of the others), for the sanity
    /// check against the edition it replaces.
    pub fn len(&self) -> usize {
        match self {
            Records::Hcpcs { codes, .. } => codes.len(),
            Records::AspPricing(r) => r.len(),
            Records::AspCrosswalk(r) => r.len(),
            Records::Mue(r) => r.len(),
            Records::Icd10Codes(r) | Records::Icd10Tabular(r) => r.len(),
            Records::PlaceOfService(r) => r.len(),
            Records::AddOns(r) => r.len(),
        }
    }

    /// Whether the file holds no records.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What the records are called in messages: `codes`, `payment limits`.
    pub fn noun(&self) -> &'static str {
        match self {
            Records::Hcpcs { .. } | Records::PlaceOfService(_) => "codes",
            Records::AspPricing(_) => "payment limits",
            Records::AspCrosswalk(_) => "NDC rows",
            Records::Mue(_) => "MUE rows",
            Records::Icd10Codes(_) | Records::Icd10Tabular(_) => "ICD-10-CM entries",
            Records::AddOns(_) => "add-on code edits",
        }
    }

    /// What the file holds, for the import summary: `8623 codes, 383 modifiers`.
    pub fn counts(&self) -> String {
        match self {
            Records::Hcpcs { codes, modifiers } => {
                format!("{} codes, {} modifiers", codes.len(), modifiers.len())
            }
            Records::AspPricing(r) => format!("{} payment limits", r.len()),
            Records::AspCrosswalk(r) => format!("{} NDC rows", r.len()),
            Records::Mue(r) => format!("{} MUE rows", r.len()),
            Records::Icd10Codes(r) => format!("{} billable codes", r.len()),
            Records::Icd10Tabular(r) => {
                let billable = r.iter().filter(|d| d.billable).count();
                format!("{billable} billable codes, {} headers", r.len() - billable)
            }
            Records::PlaceOfService(r) => format!("{} codes", r.len()),
            Records::AddOns(r) => {
                let mut codes: Vec<&str> = r.iter().map(|e| e.addon.as_str()).collect();
                codes.sort_unstable();
                codes.dedup();
                format!(
                    "{} add-on code edits for {} add-on codes",
                    r.len(),
                    codes.len()
                )
            }
        }
    }
}

/// One imported official file: its records and the period it is meant for.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// `HCPCS 2026 January (HCPC2026_JAN_ANWEB_01122026.txt)`.
    pub name: String,
    /// File name it was read from.
    pub source: String,
    pub effective: Option<Date>,
    pub until: Option<Date>,
    pub records: Records,
}

impl Part {
    pub fn kind(&self) -> PartKind {
        self.records.kind()
    }
}

/// The outcome of reading one path: parts found, and files skipped as not official files claimls reads.
#[derive(Debug, Default)]
pub struct Found {
    pub parts: Vec<Part>,
    pub skipped: Vec<String>,
}

/// Read official files: each path is a file or a folder (read recursively, files that are not
/// recognised are skipped and listed). A file named directly must be recognised.
pub fn read_paths(paths: &[PathBuf]) -> Result<Found, ImportError> {
    let mut found = Found::default();
    for path in paths {
        if path.is_dir() {
            read_dir(path, &mut found)?;
        } else {
            let parts = read_file(path)?;
            if parts.is_empty() {
                return Err(ImportError::Unrecognised {
                    file: path.display().to_string(),
                    message: "not an official file claimls reads: expected a HCPCS Level II file (zip or \
                              fixed-width txt), an ASP pricing or crosswalk CSV, a practitioner MUE CSV, \
                              an ICD-10-CM codes txt or tabular XML, the place-of-service code system, or the NCCI \
                              add-on code workbook"
                        .into(),
                });
            }
            found.parts.extend(parts);
        }
    }
    Ok(found)
}

fn read_dir(dir: &Path, found: &mut Found) -> Result<(), ImportError> {
    let io = |source| ImportError::Io {
        file: dir.display().to_string(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            read_dir(&path, found)?;
            continue;
        }
        let parts = read_file(&path)?;
        if parts.is_empty() {
            found.skipped.push(path.display().to_string());
        }
        found.parts.extend(parts);
    }
    Ok(())
}

/// Read one file (plain, gzip or zip). An empty result means the content is not a format claimls
/// reads; a recognised file with bad content is an error.
pub fn read_file(path: &Path) -> Result<Vec<Part>, ImportError> {
    // A file found in a folder is named by the folder's listing: escaped like any name from a file.
    let display = escaped(&path.display().to_string());
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        file: display.clone(),
        source,
    })?;
    let name = path
        .file_name()
        .map(|n| escaped(&n.to_string_lossy()))
        .unwrap_or_else(|| display.clone());
    read_bytes(&display, &name, bytes)
}

/// The most one file may unpack to, over all its gzip layers and zip members together: 64 MiB. The
/// official files unpack to 10 MB at most (the ICD-10-CM tabular XML); a file that unpacks to more is
/// refused before it is all in memory.
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;
/// How many container layers (gzip, zip) one file may nest: a zip of gzip files is two.
pub const MAX_NESTING: usize = 3;
/// Past this much unpacked data, a layer that unpacks to more than [`MAX_RATIO`] times its compressed
/// size is refused: text compresses about 10 to 30 times, a decompression bomb a thousand times.
const RATIO_CHECK_AFTER: u64 = 8 * 1024 * 1024;
const MAX_RATIO: u64 = 200;

/// What is left of the unpacking allowance of one file.
struct Unpack {
    remaining: u64,
    depth: usize,
}

/// Read file content already in memory; `display` names it in errors, `name` is its file name (used
/// for the edition when the content carries no date). Compressed content is unpacked within
/// [`MAX_UNPACKED_BYTES`] and [`MAX_NESTING`].
pub fn read_bytes(display: &str, name: &str, bytes: Vec<u8>) -> Result<Vec<Part>, ImportError> {
    let mut unpack = Unpack {
        remaining: MAX_UNPACKED_BYTES,
        depth: 0,
    };
    read_content(display, name, bytes, &mut unpack)
}

fn read_content(
    display: &str,
    name: &str,
    bytes: Vec<u8>,
    unpack: &mut Unpack,
) -> Result<Vec<Part>, ImportError> {
    let container = bytes.starts_with(&[0x1f, 0x8b]) || bytes.starts_with(b"PK\x03\x04");
    if container && unpack.depth >= MAX_NESTING {
        return Err(ImportError::Unrecognised {
            file: display.to_string(),
            message: format!(
                "compressed more than {MAX_NESTING} layers deep (zip or gzip inside each other); the \
                 official files are at most a zip of files — unpack it and import what is inside"
            ),
        });
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let consumed = std::rc::Rc::new(std::cell::Cell::new(0u64));
        let input = Counted {
            inner: bytes.as_slice(),
            count: consumed.clone(),
        };
        let decoder = flate2::read::MultiGzDecoder::new(input);
        let out = read_bounded(display, decoder, &|| consumed.get(), unpack, "gzip")?;
        let inner = name.strip_suffix(".gz").unwrap_or(name);
        unpack.depth += 1;
        let parts = read_content(display, inner, out, unpack);
        unpack.depth -= 1;
        return parts;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        unpack.depth += 1;
        let parts = read_zip(display, name, bytes, unpack);
        unpack.depth -= 1;
        return parts;
    }
    let Some(format) = detect(&bytes, name) else {
        return Ok(Vec::new());
    };
    let part = match format {
        Format::Hcpcs => hcpcs::read(display, name, &bytes)?,
        Format::AspPricing => asp::read_pricing(display, name, &bytes)?,
        Format::AspCrosswalk => asp::read_crosswalk(display, name, &bytes)?,
        Format::Mue => mue::read(display, name, &bytes)?,
        Format::Icd10Codes => icd10cm::read_codes(display, name, &bytes)?,
        Format::Icd10Tabular => icd10cm::read_tabular(display, name, &bytes)?,
        Format::PlaceOfService => pos::read(display, name, &bytes)?,
        Format::Icd10CodeList => return Ok(Vec::new()),
    };
    Ok(vec![part])
}

/// A reader that counts the bytes taken from it (the compressed input a decoder has consumed).
struct Counted<'a> {
    inner: &'a [u8],
    count: std::rc::Rc<std::cell::Cell<u64>>,
}

impl Read for Counted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Unpack a stream within what is left of the allowance, refusing a bomb as soon as it shows:
/// `compressed` tells how much compressed input has been consumed so far.
fn read_bounded(
    display: &str,
    mut reader: impl Read,
    compressed: &dyn Fn() -> u64,
    unpack: &mut Unpack,
    what: &str,
) -> Result<Vec<u8>, ImportError> {
    let mut out: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = reader
            .read(&mut chunk)
            .map_err(|e| ImportError::Unrecognised {
                file: display.to_string(),
                message: format!(
                    "the {what} data is damaged or truncated ({}); download it again",
                    escaped(&e.to_string())
                ),
            })?;
        if n == 0 {
            break;
        }
        out.extend_from_slice(&chunk[..n]);
        let total = out.len() as u64;
        let compressed = compressed();
        if total > unpack.remaining {
            return Err(too_large(display, total, compressed));
        }
        if total > RATIO_CHECK_AFTER && total / compressed.max(1) > MAX_RATIO {
            return Err(ImportError::Unrecognised {
                file: display.to_string(),
                message: format!(
                    "refused: {} of {what} data unpacked to more than {} ({}x, still growing) — a \
                     decompression bomb, not an official file",
                    megabytes(compressed),
                    megabytes(total),
                    total / compressed.max(1)
                ),
            });
        }
    }
    unpack.remaining -= out.len() as u64;
    Ok(out)
}

fn too_large(display: &str, total: u64, compressed: u64) -> ImportError {
    ImportError::Unrecognised {
        file: display.to_string(),
        message: format!(
            "refused: {} compressed unpacks to more than {} (at least {}); the official files unpack to \
             10 MB at most",
            megabytes(compressed),
            megabytes(MAX_UNPACKED_BYTES),
            megabytes(total)
        ),
    }
}

/// `1.1 MB`, `33 KB`.
fn megabytes(bytes: u64) -> String {
    if bytes < 100_000 {
        return format!("{} KB", bytes.div_ceil(1000));
    }
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn read_zip(
    display: &str,
    name: &str,
    bytes: Vec<u8>,
    unpack: &mut Unpack,
) -> Result<Vec<Part>, ImportError> {
    let damaged = |e: zip::result::ZipError| ImportError::Unrecognised {
        file: display.to_string(),
        message: format!(
            "the zip archive is damaged or truncated ({}); download it again",
            escaped(&e.to_string())
        ),
    };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).map_err(damaged)?;
    if archive.index_for_name("xl/workbook.xml").is_some() {
        return read_workbook(display, name, &mut archive, &bytes, unpack);
    }
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let member = archive.by_index(i).map_err(damaged)?;
        if member.is_dir() {
            continue;
        }
        let member_name = escaped(member.name());
        let lower = member_name.to_ascii_lowercase();
        if lower.ends_with(".pdf") {
            continue;
        }
        let file = format!("{display}:{member_name}");
        let compressed = member.compressed_size();
        if member.size() > unpack.remaining {
            return Err(too_large(&file, member.size(), compressed));
        }
        if member.size() > RATIO_CHECK_AFTER && member.size() / compressed.max(1) > MAX_RATIO {
            return Err(ImportError::Unrecognised {
                file,
                message: format!(
                    "refused: {} compressed says it unpacks to {} ({}x) — a decompression bomb, not an \
                     official file",
                    megabytes(compressed),
                    megabytes(member.size()),
                    member.size() / compressed.max(1)
                ),
            });
        }
        // The member's own sizes are checked above; what it really unpacks to is checked as it goes
        // (against its whole compressed size: a zip member cannot say how much it has consumed).
        let content = read_bounded(&file, member, &|| compressed, unpack, "zip member")?;
        let short = member_name
            .rsplit('/')
            .next()
            .unwrap_or(&member_name)
            .to_string();
        parts.extend(read_content(&file, &short, content, unpack)?);
    }
    Ok(parts)
}

/// A spreadsheet: claimls reads one, the NCCI add-on code file (recognised by its header in the
/// workbook's shared strings before the workbook is opened). Any other spreadsheet (the HCPCS zip
/// carries `.xlsx` copies of its txt members) is not read.
fn read_workbook(
    display: &str,
    name: &str,
    archive: &mut zip::ZipArchive<std::io::Cursor<&Vec<u8>>>,
    bytes: &[u8],
    unpack: &mut Unpack,
) -> Result<Vec<Part>, ImportError> {
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        if let Ok(m) = archive.by_index_raw(i) {
            declared = declared.saturating_add(m.size());
        }
    }
    if declared > unpack.remaining {
        return Err(too_large(display, declared, bytes.len() as u64));
    }
    if let Ok(strings) = archive.by_name("xl/sharedStrings.xml") {
        let compressed = strings.compressed_size();
        let mut probe = Unpack {
            remaining: unpack.remaining,
            depth: unpack.depth,
        };
        let text = read_bounded(display, strings, &|| compressed, &mut probe, "spreadsheet")?;
        if !text.windows(11).any(|w| w == b"Add-On_Code") {
            return Ok(Vec::new());
        }
    }
    unpack.remaining -= declared;
    Ok(ncci::read(display, name, bytes)?.into_iter().collect())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Hcpcs,
    AspPricing,
    AspCrosswalk,
    Mue,
    Icd10Codes,
    Icd10Tabular,
    /// The CDC list of all codes without titles: nothing the other files lack.
    Icd10CodeList,
    PlaceOfService,
}

/// Recognise a format from the first kilobytes of content.
fn detect(bytes: &[u8], name: &str) -> Option<Format> {
    let head_len = bytes.len().min(16 * 1024);
    let head = String::from_utf8_lossy(&bytes[..head_len]);
    let xml = head
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<');
    if xml && head.contains("<ICD10CM.tabular") {
        return Some(Format::Icd10Tabular);
    }
    if xml
        && head.contains("<CodeSystem")
        && (head.contains("PlaceofService") || head.contains("place-of-service"))
    {
        return Some(Format::PlaceOfService);
    }
    // CSV files: recognised by their header row, which starts a line.
    let lines: Vec<&str> = head.lines().take(40).collect();
    if lines.iter().any(|l| {
        l.starts_with("HCPCS Code,")
            && l.contains("HCPCS Code Dosage")
            && l.contains("Payment Limit")
    }) {
        return Some(Format::AspPricing);
    }
    if lines
        .iter()
        .any(|l| l.contains(",NDC2,") && l.contains("BILLUNITSPKG"))
    {
        return Some(Format::AspCrosswalk);
    }
    if lines.iter().any(|l| {
        l.starts_with("CPT Code\"") && l.contains("MUE Values")
            || l.starts_with("HCPCS/CPT Code,") && l.contains("MUE Values")
    }) {
        return Some(Format::Mue);
    }
    let first = head.lines().next().unwrap_or("");
    if hcpcs::looks_like(first) {
        return Some(Format::Hcpcs);
    }
    let mut lines = head
        .lines()
        .take(20)
        .filter(|l| !l.trim().is_empty())
        .peekable();
    lines.peek()?;
    let sample: Vec<&str> = lines.collect();
    if sample.iter().all(|l| icd10cm::looks_like_code_line(l)) {
        return Some(Format::Icd10Codes);
    }
    if name.to_ascii_lowercase().contains("code-list")
        && sample.iter().all(|l| {
            l.trim()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
    {
        return Some(Format::Icd10CodeList);
    }
    None
}

/// The 1-based line of a byte offset (an XML reader's position, a decoding error), for messages.
pub(crate) fn line_of(bytes: &[u8], offset: u64) -> usize {
    let end = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    bytes[..end].iter().filter(|b| **b == b'\n').count() + 1
}

/// Text of a UTF-8 file, or an error naming the first line that is not UTF-8.
pub(crate) fn utf8<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, ImportError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let line = line_of(bytes, e.valid_up_to() as u64);
        ImportError::malformed(
            file,
            line,
            "this line is not UTF-8 text; the file is in another encoding or damaged — use the file as \
             published by CMS/CDC",
        )
    })
}

/// The Windows-1252 text of a CMS CSV (every byte sequence decodes).
pub(crate) fn windows_1252(bytes: &[u8]) -> String {
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    text.into_owned()
}

/// A date from `October 1, 2025`.
pub(crate) fn parse_long_date(s: &str) -> Option<Date> {
    let mut words = s
        .split(|c: char| c.is_whitespace() || c == ',' || c == '"')
        .filter(|w| !w.is_empty());
    let month = month_number(words.next()?)?;
    let day: u8 = words.next()?.parse().ok()?;
    let year: i32 = words.next()?.parse().ok()?;
    Date::new(year, month, day)
}

pub(crate) fn month_number(word: &str) -> Option<u8> {
    let prefix = word.as_bytes().get(..3)?;
    crate::MONTH_NAMES
        .iter()
        .position(|m| m.as_bytes()[..3].eq_ignore_ascii_case(prefix))
        .and_then(|i| u8::try_from(i + 1).ok())
}

/// `Effective October 1, 2025 through December 31, 2025` → the two dates.
pub(crate) fn parse_effective_period(text: &str) -> Option<(Date, Option<Date>)> {
    let start = text.find("Effective ")? + "Effective ".len();
    let rest = &text[start..];
    let (from, until) = match rest.find(" through ") {
        Some(i) => (&rest[..i], Some(&rest[i + " through ".len()..])),
        None => (rest, None),
    };
    let from = parse_long_date(from)?;
    let until = until.and_then(|u| parse_long_date(u.trim_matches(|c: char| c == '"' || c == ',')));
    Some((from, until))
}

pub(crate) use progress::Progress;

/// A name or text taken from a file (a zip member name, an XML reference), made safe to print: control
/// characters (terminal escape sequences among them) and other invisible characters are written as
/// `\u{1b}`-style escapes, so nothing a file holds can drive the user's terminal.
pub fn escaped(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_control()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}
