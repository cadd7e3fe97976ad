//! claimls: checks drug-administration claim drafts written in the `.claim` notation.
//!
//! This crate is the front end: the command line (`claimls check`, `explain`, `lookup`, `data`, `lsp`).
//! The engine lives in the layer crates below it, one way only (see ARCHITECTURE.md):
//! `claimls-model` → `claimls-syntax` → `claimls-data` → `claimls-rules` → `claimls-x12` → `claimls-lsp` →
//! `claimls`.

pub mod allocator;
pub mod cli;
