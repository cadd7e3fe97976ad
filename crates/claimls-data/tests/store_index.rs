//! The index as stored at import and read in place at start: a damaged, truncated or older index
//! gives a clear error (never a panic, never a value read from damaged bytes), and every query
//! answers the same from the stored editions as from the editions built in memory.

mod import_common;

use claimls_data::import::{DiagnosisRow, HcpcsRecord, Part, Records, build_editions, read_paths};
use claimls_data::store::{self, StoreError};
use claimls_data::{CodeData, CodeKind};
use claimls_model::Date;
use import_common::{refdata, temp_dir};
use std::path::Path;

fn hcpcs(code: &str, description: &str) -> HcpcsRecord {
    HcpcsRecord {
        code: code.to_string(),
        long_description: description.to_string(),
        short_description: String::new(),
        added: Date::new(2024, 1, 1),
        action_effective: None,
        terminated: None,
        cross_reference: Vec::new(),
    }
}

/// A small index: a HCPCS file with a code the embedded set does not know (J9999), and an ICD-10-CM
/// codes file.
fn small_parts() -> Vec<Part> {
    vec![
        Part {
            name: "HCPCS test".into(),
            source: "test".into(),
            effective: Date::new(2026, 1, 1),
            until: None,
            records: Records::Hcpcs {
                codes: vec![
                    hcpcs("J9999", "Injection, testumab, 5 mg"),
                    hcpcs("J2350", "Injection, ocrelizumab, 1 mg"),
                ],
                modifiers: vec![hcpcs("JW", "Drug amount discarded/not administered")],
            },
        },
        Part {
            name: "ICD-10-CM test".into(),
            source: "test".into(),
            effective: Date::new(2025, 10, 1),
            until: Date::new(2026, 9, 30),
            records: Records::Icd10Codes(DiagnosisRow::pack(vec![DiagnosisRow {
                key: "Z9999".into(),
                title: "Test condition of the index".into(),
                billable: true,
            }])),
        },
    ]
}

fn write_small(name: &str) -> (std::path::PathBuf, Vec<u8>) {
    let dir = temp_dir(name);
    store::save(&dir, &small_parts()).expect("saves");
    let bytes = std::fs::read(store::index_path(&dir)).expect("reads");
    (dir, bytes)
}

fn write_index(dir: &Path, bytes: &[u8]) {
    std::fs::write(store::index_path(dir), bytes).expect("write");
}

