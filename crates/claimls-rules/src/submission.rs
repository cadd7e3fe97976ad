//! Rules of the submission file rather than the draft: what `claimls check` reports on an 837P
//! interchange (crate `claimls-x12` reads the file and reports them). Declared here so the registry,
//! `claimls explain` and docs/rules.md know them like every other rule; they run no claim function.

use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a segment of an 837P that cannot be read: a value of the wrong shape, a segment out of
    /// place, a component separator other than the one ISA16 declares.
    ///
    /// ## Why it matters
    /// A clearinghouse rejects the whole interchange (a 999) for one unreadable segment.
    ///
    /// ## Example
    /// `SV1*HC:J2350*abc*UN*600***1` fires: "expected the line charge in SV102 as a number".
    ///
    /// ## Fix
    /// Correct the segment in the practice system that wrote it, and export again.
    pub X12_SEGMENT = "x12-segment", Syntax, Error
}

declare_rule! {
    /// ## What it does
    /// Flags a claim whose total charge (CLM02) is not the sum of its line charges (SV102).
    ///
    /// ## Why it matters
    /// Payers reject an unbalanced claim outright.
    ///
    /// ## Example
    /// `CLM*C-1*100***11:B:1…` with lines of 50 and 53.37 fires: the lines add up to 103.37.
    ///
    /// ## Fix
    /// Set CLM02 to the sum of the lines (claimls export computes it).
    pub X12_CLAIM_TOTAL = "x12-claim-total", Payer, Error
}
