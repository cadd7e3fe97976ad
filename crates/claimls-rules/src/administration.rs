//! Administration codes: the infusion and injection codes of each encounter, judged by the
//! administration hierarchy against what the chart documents (facts §11, §15). The binding of each
//! billed code to the administration it bills is computed once in [`crate::hierarchy`]; these rules
//! read it.

use crate::context::{ClaimCtx, Delivery, count, dx_clause, show};
use crate::hierarchy::{Encounter, Service, as_push, as_subsequent, code_of};
use crate::{Edit, Finding, declare_rule};
use claimls_data::InfusionFamily as Family;
use claimls_model::Decimal;

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
    pub ADMIN_TIME_UNITS = "admin-time-units", Administration, Warning, check: admin_time_units
}

declare_rule! {
    /// ## What it does
    /// Flags a second initial administration service on one date of service: two of 96413, 96409,
    /// 96365, 96374, 96360 (without a distinct-site modifier 59/XS/XU).
    ///
    /// ## Why it matters
    /// CPT allows one initial service per encounter (per vascular access), chosen by the hierarchy —
    /// chemotherapy/complex-biologic infusion, then chemotherapy push, therapeutic infusion, therapeutic
    /// push, hydration — not by the clock. A second initial code is denied or recouped; the service is
    /// billed with its subsequent code.
    ///
    /// ## Example
    /// A methylprednisolone push (96374) before an ocrelizumab infusion (96413) on the same day: 96374
    /// fires; the push is the subsequent push of a new drug, 96375.
    ///
    /// ## Fix
    /// Replace the lower code with its subsequent code (96365 → 96367, 96374 → 96375, 96409 → 96411,
    /// 96413 → 96417, 96360 → 96361).
    pub ADMIN_INITIAL_DUPLICATE = "admin-initial-duplicate", Administration, Error, check: admin_initial_duplicate
}

declare_rule! {
    /// ## What it does
    /// Flags an infusion code (96365, 96413, 96367, 96417) billed for an administration that ran 15
    /// minutes or less.
    ///
    /// ## Why it matters
    /// CPT defines an infusion of 15 minutes or less as a push; the infusion code overbills it.
    ///
    /// ## Example
    /// `admin dexamethasone` from 09:00 to 09:05 billed `line 96365` fires: it is 96374 (or 96375 after
    /// another initial service).
    ///
    /// ## Fix
    /// Replace the infusion code with the push code.
    pub ADMIN_PUSH_AS_INFUSION = "admin-push-as-infusion", Administration, Error, check: admin_push_as_infusion
}

declare_rule! {
    /// ## What it does
    /// Flags a date of service whose drug lines bill a documented IV infusion or push, with no
    /// administration code at all on that date (in an office or other non-facility place of service).
    ///
    /// ## Why it matters
    /// The practitioner's work of giving the drug is billed separately from the drug; without it the
    /// administration is left unpaid.
    ///
    /// ## Example
    /// Ocrelizumab 09:30–13:05 billed with `line J2350 JZ units 600` only fires: 96413 ×1 and 96415 ×3
    /// (or 96365/96366 where the payer does not accept the chemotherapy codes for it).
    ///
    /// ## Fix
    /// Add the initial code and its additional hours: offered for each code family the drug may be
    /// billed with, since the family depends on the drug and the payer.
    pub ADMIN_CODE_MISSING = "admin-code-missing", Administration, Warning, check: admin_code_missing
}

declare_rule! {
    /// ## What it does
    /// Flags 96376 (the same drug pushed again) on a professional claim.
    ///
    /// ## Why it matters
    /// The NCCI add-on code file notes that 96376 may be reported by facilities only; on a
    /// practitioner's claim it is denied.
    ///
    /// ## Example
    /// `line 96376 units 1` in an office claim fires.
    ///
    /// ## Fix
    /// Remove the line.
    pub ADMIN_FACILITY_ONLY = "admin-facility-only", Administration, Warning, check: admin_facility_only
}

declare_rule! {
    /// ## What it does
    /// Flags hydration codes (96360, 96361) billed for fluid that ran at the same time as another
    /// infusion.
    ///
    /// ## Why it matters
    /// Hydration given alongside another infusion is part of that service and is not billed (CPT
    /// guidelines, facts §15).
    ///
    /// ## Example
    /// Normal saline 10:00–12:00 during an infliximab infusion 10:00–12:15 billed with 96360 fires.
    ///
    /// ## Fix
    /// Remove the hydration lines.
    pub ADMIN_HYDRATION_CONCURRENT = "admin-hydration-concurrent", Administration, Warning, check: admin_hydration_concurrent
}

