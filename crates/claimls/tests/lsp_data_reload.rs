//! The data edition: `claimls data import` results are picked up by a running server without a
//! restart. (Its own test binary: it sets `CLAIMLS_DATA_DIR` for the whole process.)

#[path = "../../claimls-lsp/tests/lsp_support/mod.rs"]
mod lsp_support;

use claimls::cli::data::DataCommand;
use claimls_lsp::ServerOptions;
use lsp_support::*;
use serde_json::json;
use std::path::PathBuf;

const URI: &str = "file:///work/reload.claim";

fn refdata() -> Option<PathBuf> {
    let dir = std::env::var_os("CLAIMLS_REFDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/refdata")
        });
    dir.is_dir().then_some(dir)
}

async fn code_hover(s: &mut TestServer, text: &str) -> String {
    let pos = position_of(text, "J2350");
    s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": pos}),
    )
    .await["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_is_picked_up_without_a_restart() {
    let Some(refdata) = refdata() else {
        assert!(std::env::var_os("CI").is_none(), "reference data not found");
        eprintln!("SKIPPED: ../shared/refdata not found (set CLAIMLS_REFDATA)");
        return;
    };
    let hcpcs = refdata.join("hcpcs/HCPC2026_JAN_ANWEB_01122026.txt.gz");
    let dir = std::env::temp_dir().join(format!("claimls-lsp-reload-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    // SAFETY: this test binary has this one test; no other thread reads the environment meanwhile.
    unsafe { std::env::set_var("CLAIMLS_DATA_DIR", &dir) };
    let mut s = TestServer::start_with(ServerOptions::default());
    s.initialize(json!({})).await;
    let text = "claim A\n  line J2350 units 600\n";
    s.open_checked(URI, text).await;
    let before = code_hover(&mut s, text).await;
    assert!(before.contains("embedded"), "{before}");
    let status = tokio::task::spawn_blocking(move || {
        claimls::cli::data::run(DataCommand::Import {
            paths: vec![hcpcs],
            force: false,
        })
    })
    .await
    .expect("import");
    assert_eq!(status, std::process::ExitCode::SUCCESS);
    // The next check notices the new index, reloads and re-checks.
    s.change(URI, 2, [1, 0, 1, 0], "").await;
    let d = s.await_diagnostics(URI).await;
    assert_eq!(d["version"], 2);
    let after = code_hover(&mut s, text).await;
    assert!(!after.contains("_Data: embedded"), "{after}");
    assert_ne!(before, after);
    s.finish().await;
    let _ = std::fs::remove_dir_all(&dir);
}
