//! The editor reads the notation as `claimls check` does: over the examples, the grammar corpus and the
//! fuzz seeds and past crashes, every statement the lowering keeps starts with a keyword token of the editor's reading
//! (`context::lex_lines`, the lines completion, hover, inlay hints and symbols work on), every value
//! the lowering reads is one token of the editor's with the role that value plays, and on a claim the
//! lowering reads without a syntax error, every keyword token of the editor's is a statement the
//! lowering kept.

use claimls_lsp::analysis::{claim_ranges, lower};
use claimls_lsp::context::lex_lines;
use claimls_lsp::statement::Role;
use claimls_model::{Claim, Span};
use std::collections::BTreeMap;
use std::path::Path;

mod grammar_corpus;
use grammar_corpus::corpus_inputs;

fn inputs() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = Vec::new();
    for dir in ["examples", "tests/fixtures", "grammar/test/examples"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("a folder of examples") {
            let path = entry.expect("an entry").path();
            if path.extension().is_some_and(|e| e == "claim") {
                let text = std::fs::read_to_string(&path).expect("readable");
                out.push((path.display().to_string(), text));
            }
        }
    }
    for entry in std::fs::read_dir(root.join("grammar/test/corpus")).expect("the corpus") {
        let path = entry.expect("an entry").path();
        let text = std::fs::read_to_string(&path).expect("readable");
        for (i, input) in corpus_inputs(&text).into_iter().enumerate() {
            out.push((format!("{} #{i}", path.display()), input));
        }
    }
    for (kind, target) in ["corpus", "regressions"]
        .into_iter()
        .flat_map(|k| ["format", "check", "lsp_edits"].map(|t| (k, t)))
    {
        let Ok(dir) = std::fs::read_dir(root.join("fuzz").join(kind).join(target)) else {
            continue;
        };
        for entry in dir {
            let path = entry.expect("an entry").path();
            let bytes = std::fs::read(&path).expect("readable");
            out.push((
                path.display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ));
        }
    }
    out
}

/// What the lowering says is where, in one claim: keyword starts and value spans with their role.
struct Expected {
    /// Statement start → its keyword.
    keywords: BTreeMap<usize, &'static str>,
    /// (value span, the role the editor must give it).
    values: Vec<(Span, Role)>,
}

fn expected(claim: &Claim, base: usize) -> Expected {
    let at = |s: Span| Span::new(base + s.start, base + s.end);
    let mut keywords = BTreeMap::new();
    let mut values = Vec::new();
    let mut value = |s: Span, role: Role| {
        if s.end > s.start {
            values.push((at(s), role));
        }
    };
    keywords.insert(base + claim.header.start, "claim");
    value(claim.id.span, Role::ClaimId);
    if let Some(p) = &claim.payer {
        keywords.insert(base + p.span.start, "payer");
        value(p.kind.span, Role::PayerKind);
        if let Some(n) = &p.name {
            value(n.span, Role::String);
        }
    }
    for (v, role) in [
        (&claim.patient, Role::PatientId),
        (&claim.provider, Role::Npi),
        (&claim.pos, Role::PlaceOfService),
    ] {
        if let Some(v) = v {
            value(v.span, role);
        }
    }
    for d in &claim.dxs {
        keywords.insert(base + d.span.start, "dx");
        if d.letter_written {
            value(d.letter.span, Role::DxLetter);
        }
        value(d.code.span, Role::Diagnosis);
    }
    for o in &claim.orders {
        keywords.insert(base + o.span.start, "order");
        if let Some(d) = &o.date {
            value(d.span, Role::Date);
        }
    }
    for a in &claim.auths {
        keywords.insert(base + a.span.start, "auth");
        value(a.number.span, Role::AuthNumber);
        for d in [&a.from, &a.to].into_iter().flatten() {
            value(d.span, Role::Date);
        }
    }
    for h in &claim.history {
        keywords.insert(base + h.span.start, "history");
        value(h.treatment.span, Role::String);
        if let Some(o) = &h.outcome {
            value(o.span, Role::Outcome);
        }
        if let Some(d) = &h.date {
            value(d.span, Role::Date);
        }
    }
    for n in &claim.notes {
        value(n.span, Role::String);
    }
    for a in &claim.admins {
        keywords.insert(base + a.header.start, "admin");
        if !a.drug.value.contains(' ') {
            value(a.drug.span, Role::Drug);
        }
        if let Some(r) = &a.route {
            value(r.span, Role::Route);
        }
        if let Some(s) = &a.stop {
            keywords.insert(base + s.span.start, "stop");
            value(s.time.span, Role::Time);
            if let Some(d) = &s.date {
                value(d.span, Role::Date);
            }
        }
        for v in &a.vials {
            keywords.insert(base + v.span.start, "vial");
            if matches!(v.size.value, claimls_model::VialSize::Ndc(_)) {
                value(v.size.span, Role::Ndc);
            }
        }
        for w in &a.wastes {
            keywords.insert(base + w.span.start, "waste");
            for s in [&w.reason, &w.witness, &w.evidence].into_iter().flatten() {
                value(s.span, Role::String);
            }
        }
        for p in &a.premeds {
            value(p.span, Role::String);
        }
    }
    for l in &claim.lines {
        keywords.insert(base + l.span.start, "line");
        value(l.code.span, Role::Code);
        for m in &l.modifiers {
            value(m.span, Role::Modifier);
        }
        if let Some(u) = &l.units {
            value(u.span, Role::Units);
        }
        for p in l.dx.iter().flatten() {
            value(p.span, Role::DxPointer);
        }
        if let Some(n) = &l.ndc {
            value(n.ndc.span, Role::Ndc);
            if let Some(q) = &n.quantity {
                value(q.span, Role::Number);
            }
            if let Some(u) = &n.unit {
                value(u.span, Role::NdcUnit);
            }
        }
        if let Some(c) = &l.charge {
            value(c.span, Role::Charge);
        }
        if let Some(d) = &l.on {
            value(d.span, Role::Date);
        }
    }
    Expected { keywords, values }
}

