//! The code rules (code-unknown, not-in-data, code-drug-mismatch, code-inactive, modifier-*, dx-*,
//! ndc-invalid, ndc-code-mismatch, pos-*, npi-invalid) and the coding misconceptions they catch, on spec
//! example 1 with one code changed, the findings and each fix's result beside it (`UPDATE_EXPECT=1`).

mod support;

use expect_test::expect;
use support::{check, ocrevus_brief};

/// A code that has the form of neither a HCPCS nor a CPT code.
#[test]
fn code_unknown_for_malformed_codes() {
    // The line keeps Ocrevus's NDC, which ndc-code-mismatch then finds billed with the wrong code.
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J23X0 JZ units 600 dx A ndc 50242-0150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            15  |   line J23X0 JZ units 600 dx A ndc 50242-0150-01 20 ML
                |        ^^^^^ error[code-unknown]: `J23X0` is not a HCPCS or CPT code: HCPCS Level II codes are a letter and four digits (J2350), CPT codes five digits (96413). `claimls lookup <drug>` finds a drug's code.
                |                                    ^^^^^^^^^^^^^ error[ndc-code-mismatch]: NDC 50242-0150-01 is Ocrevus, billed with J2350, not J23X0. Check the code and the NDC against the vial used.
        "#]],
    );
    // The example without the change: quiet.
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
}

/// A real code outside the embedded curated subset is information (`not-in-data`), not `code-unknown`.
#[test]
fn partial_data_reports_information_not_errors() {
    // Durvalumab is a real code outside the curated subset.
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ units 600 dx A
  line J9173 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            16  |   line J9173 units 1 dx A
                |        ^^^^^ information[not-in-data]: J9173 is not in the embedded code data (a curated subset). Import the official files to verify it: `claimls data import <folder>`.
            17  |   line 96415 units 3 dx A
                |        ^^^^^ error[addon-without-primary]: 96415 is an add-on code, paid only with one of its primary codes on the same date of service (96413), and the claim bills none on 2026-11-20 (NCCI add-on code edits, embedded curated set (NCCI add-on code edits 2026 Q2, drug administration)). Bill the primary service the chart documents, or remove the add-on line.
        "#]],
    );
}

/// J1301 is edaravone: the fix writes J2350, and the record is still found (no doc-admin-missing).
#[test]
fn misconception_j1301_is_not_ocrelizumab() {
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J1301 JZ units 600 dx A
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            15  |   line J1301 JZ units 600 dx A
                |        ^^^^^ error[code-drug-mismatch]: J1301 bills edaravone (Injection, edaravone, 1 mg), but the administration record documents ocrelizumab: did you mean J2350 (Injection, ocrelizumab, 1 mg)?
                |   fix: Replace J1301 with J2350
                |   see line 7: administration of ocrelizumab

            --- after `Replace J1301 with J2350`:
            -   line J1301 JZ units 600 dx A
            +   line J2350 JZ units 600 dx A
        "#]],
    );
}

/// J1300 was eculizumab 10 mg, terminated on 2025-03-31: the wrong drug and a code no longer in effect.
#[test]
fn misconception_j1300_was_eculizumab_and_is_terminated() {
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J1300 units 60 dx A
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            15  |   line J1300 units 60 dx A
                |        ^^^^^ error[code-drug-mismatch]: J1300 bills eculizumab (Injection, eculizumab, 10 mg), but the administration record documents ocrelizumab: did you mean J2350 (Injection, ocrelizumab, 1 mg)?
                |   see line 7: administration of ocrelizumab
                |        ^^^^^ error[code-inactive]: J1300 (Injection, eculizumab, 10 mg) was terminated on 2025-03-31, before the date of service 2026-11-20; a claim with it is rejected. It was replaced by J1299 (Injection, eculizumab, 2 mg). The record documents another drug than this code bills, so no replacement is offered: settle which drug was given first.
        "#]],
    );
    // The example without the change: quiet.
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ units 600 dx A
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
}

