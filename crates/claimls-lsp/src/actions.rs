//! Quick fixes: every finding's fix and alternatives, offered where its range meets the requested
//! one. The fix text comes from the rule that found the problem.

use super::convert;
use super::server::Snapshot;
use claimls_model::Span;
use std::collections::HashMap;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Range, Uri, WorkspaceEdit,
};

pub fn quick_fixes(
    snap: &Snapshot,
    uri: &Uri,
    docs_base: &str,
    range: Range,
) -> Vec<CodeActionOrCommand> {
    let wanted = convert::range_to_span(&snap.rope, range);
    let touches = |s: Span| s.start <= wanted.end && wanted.start <= s.end;
    let mut out = Vec::new();
    let chunks = super::analysis::chunks_over(&snap.checker, &snap.text, wanted.start..wanted.end);
    let findings = super::analysis::Analysis { chunks }.findings();
    for finding in findings {
        if !touches(finding.span) {
            continue;
        }
        // The one right fix first (preferred), then the alternatives the coder chooses from.
        let fixes = finding.fix.iter().map(|f| (f, true));
        let fixes = fixes.chain(finding.alternatives.iter().map(|f| (f, false)));
        for (fix, preferred) in fixes {
            let edits = fix
                .edits
                .iter()
                .map(|e| convert::text_edit(&snap.rope, e))
                .collect();
            let mut changes = HashMap::new();
            changes.insert(uri.clone(), edits);
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![convert::diagnostic(
                    &snap.rope, uri, docs_base, &finding,
                )]),
                edit: Some(WorkspaceEdit {
                    changes: Some(changes),
                    ..Default::default()
                }),
                is_preferred: Some(preferred),
                ..Default::default()
            }));
        }
    }
    out
}
