//! The imported official files on disk: one versioned binary index in the data directory
//! (`CLAIMLS_DATA_DIR`, else the platform data directory + `claimls`), written atomically (temporary
//! file + rename, synced first) so a half-written import is never read.
//!
//! The index holds the files' records (to merge the next import into, and for `data status`) and the
//! editions built from them at import: code editions with their billing units, presentations, drug
//! names and descriptor word index ([`MappedSet`]), and ICD-10-CM tables with their title word index.
//! Start-up maps the file and reads only its directory; each section is checked against its checksum
//! the first time a query reads it (see `mapped`).
//!
//! Layout: a 40-byte header (magic `CLAIMLSX`, format version u32, fingerprint of the embedded
//! curated data u64, file length u64, directory length u32, FNV-1a of fingerprint and directory u64), the
//! directory (one entry per section: kind u32, offset u64, length u64, FNV-1a u64, and a
//! length-prefixed description: the part kind, or the edition's name, dates and record counts), then
//! the sections. Strings are a u32 length and UTF-8 bytes; dates a u32 `YYYYMMDD` (0 = none); decimals
//! a presence byte and rust_decimal's 16-byte form.

pub use crate::codec::DecodeError;
use crate::codec::{Reader, Writer, corrupt, fnv1a};
use crate::import::{
    AddOnRow, Built, CrosswalkRow, HcpcsRecord, MueRow, PackedDiagnoses, Part, PartKind, PriceRow,
    Records,
};
use crate::mapped::{IndexFile, MappedSet, Section, SetCounts};
use crate::{AddOnKind, AddOnTable, Completeness, DiagnosisTable, Edition};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const MAGIC: &[u8; 8] = b"CLAIMLSX";
/// Bump when the layout changes, or what import builds into the stored editions does; an index of
/// another version is ignored (with a message to import again) until the files are imported again.
pub const FORMAT_VERSION: u32 = 5;
const HEADER_LEN: usize = 40;
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

/// The parts stored in `dir`, or `None` when nothing was imported there. Every section of the
/// index is checked, so a damaged one is reported here (`claimls data import`, `data status`).
pub fn load(dir: &Path) -> Result<Option<Vec<Part>>, StoreError> {
    let Some(index) = Index::open(dir)? else {
        return Ok(None);
    };
    index.check_all()?;
    index.parts(|_| true).map(Some)
}

/// The index of `dir` opened for queries, or `None` when nothing was imported there: the stored
/// editions are mapped, not read; the add-on code and ASP pricing parts are decoded when first asked
/// for ([`SmallParts`]).
pub fn open(dir: &Path) -> Result<Option<Opened>, StoreError> {
    let Some(index) = Index::open(dir)? else {
        return Ok(None);
    };
    index.opened().map(Some)
}

/// What [`open`] hands to `CodeData`.
pub struct Opened {
    pub editions: Editions,
    pub tables: Vec<DiagnosisTable>,
    /// The add-on code and ASP pricing parts, not yet read.
    pub small: SmallParts,
}

/// The add-on code and ASP pricing parts of a mapped index, each kind checked and decoded the first
/// time a query asks for it: a `lookup` or an editor start that needs neither reads neither.
#[derive(Clone)]
pub struct SmallParts(Index);

impl std::fmt::Debug for SmallParts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SmallParts({})", self.0.path)
    }
}

impl SmallParts {
    /// The NCCI add-on code editions, oldest first. A damaged part is reported on stderr and none is
    /// used (the embedded rows answer).
    pub fn addons(&self) -> Vec<AddOnTable> {
        let mut parts = self.decode(PartKind::AddOnCodes, "add-on codes");
        crate::import::take_addons(&mut parts)
    }

    /// The ASP pricing parts (their payment-limit quarters), the same way.
    pub fn pricing(&self) -> Vec<Part> {
        self.decode(PartKind::AspPricing, "ASP payment limits")
    }

    fn decode(&self, kind: PartKind, what: &str) -> Vec<Part> {
        match self.0.parts(|k| k == kind) {
            Ok(parts) => parts,
            Err(e) => {
                eprintln!("claimls: {e}. No imported {what} are used.");
                Vec::new()
            }
        }
    }
}

