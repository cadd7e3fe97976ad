//! The three output formats of `claimls check`: text (rendered by `annotate-snippets`, like rustc), JSON
//! (documented in docs/json-output.md, schema docs/claimls-check.schema.json) and SARIF 2.1.0 (for GitHub
//! code scanning).
//!
//! Lines are 1-based and columns are 1-based chars (Unicode scalar values) in JSON and SARIF.

use super::Format;
use super::check::{FileReport, Summary, Tally};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use claimls_model::Span;
use claimls_rules::{self as rules, Edit, Finding, Severity};
use claimls_syntax::{LineIndex, floor_char_boundary};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::IsTerminal;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

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

    /// No colours.
    #[cfg(test)]
    pub fn plain() -> Colors {
        Colors { on: false }
    }

    fn renderer(self) -> Renderer {
        if self.on {
            Renderer::styled()
        } else {
            Renderer::plain()
        }
    }

    fn bold(self, s: &str) -> String {
        if self.on {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// A 1-based line and char column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// A piece of a checked file (a claim, or the whole file): its text and where it is in the file.
pub struct Source<'a> {
    pub path: &'a str,
    pub text: &'a str,
    /// Byte offset of `text` in the file.
    pub offset: usize,
    /// 0-based line `text` starts on (it starts at the start of a line).
    pub line: usize,
}

/// A span as 1-based lines and char columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub start: LineCol,
    pub end: LineCol,
}

/// A finding ready to print: spans into the file, their lines and columns, and (for the text and JSON
/// formats) its rendered report and (for SARIF) its fingerprint. Rendering happens where the claim
/// is checked, on the worker threads, so the one thread that writes only copies bytes.
#[derive(Debug, PartialEq, Eq)]
pub struct Located {
    pub finding: Finding,
    pub range: Region,
    /// One per related location.
    pub related: Vec<Region>,
    /// One per edit of the fix.
    pub edits: Vec<Region>,
    pub rendered: Option<String>,
    pub fingerprint: Option<String>,
}

/// A finding with its spans moved `by` bytes on.
pub fn shift_finding(mut f: Finding, by: usize) -> Finding {
    let shift = |s: &mut Span| *s = Span::new(s.start + by, s.end + by);
    shift(&mut f.span);
    for r in &mut f.related {
        shift(&mut r.span);
    }
    for fix in f.fix.iter_mut().chain(f.alternatives.iter_mut()) {
        for Edit { span, .. } in &mut fix.edits {
            shift(span);
        }
    }
    f
}

/// Locate (and, when `render`, render) the findings of `source`, whose spans are into its text.
/// `claims` are the piece's claim starts and ids (for SARIF fingerprints).
pub fn locate(
    source: &Source<'_>,
    findings: Vec<Finding>,
    claims: &[(usize, String)],
    format: Format,
    colors: Colors,
    render: bool,
) -> Vec<Located> {
    if findings.is_empty() {
        return Vec::new();
    }
    let index = LineIndex::new(source.text);
    let at = |offset: usize| {
        let p = index.position(source.text, offset);
        LineCol {
            line: source.line + p.line + 1,
            column: p.char + 1,
        }
    };
    let region = |span: Span| Region {
        start: at(span.start),
        end: at(span.end),
    };
    let renderer = colors.renderer();
    // Where the text's `\n`s are (the renderer's lines), found once for all the findings.
    let breaks: Vec<usize> = if render && matches!(format, Format::Text) {
        memchr::memchr_iter(b'\n', source.text.as_bytes()).collect()
    } else {
        Vec::new()
    };
    let mut hashed = HashMap::new();
    findings
        .into_iter()
        .map(|f| {
            let rendered = (render && matches!(format, Format::Text))
                .then(|| renderer.render(&finding_report(source, &f, &breaks, at(f.span.start))));
            let fingerprint = (render && matches!(format, Format::Sarif))
                .then(|| fingerprint(source.text, &index, &f, claims, &mut hashed));
            let mut located = Located {
                range: region(f.span),
                related: f.related.iter().map(|r| region(r.span)).collect(),
                edits: f
                    .fix
                    .iter()
                    .flat_map(|fix| &fix.edits)
                    .map(|e| region(e.span))
                    .collect(),
                rendered,
                fingerprint,
                finding: shift_finding(f, source.offset),
            };
            if render && matches!(format, Format::Json) {
                located.rendered = Some(json_text(&located));
            }
            located
        })
        .collect()
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

// ---- text -------------------------------------------------------------------------------------------

/// The text report: each finding with its source excerpt, the range underlined (by display width, so
/// wide and astral characters line up; a range over several lines is drawn as one), its related
/// locations and its fix; then the summary line. Each report was rendered from its claim's text alone
/// (see [`locate`]), so a finding costs its claim's size, not the file's.
pub fn write_text<'a>(
    out: &mut impl Write,
    files: impl Iterator<Item = FileReport<'a>>,
    tally: &Tally,
    colors: Colors,
) -> std::io::Result<()> {
    for mut file in files {
        while file.write_and_advance(|findings| {
            for l in findings {
                out.write_all(l.rendered.as_deref().unwrap_or_default().as_bytes())?;
                out.write_all(b"\n\n")?;
            }
            Ok::<(), std::io::Error>(())
        })? {}
        if file.omitted_count() > 0 {
            writeln!(
                out,
                "{}: note: {}\n",
                colors.bold(&file.path),
                omitted_note(&file)
            )?;
        }
    }
    writeln!(out, "{}", colors.bold(&summary_line(&tally.summary())))
}

