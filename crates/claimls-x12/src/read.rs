//! The 837P → draft converter: each claim (CLM) of an 837P becomes a `.claim` draft, every statement
//! remembering the segment it came from so findings on the draft can point into the 837P.
//!
//! What an 837P carries is written as the statements that hold it (payer, patient id, provider, pos,
//! dx, auth, note, lines with modifiers, units, dx pointers, NDC and quantity, charge, date). What it
//! cannot carry — the administration record: dose, route, vials, waste, times, the order — is not
//! invented: each draft says so in a comment ([`NO_ADMIN_RECORD`]), for the coder to fill from the chart.
//! Patient names, birth dates and addresses in the 837P are never written into a draft.

use crate::segment::{self, Segment, Segments, Separators};
use claimls_model::{Date, Decimal, Span, ndc_digits};
use claimls_rules::config::Config;
use std::fmt::Write as _;
use std::str::FromStr;

/// The comment line every imported claim carries. Tools (and rules) that need the administration
/// record can recognise a draft made from an 837P by it.
pub const NO_ADMIN_RECORD: &str = "# claimls: imported from an 837P, which carries no administration record (dose, route, vials, waste, start and stop times, order): add `admin` from the chart before checking the documentation.";

/// A segment the converter could not read, or read only by guessing nothing: its number, line and what
/// was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub segment: usize,
    pub line: usize,
    pub span: Span,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "segment {} (line {}): {}",
            self.segment, self.line, self.message
        )
    }
}

/// The drafts of one 837P file.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    /// The `.claim` text of every claim, in file order.
    pub text: String,
    /// Claim ids, in order.
    pub claims: Vec<String>,
    /// Draft byte range of each written statement → the 837P span of the segment it came from.
    pub map: Vec<(Span, Span)>,
    /// Segments that could not be read (the rest of the file still was).
    pub problems: Vec<Problem>,
    pub segments: Option<Segments>,
}

impl Imported {
    /// The 837P span a draft offset came from: the segment of the statement holding it.
    pub fn source_of(&self, draft_offset: usize) -> Option<Span> {
        // `map` is sorted by draft start; a line's NDC clause starts inside the line's own entry, so
        // the innermost entry holding the offset is the last one starting at or before it that
        // still reaches it.
        let after = self
            .map
            .partition_point(|(draft, _)| draft.start <= draft_offset);
        self.map[..after]
            .iter()
            .rev()
            .take(3)
            .find(|(draft, _)| draft_offset <= draft.end)
            .map(|(_, source)| *source)
    }
}

/// A draft under construction: statements and where each came from.
#[derive(Default)]
struct Draft {
    id: String,
    id_source: Span,
    comments: Vec<String>,
    /// (statement, source)
    header: Vec<(String, Span)>,
    dxs: Vec<(String, Span)>,
    lines: Vec<DraftLine>,
    notes: Vec<(String, Span)>,
    auths: Vec<(String, Span)>,
    pos: Option<String>,
}

#[derive(Default)]
struct DraftLine {
    source: Span,
    code: String,
    modifiers: Vec<String>,
    units: String,
    pointers: Vec<usize>,
    charge: Option<String>,
    on: Option<String>,
    ndc: Option<(String, Span)>,
    ndc_quantity: Option<(String, String)>,
    comments: Vec<String>,
}

/// Context that runs across claims: the billing provider, the subscriber and the payer.
#[derive(Default, Clone)]
struct Parties {
    billing_npi: Option<(String, Span)>,
    member_id: Option<(String, Span)>,
    payer_kind: Option<&'static str>,
    payer_name: Option<String>,
    payer_id: Option<String>,
    payer_source: Span,
}

/// Read an 837P and write its claims as drafts. `config` maps payer ids back to payer profile names.
pub fn import(text: &str, config: &Config) -> Imported {
    let segments = match segment::read(text) {
        Ok(s) => s,
        Err(e) => {
            return Imported {
                problems: vec![Problem {
                    segment: e.segment,
                    line: e.line,
                    span: e.span,
                    message: e.message,
                }],
                ..Imported::default()
            };
        }
    };
    let mut state = Reader {
        sep: segments.separators,
        config,
        parties: Parties::default(),
        drafts: Vec::new(),
        problems: Vec::new(),
        in_line: false,
        in_claim: false,
    };
    for seg in &segments.segments {
        state.segment(seg);
    }
    let mut imported = render(&state.drafts);
    imported.problems = state.problems;
    imported.segments = Some(segments);
    imported
}

