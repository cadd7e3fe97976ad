//! What the rules know about a claim before any rule runs, computed once per claim and shared by every
//! rule (and by the front ends: the LSP's hover shows the arithmetic the rules judged by):
//!
//! - each line's date of service, code record and code status, modifiers' status, and — for drug lines
//!   — the administrations of its drug on its date ([`LineFacts`]);
//! - each `admin` record resolved ([`Administration`]: drug by product, delivery, time window);
//! - for each drug on each date of service, the units and waste arithmetic ([`DrugUse`]);
//! - for each date of service, the administration codes bound to the administrations they bill
//!   ([`Encounter`], the hierarchy of [`crate::hierarchy`]);
//! - each diagnosis's status ([`DxFacts`]).
//!
//! A rule that needs a fact another rule also needs finds it here; no rule calls another.

use crate::config::{Config, PayerProfile};
pub use crate::encounter::*;
pub use crate::hierarchy::{BilledService, Encounter, Service};
use claimls_data::{Code, CodeData, CodeKind, Diagnosis, Modifier};
use claimls_model::{Admin, Claim, Date, Decimal, Dx, Line, PayerKind, Quantity, Span};

/// One claim with everything the rules need.
pub struct ClaimCtx<'a> {
    pub claim: &'a Claim,
    pub text: &'a str,
    pub data: &'a CodeData,
    pub config: &'a Config,
    pub profile: PayerProfile,
    /// One per `claim.lines`, same order.
    pub lines: Vec<LineFacts<'a>>,
    /// One per `claim.admins`, same order.
    pub administrations: Vec<Administration<'a>>,
    /// One per drug code and date of service.
    pub drugs: Vec<DrugUse<'a>>,
    /// One per date of service (administrations and lines without a date share one with `dos: None`).
    pub encounters: Vec<Encounter>,
    /// One per `claim.dxs`, same order.
    pub dxs: Vec<DxFacts<'a>>,
    /// The place of service is a facility (19, 21, 22, 23…): the facility bills drug and administration.
    pub facility: bool,
}

/// Whether the code data can judge a code as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeStatus {
    /// The data has it for the date of service.
    Known,
    /// Not the shape of a HCPCS or CPT code.
    Malformed,
    /// Well formed, and the complete official code set for the date does not have it.
    Unknown,
    /// Well formed, and only the curated subset was asked: it may exist.
    NotInData,
}

/// A modifier of a line, judged against the code data once.
#[derive(Debug, Clone, Copy)]
pub enum ModifierStatus<'a> {
    /// Already written earlier on the line.
    Repeat,
    /// The data has it.
    Known(&'a Modifier),
    /// Not a modifier (not two letters or digits, or not in the complete code set, or `JN`).
    Unknown,
    /// Not in the curated subset; it may exist.
    NotInData,
}

/// What a line is, resolved.
pub struct LineFacts<'a> {
    pub line: &'a Line,
    /// `on`, else the start date of the administrations of the same drug, else the claim's one date.
    pub dos: Option<Date>,
    /// The code record for the date of service, when the data knows the code.
    pub code: Option<&'a Code>,
    pub status: CodeStatus,
    /// One per `line.modifiers`, same order.
    pub modifiers: Vec<ModifierStatus<'a>>,
    /// For drug lines: indexes into `ClaimCtx::administrations` of the administrations of this line's
    /// drug on its date of service.
    pub administrations: Vec<usize>,
    /// For a drug line billing no documented administration: the administration on its date whose drug
    /// no line bills, and the code that drug bills — the line was probably meant for it.
    pub mismatch: Option<(usize, &'a Code)>,
}

impl LineFacts<'_> {
    pub fn is_drug(&self) -> bool {
        self.code.is_some_and(|c| c.kind == CodeKind::Drug)
    }
    pub fn is_jw(&self) -> bool {
        self.line.has_modifier("JW")
    }
    /// The administration-code service this line bills, when it is one.
    pub fn service(&self) -> Option<Service> {
        Service::of(&self.line.code.value)
    }
}

