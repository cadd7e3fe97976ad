//! Code data behind one query API.
//!
//! A [`CodeData`] answers every question the rules and the front ends ask about codes: HCPCS/CPT codes,
//! modifiers, ICD-10-CM, place of service, NDC products, drug names. Behind it sit one or more
//! [`CodeSet`]s: the embedded curated set (always there, compiled in from `data/*.toml`) and, when the
//! user has imported official files, their editions. No other module reads a data file.
//!
//! Queries that depend on time take the date of service: a claim for March is judged on the codes in
//! force in March.

pub mod addons;
mod codec;
pub mod diagnosis_table;
mod embedded;
pub mod import;
mod key;
mod layer;
pub mod mapped;
mod set;
pub mod store;
mod types;
mod word_index;

#[cfg(test)]
mod tests;

pub use addons::{AddOnEdit, AddOnKind, AddOnTable};
pub use diagnosis_table::DiagnosisTable;
pub use embedded::EmbeddedError;
pub use key::Key;
pub use layer::{ImportedSet, SetSize};
pub use mapped::MappedSet;
pub use set::{CodeSet, Completeness, icd10_dotted, icd10_key};
pub use types::*;

use claimls_model::Date;
use layer::{Kinds, Layer};
use rust_decimal::Decimal;
use std::sync::{Arc, Mutex, OnceLock};

/// The code data the engine uses: the embedded curated set plus any imported official editions.
#[derive(Debug, Clone)]
pub struct CodeData {
    /// The embedded curated set, parsed the first time a query gets to it (once per process): a
    /// query the imported editions answer never waits for it.
    embedded: &'static OnceLock<Arc<CodeSet>>,
    /// Imported official editions of codes, modifiers, NDCs and places of service, oldest first.
    /// Each covers a date range; the newest edition whose range starts on or before the date of
    /// service is used. Read in place from the index, as built at import; built on first use from
    /// `pending` only when the index holds parts but no editions built for this claimls.
    imported: Arc<OnceLock<Vec<ImportedSet>>>,
    /// The stored parts the editions are built from, until they are (the fallback above).
    pending: Arc<Mutex<Option<Vec<import::Part>>>>,
    /// Imported ICD-10-CM editions (packed: about 100,000 entries each), oldest first, chosen by
    /// date of service the same way.
    diagnosis_tables: Vec<Arc<DiagnosisTable>>,
    /// Imported NCCI add-on code editions and ASP payment-limit quarters.
    small: Arc<SmallEditions>,
}

/// The imported add-on code editions and ASP quarters: given, or decoded from the index the first time
/// a query asks for each (start-up decodes neither).
#[derive(Debug, Default)]
struct SmallEditions {
    index: Option<store::SmallParts>,
    /// NCCI add-on code editions, oldest first.
    addons: OnceLock<Vec<Arc<AddOnTable>>>,
    /// ASP payment-limit quarters, oldest first.
    prices: OnceLock<Vec<PriceQuarter>>,
}

/// The Medicare payment limit of a drug code on a date of service (ASP pricing file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentLimit {
    /// The limit per billing unit in the quarter that covers the date of service.
    Known {
        per_unit: Decimal,
        /// `2025 Q4 (October 2025 ASP file)`.
        quarter: String,
    },
    /// No loaded ASP file covers the date of service: no limit is known for it. `loaded` names the
    /// quarters that are loaded (empty when no ASP pricing file was imported).
    OutsideQuarter { loaded: Vec<String> },
    /// The ASP file of the date's quarter has no limit for this code.
    NotPriced,
}

/// One imported ASP pricing file: its quarter and limits.
#[derive(Debug, Clone)]
struct PriceQuarter {
    label: String,
    effective: Option<Date>,
    until: Option<Date>,
    limits: std::collections::HashMap<String, Option<Decimal>>,
}

impl PriceQuarter {
    fn from_part(part: &import::Part) -> Option<PriceQuarter> {
        let import::Records::AspPricing(rows) = &part.records else {
            return None;
        };
        // A file without its "through" date covers its calendar quarter.
        let until = part.until.or_else(|| part.effective.map(quarter_end));
        Some(PriceQuarter {
            label: quarter_label(part.effective, &part.name),
            effective: part.effective,
            until,
            limits: rows
                .iter()
                .map(|r| (r.code.clone(), r.payment_limit))
                .collect(),
        })
    }

