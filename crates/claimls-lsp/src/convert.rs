//! The edge between the engine and LSP types: byte spans ↔ UTF-16 ranges, findings → diagnostics,
//! edits → text edits. No other module of the server builds positions by hand, so a move to another
//! LSP types crate stays local to this file.

use claimls_model::Span;
use claimls_rules::{Edit, Finding, Severity};
use ropey::Rope;

use std::str::FromStr;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeDescription, Diagnostic,
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Position, Range,
    TextEdit, Uri, WorkspaceEdit,
};

/// The char index of the end of a line's content (before its line break).
fn line_content_end(rope: &Rope, line: usize) -> usize {
    let start = rope.line_to_char(line);
    let slice = rope.line(line);
    let mut len = slice.len_chars();
    if len > 0 && slice.char(len - 1) == '\n' {
        len -= 1;
        if len > 0 && slice.char(len - 1) == '\r' {
            len -= 1;
        }
    } else if len > 0 && slice.char(len - 1) == '\r' {
        len -= 1;
    }
    start + len
}

/// The char index of an LSP position (UTF-16 columns). Positions past the end of a line mean the end
/// of that line; positions past the last line mean the end of the document (as the spec asks).
pub fn position_to_char(rope: &Rope, pos: Position) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let start = rope.line_to_char(line);
    let end = line_content_end(rope, line);
    let start_cu = rope.char_to_utf16_cu(start);
    let end_cu = rope.char_to_utf16_cu(end);
    let target = start_cu.saturating_add(pos.character as usize).min(end_cu);
    rope.utf16_cu_to_char(target).clamp(start, end)
}

/// The byte offset of an LSP position.
pub fn position_to_byte(rope: &Rope, pos: Position) -> usize {
    rope.char_to_byte(position_to_char(rope, pos))
}

/// The LSP position of a char index (clamped to the document).
pub fn char_to_position(rope: &Rope, char_idx: usize) -> Position {
    let c = char_idx.min(rope.len_chars());
    let line = rope.char_to_line(c);
    let line_start = rope.line_to_char(line);
    let col = rope.char_to_utf16_cu(c) - rope.char_to_utf16_cu(line_start);
    Position::new(to_u32(line), to_u32(col))
}

/// The LSP position of a byte offset (clamped to the document; inside a character means its start).
pub fn byte_to_position(rope: &Rope, byte: usize) -> Position {
    let b = byte.min(rope.len_bytes());
    char_to_position(rope, rope.byte_to_char(b))
}

pub fn span_to_range(rope: &Rope, span: Span) -> Range {
    Range::new(
        byte_to_position(rope, span.start),
        byte_to_position(rope, span.end.max(span.start)),
    )
}

pub fn range_to_span(rope: &Rope, range: Range) -> Span {
    let start = position_to_byte(rope, range.start);
    let end = position_to_byte(rope, range.end);
    Span::new(start.min(end), start.max(end))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
    }
}

/// The documentation address of every rule, `<docs base>#<rule-id>`, built once per server (a
/// diagnostic's `codeDescription` is then a clone, not a URL parse).
#[derive(Debug, Clone, Default)]
pub struct RuleDocs {
    base: String,
    by_rule: std::collections::HashMap<&'static str, Uri>,
}

impl RuleDocs {
    /// The addresses under `docs_base` (empty: no links).
    pub fn new(docs_base: &str) -> RuleDocs {
        let by_rule = claimls_rules::all()
            .into_iter()
            .filter_map(|r| Some((r.id, rule_href(docs_base, r.id)?)))
            .collect();
        RuleDocs {
            base: docs_base.to_string(),
            by_rule,
        }
    }

    /// The address of a rule's documentation (built here only for an id the registry lacks).
    pub fn href(&self, rule: &str) -> Option<Uri> {
        match self.by_rule.get(rule) {
            Some(uri) => Some(uri.clone()),
            None => rule_href(&self.base, rule),
        }
    }
}

