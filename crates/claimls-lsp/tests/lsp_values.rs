//! Values from the claim and the team's settings: the `claim` header snippet from `claimls.toml`,
//! patient ids from the patients file it names, dates, vial counts, waste and NDC quantities from the
//! engine, statement snippets, and "Bill this administration" writing the NDC the payer profile wants.

mod lsp_support;

use claimls_rules::config::Config;
use lsp_support::*;
use serde_json::{Value, json};

const URI: &str = "file:///work/values.claim";

fn examples_config_path() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/claimls.toml").to_string()
}

fn examples_config() -> Config {
    Config::load(std::path::Path::new(&examples_config_path())).expect("the examples' settings")
}

/// A server with the fixture data and examples/claimls.toml as the editor's configuration.
async fn server_with_examples_config() -> TestServer {
    let mut s = TestServer::start();
    s.initialize_with(json!({
        "capabilities": {},
        "processId": null,
        "rootUri": null,
        "initializationOptions": {"config": examples_config_path()}
    }))
    .await;
    s
}

const HEAD: &str = "claim OCR-1\n  payer medicare\n  patient MBI-1EG4TE5MK72\n  provider 1234567893\n  pos 11\n  dx A G35.A\n  order 2026-11-01 signed \"R. Patel, MD\"\n\n";
const OCREVUS: &str = "  admin ocrelizumab\n    dose 600 mg\n    route iv\n    start 2026-11-20 09:30\n    stop 13:05\n    vial 50242-0150-01 x2\n    waste 0 mg\n    reaction none\n";

async fn items_at(s: &mut TestServer, text_with_cursor: &str) -> (String, Vec<Value>) {
    let (text, pos) = cursor(text_with_cursor);
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
    (text, r["items"].as_array().cloned().unwrap_or_default())
}

/// The labels a client shows for what is typed at the cursor, best first.
fn labels(items: &[Value]) -> Vec<String> {
    let mut sorted = items.to_vec();
    sorted.sort_by_key(|i| i["sortText"].as_str().unwrap_or("").to_string());
    sorted
        .iter()
        .filter_map(|i| i["label"].as_str().map(str::to_string))
        .collect()
}

fn item<'a>(items: &'a [Value], label: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["label"] == json!(label))
        .unwrap_or_else(|| panic!("no {label:?} in {items:#?}"))
}

fn new_text(item: &Value) -> &str {
    item["textEdit"]["newText"].as_str().unwrap_or("")
}

#[tokio::test]
async fn the_claim_snippet_writes_the_header_the_settings_fix() {
    let mut s = server_with_examples_config().await;
    let (_, items) = items_at(&mut s, "▮\n").await;
    let claim = item(&items, "claim");
    assert_eq!(claim["insertTextFormat"], json!(2));
    assert_eq!(
        new_text(claim),
        "claim ${1}\n  payer medicare\n  patient ${2}\n  provider 1234567893\n  pos 11\n  dx A ${3}"
    );
    assert_eq!(labels(&items).first().map(String::as_str), Some("claim"));
    s.finish().await;
    // Without settings every header value is a placeholder, in the same order.
    let mut s = TestServer::initialized().await;
    let (_, items) = items_at(&mut s, "▮\n").await;
    assert_eq!(
        new_text(item(&items, "claim")),
        "claim ${1}\n  payer ${2}\n  patient ${3}\n  provider ${4}\n  pos ${5}\n  dx A ${6}"
    );
    s.finish().await;
}

