/// mimalloc: `check` allocates and frees a document per claim on every worker thread, which glibc's
/// malloc serves with lock and consolidation work (issue 11 profile); the parse's own C allocations
/// are tree-sitter's and unchanged.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    claimls::cli::main()
}
