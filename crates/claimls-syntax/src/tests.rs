//! Lowering tests: small `.claim` texts and the model values and syntax messages they give.

use super::*;
use claimls_model::*;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// The syntax messages of a text, each with the text it points at.
fn errors(text: &str) -> Vec<(String, String)> {
    document(text)
        .syntax
        .iter()
        .map(|e| {
            (
                text.get(e.span.start..e.span.end)
                    .unwrap_or("<bad span>")
                    .to_string(),
                e.message.clone(),
            )
        })
        .collect()
}

fn at(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

fn example(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn parser_builds_and_parses() {
    let tree = parse("claim A\n");
    assert_eq!(tree.root_node().kind(), "source_file");
}

#[test]
fn spec_example_ocrevus_maintenance() {
    let text = example("ocrevus-maintenance.claim");
    let doc = document(&text);
    assert_eq!(doc.syntax, vec![]);
    assert_eq!(doc.claims.len(), 1);
    let c = &doc.claims[0];
    assert_eq!(c.id.value, "OCR-2026-0142");
    assert_eq!(at(&text, c.header), "claim OCR-2026-0142");
    assert!(at(&text, c.span).starts_with("claim OCR-2026-0142"));
    assert!(
        at(&text, c.span).ends_with("line 96415 units 3 dx A"),
        "the claim ends at its last statement, not at the trailing comment"
    );
    let payer = c.payer.as_ref().unwrap();
    assert_eq!(payer.kind.value, PayerKind::Medicare);
    assert!(payer.name.is_none());
    assert_eq!(c.patient.as_ref().unwrap().value, "MBI-1EG4TE5MK72");
    assert_eq!(c.provider.as_ref().unwrap().value, "1234567893");
    assert_eq!(c.pos.as_ref().unwrap().value, "11");
    assert_eq!(c.dxs.len(), 1);
    assert_eq!(c.dxs[0].letter.value, 'A');
    assert!(c.dxs[0].letter_written);
    assert_eq!(c.dxs[0].code.value, "G35.A");
    assert_eq!(at(&text, c.dxs[0].span), "dx A G35.A");
    let order = &c.orders[0];
    assert_eq!(
        order.date.as_ref().unwrap().value,
        Date::new(2026, 11, 1).unwrap()
    );
    assert_eq!(
        order.status.value,
        OrderStatus::Signed {
            by: Some(Spanned::new(
                "R. Patel, MD".to_string(),
                order.status_signer_span(&text)
            ))
        }
    );

    assert_eq!(c.admins.len(), 1);
    let a = &c.admins[0];
    assert_eq!(a.drug.value, "ocrelizumab");
    assert_eq!(at(&text, a.header), "admin ocrelizumab");
    assert!(at(&text, a.span).ends_with("diphenhydramine 50 mg PO\""));
    let dose = a.dose.as_ref().unwrap();
    assert_eq!(dose.value, Quantity::new(dec("600"), DoseUnit::Mg));
    assert_eq!(at(&text, dose.span), "600 mg");
    assert_eq!(a.route.as_ref().unwrap().value, "iv");
    let start = a.start.as_ref().unwrap();
    assert_eq!(start.value.date, Date::new(2026, 11, 20).unwrap());
    assert_eq!(start.value.time, Time::parse("09:30").unwrap());
    assert_eq!(at(&text, start.span), "2026-11-20 09:30");
    let stop = a.stop.as_ref().unwrap();
    assert_eq!(stop.date, None);
    assert_eq!(stop.time.value, Time::parse("13:05").unwrap());
    assert_eq!(a.vials.len(), 1);
    assert_eq!(
        a.vials[0].size.value,
        VialSize::Ndc(Ndc::parse("50242-0150-01"))
    );
    assert_eq!(a.vials[0].count.value, 2);
    assert_eq!(at(&text, a.vials[0].span), "vial 50242-0150-01 x2");
    assert_eq!(a.wastes.len(), 1);
    assert_eq!(
        a.wastes[0].amount.value,
        Quantity::new(dec("0"), DoseUnit::Mg)
    );
    assert_eq!(a.reaction.as_ref().unwrap().value, Reaction::None);
    assert_eq!(
        a.premeds[0].value,
        "methylprednisolone 100 mg IV, diphenhydramine 50 mg PO"
    );

    assert_eq!(c.lines.len(), 3);
    let l = &c.lines[0];
    assert_eq!(l.code.value, "J2350");
    assert_eq!(
        l.modifiers
            .iter()
            .map(|m| m.value.as_str())
            .collect::<Vec<_>>(),
        ["JZ"]
    );
    assert_eq!(l.units.as_ref().unwrap().value, dec("600"));
    assert_eq!(
        l.dx.as_ref()
            .unwrap()
            .iter()
            .map(|p| p.value.clone())
            .collect::<Vec<_>>(),
        [DxPointer::Letter('A')]
    );
    let ndc = l.ndc.as_ref().unwrap();
    assert_eq!(ndc.ndc.value.digits.as_deref(), Some("50242015001"));
    assert_eq!(ndc.quantity.as_ref().unwrap().value, dec("20"));
    assert_eq!(ndc.unit.as_ref().unwrap().value, NdcUnit::Ml);
    assert_eq!(at(&text, ndc.span), "ndc 50242-0150-01 20 ML");
    assert_eq!(
        at(&text, l.span),
        "line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML"
    );
    assert_eq!(c.lines[2].code.value, "96415");
    assert_eq!(c.lines[2].units.as_ref().unwrap().value, dec("3"));
}

/// The span of the signer string in an order, for comparing whole statuses.
trait SignerSpan {
    fn status_signer_span(&self, text: &str) -> Span;
}

impl SignerSpan for Order {
    fn status_signer_span(&self, text: &str) -> Span {
        let stmt = &text[self.span.start..self.span.end];
        let q = stmt.find('"').unwrap();
        Span::new(self.span.start + q, self.span.end)
    }
}

#[test]
fn spec_example_infliximab_waste() {
    let text = example("infliximab-waste.claim");
    let doc = document(&text);
    assert_eq!(doc.syntax, vec![]);
    let c = &doc.claims[0];
    let payer = c.payer.as_ref().unwrap();
    assert_eq!(payer.kind.value, PayerKind::Commercial);
    assert_eq!(payer.name.as_ref().unwrap().value, "Acme Health PPO");
    assert_eq!(
        at(&text, payer.name.as_ref().unwrap().span),
        "\"Acme Health PPO\""
    );
    let auth = &c.auths[0];
    assert_eq!(auth.number.value, "PA-20261101-77");
    assert_eq!(
        auth.from.as_ref().unwrap().value,
        Date::new(2026, 11, 1).unwrap()
    );
    assert_eq!(
        auth.to.as_ref().unwrap().value,
        Date::new(2027, 4, 30).unwrap()
    );
    let a = &c.admins[0];
    assert_eq!(
        a.vials[0].size.value,
        VialSize::Amount(Quantity::new(dec("100"), DoseUnit::Mg))
    );
    assert_eq!(a.vials[0].count.value, 4);
    let w = &a.wastes[0];
    assert_eq!(w.amount.value, Quantity::new(dec("50"), DoseUnit::Mg));
    assert_eq!(w.witness.as_ref().unwrap().value, "K. Ortiz, RN");
    assert_eq!(
        w.evidence.as_ref().unwrap().value,
        "wastage log 2026-11-12 #14"
    );
    assert!(w.reason.is_none());
    assert_eq!(c.lines.len(), 4);
    assert_eq!(c.lines[1].modifiers[0].value, "JW");
    assert_eq!(c.lines[1].units.as_ref().unwrap().value, dec("5"));
}

#[test]
fn every_example_lowers_without_syntax_errors() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "claim") {
            let text = std::fs::read_to_string(&path).unwrap();
            let doc = document(&text);
            assert_eq!(doc.syntax, vec![], "{}", path.display());
            assert!(!doc.claims.is_empty(), "{}", path.display());
            seen += 1;
        }
    }
    assert!(seen >= 6);
}

