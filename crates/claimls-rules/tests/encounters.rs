//! Claims with several administrations: a premedication push and an infusion, two dates of service, two
//! records of one drug, a biosimilar charted by its vial (issue 9, facts §15). Each test is one claim
//! as a coder writes it, with the findings a reviewer expects beside it (`UPDATE_EXPECT=1` rewrites
//! them; the diff is the review).

mod support;

use expect_test::expect;
use support::check;

/// Two Botox administrations on one day are one drug use: 155 + 100 units given from three 100-unit
/// vials leaves 45 units of waste. Before the encounter model the lines were judged against the first
/// record alone ("make them add up to 155").
#[test]
fn two_administrations_of_one_drug_on_one_day_add_up() {
    check(
        r#"
        claim BTX-1
          payer medicare
          provider 1234567893
          pos 11
          dx A G43.709
          order 2026-11-01 signed "R. Patel, MD"
          admin onabotulinumtoxina
            dose 155 units
            route im
            start 2026-11-20 09:00
            vial 00023-1145-01 x2
            waste 0 units
            reaction none
          admin onabotulinumtoxina
            dose 100 units
            route im
            start 2026-11-20 09:40
            vial 00023-1145-01 x1
            waste 45 units
            reaction none
          line J0585 units 155 dx A
          line J0585 units 100 dx A
          line J0585 JW units 45 dx A
        "#,
        expect![[r#"
            5   |   dx A G43.709
                |        ^^^^^^^ information[not-in-data]: G43.709 is not in the embedded code data (a curated subset). Import the official files to verify it: `claimls data import <folder>`.
        "#]],
    );
}

/// Dexamethasone pushed on two days, each line with its `on` date: each day is judged by its own
/// record. Before, day 1's units were demanded on day 2.
#[test]
fn each_date_of_service_is_judged_by_its_own_record() {
    check(
        r#"
        claim DEX-1
          payer medicare
          provider 1234567893
          pos 11
          dx A R11.2
          order 2026-11-01 signed "R. Patel, MD"
          admin dexamethasone
            dose 8 mg
            route iv
            start 2026-11-20 09:00
            stop 09:05
            reaction none
          admin dexamethasone
            dose 12 mg
            route iv
            start 2026-11-21 09:00
            stop 09:04
            reaction none
          line J1100 units 8 dx A on 2026-11-20
          line 96374 units 1 dx A on 2026-11-20
          line J1100 units 10 dx A on 2026-11-21
          line 96374 units 1 dx A on 2026-11-21
        "#,
        expect![[r#"
            5   |   dx A R11.2
                |        ^^^^^ information[not-in-data]: R11.2 is not in the embedded code data (a curated subset). Import the official files to verify it: `claimls data import <folder>`.
            21  |   line J1100 units 10 dx A on 2026-11-21
                |                    ^^ error[units-dose-mismatch]: J1100 bills 1 mg per unit: 12 mg is 12 units, but this line has 10. Write `units 12`.
                |   fix: Set units to 12
                |   see line 14: documented dose: 12 mg

            --- after `Set units to 12`:
            -   line J1100 units 10 dx A on 2026-11-21
            +   line J1100 units 12 dx A on 2026-11-21
        "#]],
    );
}

/// Two records of ketorolac on one day: both lines bill them (before, every J1885 line was
/// `doc-admin-missing`).
#[test]
fn two_records_of_one_drug_bind_their_lines() {
    check(
        r#"
        claim KET-1
          payer commercial
          provider 1234567893
          pos 11
          dx A M54.50
          order 2026-11-01 signed "R. Patel, MD"
          admin ketorolac
            dose 30 mg
            route im
            start 2026-11-20 09:00
            waste 0 mg
            reaction none
          admin ketorolac
            dose 30 mg
            route im
            start 2026-11-20 15:00
            waste 0 mg
            reaction none
          line J1885 units 4 dx A
          line 96372 units 2 dx A
        "#,
        expect![[r#"
            5   |   dx A M54.50
                |        ^^^^^^ information[not-in-data]: M54.50 is not in the embedded code data (a curated subset). Import the official files to verify it: `claimls data import <folder>`.
        "#]],
    );
}

/// A five-minute methylprednisolone push before an ocrelizumab infusion: 96413/96415 bill the
/// infusion, measured by its own times; the push is the subsequent push of a new drug (96375). Before,
/// the infusion codes were measured against the push and "Remove the 96415 line" was offered.
#[test]
fn a_premedication_push_does_not_measure_the_infusion() {
    check(
        r#"
        claim OCR-2
          payer medicare
          provider 1234567893
          pos 11
          dx A G35.A
          order 2026-11-01 signed "R. Patel, MD"
          admin methylprednisolone sodium succinate
            dose 100 mg
            route iv
            start 2026-11-20 09:00
            stop 09:05
            vial 00009-0047-04 x1
            waste 25 mg
            reaction none
          admin ocrelizumab
            dose 600 mg
            route iv
            start 2026-11-20 09:30
            stop 13:05
            vial 50242-0150-01 x2
            waste 0 mg
            reaction none
          line J2919 units 20 dx A
          line J2919 JW units 5 dx A
          line 96375 units 1 dx A
          line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            (no findings)
        "#]],
    );
}

/// The same claim with the push billed as a second initial service (96374).
#[test]
fn a_second_initial_service_is_billed_with_its_subsequent_code() {
    check(
        r#"
        claim OCR-3
          payer medicare
          provider 1234567893
          pos 11
          dx A G35.A
          order 2026-11-01 signed "R. Patel, MD"
          admin methylprednisolone sodium succinate
            dose 100 mg
            route iv
            start 2026-11-20 09:00
            stop 09:05
            vial 00009-0047-04 x1
            waste 25 mg
            reaction none
          admin ocrelizumab
            dose 600 mg
            route iv
            start 2026-11-20 09:30
            stop 13:05
            vial 50242-0150-01 x2
            waste 0 mg
            reaction none
          line J2919 units 20 dx A
          line J2919 JW units 5 dx A
          line 96374 units 1 dx A
          line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            25  |   line 96374 units 1 dx A
                |        ^^^^^ error[admin-initial-duplicate]: 96413 is the initial service of this encounter on 2026-11-20 (the highest in the hierarchy: chemotherapy infusion, chemotherapy push, therapeutic infusion, therapeutic push, hydration), so 96374 is a second initial service; one is allowed per encounter unless a second access site is documented (59/XS/XU). A service after the initial one is billed with its subsequent code: write 96375.
                |   fix: Replace 96374 with 96375
                |   see line 27: the encounter's initial service

            --- after `Replace 96374 with 96375`:
            -   line 96374 units 1 dx A
            +   line 96375 units 1 dx A
        "#]],
    );
}

/// Infusions on two dates: each date's add-on hours count that date's infusion (before, they were
/// added together against day 1's).
#[test]
fn add_on_hours_count_the_infusion_of_their_own_date() {
    check(
        r#"
        claim IFX-2
          payer commercial
          provider 1234567893
          pos 11
          dx A K50.90
          order 2026-11-01 signed "L. Chen, MD"
          admin infliximab
            dose 300 mg
            route iv
            start 2026-11-12 10:00
            stop 12:15
            vial 100 mg x3
            waste 0 mg
            reaction none
          admin infliximab
            dose 300 mg
            route iv
            start 2026-11-26 10:00
            stop 11:30
            vial 100 mg x3
            waste 0 mg
            reaction none
          line J1745 units 30 dx A on 2026-11-12
          line 96413 units 1 dx A on 2026-11-12
          line 96415 units 1 dx A on 2026-11-12
          line J1745 units 30 dx A on 2026-11-26
          line 96413 units 1 dx A on 2026-11-26
          line 96415 units 1 dx A on 2026-11-26
        "#,
        expect![[r#"
            28  |   line 96415 units 1 dx A on 2026-11-26
                |                    ^ warning[admin-time-units]: The infliximab infusion ran 90 min (10:00 to 11:30): 96413 bills the first hour, and each additional hour needs more than 30 minutes past the last full hour, so 0 additional hours: remove the 96415 line.
                |   fix: Remove the 96415 line
                |   see line 19: the infliximab infusion ran 90 min (10:00 to 11:30)

            --- after `Remove the 96415 line`:
            -   line 96415 units 1 dx A on 2026-11-26
        "#]],
    );
}

/// A biosimilar charted by its vial: `admin infliximab` with Inflectra vials bills Q5103. Before,
/// Q5103 got "Replace Q5103 with J1745".
#[test]
fn a_biosimilar_vial_is_judged_by_its_own_code() {
    check(
        r#"
        claim IFX-3
          payer commercial
          provider 1234567893
          pos 11
          dx A K50.90
          order 2026-11-01 signed "L. Chen, MD"
          admin infliximab
            dose 350 mg
            route iv
            start 2026-11-12 10:00
            stop 12:15
            vial 00069-0809-01 x4
            waste 50 mg
            reaction none
          line Q5103 units 35 dx A
          line Q5103 JW units 5 dx A
          line 96413 units 1 dx A
          line 96415 units 1 dx A
        "#,
        expect![[r#"
            12  |     vial 00069-0809-01 x4
                |          ^^^^^^^^^^^^^ warning[vial-product-mismatch]: NDC 00069-0809-01 is Inflectra (infliximab-dyyb), billed with Q5103; the record names infliximab. Its lines are judged as Q5103: name what was given, `admin infliximab-dyyb`.
                |   fix: Write `admin infliximab-dyyb`

            --- after `Write `admin infliximab-dyyb``:
            -   admin infliximab
            +   admin infliximab-dyyb
        "#]],
    );
}

/// The same vial billed as the reference product: the real error, with the vial's code as the fix.
#[test]
fn the_reference_code_for_a_biosimilar_vial_is_the_wrong_code() {
    check(
        r#"
        claim IFX-4
          payer commercial
          provider 1234567893
          pos 11
          dx A K50.90
          order 2026-11-01 signed "L. Chen, MD"
          admin infliximab
            dose 350 mg
            route iv
            start 2026-11-12 10:00
            stop 12:15
            vial 00069-0809-01 x4
            waste 50 mg
            reaction none
          line J1745 units 35 dx A
          line J1745 JW units 5 dx A
          line 96413 units 1 dx A
          line 96415 units 1 dx A
        "#,
        expect![[r#"
            12  |     vial 00069-0809-01 x4
                |          ^^^^^^^^^^^^^ warning[vial-product-mismatch]: NDC 00069-0809-01 is Inflectra (infliximab-dyyb), billed with Q5103; the record names infliximab. Its lines are judged as Q5103: name what was given, `admin infliximab-dyyb`.
                |   fix: Write `admin infliximab-dyyb`
            15  |   line J1745 units 35 dx A
                |        ^^^^^ error[code-drug-mismatch]: J1745 bills infliximab (Injection, infliximab, excludes biosimilar, 10 mg), but the administration record documents infliximab-dyyb: did you mean Q5103 (Injection, infliximab-dyyb, biosimilar, (inflectra), 10 mg)?
                |   fix: Replace J1745 with Q5103
                |   see line 7: administration of infliximab
            16  |   line J1745 JW units 5 dx A
                |        ^^^^^ error[code-drug-mismatch]: J1745 bills infliximab (Injection, infliximab, excludes biosimilar, 10 mg), but the administration record documents infliximab-dyyb: did you mean Q5103 (Injection, infliximab-dyyb, biosimilar, (inflectra), 10 mg)?
                |   fix: Replace J1745 with Q5103
                |   see line 7: administration of infliximab

            --- after `Write `admin infliximab-dyyb``:
            -   admin infliximab
            +   admin infliximab-dyyb

            --- after `Replace J1745 with Q5103`:
            -   line J1745 units 35 dx A
            -   line J1745 JW units 5 dx A
            +   line Q5103 units 35 dx A
            +   line Q5103 JW units 5 dx A

            --- after `Replace J1745 with Q5103`:
            -   line J1745 units 35 dx A
            -   line J1745 JW units 5 dx A
            +   line Q5103 units 35 dx A
            +   line Q5103 JW units 5 dx A
        "#]],
    );
}

/// Bevacizumab charted with a rituximab vial: the vial is reported, and its 500 mg does not enter
/// the waste arithmetic.
#[test]
fn a_vial_of_another_drug_is_reported_and_left_out_of_the_arithmetic() {
    check(
        r#"
        claim BEV-1
          payer medicare
          provider 1234567893
          pos 11
          dx A C18.9
          order 2026-11-01 signed "R. Patel, MD"
          admin bevacizumab
            dose 400 mg
            route iv
            start 2026-11-20 09:30
            stop 10:30
            vial 50242-0053-06 x1
            waste 0 mg
            reaction none
          line J9035 JZ units 40 dx A
          line 96413 units 1 dx A
        "#,
        expect![[r#"
            12  |     vial 50242-0053-06 x1
                |          ^^^^^^^^^^^^^ error[vial-product-mismatch]: NDC 50242-0053-06 is Rituxan (billed with J9312), not bevacizumab. The vial or the drug in the record is wrong; check both against the chart. This vial is left out of the waste arithmetic.
                |   see line 7: administration of bevacizumab
        "#]],
    );
}
