//! The tokens of one statement line, classified by the role they play in the notation.
//!
//! The notation is line-oriented (one statement per line, a keyword first), so the editor features that
//! work while the coder is typing — completion, hover, semantic tokens, formatting — read the line under
//! the cursor with this small lexer. It accepts anything (an unfinished line is the normal case while
//! typing) and never panics; what the tokens *mean* for billing still comes from the lowered model and
//! the rules.

use std::ops::Range;

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
    /// A token this lexer cannot place (the rules and the lowering report what is wrong).
    Other,
}

/// One token: its byte range in the line and its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub range: Range<usize>,
    pub role: Role,
}

// The keywords are the notation's one table (`claimls_syntax::keywords`), which the lowering is tested
// against; this lexer only places tokens.
pub use claimls_syntax::keywords::{
    CLAIM as CLAIM_KEYWORDS, DETAIL as DETAIL_KEYWORDS, LINE_CLAUSES, is_detail,
};

/// A lexed line.
#[derive(Debug, Clone, Default)]
pub struct Statement {
    pub tokens: Vec<Token>,
}

impl Statement {
    /// The statement keyword, when the line starts with a word.
    pub fn keyword<'a>(&self, line: &'a str) -> Option<&'a str> {
        self.tokens
            .first()
            .filter(|t| t.role == Role::Keyword)
            .map(|t| &line[t.range.clone()])
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

/// Split a line into raw tokens: words, quoted strings, commas and a trailing comment.
fn split(line: &str) -> Vec<(Range<usize>, RawKind)> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b' ' || b == b'\t' || b == b'\r' || b == b'\n' {
            i += 1;
            continue;
        }
        let start = i;
        match b {
            b'#' => {
                let end = line.trim_end_matches(['\r', '\n']).len().max(start);
                out.push((start..end, RawKind::Comment));
                break;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' && bytes[i] != b'\r'
                {
                    if bytes[i] == b'\\' && i + 1 < bytes.len() && bytes[i + 1] != b'\n' {
                        i += 1;
                    }
                    i += 1;
                }
                if i < bytes.len() && bytes[i] == b'"' {
                    i += 1;
                }
                out.push((start..i, RawKind::String));
            }
            b',' => {
                i += 1;
                out.push((start..i, RawKind::Comma));
            }
            _ => {
                while i < bytes.len()
                    && !matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n' | b'"' | b',' | b'#')
                {
                    i += 1;
                }
                out.push((start..i, RawKind::Word));
            }
        }
    }
    // Multi-byte characters: ranges are built from ASCII delimiters only, so every boundary is a char
    // boundary of `line`.
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RawKind {
    Word,
    String,
    Comma,
    Comment,
}

fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn looks_like_time(s: &str) -> bool {
    match s.split_once(':') {
        Some((h, m)) => {
            (1..=2).contains(&h.len())
                && m.len() == 2
                && h.bytes().chain(m.bytes()).all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

fn looks_like_number(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    !s.is_empty()
        && s.bytes().filter(|b| *b == b'.').count() <= 1
        && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && s != "."
}

fn looks_like_count(s: &str) -> bool {
    s.len() > 1 && s.starts_with(['x', 'X']) && s[1..].bytes().all(|b| b.is_ascii_digit())
}

/// Lex one line (without or with its line break).
pub fn lex(line: &str) -> Statement {
    let raw = split(line);
    let mut tokens: Vec<Token> = Vec::with_capacity(raw.len());
    let text = |r: &Range<usize>| &line[r.clone()];
    let Some((first, kind)) = raw.first() else {
        return Statement::default();
    };
    if *kind != RawKind::Word {
        for (r, k) in &raw {
            tokens.push(Token {
                range: r.clone(),
                role: fallback(*k, text(r)),
            });
        }
        return Statement { tokens };
    }
    let keyword = text(first);
    let known = claimls_syntax::keywords::is_statement(keyword);
    tokens.push(Token {
        range: first.clone(),
        role: if known { Role::Keyword } else { Role::Other },
    });
    let rest: Vec<(Range<usize>, RawKind)> = raw[1..].to_vec();
    // Values only: comments keep their role whatever the statement.
    let values: Vec<&(Range<usize>, RawKind)> = rest
        .iter()
        .filter(|(_, k)| *k != RawKind::Comment)
        .collect();
    let mut roles: Vec<Role> = vec![Role::Other; values.len()];
    let word = |i: usize| values.get(i).map(|(r, _)| text(r)).unwrap_or("");
    match keyword {
        "claim" => set(&mut roles, 0, Role::ClaimId),
        "payer" => {
            set(&mut roles, 0, Role::PayerKind);
            set(&mut roles, 1, Role::String);
        }
        "patient" => set(&mut roles, 0, Role::PatientId),
        "provider" => set(&mut roles, 0, Role::Npi),
        "pos" => set(&mut roles, 0, Role::PlaceOfService),
        "dx" => {
            if values.len() >= 2 {
                set(&mut roles, 0, Role::DxLetter);
                set(&mut roles, 1, Role::Diagnosis);
            } else {
                set(&mut roles, 0, Role::Diagnosis);
            }
        }
        "order" => {
            for (i, r) in roles.iter_mut().enumerate() {
                let w = word(i);
                *r = if looks_like_date(w) {
                    Role::Date
                } else if w == "signed" || w == "unsigned" {
                    Role::Clause
                } else {
                    Role::Other
                };
            }
        }
        "auth" => {
            set(&mut roles, 0, Role::AuthNumber);
            for (i, r) in roles.iter_mut().enumerate().skip(1) {
                let w = word(i);
                *r = if w == "from" || w == "to" {
                    Role::Clause
                } else if looks_like_date(w) {
                    Role::Date
                } else {
                    Role::Other
                };
            }
        }
        "history" => {
            set(&mut roles, 1, Role::Outcome);
            set(&mut roles, 2, Role::Date);
        }
        "admin" => {
            for r in roles.iter_mut() {
                *r = Role::Drug;
            }
        }
        "dose" => {
            set(&mut roles, 0, Role::Number);
            set(&mut roles, 1, Role::DoseUnit);
        }
        "route" => set(&mut roles, 0, Role::Route),
        "start" | "stop" => {
            for (i, r) in roles.iter_mut().enumerate() {
                let w = word(i);
                *r = if looks_like_date(w) {
                    Role::Date
                } else if looks_like_time(w) {
                    Role::Time
                } else {
                    Role::Other
                };
            }
        }
        "vial" => {
            if looks_like_number(word(0)) && !word(0).contains('-') && word(0).len() < 9 {
                set(&mut roles, 0, Role::Number);
                set(&mut roles, 1, Role::DoseUnit);
            } else {
                set(&mut roles, 0, Role::Ndc);
            }
            for (i, r) in roles.iter_mut().enumerate() {
                if looks_like_count(word(i)) {
                    *r = Role::Count;
                }
            }
        }
        "waste" => {
            set(&mut roles, 0, Role::Number);
            set(&mut roles, 1, Role::DoseUnit);
            for (i, r) in roles.iter_mut().enumerate().skip(2) {
                if matches!(word(i), "reason" | "witness" | "evidence") {
                    *r = Role::Clause;
                }
            }
        }
        "reaction" if word(0) == "none" => set(&mut roles, 0, Role::Clause),
        "line" => line_roles(&mut roles, &word),
        _ => {}
    }
    let mut vi = 0;
    for (r, k) in &rest {
        let role = if *k == RawKind::Comment {
            Role::Comment
        } else {
            let role = match (roles[vi], k) {
                (_, RawKind::String) => Role::String,
                (_, RawKind::Comma) => Role::Comma,
                (Role::Other, _) => fallback(*k, text(r)),
                (role, _) => role,
            };
            vi += 1;
            role
        };
        tokens.push(Token {
            range: r.clone(),
            role,
        });
    }
    Statement { tokens }
}

fn set(roles: &mut [Role], i: usize, role: Role) {
    if let Some(r) = roles.get_mut(i) {
        *r = role;
    }
}

/// `line <code> [<modifier>…] units <n> [dx …] [ndc <ndc> <qty> <unit>] [charge <n>] [on <date>]`
fn line_roles<'a>(roles: &mut [Role], word: &dyn Fn(usize) -> &'a str) {
    set(roles, 0, Role::Code);
    let mut clause: Option<&str> = None;
    let mut nth = 0;
    for (i, role) in roles.iter_mut().enumerate().skip(1) {
        let w = word(i);
        if LINE_CLAUSES.contains(&w) {
            *role = Role::Clause;
            clause = Some(w);
            nth = 0;
            continue;
        }
        *role = match clause {
            None => Role::Modifier,
            Some("units") if nth == 0 => Role::Units,
            Some("dx") if w == "," => Role::Comma,
            Some("dx") => Role::DxPointer,
            Some("ndc") if nth == 0 => Role::Ndc,
            Some("ndc") if nth == 1 => Role::Number,
            Some("ndc") if nth == 2 => Role::NdcUnit,
            Some("charge") if nth == 0 => Role::Charge,
            Some("on") if nth == 0 => Role::Date,
            _ => Role::Other,
        };
        nth += 1;
    }
}

/// The role of a token no statement rule placed.
fn fallback(kind: RawKind, text: &str) -> Role {
    match kind {
        RawKind::String => Role::String,
        RawKind::Comma => Role::Comma,
        RawKind::Comment => Role::Comment,
        RawKind::Word if looks_like_date(text) => Role::Date,
        RawKind::Word if looks_like_time(text) => Role::Time,
        RawKind::Word if looks_like_number(text) => Role::Number,
        RawKind::Word => Role::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(line: &str) -> Vec<(&str, Role)> {
        lex(line)
            .tokens
            .iter()
            .map(|t| (&line[t.range.clone()], t.role))
            .collect()
    }

    #[test]
    fn a_billed_line_with_every_clause() {
        let r = roles(
            "  line J2350 JZ units 600 dx A,B ndc 50242-0150-01 20 ML charge 10 on 2026-11-20 # c",
        );
        assert_eq!(
            r,
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
    fn strings_keep_spaces_and_escapes() {
        let r = roles(r#"order 2026-11-01 signed "R. \"Bob\" Patel, MD""#);
        assert_eq!(r[3], (r#""R. \"Bob\" Patel, MD""#, Role::String));
        assert_eq!(r[2], ("signed", Role::Clause));
    }

    #[test]
    fn dx_with_and_without_letter() {
        assert_eq!(roles("dx A G35.A")[1].1, Role::DxLetter);
        assert_eq!(roles("dx G35.A")[1].1, Role::Diagnosis);
    }

    #[test]
    fn vial_by_ndc_or_size() {
        assert_eq!(roles("vial 50242-0150-01 x2")[1].1, Role::Ndc);
        assert_eq!(roles("vial 50242-0150-01 x2")[2].1, Role::Count);
        assert_eq!(roles("vial 100 mg x4")[1].1, Role::Number);
        assert_eq!(roles("vial 100 mg x4")[2].1, Role::DoseUnit);
    }

    #[test]
    fn anything_lexes_without_panicking() {
        for line in [
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
        ] {
            let s = lex(line);
            for t in &s.tokens {
                assert!(line.is_char_boundary(t.range.start) && line.is_char_boundary(t.range.end));
            }
        }
    }
}
