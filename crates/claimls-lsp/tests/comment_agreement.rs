//! Every reader of the notation agrees on where a comment ends: at `\n` or `\r` and nowhere else.
//! The grammar (tree-sitter, with its scanner), the lowering, the formatter and the editor's reading
//! of a line are asked about `line J1745 # c<ch> THE FILE` for every ASCII character and a few others: the
//! comment runs to the end of the line, so `THE` and `FILE` are never modifiers.

use claimls_lsp::format::format_text;
use claimls_lsp::statement::Role;

/// Every character but the line breaks: all of ASCII, and Unicode ones that some readers take for
/// line breaks or blanks.
fn characters() -> Vec<char> {
    (0u8..=0x7f)
        .map(char::from)
        .chain([
            '\u{85}', '\u{a0}', '\u{2028}', '\u{2029}', '\u{feff}', 'é', '😀',
        ])
        .filter(|c| !matches!(c, '\n' | '\r'))
        .collect()
}

#[test]
fn the_grammar_ends_a_comment_only_at_a_line_break() {
    for ch in characters() {
        let line = format!("line J1745 # c{ch} THE FILE");
        let text = format!("{line}\nline J1745 units 1\n");
        let tree = claimls_syntax::parse(&text);
        let root = tree.root_node();
        let comment = (0..root.named_child_count())
            .filter_map(|i| root.named_child(i as u32))
            .flat_map(|n| {
                let mut c = n.walk();
                let kids: Vec<_> = n.named_children(&mut c).collect();
                std::iter::once(n).chain(kids)
            })
            .find(|n| n.kind() == "comment")
            .unwrap_or_else(|| panic!("{ch:?}: no comment in {}", root.to_sexp()));
        assert_eq!(
            (comment.start_byte(), comment.end_byte()),
            (11, line.len()),
            "{ch:?}: {}",
            root.to_sexp()
        );
        assert!(!root.has_error(), "{ch:?}: {}", root.to_sexp());
    }
}

#[test]
fn the_lowering_reads_no_modifier_from_a_comment() {
    for ch in characters() {
        let text = format!("claim A\n  line J1745 # c{ch} THE FILE\n  line J1745 units 1\n");
        let doc = claimls_syntax::document(&text);
        let lines = &doc.claims[0].lines;
        assert_eq!(lines.len(), 2, "{ch:?}");
        assert!(
            lines[0].modifiers.is_empty(),
            "{ch:?}: {:?}",
            lines[0].modifiers
        );
        assert_eq!(lines[0].code.value, "J1745");
    }
}

#[test]
fn the_editor_reading_and_the_formatter_keep_the_whole_comment() {
    for ch in characters() {
        let line = format!("  line J1745 # c{ch} THE FILE");
        let read = claimls_syntax::reading::read(&line);
        let st = &read[0].statement;
        let last = st.tokens.last().expect("tokens");
        assert_eq!(last.role, Role::Comment, "{ch:?}");
        assert_eq!(
            &line[last.range.clone()],
            format!("# c{ch} THE FILE"),
            "{ch:?}"
        );
        assert_eq!(
            st.tokens.iter().filter(|t| t.role != Role::Comment).count(),
            2,
            "{ch:?}: only `line J1745` is code"
        );
        let text = format!("claim A\n{line}\n");
        let out = format_text(&text);
        assert!(
            out.contains(&format!("# c{ch} THE FILE\n")),
            "{ch:?}: {out:?}"
        );
    }
}
