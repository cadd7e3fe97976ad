//! The query API over the embedded curated set.

use super::*;

fn d(s: &str) -> Date {
    Date::parse_iso(s).expect("test date")
}

fn codes(v: &[&Code]) -> Vec<String> {
    v.iter().map(|c| c.code.clone()).collect()
}

#[test]
fn lookups_ignore_case() {
    let data = CodeData::embedded();
    let c = data.code("j2350", None).expect("J2350");
    assert_eq!(c.description, "Injection, ocrelizumab, 1 mg");
    // With spaces around and in either case, the same code.
    for written in ["J2350", " J2350\t", " j2350 "] {
        assert_eq!(
            data.code(written, None).map(|c| &c.code),
            Some(&c.code),
            "{written:?}"
        );
    }
    assert_eq!(codes(&data.codes_for_drug(" Ocrevus ", None)), ["J2350"]);
    assert_eq!(c.billing_unit, qty("1", claimls_model::DoseUnit::Mg));
    assert_eq!(
        c.mue,
        Some(Mue {
            value: 600,
            indicator: 3
        })
    );
    assert_eq!(
        data.modifier("jw", None).map(|m| m.kind),
        Some(ModifierKind::Waste)
    );
    assert_eq!(
        data.modifier("xs", None).map(|m| m.kind),
        Some(ModifierKind::Procedure)
    );
    assert_eq!(
        data.modifier("22", None).map(|m| m.kind),
        Some(ModifierKind::Procedure)
    );
    assert!(
        data.modifier("JN", None).is_none(),
        "there is no JN modifier"
    );
    assert_eq!(
        data.diagnosis("g35.a", None).map(|x| x.code.as_str()),
        Some("G35.A")
    );
    assert_eq!(
        data.diagnosis("K5090", None).map(|x| x.code.as_str()),
        Some("K50.90")
    );
    assert_eq!(
        data.place_of_service("1").map(|p| p.name.as_str()),
        Some("Pharmacy")
    );
    assert_eq!(data.place_of_service("11").map(|p| p.facility), Some(false));
    assert_eq!(data.place_of_service("22").map(|p| p.facility), Some(true));
    assert!(data.place_of_service("28").is_none());
}

#[test]
fn terminated_codes_and_modifiers_know_their_dates_and_successors() {
    let data = CodeData::embedded();
    let j1300 = data.code("J1300", None).expect("J1300");
    assert!(j1300.active_on(d("2025-03-31")));
    assert!(!j1300.active_on(d("2025-04-01")));
    assert_eq!(j1300.replaced_by, ["J1299"]);
    let j9310 = data.code("J9310", None).expect("J9310");
    assert_eq!(j9310.terminated, Some(d("2018-12-31")));
    assert_eq!(j9310.replaced_by, ["J9312"]);
    assert!(
        !data
            .code("J2351", None)
            .expect("J2351")
            .active_on(d("2025-03-31"))
    );

    let jg = data.modifier("JG", None).expect("JG");
    assert!(jg.active_on(d("2024-12-31")) && !jg.active_on(d("2025-01-01")));
    assert_eq!(jg.replaced_by.as_deref(), Some("TB"));
    assert!(
        data.modifier("TB", None)
            .expect("TB")
            .active_on(d("2025-01-01"))
    );
}

#[test]
fn drug_codes_by_generic_brand_or_code() {
    let data = CodeData::embedded();
    assert_eq!(codes(&data.codes_for_drug("ocrelizumab", None)), ["J2350"]);
    assert_eq!(codes(&data.codes_for_drug("Ocrevus", None)), ["J2350"]);
    assert_eq!(
        codes(&data.codes_for_drug("OCREVUS ZUNOVO", None)),
        ["J2351"]
    );
    assert_eq!(codes(&data.codes_for_drug("zunovo", None)), ["J2351"]);
    assert_eq!(codes(&data.codes_for_drug("infliximab", None)), ["J1745"]);
    assert_eq!(codes(&data.codes_for_drug("j2350", None)), ["J2350"]);
    assert_eq!(codes(&data.codes_for_drug("Xolair", None)), ["J2357"]);
    assert_eq!(
        codes(&data.codes_for_drug("eculizumab", None)),
        ["J1299", "J1300"]
    );
    assert_eq!(codes(&data.codes_for_drug(" Remicade ", None)), ["J1745"]);
    assert!(
        data.codes_for_drug("96413", None).is_empty(),
        "an admin code is no drug"
    );
    assert!(data.codes_for_drug("aspirin", None).is_empty());
}

