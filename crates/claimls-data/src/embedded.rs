//! The embedded curated code data, compiled in from `crates/claimls-data/data/*.toml`.
//!
//! `build.rs` parses the TOML once (a syntax or shape fault fails the build with file, line and column)
//! and stores its records as postcard in `OUT_DIR`; here they are decoded (a few hundred microseconds, no
//! TOML parsing) and their values checked and converted. The TOML files are ours and reviewed;
//! `tests::embedded_data_is_valid` checks every record, and `crates/claimls-data/tests/refdata.rs` checks
//! them against the official CMS/CDC files. Loading therefore never panics: a file that fails its checks
//! (it cannot, once the tests pass) leaves its part of the set empty.

use super::set::{CodeSet, Completeness, icd10_dotted, icd10_key};
use super::types::*;
use claimls_model::{Date, DoseUnit, Quantity};
use records::*;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;

pub(crate) mod records;

/// The records of each file, as `build.rs` encoded them.
macro_rules! compact {
    ($file:literal) => {
        include_bytes!(concat!(env!("OUT_DIR"), "/", $file, ".postcard"))
    };
}
const HCPCS: &[u8] = compact!("hcpcs");
const MODIFIERS: &[u8] = compact!("modifiers");
const ICD10CM: &[u8] = compact!("icd10cm");
const POS: &[u8] = compact!("pos");
const SUCCESSORS: &[u8] = compact!("successors");
pub(crate) const ADDONS: &[u8] = compact!("addons");

mod hash {
    include!(concat!(env!("OUT_DIR"), "/fingerprint.rs"));
}

/// A hash of the embedded data files (their TOML text, hashed by `build.rs`): an index whose editions
/// were built with other curated data (another claimls) has them built again instead of read.
pub fn fingerprint() -> u64 {
    hash::FINGERPRINT
}

/// Decode one file's records as `build.rs` encoded them.
pub(crate) fn decode<T: DeserializeOwned>(
    file: &'static str,
    bytes: &[u8],
) -> Result<T, EmbeddedError> {
    postcard::from_bytes(bytes).map_err(|source| EmbeddedError::Decode { file, source })
}

/// The edition name of the embedded set.
pub const EDITION_NAME: &str = "embedded curated set (HCPCS 2026-01, ICD-10-CM FY2026)";

/// A fault in one of the embedded data files.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    /// The compact records `build.rs` wrote do not decode (a build fault: the TOML itself is checked
    /// when the crate is built).
    #[error(
        "crates/claimls-data/data/{file}: the compiled records do not decode ({source}); rebuild claimls"
    )]
    Decode {
        file: &'static str,
        #[source]
        source: postcard::Error,
    },
    #[error("crates/claimls-data/data/{file}: {record}: {problem}")]
    Record {
        file: &'static str,
        record: String,
        problem: String,
    },
}

/// The embedded set. Never panics; a broken file is left out (the unit tests make sure none is).
pub fn load() -> CodeSet {
    let mut set = empty_set();
    // Each file is independent: a fault in one leaves the others in place.
    let _ = load_hcpcs(&mut set);
    let _ = load_modifiers(&mut set);
    let _ = load_diagnoses(&mut set);
    let _ = load_places(&mut set);
    let _ = load_successors(&mut set);
    set.index_drug_names();
    set
}

/// The embedded set, or the first fault found in its files (for tests and `claimls data` diagnostics).
pub fn parse() -> Result<CodeSet, EmbeddedError> {
    let mut set = empty_set();
    load_hcpcs(&mut set)?;
    load_modifiers(&mut set)?;
    load_diagnoses(&mut set)?;
    load_places(&mut set)?;
    load_successors(&mut set)?;
    set.index_drug_names();
    Ok(set)
}

// ---- successors.toml ----

fn load_successors(set: &mut CodeSet) -> Result<(), EmbeddedError> {
    let file: SuccessorsFile = decode("successors.toml", SUCCESSORS)?;
    for s in file.successor {
        let valid = |c: &str| {
            c.len() == 5
                && c.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        };
        if !valid(&s.code) || s.replaced_by.is_empty() || !s.replaced_by.iter().all(|c| valid(c)) {
            return Err(EmbeddedError::Record {
                file: "successors.toml",
                record: s.code,
                problem: "expected a 5-character code and at least one 5-character successor"
                    .into(),
            });
        }
        set.successors.insert(s.code, s.replaced_by);
    }
    Ok(())
}

fn empty_set() -> CodeSet {
    CodeSet {
        edition: Edition {
            name: EDITION_NAME.to_string(),
            effective: None,
            until: None,
        },
        complete: Completeness {
            hcpcs: false,
            icd10: false,
            pricing: false,
        },
        ..CodeSet::default()
    }
}

// ---- hcpcs.toml ----