    fn covers(&self, dos: Date) -> bool {
        self.effective.is_none_or(|e| e <= dos) && self.until.is_none_or(|u| dos <= u)
    }
}

/// The last day of the calendar quarter of `date`.
fn quarter_end(date: Date) -> Date {
    let last_month = (date.month - 1) / 3 * 3 + 3;
    let mut end = Date::new(date.year, last_month, 28).unwrap_or(date);
    while end.next_day().month == last_month {
        end = end.next_day();
    }
    end
}

/// The months' names, January first: for labels, and (by their first three letters) read in the
/// official files' dates.
pub(crate) const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `2025 Q4 (October 2025 ASP file)` for a file effective 2025-10-01.
fn quarter_label(effective: Option<Date>, name: &str) -> String {
    match effective {
        Some(d) => format!(
            "{} Q{} ({} {} ASP file)",
            d.year,
            (d.month - 1) / 3 + 1,
            MONTH_NAMES[usize::from(d.month - 1)],
            d.year
        ),
        None => name.to_string(),
    }
}

impl CodeData {
    /// Only the embedded curated set.
    pub fn embedded() -> CodeData {
        CodeData::with_editions(Vec::new(), Vec::new())
    }

    /// The code data a front end should use: the embedded set plus the editions imported into the data
    /// directory (`claimls data import`). A damaged index, or one of another format version, is
    /// ignored with a message on stderr: the embedded set still answers.
    pub fn load() -> CodeData {
        let data = match store::data_dir() {
            Some(dir) => CodeData::load_from(&dir),
            None => CodeData::embedded(),
        };
        // Editions stored at import are read in place and need no work. Only an index without
        // editions built for this claimls has them built from its parts: off the caller's thread,
        // so the first check does not wait for it (a query that comes first waits for the same
        // build, it does not start another).
        if data.imported.get().is_none() {
            let warm = data.clone();
            std::thread::spawn(move || {
                let _ = warm.imported();
            });
        }
        data
    }

    /// Like [`CodeData::load`], from a given data directory.
    pub fn load_from(dir: &std::path::Path) -> CodeData {
        match store::open(dir) {
            Ok(None) => CodeData::embedded(),
            Ok(Some(index)) => CodeData::from_index(index),
            Err(e) => {
                eprintln!("claimls: {e}. Using the embedded curated code data only.");
                CodeData::embedded()
            }
        }
    }

    fn from_index(index: store::Opened) -> CodeData {
        let mut data = CodeData::with_editions(Vec::new(), index.tables);
        data.small = Arc::new(SmallEditions {
            index: Some(index.small),
            ..SmallEditions::default()
        });
        match index.editions {
            store::Editions::Stored(mut sets) => {
                sets.sort_by_key(|s| s.edition.effective);
                data.imported = Arc::new(OnceLock::from(
                    sets.into_iter()
                        .map(ImportedSet::Packed)
                        .collect::<Vec<_>>(),
                ));
            }
            store::Editions::ToBuild(parts) => {
                data.imported = Arc::new(OnceLock::new());
                data.pending = Arc::new(Mutex::new(Some(parts)));
            }
        }
        data
    }

    /// The embedded set plus imported editions (in any order).
    pub fn with_imported(imported: Vec<CodeSet>) -> CodeData {
        CodeData::with_editions(imported, Vec::new())
    }

    /// The embedded set plus imported editions and ICD-10-CM tables (in any order).
    pub fn with_editions(mut imported: Vec<CodeSet>, tables: Vec<DiagnosisTable>) -> CodeData {
        imported.sort_by_key(|s| s.edition.effective);
        let mut diagnosis_tables: Vec<Arc<DiagnosisTable>> =
            tables.into_iter().map(Arc::new).collect();
        diagnosis_tables.sort_by_key(|t| t.edition.effective);
        CodeData {
            embedded: &EMBEDDED_SET,
            imported: Arc::new(OnceLock::from(
                imported
                    .into_iter()
                    .map(ImportedSet::Built)
                    .collect::<Vec<_>>(),
            )),
            pending: Arc::new(Mutex::new(None)),
            diagnosis_tables,
            small: Arc::new(SmallEditions {
                addons: OnceLock::from(Vec::new()),
                prices: OnceLock::from(Vec::new()),
                index: None,
            }),
        }
    }

