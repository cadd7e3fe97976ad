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
mod pos;
mod progress;

pub use billing_unit::{parse_billing_unit, parse_dosage};
pub use edition::{Built, build_editions, build_sets, take_tables};

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
}

impl PartKind {
    pub const ALL: [PartKind; 7] = [
        PartKind::Hcpcs,
        PartKind::AspPricing,
        PartKind::AspCrosswalk,
        PartKind::Mue,
        PartKind::Icd10Codes,
        PartKind::Icd10Tabular,
        PartKind::PlaceOfService,
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
                              an ICD-10-CM codes txt or tabular XML, or the place-of-service code system"
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
    let display = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        file: display.clone(),
        source,
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| display.clone());
    read_bytes(&display, &name, bytes)
}

/// Read file content already in memory; `display` names it in errors, `name` is its file name (used
/// for the edition when the content carries no date).
pub fn read_bytes(display: &str, name: &str, bytes: Vec<u8>) -> Result<Vec<Part>, ImportError> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(bytes.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| ImportError::Unrecognised {
                file: display.to_string(),
                message: format!("the gzip data is damaged or truncated ({e}); download it again"),
            })?;
        let inner = name.strip_suffix(".gz").unwrap_or(name);
        return read_bytes(display, inner, out);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return read_zip(display, bytes);
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

fn read_zip(display: &str, bytes: Vec<u8>) -> Result<Vec<Part>, ImportError> {
    let damaged = |e: zip::result::ZipError| ImportError::Unrecognised {
        file: display.to_string(),
        message: format!("the zip archive is damaged or truncated ({e}); download it again"),
    };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(damaged)?;
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let mut member = archive.by_index(i).map_err(damaged)?;
        if member.is_dir() {
            continue;
        }
        let member_name = member.name().to_string();
        let lower = member_name.to_ascii_lowercase();
        // Spreadsheets duplicate the txt/csv members; claimls reads the text forms.
        if lower.ends_with(".xlsx") || lower.ends_with(".xls") || lower.ends_with(".pdf") {
            continue;
        }
        let mut content = Vec::new();
        member
            .read_to_end(&mut content)
            .map_err(|e| ImportError::Unrecognised {
                file: format!("{display}:{member_name}"),
                message: format!("cannot unpack this member ({e}); download the archive again"),
            })?;
        let short = member_name
            .rsplit('/')
            .next()
            .unwrap_or(&member_name)
            .to_string();
        parts.extend(read_bytes(
            &format!("{display}:{member_name}"),
            &short,
            content,
        )?);
    }
    Ok(parts)
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
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let w = word.to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| w.starts_with(m))
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
