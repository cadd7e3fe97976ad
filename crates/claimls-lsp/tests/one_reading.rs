//! The editor and `claimls check` read the notation once: the same text gives the same diagnosis
//! letters in completion, hover, go to definition, the published diagnostics and the checker.

mod lsp_support;

use claimls_rules::config::Config;
use lsp_support::*;
use serde_json::{Value, json};

const URI: &str = "file:///work/one-reading.claim";

/// `dx B` is written, `dx K50.90` is not lettered: the engine gives it the first letter no `dx` wrote,
/// `A` (not the next letter after `B`).
const CLAIM: &str = "claim C1\n  payer medicare\n  patient P1\n  dx B G35.A\n  dx K50.90\n  admin Ocrevus\n    dose 600 mg\n  line J2350 JZ units 600 dx ▮\n";

/// The rule ids `claimls check` reports for a text (the same call as `cli::check`).
fn check_rules(text: &str) -> Vec<String> {
    let doc = claimls_syntax::document(text);
    let data = fixture::code_data();
    claimls_rules::check(&doc, &data, &Config::default())
        .into_iter()
        .map(|f| f.rule.to_string())
        .collect()
}

fn published_rules(diags: &Value) -> Vec<String> {
    diags["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|d| d["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn the_editor_letters_diagnoses_as_check_does() {
    let mut s = TestServer::initialized().await;
    let (text, pos) = cursor(CLAIM);
    s.open_checked(URI, &text).await;
    let r = s
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": pos}),
        )
        .await;
    let items = r["items"].as_array().cloned().unwrap_or_default();
    let letter = |l: &str| {
        items
            .iter()
            .find(|i| i["label"] == l)
            .and_then(|i| i["detail"].as_str())
            .map(str::to_string)
    };
    assert_eq!(letter("A").as_deref(), Some("K50.90"), "{items:#?}");
    assert_eq!(letter("B").as_deref(), Some("G35.A"));
    assert_eq!(letter("C"), None, "no `dx` is lettered C");

    // Write what completion offered for K50.90: `check` and the editor agree that the pointer is valid
    // and that it names K50.90 (the indication of J2350 in the fixture is G35, so pointing at K50.90
    // alone would be a mismatch both report the same way).
    let written = CLAIM.replace('▮', "A");
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2},
               "contentChanges": [{"text": written}]}),
    )
    .await;
    let published = published_rules(&s.await_diagnostics(URI).await);
    let checked = check_rules(&written);
    assert!(
        !checked.iter().any(|r| r == "dx-pointer-invalid"),
        "{checked:?}"
    );
    let mut a = published.clone();
    let mut b = checked.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b, "the editor publishes what `check` reports");

    // Go to definition on the pointer lands on the `dx K50.90` statement (line 4).
    let at = written.rfind("dx A").map(|i| i + 3).unwrap_or(0);
    let before = &written[..at];
    let line = before.matches('\n').count();
    let col = at - before.rfind('\n').map_or(0, |i| i + 1);
    let def = s
        .request(
            "textDocument/definition",
            json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": col}}),
        )
        .await;
    assert_eq!(def["range"]["start"]["line"], json!(4), "{def}");

    // A `dx C` pointer is what the old editor offered: `check` reports it, and so does the editor.
    let wrong = CLAIM.replace('▮', "C");
    assert!(
        check_rules(&wrong)
            .iter()
            .any(|r| r == "dx-pointer-invalid")
    );
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 3},
               "contentChanges": [{"text": wrong}]}),
    )
    .await;
    let published = published_rules(&s.await_diagnostics(URI).await);
    assert!(
        published.iter().any(|r| r == "dx-pointer-invalid"),
        "{published:?}"
    );
    s.finish().await;
}