/// Omalizumab is J2357; J2350 is ocrelizumab.
#[test]
fn misconception_j2350_is_not_omalizumab() {
    check(
        ocrevus_brief!(
            "  admin omalizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ units 600 dx A
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            12  |     vial 50242-0150-01 x2
                |          ^^^^^^^^^^^^^ error[vial-product-mismatch]: NDC 50242-0150-01 is Ocrevus (billed with J2350), not omalizumab. The vial or the drug in the record is wrong; check both against the chart. This vial is left out of the waste arithmetic.
                |   see line 7: administration of omalizumab
            15  |   line J2350 JZ units 600 dx A
                |        ^^^^^ error[code-drug-mismatch]: J2350 bills ocrelizumab (Injection, ocrelizumab, 1 mg), but the administration record documents omalizumab: did you mean J2357 (Injection, omalizumab, 5 mg)?
                |   see line 7: administration of omalizumab
        "#]],
    );
}

/// There is no JN modifier (a diluent is not billed): the fix removes it.
#[test]
fn misconception_there_is_no_jn_modifier() {
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ JN units 600 dx A
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            15  |   line J2350 JZ JN units 600 dx A
                |                 ^^ error[modifier-unknown]: There is no JN modifier in the HCPCS set. A drug line bills the drug itself; a diluent is not billed separately. Remove JN.
                |   fix: Remove JN

            --- after `Remove JN`:
            -   line J2350 JZ JN units 600 dx A
            +   line J2350 JZ units 600 dx A
        "#]],
    );
    // The example without the change: quiet.
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ units 600 dx A
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
}

/// 22 is a procedure modifier and does not belong on a drug line, nor JZ (a drug modifier) on an
/// administration line.
#[test]
fn misconception_modifier_22_on_a_drug_line() {
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ 22 units 600 dx A
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            15  |   line J2350 JZ 22 units 600 dx A
                |                 ^^ warning[modifier-not-applicable]: 22 (Procedure took substantially more work than usual (documented increased effort)) is a procedure modifier; it does not belong on the drug supply code J2350. Extra drug is billed through the units (and a JW line for waste), not a modifier.
                |   fix: Remove 22

            --- after `Remove 22`:
            -   line J2350 JZ 22 units 600 dx A
            +   line J2350 JZ units 600 dx A
        "#]],
    );
    // JZ on an administration code does not belong either.
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ units 600 dx A
  line 96413 JZ units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            16  |   line 96413 JZ units 1 dx A
                |              ^^ warning[modifier-not-applicable]: JZ (Zero drug amount discarded/not administered to any patient) belongs on drug supply codes; 96413 is an administration code. Remove it here and put it on the drug's line.
                |   fix: Remove JZ

            --- after `Remove JZ`:
            -   line 96413 JZ units 1 dx A
            +   line 96413 units 1 dx A
        "#]],
    );
    // The example without the change: quiet.
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ units 600 dx A
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
}

/// JG was terminated on 2024-12-31: the fix writes TB, which carries the same meaning.
#[test]
fn modifier_jg_terminated_becomes_tb() {
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ JG units 600 dx A
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            15  |   line J2350 JZ JG units 600 dx A
                |                 ^^ error[modifier-unknown]: JG (Drug or biological acquired with 340b drug pricing program discount, reported for informational purposes) is not in effect on 2026-11-20: it was terminated on 2024-12-31. Use TB, which carries the same meaning.
                |   fix: Replace JG with TB

            --- after `Replace JG with TB`:
            -   line J2350 JZ JG units 600 dx A
            +   line J2350 JZ TB units 600 dx A
        "#]],
    );
}

/// A modifier written twice on one line.
#[test]
fn modifier_duplicate() {
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ JZ units 600 dx A
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            15  |   line J2350 JZ JZ units 600 dx A
                |                 ^^ error[modifier-duplicate]: JZ is already on this line; a modifier is written once. Remove the repeat.
                |   fix: Remove the repeated JZ

            --- after `Remove the repeated JZ`:
            -   line J2350 JZ JZ units 600 dx A
            +   line J2350 JZ units 600 dx A
        "#]],
    );
    // The example without the change: quiet.
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ units 600 dx A
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
}

