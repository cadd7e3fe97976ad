//! Checking an 837P: the claimls rules on the drafts it converts to, pointed back at its segments,
//! plus the payer-side checks a scrubber does on the X12 itself.
//!
//! The drafts have no administration record (an 837P cannot carry one), so the rules that need the
//! chart would each report its absence; their findings are dropped and replaced by one information
//! finding per claim that says the record is absent ([`CHART_RULES`]).

use crate::read::{self, Imported, NO_ADMIN_RECORD};
use crate::segment::Segment;
use claimls_data::CodeData;
use claimls_model::Decimal;
use claimls_rules::config::Config;
use claimls_rules::submission::{X12_CLAIM_TOTAL, X12_SEGMENT};
use claimls_rules::{self as rules, Finding, Severity};
use std::str::FromStr;

/// Rules that need the administration record (dose, vials, waste, times) or the chart's order and
/// treatment history, none of which an 837P carries. On a draft converted from an 837P their
/// findings only say that the record is absent, which is reported once per claim instead.
pub const CHART_RULES: &[&str] = &[
    "units-dose-mismatch",
    "dose-atypical",
    "admin-time-units",
    "waste-jw-missing",
    "waste-jw-units",
    "waste-jz-missing",
    "waste-undocumented",
    "waste-vial-arithmetic",
    "waste-evidence-missing",
    "waste-avoidable",
    "doc-admin-missing",
    "doc-dose-missing",
    "doc-route-missing",
    "doc-start-missing",
    "doc-stop-missing",
    "doc-reaction-missing",
    "doc-waste-missing",
    "doc-order-missing",
    "doc-order-unsigned",
    "doc-order-after-service",
    "code-drug-mismatch",
    "step-therapy-missing",
    "admin-push-as-infusion",
    "admin-code-missing",
    "admin-hydration-concurrent",
];

/// Whether a draft was written by [`read::import`] (it carries [`NO_ADMIN_RECORD`]).
pub fn is_imported_draft(text: &str) -> bool {
    text.lines().any(|l| l.trim() == NO_ADMIN_RECORD)
}

/// Check a draft written by [`read::import`]: every rule, except that on a claim still without an
/// `admin` record the rules that need the chart are reported once, at its `claim` line, instead of
/// one finding each. A claim whose record the coder has added is checked in full.
pub fn check_imported_draft(text: &str, data: &CodeData, config: &Config) -> Vec<Finding> {
    let doc = claimls_syntax::document(text);
    let mut found = rules::check(&doc, data, config);
    for claim in doc.claims.iter().filter(|c| c.admins.is_empty()) {
        let in_claim =
            |f: &Finding| claim.span.start <= f.span.start && f.span.start <= claim.span.end;
        let before = found.len();
        found.retain(|f| !(in_claim(f) && CHART_RULES.contains(&f.rule)));
        let chart = before - found.len();
        if chart > 0 {
            found.push(record_absent(&claim.id.value, claim.header, chart));
        }
    }
    found.sort_by(|a, b| {
        (a.span.start, a.span.end, a.rule).cmp(&(b.span.start, b.span.end, b.rule))
    });
    found
}

/// The one finding that stands for the chart's checks on a claim without its administration record.
fn record_absent(claim: &str, span: claimls_model::Span, chart: usize) -> Finding {
    Finding::new(
        &rules::documentation::DOC_ADMIN_MISSING,
        span,
        format!(
            "Claim {claim}: an 837P carries no administration record (dose, vials, waste, times) nor the order, so {chart} check{} that need the chart did not run. Check the drug lines against the chart, or add the `admin` record to the claim's draft (`claimls import 837p` writes one).",
            if chart == 1 { "" } else { "s" }
        ),
    )
    .severity(Severity::Information)
}

/// Check an 837P text: findings with spans into that text, sorted by position.
pub fn check_837p(text: &str, data: &CodeData, config: &Config) -> Vec<Finding> {
    let imported = read::import(text, config);
    let mut out: Vec<Finding> = imported
        .problems
        .iter()
        .map(|p| {
            Finding::new(
                &X12_SEGMENT,
                p.span,
                format!(
                    "segment {} ({}): {}",
                    p.segment,
                    segment_id(&imported, p.segment),
                    p.message
                ),
            )
        })
        .collect();
    out.extend(payer_side(&imported));
    let doc = claimls_syntax::document(&imported.text);
    let draft_findings = rules::check(&doc, data, config);
    for claim in &doc.claims {
        let in_claim =
            |f: &Finding| claim.span.start <= f.span.start && f.span.start <= claim.span.end;
        let chart: usize = draft_findings
            .iter()
            .filter(|f| in_claim(f) && CHART_RULES.contains(&f.rule))
            .count();
        let source = imported.source_of(claim.header.start).unwrap_or_default();
        if chart > 0 {
            out.push(record_absent(&claim.id.value, source, chart));
        }
    }
    // A payer-side finding and the same rule's finding on the draft, at one segment, are one finding.
    let mut seen: std::collections::HashSet<(&str, usize, usize)> = out
        .iter()
        .map(|f| (f.rule, f.span.start, f.span.end))
        .collect();
    for f in draft_findings {
        if CHART_RULES.contains(&f.rule) {
            continue;
        }
        let Some(span) = imported.source_of(f.span.start) else {
            continue;
        };
        if !seen.insert((f.rule, span.start, span.end)) {
            continue;
        }
        out.push(Finding {
            span,
            // Fixes and related places are edits of the draft text, which this file is not.
            fix: None,
            alternatives: Vec::new(),
            related: Vec::new(),
            ..f
        });
    }
    out.sort_by(|a, b| (a.span.start, a.span.end, a.rule).cmp(&(b.span.start, b.span.end, b.rule)));
    out
}

