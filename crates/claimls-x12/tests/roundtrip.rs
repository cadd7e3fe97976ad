//! Round trip: draft → 837P → draft keeps every billed line, modifier, unit, NDC quantity, diagnosis
//! and pointer (a property test over generated claims).

mod common;

use claimls_model::{Claim, DxPointer};
use proptest::prelude::*;

const CODES: &[&str] = &[
    "J2350", "J1745", "J0490", "J1301", "J1100", "96365", "96413", "96415",
];
const MODIFIERS: &[&str] = &["JW", "JZ", "59", "XS", "25", "KX", "JG", "GA"];
const DIAGNOSES: &[&str] = &[
    "G35.A", "K50.90", "M32.14", "M06.9", "R53.83", "C50.911", "D50.9", "Z51.11",
];
const UNITS: &[&str] = &["ML", "UN", "GR", "F2", "ME"];
const PAYERS: &[&str] = &[
    "medicare",
    "medicaid",
    "medicare-advantage",
    "commercial \"Acme Health PPO\"",
    "commercial",
];

#[derive(Debug, Clone)]
struct GenLine {
    code: usize,
    modifiers: Vec<usize>,
    units: u32,
    half: bool,
    pointers: Option<Vec<usize>>,
    ndc: Option<(u64, u32, usize)>,
    charge: Option<u32>,
}

fn line() -> impl Strategy<Value = GenLine> {
    (
        0..CODES.len(),
        proptest::sample::subsequence((0..MODIFIERS.len()).collect::<Vec<_>>(), 0..=4),
        1u32..2000,
        any::<bool>(),
        proptest::option::of(proptest::sample::subsequence(
            (0..4).collect::<Vec<_>>(),
            1..=4,
        )),
        proptest::option::of((0u64..100_000_000_000, 1u32..5000, 0..UNITS.len())),
        proptest::option::of(1u32..10_000_000),
    )
        .prop_map(
            |(code, modifiers, units, half, pointers, ndc, charge)| GenLine {
                code,
                modifiers,
                units,
                half,
                pointers,
                ndc,
                charge,
            },
        )
}

fn claim_text(payer: usize, dxs: &[usize], lines: &[GenLine]) -> String {
    let mut s = format!(
        "claim RT-1\n  payer {}\n  patient M-88421\n  provider 1234567893\n  pos 11\n",
        PAYERS[payer]
    );
    for (i, d) in dxs.iter().enumerate() {
        s.push_str(&format!(
            "  dx {} {}\n",
            (b'A' + i as u8) as char,
            DIAGNOSES[*d]
        ));
    }
    for l in lines {
        s.push_str(&format!("  line {}", CODES[l.code]));
        for m in &l.modifiers {
            s.push_str(&format!(" {}", MODIFIERS[*m]));
        }
        let units = if l.half {
            format!("{}.5", l.units)
        } else {
            l.units.to_string()
        };
        s.push_str(&format!(" units {units}"));
        if let Some(ptrs) = &l.pointers {
            let letters: Vec<String> = ptrs
                .iter()
                .filter(|p| **p < dxs.len())
                .map(|p| ((b'A' + *p as u8) as char).to_string())
                .collect();
            if !letters.is_empty() {
                s.push_str(&format!(" dx {}", letters.join(",")));
            }
        }
        if let Some((ndc, qty, unit)) = l.ndc {
            s.push_str(&format!(" ndc {ndc:011} {}.25 {}", qty, UNITS[unit]));
        }
        if let Some(c) = l.charge {
            s.push_str(&format!(" charge {}.{:02}", c / 100, c % 100));
        }
        s.push_str(" on 2026-11-20\n");
    }
    s
}

/// What must survive: per line code, modifiers, units, NDC digits/quantity/unit and the diagnoses it
/// points at (by code, without the dot); and the claim's diagnoses in order.
fn essence(claim: &Claim) -> (Vec<String>, Vec<String>) {
    let norm = |c: &str| c.replace('.', "");
    let dxs: Vec<String> = claim.dxs.iter().map(|d| norm(&d.code.value)).collect();
    let lines = claim
        .lines
        .iter()
        .map(|l| {
            let pointed: Vec<String> = match &l.dx {
                None => dxs.clone(),
                Some(ptrs) => ptrs
                    .iter()
                    .map(|p| match &p.value {
                        DxPointer::Letter(x) => claim
                            .dxs
                            .iter()
                            .find(|d| d.letter.value == *x)
                            .map(|d| norm(&d.code.value))
                            .unwrap_or_default(),
                        DxPointer::Code(c) => norm(c),
                    })
                    .collect(),
            };
            let mods: Vec<&str> = l.modifiers.iter().map(|m| m.value.as_str()).collect();
            let ndc = l.ndc.as_ref().map(|n| {
                (
                    n.ndc.value.digits.clone(),
                    n.quantity.as_ref().map(|q| q.value.normalize()),
                    n.unit.as_ref().map(|u| u.value),
                )
            });
            format!(
                "{} {:?} units {} dx {:?} ndc {:?} charge {:?}",
                l.code.value,
                mods,
                l.units.as_ref().unwrap().value.normalize(),
                pointed,
                ndc,
                l.charge.as_ref().map(|c| c.value.normalize())
            )
        })
        .collect();
    (dxs, lines)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn draft_to_837p_to_draft_keeps_lines_modifiers_units_ndc_diagnoses_and_pointers(
        payer in 0..PAYERS.len(),
        dxs in proptest::sample::subsequence((0..DIAGNOSES.len()).collect::<Vec<_>>(), 1..=4),
        lines in proptest::collection::vec(line(), 1..=8),
    ) {
        let dir = common::claims_dir();
        let config = common::config(&dir);
        let patients = common::patients(&dir.join("patients.toml"));
        let text = claim_text(payer, &dxs, &lines);
        let interchange = common::export("generated.claim", &text, &config, &patients)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let imported = claimls_x12::import(&interchange, &config);
        prop_assert!(imported.problems.is_empty(), "{:?}", imported.problems);
        let before = claimls_syntax::document(&text);
        let after = claimls_syntax::document(&imported.text);
        prop_assert!(after.syntax.is_empty(), "{:?}\n{}", after.syntax, imported.text);
        prop_assert_eq!(after.claims.len(), 1);
        let mut expected = essence(&before.claims[0]);
        // Lines without a charge were charged from [x12.fees]; compare the rest.
        let (dx_after, lines_after) = essence(&after.claims[0]);
        for (e, a) in expected.1.iter_mut().zip(&lines_after) {
            if e.ends_with("charge None") {
                let cut = a.rfind(" charge ").unwrap();
                *e = format!("{}{}", &e[..e.rfind(" charge ").unwrap()], &a[cut..]);
            }
        }
        prop_assert_eq!(&expected.0, &dx_after);
        prop_assert_eq!(&expected.1, &lines_after, "\n{}\n{}", text, imported.text);
        let payer_kind = |c: &Claim| c.payer.as_ref().map(|p| p.kind.value);
        prop_assert_eq!(payer_kind(&before.claims[0]), payer_kind(&after.claims[0]));
    }
}
