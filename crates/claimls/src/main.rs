/// mimalloc, for Rust and (set in `main`, before any parse) for tree-sitter: see
/// [`claimls::allocator`].
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::ffi::c_int;

#[cfg(target_os = "linux")]
unsafe extern "C" {
    fn prctl(option: c_int, ...) -> c_int;
}
/// `PR_SET_THP_DISABLE` of `<linux/prctl.h>`.
#[cfg(target_os = "linux")]
const PR_SET_THP_DISABLE: c_int = 41;

/// The language server stays up for hours with a document's claims in memory, so it uses no
/// transparent huge pages. With mimalloc's defaults (issue 11: the 30,000-line document, all
/// official data, 50 edits) its heap was 68 MB resident, 58 MB of it 2 MiB huge pages: mimalloc
/// advises them for its arena and the kernel backs each touched 2 MiB whole, however little of it
/// is in use; without them it is about 32 MB. mimalloc's own `allow_thp` option is read when it
/// starts, before `main`, so they are turned off through the kernel. (Purging freed pages at once,
/// mimalloc's `purge_delay` 0, would take it to about 20 MB but costs 40% more CPU per edit: each
/// publish frees and refaults half a megabyte.) Batch commands exit when done and keep the
/// defaults.
fn tune_allocator_for_a_long_running_server() {
    // SAFETY: prctl with PR_SET_THP_DISABLE only sets a flag of this process (no pointers); an old
    // kernel without it returns an error, which changes nothing.
    #[cfg(target_os = "linux")]
    unsafe {
        prctl(
            PR_SET_THP_DISABLE,
            1 as std::ffi::c_ulong,
            0 as std::ffi::c_ulong,
            0 as std::ffi::c_ulong,
            0 as std::ffi::c_ulong,
        )
    };
}

fn main() -> std::process::ExitCode {
    // SAFETY: called first, on the one thread there is, before any tree-sitter object exists.
    unsafe { claimls::allocator::route_tree_sitter() };
    if std::env::args_os().nth(1).is_some_and(|a| a == "lsp") {
        tune_allocator_for_a_long_running_server();
    }
    claimls::cli::main()
}
