//! Editor features through the in-process harness: completion in every context, hover on every kind
//! of token, formatting, symbols, folding, go to definition, inlay hints, semantic tokens.

mod lsp_support;

use lsp_support::fixture::{INFLIXIMAB, OCREVUS};
use lsp_support::*;
use serde_json::{Value, json};

const URI: &str = "file:///work/features.claim";

/// The completion labels at the `▮` in `text`, best first (by sortText).
async fn complete(s: &mut TestServer, text: &str) -> Vec<Value> {
    let (text, pos) = cursor(text);
    s.open_checked(URI, &text).await;
    let r = s
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": pos}),
        )
        .await;
    s.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": URI}}),
    )
    .await;
    s.await_diagnostics(URI).await;
    let mut items: Vec<Value> = r["items"].as_array().cloned().unwrap_or_default();
    items.sort_by(|a, b| {
        let key = |v: &Value| {
            (
                v["sortText"].as_str().unwrap_or("").to_string(),
                v["label"].as_str().unwrap_or("").to_string(),
            )
        };
        key(a).cmp(&key(b))
    });
    items
}

fn labels(items: &[Value]) -> Vec<&str> {
    items.iter().filter_map(|i| i["label"].as_str()).collect()
}

const HEAD: &str = "claim C1\n  payer medicare\n  dx A G35.A\n  admin Ocrevus\n    dose 600 mg\n";

#[tokio::test]
async fn completion_after_line_offers_codes_with_the_claims_drug_first() {
    let mut s = TestServer::initialized().await;
    let items = complete(&mut s, &format!("{HEAD}  line ▮\n")).await;
    assert_eq!(
        labels(&items).first(),
        Some(&"J2350"),
        "{:?}",
        labels(&items)
    );
    assert!(labels(&items).contains(&"J1745"));
    let j2350 = &items[0];
    assert!(
        j2350["detail"]
            .as_str()
            .is_some_and(|d| d.contains("1 unit = 1 mg")),
        "{j2350}"
    );
    assert!(
        j2350["documentation"]["value"]
            .as_str()
            .is_some_and(|d| d.contains("Ocrevus"))
    );
    // By drug name: `line ocre` offers J2350, replacing the typed word.
    let items = complete(&mut s, "claim C1\n  line ocre▮\n").await;
    // (The embedded curated data adds J2351, ocrelizumab and hyaluronidase.)
    assert_eq!(
        labels(&items).first(),
        Some(&"J2350"),
        "{:?}",
        labels(&items)
    );
    assert_eq!(items[0]["textEdit"]["newText"], "J2350");
    assert_eq!(
        items[0]["textEdit"]["range"]["start"],
        json!({"line": 1, "character": 7})
    );
    assert!(
        items[0]["filterText"]
            .as_str()
            .is_some_and(|f| f.starts_with("ocre"))
    );
    // By brand.
    let items = complete(&mut s, "claim C1\n  line Remi▮\n").await;
    assert_eq!(
        labels(&items).first(),
        Some(&"J1745"),
        "{:?}",
        labels(&items)
    );
    // By code prefix.
    let items = complete(&mut s, "claim C1\n  line 964▮\n").await;
    let l = labels(&items);
    assert!(l.contains(&"96413") && l.contains(&"96415"), "{l:?}");
    assert!(l.iter().all(|c| c.starts_with("964")), "{l:?}");
    s.finish().await;
}

