//! The HCPCS Level II quarterly "Alpha-Numeric" file: fixed-width 320-column records.
//!
//! Record identification code (column 11): `3` first line of a procedure code, `4` a continuation of
//! its long description, `7` first line of a modifier, `8` a modifier continuation. Columns used
//! (1-based, from the CMS record layout): code 1-5, sequence 6-10, RIC 11, long description 12-91,
//! short description 92-119, cross-reference codes 205-229 (five of 5), added 269-276, action effective
//! 277-284, termination 285-292.

use super::{HcpcsRecord, ImportError, Part, Records};
use claimls_model::Date;

/// The length of a record (the CMS record layout), without its line end.
const RECORD_LENGTH: usize = 320;

/// Whether a first line looks like a HCPCS record.
pub fn looks_like(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() >= 292
        && b[5..10].iter().all(u8::is_ascii_digit)
        && matches!(b[10], b'3' | b'4' | b'7' | b'8')
}

pub fn read(file: &str, name: &str, bytes: &[u8]) -> Result<Part, ImportError> {
    let text = super::utf8(file, bytes)?;
    let mut codes: Vec<HcpcsRecord> = Vec::new();
    let mut modifiers: Vec<HcpcsRecord> = Vec::new();
    let mut progress = super::Progress::new(name, text.len());
    let mut offset = 0usize;
    for (i, raw) in text.split('\n').enumerate() {
        let line_no = i + 1;
        offset += raw.len() + 1;
        progress.update(offset);
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        if !line.is_ascii() {
            return Err(ImportError::malformed(
                file,
                line_no,
                "a HCPCS record holds ASCII text only; this line has other characters (wrong encoding?)",
            ));
        }
        let b = line.as_bytes();
        if b.len() < 91 {
            return Err(ImportError::malformed(
                file,
                line_no,
                format!(
                    "the record is {} characters long; a HCPCS record has 320 columns (long description \
                     in 12-91) — the file looks truncated",
                    b.len()
                ),
            ));
        }
        let ric = b[10];
        let code = line[..5].trim().to_string();
        let long = line[11..91].trim_end();
        match ric {
            b'3' | b'7' => {
                // Every record has all 320 columns (CMS's own file has one longer line, never a
                // shorter one): a shorter record is a file cut inside it.
                if b.len() < RECORD_LENGTH {
                    return Err(ImportError::malformed(
                        file,
                        line_no,
                        format!(
                            "the record for {code} is {} characters long; a HCPCS record has \
                             {RECORD_LENGTH} columns (dates in 269-292) — the file is truncated inside this \
                             record; download it again",
                            b.len()
                        ),
                    ));
                }
                let valid = if ric == b'3' {
                    code.len() == 5 && code.bytes().all(|c| c.is_ascii_alphanumeric())
                } else {
                    code.len() == 2 && code.bytes().all(|c| c.is_ascii_alphanumeric())
                };
                if !valid {
                    return Err(ImportError::malformed(
                        file,
                        line_no,
                        format!(
                            "expected a {} in columns 1-5, found \"{code}\"",
                            if ric == b'3' {
                                "5-character HCPCS code"
                            } else {
                                "2-character modifier"
                            }
                        ),
                    ));
                }
                let record = HcpcsRecord {
                    code: code.to_ascii_uppercase(),
                    long_description: long.to_string(),
                    short_description: line[91..119].trim().to_string(),
                    added: date(
                        file,
                        line_no,
                        &line[268..276],
                        "added date (columns 269-276)",
                    )?,
                    action_effective: date(
                        file,
                        line_no,
                        &line[276..284],
                        "action effective date (columns 277-284)",
                    )?,
                    terminated: date(
                        file,
                        line_no,
                        &line[284..292],
                        "termination date (columns 285-292)",
                    )?,
                    cross_reference: line.as_bytes()[204..229]
                        .chunks(5)
                        .filter_map(|c| std::str::from_utf8(c).ok())
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(str::to_ascii_uppercase)
                        .collect(),
                };
                if ric == b'3' {
                    codes.push(record);
                } else {
                    modifiers.push(record);
                }
            }
            b'4' | b'8' => {
                if b.len() < RECORD_LENGTH {
                    return Err(ImportError::malformed(
                        file,
                        line_no,
                        format!(
                            "the continuation record for {code} is {} characters long; a HCPCS record \
                             has {RECORD_LENGTH} columns — the file is truncated inside this record; download \
                             it again",
                            b.len()
                        ),
                    ));
                }
                let list = if ric == b'4' {
                    &mut codes
                } else {
                    &mut modifiers
                };
                let Some(last) = list
                    .last_mut()
                    .filter(|r| r.code.eq_ignore_ascii_case(&code))
                else {
                    return Err(ImportError::malformed(
                        file,
                        line_no,
                        format!(
                            "a continuation line for {code} without its first record (RIC 3 or 7) before it"
                        ),
                    ));
                };
                if !long.trim().is_empty() {
                    last.long_description.push(' ');
                    last.long_description.push_str(long.trim());
                }
            }
            other => {
                return Err(ImportError::malformed(
                    file,
                    line_no,
                    format!(
                        "expected a record identification code 3, 4, 7 or 8 in column 11, found \"{}\"",
                        char::from(other)
                    ),
                ));
            }
        }
    }
    progress.finish();
    if codes.is_empty() {
        return Err(ImportError::malformed(
            file,
            1,
            "no HCPCS code records (RIC 3) in the file",
        ));
    }
    let (effective, label) = edition_of(name, &codes);
    Ok(Part {
        name: format!("HCPCS {label}"),
        source: name.to_string(),
        effective,
        until: None,
        records: Records::Hcpcs { codes, modifiers },
    })
}

fn date(file: &str, line: usize, field: &str, what: &str) -> Result<Option<Date>, ImportError> {
    let f = field.trim();
    if f.is_empty() || f.bytes().all(|b| b == b'0') {
        return Ok(None);
    }
    Date::parse_compact(f).map(Some).ok_or_else(|| {
        ImportError::malformed(
            file,
            line,
            format!("expected the {what} as YYYYMMDD, found \"{f}\""),
        )
    })
}

/// The quarter a file is for: from its name (`HCPC2026_JAN_ANWEB`), else the latest action effective
/// date in it.
fn edition_of(name: &str, codes: &[HcpcsRecord]) -> (Option<Date>, String) {
    let upper = name.to_ascii_uppercase();
    if let Some(i) = upper.find("HCPC")
        && let Some(rest) = upper.get(i + 4..)
        && let Some(year) = rest.get(..4).and_then(|y| y.parse::<i32>().ok())
        && let Some(month) = rest.get(5..8).and_then(super::month_number)
        && let Some(d) = Date::new(year, month, 1)
    {
        let month_name = crate::MONTH_NAMES[usize::from(month - 1)];
        return (Some(d), format!("{year} {month_name} ({name})"));
    }
    let latest = codes.iter().filter_map(|c| c.action_effective).max();
    let start = latest.and_then(|d| Date::new(d.year, (d.month - 1) / 3 * 3 + 1, 1));
    let label = match start {
        Some(d) => format!(
            "{} {} ({name})",
            d.year,
            crate::MONTH_NAMES[usize::from(d.month - 1)]
        ),
        None => format!("({name})"),
    };
    (start, label)
}