declare_rule! {
    /// ## What it does
    /// Flags an add-on code billed without any of its primary codes on its date of service, by the
    /// CMS NCCI add-on code edits (the imported file, else the embedded drug-administration rows).
    ///
    /// ## Why it matters
    /// An add-on code is paid only with one of its listed primaries, billed by the same practitioner
    /// for the same patient on the same date (facts §15); alone, MACs deny it.
    ///
    /// ## Example
    /// `line 96415 units 2` with no 96413 on that date fires: 96415 needs 96413.
    ///
    /// ## Fix
    /// Bill the primary service the chart documents, or remove the add-on line.
    pub ADDON_WITHOUT_PRIMARY = "addon-without-primary", Administration, Error, check: addon_without_primary
}

fn addon_without_primary(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for e in &ctx.encounters {
        for &l in &e.lines {
            let line = ctx.lines[l].line;
            let Some(edit) = ctx.data.addon_primaries(&line.code.value, e.dos) else {
                continue;
            };
            // Contractor-defined add-ons have no listed primaries to check.
            if edit.primaries.is_empty() {
                continue;
            }
            let billed = e
                .lines
                .iter()
                .any(|&o| edit.primaries.contains(&ctx.lines[o].line.code.value));
            if billed {
                continue;
            }
            let on = e.dos.map_or(String::new(), |d| format!(" on {d}"));
            out.push(Finding::new(
                &ADDON_WITHOUT_PRIMARY,
                line.code.span,
                format!(
                    "{} is an add-on code, paid only with one of its primary codes on the same date of service ({}), and the claim bills none{on} (NCCI add-on code edits, {}). Bill the primary service the chart documents, or remove the add-on line.",
                    line.code.value,
                    edit.primaries.join(", "),
                    edit.source.name
                ),
            ));
        }
    }
}

/// The encounters whose administration codes the practitioner bills (a facility bills its own: there,
/// `pos-facility-drug` speaks).
fn billed_encounters<'c>(ctx: &'c ClaimCtx) -> impl Iterator<Item = &'c Encounter> {
    ctx.encounters.iter().filter(move |_| !ctx.facility)
}

/// "the ocrelizumab infusion (09:30 to 13:05)".
fn named(ctx: &ClaimCtx, a: usize) -> String {
    let admin = ctx.administrations[a].admin;
    format!(
        "the {} {} ({} to {})",
        admin.drug.value,
        match ctx.administrations[a].delivery {
            Delivery::Infusion { .. } => "infusion",
            _ => "administration",
        },
        admin
            .start
            .as_ref()
            .map_or(String::new(), |s| s.value.time.to_string()),
        admin
            .stop
            .as_ref()
            .map_or(String::new(), |s| s.time.value.to_string())
    )
}

/// "the ocrelizumab infusion ran 215 min (09:30 to 13:05)".
fn ran(ctx: &ClaimCtx, a: usize) -> String {
    let minutes = crate::context::infusion_minutes(ctx.administrations[a].admin).unwrap_or(0);
    named(ctx, a).replacen(" (", &format!(" ran {minutes} min ("), 1)
}

fn hours_word(n: i64) -> &'static str {
    if n == 1 { "hour" } else { "hours" }
}

fn admin_time_units(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for e in billed_encounters(ctx) {
        for family in [Family::Chemotherapy, Family::Therapeutic, Family::Hydration] {
            time_units_of(ctx, e, family, out);
        }
    }
}

