//! Formatting never changes what a line means: lowering the text before and after formatting gives
//! the same values (spans aside), and formatting twice changes nothing. Held for the examples, the
//! grammar corpus, the fuzz seeds, the cases of issue 12, and generated input.

use claimls_lsp::format::format_text;
use proptest::prelude::*;
use std::path::Path;

/// The lowered document's values: its `Debug` form without the text itself, every span replaced
/// by `Span`.
fn values(text: &str) -> String {
    let debug = format!("{:#?}", claimls_syntax::document(text));
    let debug: String = debug
        .lines()
        .filter(|l| !l.starts_with("    text: "))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(at) = rest.find("Span {") {
        out.push_str(&rest[..at]);
        out.push_str("Span");
        let close = rest[at..].find('}').map_or(rest.len(), |c| at + c + 1);
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

fn assert_preserved(text: &str) {
    let once = format_text(text);
    assert_eq!(
        values(&once),
        values(text),
        "formatting changed values of {text:?} (formatted: {once:?})"
    );
    assert_eq!(
        format_text(&once),
        once,
        "formatting is not idempotent on {text:?}"
    );
}

#[test]
fn the_cases_of_issue_12_keep_their_values() {
    for case in [
        "claim A\n  admin x\n    vial 1 m  0 mg\n",
        "claim A\n  auth PA-1, PA-2\n",
        "claim A\n  auth PA-1 ,  PA-2 from 2026-01-01\n",
        "claim A\n admin x\n  waste   0 mg  mg\n",
        "claim A\n admin x\n  dose  350 ,  100 mg\n",
        "claim A\nline  5001  J2350 units  1\n",
        "claim A\n  line J1745 # c\0 the file\n",
    ] {
        assert_preserved(case);
    }
}

#[test]
fn a_line_with_a_syntax_error_is_left_exactly_as_written() {
    let text = "claim   A\n  admin x\n    vial 1 m  0 mg\n";
    let out = format_text(text);
    assert_eq!(out.lines().nth(2), Some("    vial 1 m  0 mg"), "{out:?}");
    // The valid lines around it are still formatted.
    assert_eq!(out.lines().next(), Some("claim A"), "{out:?}");
}

mod grammar_corpus;
use grammar_corpus::corpus_inputs;

#[test]
fn the_examples_the_grammar_corpus_and_the_fuzz_seeds_keep_their_values() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut inputs = Vec::new();
    for dir in ["examples", "tests/fixtures", "grammar/test/examples"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("a folder of examples") {
            let path = entry.expect("an entry").path();
            if path.extension().is_some_and(|e| e == "claim") {
                inputs.push(std::fs::read_to_string(&path).expect("readable"));
            }
        }
    }
    for entry in std::fs::read_dir(root.join("grammar/test/corpus")).expect("the corpus") {
        let text = std::fs::read_to_string(entry.expect("an entry").path()).expect("readable");
        inputs.extend(corpus_inputs(&text));
    }
    for target in ["format", "check", "lsp_edits"] {
        let Ok(dir) = std::fs::read_dir(root.join("fuzz/corpus").join(target)) else {
            continue;
        };
        for entry in dir {
            let bytes = std::fs::read(entry.expect("an entry").path()).expect("readable");
            inputs.push(String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    assert!(inputs.len() > 40, "only {} inputs", inputs.len());
    for text in &inputs {
        assert_preserved(text);
    }
}

/// Tokens of the notation, valid and not, with the spacing that error recovery is sensitive to.
fn token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "claim",
        "payer",
        "patient",
        "provider",
        "pos",
        "dx",
        "order",
        "auth",
        "history",
        "note",
        "admin",
        "dose",
        "route",
        "start",
        "stop",
        "vial",
        "waste",
        "reaction",
        "premed",
        "line",
        "units",
        "x",
        "mg",
        "m",
        "ml",
        "mcg",
        "kg",
        "witness",
        "from",
        "to",
        "signed",
        "by",
        "JW",
        "JZ",
        "J1745",
        "J2350",
        "5001",
        "96413",
        "A",
        "B",
        "G35",
        "K50.90",
        "0",
        "1",
        "50",
        "350",
        "100",
        "2.5",
        "x4",
        "PA-1",
        "PA-2",
        "2026-01-01",
        "10:30",
        "iv",
        "medicare",
        "commercial",
        ",",
        ",",
        "\"a b\"",
        "\"K. Ortiz, RN\"",
        "\"",
        "# c",
        "#",
        "\0",
        "\u{c}",
        "\u{b}",
        "\u{feff}",
        "é",
        "-",
        "/",
        "%",
        "+",
    ])
}

fn space() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![" ", " ", "  ", "\t", "", "   "])
}

fn line() -> impl Strategy<Value = String> {
    (space(), prop::collection::vec((token(), space()), 0..8)).prop_map(|(indent, toks)| {
        let mut s = indent.to_string();
        for (t, sp) in toks {
            s.push_str(t);
            s.push_str(sp);
        }
        s
    })
}

fn document() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(line(), 1..12),
        prop::sample::select(vec!["\n", "\r\n", "\r"]),
    )
        .prop_map(|(lines, nl)| {
            let mut s = String::from("claim A\n");
            for l in lines {
                s.push_str(&l);
                s.push_str(nl);
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn formatting_keeps_values_and_is_idempotent(text in document()) {
        let once = format_text(&text);
        prop_assert_eq!(values(&once), values(&text), "formatted: {:?}", once);
        prop_assert_eq!(format_text(&once), once.clone());
    }
}
