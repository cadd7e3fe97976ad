//! Documentation: what the administration record and the order must say for the lines to be paid.
//!
//! None of these rules writes the missing documentation for the coder: a dose, a time, a signature is a
//! fact of the chart. Where the record itself gives the answer (the waste the containers leave), the
//! fix writes it.

use crate::context::{ClaimCtx, ContainerKind, Delivery, show};
use crate::{Finding, declare_rule};
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
    pub DOC_ADMIN_MISSING = "doc-admin-missing", Documentation, Error, check: doc_admin_missing
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
    pub DOC_DOSE_MISSING = "doc-dose-missing", Documentation, Error, check: doc_dose_missing
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
    pub DOC_ROUTE_MISSING = "doc-route-missing", Documentation, Error, check: doc_route_missing
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
    pub DOC_START_MISSING = "doc-start-missing", Documentation, Error, check: doc_start_missing
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
    pub DOC_STOP_MISSING = "doc-stop-missing", Documentation, Error, check: doc_stop_missing
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
    pub DOC_REACTION_MISSING = "doc-reaction-missing", Documentation, Warning, check: doc_reaction_missing
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
    pub DOC_WASTE_MISSING = "doc-waste-missing", Documentation, Warning, check: doc_waste_missing
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
    pub DOC_ORDER_MISSING = "doc-order-missing", Documentation, Error, check: doc_order_missing
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
    pub DOC_ORDER_UNSIGNED = "doc-order-unsigned", Documentation, Error, check: doc_order_unsigned
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
    pub DOC_ORDER_AFTER_SERVICE = "doc-order-after-service", Documentation, Error, check: doc_order_after_service
}

fn doc_admin_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for facts in &ctx.lines {
        // A different drug documented for this date: that is code-drug-mismatch's finding.
        if !facts.is_drug() || !facts.administrations.is_empty() || facts.mismatch.is_some() {
            continue;
        }
        let Some(code) = facts.code else { continue };
        let drug = code
            .drug
            .as_ref()
            .map_or(code.code.to_lowercase(), |d| d.generic.clone());
        let elsewhere: Vec<String> = ctx
            .administrations
            .iter()
            .filter(|a| a.bills(&code.code) && a.dos != facts.dos)
            .filter_map(|a| a.dos.map(|d| d.to_string()))
            .collect();
        let message = match (facts.dos, elsewhere.as_slice()) {
            (Some(dos), [_, ..]) => format!(
                "{} bills {drug} on {dos}, but the claim's administration records of {drug} are on {}. A drug billed without a record for its date is unsupported: check the line's `on` date, or add the {dos} administration (`admin {drug}` with its dose, route, start and stop).",
                code.code,
                elsewhere.join(", ")
            ),
            _ => format!(
                "{} bills {drug}, but the claim has no administration record for it. A drug billed without one is unsupported: add `admin {drug}` with its dose, route, start and stop as charted.",
                code.code
            ),
        };
        out.push(Finding::new(
            &DOC_ADMIN_MISSING,
            facts.line.code.span,
            message,
        ));
    }
}

fn doc_dose_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for admin in &ctx.claim.admins {
        if admin.dose.is_none() {
            out.push(Finding::new(
                &DOC_DOSE_MISSING,
                admin.header,
                format!("The administration of {} has no dose; the billed units are computed from it. Add `dose <amount> <unit>` (e.g. `dose 600 mg`).", admin.drug.value),
            ));
        }
    }
}

fn doc_route_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for admin in &ctx.claim.admins {
        if admin.route.is_none() {
            out.push(Finding::new(
                &DOC_ROUTE_MISSING,
                admin.header,
                format!("The administration of {} has no route. Add `route iv` (or sc, im, …) as charted.", admin.drug.value),
            ));
        }
    }
}

fn doc_start_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for admin in &ctx.claim.admins {
        if admin.start.is_none() {
            out.push(Finding::new(
                &DOC_START_MISSING,
                admin.header,
                format!("The administration of {} has no start; it gives the date of service and the infusion time. Add `start <YYYY-MM-DD> <HH:MM>`.", admin.drug.value),
            ));
        }
    }
}

