//! Units: how many units a line bills, and whether the documentation supports them.

use crate::context::{ClaimCtx, count, presentation_by_ndc, show, units_for};
use crate::{Edit, Finding, declare_rule};
use claimls_model::{Decimal, DoseUnit, NdcUnit, Span};

declare_rule! {
    /// ## What it does
    /// Flags a line whose `units` is missing, zero, negative or not a whole number.
    ///
    /// ## Why it matters
    /// The units field of a CMS-1500 / 837P line is a whole count; a claim line without one is rejected
    /// as unprocessable.
    ///
    /// ## Example
    /// `line J2350 JZ units 600.5` fires; `line J2350 JZ units 600` does not.
    ///
    /// ## Fix
    /// Write the whole number of units. For a drug line with a documented dose the fix sets the units the
    /// dose calls for.
    pub UNITS_INVALID = "units-invalid", Units, Error, check: units_invalid
}

declare_rule! {
    /// ## What it does
    /// Compares a drug line's units with the documented dose divided by the code's billing unit, rounded
    /// **up** (a dose under one unit is 1 unit). Converts between mg, mcg and g.
    ///
    /// ## Why it matters
    /// Drugs are billed in multiples of the dose in the HCPCS long descriptor, rounded up to the next unit
    /// (IOM 100-04 ch. 17; CMS RAC issue 0074). Too many units is an overpayment an auditor recovers; too
    /// few leaves money unclaimed.
    ///
    /// ## Example
    /// Infliximab (J1745, 10 mg per unit), `dose 350 mg`: `line J1745 units 30` fires — 350 mg is 35
    /// units. `line J1745 units 35` does not. Edaravone (J1301, 1 mg) 60 mg is 60 units.
    ///
    /// ## Fix
    /// Set `units` to the computed value.
    pub UNITS_DOSE_MISMATCH = "units-dose-mismatch", Units, Error, check: units_dose_mismatch
}

declare_rule! {
    /// ## What it does
    /// Adds up the units of one code on one date of service (JW lines included) and compares them with
    /// the code's practitioner medically-unlikely-edit (MUE) value, when the data has one. Only whole
    /// units of at least 1 count: a line with `units 600.5` or `units 0` is units-invalid's finding,
    /// and its fix sets the units the MUE then judges.
    ///
    /// ## Why it matters
    /// Units above the MUE are denied for the line or the date of service (adjudication indicator 2 or
    /// 3) unless the record supports an exception on appeal.
    ///
    /// ## Example
    /// J2350 has an MUE of 600: `line J2350 JZ units 900` fires.
    ///
    /// ## Fix
    /// Check the dose and the units; bill only what the record supports.
    pub UNITS_OVER_MUE = "units-over-mue", Units, Warning, check: units_over_mue
}

declare_rule! {
    /// ## What it does
    /// Flags a documented dose that is not one of the labelled doses of the drug (where the data lists
    /// labelled doses — fixed-dose drugs, not weight-based ones).
    ///
    /// ## Why it matters
    /// An unusual dose draws medical review; often it is a typo in the dose or a units mix-up.
    ///
    /// ## Example
    /// Ocrelizumab IV is given as 300 mg (first two doses) or 600 mg: `dose 500 mg` fires.
    ///
    /// ## Fix
    /// Check the dose against the chart and the order.
    pub DOSE_ATYPICAL = "dose-atypical", Units, Warning, check: dose_atypical
}

declare_rule! {
    /// ## What it does
    /// Compares the NDC quantity of a line with the dose and the product's size: milliliters for `ML`,
    /// containers for `UN`, milligrams for `ME`, grams for `GR`.
    ///
    /// ## Why it matters
    /// Payers that price or rebate by NDC (Medicaid) reject or re-price lines whose NDC quantity does not
    /// match the HCPCS units.
    ///
    /// ## Example
    /// 600 mg of Ocrevus (300 mg/10 mL) is `ndc 50242-0150-01 20 ML`; `… 10 ML` fires.
    ///
    /// ## Fix
    /// Set the NDC quantity to the computed value.
    pub NDC_QUANTITY = "ndc-quantity", Units, Warning, check: ndc_quantity
}

/// Whether `units` are what a claim line can bill: a whole number, at least 1. Everything else is
/// units-invalid's finding, and the rules that add units up wait for it to be corrected.
fn billable(units: Decimal) -> bool {
    units >= Decimal::ONE && units.fract().is_zero()
}

