//! The allocator: `claimls` (the binary) and the check bench's parse floor allocate the same way.
//!
//! mimalloc: `check` allocates and frees a document per claim on every worker thread, which glibc's
//! malloc serves with lock and consolidation work (issue 11 profile). tree-sitter's own C allocations
//! (a tree and its subtrees per parsed claim) go to mimalloc too, through [`route_tree_sitter`].

use std::ffi::c_void;

// The C entry points of the mimalloc this crate links (through `mimalloc`'s `libmimalloc-sys`).
unsafe extern "C" {
    fn mi_malloc(size: usize) -> *mut c_void;
    fn mi_calloc(count: usize, size: usize) -> *mut c_void;
    fn mi_realloc(p: *mut c_void, size: usize) -> *mut c_void;
    fn mi_free(p: *mut c_void);
}

/// Sends tree-sitter's C allocations to mimalloc.
///
/// # Safety
///
/// Call it first, on the one thread there is, before any tree-sitter object exists: a tree allocated
/// by one allocator must not be freed by another.
pub unsafe fn route_tree_sitter() {
    // SAFETY: the caller guarantees no tree-sitter object exists yet; the four functions are one
    // allocator's, so whatever one allocates another frees or grows.
    unsafe {
        tree_sitter::set_allocator(Some(tree_sitter::Allocator {
            malloc: mi_malloc,
            calloc: mi_calloc,
            realloc: mi_realloc,
            free: mi_free,
        }))
    };
}
