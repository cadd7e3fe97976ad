//! The keywords of the notation, in one table that every reader of the notation shares: the editor's
//! completion, highlighting, formatting and outline read it from here, and a test holds it to what the
//! lowering accepts (`keyword_table_matches_the_lowering` in `tests.rs`).

/// The statement keywords at claim level, in the order a claim is written.
pub const CLAIM: &[&str] = &[
    "claim", "payer", "patient", "provider", "pos", "dx", "order", "auth", "history", "note",
    "admin", "line",
];

/// The detail statements of an `admin` block (conventionally indented by 4), in the order they are
/// written.
pub const DETAIL: &[&str] = &[
    "dose", "route", "start", "stop", "vial", "waste", "reaction", "premed",
];

/// The clause keywords of a `line`, in the order they are written.
pub const LINE_CLAUSES: &[&str] = &["units", "dx", "ndc", "charge", "on"];

/// Whether `word` is a statement keyword (claim level or `admin` detail).
pub fn is_statement(word: &str) -> bool {
    CLAIM.contains(&word) || DETAIL.contains(&word)
}

/// Whether a statement keyword belongs under an `admin`.
pub fn is_detail(word: &str) -> bool {
    DETAIL.contains(&word)
}
