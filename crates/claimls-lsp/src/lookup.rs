//! What the code data knows about a code, a modifier, a diagnosis, a place of service, an NDC or a drug
//! name, in words: `claimls lookup` prints [`render`]; the `claimls/lookup` request returns
//! [`entries`] one by one (`requests`).

use claimls_data::Code;
use claimls_data::{
    AdminRole, CodeData, CodeKind, Container, Diagnosis, Modifier, ModifierKind, PaymentLimit,
    PlaceOfService, Product,
};
use claimls_model::{Date, ndc_digits};
use std::fmt::Write as _;

/// One thing the data knows about a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `code` (HCPCS/CPT), `modifier`, `diagnosis` (ICD-10-CM), `place-of-service`, `ndc` or `drug`
    /// (the codes a drug name is billed with).
    pub kind: &'static str,
    /// The code, modifier, NDC or drug name.
    pub code: String,
    /// The description: the first line of [`Entry::text`] without the code.
    pub label: String,
    /// Everything known, as `claimls lookup` prints it.
    pub text: String,
}

impl Entry {
    fn new(kind: &'static str, code: &str, text: String) -> Entry {
        let first = text.lines().next().unwrap_or_default();
        let label = first
            .split_once("  ")
            .map_or(String::new(), |(_, l)| l.trim().to_string());
        Entry {
            kind,
            code: code.to_string(),
            label,
            text,
        }
    }
}

