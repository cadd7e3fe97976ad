//! Reading one token's text as a typed value. Each reader returns the value or the message that tells
//! the coder what to write; the lowering attaches the span.

use claimls_model::{Date, Decimal, DoseUnit, HistoryOutcome, NdcUnit, PayerKind, Quantity, Time};

/// `2026-11-20`.
pub fn date(text: &str) -> Result<Date, String> {
    Date::parse_iso(text).ok_or_else(|| format!("`{text}` is not a date; write YYYY-MM-DD"))
}

/// `09:30` (24-hour).
pub fn time(text: &str) -> Result<Time, String> {
    Time::parse(text).ok_or_else(|| format!("`{text}` is not a time; write HH:MM (24-hour)"))
}

/// A decimal number exactly as written (`0.5`, `600`, `.25`, `-3`), never through a float.
pub fn number(text: &str) -> Result<Decimal, String> {
    let well_formed = {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let all = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        !digits.is_empty()
            && all(int)
            && all(frac)
            && !(int.is_empty() && frac.is_empty())
            && !(digits.contains('.') && frac.is_empty())
    };
    if !well_formed {
        return Err(format!(
            "`{text}` is not a number; write digits, e.g. `600` or `0.5`"
        ));
    }
    // Only a number written without its leading zero is copied (`.5` → `0.5`).
    let normalised: std::borrow::Cow<str> = match text.strip_prefix("-.") {
        Some(rest) => format!("-0.{rest}").into(),
        None => match text.strip_prefix('.') {
            Some(rest) => format!("0.{rest}").into(),
            None => text.into(),
        },
    };
    Decimal::from_str_exact(&normalised)
        .map_err(|_| format!("`{text}` has too many digits; write at most 28 significant digits"))
}

/// A dose unit: `mg`, `mcg`, `g`, `ml`, `units`.
pub fn dose_unit(text: &str) -> Result<DoseUnit, String> {
    DoseUnit::parse(text)
        .ok_or_else(|| format!("unknown unit `{text}`; write mg, mcg, g, ml or units"))
}

/// An amount and a unit; `what` is the statement's example for the message when the unit is wrong.
pub fn quantity(amount: &str, unit: &str) -> Result<Quantity, String> {
    Ok(Quantity::new(number(amount)?, dose_unit(unit)?))
}

/// The NDC quantity qualifier on a line: `ML`, `UN`, `GR`, `F2`, `ME`.
pub fn ndc_unit(text: &str) -> Result<NdcUnit, String> {
    NdcUnit::parse(text)
        .ok_or_else(|| format!("unknown NDC unit `{text}`; write ML, UN, GR, F2 or ME"))
}

/// `medicare`, `medicare-advantage`, `medicaid`, `commercial`.
pub fn payer_kind(text: &str) -> Result<PayerKind, String> {
    PayerKind::parse(&text.to_ascii_lowercase()).ok_or_else(|| {
        format!(
            "unknown payer kind `{text}`; write medicare, medicare-advantage, medicaid or commercial"
        )
    })
}

/// `failed`, `intolerant`, `contraindicated`, `stopped`.
pub fn history_outcome(text: &str) -> Result<HistoryOutcome, String> {
    match text.to_ascii_lowercase().as_str() {
        "failed" => Ok(HistoryOutcome::Failed),
        "intolerant" => Ok(HistoryOutcome::Intolerant),
        "contraindicated" => Ok(HistoryOutcome::Contraindicated),
        "stopped" => Ok(HistoryOutcome::Stopped),
        _ => Err(format!(
            "unknown outcome `{text}`; write failed, intolerant, contraindicated or stopped"
        )),
    }
}

/// A diagnosis letter `A`–`L` (case-insensitive on input, upper-cased).
pub fn dx_letter(text: &str) -> Result<char, String> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if ('A'..='L').contains(&c.to_ascii_uppercase()) => {
            Ok(c.to_ascii_uppercase())
        }
        _ => Err(format!(
            "`{text}` is not a diagnosis letter; write a letter from A to L, e.g. `dx A G35.A`"
        )),
    }
}

