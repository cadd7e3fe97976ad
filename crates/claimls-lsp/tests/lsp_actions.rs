//! Quick fixes: every finding that carries a fix is offered as a code action; applying it and
//! re-checking clears that finding.

mod lsp_support;

use claimls_data::CodeData;
use claimls_lsp::ServerOptions;
use lsp_support::*;
use serde_json::{Value, json};
use std::sync::Arc;

/// Claims that break rules with fixes (the embedded curated data knows their codes).
const BROKEN: &[&str] = &[
    // JW missing: 350 mg from four 100 mg vials, 50 mg discarded, no JW line.
    "claim IFX-1\n  payer medicare\n  patient M-1\n  provider 1234567893\n  pos 11\n  dx A K50.90\n  order 2026-10-30 signed \"L. Chen, MD\"\n\n  admin infliximab\n    dose 350 mg\n    route iv\n    start 2026-11-12 10:00\n    stop 12:15\n    vial 100 mg x4\n    waste 50 mg\n    reaction none\n\n  line J1745 units 35 dx A\n  line 96413 units 1 dx A\n  line 96415 units 1 dx A\n",
    // Units wrong, JZ missing, header dx, missing reaction.
    "claim OCR-1\n  payer medicare\n  patient M-2\n  provider 1234567893\n  pos 11\n  dx A G35\n  order 2026-11-01 signed \"R. Patel, MD\"\n\n  admin ocrelizumab\n    dose 600 mg\n    route iv\n    start 2026-11-20 09:30\n    stop 13:05\n    vial 50242-0150-01 x2\n    waste 0 mg\n\n  line J2350 units 60 dx A ndc 50242-0150-01 20 ML\n  line 96413 units 1 dx A\n  line 96415 units 3 dx A\n",
    // The wrong drug code for the admin.
    "claim X-1\n  payer medicare\n  patient M-3\n  provider 1234567893\n  pos 11\n  dx A G35.A\n  order 2026-11-01 signed \"R. Patel, MD\"\n\n  admin ocrelizumab\n    dose 600 mg\n    route iv\n    start 2026-11-20 09:30\n    stop 13:05\n    vial 50242-0150-01 x2\n    waste 0 mg\n    reaction none\n\n  line J1301 JZ units 600 dx A\n  line 96413 units 1 dx A\n  line 96415 units 3 dx A\n",
];

fn server() -> TestServer {
    TestServer::start_with(ServerOptions {
        data: Some(Arc::new(CodeData::embedded())),
        ..ServerOptions::default()
    })
}

