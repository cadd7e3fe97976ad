//! Payer profile rules: what this payer requires beyond the coding rules (prior authorization, step
//! therapy, NDCs) and what the claim leaves on the table.

use crate::context::{ClaimCtx, LineFacts, count, money, presentation_by_ndc};
use crate::{Edit, Finding, Rule, declare_rule};
use claimls_data::PaymentLimit;
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
    pub AUTH_MISSING = "auth-missing", Payer, Warning, payer_dependent, check: auth_missing
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
    pub AUTH_EXPIRED = "auth-expired", Payer, Error, check: auth_expired
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
    pub STEP_THERAPY_MISSING = "step-therapy-missing", Payer, Warning, payer_dependent, check: step_therapy_missing
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
    pub NDC_MISSING = "ndc-missing", Payer, Error, payer_dependent, check: ndc_missing
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
    pub CHARGE_BELOW_LIMIT = "charge-below-limit", Payer, Information, check: charge_below_limit
}

declare_rule! {
    /// ## What it does
    /// Flags `payer <kind> "<name>"` whose name matches no payer configured in `claimls.toml`, when the
    /// configuration names payers.
    ///
    /// ## Why it matters
    /// The claim is then judged by the built-in profile of its kind, without the payer's own
    /// requirements (prior authorization, JZ, waste witness): a typo in the name silently turns them
    /// off.
    ///
    /// ## Example
    /// With `[payers."Acme Health PPO"]` configured, `payer commercial "Acme Health PP0"` fires and
    /// suggests "Acme Health PPO".
    ///
    /// ## Fix
    /// Write the configured name (the fix does when one name is close), or add the payer to
    /// `claimls.toml`.
    pub PAYER_UNKNOWN = "payer-unknown", Payer, Warning, check: payer_unknown
}

fn payer_unknown(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    let Some(payer) = &ctx.claim.payer else {
        return;
    };
    let Some(name) = &payer.name else { return };
    let configured: Vec<&str> = ctx
        .config
        .payers
        .values()
        .filter(|p| claimls_model::PayerKind::parse(&p.name).is_none())
        .map(|p| p.name.as_str())
        .collect();
    if configured.is_empty()
        || ctx
            .config
            .payers
            .contains_key(&name.value.to_ascii_lowercase())
    {
        return;
    }
    let closest = configured
        .iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&c.to_lowercase(), &name.value.to_lowercase()),
                *c,
            )
        })
        .min()
        .filter(|(d, _)| *d <= 3)
        .map(|(_, c)| c);
    let listed: Vec<String> = configured.iter().map(|c| format!("\"{c}\"")).collect();
    let mut f = Finding::new(
        &PAYER_UNKNOWN,
        name.span,
        format!(
            "No payer named \"{}\" is configured in claimls.toml ({}), so the claim is judged by the built-in {} profile, without that payer's own requirements.{}",
            name.value,
            listed.join(", "),
            payer.kind.value.keyword(),
            closest.map_or(String::new(), |c| format!(" Did you mean \"{c}\"?"))
        ),
    );
    if let Some(c) = closest {
        f = f.fix(
            format!("Write \"{c}\""),
            vec![Edit {
                span: name.span,
                new_text: format!("\"{c}\""),
            }],
        );
    }
    out.push(f);
}

fn auth_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
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
                ctx.profile.display_name()
            )
        },
        out,
    );
}

/// A finding on each line whose code the payer profile lists under a requirement.
fn per_required_code(
    ctx: &ClaimCtx,
    rule: &'static Rule,
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

fn auth_expired(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
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

fn step_therapy_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
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
                ctx.profile.display_name()
            )
        },
        out,
    );
}

fn ndc_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    let Some(severity) = ctx.profile.ndc_required else {
        return;
    };
    for (i, facts) in ctx.lines.iter().enumerate() {
        if !facts.is_drug() || facts.line.ndc.is_some() {
            continue;
        }
        let mut f = Finding::new(
            &NDC_MISSING,
            facts.line.code.span,
            format!(
                "{} requires the NDC on drug lines (for drug rebates); this {} line has none. Add `ndc <11-digit NDC> <quantity> ML` from the vial used.",
                ctx.profile.display_name(),
                facts.line.code.value
            ),
        )
        .severity(severity);
        if let Some(clause) = suggested_ndc_clause(ctx, i, facts) {
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

/// `ndc 50242-0150-01 20 ML` from the one NDC vial the drug's records list and the documented dose.
fn suggested_ndc_clause(ctx: &ClaimCtx, index: usize, facts: &LineFacts) -> Option<String> {
    if facts.is_jw() {
        return None;
    }
    let u = ctx
        .drug_use_of(index)
        .filter(|u| u.given_lines == [index])?;
    let dose = u.math.as_ref()?.dose;
    let mut ndcs = u.administrations.iter().flat_map(|&a| {
        let admin = ctx.administrations[a].admin;
        admin.vials.iter().filter_map(|v| match &v.size.value {
            VialSize::Ndc(n) => n.digits.clone().map(|d| (n.clone(), d)),
            VialSize::Amount(_) => None,
        })
    });
    let (ndc, digits) = ndcs.next()?;
    if ndcs.any(|(_, d)| d != digits) {
        return None;
    }
    let drug = facts.code.and_then(|c| c.drug.as_ref());
    let p = presentation_by_ndc(drug, ctx.data, &digits)?;
    let ml = p.volume?.to_unit(DoseUnit::Ml)?.amount * dose.ratio(p.amount)?;
    Some(format!(
        "ndc {} {} ML",
        ndc.hyphenated()?,
        ml.round_dp(3).normalize()
    ))
}

fn charge_below_limit(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    if !ctx.data.has_pricing() {
        return;
    }
    for facts in &ctx.lines {
        let (Some(code), Some(charge), Some(units)) =
            (facts.code, &facts.line.charge, &facts.line.units)
        else {
            continue;
        };
        if units.value <= Decimal::ZERO {
            continue;
        }
        let (limit, quarter) = match ctx.data.payment_limit(&code.code, facts.dos) {
            PaymentLimit::Known { per_unit, quarter } => (per_unit, quarter),
            PaymentLimit::NotPriced => continue,
            PaymentLimit::OutsideQuarter { loaded } => {
                // A limit holds for its quarter only: say that none is known rather than apply another.
                if loaded.is_empty() {
                    continue;
                }
                out.push(Finding::new(
                    &CHARGE_BELOW_LIMIT,
                    charge.span,
                    format!(
                        "No Medicare payment limit is known for {} on {}: the ASP pricing loaded is {}, and a limit holds only for its quarter. Import the ASP file of the date's quarter to compare the charge.",
                        code.code,
                        facts.dos.map_or("this date".to_string(), |d| d.to_string()),
                        loaded.join(", ")
                    ),
                ));
                continue;
            }
        };
        let total = (limit * units.value).round_dp(2);
        if charge.value >= total {
            continue;
        }
        out.push(Finding::new(
            &CHARGE_BELOW_LIMIT,
            charge.span,
            format!(
                "The Medicare payment limit for {} is ${} per unit ({quarter}): {} is {}, but the charge is {}. Medicare pays the lower of the two, so {} is left unclaimed; review the charge master price.",
                code.code,
                limit.normalize(),
                count(units.value, "unit"),
                money(total),
                money(charge.value),
                money(total - charge.value)
            ),
        ));
    }
}