    /// These code data with imported NCCI add-on code editions (in any order) in place of any before.
    pub fn with_addons(mut self, tables: Vec<AddOnTable>) -> CodeData {
        let mut tables: Vec<Arc<AddOnTable>> = tables.into_iter().map(Arc::new).collect();
        tables.sort_by_key(|t| t.edition.effective);
        let prices = match self.small.prices.get() {
            Some(p) => OnceLock::from(p.clone()),
            None => OnceLock::new(),
        };
        self.small = Arc::new(SmallEditions {
            index: self.small.index.clone(),
            addons: OnceLock::from(tables),
            prices,
        });
        self
    }

    /// The NCCI add-on code edit of `addon` in force on the date of service: its primary codes (one of
    /// which must be billed with it on that date), dates, CMS's notes and the edition that answered.
    /// `None` when the code is not an add-on code in force on that date (or is unknown).
    ///
    /// The edition: the newest imported add-on code file in force on the date (a date before every
    /// imported file gets the oldest: each row carries its own dates), else the embedded curated rows
    /// (drug administration only). An imported file lists every add-on code, so a code it lacks is
    /// not an add-on code, whatever the embedded rows say. Without a date: the rows not deleted.
    ///
    /// `addon_primaries("96415", 2026-03-02)` → primaries `["96413"]`, kind `Listed`.
    pub fn addon_primaries(&self, addon: &str, dos: Option<Date>) -> Option<AddOnEdit> {
        let tables = self.addon_tables();
        let imported = tables
            .iter()
            .rev()
            .find(|t| match (dos, t.edition.effective) {
                (Some(d), Some(e)) => e <= d,
                _ => true,
            })
            .or_else(|| tables.first());
        match imported {
            Some(table) => table.lookup(addon, dos),
            None => embedded_addons().lookup(addon, dos),
        }
    }

    /// The imported NCCI add-on code editions, oldest first.
    pub fn addon_tables(&self) -> &[Arc<AddOnTable>] {
        self.small.addons.get_or_init(|| {
            let index = self.small.index.as_ref();
            let mut tables: Vec<Arc<AddOnTable>> = index
                .map(store::SmallParts::addons)
                .unwrap_or_default()
                .into_iter()
                .map(Arc::new)
                .collect();
            tables.sort_by_key(|t| t.edition.effective);
            tables
        })
    }

    /// The imported ASP payment-limit quarters, oldest first (decoded the first time they are asked).
    fn price_quarters(&self) -> &[PriceQuarter] {
        self.small.prices.get_or_init(|| {
            let parts = self.small.index.as_ref().map(store::SmallParts::pricing);
            let mut quarters: Vec<PriceQuarter> = parts
                .iter()
                .flatten()
                .filter_map(PriceQuarter::from_part)
                .collect();
            quarters.sort_by_key(|q| q.effective);
            quarters
        })
    }

    /// The imported code editions: stored ones as opened, else built from the stored parts the
    /// first time they are needed (packed the way import stores them, for their word indexes).
    fn imported(&self) -> &[ImportedSet] {
        self.imported.get_or_init(|| {
            // A poisoned lock means a build panicked elsewhere: answer from the embedded set.
            let parts = self.pending.lock().ok().and_then(|mut p| p.take());
            let Some(parts) = parts else {
                return Vec::new();
            };
            let mut sets = import::build_sets(&parts, self.curated()).sets;
            sets.sort_by_key(|s| s.edition.effective);
            sets.iter()
                .map(|s| ImportedSet::Packed(MappedSet::from_set(s)))
                .collect()
        })
    }

    /// The imported ICD-10-CM editions, oldest first.
    pub fn diagnosis_tables(&self) -> &[Arc<DiagnosisTable>] {
        &self.diagnosis_tables
    }

