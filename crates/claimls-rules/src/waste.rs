//! Waste: JW and JZ lines for drugs from single-dose containers.
//!
//! The arithmetic (rules.md *Waste*), for one drug on one date of service with `u` its billing unit:
//! *opened* = the containers opened (or dose + documented waste when none are listed); *administered
//! units* = dose ÷ u rounded up; *billable waste* = opened − administered units × u; *JW units* =
//! billable waste ÷ u rounded down. It lives in [`super::context::WasteMath`].

use super::context::{ClaimCtx, ContainerKind, DrugUse, LineFacts, WasteMath, plural, show};
use super::{Edit, Finding};
use crate::declare_rule;
use claimls_data::Container;
use claimls_model::{Date, Decimal, DxPointer, Line, Quantity, Span};

declare_rule! {
    /// ## What it does
    /// Flags a drug from a single-dose container whose billable waste is one billing unit or more, billed
    /// without a JW line.
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
    pub WASTE_JW_MISSING = "waste-jw-missing", Waste, Error
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
    pub WASTE_JW_UNITS = "waste-jw-units", Waste, Error
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
    pub WASTE_JW_NOT_ALLOWED = "waste-jw-not-allowed", Waste, Error
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
    pub WASTE_JW_ONLY = "waste-jw-only", Waste, Error
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
    pub WASTE_JZ_MISSING = "waste-jz-missing", Waste, Error, payer_dependent
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
    pub WASTE_JW_JZ_CONFLICT = "waste-jw-jz-conflict", Waste, Error
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
    pub WASTE_UNDOCUMENTED = "waste-undocumented", Waste, Error
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
    pub WASTE_VIAL_ARITHMETIC = "waste-vial-arithmetic", Waste, Warning
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
    pub WASTE_EVIDENCE_MISSING = "waste-evidence-missing", Waste, Warning, payer_dependent
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
    pub WASTE_AVOIDABLE = "waste-avoidable", Waste, Information
}

pub fn check(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for u in &ctx.drugs {
        let Some(math) = &u.math else {
            // Without the arithmetic only the structural checks apply.
            waste_jw_only(ctx, u, None, out);
            jw_jz_on_one_line(ctx, u, out);
            waste_undocumented(ctx, u, out);
            continue;
        };
        waste_jw_missing(ctx, u, math, out);
        waste_jw_units(ctx, u, math, out);
        waste_jw_not_allowed(ctx, u, math, out);
        waste_jw_only(ctx, u, Some(math), out);
        waste_jz_missing(ctx, u, math, out);
        waste_jw_jz_conflict(ctx, u, math, out);
        waste_undocumented(ctx, u, out);
        waste_vial_arithmetic(u, math, out);
        waste_avoidable(u, math, out);
    }
    waste_evidence_missing(ctx, out);
}

fn line<'a>(ctx: &'a ClaimCtx, i: usize) -> &'a LineFacts<'a> {
    &ctx.lines[i]
}

/// The text of a new line that repeats `like`'s dx and date clauses.
fn statement_like(like: &Line, code: &str, modifiers: &str, units: Decimal) -> String {
    let mut s = format!("line {code}");
    if !modifiers.is_empty() {
        s.push(' ');
        s.push_str(modifiers);
    }
    s.push_str(&format!(" units {}", show(units)));
    if let Some(dx) = &like.dx {
        let ptrs: Vec<String> = dx
            .iter()
            .map(|p| match &p.value {
                DxPointer::Letter(c) => c.to_string(),
                DxPointer::Code(c) => c.clone(),
            })
            .collect();
        s.push_str(&format!(" dx {}", ptrs.join(",")));
    }
    if let Some(on) = &like.on {
        s.push_str(&format!(" on {}", on.value));
    }
    s
}

fn opened_text(math: &WasteMath) -> String {
    math.opened
        .as_ref()
        .map_or(String::new(), |(q, how)| format!("{q} opened ({how})"))
}

