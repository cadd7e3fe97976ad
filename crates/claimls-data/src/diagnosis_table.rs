//! Imported ICD-10-CM at full scale (about 75,000 billable codes and 23,000 headers per edition),
//! kept packed so the index loads in milliseconds: one text buffer of entries sorted by key, and the
//! offset of each entry. A [`Diagnosis`] record is made the first time a code is asked for; the word
//! index for completion by title is built once, on first use (or in the background after loading).

use super::set::icd10_dotted;
use super::types::{Diagnosis, Edition, SearchHit};
use super::word_index::{WordIndex, Words};
use crate::mapped::{Blocked, Bytes, Section, Slots, block_hashes, u32_at, write_parts};
use std::sync::{Arc, OnceLock};

/// ICD-10-CM entries packed as text: each entry is `B<key>\t<title>\n` (`B` is `1` billable, `0` a
/// header), sorted by key; `offsets` holds where each entry starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackedDiagnoses {
    text: String,
    offsets: Vec<u32>,
}

/// One packed entry, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiagnosisRef<'a> {
    /// Upper case, no dot: `G35A`.
    pub key: &'a str,
    pub title: &'a str,
    pub billable: bool,
}

impl PackedDiagnoses {
    /// Pack rows (any order; a later row with the same key replaces an earlier one).
    pub fn from_rows(rows: impl IntoIterator<Item = (String, String, bool)>) -> PackedDiagnoses {
        let mut rows: Vec<(String, String, bool)> = rows.into_iter().collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        rows.dedup_by(|later, earlier| {
            if later.0 == earlier.0 {
                std::mem::swap(later, earlier);
                true
            } else {
                false
            }
        });
        let mut text = String::with_capacity(rows.iter().map(|r| r.0.len() + r.1.len() + 3).sum());
        let mut offsets = Vec::with_capacity(rows.len());
        for (key, title, billable) in rows {
            offsets.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
            text.push(if billable { '1' } else { '0' });
            // Keys and titles never hold tabs or newlines (the readers trim them); replace any so
            // an entry always parses.
            text.push_str(&key.replace(['\t', '\n'], " "));
            text.push('\t');
            text.push_str(&title.replace(['\t', '\n'], " "));
            text.push('\n');
        }
        PackedDiagnoses { text, offsets }
    }

    /// Rebuild from the stored text and offsets, checking that every offset starts an entry (the
    /// index is checksummed; this keeps a bad offset from ever slicing mid-character).
    pub fn from_parts(text: String, offsets: Vec<u32>) -> Result<PackedDiagnoses, String> {
        let bytes = text.as_bytes();
        let mut previous: Option<usize> = None;
        for (i, &o) in offsets.iter().enumerate() {
            let o = o as usize;
            if o >= bytes.len()
                || (o > 0 && bytes[o - 1] != b'\n')
                || previous.is_some_and(|p| p >= o)
            {
                return Err(format!("ICD-10-CM entry {i} does not start an entry"));
            }
            previous = Some(o);
        }
        if !text.is_empty() && !text.ends_with('\n') {
            return Err("the ICD-10-CM entries are cut short".into());
        }
        Ok(PackedDiagnoses { text, offsets })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn offsets(&self) -> &[u32] {
        &self.offsets
    }

    pub fn len(&self) -> usize {
        self.offsets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.offsets.is_empty()
    }

    pub fn entry(&self, i: usize) -> Option<DiagnosisRef<'_>> {
        let o = *self.offsets.get(i)? as usize;
        entry_at(&self.text, o)
    }

