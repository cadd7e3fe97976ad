//! `claimls check` at its limits: a per-file cap on findings (with a note of how many were left
//! out, in every format), output that grows linearly with the input, a folder with nothing to
//! check, and configuration discovery that stops at the repository root.

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
            "many.claim: note: 2007 more findings not shown (only the first 1000 of a file are)"
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
