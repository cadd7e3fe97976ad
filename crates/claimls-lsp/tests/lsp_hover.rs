//! Hover as a code book page for this claim, with the embedded curated data: the administration codes
//! name their add-on codes (from the NCCI add-on edits of the data) and their time rule and place in the
//! hierarchy (from the engine's `rules::hierarchy`); `dose` shows its units arithmetic (the engine's
//! `WasteMath`); inlay hints stay short.

mod lsp_support;

use claimls_data::CodeData;
use claimls_lsp::ServerOptions;
use expect_test::{Expect, expect};
use lsp_support::*;
use serde_json::json;
use std::sync::Arc;

const URI: &str = "file:///work/hover.claim";

/// The ocrelizumab example, with a premedication push and a hydration-free therapeutic infusion on
/// another date, so each administration code of interest is written once.
const TEXT: &str = "claim OCR-1
  payer medicare
  patient M-1
  provider 1234567893
  pos 11
  dx A G35.A
  order 2026-11-01 signed \"R. Patel, MD\"

  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none

  line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML  # a comment that must stay on screen
  line 96413 units 1 dx A
  line 96415 units 3 dx A
  line 96365 units 1 dx A
  line 96374 units 1 dx A
";

async fn server() -> TestServer {
    let mut s = TestServer::start_with(ServerOptions {
        data: Some(Arc::new(CodeData::embedded())),
        ..ServerOptions::default()
    });
    s.initialize(json!({})).await;
    s.open_checked(URI, TEXT).await;
    s
}

async fn hover(s: &mut TestServer, marker: &str) -> String {
    let r = s
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": position_of(TEXT, marker)}),
        )
        .await;
    r["contents"]["value"].as_str().unwrap_or("").to_string()
}