    pub fn iter(&self) -> impl Iterator<Item = DiagnosisRef<'_>> {
        (0..self.len()).filter_map(|i| self.entry(i))
    }

    /// The index of `key` (upper case, no dot).
    pub fn find(&self, key: &str) -> Option<usize> {
        self.offsets
            .binary_search_by(|&o| key_in(self.text.as_bytes(), o as usize).cmp(key.as_bytes()))
            .ok()
    }

    /// The indexes of the entries whose key starts with `prefix`, in key order.
    pub fn prefix_range(&self, prefix: &str) -> std::ops::Range<usize> {
        let key_of = |i: usize| self.entry(i).map_or("", |e| e.key);
        let start = self
            .offsets
            .partition_point(|&o| key_in(self.text.as_bytes(), o as usize) < prefix.as_bytes());
        let mut end = start;
        while end < self.len() && key_of(end).starts_with(prefix) {
            end += 1;
        }
        start..end
    }
}

fn entry_at(text: &str, o: usize) -> Option<DiagnosisRef<'_>> {
    entry_in(text.as_bytes(), o)
}

/// The key of the entry starting at byte `o`, as bytes: what a binary search compares, so the title
/// after it is not checked for UTF-8 on every probe (the index's block checksums already vouch for
/// it). Empty where the entry is not well formed, as [`entry_in`]'s `None` is.
fn key_in(text: &[u8], o: usize) -> &[u8] {
    let Some(rest) = text.get(o..) else {
        return &[];
    };
    let Some(tab) = memchr::memchr2(b'\t', b'\n', rest) else {
        return &[];
    };
    let well_formed = rest[tab] == b'\t'
        && tab > 0
        && std::str::from_utf8(&rest[1..tab]).is_ok()
        && memchr::memchr(b'\n', &rest[tab..]).is_some();
    if well_formed { &rest[1..tab] } else { &[] }
}

/// The entry starting at byte `o` (`None` when `o` does not start a well-formed entry).
fn entry_in(text: &[u8], o: usize) -> Option<DiagnosisRef<'_>> {
    let rest = text.get(o..)?;
    let end = rest.iter().position(|b| *b == b'\n')?;
    let line = std::str::from_utf8(&rest[..end]).ok()?;
    let (head, title) = line.split_once('\t')?;
    let billable = head.starts_with('1');
    let key = head.get(1..)?;
    Some(DiagnosisRef {
        key,
        title,
        billable,
    })
}

/// An imported ICD-10-CM edition: packed entries (in memory, or read in place from the mapped
/// index), records made on demand, a word index for titles (stored in the index, or built on first
/// use for a table made in this process).
#[derive(Debug)]
pub struct DiagnosisTable {
    pub edition: Edition,
    /// From a tabular XML (headers with titles) rather than a codes file (billable codes only).
    pub has_headers: bool,
    /// The entries' text (`PackedDiagnoses` layout) and their start offsets (`u32` LE each).
    text: Bytes,
    offsets: Bytes,
    len: usize,
    records: Slots<Box<Diagnosis>>,
    words: TitleWords,
}

#[derive(Debug)]
enum TitleWords {
    Built(OnceLock<WordIndex>),
    Stored(Bytes),
}

// The parts of an ICD-10-CM section in the index.
const TEXT: usize = 0;
const OFFSETS: usize = 1;
const WORDS: usize = 2;

impl DiagnosisTable {
    pub fn new(edition: Edition, has_headers: bool, packed: PackedDiagnoses) -> DiagnosisTable {
        let len = packed.len();
        let offsets: Vec<u8> = packed
            .offsets
            .iter()
            .flat_map(|o| o.to_le_bytes())
            .collect();
        DiagnosisTable {
            edition,
            has_headers,
            text: Bytes::Owned(packed.text.into_bytes().into()),
            offsets: Bytes::Owned(offsets.into()),
            len,
            records: Slots::new(len),
            words: TitleWords::Built(OnceLock::new()),
        }
    }

