//! Completion by context: what can be written where the cursor is, from the code data.
//!
//! - the first word: statement keywords (details first inside an `admin`), and snippets for a whole
//!   claim and an `admin` block;
//! - `line ▮`: HCPCS codes by prefix or by drug name/brand, the claim's `admin` drug codes first;
//! - `line J2350 ▮`: modifiers that fit the code (JW/JZ first for single-dose drugs; no drug
//!   modifiers on a CPT administration code), and the line clauses;
//! - `dx ▮`: ICD-10-CM billable codes, the claim's drug indications first, headers never offered;
//! - `pos`, `route`, `payer`, `admin` (drug names and brands), `vial` (the drug's NDCs with sizes),
//!   units after an amount, `dx` pointers, `ndc` on a line.

use super::context::{ClaimContext, LexedLine};
use super::convert;
use super::hover;
use super::snapshot::Snapshot;
use super::statement::{CLAIM_KEYWORDS, DETAIL_KEYWORDS, LINE_CLAUSES, Role};
use claimls_data::{CodeData, CodeKind, Container, ModifierKind};
use claimls_model::{Ndc, PayerKind};
use ropey::Rope;
use std::ops::Range;
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionTextEdit, Documentation,
    InsertTextFormat, Position, TextEdit,
};

/// How many codes a search returns (the list is marked incomplete, so typing more narrows it).
const LIMIT: usize = 60;

/// The routes the notation uses.
pub const ROUTES: &[(&str, &str)] = &[
    ("iv", "intravenous"),
    ("ivp", "intravenous push"),
    ("sc", "subcutaneous"),
    ("im", "intramuscular"),
    ("po", "by mouth"),
    ("intrathecal", "intrathecal"),
    ("intravitreal", "intravitreal"),
    ("inhaled", "inhaled"),
    ("topical", "topical"),
];

const DOSE_UNITS: &[&str] = &["mg", "mcg", "g", "ml", "units"];
const NDC_UNITS: &[(&str, &str)] = &[
    ("ML", "milliliter"),
    ("UN", "unit (each)"),
    ("GR", "gram"),
    ("F2", "international unit"),
    ("ME", "milligram"),
];
const OUTCOMES: &[&str] = &["failed", "intolerant", "contraindicated", "stopped"];

/// What an item's documentation is about; the documentation itself (the hover text) is built for
/// the first items of a list only, the rest on `completionItem/resolve`, so a long list stays fast.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "code", rename_all = "lowercase")]
pub enum DocRef {
    Code(String),
    Modifier(String),
    Diagnosis(String),
    Place(String),
    Ndc(String),
}

impl DocRef {
    pub fn markdown(&self, data: &CodeData) -> Option<String> {
        match self {
            DocRef::Code(c) => hover::code_markdown(data, c, None),
            DocRef::Modifier(m) => hover::modifier_markdown(data, m),
            DocRef::Diagnosis(d) => hover::diagnosis_markdown(data, d, None),
            DocRef::Place(p) => hover::place_markdown(data, p),
            DocRef::Ndc(n) => hover::ndc_markdown(data, n),
        }
    }
}

/// The most items one list carries.
const MAX_ITEMS: usize = 120;

/// How many items of a list carry their documentation inline.
const INLINE_DOCS: usize = 25;

/// Fill in an item's documentation (`completionItem/resolve`).
pub fn resolve(
    mut item: CompletionItem,
    data: &CodeData,
    manners: super::snapshot::ClientManners,
) -> CompletionItem {
    if item.documentation.is_none()
        && let Some(r) = item
            .data
            .clone()
            .and_then(|d| serde_json::from_value::<DocRef>(d).ok())
    {
        item.documentation = r
            .markdown(data)
            .map(|m| documentation(m, manners.completion_markdown));
    }
    item
}

fn documentation(value: String, as_markdown: bool) -> Documentation {
    Documentation::MarkupContent(convert::markup(value, as_markdown))
}

/// One candidate before it becomes an LSP item.
struct Candidate {
    label: String,
    kind: CompletionItemKind,
    detail: Option<String>,
    doc_ref: Option<DocRef>,
    insert: Option<String>,
    snippet: bool,
    /// Lower is better.
    rank: u32,
    filter: Option<String>,
}

impl Candidate {
    fn new(label: impl Into<String>, kind: CompletionItemKind, rank: u32) -> Candidate {
        Candidate {
            label: label.into(),
            kind,
            detail: None,
            doc_ref: None,
            insert: None,
            snippet: false,
            rank,
            filter: None,
        }
    }
    fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }
    fn doc_ref(mut self, d: DocRef) -> Self {
        self.doc_ref = Some(d);
        self
    }
}

/// Where the cursor is in a statement line.
struct Slot<'a> {
    line: &'a LexedLine<'a>,
    keyword: Option<&'a str>,
    /// Index among the value tokens (0 = first value after the keyword); `None` on the keyword.
    index: Option<usize>,
    /// The text typed so far in this slot.
    prefix: &'a str,
    /// Document byte range the chosen item replaces.
    replace: Range<usize>,
    /// The values before the cursor (text and role).
    before: Vec<(&'a str, Role)>,
}