    /// The ICD-10-CM table in force on a date of service (the newest, when the date is unknown).
    fn table_for(&self, dos: Option<Date>) -> Option<&DiagnosisTable> {
        self.diagnosis_tables
            .iter()
            .rev()
            .find(|t| match (dos, t.edition.effective) {
                (Some(d), Some(e)) => e <= d,
                _ => true,
            })
            .map(|t| &**t)
    }

    fn curated(&self) -> &CodeSet {
        self.embedded.get_or_init(|| Arc::new(CodeSet::embedded()))
    }

    pub fn embedded_set(&self) -> &CodeSet {
        self.curated()
    }

    /// The imported code and place-of-service editions, oldest first.
    pub fn imported_sets(&self) -> &[ImportedSet] {
        self.imported()
    }

    /// The sets to consult for a date of service, most authoritative first: for each kind of data
    /// (codes and modifiers, ICD-10-CM, place of service) the newest imported set in force on that date
    /// (or the newest, when the date is unknown), then the embedded set. A date before every imported
    /// edition of a kind gets only the embedded set for that kind (its codes are not known to us).
    ///
    /// Each chosen set covers a kind no set before it does, so there are at most three before the
    /// embedded one: they are held in place (the rules ask this a dozen times a claim).
    fn sets_for(&self, dos: Option<Date>) -> impl Iterator<Item = Layer<'_>> {
        let mut covered = Kinds::default();
        let mut chosen: [Option<Layer<'_>>; 3] = [None; 3];
        let mut count = 0;
        for set in self.imported().iter().rev() {
            if count == chosen.len() {
                break;
            }
            let layer = set.layer();
            let in_force = match (dos, layer.edition().effective) {
                (Some(d), Some(e)) => e <= d,
                _ => true,
            };
            let kinds = layer.kinds();
            if in_force && covered.lacks_any(kinds) {
                covered.add(kinds);
                chosen[count] = Some(layer);
                count += 1;
            }
        }
        chosen
            .into_iter()
            .flatten()
            .chain(std::iter::once_with(|| Layer::Set(self.curated())))
    }

    /// Whether the complete official HCPCS set is loaded for this date of service (then an unknown
    /// code is unknown; otherwise it is only "not in the curated subset").
    pub fn hcpcs_complete(&self, dos: Option<Date>) -> bool {
        self.sets_for(dos).any(|s| s.complete().hcpcs)
    }

    /// Whether the complete official ICD-10-CM set is loaded for this date of service: an imported
    /// edition covers the date (a fiscal year runs October 1 to September 30; an April update covers
    /// April to September). An FY2026 edition does not make FY2027 dates complete: a code unknown on
    /// such a date is not known to be invalid. Without a date: whether any edition is imported.
    pub fn icd10_complete(&self, dos: Option<Date>) -> bool {
        self.diagnosis_edition(dos).is_some() || self.sets_for(dos).any(|s| s.complete().icd10)
    }

    /// The imported ICD-10-CM edition that covers a date of service (the newest whose period holds
    /// the date; without a date, the newest), or `None` when none does.
    pub fn diagnosis_edition(&self, dos: Option<Date>) -> Option<&Edition> {
        self.diagnosis_tables
            .iter()
            .rev()
            .map(|t| &t.edition)
            .find(|e| match dos {
                None => true,
                Some(d) => e.effective.is_none_or(|f| f <= d) && e.until.is_none_or(|u| d <= u),
            })
    }

    /// The Medicare payment limit of a drug code on a date of service, from the ASP pricing file
    /// whose quarter covers the date (without a date: the newest loaded quarter). A date outside
    /// every loaded quarter gets [`PaymentLimit::OutsideQuarter`] naming the loaded ones: ASP limits
    /// change every quarter, so another quarter's limit is never applied.
    pub fn payment_limit(&self, code: &str, dos: Option<Date>) -> PaymentLimit {
        let key = Key::upper(code.trim());
        let quarters = self.price_quarters();
        let quarter = match dos {
            Some(d) => quarters.iter().rev().find(|q| q.covers(d)),
            None => quarters.last(),
        };
        let Some(quarter) = quarter else {
            return PaymentLimit::OutsideQuarter {
                loaded: quarters.iter().map(|q| q.label.clone()).collect(),
            };
        };
        match quarter.limits.get(&*key).copied().flatten() {
            Some(per_unit) => PaymentLimit::Known {
                per_unit,
                quarter: quarter.label.clone(),
            },
            None => PaymentLimit::NotPriced,
        }
    }

