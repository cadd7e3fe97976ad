//! `claimls check` at its limits: a per-file cap on findings (with a note of how many were left
//! out, in every format; `--max-findings` moves it), a file of several read pieces written as it is
//! checked, output that grows linearly with the input, a folder with nothing to check, and
//! configuration discovery that stops at the repository root.

#[path = "support/generate.rs"]
#[allow(dead_code)] // `claims_range` is the benches'
mod generate;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "limits-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn claimls(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_claimls"))
        // Embedded data only: what a developer imported must not change what is expected.
        .env(
            "CLAIMLS_DATA_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/no-imported-data"),
        )
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run claimls")
}

/// A claim whose billed line repeats JW `n` times: `n - 1` modifier-duplicate findings.
fn repeated_modifiers(n: usize) -> String {
    format!(
        "claim A\n  payer medicare\n  dx A G35\n  admin ocrelizumab\n    dose 600 mg\n  line J2350 {} units 600 dx A\n",
        vec!["JW"; n].join(" ")
    )
}

#[test]
fn findings_beyond_the_cap_are_counted_in_every_format() {
    let dir = scratch("cap");
    write(&dir, "many.claim", &repeated_modifiers(3000));
    let text = claimls(&dir, &["check", "many.claim"]);
    assert_eq!(text.status.code(), Some(1));
    let out = String::from_utf8(text.stdout).unwrap();
    assert_eq!(
        out.matches("error[").count() + out.matches("warning[").count(),
        1000
    );
    assert!(
        out.contains(
            "many.claim: note: 2007 more findings not shown (only the first 1000 of a file are; \
             --max-findings 0 shows all)"
        ),
        "{}",
        &out[out.len().saturating_sub(400)..]
    );
    // The summary and the exit code count every finding, shown or not.
    assert!(
        out.contains("3005 errors, 2 warnings in 1 file"),
        "{}",
        &out[out.len() - 200..]
    );

    let json = claimls(&dir, &["check", "--format", "json", "many.claim"]);
    let v: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["files"][0]["diagnostics"].as_array().unwrap().len(), 1000);
    assert_eq!(v["files"][0]["omitted"], 2007);
    assert_eq!(v["summary"]["errors"], 3005);

    let sarif = claimls(&dir, &["check", "--format", "sarif", "many.claim"]);
    let v: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), 1000);
    let note = &v["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert!(
        note["message"]["text"]
            .as_str()
            .unwrap()
            .contains("2007 more findings not shown"),
        "{note}"
    );
}

