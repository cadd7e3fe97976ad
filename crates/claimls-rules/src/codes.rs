//! Codes and diagnoses: is each code real, in effect, the right one for the documented drug, and
//! supported by a billable diagnosis; NDCs, place of service and the provider's NPI.

use crate::context::{ClaimCtx, CodeStatus, DxStatus, LineFacts, ModifierStatus};
use crate::{Edit, Finding, declare_rule};
use claimls_data::{CodeKind, ModifierKind};
use claimls_model::{Date, Decimal, DxPointer, Span};

declare_rule! {
    /// ## What it does
    /// Flags a line code that is not a HCPCS Level II code or CPT number: malformed (`J23X0`), or —
    /// once the official HCPCS file for its date of service is imported — absent from it.
    ///
    /// ## Why it matters
    /// A line with an invalid code is rejected before any other edit runs.
    ///
    /// ## Example
    /// `line J23X0 units 600` fires: HCPCS Level II codes are a letter and four digits.
    ///
    /// ## Fix
    /// Write the code from the current HCPCS file (`claimls lookup <drug>` finds it).
    pub CODE_UNKNOWN = "code-unknown", Codes, Error, check: code_unknown
}

declare_rule! {
    /// ## What it does
    /// Notes a well-formed code, modifier or diagnosis that the loaded code data does not know while only
    /// the embedded curated subset is loaded for the date of service.
    ///
    /// ## Why it matters
    /// Absence from a curated subset proves nothing, so this is information, not an error; with the
    /// official files imported (`claimls data import`) the code is judged by `code-unknown`,
    /// `modifier-unknown` or `dx-unknown`.
    ///
    /// ## Example
    /// `line J9173 units 100` with only the embedded data: "not in the embedded code data".
    ///
    /// ## Fix
    /// Import the official files to verify: `claimls data import <folder>`.
    pub NOT_IN_DATA = "not-in-data", Codes, Information, check: not_in_data
}

declare_rule! {
    /// ## What it does
    /// Flags a code that is not in effect on the line's date of service: terminated before it, or added
    /// after it.
    ///
    /// ## Why it matters
    /// Claims with a terminated code are rejected; CMS replaces codes (J1300 eculizumab 10 mg ended
    /// 2025-03-31, replaced by J1299, 2 mg) and the units change with them.
    ///
    /// ## Example
    /// `line J1300 units 90` on 2026-11-20 fires.
    ///
    /// ## Fix
    /// Bill the replacement code (and recompute the units for its billing unit). No replacement is
    /// offered when the line bills another drug than the administration record documents
    /// (`code-drug-mismatch`): the successor would bill that other drug too.
    pub CODE_INACTIVE = "code-inactive", Codes, Error, check: code_inactive
}

declare_rule! {
    /// ## What it does
    /// Flags a drug line whose code bills a different drug than the `admin` record documents.
    ///
    /// ## Why it matters
    /// Billing another drug's code is a false claim whatever the units; common mix-ups come from
    /// articles that got codes wrong (J1301 is edaravone, not ocrelizumab; J2350 is ocrelizumab, not
    /// omalizumab).
    ///
    /// ## Example
    /// `admin ocrelizumab` with `line J1301 units 600` fires: "did you mean J2350?"
    ///
    /// ## Fix
    /// Replace the code with the documented drug's code.
    pub CODE_DRUG_MISMATCH = "code-drug-mismatch", Codes, Error, check: code_drug_mismatch
}

declare_rule! {
    /// ## What it does
    /// Flags a modifier that is not a HCPCS Level II or CPT modifier on the date of service (never
    /// existed, like JN, or terminated, like JG after 2024-12-31).
    ///
    /// ## Why it matters
    /// An invalid modifier rejects the line.
    ///
    /// ## Example
    /// `line J2350 JN units 600` fires: there is no JN modifier.
    ///
    /// ## Fix
    /// Remove it, or use its replacement (JG → TB).
    pub MODIFIER_UNKNOWN = "modifier-unknown", Codes, Error, check: modifier_unknown
}

declare_rule! {
    /// ## What it does
    /// Flags a modifier that does not belong on this kind of code: a procedure modifier (22, 25, 59…) on
    /// a drug supply code, a drug modifier (JW, JZ, JA, JB, TB…) on a non-drug code.
    ///
    /// ## Why it matters
    /// Extra drug is billed through units (and JW), not modifier 22; payers deny or strip misapplied
    /// modifiers, and a pattern of them draws review.
    ///
    /// ## Example
    /// `line J2350 22 units 600` fires; so does `line 96413 JZ units 1`.
    ///
    /// ## Fix
    /// Remove the modifier.
    pub MODIFIER_NOT_APPLICABLE = "modifier-not-applicable", Codes, Warning, check: modifier_not_applicable
}

