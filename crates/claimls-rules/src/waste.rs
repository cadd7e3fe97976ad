//! Waste: JW and JZ lines for drugs from single-dose containers.
//!
//! The arithmetic (rules.md *Waste*), for one drug on one date of service with `u` its billing unit,
//! over every administration of that drug on that date: *opened* = the containers opened (or dose +
//! documented waste when none are listed); *administered units* = dose ÷ u rounded up; *billable
//! waste* = opened − administered units × u; *JW units* = billable waste ÷ u rounded down. It lives in
//! [`crate::context::WasteMath`].

use crate::context::{ClaimCtx, ContainerKind, DrugUse, WasteMath, count, dx_clause, show};
use crate::{Edit, Finding, declare_rule};
use claimls_data::Container;
use claimls_model::{Date, Decimal, Line, PayerKind, Quantity, Span};

declare_rule! {
    /// ## What it does
    /// Flags a drug from a single-dose container whose billable waste is one billing unit or more, billed
    /// without a JW line. Quiet while the record's documented waste contradicts its containers (`waste
    /// 0 mg` with more opened than given): `waste-vial-arithmetic` asks for the record to be corrected
    /// first, and a JW line would bill waste the chart does not document.
    ///
    /// ## Why it matters
    /// Medicare requires the discarded amount on its own line with JW (IOM 100-04 ch. 17 §40); claims
    /// without it are returned, and the discarded drug is not paid.
    ///
    /// ## Example
    /// 350 mg infliximab (J1745, 10 mg) from four 100 mg vials: 35 units given, 50 mg discarded.
    /// `line J1745 units 35` alone fires; adding `line J1745 JW units 5` clears it.
    ///
    /// ## Fix
    /// Insert `line J1745 JW units 5` after the administered line.
    pub WASTE_JW_MISSING = "waste-jw-missing", Waste, Error, check: waste_jw_missing
}

declare_rule! {
    /// ## What it does
    /// Compares a JW line's units with the billable waste divided by the billing unit, rounded **down**.
    ///
    /// ## Why it matters
    /// The administered amount rounds up and the discarded amount rounds down, so no unit is billed twice
    /// (ACR guidance; Noridian). A JW line that counts more is an overpayment.
    ///
    /// ## Example
    /// 77 mg from a 100 mg single-dose vial of a 10 mg-per-unit drug: 8 units given, 20 mg billable waste,
    /// JW 2 units. `line … JW units 3` fires.
    ///
    /// ## Fix
    /// Set the JW line's units to the computed value.
    pub WASTE_JW_UNITS = "waste-jw-units", Waste, Error, check: waste_jw_units
}

declare_rule! {
    /// ## What it does
    /// Flags a JW line where there is no billable waste — the rounded-up administered units already cover
    /// the container — or where the drug came from a multi-dose container.
    ///
    /// ## Why it matters
    /// JW pays for discarded drug from single-dose containers only. When the administered units already
    /// cover the vial (70 mg from a 100 mg vial of a 100 mg-per-unit drug is 1 unit), a JW line bills the
    /// same drug twice.
    ///
    /// ## Example
    /// `dose 70 mg`, `vial 100 mg x1`, billing unit 100 mg: `line … JW units 1` fires.
    ///
    /// ## Fix
    /// Remove the JW line (and write JZ on the administered line where the payer requires it).
    pub WASTE_JW_NOT_ALLOWED = "waste-jw-not-allowed", Waste, Error, check: waste_jw_not_allowed
}

declare_rule! {
    /// ## What it does
    /// Flags a JW line with no line for the administered amount of the same code.
    ///
    /// ## Why it matters
    /// The JW line bills only what was discarded; without the administered line the given drug is not
    /// billed and the waste line is denied.
    ///
    /// ## Example
    /// `line J1745 JW units 5` alone fires; add `line J1745 units 35`.
    ///
    /// ## Fix
    /// Insert the administered line with its computed units.
    pub WASTE_JW_ONLY = "waste-jw-only", Waste, Error, check: waste_jw_only
}

