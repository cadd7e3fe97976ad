//! Payer profile: what the claim's payer requires beyond coding — prior authorization, step therapy,
//! NDCs — and what the loaded ASP pricing says about the charge.

use super::context::{ClaimCtx, presentation_by_ndc, show};
use super::{Edit, Finding};
use crate::declare_rule;
use claimls_model::{Decimal, DoseUnit, Span, VialSize};

declare_rule! {
    /// ## What it does
    /// Flags a line whose code the payer requires prior authorization for, on a claim without an `auth`
    /// (payer-dependent: list the codes under `prior-auth` in `claimls.toml`).
    ///
    /// ## Why it matters
    /// Without the authorization on file the line is denied, and the provider usually cannot bill the
    /// patient.
    ///
    /// ## Example
    /// Acme Health requires prior auth for J1745: a J1745 claim without `auth PA-…` fires.
    ///
    /// ## Fix
    /// Add `auth <number> from <date> to <date>`.
    pub AUTH_MISSING = "auth-missing", Payer, Warning, payer_dependent
}

declare_rule! {
    /// ## What it does
    /// Flags a date of service outside the `auth` window.
    ///
    /// ## Why it matters
    /// An authorization covers services in its window only; outside it the line is denied as
    /// unauthorized.
    ///
    /// ## Example
    /// `auth PA-1 from 2026-11-01 to 2027-04-30` with `start 2027-05-02 10:00` fires.
    ///
    /// ## Fix
    /// Check the dates or obtain a new authorization.
    pub AUTH_EXPIRED = "auth-expired", Payer, Error
}

declare_rule! {
    /// ## What it does
    /// Flags a line whose code the payer requires documented prior treatments for (step therapy), on a
    /// claim without `history` (payer-dependent: `step-therapy` in `claimls.toml`).
    ///
    /// ## Why it matters
    /// Step-therapy policies deny a biologic unless the record shows the preferred treatments failed or
    /// could not be used.
    ///
    /// ## Example
    /// `history "adalimumab" failed 2026-03-01` documents it.
    ///
    /// ## Fix
    /// Add `history "<prior treatment>" failed|intolerant|contraindicated|stopped [<date>]`.
    pub STEP_THERAPY_MISSING = "step-therapy-missing", Payer, Warning, payer_dependent
}

declare_rule! {
    /// ## What it does
    /// Flags a drug line without an NDC when the payer requires one (payer-dependent: an error for
    /// Medicaid; `ndc-required` in `claimls.toml` for others).
    ///
    /// ## Why it matters
    /// Medicaid programs must collect NDCs on physician-administered drugs for rebates (DRA 2005) and
    /// reject drug lines without them.
    ///
    /// ## Example
    /// A Medicaid claim with `line J2350 JZ units 600` fires; `… ndc 50242-0150-01 20 ML` clears it.
    ///
    /// ## Fix
    /// Add `ndc <11-digit NDC> <quantity> <ML|UN|GR|F2|ME>`; when the vial's NDC is documented, the fix
    /// writes it with the computed quantity.
    pub NDC_MISSING = "ndc-missing", Payer, Error, payer_dependent
}

declare_rule! {
    /// ## What it does
    /// Notes a drug line whose `charge` is below the Medicare payment limit for its units in the loaded
    /// ASP pricing file (only when ASP data is imported).
    ///
    /// ## Why it matters
    /// Medicare pays the lower of the charge and the limit: a charge below the limit leaves money
    /// unclaimed.
    ///
    /// ## Example
    /// J2350 at $59.414 per unit: 600 units charged at $30,000 is below the $35,648.40 limit.
    ///
    /// ## Fix
    /// Review the charge master price for the code.
    pub CHARGE_BELOW_LIMIT = "charge-below-limit", Payer, Information
}

pub fn check(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    auth_missing(ctx, out);
    auth_expired(ctx, out);
    step_therapy_missing(ctx, out);
    ndc_missing(ctx, out);
    charge_below_limit(ctx, out);
}

pub fn auth_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    if !ctx.claim.auths.is_empty() {
        return;
    }
    per_required_code(
        ctx,
        &AUTH_MISSING,
        |code| ctx.profile.requires_auth(code),
        |code| {
            format!(
                "{} requires prior authorization for {code}, and the claim has none: the line would be denied. Add `auth <number> from <YYYY-MM-DD> to <YYYY-MM-DD>`.",
                ctx.profile.name
            )
        },
        out,
    );
}

/// A finding on each line whose code the payer profile lists under a requirement.
fn per_required_code(
    ctx: &ClaimCtx,
    rule: &'static super::Rule,
    required: impl Fn(&str) -> bool,
    message: impl Fn(&str) -> String,
    out: &mut Vec<Finding>,
) {
    for facts in &ctx.lines {
        let code = &facts.line.code.value;
        if required(code) {
            out.push(
                Finding::new(rule, facts.line.code.span, message(code))
                    .severity(ctx.profile.default_severity),
            );
        }
    }
}

