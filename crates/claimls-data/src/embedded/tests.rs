//! The embedded data is ours: check every record here, so `load()` never meets a bad one.

use super::*;
use crate::CodeSet;
use std::time::Instant;

fn set() -> CodeSet {
    match parse() {
        Ok(set) => set,
        Err(e) => panic!("embedded data does not load: {e}"),
    }
}

fn is_hcpcs_level2(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

fn is_cpt(code: &str) -> bool {
    code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit())
}

#[test]
fn embedded_data_is_valid() {
    let set = set();
    assert_eq!(set.edition.name, EDITION_NAME);
    assert_eq!(set.complete, Completeness::default());
    assert!(set.codes.len() >= 60, "{} codes", set.codes.len());

    for (key, code) in &set.codes {
        assert_eq!(key, &code.code);
        assert!(
            is_hcpcs_level2(key) || is_cpt(key),
            "{key}: not a HCPCS or CPT code"
        );
        assert!(!code.description.trim().is_empty(), "{key}: no description");
        if let (Some(a), Some(t)) = (code.added, code.terminated) {
            assert!(a <= t, "{key}: terminated before it was added");
        }
        for r in &code.replaced_by {
            let by = set
                .codes
                .get(r)
                .unwrap_or_else(|| panic!("{key}: replaced by unknown {r}"));
            assert!(
                code.terminated.is_some(),
                "{key}: replaced but not terminated"
            );
            assert!(by.terminated.is_none(), "{key}: replaced by terminated {r}");
        }
        match code.kind {
            CodeKind::Drug => check_drug(&set, code),
            CodeKind::Administration(_) => {
                assert!(is_cpt(key), "{key}: administration codes are CPT numbers");
                assert!(code.drug.is_none() && code.billing_unit.is_none());
            }
            CodeKind::Other => {}
        }
    }

    // The hour rule needs both codes of every infusion family.
    for family in [
        InfusionFamily::Hydration,
        InfusionFamily::Therapeutic,
        InfusionFamily::Chemotherapy,
    ] {
        let roles: Vec<AdminRole> = set
            .codes
            .values()
            .filter_map(|c| match c.kind {
                CodeKind::Administration(r) => Some(r),
                _ => None,
            })
            .collect();
        assert!(
            roles.contains(&AdminRole::InfusionInitial { family }),
            "{family:?}"
        );
        assert!(
            roles.contains(&AdminRole::InfusionAdditional { family }),
            "{family:?}"
        );
    }

    for (key, m) in &set.modifiers {
        assert_eq!(key, &m.code);
        assert!(
            key.len() == 2
                && key
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
            "modifier {key}: two letters or digits"
        );
        if let Some(r) = &m.replaced_by {
            assert!(
                set.modifiers.contains_key(r),
                "{key}: replaced by unknown {r}"
            );
            assert!(m.terminated.is_some(), "{key}: replaced but not terminated");
        }
    }

    for (key, d) in &set.diagnoses {
        let b = key.as_bytes();
        assert!(
            (3..=7).contains(&b.len())
                && b[0].is_ascii_uppercase()
                && b[1].is_ascii_digit()
                && b.iter().all(u8::is_ascii_alphanumeric),
            "ICD-10-CM {key}: malformed"
        );
        assert_eq!(d.code, icd10_dotted(key));
        assert!(!d.title.is_empty(), "{key}: no title");
        // Every code sits under a category header the set also has.
        if key.len() > 3 {
            let cat = set.diagnoses.get(&key[..3]);
            assert!(
                cat.is_some_and(|c| !c.billable || c.billable_until.is_some()),
                "{key}: no category"
            );
        }
    }

    assert!(set.places.len() >= 50);
    for (key, p) in &set.places {
        assert!(
            key.len() == 2 && key.bytes().all(|b| b.is_ascii_digit()),
            "POS {key}"
        );
        assert_eq!(key, &p.code);
    }
    for f in ["19", "21", "22", "23"] {
        assert!(set.places[f].facility, "POS {f} is a facility");
    }
    assert!(!set.places["11"].facility && !set.places["12"].facility);
}

