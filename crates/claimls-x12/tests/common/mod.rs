//! What the 837P tests share: the test claims' configuration and patients, exporting a draft text,
//! and where the X12 samples are.
#![allow(dead_code)]

use claimls_data::CodeData;
use claimls_model::Date;
use claimls_rules::config::Config;
use claimls_x12::{DraftFile, Envelope, Patients};
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn claims_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/claims")
}

pub fn config(dir: &Path) -> Config {
    Config::load(&dir.join("claimls.toml")).expect("claimls.toml loads")
}

pub fn patients(path: &Path) -> Patients {
    Patients::load(path).expect("patients file loads")
}

pub const ENVELOPE: Envelope = Envelope {
    control_number: 1207,
    date: Date {
        year: 2026,
        month: 12,
        day: 1,
    },
    time: (21, 30),
};

/// Export one draft text (every claim in it, whatever its findings) to an 837P.
pub fn export(
    path: &str,
    text: &str,
    config: &Config,
    patients: &Patients,
) -> Result<String, String> {
    let doc = claimls_syntax::document(text);
    let data = CodeData::embedded();
    let files = [DraftFile {
        path,
        text,
        line: 0,
        claims: &doc.claims,
    }];
    claimls_x12::export(&files, &data, config, Some(patients), ENVELOPE).map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// The `.claim` files of a folder, sorted.
pub fn claim_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "claim"))
        .collect();
    files.sort();
    files
}

/// The shared X12 samples (../shared/x12), or `None` with a loud skip outside CI (a failure in CI).
pub fn samples() -> Option<Vec<PathBuf>> {
    let dir = std::env::var_os("CLAIMLS_X12_SAMPLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/x12"));
    let mut files = Vec::new();
    for sub in ["tr3-examples", "stedi"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "837" || x == "edi") {
                files.push(p);
            }
        }
    }
    files.sort();
    if files.is_empty() {
        if std::env::var_os("CI").is_some() {
            panic!(
                "the X12 samples are not in {} (set CLAIMLS_X12_SAMPLES)",
                dir.display()
            );
        }
        eprintln!(
            "SKIPPED: the X12 samples are not in {} (set CLAIMLS_X12_SAMPLES); in CI this fails",
            dir.display()
        );
        return None;
    }
    Some(files)
}
