//! Built code editions as the index stores them: sorted tables over a byte area, read in place from
//! the memory-mapped index file (or from memory, for editions built in this process).
//!
//! A section is checked against its checksum the first time it is read, so start-up touches only the
//! sections a query needs; a section that fails the check reads as empty (the embedded set answers)
//! after one message on stderr. Every read is bounds-checked: damage never panics or reads out of
//! bounds. Records ([`Code`], [`Product`]…) are decoded the first time they are asked for and kept.
//!
//! A table is `n: u32`, then `n` entries of four `u32` (key offset, key length, value offset, value
//! length, from the table's start), sorted by key, then the keys and values.

use crate::codec::{self, DecodeError, Reader, Writer};
use crate::set::{CodeSet, Completeness};
use crate::types::*;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// The bytes of one index section, checked on first use: whole, or (when the index keeps the
/// checksums of its [`BLOCK`]-byte blocks) block by block as reads cover them.
pub(crate) struct Section {
    source: Source,
    hash: u64,
    checked: OnceLock<bool>,
    /// For the message when the check fails: `/path/index.bin (HCPCS 2026 January …)`.
    label: String,
    blocks: Option<BlockChecks>,
}

/// The checksums of a section's blocks and which were checked: a lookup hashes (and pages in) the
/// few blocks its binary search and record lie in, not the 4 MB of an edition.
struct BlockChecks {
    hashes: Vec<u64>,
    checked: Box<[OnceLock<bool>]>,
    warned: OnceLock<()>,
}

enum Source {
    Owned(Vec<u8>),
    File {
        file: Arc<IndexFile>,
        range: Range<usize>,
    },
}

/// The size of the pieces [`IndexFile`] reads: a few pages. Sections do not start on a piece
/// boundary, so a checked [`BLOCK`] is read as five pieces (up to 16 KiB more than it), in five
/// `pread`s.
const PIECE: usize = 16 * 1024;

/// The index file, read on demand in [`PIECE`]-byte pieces into anonymous memory the size of the
/// file, each piece once (kept for the life of the value): the resident memory of a query is the
/// pieces it read, nothing more.
///
/// Not a memory map of the file: Linux (6.x, ext4 and others) keeps a file just written in 2 MB
/// page-cache folios and maps a whole folio on the first touch of any byte of it, so each binary
/// search probe cost 2 MB of resident memory (a `lookup` mapped 16 MB of the index; madvise
/// `RANDOM`/`NOHUGEPAGE` do not stop it). Anonymous memory is backed a 4 KiB page at a time, only
/// once written. Reading with `pread` also means a file replaced under us (by the next import's
/// rename) is never seen half-way, and a truncated file is an error, not a `SIGBUS`.
pub(crate) struct IndexFile {
    file: std::fs::File,
    len: usize,
    /// Kept alive for `ptr`; never borrowed again after construction.
    _buf: memmap2::MmapMut,
    /// The start of `_buf` (`len` bytes). Piece `p` is written once, inside `read[p]`'s
    /// initialisation, before any slice over it is handed out; slices are handed out only over
    /// pieces whose `read` slot holds `true`.
    ptr: *mut u8,
    read: Box<[OnceLock<bool>]>,
}

// SAFETY: `ptr` points into `_buf`, owned by this value; bytes are written only once per piece, under
// that piece's `OnceLock` initialisation (one writer, no readers yet: slices are handed out only after
// the `OnceLock` completed, which orders the write before every read), and never again.
unsafe impl Sync for IndexFile {}
unsafe impl Send for IndexFile {}

