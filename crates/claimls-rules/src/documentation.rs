//! Documentation: what the administration record and the order must say for the lines to be paid.

use super::Finding;
use super::context::{ClaimCtx, ContainerKind, show};
use crate::declare_rule;
use claimls_model::{Admin, OrderStatus};

declare_rule! {
    /// ## What it does
    /// Flags a drug line with no `admin` record for its drug.
    ///
    /// ## Why it matters
    /// A drug billed without an administration record is unsupported: an audit recovers the whole line.
    ///
    /// ## Example
    /// `line J2350 JZ units 600` in a claim without `admin ocrelizumab` fires.
    ///
    /// ## Fix
    /// Add an `admin <drug>` block with its dose, route, start, stop, vials and waste.
    pub DOC_ADMIN_MISSING = "doc-admin-missing", Documentation, Error
}

declare_rule! {
    /// ## What it does
    /// Flags an `admin` record without a `dose`.
    ///
    /// ## Why it matters
    /// The billed units are computed from the dose; without it nothing supports them.
    ///
    /// ## Example
    /// `admin ocrelizumab` with no `dose` line fires.
    ///
    /// ## Fix
    /// Add `dose <amount> <unit>` from the administration record.
    pub DOC_DOSE_MISSING = "doc-dose-missing", Documentation, Error
}

declare_rule! {
    /// ## What it does
    /// Flags an `admin` record without a `route`.
    ///
    /// ## Why it matters
    /// The route decides the administration code (infusion, push, injection) and is part of the record.
    ///
    /// ## Example
    /// `admin ocrelizumab` with no `route` fires; `route iv` clears it.
    ///
    /// ## Fix
    /// Add `route iv` (or sc, im, …).
    pub DOC_ROUTE_MISSING = "doc-route-missing", Documentation, Error
}

declare_rule! {
    /// ## What it does
    /// Flags an `admin` record without a `start`.
    ///
    /// ## Why it matters
    /// The start gives the date of service and, with the stop, the infusion time the administration codes
    /// bill.
    ///
    /// ## Example
    /// `admin infliximab` without `start 2026-11-12 10:00` fires.
    ///
    /// ## Fix
    /// Add `start <date> <time>`.
    pub DOC_START_MISSING = "doc-start-missing", Documentation, Error
}

declare_rule! {
    /// ## What it does
    /// Flags an infused drug's `admin` record without a `stop`.
    ///
    /// ## Why it matters
    /// Infusion codes bill by the hour; without a stop time the duration — and every add-on hour — is
    /// unsupported.
    ///
    /// ## Example
    /// `admin ocrelizumab` with `start 2026-11-20 09:30` and no `stop` fires.
    ///
    /// ## Fix
    /// Add `stop <time>` (or `stop <date> <time>` past midnight).
    pub DOC_STOP_MISSING = "doc-stop-missing", Documentation, Error
}

declare_rule! {
    /// ## What it does
    /// Flags an `admin` record that does not say whether there were adverse reactions.
    ///
    /// ## Why it matters
    /// Reviewers expect the record to state reactions (or none) for infused biologics; interventions for a
    /// reaction may be billable on their own.
    ///
    /// ## Example
    /// An `admin` block without `reaction none` or `reaction "<text>"` fires.
    ///
    /// ## Fix
    /// Add `reaction none`, or `reaction "<what happened and what was done>"`.
    pub DOC_REACTION_MISSING = "doc-reaction-missing", Documentation, Warning
}

declare_rule! {
    /// ## What it does
    /// Flags a single-dose-container drug's `admin` record with no `waste` statement — not even
    /// `waste 0 mg`.
    ///
    /// ## Why it matters
    /// JW and JZ attest to the discarded amount; the record must say what it was, including zero.
    ///
    /// ## Example
    /// Ocrelizumab 600 mg from two 300 mg vials without `waste 0 mg` fires.
    ///
    /// ## Fix
    /// Add `waste <amount>` — when the containers are listed, the fix writes the amount they leave.
    pub DOC_WASTE_MISSING = "doc-waste-missing", Documentation, Warning
}

