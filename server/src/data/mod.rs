//! Code data behind one query API.
//!
//! A [`CodeData`] answers every question the rules and the front ends ask about codes: HCPCS/CPT codes,
//! modifiers, ICD-10-CM, place of service, NDC products, drug names. Behind it sit one or more
//! [`CodeSet`]s: the embedded curated set (always there, compiled in from `data/*.toml`) and, when the
//! user has imported official files, their editions. No other module reads a data file.
//!
//! Queries that depend on time take the date of service: a claim for March is judged on the codes in
//! force in March.

mod embedded;
mod set;
mod types;

#[cfg(test)]
mod tests;

pub use embedded::EmbeddedError;
pub use set::{CodeSet, Completeness, icd10_dotted, icd10_key};
pub use types::*;

use crate::model::Date;
use std::sync::{Arc, OnceLock};

/// The code data the engine uses: the embedded curated set plus any imported official editions.
#[derive(Debug, Clone)]
pub struct CodeData {
    embedded: Arc<CodeSet>,
    /// Imported official editions, oldest first. Each covers a date range; the newest edition whose
    /// range starts on or before the date of service is used.
    imported: Vec<CodeSet>,
}

impl CodeData {
    /// Only the embedded curated set.
    pub fn embedded() -> CodeData {
        CodeData {
            embedded: embedded_set(),
            imported: Vec::new(),
        }
    }

    /// The code data a front end should use: the embedded set plus the editions imported into the data
    /// directory (`claimls data import`).
    pub fn load() -> CodeData {
        CodeData::embedded()
    }

    /// The embedded set plus imported editions (in any order).
    pub fn with_imported(mut imported: Vec<CodeSet>) -> CodeData {
        imported.sort_by_key(|s| s.edition.effective);
        CodeData {
            embedded: embedded_set(),
            imported,
        }
    }

    pub fn embedded_set(&self) -> &CodeSet {
        &self.embedded
    }

    pub fn imported_sets(&self) -> &[CodeSet] {
        &self.imported
    }

    /// The sets to consult for a date of service, most authoritative first: the imported edition in
    /// force on that date (or the newest, when the date is unknown), then the embedded set.
    fn sets_for(&self, dos: Option<Date>) -> impl Iterator<Item = &CodeSet> {
        let chosen = match dos {
            Some(d) => self
                .imported
                .iter()
                .rev()
                .find(|s| s.edition.effective.is_none_or(|e| e <= d))
                .or_else(|| self.imported.first()),
            None => self.imported.last(),
        };
        chosen.into_iter().chain(std::iter::once(&*self.embedded))
    }

    /// Whether the complete official HCPCS set is loaded for this date of service (then an unknown
    /// code is unknown; otherwise it is only "not in the curated subset").
    pub fn hcpcs_complete(&self, dos: Option<Date>) -> bool {
        self.sets_for(dos).any(|s| s.complete.hcpcs)
    }

    /// Whether the complete official ICD-10-CM set is loaded for this date of service.
    pub fn icd10_complete(&self, dos: Option<Date>) -> bool {
        self.sets_for(dos).any(|s| s.complete.icd10)
    }

    /// Whether the ASP pricing file is loaded.
    pub fn has_pricing(&self) -> bool {
        self.imported.iter().any(|s| s.complete.pricing)
    }

    /// The edition that answers for this date of service.
    pub fn edition_for(&self, dos: Option<Date>) -> &Edition {
        &self.sets_for(dos).next().unwrap_or(&*self.embedded).edition
    }

    /// A HCPCS code or CPT number (case-insensitive).
    pub fn code(&self, code: &str, dos: Option<Date>) -> Option<&Code> {
        let key = code.to_ascii_uppercase();
        self.sets_for(dos).find_map(|s| s.codes.get(&key))
    }

    /// A modifier (case-insensitive).
    pub fn modifier(&self, m: &str, dos: Option<Date>) -> Option<&Modifier> {
        let key = m.to_ascii_uppercase();
        self.sets_for(dos).find_map(|s| s.modifiers.get(&key))
    }

    /// An ICD-10-CM code or header, with or without its dot (case-insensitive).
    pub fn diagnosis(&self, code: &str, dos: Option<Date>) -> Option<&Diagnosis> {
        let key = set::icd10_key(code);
        self.sets_for(dos).find_map(|s| s.diagnoses.get(&key))
    }