declare_rule! {
    /// ## What it does
    /// Flags the same modifier twice on a line, or more than four modifiers.
    ///
    /// ## Why it matters
    /// A claim line has four modifier positions; duplicates are rejected.
    ///
    /// ## Example
    /// `line J2350 JZ JZ units 600` fires.
    ///
    /// ## Fix
    /// Remove the repeated modifier.
    pub MODIFIER_DUPLICATE = "modifier-duplicate", Codes, Error, check: modifier_duplicate
}

declare_rule! {
    /// ## What it does
    /// Flags a claim without a `dx` statement.
    ///
    /// ## Why it matters
    /// Every professional claim line needs a diagnosis pointer; a claim without one is rejected.
    ///
    /// ## Example
    /// A claim with lines and no `dx` fires.
    ///
    /// ## Fix
    /// Add `dx A <ICD-10-CM code>`.
    pub DX_MISSING = "dx-missing", Codes, Error, check: dx_missing
}

declare_rule! {
    /// ## What it does
    /// Flags a diagnosis that is not an ICD-10-CM code: malformed (`G3`), not in effect on the date of
    /// service, or — once the official ICD-10-CM files are imported — absent from them.
    ///
    /// ## Why it matters
    /// An invalid diagnosis code rejects every line that points at it.
    ///
    /// ## Example
    /// `dx A G3` fires.
    ///
    /// ## Fix
    /// Write the billable code from the current ICD-10-CM tabular list.
    pub DX_UNKNOWN = "dx-unknown", Codes, Error, check: dx_unknown
}

declare_rule! {
    /// ## What it does
    /// Flags a category or subcategory header used as a diagnosis: it is not billable on the date of
    /// service.
    ///
    /// ## Why it matters
    /// Only codes to the highest specificity are billable. G35 (multiple sclerosis) became a header on
    /// 2025-10-01, split into G35.A, G35.B0–B2, G35.C0–C2 and G35.D.
    ///
    /// ## Example
    /// `dx A G35` on 2026-11-20 fires.
    ///
    /// ## Fix
    /// Replace it with one of its billable codes (the editor offers each).
    pub DX_NOT_BILLABLE = "dx-not-billable", Codes, Error, check: dx_not_billable
}

declare_rule! {
    /// ## What it does
    /// Flags a line's `dx` pointer to a letter or code the claim does not have, or more than four
    /// pointers.
    ///
    /// ## Why it matters
    /// A line points at up to four of the claim's diagnoses by letter; a dangling pointer rejects the line.
    ///
    /// ## Example
    /// `line J2350 JZ units 600 dx B` in a claim with only `dx A …` fires.
    ///
    /// ## Fix
    /// Point at a diagnosis the claim has, or add it.
    pub DX_POINTER_INVALID = "dx-pointer-invalid", Codes, Error, check: dx_pointer_invalid
}

declare_rule! {
    /// ## What it does
    /// Flags a drug line none of whose diagnoses is an indication of its drug.
    ///
    /// ## Why it matters
    /// Coverage of a drug follows its indications (the LCD/NCD or payer policy); a line without a
    /// supporting diagnosis is denied as not medically necessary.
    ///
    /// ## Example
    /// `line J2350 …` pointing only at `dx A K50.90`: ocrelizumab is indicated for multiple sclerosis (G35).
    ///
    /// ## Fix
    /// Point the line at the diagnosis the drug treats, or check the drug.
    pub DX_UNSUPPORTED = "dx-unsupported", Codes, Warning, check: dx_unsupported
}

declare_rule! {
    /// ## What it does
    /// Flags an NDC that is not in the claim format: 11 digits, written 5-4-2 with hyphens or as 11
    /// digits.
    ///
    /// ## Why it matters
    /// Claims carry the 11-digit NDC; the 10-digit package forms (4-4-2, 5-3-2, 5-4-1) must be padded with a
    /// leading zero in the right segment, or the line is rejected.
    ///
    /// ## Example
    /// `ndc 50242-150-01` fires: write `50242-0150-01`.
    ///
    /// ## Fix
    /// Write the padded 5-4-2 form.
    pub NDC_INVALID = "ndc-invalid", Codes, Error, check: ndc_invalid
}

declare_rule! {
    /// ## What it does
    /// Flags an NDC whose product bills under another code than the line's.
    ///
    /// ## Why it matters
    /// Payers match the NDC to the HCPCS code (the CMS NDC–HCPCS crosswalk); a mismatch rejects the line
    /// and usually means the code or the NDC is wrong.
    ///
    /// ## Example
    /// `line J1301 units 600 ndc 50242-0150-01 20 ML` fires: that NDC is Ocrevus (J2350).
    ///
    /// ## Fix
    /// Check the code and the NDC against the vial used.
    pub NDC_CODE_MISMATCH = "ndc-code-mismatch", Codes, Error, check: ndc_code_mismatch
}

