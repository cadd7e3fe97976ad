//! Generated `.claim` documents like users': the examples' claims (several drugs and payers) with ids
//! and dates varied, and most claims carrying a coder's mistake (a wrong unit count, a missing route,
//! waste or JW line, an unreadable statement, an unknown code, a stop before the start…), so that a
//! check finds errors of many rules. Shared by the tests and the benches (`#[path]`-included).

use std::path::Path;

/// The examples' `.claim` texts, sorted by file name.
fn examples() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("examples/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "claim"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("example"))
        .collect()
}

/// The `i`th claim's line, changed by mistake number `mistake` (or kept; `None` drops it).
fn mutate(line: &str, mistake: usize, i: usize) -> Option<String> {
    let indent = &line[..line.len() - line.trim_start().len()];
    let t = line.trim_start();
    let word = t.split_whitespace().next().unwrap_or("");
    Some(match (mistake, word) {
        (1, "line") if t.contains("units") => {
            // A unit count off by a few.
            let (head, rest) = t.split_once("units ").unwrap_or((t, ""));
            let (n, tail) = rest.split_once(' ').unwrap_or((rest, ""));
            let n: u64 = n.parse().unwrap_or(1);
            format!("{indent}{head}units {} {tail}", n + 1 + (i as u64 % 5))
        }
        (2, "route") | (3, "waste") | (4, "reaction") => return None,
        (5, "dose") => format!("{indent}dose {}", 100 + i % 900),
        (6, "dx") => format!("{indent}dx A Z99.{:02}X", i % 100),
        (7, "stop") => format!("{indent}stop 07:{:02}", i % 60),
        (8, "line") if t.contains("JW") => return None,
        (9, "vial") => format!("{indent}vial 00000-0000-{:02} x2", i % 100),
        (10, "payer") => format!("{indent}payer medicaid"),
        (11, "order") => format!("{indent}order 2026-12-31"),
        (12, "patient") => format!("{indent}# patient left out ({}) — Ω", i % 7),
        _ => line.to_string(),
    })
}

/// `n` claims cycling through the examples, each with its own id, its start day varied, and (for 12
/// claims in 13) one mistake; a note with non-ASCII text now and then (columns count chars).
pub fn claims(n: usize) -> String {
    let mut out =
        String::from("# Generated claims: several drugs and payers, most with a mistake.\n\n");
    claims_range(&mut out, 0..n);
    out
}

/// The claims numbered `range` of [`claims`] (without its heading), appended to `out`.
pub fn claims_range(out: &mut String, range: std::ops::Range<usize>) {
    let examples = examples();
    for i in range {
        let example = &examples[i % examples.len()];
        let day = 1 + (i / examples.len()) % 28;
        let mistake = (i / examples.len() + i) % 13;
        let mut seen_claim = false;
        for line in example.lines() {
            let trimmed = line.trim_start();
            if !seen_claim && trimmed.starts_with('#') {
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix("claim ") {
                seen_claim = true;
                let id = rest.split_whitespace().next().unwrap_or(rest);
                out.push_str(&format!("claim {id}-{i}\n"));
                if i % 17 == 0 {
                    out.push_str("  # Überweisung — «straße» 全角 😀\n");
                }
                continue;
            }
            if !seen_claim {
                continue;
            }
            let line = if let Some(rest) = trimmed.strip_prefix("start ") {
                let (date, time) = rest.split_once(' ').unwrap_or((rest, "09:00"));
                let month = &date[..8.min(date.len())];
                let indent = &line[..line.len() - trimmed.len()];
                format!("{indent}start {month}{day:02} {time}")
            } else {
                line.to_string()
            };
            if let Some(line) = mutate(&line, mistake, i) {
                out.push_str(&line);
                out.push('\n');
            }
        }
        out.push('\n');
    }
}