declare_rule! {
    /// ## What it does
    /// Flags the administered line of a single-dose-container drug with no billable waste that lacks the
    /// JZ modifier. Payer-dependent: an error for Medicare (required from 2023-07-01), a warning for
    /// Medicare Advantage and Medicaid, off for commercial payers unless `claimls.toml` turns it on.
    ///
    /// ## Why it matters
    /// Medicare returns single-dose-container drug claims with neither JW nor JZ as unprocessable
    /// (from 2023-10-01).
    ///
    /// ## Example
    /// Ocrelizumab 600 mg from two 300 mg vials: `line J2350 units 600` fires; `line J2350 JZ units 600`
    /// does not.
    ///
    /// ## Fix
    /// Add JZ after the code.
    pub WASTE_JZ_MISSING = "waste-jz-missing", Waste, Error, payer_dependent, check: waste_jz_missing
}

declare_rule! {
    /// ## What it does
    /// Flags JW and JZ on one line, and JZ on a line while there is billable waste of a unit or more.
    ///
    /// ## Why it matters
    /// JZ attests that nothing was discarded. With billable waste the attestation is false, and the waste
    /// belongs on a JW line.
    ///
    /// ## Example
    /// 350 mg from four 100 mg vials of J1745: `line J1745 JZ units 35` fires.
    ///
    /// ## Fix
    /// Remove JZ (and add the JW line).
    pub WASTE_JW_JZ_CONFLICT = "waste-jw-jz-conflict", Waste, Error, check: waste_jw_jz_conflict
}

declare_rule! {
    /// ## What it does
    /// Flags a JW line whose `admin` has no `waste` statement for the discarded amount.
    ///
    /// ## Why it matters
    /// The discarded amount must be documented in the medical record; an auditor recovers undocumented
    /// JW units.
    ///
    /// ## Example
    /// `line J1745 JW units 5` with no `waste 50 mg` under `admin infliximab` fires.
    ///
    /// ## Fix
    /// Add `waste <amount>` (with witness or evidence where the payer wants them) to the admin record.
    pub WASTE_UNDOCUMENTED = "waste-undocumented", Waste, Error, check: waste_undocumented
}

declare_rule! {
    /// ## What it does
    /// Checks that the containers opened add up to the dose plus the documented waste.
    ///
    /// ## Why it matters
    /// Auditors reconcile vials against dose and waste; a gap means either the dose, the vial count or the
    /// waste entry is wrong, and the billed units follow from them.
    ///
    /// ## Example
    /// `vial 50242-0150-01 x2` (2 × 300 mg), `dose 600 mg`, `waste 40 mg`: 600 mg opened but 640 mg
    /// accounted for.
    ///
    /// ## Fix
    /// Correct the dose, the vial count or the waste amount to match the chart.
    pub WASTE_VIAL_ARITHMETIC = "waste-vial-arithmetic", Waste, Warning, check: waste_vial_arithmetic
}

declare_rule! {
    /// ## What it does
    /// Flags discarded drug documented without a witness or evidence when the payer requires one
    /// (payer-dependent: set `waste-witness-required` / `waste-evidence-required` in `claimls.toml`).
    ///
    /// ## Why it matters
    /// Some commercial payers pay JW units only with a witnessed waste or a wastage-log reference.
    ///
    /// ## Example
    /// `waste 50 mg` fires for such a payer; `waste 50 mg witness "K. Ortiz, RN"` does not.
    ///
    /// ## Fix
    /// Add `witness "<who>"` or `evidence "<ref>"` to the `waste` statement.
    pub WASTE_EVIDENCE_MISSING = "waste-evidence-missing", Waste, Warning, payer_dependent, check: waste_evidence_missing
}

declare_rule! {
    /// ## What it does
    /// Notes when a smaller combination of the drug's single-dose container sizes would have covered the
    /// dose with less waste.
    ///
    /// ## Why it matters
    /// Payers (and CMS's JW/JZ refund program) watch avoidable waste; choosing vials well saves money.
    ///
    /// ## Example
    /// 150 mg of a drug sold in 100 mg and 50 mg vials, given from two 100 mg vials: one 100 mg and one
    /// 50 mg vial would have covered it with no waste.
    ///
    /// ## Fix
    /// None for this claim; a note for the next preparation.
    pub WASTE_AVOIDABLE = "waste-avoidable", Waste, Information, check: waste_avoidable
}

/// The drug uses the waste rules judge, with their arithmetic.
fn with_math<'c, 'a>(
    ctx: &'c ClaimCtx<'a>,
) -> impl Iterator<Item = (&'c DrugUse<'a>, &'c WasteMath)> {
    ctx.drugs
        .iter()
        .filter_map(|u| u.math.as_ref().map(|m| (u, m)))
}