    /// Whether the ASP pricing file is loaded.
    pub fn has_pricing(&self) -> bool {
        self.imported().iter().any(|s| s.complete().pricing)
    }

    /// The edition that answers for codes on this date of service.
    pub fn edition_for(&self, dos: Option<Date>) -> &Edition {
        let first = self
            .sets_for(dos)
            .find(|s| s.kinds().codes)
            .unwrap_or_else(|| Layer::Set(self.curated()));
        first.edition()
    }

    /// A HCPCS code or CPT number (case-insensitive), from the edition in force on the date of
    /// service. When that edition lacks the code but an imported edition (any date) knows it with its
    /// added or termination date, that record answers: a date before the code was added then reads
    /// as "not in effect on that date" (`code-inactive`), not "unknown".
    pub fn code(&self, code: &str, dos: Option<Date>) -> Option<&Code> {
        self.code_and_edition(code, dos).map(|(c, _)| c)
    }

    /// The edition that answered [`CodeData::code`] for this code and date.
    pub fn code_edition(&self, code: &str, dos: Option<Date>) -> Option<&Edition> {
        self.code_and_edition(code, dos).map(|(_, e)| e)
    }

    fn code_and_edition(&self, code: &str, dos: Option<Date>) -> Option<(&Code, &Edition)> {
        let key = Key::upper(code.trim());
        if let Some(found) = self
            .sets_for(dos)
            .find_map(|s| s.code(&key).map(|c| (c, s.edition())))
        {
            return Some(found);
        }
        self.imported()
            .iter()
            .rev()
            .map(ImportedSet::layer)
            .filter(|s| s.complete().hcpcs)
            .find_map(|s| {
                s.code(&key)
                    .filter(|c| c.added.is_some() || c.terminated.is_some())
                    .map(|c| (c, s.edition()))
            })
    }

    /// A modifier (case-insensitive).
    pub fn modifier(&self, m: &str, dos: Option<Date>) -> Option<&Modifier> {
        let key = Key::upper(m);
        self.sets_for(dos).find_map(|s| s.modifier(&key))
    }

    /// An ICD-10-CM code or header, with or without its dot (case-insensitive).
    pub fn diagnosis(&self, code: &str, dos: Option<Date>) -> Option<&Diagnosis> {
        let key = Key::icd10(code);
        if let Some(table) = self.table_for(dos) {
            if let Some(d) = table.get(&key) {
                return Some(d);
            }
            // A codes file lists billable codes only: its headers come from a tabular XML.
            if !table.has_headers
                && let Some(d) = self
                    .diagnosis_tables
                    .iter()
                    .rev()
                    .filter(|t| t.has_headers)
                    .find_map(|t| t.get(&key).filter(|d| !d.billable))
            {
                return Some(d);
            }
        }
        self.sets_for(dos).find_map(|s| s.diagnosis(&key))
    }

    /// The edition that answers [`CodeData::diagnosis`] for this code and date: an imported ICD-10-CM
    /// file, or the embedded set.
    pub fn diagnosis_source(&self, code: &str, dos: Option<Date>) -> Option<&Edition> {
        let key = Key::icd10(code);
        if let Some(table) = self.table_for(dos) {
            if table.get(&key).is_some() {
                return Some(&table.edition);
            }
            if !table.has_headers
                && let Some(t) = self
                    .diagnosis_tables
                    .iter()
                    .rev()
                    .filter(|t| t.has_headers)
                    .find(|t| t.get(&key).is_some_and(|d| !d.billable))
            {
                return Some(&t.edition);
            }
        }
        self.sets_for(dos)
            .find(|s| s.diagnosis(&key).is_some())
            .map(|s| s.edition())
    }

