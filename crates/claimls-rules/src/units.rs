//! Units: how many units a line bills, and whether the documentation supports them.

use super::context::{
    ClaimCtx, additional_hours, infusion_minutes, plural, presentation_by_ndc, show, units_for,
};
use super::{Edit, Finding};
use crate::declare_rule;
use claimls_data::{AdminRole, CodeKind, InfusionFamily};
use claimls_model::{Decimal, DoseUnit, NdcUnit};

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
    pub UNITS_INVALID = "units-invalid", Units, Error
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
    pub UNITS_DOSE_MISMATCH = "units-dose-mismatch", Units, Error
}

declare_rule! {
    /// ## What it does
    /// Adds up the units of one code on one date of service (JW lines included) and compares them with
    /// the code's practitioner medically-unlikely-edit (MUE) value, when the data has one.
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
    pub UNITS_OVER_MUE = "units-over-mue", Units, Warning
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
    pub DOSE_ATYPICAL = "dose-atypical", Units, Warning
}

declare_rule! {
    /// ## What it does
    /// Compares the infusion administration lines (96365/96366, 96413/96415, 96360/96361) with the
    /// documented `start` and `stop`: the initial code covers the first hour and is billed once; each
    /// additional hour needs **more than 30 minutes** beyond the last full hour.
    ///
    /// ## Why it matters
    /// Add-on hours that the infusion times do not support are overpayments; missing ones leave money
    /// unclaimed. Separate infusions are not summed.
    ///
    /// ## Example
    /// 09:30 to 13:05 is 215 minutes: 96413 ×1 and 96415 ×3. 150 minutes is ×1 add-on, 151 is ×2.
    ///
    /// ## Fix
    /// Set the add-on line's units to the computed hours (or add or remove the add-on line).
    pub ADMIN_TIME_UNITS = "admin-time-units", Units, Warning
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
    pub NDC_QUANTITY = "ndc-quantity", Units, Warning
}

pub fn check(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    units_invalid(ctx, out);
    units_dose_mismatch(ctx, out);
    units_over_mue(ctx, out);
    dose_atypical(ctx, out);
    admin_time_units(ctx, out);
    ndc_quantity(ctx, out);
}

/// The units the line should carry when it bills the administered amount of a drug.
fn expected_given_units(ctx: &ClaimCtx, index: usize) -> Option<Decimal> {
    ctx.drugs
        .iter()
        .find(|u| u.given_lines.len() == 1 && u.given_lines[0] == index)
        .and_then(|u| u.math.as_ref())
        .map(|m| m.given_units)
}