declare_rule! {
    /// ## What it does
    /// Flags a claim without a `pos` statement.
    ///
    /// ## Why it matters
    /// The place of service is a required field of a professional claim and sets the payment rate.
    ///
    /// ## Example
    /// A claim without `pos 11` fires.
    ///
    /// ## Fix
    /// Add `pos <code>` (11 office, 19/22 outpatient hospital, 12 home…).
    pub POS_MISSING = "pos-missing", Codes, Error, check: pos_missing
}

declare_rule! {
    /// ## What it does
    /// Flags a place-of-service code that is not a CMS place-of-service code.
    ///
    /// ## Why it matters
    /// An invalid place of service rejects the claim.
    ///
    /// ## Example
    /// `pos 30` fires (unassigned).
    ///
    /// ## Fix
    /// Write a CMS place-of-service code.
    pub POS_UNKNOWN = "pos-unknown", Codes, Error, check: pos_unknown
}

declare_rule! {
    /// ## What it does
    /// Flags drug supply or drug-administration lines on a professional claim whose place of service is a
    /// facility (19, 21, 22, 23).
    ///
    /// ## Why it matters
    /// In a facility the facility bills the drug and its administration on its own claim; physicians do
    /// not report infusion codes there, and the drug billed by both is a duplicate payment.
    ///
    /// ## Example
    /// `pos 22` with `line J2350 JZ units 600` fires.
    ///
    /// ## Fix
    /// Check the place of service; in a facility, bill the professional service only.
    pub POS_FACILITY_DRUG = "pos-facility-drug", Codes, Warning, check: pos_facility_drug
}

declare_rule! {
    /// ## What it does
    /// Flags a `provider` NPI that is not 10 digits with a valid check digit (Luhn over the 80840
    /// prefix).
    ///
    /// ## Why it matters
    /// An invalid NPI rejects the claim at the front door.
    ///
    /// ## Example
    /// `provider 1234567890` fires; `provider 1234567893` does not.
    ///
    /// ## Fix
    /// Copy the NPI from NPPES.
    pub NPI_INVALID = "npi-invalid", Codes, Error, check: npi_invalid
}

declare_rule! {
    /// ## What it does
    /// Flags a `vial` whose NDC is a product of another drug than the `admin` record names (the
    /// NDC–HCPCS crosswalk names its code), and a vial of a biosimilar charted under the reference
    /// product's name.
    ///
    /// ## Why it matters
    /// The vial is what was given: a rituximab vial under `admin bevacizumab` means the record or the
    /// vial is wrong, and its size must not enter the waste arithmetic. A biosimilar (Inflectra,
    /// infliximab-dyyb) bills its own code (Q5103), not the reference product's (J1745); the record
    /// should name what was given.
    ///
    /// ## Example
    /// `admin bevacizumab` with `vial 50242-0051-21 x1` (Rituxan) fires as an error. `admin infliximab`
    /// with an Inflectra vial fires as a warning and its lines are judged as Q5103.
    ///
    /// ## Fix
    /// For a biosimilar: name it in the record (`admin infliximab-dyyb`). Otherwise check the vial
    /// against the chart.
    pub VIAL_PRODUCT_MISMATCH = "vial-product-mismatch", Codes, Error, check: vial_product_mismatch
}

fn not_in_data_finding(what: &str, span: Span) -> Finding {
    Finding::new(
        &NOT_IN_DATA,
        span,
        format!(
            "{what} is not in the embedded code data (a curated subset). Import the official files to verify it: `claimls data import <folder>`."
        ),
    )
}

fn code_unknown(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for facts in &ctx.lines {
        let line = facts.line;
        let text = &line.code.value;
        let message = match facts.status {
            CodeStatus::Malformed => format!(
                "`{text}` is not a HCPCS or CPT code: HCPCS Level II codes are a letter and four digits (J2350), CPT codes five digits (96413). `claimls lookup <drug>` finds a drug's code."
            ),
            CodeStatus::Unknown => format!(
                "{text} is not in the HCPCS code set for {} ({}). Check the code; `claimls lookup <drug>` finds a drug's code.",
                facts.dos.map_or("this date".to_string(), |d| d.to_string()),
                ctx.data.edition_for(facts.dos).name
            ),
            CodeStatus::Known | CodeStatus::NotInData => continue,
        };
        out.push(Finding::new(&CODE_UNKNOWN, line.code.span, message));
    }
}

fn not_in_data(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for facts in &ctx.lines {
        if facts.status == CodeStatus::NotInData {
            out.push(not_in_data_finding(
                &facts.line.code.value,
                facts.line.code.span,
            ));
        }
        for (m, status) in facts.line.modifiers.iter().zip(&facts.modifiers) {
            if matches!(status, ModifierStatus::NotInData) {
                out.push(not_in_data_finding(
                    &format!("Modifier {}", m.value),
                    m.span,
                ));
            }
        }
    }
    for dx in &ctx.dxs {
        if matches!(dx.status, DxStatus::NotInData) {
            let what = match (dx.dos, ctx.data.icd10_complete(None)) {
                (Some(dos), true) => format!(
                    "{} (no ICD-10-CM edition loaded covers {dos})",
                    dx.dx.code.value
                ),
                _ => dx.dx.code.value.clone(),
            };
            out.push(not_in_data_finding(&what, dx.dx.code.span));
        }
    }
}

