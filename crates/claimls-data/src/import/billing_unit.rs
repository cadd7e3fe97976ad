//! The dose one billing unit of a drug code stands for, from the CMS long descriptor ("Injection,
//! infliximab, excludes biosimilar, 10 mg", "Injection, insulin, per 5 units") or the ASP dosage
//! column ("10 MG").

use claimls_model::{DoseUnit, Quantity};
use rust_decimal::Decimal;

/// The billing unit in a descriptor: the first "<number> <unit>" that follows a comma or "per".
pub fn parse_billing_unit(descriptor: &str) -> Option<Quantity> {
    let lower = without_thousands_separators(&descriptor.to_ascii_lowercase());
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    // Positions in `words` right after a comma or after "per".
    let mut starts = Vec::new();
    let mut after_comma = false;
    let mut idx = 0usize;
    for token in lower.split_inclusive(',') {
        for w in token
            .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
            .filter(|w| !w.is_empty())
        {
            if after_comma {
                starts.push(idx);
                after_comma = false;
            }
            if w == "per" {
                starts.push(idx + 1);
            }
            idx += 1;
        }
        after_comma = token.ends_with(',');
    }
    starts.into_iter().find_map(|i| quantity_at(&words, i))
}

/// `600,000 units` → `600000 units`: a comma between a digit and three digits (then no digit) is a
/// thousands separator, not a field separator.
fn without_thousands_separators(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        let separator = c == ','
            && i > 0
            && b[i - 1].is_ascii_digit()
            && b.len() >= i + 4
            && b[i + 1..i + 4].iter().all(u8::is_ascii_digit)
            && b.get(i + 4).is_none_or(|n| !n.is_ascii_digit());
        if !separator {
            out.push(c);
        }
    }
    out
}

fn quantity_at(words: &[&str], i: usize) -> Option<Quantity> {
    let first = *words.get(i)?;
    // "10mg" written together.
    let split = first.find(|c: char| c.is_ascii_alphabetic());
    let (number, unit_words): (&str, Vec<&str>) = match split {
        Some(p) if p > 0 => (
            &first[..p],
            std::iter::once(&first[p..])
                .chain(words.get(i + 1).copied())
                .collect(),
        ),
        _ => (first, words.get(i + 1..(i + 3).min(words.len()))?.to_vec()),
    };
    let amount: Decimal = number.parse().ok()?;
    let unit = unit_of(&unit_words)?;
    Some(Quantity::new(amount, unit))
}

fn unit_of(words: &[&str]) -> Option<DoseUnit> {
    let w = *words.first()?;
    let w = w.trim_end_matches(['.', ';']);
    match w {
        "mg" | "milligram" | "milligrams" => Some(DoseUnit::Mg),
        "mcg" | "microgram" | "micrograms" => Some(DoseUnit::Mcg),
        "g" | "gm" | "gram" | "grams" => Some(DoseUnit::G),
        "ml" | "cc" => Some(DoseUnit::Ml),
        "unit" | "units" | "iu" | "i.u." => Some(DoseUnit::Units),
        "usp" | "international" | "million" => {
            match words.get(1).map(|w| w.trim_end_matches(['.', ';'])) {
                Some("unit" | "units") if w != "million" => Some(DoseUnit::Units),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The ASP dosage column (`10 MG`, `1 ML`, `150 IU`, `100 UNITS`); `None` for other units (`EA`).
pub fn parse_dosage(dosage: &str) -> Option<Quantity> {
    let lower = dosage.trim().to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    quantity_at(&words, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Option<String> {
        parse_billing_unit(s).map(|q| q.to_string())
    }

    #[test]
    fn descriptors() {
        assert_eq!(q("Injection, ocrelizumab, 1 mg").as_deref(), Some("1 mg"));
        assert_eq!(
            q("Injection, ocrelizumab, 1 mg and hyaluronidase-ocsq").as_deref(),
            Some("1 mg")
        );
        assert_eq!(
            q("Injection, infliximab, excludes biosimilar, 10 mg").as_deref(),
            Some("10 mg")
        );
        assert_eq!(
            q("Injection, cefazolin sodium, per 500 mg").as_deref(),
            Some("500 mg")
        );
        assert_eq!(
            q("Injection, insulin, per 5 units").as_deref(),
            Some("5 units")
        );
        assert_eq!(
            q("Injection, leucovorin calcium, per 50 mg").as_deref(),
            Some("50 mg")
        );
        assert_eq!(
            q("Injection, epoprostenol, 0.5 mg").as_deref(),
            Some("0.5 mg")
        );
        assert_eq!(q("Injection, hyaluronidase, ovine, preservative free, per 1 usp unit up to 999 usp units").as_deref(), Some("1 units"));
        assert_eq!(
            q("Injection, ceftriaxone sodium, per 250 mg").as_deref(),
            Some("250 mg")
        );
        assert_eq!(
            q("Injection, buprenorphine, 100 mcg").as_deref(),
            Some("100 mcg")
        );
        assert_eq!(
            q("Injection, vancomycin hcl, 500 mg").as_deref(),
            Some("500 mg")
        );
        assert_eq!(q("Injection, x, 1 g").as_deref(), Some("1 g"));
        assert_eq!(q("Dressing for one wound"), None);
        assert_eq!(
            q("Injection, penicillin g benzathine, 100,000 units").as_deref(),
            Some("100000 units")
        );
    }

    #[test]
    fn asp_dosage() {
        assert_eq!(
            parse_dosage("10 MG").map(|q| q.to_string()).as_deref(),
            Some("10 mg")
        );
        assert_eq!(
            parse_dosage("150 IU").map(|q| q.to_string()).as_deref(),
            Some("150 units")
        );
        assert_eq!(
            parse_dosage("1 ML").map(|q| q.to_string()).as_deref(),
            Some("1 ml")
        );
        assert_eq!(parse_dosage("EA"), None);
    }
}