/// The units the line should carry when it is the one line billing the administered amount of a drug.
fn expected_given_units(ctx: &ClaimCtx, index: usize) -> Option<Decimal> {
    ctx.drugs
        .iter()
        .find(|u| u.given_lines == [index])
        .and_then(|u| u.math.as_ref())
        .map(|m| m.given_units)
}

fn units_invalid(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for (i, facts) in ctx.lines.iter().enumerate() {
        let line = facts.line;
        let expected = expected_given_units(ctx, i);
        let Some(units) = &line.units else {
            let after = line.modifiers.last().map_or(&line.code, |m| m);
            let mut f = Finding::new(
                &UNITS_INVALID,
                line.code.span,
                format!(
                    "This line has no units. Every claim line needs a whole number of units: write `units <n>` after {}.",
                    after.value
                ),
            );
            if let Some(n) = expected {
                let at = after.span.end;
                f = f.fix(
                    format!("Add `units {}`", show(n)),
                    vec![Edit {
                        span: Span::new(at, at),
                        new_text: format!(" units {}", show(n)),
                    }],
                );
            }
            out.push(f);
            continue;
        };
        let v = units.value;
        if billable(v) {
            continue;
        }
        let problem = if v.is_zero() {
            "zero units"
        } else if v.is_sign_negative() {
            "negative units"
        } else {
            "a fraction of a unit"
        };
        let mut message = format!(
            "`units {}` is {problem}: a claim line bills a whole number of units, at least 1.",
            show(v)
        );
        match expected {
            Some(n) => message.push_str(&format!(
                " The documented dose is {}: write `units {}`.",
                count(n, "unit"),
                show(n)
            )),
            None if v > Decimal::ZERO => {
                message.push_str(" Drug doses round up to the next whole unit.")
            }
            None => {}
        }
        let mut f = Finding::new(&UNITS_INVALID, units.span, message);
        if let Some(n) = expected {
            f = f.fix(
                format!("Set units to {}", show(n)),
                vec![Edit {
                    span: units.span,
                    new_text: show(n),
                }],
            );
        }
        out.push(f);
    }
}

fn units_dose_mismatch(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for u in &ctx.drugs {
        // Only a drug use with a documented administration has a dose to bill.
        let Some(math) = u.math.as_ref().filter(|_| !u.administrations.is_empty()) else {
            continue;
        };
        let lines: Vec<_> = u.given_lines.iter().map(|&i| ctx.lines[i].line).collect();
        let Some(first) = lines.first() else { continue };
        // Only judge when every line has valid units (units-invalid speaks otherwise).
        let Some(billed) = lines
            .iter()
            .map(|l| l.units.as_ref().map(|x| x.value))
            .try_fold(Decimal::ZERO, |acc, v| {
                v.filter(|v| billable(*v)).map(|v| acc + v)
            })
        else {
            continue;
        };
        if billed == math.given_units {
            continue;
        }
        let sentence = math.given_sentence(&u.code.code);
        let target = first.units.as_ref().map_or(first.span, |x| x.span);
        let message = if lines.len() == 1 {
            format!(
                "{sentence}, but this line has {}. Write `units {}`.",
                show(billed),
                show(math.given_units)
            )
        } else {
            format!(
                "{sentence}, but its {} lines add up to {}. Make them add up to {}.",
                lines.len(),
                show(billed),
                show(math.given_units)
            )
        };
        let mut f = Finding::new(&UNITS_DOSE_MISMATCH, target, message);
        for &a in &u.administrations {
            let record = ctx.administrations[a].admin;
            let span = record.dose.as_ref().map_or(record.header, |d| d.span);
            let dose = record
                .dose
                .as_ref()
                .map_or(String::new(), |d| d.value.to_string());
            f = f.related(span, format!("documented dose: {dose}"));
        }
        if lines.len() == 1
            && let Some(units) = &first.units
        {
            f = f.fix(
                format!("Set units to {}", show(math.given_units)),
                vec![Edit {
                    span: units.span,
                    new_text: show(math.given_units),
                }],
            );
        }
        out.push(f);
    }
}