#[tokio::test]
async fn completion_after_a_code_offers_the_modifiers_that_fit_it() {
    let mut s = TestServer::initialized().await;
    let items = complete(&mut s, &format!("{HEAD}  line J2350 ▮\n")).await;
    let l = labels(&items);
    // The waste modifiers first; the record gives no billable waste, so JZ before JW.
    assert_eq!(&l[..2], &["JZ", "JW"], "{l:?}");
    assert!(l.contains(&"JB") && l.contains(&"KX") && l.contains(&"units"));
    assert!(
        !l.contains(&"25") && !l.contains(&"59"),
        "no procedure modifiers on a drug code: {l:?}"
    );
    // The first items carry their documentation; the rest get it on completionItem/resolve.
    assert!(
        items[0]["documentation"]["value"]
            .as_str()
            .is_some_and(|d| d.contains("JZ"))
    );
    let late = items
        .iter()
        .skip(25)
        .find(|i| i["documentation"].is_null() && !i["data"].is_null());
    assert!(late.is_some() || items.len() <= 25, "{} items", items.len());
    if let Some(late) = late {
        let resolved = s.request("completionItem/resolve", late.clone()).await;
        let doc = resolved["documentation"]["value"].as_str().unwrap_or("");
        assert!(
            doc.contains(late["label"].as_str().unwrap_or("?")),
            "{resolved}"
        );
    }
    // No drug modifiers on a CPT administration code.
    let items = complete(&mut s, &format!("{HEAD}  line 96413 ▮\n")).await;
    let l = labels(&items);
    assert!(
        !l.contains(&"JW") && !l.contains(&"JZ") && !l.contains(&"JB"),
        "{l:?}"
    );
    assert!(l.contains(&"25") && l.contains(&"59"));
    // Modifiers already written are not offered again; clauses already written neither.
    let items = complete(&mut s, &format!("{HEAD}  line J2350 JZ units 600 ▮\n")).await;
    let l = labels(&items);
    assert!(!l.contains(&"JZ") && !l.contains(&"units"), "{l:?}");
    assert!(l.contains(&"dx") && l.contains(&"ndc"));
    s.finish().await;
}

#[tokio::test]
async fn completion_of_line_clauses_pointers_and_ndcs() {
    let mut s = TestServer::initialized().await;
    let items = complete(&mut s, &format!("{HEAD}  line J2350 JZ units 600 dx ▮\n")).await;
    assert_eq!(labels(&items).first(), Some(&"A"));
    assert_eq!(items[0]["detail"], "G35.A");
    let items = complete(&mut s, &format!("{HEAD}  line J2350 JZ units 600 ndc ▮\n")).await;
    assert_eq!(labels(&items), vec!["50242-0150-01"]);
    let items = complete(
        &mut s,
        &format!("{HEAD}  line J2350 JZ units 600 ndc 50242-0150-01 20 ▮\n"),
    )
    .await;
    assert_eq!(labels(&items), vec!["ML", "UN", "GR", "F2", "ME"]);
    s.finish().await;
}

#[tokio::test]
async fn completion_after_dx_offers_billable_codes_with_the_drugs_indications_first() {
    let mut s = TestServer::initialized().await;
    let items = complete(&mut s, "claim C1\n  admin ocrelizumab\n  dx ▮\n").await;
    let l = labels(&items);
    assert_eq!(&l[..2], &["G35.A", "G35.B0"], "{l:?}");
    let items = complete(&mut s, "claim C1\n  admin ocrelizumab\n  dx K50▮\n").await;
    assert!(labels(&items).contains(&"K50.90"), "{:?}", labels(&items));
    assert!(
        !l.contains(&"G35") && !l.contains(&"K50"),
        "headers are never offered: {l:?}"
    );
    // By prefix, with the letter written: a header's billable codes instead of the header.
    let items = complete(&mut s, "claim C1\n  dx A K5▮\n").await;
    let l = labels(&items);
    assert!(l.contains(&"K50.90") && !l.contains(&"K50"), "{l:?}");
    // By title word.
    let items = complete(&mut s, "claim C1\n  dx crohn▮\n").await;
    let l = labels(&items);
    assert!(l.contains(&"K50.90") && !l.contains(&"K50"), "{l:?}");
    s.finish().await;
}