fn describe_code(ctx: &ClaimCtx, code: &str, dos: Date) -> String {
    ctx.data
        .code(code, Some(dos))
        .map_or(String::new(), |c| format!(" ({})", c.description))
}

/// The units a line keeps when its code is replaced by `to`: the same dose in the new code's billing
/// unit, rounded up. `None` when either billing unit is unknown.
fn units_in(ctx: &ClaimCtx, facts: &LineFacts, to: &str, dos: Date) -> Option<Decimal> {
    let from = facts.code?.billing_unit?;
    let to = ctx.data.code(to, Some(dos))?.billing_unit?;
    let units = facts.line.units.as_ref()?.value;
    let dose = claimls_model::Quantity::new(units * from.amount, from.unit);
    crate::context::units_for(dose, to)
}

fn code_inactive(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for facts in &ctx.lines {
        let line = facts.line;
        let (Some(code), Some(dos)) = (facts.code, facts.dos) else {
            continue;
        };
        if code.active_on(dos) {
            continue;
        }
        let mut f = if let Some(t) = code.terminated.filter(|t| *t < dos) {
            let replaced = match code.replaced_by.as_slice() {
                [] => String::new(),
                [one] => format!(" It was replaced by {one}{}.", describe_code(ctx, one, dos)),
                many => format!(" It was replaced by {}.", many.join(", ")),
            };
            Finding::new(
                &CODE_INACTIVE,
                line.code.span,
                format!(
                    "{} ({}) was terminated on {t}, before the date of service {dos}; a claim with it is rejected.{replaced}",
                    code.code, code.description
                ),
            )
        } else {
            Finding::new(
                &CODE_INACTIVE,
                line.code.span,
                format!(
                    "{} ({}) takes effect on {}, after the date of service {dos}. Check the date or use the code in force then.",
                    code.code,
                    code.description,
                    code.added.map_or(String::new(), |d| d.to_string())
                ),
            )
        };
        // A line billing another drug than the record documents (code-drug-mismatch): its successor
        // bills that other drug too, and the units carried over would be the record's dose in a
        // code for something else. No replacement is offered until the drug is settled.
        if facts.mismatch.is_some() {
            f.message.push_str(
                " The record documents another drug than this code bills, so no replacement is offered: settle which drug was given first.",
            );
        } else if let [one] = code.replaced_by.as_slice() {
            let mut edits = vec![Edit {
                span: line.code.span,
                new_text: one.clone(),
            }];
            let same_unit =
                ctx.data.code(one, Some(dos)).and_then(|c| c.billing_unit) == code.billing_unit;
            match (&line.units, units_in(ctx, facts, one, dos)) {
                (_, _) if same_unit => {}
                (Some(units), Some(n)) => {
                    f.message.push_str(&format!(
                        " {one} bills in other units: the same dose is `units {}`.",
                        crate::context::show(n)
                    ));
                    edits.push(Edit {
                        span: units.span,
                        new_text: crate::context::show(n),
                    });
                }
                // The units cannot be carried over: a replacement with the old units would bill the
                // wrong amount, so there is no one-click fix.
                _ => edits.clear(),
            }
            if !edits.is_empty() {
                f = f.fix(format!("Replace {} with {one}", code.code), edits);
            }
        }
        out.push(f);
    }
}

fn code_drug_mismatch(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for facts in &ctx.lines {
        let Some((a, suggested)) = facts.mismatch else {
            continue;
        };
        let Some(code) = facts.code else { continue };
        let admin = ctx.administrations[a].admin;
        let billed_drug = code
            .drug
            .as_ref()
            .map_or(code.description.clone(), |d| d.generic.clone());
        let documented = suggested
            .drug
            .as_ref()
            .map_or(admin.drug.value.clone(), |d| d.generic.clone());
        let mut f = Finding::new(
            &CODE_DRUG_MISMATCH,
            facts.line.code.span,
            format!(
                "{} bills {billed_drug} ({}), but the administration record documents {documented}: did you mean {} ({})?",
                code.code, code.description, suggested.code, suggested.description
            ),
        )
        .related(admin.header, format!("administration of {}", admin.drug.value));
        // The fix replaces the code on every line of this drug on this date (the JW line too), and
        // only when the units stay right: both codes bill the same amount per unit.
        if suggested.billing_unit == code.billing_unit {
            let edits = ctx
                .lines
                .iter()
                .filter(|l| {
                    l.mismatch.is_some_and(|(x, _)| x == a)
                        && l.code.is_some_and(|c| c.code == code.code)
                })
                .map(|l| Edit {
                    span: l.line.code.span,
                    new_text: suggested.code.clone(),
                })
                .collect();
            f = f.fix(
                format!("Replace {} with {}", code.code, suggested.code),
                edits,
            );
        }
        out.push(f);
    }
}

