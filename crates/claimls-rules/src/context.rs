//! What the rules know about a claim before any rule runs: each line's date of service, code record and
//! `admin` record, and — for each drug on each date of service — the billing arithmetic (administered
//! units, containers opened, billable waste, JW units). Computed once per claim, shared by every rule,
//! and exposed to the front ends (the LSP's hover shows the same arithmetic the rules judged by).

use crate::config::{Config, PayerProfile};
use claimls_data::{Code, CodeData, CodeKind, Container, Drug, Presentation};
use claimls_model::{
    Admin, Claim, Date, Decimal, DoseUnit, Line, PayerKind, Quantity, Span, VialSize,
};
use rust_decimal::prelude::ToPrimitive;

/// One claim with everything the rules need.
pub struct ClaimCtx<'a> {
    pub claim: &'a Claim,
    pub text: &'a str,
    pub data: &'a CodeData,
    pub config: &'a Config,
    pub profile: PayerProfile,
    /// One per `claim.lines`, same order.
    pub lines: Vec<LineFacts<'a>>,
    /// One per drug code and date of service.
    pub drugs: Vec<DrugUse<'a>>,
}

/// What a line is, resolved.
pub struct LineFacts<'a> {
    pub line: &'a Line,
    /// `on`, else the start date of the admin for the same drug, else the only admin's start date.
    pub dos: Option<Date>,
    /// The code record for the date of service, when the data knows the code.
    pub code: Option<&'a Code>,
    /// For drug lines: the `admin` whose drug this code bills.
    pub admin: Option<&'a Admin>,
}

impl LineFacts<'_> {
    pub fn is_drug(&self) -> bool {
        self.code.is_some_and(|c| c.kind == CodeKind::Drug)
    }
    pub fn is_jw(&self) -> bool {
        self.line.has_modifier("JW")
    }
}

/// One drug code on one date of service: its lines and the arithmetic the waste rules judge by.
pub struct DrugUse<'a> {
    pub code: &'a Code,
    pub dos: Option<Date>,
    pub admin: Option<&'a Admin>,
    /// Indexes into `ClaimCtx::lines`: the lines billing the administered amount (no JW).
    pub given_lines: Vec<usize>,
    /// Indexes into `ClaimCtx::lines`: the JW lines.
    pub jw_lines: Vec<usize>,
    pub math: Option<WasteMath>,
}

/// Single-dose, multi-dose, or not known (mixed or unknown containers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    SingleDose,
    MultiDose,
    Unknown,
}

/// The billing arithmetic of one drug on one date of service (rules.md, *Waste*).
#[derive(Debug, Clone)]
pub struct WasteMath {
    /// The code's billing unit `u`.
    pub unit: Quantity,
    /// The documented dose.
    pub dose: Quantity,
    /// dose ÷ u rounded up (a dose under one unit is 1 unit).
    pub given_units: Decimal,
    /// Containers opened, in the billing unit's unit, with how it was derived ("4 × 100 mg").
    pub opened: Option<(Quantity, String)>,
    /// opened − given_units × u (never negative).
    pub billable_waste: Option<Quantity>,
    /// billable waste ÷ u rounded down.
    pub jw_units: Option<Decimal>,
    pub container: ContainerKind,
    /// The documented waste (sum of `waste` statements), in the billing unit's unit.
    pub documented_waste: Option<Quantity>,
}

impl WasteMath {
    /// "J1745 bills 10 mg per unit: 350 mg is 35 units" — the sentence the messages and hover share.
    pub fn given_sentence(&self, code: &str) -> String {
        format!(
            "{code} bills {} per unit: {} is {} {}",
            self.unit,
            self.dose,
            self.given_units,
            plural(self.given_units, "unit")
        )
    }
}

