//! The encounter model: what the chart documents for each date of service, and which billed lines bill
//! it (facts §15).
//!
//! - Each `admin` record becomes an [`Administration`]: its drug (by the product of its `vial` NDC when
//!   that names one, else by the drug name written), its date of service, and how it was given
//!   ([`Delivery`]: an IV infusion of more than 15 minutes, an IV push, an injection).
//! - Each drug line is bound to the administrations of *its* drug on *its* date of service. Several
//!   administrations of one drug on one date are one [`DrugUse`]: doses add, containers opened add, and
//!   the waste arithmetic ([`WasteMath`]) is judged for the drug and date as a whole.
//!
//! Computed once per claim by [`crate::context::ClaimCtx::new`]; every rule reads these facts and none
//! re-derives them.

use claimls_data::{Code, CodeData, CodeKind, Container, Drug, Presentation};
use claimls_model::{Admin, Date, Decimal, DoseUnit, Quantity, VialSize};

/// How an administration was given, as the administration codes see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Intravenous, running more than 15 minutes from `start` to `stop`.
    Infusion { minutes: i64 },
    /// Intravenous for 15 minutes or less (CPT: an infusion of 15 minutes or less is a push), or an IV
    /// route written as a push (`route iv push`, `ivp`).
    Push { minutes: Option<i64> },
    /// Subcutaneous or intramuscular.
    Injection,
    /// Intravenous with no documented duration (no `stop`).
    IntravenousUntimed,
    /// Another route (oral, intravitreal…) or none written.
    Other,
}

impl Delivery {
    pub fn is_intravenous(self) -> bool {
        matches!(
            self,
            Delivery::Infusion { .. } | Delivery::Push { .. } | Delivery::IntravenousUntimed
        )
    }
}

/// Fluids given for hydration (CPT 96360/96361), by the name coders write in `admin`.
const HYDRATION_FLUIDS: [&str; 9] = [
    "normal saline",
    "sodium chloride",
    "saline",
    "ns",
    "0.9% sodium chloride",
    "lactated ringer",
    "lactated ringers",
    "d5w",
    "dextrose 5%",
];

/// One `admin` record, resolved.
pub struct Administration<'a> {
    pub admin: &'a Admin,
    /// The date of service (the date of `start`).
    pub dos: Option<Date>,
    /// The drug codes this administration bills: those of its vial's product when a `vial` NDC names a
    /// product of the same drug (a biosimilar charted by its vial bills its own code), else those of the
    /// drug name written.
    pub codes: Vec<&'a Code>,
    /// The codes of the drug name as written (may differ from `codes` for a biosimilar's vial).
    pub named_codes: Vec<&'a Code>,
    pub delivery: Delivery,
    /// Minutes from the start of the day of service to `start` and `stop` (for overlaps).
    pub window: Option<(i64, i64)>,
    /// A hydration fluid (normal saline, lactated Ringer's…), billed with 96360/96361.
    pub hydration: bool,
    /// Vials whose NDC is a product of another drug than the record names (indexes into
    /// `admin.vials`): left out of the waste arithmetic, reported by `vial-product-mismatch`.
    pub foreign_vials: Vec<usize>,
}

