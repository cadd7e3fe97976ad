//! Every rule, made to fire and kept quiet, on small claims. Most tests start from the two examples of
//! the notation spec (which are clean) and change one line — the change is the test's subject.

use claimls_data::CodeData;
use claimls_rules::config::Config;
use claimls_rules::{self as rules, Finding};
use std::path::Path;

/// Spec example 1 (examples/ocrevus-maintenance.claim): Ocrevus 600 mg maintenance, Medicare, no
/// waste. Clean.
const OCREVUS: &str = include_str!("../../../examples/ocrevus-maintenance.claim");

/// Spec example 2 (examples/infliximab-waste.claim): infliximab 350 mg with waste, commercial payer.
/// Clean.
const INFLIXIMAB: &str = include_str!("../../../examples/infliximab-waste.claim");

fn check_with(text: &str, config: &Config) -> Vec<Finding> {
    let doc = claimls_syntax::document(text);
    rules::check(&doc, &CodeData::embedded(), config)
}

fn check(text: &str) -> Vec<Finding> {
    check_with(text, &Config::default())
}

/// `text` with `from` replaced by `to`; panics when `from` is not there (a broken test, not a rule).
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "fixture does not contain {from:?}");
    text.replacen(from, to, 1)
}

#[track_caller]
fn fires(text: &str, rule: &str) -> Finding {
    let findings = check(text);
    findings
        .iter()
        .find(|f| f.rule == rule)
        .cloned()
        .unwrap_or_else(|| panic!("expected {rule}, got {:#?}", summary(&findings)))
}

#[track_caller]
fn quiet(text: &str, rule: &str) {
    let findings = check(text);
    assert!(
        findings.iter().all(|f| f.rule != rule),
        "expected no {rule}, got {:#?}",
        summary(&findings)
    );
}

fn summary(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| format!("{} {}: {}", f.severity, f.rule, f.message))
        .collect()
}

/// Apply a finding's fix to the text.
fn apply(text: &str, f: &Finding) -> String {
    let fix = f.fix.as_ref().expect("finding has a fix");
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(e.span.start..e.span.end, &e.new_text);
    }
    out
}

/// The finding fires, its fix applies, and after the fix the rule is quiet.
#[track_caller]
fn fix_clears(text: &str, rule: &str) -> String {
    let f = fires(text, rule);
    let fixed = apply(text, &f);
    quiet(&fixed, rule);
    fixed
}

#[test]
fn spec_examples_are_clean() {
    for text in [OCREVUS, INFLIXIMAB] {
        let findings = check(text);
        assert!(findings.is_empty(), "{:#?}", summary(&findings));
    }
}

// ---- units ---------------------------------------------------------------------------------------

#[test]
fn units_invalid_fires_on_missing_zero_negative_fraction() {
    for bad in ["units 0", "units -5", "units 600.5"] {
        let t = edit(OCREVUS, "JZ units 600", &format!("JZ {bad}"));
        fires(&t, "units-invalid");
    }
    let t = edit(OCREVUS, "line 96413 units 1", "line 96413");
    fires(&t, "units-invalid");
    quiet(OCREVUS, "units-invalid");
}

#[test]
fn units_invalid_fix_writes_the_dose_units() {
    let t = edit(OCREVUS, "JZ units 600", "JZ units 0");
    let fixed = fix_clears(&t, "units-invalid");
    assert!(fixed.contains("JZ units 600"));
}

#[test]
fn units_dose_mismatch_divides_and_rounds_up() {
    let t = edit(INFLIXIMAB, "line J1745 units 35", "line J1745 units 30");
    let f = fires(&t, "units-dose-mismatch");
    assert!(f.message.contains("10 mg per unit"), "{}", f.message);
    assert!(f.message.contains("35"), "{}", f.message);
    assert_eq!(f.related.len(), 1, "points at the dose");
    let fixed = fix_clears(&t, "units-dose-mismatch");
    assert!(fixed.contains("line J1745 units 35"));
    quiet(INFLIXIMAB, "units-dose-mismatch");
}

