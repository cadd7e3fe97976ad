//! The patients file: demographics the 837P needs and a draft never holds, keyed by the draft's
//! `patient` id.
//!
//! ```toml
//! [patients."MBI-1EG4TE5MK72"]
//! last-name = "…"
//! first-name = "…"
//! birth-date = "1958-04-12"
//! sex = "F"                  # F, M or U
//! address = "…"
//! city = "…"
//! state = "IL"
//! zip = "62704"
//! group-number = "…"         # optional (SBR03)
//! ```
//!
//! The patient is the subscriber (SBR02 = 18). Nothing here is ever logged: an error names the file,
//! the line and the key, never a value.

use claimls_model::Date;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One patient (who is also the subscriber).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Patient {
    pub last_name: String,
    pub first_name: Option<String>,
    pub middle_name: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// `F`, `M` or `U`.
    pub sex: String,
    pub address: String,
    pub address2: Option<String>,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub group_number: Option<String>,
}

// Patient data: never printed, not even in debug output.
impl std::fmt::Debug for Patient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Patient { .. }")
    }
}

impl Patient {
    pub fn birth_date(&self) -> Option<Date> {
        Date::parse_iso(&self.birth_date)
    }
}

/// The patients file, read and validated.
#[derive(Debug, Clone, Default)]
pub struct Patients {
    pub path: Option<PathBuf>,
    by_id: BTreeMap<String, Patient>,
    /// The ids in the file's order.
    order: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PatientsError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPatients {
    #[serde(default)]
    patients: BTreeMap<String, Patient>,
}

impl Patients {
    pub fn get(&self, id: &str) -> Option<&Patient> {
        self.by_id.get(id)
    }

    /// The patient ids in the order the file lists them (for the editor's `patient` completion: ids
    /// only, never demographics).
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    pub fn load(path: &Path) -> Result<Patients, PatientsError> {
        let text = std::fs::read_to_string(path).map_err(|source| PatientsError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Patients::parse(&text, path)
    }

    /// Parse and validate; `path` is for messages. Messages name keys and lines, never values.
    pub fn parse(text: &str, path: &Path) -> Result<Patients, PatientsError> {
        let invalid = |offset: usize, message: String| PatientsError::Invalid {
            path: path.to_path_buf(),
            line: text[..offset.min(text.len())].matches('\n').count() + 1,
            message,
        };
        // toml's message alone (without its source excerpt), so no value is echoed.
        let raw: RawPatients = toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            invalid(offset, e.message().to_string())
        })?;
        for (n, (id, p)) in raw.patients.iter().enumerate() {
            let at = text.find(id.as_str()).unwrap_or(0);
            let which = format!("patient {} of the file", n + 1);
            if p.birth_date().is_none() {
                return Err(invalid(
                    at,
                    format!("{which}: `birth-date` must be a date written YYYY-MM-DD"),
                ));
            }
            if !matches!(p.sex.as_str(), "F" | "M" | "U") {
                return Err(invalid(
                    at,
                    format!("{which}: `sex` must be \"F\", \"M\" or \"U\""),
                ));
            }
            if p.state.len() != 2 {
                return Err(invalid(
                    at,
                    format!("{which}: `state` must be the two-letter state code"),
                ));
            }
            let zip_ok = matches!(p.zip.len(), 5 | 9) && p.zip.bytes().all(|b| b.is_ascii_digit());
            if !zip_ok {
                return Err(invalid(
                    at,
                    format!("{which}: `zip` must be 5 or 9 digits (no hyphen)"),
                ));
            }
        }
        // The file's order: by where each id's table starts (`[patients."<id>"]`).
        let mut order: Vec<(usize, String)> = raw
            .patients
            .keys()
            .map(|id| {
                let at = text
                    .find(&format!("\"{id}\"]"))
                    .or_else(|| text.find(&format!(".{id}]")))
                    .unwrap_or(usize::MAX);
                (at, id.clone())
            })
            .collect();
        order.sort();
        Ok(Patients {
            path: Some(path.to_path_buf()),
            by_id: raw.patients,
            order: order.into_iter().map(|(_, id)| id).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_key_not_the_value() {
        let text = "[patients.\"M-1\"]\nlast-name = \"Secretname\"\nbirth-date = \"04/12/1958\"\nsex = \"F\"\naddress = \"1 Main St\"\ncity = \"Springfield\"\nstate = \"IL\"\nzip = \"62704\"\n";
        let e = Patients::parse(text, Path::new("patients.toml"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "patients.toml:1: patient 1 of the file: `birth-date` must be a date written YYYY-MM-DD"
        );
        assert!(!e.contains("Secretname") && !e.contains("1958"));
    }
}