fn slot<'a>(line: &'a LexedLine<'a>, offset: usize) -> Option<Slot<'a>> {
    let col = offset.checked_sub(line.start)?;
    let tokens = &line.statement.tokens;
    // Inside a comment or a string: nothing to offer.
    let inside = |t: &super::statement::Token| match t.role {
        Role::Comment => t.range.start < col,
        Role::String => {
            let closed = t.range.len() > 1 && line.text[t.range.clone()].ends_with('"');
            t.range.start < col && (col < t.range.end || !closed)
        }
        _ => false,
    };
    if tokens.iter().any(inside) {
        return None;
    }
    let current = tokens.iter().position(|t| {
        t.range.start < col
            && col <= t.range.end
            && !matches!(t.role, Role::Comma | Role::String | Role::Comment)
    });
    let prior: Vec<usize> = (0..tokens.len())
        .filter(|i| tokens[*i].range.end <= col && Some(*i) != current)
        .filter(|i| tokens[*i].role != Role::Comment)
        .collect();
    let (prefix, replace) = match current {
        Some(i) => {
            let t = &tokens[i];
            (
                &line.text[t.range.start..col],
                line.start + t.range.start..line.start + t.range.end,
            )
        }
        None => ("", offset..offset),
    };
    if prior.is_empty() {
        return Some(Slot {
            line,
            keyword: None,
            index: None,
            prefix,
            replace,
            before: Vec::new(),
        });
    }
    let before: Vec<(&str, Role)> = prior
        .iter()
        .skip(1)
        .map(|i| (&line.text[tokens[*i].range.clone()], tokens[*i].role))
        .collect();
    Some(Slot {
        line,
        keyword: line.keyword(),
        index: Some(before.iter().filter(|(_, r)| *r != Role::Comma).count()),
        prefix,
        replace,
        before,
    })
}

/// The completion list at a position, or `None` where nothing can be written (in a comment).
pub fn complete(snap: &Snapshot, pos: Position) -> Option<CompletionList> {
    let offset = convert::position_to_byte(&snap.rope, pos);
    let text = &*snap.text;
    let claim = ClaimContext::at(text, offset);
    let line = claim.line_at(offset)?;
    let slot = slot(line, offset)?;
    let data = snap.data();
    let candidates = match (slot.keyword, slot.index) {
        (_, None) => {
            let mut out = bill_items(snap, &claim, line, offset);
            out.extend(keywords(snap, &claim, offset));
            out
        }
        (Some("patient"), Some(0)) => patients(snap),
        (Some("order" | "start"), Some(0)) => dates(snap, &claim, line),
        (Some("vial"), Some(1)) if !is_number(slot.before.first()) => {
            vial_count(snap, &claim, line, &slot)
        }
        (Some("vial"), Some(2)) if is_number(slot.before.first()) => {
            vial_count(snap, &claim, line, &slot)
        }
        (Some("waste"), Some(0)) => waste_amount(snap, &claim, line),
        (Some("line"), Some(_)) => line_items(snap, &slot, &claim, data),
        (Some("dx"), Some(i)) if i <= 1 => diagnoses(&slot, &claim, data),
        (Some("pos"), Some(0)) => places(data),
        (Some("route"), Some(0)) => routes(&claim, offset, data),
        (Some("payer"), Some(0)) => PayerKind::ALL
            .iter()
            .enumerate()
            .map(|(i, k)| Candidate::new(k.keyword(), CompletionItemKind::ENUM_MEMBER, i as u32))
            .collect(),
        (Some("payer"), Some(1)) => snap
            .config()
            .payers
            .values()
            .filter(|p| PayerKind::parse(&p.name).is_none())
            .map(|p| {
                let mut c =
                    Candidate::new(format!("\"{}\"", p.name), CompletionItemKind::VALUE, 0).detail(
                        format!("{} payer profile from claimls.toml", p.kind.keyword()),
                    );
                c.filter = Some(format!("\"{}", p.name));
                c
            })
            .collect(),
        (Some("admin"), Some(_)) => drugs(data, &admin_typed(&slot, text, offset)),
        (Some("vial"), Some(0)) => {
            let mut out = vials(&claim, offset, data);
            with_counts(snap, &claim, line, &mut out);
            out
        }
        (Some("vial" | "dose" | "waste"), Some(1)) if is_number(slot.before.first()) => {
            dose_units()
        }
        (Some("waste"), Some(i)) if i >= 2 => ["reason", "witness", "evidence"]
            .iter()
            .map(|k| Candidate::new(*k, CompletionItemKind::KEYWORD, 0))
            .collect(),
        (Some("reaction"), Some(0)) => vec![
            Candidate::new("none", CompletionItemKind::KEYWORD, 0).detail("no adverse reaction"),
        ],
        (Some("order"), Some(1)) => vec![
            Candidate::new("signed", CompletionItemKind::KEYWORD, 0),
            Candidate::new("unsigned", CompletionItemKind::KEYWORD, 1),
        ],
        (Some("history"), Some(1)) => OUTCOMES
            .iter()
            .enumerate()
            .map(|(i, o)| Candidate::new(*o, CompletionItemKind::ENUM_MEMBER, i as u32))
            .collect(),
        _ => Vec::new(),
    };
    let replace = if slot.keyword == Some("admin") {
        // A drug name may be several words: replace all of it.
        let first = slot
            .line
            .values()
            .find(|t| t.role == Role::Drug)
            .map(|t| slot.line.start + t.range.start)
            .unwrap_or(slot.replace.start)
            .min(slot.replace.start);
        first..slot.replace.end
    } else {
        slot.replace.clone()
    };
    let typed = text.get(replace.start..offset).unwrap_or(slot.prefix);
    let mut candidates = candidates;
    if !snap.client.snippets {
        candidates.retain(|c| !c.snippet);
    }
    candidates.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.label.cmp(&b.label)));
    // The list is incomplete anyway: typing more asks again with a narrower prefix.
    candidates.truncate(MAX_ITEMS);
    Some(CompletionList {
        is_incomplete: true,
        items: candidates
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let inline = (i < INLINE_DOCS).then_some(data);
                item(c, &snap.rope, &replace, typed, inline, snap.client)
            })
            .collect(),
    })
}

