//! Code actions: every finding's fix and alternatives, offered where its range meets the requested
//! one, and "Bill this administration" on an `admin` record no line bills. The fix text comes from the
//! rule that found the problem, the billed lines from `claimls_rules::billing`; this module returns
//! plain values and `convert::code_actions` builds the protocol types.

use super::analysis::{Analysis, chunks_over, claim_range_at};
use super::snapshot::Snapshot;
use claimls_model::Span;
use claimls_rules::billing::{self, BillPlan};
use claimls_rules::context::ClaimCtx;
use claimls_rules::{Edit, Finding};

/// One action: a title, document edits, and the finding it fixes (if any).
#[derive(Debug, Clone)]
pub struct Action {
    pub title: String,
    /// Document byte spans.
    pub edits: Vec<Edit>,
    pub preferred: bool,
    pub finding: Option<Finding>,
}

/// The actions for the document byte range `wanted`.
pub fn actions(snap: &Snapshot, wanted: Span) -> Vec<Action> {
    let touches = |s: Span| s.start <= wanted.end && wanted.start <= s.end;
    let mut out = Vec::new();
    let chunks = chunks_over(&snap.checker, &snap.text, wanted.start..wanted.end);
    for finding in (Analysis { chunks }).findings() {
        if !touches(finding.span) {
            continue;
        }
        // The one right fix first (preferred), then the alternatives the coder chooses from.
        let fixes = finding.fix.iter().map(|f| (f, true));
        let fixes = fixes.chain(finding.alternatives.iter().map(|f| (f, false)));
        for (fix, preferred) in fixes {
            out.push(Action {
                title: fix.title.clone(),
                edits: fix.edits.clone(),
                preferred,
                finding: Some(finding.clone()),
            });
        }
    }
    for a in bill_actions(snap, wanted) {
        if out.iter().all(|o| o.title != a.title) {
            out.push(a);
        }
    }
    out
}

/// "Bill this administration" for the `admin` block under `wanted`, when no line bills it.
pub fn bill_actions(snap: &Snapshot, wanted: Span) -> Vec<Action> {
    let touching = |admins: &[claimls_model::Admin], start: usize, end: usize| {
        admins
            .iter()
            .position(|ad| ad.header.start <= end && start <= ad.span.end)
    };
    plans_for(snap, wanted, touching)
        .into_iter()
        .enumerate()
        .map(|(i, (plan, edit))| Action {
            title: format!("Bill this administration: {}", plan.title),
            edits: vec![edit],
            preferred: i == 0,
            finding: None,
        })
        .collect()
}

/// The plans that bill the `admin` record above byte `offset` (the nearest one that starts before it),
/// when no line bills it: for completion on an empty line under the record.
pub fn plans_above(snap: &Snapshot, offset: usize) -> Vec<BillPlan> {
    let above = |admins: &[claimls_model::Admin], start: usize, _end: usize| {
        admins.iter().rposition(|ad| ad.header.start < start)
    };
    plans_for(snap, Span::new(offset, offset), above)
        .into_iter()
        .map(|(p, _)| p)
        .collect()
}

/// The plans (with the edit that writes each into the claim, in document bytes) for the record `pick`
/// chooses among the claim's admins, given the claim-relative range of `wanted`.
fn plans_for(
    snap: &Snapshot,
    wanted: Span,
    pick: impl Fn(&[claimls_model::Admin], usize, usize) -> Option<usize>,
) -> Vec<(BillPlan, Edit)> {
    let range = claim_range_at(&snap.text, wanted.start);
    let Some(slice) = snap.text.get(range.clone()) else {
        return Vec::new();
    };
    let doc = claimls_syntax::document(slice);
    let Some(claim) = doc.claims.first() else {
        return Vec::new();
    };
    let start = wanted.start.saturating_sub(range.start);
    let end = wanted.end.saturating_sub(range.start);
    let Some(a) = pick(&claim.admins, start, end) else {
        return Vec::new();
    };
    let ctx = ClaimCtx::new(claim, slice, snap.data(), snap.config());
    if !billing::unbilled(&ctx, a) {
        return Vec::new();
    }
    billing::bill_administration(&ctx, a)
        .into_iter()
        .map(|plan| {
            let e = billing::plan_edit(&ctx, &plan);
            let edit = Edit {
                span: Span::new(e.span.start + range.start, e.span.end + range.start),
                new_text: e.new_text,
            };
            (plan, edit)
        })
        .collect()
}

