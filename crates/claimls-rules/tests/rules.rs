//! What holds for every rule: the spec examples are clean, `claimls.toml` turns rules off and changes
//! severities, the catalogue is implemented, documented and tested, the generated docs are current, an
//! unreadable statement is reported once, and fixes keep a CRLF document's line ends. Each rule's own
//! tests, a claim beside its findings, are in the family's file (units.rs, waste.rs, documentation.rs,
//! codes.rs, payer.rs, administration.rs, billing.rs, encounters.rs).

use claimls_data::CodeData;
use claimls_rules::config::Config;
use claimls_rules::{self as rules, Finding};
use std::path::Path;

/// Spec example 1 (examples/ocrevus-maintenance.claim): Ocrevus 600 mg maintenance, Medicare, no
/// waste. Clean.
const OCREVUS: &str = include_str!("../../../examples/ocrevus-maintenance.claim");

/// Spec example 2 (examples/infliximab-waste.claim): infliximab 350 mg with waste, commercial payer.
/// Clean.
const INFLIXIMAB: &str = include_str!("../../../examples/infliximab-waste.claim");

fn check_with(text: &str, config: &Config) -> Vec<Finding> {
    let doc = claimls_syntax::document(text);
    rules::check(&doc, &CodeData::embedded(), config)
}

fn check(text: &str) -> Vec<Finding> {
    check_with(text, &Config::default())
}

/// `text` with `from` replaced by `to`; panics when `from` is not there (a broken test, not a rule).
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "fixture does not contain {from:?}");
    text.replacen(from, to, 1)
}

#[track_caller]
fn fires(text: &str, rule: &str) -> Finding {
    let findings = check(text);
    findings
        .iter()
        .find(|f| f.rule == rule)
        .cloned()
        .unwrap_or_else(|| panic!("expected {rule}, got {:#?}", summary(&findings)))
}

#[track_caller]
fn quiet(text: &str, rule: &str) {
    let findings = check(text);
    assert!(
        findings.iter().all(|f| f.rule != rule),
        "expected no {rule}, got {:#?}",
        summary(&findings)
    );
}

fn summary(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| format!("{} {}: {}", f.severity, f.rule, f.message))
        .collect()
}

/// Apply a finding's fix to the text.
fn apply(text: &str, f: &Finding) -> String {
    let fix = f.fix.as_ref().expect("finding has a fix");
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(e.span.start..e.span.end, &e.new_text);
    }
    out
}

/// The finding fires, its fix applies, and after the fix the rule is quiet.
#[track_caller]
fn fix_clears(text: &str, rule: &str) -> String {
    let f = fires(text, rule);
    let fixed = apply(text, &f);
    quiet(&fixed, rule);
    fixed
}

#[test]
fn spec_examples_are_clean() {
    for text in [OCREVUS, INFLIXIMAB] {
        let findings = check(text);
        assert!(findings.is_empty(), "{:#?}", summary(&findings));
    }
}

// ---- configuration -----------------------------------------------------------------------------

#[test]
fn config_turns_rules_off_and_changes_severity() {
    let t = edit(OCREVUS, "    reaction none\n", "");
    let off = Config::parse(
        "[rules]\ndoc-reaction-missing = \"off\"\n",
        Path::new("claimls.toml"),
    )
    .unwrap();
    assert!(
        check_with(&t, &off)
            .iter()
            .all(|f| f.rule != "doc-reaction-missing")
    );
    let err = Config::parse(
        "[rules]\ndoc-reaction-missing = \"error\"\n",
        Path::new("claimls.toml"),
    )
    .unwrap();
    let f = check_with(&t, &err)
        .into_iter()
        .find(|f| f.rule == "doc-reaction-missing")
        .unwrap();
    assert_eq!(f.severity, rules::Severity::Error);
}

#[test]
fn config_errors_name_the_line_and_what_to_write() {
    let e = Config::parse(
        "[rules]\nno-such-rule = \"off\"\n",
        Path::new("claimls.toml"),
    )
    .unwrap_err();
    assert!(e.to_string().contains("claimls.toml:2"), "{e}");
    assert!(e.to_string().contains("claimls explain --all"), "{e}");
    let e = Config::parse(
        "[rules]\ndose-atypical = \"loud\"\n",
        Path::new("claimls.toml"),
    )
    .unwrap_err();
    assert!(e.to_string().contains("\"off\""), "{e}");
}

// ---- docs --------------------------------------------------------------------------------------

