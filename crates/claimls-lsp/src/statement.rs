//! The tokens of a statement line and the keyword table, re-exported from `claimls-syntax`: the editor
//! reads the notation with the engine's parse (`claimls_syntax::reading`) and its one keyword table
//! (`claimls_syntax::keywords`), so it cannot read a line differently from `claimls check`.

pub use claimls_syntax::keywords::{
    CLAIM as CLAIM_KEYWORDS, DETAIL as DETAIL_KEYWORDS, LINE_CLAUSES, is_detail,
};
pub use claimls_syntax::reading::{Role, Statement, Token};
