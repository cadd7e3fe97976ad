//! The units arithmetic of a billed line, as one pure function the rules and the editor share:
//! what the `units` value stands for (units × billing unit) and the documented dose it is billed for.
//!
//! The editor's hover and inlay hints show exactly this, so they can never disagree with
//! `units-dose-mismatch`.

use crate::data::{Code, CodeData, CodeKind};
use crate::model::{Admin, Claim, Date, Decimal, Line, Quantity};
use std::fmt;

/// Administered units for a dose: dose ÷ billing unit rounded up (a dose under one unit is 1 unit).
/// `None` when the two are not convertible (mg vs ml) or the billing unit is zero.
pub fn administered_units(dose: Quantity, billing_unit: Quantity) -> Option<Decimal> {
    let exact = dose.ratio(billing_unit)?;
    if exact.is_sign_negative() {
        return None;
    }
    Some(exact.ceil().max(Decimal::ONE))
}

/// What `units` of a drug code stand for: units × billing unit (`600 units × 1 mg = 600 mg`).
pub fn units_amount(code: &Code, units: Decimal) -> Option<Quantity> {
    let unit = code.billing_unit?;
    Some(Quantity::new((units * unit.amount).normalize(), unit.unit))
}

/// The `admin` a drug line bills: the one whose drug the code bills (by the code data's drug names),
/// else the claim's only `admin`.
pub fn admin_for_line<'a>(line: &Line, claim: &'a Claim, data: &CodeData) -> Option<&'a Admin> {
    let dos = line.on.as_ref().map(|d| d.value);
    let bills = |a: &Admin| {
        a.drug.value.eq_ignore_ascii_case(&line.code.value)
            || data
                .codes_for_drug(&a.drug.value, dos.or(a.date_of_service()))
                .iter()
                .any(|c| c.code == line.code.value)
    };
    claim
        .admins
        .iter()
        .find(|a| bills(a))
        .or(match claim.admins.as_slice() {
            [only] => Some(only),
            _ => None,
        })
}

/// The date of service of a line: `on`, else its admin's start date.
pub fn date_of_service(line: &Line, admin: Option<&Admin>) -> Option<Date> {
    line.on
        .as_ref()
        .map(|d| d.value)
        .or_else(|| admin.and_then(Admin::date_of_service))
}

/// The arithmetic behind a drug line's `units`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitsArithmetic {
    pub code: String,
    pub units: Decimal,
    pub billing_unit: Quantity,
    /// units × billing unit.
    pub amount: Quantity,
    /// The documented dose of the line's `admin`, when there is one.
    pub dose: Option<Quantity>,
    /// The units that dose bills (rounded up), when convertible.
    pub dose_units: Option<Decimal>,
    /// Whether the line is a JW (discarded drug) line.
    pub waste_line: bool,
}

impl fmt::Display for UnitsArithmetic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} units × {} = {}",
            self.units.normalize(),
            self.billing_unit,
            self.amount
        )?;
        if self.waste_line {
            return f.write_str(" discarded");
        }
        match (self.dose, self.dose_units) {
            (Some(dose), Some(u)) => {
                write!(f, "; documented dose {dose} ({} units)", u.normalize())
            }
            (Some(dose), None) => write!(f, "; documented dose {dose}"),
            (None, _) => f.write_str("; no documented dose"),
        }
    }
}

/// The arithmetic of a line's `units`, for a drug code with a billing unit.
pub fn units_arithmetic(line: &Line, claim: &Claim, data: &CodeData) -> Option<UnitsArithmetic> {
    let units = line.units.as_ref()?.value;
    let admin = admin_for_line(line, claim, data);
    let dos = date_of_service(line, admin);
    let code = data.code(&line.code.value, dos)?;
    if code.kind != CodeKind::Drug {
        return None;
    }
    let billing_unit = code.billing_unit?;
    let amount = units_amount(code, units)?;
    let dose = admin.and_then(|a| a.dose.as_ref()).map(|d| d.value);
    Some(UnitsArithmetic {
        code: code.code.clone(),
        units,
        billing_unit,
        amount,
        dose,
        dose_units: dose.and_then(|d| administered_units(d, billing_unit)),
        waste_line: line.has_modifier("JW"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DoseUnit;

    fn q(a: i64, unit: DoseUnit) -> Quantity {
        Quantity::new(Decimal::from(a), unit)
    }

    #[test]
    fn administered_units_round_up_and_are_at_least_one() {
        assert_eq!(
            administered_units(q(350, DoseUnit::Mg), q(10, DoseUnit::Mg)),
            Some(Decimal::from(35))
        );
        assert_eq!(
            administered_units(q(351, DoseUnit::Mg), q(10, DoseUnit::Mg)),
            Some(Decimal::from(36))
        );
        assert_eq!(
            administered_units(q(70, DoseUnit::Mg), q(100, DoseUnit::Mg)),
            Some(Decimal::ONE)
        );
        assert_eq!(
            administered_units(q(1, DoseUnit::G), q(100, DoseUnit::Mg)),
            Some(Decimal::from(10))
        );
        assert_eq!(
            administered_units(q(1, DoseUnit::Ml), q(1, DoseUnit::Mg)),
            None
        );
    }

    #[test]
    fn the_arithmetic_reads_like_the_coder_would_write_it() {
        let a = UnitsArithmetic {
            code: "J2350".into(),
            units: Decimal::from(600),
            billing_unit: q(1, DoseUnit::Mg),
            amount: q(600, DoseUnit::Mg),
            dose: Some(q(600, DoseUnit::Mg)),
            dose_units: Some(Decimal::from(600)),
            waste_line: false,
        };
        assert_eq!(
            a.to_string(),
            "600 units × 1 mg = 600 mg; documented dose 600 mg (600 units)"
        );
    }
}
