//! Fuzz target `format`: see `claimls_fuzz::format` (fuzz/src/lib.rs) for what it holds.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| claimls_fuzz::format(data));
