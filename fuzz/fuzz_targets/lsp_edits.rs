//! Fuzz target `lsp_edits`: see `claimls_fuzz::lsp_edits` (fuzz/src/lib.rs) for what it holds.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| claimls_fuzz::lsp_edits(data));
