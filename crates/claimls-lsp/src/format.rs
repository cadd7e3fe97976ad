//! Formatting: the conventional indentation (0 for `claim`, 2 under it, 4 under `admin`), one space
//! between tokens, the `units` clauses of consecutive `line`s aligned, and trailing comments of a
//! claim aligned. Only whitespace changes: every token is written back as it was (the tokens are the
//! engine's reading, `claimls_syntax::reading`, of the same tree the syntax errors come from), so no
//! value can change. Formatting twice changes nothing.
//!
//! A line the grammar reads with a syntax error (an ERROR or MISSING node touches it) is left exactly
//! as written: tree-sitter's recovery depends on spacing, so even whitespace could change what such
//! a line means (`vial 1 m  0 mg` reads as no vial, `vial 1 mg` as a 1 mg vial). The tests hold
//! that lowering before and after formatting gives the same values, for the corpus and for
//! generated input (`tests/format_values.rs`). So is a line with any character between its tokens
//! that is not a space or a tab (a form feed, a byte order mark): the grammar skips it as a blank, the
//! formatter would drop it.

use super::convert;
use super::snapshot::Snapshot;
use super::statement::{Role, Statement, is_detail};
use claimls_model::Span;
use tower_lsp_server::ls_types::TextEdit;

/// Lines with their line break (`\n`, `\r\n` or none at the end), as the grammar reads them.
fn split_lines(text: &str) -> Vec<(&str, &str)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                out.push((&text[start..i], &text[i..i + 1]));
                i += 1;
                start = i;
            }
            // A lone CR is a blank to the grammar, not a line end: it stays inside the line (and
            // such a line is left as written).
            b'\r' if b.get(i + 1) == Some(&b'\n') => {
                out.push((&text[start..i], &text[i..i + 2]));
                i += 2;
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < b.len() {
        out.push((&text[start..], ""));
    }
    out
}

enum Shape<'a> {
    Blank,
    /// Left exactly as written.
    Verbatim(&'a str),
    CommentOnly(&'a str),
    Statement {
        keyword: &'a str,
        indent: usize,
        head: String,
        rest: String,
        comment: Option<&'a str>,
    },
}

/// `a b , c` → `a b,c`: one space between tokens, none around commas.
fn join(line: &str, st: &Statement, from: usize, to: usize) -> String {
    let mut out = String::new();
    let mut prev_comma = false;
    for t in st.tokens[from..to]
        .iter()
        .filter(|t| t.role != Role::Comment)
    {
        let comma = t.role == Role::Comma;
        if !out.is_empty() && !comma && !prev_comma {
            out.push(' ');
        }
        out.push_str(&line[t.range.clone()]);
        prev_comma = comma;
    }
    out
}

/// The byte ranges of the tree's ERROR and MISSING nodes (outermost ones).
fn error_ranges(tree: &claimls_syntax::Tree) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            out.push((node.start_byte(), node.end_byte()));
        } else if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

/// Whether every byte of `line` outside its tokens is a space or a tab.
fn only_blanks_between(line: &str, st: &Statement) -> bool {
    let mut at = 0;
    for t in &st.tokens {
        if line
            .get(at..t.range.start)
            .is_none_or(|gap| !gap.bytes().all(|b| b == b' ' || b == b'\t'))
        {
            return false;
        }
        at = t.range.end;
    }
    line.get(at..)
        .is_some_and(|rest| rest.bytes().all(|b| b == b' ' || b == b'\t'))
}

