//! "Bill this administration": the lines an `admin` record implies (`claimls_rules::billing`) and the
//! `line-missing` rule that offers them (`UPDATE_EXPECT=1` rewrites the expectations).

mod support;

use claimls_data::CodeData;
use claimls_rules::config::Config;
use claimls_rules::{Severity, billing, context::ClaimCtx};
use expect_test::expect;
use support::{apply, check, findings};

/// examples/ocrevus-maintenance.claim without its billed lines and comments.
fn ocrevus_without_lines() -> (String, String) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/ocrevus-maintenance.claim"
    );
    let text = std::fs::read_to_string(path).expect("the example");
    let strip = |l: &str| l.split('#').next().unwrap_or("").trim_end().to_string();
    let mut kept = String::new();
    let mut lines = String::new();
    for l in text.lines() {
        let l = strip(l);
        if l.trim_start().starts_with("line ") {
            // Medicare does not ask for the NDC, so the plan leaves it to the coder.
            lines.push_str(l.split(" ndc ").next().unwrap_or(""));
            lines.push('\n');
        } else if !l.is_empty() {
            kept.push_str(&l);
            kept.push('\n');
        }
    }
    (kept, lines)
}

#[test]
fn billing_the_ocrelizumab_admin_writes_the_examples_lines_and_a_clean_claim() {
    let (text, billed) = ocrevus_without_lines();
    let found = findings(&text, &Config::default());
    let missing: Vec<_> = found.iter().filter(|f| f.rule == "line-missing").collect();
    assert_eq!(missing.len(), 1, "{found:#?}");
    let fixes: Vec<_> = missing[0]
        .fix
        .iter()
        .chain(&missing[0].alternatives)
        .collect();
    assert_eq!(
        fixes.len(),
        2,
        "chemotherapy and therapeutic families: {fixes:#?}"
    );
    let fixed = apply(&text, &fixes[0].edits);
    let after = findings(&fixed, &Config::default());
    assert!(
        after
            .iter()
            .all(|f| f.severity != Severity::Error && f.rule != "line-missing"),
        "{fixed}\n{after:#?}"
    );
    // The lines written are the example's own, as a coder bills them.
    let written: String = fixed
        .lines()
        .filter(|l| l.trim_start().starts_with("line "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(written, billed);
}

#[test]
fn the_plans_come_from_the_engine_per_record() {
    let text = "claim P-1\n  payer medicaid\n  pos 11\n  dx A G35.A\n  admin Solu-Medrol\n    dose 100 mg\n    route ivp\n    start 2026-11-20 09:00\n    stop 09:05\n  admin ocrelizumab\n    dose 600 mg\n    route iv\n    start 2026-11-20 09:30\n    stop 13:05\n    vial 50242-0150-01 x2\n    waste 0 mg\n";
    let doc = claimls_syntax::document(text);
    let data = CodeData::embedded();
    let config = Config::default();
    let ctx = ClaimCtx::new(&doc.claims[0], text, &data, &config);
    let titles = |a: usize| -> Vec<Vec<String>> {
        billing::bill_administration(&ctx, a)
            .into_iter()
            .map(|p| p.lines)
            .collect()
    };
    // The infusion is the encounter's main administration: initial service and its hours.
    let main = titles(1);
    assert_eq!(
        main[0],
        vec![
            "line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML",
            "line 96413 units 1 dx A",
            "line 96415 units 3 dx A"
        ]
    );
    assert_eq!(main[1][1], "line 96365 units 1 dx A");
    // The push before it is a subsequent push of a new drug.
    let push = titles(0);
    assert!(
        push.iter()
            .any(|p| p.iter().any(|l| l.starts_with("line 96375 units 1"))),
        "{push:?}"
    );
    assert!(
        push.iter()
            .all(|p| !p.iter().any(|l| l.starts_with("line 96374")))
    );
}

#[test]
fn line_missing_fires_on_an_unbilled_admin_only() {
    check(
        "claim LM-1
  payer medicare
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
",
        expect![[r#"
            7   |   admin ocrelizumab
                |   ^^^^^^^^^^^^^^^^^ warning[line-missing]: The administration of ocrelizumab is documented but no line bills it: add `line J2350 JZ units 600 dx A`, `line 96413 units 1 dx A`, `line 96415 units 3 dx A` (the administration code family depends on the drug and the payer: the other plan bills it as another drug)
                |   or: Bill this administration: J2350 JZ units 600, 96413 units 1, 96415 units 3 (chemotherapy and complex biologics)
                |   or: Bill this administration: J2350 JZ units 600, 96365 units 1, 96366 units 3 (other drugs)

            --- after `Bill this administration: J2350 JZ units 600, 96413 units 1, 96415 units 3 (chemotherapy and complex biologics)`:
            + 
            +   line J2350 JZ units 600 dx A
            +   line 96413 units 1 dx A
            +   line 96415 units 3 dx A

            --- after `Bill this administration: J2350 JZ units 600, 96365 units 1, 96366 units 3 (other drugs)`:
            + 
            +   line J2350 JZ units 600 dx A
            +   line 96365 units 1 dx A
            +   line 96366 units 3 dx A
        "#]],
    );
}

#[test]
fn billing_the_infliximab_admin_writes_the_jw_line_of_its_waste() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/infliximab-waste.claim"
    );
    let text = std::fs::read_to_string(path).expect("the example");
    let without: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("line "))
        .map(|l| format!("{l}\n"))
        .collect();
    let billed: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with("line "))
        .map(str::trim)
        .collect();
    let doc = claimls_syntax::document(&without);
    let data = CodeData::embedded();
    let config = Config::parse(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/claimls.toml"
        ))
        .expect("the examples' claimls.toml"),
        std::path::Path::new("claimls.toml"),
    )
    .expect("valid");
    let ctx = ClaimCtx::new(&doc.claims[0], &without, &data, &config);
    let plans = billing::bill_administration(&ctx, 0);
    // 350 mg given from four 100 mg vials: 35 units, 5 units of JW, and the infusion's hours.
    assert_eq!(plans[0].lines, billed);
}

