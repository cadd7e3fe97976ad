//! The administration-code rules, each made to fire and kept quiet on a small claim, with its findings
//! and the result of each fix beside it (`UPDATE_EXPECT=1` rewrites the expectations).

mod support;

use expect_test::expect;
use support::check;

/// The header every claim here shares: Medicare, an office (POS 11), one diagnosis, a signed order.
macro_rules! claim {
    ($body:literal) => {
        concat!(
            "claim ADM-1\n  payer medicare\n  provider 1234567893\n  pos 11\n  dx A G35.A\n  order 2026-11-01 signed \"R. Patel, MD\"\n",
            $body
        )
    };
}

#[test]
fn admin_time_units_counts_the_infusion_it_bills() {
    check(
        claim!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ units 600 dx A
  line 96413 units 2 dx A
  line 96415 units 2 dx A
"
        ),
        expect![[r#"
            16  |   line 96413 units 2 dx A
                |                    ^ warning[admin-time-units]: 96413 covers the first hour of one infusion and is billed once; the hours after it go on the add-on code. Write `units 1`.
                |   fix: Set units to 1
                |                    ^ warning[units-over-mue]: 2 units of 96413 on one date of service: more than its medically unlikely edit of 1 (practitioner MUE, adjudication indicator 3). Units above the MUE are denied unless the record supports them on appeal: check the dose and the units.
            17  |   line 96415 units 2 dx A
                |                    ^ warning[admin-time-units]: The ocrelizumab infusion ran 215 min (09:30 to 13:05): 96413 bills the first hour, and each additional hour needs more than 30 minutes past the last full hour, so 3 additional hours, but this line bills 2. Write `units 3`.
                |   fix: Set units to 3
                |   see line 11: the ocrelizumab infusion ran 215 min (09:30 to 13:05)

            --- after `Set units to 1`:
            -   line 96413 units 2 dx A
            +   line 96413 units 1 dx A

            --- after `Set units to 3`:
            -   line 96415 units 2 dx A
            +   line 96415 units 3 dx A
        "#]],
    );
}

#[test]
fn admin_time_units_adds_the_missing_add_on_line() {
    check(
        claim!(
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
"
        ),
        expect![[r#"
            16  |   line 96413 units 1 dx A
                |   ^^^^^^^^^^^^^^^^^^^^^^^ warning[admin-time-units]: The ocrelizumab infusion ran 215 min (09:30 to 13:05): 96413 bills the first hour, and each additional hour needs more than 30 minutes past the last full hour, so 3 additional hours. Add `line 96415 units 3 dx A`.
                |   fix: Add `line 96415 units 3 dx A`
                |   see line 11: the ocrelizumab infusion ran 215 min (09:30 to 13:05)

            --- after `Add `line 96415 units 3 dx A``:
            +   line 96415 units 3 dx A
        "#]],
    );
}

#[test]
fn admin_push_as_infusion_fires_for_a_five_minute_drip() {
    check(
        claim!(
            "  admin dexamethasone
    dose 10 mg
    route iv
    start 2026-11-20 09:00
    stop 09:05
    reaction none
  line J1100 units 10 dx A
  line 96365 units 1 dx A
"
        ),
        expect![[r#"
            14  |   line 96365 units 1 dx A
                |        ^^^^^ error[admin-push-as-infusion]: The dexamethasone administration ran 5 min (09:00 to 09:05): an infusion of 15 minutes or less is a push, so 96365 (an infusion code) overbills it. Write 96374.
                |   fix: Replace 96365 with 96374
                |   see line 11: 5 min

            --- after `Replace 96365 with 96374`:
            -   line 96365 units 1 dx A
            +   line 96374 units 1 dx A
        "#]],
    );
}

#[test]
fn admin_push_as_infusion_is_quiet_for_a_push_billed_as_a_push() {
    check(
        claim!(
            "  admin dexamethasone
    dose 10 mg
    route ivp
    start 2026-11-20 09:00
    reaction none
  line J1100 units 10 dx A
  line 96374 units 1 dx A
"
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
}

#[test]
fn admin_code_missing_offers_both_code_families() {
    check(
        claim!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ units 600 dx A
"
        ),
        expect![[r#"
            15  |   line J2350 JZ units 600 dx A
                |        ^^^^^ warning[admin-code-missing]: The ocrelizumab infusion ran 215 min (09:30 to 13:05): it is billed with a first hour and 3 additional hours, but the claim bills no administration code for 2026-11-20: the practitioner's administration is billed separately from the drug. Add 96413 + 96415 (chemotherapy and complex biologics) or 96365 + 96366 (other drugs); which family applies depends on the drug and the payer.
                |   or: Add `line 96413 units 1 dx A` and `line 96415 units 3 dx A`
                |   or: Add `line 96365 units 1 dx A` and `line 96366 units 3 dx A`
                |   see line 7: administration of ocrelizumab

            --- after `Add `line 96413 units 1 dx A` and `line 96415 units 3 dx A``:
            +   line 96413 units 1 dx A
            +   line 96415 units 3 dx A

            --- after `Add `line 96365 units 1 dx A` and `line 96366 units 3 dx A``:
            +   line 96365 units 1 dx A
            +   line 96366 units 3 dx A
        "#]],
    );
}

#[test]
fn admin_code_missing_is_quiet_in_a_facility() {
    check(
        r#"
        claim ADM-2
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
        "#,
        expect![[r#"
            4   |   pos 22
                |       ^^ warning[pos-facility-drug]: Place of service 22 (On Campus-Outpatient Hospital) is a facility: the facility bills the drug and its administration on its own claim, so J2350 on this professional claim would be paid twice or denied. Check the place of service.
                |   see line 15: drug or administration line
        "#]],
    );
}

#[test]
fn admin_facility_only_fires_for_96376_and_keeps_the_comment() {
    check(
        claim!(
            "  admin dexamethasone
    dose 10 mg
    route ivp
    start 2026-11-20 09:00
    reaction none
  line J1100 units 10 dx A
  line 96374 units 1 dx A
  line 96376 units 1 dx A   # second push at 10:00
"
        ),
        expect![[r#"
            14  |   line 96376 units 1 dx A   # second push at 10:00
                |        ^^^^^ warning[admin-facility-only]: 96376 (the same drug pushed again) may be reported by facilities only (NCCI add-on code file); a practitioner's claim does not bill it. Remove the line.
                |   fix: Remove the 96376 line
                |                    ^ warning[units-over-mue]: 1 unit of 96376 on one date of service: more than its medically unlikely edit of 0 (practitioner MUE, adjudication indicator 3). Units above the MUE are denied unless the record supports them on appeal: check the dose and the units.

            --- after `Remove the 96376 line`:
            -   line 96376 units 1 dx A   # second push at 10:00
            +   # second push at 10:00
        "#]],
    );
}

#[test]
fn admin_hydration_concurrent_fires_for_saline_during_an_infusion() {
    check(
        claim!(
            "  admin normal saline
    dose 500 ml
    route iv
    start 2026-11-20 09:30
    stop 11:30
    reaction none
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
  line 96361 units 2 dx A
"
        ),
        expect![[r#"
            24  |   line 96361 units 2 dx A
                |        ^^^^^ warning[admin-hydration-concurrent]: Hydration given alongside another infusion is not billed: the normal saline infusion ran 120 min (09:30 to 11:30), during the ocrelizumab infusion (09:30 to 13:05). Remove the 96361 line.
                |   fix: Remove the 96361 line

            --- after `Remove the 96361 line`:
            -   line 96361 units 2 dx A
        "#]],
    );
}

#[test]
fn admin_hydration_before_the_infusion_is_billed() {
    check(
        claim!(
            "  admin normal saline
    dose 500 ml
    route iv
    start 2026-11-20 08:00
    stop 09:20
    reaction none
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
  line 96361 units 1 dx A
"
        ),
        expect![[r#"
            (no findings)
        "#]],
    );
}

#[test]
fn addon_without_primary_fires_for_an_add_on_hour_alone() {
    check(
        claim!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ units 600 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            16  |   line 96415 units 3 dx A
                |        ^^^^^ error[addon-without-primary]: 96415 is an add-on code, paid only with one of its primary codes on the same date of service (96413), and the claim bills none on 2026-11-20 (NCCI add-on code edits, embedded curated set (NCCI add-on code edits 2026 Q2, drug administration)). Bill the primary service the chart documents, or remove the add-on line.
        "#]],
    );
}