/// The code and place-of-service editions of an index.
pub enum Editions {
    /// Built at import by this claimls (same embedded curated data): read in place.
    Stored(Vec<MappedSet>),
    /// Built by a claimls with other embedded curated data: the parts to build them from again.
    ToBuild(Vec<Part>),
}

/// Write the parts as the new index of `dir`, atomically, with the editions built from them.
pub fn save(dir: &Path, parts: &[Part]) -> Result<PathBuf, StoreError> {
    let built = crate::import::build_editions(parts, &crate::embedded_set());
    save_built(dir, parts, &built)
}

/// [`save`] with the editions already built from `parts` (by `import::build_editions`).
pub fn save_built(dir: &Path, parts: &[Part], built: &Built) -> Result<PathBuf, StoreError> {
    let path = index_path(dir);
    let io = |source| StoreError::Io {
        path: dir.display().to_string(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    remove_stale_temp_files(dir);
    let bytes = encode(parts, built);
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

// ---- the file ----

/// The section kinds.
const PART: u32 = 1;
const CODE_EDITION: u32 = 2;
const ICD10_TABLE: u32 = 3;

/// Encode parts and the editions built from them as an index file.
pub fn encode(parts: &[Part], built: &Built) -> Vec<u8> {
    let mut sections: Vec<(u32, Vec<u8>, Vec<u8>)> = Vec::new();
    for part in parts {
        let mut body = Writer::default();
        encode_part(&mut body, part);
        let mut meta = Writer::default();
        meta.u8(part.kind().tag());
        sections.push((PART, meta.0, body.0));
    }
    for set in &built.sets {
        let (body, counts) = MappedSet::encode(set);
        let mut meta = Writer::default();
        edition_meta(&mut meta, &set.edition);
        meta.bool(set.complete.hcpcs);
        meta.bool(set.complete.icd10);
        meta.bool(set.complete.pricing);
        for n in [
            counts.codes,
            counts.modifiers,
            counts.products,
            counts.places,
        ] {
            meta.len(n);
        }
        // The checksums of its blocks: a lookup checks the blocks it reads, not the edition.
        let blocks = crate::mapped::block_hashes(&body);
        meta.len(blocks.len());
        for h in &blocks {
            meta.u64(*h);
        }
        sections.push((CODE_EDITION, meta.0, body));
    }
    for table in &built.tables {
        let mut meta = Writer::default();
        edition_meta(&mut meta, &table.edition);
        meta.bool(table.has_headers);
        meta.len(table.len());
        let (body, blocks) = table.encode();
        for hashes in &blocks {
            meta.len(hashes.len());
            for h in hashes {
                meta.u64(*h);
            }
        }
        sections.push((ICD10_TABLE, meta.0, body));
    }
    let mut directory = Writer::default();
    directory.len(sections.len());
    let directory_len: usize = 4 + sections.iter().map(|(_, m, _)| 32 + m.len()).sum::<usize>();
    let mut at = (HEADER_LEN + directory_len) as u64;
    for (kind, meta, body) in &sections {
        directory.u32(*kind);
        directory.u64(at);
        directory.u64(body.len() as u64);
        directory.u64(fnv1a(body));
        directory.len(meta.len());
        directory.0.extend_from_slice(meta);
        at += body.len() as u64;
    }
    let mut out = Writer::default();
    out.0.extend_from_slice(MAGIC);
    out.u32(FORMAT_VERSION);
    out.u64(crate::embedded::fingerprint());
    out.u64(at);
    out.len(directory.0.len());
    out.u64(directory_hash(crate::embedded::fingerprint(), &directory.0));
    out.0.extend_from_slice(&directory.0);
    for (_, _, body) in sections {
        out.0.extend_from_slice(&body);
    }
    out.0
}

/// The checksum of the directory covers the fingerprint too (the rest of the header is checked by
/// its own rules).
fn directory_hash(fingerprint: u64, directory: &[u8]) -> u64 {
    let mut bytes = fingerprint.to_le_bytes().to_vec();
    bytes.extend_from_slice(directory);
    fnv1a(&bytes)
}

fn edition_meta(w: &mut Writer, e: &Edition) {
    w.str(&e.name);
    w.date(e.effective);
    w.date(e.until);
}

fn read_edition(r: &mut Reader<'_>) -> Result<Edition, DecodeError> {
    Ok(Edition {
        name: r.string()?,
        effective: r.date()?,
        until: r.date()?,
    })
}

/// One directory entry.
#[derive(Clone)]
struct Entry {
    kind: u32,
    range: std::ops::Range<usize>,
    hash: u64,
    meta: Vec<u8>,
}

/// An opened index file (read on demand, see [`IndexFile`]) and its checked directory.
#[derive(Clone)]
struct Index {
    path: String,
    file: Arc<IndexFile>,
    fingerprint: u64,
    entries: Vec<Entry>,
}

impl Index {
    fn open(dir: &Path) -> Result<Option<Index>, StoreError> {
        let path = index_path(dir);
        let shown = path.display().to_string();
        let file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(StoreError::Io {
                    path: shown,
                    source,
                });
            }
        };
        let file = IndexFile::open(file).map_err(|source| StoreError::Io {
            path: shown.clone(),
            source,
        })?;
        let (fingerprint, entries) = read_directory(&file).map_err(|e| e.at(&shown))?;
        Ok(Some(Index {
            path: shown,
            file: Arc::new(file),
            fingerprint,
            entries,
        }))
    }

    fn bytes(&self, entry: &Entry) -> &[u8] {
        self.file.get(entry.range.clone()).unwrap_or(&[])
    }

    fn damaged(&self, message: &str) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            message: message.to_string(),
        }
    }

    /// Check every section against its checksum.
    fn check_all(&self) -> Result<(), StoreError> {
        for (i, entry) in self.entries.iter().enumerate() {
            if fnv1a(self.bytes(entry)) != entry.hash {
                return Err(self.damaged(&format!("checksum mismatch in section {}", i + 1)));
            }
        }
        Ok(())
    }

    /// The parts whose kind `wanted` accepts, each checked and decoded.
    fn parts(&self, wanted: impl Fn(PartKind) -> bool) -> Result<Vec<Part>, StoreError> {
        let mut parts = Vec::new();
        for entry in self.entries.iter().filter(|e| e.kind == PART) {
            let kind = entry
                .meta
                .first()
                .and_then(|t| PartKind::from_tag(*t))
                .ok_or_else(|| self.damaged("unknown part kind"))?;
            if !wanted(kind) {
                continue;
            }
            let bytes = self.bytes(entry);
            if fnv1a(bytes) != entry.hash {
                return Err(self.damaged("checksum mismatch"));
            }
            let part =
                crate::codec::decode_all(bytes, decode_part).map_err(|e| e.at(&self.path))?;
            if part.kind() != kind {
                return Err(self.damaged("a part is not of the kind its entry names"));
            }
            parts.push(part);
        }
        Ok(parts)
    }

    fn section(&self, entry: &Entry, label: &str) -> Arc<Section> {
        Arc::new(Section::mapped(
            self.file.clone(),
            entry.range.clone(),
            entry.hash,
            format!("{} ({label})", self.path),
        ))
    }

    fn opened(self) -> Result<Opened, StoreError> {
        let mut tables = Vec::new();
        let mut sets = Vec::new();
        for entry in &self.entries {
            let mut meta = Reader::new(&entry.meta);
            match entry.kind {
                CODE_EDITION => {
                    let (edition, complete, counts, blocks) =
                        read_set_meta(&mut meta).map_err(|e| e.at(&self.path))?;
                    let section = Arc::new(Section::mapped_in_blocks(
                        self.file.clone(),
                        entry.range.clone(),
                        entry.hash,
                        blocks,
                        format!("{} ({})", self.path, edition.name),
                    ));
                    sets.push(MappedSet::open(edition, complete, counts, section));
                }
                ICD10_TABLE => {
                    let edition = read_edition(&mut meta).map_err(|e| e.at(&self.path))?;
                    let (has_headers, len, blocks) =
                        read_table_meta(&mut meta).map_err(|e| e.at(&self.path))?;
                    let section = self.section(entry, &edition.name);
                    tables.push(DiagnosisTable::stored(
                        edition,
                        has_headers,
                        len,
                        blocks,
                        section,
                    ));
                }
                _ => {}
            }
        }
        tables.sort_by_key(|t| t.edition.effective);
        let editions = if self.fingerprint == crate::embedded::fingerprint() {
            Editions::Stored(sets)
        } else {
            eprintln!(
                "claimls: {}: the code editions were built by a claimls with other curated data; \
                 building them at each start until you run `claimls data import` again",
                self.path
            );
            let parts = self.parts(|k| {
                !matches!(
                    k,
                    PartKind::AddOnCodes | PartKind::Icd10Codes | PartKind::Icd10Tabular
                )
            })?;
            Editions::ToBuild(parts)
        };
        Ok(Opened {
            editions,
            tables,
            small: SmallParts(self),
        })
    }
}