struct Reader<'a> {
    sep: Separators,
    config: &'a Config,
    parties: Parties,
    drafts: Vec<Draft>,
    problems: Vec<Problem>,
    in_claim: bool,
    in_line: bool,
}

impl Reader<'_> {
    fn problem(&mut self, seg: &Segment, message: impl Into<String>) {
        self.problems.push(Problem {
            segment: seg.number,
            line: seg.line,
            span: seg.span,
            message: message.into(),
        });
    }

    /// The components of an element, tolerating a component separator other than ISA16's (some
    /// senders write `HC>J2350` under `ISA16 = :`), which is reported once per segment.
    fn components<'s>(&mut self, seg: &'s Segment, n: usize) -> Vec<&'s str> {
        let value = seg.element(n);
        if value.contains(self.sep.component) || value.is_empty() {
            return seg.components(n, &self.sep);
        }
        let other = value
            .chars()
            .find(|c| !c.is_ascii_alphanumeric() && !" .-%#&/,'()".contains(*c));
        match other {
            Some(c) => {
                self.problem(
                    seg,
                    format!(
                        "{}{:02} separates its components with `{c}`, but ISA16 declares `{}`: read with `{c}`; the sender should use `{}`",
                        seg.id, n, self.sep.component, self.sep.component
                    ),
                );
                value.split(c).collect()
            }
            None => vec![value],
        }
    }

    fn claim(&mut self) -> Option<&mut Draft> {
        if self.in_claim {
            self.drafts.last_mut()
        } else {
            None
        }
    }

    fn segment(&mut self, seg: &Segment) {
        let id_ok = (2..=3).contains(&seg.id.len())
            && seg
                .id
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !id_ok {
            self.problem(
                seg,
                "expected a segment id (2 or 3 capital letters or digits, e.g. `SV1`) followed by its elements",
            );
            return;
        }
        match seg.id.as_str() {
            "HL" => {
                self.in_claim = false;
                self.in_line = false;
                if seg.element(3) == "22" {
                    self.parties.member_id = None;
                    self.parties.payer_kind = None;
                    self.parties.payer_name = None;
                    self.parties.payer_id = None;
                }
            }
            "SBR" => {
                self.parties.payer_kind = Some(match seg.element(9) {
                    "MB" => "medicare",
                    "MC" => "medicaid",
                    "16" | "MA" => "medicare-advantage",
                    _ => "commercial",
                });
            }
            "NM1" => self.nm1(seg),
            "CLM" => self.clm(seg),
            "REF" if seg.element(1) == "G1" || seg.element(1) == "9F" => {
                let number = seg.element(2).to_string();
                if let Some(d) = self.claim()
                    && !d.auths.iter().any(|(a, _)| *a == number)
                {
                    d.auths.push((number, seg.span));
                }
            }
            "NTE" => {
                let text = seg.element(2).replace('"', "'");
                let in_line = self.in_line;
                if let Some(d) = self.claim() {
                    let text = match (in_line, d.lines.len()) {
                        (true, n) => format!("line {n}: {text}"),
                        _ => text,
                    };
                    d.notes.push((text, seg.span));
                }
            }
            "HI" => self.hi(seg),
            "LX" => {
                if let Some(d) = self.claim() {
                    d.lines.push(DraftLine {
                        source: seg.span,
                        ..DraftLine::default()
                    });
                    self.in_line = true;
                } else {
                    self.problem(seg, "expected LX inside a claim (after CLM)");
                }
            }
            "SV1" => self.sv1(seg),
            "SV2" | "SV3" | "SV4" | "SV5" => {
                self.problem(
                    seg,
                    format!(
                        "{} is not a professional service line: expected SV1 (an 837P)",
                        seg.id
                    ),
                );
            }
            "DTP" if seg.element(1) == "472" => self.dtp(seg),
            "LIN" => {
                let ndc = seg.element(3).to_string();
                let qualifier = seg.element(2).to_string();
                let Some(line) = self.current_line() else {
                    self.problem(seg, "expected LIN after a service line (LX, SV1)");
                    return;
                };
                if qualifier == "N4" {
                    line.ndc = Some((ndc, seg.span));
                } else {
                    line.comments.push(format!(
                        "drug identified as {qualifier} {ndc}, not an NDC (N4)"
                    ));
                }
            }
            "CTP" => {
                let qty = seg.element(4).to_string();
                let unit = self
                    .components(seg, 5)
                    .first()
                    .map_or(String::new(), |u| u.to_string());
                let bad_qty = Decimal::from_str(&qty).is_err();
                let Some(line) = self.current_line() else {
                    self.problem(seg, "expected CTP after LIN in a service line");
                    return;
                };
                line.ndc_quantity = Some((qty, unit.clone()));
                if bad_qty {
                    self.problem(
                        seg,
                        "expected the NDC quantity in CTP04 as a number (e.g. `CTP****20*ML`)",
                    );
                } else if claimls_model::NdcUnit::parse(&unit).is_none() {
                    self.problem(
                        seg,
                        "expected the NDC unit in CTP05 as ML, UN, GR, F2 or ME",
                    );
                }
            }
            _ => {}
        }
    }

    fn current_line(&mut self) -> Option<&mut DraftLine> {
        if !self.in_line {
            return None;
        }
        self.claim()?.lines.last_mut()
    }

    fn nm1(&mut self, seg: &Segment) {
        let id = seg.element(9).to_string();
        // A provider without an identifier (no NM109) gives the draft nothing to write.
        if id.is_empty() && matches!(seg.element(1), "85" | "82") {
            return;
        }
        match seg.element(1) {
            "85" => self.parties.billing_npi = Some((id, seg.span)),
            "IL" => self.parties.member_id = Some((id, seg.span)),
            "PR" if !self.in_claim => {
                self.parties.payer_name = Some(seg.element(3).to_string());
                self.parties.payer_id = Some(id);
                self.parties.payer_source = seg.span;
            }
            "82" if self.in_claim && !self.in_line => {
                if let Some(d) = self.claim() {
                    d.header.retain(|(s, _)| !s.starts_with("provider "));
                    d.header.push((format!("provider {id}"), seg.span));
                }
            }
            _ => {}
        }
    }

    fn clm(&mut self, seg: &Segment) {
        self.in_line = false;
        let raw_id = seg.element(1);
        let id: String = raw_id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "._-".contains(c) {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let mut draft = Draft {
            id: if id.is_empty() {
                format!("CLAIM-{}", seg.number)
            } else {
                id.clone()
            },
            id_source: seg.span,
            ..Draft::default()
        };
        if id != raw_id {
            draft.comments.push("the 837P's claim id (CLM01) has characters a claim id cannot hold; they are written as `-`".to_string());
        }
        let parties = self.parties.clone();
        match parties.payer_kind {
            Some(kind) => {
                let name = self.profile_name(
                    kind,
                    parties.payer_id.as_deref(),
                    parties.payer_name.as_deref(),
                );
                let statement = match name {
                    Some(n) => format!("payer {kind} \"{}\"", n.replace('"', "'")),
                    None => format!("payer {kind}"),
                };
                draft.header.push((statement, parties.payer_source));
            }
            None => self.problem(
                seg,
                "expected the subscriber loop (HL*…*22, SBR) before CLM: the claim has no payer",
            ),
        }
        if let Some((member, span)) = &parties.member_id
            && !member.is_empty()
        {
            draft.header.push((format!("patient {member}"), *span));
        }
        if let Some((npi, span)) = &parties.billing_npi {
            draft.header.push((format!("provider {npi}"), *span));
        }
        let facility = self.components(seg, 5);
        if let Some(pos) = facility.first().filter(|p| !p.is_empty()) {
            draft.pos = Some(pos.to_string());
            draft.header.push((format!("pos {pos}"), seg.span));
        } else {
            self.problem(
                seg,
                "expected the place of service in CLM05-1 (e.g. `11:B:1`)",
            );
        }
        if Decimal::from_str(seg.element(2)).is_err() {
            self.problem(
                seg,
                "expected the claim's total charge in CLM02 as a number",
            );
        }
        self.drafts.push(draft);
        self.in_claim = true;
    }

    /// The payer profile a payer id belongs to in `claimls.toml` (`[x12.payers."<profile>"] id = …`);
    /// for commercial payers without one, the 837P's payer name.
    fn profile_name(&self, kind: &str, id: Option<&str>, name: Option<&str>) -> Option<String> {
        let configured = self
            .config
            .x12
            .payers
            .iter()
            .find(|(_, p)| Some(p.id.as_str()) == id)
            .map(|(profile, _)| profile.clone());
        match configured {
            Some(p) if p.eq_ignore_ascii_case(kind) => None,
            Some(p) => Some(p),
            None if kind == "commercial" => name.filter(|n| !n.is_empty()).map(str::to_string),
            None => None,
        }
    }

    fn hi(&mut self, seg: &Segment) {
        let mut found = Vec::new();
        for n in 1..=seg.elements.len() {
            let parts = self.components(seg, n);
            let (Some(qualifier), Some(code)) = (parts.first(), parts.get(1)) else {
                continue;
            };
            match *qualifier {
                "ABK" | "ABF" => found.push(icd10_with_dot(code)),
                "BK" | "BF" => found.push(code.to_string()),
                _ => {}
            }
        }
        let Some(d) = self.claim() else {
            self.problem(seg, "expected HI inside a claim (after CLM)");
            return;
        };
        let span = seg.span;
        for code in found {
            d.dxs.push((code, span));
        }
    }

    fn sv1(&mut self, seg: &Segment) {
        let procedure: Vec<String> = self
            .components(seg, 1)
            .iter()
            .map(|s| s.to_string())
            .collect();
        let pointers: Vec<String> = self
            .components(seg, 7)
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut problems = Vec::new();
        if procedure.first().map(String::as_str) != Some("HC") || procedure.len() < 2 {
            problems.push("expected SV101 as `HC:<HCPCS/CPT code>[:<modifier>…]`".to_string());
        }
        if Decimal::from_str(seg.element(2)).is_err() {
            problems.push("expected the line charge in SV102 as a number".to_string());
        }
        if Decimal::from_str(seg.element(4)).is_err() {
            problems.push("expected the units in SV104 as a number".to_string());
        }
        let unit_basis = seg.element(3).to_string();
        let line_pos = seg.element(5).to_string();
        let mut numbers = Vec::new();
        for p in &pointers {
            match p.parse::<usize>() {
                Ok(n) if (1..=12).contains(&n) => numbers.push(n),
                _ => problems.push(format!(
                    "expected diagnosis pointers 1–12 in SV107, found `{p}`"
                )),
            }
        }
        for p in problems {
            self.problem(seg, p);
        }
        let Some(line) = self.current_line() else {
            self.problem(seg, "expected SV1 after LX in a claim");
            return;
        };
        line.source = seg.span;
        line.code = procedure
            .get(1)
            .cloned()
            .unwrap_or_default()
            .to_ascii_uppercase();
        line.modifiers = procedure
            .iter()
            .skip(2)
            .take(4)
            .filter(|m| !m.is_empty())
            .map(|m| m.to_ascii_uppercase())
            .collect();
        if procedure.len() > 6 && !procedure[6].is_empty() {
            line.comments
                .push("SV101-7 has a description the draft does not keep".to_string());
        }
        line.charge = Some(seg.element(2).to_string());
        line.units = seg.element(4).to_string();
        line.pointers = numbers;
        if unit_basis == "MJ" {
            line.comments
                .push("SV103 bills these units as minutes (MJ)".to_string());
        }
        let claim_pos = self.drafts.last().and_then(|d| d.pos.clone());
        if !line_pos.is_empty()
            && Some(&line_pos) != claim_pos.as_ref()
            && let Some(line) = self.current_line()
        {
            line.comments.push(format!(
                "this line's place of service (SV105) is {line_pos}"
            ));
        }
    }

    fn dtp(&mut self, seg: &Segment) {
        let format = seg.element(2).to_string();
        let value = seg.element(3).to_string();
        let date = match format.as_str() {
            "D8" => Date::parse_compact(&value).map(|d| (d, None)),
            "RD8" => value
                .split_once('-')
                .and_then(|(a, b)| Some((Date::parse_compact(a)?, Some(Date::parse_compact(b)?)))),
            _ => None,
        };
        let Some((from, to)) = date else {
            self.problem(
                seg,
                "expected the service date as `DTP*472*D8*CCYYMMDD` or `RD8*CCYYMMDD-CCYYMMDD`",
            );
            return;
        };
        let Some(line) = self.current_line() else {
            if let Some(d) = self.claim() {
                d.comments.push(format!("claim service date {from}"));
            }
            return;
        };
        line.on = Some(from.to_string());
        if let Some(to) = to.filter(|t| *t != from) {
            line.comments.push(format!("service dates {from} to {to}"));
        }
    }
}