/// An IV administration whose duration bills: the drug is given by infusion (its label), or the
/// encounter bills an infusion code. A push (`route iv push`, or only push codes billed) needs no stop.
fn duration_bills(ctx: &ClaimCtx, index: usize) -> bool {
    let a = &ctx.administrations[index];
    if a.delivery != Delivery::IntravenousUntimed {
        return false;
    }
    let labelled = a
        .codes
        .iter()
        .any(|c| c.drug.as_ref().is_some_and(|d| d.infused));
    let infusion_billed = ctx.encounter(a.dos).is_some_and(|e| {
        e.services.iter().any(|b| {
            b.service.is_infusion()
                || matches!(b.service, crate::context::Service::AdditionalHour(_))
        })
    });
    labelled || infusion_billed
}

fn doc_stop_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for (i, a) in ctx.administrations.iter().enumerate() {
        let admin = a.admin;
        let Some(start) = &admin.start else { continue };
        if admin.stop.is_some() || !duration_bills(ctx, i) {
            continue;
        }
        out.push(Finding::new(
            &DOC_STOP_MISSING,
            start.span,
            format!("{} is infused, but the record has no stop time: the infusion duration, and every add-on hour billed for it, is unsupported. Add `stop <HH:MM>` as charted.", admin.drug.value),
        ));
    }
}

fn doc_reaction_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for admin in &ctx.claim.admins {
        if admin.reaction.is_some() {
            continue;
        }
        out.push(Finding::new(
            &DOC_REACTION_MISSING,
            admin.header,
            format!("The administration of {} does not say whether there were adverse reactions. Add `reaction none` or `reaction \"<what happened>\"` as charted.", admin.drug.value),
        ));
    }
}

fn doc_waste_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for u in &ctx.drugs {
        let Some(math) = &u.math else { continue };
        if math.container != ContainerKind::SingleDose {
            continue;
        }
        let records: Vec<&Admin> = u
            .administrations
            .iter()
            .map(|&a| ctx.administrations[a].admin)
            .collect();
        if records.is_empty() || records.iter().any(|a| !a.wastes.is_empty()) {
            continue;
        }
        let admin = records[0];
        let mut f = Finding::new(
            &DOC_WASTE_MISSING,
            admin.header,
            format!(
                "{} comes from a single-dose container, and the record does not say how much was discarded. JW and JZ attest to it: add `waste <amount>` (`waste 0 mg` when nothing was discarded).",
                admin.drug.value
            ),
        );
        // The containers opened give the answer when one record holds them all.
        if let ([one], Some((opened, _))) = (records.as_slice(), &math.opened) {
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
                    vec![ctx.insert_in_admin(one, &statement)],
                );
            }
        }
        out.push(f);
    }
}

fn doc_order_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    let claim = ctx.claim;
    if !claim.orders.is_empty() {
        return;
    }
    out.push(Finding::new(
        &DOC_ORDER_MISSING,
        claim.header,
        "The claim has no treatment order; a drug given without a documented order is not payable. Add `order <date> signed \"<who>\"` from the chart.",
    ));
}

fn doc_order_unsigned(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for order in &ctx.claim.orders {
        if order.status.value == OrderStatus::Unsigned {
            out.push(Finding::new(
                &DOC_ORDER_UNSIGNED,
                order.status.span,
                "The order is unsigned; an unsigned order does not support the service. Get it signed and write `signed \"<who>\"`.",
            ));
        }
    }
}

fn doc_order_after_service(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    let claim = ctx.claim;
    let Some(order) = claim.orders.first() else {
        return;
    };
    let Some(date) = &order.date else { return };
    let Some(first) = ctx.lines.iter().filter_map(|l| l.dos).min() else {
        return;
    };
    if date.value <= first {
        return;
    }
    let admin_span = claim
        .admins
        .iter()
        .find(|a| a.date_of_service() == Some(first))
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