impl IndexFile {
    pub fn open(file: std::fs::File) -> std::io::Result<IndexFile> {
        let len = usize::try_from(file.metadata()?.len())
            .map_err(|_| std::io::Error::other("the index file is too large"))?;
        // A zero-length anonymous map is refused by some systems; an empty file is refused by its
        // header check anyway.
        let mut buf = memmap2::MmapMut::map_anon(len.max(1))?;
        let ptr = buf.as_mut_ptr();
        Ok(IndexFile {
            file,
            len,
            _buf: buf,
            ptr,
            read: (0..len.div_ceil(PIECE)).map(|_| OnceLock::new()).collect(),
        })
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether piece `p` was read (reading it now if not); `false` after a read error.
    fn piece(&self, p: usize) -> bool {
        let Some(slot) = self.read.get(p) else {
            return false;
        };
        *slot.get_or_init(|| {
            let start = p * PIECE;
            let end = (start + PIECE).min(self.len);
            // SAFETY: `start..end` lies in the buffer (`end <= len`), and piece `p` is written
            // only here, once, before any slice over it exists (see `ptr`).
            let dest = unsafe { std::slice::from_raw_parts_mut(self.ptr.add(start), end - start) };
            read_exact_at(&self.file, dest, start as u64).is_ok()
        })
    }

    /// Bytes `range` of the file, read first if they were not; `None` when out of bounds or
    /// unreadable.
    pub fn get(&self, range: Range<usize>) -> Option<&[u8]> {
        if range.start > range.end || range.end > self.len {
            return None;
        }
        if range.start < range.end {
            let last = (range.end - 1) / PIECE;
            if !(range.start / PIECE..=last).all(|p| self.piece(p)) {
                return None;
            }
        }
        // SAFETY: in bounds (checked above), and every piece the range covers was written and is
        // never written again.
        Some(unsafe { std::slice::from_raw_parts(self.ptr.add(range.start), range.len()) })
    }
}

#[cfg(unix)]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(windows)]
fn read_exact_at(file: &std::fs::File, mut buf: &mut [u8], mut at: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, at)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

impl std::fmt::Debug for Section {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Section({}, {} bytes)", self.label, self.len())
    }
}

impl Section {
    /// Bytes built in this process: nothing to check.
    pub fn owned(bytes: Vec<u8>) -> Section {
        Section {
            hash: codec::fnv1a(&bytes),
            source: Source::Owned(bytes),
            checked: OnceLock::from(true),
            label: String::new(),
            blocks: None,
        }
    }

    /// A range of the index file, to be checked against `hash` on first use.
    pub fn mapped(file: Arc<IndexFile>, range: Range<usize>, hash: u64, label: String) -> Section {
        Section {
            source: Source::File { file, range },
            hash,
            checked: OnceLock::new(),
            label,
            blocks: None,
        }
    }

    /// A range of the index file checked block by block against `blocks` (the checksums of its
    /// [`BLOCK`]-byte blocks, from the index directory) as reads cover them.
    pub fn mapped_in_blocks(
        file: Arc<IndexFile>,
        range: Range<usize>,
        hash: u64,
        blocks: Vec<u64>,
        label: String,
    ) -> Section {
        let mut section = Section::mapped(file, range, hash, label);
        section.blocks = Some(BlockChecks {
            checked: blocks.iter().map(|_| OnceLock::new()).collect(),
            hashes: blocks,
            warned: OnceLock::new(),
        });
        section
    }

    fn block_intact(&self, checks: &BlockChecks, b: usize) -> bool {
        let Some(slot) = checks.checked.get(b) else {
            return false;
        };
        *slot.get_or_init(|| {
            let start = b * BLOCK;
            let bytes = self.raw_range(start, (start + BLOCK).min(self.len()));
            block_matches(bytes, checks.hashes.get(b), &checks.warned, &self.label)
        })
    }

    /// Bytes `start..end` of the section, when the blocks they lie in (or the whole section, when
    /// it is checked whole) are intact.
    pub fn range(&self, start: usize, end: usize) -> Option<&[u8]> {
        let Some(checks) = &self.blocks else {
            return self.bytes().get(start..end);
        };
        let len = self.len();
        if checks.hashes.len() != len.div_ceil(BLOCK) || start > end || end > len {
            return None;
        }
        let last = if end == start { start } else { end - 1 };
        if !(start / BLOCK..=last / BLOCK).all(|b| self.block_intact(checks, b)) {
            return None;
        }
        self.raw_range(start, end)
    }

    /// Where part `i` of a section laid out by [`write_parts`] lies (its header checked).
    fn part_range(&self, i: usize) -> Option<Range<usize>> {
        let count = Reader::new(self.range(0, 4)?).u32().ok()? as usize;
        if i >= count {
            return None;
        }
        let mut r = Reader::new(self.range(4 + 8 * i, 12 + 8 * i)?);
        let (off, len) = (r.u32().ok()? as usize, r.u32().ok()? as usize);
        Some(off..off.checked_add(len)?)
    }

