//! The three output formats of `claimls check`: text (like rustc/ruff), JSON and SARIF 2.1.0.
//!
//! Lines are 1-based and columns are 1-based chars (Unicode scalar values) in every format.

use super::check::{CheckedFile, Summary};
use claimls_model::Span;
use claimls_rules::{self as rules, Finding, Severity};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::io::IsTerminal;

/// ANSI colours, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colors {
    on: bool,
}

impl Colors {
    /// Colours when stdout is a terminal and `NO_COLOR` is not set (https://no-color.org).
    pub fn for_stdout() -> Colors {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Colors {
            on: !no_color && std::io::stdout().is_terminal(),
        }
    }

    fn paint(self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn severity(self, severity: Severity, s: &str) -> String {
        let code = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Information => "1;36",
        };
        self.paint(code, s)
    }

    fn bold(self, s: &str) -> String {
        self.paint("1", s)
    }

    fn gutter(self, s: &str) -> String {
        self.paint("1;34", s)
    }
}

/// A 1-based line and char column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LineCol {
    line: usize,
    column: usize,
}

fn line_col(file: &CheckedFile, offset: usize) -> LineCol {
    let p = file.index.position(&file.text, offset);
    LineCol {
        line: p.line + 1,
        column: p.char + 1,
    }
}