#[test]
fn units_dose_mismatch_a_dose_under_one_unit_is_one_unit() {
    // 5 mg of a 10 mg-per-unit drug is 1 unit, not 0.5.
    let t = edit(INFLIXIMAB, "dose 350 mg", "dose 5 mg");
    let t = edit(&t, "line J1745 units 35", "line J1745 units 1");
    quiet(&t, "units-dose-mismatch");
    let t2 = edit(&t, "line J1745 units 1", "line J1745 units 2");
    fires(&t2, "units-dose-mismatch");
}

#[test]
fn units_dose_mismatch_converts_grams() {
    let t = edit(INFLIXIMAB, "dose 350 mg", "dose 0.35 g");
    quiet(&t, "units-dose-mismatch");
}

#[test]
fn units_over_mue_counts_all_lines_of_the_code() {
    // J2350's practitioner MUE is 600.
    let t = edit(OCREVUS, "dose 600 mg", "dose 900 mg");
    let t = edit(&t, "JZ units 600", "JZ units 900");
    fires(&t, "units-over-mue");
    quiet(OCREVUS, "units-over-mue");
}

#[test]
fn dose_atypical_knows_labelled_doses() {
    let t = edit(OCREVUS, "dose 600 mg", "dose 500 mg");
    fires(&t, "dose-atypical");
    let t = edit(OCREVUS, "dose 600 mg", "dose 300 mg");
    quiet(&t, "dose-atypical");
    // Weight-based drugs have no labelled-dose list.
    quiet(INFLIXIMAB, "dose-atypical");
}

#[test]
fn admin_time_units_follows_the_thirty_minute_rule() {
    // 09:30–13:05 is 215 min: 3 add-on hours. 2 is wrong.
    let t = edit(OCREVUS, "line 96415 units 3", "line 96415 units 2");
    let f = fires(&t, "admin-time-units");
    assert!(f.message.contains("215"), "{}", f.message);
    fix_clears(&t, "admin-time-units");
    // Exactly 150 min is 1 add-on hour; 151 is 2.
    let t150 = edit(OCREVUS, "stop 13:05", "stop 12:00");
    let t150 = edit(&t150, "line 96415 units 3", "line 96415 units 1");
    quiet(&t150, "admin-time-units");
    let t151 = edit(OCREVUS, "stop 13:05", "stop 12:01");
    let t151 = edit(&t151, "line 96415 units 3", "line 96415 units 1");
    fires(&t151, "admin-time-units");
    quiet(OCREVUS, "admin-time-units");
}

#[test]
fn admin_time_units_missing_add_on_line_is_inserted() {
    let t = edit(
        OCREVUS,
        "  line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)\n",
        "",
    );
    let fixed = fix_clears(&t, "admin-time-units");
    assert!(fixed.contains("line 96415 units 3 dx A"), "{fixed}");
}

#[test]
fn admin_time_units_75_minutes_is_initial_only() {
    let t = edit(OCREVUS, "stop 13:05", "stop 10:45");
    let f = fires(&t, "admin-time-units");
    let fixed = apply(&t, &f);
    assert!(!fixed.contains("96415"), "the add-on line is removed");
    quiet(&fixed, "admin-time-units");
}

#[test]
fn ndc_quantity_is_dose_over_concentration() {
    let t = edit(OCREVUS, "20 ML", "10 ML");
    let f = fires(&t, "ndc-quantity");
    assert!(f.message.contains("20"), "{}", f.message);
    fix_clears(&t, "ndc-quantity");
    quiet(OCREVUS, "ndc-quantity");
}

// ---- waste ---------------------------------------------------------------------------------------

/// The MAC worked example (Noridian): 350 mg infliximab from 4 × 100 mg vials is J1745 × 35 + JW × 5.
#[test]
fn waste_jw_missing_mac_example() {
    let t = edit(INFLIXIMAB, "  line J1745 JW units 5 dx A\n", "");
    let f = fires(&t, "waste-jw-missing");
    assert!(f.message.contains("line J1745 JW units 5"), "{}", f.message);
    let fixed = fix_clears(&t, "waste-jw-missing");
    assert!(fixed.contains("line J1745 JW units 5 dx A"), "{fixed}");
    assert!(check(&fixed).is_empty(), "{:#?}", summary(&check(&fixed)));
}

