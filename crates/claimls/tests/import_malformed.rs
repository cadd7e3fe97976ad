//! Malformed copies of the official files (truncated, wrong encoding, missing columns), made in temp
//! dirs: each gets an error naming the file, the line and what was expected — never a panic, never a
//! half-written index.

#[path = "../../claimls-data/tests/import_common/mod.rs"]
mod import_common;

use claimls::cli::data::{DataCommand, execute};
use claimls_data::import::{ImportError, read_file, read_paths};
use import_common::{gunzip, refdata, temp_dir};
use std::path::Path;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write the malformed copy");
    p
}

fn malformed_line(err: ImportError, file_end: &str) -> (usize, String) {
    match err {
        ImportError::Malformed {
            file,
            line,
            message,
        } => {
            assert!(file.ends_with(file_end), "error names {file}");
            (line, message)
        }
        other => panic!("expected a malformed-line error, got {other}"),
    }
}

#[test]
fn truncated_hcpcs_names_the_cut_record() {
    let Some(refdata) = refdata() else { return };
    let dir = temp_dir("trunc-hcpcs");
    let txt = gunzip(&refdata.join("hcpcs/HCPC2026_JAN_ANWEB_01122026.txt.gz"));
    // Cut in the middle of line 1001 (each line is 322 bytes with CRLF, except none before 9170).
    let cut = 1000 * 322 + 150;
    let p = write(&dir, "HCPC2026_JAN_ANWEB_01122026.txt", &txt[..cut]);
    let err = read_file(&p).expect_err("a truncated file fails");
    let (line, message) = malformed_line(err, "HCPC2026_JAN_ANWEB_01122026.txt");
    assert_eq!(line, 1001);
    assert!(message.contains("truncated"), "{message}");
}

#[test]
fn truncated_gzip_and_zip_are_reported() {
    let Some(refdata) = refdata() else { return };
    let dir = temp_dir("trunc-gz");
    let gz = std::fs::read(refdata.join("mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv.gz"))
        .expect("read");
    let p = write(&dir, "mue.csv.gz", &gz[..gz.len() / 2]);
    let err = read_file(&p).expect_err("a truncated gzip fails");
    assert!(
        err.to_string().contains("mue.csv.gz") && err.to_string().contains("truncated"),
        "{err}"
    );
    let zip = std::fs::read(refdata.join("hcpcs/january-2026-alpha-numeric-hcpcs-file.zip"))
        .expect("read");
    let p = write(&dir, "hcpcs.zip", &zip[..zip.len() / 2]);
    let err = read_file(&p).expect_err("a truncated zip fails");
    assert!(err.to_string().contains("hcpcs.zip"), "{err}");
}

#[test]
fn truncated_xml_names_the_end() {
    let Some(refdata) = refdata() else { return };
    let dir = temp_dir("trunc-xml");
    let xml = gunzip(&refdata.join("icd10cm/fy2026-apr2026/icd10c-tabular-April-1-2026.xml.gz"));
    let p = write(
        &dir,
        "icd10c-tabular-April-1-2026.xml",
        &xml[..xml.len() / 3],
    );
    let err = read_file(&p).expect_err("a truncated XML fails");
    let (line, message) = malformed_line(err, "icd10c-tabular-April-1-2026.xml");
    assert!(line > 1000, "line {line}");
    assert!(message.contains("truncated"), "{message}");
}

#[test]
fn icd10_codes_in_another_encoding() {
    let Some(refdata) = refdata() else { return };
    let dir = temp_dir("enc-icd");
    let mut txt = gunzip(&refdata.join("icd10cm/fy2026-oct2025/icd10cm-codes-2026.txt.gz"));
    // A Latin-1 "é" on line 3, as a re-saved copy would have.
    let third = txt
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(1)
        .map(|(i, _)| i + 10)
        .expect("3 lines");
    txt[third] = 0xE9;
    let p = write(&dir, "icd10cm-codes-2026.txt", &txt);
    let (line, message) = malformed_line(
        read_file(&p).expect_err("not UTF-8"),
        "icd10cm-codes-2026.txt",
    );
    assert_eq!(line, 3);
    assert!(message.contains("UTF-8"), "{message}");
    // UTF-16 is not recognised at all: named directly, it is an error that lists what is expected.
    let utf16: Vec<u8> = String::from_utf8_lossy(&txt[..2000])
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let p = write(&dir, "utf16.txt", &utf16);
    let err = read_paths(&[p]).expect_err("UTF-16 is not a format claimls reads");
    assert!(
        err.to_string().contains("utf16.txt") && err.to_string().contains("expected"),
        "{err}"
    );
}