    /// Part `i` as a sorted table whose reads are checked as they go.
    pub fn table(&self, i: usize) -> Table<'_> {
        if self.blocks.is_none() {
            return Table::new(self.part(i));
        }
        match self.part_range(i) {
            Some(range) => Table::checked(self, range),
            None => Table::new(&[]),
        }
    }

    fn len(&self) -> usize {
        match &self.source {
            Source::Owned(bytes) => bytes.len(),
            Source::File { range, .. } => range.len(),
        }
    }

    /// Bytes `start..end` of the section, unchecked (read from the file if they were not).
    fn raw_range(&self, start: usize, end: usize) -> Option<&[u8]> {
        match &self.source {
            Source::Owned(bytes) => bytes.get(start..end),
            Source::File { file, range } => {
                if start > end || end > range.len() {
                    return None;
                }
                file.get(range.start + start..range.start + end)
            }
        }
    }

    /// All the section's bytes, unchecked.
    fn raw(&self) -> &[u8] {
        self.raw_range(0, self.len()).unwrap_or(&[])
    }

    /// Whether the section's bytes match their checksum (computed once).
    pub fn is_intact(&self) -> bool {
        *self.checked.get_or_init(|| {
            let intact = codec::fnv1a(self.raw()) == self.hash;
            if !intact {
                eprintln!(
                    "claimls: {}: the code-data index is damaged (checksum mismatch); run `claimls \
                     data import` again. Using the embedded curated code data for it.",
                    self.label
                );
            }
            intact
        })
    }

    /// The checked bytes; empty when the check failed.
    pub fn bytes(&self) -> &[u8] {
        if self.is_intact() { self.raw() } else { &[] }
    }

    /// Part `i` of a section laid out by [`write_parts`], checked whole.
    pub fn part(&self, i: usize) -> &[u8] {
        if self.blocks.is_none() {
            return part_of(self.bytes(), i);
        }
        self.part_range(i)
            .and_then(|r| self.range(r.start, r.end))
            .unwrap_or(&[])
    }
}

/// A section of several parts: `count: u32`, `count` pairs (offset, length) from the start, the parts.
pub(crate) fn write_parts(parts: &[Vec<u8>]) -> Vec<u8> {
    let mut w = Writer::default();
    w.len(parts.len());
    let mut at = 4 + 8 * parts.len();
    for p in parts {
        w.len(at);
        w.len(p.len());
        at += p.len();
    }
    for p in parts {
        w.0.extend_from_slice(p);
    }
    w.0
}

fn part_of(bytes: &[u8], i: usize) -> &[u8] {
    let mut r = Reader::new(bytes);
    let Ok(count) = r.u32() else { return &[] };
    if i >= count as usize {
        return &[];
    }
    let mut r = Reader::new(bytes.get(4 + 8 * i..).unwrap_or(&[]));
    let (Ok(off), Ok(len)) = (r.u32(), r.u32()) else {
        return &[];
    };
    let (off, len) = (off as usize, len as usize);
    off.checked_add(len)
        .and_then(|end| bytes.get(off..end))
        .unwrap_or(&[])
}

/// Bytes owned here or a part of a shared section.
#[derive(Debug, Clone)]
pub(crate) enum Bytes {
    Owned(Arc<[u8]>),
    /// A part of a section checked on its own, in blocks of [`BLOCK`] bytes, each the first time a
    /// read covers it: a binary search over a large text touches a few blocks, not the text.
    Blocks(Arc<Blocked>),
}

/// The size of the blocks [`Bytes::Blocks`] checks.
pub(crate) const BLOCK: usize = 64 * 1024;

/// The checksums of a part's blocks (from the index directory, itself checked at open).
pub(crate) fn block_hashes(bytes: &[u8]) -> Vec<u64> {
    bytes.chunks(BLOCK).map(codec::fnv1a).collect()
}

#[derive(Debug)]
pub(crate) struct Blocked {
    section: Arc<Section>,
    part: usize,
    /// Where the part lies in the section (read from the section's part list on first use; an
    /// unreadable list reads as an empty part).
    at: OnceLock<Range<usize>>,
    hashes: Vec<u64>,
    checked: Box<[OnceLock<bool>]>,
    warned: OnceLock<()>,
}

impl Blocked {
    pub fn new(section: Arc<Section>, part: usize, hashes: Vec<u64>) -> Blocked {
        Blocked {
            checked: hashes.iter().map(|_| OnceLock::new()).collect(),
            section,
            part,
            at: OnceLock::new(),
            hashes,
            warned: OnceLock::new(),
        }
    }

    /// The part's place in the section, from the part list (see [`part_of`]); the block checksums
    /// catch a damaged list (the bytes it points to do not match them).
    fn at(&self) -> Range<usize> {
        self.at
            .get_or_init(|| {
                let section = &self.section;
                let count = section
                    .raw_range(0, 4)
                    .and_then(|b| Reader::new(b).u32().ok());
                let entry = count
                    .filter(|n| self.part < *n as usize)
                    .and_then(|_| section.raw_range(4 + 8 * self.part, 12 + 8 * self.part));
                let Some(entry) = entry else { return 0..0 };
                let mut r = Reader::new(entry);
                let (Ok(off), Ok(len)) = (r.u32(), r.u32()) else {
                    return 0..0;
                };
                let (off, len) = (off as usize, len as usize);
                match off.checked_add(len) {
                    Some(end) if end <= section.len() => off..end,
                    _ => 0..0,
                }
            })
            .clone()
    }

