//! One layer of code data as [`crate::CodeData`] consults it: a set held in memory (the embedded
//! curated set, or editions a caller built) or an edition read in place from the index.

use crate::mapped::MappedSet;
use crate::set::{CodeSet, Completeness};
use crate::types::*;

/// An imported code edition: built in this process, or stored in the index at import.
#[derive(Debug)]
pub enum ImportedSet {
    /// Built by the caller (`CodeData::with_imported`).
    Built(CodeSet),
    /// Read in place from the index (or packed the same way when built from its parts).
    Packed(MappedSet),
}

/// How many records of each kind a set holds, for `claimls data status`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SetSize {
    pub codes: usize,
    pub modifiers: usize,
    pub products: usize,
    pub diagnoses: usize,
    pub places: usize,
}

impl ImportedSet {
    pub fn edition(&self) -> &Edition {
        self.layer().edition()
    }

    pub fn complete(&self) -> Completeness {
        self.layer().complete()
    }

    pub fn size(&self) -> SetSize {
        self.layer().size()
    }

    pub(crate) fn layer(&self) -> Layer<'_> {
        match self {
            ImportedSet::Built(set) => Layer::Set(set),
            ImportedSet::Packed(set) => Layer::Stored(set),
        }
    }
}

/// Which kinds of data a set holds: sets of different kinds are chosen by date independently.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Kinds {
    pub codes: bool,
    pub diagnoses: bool,
    pub places: bool,
}

impl Kinds {
    pub fn lacks_any(self, other: Kinds) -> bool {
        (other.codes && !self.codes)
            || (other.diagnoses && !self.diagnoses)
            || (other.places && !self.places)
    }
    pub fn add(&mut self, other: Kinds) {
        self.codes |= other.codes;
        self.diagnoses |= other.diagnoses;
        self.places |= other.places;
    }
}

/// A borrowed layer: the questions `CodeData` asks each set, answered by either form.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Layer<'a> {
    Set(&'a CodeSet),
    Stored(&'a MappedSet),
}

impl<'a> Layer<'a> {
    pub fn edition(self) -> &'a Edition {
        match self {
            Layer::Set(s) => &s.edition,
            Layer::Stored(s) => &s.edition,
        }
    }

    pub fn complete(self) -> Completeness {
        match self {
            Layer::Set(s) => s.complete,
            Layer::Stored(s) => s.complete,
        }
    }

    pub fn size(self) -> SetSize {
        match self {
            Layer::Set(s) => s.size(),
            Layer::Stored(s) => SetSize {
                codes: s.code_count(),
                modifiers: s.modifier_count(),
                products: s.product_count(),
                diagnoses: 0,
                places: s.place_count(),
            },
        }
    }

    pub fn kinds(self) -> Kinds {
        let size = self.size();
        Kinds {
            codes: size.codes > 0 || size.modifiers > 0 || size.products > 0,
            diagnoses: size.diagnoses > 0,
            places: size.places > 0,
        }
    }

    /// A code by key (upper case).
    pub fn code(self, key: &str) -> Option<&'a Code> {
        match self {
            Layer::Set(s) => s.codes.get(key),
            Layer::Stored(s) => s.code(key),
        }
    }

    pub fn modifier(self, key: &str) -> Option<&'a Modifier> {
        match self {
            Layer::Set(s) => s.modifiers.get(key),
            Layer::Stored(s) => s.modifier(key),
        }
    }

    pub fn product(self, ndc: &str) -> Option<&'a Product> {
        match self {
            Layer::Set(s) => s.products.get(ndc),
            Layer::Stored(s) => s.product(ndc),
        }
    }

    pub fn place(self, key: &str) -> Option<&'a PlaceOfService> {
        match self {
            Layer::Set(s) => s.places.get(key),
            Layer::Stored(s) => s.place(key),
        }
    }

    /// All places of service, in code order.
    pub fn places(self) -> Vec<&'a PlaceOfService> {
        match self {
            Layer::Set(s) => s.places.values().collect(),
            Layer::Stored(s) => s.places(),
        }
    }

    /// All modifiers, in code order.
    pub fn modifiers(self) -> Vec<&'a Modifier> {
        match self {
            Layer::Set(s) => s.modifiers.values().collect(),
            Layer::Stored(s) => s.modifiers(),
        }
    }

    /// The NDC products that crosswalk to a code (upper case).
    pub fn products_for_code(self, key: &str) -> Vec<&'a Product> {
        match self {
            Layer::Set(s) => s
                .products
                .values()
                .filter(|p| p.codes.iter().any(|c| c == key))
                .collect(),
            Layer::Stored(s) => s.products_for_code(key),
        }
    }

    /// Codes billing a drug by lower-case generic or brand name.
    pub fn codes_named(self, lower: &str) -> Vec<&'a str> {
        match self {
            Layer::Set(s) => s
                .drug_names
                .get(lower)
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect(),
            Layer::Stored(s) => s.codes_named(lower),
        }
    }

    /// Codes with a drug, in code order.
    pub fn drug_codes(self) -> Vec<&'a Code> {
        match self {
            Layer::Set(s) => s.codes.values().filter(|c| c.drug.is_some()).collect(),
            Layer::Stored(s) => s.drug_codes(),
        }
    }

    pub fn search_codes(self, query: &str, limit: usize) -> Vec<SearchHit> {
        match self {
            Layer::Set(s) => s.search_codes(query, limit),
            Layer::Stored(s) => s.search_codes(query, limit),
        }
    }

    /// An ICD-10-CM entry by key (stored editions hold none: ICD-10-CM has its own tables).
    pub fn diagnosis(self, key: &str) -> Option<&'a Diagnosis> {
        match self {
            Layer::Set(s) => s.diagnoses.get(key),
            Layer::Stored(_) => None,
        }
    }

    /// The billable entries under a header key, in key order.
    pub fn billable_under(self, key: &str, dos: Option<claimls_model::Date>) -> Vec<&'a Diagnosis> {
        match self {
            Layer::Set(s) => s
                .diagnoses
                .range(key.to_string()..)
                .take_while(|(k, _)| k.starts_with(key))
                .filter(|(k, d)| *k != key && d.billable && dos.is_none_or(|x| d.active_on(x)))
                .map(|(_, d)| d)
                .collect(),
            Layer::Stored(_) => Vec::new(),
        }
    }

    pub fn search_diagnoses(self, query: &str, limit: usize) -> Vec<SearchHit> {
        match self {
            Layer::Set(s) => s.search_diagnoses(query, limit),
            Layer::Stored(_) => Vec::new(),
        }
    }
}
