//! The imported official files on disk: one versioned, compact binary index in the data directory
//! (`CLAIMLS_DATA_DIR`, else the platform data directory + `claimls`), written atomically (temporary
//! file + rename) so a half-written import is never read.
//!
//! Layout: magic `CLAIMLSX`, format version (u32 LE), body length (u64 LE), FNV-1a 64 hash (over 8-byte words) of the body
//! (u64 LE), then the body: a part count and each part (kind tag, name, source file, effective and
//! until dates, its records; HCPCS cross-references as one space-separated string). Strings are a u32 length and UTF-8 bytes; dates a u32 `YYYYMMDD` (0 = none);
//! decimals a presence byte and rust_decimal's 16-byte form.

use crate::AddOnKind;
use crate::import::{
    AddOnRow, CrosswalkRow, HcpcsRecord, MueRow, PackedDiagnoses, Part, PartKind, PriceRow, Records,
};
use claimls_model::Date;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"CLAIMLSX";
/// Bump when the layout changes; an index of another version is ignored (with a message) until the
/// files are imported again.
pub const FORMAT_VERSION: u32 = 3;
const INDEX_FILE: &str = "index.bin";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: the code-data index is damaged ({message}); run `claimls data import` again")]
    Corrupt { path: String, message: String },
    #[error(
        "{path}: the code-data index has format version {found}, this claimls reads version {expected}; run `claimls data import` again"
    )]
    Version {
        path: String,
        found: u32,
        expected: u32,
    },
}

/// The data directory: `CLAIMLS_DATA_DIR`, else the platform data directory + `claimls`.
pub fn data_dir() -> Option<PathBuf> {
    match std::env::var_os("CLAIMLS_DATA_DIR") {
        Some(d) if !d.is_empty() => Some(PathBuf::from(d)),
        _ => dirs::data_dir().map(|d| d.join("claimls")),
    }
}

pub fn index_path(dir: &Path) -> PathBuf {
    dir.join(INDEX_FILE)
}

/// A cheap value that changes whenever a new index is written (modification time and size of the
/// index file); 0 when there is none. The language server polls it to pick up a new import.
pub fn generation(dir: &Path) -> u64 {
    let Ok(meta) = std::fs::metadata(index_path(dir)) else {
        return 0;
    };
    let nanos = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    nanos ^ meta.len().rotate_left(48) | 1
}

/// The parts stored in `dir`, or `None` when nothing was imported there.
pub fn load(dir: &Path) -> Result<Option<Vec<Part>>, StoreError> {
    let path = index_path(dir);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(StoreError::Io {
                path: path.display().to_string(),
                source,
            });
        }
    };
    decode(&bytes)
        .map(Some)
        .map_err(|e| e.at(&path.display().to_string()))
}