/// Since 2025-10-01 G35 is a header: the finding names G35.A to G35.D, one alternative per billable code.
#[test]
fn misconception_g35_is_a_header_since_fy2026() {
    check(
        r#"
        claim OCR-2026-0142
          payer medicare
          provider 1234567893
          pos 11
          dx A G35
          order 2026-11-01 signed "R. Patel, MD"
          admin ocrelizumab
            dose 600 mg
            route iv
            start 2026-11-20 09:30
            stop 13:05
            vial 50242-0150-01 x2
            waste 0 mg
            reaction none
          line J2350 JZ units 600 dx A
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            5   |   dx A G35
                |        ^^^ error[dx-not-billable]: G35 (Multiple sclerosis) is a category since 2025-10-01 and is not billable. Use G35.A (Relapsing-remitting multiple sclerosis), G35.B0 (Primary progressive multiple sclerosis, unspecified), G35.B1 (Active primary progressive multiple sclerosis), G35.B2 (Non-active primary progressive multiple sclerosis), G35.C0 (Secondary progressive multiple sclerosis, unspecified), G35.C1 (Active secondary progressive multiple sclerosis), G35.C2 (Non-active secondary progressive multiple sclerosis), G35.D (Multiple sclerosis, unspecified).
                |   or: Replace G35 with G35.A (Relapsing-remitting multiple sclerosis)
                |   or: Replace G35 with G35.B0 (Primary progressive multiple sclerosis, unspecified)
                |   or: Replace G35 with G35.B1 (Active primary progressive multiple sclerosis)
                |   or: Replace G35 with G35.B2 (Non-active primary progressive multiple sclerosis)
                |   or: Replace G35 with G35.C0 (Secondary progressive multiple sclerosis, unspecified)
                |   or: Replace G35 with G35.C1 (Active secondary progressive multiple sclerosis)
                |   or: Replace G35 with G35.C2 (Non-active secondary progressive multiple sclerosis)
                |   or: Replace G35 with G35.D (Multiple sclerosis, unspecified)

            --- after `Replace G35 with G35.A (Relapsing-remitting multiple sclerosis)`:
            -   dx A G35
            +   dx A G35.A

            --- after `Replace G35 with G35.B0 (Primary progressive multiple sclerosis, unspecified)`:
            -   dx A G35
            +   dx A G35.B0

            --- after `Replace G35 with G35.B1 (Active primary progressive multiple sclerosis)`:
            -   dx A G35
            +   dx A G35.B1

            --- after `Replace G35 with G35.B2 (Non-active primary progressive multiple sclerosis)`:
            -   dx A G35
            +   dx A G35.B2

            --- after `Replace G35 with G35.C0 (Secondary progressive multiple sclerosis, unspecified)`:
            -   dx A G35
            +   dx A G35.C0

            --- after `Replace G35 with G35.C1 (Active secondary progressive multiple sclerosis)`:
            -   dx A G35
            +   dx A G35.C1

            --- after `Replace G35 with G35.C2 (Non-active secondary progressive multiple sclerosis)`:
            -   dx A G35
            +   dx A G35.C2

            --- after `Replace G35 with G35.D (Multiple sclerosis, unspecified)`:
            -   dx A G35
            +   dx A G35.D
        "#]],
    );
    // Before 2025-10-01 plain G35 was billable.
    check(
        r#"
        claim OCR-2026-0142
          payer medicare
          provider 1234567893
          pos 11
          dx A G35
          order 2025-06-01 signed "R. Patel, MD"
          admin ocrelizumab
            dose 600 mg
            route iv
            start 2025-06-20 09:30
            stop 13:05
            vial 50242-0150-01 x2
            waste 0 mg
            reaction none
          line J2350 JZ units 600 dx A
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            (no findings)
        "#]],
    );
    // The example without the change: quiet.
    check(
        r#"
        claim OCR-2026-0142
          payer medicare
          provider 1234567893
          pos 11
          dx A G35.A
          order 2026-11-01 signed "R. Patel, MD"
          admin ocrelizumab
            dose 600 mg
            route iv
            start 2026-11-20 09:30
            stop 13:05
            vial 50242-0150-01 x2
            waste 0 mg
            reaction none
          line J2350 JZ units 600 dx A
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            (no findings)
        "#]],
    );
}