/// Whether the code data can judge a diagnosis as written.
#[derive(Debug, Clone, Copy)]
pub enum DxStatus<'a> {
    Known(&'a Diagnosis),
    /// Not the shape of an ICD-10-CM code.
    Malformed,
    /// Not in the complete ICD-10-CM edition for the date of service.
    Unknown,
    /// Not in the curated subset, or no edition covers the date of service: it may exist.
    NotInData,
}

pub struct DxFacts<'a> {
    pub dx: &'a Dx,
    /// The date the diagnosis is judged for: the claim's one date of service.
    pub dos: Option<Date>,
    pub status: DxStatus<'a>,
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
        let administrations: Vec<Administration<'a>> = claim
            .admins
            .iter()
            .map(|a| Administration::new(a, data))
            .collect();
        let mut lines: Vec<LineFacts<'a>> = claim
            .lines
            .iter()
            .map(|line| resolve_line(claim, data, &administrations, line))
            .collect();
        for i in 0..lines.len() {
            lines[i].mismatch = mismatch(&lines, i, &administrations);
        }
        let drugs = group_drugs(&lines, &administrations, data);
        let encounters = encounters(&lines, &administrations);
        let claim_dos = common_admin_date(claim).or_else(|| common_line_date(claim));
        let dxs = claim
            .dxs
            .iter()
            .map(|dx| DxFacts {
                dx,
                dos: claim_dos,
                status: dx_status(data, dx, claim_dos),
            })
            .collect();
        let facility = claim
            .pos
            .as_ref()
            .and_then(|p| data.place_of_service(&p.value))
            .is_some_and(|p| p.facility);
        ClaimCtx {
            claim,
            text,
            data,
            config,
            profile,
            lines,
            administrations,
            drugs,
            encounters,
            dxs,
            facility,
        }
    }

    /// The date of service of the claim's administrations, when there is exactly one.
    pub fn claim_dos(&self) -> Option<Date> {
        // A claim without an administration record (one imported from an 837P) still has its
        // lines' dates.
        common_admin_date(self.claim).or_else(|| common_line_date(self.claim))
    }

    /// The drug use a line belongs to (as an administered or a JW line).
    pub fn drug_use_of(&self, line: usize) -> Option<&DrugUse<'a>> {
        self.drugs
            .iter()
            .find(|u| u.given_lines.contains(&line) || u.jw_lines.contains(&line))
    }

    /// The first administration record of a drug use (the one messages point at).
    pub fn first_admin(&self, u: &DrugUse) -> Option<&'a Admin> {
        u.administrations
            .first()
            .map(|&a| self.administrations[a].admin)
    }

    /// The encounter of a date of service.
    pub fn encounter(&self, dos: Option<Date>) -> Option<&Encounter> {
        self.encounters.iter().find(|e| e.dos == dos)
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

    /// An edit that removes the statement at `span` and its line. A comment after the statement is kept
    /// on its line (the coder's text is never lost with a fix).
    pub fn remove_statement(&self, span: Span) -> crate::Edit {
        let end = self.line_end(span.end);
        let rest = self.text[span.end..end].trim_start_matches([' ', '\t']);
        if rest.starts_with('#') {
            let start = self.line_start(span.start) + self.indent_at(span.start).len();
            let comment_at = end - rest.len();
            return crate::Edit {
                span: Span::new(start, comment_at),
                new_text: String::new(),
            };
        }
        crate::Edit {
            span: self.whole_lines(span),
            new_text: String::new(),
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

/// `J2350`, `Q5103`: a letter and four digits.
pub fn is_hcpcs_shape(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

/// `96413`, `0001F`: four digits and a digit or F/T/U.
pub fn is_cpt_shape(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5
        && b[..4].iter().all(u8::is_ascii_digit)
        && (b[4].is_ascii_digit() || matches!(b[4], b'F' | b'T' | b'U'))
}

/// `G35.A`, `K50.90`, `G35`: a letter, a digit, a digit or letter, then optionally a dot and 1–4 more.
pub fn is_icd10_shape(code: &str) -> bool {
    let key = claimls_data::Key::icd10(code);
    let b = key.as_bytes();
    let dot_ok = match code.find('.') {
        None => true,
        Some(i) => i == 3 && code.matches('.').count() == 1 && code.len() > 4,
    };
    dot_ok
        && (3..=7).contains(&b.len())
        && b[0].is_ascii_uppercase()
        && b[1].is_ascii_digit()
        && b[2].is_ascii_alphanumeric()
        && b[3..].iter().all(u8::is_ascii_alphanumeric)
}

fn code_status(data: &CodeData, text: &str, code: Option<&Code>, dos: Option<Date>) -> CodeStatus {
    if !is_hcpcs_shape(text) && !is_cpt_shape(text) {
        return CodeStatus::Malformed;
    }
    match code {
        Some(_) => CodeStatus::Known,
        None if data.hcpcs_complete(dos) && is_hcpcs_shape(text) => CodeStatus::Unknown,
        None => CodeStatus::NotInData,
    }
}

fn modifier_statuses<'a>(
    data: &'a CodeData,
    line: &Line,
    dos: Option<Date>,
) -> Vec<ModifierStatus<'a>> {
    // A set, not a scan of the modifiers before: a line of 300,000 modifiers stays linear.
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    line.modifiers
        .iter()
        .map(|m| {
            let text = &m.value;
            if !seen.insert(text.as_str()) {
                return ModifierStatus::Repeat;
            }
            if let Some(known) = data.modifier(text, dos) {
                return ModifierStatus::Known(known);
            }
            let shaped = text.len() == 2 && text.bytes().all(|b| b.is_ascii_alphanumeric());
            if text == "JN" || !shaped || data.hcpcs_complete(dos) {
                ModifierStatus::Unknown
            } else {
                ModifierStatus::NotInData
            }
        })
        .collect()
}

fn dx_status<'a>(data: &'a CodeData, dx: &Dx, dos: Option<Date>) -> DxStatus<'a> {
    let text = &dx.code.value;
    if !is_icd10_shape(text) {
        return DxStatus::Malformed;
    }
    match data.diagnosis(text, dos) {
        Some(d) => DxStatus::Known(d),
        None if data.icd10_complete(dos) => DxStatus::Unknown,
        None => DxStatus::NotInData,
    }
}