/// Write the parts as the new index of `dir`, atomically.
pub fn save(dir: &Path, parts: &[Part]) -> Result<PathBuf, StoreError> {
    let path = index_path(dir);
    let io = |source| StoreError::Io {
        path: dir.display().to_string(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    remove_stale_temp_files(dir);
    let bytes = encode(parts);
    let tmp = dir.join(format!(".{INDEX_FILE}.{}.tmp", std::process::id()));
    let written = write_synced(&tmp, &bytes).and_then(|()| std::fs::rename(&tmp, &path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    // The rename itself is durable once the directory is synced (not possible on every platform).
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(path)
}

/// Write a file and sync it to disk, so the rename that follows never exposes a half-written index
/// after a crash.
fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Temporary index files left by an import that was killed before its rename
/// (`.index.bin.<pid>.tmp`): removed before a new one is written. Only files of that exact pattern
/// are touched, and not one still being written by a running import.
pub fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{INDEX_FILE}.");
    let ours = format!(".{INDEX_FILE}.{}.tmp", std::process::id());
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(pid) = name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
        else {
            continue;
        };
        if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if name == ours || !import_running(pid, &entry) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The stored parts with new ones added: a new part replaces a stored one of the same kind and
/// effective date (the same file imported again, or a corrected copy).
pub fn merge(stored: Vec<Part>, new: Vec<Part>) -> Vec<Part> {
    let mut out: Vec<Part> = stored
        .into_iter()
        .filter(|s| {
            !new.iter()
                .any(|n| n.kind() == s.kind() && n.effective == s.effective)
        })
        .collect();
    for n in new {
        out.retain(|o| !(o.kind() == n.kind() && o.effective == n.effective));
        out.push(n);
    }
    out.sort_by_key(|a| (a.kind(), a.effective));
    out
}

/// Whether the import that owns a temporary file may still be writing it: its process is alive
/// (where `/proc` tells), else the file was modified in the last minute.
fn import_running(pid: &str, entry: &std::fs::DirEntry) -> bool {
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        return proc.join(pid).exists();
    }
    entry
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age < std::time::Duration::from_secs(60))
}

// ---- encoding ----

pub fn encode(parts: &[Part]) -> Vec<u8> {
    let mut body = Writer::default();
    body.u32(parts.len() as u32);
    for p in parts {
        body.u8(p.kind().tag());
        body.str(&p.name);
        body.str(&p.source);
        body.date(p.effective);
        body.date(p.until);
        match &p.records {
            Records::Hcpcs { codes, modifiers } => {
                body.hcpcs(codes);
                body.hcpcs(modifiers);
            }
            Records::AspPricing(rows) => {
                body.u32(rows.len() as u32);
                for r in rows {
                    body.str(&r.code);
                    body.str(&r.short_description);
                    body.str(&r.dosage);
                    body.decimal(r.payment_limit);
                }
            }
            Records::AspCrosswalk(rows) => {
                body.u32(rows.len() as u32);
                for r in rows {
                    body.str(&r.code);
                    body.str(&r.labeler);
                    body.str(&r.ndc);
                    body.str(&r.drug_name);
                    body.str(&r.dosage);
                    body.decimal(r.package_size);
                    body.decimal(r.package_quantity);
                    body.decimal(r.billing_units);
                    body.decimal(r.billing_units_per_package);
                }
            }
            Records::Mue(rows) => {
                body.u32(rows.len() as u32);
                for r in rows {
                    body.str(&r.code);
                    body.u32(r.value);
                    body.u8(r.indicator);
                }
            }
            Records::Icd10Codes(packed) | Records::Icd10Tabular(packed) => {
                body.str(packed.text());
                body.u32(packed.offsets().len() as u32);
                for o in packed.offsets() {
                    body.u32(*o);
                }
            }
            Records::PlaceOfService(rows) => {
                body.u32(rows.len() as u32);
                for (code, name) in rows {
                    body.str(code);
                    body.str(name);
                }
            }
            Records::AddOns(rows) => {
                body.u32(rows.len() as u32);
                for r in rows {
                    body.u8(match r.kind {
                        AddOnKind::Listed => 1,
                        AddOnKind::ContractorDefined => 2,
                        AddOnKind::ListedAndContractor => 3,
                    });
                    body.str(&r.addon);
                    body.date(r.addon_deleted);
                    body.str(&r.primary);
                    body.date(r.primary_deleted);
                    body.date(r.effective);
                    body.date(r.deleted);
                    body.str(r.note.as_deref().unwrap_or(""));
                }
            }
        }
    }
    let body = body.0;
    let mut out = Vec::with_capacity(body.len() + 28);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&fnv1a(&body).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.0.extend_from_slice(s.as_bytes());
    }
    fn date(&mut self, d: Option<Date>) {
        let v = d.map_or(0, |d| {
            (d.year.max(0) as u32) * 10_000 + u32::from(d.month) * 100 + u32::from(d.day)
        });
        self.u32(v);
    }
    fn decimal(&mut self, d: Option<Decimal>) {
        match d {
            Some(d) => {
                self.u8(1);
                self.0.extend_from_slice(&d.serialize());
            }
            None => self.u8(0),
        }
    }
    fn hcpcs(&mut self, records: &[HcpcsRecord]) {
        self.u32(records.len() as u32);
        for r in records {
            self.str(&r.code);
            self.str(&r.long_description);
            self.str(&r.short_description);
            self.date(r.added);
            self.date(r.action_effective);
            self.date(r.terminated);
            self.str(&r.cross_reference.join(" "));
        }
    }
}

/// FNV-1a over 8-byte words (then the tail bytes): catches damaged or truncated files, fast enough
/// to run on every load.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut a = [0u8; 8];
        a.copy_from_slice(w);
        h ^= u64::from_le_bytes(a);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    for b in words.remainder() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

// ---- decoding ----

/// A decoding failure before the file name is known.
#[derive(Debug)]
pub enum DecodeError {
    Corrupt(String),
    Version(u32),
}

impl DecodeError {
    fn at(self, path: &str) -> StoreError {
        match self {
            DecodeError::Corrupt(message) => StoreError::Corrupt {
                path: path.to_string(),
                message,
            },
            DecodeError::Version(found) => StoreError::Version {
                path: path.to_string(),
                found,
                expected: FORMAT_VERSION,
            },
        }
    }
}

pub fn decode(bytes: &[u8]) -> Result<Vec<Part>, DecodeError> {
    let corrupt = |m: &str| DecodeError::Corrupt(m.to_string());
    if bytes.len() < 28 || &bytes[..8] != MAGIC {
        return Err(corrupt("not a claimls index"));
    }
    let mut head = Reader {
        bytes: &bytes[8..28],
        pos: 0,
    };
    let version = head.u32()?;
    if version != FORMAT_VERSION {
        return Err(DecodeError::Version(version));
    }
    let len = head.u64()?;
    let hash = head.u64()?;
    let body = &bytes[28..];
    if body.len() as u64 != len {
        return Err(corrupt("the file is truncated"));
    }
    if fnv1a(body) != hash {
        return Err(corrupt("checksum mismatch"));
    }
    let mut r = Reader {
        bytes: body,
        pos: 0,
    };
    let count = r.u32()?;
    let mut parts = Vec::new();
    for _ in 0..count {
        let tag = r.u8()?;
        let kind = PartKind::from_tag(tag).ok_or_else(|| corrupt("unknown part kind"))?;
        let name = r.string()?;
        let source = r.string()?;
        let effective = r.date()?;
        let until = r.date()?;
        let records = match kind {
            PartKind::Hcpcs => Records::Hcpcs {
                codes: r.hcpcs()?,
                modifiers: r.hcpcs()?,
            },
            PartKind::AspPricing => Records::AspPricing(r.list(|r| {
                Ok(PriceRow {
                    code: r.string()?,
                    short_description: r.string()?,
                    dosage: r.string()?,
                    payment_limit: r.decimal()?,
                })
            })?),
            PartKind::AspCrosswalk => Records::AspCrosswalk(r.list(|r| {
                Ok(CrosswalkRow {
                    code: r.string()?,
                    labeler: r.string()?,
                    ndc: r.string()?,
                    drug_name: r.string()?,
                    dosage: r.string()?,
                    package_size: r.decimal()?,
                    package_quantity: r.decimal()?,
                    billing_units: r.decimal()?,
                    billing_units_per_package: r.decimal()?,
                })
            })?),
            PartKind::Mue => Records::Mue(r.list(|r| {
                Ok(MueRow {
                    code: r.string()?,
                    value: r.u32()?,
                    indicator: r.u8()?,
                })
            })?),
            PartKind::Icd10Codes => Records::Icd10Codes(r.packed()?),
            PartKind::Icd10Tabular => Records::Icd10Tabular(r.packed()?),
            PartKind::PlaceOfService => {
                Records::PlaceOfService(r.list(|r| Ok((r.string()?, r.string()?)))?)
            }
            PartKind::AddOnCodes => Records::AddOns(r.list(|r| {
                let kind = match r.u8()? {
                    1 => AddOnKind::Listed,
                    2 => AddOnKind::ContractorDefined,
                    3 => AddOnKind::ListedAndContractor,
                    _ => return Err(DecodeError::Corrupt("bad add-on edit type".into())),
                };
                Ok(AddOnRow {
                    kind,
                    addon: r.string()?,
                    addon_deleted: r.date()?,
                    primary: r.string()?,
                    primary_deleted: r.date()?,
                    effective: r.date()?,
                    deleted: r.date()?,
                    note: Some(r.string()?).filter(|n| !n.is_empty()),
                })
            })?),
        };
        parts.push(Part {
            name,
            source,
            effective,
            until,
            records,
        });
    }
    if r.pos != body.len() {
        return Err(corrupt("trailing bytes after the last part"));
    }
    Ok(parts)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or_else(|| DecodeError::Corrupt("a record runs past the end".into()))?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, DecodeError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, DecodeError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
    fn string(&mut self) -> Result<String, DecodeError> {
        let n = self.u32()? as usize;
        let b = self.take(n)?;
        String::from_utf8(b.to_vec())
            .map_err(|_| DecodeError::Corrupt("a text is not UTF-8".into()))
    }
    fn date(&mut self) -> Result<Option<Date>, DecodeError> {
        let v = self.u32()?;
        if v == 0 {
            return Ok(None);
        }
        let y = i32::try_from(v / 10_000).unwrap_or(0);
        let m = u8::try_from(v / 100 % 100).unwrap_or(0);
        let d = u8::try_from(v % 100).unwrap_or(0);
        Date::new(y, m, d)
            .map(Some)
            .ok_or_else(|| DecodeError::Corrupt(format!("invalid date {v}")))
    }
    fn decimal(&mut self) -> Result<Option<Decimal>, DecodeError> {
        match self.u8()? {
            0 => Ok(None),
            1 => {
                let b = self.take(16)?;
                let mut a = [0u8; 16];
                a.copy_from_slice(b);
                Ok(Some(Decimal::deserialize(a)))
            }
            _ => Err(DecodeError::Corrupt("bad decimal marker".into())),
        }
    }
    fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Reader<'a>) -> Result<T, DecodeError>,
    ) -> Result<Vec<T>, DecodeError> {
        let n = self.u32()? as usize;
        // Each record takes at least 4 bytes: do not trust a damaged count for the allocation.
        let mut out = Vec::with_capacity(n.min(self.bytes.len().saturating_sub(self.pos) / 4));
        for _ in 0..n {
            out.push(item(self)?);
        }
        Ok(out)
    }
    fn hcpcs(&mut self) -> Result<Vec<HcpcsRecord>, DecodeError> {
        self.list(|r| {
            Ok(HcpcsRecord {
                code: r.string()?,
                long_description: r.string()?,
                short_description: r.string()?,
                added: r.date()?,
                action_effective: r.date()?,
                terminated: r.date()?,
                cross_reference: r.string()?.split_whitespace().map(str::to_string).collect(),
            })
        })
    }
    fn packed(&mut self) -> Result<PackedDiagnoses, DecodeError> {
        let text = self.string()?;
        let n = self.u32()? as usize;
        let raw = self.take(
            n.checked_mul(4)
                .ok_or_else(|| DecodeError::Corrupt("bad count".into()))?,
        )?;
        let offsets = raw
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        PackedDiagnoses::from_parts(text, offsets).map_err(DecodeError::Corrupt)
    }
}