    /// The section bytes the index stores for this table (entries, offsets, title words), and the
    /// checksums of each part's blocks (kept in the directory).
    pub(crate) fn encode(&self) -> (Vec<u8>, [Vec<u64>; 3]) {
        let words = match &self.words {
            TitleWords::Built(_) => self.build_words().into_bytes(),
            TitleWords::Stored(b) => b.get().to_vec(),
        };
        let text = self.text.get().to_vec();
        let offsets = self.offsets.get().to_vec();
        let blocks = [
            block_hashes(&text),
            block_hashes(&offsets),
            block_hashes(&words),
        ];
        (write_parts(&[text, offsets, words]), blocks)
    }

    /// A table stored in the index, read in place; `len` is its entry count, `blocks` the
    /// checksums of its parts' blocks (text, offsets, title words): each block is checked the first
    /// time a lookup reads it, so a binary search touches a few pages, not the table.
    pub(crate) fn stored(
        edition: Edition,
        has_headers: bool,
        len: usize,
        blocks: [Vec<u64>; 3],
        section: Arc<Section>,
    ) -> DiagnosisTable {
        let [text, offsets, words] = blocks;
        let part = |i, hashes| Bytes::Blocks(Arc::new(Blocked::new(section.clone(), i, hashes)));
        DiagnosisTable {
            edition,
            has_headers,
            text: part(TEXT, text),
            offsets: part(OFFSETS, offsets),
            len,
            records: Slots::new(len),
            words: TitleWords::Stored(part(WORDS, words)),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn entry(&self, i: usize) -> Option<DiagnosisRef<'_>> {
        if i >= self.len {
            return None;
        }
        let offset = |i: usize| {
            let at = i.checked_mul(4)?;
            u32_at(self.offsets.range(at, at + 4)?, 0)
        };
        let start = offset(i)? as usize;
        let end = match offset(i + 1) {
            Some(next) => next as usize,
            None => self.text.len(),
        };
        entry_in(self.text.range(start, end)?, 0)
    }

    /// The key of entry `i` as bytes (empty when damaged), read without its title.
    fn key_of(&self, i: usize) -> &[u8] {
        if i >= self.len {
            return &[];
        }
        let at = i * 4;
        let start = self.offsets.range(at, at + 4).and_then(|b| u32_at(b, 0));
        let end = self
            .offsets
            .range(at + 4, at + 8)
            .and_then(|b| u32_at(b, 0))
            .map_or(self.text.len(), |n| n as usize);
        start
            .and_then(|start| self.text.range(start as usize, end))
            .map_or(&[], |b| key_in(b, 0))
    }

    /// The index of `key` (upper case, no dot).
    fn find(&self, key: &str) -> Option<usize> {
        let i = self.lower_bound(key);
        (i < self.len && self.key_of(i) == key.as_bytes()).then_some(i)
    }

    fn lower_bound(&self, key: &str) -> usize {
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.key_of(mid) < key.as_bytes() {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The indexes of the entries whose key starts with `prefix`, in key order.
    fn prefix_range(&self, prefix: &str) -> std::ops::Range<usize> {
        let start = self.lower_bound(prefix);
        let mut end = start;
        while end < self.len && self.key_of(end).starts_with(prefix.as_bytes()) {
            end += 1;
        }
        start..end
    }

    fn record(&self, i: usize) -> Option<&Diagnosis> {
        if let Some(d) = self.records.get(i) {
            return Some(d);
        }
        let e = self.entry(i)?;
        self.records
            .get_or_init(i, || {
                Box::new(Diagnosis {
                    code: icd10_dotted(e.key),
                    title: e.title.to_string(),
                    billable: e.billable,
                    billable_until: None,
                    effective: None,
                    terminated: None,
                })
            })
            .map(|d| &**d)
    }

    /// A code or header by key (upper case, no dot).
    pub fn get(&self, key: &str) -> Option<&Diagnosis> {
        self.record(self.find(key)?)
    }

    /// Entries under a key prefix, in key order (the prefix itself included when present).
    pub fn with_prefix(&self, prefix: &str) -> impl Iterator<Item = &Diagnosis> {
        self.prefix_range(prefix).filter_map(|i| self.record(i))
    }

    /// Build the word index now, for a table made in this process (call from a background thread);
    /// a stored table has its index already.
    pub fn warm(&self) {
        let _ = self.words();
    }

    fn build_words(&self) -> WordIndex {
        WordIndex::build(
            (0..self.len).filter_map(|i| Some((u32::try_from(i).ok()?, self.entry(i)?.title))),
        )
    }

    fn words(&self) -> Words<'_> {
        match &self.words {
            TitleWords::Built(built) => built.get_or_init(|| self.build_words()).words(),
            TitleWords::Stored(bytes) => Words::in_table(bytes.table()),
        }
    }

    /// Completion: code prefix first (exact 0, prefix 1), then entries with a title word starting
    /// with the query (3), in key order.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let key = super::set::icd10_key(query.trim());
        let lower = query.trim().to_ascii_lowercase();
        let mut hits: Vec<SearchHit> = Vec::new();
        if !key.is_empty() {
            for i in self.prefix_range(&key).take(limit) {
                if let Some(d) = self.record(i) {
                    let exact = self.entry(i).is_some_and(|e| e.key == key);
                    hits.push(SearchHit {
                        code: d.code.clone(),
                        label: d.title.clone(),
                        score: if exact { 0 } else { 1 },
                    });
                }
            }
        }
        if hits.len() >= limit || lower.len() < 3 {
            return hits;
        }
        for id in self.words().starting_with(&lower) {
            if hits.len() >= limit {
                break;
            }
            let Some(d) = self.record(id as usize) else {
                continue;
            };
            if hits.iter().all(|h| h.code != d.code) {
                hits.push(SearchHit {
                    code: d.code.clone(),
                    label: d.title.clone(),
                    score: 3,
                });
            }
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packed() -> PackedDiagnoses {
        PackedDiagnoses::from_rows([
            (
                "G35A".to_string(),
                "Relapsing-remitting multiple sclerosis".to_string(),
                true,
            ),
            ("G35".to_string(), "Multiple sclerosis".to_string(), false),
            (
                "C3490".to_string(),
                "Malignant neoplasm of unsp part of unsp bronchus or lung".to_string(),
                true,
            ),
            (
                "G35B0".to_string(),
                "Primary progressive multiple sclerosis, unspecified".to_string(),
                true,
            ),
        ])
    }

    fn table() -> DiagnosisTable {
        DiagnosisTable::new(Edition::default(), true, packed())
    }

    #[test]
    fn lookup_prefix_and_words() {
        let t = table();
        assert_eq!(t.get("G35A").map(|d| d.code.as_str()), Some("G35.A"));
        assert!(t.get("G35").is_some_and(|d| !d.billable));
        assert!(t.get("G36").is_none());
        let under: Vec<_> = t.with_prefix("G35").map(|d| d.code.clone()).collect();
        assert_eq!(under, vec!["G35", "G35.A", "G35.B0"]);
        let hits = t.search("scler", 10);
        assert_eq!(hits.len(), 3);
        let hits = t.search("c34", 10);
        assert_eq!(hits[0].code, "C34.90");
        assert!(t.search("zzz", 10).is_empty());
    }

    #[test]
    fn stored_form_round_trips_and_is_checked() {
        let p = &packed();
        let again =
            PackedDiagnoses::from_parts(p.text().to_string(), p.offsets().to_vec()).expect("valid");
        assert_eq!(&again, p);
        let mut bad = p.offsets().to_vec();
        bad.swap(0, 1);
        assert!(PackedDiagnoses::from_parts(p.text().to_string(), bad).is_err());
        let cut = p.text()[..p.text().len() - 1].to_string();
        assert!(PackedDiagnoses::from_parts(cut, p.offsets().to_vec()).is_err());
        assert!(PackedDiagnoses::from_parts(p.text().to_string(), vec![3]).is_err());
    }
}