/// Round the dose up and the waste down (ACR): 77 mg from a 100 mg vial, 10 mg units = 8 + JW 2.
#[test]
fn waste_jw_units_rounds_waste_down() {
    let t = edit(INFLIXIMAB, "dose 350 mg", "dose 77 mg");
    let t = edit(&t, "vial 100 mg x4", "vial 100 mg x1");
    let t = edit(&t, "waste 50 mg", "waste 23 mg");
    let t = edit(&t, "line J1745 units 35", "line J1745 units 8");
    let ok = edit(&t, "JW units 5", "JW units 2");
    assert!(check(&ok).is_empty(), "{:#?}", summary(&check(&ok)));
    let bad = edit(&t, "JW units 5", "JW units 3");
    fires(&bad, "waste-jw-units");
    let fixed = fix_clears(&bad, "waste-jw-units");
    assert!(fixed.contains("JW units 2"));
}

/// No JW when the rounded-up units already cover the container.
#[test]
fn waste_jw_not_allowed_when_units_cover_the_vial() {
    // 95 mg of infliximab from one 100 mg vial: 10 units = 100 mg, no billable waste.
    let t = edit(INFLIXIMAB, "dose 350 mg", "dose 95 mg");
    let t = edit(&t, "vial 100 mg x4", "vial 100 mg x1");
    let t = edit(&t, "waste 50 mg", "waste 5 mg");
    let t = edit(&t, "line J1745 units 35", "line J1745 units 10");
    let t = edit(&t, "JW units 5", "JW units 1");
    let f = fires(&t, "waste-jw-not-allowed");
    assert!(f.message.contains("already covers"), "{}", f.message);
    let fixed = fix_clears(&t, "waste-jw-not-allowed");
    assert!(!fixed.contains("JW"));
    quiet(INFLIXIMAB, "waste-jw-not-allowed");
}

#[test]
fn waste_jw_only_needs_the_administered_line() {
    let t = edit(INFLIXIMAB, "  line J1745 units 35 dx A\n", "");
    fires(&t, "waste-jw-only");
    let fixed = fix_clears(&t, "waste-jw-only");
    assert!(fixed.contains("line J1745 units 35 dx A"), "{fixed}");
    quiet(INFLIXIMAB, "waste-jw-only");
}

#[test]
fn waste_jz_missing_is_an_error_for_medicare_only() {
    let t = edit(OCREVUS, "line J2350 JZ units", "line J2350 units");
    let f = fires(&t, "waste-jz-missing");
    assert_eq!(f.severity, rules::Severity::Error);
    let fixed = fix_clears(&t, "waste-jz-missing");
    assert!(fixed.contains("line J2350 JZ units 600"));
    // Commercial payers: not required by default.
    let c = edit(&t, "payer medicare", "payer commercial");
    quiet(&c, "waste-jz-missing");
    // Medicare Advantage: a warning.
    let ma = edit(&t, "payer medicare", "payer medicare-advantage");
    assert_eq!(
        fires(&ma, "waste-jz-missing").severity,
        rules::Severity::Warning
    );
    quiet(OCREVUS, "waste-jz-missing");
}

#[test]
fn waste_jw_jz_conflict() {
    let t = edit(
        INFLIXIMAB,
        "line J1745 JW units 5",
        "line J1745 JW JZ units 5",
    );
    fires(&t, "waste-jw-jz-conflict");
    let t = edit(INFLIXIMAB, "line J1745 units 35", "line J1745 JZ units 35");
    let fixed = fix_clears(&t, "waste-jw-jz-conflict");
    assert!(fixed.contains("line J1745 units 35"));
    quiet(INFLIXIMAB, "waste-jw-jz-conflict");
}