    fn block_intact(&self, at: &Range<usize>, b: usize) -> bool {
        let Some(slot) = self.checked.get(b) else {
            return false;
        };
        *slot.get_or_init(|| {
            let start = at.start + b * BLOCK;
            let end = (start + BLOCK).min(at.end);
            let bytes = self.section.raw_range(start, end);
            block_matches(bytes, self.hashes.get(b), &self.warned, &self.section.label)
        })
    }

    /// Bytes `start..end`, when every block they lie in is intact.
    pub fn range(&self, start: usize, end: usize) -> Option<&[u8]> {
        let at = self.at();
        let len = at.len();
        if self.hashes.len() != len.div_ceil(BLOCK) || start > end || end > len {
            return None;
        }
        let last = if end == start { start } else { end - 1 };
        if !(start / BLOCK..=last / BLOCK).all(|b| self.block_intact(&at, b)) {
            return None;
        }
        self.section.raw_range(at.start + start, at.start + end)
    }

    pub fn len(&self) -> usize {
        self.at().len()
    }
}

impl Bytes {
    /// All the bytes (for a blocked part: when every block is intact, else none).
    pub fn get(&self) -> &[u8] {
        match self {
            Bytes::Owned(b) => b,
            Bytes::Blocks(blocked) => blocked.range(0, blocked.len()).unwrap_or(&[]),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Bytes::Blocks(blocked) => blocked.len(),
            other => other.get().len(),
        }
    }

    /// The sorted table these bytes hold, each key and value checked as it is read (for a
    /// blocked part: a lookup checks the blocks it reads, not the part).
    pub fn table(&self) -> Table<'_> {
        match self {
            Bytes::Blocks(blocked) => Table::in_part(blocked),
            other => Table::new(other.get()),
        }
    }

    /// Bytes `start..end`, checked (`None` when out of range or damaged).
    pub fn range(&self, start: usize, end: usize) -> Option<&[u8]> {
        match self {
            Bytes::Blocks(blocked) => blocked.range(start, end),
            other => other.get().get(start..end),
        }
    }
}

/// Whether a block's bytes (`None`: not readable) match their checksum. The first damaged block of a
/// section or part says so once on stderr, naming it and what to do.
fn block_matches(
    bytes: Option<&[u8]>,
    hash: Option<&u64>,
    warned: &OnceLock<()>,
    label: &str,
) -> bool {
    let intact = bytes.is_some_and(|bytes| hash == Some(&codec::fnv1a(bytes)));
    if !intact {
        warned.get_or_init(|| {
            eprintln!(
                "claimls: {label}: the code-data index is damaged (checksum mismatch); run \
                 `claimls data import` again. Entries in the damaged part are not used."
            );
        });
    }
    intact
}

// ---- sorted tables ----

/// A sorted table being written.
#[derive(Default)]
pub(crate) struct TableWriter {
    entries: Vec<(String, Vec<u8>)>,
}

impl TableWriter {
    pub fn push(&mut self, key: &str, value: Vec<u8>) {
        self.entries.push((key.to_string(), value));
    }

    pub fn finish(mut self) -> Vec<u8> {
        self.entries.sort_by(|a, b| a.0.cmp(&b.0));
        let n = self.entries.len();
        let mut w = Writer::default();
        w.len(n);
        let mut at = 4 + 16 * n;
        for (k, v) in &self.entries {
            w.len(at);
            w.len(k.len());
            w.len(at + k.len());
            w.len(v.len());
            at += k.len() + v.len();
        }
        for (k, v) in &self.entries {
            w.0.extend_from_slice(k.as_bytes());
            w.0.extend_from_slice(v);
        }
        w.0
    }
}

/// A sorted table, read in place.
#[derive(Clone, Copy)]
pub(crate) struct Table<'a> {
    /// The whole table; for a table checked as it is read, its count and entries only.
    bytes: &'a [u8],
    /// The length of the whole table.
    size: usize,
    n: usize,
    /// For a table in bytes checked by blocks: where they are, so each key and value is checked
    /// as it is read.
    checked: Option<Checked<'a>>,
}

/// Bytes checked by blocks as they are read, that a [`Table`] lies in.
#[derive(Clone, Copy)]
enum Checked<'a> {
    /// A section, the table starting at this offset in it.
    Section(&'a Section, usize),
    /// A part, the table filling it.
    Part(&'a Blocked),
}

impl<'a> Checked<'a> {
    /// Bytes `start..end` of the table, when intact.
    fn range(self, start: usize, end: usize) -> Option<&'a [u8]> {
        match self {
            Checked::Section(section, base) => section.range(base + start, base + end),
            Checked::Part(part) => part.range(start, end),
        }
    }
}