#[test]
fn crlf_input_gives_the_same_values_and_clean_spans() {
    let lf = example("infliximab-waste.claim");
    let crlf = lf.replace('\n', "\r\n");
    let doc = document(&crlf);
    assert_eq!(doc.syntax, vec![]);
    let c = &doc.claims[0];
    assert_eq!(c.lines.len(), 4);
    assert_eq!(c.admins[0].dose.as_ref().unwrap().value.amount, dec("350"));
    for line in &c.lines {
        assert!(
            !at(&crlf, line.span).contains('\r'),
            "{:?}",
            at(&crlf, line.span)
        );
    }
    assert_eq!(at(&crlf, c.header), "claim IFX-2026-0007");
}

#[test]
fn no_newline_at_the_end() {
    let text = "claim A\n  admin infliximab\n    dose 350 mg";
    let doc = document(text);
    assert_eq!(doc.syntax, vec![]);
    let dose = doc.claims[0].admins[0].dose.as_ref().unwrap();
    assert_eq!(at(text, dose.span), "350 mg");
    assert_eq!(at(text, doc.claims[0].span), text);
}

#[test]
fn astral_characters_in_strings_and_comments() {
    let text = "claim A # 😀 comment\n  note \"pain 😀 𝄞 noted\"\n  pos 11\n";
    let doc = document(text);
    assert_eq!(doc.syntax, vec![]);
    let c = &doc.claims[0];
    assert_eq!(c.notes[0].value, "pain 😀 𝄞 noted");
    assert_eq!(c.pos.as_ref().unwrap().value, "11");
    assert_eq!(at(text, c.pos.as_ref().unwrap().span), "11");
}