/// What is typed of the drug name on an `admin` line (all its words up to the cursor).
fn admin_typed(slot: &Slot<'_>, text: &str, offset: usize) -> String {
    let first = slot
        .line
        .values()
        .find(|t| t.role == Role::Drug)
        .map(|t| slot.line.start + t.range.start)
        .unwrap_or(offset)
        .min(offset);
    text.get(first..offset).unwrap_or("").to_ascii_lowercase()
}

fn is_number(v: Option<&(&str, Role)>) -> bool {
    v.is_some_and(|(t, _)| t.parse::<f64>().is_ok())
}

fn item(
    c: Candidate,
    rope: &Rope,
    replace: &Range<usize>,
    typed: &str,
    data: Option<&CodeData>,
    manners: super::snapshot::ClientManners,
) -> CompletionItem {
    let range = convert::span_to_range(rope, claimls_model::Span::new(replace.start, replace.end));
    let new_text = c.insert.clone().unwrap_or_else(|| c.label.clone());
    // Items found by drug name or descriptor do not start with what was typed: let the client's
    // filter see the typed text, so it keeps them.
    let filter = c.filter.clone().or_else(|| {
        // Keywords and values offered by name are filtered by the client on their label.
        c.doc_ref.as_ref()?;
        let matches = c
            .label
            .to_ascii_lowercase()
            .starts_with(&typed.to_ascii_lowercase());
        (!matches && !typed.is_empty()).then(|| format!("{typed} {}", c.label))
    });
    CompletionItem {
        label: c.label,
        kind: Some(c.kind),
        detail: c.detail,
        documentation: data
            .zip(c.doc_ref.as_ref())
            .and_then(|(d, r)| r.markdown(d))
            .map(|m| documentation(m, manners.completion_markdown)),
        data: c
            .doc_ref
            .as_ref()
            .and_then(|r| serde_json::to_value(r).ok()),
        sort_text: Some(format!("{:05}", c.rank)),
        filter_text: filter,
        insert_text_format: Some(if c.snippet {
            InsertTextFormat::SNIPPET
        } else {
            InsertTextFormat::PLAIN_TEXT
        }),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, new_text))),
        ..Default::default()
    }
}

/// An `admin` block: every value a placeholder at the end of its line (where completion offers the
/// drug, its vial, the waste the vials leave…), no chart fact written for the coder.
const ADMIN_SNIPPET: &str = "admin ${1}\n  dose ${2} ${3|mg,mcg,g,ml,units|}\n  route ${4|iv,ivp,sc,im,po|}\n  start ${5}\n  stop ${6}\n  vial ${7}\n  waste ${8}\n  reaction ${9}$0";

fn keyword_doc(k: &str) -> &'static str {
    hover::keyword_doc(k)
}

/// Statements written at most once per claim (claim level) or per `admin` (details).
const ONCE_PER_CLAIM: &[&str] = &["payer", "patient", "provider", "pos"];
/// Claim statements a claim may well do without.
const OPTIONAL: &[&str] = &["auth", "history", "note"];
const ONCE_PER_ADMIN: &[&str] = &["dose", "route", "start", "stop", "reaction"];