/// `1234 more findings not shown (only the first 1000 of a file are; --max-findings 0 shows all)`.
fn omitted_note(file: &FileReport<'_>) -> String {
    format!(
        "{} not shown (only the first {} of a file are; --max-findings 0 shows all)",
        plural(file.omitted_count(), "more finding", "more findings"),
        file.limit().unwrap_or_default()
    )
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Information => Level::INFO,
    }
}

/// A byte range the renderer can slice: inside the text, on char boundaries.
fn byte_range(text: &str, span: Span) -> std::ops::Range<usize> {
    let clamp = |at: usize| floor_char_boundary(text, at.min(text.len()));
    let start = clamp(span.start);
    start..clamp(span.end).max(start)
}

/// Lines longer than this are cut around the finding before they go to the renderer (which reads
/// every byte of the text it is given for each finding).
const LONG_LINE: usize = 4096;

/// How much of a long line is kept on each side of the finding's spans: more than a terminal shows,
/// so the renderer still cuts the line itself and marks the cut with `...`.
const LONG_LINE_CONTEXT: usize = 512;

/// The report of one finding. `breaks` are the offsets of the `\n`s of the text, `primary` where the
/// finding starts.
///
/// Only the lines from the first annotated one to the last go to the renderer: it reads all the text
/// it is given for each finding, and a piece can be a whole 837P (100 findings of a 1,800-claim
/// interchange took 3 s). The renderer folds the lines between annotations, so the lines left out
/// were never printed; it breaks lines at `\n` only, as `breaks` does. An 837P is often one line of
/// megabytes: a line that long is cut to the finding's neighbourhood, and the `-->` location, which
/// the renderer would count from the cut, is given as `primary`.
fn finding_report<'a>(
    source: &'a Source<'a>,
    f: &'a Finding,
    breaks: &[usize],
    primary: LineCol,
) -> Vec<Group<'a>> {
    let text = source.text;
    let ranges = || std::iter::once(f.span).chain(f.related.iter().map(|r| r.span));
    let lo = ranges()
        .map(|s| byte_range(text, s).start)
        .min()
        .unwrap_or(0);
    let hi = ranges().map(|s| byte_range(text, s).end).max().unwrap_or(0);
    let before = breaks.partition_point(|&b| b < lo);
    let from = if before == 0 {
        0
    } else {
        breaks[before - 1] + 1
    };
    let to = breaks
        .get(breaks.partition_point(|&b| b < hi))
        .copied()
        .unwrap_or(text.len());
    let line = source.line + before;
    let long = to - from > LONG_LINE;
    let (from, to) = if long {
        (
            floor_char_boundary(text, lo.saturating_sub(LONG_LINE_CONTEXT).max(from)),
            floor_char_boundary(text, (hi + LONG_LINE_CONTEXT).min(to)),
        )
    } else {
        (from, to)
    };
    let shifted = |span: Span| {
        let r = byte_range(text, span);
        r.start - from..r.end - from
    };
    let mut snippet = Snippet::source(&text[from..to])
        .line_start(line + 1)
        .fold(true)
        .annotation(AnnotationKind::Primary.span(shifted(f.span)));
    if !long {
        snippet = snippet.path(source.path);
    }
    for r in &f.related {
        snippet = snippet.annotation(
            AnnotationKind::Context
                .span(shifted(r.span))
                .label(r.message.as_str()),
        );
    }
    let origin = long.then(|| {
        Origin::path(source.path)
            .line(primary.line)
            .char_column(primary.column)
    });
    let title = level(f.severity)
        .primary_title(f.message.as_str())
        .id(f.rule);
    let mut group = match origin {
        Some(origin) => title.element(origin).element(snippet),
        None => title.element(snippet),
    };
    if let Some(fix) = &f.fix {
        group = group.element(Level::HELP.with_name("fix").message(fix.title.as_str()));
    }
    vec![group]
}

