//! What an import refuses before anything is stored: decompression bombs, archives nested too deep,
//! and names from files that would reach the terminal raw. The damaged files are built here.

use claimls_data::import::{MAX_UNPACKED_BYTES, read_bytes};
use std::io::Write;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    gzip_at(bytes, flate2::Compression::best())
}

fn gzip_at(bytes: &[u8], level: flate2::Compression) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), level);
    e.write_all(bytes).expect("compress");
    e.finish().expect("compress")
}

#[test]
fn a_gzip_bomb_is_refused_before_it_is_unpacked() {
    // 1 GiB of zeros as 1,024 gzip members of 1 MiB each (about 1 MB compressed): a multi-member
    // gzip file is read whole, as the official .gz copies are.
    let member = gzip(&vec![0u8; 1024 * 1024]);
    let bomb: Vec<u8> = member
        .iter()
        .copied()
        .cycle()
        .take(member.len() * 1024)
        .collect();
    assert!(bomb.len() < 2_000_000, "{} bytes compressed", bomb.len());
    let err = read_bytes("bomb.csv.gz", "bomb.csv.gz", bomb).expect_err("refused");
    let message = err.to_string();
    assert!(message.starts_with("bomb.csv.gz: refused"), "{message}");
    assert!(message.contains("decompression bomb"), "{message}");
}

#[test]
fn a_file_that_unpacks_past_the_cap_is_refused() {
    // Text that compresses like a real file (not a bomb) but unpacks past 64 MiB.
    let mut text = Vec::new();
    let mut n: u64 = 0x2545_f491_4f6c_dd1d;
    while (text.len() as u64) <= MAX_UNPACKED_BYTES {
        n ^= n << 13;
        n ^= n >> 7;
        n ^= n << 17;
        writeln!(text, "J{:04},{}", n % 10_000, n).expect("write");
    }
    let err = read_bytes(
        "big.csv.gz",
        "big.csv.gz",
        gzip_at(&text, flate2::Compression::fast()),
    )
    .expect_err("refused");
    assert!(
        err.to_string().contains("unpacks to more than 67.1 MB"),
        "{err}"
    );
}

#[test]
fn gzip_nested_deep_is_refused_at_the_nesting_cap() {
    // 2,000 layers (stored, uncompressed blocks: each layer only wraps the one inside).
    let mut nested = b"A000    Cholera\r\n".to_vec();
    for _ in 0..2_000 {
        nested = gzip_at(&nested, flate2::Compression::none());
    }
    let err = read_bytes("deep.txt.gz", "deep.txt.gz", nested).expect_err("refused");
    assert!(err.to_string().contains("layers deep"), "{err}");
    // Within the cap the same content reads.
    let two = gzip(&gzip(
        b"A000    Cholera due to Vibrio cholerae 01, biovar cholerae\r\n",
    ));
    let parts = read_bytes(
        "icd10cm-codes-2026.txt.gz",
        "icd10cm-codes-2026.txt.gz",
        two,
    )
    .expect("two layers read");
    assert_eq!(parts.len(), 1);
}

#[test]
fn zip_member_names_reach_messages_escaped() {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let name = "evil\u{1b}]0;owned\u{7}\u{1b}[2J.csv.gz";
    zip.start_file(name, zip::write::SimpleFileOptions::default())
        .expect("member");
    // A damaged gzip member: its error names the member.
    zip.write_all(&[0x1f, 0x8b, 8, 0, 0, 0]).expect("write");
    let bytes = zip.finish().expect("zip").into_inner();
    let err = read_bytes("archive.zip", "archive.zip", bytes).expect_err("damaged member");
    let message = err.to_string();
    assert!(
        !message.contains('\u{1b}') && !message.contains('\u{7}'),
        "{message:?}"
    );
    assert!(
        message.starts_with("archive.zip:evil\\u{1b}]0;owned\\u{7}\\u{1b}[2J.csv.gz"),
        "{message}"
    );
}

#[test]
fn escaping_leaves_ordinary_names_alone() {
    use claimls_data::import::escaped;
    assert_eq!(
        escaped("HCPC2026_JAN_ANWEB_01122026.txt"),
        "HCPC2026_JAN_ANWEB_01122026.txt"
    );
    assert_eq!(escaped("café ß.csv"), "café ß.csv");
    assert_eq!(escaped("a\nb\u{202e}c"), "a\\u{a}b\\u{202e}c");
}

#[test]
fn quick_xml_is_past_rustsec_2026_0194() {
    // RUSTSEC-2026-0194 (quadratic duplicate-attribute check, reached through `try_get_attribute` in
    // the ICD-10-CM and POS readers) is fixed in quick-xml 0.41.0.
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock"))
        .expect("Cargo.lock");
    let versions: Vec<(u64, u64)> = lock
        .split("[[package]]")
        .filter(|p| p.contains("name = \"quick-xml\""))
        .filter_map(|p| {
            let v = p.split("version = \"").nth(1)?.split('"').next()?;
            let mut n = v.split('.').map(|x| x.parse::<u64>().unwrap_or(0));
            Some((n.next()?, n.next()?))
        })
        .collect();
    assert!(!versions.is_empty(), "quick-xml is in Cargo.lock");
    for v in versions {
        assert!(v >= (0, 41), "quick-xml {v:?} carries RUSTSEC-2026-0194");
    }
}

#[test]
fn a_zip_bomb_member_is_refused_before_it_is_unpacked() {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "HCPC2026_JAN_ANWEB.txt",
        zip::write::SimpleFileOptions::default(),
    )
    .expect("member");
    zip.write_all(&vec![0u8; 16 * 1024 * 1024]).expect("write");
    let bytes = zip.finish().expect("zip").into_inner();
    assert!(bytes.len() < 100_000, "{} bytes", bytes.len());
    let err = read_bytes("bomb.zip", "bomb.zip", bytes).expect_err("refused");
    let message = err.to_string();
    assert!(
        message.starts_with("bomb.zip:HCPC2026_JAN_ANWEB.txt: refused"),
        "{message}"
    );
    assert!(message.contains("decompression bomb"), "{message}");
}
