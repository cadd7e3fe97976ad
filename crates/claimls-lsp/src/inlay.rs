//! Inlay hints: the amount a `units` value stands for (`= 600 mg`, from `rules::units_amount`) and the
//! short descriptor after a billed code, cut to [`HINT_CHARS`] characters.

use super::context::lex_lines;
use super::convert;
use super::snapshot::Snapshot;
use super::statement::Role;
use claimls_model::Decimal;
use tower_lsp_server::ls_types::{InlayHint, InlayHintKind, InlayHintLabel, Range};

/// The most characters a code's hint shows: a hint sits before the line's comment and must not push it
/// off screen (the hover has the whole descriptor). 28 is the length of the official HCPCS short
/// descriptor, which the imported data gives; a longer curated descriptor is cut.
pub const HINT_CHARS: usize = 28;

/// `text` cut to [`HINT_CHARS`] at a word boundary, with `…` when cut.
fn short_label(text: &str) -> String {
    if text.chars().count() <= HINT_CHARS {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        let next = if out.is_empty() {
            word.to_string()
        } else {
            format!("{out} {word}")
        };
        if next.chars().count() + 1 > HINT_CHARS {
            break;
        }
        out = next;
    }
    if out.is_empty() {
        out = text.chars().take(HINT_CHARS - 1).collect();
    }
    let out = out.trim_end_matches([',', ';', ':']).to_string();
    format!("{out}…")
}

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
        let short = short_label(
            code.short_description
                .as_deref()
                .unwrap_or(&code.description),
        );
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
