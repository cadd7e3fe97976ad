//! Combining imported parts into the editions the engine consults.
//!
//! Three kinds of layer, each chosen by date of service on its own (see `CodeData::sets_for`):
//! - **code editions**: one per distinct effective date among the HCPCS, MUE, ASP pricing and
//!   crosswalk parts; each merges the newest part of every kind in force on that date, and the embedded
//!   curated facts (drug presentations, labelled doses, indications, CPT administration codes,
//!   modifier kinds) enrich the imported codes;
//! - **ICD-10-CM editions**: one per codes file or tabular XML (headers from a tabular XML are added to
//!   a codes-file edition, which lists billable codes only);
//! - **place-of-service lists**.

use super::{
    CrosswalkRow, HcpcsRecord, MueRow, Part, PartKind, PriceRow, Records, parse_billing_unit,
    parse_dosage,
};
use crate::{
    AddOnTable, Code, CodeKind, CodeSet, Completeness, Container, DiagnosisTable, Drug, Edition,
    Modifier, ModifierKind, Mue, PlaceOfService, Presentation, Product,
};
use claimls_model::{Date, Quantity};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::{BTreeMap, HashMap};

/// The editions built from the imported parts, and what did not agree between files.
#[derive(Debug, Default)]
pub struct Built {
    pub sets: Vec<CodeSet>,
    /// ICD-10-CM editions, oldest first.
    pub tables: Vec<DiagnosisTable>,
    /// Mismatches between files (descriptor billing unit vs ASP dosage…), for the import summary.
    pub warnings: Vec<String>,
}

const CODE_KINDS: [PartKind; 4] = [
    PartKind::Hcpcs,
    PartKind::Mue,
    PartKind::AspPricing,
    PartKind::AspCrosswalk,
];

/// Build every edition from the parts (in any order), enriched from the embedded curated set.
pub fn build_editions(parts: &[Part], embedded: &CodeSet) -> Built {
    let mut built = Built::default();
    build_code_editions(parts, embedded, &mut built);
    build_diagnosis_editions(parts, &mut built);
    build_place_sets(parts, embedded, &mut built);
    built.warnings.sort();
    built.warnings.dedup();
    built
}

/// The code and place-of-service editions only (what `CodeData` builds on first use).
pub fn build_sets(parts: &[Part], embedded: &CodeSet) -> Built {
    let mut built = Built::default();
    build_code_editions(parts, embedded, &mut built);
    build_place_sets(parts, embedded, &mut built);
    built.warnings.sort();
    built.warnings.dedup();
    built
}

/// Take the ICD-10-CM parts out of `parts` as tables: their packed text moves, it is not copied
/// (what loading the index does).
pub fn take_tables(parts: &mut Vec<Part>) -> Vec<DiagnosisTable> {
    let mut tables = Vec::new();
    let mut rest = Vec::with_capacity(parts.len());
    for part in parts.drain(..) {
        let edition = Edition {
            name: part.name,
            effective: part.effective,
            until: part.until,
        };
        match part.records {
            Records::Icd10Codes(p) => tables.push(DiagnosisTable::new(edition, false, p)),
            Records::Icd10Tabular(p) => tables.push(DiagnosisTable::new(edition, true, p)),
            records => rest.push(Part {
                name: edition.name,
                source: part.source,
                effective: edition.effective,
                until: edition.until,
                records,
            }),
        }
    }
    *parts = rest;
    tables.sort_by_key(|t| t.edition.effective);
    tables
}

/// Take the NCCI add-on code parts out of `parts` as tables.
pub fn take_addons(parts: &mut Vec<Part>) -> Vec<AddOnTable> {
    let mut tables = Vec::new();
    let mut rest = Vec::with_capacity(parts.len());
    for part in parts.drain(..) {
        match part.records {
            Records::AddOns(rows) => tables.push(AddOnTable::new(
                Edition {
                    name: part.name,
                    effective: part.effective,
                    until: part.until,
                },
                rows,
            )),
            records => rest.push(Part { records, ..part }),
        }
    }
    *parts = rest;
    tables.sort_by_key(|t| t.edition.effective);
    tables
}

fn build_place_sets(parts: &[Part], embedded: &CodeSet, built: &mut Built) {
    for part in parts {
        if let Records::PlaceOfService(rows) = &part.records {
            built.sets.push(place_set(part, rows, embedded));
        }
    }
    built.sets.sort_by_key(|s| s.edition.effective);
}

