//! The payer rules (auth-missing, auth-expired, step-therapy-missing, ndc-missing, charge-below-limit)
//! on the spec examples, with the `claimls.toml` that asks for a payer's requirement beside the claim.

mod support;

use expect_test::expect;
use support::{check, check_toml};

/// Prior authorization for J1745, when `claimls.toml` asks for it: missing, present, not asked for;
/// and an authorization that ended before the date of service (whatever the configuration).
#[test]
fn auth_missing_and_expired() {
    // Acme requires prior authorization for J1745, and the claim has none.
    check_toml(
        r#"
[payers."Acme Health PPO"]
kind = "commercial"
prior-auth = ["J1745"]
"#,
        r#"
        claim IFX-2026-0007
          payer commercial "Acme Health PPO"
          provider 1234567893
          pos 11
          dx A K50.90
          order 2026-10-30 signed "L. Chen, MD"
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
        "#,
        expect![[r#"
            15  |   line J1745 units 35 dx A
                |        ^^^^^ warning[auth-missing]: Acme Health PPO requires prior authorization for J1745, and the claim has none: the line would be denied. Add `auth <number> from <YYYY-MM-DD> to <YYYY-MM-DD>`.
            16  |   line J1745 JW units 5 dx A
                |        ^^^^^ warning[auth-missing]: Acme Health PPO requires prior authorization for J1745, and the claim has none: the line would be denied. Add `auth <number> from <YYYY-MM-DD> to <YYYY-MM-DD>`.
        "#]],
    );
    // The example has it.
    check_toml(
        r#"
[payers."Acme Health PPO"]
kind = "commercial"
prior-auth = ["J1745"]
"#,
        r#"
        claim IFX-2026-0007
          payer commercial "Acme Health PPO"
          provider 1234567893
          pos 11
          dx A K50.90
          order 2026-10-30 signed "L. Chen, MD"
          auth PA-20261101-77 from 2026-11-01 to 2027-04-30
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
        "#,
        expect![[r#"
            (no findings)
        "#]],
    );
    // Without the requirement, no authorization is needed.
    check(
        r#"
        claim IFX-2026-0007
          payer commercial "Acme Health PPO"
          provider 1234567893
          pos 11
          dx A K50.90
          order 2026-10-30 signed "L. Chen, MD"
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
        "#,
        expect![[r#"
            (no findings)
        "#]],
    );
    // An authorization that ended before the service.
    check(
        r#"
        claim IFX-2026-0007
          payer commercial "Acme Health PPO"
          provider 1234567893
          pos 11
          dx A K50.90
          order 2026-10-30 signed "L. Chen, MD"
          auth PA-20261101-77 from 2026-11-01 to 2026-11-10
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
        "#,
        expect![[r#"
            7   |   auth PA-20261101-77 from 2026-11-01 to 2026-11-10
                |   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[auth-expired]: The date of service 2026-11-12 is outside the authorization PA-20261101-77 (2026-11-01 to 2026-11-10); the lines would be denied as unauthorized. Check the dates or obtain a new authorization.
                |   see line 16: line on 2026-11-12
        "#]],
    );
    // The example without the change: quiet.
    check(
        r#"
        claim IFX-2026-0007
          payer commercial "Acme Health PPO"
          provider 1234567893
          pos 11
          dx A K50.90
          order 2026-10-30 signed "L. Chen, MD"
          auth PA-20261101-77 from 2026-11-01 to 2027-04-30
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
        "#,
        expect![[r#"
            (no findings)
        "#]],
    );
}

/// Step therapy for J1745, when `claimls.toml` asks for it: no `history`, then a failed earlier drug.
#[test]
fn step_therapy_missing() {
    // Acme requires step therapy for J1745, and the claim documents none.
    check_toml(
        r#"
[payers."Acme Health PPO"]
kind = "commercial"
step-therapy = ["J1745"]
"#,
        r#"
        claim IFX-2026-0007
          payer commercial "Acme Health PPO"
          provider 1234567893
          pos 11
          dx A K50.90
          order 2026-10-30 signed "L. Chen, MD"
          auth PA-20261101-77 from 2026-11-01 to 2027-04-30
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
        "#,
        expect![[r#"
            16  |   line J1745 units 35 dx A
                |        ^^^^^ warning[step-therapy-missing]: Acme Health PPO requires documented prior treatments (step therapy) for J1745, and the claim has no `history`. Add `history "<prior treatment>" failed <date>` (or intolerant, contraindicated, stopped).
            17  |   line J1745 JW units 5 dx A
                |        ^^^^^ warning[step-therapy-missing]: Acme Health PPO requires documented prior treatments (step therapy) for J1745, and the claim has no `history`. Add `history "<prior treatment>" failed <date>` (or intolerant, contraindicated, stopped).
        "#]],
    );
    // A failed earlier drug satisfies it.
    check_toml(
        r#"
[payers."Acme Health PPO"]
kind = "commercial"
step-therapy = ["J1745"]
"#,
        r#"
        claim IFX-2026-0007
          payer commercial "Acme Health PPO"
          provider 1234567893
          pos 11
          dx A K50.90
          order 2026-10-30 signed "L. Chen, MD"
          history "adalimumab" failed 2026-03-01
          auth PA-20261101-77 from 2026-11-01 to 2027-04-30
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
        "#,
        expect![[r#"
            (no findings)
        "#]],
    );
}

/// Medicaid requires the NDC on a drug line (an error); the fix writes the vial's NDC and quantity.
#[test]
fn ndc_missing_for_medicaid() {
    check(
        r#"
        claim OCR-2026-0142
          payer medicaid
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
            15  |   line J2350 JZ units 600 dx A
                |        ^^^^^ error[ndc-missing]: Medicaid requires the NDC on drug lines (for drug rebates); this J2350 line has none. Add `ndc <11-digit NDC> <quantity> ML` from the vial used. The record's vial gives `ndc 50242-0150-01 20 ML`.
                |   fix: Add `ndc 50242-0150-01 20 ML`

            --- after `Add `ndc 50242-0150-01 20 ML``:
            -   line J2350 JZ units 600 dx A
            +   line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML
        "#]],
    );
    // Medicare does not ask for it.
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

/// The embedded data has no ASP pricing, so the rule stays quiet (it is made to fire with imported
/// data in crates/claimls/tests/import_store.rs).
#[test]
fn charge_below_limit_needs_asp_data() {
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
          line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML charge 100.00
          line 96413 units 1 dx A
          line 96415 units 3 dx A
        "#,
        expect![[r#"
            (no findings)
        "#]],
    );
}