declare_rule! {
    /// ## What it does
    /// Flags a claim without an `order` statement.
    ///
    /// ## Why it matters
    /// A drug administered without a documented order is not payable.
    ///
    /// ## Example
    /// A claim without `order 2026-11-01 signed "R. Patel, MD"` fires.
    ///
    /// ## Fix
    /// Add `order <date> signed "<who>"`.
    pub DOC_ORDER_MISSING = "doc-order-missing", Documentation, Error
}

declare_rule! {
    /// ## What it does
    /// Flags an order written as `unsigned`.
    ///
    /// ## Why it matters
    /// An unsigned order does not support the service; Medicare requires a signature (Program Integrity
    /// Manual ch. 3 §3.3.2.4).
    ///
    /// ## Example
    /// `order 2026-11-01 unsigned` fires.
    ///
    /// ## Fix
    /// Get the order signed and write `order <date> signed "<who>"`.
    pub DOC_ORDER_UNSIGNED = "doc-order-unsigned", Documentation, Error
}

declare_rule! {
    /// ## What it does
    /// Flags an order dated after the date of service.
    ///
    /// ## Why it matters
    /// The order must exist before the drug is given; a later order does not support the service.
    ///
    /// ## Example
    /// `order 2026-11-25 signed "…"` with `start 2026-11-20 09:30` fires.
    ///
    /// ## Fix
    /// Check the order date; an order written after the fact needs the payer's late-order process.
    pub DOC_ORDER_AFTER_SERVICE = "doc-order-after-service", Documentation, Error
}

pub fn check(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    doc_admin_missing(ctx, out);
    for admin in &ctx.claim.admins {
        admin_details(ctx, admin, out);
    }
    doc_waste_missing(ctx, out);
    order(ctx, out);
}

pub fn doc_admin_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for facts in &ctx.lines {
        if !facts.is_drug() || facts.admin.is_some() {
            continue;
        }
        let Some(code) = facts.code else { continue };
        // A different drug documented: that is code-drug-mismatch's finding.
        if super::codes::mismatched_admin(ctx, facts).is_some() {
            continue;
        }
        let drug = code
            .drug
            .as_ref()
            .map_or(code.code.to_lowercase(), |d| d.generic.clone());
        let statement = format!("admin {drug}");
        out.push(
            Finding::new(
                &DOC_ADMIN_MISSING,
                facts.line.code.span,
                format!(
                    "{} bills {}, but the claim has no administration record for it. A drug billed without one is unsupported: add `{statement}` with its dose, route, start and stop.",
                    code.code, drug
                ),
            )
            .fix(format!("Add `{statement}`"), vec![ctx.insert_in_claim(&statement)]),
        );
    }
}

