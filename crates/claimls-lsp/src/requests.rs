//! The custom requests editors use instead of running the CLI and reading its text:
//!
//! - `claimls/lookup` — params `{"query": "J2350"}`; result: a list of `{code, kind, label, detail}`,
//!   one per thing the code data knows about the query (`kind`: `code`, `modifier`, `diagnosis`,
//!   `place-of-service`, `ndc`, `drug`), or, when it knows nothing, its close matches (`kind`
//!   `close-match`: look the code up to see it). `detail` is the full text `claimls lookup` prints for
//!   the entry, with the data edition's line. Empty when nothing is known or close.
//! - `claimls/explain` — params `{"rule": "waste-jw-missing"}`; result: the rule's documentation in
//!   Markdown (what `claimls explain` prints); an unknown id is an `InvalidParams` error naming the
//!   closest ids.
//!
//! Plain types: the handlers in `server` wrap them.

use crate::lookup;
use claimls_data::CodeData;
use claimls_rules as rules;
use serde::{Deserialize, Serialize};

pub const LOOKUP_METHOD: &str = "claimls/lookup";
pub const EXPLAIN_METHOD: &str = "claimls/explain";

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct LookupParams {
    pub query: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct LookupItem {
    pub code: String,
    pub kind: String,
    pub label: String,
    pub detail: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ExplainParams {
    pub rule: String,
}

/// The answer to `claimls/lookup`.
pub fn lookup(data: &CodeData, query: &str) -> Vec<LookupItem> {
    let found = lookup::entries(data, query);
    if found.is_empty() {
        if query.trim().is_empty() {
            return Vec::new();
        }
        return lookup::close_matches(data, query.trim())
            .into_iter()
            .map(|hit| LookupItem {
                code: hit.code,
                kind: "close-match".to_string(),
                label: hit.label,
                detail: String::new(),
            })
            .collect();
    }
    let edition = lookup::edition_line(data);
    found
        .into_iter()
        .map(|e| {
            let mut detail = e.text;
            if let Some(line) = &edition {
                detail.push('\n');
                detail.push_str(line);
                detail.push('\n');
            }
            LookupItem {
                code: e.code,
                kind: e.kind.to_string(),
                label: e.label,
                detail,
            }
        })
        .collect()
}

/// The answer to `claimls/explain`: the rule's Markdown, or the message for an unknown id.
pub fn explain(rule: &str) -> Result<String, String> {
    let id = rule.trim();
    rules::rule(id)
        .map(rules::rule_markdown)
        .ok_or_else(|| unknown_rule_message(id))
}

/// The message for a rule id that does not exist, with the closest ids.
pub fn unknown_rule_message(id: &str) -> String {
    let all = rules::all();
    let mut close: Vec<&str> = all
        .iter()
        .map(|r| r.id)
        .filter(|r| r.contains(id) || id.contains(r) || shares_words(r, id))
        .collect();
    close.truncate(5);
    if close.is_empty() {
        format!("no rule `{id}`; `claimls explain --all` lists every rule")
    } else {
        format!(
            "no rule `{id}`; did you mean {}? (`claimls explain --all` lists every rule)",
            close
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

fn shares_words(a: &str, b: &str) -> bool {
    let words: Vec<&str> = b.split('-').filter(|w| w.len() > 2).collect();
    a.split('-').any(|w| words.contains(&w))
}