impl<'a> Table<'a> {
    /// The table in `bytes` (already checked); a damaged header reads as an empty table.
    pub fn new(bytes: &'a [u8]) -> Table<'a> {
        let n = Reader::new(bytes).u32().map_or(0, |n| n as usize);
        let fits = n
            .checked_mul(16)
            .and_then(|s| s.checked_add(4))
            .is_some_and(|end| end <= bytes.len());
        Table {
            bytes,
            size: bytes.len(),
            n: if fits { n } else { 0 },
            checked: None,
        }
    }

    /// The table at `range` of a section checked by blocks: its header is checked here, each key
    /// and value when read (a damaged one reads as empty).
    fn checked(section: &'a Section, range: Range<usize>) -> Table<'a> {
        if range.start > range.end || range.end > section.len() {
            return Table::new(&[]);
        }
        Table::checked_in(Checked::Section(section, range.start), range.len())
    }

    /// The table filling a part checked by blocks, read the same way.
    pub fn in_part(part: &'a Blocked) -> Table<'a> {
        Table::checked_in(Checked::Part(part), part.len())
    }

    fn checked_in(checked: Checked<'a>, size: usize) -> Table<'a> {
        let header = checked
            .range(0, size.min(4))
            .and_then(|b| Reader::new(b).u32().ok())
            .and_then(|n| {
                let end = (n as usize).checked_mul(16)?.checked_add(4)?;
                (end <= size).then_some((n as usize, end))
            });
        let Some((n, end)) = header else {
            return Table::new(&[]);
        };
        let Some(bytes) = checked.range(0, end) else {
            return Table::new(&[]);
        };
        Table {
            bytes,
            size,
            n,
            checked: Some(checked),
        }
    }

    pub fn len(&self) -> usize {
        self.n
    }

    fn slice(&self, i: usize, field: usize) -> &'a [u8] {
        if i >= self.n {
            return &[];
        }
        let at = 4 + 16 * i + 8 * field;
        let mut r = Reader::new(&self.bytes[at..at + 8]);
        let (Ok(off), Ok(len)) = (r.u32(), r.u32()) else {
            return &[];
        };
        let (off, len) = (off as usize, len as usize);
        let Some(end) = off.checked_add(len).filter(|end| *end <= self.size) else {
            return &[];
        };
        match self.checked {
            None => &self.bytes[off..end],
            Some(checked) => checked.range(off, end).unwrap_or(&[]),
        }
    }

    /// The key of entry `i` (empty when damaged).
    pub fn key(&self, i: usize) -> &'a str {
        std::str::from_utf8(self.slice(i, 0)).unwrap_or("")
    }

    pub fn value(&self, i: usize) -> &'a [u8] {
        self.slice(i, 1)
    }

    /// The first entry whose key is not less than `key`.
    pub fn lower_bound(&self, key: &str) -> usize {
        let (mut lo, mut hi) = (0, self.n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.key(mid) < key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    pub fn find(&self, key: &str) -> Option<usize> {
        let i = self.lower_bound(key);
        (i < self.n && self.key(i) == key).then_some(i)
    }

    /// The entries whose key starts with `prefix`, in key order.
    pub fn prefixed(&self, prefix: &str) -> Range<usize> {
        let start = self.lower_bound(prefix);
        let mut end = start;
        while end < self.n && self.key(end).starts_with(prefix) {
            end += 1;
        }
        start..end
    }
}

/// A stored list of texts (empty when damaged).
fn str_list(bytes: &[u8]) -> Vec<&str> {
    let mut r = Reader::new(bytes);
    let Ok(n) = r.u32() else { return Vec::new() };
    let mut out = Vec::with_capacity((n as usize).min(bytes.len()));
    for _ in 0..n {
        let Ok(s) = r.str() else { return Vec::new() };
        out.push(s);
    }
    out
}

pub(crate) fn u32_at(bytes: &[u8], i: usize) -> Option<u32> {
    let b = bytes.get(i.checked_mul(4)?..i.checked_mul(4)?.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

// ---- a code edition ----

/// One imported code edition (codes, modifiers, NDC products, places of service) read in place.
#[derive(Debug)]
pub struct MappedSet {
    pub edition: Edition,
    pub complete: Completeness,
    counts: SetCounts,
    section: Arc<Section>,
    codes: Slots<Option<Box<Code>>>,
    modifiers: Slots<Option<Box<Modifier>>>,
    products: Slots<Option<Box<Product>>>,
    places: Slots<Option<Box<PlaceOfService>>>,
}

/// How many records of each kind a stored edition holds (kept in the index directory, so opening an
/// edition reads nothing of it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SetCounts {
    pub codes: usize,
    pub modifiers: usize,
    pub products: usize,
    pub places: usize,
}

// The parts of a code-edition section.
const CODES: usize = 0;
const MODIFIERS: usize = 1;
const PRODUCTS: usize = 2;
const PLACES: usize = 3;
const DRUG_NAMES: usize = 4;
const PRODUCTS_BY_CODE: usize = 5;
const DRUG_CODES: usize = 6;
const DESCRIPTOR_WORDS: usize = 7;

/// A record decoded once and kept (`None` when its bytes are damaged).
fn cached<'a, T>(
    slots: &'a Slots<Option<Box<T>>>,
    i: usize,
    bytes: impl FnOnce() -> &'a [u8],
    read: fn(&mut Reader<'_>) -> Result<T, DecodeError>,
) -> Option<&'a T> {
    slots
        .get_or_init(i, || codec::decode_all(bytes(), read).ok().map(Box::new))?
        .as_deref()
}

/// One slot per record, each set once, allocated [`Slots::CHUNK`] at a time on first use: a
/// lookup in a table of 100,000 entries allocates (and pages in) the few chunks its records lie
/// in, not a slot for every entry.
pub(crate) struct Slots<T> {
    len: usize,
    chunks: Box<[OnceLock<Chunk<T>>]>,
}

type Chunk<T> = Box<[OnceLock<T>]>;

impl<T> Slots<T> {
    const CHUNK: usize = 64;

    pub fn new(len: usize) -> Slots<T> {
        Slots {
            len,
            chunks: (0..len.div_ceil(Self::CHUNK))
                .map(|_| OnceLock::new())
                .collect(),
        }
    }

    /// Slot `i`, set by `init` if it was not; `None` when `i` is out of range.
    pub fn get_or_init(&self, i: usize, init: impl FnOnce() -> T) -> Option<&T> {
        if i >= self.len {
            return None;
        }
        let chunk = self.chunks.get(i / Self::CHUNK)?.get_or_init(|| {
            (0..Self::CHUNK.min(self.len - i / Self::CHUNK * Self::CHUNK))
                .map(|_| OnceLock::new())
                .collect()
        });
        Some(chunk.get(i % Self::CHUNK)?.get_or_init(init))
    }

    /// Slot `i` when it is set.
    pub fn get(&self, i: usize) -> Option<&T> {
        self.chunks
            .get(i / Self::CHUNK)?
            .get()?
            .get(i % Self::CHUNK)?
            .get()
    }
}

impl<T> std::fmt::Debug for Slots<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Slots({})", self.len)
    }
}

impl MappedSet {
    /// Encode a built set: its section bytes and counts.
    pub(crate) fn encode(set: &CodeSet) -> (Vec<u8>, SetCounts) {
        let mut codes = TableWriter::default();
        let mut products_by_code: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
        let mut drug_codes = TableWriter::default();
        for (key, code) in &set.codes {
            let mut w = Writer::default();
            codec::write_code(&mut w, code);
            codes.push(key, w.0);
            if code.drug.is_some() {
                drug_codes.push(key, Vec::new());
            }
        }
        let mut modifiers = TableWriter::default();
        for (key, m) in &set.modifiers {
            let mut w = Writer::default();
            codec::write_modifier(&mut w, m);
            modifiers.push(key, w.0);
        }
        let mut products = TableWriter::default();
        for (ndc, p) in &set.products {
            let mut w = Writer::default();
            codec::write_product(&mut w, p);
            products.push(ndc, w.0);
            for c in &p.codes {
                products_by_code.entry(c).or_default().push(ndc);
            }
        }
        let mut places = TableWriter::default();
        for (key, p) in &set.places {
            let mut w = Writer::default();
            codec::write_place(&mut w, p);
            places.push(key, w.0);
        }
        let mut drug_names = TableWriter::default();
        for (name, list) in &set.drug_names {
            let mut w = Writer::default();
            w.strs(list);
            drug_names.push(name, w.0);
        }
        let mut by_code = TableWriter::default();
        for (code, mut ndcs) in products_by_code {
            ndcs.sort_unstable();
            ndcs.dedup();
            let mut w = Writer::default();
            w.strs(&ndcs);
            by_code.push(code, w.0);
        }
        let words = crate::word_index::WordIndex::build(
            set.codes
                .values()
                .enumerate()
                .map(|(i, c)| (u32::try_from(i).unwrap_or(u32::MAX), c.description.as_str())),
        );
        let counts = SetCounts {
            codes: set.codes.len(),
            modifiers: set.modifiers.len(),
            products: set.products.len(),
            places: set.places.len(),
        };
        let bytes = write_parts(&[
            codes.finish(),
            modifiers.finish(),
            products.finish(),
            places.finish(),
            drug_names.finish(),
            by_code.finish(),
            drug_codes.finish(),
            words.into_bytes(),
        ]);
        (bytes, counts)
    }

