//! Checks the embedded curated code data (`crates/claimls-data/data/*.toml`) against the official CMS/CDC files in
//! `../shared/refdata` (or `$CLAIMLS_REFDATA`): descriptors, dates, MUE values, billing units, NDC
//! package units, modifiers, ICD-10-CM titles and POS names. Any mismatch fails the test, listing every
//! difference.
//!
//! The official files are read here in the simplest way that works for these editions; the real
//! importers live in `src/data/import/`. Without the files the test prints SKIPPED and passes, unless
//! `CI` is set.

use claimls_data::{CodeKind, CodeSet, icd10_key};
use claimls_model::{Date, DoseUnit};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const HCPCS_TXT: &str = "hcpcs/HCPC2026_JAN_ANWEB_01122026.txt.gz";
const MODIFIERS_TSV: &str = "modifiers/hcpcs_modifiers_from_HCPC2026_JAN_ANWEB.tsv";
const ASP_PRICING: &str = "asp/2025-10/asp_pricing.csv";
const ASP_CROSSWALK: &str = "asp/2025-10/asp_crosswalk.csv.gz";
const MUE_CSV: &str = "mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv.gz";
const POS_XML: &str = "pos/cs-CMS-PlaceofServiceCodes.xml";
const ICD_CODES: &str = "icd10cm/fy2026-oct2025/icd10cm-codes-2026.txt.gz";
const ICD_TABULAR: &str = "icd10cm/fy2026-apr2026/icd10c-tabular-April-1-2026.xml.gz";
const AOC_XLSX: &str = "ncci/AOC_V2026Q2-MCR.xlsx";

fn refdata_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("CLAIMLS_REFDATA") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/refdata"),
    };
    if dir.join(HCPCS_TXT).is_file() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "reference data not found at {} (set CLAIMLS_REFDATA); CI requires it",
            dir.display()
        );
    }
    // Straight to stderr, not through `eprintln!`, so the test harness does not swallow it.
    let _ = writeln!(
        std::io::stderr(),
        "\n==== SKIPPED: reference data not found at {} (set CLAIMLS_REFDATA) ====\n",
        dir.display()
    );
    None
}

/// Bytes of a file, gunzipped when it ends in `.gz`.
fn read_bytes(dir: &Path, rel: &str) -> Vec<u8> {
    let path = dir.join(rel);
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if !rel.ends_with(".gz") {
        return raw;
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&raw[..])
        .read_to_end(&mut out)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    out
}

/// Text of a Windows-1252 (or Latin-1, or ASCII) file.
fn read_1252(dir: &Path, rel: &str) -> String {
    let bytes = read_bytes(dir, rel);
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
    text.into_owned()
}

