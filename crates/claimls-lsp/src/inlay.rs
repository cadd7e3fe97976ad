//! Inlay hints: the amount a `units` value stands for (`= 600 mg`, from `rules::units_amount`) and the
//! short descriptor after a billed code.

use super::context::lex_lines;
use super::convert;
use super::snapshot::Snapshot;
use super::statement::Role;
use claimls_model::Decimal;
use tower_lsp_server::ls_types::{InlayHint, InlayHintKind, InlayHintLabel, Range};

pub fn hints(snap: &Snapshot, range: Range) -> Vec<InlayHint> {
    let span = convert::range_to_span(&snap.rope, range);
    let text = &*snap.text;
    // Whole lines covering the requested range.
    let start = text[..span.start.min(text.len())]
        .rfind('\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    let end = text[span.end.min(text.len())..]
        .find('\n')
        .map(|i| span.end + i + 1)
        .unwrap_or(text.len());
    let data = snap.data();
    let mut out = Vec::new();
    for line in lex_lines(text, start..end) {
        if line.keyword() != Some("line") {
            continue;
        }
        let Some(code_tok) = line.values().find(|t| t.role == Role::Code) else {
            continue;
        };
        let Some(code) = data.code(line.token_text(code_tok), None) else {
            continue;
        };
        let short = code
            .short_description
            .clone()
            .unwrap_or_else(|| code.description.chars().take(40).collect());
        out.push(InlayHint {
            position: convert::byte_to_position(&snap.rope, line.start + code_tok.range.end),
            label: InlayHintLabel::String(short),
            kind: None,
            text_edits: None,
            tooltip: None,
            padding_left: Some(true),
            padding_right: Some(false),
            data: None,
        });
        let Some(units_tok) = line.values().find(|t| t.role == Role::Units) else {
            continue;
        };
        let Ok(units) = line.token_text(units_tok).parse::<Decimal>() else {
            continue;
        };
        let Some(amount) = claimls_rules::units_amount(code, units) else {
            continue;
        };
        out.push(InlayHint {
            position: convert::byte_to_position(&snap.rope, line.start + units_tok.range.end),
            label: InlayHintLabel::String(amount),
            kind: Some(InlayHintKind::TYPE),
            text_edits: None,
            tooltip: None,
            padding_left: Some(true),
            padding_right: Some(false),
            data: None,
        });
    }
    out
}
