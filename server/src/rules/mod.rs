//! The rules: pure functions of a claim, the code data and the payer profile, returning findings.
//!
//! One module per family (`units`, `waste`, `documentation`, `codes`, `payer`), one function per rule,
//! each rule declared with [`declare_rule!`] so its documentation lives beside it and `docs/rules.md` is
//! generated from it. Rules never see tree-sitter nodes.

pub mod arithmetic;
mod finding;

pub use finding::*;

use crate::config::Config;
use crate::data::CodeData;
use crate::model::Document;

/// Every rule, in catalogue order.
pub fn all() -> Vec<&'static Rule> {
    vec![]
}

/// A rule by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    all().into_iter().find(|r| r.id == id)
}

/// Check a lowered document: syntax findings first, then every rule on every claim, sorted by position.
pub fn check(doc: &Document, data: &CodeData, config: &Config) -> Vec<Finding> {
    let _ = (doc, data, config);
    Vec::new()
}