#[tokio::test]
async fn completion_of_pos_route_payer_admin_vial_and_units() {
    let mut s = TestServer::initialized().await;
    let items = complete(&mut s, "claim C1\n  pos ▮\n").await;
    assert_eq!(labels(&items), vec!["11", "19", "22"]);
    assert_eq!(items[0]["detail"], "Office");
    let items = complete(&mut s, "claim C1\n  admin x\n    route ▮\n").await;
    assert_eq!(labels(&items)[..5], ["iv", "ivp", "sc", "im", "po"]);
    let items = complete(&mut s, "claim C1\n  payer ▮\n").await;
    assert_eq!(
        labels(&items),
        vec!["medicare", "medicare-advantage", "medicaid", "commercial"]
    );
    let items = complete(&mut s, "claim C1\n  admin ▮\n").await;
    let l = labels(&items);
    for name in [
        "ocrelizumab",
        "Ocrevus",
        "infliximab",
        "Remicade",
        "edaravone",
    ] {
        assert!(l.contains(&name), "{name} missing from {l:?}");
    }
    let ocrevus = items
        .iter()
        .find(|i| i["label"] == "Ocrevus")
        .expect("Ocrevus");
    assert!(
        ocrevus["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("J2350"))
    );
    // A multi-word drug name is replaced whole.
    let items = complete(&mut s, "claim C1\n  admin ocre liz▮\n").await;
    let item = items
        .iter()
        .find(|i| i["label"] == "ocrelizumab")
        .expect("ocrelizumab");
    assert_eq!(
        item["textEdit"]["range"]["start"],
        json!({"line": 1, "character": 8})
    );
    // vial: the admin's drug's NDCs with their sizes.
    let items = complete(&mut s, &format!("{HEAD}    vial ▮\n")).await;
    // The dose (600 mg of 300 mg vials) gives the count: the NDC with it first.
    assert_eq!(labels(&items), vec!["50242-0150-01 x2", "50242-0150-01"]);
    assert!(
        items[1]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("300 mg") && d.contains("single-dose"))
    );
    // Units after an amount.
    let items = complete(&mut s, &format!("{HEAD}    waste 0 ▮\n")).await;
    assert_eq!(labels(&items), vec!["mg", "mcg", "g", "ml", "units"]);
    let items = complete(&mut s, &format!("{HEAD}    reaction ▮\n")).await;
    assert_eq!(labels(&items), vec!["none"]);
    s.finish().await;
}

#[tokio::test]
async fn completion_of_keywords_and_snippets() {
    let mut s = TestServer::initialized().await;
    // Under an admin, the detail keywords come first; `dose` is written, so it is not offered again.
    let items = complete(&mut s, &format!("{HEAD}    ▮\n")).await;
    let l = labels(&items);
    assert_eq!(&l[..3], &["route", "start", "stop"], "{l:?}");
    assert!(!l.contains(&"dose"), "{l:?}");
    assert!(l.contains(&"claim") && l.contains(&"admin …"));
    // `claim` is the header snippet (tests/lsp_values.rs has it with the team's settings).
    let snippet = items
        .iter()
        .find(|i| i["label"] == "claim")
        .expect("claim snippet");
    assert_eq!(snippet["insertTextFormat"], 2);
    assert!(
        snippet["textEdit"]["newText"]
            .as_str()
            .is_some_and(|t| t.starts_with("claim ${1}\n  payer ${2}\n  patient ${3}"))
    );
    // The admin block's later lines carry only their indentation relative to the `admin` line.
    let admin = items
        .iter()
        .find(|i| i["label"] == "admin …")
        .expect("admin snippet");
    assert!(
        admin["textEdit"]["newText"]
            .as_str()
            .is_some_and(|t| t.contains("\n  dose ${2} ") && !t.contains("\n    "))
    );
    // At claim level, the claim keywords still to write come first; `claim` comes last inside a claim.
    let items = complete(&mut s, "claim C1\n  pos 11\n  ▮\n").await;
    assert_eq!(labels(&items).first(), Some(&"payer"));
    assert!(!labels(&items).contains(&"pos"));
    assert_eq!(labels(&items).last(), Some(&"claim"));
    // Nothing inside a comment or a string.
    let (text, pos) = cursor("claim C1 # a comm▮ent\n");
    s.open_checked(URI, &text).await;
    let r = s
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": pos}),
        )
        .await;
    assert_eq!(r, Value::Null);
    s.finish().await;
}