pub fn auth_expired(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    let auths = &ctx.claim.auths;
    if auths.is_empty() {
        return;
    }
    let mut reported: Vec<claimls_model::Date> = Vec::new();
    for facts in &ctx.lines {
        let Some(dos) = facts.dos else { continue };
        if reported.contains(&dos) {
            continue;
        }
        let covered = auths.iter().any(|a| {
            a.from.as_ref().is_none_or(|f| f.value <= dos)
                && a.to.as_ref().is_none_or(|t| dos <= t.value)
        });
        if covered {
            continue;
        }
        reported.push(dos);
        let a = &auths[0];
        let window = format!(
            "{} to {}",
            a.from
                .as_ref()
                .map_or("…".to_string(), |d| d.value.to_string()),
            a.to.as_ref()
                .map_or("…".to_string(), |d| d.value.to_string())
        );
        out.push(
            Finding::new(
                &AUTH_EXPIRED,
                a.span,
                format!(
                    "The date of service {dos} is outside the authorization {} ({window}); the lines would be denied as unauthorized. Check the dates or obtain a new authorization.",
                    a.number.value
                ),
            )
            .related(facts.line.span, format!("line on {dos}")),
        );
    }
}

pub fn step_therapy_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    if !ctx.claim.history.is_empty() {
        return;
    }
    per_required_code(
        ctx,
        &STEP_THERAPY_MISSING,
        |code| ctx.profile.requires_step_therapy(code),
        |code| {
            format!(
                "{} requires documented prior treatments (step therapy) for {code}, and the claim has no `history`. Add `history \"<prior treatment>\" failed <date>` (or intolerant, contraindicated, stopped).",
                ctx.profile.name
            )
        },
        out,
    );
}

pub fn ndc_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    let Some(severity) = ctx.profile.ndc_required else {
        return;
    };
    for facts in &ctx.lines {
        if !facts.is_drug() || facts.line.ndc.is_some() {
            continue;
        }
        let mut f = Finding::new(
            &NDC_MISSING,
            facts.line.code.span,
            format!(
                "{} requires the NDC on drug lines (for drug rebates); this {} line has none. Add `ndc <11-digit NDC> <quantity> ML` from the vial used.",
                ctx.profile.name, facts.line.code.value
            ),
        )
        .severity(severity);
        if let Some(clause) = suggested_ndc_clause(ctx, facts) {
            let at = facts.line.span.end;
            f.message = format!("{} The record's vial gives `{clause}`.", f.message);
            f = f.fix(
                format!("Add `{clause}`"),
                vec![Edit {
                    span: Span::new(at, at),
                    new_text: format!(" {clause}"),
                }],
            );
        }
        out.push(f);
    }
}

/// `ndc 50242-0150-01 20 ML` from the admin's one documented NDC vial and its dose.
fn suggested_ndc_clause(ctx: &ClaimCtx, facts: &super::context::LineFacts) -> Option<String> {
    let admin = facts.admin?;
    let mut ndcs = admin.vials.iter().filter_map(|v| match &v.size.value {
        VialSize::Ndc(n) => n.digits.clone().map(|d| (n.clone(), d)),
        VialSize::Amount(_) => None,
    });
    let (ndc, digits) = ndcs.next()?;
    if ndcs.next().is_some() || facts.is_jw() {
        return None;
    }
    let dose = admin.dose.as_ref()?.value;
    let drug = facts.code.and_then(|c| c.drug.as_ref());
    let p = presentation_by_ndc(drug, ctx.data, &digits)?;
    let ml = p.volume?.to_unit(DoseUnit::Ml)?.amount * dose.ratio(p.amount)?;
    Some(format!(
        "ndc {} {} ML",
        ndc.hyphenated()?,
        ml.round_dp(3).normalize()
    ))
}

pub fn charge_below_limit(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    if !ctx.data.has_pricing() {
        return;
    }
    for facts in &ctx.lines {
        let (Some(code), Some(charge), Some(units)) =
            (facts.code, &facts.line.charge, &facts.line.units)
        else {
            continue;
        };
        let Some(limit) = code.payment_limit else {
            continue;
        };
        let total = (limit * units.value).round_dp(2);
        if charge.value >= total || units.value <= Decimal::ZERO {
            continue;
        }
        out.push(Finding::new(
            &CHARGE_BELOW_LIMIT,
            charge.span,
            format!(
                "The Medicare payment limit for {} is ${} per unit ({}): {} units is ${}, but the charge is ${}. Medicare pays the lower of the two, so ${} is left unclaimed; review the charge master price.",
                code.code,
                show(limit),
                ctx.data.edition_for(facts.dos).name,
                show(units.value),
                show(total),
                show(charge.value),
                show(total - charge.value)
            ),
        ));
    }
}