fn check_drug(set: &CodeSet, code: &Code) {
    let key = &code.code;
    assert!(is_hcpcs_level2(key), "{key}: drug codes are HCPCS Level II");
    let unit = code
        .billing_unit
        .unwrap_or_else(|| panic!("{key}: no billing unit"));
    assert!(unit.amount > Decimal::ZERO, "{key}: billing unit");
    let drug = code
        .drug
        .as_ref()
        .unwrap_or_else(|| panic!("{key}: no drug"));
    assert!(!drug.generic.is_empty() && drug.generic == drug.generic.to_lowercase());
    assert!(!drug.presentations.is_empty(), "{key}: no presentations");
    for p in &drug.presentations {
        assert!(p.per_package >= 1, "{key} {}: per_package", p.label);
        let units = p
            .amount
            .ratio(unit)
            .unwrap_or_else(|| panic!("{key} {}: amount not in the billing unit's units", p.label));
        assert!(units > Decimal::ZERO);
        if let Some(v) = p.volume {
            assert_eq!(v.unit, DoseUnit::Ml, "{key} {}: volume in ml", p.label);
        }
        if let Some(ndc) = &p.ndc {
            assert!(
                ndc.len() == 11 && ndc.bytes().all(|b| b.is_ascii_digit()),
                "{key}: NDC {ndc} is not 11 digits"
            );
            let product = &set.products[ndc];
            assert!(
                product.codes.contains(key),
                "{key}: product {ndc} does not list it"
            );
            // The package's billing units are the containers' amount in billing units.
            let bup = p
                .billing_units_per_package
                .unwrap_or_else(|| panic!("{key} {ndc}: units"));
            assert_eq!(
                (units * Decimal::from(p.per_package)).normalize(),
                bup.normalize(),
                "{key} {ndc}: amount × per_package ≠ billing units per package"
            );
        }
    }
    for dose in &drug.labelled_doses {
        assert!(
            dose.ratio(unit).is_some(),
            "{key}: labelled dose {dose} in other units"
        );
    }
    for ind in &drug.indications {
        assert!(
            set.diagnoses.contains_key(&icd10_key(ind)),
            "{key}: indication {ind} is not in icd10cm.toml"
        );
    }
}

#[test]
fn load_is_fast_and_matches_parse() {
    // The best of three runs, so a busy machine (tests run in parallel) does not make it flaky.
    let mut best = std::time::Duration::MAX;
    let mut set = CodeSet::default();
    for _ in 0..3 {
        let start = Instant::now();
        set = load();
        best = best.min(start.elapsed());
    }
    println!("embedded load: {best:?}");
    // Release builds take well under a millisecond (records decoded, no TOML); an unoptimised test build
    // a few milliseconds when idle.
    let bound = if cfg!(debug_assertions) { 400 } else { 10 };
    assert!(best.as_millis() < bound, "embedded load took {best:?}");
    assert_eq!(set.codes.len(), self::set().codes.len());
    assert!(!set.drug_names.is_empty());
}

#[test]
fn quantities_and_ndcs_parse_or_explain() {
    assert_eq!(ndc11("50242-0150-01").as_deref(), Ok("50242015001"));
    assert_eq!(ndc11("50242015001").as_deref(), Ok("50242015001"));
    assert!(ndc11("50242-150-01").unwrap_err().contains("5-4-2"));
    assert!(quantity("300").unwrap_err().contains("\"300 mg\""));
    assert!(quantity("3 vials").unwrap_err().contains("unit"));
    assert_eq!(quantity("0.5 mg").map(|q| q.amount), Ok(Decimal::new(5, 1)));
}

#[test]
fn presentation_labels_read_like_the_carton() {
    let set = set();
    let p = &set.products["50242015001"];
    assert_eq!(p.name, "Ocrevus");
    assert_eq!(p.codes, ["J2350"]);
    let pres = p.presentation.as_ref().expect("presentation");
    assert_eq!(pres.label, "Ocrevus 300 mg/10 mL single-dose vial");
    assert_eq!(pres.container, Container::SingleDose);
}