async fn hover_at(s: &mut TestServer, text: &str, marker: &str) -> String {
    let pos = position_of(text, marker);
    let r = s
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": pos}),
        )
        .await;
    r["contents"]["value"].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn hover_explains_every_kind_of_token() {
    let mut s = TestServer::initialized().await;
    s.open_checked(URI, OCREVUS).await;
    let text = OCREVUS;
    let code = hover_at(&mut s, text, "J2350 JZ").await;
    for part in [
        "J2350",
        "1 unit = 1 mg",
        "ocrelizumab (Ocrevus)",
        "single-dose",
        "JW/JZ: apply",
        "MUE: 600",
        "Indications: G35",
        "test fixture",
    ] {
        assert!(code.contains(part), "{part:?} not in {code}");
    }
    assert!(
        hover_at(&mut s, text, "JZ units")
            .await
            .contains("Zero drug amount discarded")
    );
    let dx = hover_at(&mut s, text, "G35.A ").await;
    assert!(
        dx.contains("Relapsing-remitting") && dx.contains("Billable"),
        "{dx}"
    );
    assert!(hover_at(&mut s, text, "11\n").await.contains("Office"));
    let ndc = hover_at(&mut s, text, "50242-0150-01 x2").await;
    assert!(
        ndc.contains("Genentech")
            && ndc.contains("Bills under: J2350")
            && ndc.contains("Billing units per package: 300"),
        "{ndc}"
    );
    let units = hover_at(&mut s, text, "600 dx").await;
    assert!(
        units.contains("600 units × 1 mg") && units.contains("600 mg"),
        "{units}"
    );
    let drug = hover_at(&mut s, text, "ocrelizumab\n").await;
    assert!(drug.contains("J2350"), "{drug}");
    assert!(
        hover_at(&mut s, text, "admin ocrelizumab")
            .await
            .contains("administration record")
    );
    assert!(
        hover_at(&mut s, text, "units 600")
            .await
            .contains("billing units")
    );
    assert!(
        hover_at(&mut s, text, "medicare\n")
            .await
            .contains("JZ: required (error)")
    );
    assert!(
        hover_at(&mut s, text, "A ndc")
            .await
            .contains("Points at `dx A G35.A`")
    );
    assert!(hover_at(&mut s, text, "iv\n").await.contains("intravenous"));
    assert!(hover_at(&mut s, text, "2026-11-20").await.contains("date"));
    assert!(hover_at(&mut s, text, "09:30").await.contains("time"));
    assert!(hover_at(&mut s, text, "x2").await.contains("2 containers"));
    assert!(hover_at(&mut s, text, "ML\n").await.contains("NDC unit"));
    assert!(
        hover_at(&mut s, text, "OCR-2026-0142")
            .await
            .contains("claim")
    );
    assert!(hover_at(&mut s, text, "1234567893").await.contains("NPI"));
    assert!(hover_at(&mut s, text, "MBI-").await.contains("patient"));
    // A header: its billable children.
    s.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": URI}}),
    )
    .await;
    s.await_diagnostics(URI).await;
    let text = "claim C\n  dx G35\n  line 96413 units 1\n";
    s.open_checked(URI, text).await;
    let header = hover_at(&mut s, text, "G35\n").await;
    assert!(
        header.contains("Header") && header.contains("G35.A") && header.contains("G35.B0"),
        "{header}"
    );
    assert!(
        hover_at(&mut s, text, "96413")
            .await
            .contains("Drug administration code")
    );
    s.finish().await;
}

