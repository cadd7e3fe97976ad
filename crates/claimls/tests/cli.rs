//! The `claimls` binary end to end: output formats, exit codes, I/O failures, directories, config.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh, empty directory for one test.
fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "cli-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

/// Run `claimls` in `dir` (so paths print relative to it).
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
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("run claimls")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", stdout(o)))
}

/// A claim with a syntax error on line 4 (`dose 600` without a unit).
const BROKEN: &str = "claim A-1\n  payer medicare\n  admin ocrelizumab\n    dose 600\n";
/// No claims at all: nothing to find.
const EMPTY: &str = "# nothing to bill yet\n";

fn diagnostics_of<'a>(v: &'a Value, path: &str) -> &'a Vec<Value> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in {v:#}"))["diagnostics"]
        .as_array()
        .unwrap()
}

#[test]
fn text_output_names_file_line_column_and_shows_the_source() {
    let dir = scratch("text");
    write(&dir, "a.claim", BROKEN);
    let o = claimls(&dir, &["check", "a.claim"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("error[syntax-error]: `dose` needs an amount and a unit, e.g. `dose 600 mg`\n --> a.claim:4:5\n  |\n4 |     dose 600\n  |     ^^^^^^^^\n"),
        "{out}"
    );
    let last = out.lines().last().unwrap();
    assert!(
        last.contains("error") && last.ends_with("in 1 file"),
        "{last}"
    );
    assert!(!out.contains('\x1b'), "no colours when not a terminal");
    insta::assert_snapshot!("text_broken", out);
}

#[test]
fn json_output_has_the_documented_shape() {
    let dir = scratch("json");
    write(&dir, "a.claim", BROKEN);
    write(&dir, "b.claim", EMPTY);
    let o = claimls(&dir, &["check", "--format", "json", "a.claim", "b.claim"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["path"], "a.claim");
    assert_eq!(files[1]["path"], "b.claim");
    assert_eq!(files[1]["diagnostics"].as_array().unwrap().len(), 0);
    let d = diagnostics_of(&v, "a.claim")
        .iter()
        .find(|d| d["rule"] == "syntax-error")
        .expect("the syntax error");
    assert_eq!(d["severity"], "error");
    assert_eq!(
        d["message"],
        "`dose` needs an amount and a unit, e.g. `dose 600 mg`"
    );
    assert_eq!(d["range"]["start"]["line"], 4);
    assert_eq!(d["range"]["start"]["column"], 5);
    assert_eq!(d["range"]["end"]["line"], 4);
    assert_eq!(d["range"]["end"]["column"], 13);
    assert!(d["fix"].is_null());
    assert!(d["related"].is_array());
    for d in diagnostics_of(&v, "a.claim") {
        assert!(["error", "warning", "information"].contains(&d["severity"].as_str().unwrap()));
        if !d["fix"].is_null() {
            assert!(d["fix"]["title"].is_string());
            for e in d["fix"]["edits"].as_array().unwrap() {
                assert!(e["range"]["start"]["line"].as_u64().unwrap() >= 1);
                assert!(e["newText"].is_string());
            }
        }
    }
    let s = &v["summary"];
    assert_eq!(s["files"], 2);
    let count = |sev: &str| {
        files
            .iter()
            .flat_map(|f| f["diagnostics"].as_array().unwrap())
            .filter(|d| d["severity"] == sev)
            .count()
    };
    assert_eq!(s["errors"], count("error"));
    assert_eq!(s["warnings"], count("warning"));
    assert_eq!(s["information"], count("information"));
    insta::assert_snapshot!("json_broken", stdout(&o));
}

#[test]
fn columns_count_chars_not_bytes() {
    let dir = scratch("columns");
    write(&dir, "a.claim", "claim A\n  note \"😀é\" dose 600\n");
    let o = claimls(&dir, &["check", "--format", "json", "a.claim"]);
    let v = json(&o);
    let d = diagnostics_of(&v, "a.claim")
        .iter()
        .find(|d| d["rule"] == "syntax-error")
        .unwrap_or_else(|| panic!("a syntax error in {v:#}"));
    // `  note "😀é" ` is 12 chars (16 bytes): the junk starts at char column 13.
    assert_eq!(d["range"]["start"]["line"], 2);
    assert_eq!(d["range"]["start"]["column"], 13);
}

#[test]
fn sarif_output_is_sarif_2_1_0() {
    let dir = scratch("sarif");
    write(&dir, "a.claim", BROKEN);
    let o = claimls(&dir, &["check", "--format", "sarif", "a.claim"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "claimls");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for id in ["syntax-error", "waste-jw-missing", "units-dose-mismatch"] {
        let r = rules
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("rule {id} in the driver"));
        assert!(r["shortDescription"]["text"].as_str().unwrap().len() > 10);
        assert!(r["fullDescription"]["text"].as_str().unwrap().len() > 10);
        let markdown = r["help"]["markdown"].as_str().unwrap();
        assert!(markdown.starts_with(&format!("### {id}\n")), "{markdown}");
        assert!(r["help"]["text"].as_str().unwrap().len() > 10);
        assert!(r.get("helpUri").is_none(), "no address that does not exist");
    }
    let results = run["results"].as_array().unwrap();
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "syntax-error")
        .unwrap();
    assert_eq!(r["level"], "error");
    let index = r["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "syntax-error");
    assert!(
        r["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("`dose` needs")
    );
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "a.claim");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .unwrap()
            .starts_with("file:///")
    );
    assert!(r["partialFingerprints"]["claimls/v1"].is_string());
    assert_eq!(loc["region"]["startLine"], 4);
    assert_eq!(loc["region"]["startColumn"], 5);
    for r in results {
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        if let Some(fixes) = r.get("fixes") {
            let change = &fixes[0]["artifactChanges"][0];
            assert_eq!(change["artifactLocation"]["uri"], "a.claim");
            assert!(
                change["replacements"][0]["deletedRegion"]["startLine"]
                    .as_u64()
                    .unwrap()
                    >= 1
            );
        }
    }
    insta::assert_snapshot!(
        "sarif_broken_results",
        serde_json::to_string_pretty(&run["results"]).unwrap()
    );
}

#[test]
fn exit_codes() {
    let dir = scratch("exit");
    write(&dir, "empty.claim", EMPTY);
    write(&dir, "broken.claim", BROKEN);
    let o = claimls(&dir, &["check", "empty.claim"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).ends_with("0 errors, 0 warnings in 1 file\n"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        claimls(&dir, &["check", "broken.claim"]).status.code(),
        Some(1)
    );
    // Usage errors.
    assert_eq!(claimls(&dir, &["check"]).status.code(), Some(2));
    assert_eq!(
        claimls(&dir, &["check", "--format", "xml", "a.claim"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(claimls(&dir, &["frobnicate"]).status.code(), Some(2));
    // A file that does not exist.
    let o = claimls(&dir, &["check", "missing.claim", "empty.claim"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("missing.claim: no such file or directory"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("in 1 file"),
        "the other file is still checked"
    );
}

#[test]
fn a_non_utf8_file_is_named_and_the_others_are_still_checked() {
    let dir = scratch("utf8");
    write(&dir, "latin1.claim", b"claim A\n  note \"caf\xe9\"\n");
    write(&dir, "broken.claim", BROKEN);
    let o = claimls(
        &dir,
        &["check", "--format", "json", "latin1.claim", "broken.claim"],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("latin1.claim:2: not UTF-8 text"), "{err}");
    assert!(err.contains("save the file as UTF-8"), "{err}");
    let v = json(&o);
    assert_eq!(v["files"].as_array().unwrap().len(), 1);
    assert!(!diagnostics_of(&v, "broken.claim").is_empty());
}

#[test]
fn an_unreadable_path_is_named() {
    let dir = scratch("unreadable");
    write(&dir, "ok.claim", EMPTY);
    // A directory where a file is expected to be readable as text: reading it fails.
    std::fs::create_dir_all(dir.join("dir.claim/inner")).unwrap();
    let o = claimls(
        &dir,
        &["check", "ok.claim", "dir.claim/inner/../../nothing/x.claim"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("x.claim"), "{}", stderr(&o));
    assert!(stdout(&o).contains("in 1 file"));
}

#[test]
fn directories_are_searched_for_claim_files_in_order() {
    let dir = scratch("dirs");
    write(&dir, "drafts/b.claim", EMPTY);
    write(&dir, "drafts/a.claim", BROKEN);
    write(&dir, "drafts/sub/c.claim", EMPTY);
    write(&dir, "drafts/notes.txt", "not a claim");
    write(&dir, "drafts/.hidden/d.claim", BROKEN);
    let o = claimls(&dir, &["check", "--format", "json", "drafts"]);
    let v = json(&o);
    let paths: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["drafts/a.claim", "drafts/b.claim", "drafts/sub/c.claim"]
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn config_changes_severities_and_is_found_upward() {
    let dir = scratch("config");
    write(
        &dir,
        "team/claimls.toml",
        "[rules]\ndoc-order-missing = \"warning\"\n",
    );
    write(&dir, "team/drafts/a.claim", BROKEN);
    let o = claimls(&dir, &["check", "--format", "json", "team/drafts/a.claim"]);
    let v = json(&o);
    let d = diagnostics_of(&v, "team/drafts/a.claim");
    let order = d.iter().find(|d| d["rule"] == "doc-order-missing").unwrap();
    assert_eq!(
        order["severity"], "warning",
        "claimls.toml above the file applies"
    );

    write(&dir, "off.toml", "[rules]\nsyntax-error = \"off\"\n");
    let o = claimls(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "--config",
            "off.toml",
            "team/drafts/a.claim",
        ],
    );
    let v = json(&o);
    assert!(
        diagnostics_of(&v, "team/drafts/a.claim")
            .iter()
            .all(|d| d["rule"] != "syntax-error"),
        "--config replaces the file found upward"
    );
}

#[test]
fn a_bad_config_is_exit_2_with_file_and_line() {
    let dir = scratch("badconfig");
    write(&dir, "a.claim", EMPTY);
    write(&dir, "bad.toml", "[rules]\nwaste-jw-missing = \"loud\"\n");
    let o = claimls(&dir, &["check", "--config", "bad.toml", "a.claim"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.toml:2:"), "{}", stderr(&o));

    write(
        &dir,
        "team/claimls.toml",
        "[rules]\nno-such-rule = \"off\"\n",
    );
    write(&dir, "team/b.claim", EMPTY);
    let o = claimls(
        &dir,
        &["check", "--format", "json", "a.claim", "team/b.claim"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("claimls.toml:2: unknown rule `no-such-rule`"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        json(&o)["files"].as_array().unwrap().len(),
        1,
        "files under a good config are checked"
    );
}

#[test]
fn explain_prints_a_rule_and_the_catalogue() {
    let dir = scratch("explain");
    let o = claimls(&dir, &["explain", "waste-jw-missing"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("waste-jw-missing"));
    let o = claimls(&dir, &["explain", "waste-jw"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean"), "{}", stderr(&o));
    let o = claimls(&dir, &["explain", "--all"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), claimls_rules::docs_markdown());
}

#[test]
fn lookup_of_something_unknown_says_so() {
    let dir = scratch("lookup");
    let o = claimls(&dir, &["lookup", "ZZZZ9"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("nothing known about `ZZZZ9`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn lookup_describes_codes_modifiers_diagnoses_places_ndcs_and_drugs() {
    let dir = scratch("lookup-found");
    let look = |q: &str| {
        let o = claimls(&dir, &["lookup", q]);
        assert_eq!(o.status.code(), Some(0), "lookup {q}: {}", stderr(&o));
        stdout(&o)
    };
    let j2350 = look("J2350");
    for part in [
        "Injection, ocrelizumab, 1 mg",
        "billing unit: 1 mg",
        "Ocrevus",
        "50242-0150-01",
        "single-dose",
        "MUE: 600",
    ] {
        assert!(
            j2350.contains(part),
            "lookup J2350 lacks {part:?}:\n{j2350}"
        );
    }
    assert_eq!(look("j2350"), j2350, "codes are case-insensitive");
    insta::assert_snapshot!("lookup_j2350", j2350);
    assert!(look("JW").contains("discarded"));
    let g35 = look("G35");
    assert!(g35.contains("G35.A") && g35.contains("G35.D"), "{g35}");
    assert!(look("11").contains("Office"));
    let ndc = look("50242015001");
    assert!(
        ndc.contains("NDC 50242-0150-01") && ndc.contains("J2350"),
        "{ndc}"
    );
    assert!(look("Ocrevus").contains("J2350"));
    assert!(
        look("J1300").contains("J1299"),
        "a terminated code names its replacement"
    );
}

#[test]
fn a_misspelt_units_keyword_is_one_finding() {
    let dir = scratch("unit-typo");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/g35-header-dx.claim"),
    )
    .unwrap()
    .replace("line J2350 JZ units 300", "line J2350 JZ unit 300");
    write(&dir, "a.claim", &text);
    let line = 1 + text.lines().position(|l| l.contains("unit 300")).unwrap();
    let o = claimls(&dir, &["check", "--format", "json", "a.claim"]);
    let v = json(&o);
    let on_line: Vec<&Value> = diagnostics_of(&v, "a.claim")
        .iter()
        .filter(|d| d["range"]["start"]["line"] == line)
        .collect();
    assert_eq!(on_line.len(), 1, "one finding on the line: {on_line:#?}");
    let d = on_line[0];
    assert_eq!(d["rule"], "syntax-error");
    assert_eq!(
        d["message"],
        "`unit` is not a modifier: did you mean `units`? e.g. `units 600`"
    );
    // `  line J2350 JZ ` is 16 chars: `unit` is columns 17 to 21.
    assert_eq!(d["range"]["start"]["column"], 17);
    assert_eq!(d["range"]["end"]["column"], 21);
    assert!(d["fix"].is_null(), "no fix that deletes the units");
}

#[test]
fn a_bare_dx_does_not_swallow_the_next_claim() {
    let dir = scratch("bare-dx");
    write(
        &dir,
        "a.claim",
        "claim A-1\n  payer medicare\n  dx\nclaim B-2\n  payer medicare\n",
    );
    let o = claimls(&dir, &["check", "--format", "json", "a.claim"]);
    let v = json(&o);
    let syntax: Vec<&Value> = diagnostics_of(&v, "a.claim")
        .iter()
        .filter(|d| d["rule"] == "syntax-error")
        .collect();
    assert_eq!(syntax.len(), 1, "{syntax:#?}");
    assert_eq!(
        syntax[0]["message"],
        "`dx` needs an ICD-10-CM code, e.g. `dx A G35.A`"
    );
    assert_eq!(syntax[0]["range"]["start"]["line"], 3);
    // Claim B-2 is its own claim: its findings are reported on its own `claim` line.
    assert!(
        diagnostics_of(&v, "a.claim")
            .iter()
            .any(|d| d["range"]["start"]["line"] == 4),
        "{v:#}"
    );
}