/// Everything the data knows about `query` — a HCPCS/CPT code, a modifier, an ICD-10-CM code, a
/// place of service, an NDC (5-4-2 or 11 digits) or a drug name/brand; empty when nothing.
pub fn entries(data: &CodeData, query: &str) -> Vec<Entry> {
    let q = query.trim();
    let mut out: Vec<Entry> = Vec::new();
    if q.is_empty() {
        return out;
    }
    if let Some(ndc11) = ndc_digits(q)
        && let Some(p) = data.product(&ndc11)
    {
        let ndc = claimls_model::Ndc::parse(&p.ndc)
            .hyphenated()
            .unwrap_or_else(|| p.ndc.clone());
        out.push(Entry::new("ndc", &ndc, product(data, p)));
    }
    if let Some(c) = data.code(q, None) {
        out.push(Entry::new("code", &c.code, code(data, c)));
    }
    if let Some(m) = data.modifier(q, None) {
        out.push(Entry::new("modifier", &m.code, modifier(m)));
    }
    if let Some(d) = data.diagnosis(q, None) {
        out.push(Entry::new("diagnosis", &d.code, diagnosis(data, d)));
    }
    if q.len() <= 2
        && q.bytes().all(|b| b.is_ascii_digit())
        && let Some(p) = data.place_of_service(q)
    {
        out.push(Entry::new("place-of-service", &p.code, place(p)));
    }
    if out.is_empty() {
        let codes = data.codes_for_drug(q, None);
        if !codes.is_empty() {
            let mut s = format!("{q}: billed with\n");
            for c in &codes {
                let _ = writeln!(s, "  {}  {}", c.code, c.description);
            }
            let mut listing = Entry::new("drug", q, s);
            listing.label = "billed with ".to_string()
                + &codes
                    .iter()
                    .map(|c| c.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
            out.push(listing);
            for c in codes {
                out.push(Entry::new("code", &c.code, code(data, c)));
            }
        }
    }
    out
}

/// The edition line that ends a lookup (`data: …`), or `None` with no named edition.
pub fn edition_line(data: &CodeData) -> Option<String> {
    let edition = &data.edition_for(None).name;
    (!edition.is_empty()).then(|| format!("data: {edition}"))
}

/// Everything the data knows about `query` as text, or `None`.
pub fn render(data: &CodeData, query: &str) -> Option<String> {
    let found = entries(data, query);
    if found.is_empty() {
        return None;
    }
    let mut text = found
        .iter()
        .map(|e| e.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let answered = sources(data, &found);
    if !answered.is_empty() {
        let _ = writeln!(text, "\ndata: {}", answered.join("; "));
    }
    Some(text)
}

/// The editions that answered the entries, for the data footer: the HCPCS file for a code, the
/// ICD-10-CM file for a diagnosis.
fn sources(data: &CodeData, found: &[Entry]) -> Vec<String> {
    let mut answered: Vec<String> = Vec::new();
    for e in found {
        let edition = match e.kind {
            "code" => data.code_edition(&e.code, None).map(|x| x.name.clone()),
            "diagnosis" => data.diagnosis_source(&e.code, None).map(|x| x.name.clone()),
            _ => Some(data.edition_for(None).name.clone()),
        };
        if let Some(name) = edition.filter(|n| !n.is_empty())
            && !answered.contains(&name)
        {
            answered.push(name);
        }
    }
    answered
}

/// Close matches for a query that [`entries`] knows nothing about: codes, then diagnoses.
pub fn close_matches(data: &CodeData, query: &str) -> Vec<claimls_data::SearchHit> {
    let hits = data.search_codes(query, 5);
    if hits.is_empty() {
        data.search_diagnoses(query, 5)
    } else {
        hits
    }
}

/// "Nothing known", with close matches when there are some.
pub fn not_found(data: &CodeData, query: &str) -> String {
    let hits = close_matches(data, query);
    let mut s = format!(
        "claimls lookup: nothing known about `{query}` in the code data (a HCPCS/CPT code, modifier, ICD-10-CM code, place of service, NDC or drug name)"
    );
    if !hits.is_empty() {
        s.push_str("\nclose matches:");
        for h in hits {
            let _ = write!(s, "\n  {}  {}", h.code, h.label);
        }
    }
    if !data.hcpcs_complete(None) {
        s.push_str("\nonly the embedded curated data is loaded; `claimls data import` adds the official files");
    }
    s
}

fn dates(added: Option<Date>, terminated: Option<Date>) -> Option<String> {
    match (added, terminated) {
        (None, None) => None,
        (Some(a), None) => Some(format!("in effect from {a}")),
        (None, Some(t)) => Some(format!("terminated after {t}")),
        (Some(a), Some(t)) => Some(format!("in effect {a} to {t}")),
    }
}

fn code(data: &CodeData, c: &Code) -> String {
    let mut s = format!("{}  {}\n", c.code, c.description);
    match c.kind {
        CodeKind::Drug => {}
        CodeKind::Administration(role) => {
            let role = match role {
                AdminRole::InfusionInitial { .. } => "initial infusion, up to one hour",
                AdminRole::InfusionAdditional { .. } => {
                    "each additional hour (more than 30 minutes past the last full hour)"
                }
                AdminRole::Other => "injection or other administration",
            };
            let _ = writeln!(s, "  drug administration: {role}");
        }
        CodeKind::Other => {}
    }
    if let Some(unit) = &c.billing_unit {
        let _ = writeln!(s, "  billing unit: {unit} per unit");
    }
    if let Some(d) = &c.drug {
        if d.brands.is_empty() {
            let _ = writeln!(s, "  drug: {}", d.generic);
        } else {
            let _ = writeln!(s, "  drug: {} ({})", d.generic, d.brands.join(", "));
        }
        if !d.presentations.is_empty() {
            let _ = writeln!(s, "  presentations:");
            for p in &d.presentations {
                let container = match p.container {
                    Container::SingleDose => "single-dose",
                    Container::MultiDose => "multi-dose",
                };
                let ndc = p
                    .ndc
                    .as_deref()
                    .and_then(|n| claimls_model::Ndc::parse(n).hyphenated())
                    .unwrap_or_else(|| "no NDC".to_string());
                let volume = p.volume.map(|v| format!("/{v}")).unwrap_or_default();
                let _ = writeln!(
                    s,
                    "    {ndc}  {}{volume}, {container}  {}",
                    p.amount, p.label
                );
            }
        }
        if !d.labelled_doses.is_empty() {
            let doses: Vec<String> = d.labelled_doses.iter().map(|q| q.to_string()).collect();
            let _ = writeln!(s, "  labelled doses: {}", doses.join(", "));
        }
        if !d.indications.is_empty() {
            let _ = writeln!(s, "  indications: {}", d.indications.join(", "));
        }
    }
    if let Some(mue) = &c.mue {
        let _ = writeln!(
            s,
            "  MUE: {} units per {} (adjudication indicator {})",
            mue.value,
            if mue.indicator == 1 {
                "line"
            } else {
                "date of service"
            },
            mue.indicator
        );
    }
    // The newest loaded ASP quarter, named: a limit holds only within its quarter.
    if let PaymentLimit::Known { per_unit, quarter } = data.payment_limit(&c.code, None) {
        let _ = writeln!(
            s,
            "  Medicare payment limit: ${per_unit} per unit, {quarter}"
        );
    }
    if let Some(d) = dates(c.added, c.terminated) {
        let _ = writeln!(s, "  {d}");
    }
    if !c.replaced_by.is_empty() {
        let _ = writeln!(s, "  replaced by: {}", c.replaced_by.join(", "));
    }
    s
}

fn modifier(m: &Modifier) -> String {
    let mut s = format!("modifier {}  {}\n", m.code, m.description);
    let kind = match m.kind {
        ModifierKind::Waste => "waste modifier: drug codes from single-dose containers only",
        ModifierKind::Drug => "drug modifier: drug codes only",
        ModifierKind::Procedure => "procedure modifier: not on drug supply codes",
        ModifierKind::Any => "may go on any line",
    };
    let _ = writeln!(s, "  {kind}");
    if let Some(d) = dates(m.added, m.terminated) {
        let _ = writeln!(s, "  {d}");
    }
    if let Some(r) = &m.replaced_by {
        let _ = writeln!(s, "  replaced by: {r}");
    }
    s
}

fn diagnosis(data: &CodeData, d: &Diagnosis) -> String {
    let mut s = format!("ICD-10-CM {}  {}\n", d.code, d.title);
    if d.billable {
        match d.billable_until {
            Some(u) => {
                let _ = writeln!(s, "  billable until {u}; a header after that");
            }
            None => {
                let _ = writeln!(s, "  billable");
            }
        }
    } else {
        let _ = writeln!(s, "  header, not billable");
    }
    let children = data.billable_children(&d.code, None);
    if !children.is_empty() && (!d.billable || d.billable_until.is_some()) {
        let _ = writeln!(s, "  billable codes under it:");
        for c in children {
            let _ = writeln!(s, "    {}  {}", c.code, c.title);
        }
    }
    if let Some(x) = dates(d.effective, d.terminated) {
        let _ = writeln!(s, "  {x}");
    }
    s
}

fn place(p: &PlaceOfService) -> String {
    let mut s = format!("place of service {}  {}\n", p.code, p.name);
    if p.facility {
        let _ = writeln!(
            s,
            "  facility setting: the facility bills the drug and its administration"
        );
    }
    s
}

fn product(data: &CodeData, p: &Product) -> String {
    let ndc = claimls_model::Ndc::parse(&p.ndc)
        .hyphenated()
        .unwrap_or_else(|| p.ndc.clone());
    let mut s = format!("NDC {ndc}  {}\n", p.name);
    if let Some(l) = &p.labeler {
        let _ = writeln!(s, "  labeler: {l}");
    }
    if let Some(pr) = &p.presentation {
        let container = match pr.container {
            Container::SingleDose => "single-dose",
            Container::MultiDose => "multi-dose",
        };
        let volume = pr.volume.map(|v| format!("/{v}")).unwrap_or_default();
        let _ = writeln!(
            s,
            "  package: {} x {}{volume}, {container}",
            pr.per_package, pr.amount
        );
        if let Some(b) = pr.billing_units_per_package {
            let _ = writeln!(s, "  billing units per package: {b}");
        }
    }
    for c in &p.codes {
        match data.code(c, None) {
            Some(code) => {
                let _ = writeln!(s, "  bills as {}  {}", code.code, code.description);
            }
            None => {
                let _ = writeln!(s, "  bills as {c}");
            }
        }
    }
    s
}
