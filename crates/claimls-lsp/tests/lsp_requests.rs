//! The custom requests the editors use instead of running the CLI: `claimls/lookup` and
//! `claimls/explain`, through the in-process harness with the fixture code data.

mod lsp_support;

use lsp_support::*;
use serde_json::{Value, json};

fn items(v: &Value) -> Vec<(String, String, String)> {
    v.as_array()
        .unwrap_or_else(|| panic!("a list: {v}"))
        .iter()
        .map(|i| {
            (
                i["code"].as_str().unwrap().to_string(),
                i["kind"].as_str().unwrap().to_string(),
                i["label"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn lookup_of_a_code_is_one_item_with_the_full_text() {
    let mut s = TestServer::initialized().await;
    let r = s
        .request("claimls/lookup", json!({"query": " j2350 "}))
        .await;
    assert_eq!(
        items(&r),
        [(
            "J2350".to_string(),
            "code".to_string(),
            "Injection, ocrelizumab, 1 mg".to_string()
        )]
    );
    let detail = r[0]["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("J2350  Injection, ocrelizumab, 1 mg\n  billing unit: 1 mg per unit\n"),
        "{detail}"
    );
    assert!(detail.contains("MUE: 600 units"), "{detail}");
    s.finish().await;
}

#[tokio::test]
async fn lookup_of_a_drug_name_lists_its_codes_then_each_code() {
    let mut s = TestServer::initialized().await;
    let r = s
        .request("claimls/lookup", json!({"query": "ocrelizumab"}))
        .await;
    let found = items(&r);
    assert_eq!(
        found[0],
        (
            "ocrelizumab".to_string(),
            "drug".to_string(),
            "billed with J2350".to_string()
        ),
        "{found:?}"
    );
    assert!(
        found[1..]
            .iter()
            .any(|(code, kind, _)| code == "J2350" && kind == "code")
    );
    s.finish().await;
}

#[tokio::test]
async fn lookup_of_a_modifier_a_diagnosis_and_a_place() {
    let mut s = TestServer::initialized().await;
    for (query, kind) in [
        ("JW", "modifier"),
        ("G35.A", "diagnosis"),
        ("11", "place-of-service"),
    ] {
        let r = s.request("claimls/lookup", json!({"query": query})).await;
        let found = items(&r);
        assert!(
            found
                .iter()
                .any(|(code, k, label)| code == query && k == kind && !label.is_empty()),
            "{query}: {found:?}"
        );
    }
    s.finish().await;
}

#[tokio::test]
async fn lookup_of_something_unknown_gives_close_matches_or_nothing() {
    let mut s = TestServer::initialized().await;
    let r = s.request("claimls/lookup", json!({"query": "J235"})).await;
    let found = items(&r);
    assert!(!found.is_empty());
    assert!(
        found.iter().all(|(_, kind, _)| kind == "close-match"),
        "{found:?}"
    );
    assert!(
        found.iter().any(|(code, _, _)| code == "J2350"),
        "{found:?}"
    );
    let r = s
        .request("claimls/lookup", json!({"query": "zzzzqqq"}))
        .await;
    assert_eq!(r, json!([]));
    let r = s.request("claimls/lookup", json!({"query": "  "})).await;
    assert_eq!(r, json!([]));
    s.finish().await;
}

#[tokio::test]
async fn explain_returns_the_rules_markdown() {
    let mut s = TestServer::initialized().await;
    let r = s
        .request("claimls/explain", json!({"rule": "waste-jw-missing"}))
        .await;
    let markdown = r.as_str().unwrap();
    let expected = claimls_rules::rule_markdown(claimls_rules::rule("waste-jw-missing").unwrap());
    assert_eq!(markdown, expected);
    assert!(markdown.starts_with("### waste-jw-missing\n"), "{markdown}");
    s.finish().await;
}

#[tokio::test]
async fn explain_of_an_unknown_rule_is_an_invalid_params_error_naming_close_ids() {
    let mut s = TestServer::initialized().await;
    let r = s
        .send_request("claimls/explain", json!({"rule": "waste-jw"}))
        .await;
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let message = r["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("no rule `waste-jw`; did you mean `waste-jw-missing`"),
        "{message}"
    );
    let r = s.send_request("claimls/explain", json!({})).await;
    assert_eq!(r["error"]["code"], -32602, "missing params: {r}");
    s.finish().await;
}
