//! The records of the curated TOML files in `data/`, as `build.rs` reads them and the library decodes
//! them. Shared by both (`build.rs` includes this file by path): the build checks the TOML's syntax and
//! shape once, with file, line and column on a fault, and stores the records as postcard; at run time they
//! are decoded (no TOML parsing) and checked value by value as before.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuccessorsFile {
    pub successor: Vec<SuccessorRecord>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuccessorRecord {
    pub code: String,
    pub replaced_by: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HcpcsFile {
    pub code: Vec<CodeRecord>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRecord {
    pub code: String,
    pub kind: String,
    pub description: String,
    pub short: Option<String>,
    pub billing_unit: Option<String>,
    pub added: Option<String>,
    pub terminated: Option<String>,
    #[serde(default)]
    pub replaced_by: Vec<String>,
    pub mue: Option<MueRecord>,
    pub role: Option<String>,
    pub family: Option<String>,
    /// Offered first when a completion prefix matches several codes.
    #[serde(default)]
    pub featured: bool,
    pub drug: Option<DrugRecord>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MueRecord {
    pub value: u32,
    pub indicator: u8,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrugRecord {
    pub generic: String,
    #[serde(default)]
    pub brands: Vec<String>,
    #[serde(default)]
    pub infused: bool,
    #[serde(default)]
    pub labelled_doses: Vec<String>,
    #[serde(default)]
    pub indications: Vec<String>,
    #[serde(default)]
    pub presentations: Vec<PresentationRecord>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresentationRecord {
    pub ndc: Option<String>,
    pub name: Option<String>,
    pub labeler: Option<String>,
    pub amount: String,
    pub volume: Option<String>,
    pub container: String,
    pub form: Option<String>,
    #[serde(default = "one")]
    pub per_package: u32,
    pub billing_units_per_package: Option<String>,
    pub label: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModifiersFile {
    pub modifier: Vec<ModifierRecord>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModifierRecord {
    pub code: String,
    pub kind: String,
    pub description: String,
    pub added: Option<String>,
    pub terminated: Option<String>,
    pub replaced_by: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiagnosesFile {
    pub diagnosis: Vec<DiagnosisRecord>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiagnosisRecord {
    pub code: String,
    pub title: String,
    pub billable: bool,
    pub billable_until: Option<String>,
    pub effective: Option<String>,
    pub terminated: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlacesFile {
    pub place: Vec<PlaceRecord>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceRecord {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub facility: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddOnsFile {
    pub edit: Vec<EditRecord>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditRecord {
    pub addon: String,
    pub primary: String,
    pub kind: u8,
    pub effective: String,
    pub addon_deleted: Option<String>,
    pub primary_deleted: Option<String>,
    pub deleted: Option<String>,
    pub note: Option<String>,
}

fn one() -> u32 {
    1
}
