//! The layers are held apart by the compiler (one crate each); this test holds the order itself:
//! every crate depends only on the crates below it, as ARCHITECTURE.md draws them.

use std::path::Path;

/// Bottom to top. A crate may depend on any crate before it in this list, never on one after it.
const LAYERS: [&str; 8] = [
    "tree-sitter-claim",
    "claimls-model",
    "claimls-syntax",
    "claimls-data",
    "claimls-rules",
    "claimls-x12",
    "claimls-lsp",
    "claimls",
];

/// The workspace dependencies named in a crate's `[dependencies]` table.
fn internal_dependencies(manifest: &str) -> Vec<String> {
    let value: toml::Table = manifest.parse().expect("Cargo.toml is TOML");
    let Some(deps) = value.get("dependencies").and_then(|d| d.as_table()) else {
        return Vec::new();
    };
    deps.keys()
        .filter(|name| LAYERS.contains(&name.as_str()))
        .cloned()
        .collect()
}

#[test]
fn every_crate_depends_only_on_the_layers_below_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for (level, name) in LAYERS.iter().enumerate() {
        let dir = match *name {
            "tree-sitter-claim" => root.join("grammar"),
            other => root.join("crates").join(other),
        };
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for dep in internal_dependencies(&manifest) {
            let dep_level = LAYERS.iter().position(|l| *l == dep).unwrap();
            assert!(
                dep_level < level,
                "{name} depends on {dep}, which is above it: move the shared code down a layer"
            );
        }
    }
}

#[test]
fn no_source_file_names_a_crate_above_its_own() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for (level, name) in LAYERS.iter().enumerate().skip(1) {
        let src = root.join("crates").join(name).join("src");
        let mut stack = vec![src];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for above in &LAYERS[level + 1..] {
                    let ident = format!("{}::", above.replace('-', "_"));
                    assert!(
                        !text.contains(&ident),
                        "{} names {above}, a layer above {name}",
                        path.display()
                    );
                }
            }
        }
    }
}