/// The text of a new line that repeats `like`'s dx and date clauses.
fn statement_like(like: &Line, code: &str, modifiers: &str, units: Decimal) -> String {
    let mut s = format!("line {code}");
    if !modifiers.is_empty() {
        s.push(' ');
        s.push_str(modifiers);
    }
    s.push_str(&format!(" units {}", show(units)));
    s.push_str(&dx_clause(like));
    if let Some(on) = &like.on {
        s.push_str(&format!(" on {}", on.value));
    }
    s
}

fn jw_sentence(u: &DrugUse, math: &WasteMath) -> String {
    let (Some(waste), Some(jw)) = (math.billable_waste, math.jw_units) else {
        return String::new();
    };
    format!(
        "{}; {} leaves {} of billable waste = {} JW",
        math.given_sentence(&u.code.code),
        math.opened_text(),
        waste,
        count(jw, "unit")
    )
}

fn waste_jw_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for (u, math) in with_math(ctx) {
        if math.container != ContainerKind::SingleDose || !u.jw_lines.is_empty() {
            continue;
        }
        // `waste 0 mg` with more opened than given: a JW line would bill waste the record denies.
        if math.record_disagrees() {
            continue;
        }
        let Some(jw) = math.jw_units.filter(|j| *j >= Decimal::ONE) else {
            continue;
        };
        let Some(&given) = u.given_lines.last() else {
            continue;
        };
        let given = ctx.lines[given].line;
        let statement = statement_like(given, &u.code.code, "JW", jw);
        let mut f = Finding::new(
            &WASTE_JW_MISSING,
            given.span,
            format!(
                "{}. Discarded drug from a single-dose container is billed on its own JW line: add `{statement}`.",
                jw_sentence(u, math)
            ),
        )
        .fix(
            format!("Add `{statement}`"),
            vec![ctx.insert_line_after(given.span, &statement)],
        );
        if let Some(a) = ctx.first_admin(u) {
            f = f.related(
                a.header,
                format!("administration record of {}", a.drug.value),
            );
        }
        out.push(f);
    }
}

fn waste_jw_units(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for (u, math) in with_math(ctx) {
        if math.container == ContainerKind::MultiDose || math.record_disagrees() {
            continue;
        }
        let Some(jw) = math.jw_units.filter(|j| *j >= Decimal::ONE) else {
            continue;
        };
        let [only] = u.jw_lines.as_slice() else {
            continue;
        };
        let Some(units) = &ctx.lines[*only].line.units else {
            continue;
        };
        if units.value == jw || units.value <= Decimal::ZERO {
            continue;
        }
        out.push(
            Finding::new(
                &WASTE_JW_UNITS,
                units.span,
                format!(
                    "{}, but this JW line has {}. The administered amount rounds up and the waste rounds down, so no unit is billed twice: write `units {}`.",
                    jw_sentence(u, math),
                    show(units.value),
                    show(jw)
                ),
            )
            .fix(
                format!("Set JW units to {}", show(jw)),
                vec![Edit {
                    span: units.span,
                    new_text: show(jw),
                }],
            ),
        );
    }
}

fn waste_jw_not_allowed(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for (u, math) in with_math(ctx) {
        for &i in &u.jw_lines {
            let l = ctx.lines[i].line;
            let reason = if math.container == ContainerKind::MultiDose {
                format!(
                    "{} came from a multi-dose container: JW applies only to single-dose containers, and what remains in a multi-dose vial is not waste.",
                    u.code.code
                )
            } else if math.jw_units == Some(Decimal::ZERO) {
                match &math.opened {
                    Some((opened, _)) => format!(
                        "{}, which already covers the {opened} opened: there is no billable waste, and a JW line would bill the same drug twice.",
                        math.given_sentence(&u.code.code)
                    ),
                    None => continue,
                }
            } else {
                continue;
            };
            let jz = if ctx.profile.jz_required.is_some()
                && math.container != ContainerKind::MultiDose
            {
                " and write JZ on the administered line"
            } else {
                ""
            };
            out.push(
                Finding::new(
                    &WASTE_JW_NOT_ALLOWED,
                    l.span,
                    format!("{reason} Remove this line{jz}."),
                )
                .fix("Remove the JW line", vec![ctx.remove_statement(l.span)]),
            );
        }
    }
}

