//! Compiles `src/flat.c`, the lowering's walk over a tree (see `src/flat.rs`), against the sources of
//! the tree-sitter this crate links: it reads tree-sitter's own tree layout through its own headers,
//! so it is built from the same files as the library.

fn main() {
    // `tree-sitter` (`links = "tree-sitter"`) publishes its `include` directory; its sources, whose
    // headers describe the tree, are beside it.
    let include = std::path::PathBuf::from(
        std::env::var_os("DEP_TREE_SITTER_INCLUDE")
            .expect("the tree-sitter crate sets DEP_TREE_SITTER_INCLUDE for crates that use it"),
    );
    let src = include.join("../src");
    println!("cargo:rerun-if-changed=src/flat.c");
    cc::Build::new()
        .std("c11")
        .include(&include)
        .include(&src)
        .warnings(false)
        .file("src/flat.c")
        .compile("claimls-flat");
}
