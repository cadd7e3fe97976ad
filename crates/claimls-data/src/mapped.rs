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
    Mapped {
        map: Arc<memmap2::Mmap>,
        range: Range<usize>,
    },
}

impl std::fmt::Debug for Section {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Section({}, {} bytes)", self.label, self.raw().len())
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

    /// A range of a mapped index file, to be checked against `hash` on first use.
    pub fn mapped(
        map: Arc<memmap2::Mmap>,
        range: Range<usize>,
        hash: u64,
        label: String,
    ) -> Section {
        Section {
            source: Source::Mapped { map, range },
            hash,
            checked: OnceLock::new(),
            label,
            blocks: None,
        }
    }

    /// A range of a mapped index file checked block by block against `blocks` (the checksums of
    /// its [`BLOCK`]-byte blocks, from the index directory) as reads cover them.
    pub fn mapped_in_blocks(
        map: Arc<memmap2::Mmap>,
        range: Range<usize>,
        hash: u64,
        blocks: Vec<u64>,
        label: String,
    ) -> Section {
        let mut section = Section::mapped(map, range, hash, label);
        section.blocks = Some(BlockChecks {
            checked: blocks.iter().map(|_| OnceLock::new()).collect(),
            hashes: blocks,
            warned: OnceLock::new(),
        });
        section
    }

    fn block_intact(&self, checks: &BlockChecks, raw: &[u8], b: usize) -> bool {
        let Some(slot) = checks.checked.get(b) else {
            return false;
        };
        *slot.get_or_init(|| {
            let start = b * BLOCK;
            let bytes = raw
                .get(start..(start + BLOCK).min(raw.len()))
                .unwrap_or(&[]);
            let intact = checks.hashes.get(b) == Some(&codec::fnv1a(bytes));
            if !intact {
                checks.warned.get_or_init(|| {
                    eprintln!(
                        "claimls: {}: the code-data index is damaged (checksum mismatch); run \
                         `claimls data import` again. Entries in the damaged part are not used.",
                        self.label
                    );
                });
            }
            intact
        })
    }

    /// Bytes `start..end` of the section, when the blocks they lie in (or the whole section, when
    /// it is checked whole) are intact.
    pub fn range(&self, start: usize, end: usize) -> Option<&[u8]> {
        let Some(checks) = &self.blocks else {
            return self.bytes().get(start..end);
        };
        let raw = self.raw();
        if checks.hashes.len() != raw.len().div_ceil(BLOCK) || start > end || end > raw.len() {
            return None;
        }
        let last = if end == start { start } else { end - 1 };
        (start / BLOCK..=last / BLOCK)
            .all(|b| self.block_intact(checks, raw, b))
            .then(|| &raw[start..end])
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

    fn raw(&self) -> &[u8] {
        match &self.source {
            Source::Owned(bytes) => bytes,
            Source::Mapped { map, range } => map.get(range.clone()).unwrap_or(&[]),
        }
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
            hashes,
            warned: OnceLock::new(),
        }
    }

    fn raw(&self) -> &[u8] {
        part_of(self.section.raw(), self.part)
    }

    fn block_intact(&self, raw: &[u8], b: usize) -> bool {
        let Some(slot) = self.checked.get(b) else {
            return false;
        };
        *slot.get_or_init(|| {
            let start = b * BLOCK;
            let bytes = raw
                .get(start..(start + BLOCK).min(raw.len()))
                .unwrap_or(&[]);
            let intact = self.hashes.get(b) == Some(&codec::fnv1a(bytes));
            if !intact {
                self.warned.get_or_init(|| {
                    eprintln!(
                        "claimls: {}: the code-data index is damaged (checksum mismatch); run \
                         `claimls data import` again. Entries in the damaged part are not used.",
                        self.section.label
                    );
                });
            }
            intact
        })
    }

    /// Bytes `start..end`, when every block they lie in is intact.
    pub fn range(&self, start: usize, end: usize) -> Option<&[u8]> {
        let raw = self.raw();
        if self.hashes.len() != raw.len().div_ceil(BLOCK) || start > end || end > raw.len() {
            return None;
        }
        let last = if end == start { start } else { end - 1 };
        (start / BLOCK..=last / BLOCK)
            .all(|b| self.block_intact(raw, b))
            .then(|| &raw[start..end])
    }

    pub fn len(&self) -> usize {
        self.raw().len()
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

    /// Bytes `start..end`, checked (`None` when out of range or damaged).
    pub fn range(&self, start: usize, end: usize) -> Option<&[u8]> {
        match self {
            Bytes::Blocks(blocked) => blocked.range(start, end),
            other => other.get().get(start..end),
        }
    }
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
    bytes: &'a [u8],
    n: usize,
    /// For a table in a section checked by blocks: the section and where the table starts in it,
    /// so each key and value is checked as it is read.
    checked: Option<(&'a Section, usize)>,
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
            n: if fits { n } else { 0 },
            checked: None,
        }
    }

    /// The table at `range` of a section checked by blocks: its header is checked here, each key
    /// and value when read (a damaged one reads as empty).
    fn checked(section: &'a Section, range: Range<usize>) -> Table<'a> {
        let Some(bytes) = section.raw().get(range.clone()) else {
            return Table::new(&[]);
        };
        let header = section
            .range(range.start, range.start.saturating_add(4).min(range.end))
            .and_then(|b| Reader::new(b).u32().ok())
            .and_then(|n| {
                let end = (n as usize).checked_mul(16)?.checked_add(4)?;
                (end <= bytes.len()).then_some((n as usize, end))
            });
        let Some((n, end)) = header else {
            return Table::new(&[]);
        };
        if section.range(range.start, range.start + end).is_none() {
            return Table::new(&[]);
        }
        Table {
            bytes,
            n,
            checked: Some((section, range.start)),
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
        let Some(end) = off.checked_add(len).filter(|end| *end <= self.bytes.len()) else {
            return &[];
        };
        match self.checked {
            None => &self.bytes[off..end],
            Some((section, base)) => section.range(base + off, base + end).unwrap_or(&[]),
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
    codes: Box<[OnceLock<Option<Box<Code>>>]>,
    modifiers: Box<[OnceLock<Option<Box<Modifier>>>]>,
    products: Box<[OnceLock<Option<Box<Product>>>]>,
    places: Box<[OnceLock<Option<Box<PlaceOfService>>>]>,
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

fn slots<T>(n: usize) -> Box<[OnceLock<Option<Box<T>>>]> {
    (0..n).map(|_| OnceLock::new()).collect()
}

/// A record decoded once and kept (`None` when its bytes are damaged).
fn cached<'a, T>(
    slots: &'a [OnceLock<Option<Box<T>>>],
    i: usize,
    bytes: impl FnOnce() -> &'a [u8],
    read: fn(&mut Reader<'_>) -> Result<T, DecodeError>,
) -> Option<&'a T> {
    slots
        .get(i)?
        .get_or_init(|| codec::decode_all(bytes(), read).ok().map(Box::new))
        .as_deref()
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
            codes: slots(counts.codes),
            modifiers: slots(counts.modifiers),
            products: slots(counts.products),
            places: slots(counts.places),
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
            let words =
                crate::word_index::WordIndex::from_bytes(self.section.part(DESCRIPTOR_WORDS));
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