#[test]
fn waste_undocumented() {
    let t = edit(
        INFLIXIMAB,
        "    waste 50 mg witness \"K. Ortiz, RN\" evidence \"wastage log 2026-11-12 #14\"\n",
        "",
    );
    fires(&t, "waste-undocumented");
    let fixed = fix_clears(&t, "waste-undocumented");
    assert!(fixed.contains("waste 50 mg"), "{fixed}");
    quiet(INFLIXIMAB, "waste-undocumented");
}

#[test]
fn waste_vial_arithmetic() {
    // 2 × 300 mg opened, 600 mg given, 40 mg wasted.
    let t = edit(OCREVUS, "waste 0 mg", "waste 40 mg");
    fires(&t, "waste-vial-arithmetic");
    quiet(OCREVUS, "waste-vial-arithmetic");
}

#[test]
fn waste_evidence_missing_is_payer_dependent() {
    let config = Config::parse(
        "[payers.\"Acme Health PPO\"]\nkind = \"commercial\"\nwaste-witness-required = true\n",
        Path::new("claimls.toml"),
    )
    .unwrap();
    let t = edit(
        INFLIXIMAB,
        "waste 50 mg witness \"K. Ortiz, RN\" evidence \"wastage log 2026-11-12 #14\"",
        "waste 50 mg",
    );
    assert!(
        check_with(&t, &config)
            .iter()
            .any(|f| f.rule == "waste-evidence-missing")
    );
    assert!(
        check_with(INFLIXIMAB, &config)
            .iter()
            .all(|f| f.rule != "waste-evidence-missing")
    );
    // Without the requirement, nothing to say.
    quiet(&t, "waste-evidence-missing");
}

#[test]
fn waste_avoidable_notes_a_better_combination() {
    // Ocrelizumab comes in one size only, so 2 × 300 mg for 600 mg is optimal.
    quiet(OCREVUS, "waste-avoidable");
    // 300 mg needs one vial: opening two is avoidable waste.
    let t = edit(OCREVUS, "dose 600 mg", "dose 300 mg");
    let t = edit(&t, "waste 0 mg", "waste 300 mg");
    fires(&t, "waste-avoidable");
}

// ---- documentation --------------------------------------------------------------------------------

#[test]
fn doc_admin_missing() {
    let start = OCREVUS.find("  admin ocrelizumab").unwrap();
    let end = OCREVUS.find("  line J2350").unwrap();
    let t = format!("{}{}", &OCREVUS[..start], &OCREVUS[end..]);
    let f = fires(&t, "doc-admin-missing");
    // The record is a fact of the chart: no fix writes it.
    assert!(f.fix.is_none());
    quiet(OCREVUS, "doc-admin-missing");
}

#[test]
fn doc_statements_missing() {
    for (line, rule) in [
        ("    dose 600 mg\n", "doc-dose-missing"),
        ("    route iv\n", "doc-route-missing"),
        ("    start 2026-11-20 09:30\n", "doc-start-missing"),
        ("    stop 13:05\n", "doc-stop-missing"),
        ("    reaction none\n", "doc-reaction-missing"),
        ("    waste 0 mg\n", "doc-waste-missing"),
        (
            "  order 2026-11-01 signed \"R. Patel, MD\"\n",
            "doc-order-missing",
        ),
    ] {
        let t = edit(OCREVUS, line, "");
        fires(&t, rule);
        quiet(OCREVUS, rule);
    }
}

#[test]
fn doc_fixes_insert_statements() {
    // Whether there was a reaction is a fact of the chart: no fix writes `reaction none`.
    let t = edit(OCREVUS, "    reaction none\n", "");
    assert!(fires(&t, "doc-reaction-missing").fix.is_none());
    let t = edit(OCREVUS, "    waste 0 mg\n", "");
    let fixed = fix_clears(&t, "doc-waste-missing");
    assert!(fixed.contains("waste 0 mg"));
}

#[test]
fn doc_order_unsigned_and_after_service() {
    let t = edit(
        OCREVUS,
        "order 2026-11-01 signed \"R. Patel, MD\"",
        "order 2026-11-01 unsigned",
    );
    fires(&t, "doc-order-unsigned");
    let t = edit(OCREVUS, "order 2026-11-01", "order 2026-11-25");
    let f = fires(&t, "doc-order-after-service");
    assert_eq!(f.related.len(), 1);
    quiet(OCREVUS, "doc-order-unsigned");
    quiet(OCREVUS, "doc-order-after-service");
}

