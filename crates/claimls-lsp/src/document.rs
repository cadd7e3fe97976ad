//! An open document: its text as a rope, its version, and its tree-sitter tree, built only when a
//! feature asks for it (diagnostics and the editing features never read it; today only the debug
//! request `claimls/syntaxTree` does).
//!
//! The tree is a fresh parse of the current text, never an incremental reparse of an edited old tree:
//! after some runs of edits tree-sitter recovers from a broken line differently when it reuses the old
//! tree (`(ERROR (units_clause …)) modifier` where a fresh parse gives `(units_clause …) (ERROR
//! (word))`; fuzz/regressions/lsp_edits/incremental-reparse-*), and the debug view must show what
//! `claimls check` reads. A whole parse of a 30,000-line document is a few tens of milliseconds, for a
//! request a person makes by hand.

use ropey::Rope;
use tree_sitter::{Parser, Tree};

pub struct OpenDocument {
    pub version: i32,
    pub rope: Rope,
    parser: Option<Parser>,
    tree: Option<Tree>,
    /// The text has changed since the tree was parsed.
    stale: bool,
}

/// A tree-sitter parser for the claim grammar; `None` only if the compiled grammar's ABI does not
/// match the tree-sitter library (then the features that need a tree are off, the rest still works).
pub fn new_parser() -> Option<Parser> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_claim::LANGUAGE.into())
        .ok()?;
    Some(parser)
}

impl OpenDocument {
    pub fn new(text: &str, version: i32) -> OpenDocument {
        OpenDocument {
            version,
            rope: Rope::from_str(text),
            parser: None,
            tree: None,
            stale: false,
        }
    }

    /// Replace the whole text.
    pub fn replace_all(&mut self, text: &str) {
        self.rope = Rope::from_str(text);
        self.tree = None;
        self.stale = false;
    }

    /// Replace the chars `start..end` (clamped) by `text`. Returns the edit in bytes: (start, old end,
    /// new end).
    pub fn edit(&mut self, start: usize, end: usize, text: &str) -> (usize, usize, usize) {
        let len = self.rope.len_chars();
        let start = start.min(len);
        let end = end.clamp(start, len);
        let start_byte = self.rope.char_to_byte(start);
        let old_end_byte = self.rope.char_to_byte(end);
        self.rope.remove(start..end);
        self.rope.insert(start, text);
        self.stale = true;
        (start_byte, old_end_byte, start_byte + text.len())
    }

    /// Parse the current text afresh, over the rope's chunks.
    pub fn reparse(&mut self) {
        if self.parser.is_none() {
            self.parser = new_parser();
        }
        let Some(parser) = &mut self.parser else {
            return;
        };
        let rope = &self.rope;
        let len = rope.len_bytes();
        let mut read = |byte: usize, _: tree_sitter::Point| -> &[u8] {
            if byte >= len {
                return &[];
            }
            let (chunk, chunk_start, _, _) = rope.chunk_at_byte(byte);
            &chunk.as_bytes()[byte - chunk_start..]
        };
        self.tree = parser.parse_with_options(&mut read, None, None);
        self.stale = false;
    }

    /// The tree of the current text: parsed on first use and again on the first use after an edit.
    pub fn tree(&mut self) -> Option<&Tree> {
        if self.tree.is_none() || self.stale {
            self.reparse();
        }
        self.tree.as_ref()
    }

    /// Whether a tree is held (built by an earlier [`tree`](Self::tree) call).
    pub fn has_tree(&self) -> bool {
        self.tree.is_some()
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }
}

/// A fresh, non-incremental parse of a text (for comparisons in tests and benchmarks).
pub fn parse_fresh(text: &str) -> Option<Tree> {
    new_parser()?.parse(text, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_after_edits_is_a_fresh_parse_of_the_text() {
        let mut doc = OpenDocument::new("claim A\n  dx G35.A\n", 1);
        assert!(
            !doc.has_tree(),
            "no tree is built before a feature asks for one"
        );
        doc.edit(8, 8, "  pos 11\n");
        assert!(doc.tree().is_some());
        doc.edit(0, 5, "claim");
        doc.edit(2, 3, "😀");
        let text = doc.text();
        let fresh = parse_fresh(&text).map(|t| t.root_node().to_sexp());
        assert_eq!(doc.tree().map(|t| t.root_node().to_sexp()), fresh);
    }
}
