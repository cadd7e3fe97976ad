//! The rules: pure functions of a claim, the code data and the payer profile, returning findings.
//!
//! One module per family (`units`, `waste`, `documentation`, `codes`, `payer`), one function per rule,
//! each rule declared with [`declare_rule!`] so its documentation lives beside it and `docs/rules.md` is
//! generated from it ([`docs_markdown`]). Rules never see tree-sitter nodes: they read the typed model
//! ([`claimls_model`]), the code data ([`claimls_data::CodeData`]) and the payer profile
//! ([`crate::config`]). The arithmetic they share is in [`context`].

pub mod administration;
pub mod billing;
pub mod codes;
pub mod config;
pub mod context;
pub mod documentation;
pub mod encounter;
mod finding;
pub mod hierarchy;
pub mod payer;
pub mod submission;
pub mod units;
pub mod waste;

pub use finding::*;

use claimls_data::CodeData;
use claimls_model::Document;
use config::{Config, Level};
use context::ClaimCtx;

declare_rule! {
    /// ## What it does
    /// Reports a line the parser cannot read, or a value of the wrong shape (a date that is not a date,
    /// a dose without a unit, a detail line outside an `admin`).
    ///
    /// ## Why it matters
    /// What cannot be read cannot be checked; the rest of the file is still checked line by line.
    ///
    /// ## Example
    /// `dose 600` fires: "`dose` needs an amount and a unit, e.g. `dose 600 mg`".
    ///
    /// ## Fix
    /// Write the statement as the message says (docs/notation.md has every statement).
    pub SYNTAX_ERROR = "syntax-error", Syntax, Error
}

/// Every rule, in catalogue order: by family, then as declared in the family's module. Built from the
/// declarations themselves ([`RULES`]), so the docs, the README table and the catalogue test cannot
/// miss one.
pub fn all() -> Vec<&'static Rule> {
    catalogue().to_vec()
}

/// [`all`], sorted once per process: `check_claim` walks it for every claim, and sorting by
/// `declared_at` (file and line) each time was 2% of `claimls check`.
fn catalogue() -> &'static [&'static Rule] {
    static SORTED: std::sync::OnceLock<Vec<&'static Rule>> = std::sync::OnceLock::new();
    SORTED.get_or_init(|| {
        let mut rules: Vec<&'static Rule> = RULES.iter().copied().collect();
        rules.sort_by_key(|r| (r.family, r.declared_at));
        rules
    })
}

/// A rule by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    all().into_iter().find(|r| r.id == id)
}

/// Check a lowered document: syntax findings and every rule on every claim, sorted by position, with
/// the configured severities applied and the rules turned off removed.
pub fn check(doc: &Document, data: &CodeData, config: &Config) -> Vec<Finding> {
    let mut out: Vec<Finding> = match config.rules.get(SYNTAX_ERROR.id) {
        Some(Level::Off) => Vec::new(),
        level => doc
            .syntax
            .iter()
            .map(|e| {
                let f = Finding::new(&SYNTAX_ERROR, e.span, e.message.clone());
                match level {
                    Some(Level::On(sev)) => f.severity(*sev),
                    _ => f,
                }
            })
            .collect(),
    };
    for claim in &doc.claims {
        let mut found = check_claim(&ClaimCtx::new(claim, &doc.text, data, config));
        drop_missing_when_unreadable(claim, &doc.text, &doc.syntax, &mut found);
        out.extend(found);
    }
    out.sort_by(|a, b| (a.span.start, a.span.end, a.rule).cmp(&(b.span.start, b.span.end, b.rule)));
    out
}

/// A statement the coder wrote but the lowering could not read (`dose 600`) is reported once, as a syntax
/// error; the admin's "`dose` missing" finding would say the same thing again, less precisely.
fn drop_missing_when_unreadable(
    claim: &claimls_model::Claim,
    text: &str,
    syntax: &[claimls_model::SyntaxError],
    found: &mut Vec<Finding>,
) {
    const MISSING: [(&str, &str); 6] = [
        ("dose", "doc-dose-missing"),
        ("route", "doc-route-missing"),
        ("start", "doc-start-missing"),
        ("stop", "doc-stop-missing"),
        ("reaction", "doc-reaction-missing"),
        ("waste", "doc-waste-missing"),
    ];
    let block_end = |start: usize| {
        claim
            .admins
            .iter()
            .map(|a| a.header.start)
            .chain(claim.lines.iter().map(|l| l.span.start))
            .filter(|s| *s > start)
            .min()
            .unwrap_or(claim.span.end)
    };
    for admin in &claim.admins {
        let (start, end) = (admin.header.start, block_end(admin.header.start));
        for e in syntax
            .iter()
            .filter(|e| start <= e.span.start && e.span.start < end)
        {
            let line_start = text[..e.span.start.min(text.len())]
                .rfind(['\n', '\r'])
                .map_or(0, |i| i + 1);
            let written = text[line_start..]
                .split_whitespace()
                .next()
                .unwrap_or_default();
            // A misspelt keyword (`dos 600 mg`) is the statement it was meant as: its syntax error
            // names the keyword, and the "missing" finding would repeat it.
            let keyword =
                claimls_syntax::near_statement_keyword(&written.to_ascii_lowercase(), true)
                    .unwrap_or(written);
            if let Some((_, rule)) = MISSING.iter().find(|(k, _)| *k == keyword) {
                found.retain(|f| !(f.rule == *rule && start <= f.span.start && f.span.start < end));
            }
        }
    }
}