fn segment_id(imported: &Imported, number: usize) -> String {
    imported
        .segments
        .as_ref()
        .and_then(|s| s.segments.get(number.wrapping_sub(1)))
        .map_or("ISA".to_string(), |s| s.id.clone())
}

/// The checks a payer's front end does on the X12 itself: NPI check digits, 11-digit NDCs, pointers
/// within the claim's diagnoses, CLM02 = the sum of SV102, units above zero.
pub fn payer_side(imported: &Imported) -> Vec<Finding> {
    let Some(segments) = &imported.segments else {
        return Vec::new();
    };
    let sep = segments.separators;
    let mut out = Vec::new();
    let mut claim: Option<(&Segment, Decimal)> = None;
    let mut lines_total = Decimal::ZERO;
    let mut diagnoses = 0usize;
    let close = |claim: Option<(&Segment, Decimal)>, total: Decimal, out: &mut Vec<Finding>| {
        if let Some((clm, stated)) = claim
            && stated != total
        {
            out.push(Finding::new(
                &X12_CLAIM_TOTAL,
                clm.span,
                format!(
                    "Claim {}: CLM02 is {} but its lines (SV102) add up to {}; payers reject an unbalanced claim. Write CLM02 = {}.",
                    clm.element(1),
                    stated.normalize(),
                    total.normalize(),
                    total.normalize()
                ),
            ));
        }
    };
    for seg in &segments.segments {
        match seg.id.as_str() {
            "NM1" if seg.element(8) == "XX" => {
                let npi = seg.element(9);
                if !rules::codes::npi_valid(npi) {
                    let role = match seg.element(1) {
                        "85" => "billing provider",
                        "82" => "rendering provider",
                        "DN" => "referring provider",
                        "77" => "service facility",
                        _ => "provider",
                    };
                    out.push(Finding::new(
                        &rules::codes::NPI_INVALID,
                        seg.span,
                        format!(
                            "The {role}'s NPI `{npi}` is not valid: an NPI is 10 digits whose last is the Luhn check digit over 80840 and the first nine. Payers reject the claim; correct the NPI in NM109."
                        ),
                    ));
                }
            }
            "HL" | "SE" => {
                close(claim.take(), lines_total, &mut out);
            }
            "CLM" => {
                close(claim.take(), lines_total, &mut out);
                lines_total = Decimal::ZERO;
                diagnoses = 0;
                claim = Decimal::from_str(seg.element(2)).ok().map(|d| (seg, d));
            }
            "HI" => {
                diagnoses += (1..=seg.elements.len())
                    .filter(|n| {
                        let c = seg.components(*n, &sep);
                        matches!(c.first(), Some(&("ABK" | "ABF" | "BK" | "BF")))
                    })
                    .count();
            }
            "SV1" => {
                if let Ok(charge) = Decimal::from_str(seg.element(2)) {
                    lines_total += charge;
                }
                if let Ok(units) = Decimal::from_str(seg.element(4))
                    && units <= Decimal::ZERO
                {
                    out.push(Finding::new(
                        &rules::units::UNITS_INVALID,
                        seg.span,
                        format!(
                            "SV104 bills {} units; a service line needs more than zero. Write the units given.",
                            units.normalize()
                        ),
                    ));
                }
                for p in seg.components(7, &sep) {
                    if let Ok(n) = p.parse::<usize>()
                        && (n == 0 || n > diagnoses)
                    {
                        out.push(Finding::new(
                            &rules::codes::DX_POINTER_INVALID,
                            seg.span,
                            format!(
                                "SV107 points at diagnosis {n}, but the claim's HI has {diagnoses}: point at one of 1–{diagnoses}."
                            ),
                        ));
                    }
                }
            }
            "LIN" if seg.element(2) == "N4" => {
                let ndc = seg.element(3);
                if ndc.len() != 11 || !ndc.bytes().all(|b| b.is_ascii_digit()) {
                    out.push(Finding::new(
                        &rules::codes::NDC_INVALID,
                        seg.span,
                        format!(
                            "LIN03 `{ndc}` is not an 11-digit NDC: the 837P takes the NDC as 11 digits without hyphens (5-4-2, zero-padded), e.g. 50242015001."
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
    close(claim.take(), lines_total, &mut out);
    out
}