impl<'a> Administration<'a> {
    pub fn new(admin: &'a Admin, data: &'a CodeData) -> Administration<'a> {
        let dos = admin.date_of_service();
        let named_codes = data.codes_for_drug(&admin.drug.value, dos);
        let mut foreign_vials = Vec::new();
        let mut product_codes: Vec<&'a Code> = Vec::new();
        for (i, vial) in admin.vials.iter().enumerate() {
            let Some(product) = vial_product_codes(vial, data, dos) else {
                continue;
            };
            if product
                .iter()
                .any(|c| named_codes.iter().any(|n| n.code == c.code))
            {
                continue;
            }
            if same_molecule(&admin.drug.value, &named_codes, &product) {
                for c in product {
                    if product_codes.iter().all(|p| p.code != c.code) {
                        product_codes.push(c);
                    }
                }
            } else if !named_codes.is_empty() || !product.is_empty() {
                foreign_vials.push(i);
            }
        }
        let codes = if product_codes.is_empty() {
            named_codes.clone()
        } else {
            product_codes
        };
        let window = admin.start.as_ref().map(|s| {
            let start = s.value.time.minutes();
            let end = infusion_minutes(admin).map_or(start, |m| start + m);
            (start, end)
        });
        let name = admin.drug.value.to_ascii_lowercase();
        Administration {
            admin,
            dos,
            delivery: delivery(admin),
            window,
            hydration: HYDRATION_FLUIDS.contains(&name.as_str()),
            codes,
            named_codes,
            foreign_vials,
        }
    }

    /// Whether this administration bills `code`.
    pub fn bills(&self, code: &str) -> bool {
        self.codes.iter().any(|c| c.code == code)
    }

    /// The drug's generic name as the data knows it, else as written.
    pub fn drug_name(&self) -> String {
        self.codes
            .iter()
            .find_map(|c| c.drug.as_ref().map(|d| d.generic.clone()))
            .unwrap_or_else(|| self.admin.drug.value.clone())
    }

    /// Whether two administrations ran at the same time (their start–stop windows overlap).
    pub fn overlaps(&self, other: &Administration) -> bool {
        match (self.window, other.window) {
            (Some((a0, a1)), Some((b0, b1))) => self.dos == other.dos && a0 < b1 && b0 < a1,
            _ => false,
        }
    }
}

/// The drug codes of a vial's NDC product (the NDC–HCPCS crosswalk), when the data knows the NDC.
fn vial_product_codes<'a>(
    vial: &claimls_model::Vial,
    data: &'a CodeData,
    dos: Option<Date>,
) -> Option<Vec<&'a Code>> {
    let VialSize::Ndc(ndc) = &vial.size.value else {
        return None;
    };
    let product = data.product(ndc.digits.as_deref()?)?;
    if product.codes.is_empty() {
        return None;
    }
    Some(
        product
            .codes
            .iter()
            .filter_map(|c| data.code(c, dos))
            .filter(|c| c.kind == CodeKind::Drug)
            .collect(),
    )
}

/// A product is the same drug as the one named when its generic name is the named one with a
/// biosimilar suffix (`infliximab-dyyb` for `infliximab`), or the record names no drug the data knows
/// but the product's generic name.
fn same_molecule(written: &str, named: &[&Code], product: &[&Code]) -> bool {
    let base: Vec<String> = named
        .iter()
        .filter_map(|c| c.drug.as_ref().map(|d| d.generic.to_ascii_lowercase()))
        .chain(std::iter::once(written.to_ascii_lowercase()))
        .collect();
    product.iter().any(|c| {
        c.drug.as_ref().is_some_and(|d| {
            let generic = d.generic.to_ascii_lowercase();
            base.iter().any(|b| {
                generic == *b
                    || generic
                        .strip_prefix(b.as_str())
                        .is_some_and(|rest| rest.starts_with('-'))
                    || b.strip_prefix(generic.as_str())
                        .is_some_and(|rest| rest.starts_with('-'))
            })
        })
    })
}

/// How an administration was given: by route, then by the documented duration.
pub fn delivery(admin: &Admin) -> Delivery {
    let Some(route) = &admin.route else {
        return Delivery::Other;
    };
    let route = route.value.to_ascii_lowercase();
    let words: Vec<&str> = route.split_whitespace().collect();
    let minutes = infusion_minutes(admin);
    match words.as_slice() {
        ["ivp"] | ["iv", "push"] | ["ivpush"] => Delivery::Push { minutes },
        ["iv", ..] | ["intravenous", ..] => match minutes {
            Some(m) if m > 15 => Delivery::Infusion { minutes: m },
            Some(m) => Delivery::Push { minutes: Some(m) },
            None => Delivery::IntravenousUntimed,
        },
        ["sc"] | ["subq"] | ["sq"] | ["subcutaneous"] | ["im"] | ["intramuscular"] => {
            Delivery::Injection
        }
        _ => Delivery::Other,
    }
}