fn jw_sentence(u: &DrugUse, math: &WasteMath) -> String {
    let (Some(waste), Some(jw)) = (math.billable_waste, math.jw_units) else {
        return String::new();
    };
    format!(
        "{}; {} leaves {} of billable waste = {} JW {}",
        math.given_sentence(&u.code.code),
        opened_text(math),
        waste,
        show(jw),
        plural(jw, "unit")
    )
}

pub fn waste_jw_missing(ctx: &ClaimCtx, u: &DrugUse, math: &WasteMath, out: &mut Vec<Finding>) {
    if math.container != ContainerKind::SingleDose || !u.jw_lines.is_empty() {
        return;
    }
    let Some(jw) = math.jw_units.filter(|j| *j >= Decimal::ONE) else {
        return;
    };
    let Some(&given) = u.given_lines.last() else {
        return;
    };
    let given = line(ctx, given).line;
    let statement = statement_like(given, &u.code.code, "JW", jw);
    let mut f = Finding::new(
        &WASTE_JW_MISSING,
        given.span,
        format!(
            "{}. Discarded drug from a single-dose container is billed on its own JW line: add `{statement}`.",
            jw_sentence(u, math)
        ),
    )
    .fix(format!("Add `{statement}`"), vec![ctx.insert_line_after(given.span, &statement)]);
    if let Some(a) = u.admin {
        f = f.related(
            a.header,
            format!("administration record of {}", a.drug.value),
        );
    }
    out.push(f);
}

pub fn waste_jw_units(ctx: &ClaimCtx, u: &DrugUse, math: &WasteMath, out: &mut Vec<Finding>) {
    if math.container == ContainerKind::MultiDose {
        return;
    }
    let Some(jw) = math.jw_units.filter(|j| *j >= Decimal::ONE) else {
        return;
    };
    let [only] = u.jw_lines.as_slice() else {
        return;
    };
    let l = line(ctx, *only).line;
    let Some(units) = &l.units else { return };
    if units.value == jw || units.value <= Decimal::ZERO {
        return;
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
            vec![Edit { span: units.span, new_text: show(jw) }],
        ),
    );
}

pub fn waste_jw_not_allowed(ctx: &ClaimCtx, u: &DrugUse, math: &WasteMath, out: &mut Vec<Finding>) {
    for &i in &u.jw_lines {
        let l = line(ctx, i).line;
        let reason = if math.container == ContainerKind::MultiDose {
            format!(
                "{} came from a multi-dose container: JW applies only to single-dose containers, and what remains in a multi-dose vial is not waste.",
                u.code.code
            )
        } else if math.jw_units == Some(Decimal::ZERO) {
            match (&math.opened, math.billable_waste) {
                (Some((opened, _)), _) => format!(
                    "{}, which already covers the {opened} opened: there is no billable waste, and a JW line would bill the same drug twice.",
                    math.given_sentence(&u.code.code)
                ),
                _ => continue,
            }
        } else {
            continue;
        };
        let jz = if ctx.profile.jz_required.is_some() && math.container != ContainerKind::MultiDose
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
            .fix(
                "Remove the JW line",
                vec![Edit {
                    span: ctx.whole_lines(l.span),
                    new_text: String::new(),
                }],
            ),
        );
    }
}