fn codes(diags: &Value) -> Vec<String> {
    let mut v: Vec<String> = diags
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn every_quick_fix_clears_its_finding() {
    let mut s = server();
    s.initialize(json!({})).await;
    let mut applied = 0;
    let mut fixed_rules: Vec<String> = Vec::new();
    for (n, text) in BROKEN.iter().enumerate() {
        let uri = format!("file:///work/broken-{n}.claim");
        let d = s.open_checked(&uri, text).await;
        let before = codes(&d["diagnostics"]);
        assert!(!before.is_empty(), "example {n} should have findings");
        for diag in d["diagnostics"].as_array().cloned().unwrap_or_default() {
            let r = s
                .request(
                    "textDocument/codeAction",
                    json!({
                        "textDocument": {"uri": uri},
                        "range": diag["range"],
                        "context": {"diagnostics": [diag], "only": ["quickfix"]}
                    }),
                )
                .await;
            let code = diag["code"].as_str().unwrap_or_default().to_string();
            let actions: Vec<Value> = r
                .as_array()
                .into_iter()
                .flatten()
                .filter(|a| {
                    a["diagnostics"][0]["code"] == json!(code)
                        && a["diagnostics"][0]["range"] == diag["range"]
                })
                .cloned()
                .collect();
            for action in actions {
                assert_eq!(action["kind"], "quickfix");
                let edits = action["edit"]["changes"][&uri]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                assert!(!edits.is_empty(), "{action}");
                let fixed = apply_edits(text, &edits);
                // Check the fixed text in a document of its own.
                let fixed_uri = format!("file:///work/fixed-{n}-{applied}.claim");
                let after = s.open_checked(&fixed_uri, &fixed).await;
                let still: Vec<&Value> = after["diagnostics"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|d| {
                        d["code"] == json!(code)
                            && d["range"]["start"]["line"] == diag["range"]["start"]["line"]
                    })
                    .collect();
                assert!(
                    still.is_empty(),
                    "{}: applying {:?} left {code}:\n{fixed}\n{still:?}",
                    uri,
                    action["title"]
                );
                s.notify(
                    "textDocument/didClose",
                    json!({"textDocument": {"uri": fixed_uri}}),
                )
                .await;
                s.await_diagnostics(&fixed_uri).await;
                applied += 1;
                fixed_rules.push(code.clone());
            }
        }
    }
    fixed_rules.sort();
    fixed_rules.dedup();
    eprintln!("quick fixes applied: {applied}; rules: {fixed_rules:?}");
    for rule in [
        "waste-jw-missing",
        "units-dose-mismatch",
        "waste-jz-missing",
        "dx-not-billable",
        "code-drug-mismatch",
    ] {
        assert!(
            fixed_rules.iter().any(|r| r == rule),
            "no quick fix exercised for {rule}: {fixed_rules:?}"
        );
    }
    s.finish().await;
}

/// What an editor that shows related places and documentation links declares (VS Code does, with
/// tags and `data` too).
fn editor_capabilities() -> Value {
    json!({"textDocument": {"publishDiagnostics": {
        "relatedInformation": true,
        "codeDescriptionSupport": true,
        "tagSupport": {"valueSet": [1, 2]},
        "dataSupport": true
    }}})
}

#[tokio::test]
async fn diagnostics_carry_rule_ids_documentation_links_and_related_places() {
    let mut s = server();
    s.initialize(editor_capabilities()).await;
    let d = s.open_checked("file:///work/b.claim", BROKEN[1]).await;
    let diags = d["diagnostics"].as_array().cloned().unwrap_or_default();
    let units = diags
        .iter()
        .find(|d| d["code"] == "units-dose-mismatch")
        .unwrap_or_else(|| panic!("units-dose-mismatch in {diags:?}"));
    assert_eq!(units["source"], "claimls");
    assert_eq!(units["severity"], 1);
    assert!(
        units["codeDescription"]["href"]
            .as_str()
            .is_some_and(|h| h.ends_with("rules.md#units-dose-mismatch"))
    );
    assert!(
        units["message"].as_str().is_some_and(|m| m.contains("600")),
        "{units}"
    );
    assert!(
        units["relatedInformation"]
            .as_array()
            .is_some_and(|r| !r.is_empty()),
        "the admin whose dose disagrees: {units}"
    );
    // The units hover shows the engine's arithmetic.
    let pos = position_of(BROKEN[1], "60 dx");
    let h = s
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": "file:///work/b.claim"}, "position": pos}),
        )
        .await;
    let text = h["contents"]["value"].as_str().unwrap_or("");
    assert!(
        text.contains("60 units × 1 mg = 60 mg") && text.contains("600 mg"),
        "{text}"
    );
    s.finish().await;
}

