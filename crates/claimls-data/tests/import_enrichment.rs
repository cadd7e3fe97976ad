//! Imported data takes precedence, and the embedded curated facts still enrich imported codes
//! (presentations, labelled doses, indications, CPT administration codes, modifier kinds, POS flags).

mod import_common;

use claimls_data::import::{build_editions, read_paths};
use claimls_data::*;
use claimls_model::{Date, DoseUnit, Quantity};
use import_common::refdata;

fn curated() -> CodeSet {
    let mg = |n: i64| Quantity::new(n.into(), DoseUnit::Mg);
    let mut set = CodeSet::default();
    set.codes.insert(
        "J2350".into(),
        Code {
            code: "J2350".into(),
            description: "curated descriptor".into(),
            short_description: None,
            kind: CodeKind::Drug,
            billing_unit: Some(mg(1)),
            drug: Some(Drug {
                generic: "ocrelizumab".into(),
                brands: vec!["Ocrevus".into()],
                presentations: vec![Presentation {
                    ndc: Some("50242015001".into()),
                    amount: mg(300),
                    volume: Some(Quantity::new(10.into(), DoseUnit::Ml)),
                    container: Container::SingleDose,
                    per_package: 1,
                    billing_units_per_package: None,
                    label: "Ocrevus 300 mg/10 mL single-dose vial".into(),
                }],
                labelled_doses: vec![mg(300), mg(600)],
                indications: vec!["G35".into()],
                infused: true,
            }),
            added: None,
            terminated: None,
            mue: None,
            payment_limit: None,
            replaced_by: Vec::new(),
        },
    );
    set.codes.insert(
        "96413".into(),
        Code {
            code: "96413".into(),
            description: "Chemotherapy administration, IV infusion, first hour".into(),
            short_description: None,
            kind: CodeKind::Administration(AdminRole::InfusionInitial {
                family: InfusionFamily::Chemotherapy,
            }),
            billing_unit: None,
            drug: None,
            added: None,
            terminated: None,
            mue: None,
            payment_limit: None,
            replaced_by: Vec::new(),
        },
    );
    set.modifiers.insert(
        "JW".into(),
        Modifier {
            code: "JW".into(),
            description: "curated".into(),
            kind: ModifierKind::Waste,
            added: None,
            terminated: None,
            replaced_by: None,
        },
    );
    set.places.insert(
        "19".into(),
        PlaceOfService {
            code: "19".into(),
            name: "x".into(),
            facility: true,
        },
    );
    set.index_drug_names();
    set
}

#[test]
fn curated_facts_enrich_imported_codes() {
    let Some(dir) = refdata() else { return };
    let found = read_paths(&[dir]).expect("reads refdata");
    let embedded = curated();
    let built = build_editions(&found.parts, &embedded);
    let may = Date::parse_iso("2026-05-01");
    let newest = built
        .sets
        .iter()
        .rev()
        .find(|s| s.complete.hcpcs && s.edition.effective <= may)
        .expect("the HCPCS edition in force in May 2026");
    let j2350 = &newest.codes["J2350"];
    // Official descriptor and dates win; curated drug facts stay.
    assert_eq!(j2350.description, "Injection, ocrelizumab, 1 mg");
    assert_eq!(j2350.added, Date::parse_iso("2018-01-01"));
    assert_eq!(j2350.mue.map(|m| (m.value, m.indicator)), Some((600, 3)));
    assert_eq!(
        j2350.payment_limit,
        Some("59.414".parse().expect("decimal"))
    );
    let drug = j2350.drug.as_ref().expect("curated drug");
    assert!(drug.infused);
    assert_eq!(drug.labelled_doses.len(), 2);
    assert_eq!(drug.indications, vec!["G35"]);
    let p = &drug.presentations[0];
    assert_eq!(p.container, Container::SingleDose);
    assert_eq!(
        p.billing_units_per_package,
        Some(300.into()),
        "BILLUNITSPKG from the crosswalk"
    );
    // The NDC's product carries the curated presentation.
    let product = &newest.products["50242015001"];
    assert_eq!(product.codes, vec!["J2350"]);
    assert_eq!(
        product.presentation.as_ref().map(|p| p.label.as_str()),
        Some("Ocrevus 300 mg/10 mL single-dose vial")
    );
    // CPT administration numbers stay, with their infusion role, and get their MUE.
    let admin = &newest.codes["96413"];
    assert!(matches!(
        admin.kind,
        CodeKind::Administration(AdminRole::InfusionInitial { .. })
    ));
    assert!(admin.mue.is_some());
    // Modifier: official text, curated kind.
    let jw = &newest.modifiers["JW"];
    assert_eq!(jw.kind, ModifierKind::Waste);
    assert_eq!(
        jw.description,
        "Drug amount discarded/not administered to any patient"
    );
    // POS facility flag from the curated list.
    let pos = built
        .sets
        .iter()
        .find(|s| !s.places.is_empty())
        .expect("POS");
    assert!(pos.places["19"].facility);
    assert_eq!(pos.places["19"].name, "Off Campus-Outpatient Hospital");
    // Codes outside the curated set: drug facts from the official files.
    let j9173 = &newest.codes["J9173"];
    assert_eq!(j9173.kind, CodeKind::Drug);
    assert_eq!(
        j9173.drug.as_ref().map(|d| d.generic.as_str()),
        Some("durvalumab")
    );
    assert!(
        newest
            .drug_names
            .get("imfinzi")
            .is_some_and(|c| c.contains(&"J9173".to_string()))
    );
    // Billing-unit mismatches between the descriptor and the ASP dosage are reported, not fatal.
    for w in &built.warnings {
        assert!(
            w.contains("per unit") && w.contains("ASP pricing file"),
            "{w}"
        );
    }
    assert!(!built.warnings.iter().any(|w| w.starts_with("J2350")));
    // The edition as the index stores it (tables and a descriptor word index, read in place) finds
    // what the built set's scan finds.
    let packed = MappedSet::from_set(newest);
    for q in [
        "durva",
        "inj",
        "saline",
        "J91",
        "pembro",
        "zzz",
        "10",
        "hyaluronidase",
    ] {
        let sorted = |mut hits: Vec<claimls_data::SearchHit>| {
            hits.sort_by(|a, b| a.score.cmp(&b.score).then_with(|| a.code.cmp(&b.code)));
            hits
        };
        assert_eq!(
            sorted(packed.search_codes(q, 50)),
            sorted(newest.search_codes(q, 50)),
            "query {q:?}"
        );
    }
}