pub fn plural(n: Decimal, word: &str) -> String {
    if n == Decimal::ONE {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// Units for a dose: dose ÷ unit rounded up, at least 1 for a positive dose.
pub fn units_for(dose: Quantity, unit: Quantity) -> Option<Decimal> {
    let ratio = dose.ratio(unit)?;
    if ratio <= Decimal::ZERO {
        return Some(Decimal::ZERO);
    }
    Some(ratio.ceil().max(Decimal::ONE))
}

impl<'a> ClaimCtx<'a> {
    pub fn new(
        claim: &'a Claim,
        text: &'a str,
        data: &'a CodeData,
        config: &'a Config,
    ) -> ClaimCtx<'a> {
        let profile = match &claim.payer {
            Some(p) => config.profile(p.kind.value, p.name.as_ref().map(|n| n.value.as_str())),
            // No payer: judge as Medicare (the strictest common profile); `payer` missing is not a
            // v1 rule, but the claim still needs checking.
            None => config.profile(PayerKind::Medicare, None),
        };
        let lines: Vec<LineFacts<'a>> = claim
            .lines
            .iter()
            .map(|line| resolve_line(claim, data, line))
            .collect();
        let drugs = group_drugs(&lines, data);
        ClaimCtx {
            claim,
            text,
            data,
            config,
            profile,
            lines,
            drugs,
        }
    }

    /// The date of service of the claim's administrations, when there is exactly one.
    pub fn claim_dos(&self) -> Option<Date> {
        // A claim without an administration record (one imported from an 837P) still has its
        // lines' dates.
        common_admin_date(self.claim).or_else(|| common_line_date(self.claim))
    }

    /// The admins whose drug the data knows, with their codes.
    pub fn admin_codes(&self, admin: &Admin) -> Vec<&'a Code> {
        self.data
            .codes_for_drug(&admin.drug.value, admin.date_of_service())
    }

    /// The byte offset just past the end of the physical line containing `offset` (before its newline).
    pub fn line_end(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.text[offset..]
            .find(['\n', '\r'])
            .map_or(self.text.len(), |i| offset + i)
    }

    /// The byte offset of the start of the physical line containing `offset`.
    pub fn line_start(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1)
    }

    /// The span of the whole physical line(s) of `span`, including the line break after it: deleting
    /// it removes the statement and its comment.
    pub fn whole_lines(&self, span: Span) -> Span {
        let start = self.line_start(span.start);
        let mut end = self.line_end(span.end);
        let rest = &self.text[end..];
        if rest.starts_with("\r\n") {
            end += 2;
        } else if rest.starts_with('\n') || rest.starts_with('\r') {
            end += 1;
        }
        Span::new(start, end)
    }

    /// The leading whitespace of the line containing `offset`.
    pub fn indent_at(&self, offset: usize) -> &'a str {
        let start = self.line_start(offset);
        let line = &self.text[start..self.line_end(offset)];
        let trimmed = line.trim_start_matches([' ', '\t']);
        &self.text[start..start + line.len() - trimmed.len()]
    }

    /// The line break the document uses.
    pub fn newline(&self) -> &'static str {
        // Look at the claim line's own line end, not the whole document: this runs for every fix.
        let rest = self.text.get(self.claim.header.end..).unwrap_or("");
        match rest.find('\n') {
            Some(i) if rest[..i].ends_with('\r') => "\r\n",
            _ => "\n",
        }
    }

    /// An edit that inserts `statement` as a new line after the physical line containing `after`,
    /// with the same indentation as that line.
    pub fn insert_line_after(&self, after: Span, statement: &str) -> crate::Edit {
        let at = self.line_end(after.end);
        crate::Edit {
            span: Span::new(at, at),
            new_text: format!(
                "{}{}{}",
                self.newline(),
                self.indent_at(after.start),
                statement
            ),
        }
    }

    /// An edit that removes a modifier and the space before it.
    pub fn remove_modifier(&self, span: Span) -> crate::Edit {
        let start = self.text[..span.start].trim_end_matches([' ', '\t']).len();
        crate::Edit {
            span: Span::new(start, span.end),
            new_text: String::new(),
        }
    }

    /// An edit that inserts a detail statement at the end of an admin block (4-space indent).
    pub fn insert_in_admin(&self, admin: &Admin, statement: &str) -> crate::Edit {
        let at = self.line_end(admin.span.end);
        let indent = format!("{}  ", self.indent_at(admin.header.start));
        crate::Edit {
            span: Span::new(at, at),
            new_text: format!("{}{indent}{statement}", self.newline()),
        }
    }

    /// An edit that inserts a claim-level statement after the last claim-level statement before the
    /// first admin or line (or after the `claim` line).
    pub fn insert_in_claim(&self, statement: &str) -> crate::Edit {
        let claim = self.claim;
        let first_block = claim
            .admins
            .iter()
            .map(|a| a.header.start)
            .chain(claim.lines.iter().map(|l| l.span.start))
            .min()
            .unwrap_or(usize::MAX);
        let mut last = claim.header;
        let header_spans = claim
            .payer
            .iter()
            .map(|p| p.span)
            .chain(claim.patient.iter().map(|p| p.span))
            .chain(claim.provider.iter().map(|p| p.span))
            .chain(claim.pos.iter().map(|p| p.span))
            .chain(claim.dxs.iter().map(|d| d.span))
            .chain(claim.orders.iter().map(|o| o.span))
            .chain(claim.auths.iter().map(|a| a.span))
            .chain(claim.history.iter().map(|h| h.span))
            .chain(claim.notes.iter().map(|n| n.span));
        for s in header_spans {
            if s.start < first_block && s.end > last.end {
                last = s;
            }
        }
        let at = self.line_end(last.end);
        let indent = if last == claim.header {
            format!("{}  ", self.indent_at(claim.header.start))
        } else {
            self.indent_at(last.start).to_string()
        };
        crate::Edit {
            span: Span::new(at, at),
            new_text: format!("{}{indent}{statement}", self.newline()),
        }
    }
}

