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
            force: false,
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
        "9000 add-on code edits for",
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
        status.contains("NCCI add-on code edits 2026 Q2 (AOC_V2026Q2-MCR.xlsx) [from 2026-04-01]:"),
        "{status}"
    );
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
fn addon_edits_come_from_the_imported_workbook() {
    let Some((data, _)) = import_all("addons") else {
        return;
    };
    let codes = CodeData::load_from(&data);
    let edit = codes
        .addon_primaries("96375", d("2026-05-12"))
        .expect("96375 is an add-on code");
    assert_eq!(
        edit.source.name,
        "NCCI add-on code edits 2026 Q2 (AOC_V2026Q2-MCR.xlsx)"
    );
    assert_eq!(
        edit.primaries,
        ["96360", "96365", "96374", "96409", "96413"]
    );
    // The imported file knows add-on codes the embedded rows do not.
    assert!(codes.addon_primaries("0054T", d("2026-05-12")).is_some());
    assert!(
        CodeData::embedded()
            .addon_primaries("0054T", None)
            .is_none()
    );
    assert!(codes.addon_primaries("J9173", d("2026-05-12")).is_none());
}

#[test]
fn a_code_billed_before_its_add_date_is_known_with_its_dates() {
    let Some((data, _)) = import_all("add-date") else {
        return;
    };
    let codes = CodeData::load_from(&data);
    // November 2025: the edition in force (ASP October 2025) has no J3376 (added 2026-01-01);
    // the January 2026 HCPCS file knows it with its add date.
    let nov = d("2025-11-15");
    let j3376 = codes
        .code("J3376", nov)
        .expect("J3376 from the January file");
    assert_eq!(j3376.added, d("2026-01-01"));
    assert!(!j3376.active_on(nov.expect("date")));
    assert!(
        codes
            .code_edition("J3376", nov)
            .is_some_and(|e| e.name.contains("HCPCS 2026 January")),
        "{:?}",
        codes.code_edition("J3376", nov)
    );
    // A code in the edition of the date is answered by it.
    let may = d("2026-05-12");
    assert!(
        codes
            .code_edition("J9173", may)
            .is_some_and(|e| e.name.contains("MUE")),
        "{:?}",
        codes.code_edition("J9173", may)
    );
    assert!(codes.code("ZZZZ9", nov).is_none());
}

#[test]
fn payment_limits_hold_only_within_their_quarter() {
    use claimls_data::PaymentLimit;
    let Some((data, _)) = import_all("quarter") else {
        return;
    };
    let codes = CodeData::load_from(&data);
    let quarter = "2025 Q4 (October 2025 ASP file)".to_string();
    assert_eq!(
        codes.payment_limit("J2350", d("2025-11-15")),
        PaymentLimit::Known {
            per_unit: "59.414".parse().expect("decimal"),
            quarter: quarter.clone()
        }
    );
    assert_eq!(
        codes.payment_limit("J2350", d("2026-11-16")),
        PaymentLimit::OutsideQuarter {
            loaded: vec![quarter.clone()]
        }
    );
    assert_eq!(
        codes.payment_limit("J2350", d("2025-09-30")),
        PaymentLimit::OutsideQuarter {
            loaded: vec![quarter]
        }
    );
    // J1300 was terminated before the quarter: not in the file.
    assert_eq!(
        codes.payment_limit("J1300", d("2025-11-15")),
        PaymentLimit::NotPriced
    );
    assert_eq!(
        CodeData::embedded().payment_limit("J2350", d("2025-11-15")),
        PaymentLimit::OutsideQuarter { loaded: vec![] }
    );
}

#[test]
fn icd10_cm_editions_cover_their_fiscal_year_only() {
    let Some((data, _)) = import_all("fiscal-year") else {
        return;
    };
    let codes = CodeData::load_from(&data);
    assert!(codes.icd10_complete(d("2025-10-01")));
    assert!(codes.icd10_complete(d("2026-09-30")));
    assert!(
        !codes.icd10_complete(d("2026-10-01")),
        "FY2027 is not loaded"
    );
    assert!(
        !codes.icd10_complete(d("2025-09-30")),
        "FY2025 is not loaded"
    );
    let april = codes
        .diagnosis_edition(d("2026-05-12"))
        .expect("the April update covers May");
    assert!(april.name.contains("2026-04 update"), "{}", april.name);
    let october = codes
        .diagnosis_edition(d("2025-11-15"))
        .expect("the FY2026 codes file covers November");
    assert!(october.name.contains("FY2026 codes"), "{}", october.name);
    assert!(codes.diagnosis_edition(d("2026-11-15")).is_none());
}

#[test]
fn terminated_codes_name_their_successors_on_real_data() {
    let Some((data, _)) = import_all("successors") else {
        return;
    };
    let codes = CodeData::load_from(&data);
    let may = d("2026-05-12");
    let successor = |code: &str| {
        codes
            .code(code, may)
            .unwrap_or_else(|| panic!("{code} in the file"))
            .replaced_by
            .clone()
    };
    assert_eq!(successor("J3370"), ["J3373"]);
    assert_eq!(successor("J2796"), ["J2802"]);
    assert_eq!(successor("J1300"), ["J1299"]);
    // From the file's own cross-reference field.
    assert_eq!(successor("C9014"), ["J0567"]);
    // Ixifi was withdrawn: no successor code exists, none is named.
    assert!(successor("Q5109").is_empty());
    assert!(successor("J2350").is_empty());
}