fn read_table_meta(r: &mut Reader<'_>) -> Result<(bool, usize, [Vec<u64>; 3]), DecodeError> {
    let has_headers = r.bool()?;
    let len = r.u32()? as usize;
    let mut blocks = [Vec::new(), Vec::new(), Vec::new()];
    for hashes in &mut blocks {
        *hashes = r.list(|r| r.u64())?;
    }
    Ok((has_headers, len, blocks))
}

fn read_set_meta(
    r: &mut Reader<'_>,
) -> Result<(Edition, Completeness, SetCounts, Vec<u64>), DecodeError> {
    let edition = read_edition(r)?;
    let complete = Completeness {
        hcpcs: r.bool()?,
        icd10: r.bool()?,
        pricing: r.bool()?,
    };
    let counts = SetCounts {
        codes: r.u32()? as usize,
        modifiers: r.u32()? as usize,
        products: r.u32()? as usize,
        places: r.u32()? as usize,
    };
    let blocks = r.list(|r| r.u64())?;
    Ok((edition, complete, counts, blocks))
}

/// The header and directory: the format version first (so another version is told as such), then
/// the length (a truncated file), the directory's checksum, and that every section lies in the file.
fn read_directory(file: &IndexFile) -> Result<(u64, Vec<Entry>), DecodeError> {
    let unreadable = || corrupt("the file cannot be read");
    let file_size = file.len();
    if file_size < 12 || file.get(0..8).ok_or_else(unreadable)? != MAGIC {
        return Err(corrupt("not a claimls index"));
    }
    let version = Reader::new(file.get(8..12).ok_or_else(unreadable)?).u32()?;
    if version != FORMAT_VERSION {
        return Err(DecodeError::Version(version));
    }
    if file_size < HEADER_LEN {
        return Err(corrupt("the file is truncated"));
    }
    let mut head = Reader::new(file.get(12..HEADER_LEN).ok_or_else(unreadable)?);
    let fingerprint = head.u64()?;
    let file_len = head.u64()?;
    let directory_len = head.u32()? as usize;
    let directory_hash = head.u64()?;
    if file_size as u64 != file_len {
        return Err(corrupt(if (file_size as u64) < file_len {
            "the file is truncated"
        } else {
            "trailing bytes after the last section"
        }));
    }
    let directory = HEADER_LEN
        .checked_add(directory_len)
        .filter(|end| *end <= file_size)
        .ok_or_else(|| corrupt("the directory runs past the end"))
        .and_then(|end| file.get(HEADER_LEN..end).ok_or_else(unreadable))?;
    if self::directory_hash(fingerprint, directory) != directory_hash {
        return Err(corrupt("checksum mismatch in the directory"));
    }
    let mut r = Reader::new(directory);
    let entries = r.list(|r| {
        let kind = r.u32()?;
        let offset = usize::try_from(r.u64()?).map_err(|_| corrupt("bad offset"))?;
        let len = usize::try_from(r.u64()?).map_err(|_| corrupt("bad length"))?;
        let hash = r.u64()?;
        let meta_len = r.u32()? as usize;
        let meta = r.take(meta_len)?.to_vec();
        let end = offset
            .checked_add(len)
            .filter(|end| *end <= file_size && offset >= HEADER_LEN + directory_len)
            .ok_or_else(|| corrupt("a section lies outside the file"))?;
        Ok(Entry {
            kind,
            range: offset..end,
            hash,
            meta,
        })
    })?;
    if !r.at_end() {
        return Err(corrupt("trailing bytes after the directory"));
    }
    Ok((fingerprint, entries))
}