/// `admin-time-units` for one code family on one date of service.
fn time_units_of(ctx: &ClaimCtx, e: &Encounter, family: Family, out: &mut Vec<Finding>) {
    let firsts: Vec<_> = e
        .services
        .iter()
        .filter(|b| matches!(b.service, Service::InitialInfusion(f) | Service::Sequential(f) if f == family))
        .collect();
    let additional: Vec<_> = e
        .services
        .iter()
        .filter(|b| b.service == Service::AdditionalHour(family))
        .collect();
    // An add-on without its first hour is addon-without-primary's finding.
    if firsts.is_empty() {
        return;
    }
    for b in &firsts {
        let line = ctx.lines[b.line].line;
        if let Some(units) = &line.units
            && units.value > Decimal::ONE
        {
            out.push(
                Finding::new(
                    &ADMIN_TIME_UNITS,
                    units.span,
                    format!(
                        "{} covers the first hour of one infusion and is billed once; the hours after it go on the add-on code. Write `units 1`.",
                        line.code.value
                    ),
                )
                .fix(
                    "Set units to 1",
                    vec![Edit {
                        span: units.span,
                        new_text: "1".into(),
                    }],
                ),
            );
        }
    }
    // Hydration after another initial service bills 96361 by the hour too; not judged here.
    if family == Family::Hydration
        && e.initial
            .is_some_and(|i| e.services[i].service != Service::InitialInfusion(Family::Hydration))
    {
        return;
    }
    let Some(expected) = e.expected_hours(family, &ctx.administrations) else {
        return;
    };
    let billed: Decimal = additional
        .iter()
        .filter_map(|b| ctx.lines[b.line].line.units.as_ref().map(|u| u.value))
        .sum();
    if billed == Decimal::from(expected) {
        return;
    }
    let Some(add_code) = code_of(Service::AdditionalHour(family)) else {
        return;
    };
    let infusions: Vec<usize> = firsts.iter().filter_map(|b| b.administration).collect();
    let runs: Vec<String> = infusions.iter().map(|&a| ran(ctx, a)).collect();
    let first_line = ctx.lines[firsts[0].line].line;
    let why = format!(
        "{}: {} bills the first hour, and each additional hour needs more than 30 minutes past the last full hour{}, so {expected} additional {}",
        capitalise(&runs.join("; ")),
        firsts
            .iter()
            .map(|b| ctx.lines[b.line].line.code.value.as_str())
            .collect::<Vec<_>>()
            .join(" and "),
        if infusions.len() > 1 {
            " of each infusion"
        } else {
            ""
        },
        hours_word(expected)
    );
    let related: Vec<_> = infusions
        .iter()
        .map(|&a| {
            let admin = ctx.administrations[a].admin;
            (
                admin.stop.as_ref().map_or(admin.header, |s| s.span),
                ran(ctx, a),
            )
        })
        .collect();
    let mut f = match additional.as_slice() {
        [] => {
            let statement = format!("line {add_code} units {expected}{}", dx_clause(first_line));
            let anchor = ctx.lines[firsts.last().map_or(firsts[0].line, |b| b.line)].line;
            Finding::new(
                &ADMIN_TIME_UNITS,
                first_line.span,
                format!("{why}. Add `{statement}`."),
            )
            .fix(
                format!("Add `{statement}`"),
                vec![ctx.insert_line_after(anchor.span, &statement)],
            )
        }
        [only] => {
            let line = ctx.lines[only.line].line;
            let span = line.units.as_ref().map_or(line.span, |u| u.span);
            if expected == 0 {
                Finding::new(
                    &ADMIN_TIME_UNITS,
                    span,
                    format!("{why}: remove the {} line.", line.code.value),
                )
                .fix(
                    format!("Remove the {} line", line.code.value),
                    vec![ctx.remove_statement(line.span)],
                )
            } else {
                let f = Finding::new(
                    &ADMIN_TIME_UNITS,
                    span,
                    format!(
                        "{why}, but this line bills {}. Write `units {expected}`.",
                        show(billed)
                    ),
                );
                match &line.units {
                    Some(u) => f.fix(
                        format!("Set units to {expected}"),
                        vec![Edit {
                            span: u.span,
                            new_text: expected.to_string(),
                        }],
                    ),
                    None => f,
                }
            }
        }
        many => Finding::new(
            &ADMIN_TIME_UNITS,
            ctx.lines[many[0].line].line.span,
            format!(
                "{why}, but the {add_code} lines bill {}. Bill the additional hours on one line with `units {expected}`.",
                show(billed)
            ),
        ),
    };
    for (span, text) in related {
        f = f.related(span, text);
    }
    out.push(f);
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether a line claims a separate access site (then a second initial service is allowed).
fn distinct_site(ctx: &ClaimCtx, line: usize) -> bool {
    let l = ctx.lines[line].line;
    ["59", "XS", "XU", "XE"].iter().any(|m| l.has_modifier(m))
}

fn admin_initial_duplicate(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for e in billed_encounters(ctx) {
        let Some(initial) = e.initial else { continue };
        let kept = &e.services[initial];
        let kept_code = &ctx.lines[kept.line].line.code.value;
        for (i, b) in e.services.iter().enumerate() {
            if i == initial || !b.service.is_initial() || distinct_site(ctx, b.line) {
                continue;
            }
            let line = ctx.lines[b.line].line;
            let same_drug_push = matches!(b.service, Service::InitialPush(_))
                && matches!(kept.service, Service::InitialPush(_))
                && b.administration
                    .zip(kept.administration)
                    .is_some_and(|(x, y)| {
                        ctx.administrations[x]
                            .codes
                            .iter()
                            .any(|c| ctx.administrations[y].bills(&c.code))
                    });
            let subsequent = as_subsequent(b.service)
                .filter(|_| !same_drug_push)
                .and_then(code_of);
            let dos = e.dos.map_or(String::new(), |d| format!(" on {d}"));
            let mut message = format!(
                "{kept_code} is the initial service of this encounter{dos} (the highest in the hierarchy: chemotherapy infusion, chemotherapy push, therapeutic infusion, therapeutic push, hydration), so {} is a second initial service; one is allowed per encounter unless a second access site is documented (59/XS/XU).",
                line.code.value
            );
            let mut f = match subsequent {
                Some(code) => {
                    message.push_str(&format!(" A service after the initial one is billed with its subsequent code: write {code}."));
                    Finding::new(&ADMIN_INITIAL_DUPLICATE, line.code.span, message).fix(
                        format!("Replace {} with {code}", line.code.value),
                        vec![Edit {
                            span: line.code.span,
                            new_text: code.to_string(),
                        }],
                    )
                }
                None => {
                    message.push_str(" Bill it with the subsequent code that fits what was given.");
                    Finding::new(&ADMIN_INITIAL_DUPLICATE, line.code.span, message)
                }
            };
            f = f.related(
                ctx.lines[kept.line].line.span,
                "the encounter's initial service",
            );
            out.push(f);
        }
    }
}

fn admin_push_as_infusion(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for e in billed_encounters(ctx) {
        for b in &e.services {
            if !b.service.is_infusion() {
                continue;
            }
            let Some(a) = b.administration else { continue };
            let Delivery::Push {
                minutes: Some(minutes),
            } = ctx.administrations[a].delivery
            else {
                continue;
            };
            let line = ctx.lines[b.line].line;
            let admin = ctx.administrations[a].admin;
            let push = as_push(b.service).and_then(code_of);
            let message = format!(
                "{}: an infusion of 15 minutes or less is a push, so {} (an infusion code) overbills it.{}",
                capitalise(&ran(ctx, a)),
                line.code.value,
                push.map_or(" Bill it with the push code.".to_string(), |p| format!(
                    " Write {p}."
                ))
            );
            let mut f = Finding::new(&ADMIN_PUSH_AS_INFUSION, line.code.span, message).related(
                admin.stop.as_ref().map_or(admin.header, |s| s.span),
                format!("{minutes} min"),
            );
            if let Some(p) = push {
                f = f.fix(
                    format!("Replace {} with {p}", line.code.value),
                    vec![Edit {
                        span: line.code.span,
                        new_text: p.to_string(),
                    }],
                );
            }
            out.push(f);
        }
    }
}

fn admin_code_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for e in billed_encounters(ctx) {
        if !e.services.is_empty() || ctx.claim.pos.is_none() {
            continue;
        }
        // The main administration: the longest IV infusion whose drug a line bills, else a push.
        let billed_admin = |a: usize| {
            e.lines
                .iter()
                .any(|&l| ctx.lines[l].administrations.contains(&a) && !ctx.lines[l].is_jw())
        };
        let main = e
            .administrations
            .iter()
            .copied()
            .filter(|&a| billed_admin(a) && !ctx.administrations[a].hydration)
            .filter(|&a| {
                matches!(
                    ctx.administrations[a].delivery,
                    Delivery::Infusion { .. } | Delivery::Push { .. }
                )
            })
            .max_by_key(|&a| match ctx.administrations[a].delivery {
                Delivery::Infusion { minutes } => (1, minutes),
                _ => (0, 0),
            });
        let Some(main) = main else { continue };
        let Some(&drug_line) = e
            .lines
            .iter()
            .find(|&&l| ctx.lines[l].administrations.contains(&main) && !ctx.lines[l].is_jw())
        else {
            continue;
        };
        let line = ctx.lines[drug_line].line;
        let a = &ctx.administrations[main];
        let (what, plans): (String, Vec<(Family, Vec<String>)>) = match a.delivery {
            Delivery::Infusion { minutes } => {
                let hours = crate::context::additional_hours(minutes);
                let plan = |family: Family| {
                    let mut lines = vec![format!(
                        "line {} units 1{}",
                        code_of(Service::InitialInfusion(family)).unwrap_or_default(),
                        dx_clause(line)
                    )];
                    if hours > 0 {
                        lines.push(format!(
                            "line {} units {hours}{}",
                            code_of(Service::AdditionalHour(family)).unwrap_or_default(),
                            dx_clause(line)
                        ));
                    }
                    (family, lines)
                };
                (
                    format!(
                        "{}: it is billed with a first hour and {}",
                        ran(ctx, main),
                        count(Decimal::from(hours), "additional hour")
                    ),
                    vec![plan(Family::Chemotherapy), plan(Family::Therapeutic)],
                )
            }
            _ => {
                let plan = |family: Family| {
                    (
                        family,
                        vec![format!(
                            "line {} units 1{}",
                            code_of(Service::InitialPush(family)).unwrap_or_default(),
                            dx_clause(line)
                        )],
                    )
                };
                (
                    format!("the {} was given by IV push", a.admin.drug.value),
                    vec![plan(Family::Therapeutic), plan(Family::Chemotherapy)],
                )
            }
        };
        let options: Vec<String> = plans
            .iter()
            .map(|(family, lines)| {
                let codes: Vec<&str> = lines
                    .iter()
                    .filter_map(|l| l.split_whitespace().nth(1))
                    .collect();
                format!(
                    "{} ({})",
                    codes.join(" + "),
                    match family {
                        Family::Chemotherapy => "chemotherapy and complex biologics",
                        _ => "other drugs",
                    }
                )
            })
            .collect();
        let mut f = Finding::new(
            &ADMIN_CODE_MISSING,
            line.code.span,
            format!(
                "{}, but the claim bills no administration code for {}: the practitioner's administration is billed separately from the drug. Add {}; which family applies depends on the drug and the payer.",
                capitalise(&what),
                e.dos.map_or("it".to_string(), |d| d.to_string()),
                options.join(" or ")
            ),
        )
        .related(a.admin.header, format!("administration of {}", a.admin.drug.value));
        for (_, lines) in plans {
            let title = format!("Add `{}`", lines.join("` and `"));
            let mut anchor = line.span;
            let mut edits = Vec::new();
            // Each new line goes after the last line of the encounter, in order.
            if let Some(&last) = e.lines.last() {
                anchor = ctx.lines[last].line.span;
            }
            let text = lines.join(&format!("{}{}", ctx.newline(), ctx.indent_at(anchor.start)));
            edits.push(ctx.insert_line_after(anchor, &text));
            f = f.alternative(title, edits);
        }
        out.push(f);
    }
}