fn read_utf8(dir: &Path, rel: &str) -> String {
    String::from_utf8(read_bytes(dir, rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A small RFC 4180 reader: quoted fields may hold commas, quotes ("") and newlines.
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

fn compact_date(s: &str) -> Option<Date> {
    Date::parse_compact(s.trim())
}

struct HcpcsRecord {
    long: String,
    short: String,
    added: Option<Date>,
    terminated: Option<Date>,
}

/// The fixed-width HCPCS file: RIC 3 starts a code, RIC 4 continues its long description (joined with
/// one space). Positions from HCPC2026_recordlayout.txt.
fn hcpcs_file(dir: &Path) -> BTreeMap<String, HcpcsRecord> {
    let text = read_1252(dir, HCPCS_TXT);
    let mut out: BTreeMap<String, HcpcsRecord> = BTreeMap::new();
    for line in text.lines() {
        let chars: Vec<char> = line.chars().collect();
        if chars.len() < 292 {
            continue;
        }
        let col = |a: usize, b: usize| {
            chars[a - 1..b]
                .iter()
                .collect::<String>()
                .trim()
                .to_string()
        };
        let code = col(1, 5);
        match chars[10] {
            '3' => {
                out.insert(
                    code,
                    HcpcsRecord {
                        long: col(12, 91),
                        short: col(92, 119),
                        added: compact_date(&col(269, 276)),
                        terminated: compact_date(&col(285, 292)),
                    },
                );
            }
            '4' => {
                if let Some(r) = out.get_mut(&code) {
                    r.long.push(' ');
                    r.long.push_str(&col(12, 91));
                }
            }
            _ => {}
        }
    }
    out
}

/// `1 MG` → (1, mg); `1 UNIT` → (1, units).
fn asp_dosage(s: &str) -> Option<(Decimal, DoseUnit)> {
    let mut parts = s.split_whitespace();
    let amount: Decimal = parts.next()?.parse().ok()?;
    let unit = match parts.next()?.to_ascii_uppercase().as_str() {
        "MG" => DoseUnit::Mg,
        "MCG" => DoseUnit::Mcg,
        "G" | "GM" => DoseUnit::G,
        "ML" => DoseUnit::Ml,
        "UNIT" | "UNITS" | "IU" => DoseUnit::Units,
        _ => return None,
    };
    Some((amount, unit))
}

/// Rows after the CMS preamble: the header row starts with `first_header`.
fn csv_after_header(text: &str, first_header: &str) -> Vec<Vec<String>> {
    let records = csv_records(text);
    let start = records
        .iter()
        .position(|r| r.first().is_some_and(|f| f.trim() == first_header))
        .unwrap_or_else(|| panic!("no header row starting with {first_header}"));
    records[start + 1..].to_vec()
}

struct CrosswalkRow {
    name: String,
    labeler: String,
    pkg_qty: String,
    units_per_pkg: String,
}

fn dec_eq(a: &str, b: Decimal) -> bool {
    a.trim()
        .parse::<Decimal>()
        .is_ok_and(|a| a.normalize() == b.normalize())
}

/// Every difference between the embedded set and the official files, one line each.
fn mismatches(set: &CodeSet, dir: &Path) -> Vec<String> {
    let mut bad = Vec::new();
    check_codes(set, dir, &mut bad);
    check_modifiers(set, dir, &mut bad);
    check_diagnoses(set, dir, &mut bad);
    check_places(set, dir, &mut bad);
    check_successors(set, dir, &mut bad);
    bad
}

/// `data/successors.toml`: the old code is terminated in the official file, each successor is in it,
/// added the day after that termination and still in force.
fn check_successors(set: &CodeSet, dir: &Path, bad: &mut Vec<String>) {
    let hcpcs = hcpcs_file(dir);
    for (code, successors) in &set.successors {
        let Some(old) = hcpcs.get(code) else {
            bad.push(format!("successors.toml: {code} is not in the HCPCS file"));
            continue;
        };
        let Some(end) = old.terminated else {
            bad.push(format!(
                "successors.toml: {code} is not terminated in the HCPCS file"
            ));
            continue;
        };
        for s in successors {
            match hcpcs.get(s) {
                None => bad.push(format!("successors.toml: {code} → {s}: {s} is not in the HCPCS file")),
                Some(new) if new.added != Some(end.next_day()) || new.terminated.is_some() => {
                    bad.push(format!(
                        "successors.toml: {code} (terminated {end}) → {s}: added {:?}, terminated {:?}",
                        new.added, new.terminated
                    ))
                }
                Some(_) => {}
            }
        }
    }
}

fn check_codes(set: &CodeSet, dir: &Path, bad: &mut Vec<String>) {
    let hcpcs = hcpcs_file(dir);
    let mue: BTreeMap<String, (String, String)> = csv_records(&read_1252(dir, MUE_CSV))
        .into_iter()
        .skip(2)
        .filter(|r| r.len() >= 3)
        .map(|r| {
            (
                r[0].trim().to_string(),
                (r[1].trim().to_string(), r[2].trim().to_string()),
            )
        })
        .collect();
    let dosage: BTreeMap<String, String> =
        csv_after_header(&read_1252(dir, ASP_PRICING), "HCPCS Code")
            .into_iter()
            .filter(|r| r.len() >= 3)
            .map(|r| (r[0].trim().to_string(), r[2].trim().to_string()))
            .collect();
    let mut crosswalk: BTreeMap<(String, String), CrosswalkRow> = BTreeMap::new();
    for r in csv_after_header(&read_1252(dir, ASP_CROSSWALK), "_2025_CODE") {
        if r.len() < 10 || r[9].trim().is_empty() {
            continue;
        }
        let ndc: String = r[3].trim().chars().filter(|c| *c != '-').collect();
        crosswalk.insert(
            (r[0].trim().to_string(), ndc),
            CrosswalkRow {
                name: r[4].trim().to_string(),
                labeler: r[2].trim().to_string(),
                pkg_qty: r[7].trim().to_string(),
                units_per_pkg: r[9].trim().to_string(),
            },
        );
    }

    for (key, code) in &set.codes {
        let level2 = key.as_bytes()[0].is_ascii_alphabetic();
        if level2 {
            match hcpcs.get(key) {
                None => bad.push(format!("{key}: not in the HCPCS file")),
                Some(r) => {
                    if code.description != r.long {
                        bad.push(format!(
                            "{key}: description {:?}, CMS {:?}",
                            code.description, r.long
                        ));
                    }
                    if code.short_description.as_deref() != Some(r.short.as_str()) {
                        bad.push(format!(
                            "{key}: short {:?}, CMS {:?}",
                            code.short_description, r.short
                        ));
                    }
                    if code.added != r.added {
                        bad.push(format!("{key}: added {:?}, CMS {:?}", code.added, r.added));
                    }
                    if code.terminated != r.terminated {
                        bad.push(format!(
                            "{key}: terminated {:?}, CMS {:?}",
                            code.terminated, r.terminated
                        ));
                    }
                }
            }
        }
        match (code.mue, mue.get(key)) {
            (None, None) => {}
            (Some(m), None) => bad.push(format!("{key}: MUE {} but not in the MUE table", m.value)),
            (None, Some((v, _))) => bad.push(format!("{key}: no MUE, table has {v}")),
            (Some(m), Some((v, ind))) => {
                let ind_digit = ind.chars().next().and_then(|c| c.to_digit(10));
                if v.parse::<u32>().ok() != Some(m.value)
                    || ind_digit != Some(u32::from(m.indicator))
                {
                    bad.push(format!(
                        "{key}: MUE {} / {}, table {v} / {ind}",
                        m.value, m.indicator
                    ));
                }
            }
        }
        if code.kind != CodeKind::Drug {
            continue;
        }
        let unit = code.billing_unit;
        if let (Some(unit), Some(d)) = (unit, dosage.get(key)) {
            match asp_dosage(d) {
                Some((a, u)) if a.normalize() == unit.amount.normalize() && u == unit.unit => {}
                _ => bad.push(format!("{key}: billing unit {unit}, ASP dosage {d:?}")),
            }
        }
        let Some(drug) = &code.drug else { continue };
        let mut embedded_ndcs = BTreeSet::new();
        for p in &drug.presentations {
            let Some(ndc) = &p.ndc else { continue };
            embedded_ndcs.insert(ndc.clone());
            let Some(row) = crosswalk.get(&(key.clone(), ndc.clone())) else {
                bad.push(format!(
                    "{key}: NDC {ndc} is not in the crosswalk under {key}"
                ));
                continue;
            };
            match p.billing_units_per_package {
                Some(u) if dec_eq(&row.units_per_pkg, u) => {}
                other => bad.push(format!(
                    "{key} {ndc}: billing units per package {other:?}, crosswalk {}",
                    row.units_per_pkg
                )),
            }
            if row.pkg_qty.parse::<u32>().ok() != Some(p.per_package) {
                bad.push(format!(
                    "{key} {ndc}: per_package {}, crosswalk PKG QTY {}",
                    p.per_package, row.pkg_qty
                ));
            }
            if let Some(product) = set.products.get(ndc) {
                if product.name != row.name {
                    bad.push(format!(
                        "{key} {ndc}: name {:?}, crosswalk {:?}",
                        product.name, row.name
                    ));
                }
                if product.labeler.as_deref() != Some(row.labeler.as_str()) {
                    bad.push(format!(
                        "{key} {ndc}: labeler {:?}, crosswalk {:?}",
                        product.labeler, row.labeler
                    ));
                }
            }
        }
        // Every crosswalk NDC of an embedded drug code is embedded too.
        for (c, ndc) in crosswalk.keys() {
            if c == key && !embedded_ndcs.contains(ndc) {
                bad.push(format!(
                    "{key}: crosswalk NDC {ndc} is missing from hcpcs.toml"
                ));
            }
        }
    }
}

fn check_modifiers(set: &CodeSet, dir: &Path, bad: &mut Vec<String>) {
    let text = read_1252(dir, MODIFIERS_TSV);
    let mut tsv: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cols: Vec<String> = line.split('\t').map(|c| c.trim().to_string()).collect();
        if cols.len() >= 6 {
            tsv.insert(cols[0].clone(), cols);
        }
    }
    for (key, m) in &set.modifiers {
        let level2 = key.bytes().any(|b| b.is_ascii_alphabetic());
        match (level2, tsv.get(key)) {
            (false, Some(_)) => bad.push(format!("modifier {key}: numeric but in the HCPCS file")),
            (false, None) => {
                if m.added.is_some() || m.terminated.is_some() {
                    bad.push(format!("modifier {key}: CPT modifier with dates"));
                }
            }
            (true, None) => bad.push(format!("modifier {key}: not in the HCPCS modifier records")),
            (true, Some(cols)) => {
                if m.description != cols[1] {
                    bad.push(format!(
                        "modifier {key}: description {:?}, CMS {:?}",
                        m.description, cols[1]
                    ));
                }
                if m.added != compact_date(&cols[3]) {
                    bad.push(format!(
                        "modifier {key}: added {:?}, CMS {}",
                        m.added, cols[3]
                    ));
                }
                if m.terminated != compact_date(&cols[5]) {
                    bad.push(format!(
                        "modifier {key}: terminated {:?}, CMS {:?}",
                        m.terminated, cols[5]
                    ));
                }
            }
        }
    }
}

/// Names and descriptions of the tabular list's `<diag>` elements, keyed without the dot.
fn tabular_titles(dir: &Path) -> BTreeMap<String, String> {
    use quick_xml::events::Event;
    let text = read_utf8(dir, ICD_TABULAR);
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut out = BTreeMap::new();
    let mut path: Vec<Vec<u8>> = Vec::new();
    let mut name: Option<String> = None;
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                path.push(e.name().as_ref().as_bytes().to_vec());
                text.clear();
            }
            Ok(Event::Text(t)) => text.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) => {
                let name = r.xml10_content();
                match r.resolve_char_ref() {
                    Ok(Some(c)) => text.push(c),
                    _ => text.push_str(
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .unwrap_or_else(|| panic!("{ICD_TABULAR}: unknown entity &{name};")),
                    ),
                }
            }
            Ok(Event::End(_)) => {
                let value = std::mem::take(&mut text).trim().to_string();
                let leaf = path.pop();
                let parent = path.last().map(Vec::as_slice);
                if parent != Some(b"diag") {
                    continue;
                }
                match leaf.as_deref() {
                    Some(b"name") => name = Some(icd10_key(&value)),
                    Some(b"desc") => {
                        if let Some(n) = name.take() {
                            out.insert(n, value);
                        }
                    }
                    _ => {}
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => panic!("{ICD_TABULAR}: {e}"),
            _ => {}
        }
    }
    out
}

