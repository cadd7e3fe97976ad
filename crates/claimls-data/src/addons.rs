//! NCCI add-on code edits: which primary codes an add-on code (96415, 96375…) must be billed with.
//!
//! Two sources, like the codes: the embedded curated rows (`data/addons.toml`, the drug-administration
//! add-on codes 963xx/964xx as CMS lists them) and the imported CMS file (`AOC_V2026Q2-MCR.xlsx`, every
//! add-on code). An imported edition answers before the embedded rows.

use crate::Edition;
use crate::import::AddOnRow;
use claimls_model::Date;
use std::collections::BTreeMap;

/// The NCCI edit type of an add-on code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddOnKind {
    /// Type 1: the add-on code is paid only with one of the listed primary codes.
    Listed,
    /// Type 2: the primary codes are up to the Medicare contractor (the file lists none; a rule must
    /// not report a missing primary).
    ContractorDefined,
    /// Type 3: some primary codes are listed; contractors may allow others.
    ListedAndContractor,
}

/// What the add-on code edits say about one add-on code on one date of service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddOnEdit {
    /// The add-on code (`96415`).
    pub addon: String,
    /// Its primary codes in force on the date, in code order (`["96413"]`); empty for a
    /// contractor-defined add-on code ([`AddOnKind::ContractorDefined`]).
    pub primaries: Vec<String>,
    /// The earliest first date of service among the edit rows that answered.
    pub effective: Option<Date>,
    /// The last date of service on which these primaries hold, when an edit row (or the add-on code
    /// itself) is deleted: the earliest deletion date among the rows that answered.
    pub deleted: Option<Date>,
    /// CMS's special instruction notes of those rows, distinct, joined with "; "
    /// (`96360 (Practitioner Only)`; `96376 may be reported by facilities only`).
    pub note: Option<String>,
    /// The edition that answered (imported file, or the embedded curated set).
    pub source: Edition,
    /// The NCCI edit type.
    pub kind: AddOnKind,
}

/// One edition of add-on code edits, keyed by add-on code.
#[derive(Debug, Clone, Default)]
pub struct AddOnTable {
    pub edition: Edition,
    pub edits: BTreeMap<String, Vec<AddOnRow>>,
}

impl AddOnTable {
    /// A table from rows as read (any order).
    pub fn new(edition: Edition, rows: Vec<AddOnRow>) -> AddOnTable {
        let mut edits: BTreeMap<String, Vec<AddOnRow>> = BTreeMap::new();
        for row in rows {
            edits.entry(row.addon.clone()).or_default().push(row);
        }
        AddOnTable { edition, edits }
    }

    /// The edit of `addon` in force on `dos` (without a date: the rows not deleted), or `None` when
    /// this table has no row of it in force.
    pub fn lookup(&self, addon: &str, dos: Option<Date>) -> Option<AddOnEdit> {
        let rows = self.edits.get(&*crate::Key::upper(addon.trim()))?;
        let in_force: Vec<&AddOnRow> = rows.iter().filter(|r| in_force(r, dos)).collect();
        let first = in_force.first()?;
        let mut primaries: Vec<String> = in_force
            .iter()
            .filter(|r| r.primary != "CCCCC")
            .filter(|r| match (dos, r.primary_deleted) {
                (Some(d), Some(p)) => d <= p,
                (None, Some(_)) => false,
                (_, None) => true,
            })
            .map(|r| r.primary.clone())
            .collect();
        primaries.sort();
        primaries.dedup();
        let mut notes: Vec<&str> = Vec::new();
        for r in &in_force {
            if let Some(n) = r.note.as_deref()
                && !notes.contains(&n)
            {
                notes.push(n);
            }
        }
        let kind = in_force
            .iter()
            .map(|r| r.kind)
            .find(|k| *k != AddOnKind::Listed)
            .unwrap_or(first.kind);
        Some(AddOnEdit {
            addon: first.addon.clone(),
            primaries,
            effective: in_force.iter().filter_map(|r| r.effective).min(),
            deleted: in_force
                .iter()
                .flat_map(|r| [r.deleted, r.addon_deleted])
                .flatten()
                .min(),
            note: (!notes.is_empty()).then(|| notes.join("; ")),
            source: self.edition.clone(),
            kind,
        })
    }
}

/// A row holds on `dos` from its effective date through its deletion dates (edit and add-on code).
fn in_force(row: &AddOnRow, dos: Option<Date>) -> bool {
    let Some(d) = dos else {
        return row.deleted.is_none() && row.addon_deleted.is_none();
    };
    row.effective.is_none_or(|e| e <= d)
        && row.deleted.is_none_or(|x| d <= x)
        && row.addon_deleted.is_none_or(|x| d <= x)
}

/// The edition name of the embedded add-on code rows.
pub const EMBEDDED_EDITION: &str =
    "embedded curated set (NCCI add-on code edits 2026 Q2, drug administration)";

/// The embedded rows (`data/addons.toml`), or the first fault in the file.
pub fn embedded_checked() -> Result<AddOnTable, crate::EmbeddedError> {
    let file: crate::embedded::records::AddOnsFile =
        crate::embedded::decode("addons.toml", crate::embedded::ADDONS)?;
    let mut rows = Vec::with_capacity(file.edit.len());
    for e in file.edit {
        let fault = |problem: String| crate::EmbeddedError::Record {
            file: "addons.toml",
            record: format!("{} with {}", e.addon, e.primary),
            problem,
        };
        let date = |s: &Option<String>| -> Result<Option<Date>, crate::EmbeddedError> {
            match s {
                None => Ok(None),
                Some(s) => Date::parse_iso(s)
                    .map(Some)
                    .ok_or_else(|| fault(format!("expected a date as YYYY-MM-DD, found \"{s}\""))),
            }
        };
        let kind = match e.kind {
            1 => AddOnKind::Listed,
            2 => AddOnKind::ContractorDefined,
            3 => AddOnKind::ListedAndContractor,
            k => {
                return Err(fault(format!(
                    "kind is the NCCI edit type 1, 2 or 3, not {k}"
                )));
            }
        };
        let valid = |c: &str| c.len() == 5 && c.bytes().all(|b| b.is_ascii_alphanumeric());
        if !valid(&e.addon) || !valid(&e.primary) {
            return Err(fault("codes are 5 characters".into()));
        }
        rows.push(AddOnRow {
            kind,
            addon: e.addon.clone(),
            addon_deleted: date(&e.addon_deleted)?,
            primary: e.primary.clone(),
            primary_deleted: date(&e.primary_deleted)?,
            effective: Some(
                date(&Some(e.effective.clone()))?.ok_or_else(|| fault("no date".into()))?,
            ),
            deleted: date(&e.deleted)?,
            note: e.note.clone(),
        });
    }
    Ok(AddOnTable::new(
        Edition {
            name: EMBEDDED_EDITION.to_string(),
            effective: None,
            until: None,
        },
        rows,
    ))
}

/// The embedded rows; empty if the file were faulty (the tests make sure it is not).
pub fn embedded() -> AddOnTable {
    embedded_checked().unwrap_or_default()
}