#[tokio::test]
async fn patient_completes_the_ids_of_the_patients_file_and_nothing_else() {
    let mut s = server_with_examples_config().await;
    let (_, items) = items_at(&mut s, "claim C1\n  payer medicare\n  patient ▮\n").await;
    let got = labels(&items);
    assert_eq!(
        got,
        vec![
            "MBI-1EG4TE5MK72",
            "MBI-3HF8QW2NP61",
            "M-88421",
            "MBI-7KQ2RT4WD58",
            "MA-55102948",
            "MCD-220418877"
        ],
        "in the file's order"
    );
    let all = serde_json::to_string(&items).unwrap_or_default();
    for demographic in ["Marlow", "Denise", "1968-03-14", "Oak Street"] {
        assert!(!all.contains(demographic), "{demographic} leaked: {all}");
    }
    assert_eq!(
        item(&items, "M-88421")["detail"],
        json!("patient id from patients.toml")
    );
    s.finish().await;
    // No patients file named: nothing offered.
    let mut s = TestServer::initialized().await;
    let (_, items) = items_at(&mut s, "claim C1\n  patient ▮\n").await;
    assert!(items.is_empty(), "{items:#?}");
    s.finish().await;
}

#[tokio::test]
async fn dates_after_order_and_start_are_the_claims_own_then_today() {
    let mut s = TestServer::initialized().await;
    let second = "\n  admin Solu-Medrol\n    dose 100 mg\n    route ivp\n    start ▮\n";
    let (_, items) = items_at(&mut s, &format!("{HEAD}{OCREVUS}{second}")).await;
    let got = labels(&items);
    assert_eq!(&got[..2], &["2026-11-20", "2026-11-01"], "{got:?}");
    assert_eq!(items.len(), 3, "and today: {got:?}");
    assert_eq!(item(&items, &got[2])["detail"], json!("today"));
    s.finish().await;
}

#[tokio::test]
async fn vial_counts_waste_and_ndc_quantities_come_from_the_engine() {
    let mut s = TestServer::initialized().await;
    let record = "  admin ocrelizumab\n    dose 600 mg\n    route iv\n    start 2026-11-20 09:30\n    stop 13:05\n";
    // 600 mg from 300 mg vials: two.
    let (_, items) = items_at(&mut s, &format!("{HEAD}{record}    vial 50242-0150-01 ▮\n")).await;
    assert_eq!(labels(&items), vec!["x2"]);
    // `vial ▮`: the NDC with that count first, then the NDC alone.
    let (_, items) = items_at(&mut s, &format!("{HEAD}{record}    vial ▮\n")).await;
    assert_eq!(labels(&items), vec!["50242-0150-01 x2", "50242-0150-01"]);
    let counted = item(&items, "50242-0150-01 x2");
    assert_eq!(counted["insertTextFormat"], json!(2));
    assert_eq!(counted["filterText"], json!("50242-0150-01"));
    // 350 mg from 100 mg vials: four; they leave 50 mg.
    let infliximab = "  admin infliximab\n    dose 350 mg\n    route iv\n    start 2026-11-12 10:00\n    stop 12:15\n";
    let (_, items) = items_at(&mut s, &format!("{HEAD}{infliximab}    vial 100 mg ▮\n")).await;
    assert_eq!(labels(&items), vec!["x4"]);
    let (_, items) = items_at(
        &mut s,
        &format!("{HEAD}{infliximab}    vial 100 mg x4\n    waste ▮\n"),
    )
    .await;
    assert_eq!(labels(&items), vec!["50 mg"]);
    let waste = item(&items, "50 mg");
    assert_eq!(waste["insertTextFormat"], json!(2), "two words: a snippet");
    assert_eq!(new_text(waste), "50 mg");
    let (_, items) = items_at(
        &mut s,
        &format!("{HEAD}{record}    vial 50242-0150-01 x2\n    waste ▮\n"),
    )
    .await;
    assert_eq!(labels(&items), vec!["0 mg"]);
    // No containers charted: no waste to derive.
    let (_, items) = items_at(&mut s, &format!("{HEAD}{record}    waste ▮\n")).await;
    assert!(items.is_empty(), "{items:#?}");
    // The NDC quantity of the line: 600 mg is 20 mL of the 300 mg/10 mL vial.
    let (_, items) = items_at(
        &mut s,
        &format!("{HEAD}{OCREVUS}\n  line J2350 JZ units 600 dx A ndc 50242-0150-01 ▮\n"),
    )
    .await;
    assert_eq!(labels(&items), vec!["20 ML"]);
    s.finish().await;
}

