//! Syntax: tree-sitter parsing and lowering to the typed model.