    /// The billable codes under a header (`G35` → G35.A, G35.B0…), in code order.
    pub fn billable_children(&self, header: &str, dos: Option<Date>) -> Vec<&Diagnosis> {
        let key = set::icd10_key(header);
        if let Some(table) = self.table_for(dos) {
            let children: Vec<&Diagnosis> = table
                .with_prefix(&key)
                .filter(|d| d.billable && set::icd10_key(&d.code) != key)
                .filter(|d| dos.is_none_or(|x| d.active_on(x)))
                .collect();
            if !children.is_empty() {
                return children;
            }
        }
        self.sets_for(dos)
            .find(|s| s.diagnosis(&key).is_some())
            .unwrap_or_else(|| Layer::Set(self.curated()))
            .billable_under(&key, dos)
    }

    /// A place-of-service code (`11`, or `1` for `01`).
    pub fn place_of_service(&self, code: &str) -> Option<&PlaceOfService> {
        let padded;
        let key = if code.len() == 1 {
            padded = format!("0{code}");
            padded.as_str()
        } else {
            code
        };
        self.sets_for(None).find_map(|s| s.place(key))
    }

    /// All place-of-service codes, in code order.
    pub fn places_of_service(&self) -> Vec<&PlaceOfService> {
        self.sets_for(None)
            .find(|s| s.kinds().places)
            .unwrap_or_else(|| Layer::Set(self.curated()))
            .places()
    }

    /// The product an NDC names (11 digits, no hyphens).
    pub fn product(&self, ndc11: &str) -> Option<&Product> {
        self.sets_for(None).find_map(|s| s.product(ndc11))
    }

    /// The NDC products that crosswalk to a code (case-insensitive), in NDC order.
    pub fn products_for_code(&self, code: &str) -> Vec<&Product> {
        let key = Key::upper(code.trim());
        let mut out: Vec<&Product> = Vec::new();
        for set in self.sets_for(None) {
            for p in set.products_for_code(&key) {
                if out.iter().all(|x| x.ndc != p.ndc) {
                    out.push(p);
                }
            }
        }
        out.sort_by(|a, b| a.ndc.cmp(&b.ndc));
        out
    }

    /// Drug codes that bill a drug named by generic name, brand or code (case-insensitive), in code
    /// order. `admin ocrelizumab` → [J2350]; `admin Ocrevus` → [J2350]; `admin J2350` → [J2350].
    pub fn codes_for_drug(&self, name: &str, dos: Option<Date>) -> Vec<&Code> {
        let key = Key::lower(name.trim());
        if let Some(code) = self.code(&key, dos).filter(|c| c.kind == CodeKind::Drug) {
            return vec![code];
        }
        let mut out: Vec<&Code> = Vec::new();
        for set in self.sets_for(dos) {
            for code in set.codes_named(&key) {
                if out.iter().all(|c| c.code != code)
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
        let mut hits: Vec<SearchHit> = self
            .table_for(None)
            .map(|t| t.search(query, limit))
            .unwrap_or_default();
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
        // The first set to know a modifier answers for it (imported before embedded).
        let mut out: std::collections::BTreeMap<&str, &Modifier> =
            std::collections::BTreeMap::new();
        for set in self.sets_for(None) {
            for m in set.modifiers() {
                out.entry(m.code.as_str()).or_insert(m);
            }
        }
        out.into_values().collect()
    }

    /// Every distinct drug known (for `admin` completion): generic name and brands.
    pub fn drugs(&self) -> Vec<(&Code, &Drug)> {
        let mut out: Vec<(&Code, &Drug)> = Vec::new();
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for set in self.sets_for(None) {
            for c in set.drug_codes() {
                if let Some(d) = &c.drug
                    && seen.insert(c.code.as_str())
                {
                    out.push((c, d));
                }
            }
        }
        out
    }
}

/// The embedded add-on code rows, parsed once per process.
fn embedded_addons() -> &'static AddOnTable {
    static EMBEDDED: OnceLock<AddOnTable> = OnceLock::new();
    EMBEDDED.get_or_init(addons::embedded)
}

/// The embedded set is parsed once per process and shared.
static EMBEDDED_SET: OnceLock<Arc<CodeSet>> = OnceLock::new();

fn embedded_set() -> Arc<CodeSet> {
    EMBEDDED_SET
        .get_or_init(|| Arc::new(CodeSet::embedded()))
        .clone()
}
