//! "Bill this administration" in the editor, and completion that reads the claim: the code action on an
//! `admin` record, the completion on an empty line under it, keyword filtering and ranking.

mod lsp_support;

use claimls_rules::config::Config;
use lsp_support::*;
use serde_json::{Value, json};

const URI: &str = "file:///work/billing.claim";

/// examples/ocrevus-maintenance.claim without its billed lines and comments.
fn ocrevus_without_lines() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/ocrevus-maintenance.claim"
    );
    let text = std::fs::read_to_string(path).expect("the example");
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim_end())
        .filter(|l| !l.is_empty() && !l.trim_start().starts_with("line "))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// The errors `claimls check` reports (the same call as `cli::check`), with the fixture code data.
fn check_errors(text: &str) -> Vec<String> {
    let doc = claimls_syntax::document(text);
    let mut out: Vec<String> = doc.syntax.iter().map(|e| e.message.clone()).collect();
    out.extend(
        claimls_rules::check(&doc, &fixture::code_data(), &Config::default())
            .into_iter()
            .filter(|f| f.severity == claimls_rules::Severity::Error)
            .map(|f| format!("{}: {}", f.rule, f.message)),
    );
    out
}

fn published_errors(diags: &Value) -> Vec<String> {
    diags["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["severity"] == json!(1))
        .map(|d| d["message"].as_str().unwrap_or("").to_string())
        .collect()
}

async fn completion(s: &mut TestServer, text_with_cursor: &str) -> (String, Value, Vec<Value>) {
    let (text, pos) = cursor(text_with_cursor);
    s.open_checked(URI, &text).await;
    let r = s
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": pos}),
        )
        .await;
    let items = r["items"].as_array().cloned().unwrap_or_default();
    (text, pos, items)
}

async fn close(s: &mut TestServer) {
    s.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": URI}}),
    )
    .await;
    s.await_diagnostics(URI).await;
}

/// What a client shows for `typed`: the items whose filter text (or label) starts with it, by sortText.
fn shown<'a>(items: &'a [Value], typed: &str) -> Vec<&'a str> {
    let mut kept: Vec<&Value> = items
        .iter()
        .filter(|i| {
            i["filterText"]
                .as_str()
                .or(i["label"].as_str())
                .is_some_and(|f| f.starts_with(typed))
        })
        .collect();
    kept.sort_by_key(|i| i["sortText"].as_str().unwrap_or("").to_string());
    kept.iter().filter_map(|i| i["label"].as_str()).collect()
}

#[tokio::test]
async fn the_bill_action_on_the_ocrelizumab_admin_gives_a_clean_claim() {
    let mut s = TestServer::initialized().await;
    let text = ocrevus_without_lines();
    let diags = s.open_checked(URI, &text).await;
    let pos = position_of(&text, "dose 600");
    let r = s
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI},
                   "range": {"start": pos, "end": pos},
                   "context": {"diagnostics": diags["diagnostics"]}}),
        )
        .await;
    let actions: Vec<Value> = r.as_array().cloned().unwrap_or_default();
    let bill: Vec<&Value> = actions
        .iter()
        .filter(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Bill this administration"))
        })
        .collect();
    assert_eq!(bill.len(), 2, "both code families: {actions:#?}");
    assert!(bill[0]["title"].as_str().unwrap_or("").contains("96413"));
    let edits = bill[0]["edit"]["changes"][URI]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let billed = apply_edits(&text, &edits);
    assert!(
        billed.contains(
            "  line J2350 JZ units 600 dx A\n  line 96413 units 1 dx A\n  line 96415 units 3 dx A\n"
        ),
        "{billed}"
    );
    assert_eq!(check_errors(&billed), Vec::<String>::new(), "{billed}");
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": billed}]}),
    )
    .await;
    let after = s.await_diagnostics(URI).await;
    assert_eq!(published_errors(&after), Vec::<String>::new());
    assert!(
        !after["diagnostics"].to_string().contains("line-missing"),
        "{after}"
    );
    s.finish().await;
}

#[tokio::test]
async fn completion_on_an_empty_line_under_the_admin_bills_it() {
    let mut s = TestServer::initialized().await;
    let text = format!("{}  ▮\n", ocrevus_without_lines());
    let (plain, _, items) = completion(&mut s, &text).await;
    let bill = items
        .iter()
        .find(|i| {
            i["label"]
                .as_str()
                .is_some_and(|l| l.starts_with("bill this administration"))
        })
        .cloned()
        .unwrap_or_else(|| panic!("no bill item: {items:#?}"));
    assert_eq!(
        bill["insertTextFormat"],
        json!(2),
        "a multi-line item is a snippet"
    );
    assert_eq!(bill["sortText"], json!("00000"), "first");
    let edit = bill["textEdit"].clone();
    let snippet = edit["newText"].as_str().unwrap_or("").replace("$0", "");
    assert_eq!(
        snippet, "line J2350 JZ units 600 dx A\nline 96413 units 1 dx A\nline 96415 units 3 dx A",
        "later lines carry only their relative indentation"
    );
    // What the editor makes of it: later lines indented like the first.
    let indented = snippet.replace('\n', "\n  ");
    let billed = apply_edits(
        &plain,
        &[json!({"range": edit["range"], "newText": indented})],
    );
    assert_eq!(check_errors(&billed), Vec::<String>::new(), "{billed}");
    close(&mut s).await;
    s.finish().await;
}

