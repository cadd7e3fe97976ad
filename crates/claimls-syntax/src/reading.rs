//! The notation as the editor reads it: each line's tokens with the role they play, taken from the
//! tree-sitter parse that `claimls check` lowers (one parse per claim, as the checker does), so the
//! editor features — completion, hover, inlay hints, symbols, semantic tokens, formatting — and the
//! checker cannot disagree about what a line says.
//!
//! A token's role comes from its place in the tree: the statement node it belongs to and its field
//! (`line_statement` `code:` is the billed code, `units_clause` `value:` its units…). Keyword tokens are
//! anonymous nodes even inside an `ERROR` node, so a half-typed line (`line J2350 units 600 dx ▮`) still
//! shows its keywords. What the tree leaves uncovered on a broken line (bytes no token matched) is
//! still given as tokens of role [`Role::Other`] (or [`Role::String`] for an unclosed quote), so no text
//! is ever missing from a line's tokens.

use super::keywords;
use super::split::claim_range_at;
use std::ops::Range;
use tree_sitter::{Node, Tree};

/// What a token is, as far as the editor cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The statement keyword (`claim`, `admin`, `line`…).
    Keyword,
    /// A keyword inside a statement: `units`, `dx`, `ndc`, `charge`, `on` on a line; `from`/`to` on
    /// `auth`; `signed`/`unsigned`; `reason`/`witness`/`evidence`; `none`.
    Clause,
    ClaimId,
    PayerKind,
    PatientId,
    Npi,
    PlaceOfService,
    DxLetter,
    Diagnosis,
    AuthNumber,
    Outcome,
    /// A word of the drug name on `admin` (generic name, brand or a HCPCS code).
    Drug,
    Number,
    DoseUnit,
    Route,
    Ndc,
    Count,
    Date,
    Time,
    /// The billed code of a `line`.
    Code,
    Modifier,
    /// The number after `units` on a line.
    Units,
    /// A `dx` pointer on a line (a letter or an ICD-10-CM code).
    DxPointer,
    /// `ML`, `UN`, `GR`, `F2`, `ME` after an NDC quantity.
    NdcUnit,
    Charge,
    /// `,` between dx pointers.
    Comma,
    String,
    Comment,
    /// A token the tree does not place in a statement (the lowering reports what is wrong).
    Other,
}

/// One token: its byte range in its line and its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub range: Range<usize>,
    pub role: Role,
}

/// The tokens of one line, in order.
#[derive(Debug, Clone, Default)]
pub struct Statement {
    pub tokens: Vec<Token>,
}

impl Statement {
    /// The statement keyword, when the line starts with one.
    pub fn keyword<'a>(&self, line: &'a str) -> Option<&'a str> {
        self.tokens
            .first()
            .filter(|t| t.role == Role::Keyword)
            .and_then(|t| line.get(t.range.clone()))
    }

    /// The tokens that are not comments.
    pub fn words(&self) -> impl Iterator<Item = &Token> {
        self.tokens.iter().filter(|t| t.role != Role::Comment)
    }

    /// The token that contains byte `offset` or ends exactly at it.
    pub fn token_at(&self, offset: usize) -> Option<(usize, &Token)> {
        self.tokens
            .iter()
            .enumerate()
            .find(|(_, t)| t.range.start <= offset && offset <= t.range.end)
    }
}

/// One line of a text as read: where it starts, its text without the line break, its tokens.
#[derive(Debug, Clone)]
pub struct Line<'a> {
    /// Byte offset of the line start in the text.
    pub start: usize,
    /// The line without its line break (`\n` or `\r\n`).
    pub text: &'a str,
    pub statement: Statement,
}

/// Read every line of `text`, each claim parsed on its own as `claimls check` parses it.
pub fn read(text: &str) -> Vec<Line<'_>> {
    read_lines(text, 0..text.len())
}