/// The statement keywords for the first word of a line: the `admin` details first under an `admin`,
/// a statement written once left out when it is already written (in the claim, or in this `admin`
/// block), `claim` last inside a claim. The client filters them by what is typed (no filter text).
fn keywords(snap: &Snapshot, claim: &ClaimContext<'_>, offset: usize) -> Vec<Candidate> {
    let here = |l: &LexedLine<'_>| l.start <= offset && offset <= l.start + l.text.len();
    let in_admin = claim
        .lines
        .iter()
        .rev()
        .filter(|l| l.start < offset && !here(l))
        .find_map(|l| l.keyword())
        .is_some_and(|k| k == "admin" || DETAIL_KEYWORDS.contains(&k));
    let in_claim = claim
        .lines
        .iter()
        .any(|l| l.start < offset && !here(l) && l.keyword() == Some("claim"));
    let written: Vec<&str> = claim
        .lines
        .iter()
        .filter(|l| !here(l))
        .filter_map(|l| l.keyword())
        .collect();
    // The details of the `admin` block around the cursor: from the `admin` above to the next statement
    // that is not a detail.
    let mut block: Vec<&str> = Vec::new();
    if in_admin {
        let above = claim
            .lines
            .iter()
            .rposition(|l| l.start < offset && l.keyword() == Some("admin"));
        if let Some(start) = above {
            for l in &claim.lines[start + 1..] {
                if here(l) {
                    continue;
                }
                match l.keyword() {
                    Some(k) if DETAIL_KEYWORDS.contains(&k) => block.push(k),
                    Some(_) => break,
                    None => {}
                }
            }
        }
    }
    let snippets = snap.client.snippets;
    let mut out = Vec::new();
    for (i, k) in DETAIL_KEYWORDS.iter().enumerate() {
        if in_admin && ONCE_PER_ADMIN.contains(k) && block.contains(k) {
            continue;
        }
        // What the record still lacks first: a detail already written in it (a second `vial`)
        // after those not yet written.
        let again = if in_admin && block.contains(k) { 20 } else { 0 };
        let rank = if in_admin {
            2 * i as u32 + again
        } else {
            200 + 2 * i as u32
        };
        let mut c = Candidate::new(*k, CompletionItemKind::KEYWORD, rank).detail(keyword_doc(k));
        // `dose ▮ mg`: the amount is the coder's to type, the unit the drug's billing unit.
        if *k == "dose"
            && snippets
            && let Some(unit) = claim
                .admin_above(offset)
                .and_then(|d| dose_unit(snap.data(), &d))
        {
            c.insert = Some(format!("dose ${{1}} {unit}"));
            c.snippet = true;
            c.detail = Some(format!("dose <amount> {unit}: {}", keyword_doc(k)));
        }
        out.push(c);
    }
    for (i, k) in CLAIM_KEYWORDS.iter().enumerate() {
        if in_claim && ONCE_PER_CLAIM.contains(k) && written.contains(k) {
            continue;
        }
        // What the claim still lacks first: the statements not yet written, then the optional ones
        // (auth, history, note), then another of a statement already written (a second `dx`).
        let again = if in_claim && written.contains(k) && !matches!(*k, "admin" | "line") {
            60
        } else if OPTIONAL.contains(k) {
            30
        } else {
            0
        };
        let mut rank = if in_admin { 100 } else { 0 } + 2 * i as u32 + again;
        if *k == "claim" && in_claim {
            rank = 600;
        }
        let mut c = Candidate::new(*k, CompletionItemKind::KEYWORD, rank).detail(keyword_doc(k));
        if snippets && *k == "claim" {
            let (text, detail) = claim_header(snap.config());
            c.insert = Some(text);
            c.snippet = true;
            c.detail = Some(detail);
        }
        if snippets && *k == "order" {
            c.insert = Some("order ${1} signed \"${2}\"".to_string());
            c.snippet = true;
            c.detail = Some(format!("order <date> signed \"<who>\": {}", keyword_doc(k)));
        }
        out.push(c);
    }
    if snippets {
        // Every statement takes a value: the keyword and its space, the cursor on the value (and in
        // the quotes of a free-text statement).
        for c in out.iter_mut().filter(|c| c.insert.is_none()) {
            c.insert = Some(match c.label.as_str() {
                "premed" | "note" | "history" => format!("{} \"${{1}}\"", c.label),
                k => format!("{k} ${{1}}"),
            });
            c.snippet = true;
        }
    }
    // The `admin` block snippet just before the `admin` keyword.
    let admin_rank = out
        .iter()
        .find(|c| c.label == "admin")
        .map_or(401, |c| c.rank.saturating_sub(1));
    let mut admin_snippet = Candidate::new("admin …", CompletionItemKind::SNIPPET, admin_rank)
        .detail("an admin block with its details");
    admin_snippet.insert = Some(ADMIN_SNIPPET.to_string());
    admin_snippet.snippet = true;
    admin_snippet.filter = Some("admin".to_string());
    out.push(admin_snippet);
    out
}

/// The `claim` snippet: the id to type, then the header lines in the order claims write them —
/// `payer` and `pos` from `[draft]`, `provider` from `[organization] npi`, a placeholder for what the
/// settings do not fix (always the patient and the diagnosis). Later lines carry their indentation
/// relative to the `claim` line (editors indent them by the current line).
fn claim_header(config: &claimls_rules::config::Config) -> (String, String) {
    let mut n = 1;
    let mut next = || {
        n += 1;
        format!("${{{n}}}")
    };
    let npi = config.organization.as_ref().map(|o| o.npi.as_str());
    let payer = config
        .draft
        .payer
        .as_deref()
        .map(snippet_text)
        .unwrap_or_else(&mut next);
    let patient = next();
    let provider = npi.map(snippet_text).unwrap_or_else(&mut next);
    let pos = config
        .draft
        .pos
        .as_deref()
        .map(snippet_text)
        .unwrap_or_else(&mut next);
    let dx = next();
    let text = format!(
        "claim ${{1}}\n  payer {payer}\n  patient {patient}\n  provider {provider}\n  pos {pos}\n  dx A {dx}"
    );
    let mut fixed: Vec<String> = Vec::new();
    if let Some(p) = &config.draft.payer {
        fixed.push(format!("payer {p}"));
    }
    if let Some(npi) = npi {
        fixed.push(format!("provider {npi}"));
    }
    if let Some(p) = &config.draft.pos {
        fixed.push(format!("pos {p}"));
    }
    let detail = if fixed.is_empty() {
        "a claim and its header lines".to_string()
    } else {
        format!(
            "a claim and its header lines ({} from claimls.toml)",
            fixed.join(", ")
        )
    };
    (text, detail)
}

/// The dose unit of a drug: the unit of its codes' billing unit, when they agree.
fn dose_unit(data: &CodeData, drug: &str) -> Option<String> {
    let units: Vec<claimls_model::DoseUnit> = data
        .codes_for_drug(drug, None)
        .iter()
        .filter_map(|c| c.billing_unit.map(|u| u.unit))
        .collect();
    let first = *units.first()?;
    units.iter().all(|u| *u == first).then(|| first.to_string())
}