// ---- JSON -------------------------------------------------------------------------------------------

/// The version of the JSON document's shape (docs/json-output.md); raised when a field changes meaning
/// or goes away, not when one is added.
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    range: JsonRange,
    fix: Option<JsonFix<'a>>,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRange {
    start: LineCol,
    end: LineCol,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonEdit<'a> {
    range: JsonRange,
    new_text: &'a str,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    message: &'a str,
    range: JsonRange,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    errors: usize,
    warnings: usize,
    information: usize,
}

fn json_range(r: &Region) -> JsonRange {
    JsonRange {
        start: r.start,
        end: r.end,
    }
}

fn json_diagnostic(l: &Located) -> JsonDiagnostic<'_> {
    let f = &l.finding;
    JsonDiagnostic {
        rule: f.rule,
        severity: f.severity.as_str(),
        message: &f.message,
        range: json_range(&l.range),
        fix: f.fix.as_ref().map(|fix| JsonFix {
            title: &fix.title,
            edits: fix
                .edits
                .iter()
                .zip(&l.edits)
                .map(|(e, r)| JsonEdit {
                    range: json_range(r),
                    new_text: &e.new_text,
                })
                .collect(),
        }),
        related: f
            .related
            .iter()
            .zip(&l.related)
            .map(|(rel, r)| JsonRelated {
                message: &rel.message,
                range: json_range(r),
            })
            .collect(),
    }
}

/// A diagnostic as it stands in the report: pretty-printed, each line after the first indented to
/// its depth (inside `files[].diagnostics[]`). JSON strings hold no raw line break, so indenting after
/// every `\n` moves whole lines only.
fn json_text(l: &Located) -> String {
    indented(&json_diagnostic(l), DIAGNOSTIC_DEPTH)
}

/// `files[].diagnostics[]` is four levels in: root object, `files`, a file, `diagnostics`.
const DIAGNOSTIC_DEPTH: usize = 4;

/// `value` pretty-printed as serde_json does at nesting `depth` (two spaces a level), written once
/// into a buffer of a diagnostic's usual size: no second pass to indent it, no regrowing.
fn indented(value: &impl Serialize, depth: usize) -> String {
    let mut out = Vec::with_capacity(1024);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Nested::at(depth));
    value.serialize(&mut ser).expect("a report serializes");
    // serde_json writes UTF-8 only.
    String::from_utf8(out).unwrap_or_default()
}

/// serde_json's pretty layout (two spaces a level, `"key": value`, empty `[]` and `{}` on one line)
/// for a value that stands `base` levels deep in the document. serde_json's `PrettyFormatter` always
/// starts at the margin, so the report would otherwise indent each diagnostic a second time.
struct Nested {
    base: usize,
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn at(base: usize) -> Nested {
        Nested {
            base,
            depth: 0,
            has_value: false,
        }
    }

    fn line<W: ?Sized + Write>(&self, out: &mut W, first: bool) -> std::io::Result<()> {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(out)
    }