#[tokio::test]
async fn keywords_narrow_by_what_is_typed_and_follow_the_claim() {
    let mut s = TestServer::initialized().await;
    let head = "claim C1\n  payer medicare\n  patient P1\n  dx A G35.A\n  admin Ocrevus\n    dose 600 mg\n";
    // `r` under an admin: reaction and route, nothing else (no "typed text + label" filter text).
    let (_, _, items) = completion(&mut s, &format!("{head}    r▮\n")).await;
    assert!(
        items.iter().all(|i| {
            let label = i["label"].as_str().unwrap_or("");
            i["filterText"]
                .as_str()
                .is_none_or(|f| label.starts_with(f) || label.starts_with("bill"))
        }),
        "{items:#?}"
    );
    assert_eq!(shown(&items, "r"), vec!["route", "reaction"]);
    close(&mut s).await;
    // An empty detail line: `dose` is written, so it is not offered again; route comes first.
    let (_, _, items) = completion(&mut s, &format!("{head}    ▮\n")).await;
    let labels = shown(&items, "");
    assert!(!labels.contains(&"dose"), "{labels:?}");
    assert_eq!(labels.first(), Some(&"route"), "{labels:?}");
    close(&mut s).await;
    // At claim level inside a claim: `claim` is not first, `payer`/`patient` are written.
    let (_, _, items) = completion(&mut s, "claim C1\n  payer medicare\n  patient P1\n  ▮\n").await;
    let labels = shown(&items, "");
    assert_ne!(labels.first(), Some(&"claim"), "{labels:?}");
    assert!(
        !labels.contains(&"payer") && !labels.contains(&"patient"),
        "{labels:?}"
    );
    assert_eq!(labels.first(), Some(&"provider"), "{labels:?}");
    close(&mut s).await;
    s.finish().await;
}

#[tokio::test]
async fn units_completion_offers_the_value_the_record_gives() {
    let mut s = TestServer::initialized().await;
    let head = ocrevus_without_lines();
    for (line, want) in [
        ("  line J2350 JZ units ▮", "600"),
        ("  line 96413 units ▮", "1"),
        ("  line 96415 units ▮", "3"),
        ("  line 96366 units ▮", "3"),
    ] {
        let (_, _, items) = completion(&mut s, &format!("{head}{line}\n")).await;
        let labels: Vec<&str> = items.iter().filter_map(|i| i["label"].as_str()).collect();
        assert_eq!(labels, vec![want], "{line}");
        close(&mut s).await;
    }
    // A code no record bills gets no value (the coder types it).
    let (_, _, items) = completion(&mut s, &format!("{head}  line J1745 units ▮\n")).await;
    assert!(items.is_empty(), "{items:#?}");
    close(&mut s).await;
    s.finish().await;
}

#[tokio::test]
async fn codes_and_modifiers_are_ranked_by_the_claim() {
    let mut s = TestServer::initialized().await;
    let head = ocrevus_without_lines();
    // Once the drug line is written, the administration codes the record implies come first.
    let (_, _, items) = completion(
        &mut s,
        &format!("{head}  line J2350 JZ units 600 dx A\n  line ▮\n"),
    )
    .await;
    let mut sorted = items.clone();
    sorted.sort_by_key(|i| i["sortText"].as_str().unwrap_or("").to_string());
    let labels: Vec<&str> = sorted.iter().filter_map(|i| i["label"].as_str()).collect();
    assert_eq!(&labels[..2], &["96413", "96415"], "{labels:?}");
    assert!(
        labels.iter().position(|l| *l == "J2350") > Some(1),
        "the billed drug comes later: {labels:?}"
    );
    close(&mut s).await;
    // `waste 0 mg`: JZ before JW; JG (ended 2024-12-31) is not offered on a 2026 claim.
    let (_, _, items) = completion(&mut s, &format!("{head}  line J2350 ▮\n")).await;
    let mut sorted = items.clone();
    sorted.sort_by_key(|i| i["sortText"].as_str().unwrap_or("").to_string());
    let labels: Vec<&str> = sorted.iter().filter_map(|i| i["label"].as_str()).collect();
    let at = |m: &str| labels.iter().position(|l| *l == m);
    assert!(at("JZ").is_some() && at("JZ") < at("JW"), "{labels:?}");
    assert_eq!(at("JG"), None, "{labels:?}");
    close(&mut s).await;
    s.finish().await;
}

#[tokio::test]
async fn jw_and_jz_hovers_say_whether_they_fit_this_line() {
    let mut s = TestServer::initialized().await;
    let text = format!(
        "{}  line J2350 JZ units 600 dx A\n  line J2350 JW units 1 dx A\n",
        ocrevus_without_lines()
    );
    s.open_checked(URI, &text).await;
    let hover = |marker: &'static str| {
        let pos = position_of(&text, marker);
        json!({"textDocument": {"uri": URI}, "position": pos})
    };
    let jz = s.request("textDocument/hover", hover("JZ units")).await;
    let jz = jz["contents"]["value"].as_str().unwrap_or("").to_string();
    assert!(
        jz.starts_with("JZ fits this line: no billable waste"),
        "{jz}"
    );
    assert!(jz.contains("600 mg"), "the arithmetic behind it: {jz}");
    let jw = s.request("textDocument/hover", hover("JW units")).await;
    let jw = jw["contents"]["value"].as_str().unwrap_or("").to_string();
    assert!(jw.starts_with("JW does not fit"), "{jw}");
    s.finish().await;
}
