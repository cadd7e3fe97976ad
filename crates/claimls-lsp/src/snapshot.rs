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
    /// What the client declared it can show.
    pub client: ClientManners,
}

/// What the client declared in `initialize` that changes what the features send. A capability the
/// client leaves out is taken as supported (editors that send none show markdown and snippets); one it
/// declares without markdown or snippets is honoured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientManners {
    /// Hover contents as markdown (`textDocument.hover.contentFormat`), else plain text.
    pub hover_markdown: bool,
    /// Completion documentation as markdown (`completionItem.documentationFormat`), else plain text.
    pub completion_markdown: bool,
    /// Snippet completions (`completionItem.snippetSupport`).
    pub snippets: bool,
    /// The optional diagnostic fields the client reads; unlike the above, a field is sent only when
    /// the client declared it (see `convert::DiagnosticManners`).
    pub diagnostics: crate::convert::DiagnosticManners,
}

impl Default for ClientManners {
    fn default() -> Self {
        ClientManners {
            hover_markdown: true,
            completion_markdown: true,
            snippets: true,
            diagnostics: crate::convert::DiagnosticManners::default(),
        }
    }
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