/// Read the lines of `text` that start in `range` (a line start to a line end, usually a claim), each
/// claim they belong to parsed on its own as `claimls check` parses it. Offsets are in `text`.
pub fn read_lines(text: &str, range: Range<usize>) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let end = range.end.min(text.len());
    let mut at = range.start.min(end);
    loop {
        let claim = claim_range_at(text, at);
        let Some(piece) = text.get(claim.clone()) else {
            return out;
        };
        let tree = super::parse(piece);
        for line in read_piece(&tree, piece, claim.start) {
            if line.start >= range.start && line.start < end {
                out.push(line);
            }
        }
        if claim.end >= end || claim.end <= at {
            return out;
        }
        at = claim.end;
    }
}

/// Read every line of `text` from a tree parsed from the whole of it (the formatter reads the tree it
/// also takes the syntax errors from).
pub fn read_tree<'a>(tree: &Tree, text: &'a str) -> Vec<Line<'a>> {
    read_piece(tree, text, 0)
}

/// The lines of `piece` (parsed as `tree`), with offsets shifted by `base`.
fn read_piece<'a>(tree: &Tree, piece: &'a str, base: usize) -> Vec<Line<'a>> {
    let mut lines: Vec<Line<'a>> = Vec::new();
    let mut offset = 0;
    for raw in piece.split_inclusive('\n') {
        lines.push(Line {
            start: base + offset,
            text: raw.trim_end_matches(['\n', '\r']),
            statement: Statement::default(),
        });
        offset += raw.len();
    }
    let starts: Vec<usize> = lines.iter().map(|l| l.start - base).collect();
    let line_of = |byte: usize| starts.partition_point(|s| *s <= byte).saturating_sub(1);
    let mut leaves = Vec::new();
    collect_leaves(tree.root_node(), None, None, &mut leaves);
    for (range, role) in leaves {
        let Some(i) = (!lines.is_empty()).then(|| line_of(range.start)) else {
            break;
        };
        let line = &mut lines[i];
        let (from, to) = (range.start - starts[i], range.end - starts[i]);
        // A token never runs past its line (recovery can give an ERROR leaf a line break); what is
        // left of it is blank or read as uncovered text below.
        if to > line.text.len() || line.text.get(from..to).is_none() {
            continue;
        }
        line.statement.tokens.push(Token {
            range: from..to,
            role,
        });
    }
    for line in &mut lines {
        fill_gaps(line);
        promote_keyword(line);
        misspelt_clause(line);
    }
    lines
}

/// Depth-first, every leaf of the tree with its role: a leaf is a token (`word`, `number`, an anonymous
/// keyword, a comment). `parent` is the kind of the node holding it, `field` its field there.
fn collect_leaves(
    node: Node<'_>,
    parent: Option<Node<'_>>,
    field: Option<&str>,
    out: &mut Vec<(Range<usize>, Role)>,
) {
    if node.child_count() == 0 {
        if node.is_missing() || node.is_error() || node.start_byte() == node.end_byte() {
            return;
        }
        let role = role(node, parent, field);
        out.push((node.start_byte()..node.end_byte(), role));
        return;
    }
    let mut cursor = node.walk();
    if !cursor.goto_first_child() {
        return;
    }
    loop {
        let child = cursor.node();
        let child_field = cursor.field_name();
        if child.kind() == "drug_name" {
            // The words of a drug name are each a word of the drug.
            let mut words = child.walk();
            for word in child.children(&mut words) {
                if word.kind() == "word" && !word.is_missing() {
                    out.push((word.start_byte()..word.end_byte(), Role::Drug));
                } else {
                    collect_leaves(word, Some(child), None, out);
                }
            }
        } else {
            collect_leaves(child, Some(node), child_field, out);
        }
        if !cursor.goto_next_sibling() {
            return;
        }
    }
}