fn check_diagnoses(set: &CodeSet, dir: &Path, bad: &mut Vec<String>) {
    let codes: BTreeMap<String, String> = read_1252(dir, ICD_CODES)
        .lines()
        .filter(|l| l.len() > 8)
        .map(|l| (l[..8].trim().to_string(), l[8..].trim().to_string()))
        .collect();
    let tabular = tabular_titles(dir);
    let fy2026 = Date::new(2025, 10, 1);
    for (key, d) in &set.diagnoses {
        let billable_fy2026 = fy2026.is_some_and(|date| d.billable_on(date));
        match (billable_fy2026, codes.get(key)) {
            (true, Some(title)) if *title == d.title => {}
            (true, Some(title)) => bad.push(format!(
                "{}: title {:?}, FY2026 file {title:?}",
                d.code, d.title
            )),
            (true, None) => bad.push(format!(
                "{}: billable but not in the FY2026 codes file",
                d.code
            )),
            (false, Some(_)) => bad.push(format!("{}: a header here, billable in FY2026", d.code)),
            (false, None) => match tabular.get(key) {
                Some(title) if *title == d.title => {}
                other => bad.push(format!(
                    "{}: header title {:?}, tabular list {other:?}",
                    d.code, d.title
                )),
            },
        }
    }
}

