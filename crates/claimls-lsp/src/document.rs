//! An open document: its text as a rope, its version, and its tree-sitter tree, built only when a
//! feature asks for it (diagnostics and the editing features never read it) and from then on kept
//! up to date by incremental reparsing (`Tree::edit` on every edit, a parse over the rope's chunks
//! when it is next asked for).

use ropey::Rope;
use tree_sitter::{InputEdit, Parser, Point, Tree};

pub struct OpenDocument {
    pub version: i32,
    pub rope: Rope,
    parser: Option<Parser>,
    tree: Option<Tree>,
    /// The tree has been told about edits it was not reparsed for.
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

    /// Replace the chars `start..end` (clamped) by `text`, and tell the tree about it. Returns the
    /// edit in bytes: (start, old end, new end).
    pub fn edit(&mut self, start: usize, end: usize, text: &str) -> (usize, usize, usize) {
        let len = self.rope.len_chars();
        let start = start.min(len);
        let end = end.clamp(start, len);
        let start_byte = self.rope.char_to_byte(start);
        let old_end_byte = self.rope.char_to_byte(end);
        let start_position = self.point(start_byte);
        let old_end_position = self.point(old_end_byte);
        self.rope.remove(start..end);
        self.rope.insert(start, text);
        let new_end_byte = start_byte + text.len();
        let new_end_position = self.point(new_end_byte);
        if let Some(tree) = &mut self.tree {
            tree.edit(&InputEdit {
                start_byte,
                old_end_byte,
                new_end_byte,
                start_position,
                old_end_position,
                new_end_position,
            });
            self.stale = true;
        }
        (start_byte, old_end_byte, new_end_byte)
    }

    /// Row and byte column of a byte offset. Rows are the rope's lines (`\n`, `\r\n`, `\r`); tree-sitter
    /// uses positions only for reporting, the reparse itself works on bytes.
    fn point(&self, byte: usize) -> Point {
        let b = byte.min(self.rope.len_bytes());
        let row = self.rope.byte_to_line(b);
        Point::new(row, b - self.rope.line_to_byte(row))
    }

    /// Bring the tree up to date with the text (incrementally when there is an edited old tree).
    pub fn reparse(&mut self) {
        if self.parser.is_none() {
            self.parser = new_parser();
        }
        let Some(parser) = &mut self.parser else {
            return;
        };
        let rope = &self.rope;
        let len = rope.len_bytes();
        let mut read = |byte: usize, _: Point| -> &[u8] {
            if byte >= len {
                return &[];
            }
            let (chunk, chunk_start, _, _) = rope.chunk_at_byte(byte);
            &chunk.as_bytes()[byte - chunk_start..]
        };
        self.tree = parser.parse_with_options(&mut read, self.tree.as_ref(), None);
        self.stale = false;
    }

    /// The tree of the current text: built on first use, then reparsed incrementally after edits.
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
    fn incremental_edits_match_a_fresh_parse() {
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