fn range_json(file: &CheckedFile, span: Span) -> Value {
    let start = line_col(file, span.start);
    let end = line_col(file, span.end);
    json!({
        "start": {"line": start.line, "column": start.column},
        "end": {"line": end.line, "column": end.column},
    })
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `2 errors, 1 warning in 3 files` (information only when there is some).
pub fn summary_line(s: &Summary) -> String {
    let mut parts = vec![
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
    ];
    if s.information > 0 {
        parts.push(format!("{} information", s.information));
    }
    format!(
        "{} in {}",
        parts.join(", "),
        plural(s.files, "file", "files")
    )
}

/// The text report: each finding with its source line, a caret under its range, its fix and its
/// related locations; then the summary line.
pub fn text(files: &[CheckedFile], summary: &Summary, colors: Colors) -> String {
    let mut out = String::new();
    for file in files {
        for finding in &file.findings {
            write_finding(&mut out, file, finding, colors);
            out.push('\n');
        }
        if file.omitted_count() > 0 {
            let _ = writeln!(
                out,
                "{}: note: {}\n",
                colors.bold(&file.path),
                omitted_note(file)
            );
        }
    }
    let _ = writeln!(out, "{}", colors.bold(&summary_line(summary)));
    out
}

/// `1234 more findings not shown (only the first 1000 of a file are)`.
fn omitted_note(file: &CheckedFile) -> String {
    format!(
        "{} not shown (only the first {} of a file are)",
        plural(file.omitted_count(), "more finding", "more findings"),
        super::check::MAX_FINDINGS_PER_FILE
    )
}

/// Source excerpts show at most this many chars of a line, around the finding's start, so the
/// text output grows with the number of findings, not with findings × line length.
const EXCERPT_CHARS: usize = 120;

fn write_finding(out: &mut String, file: &CheckedFile, f: &Finding, colors: Colors) {
    let start = line_col(file, f.span.start);
    let head = format!("{}[{}]", f.severity, f.rule);
    let _ = writeln!(
        out,
        "{}: {}: {}",
        colors.bold(&format!("{}:{}:{}", file.path, start.line, start.column)),
        colors.severity(f.severity, &head),
        f.message
    );
    let line_no = start.line.to_string();
    let pad = " ".repeat(line_no.len());
    let source = file.index.line_text(&file.text, start.line - 1);
    let bar = colors.gutter("|");
    let _ = writeln!(out, "{pad} {bar}");
    let caret = caret(file, f.span, source);
    let (source, caret) = excerpt(source, &caret, start.column - 1);
    let _ = writeln!(out, "{} {bar} {source}", colors.gutter(&line_no));
    let _ = writeln!(out, "{pad} {bar} {}", colors.severity(f.severity, &caret));
    if let Some(fix) = &f.fix {
        let _ = writeln!(out, "{pad} = fix: {}", fix.title);
    }
    for r in &f.related {
        let at = line_col(file, r.span.start);
        let _ = writeln!(
            out,
            "{pad} = note: {}:{}:{}: {}",
            file.path, at.line, at.column, r.message
        );
    }
}

/// A long line cut to [`EXCERPT_CHARS`] around `column` (its caret line cut the same), with `…`
/// where something was cut.
fn excerpt(source: &str, caret: &str, column: usize) -> (String, String) {
    let len = source.chars().count();
    if len <= EXCERPT_CHARS {
        return (source.to_string(), caret.to_string());
    }
    let from = column
        .saturating_sub(EXCERPT_CHARS / 4)
        .min(len - EXCERPT_CHARS);
    let to = from + EXCERPT_CHARS;
    let cut = |s: &str, marker: char| -> String {
        let mut out = String::new();
        if from > 0 {
            out.push(marker);
        }
        out.extend(s.chars().skip(from).take(to - from));
        if to < s.chars().count() && marker == '…' {
            out.push('…');
        }
        out
    };
    (cut(source, '…'), cut(caret, ' '))
}

/// Spaces up to the start of the range (tabs kept, so the caret lines up), then `^` under it: to its
/// end, or to the end of the line when it runs on; one `^` for an empty range.
fn caret(file: &CheckedFile, span: Span, source: &str) -> String {
    let start = file.index.position(&file.text, span.start);
    let end = file.index.position(&file.text, span.end);
    let prefix: String = source
        .chars()
        .take(start.char)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let line_chars = source.chars().count();
    let end_char = if end.line == start.line {
        end.char
    } else {
        line_chars
    };
    let width = end_char.saturating_sub(start.char).max(1);
    format!("{prefix}{}", "^".repeat(width))
}

fn fix_json(file: &CheckedFile, f: &Finding) -> Value {
    match &f.fix {
        None => Value::Null,
        Some(fix) => json!({
            "title": fix.title,
            "edits": fix.edits.iter().map(|e| json!({
                "range": range_json(file, e.span),
                "newText": e.new_text,
            })).collect::<Vec<_>>(),
        }),
    }
}

/// `{"files":[{"path":…,"diagnostics":[…]}],"summary":{…}}`.
pub fn json(files: &[CheckedFile], summary: &Summary) -> String {
    let files: Vec<Value> = files
        .iter()
        .map(|file| {
            let diagnostics: Vec<Value> = file
                .findings
                .iter()
                .map(|f| {
                    json!({
                        "rule": f.rule,
                        "severity": f.severity.as_str(),
                        "message": f.message,
                        "range": range_json(file, f.span),
                        "fix": fix_json(file, f),
                        "related": f.related.iter().map(|r| json!({
                            "message": r.message,
                            "range": range_json(file, r.span),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let mut entry = json!({"path": file.path, "diagnostics": diagnostics});
            if file.omitted_count() > 0 {
                entry["omitted"] = json!(file.omitted_count());
            }
            entry
        })
        .collect();
    let doc = json!({
        "files": files,
        "summary": {
            "files": summary.files,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "information": summary.information,
        },
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Where the rule documentation lives, for SARIF `helpUri`.
const RULES_DOC: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/rules.md");

fn sarif_region(file: &CheckedFile, span: Span) -> Value {
    let start = line_col(file, span.start);
    let end = line_col(file, span.end);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

fn sarif_location(file: &CheckedFile, span: Span) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": {"uri": file.path},
            "region": sarif_region(file, span),
        }
    })
}

/// SARIF 2.1.0: one run, the catalogue's rules (plus any other rule id found), one result per
/// finding. Columns are Unicode code points (`columnKind`).
pub fn sarif(files: &[CheckedFile]) -> String {
    let mut rule_ids: Vec<&str> = rules::all().iter().map(|r| r.id).collect();
    for f in files.iter().flat_map(|f| &f.findings) {
        if !rule_ids.contains(&f.rule) {
            rule_ids.push(f.rule);
        }
    }
    let descriptors: Vec<Value> = rule_ids
        .iter()
        .map(|id| {
            let rule = rules::rule(id);
            let short = rule
                .map(|r| first_sentence(r.doc))
                .unwrap_or_else(|| id.to_string());
            let level = rule.map_or("error", |r| sarif_level(r.severity));
            json!({
                "id": id,
                "shortDescription": {"text": short},
                "helpUri": format!("{RULES_DOC}#{id}"),
                "defaultConfiguration": {"level": level},
            })
        })
        .collect();
    let mut results = Vec::new();
    for file in files {
        for f in &file.findings {
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": rule_ids.iter().position(|id| *id == f.rule).unwrap_or(0),
                "level": sarif_level(f.severity),
                "message": {"text": f.message},
                "locations": [sarif_location(file, f.span)],
            });
            if !f.related.is_empty() {
                result["relatedLocations"] = f
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let mut loc = sarif_location(file, r.span);
                        loc["id"] = json!(i);
                        loc["message"] = json!({"text": r.message});
                        loc
                    })
                    .collect();
            }
            if let Some(fix) = &f.fix {
                result["fixes"] = json!([{
                    "description": {"text": fix.title},
                    "artifactChanges": [{
                        "artifactLocation": {"uri": file.path},
                        "replacements": fix.edits.iter().map(|e| json!({
                            "deletedRegion": sarif_region(file, e.span),
                            "insertedContent": {"text": e.new_text},
                        })).collect::<Vec<_>>(),
                    }],
                }]);
            }
            results.push(result);
        }
    }
    let notifications: Vec<Value> = files
        .iter()
        .filter(|f| f.omitted_count() > 0)
        .map(|f| {
            json!({
                "level": "warning",
                "message": {"text": format!("{}: {}", f.path, omitted_note(f))},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": f.path}}}],
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "claimls",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": descriptors,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut doc = doc;
    if !notifications.is_empty() {
        doc["runs"][0]["invocations"] = json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": notifications,
        }]);
    }
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information => "note",
    }
}

/// The first sentence of a rule's "What it does" section, for SARIF's short description.
fn first_sentence(doc: &str) -> String {
    let body = doc
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join(" ");
    match body.find(". ") {
        Some(i) => body[..=i].to_string(),
        None => body,
    }
}
