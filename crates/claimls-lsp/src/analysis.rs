//! Checking a document the way `claimls check` does, but incrementally: the text is cut into claims
//! (a claim runs from its `claim` line to the next one), and each claim's lowering and findings are
//! cached by the claim's text. An edit re-checks only the claim it touched.
//!
//! Rules judge one claim at a time, so checking a claim on its own gives the same findings as checking
//! it inside the whole file; spans are kept relative to the claim's start and shifted on the way out.

use claimls_data::CodeData;
use claimls_model::{self as model, Span};
use claimls_rules::config::Config;
use claimls_rules::{self as rules, Edit, Finding};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use super::convert::ClaimDiagnostics;

/// One claim (or the text before the first claim), lowered and checked on its own. Only the
/// findings are kept (a model per claim of a 30,000-line document would cost tens of megabytes).
#[derive(Debug)]
pub struct ClaimCheck {
    /// Its findings; spans relative to the chunk start.
    pub findings: Vec<Finding>,
}

/// A piece of the document: where it is and what checking it found.
#[derive(Debug, Clone)]
pub struct Chunk {
    /// Byte range in the document; it starts at the start of a line.
    pub range: Range<usize>,
    pub check: Arc<ClaimCheck>,
    /// Its findings as LSP diagnostics, lines relative to the chunk's first line: converted the
    /// first time the chunk is published and kept while the chunk's text stays the same, wherever
    /// edits above it move it.
    pub diagnostics: OnceLock<Arc<ClaimDiagnostics>>,
}

impl Chunk {
    pub fn new(range: Range<usize>, check: Arc<ClaimCheck>) -> Chunk {
        Chunk {
            range,
            check,
            diagnostics: OnceLock::new(),
        }
    }

    /// A chunk-relative span as a document span.
    pub fn absolute(&self, span: Span) -> Span {
        Span::new(span.start + self.range.start, span.end + self.range.start)
    }
}

/// The result of checking one version of a document.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub chunks: Vec<Chunk>,
}

impl Analysis {
    /// Every finding, with document spans, in document order.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for chunk in &self.chunks {
            for f in &chunk.check.findings {
                out.push(shift_finding(f, chunk.range.start));
            }
        }
        out
    }

    /// The chunk that holds byte `offset`.
    pub fn chunk_at(&self, offset: usize) -> Option<&Chunk> {
        self.chunks
            .iter()
            .find(|c| c.range.start <= offset && offset < c.range.end)
            .or_else(|| self.chunks.last().filter(|c| offset >= c.range.end))
    }
}

fn shift(span: Span, by: usize) -> Span {
    Span::new(span.start + by, span.end + by)
}

fn shift_finding(f: &Finding, by: usize) -> Finding {
    let mut f = f.clone();
    f.span = shift(f.span, by);
    for r in &mut f.related {
        r.span = shift(r.span, by);
    }
    for fix in f.fix.iter_mut().chain(f.alternatives.iter_mut()) {
        for Edit { span, .. } in &mut fix.edits {
            *span = shift(*span, by);
        }
    }
    f
}

use claimls_syntax::split::opens_claim;
/// The claims of a text and the claim around an offset: one splitter, shared with `claimls check`.
pub use claimls_syntax::split::{claim_range_at, claim_ranges};

/// The chunks of `text` that overlap the byte range `range` (each checked, cached).
pub fn chunks_over(checker: &Checker, text: &str, range: Range<usize>) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut at = claim_range_at(text, range.start);
    loop {
        out.push(Chunk::new(
            at.clone(),
            checker.check_claim(&text[at.clone()]),
        ));
        if at.end >= range.end.min(text.len()) || at.end >= text.len() {
            break;
        }
        at = claim_range_at(text, at.end);
    }
    out
}

/// Lower one claim's text to the typed model (parse + lower, as `claimls check` does).
pub fn lower(text: &str) -> model::Document {
    claimls_syntax::document(text)
}

/// The claims of an open document as last checked, kept in step with its edits: a claim an edit
/// touched is marked dirty (merged with the other claims the same edit touched), the claims after it
/// are shifted. Re-checking then reads and checks only the dirty text.
#[derive(Debug, Clone, Default)]
pub struct Tracked {
    /// Contiguous, covering the whole text; empty when nothing was checked yet.
    pub chunks: Vec<Chunk>,
    pub dirty: Vec<bool>,
}

impl Tracked {
    pub fn from_analysis(analysis: Analysis) -> Tracked {
        let dirty = vec![false; analysis.chunks.len()];
        Tracked {
            chunks: analysis.chunks,
            dirty,
        }
    }

