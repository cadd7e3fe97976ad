//! Each official-file reader on the real files in ../shared/refdata.

mod import_common;

use claimls_data::import::{Records, read_file};
use claimls_model::Date;
use import_common::refdata;

fn only(path: &std::path::Path) -> claimls_data::import::Part {
    let mut parts = read_file(path).expect("reads");
    assert_eq!(parts.len(), 1, "one part from {}", path.display());
    parts.remove(0)
}

fn d(s: &str) -> Option<Date> {
    Date::parse_iso(s)
}

#[test]
fn hcpcs_zip_as_published() {
    let Some(dir) = refdata() else { return };
    let part = only(&dir.join("hcpcs/january-2026-alpha-numeric-hcpcs-file.zip"));
    assert_eq!(part.effective, d("2026-01-01"));
    assert!(part.name.contains("2026 January"), "{}", part.name);
    let Records::Hcpcs { codes, modifiers } = &part.records else {
        panic!("not HCPCS")
    };
    assert_eq!(codes.len(), 8623);
    assert_eq!(modifiers.len(), 383);
    let j1300 = codes.iter().find(|c| c.code == "J1300").expect("J1300");
    assert_eq!(j1300.long_description, "Injection, eculizumab, 10 mg");
    assert_eq!(j1300.terminated, d("2025-03-31"));
    assert_eq!(j1300.added, d("2008-01-01"));
    let j2351 = codes.iter().find(|c| c.code == "J2351").expect("J2351");
    assert_eq!(
        j2351.long_description,
        "Injection, ocrelizumab, 1 mg and hyaluronidase-ocsq"
    );
    assert_eq!(j2351.short_description, "Inj ocrelizumab 1mg hya-ocsq");
    // The 547-column record and continuation lines.
    let g9871 = codes.iter().find(|c| c.code == "G9871").expect("G9871");
    assert_eq!(g9871.added, d("2026-01-01"));
    let g9873 = codes.iter().find(|c| c.code == "G9873").expect("G9873");
    assert!(
        g9873
            .long_description
            .contains("(mdpp) core session was attended by an mdpp beneficiary"),
        "{}",
        g9873.long_description
    );
    let jg = modifiers.iter().find(|m| m.code == "JG").expect("JG");
    assert_eq!(jg.terminated, d("2024-12-31"));
    assert!(
        jg.long_description
            .ends_with("reported for informational purposes"),
        "{}",
        jg.long_description
    );
    assert!(!modifiers.iter().any(|m| m.code == "JN"));
}

#[test]
fn hcpcs_txt_gz_is_the_same_as_the_zip() {
    let Some(dir) = refdata() else { return };
    let txt = only(&dir.join("hcpcs/HCPC2026_JAN_ANWEB_01122026.txt.gz"));
    let zip = only(&dir.join("hcpcs/january-2026-alpha-numeric-hcpcs-file.zip"));
    assert_eq!(txt.records, zip.records);
    assert_eq!(txt.effective, zip.effective);
}

#[test]
fn asp_pricing() {
    let Some(dir) = refdata() else { return };
    let part = only(&dir.join("asp/2025-10/asp_pricing.csv"));
    assert_eq!(
        (part.effective, part.until),
        (d("2025-10-01"), d("2025-12-31"))
    );
    let Records::AspPricing(rows) = &part.records else {
        panic!("not ASP pricing")
    };
    assert_eq!(rows.len(), 1012);
    let j2350 = rows.iter().find(|r| r.code == "J2350").expect("J2350");
    assert_eq!(j2350.dosage, "1 MG");
    assert_eq!(
        j2350.payment_limit,
        Some("59.414".parse().expect("decimal"))
    );
    assert!(!rows.iter().any(|r| r.code == "J1300"));
}

#[test]
fn asp_crosswalk_gz() {
    let Some(dir) = refdata() else { return };
    let part = only(&dir.join("asp/2025-10/asp_crosswalk.csv.gz"));
    assert_eq!(part.effective, d("2025-10-01"));
    let Records::AspCrosswalk(rows) = &part.records else {
        panic!("not a crosswalk")
    };
    assert_eq!(rows.len(), 8245);
    let ocrevus = rows
        .iter()
        .find(|r| r.ndc == "50242015001")
        .expect("Ocrevus NDC");
    assert_eq!(ocrevus.code, "J2350");
    assert_eq!(ocrevus.labeler, "Genentech, Inc.");
    assert_eq!(ocrevus.drug_name.trim(), "Ocrevus");
    assert_eq!(ocrevus.billing_units_per_package, Some(300.into()));
    let radicava = rows
        .iter()
        .find(|r| r.ndc == "70510217102")
        .expect("Radicava NDC");
    assert_eq!(radicava.package_quantity, Some(2.into()));
    assert_eq!(radicava.billing_units_per_package, Some(60.into()));
    assert_eq!(rows.iter().filter(|r| r.code == "J2357").count(), 9);
}

