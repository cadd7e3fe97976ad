//! The CMS ASP files: payment allowance limits and the NDC-HCPCS crosswalk. CSV in Windows-1252 with
//! title and note rows before the header; the crosswalk pads every row with empty columns.

use super::csv::{self, Record};
use super::{CrosswalkRow, ImportError, Part, PriceRow, Records};
use rust_decimal::Decimal;

pub fn read_pricing(file: &str, name: &str, bytes: &[u8]) -> Result<Part, ImportError> {
    let text = super::windows_1252(bytes);
    let rows = parse(file, &text)?;
    let (header_at, header) = find_header(
        file,
        &rows,
        "HCPCS Code",
        "the pricing header row \"HCPCS Code, Short Description, HCPCS Code Dosage, Payment Limit, …\"",
    )?;
    let code = column(file, header, "HCPCS Code")?;
    let short = column(file, header, "Short Description")?;
    let dosage = column(file, header, "HCPCS Code Dosage")?;
    let limit = column(file, header, "Payment Limit")?;
    let mut out = Vec::new();
    for row in rows[header_at + 1..].iter().filter(|r| !r.is_blank()) {
        aligned(file, header, row)?;
        let c = row.get(code);
        check_code(file, row, c)?;
        out.push(PriceRow {
            code: c.to_ascii_uppercase(),
            short_description: row.get(short).to_string(),
            dosage: row.get(dosage).to_string(),
            payment_limit: decimal(file, row, limit, "Payment Limit")?,
        });
    }
    if out.is_empty() {
        return Err(ImportError::malformed(
            file,
            header.line,
            "no pricing rows after the header",
        ));
    }
    let (effective, until) = period(&rows[..header_at]);
    Ok(Part {
        name: format!("ASP pricing {}", period_label(effective, until, name)),
        source: name.to_string(),
        effective,
        until,
        records: Records::AspPricing(out),
    })
}

pub fn read_crosswalk(file: &str, name: &str, bytes: &[u8]) -> Result<Part, ImportError> {
    let text = super::windows_1252(bytes);
    let rows = parse(file, &text)?;
    let (header_at, header) = find_header(
        file,
        &rows,
        "NDC2",
        "the crosswalk header row \"_YYYY_CODE, Short Description, LABELER NAME, NDC2, …, BILLUNITSPKG\"",
    )?;
    let code = header
        .fields
        .iter()
        .position(|f| f.trim().to_ascii_uppercase().ends_with("_CODE"))
        .ok_or_else(|| missing(file, header, "_YYYY_CODE (the HCPCS code)"))?;
    let labeler = column(file, header, "LABELER NAME")?;
    let ndc = column(file, header, "NDC2")?;
    let drug = column(file, header, "Drug Name")?;
    let dosage = column(file, header, "HCPCS dosage")?;
    let size = column(file, header, "PKG SIZE")?;
    let qty = column(file, header, "PKG QTY")?;
    let units = column(file, header, "BILLUNITS")?;
    let units_pkg = column(file, header, "BILLUNITSPKG")?;
    let mut out = Vec::new();
    for row in rows[header_at + 1..].iter().filter(|r| !r.is_blank()) {
        aligned(file, header, row)?;
        let c = row.get(code);
        check_code(file, row, c)?;
        let raw_ndc = row.get(ndc);
        if raw_ndc.is_empty() {
            return Err(ImportError::malformed(
                file,
                row.line,
                "expected an 11-digit NDC (5-4-2) in column NDC2, found nothing",
            ));
        }
        // Skin substitutes and a few devices are listed under a product number or UPC, not an NDC:
        // those are kept as written.
        let digits: String = raw_ndc.chars().filter(|c| c.is_ascii_digit()).collect();
        let is_ndc = digits.len() == 11 && raw_ndc.chars().all(|c| c.is_ascii_digit() || c == '-');
        let digits = if is_ndc { digits } else { raw_ndc.to_string() };
        out.push(CrosswalkRow {
            code: c.to_ascii_uppercase(),
            labeler: row.get(labeler).to_string(),
            ndc: digits,
            drug_name: row.get(drug).to_string(),
            dosage: row.get(dosage).to_string(),
            package_size: decimal(file, row, size, "PKG SIZE")?,
            package_quantity: decimal(file, row, qty, "PKG QTY")?,
            billing_units: decimal(file, row, units, "BILLUNITS")?,
            billing_units_per_package: decimal(file, row, units_pkg, "BILLUNITSPKG")?,
        });
    }
    if out.is_empty() {
        return Err(ImportError::malformed(
            file,
            header.line,
            "no crosswalk rows after the header",
        ));
    }
    let (effective, until) = period(&rows[..header_at]);
    Ok(Part {
        name: format!("ASP crosswalk {}", period_label(effective, until, name)),
        source: name.to_string(),
        effective,
        until,
        records: Records::AspCrosswalk(out),
    })
}