    /// The billable codes under a header (`G35` → G35.A, G35.B0…), in code order.
    pub fn billable_children(&self, header: &str, dos: Option<Date>) -> Vec<&Diagnosis> {
        let key = set::icd10_key(header);
        let set = self
            .sets_for(dos)
            .find(|s| s.diagnoses.contains_key(&key))
            .unwrap_or(&*self.embedded);
        set.diagnoses
            .range(key.clone()..)
            .take_while(|(k, _)| k.starts_with(&key))
            .filter(|(k, d)| **k != key && d.billable && dos.is_none_or(|x| d.active_on(x)))
            .map(|(_, d)| d)
            .collect()
    }

    /// A place-of-service code (`11`, or `1` for `01`).
    pub fn place_of_service(&self, code: &str) -> Option<&PlaceOfService> {
        let key = if code.len() == 1 {
            format!("0{code}")
        } else {
            code.to_string()
        };
        self.sets_for(None).find_map(|s| s.places.get(&key))
    }

    /// All place-of-service codes, in code order.
    pub fn places_of_service(&self) -> Vec<&PlaceOfService> {
        let set = self
            .sets_for(None)
            .find(|s| !s.places.is_empty())
            .unwrap_or(&*self.embedded);
        set.places.values().collect()
    }

    /// The product an NDC names (11 digits, no hyphens).
    pub fn product(&self, ndc11: &str) -> Option<&Product> {
        self.sets_for(None).find_map(|s| s.products.get(ndc11))
    }

    /// Drug codes that bill a drug named by generic name, brand or code (case-insensitive), in code
    /// order. `admin ocrelizumab` → [J2350]; `admin Ocrevus` → [J2350]; `admin J2350` → [J2350].
    pub fn codes_for_drug(&self, name: &str, dos: Option<Date>) -> Vec<&Code> {
        let key = name.trim().to_ascii_lowercase();
        if let Some(code) = self.code(&key, dos).filter(|c| c.kind == CodeKind::Drug) {
            return vec![code];
        }
        let mut out: Vec<&Code> = Vec::new();
        for set in self.sets_for(dos) {
            for code in set.drug_names.get(&key).into_iter().flatten() {
                if out.iter().all(|c| &c.code != code)
                    && let Some(c) = self.code(code, dos)
                {
                    out.push(c);
                }
            }
        }
        out.sort_by(|a, b| a.code.cmp(&b.code));
        out
    }

    /// Codes for completion: by code prefix (`J23` → J2350…) or by drug name / brand / descriptor word
    /// (`ocre` → J2350, J2351), best first.
    pub fn search_codes(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let mut hits: Vec<SearchHit> = Vec::new();
        for set in self.sets_for(None) {
            for hit in set.search_codes(query, limit) {
                if hits.iter().all(|h| h.code != hit.code) {
                    hits.push(hit);
                }
            }
        }
        hits.sort_by(|a, b| a.score.cmp(&b.score).then_with(|| a.code.cmp(&b.code)));
        hits.truncate(limit);
        hits
    }

    /// ICD-10-CM codes for completion, by code prefix or title words, best first.
    pub fn search_diagnoses(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let mut hits: Vec<SearchHit> = Vec::new();
        for set in self.sets_for(None) {
            for hit in set.search_diagnoses(query, limit) {
                if hits.iter().all(|h| h.code != hit.code) {
                    hits.push(hit);
                }
            }
        }
        hits.sort_by(|a, b| a.score.cmp(&b.score).then_with(|| a.code.cmp(&b.code)));
        hits.truncate(limit);
        hits
    }

    /// All modifiers known, in code order.
    pub fn modifiers(&self) -> Vec<&Modifier> {
        let mut out: Vec<&Modifier> = Vec::new();
        for set in self.sets_for(None) {
            for m in set.modifiers.values() {
                if out.iter().all(|x| x.code != m.code) {
                    out.push(m);
                }
            }
        }
        out.sort_by(|a, b| a.code.cmp(&b.code));
        out
    }

    /// Every distinct drug known (for `admin` completion): generic name and brands.
    pub fn drugs(&self) -> Vec<(&Code, &Drug)> {
        let mut out: Vec<(&Code, &Drug)> = Vec::new();
        for set in self.sets_for(None) {
            for c in set.codes.values() {
                if let Some(d) = &c.drug
                    && out.iter().all(|(x, _)| x.code != c.code)
                {
                    out.push((c, d));
                }
            }
        }
        out
    }
}

/// The embedded set is parsed once per process and shared.
fn embedded_set() -> Arc<CodeSet> {
    static EMBEDDED: OnceLock<Arc<CodeSet>> = OnceLock::new();
    EMBEDDED
        .get_or_init(|| Arc::new(CodeSet::embedded()))
        .clone()
}