/// No diagnosis, a malformed one, and a line pointing at a diagnosis the claim does not have; a
/// pointer may name the code instead of the letter.
#[test]
fn dx_missing_unknown_and_pointers() {
    check(
        r#"
        claim OCR-2026-0142
          payer medicare
          provider 1234567893
          pos 11
          order 2026-11-01 signed "R. Patel, MD"
          admin ocrelizumab
            dose 600 mg
            route iv
            start 2026-11-20 09:30
            stop 13:05
            vial 50242-0150-01 x2
            waste 0 mg
            reaction none
          line J2350 JZ units 600 dx A
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            1   | claim OCR-2026-0142
                | ^^^^^^^^^^^^^^^^^^^ error[dx-missing]: The claim has no diagnosis; every line needs one to point at. Add `dx A <ICD-10-CM code>` from the chart.
            14  |   line J2350 JZ units 600 dx A
                |                              ^ error[dx-pointer-invalid]: This line points at diagnosis A, which the claim does not have (it has none). Point at one of the claim's diagnoses or add it.
            15  |   line 96413 units 1 dx A
                |                         ^ error[dx-pointer-invalid]: This line points at diagnosis A, which the claim does not have (it has none). Point at one of the claim's diagnoses or add it.
            16  |   line 96415 units 3 dx A
                |                         ^ error[dx-pointer-invalid]: This line points at diagnosis A, which the claim does not have (it has none). Point at one of the claim's diagnoses or add it.
        "#]],
    );
    check(
        r#"
        claim OCR-2026-0142
          payer medicare
          provider 1234567893
          pos 11
          dx A G3
          order 2026-11-01 signed "R. Patel, MD"
          admin ocrelizumab
            dose 600 mg
            route iv
            start 2026-11-20 09:30
            stop 13:05
            vial 50242-0150-01 x2
            waste 0 mg
            reaction none
          line J2350 JZ units 600 dx A
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            5   |   dx A G3
                |        ^^ error[dx-unknown]: `G3` is not an ICD-10-CM code: a letter, two digits or a digit and a letter, then an optional dot and up to four characters (G35.A, K50.90).
            15  |   line J2350 JZ units 600 dx A
                |                              ^ warning[dx-unsupported]: J2350 (ocrelizumab) is indicated for G35 (Multiple sclerosis); none of this line's diagnoses (G3) is among them, so the line may be denied as not medically necessary. If the chart documents the condition the drug treats, point the line at that diagnosis; never add one the chart does not support.
        "#]],
    );
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ units 600 dx A
  line 96413 units 1 dx B
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            16  |   line 96413 units 1 dx B
                |                         ^ error[dx-pointer-invalid]: This line points at diagnosis B, which the claim does not have (it has A G35.A). Point at one of the claim's diagnoses or add it.
                |   fix: Point at A

            --- after `Point at A`:
            -   line 96413 units 1 dx B
            +   line 96413 units 1 dx A
        "#]],
    );
    // A pointer by code works.
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ units 600 dx A
  line 96413 units 1 dx G35.A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
    // The example without the change: quiet.
    check(
        r#"
        claim OCR-2026-0142
          payer medicare
          provider 1234567893
          pos 11
          dx A G35.A
          order 2026-11-01 signed "R. Patel, MD"
          admin ocrelizumab
            dose 600 mg
            route iv
            start 2026-11-20 09:30
            stop 13:05
            vial 50242-0150-01 x2
            waste 0 mg
            reaction none
          line J2350 JZ units 600 dx A
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            (no findings)
        "#]],
    );
}

