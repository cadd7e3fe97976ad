//! The documentation rules (doc-admin-missing, the doc-*-missing statements, doc-order-unsigned,
//! doc-order-after-service), each made to fire and kept quiet on spec example 1 with one statement
//! changed, with the findings and the result of each fix beside them (`UPDATE_EXPECT=1` rewrites them).

mod support;

use expect_test::expect;
use support::{check, ocrevus_brief};

/// Lines billed without the administration record: the record is a fact of the chart, so no fix
/// writes it (no `fix:` below).
#[test]
fn doc_admin_missing_has_no_fix() {
    check(
        ocrevus_brief!(
            "  line J2350 JZ units 600 dx A
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            7   |   line J2350 JZ units 600 dx A
                |        ^^^^^ error[doc-admin-missing]: J2350 bills ocrelizumab, but the claim has no administration record for it. A drug billed without one is unsupported: add `admin ocrelizumab` with its dose, route, start and stop as charted.
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

/// Each statement of the record and the order, removed one at a time. (`reaction` and `waste` are in
/// `doc_fixes_write_waste_but_not_reaction`.)
#[test]
fn doc_statements_missing() {
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
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
            7   |   admin ocrelizumab
                |   ^^^^^^^^^^^^^^^^^ error[doc-dose-missing]: The administration of ocrelizumab has no dose; the billed units are computed from it. Add `dose <amount> <unit>` (e.g. `dose 600 mg`).
        "#]],
    );
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
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
            7   |   admin ocrelizumab
                |   ^^^^^^^^^^^^^^^^^ error[doc-route-missing]: The administration of ocrelizumab has no route. Add `route iv` (or sc, im, …) as charted.
        "#]],
    );
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
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
            7   |   admin ocrelizumab
                |   ^^^^^^^^^^^^^^^^^ error[doc-start-missing]: The administration of ocrelizumab has no start; it gives the date of service and the infusion time. Add `start <YYYY-MM-DD> <HH:MM>`.
        "#]],
    );
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    vial 50242-0150-01 x2
    waste 0 mg
    reaction none
  line J2350 JZ units 600 dx A
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            10  |     start 2026-11-20 09:30
                |           ^^^^^^^^^^^^^^^^ error[doc-stop-missing]: ocrelizumab is infused, but the record has no stop time: the infusion duration, and every add-on hour billed for it, is unsupported. Add `stop <HH:MM>` as charted.
        "#]],
    );
    check(
        r#"
        claim OCR-2026-0142
          payer medicare
          provider 1234567893
          pos 11
          dx A G35.A
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
                | ^^^^^^^^^^^^^^^^^^^ error[doc-order-missing]: The claim has no treatment order; a drug given without a documented order is not payable. Add `order <date> signed "<who>"` from the chart.
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

/// A missing `waste` is written by the fix (`waste 0 mg`); whether there was a reaction is a fact of
/// the chart, so no fix writes `reaction none`.
#[test]
fn doc_fixes_write_waste_but_not_reaction() {
    check(
        ocrevus_brief!(
            "  admin ocrelizumab
    dose 600 mg
    route iv
    start 2026-11-20 09:30
    stop 13:05
    vial 50242-0150-01 x2
    waste 0 mg
  line J2350 JZ units 600 dx A
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            7   |   admin ocrelizumab
                |   ^^^^^^^^^^^^^^^^^ warning[doc-reaction-missing]: The administration of ocrelizumab does not say whether there were adverse reactions. Add `reaction none` or `reaction "<what happened>"` as charted.
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
    reaction none
  line J2350 JZ units 600 dx A
  line 96413 units 1 dx A
  line 96415 units 3 dx A
"
        ),
        expect![[r#"
            7   |   admin ocrelizumab
                |   ^^^^^^^^^^^^^^^^^ warning[doc-waste-missing]: ocrelizumab comes from a single-dose container, and the record does not say how much was discarded. JW and JZ attest to it: add `waste <amount>` (`waste 0 mg` when nothing was discarded). The containers opened leave 0 mg: `waste 0 mg`.
                |   fix: Add `waste 0 mg`

            --- after `Add `waste 0 mg``:
            +     waste 0 mg
        "#]],
    );
}

/// An unsigned order, and an order dated after the service (pointing at the service date).
#[test]
fn doc_order_unsigned_and_after_service() {
    check(
        r#"
        claim OCR-2026-0142
          payer medicare
          provider 1234567893
          pos 11
          dx A G35.A
          order 2026-11-01 unsigned
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
            6   |   order 2026-11-01 unsigned
                |                    ^^^^^^^^ error[doc-order-unsigned]: The order is unsigned; an unsigned order does not support the service. Get it signed and write `signed "<who>"`.
        "#]],
    );
    check(
        r#"
        claim OCR-2026-0142
          payer medicare
          provider 1234567893
          pos 11
          dx A G35.A
          order 2026-11-25 signed "R. Patel, MD"
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
            6   |   order 2026-11-25 signed "R. Patel, MD"
                |         ^^^^^^^^^^ error[doc-order-after-service]: The order is dated 2026-11-25, after the date of service 2026-11-20. The order must exist before the drug is given: check the order date.
                |   see line 10: date of service 2026-11-20
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