/// Whether an administration bills a drug code: its codes include it, or the code bills the same drug
/// under another generation (admin eculizumab, line J1300 terminated → J1299).
fn administers(a: &Administration, code: &Code) -> bool {
    if a.bills(&code.code) {
        return true;
    }
    let Some(drug) = &code.drug else { return false };
    // The name as written counts only when no vial's product says otherwise.
    let by_name = a.codes.len() == a.named_codes.len()
        && a.codes
            .iter()
            .zip(&a.named_codes)
            .all(|(x, y)| x.code == y.code);
    let written = a.admin.drug.value.to_ascii_lowercase();
    let generic = drug.generic.to_ascii_lowercase();
    // A name the data does not know that starts the generic name (`dexamethasone` for
    // `dexamethasone sodium phosphate`): the line's code says which salt.
    let shortened = a.named_codes.is_empty()
        && generic
            .strip_prefix(written.as_str())
            .is_some_and(|rest| rest.starts_with(' '));
    (by_name && (written == generic || shortened))
        || a.codes.iter().any(|c| {
            c.drug
                .as_ref()
                .is_some_and(|d| d.generic.eq_ignore_ascii_case(&drug.generic))
        })
}

fn resolve_line<'a>(
    claim: &'a Claim,
    data: &'a CodeData,
    administrations: &[Administration<'a>],
    line: &'a Line,
) -> LineFacts<'a> {
    let text = &line.code.value;
    let on = line.on.as_ref().map(|d| d.value);
    let code = data.code(text, on.or_else(|| common_admin_date(claim)));
    let of_drug: Vec<usize> = match code {
        Some(c) if c.kind == CodeKind::Drug => {
            let known: Vec<usize> = (0..administrations.len())
                .filter(|&a| administers(&administrations[a], c))
                .collect();
            if known.is_empty() {
                // A drug the data does not know, when it is the only one: nothing proves it wrong.
                let unknown: Vec<usize> = (0..administrations.len())
                    .filter(|&a| administrations[a].codes.is_empty())
                    .collect();
                match unknown.as_slice() {
                    [only] => vec![*only],
                    _ => Vec::new(),
                }
            } else {
                known
            }
        }
        _ => Vec::new(),
    };
    let drug_date = {
        let mut dates = of_drug.iter().map(|&a| administrations[a].dos);
        let first = dates.next().flatten();
        (first.is_some() && dates.all(|d| d == first))
            .then_some(first)
            .flatten()
    };
    let dos = on.or(drug_date).or_else(|| common_admin_date(claim));
    // Re-read the code for the final date of service (editions are chosen by date).
    let code = data.code(text, dos).or(code);
    let bound = of_drug
        .into_iter()
        .filter(|&a| administrations[a].dos == dos || administrations[a].dos.is_none())
        .collect();
    LineFacts {
        line,
        dos,
        code,
        status: code_status(data, text, code, dos),
        modifiers: modifier_statuses(data, line, dos),
        administrations: bound,
        mismatch: None,
    }
}

