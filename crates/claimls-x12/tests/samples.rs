//! The implementation guide's 837P examples (../shared/x12): every one is read without a crash, the
//! drug examples import to drafts whose billed lines are the file's, a damaged segment is reported
//! with its number and what was expected.

mod common;

use claimls_rules::config::Config;
use claimls_x12::segment;

#[test]
fn all_samples_are_read_and_every_claim_becomes_a_draft() {
    let Some(samples) = common::samples() else {
        return;
    };
    assert_eq!(samples.len(), 20, "19 guide examples and example 10a");
    for path in &samples {
        let text = std::fs::read_to_string(path).unwrap();
        let segments = segment::read(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let clm = segments.segments.iter().filter(|s| s.id == "CLM").count();
        let imported = claimls_x12::import(&text, &Config::default());
        assert_eq!(imported.claims.len(), clm, "{}", path.display());
        // Each draft lowers without a syntax finding: what the converter writes is the notation.
        let doc = claimls_syntax::document(&imported.text);
        assert!(
            doc.syntax.is_empty(),
            "{}: {:?}\n{}",
            path.display(),
            doc.syntax,
            imported.text
        );
        assert!(imported.text.contains(claimls_x12::read::NO_ADMIN_RECORD));
    }
}

/// The billed lines of a file, read straight from its SV1/LIN/CTP segments: code, modifiers, units,
/// pointers, NDC and quantity.
fn lines_of_the_file(text: &str) -> Vec<String> {
    let segments = segment::read(text).unwrap();
    let sep = segments.separators;
    let mut out: Vec<String> = Vec::new();
    for s in &segments.segments {
        match s.id.as_str() {
            "SV1" => {
                let p = s.components(1, &sep);
                let mods: Vec<&str> = p
                    .iter()
                    .skip(2)
                    .take(4)
                    .copied()
                    .filter(|m| !m.is_empty())
                    .collect();
                let units: claimls_model::Decimal = s.element(4).parse().unwrap();
                out.push(format!(
                    "{} [{}] units {} dx {}",
                    p[1],
                    mods.join(" "),
                    units.normalize(),
                    s.components(7, &sep).join(",")
                ));
            }
            "LIN" => {
                let last = out.last_mut().unwrap();
                last.push_str(&format!(" ndc {}", s.element(3)));
            }
            "CTP" => {
                let qty: claimls_model::Decimal = s.element(4).parse().unwrap();
                let last = out.last_mut().unwrap();
                last.push_str(&format!(
                    " {} {}",
                    qty.normalize(),
                    s.components(5, &sep)[0]
                ));
            }
            _ => {}
        }
    }
    out
}

/// The same from the imported draft, through the notation's own reader.
fn lines_of_the_draft(text: &str) -> Vec<String> {
    let doc = claimls_syntax::document(text);
    let mut out = Vec::new();
    for claim in &doc.claims {
        for line in &claim.lines {
            let mods: Vec<&str> = line.modifiers.iter().map(|m| m.value.as_str()).collect();
            let pointers: Vec<String> = line
                .dx
                .iter()
                .flatten()
                .map(|p| match &p.value {
                    claimls_model::DxPointer::Letter(l) => (*l as u8 - b'A' + 1).to_string(),
                    claimls_model::DxPointer::Code(c) => c.clone(),
                })
                .collect();
            let mut s = format!(
                "{} [{}] units {} dx {}",
                line.code.value,
                mods.join(" "),
                line.units.as_ref().unwrap().value.normalize(),
                pointers.join(",")
            );
            if let Some(n) = &line.ndc {
                s.push_str(&format!(
                    " ndc {} {} {}",
                    n.ndc.value.digits.as_ref().unwrap(),
                    n.quantity.as_ref().unwrap().value.normalize(),
                    n.unit.as_ref().unwrap().value.as_str()
                ));
            }
            out.push(s);
        }
    }
    out
}

#[test]
fn the_guide_drug_examples_import_to_drafts_with_the_files_billed_lines() {
    let Some(samples) = common::samples() else {
        return;
    };
    let drug: Vec<_> = samples
        .iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.contains("drug")
        })
        .collect();
    assert_eq!(drug.len(), 4, "examples 10.1–10.3 and 10a");
    for path in drug {
        let text = std::fs::read_to_string(path).unwrap();
        let imported = claimls_x12::import(&text, &Config::default());
        let expected = lines_of_the_file(&text);
        assert!(
            expected.iter().any(|l| l.contains(" ndc ")),
            "{}",
            path.display()
        );
        assert_eq!(
            lines_of_the_draft(&imported.text),
            expected,
            "{}",
            path.display()
        );
    }
}