#[test]
fn crosswalk_without_a_column() {
    let Some(refdata) = refdata() else { return };
    let dir = temp_dir("cols-xwalk");
    let csv = gunzip(&refdata.join("asp/2025-10/asp_crosswalk.csv.gz"));
    let text = encoding_rs::WINDOWS_1252
        .decode(&csv)
        .0
        .replace(",PKG QTY,", ",PACKAGES,");
    let p = write(&dir, "asp_crosswalk.csv", text.as_bytes());
    let (line, message) = malformed_line(
        read_file(&p).expect_err("missing column"),
        "asp_crosswalk.csv",
    );
    assert_eq!(line, 9);
    assert!(message.contains("PKG QTY"), "{message}");
}

#[test]
fn mue_with_a_bad_value_and_without_a_column() {
    let Some(refdata) = refdata() else { return };
    let dir = temp_dir("cols-mue");
    let csv = gunzip(&refdata.join("mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv.gz"));
    let text = encoding_rs::WINDOWS_1252.decode(&csv).0.into_owned();
    let bad = text.replace("J2350,600,3", "J2350,six hundred,3");
    let p = write(&dir, "mue.csv", bad.as_bytes());
    let (line, message) = malformed_line(read_file(&p).expect_err("bad value"), "mue.csv");
    let expected_line = text[..text.find("J2350,600").expect("J2350 row")]
        .matches('\n')
        .count()
        + 1;
    assert_eq!(line, expected_line);
    assert!(
        message.contains("whole number") && message.contains("six hundred"),
        "{message}"
    );
    let no_indicator = text.replace("MUE Adjudication Indicator", "Indicator");
    let p = write(&dir, "mue2.csv", no_indicator.as_bytes());
    let (_, message) = malformed_line(read_file(&p).expect_err("missing column"), "mue2.csv");
    assert!(message.contains("MUE Adjudication Indicator"), "{message}");
}

#[test]
fn pricing_with_a_bad_number() {
    let Some(refdata) = refdata() else { return };
    let dir = temp_dir("num-asp");
    let csv = std::fs::read(refdata.join("asp/2025-10/asp_pricing.csv")).expect("read");
    let text = encoding_rs::WINDOWS_1252
        .decode(&csv)
        .0
        .replace("1 MG,59.414,", "1 MG,59.4x4,");
    let p = write(&dir, "asp_pricing.csv", text.as_bytes());
    let (line, message) = malformed_line(read_file(&p).expect_err("bad number"), "asp_pricing.csv");
    assert_eq!(line, 393);
    assert!(message.contains("Payment Limit"), "{message}");
}

