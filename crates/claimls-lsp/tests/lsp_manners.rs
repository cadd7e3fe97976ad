//! The server honours what the client declares: a plaintext-only client (Emacs eglot without markdown
//! support) gets plain text in hovers and completion documentation, a client without snippet support
//! gets no snippet items.

mod lsp_support;

use lsp_support::*;
use serde_json::{Value, json};

const URI: &str = "file:///work/manners.claim";
const TEXT: &str = "claim C1\n  payer medicare\n  dx A G35.A\n  admin Ocrevus\n    dose 600 mg\n  line J2350 JZ units 600 dx A\n  \n";

async fn server(capabilities: Value) -> TestServer {
    let mut s = TestServer::start();
    s.initialize(capabilities).await;
    s.open_checked(URI, TEXT).await;
    s
}

async fn hover_at(s: &mut TestServer, marker: &str) -> Value {
    let pos = position_of(TEXT, marker);
    s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": pos}),
    )
    .await
}

#[tokio::test]
async fn a_plaintext_client_gets_plain_text() {
    let mut s = server(json!({"textDocument": {
        "hover": {"contentFormat": ["plaintext"]},
        "completion": {"completionItem": {"documentationFormat": ["plaintext"], "snippetSupport": false}}
    }}))
    .await;
    let h = hover_at(&mut s, "J2350").await;
    assert_eq!(h["contents"]["kind"], json!("plaintext"), "{h}");
    let value = h["contents"]["value"].as_str().unwrap_or("");
    assert!(value.to_lowercase().contains("ocrelizumab"), "{value}");
    assert!(!value.contains("**") && !value.contains('`'), "{value}");
    let pos = json!({"line": 6, "character": 2});
    let r = s
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": pos}),
        )
        .await;
    let items = r["items"].as_array().cloned().unwrap_or_default();
    assert!(!items.is_empty());
    for i in &items {
        assert_ne!(i["insertTextFormat"], json!(2), "no snippets: {i}");
        if !i["documentation"].is_null() {
            assert_eq!(i["documentation"]["kind"], json!("plaintext"), "{i}");
        }
    }
    s.finish().await;
}

#[tokio::test]
async fn a_markdown_client_gets_markdown_and_snippets() {
    let mut s = server(json!({"textDocument": {
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "completion": {"completionItem": {"documentationFormat": ["markdown"], "snippetSupport": true}}
    }}))
    .await;
    let h = hover_at(&mut s, "J2350").await;
    assert_eq!(h["contents"]["kind"], json!("markdown"), "{h}");
    let pos = json!({"line": 6, "character": 2});
    let r = s
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": pos}),
        )
        .await;
    let items = r["items"].as_array().cloned().unwrap_or_default();
    assert!(items.iter().any(|i| i["insertTextFormat"] == json!(2)));
    s.finish().await;
}

#[tokio::test]
async fn initialization_options_name_the_payer_configuration() {
    let dir = std::env::temp_dir().join(format!("claimls-init-options-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let config = dir.join("payers.toml");
    std::fs::write(
        &config,
        "[payers.\"Init Options Health\"]\nkind = \"commercial\"\n",
    )
    .expect("write the configuration");
    let mut s = TestServer::start();
    s.initialize_with(json!({
        "capabilities": {},
        "processId": null,
        "rootUri": null,
        "initializationOptions": {"config": config.to_string_lossy()}
    }))
    .await;
    let text = "claim C1\n  payer commercial \n";
    s.open_checked(URI, text).await;
    let r = s
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": {"line": 1, "character": 19}}),
        )
        .await;
    let labels: Vec<&str> = r["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(labels, vec!["\"Init Options Health\""]);
    s.finish().await;
    let _ = std::fs::remove_dir_all(&dir);
}