pub fn waste_jw_only(
    ctx: &ClaimCtx,
    u: &DrugUse,
    math: Option<&WasteMath>,
    out: &mut Vec<Finding>,
) {
    if u.jw_lines.is_empty() || !u.given_lines.is_empty() {
        return;
    }
    let jw_line = line(ctx, u.jw_lines[0]).line;
    let mut f = Finding::new(
        &WASTE_JW_ONLY,
        jw_line.span,
        format!(
            "This JW line bills only the discarded {}; the administered amount needs its own line of {} without JW.",
            u.code.code, u.code.code
        ),
    );
    if let Some(m) = math {
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

/// JZ is required from this date of service (IOM 100-04 ch. 17 §40).
fn jz_required_from() -> Date {
    Date {
        year: 2023,
        month: 7,
        day: 1,
    }
}

pub fn waste_jz_missing(ctx: &ClaimCtx, u: &DrugUse, math: &WasteMath, out: &mut Vec<Finding>) {
    let Some(severity) = ctx.profile.jz_required else {
        return;
    };
    if math.container != ContainerKind::SingleDose || math.jw_units != Some(Decimal::ZERO) {
        return;
    }
    if u.dos.is_some_and(|d| d < jz_required_from()) {
        return;
    }
    for &i in &u.given_lines {
        let l = line(ctx, i).line;
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
                    "{code} is a single-dose-container drug, and its {units} {unit_word} ({dose} at {per} per unit){covered}: nothing billable was discarded. {payer} requires JZ on the line then, and returns a claim with neither JW nor JZ: write `{code} JZ`.",
                    code = u.code.code,
                    units = show(math.given_units),
                    unit_word = plural(math.given_units, "unit"),
                    dose = math.dose,
                    per = math.unit,
                    payer = payer_name(ctx),
                ),
            )
            .severity(severity)
            .fix("Add JZ", vec![Edit { span: Span::new(at, at), new_text: " JZ".into() }]),
        );
    }
}

fn payer_name(ctx: &ClaimCtx) -> String {
    match ctx.profile.kind {
        claimls_model::PayerKind::Medicare => "Medicare".into(),
        claimls_model::PayerKind::MedicareAdvantage => "This Medicare Advantage payer".into(),
        claimls_model::PayerKind::Medicaid => "This Medicaid payer".into(),
        claimls_model::PayerKind::Commercial => ctx.profile.name.clone(),
    }
}