#[test]
fn a_drug_name_several_codes_bill_gets_no_plan() {
    // Two codes bill `rituximab` in the data: the record does not say which product, so nothing is
    // written for the coder.
    let text = "claim M-1\n  payer medicare\n  pos 11\n  dx A G35.A\n  admin rituximab\n    dose 1000 mg\n    route iv\n    start 2026-11-20 09:00\n    stop 13:05\n";
    let doc = claimls_syntax::document(text);
    let data = CodeData::embedded();
    let config = Config::default();
    let ctx = ClaimCtx::new(&doc.claims[0], text, &data, &config);
    assert!(ctx.administrations[0].codes.len() > 1);
    assert_eq!(billing::bill_administration(&ctx, 0), Vec::new());
    assert!(
        !findings(text, &config)
            .iter()
            .any(|f| f.rule == "line-missing")
    );
}

/// examples/claimls.toml, as the examples' team writes it.
fn examples_config() -> Config {
    Config::parse(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/claimls.toml"
        ))
        .expect("the examples' claimls.toml"),
        std::path::Path::new("claimls.toml"),
    )
    .expect("valid")
}

#[test]
fn a_profile_reporting_charted_ndcs_gets_the_vials_ndc_and_quantity_on_the_drug_line() {
    // `[payers.medicare] ndc-when-charted = true`: the example's own lines, NDC included (600 mg from
    // 300 mg/10 mL vials = 20 ML), and the billed claim checks clean under the same settings.
    let config = examples_config();
    assert!(
        config
            .profile(claimls_model::PayerKind::Medicare, None)
            .ndc_when_charted
    );
    let (text, _) = ocrevus_without_lines();
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/ocrevus-maintenance.claim"
    ))
    .expect("the example");
    let billed: Vec<String> = example
        .lines()
        .filter(|l| l.trim_start().starts_with("line "))
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .collect();
    assert!(billed[0].ends_with("ndc 50242-0150-01 20 ML"), "{billed:?}");
    let found = findings(&text, &config);
    let missing = found
        .iter()
        .find(|f| f.rule == "line-missing")
        .expect("line-missing");
    let fix = missing.alternatives.first().expect("the first plan");
    let fixed = apply(&text, &fix.edits);
    let written: Vec<String> = fixed
        .lines()
        .filter(|l| l.trim_start().starts_with("line "))
        .map(|l| l.trim().to_string())
        .collect();
    assert_eq!(written, billed);
    let after = findings(&fixed, &config);
    assert!(
        after.iter().all(|f| f.severity == Severity::Information),
        "{fixed}\n{after:#?}"
    );
    // A vial charted by amount gives no NDC to write: the line has none.
    let by_amount = text.replace("vial 50242-0150-01 x2", "vial 300 mg x2");
    let doc = claimls_syntax::document(&by_amount);
    let data = CodeData::embedded();
    let ctx = ClaimCtx::new(&doc.claims[0], &by_amount, &data, &config);
    let plans = billing::bill_administration(&ctx, 0);
    assert_eq!(plans[0].lines[0], "line J2350 JZ units 600 dx A");
}

#[test]
fn draft_settings_are_checked_and_named_payers_written_with_their_kind() {
    let config = examples_config();
    assert_eq!(config.draft.payer.as_deref(), Some("medicare"));
    assert_eq!(config.draft.pos.as_deref(), Some("11"));
    assert_eq!(
        config.draft.patients.as_deref(),
        Some(std::path::Path::new("patients.toml"))
    );
    let named = Config::parse(
        "[payers.\"Acme Health PPO\"]\nkind = \"commercial\"\n\n[draft]\npayer = \"Acme Health PPO\"\npatients = \"/srv/team/patients.toml\"\n",
        std::path::Path::new("/srv/team/claimls.toml"),
    )
    .expect("valid");
    assert_eq!(
        named.draft.payer.as_deref(),
        Some("commercial \"Acme Health PPO\"")
    );
    let bad = |text: &str| {
        Config::parse(text, std::path::Path::new("claimls.toml"))
            .map(|_| ())
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        bad("[draft]\npos = \"1\"\n"),
        "claimls.toml:2: `[draft] pos = \"1\"`: write the two-digit place of service code in quotes, e.g. `pos = \"11\"`"
    );
    assert_eq!(
        bad("[draft]\n\npayer = \"medicar\"\n"),
        "claimls.toml:3: `[draft] payer = \"medicar\"`: write medicare, medicare-advantage, medicaid, commercial, or the name of a payer under `[payers]`"
    );
}
