//! `check` on an 837P reports the findings of the same claim written as a draft, minus the ones that
//! need the chart (reported once per claim instead), each at the line of its segment.

mod common;

use claimls_data::CodeData;
use claimls_rules::{self as rules, Finding, Severity};
use claimls_x12::check::CHART_RULES;

fn key(f: &Finding) -> (String, Severity, String) {
    (f.rule.to_string(), f.severity, f.message.clone())
}

#[test]
fn an_exported_837p_has_the_drafts_findings_minus_the_charts() {
    let data = CodeData::embedded();
    let mut compared = 0;
    let mut with_findings = 0;
    for dir in [common::root().join("examples"), common::claims_dir()] {
        let config = common::config(&dir);
        let patients = common::patients(&dir.join("patients.toml"));
        for file in common::claim_files(&dir) {
            let text = std::fs::read_to_string(&file).unwrap();
            let doc = claimls_syntax::document(&text);
            let all = rules::check(&doc, &data, &config);
            // A wrong drug code for the documented drug (code-drug-mismatch, which needs the chart)
            // silences the code's MUE and indication checks on the draft; without the chart they
            // are the 837P's findings.
            let mismatch = all.iter().any(|f| f.rule == "code-drug-mismatch");
            let draft: Vec<_> = all
                .into_iter()
                .filter(|f| !CHART_RULES.contains(&f.rule))
                .collect();
            let interchange =
                common::export(&file.display().to_string(), &text, &config, &patients).unwrap();
            let found = claimls_x12::check_837p(&interchange, &data, &config);
            let (once, rest): (Vec<_>, Vec<_>) = found.iter().partition(|f| {
                f.rule == "doc-admin-missing" && f.severity == Severity::Information
            });
            let mut expected: Vec<_> = draft.iter().map(key).collect();
            let silenced = ["units-over-mue", "dx-unsupported"];
            let mut got: Vec<_> = rest
                .iter()
                .filter(|f| !(mismatch && silenced.contains(&f.rule)))
                .map(|f| key(f))
                .collect();
            expected.sort();
            got.sort();
            assert_eq!(got, expected, "{}\n{interchange}", file.display());
            // The record's absence is said at most once per claim, at its CLM segment.
            assert!(once.len() <= doc.claims.len(), "{once:?}");
            for f in once.iter().chain(&rest) {
                let segment = &interchange[f.span.start..f.span.end];
                assert!(
                    interchange[..f.span.start].ends_with('\n') && segment.len() > 2,
                    "{} does not point at a whole segment: {segment:?}",
                    f.rule
                );
            }
            for f in &once {
                assert!(interchange[f.span.start..].starts_with("CLM*"));
            }
            with_findings += usize::from(!draft.is_empty());
            compared += 1;
        }
    }
    assert!(compared >= 10);
    assert!(with_findings >= 1, "no example with findings was compared");
}

#[test]
fn payer_side_checks_point_at_their_segments() {
    let data = CodeData::embedded();
    let dir = common::claims_dir();
    let config = common::config(&dir);
    let patients = common::patients(&dir.join("patients.toml"));
    let text = std::fs::read_to_string(dir.join("medicaid-ndc.claim")).unwrap();
    let good = common::export("medicaid-ndc.claim", &text, &config, &patients).unwrap();
    let clean = claimls_x12::check_837p(&good, &data, &config);
    assert!(
        clean.iter().all(|f| f.severity != Severity::Error),
        "{clean:?}"
    );
    let bad = good
        .replace("XX*1234567893~", "XX*1234567890~")
        .replace("N4*49401010101~", "N4*4940101011~")
        .replace(
            "SV1*HC:96365*275.5*UN*1***1~",
            "SV1*HC:96365*275.5*UN*0***3~",
        );
    let found = claimls_x12::check_837p(&bad, &data, &config);
    let at = |rule: &str| -> Vec<String> {
        found
            .iter()
            .filter(|f| f.rule == rule)
            .map(|f| bad[f.span.start..f.span.end].to_string())
            .collect()
    };
    assert_eq!(
        at("npi-invalid"),
        ["NM1*85*2*Lakeside Infusion Center*****XX*1234567890"]
    );
    assert_eq!(at("ndc-invalid"), ["LIN**N4*4940101011"]);
    assert_eq!(at("units-invalid"), ["SV1*HC:96365*275.5*UN*0***3"]);
    assert_eq!(at("dx-pointer-invalid"), ["SV1*HC:96365*275.5*UN*0***3"]);
    let unbalanced = good.replace("CLM*BEL-2026-0031*4355.5*", "CLM*BEL-2026-0031*4000*");
    assert_ne!(unbalanced, good);
    let found = claimls_x12::check_837p(&unbalanced, &data, &config);
    let total: Vec<_> = found
        .iter()
        .filter(|f| f.rule == "x12-claim-total")
        .collect();
    assert_eq!(total.len(), 1, "{found:?}");
    assert_eq!(
        total[0].message,
        "Claim BEL-2026-0031: CLM02 is 4000 but its lines (SV102) add up to 4355.5; payers reject an unbalanced claim. Write CLM02 = 4355.5."
    );
}

#[test]
fn an_imported_draft_reports_the_absent_record_once_until_the_admin_is_added() {
    let data = CodeData::embedded();
    let dir = common::root().join("examples");
    let config = common::config(&dir);
    let patients = common::patients(&dir.join("patients.toml"));
    let original = std::fs::read_to_string(dir.join("medicare-jw-missing.claim")).unwrap();
    let interchange =
        common::export("medicare-jw-missing.claim", &original, &config, &patients).unwrap();
    let draft = claimls_x12::import(&interchange, &config).text;
    assert!(claimls_x12::check::is_imported_draft(&draft));

    let found = claimls_x12::check::check_imported_draft(&draft, &data, &config);
    let rules_found: Vec<(&str, Severity)> = found.iter().map(|f| (f.rule, f.severity)).collect();
    assert_eq!(
        rules_found,
        [("doc-admin-missing", Severity::Information)],
        "{found:?}"
    );
    let header = draft.find("claim IFX-2026-0311").unwrap();
    assert_eq!(found[0].span.start, header);
    // Without the filter the same draft has a cascade: every drug line without its record.
    let cascade = rules::check(&claimls_syntax::document(&draft), &data, &config);
    assert!(
        cascade
            .iter()
            .filter(|f| CHART_RULES.contains(&f.rule))
            .count()
            >= 2,
        "{cascade:?}"
    );

    // The coder adds the record from the chart: the claim is checked in full again.
    let admin_start = original.find("  admin infliximab").unwrap();
    let admin_end = original.find("  line J1745").unwrap();
    let line_at = draft.find("  line J1745").unwrap();
    let completed = format!(
        "{}{}{}",
        &draft[..line_at],
        &original[admin_start..admin_end],
        &draft[line_at..]
    );
    let found = claimls_x12::check::check_imported_draft(&completed, &data, &config);
    let rules_found: Vec<&str> = found.iter().map(|f| f.rule).collect();
    assert!(rules_found.contains(&"waste-jw-missing"), "{found:?}");
    assert!(!rules_found.contains(&"doc-admin-missing"), "{found:?}");
}
