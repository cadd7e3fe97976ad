//! Every example in `examples/` is judged as its `<name>.expected` file says: `claimls check --format
//! json examples/` must report exactly the expected `<line> <rule-id>` findings for each file.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// `<line> <rule-id>` lines of an `.expected` file, sorted.
fn expected(path: &Path) -> Vec<(u64, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (every example needs its .expected file)",
            path.display()
        )
    });
    let mut out: Vec<(u64, String)> = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (line, rule) = l
                .split_once(' ')
                .unwrap_or_else(|| panic!("{}: `{l}`: write `<line> <rule-id>`", path.display()));
            let line = line
                .parse()
                .unwrap_or_else(|_| panic!("{}: `{l}`: the line is not a number", path.display()));
            assert!(
                claimls_rules::rule(rule.trim()).is_some(),
                "{}: `{}` is not a rule id",
                path.display(),
                rule.trim()
            );
            (line, rule.trim().to_string())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_example_gets_its_expected_findings() {
    let dir = examples_dir();
    let output = Command::new(env!("CARGO_BIN_EXE_claimls"))
        // Embedded data only: what a developer imported must not change what is expected.
        .env(
            "CLAIMLS_DATA_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/no-imported-data"),
        )
        .args(["check", "--format", "json"])
        .arg(&dir)
        .output()
        .expect("run claimls");
    assert!(
        output.status.code() == Some(0) || output.status.code() == Some(1),
        "check failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: Value = serde_json::from_slice(&output.stdout).expect("check prints JSON");
    let mut actual: BTreeMap<String, Vec<(u64, String)>> = BTreeMap::new();
    for file in json["files"].as_array().expect("files") {
        let name = Path::new(file["path"].as_str().expect("path"))
            .file_name()
            .and_then(|n| n.to_str())
            .expect("file name")
            .to_string();
        let mut found: Vec<(u64, String)> = file["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| {
                (
                    d["range"]["start"]["line"].as_u64().expect("line"),
                    d["rule"].as_str().expect("rule").to_string(),
                )
            })
            .collect();
        found.sort();
        actual.insert(name, found);
    }
    let mut claims: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "claim"))
        .collect();
    claims.sort();
    assert!(claims.len() >= 6, "the examples are missing");
    let mut wrong = Vec::new();
    for claim in &claims {
        let name = claim
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let want = expected(&claim.with_extension("expected"));
        let got = actual.get(name).cloned().unwrap_or_default();
        if want != got {
            wrong.push(format!("{name}:\n  expected {want:?}\n  found    {got:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "examples judged wrongly:\n{}",
        wrong.join("\n")
    );
}