/// Every rule on one claim, with the payer profile's and the workspace's levels applied.
pub fn check_claim(ctx: &ClaimCtx) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in catalogue() {
        let Some(check) = rule.check else { continue };
        let from = out.len();
        check(ctx, &mut out);
        debug_assert!(
            out[from..].iter().all(|f| f.rule == rule.id),
            "the function of {} pushed another rule's finding",
            rule.id
        );
    }
    out.retain_mut(|f| {
        let explicit = ctx
            .profile
            .rules
            .get(f.rule)
            .or_else(|| ctx.config.rules.get(f.rule));
        match explicit {
            Some(Level::Off) => false,
            Some(Level::On(sev)) => {
                f.severity = *sev;
                true
            }
            None => true,
        }
    });
    out
}

/// `docs/rules.md`, generated from the rules' documentation.
pub fn docs_markdown() -> String {
    let mut s = String::from(
        "# Rules\n\n<!-- Generated from the rule documentation in crates/claimls-rules/src/ by `claimls explain --all`. Do not edit by hand. -->\n\n\
         Every finding carries one of these ids. Silence a rule or change its severity in `claimls.toml`:\n\n\
         ```toml\n[rules]\nwaste-avoidable = \"off\"\n```\n\n\
         Severity: **error** — the claim would be denied or overpaid; **warning** — a likely problem; \
         **information** — worth knowing. *Payer-dependent* rules take their severity from the payer profile.\n\n",
    );
    let mut family = None;
    for r in all() {
        if family != Some(r.family) {
            family = Some(r.family);
            s.push_str(&format!("## {}\n\n", r.family.title()));
            for x in all().into_iter().filter(|x| x.family == r.family) {
                s.push_str(&format!(
                    "- [`{}`](#{}) — {}\n",
                    x.id,
                    x.id,
                    severity_label(x)
                ));
            }
            s.push('\n');
        }
        s.push_str(&rule_markdown(r));
    }
    s
}

/// The README's rule table: one row per family with its rule ids, generated from the registry.
pub fn readme_table() -> String {
    let mut s = String::from("| family | rules |\n|---|---|\n");
    let rules = all();
    let mut families: Vec<Family> = rules.iter().map(|r| r.family).collect();
    families.dedup();
    for family in families {
        let ids: Vec<String> = rules
            .iter()
            .filter(|r| r.family == family)
            .map(|r| format!("`{}`", r.id))
            .collect();
        s.push_str(&format!("| {} | {} |\n", family.title(), ids.join(", ")));
    }
    s
}

fn severity_label(r: &Rule) -> String {
    if r.payer_dependent {
        format!("payer-dependent (default {})", r.severity)
    } else {
        r.severity.to_string()
    }
}

/// One rule's section of `docs/rules.md` (also what `claimls explain <id>` prints).
pub fn rule_markdown(r: &Rule) -> String {
    let mut s = format!("### {}\n\nSeverity: {}.\n\n", r.id, severity_label(r));
    for line in r.doc.lines() {
        let line = line.strip_prefix(' ').unwrap_or(line);
        // The doc headings are `##`; nest them under the rule's `###`.
        if let Some(h) = line.strip_prefix("## ") {
            s.push_str(&format!("**{h}.** "));
            continue;
        }
        s.push_str(line);
        s.push('\n');
    }
    s.push('\n');
    s
}

/// The arithmetic behind a line's `units`, in words, for hover and inlay hints: "600 units × 1 mg =
/// 600 mg; documented dose 600 mg". `None` when the line is not found or there is nothing to explain.
pub fn units_arithmetic(
    doc: &Document,
    data: &CodeData,
    config: &Config,
    line_start: usize,
) -> Option<String> {
    let claim = doc
        .claims
        .iter()
        .find(|c| c.lines.iter().any(|l| l.span.start == line_start))?;
    let ctx = ClaimCtx::new(claim, &doc.text, data, config);
    let (index, facts) = ctx
        .lines
        .iter()
        .enumerate()
        .find(|(_, f)| f.line.span.start == line_start)?;
    context::explain_line(&ctx, index, facts)
}

/// The amount a line's units stand for, short, for an inlay hint: "= 600 mg".
pub fn units_amount(code: &claimls_data::Code, units: claimls_model::Decimal) -> Option<String> {
    let unit = code.billing_unit?;
    Some(format!(
        "= {}",
        claimls_model::Quantity::new(units * unit.amount, unit.unit)
    ))
}