#[test]
fn a_damaged_segment_is_reported_with_its_number_and_what_was_expected() {
    let Some(samples) = common::samples() else {
        return;
    };
    let path = samples
        .iter()
        .find(|p| p.ends_with("demo.drug.example10.1.837"))
        .unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let damaged = text.replace(
        "SV1*HC:J1550*53.37*UN*1.00*11**1",
        "SV1*HC:J1550*53,37*UN*1.00*11**1",
    );
    assert_ne!(damaged, text);
    let imported = claimls_x12::import(&damaged, &Config::default());
    let number = segment::read(&damaged)
        .unwrap()
        .segments
        .iter()
        .find(|s| s.element(2) == "53,37")
        .unwrap()
        .number;
    // One segment per line in this file, so its line is its number.
    assert_eq!(number, 28);
    assert_eq!(imported.problems.len(), 1, "{:?}", imported.problems);
    assert_eq!(
        imported.problems[0].to_string(),
        format!("segment {number} (line {number}): expected the line charge in SV102 as a number")
    );
    // `claimls check` reports it as an x12-segment error at that segment.
    let found = claimls_x12::check_837p(
        &damaged,
        &claimls_data::CodeData::embedded(),
        &Config::default(),
    );
    assert!(
        found
            .iter()
            .any(|f| f.rule == "x12-segment" && f.message.contains("SV102")),
        "{found:?}"
    );
    // The rest of the file is still read: both lines are in the draft.
    assert_eq!(
        claimls_syntax::document(&imported.text).claims[0]
            .lines
            .len(),
        2
    );

    let no_isa = claimls_x12::import("GS*HC*A*B~ST*837*1~", &Config::default());
    assert_eq!(no_isa.problems[0].segment, 1);
    assert!(
        no_isa.problems[0]
            .message
            .starts_with("expected an ISA segment")
    );
}

proptest::proptest! {
    /// Whatever the bytes after an ISA, reading, converting and checking never panic, and every
    /// problem names a segment that exists.
    #[test]
    fn arbitrary_interchanges_never_panic(body in "[A-Z0-9*:~>^ \\n.é-]{0,400}", cut in 0usize..120) {
        let isa = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *231106*1411*^*00501*000000001*0*T*:~";
        let text = format!("{}{body}", &isa[..cut.min(isa.len())]);
        let imported = claimls_x12::import(&text, &Config::default());
        let count = segment::read(&text).map_or(1, |s| s.segments.len().max(1));
        for p in &imported.problems {
            proptest::prop_assert!(p.segment >= 1 && p.segment <= count, "{p}");
        }
        let data = claimls_data::CodeData::embedded();
        let findings = claimls_x12::check_837p(&text, &data, &Config::default());
        for f in findings {
            proptest::prop_assert!(f.span.end <= text.len());
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 128, ..Default::default() })]
    /// A guide example with a piece cut out or a character changed still reads without a panic.
    #[test]
    fn damaged_samples_never_panic(start in 0usize..2000, len in 0usize..40, with in "[*:~A-Z0-9é]{0,3}") {
        let path = common::root().join("../shared/x12/tr3-examples/demo.drug.example10.3.837");
        let Ok(text) = std::fs::read_to_string(path) else { return Ok(()) };
        let start = start.min(text.len());
        let end = (start + len).min(text.len());
        if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return Ok(());
        }
        let damaged = format!("{}{with}{}", &text[..start], &text[end..]);
        let imported = claimls_x12::import(&damaged, &Config::default());
        let _ = claimls_syntax::document(&imported.text);
        let data = claimls_data::CodeData::embedded();
        let findings = claimls_x12::check_837p(&damaged, &data, &Config::default());
        proptest::prop_assert!(findings.iter().all(|f| f.span.end <= damaged.len()));
    }
}