/// For a drug line that bills no documented administration: an administration of its date whose
/// (known) drug no line of the claim bills, and its best code.
fn mismatch<'a>(
    lines: &[LineFacts<'a>],
    index: usize,
    administrations: &[Administration<'a>],
) -> Option<(usize, &'a Code)> {
    let facts = &lines[index];
    if !facts.is_drug() || !facts.administrations.is_empty() {
        return None;
    }
    let billed = |c: &Code| {
        lines
            .iter()
            .any(|l| l.code.is_some_and(|x| x.code == c.code))
    };
    administrations.iter().enumerate().find_map(|(i, a)| {
        if a.codes.is_empty() || a.codes.iter().any(|c| billed(c)) {
            return None;
        }
        if facts.dos.is_some() && a.dos.is_some() && facts.dos != a.dos {
            return None;
        }
        let dos = facts.dos.or(a.dos);
        let best = a
            .codes
            .iter()
            .find(|c| dos.is_none_or(|d| c.active_on(d)))
            .or(a.codes.first())?;
        Some((i, *best))
    })
}

fn group_drugs<'a>(
    lines: &[LineFacts<'a>],
    administrations: &[Administration<'a>],
    data: &'a CodeData,
) -> Vec<DrugUse<'a>> {
    let mut uses: Vec<DrugUse<'a>> = Vec::new();
    for (i, facts) in lines.iter().enumerate() {
        let Some(code) = facts.code.filter(|_| facts.is_drug()) else {
            continue;
        };
        let idx = match uses
            .iter()
            .position(|u| u.code.code == code.code && u.dos == facts.dos)
        {
            Some(p) => p,
            None => {
                uses.push(DrugUse {
                    code,
                    dos: facts.dos,
                    administrations: Vec::new(),
                    given_lines: Vec::new(),
                    jw_lines: Vec::new(),
                    math: None,
                });
                uses.len() - 1
            }
        };
        let u = &mut uses[idx];
        for &a in &facts.administrations {
            if !u.administrations.contains(&a) {
                u.administrations.push(a);
            }
        }
        if facts.is_jw() {
            u.jw_lines.push(i);
        } else {
            u.given_lines.push(i);
        }
    }
    for u in &mut uses {
        u.administrations.sort_unstable();
        let records: Vec<&Administration> = u
            .administrations
            .iter()
            .map(|&a| &administrations[a])
            .collect();
        u.math = waste_math(u.code, &records, data);
    }
    uses
}

fn encounters(lines: &[LineFacts], administrations: &[Administration]) -> Vec<Encounter> {
    let mut dates: Vec<Option<Date>> = Vec::new();
    for d in administrations
        .iter()
        .map(|a| a.dos)
        .chain(lines.iter().map(|l| l.dos))
    {
        if !dates.contains(&d) {
            dates.push(d);
        }
    }
    dates.sort();
    dates
        .into_iter()
        .map(|dos| {
            let admins: Vec<usize> = (0..administrations.len())
                .filter(|&a| administrations[a].dos == dos)
                .collect();
            let on_date: Vec<usize> = (0..lines.len()).filter(|&l| lines[l].dos == dos).collect();
            let services = on_date
                .iter()
                .filter_map(|&l| lines[l].service().map(|s| (l, s)))
                .collect();
            Encounter::bind(dos, admins, on_date, services, administrations)
        })
        .collect()
}

/// A whole decimal as an integer, when it is one.
pub fn whole(d: Decimal) -> Option<i64> {
    use rust_decimal::prelude::ToPrimitive;
    (d.fract().is_zero()).then(|| d.to_i64()).flatten()
}

/// The `dx` clause of a line as written (` dx A,B`), empty when it has none.
pub fn dx_clause(line: &Line) -> String {
    let Some(dx) = &line.dx else {
        return String::new();
    };
    let ptrs: Vec<String> = dx
        .iter()
        .map(|p| match &p.value {
            claimls_model::DxPointer::Letter(c) => c.to_string(),
            claimls_model::DxPointer::Code(c) => c.clone(),
        })
        .collect();
    format!(" dx {}", ptrs.join(","))
}

/// The sentence behind a line's units (see [`crate::units_arithmetic`]).
pub fn explain_line(ctx: &ClaimCtx, index: usize, facts: &LineFacts) -> Option<String> {
    let units = facts.line.units.as_ref()?.value;
    let code = facts.code?;
    if let Some(service) = facts.service() {
        return explain_service(ctx, index, facts, service, units);
    }
    let unit = code.billing_unit?;
    let amount = Quantity::new(units * unit.amount, unit.unit);
    let head = format!("{} × {unit} = {amount}", count(units, "unit"));
    let math = ctx.drug_use_of(index).and_then(|u| u.math.as_ref());
    let tail = match (math, facts.is_jw()) {
        (Some(m), true) => match (&m.opened, m.billable_waste, m.jw_units) {
            (Some((opened, how)), Some(w), Some(jw)) => format!(
                "; billable waste {w} ({opened} opened as {how} − {} × {unit}) = {} JW",
                count(m.given_units, "unit"),
                count(jw, "unit")
            ),
            _ => String::new(),
        },
        (Some(m), false) => format!(
            "; documented dose {} = {}",
            m.dose,
            count(m.given_units, "unit")
        ),
        (None, _) => String::new(),
    };
    Some(format!("{head}{tail}"))
}

fn explain_service(
    ctx: &ClaimCtx,
    index: usize,
    facts: &LineFacts,
    service: Service,
    units: Decimal,
) -> Option<String> {
    let encounter = ctx.encounter(facts.dos)?;
    let billed = encounter.services.iter().find(|b| b.line == index)?;
    let a = &ctx.administrations[billed.administration?];
    let Delivery::Infusion { minutes } = a.delivery else {
        return None;
    };
    let drug = a.admin.drug.value.as_str();
    Some(match service {
        Service::AdditionalHour(family) => {
            let own = additional_hours(minutes);
            let all = encounter.expected_hours(family, &ctx.administrations)?;
            let others = if all == own {
                String::new()
            } else {
                format!("; {all} with the family's other infusions")
            };
            format!(
                "{} additional {}; the {drug} infusion ran {minutes} min = first hour + {}{others} (each needs more than 30 min past the last full hour)",
                show(units),
                if units == Decimal::ONE {
                    "hour"
                } else {
                    "hours"
                },
                count(Decimal::from(own), "additional hour"),
            )
        }
        _ => format!(
            "{} × first hour; the {drug} infusion ran {minutes} min",
            show(units)
        ),
    })
}