fn load_hcpcs(set: &mut CodeSet) -> Result<(), EmbeddedError> {
    const FILE: &str = "hcpcs.toml";
    let file: HcpcsFile = decode(FILE, HCPCS)?;
    for rec in file.code {
        let code_id = rec.code.to_ascii_uppercase();
        let fault = |problem: String| EmbeddedError::Record {
            file: FILE,
            record: code_id.clone(),
            problem,
        };
        let kind = match rec.kind.as_str() {
            "drug" => CodeKind::Drug,
            "admin" => CodeKind::Administration(
                admin_role(rec.role.as_deref(), rec.family.as_deref()).map_err(&fault)?,
            ),
            "other" => CodeKind::Other,
            k => {
                return Err(fault(format!(
                    "kind \"{k}\": write \"drug\", \"admin\" or \"other\""
                )));
            }
        };
        let billing_unit = rec
            .billing_unit
            .as_deref()
            .map(|s| quantity(s).map_err(&fault))
            .transpose()?;
        let drug = match rec.drug {
            Some(d) => Some(drug(d, &code_id, billing_unit, set).map_err(&fault)?),
            None => None,
        };
        if rec.featured {
            set.featured.insert(code_id.clone());
        }
        let code = Code {
            code: code_id.clone(),
            description: rec.description,
            short_description: rec.short,
            kind,
            billing_unit,
            drug,
            added: date(rec.added.as_deref()).map_err(&fault)?,
            terminated: date(rec.terminated.as_deref()).map_err(&fault)?,
            mue: rec.mue.map(|m| Mue {
                value: m.value,
                indicator: m.indicator,
            }),
            payment_limit: None,
            replaced_by: rec.replaced_by,
        };
        set.codes.insert(code_id, code);
    }
    Ok(())
}

fn admin_role(role: Option<&str>, family: Option<&str>) -> Result<AdminRole, String> {
    let family = || match family {
        Some("hydration") => Ok(InfusionFamily::Hydration),
        Some("therapeutic") => Ok(InfusionFamily::Therapeutic),
        Some("chemotherapy") => Ok(InfusionFamily::Chemotherapy),
        other => Err(format!(
            "family {other:?}: write \"hydration\", \"therapeutic\" or \"chemotherapy\""
        )),
    };
    match role {
        Some("infusion-initial") => Ok(AdminRole::InfusionInitial { family: family()? }),
        Some("infusion-additional") => Ok(AdminRole::InfusionAdditional { family: family()? }),
        Some("other") | None => Ok(AdminRole::Other),
        Some(r) => Err(format!(
            "role \"{r}\": write \"infusion-initial\", \"infusion-additional\" or \"other\""
        )),
    }
}

/// Build a drug and register its NDC products in `set`.
fn drug(
    rec: DrugRecord,
    code: &str,
    billing_unit: Option<BillingUnit>,
    set: &mut CodeSet,
) -> Result<Drug, String> {
    let mut presentations = Vec::with_capacity(rec.presentations.len());
    for p in rec.presentations {
        let ndc = p.ndc.as_deref().map(ndc11).transpose()?;
        let amount = quantity(&p.amount)?;
        let volume = p.volume.as_deref().map(quantity).transpose()?;
        let container = match p.container.as_str() {
            "single-dose" => Container::SingleDose,
            "multi-dose" => Container::MultiDose,
            c => {
                return Err(format!(
                    "container \"{c}\": write \"single-dose\" or \"multi-dose\""
                ));
            }
        };
        let billing_units_per_package = p
            .billing_units_per_package
            .as_deref()
            .map(|s| {
                s.parse::<Decimal>()
                    .map_err(|_| format!("billing_units_per_package \"{s}\" is not a number"))
            })
            .transpose()?;
        let name = p.name.clone().unwrap_or_else(|| rec.generic.clone());
        let label = p
            .label
            .clone()
            .unwrap_or_else(|| presentation_label(&name, amount, volume, container, &p.form));
        let presentation = Presentation {
            ndc: ndc.clone(),
            amount,
            volume,
            container,
            per_package: p.per_package,
            billing_units_per_package,
            label,
        };
        if let Some(ndc) = ndc {
            let product = set.products.entry(ndc.clone()).or_insert_with(|| Product {
                ndc,
                name: name.clone(),
                labeler: p.labeler.clone(),
                codes: Vec::new(),
                presentation: Some(presentation.clone()),
            });
            if !product.codes.iter().any(|c| c == code) {
                product.codes.push(code.to_string());
            }
        }
        presentations.push(presentation);
    }
    let labelled_doses = rec
        .labelled_doses
        .iter()
        .map(|s| quantity(s))
        .collect::<Result<Vec<_>, _>>()?;
    if billing_unit.is_none() {
        return Err("a drug code needs a billing_unit (\"10 mg\")".to_string());
    }
    Ok(Drug {
        generic: rec.generic,
        brands: rec.brands,
        presentations,
        labelled_doses,
        indications: rec
            .indications
            .iter()
            .map(|i| icd10_dotted(&icd10_key(i)))
            .collect(),
        infused: rec.infused,
    })
}