fn check_places(set: &CodeSet, dir: &Path, bad: &mut Vec<String>) {
    use quick_xml::events::Event;
    let text = read_utf8(dir, POS_XML);
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut official: BTreeMap<String, String> = BTreeMap::new();
    let mut depth_in_concept = 0usize;
    let mut code: Option<String> = None;
    loop {
        let event = reader.read_event();
        match &event {
            Ok(Event::Start(e)) if e.name().as_ref() == "concept" => depth_in_concept += 1,
            Ok(Event::End(e)) if e.name().as_ref() == "concept" => {
                depth_in_concept = depth_in_concept.saturating_sub(1);
                code = None;
            }
            Ok(Event::Empty(e)) if depth_in_concept == 1 => {
                let value = e.try_get_attribute("value").ok().flatten().and_then(|a| {
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .ok()
                        .map(|v| v.into_owned())
                });
                match (e.name().as_ref(), value) {
                    ("code", Some(v)) => code = Some(v),
                    ("display", Some(v)) => {
                        if let Some(c) = code.clone() {
                            official.insert(c, v);
                        }
                    }
                    _ => {}
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => panic!("{POS_XML}: {e}"),
            _ => {}
        }
    }
    if official.len() < 50 {
        bad.push(format!("POS xml: read only {} codes", official.len()));
    }
    for (code, name) in &official {
        match set.places.get(code) {
            None => bad.push(format!("POS {code}: missing from pos.toml")),
            Some(p) if p.name != *name => {
                bad.push(format!("POS {code}: name {:?}, CMS {name:?}", p.name))
            }
            Some(_) => {}
        }
    }
    for code in set.places.keys() {
        if !official.contains_key(code) {
            bad.push(format!("POS {code}: not a CMS place-of-service code"));
        }
    }
}

#[test]
fn embedded_data_matches_the_official_files() {
    let Some(dir) = refdata_dir() else { return };
    let set = CodeSet::embedded_checked().unwrap_or_else(|e| panic!("embedded data: {e}"));
    let bad = mismatches(&set, &dir);
    assert!(
        bad.is_empty(),
        "{} mismatch(es) between crates/claimls-data/data/*.toml and {}:\n{}",
        bad.len(),
        dir.display(),
        bad.join("\n")
    );
}

/// `2013091` → 2013-04-01.
fn ordinal(s: &str) -> Option<Date> {
    let year: i32 = s.get(..4)?.parse().ok()?;
    let day: u32 = s.get(4..)?.parse().ok()?;
    let mut date = Date::new(year, 1, 1)?;
    for _ in 1..day {
        date = date.next_day();
    }
    Some(date)
}

/// One add-on code edit row, as both sides give it: (type, add-on, primary, add-on deleted, primary
/// deleted, effective, deleted, note).
type EditRow = (
    u8,
    String,
    String,
    Option<Date>,
    Option<Date>,
    Option<Date>,
    Option<Date>,
    Option<String>,
);

/// Every row of the official add-on code workbook, read with calamine by header name.
fn official_addon_rows(dir: &Path) -> Vec<EditRow> {
    use calamine::{Data, Reader, Xlsx};
    let path = dir.join(AOC_XLSX);
    let mut book: Xlsx<_> =
        calamine::open_workbook(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let range = book
        .worksheet_range_at(0)
        .expect("a sheet")
        .unwrap_or_else(|e| panic!("{AOC_XLSX}: {e}"));
    let cell = |c: &Data| match c {
        Data::String(s) => s.trim().to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    };
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(cell).collect()).collect();
    let header = rows
        .iter()
        .position(|r| r.iter().any(|c| c == "Add-On_Code"))
        .expect("the header row");
    let col = |name: &str| {
        rows[header]
            .iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let cols = [
        col("AOC_Edit_Type"),
        col("Add-On_Code"),
        col("Primary_Code"),
        col("AOC_DelDT"),
        col("Primary_Code_DelDT"),
        col("AOC_Edit_EffDT"),
        col("AOC_Edit_DelDT"),
        col("Special_Instruction_Notes"),
    ];
    rows[header + 1..]
        .iter()
        .map(|r| {
            let get = |i: usize| r.get(cols[i]).cloned().unwrap_or_default();
            (
                get(0).parse().unwrap_or(0),
                get(1),
                get(2),
                ordinal(&get(3)),
                ordinal(&get(4)),
                ordinal(&get(5)),
                ordinal(&get(6)),
                Some(get(7)).filter(|n| !n.is_empty()),
            )
        })
        .collect()
}

/// `data/addons.toml` holds exactly the official rows of the add-on codes it names.
fn check_addons(dir: &Path, bad: &mut Vec<String>) {
    let table = claimls_data::addons::embedded_checked()
        .unwrap_or_else(|e| panic!("embedded add-on rows: {e}"));
    let mut embedded: Vec<EditRow> = table
        .edits
        .values()
        .flatten()
        .map(|r| {
            let kind = match r.kind {
                claimls_data::AddOnKind::Listed => 1,
                claimls_data::AddOnKind::ContractorDefined => 2,
                claimls_data::AddOnKind::ListedAndContractor => 3,
            };
            (
                kind,
                r.addon.clone(),
                r.primary.clone(),
                r.addon_deleted,
                r.primary_deleted,
                r.effective,
                r.deleted,
                r.note.clone(),
            )
        })
        .collect();
    let mut official: Vec<EditRow> = official_addon_rows(dir)
        .into_iter()
        .filter(|r| table.edits.contains_key(&r.1))
        .collect();
    embedded.sort();
    official.sort();
    for row in &embedded {
        if !official.contains(row) {
            bad.push(format!("addons.toml: {row:?} is not a row of {AOC_XLSX}"));
        }
    }
    for row in &official {
        if !embedded.contains(row) {
            bad.push(format!("addons.toml: {AOC_XLSX} row {row:?} is missing"));
        }
    }
    let drug_admin = official_addon_rows(dir)
        .into_iter()
        .filter(|r| r.1.starts_with("963") || r.1.starts_with("964"))
        .count();
    if drug_admin != embedded.len() {
        bad.push(format!(
            "addons.toml: {} rows, the official file has {drug_admin} for 963xx/964xx",
            embedded.len()
        ));
    }
}

#[test]
fn embedded_addon_edits_match_the_official_file() {
    let Some(dir) = refdata_dir() else { return };
    let mut bad = Vec::new();
    check_addons(&dir, &mut bad);
    assert!(
        bad.is_empty(),
        "{} mismatch(es):\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn csv_reader_handles_quotes_and_newlines() {
    let rows = csv_records("a,\"b,\"\"c\"\"\nd\",e\r\nf,,g\n");
    assert_eq!(rows, [vec!["a", "b,\"c\"\nd", "e"], vec!["f", "", "g"]]);
}
