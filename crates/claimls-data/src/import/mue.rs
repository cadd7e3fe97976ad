//! The NCCI practitioner services MUE table: CSV (Latin-1) with an AMA notice record first and a header
//! whose first cell holds a newline (`HCPCS/\nCPT Code`).

use super::csv;
use super::{ImportError, MueRow, Part, Records};
use claimls_model::Date;

pub fn read(file: &str, name: &str, bytes: &[u8]) -> Result<Part, ImportError> {
    let text = super::windows_1252(bytes);
    let rows = csv::records(&text).map_err(|line| {
        ImportError::malformed(
            file,
            line,
            "a quoted field opens here and is never closed — the file looks truncated",
        )
    })?;
    let Some(header_at) = rows
        .iter()
        .take(10)
        .position(|r| r.fields.iter().any(|f| f.contains("MUE Values")))
    else {
        return Err(ImportError::malformed(
            file,
            1,
            "expected the header row \"HCPCS/CPT Code, Practitioner Services MUE Values, MUE Adjudication Indicator, MUE Rationale\"",
        ));
    };
    let header = &rows[header_at];
    let col = |pred: &dyn Fn(&str) -> bool, what: &str| {
        header
            .fields
            .iter()
            .position(|f| pred(&f.replace('\n', " ")))
            .ok_or_else(|| {
                ImportError::malformed(
                    file,
                    header.line,
                    format!("the header has no column \"{what}\""),
                )
            })
    };
    let code = col(
        &|f| f.contains("CPT Code") || f.contains("HCPCS"),
        "HCPCS/CPT Code",
    )?;
    let value = col(
        &|f| f.contains("MUE Values"),
        "Practitioner Services MUE Values",
    )?;
    let indicator = col(
        &|f| f.contains("Adjudication Indicator"),
        "MUE Adjudication Indicator",
    )?;
    let mut out = Vec::new();
    for row in rows[header_at + 1..].iter().filter(|r| !r.is_blank()) {
        let c = row.get(code);
        if c.len() != 5 || !c.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ImportError::malformed(
                file,
                row.line,
                format!("expected a 5-character HCPCS/CPT code in the first column, found \"{c}\""),
            ));
        }
        let v = row.get(value);
        let Ok(v) = v.parse::<u32>() else {
            return Err(ImportError::malformed(
                file,
                row.line,
                format!(
                    "expected a whole number of units in column \"Practitioner Services MUE Values\", found \"{v}\""
                ),
            ));
        };
        let ind = row.get(indicator);
        let Some(i) = ind
            .chars()
            .next()
            .and_then(|c| c.to_digit(10))
            .and_then(|d| u8::try_from(d).ok())
            .filter(|d| (1..=3).contains(d))
        else {
            return Err(ImportError::malformed(
                file,
                row.line,
                format!(
                    "expected an MUE adjudication indicator 1, 2 or 3 (\"3 Date of Service Edit: Clinical\"), found \"{ind}\""
                ),
            ));
        };
        out.push(MueRow {
            code: c.to_ascii_uppercase(),
            value: v,
            indicator: i,
        });
    }
    if out.is_empty() {
        return Err(ImportError::malformed(
            file,
            header.line,
            "no MUE rows after the header",
        ));
    }
    let effective = effective_from_name(name);
    Ok(Part {
        name: match effective {
            Some(d) => format!("MUE practitioner {d} ({name})"),
            None => format!("MUE practitioner ({name})"),
        },
        source: name.to_string(),
        effective,
        until: None,
        records: Records::Mue(out),
    })
}

/// `MCR_MUE_PractitionerServices_Eff_04-01-2026.csv` → 2026-04-01 (the table itself carries no date).
fn effective_from_name(name: &str) -> Option<Date> {
    let i = name.to_ascii_lowercase().find("eff_")?;
    let d = name.get(i + 4..i + 14)?;
    if d.get(2..3)? != "-" || d.get(5..6)? != "-" {
        return None;
    }
    Date::new(
        d.get(6..10)?.parse().ok()?,
        d.get(0..2)?.parse().ok()?,
        d.get(3..5)?.parse().ok()?,
    )
}