    fn indent<W: ?Sized + Write>(&self, out: &mut W) -> std::io::Result<()> {
        // One write for the margin: a diagnostic has some forty lines.
        const SPACES: &[u8; 64] = &[b' '; 64];
        let mut width = 2 * (self.base + self.depth);
        while width > 0 {
            let n = width.min(SPACES.len());
            out.write_all(&SPACES[..n])?;
            width -= n;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            out.write_all(b"\n")?;
            self.indent(out)?;
        }
        out.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.line(out, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        out: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.line(out, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        out.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// `{"version":1,"files":[{"path":…,"diagnostics":[…]}],"summary":{…}}`, pretty-printed, written as
/// the files come. The frame is written here and each diagnostic as [`json_text`] rendered it on a
/// worker; the bytes are those `serde_json::to_writer_pretty` gives for the same document (a test
/// compares them).
pub fn write_json<'a>(
    out: &mut impl Write,
    files: impl Iterator<Item = FileReport<'a>>,
    tally: &'a Tally,
) -> std::io::Result<()> {
    let pad = |depth: usize| "  ".repeat(depth);
    write!(
        out,
        "{{\n{}\"version\": {JSON_VERSION},\n{}\"files\": [",
        pad(1),
        pad(1)
    )?;
    let mut any_file = false;
    for mut file in files {
        out.write_all(if any_file { b",\n" } else { b"\n" })?;
        any_file = true;
        write!(out, "{}{{\n{}\"path\": ", pad(2), pad(3))?;
        serde_json::to_writer(&mut *out, &file.path)?;
        write!(out, ",\n{}\"diagnostics\": [", pad(3))?;
        let mut any = false;
        while file.write_and_advance(|findings| {
            for l in findings {
                out.write_all(if any { b",\n" } else { b"\n" })?;
                any = true;
                out.write_all(&b"        "[..2 * DIAGNOSTIC_DEPTH])?;
                match &l.rendered {
                    Some(text) => out.write_all(text.as_bytes())?,
                    None => out.write_all(json_text(&l).as_bytes())?,
                }
            }
            Ok::<(), std::io::Error>(())
        })? {}
        if any {
            write!(out, "\n{}", pad(3))?;
        }
        out.write_all(b"]")?;
        if file.omitted_count() > 0 {
            write!(out, ",\n{}\"omitted\": {}", pad(3), file.omitted_count())?;
        }
        write!(out, "\n{}}}", pad(2))?;
    }
    if any_file {
        write!(out, "\n{}", pad(1))?;
    }
    let summary = tally.summary();
    let summary = JsonSummary {
        files: summary.files,
        errors: summary.errors,
        warnings: summary.warnings,
        information: summary.information,
    };
    write!(
        out,
        "],\n{}\"summary\": {}\n}}\n",
        pad(1),
        indented(&summary, 1)
    )
}

fn write_pretty(out: &mut impl Write, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n")
}

// ---- SARIF ------------------------------------------------------------------------------------------

/// The base id artifact URIs are relative to: the directory `claimls check` ran in.
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<SarifRun<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun<'a> {
    tool: SarifTool,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    original_uri_base_ids: BTreeMap<&'static str, SarifArtifactLocation>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
    /// Present when a file had more findings than the per-file cap: one notification per such file.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    invocations: Vec<SarifInvocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifInvocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<SarifNotification>,
}

#[derive(Serialize)]
struct SarifNotification {
    level: &'static str,
    message: SarifText,
}

#[derive(Serialize)]
struct SarifTool {
    driver: SarifDriver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifDriver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<SarifRule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule {
    id: String,
    name: String,
    short_description: SarifText,
    full_description: SarifText,
    help: SarifMultiformat,
    default_configuration: SarifConfiguration,
}

#[derive(Serialize)]
struct SarifText {
    text: String,
}

#[derive(Serialize)]
struct SarifMultiformat {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct SarifConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: SarifText,
    locations: Vec<SarifLocation>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: SarifPhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<SarifText>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifPhysicalLocation {
    artifact_location: SarifArtifactLocation,
    region: SarifRegion,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct SarifArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: SarifText,
    artifact_changes: Vec<SarifArtifactChange>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifArtifactChange {
    artifact_location: SarifArtifactLocation,
    replacements: Vec<SarifReplacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifReplacement {
    deleted_region: SarifRegion,
    inserted_content: SarifText,
}

fn sarif_region(r: &Region) -> SarifRegion {
    SarifRegion {
        start_line: r.start.line,
        start_column: r.start.column,
        end_line: r.end.line,
        end_column: r.end.column,
    }
}

/// SARIF 2.1.0 for GitHub code scanning: one run, the catalogue's rules (plus any other rule id found)
/// with their documentation as help, one result per finding with a stable fingerprint. Artifact URIs
/// are relative to `%SRCROOT%` (the current directory) when the file is below it, else `file:` URIs.
/// Columns are Unicode code points (`columnKind`).
pub fn write_sarif(out: &mut impl Write, files: &[FileReport<'_>]) -> std::io::Result<()> {
    let cwd = std::env::current_dir().ok();
    write_pretty(out, &sarif_in(files, cwd.as_deref()))
}

fn sarif_in<'a>(files: &'a [FileReport], cwd: Option<&Path>) -> SarifLog<'a> {
    let mut rule_ids: Vec<&str> = rules::all().iter().map(|r| r.id).collect();
    for f in files.iter().flat_map(|f| &f.findings).map(|l| &l.finding) {
        if !rule_ids.contains(&f.rule) {
            rule_ids.push(f.rule);
        }
    }
    let descriptors: Vec<SarifRule> = rule_ids.iter().map(|id| sarif_rule(id)).collect();
    let mut results = Vec::new();
    for file in files {
        let artifact = artifact_location(&file.path, cwd);
        for l in &file.findings {
            let f = &l.finding;
            let location = |r: &Region, id: Option<usize>, message: Option<&str>| SarifLocation {
                id,
                physical_location: SarifPhysicalLocation {
                    artifact_location: artifact.clone(),
                    region: sarif_region(r),
                },
                message: message.map(|m| SarifText {
                    text: m.to_string(),
                }),
            };
            results.push(SarifResult {
                rule_id: f.rule,
                rule_index: rule_ids.iter().position(|id| *id == f.rule).unwrap_or(0),
                level: sarif_level(f.severity),
                message: SarifText {
                    text: f.message.clone(),
                },
                locations: vec![location(&l.range, None, None)],
                partial_fingerprints: BTreeMap::from([(
                    "claimls/v1",
                    l.fingerprint.clone().unwrap_or_default(),
                )]),
                related_locations: f
                    .related
                    .iter()
                    .zip(&l.related)
                    .enumerate()
                    .map(|(i, (rel, r))| location(r, Some(i), Some(&rel.message)))
                    .collect(),
                fixes: f
                    .fix
                    .iter()
                    .map(|fix| SarifFix {
                        description: SarifText {
                            text: fix.title.clone(),
                        },
                        artifact_changes: vec![SarifArtifactChange {
                            artifact_location: artifact.clone(),
                            replacements: fix
                                .edits
                                .iter()
                                .zip(&l.edits)
                                .map(|(e, r)| SarifReplacement {
                                    deleted_region: sarif_region(r),
                                    inserted_content: SarifText {
                                        text: e.new_text.clone(),
                                    },
                                })
                                .collect(),
                        }],
                    })
                    .collect(),
            });
        }
    }
    let mut base_ids = BTreeMap::new();
    if let Some(root) = cwd.and_then(directory_uri) {
        base_ids.insert(
            SRCROOT,
            SarifArtifactLocation {
                uri: root,
                uri_base_id: None,
            },
        );
    }
    SarifLog {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![SarifRun {
            tool: SarifTool {
                driver: SarifDriver {
                    name: "claimls",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: descriptors,
                },
            },
            original_uri_base_ids: base_ids,
            column_kind: "unicodeCodePoints",
            results,
            invocations: omitted_notifications(files),
        }],
    }
}

/// A rule's descriptor: its documentation (the `claimls explain` text) as `help`, the first sentence
/// as the short and the first paragraph as the full description.
/// One notification per file whose findings went past the per-file cap.
fn omitted_notifications(files: &[FileReport<'_>]) -> Vec<SarifInvocation> {
    let notifications: Vec<SarifNotification> = files
        .iter()
        .filter(|f| f.omitted_count() > 0)
        .map(|f| SarifNotification {
            level: "warning",
            message: SarifText {
                text: format!("{}: {}", f.path, omitted_note(f)),
            },
        })
        .collect();
    if notifications.is_empty() {
        return Vec::new();
    }
    vec![SarifInvocation {
        execution_successful: true,
        tool_execution_notifications: notifications,
    }]
}

fn sarif_rule(id: &str) -> SarifRule {
    let Some(rule) = rules::rule(id) else {
        let text = format!("Findings of `{id}`.");
        return SarifRule {
            id: id.to_string(),
            name: rule_name(id),
            short_description: SarifText { text: text.clone() },
            full_description: SarifText { text: text.clone() },
            help: SarifMultiformat {
                text: text.clone(),
                markdown: text,
            },
            default_configuration: SarifConfiguration { level: "error" },
        };
    };
    let what = first_paragraph(rule.doc);
    let markdown = rules::rule_markdown(rule);
    SarifRule {
        id: id.to_string(),
        name: rule_name(id),
        short_description: SarifText {
            text: first_sentence(&what),
        },
        full_description: SarifText { text: what },
        help: SarifMultiformat {
            text: plain_text(&markdown),
            markdown,
        },
        default_configuration: SarifConfiguration {
            level: sarif_level(rule.severity),
        },
    }
}

/// `waste-jw-missing` → `WasteJwMissing` (SARIF's `name` is an identifier).
fn rule_name(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information => "note",
    }
}

/// The first paragraph of a rule's "What it does" section, on one line.
fn first_paragraph(doc: &str) -> String {
    doc.lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty() || l.starts_with('#'))
        .take_while(|l| !l.is_empty() && !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first sentence of a paragraph.
fn first_sentence(paragraph: &str) -> String {
    match paragraph.find(". ") {
        Some(i) => paragraph[..=i].to_string(),
        None => paragraph.to_string(),
    }
}

/// Markdown as plain text: code ticks and emphasis stars removed, headings kept as lines.
fn plain_text(markdown: &str) -> String {
    markdown
        .lines()
        .map(|l| l.trim_start_matches('#').trim_start())
        .map(|l| l.replace(['`', '*'], ""))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// The claim ids of a text with where each claim starts, for fingerprints.
pub fn claim_ids(text: &str) -> Vec<(usize, String)> {
    claimls_syntax::document(text)
        .claims
        .iter()
        .map(|c| (c.span.start, c.id.value.clone()))
        .collect()
}

/// A result's fingerprint: the rule, the text of the line it starts on with its spacing normalised and
/// the claim it is in, hashed. It stays the same when lines are added above or the line is re-indented,
/// so code scanning keeps tracking one alert.
fn fingerprint(
    text: &str,
    index: &LineIndex,
    f: &Finding,
    claims: &[(usize, String)],
    hashed: &mut HashMap<(usize, &'static str), Sha256>,
) -> String {
    let at = index.position(text, f.span.start);
    // The hash of the rule and the line is kept for the line's other findings of the rule: an 837P is
    // often one line of megabytes, and hashing it again for each finding made SARIF output quadratic.
    let mut hash = hashed
        .entry((at.line, f.rule))
        .or_insert_with(|| {
            let line = index.line_text(text, at.line);
            let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
            let mut hash = Sha256::new();
            for part in [f.rule, &line] {
                hash.update(part.as_bytes());
                hash.update([0]);
            }
            hash
        })
        .clone();
    // `claims` are in text order: the finding's claim is the last one starting at or before it.
    let claim = claims[..claims.partition_point(|(start, _)| *start <= f.span.start)]
        .last()
        .map_or("", |(_, id)| id.as_str());
    hash.update(claim.as_bytes());
    hash.update([0]);
    let digest = hash.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Characters kept as they are in a URI path: RFC 3986's unreserved characters and `/`; everything
/// else (space, `#`, `%`, non-ASCII as UTF-8 bytes) is percent-encoded.
const PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

fn encode_path(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, PATH).to_string()
}

/// `a/../b` → `b`, lexically (no file system access: the file may be a symlink's target).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn slashes(path: &Path) -> String {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Where a checked file is, as SARIF wants it: a relative, percent-encoded URI reference against
/// `%SRCROOT%` when it is below the current directory (relative paths, and absolute ones under it),
/// else an absolute `file:` URI.
fn artifact_location(path: &str, cwd: Option<&Path>) -> SarifArtifactLocation {
    let given = Path::new(path);
    let absolute = match cwd {
        Some(cwd) => normalize(&cwd.join(given)),
        None => normalize(given),
    };
    if let Some(relative) = cwd.and_then(|cwd| absolute.strip_prefix(normalize(cwd)).ok()) {
        return SarifArtifactLocation {
            uri: encode_path(&slashes(relative)),
            uri_base_id: Some(SRCROOT),
        };
    }
    if absolute.is_absolute() {
        return SarifArtifactLocation {
            uri: format!("file:///{}", encode_path(&slashes(&absolute))),
            uri_base_id: None,
        };
    }
    // No current directory to resolve against: the relative path as given.
    SarifArtifactLocation {
        uri: encode_path(&slashes(&absolute)),
        uri_base_id: Some(SRCROOT),
    }
}

/// The `file:` URI of a directory, ending in `/` as `originalUriBaseIds` requires.
fn directory_uri(dir: &Path) -> Option<String> {
    let dir = normalize(dir);
    if !dir.is_absolute() {
        return None;
    }
    let path = slashes(&dir);
    Some(if path.is_empty() {
        "file:///".to_string()
    } else {
        format!("file:///{}/", encode_path(&path))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_percent_encoded_against_srcroot() {
        let cwd = Path::new("/work/repo");
        let loc = artifact_location("team drafts/#1 ü.claim", Some(cwd));
        assert_eq!(loc.uri, "team%20drafts/%231%20%C3%BC.claim");
        assert_eq!(loc.uri_base_id, Some(SRCROOT));
    }

    #[test]
    fn absolute_paths_below_the_current_directory_become_relative() {
        let cwd = Path::new("/work/repo");
        let loc = artifact_location("/work/repo/drafts/a.claim", Some(cwd));
        assert_eq!(loc.uri, "drafts/a.claim");
        assert_eq!(loc.uri_base_id, Some(SRCROOT));
        let loc = artifact_location("../repo/./b.claim", Some(cwd));
        assert_eq!(loc.uri, "b.claim");
    }

    #[test]
    fn paths_outside_the_current_directory_are_file_uris() {
        let cwd = Path::new("/work/repo");
        let loc = artifact_location("/tmp/x y/a.claim", Some(cwd));
        assert_eq!(loc.uri, "file:///tmp/x%20y/a.claim");
        assert_eq!(loc.uri_base_id, None);
        let loc = artifact_location("../other/a.claim", Some(cwd));
        assert_eq!(loc.uri, "file:///work/other/a.claim");
    }

    #[test]
    fn the_source_root_is_a_directory_uri() {
        assert_eq!(
            directory_uri(Path::new("/work/my repo")).as_deref(),
            Some("file:///work/my%20repo/")
        );
        assert_eq!(directory_uri(Path::new("/")).as_deref(), Some("file:///"));
    }

    /// The text report of one file `a.claim` holding `text`, with these findings.
    fn render(text: &str, findings: Vec<Finding>) -> String {
        let source = Source {
            path: "a.claim",
            text,
            offset: 0,
            line: 0,
        };
        let colors = Colors { on: false };
        let tally = Tally::default();
        tally.add(&Summary {
            files: 1,
            ..Summary::default()
        });
        let mut file = FileReport::new("a.claim".to_string(), None, &tally);
        file.push(locate(&source, findings, &[], Format::Text, colors, true));
        let mut out = Vec::new();
        write_text(&mut out, std::iter::once(file), &tally, colors).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The JSON report of these (path, text) files, checked with the embedded data, at most
    /// `limit` findings a file: as `write_json` writes it, and as serde_json pretty-prints the same
    /// document from derived types (what `write_json` was before it wrote its frame by hand).
    fn json_report(files: &[(&str, &str)], limit: Option<usize>) -> (String, String) {
        #[derive(Serialize)]
        struct Doc<'a> {
            version: u32,
            files: Vec<FileDoc<'a>>,
            summary: JsonSummary,
        }
        #[derive(Serialize)]
        struct FileDoc<'a> {
            path: &'a str,
            diagnostics: Vec<JsonDiagnostic<'a>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            omitted: Option<usize>,
        }
        let data = claimls_data::CodeData::embedded();
        let config = claimls_rules::config::Config::default();
        let mut checked = Vec::new();
        let mut all = Summary::default();
        for (path, text) in files {
            let mut findings = super::super::check::check_text(text, &data, &config);
            all.add(&findings);
            let rest = findings.split_off(findings.len().min(limit.unwrap_or(usize::MAX)));
            let source = Source {
                path,
                text,
                offset: 0,
                line: 0,
            };
            let located = locate(&source, findings, &[], Format::Json, Colors::plain(), true);
            let mut omitted = Summary::default();
            omitted.add(&rest);
            checked.push((*path, located, omitted));
        }
        all.files = files.len();
        let doc = Doc {
            version: JSON_VERSION,
            files: checked
                .iter()
                .map(|(path, located, omitted)| {
                    let n = omitted.errors + omitted.warnings + omitted.information;
                    FileDoc {
                        path,
                        diagnostics: located.iter().map(json_diagnostic).collect(),
                        omitted: (n > 0).then_some(n),
                    }
                })
                .collect(),
            summary: JsonSummary {
                files: all.files,
                errors: all.errors,
                warnings: all.warnings,
                information: all.information,
            },
        };
        let mut expected = Vec::new();
        write_pretty(&mut expected, &doc).unwrap();
        let tally = Tally::default();
        tally.add(&all);
        let reports: Vec<FileReport> = checked
            .into_iter()
            .map(|(path, located, omitted)| {
                let mut report = FileReport::new(path.to_string(), limit, &tally);
                report.findings = located;
                report.omitted = omitted;
                report
            })
            .collect();
        let mut out = Vec::new();
        write_json(&mut out, reports.into_iter(), &tally).unwrap();
        (
            String::from_utf8(out).unwrap(),
            String::from_utf8(expected).unwrap(),
        )
    }

    #[test]
    fn the_json_report_is_byte_for_byte_what_serde_json_pretty_prints() {
        let jw = include_str!("../../../../examples/medicare-jw-missing.claim");
        let waste = include_str!("../../../../examples/infliximab-waste.claim");
        let many = "claim A\n  payer medicare\n  dx A G35\n  admin ocrelizumab\n    dose 600 mg\n  line J2350 JW JW JW units 600 dx A\n";
        type Files<'a> = &'a [(&'a str, &'a str)];
        let cases: [(Files, Option<usize>); 4] = [
            (&[], None),
            (&[("clean.claim", "")], None),
            (&[("a \"quoted\" path.claim", jw), ("b.claim", waste)], None),
            (&[("a.claim", jw), ("many.claim", many)], Some(1)),
        ];
        for (files, limit) in cases {
            let (written, expected) = json_report(files, limit);
            assert_eq!(written, expected, "{files:?} limit {limit:?}");
        }
        // The cases hold what the frame writes: findings with fixes and related locations, a file
        // past its limit.
        let (two, _) = json_report(cases[3].0, Some(1));
        let v: serde_json::Value = serde_json::from_str(&two).unwrap();
        let files = v["files"].as_array().unwrap();
        assert!(
            files.iter().any(|f| f["omitted"].as_u64() >= Some(1)),
            "{two}"
        );
        let diagnostics: Vec<&serde_json::Value> = files
            .iter()
            .flat_map(|f| f["diagnostics"].as_array().unwrap())
            .collect();
        assert!(diagnostics.iter().any(|d| d["fix"].is_object()), "{two}");
    }

    #[test]
    fn the_caret_is_placed_by_display_width() {
        // `全角` and `😀` are two columns wide each: `  note "全角😀" ` is 16 columns (10 chars).
        let text = "claim A\n  note \"全角😀\" dose 600\n";
        let start = text.find("dose").unwrap();
        let span = Span::new(start, start + "dose 600".len());
        let f = Finding::new(&rules::SYNTAX_ERROR, span, "unexpected `dose 600`");
        let out = render(text, vec![f]);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[1], " --> a.claim:2:14", "{out}");
        assert_eq!(lines[3], "2 |   note \"全角😀\" dose 600", "{out}");
        assert_eq!(lines[4], format!("  | {}^^^^^^^^", " ".repeat(16)), "{out}");
    }

    #[test]
    fn a_span_over_several_lines_is_drawn_whole() {
        let text = "claim A\n  admin x\n    dose 600 mg\n";
        let start = text.find("admin").unwrap();
        let end = text.find(" mg").unwrap() + 3;
        let f = Finding::new(&rules::SYNTAX_ERROR, Span::new(start, end), "two lines");
        let out = render(text, vec![f]);
        let expected = "\
error[syntax-error]: two lines
 --> a.claim:2:3
  |
2 | /   admin x
3 | |     dose 600 mg
  | |_______________^
";
        assert!(out.starts_with(expected), "{out}");
    }

    #[test]
    fn rule_names_are_identifiers() {
        assert_eq!(rule_name("waste-jw-missing"), "WasteJwMissing");
    }
}
