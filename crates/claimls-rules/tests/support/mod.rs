//! The rule-test harness: a claim as written, and its findings as a reviewer reads them.
//!
//! `check(text, expect![[...]])` runs every rule over `text` (embedded code data, default
//! configuration) and compares the rendered findings with the expectation: each finding under the
//! source line it starts on, carets under its span, then `severity[rule]: message`, its fix and
//! alternatives by title, and its related places. `UPDATE_EXPECT=1 cargo test -p claimls-rules`
//! rewrites the expectations; the diff is the review.
//!
//! Every fix and alternative is applied and the claim checked again: the finding must be gone, and no
//! rule may report more errors than before (a fix never makes a claim worse). The text after each fix
//! is rendered too, so the expectation shows what the coder gets.

#![allow(dead_code)]

use claimls_data::CodeData;
use claimls_rules::config::Config;
use claimls_rules::{self as rules, Finding, Severity};
use expect_test::Expect;
use std::collections::BTreeMap;

pub fn findings(text: &str, config: &Config) -> Vec<Finding> {
    let doc = claimls_syntax::document(text);
    rules::check(&doc, &CodeData::embedded(), config)
}

/// Check `text` with the default configuration.
#[track_caller]
pub fn check(text: &str, expect: Expect) {
    check_with(text, &Config::default(), expect);
}

/// Check `text` with a `claimls.toml` given as text.
#[track_caller]
pub fn check_toml(toml: &str, text: &str, expect: Expect) {
    let config =
        Config::parse(toml, std::path::Path::new("claimls.toml")).expect("valid claimls.toml");
    check_with(text, &config, expect);
}

#[track_caller]
pub fn check_with(text: &str, config: &Config, expect: Expect) {
    let text = trim_indent(text);
    let found = findings(&text, config);
    let mut rendered = render(&text, &found);
    for f in &found {
        for fix in f.fix.iter().chain(&f.alternatives) {
            let fixed = apply(&text, &fix.edits);
            assert_fix_is_safe(&text, &fixed, f, &fix.title, config);
            rendered.push_str(&format!("\n--- after `{}`:\n", fix.title));
            rendered.push_str(&changed_lines(&text, &fixed));
        }
    }
    expect.assert_eq(&rendered);
}

/// The claim text of a test, without the indentation of the Rust source around it.
fn trim_indent(text: &str) -> String {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out: String = text
        .lines()
        .map(|l| l.get(indent..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

pub fn apply(text: &str, edits: &[rules::Edit]) -> String {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(e.span.start..e.span.end, &e.new_text);
    }
    out
}

fn errors_by_rule(found: &[Finding]) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for f in found.iter().filter(|f| f.severity == Severity::Error) {
        *m.entry(f.rule).or_insert(0) += 1;
    }
    m
}

#[track_caller]
fn assert_fix_is_safe(before: &str, after: &str, f: &Finding, title: &str, config: &Config) {
    let old = findings(before, config);
    let new = findings(after, config);
    let same_rule = |list: &[Finding]| list.iter().filter(|x| x.rule == f.rule).count();
    assert!(
        same_rule(&new) < same_rule(&old),
        "`{title}` did not clear {}:\n{after}\n{}",
        f.rule,
        render(after, &new)
    );
    let (old_errors, new_errors) = (errors_by_rule(&old), errors_by_rule(&new));
    for (rule, n) in &new_errors {
        assert!(
            *n <= old_errors.get(rule).copied().unwrap_or(0),
            "`{title}` made new {rule} errors:\n{after}\n{}",
            render(after, &new)
        );
    }
}

/// The lines of `after` that differ from `before` (a fix's result, as the coder sees it).
fn changed_lines(before: &str, after: &str) -> String {
    let old: Vec<&str> = before.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = String::new();
    for line in &old[prefix..old.len() - suffix] {
        out.push_str(&format!("- {line}\n"));
    }
    for line in &new[prefix..new.len() - suffix] {
        out.push_str(&format!("+ {line}\n"));
    }
    out
}

/// Each finding under the line it starts on: carets under its span (to the end of that line when it
/// runs further), then severity, rule and message; fixes, alternatives and related places indented.
pub fn render(text: &str, found: &[Finding]) -> String {
    if found.is_empty() {
        return "(no findings)\n".to_string();
    }
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset) - 1;
    let mut by_line: BTreeMap<usize, Vec<&Finding>> = BTreeMap::new();
    for f in found {
        by_line.entry(line_of(f.span.start)).or_default().push(f);
    }
    let mut out = String::new();
    for (line, list) in by_line {
        let start = starts[line];
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        out.push_str(&format!("{:<3} | {}\n", line + 1, &text[start..end]));
        for f in list {
            let col = text[start..f.span.start].chars().count();
            let width = text[f.span.start..f.span.end.min(end).max(f.span.start)]
                .chars()
                .count()
                .max(1);
            out.push_str(&format!(
                "    | {}{} {}[{}]: {}\n",
                " ".repeat(col),
                "^".repeat(width),
                f.severity,
                f.rule,
                f.message
            ));
            if let Some(fix) = &f.fix {
                out.push_str(&format!("    |   fix: {}\n", fix.title));
            }
            for alt in &f.alternatives {
                out.push_str(&format!("    |   or: {}\n", alt.title));
            }
            for r in &f.related {
                out.push_str(&format!(
                    "    |   see line {}: {}\n",
                    line_of(r.span.start) + 1,
                    r.message
                ));
            }
        }
    }
    out
}