fn units_over_mue(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    let mut seen: Vec<(&str, Option<claimls_model::Date>)> = Vec::new();
    for facts in &ctx.lines {
        let Some(code) = facts.code else { continue };
        let Some(mue) = code.mue else { continue };
        // Units of a wrongly chosen drug code are code-drug-mismatch's finding.
        if facts.mismatch.is_some() {
            continue;
        }
        let key = (code.code.as_str(), facts.dos);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let total: Decimal = ctx
            .lines
            .iter()
            .filter(|f| f.code.is_some_and(|c| c.code == code.code) && f.dos == facts.dos)
            .filter_map(|f| f.line.units.as_ref().map(|u| u.value))
            .filter(|v| billable(*v))
            .sum();
        if total <= Decimal::from(mue.value) {
            continue;
        }
        let span = facts
            .line
            .units
            .as_ref()
            .map_or(facts.line.span, |u| u.span);
        out.push(Finding::new(
            &UNITS_OVER_MUE,
            span,
            format!(
                "{} of {} on one date of service: more than its medically unlikely edit of {} (practitioner MUE, adjudication indicator {}). Units above the MUE are denied unless the record supports them on appeal: check the dose and the units.",
                count(total, "unit"),
                code.code,
                mue.value,
                mue.indicator
            ),
        ));
    }
}

fn dose_atypical(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for a in &ctx.administrations {
        let Some(dose) = &a.admin.dose else { continue };
        let Some(drug) = a.codes.iter().find_map(|c| c.drug.as_ref()) else {
            continue;
        };
        if drug.labelled_doses.is_empty() {
            continue;
        }
        let matches = drug.labelled_doses.iter().any(|l| {
            dose.value
                .to_unit(l.unit)
                .is_some_and(|d| d.amount == l.amount)
        });
        if matches {
            continue;
        }
        let listed: Vec<String> = drug.labelled_doses.iter().map(|d| d.to_string()).collect();
        out.push(Finding::new(
            &DOSE_ATYPICAL,
            dose.span,
            format!(
                "{} is not a labelled dose of {} ({}). An unusual dose draws medical review: check the dose against the chart and the order.",
                dose.value,
                drug.generic,
                listed.join(" or ")
            ),
        ));
    }
}

fn ndc_quantity(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for (i, facts) in ctx.lines.iter().enumerate() {
        if !facts.is_drug() || facts.is_jw() {
            continue;
        }
        let Some(ndc) = &facts.line.ndc else { continue };
        let (Some(qty), Some(unit), Some(digits)) =
            (&ndc.quantity, &ndc.unit, &ndc.ndc.value.digits)
        else {
            continue;
        };
        // The dose this line bills: the drug's documented dose on its date, when this is its one line.
        let Some(u) = ctx.drug_use_of(i).filter(|u| u.given_lines == [i]) else {
            continue;
        };
        let Some(dose) = u.math.as_ref().map(|m| m.dose) else {
            continue;
        };
        let drug = facts.code.and_then(|c| c.drug.as_ref());
        let Some(p) = presentation_by_ndc(drug, ctx.data, digits) else {
            continue;
        };
        let expected = match unit.value {
            NdcUnit::Ml => p.volume.and_then(|v| {
                let ratio = dose.ratio(p.amount)?;
                Some((ratio * v.to_unit(DoseUnit::Ml)?.amount).normalize())
            }),
            NdcUnit::Un => units_for(dose, p.amount),
            NdcUnit::Me => dose.to_unit(DoseUnit::Mg).map(|q| q.amount.normalize()),
            NdcUnit::Gr => dose.to_unit(DoseUnit::G).map(|q| q.amount.normalize()),
            NdcUnit::F2 => (dose.unit == DoseUnit::Units).then_some(dose.amount),
        };
        let Some(expected) = expected else { continue };
        // NDC quantities carry up to three decimals.
        let expected = expected.round_dp(3).normalize();
        if qty.value.normalize() == expected {
            continue;
        }
        let basis = match unit.value {
            NdcUnit::Ml => format!(
                "{} of a {}/{} product is {} mL",
                dose,
                p.amount,
                p.volume.map_or(String::new(), |v| v.to_string()),
                expected
            ),
            NdcUnit::Un => format!(
                "{} from {} containers is {}",
                dose,
                p.amount,
                count(expected, "container")
            ),
            _ => format!("{dose} is {expected} {}", unit.value.as_str()),
        };
        out.push(
            Finding::new(
                &NDC_QUANTITY,
                qty.span,
                format!(
                    "{basis}, but the NDC quantity is {} {}. Write `{} {}`.",
                    show(qty.value),
                    unit.value.as_str(),
                    expected,
                    unit.value.as_str()
                ),
            )
            .fix(
                format!("Set the NDC quantity to {expected}"),
                vec![Edit {
                    span: qty.span,
                    new_text: expected.to_string(),
                }],
            ),
        );
    }
}