fn waste_jw_only(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for u in &ctx.drugs {
        if u.jw_lines.is_empty() || !u.given_lines.is_empty() {
            continue;
        }
        let jw_line = ctx.lines[u.jw_lines[0]].line;
        let mut f = Finding::new(
            &WASTE_JW_ONLY,
            jw_line.span,
            format!(
                "This JW line bills only the discarded {}; the administered amount needs its own line of {} without JW.",
                u.code.code, u.code.code
            ),
        );
        if let Some(m) = &u.math {
            let mods: Vec<&str> = jw_line
                .modifiers
                .iter()
                .map(|m| m.value.as_str())
                .filter(|m| *m != "JW")
                .collect();
            let statement = statement_like(jw_line, &u.code.code, &mods.join(" "), m.given_units);
            f.message = format!("{} Add `{statement}`.", f.message);
            let at = ctx.line_start(jw_line.span.start);
            let indent = ctx.indent_at(jw_line.span.start);
            f = f.fix(
                format!("Add `{statement}`"),
                vec![Edit {
                    span: Span::new(at, at),
                    new_text: format!("{indent}{statement}{}", ctx.newline()),
                }],
            );
        }
        out.push(f);
    }
}

/// JZ is required from this date of service (IOM 100-04 ch. 17 §40).
fn jz_required_from() -> Date {
    Date {
        year: 2023,
        month: 7,
        day: 1,
    }
}

/// Who requires JZ, in the message: Medicare by rule; other payers as their profile says (facts §5:
/// a Medicare Advantage or Medicaid requirement is the plan's, not verified).
fn jz_requirement(ctx: &ClaimCtx) -> String {
    match ctx.profile.kind {
        PayerKind::Medicare => "Medicare requires JZ on the line then, and returns a claim with neither JW nor JZ".into(),
        PayerKind::MedicareAdvantage => "Medicare requires JZ on the line then; Medicare Advantage plans decide for themselves whether they do (payer-dependent), and many follow Medicare".into(),
        PayerKind::Medicaid => "Medicare requires JZ on the line then; this Medicaid program's profile asks for it too (payer-dependent)".into(),
        PayerKind::Commercial => format!("{} requires JZ on the line then (its payer profile)", ctx.profile.name),
    }
}

fn waste_jz_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    let Some(severity) = ctx.profile.jz_required else {
        return;
    };
    for (u, math) in with_math(ctx) {
        if math.container != ContainerKind::SingleDose || math.jw_units != Some(Decimal::ZERO) {
            continue;
        }
        // Waste documented but none billable: the record contradicts itself (waste-vial-arithmetic
        // says so); JZ would attest that nothing was discarded.
        if math
            .documented_waste
            .is_some_and(|w| w.amount > Decimal::ZERO)
        {
            continue;
        }
        if u.dos.is_some_and(|d| d < jz_required_from()) {
            continue;
        }
        for &i in &u.given_lines {
            let l = ctx.lines[i].line;
            if l.has_modifier("JZ") || l.has_modifier("JW") {
                continue;
            }
            let at = l.code.span.end;
            let covered = math.opened.as_ref().map_or(String::new(), |(opened, how)| {
                format!(" cover the {opened} opened ({how})")
            });
            out.push(
                Finding::new(
                    &WASTE_JZ_MISSING,
                    l.code.span,
                    format!(
                        "{code} is a single-dose-container drug, and its {units} ({dose} at {per} per unit){covered}: nothing billable was discarded. {who}: write `{code} JZ`.",
                        code = u.code.code,
                        units = count(math.given_units, "unit"),
                        dose = math.dose,
                        per = math.unit,
                        who = jz_requirement(ctx),
                    ),
                )
                .severity(severity)
                .fix(
                    "Add JZ",
                    vec![Edit {
                        span: Span::new(at, at),
                        new_text: " JZ".into(),
                    }],
                ),
            );
        }
    }
}

