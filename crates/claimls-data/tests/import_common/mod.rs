// Shared by the import_* tests (a module folder, so it is not a test target of its own).
#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared/refdata` relative to the repository root, or `$CLAIMLS_REFDATA`. `None` (after a loud
/// message) when absent, except under CI, where a missing folder fails the test.
pub fn refdata() -> Option<PathBuf> {
    let dir = std::env::var_os("CLAIMLS_REFDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/refdata")
        });
    if dir.join("SOURCES.md").exists() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "reference data not found at {} (set CLAIMLS_REFDATA)",
            dir.display()
        );
    }
    eprintln!(
        "SKIPPED: reference data not found at {} (set CLAIMLS_REFDATA)",
        dir.display()
    );
    None
}

/// A fresh temporary directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("claimls-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a temp dir");
    dir
}

pub fn gunzip(path: &std::path::Path) -> Vec<u8> {
    use std::io::Read;
    let bytes = std::fs::read(path).expect("read refdata file");
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes.as_slice())
        .read_to_end(&mut out)
        .expect("gunzip refdata file");
    out
}