fn admin_details(ctx: &ClaimCtx, admin: &Admin, out: &mut Vec<Finding>) {
    let drug = &admin.drug.value;
    if admin.dose.is_none() {
        out.push(Finding::new(
            &DOC_DOSE_MISSING,
            admin.header,
            format!("The administration of {drug} has no dose; the billed units are computed from it. Add `dose <amount> <unit>` (e.g. `dose 600 mg`)."),
        ));
    }
    if admin.route.is_none() {
        out.push(Finding::new(
            &DOC_ROUTE_MISSING,
            admin.header,
            format!("The administration of {drug} has no route. Add `route iv` (or sc, im, …) as charted."),
        ));
    }
    if admin.start.is_none() {
        out.push(Finding::new(
            &DOC_START_MISSING,
            admin.header,
            format!("The administration of {drug} has no start; it gives the date of service and the infusion time. Add `start <YYYY-MM-DD> <HH:MM>`."),
        ));
    }
    let infused = ctx
        .admin_codes(admin)
        .iter()
        .any(|c| c.drug.as_ref().is_some_and(|d| d.infused))
        || admin
            .route
            .as_ref()
            .is_some_and(|r| r.value.eq_ignore_ascii_case("iv"));
    if infused && admin.stop.is_none() && admin.start.is_some() {
        out.push(Finding::new(
            &DOC_STOP_MISSING,
            admin.start.as_ref().map_or(admin.header, |s| s.span),
            format!("{drug} is infused, but the record has no stop time: the infusion duration, and every add-on hour billed for it, is unsupported. Add `stop <HH:MM>`."),
        ));
    }
    if admin.reaction.is_none() {
        let statement = "reaction none";
        out.push(
            Finding::new(
                &DOC_REACTION_MISSING,
                admin.header,
                format!("The administration of {drug} does not say whether there were adverse reactions. Add `reaction none` or `reaction \"<what happened>\"`."),
            )
            .fix(format!("Add `{statement}`"), vec![ctx.insert_in_admin(admin, statement)]),
        );
    }
}

pub fn doc_waste_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for u in &ctx.drugs {
        let (Some(admin), Some(math)) = (u.admin, &u.math) else {
            continue;
        };
        if math.container != ContainerKind::SingleDose || !admin.wastes.is_empty() {
            continue;
        }
        let mut f = Finding::new(
            &DOC_WASTE_MISSING,
            admin.header,
            format!(
                "{} comes from a single-dose container, and the record does not say how much was discarded. JW and JZ attest to it: add `waste <amount>` (`waste 0 mg` when nothing was discarded).",
                admin.drug.value
            ),
        );
        if let Some((opened, _)) = &math.opened {
            let left = opened.amount - math.dose.amount;
            if left >= claimls_model::Decimal::ZERO {
                let statement = format!("waste {} {}", show(left), math.dose.unit);
                f.message = format!(
                    "{} The containers opened leave {} {}: `{statement}`.",
                    f.message,
                    show(left),
                    math.dose.unit
                );
                f = f.fix(
                    format!("Add `{statement}`"),
                    vec![ctx.insert_in_admin(admin, &statement)],
                );
            }
        }
        out.push(f);
    }
}

pub fn order(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    let claim = ctx.claim;
    let Some(order) = claim.orders.first() else {
        let date = ctx
            .claim_dos()
            .map_or("<YYYY-MM-DD>".to_string(), |d| d.to_string());
        let statement = format!("order {date} signed \"<ordering physician>\"");
        out.push(
            Finding::new(
                &DOC_ORDER_MISSING,
                claim.header,
                "The claim has no treatment order; a drug given without a documented order is not payable. Add `order <date> signed \"<who>\"`.",
            )
            .fix(format!("Add `{statement}`"), vec![ctx.insert_in_claim(&statement)]),
        );
        return;
    };
    if order.status.value == OrderStatus::Unsigned {
        out.push(Finding::new(
            &DOC_ORDER_UNSIGNED,
            order.status.span,
            "The order is unsigned; an unsigned order does not support the service. Get it signed and write `signed \"<who>\"`.",
        ));
    }
    let Some(date) = &order.date else { return };
    let services: Vec<_> = ctx.lines.iter().filter_map(|l| l.dos).collect();
    if let Some(first) = services.iter().min()
        && date.value > *first
    {
        let admin_span = claim
            .admins
            .iter()
            .find(|a| a.date_of_service() == Some(*first))
            .and_then(|a| a.start.as_ref().map(|s| s.span));
        let mut f = Finding::new(
            &DOC_ORDER_AFTER_SERVICE,
            date.span,
            format!(
                "The order is dated {}, after the date of service {first}. The order must exist before the drug is given: check the order date.",
                date.value
            ),
        );
        if let Some(s) = admin_span {
            f = f.related(s, format!("date of service {first}"));
        }
        out.push(f);
    }
}