/// The role of a leaf from its statement, its field and its kind.
fn role(leaf: Node<'_>, parent: Option<Node<'_>>, field: Option<&str>) -> Role {
    let kind = leaf.kind();
    if kind == "comment" {
        return Role::Comment;
    }
    let parent = parent.map_or("", |p| p.kind());
    if !leaf.is_named() {
        if kind == "," {
            return Role::Comma;
        }
        // The keyword of a statement node is its first child, named like the node (`dose` of
        // `dose_statement`); every other anonymous word is a keyword inside a statement.
        return if parent.strip_suffix("_statement") == Some(kind) {
            Role::Keyword
        } else {
            Role::Clause
        };
    }
    let by_field = match (parent, field.unwrap_or("")) {
        ("claim_statement", "id") => Some(Role::ClaimId),
        ("payer_statement", "kind") => Some(Role::PayerKind),
        ("patient_statement", "id") => Some(Role::PatientId),
        ("provider_statement", "npi") => Some(Role::Npi),
        ("pos_statement", "code") => Some(Role::PlaceOfService),
        ("dx_statement", "letter") => Some(Role::DxLetter),
        ("dx_statement", "code") => Some(Role::Diagnosis),
        ("auth_statement", "number") => Some(Role::AuthNumber),
        ("history_statement", "outcome") => Some(Role::Outcome),
        ("dose_statement" | "vial_statement" | "waste_statement", "amount") => Some(Role::Number),
        ("dose_statement" | "vial_statement" | "waste_statement", "unit") => Some(Role::DoseUnit),
        // `admin "Solu-Medrol"`: a quoted drug is the drug, as the lowering reads it.
        ("admin_statement", "drug") => Some(Role::Drug),
        ("route_statement", "route") => Some(Role::Route),
        ("vial_statement" | "ndc_clause", "ndc") => Some(Role::Ndc),
        ("vial_statement", "count") => Some(Role::Count),
        ("line_statement", "code") => Some(Role::Code),
        ("line_statement", "modifier") => Some(Role::Modifier),
        ("units_clause", "value") => Some(Role::Units),
        ("dx_clause", "pointer") => Some(Role::DxPointer),
        ("ndc_clause", "quantity") => Some(Role::Number),
        ("ndc_clause", "unit") => Some(Role::NdcUnit),
        ("charge_clause", "amount") => Some(Role::Charge),
        _ => None,
    };
    by_field.unwrap_or(match kind {
        "string" => Role::String,
        "number" => Role::Number,
        "date" => Role::Date,
        "time" => Role::Time,
        "count" => Role::Count,
        _ => Role::Other,
    })
}

/// Tokens for the text of a line no tree token covers (on a broken line: bytes no token matched, a
/// quote never closed): blank-separated runs of role `Other`, a run from an opening quote to its
/// closing quote (or the line end) of role `String`.
fn fill_gaps(line: &mut Line<'_>) {
    let text = line.text;
    let mut covered: Vec<Range<usize>> = line
        .statement
        .tokens
        .iter()
        .map(|t| t.range.clone())
        .collect();
    covered.sort_by_key(|r| r.start);
    let mut extra = Vec::new();
    let mut at = 0;
    let bytes = text.as_bytes();
    let mut next_cover = 0;
    while at < bytes.len() {
        while next_cover < covered.len() && covered[next_cover].end <= at {
            next_cover += 1;
        }
        if let Some(c) = covered.get(next_cover)
            && c.start <= at
        {
            at = c.end;
            continue;
        }
        let limit = covered.get(next_cover).map_or(bytes.len(), |c| c.start);
        if is_blank(bytes[at]) {
            at += 1;
            continue;
        }
        // A byte order mark is a blank to the grammar too.
        if text[at..].starts_with('\u{feff}') {
            at += '\u{feff}'.len_utf8();
            continue;
        }
        let start = at;
        let role = if bytes[at] == b'"' {
            at += 1;
            while at < limit && bytes[at] != b'"' {
                at += 1;
            }
            at = (at + 1).min(limit);
            Role::String
        } else {
            while at < limit && !is_blank(bytes[at]) {
                at += 1;
            }
            Role::Other
        };
        // Token boundaries are ASCII bytes (blanks, quotes) or covered tokens' ends, so they are char
        // boundaries; a run that ended inside a character is widened to its end.
        while !text.is_char_boundary(at) {
            at += 1;
        }
        extra.push(Token {
            range: start..at,
            role,
        });
    }
    if extra.is_empty() {
        return;
    }
    line.statement.tokens.extend(extra);
    line.statement.tokens.sort_by_key(|t| t.range.start);
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c')
}