/// The formatted text. A text with a lone carriage return is returned as it is: the notation does not
/// read `\r` alone as a line end (a syntax error says so), so where its lines are is not certain.
pub fn format_text(text: &str) -> String {
    let lone_cr = text
        .bytes()
        .zip(text.bytes().skip(1).chain(std::iter::once(b'\n')))
        .any(|(a, b)| a == b'\r' && b != b'\n');
    if lone_cr {
        return text.to_string();
    }
    let lines = split_lines(text);
    let Some(tree) = super::document::parse_fresh(text) else {
        // No parser: nothing can be known about errors, so nothing is formatted.
        return text.to_string();
    };
    let errors = error_ranges(&tree);
    let read = claimls_syntax::reading::read_tree(&tree, text);
    if read.len() != lines.len() {
        // Both split at `\n` (no lone CR is left here); were they ever to differ, change nothing.
        return text.to_string();
    }
    let mut shapes: Vec<Shape<'_>> = Vec::with_capacity(lines.len());
    let mut claim_of: Vec<usize> = Vec::with_capacity(lines.len());
    let (mut in_claim, mut in_admin, mut claim_no) = (false, false, 0usize);
    let mut line_start = 0;
    for ((content, ending), reading) in lines.iter().zip(read) {
        let (start, end) = (line_start, line_start + content.len());
        line_start = end + ending.len();
        let st = reading.statement;
        let broken = errors.iter().any(|&(s, e)| s <= end && e >= start)
            || content.contains('\r')
            || !only_blanks_between(content, &st);
        let shape = match st.tokens.first() {
            _ if broken => Shape::Verbatim(content),
            None => Shape::Blank,
            Some(t) if t.role == Role::Comment => Shape::CommentOnly(&content[t.range.clone()]),
            Some(t) if t.role != Role::Keyword => Shape::Verbatim(content),
            Some(t) => {
                let keyword = &content[t.range.clone()];
                let indent = match keyword {
                    "claim" => {
                        in_claim = true;
                        in_admin = false;
                        claim_no += 1;
                        0
                    }
                    "admin" => {
                        in_admin = true;
                        if in_claim { 2 } else { 0 }
                    }
                    k if is_detail(k) && in_admin => 4,
                    k if is_detail(k) => {
                        if in_claim {
                            2
                        } else {
                            0
                        }
                    }
                    _ => {
                        in_admin = false;
                        if in_claim { 2 } else { 0 }
                    }
                };
                let comment = st
                    .tokens
                    .last()
                    .filter(|t| t.role == Role::Comment)
                    .map(|t| &content[t.range.clone()]);
                // A billed line's head is `line <code> <modifiers>`; the clauses follow.
                let split = if keyword == "line" {
                    st.tokens
                        .iter()
                        .position(|t| t.role == Role::Clause || t.role == Role::Comment)
                        .unwrap_or(st.tokens.len())
                } else {
                    st.tokens.len()
                };
                Shape::Statement {
                    keyword,
                    indent,
                    head: join(content, &st, 0, split),
                    rest: join(content, &st, split, st.tokens.len()),
                    comment,
                }
            }
        };
        shapes.push(shape);
        claim_of.push(claim_no);
    }
    // Align the clauses of consecutive billed lines.
    let mut i = 0;
    while i < shapes.len() {
        let is_line = |s: &Shape<'_>| {
            matches!(
                s,
                Shape::Statement {
                    keyword: "line",
                    ..
                }
            )
        };
        if !is_line(&shapes[i]) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < shapes.len() && is_line(&shapes[j]) {
            j += 1;
        }
        let width = shapes[i..j]
            .iter()
            .map(|s| match s {
                Shape::Statement { head, .. } => head.chars().count(),
                _ => 0,
            })
            .max()
            .unwrap_or(0);
        for s in &mut shapes[i..j] {
            if let Shape::Statement { head, rest, .. } = s
                && !rest.is_empty()
            {
                let pad = width - head.chars().count();
                head.extend(std::iter::repeat_n(' ', pad));
            }
        }
        i = j;
    }
    let body = |indent: usize, head: &str, rest: &str| {
        let mut s = " ".repeat(indent);
        s.push_str(head);
        if !rest.is_empty() {
            s.push(' ');
            s.push_str(rest);
        }
        s
    };
    // Trailing comments of a claim start in one column.
    let mut column: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for (k, s) in shapes.iter().enumerate() {
        if let Shape::Statement {
            indent,
            head,
            rest,
            comment: Some(_),
            ..
        } = s
        {
            let w = body(*indent, head, rest).chars().count() + 2;
            let c = column.entry(claim_of[k]).or_insert(0);
            *c = (*c).max(w);
        }
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut pending_comments: Vec<usize> = Vec::new();
    let mut rendered: Vec<String> = Vec::with_capacity(shapes.len());
    let mut last_indent = 0;
    for (k, s) in shapes.iter().enumerate() {
        let r = match s {
            Shape::Blank => String::new(),
            Shape::Verbatim(v) => (*v).to_string(),
            Shape::CommentOnly(c) => {
                pending_comments.push(k);
                (*c).to_string()
            }
            Shape::Statement {
                indent,
                head,
                rest,
                comment,
                ..
            } => {
                // Comment-only lines take the indentation of the statement they precede.
                for p in pending_comments.drain(..) {
                    rendered[p] = format!("{}{}", " ".repeat(*indent), rendered[p]);
                }
                last_indent = *indent;
                let mut b = body(*indent, head, rest);
                if let Some(c) = comment {
                    let col = column.get(&claim_of[k]).copied().unwrap_or(0);
                    let w = b.chars().count();
                    b.extend(std::iter::repeat_n(' ', col.saturating_sub(w).max(1)));
                    b.push_str(c);
                }
                b
            }
        };
        rendered.push(r);
    }
    for p in pending_comments {
        rendered[p] = format!("{}{}", " ".repeat(last_indent), rendered[p]);
    }
    for (r, (_, ending)) in rendered.iter().zip(&lines) {
        out.push_str(r);
        out.push_str(ending);
    }
    out
}

