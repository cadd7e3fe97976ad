//! Bill one administration: the lines an `admin` record implies, from the engine's own arithmetic.
//!
//! For one record (an index into [`ClaimCtx::administrations`]) [`bill_administration`] writes the drug
//! line (its code, the units [`WasteMath::given_units`](crate::encounter::WasteMath) gives, JZ or a JW
//! line for the billable waste, the dx pointer, the NDC with its quantity when the record charts the
//! vial by NDC and the payer profile wants it: `ndc-required`, or `ndc-when-charted`) and the administration code(s) the hierarchy gives it: the initial service with its additional
//! hours for the encounter's main administration, subsequent codes for the others. When the code family
//! is a judgement the data cannot make (chemotherapy and complex biologics, or other drugs), each family
//! is a plan of its own. The editor's "Bill this administration" action and the `line-missing` rule
//! both write these plans; neither computes a billing fact itself.

use crate::context::{ClaimCtx, Delivery, DxStatus, additional_hours, show};
use crate::encounter::{ContainerKind, presentation_by_ndc, waste_math};
use crate::hierarchy::{Service, code_of};
use crate::{Edit, Finding, declare_rule};
use claimls_data::InfusionFamily as Family;
use claimls_model::{Decimal, DoseUnit, Span, VialSize};

/// One way to bill an administration: the statements to add, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillPlan {
    /// What the plan bills, for a menu: `J2350 JZ ×600, 96413, 96415 ×3 (chemotherapy and complex
    /// biologics)`.
    pub title: String,
    /// The `line` statements, without indentation.
    pub lines: Vec<String>,
}