fn common_line_date(claim: &Claim) -> Option<Date> {
    if !claim.admins.is_empty() {
        return None;
    }
    let mut dates = claim.lines.iter().map(|l| l.on.as_ref().map(|d| d.value));
    let first = dates.next()??;
    dates.all(|d| d == Some(first)).then_some(first)
}

fn common_admin_date(claim: &Claim) -> Option<Date> {
    let mut dates = claim.admins.iter().filter_map(|a| a.date_of_service());
    let first = dates.next()?;
    dates.all(|d| d == first).then_some(first)
}

fn resolve_line<'a>(claim: &'a Claim, data: &'a CodeData, line: &'a Line) -> LineFacts<'a> {
    let code_text = &line.code.value;
    let hint_dos = line
        .on
        .as_ref()
        .map(|d| d.value)
        .or_else(|| common_admin_date(claim));
    let code = data.code(code_text, hint_dos);
    let admin = match code {
        Some(c) if c.kind == CodeKind::Drug => tie_admin(claim, data, c),
        _ => None,
    };
    let dos = line
        .on
        .as_ref()
        .map(|d| d.value)
        .or_else(|| admin.and_then(|a| a.date_of_service()))
        .or_else(|| common_admin_date(claim));
    // Re-read the code for the final date of service (editions are chosen by date).
    let code = data.code(code_text, dos).or(code);
    LineFacts {
        line,
        dos,
        code,
        admin,
    }
}

/// The admin whose drug a drug code bills: by the code data's drug names; else, when exactly one admin
/// names a drug the data does not know, that one (nothing proves it wrong).
fn tie_admin<'a>(claim: &'a Claim, data: &CodeData, code: &Code) -> Option<&'a Admin> {
    let billed = |a: &Admin| {
        data.codes_for_drug(&a.drug.value, a.date_of_service())
            .iter()
            .any(|c| c.code == code.code)
    };
    if let Some(a) = claim.admins.iter().find(|a| billed(a)) {
        return Some(a);
    }
    // The same drug under another code generation (admin eculizumab, line J1300 terminated → J1299).
    if let Some(drug) = &code.drug
        && let Some(a) = claim
            .admins
            .iter()
            .find(|a| a.drug.value.eq_ignore_ascii_case(&drug.generic))
    {
        return Some(a);
    }
    let unknown: Vec<&Admin> = claim
        .admins
        .iter()
        .filter(|a| {
            data.codes_for_drug(&a.drug.value, a.date_of_service())
                .is_empty()
        })
        .collect();
    match unknown.as_slice() {
        [only] => Some(only),
        _ => None,
    }
}

fn group_drugs<'a>(lines: &[LineFacts<'a>], data: &'a CodeData) -> Vec<DrugUse<'a>> {
    let mut uses: Vec<DrugUse<'a>> = Vec::new();
    for (i, facts) in lines.iter().enumerate() {
        let Some(code) = facts.code.filter(|_| facts.is_drug()) else {
            continue;
        };
        let pos = uses
            .iter()
            .position(|u| u.code.code == code.code && u.dos == facts.dos);
        let idx = match pos {
            Some(p) => p,
            None => {
                uses.push(DrugUse {
                    code,
                    dos: facts.dos,
                    admin: facts.admin,
                    given_lines: Vec::new(),
                    jw_lines: Vec::new(),
                    math: None,
                });
                uses.len() - 1
            }
        };
        let u = &mut uses[idx];
        if u.admin.is_none() {
            u.admin = facts.admin;
        }
        if facts.is_jw() {
            u.jw_lines.push(i);
        } else {
            u.given_lines.push(i);
        }
    }
    for u in &mut uses {
        u.math = u.admin.and_then(|a| waste_math(u.code, a, data));
    }
    uses
}

