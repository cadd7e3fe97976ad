//! claimls: checks drug-administration claim drafts written in the `.claim` notation.
//!
//! Layers, one way only (see ARCHITECTURE.md):
//! `syntax` (tree-sitter → typed `model`) → `rules` (pure functions of claim + `data` + `config`) →
//! front ends (`cli`, `lsp`).

pub mod cli;
pub mod config;
pub mod data;
pub mod lsp;
pub mod model;
pub mod rules;
pub mod syntax;