/// A value of several words (`0 mg`, `20 ML`): a snippet for clients that take one (Neovim inserts only
/// the first word of a plain-text item), else plain text.
fn value_item(value: &str, detail: &str, rank: u32, snippets: bool) -> Candidate {
    let mut c = Candidate::new(value, CompletionItemKind::VALUE, rank).detail(detail);
    if snippets && value.contains(' ') {
        c.insert = Some(snippet_text(value));
        c.snippet = true;
    }
    c
}

/// `patient ▮`: the ids of the patients file `[draft] patients` names; only ids, never demographics.
fn patients(snap: &Snapshot) -> Vec<Candidate> {
    let Some(path) = snap.config().draft.patients.as_deref() else {
        return Vec::new();
    };
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    match claimls_x12::patients::Patients::load(path) {
        Ok(p) => p
            .ids()
            .enumerate()
            .map(|(i, id)| {
                Candidate::new(id, CompletionItemKind::VALUE, i as u32)
                    .detail(format!("patient id from {file}"))
            })
            .collect(),
        Err(e) => {
            // The message names the file, the line and the key, never a value.
            tracing::warn!("{e}");
            Vec::new()
        }
    }
}

/// `order ▮` / `start ▮`: the dates the claim already writes (the nearest above first), then today.
fn dates(snap: &Snapshot, claim: &ClaimContext<'_>, line: &LexedLine<'_>) -> Vec<Candidate> {
    let here = line.start.saturating_sub(claim.range.start);
    let mut found: Vec<(usize, claimls_model::Date, &str)> =
        super::actions::derive(snap, claim.range.clone(), line, |ctx, _| {
            let c = ctx.claim;
            let mut out = Vec::new();
            for o in &c.orders {
                if let Some(d) = &o.date {
                    out.push((d.span.start, d.value, "the order's date"));
                }
            }
            for a in &c.admins {
                if let Some(s) = &a.start {
                    out.push((s.span.start, s.value.date, "an administration's date"));
                }
            }
            Some(out)
        })
        .unwrap_or_default();
    // Nearest above first, then those below.
    found.sort_by_key(|(at, _, _)| {
        if *at < here {
            (0, here - at)
        } else {
            (1, at - here)
        }
    });
    let mut out: Vec<Candidate> = Vec::new();
    let mut push = |date: claimls_model::Date, why: &str| {
        let label = date.to_string();
        if out.iter().all(|c| c.label != label) {
            let rank = out.len() as u32;
            out.push(
                Candidate::new(label, CompletionItemKind::VALUE, rank).detail(why.to_string()),
            );
        }
    };
    for (_, d, why) in found {
        push(d, why);
    }
    push(today(), "today");
    out
}

/// Today's date (UTC), from the system clock.
fn today() -> claimls_model::Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Howard Hinnant's civil_from_days.
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    claimls_model::Date { year, month, day }
}

/// `vial <ndc> x▮` / `vial <amount> <unit> x▮`: the containers the record's dose takes
/// (`claimls_rules::billing::containers_for`), for the coder to confirm against the chart.
fn vial_count(
    snap: &Snapshot,
    claim: &ClaimContext<'_>,
    line: &LexedLine<'_>,
    slot: &Slot<'_>,
) -> Vec<Candidate> {
    let size = match slot.before.as_slice() {
        [(n, _)] => claimls_model::VialSize::Ndc(Ndc::parse(n)),
        [(amount, _), (unit, _)] => {
            let (Ok(amount), Some(unit)) = (
                amount.parse::<claimls_model::Decimal>(),
                claimls_model::DoseUnit::parse(unit),
            ) else {
                return Vec::new();
            };
            claimls_model::VialSize::Amount(claimls_model::Quantity::new(amount, unit))
        }
        _ => return Vec::new(),
    };
    super::actions::derive(snap, claim.range.clone(), line, |ctx, a| {
        claimls_rules::billing::containers_for(ctx, a?, &size)
    })
    .map(|n| {
        Candidate::new(format!("x{n}"), CompletionItemKind::VALUE, 0)
            .detail("the containers the record's dose takes")
    })
    .into_iter()
    .collect()
}

/// `waste ▮`: what the record's containers leave after its dose (`claimls_rules::billing::discarded`).
fn waste_amount(snap: &Snapshot, claim: &ClaimContext<'_>, line: &LexedLine<'_>) -> Vec<Candidate> {
    super::actions::derive(snap, claim.range.clone(), line, |ctx, a| {
        claimls_rules::billing::discarded(ctx, a?)
    })
    .map(|q| {
        value_item(
            &format!("{} {}", claimls_rules::context::show(q.amount), q.unit),
            "the containers opened less the dose",
            0,
            snap.client.snippets,
        )
    })
    .into_iter()
    .collect()
}

/// `route ▮`: an infused drug's `iv` first.
fn routes(claim: &ClaimContext<'_>, offset: usize, data: &CodeData) -> Vec<Candidate> {
    let infused = claim.admin_above(offset).is_some_and(|d| {
        data.codes_for_drug(&d, None)
            .iter()
            .any(|c| c.drug.as_ref().is_some_and(|d| d.infused))
    });
    ROUTES
        .iter()
        .enumerate()
        .map(|(i, (r, d))| {
            let rank = if infused && *r == "iv" {
                0
            } else {
                1 + i as u32
            };
            Candidate::new(*r, CompletionItemKind::ENUM_MEMBER, rank).detail(*d)
        })
        .collect()
}