/// The arithmetic of rules.md *Waste* for one code and its admin record.
pub fn waste_math(code: &Code, admin: &Admin, data: &CodeData) -> Option<WasteMath> {
    let unit = code.billing_unit?;
    let dose = admin.dose.as_ref()?.value.to_unit(unit.unit)?;
    let given_units = units_for(dose, unit)?;
    let drug = code.drug.as_ref();
    let documented_waste = sum_quantities(admin.wastes.iter().map(|w| w.amount.value), unit.unit);
    let (opened, container) = opened(admin, drug, data, unit.unit);
    let opened = opened.or_else(|| {
        // No containers documented: what was opened is what was given plus what was discarded.
        let waste = documented_waste?;
        Some((
            Quantity::new(dose.amount + waste.amount, unit.unit),
            format!("dose {dose} + waste {waste}"),
        ))
    });
    let billable_waste = opened.as_ref().map(|(o, _)| {
        let w = o.amount - given_units * unit.amount;
        Quantity::new(w.max(Decimal::ZERO), unit.unit)
    });
    let jw_units = billable_waste
        .and_then(|w| w.ratio(unit))
        .map(|r| r.floor());
    Some(WasteMath {
        unit,
        dose,
        given_units,
        opened,
        billable_waste,
        jw_units,
        container,
        documented_waste,
    })
}

fn sum_quantities(q: impl Iterator<Item = Quantity>, unit: DoseUnit) -> Option<Quantity> {
    let mut total = Decimal::ZERO;
    let mut any = false;
    for x in q {
        total += x.to_unit(unit)?.amount;
        any = true;
    }
    any.then_some(Quantity::new(total, unit))
}

/// Containers opened (in `unit`) and their kind, from the `vial` statements.
fn opened(
    admin: &Admin,
    drug: Option<&Drug>,
    data: &CodeData,
    unit: DoseUnit,
) -> (Option<(Quantity, String)>, ContainerKind) {
    let drug_kind = drug.map_or(ContainerKind::Unknown, |d| {
        kind_of(d.presentations.iter().map(|p| p.container))
    });
    if admin.vials.is_empty() {
        return (None, drug_kind);
    }
    let mut total = Decimal::ZERO;
    let mut parts: Vec<String> = Vec::new();
    let mut kinds: Vec<Option<Container>> = Vec::new();
    let mut known = true;
    for vial in &admin.vials {
        let count = Decimal::from(vial.count.value);
        let (amount, kind) = match &vial.size.value {
            VialSize::Amount(q) => {
                let p = drug.and_then(|d| presentation_by_amount(d, *q));
                (Some(*q), p.map(|p| p.container))
            }
            VialSize::Ndc(ndc) => {
                let p = ndc
                    .digits
                    .as_ref()
                    .and_then(|d| presentation_by_ndc(drug, data, d));
                (p.map(|p| p.amount), p.map(|p| p.container))
            }
        };
        kinds.push(kind);
        match amount.and_then(|a| a.to_unit(unit)) {
            Some(a) => {
                total += a.amount * count;
                parts.push(format!("{} × {}", vial.count.value, a));
            }
            None => known = false,
        }
    }
    let kind = if kinds.iter().all(Option::is_some) {
        kind_of(kinds.into_iter().flatten())
    } else if kinds.contains(&Some(Container::MultiDose)) {
        ContainerKind::MultiDose
    } else {
        drug_kind
    };
    if !known {
        return (None, kind);
    }
    (Some((Quantity::new(total, unit), parts.join(" + "))), kind)
}

fn kind_of(containers: impl Iterator<Item = Container>) -> ContainerKind {
    let mut kind = None;
    for c in containers {
        match (kind, c) {
            (None, c) => kind = Some(c),
            (Some(k), c) if k == c => {}
            _ => return ContainerKind::Unknown,
        }
    }
    match kind {
        Some(Container::SingleDose) => ContainerKind::SingleDose,
        Some(Container::MultiDose) => ContainerKind::MultiDose,
        None => ContainerKind::Unknown,
    }
}