/// The plans that bill administration `a` (best first); empty when the record names no drug the data
/// knows, names one that several codes bill (the salt or strength decides, and the record does not say:
/// the coder chooses), or gives nothing to bill yet (no dose).
pub fn bill_administration(ctx: &ClaimCtx, a: usize) -> Vec<BillPlan> {
    let Some(rec) = ctx.administrations.get(a) else {
        return Vec::new();
    };
    if !rec.hydration && rec.codes.len() != 1 {
        return Vec::new();
    }
    let mut drug_lines = Vec::new();
    let mut families = vec![Family::Therapeutic];
    if !rec.hydration {
        let Some(code) = rec.codes.first().copied() else {
            return Vec::new();
        };
        let Some(math) = waste_math(code, &[rec], ctx.data) else {
            return Vec::new();
        };
        let dx = dx_pointer(ctx, code);
        let jw = math.jw_units.filter(|u| *u > Decimal::ZERO);
        let single_dose = math.container == ContainerKind::SingleDose;
        let modifier = if single_dose && jw.is_none() && ctx.profile.jz_required.is_some() {
            " JZ"
        } else {
            ""
        };
        // The NDC and its quantity when the payer requires it or reports it when charted
        // (`ndc-when-charted`), and the record charts the vial by NDC.
        let ndc = if ctx.profile.ndc_required.is_some() || ctx.profile.ndc_when_charted {
            ndc_clause(ctx, &[a], code, math.dose)
        } else {
            None
        };
        drug_lines.push(format!(
            "line {}{modifier} units {}{dx}{}",
            code.code,
            show(math.given_units),
            ndc.map(|n| format!(" {n}")).unwrap_or_default()
        ));
        if let Some(jw) = jw {
            drug_lines.push(format!("line {} JW units {}{dx}", code.code, show(jw)));
        }
        if code.drug.as_ref().is_some_and(|d| d.infused) {
            families = vec![Family::Chemotherapy, Family::Therapeutic];
        }
    } else {
        families = vec![Family::Hydration];
    }
    let dx = rec
        .codes
        .first()
        .map(|c| dx_pointer(ctx, c))
        .unwrap_or_else(|| first_dx(ctx));
    let main = is_main(ctx, a);
    let mut plans = Vec::new();
    for family in &families {
        let services = services_for(rec.delivery, *family, main);
        let mut lines = drug_lines.clone();
        for (service, units) in &services {
            if let Some(code) = code_of(*service) {
                lines.push(format!("line {code} units {units}{dx}"));
            }
        }
        if lines.is_empty() {
            continue;
        }
        let mut title = lines
            .iter()
            .map(|l| {
                l.trim_start_matches("line ")
                    .split(" dx ")
                    .next()
                    .unwrap_or("")
                    .split(" ndc ")
                    .next()
                    .unwrap_or("")
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join(", ");
        if families.len() > 1 && !services.is_empty() {
            title = format!("{title} ({})", family_name(*family));
        }
        if plans.iter().all(|p: &BillPlan| p.lines != lines) {
            plans.push(BillPlan { title, lines });
        }
    }
    plans
}

/// An edit that writes a plan's lines into the claim: after the claim's last `line`, else after its
/// last `admin` block, at the claim's statement indentation.
pub fn plan_edit(ctx: &ClaimCtx, plan: &BillPlan) -> Edit {
    let claim = ctx.claim;
    let indent = ctx.indent_at(
        claim
            .admins
            .first()
            .map(|a| a.header.start)
            .unwrap_or(claim.header.start),
    );
    let indent = if indent.is_empty() && !claim.admins.is_empty() {
        "  "
    } else {
        indent
    };
    let nl = ctx.newline();
    let body = plan
        .lines
        .iter()
        .map(|l| format!("{nl}{indent}{l}"))
        .collect::<String>();
    let (after, blank) = match claim.lines.iter().map(|l| l.span).max_by_key(|s| s.end) {
        Some(last) => (last, ""),
        None => match claim.admins.iter().map(|a| a.span).max_by_key(|s| s.end) {
            Some(last) => (last, nl),
            None => (claim.header, nl),
        },
    };
    let at = ctx.line_end(after.end);
    Edit {
        span: Span::new(at, at),
        new_text: format!("{blank}{body}"),
    }
}

fn family_name(family: Family) -> &'static str {
    match family {
        Family::Chemotherapy => "chemotherapy and complex biologics",
        Family::Hydration => "hydration",
        _ => "other drugs",
    }
}

/// The administration services of one record with their units.
fn services_for(delivery: Delivery, family: Family, main: bool) -> Vec<(Service, i64)> {
    match delivery {
        Delivery::Infusion { minutes } => {
            let hours = additional_hours(minutes);
            if !main && family == Family::Hydration {
                // Hydration after another initial service: every hour on the add-on code.
                return vec![(Service::AdditionalHour(family), 1 + hours)];
            }
            let first = if main {
                Service::InitialInfusion(family)
            } else {
                Service::Sequential(family)
            };
            let mut out = vec![(first, 1)];
            if hours > 0 {
                out.push((Service::AdditionalHour(family), hours));
            }
            out
        }
        Delivery::Push { .. } if family != Family::Hydration => {
            if main {
                vec![(Service::InitialPush(family), 1)]
            } else {
                vec![(Service::SubsequentPush(family), 1)]
            }
        }
        _ => Vec::new(),
    }
}

/// Whether record `a` is its encounter's main administration: no other record of the date outranks it
/// (an infusion outranks a push, a longer infusion a shorter one, a drug a hydration fluid, the first
/// of equals), and no administration code of the date already bills another record's initial service.
fn is_main(ctx: &ClaimCtx, a: usize) -> bool {
    let rec = &ctx.administrations[a];
    let rank = |i: usize| {
        let r = &ctx.administrations[i];
        let delivery = match r.delivery {
            Delivery::Infusion { minutes } => (2, minutes),
            Delivery::Push { .. } => (1, 0),
            _ => (0, 0),
        };
        (!r.hydration, delivery)
    };
    if let Some(e) = ctx.encounter(rec.dos)
        && let Some(initial) = e.initial
        && e.services[initial].administration != Some(a)
    {
        return false;
    }
    ctx.administrations
        .iter()
        .enumerate()
        .filter(|(i, r)| *i != a && r.dos == rec.dos && r.delivery.is_intravenous())
        .all(|(i, _)| rank(i) < rank(a) || (rank(i) == rank(a) && i > a))
}

/// ` dx A`: the first billable diagnosis among the drug's indications, else the claim's first one.
fn dx_pointer(ctx: &ClaimCtx, code: &claimls_data::Code) -> String {
    let indications = code
        .drug
        .as_ref()
        .map(|d| d.indications.as_slice())
        .unwrap_or(&[]);
    let indicated = ctx.dxs.iter().find(|d| {
        let billable = match d.status {
            DxStatus::Known(known) => known.billable,
            _ => true,
        };
        let plain = d.dx.code.value.replace('.', "");
        billable
            && indications
                .iter()
                .any(|i| plain.starts_with(&i.replace('.', "")))
    });
    match indicated {
        Some(d) => format!(" dx {}", d.dx.letter.value),
        None => first_dx(ctx),
    }
}

fn first_dx(ctx: &ClaimCtx) -> String {
    ctx.dxs
        .first()
        .map(|d| format!(" dx {}", d.dx.letter.value))
        .unwrap_or_default()
}

/// `ndc 50242-0150-01 20 ML`: the one NDC the records' vials list, with the volume of `dose`.
pub fn ndc_clause(
    ctx: &ClaimCtx,
    administrations: &[usize],
    code: &claimls_data::Code,
    dose: claimls_model::Quantity,
) -> Option<String> {
    let mut ndcs = administrations.iter().flat_map(|&a| {
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
    Some(format!(
        "ndc {} {}",
        ndc.hyphenated()?,
        ndc_amount(ctx, code, &digits, dose)?
    ))
}

/// `20 ML`: the NDC quantity of `dose` given from the product `ndc11` (its volume per container).
fn ndc_amount(
    ctx: &ClaimCtx,
    code: &claimls_data::Code,
    ndc11: &str,
    dose: claimls_model::Quantity,
) -> Option<String> {
    let p = presentation_by_ndc(code.drug.as_ref(), ctx.data, ndc11)?;
    let ml = p.volume?.to_unit(DoseUnit::Ml)?.amount * dose.ratio(p.amount)?;
    Some(format!("{} ML", ml.round_dp(3).normalize()))
}

/// The NDC quantity a line of `code` reports for the product `ndc11` (`20 ML` for 600 mg from
/// 300 mg/10 mL vials): the dose of the records that bill the code, in the product's volume. `None`
/// when no record bills the code or the product has no volume.
pub fn ndc_quantity(ctx: &ClaimCtx, code: &str, ndc11: &str) -> Option<String> {
    let records: Vec<&crate::encounter::Administration> = ctx
        .administrations
        .iter()
        .filter(|a| a.codes.iter().any(|c| c.code == code))
        .collect();
    let c = records.first()?.codes.iter().find(|c| c.code == code)?;
    let math = waste_math(c, &records, ctx.data)?;
    ndc_amount(ctx, c, ndc11, math.dose)
}

/// How many containers of `size` the dose of record `a` takes: the dose ÷ one container's amount,
/// rounded up (600 mg from 300 mg vials: 2). A value for the coder to confirm against the chart, for
/// `vial <size> x▮`; `None` without a dose or a known container amount.
pub fn containers_for(ctx: &ClaimCtx, a: usize, size: &VialSize) -> Option<Decimal> {
    let rec = ctx.administrations.get(a)?;
    let dose = rec.admin.dose.as_ref()?.value;
    let amount = match size {
        VialSize::Amount(q) => *q,
        VialSize::Ndc(n) => {
            let digits = n.digits.as_deref()?;
            let drug = rec.codes.first().and_then(|c| c.drug.as_ref());
            presentation_by_ndc(drug, ctx.data, digits)?.amount
        }
    };
    let n = dose.ratio(amount)?.ceil();
    (n > Decimal::ZERO).then_some(n)
}

/// What record `a` discards: the containers it opened less its dose, never negative (`0 mg` when two
/// 300 mg vials give 600 mg), in the code's dose unit. `None` when the record lists no containers the
/// data can size, or names no drug one code bills.
pub fn discarded(ctx: &ClaimCtx, a: usize) -> Option<claimls_model::Quantity> {
    let rec = ctx.administrations.get(a)?;
    if rec.admin.vials.is_empty() || rec.codes.len() != 1 {
        return None;
    }
    let math = waste_math(rec.codes[0], &[rec], ctx.data)?;
    let (opened, _) = math.opened?;
    let left = (opened.amount - math.dose.amount).max(Decimal::ZERO);
    Some(claimls_model::Quantity::new(left, math.dose.unit))
}

declare_rule! {
    /// ## What it does
    /// Flags an `admin` record that no `line` bills: neither a drug line of its drug on its date nor an
    /// administration code bound to it.
    ///
    /// ## Why it matters
    /// A documented administration with no billed line is work and drug left unpaid, or a line that was
    /// meant for it and went missing.
    ///
    /// ## Example
    /// An `admin ocrelizumab` from 09:30 to 13:05 with no line fires: `line J2350 JZ units 600 dx A`,
    /// `line 96413 units 1 dx A`, `line 96415 units 3 dx A`.
    ///
    /// ## Fix
    /// Add the lines the record implies (one fix per administration code family when the family is the
    /// coder's choice).
    pub LINE_MISSING = "line-missing", Documentation, Warning, check: line_missing
}

fn line_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for (a, rec) in ctx.administrations.iter().enumerate() {
        // Hydration during another administration is not billed on its own (facts §15): no finding.
        let concurrent = ctx
            .administrations
            .iter()
            .enumerate()
            .any(|(i, other)| i != a && other.dos == rec.dos && rec.overlaps(other));
        if !unbilled(ctx, a) || (rec.hydration && concurrent) {
            continue;
        }
        let plans = bill_administration(ctx, a);
        let Some(first) = plans.first() else { continue };
        let mut f = Finding::new(
            &LINE_MISSING,
            rec.admin.header,
            format!(
                "The administration of {} is documented but no line bills it: add `{}`{}",
                rec.admin.drug.value,
                first.lines.join("`, `"),
                if plans.len() > 1 {
                    " (the administration code family depends on the drug and the payer: the other plan bills it as another drug)"
                } else {
                    ""
                }
            ),
        );
        if plans.len() == 1 {
            f = f.fix(
                format!("Bill this administration: {}", first.title),
                vec![plan_edit(ctx, first)],
            );
        } else {
            for p in &plans {
                f = f.alternative(
                    format!("Bill this administration: {}", p.title),
                    vec![plan_edit(ctx, p)],
                );
            }
        }
        out.push(f);
    }
}

/// Whether no `line` bills administration `a`: no drug line bound to it or of its drug on its date, and
/// no administration code bound to it.
pub fn unbilled(ctx: &ClaimCtx, a: usize) -> bool {
    let Some(rec) = ctx.administrations.get(a) else {
        return false;
    };
    let drug_billed = ctx.lines.iter().any(|l| l.administrations.contains(&a));
    let service_billed = ctx
        .encounters
        .iter()
        .any(|e| e.services.iter().any(|s| s.administration == Some(a)));
    let code_billed = ctx.lines.iter().any(|l| {
        l.dos == rec.dos
            && l.code.is_some_and(|c| {
                rec.codes.iter().any(|r| r.code == c.code)
                    || (rec.hydration && matches!(c.code.as_str(), "96360" | "96361"))
            })
    });
    !(drug_billed || service_billed || code_billed)
}

/// The units a line of `code` (a JW line when `jw`) bills in this claim, as "Bill this administration"
/// writes them: the given units of the drug, the JW units of its billable waste, the hours of an
/// add-on code, 1 for an initial or subsequent service. `None` when no record of the claim bills it.
pub fn derived_units(ctx: &ClaimCtx, code: &str, jw: bool) -> Option<String> {
    for a in 0..ctx.administrations.len() {
        for plan in bill_administration(ctx, a) {
            for line in &plan.lines {
                let words: Vec<&str> = line.split_whitespace().collect();
                if words.get(1) != Some(&code) || words.contains(&"JW") != jw {
                    continue;
                }
                let at = words.iter().position(|w| *w == "units")?;
                return words.get(at + 1).map(|u| u.to_string());
            }
        }
    }
    None
}

/// The codes the claim's records bill, in the order "Bill this administration" writes them (the first
/// plan of each record, records in order; each code once).
pub fn planned_codes(ctx: &ClaimCtx) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in 0..ctx.administrations.len() {
        let Some(plan) = bill_administration(ctx, a).into_iter().next() else {
            continue;
        };
        for line in &plan.lines {
            if let Some(code) = line.split_whitespace().nth(1)
                && !out.iter().any(|c| c == code)
            {
                out.push(code.to_string());
            }
        }
    }
    out
}

/// Whether the waste modifier `modifier` (JW or JZ) fits a line of drug `code` in this claim, and why,
/// from the waste arithmetic of the records that bill the code: `None` when it is not a waste modifier
/// or no record bills the code.
pub fn waste_fit(ctx: &ClaimCtx, code: &str, modifier: &str) -> Option<String> {
    if !matches!(modifier, "JW" | "JZ") {
        return None;
    }
    let records: Vec<&crate::encounter::Administration> = ctx
        .administrations
        .iter()
        .filter(|a| a.codes.iter().any(|c| c.code == code))
        .collect();
    let c = records.first()?.codes.iter().find(|c| c.code == code)?;
    let math = waste_math(c, &records, ctx.data)?;
    let opened = math.opened_text();
    let basis = if opened.is_empty() {
        math.given_sentence(code)
    } else {
        format!("{}; {opened}", math.given_sentence(code))
    };
    let single = math.container == ContainerKind::SingleDose;
    Some(
        match (modifier, math.jw_units.filter(|u| *u > Decimal::ZERO)) {
            (_, _) if !single => format!(
                "{modifier} does not apply here: {code} is not from a single-dose container ({basis}). JW and JZ are for single-dose containers."
            ),
            ("JZ", None) => format!(
                "JZ fits this line: no billable waste ({basis}). Medicare requires JZ on single-dose drugs with nothing discarded."
            ),
            ("JZ", Some(jw)) => format!(
                "JZ does not fit: the record gives billable waste of {} ({basis}); bill it on a JW line.",
                crate::context::count(jw, "unit")
            ),
            (_, Some(jw)) => format!(
                "JW fits: the record gives billable waste of {} ({basis}); the JW line bills it.",
                crate::context::count(jw, "unit")
            ),
            (_, None) => format!(
                "JW does not fit: the record gives no billable waste ({basis}); write JZ on the drug line."
            ),
        },
    )
}
