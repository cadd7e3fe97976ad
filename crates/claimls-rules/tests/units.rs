//! The units rules (units-invalid, units-dose-mismatch, units-over-mue, dose-atypical,
//! admin-time-units, ndc-quantity), each made to fire and kept quiet on the two spec examples with one
//! line changed, the findings and the result of each fix beside it (`UPDATE_EXPECT=1` rewrites them).

mod support;

use expect_test::expect;
use support::{check, infliximab, ocrevus};

#[test]
fn units_invalid_fires_on_missing_zero_negative_fraction() {
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

  line J2350 JZ units 0 dx A ndc 50242-0150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
"#
        ),
        expect![[r#"
            20  |   line J2350 JZ units 0 dx A ndc 50242-0150-01 20 ML
                |                       ^ error[units-invalid]: `units 0` is zero units: a claim line bills a whole number of units, at least 1. The documented dose is 600 units: write `units 600`.
                |   fix: Set units to 600

            --- after `Set units to 600`:
            -   line J2350 JZ units 0 dx A ndc 50242-0150-01 20 ML
            +   line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
        "#]],
    );
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

  line J2350 JZ units -5 dx A ndc 50242-0150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
"#
        ),
        expect![[r#"
            20  |   line J2350 JZ units -5 dx A ndc 50242-0150-01 20 ML
                |                       ^^ error[units-invalid]: `units -5` is negative units: a claim line bills a whole number of units, at least 1. The documented dose is 600 units: write `units 600`.
                |   fix: Set units to 600

            --- after `Set units to 600`:
            -   line J2350 JZ units -5 dx A ndc 50242-0150-01 20 ML
            +   line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
        "#]],
    );
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

  line J2350 JZ units 600.5 dx A ndc 50242-0150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
"#
        ),
        expect![[r#"
            20  |   line J2350 JZ units 600.5 dx A ndc 50242-0150-01 20 ML
                |                       ^^^^^ error[units-invalid]: `units 600.5` is a fraction of a unit: a claim line bills a whole number of units, at least 1. The documented dose is 600 units: write `units 600`.
                |   fix: Set units to 600

            --- after `Set units to 600`:
            -   line J2350 JZ units 600.5 dx A ndc 50242-0150-01 20 ML
            +   line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
        "#]],
    );
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
  line 96413 dx A
  line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
"#
        ),
        expect![[r#"
            21  |   line 96413 dx A
                |        ^^^^^ error[units-invalid]: This line has no units. Every claim line needs a whole number of units: write `units <n>` after 96413.
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
fn units_invalid_fix_writes_the_dose_units() {
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

  line J2350 JZ units 0 dx A ndc 50242-0150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
"#
        ),
        expect![[r#"
            20  |   line J2350 JZ units 0 dx A ndc 50242-0150-01 20 ML
                |                       ^ error[units-invalid]: `units 0` is zero units: a claim line bills a whole number of units, at least 1. The documented dose is 600 units: write `units 600`.
                |   fix: Set units to 600

            --- after `Set units to 600`:
            -   line J2350 JZ units 0 dx A ndc 50242-0150-01 20 ML
            +   line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
        "#]],
    );
}

#[test]
fn units_dose_mismatch_divides_and_rounds_up() {
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

  line J1745 units 30 dx A
  line J1745 JW units 5 dx A
  line 96413 units 1 dx A
  line 96415 units 1 dx A
"#
        ),
        expect![[r#"
            19  |   line J1745 units 30 dx A
                |                    ^^ error[units-dose-mismatch]: J1745 bills 10 mg per unit: 350 mg is 35 units, but this line has 30. Write `units 35`.
                |   fix: Set units to 35
                |   see line 11: documented dose: 350 mg

            --- after `Set units to 35`:
            -   line J1745 units 30 dx A
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

/// 5 mg of a 10 mg-per-unit drug is 1 unit, not 0.5.
#[test]
fn units_dose_mismatch_a_dose_under_one_unit_is_one_unit() {
    // 1 unit: no units-dose-mismatch.
    check(
        infliximab!(
            r#"
  admin infliximab
    dose 5 mg
    route iv
    start 2026-11-12 10:00
    stop 12:15
    vial 100 mg x4
    waste 50 mg witness "K. Ortiz, RN" evidence "wastage log 2026-11-12 #14"
    reaction none

  line J1745 units 1 dx A
  line J1745 JW units 5 dx A
  line 96413 units 1 dx A
  line 96415 units 1 dx A
"#
        ),
        expect![[r#"
            15  |     vial 100 mg x4
                |     ^^^^^^^^^^^^^^ information[waste-avoidable]: 1 × 100 mg would have covered 5 mg with 95 mg of waste instead of 395 mg. Worth noting for the next preparation.
            16  |     waste 50 mg witness "K. Ortiz, RN" evidence "wastage log 2026-11-12 #14"
                |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[waste-vial-arithmetic]: 4 × 100 mg opened is 400 mg, but dose 5 mg + waste 50 mg is 55 mg. One of the dose, the vial count or the waste amount is wrong; correct it to match the chart (waste 395 mg would balance).
                |   see line 15: containers opened: 4 × 100 mg
        "#]],
    );
    // 2 units: units-dose-mismatch.
    check(
        infliximab!(
            r#"
  admin infliximab
    dose 5 mg
    route iv
    start 2026-11-12 10:00
    stop 12:15
    vial 100 mg x4
    waste 50 mg witness "K. Ortiz, RN" evidence "wastage log 2026-11-12 #14"
    reaction none

  line J1745 units 2 dx A
  line J1745 JW units 5 dx A
  line 96413 units 1 dx A
  line 96415 units 1 dx A
"#
        ),
        expect![[r#"
            15  |     vial 100 mg x4
                |     ^^^^^^^^^^^^^^ information[waste-avoidable]: 1 × 100 mg would have covered 5 mg with 95 mg of waste instead of 395 mg. Worth noting for the next preparation.
            16  |     waste 50 mg witness "K. Ortiz, RN" evidence "wastage log 2026-11-12 #14"
                |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[waste-vial-arithmetic]: 4 × 100 mg opened is 400 mg, but dose 5 mg + waste 50 mg is 55 mg. One of the dose, the vial count or the waste amount is wrong; correct it to match the chart (waste 395 mg would balance).
                |   see line 15: containers opened: 4 × 100 mg
            19  |   line J1745 units 2 dx A
                |                    ^ error[units-dose-mismatch]: J1745 bills 10 mg per unit: 5 mg is 1 unit, but this line has 2. Write `units 1`.
                |   fix: Set units to 1
                |   see line 11: documented dose: 5 mg

            --- after `Set units to 1`:
            -   line J1745 units 2 dx A
            +   line J1745 units 1 dx A
        "#]],
    );
}

#[test]
fn units_dose_mismatch_converts_grams() {
    check(
        infliximab!(
            r#"
  admin infliximab
    dose 0.35 g
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

/// J2350's practitioner MUE is 600: the units of every line of the code on the date count, the JW
/// line's too.
#[test]
fn units_over_mue_counts_all_lines_of_the_code() {
    // 600 given + 300 discarded: neither line alone is over 600, the two together are.
    check(
        ocrevus!(
            r#"
  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x3
    waste 300 mg
    reaction none

  line J2350 units 600 dx A
  line J2350 JW units 300 dx A
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"#
        ),
        expect![[r#"
            15  |     vial 50242-0150-01 x3
                |     ^^^^^^^^^^^^^^^^^^^^^ information[waste-avoidable]: 2 × 300 mg would have covered 600 mg with 0 mg of waste instead of 300 mg. Worth noting for the next preparation.
            19  |   line J2350 units 600 dx A
                |                    ^^^ warning[units-over-mue]: 900 units of J2350 on one date of service: more than its medically unlikely edit of 600 (practitioner MUE, adjudication indicator 3). Units above the MUE are denied unless the record supports them on appeal: check the dose and the units.
        "#]],
    );
    check(
        ocrevus!(
            r#"
  admin ocrelizumab
    dose 900 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2           # 300 mg/10 mL single-dose vials
    waste 0 mg
    reaction none
    premed "methylprednisolone 100 mg IV, diphenhydramine 50 mg PO"

  line J2350 JZ units 900 dx A ndc 50242-0150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
"#
        ),
        expect![[r#"
            11  |     dose 900 mg
                |          ^^^^^^ warning[dose-atypical]: 900 mg is not a labelled dose of ocrelizumab (300 mg or 600 mg). An unusual dose draws medical review: check the dose against the chart and the order.
            16  |     waste 0 mg
                |     ^^^^^^^^^^ warning[waste-vial-arithmetic]: 2 × 300 mg opened is 600 mg, less than the dose 900 mg: the containers cannot have held it. The vial count, the vial size or the dose is wrong; correct it to match the chart.
                |   see line 15: containers opened: 2 × 300 mg
            20  |   line J2350 JZ units 900 dx A ndc 50242-0150-01 20 ML
                |                       ^^^ warning[units-over-mue]: 900 units of J2350 on one date of service: more than its medically unlikely edit of 600 (practitioner MUE, adjudication indicator 3). Units above the MUE are denied unless the record supports them on appeal: check the dose and the units.
                |                                                  ^^ warning[ndc-quantity]: 900 mg of a 300 mg/10 ml product is 30 mL, but the NDC quantity is 20 ML. Write `30 ML`.
                |   fix: Set the NDC quantity to 30

            --- after `Set the NDC quantity to 30`:
            -   line J2350 JZ units 900 dx A ndc 50242-0150-01 20 ML
            +   line J2350 JZ units 900 dx A ndc 50242-0150-01 30 ML
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

/// A fraction of a unit is units-invalid's finding, not a count the MUE can judge: `units 1200.5`
/// gets the fix to the dose's 600 units and no MUE warning about 1200.5 units.
#[test]
fn units_over_mue_counts_only_whole_units() {
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

  line J2350 JZ units 1200.5 dx A ndc 50242-0150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
"#
        ),
        expect![[r#"
            20  |   line J2350 JZ units 1200.5 dx A ndc 50242-0150-01 20 ML
                |                       ^^^^^^ error[units-invalid]: `units 1200.5` is a fraction of a unit: a claim line bills a whole number of units, at least 1. The documented dose is 600 units: write `units 600`.
                |   fix: Set units to 600

            --- after `Set units to 600`:
            -   line J2350 JZ units 1200.5 dx A ndc 50242-0150-01 20 ML
            +   line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
        "#]],
    );
}

#[test]
fn dose_atypical_knows_labelled_doses() {
    check(
        ocrevus!(
            r#"
  admin ocrelizumab
    dose 500 mg
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
            11  |     dose 500 mg
                |          ^^^^^^ warning[dose-atypical]: 500 mg is not a labelled dose of ocrelizumab (300 mg or 600 mg). An unusual dose draws medical review: check the dose against the chart and the order.
            16  |     waste 0 mg
                |     ^^^^^^^^^^ warning[waste-vial-arithmetic]: 2 × 300 mg opened is 600 mg, but dose 500 mg + waste 0 mg is 500 mg. One of the dose, the vial count or the waste amount is wrong; correct it to match the chart (waste 100 mg would balance).
                |   see line 15: containers opened: 2 × 300 mg
            20  |   line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
                |                       ^^^ error[units-dose-mismatch]: J2350 bills 1 mg per unit: 500 mg is 500 units, but this line has 600. Write `units 500`.
                |   fix: Set units to 500
                |   see line 11: documented dose: 500 mg
                |                                                  ^^ warning[ndc-quantity]: 500 mg of a 300 mg/10 ml product is 16.667 mL, but the NDC quantity is 20 ML. Write `16.667 ML`.
                |   fix: Set the NDC quantity to 16.667

            --- after `Set units to 500`:
            -   line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
            +   line J2350 JZ units 500 dx A ndc 50242-0150-01 20 ML

            --- after `Set the NDC quantity to 16.667`:
            -   line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
            +   line J2350 JZ units 600 dx A ndc 50242-0150-01 16.667 ML
        "#]],
    );
    // 300 mg is a labelled dose: no dose-atypical.
    check(
        ocrevus!(
            r#"
  admin ocrelizumab
    dose 300 mg
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
            15  |     vial 50242-0150-01 x2           # 300 mg/10 mL single-dose vials
                |     ^^^^^^^^^^^^^^^^^^^^^ information[waste-avoidable]: 1 × 300 mg would have covered 300 mg with 0 mg of waste instead of 300 mg. Worth noting for the next preparation.
            16  |     waste 0 mg
                |     ^^^^^^^^^^ warning[waste-vial-arithmetic]: 2 × 300 mg opened is 600 mg, but dose 300 mg + waste 0 mg is 300 mg. One of the dose, the vial count or the waste amount is wrong; correct it to match the chart (waste 300 mg would balance).
                |   see line 15: containers opened: 2 × 300 mg
            20  |   line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
                |                       ^^^ error[units-dose-mismatch]: J2350 bills 1 mg per unit: 300 mg is 300 units, but this line has 600. Write `units 300`.
                |   fix: Set units to 300
                |   see line 11: documented dose: 300 mg
                |                                                  ^^ warning[ndc-quantity]: 300 mg of a 300 mg/10 ml product is 10 mL, but the NDC quantity is 20 ML. Write `10 ML`.
                |   fix: Set the NDC quantity to 10

            --- after `Set units to 300`:
            -   line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
            +   line J2350 JZ units 300 dx A ndc 50242-0150-01 20 ML

            --- after `Set the NDC quantity to 10`:
            -   line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
            +   line J2350 JZ units 600 dx A ndc 50242-0150-01 10 ML
        "#]],
    );
    // Weight-based drugs have no labelled-dose list.
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
fn admin_time_units_follows_the_thirty_minute_rule() {
    // 09:30–13:05 is 215 min: 3 add-on hours. 2 is wrong.
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
  line 96415 units 2 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
"#
        ),
        expect![[r#"
            22  |   line 96415 units 2 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
                |                    ^ warning[admin-time-units]: The ocrelizumab infusion ran 215 min (09:30 to 13:05): 96413 bills the first hour, and each additional hour needs more than 30 minutes past the last full hour, so 3 additional hours, but this line bills 2. Write `units 3`.
                |   fix: Set units to 3
                |   see line 14: the ocrelizumab infusion ran 215 min (09:30 to 13:05)

            --- after `Set units to 3`:
            -   line 96415 units 2 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
            +   line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
        "#]],
    );
    // Exactly 150 min is 1 add-on hour (the comment on the 96415 line is the example's)...
    check(
        ocrevus!(
            r#"
  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 12:00
    vial 50242-0150-01 x2           # 300 mg/10 mL single-dose vials
    waste 0 mg
    reaction none
    premed "methylprednisolone 100 mg IV, diphenhydramine 50 mg PO"

  line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 1 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
"#
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
    // ...and 151 min is 2.
    check(
        ocrevus!(
            r#"
  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 12:01
    vial 50242-0150-01 x2           # 300 mg/10 mL single-dose vials
    waste 0 mg
    reaction none
    premed "methylprednisolone 100 mg IV, diphenhydramine 50 mg PO"

  line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
  line 96413 units 1 dx A
  line 96415 units 1 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
"#
        ),
        expect![[r#"
            22  |   line 96415 units 1 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
                |                    ^ warning[admin-time-units]: The ocrelizumab infusion ran 151 min (09:30 to 12:01): 96413 bills the first hour, and each additional hour needs more than 30 minutes past the last full hour, so 2 additional hours, but this line bills 1. Write `units 2`.
                |   fix: Set units to 2
                |   see line 14: the ocrelizumab infusion ran 151 min (09:30 to 12:01)

            --- after `Set units to 2`:
            -   line 96415 units 1 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
            +   line 96415 units 2 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
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
fn admin_time_units_missing_add_on_line_is_inserted() {
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
"#
        ),
        expect![[r#"
            21  |   line 96413 units 1 dx A
                |   ^^^^^^^^^^^^^^^^^^^^^^^ warning[admin-time-units]: The ocrelizumab infusion ran 215 min (09:30 to 13:05): 96413 bills the first hour, and each additional hour needs more than 30 minutes past the last full hour, so 3 additional hours. Add `line 96415 units 3 dx A`.
                |   fix: Add `line 96415 units 3 dx A`
                |   see line 14: the ocrelizumab infusion ran 215 min (09:30 to 13:05)

            --- after `Add `line 96415 units 3 dx A``:
            +   line 96415 units 3 dx A
        "#]],
    );
}

#[test]
fn admin_time_units_75_minutes_is_initial_only() {
    check(
        ocrevus!(
            r#"
  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 10:45
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
            22  |   line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
                |                    ^ warning[admin-time-units]: The ocrelizumab infusion ran 75 min (09:30 to 10:45): 96413 bills the first hour, and each additional hour needs more than 30 minutes past the last full hour, so 0 additional hours: remove the 96415 line.
                |   fix: Remove the 96415 line
                |   see line 14: the ocrelizumab infusion ran 75 min (09:30 to 10:45)

            --- after `Remove the 96415 line`:
            -   line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
            +   # 215 min: first hour + 3 additional hours (>30 min rule)
        "#]],
    );
}

#[test]
fn ndc_quantity_is_dose_over_concentration() {
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

  line J2350 JZ units 600 dx A ndc 50242-0150-01 10 ML
  line 96413 units 1 dx A
  line 96415 units 3 dx A           # 215 min: first hour + 3 additional hours (>30 min rule)
"#
        ),
        expect![[r#"
            20  |   line J2350 JZ units 600 dx A ndc 50242-0150-01 10 ML
                |                                                  ^^ warning[ndc-quantity]: 600 mg of a 300 mg/10 ml product is 20 mL, but the NDC quantity is 10 ML. Write `20 ML`.
                |   fix: Set the NDC quantity to 20

            --- after `Set the NDC quantity to 20`:
            -   line J2350 JZ units 600 dx A ndc 50242-0150-01 10 ML
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