pub fn units_invalid(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for (i, facts) in ctx.lines.iter().enumerate() {
        let line = facts.line;
        let expected = expected_given_units(ctx, i);
        match &line.units {
            None => {
                let mut f = Finding::new(
                    &UNITS_INVALID,
                    line.code.span,
                    format!(
                        "This line has no units. Every claim line needs a whole number of units: write `units <n>` after {}.",
                        line.modifiers.last().map_or(&line.code.value, |m| &m.value)
                    ),
                );
                if let Some(n) = expected {
                    let at = line
                        .modifiers
                        .last()
                        .map_or(line.code.span.end, |m| m.span.end);
                    f = f.fix(
                        format!("Add `units {}`", show(n)),
                        vec![Edit {
                            span: claimls_model::Span::new(at, at),
                            new_text: format!(" units {}", show(n)),
                        }],
                    );
                }
                out.push(f);
            }
            Some(units) => {
                let v = units.value;
                let problem = if v.is_zero() {
                    "zero units"
                } else if v.is_sign_negative() {
                    "negative units"
                } else if !v.fract().is_zero() {
                    "a fraction of a unit"
                } else {
                    continue;
                };
                let mut message = format!(
                    "`units {}` is {problem}: a claim line bills a whole number of units, at least 1.",
                    show(v)
                );
                let mut f_fix = None;
                if let Some(n) = expected {
                    message.push_str(&format!(
                        " The documented dose is {} {}: write `units {}`.",
                        show(n),
                        plural(n, "unit"),
                        show(n)
                    ));
                    f_fix = Some(n);
                } else if v > Decimal::ZERO {
                    message.push_str(" Drug doses round up to the next whole unit.");
                }
                let mut f = Finding::new(&UNITS_INVALID, units.span, message);
                if let Some(n) = f_fix {
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
    }
}

pub fn units_dose_mismatch(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for u in &ctx.drugs {
        let (Some(math), Some(admin)) = (&u.math, u.admin) else {
            continue;
        };
        let lines: Vec<_> = u.given_lines.iter().map(|&i| ctx.lines[i].line).collect();
        let Some(first) = lines.first() else { continue };
        // Only judge when every line has valid units (units-invalid speaks otherwise).
        let Some(billed) = lines
            .iter()
            .map(|l| l.units.as_ref().map(|x| x.value))
            .try_fold(Decimal::ZERO, |acc, v| {
                v.filter(|v| *v > Decimal::ZERO && v.fract().is_zero())
                    .map(|v| acc + v)
            })
        else {
            continue;
        };
        if billed == math.given_units {
            continue;
        }
        let code = &u.code.code;
        let dose_span = admin.dose.as_ref().map_or(admin.header, |d| d.span);
        let sentence = math.given_sentence(code);
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
        let mut f = Finding::new(&UNITS_DOSE_MISMATCH, target, message).related(
            dose_span,
            format!(
                "documented dose: {}",
                admin
                    .dose
                    .as_ref()
                    .map_or(String::new(), |d| d.value.to_string())
            ),
        );
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

pub fn units_over_mue(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    let mut seen: Vec<(String, Option<claimls_model::Date>)> = Vec::new();
    for facts in &ctx.lines {
        let Some(code) = facts.code else { continue };
        let Some(mue) = code.mue else { continue };
        // Units of a wrongly chosen drug code are code-drug-mismatch's finding.
        if super::codes::mismatched_admin(ctx, facts).is_some() {
            continue;
        }
        let key = (code.code.clone(), facts.dos);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let same: Vec<_> = ctx
            .lines
            .iter()
            .filter(|f| f.code.is_some_and(|c| c.code == code.code) && f.dos == facts.dos)
            .collect();
        let total: Decimal = same
            .iter()
            .filter_map(|f| f.line.units.as_ref().map(|u| u.value))
            .filter(|v| *v > Decimal::ZERO)
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
                "{} units of {} on one date of service exceed its medically unlikely edit of {} (practitioner MUE, adjudication indicator {}). Units above the MUE are denied unless the record supports them on appeal: check the dose and the units.",
                show(total),
                code.code,
                mue.value,
                mue.indicator
            ),
        ));
    }
}

pub fn dose_atypical(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for admin in &ctx.claim.admins {
        let Some(dose) = &admin.dose else { continue };
        let codes = ctx.admin_codes(admin);
        let Some(drug) = codes.iter().find_map(|c| c.drug.as_ref()) else {
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

pub fn admin_time_units(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for family in [
        InfusionFamily::Chemotherapy,
        InfusionFamily::Therapeutic,
        InfusionFamily::Hydration,
    ] {
        let role = |facts: &super::context::LineFacts| match facts.code.map(|c| c.kind) {
            Some(CodeKind::Administration(r)) => Some(r),
            _ => None,
        };
        let initial: Vec<_> = ctx
            .lines
            .iter()
            .filter(|f| role(f) == Some(AdminRole::InfusionInitial { family }))
            .collect();
        let additional: Vec<_> = ctx
            .lines
            .iter()
            .filter(|f| role(f) == Some(AdminRole::InfusionAdditional { family }))
            .collect();
        if initial.is_empty() && additional.is_empty() {
            continue;
        }
        // The infusion the codes describe: the first admin with a documented start and stop.
        let Some((admin, minutes)) = ctx
            .claim
            .admins
            .iter()
            .find_map(|a| infusion_minutes(a).map(|m| (a, m)))
        else {
            continue;
        };
        let expected = additional_hours(minutes);
        let stop_span = admin.stop.as_ref().map_or(admin.header, |s| s.span);
        let duration = format!(
            "{minutes} min ({} to {})",
            admin
                .start
                .as_ref()
                .map_or(String::new(), |s| s.value.time.to_string()),
            admin
                .stop
                .as_ref()
                .map_or(String::new(), |s| s.time.value.to_string())
        );
        let Some(first_initial) = initial.first() else {
            let add = additional[0];
            out.push(
                Finding::new(
                    &ADMIN_TIME_UNITS,
                    add.line.code.span,
                    format!(
                        "{} is an add-on hour, but the claim has no initial infusion line for the first hour. Bill the first hour with the initial code, then the add-on hours.",
                        add.line.code.value
                    ),
                )
                .related(stop_span, format!("infusion: {duration}")),
            );
            continue;
        };
        if let Some(units) = &first_initial.line.units
            && units.value > Decimal::ONE
        {
            out.push(
                Finding::new(
                    &ADMIN_TIME_UNITS,
                    units.span,
                    format!(
                        "{} covers the first hour and is billed once; the hours after it go on the add-on code. Write `units 1`.",
                        first_initial.line.code.value
                    ),
                )
                .fix("Set units to 1", vec![Edit { span: units.span, new_text: "1".into() }]),
            );
        }
        let add_code = match family {
            InfusionFamily::Chemotherapy => "96415",
            InfusionFamily::Therapeutic => "96366",
            InfusionFamily::Hydration => "96361",
        };
        let billed: Decimal = additional
            .iter()
            .filter_map(|f| f.line.units.as_ref().map(|u| u.value))
            .sum();
        if billed == Decimal::from(expected) {
            continue;
        }
        let why = format!(
            "The infusion ran {duration}: the first hour is {}, and each additional hour needs more than 30 minutes past the last full hour, so {expected} additional {}",
            first_initial.line.code.value,
            if expected == 1 { "hour" } else { "hours" }
        );
        match additional.as_slice() {
            [] => {
                let dx = first_initial
                    .line
                    .dx
                    .as_ref()
                    .map(|d| {
                        let ptrs: Vec<String> = d
                            .iter()
                            .map(|p| match &p.value {
                                claimls_model::DxPointer::Letter(c) => c.to_string(),
                                claimls_model::DxPointer::Code(c) => c.clone(),
                            })
                            .collect();
                        format!(" dx {}", ptrs.join(","))
                    })
                    .unwrap_or_default();
                let statement = format!("line {add_code} units {expected}{dx}");
                out.push(
                    Finding::new(
                        &ADMIN_TIME_UNITS,
                        first_initial.line.span,
                        format!("{why}. Add `{statement}`."),
                    )
                    .related(stop_span, format!("infusion: {duration}"))
                    .fix(
                        format!("Add `{statement}`"),
                        vec![ctx.insert_line_after(first_initial.line.span, &statement)],
                    ),
                );
            }
            [only] => {
                let span = only.line.units.as_ref().map_or(only.line.span, |u| u.span);
                let mut f = Finding::new(
                    &ADMIN_TIME_UNITS,
                    span,
                    if expected == 0 {
                        format!("{why}: remove the {} line.", only.line.code.value)
                    } else {
                        format!(
                            "{why}, but this line bills {}. Write `units {expected}`.",
                            show(billed)
                        )
                    },
                )
                .related(stop_span, format!("infusion: {duration}"));
                f = if expected == 0 {
                    f.fix(
                        format!("Remove the {} line", only.line.code.value),
                        vec![Edit {
                            span: ctx.whole_lines(only.line.span),
                            new_text: String::new(),
                        }],
                    )
                } else if let Some(u) = &only.line.units {
                    f.fix(
                        format!("Set units to {expected}"),
                        vec![Edit {
                            span: u.span,
                            new_text: expected.to_string(),
                        }],
                    )
                } else {
                    f
                };
                out.push(f);
            }
            many => {
                out.push(
                    Finding::new(
                        &ADMIN_TIME_UNITS,
                        many[0].line.span,
                        format!("{why}, but the add-on lines bill {}. Bill the add-on hours on one line with `units {expected}`.", show(billed)),
                    )
                    .related(stop_span, format!("infusion: {duration}")),
                );
            }
        }
    }
}

pub fn ndc_quantity(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for facts in &ctx.lines {
        if !facts.is_drug() || facts.is_jw() {
            continue;
        }
        let (Some(ndc), Some(admin)) = (&facts.line.ndc, facts.admin) else {
            continue;
        };
        let (Some(qty), Some(unit), Some(digits)) =
            (&ndc.quantity, &ndc.unit, &ndc.ndc.value.digits)
        else {
            continue;
        };
        let Some(dose) = admin.dose.as_ref().map(|d| d.value) else {
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
                "{} from {} containers is {} containers",
                dose, p.amount, expected
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
