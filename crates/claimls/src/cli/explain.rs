//! `claimls explain <rule-id>` and `claimls explain --all` (the text of `docs/rules.md`).

use claimls_lsp::requests::unknown_rule_message;
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