#[test]
fn a_failed_import_leaves_the_index_untouched() {
    let Some(refdata) = refdata() else { return };
    let data = temp_dir("atomic-data");
    let bad = temp_dir("atomic-bad");
    let mut out = Vec::new();
    execute(
        DataCommand::Import {
            paths: vec![refdata.join("pos/cs-CMS-PlaceofServiceCodes.xml")],
            force: false,
        },
        &data,
        &mut out,
    )
    .expect("imports POS");
    let before = std::fs::read(data.join("index.bin")).expect("index written");
    let txt = gunzip(&refdata.join("hcpcs/HCPC2026_JAN_ANWEB_01122026.txt.gz"));
    write(&bad, "HCPC2026_JAN_ANWEB.txt", &txt[..txt.len() / 2 + 7]);
    std::fs::copy(
        refdata.join("asp/2025-10/asp_pricing.csv"),
        bad.join("asp_pricing.csv"),
    )
    .expect("copy");
    let err = execute(
        DataCommand::Import {
            paths: vec![bad.clone()],
            force: false,
        },
        &data,
        &mut out,
    )
    .expect_err("fails");
    assert!(
        err.to_string().contains("HCPC2026_JAN_ANWEB.txt, line"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(data.join("index.bin")).expect("still there"),
        before
    );
    let leftovers: Vec<_> = std::fs::read_dir(&data)
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

/// The HCPCS txt with `keep` complete lines, plus the first `extra` bytes of the next line.
fn hcpcs_cut(refdata: &Path, keep: usize, extra: usize) -> Vec<u8> {
    let txt = gunzip(&refdata.join("hcpcs/HCPC2026_JAN_ANWEB_01122026.txt.gz"));
    let mut end = 0;
    for _ in 0..keep {
        end += txt[end..].iter().position(|b| *b == b'\n').expect("a line") + 1;
    }
    txt[..end + extra].to_vec()
}

#[test]
fn hcpcs_cut_inside_its_last_record_is_refused() {
    let Some(refdata) = refdata() else { return };
    let dir = temp_dir("cut-last-record");
    // Line 7,001 cut after 300 of its 320 columns: its dates (269-292) are whole, the record is not.
    let p = write(
        &dir,
        "HCPC2026_JAN_ANWEB_01122026.txt",
        &hcpcs_cut(&refdata, 7000, 300),
    );
    let err = read_file(&p).expect_err("a record cut short fails");
    let (line, message) = malformed_line(err, "HCPC2026_JAN_ANWEB_01122026.txt");
    assert_eq!(line, 7001);
    assert!(
        message.contains("is 300 characters long; a HCPCS record has 320 columns"),
        "{message}"
    );
}

#[test]
fn a_file_with_far_fewer_records_does_not_replace_the_edition() {
    let Some(refdata) = refdata() else { return };
    let data = temp_dir("count-data");
    let cut_dir = temp_dir("count-cut");
    let import = |paths: Vec<std::path::PathBuf>, force: bool| {
        let mut out = Vec::new();
        execute(DataCommand::Import { paths, force }, &data, &mut out)
    };
    import(
        vec![refdata.join("hcpcs/HCPC2026_JAN_ANWEB_01122026.txt.gz")],
        false,
    )
    .expect("the whole file imports");
    let before = std::fs::read(data.join("index.bin")).expect("index");
    // Cut at a line end: every record that is left is whole, but most of the file is gone.
    let cut = write(
        &cut_dir,
        "HCPC2026_JAN_ANWEB_01122026.txt",
        &hcpcs_cut(&refdata, 7000, 0),
    );
    let err = import(vec![cut.clone()], false).expect_err("refused");
    let message = err.to_string();
    let codes = match read_file(&cut).expect("reads").remove(0).records {
        claimls_data::import::Records::Hcpcs { codes, .. } => codes.len(),
        _ => panic!("HCPCS"),
    };
    assert!(codes < 8623 * 8 / 10, "{codes}");
    assert!(
        message.contains(&format!(
            "refused: {},{:03} codes would replace 8,623 codes of HCPCS 2026 January",
            codes / 1000,
            codes % 1000
        )),
        "{message}"
    );
    assert!(message.contains("--force"), "{message}");
    assert_eq!(
        std::fs::read(data.join("index.bin")).expect("index"),
        before,
        "the index is untouched"
    );
    import(vec![cut], true).expect("--force imports it");
    assert_ne!(
        std::fs::read(data.join("index.bin")).expect("index"),
        before
    );
}

#[test]
fn pricing_with_an_extra_header_column_is_refused() {
    let Some(refdata) = refdata() else { return };
    let dir = temp_dir("pricing-extra-column");
    let csv = std::fs::read(refdata.join("asp/2025-10/asp_pricing.csv")).expect("read");
    let text = encoding_rs::WINDOWS_1252.decode(&csv).0.into_owned();
    let header = "HCPCS Code Dosage,";
    let at = text.find(header).expect("the header") + header.len();
    let damaged = format!("{}Extra Column,{}", &text[..at], &text[at..]);
    let p = write(&dir, "asp_pricing.csv", damaged.as_bytes());
    let err = read_file(&p).expect_err("refused");
    let (line, message) = malformed_line(err, "asp_pricing.csv");
    assert_eq!(line, 10, "the first data row");
    assert!(
        message.contains("this row has 11 fields, the header (line 9) names 12 columns"),
        "{message}"
    );
}

#[test]
fn a_killed_imports_temp_file_does_not_survive_the_next_import() {
    let Some(refdata) = refdata() else { return };
    let data = temp_dir("stale-temp");
    // What an import killed before its rename leaves: a temporary index of a process that is gone.
    let stale = data.join(".index.bin.4000000000.tmp");
    std::fs::write(&stale, vec![0u8; 17 * 1024]).expect("write");
    let other = data.join("notes.tmp");
    std::fs::write(&other, b"not ours").expect("write");
    let mut out = Vec::new();
    execute(
        DataCommand::Import {
            paths: vec![refdata.join("pos/cs-CMS-PlaceofServiceCodes.xml")],
            force: false,
        },
        &data,
        &mut out,
    )
    .expect("imports");
    assert!(!stale.exists(), "the stale temp file is removed");
    assert!(
        other.exists(),
        "files that are not claimls temp files are left alone"
    );
    assert!(data.join("index.bin").exists());
}