fn admin_facility_only(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for facts in &ctx.lines {
        if facts.service() != Some(Service::RepeatPush) {
            continue;
        }
        let line = facts.line;
        out.push(
            Finding::new(
                &ADMIN_FACILITY_ONLY,
                line.code.span,
                "96376 (the same drug pushed again) may be reported by facilities only (NCCI add-on code file); a practitioner's claim does not bill it. Remove the line.",
            )
            .fix("Remove the 96376 line", vec![ctx.remove_statement(line.span)]),
        );
    }
}

fn admin_hydration_concurrent(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for e in billed_encounters(ctx) {
        let hydrations: Vec<usize> = e
            .administrations
            .iter()
            .copied()
            .filter(|&a| ctx.administrations[a].hydration)
            .collect();
        if hydrations.is_empty() {
            continue;
        }
        let concurrent: Vec<(usize, usize)> = hydrations
            .iter()
            .filter_map(|&h| {
                e.administrations
                    .iter()
                    .copied()
                    .find(|&o| {
                        !ctx.administrations[o].hydration
                            && matches!(ctx.administrations[o].delivery, Delivery::Infusion { .. })
                            && ctx.administrations[h].overlaps(&ctx.administrations[o])
                    })
                    .map(|o| (h, o))
            })
            .collect();
        // Judge only when every hydration of the date ran alongside another infusion.
        if concurrent.len() != hydrations.len() {
            continue;
        }
        let (h, o) = concurrent[0];
        for b in &e.services {
            if !matches!(
                b.service,
                Service::InitialInfusion(Family::Hydration)
                    | Service::AdditionalHour(Family::Hydration)
            ) {
                continue;
            }
            let line = ctx.lines[b.line].line;
            out.push(
                Finding::new(
                    &ADMIN_HYDRATION_CONCURRENT,
                    line.code.span,
                    format!(
                        "Hydration given alongside another infusion is not billed: {}, during {}. Remove the {} line.",
                        ran(ctx, h),
                        named(ctx, o),
                        line.code.value
                    ),
                )
                .fix(
                    format!("Remove the {} line", line.code.value),
                    vec![ctx.remove_statement(line.span)],
                ),
            );
        }
    }
}
