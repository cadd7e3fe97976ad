//! Importing every official file into a data directory, then answering from it: counts, editions by
//! date of service, enrichment, and the fallbacks for a damaged or foreign index.

#[path = "../../claimls-data/tests/import_common/mod.rs"]
mod import_common;

use claimls::cli::data::{DataCommand, execute};
use claimls_data::{CodeData, CodeKind, store};
use claimls_model::Date;
use import_common::{refdata, temp_dir};
use std::path::{Path, PathBuf};

fn d(s: &str) -> Option<Date> {
    Date::parse_iso(s)
}

fn import_all(name: &str) -> Option<(PathBuf, String)> {
    let refdata = refdata()?;
    let data = temp_dir(name);
    let mut out = Vec::new();
    execute(
        DataCommand::Import {
            paths: vec![refdata],
        },
        &data,
        &mut out,
    )
    .expect("imports everything");
    Some((data, String::from_utf8(out).expect("utf-8 summary")))
}

#[test]
fn import_summary_reports_the_counts() {
    let Some((data, summary)) = import_all("summary") else {
        return;
    };
    eprintln!("{summary}");
    for expected in [
        "8623 codes, 383 modifiers",
        "74719 billable codes",
        "8245 NDC rows",
        "15095 MUE rows",
        "1012 payment limits",
        "52 codes",
        "effective 2025-10-01 to 2025-12-31",
        "effective from 2026-01-01",
        "effective from 2026-04-01",
        "skipped",
        "index written",
    ] {
        assert!(
            summary.contains(expected),
            "summary lacks {expected:?}:\n{summary}"
        );
    }
    let mut status = Vec::new();
    execute(DataCommand::Status, &data, &mut status).expect("status");
    let status = String::from_utf8(status).expect("utf-8");
    eprintln!("{status}");
    assert!(status.contains("editions in use"), "{status}");
    assert!(status.contains("HCPCS 2026 January"), "{status}");
    assert!(
        status.contains("74719 ICD-10-CM entries") || status.contains("ICD-10-CM entries"),
        "{status}"
    );
}

#[test]
fn durvalumab_for_lung_cancer_on_real_data() {
    let Some((data, _)) = import_all("durvalumab") else {
        return;
    };
    let codes = CodeData::load_from(&data);
    let dos = d("2026-05-12");
    assert!(codes.hcpcs_complete(dos));
    assert!(codes.icd10_complete(dos));
    assert!(codes.has_pricing());
    let j9173 = codes.code("j9173", dos).expect("J9173 known after import");
    assert_eq!(j9173.description, "Injection, durvalumab, 10 mg");
    assert_eq!(j9173.kind, CodeKind::Drug);
    assert_eq!(
        j9173.billing_unit.map(|q| q.to_string()).as_deref(),
        Some("10 mg")
    );
    let mue = j9173.mue.expect("MUE of 2026-04-01 in force in May");
    assert!(mue.value > 0);
    assert!(j9173.payment_limit.is_some());
    let drug = j9173.drug.as_ref().expect("drug");
    assert_eq!(drug.generic, "durvalumab");
    assert!(
        drug.brands
            .iter()
            .any(|b| b.eq_ignore_ascii_case("Imfinzi")),
        "{:?}",
        drug.brands
    );
    let by_name: Vec<_> = codes
        .codes_for_drug("Imfinzi", dos)
        .iter()
        .map(|c| c.code.clone())
        .collect();
    assert_eq!(by_name, vec!["J9173"]);
    let product = codes
        .products_for_code("J9173")
        .into_iter()
        .next()
        .expect("an Imfinzi NDC");
    assert_eq!(product.codes, vec!["J9173"]);
    assert!(
        product
            .presentation
            .as_ref()
            .and_then(|p| p.billing_units_per_package)
            .is_some()
    );
    let c3490 = codes.diagnosis("C34.90", dos).expect("C34.90");
    assert!(c3490.billable_on(d("2026-05-12").expect("date")));
    let c34 = codes.diagnosis("C34", dos).expect("the C34 header");
    assert!(!c34.billable);
    let children: Vec<_> = codes
        .billable_children("C34.1", dos)
        .iter()
        .map(|c| c.code.clone())
        .collect();
    assert_eq!(children, vec!["C34.10", "C34.11", "C34.12"]);
}