    /// Everything must be checked again (a full-text change).
    pub fn invalidate(&mut self) {
        self.chunks.clear();
        self.dirty.clear();
    }

    /// The bytes `start..old_end` became `start..new_end`.
    pub fn edited(&mut self, start: usize, old_end: usize, new_end: usize) {
        if self.chunks.is_empty() {
            return;
        }
        // Chunks touching the edit (inclusive bounds: text typed at a boundary may belong to either).
        let first = self.chunks.iter().position(|c| c.range.end >= start);
        let last = self.chunks.iter().rposition(|c| c.range.start <= old_end);
        let (Some(first), Some(last)) = (first, last) else {
            self.invalidate();
            return;
        };
        if first > last {
            self.invalidate();
            return;
        }
        let shift = |n: usize| (n + new_end).saturating_sub(old_end);
        let merged = Chunk::new(
            self.chunks[first].range.start.min(start)
                ..shift(self.chunks[last].range.end).max(new_end),
            self.chunks[first].check.clone(),
        );
        for c in &mut self.chunks[last + 1..] {
            c.range = shift(c.range.start)..shift(c.range.end);
        }
        self.chunks.splice(first..=last, [merged]);
        self.dirty.splice(first..=last, [true]);
    }
}

/// Checks documents, caching each claim's result by its text. One per server; cheap to share.
pub struct Checker {
    data: Arc<CodeData>,
    config: Arc<Config>,
    cache: Mutex<HashMap<Arc<str>, Arc<ClaimCheck>>>,
}