#[test]
fn the_editor_reads_every_statement_and_value_as_the_lowering_does() {
    let inputs = inputs();
    assert!(inputs.len() > 40, "only {} inputs", inputs.len());
    let mut compared = (0, 0);
    let mut disagreements = Vec::new();
    for (name, text) in &inputs {
        // The editor's tokens, by absolute range.
        let mut tokens: BTreeMap<(usize, usize), (Role, String)> = BTreeMap::new();
        for line in lex_lines(text, 0..text.len()) {
            for t in &line.statement.tokens {
                let range = line.absolute(t);
                tokens.insert(
                    (range.start, range.end),
                    (t.role, line.token_text(t).to_string()),
                );
            }
        }
        for range in claim_ranges(text) {
            let piece = &text[range.clone()];
            let doc = lower(piece);
            for (index, claim) in doc.claims.iter().enumerate() {
                let want = expected(claim, range.start);
                for (&start, &keyword) in &want.keywords {
                    compared.0 += 1;
                    let found = tokens
                        .iter()
                        .find(|((s, _), _)| *s == start)
                        .map(|(_, v)| v);
                    if found != Some(&(Role::Keyword, keyword.to_string())) {
                        disagreements.push(format!(
                            "{name}: the lowering reads `{keyword}` at {start}, the editor {found:?}"
                        ));
                    }
                }
                for (span, role) in &want.values {
                    // A value the statement lacks is placed on its keyword (`admin` alone: the
                    // lowering reports the missing drug there).
                    if want.keywords.contains_key(&span.start) {
                        continue;
                    }
                    compared.1 += 1;
                    let found = tokens.get(&(span.start, span.end));
                    if found.map(|(r, _)| r) != Some(role) {
                        disagreements.push(format!(
                            "{name}: the lowering reads {:?} at {}..{} as {role:?}, the editor {found:?}",
                            &text.get(span.start..span.end),
                            span.start,
                            span.end
                        ));
                    }
                }
                // A claim with no syntax error (up to the next claim: an error after its last
                // statement is still its own): no keyword of the editor's that the lowering lost.
                let next = doc
                    .claims
                    .get(index + 1)
                    .map_or(piece.len(), |c| c.span.start);
                let clean = !doc
                    .syntax
                    .iter()
                    .any(|e| e.span.start < next && e.span.end + 1 > claim.span.start);
                if !clean {
                    continue;
                }
                let (from, to) = (range.start + claim.span.start, range.start + claim.span.end);
                for ((s, _), (role, word)) in tokens.range((from, 0)..(to, 0)) {
                    // The lowering keeps these as values of their claim or admin, with no
                    // statement span.
                    let value_only = matches!(
                        word.as_str(),
                        "patient"
                            | "provider"
                            | "pos"
                            | "note"
                            | "dose"
                            | "route"
                            | "start"
                            | "reaction"
                            | "premed"
                    );
                    if *role == Role::Keyword && !value_only && !want.keywords.contains_key(s) {
                        disagreements.push(format!(
                            "{name}: the editor reads a `{word}` statement at {s} the lowering does not keep"
                        ));
                    }
                }
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    eprintln!(
        "compared {} statements, {} values over {} inputs",
        compared.0,
        compared.1,
        inputs.len()
    );
    // Not vacuous: statements and values were compared.
    assert!(
        compared.0 > 200 && compared.1 > 400,
        "compared {compared:?}"
    );
}

mod generated {
    use super::*;
    use proptest::prelude::*;

    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "claim",
            "admin",
            "dose",
            "line",
            "dx",
            "units",
            "ndc",
            "vial",
            "waste",
            "witness",
            "reaction",
            "none",
            "order",
            "signed",
            "auth",
            "from",
            "J2350",
            "JZ",
            "A",
            "600",
            "mg",
            "x2",
            "2026-01-01",
            "10:30",
            ",",
            "\"a b\"",
            "\"",
            "# c",
            "é",
            "\u{c}",
            "\u{feff}",
            " ",
            "  ",
            "\n",
            "\r\n",
            "\t",
        ])
    }

    proptest! {
        /// The editor's reading of any text keeps every character that is not a blank in one of
        /// its line's tokens, and every token lies inside its line.
        #[test]
        fn the_reading_loses_no_text(pieces in prop::collection::vec(piece(), 0..40)) {
            let text: String = pieces.concat();
            for line in lex_lines(&text, 0..text.len()) {
                let mut covered = vec![false; line.text.len()];
                for t in &line.statement.tokens {
                    prop_assert!(line.text.get(t.range.clone()).is_some(), "{text:?}: {t:?}");
                    covered[t.range.clone()].iter_mut().for_each(|c| *c = true);
                }
                for (i, ch) in line.text.char_indices() {
                    let blank = matches!(ch, ' ' | '\t' | '\r' | '\u{b}' | '\u{c}' | '\u{feff}');
                    prop_assert!(blank || covered[i], "{text:?}: {ch:?} at {i} is in no token");
                }
            }
        }
    }
}
