//! ANSI X12 837P (005010X222A1) for claimls: the bridge between checked drafts and what a practice
//! system sends to a clearinghouse.
//!
//! - [`segment`]: a tolerant segment reader (separators from ISA; each segment's number and line).
//! - [`write`]: the 837P writer — drafts + `[organization]`/`[x12]` of `claimls.toml` + the patients
//!   file ([`patients`]) → one interchange.
//! - [`read`]: the 837P → draft converter; what an 837P cannot carry (the administration record) is
//!   not invented, the draft says so ([`read::NO_ADMIN_RECORD`]).
//! - [`check`]: checking an 837P — the rules on its drafts, pointed back at its segments, plus the
//!   payer-side X12 checks.
//!
//! The mapping in both directions is documented in docs/x12-837p.md. Patient demographics come only
//! from the patients file and go only into the 837P: never into a draft, never into a message.

pub mod check;
pub mod patients;
pub mod read;
pub mod segment;
pub mod write;

pub use check::check_837p;
pub use patients::Patients;
pub use read::import;
pub use write::{DraftFile, Envelope, ExportError, export};
