//! `claimls export 837p`, `claimls import 837p` and `claimls check` on an 837P, through the binary.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scratch(name: &str) -> PathBuf {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("x12-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
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

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// The README's command: the clean examples are exported, the three with errors are named and left out.
fn export_examples(out: &Path) -> Output {
    claimls(
        &root(),
        &[
            "export",
            "837p",
            "--patients",
            "examples/patients.toml",
            "--control-number",
            "77",
            "-o",
            out.to_str().unwrap(),
            "examples/",
        ],
    )
}

#[test]
fn export_of_the_examples_leaves_out_the_claims_with_errors() {
    let dir = scratch("export");
    let out = dir.join("out.837");
    let o = export_examples(&out);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    for claim in ["OCR-2026-0207", "OCR-2026-0388", "IFX-2026-0311"] {
        assert!(
            stderr.contains(&format!("claim {claim}: 1 error finding")),
            "{stderr}"
        );
    }
    let interchange = std::fs::read_to_string(&out).unwrap();
    let claims: Vec<&str> = interchange
        .lines()
        .filter_map(|l| l.strip_prefix("CLM*"))
        .map(|l| l.split('*').next().unwrap())
        .collect();
    assert_eq!(claims, ["IFX-2026-0007", "BEL-2026-0019", "OCR-2026-0142"]);
    assert!(interchange.starts_with("ISA*00*"));
    assert!(interchange.contains("*000000077*0*T*:~"));
    // Patient data goes into the 837P only, never to the terminal.
    assert!(!stderr.contains("Brennan") && !text(&o.stdout).contains("Brennan"));
}

#[test]
fn export_without_patients_names_the_claim_and_the_option() {
    let o = claimls(
        &root(),
        &["export", "837p", "examples/ocrevus-maintenance.claim"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stderr).trim(),
        "claimls: examples/ocrevus-maintenance.claim:2: claim OCR-2026-0142: the 837P needs the patient's name, birth date, sex and address: pass `--patients FILE` (docs/x12-837p.md)"
    );
}

#[test]
fn check_of_an_837p_points_at_the_segment_line_in_text_json_and_sarif() {
    let dir = scratch("check");
    let out = dir.join("out.837");
    export_examples(&out);
    let damaged = std::fs::read_to_string(&out)
        .unwrap()
        .replace("HI*ABK:G35A~", "HI*ABK:G35~");
    std::fs::write(dir.join("batch.edi"), &damaged).unwrap();
    let line = damaged.lines().position(|l| l == "HI*ABK:G35~").unwrap() + 1;

    let o = claimls(&dir, &["check", "batch.edi"]);
    assert_eq!(o.status.code(), Some(1));
    let stdout = text(&o.stdout);
    assert!(
        stdout.contains("error[dx-not-billable]: G35 (Multiple sclerosis) is a category")
            && stdout.contains(&format!("--> batch.edi:{line}:1\n")),
        "{stdout}"
    );

    let o = claimls(&dir, &["check", "--format", "json", "batch.edi"]);
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<(String, u64)> = json["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] != "information")
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, [("dx-not-billable".to_string(), line as u64)]);

    let o = claimls(&dir, &["check", "--format", "sarif", "batch.edi"]);
    let sarif: Value = serde_json::from_slice(&o.stdout).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "dx-not-billable")
        .unwrap()
        .clone();
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        line as u64
    );
}