    /// A set built in this process, encoded and read back the way a stored one is.
    pub fn from_set(set: &CodeSet) -> MappedSet {
        let (bytes, counts) = MappedSet::encode(set);
        MappedSet::open(
            set.edition.clone(),
            set.complete,
            counts,
            Arc::new(Section::owned(bytes)),
        )
    }

    pub(crate) fn open(
        edition: Edition,
        complete: Completeness,
        counts: SetCounts,
        section: Arc<Section>,
    ) -> MappedSet {
        MappedSet {
            edition,
            complete,
            counts,
            codes: Slots::new(counts.codes),
            modifiers: Slots::new(counts.modifiers),
            products: Slots::new(counts.products),
            places: Slots::new(counts.places),
            section,
        }
    }

    fn table(&self, part: usize) -> Table<'_> {
        self.section.table(part)
    }

    pub fn code_count(&self) -> usize {
        self.counts.codes
    }
    pub fn modifier_count(&self) -> usize {
        self.counts.modifiers
    }
    pub fn product_count(&self) -> usize {
        self.counts.products
    }
    pub fn place_count(&self) -> usize {
        self.counts.places
    }

    fn code_at(&self, i: usize) -> Option<&Code> {
        cached(
            &self.codes,
            i,
            || self.table(CODES).value(i),
            codec::read_code,
        )
    }