/// Infusion minutes between `start` and `stop` (a stop earlier than the start on the same day is read
/// as the next day).
pub fn infusion_minutes(admin: &Admin) -> Option<i64> {
    let start = admin.start.as_ref()?.value;
    let stop = admin.stop.as_ref()?;
    let stop_date = stop.date.as_ref().map_or(start.date, |d| d.value);
    let mut minutes = (stop_date.days() - start.date.days()) * 1440 + stop.time.value.minutes()
        - start.time.minutes();
    if stop.date.is_none() && minutes < 0 {
        minutes += 1440;
    }
    Some(minutes)
}

/// Additional hours billable after the first: each needs more than 30 minutes past the last full hour.
pub fn additional_hours(minutes: i64) -> i64 {
    if minutes <= 60 {
        return 0;
    }
    let beyond = minutes - 60;
    beyond / 60 + i64::from(beyond % 60 > 30)
}

/// One drug code on one date of service: its lines, the administrations they bill, and the
/// arithmetic the units and waste rules judge by.
pub struct DrugUse<'a> {
    pub code: &'a Code,
    pub dos: Option<Date>,
    /// Indexes into `ClaimCtx::administrations`: every administration of this drug on this date.
    pub administrations: Vec<usize>,
    /// Indexes into `ClaimCtx::lines`: the lines billing the administered amount (no JW).
    pub given_lines: Vec<usize>,
    /// Indexes into `ClaimCtx::lines`: the JW lines.
    pub jw_lines: Vec<usize>,
    pub math: Option<WasteMath>,
}

/// Single-dose, multi-dose, or not known (mixed or unknown containers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    SingleDose,
    MultiDose,
    Unknown,
}

/// The billing arithmetic of one drug on one date of service (rules.md, *Waste*), over every
/// administration of that drug on that date.
#[derive(Debug, Clone)]
pub struct WasteMath {
    /// The code's billing unit `u`.
    pub unit: Quantity,
    /// The documented dose: the sum of the administrations' doses, in the billing unit's unit.
    pub dose: Quantity,
    /// How many administrations the dose adds up (1 for one record).
    pub records: usize,
    /// dose ÷ u rounded up (a dose under one unit is 1 unit).
    pub given_units: Decimal,
    /// Containers opened, in the billing unit's unit, with how it was derived ("4 × 100 mg").
    pub opened: Option<(Quantity, String)>,
    /// opened − given_units × u (never negative).
    pub billable_waste: Option<Quantity>,
    /// billable waste ÷ u rounded down.
    pub jw_units: Option<Decimal>,
    pub container: ContainerKind,
    /// The documented waste (sum of `waste` statements), in the billing unit's unit.
    pub documented_waste: Option<Quantity>,
}

impl WasteMath {
    /// "J1745 bills 10 mg per unit: 350 mg is 35 units" — the sentence the messages and hover share.
    pub fn given_sentence(&self, code: &str) -> String {
        let dose = if self.records > 1 {
            format!("{} ({} administrations)", self.dose, self.records)
        } else {
            self.dose.to_string()
        };
        format!(
            "{code} bills {} per unit: {dose} is {}",
            self.unit,
            count(self.given_units, "unit")
        )
    }

    /// Whether the record's own accounting disagrees: containers opened and waste documented, and the
    /// dose plus the waste is not what was opened (`waste-vial-arithmetic` reports it). Then the JW
    /// count the containers give is one the record does not support — billing it would bill waste the
    /// chart does not document, or contradict the waste it does — so the rules that count or bill JW
    /// from the containers wait for the record to be corrected.
    pub fn record_disagrees(&self) -> bool {
        match (&self.opened, self.documented_waste) {
            (Some((opened, _)), Some(waste)) => self.dose.amount + waste.amount != opened.amount,
            _ => false,
        }
    }