#[test]
fn codes_modifiers_and_dx_are_upper_cased() {
    let text = "claim A\n  dx b g35.a\n  line j2350 jz units 600 dx b,g35.a\n";
    let c = &document(text).claims[0];
    assert_eq!(c.dxs[0].letter.value, 'B');
    assert_eq!(c.dxs[0].code.value, "G35.A");
    assert_eq!(c.lines[0].code.value, "J2350");
    assert_eq!(c.lines[0].modifiers[0].value, "JZ");
    assert_eq!(
        c.lines[0]
            .dx
            .as_ref()
            .unwrap()
            .iter()
            .map(|p| p.value.clone())
            .collect::<Vec<_>>(),
        [DxPointer::Letter('B'), DxPointer::Code("G35.A".into())]
    );
}

#[test]
fn dx_letters_are_assigned_in_order_skipping_written_ones() {
    let text = "claim A\n  dx K50.90\n  dx A G35.A\n  dx M05.79\n  dx C G35.D\n  dx J45.909\n";
    let c = &document(text).claims[0];
    let letters: Vec<(char, bool, &str)> = c
        .dxs
        .iter()
        .map(|d| (d.letter.value, d.letter_written, d.code.value.as_str()))
        .collect();
    assert_eq!(
        letters,
        [
            ('B', false, "K50.90"),
            ('A', true, "G35.A"),
            ('D', false, "M05.79"),
            ('C', true, "G35.D"),
            ('E', false, "J45.909"),
        ]
    );
    // An assigned letter points at the code.
    assert_eq!(at(text, c.dxs[0].letter.span), "K50.90");
}

#[test]
fn dx_letter_problems() {
    assert_eq!(
        errors("claim A\n  dx A G35.A\n  dx A K50.90\n"),
        [(
            "A".to_string(),
            "letter `A` is already `G35.A`: give each diagnosis its own letter (A to L)"
                .to_string()
        )]
    );
    let e = errors("claim A\n  dx Q G35.A\n");
    assert!(e[0].1.contains("`Q` is not a diagnosis letter"), "{e:?}");
    let thirteen: String = (0..13).map(|i| format!("dx K50.9{i}\n")).collect();
    let e = errors(&format!("claim A\n{thirteen}"));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].1.starts_with("no diagnosis letter left"));
    assert_eq!(e[0].0, "dx K50.912");
}