/// A statement keyword that opens a line inside an ERROR node (where the tree cannot say which
/// statement it opens) is the line's keyword.
fn promote_keyword(line: &mut Line<'_>) {
    let Some(first) = line.statement.tokens.first_mut() else {
        return;
    };
    if first.role == Role::Clause
        && line
            .text
            .get(first.range.clone())
            .is_some_and(keywords::is_statement)
    {
        first.role = Role::Keyword;
    }
}

/// A misspelt clause keyword among a line's modifiers (`line 96415 unit 3`): the lowering reads the
/// word as the clause it meant and the value after it as that clause's value, and so does this.
fn misspelt_clause(line: &mut Line<'_>) {
    let text = line.text;
    let tokens = &mut line.statement.tokens;
    let Some(i) = tokens.iter().position(|t| {
        t.role == Role::Modifier
            && text
                .get(t.range.clone())
                .and_then(crate::lower::misspelt_line_clause)
                .is_some()
    }) else {
        return;
    };
    let keyword = text
        .get(tokens[i].range.clone())
        .and_then(crate::lower::misspelt_line_clause);
    tokens[i].role = Role::Clause;
    let rest = tokens[i + 1..]
        .iter_mut()
        .filter(|t| t.role == Role::Modifier);
    match keyword {
        // `nd 50242-0150-01 20 ML`: the words after it are the NDC, its quantity and unit.
        Some("ndc") => {
            for (t, role) in rest.zip([Role::Ndc, Role::Number, Role::NdcUnit]) {
                t.role = role;
            }
        }
        Some(kw) => {
            let role = if kw == "units" {
                Role::Units
            } else {
                Role::Charge
            };
            if let Some(t) = tokens.get_mut(i + 1)
                && t.role == Role::Modifier
                && text
                    .get(t.range.clone())
                    .is_some_and(|v| crate::value::number(v).is_ok())
            {
                t.role = role;
            }
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_clause_and_its_value_read_as_the_lowering_reads_them() {
        let r = roles("claim A\n  line 96415 unit 3 JW dx A\n");
        assert_eq!(
            r[1][2..5],
            [
                ("unit", Role::Clause),
                ("3", Role::Units),
                ("JW", Role::Modifier)
            ]
        );
    }

    fn roles(text: &str) -> Vec<Vec<(&str, Role)>> {
        read(text)
            .into_iter()
            .map(|l| {
                l.statement
                    .tokens
                    .iter()
                    .map(|t| (&l.text[t.range.clone()], t.role))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_billed_line_with_every_clause() {
        let r = roles(
            "claim A\n  line J2350 JZ units 600 dx A,B ndc 50242-0150-01 20 ML charge 10 on 2026-11-20 # c\n",
        );
        assert_eq!(
            r[1],
            vec![
                ("line", Role::Keyword),
                ("J2350", Role::Code),
                ("JZ", Role::Modifier),
                ("units", Role::Clause),
                ("600", Role::Units),
                ("dx", Role::Clause),
                ("A", Role::DxPointer),
                (",", Role::Comma),
                ("B", Role::DxPointer),
                ("ndc", Role::Clause),
                ("50242-0150-01", Role::Ndc),
                ("20", Role::Number),
                ("ML", Role::NdcUnit),
                ("charge", Role::Clause),
                ("10", Role::Charge),
                ("on", Role::Clause),
                ("2026-11-20", Role::Date),
                ("# c", Role::Comment),
            ]
        );
    }

    #[test]
    fn a_keyword_is_one_only_where_the_grammar_expects_it() {
        // `units` is a word of the drug's name here, as the lowering reads it.
        let r = roles("claim A\n  admin insulin units\n    dose 10 units\n");
        assert_eq!(
            r[1],
            vec![
                ("admin", Role::Keyword),
                ("insulin", Role::Drug),
                ("units", Role::Drug)
            ]
        );
        assert_eq!(r[2][2], ("units", Role::DoseUnit));
    }

    #[test]
    fn a_half_typed_line_keeps_its_keywords() {
        let r = roles("claim A\n  line J2350 JZ units 600 dx \n\n  admin x\n    reaction \n");
        assert_eq!(r[1][5], ("dx", Role::Clause));
        assert_eq!(r[1][4], ("600", Role::Units));
        assert_eq!(r[4], vec![("reaction", Role::Keyword)]);
    }

    #[test]
    fn a_broken_line_loses_no_text() {
        let r = roles("claim A\n  linex J2350 dx A\n  note \"unclosed é\n  dose é 600\n");
        assert_eq!(
            r[1],
            vec![
                ("linex", Role::Other),
                ("J2350", Role::Other),
                ("dx", Role::Other),
                ("A", Role::Other)
            ]
        );
        assert_eq!(r[2][0], ("note", Role::Keyword));
        assert_eq!(r[2][1], ("\"unclosed é", Role::String));
        let texts: Vec<&str> = r[3].iter().map(|(t, _)| *t).collect();
        assert_eq!(texts, vec!["dose", "é", "600"]);
    }

    #[test]
    fn strings_dx_letters_and_vials() {
        let r = roles(
            "claim A\n  order 2026-11-01 signed \"R. \\\"Bob\\\" Patel, MD\"\n  dx A G35.A\n  dx G35.A\n  admin x\n    vial 50242-0150-01 x2\n    vial 100 mg x4\n",
        );
        assert_eq!(r[1][2], ("signed", Role::Clause));
        assert_eq!(r[1][3], (r#""R. \"Bob\" Patel, MD""#, Role::String));
        assert_eq!(r[2][1], ("A", Role::DxLetter));
        assert_eq!(r[3][1], ("G35.A", Role::Diagnosis));
        assert_eq!(
            r[5][1..],
            [("50242-0150-01", Role::Ndc), ("x2", Role::Count)]
        );
        assert_eq!(
            r[6][1..],
            [
                ("100", Role::Number),
                ("mg", Role::DoseUnit),
                ("x4", Role::Count)
            ]
        );
    }

    #[test]
    fn claims_are_read_as_the_checker_parses_them() {
        let text = "claim A\n  pos 11\nclaim B\n  pos 12\n";
        let lines = read_lines(text, 17..text.len());
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].start, 17);
        assert_eq!(lines[0].statement.keyword(lines[0].text), Some("claim"));
        assert_eq!(lines[1].text, "  pos 12");
    }

    #[test]
    fn a_byte_order_mark_is_a_blank() {
        let r = roles("\u{feff}claim A\n  pos 11\n");
        assert_eq!(r[0], vec![("claim", Role::Keyword), ("A", Role::ClaimId)]);
    }

    #[test]
    fn anything_reads_without_panicking() {
        for text in [
            "",
            "   ",
            "\"",
            "\"\\",
            "#",
            "a😀b",
            "line",
            "dx ,",
            "é\"é",
            "line J2350 units",
            "\r\n\r",
            "claim\n\n",
            "\u{feff}claim A",
        ] {
            for l in read(text) {
                for t in &l.statement.tokens {
                    assert!(l.text.get(t.range.clone()).is_some(), "{text:?}: {t:?}");
                }
            }
        }
    }
}