#[tokio::test]
async fn statement_snippets_and_the_drugs_route_first() {
    let mut s = TestServer::initialized().await;
    let (_, items) = items_at(&mut s, &format!("{HEAD}  admin ocrelizumab\n    ▮\n")).await;
    let dose = item(&items, "dose");
    assert_eq!(new_text(dose), "dose ${1} mg");
    assert_eq!(dose["insertTextFormat"], json!(2));
    let (_, items) = items_at(&mut s, &format!("{HEAD}  admin ocrelizumab\n    route ▮\n")).await;
    assert_eq!(labels(&items).first().map(String::as_str), Some("iv"));
    let (_, items) = items_at(&mut s, "claim C1\n  payer medicare\n  ▮\n").await;
    assert_eq!(
        new_text(item(&items, "order")),
        "order ${1} signed \"${2}\""
    );
    let (_, items) = items_at(&mut s, &format!("{HEAD}{OCREVUS}    reaction ▮\n")).await;
    assert_eq!(labels(&items).first().map(String::as_str), Some("none"));
    s.finish().await;
    // A client without snippets gets plain keywords.
    let mut s = TestServer::start();
    s.initialize(
        json!({"textDocument": {"completion": {"completionItem": {"snippetSupport": false}}}}),
    )
    .await;
    let (_, items) = items_at(&mut s, &format!("{HEAD}  admin ocrelizumab\n    ▮\n")).await;
    assert_eq!(new_text(item(&items, "dose")), "dose");
    let (_, items) = items_at(&mut s, "▮\n").await;
    assert_eq!(new_text(item(&items, "claim")), "claim");
    s.finish().await;
}

#[tokio::test]
async fn bill_this_administration_writes_the_ndc_the_profile_wants_and_checks_clean() {
    let mut s = server_with_examples_config().await;
    let text = format!("{HEAD}{OCREVUS}");
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
    let bill = r
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Bill this administration") && t.contains("96413"))
        })
        .cloned()
        .unwrap_or_else(|| panic!("no bill action: {r:#?}"));
    let edits = bill["edit"]["changes"][URI]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let billed = apply_edits(&text, &edits);
    assert!(
        billed.ends_with(
            "  line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML\n  line 96413 units 1 dx A\n  line 96415 units 3 dx A\n"
        ),
        "{billed}"
    );
    let doc = claimls_syntax::document(&billed);
    assert!(doc.syntax.is_empty(), "{:?}", doc.syntax);
    let found = claimls_rules::check(&doc, &fixture::code_data(), &examples_config());
    assert!(
        found
            .iter()
            .all(|f| f.severity == claimls_rules::Severity::Information),
        "{billed}\n{found:#?}"
    );
    s.finish().await;
}

#[tokio::test]
async fn keywords_rank_what_the_claim_still_lacks_first() {
    let mut s = TestServer::initialized().await;
    // Header and order written: the admin block comes first, a second `dx` or `order` after the
    // optional statements.
    let (_, items) = items_at(&mut s, &format!("{HEAD}  ▮\n")).await;
    let got = labels(&items);
    assert_eq!(&got[..3], &["admin …", "admin", "line"], "{got:?}");
    let at = |l: &str| got.iter().position(|g| g == l);
    assert!(at("auth") < at("dx") && at("auth") < at("order"), "{got:?}");
    // Under an admin whose vial and waste are written: premed, then another vial or waste.
    let (_, items) = items_at(&mut s, &format!("{HEAD}{OCREVUS}    ▮\n")).await;
    let got = labels(&items);
    assert_eq!(&got[..3], &["premed", "vial", "waste"], "{got:?}");
    assert_eq!(new_text(item(&items, "premed")), "premed \"${1}\"");
    s.finish().await;
}
