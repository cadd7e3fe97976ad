//! The smaller judgements of issue 9: each a claim that was judged wrongly, with what it gets now.

mod support;

use expect_test::expect;
use support::{check, check_toml};

/// A misspelled payer name no longer falls back silently to the built-in profile.
#[test]
fn a_misspelled_payer_name_is_a_warning_naming_the_configured_ones() {
    check_toml(
        r#"
[payers."Acme Health PPO"]
kind = "commercial"
prior-auth = ["J1745"]
"#,
        r#"
        claim PAY-1
          payer commercial "Acme Health PP0"
          provider 1234567893
          pos 11
          dx A K50.90
          order 2026-10-30 signed "L. Chen, MD"
        "#,
        expect![[r#"
            2   |   payer commercial "Acme Health PP0"
                |                    ^^^^^^^^^^^^^^^^^ warning[payer-unknown]: No payer named "Acme Health PP0" is configured in claimls.toml ("Acme Health PPO"), so the claim is judged by the built-in commercial profile, without that payer's own requirements. Did you mean "Acme Health PPO"?
                |   fix: Write "Acme Health PPO"

            --- after `Write "Acme Health PPO"`:
            -   payer commercial "Acme Health PP0"
            +   payer commercial "Acme Health PPO"
        "#]],
    );
}

/// A claim with no diagnosis and no lines yet still says the diagnosis is missing.
#[test]
fn dx_missing_on_a_claim_without_lines() {
    check(
        r#"
        claim DX-1
          payer medicare
          provider 1234567893
          pos 11
          order 2026-10-30 signed "L. Chen, MD"
        "#,
        expect![[r#"
            1   | claim DX-1
                | ^^^^^^^^^^ error[dx-missing]: The claim has no diagnosis; every line needs one to point at. Add `dx A <ICD-10-CM code>` from the chart.
        "#]],
    );
}

/// A dose larger than the containers opened is reported as such (not "waste 0 mg would balance"),
/// and JZ is not demanded while the record documents waste.
#[test]
fn a_dose_larger_than_the_vials_opened() {
    check(
        r#"
        claim IFX-5
          payer medicare
          provider 1234567893
          pos 11
          dx A K50.90
          order 2026-10-30 signed "L. Chen, MD"
          admin infliximab
            dose 350 mg
            route iv
            start 2026-11-12 10:00
            stop 12:15
            vial 100 mg x3
            waste 50 mg
            reaction none
          line J1745 units 35 dx A
          line 96413 units 1 dx A
          line 96415 units 1 dx A
        "#,
        expect![[r#"
            13  |     waste 50 mg
                |     ^^^^^^^^^^^ warning[waste-vial-arithmetic]: 3 × 100 mg opened is 300 mg, less than the dose 350 mg: the containers cannot have held it. The vial count, the vial size or the dose is wrong; correct it to match the chart.
                |   see line 12: containers opened: 3 × 100 mg
        "#]],
    );
}

/// A terminated code's replacement carries the dose over in the new code's billing unit (J9310 bills
/// 100 mg per unit, J9312 10 mg): `units 5` becomes `units 50`.
#[test]
fn the_replacement_of_a_terminated_code_keeps_the_dose() {
    check(
        r#"
        claim RTX-1
          payer medicare
          provider 1234567893
          pos 11
          dx A C83.30
          order 2026-10-30 signed "L. Chen, MD"
          admin rituximab
            dose 500 mg
            route iv
            start 2026-11-12 10:00
            stop 14:00
            vial 50242-0053-06 x1
            waste 0 mg
            reaction none
          line J9310 units 5 dx A
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            15  |   line J9310 units 5 dx A
                |        ^^^^^ error[code-inactive]: J9310 (Injection, rituximab, 100 mg) was terminated on 2018-12-31, before the date of service 2026-11-12; a claim with it is rejected. It was replaced by J9312 (Injection, rituximab, 10 mg). J9312 bills in other units: the same dose is `units 50`.
                |   fix: Replace J9310 with J9312
                |        ^^^^^ error[waste-jz-missing]: J9310 is a single-dose-container drug, and its 5 units (500 mg at 100 mg per unit) cover the 500 mg opened (1 × 500 mg): nothing billable was discarded. Medicare requires JZ on the line then, and returns a claim with neither JW nor JZ: write `J9310 JZ`.
                |   fix: Add JZ

            --- after `Replace J9310 with J9312`:
            -   line J9310 units 5 dx A
            +   line J9312 units 50 dx A

            --- after `Add JZ`:
            -   line J9310 units 5 dx A
            +   line J9310 JZ units 5 dx A
        "#]],
    );
}

/// An IV push of a drug that is not infused needs no stop time.
#[test]
fn an_iv_push_needs_no_stop() {
    check(
        r#"
        claim DEX-2
          payer commercial
          provider 1234567893
          pos 11
          dx A C50.911
          order 2026-10-30 signed "L. Chen, MD"
          admin dexamethasone
            dose 12 mg
            route iv
            start 2026-11-12 09:00
            reaction none
          line J1100 units 12 dx A
          line 96374 units 1 dx A
        "#,
        expect![[r#"
            5   |   dx A C50.911
                |        ^^^^^^^ information[not-in-data]: C50.911 is not in the embedded code data (a curated subset). Import the official files to verify it: `claimls data import <folder>`.
        "#]],
    );
}

/// Pegfilgrastim's labelled use is prophylaxis of febrile neutropenia during myelosuppressive
/// chemotherapy for a non-myeloid cancer: a line pointing at the cancer is supported.
#[test]
fn pegfilgrastim_for_a_non_myeloid_cancer_is_supported() {
    check(
        r#"
        claim PEG-1
          payer medicare
          provider 1234567893
          pos 11
          dx A C50.911
          order 2026-10-30 signed "L. Chen, MD"
          admin pegfilgrastim
            dose 6 mg
            route sc
            start 2026-11-13 09:00
            vial 55513-0190-01 x1
            waste 0 mg
            reaction none
          line J2506 JZ units 12 dx A
          line 96372 units 1 dx A
        "#,
        expect![[r#"
            5   |   dx A C50.911
                |        ^^^^^^^ information[not-in-data]: C50.911 is not in the embedded code data (a curated subset). Import the official files to verify it: `claimls data import <folder>`.
        "#]],
    );
}

/// A misspelt detail keyword is one finding: the syntax error with the keyword that fits, not also
/// "the administration has no dose".
#[test]
fn a_misspelt_dose_is_one_finding() {
    check(
        r#"
        claim DEX-3
          payer commercial
          provider 1234567893
          pos 11
          dx A C50.911
          order 2026-10-30 signed "L. Chen, MD"
          admin dexamethasone
            dos 12 mg
            route iv
            start 2026-11-12 09:00
            reaction none
          line J1100 units 12 dx A
          line 96374 units 1 dx A
        "#,
        expect![[r#"
            5   |   dx A C50.911
                |        ^^^^^^^ information[not-in-data]: C50.911 is not in the embedded code data (a curated subset). Import the official files to verify it: `claimls data import <folder>`.
            8   |     dos 12 mg
                |     ^^^^^^^^^ error[syntax-error]: cannot read this line: `dos` is not a keyword; did you mean `dose`?
        "#]],
    );
}

/// A multi-dose container keeps what is left: no "avoidable waste" note for a bulk package.
#[test]
fn a_multi_dose_package_has_no_avoidable_waste() {
    check(
        r#"
        claim CRO-1
          payer medicare
          provider 1234567893
          pos 11
          dx A K50.90
          order 2026-10-30 signed "L. Chen, MD"
          admin ceftriaxone
            dose 1 g
            route im
            start 2026-11-12 09:00
            vial 00143-9678-01 x1
            reaction none
          line J0696 units 4 dx A
          line 96372 units 1 dx A
        "#,
        expect![[r#"
            (no findings)
        "#]],
    );
}

/// ICD-10-CM calls a four-character header a subcategory; Medicare Advantage's JZ requirement is the
/// plan's (facts §5), and the message says so.
#[test]
fn a_subcategory_and_a_medicare_advantage_jz() {
    check(
        r#"
        claim OCR-9
          payer medicare-advantage
          provider 1234567893
          pos 11
          dx A G35.B
          order 2026-11-01 signed "R. Patel, MD"
          admin ocrelizumab
            dose 600 mg
            route iv
            start 2026-11-20 09:30
            stop 13:05
            vial 50242-0150-01 x2
            waste 0 mg
            reaction none
          line J2350 units 600 dx A
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            5   |   dx A G35.B
                |        ^^^^^ error[dx-not-billable]: G35.B (Primary progressive multiple sclerosis) is a subcategory and is not billable. Use G35.B0 (Primary progressive multiple sclerosis, unspecified), G35.B1 (Active primary progressive multiple sclerosis), G35.B2 (Non-active primary progressive multiple sclerosis).
                |   or: Replace G35.B with G35.B0 (Primary progressive multiple sclerosis, unspecified)
                |   or: Replace G35.B with G35.B1 (Active primary progressive multiple sclerosis)
                |   or: Replace G35.B with G35.B2 (Non-active primary progressive multiple sclerosis)
            15  |   line J2350 units 600 dx A
                |        ^^^^^ warning[waste-jz-missing]: J2350 is a single-dose-container drug, and its 600 units (600 mg at 1 mg per unit) cover the 600 mg opened (2 × 300 mg): nothing billable was discarded. Medicare requires JZ on the line then; Medicare Advantage plans decide for themselves whether they do (payer-dependent), and many follow Medicare: write `J2350 JZ`.
                |   fix: Add JZ

            --- after `Replace G35.B with G35.B0 (Primary progressive multiple sclerosis, unspecified)`:
            -   dx A G35.B
            +   dx A G35.B0

            --- after `Replace G35.B with G35.B1 (Active primary progressive multiple sclerosis)`:
            -   dx A G35.B
            +   dx A G35.B1

            --- after `Replace G35.B with G35.B2 (Non-active primary progressive multiple sclerosis)`:
            -   dx A G35.B
            +   dx A G35.B2

            --- after `Add JZ`:
            -   line J2350 units 600 dx A
            +   line J2350 JZ units 600 dx A
        "#]],
    );
}