// ---- codes -----------------------------------------------------------------------------------------

#[test]
fn code_unknown_for_malformed_codes() {
    let t = edit(OCREVUS, "line J2350 JZ", "line J23X0 JZ");
    fires(&t, "code-unknown");
    quiet(OCREVUS, "code-unknown");
}

#[test]
fn partial_data_reports_information_not_errors() {
    // Durvalumab is a real code outside the curated subset.
    let t = edit(OCREVUS, "line 96413 units 1", "line J9173 units 1");
    let f = fires(&t, "not-in-data");
    assert_eq!(f.severity, rules::Severity::Information);
    quiet(&t, "code-unknown");
}

#[test]
fn misconception_j1301_is_not_ocrelizumab() {
    let t = edit(OCREVUS, "line J2350", "line J1301");
    let t = edit(&t, "ndc 50242-0150-01 20 ML", "");
    let f = fires(&t, "code-drug-mismatch");
    assert!(f.message.contains("edaravone"), "{}", f.message);
    assert!(f.message.contains("J2350"), "{}", f.message);
    quiet(&t, "doc-admin-missing");
    let fixed = fix_clears(&t, "code-drug-mismatch");
    assert!(fixed.contains("line J2350"));
}

#[test]
fn misconception_j1300_was_eculizumab_and_is_terminated() {
    let t = edit(
        OCREVUS,
        "line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML",
        "line J1300 units 60 dx A",
    );
    let f = fires(&t, "code-inactive");
    assert!(f.message.contains("2025-03-31"), "{}", f.message);
    let m = fires(&t, "code-drug-mismatch");
    assert!(m.message.contains("eculizumab"), "{}", m.message);
    quiet(OCREVUS, "code-inactive");
}

#[test]
fn misconception_j2350_is_not_omalizumab() {
    let t = edit(OCREVUS, "admin ocrelizumab", "admin omalizumab");
    let f = fires(&t, "code-drug-mismatch");
    assert!(f.message.contains("J2357"), "{}", f.message);
}

#[test]
fn misconception_there_is_no_jn_modifier() {
    let t = edit(OCREVUS, "line J2350 JZ", "line J2350 JZ JN");
    let f = fires(&t, "modifier-unknown");
    assert!(f.message.contains("no JN"), "{}", f.message);
    fix_clears(&t, "modifier-unknown");
    quiet(OCREVUS, "modifier-unknown");
}

#[test]
fn misconception_modifier_22_on_a_drug_line() {
    let t = edit(OCREVUS, "line J2350 JZ", "line J2350 JZ 22");
    let f = fires(&t, "modifier-not-applicable");
    assert!(f.message.contains("procedure modifier"), "{}", f.message);
    fix_clears(&t, "modifier-not-applicable");
    // JZ on an administration code does not belong either.
    let t = edit(OCREVUS, "line 96413 units", "line 96413 JZ units");
    fires(&t, "modifier-not-applicable");
    quiet(OCREVUS, "modifier-not-applicable");
}

#[test]
fn modifier_jg_terminated_becomes_tb() {
    let t = edit(OCREVUS, "line J2350 JZ", "line J2350 JZ JG");
    let fixed = fix_clears(&t, "modifier-unknown");
    assert!(fixed.contains("line J2350 JZ TB"));
}

#[test]
fn modifier_duplicate() {
    let t = edit(OCREVUS, "line J2350 JZ", "line J2350 JZ JZ");
    fix_clears(&t, "modifier-duplicate");
    quiet(OCREVUS, "modifier-duplicate");
}