fn parse(file: &str, text: &str) -> Result<Vec<Record>, ImportError> {
    csv::records(text).map_err(|line| {
        ImportError::malformed(
            file,
            line,
            "a quoted field opens here and is never closed — the file looks truncated",
        )
    })
}

fn find_header<'a>(
    file: &str,
    rows: &'a [Record],
    first: &str,
    what: &str,
) -> Result<(usize, &'a Record), ImportError> {
    rows.iter()
        .enumerate()
        .take(40)
        .find(|(_, r)| {
            r.fields
                .iter()
                .any(|f| f.trim().eq_ignore_ascii_case(first))
        })
        .ok_or_else(|| {
            ImportError::malformed(file, 1, format!("expected {what} within the first 40 rows"))
        })
}

/// A data row lines up with the header: it has a field for every named header column, and nothing
/// in columns the header does not name. Columns are found by header name; a header with a column
/// more (or less) than its rows would otherwise read every value from its neighbour's column (the
/// co-insurance percentage as the payment limit).
fn aligned(file: &str, header: &Record, row: &Record) -> Result<(), ImportError> {
    let named = header
        .fields
        .iter()
        .rposition(|f| !f.trim().is_empty())
        .map_or(0, |i| i + 1);
    let filled = row
        .fields
        .iter()
        .rposition(|f| !f.trim().is_empty())
        .map_or(0, |i| i + 1);
    if row.fields.len() >= named && filled <= named {
        return Ok(());
    }
    Err(ImportError::malformed(
        file,
        row.line,
        format!(
            "this row has {} fields, the header (line {}) names {named} columns: the columns do not \
             line up, so no value can be read from the right column — use the file as CMS publishes it",
            if filled > named {
                filled
            } else {
                row.fields.len()
            },
            header.line
        ),
    ))
}

fn column(file: &str, header: &Record, name: &str) -> Result<usize, ImportError> {
    header
        .fields
        .iter()
        .position(|f| f.trim().eq_ignore_ascii_case(name))
        .ok_or_else(|| missing(file, header, name))
}

fn missing(file: &str, header: &Record, name: &str) -> ImportError {
    ImportError::malformed(
        file,
        header.line,
        format!("the header has no column \"{name}\""),
    )
}

fn check_code(file: &str, row: &Record, code: &str) -> Result<(), ImportError> {
    if code.len() == 5 && code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Ok(());
    }
    Err(ImportError::malformed(
        file,
        row.line,
        format!("expected a 5-character HCPCS code in the first column, found \"{code}\""),
    ))
}

fn decimal(file: &str, row: &Record, i: usize, what: &str) -> Result<Option<Decimal>, ImportError> {
    let raw = row.get(i).trim_start_matches('$').replace(',', "");
    if raw.is_empty() || raw.eq_ignore_ascii_case("N/A") {
        return Ok(None);
    }
    raw.parse::<Decimal>().map(Some).map_err(|_| {
        ImportError::malformed(
            file,
            row.line,
            format!("expected a number in column {what}, found \"{raw}\""),
        )
    })
}

fn period(preamble: &[Record]) -> (Option<claimls_model::Date>, Option<claimls_model::Date>) {
    preamble
        .iter()
        .flat_map(|r| r.fields.iter())
        .find_map(|f| super::parse_effective_period(f))
        .map(|(from, until)| (Some(from), until))
        .unwrap_or((None, None))
}

fn period_label(
    effective: Option<claimls_model::Date>,
    until: Option<claimls_model::Date>,
    name: &str,
) -> String {
    match (effective, until) {
        (Some(f), Some(u)) => format!("{f} to {u} ({name})"),
        (Some(f), None) => format!("from {f} ({name})"),
        _ => format!("({name})"),
    }
}