#[test]
fn values_of_the_wrong_shape() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "dose 600",
            "dose 600",
            "`dose` needs an amount and a unit, e.g. `dose 600 mg`",
        ),
        (
            "dose 600 mgs",
            "mgs",
            "unknown unit `mgs`; write mg, mcg, g, ml or units",
        ),
        (
            "start 2026-11-20",
            "start 2026-11-20",
            "`start` needs a date and a time, e.g. `start 2026-11-20 09:30`",
        ),
        (
            "start 2026-02-30 09:30",
            "2026-02-30",
            "`2026-02-30` is not a date; write YYYY-MM-DD",
        ),
        (
            "stop 25:00",
            "25:00",
            "`25:00` is not a time; write HH:MM (24-hour)",
        ),
        (
            "vial 100 mg x0",
            "x0",
            "`x0`: a count is at least 1; write how many containers were opened, e.g. `x2`",
        ),
    ];
    for (statement, at_text, message) in cases {
        let text = format!("claim A\n  admin infliximab\n    {statement}\n");
        assert_eq!(
            errors(&text),
            [(at_text.to_string(), message.to_string())],
            "{statement}"
        );
    }
}

#[test]
fn payer_kind_must_be_one_of_four() {
    let e = errors("claim A\n  payer bluecross \"Blue\"\n");
    assert_eq!(
        e,
        [(
            "bluecross".to_string(),
            "unknown payer kind `bluecross`; write medicare, medicare-advantage, medicaid or commercial"
                .to_string()
        )]
    );
    let doc = document("claim A\n  payer medicare-advantage \"Summit\"\n");
    assert_eq!(
        doc.claims[0].payer.as_ref().unwrap().kind.value,
        PayerKind::MedicareAdvantage
    );
}

#[test]
fn detail_statements_need_an_admin_above_them() {
    let text = "claim A\n  dose 600 mg\n  admin ocrelizumab\n  line J2350 units 600\n  route iv\n";
    let doc = document(text);
    assert_eq!(
        errors(text),
        [(
            "dose 600 mg".to_string(),
            "`dose` belongs under an `admin` line".to_string()
        )]
    );
    // Indentation and an intervening line do not matter: `route` belongs to the admin above it.
    let a = &doc.claims[0].admins[0];
    assert_eq!(a.route.as_ref().unwrap().value, "iv");
    assert!(at(text, a.span).ends_with("route iv"));
}

#[test]
fn details_belong_to_the_nearest_admin_of_the_same_claim() {
    let text = "claim A\n admin infliximab\n dose 350 mg\n admin ocrelizumab\ndose 600 mg\nclaim B\n  dose 1 mg\n";
    let doc = document(text);
    let a = &doc.claims[0].admins;
    assert_eq!(a[0].dose.as_ref().unwrap().value.amount, dec("350"));
    assert_eq!(a[1].dose.as_ref().unwrap().value.amount, dec("600"));
    assert_eq!(doc.claims.len(), 2);
    assert_eq!(
        errors(text),
        [(
            "dose 1 mg".to_string(),
            "`dose` belongs under an `admin` line".to_string()
        )]
    );
}

#[test]
fn statements_before_the_first_claim() {
    let e = errors("payer medicare\nclaim A\n");
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].0, "payer medicare");
    assert!(
        e[0].1
            .starts_with("a statement before the first `claim` line")
    );
}

#[test]
fn repeated_statements_keep_the_first() {
    let text = "claim A\n  pos 11\n  pos 22\n  admin x\n    dose 1 mg\n    dose 2 mg\n  line J1745 units 1 units 2\n";
    let doc = document(text);
    let c = &doc.claims[0];
    assert_eq!(c.pos.as_ref().unwrap().value, "11");
    assert_eq!(c.admins[0].dose.as_ref().unwrap().value.amount, dec("1"));
    assert_eq!(c.lines[0].units.as_ref().unwrap().value, dec("1"));
    assert_eq!(
        errors(text),
        [
            (
                "pos 22".to_string(),
                "a second `pos` in one claim: keep one".to_string()
            ),
            (
                "dose 2 mg".to_string(),
                "a second `dose` in one admin: keep one".to_string()
            ),
            (
                "units 2".to_string(),
                "a second `units` on one line: keep one".to_string()
            ),
        ]
    );
}

