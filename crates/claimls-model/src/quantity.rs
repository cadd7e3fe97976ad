//! Doses and container sizes: an exact decimal amount with a unit.

use rust_decimal::Decimal;
use std::fmt;

/// The units a dose, a container size or a waste amount is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DoseUnit {
    Mg,
    Mcg,
    G,
    Ml,
    /// International or other units (`units`).
    Units,
}

impl DoseUnit {
    pub fn parse(s: &str) -> Option<DoseUnit> {
        match s.to_ascii_lowercase().as_str() {
            "mg" => Some(DoseUnit::Mg),
            "mcg" => Some(DoseUnit::Mcg),
            "g" => Some(DoseUnit::G),
            "ml" => Some(DoseUnit::Ml),
            "units" | "unit" => Some(DoseUnit::Units),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            DoseUnit::Mg => "mg",
            DoseUnit::Mcg => "mcg",
            DoseUnit::G => "g",
            DoseUnit::Ml => "ml",
            DoseUnit::Units => "units",
        }
    }
    /// Milligrams per one of this unit, for the mass units.
    fn mg_factor(self) -> Option<Decimal> {
        match self {
            DoseUnit::Mg => Some(Decimal::ONE),
            DoseUnit::Mcg => Some(Decimal::new(1, 3)),
            DoseUnit::G => Some(Decimal::from(1000)),
            _ => None,
        }
    }
}

impl fmt::Display for DoseUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An exact amount with its unit: `600 mg`, `0.5 mg`, `10 ml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quantity {
    pub amount: Decimal,
    pub unit: DoseUnit,
}

impl Quantity {
    pub fn new(amount: Decimal, unit: DoseUnit) -> Self {
        Quantity { amount, unit }
    }

    /// This quantity in `unit`, when the two are convertible (mg/mcg/g among themselves; otherwise only
    /// the same unit).
    pub fn to_unit(self, unit: DoseUnit) -> Option<Quantity> {
        if self.unit == unit {
            return Some(self);
        }
        let from = self.unit.mg_factor()?;
        let to = unit.mg_factor()?;
        Some(Quantity::new((self.amount * from / to).normalize(), unit))
    }

    /// How many `per` fit in this quantity (exact), when convertible.
    pub fn ratio(self, per: Quantity) -> Option<Decimal> {
        let same = self.to_unit(per.unit)?;
        if per.amount.is_zero() {
            return None;
        }
        Some(same.amount / per.amount)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount.normalize(), self.unit)
    }
}