/// The v1 catalogue is a contract (`../shared/spec/rules.md`): every id in it is registered, under the
/// same id. Every registered rule is documented in the four sections and made to fire by a test (its
/// id appears in a test's expected findings or a `fires` call).
#[test]
fn every_catalogue_rule_is_implemented_documented_and_tested() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = root.join("../../../shared/spec/rules.md");
    let spec = std::fs::read_to_string(&spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let catalogue: Vec<&str> = spec
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .collect();
    assert!(
        catalogue.len() >= 48,
        "the spec lists {} rules",
        catalogue.len()
    );
    for id in &catalogue {
        assert!(
            rules::rule(id).is_some(),
            "{id} (v1 catalogue) is not registered"
        );
    }
    // Every crate's tests: the 837P rules are made to fire by claimls-x12's.
    let tests: String = std::fs::read_dir(root.join(".."))
        .unwrap()
        .filter_map(|c| std::fs::read_dir(c.unwrap().path().join("tests")).ok())
        .flatten()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let all = rules::all();
    let mut ids: Vec<&str> = all.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "two rules share an id");
    for r in all {
        for section in [
            "## What it does",
            "## Why it matters",
            "## Example",
            "## Fix",
        ] {
            assert!(r.doc.contains(section), "{} lacks {section}", r.id);
        }
        let tested =
            tests.contains(&format!("[{}]", r.id)) || tests.contains(&format!("\"{}\"", r.id));
        assert!(tested, "no test makes {} fire", r.id);
    }
}

/// README.md's rule table is generated from the registry.
#[test]
fn readme_rule_table_is_generated_from_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = (
        "<!-- rule table: generated -->\n",
        "<!-- end of rule table -->",
    );
    let start = readme
        .find(begin)
        .expect("README.md has the rule table markers")
        + begin.len();
    let stop = readme[start..]
        .find(end)
        .expect("README.md closes the rule table")
        + start;
    let generated = rules::readme_table();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let updated = format!("{}{generated}{}", &readme[..start], &readme[stop..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert!(
        readme[start..stop] == generated,
        "README.md's rule table is out of date: run `UPDATE_DOCS=1 cargo test -p claimls-rules --test rules readme` and commit it"
    );
}

#[test]
fn docs_rules_md_is_generated_from_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let generated = rules::docs_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md is out of date: run `UPDATE_DOCS=1 cargo test -p claimls-rules --test rules docs_rules_md` and commit it"
    );
}

#[test]
fn an_unreadable_statement_is_reported_once() {
    let t = edit(OCREVUS, "dose 600 mg", "dose 600");
    let findings = check(&t);
    assert!(
        findings.iter().any(|f| f.rule == "syntax-error"),
        "{:#?}",
        summary(&findings)
    );
    quiet(&t, "doc-dose-missing");
}

#[test]
fn config_can_change_the_syntax_error_severity() {
    let t = edit(OCREVUS, "dose 600 mg", "dose 600");
    let warn = Config::parse(
        "[rules]\nsyntax-error = \"warning\"\n",
        Path::new("claimls.toml"),
    )
    .unwrap();
    let f = check_with(&t, &warn)
        .into_iter()
        .find(|f| f.rule == "syntax-error")
        .unwrap();
    assert_eq!(f.severity, rules::Severity::Warning);
}

#[test]
fn crlf_documents_get_crlf_fixes() {
    let t = edit(INFLIXIMAB, "  line J1745 JW units 5 dx A\n", "").replace('\n', "\r\n");
    let fixed = fix_clears(&t, "waste-jw-missing");
    assert!(
        fixed.contains("dx A\r\n  line J1745 JW units 5 dx A\r\n"),
        "{fixed:?}"
    );
}

/// A bad value in the second payer is reported on that payer's line, not on the first payer's (the
/// line comes from the value's span in the file).
#[test]
fn a_config_error_names_the_line_of_the_value_at_fault() {
    let toml = r#"[payers."Acme Health PPO"]
kind = "commercial"
jz-required = true

[payers."Beta Care"]
kind = "commercial"
jz-required = "sometimes"
"#;
    let err = Config::parse(toml, Path::new("claimls.toml")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "claimls.toml:7: `jz-required`: write true, false, or a severity (\"error\", \"warning\")"
    );
    let err = Config::parse(
        "[rules]\nwaste-avoidable = \"off\"\ndose-atypical = \"loud\"\n",
        Path::new("claimls.toml"),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "claimls.toml:3: `dose-atypical = \"loud\"`: write \"error\", \"warning\", \"information\" or \"off\""
    );
}