#[test]
fn line_without_units_is_left_to_the_rules() {
    let text = "claim A\n  line J2350 JZ dx A\n";
    let doc = document(text);
    assert_eq!(doc.syntax, vec![]);
    assert!(doc.claims[0].lines[0].units.is_none());
}

#[test]
fn line_ndc_and_charge_and_on() {
    let text =
        "claim A\n  line J2350 units 600 ndc 50242015001 20 ml charge 1250.50 on 2026-11-20\n";
    let doc = document(text);
    assert_eq!(doc.syntax, vec![]);
    let l = &doc.claims[0].lines[0];
    let ndc = l.ndc.as_ref().unwrap();
    assert_eq!(ndc.ndc.value.hyphenated().as_deref(), Some("50242-0150-01"));
    assert_eq!(ndc.unit.as_ref().unwrap().value, NdcUnit::Ml);
    assert_eq!(l.charge.as_ref().unwrap().value, dec("1250.50"));
    assert_eq!(
        l.on.as_ref().unwrap().value,
        Date::new(2026, 11, 20).unwrap()
    );
    // An invalid NDC keeps its raw text: its validity is a rule's business.
    let doc = document("claim A\n  line J2350 units 600 ndc 5024-0150-01 20 ML\n");
    assert_eq!(doc.syntax, vec![]);
    let ndc = &doc.claims[0].lines[0].ndc.as_ref().unwrap().ndc.value;
    assert_eq!(ndc.raw, "5024-0150-01");
    assert_eq!(ndc.digits, None);
    let e = errors("claim A\n  line J2350 units 600 ndc 50242-0150-01 20 MG\n");
    assert_eq!(
        e,
        [(
            "MG".to_string(),
            "unknown NDC unit `MG`; write ML, UN, GR, F2 or ME".to_string()
        )]
    );
}

#[test]
fn multi_word_and_quoted_drug_names() {
    let doc =
        document("claim A\n  admin ocrelizumab  and   hyaluronidase\n  admin \"Ocrevus Zunovo\"\n");
    let a = &doc.claims[0].admins;
    assert_eq!(a[0].drug.value, "ocrelizumab and hyaluronidase");
    assert_eq!(a[1].drug.value, "Ocrevus Zunovo");
}

#[test]
fn orders_history_and_reactions() {
    let text = "claim A\n  order 2026-11-01 unsigned\n  history \"adalimumab\" failed 2026-03-01\n  history \"methotrexate\" intolerant\n  admin x\n    reaction \"flushing, slowed\"\n";
    let doc = document(text);
    assert_eq!(doc.syntax, vec![]);
    let c = &doc.claims[0];
    assert_eq!(c.orders[0].status.value, OrderStatus::Unsigned);
    assert_eq!(c.history[0].treatment.value, "adalimumab");
    assert_eq!(
        c.history[0].outcome.as_ref().unwrap().value,
        HistoryOutcome::Failed
    );
    assert_eq!(
        c.history[0].date.as_ref().unwrap().value,
        Date::new(2026, 3, 1).unwrap()
    );
    assert_eq!(
        c.history[1].outcome.as_ref().unwrap().value,
        HistoryOutcome::Intolerant
    );
    assert_eq!(
        c.admins[0].reaction.as_ref().unwrap().value,
        Reaction::Described("flushing, slowed".into())
    );
    let e = errors("claim A\n  history \"adalimumab\" worked\n");
    assert!(e[0].1.starts_with("unknown outcome `worked`"), "{e:?}");
}

#[test]
fn quantities_are_exact_decimals() {
    let doc = document("claim A\n  admin x\n    dose 0.1 mg\n    waste 0.25 ml\n");
    let a = &doc.claims[0].admins[0];
    assert_eq!(a.dose.as_ref().unwrap().value.amount, dec("0.1"));
    assert_eq!(
        a.wastes[0].amount.value,
        Quantity::new(dec("0.25"), DoseUnit::Ml)
    );
}