/// The newest part of `kind` in force on `date` (a part without a date is always in force).
fn newest_in_force(parts: &[Part], kind: PartKind, date: Option<Date>) -> Option<usize> {
    parts
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind() == kind)
        .filter(|(_, p)| match (p.effective, date) {
            (None, _) => true,
            (Some(e), Some(d)) => e <= d,
            (Some(_), None) => false,
        })
        .max_by_key(|(_, p)| p.effective)
        .map(|(i, _)| i)
}

fn build_code_editions(parts: &[Part], embedded: &CodeSet, built: &mut Built) {
    let mut dates: Vec<Option<Date>> = parts
        .iter()
        .filter(|p| CODE_KINDS.contains(&p.kind()))
        .map(|p| p.effective)
        .collect();
    dates.sort();
    dates.dedup();
    let mut previous: Option<Vec<Option<usize>>> = None;
    for date in dates {
        let chosen: Vec<Option<usize>> = CODE_KINDS
            .iter()
            .map(|k| newest_in_force(parts, *k, date))
            .collect();
        if chosen.iter().all(Option::is_none) || previous.as_ref() == Some(&chosen) {
            continue;
        }
        let pick = |i: usize| chosen[i].map(|p| &parts[p]);
        let set = code_set(
            date,
            pick(0),
            pick(1),
            pick(2),
            pick(3),
            embedded,
            &mut built.warnings,
        );
        built.sets.push(set);
        previous = Some(chosen);
    }
}

fn code_set(
    effective: Option<Date>,
    hcpcs: Option<&Part>,
    mue: Option<&Part>,
    pricing: Option<&Part>,
    crosswalk: Option<&Part>,
    embedded: &CodeSet,
    warnings: &mut Vec<String>,
) -> CodeSet {
    let name = [hcpcs, mue, pricing, crosswalk]
        .into_iter()
        .flatten()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(" + ");
    let prices: HashMap<&str, &PriceRow> = match pricing.map(|p| &p.records) {
        Some(Records::AspPricing(rows)) => rows.iter().map(|r| (r.code.as_str(), r)).collect(),
        _ => HashMap::new(),
    };
    // In code order, so a product's codes are listed the same way on every build.
    let mut ndcs: BTreeMap<&str, Vec<&CrosswalkRow>> = BTreeMap::new();
    if let Some(Records::AspCrosswalk(rows)) = crosswalk.map(|p| &p.records) {
        for r in rows {
            ndcs.entry(r.code.as_str()).or_default().push(r);
        }
    }
    let mut codes: BTreeMap<String, Code> = BTreeMap::new();
    let mut modifiers: BTreeMap<String, Modifier> = BTreeMap::new();
    if let Some(Records::Hcpcs {
        codes: records,
        modifiers: mods,
    }) = hcpcs.map(|p| &p.records)
    {
        codes = records
            .iter()
            .map(|r| {
                let is_priced =
                    prices.contains_key(r.code.as_str()) || ndcs.contains_key(r.code.as_str());
                (r.code.clone(), code_from(r, embedded, is_priced))
            })
            .collect();
        modifiers = mods
            .iter()
            .map(|m| {
                (
                    m.code.clone(),
                    modifier_from(m, embedded.modifiers.get(&m.code)),
                )
            })
            .collect();
    }
    // Curated codes the official file does not have (CPT administration numbers) stay, so the MUE
    // table can attach to them.
    for (k, c) in &embedded.codes {
        codes.entry(k.clone()).or_insert_with(|| c.clone());
    }
    if let Some(Records::Mue(rows)) = mue.map(|p| &p.records) {
        apply_mue(&mut codes, rows);
    }
    for (code, row) in &prices {
        let Some(c) = codes.get_mut(*code) else {
            continue;
        };
        c.payment_limit = row.payment_limit;
        let dosage = parse_dosage(&row.dosage);
        match (c.billing_unit, dosage) {
            (None, Some(d)) if c.kind == CodeKind::Drug => c.billing_unit = Some(d),
            (Some(unit), Some(d)) if !same_quantity(unit, d) => warnings.push(format!(
                "{code}: the descriptor bills {unit} per unit, the ASP pricing file says {} — using {unit}",
                row.dosage
            )),
            _ => {}
        }
    }
    let mut products: HashMap<String, Product> = HashMap::new();
    for (code, rows) in &ndcs {
        match codes.get_mut(*code) {
            Some(c) => enrich_from_crosswalk(c, rows, &mut products),
            // A code this edition has no record of (no HCPCS file in force): the NDCs still name
            // their products.
            None => {
                for row in rows {
                    let product = products.entry(row.ndc.clone()).or_insert_with(|| Product {
                        ndc: row.ndc.clone(),
                        name: row.drug_name.trim().to_string(),
                        labeler: Some(row.labeler.clone()).filter(|l| !l.is_empty()),
                        codes: Vec::new(),
                        presentation: derived_presentation(parse_dosage(&row.dosage), row),
                    });
                    if !product.codes.iter().any(|c| c == code) {
                        product.codes.push((*code).to_string());
                    }
                }
            }
        }
    }
    for (ndc, p) in &embedded.products {
        products.entry(ndc.clone()).or_insert_with(|| p.clone());
    }
    let mut set = CodeSet {
        edition: Edition {
            name,
            effective,
            until: None,
        },
        complete: Completeness {
            hcpcs: hcpcs.is_some(),
            icd10: false,
            pricing: pricing.is_some(),
        },
        codes,
        modifiers,
        products,
        ..CodeSet::default()
    };
    set.index_drug_names();
    set
}