#[test]
fn misconception_g35_is_a_header_since_fy2026() {
    let t = edit(OCREVUS, "dx A G35.A", "dx A G35");
    let f = fires(&t, "dx-not-billable");
    assert!(f.message.contains("G35.A"), "{}", f.message);
    assert!(f.message.contains("G35.D"), "{}", f.message);
    assert_eq!(f.alternatives.len(), 8, "one quick fix per billable code");
    // Before 2025-10-01 plain G35 was billable.
    let old = edit(&t, "start 2026-11-20", "start 2025-06-20");
    let old = edit(&old, "order 2026-11-01", "order 2025-06-01");
    quiet(&old, "dx-not-billable");
    quiet(OCREVUS, "dx-not-billable");
}

#[test]
fn dx_missing_unknown_and_pointers() {
    let t = edit(
        OCREVUS,
        "  dx A G35.A                        # relapsing-remitting MS\n",
        "",
    );
    fires(&t, "dx-missing");
    let t = edit(OCREVUS, "dx A G35.A", "dx A G3");
    fires(&t, "dx-unknown");
    let t = edit(
        OCREVUS,
        "line 96413 units 1 dx A",
        "line 96413 units 1 dx B",
    );
    let fixed = fix_clears(&t, "dx-pointer-invalid");
    assert!(fixed.contains("line 96413 units 1 dx A"));
    // A pointer by code works.
    let t = edit(
        OCREVUS,
        "line 96413 units 1 dx A",
        "line 96413 units 1 dx G35.A",
    );
    quiet(&t, "dx-pointer-invalid");
    for rule in ["dx-missing", "dx-unknown", "dx-pointer-invalid"] {
        quiet(OCREVUS, rule);
    }
}

#[test]
fn dx_unsupported_when_no_diagnosis_is_an_indication() {
    let t = edit(OCREVUS, "dx A G35.A", "dx A K50.90");
    let f = fires(&t, "dx-unsupported");
    assert!(f.message.contains("G35"), "{}", f.message);
    quiet(OCREVUS, "dx-unsupported");
}

#[test]
fn ndc_invalid_pads_ten_digit_forms() {
    let t = edit(OCREVUS, "ndc 50242-0150-01", "ndc 50242-150-01");
    let f = fires(&t, "ndc-invalid");
    assert!(f.message.contains("50242-0150-01"), "{}", f.message);
    fix_clears(&t, "ndc-invalid");
    let t = edit(OCREVUS, "vial 50242-0150-01", "vial 5024-0150-01");
    fires(&t, "ndc-invalid");
    quiet(OCREVUS, "ndc-invalid");
}

#[test]
fn ndc_code_mismatch() {
    // Remicade's NDC on the ocrelizumab line.
    let t = edit(
        OCREVUS,
        "ndc 50242-0150-01 20 ML",
        "ndc 57894-0030-01 20 ML",
    );
    fires(&t, "ndc-code-mismatch");
    quiet(OCREVUS, "ndc-code-mismatch");
}

#[test]
fn place_of_service_rules() {
    let t = edit(OCREVUS, "  pos 11\n", "");
    fires(&t, "pos-missing");
    let t = edit(OCREVUS, "pos 11", "pos 30");
    fires(&t, "pos-unknown");
    let t = edit(OCREVUS, "pos 11", "pos 22");
    fires(&t, "pos-facility-drug");
    for rule in ["pos-missing", "pos-unknown", "pos-facility-drug"] {
        quiet(OCREVUS, rule);
    }
}

#[test]
fn npi_check_digit() {
    let t = edit(OCREVUS, "provider 1234567893", "provider 1234567890");
    fires(&t, "npi-invalid");
    let t = edit(OCREVUS, "provider 1234567893", "provider 12345");
    fires(&t, "npi-invalid");
    quiet(OCREVUS, "npi-invalid");
}

// ---- payer -----------------------------------------------------------------------------------------

fn acme(extra: &str) -> Config {
    Config::parse(
        &format!("[payers.\"Acme Health PPO\"]\nkind = \"commercial\"\n{extra}\n"),
        Path::new("claimls.toml"),
    )
    .unwrap()
}