/// The documentation address of a rule: `<docs base>#<rule-id>`.
pub fn rule_href(docs_base: &str, rule: &str) -> Option<Uri> {
    if docs_base.is_empty() {
        return None;
    }
    Uri::from_str(&format!("{docs_base}#{rule}")).ok()
}

/// Which optional diagnostic fields the client declared it reads
/// (`textDocument.publishDiagnostics`): a publish carries a field only for a client that declared
/// support for it, as the LSP specification asks. The findings' fixes are never carried in a
/// diagnostic (`data`): `textDocument/codeAction` rebuilds them from the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DiagnosticManners {
    /// `relatedInformation` (the other places a finding names).
    pub related_information: bool,
    /// `codeDescription` (the link to the rule's documentation).
    pub code_description: bool,
}

impl DiagnosticManners {
    /// Every field: what a code action's `diagnostics` carry, whatever the client declared, so a
    /// code action answer does not depend on the publish capabilities.
    pub const ALL: DiagnosticManners = DiagnosticManners {
        related_information: true,
        code_description: true,
    };

    /// What `caps` declare for `textDocument.publishDiagnostics` (a capability left out is not
    /// supported).
    pub fn of(caps: &tower_lsp_server::ls_types::ClientCapabilities) -> DiagnosticManners {
        let publish = caps
            .text_document
            .as_ref()
            .and_then(|t| t.publish_diagnostics.as_ref());
        DiagnosticManners {
            related_information: publish.and_then(|p| p.related_information).unwrap_or(false),
            code_description: publish
                .and_then(|p| p.code_description_support)
                .unwrap_or(false),
        }
    }
}

