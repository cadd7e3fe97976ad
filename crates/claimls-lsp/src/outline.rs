//! The document's outline: symbols (claims → admins and lines), folding ranges (claims and admin
//! blocks), and go to definition from a `dx` pointer to its `dx` statement.

use super::analysis::claim_ranges;
use super::context::{ClaimContext, LexedLine, drug_name, lex_lines};
use super::convert;
use super::snapshot::Snapshot;
use super::statement::{Role, is_detail};
use claimls_model::Span;
use tower_lsp_server::ls_types::{
    DocumentSymbol, FoldingRange, FoldingRangeKind, Position, Range, SymbolKind,
};

/// The end of the last non-blank, non-comment-only line of `lines`, as a document byte offset.
fn content_end(lines: &[LexedLine<'_>]) -> Option<usize> {
    lines
        .iter()
        .rev()
        .find(|l| l.statement.words().next().is_some())
        .map(|l| l.start + l.text.trim_end().len())
}

fn first_col(l: &LexedLine<'_>) -> usize {
    l.start
        + l.statement
            .tokens
            .first()
            .map(|t| t.range.start)
            .unwrap_or(0)
}

/// An `admin` block: the index of its `admin` line and of its last detail line.
fn admin_blocks(lines: &[LexedLine<'_>]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (i, l) in lines.iter().enumerate() {
        match l.keyword() {
            Some("admin") => {
                out.extend(open.take());
                open = Some((i, i));
            }
            Some(k) if is_detail(k) => {
                if let Some((_, last)) = &mut open {
                    *last = i;
                }
            }
            Some(_) => out.extend(open.take()),
            None => {}
        }
    }
    out.extend(open);
    out
}

#[allow(deprecated)]
fn symbol(
    snap: &Snapshot,
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: Span,
    selection: Span,
    children: Option<Vec<DocumentSymbol>>,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: convert::span_to_range(&snap.rope, range),
        selection_range: convert::span_to_range(&snap.rope, selection),
        children,
    }
}

pub fn symbols(snap: &Snapshot) -> Vec<DocumentSymbol> {
    let text = &*snap.text;
    let mut out = Vec::new();
    for range in claim_ranges(text) {
        let lines = lex_lines(text, range.clone());
        let Some(head) = lines.first().filter(|l| l.keyword() == Some("claim")) else {
            continue;
        };
        let id_tok = head.values().next();
        let id = id_tok.map(|t| head.token_text(t)).unwrap_or("(no id)");
        let selection = id_tok
            .map(|t| head.absolute(t))
            .unwrap_or(first_col(head)..first_col(head) + 5);
        let end = content_end(&lines).unwrap_or(range.end);
        let mut children = Vec::new();
        let blocks = admin_blocks(&lines);
        for (i, l) in lines.iter().enumerate() {
            match l.keyword() {
                Some("admin") => {
                    let last = blocks
                        .iter()
                        .find(|(a, _)| *a == i)
                        .map(|(_, e)| *e)
                        .unwrap_or(i);
                    let drug = drug_name(l).unwrap_or_else(|| "(no drug)".to_string());
                    let block_end = content_end(&lines[i..=last]).unwrap_or(l.start + l.text.len());
                    let dose = lines[i..=last]
                        .iter()
                        .find(|d| d.keyword() == Some("dose"))
                        .map(|d| d.text.trim().trim_start_matches("dose").trim().to_string());
                    children.push(symbol(
                        snap,
                        format!("admin {drug}"),
                        dose,
                        SymbolKind::EVENT,
                        Span::new(first_col(l), block_end),
                        Span::new(first_col(l), l.start + l.text.trim_end().len()),
                        None,
                    ));
                }
                Some("line") => {
                    let code = l.value(Role::Code).unwrap_or("(no code)");
                    let mods: Vec<&str> = l
                        .values()
                        .filter(|t| t.role == Role::Modifier)
                        .map(|t| l.token_text(t))
                        .collect();
                    let name = std::iter::once(code)
                        .chain(mods.iter().copied())
                        .collect::<Vec<_>>()
                        .join(" ");
                    let units = l.value(Role::Units).map(|u| format!("units {u}"));
                    children.push(symbol(
                        snap,
                        format!("line {name}"),
                        units,
                        SymbolKind::FIELD,
                        Span::new(first_col(l), l.start + l.text.trim_end().len()),
                        Span::new(first_col(l), l.start + l.text.trim_end().len()),
                        None,
                    ));
                }
                _ => {}
            }
        }
        let payer = lines
            .iter()
            .find(|l| l.keyword() == Some("payer"))
            .and_then(|l| l.value(Role::PayerKind).map(str::to_string));
        out.push(symbol(
            snap,
            format!("claim {id}"),
            payer,
            SymbolKind::OBJECT,
            Span::new(first_col(head), end.max(first_col(head))),
            Span::new(selection.start, selection.end),
            Some(children),
        ));
    }
    out
}

pub fn folding_ranges(snap: &Snapshot) -> Vec<FoldingRange> {
    let text = &*snap.text;
    let mut out = Vec::new();
    let line_of = |b: usize| convert::byte_to_position(&snap.rope, b).line;
    let mut push = |start: usize, end: usize| {
        let (s, e) = (line_of(start), line_of(end));
        if e > s {
            out.push(FoldingRange {
                start_line: s,
                start_character: None,
                end_line: e,
                end_character: None,
                kind: Some(FoldingRangeKind::Region),
                collapsed_text: None,
            });
        }
    };
    for range in claim_ranges(text) {
        let lines = lex_lines(text, range.clone());
        if lines.first().and_then(|l| l.keyword()) != Some("claim") {
            continue;
        }
        if let Some(end) = content_end(&lines) {
            push(range.start, end);
        }
        for (a, e) in admin_blocks(&lines) {
            push(lines[a].start, lines[e].start);
        }
    }
    out
}

/// From a `dx` pointer on a line to the `dx` statement it names.
pub fn definition(snap: &Snapshot, pos: Position) -> Option<Range> {
    let offset = convert::position_to_byte(&snap.rope, pos);
    let claim = ClaimContext::at(&snap.text, offset);
    let line = claim.line_at(offset)?;
    let col = offset - line.start;
    let tok = line
        .statement
        .tokens
        .iter()
        .find(|t| t.range.start <= col && col <= t.range.end && t.role == Role::DxPointer)?;
    let word = line.token_text(tok);
    let target = claim.diagnoses().into_iter().find(|d| {
        d.code.eq_ignore_ascii_case(word)
            || claimls_data::icd10_key(&d.code) == claimls_data::icd10_key(word)
            || (word.len() == 1 && word.eq_ignore_ascii_case(&d.letter.to_string()))
    })?;
    Some(convert::span_to_range(
        &snap.rope,
        Span::new(target.statement.start, target.statement.end),
    ))
}