#[test]
fn lookup_names_the_file_and_quarter_that_answered() {
    let Some((data, _)) = import_all("lookup") else {
        return;
    };
    let codes = CodeData::load_from(&data);
    let dx = claimls_lsp::lookup::render(&codes, "G35.A").expect("G35.A");
    let footer = dx.lines().last().expect("a footer");
    assert!(footer.starts_with("data: ICD-10-CM FY2026"), "{dx}");
    assert!(!footer.contains("HCPCS"), "{dx}");
    let j2350 = claimls_lsp::lookup::render(&codes, "J2350").expect("J2350");
    assert!(
        j2350.contains("Medicare payment limit: $59.414 per unit, 2025 Q4 (October 2025 ASP file)"),
        "{j2350}"
    );
    let footer = j2350.lines().last().expect("a footer");
    assert!(footer.contains("HCPCS 2026 January"), "{j2350}");
    assert!(!footer.contains("ICD-10-CM"), "{j2350}");
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
            force: false,
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
            force: false,
        },
        &data,
        &mut out,
    )
    .expect("import");
    assert_ne!(store::generation(&data), first);
    let parts = store::load(&data).expect("loads").expect("present");
    assert_eq!(parts.len(), 2, "the POS list replaced, the MUE table added");
}

/// `charge-below-limit` compares a charge with the limit of its own quarter, names the quarter, writes
/// money as money, and says no limit is known for a date the loaded quarter does not cover.
#[test]
fn charge_below_limit_uses_the_quarter_of_the_date_of_service() {
    let Some((data, _)) = import_all("charge-quarter") else {
        return;
    };
    let codes = CodeData::load_from(&data);
    let claim = |date: &str| {
        format!(
            "claim C-1\n  payer medicare\n  provider 1234567893\n  pos 11\n  dx A G35.A\n  order 2025-09-01 signed \"R. Patel, MD\"\n  admin ocrelizumab\n    dose 600 mg\n    route iv\n    start {date} 09:30\n    stop 13:05\n    vial 50242-0150-01 x2\n    waste 0 mg\n    reaction none\n  line J2350 JZ units 600 dx A charge 30000\n"
        )
    };
    let findings = |text: &str| {
        let doc = claimls_syntax::document(text);
        claimls_rules::check(&doc, &codes, &claimls_rules::config::Config::default())
            .into_iter()
            .filter(|f| f.rule == "charge-below-limit")
            .map(|f| f.message)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        findings(&claim("2025-11-20")),
        vec![
            "The Medicare payment limit for J2350 is $59.414 per unit (2025 Q4 (October 2025 ASP file)): 600 units is $35,648.40, but the charge is $30,000.00. Medicare pays the lower of the two, so $5,648.40 is left unclaimed; review the charge master price."
        ]
    );
    assert_eq!(
        findings(&claim("2026-11-20")),
        vec![
            "No Medicare payment limit is known for J2350 on 2026-11-20: the ASP pricing loaded is 2025 Q4 (October 2025 ASP file), and a limit holds only for its quarter. Import the ASP file of the date's quarter to compare the charge."
        ]
    );
}

/// A code billed before its HCPCS add date is `code-inactive` (the imported file gives the date), not
/// just `not-in-data`; a diagnosis on a date no imported ICD-10-CM edition covers is not `dx-unknown`.
#[test]
fn dates_outside_an_edition_are_judged_by_the_edition_that_knows() {
    let Some((data, _)) = import_all("outside-edition") else {
        return;
    };
    let codes = CodeData::load_from(&data);
    let rules_of = |text: &str| {
        let doc = claimls_syntax::document(text);
        claimls_rules::check(&doc, &codes, &claimls_rules::config::Config::default())
            .into_iter()
            .map(|f| (f.rule, f.message))
            .collect::<Vec<_>>()
    };
    let before_added = rules_of(
        "claim C-1\n  payer medicare\n  provider 1234567893\n  pos 11\n  dx A G35.A\n  line J3376 units 1 dx A on 2025-11-15\n",
    );
    assert!(
        before_added
            .iter()
            .any(|(r, m)| *r == "code-inactive" && m.contains("takes effect on 2026-01-01")),
        "{before_added:#?}"
    );
    assert!(
        before_added.iter().all(|(r, _)| *r != "not-in-data"),
        "{before_added:#?}"
    );
    // FY2027 starts 2026-10-01; only FY2026 ICD-10-CM files are imported.
    let next_year = rules_of(
        "claim C-2\n  payer medicare\n  provider 1234567893\n  pos 11\n  dx A Q99.9\n  line J2350 JZ units 600 dx A on 2026-11-20\n",
    );
    assert!(
        next_year.iter().all(|(r, _)| *r != "dx-unknown"),
        "{next_year:#?}"
    );
}

/// Hover names the quarter of the payment limit it shows, says when none is known for the date, and
/// its data line names the file that answered (ICD-10-CM for a diagnosis).
#[test]
fn hover_names_the_quarter_and_the_file_that_answered() {
    let Some((data, _)) = import_all("hover-quarter") else {
        return;
    };
    let codes = CodeData::load_from(&data);
    let in_quarter =
        claimls_lsp::hover::code_markdown(&codes, "J2350", d("2025-11-15")).expect("J2350");
    assert!(
        in_quarter.contains("$59.414 per unit (2025 Q4 (October 2025 ASP file))"),
        "{in_quarter}"
    );
    let later = claimls_lsp::hover::code_markdown(&codes, "J2350", d("2026-11-20")).expect("J2350");
    assert!(later.contains("none known for this date"), "{later}");
    let dx =
        claimls_lsp::hover::diagnosis_markdown(&codes, "G35.A", d("2026-03-02")).expect("G35.A");
    assert!(dx.contains("_Data: ICD-10-CM"), "{dx}");
}