/// Ocrelizumab for Crohn's disease (K50.90): none of the line's diagnoses is among the drug's
/// indications (G35).
#[test]
fn dx_unsupported_when_no_diagnosis_is_an_indication() {
    check(
        r#"
        claim OCR-2026-0142
          payer medicare
          provider 1234567893
          pos 11
          dx A K50.90
          order 2026-11-01 signed "R. Patel, MD"
          admin ocrelizumab
            dose 600 mg
            route iv
            start 2026-11-20 09:30
            stop 13:05
            vial 50242-0150-01 x2
            waste 0 mg
            reaction none
          line J2350 JZ units 600 dx A
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            15  |   line J2350 JZ units 600 dx A
                |                              ^ warning[dx-unsupported]: J2350 (ocrelizumab) is indicated for G35 (Multiple sclerosis); none of this line's diagnoses (K50.90) is among them, so the line may be denied as not medically necessary. If the chart documents the condition the drug treats, point the line at that diagnosis; never add one the chart does not support.
        "#]],
    );
    // The example without the change: quiet.
    check(
        r#"
        claim OCR-2026-0142
          payer medicare
          provider 1234567893
          pos 11
          dx A G35.A
          order 2026-11-01 signed "R. Patel, MD"
          admin ocrelizumab
            dose 600 mg
            route iv
            start 2026-11-20 09:30
            stop 13:05
            vial 50242-0150-01 x2
            waste 0 mg
            reaction none
          line J2350 JZ units 600 dx A
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            (no findings)
        "#]],
    );
}

/// A 10-digit NDC on the line or on the vial: the fix pads it to the 11-digit 5-4-2 form.
#[test]
fn ndc_invalid_pads_ten_digit_forms() {
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ units 600 dx A ndc 50242-150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            15  |   line J2350 JZ units 600 dx A ndc 50242-150-01 20 ML
                |                                    ^^^^^^^^^^^^ error[ndc-invalid]: `50242-150-01` is a 10-digit package code; claims carry the 11-digit 5-4-2 form with the zero padded in: write `50242-0150-01`.
                |   fix: Write 50242-0150-01

            --- after `Write 50242-0150-01`:
            -   line J2350 JZ units 600 dx A ndc 50242-150-01 20 ML
            +   line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
        "#]],
    );
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 5024-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            12  |     vial 5024-0150-01 x2
                |          ^^^^^^^^^^^^ error[ndc-invalid]: `5024-0150-01` is a 10-digit package code; claims carry the 11-digit 5-4-2 form with the zero padded in: write `05024-0150-01`.
                |   fix: Write 05024-0150-01

            --- after `Write 05024-0150-01`:
            -     vial 5024-0150-01 x2
            +     vial 05024-0150-01 x2
        "#]],
    );
    // The example without the change: quiet.
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
}

/// An NDC of another drug on the line.
#[test]
fn ndc_code_mismatch() {
    // Remicade's NDC on the ocrelizumab line.
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ units 600 dx A ndc 57894-0030-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            15  |   line J2350 JZ units 600 dx A ndc 57894-0030-01 20 ML
                |                                    ^^^^^^^^^^^^^ error[ndc-code-mismatch]: NDC 57894-0030-01 is Remicade, billed with J1745, not J2350. Check the code and the NDC against the vial used.
        "#]],
    );
    // The example without the change: quiet.
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
}