fn vial_product_mismatch(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for a in &ctx.administrations {
        let admin = a.admin;
        for (i, vial) in admin.vials.iter().enumerate() {
            let claimls_model::VialSize::Ndc(ndc) = &vial.size.value else {
                continue;
            };
            let Some(product) = ndc.digits.as_deref().and_then(|d| ctx.data.product(d)) else {
                continue;
            };
            let shown = ndc.hyphenated().unwrap_or_else(|| ndc.raw.clone());
            let codes = product.codes.join(" or ");
            if a.foreign_vials.contains(&i) {
                out.push(Finding::new(
                    &VIAL_PRODUCT_MISMATCH,
                    vial.size.span,
                    format!(
                        "NDC {shown} is {} (billed with {codes}), not {}. The vial or the drug in the record is wrong; check both against the chart. This vial is left out of the waste arithmetic.",
                        product.name, admin.drug.value
                    ),
                ).related(admin.header, format!("administration of {}", admin.drug.value)));
                continue;
            }
            // A biosimilar charted under the reference product's name: judged by its own code.
            let by_product = a.codes.iter().any(|c| product.codes.contains(&c.code))
                && a.named_codes
                    .iter()
                    .all(|c| !product.codes.contains(&c.code));
            if !by_product {
                continue;
            }
            let generic = a
                .codes
                .iter()
                .find_map(|c| c.drug.as_ref().map(|d| d.generic.clone()))
                .unwrap_or_else(|| product.name.clone());
            out.push(
                Finding::new(
                    &VIAL_PRODUCT_MISMATCH,
                    vial.size.span,
                    format!(
                        "NDC {shown} is {} ({generic}), billed with {codes}; the record names {}. Its lines are judged as {codes}: name what was given, `admin {generic}`.",
                        product.name, admin.drug.value
                    ),
                )
                .severity(crate::Severity::Warning)
                .fix(
                    format!("Write `admin {generic}`"),
                    vec![Edit {
                        span: admin.drug.span,
                        new_text: generic.clone(),
                    }],
                ),
            );
        }
    }
}

fn modifier_unknown(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for facts in &ctx.lines {
        for (m, status) in facts.line.modifiers.iter().zip(&facts.modifiers) {
            let text = &m.value;
            match status {
                ModifierStatus::Unknown if text == "JN" => out.push(
                    Finding::new(
                        &MODIFIER_UNKNOWN,
                        m.span,
                        "There is no JN modifier in the HCPCS set. A drug line bills the drug itself; a diluent is not billed separately. Remove JN.",
                    )
                    .fix("Remove JN", vec![ctx.remove_modifier(m.span)]),
                ),
                ModifierStatus::Unknown => out.push(
                    Finding::new(
                        &MODIFIER_UNKNOWN,
                        m.span,
                        format!("{text} is not a HCPCS Level II or CPT modifier; the line would be rejected. Remove it or write the intended modifier."),
                    )
                    .fix(format!("Remove {text}"), vec![ctx.remove_modifier(m.span)]),
                ),
                ModifierStatus::Known(modifier) => {
                    let Some(dos) = facts.dos.filter(|d| !modifier.active_on(*d)) else {
                        continue;
                    };
                    let mut f = Finding::new(
                        &MODIFIER_UNKNOWN,
                        m.span,
                        format!(
                            "{text} ({}) is not in effect on {dos}{}.{}",
                            modifier.description,
                            modifier
                                .terminated
                                .map_or(String::new(), |t| format!(": it was terminated on {t}")),
                            modifier.replaced_by.as_ref().map_or(String::new(), |r| format!(
                                " Use {r}, which carries the same meaning."
                            ))
                        ),
                    );
                    if let Some(r) = &modifier.replaced_by {
                        f = f.fix(
                            format!("Replace {text} with {r}"),
                            vec![Edit {
                                span: m.span,
                                new_text: r.clone(),
                            }],
                        );
                    }
                    out.push(f);
                }
                ModifierStatus::Repeat | ModifierStatus::NotInData => {}
            }
        }
    }
}

