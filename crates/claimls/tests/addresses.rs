//! No placeholder address reaches a user: every link in what ships (the crates, the editors' plugins
//! and manifests, the grammar, the docs, the examples) points at something real or is left out. A
//! reserved test domain (RFC 2606: the `invalid` and `example` names) in any of them fails here.

use std::path::{Path, PathBuf};

/// What ships, relative to the repository root: folders are walked, files read.
const SHIPPED: [&str; 8] = [
    "crates",
    "editors",
    "grammar",
    "docs",
    "examples",
    "README.md",
    "ARCHITECTURE.md",
    "pyproject.toml",
];

/// Folders that are built or downloaded, never written by us.
const SKIPPED: [&str; 5] = ["target", "node_modules", "out", ".vscode-test", "snapshots"];

fn files(at: &Path, out: &mut Vec<PathBuf>) {
    if at.is_file() {
        out.push(at.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(at) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() && SKIPPED.iter().any(|s| name == *s) {
            continue;
        }
        files(&path, out);
    }
}

#[test]
fn nothing_that_ships_names_a_placeholder_address() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut all = Vec::new();
    for shipped in SHIPPED {
        files(&root.join(shipped), &mut all);
    }
    assert!(
        all.len() > 100,
        "only {} files found under {}",
        all.len(),
        root.display()
    );
    // Written in two parts, so that this file does not name them itself.
    let placeholders = [
        concat!("example", ".invalid"),
        concat!(".invalid", "/"),
        concat!("example", ".com"),
        concat!("example", ".org"),
        concat!(".example", "/"),
    ];
    let mut found = Vec::new();
    for path in &all {
        // Binary files (the screenshot, the built parser) are read as bytes and skipped if not text.
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            if placeholders.iter().any(|p| line.contains(p)) {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "placeholder addresses:\n{}",
        found.join("\n")
    );
}