fn same_quantity(a: Quantity, b: Quantity) -> bool {
    a.ratio(b) == Some(Decimal::ONE)
}

fn code_from(r: &HcpcsRecord, embedded: &CodeSet, priced: bool) -> Code {
    let curated = embedded.codes.get(&r.code);
    let first = r.code.as_bytes().first().copied().unwrap_or(b' ');
    let drug_letter = matches!(first, b'J' | b'Q');
    let candidate = drug_letter || priced || curated.is_some_and(|c| c.kind == CodeKind::Drug);
    let parsed = if candidate {
        parse_billing_unit(&r.long_description)
    } else {
        None
    };
    let kind = match curated {
        Some(c) => c.kind,
        None if parsed.is_some() && (drug_letter || priced) => CodeKind::Drug,
        None => CodeKind::Other,
    };
    let billing_unit = if kind == CodeKind::Drug {
        parsed.or_else(|| curated.and_then(|c| c.billing_unit))
    } else {
        None
    };
    let drug = match curated.and_then(|c| c.drug.clone()) {
        Some(d) => Some(d),
        None if kind == CodeKind::Drug => generic_name(&r.long_description).map(|generic| Drug {
            generic,
            ..Drug::default()
        }),
        None => None,
    };
    Code {
        code: r.code.clone(),
        description: r.long_description.clone(),
        short_description: Some(r.short_description.clone()).filter(|s| !s.is_empty()),
        kind,
        billing_unit,
        drug,
        added: r.added,
        terminated: r.terminated,
        mue: curated.and_then(|c| c.mue),
        payment_limit: None,
        replaced_by: successors(r, curated, embedded),
    }
}

/// What replaces a terminated code: the curated successors (`hcpcs.toml`, then `successors.toml`),
/// else the file's own cross-reference. A code in force names none.
fn successors(r: &HcpcsRecord, curated: Option<&Code>, embedded: &CodeSet) -> Vec<String> {
    if let Some(c) = curated.filter(|c| !c.replaced_by.is_empty()) {
        return c.replaced_by.clone();
    }
    if let Some(s) = embedded.successors.get(&r.code) {
        return s.clone();
    }
    if r.terminated.is_some() {
        return r.cross_reference.clone();
    }
    Vec::new()
}

/// `Injection, durvalumab, 10 mg` → `durvalumab`: the field after the route word.
fn generic_name(descriptor: &str) -> Option<String> {
    let mut fields = descriptor.split(',').map(str::trim);
    let first = fields.next()?;
    let route_words = ["injection", "inj", "infusion", "injectable"];
    let candidate = if route_words.iter().any(|w| first.eq_ignore_ascii_case(w)) {
        fields.next()?
    } else {
        first
    };
    let name = candidate.to_ascii_lowercase();
    let name = name.trim();
    if name.is_empty() || name.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(name.to_string())
}

fn modifier_from(m: &HcpcsRecord, curated: Option<&Modifier>) -> Modifier {
    Modifier {
        code: m.code.clone(),
        description: m.long_description.clone(),
        kind: curated.map(|c| c.kind).unwrap_or(ModifierKind::Any),
        added: m.added,
        terminated: m.terminated,
        replaced_by: curated.and_then(|c| c.replaced_by.clone()),
    }
}

