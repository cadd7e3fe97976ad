//! `claimls explain <rule-id>` and `claimls explain --all` (the text of `docs/rules.md`).

use claimls_rules as rules;
use std::process::ExitCode;

pub fn run(rule: Option<&str>, all: bool) -> ExitCode {
    if all {
        print!("{}", rules::docs_markdown());
        return ExitCode::SUCCESS;
    }
    let Some(id) = rule else {
        eprintln!("claimls explain: name a rule id, or use --all");
        return ExitCode::from(2);
    };
    match rules::rule(id) {
        Some(rule) => {
            print!("{}", rules::rule_markdown(rule));
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("claimls explain: {}", unknown_rule_message(id));
            ExitCode::from(2)
        }
    }
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