#[test]
fn mue_table() {
    let Some(dir) = refdata() else { return };
    let part = only(&dir.join("mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv.gz"));
    assert_eq!(part.effective, d("2026-04-01"));
    let Records::Mue(rows) = &part.records else {
        panic!("not MUE")
    };
    assert_eq!(rows.len(), 15095);
    let j2350 = rows.iter().find(|r| r.code == "J2350").expect("J2350");
    assert_eq!((j2350.value, j2350.indicator), (600, 3));
    assert_eq!(rows[0].code, "0001U");
    assert!(!rows.iter().any(|r| r.code == "J1300"));
}

#[test]
fn icd10cm_codes_file() {
    let Some(dir) = refdata() else { return };
    let part = only(&dir.join("icd10cm/fy2026-oct2025/icd10cm-codes-2026.txt.gz"));
    assert_eq!(
        (part.effective, part.until),
        (d("2025-10-01"), d("2026-09-30"))
    );
    let Records::Icd10Codes(rows) = &part.records else {
        panic!("not ICD-10-CM codes")
    };
    assert_eq!(rows.len(), 74_719);
    let g35a = rows.iter().find(|r| r.key == "G35A").expect("G35A");
    assert_eq!(g35a.title, "Relapsing-remitting multiple sclerosis");
    assert!(!rows.iter().any(|r| r.key == "G35"));
}

#[test]
fn icd10cm_tabular_xml() {
    let Some(dir) = refdata() else { return };
    let part = only(&dir.join("icd10cm/fy2026-apr2026/icd10c-tabular-April-1-2026.xml.gz"));
    assert_eq!(part.effective, d("2026-04-01"));
    let Records::Icd10Tabular(rows) = &part.records else {
        panic!("not tabular")
    };
    let find = |k: &str| {
        rows.iter()
            .find(|r| r.key == k)
            .unwrap_or_else(|| panic!("{k} missing"))
    };
    assert!(!find("G35").billable);
    assert_eq!(find("G35").title, "Multiple sclerosis");
    assert!(!find("G35B").billable);
    assert!(find("G35B0").billable);
    assert_eq!(find("C34").title, "Malignant neoplasm of bronchus and lung");
    assert!(find("C3490").billable);
    // 7th characters from sevenChrDef, with placeholder X.
    let s0100xa = find("S0100XA");
    assert!(s0100xa.billable);
    assert!(
        s0100xa.title.ends_with(", initial encounter"),
        "{}",
        s0100xa.title
    );
    // Every FY2026 billable code of October is still a code in April.
    let codes = only(&dir.join("icd10cm/fy2026-oct2025/icd10cm-codes-2026.txt.gz"));
    let Records::Icd10Codes(oct) = &codes.records else {
        panic!("not ICD-10-CM codes")
    };
    let billable: std::collections::HashSet<&str> =
        rows.iter().filter(|r| r.billable).map(|r| r.key).collect();
    let missing: Vec<&str> = oct
        .iter()
        .map(|r| r.key)
        .filter(|k| !billable.contains(k))
        .collect();
    assert!(
        missing.len() < 50,
        "{} October codes not billable in April: {:?}",
        missing.len(),
        &missing[..missing.len().min(20)]
    );
    eprintln!("tabular billable: {}", billable.len());
}

#[test]
fn place_of_service() {
    let Some(dir) = refdata() else { return };
    let part = only(&dir.join("pos/cs-CMS-PlaceofServiceCodes.xml"));
    assert_eq!(part.effective, None);
    let Records::PlaceOfService(rows) = &part.records else {
        panic!("not POS")
    };
    assert_eq!(rows.len(), 52);
    assert!(rows.contains(&("11".to_string(), "Office".to_string())));
    assert!(rows.contains(&(
        "22".to_string(),
        "On Campus-Outpatient Hospital".to_string()
    )));
}