/// "Bill this administration" on a line under an `admin` record no line bills: one snippet per plan
/// (`claimls_rules::billing`), its lines at the cursor's indentation (a snippet's later lines carry only
/// their indentation relative to the first, as editors indent them by the current line).
fn bill_items(
    snap: &Snapshot,
    claim: &ClaimContext<'_>,
    line: &LexedLine<'_>,
    offset: usize,
) -> Vec<Candidate> {
    let indent = |t: &str| t.len() - t.trim_start().len();
    let Some(admin) = claim
        .lines
        .iter()
        .rev()
        .find(|l| l.start < line.start && l.keyword() == Some("admin"))
    else {
        return Vec::new();
    };
    // Out of the block (at the `admin` line's indentation or less) the lines come first; inside it
    // they come after the details still to write.
    let base = if indent(line.text) <= indent(admin.text) {
        0
    } else {
        40
    };
    super::actions::plans_above(snap, offset)
        .into_iter()
        .enumerate()
        .map(|(i, plan)| {
            let mut c = Candidate::new(
                format!("bill this administration: {}", plan.title),
                CompletionItemKind::SNIPPET,
                base + i as u32,
            )
            .detail(plan.lines.join("\n"));
            c.insert = Some(format!("{}$0", snippet_text(&plan.lines.join("\n"))));
            c.snippet = true;
            c.filter = Some("line".to_string());
            c
        })
        .collect()
}

/// `text` as snippet text: `$`, `}` and `\` are escaped.
fn snippet_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(ch, '$' | '}' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// The drug codes that bill the claim's `admin` drugs, in `admin` order.
fn claim_drug_codes(claim: &ClaimContext<'_>, data: &CodeData) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for drug in claim.admin_drugs() {
        for c in data.codes_for_drug(&drug, None) {
            if !out.contains(&c.code) {
                out.push(c.code.clone());
            }
        }
    }
    out
}

fn code_candidate(data: &CodeData, code: &str, rank: u32) -> Option<Candidate> {
    let c = data.code(code, None)?;
    Some(
        Candidate::new(c.code.clone(), CompletionItemKind::VALUE, rank)
            .detail(hover::code_detail(c))
            .doc_ref(DocRef::Code(c.code.clone())),
    )
}

fn line_items(
    snap: &Snapshot,
    slot: &Slot<'_>,
    claim: &ClaimContext<'_>,
    data: &CodeData,
) -> Vec<Candidate> {
    let clause = slot
        .before
        .iter()
        .rev()
        .position(|(t, r)| *r == Role::Clause && LINE_CLAUSES.contains(t))
        .map(|from_end| slot.before.len() - 1 - from_end);
    let Some(code) = slot.before.first().map(|(t, _)| *t) else {
        let facts = super::actions::line_context(snap, claim.range.clone(), slot.line, "", false);
        return line_codes(slot.prefix, claim, data, &facts, slot.line.start);
    };
    let after_clause = clause.map(|i| (slot.before[i].0, slot.before.len() - 1 - i));
    match after_clause {
        None => {
            let facts =
                super::actions::line_context(snap, claim.range.clone(), slot.line, code, false);
            let mut out = modifiers(code, slot, data, &facts);
            out.extend(clauses(slot, 500));
            out
        }
        Some(("dx", _)) => {
            let mut out: Vec<Candidate> = claim
                .diagnoses()
                .into_iter()
                .map(|d| {
                    Candidate::new(d.letter.to_string(), CompletionItemKind::REFERENCE, 0)
                        .detail(d.code.clone())
                        .doc_ref(DocRef::Diagnosis(d.code.clone()))
                })
                .collect();
            out.extend(clauses(slot, 500));
            out
        }
        Some(("ndc", 0)) => line_ndcs(code, data),
        Some(("ndc", 1)) => {
            let ndc = slot
                .before
                .last()
                .and_then(|(t, _)| Ndc::parse(t).digits)
                .unwrap_or_default();
            let code = code.to_ascii_uppercase();
            super::actions::derive(snap, claim.range.clone(), slot.line, |ctx, _| {
                claimls_rules::billing::ndc_quantity(ctx, &code, &ndc)
            })
            .map(|q| {
                value_item(
                    &q,
                    "the NDC quantity of the dose the claim's record gives",
                    0,
                    snap.client.snippets,
                )
            })
            .into_iter()
            .collect()
        }
        Some(("ndc", 2)) => NDC_UNITS
            .iter()
            .enumerate()
            .map(|(i, (u, d))| {
                Candidate::new(*u, CompletionItemKind::ENUM_MEMBER, i as u32).detail(*d)
            })
            .collect(),
        Some(("units", 0)) => {
            let jw = slot
                .before
                .iter()
                .any(|(t, r)| *r == Role::Modifier && t.eq_ignore_ascii_case("JW"));
            super::actions::line_context(snap, claim.range.clone(), slot.line, code, jw)
                .units
                .map(|u| {
                    Candidate::new(u, CompletionItemKind::VALUE, 0)
                        .detail("the units the claim's record gives")
                })
                .into_iter()
                .collect()
        }
        Some(("charge" | "on", 0)) => Vec::new(),
        Some(_) => clauses(slot, 0),
    }
}

fn clauses(slot: &Slot<'_>, rank: u32) -> Vec<Candidate> {
    LINE_CLAUSES
        .iter()
        .filter(|c| {
            !slot
                .before
                .iter()
                .any(|(t, r)| *r == Role::Clause && t == *c)
        })
        .enumerate()
        .map(|(i, c)| {
            Candidate::new(*c, CompletionItemKind::KEYWORD, rank + i as u32)
                .detail(hover::clause_doc(c))
        })
        .collect()
}

