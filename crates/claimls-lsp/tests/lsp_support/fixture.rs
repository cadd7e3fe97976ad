//! A small code-data set for the LSP tests, independent of the embedded curated data (which other
//! helpers fill): two drugs, two administration codes, a few modifiers, diagnoses, places and NDCs.

use claimls_data::*;
use claimls_model::Decimal;
use claimls_model::{Date, DoseUnit, Quantity};

fn q(amount: i64, unit: DoseUnit) -> Quantity {
    Quantity::new(Decimal::from(amount), unit)
}

fn drug_code(code: &str, description: &str, unit: Quantity, drug: Drug, mue: u32) -> Code {
    Code {
        code: code.into(),
        description: description.into(),
        short_description: Some(description.split(',').take(2).collect::<Vec<_>>().join(",")),
        kind: CodeKind::Drug,
        billing_unit: Some(unit),
        drug: Some(drug),
        added: None,
        terminated: None,
        mue: Some(Mue {
            value: mue,
            indicator: 3,
        }),
        payment_limit: None,
        replaced_by: vec![],
    }
}

fn admin_code(code: &str, description: &str, role: AdminRole) -> Code {
    Code {
        code: code.into(),
        description: description.into(),
        short_description: None,
        kind: CodeKind::Administration(role),
        billing_unit: None,
        drug: None,
        added: None,
        terminated: None,
        mue: None,
        payment_limit: None,
        replaced_by: vec![],
    }
}

fn modifier(code: &str, description: &str, kind: ModifierKind) -> Modifier {
    Modifier {
        code: code.into(),
        description: description.into(),
        kind,
        added: None,
        terminated: None,
        replaced_by: None,
    }
}

fn dx(code: &str, title: &str, billable: bool) -> Diagnosis {
    Diagnosis {
        code: code.into(),
        title: title.into(),
        billable,
        billable_until: None,
        effective: None,
        terminated: None,
    }
}

pub fn code_set() -> CodeSet {
    let mut set = CodeSet {
        edition: Edition {
            name: "test fixture".into(),
            effective: Date::new(2025, 1, 1),
            until: None,
        },
        ..CodeSet::default()
    };
    let ocrevus_vial = Presentation {
        ndc: Some("50242015001".into()),
        amount: q(300, DoseUnit::Mg),
        volume: Some(q(10, DoseUnit::Ml)),
        container: Container::SingleDose,
        per_package: 1,
        billing_units_per_package: Some(Decimal::from(300)),
        label: "Ocrevus 300 mg/10 mL single-dose vial".into(),
    };
    let codes = vec![
        drug_code(
            "J2350",
            "Injection, ocrelizumab, 1 mg",
            q(1, DoseUnit::Mg),
            Drug {
                generic: "ocrelizumab".into(),
                brands: vec!["Ocrevus".into()],
                presentations: vec![ocrevus_vial.clone()],
                labelled_doses: vec![q(300, DoseUnit::Mg), q(600, DoseUnit::Mg)],
                indications: vec!["G35".into()],
                infused: true,
            },
            600,
        ),
        drug_code(
            "J1745",
            "Injection, infliximab, excludes biosimilar, 10 mg",
            q(10, DoseUnit::Mg),
            Drug {
                generic: "infliximab".into(),
                brands: vec!["Remicade".into()],
                presentations: vec![Presentation {
                    ndc: Some("57894003001".into()),
                    amount: q(100, DoseUnit::Mg),
                    volume: None,
                    container: Container::SingleDose,
                    per_package: 1,
                    billing_units_per_package: Some(Decimal::from(10)),
                    label: "Remicade 100 mg single-dose vial".into(),
                }],
                labelled_doses: vec![],
                indications: vec!["K50".into()],
                infused: true,
            },
            140,
        ),
        drug_code(
            "J1301",
            "Injection, edaravone, 1 mg",
            q(1, DoseUnit::Mg),
            Drug {
                generic: "edaravone".into(),
                brands: vec!["Radicava".into()],
                presentations: vec![],
                labelled_doses: vec![],
                indications: vec!["G12.21".into()],
                infused: true,
            },
            60,
        ),
        admin_code(
            "96413",
            "Chemotherapy administration, intravenous infusion; up to 1 hour",
            AdminRole::InfusionInitial {
                family: InfusionFamily::Chemotherapy,
            },
        ),
        admin_code(
            "96415",
            "Chemotherapy administration, intravenous infusion; each additional hour",
            AdminRole::InfusionAdditional {
                family: InfusionFamily::Chemotherapy,
            },
        ),
    ];
    for c in codes {
        set.codes.insert(c.code.clone(), c);
    }
    for m in [
        modifier(
            "JW",
            "Drug amount discarded/not administered to any patient",
            ModifierKind::Waste,
        ),
        modifier(
            "JZ",
            "Zero drug amount discarded/not administered to any patient",
            ModifierKind::Waste,
        ),
        modifier("JB", "Administered subcutaneously", ModifierKind::Drug),
        // Ended 2024-12-31 (replaced by TB): completion leaves it out on later dates of service.
        Modifier {
            terminated: claimls_model::Date::parse_iso("2024-12-31"),
            replaced_by: Some("TB".into()),
            ..modifier(
                "JG",
                "Drug acquired with 340B drug pricing program discount",
                ModifierKind::Drug,
            )
        },
        modifier(
            "25",
            "Significant, separately identifiable E/M service",
            ModifierKind::Procedure,
        ),
        modifier("59", "Distinct procedural service", ModifierKind::Procedure),
        modifier(
            "KX",
            "Requirements specified in the medical policy have been met",
            ModifierKind::Any,
        ),
    ] {
        set.modifiers.insert(m.code.clone(), m);
    }
    for d in [
        dx("G35", "Multiple sclerosis", false),
        dx("G35.A", "Relapsing-remitting multiple sclerosis", true),
        dx(
            "G35.B0",
            "Primary progressive multiple sclerosis, unspecified",
            true,
        ),
        dx("G12.21", "Amyotrophic lateral sclerosis", true),
        dx("K50", "Crohn's disease [regional enteritis]", false),
        dx(
            "K50.90",
            "Crohn's disease, unspecified, without complications",
            true,
        ),
        dx(
            "M05.79",
            "Rheumatoid arthritis with rheumatoid factor of multiple sites",
            true,
        ),
    ] {
        set.diagnoses.insert(icd10_key(&d.code), d);
    }
    for (code, name, facility) in [
        ("11", "Office", false),
        ("19", "Off Campus-Outpatient Hospital", true),
        ("22", "On Campus-Outpatient Hospital", true),
    ] {
        set.places.insert(
            code.into(),
            PlaceOfService {
                code: code.into(),
                name: name.into(),
                facility,
            },
        );
    }
    set.products.insert(
        "50242015001".into(),
        Product {
            ndc: "50242015001".into(),
            name: "Ocrevus (ocrelizumab) injection 300 mg/10 mL".into(),
            labeler: Some("Genentech".into()),
            codes: vec!["J2350".into()],
            presentation: Some(ocrevus_vial),
        },
    );
    set.index_drug_names();
    set
}

pub fn code_data() -> CodeData {
    CodeData::with_imported(vec![code_set()])
}

/// The notation's first example: Ocrevus 600 mg, no waste.
pub const OCREVUS: &str = include_str!("../../../../examples/ocrevus-maintenance.claim");

/// The notation's second example: infliximab 350 mg with waste, commercial payer.
pub const INFLIXIMAB: &str = include_str!("../../../../examples/infliximab-waste.claim");
