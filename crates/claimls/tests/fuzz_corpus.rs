//! The fuzzers' checks on stable, in every test run: every seed of fuzz/corpus/<target>/ and every
//! past crash kept in fuzz/regressions/<target>/ goes through the same checks as the fuzz targets
//! (fuzz/src/lib.rs, included here). See docs/fuzzing.md.

#[allow(dead_code)]
#[path = "../../../fuzz/src/lib.rs"]
mod fuzz_checks;

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut n = 0;
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let bytes = std::fs::read(&path).expect("readable");
            let outcome = std::panic::catch_unwind(|| check(&bytes));
            assert!(outcome.is_ok(), "{target}: {} fails", path.display());
            n += 1;
        }
    }
    assert!(n >= 20, "{target}: only {n} inputs (run fuzz/seed.sh)");
}

#[test]
fn check_corpus_and_regressions() {
    replay("check", fuzz_checks::check);
}

#[test]
fn format_corpus_and_regressions() {
    replay("format", fuzz_checks::format);
}

#[test]
fn lsp_edits_corpus_and_regressions() {
    replay("lsp_edits", fuzz_checks::lsp_edits);
}
