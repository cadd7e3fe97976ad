//! The records the code-data API hands out. Every source (the embedded curated set, imported official
//! editions) produces these, so rules and front ends never know where a fact came from.

use claimls_model::{Date, DoseUnit, Quantity};
use rust_decimal::Decimal;

/// What kind of code a HCPCS/CPT code is, as far as drug claims care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    /// A drug or biological supply code (J, Q, some C codes): billed in units of its descriptor dose.
    Drug,
    /// A drug-administration CPT code (96360–96379, 96401–96417).
    Administration(AdminRole),
    /// Anything else (procedures, supplies, E/M…).
    Other,
}

/// The place of an administration code in the infusion-hour rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminRole {
    /// Initial infusion, up to one hour (96365, 96413, 96360).
    InfusionInitial { family: InfusionFamily },
    /// Each additional hour (96366, 96415, 96361).
    InfusionAdditional { family: InfusionFamily },
    /// Injections, pushes, sequential/concurrent infusions and the rest.
    Other,
}

/// Infusion code families whose initial and add-on codes go together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InfusionFamily {
    /// 96360 / 96361
    Hydration,
    /// 96365 / 96366
    Therapeutic,
    /// 96413 / 96415
    Chemotherapy,
}

/// Where a fact came from: the embedded curated set or an imported official edition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Edition {
    /// "embedded (curated)" or e.g. "HCPCS 2026 January (HCPC2026_JAN_ANWEB)".
    pub name: String,
    /// First date of service this edition is meant for.
    pub effective: Option<Date>,
    /// Last date of service this edition is meant for, when known.
    pub until: Option<Date>,
}

/// The dose one billing unit of a drug code stands for ("Injection, infliximab, …, 10 mg" → 10 mg).
pub type BillingUnit = Quantity;

/// A HCPCS Level II code or a CPT number.
#[derive(Debug, Clone)]
pub struct Code {
    /// Upper case, no spaces: `J2350`, `96413`.
    pub code: String,
    /// The CMS long descriptor (HCPCS), or our own short description (CPT numbers: no AMA text).
    pub description: String,
    pub short_description: Option<String>,
    pub kind: CodeKind,
    /// For drug codes: the dose one unit stands for.
    pub billing_unit: Option<BillingUnit>,
    /// For drug codes: the drug it bills (generic name, brands, presentations…).
    pub drug: Option<Drug>,
    /// Date the code was added.
    pub added: Option<Date>,
    /// Last date of service on which the code is valid (CMS "termination date").
    pub terminated: Option<Date>,
    /// Practitioner medically-unlikely-edit value.
    pub mue: Option<Mue>,
    /// Medicare payment limit per billing unit from the ASP pricing file loaded into this edition,
    /// whatever quarter it is for. To judge a date of service use [`crate::CodeData::payment_limit`],
    /// which applies a limit only within its quarter.
    pub payment_limit: Option<Decimal>,
    /// Code(s) that replace it once terminated (J1300 → J1299).
    pub replaced_by: Vec<String>,
}

