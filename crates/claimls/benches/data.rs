//! Official code data at full scale: import time per file, index size on disk, open time, first-use
//! work, completion latency, and the CPU time and peak RSS of the shipped `claimls lookup J2350`
//! after import (spawned, like a user runs it). `cargo bench -p claimls --bench data` (needs
//! ../shared/refdata or $CLAIMLS_REFDATA). Goals (issue 11): lookup after import < 10 ms CPU and
//! < 20 MB RSS; completion p99 < 5 ms.

use claimls_data::CodeData;
use claimls_data::import::{read_file, read_paths};
use claimls_data::store;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn refdata() -> Option<PathBuf> {
    let dir = std::env::var_os("CLAIMLS_REFDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/refdata")
        });
    dir.join("SOURCES.md").exists().then_some(dir)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// `claimls lookup J2350` as shipped (the release binary next to this bench), against the index
/// just written: user + system CPU time and peak RSS of the child, best of 5.
fn lookup_after_import(data: &std::path::Path) {
    let exe = std::env::current_exe().ok().and_then(|bench| {
        // target/release/deps/data-…  →  target/release/claimls
        let release = bench.parent()?.parent()?;
        let exe = release.join("claimls");
        exe.exists().then_some(exe)
    });
    let Some(exe) = exe else {
        println!(
            "== claimls lookup J2350 after import: SKIPPED (build it first: cargo build --release)"
        );
        return;
    };
    // One run checks the output; then 20 runs under one `time`, so CPU is not rounded to the
    // 10 ms ticks of a single run (peak RSS is the largest child's).
    let once = std::process::Command::new(&exe)
        .args(["lookup", "J2350"])
        .env("CLAIMLS_DATA_DIR", data)
        .output()
        .expect("runs claimls");
    let stdout = String::from_utf8_lossy(&once.stdout);
    assert!(
        once.status.success() && stdout.contains("J2350"),
        "{stdout}"
    );
    const RUNS: u32 = 20;
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%U %S %M", "sh", "-c"])
        .arg(format!(
            "for i in $(seq {RUNS}); do \"$0\" lookup J2350 >/dev/null || exit 1; done"
        ))
        .arg(&exe)
        .env("CLAIMLS_DATA_DIR", data)
        .output();
    let Ok(out) = out else {
        println!("== claimls lookup J2350 after import: SKIPPED (no /usr/bin/time)");
        return;
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    let fields: Vec<f64> = stderr
        .lines()
        .last()
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    let [user, sys, max_kb] = fields[..] else {
        println!("== claimls lookup J2350 after import: cannot read `time`: {stderr}");
        return;
    };
    let cpu = (user + sys) * 1000.0 / f64::from(RUNS);
    let rss = max_kb / 1024.0;
    let verdict = |met: bool| if met { "met" } else { "MISSED" };
    println!(
        "== claimls lookup J2350 after import ({}): CPU {cpu:.0} ms (goal < 10 ms: {}), peak RSS \
         {rss:.1} MB (goal < 20 MB: {}); CPU is user + system, mean of {RUNS} runs",
        exe.display(),
        verdict(cpu < 10.0),
        verdict(rss < 20.0)
    );
}

fn main() {
    let Some(refdata) = refdata() else {
        eprintln!("SKIPPED: reference data not found (set CLAIMLS_REFDATA)");
        return;
    };
    println!("== import (read + validate), per file");
    let files = [
        "hcpcs/january-2026-alpha-numeric-hcpcs-file.zip",
        "hcpcs/HCPC2026_JAN_ANWEB_01122026.txt.gz",
        "asp/2025-10/asp_pricing.csv",
        "asp/2025-10/asp_crosswalk.csv.gz",
        "mue/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv.gz",
        "icd10cm/fy2026-oct2025/icd10cm-codes-2026.txt.gz",
        "icd10cm/fy2026-apr2026/icd10c-tabular-April-1-2026.xml.gz",
        "pos/cs-CMS-PlaceofServiceCodes.xml",
    ];
    for f in files {
        let start = Instant::now();
        let parts = read_file(&refdata.join(f)).expect("reads");
        let took = start.elapsed();
        let counts: Vec<String> = parts.iter().map(|p| p.records.counts()).collect();
        println!("  {f:<62} {:>10}  {}", ms(took), counts.join("; "));
    }

    let data = std::env::temp_dir().join(format!("claimls-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let start = Instant::now();
    let found = read_paths(std::slice::from_ref(&refdata)).expect("reads all");
    let parts = store::merge(Vec::new(), found.parts);
    let read = start.elapsed();
    let start = Instant::now();
    let path = store::save(&data, &parts).expect("saves");
    println!(
        "  whole folder: read {}; build the editions + write the index {}",
        ms(read),
        ms(start.elapsed())
    );
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "== index on disk: {:.2} MB ({} bytes)",
        size as f64 / 1_048_576.0,
        size
    );

    // Warm the embedded set (parsed once per process) so open measures the index.
    let _ = CodeData::embedded();
    let mut opens = Vec::new();
    let mut first_query = Vec::new();
    for _ in 0..15 {
        let start = Instant::now();
        let codes = CodeData::load_from(&data);
        opens.push(start.elapsed());
        let start = Instant::now();
        assert!(codes.hcpcs_complete(None));
        assert!(codes.code("J2350", None).is_some());
        assert!(codes.diagnosis("G35.A", None).is_some());
        first_query.push(start.elapsed());
    }
    opens.sort();
    first_query.sort();
    println!(
        "== open (open the index, read its header and directory, decode the add-on and ASP pricing parts): \
         median {}, max {}",
        ms(percentile(&opens, 0.5)),
        ms(*opens.last().expect("runs"))
    );
    println!(
        "   first queries (check the code edition and ICD-10-CM sections, decode J2350 and G35.A): \
         median {}",
        ms(percentile(&first_query, 0.5))
    );
    let start = Instant::now();
    let parts = store::load(&data).expect("loads").expect("present");
    let built = claimls_data::import::build_editions(&parts, CodeData::embedded().embedded_set());
    println!(
        "   for comparison, what start-up no longer does: decode every part and build every \
         edition {}",
        ms(start.elapsed())
    );
    drop((parts, built));

    lookup_after_import(&data);

    let codes = CodeData::load_from(&data);
    let start = Instant::now();
    let _ = codes.hcpcs_complete(None);
    for t in codes.diagnosis_tables() {
        t.warm();
    }
    println!(
        "   first-use work left (editions and title word indexes are stored): {}",
        ms(start.elapsed())
    );
    let code_queries = [
        "J",
        "J9",
        "J917",
        "J9173",
        "j23",
        "Q51",
        "A9",
        "99",
        "963",
        "durva",
        "ocre",
        "pembro",
        "infliximab",
        "Remicade",
        "keytruda",
        "insulin",
        "dexameth",
        "zzzz",
        "saline",
        "injection",
        "vial",
        "trastuz",
    ];
    let dx_queries = [
        "C",
        "C3",
        "C34",
        "C34.9",
        "C3490",
        "G35",
        "g35.a",
        "E11.9",
        "S01",
        "bronchus",
        "sclerosis",
        "multiple",
        "diabetes",
        "fracture",
        "encounter",
        "zzzz",
        "asthma",
        "crohn",
        "rheumatoid",
        "lung",
    ];
    let mut times = Vec::new();
    for _ in 0..10 {
        for q in code_queries {
            let start = Instant::now();
            let hits = codes.search_codes(q, 50);
            times.push(start.elapsed());
            std::hint::black_box(hits);
        }
        for q in dx_queries {
            let start = Instant::now();
            let hits = codes.search_diagnoses(q, 50);
            times.push(start.elapsed());
            std::hint::black_box(hits);
        }
    }
    times.sort();
    println!(
        "== completion over the full sets ({} queries): p50 {}, p99 {}, max {}",
        times.len(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().expect("runs"))
    );
    let mut worst: Vec<(Duration, &str)> = Vec::new();
    let best_of_3 = |f: &dyn Fn()| {
        (0..3)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .min()
            .unwrap_or_default()
    };
    for q in code_queries {
        worst.push((
            best_of_3(&|| drop(std::hint::black_box(codes.search_codes(q, 50)))),
            q,
        ));
    }
    for q in dx_queries {
        worst.push((
            best_of_3(&|| drop(std::hint::black_box(codes.search_diagnoses(q, 50)))),
            q,
        ));
    }
    worst.sort();
    let slow: Vec<String> = worst
        .iter()
        .rev()
        .take(5)
        .map(|(d, q)| format!("{q:?} {}", ms(*d)))
        .collect();
    println!("   slowest (best of 3): {}", slow.join(", "));
    let _ = std::fs::remove_dir_all(&data);
}