#[tokio::test]
async fn formatting_is_idempotent() {
    let mut s = TestServer::initialized().await;
    let messy = "claim IFX-1\npayer commercial \"Acme Health PPO\"\n dx A K50.90 # crohn\n admin infliximab\ndose 350 mg\n   vial 100 mg x4\n  line J1745 units 35 dx A\n      line J1745 JW units 5 dx A\n";
    s.open_checked(URI, messy).await;
    let opts = json!({"tabSize": 2, "insertSpaces": true});
    let edits = s
        .request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": URI}, "options": opts}),
        )
        .await;
    let edits = edits.as_array().cloned().unwrap_or_default();
    let formatted = apply_edits(messy, &edits);
    assert_eq!(
        formatted,
        "claim IFX-1\n  payer commercial \"Acme Health PPO\"\n  dx A K50.90  # crohn\n  admin infliximab\n    dose 350 mg\n    vial 100 mg x4\n  line J1745    units 35 dx A\n  line J1745 JW units 5 dx A\n"
    );
    // Apply it, then formatting again changes nothing.
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": formatted}]}),
    )
    .await;
    s.await_diagnostics(URI).await;
    let again = s
        .request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": URI}, "options": opts}),
        )
        .await;
    assert_eq!(again, json!([]));
    s.finish().await;
}

#[tokio::test]
async fn the_notation_examples_keep_their_tokens_when_formatted() {
    for example in [OCREVUS, INFLIXIMAB] {
        let out = claimls_lsp::format::format_text(example);
        let words = |t: &str| -> Vec<String> {
            claimls_syntax::reading::read(t)
                .into_iter()
                .flat_map(|l| {
                    l.statement
                        .tokens
                        .iter()
                        .map(|tok| l.text[tok.range.clone()].to_string())
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        assert_eq!(words(&out), words(example));
        assert_eq!(claimls_lsp::format::format_text(&out), out);
    }
}

#[tokio::test]
async fn symbols_folding_definition_inlay_hints_and_semantic_tokens() {
    let mut s = TestServer::initialized().await;
    let text = format!("{OCREVUS}\n{INFLIXIMAB}");
    s.open_checked(URI, &text).await;
    let td = json!({"uri": URI});
    let symbols = s
        .request("textDocument/documentSymbol", json!({"textDocument": td}))
        .await;
    let names: Vec<&str> = symbols
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names, vec!["claim OCR-2026-0142", "claim IFX-2026-0007"]);
    let children: Vec<&str> = symbols[1]["children"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(
        children,
        vec![
            "admin infliximab",
            "line J1745",
            "line J1745 JW",
            "line 96413",
            "line 96415"
        ]
    );
    assert_eq!(symbols[0]["children"][0]["detail"], "600 mg");
    assert_eq!(symbols[0]["range"]["start"]["line"], 1);
    let folding = s
        .request("textDocument/foldingRange", json!({"textDocument": td}))
        .await;
    let folds: Vec<(u64, u64)> = folding
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["startLine"].as_u64().unwrap_or(0),
                f["endLine"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    // 0-based lines: the first claim runs from line 1 to its last line (21), its admin from 9 to 17.
    assert_eq!(&folds[..2], &[(1, 21), (9, 17)]);
    assert_eq!(folds.len(), 4);
    // Go to definition: `dx A` on a line → the `dx A G35.A` statement.
    let pos = position_of(&text, "A ndc");
    let def = s
        .request(
            "textDocument/definition",
            json!({"textDocument": td, "position": pos}),
        )
        .await;
    assert_eq!(def["range"]["start"], json!({"line": 6, "character": 2}));
    assert_eq!(def["range"]["end"], json!({"line": 6, "character": 12}));
    let inlay = s
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": td, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 50, "character": 0}}}),
        )
        .await;
    let hints: Vec<&str> = inlay
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h["label"].as_str())
        .collect();
    assert!(hints.contains(&"= 600 mg"), "{hints:?}");
    assert!(
        hints.contains(&"= 350 mg") && hints.contains(&"= 50 mg"),
        "{hints:?}"
    );
    assert!(
        hints
            .iter()
            .any(|h| h.starts_with("Injection, ocrelizumab")),
        "{hints:?}"
    );
    let tokens = s
        .request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": td}),
        )
        .await;
    let data: Vec<u64> = tokens["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .collect();
    assert_eq!(data.len() % 5, 0);
    // The first token is the comment on line 0; the second is `claim` (keyword) on line 1.
    assert_eq!(&data[..5], &[0, 0, 33, 5, 0]);
    assert_eq!(&data[5..10], &[1, 0, 5, 0, 0]);
    s.finish().await;
}
