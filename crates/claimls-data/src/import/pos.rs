//! The CMS place-of-service code set, as the FHIR CodeSystem XML HL7 publishes it (`concept` with
//! `code`, `display`, `definition`).

use super::{ImportError, Part, Records};
use claimls_model::Date;
use quick_xml::XmlVersion;
use quick_xml::events::Event;

pub fn read(file: &str, name: &str, bytes: &[u8]) -> Result<Part, ImportError> {
    let text = super::utf8(file, bytes)?;
    let mut reader = quick_xml::Reader::from_str(text);
    let line_at = |pos: u64| super::line_of(text.as_bytes(), pos);
    let mut depth_in_concept = 0usize;
    let mut current: Option<(String, String)> = None;
    let mut out: Vec<(String, String)> = Vec::new();
    let mut version: Option<String> = None;
    let mut open = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| {
            ImportError::malformed(
                file,
                line_at(reader.error_position()),
                format!("not well-formed XML ({e})"),
            )
        })?;
        let value_of = |e: &quick_xml::events::BytesStart| {
            e.try_get_attribute("value")
                .ok()
                .flatten()
                .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok())
                .map(|v| v.into_owned())
        };
        match event {
            Event::Start(e) => {
                open += 1;
                if e.name().as_ref() == "concept" {
                    depth_in_concept = open;
                    current = Some((String::new(), String::new()));
                }
            }
            Event::Empty(e) => {
                let tag = e.name();
                if let Some((code, display)) = current.as_mut().filter(|_| depth_in_concept == open)
                {
                    match tag.as_ref() {
                        "code" => *code = value_of(&e).unwrap_or_default(),
                        "display" => *display = value_of(&e).unwrap_or_default(),
                        _ => {}
                    }
                } else if tag.as_ref() == "version" && current.is_none() && version.is_none() {
                    version = value_of(&e);
                }
            }
            Event::End(e) => {
                if e.name().as_ref() == "concept" && open == depth_in_concept {
                    if let Some((code, display)) = current.take() {
                        if code.len() != 2
                            || !code.bytes().all(|b| b.is_ascii_digit())
                            || display.is_empty()
                        {
                            return Err(ImportError::malformed(
                                file,
                                line_at(reader.buffer_position()),
                                format!(
                                    "expected a concept with a two-digit code and a display name, found code \"{code}\""
                                ),
                            ));
                        }
                        out.push((code, display.trim().to_string()));
                    }
                    depth_in_concept = 0;
                }
                open = open.saturating_sub(1);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if open != 0 {
        return Err(ImportError::malformed(
            file,
            line_at(reader.buffer_position()),
            "the XML ends inside an element — the file is truncated",
        ));
    }
    if out.is_empty() {
        return Err(ImportError::malformed(
            file,
            1,
            "no <concept> place-of-service codes in the code system",
        ));
    }
    let listed = version.as_deref().and_then(Date::parse_compact);
    Ok(Part {
        name: match listed {
            Some(d) => format!("Place of service (CMS list of {d}, {name})"),
            None => format!("Place of service ({name})"),
        },
        source: name.to_string(),
        // The list is not tied to a date of service: it answers for every date.
        effective: None,
        until: None,
        records: Records::PlaceOfService(out),
    })
}