#[test]
fn max_findings_moves_the_cap_and_0_lists_every_finding() {
    let dir = scratch("max");
    write(&dir, "many.claim", &repeated_modifiers(3000));
    let json = |args: &[&str]| {
        let out = claimls(
            &dir,
            &[&["check", "--format", "json"], args, &["many.claim"]].concat(),
        );
        assert_eq!(out.status.code(), Some(1));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let all = json(&["--max-findings", "0"]);
    assert_eq!(
        all["files"][0]["diagnostics"].as_array().unwrap().len(),
        3007
    );
    assert!(
        all["files"][0].get("omitted").is_none(),
        "{}",
        all["files"][0]["omitted"]
    );
    assert_eq!(all["summary"]["errors"], 3005);
    let ten = json(&["--max-findings", "10"]);
    assert_eq!(ten["files"][0]["diagnostics"].as_array().unwrap().len(), 10);
    assert_eq!(ten["files"][0]["omitted"], 2997);
    assert_eq!(ten["summary"]["errors"], 3005);
    // The ten listed are the first ten of the whole list.
    assert_eq!(
        ten["files"][0]["diagnostics"].as_array().unwrap()[..],
        all["files"][0]["diagnostics"].as_array().unwrap()[..10]
    );
    let text = claimls(&dir, &["check", "--max-findings", "10", "many.claim"]);
    let out = String::from_utf8(text.stdout).unwrap();
    assert!(
        out.contains("2997 more findings not shown (only the first 10 of a file are;"),
        "{}",
        &out[out.len().saturating_sub(400)..]
    );
    let bad = claimls(&dir, &["check", "--max-findings", "some", "many.claim"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("--max-findings"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

/// `check` listing every finding of `big.claim` as JSON.
const ALL_AS_JSON: [&str; 6] = [
    "check",
    "--format",
    "json",
    "--max-findings",
    "0",
    "big.claim",
];

/// A file of 6,000 varied claims (3.3 MB: two pieces of the 2 MB `check` reads at a time).
fn big_file(dir: &Path) -> String {
    let text = generate::claims(6_000);
    assert!(
        text.len() > claimls::cli::check::BATCH_BYTES + (1 << 20),
        "{} bytes",
        text.len()
    );
    write(dir, "big.claim", &text);
    text
}

/// (rule, message) of each diagnostic of the first file of a JSON report, in order.
fn listed(v: &Value) -> Vec<(String, String)> {
    v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().into(),
                d["message"].as_str().unwrap().into(),
            )
        })
        .collect()
}

#[test]
fn a_file_of_several_pieces_lists_every_finding_in_order_as_a_whole_check_does() {
    let dir = scratch("pieces");
    let text = big_file(&dir);
    let out = claimls(&dir, &ALL_AS_JSON);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let data = claimls_data::CodeData::embedded();
    let whole = claimls::cli::check::check_text(&text, &data, &Default::default());
    let expected: Vec<(String, String)> = whole
        .iter()
        .map(|f| (f.rule.to_string(), f.message.clone()))
        .collect();
    assert!(expected.len() > 3_000, "{} findings", expected.len());
    assert_eq!(listed(&v), expected);
    let errors = whole
        .iter()
        .filter(|f| f.severity == claimls_rules::Severity::Error)
        .count();
    assert_eq!(v["summary"]["errors"], errors);
    // The last finding is located in the second piece, on the line a whole check gives.
    let last = whole.last().unwrap();
    let line = text[..last.span.start].matches('\n').count() + 1;
    let diagnostics = v["files"][0]["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.last().unwrap()["range"]["start"]["line"], line);
    assert!(text[..last.span.start].len() > claimls::cli::check::BATCH_BYTES);
}

#[test]
fn a_piece_that_is_not_utf8_ends_the_file_after_what_was_checked_before_it() {
    let dir = scratch("bad-piece");
    let mut bytes = big_file(&dir).into_bytes();
    let at = bytes.len() - 40;
    bytes.insert(at, 0xff);
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    std::fs::write(dir.join("big.claim"), &bytes).unwrap();
    let out = claimls(&dir, &ALL_AS_JSON);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a file not read to its end fails the run"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("big.claim:{line}: not UTF-8 text"))
            && stderr.contains("save the file as UTF-8"),
        "{stderr}"
    );
    // The output is still one JSON document, with the findings of the first piece.
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(listed(&v).len() > 1_000, "{} listed", listed(&v).len());
}

#[test]
fn text_output_grows_linearly_with_the_line() {
    // Each finding once reprinted its whole source line: 48 KB of line gave 1.16 GB of output.
    // Now an excerpt of the line is shown, so output per finding is bounded.
    let size = |n: usize| {
        let dir = scratch("linear");
        write(&dir, "a.claim", &repeated_modifiers(n));
        claimls(&dir, &["check", "a.claim"]).stdout.len()
    };
    let (small, large) = (size(400), size(800));
    let per_finding = large / 800;
    assert!(per_finding < 600, "{per_finding} bytes per finding");
    assert!(large < small * 5 / 2, "{small} → {large}: not linear");
}

#[test]
fn a_long_line_is_shown_as_an_excerpt_around_the_finding() {
    let dir = scratch("excerpt");
    write(&dir, "a.claim", &repeated_modifiers(200));
    let out = String::from_utf8(claimls(&dir, &["check", "a.claim"]).stdout).unwrap();
    let block: Vec<&str> = out
        .split("\n\n")
        .find(|b| b.contains("a.claim:6:500"))
        .expect("the finding at column 500")
        .lines()
        .collect();
    let at = block
        .iter()
        .position(|l| l.starts_with("6 |"))
        .expect("the source line");
    let (source, caret) = (block[at], block[at + 1]);
    // The renderer cuts the line around the finding, marking each cut with `...`.
    assert!(source.starts_with("6 | ... JW JW"), "{source}");
    assert!(source.ends_with("..."), "{source}");
    assert!(source.chars().count() < 160, "{source}");
    // The caret is under the finding's JW in the excerpt.
    let col = caret.chars().position(|c| c == '^').unwrap();
    let under: String = source.chars().skip(col).take(2).collect();
    assert_eq!(under, "JW", "{source}\n{caret}");
}

#[test]
fn a_folder_with_nothing_to_check_is_exit_2() {
    let dir = scratch("nothing");
    write(&dir, "drafts/readme.txt", "no claims here");
    let o = claimls(&dir, &["check", "drafts"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("drafts: no .claim files in this folder"),
        "{err}"
    );
}

#[test]
fn config_discovery_stops_at_the_repository_root() {
    let dir = scratch("repo");
    // A stray configuration above the repository turns the rule off; it must not apply.
    write(
        &dir,
        "claimls.toml",
        "[rules]\ndoc-order-missing = \"off\"\n",
    );
    std::fs::create_dir_all(dir.join("repo/.git")).unwrap();
    write(&dir, "repo/drafts/a.claim", "claim A\n  payer medicare\n");
    let o = claimls(
        &dir.join("repo"),
        &["check", "--format", "json", "drafts/a.claim"],
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<&str> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"doc-order-missing"), "{rules:?}");
    // The repository's own configuration (at its root) does apply.
    write(
        &dir,
        "repo/claimls.toml",
        "[rules]\ndoc-order-missing = \"warning\"\n",
    );
    let o = claimls(
        &dir.join("repo"),
        &["check", "--format", "json", "drafts/a.claim"],
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let order = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "doc-order-missing")
        .cloned()
        .unwrap();
    assert_eq!(order["severity"], "warning");
}

#[test]
fn outside_a_repository_discovery_stops_at_the_workspace_or_the_file_folder() {
    use claimls_rules::config::Config;
    // The system's temporary folder: outside any repository (unlike the target folder).
    let dir = std::env::temp_dir().join(format!("claimls-find-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    write(&dir, "claimls.toml", "[rules]\n");
    write(&dir, "work/a.claim", "claim A\n");
    let (work, file) = (dir.join("work"), dir.join("work/a.claim"));
    if dir.ancestors().any(|d| d.join(".git").exists()) {
        eprintln!("skipped: the temporary folder is inside a repository");
        return;
    }
    // A stray file above the workspace (or above the file, with no workspace) does not apply.
    assert_eq!(Config::find_within(&file, Some(&work)), None);
    assert_eq!(Config::find(&file), None);
    // Within the workspace it is found upward.
    assert_eq!(
        Config::find_within(&file, Some(&dir)),
        Some(dir.join("claimls.toml"))
    );
    // In the file's own folder it is always found.
    write(&dir, "work/claimls.toml", "[rules]\n");
    assert_eq!(Config::find(&file), Some(work.join("claimls.toml")));
    let _ = std::fs::remove_dir_all(&dir);
}