#[test]
fn folders_are_read_recursively_and_other_files_skipped() {
    let Some(dir) = refdata() else { return };
    let found =
        claimls_data::import::read_paths(std::slice::from_ref(&dir)).expect("reads the folder");
    let kinds: Vec<_> = found.parts.iter().map(|p| p.kind()).collect();
    // HCPCS twice (zip and extracted txt), each other file once (the add-on code workbook too).
    assert_eq!(kinds.len(), 9, "{kinds:?}");
    assert!(kinds.contains(&claimls_data::import::PartKind::AddOnCodes));
    assert!(found.skipped.iter().any(|s| s.ends_with("SOURCES.md")));
    assert!(
        found
            .skipped
            .iter()
            .any(|s| s.ends_with("HCPC2026_recordlayout.txt"))
    );
}

#[test]
fn ncci_addon_workbook_as_published() {
    let Some(dir) = refdata() else { return };
    let part = only(&dir.join("ncci/AOC_V2026Q2-MCR.xlsx"));
    assert_eq!(part.effective, d("2026-04-01"));
    assert_eq!(
        part.name,
        "NCCI add-on code edits 2026 Q2 (AOC_V2026Q2-MCR.xlsx)"
    );
    let Records::AddOns(rows) = &part.records else {
        panic!("not the add-on code file")
    };
    assert_eq!(rows.len(), 9000);
    let chemo: Vec<&str> = rows
        .iter()
        .filter(|r| r.addon == "96415")
        .map(|r| r.primary.as_str())
        .collect();
    assert_eq!(chemo, ["96413"]);
    let deleted = rows
        .iter()
        .find(|r| r.addon == "96376" && r.primary == "96360")
        .expect("96376 with 96360");
    assert_eq!(deleted.deleted, d("2016-03-31"));
    assert_eq!(deleted.effective, d("2013-04-01"));
    let data = claimls_data::CodeData::embedded()
        .with_addons(claimls_data::import::take_addons(&mut vec![part]));
    let edit = data
        .addon_primaries("96367", d("2026-05-04"))
        .expect("96367");
    assert_eq!(
        edit.primaries,
        ["96360", "96365", "96374", "96409", "96413"]
    );
    assert_eq!(
        edit.source.name,
        "NCCI add-on code edits 2026 Q2 (AOC_V2026Q2-MCR.xlsx)"
    );
    let contractor = data.addon_primaries("0054T", None).expect("0054T");
    assert_eq!(contractor.kind, claimls_data::AddOnKind::ContractorDefined);
}

#[test]
fn the_hcpcs_spreadsheets_are_not_taken_for_the_addon_file() {
    let Some(dir) = refdata() else { return };
    let parts =
        read_file(&dir.join("hcpcs/january-2026-alpha-numeric-hcpcs-file.zip")).expect("reads");
    let kinds: Vec<_> = parts.iter().map(|p| p.kind()).collect();
    assert_eq!(kinds, [claimls_data::import::PartKind::Hcpcs]);
}

#[test]
fn tabular_titles_keep_their_entity_and_character_references() {
    // quick-xml 0.42 delivers `&amp;` and `&#233;` as events of their own, between text runs.
    let xml = "<?xml version=\"1.0\"?>\n<ICD10CM.tabular><version>2026</version><chapter><section>\
               <diag><name>Z00</name><desc>Encounter for general examination &amp; care</desc>\
               <diag><name>Z00.0</name><desc>Caf&#233; visit, \"routine\" &lt;adult&gt;</desc></diag>\
               </diag></section></chapter></ICD10CM.tabular>\n";
    let parts = claimls_data::import::read_bytes(
        "icd10cm-tabular-2026.xml",
        "icd10cm-tabular-2026.xml",
        xml.as_bytes().to_vec(),
    )
    .expect("reads");
    let Records::Icd10Tabular(rows) = &parts[0].records else {
        panic!("not tabular")
    };
    let title = |k: &str| {
        rows.iter()
            .find(|r| r.key == k)
            .map(|r| r.title.to_string())
            .unwrap_or_else(|| panic!("{k} missing"))
    };
    assert_eq!(title("Z00"), "Encounter for general examination & care");
    assert_eq!(title("Z000"), "Café visit, \"routine\" <adult>");
    let unknown = xml.replace("&amp;", "&nbsp;");
    let err = claimls_data::import::read_bytes(
        "icd10cm-tabular-2026.xml",
        "icd10cm-tabular-2026.xml",
        unknown.into_bytes(),
    )
    .expect_err("an unknown entity is refused");
    assert!(
        err.to_string().contains("unknown XML reference &nbsp;"),
        "{err}"
    );
}
