//! What the fuzzers hold, for any input. The fuzz targets (fuzz_targets/) call these, and so does
//! the stable test crates/claimls/tests/fuzz_corpus.rs, which includes this file, over the seed
//! corpus (fuzz/corpus/<target>/) and every past crash (fuzz/regressions/<target>/).
//!
//! - `check`: parse → lower → rules never panics; every fix's edits are in bounds, on char
//!   boundaries and do not overlap; the fixed text is checked again without a panic.
//! - `format`: formatting keeps every lowered value (spans aside) and is idempotent.
//! - `lsp_edits`: a document edited incrementally (rope edited, its tree parsed between edits,
//!   claims re-checked from the tracked analysis) has the tree and the findings of a fresh parse and
//!   check of its text, and the editor's findings are those of `claimls check` (which, like the
//!   editor, reads claim by claim).

use claimls_data::CodeData;
use claimls_lsp::analysis::{Checker, Tracked};
use claimls_lsp::document::{OpenDocument, parse_fresh};
use claimls_rules::Finding;
use claimls_rules::config::Config;
use std::sync::{Arc, OnceLock};

fn code_data() -> &'static Arc<CodeData> {
    static DATA: OnceLock<Arc<CodeData>> = OnceLock::new();
    DATA.get_or_init(|| Arc::new(CodeData::embedded()))
}

fn findings(text: &str) -> Vec<Finding> {
    let doc = claimls_syntax::document(text);
    claimls_rules::check(&doc, code_data(), &Config::default())
}

/// Findings as comparable keys, in a fixed order.
fn keys(findings: &[Finding]) -> Vec<(usize, usize, &'static str, String)> {
    let mut k: Vec<_> = findings
        .iter()
        .map(|f| (f.span.start, f.span.end, f.rule, f.message.clone()))
        .collect();
    k.sort();
    k
}

/// The keys of `a` that `b` lacks (what a failed comparison prints, rather than both lists).
fn only_in<'k>(
    a: &'k [(usize, usize, &'static str, String)],
    b: &[(usize, usize, &'static str, String)],
) -> Vec<&'k (usize, usize, &'static str, String)> {
    a.iter().filter(|k| !b.contains(k)).collect()
}

/// Apply edits (checked: in bounds, on char boundaries, not overlapping).
fn apply(text: &str, edits: &[claimls_rules::Edit]) -> String {
    let mut edits: Vec<_> = edits.iter().collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    for pair in edits.windows(2) {
        assert!(
            pair[0].span.end <= pair[1].span.start,
            "overlapping fix edits {:?}",
            (pair[0].span, pair[1].span)
        );
    }
    let mut out = text.to_string();
    for e in edits.iter().rev() {
        let (s, t) = (e.span.start, e.span.end);
        assert!(
            s <= t && t <= out.len(),
            "fix edit {:?} out of bounds",
            e.span
        );
        assert!(
            out.is_char_boundary(s) && out.is_char_boundary(t),
            "fix edit {:?} not on char boundaries",
            e.span
        );
        out.replace_range(s..t, &e.new_text);
    }
    out
}

pub fn check(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let found = findings(&text);
    for f in found.iter().take(32) {
        assert!(
            f.span.start <= f.span.end && f.span.end <= text.len(),
            "{f:?}"
        );
        for fix in f.fix.iter().chain(&f.alternatives).take(4) {
            let fixed = apply(&text, &fix.edits);
            let _ = findings(&fixed);
        }
    }
}

/// The lowered document's values: its `Debug` form without the text itself, spans replaced.
pub fn values(text: &str) -> String {
    let debug = format!("{:#?}", claimls_syntax::document(text));
    let debug: Vec<&str> = debug
        .lines()
        .filter(|l| !l.starts_with("    text: "))
        .collect();
    let debug = debug.join("\n");
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(at) = rest.find("Span {") {
        out.push_str(&rest[..at]);
        out.push_str("Span");
        rest = rest[at..].find('}').map_or("", |c| &rest[at + c + 1..]);
    }
    out.push_str(rest);
    out
}

pub fn format(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let once = claimls_lsp::format::format_text(&text);
    assert_eq!(
        values(&once),
        values(&text),
        "formatting changed values; formatted: {once:?}"
    );
    assert_eq!(
        claimls_lsp::format::format_text(&once),
        once,
        "not idempotent"
    );
}

/// The input as a document and edits: the text up to the first U+0001, then each U+0001-separated
/// part is an edit: its first char gives the start (modulo the length + 1, in chars), its second
/// the number of chars replaced (modulo 16), the rest is the new text.
fn edits(text: &str) -> (&str, Vec<(usize, usize, &str)>) {
    let mut parts = text.split('\u{1}');
    let initial = parts.next().unwrap_or("");
    let edits = parts
        .map(|p| {
            let mut cs = p.chars();
            let a = cs.next().map_or(0, |c| c as usize);
            let b = cs.next().map_or(0, |c| c as usize);
            (a, b % 16, cs.as_str())
        })
        .collect();
    (initial, edits)
}

pub fn lsp_edits(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (initial, edits) = edits(&text);
    let checker = Checker::new(code_data().clone(), Arc::new(Config::default()));
    let mut doc = OpenDocument::new(initial, 1);
    let mut tracked = Tracked::from_analysis(checker.check(initial));
    for (i, (a, len, new_text)) in edits.into_iter().take(64).enumerate() {
        let chars = doc.rope.len_chars();
        let start = a % (chars + 1);
        let end = (start + len).min(chars);
        let (s, o, n) = doc.edit(start, end, new_text);
        tracked.edited(s, o, n);
        // Reparse after some edits only: several edits between parses is what a client does too.
        if i % 2 == 0 {
            doc.reparse();
        }
    }
    doc.reparse();
    let now = doc.text();
    let tree = doc.tree().map(|t| t.root_node().to_sexp());
    let fresh = parse_fresh(&now).map(|t| t.root_node().to_sexp());
    assert_eq!(
        tree, fresh,
        "the document's tree differs from a fresh parse of {now:?}"
    );
    let rechecked = checker.recheck(&doc.rope, &tracked).findings();
    let checked = checker.check(&now).findings();
    assert_eq!(
        keys(&rechecked),
        keys(&checked),
        "re-check differs from a fresh check of {now:?}"
    );
    // `claimls check` reads a file claim by claim (as the editor does), not in one parse: a whole
    // parse's error recovery can run across claim lines, so the reading to match is that one.
    let cli = claimls::cli::check::check_streamed(
        &now,
        code_data(),
        &Config::default(),
        claimls::cli::check::BATCH_BYTES,
    );
    let (editor, cli) = (keys(&checked), keys(&cli));
    assert!(
        editor == cli,
        "editor findings differ from `check` for {now:?}: only the editor's {:?}, only check's {:?}",
        only_in(&editor, &cli),
        only_in(&cli, &editor),
    );
}