#[test]
fn editions_are_chosen_by_date_of_service() {
    let Some((data, _)) = import_all("editions") else {
        return;
    };
    let codes = CodeData::load_from(&data);
    // November 2025: only the ASP files of October 2025 are in force for codes; ICD-10-CM FY2026.
    let nov = d("2025-11-15");
    assert!(!codes.hcpcs_complete(nov));
    assert!(codes.icd10_complete(nov));
    assert!(
        codes.edition_for(nov).name.contains("ASP"),
        "{}",
        codes.edition_for(nov).name
    );
    assert!(codes.diagnosis("G35.A", nov).is_some_and(|g| g.billable));
    // February 2026: HCPCS January 2026, no MUE table in force yet (it starts 2026-04-01).
    let feb = d("2026-02-10");
    assert!(codes.hcpcs_complete(feb));
    assert!(codes.edition_for(feb).name.contains("HCPCS 2026 January"));
    assert!(!codes.edition_for(feb).name.contains("MUE"));
    assert!(codes.code("J9173", feb).is_some_and(|c| c.mue.is_none()));
    // May 2026: the MUE table and the April ICD-10-CM update.
    let may = d("2026-05-12");
    assert!(codes.edition_for(may).name.contains("MUE"));
    assert_eq!(
        codes
            .code("J2350", may)
            .and_then(|c| c.mue)
            .map(|m| m.value),
        Some(600)
    );
    // A code terminated before the date of service is inactive on it.
    let j1300 = codes
        .code("J1300", feb)
        .expect("J1300 is in the file with its termination date");
    assert!(!j1300.active_on(d("2026-02-10").expect("date")));
    assert!(j1300.active_on(d("2025-03-31").expect("date")));
    // Before every imported edition only the embedded set answers.
    let old = d("2024-06-01");
    assert!(!codes.hcpcs_complete(old));
    assert!(!codes.icd10_complete(old));
    assert!(codes.code("J9173", old).is_none() || !codes.hcpcs_complete(old));
    // Place of service from the CMS list, whatever the date.
    assert_eq!(
        codes.place_of_service("11").map(|p| p.name.as_str()),
        Some("Office")
    );
    assert_eq!(codes.places_of_service().len(), 52);
    assert!(codes.place_of_service("22").is_some_and(|p| p.facility));
}

#[test]
fn completion_over_the_full_sets() {
    let Some((data, _)) = import_all("completion") else {
        return;
    };
    let codes = CodeData::load_from(&data);
    let hits = codes.search_codes("J917", 20);
    assert!(hits.iter().any(|h| h.code == "J9173"), "{hits:?}");
    let hits = codes.search_codes("durva", 20);
    assert_eq!(
        hits.first().map(|h| h.code.as_str()),
        Some("J9173"),
        "{hits:?}"
    );
    let hits = codes.search_diagnoses("C34.9", 20);
    assert!(hits.iter().any(|h| h.code == "C34.90"), "{hits:?}");
    let hits = codes.search_diagnoses("bronchus", 20);
    assert!(hits.iter().any(|h| h.code.starts_with("C34")), "{hits:?}");
}

fn write_index(data: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(data).expect("dir");
    std::fs::write(store::index_path(data), bytes).expect("write");
}

#[test]
fn a_damaged_or_foreign_index_falls_back_to_the_embedded_set() {
    let Some((data, _)) = import_all("damaged") else {
        return;
    };
    let good = std::fs::read(store::index_path(&data)).expect("index");
    assert!(CodeData::load_from(&data).hcpcs_complete(None));
    // Truncated.
    write_index(&data, &good[..good.len() / 2]);
    assert!(matches!(
        store::load(&data),
        Err(store::StoreError::Corrupt { .. })
    ));
    let fallback = CodeData::load_from(&data);
    assert!(fallback.imported_sets().is_empty() && fallback.diagnosis_tables().is_empty());
    // One flipped byte: the checksum catches it.
    let mut flipped = good.clone();
    let at = flipped.len() - 100;
    flipped[at] ^= 0x40;
    write_index(&data, &flipped);
    assert!(matches!(
        store::load(&data),
        Err(store::StoreError::Corrupt { .. })
    ));
    // Another format version.
    let mut other = good.clone();
    other[8] = 99;
    write_index(&data, &other);
    let err = store::load(&data).expect_err("foreign version");
    assert!(err.to_string().contains("format version 99"), "{err}");
    assert!(CodeData::load_from(&data).imported_sets().is_empty());
    // Garbage.
    write_index(&data, b"not an index at all");
    assert!(CodeData::load_from(&data).imported_sets().is_empty());
}

#[test]
fn reimport_replaces_the_same_file_and_bumps_the_generation() {
    let Some(refdata) = refdata() else { return };
    let data = temp_dir("generation");
    assert_eq!(store::generation(&data), 0);
    let mut out = Vec::new();
    let pos = refdata.join("pos/cs-CMS-PlaceofServiceCodes.xml");
    execute(
        DataCommand::Import {
            paths: vec![pos.clone()],
        },
        &data,
        &mut out,
    )
    .expect("import");
    let first = store::generation(&data);
    assert_ne!(first, 0);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mue = refdata.join("mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv.gz");
    execute(
        DataCommand::Import {
            paths: vec![pos, mue],
        },
        &data,
        &mut out,
    )
    .expect("import");
    assert_ne!(store::generation(&data), first);
    let parts = store::load(&data).expect("loads").expect("present");
    assert_eq!(parts.len(), 2, "the POS list replaced, the MUE table added");
}