/// Clearinghouses often send an interchange as one line (segments end at `~`, no line breaks): a
/// finding is then on line 1, at its segment's column, and the text report shows that segment.
#[test]
fn check_of_a_one_line_837p_points_at_the_segment_column() {
    let dir = scratch("one-line");
    // Eight copies of the examples, each claim with its own id: an interchange of about 30 claims.
    let drafts = dir.join("drafts");
    std::fs::create_dir_all(&drafts).unwrap();
    for name in ["claimls.toml", "patients.toml"] {
        std::fs::copy(root().join("examples").join(name), drafts.join(name)).unwrap();
    }
    for entry in std::fs::read_dir(root().join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "claim") {
            let draft = std::fs::read_to_string(&path).unwrap();
            for copy in 0..8 {
                let renamed = draft.replace("\nclaim ", &format!("\nclaim C{copy}-"));
                let renamed = match renamed.strip_prefix("claim ") {
                    Some(rest) => format!("claim C{copy}-{rest}"),
                    None => renamed,
                };
                let name = format!("{copy}-{}", path.file_name().unwrap().to_string_lossy());
                std::fs::write(drafts.join(name), renamed).unwrap();
            }
        }
    }
    let out = dir.join("out.837");
    let o = claimls(
        &drafts,
        &[
            "export",
            "837p",
            "--patients",
            "patients.toml",
            "--control-number",
            "77",
        ]
        .into_iter()
        .chain(["-o", out.to_str().unwrap(), "."])
        .collect::<Vec<_>>(),
    );
    assert!(out.exists(), "{}", text(&o.stderr));
    let one_line = std::fs::read_to_string(&out)
        .unwrap()
        .replace("HI*ABK:G35A~", "HI*ABK:G35~")
        .replace(['\n', '\r'], "");
    assert!(
        one_line.len() > 4096,
        "long enough to be cut for the renderer"
    );
    std::fs::write(dir.join("batch.edi"), &one_line).unwrap();
    let column = one_line.find("HI*ABK:G35~").unwrap() + 1;

    let o = claimls(&dir, &["check", "batch.edi"]);
    assert_eq!(o.status.code(), Some(1));
    let stdout = text(&o.stdout);
    let report = stdout
        .split("\n\n")
        .find(|r| r.starts_with("error[dx-not-billable]"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        report.contains(&format!("--> batch.edi:1:{column}\n")),
        "{report}"
    );
    let source_line = report
        .lines()
        .find(|l| l.starts_with("1 | "))
        .unwrap_or_else(|| panic!("{report}"));
    let caret = report
        .lines()
        .skip_while(|l| !l.starts_with("1 | "))
        .nth(1)
        .unwrap();
    let under = source_line
        .char_indices()
        .zip(caret.chars())
        .filter(|(_, c)| *c == '^')
        .map(|((_, s), _)| s)
        .collect::<String>();
    assert_eq!(under, "HI*ABK:G35", "{report}");

    let o = claimls(&dir, &["check", "--format", "json", "batch.edi"]);
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    let start = json["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "dx-not-billable")
        .unwrap()["range"]["start"]
        .clone();
    assert_eq!(start["line"], 1);
    assert_eq!(start["column"], column as u64);
}

#[test]
fn import_writes_drafts_that_check_without_syntax_errors() {
    let dir = scratch("import");
    let out = dir.join("out.837");
    export_examples(&out);
    let drafts = dir.join("drafts");
    let o = claimls(
        &dir,
        &["import", "837p", "out.837", "-o", drafts.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let draft = std::fs::read_to_string(drafts.join("out.claim")).unwrap();
    assert!(
        draft.contains(
            "line J2350 JZ units 600 dx A ndc 50242-0150-01 20 ML charge 45000 on 2026-11-20"
        ),
        "{draft}"
    );
    assert!(
        draft.contains("payer commercial \"Acme Health PPO\""),
        "{draft}"
    );
    assert!(
        !draft.contains("Brennan") && !draft.contains("1984"),
        "patient data in a draft"
    );
    let o = claimls(&dir, &["check", "--format", "json", "drafts/out.claim"]);
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    // The clean claims stay clean; the absent administration record is said once per claim.
    let found: Vec<(String, String, u64)> = json["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, String, u64)> = draft
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("claim "))
        .map(|(i, _)| {
            (
                "doc-admin-missing".to_string(),
                "information".to_string(),
                i as u64 + 1,
            )
        })
        .collect();
    assert_eq!(expected.len(), 3);
    assert_eq!(found, expected, "{json}");
    assert_eq!(o.status.code(), Some(0));
}

/// A broken line with no line end after its claim: one parse of the whole file reads `claim A` as
/// part of the broken line and has no claim, while `claimls check` reads claim A on its own. Export
/// reads each claim as `check` does, so claim A is named with its findings and its line (never left
/// out unseen), and with --force it reaches the writer, whose messages give the file's line too.
#[test]
fn export_reads_each_claim_as_check_does() {
    let dir = scratch("as-check");
    std::fs::write(
        dir.join("draft.claim"),
        "waste 300 dose, diagnosis written as the G35 cce 2025-10-01).\nclaim A\n  pos 11",
    )
    .unwrap();
    std::fs::copy(
        root().join("examples/claimls.toml"),
        dir.join("claimls.toml"),
    )
    .unwrap();
    let check = claimls(&dir, &["check", "draft.claim"]);
    assert!(
        text(&check.stdout).contains("error[doc-order-missing]")
            && text(&check.stdout).contains("--> draft.claim:2:1"),
        "check sees claim A: {}",
        text(&check.stdout)
    );
    let o = claimls(&dir, &["export", "837p", "-o", "out.837", "draft.claim"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stderr),
        "claimls: draft.claim:2: claim A: 2 error findings (doc-order-missing): not exported; `claimls check draft.claim` shows them\n\
         claimls: no claim to export\n"
    );
    let o = claimls(
        &dir,
        &["export", "837p", "--force", "-o", "out.837", "draft.claim"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stderr),
        "claimls: draft.claim:2: claim A: 2 error findings (doc-order-missing): exported anyway (--force); `claimls check draft.claim` shows them\n\
         claimls: draft.claim:2: claim A: no `payer`: write `payer medicare` (or medicaid, medicare-advantage, commercial \"<name>\")\n"
    );
    assert!(!dir.join("out.837").exists(), "nothing is written");
}