fn waste_jw_jz_conflict(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for u in &ctx.drugs {
        // JW and JZ together on one line: a contradiction whatever the arithmetic.
        for &i in &u.jw_lines {
            let l = ctx.lines[i].line;
            if let Some(jz) = l.modifiers.iter().find(|m| m.value == "JZ") {
                out.push(
                    Finding::new(
                        &WASTE_JW_JZ_CONFLICT,
                        jz.span,
                        "JW (drug discarded) and JZ (nothing discarded) contradict each other on one line. The JW line bills the waste; remove JZ here.",
                    )
                    .fix("Remove JZ", vec![ctx.remove_modifier(jz.span)]),
                );
            }
        }
        // JZ on the administered line while the arithmetic leaves billable waste.
        let Some(math) = &u.math else { continue };
        let Some(jw) = math.jw_units.filter(|j| *j >= Decimal::ONE) else {
            continue;
        };
        // JZ agrees with a record that documents no waste; when the containers say otherwise the
        // record is what is wrong (waste-vial-arithmetic), not the modifier.
        if math.container == ContainerKind::MultiDose || math.record_disagrees() {
            continue;
        }
        for &i in &u.given_lines {
            let l = ctx.lines[i].line;
            let Some(jz) = l.modifiers.iter().find(|m| m.value == "JZ") else {
                continue;
            };
            let related = ctx.first_admin(u).map_or(l.span, |a| a.header);
            out.push(
                Finding::new(
                    &WASTE_JW_JZ_CONFLICT,
                    jz.span,
                    format!(
                        "JZ says nothing was discarded, but {} leaves {} of billable waste ({} JW). Remove JZ and bill the waste on a JW line.",
                        math.opened_text(),
                        math.billable_waste.map_or(String::new(), |w| w.to_string()),
                        count(jw, "unit")
                    ),
                )
                .related(related, format!("{} of billable waste", count(jw, "JW unit")))
                .fix("Remove JZ", vec![ctx.remove_modifier(jz.span)]),
            );
        }
    }
}

fn waste_undocumented(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for u in &ctx.drugs {
        if u.jw_lines.is_empty() {
            continue;
        }
        let Some(admin) = ctx.first_admin(u) else {
            continue;
        };
        let documented = u.administrations.iter().any(|&a| {
            ctx.administrations[a]
                .admin
                .wastes
                .iter()
                .any(|w| w.amount.value.amount > Decimal::ZERO)
        });
        if documented {
            continue;
        }
        let jw_line = ctx.lines[u.jw_lines[0]].line;
        let amount = u
            .math
            .as_ref()
            .and_then(|m| m.billable_waste)
            .filter(|w| w.amount > Decimal::ZERO);
        let drug = &admin.drug.value;
        let what = match amount {
            Some(w) => format!("add `waste {w}` under `admin {drug}`"),
            None => format!("add `waste <amount> <unit>` under `admin {drug}` as charted"),
        };
        let mut f = Finding::new(
            &WASTE_UNDOCUMENTED,
            jw_line.span,
            format!(
                "This JW line bills discarded {}, but the administration record of {drug} documents no waste. The discarded amount must be in the record: {what}.",
                u.code.code
            ),
        )
        .related(admin.header, "administration record without a `waste` statement");
        if let Some(w) = amount {
            let statement = format!("waste {w}");
            f = f.fix(
                format!("Add `{statement}`"),
                vec![ctx.insert_in_admin(admin, &statement)],
            );
        }
        out.push(f);
    }
}

fn waste_vial_arithmetic(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for (u, math) in with_math(ctx) {
        let records: Vec<_> = u
            .administrations
            .iter()
            .map(|&a| ctx.administrations[a].admin)
            .collect();
        let Some(with_waste) = records.iter().find(|a| !a.wastes.is_empty()) else {
            continue;
        };
        let Some(with_vials) = records.iter().find(|a| !a.vials.is_empty()) else {
            continue;
        };
        let (Some((opened, how)), Some(waste)) = (&math.opened, math.documented_waste) else {
            continue;
        };
        let accounted = math.dose.amount + waste.amount;
        if accounted == opened.amount {
            continue;
        }
        let unit = math.dose.unit;
        let message = if math.dose.amount > opened.amount {
            format!(
                "{how} opened is {opened}, less than the dose {}: the containers cannot have held it. The vial count, the vial size or the dose is wrong; correct it to match the chart.",
                math.dose
            )
        } else {
            format!(
                "{how} opened is {opened}, but dose {} + waste {waste} is {}. One of the dose, the vial count or the waste amount is wrong; correct it to match the chart (waste {} would balance).",
                math.dose,
                Quantity::new(accounted, unit),
                Quantity::new(opened.amount - math.dose.amount, unit)
            )
        };
        out.push(
            Finding::new(&WASTE_VIAL_ARITHMETIC, with_waste.wastes[0].span, message).related(
                with_vials.vials[0].span,
                format!("containers opened: {how}"),
            ),
        );
    }
}