#[test]
fn a_stored_index_answers_from_its_editions() {
    let (dir, _) = write_small("index-answers");
    let data = CodeData::load_from(&dir);
    let code = data.code("j9999", None).expect("the stored code");
    assert_eq!(code.kind, CodeKind::Drug);
    assert_eq!(
        code.billing_unit.map(|u| u.to_string()).as_deref(),
        Some("5 mg")
    );
    assert_eq!(
        data.code_edition("J9999", None).map(|e| e.name.as_str()),
        Some("HCPCS test")
    );
    assert!(data.hcpcs_complete(None));
    assert_eq!(
        data.diagnosis("Z99.99", None).map(|d| d.title.as_str()),
        Some("Test condition of the index")
    );
    let hits = data.search_codes("testu", 5);
    assert_eq!(hits.first().map(|h| h.code.as_str()), Some("J9999"));
    let hits = data.search_diagnoses("condition", 5);
    assert_eq!(hits.first().map(|h| h.code.as_str()), Some("Z99.99"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_truncated_index_is_refused_at_every_length() {
    let (dir, good) = write_small("index-truncated");
    let step = (good.len() / 97).max(1);
    for len in (0..good.len()).step_by(step).chain([good.len() - 1]) {
        write_index(&dir, &good[..len]);
        let err = match store::open(&dir) {
            Err(e) => e,
            Ok(_) => panic!("a file cut to {len} of {} bytes was accepted", good.len()),
        };
        assert!(matches!(err, StoreError::Corrupt { .. }), "{len}: {err}");
        assert!(
            err.to_string().contains("run `claimls data import` again"),
            "{err}"
        );
        let data = CodeData::load_from(&dir);
        assert!(data.code("J9999", None).is_none(), "cut to {len}");
        assert!(!data.hcpcs_complete(None));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_damaged_byte_anywhere_is_never_read_as_data() {
    let (dir, good) = write_small("index-damaged");
    for at in (0..good.len()).step_by(7) {
        let mut bad = good.clone();
        bad[at] ^= 0x5a;
        write_index(&dir, &bad);
        // Import and `data status` check every section.
        assert!(
            matches!(
                store::load(&dir),
                Err(StoreError::Corrupt { .. } | StoreError::Version { .. })
            ),
            "a flipped byte at {at} went unnoticed"
        );
        // Start-up reads the directory only; a section is checked when first read. Either way the
        // damaged bytes answer nothing: the code is the stored one, intact, or not known at all.
        let data = CodeData::load_from(&dir);
        if let Some(code) = data.code("J9999", None) {
            assert_eq!(code.description, "Injection, testumab, 5 mg", "byte {at}");
        }
        if let Some(d) = data.diagnosis("Z9999", None) {
            assert_eq!(d.title, "Test condition of the index", "byte {at}");
        }
        // The word indexes are checked entry by entry as a search reads them: a hit is never made
        // of damaged bytes.
        for hit in data.search_codes("test", 10) {
            if hit.code == "J9999" {
                assert_eq!(hit.label, "Injection, testumab, 5 mg", "byte {at}");
            }
        }
        for hit in data.search_diagnoses("condition", 10) {
            if hit.code == "Z99.99" {
                assert_eq!(hit.label, "Test condition of the index", "byte {at}");
            }
        }
        let _ = data.drugs();
        let _ = data.modifiers();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_index_of_another_format_version_says_to_import_again() {
    let (dir, good) = write_small("index-version");
    let mut old = good.clone();
    old[8..12].copy_from_slice(&3u32.to_le_bytes());
    write_index(&dir, &old);
    let err = store::open(&dir).err().expect("refused");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: the code-data index has format version 3, this claimls reads version {}; run \
             `claimls data import` again",
            store::index_path(&dir).display(),
            store::FORMAT_VERSION
        )
    );
    assert!(CodeData::load_from(&dir).code("J9999", None).is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every query the rules and the language server make, answered before (editions built in memory)
/// and after (stored, then read in place): the same records, in the same order.
#[test]
fn queries_agree_before_and_after_store_over_the_real_data() {
    let Some(refdata) = refdata() else { return };
    let found = read_paths(std::slice::from_ref(&refdata)).expect("reads");
    let parts = store::merge(Vec::new(), found.parts);
    let embedded = claimls_data::CodeSet::embedded();
    let built = build_editions(&parts, &embedded);
    let dir = temp_dir("index-equal");
    store::save(&dir, &parts).expect("saves");
    let after = CodeData::load_from(&dir);
    let before = CodeData::with_editions(built.sets, built.tables);
    let mut codes: Vec<String> = Vec::new();
    let mut ndcs: Vec<String> = Vec::new();
    for p in &parts {
        match &p.records {
            Records::Hcpcs { codes: c, .. } => codes.extend(c.iter().map(|r| r.code.clone())),
            Records::AspCrosswalk(rows) => ndcs.extend(rows.iter().map(|r| r.ndc.clone())),
            _ => {}
        }
    }
    codes.extend(["96413", "96415", "96365", "J2350", "NOPE1"].map(String::from));
    let dates = [
        None,
        Date::new(2025, 11, 3),
        Date::new(2026, 2, 2),
        Date::new(2026, 5, 4),
    ];
    let same = |what: &str, a: String, b: String| assert!(a == b, "{what}:\n{a}\n{b}");
    for dos in dates {
        for c in &codes {
            same(
                c,
                format!("{:?}", before.code(c, dos)),
                format!("{:?}", after.code(c, dos)),
            );
            same(
                c,
                format!("{:?}", before.code_edition(c, dos)),
                format!("{:?}", after.code_edition(c, dos)),
            );
        }
        for m in ["JW", "JZ", "JG", "TB", "25", "XX"] {
            same(
                m,
                format!("{:?}", before.modifier(m, dos)),
                format!("{:?}", after.modifier(m, dos)),
            );
        }
        for dx in ["G35", "G35.A", "C34.90", "E11.9", "Z99.99", "K50.90"] {
            same(
                dx,
                format!("{:?}", before.diagnosis(dx, dos)),
                format!("{:?}", after.diagnosis(dx, dos)),
            );
            same(
                dx,
                format!("{:?}", before.billable_children(dx, dos)),
                format!("{:?}", after.billable_children(dx, dos)),
            );
        }
        for name in [
            "ocrelizumab",
            "Ocrevus",
            "infliximab",
            "pembrolizumab",
            "J9173",
        ] {
            same(
                name,
                format!("{:?}", before.codes_for_drug(name, dos)),
                format!("{:?}", after.codes_for_drug(name, dos)),
            );
        }
        same(
            "hcpcs_complete",
            format!("{:?}", before.hcpcs_complete(dos)),
            format!("{:?}", after.hcpcs_complete(dos)),
        );
        same(
            "edition_for",
            format!("{:?}", before.edition_for(dos)),
            format!("{:?}", after.edition_for(dos)),
        );
    }
    for n in &ndcs {
        same(
            n,
            format!("{:?}", before.product(n)),
            format!("{:?}", after.product(n)),
        );
    }
    for c in codes.iter().step_by(7) {
        same(
            c,
            format!("{:?}", before.products_for_code(c)),
            format!("{:?}", after.products_for_code(c)),
        );
    }
    for q in [
        "J",
        "J9",
        "J917",
        "j23",
        "Q51",
        "963",
        "durva",
        "ocre",
        "pembro",
        "Remicade",
        "insulin",
        "saline",
        "injection",
        "vial",
        "zzzz",
    ] {
        same(
            q,
            format!("{:?}", before.search_codes(q, 50)),
            format!("{:?}", after.search_codes(q, 50)),
        );
    }
    for q in ["C34", "g35.a", "bronchus", "sclerosis", "diabetes", "zzzz"] {
        same(
            q,
            format!("{:?}", before.search_diagnoses(q, 50)),
            format!("{:?}", after.search_diagnoses(q, 50)),
        );
    }
    same(
        "modifiers",
        format!("{:?}", before.modifiers()),
        format!("{:?}", after.modifiers()),
    );
    same(
        "drugs",
        format!("{:?}", before.drugs()),
        format!("{:?}", after.drugs()),
    );
    same(
        "places",
        format!("{:?}", before.places_of_service()),
        format!("{:?}", after.places_of_service()),
    );
    let _ = std::fs::remove_dir_all(&dir);
}