/// The hover's lines that are not the data footer.
fn page(hover: &str) -> String {
    hover
        .lines()
        .filter(|l| !l.starts_with("_Data:"))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn check(s: &mut TestServer, marker: &str, want: Expect) {
    want.assert_eq(&page(&hover(s, marker).await));
}

#[tokio::test]
async fn administration_codes_name_their_add_ons_and_time_rule() {
    let mut s = server().await;
    check(&mut s, "96413 units", expect![[r#"
        **96413** — Chemotherapy or complex biologic, IV infusion, first hour

        - Drug administration code (CPT)
        - Time: the first hour of an IV infusion of more than 15 minutes (15 minutes or less bills as a push, 96409); from 91 minutes on, each additional hour (96415) needs more than 30 minutes past the last full hour
        - Initial service: one per date of service, the highest in the hierarchy; this code ranks first
        - Add-on codes billed with it (NCCI add-on edits):
          - 96361 — IV hydration infusion, each additional hour (more than 30 minutes past the last full hour)
          - 96366 — IV therapeutic infusion, each additional hour of the same infusion
          - 96367 — IV therapeutic infusion of an additional sequential new drug, up to 1 hour
          - 96368 — IV therapeutic infusion given concurrently with another infusion
          - 96375 — IV push of each additional sequential new drug
          - 96376 — IV push of the same drug again (facility reporting only)
          - 96411 — Chemotherapy or complex biologic, IV push of each additional drug
          - 96415 — Chemotherapy or complex biologic IV infusion, each additional hour
          - 96417 — Chemotherapy or complex biologic IV infusion of each additional sequential drug, up to 1 hour
        - MUE: 1 (adjudication indicator 3)
    "#]]).await;
    check(&mut s, "96365 units", expect![[r#"
        **96365** — IV infusion of a therapeutic, prophylactic or diagnostic drug, first hour

        - Drug administration code (CPT)
        - Time: the first hour of an IV infusion of more than 15 minutes (15 minutes or less bills as a push, 96374); from 91 minutes on, each additional hour (96366) needs more than 30 minutes past the last full hour
        - Initial service: one per date of service, the highest in the hierarchy; with 96413, 96409 on the same date, that one is the initial, and this administration bills as 96367
        - Add-on codes billed with it (NCCI add-on edits):
          - 96361 — IV hydration infusion, each additional hour (more than 30 minutes past the last full hour)
          - 96366 — IV therapeutic infusion, each additional hour of the same infusion
          - 96367 — IV therapeutic infusion of an additional sequential new drug, up to 1 hour
          - 96368 — IV therapeutic infusion given concurrently with another infusion
          - 96375 — IV push of each additional sequential new drug
          - 96376 — IV push of the same drug again (facility reporting only)
        - MUE: 1 (adjudication indicator 3)
    "#]]).await;
    check(&mut s, "96374 units", expect![[r#"
        **96374** — IV push of a therapeutic drug, single or first drug

        - Drug administration code (CPT)
        - Time: an IV push, or an IV infusion of 15 minutes or less
        - Initial service: one per date of service, the highest in the hierarchy; with 96413, 96409, 96365 on the same date, that one is the initial, and this administration bills as 96375
        - Add-on codes billed with it (NCCI add-on edits):
          - 96361 — IV hydration infusion, each additional hour (more than 30 minutes past the last full hour)
          - 96367 — IV therapeutic infusion of an additional sequential new drug, up to 1 hour
          - 96375 — IV push of each additional sequential new drug
          - 96376 — IV push of the same drug again (facility reporting only)
        - MUE: 1 (adjudication indicator 3)
    "#]]).await;
    check(&mut s, "96415 units", expect![[r#"
        **96415** — Chemotherapy or complex biologic IV infusion, each additional hour

        - Drug administration code (CPT)
        - Time: each hour after the first of the same infusion, counted on that infusion's own time: more than 30 minutes past the last full hour (91 minutes bill 1 additional hour)
        - Add-on code: billed only with 96413
        - Add-on codes billed with it (NCCI add-on edits):
          - 96368 — IV therapeutic infusion given concurrently with another infusion
        - MUE: 8 (adjudication indicator 3)
    "#]]).await;
    s.finish().await;
}

#[tokio::test]
async fn the_dose_hovers_its_units_arithmetic() {
    let mut s = server().await;
    let on_amount = hover(&mut s, "600 mg").await;
    expect![[r#"
        **dose** — J2350 bills 1 mg per unit: 600 mg is 600 units

        - Opened: 600 mg (2 × 300 mg)
        - Billable waste: 600 mg − 600 units × 1 mg = 0 mg
        - Single-dose container: no billable waste, so no JW line (JZ says so)
        - Documented waste: 0 mg
    "#]]
    .assert_eq(&on_amount);
    // The unit hovers the same arithmetic.
    assert_eq!(hover(&mut s, "mg\n    route").await, on_amount);
    s.finish().await;
}

#[tokio::test]
async fn a_dose_from_part_of_its_vials_hovers_the_waste_to_bill() {
    let text = include_str!("../../../examples/infliximab-waste.claim");
    let uri = "file:///work/hover-waste.claim";
    let mut s = TestServer::start_with(ServerOptions {
        data: Some(Arc::new(CodeData::embedded())),
        ..ServerOptions::default()
    });
    s.initialize(json!({})).await;
    s.open_checked(uri, text).await;
    let r = s
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": position_of(text, "350 mg")}),
        )
        .await;
    expect![[r#"
        **dose** — J1745 bills 10 mg per unit: 350 mg is 35 units

        - Opened: 400 mg (4 × 100 mg)
        - Billable waste: 400 mg − 35 units × 10 mg = 50 mg
        - Single-dose container: bill 5 units of waste on a `J1745 JW` line
        - Documented waste: 50 mg
    "#]]
    .assert_eq(r["contents"]["value"].as_str().unwrap_or(""));
    s.finish().await;
}

#[tokio::test]
async fn a_dose_no_line_bills_yet_hovers_the_arithmetic_the_lines_will_take() {
    let text = "claim OCR-1\n  payer medicare\n  dx A G35.A\n\n  admin ocrelizumab\n    dose 600 mg\n    route iv\n    start 2026-11-20 09:30\n    stop 13:05\n    vial 50242-0150-01 x2\n";
    let uri = "file:///work/hover-unbilled.claim";
    let mut s = TestServer::start_with(ServerOptions {
        data: Some(Arc::new(CodeData::embedded())),
        ..ServerOptions::default()
    });
    s.initialize(json!({})).await;
    s.open_checked(uri, text).await;
    let r = s
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": position_of(text, "600 mg")}),
        )
        .await;
    expect![[r#"
        **dose** — J2350 bills 1 mg per unit: 600 mg is 600 units

        - Opened: 600 mg (2 × 300 mg)
        - Billable waste: 600 mg − 600 units × 1 mg = 0 mg
        - Single-dose container: no billable waste, so no JW line (JZ says so)
    "#]]
    .assert_eq(r["contents"]["value"].as_str().unwrap_or(""));
    s.finish().await;
}

#[tokio::test]
async fn inlay_hints_stay_short() {
    let mut s = server().await;
    let r = s
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": URI},
                   "range": {"start": {"line": 0, "character": 0}, "end": {"line": 30, "character": 0}}}),
        )
        .await;
    let hints: Vec<String> = r
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h["label"].as_str().map(str::to_string))
        .collect();
    expect![[r#"
        [
            "Injection, ocrelizumab, 1 mg",
            "= 600 mg",
            "Chemotherapy or complex…",
            "Chemotherapy or complex…",
            "IV infusion of a…",
            "IV push of a therapeutic…",
        ]
    "#]]
    .assert_debug_eq(&hints);
    for h in &hints {
        assert!(
            h.chars().count() <= claimls_lsp::inlay::HINT_CHARS,
            "{h:?} is longer than {} characters",
            claimls_lsp::inlay::HINT_CHARS
        );
    }
    s.finish().await;
}