fn waste_evidence_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    let p = &ctx.profile;
    if !p.waste_witness_required && !p.waste_evidence_required {
        return;
    }
    let payer = p.display_name();
    for admin in &ctx.claim.admins {
        for w in &admin.wastes {
            if w.amount.value.amount <= Decimal::ZERO || w.witness.is_some() || w.evidence.is_some()
            {
                continue;
            }
            let (what, clause, fill) = if p.waste_witness_required {
                (
                    "a witness",
                    "witness \"<name, credential>\"",
                    "the name and credential of who witnessed it",
                )
            } else {
                (
                    "evidence",
                    "evidence \"<wastage log entry>\"",
                    "the wastage log entry the chart holds",
                )
            };
            // No fix: the witness or the log entry is a fact of the chart, not something to invent.
            out.push(Finding::new(
                &WASTE_EVIDENCE_MISSING,
                w.span,
                format!("{payer} pays discarded drug only with {what} on the waste record: add `{clause}` with {fill}."),
            ));
        }
    }
}

fn waste_avoidable(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for (u, math) in with_math(ctx) {
        // Only single-dose containers are waste; a multi-dose vial keeps what is left.
        if math.container != ContainerKind::SingleDose {
            continue;
        }
        let [a] = u.administrations.as_slice() else {
            continue;
        };
        let admin = ctx.administrations[*a].admin;
        let Some(drug) = &u.code.drug else { continue };
        let Some((opened, _)) = &math.opened else {
            continue;
        };
        if admin.vials.is_empty() {
            continue;
        }
        let mut sizes: Vec<Decimal> = drug
            .presentations
            .iter()
            .filter(|p| p.container == Container::SingleDose)
            .filter_map(|p| p.amount.to_unit(math.dose.unit).map(|q| q.amount))
            .filter(|a| *a > Decimal::ZERO)
            .collect();
        sizes.sort();
        sizes.dedup();
        let Some(best) = smallest_cover(&sizes, math.dose.amount) else {
            continue;
        };
        let best_total: Decimal = best.iter().copied().sum();
        let opened_amount = opened
            .to_unit(math.dose.unit)
            .map_or(opened.amount, |q| q.amount);
        if best_total >= opened_amount {
            continue;
        }
        let mut parts: Vec<String> = Vec::new();
        for size in sizes.iter().rev() {
            let n = best.iter().filter(|x| *x == size).count();
            if n > 0 {
                parts.push(format!("{n} × {}", Quantity::new(*size, math.dose.unit)));
            }
        }
        out.push(Finding::new(
            &WASTE_AVOIDABLE,
            admin.vials[0].span,
            format!(
                "{} would have covered {} with {} of waste instead of {}. Worth noting for the next preparation.",
                parts.join(" + "),
                math.dose,
                Quantity::new(best_total - math.dose.amount, math.dose.unit),
                Quantity::new(opened_amount - math.dose.amount, math.dose.unit)
            ),
        ));
    }
}

/// The combination of container sizes with the smallest total that covers `dose` (fewest containers
/// among equals). Bounded search: doses are at most a few dozen containers.
fn smallest_cover(sizes: &[Decimal], dose: Decimal) -> Option<Vec<Decimal>> {
    let largest = *sizes.last()?;
    let max_count = (dose / largest).ceil().to_string().parse::<usize>().ok()? + 1;
    if max_count > 64 {
        return None;
    }
    let mut best: Option<Vec<Decimal>> = None;
    let mut stack: Vec<(usize, Vec<Decimal>, Decimal)> = vec![(0, Vec::new(), Decimal::ZERO)];
    let mut steps = 0;
    while let Some((from, picked, total)) = stack.pop() {
        steps += 1;
        if steps > 20_000 {
            break;
        }
        if total >= dose {
            let better = match &best {
                None => true,
                Some(b) => {
                    let bt: Decimal = b.iter().copied().sum();
                    total < bt || (total == bt && picked.len() < b.len())
                }
            };
            if better {
                best = Some(picked);
            }
            continue;
        }
        if picked.len() >= max_count {
            continue;
        }
        for (i, s) in sizes.iter().enumerate().skip(from) {
            let mut next = picked.clone();
            next.push(*s);
            stack.push((i, next, total + *s));
        }
    }
    best
}