#[test]
fn infusion_codes_carry_their_hour_rule_role() {
    let data = CodeData::embedded();
    let role = |c: &str| data.code(c, None).map(|c| c.kind);
    let fam = InfusionFamily::Chemotherapy;
    assert_eq!(
        role("96413"),
        Some(CodeKind::Administration(AdminRole::InfusionInitial {
            family: fam
        }))
    );
    assert_eq!(
        role("96415"),
        Some(CodeKind::Administration(AdminRole::InfusionAdditional {
            family: fam
        }))
    );
    let fam = InfusionFamily::Therapeutic;
    assert_eq!(
        role("96366"),
        Some(CodeKind::Administration(AdminRole::InfusionAdditional {
            family: fam
        }))
    );
    assert_eq!(
        role("96372"),
        Some(CodeKind::Administration(AdminRole::Other))
    );
    assert!(
        data.code("J2350", None)
            .and_then(|c| c.drug.as_ref())
            .is_some_and(|d| d.infused)
    );
    assert!(
        !data
            .code("J2351", None)
            .and_then(|c| c.drug.as_ref())
            .is_some_and(|d| d.infused)
    );
}

#[test]
fn drugs_know_their_containers_doses_and_indications() {
    let data = CodeData::embedded();
    let ocrevus = data
        .code("J2350", None)
        .and_then(|c| c.drug.as_ref())
        .expect("drug");
    let doses: Vec<String> = ocrevus
        .labelled_doses
        .iter()
        .map(|q| q.to_string())
        .collect();
    assert_eq!(doses, ["300 mg", "600 mg"]);
    assert_eq!(ocrevus.indications, ["G35"]);
    let product = data.product("50242055401").expect("Zunovo NDC");
    assert_eq!(product.codes, ["J2351"]);
    let p = product.presentation.as_ref().expect("presentation");
    assert_eq!(p.amount.to_string(), "920 mg");
    assert_eq!(p.volume.map(|v| v.to_string()).as_deref(), Some("23 ml"));
    // Multi-dose vials are marked: Kenalog-40 10 mL, dexamethasone 30 mL.
    let kenalog = data
        .code("J3301", None)
        .and_then(|c| c.drug.as_ref())
        .expect("J3301");
    assert!(
        kenalog
            .presentations
            .iter()
            .any(|p| p.container == Container::MultiDose)
    );
    assert!(
        kenalog
            .presentations
            .iter()
            .any(|p| p.container == Container::SingleDose)
    );
    let infliximab = data
        .code("J1745", None)
        .and_then(|c| c.drug.as_ref())
        .expect("J1745");
    assert!(
        infliximab.labelled_doses.is_empty(),
        "weight-based: no dose list"
    );
    assert!(infliximab.indications.iter().any(|i| i == "K50"));
}

#[test]
fn g35_became_a_header_on_2025_10_01() {
    let data = CodeData::embedded();
    let g35 = data.diagnosis("G35", None).expect("G35");
    assert!(g35.billable_on(d("2025-09-30")));
    assert!(!g35.billable_on(d("2025-10-01")));
    let children = data.billable_children("G35", Some(d("2025-10-01")));
    let got: Vec<&str> = children.iter().map(|x| x.code.as_str()).collect();
    assert_eq!(
        got,
        [
            "G35.A", "G35.B0", "G35.B1", "G35.B2", "G35.C0", "G35.C1", "G35.C2", "G35.D"
        ]
    );
    assert_eq!(
        data.billable_children("g35", Some(d("2026-06-01"))).len(),
        8
    );
    assert!(
        data.billable_children("G35", Some(d("2025-09-30")))
            .is_empty()
    );
    assert!(!data.diagnosis("G35.B", None).expect("G35.B").billable);
}

#[test]
fn code_search_by_name_and_prefix() {
    let data = CodeData::embedded();
    let hits: Vec<String> = data
        .search_codes("ocre", 10)
        .into_iter()
        .map(|h| h.code)
        .collect();
    assert!(
        hits.contains(&"J2350".to_string()) && hits.contains(&"J2351".to_string()),
        "{hits:?}"
    );
    let hits = data.search_codes("J23", 10);
    assert_eq!(
        hits.first().map(|h| h.code.as_str()),
        Some("J2350"),
        "{hits:?}"
    );
    assert!(hits.iter().all(|h| h.code.starts_with("J23")));
    assert!(hits.iter().any(|h| h.code == "J2323"));
    assert_eq!(
        data.search_codes("j2357", 5).first().map(|h| h.score),
        Some(0)
    );
    let xolair: Vec<String> = data
        .search_codes("xol", 5)
        .into_iter()
        .map(|h| h.code)
        .collect();
    assert_eq!(xolair, ["J2357"]);
    assert!(
        data.search_codes("9641", 20)
            .iter()
            .any(|h| h.code == "96413")
    );
}

#[test]
fn diagnosis_search_by_prefix_and_title_word() {
    let data = CodeData::embedded();
    let hits = data.search_diagnoses("G35", 20);
    assert_eq!(hits.first().map(|h| h.code.as_str()), Some("G35"));
    assert!(hits.iter().any(|h| h.code == "G35.D"));
    let hits = data.search_diagnoses("k50.9", 20);
    assert!(hits.iter().all(|h| h.code.starts_with("K50.9")), "{hits:?}");
    let hits = data.search_diagnoses("crohn", 50);
    assert!(hits.iter().any(|h| h.code == "K50.90"), "{hits:?}");
    let hits = data.search_diagnoses("relapsing", 10);
    assert!(hits.iter().any(|h| h.code == "G35.A"), "{hits:?}");
}

