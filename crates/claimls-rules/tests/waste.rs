//! The waste rules (JW and JZ lines, the waste record, the vial arithmetic, avoidable waste), each
//! made to fire and kept quiet on the two spec examples with one line changed, the findings and the
//! result of each fix beside it (`UPDATE_EXPECT=1` rewrites them).

mod support;

use expect_test::expect;
use support::{check, check_toml, infliximab, ocrevus};

/// The MAC worked example (Noridian): 350 mg infliximab from 4 × 100 mg vials is J1745 × 35 + JW × 5.
#[test]
fn waste_jw_missing_mac_example() {
    check(
        infliximab!(
            r#"
  admin infliximab
    dose 350 mg
    route iv
    start 2026-11-12 10:00
    stop 12:15
    vial 100 mg x4
    waste 50 mg witness "K. Ortiz, RN" evidence "wastage log 2026-11-12 #14"
    reaction none

  line J1745 units 35 dx A
  line 96413 units 1 dx A
  line 96415 units 1 dx A
"#
        ),
        expect![[r#"
            19  |   line J1745 units 35 dx A
                |   ^^^^^^^^^^^^^^^^^^^^^^^^ error[waste-jw-missing]: J1745 bills 10 mg per unit: 350 mg is 35 units; 400 mg opened (4 × 100 mg) leaves 50 mg of billable waste = 5 units JW. Discarded drug from a single-dose container is billed on its own JW line: add `line J1745 JW units 5 dx A`.
                |   fix: Add `line J1745 JW units 5 dx A`
                |   see line 10: administration record of infliximab

            --- after `Add `line J1745 JW units 5 dx A``:
            +   line J1745 JW units 5 dx A
        "#]],
    );
    // The fix restores the example exactly, which has no findings at all.
    check(
        infliximab!(
            r#"
  admin infliximab
    dose 350 mg
    route iv
    start 2026-11-12 10:00
    stop 12:15
    vial 100 mg x4
    waste 50 mg witness "K. Ortiz, RN" evidence "wastage log 2026-11-12 #14"
    reaction none

  line J1745 units 35 dx A
  line J1745 JW units 5 dx A
  line 96413 units 1 dx A
  line 96415 units 1 dx A
"#
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
}

/// Round the dose up and the waste down (ACR): 77 mg from a 100 mg vial, 10 mg units = 8 + JW 2.
#[test]
fn waste_jw_units_rounds_waste_down() {
    // JW 2: no findings at all.
    check(
        infliximab!(
            r#"
  admin infliximab
    dose 77 mg
    route iv
    start 2026-11-12 10:00
    stop 12:15
    vial 100 mg x1
    waste 23 mg witness "K. Ortiz, RN" evidence "wastage log 2026-11-12 #14"
    reaction none

  line J1745 units 8 dx A
  line J1745 JW units 2 dx A
  line 96413 units 1 dx A
  line 96415 units 1 dx A
"#
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
    // JW 3: waste-jw-units.
    check(
        infliximab!(
            r#"
  admin infliximab
    dose 77 mg
    route iv
    start 2026-11-12 10:00
    stop 12:15
    vial 100 mg x1
    waste 23 mg witness "K. Ortiz, RN" evidence "wastage log 2026-11-12 #14"
    reaction none

  line J1745 units 8 dx A
  line J1745 JW units 3 dx A
  line 96413 units 1 dx A
  line 96415 units 1 dx A
"#
        ),
        expect![[r#"
            20  |   line J1745 JW units 3 dx A
                |                       ^ error[waste-jw-units]: J1745 bills 10 mg per unit: 77 mg is 8 units; 100 mg opened (1 × 100 mg) leaves 20 mg of billable waste = 2 units JW, but this JW line has 3. The administered amount rounds up and the waste rounds down, so no unit is billed twice: write `units 2`.
                |   fix: Set JW units to 2

            --- after `Set JW units to 2`:
            -   line J1745 JW units 3 dx A
            +   line J1745 JW units 2 dx A
        "#]],
    );
}

/// No JW when the rounded-up units already cover the container.
#[test]
fn waste_jw_not_allowed_when_units_cover_the_vial() {
    // 95 mg of infliximab from one 100 mg vial: 10 units = 100 mg, no billable waste.
    check(
        infliximab!(
            r#"
  admin infliximab
    dose 95 mg
    route iv
    start 2026-11-12 10:00
    stop 12:15
    vial 100 mg x1
    waste 5 mg witness "K. Ortiz, RN" evidence "wastage log 2026-11-12 #14"
    reaction none

  line J1745 units 10 dx A
  line J1745 JW units 1 dx A
  line 96413 units 1 dx A
  line 96415 units 1 dx A
"#
        ),
        expect![[r#"
            20  |   line J1745 JW units 1 dx A
                |   ^^^^^^^^^^^^^^^^^^^^^^^^^^ error[waste-jw-not-allowed]: J1745 bills 10 mg per unit: 95 mg is 10 units, which already covers the 100 mg opened: there is no billable waste, and a JW line would bill the same drug twice. Remove this line.
                |   fix: Remove the JW line

            --- after `Remove the JW line`:
            -   line J1745 JW units 1 dx A
        "#]],
    );
    // The example: quiet.
    check(
        infliximab!(
            r#"
  admin infliximab
    dose 350 mg
    route iv
    start 2026-11-12 10:00
    stop 12:15
    vial 100 mg x4
    waste 50 mg witness "K. Ortiz, RN" evidence "wastage log 2026-11-12 #14"
    reaction none

  line J1745 units 35 dx A
  line J1745 JW units 5 dx A
  line 96413 units 1 dx A
  line 96415 units 1 dx A
"#
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
}

#[test]
fn waste_jw_only_needs_the_administered_line() {
    check(
        infliximab!(
            r#"
  admin infliximab
    dose 350 mg
    route iv
    start 2026-11-12 10:00
    stop 12:15
    vial 100 mg x4
    waste 50 mg witness "K. Ortiz, RN" evidence "wastage log 2026-11-12 #14"
    reaction none

  line J1745 JW units 5 dx A
  line 96413 units 1 dx A
  line 96415 units 1 dx A
"#
        ),
        expect![[r#"
            19  |   line J1745 JW units 5 dx A
                |   ^^^^^^^^^^^^^^^^^^^^^^^^^^ error[waste-jw-only]: This JW line bills only the discarded J1745; the administered amount needs its own line of J1745 without JW. Add `line J1745 units 35 dx A`.
                |   fix: Add `line J1745 units 35 dx A`

            --- after `Add `line J1745 units 35 dx A``:
            +   line J1745 units 35 dx A
        "#]],
    );
    // The example: quiet.
    check(
        infliximab!(
            r#"
  admin infliximab
    dose 350 mg
    route iv
    start 2026-11-12 10:00
    stop 12:15
    vial 100 mg x4
    waste 50 mg witness "K. Ortiz, RN" evidence "wastage log 2026-11-12 #14"
    reaction none

  line J1745 units 35 dx A
  line J1745 JW units 5 dx A
  line 96413 units 1 dx A
  line 96415 units 1 dx A
"#
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
}

#[test]
fn waste_jz_missing_is_an_error_for_medicare_only() {
    // Medicare: an error.
    check(
        ocrevus!(
            r#"
  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2           # 300 mg/10 mL single-dose vials
    waste 0 mg
    reaction none
    premed "methylprednisolone 100 mg IV, diphenhydramine 50 mg PO"

  line J2350 units 600 dx A ndc 50242-0150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
"#
        ),
        expect![[r#"
            20  |   line J2350 units 600 dx A ndc 50242-0150-01 20 ML
                |        ^^^^^ error[waste-jz-missing]: J2350 is a single-dose-container drug, and its 600 units (600 mg at 1 mg per unit) cover the 600 mg opened (2 × 300 mg): nothing billable was discarded. Medicare requires JZ on the line then, and returns a claim with neither JW nor JZ: write `J2350 JZ`.
                |   fix: Add JZ

            --- after `Add JZ`:
            -   line J2350 units 600 dx A ndc 50242-0150-01 20 ML
            +   line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
        "#]],
    );
    // Commercial payers: not required by default.
    check(
        r#"
        # Ocrevus 600 mg maintenance dose
        claim OCR-2026-0142
          payer commercial
          patient MBI-1EG4TE5MK72
          provider 1234567893
          pos 11
          dx A G35.A                        # relapsing-remitting MS
          order 2026-11-01 signed "R. Patel, MD"

          admin ocrelizumab
            dose 600 mg
            route iv
            start 2026-11-20 09:30
            stop 13:05
            vial 50242-0150-01 x2           # 300 mg/10 mL single-dose vials
            waste 0 mg
            reaction none
            premed "methylprednisolone 100 mg IV, diphenhydramine 50 mg PO"

          line J2350 units 600 dx A ndc 50242-0150-01 20 ML
          line 96413 units 1 dx A
          line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
        "#,
        expect![[r#"
            (no findings)
        "#]],
    );
    // Medicare Advantage: a warning.
    check(
        r#"
        # Ocrevus 600 mg maintenance dose
        claim OCR-2026-0142
          payer medicare-advantage
          patient MBI-1EG4TE5MK72
          provider 1234567893
          pos 11
          dx A G35.A                        # relapsing-remitting MS
          order 2026-11-01 signed "R. Patel, MD"

          admin ocrelizumab
            dose 600 mg
            route iv
            start 2026-11-20 09:30
            stop 13:05
            vial 50242-0150-01 x2           # 300 mg/10 mL single-dose vials
            waste 0 mg
            reaction none
            premed "methylprednisolone 100 mg IV, diphenhydramine 50 mg PO"

          line J2350 units 600 dx A ndc 50242-0150-01 20 ML
          line 96413 units 1 dx A
          line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
        "#,
        expect![[r#"
            20  |   line J2350 units 600 dx A ndc 50242-0150-01 20 ML
                |        ^^^^^ warning[waste-jz-missing]: J2350 is a single-dose-container drug, and its 600 units (600 mg at 1 mg per unit) cover the 600 mg opened (2 × 300 mg): nothing billable was discarded. Medicare requires JZ on the line then; Medicare Advantage plans decide for themselves whether they do (payer-dependent), and many follow Medicare: write `J2350 JZ`.
                |   fix: Add JZ

            --- after `Add JZ`:
            -   line J2350 units 600 dx A ndc 50242-0150-01 20 ML
            +   line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
        "#]],
    );
    // The example: quiet.
    check(
        ocrevus!(
            r#"
  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2           # 300 mg/10 mL single-dose vials
    waste 0 mg
    reaction none
    premed "methylprednisolone 100 mg IV, diphenhydramine 50 mg PO"

  line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
"#
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
}

#[test]
fn waste_jw_jz_conflict() {
    check(
        infliximab!(
            r#"
  admin infliximab
    dose 350 mg
    route iv
    start 2026-11-12 10:00
    stop 12:15
    vial 100 mg x4
    waste 50 mg witness "K. Ortiz, RN" evidence "wastage log 2026-11-12 #14"
    reaction none

  line J1745 units 35 dx A
  line J1745 JW JZ units 5 dx A
  line 96413 units 1 dx A
  line 96415 units 1 dx A
"#
        ),
        expect![[r#"
            20  |   line J1745 JW JZ units 5 dx A
                |                 ^^ error[waste-jw-jz-conflict]: JW (drug discarded) and JZ (nothing discarded) contradict each other on one line. The JW line bills the waste; remove JZ here.
                |   fix: Remove JZ

            --- after `Remove JZ`:
            -   line J1745 JW JZ units 5 dx A
            +   line J1745 JW units 5 dx A
        "#]],
    );
    check(
        infliximab!(
            r#"
  admin infliximab
    dose 350 mg
    route iv
    start 2026-11-12 10:00
    stop 12:15
    vial 100 mg x4
    waste 50 mg witness "K. Ortiz, RN" evidence "wastage log 2026-11-12 #14"
    reaction none

  line J1745 JZ units 35 dx A
  line J1745 JW units 5 dx A
  line 96413 units 1 dx A
  line 96415 units 1 dx A
"#
        ),
        expect![[r#"
            19  |   line J1745 JZ units 35 dx A
                |              ^^ error[waste-jw-jz-conflict]: JZ says nothing was discarded, but 400 mg opened (4 × 100 mg) leaves 50 mg of billable waste (5 units JW). Remove JZ and bill the waste on a JW line.
                |   fix: Remove JZ
                |   see line 10: 5 JW units of billable waste

            --- after `Remove JZ`:
            -   line J1745 JZ units 35 dx A
            +   line J1745 units 35 dx A
        "#]],
    );
    // The example: quiet.
    check(
        infliximab!(
            r#"
  admin infliximab
    dose 350 mg
    route iv
    start 2026-11-12 10:00
    stop 12:15
    vial 100 mg x4
    waste 50 mg witness "K. Ortiz, RN" evidence "wastage log 2026-11-12 #14"
    reaction none

  line J1745 units 35 dx A
  line J1745 JW units 5 dx A
  line 96413 units 1 dx A
  line 96415 units 1 dx A
"#
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
}

#[test]
fn waste_undocumented() {
    check(
        infliximab!(
            r#"
  admin infliximab
    dose 350 mg
    route iv
    start 2026-11-12 10:00
    stop 12:15
    vial 100 mg x4
    reaction none

  line J1745 units 35 dx A
  line J1745 JW units 5 dx A
  line 96413 units 1 dx A
  line 96415 units 1 dx A
"#
        ),
        expect![[r#"
            10  |   admin infliximab
                |   ^^^^^^^^^^^^^^^^ warning[doc-waste-missing]: infliximab comes from a single-dose container, and the record does not say how much was discarded. JW and JZ attest to it: add `waste <amount>` (`waste 0 mg` when nothing was discarded). The containers opened leave 50 mg: `waste 50 mg`.
                |   fix: Add `waste 50 mg`
            19  |   line J1745 JW units 5 dx A
                |   ^^^^^^^^^^^^^^^^^^^^^^^^^^ error[waste-undocumented]: This JW line bills discarded J1745, but the administration record of infliximab documents no waste. The discarded amount must be in the record: add `waste 50 mg` under `admin infliximab`.
                |   fix: Add `waste 50 mg`
                |   see line 10: administration record without a `waste` statement

            --- after `Add `waste 50 mg``:
            +     waste 50 mg

            --- after `Add `waste 50 mg``:
            +     waste 50 mg
        "#]],
    );
    // The example: quiet.
    check(
        infliximab!(
            r#"
  admin infliximab
    dose 350 mg
    route iv
    start 2026-11-12 10:00
    stop 12:15
    vial 100 mg x4
    waste 50 mg witness "K. Ortiz, RN" evidence "wastage log 2026-11-12 #14"
    reaction none

  line J1745 units 35 dx A
  line J1745 JW units 5 dx A
  line 96413 units 1 dx A
  line 96415 units 1 dx A
"#
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
}

#[test]
fn waste_vial_arithmetic() {
    // 2 × 300 mg opened, 600 mg given, 40 mg wasted.
    check(
        ocrevus!(
            r#"
  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2           # 300 mg/10 mL single-dose vials
    waste 40 mg
    reaction none
    premed "methylprednisolone 100 mg IV, diphenhydramine 50 mg PO"

  line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
"#
        ),
        expect![[r#"
            16  |     waste 40 mg
                |     ^^^^^^^^^^^ warning[waste-vial-arithmetic]: 2 × 300 mg opened is 600 mg, but dose 600 mg + waste 40 mg is 640 mg. One of the dose, the vial count or the waste amount is wrong; correct it to match the chart (waste 0 mg would balance).
                |   see line 15: containers opened: 2 × 300 mg
        "#]],
    );
    // The example: quiet.
    check(
        ocrevus!(
            r#"
  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2           # 300 mg/10 mL single-dose vials
    waste 0 mg
    reaction none
    premed "methylprednisolone 100 mg IV, diphenhydramine 50 mg PO"

  line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
"#
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
}

#[test]
fn waste_evidence_missing_is_payer_dependent() {
    // Acme Health PPO requires a witness on the waste record: the bare `waste 50 mg` has none.
    check_toml(
        r#"
[payers."Acme Health PPO"]
kind = "commercial"
waste-witness-required = true
"#,
        infliximab!(
            r#"
  admin infliximab
    dose 350 mg
    route iv
    start 2026-11-12 10:00
    stop 12:15
    vial 100 mg x4
    waste 50 mg
    reaction none

  line J1745 units 35 dx A
  line J1745 JW units 5 dx A
  line 96413 units 1 dx A
  line 96415 units 1 dx A
"#
        ),
        expect![[r#"
            16  |     waste 50 mg
                |     ^^^^^^^^^^^ warning[waste-evidence-missing]: Acme Health PPO pays discarded drug only with a witness on the waste record: add `witness "<name, credential>"` with the name and credential of who witnessed it.
        "#]],
    );
    // The example names the witness.
    check_toml(
        r#"
[payers."Acme Health PPO"]
kind = "commercial"
waste-witness-required = true
"#,
        infliximab!(
            r#"
  admin infliximab
    dose 350 mg
    route iv
    start 2026-11-12 10:00
    stop 12:15
    vial 100 mg x4
    waste 50 mg witness "K. Ortiz, RN" evidence "wastage log 2026-11-12 #14"
    reaction none

  line J1745 units 35 dx A
  line J1745 JW units 5 dx A
  line 96413 units 1 dx A
  line 96415 units 1 dx A
"#
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
    // Without the requirement, nothing to say.
    check(
        infliximab!(
            r#"
  admin infliximab
    dose 350 mg
    route iv
    start 2026-11-12 10:00
    stop 12:15
    vial 100 mg x4
    waste 50 mg
    reaction none

  line J1745 units 35 dx A
  line J1745 JW units 5 dx A
  line 96413 units 1 dx A
  line 96415 units 1 dx A
"#
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
}

#[test]
fn waste_avoidable_notes_a_better_combination() {
    // Ocrelizumab comes in one size only, so 2 × 300 mg for 600 mg is optimal.
    check(
        ocrevus!(
            r#"
  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2           # 300 mg/10 mL single-dose vials
    waste 0 mg
    reaction none
    premed "methylprednisolone 100 mg IV, diphenhydramine 50 mg PO"

  line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
"#
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
    // 300 mg needs one vial: opening two is avoidable waste.
    check(
        ocrevus!(
            r#"
  admin ocrelizumab
    dose 300 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2           # 300 mg/10 mL single-dose vials
    waste 300 mg
    reaction none
    premed "methylprednisolone 100 mg IV, diphenhydramine 50 mg PO"

  line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
"#
        ),
        expect![[r#"
            15  |     vial 50242-0150-01 x2           # 300 mg/10 mL single-dose vials
                |     ^^^^^^^^^^^^^^^^^^^^^ information[waste-avoidable]: 1 × 300 mg would have covered 300 mg with 0 mg of waste instead of 300 mg. Worth noting for the next preparation.
            20  |   line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
                |   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[waste-jw-missing]: J2350 bills 1 mg per unit: 300 mg is 300 units; 600 mg opened (2 × 300 mg) leaves 300 mg of billable waste = 300 units JW. Discarded drug from a single-dose container is billed on its own JW line: add `line J2350 JW units 300 dx A`.
                |   fix: Add `line J2350 JW units 300 dx A`
                |   see line 10: administration record of ocrelizumab
                |              ^^ error[waste-jw-jz-conflict]: JZ says nothing was discarded, but 600 mg opened (2 × 300 mg) leaves 300 mg of billable waste (300 units JW). Remove JZ and bill the waste on a JW line.
                |   fix: Remove JZ
                |   see line 10: 300 JW units of billable waste
                |                       ^^^ error[units-dose-mismatch]: J2350 bills 1 mg per unit: 300 mg is 300 units, but this line has 600. Write `units 300`.
                |   fix: Set units to 300
                |   see line 11: documented dose: 300 mg
                |                                                  ^^ warning[ndc-quantity]: 300 mg of a 300 mg/10 ml product is 10 mL, but the NDC quantity is 20 ML. Write `10 ML`.
                |   fix: Set the NDC quantity to 10

            --- after `Add `line J2350 JW units 300 dx A``:
            +   line J2350 JW units 300 dx A

            --- after `Remove JZ`:
            -   line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
            +   line J2350 units 600 dx A ndc 50242-0150-01 20 ML

            --- after `Set units to 300`:
            -   line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
            +   line J2350 JZ units 300 dx A ndc 50242-0150-01 20 ML

            --- after `Set the NDC quantity to 10`:
            -   line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
            +   line J2350 JZ units 600 dx A ndc 50242-0150-01 10 ML
        "#]],
    );
}

/// A record that contradicts itself — two 300 mg vials opened, 300 mg given, `waste 0 mg` — is
/// reported once, as the arithmetic that does not balance. The JW rules wait: billing the 300 mg the
/// vials imply would bill waste the chart says was not discarded (an overpayment an audit takes back),
/// and JZ agrees with the chart as written.
#[test]
fn jw_rules_wait_for_a_record_whose_waste_contradicts_its_vials() {
    check(
        ocrevus!(
            r#"
  admin ocrelizumab
    dose 300 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none

  line J2350 JZ units 300 dx A
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"#
        ),
        expect![[r#"
            15  |     vial 50242-0150-01 x2
                |     ^^^^^^^^^^^^^^^^^^^^^ information[waste-avoidable]: 1 × 300 mg would have covered 300 mg with 0 mg of waste instead of 300 mg. Worth noting for the next preparation.
            16  |     waste 0 mg
                |     ^^^^^^^^^^ warning[waste-vial-arithmetic]: 2 × 300 mg opened is 600 mg, but dose 300 mg + waste 0 mg is 300 mg. One of the dose, the vial count or the waste amount is wrong; correct it to match the chart (waste 300 mg would balance).
                |   see line 15: containers opened: 2 × 300 mg
        "#]],
    );
}