#[test]
fn an_unreadable_line_is_one_error_and_the_rest_still_lowers() {
    let text = "claim A\n  pos 11\n  this is not a statement\n  dx A G35.A\n";
    let doc = document(text);
    let e = errors(text);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].1
            .starts_with("cannot read this line: a statement starts with a keyword (claim, payer,"),
        "{e:?}"
    );
    assert!(
        e[0].0.contains("this is not a statement") || text.contains(&e[0].0),
        "{e:?}"
    );
    assert_eq!(doc.claims.len(), 1);
    assert_eq!(doc.claims[0].pos.as_ref().unwrap().value, "11");
    assert_eq!(doc.claims[0].dxs[0].code.value, "G35.A");
}

/// Error recovery wraps the tokens it skips in an ERROR that is an extra (as a comment is). When the
/// whole text is one ERROR (here: no line end after the last, broken line), the skipped `JW` line
/// was taken for a comment and went unreported, while `claimls check`, which reads the text before
/// the first claim on its own, reported it. Found by mutating the fuzz corpus.
#[test]
fn a_line_error_recovery_skipped_is_reported_like_any_other() {
    let text = "JW\nclaim A\n  history \"x\"!  p\tos 11#";
    let keyword = "cannot read this line: a statement starts with a keyword (claim, payer,";
    let e = errors(text);
    assert_eq!(
        e.iter().map(|(at, _)| at.as_str()).collect::<Vec<_>>(),
        ["JW", "history \"x\"!  p\tos 11"],
        "{e:?}"
    );
    assert!(e.iter().all(|(_, m)| m.starts_with(keyword)), "{e:?}");
    // The comment that ends the text is still no error.
    let text = "JW\nclaim A\n  pos 11 # note\n  history \"x\"!";
    let e = errors(text);
    assert_eq!(e.first().map(|(at, _)| at.as_str()), Some("JW"), "{e:?}");
    assert!(e.iter().all(|(at, _)| !at.contains('#')), "{e:?}");
}

#[test]
fn empty_and_comment_only_texts() {
    for text in ["", "\n", "# nothing here\n", "   \r\n\r\n"] {
        let doc = document(text);
        assert!(doc.claims.is_empty());
        assert_eq!(doc.syntax, vec![], "{text:?}");
    }
}

#[test]
fn unreadable_lines_say_what_is_wrong() {
    let cases: &[(&str, &str)] = &[
        (
            "claim A\n  dosee 5 mg\n  pos 11\n",
            "`dosee` is not a keyword; did you mean `dose`?",
        ),
        (
            "claim A\n  Dose 5 mg\n  pos 11\n",
            "`Dose` is not a keyword: keywords are lowercase; write `dose`",
        ),
        (
            "claim A\n  note \"abc\n  pos 11\n",
            "a quoted text is not closed: end it with `\"` on the same line",
        ),
        (
            "claim A\n  admin x\n    dose 5 mg mg\n    route iv\n",
            "unexpected `mg` in `dose`: `dose` needs an amount and a unit, e.g. `dose 600 mg`",
        ),
        (
            "claim A\n  units 5\n  pos 11\n",
            "`units` is part of a `line` statement, e.g. `line J2350 JZ units 600 dx A`",
        ),
    ];
    for (text, message) in cases {
        let e = errors(text);
        assert_eq!(e.len(), 1, "{text:?}: {e:?}");
        assert!(e[0].1.contains(message), "{text:?}: {e:?}");
        let doc = document(text);
        if text.contains("pos 11") {
            assert_eq!(
                doc.claims[0].pos.as_ref().map(|p| p.value.as_str()),
                Some("11"),
                "{text:?}"
            );
        }
    }
}

#[test]
fn lone_carriage_returns_are_named() {
    let text = "claim A\r  pos 11\r";
    let e = errors(text);
    assert!(
        e.iter()
            .any(|(at, m)| at == "\r" && m.contains("lone carriage return")),
        "{e:?}"
    );
    assert!(
        e.iter().all(|(_, m)| !m.contains("did you mean `pos`")),
        "an exact keyword is never its own suggestion: {e:?}"
    );
}