impl Code {
    /// Whether the code is in effect on `date`.
    pub fn active_on(&self, date: Date) -> bool {
        self.added.is_none_or(|a| a <= date) && self.terminated.is_none_or(|t| date <= t)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mue {
    pub value: u32,
    /// MUE adjudication indicator (1 line, 2 policy/date of service, 3 clinical/date of service).
    pub indicator: u8,
}

/// A drug as the curated data knows it.
#[derive(Debug, Clone, Default)]
pub struct Drug {
    /// Lower case generic name: `ocrelizumab`.
    pub generic: String,
    /// Brand names as marketed: `Ocrevus`.
    pub brands: Vec<String>,
    /// Containers it comes in.
    pub presentations: Vec<Presentation>,
    /// Doses from the label, for `dose-atypical` (empty = no dose check).
    pub labelled_doses: Vec<Quantity>,
    /// ICD-10-CM codes or prefixes (`G35`, `K50`) it is indicated for.
    pub indications: Vec<String>,
    /// Given by IV infusion (so `stop` is needed for the duration).
    pub infused: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    SingleDose,
    MultiDose,
}

/// A package of a drug: an NDC or a known size.
#[derive(Debug, Clone)]
pub struct Presentation {
    /// 11 digits, no hyphens.
    pub ndc: Option<String>,
    /// Drug amount in one container: `300 mg`.
    pub amount: Quantity,
    /// Volume of one container, when liquid: `10 ml`.
    pub volume: Option<Quantity>,
    pub container: Container,
    /// Containers per package (the NDC's package count), usually 1.
    pub per_package: u32,
    /// Billing units per package (ASP crosswalk BILLUNITSPKG), when known.
    pub billing_units_per_package: Option<Decimal>,
    /// Product name as labelled: `Ocrevus 300 mg/10 mL single-dose vial`.
    pub label: String,
}

/// What an NDC is: the product and the code(s) it bills under.
#[derive(Debug, Clone)]
pub struct Product {
    /// 11 digits.
    pub ndc: String,
    pub name: String,
    pub labeler: Option<String>,
    /// HCPCS codes this NDC crosswalks to.
    pub codes: Vec<String>,
    pub presentation: Option<Presentation>,
}

/// What a modifier is for, as far as drug claims care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModifierKind {
    /// JW, JZ: discarded / zero discarded drug. Only on drug codes from single-dose containers.
    Waste,
    /// Other drug-only modifiers (JA, JB, JG, TB, JK, JL…): on drug codes only.
    Drug,
    /// CPT procedure modifiers (22, 25, 59, 76, 77, XE…): not on drug supply codes.
    Procedure,
    /// Informational or payer modifiers that may go on any line (KX, GA, GZ, 59…).
    Any,
}

#[derive(Debug, Clone)]
pub struct Modifier {
    /// Upper case, two characters.
    pub code: String,
    pub description: String,
    pub kind: ModifierKind,
    pub added: Option<Date>,
    pub terminated: Option<Date>,
    /// What replaces it once terminated (JG → TB).
    pub replaced_by: Option<String>,
}

impl Modifier {
    pub fn active_on(&self, date: Date) -> bool {
        self.added.is_none_or(|a| a <= date) && self.terminated.is_none_or(|t| date <= t)
    }
}

/// An ICD-10-CM code or category.
#[derive(Debug, Clone)]
pub struct Diagnosis {
    /// With the dot: `G35.A`, `K50.90`; a category has none: `G35`.
    pub code: String,
    pub title: String,
    /// Billable on the dates it is in effect; headers are not.
    pub billable: bool,
    /// Last date on which it was billable, when it became a header later (G35: 2025-09-30).
    pub billable_until: Option<Date>,
    pub effective: Option<Date>,
    pub terminated: Option<Date>,
}

impl Diagnosis {
    pub fn active_on(&self, date: Date) -> bool {
        self.effective.is_none_or(|a| a <= date) && self.terminated.is_none_or(|t| date <= t)
    }
    /// Billable on this date of service (in effect, and not a header on that date).
    pub fn billable_on(&self, date: Date) -> bool {
        self.billable && self.active_on(date) && self.billable_until.is_none_or(|u| date <= u)
    }
}

/// A CMS place-of-service code.
#[derive(Debug, Clone)]
pub struct PlaceOfService {
    /// Two digits: `11`.
    pub code: String,
    pub name: String,
    /// A facility setting (19, 21, 22, 23…) where the facility bills the drug and its administration.
    pub facility: bool,
}

/// One completion candidate from a search.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub code: String,
    pub label: String,
    /// Lower is better.
    pub score: u32,
}

/// Convenience: `Quantity` from a decimal string and a unit, for curated data.
pub fn qty(amount: &str, unit: DoseUnit) -> Option<Quantity> {
    amount.parse().ok().map(|a| Quantity::new(a, unit))
}