    /// A code by key (upper case).
    pub fn code(&self, key: &str) -> Option<&Code> {
        self.code_at(self.table(CODES).find(key)?)
    }

    pub fn modifier(&self, key: &str) -> Option<&Modifier> {
        let i = self.table(MODIFIERS).find(key)?;
        self.modifier_at(i)
    }

    fn modifier_at(&self, i: usize) -> Option<&Modifier> {
        cached(
            &self.modifiers,
            i,
            || self.table(MODIFIERS).value(i),
            codec::read_modifier,
        )
    }

    pub fn product(&self, ndc: &str) -> Option<&Product> {
        let i = self.table(PRODUCTS).find(ndc)?;
        cached(
            &self.products,
            i,
            || self.table(PRODUCTS).value(i),
            codec::read_product,
        )
    }

    pub fn place(&self, key: &str) -> Option<&PlaceOfService> {
        let i = self.table(PLACES).find(key)?;
        self.place_at(i)
    }

    fn place_at(&self, i: usize) -> Option<&PlaceOfService> {
        cached(
            &self.places,
            i,
            || self.table(PLACES).value(i),
            codec::read_place,
        )
    }

    /// All places of service, in code order.
    pub fn places(&self) -> Vec<&PlaceOfService> {
        (0..self.table(PLACES).len())
            .filter_map(|i| self.place_at(i))
            .collect()
    }

    /// All modifiers, in code order.
    pub fn modifiers(&self) -> Vec<&Modifier> {
        (0..self.table(MODIFIERS).len())
            .filter_map(|i| self.modifier_at(i))
            .collect()
    }

    /// The NDC products that crosswalk to a code, in NDC order.
    pub fn products_for_code(&self, key: &str) -> Vec<&Product> {
        let by_code = self.table(PRODUCTS_BY_CODE);
        let Some(i) = by_code.find(key) else {
            return Vec::new();
        };
        let ndcs = str_list(by_code.value(i));
        ndcs.into_iter().filter_map(|n| self.product(n)).collect()
    }

    /// Drug codes billing a lower-case generic or brand name.
    pub fn codes_named(&self, lower: &str) -> Vec<&str> {
        let names = self.table(DRUG_NAMES);
        let Some(i) = names.find(lower) else {
            return Vec::new();
        };
        str_list(names.value(i))
    }

    /// Codes with a drug, in code order.
    pub fn drug_codes(&self) -> Vec<&Code> {
        let drugs = self.table(DRUG_CODES);
        (0..drugs.len())
            .filter_map(|i| self.code(drugs.key(i)))
            .collect()
    }