#[test]
fn each_line_with_lone_carriage_returns_is_named_once() {
    let text = "claim A\r\r  pos 11\nclaim B\n  pos 11\r\n  dx A G35.A\r\n";
    let at: Vec<usize> = document(text)
        .syntax
        .iter()
        .filter(|e| e.message.contains("lone carriage return"))
        .map(|e| e.span.start)
        .collect();
    assert_eq!(at, vec![7], "one per line, CRLF is a line end: {at:?}");
    let two_claims = "claim A\r  pos 11\nclaim B\r  pos 11\n";
    let at: Vec<usize> = document(two_claims)
        .syntax
        .iter()
        .filter(|e| e.message.contains("lone carriage return"))
        .map(|e| e.span.start)
        .collect();
    assert_eq!(
        at,
        vec![7, 24],
        "the second claim's line is named too (the editor checks it alone)"
    );
}

#[test]
fn a_transposed_keyword_gets_the_keyword_it_meant() {
    let text = "claim A\n  paeyr medicare\n  dsoe 3 mg\n";
    assert_eq!(
        errors(text),
        vec![
            (
                "paeyr medicare".to_string(),
                "cannot read this line: `paeyr` is not a keyword; did you mean `payer`?"
                    .to_string()
            ),
            (
                "dsoe 3 mg".to_string(),
                "cannot read this line: `dsoe` is not a keyword; did you mean `dose`?".to_string()
            ),
        ]
    );
}

#[test]
fn a_misspelt_keyword_gets_the_keyword_that_fits_its_place() {
    // Under an `admin`, `dos` is a detail line: `dose`; at claim level it is `pos`.
    let text = "claim A\n  dos 11\n  admin x\n    dos 600 mg\n";
    assert_eq!(
        errors(text),
        vec![
            (
                "dos 11".to_string(),
                "cannot read this line: `dos` is not a keyword; did you mean `pos`?".to_string()
            ),
            (
                "dos 600 mg".to_string(),
                "cannot read this line: `dos` is not a keyword; did you mean `dose`?".to_string()
            ),
        ]
    );
}

#[test]
fn unit_in_a_line_is_one_finding_and_its_value_is_the_units() {
    let text = "claim A\n  line J2350 JZ unit 600 dx A\n";
    assert_eq!(
        errors(text),
        vec![(
            "unit".to_string(),
            "`unit` is not a modifier: did you mean `units`? e.g. `units 600`".to_string()
        )]
    );
    let doc = document(text);
    let line = &doc.claims[0].lines[0];
    let modifiers: Vec<&str> = line.modifiers.iter().map(|m| m.value.as_str()).collect();
    assert_eq!(modifiers, ["JZ"], "neither UNIT nor 600 is a modifier");
    let units = line.units.as_ref().expect("600 read as the units");
    assert_eq!(units.value, dec("600"));
    assert_eq!(at(text, units.span), "600");
    assert!(line.dx.is_some(), "the clauses after it are still read");
}

#[test]
fn a_misspelt_ndc_keeps_the_ndc_out_of_the_modifiers() {
    let text = "claim A\n  line J2350 JZ ndcc 50242-0150-01 10 ML\n";
    assert_eq!(
        errors(text),
        vec![(
            "ndcc 50242-0150-01 10 ML".to_string(),
            "`ndcc` is not a modifier: did you mean `ndc`? e.g. `ndc 50242-0150-01 20 ML`"
                .to_string()
        )]
    );
    let doc = document(text);
    let modifiers: Vec<&str> = doc.claims[0].lines[0]
        .modifiers
        .iter()
        .map(|m| m.value.as_str())
        .collect();
    assert_eq!(modifiers, ["JZ"]);
}

#[test]
fn a_bare_statement_never_swallows_the_next_claim() {
    for (keyword, message) in [
        ("dx", "`dx` needs an ICD-10-CM code, e.g. `dx A G35.A`"),
        (
            "admin",
            "`admin` needs a drug: a generic name, a brand or a HCPCS code, e.g. `admin ocrelizumab`",
        ),
        (
            "line",
            "`line` needs a code, e.g. `line J2350 JZ units 600 dx A`",
        ),
    ] {
        let text = format!("claim A-1\n  {keyword}\nclaim B-2\n  pos 11\n");
        let doc = document(&text);
        let ids: Vec<&str> = doc.claims.iter().map(|c| c.id.value.as_str()).collect();
        assert_eq!(ids, ["A-1", "B-2"], "`{keyword}` swallowed the next claim");
        assert_eq!(
            doc.claims[1].pos.as_ref().map(|p| p.value.as_str()),
            Some("11")
        );
        let errs = errors(&text);
        assert_eq!(errs.len(), 1, "{keyword}: {errs:?}");
        assert_eq!(errs[0].0, keyword);
        assert_eq!(errs[0].1, message);
    }
}