/// The count of a `vial` statement: `x2` → 2.
pub fn count(text: &str) -> Result<u32, String> {
    let digits = text
        .strip_prefix('x')
        .or_else(|| text.strip_prefix('X'))
        .unwrap_or(text);
    match digits.parse::<u32>() {
        Ok(0) => Err(format!(
            "`{text}`: a count is at least 1; write how many containers were opened, e.g. `x2`"
        )),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "`{text}` is not a count; write `x` and the number of containers, e.g. `x2`"
        )),
    }
}

/// The text inside a quoted string: `"R. Patel, MD"` → `R. Patel, MD`; `\"` and `\\` are escapes.
pub fn string(text: &str) -> String {
    let inner = text.strip_prefix('"').unwrap_or(text);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(next @ ('"' | '\\')) => out.push(next),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(date("2026-11-20"), Ok(Date::new(2026, 11, 20).unwrap()));
        assert_eq!(
            date("2026-02-30"),
            Err("`2026-02-30` is not a date; write YYYY-MM-DD".to_string())
        );
        assert!(date("20261120").is_err());
        assert_eq!(time("09:30").map(|t| t.minutes()), Ok(570));
        assert_eq!(time("9:30").map(|t| t.minutes()), Ok(570));
        assert_eq!(
            time("24:10"),
            Err("`24:10` is not a time; write HH:MM (24-hour)".to_string())
        );
    }

    #[test]
    fn numbers_are_exact_decimals() {
        assert_eq!(number("600"), Ok(dec("600")));
        assert_eq!(number("0.1"), Ok(dec("0.1")));
        assert_eq!(number(".25"), Ok(dec("0.25")));
        assert_eq!(number("-.5"), Ok(dec("-0.5")));
        assert_eq!(number("-3"), Ok(dec("-3")));
        // Exact: 0.1 + 0.2 is 0.3, which no float gives.
        assert_eq!(number("0.1").unwrap() + number("0.2").unwrap(), dec("0.3"));
        // Trailing zeros are kept as written (scale), values compare equal.
        assert_eq!(number("20.00").unwrap().to_string(), "20.00");
        for bad in ["", "-", ".", "1.", "1e5", "1,5", "abc", "1.2.3", "--1"] {
            assert!(number(bad).is_err(), "{bad:?} should not be a number");
        }
        assert!(
            number("123456789012345678901234567890123")
                .unwrap_err()
                .contains("too many digits")
        );
    }

    #[test]
    fn units_and_quantities() {
        assert_eq!(
            quantity("600", "mg"),
            Ok(Quantity::new(dec("600"), DoseUnit::Mg))
        );
        assert_eq!(
            quantity("1", "MG").map(|q| q.unit),
            Ok(DoseUnit::Mg),
            "units are case-insensitive"
        );
        assert_eq!(
            quantity("600", "mgs"),
            Err("unknown unit `mgs`; write mg, mcg, g, ml or units".to_string())
        );
        assert_eq!(ndc_unit("ml"), Ok(NdcUnit::Ml));
        assert!(ndc_unit("MG").unwrap_err().contains("ML, UN, GR, F2 or ME"));
    }

    #[test]
    fn keywords_of_values() {
        assert_eq!(
            payer_kind("medicare-advantage"),
            Ok(PayerKind::MedicareAdvantage)
        );
        assert_eq!(
            payer_kind("bluecross"),
            Err("unknown payer kind `bluecross`; write medicare, medicare-advantage, medicaid or commercial".to_string())
        );
        assert_eq!(history_outcome("failed"), Ok(HistoryOutcome::Failed));
        assert!(history_outcome("worked").is_err());
        assert_eq!(dx_letter("b"), Ok('B'));
        assert_eq!(dx_letter("L"), Ok('L'));
        assert!(dx_letter("M").is_err());
        assert!(dx_letter("AB").is_err());
    }

    #[test]
    fn counts() {
        assert_eq!(count("x2"), Ok(2));
        assert_eq!(count("x10"), Ok(10));
        assert!(count("x0").unwrap_err().contains("at least 1"));
        assert!(count("x99999999999").is_err());
    }

    #[test]
    fn strings_unquote_with_escapes() {
        assert_eq!(string("\"R. Patel, MD\""), "R. Patel, MD");
        assert_eq!(string(r#""say \"hi\" \\ ok""#), r#"say "hi" \ ok"#);
        assert_eq!(string("\"a😀b\""), "a😀b");
        assert_eq!(string("\"unterminated"), "unterminated");
    }
}