#[test]
fn auth_missing_and_expired() {
    let config = acme("prior-auth = [\"J1745\"]");
    let no_auth = edit(
        INFLIXIMAB,
        "  auth PA-20261101-77 from 2026-11-01 to 2027-04-30\n",
        "",
    );
    assert!(
        check_with(&no_auth, &config)
            .iter()
            .any(|f| f.rule == "auth-missing")
    );
    assert!(
        check_with(INFLIXIMAB, &config)
            .iter()
            .all(|f| f.rule != "auth-missing")
    );
    quiet(&no_auth, "auth-missing");
    let expired = edit(INFLIXIMAB, "to 2027-04-30", "to 2026-11-10");
    fires(&expired, "auth-expired");
    quiet(INFLIXIMAB, "auth-expired");
}

#[test]
fn step_therapy_missing() {
    let config = acme("step-therapy = [\"J1745\"]");
    assert!(
        check_with(INFLIXIMAB, &config)
            .iter()
            .any(|f| f.rule == "step-therapy-missing")
    );
    let with_history = edit(
        INFLIXIMAB,
        "  auth PA",
        "  history \"adalimumab\" failed 2026-03-01\n  auth PA",
    );
    assert!(
        check_with(&with_history, &config)
            .iter()
            .all(|f| f.rule != "step-therapy-missing")
    );
}

#[test]
fn ndc_missing_for_medicaid() {
    let t = edit(OCREVUS, "payer medicare", "payer medicaid");
    let t = edit(&t, " ndc 50242-0150-01 20 ML", "");
    let f = fires(&t, "ndc-missing");
    assert_eq!(f.severity, rules::Severity::Error);
    let fixed = fix_clears(&t, "ndc-missing");
    assert!(fixed.contains("ndc 50242-0150-01 20 ML"), "{fixed}");
    quiet(&edit(&t, "payer medicaid", "payer medicare"), "ndc-missing");
}

#[test]
fn charge_below_limit_needs_asp_data() {
    // The embedded data has no ASP pricing: the rule stays quiet (it is tested with imported data).
    let t = edit(OCREVUS, "20 ML", "20 ML charge 100.00");
    quiet(&t, "charge-below-limit");
}

// ---- configuration -----------------------------------------------------------------------------

#[test]
fn config_turns_rules_off_and_changes_severity() {
    let t = edit(OCREVUS, "    reaction none\n", "");
    let off = Config::parse(
        "[rules]\ndoc-reaction-missing = \"off\"\n",
        Path::new("claimls.toml"),
    )
    .unwrap();
    assert!(
        check_with(&t, &off)
            .iter()
            .all(|f| f.rule != "doc-reaction-missing")
    );
    let err = Config::parse(
        "[rules]\ndoc-reaction-missing = \"error\"\n",
        Path::new("claimls.toml"),
    )
    .unwrap();
    let f = check_with(&t, &err)
        .into_iter()
        .find(|f| f.rule == "doc-reaction-missing")
        .unwrap();
    assert_eq!(f.severity, rules::Severity::Error);
}

#[test]
fn config_errors_name_the_line_and_what_to_write() {
    let e = Config::parse(
        "[rules]\nno-such-rule = \"off\"\n",
        Path::new("claimls.toml"),
    )
    .unwrap_err();
    assert!(e.to_string().contains("claimls.toml:2"), "{e}");
    assert!(e.to_string().contains("claimls explain --all"), "{e}");
    let e = Config::parse(
        "[rules]\ndose-atypical = \"loud\"\n",
        Path::new("claimls.toml"),
    )
    .unwrap_err();
    assert!(e.to_string().contains("\"off\""), "{e}");
}

// ---- docs --------------------------------------------------------------------------------------