/// No place of service, a code that is none (30), and a facility (22) on a professional claim for a
/// drug.
#[test]
fn place_of_service_rules() {
    check(
        r#"
        claim OCR-2026-0142
          payer medicare
          provider 1234567893
          dx A G35.A
          order 2026-11-01 signed "R. Patel, MD"
          admin ocrelizumab
            dose 600 mg
            route iv
            start 2026-11-20 09:30
            stop 13:05
            vial 50242-0150-01 x2
            waste 0 mg
            reaction none
          line J2350 JZ units 600 dx A
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            1   | claim OCR-2026-0142
                | ^^^^^^^^^^^^^^^^^^^ error[pos-missing]: The claim has no place of service, a required field. Add `pos <code>` (11 office, 19 or 22 outpatient hospital, 12 home).
        "#]],
    );
    check(
        r#"
        claim OCR-2026-0142
          payer medicare
          provider 1234567893
          pos 30
          dx A G35.A
          order 2026-11-01 signed "R. Patel, MD"
          admin ocrelizumab
            dose 600 mg
            route iv
            start 2026-11-20 09:30
            stop 13:05
            vial 50242-0150-01 x2
            waste 0 mg
            reaction none
          line J2350 JZ units 600 dx A
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            4   |   pos 30
                |       ^^ error[pos-unknown]: `30` is not a CMS place-of-service code. Common ones: 11 office, 12 home, 19 off-campus and 22 on-campus outpatient hospital.
        "#]],
    );
    check(
        r#"
        claim OCR-2026-0142
          payer medicare
          provider 1234567893
          pos 22
          dx A G35.A
          order 2026-11-01 signed "R. Patel, MD"
          admin ocrelizumab
            dose 600 mg
            route iv
            start 2026-11-20 09:30
            stop 13:05
            vial 50242-0150-01 x2
            waste 0 mg
            reaction none
          line J2350 JZ units 600 dx A
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            4   |   pos 22
                |       ^^ warning[pos-facility-drug]: Place of service 22 (On Campus-Outpatient Hospital) is a facility: the facility bills the drug and its administration on its own claim, so J2350 on this professional claim would be paid twice or denied. Check the place of service.
                |   see line 15: drug or administration line
        "#]],
    );
    // The example without the change: quiet.
    check(
        r#"
        claim OCR-2026-0142
          payer medicare
          provider 1234567893
          pos 11
          dx A G35.A
          order 2026-11-01 signed "R. Patel, MD"
          admin ocrelizumab
            dose 600 mg
            route iv
            start 2026-11-20 09:30
            stop 13:05
            vial 50242-0150-01 x2
            waste 0 mg
            reaction none
          line J2350 JZ units 600 dx A
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            (no findings)
        "#]],
    );
}

/// An NPI with a wrong check digit, and one too short.
#[test]
fn npi_check_digit() {
    check(
        r#"
        claim OCR-2026-0142
          payer medicare
          provider 1234567890
          pos 11
          dx A G35.A
          order 2026-11-01 signed "R. Patel, MD"
          admin ocrelizumab
            dose 600 mg
            route iv
            start 2026-11-20 09:30
            stop 13:05
            vial 50242-0150-01 x2
            waste 0 mg
            reaction none
          line J2350 JZ units 600 dx A
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            3   |   provider 1234567890
                |            ^^^^^^^^^^ error[npi-invalid]: `1234567890` is not a valid NPI: its check digit is wrong (a typo in one digit). Copy the rendering provider's NPI from NPPES.
        "#]],
    );
    check(
        r#"
        claim OCR-2026-0142
          payer medicare
          provider 12345
          pos 11
          dx A G35.A
          order 2026-11-01 signed "R. Patel, MD"
          admin ocrelizumab
            dose 600 mg
            route iv
            start 2026-11-20 09:30
            stop 13:05
            vial 50242-0150-01 x2
            waste 0 mg
            reaction none
          line J2350 JZ units 600 dx A
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            3   |   provider 12345
                |            ^^^^^ error[npi-invalid]: `12345` is not a valid NPI: an NPI is 10 digits. Copy the rendering provider's NPI from NPPES.
        "#]],
    );
    // The example without the change: quiet.
    check(
        r#"
        claim OCR-2026-0142
          payer medicare
          provider 1234567893
          pos 11
          dx A G35.A
          order 2026-11-01 signed "R. Patel, MD"
          admin ocrelizumab
            dose 600 mg
            route iv
            start 2026-11-20 09:30
            stop 13:05
            vial 50242-0150-01 x2
            waste 0 mg
            reaction none
          line J2350 JZ units 600 dx A
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            (no findings)
        "#]],
    );
}