#[test]
fn a_bare_clause_or_detail_never_swallows_the_next_claim() {
    // Found by the lsp_edits fuzzer: `ndc` at the end of a line read the next `claim` line as its NDC.
    for (written, at) in [
        ("line J2350 JZ units 600 dx A ndc", "ndc"),
        ("line J2350 JZ units 600 dx", "dx"),
        ("line J2350 JZ units 600 dx A charge", "charge"),
        ("line J2350 JZ units 600 dx A on", "on"),
        ("admin ocrelizumab\n    reaction", "reaction"),
        ("admin ocrelizumab\n    premed", "premed"),
        ("admin ocrelizumab\n    waste 0 mg witness", "witness"),
        ("note", "note"),
        ("history", "history"),
        ("history \"adalimumab\"", "history \"adalimumab\""),
        ("auth PA-1 from", "auth PA-1 from"),
    ] {
        let text = format!("claim A-1\n  {written}\nclaim B-2\n  pos 11\n");
        let doc = document(&text);
        let ids: Vec<&str> = doc.claims.iter().map(|c| c.id.value.as_str()).collect();
        assert_eq!(ids, ["A-1", "B-2"], "`{written}` swallowed the next claim");
        assert_eq!(
            doc.claims[1].pos.as_ref().map(|p| p.value.as_str()),
            Some("11")
        );
        let errs = errors(&text);
        assert_eq!(errs.len(), 1, "{written}: {errs:?}");
        assert!(errs[0].0.ends_with(at), "{written}: {errs:?}");
        assert!(errs[0].1.contains("e.g."), "says what to write: {errs:?}");
    }
}

#[test]
fn a_bare_note_does_not_take_a_quoted_line_below_it() {
    // Found by the format property test: error recovery read `"a b"` two lines down as the text of a
    // bare `note`, and whether it did depended on spacing, so formatting changed the claim.
    let text = "claim A\n note \n  # c\n \"a b\" \n";
    let doc = document(text);
    assert!(doc.claims[0].notes.is_empty(), "{:?}", doc.claims[0].notes);
    let errs = errors(text);
    assert!(
        errs.iter()
            .any(|(at, m)| at == "note" && m.contains("`note` needs quoted text")),
        "{errs:?}"
    );
}

#[test]
fn keyword_table_matches_the_lowering() {
    // Every keyword of the shared table is one the lowering knows: written in capitals, it is told to
    // write it lowercase (a word the lowering does not know gets another message).
    for kw in keywords::CLAIM.iter().chain(keywords::DETAIL) {
        let upper = kw.to_ascii_uppercase();
        let text = format!("claim C1\n  {upper} x\n");
        let messages: Vec<String> = errors(&text).into_iter().map(|(_, m)| m).collect();
        let want = format!("`{upper}` is not a keyword: keywords are lowercase; write `{kw}`");
        assert!(messages.contains(&want), "{kw}: {messages:?}");
    }
    let messages: Vec<String> = errors("claim C1\n  ZEBRA x\n")
        .into_iter()
        .map(|(_, m)| m)
        .collect();
    assert!(
        !messages
            .iter()
            .any(|m| m.contains("keywords are lowercase")),
        "{messages:?}"
    );
    for clause in keywords::LINE_CLAUSES.iter().filter(|c| **c != "dx") {
        let text = format!("claim C1\n  {clause} 1\n");
        let messages: Vec<String> = errors(&text).into_iter().map(|(_, m)| m).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("is part of a `line` statement")),
            "{clause}: {messages:?}"
        );
    }
}