/// The typed model of a text, without the source positions (which formatting may move).
fn values(text: &str) -> String {
    let doc = claimls_syntax::document(text);
    let debug = format!("{:?} {:?}", doc.claims, doc.syntax);
    // Drop `span: Span { start: …, end: … }` and `header: Span { … }` fields.
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(i) = rest.find("Span {") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find('}').map(|e| e + 1).unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn formatting_never_changes_a_value() {
    // The comparison sees values (and not only positions).
    assert_ne!(values("claim A\n  pos 11\n"), values("claim A\n  pos 12\n"));
    assert_eq!(
        values("claim A\n  pos 11\n"),
        values("claim A\n    pos   11\n")
    );
    let mut s = server();
    s.initialize(json!({})).await;
    let messy = "claim IFX-1\npayer commercial \"Acme  Health\"   # named\n dx A K50.90\n admin infliximab\ndose 350 mg\n        vial 100 mg x4 # four\n   waste 50 mg witness \"K. Ortiz, RN\" evidence \"log #14\"\n  line J1745 units 35 dx A , B\nline J1745 JW units 5 dx A\r\n    line 96413 units 1\n  garbage  here  \n";
    let mut texts: Vec<String> = BROKEN.iter().map(|t| t.to_string()).collect();
    texts.push(messy.to_string());
    texts.push(lsp_support::fixture::OCREVUS.to_string());
    texts.push(lsp_support::fixture::INFLIXIMAB.to_string());
    for (n, text) in texts.iter().enumerate() {
        let uri = format!("file:///work/format-{n}.claim");
        s.open_checked(&uri, text).await;
        let opts = json!({"tabSize": 2, "insertSpaces": true});
        let edits = s
            .request(
                "textDocument/formatting",
                json!({"textDocument": {"uri": uri}, "options": opts}),
            )
            .await;
        let formatted = apply_edits(text, edits.as_array().map(Vec::as_slice).unwrap_or(&[]));
        assert_eq!(
            values(&formatted),
            values(text),
            "formatting changed a value:\n{formatted}"
        );
        assert_eq!(
            claimls_lsp::format::format_text(&formatted),
            formatted,
            "not idempotent"
        );
    }
    s.finish().await;
}

/// Every code action the documents offer, at each diagnostic's range and at every line, as the JSON
/// text the client receives.
async fn all_code_actions(s: &mut TestServer) -> Vec<String> {
    let mut answers = Vec::new();
    for (n, text) in BROKEN.iter().enumerate() {
        let uri = format!("file:///work/broken-{n}.claim");
        let d = s.open_checked(&uri, text).await;
        let mut ranges: Vec<Value> = d["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| d["range"].clone())
            .collect();
        for line in 0..text.lines().count() {
            ranges.push(json!({"start": {"line": line, "character": 0},
                               "end": {"line": line, "character": 80}}));
        }
        for range in ranges {
            let r = s
                .request(
                    "textDocument/codeAction",
                    json!({"textDocument": {"uri": uri}, "range": range,
                           "context": {"diagnostics": d["diagnostics"]}}),
                )
                .await;
            answers.push(r.to_string());
        }
    }
    answers
}

/// A client that declares no diagnostic capability gets no related places and no links (the LSP
/// sends an optional field only to a client that declared it); nothing is carried in `data` even
/// for one that declares `dataSupport`; and the code actions, rebuilt from the document, are the
/// same bytes for both clients.
#[tokio::test]
async fn publishes_carry_only_declared_fields_and_code_actions_do_not_depend_on_them() {
    let mut bare = server();
    bare.initialize(json!({})).await;
    let mut editor = server();
    editor.initialize(editor_capabilities()).await;
    let plain = bare.open_checked("file:///work/b.claim", BROKEN[1]).await;
    let full = editor.open_checked("file:///work/b.claim", BROKEN[1]).await;
    let (plain, full) = (
        plain["diagnostics"].as_array().cloned().unwrap_or_default(),
        full["diagnostics"].as_array().cloned().unwrap_or_default(),
    );
    assert!(!plain.is_empty());
    assert_eq!(plain.len(), full.len());
    assert!(full.iter().any(|d| d.get("relatedInformation").is_some()));
    for (p, f) in plain.iter().zip(&full) {
        for d in [p, f] {
            assert!(d.get("data").is_none(), "{d}");
            assert!(d.get("tags").is_none(), "{d}");
        }
        assert!(p.get("relatedInformation").is_none(), "{p}");
        assert!(p.get("codeDescription").is_none(), "{p}");
        assert!(f.get("codeDescription").is_some(), "{f}");
        for key in ["range", "severity", "code", "source", "message"] {
            assert_eq!(p[key], f[key], "{key}");
        }
    }
    let from_bare = all_code_actions(&mut bare).await;
    let from_editor = all_code_actions(&mut editor).await;
    assert!(
        from_bare.iter().filter(|a| a.contains("quickfix")).count() >= 5,
        "{from_bare:?}"
    );
    assert_eq!(from_bare, from_editor);
    bare.finish().await;
    editor.finish().await;
}