fn modifier_not_applicable(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for facts in &ctx.lines {
        let Some(code) = facts.code else { continue };
        let is_drug = code.kind == CodeKind::Drug;
        for (m, status) in facts.line.modifiers.iter().zip(&facts.modifiers) {
            let ModifierStatus::Known(modifier) = status else {
                continue;
            };
            if facts.dos.is_some_and(|d| !modifier.active_on(d)) {
                continue;
            }
            let text = &m.value;
            let message = match modifier.kind {
                ModifierKind::Procedure if is_drug => format!(
                    "{text} ({}) is a procedure modifier; it does not belong on the drug supply code {}. Extra drug is billed through the units (and a JW line for waste), not a modifier.",
                    modifier.description, code.code
                ),
                ModifierKind::Waste | ModifierKind::Drug if !is_drug => format!(
                    "{text} ({}) belongs on drug supply codes; {} is {}. Remove it here{}.",
                    modifier.description,
                    code.code,
                    match code.kind {
                        CodeKind::Administration(_) => "an administration code",
                        _ => "not a drug code",
                    },
                    if modifier.kind == ModifierKind::Waste {
                        " and put it on the drug's line"
                    } else {
                        ""
                    }
                ),
                _ => continue,
            };
            out.push(
                Finding::new(&MODIFIER_NOT_APPLICABLE, m.span, message)
                    .fix(format!("Remove {text}"), vec![ctx.remove_modifier(m.span)]),
            );
        }
    }
}

fn modifier_duplicate(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for facts in &ctx.lines {
        for (i, (m, status)) in facts
            .line
            .modifiers
            .iter()
            .zip(&facts.modifiers)
            .enumerate()
        {
            if matches!(status, ModifierStatus::Repeat) {
                out.push(
                    Finding::new(
                        &MODIFIER_DUPLICATE,
                        m.span,
                        format!("{} is already on this line; a modifier is written once. Remove the repeat.", m.value),
                    )
                    .fix(format!("Remove the repeated {}", m.value), vec![ctx.remove_modifier(m.span)]),
                );
            } else if i == 4 {
                out.push(Finding::new(
                    &MODIFIER_DUPLICATE,
                    m.span,
                    "A claim line has four modifier positions; this line has more. Keep the four that bear on payment (JW/JZ first on drug lines).",
                ));
            }
        }
    }
}

fn dx_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    if ctx.claim.dxs.is_empty() {
        out.push(Finding::new(
            &DX_MISSING,
            ctx.claim.header,
            "The claim has no diagnosis; every line needs one to point at. Add `dx A <ICD-10-CM code>` from the chart.",
        ));
    }
}

fn dx_unknown(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for facts in &ctx.dxs {
        let text = &facts.dx.code.value;
        let span = facts.dx.code.span;
        let message = match facts.status {
            DxStatus::Malformed => format!(
                "`{text}` is not an ICD-10-CM code: a letter, two digits or a digit and a letter, then an optional dot and up to four characters (G35.A, K50.90)."
            ),
            DxStatus::Unknown => format!(
                "{text} is not in ICD-10-CM ({}). Check the code in the tabular list.",
                ctx.data.edition_for(facts.dos).name
            ),
            DxStatus::Known(d) => {
                let Some(date) = facts.dos.filter(|d2| !d.active_on(*d2)) else {
                    continue;
                };
                format!(
                    "{} ({}) is not in effect on {date}{}.",
                    d.code,
                    d.title,
                    match (d.effective, d.terminated) {
                        (_, Some(t)) if t < date => format!(": it was deleted after {t}"),
                        (Some(e), _) if date < e => format!(": it takes effect on {e}"),
                        _ => String::new(),
                    }
                )
            }
            DxStatus::NotInData => continue,
        };
        out.push(Finding::new(&DX_UNKNOWN, span, message));
    }
}

fn dx_not_billable(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for facts in &ctx.dxs {
        let DxStatus::Known(d) = facts.status else {
            continue;
        };
        let Some(date) = facts.dos else { continue };
        if !d.active_on(date) || d.billable_on(date) {
            continue;
        }
        let children = ctx.data.billable_children(&facts.dx.code.value, Some(date));
        let since = d
            .billable_until
            .map_or(String::new(), |u| format!(" since {}", u.next_day()));
        // ICD-10-CM calls a three-character code a category and a longer one a subcategory.
        let kind = if claimls_data::Key::icd10(&d.code).len() > 3 {
            "subcategory"
        } else {
            "category"
        };
        let list: Vec<String> = children
            .iter()
            .map(|c| format!("{} ({})", c.code, c.title))
            .collect();
        let mut f = Finding::new(
            &DX_NOT_BILLABLE,
            facts.dx.code.span,
            format!(
                "{} ({}) is a {kind}{since} and is not billable. Use {}.",
                d.code,
                d.title,
                if list.is_empty() {
                    "a billable code under it".to_string()
                } else {
                    list.join(", ")
                }
            ),
        );
        for c in children {
            f = f.alternative(
                format!("Replace {} with {} ({})", d.code, c.code, c.title),
                vec![Edit {
                    span: facts.dx.code.span,
                    new_text: c.code.clone(),
                }],
            );
        }
        out.push(f);
    }
}