/// The drug's presentation of this size (`vial 100 mg`).
pub fn presentation_by_amount(drug: &Drug, amount: Quantity) -> Option<&Presentation> {
    drug.presentations.iter().find(|p| {
        amount
            .to_unit(p.amount.unit)
            .is_some_and(|a| a.amount == p.amount.amount)
    })
}

/// The presentation of an NDC: the drug's own list first, then the product data.
pub fn presentation_by_ndc<'a>(
    drug: Option<&'a Drug>,
    data: &'a CodeData,
    ndc11: &str,
) -> Option<&'a Presentation> {
    drug.and_then(|d| {
        d.presentations
            .iter()
            .find(|p| p.ndc.as_deref() == Some(ndc11))
    })
    .or_else(|| data.product(ndc11).and_then(|p| p.presentation.as_ref()))
}

/// Infusion minutes between `start` and `stop` (a stop earlier than the start on the same day is read
/// as the next day).
pub fn infusion_minutes(admin: &Admin) -> Option<i64> {
    let start = admin.start.as_ref()?.value;
    let stop = admin.stop.as_ref()?;
    let stop_date = stop.date.as_ref().map_or(start.date, |d| d.value);
    let mut minutes = (stop_date.days() - start.date.days()) * 1440 + stop.time.value.minutes()
        - start.time.minutes();
    if stop.date.is_none() && minutes < 0 {
        minutes += 1440;
    }
    Some(minutes)
}

/// Additional hours billable after the first: each needs more than 30 minutes past the last full hour.
pub fn additional_hours(minutes: i64) -> i64 {
    if minutes <= 60 {
        return 0;
    }
    let beyond = minutes - 60;
    beyond / 60 + i64::from(beyond % 60 > 30)
}

/// A decimal as the coder writes it (`35`, `0.5`).
pub fn show(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A whole decimal as an integer, when it is one.
pub fn whole(d: Decimal) -> Option<i64> {
    (d.fract().is_zero()).then(|| d.to_i64()).flatten()
}

/// The sentence behind a line's units (see [`crate::units_arithmetic`]).
pub fn explain_line(ctx: &ClaimCtx, index: usize, facts: &LineFacts) -> Option<String> {
    let units = facts.line.units.as_ref()?.value;
    let code = facts.code?;
    if let claimls_data::CodeKind::Administration(role) = code.kind {
        let admin = ctx
            .claim
            .admins
            .iter()
            .find(|a| infusion_minutes(a).is_some())?;
        let minutes = infusion_minutes(admin)?;
        return Some(match role {
            claimls_data::AdminRole::InfusionInitial { .. } => {
                format!(
                    "{} × first hour; documented infusion {minutes} min",
                    show(units)
                )
            }
            claimls_data::AdminRole::InfusionAdditional { .. } => format!(
                "{} additional {}; documented infusion {minutes} min = first hour + {} additional (each needs > 30 min past the last full hour)",
                show(units),
                if units == Decimal::ONE {
                    "hour"
                } else {
                    "hours"
                },
                additional_hours(minutes)
            ),
            claimls_data::AdminRole::Other => return None,
        });
    }
    let unit = code.billing_unit?;
    let amount = Quantity::new(units * unit.amount, unit.unit);
    let head = format!(
        "{} {} × {unit} = {amount}",
        show(units),
        plural(units, "unit")
    );
    let use_ = ctx
        .drugs
        .iter()
        .find(|u| u.given_lines.contains(&index) || u.jw_lines.contains(&index));
    let math = use_.and_then(|u| u.math.as_ref());
    let tail = match (math, facts.is_jw()) {
        (Some(m), true) => match (&m.opened, m.billable_waste, m.jw_units) {
            (Some((opened, how)), Some(w), Some(jw)) => format!(
                "; billable waste {w} ({opened} opened as {how} − {} {} × {unit}) = {} JW {}",
                show(m.given_units),
                plural(m.given_units, "unit"),
                show(jw),
                plural(jw, "unit")
            ),
            _ => String::new(),
        },
        (Some(m), false) => format!(
            "; documented dose {} = {} {}",
            m.dose,
            show(m.given_units),
            plural(m.given_units, "unit")
        ),
        (None, _) => String::new(),
    };
    Some(format!("{head}{tail}"))
}