// ---- parts ----

fn encode_part(body: &mut Writer, p: &Part) {
    body.u8(p.kind().tag());
    body.str(&p.name);
    body.str(&p.source);
    body.date(p.effective);
    body.date(p.until);
    match &p.records {
        Records::Hcpcs { codes, modifiers } => {
            write_hcpcs(body, codes);
            write_hcpcs(body, modifiers);
        }
        Records::AspPricing(rows) => {
            body.len(rows.len());
            for r in rows {
                body.str(&r.code);
                body.str(&r.short_description);
                body.str(&r.dosage);
                body.decimal(r.payment_limit);
            }
        }
        Records::AspCrosswalk(rows) => {
            body.len(rows.len());
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
            body.len(rows.len());
            for r in rows {
                body.str(&r.code);
                body.u32(r.value);
                body.u8(r.indicator);
            }
        }
        Records::Icd10Codes(packed) | Records::Icd10Tabular(packed) => {
            body.str(packed.text());
            body.len(packed.offsets().len());
            for o in packed.offsets() {
                body.u32(*o);
            }
        }
        Records::PlaceOfService(rows) => {
            body.len(rows.len());
            for (code, name) in rows {
                body.str(code);
                body.str(name);
            }
        }
        Records::AddOns(rows) => {
            body.len(rows.len());
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

fn write_hcpcs(w: &mut Writer, records: &[HcpcsRecord]) {
    w.len(records.len());
    for r in records {
        w.str(&r.code);
        w.str(&r.long_description);
        w.str(&r.short_description);
        w.date(r.added);
        w.date(r.action_effective);
        w.date(r.terminated);
        w.str(&r.cross_reference.join(" "));
    }
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

fn decode_part(r: &mut Reader<'_>) -> Result<Part, DecodeError> {
    let tag = r.u8()?;
    let kind = PartKind::from_tag(tag).ok_or_else(|| corrupt("unknown part kind"))?;
    let name = r.string()?;
    let source = r.string()?;
    let effective = r.date()?;
    let until = r.date()?;
    let records = match kind {
        PartKind::Hcpcs => Records::Hcpcs {
            codes: read_hcpcs(r)?,
            modifiers: read_hcpcs(r)?,
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
        PartKind::Icd10Codes => Records::Icd10Codes(read_packed(r)?),
        PartKind::Icd10Tabular => Records::Icd10Tabular(read_packed(r)?),
        PartKind::PlaceOfService => {
            Records::PlaceOfService(r.list(|r| Ok((r.string()?, r.string()?)))?)
        }
        PartKind::AddOnCodes => Records::AddOns(r.list(|r| {
            let kind = match r.u8()? {
                1 => AddOnKind::Listed,
                2 => AddOnKind::ContractorDefined,
                3 => AddOnKind::ListedAndContractor,
                _ => return Err(corrupt("bad add-on edit type")),
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
    Ok(Part {
        name,
        source,
        effective,
        until,
        records,
    })
}

fn read_hcpcs(r: &mut Reader<'_>) -> Result<Vec<HcpcsRecord>, DecodeError> {
    r.list(|r| {
        Ok(HcpcsRecord {
            code: r.string()?,
            long_description: r.string()?,
            short_description: r.string()?,
            added: r.date()?,
            action_effective: r.date()?,
            terminated: r.date()?,
            cross_reference: r.str()?.split_whitespace().map(str::to_string).collect(),
        })
    })
}

fn read_packed(r: &mut Reader<'_>) -> Result<PackedDiagnoses, DecodeError> {
    let text = r.string()?;
    let n = r.u32()? as usize;
    let raw = r.take(n.checked_mul(4).ok_or_else(|| corrupt("bad count"))?)?;
    let offsets = raw
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    PackedDiagnoses::from_parts(text, offsets).map_err(DecodeError::Corrupt)
}