fn dx_pointer_invalid(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    let claim = ctx.claim;
    for facts in &ctx.lines {
        let Some(pointers) = &facts.line.dx else {
            continue;
        };
        for (i, p) in pointers.iter().enumerate() {
            if i == 4 {
                out.push(Finding::new(
                    &DX_POINTER_INVALID,
                    p.span,
                    "A line points at up to four diagnoses; keep the four that support it, the primary first.",
                ));
            }
            let found = match &p.value {
                DxPointer::Letter(c) => claim.dxs.iter().any(|d| d.letter.value == *c),
                DxPointer::Code(code) => {
                    let key = claimls_data::Key::icd10(code);
                    claim
                        .dxs
                        .iter()
                        .any(|d| claimls_data::Key::icd10(&d.code.value) == key)
                }
            };
            if found {
                continue;
            }
            let have: Vec<String> = claim
                .dxs
                .iter()
                .map(|d| format!("{} {}", d.letter.value, d.code.value))
                .collect();
            let what = match &p.value {
                DxPointer::Letter(c) => format!("diagnosis {c}"),
                DxPointer::Code(c) => format!("diagnosis {c}"),
            };
            let mut f = Finding::new(
                &DX_POINTER_INVALID,
                p.span,
                format!(
                    "This line points at {what}, which the claim does not have ({}). Point at one of the claim's diagnoses or add it.",
                    if have.is_empty() {
                        "it has none".to_string()
                    } else {
                        format!("it has {}", have.join(", "))
                    }
                ),
            );
            if let [only] = claim.dxs.as_slice() {
                f = f.fix(
                    format!("Point at {}", only.letter.value),
                    vec![Edit {
                        span: p.span,
                        new_text: only.letter.value.to_string(),
                    }],
                );
            }
            out.push(f);
        }
    }
}

/// The claim's diagnoses a line points at (all of them without a `dx` clause).
fn pointed_dx<'a>(ctx: &ClaimCtx<'a>, facts: &LineFacts) -> Vec<&'a claimls_model::Dx> {
    let claim = ctx.claim;
    match &facts.line.dx {
        None => claim.dxs.iter().collect(),
        Some(ptrs) => claim
            .dxs
            .iter()
            .filter(|d| {
                ptrs.iter().any(|p| match &p.value {
                    DxPointer::Letter(c) => d.letter.value == *c,
                    DxPointer::Code(c) => {
                        claimls_data::Key::icd10(c) == claimls_data::Key::icd10(&d.code.value)
                    }
                })
            })
            .collect(),
    }
}

fn dx_unsupported(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for facts in &ctx.lines {
        let Some(code) = facts.code.filter(|_| facts.is_drug()) else {
            continue;
        };
        let Some(drug) = &code.drug else { continue };
        // A line billing the wrong drug is code-drug-mismatch's finding; its indications are beside
        // the point.
        if drug.indications.is_empty() || facts.mismatch.is_some() {
            continue;
        }
        let dxs = pointed_dx(ctx, facts);
        if dxs.is_empty() {
            continue;
        }
        let supports = |dx: &str| {
            let key = claimls_data::Key::icd10(dx);
            drug.indications
                .iter()
                .any(|i| key.starts_with(&*claimls_data::Key::icd10(i)))
        };
        if dxs.iter().any(|d| supports(&d.code.value)) {
            continue;
        }
        let indications: Vec<String> = drug
            .indications
            .iter()
            .map(|i| {
                ctx.data
                    .diagnosis(i, facts.dos)
                    .map_or(i.clone(), |d| format!("{i} ({})", d.title))
            })
            .collect();
        let pointed: Vec<&str> = dxs.iter().map(|d| d.code.value.as_str()).collect();
        let span = facts
            .line
            .dx
            .as_ref()
            .and_then(|d| d.first())
            .map_or(facts.line.code.span, |p| p.span);
        out.push(Finding::new(
            &DX_UNSUPPORTED,
            span,
            format!(
                "{} ({}) is indicated for {}; none of this line's diagnoses ({}) is among them, so the line may be denied as not medically necessary. If the chart documents the condition the drug treats, point the line at that diagnosis; never add one the chart does not support.",
                code.code,
                drug.generic,
                indications.join(", "),
                pointed.join(", ")
            ),
        ));
    }
}

/// `50242-150-01` (5-3-2) → `50242-0150-01`: the 11-digit form of a 10-digit NDC, when the shape says
/// where the zero goes.
pub fn padded_ndc(raw: &str) -> Option<String> {
    let parts: Vec<&str> = raw.split('-').collect();
    if parts.len() != 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let (a, b, c) = (parts[0], parts[1], parts[2]);
    match (a.len(), b.len(), c.len()) {
        (4, 4, 2) => Some(format!("0{a}-{b}-{c}")),
        (5, 3, 2) => Some(format!("{a}-0{b}-{c}")),
        (5, 4, 1) => Some(format!("{a}-{b}-0{c}")),
        _ => None,
    }
}

