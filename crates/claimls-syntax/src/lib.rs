//! Syntax: tree-sitter parsing and lowering to the typed model.
//!
//! [`parse`] gives the tree-sitter tree (the LSP keeps a [`Parser`] and reparses incrementally with
//! [`parse_with`]); [`lower`] turns a tree into a [`Document`]; [`document`] does both. [`LineIndex`]
//! converts the byte offsets everything speaks into lines and columns.

mod flat;
pub mod keywords;
mod line_index;
mod lower;
pub mod reading;
pub mod split;
pub mod value;

pub use line_index::{LineIndex, Position, floor_char_boundary};
pub use lower::{lower, near_statement_keyword};
pub use tree_sitter::{Parser, Tree};

use claimls_model::Document;

/// A parser for the `.claim` language.
pub fn parser() -> Parser {
    let mut parser = Parser::new();
    // The grammar crate is compiled into this binary with the same tree-sitter version, so its ABI is
    // one `tree-sitter` accepts; `parser_builds_and_parses` checks it.
    parser
        .set_language(&tree_sitter_claim::LANGUAGE.into())
        .expect("the bundled claim grammar matches the tree-sitter ABI");
    parser
}

/// Parse `text` with `parser`, reusing `old_tree` (already `edit`ed to match `text`) when given.
pub fn parse_with(parser: &mut Parser, text: &str, old_tree: Option<&Tree>) -> Tree {
    if let Some(tree) = parser.parse(text, old_tree) {
        return tree;
    }
    // `parse` only returns `None` when no language is set or the parse was cancelled or timed out;
    // reset and parse once more from scratch with a fresh parser that has none of these.
    parser.reset();
    let mut fresh = self::parser();
    fresh
        .parse(text, None)
        .expect("a parser with its language set, no timeout and no cancellation always parses")
}

/// Parse a whole `.claim` text.
pub fn parse(text: &str) -> Tree {
    parse_with(&mut parser(), text, None)
}

/// Parse and lower: the typed document of a `.claim` text.
pub fn document(text: &str) -> Document {
    lower(&parse(text), text)
}

/// [`document`] with a parser of the caller's (one per thread saves building one per claim).
pub fn document_with(parser: &mut Parser, text: &str) -> Document {
    lower(&parse_with(parser, text, None), text)
}

#[cfg(test)]
mod tests;
