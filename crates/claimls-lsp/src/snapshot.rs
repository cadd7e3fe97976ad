//! What a request handler works on: one version of one document with the checker of its data and
//! configuration. The features import it from here, and the server builds it, so no feature module
//! depends on the server.

use super::analysis::{Analysis, Checker};
use claimls_data::CodeData;
use claimls_rules::config::Config;
use ropey::Rope;
use std::sync::Arc;

/// What a request handler works on: one version of one document.
pub struct Snapshot {
    pub version: i32,
    pub rope: Rope,
    pub text: Arc<str>,
    pub checker: Arc<Checker>,
}

impl Snapshot {
    pub fn data(&self) -> &CodeData {
        self.checker.data()
    }
    pub fn config(&self) -> &Config {
        self.checker.config()
    }
    /// Check the document (claims already checked come from the cache).
    pub fn analysis(&self) -> Analysis {
        self.checker.check(&self.text)
    }
}
