//! A title/descriptor word index for completion over the full official sets: every lower-case word
//! with the entries whose text holds it, so "words starting with …" is a binary search instead of a
//! scan of 75,000 titles.

use crate::mapped::{Table, TableWriter, u32_at};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// A word index, built: a sorted table of words whose values are the entry numbers (`u32`, little
/// endian, ascending) of the texts holding them — the form the index file stores.
#[derive(Debug, Default)]
pub struct WordIndex {
    bytes: Vec<u8>,
}

/// A word index read in place (from a [`WordIndex`] or the mapped index file).
#[derive(Clone, Copy)]
pub struct Words<'a> {
    table: Table<'a>,
}

impl WordIndex {
    /// Index texts by entry number (words split at anything not an ASCII letter or digit).
    pub fn build<'a>(texts: impl IntoIterator<Item = (u32, &'a str)>) -> WordIndex {
        let mut map: HashMap<String, Vec<u32>> = HashMap::new();
        for (id, text) in texts {
            for w in text
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
            {
                let list = map.entry(w.to_ascii_lowercase()).or_default();
                if list.last() != Some(&id) {
                    list.push(id);
                }
            }
        }
        let mut table = TableWriter::default();
        for (word, ids) in map {
            table.push(&word, ids.iter().flat_map(|id| id.to_le_bytes()).collect());
        }
        WordIndex {
            bytes: table.finish(),
        }
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    pub fn words(&self) -> Words<'_> {
        WordIndex::from_bytes(&self.bytes)
    }

    /// A stored index (damaged bytes read as an index with fewer or no words).
    pub fn from_bytes(bytes: &[u8]) -> Words<'_> {
        Words {
            table: Table::new(bytes),
        }
    }
}

impl<'a> Words<'a> {
    /// A stored index read as a checked table (each word and list checked as it is read).
    pub(crate) fn in_table(table: Table<'a>) -> Words<'a> {
        Words { table }
    }

    /// Entries with a word starting with `lower` (lower case), in entry order, each once: the
    /// posting lists of the matching words merged lazily, so taking the first few is cheap however
    /// many words match.
    pub fn starting_with(self, lower: &str) -> impl Iterator<Item = u32> + 'a {
        let lists: Vec<&'a [u8]> = self
            .table
            .prefixed(lower)
            .map(|i| self.table.value(i))
            .collect();
        let heap: BinaryHeap<Reverse<(u32, usize, usize)>> = lists
            .iter()
            .enumerate()
            .filter_map(|(i, l)| u32_at(l, 0).map(|id| Reverse((id, i, 0))))
            .collect();
        Merge {
            lists,
            heap,
            last: None,
        }
    }
}

/// A k-way merge of sorted posting lists, without repeats.
struct Merge<'a> {
    lists: Vec<&'a [u8]>,
    heap: BinaryHeap<Reverse<(u32, usize, usize)>>,
    last: Option<u32>,
}

impl Iterator for Merge<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        while let Some(Reverse((id, list, pos))) = self.heap.pop() {
            if let Some(next) = self.lists.get(list).and_then(|l| u32_at(l, pos + 1)) {
                self.heap.push(Reverse((next, list, pos + 1)));
            }
            if self.last != Some(id) {
                self.last = Some(id);
                return Some(id);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::WordIndex;

    #[test]
    fn words_by_prefix_in_entry_order() {
        let idx = WordIndex::build([
            (0, "Injection, durvalumab, 10 mg"),
            (1, "Injection, Durable thing"),
            (2, "Dressing"),
        ]);
        let ids = |q: &str| idx.words().starting_with(q).collect::<Vec<_>>();
        assert_eq!(ids("dur"), vec![0, 1]);
        assert_eq!(ids("durva"), vec![0]);
        assert_eq!(ids("inj"), vec![0, 1]);
        assert_eq!(ids("d"), vec![0, 1, 2]);
        assert!(ids("zzz").is_empty());
    }
}