fn apply_mue(codes: &mut BTreeMap<String, Code>, rows: &[MueRow]) {
    for row in rows {
        if let Some(c) = codes.get_mut(&row.code) {
            c.mue = Some(Mue {
                value: row.value,
                indicator: row.indicator,
            });
        }
    }
}

/// NDC products of a code, its presentations' billing units per package, and brand names.
fn enrich_from_crosswalk(
    code: &mut Code,
    rows: &[&CrosswalkRow],
    products: &mut HashMap<String, Product>,
) {
    for row in rows {
        let curated = code
            .drug
            .as_ref()
            .and_then(|d| {
                d.presentations
                    .iter()
                    .find(|p| p.ndc.as_deref() == Some(row.ndc.as_str()))
            })
            .cloned();
        let presentation = match curated {
            Some(mut p) => {
                p.billing_units_per_package = row
                    .billing_units_per_package
                    .or(p.billing_units_per_package);
                Some(p)
            }
            None => derived_presentation(code.billing_unit, row),
        };
        if let (Some(drug), Some(units)) = (code.drug.as_mut(), row.billing_units_per_package) {
            for p in &mut drug.presentations {
                if p.ndc.as_deref() == Some(row.ndc.as_str()) {
                    p.billing_units_per_package = Some(units);
                }
            }
        }
        if let Some(drug) = code.drug.as_mut() {
            let brand = row.drug_name.trim();
            if !brand.is_empty()
                && !brand.eq_ignore_ascii_case(&drug.generic)
                && !drug.brands.iter().any(|b| b.eq_ignore_ascii_case(brand))
            {
                drug.brands.push(brand.to_string());
            }
        }
        let product = products.entry(row.ndc.clone()).or_insert_with(|| Product {
            ndc: row.ndc.clone(),
            name: row.drug_name.trim().to_string(),
            labeler: Some(row.labeler.clone()).filter(|l| !l.is_empty()),
            codes: Vec::new(),
            presentation: presentation.clone(),
        });
        if !product.codes.contains(&code.code) {
            product.codes.push(code.code.clone());
        }
    }
}

/// A presentation from a crosswalk row: drug per container = BILLUNITSPKG × billing unit / PKG QTY.
/// The crosswalk does not say single- or multi-dose; single-dose is assumed (most Part B vials).
fn derived_presentation(unit: Option<Quantity>, row: &CrosswalkRow) -> Option<Presentation> {
    let unit = unit?;
    let per_pkg = row.billing_units_per_package?;
    let qty = row
        .package_quantity
        .filter(|q| !q.is_zero())
        .unwrap_or(Decimal::ONE);
    let amount = Quantity::new((per_pkg * unit.amount / qty).normalize(), unit.unit);
    Some(Presentation {
        ndc: Some(row.ndc.clone()),
        amount,
        volume: None,
        container: Container::SingleDose,
        per_package: qty.trunc().to_u32().filter(|n| *n >= 1).unwrap_or(1),
        billing_units_per_package: Some(per_pkg),
        label: format!("{} {amount}", row.drug_name.trim()),
    })
}

fn build_diagnosis_editions(parts: &[Part], built: &mut Built) {
    for part in parts {
        let (packed, has_headers) = match &part.records {
            Records::Icd10Codes(p) => (p, false),
            Records::Icd10Tabular(p) => (p, true),
            _ => continue,
        };
        let edition = Edition {
            name: part.name.clone(),
            effective: part.effective,
            until: part.until,
        };
        built
            .tables
            .push(DiagnosisTable::new(edition, has_headers, packed.clone()));
    }
    built.tables.sort_by_key(|t| t.edition.effective);
}

fn place_set(part: &Part, rows: &[(String, String)], embedded: &CodeSet) -> CodeSet {
    let places = rows
        .iter()
        .map(|(code, name)| {
            let facility = embedded
                .places
                .get(code)
                .map(|p| p.facility)
                .unwrap_or(matches!(code.as_str(), "19" | "21" | "22" | "23"));
            (
                code.clone(),
                PlaceOfService {
                    code: code.clone(),
                    name: name.clone(),
                    facility,
                },
            )
        })
        .collect();
    CodeSet {
        edition: Edition {
            name: part.name.clone(),
            effective: part.effective,
            until: part.until,
        },
        places,
        ..CodeSet::default()
    }
}
