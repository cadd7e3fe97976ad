//! No input makes the checker panic: arbitrary text and random mutations of the examples go through
//! parse + lower + every rule with the embedded data, and every range that comes out lies inside the
//! text on char boundaries (so every front end can show it).

use claimls_data::CodeData;
use claimls_model::Span;
use claimls_rules as rules;
use claimls_rules::config::Config;
use claimls_syntax::{self as syntax, LineIndex};
use proptest::prelude::*;
use std::sync::OnceLock;

fn examples() -> &'static Vec<String> {
    static EXAMPLES: OnceLock<Vec<String>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .expect("examples/")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "claim"))
            .collect();
        paths.sort();
        let texts: Vec<String> = paths
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("example is UTF-8"))
            .collect();
        assert!(!texts.is_empty(), "no examples to mutate");
        texts
    })
}

fn data() -> &'static CodeData {
    static DATA: OnceLock<CodeData> = OnceLock::new();
    DATA.get_or_init(CodeData::embedded)
}

fn assert_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what}: span {span:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: span {span:?} splits a char"
    );
}

/// The whole engine on one text, under each built-in payer kind's configuration.
fn check_everything(text: &str) {
    let doc = syntax::document(text);
    let index = LineIndex::new(text);
    for e in &doc.syntax {
        assert_span(text, e.span, &e.message);
        assert!(!e.message.is_empty());
    }
    let findings = rules::check(&doc, data(), &Config::default());
    for f in &findings {
        assert_span(text, f.span, f.rule);
        let _ = index.position(text, f.span.start);
        let _ = index.position(text, f.span.end);
        for r in &f.related {
            assert_span(text, r.span, f.rule);
        }
        for fix in f.fix.iter().chain(&f.alternatives) {
            for e in &fix.edits {
                assert_span(text, e.span, f.rule);
            }
        }
    }
}

/// One edit of a text, positions taken modulo its length.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteChars { at: usize, len: usize },
    Insert { at: usize, text: String },
    DuplicateLine { line: usize },
    DeleteLine { line: usize },
    SwapLines { a: usize, b: usize },
    SwapChars { at: usize },
}

/// Fragments worth inserting: keywords, values, separators, the odd line ends and astral chars.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "claim ",
            "payer ",
            "medicare",
            "admin ",
            "dose ",
            "units ",
            "line ",
            "dx ",
            "ndc ",
            "vial ",
            "waste ",
            "start ",
            "stop ",
            "x2",
            "JW",
            "JZ",
            " mg",
            " ML",
            "600",
            "0.5",
            "-1",
            "2026-02-30",
            "25:99",
            "\"",
            "\\\"",
            "#",
            ",",
            "\n",
            "\r\n",
            "\r",
            "\t",
            "😀",
            "𝄞",
            "é",
            " ",
            "50242-0150-01",
            "G35",
            "reason \"x\"",
            "witness",
        ])
        .prop_map(str::to_string),
        "[ -~]{0,12}",
        any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0usize..20).prop_map(|(at, len)| Mutation::DeleteChars { at, len }),
        (any::<usize>(), fragment()).prop_map(|(at, text)| Mutation::Insert { at, text }),
        any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        any::<usize>().prop_map(|line| Mutation::DeleteLine { line }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
        any::<usize>().prop_map(|at| Mutation::SwapChars { at }),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let n = chars.len().max(1);
    match m {
        Mutation::DeleteChars { at, len } => {
            let at = at % n;
            let end = (at + len).min(chars.len());
            chars[..at.min(chars.len())]
                .iter()
                .chain(&chars[end..])
                .collect()
        }
        Mutation::Insert { at, text: t } => {
            let at = (at % (chars.len() + 1)).min(chars.len());
            let mut s: String = chars[..at].iter().collect();
            s.push_str(t);
            s.extend(&chars[at..]);
            s
        }
        Mutation::DuplicateLine { line } if !lines.is_empty() => {
            let i = line % lines.len();
            lines.insert(i, lines[i]);
            lines.concat()
        }
        Mutation::DeleteLine { line } if !lines.is_empty() => {
            lines.remove(line % lines.len());
            lines.concat()
        }
        Mutation::SwapLines { a, b } if !lines.is_empty() => {
            let len = lines.len();
            lines.swap(a % len, b % len);
            lines.concat()
        }
        Mutation::SwapChars { at } if chars.len() >= 2 => {
            let mut chars = chars;
            let i = at % (chars.len() - 1);
            chars.swap(i, i + 1);
            chars.into_iter().collect()
        }
        _ => text.to_string(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_examples_never_panic(
        which in any::<usize>(),
        mutations in prop::collection::vec(mutation(), 1..8),
    ) {
        let examples = examples();
        let mut text = examples[which % examples.len()].clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        check_everything(&text);
        // The same text with CRLF line ends, and without its last newline.
        check_everything(&text.replace('\n', "\r\n"));
        check_everything(text.trim_end_matches('\n'));
    }

    #[test]
    fn claim_like_text_never_panics(
        parts in prop::collection::vec(fragment(), 0..60),
    ) {
        check_everything(&parts.concat());
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check_everything(&text);
        check_everything(&format!("claim A\n{text}\nline J2350 units 1\n"));
    }
}

#[test]
fn every_example_checks_cleanly_through_the_whole_engine() {
    for text in examples() {
        check_everything(text);
    }
}