/// `Ocrevus 300 mg/10 mL single-dose vial`.
fn presentation_label(
    name: &str,
    amount: Quantity,
    volume: Option<Quantity>,
    container: Container,
    form: &Option<String>,
) -> String {
    let mut s = format!("{name} {amount}");
    if let Some(v) = volume {
        s.push_str(&format!("/{} mL", v.amount.normalize()));
    }
    s.push_str(match container {
        Container::SingleDose => " single-dose",
        Container::MultiDose => " multi-dose",
    });
    s.push(' ');
    s.push_str(form.as_deref().unwrap_or("container"));
    s
}

/// `50242-0150-01` (5-4-2) or 11 digits → 11 digits.
fn ndc11(s: &str) -> Result<String, String> {
    let digits: String = s.chars().filter(|c| *c != '-').collect();
    let groups: Vec<usize> = s.split('-').map(str::len).collect();
    let shape_ok = groups == [5, 4, 2] || (groups == [11]);
    if !shape_ok || digits.len() != 11 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "NDC \"{s}\": write 11 digits in 5-4-2 form (\"50242-0150-01\")"
        ));
    }
    Ok(digits)
}

/// `300 mg`, `0.5 mg`, `1 units`, `10 ml`.
fn quantity(s: &str) -> Result<Quantity, String> {
    let mut parts = s.split_whitespace();
    let (Some(amount), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!(
            "quantity \"{s}\": write an amount and a unit (\"300 mg\")"
        ));
    };
    let amount: Decimal = amount
        .parse()
        .map_err(|_| format!("quantity \"{s}\": \"{amount}\" is not a number"))?;
    let unit = DoseUnit::parse(unit).ok_or_else(|| {
        format!("quantity \"{s}\": unit \"{unit}\" is not mg, mcg, g, ml or units")
    })?;
    Ok(Quantity::new(amount, unit))
}

fn date(s: Option<&str>) -> Result<Option<Date>, String> {
    match s {
        None => Ok(None),
        Some(s) => Date::parse_iso(s)
            .map(Some)
            .ok_or_else(|| format!("date \"{s}\": write YYYY-MM-DD")),
    }
}

// ---- modifiers.toml ----

fn load_modifiers(set: &mut CodeSet) -> Result<(), EmbeddedError> {
    const FILE: &str = "modifiers.toml";
    let file: ModifiersFile = decode(FILE, MODIFIERS)?;
    for rec in file.modifier {
        let code = rec.code.to_ascii_uppercase();
        let fault = |problem: String| EmbeddedError::Record {
            file: FILE,
            record: code.clone(),
            problem,
        };
        let kind = match rec.kind.as_str() {
            "waste" => ModifierKind::Waste,
            "drug" => ModifierKind::Drug,
            "procedure" => ModifierKind::Procedure,
            "any" => ModifierKind::Any,
            k => {
                return Err(fault(format!(
                    "kind \"{k}\": write \"waste\", \"drug\", \"procedure\" or \"any\""
                )));
            }
        };
        let modifier = Modifier {
            code: code.clone(),
            description: rec.description,
            kind,
            added: date(rec.added.as_deref()).map_err(&fault)?,
            terminated: date(rec.terminated.as_deref()).map_err(&fault)?,
            replaced_by: rec.replaced_by,
        };
        set.modifiers.insert(code, modifier);
    }
    Ok(())
}

// ---- icd10cm.toml ----

fn load_diagnoses(set: &mut CodeSet) -> Result<(), EmbeddedError> {
    const FILE: &str = "icd10cm.toml";
    let file: DiagnosesFile = decode(FILE, ICD10CM)?;
    for rec in file.diagnosis {
        let key = icd10_key(&rec.code);
        let fault = |problem: String| EmbeddedError::Record {
            file: FILE,
            record: rec.code.clone(),
            problem,
        };
        let diagnosis = Diagnosis {
            code: icd10_dotted(&key),
            title: rec.title.clone(),
            billable: rec.billable,
            billable_until: date(rec.billable_until.as_deref()).map_err(&fault)?,
            effective: date(rec.effective.as_deref()).map_err(&fault)?,
            terminated: date(rec.terminated.as_deref()).map_err(&fault)?,
        };
        set.diagnoses.insert(key, diagnosis);
    }
    Ok(())
}

// ---- pos.toml ----

fn load_places(set: &mut CodeSet) -> Result<(), EmbeddedError> {
    const FILE: &str = "pos.toml";
    let file: PlacesFile = decode(FILE, POS)?;
    for rec in file.place {
        let place = PlaceOfService {
            code: rec.code.clone(),
            name: rec.name,
            facility: rec.facility,
        };
        set.places.insert(rec.code, place);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
