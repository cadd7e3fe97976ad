//! Turns the curated TOML in `data/` into compact records (postcard) in `OUT_DIR`, so the binary
//! decodes them instead of parsing TOML at run time (the parse was about half of `claimls lookup`'s
//! instructions). A syntax or shape fault fails the build with the file, line and column.
//!
//! Also writes `fingerprint.rs`: the hash of the TOML text that the index stores, so an index built
//! with other curated data is rebuilt (the same hash `embedded::fingerprint` computed at run time).

#[path = "src/embedded/records.rs"]
#[allow(dead_code)]
mod records;

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let data = Path::new("data");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/embedded/records.rs");
    let mut faults = Vec::new();
    let mut compact = |file: &str, convert: fn(&str, &str) -> Result<Vec<u8>, String>| {
        let path = data.join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        let text = read(&path);
        match convert(file, &text) {
            Ok(bytes) => write(&out.join(file.replace(".toml", ".postcard")), &bytes),
            Err(fault) => faults.push(fault),
        }
        text
    };
    // The fingerprint covers these five files' text, in this order (not addons.toml: the index stores
    // no add-on rows built from it).
    let texts = [
        compact("hcpcs.toml", convert::<records::HcpcsFile>),
        compact("modifiers.toml", convert::<records::ModifiersFile>),
        compact("icd10cm.toml", convert::<records::DiagnosesFile>),
        compact("pos.toml", convert::<records::PlacesFile>),
        compact("successors.toml", convert::<records::SuccessorsFile>),
    ];
    compact("addons.toml", convert::<records::AddOnsFile>);
    if !faults.is_empty() {
        for fault in &faults {
            eprintln!("error: {fault}");
        }
        std::process::exit(1);
    }
    let mut all = Vec::new();
    for text in &texts {
        all.extend_from_slice(&(text.len() as u64).to_le_bytes());
        all.extend_from_slice(text.as_bytes());
    }
    let fingerprint = format!(
        "/// The hash of the curated TOML (written by build.rs).\npub const FINGERPRINT: u64 = {:#018x};\n",
        fnv1a(&all)
    );
    write(&out.join("fingerprint.rs"), fingerprint.as_bytes());
}

/// Parse one file's TOML into its records and encode them; a fault names the file, line and column.
fn convert<T: DeserializeOwned + Serialize>(file: &str, text: &str) -> Result<Vec<u8>, String> {
    let records: T =
        toml::from_str(text).map_err(|e| format!("crates/claimls-data/data/{file}: {e}"))?;
    postcard::to_stdvec(&records).map_err(|e| format!("crates/claimls-data/data/{file}: {e}"))
}

fn read(path: &Path) -> String {
    match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: crates/claimls-data/{}: {e}", path.display());
            std::process::exit(1);
        }
    }
}

fn write(path: &Path, bytes: &[u8]) {
    if let Err(e) = std::fs::write(path, bytes) {
        eprintln!("error: {}: {e}", path.display());
        std::process::exit(1);
    }
}

/// FNV-1a over 8-byte words, then the remaining bytes: the same function as `codec::fnv1a`.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut a = [0u8; 8];
        a.copy_from_slice(w);
        h ^= u64::from_le_bytes(a);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    for b in words.remainder() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
