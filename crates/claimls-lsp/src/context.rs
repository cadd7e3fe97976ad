//! What surrounds a position: the statement line under it, and the claim it belongs to, read.
//!
//! Completion and hover need context while the text is half-typed; the lines are the engine's reading
//! (`claimls_syntax::reading`: each token's role from the claim's tree-sitter parse, keywords even in a
//! line that does not parse yet), and the claim's `dx` letters the lowering's.

use super::analysis::claim_range_at;
use super::statement::{Role, Statement, Token};
use std::ops::Range;

/// One lexed line of a document.
#[derive(Debug, Clone)]
pub struct LexedLine<'a> {
    /// Byte offset of the line start in the document.
    pub start: usize,
    /// The line without its line break.
    pub text: &'a str,
    pub statement: Statement,
}

impl<'a> LexedLine<'a> {
    pub fn keyword(&self) -> Option<&'a str> {
        self.statement.keyword(self.text)
    }
    pub fn token_text(&self, t: &Token) -> &'a str {
        &self.text[t.range.clone()]
    }
    /// The document byte range of a token.
    pub fn absolute(&self, t: &Token) -> Range<usize> {
        self.start + t.range.start..self.start + t.range.end
    }
    /// Value tokens (not the keyword, not comments).
    pub fn values(&self) -> impl Iterator<Item = &Token> {
        self.statement.words().skip(1)
    }
    /// The first value with a role.
    pub fn value(&self, role: Role) -> Option<&'a str> {
        self.values()
            .find(|t| t.role == role)
            .map(|t| self.token_text(t))
    }
}

/// Read the lines of `text` that start in `range`, with offsets in `text`: each claim they belong to
/// parsed as `claimls check` parses it.
pub fn lex_lines(text: &str, range: Range<usize>) -> Vec<LexedLine<'_>> {
    if text.get(range.clone()).is_none() {
        return Vec::new();
    }
    claimls_syntax::reading::read_lines(text, range)
        .into_iter()
        .map(|l| LexedLine {
            start: l.start,
            text: l.text,
            statement: l.statement,
        })
        .collect()
}

/// A `dx` statement of a claim with the letter that points at it.
#[derive(Debug, Clone)]
pub struct DxEntry {
    pub letter: char,
    pub code: String,
    /// Document byte range of the whole statement line (without indentation).
    pub statement: Range<usize>,
}

/// The claim around a position, lexed.
#[derive(Debug, Clone)]
pub struct ClaimContext<'a> {
    /// The whole document.
    text: &'a str,
    /// Document byte range of the claim.
    pub range: Range<usize>,
    pub lines: Vec<LexedLine<'a>>,
}

impl<'a> ClaimContext<'a> {
    /// The claim (or the text before the first claim) that holds byte `offset`.
    pub fn at(text: &'a str, offset: usize) -> ClaimContext<'a> {
        let range = claim_range_at(text, offset);
        ClaimContext {
            text,
            lines: lex_lines(text, range.clone()),
            range,
        }
    }

    /// The line holding byte `offset`.
    pub fn line_at(&self, offset: usize) -> Option<&LexedLine<'a>> {
        self.lines
            .iter()
            .rev()
            .find(|l| l.start <= offset)
            .filter(|l| offset <= l.start + l.text.len())
    }

    /// The drugs of the claim's `admin` statements, as written.
    pub fn admin_drugs(&self) -> Vec<String> {
        self.lines
            .iter()
            .filter(|l| l.keyword() == Some("admin"))
            .filter_map(|l| drug_name(l))
            .collect()
    }

    /// The drug of the nearest `admin` above byte `offset`.
    pub fn admin_above(&self, offset: usize) -> Option<String> {
        self.lines
            .iter()
            .rev()
            .filter(|l| l.start <= offset)
            .find(|l| l.keyword() == Some("admin"))
            .and_then(|l| drug_name(l))
    }

    /// The claim's `dx` statements with their pointer letters, as the engine reads them: the lowering
    /// of `claimls check` assigns the letters (a written letter, else the first letter no `dx` of the
    /// claim wrote), so the editor can never letter a diagnosis differently from the checker.
    pub fn diagnoses(&self) -> Vec<DxEntry> {
        let Some(slice) = self.text.get(self.range.clone()) else {
            return Vec::new();
        };
        let doc = claimls_syntax::document(slice);
        let Some(claim) = doc.claims.first() else {
            return Vec::new();
        };
        claim
            .dxs
            .iter()
            .map(|d| DxEntry {
                letter: d.letter.value,
                code: d.code.value.clone(),
                statement: self.range.start + d.span.start..self.range.start + d.span.end,
            })
            .collect()
    }
}

/// The drug of an `admin` line: its words joined by one space, or its string without quotes.
pub fn drug_name(line: &LexedLine<'_>) -> Option<String> {
    let words: Vec<&str> = line
        .values()
        .filter(|t| t.role == Role::Drug || t.role == Role::String)
        .map(|t| line.token_text(t).trim_matches('"'))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLAIM: &str = "claim A\n  dx B G35.A\n  dx K50.90\n  admin Ocrevus\n    dose 600 mg\n  line J2350 units 600 dx B\nclaim C\n  admin infliximab\n";

    #[test]
    fn the_claim_around_an_offset() {
        let at = CLAIM.find("dose").unwrap_or(0);
        let ctx = ClaimContext::at(CLAIM, at);
        assert_eq!(ctx.admin_drugs(), vec!["Ocrevus".to_string()]);
        assert_eq!(ctx.admin_above(at).as_deref(), Some("Ocrevus"));
        let dx: Vec<(char, String)> = ctx
            .diagnoses()
            .into_iter()
            .map(|d| (d.letter, d.code))
            .collect();
        // The engine letters an unlettered `dx` with the first letter no `dx` wrote: A, not C.
        assert_eq!(dx, vec![('B', "G35.A".into()), ('A', "K50.90".into())]);
        assert_eq!(ctx.line_at(at).and_then(|l| l.keyword()), Some("dose"));
        let other = ClaimContext::at(CLAIM, CLAIM.len() - 2);
        assert_eq!(other.admin_drugs(), vec!["infliximab".to_string()]);
    }
}