/// The v1 catalogue is a contract (`../shared/spec/rules.md`): every id in it is registered, under the
/// same id. Every registered rule is documented in the four sections and made to fire by a test (its
/// id appears in a test's expected findings or a `fires` call).
#[test]
fn every_catalogue_rule_is_implemented_documented_and_tested() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = root.join("../../../shared/spec/rules.md");
    let spec = std::fs::read_to_string(&spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let catalogue: Vec<&str> = spec
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .collect();
    assert!(
        catalogue.len() >= 48,
        "the spec lists {} rules",
        catalogue.len()
    );
    for id in &catalogue {
        assert!(
            rules::rule(id).is_some(),
            "{id} (v1 catalogue) is not registered"
        );
    }
    // Every crate's tests: the 837P rules are made to fire by claimls-x12's.
    let tests: String = std::fs::read_dir(root.join(".."))
        .unwrap()
        .filter_map(|c| std::fs::read_dir(c.unwrap().path().join("tests")).ok())
        .flatten()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let all = rules::all();
    let mut ids: Vec<&str> = all.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "two rules share an id");
    for r in all {
        for section in [
            "## What it does",
            "## Why it matters",
            "## Example",
            "## Fix",
        ] {
            assert!(r.doc.contains(section), "{} lacks {section}", r.id);
        }
        let tested =
            tests.contains(&format!("[{}]", r.id)) || tests.contains(&format!("\"{}\"", r.id));
        assert!(tested, "no test makes {} fire", r.id);
    }
}

/// README.md's rule table is generated from the registry.
#[test]
fn readme_rule_table_is_generated_from_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = (
        "<!-- rule table: generated -->\n",
        "<!-- end of rule table -->",
    );
    let start = readme
        .find(begin)
        .expect("README.md has the rule table markers")
        + begin.len();
    let stop = readme[start..]
        .find(end)
        .expect("README.md closes the rule table")
        + start;
    let generated = rules::readme_table();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let updated = format!("{}{generated}{}", &readme[..start], &readme[stop..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert!(
        readme[start..stop] == generated,
        "README.md's rule table is out of date: run `UPDATE_DOCS=1 cargo test -p claimls-rules --test rules readme` and commit it"
    );
}

#[test]
fn docs_rules_md_is_generated_from_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let generated = rules::docs_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md is out of date: run `UPDATE_DOCS=1 cargo test -p claimls-rules --test rules docs_rules_md` and commit it"
    );
}

#[test]
fn an_unreadable_statement_is_reported_once() {
    let t = edit(OCREVUS, "dose 600 mg", "dose 600");
    let findings = check(&t);
    assert!(
        findings.iter().any(|f| f.rule == "syntax-error"),
        "{:#?}",
        summary(&findings)
    );
    quiet(&t, "doc-dose-missing");
}

#[test]
fn config_can_change_the_syntax_error_severity() {
    let t = edit(OCREVUS, "dose 600 mg", "dose 600");
    let warn = Config::parse(
        "[rules]\nsyntax-error = \"warning\"\n",
        Path::new("claimls.toml"),
    )
    .unwrap();
    let f = check_with(&t, &warn)
        .into_iter()
        .find(|f| f.rule == "syntax-error")
        .unwrap();
    assert_eq!(f.severity, rules::Severity::Warning);
}

#[test]
fn crlf_documents_get_crlf_fixes() {
    let t = edit(INFLIXIMAB, "  line J1745 JW units 5 dx A\n", "").replace('\n', "\r\n");
    let fixed = fix_clears(&t, "waste-jw-missing");
    assert!(
        fixed.contains("dx A\r\n  line J1745 JW units 5 dx A\r\n"),
        "{fixed:?}"
    );
}

/// A bad value in the second payer is reported on that payer's line, not on the first payer's (the
/// line comes from the value's span in the file).
#[test]
fn a_config_error_names_the_line_of_the_value_at_fault() {
    let toml = r#"[payers."Acme Health PPO"]
kind = "commercial"
jz-required = true

[payers."Beta Care"]
kind = "commercial"
jz-required = "sometimes"
"#;
    let err = Config::parse(toml, Path::new("claimls.toml")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "claimls.toml:7: `jz-required`: write true, false, or a severity (\"error\", \"warning\")"
    );
    let err = Config::parse(
        "[rules]\nwaste-avoidable = \"off\"\ndose-atypical = \"loud\"\n",
        Path::new("claimls.toml"),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "claimls.toml:3: `dose-atypical = \"loud\"`: write \"error\", \"warning\", \"information\" or \"off\""
    );
}