/// The codes for `line ▮`: what the claim's records bill and no other line bills yet first (the drug,
/// then its administration codes), then the claim's drug codes, then the search; codes another line
/// already bills after those.
fn line_codes(
    prefix: &str,
    claim: &ClaimContext<'_>,
    data: &CodeData,
    facts: &super::actions::LineContext,
    here: usize,
) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let written: Vec<String> = claim
        .lines
        .iter()
        .filter(|l| l.start != here && l.keyword() == Some("line"))
        .filter_map(|l| l.value(Role::Code).map(str::to_ascii_uppercase))
        .collect();
    let upper = prefix.to_ascii_uppercase();
    let later = |code: &str, rank: u32| {
        if written.iter().any(|w| w == code) {
            rank + 200
        } else {
            rank
        }
    };
    for (i, code) in facts.planned.iter().enumerate() {
        if code.starts_with(&upper) {
            out.extend(code_candidate(data, code, later(code, i as u32)));
        }
    }
    let first = claim_drug_codes(claim, data);
    for (i, code) in first.iter().enumerate() {
        if (code.starts_with(&upper) || prefix.is_empty()) && out.iter().all(|c| &c.label != code) {
            out.extend(code_candidate(data, code, later(code, 20 + i as u32)));
        }
    }
    for hit in data.search_codes(prefix, LIMIT) {
        if out.iter().any(|c| c.label == hit.code) {
            continue;
        }
        out.extend(code_candidate(data, &hit.code, 100 + hit.score * 10));
    }
    out
}

/// The modifiers for a line of `code`: the waste modifiers first on a single-dose drug (JW first when the
/// record gives billable waste, JZ first when it gives none), none that is not in effect on the claim's
/// date of service (JG after 2024-12-31).
fn modifiers(
    code: &str,
    slot: &Slot<'_>,
    data: &CodeData,
    facts: &super::actions::LineContext,
) -> Vec<Candidate> {
    let written: Vec<String> = slot
        .before
        .iter()
        .filter(|(_, r)| *r == Role::Modifier)
        .map(|(t, _)| t.to_ascii_uppercase())
        .collect();
    let typed = slot.prefix.to_ascii_uppercase();
    let code = data.code(code, None);
    let single_dose = code.and_then(|c| c.drug.as_ref()).is_some_and(|d| {
        d.presentations
            .iter()
            .any(|p| p.container == Container::SingleDose)
    });
    let drug = code.is_some_and(|c| c.kind == CodeKind::Drug);
    let known = code.is_some();
    data.modifiers()
        .into_iter()
        .filter(|m| !written.contains(&m.code) && m.code.starts_with(&typed))
        .filter(|m| facts.dos.is_none_or(|d| m.active_on(d)))
        .filter_map(|m| {
            let waste_first = match m.code.as_str() {
                "JW" if facts.jw_units.is_none() => 1,
                "JZ" if facts.jw_units.is_some() => 1,
                _ => 0,
            };
            let rank = match (m.kind, known, drug) {
                (ModifierKind::Waste, true, true) if single_dose => waste_first,
                (ModifierKind::Waste, true, true) => 20,
                (ModifierKind::Drug, true, true) => 10,
                (ModifierKind::Waste | ModifierKind::Drug, true, false) => return None,
                (ModifierKind::Procedure, true, true) => return None,
                (ModifierKind::Procedure, _, _) => 10,
                (ModifierKind::Any, _, _) => 30,
                (_, false, _) => 40,
            };
            Some(
                Candidate::new(m.code.clone(), CompletionItemKind::ENUM_MEMBER, rank)
                    .detail(m.description.clone())
                    .doc_ref(DocRef::Modifier(m.code.clone())),
            )
        })
        .collect()
}

fn diagnoses(slot: &Slot<'_>, claim: &ClaimContext<'_>, data: &CodeData) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let prefix = slot.prefix;
    let key = claimls_data::icd10_key(prefix);
    let push = |out: &mut Vec<Candidate>, code: &str, title: &str, rank: u32| {
        if out.iter().any(|c| c.label == code) {
            return;
        }
        out.push(
            Candidate::new(code, CompletionItemKind::VALUE, rank)
                .detail(title.to_string())
                .doc_ref(DocRef::Diagnosis(code.to_string())),
        );
    };
    // The billable indications of the claim's drugs first.
    for code in claim_drug_codes(claim, data) {
        let Some(drug) = data.code(&code, None).and_then(|c| c.drug.as_ref()) else {
            continue;
        };
        for ind in &drug.indications {
            let billable: Vec<(String, String)> = match data.diagnosis(ind, None) {
                Some(d) if d.billable => vec![(d.code.clone(), d.title.clone())],
                _ => data
                    .billable_children(ind, None)
                    .into_iter()
                    .map(|d| (d.code.clone(), d.title.clone()))
                    .collect(),
            };
            for (c, t) in billable {
                if claimls_data::icd10_key(&c).starts_with(&key) {
                    push(&mut out, &c, &t, 0);
                }
            }
        }
    }
    for hit in data.search_diagnoses(prefix, LIMIT) {
        if out.len() >= LIMIT {
            break;
        }
        let Some(d) = data.diagnosis(&hit.code, None) else {
            continue;
        };
        if !d.billable {
            // A header is never a final code: offer its billable codes instead.
            for child in data
                .billable_children(&d.code, None)
                .into_iter()
                .take(LIMIT)
            {
                push(&mut out, &child.code, &child.title, 100 + hit.score * 10);
            }
            continue;
        }
        push(&mut out, &d.code, &d.title, 100 + hit.score * 10);
    }
    out
}