/// `G35A` → `G35.A`; codes of three characters stay as they are.
fn icd10_with_dot(code: &str) -> String {
    let code = code.to_ascii_uppercase();
    let ascii = code.bytes().all(|b| b.is_ascii_alphanumeric());
    if ascii && code.len() > 3 {
        format!("{}.{}", &code[..3], &code[3..])
    } else {
        code
    }
}

fn letter(i: usize) -> char {
    (b'A' + i as u8) as char
}

/// Write the drafts as `.claim` text, recording where each statement came from.
fn render(drafts: &[Draft]) -> Imported {
    let mut out = Imported::default();
    for (n, d) in drafts.iter().enumerate() {
        if n > 0 {
            out.text.push('\n');
        }
        let emit = |out: &mut Imported, text: &str, source: Span| {
            let start = out.text.len();
            out.text.push_str(text);
            out.map.push((Span::new(start, out.text.len()), source));
            out.text.push('\n');
        };
        out.text.push_str(NO_ADMIN_RECORD);
        out.text.push('\n');
        for c in &d.comments {
            let _ = writeln!(out.text, "# {c}");
        }
        emit(&mut out, &format!("claim {}", d.id), d.id_source);
        for (s, span) in &d.header {
            emit(&mut out, &format!("  {s}"), *span);
        }
        for (i, (code, span)) in d.dxs.iter().enumerate().take(12) {
            emit(&mut out, &format!("  dx {} {code}", letter(i)), *span);
        }
        for (a, span) in &d.auths {
            emit(&mut out, &format!("  auth {a}"), *span);
        }
        for (note, span) in &d.notes {
            emit(&mut out, &format!("  note \"{note}\""), *span);
        }
        out.text.push('\n');
        for line in &d.lines {
            for c in &line.comments {
                let _ = writeln!(out.text, "  # {c}");
            }
            let mut s = format!("  line {}", line.code);
            for m in &line.modifiers {
                let _ = write!(s, " {m}");
            }
            let _ = write!(s, " units {}", trim_number(&line.units));
            if !line.pointers.is_empty() {
                let letters: Vec<String> = line
                    .pointers
                    .iter()
                    .map(|p| letter(p - 1).to_string())
                    .collect();
                let _ = write!(s, " dx {}", letters.join(","));
            }
            let mut ndc_source = None;
            if let Some((ndc, span)) = &line.ndc {
                let written = ndc_digits(ndc).map_or(ndc.clone(), |d| {
                    format!("{}-{}-{}", &d[..5], &d[5..9], &d[9..])
                });
                let _ = write!(s, " ndc {written}");
                if let Some((qty, unit)) = &line.ndc_quantity {
                    let _ = write!(s, " {} {unit}", trim_number(qty));
                }
                ndc_source = Some(*span);
            }
            if let Some(c) = &line.charge {
                let _ = write!(s, " charge {}", trim_number(c));
            }
            if let Some(on) = &line.on {
                let _ = write!(s, " on {on}");
            }
            let start = out.text.len();
            match ndc_source {
                // The NDC clause points at LIN, the rest of the line at SV1.
                Some(ndc_span) => {
                    let ndc_at = s.find(" ndc ").unwrap_or(s.len());
                    let ndc_end = s[ndc_at + 1..]
                        .find(" charge ")
                        .or_else(|| s[ndc_at + 1..].find(" on "))
                        .map_or(s.len(), |e| ndc_at + 1 + e);
                    out.map
                        .push((Span::new(start + ndc_at + 1, start + ndc_end), ndc_span));
                    out.map
                        .push((Span::new(start, start + s.len()), line.source));
                }
                None => out
                    .map
                    .push((Span::new(start, start + s.len()), line.source)),
            }
            out.text.push_str(&s);
            out.text.push('\n');
        }
        out.claims.push(d.id.clone());
    }
    out.map
        .sort_by_key(|(draft, _)| (draft.start, std::cmp::Reverse(draft.end)));
    out
}

/// `1.00` → `1`, `10.50` → `10.5`; text that is not a number stays as it is (the draft's rules report it).
fn trim_number(s: &str) -> String {
    match Decimal::from_str(s) {
        Ok(d) => d.normalize().to_string(),
        Err(_) => s.to_string(),
    }
}
