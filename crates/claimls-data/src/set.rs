//! One set of code data: the embedded curated set, or one imported official edition.

use super::types::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Which official sets this `CodeSet` holds in full (so absence means "not a code").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Completeness {
    pub hcpcs: bool,
    pub icd10: bool,
    pub pricing: bool,
}

/// One layer of code data, keyed for lookup and completion.
#[derive(Debug, Clone, Default)]
pub struct CodeSet {
    pub edition: Edition,
    pub complete: Completeness,
    /// HCPCS codes and CPT numbers, upper case.
    pub codes: BTreeMap<String, Code>,
    /// Modifiers, upper case.
    pub modifiers: BTreeMap<String, Modifier>,
    /// ICD-10-CM keyed by [`icd10_key`] (upper case, no dot), so prefixes are ranges.
    pub diagnoses: BTreeMap<String, Diagnosis>,
    /// Place of service, two digits.
    pub places: BTreeMap<String, PlaceOfService>,
    /// NDC products by 11 digits.
    pub products: HashMap<String, Product>,
    /// Lower-case generic names and brands → drug codes.
    pub drug_names: HashMap<String, Vec<String>>,
    /// Codes offered first when a completion prefix matches several codes (the embedded set features the
    /// ocrelizumab codes, so `J23` offers J2350 before J2323).
    pub featured: BTreeSet<String>,
    /// Successors of terminated codes the official file does not cross-reference (embedded set only,
    /// from `data/successors.toml`): carried onto the imported records of those codes.
    pub successors: BTreeMap<String, Vec<String>>,
}

/// Whether a word of `text` (split at anything not a letter or digit) starts with `lower` (ASCII,
/// lower case), compared case-insensitively without allocating: completion runs this over every
/// descriptor of the full sets.
pub(crate) fn has_word_starting_with(text: &str, lower: &str) -> bool {
    let t = text.as_bytes();
    let q = lower.as_bytes();
    if q.is_empty() {
        return true;
    }
    let mut at_word_start = true;
    for i in 0..t.len() {
        let c = t[i];
        let alnum = c.is_ascii_alphanumeric();
        if alnum
            && at_word_start
            && t.len() - i >= q.len()
            && t[i..i + q.len()].eq_ignore_ascii_case(q)
        {
            return true;
        }
        at_word_start = !alnum;
    }
    false
}

/// The key an ICD-10-CM code is stored under: upper case without the dot (`g35.a` → `G35A`), owned
/// (a lookup uses [`crate::Key::icd10`], which stays on the stack).
pub fn icd10_key(code: &str) -> String {
    crate::Key::icd10(code).as_str().to_owned()
}

/// The dotted form of an ICD-10-CM key (`G35A` → `G35.A`, `G35` → `G35`).
pub fn icd10_dotted(key: &str) -> String {
    if key.len() > 3 {
        format!("{}.{}", &key[..3], &key[3..])
    } else {
        key.to_string()
    }
}

impl CodeSet {
    /// How many records of each kind the set holds.
    pub fn size(&self) -> crate::SetSize {
        crate::SetSize {
            codes: self.codes.len(),
            modifiers: self.modifiers.len(),
            products: self.products.len(),
            diagnoses: self.diagnoses.len(),
            places: self.places.len(),
        }
    }

    /// Index drug names of the codes (generic name, brands) into `drug_names`.
    pub fn index_drug_names(&mut self) {
        self.drug_names.clear();
        for code in self.codes.values() {
            let Some(drug) = &code.drug else { continue };
            let names = std::iter::once(&drug.generic).chain(drug.brands.iter());
            for name in names {
                let entry = self
                    .drug_names
                    .entry(name.to_ascii_lowercase())
                    .or_default();
                if !entry.contains(&code.code) {
                    entry.push(code.code.clone());
                }
            }
        }
    }

    /// Completion over codes: exact code first, then code prefix, then drug/brand name prefix, then
    /// a word of the descriptor starting with the query.
    pub fn search_codes(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let q = query.trim();
        let upper = q.to_ascii_uppercase();
        let lower = q.to_ascii_lowercase();
        let mut hits: Vec<SearchHit> = Vec::new();
        let push = |hits: &mut Vec<SearchHit>, code: &Code, score: u32| {
            if hits.iter().all(|h| h.code != code.code) {
                hits.push(SearchHit {
                    code: code.code.clone(),
                    label: code.description.clone(),
                    score,
                });
            }
        };
        for (k, code) in self
            .codes
            .range(upper.clone()..)
            .take_while(|(k, _)| k.starts_with(&upper))
        {
            let score = if *k == upper {
                0
            } else if self.featured.contains(k) {
                1
            } else {
                2
            };
            push(&mut hits, code, score);
            if hits.len() >= limit {
                return hits;
            }
        }
        if lower.is_empty() {
            return hits;
        }
        for (name, codes) in &self.drug_names {
            if name.starts_with(&lower) {
                for c in codes.iter().filter_map(|c| self.codes.get(c)) {
                    push(&mut hits, c, 3);
                }
            }
        }
        if hits.len() < limit {
            for code in self.codes.values() {
                if has_word_starting_with(&code.description, &lower) {
                    push(&mut hits, code, 4);
                    if hits.len() >= limit * 4 {
                        break;
                    }
                }
            }
        }
        hits
    }

    /// Completion over ICD-10-CM: code prefix, then title word prefix.
    pub fn search_diagnoses(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let key = icd10_key(query.trim());
        let lower = query.trim().to_ascii_lowercase();
        let mut hits: Vec<SearchHit> = Vec::new();
        for (k, d) in self
            .diagnoses
            .range(key.clone()..)
            .take_while(|(k, _)| k.starts_with(&key))
        {
            hits.push(SearchHit {
                code: d.code.clone(),
                label: d.title.clone(),
                score: if *k == key { 0 } else { 1 },
            });
            if hits.len() >= limit {
                return hits;
            }
        }
        if lower.len() >= 3 {
            for d in self.diagnoses.values() {
                if has_word_starting_with(&d.title, &lower) && hits.iter().all(|h| h.code != d.code)
                {
                    hits.push(SearchHit {
                        code: d.code.clone(),
                        label: d.title.clone(),
                        score: 3,
                    });
                    if hits.len() >= limit {
                        break;
                    }
                }
            }
        }
        hits
    }

    /// The embedded curated set, compiled in from `crates/claimls-data/data/*.toml`.
    pub fn embedded() -> CodeSet {
        crate::embedded::load()
    }

    /// The embedded curated set, or the first fault in its files (for tests and diagnostics;
    /// [`CodeSet::embedded`] leaves a faulty file out instead).
    pub fn embedded_checked() -> Result<CodeSet, crate::EmbeddedError> {
        crate::embedded::parse()
    }
}

#[cfg(test)]
mod tests {
    use super::has_word_starting_with;

    #[test]
    fn word_prefix_matching_ignores_case_and_punctuation() {
        assert!(has_word_starting_with(
            "Injection, durvalumab, 10 mg",
            "durva"
        ));
        assert!(has_word_starting_with("Inj., Durvalumab", "durva"));
        assert!(has_word_starting_with("hyaluronidase-ocsq", "ocsq"));
        assert!(!has_word_starting_with("Injection, durvalumab", "valu"));
        assert!(!has_word_starting_with("du", "durva"));
    }
}
