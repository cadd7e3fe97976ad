//! Every export passes validators nobody here wrote: pyx12 4.0.0 (structure, loops, X12 code lists;
//! its `OK`/`Failure` line is read, not its exit status) and linuxforhealth-x12 0.57.0 (claim balancing).
//! The validators are installed from PyPI into `target/x12-venv` (made once, then reused). Without
//! them the test skips loudly; with `CI` set it fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The venv, made once per test run (the tests of this file run in parallel and share it).
fn venv() -> Option<PathBuf> {
    static VENV: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    VENV.get_or_init(make_venv).clone()
}

fn make_venv() -> Option<PathBuf> {
    let dir = common::root().join("target/x12-venv");
    let python = dir.join("bin/python");
    let ready = |p: &Path| {
        Command::new(p)
            .args(["-c", "import pyx12, linuxforhealth.x12"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !ready(&python) {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success())
            && Command::new(dir.join("bin/pip"))
                .args([
                    "install",
                    "-q",
                    "pyx12==4.0.0",
                    "linuxforhealth-x12==0.57.0",
                    "pydantic<2",
                ])
                .status()
                .is_ok_and(|s| s.success());
        if !made || !ready(&python) {
            if std::env::var_os("CI").is_some() {
                panic!(
                    "could not install pyx12 and linuxforhealth-x12 into {}",
                    dir.display()
                );
            }
            eprintln!(
                "SKIPPED: the X12 validators could not be installed into {} (python3 -m venv + pip); in CI this fails",
                dir.display()
            );
            return None;
        }
    }
    Some(dir)
}

/// pyx12's verdict (`FILE: OK` on stderr) and linuxforhealth-x12's (exit status of `lfhx12 -m -x`).
fn validate(venv: &Path, name: &str, interchange: &str) {
    let dir = common::root().join("target/x12-validate");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.837"));
    std::fs::write(&file, interchange).unwrap();
    let pyx12 = Command::new(venv.join("bin/python"))
        .args(["-m", "pyx12.scripts.x12valid", "-q", "-J"])
        .arg(&file)
        .current_dir(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&pyx12.stderr);
    let verdict = format!("{}: OK", file.display());
    assert!(
        stderr.lines().any(|l| l.trim() == verdict),
        "pyx12 rejects the export of {name}:\n{stderr}\n{interchange}"
    );
    assert!(!stderr.contains("Failure"), "pyx12: {stderr}");
    let lfh = Command::new(venv.join("bin/lfhx12"))
        .args(["-m", "-x"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        lfh.status.success(),
        "linuxforhealth-x12 rejects the export of {name}:\n{}{}\n{interchange}",
        String::from_utf8_lossy(&lfh.stdout),
        String::from_utf8_lossy(&lfh.stderr)
    );
}

#[test]
fn exports_of_the_examples_and_the_test_claims_pass_both_validators() {
    let Some(venv) = venv() else { return };
    let sets = [
        (common::root().join("examples"), "patients.toml"),
        (common::claims_dir(), "patients.toml"),
    ];
    let mut checked = 0;
    for (dir, patients) in sets {
        let config = common::config(&dir);
        let patients = common::patients(&dir.join(patients));
        let mut all = String::new();
        for file in common::claim_files(&dir) {
            let text = std::fs::read_to_string(&file).unwrap();
            let name = file.file_stem().unwrap().to_string_lossy().to_string();
            let interchange =
                common::export(&file.display().to_string(), &text, &config, &patients)
                    .unwrap_or_else(|e| panic!("{name} does not export: {e}"));
            validate(&venv, &name, &interchange);
            all.push_str(&text);
            all.push('\n');
            checked += 1;
        }
        // All claims of the folder in one interchange, too.
        let dir_name = dir.file_name().unwrap().to_string_lossy().to_string();
        let interchange = common::export(&dir_name, &all, &config, &patients).unwrap();
        validate(&venv, &format!("all-{dir_name}"), &interchange);
    }
    assert!(checked >= 10, "only {checked} files exported");
}

#[test]
fn a_relabelled_guide_drug_example_passes_pyx12_so_the_harness_reads_its_verdict() {
    // The harness itself: a file known to pass passes, and a damaged one fails.
    let Some(venv) = venv() else { return };
    let Some(samples) = common::samples() else {
        return;
    };
    let sample = samples
        .iter()
        .find(|p| p.ends_with("837P_EX10a_drug_adm_office.edi"))
        .expect("the guide's example 10a");
    let text = std::fs::read_to_string(sample).unwrap();
    validate(&venv, "guide-10a", &text);
    let damaged = text.replace("SE*31*0711", "SE*30*0711");
    let caught = std::panic::catch_unwind(|| validate(&venv, "guide-10a-damaged", &damaged));
    assert!(caught.is_err(), "a wrong SE count must fail validation");
}
