//! The CMS NCCI Medicare add-on code (AOC) edits, as CMS publishes them: one Excel workbook, one sheet.
//! Row 1 is the AMA notice, row 2 the header (`AOC_Edit_Type`, `Add-On_Code`, `AOC_DelDT`,
//! `Primary_Code`, `Primary_Code_DelDT`, `AOC_Edit_EffDT`, `AOC_Edit_DelDT`,
//! `Special_Instruction_Notes`), then one edit per row. Dates are text `YYYYDDD` (year and day of the
//! year: `2013091` = 2013-04-01); a deletion date is the last date of service the row holds. Columns are
//! found by their header names, so a workbook with its columns in another order still reads right.

use super::{AddOnRow, ImportError, Part, Records};
use crate::AddOnKind;
use calamine::{Data, Reader, Xlsx};
use claimls_model::Date;

/// The header names the reader needs, in the order of [`Columns`].
const HEADERS: [&str; 8] = [
    "AOC_Edit_Type",
    "Add-On_Code",
    "AOC_DelDT",
    "Primary_Code",
    "Primary_Code_DelDT",
    "AOC_Edit_EffDT",
    "AOC_Edit_DelDT",
    "Special_Instruction_Notes",
];

/// The header row among the first rows of the sheet and the position of each of [`HEADERS`] in it, or
/// `None` when the sheet is not the add-on code file.
fn header_row(rows: &calamine::Range<Data>) -> Option<(usize, Vec<usize>)> {
    for (i, row) in rows.rows().take(10).enumerate() {
        let names: Vec<String> = row.iter().map(|c| text(c).to_ascii_lowercase()).collect();
        let positions: Option<Vec<usize>> = HEADERS
            .iter()
            .map(|h| names.iter().position(|n| n == &h.to_ascii_lowercase()))
            .collect();
        if let Some(p) = positions {
            return Some((i, p));
        }
    }
    None
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.trim().to_string(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Empty => String::new(),
        other => other.to_string().trim().to_string(),
    }
}

/// `2013091` → 2013-04-01 (year and day of the year).
pub(crate) fn ordinal_date(s: &str) -> Option<Date> {
    if s.len() != 7 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = s[..4].parse().ok()?;
    let day: i64 = s[4..].parse().ok()?;
    let first = Date::new(year, 1, 1)?;
    if day < 1 {
        return None;
    }
    let mut date = first;
    for _ in 1..day {
        date = date.next_day();
    }
    (date.year == year).then_some(date)
}

/// Read the add-on code workbook. `Ok(None)` when the workbook is not the AOC file (another
/// spreadsheet, e.g. the HCPCS file's own `.xlsx` copy).
pub fn read(file: &str, name: &str, bytes: &[u8]) -> Result<Option<Part>, ImportError> {
    let damaged = |e: calamine::XlsxError| ImportError::Unrecognised {
        file: file.to_string(),
        message: format!(
            "the spreadsheet is damaged or not an .xlsx workbook ({}); download it again",
            super::escaped(&e.to_string())
        ),
    };
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).map_err(damaged)?;
    let Some(first) = book.worksheet_range_at(0) else {
        return Ok(None);
    };
    let rows = first.map_err(damaged)?;
    let Some((header_at, col)) = header_row(&rows) else {
        return Ok(None);
    };
    // Spreadsheet rows are 1-based for the user; `rows()` starts at the range's first row.
    let first_row = rows.start().map_or(0, |(r, _)| r as usize);
    let mut out: Vec<AddOnRow> = Vec::new();
    for (i, row) in rows.rows().enumerate().skip(header_at + 1) {
        let line = first_row + i + 1;
        let get = |k: usize| row.get(col[k]).map(text).unwrap_or_default();
        if row.iter().all(|c| text(c).is_empty()) {
            continue;
        }
        let kind = match get(0).as_str() {
            "1" => AddOnKind::Listed,
            "2" => AddOnKind::ContractorDefined,
            "3" => AddOnKind::ListedAndContractor,
            other => {
                return Err(ImportError::malformed(
                    file,
                    line,
                    format!(
                        "expected the edit type 1, 2 or 3 in column AOC_Edit_Type, found \"{}\"",
                        super::escaped(other)
                    ),
                ));
            }
        };
        let code = |k: usize, what: &str| -> Result<String, ImportError> {
            let v = get(k).to_ascii_uppercase();
            if v.len() == 5 && v.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Ok(v);
            }
            Err(ImportError::malformed(
                file,
                line,
                format!(
                    "expected a 5-character code in column {what}, found \"{}\"",
                    super::escaped(&v)
                ),
            ))
        };
        let date = |k: usize| -> Result<Option<Date>, ImportError> {
            let v = get(k);
            if v.is_empty() || v == "*" {
                return Ok(None);
            }
            ordinal_date(&v).map(Some).ok_or_else(|| {
                ImportError::malformed(
                    file,
                    line,
                    format!(
                        "expected a date as YYYYDDD (year, day of the year) in column {}, found \"{}\"",
                        HEADERS[k],
                        super::escaped(&v)
                    ),
                )
            })
        };
        out.push(AddOnRow {
            kind,
            addon: code(1, "Add-On_Code")?,
            addon_deleted: date(2)?,
            primary: code(3, "Primary_Code")?,
            primary_deleted: date(4)?,
            effective: date(5)?,
            deleted: date(6)?,
            note: Some(get(7)).filter(|n| !n.is_empty()),
        });
    }
    if out.is_empty() {
        return Err(ImportError::malformed(
            file,
            first_row + header_at + 1,
            "no add-on code edits after the header row",
        ));
    }
    let (effective, label) = edition_of(name);
    Ok(Some(Part {
        name: format!("NCCI add-on code edits {label}"),
        source: name.to_string(),
        effective,
        until: None,
        records: Records::AddOns(out),
    }))
}

/// The quarter a file is for, from its name (`AOC_V2026Q2-MCR` → 2026-04-01, "2026 Q2 (…)"); without
/// one the file answers for every date (each edit carries its own dates).
fn edition_of(name: &str) -> (Option<Date>, String) {
    let upper = name.to_ascii_uppercase();
    let quarter = upper.find('V').and_then(|i| {
        let rest = upper.get(i + 1..)?;
        let year: i32 = rest.get(..4)?.parse().ok()?;
        let q: u8 = rest.get(4..6)?.strip_prefix('Q')?.parse().ok()?;
        let start = Date::new(year, (q.checked_sub(1)?) * 3 + 1, 1)?;
        Some((year, q, start))
    });
    match quarter {
        Some((year, q, start)) => (Some(start), format!("{year} Q{q} ({name})")),
        None => (None, format!("({name})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinal_dates_count_days_of_the_year() {
        assert_eq!(ordinal_date("2013091"), Date::new(2013, 4, 1));
        assert_eq!(ordinal_date("2025365"), Date::new(2025, 12, 31));
        assert_eq!(ordinal_date("2016366"), Date::new(2016, 12, 31));
        assert_eq!(ordinal_date("2025366"), None);
        assert_eq!(ordinal_date("2025000"), None);
        assert_eq!(ordinal_date("20250101"), None);
    }

    #[test]
    fn the_quarter_comes_from_the_file_name() {
        assert_eq!(
            edition_of("AOC_V2026Q2-MCR.xlsx"),
            (
                Date::new(2026, 4, 1),
                "2026 Q2 (AOC_V2026Q2-MCR.xlsx)".to_string()
            )
        );
        assert_eq!(edition_of("addons.xlsx").0, None);
    }
}
