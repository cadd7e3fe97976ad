//! Checking a document the way `claimls check` does, but incrementally: the text is cut into claims
//! (a claim runs from its `claim` line to the next one), and each claim's findings are kept with
//! its chunk of the document (and, for the claims checked last, by their text). An edit re-checks
//! only the claim it touched.
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

/// How much the checker keeps of the claims it checked last, for re-use: at most this many
/// claims…
const RECENT_CLAIMS: usize = 256;
/// …and at most this many bytes of their text.
const RECENT_BYTES: usize = 256 * 1024;

/// A claim checked recently: its text (to compare with, so two texts with the same hash never share
/// a result) and what checking it found.
struct Recent {
    hash: u64,
    text: Box<str>,
    check: Arc<ClaimCheck>,
}

/// The claims checked last, oldest first, within [`RECENT_CLAIMS`] and [`RECENT_BYTES`].
#[derive(Default)]
struct RecentClaims {
    entries: std::collections::VecDeque<Recent>,
    bytes: usize,
}

/// The hash a claim's text is looked up by (collisions are harmless: the text is compared too).
fn text_hash(text: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(text)
}

/// Checks documents, re-using the results of claims checked recently (an edit and its undo, a
/// claim split and joined again by edits, identical claims in one document). Claims that are not
/// being edited need no entry here: their results stay in the document's chunks ([`Tracked`]), so
/// the cache is bounded and holds no copy of a whole document. One per server; cheap to share.
pub struct Checker {
    data: Arc<CodeData>,
    config: Arc<Config>,
    recent: Mutex<RecentClaims>,
    hash: fn(&str) -> u64,
}

impl Checker {
    pub fn new(data: Arc<CodeData>, config: Arc<Config>) -> Checker {
        Checker {
            data,
            config,
            recent: Mutex::new(RecentClaims::default()),
            hash: text_hash,
        }
    }

    pub fn data(&self) -> &Arc<CodeData> {
        &self.data
    }

    pub fn config(&self) -> &Arc<Config> {
        &self.config
    }

    /// Check one claim's text (re-using a recent result for the same text).
    pub fn check_claim(&self, text: &str) -> Arc<ClaimCheck> {
        let hash = (self.hash)(text);
        if let Some(hit) = self.recall(hash, text) {
            return hit;
        }
        let model = lower(text);
        let findings = rules::check(&model, &self.data, &self.config);
        let check = Arc::new(ClaimCheck { findings });
        self.remember(hash, text, check.clone());
        check
    }

    /// The recent result for `text`, made the most recent.
    fn recall(&self, hash: u64, text: &str) -> Option<Arc<ClaimCheck>> {
        let mut recent = self.lock();
        let at = recent
            .entries
            .iter()
            .rposition(|e| e.hash == hash && *e.text == *text)?;
        let entry = recent.entries.remove(at)?;
        let check = entry.check.clone();
        recent.entries.push_back(entry);
        Some(check)
    }

    fn remember(&self, hash: u64, text: &str, check: Arc<ClaimCheck>) {
        let mut recent = self.lock();
        recent.bytes += text.len();
        recent.entries.push_back(Recent {
            hash,
            text: text.into(),
            check,
        });
        // The newest entry stays whatever its size.
        while recent.entries.len() > 1
            && (recent.entries.len() > RECENT_CLAIMS || recent.bytes > RECENT_BYTES)
        {
            if let Some(old) = recent.entries.pop_front() {
                recent.bytes -= old.text.len();
            }
        }
    }

    /// Check a whole document; identical claims in it are checked once.
    pub fn check(&self, text: &str) -> Analysis {
        let mut seen: HashMap<&str, Arc<ClaimCheck>> = HashMap::new();
        let chunks: Vec<Chunk> = claim_ranges(text)
            .into_iter()
            .map(|range| {
                let claim = &text[range.clone()];
                let check = seen
                    .entry(claim)
                    .or_insert_with(|| self.check_claim(claim))
                    .clone();
                Chunk::new(range, check)
            })
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

    /// How many claim results are kept for re-use.
    pub fn cached(&self) -> usize {
        self.lock().entries.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RecentClaims> {
        // A poisoned cache only means another check panicked mid-insert; the list itself is intact.
        self.recent.lock().unwrap_or_else(|e| e.into_inner())
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

    /// Two claims whose hashes collide (here: every hash is 0) each keep their own findings, in a
    /// full check and when re-checked one after the other.
    #[test]
    fn a_hash_collision_never_shares_findings() {
        let data = Arc::new(CodeData::embedded());
        let config = Arc::new(Config::default());
        let colliding = Checker {
            hash: |_| 0,
            ..Checker::new(data.clone(), config.clone())
        };
        let a = include_str!("../../../examples/medicare-jw-missing.claim");
        let b = include_str!("../../../examples/g35-header-dx.claim");
        let clean = include_str!("../../../examples/ocrevus-maintenance.claim");
        let findings = |text: &str| {
            let model = lower(text);
            rules::check(&model, &data, &config)
        };
        assert_ne!(
            findings(a),
            findings(b),
            "the two claims must differ in findings"
        );
        for _ in 0..2 {
            for text in [a, b, clean, a, clean, b] {
                assert_eq!(colliding.check_claim(text).findings, findings(text));
            }
        }
        let text = format!("{a}\n{b}\n{clean}\n{a}\n");
        let analysis = colliding.check(&text);
        let fresh = Checker::new(data.clone(), config.clone()).check(&text);
        assert_eq!(analysis.findings(), fresh.findings());
        assert!(!analysis.findings().is_empty());
        // Every text checked is kept, each under the same hash.
        assert!(colliding.cached() > 3);
        assert!(colliding.lock().entries.iter().all(|e| e.hash == 0));
    }

    /// The re-use cache is bounded, and identical claims far apart in one document are still
    /// checked once.
    #[test]
    fn the_cache_is_bounded_and_holds_no_whole_document() {
        let checker = Checker::new(Arc::new(CodeData::embedded()), Arc::new(Config::default()));
        let example = include_str!("../../../examples/medicare-jw-missing.claim");
        // From its `claim` line on, so that each copy is one chunk.
        let claim = &example[example.find("\nclaim ").map_or(0, |i| i + 1)..];
        let mut text = claim.replace("claim ", "claim FIRST-");
        for i in 0..2 * RECENT_CLAIMS {
            text.push_str(&claim.replace("claim ", &format!("claim N{i}-")));
        }
        text.push_str(&claim.replace("claim ", "claim FIRST-"));
        let analysis = checker.check(&text);
        let n = analysis.chunks.len();
        assert!(n > RECENT_CLAIMS + 2);
        assert!(checker.cached() <= RECENT_CLAIMS);
        assert!(checker.lock().bytes <= RECENT_BYTES);
        assert!(Arc::ptr_eq(
            &analysis.chunks[0].check,
            &analysis.chunks[n - 1].check
        ));
        assert_eq!(
            analysis.findings(),
            Checker::new(checker.data.clone(), checker.config.clone())
                .check(&text)
                .findings()
        );
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