fn places(data: &CodeData) -> Vec<Candidate> {
    data.places_of_service()
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            Candidate::new(p.code.clone(), CompletionItemKind::ENUM_MEMBER, i as u32)
                .detail(p.name.clone())
                .doc_ref(DocRef::Place(p.code.clone()))
        })
        .collect()
}

/// Drug names and brands starting with what is typed (or with a word starting with it).
fn drugs(data: &CodeData, typed: &str) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    // The first word decides (the rest may be a second word of a multi-word name being typed).
    let typed = typed.split_whitespace().next().unwrap_or("");
    let matches = |name: &str| {
        let lower = name.to_ascii_lowercase();
        typed.is_empty()
            || lower.starts_with(typed)
            || lower.split([' ', '-']).any(|w| w.starts_with(typed))
    };
    for (code, drug) in data.drugs() {
        if out.len() >= LIMIT * 2 {
            break;
        }
        let detail = hover::code_detail(code);
        let names = std::iter::once(drug.generic.clone()).chain(drug.brands.iter().cloned());
        for (i, name) in names.enumerate() {
            if !matches(&name) || out.iter().any(|c| c.label == name) {
                continue;
            }
            let kind = if i == 0 {
                CompletionItemKind::VALUE
            } else {
                CompletionItemKind::CONSTANT
            };
            out.push(
                Candidate::new(name, kind, if i == 0 { 0 } else { 1 })
                    .detail(format!("{} — {}", code.code, detail))
                    .doc_ref(DocRef::Code(code.code.clone())),
            );
        }
    }
    out
}

fn vials(claim: &ClaimContext<'_>, offset: usize, data: &CodeData) -> Vec<Candidate> {
    let Some(drug) = claim.admin_above(offset) else {
        return Vec::new();
    };
    let mut out: Vec<Candidate> = Vec::new();
    for code in data.codes_for_drug(&drug, None) {
        let Some(d) = &code.drug else { continue };
        for p in &d.presentations {
            let label = match p
                .ndc
                .as_deref()
                .map(Ndc::parse)
                .and_then(|n| n.hyphenated())
            {
                Some(ndc) => ndc,
                None => p.amount.to_string(),
            };
            if out.iter().any(|c| c.label == label) {
                continue;
            }
            let container = match p.container {
                Container::SingleDose => "single-dose",
                Container::MultiDose => "multi-dose",
            };
            let rank = if p.ndc.is_some() { 0 } else { 10 };
            let mut c = Candidate::new(label.clone(), CompletionItemKind::VALUE, rank)
                .detail(format!("{} ({}, {container})", p.label, p.amount));
            c.doc_ref = p.ndc.clone().map(DocRef::Ndc);
            out.push(c);
        }
    }
    out
}

/// `vial ▮`: each size with the containers the record's dose takes (`50242-0150-01 x2`), first, when
/// the engine knows it (`claimls_rules::billing::containers_for`).
fn with_counts(
    snap: &Snapshot,
    claim: &ClaimContext<'_>,
    line: &LexedLine<'_>,
    out: &mut Vec<Candidate>,
) {
    let mut counted = Vec::new();
    for c in out.iter() {
        let size = if c.doc_ref.is_some() {
            claimls_model::VialSize::Ndc(Ndc::parse(&c.label))
        } else {
            let mut words = c.label.split_whitespace();
            let (Some(Ok(amount)), Some(Some(unit))) = (
                words.next().map(str::parse::<claimls_model::Decimal>),
                words.next().map(claimls_model::DoseUnit::parse),
            ) else {
                continue;
            };
            claimls_model::VialSize::Amount(claimls_model::Quantity::new(amount, unit))
        };
        let Some(n) = super::actions::derive(snap, claim.range.clone(), line, |ctx, a| {
            claimls_rules::billing::containers_for(ctx, a?, &size)
        }) else {
            continue;
        };
        let value = format!("{} x{n}", c.label);
        let mut item = value_item(
            &value,
            &format!(
                "{} — x{n}: the containers the dose takes",
                c.detail.clone().unwrap_or_default()
            ),
            0,
            snap.client.snippets,
        );
        item.doc_ref = c.doc_ref.clone();
        item.filter = Some(c.label.clone());
        counted.push(item);
    }
    for c in out.iter_mut() {
        c.rank += 1;
    }
    out.extend(counted);
}

fn line_ndcs(code: &str, data: &CodeData) -> Vec<Candidate> {
    let Some(d) = data.code(code, None).and_then(|c| c.drug.as_ref()) else {
        return Vec::new();
    };
    d.presentations
        .iter()
        .filter_map(|p| {
            let ndc = p.ndc.as_deref()?;
            let label = Ndc::parse(ndc).hyphenated()?;
            Some(
                Candidate::new(label, CompletionItemKind::VALUE, 0)
                    .detail(p.label.clone())
                    .doc_ref(DocRef::Ndc(ndc.to_string())),
            )
        })
        .collect()
}

fn dose_units() -> Vec<Candidate> {
    DOSE_UNITS
        .iter()
        .enumerate()
        .map(|(i, u)| Candidate::new(*u, CompletionItemKind::UNIT, i as u32))
        .collect()
}
