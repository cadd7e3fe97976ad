//! Fuzz target `check`: see `claimls_fuzz::check` (fuzz/src/lib.rs) for what it holds.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| claimls_fuzz::check(data));