    /// Completion over codes, the same hits as [`CodeSet::search_codes`] over the set this was
    /// built from: exact code, code prefix, drug or brand name prefix, descriptor word prefix.
    pub fn search_codes(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let q = query.trim();
        let upper = q.to_ascii_uppercase();
        let lower = q.to_ascii_lowercase();
        let mut hits: Vec<SearchHit> = Vec::new();
        let push = |hits: &mut Vec<SearchHit>, code: &Code, score: u32| {
            if hits.iter().all(|h| h.code != code.code) {
                hits.push(SearchHit {
                    code: code.code.clone(),
                    label: code.description.clone(),
                    score,
                });
            }
        };
        let codes = self.table(CODES);
        for i in codes.prefixed(&upper) {
            let Some(code) = self.code_at(i) else {
                continue;
            };
            push(&mut hits, code, if code.code == upper { 0 } else { 2 });
            if hits.len() >= limit {
                return hits;
            }
        }
        if lower.is_empty() {
            return hits;
        }
        let names = self.table(DRUG_NAMES);
        for i in names.prefixed(&lower) {
            let listed = str_list(names.value(i));
            for c in listed.into_iter().filter_map(|c| self.code(c)) {
                push(&mut hits, c, 3);
            }
        }
        if hits.len() < limit {
            let words = crate::word_index::Words::in_table(self.table(DESCRIPTOR_WORDS));
            for id in words.starting_with(&lower) {
                let Some(code) = self.code_at(id as usize) else {
                    continue;
                };
                push(&mut hits, code, 4);
                if hits.len() >= limit * 4 {
                    break;
                }
            }
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of `len` patterned bytes, opened as an index file.
    fn file_of(name: &str, len: usize) -> (Vec<u8>, IndexFile) {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let path =
            std::env::temp_dir().join(format!("claimls-mapped-{name}-{}.bin", std::process::id()));
        std::fs::write(&path, &bytes).expect("writes");
        let file = IndexFile::open(std::fs::File::open(&path).expect("opens")).expect("reads");
        let _ = std::fs::remove_file(&path);
        (bytes, file)
    }

    #[test]
    fn an_index_file_reads_what_is_asked_and_only_that() {
        let len = 5 * PIECE + 123;
        let (bytes, file) = file_of("ranges", len);
        assert_eq!(file.len(), len);
        assert!(
            file.read.iter().all(|p| p.get().is_none()),
            "nothing read at open"
        );
        // Across piece boundaries, at the end, empty.
        for (start, end) in [
            (0, 10),
            (PIECE - 3, PIECE + 3),
            (3 * PIECE + 1, 3 * PIECE + 2),
            (len - 5, len),
            (7, 7),
            (len, len),
        ] {
            assert_eq!(
                file.get(start..end),
                Some(&bytes[start..end]),
                "{start}..{end}"
            );
        }
        let read: Vec<usize> = (0..file.read.len())
            .filter(|p| file.read[*p].get().is_some())
            .collect();
        assert_eq!(
            read,
            vec![0, 1, 3, 5],
            "only the pieces asked for were read"
        );
        assert_eq!(file.get(0..len), Some(&bytes[..]));
        // Out of bounds, or backwards: nothing, never a panic.
        assert_eq!(file.get(len - 1..len + 1), None);
        assert_eq!(file.get(len + 1..len + 2), None);
        #[allow(clippy::reversed_empty_ranges)]
        let backwards = file.get(10..9);
        assert_eq!(backwards, None);
    }

    #[test]
    fn an_empty_index_file_opens_and_reads_nothing() {
        let (_, file) = file_of("empty", 0);
        assert_eq!(file.len(), 0);
        assert_eq!(file.get(0..0), Some(&[][..]));
        assert_eq!(file.get(0..1), None);
    }

    #[test]
    fn slots_are_set_once_and_allocated_as_used() {
        let slots: Slots<String> = Slots::new(200);
        assert_eq!(slots.get(150), None);
        assert_eq!(
            slots
                .get_or_init(150, || "a".to_string())
                .map(String::as_str),
            Some("a")
        );
        assert_eq!(
            slots
                .get_or_init(150, || "b".to_string())
                .map(String::as_str),
            Some("a"),
            "set once"
        );
        assert_eq!(slots.get(150).map(String::as_str), Some("a"));
        assert_eq!(slots.get(149), None);
        assert_eq!(
            slots
                .get_or_init(199, || "z".to_string())
                .map(String::as_str),
            Some("z"),
            "the last slot of a short last chunk"
        );
        assert_eq!(slots.get_or_init(200, || "x".to_string()), None);
        let allocated = slots.chunks.iter().filter(|c| c.get().is_some()).count();
        assert_eq!(allocated, 2, "chunks of slots 150 and 199 only");
    }
}