    /// What was opened, in words: "400 mg opened (4 × 100 mg)".
    pub fn opened_text(&self) -> String {
        self.opened
            .as_ref()
            .map_or(String::new(), |(q, how)| format!("{q} opened ({how})"))
    }
}

/// `1 unit`, `35 units`.
pub fn count(n: Decimal, word: &str) -> String {
    format!("{} {}", show(n), plural(n, word))
}

pub fn plural(n: Decimal, word: &str) -> String {
    if n == Decimal::ONE {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// A decimal as the coder writes it (`35`, `0.5`).
pub fn show(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Money as a coder reads it: `$35,648.40`.
pub fn money(d: Decimal) -> String {
    let d = d.round_dp(2);
    let negative = d.is_sign_negative();
    let text = format!("{:.2}", d.abs());
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{}${grouped}.{cents}", if negative { "-" } else { "" })
}

/// Units for a dose: dose ÷ unit rounded up, at least 1 for a positive dose.
pub fn units_for(dose: Quantity, unit: Quantity) -> Option<Decimal> {
    let ratio = dose.ratio(unit)?;
    if ratio <= Decimal::ZERO {
        return Some(Decimal::ZERO);
    }
    Some(ratio.ceil().max(Decimal::ONE))
}

/// The arithmetic of rules.md *Waste* for one code over the administrations of its drug on one date.
pub fn waste_math(
    code: &Code,
    administrations: &[&Administration],
    data: &CodeData,
) -> Option<WasteMath> {
    let unit = code.billing_unit?;
    if administrations.is_empty() {
        return None;
    }
    let mut dose = Decimal::ZERO;
    for a in administrations {
        dose += a.admin.dose.as_ref()?.value.to_unit(unit.unit)?.amount;
    }
    let dose = Quantity::new(dose, unit.unit);
    let given_units = units_for(dose, unit)?;
    let drug = code.drug.as_ref();
    let documented_waste = sum_quantities(
        administrations
            .iter()
            .flat_map(|a| a.admin.wastes.iter().map(|w| w.amount.value)),
        unit.unit,
    );
    let (opened, container) = opened_all(administrations, drug, data, unit.unit);
    let opened = opened.or_else(|| {
        // No containers documented: what was opened is what was given plus what was discarded.
        let waste = documented_waste?;
        Some((
            Quantity::new(dose.amount + waste.amount, unit.unit),
            format!("dose {dose} + waste {waste}"),
        ))
    });
    let billable_waste = opened.as_ref().map(|(o, _)| {
        let w = o.amount - given_units * unit.amount;
        Quantity::new(w.max(Decimal::ZERO), unit.unit)
    });
    let jw_units = billable_waste
        .and_then(|w| w.ratio(unit))
        .map(|r| r.floor());
    Some(WasteMath {
        unit,
        dose,
        records: administrations.len(),
        given_units,
        opened,
        billable_waste,
        jw_units,
        container,
        documented_waste,
    })
}

fn sum_quantities(q: impl Iterator<Item = Quantity>, unit: DoseUnit) -> Option<Quantity> {
    let mut total = Decimal::ZERO;
    let mut any = false;
    for x in q {
        total += x.to_unit(unit)?.amount;
        any = true;
    }
    any.then_some(Quantity::new(total, unit))
}

/// Containers opened over several administrations: known only when known for each that lists vials.
fn opened_all(
    administrations: &[&Administration],
    drug: Option<&Drug>,
    data: &CodeData,
    unit: DoseUnit,
) -> (Option<(Quantity, String)>, ContainerKind) {
    let mut total = Decimal::ZERO;
    let mut parts: Vec<String> = Vec::new();
    let mut kinds: Vec<ContainerKind> = Vec::new();
    let mut known = true;
    let mut any = false;
    for a in administrations {
        let (opened, kind) = opened(a, drug, data, unit);
        kinds.push(kind);
        if a.admin.vials.is_empty() {
            continue;
        }
        any = true;
        match opened {
            Some((q, how)) => {
                total += q.amount;
                parts.push(how);
            }
            None => known = false,
        }
    }
    let kind = match kinds.as_slice() {
        [] => ContainerKind::Unknown,
        [first, rest @ ..] if rest.iter().all(|k| k == first) => *first,
        many if many.contains(&ContainerKind::MultiDose) => ContainerKind::MultiDose,
        _ => ContainerKind::Unknown,
    };
    if !any || !known {
        return (None, kind);
    }
    (Some((Quantity::new(total, unit), parts.join(" + "))), kind)
}

/// Containers opened (in `unit`) for one administration and their kind, from its `vial` statements
/// (vials of another drug left out: they say nothing about this drug).
fn opened(
    a: &Administration,
    drug: Option<&Drug>,
    data: &CodeData,
    unit: DoseUnit,
) -> (Option<(Quantity, String)>, ContainerKind) {
    let drug_kind = drug.map_or(ContainerKind::Unknown, |d| {
        kind_of(d.presentations.iter().map(|p| p.container))
    });
    if a.admin.vials.is_empty() {
        return (None, drug_kind);
    }
    let mut total = Decimal::ZERO;
    let mut parts: Vec<String> = Vec::new();
    let mut kinds: Vec<Option<Container>> = Vec::new();
    let mut known = a.foreign_vials.is_empty();
    for (i, vial) in a.admin.vials.iter().enumerate() {
        if a.foreign_vials.contains(&i) {
            continue;
        }
        let count = Decimal::from(vial.count.value);
        let (amount, kind) = match &vial.size.value {
            VialSize::Amount(q) => {
                let p = drug.and_then(|d| presentation_by_amount(d, *q));
                (Some(*q), p.map(|p| p.container))
            }
            VialSize::Ndc(ndc) => {
                let p = ndc
                    .digits
                    .as_ref()
                    .and_then(|d| presentation_by_ndc(drug, data, d));
                (p.map(|p| p.amount), p.map(|p| p.container))
            }
        };
        kinds.push(kind);
        match amount.and_then(|a| a.to_unit(unit)) {
            Some(amount) => {
                total += amount.amount * count;
                parts.push(format!("{} × {}", vial.count.value, amount));
            }
            None => known = false,
        }
    }
    let kind = if !kinds.is_empty() && kinds.iter().all(Option::is_some) {
        kind_of(kinds.into_iter().flatten())
    } else if kinds.contains(&Some(Container::MultiDose)) {
        ContainerKind::MultiDose
    } else {
        drug_kind
    };
    if !known {
        return (None, kind);
    }
    (Some((Quantity::new(total, unit), parts.join(" + "))), kind)
}

fn kind_of(containers: impl Iterator<Item = Container>) -> ContainerKind {
    let mut kind = None;
    for c in containers {
        match (kind, c) {
            (None, c) => kind = Some(c),
            (Some(k), c) if k == c => {}
            _ => return ContainerKind::Unknown,
        }
    }
    match kind {
        Some(Container::SingleDose) => ContainerKind::SingleDose,
        Some(Container::MultiDose) => ContainerKind::MultiDose,
        None => ContainerKind::Unknown,
    }
}

/// The drug's presentation of this size (`vial 100 mg`).
pub fn presentation_by_amount(drug: &Drug, amount: Quantity) -> Option<&Presentation> {
    drug.presentations.iter().find(|p| {
        amount
            .to_unit(p.amount.unit)
            .is_some_and(|a| a.amount == p.amount.amount)
    })
}

/// The presentation of an NDC: the drug's own list first, then the product data.
pub fn presentation_by_ndc<'a>(
    drug: Option<&'a Drug>,
    data: &'a CodeData,
    ndc11: &str,
) -> Option<&'a Presentation> {
    drug.and_then(|d| {
        d.presentations
            .iter()
            .find(|p| p.ndc.as_deref() == Some(ndc11))
    })
    .or_else(|| data.product(ndc11).and_then(|p| p.presentation.as_ref()))
}