/// What completion on the line being typed (`line`) knows from the rest of the claim in `range`: the
/// claim is read with that line blanked out, so a half-written line does not disturb it.
#[derive(Debug, Clone, Default)]
pub struct LineContext {
    /// The units a line of the code bills (`claimls_rules::billing::derived_units`).
    pub units: Option<String>,
    /// The JW units of the code's billable waste, when there is any.
    pub jw_units: Option<String>,
    /// The claim's one date of service.
    pub dos: Option<claimls_model::Date>,
    /// The codes the claim's records bill (`claimls_rules::billing::planned_codes`).
    pub planned: Vec<String>,
}

pub fn line_context(
    snap: &Snapshot,
    range: std::ops::Range<usize>,
    line: &super::context::LexedLine<'_>,
    code: &str,
    jw: bool,
) -> LineContext {
    let Some(mut slice) = snap.text.get(range.clone()).map(str::to_string) else {
        return LineContext::default();
    };
    if let Some(from) = line.start.checked_sub(range.start) {
        let to = from + line.text.len();
        if to <= slice.len() {
            slice.replace_range(from..to, &" ".repeat(line.text.len()));
        }
    }
    let doc = claimls_syntax::document(&slice);
    let Some(claim) = doc.claims.first() else {
        return LineContext::default();
    };
    let ctx = ClaimCtx::new(claim, &slice, snap.data(), snap.config());
    let code = code.to_ascii_uppercase();
    LineContext {
        units: billing::derived_units(&ctx, &code, jw),
        jw_units: billing::derived_units(&ctx, &code, true),
        dos: ctx.claim_dos(),
        planned: billing::planned_codes(&ctx),
    }
}

/// Whether a waste modifier fits a line of `code` (`claimls_rules::billing::waste_fit`), read from the
/// claim in `range`.
pub fn waste_fit(
    snap: &Snapshot,
    range: std::ops::Range<usize>,
    code: &str,
    modifier: &str,
) -> Option<String> {
    let slice = snap.text.get(range)?;
    let doc = claimls_syntax::document(slice);
    let claim = doc.claims.first()?;
    let ctx = ClaimCtx::new(claim, slice, snap.data(), snap.config());
    billing::waste_fit(
        &ctx,
        &code.to_ascii_uppercase(),
        &modifier.to_ascii_uppercase(),
    )
}

/// What the engine derives for a value being typed on `line`: the claim in `range` is read with that
/// line blanked out (so the half-written line does not disturb it) and `f` asks `claimls_rules::billing`
/// with the claim's context and the index of the `admin` record above the line, if any.
pub fn derive<R>(
    snap: &Snapshot,
    range: std::ops::Range<usize>,
    line: &super::context::LexedLine<'_>,
    f: impl FnOnce(&ClaimCtx, Option<usize>) -> Option<R>,
) -> Option<R> {
    let mut slice = snap.text.get(range.clone())?.to_string();
    let from = line.start.checked_sub(range.start)?;
    let to = from + line.text.len();
    if to <= slice.len() {
        slice.replace_range(from..to, &" ".repeat(line.text.len()));
    }
    let doc = claimls_syntax::document(&slice);
    let claim = doc.claims.first()?;
    let ctx = ClaimCtx::new(claim, &slice, snap.data(), snap.config());
    let admin = ctx
        .administrations
        .iter()
        .rposition(|a| a.admin.header.start < from);
    f(&ctx, admin)
}