// ---- claims ------------------------------------------------------------------------------------
//
// The headers of the notation spec's two examples, which the rule tests write a body under: a claim
// beside its findings, with the example's line numbers.

/// The header of spec example 1 (examples/ocrevus-maintenance.claim): Ocrevus 600 mg maintenance,
/// Medicare, no waste. The example is clean; each test changes its body.
#[allow(unused_macros)]
macro_rules! ocrevus {
    ($body:literal) => {
        concat!(
            "# Ocrevus 600 mg maintenance dose\n",
            "claim OCR-2026-0142\n",
            "  payer medicare\n",
            "  patient MBI-1EG4TE5MK72\n",
            "  provider 1234567893\n",
            "  pos 11\n",
            "  dx A G35.A                        # relapsing-remitting MS\n",
            "  order 2026-11-01 signed \"R. Patel, MD\"\n",
            $body
        )
    };
}

/// The header of spec example 2 (examples/infliximab-waste.claim): infliximab 350 mg with waste, a
/// commercial payer. The example is clean; each test changes its body.
#[allow(unused_macros)]
macro_rules! infliximab {
    ($body:literal) => {
        concat!(
            "claim IFX-2026-0007\n",
            "  payer commercial \"Acme Health PPO\"\n",
            "  patient M-88421\n",
            "  provider 1234567893\n",
            "  pos 11\n",
            "  dx A K50.90\n",
            "  order 2026-10-30 signed \"L. Chen, MD\"\n",
            "  auth PA-20261101-77 from 2026-11-01 to 2027-04-30\n",
            $body
        )
    };
}

/// The header of spec example 1 (examples/ocrevus-maintenance.claim), Ocrevus 600 mg maintenance for
/// Medicare, without the patient and the comments. Each test writes the body: the example's, without the
/// premedication, the comments and (unless the test needs it) the NDC, and with the test's change.
#[allow(unused_macros)]
macro_rules! ocrevus_brief {
    ($body:literal) => {
        concat!(
            "claim OCR-2026-0142\n  payer medicare\n  provider 1234567893\n  pos 11\n  dx A G35.A\n  order 2026-11-01 signed \"R. Patel, MD\"\n",
            $body
        )
    };
}

#[allow(unused_imports)] // each test file uses the headers it needs
pub(crate) use {infliximab, ocrevus, ocrevus_brief};
