//! ICD-10-CM from CDC/NCHS: the codes file (one billable code per line, code padded to column 9, then
//! its long title) and the tabular XML (chapters → sections → nested `diag`; 7th characters from
//! `sevenChrDef` on a code or an ancestor).

use super::{DiagnosisRow, ImportError, Part, Records};
use claimls_model::Date;
use quick_xml::XmlVersion;
use quick_xml::events::Event;

/// `A000    Cholera due to …`: a code of 3–7 letters/digits, spaces, a title.
pub fn looks_like_code_line(line: &str) -> bool {
    let mut parts = line.splitn(2, char::is_whitespace);
    let code = parts.next().unwrap_or("");
    let title = parts.next().unwrap_or("").trim();
    valid_key(code) && !title.is_empty()
}

fn valid_key(code: &str) -> bool {
    let b = code.as_bytes();
    (3..=7).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b[1].is_ascii_alphanumeric()
        && b.iter().all(u8::is_ascii_alphanumeric)
}

pub fn read_codes(file: &str, name: &str, bytes: &[u8]) -> Result<Part, ImportError> {
    let text = super::utf8(file, bytes)?;
    let mut rows = Vec::new();
    let mut progress = super::Progress::new(name, text.len());
    let mut offset = 0;
    for (i, raw) in text.split('\n').enumerate() {
        offset += raw.len() + 1;
        progress.update(offset);
        let line = raw.trim_end_matches(['\r', ' ']);
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.splitn(2, char::is_whitespace);
        let code = parts.next().unwrap_or("");
        let title = parts.next().unwrap_or("").trim();
        if !valid_key(code) {
            return Err(ImportError::malformed(
                file,
                i + 1,
                format!(
                    "expected an ICD-10-CM code without its dot (A000, G35A) at the start of the line, found \"{code}\""
                ),
            ));
        }
        if title.is_empty() {
            return Err(ImportError::malformed(
                file,
                i + 1,
                format!("expected the title of {code} after the code — the line is cut short"),
            ));
        }
        rows.push(DiagnosisRow {
            key: code.to_ascii_uppercase(),
            title: title.to_string(),
            billable: true,
        });
    }
    progress.finish();
    if rows.is_empty() {
        return Err(ImportError::malformed(
            file,
            1,
            "no ICD-10-CM codes in the file",
        ));
    }
    let (effective, until, label) = period_from_name(name, None);
    Ok(Part {
        name: format!("ICD-10-CM {label} codes ({name})"),
        source: name.to_string(),
        effective,
        until,
        records: Records::Icd10Codes(DiagnosisRow::pack(rows)),
    })
}

/// One open `diag` element.
#[derive(Default)]
struct Frame {
    name: String,
    desc: String,
    has_child: bool,
    seven: Option<Vec<(char, String)>>,
}

