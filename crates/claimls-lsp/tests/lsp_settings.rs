//! Settings by `workspace/configuration`: a client that declares `workspace.configuration` is asked for
//! its `claimls` section on `initialized` and again on `workspace/didChangeConfiguration`, and its
//! `config` names the payer configuration as `initializationOptions.config` does. A client that pushes
//! its settings in `didChangeConfiguration` (`{"claimls": {"config": …}}`) is heard too.

mod lsp_support;

use lsp_support::*;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const URI: &str = "file:///work/settings.claim";
const TEXT: &str = "claim C1\n  payer commercial \n";

/// A payer configuration naming one commercial payer, in a folder of its own.
fn payer_file(test: &str, payer: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("claimls-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let path = dir.join(format!("{}.toml", payer.replace(' ', "-")));
    std::fs::write(
        &path,
        format!("[payers.\"{payer}\"]\nkind = \"commercial\"\n"),
    )
    .expect("write the configuration");
    path
}

/// The payer names completion offers after `payer commercial `.
async fn offered_payers(s: &mut TestServer) -> Vec<String> {
    let r = s
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": {"line": 1, "character": 19}}),
        )
        .await;
    r["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["label"].as_str().map(str::to_string))
        .collect()
}

/// The payers offered once the server has applied what it was told (it applies settings on a task of
/// its own, so the test asks until they show or the harness timeout passes).
async fn await_payers(s: &mut TestServer, want: &[&str]) {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let got = offered_payers(s).await;
        if got == want {
            return;
        }
        assert!(Instant::now() < deadline, "offered {got:?}, want {want:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Answer the server's next `workspace/configuration` request with `settings` for the `claimls`
/// section, after checking that it asks for that section.
async fn answer_configuration(s: &mut TestServer, settings: Value) {
    let request = s.await_server_request("workspace/configuration").await;
    assert_eq!(
        request["params"]["items"],
        json!([{"section": "claimls"}]),
        "{request}"
    );
    s.respond(request["id"].clone(), json!([settings])).await;
}

#[tokio::test]
async fn the_server_pulls_its_settings_on_initialized_and_on_change() {
    let first = payer_file("pull", "Pulled Health");
    let second = payer_file("pull", "Changed Health");
    let mut s = TestServer::start();
    s.initialize(json!({"workspace": {"configuration": true}}))
        .await;
    answer_configuration(&mut s, json!({"config": first.to_string_lossy()})).await;
    s.open(URI, TEXT).await;
    await_payers(&mut s, &["\"Pulled Health\""]).await;

    // The settings changed: the server asks again and applies the new answer.
    s.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    )
    .await;
    answer_configuration(&mut s, json!({"config": second.to_string_lossy()})).await;
    await_payers(&mut s, &["\"Changed Health\""]).await;

    // A section that says nothing of `config` leaves the configuration as it is.
    s.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    )
    .await;
    answer_configuration(&mut s, Value::Null).await;
    await_payers(&mut s, &["\"Changed Health\""]).await;
    // A settings change re-checks the open document; its diagnostics may come at any time.
    s.finish_except(|m| m["method"] == json!("textDocument/publishDiagnostics"))
        .await;
    let _ = std::fs::remove_file(first);
    let _ = std::fs::remove_file(second);
}

#[tokio::test]
async fn pulled_settings_win_over_initialization_options() {
    let init = payer_file("pull-over-init", "Init Health");
    let pulled = payer_file("pull-over-init", "Pulled Health");
    let mut s = TestServer::start();
    s.initialize_with(json!({
        "capabilities": {"workspace": {"configuration": true}},
        "processId": null,
        "rootUri": null,
        "initializationOptions": {"config": init.to_string_lossy()}
    }))
    .await;
    s.open(URI, TEXT).await;
    // Until the client answers, initializationOptions hold.
    await_payers(&mut s, &["\"Init Health\""]).await;
    answer_configuration(&mut s, json!({"config": pulled.to_string_lossy()})).await;
    await_payers(&mut s, &["\"Pulled Health\""]).await;
    // A settings change re-checks the open document; its diagnostics may come at any time.
    s.finish_except(|m| m["method"] == json!("textDocument/publishDiagnostics"))
        .await;
    let _ = std::fs::remove_file(init);
    let _ = std::fs::remove_file(pulled);
}

#[tokio::test]
async fn a_client_that_pushes_its_settings_is_heard_and_never_asked() {
    let pushed = payer_file("push", "Pushed Health");
    // No `workspace.configuration` declared: the server never sends the request (`finish` fails on
    // a request left unanswered).
    let mut s = TestServer::start();
    s.initialize(json!({})).await;
    s.open(URI, TEXT).await;
    s.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"claimls": {"config": pushed.to_string_lossy()}}}),
    )
    .await;
    await_payers(&mut s, &["\"Pushed Health\""]).await;
    // A settings change re-checks the open document; its diagnostics may come at any time.
    s.finish_except(|m| m["method"] == json!("textDocument/publishDiagnostics"))
        .await;
    let _ = std::fs::remove_file(pushed);
}