#[test]
fn every_place_of_service_is_listed_in_order() {
    let data = CodeData::embedded();
    let places = data.places_of_service();
    assert_eq!(places.len(), 52);
    assert_eq!(places.first().map(|p| p.code.as_str()), Some("01"));
    assert_eq!(places.last().map(|p| p.code.as_str()), Some("99"));
}

// ---- NCCI add-on code edits (embedded rows) ----

#[test]
fn embedded_addon_rows_are_valid() {
    let table = addons::embedded_checked().expect("data/addons.toml is valid");
    assert_eq!(table.edits.values().map(Vec::len).sum::<usize>(), 38);
}

#[test]
fn an_addon_code_names_its_primaries_on_the_date_of_service() {
    let data = CodeData::embedded();
    let edit = data
        .addon_primaries("96415", Some(d("2026-03-02")))
        .expect("96415 is an add-on code");
    assert_eq!(edit.primaries, ["96413"]);
    assert_eq!(edit.kind, AddOnKind::Listed);
    assert_eq!(edit.effective, Some(d("2013-04-01")));
    assert_eq!(edit.deleted, None);
    assert_eq!(edit.source.name, addons::EMBEDDED_EDITION);
    let hydration = data
        .addon_primaries("96361", Some(d("2026-03-02")))
        .expect("96361");
    assert_eq!(
        hydration.primaries,
        ["96360", "96365", "96374", "96409", "96413"]
    );
    let sequential = data
        .addon_primaries("96366", None)
        .expect("96366 without a date");
    assert_eq!(
        sequential.note.as_deref(),
        Some("96360 (Practitioner Only)")
    );
}

#[test]
fn an_addon_edit_holds_only_between_its_dates() {
    let data = CodeData::embedded();
    // 96376 with 96360 was deleted after 2016-03-31.
    let before = data
        .addon_primaries("96376", Some(d("2016-03-31")))
        .expect("96376 in 2016");
    assert!(before.primaries.contains(&"96360".to_string()));
    assert_eq!(before.deleted, Some(d("2016-03-31")));
    let after = data
        .addon_primaries("96376", Some(d("2016-04-01")))
        .expect("96376 later");
    assert_eq!(after.primaries, ["96365", "96374", "96409", "96413"]);
    assert_eq!(
        after.note.as_deref(),
        Some("96376 may be reported by facilities only")
    );
    // Before the edits began, and codes that are not add-on codes.
    assert!(
        data.addon_primaries("96415", Some(d("2013-03-31")))
            .is_none()
    );
    assert!(data.addon_primaries("96413", None).is_none());
    assert!(
        data.addon_primaries("J2350", Some(d("2026-03-02")))
            .is_none()
    );
}

#[test]
fn an_imported_addon_edition_answers_before_the_embedded_rows() {
    let row = |addon: &str, primary: &str, kind| import::AddOnRow {
        kind,
        addon: addon.into(),
        addon_deleted: None,
        primary: primary.into(),
        primary_deleted: None,
        effective: Some(d("2013-04-01")),
        deleted: None,
        note: None,
    };
    let table = AddOnTable::new(
        Edition {
            name: "NCCI add-on code edits 2026 Q2 (test)".into(),
            effective: Some(d("2026-04-01")),
            until: None,
        },
        vec![
            row("96415", "96413", AddOnKind::Listed),
            row("0054T", "CCCCC", AddOnKind::ContractorDefined),
        ],
    );
    let data = CodeData::embedded().with_addons(vec![table]);
    let edit = data
        .addon_primaries("96415", Some(d("2026-05-01")))
        .expect("96415");
    assert_eq!(edit.source.name, "NCCI add-on code edits 2026 Q2 (test)");
    // A date before the file still reads its dated rows.
    assert!(
        data.addon_primaries("96415", Some(d("2025-01-02")))
            .is_some()
    );
    let contractor = data.addon_primaries("0054T", None).expect("0054T");
    assert_eq!(contractor.kind, AddOnKind::ContractorDefined);
    assert!(contractor.primaries.is_empty(), "CCCCC is not a code");
    // The imported file lists every add-on code: one it lacks is not an add-on code.
    assert!(data.addon_primaries("96361", None).is_none());
}

#[test]
fn asp_quarters_are_named_and_end_with_their_calendar_quarter() {
    assert_eq!(
        quarter_label(Some(d("2025-10-01")), "ASP pricing"),
        "2025 Q4 (October 2025 ASP file)"
    );
    assert_eq!(
        quarter_label(Some(d("2026-07-01")), "ASP pricing"),
        "2026 Q3 (July 2026 ASP file)"
    );
    assert_eq!(quarter_end(d("2025-10-01")), d("2025-12-31"));
    assert_eq!(quarter_end(d("2026-01-01")), d("2026-03-31"));
    assert_eq!(quarter_end(d("2026-04-01")), d("2026-06-30"));
}