fn ndc_invalid_finding(ndc: &claimls_model::Ndc, span: Span) -> Option<Finding> {
    if ndc.digits.is_some() {
        return None;
    }
    let raw = &ndc.raw;
    let mut f = Finding::new(
        &NDC_INVALID,
        span,
        format!(
            "`{raw}` is not an NDC in claim format: write 11 digits as 5-4-2 with hyphens (50242-0150-01) or without (50242015001)."
        ),
    );
    if let Some(p) = padded_ndc(raw) {
        f.message = format!(
            "`{raw}` is a 10-digit package code; claims carry the 11-digit 5-4-2 form with the zero padded in: write `{p}`."
        );
        f = f.fix(format!("Write {p}"), vec![Edit { span, new_text: p }]);
    }
    Some(f)
}

fn ndc_invalid(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    let on_lines = ctx
        .lines
        .iter()
        .filter_map(|f| f.line.ndc.as_ref().map(|n| (&n.ndc.value, n.ndc.span)));
    let on_vials = ctx.claim.admins.iter().flat_map(|a| {
        a.vials.iter().filter_map(|v| match &v.size.value {
            claimls_model::VialSize::Ndc(ndc) => Some((ndc, v.size.span)),
            claimls_model::VialSize::Amount(_) => None,
        })
    });
    for (ndc, span) in on_lines.chain(on_vials) {
        if let Some(f) = ndc_invalid_finding(ndc, span) {
            out.push(f);
        }
    }
}

fn ndc_code_mismatch(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    for facts in &ctx.lines {
        let Some(ndc) = &facts.line.ndc else { continue };
        let Some(digits) = &ndc.ndc.value.digits else {
            continue;
        };
        let Some(product) = ctx.data.product(digits) else {
            continue;
        };
        let code = &facts.line.code.value;
        if product.codes.is_empty() || product.codes.iter().any(|c| c.eq_ignore_ascii_case(code)) {
            continue;
        }
        out.push(Finding::new(
            &NDC_CODE_MISMATCH,
            ndc.ndc.span,
            format!(
                "NDC {} is {}, billed with {}, not {code}. Check the code and the NDC against the vial used.",
                ndc.ndc.value.hyphenated().unwrap_or_else(|| ndc.ndc.value.raw.clone()),
                product.name,
                product.codes.join(" or ")
            ),
        ));
    }
}

fn pos_missing(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    if ctx.claim.pos.is_none() {
        out.push(Finding::new(
            &POS_MISSING,
            ctx.claim.header,
            "The claim has no place of service, a required field. Add `pos <code>` (11 office, 19 or 22 outpatient hospital, 12 home).",
        ));
    }
}

fn pos_unknown(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    let Some(pos) = &ctx.claim.pos else { return };
    if ctx.data.place_of_service(&pos.value).is_none() {
        out.push(Finding::new(
            &POS_UNKNOWN,
            pos.span,
            format!("`{}` is not a CMS place-of-service code. Common ones: 11 office, 12 home, 19 off-campus and 22 on-campus outpatient hospital.", pos.value),
        ));
    }
}

fn pos_facility_drug(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    let Some(pos) = &ctx.claim.pos else { return };
    let Some(place) = ctx.data.place_of_service(&pos.value).filter(|p| p.facility) else {
        return;
    };
    let billed = ctx.lines.iter().find(|l| {
        l.code
            .is_some_and(|c| matches!(c.kind, CodeKind::Drug | CodeKind::Administration(_)))
    });
    if let Some(l) = billed {
        out.push(
            Finding::new(
                &POS_FACILITY_DRUG,
                pos.span,
                format!(
                    "Place of service {} ({}) is a facility: the facility bills the drug and its administration on its own claim, so {} on this professional claim would be paid twice or denied. Check the place of service.",
                    place.code, place.name, l.line.code.value
                ),
            )
            .related(l.line.span, "drug or administration line"),
        );
    }
}

/// NPI check digit: Luhn over "80840" + the first nine digits.
pub fn npi_valid(npi: &str) -> bool {
    let b = npi.as_bytes();
    if b.len() != 10 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let digits: Vec<u32> = b"80840"
        .iter()
        .chain(&b[..9])
        .map(|d| u32::from(d - b'0'))
        .collect();
    let mut sum = 0;
    for (i, d) in digits.iter().rev().enumerate() {
        let v = if i % 2 == 0 { d * 2 } else { *d };
        sum += if v > 9 { v - 9 } else { v };
    }
    let check = (10 - sum % 10) % 10;
    check == u32::from(b[9] - b'0')
}

fn npi_invalid(ctx: &ClaimCtx, out: &mut Vec<Finding>) {
    let Some(npi) = &ctx.claim.provider else {
        return;
    };
    if npi_valid(&npi.value) {
        return;
    }
    let why = if npi.value.len() != 10 || !npi.value.bytes().all(|b| b.is_ascii_digit()) {
        "an NPI is 10 digits"
    } else {
        "its check digit is wrong (a typo in one digit)"
    };
    out.push(Finding::new(
        &NPI_INVALID,
        npi.span,
        format!(
            "`{}` is not a valid NPI: {why}. Copy the rendering provider's NPI from NPPES.",
            npi.value
        ),
    ));
}