/// The edits that format a document: none when it is already formatted.
pub fn edits(snap: &Snapshot) -> Vec<TextEdit> {
    let formatted = format_text(&snap.text);
    if formatted == *snap.text {
        return Vec::new();
    }
    vec![TextEdit::new(
        convert::span_to_range(&snap.rope, Span::new(0, snap.text.len())),
        formatted,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSY: &str = "# intro\nclaim IFX-1\npayer   commercial \"Acme  Health\"\n      dx A K50.90    # crohn\n admin infliximab\ndose 350 mg\n        vial 100 mg x4 # four\n   waste 50 mg witness \"K. Ortiz, RN\"\n  line J1745 units 35 dx A , B\nline J1745 JW units 5 dx A\r\n    line 96413 units 1\n  garbage  here  \n\n  # about the lines\n  line 96415   units 1\n";

    #[test]
    fn conventional_indentation_and_aligned_columns() {
        let out = format_text(MESSY);
        let expected = "# intro\nclaim IFX-1\n  payer commercial \"Acme  Health\"\n  dx A K50.90       # crohn\n  admin infliximab\n    dose 350 mg\n    vial 100 mg x4  # four\n    waste 50 mg witness \"K. Ortiz, RN\"\n  line J1745    units 35 dx A,B\n  line J1745 JW units 5 dx A\r\n  line 96413    units 1\n  garbage  here  \n\n  # about the lines\n  line 96415 units 1\n";
        assert_eq!(out, expected);
    }

    #[test]
    fn formatting_is_idempotent() {
        let once = format_text(MESSY);
        assert_eq!(format_text(&once), once);
    }

    #[test]
    fn formatting_keeps_every_token() {
        let tokens = |t: &str| -> Vec<String> {
            claimls_syntax::reading::read(t)
                .iter()
                .flat_map(|l| {
                    l.statement
                        .tokens
                        .iter()
                        .map(|tok| l.text[tok.range.clone()].to_string())
                })
                .collect()
        };
        let out = format_text(MESSY);
        assert_eq!(tokens(&out), tokens(MESSY));
    }

    #[test]
    fn lone_carriage_returns_stay_line_breaks() {
        assert_eq!(
            format_text("claim A\r\npos 11\r\n"),
            "claim A\r\n  pos 11\r\n"
        );
        // The grammar reads a lone CR as a blank, not a line end: `claim A\rpos 11` is one broken
        // statement to it, so a line holding one is left as written.
        assert_eq!(format_text("claim A\rpos 11\r"), "claim A\rpos 11\r");
        assert_eq!(format_text("claim A\n pos 11\r"), "claim A\n pos 11\r");
    }
}