/// JW and JZ together on one line (needs no arithmetic).
fn jw_jz_on_one_line(ctx: &ClaimCtx, u: &DrugUse, out: &mut Vec<Finding>) {
    for &i in u.jw_lines.iter() {
        let l = line(ctx, i).line;
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
}

pub fn waste_jw_jz_conflict(ctx: &ClaimCtx, u: &DrugUse, math: &WasteMath, out: &mut Vec<Finding>) {
    jw_jz_on_one_line(ctx, u, out);
    let Some(jw) = math.jw_units.filter(|j| *j >= Decimal::ONE) else {
        return;
    };
    if math.container == ContainerKind::MultiDose {
        return;
    }
    for &i in &u.given_lines {
        let l = line(ctx, i).line;
        let Some(jz) = l.modifiers.iter().find(|m| m.value == "JZ") else {
            continue;
        };
        out.push(
            Finding::new(
                &WASTE_JW_JZ_CONFLICT,
                jz.span,
                format!(
                    "JZ says nothing was discarded, but {}. Remove JZ and bill the waste on a JW line.",
                    jw_sentence(u, math).split_once("; ").map_or(String::new(), |(_, b)| b.to_string())
                ),
            )
            .related(u.admin.map_or(l.span, |a| a.header), format!("{} JW units of billable waste", show(jw)))
            .fix("Remove JZ", vec![ctx.remove_modifier(jz.span)]),
        );
    }
}

pub fn waste_undocumented(ctx: &ClaimCtx, u: &DrugUse, out: &mut Vec<Finding>) {
    if u.jw_lines.is_empty() {
        return;
    }
    let Some(admin) = u.admin else { return };
    let documented = admin
        .wastes
        .iter()
        .any(|w| w.amount.value.amount > Decimal::ZERO);
    if documented {
        return;
    }
    let jw_line = line(ctx, u.jw_lines[0]).line;
    let amount = u
        .math
        .as_ref()
        .and_then(|m| m.billable_waste)
        .filter(|w| w.amount > Decimal::ZERO);
    let statement = match amount {
        Some(w) => format!("waste {w}"),
        None => "waste <amount> mg".to_string(),
    };
    out.push(
        Finding::new(
            &WASTE_UNDOCUMENTED,
            jw_line.span,
            format!(
                "This JW line bills discarded {}, but the administration record of {} documents no waste. The discarded amount must be in the record: add `{statement}` under `admin {}`.",
                u.code.code, admin.drug.value, admin.drug.value
            ),
        )
        .related(admin.header, "administration record without a `waste` statement")
        .fix(format!("Add `{statement}`"), vec![ctx.insert_in_admin(admin, &statement)]),
    );
}

pub fn waste_vial_arithmetic(u: &DrugUse, math: &WasteMath, out: &mut Vec<Finding>) {
    let Some(admin) = u.admin else { return };
    if admin.vials.is_empty() || admin.wastes.is_empty() {
        return;
    }
    let (Some((opened, how)), Some(waste)) = (&math.opened, math.documented_waste) else {
        return;
    };
    let accounted = math.dose.amount + waste.amount;
    if accounted == opened.amount {
        return;
    }
    let span = admin.wastes[0].span;
    out.push(
        Finding::new(
            &WASTE_VIAL_ARITHMETIC,
            span,
            format!(
                "{how} opened is {opened}, but dose {} + waste {waste} is {}. One of the dose, the vial count or the waste amount is wrong; correct it to match the chart (waste {} would balance).",
                math.dose,
                Quantity::new(accounted, math.dose.unit),
                Quantity::new((opened.amount - math.dose.amount).max(Decimal::ZERO), math.dose.unit)
            ),
        )
        .related(admin.vials[0].span, format!("containers opened: {how}")),
    );
}

pub fn waste_evidence_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    let p = &ctx.profile;
    if !p.waste_witness_required && !p.waste_evidence_required {
        return;
    }
    for admin in &ctx.claim.admins {
        for w in &admin.wastes {
            if w.amount.value.amount <= Decimal::ZERO || w.witness.is_some() || w.evidence.is_some()
            {
                continue;
            }
            let (what, clause) = if p.waste_witness_required {
                ("a witness", " witness \"<name, credential>\"")
            } else {
                ("evidence", " evidence \"<wastage log entry>\"")
            };
            // Right after the statement, before a trailing comment.
            let at = w.span.end;
            out.push(
                Finding::new(
                    &WASTE_EVIDENCE_MISSING,
                    w.span,
                    format!(
                        "{} pays discarded drug only with {what} on the waste record: add{clause}.",
                        payer_name(ctx)
                    ),
                )
                .fix(
                    format!("Add{clause}"),
                    vec![Edit {
                        span: Span::new(at, at),
                        new_text: clause.to_string(),
                    }],
                ),
            );
        }
    }
}

pub fn waste_avoidable(u: &DrugUse, math: &WasteMath, out: &mut Vec<Finding>) {
    let Some(admin) = u.admin else { return };
    let Some(drug) = &u.code.drug else { return };
    let Some((opened, _)) = &math.opened else {
        return;
    };
    if admin.vials.is_empty() {
        return;
    }
    let sizes: Vec<Decimal> = {
        let mut s: Vec<Decimal> = drug
            .presentations
            .iter()
            .filter(|p| p.container == Container::SingleDose)
            .filter_map(|p| p.amount.to_unit(math.dose.unit).map(|q| q.amount))
            .filter(|a| *a > Decimal::ZERO)
            .collect();
        s.sort();
        s.dedup();
        s
    };
    if sizes.is_empty() {
        return;
    }
    let Some(best) = smallest_cover(&sizes, math.dose.amount) else {
        return;
    };
    let best_total: Decimal = best.iter().copied().sum();
    let opened_amount = opened
        .to_unit(math.dose.unit)
        .map_or(opened.amount, |q| q.amount);
    if best_total >= opened_amount {
        return;
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
