//! The language server (`claimls lsp`).