impl Checker {
    pub fn new(data: Arc<CodeData>, config: Arc<Config>) -> Checker {
        Checker {
            data,
            config,
            cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn data(&self) -> &Arc<CodeData> {
        &self.data
    }

    pub fn config(&self) -> &Arc<Config> {
        &self.config
    }

    /// Check one claim's text (cached).
    pub fn check_claim(&self, text: &str) -> Arc<ClaimCheck> {
        if let Some(hit) = self.lock().get(text) {
            return hit.clone();
        }
        let model = lower(text);
        let findings = rules::check(&model, &self.data, &self.config);
        let check = Arc::new(ClaimCheck { findings });
        self.lock().insert(Arc::from(text), check.clone());
        check
    }

    /// Check a whole document; only claims whose text is new are lowered and checked.
    pub fn check(&self, text: &str) -> Analysis {
        let chunks: Vec<Chunk> = claim_ranges(text)
            .into_iter()
            .map(|range| Chunk::new(range.clone(), self.check_claim(&text[range])))
            .collect();
        Analysis { chunks }
    }

    /// Check what changed since `tracked` was checked: the dirty chunks only (or everything when
    /// nothing was checked yet). `rope` is the current text.
    pub fn recheck(&self, rope: &ropey::Rope, tracked: &Tracked) -> Analysis {
        if tracked.chunks.is_empty() {
            return self.check(&rope.to_string());
        }
        let len = rope.len_bytes();
        let mut dirty = tracked.dirty.clone();
        // A dirty chunk whose first line no longer opens a claim belongs to the claim before it.
        for i in (1..dirty.len()).rev() {
            if dirty[i] {
                let start = tracked.chunks[i].range.start.min(len);
                let line = rope.byte_to_line(start);
                let end = if line + 1 < rope.len_lines() {
                    rope.line_to_byte(line + 1)
                } else {
                    len
                };
                let first_line = rope.byte_slice(start..end).to_string();
                if !opens_claim(&first_line) {
                    dirty[i - 1] = true;
                }
            }
        }
        let mut chunks = Vec::with_capacity(tracked.chunks.len());
        let mut i = 0;
        while i < tracked.chunks.len() {
            if !dirty[i] {
                chunks.push(tracked.chunks[i].clone());
                i += 1;
                continue;
            }
            let mut j = i;
            while j + 1 < tracked.chunks.len() && dirty[j + 1] {
                j += 1;
            }
            let start = tracked.chunks[i].range.start.min(len);
            let end = tracked.chunks[j].range.end.clamp(start, len);
            let text = rope.byte_slice(start..end).to_string();
            for r in claim_ranges(&text) {
                chunks.push(Chunk::new(
                    start + r.start..start + r.end,
                    self.check_claim(&text[r]),
                ));
            }
            i = j + 1;
        }
        Analysis { chunks }
    }

    /// Forget cached claims the given analyses do not use.
    pub fn retain(&self, in_use: &[&Analysis]) {
        let keep: std::collections::HashSet<*const ClaimCheck> = in_use
            .iter()
            .flat_map(|a| a.chunks.iter().map(|c| Arc::as_ptr(&c.check)))
            .collect();
        self.lock().retain(|_, v| keep.contains(&Arc::as_ptr(v)));
    }

    /// How many claim results are cached.
    pub fn cached(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Arc<str>, Arc<ClaimCheck>>> {
        // A poisoned cache only means another check panicked mid-insert; the map itself is intact.
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_split_at_claim_lines() {
        let text = "# top\nclaim A\n  pos 11\n  claimx\nclaim B # two\n";
        let r = claim_ranges(text);
        let parts: Vec<&str> = r.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(
            parts,
            vec![
                "# top\n",
                "claim A\n  pos 11\n  claimx\n",
                "claim B # two\n"
            ]
        );
        assert_eq!(claim_ranges(""), vec![0..0]);
        assert_eq!(claim_ranges("claim A"), vec![0..7]);
    }

    #[test]
    fn the_claim_at_an_offset_is_the_one_claim_ranges_gives() {
        let text = "# top\nclaim A\n  pos 11\n\nclaim B\n  dx G35\n";
        let ranges = claim_ranges(text);
        for offset in 0..=text.len() {
            let expected = ranges
                .iter()
                .find(|r| r.start <= offset && offset < r.end)
                .or(ranges.last())
                .cloned();
            assert_eq!(Some(claim_range_at(text, offset)), expected, "at {offset}");
        }
    }

    /// Edits applied to a tracked analysis and re-checked give the chunks of a full check.
    #[test]
    fn tracked_rechecks_match_full_checks() {
        let checker = Checker::new(Arc::new(CodeData::embedded()), Arc::new(Config::default()));
        let mut text =
            String::from("# a\nclaim A\n  pos 11\nclaim B\n  dx G35\n\nclaim C\n  pos 22\n");
        let mut tracked = Tracked::from_analysis(checker.check(&text));
        let edits: &[(usize, usize, &str)] = &[
            (0, 0, "x"),
            (6, 7, ""),
            (20, 20, "claim D\n"),
            (5, 12, "cl"),
            (30, 31, "claim"),
            (0, 0, "claim Z\n"),
        ];
        for (a, b, new) in edits {
            let (a, b) = ((*a).min(text.len()), (*b).min(text.len()));
            text.replace_range(a..b, new);
            tracked.edited(a, b, a + new.len());
            let rope = ropey::Rope::from_str(&text);
            let again = checker.recheck(&rope, &tracked);
            let full = checker.check(&text);
            let ranges =
                |x: &Analysis| x.chunks.iter().map(|c| c.range.clone()).collect::<Vec<_>>();
            assert_eq!(
                ranges(&again),
                ranges(&full),
                "after {a}..{b} → {new:?}: {text:?}"
            );
            tracked = Tracked::from_analysis(again);
        }
        // And random edits, including several before one re-check.
        let pieces = ["claim Q\n", "\n", "c", "laim", " ", "pos 11\n", "x"];
        let mut seed = 42u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as usize) % n.max(1)
        };
        for round in 0..300 {
            let a = next(text.len() + 1);
            let b = (a + next(12)).min(text.len());
            let new = pieces[next(pieces.len())];
            text.replace_range(a..b, new);
            tracked.edited(a, b, a + new.len());
            if round % 3 == 0 {
                let rope = ropey::Rope::from_str(&text);
                let again = checker.recheck(&rope, &tracked);
                let full = checker.check(&text);
                let ranges =
                    |x: &Analysis| x.chunks.iter().map(|c| c.range.clone()).collect::<Vec<_>>();
                assert_eq!(ranges(&again), ranges(&full), "round {round}: {text:?}");
                for (x, y) in again.chunks.iter().zip(&full.chunks) {
                    assert!(Arc::ptr_eq(&x.check, &y.check));
                }
                tracked = Tracked::from_analysis(again);
            }
        }
    }

    #[test]
    fn identical_claims_are_checked_once() {
        let checker = Checker::new(Arc::new(CodeData::embedded()), Arc::new(Config::default()));
        let a = checker.check("claim A\n  pos 11\nclaim A\n  pos 11\n");
        assert_eq!(a.chunks.len(), 2);
        assert!(Arc::ptr_eq(&a.chunks[0].check, &a.chunks[1].check));
        assert_eq!(checker.cached(), 1);
    }
}