/// A finding as an LSP diagnostic: rule id as `code`, its documentation as `codeDescription`, the
/// related places as `relatedInformation` (each only when `manners` allow it), `source: "claimls"`.
pub fn diagnostic(
    rope: &Rope,
    uri: &Uri,
    docs: &RuleDocs,
    finding: &Finding,
    manners: DiagnosticManners,
) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = if manners.related_information {
        finding
            .related
            .iter()
            .map(|r| DiagnosticRelatedInformation {
                location: Location::new(uri.clone(), span_to_range(rope, r.span)),
                message: r.message.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let code_description = if manners.code_description {
        docs.href(finding.rule).map(|href| CodeDescription { href })
    } else {
        None
    };
    Diagnostic {
        range: span_to_range(rope, finding.span),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.rule.to_string())),
        code_description,
        source: Some("claimls".to_string()),
        message: finding.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// One claim's diagnostics, converted and serialised once, with their lines counted from the
/// claim's first line. Claims start at the start of a line, so columns do not depend on where the
/// claim is: publishing a claim that moved only writes other line numbers ([`write_at`]).
///
/// [`write_at`]: ClaimDiagnostics::write_at
#[derive(Debug, Default)]
pub struct ClaimDiagnostics {
    /// The diagnostics as JSON objects, comma-separated, with the relative line numbers in them.
    json: String,
    /// Where a line number is in `json` (byte range) and its relative value.
    lines: Vec<(std::ops::Range<usize>, u32)>,
    /// How many diagnostics.
    pub count: usize,
}

impl ClaimDiagnostics {
    /// Convert the findings of one claim (spans relative to the claim text `claim`), with the fields
    /// `manners` allow.
    pub fn new(
        claim: &str,
        uri: &Uri,
        docs: &RuleDocs,
        findings: &[Finding],
        manners: DiagnosticManners,
    ) -> ClaimDiagnostics {
        if findings.is_empty() {
            return ClaimDiagnostics::default();
        }
        let rope = Rope::from_str(claim);
        let mut json = String::new();
        for (i, f) in findings.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            let d = diagnostic(&rope, uri, docs, f, manners);
            // Serialising a Diagnostic cannot fail: every field is a string, number or list of them.
            json.push_str(&serde_json::to_string(&d).unwrap_or_default());
        }
        // `"line":` is only ever a key here: inside a JSON string every quote is escaped.
        const KEY: &str = "\"line\":";
        let mut lines = Vec::new();
        let mut at = 0;
        while let Some(i) = json[at..].find(KEY) {
            let start = at + i + KEY.len();
            let end = start + json[start..].bytes().take_while(u8::is_ascii_digit).count();
            let line = json[start..end].parse().unwrap_or(0);
            lines.push((start..end, line));
            at = end;
        }
        ClaimDiagnostics {
            json,
            lines,
            count: findings.len(),
        }
    }

    /// How many bytes [`write_at`](ClaimDiagnostics::write_at) appends for `first_line`.
    pub fn len_at(&self, first_line: u32) -> usize {
        let renumbered: usize = self
            .lines
            .iter()
            .map(|(range, line)| decimal_len(line.saturating_add(first_line)) - range.len())
            .sum();
        self.json.len() + renumbered
    }

    /// Append the diagnostics, for a claim whose first line is `first_line`, to `out`.
    pub fn write_at(&self, first_line: u32, out: &mut Vec<u8>) {
        let mut at = 0;
        for (range, line) in &self.lines {
            out.extend_from_slice(&self.json.as_bytes()[at..range.start]);
            push_decimal(line.saturating_add(first_line), out);
            at = range.end;
        }
        out.extend_from_slice(&self.json.as_bytes()[at..]);
    }
}

/// How many digits `n` has in decimal.
fn decimal_len(n: u32) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// Append `n` in decimal (no allocation).
fn push_decimal(n: u32, out: &mut Vec<u8>) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// A finished, framed `textDocument/publishDiagnostics` message: the claims' diagnostics (each with
/// the line its claim starts on), in document order. The body's length is counted first, so the
/// frame is written once into a buffer of its exact size (no copy of the body behind its header).
pub fn publish_frame<'a>(
    uri: &Uri,
    version: Option<i32>,
    claims: impl IntoIterator<Item = (u32, &'a ClaimDiagnostics)>,
) -> Vec<u8> {
    const HEAD: &[u8] =
        br#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"#;
    let claims: Vec<(u32, &ClaimDiagnostics)> =
        claims.into_iter().filter(|(_, c)| c.count > 0).collect();
    // A string always serialises.
    let uri_json = serde_json::to_vec(uri.as_str()).unwrap_or_default();
    let version = version.map(|v| format!(r#","version":{v}"#));
    let commas = claims.len().saturating_sub(1);
    let body_len = HEAD.len()
        + uri_json.len()
        + br#","diagnostics":["#.len()
        + claims.iter().map(|(l, c)| c.len_at(*l)).sum::<usize>()
        + commas
        + 1
        + version.as_ref().map_or(0, String::len)
        + 2;
    let header = format!("Content-Length: {body_len}\r\n\r\n");
    let mut frame = Vec::with_capacity(header.len() + body_len);
    frame.extend_from_slice(header.as_bytes());
    frame.extend_from_slice(HEAD);
    frame.extend_from_slice(&uri_json);
    frame.extend_from_slice(br#","diagnostics":["#);
    for (i, (line, claim)) in claims.iter().enumerate() {
        if i > 0 {
            frame.push(b',');
        }
        claim.write_at(*line, &mut frame);
    }
    frame.push(b']');
    if let Some(v) = &version {
        frame.extend_from_slice(v.as_bytes());
    }
    frame.extend_from_slice(b"}}");
    debug_assert_eq!(frame.len(), header.len() + body_len);
    frame
}

pub fn text_edit(rope: &Rope, edit: &Edit) -> TextEdit {
    TextEdit::new(span_to_range(rope, edit.span), edit.new_text.clone())
}

/// The protocol code actions of `actions` (quick fixes, with the diagnostic each one fixes).
pub fn code_actions(
    rope: &Rope,
    uri: &Uri,
    docs: &RuleDocs,
    actions: Vec<super::actions::Action>,
) -> Vec<CodeActionOrCommand> {
    actions
        .into_iter()
        .map(|a| {
            let edits = a.edits.iter().map(|e| text_edit(rope, e)).collect();
            let mut changes = std::collections::HashMap::new();
            changes.insert(uri.clone(), edits);
            CodeActionOrCommand::CodeAction(CodeAction {
                title: a.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: a
                    .finding
                    .map(|f| vec![diagnostic(rope, uri, docs, &f, DiagnosticManners::ALL)]),
                edit: Some(WorkspaceEdit {
                    changes: Some(changes),
                    ..Default::default()
                }),
                is_preferred: Some(a.preferred),
                ..Default::default()
            })
        })
        .collect()
}

/// What the client's declared capabilities change in what the features send.
pub fn client_manners(
    caps: &tower_lsp_server::ls_types::ClientCapabilities,
) -> crate::snapshot::ClientManners {
    use tower_lsp_server::ls_types::MarkupKind;
    let text = caps.text_document.as_ref();
    let wants_markdown = |formats: Option<&Vec<MarkupKind>>| {
        formats.is_none_or(|f| f.is_empty() || f.contains(&MarkupKind::Markdown))
    };
    let item = text
        .and_then(|t| t.completion.as_ref())
        .and_then(|c| c.completion_item.as_ref());
    crate::snapshot::ClientManners {
        hover_markdown: wants_markdown(
            text.and_then(|t| t.hover.as_ref())
                .and_then(|h| h.content_format.as_ref()),
        ),
        completion_markdown: wants_markdown(item.and_then(|i| i.documentation_format.as_ref())),
        snippets: item.and_then(|i| i.snippet_support).unwrap_or(true),
        diagnostics: DiagnosticManners::of(caps),
    }
}

/// Documentation text in the client's format: markdown as written, or plain text (no emphasis, code
/// marks or heading marks; a link as its text and address).
pub fn markup(markdown: String, as_markdown: bool) -> tower_lsp_server::ls_types::MarkupContent {
    use tower_lsp_server::ls_types::{MarkupContent, MarkupKind};
    if as_markdown {
        return MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        };
    }
    let mut value = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        let line = line.trim_start_matches('#').trim_start_matches(' ');
        let line = if line.chars().all(|c| c == '-' || c == '_' || c == '*') && !line.is_empty() {
            ""
        } else {
            line
        };
        let mut rest = line.replace("**", "").replace('`', "");
        // [text](address) -> text (address)
        while let Some(open) = rest.find('[') {
            let Some(close) = rest[open..].find("](").map(|i| open + i) else {
                break;
            };
            let Some(end) = rest[close..].find(')').map(|i| close + i) else {
                break;
            };
            let text = rest[open + 1..close].to_string();
            let addr = rest[close + 2..end].to_string();
            rest.replace_range(open..=end, &format!("{text} ({addr})"));
        }
        value.push_str(&rest);
        value.push('\n');
    }
    MarkupContent {
        kind: MarkupKind::PlainText,
        value: value.trim_end().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn astral_characters_count_two_utf16_units() {
        let rope = Rope::from_str("a😀b\nxy");
        // "a" = 1 cu, "😀" = 2 cu: "b" starts at column 3.
        assert_eq!(position_to_char(&rope, Position::new(0, 3)), 2);
        assert_eq!(char_to_position(&rope, 2), Position::new(0, 3));
        assert_eq!(byte_to_position(&rope, 5), Position::new(0, 3));
        // Inside the surrogate pair: the character's start.
        assert_eq!(position_to_char(&rope, Position::new(0, 2)), 1);
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let rope = Rope::from_str("ab\r\ncd");
        assert_eq!(position_to_char(&rope, Position::new(0, 99)), 2);
        assert_eq!(
            position_to_char(&rope, Position::new(9, 0)),
            rope.len_chars()
        );
        assert_eq!(position_to_char(&rope, Position::new(1, 1)), 5);
        assert_eq!(byte_to_position(&rope, 999), Position::new(1, 2));
    }

    #[test]
    fn lone_carriage_returns_break_lines_but_unicode_separators_do_not() {
        let rope = Rope::from_str("a\rb\u{2028}c\nd");
        assert_eq!(rope.len_lines(), 3);
        assert_eq!(char_to_position(&rope, 6), Position::new(2, 0));
    }
}