pub fn read_tabular(file: &str, name: &str, bytes: &[u8]) -> Result<Part, ImportError> {
    let text = super::utf8(file, bytes)?;
    let mut reader = quick_xml::Reader::from_str(text);
    let line_at = |pos: u64| super::line_of(text.as_bytes(), pos);
    let mut elements: Vec<String> = Vec::new();
    let mut diags: Vec<Frame> = Vec::new();
    let mut rows: Vec<DiagnosisRow> = Vec::new();
    let mut version: Option<i32> = None;
    let mut extension: Option<char> = None;
    let mut progress = super::Progress::new(name, text.len());
    let mut leaf = String::new();
    loop {
        let event = reader.read_event().map_err(|e| {
            ImportError::malformed(
                file,
                line_at(reader.error_position()),
                format!("not well-formed XML ({e}) — the file looks truncated or damaged"),
            )
        })?;
        progress.update(usize::try_from(reader.buffer_position()).unwrap_or(0));
        match event {
            Event::Start(e) => {
                let tag = e.name().as_ref().to_string();
                leaf.clear();
                match tag.as_str() {
                    "diag" => {
                        if let Some(parent) = diags.last_mut() {
                            parent.has_child = true;
                        }
                        diags.push(Frame::default());
                    }
                    "sevenChrDef" => {
                        if let Some(d) = diags.last_mut() {
                            d.seven = Some(Vec::new());
                        }
                    }
                    "extension" => {
                        extension = e
                            .try_get_attribute("char")
                            .ok()
                            .flatten()
                            .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok())
                            .and_then(|v| v.chars().next());
                    }
                    _ => {}
                }
                elements.push(tag);
            }
            // The text of a leaf element arrives in pieces: text runs and, between them, entity and
            // character references (`&amp;`, `&#233;`). It is taken whole when the element ends.
            Event::Text(t) => leaf.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    Ok(None) => quick_xml::escape::resolve_predefined_entity(&r.xml10_content())
                        .map(str::to_string),
                    Err(_) => None,
                };
                let Some(resolved) = resolved else {
                    return Err(ImportError::malformed(
                        file,
                        line_at(reader.buffer_position()),
                        format!(
                            "unknown XML reference &{}; — the tabular list uses only the predefined \
                             entities and character references",
                            super::escaped(&r.xml10_content())
                        ),
                    ));
                };
                leaf.push_str(&resolved);
            }
            Event::End(_) => {
                let Some(tag) = elements.pop() else { continue };
                let value = std::mem::take(&mut leaf);
                let value = value.trim();
                match (tag.as_str(), elements.last().map(String::as_str)) {
                    ("name", Some("diag")) => {
                        if let Some(d) = diags.last_mut() {
                            d.name.push_str(value);
                        }
                    }
                    ("desc", Some("diag")) => {
                        if let Some(d) = diags.last_mut() {
                            d.desc.push_str(value);
                        }
                    }
                    ("extension", _) => {
                        if let (Some(c), Some(d)) = (extension, diags.last_mut())
                            && let Some(seven) = d.seven.as_mut()
                        {
                            seven.push((c, value.to_string()));
                        }
                    }
                    ("version", Some("ICD10CM.tabular")) => version = value.parse().ok(),
                    _ => {}
                }
                if tag != "diag" {
                    continue;
                }
                let Some(frame) = diags.pop() else { continue };
                let key = super::super::icd10_key(&frame.name);
                if !valid_key(&key) {
                    return Err(ImportError::malformed(
                        file,
                        line_at(reader.buffer_position()),
                        format!(
                            "expected an ICD-10-CM code in <name> of this <diag>, found \"{}\"",
                            frame.name
                        ),
                    ));
                }
                let seven = frame
                    .seven
                    .as_ref()
                    .or_else(|| diags.iter().rev().find_map(|d| d.seven.as_ref()));
                let billable = !frame.has_child && seven.is_none();
                if !frame.has_child
                    && let Some(seven) = seven
                {
                    let mut base = key.clone();
                    while base.len() < 6 {
                        base.push('X');
                    }
                    for (c, ext) in seven {
                        rows.push(DiagnosisRow {
                            key: format!("{base}{c}"),
                            title: format!("{}, {ext}", frame.desc),
                            billable: true,
                        });
                    }
                }
                rows.push(DiagnosisRow {
                    key,
                    title: frame.desc,
                    billable,
                });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    progress.finish();
    if !elements.is_empty() {
        return Err(ImportError::malformed(
            file,
            line_at(reader.buffer_position()),
            format!(
                "the XML ends inside <{}> — the file is truncated",
                elements.join("><")
            ),
        ));
    }
    if rows.is_empty() {
        return Err(ImportError::malformed(
            file,
            1,
            "no <diag> codes in the tabular XML",
        ));
    }
    let (effective, until, label) = period_from_name(name, version);
    Ok(Part {
        name: format!("ICD-10-CM {label} tabular ({name})"),
        source: name.to_string(),
        effective,
        until,
        records: Records::Icd10Tabular(DiagnosisRow::pack(rows)),
    })
}

/// The period from a file name: `icd10cm-codes-2026` → FY2026 (2025-10-01 to 2026-09-30);
/// `…-April-1-2026` → from 2026-04-01 to 2026-09-30. `version` (the XML's fiscal year) is the fallback.
fn period_from_name(name: &str, version: Option<i32>) -> (Option<Date>, Option<Date>, String) {
    let words: Vec<&str> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let year = words
        .iter()
        .filter_map(|w| w.strip_prefix("fy").or(Some(w)))
        .find_map(|w| w.parse::<i32>().ok().filter(|y| (2000..2200).contains(y)))
        .or(version);
    let Some(year) = year else {
        return (None, None, String::new());
    };
    let month = words.iter().find_map(|w| super::month_number(w));
    let fy_start = Date::new(year - 1, 10, 1);
    let fy_end = Date::new(year, 9, 30);
    match month {
        Some(m) if m < 10 => (
            Date::new(year, m, 1),
            fy_end,
            format!("FY{year} ({year}-{m:02} update)"),
        ),
        _ => (fy_start, fy_end, format!("FY{year}")),
    }
}
