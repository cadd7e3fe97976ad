/// mimalloc: `check` allocates and frees a document per claim on every worker thread, which glibc's
/// malloc serves with lock and consolidation work (issue 11 profile). tree-sitter's own C allocations
/// (a tree and its subtrees per parsed claim) go to mimalloc too, set in `main` before any parse.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// The C entry points of the mimalloc this binary links (through `mimalloc`'s `libmimalloc-sys`).
unsafe extern "C" {
    fn mi_malloc(size: usize) -> *mut std::ffi::c_void;
    fn mi_calloc(count: usize, size: usize) -> *mut std::ffi::c_void;
    fn mi_realloc(p: *mut std::ffi::c_void, size: usize) -> *mut std::ffi::c_void;
    fn mi_free(p: *mut std::ffi::c_void);
}

fn main() -> std::process::ExitCode {
    // SAFETY: called first, on the one thread there is, before any tree-sitter object exists; the four
    // functions are one allocator's, so whatever one allocates another frees or grows.
    unsafe {
        tree_sitter::set_allocator(Some(tree_sitter::Allocator {
            malloc: mi_malloc,
            calloc: mi_calloc,
            realloc: mi_realloc,
            free: mi_free,
        }))
    };
    claimls::cli::main()
}
